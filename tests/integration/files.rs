//! Files are never destroyed (issue 13): an output that is an input, or two
//! outputs that are one file, are refused before anything is read; a run
//! that fails leaves every output as it was; every catchable signal and a
//! panic remove the temporary files; write errors name the target; a
//! message that cannot be shown does not change the exit status.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{command, rolefit, write};

const HEADER: &str = "respondent,Q01,Q02,Q03,Q04,Q05,Q06,Q07,Q08,Q09,Q10\n";

fn responses(dir: &Path) -> String {
    let mut text = String::from(HEADER);
    for i in 0..6 {
        let v = 1 + i % 5;
        text.push_str(&format!("r{i},{v},{v},{v},{v},{v},{v},{v},{v},{v},{v}\n"));
    }
    write(dir, "responses.csv", &text)
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let before = std::fs::read_to_string(&r).unwrap();
    let labels = write(dir.path(), "labels.csv", "respondent,role\nr0,Project Manager\n");
    let matrix = write(
        dir.path(),
        "matrix.csv",
        "role,Planning,Budget\nLead,4,3\nAnalyst,2,5\n",
    );
    let answers = write(dir.path(), "answers.csv", "respondent,Q01\nme,3\n");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["score", &r, "-o", &r],
            format!("-o would overwrite the input {r}"),
        ),
        (
            vec!["score", &r, "--on-error", "skip", "--rejects", &r],
            format!("--rejects would overwrite the input {r}"),
        ),
        (
            vec!["score", &r, "--plot", &matrix, "--matrix", &matrix],
            format!("--plot would overwrite the input {matrix} (the matrix)"),
        ),
        (
            vec!["evaluate", &r, "--labels", &labels, "-o", &labels],
            format!("-o would overwrite the input {labels} (the labels)"),
        ),
        (
            vec!["train", &r, "--labels", &labels, "-o", &r],
            format!("-o would overwrite the input {r}"),
        ),
        (
            vec!["cluster", &r, "--plot", &r],
            format!("--plot would overwrite the input {r}"),
        ),
        (
            vec!["report", &r, "-o", &r],
            format!("-o would overwrite the input {r}"),
        ),
        (
            vec![
                "synth",
                "responses",
                "--rows",
                "3",
                "--matrix",
                &matrix,
                "-o",
                &matrix,
            ],
            format!("-o would overwrite the input {matrix} (the matrix)"),
        ),
        (
            vec!["assess", "--answers", &answers, "--save", &answers],
            format!("--save would overwrite the input {answers} (the answers)"),
        ),
    ];
    for (args, expected) in cases {
        let run = rolefit(&args);
        let err = run.bad_input();
        assert!(
            err.starts_with(&format!("error: {expected}; write the output to another file")),
            "{args:?}: {err}"
        );
        assert!(!err.contains("rows read"), "refused before reading: {err}");
        assert_eq!(std::fs::read_to_string(&r).unwrap(), before, "{args:?}");
    }
    assert_eq!(
        names(dir.path()),
        ["answers.csv", "labels.csv", "matrix.csv", "responses.csv"]
    );
}

#[test]
fn an_output_that_is_the_redirected_standard_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let before = std::fs::read_to_string(&r).unwrap();
    let out = command(&["score", "--format", "csv", "-o", &r])
        .stdin(std::fs::File::open(&r).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("-o would overwrite the input on standard input"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&r).unwrap(), before);
}

#[test]
fn two_outputs_that_are_one_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let out = dir.path().join("out.csv");
    let o = out.to_str().unwrap();
    let err = rolefit(&["score", &r, "-o", o, "--on-error", "skip", "--rejects", o])
        .bad_input()
        .to_string();
    assert!(
        err.contains(&format!(
            "-o and --rejects both name {o}; give each output its own file"
        )),
        "{err}"
    );
    let err = rolefit(&["cluster", &r, "-o", o, "--plot", o])
        .bad_input()
        .to_string();
    assert!(err.contains("-o and --plot both name"), "{err}");
    let labels = dir.path().join("./out.csv");
    let err = rolefit(&[
        "synth",
        "responses",
        "--rows",
        "3",
        "-o",
        o,
        "--labels",
        labels.to_str().unwrap(),
    ])
    .bad_input()
    .to_string();
    assert!(err.contains("-o and --labels both name"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_run_in_which_every_row_is_rejected_leaves_every_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(
        dir.path(),
        "bad.csv",
        &format!("{HEADER}r1,9,9,9,9,9,9,9,9,9,9\n"),
    );
    let out = write(dir.path(), "out.csv", "old results");
    let rejects = dir.path().join("rejects.csv");
    let run = rolefit(&["score", &r, "--on-error", "skip", "-o", &out]);
    let err = run.bad_input();
    assert!(
        err.contains("the one row of") && err.contains("so nothing was written; the first: "),
        "{err}"
    );
    assert!(err.contains("\"9\" is outside the response scale"), "{err}");
    assert!(!err.contains("rejects file"), "no --rejects was given: {err}");
    let run = rolefit(&[
        "score",
        &r,
        "--on-error",
        "skip",
        "-o",
        &out,
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    run.bad_input();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old results");
    assert!(!rejects.exists());
    assert_eq!(
        names(dir.path()),
        ["bad.csv", "out.csv"],
        "no temporary file left"
    );
}

#[cfg(unix)]
#[test]
fn an_output_through_a_symbolic_link_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let real = write(dir.path(), "real.csv", "old");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    rolefit(&["score", &r, "-o", link.to_str().unwrap(), "-q"]).ok();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().starts_with("respondent,"));
}

#[test]
fn write_errors_name_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let run = rolefit(&["score", &r, "-o", "/no/such/folder/out.csv"]);
    assert_eq!(
        run.bad_input().trim_end(),
        "error: cannot write /no/such/folder/out.csv: No such file or directory (os error 2)"
    );
}

/// `ulimit -f` makes the kernel refuse writes past a size, as a full disk
/// does: the error names the output, not the temporary file, and no
/// temporary file is left (SIGXFSZ is caught, so the write fails instead of
/// the process dying).
#[cfg(unix)]
#[test]
fn a_file_size_limit_fails_the_run_cleanly_and_names_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.csv");
    let script = format!(
        "ulimit -f 4 && exec \"$0\" synth responses --rows 5000 -o '{}'",
        out.display()
    );
    let result = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_rolefit")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("cannot write {}: File too large", out.display())),
        "{err}"
    );
    assert!(!err.contains(".rolefit-"), "{err}");
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

/// Starts `score` reading a pipe that stays open, so that the run is
/// certainly still going; returns once its temporary output file exists.
#[cfg(unix)]
fn score_that_waits_for_input(dir: &Path, target: &Path) -> std::process::Child {
    let mut child = command(&["score", "--format", "csv", "-q", "-o"])
        .arg(target)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut text = String::from(HEADER);
    // More than one read chunk (128 KiB), so that scoring has begun.
    for i in 0..20_000 {
        text.push_str(&format!("r{i},1,2,3,4,5,1,2,3,4,5\n"));
    }
    child.stdin.as_mut().unwrap().write_all(text.as_bytes()).unwrap();
    // Wait (bounded, not timed) for the temporary file to appear.
    for _ in 0..6000 {
        if names(dir).iter().any(|n| n.starts_with(".rolefit-")) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no temporary file appeared: {:?}", names(dir));
}

#[cfg(unix)]
#[test]
fn every_catchable_ending_signal_removes_the_temporary_files() {
    for signal in ["INT", "TERM", "HUP", "USR1", "USR2", "ALRM", "XCPU"] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("scores.csv");
        std::fs::write(&target, "previous results").unwrap();
        let mut child = score_that_waits_for_input(dir.path(), &target);
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}");
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "previous results",
            "SIG{signal}: the old file is untouched"
        );
        assert_eq!(
            names(dir.path()),
            ["scores.csv"],
            "SIG{signal}: no temporary file"
        );
    }
}

/// A panic (here forced by a debug-build failure point once the output is
/// complete) removes the temporary files, also with standard error closed.
#[cfg(unix)]
#[test]
fn a_panic_with_standard_error_closed_removes_the_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    std::fs::write(&target, "previous results").unwrap();
    let script = format!(
        "exec 2>&- && exec \"$0\" synth responses --rows 50 -o '{}'",
        target.display()
    );
    let status = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_rolefit")])
        .env("ROLEFIT_TEST_PANIC_ON_FINISH", "1")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(101));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous results");
    assert_eq!(names(dir.path()), ["out.csv"], "no temporary file left");
}

/// With standard error closed, the first file rolefit opens would get its
/// descriptor: messages must not end up in an output file.
#[cfg(unix)]
#[test]
fn messages_never_go_into_an_output_when_standard_error_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let out = dir.path().join("out.csv");
    let script = format!("exec 2>&- && exec \"$0\" score '{r}' -o '{}'", out.display());
    let status = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_rolefit")])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("rows read"), "{text}");
}

/// A message that cannot be written (a full device, a closed pipe) does not
/// change the exit status: 2 stays 2, 0 stays 0, never 101.
#[cfg(unix)]
#[test]
fn an_unwritable_standard_error_keeps_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let r = responses(dir.path());
    let bin = env!("CARGO_BIN_EXE_rolefit");
    let status = |script: &str| {
        Command::new("sh")
            .args(["-c", script, bin])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .code()
    };
    assert_eq!(status("exec \"$0\" score /no/such.csv 2>/dev/full"), Some(2));
    assert_eq!(status(&format!("exec \"$0\" score '{r}' 2>/dev/full")), Some(0));
    // A pipe whose reader has gone.
    let mut child = command(&["score", "/no/such.csv"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}
