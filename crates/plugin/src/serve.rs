//! Turning a scoring function into a plugin that follows the protocol.
//!
//! The loop is strict about what it sends and forgiving about nothing it
//! receives: rolefit checks every reply, so a plugin that answers wrongly
//! only fails later and less clearly. [`Plugin::serve`] therefore checks
//! the matrix and the function's results itself and answers with an
//! [`ErrorReply`] naming the problem, which rolefit shows to the user.

use std::fmt;
use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use crate::protocol::{ErrorReply, HelloReply, Matrix, Reply, Request, Scores, PROTOCOL_VERSION};

/// A strategy plugin: its name and description, for the hello.
///
/// [`Plugin::run`] is the whole `main` of a plugin; [`Plugin::serve`] is the
/// same loop over any reader and writer, for tests.
#[derive(Debug, Clone)]
pub struct Plugin {
    name: String,
    description: String,
}

/// Why [`Plugin::serve`] stopped before rolefit said bye.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    /// Reading a request or writing a reply failed (rolefit went away, for
    /// example).
    Io(io::Error),
    /// rolefit sent something the plugin cannot follow (a malformed line,
    /// another protocol version, a score before the matrix). The plugin has
    /// answered with an error message already.
    Protocol(String),
    /// The scoring function failed or returned something unusable. The
    /// plugin has answered with an error message already.
    Score(String),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Io(e) => write!(f, "i/o error: {e}"),
            ServeError::Protocol(m) => write!(f, "protocol error: {m}"),
            ServeError::Score(m) => write!(f, "scoring failed: {m}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ServeError {
    fn from(e: io::Error) -> Self {
        ServeError::Io(e)
    }
}

impl Plugin {
    /// A plugin called `name` (normally `NAME` of its executable
    /// `rolefit-strategy-NAME`), whose score measures `description`. Only
    /// the description's first line is sent: the protocol wants one line.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        let description: String = description.into();
        Plugin {
            name: name.into(),
            description: description.lines().next().unwrap_or("").trim().to_string(),
        }
    }

    /// The name sent in the hello.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The description sent in the hello.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Runs the plugin on standard input and output until rolefit says bye:
    /// call it from `main` and return its exit code. `score` gets the
    /// matrix and one profile (one value per capability, `None` where
    /// unanswered) and returns one score per role, in matrix order.
    ///
    /// On failure the reason goes to standard error, which is the plugin's
    /// log by the protocol (rolefit shows its last lines), and the exit
    /// code is 1; otherwise it is 0.
    pub fn run<F>(&self, score: F) -> ExitCode
    where
        F: FnMut(&Matrix, &[Option<f64>]) -> Result<Vec<f64>, String>,
    {
        let stdin = io::stdin();
        let stdout = io::stdout();
        match self.serve(stdin.lock(), stdout.lock(), score) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // Standard error is the plugin's log (see the protocol).
                let _ = writeln!(io::stderr(), "{}: {e}", self.name);
                ExitCode::FAILURE
            }
        }
    }

    /// Serves the protocol: reads requests from `input`, writes replies to
    /// `output` (flushed after each), until `bye` or the end of `input`.
    ///
    /// The hello is answered with this plugin's name and description, the
    /// matrix is checked ([`Matrix::check`]) and answered `ready`, and each
    /// batch is scored profile by profile with `score`, whose results are
    /// checked (one finite score per role).
    ///
    /// ```
    /// use rolefit_plugin::Plugin;
    ///
    /// let input = concat!(
    ///     r#"{"type":"hello","protocol":1,"rolefit":"0.1.0"}"#, "\n",
    ///     r#"{"type":"matrix","scale":{"min":1,"max":5},"capabilities":["a","b"],"#,
    ///     r#""roles":[{"name":"R","levels":[4,2],"importances":[1,1]}]}"#, "\n",
    ///     r#"{"type":"score","id":7,"profiles":[[4,null],[1,1]]}"#, "\n",
    ///     r#"{"type":"bye"}"#, "\n",
    /// );
    /// let mut output = Vec::new();
    /// let answered = |_: &rolefit_plugin::Matrix, p: &[Option<f64>]| {
    ///     Ok(vec![p.iter().flatten().count() as f64])
    /// };
    /// Plugin::new("count", "How many answers.").serve(input.as_bytes(), &mut output, answered).unwrap();
    /// assert_eq!(
    ///     String::from_utf8(output).unwrap(),
    ///     concat!(
    ///         r#"{"type":"hello","protocol":1,"name":"count","description":"How many answers."}"#, "\n",
    ///         r#"{"type":"ready"}"#, "\n",
    ///         r#"{"type":"scores","id":7,"scores":[[1.0],[2.0]]}"#, "\n",
    ///     )
    /// );
    /// ```
    ///
    /// # Errors
    /// [`ServeError::Io`] if reading or writing fails;
    /// [`ServeError::Protocol`] or [`ServeError::Score`] after answering
    /// rolefit with an error message.
    pub fn serve<R, W, F>(&self, input: R, output: W, mut score: F) -> Result<(), ServeError>
    where
        R: BufRead,
        W: Write,
        F: FnMut(&Matrix, &[Option<f64>]) -> Result<Vec<f64>, String>,
    {
        let mut out = BufWriter::new(output);
        let mut greeted = false;
        let mut matrix: Option<Matrix> = None;
        for line in input.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let request: Request = match serde_json::from_str(&line) {
                Ok(r) => r,
                Err(e) => {
                    return fail(
                        &mut out,
                        ServeError::Protocol(format!("cannot read a request: {e}")),
                    )
                }
            };
            match request {
                Request::Hello(hello) => {
                    if hello.protocol != PROTOCOL_VERSION {
                        return fail(
                            &mut out,
                            ServeError::Protocol(format!(
                                "rolefit {} speaks protocol {}, this plugin speaks {PROTOCOL_VERSION}",
                                hello.rolefit, hello.protocol
                            )),
                        );
                    }
                    greeted = true;
                    reply(
                        &mut out,
                        &Reply::Hello(HelloReply {
                            protocol: PROTOCOL_VERSION,
                            name: self.name.clone(),
                            description: self.description.clone(),
                        }),
                    )?;
                }
                _ if !greeted => {
                    return fail(
                        &mut out,
                        ServeError::Protocol("the first message must be the hello".into()),
                    );
                }
                Request::Matrix(m) => {
                    if let Err(e) = m.check() {
                        return fail(&mut out, ServeError::Protocol(format!("unusable matrix: {e}")));
                    }
                    matrix = Some(m);
                    reply(&mut out, &Reply::Ready)?;
                }
                Request::Score(batch) => {
                    let Some(m) = matrix.as_ref() else {
                        return fail(
                            &mut out,
                            ServeError::Protocol("a score message came before the matrix".into()),
                        );
                    };
                    match score_batch(m, &batch.profiles, &mut score) {
                        Ok(scores) => reply(&mut out, &Reply::Scores(Scores { id: batch.id, scores }))?,
                        Err(e) => return fail(&mut out, e),
                    }
                }
                Request::Bye => return Ok(()),
            }
        }
        // rolefit closed our input without a bye: nothing more to do.
        Ok(())
    }
}

/// Scores every profile of a batch, checking each profile's width and each
/// result's length and finiteness.
fn score_batch<F>(
    matrix: &Matrix,
    profiles: &[Vec<Option<f64>>],
    score: &mut F,
) -> Result<Vec<Vec<f64>>, ServeError>
where
    F: FnMut(&Matrix, &[Option<f64>]) -> Result<Vec<f64>, String>,
{
    let (c, k) = (matrix.capabilities.len(), matrix.roles.len());
    profiles
        .iter()
        .enumerate()
        .map(|(i, profile)| {
            if profile.len() != c {
                return Err(ServeError::Protocol(format!(
                    "profile {i} has {} values for {c} capabilities",
                    profile.len()
                )));
            }
            let scores = score(matrix, profile).map_err(|e| ServeError::Score(format!("profile {i}: {e}")))?;
            if scores.len() != k {
                return Err(ServeError::Score(format!(
                    "profile {i}: the function returned {} scores for {k} roles",
                    scores.len()
                )));
            }
            if let Some(j) = scores.iter().position(|s| !s.is_finite()) {
                return Err(ServeError::Score(format!(
                    "profile {i}: the function returned the score {} for role {j} ({:?}); scores must be finite",
                    scores[j], matrix.roles[j].name
                )));
            }
            Ok(scores)
        })
        .collect()
}

/// Writes one reply line and flushes it: rolefit waits for it.
fn reply<W: Write>(out: &mut W, message: &Reply) -> Result<(), ServeError> {
    serde_json::to_writer(&mut *out, message).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Tells rolefit what went wrong, then returns the error.
fn fail<W: Write>(out: &mut W, error: ServeError) -> Result<(), ServeError> {
    let message = match &error {
        ServeError::Protocol(m) | ServeError::Score(m) => m.clone(),
        ServeError::Io(e) => e.to_string(),
    };
    // If rolefit is gone, the error we return says enough.
    let _ = reply(out, &Reply::Error(ErrorReply { message }));
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: &str = r#"{"type":"hello","protocol":1,"rolefit":"0.1.0"}"#;
    const MATRIX: &str = r#"{"type":"matrix","scale":{"min":1,"max":5},"capabilities":["a","b"],"roles":[{"name":"R","levels":[4,2],"importances":[1,1]},{"name":"S","levels":[1,1],"importances":[1,0]}]}"#;

    fn serve_lines(
        lines: &[&str],
        score: impl FnMut(&Matrix, &[Option<f64>]) -> Result<Vec<f64>, String>,
    ) -> (Result<(), ServeError>, Vec<serde_json::Value>) {
        let input = lines.join("\n") + "\n";
        let mut out = Vec::new();
        let result = Plugin::new("t", "Test.\nSecond line.").serve(input.as_bytes(), &mut out, score);
        let replies = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (result, replies)
    }

    fn sum(_: &Matrix, p: &[Option<f64>]) -> Result<Vec<f64>, String> {
        let s: f64 = p.iter().flatten().sum();
        Ok(vec![s, -s])
    }

    #[test]
    fn full_conversation() {
        let score = r#"{"type":"score","id":4,"profiles":[[1,null],[2,3]]}"#;
        let (result, replies) = serve_lines(&[HELLO, MATRIX, "", score, r#"{"type":"bye"}"#], sum);
        result.unwrap();
        assert_eq!(replies.len(), 3);
        assert_eq!(replies[0]["description"], "Test.", "only the first line");
        assert_eq!(replies[1]["type"], "ready");
        assert_eq!(
            replies[2],
            serde_json::json!({"type":"scores","id":4,"scores":[[1.0,-1.0],[5.0,-5.0]]})
        );
    }

    #[test]
    fn refuses_another_protocol_version() {
        let (result, replies) = serve_lines(&[r#"{"type":"hello","protocol":2,"rolefit":"9"}"#], sum);
        assert!(matches!(result, Err(ServeError::Protocol(m)) if m.contains("protocol 2")));
        assert_eq!(replies[0]["type"], "error");
    }

    #[test]
    fn refuses_out_of_order_and_malformed_requests() {
        let (result, replies) = serve_lines(&[MATRIX], sum);
        assert!(matches!(result, Err(ServeError::Protocol(m)) if m.contains("hello")));
        assert_eq!(replies[0]["type"], "error");
        let (result, _) = serve_lines(&[HELLO, r#"{"type":"score","id":1,"profiles":[]}"#], sum);
        assert!(matches!(result, Err(ServeError::Protocol(m)) if m.contains("before the matrix")));
        let (result, _) = serve_lines(&[HELLO, "not json"], sum);
        assert!(matches!(result, Err(ServeError::Protocol(_))));
        let (result, _) = serve_lines(
            &[HELLO, MATRIX, r#"{"type":"score","id":1,"profiles":[[1]]}"#],
            sum,
        );
        assert!(matches!(result, Err(ServeError::Protocol(m)) if m.contains("1 values for 2 capabilities")));
    }

    #[test]
    fn checks_what_the_function_returns() {
        let score = r#"{"type":"score","id":1,"profiles":[[1,2]]}"#;
        let (result, replies) = serve_lines(&[HELLO, MATRIX, score], |_, _| Ok(vec![f64::NAN, 1.0]));
        assert!(
            matches!(&result, Err(ServeError::Score(m)) if m.contains("NaN for role 0")),
            "{result:?}"
        );
        assert!(replies[2]["message"].as_str().unwrap().contains("finite"));
        let (result, _) = serve_lines(&[HELLO, MATRIX, score], |_, _| Ok(vec![1.0]));
        assert!(matches!(result, Err(ServeError::Score(m)) if m.contains("1 scores for 2 roles")));
        let (result, replies) = serve_lines(&[HELLO, MATRIX, score], |_, _| Err("no".into()));
        assert!(matches!(result, Err(ServeError::Score(m)) if m == "profile 0: no"));
        assert_eq!(replies[2]["message"], "profile 0: no");
    }

    #[test]
    fn end_of_input_without_bye_is_fine() {
        let (result, replies) = serve_lines(&[HELLO], sum);
        result.unwrap();
        assert_eq!(replies.len(), 1);
    }
}
