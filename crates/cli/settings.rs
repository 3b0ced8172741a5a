//! What a run needs from the command line besides each command's own
//! arguments, decided once.
//!
//! As in ripgrep (low-level arguments, then the high-level values a run
//! is built from), reading the command line ([`crate::args`], clap, no
//! I/O) is separate from what the run is given: `main` builds one
//! [`Settings`] from the parsed arguments and passes it down, instead of
//! setting process-wide switches that every reader and writer consults.

use crate::args::{Cli, Command, Encoding};

/// How a run reads its inputs and writes its cells, for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// The text encoding CSV inputs are decoded from (`--encoding`).
    pub encoding: Encoding,
    /// Whether text cells from user data are guarded against spreadsheet
    /// formulas (not `--no-sanitize`); see [`crate::render::safe`].
    pub sanitize: bool,
    /// Whether the command asks questions on the terminal (`assess`
    /// without `--answers`), whose prompts hide the cursor: an interrupt
    /// shows it again.
    pub interactive: bool,
}

impl Settings {
    /// The settings `cli` asks for.
    pub fn of(cli: &Cli) -> Self {
        Settings {
            encoding: cli.encoding,
            sanitize: !cli.no_sanitize,
            interactive: matches!(&cli.command, Command::Assess(a) if a.answers.is_none()),
        }
    }
}

impl Default for Settings {
    /// UTF-8 inputs, guarded cells, not interactive: the defaults of the
    /// command line.
    fn default() -> Self {
        Settings {
            encoding: Encoding::Utf8,
            sanitize: true,
            interactive: false,
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
        let s = settings(&["rolefit", "score", "--encoding", "latin1", "--no-sanitize"]);
        assert_eq!(s.encoding, Encoding::Latin1);
        assert!(!s.sanitize && !s.interactive);
        assert!(
            settings(&["rolefit", "assess"]).interactive,
            "questions on the terminal"
        );
        assert!(!settings(&["rolefit", "assess", "--answers", "a.csv"]).interactive);
    }
}
