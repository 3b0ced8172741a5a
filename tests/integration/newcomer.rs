//! What a newcomer meets first (issue 20): messages that say which
//! argument a file belongs to, plurals, near file names, and the score
//! table fitted to the terminal's width.

use std::process::{Command, Stdio};

use crate::util::{command, have_script, rolefit};

/// `rolefit ARGS` with `COLUMNS=width`: its exit status, stdout, stderr.
fn with_columns(width: &str, args: &[&str]) -> (i32, String, String) {
    let out = command(args)
        .env("COLUMNS", width)
        .output()
        .expect("rolefit runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The role columns of a compact score table: the `#N` cells of its
/// header, which may wrap over several lines.
fn role_columns(table: &str) -> usize {
    table
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('╞'))
        .map(|l| l.split('┆').filter(|cell| cell.trim().starts_with('#')).count())
        .sum()
}

#[test]
fn a_one_row_file_reads_1_row() {
    let run = rolefit(&["score", "examples/first-steps/ana.csv"]);
    run.ok();
    let err = &run.stderr;
    assert!(err.contains("ana.csv: 1 row read, 1 scored, 0 rejected"), "{err}");
    let run = rolefit(&[
        "score",
        "examples/first-steps/team.csv",
        "--matrix",
        "examples/first-steps/matrix.csv",
    ]);
    assert!(
        run.stderr.contains("team.csv: 3 rows read, 3 scored"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_role_with_one_capability_has_1_capability() {
    let dir = tempfile::tempdir().unwrap();
    let m = crate::util::write(
        dir.path(),
        "m.csv",
        "role,capability,level,importance\nA,x,3,1\nA,y,2,0\nB,y,2,1\nB,x,1,1\n",
    );
    let run = rolefit(&["matrix", "check", &m]);
    let out = run.ok();
    assert!(
        out.contains("  - A: 1 capability, importance-weighted mean level 3\n"),
        "{out}"
    );
    assert!(out.contains("  - B: 2 capabilities,"), "{out}");
    let run = rolefit(&["roles", "--matrix", &m]);
    assert!(run.ok().contains(": 2 roles x 2 capabilities"), "{}", run.stdout);
}

#[test]
fn the_built_in_matrix_is_labelled_built_in_once() {
    let run = rolefit(&["roles"]);
    run.ok();
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Roles guide (built-in): 4 roles x 20 capabilities, levels on 1..5"),
        "{first}"
    );
    assert!(!first.contains("(built-in) (built-in)"), "{first}");
    // A matrix file keeps its source in parentheses.
    let run = rolefit(&["roles", "--matrix", "examples/first-steps/matrix.csv"]);
    run.ok();
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("(examples/first-steps/matrix.csv): 2 roles x 3 capabilities"),
        "{first}"
    );
}

#[test]
fn a_missing_file_with_a_near_name_beside_it_is_suggested() {
    let err = rolefit(&["score", "datasets/sample-response.csv"])
        .bad_input()
        .to_string();
    assert_eq!(
        err.trim_end(),
        "error: cannot read responses datasets/sample-response.csv: No such file or directory (os error 2); \
         did you mean datasets/sample-responses.csv?"
    );
    // Case differs: still the same name.
    let err = rolefit(&["score", "datasets/Sample-Responses.csv"])
        .bad_input()
        .to_string();
    assert!(
        err.contains("did you mean datasets/sample-responses.csv?"),
        "{err}"
    );
    // Nothing near: no suggestion.
    let err = rolefit(&["score", "datasets/zzzz.csv"]).bad_input().to_string();
    assert!(!err.contains("did you mean"), "{err}");
    let err = rolefit(&["roles", "--matrix", "examples/first-steps/matrx.csv"])
        .bad_input()
        .to_string();
    assert!(
        err.contains("cannot read role matrix examples/first-steps/matrx.csv")
            && err.contains("did you mean examples/first-steps/matrix.csv?"),
        "{err}"
    );
}

#[test]
fn responses_given_as_the_matrix_are_named_for_what_they_are() {
    let err = rolefit(&[
        "score",
        "examples/first-steps/matrix.csv",
        "--matrix",
        "datasets/sample-responses.csv",
    ])
    .bad_input()
    .to_string();
    assert!(
        err.contains("datasets/sample-responses.csv:1: the header"),
        "{err}"
    );
    assert!(
        err.contains("fits neither role matrix layout: it looks like a responses file (a respondent column, then answers), which is scored as INPUT (`rolefit score FILE`), not given as the role matrix (--matrix)"),
        "{err}"
    );
    // A header that is neither gets no such guess.
    let dir = tempfile::tempdir().unwrap();
    let m = crate::util::write(dir.path(), "m.csv", "name,Planning\nLead,3\n");
    let err = rolefit(&["roles", "--matrix", &m]).bad_input().to_string();
    assert!(!err.contains("responses"), "{err}");
}

#[test]
fn a_matrix_given_as_the_responses_is_named_for_what_it_is() {
    for matrix in ["examples/first-steps/matrix.csv", "tests/docs/ex-matrix.csv"] {
        let err = rolefit(&["score", matrix]).bad_input().to_string();
        assert!(
            err.contains(&format!(
                "{matrix}:1: this looks like a role matrix (its first column is `role`), not responses: a role matrix is given with --matrix FILE; expected responses as INPUT"
            )),
            "{err}"
        );
    }
}

#[test]
fn assess_with_an_own_matrix_and_the_built_in_survey_suggests_survey() {
    let err = rolefit(&[
        "assess",
        "--matrix",
        "examples/first-steps/matrix.csv",
        "--answers",
        "examples/first-steps/team.csv",
    ])
    .bad_input()
    .to_string();
    assert!(err.contains("the survey does not fit the role matrix"), "{err}");
    assert!(
        err.contains("the built-in survey measures the built-in matrix's capabilities: give a survey of statements about your matrix's capabilities with --survey FILE"),
        "{err}"
    );
}

#[test]
fn a_command_run_with_no_input_on_a_terminal_shows_its_own_example() {
    if !have_script() {
        return;
    }
    for (args, example) in [
        ("cluster", "`rolefit cluster datasets/sample-responses.csv`"),
        ("score", "`rolefit score datasets/sample-responses.csv`"),
        (
            "report -o r.html",
            "`rolefit report datasets/sample-responses.csv -o report.html`",
        ),
    ] {
        let line = format!("exec {} {args}", env!("CARGO_BIN_EXE_rolefit"));
        let out = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .current_dir(crate::util::root())
            .stdin(Stdio::null())
            .output()
            .expect("script runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{args}: {text}");
        assert!(
            text.contains(&format!(
                "no responses given: name a file, or pipe one in (for example {example})"
            )),
            "{args}: {text}"
        );
    }
}

#[test]
fn score_without_top_fits_its_table_to_the_width() {
    let sample = "datasets/sample-responses.csv";
    for (width, roles) in [("80", 1), ("100", 2), ("200", 4)] {
        let (code, out, err) = with_columns(width, &["score", sample]);
        assert_eq!(code, 0, "{err}");
        let limit: usize = width.parse().unwrap();
        for line in out.lines() {
            assert!(line.chars().count() <= limit, "wider than {width}: {line}");
        }
        assert_eq!(role_columns(&out), roles, "at {width}:\n{out}");
        let note = format!(
            "note: the table shows {roles} of the 4 ranked roles to fit {width} columns: {} left out; --top 4 shows {} (wrapped), --format csv or json keeps every column",
            if 4 - roles == 1 { "1 role is".to_string() } else { format!("{} roles are", 4 - roles) },
            if 4 - roles == 1 { "it" } else { "them" },
        );
        assert_eq!(err.contains(&note), roles < 4, "at {width}: {err}");
    }
    // A narrow terminal: one role column, its cells wrapped to fit.
    let (_, out, _) = with_columns("60", &["score", sample]);
    assert_eq!(role_columns(&out), 1, "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 60), "{out}");
}

#[test]
fn top_a_file_and_csv_keep_every_role() {
    let sample = "datasets/sample-responses.csv";
    let (_, out, err) = with_columns("80", &["score", sample, "--top", "4"]);
    assert_eq!(role_columns(&out), 4, "{out}");
    assert!(!err.contains("note: the table shows"), "{err}");
    let (_, out, _) = with_columns("80", &["score", sample, "--format", "csv"]);
    let r001: Vec<&str> = out.lines().filter(|l| l.starts_with("R001,")).collect();
    assert_eq!(r001.len(), 4, "{out}");
    let (_, out, _) = with_columns("80", &["score", sample, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["ranking"].as_array().map(Vec::len), Some(4), "{out}");
    // Piped with no COLUMNS: the table's natural width.
    let out = command(&["score", sample])
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    assert_eq!(role_columns(&String::from_utf8_lossy(&out.stdout)), 4);
    // Written to a file: every role, whatever the terminal.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scores.txt");
    let (code, _, err) = with_columns("80", &["score", sample, "-o", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("note: the table shows"), "{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(role_columns(&text), 4, "{text}");
    assert!(
        text.lines().any(|l| l.chars().count() > 80),
        "natural width:\n{text}"
    );
}
