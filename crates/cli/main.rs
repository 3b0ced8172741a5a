//! The `rolefit` command line: parse arguments, call the libraries, render.
//!
//! `main` only dispatches. Every failure comes back here as an error whose
//! cause chain decides the exit code (see [`error`]): 0 success or a closed
//! output pipe, 2 bad input or usage, 1 internal failure.

mod args;
mod cmd;
mod error;
mod external;
mod io;
mod load;
mod pipeline;
mod plot;
mod progress;
mod registry;
mod rejects;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, MatrixCommand, SynthCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    io::set_encoding(cli.encoding);
    io::clean_up_on_interrupt();
    render::set_sanitize(!cli.no_sanitize);
    let result = match &cli.command {
        Command::Score(a) => cmd::score::run(a),
        Command::Roles(a) => cmd::roles::run(a),
        Command::Survey(a) => cmd::survey::run(a),
        Command::Strategies(a) => cmd::strategies::run(a),
        Command::Matrix(MatrixCommand::Check(a)) => cmd::matrix::check(a),
        Command::Synth(SynthCommand::Matrix(a)) => cmd::synth::matrix(a),
        Command::Synth(SynthCommand::Responses(a)) => cmd::synth::responses(a),
        Command::Matrix(MatrixCommand::Overlap(a)) => cmd::overlap::run(a),
        Command::Evaluate(a) => cmd::evaluate::run(a),
        Command::Train(a) => cmd::train::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Cluster(a) => cmd::cluster::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Assess(a) => cmd::assess::run(a),
        Command::Plugins(a) => cmd::plugins::run(a),
        Command::Completions(a) => cmd::completions::completions(a),
        Command::Man => cmd::completions::man(),
        // The plugin's exit code passes through.
        Command::External(a) => match cmd::plugins::external(a) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let verdict = error::classify(&err);
            if verdict != error::Verdict::BrokenPipe {
                eprintln!("{}", error::render(&err));
            }
            ExitCode::from(error::exit_code(&verdict))
        }
    }
}
