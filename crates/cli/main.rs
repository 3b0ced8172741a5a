//! The `rolefit` command line: parse arguments, call the libraries, render.
//!
//! `main` only dispatches. Every failure comes back here as an error whose
//! cause chain decides the exit code (see [`error`]): 0 success or a closed
//! output pipe, 2 bad input or usage, 1 internal failure.

/// `eprintln!` for this crate: writes a line to standard error with its
/// control characters escaped ([`render::terminal`]: an id or a name from
/// user data cannot drive the terminal), and ignores a failure to write.
/// The standard macro panics when standard error cannot be written
/// (`2>/dev/full`, a closed pipe), which would turn any run into exit 101;
/// a message that cannot be shown must not change the exit status the run
/// earned. Defined before the modules so that it shadows the standard one
/// in all of them.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(
            ::std::io::stderr(),
            "{}",
            $crate::render::terminal(&::std::format!($($arg)*))
        );
    }};
}

mod args;
mod cmd;
mod cohort;
mod confidence;
mod error;
mod external;
mod formats;
mod html;
mod io;
mod labels;
mod load;
mod parquet;
mod paths;
mod pipeline;
mod plot;
mod privacy;
mod progress;
mod registry;
mod rejects;
mod render;
mod role_overlap;
mod row_policy;
mod settings;
mod strategy;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::cmd::synth::SynthCommand;
use crate::registry::Finished;
use crate::settings::Settings;

fn main() -> ExitCode {
    io::guard_standard_streams();
    let cli = Cli::parse();
    let settings = Settings::of(&cli);
    io::clean_up_on_interrupt(settings.interactive);
    if let Command::External(a) = &cli.command {
        // The plugin's exit code passes through.
        return cmd::plugins::external(a).unwrap_or_else(|e| failure(&e));
    }
    let result = paths::RunFiles::of(&cli.command)
        .check()
        .and_then(|()| formats::check(&cli.command))
        .and_then(|()| run(&cli.command, &settings))
        .and_then(io::commit_outputs);
    if result.is_err() {
        io::discard_outputs();
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failure(&err),
    }
}

/// Reports a failure on standard error and gives its exit code.
fn failure(err: &anyhow::Error) -> ExitCode {
    let verdict = error::classify(err);
    if verdict != error::Verdict::BrokenPipe {
        eprintln!("{}", error::render(err));
    }
    ExitCode::from(error::exit_code(&verdict))
}

/// Runs one command. Its output files are moved into place by the caller,
/// only if it succeeds and its strategy plugins ended properly (the
/// [`Finished`] it returns).
fn run(command: &Command, settings: &Settings) -> anyhow::Result<Finished> {
    let none = |result: anyhow::Result<()>| result.map(|()| Finished::without_strategies());
    match command {
        Command::Score(a) => cmd::score::run(a, settings),
        Command::Roles(a) => none(cmd::roles::run(a, settings)),
        Command::Survey(a) => none(cmd::survey::run(a, settings)),
        Command::Strategies(a) => cmd::strategies::run(a, settings),
        Command::Matrix(a) => cmd::matrix::run(a, settings),
        Command::Synth(SynthCommand::Matrix(a)) => none(cmd::synth::matrix(a, settings)),
        Command::Synth(SynthCommand::Responses(a)) => none(cmd::synth::responses(a, settings)),
        Command::Evaluate(a) => cmd::evaluate::run(a, settings),
        Command::Train(a) => none(cmd::train::run(a, settings)),
        Command::Explain(a) => cmd::explain::run(a, settings),
        Command::Cluster(a) => cmd::cluster::run(a, settings),
        Command::Report(a) => cmd::report::run(a, settings),
        Command::Audit(a) => cmd::audit::run(a, settings),
        Command::Assess(a) => cmd::assess::run(a, settings),
        Command::Plugins(a) => none(cmd::plugins::run(a, settings)),
        Command::Completions(a) => none(cmd::completions::completions(a)),
        Command::Man => none(cmd::completions::man()),
        Command::External(_) => unreachable!("external subcommands are run by main"),
    }
}
