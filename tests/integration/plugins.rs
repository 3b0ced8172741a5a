//! Plugins end to end, with real processes: external subcommands, strategy
//! plugins (the two examples, and small scripts that misbehave in every
//! way the protocol forbids), `rolefit plugins`, completions and the man
//! page.
//!
//! Every test puts its plugins in its own temporary directories on
//! `ROLEFIT_PLUGIN_PATH` (and, for shadowing, on `PATH`), so tests running
//! in parallel never see each other's plugins.
//!
//! The plugins are `sh` scripts and the Rust mock (tests/plugins/mock.rs,
//! built by `cargo test` as an example): nothing beyond Rust and `/bin/sh`
//! is needed. Only the test of the Python example needs `python3`, and says
//! it is skipped without it.
//!
//! No test depends on how fast the machine is: a short `--plugin-timeout`
//! is only given to plugins that never answer (or after the step that
//! hangs, by trying longer timeouts until the run gets there), and the
//! deadline a run must keep is minutes, for runs that take a second.

#![cfg(unix)]

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{command, root, send_signal, wait_while_running, Run};

/// The `--plugin-timeout` for plugins that never answer, in seconds: the
/// run must end after it, however busy the machine.
const TIMEOUT: &str = "1";

/// Longer and longer timeouts, for a plugin that answers some requests and
/// then hangs: each is tried until the run reaches the request that hangs.
const GROWING: [&str; 5] = ["1", "4", "16", "64", "256"];

/// How long a run may take at most before it is killed and the test fails:
/// minutes, for runs that take a second. A run that waited for [`LONG`]
/// instead of ending at once fails here.
const DEADLINE: Duration = Duration::from_secs(300);

/// A timeout the tests of failures other than hangs never reach: they must
/// end at once, not when the timeout expires.
const LONG: &str = "3600";

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
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                panic!("rolefit {args:?} still ran after {DEADLINE:?}, and was killed");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let took = started.elapsed();
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
        };
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        (run, took)
    }
}

/// Reads a stream to its end on a thread of its own.
fn drain(mut stream: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs `attempt` with each of [`GROWING`] timeouts until it returns a
/// result: `None` means the run timed out before it reached the request
/// under test, on a machine too busy for that timeout.
#[track_caller]
fn with_growing_timeout<T>(attempt: impl Fn(&str) -> Option<T>) -> T {
    for timeout in GROWING {
        if let Some(result) = attempt(timeout) {
            return result;
        }
        eprintln!("timed out too early with --plugin-timeout {timeout}; trying a longer one");
    }
    panic!("no timeout of {GROWING:?} got the plugin to the request under test");
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
fn the_plugin_list_is_a_table_json_or_csv() {
    let dir = tempfile::tempdir().unwrap();
    script(dir.path(), "rolefit-hello", "#!/bin/sh\necho hi\n");
    script(dir.path(), "rolefit-strategy-mine", "#!/bin/sh\nexit 1\n");
    script(dir.path(), "rolefit-=sum", "#!/bin/sh\necho sum\n");
    let p = Plugins::on(dir.path());
    let path = |name: &str| dir.path().join(name).display().to_string();

    let table = p.run(&["plugins"]);
    assert!(table.ok().contains("--strategy mine") && table.ok().contains("rolefit hello"));

    let json = p.run(&["plugins", "--format", "json"]);
    let list: Value = serde_json::from_str(json.ok()).unwrap();
    let entries: Vec<(&str, &str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e.as_object().unwrap().len(), 3, "{e}");
            (
                e["kind"].as_str().unwrap(),
                e["name"].as_str().unwrap(),
                e["path"].as_str().unwrap(),
            )
        })
        .collect();
    let (sum, hello, mine) = (
        path("rolefit-=sum"),
        path("rolefit-hello"),
        path("rolefit-strategy-mine"),
    );
    assert_eq!(
        entries,
        [
            ("subcommand", "=sum", sum.as_str()),
            ("subcommand", "hello", hello.as_str()),
            ("strategy", "mine", mine.as_str())
        ]
    );

    let csv = p.run(&["plugins", "--format", "csv"]);
    let (header, rows) = crate::util::parse_csv(csv.ok());
    assert_eq!(header, ["kind", "name", "path"]);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0][1], "'=sum",
        "a cell that a spreadsheet would run is guarded"
    );
    assert_eq!(rows[2], ["strategy", "mine", mine.as_str()]);
    let raw = p.run(&["plugins", "--format", "csv", "--no-sanitize"]);
    assert_eq!(crate::util::parse_csv(raw.ok()).1[0][1], "=sum");

    let out = dir.path().join("plugins.json");
    assert_eq!(p.run(&["plugins", "-o", out.to_str().unwrap()]).ok(), "");
    let written: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written, list);

    // None found: an empty list, and the note on standard error.
    let empty = tempfile::tempdir().unwrap();
    let none = Plugins::on(empty.path()).env("PATH", empty.path().display().to_string());
    let run = none.run(&["plugins", "--format", "json"]);
    assert_eq!(run.ok(), "[]\n");
    assert!(run.stderr.starts_with("note: no plugins found"), "{}", run.stderr);
    assert_eq!(none.run(&["plugins", "--format", "csv"]).ok(), "kind,name,path\n");
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
    // The examples weigh gaps by the importances they are sent: the
    // built-in distance with `--weights importance`.
    builtin.extend([
        "--strategy",
        "euclidean+importance",
        "--format",
        "ndjson",
        "--min-answered",
        "0",
        "-q",
    ]);
    let mut plugin = args.to_vec();
    plugin.extend([
        "--plugin-timeout",
        LONG,
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

/// Whether `python3` runs; says the test is skipped if not.
fn python3(test: &str) -> bool {
    let found = std::process::Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("{test}: skipped, python3 is not installed (it runs the Python example)");
    }
    found
}

#[test]
fn the_python_example_ranks_like_the_builtin_it_reimplements() {
    if !python3("the_python_example_ranks_like_the_builtin_it_reimplements") {
        return;
    }
    let run = Plugins::on(&examples()).run(&["plugins", "check", "pyeuclid", "--plugin-timeout", LONG]);
    assert!(
        run.ok().contains("conforms to protocol version 1"),
        "{}",
        run.stdout
    );
    // By path, too: testing a plugin before installing it.
    let path = examples().join("rolefit-strategy-pyeuclid").display().to_string();
    let none = Path::new("/nonexistent");
    Plugins::on(none)
        .run(&["plugins", "check", &path, "--plugin-timeout", LONG])
        .ok();
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

/// The Rust example `name` (next to the test binary), built once per run
/// of the tests: `cargo test` builds the examples, but `cargo test --test
/// integration` does not, and an old one may be there.
fn built_example(name: &str) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let binary = profile_dir.join("examples").join(name);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !built.iter().any(|b| b == name) {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--example", name])
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success(), "building the example {name} failed");
        built.push(name.to_string());
    }
    assert!(binary.exists(), "{} was not built", binary.display());
    binary
}

/// The directory of the Rust example plugin `rolefit-strategy-rseuclid`.
fn rust_example() -> PathBuf {
    let binary = built_example("rolefit-strategy-rseuclid");
    binary.parent().unwrap().to_path_buf()
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
    let (run, _) = Plugins::on(&rust_example()).run_timed(
        &[
            "score",
            "--explain",
            "--top",
            "2",
            "--strategy",
            "rseuclid",
            "--plugin-timeout",
            LONG,
            "-q",
        ],
        Some(&head),
    );
    let out = run.ok();
    assert!(
        out.contains("R001: answered 20 of 20 capabilities; strategy rseuclid"),
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

/// The mock strategy plugin (tests/plugins/mock.rs) in `dir` as
/// `rolefit-strategy-MODE`: it follows the protocol except where `mode`
/// says otherwise, and logs every message it gets to stderr.
fn mock(dir: &Path, mode: &str) -> PathBuf {
    let path = dir.join(format!("rolefit-strategy-{mode}"));
    std::os::unix::fs::symlink(built_example("rolefit-strategy-mock"), &path).unwrap();
    path
}

/// A strategy plugin in shell that answers the hello and the matrix and
/// then hangs in a `sleep` of its own process group.
const HANG_ON_SCORE: &str = r#"#!/bin/sh
echo "hang: starting" >&2
read line
echo '{"type":"hello","protocol":1,"name":"hang","description":"Hangs."}'
read line
echo '{"type":"ready"}'
echo "hang: ready, now sleeping" >&2
sleep 1000
"#;

/// Whether a run timed out on a request before the one `expected` is
/// about: the machine was too busy for the timeout.
fn too_early(stderr: &str, expected: &[&str]) -> bool {
    ["did not answer the hello", "did not answer the matrix"]
        .iter()
        .any(|step| stderr.contains(step) && !expected.iter().any(|e| e.contains(step)))
}

/// Scores with the failing `strategy` into `-o` with `--plugin-timeout
/// timeout`, expecting exit 1 within the deadline, a message containing
/// each of `expected`, and no output file; returns the time taken.
#[track_caller]
fn fails(dir: &Path, strategy: &str, timeout: &str, expected: &[&str]) -> Duration {
    match try_fails(dir, strategy, timeout, expected) {
        Some(took) => took,
        None => panic!("{strategy} timed out before the request under test"),
    }
}

/// [`fails`], or `None` if the run timed out [`too_early`].
#[track_caller]
fn try_fails(dir: &Path, strategy: &str, timeout: &str, expected: &[&str]) -> Option<Duration> {
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
    if too_early(&run.stderr, expected) {
        return None;
    }
    for e in expected {
        assert!(run.stderr.contains(e), "{strategy}: no {e:?} in:\n{}", run.stderr);
    }
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
    Some(took)
}

const SAMPLE: &str = "datasets/sample-responses.csv";

#[test]
fn a_plugin_that_hangs_is_stopped_within_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "rolefit-strategy-mute",
        "#!/bin/sh\nexec sleep 1000\n",
    );
    let took = fails(
        dir.path(),
        "mute",
        TIMEOUT,
        &["did not answer the hello within 1 s (--plugin-timeout), and was stopped"],
    );
    assert!(took >= Duration::from_secs(1), "{took:?}");
    script(dir.path(), "rolefit-strategy-hang", HANG_ON_SCORE);
    with_growing_timeout(|timeout| {
        try_fails(
            dir.path(),
            "hang",
            timeout,
            &[
                &format!("did not answer the score message (id 1, 36 profiles) within {timeout} s"),
                "its standard error ended with:\n  | hang: starting\n  | hang: ready, now sleeping",
            ],
        )
    });
}

#[test]
fn every_command_that_scores_takes_the_plugin_timeout() {
    let dir = tempfile::tempdir().unwrap();
    script(
        dir.path(),
        "rolefit-strategy-mute",
        "#!/bin/sh\nexec sleep 1000\n",
    );
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
        let (run, _) = Plugins::on(dir.path()).run_timed(&args, None);
        assert_eq!(run.code, 1, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("did not answer the hello within 1 s (--plugin-timeout), and was stopped"),
            "{command:?}: {}",
            run.stderr
        );
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
    let run = with_growing_timeout(|timeout| {
        let (run, _) = Plugins::on(dir.path()).run_timed(
            &[
                "score",
                &r,
                "--matrix",
                &m,
                "--strategy",
                "deaf",
                "--plugin-timeout",
                timeout,
                "-o",
                &out,
                "--threads",
                "2",
            ],
            None,
        );
        (!too_early(&run.stderr, &[])).then_some(run)
    });
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("did not answer the score message"),
        "{}",
        run.stderr
    );
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
    let (run, _) = Plugins::on(dir.path()).run_timed(
        &[
            "score",
            &r,
            "--matrix",
            &m,
            "--strategy",
            "late",
            "--plugin-timeout",
            LONG,
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
    let run = Plugins::on(dir.path()).run(&[
        "score",
        SAMPLE,
        "--strategy",
        "fine",
        "--plugin-timeout",
        LONG,
        "-o",
        &out_arg,
        "-q",
    ]);
    run.ok();
    let written = fs::read_to_string(&out).unwrap();
    assert!(written.contains("0.500"), "{written}");
}

// --- process groups ----------------------------------------------------------

/// A strategy plugin in shell that starts a child (`sleep`), writes `PLUGIN
/// CHILD` (both process ids) to `$PIDS`, and then, by `mode`: `mute` never
/// answers; `error` answers the hello and reports an error for the matrix;
/// `hang` answers the hello and never answers the matrix. It never exits
/// by itself: it waits for its child.
fn forking(dir: &Path, mode: &str) {
    let answers = match mode {
        "mute" => "",
        "error" => {
            "read line\necho '{\"type\":\"hello\",\"protocol\":1,\"name\":\"x\",\"description\":\"Forks.\"}'\n\
             read line\necho '{\"type\":\"error\",\"message\":\"no model here\"}'\n"
        }
        "hang" => {
            "read line\necho '{\"type\":\"hello\",\"protocol\":1,\"name\":\"x\",\"description\":\"Forks.\"}'\n"
        }
        _ => unreachable!(),
    };
    let body = format!(
        "#!/bin/sh\n\
         sleep 1000 </dev/null >/dev/null 2>&1 &\n\
         echo \"$$ $!\" > \"$PIDS.tmp\" && mv \"$PIDS.tmp\" \"$PIDS\"\n\
         {answers}wait\n"
    );
    script(dir, &format!("rolefit-strategy-{mode}"), &body);
}

/// The process ids in a `$PIDS` file, if it is there.
fn pids(file: &Path) -> Option<Vec<u32>> {
    let text = fs::read_to_string(file).ok()?;
    Some(text.split_whitespace().map(|p| p.parse().unwrap()).collect())
}

/// Whether process `pid` is gone (or a zombie no one has reaped yet).
fn gone(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // `PID (comm) STATE ...`; comm may contain anything but ends at the
        // last parenthesis.
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Asserts that every process in `pids` is gone, allowing them a while to
/// exit (a bounded wait, ending as soon as they are); kills any left.
#[track_caller]
fn all_gone(pids: &[u32], what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pids.iter().all(|&p| gone(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left: Vec<u32> = pids.iter().copied().filter(|&p| !gone(p)).collect();
    for pid in &left {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(
        left.is_empty(),
        "{what}: processes {left:?} of the plugin outlived the run"
    );
}

#[test]
fn a_plugin_that_times_out_is_ended_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pids");
    forking(dir.path(), "mute");
    let pids = with_growing_timeout(|timeout| {
        let _ = fs::remove_file(&file);
        let run = Plugins::on(dir.path())
            .env("PIDS", file.display().to_string())
            .run(&["score", SAMPLE, "--strategy", "mute", "--plugin-timeout", timeout]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("did not answer the hello"), "{}", run.stderr);
        // Without the file the plugin was stopped before it started its
        // child: too busy a machine for this timeout.
        pids(&file)
    });
    all_gone(&pids, "timeout");
}

#[test]
fn a_plugin_that_reports_an_error_is_ended_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pids");
    forking(dir.path(), "error");
    let run = Plugins::on(dir.path())
        .env("PIDS", file.display().to_string())
        .run(&["score", SAMPLE, "--strategy", "error", "--plugin-timeout", LONG]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("reported an error in answer to the matrix: no model here"),
        "{}",
        run.stderr
    );
    all_gone(&pids(&file).expect("the plugin wrote its pids"), "error");
}

#[test]
fn sigterm_to_rolefit_ends_the_plugin_with_its_children() {
    for signal in ["-TERM", "-INT"] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pids");
        forking(dir.path(), "hang");
        let out = dir.path().join("out.csv");
        let mut child = command(&[
            "score",
            SAMPLE,
            "--strategy",
            "hang",
            "--plugin-timeout",
            LONG,
            "-q",
            "-o",
        ])
        .arg(&out)
        .env("ROLEFIT_PLUGIN_PATH", dir.path())
        .env("PIDS", &file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        // The plugin is running (and rolefit waits for its answer) once it
        // has written its pids: a bounded wait for that, not a fixed sleep.
        let mut found = None;
        wait_while_running(&mut child, signal, || {
            found = pids(&file);
            found.is_some()
        });
        let pids = found.unwrap();
        send_signal(&child, signal);
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("{signal}: rolefit did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(130), "{signal}");
        all_gone(&pids, signal);
        assert!(!out.exists(), "{signal}: no output");
    }
}

#[test]
fn a_plugin_timeout_past_what_a_duration_holds_is_bad_input() {
    let none = Path::new("/nonexistent");
    for timeout in ["2e19", "1e300"] {
        let run = Plugins::on(none).run(&["score", SAMPLE, "--plugin-timeout", timeout]);
        let text = run.bad_input();
        assert!(
            text.contains("--plugin-timeout") && text.contains("expected at most"),
            "{text}"
        );
    }
    // The largest a duration holds is accepted (and waits for ever).
    let dir = tempfile::tempdir().unwrap();
    mock(dir.path(), "fine");
    let run = Plugins::on(dir.path()).run(&[
        "score",
        SAMPLE,
        "--strategy",
        "fine",
        "--plugin-timeout",
        "1.8e19",
        "-q",
    ]);
    assert!(run.ok().contains("0.500"), "{}", run.stdout);
}

// --- plugins check ----------------------------------------------------------

#[test]
fn plugins_check_passes_a_good_plugin_and_fails_a_bad_one() {
    let run = Plugins::on(&rust_example()).run(&["plugins", "check", "rseuclid", "--plugin-timeout", LONG]);
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
    let path = rust_example()
        .join("rolefit-strategy-rseuclid")
        .display()
        .to_string();
    let none = Path::new("/nonexistent");
    Plugins::on(none)
        .run(&["plugins", "check", &path, "--plugin-timeout", LONG])
        .ok();

    let dir = tempfile::tempdir().unwrap();
    mock(dir.path(), "nan");
    let (run, _) =
        Plugins::on(dir.path()).run_timed(&["plugins", "check", "nan", "--plugin-timeout", LONG], None);
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
