//! Plugins end to end, with real processes: external subcommands, strategy
//! plugins (the two examples, and small scripts that misbehave in every
//! way the protocol forbids), `rolefit plugins`, completions and the man
//! page.
//!
//! Every test puts its plugins in its own temporary directories on
//! `ROLEFIT_PLUGIN_PATH` (and, for shadowing, on `PATH`), so tests running
//! in parallel never see each other's plugins.

#![cfg(unix)]

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{command, root, Run};

/// The `--plugin-timeout` of the misbehaviour tests, in seconds.
const TIMEOUT: &str = "1";

/// How long a failing run may take at most: the timeout, plus room for a
/// loaded machine (Python's start-up included).
const DEADLINE: Duration = Duration::from_secs(6);

/// A timeout the tests of failures other than hangs never reach: they must
/// end at once, not when the timeout expires.
const LONG: &str = "30";

/// Writes an executable script.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, body).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `PATH` with `dirs` in front.
fn path_with(dirs: &[&Path]) -> std::ffi::OsString {
    let system = std::env::var_os("PATH").unwrap_or_default();
    let mut all: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    all.extend(std::env::split_paths(&system));
    std::env::join_paths(all).unwrap()
}

/// One run of rolefit with plugins: `ROLEFIT_PLUGIN_PATH` set to
/// `plugin_path`, `PATH` extended with `path`, `stdin` piped in.
struct Plugins<'a> {
    plugin_path: Vec<&'a Path>,
    path: Vec<&'a Path>,
    env: HashMap<&'a str, String>,
}

impl<'a> Plugins<'a> {
    fn on(dir: &'a Path) -> Self {
        Plugins {
            plugin_path: vec![dir],
            path: Vec::new(),
            env: HashMap::new(),
        }
    }

    fn also_on_path(mut self, dir: &'a Path) -> Self {
        self.path.push(dir);
        self
    }

    fn env(mut self, key: &'a str, value: impl Into<String>) -> Self {
        self.env.insert(key, value.into());
        self
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_timed(args, None).0
    }

    fn run_timed(&self, args: &[&str], stdin: Option<&str>) -> (Run, Duration) {
        let mut cmd = command(args);
        cmd.env(
            "ROLEFIT_PLUGIN_PATH",
            std::env::join_paths(&self.plugin_path).unwrap(),
        )
        .env("PATH", path_with(&self.path))
        .envs(&self.env)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd.spawn().expect("rolefit runs");
        if let Some(input) = stdin {
            let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        let took = started.elapsed();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        (run, took)
    }
}

fn examples() -> PathBuf {
    root().join("examples")
}

// --- external subcommands -------------------------------------------------

const HELLO: &str = r#"#!/bin/sh
echo "count: $#"
for a in "$@"; do echo "arg: $a"; done
echo "ROLEFIT=$ROLEFIT"
echo "ROLEFIT_VERSION=$ROLEFIT_VERSION"
echo "FROM_TEST=$FROM_TEST"
read line
echo "stdin: $line"
echo "to stderr" >&2
exit 7
"#;

#[test]
fn a_subcommand_plugin_runs_with_its_arguments_environment_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "rolefit-hello", HELLO);
    let (run, _) = Plugins::on(dir.path())
        .env("FROM_TEST", "inherited")
        .run_timed(&["hello", "a", "b c", "--flag"], Some("piped in\n"));
    assert_eq!(
        run.code, 7,
        "the exit code passes through; stderr:\n{}",
        run.stderr
    );
    let exe = fs::canonicalize(env!("CARGO_BIN_EXE_rolefit")).unwrap();
    let expected = format!(
        "count: 3\narg: a\narg: b c\narg: --flag\nROLEFIT={}\nROLEFIT_VERSION={}\nFROM_TEST=inherited\nstdin: piped in\n",
        exe.display(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(run.stdout, expected);
    assert_eq!(run.stderr, "to stderr\n", "stderr is the plugin's own");

    let listed = Plugins::on(dir.path()).run(&["plugins"]);
    let out = listed.ok();
    assert!(
        out.contains("subcommand") && out.contains("rolefit hello"),
        "{out}"
    );
    assert!(
        out.contains(&dir.path().join("rolefit-hello").display().to_string()),
        "{out}"
    );
    assert_eq!(listed.stderr, "", "no warnings");
}

#[test]
fn a_plugin_killed_by_a_signal_is_reported_as_128_plus_the_signal() {
    // rolefit execs the plugin on Unix: a shell sees the plugin's own
    // status, which it reports as 128 + N.
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "rolefit-die", "#!/bin/sh\nkill -TERM $$\nsleep 5\n");
    let exe = env!("CARGO_BIN_EXE_rolefit");
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("'{exe}' die; echo \"status $?\"")])
        .env("ROLEFIT_PLUGIN_PATH", dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "status 143\n");
}

#[test]
fn the_first_executable_plugin_wins_and_the_list_says_why() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let marker = first.path().join("ran");
    script(first.path(), "rolefit-hello", "#!/bin/sh\necho first\n");
    let shadowed = script(second.path(), "rolefit-hello", "#!/bin/sh\necho second\n");
    let nox = first.path().join("rolefit-nox");
    fs::write(&nox, "#!/bin/sh\necho nox\n").unwrap();
    let touch = format!("#!/bin/sh\ntouch {}\n", marker.display());
    let fake_roles = script(first.path(), "rolefit-roles", &touch);
    let fake_euclid = script(first.path(), "rolefit-strategy-euclidean", &touch);
    // Not executable and with an extension: no plugin, no warning.
    fs::write(first.path().join("rolefit-hello.md"), "docs").unwrap();
    let p = Plugins::on(first.path()).also_on_path(second.path());

    assert_eq!(p.run(&["hello"]).ok(), "first\n");

    let listed = p.run(&["plugins"]);
    let out = listed.ok();
    assert!(
        out.contains(&first.path().join("rolefit-hello").display().to_string()),
        "{out}"
    );
    assert!(!out.contains(&shadowed.display().to_string()), "{out}");
    let warnings: Vec<&str> = listed.stderr.lines().collect();
    assert_eq!(warnings.len(), 4, "{}", listed.stderr);
    let about = |path: &Path, what: &str| {
        let path = path.display().to_string();
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("warning: ") && w.contains(&path) && w.contains(what)),
            "no warning that {path} {what}:\n{}",
            listed.stderr
        );
    };
    about(&nox, "is not executable");
    about(&shadowed, "is shadowed by");
    about(&fake_roles, "overwrites the built-in command \"roles\"");
    about(&fake_euclid, "overwrites the built-in strategy \"euclidean\"");

    // Built-ins never run the plugins named like them.
    let roles = p.run(&["roles"]);
    assert!(roles.ok().contains("Program Manager"));
    let scored = p.run(&[
        "score",
        "datasets/sample-responses.csv",
        "--strategy",
        "euclidean",
        "-q",
    ]);
    scored.ok();
    assert!(!marker.exists(), "a plugin named like a built-in ran");

    // A command whose only plugin is not executable says so.
    let err = p.run(&["nox"]);
    let text = err.bad_input();
    assert!(
        text.contains("no such command: `nox`") && text.contains("not executable"),
        "{text}"
    );
}

#[test]
fn an_unknown_command_suggests_the_closest_and_points_to_the_list() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "rolefit-hello", HELLO);
    let p = Plugins::on(dir.path());
    let run = p.run(&["scroe", "x.csv"]);
    let text = run.bad_input();
    assert!(text.starts_with("error: no such command: `scroe`"), "{text}");
    assert!(text.contains("did you mean `score`?"), "{text}");
    assert!(text.contains("`rolefit plugins`"), "{text}");
    let text = p.run(&["helo"]).bad_input().to_string();
    assert!(text.contains("did you mean `hello`?"), "{text}");
    let text = p.run(&["zzzzzz"]).bad_input().to_string();
    assert!(!text.contains("did you mean"), "{text}");

    // A strategy plugin is not a subcommand, and the message says so.
    let run = Plugins::on(&examples()).run(&["strategy-pyeuclid"]);
    let text = run.bad_input();
    assert!(
        text.contains("is a strategy plugin") && text.contains("--strategy pyeuclid"),
        "{text}"
    );
}

// --- strategy plugins that work -------------------------------------------

/// `(respondent, [(role id, score)])` per output line of `--format ndjson`.
fn rankings(ndjson: &str) -> Vec<(String, Vec<(String, f64)>)> {
    ndjson
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let ranking = v["ranking"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .map(|e| {
                            (
                                e["role_id"].as_str().unwrap().to_string(),
                                e["score"].as_f64().unwrap(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (v["respondent"].as_str().unwrap().to_string(), ranking)
        })
        .collect()
}

/// Scores `args` with the built-in `euclidean` and with `strategy` and
/// checks the same ranking and scores within 1e-9.
#[track_caller]
fn same_as_euclidean(plugin_dir: &Path, strategy: &str, args: &[&str]) -> usize {
    let p = Plugins::on(plugin_dir);
    let mut builtin = args.to_vec();
    builtin.extend([
        "--strategy",
        "euclidean",
        "--format",
        "ndjson",
        "--min-answered",
        "0",
        "-q",
    ]);
    let mut plugin = args.to_vec();
    plugin.extend([
        "--strategy",
        strategy,
        "--format",
        "ndjson",
        "--min-answered",
        "0",
        "-q",
    ]);
    let expected = rankings(p.run(&builtin).ok());
    let run = p.run(&plugin);
    let got = rankings(run.ok());
    assert_eq!(got.len(), expected.len());
    for ((id, want), (got_id, have)) in expected.iter().zip(&got) {
        assert_eq!(id, got_id);
        let roles = |r: &[(String, f64)]| r.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        assert_eq!(roles(want), roles(have), "ranking of {id}");
        for ((_, a), (_, b)) in want.iter().zip(have) {
            assert!((a - b).abs() <= 1e-9, "{id}: {a} vs {b}");
        }
    }
    got.len()
}

/// A synthetic matrix and responses (with blanks) in `dir`.
fn synth(dir: &Path, rows: &str) -> (String, String) {
    let m = dir.join("m.csv").display().to_string();
    let r = dir.join("r.csv").display().to_string();
    let none = Path::new("/nonexistent");
    let p = Plugins::on(none);
    p.run(&[
        "synth",
        "matrix",
        "--roles",
        "9",
        "--capabilities",
        "14",
        "--seed",
        "3",
        "-o",
        &m,
    ])
    .ok();
    p.run(&[
        "synth",
        "responses",
        "--matrix",
        &m,
        "--rows",
        rows,
        "--seed",
        "4",
        "--missing",
        "0.2",
        "-o",
        &r,
    ])
    .ok();
    (m, r)
}

#[test]
fn the_python_example_ranks_like_the_builtin_it_reimplements() {
    let n = same_as_euclidean(
        &examples(),
        "pyeuclid",
        &["score", "datasets/sample-responses.csv"],
    );
    assert_eq!(n, 36);
    let dir = tempfile::tempdir().unwrap();
    // Several chunks on several threads: one plugin process serves them all.
    let (m, r) = synth(dir.path(), "12000");
    let n = same_as_euclidean(
        &examples(),
        "pyeuclid",
        &["score", &r, "--matrix", &m, "--top", "9", "--threads", "3"],
    );
    assert_eq!(n, 12000);
}

/// The Rust example, built by `cargo test` (examples are built with the
/// tests) next to the test binary; built here if it is not.
fn rust_example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let dir = profile_dir.join("examples");
    let binary = dir.join("rolefit-strategy-rseuclid");
    if !binary.exists() {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--example", "rolefit-strategy-rseuclid"])
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success(), "building the example failed");
    }
    assert!(binary.exists(), "{} was not built", binary.display());
    dir
}

#[test]
fn the_rust_example_ranks_like_the_builtin_it_reimplements() {
    let dir = rust_example();
    let n = same_as_euclidean(&dir, "rseuclid", &["score", "datasets/sample-responses.csv"]);
    assert_eq!(n, 36);
    let data = tempfile::tempdir().unwrap();
    let (m, r) = synth(data.path(), "3000");
    same_as_euclidean(&dir, "rseuclid", &["score", &r, "--matrix", &m, "--top", "9"]);
}

#[test]
fn explanations_work_without_contributions() {
    let sample = fs::read_to_string(root().join("datasets/sample-responses.csv")).unwrap();
    let head: String = sample.lines().take(3).map(|l| format!("{l}\n")).collect();
    let (run, _) = Plugins::on(&examples()).run_timed(
        &["score", "--explain", "--top", "2", "--strategy", "pyeuclid", "-q"],
        Some(&head),
    );
    let out = run.ok();
    assert!(
        out.contains("R001: answered 20 of 20 capabilities; strategy pyeuclid"),
        "{out}"
    );
    assert!(out.contains("strengths:") && out.contains("gaps:"), "{out}");
    assert!(
        !out.contains("drivers:"),
        "a plugin gives no contributions:\n{out}"
    );
}

#[test]
fn unknown_strategies_mention_plugins() {
    let run = Plugins::on(&examples()).run(&[
        "score",
        "datasets/sample-responses.csv",
        "--strategy",
        "pyeuclidd",
    ]);
    let text = run.bad_input();
    assert!(text.contains("did you mean \"pyeuclid\"?"), "{text}");
    assert!(text.contains("rolefit-strategy-NAME"), "{text}");
}

// --- strategy plugins that misbehave --------------------------------------

/// A strategy plugin in Python that follows the protocol except where
/// `mode` says otherwise, and logs every message it gets to stderr.
fn mock(dir: &Path, mode: &str) -> PathBuf {
    let body = r#"#!/usr/bin/env python3
import json, os, signal, sys
MODE = "@MODE@"
def send(m):
    sys.stdout.write(json.dumps(m) + "\n")
    sys.stdout.flush()
def log(t):
    sys.stderr.write("mock: " + t + "\n")
    sys.stderr.flush()
roles = 0
for line in iter(sys.stdin.readline, ""):
    msg = json.loads(line)
    kind = msg["type"]
    log("got " + kind)
    if kind == "hello":
        send({"type": "hello", "protocol": 2 if MODE == "protocol" else 1, "name": "mock", "description": "A mock."})
    elif kind == "matrix":
        if MODE == "error":
            send({"type": "error", "message": "model file missing"})
            sys.exit(1)
        roles = len(msg["roles"])
        send({"type": "ready"})
    elif kind == "score":
        n, id = len(msg["profiles"]), msg["id"]
        scores = [[0.5] * roles for _ in range(n)]
        if MODE == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        elif MODE == "exit":
            sys.exit(3)
        elif MODE == "malformed":
            sys.stdout.write("debug: scoring now\n")
            sys.stdout.flush()
        elif MODE == "wrong-id":
            send({"type": "scores", "id": id + 998, "scores": scores})
        elif MODE == "rows":
            send({"type": "scores", "id": id, "scores": scores[1:]})
        elif MODE == "cols":
            scores[2] = scores[2][1:]
            send({"type": "scores", "id": id, "scores": scores})
        elif MODE == "nan":
            scores[0][1] = float("nan")
            send({"type": "scores", "id": id, "scores": scores})
        elif MODE == "type":
            send({"type": "ready"})
        elif MODE == "late" and id >= 2:
            scores[n - 1][0] = float("inf")
            send({"type": "scores", "id": id, "scores": scores})
        else:
            send({"type": "scores", "id": id, "scores": scores})
    elif kind == "bye":
        sys.exit(4 if MODE == "bye-exit" else 0)
"#;
    script(
        dir,
        &format!("rolefit-strategy-{mode}"),
        &body.replace("@MODE@", mode),
    )
}

/// A strategy plugin in shell that answers the hello and the matrix and
/// then hangs, its `sleep` holding the pipes even after the shell is killed.
const HANG_ON_SCORE: &str = r#"#!/bin/sh
echo "hang: starting" >&2
read line
echo '{"type":"hello","protocol":1,"name":"hang","description":"Hangs."}'
read line
echo '{"type":"ready"}'
echo "hang: ready, now sleeping" >&2
sleep 30
"#;

/// Scores with the failing `strategy` into `-o` with `--plugin-timeout
/// timeout`, expecting exit 1 within the deadline, a message containing
/// each of `expected`, and no output file; returns the time taken.
#[track_caller]
fn fails(dir: &Path, strategy: &str, timeout: &str, expected: &[&str]) -> Duration {
    let out = dir.join(format!("out-{strategy}.csv"));
    let out_arg = out.display().to_string();
    let args = [
        "score",
        SAMPLE,
        "--strategy",
        strategy,
        "--plugin-timeout",
        timeout,
        "--format",
        "csv",
        "-o",
        &out_arg,
        "-q",
    ];
    let (run, took) = Plugins::on(dir).run_timed(&args, None);
    assert_eq!(
        run.code, 1,
        "{strategy}: expected exit 1, stderr:\n{}",
        run.stderr
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("strategy \"{strategy}\"")),
        "{}",
        run.stderr
    );
    let path = dir
        .join(format!("rolefit-strategy-{strategy}"))
        .display()
        .to_string();
    assert!(run.stderr.contains(&format!("plugin {path} ")), "{}", run.stderr);
    for e in expected {
        assert!(run.stderr.contains(e), "{strategy}: no {e:?} in:\n{}", run.stderr);
    }
    assert!(took < DEADLINE, "{strategy} took {took:?}");
    assert!(!out.exists(), "{strategy}: a partial output file was left");
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("rolefit-strategy-") && !n.ends_with(".csv"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{strategy}: temporary files left: {leftovers:?}"
    );
    eprintln!(
        "misbehaviour {strategy}: exit 1 after {:.2} s",
        took.as_secs_f64()
    );
    took
}

const SAMPLE: &str = "datasets/sample-responses.csv";

#[test]
fn a_plugin_that_hangs_is_stopped_within_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "rolefit-strategy-mute", "#!/bin/sh\nexec sleep 30\n");
    let took = fails(
        dir.path(),
        "mute",
        TIMEOUT,
        &["did not answer the hello within 1 s (--plugin-timeout), and was stopped"],
    );
    assert!(took >= Duration::from_secs(1), "{took:?}");
    script(dir.path(), "rolefit-strategy-hang", HANG_ON_SCORE);
    fails(
        dir.path(),
        "hang",
        TIMEOUT,
        &[
            "did not answer the score message (id 1, 36 profiles) within 1 s",
            "its standard error ended with:\n  | hang: starting\n  | hang: ready, now sleeping",
        ],
    );
}

#[test]
fn every_command_that_scores_takes_the_plugin_timeout() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "rolefit-strategy-mute", "#!/bin/sh\nexec sleep 30\n");
    let report = dir.path().join("report.html").display().to_string();
    let commands: [&[&str]; 4] = [
        &["explain", SAMPLE, "--target", "program-manager"],
        &["cluster", SAMPLE],
        &["matrix", "overlap"],
        &["report", SAMPLE, "--output", &report],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--strategy", "mute", "--plugin-timeout", TIMEOUT]);
        let (run, took) = Plugins::on(dir.path()).run_timed(&args, None);
        assert_eq!(run.code, 1, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("did not answer the hello within 1 s (--plugin-timeout), and was stopped"),
            "{command:?}: {}",
            run.stderr
        );
        assert!(took < DEADLINE, "{command:?} took {took:?}");
    }
}

#[test]
fn a_plugin_that_stops_reading_is_stopped_within_the_timeout() {
    // The score message (3000 profiles) is far larger than a pipe's buffer,
    // and the plugin never reads it: writing must not block rolefit.
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), "3000");
    script(dir.path(), "rolefit-strategy-deaf", HANG_ON_SCORE);
    let out = dir.path().join("out.csv").display().to_string();
    let (run, took) = Plugins::on(dir.path()).run_timed(
        &[
            "score",
            &r,
            "--matrix",
            &m,
            "--strategy",
            "deaf",
            "--plugin-timeout",
            TIMEOUT,
            "-o",
            &out,
            "--threads",
            "2",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("did not answer the score message"),
        "{}",
        run.stderr
    );
    assert!(took < DEADLINE, "{took:?}");
    assert!(!Path::new(&out).exists());
}

#[test]
fn each_protocol_violation_gives_its_own_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: [(&str, &[&str]); 10] = [
        ("crash", &["was killed by signal 11 (SIGSEGV) before answering the score message (id 1, 36 profiles)"]),
        ("exit", &["exited with status 3 before answering the score message"]),
        (
            "malformed",
            &["sent a line that is not JSON", "debug: scoring now", "log to standard error"],
        ),
        (
            "wrong-id",
            &["answered the score message (id 1, 36 profiles) with the scores of id 999, expected id 1"],
        ),
        ("rows", &["sent 35 rows of scores in answer to the score message (id 1, 36 profiles), expected 36"]),
        ("cols", &["sent 3 scores for profile 2 in answer to the score message (id 1, 36 profiles), expected 4"]),
        (
            "nan",
            &["sent the score NaN for profile 0, role 1 in answer to the score message (id 1, 36 profiles); \
               scores must be finite numbers"],
        ),
        ("protocol", &["speaks protocol version 2, but this rolefit speaks version 1"]),
        ("error", &["reported an error in answer to the matrix: model file missing"]),
        ("type", &["answered the score message (id 1, 36 profiles) with a \"ready\" message, expected \"scores\""]),
    ];
    for (mode, expected) in cases {
        mock(d, mode);
        // With a 30 s timeout: each must end at once, well within the deadline.
        fails(d, mode, LONG, expected);
    }
}

#[test]
fn a_plugin_that_fails_after_some_batches_leaves_no_partial_file() {
    // Several chunks, scored and written in order: the first batches
    // succeed, a later one fails, and the half-written output is discarded.
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), "12000");
    mock(dir.path(), "late");
    let out = dir.path().join("out.csv").display().to_string();
    let (run, took) = Plugins::on(dir.path()).run_timed(
        &[
            "score",
            &r,
            "--matrix",
            &m,
            "--strategy",
            "late",
            "--plugin-timeout",
            TIMEOUT,
            "-o",
            &out,
            "--threads",
            "2",
            "-q",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("sent the score Infinity for profile"),
        "{}",
        run.stderr
    );
    assert!(took < DEADLINE, "{took:?}");
    assert!(!Path::new(&out).exists());
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "only m.csv, r.csv and the plugin: {names:?}");
}

#[test]
fn a_plugin_that_fails_at_the_end_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    mock(dir.path(), "bye-exit");
    fails(
        dir.path(),
        "bye-exit",
        LONG,
        &[
            "exited with status 4 after the bye, expected status 0",
            "| mock: got bye",
        ],
    );
    // And one that cannot even start.
    script(
        dir.path(),
        "rolefit-strategy-broken",
        "#!/nonexistent/interpreter\n",
    );
    fails(dir.path(), "broken", LONG, &["could not be started"]);
}

#[test]
fn a_well_behaved_mock_scores_and_leaves_its_file() {
    // The mock in its normal mode: the checks above are not just failing
    // on everything.
    let dir = tempfile::tempdir().unwrap();
    mock(dir.path(), "fine");
    let out = dir.path().join("out.csv");
    let out_arg = out.display().to_string();
    let run = Plugins::on(dir.path()).run(&["score", SAMPLE, "--strategy", "fine", "-o", &out_arg, "-q"]);
    run.ok();
    let written = fs::read_to_string(&out).unwrap();
    assert!(written.contains("0.500"), "{written}");
}

// --- plugins check ----------------------------------------------------------

#[test]
fn plugins_check_passes_a_good_plugin_and_fails_a_bad_one() {
    let run = Plugins::on(&examples()).run(&["plugins", "check", "pyeuclid"]);
    let out = run.ok();
    for step in [
        "ok  hello",
        "ok  matrix",
        "ok  score",
        "ok  the same batch again",
        "ok  bye",
    ] {
        assert!(out.contains(step), "{step}:\n{out}");
    }
    assert!(out.contains("conforms to protocol version 1"), "{out}");

    // By path, too: testing a plugin before installing it.
    let path = examples().join("rolefit-strategy-pyeuclid").display().to_string();
    let none = Path::new("/nonexistent");
    Plugins::on(none).run(&["plugins", "check", &path]).ok();

    let dir = tempfile::tempdir().unwrap();
    mock(dir.path(), "nan");
    let (run, took) =
        Plugins::on(dir.path()).run_timed(&["plugins", "check", "nan", "--plugin-timeout", TIMEOUT], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("ok  hello") && run.stdout.contains("ok  matrix"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("FAIL score"), "{}", run.stdout);
    assert!(!run.stdout.contains("conforms"), "{}", run.stdout);
    assert!(
        run.stderr.contains("sent the score NaN for profile 0, role 1"),
        "{}",
        run.stderr
    );
    assert!(took < DEADLINE);

    let missing = Plugins::on(dir.path()).run(&["plugins", "check", "nope"]);
    let text = missing.bad_input();
    assert!(text.contains("no strategy plugin \"nope\""), "{text}");
}

// --- shell integration ------------------------------------------------------

#[test]
fn completions_for_every_shell_mention_the_subcommands() {
    let none = Path::new("/nonexistent");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = Plugins::on(none).run(&["completions", shell]);
        let out = run.ok();
        assert!(out.len() > 500, "{shell}: {out}");
        for sub in ["score", "plugins", "completions", "strategies"] {
            assert!(out.contains(sub), "{shell} completions lack {sub}");
        }
    }
    let run = Plugins::on(none).run(&["completions", "tcsh"]);
    run.bad_input();
}

#[test]
fn the_man_page_is_roff() {
    let none = Path::new("/nonexistent");
    let run = Plugins::on(none).run(&["man"]);
    let out = run.ok();
    assert!(
        out.starts_with(".ie \\n(.g .ds Aq") || out.starts_with(".TH"),
        "{}",
        &out[..80]
    );
    assert!(
        out.lines().take(4).any(|l| l.starts_with(".TH rolefit 1")),
        "{}",
        &out[..200]
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH PLUGINS",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(out.contains(section), "no {section}");
    }
    assert!(out.contains("ROLEFIT_PLUGIN_PATH"));
}
