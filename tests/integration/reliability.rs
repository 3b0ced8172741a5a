//! Guarantees of issue 8 that the other modules don't already cover:
//! interrupted runs leave nothing half-written (held midway by a plugin;
//! every other signal: `files.rs`), CSV cells are safe to open in a
//! spreadsheet.

use std::process::Stdio;

use crate::util::{command, parse_csv, rolefit, rolefit_stdin, send_signal, wait_while_running, write};

/// A strategy plugin that answers the hello and the matrix, then never
/// answers a score message: a run with it is midway for as long as the
/// test wants.
const STALL: &str = r#"#!/bin/sh
read line
echo '{"type":"hello","protocol":1,"name":"stall","description":"Stalls."}'
read line
echo '{"type":"ready"}'
exec sleep 1000
"#;

fn kill_midway(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let plugins = tempfile::tempdir().unwrap();
    let plugin = plugins.path().join("rolefit-strategy-stall");
    std::fs::write(&plugin, STALL).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let target = dir.path().join("scores.json");
    std::fs::write(&target, "previous results").unwrap();
    let mut child = command(&[
        "score",
        "datasets/sample-responses.csv",
        "--strategy",
        "stall",
        "--plugin-timeout",
        "3600",
        "--format",
        "json",
        "--explain",
        "-o",
    ])
    .arg(&target)
    .env("ROLEFIT_PLUGIN_PATH", plugins.path())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Midway: the temporary output file is there, and the run waits for the
    // plugin. A bounded wait for that, not a fixed sleep.
    wait_while_running(&mut child, signal, || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    });
    send_signal(&child, signal);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{signal}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "previous results",
        "{signal}: the old file is untouched"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{signal}: no temporary file left behind: {left:?}");
}

#[test]
fn sigterm_midway_leaves_no_partial_output() {
    kill_midway("-TERM");
}

#[test]
fn ctrl_c_midway_leaves_no_partial_output() {
    kill_midway("-INT");
}

#[test]
fn formulas_in_user_text_are_defused_in_csv_and_kept_with_no_sanitize() {
    let input = "respondent,Q01,Q02\n=HYPERLINK(\"http://x\"),4,5\n@SUM(1),3,3\n-5,2,2\n";
    let out = rolefit_stdin(
        &["score", "--format", "csv", "--top", "1", "--min-answered", "0"],
        input,
    );
    let (_, rows) = parse_csv(out.ok());
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        ids,
        ["'=HYPERLINK(\"http://x\")", "'@SUM(1)", "-5"],
        "numbers are never altered"
    );
    let raw = rolefit_stdin(
        &[
            "score",
            "--format",
            "csv",
            "--top",
            "1",
            "--min-answered",
            "0",
            "--no-sanitize",
        ],
        input,
    );
    let (_, rows) = parse_csv(raw.ok());
    assert_eq!(rows[0][0], "=HYPERLINK(\"http://x\")");

    // Role and capability names from a user's matrix, in every CSV output.
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", "role,+Planning,Budget\n=Lead,3,4\nDev,2,5\n");
    let roles = rolefit(&["roles", "--matrix", &m, "--format", "csv"]);
    assert!(roles.ok().contains("'=Lead,'+Planning,3,1"), "{}", roles.stdout);
    let scored = rolefit_stdin(
        &["score", "--matrix", &m, "--format", "csv", "--top", "2"],
        "respondent,+Planning,Budget\na,3,4\n",
    );
    assert!(scored.ok().contains(",'=Lead,"), "{}", scored.stdout);
}

#[test]
fn rejected_rows_are_defused_too() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.csv");
    let run = rolefit_stdin(
        &[
            "score",
            "--on-error",
            "skip",
            "--rejects",
            rejects.to_str().unwrap(),
            "--format",
            "csv",
        ],
        "respondent,Q01\n=cmd,x\nok,4\n",
    );
    run.ok();
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(text.lines().nth(1).unwrap().ends_with(",'=cmd,x"), "{text}");
}
