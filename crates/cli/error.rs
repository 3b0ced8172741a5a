//! How a failure becomes a message and an exit code.
//!
//! Exit codes: 0 success (a closed output pipe counts as success), 2 bad
//! input or usage, 1 internal failure. Library errors that come from the
//! user's data ([`rolefit_import::ImportError`], [`rolefit_model::ModelError`])
//! and errors wrapped in [`BadInput`] are exit 2; anything else is 1.

use std::fmt;
use std::io;

/// A problem with what the user gave us: a file that cannot be read, an
/// unknown strategy name, an output path that cannot be created.
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Shorthand for a [`BadInput`] error.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(BadInput(message.into()))
}

/// What the process should do with a failure.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The reader of our output went away: stop quietly, exit 0.
    BrokenPipe,
    /// The user's input or arguments: exit 2.
    BadInput,
    /// Our own failure: exit 1.
    Internal,
}

/// Classifies an error by walking its cause chain.
pub fn classify(err: &anyhow::Error) -> Verdict {
    for cause in err.chain() {
        if io_kind(cause) == Some(io::ErrorKind::BrokenPipe) {
            return Verdict::BrokenPipe;
        }
        if cause.is::<BadInput>()
            || cause.is::<rolefit_import::ImportError>()
            || cause.is::<rolefit_model::ModelError>()
        {
            return Verdict::BadInput;
        }
    }
    Verdict::Internal
}

/// The kind of I/O error behind `cause`, also when a CSV or JSON writer
/// wraps it.
fn io_kind(cause: &(dyn std::error::Error + 'static)) -> Option<io::ErrorKind> {
    if let Some(e) = cause.downcast_ref::<io::Error>() {
        return Some(e.kind());
    }
    if let Some(e) = cause.downcast_ref::<csv::Error>() {
        if let csv::ErrorKind::Io(e) = e.kind() {
            return Some(e.kind());
        }
    }
    cause
        .downcast_ref::<serde_json::Error>()
        .and_then(serde_json::Error::io_error_kind)
}

/// The exit code for a verdict.
pub fn exit_code(verdict: &Verdict) -> u8 {
    match verdict {
        Verdict::BrokenPipe => 0,
        Verdict::BadInput => 2,
        Verdict::Internal => 1,
    }
}

/// The message printed on stderr: the error and its causes, once each,
/// with control characters escaped ([`crate::render::terminal`]).
pub fn render(err: &anyhow::Error) -> String {
    let mut out = format!("error: {err}");
    let mut last = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        // Wrappers often repeat their source's text; print each piece once.
        if !last.contains(&text) {
            out.push_str(&format!("\n  caused by: {text}"));
        }
        last = text;
    }
    crate::render::terminal(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn broken_pipe_anywhere_in_the_chain_is_success() {
        let err = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing output");
        assert_eq!(classify(&err), Verdict::BrokenPipe);
        assert_eq!(exit_code(&classify(&err)), 0);
    }

    #[test]
    fn broken_pipe_inside_csv_and_json_errors_is_success() {
        let csv_err = csv::Error::from(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(classify(&anyhow::Error::new(csv_err)), Verdict::BrokenPipe);
        let json_err = serde_json::Error::io(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(classify(&anyhow::Error::new(json_err)), Verdict::BrokenPipe);
        let other = csv::Error::from(io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(classify(&anyhow::Error::new(other)), Verdict::Internal);
    }

    #[test]
    fn bad_input_is_two_and_the_rest_is_one() {
        let err = bad_input("no such strategy").context("scoring");
        assert_eq!(exit_code(&classify(&err)), 2);
        let err = anyhow::anyhow!("something broke");
        assert_eq!(exit_code(&classify(&err)), 1);
        let err = anyhow::Error::new(rolefit_model::ModelError::EmptySurvey);
        assert_eq!(classify(&err), Verdict::BadInput);
    }

    #[test]
    fn render_prints_each_cause_once() {
        let err: anyhow::Error = Err::<(), _>(bad_input("inner problem"))
            .context("outer step")
            .unwrap_err();
        assert_eq!(render(&err), "error: outer step\n  caused by: inner problem");
        let err = anyhow::anyhow!("only");
        assert_eq!(render(&err), "error: only");
    }
}
