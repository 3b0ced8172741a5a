//! A plugin process whose every read can time out.
//!
//! Reading a pipe blocks, and a plugin may never write, never read, or
//! write a line that never ends. So nothing here blocks the caller for
//! longer than it asks: one thread writes the plugin's standard input from
//! a channel (a plugin that stops reading cannot stall rolefit), one reads
//! its standard output line by line into a channel (received with a
//! timeout, and each line bounded in length), and one keeps the last few
//! kilobytes of its standard error for error messages. The plugin runs in
//! a process group of its own, which is ended with it (`group`). The
//! threads are never joined: a process that left the group may hold the
//! pipes open, and rolefit must not wait for it.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};

use super::group;

/// How much of the plugin's standard error is kept for messages.
const STDERR_KEPT: usize = 8 << 10;

/// How many lines of standard error an error message shows.
const STDERR_LINES: usize = 12;

/// How long to wait for the last of the plugin's standard error once it
/// has exited or been killed.
/// The end comes at once unless a process that left the plugin's group
/// holds the pipe open.
const STDERR_GRACE: Duration = Duration::from_secs(2);

/// What the plugin's standard output yielded.
#[derive(Debug)]
pub enum Line {
    /// One line, without its line end.
    Text(String),
    /// The plugin closed its standard output (it exited, usually).
    Eof,
    /// A line longer than the limit of the current reply, in bytes.
    TooLong(usize),
    /// A line that is not UTF-8.
    NotUtf8,
    /// Reading failed.
    Failed(io::Error),
}

/// A running plugin process.
pub struct Process {
    child: Child,
    /// Lines for the plugin's standard input; dropping it closes the pipe.
    input: Option<Sender<Vec<u8>>>,
    output: Receiver<Line>,
    max_line: Arc<AtomicUsize>,
    stderr: Arc<Mutex<Tail>>,
    stderr_done: Receiver<()>,
    status: Option<ExitStatus>,
    /// Whether its group was ended.
    ended: bool,
}

impl Process {
    /// Starts `path` with piped standard streams, the inherited environment
    /// and `env` added, as the leader of a new process group.
    pub fn spawn<'a>(path: &Path, env: impl IntoIterator<Item = (&'a str, &'a OsStr)>) -> io::Result<Self> {
        let mut command = Command::new(path);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        group::own_group(&mut command);
        let mut child = command.spawn()?;
        group::started(&child);
        let (stdin, stdout, stderr) = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => {
                group::end(&mut child, &mut None);
                return Err(io::Error::other(
                    "the plugin's standard streams could not be opened",
                ));
            }
        };

        let (input_tx, input_rx) = bounded::<Vec<u8>>(2);
        spawn_thread("rolefit-plugin-stdin", move || {
            let mut stdin = stdin;
            for bytes in input_rx {
                if stdin.write_all(&bytes).and_then(|()| stdin.flush()).is_err() {
                    // The plugin is gone or stopped reading; the reply side
                    // notices.
                    return;
                }
            }
        })?;

        let max_line = Arc::new(AtomicUsize::new(1 << 20));
        let (output_tx, output_rx) = bounded::<Line>(4);
        let limit = Arc::clone(&max_line);
        spawn_thread("rolefit-plugin-stdout", move || {
            read_lines(stdout, &limit, &output_tx)
        })?;

        let tail = Arc::new(Mutex::new(Tail::default()));
        let (done_tx, done_rx) = bounded::<()>(0);
        let kept = Arc::clone(&tail);
        spawn_thread("rolefit-plugin-stderr", move || {
            keep_tail(stderr, &kept);
            drop(done_tx);
        })?;

        Ok(Process {
            child,
            input: Some(input_tx),
            output: output_rx,
            max_line,
            stderr: tail,
            stderr_done: done_rx,
            status: None,
            ended: false,
        })
    }

    /// Queues `bytes` for the plugin's standard input, waiting until
    /// `deadline` at most for room (a plugin that stops reading fills the
    /// queue). Returns whether the bytes were queued.
    pub fn send(&self, bytes: Vec<u8>, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        self.input
            .as_ref()
            .is_some_and(|tx| tx.send_timeout(bytes, left).is_ok())
    }

    /// Closes the plugin's standard input (once the queued bytes are
    /// written).
    pub fn close_input(&mut self) {
        self.input = None;
    }

    /// Sets the longest line the next replies may have, in bytes.
    pub fn limit_lines(&self, bytes: usize) {
        self.max_line.store(bytes, Ordering::Relaxed);
    }

    /// The next non-blank line of the plugin's standard output, waiting
    /// until `deadline`; `None` if none came in time.
    pub fn recv(&self, deadline: Instant) -> Option<Line> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(Line::Text(t)) if t.trim().is_empty() => continue,
                Ok(line) => return Some(line),
                Err(RecvTimeoutError::Timeout) => return None,
                // The reader thread ended after sending its last word.
                Err(RecvTimeoutError::Disconnected) => return Some(Line::Eof),
            }
        }
    }

    /// Waits up to `timeout` for the plugin to exit, and returns its status
    /// (`None` if it is still running). Once it has exited, what is left of
    /// its process group is ended.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.status {
            return Ok(Some(status));
        }
        let deadline = deadline(timeout);
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(status) = self.child.try_wait()? {
                self.status = Some(status);
                self.kill();
                return Ok(Some(status));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }

    /// Ends the plugin's process group (SIGTERM, then SIGKILL to what is
    /// left after a grace period) and reaps the plugin; once.
    pub fn kill(&mut self) {
        self.input = None;
        if !self.ended {
            self.ended = true;
            group::end(&mut self.child, &mut self.status);
        }
    }

    /// The last lines of the plugin's standard error, made safe to print
    /// (control characters escaped, long lines cut). Waits briefly for the
    /// plugin's last words if it has exited.
    pub fn stderr_tail(&self) -> Vec<String> {
        if self.status.is_some() {
            // Returns when the reader hits the end, or after the grace.
            let _ = self.stderr_done.recv_timeout(STDERR_GRACE);
        }
        let tail = match self.stderr.lock() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        };
        tail.last_lines(STDERR_LINES)
    }

    /// The whole kept standard error (up to a few kilobytes), for
    /// `rolefit plugins check`.
    pub fn stderr_all(&self) -> Vec<String> {
        let _ = self.stderr_done.recv_timeout(STDERR_GRACE);
        let tail = match self.stderr.lock() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        };
        tail.last_lines(usize::MAX)
    }
}

impl Drop for Process {
    /// A plugin rolefit is done with gets its input closed and a moment to
    /// exit, then its group is ended: no plugin, nor anything it started in
    /// its group, outlives the run.
    fn drop(&mut self) {
        self.close_input();
        if self.status.is_none() {
            let _ = self.wait_for_exit(Duration::from_millis(200));
        }
        self.kill();
    }
}

/// `timeout` from now, or a century from now for a timeout past what an
/// instant can hold (`--plugin-timeout 1e19`).
pub fn deadline(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}

fn spawn_thread(name: &str, f: impl FnOnce() + Send + 'static) -> io::Result<()> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map(drop)
}

/// Reads lines until the end, an error or a line over the limit, sending
/// each; stops when the receiver is gone.
fn read_lines(stdout: ChildStdout, limit: &AtomicUsize, tx: &Sender<Line>) {
    let mut reader = BufReader::with_capacity(64 << 10, stdout);
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = tx.send(Line::Failed(e));
                return;
            }
        };
        if available.is_empty() {
            if !line.is_empty() {
                // A last line without a line end still counts.
                if tx.send(text(std::mem::take(&mut line))).is_err() {
                    return;
                }
            }
            let _ = tx.send(Line::Eof);
            return;
        }
        let (taken, complete) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        line.extend_from_slice(&available[..taken]);
        reader.consume(taken);
        let max = limit.load(Ordering::Relaxed);
        if line.len() > max {
            let _ = tx.send(Line::TooLong(max));
            return;
        }
        if complete {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if tx.send(text(std::mem::take(&mut line))).is_err() {
                return;
            }
        }
    }
}

fn text(bytes: Vec<u8>) -> Line {
    match String::from_utf8(bytes) {
        Ok(s) => Line::Text(s),
        Err(_) => Line::NotUtf8,
    }
}

/// The last [`STDERR_KEPT`] bytes of a stream.
#[derive(Default)]
struct Tail {
    bytes: VecDeque<u8>,
    /// Whether bytes were dropped from the front.
    cut: bool,
}

impl Tail {
    fn push(&mut self, bytes: &[u8]) {
        self.bytes.extend(bytes);
        if self.bytes.len() > STDERR_KEPT {
            let excess = self.bytes.len() - STDERR_KEPT;
            self.bytes.drain(..excess);
            self.cut = true;
        }
    }

    fn last_lines(&self, n: usize) -> Vec<String> {
        let (a, b) = self.bytes.as_slices();
        let all = String::from_utf8_lossy(&[a, b].concat()).into_owned();
        let mut lines: Vec<&str> = all.lines().collect();
        if self.cut && !lines.is_empty() {
            // The first line kept is probably a fragment.
            lines.remove(0);
        }
        let skip = lines.len().saturating_sub(n);
        lines[skip..].iter().map(|l| printable(l, 300)).collect()
    }
}

fn keep_tail(mut stderr: ChildStderr, tail: &Mutex<Tail>) {
    let mut buffer = [0u8; 4096];
    loop {
        match stderr.read(&mut buffer) {
            Ok(0) => return,
            Ok(n) => match tail.lock() {
                Ok(mut t) => t.push(&buffer[..n]),
                Err(poisoned) => poisoned.into_inner().push(&buffer[..n]),
            },
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        }
    }
}

pub use rolefit_plugin::printable;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_and_cuts() {
        assert_eq!(printable("a\u{1b}[31mb\tc", 100), "a\\u{1b}[31mb\\tc");
        assert_eq!(printable("abcdef", 3), "abc…");
        assert_eq!(printable("é", 1), "é");
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        let mut t = Tail::default();
        for i in 0..3000 {
            t.push(format!("line {i}\n").as_bytes());
        }
        let lines = t.last_lines(2);
        assert_eq!(lines, ["line 2998", "line 2999"]);
        assert!(t.bytes.len() <= STDERR_KEPT);
        let all = t.last_lines(usize::MAX);
        assert!(all[0].starts_with("line "), "no fragment first: {:?}", all[0]);
    }
}
