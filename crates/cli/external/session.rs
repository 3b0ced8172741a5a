//! One conversation with a strategy plugin, step by step.
//!
//! [`Session::start`] spawns the plugin and does the hello;
//! [`Session::send_matrix`], [`Session::score`] and [`Session::finish`] are
//! the other steps of protocol version 1. Every step waits at most the
//! timeout for its reply and checks it completely; the first problem kills
//! the plugin and becomes a [`PluginError`] that says which plugin, what
//! was wrong, and how its standard error ended. A session that failed is
//! dead: its owner drops it.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use ndarray::Array2;
use rolefit_model::ProfileBatch;
use rolefit_plugin::{HelloReply, Reply, PROTOCOL_VERSION};
use rolefit_score::CompiledMatrix;

use super::process::{deadline, printable, Line, Process};
use super::{group, wire};

/// The longest line a hello or ready may have.
const SMALL_REPLY: usize = 1 << 20;

/// A plugin that misbehaved: which, what it did, how its log ended.
#[derive(Debug, Clone)]
pub struct PluginError {
    /// The plugin's executable.
    pub path: PathBuf,
    /// What went wrong, a phrase following the plugin's path
    /// (`did not answer the hello within 30 s, and was stopped`).
    pub problem: String,
    /// The last lines of its standard error, safe to print.
    pub stderr: Vec<String>,
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "plugin {} {}", self.path.display(), self.problem)?;
        if self.stderr.is_empty() {
            write!(f, "\n  (its standard error was empty)")
        } else {
            write!(f, "\n  its standard error ended with:")?;
            for line in &self.stderr {
                write!(f, "\n  | {line}")?;
            }
            Ok(())
        }
    }
}

impl std::error::Error for PluginError {}

/// A running strategy plugin that has answered the hello.
pub struct Session {
    process: Process,
    path: PathBuf,
    timeout: Duration,
    hello: HelloReply,
    next_id: u64,
}

impl Session {
    /// Starts the plugin at `path` (environment: the inherited one plus
    /// `ROLEFIT` and `ROLEFIT_VERSION`) and does the hello.
    ///
    /// # Errors
    /// If the plugin cannot be started, does not answer within `timeout`,
    /// or answers anything but a protocol-1 hello.
    pub fn start(path: &Path, timeout: Duration) -> Result<Self, PluginError> {
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("rolefit"));
        let env = [
            ("ROLEFIT", exe.as_os_str()),
            ("ROLEFIT_VERSION", OsStr::new(env!("CARGO_PKG_VERSION"))),
        ];
        let process = Process::spawn(path, env).map_err(|e| PluginError {
            path: path.to_path_buf(),
            problem: format!("could not be started: {e}"),
            stderr: Vec::new(),
        })?;
        let mut session = Session {
            process,
            path: path.to_path_buf(),
            timeout,
            hello: HelloReply {
                protocol: PROTOCOL_VERSION,
                name: String::new(),
                description: String::new(),
            },
            next_id: 1,
        };
        let what = "the hello";
        match session.request(wire::hello_request(), what, SMALL_REPLY)? {
            Reply::Hello(h) if h.protocol == PROTOCOL_VERSION => {
                session.hello = h;
                Ok(session)
            }
            Reply::Hello(h) => Err(session.fail(format!(
                "speaks protocol version {}, but this rolefit speaks version {PROTOCOL_VERSION}",
                h.protocol
            ))),
            other => Err(session.unexpected(&other, what, "hello")),
        }
    }

    /// The plugin's hello.
    pub fn hello(&self) -> &HelloReply {
        &self.hello
    }

    /// Sends the matrix and waits for `ready`.
    ///
    /// # Errors
    /// Any misbehaviour, as for [`Session::start`].
    pub fn send_matrix(&mut self, matrix: &CompiledMatrix) -> Result<(), PluginError> {
        let what = "the matrix";
        match self.request(wire::matrix_request(matrix), what, SMALL_REPLY)? {
            Reply::Ready => Ok(()),
            other => Err(self.unexpected(&other, what, "ready")),
        }
    }

    /// Scores a batch into `out` (profiles x `roles`), checking the reply:
    /// the batch's id, one row per profile, one finite score per role.
    ///
    /// # Errors
    /// Any misbehaviour, as for [`Session::start`].
    pub fn score(&mut self, profiles: &ProfileBatch, out: &mut Array2<f64>) -> Result<(), PluginError> {
        let (n, k) = out.dim();
        let id = self.next_id;
        self.next_id += 1;
        let what = format!("the score message (id {id}, {n} profiles)");
        // Generous for any way of writing n x k numbers, and still bounded.
        let limit = SMALL_REPLY.saturating_add(n.saturating_mul(k.saturating_mul(48).saturating_add(16)));
        let scores = match self.request(wire::score_request(id, profiles), &what, limit)? {
            Reply::Scores(s) => s,
            other => return Err(self.unexpected(&other, &what, "scores")),
        };
        if scores.id != id {
            return Err(self.fail(format!(
                "answered {what} with the scores of id {}, expected id {id}",
                scores.id
            )));
        }
        if scores.scores.len() != n {
            return Err(self.fail(format!(
                "sent {} rows of scores in answer to {what}, expected {n} (one per profile)",
                scores.scores.len()
            )));
        }
        for (i, row) in scores.scores.iter().enumerate() {
            if row.len() != k {
                return Err(self.fail(format!(
                    "sent {} scores for profile {i} in answer to {what}, expected {k} (one per role)",
                    row.len()
                )));
            }
            if let Some(j) = row.iter().position(|s| !s.is_finite()) {
                return Err(self.fail(format!(
                    "sent the score {} for profile {i}, role {j} in answer to {what} (scores must be finite)",
                    row[j]
                )));
            }
            for (o, &s) in out.row_mut(i).iter_mut().zip(row) {
                *o = s;
            }
        }
        Ok(())
    }

    /// Says bye, closes the plugin's input and waits for it to exit with
    /// status 0.
    ///
    /// # Errors
    /// If it exits otherwise or not within the timeout (it is then killed).
    pub fn finish(mut self) -> Result<(), PluginError> {
        let deadline = deadline(self.timeout);
        self.process.send(wire::bye_request(), deadline);
        self.process.close_input();
        let left = deadline.saturating_duration_since(Instant::now());
        match self.process.wait_for_exit(left) {
            Ok(Some(status)) if status.success() => Ok(()),
            Ok(Some(status)) => Err(self.fail(format!(
                "{} after the bye, expected status 0",
                describe_exit(status)
            ))),
            Ok(None) => Err(self.fail(format!(
                "did not exit within {} of the bye, and was stopped",
                seconds(self.timeout)
            ))),
            Err(e) => Err(self.fail(format!("could not be waited for: {e}"))),
        }
    }

    /// Everything the plugin wrote to standard error that was kept.
    pub fn stderr(&self) -> Vec<String> {
        self.process.stderr_all()
    }

    /// Sends one request and waits for one reply, which is returned parsed
    /// unless it is an error message or not a valid reply.
    fn request(&mut self, bytes: Vec<u8>, what: &str, max_line: usize) -> Result<Reply, PluginError> {
        let deadline = deadline(self.timeout);
        self.process.limit_lines(max_line);
        // A plugin that does not read its input fills the queue; it then
        // does not answer either, which the wait below reports.
        self.process.send(bytes, deadline);
        let line = match self.process.recv(deadline) {
            Some(line) => line,
            None => {
                return Err(self.fail(format!(
                    "did not answer {what} within {} (--plugin-timeout), and was stopped",
                    seconds(self.timeout)
                )))
            }
        };
        match line {
            Line::Text(text) => match wire::parse_reply(&text) {
                Ok(Reply::Error(e)) => Err(self.fail(format!(
                    "reported an error in answer to {what}: {}",
                    printable(&e.message, 2000)
                ))),
                Ok(reply) => Ok(reply),
                Err(bad) => Err(self.fail(bad.in_answer_to(what))),
            },
            Line::Eof => {
                let grace = self.timeout.min(Duration::from_secs(2));
                let problem = match self.process.wait_for_exit(grace) {
                    Ok(Some(status)) => format!("{} before answering {what}", describe_exit(status)),
                    _ => format!("closed its standard output before answering {what}"),
                };
                Err(self.fail(problem))
            }
            Line::TooLong(max) => {
                Err(self.fail(format!("sent a line longer than {max} bytes in answer to {what}")))
            }
            Line::NotUtf8 => Err(self.fail(format!("sent a line that is not UTF-8 in answer to {what}"))),
            Line::Failed(e) => Err(self.fail(format!(
                "could not be read from while waiting for the answer to {what}: {e}"
            ))),
        }
    }

    /// The error for a reply of the wrong type.
    fn unexpected(&mut self, reply: &Reply, what: &str, expected: &str) -> PluginError {
        self.fail(format!(
            "answered {what} with a \"{}\" message, expected \"{expected}\"",
            wire::kind(reply)
        ))
    }

    /// Stops the plugin and describes the failure.
    fn fail(&mut self, problem: String) -> PluginError {
        // Ended by the interrupt handler, which exits with 130.
        group::stop_if_interrupted();
        self.process.kill();
        PluginError {
            path: self.path.clone(),
            problem,
            stderr: self.process.stderr_tail(),
        }
    }
}

/// `exited with status 3`, `was killed by signal 11 (SIGSEGV)`.
pub fn describe_exit(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal_name(signal) {
                Some(name) => format!("was killed by signal {signal} ({name})"),
                None => format!("was killed by signal {signal}"),
            };
        }
    }
    format!("ended ({status})")
}

/// The usual names of the signals a crashing program dies of.
#[cfg(unix)]
fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => return None,
    })
}

/// `30 s`, `0.5 s`.
pub fn seconds(d: Duration) -> String {
    format!("{} s", crate::render::number(d.as_secs_f64(), 3))
}
