//! Running the real `rolefit` binary from the tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success, stderr:\n{}", self.stderr);
        &self.stdout
    }

    /// Asserts exit code 2 (bad input or usage), an empty stdout, and no
    /// panic, and returns stderr.
    #[track_caller]
    pub fn bad_input(&self) -> &str {
        assert_eq!(
            self.code, 2,
            "expected exit 2, stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        &self.stderr
    }
}

/// The repository root, where the tests run the binary.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command for the binary, run from the repository root, with no
/// `COLUMNS` from the test runner's shell (tables keep their natural
/// width; a test that fits one to a width sets it).
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolefit"));
    cmd.args(args).current_dir(root()).env_remove("COLUMNS");
    cmd
}

/// Runs the binary with `args` and an empty standard input.
pub fn rolefit(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

/// Runs the binary with `input` on standard input.
pub fn rolefit_stdin(args: &[&str], input: &str) -> Run {
    run_with_stdin(args, Some(input))
}

fn run_with_stdin(args: &[&str], input: Option<&str>) -> Run {
    let mut child = command(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rolefit binary runs");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().unwrap();
        // The child may exit before reading everything (an error on line 1).
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Waits until `ready()` holds while `child` runs: a bounded wait (up to
/// 300 s, polling), not a fixed sleep. Panics if the child ends first.
#[track_caller]
pub fn wait_while_running(child: &mut std::process::Child, what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while !ready() {
        assert!(child.try_wait().unwrap().is_none(), "{what}: the run ended early");
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: still not there after 300 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Sends `signal` (`-TERM`, `-INT`) to `child` with kill(1).
#[track_caller]
pub fn send_signal(child: &std::process::Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal}");
}

/// Writes `contents` to `name` inside `dir` and returns the path as a string.
pub fn write(dir: &Path, name: &str, contents: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_string()
}

/// Parses CSV text into its header and rows.
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Whether util-linux `script` can give a pseudo-terminal here.
pub fn have_script() -> bool {
    let ok = cfg!(target_os = "linux")
        && std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: needs util-linux `script` for a pseudo-terminal");
    }
    ok
}
