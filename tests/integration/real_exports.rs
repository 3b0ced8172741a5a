//! Real survey exports as they come (issue 14): small hand-made files in
//! each tool's exact layout under `tests/exports/real/`, with the answers
//! real exports carry ("Don't know"), mixed scales, other file formats and
//! damaged heads.

use crate::util::{parse_csv, rolefit};

const DIR: &str = "tests/exports/real";

/// `score FILE --survey tests/exports/real/survey.csv` with `extra`, as CSV.
fn score(file: &str, extra: &[&str]) -> crate::util::Run {
    let path = format!("{DIR}/{file}");
    let survey = format!("{DIR}/survey.csv");
    let mut args = vec![
        "score",
        path.as_str(),
        "--survey",
        survey.as_str(),
        "--format",
        "csv",
        "--top",
        "1",
        "--min-answered",
        "0.1",
    ];
    args.extend_from_slice(extra);
    rolefit(&args)
}

/// Each respondent's number of capabilities answered.
fn answered(stdout: &str) -> Vec<(String, String)> {
    let (header, rows) = parse_csv(stdout);
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id, answered) = (at("respondent"), at("answered"));
    rows.iter()
        .map(|r| (r[id].clone(), r[answered].clone()))
        .collect()
}

#[test]
fn no_answer_labels_are_missing_and_counted_in_the_summary() {
    let file = "surveymonkey-dont-know.csv";
    // "Skipped" is no built-in label: the error names the flag.
    let e = score(file, &[]).bad_input().to_string();
    assert!(
        e.contains(":5: column 11 ") && e.contains("pass --missing-labels \"Skipped\""),
        "{e}"
    );
    let run = score(file, &["--missing-labels", "Skipped;Not seen"]);
    let counts = answered(run.ok());
    assert_eq!(
        counts,
        [("11437", "4"), ("11438", "4"), ("11439", "4"), ("11440", "4")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(
        run.stderr.contains(
            "7 answers read as missing: \"Don't know\" and other labels that mean no answer (--missing-labels \
             adds labels)"
        ),
        "{}",
        run.stderr
    );
}
