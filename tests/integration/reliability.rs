//! Guarantees of issue 8 that the other modules don't already cover: CSV
//! cells are safe to open in a spreadsheet (interrupted runs: `files.rs`).

use crate::util::{parse_csv, rolefit, rolefit_stdin, write};

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
