//! Bad input and usage: exit 2, a message naming file, line and column, no
//! panic; other failures exit 1.

use std::io::Read;
use std::process::Stdio;

use crate::util::{command, rolefit, rolefit_stdin, write};

#[test]
fn a_malformed_matrix_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "m.csv",
        "role,Planning,Budget\nLead,3,4\nAnalyst,2,lots\n",
    );
    for args in [
        vec!["matrix", "check", m.as_str()],
        vec!["roles", "--matrix", m.as_str()],
        vec!["score", "--matrix", m.as_str(), "datasets/sample-profiles.csv"],
    ] {
        let err = rolefit(&args).bad_input().to_string();
        assert!(err.contains("m.csv"), "{err}");
        assert!(err.contains(":3"), "line 3: {err}");
        assert!(err.contains("Budget") && err.contains("lots"), "{err}");
    }
}

#[test]
fn levels_outside_the_scale_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "long.csv",
        "role,capability,level,importance\nLead,Planning,3,1\nLead,Budget,9,1\n",
    );
    let err = rolefit(&["matrix", "check", &m]).bad_input().to_string();
    assert!(err.contains("long.csv:3") && err.contains('9'), "{err}");
    let ok = rolefit(&["matrix", "check", &m, "--matrix-scale", "0..10"]);
    assert!(ok.ok().contains("ok:"));
}

#[test]
fn malformed_responses_name_file_line_column_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(dir.path(), "r.csv", "respondent,Q01,Q02\na,4,5\nb,3,agreee\n");
    let err = rolefit(&["score", &r]).bad_input().to_string();
    assert!(err.contains("r.csv:3"), "{err}");
    assert!(err.contains("Q02") && err.contains("agreee"), "{err}");
    assert!(err.contains("Strongly agree"), "lists the accepted labels: {err}");

    let ragged = rolefit_stdin(&["score"], "respondent,Q01,Q02\na,4\n");
    assert!(ragged.bad_input().contains("<stdin>:2"), "{}", ragged.stderr);

    let out_of_range = rolefit_stdin(&["score"], "respondent,Q01\na,7\n");
    assert!(out_of_range.bad_input().contains('7'));

    let nan = rolefit_stdin(&["score"], "respondent,Q01\na,NaN\n");
    assert!(nan.bad_input().contains("NaN"));
}

#[test]
fn unknown_columns_are_listed_with_suggestions() {
    let err = rolefit_stdin(&["score"], "respondent,Risk Managment,Q01\na,4,5\n");
    let text = err.bad_input();
    assert!(
        text.contains("Risk Managment") && text.contains("Risk Management"),
        "{text}"
    );
    assert!(text.contains("--ignore-unknown-columns"), "{text}");
    let ok = rolefit_stdin(
        &[
            "score",
            "--ignore-unknown-columns",
            "--min-answered",
            "0",
            "--format",
            "csv",
        ],
        "respondent,Risk Managment,Q01\na,4,5\n",
    );
    assert!(ok.ok().starts_with("respondent,rank,role,score"));
}

#[test]
fn usage_mistakes_exit_2() {
    let e = rolefit(&[
        "score",
        "datasets/sample-responses.csv",
        "--strategy",
        "eucledian",
    ]);
    let text = e.bad_input();
    assert!(
        text.contains("unknown strategy") && text.contains("euclidean"),
        "{text}"
    );
    rolefit(&["score", "--top", "0"]).bad_input();
    rolefit(&["score", "--format", "yaml"]).bad_input();
    rolefit(&["frobnicate"]).bad_input();
    let missing = rolefit(&["score", "no/such/file.csv"]);
    assert!(missing.bad_input().contains("no/such/file.csv"));
    let scale = rolefit(&["roles", "--matrix-scale", "0..7"]);
    assert!(scale.bad_input().contains("--matrix"));
}

#[test]
fn empty_and_header_only_inputs() {
    let empty = rolefit_stdin(&["score"], "");
    assert!(empty.bad_input().contains("empty"), "{}", empty.stderr);
    // A header and no rows: no respondents, and nothing on standard output.
    let header_only = rolefit_stdin(&["score", "--format", "csv"], "respondent,Q01,Q02\n");
    assert!(
        header_only.bad_input().contains("<stdin>: no respondents"),
        "{}",
        header_only.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", "role,A,B\n");
    rolefit(&["matrix", "check", &m]).bad_input();
}

#[test]
fn a_failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(dir.path(), "r.csv", "respondent,Q01\na,4\nb,oops\n");
    let target = dir.path().join("out.csv");
    std::fs::write(&target, "previous").unwrap();
    rolefit(&["score", &r, "-o", target.to_str().unwrap()]).bad_input();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left behind: {names:?}");
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let mut csv = String::from(
        "respondent,Q01,Q02,Q03,Q04,Q05,Q06,Q07,Q08,Q09,Q10,Q11,Q12,Q13,Q14,Q15,Q16,Q17,Q18,Q19,Q20,Q21\n",
    );
    for i in 0..50_000 {
        csv.push_str(&format!("r{i},1,2,3,4,5,4,3,2,1,2,3,4,5,4,3,2,1,2,3,4,5\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "big.csv", &csv);
    let mut child = command(&["score", &input, "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}
