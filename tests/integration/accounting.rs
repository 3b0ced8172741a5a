//! Nothing is dropped silently (issue 13): ignored columns are listed, a
//! file with no respondents is an error for every command, rejected CRLF
//! lines keep their fields exactly, and `-o FILE` means the same format
//! in every command.

use crate::util::{parse_csv, rolefit, write};

const ROWS: &str = "respondent,Q01,Q02,Q03,Q04,Q05,Q06,Q07,Q08,Q09,Q10\n\
                    r1,1,1,1,1,1,1,1,1,1,1\n\
                    r2,2,2,2,2,2,2,2,2,2,2\n\
                    r3,3,3,3,3,3,3,3,3,3,3\n\
                    r4,4,4,4,4,4,4,4,4,4,4\n\
                    r5,5,5,5,5,5,5,5,5,5,5\n\
                    r6,4,3,4,3,4,3,4,3,4,3\n";

#[test]
fn ignored_columns_are_listed_in_a_note_that_suggests_the_id_column() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(
        dir.path(),
        "r.csv",
        "EmployeeID,Q01,Q02,notes,c1,c2,c3,c4,c5\nE1,3,4,hi,,,,,\nE2,2,2,,,,,,\n",
    );
    let run = rolefit(&[
        "score",
        &r,
        "--min-answered",
        "0",
        "--ignore-unknown-columns",
        "-f",
        "csv",
    ]);
    run.ok();
    assert!(
        run.stderr.contains(
            "r.csv: 7 columns ignored (--ignore-unknown-columns): \"EmployeeID\", \"notes\", \"c1\", \"c2\" and 3 more; \
             respondents are numbered by row, and \"EmployeeID\" looks like their ids: if it holds them, pass \
             --id-column \"EmployeeID\""
        ),
        "{}",
        run.stderr
    );
    // Without the flag, the error suggests the same.
    let err = rolefit(&["score", &r]).bad_input().to_string();
    assert!(err.contains("pass --id-column \"EmployeeID\""), "{err}");
    // The batch commands print the same note.
    let run = rolefit(&["cluster", &r, "--ignore-unknown-columns", "--clusters", "1"]);
    assert!(run.stderr.contains("7 columns ignored"), "{}", run.stderr);
}

#[test]
fn a_header_without_rows_is_no_respondents_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(dir.path(), "empty.csv", "respondent,Q01,Q02\n");
    let labels = write(dir.path(), "labels.csv", "respondent,role\n");
    let expected = "empty.csv: no respondents: the file has a header but no data rows";
    for args in [
        vec!["score", &r],
        vec!["score", &r, "-f", "csv"],
        vec!["cluster", &r],
        vec!["explain", &r, "--target", "Product Manager"],
        vec!["evaluate", &r, "--labels", &labels],
        vec!["train", &r, "--labels", &labels],
    ] {
        let run = rolefit(&args);
        let err = run.bad_input();
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let out = dir.path().join("report.html");
    let err = rolefit(&["report", &r, "-o", out.to_str().unwrap()])
        .bad_input()
        .to_string();
    assert!(err.contains(expected), "{err}");
    assert!(!out.exists());
}

#[test]
fn rejected_crlf_lines_keep_their_fields_without_the_carriage_return() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(
        dir.path(),
        "crlf.csv",
        "respondent,Q01,Q02,Q03\r\nR1,3,4\r\nR2,3,4,1\r\nR3,2,x,1\r\n",
    );
    let rejects = dir.path().join("rejects.csv");
    rolefit(&[
        "score",
        &r,
        "--on-error",
        "skip",
        "--rejects",
        rejects.to_str().unwrap(),
        "--min-answered",
        "0",
        "-q",
    ])
    .ok();
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(!text.contains('\r'), "{text:?}");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(header, ["line", "reason", "respondent", "Q01", "Q02", "Q03"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2..], ["R1", "3", "4"]);
    assert_eq!(rows[1][2..], ["R3", "2", "x", "1"]);
}

#[test]
fn the_extension_of_o_chooses_the_format_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(dir.path(), "r.csv", ROWS);
    let sample = "datasets/sample-responses.csv";
    let labels = "datasets/sample-responses.labels.csv";
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    // A spreadsheet extension is refused before anything is read or written.
    let xlsx = path("scores.xlsx");
    let err = rolefit(&["score", &r, "-o", &xlsx]).bad_input().to_string();
    assert!(
        err.contains("rolefit score cannot write .xlsx files; it writes .csv"),
        "{err}"
    );
    assert!(!std::path::Path::new(&xlsx).exists());
    // cluster -o x.csv writes the assignments as CSV, -o x.json JSON.
    let csv = path("cl.csv");
    rolefit(&["cluster", &r, "--clusters", "2", "-o", &csv]).ok();
    let (header, rows) = parse_csv(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(header, ["respondent", "cluster"]);
    assert_eq!(rows.len(), 6);
    let json = path("cl.json");
    rolefit(&["cluster", &r, "--clusters", "2", "-o", &json]).ok();
    let _: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // evaluate -o e.json writes JSON, e.md Markdown; --format wins.
    let evaluate = |out: &str, more: &[&str]| {
        let mut args = vec![
            "evaluate",
            sample,
            "--labels",
            labels,
            "--strategies",
            "euclidean",
            "--folds",
            "2",
            "-o",
            out,
        ];
        args.extend_from_slice(more);
        rolefit(&args).ok();
        std::fs::read_to_string(out).unwrap()
    };
    let json_text = evaluate(&path("e.json"), &[]);
    let _: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    assert!(evaluate(&path("e.md"), &[]).contains("| "));
    let forced = evaluate(&path("e.out"), &["-f", "json"]);
    let _: serde_json::Value = serde_json::from_str(&forced).unwrap();
    // explain -o x.csv writes CSV.
    let x = path("x.csv");
    rolefit(&["explain", &r, "--target", "Product Manager", "-o", &x]).ok();
    assert!(std::fs::read_to_string(&x).unwrap().starts_with("respondent,"));
    // Fixed-format outputs refuse another extension.
    let err = rolefit(&["score", &r, "--plot", &path("p.png")])
        .bad_input()
        .to_string();
    assert!(err.contains("this output is an SVG picture, not .png"), "{err}");
}
