//! What a run needs from the command line besides each command's own
//! arguments, decided once.
//!
//! As in ripgrep (low-level arguments, then the high-level values a run
//! is built from), reading the command line ([`crate::args`], clap, no
//! I/O) is separate from what the run is given: `main` builds one
//! [`Settings`] from the parsed arguments and passes it down, instead of
//! setting process-wide switches that every reader and writer consults.

use crate::args::{CellSafety, Cli, Command, Encoding, InputEncoding, Quiet};
use crate::cmd::matrix::MatrixCommand;
use crate::cmd::synth::SynthCommand;

/// How a run reads its inputs, writes its cells and talks on standard
/// error, for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// The text encoding CSV inputs are decoded from (`--encoding`).
    pub encoding: Encoding,
    /// Whether text cells from user data are guarded against spreadsheet
    /// formulas (not `--no-sanitize`); see [`crate::render::safe`].
    pub sanitize: bool,
    /// No progress bar, notes or summary on standard error (`--quiet`).
    pub quiet: bool,
    /// Whether the command asks questions on the terminal (`assess`
    /// without `--answers`), whose prompts hide the cursor: an interrupt
    /// shows it again.
    pub interactive: bool,
    /// The command's own example of reading the sample responses, for a
    /// message that asks for them (`rolefit cluster
    /// datasets/sample-responses.csv`).
    pub example: &'static str,
}

impl Settings {
    /// The settings `cli` asks for. A command without one of the option
    /// groups (`--encoding`, `--no-sanitize`, `--quiet`) gets its default.
    pub fn of(cli: &Cli) -> Self {
        let (encoding, cells, quiet) = groups(&cli.command);
        let default = Settings::default();
        Settings {
            encoding: encoding.map_or(default.encoding, |e| e.encoding),
            sanitize: cells.map_or(default.sanitize, |c| !c.no_sanitize),
            quiet: quiet.is_some_and(|q| q.quiet),
            interactive: matches!(&cli.command, Command::Assess(a) if a.answers.is_none()),
            example: example(&cli.command),
        }
    }
}

/// How `command` reads the sample responses, shown when it is run with
/// none; `rolefit score`'s for the commands that read no responses.
fn example(command: &Command) -> &'static str {
    match command {
        Command::Cluster(_) => "rolefit cluster datasets/sample-responses.csv",
        Command::Report(_) => "rolefit report datasets/sample-responses.csv -o report.html",
        Command::Explain(_) => "rolefit explain datasets/sample-responses.csv --target \"Product Manager\"",
        Command::Evaluate(_) => {
            "rolefit evaluate datasets/sample-responses.csv --labels datasets/sample-responses.labels.csv"
        }
        Command::Train(_) => {
            "rolefit train datasets/sample-responses.csv --labels datasets/sample-responses.labels.csv -o model.json"
        }
        _ => "rolefit score datasets/sample-responses.csv",
    }
}

/// The shared option groups `command` has.
fn groups(command: &Command) -> (Option<InputEncoding>, Option<CellSafety>, Option<Quiet>) {
    match command {
        Command::Score(a) => (Some(a.inputs.encoding), Some(a.emit.cells), Some(a.quiet)),
        Command::Roles(a) => (Some(a.matrix.encoding), Some(a.emit.cells), Some(a.quiet)),
        Command::Survey(a) => (Some(a.encoding), Some(a.emit.cells), None),
        Command::Strategies(a) => (None, Some(a.emit.cells), None),
        Command::Matrix(MatrixCommand::Check(a)) => (Some(a.files.input.encoding), Some(a.emit.cells), None),
        Command::Matrix(MatrixCommand::Overlap(a)) => {
            (Some(a.files.input.encoding), Some(a.emit.cells), Some(a.quiet))
        }
        Command::Synth(SynthCommand::Matrix(_)) => (None, None, None),
        Command::Synth(SynthCommand::Responses(a)) => (Some(a.matrix.encoding), Some(a.cells), Some(a.quiet)),
        Command::Evaluate(a) => (Some(a.inputs.encoding), Some(a.emit.cells), Some(a.quiet)),
        Command::Train(a) => (Some(a.inputs.encoding), Some(a.cells), Some(a.quiet)),
        Command::Explain(a) => (Some(a.inputs.encoding), Some(a.emit.cells), Some(a.quiet)),
        Command::Cluster(a) => (Some(a.inputs.encoding), Some(a.emit.cells), Some(a.quiet)),
        Command::Report(a) => (Some(a.inputs.encoding), Some(a.cells), Some(a.quiet)),
        Command::Audit(a) => (Some(a.inputs.encoding), Some(a.emit.cells), Some(a.quiet)),
        Command::Assess(a) => (Some(a.matrix.encoding), Some(a.cells), Some(a.quiet)),
        Command::Plugins(a) => (None, Some(a.emit.cells), None),
        Command::Completions(_) | Command::Man | Command::External(_) => (None, None, None),
    }
}

impl Default for Settings {
    /// UTF-8 inputs, guarded cells, notes shown, not interactive: the
    /// defaults of the command line.
    fn default() -> Self {
        Settings {
            encoding: Encoding::Utf8,
            sanitize: true,
            quiet: false,
            interactive: false,
            example: "rolefit score datasets/sample-responses.csv",
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn settings(argv: &[&str]) -> Settings {
        Settings::of(&Cli::try_parse_from(argv).unwrap())
    }

    #[test]
    fn built_once_from_the_command_line() {
        assert_eq!(settings(&["rolefit", "score"]), Settings::default());
        let s = settings(&["rolefit", "score", "--encoding", "latin1", "--no-sanitize", "-q"]);
        assert_eq!(s.encoding, Encoding::Latin1);
        assert!(!s.sanitize && s.quiet && !s.interactive);
        assert!(
            settings(&["rolefit", "assess"]).interactive,
            "questions on the terminal"
        );
        assert!(!settings(&["rolefit", "assess", "--answers", "a.csv"]).interactive);
        assert!(settings(&["rolefit", "cluster", "--quiet"]).quiet);
    }

    #[test]
    fn the_groups_are_only_where_they_do_something() {
        for line in [
            "rolefit completions bash --encoding latin1",
            "rolefit man --no-sanitize",
            "rolefit synth matrix --roles 2 --capabilities 2 --encoding utf8",
            "rolefit plugins check x --no-sanitize",
        ] {
            assert!(Cli::try_parse_from(line.split_whitespace()).is_err(), "{line}");
        }
    }
}
