//! Real survey exports as they come (issue 14): small hand-made files in
//! each tool's exact layout under `tests/exports/real/`, with the answers
//! real exports carry ("Don't know"), mixed scales, other file formats and
//! damaged heads.

use crate::util::{parse_csv, rolefit};

const DIR: &str = "tests/exports/real";

/// `score FILE --survey tests/exports/real/survey.csv` with `extra`, as CSV.
fn score(file: &str, extra: &[&str]) -> crate::util::Run {
    score_with(file, "survey.csv", extra)
}

/// Each respondent's number of capabilities answered (once per
/// respondent, whatever `--top`).
fn answered(stdout: &str) -> Vec<(String, String)> {
    let (header, rows) = parse_csv(stdout);
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id, answered) = (at("respondent"), at("answered"));
    let mut out: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[id].clone(), r[answered].clone()))
        .collect();
    out.dedup();
    out
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

/// `score` on FILE with the survey SURVEY (both in tests/exports/real), as CSV.
fn score_with(file: &str, survey: &str, extra: &[&str]) -> crate::util::Run {
    let path = format!("{DIR}/{file}");
    let survey = if survey.contains('/') {
        survey.to_string()
    } else {
        format!("{DIR}/{survey}")
    };
    let mut args = vec![
        "score",
        path.as_str(),
        "--survey",
        survey.as_str(),
        "--format",
        "csv",
        "--top",
        "4",
        "--min-answered",
        "0.1",
    ];
    args.extend_from_slice(extra);
    rolefit(&args)
}

#[test]
fn mixed_scales_are_each_mapped_from_their_own_range() {
    // 1..5 and 1..7 grids, a 0..10 item and a grid Qualtrics numbered
    // from "Strongly agree" (fixed by `reverse`), against the same answers
    // written on 1..5 by hand.
    // The plain file's capability columns ignore the survey.
    let plain = score("mixed-scales-plain.csv", &[]);
    let expected = plain.ok();
    let numeric = score_with("qualtrics-mixed-scales.csv", "qualtrics-survey.csv", &[]);
    assert_eq!(numeric.ok(), expected);
    // The choice-text export needs no `reverse`: its labels say what the
    // numbers do not.
    let text = score_with(
        "qualtrics-mixed-scales-text.csv",
        "qualtrics-survey-text.csv",
        &[],
    );
    assert_eq!(text.ok(), expected);
}

#[test]
fn a_value_beyond_the_scale_suggests_the_range_seen() {
    let dir = tempfile::tempdir().unwrap();
    let survey = std::fs::read_to_string(format!("{DIR}/qualtrics-survey.csv")).unwrap();
    let no_scales: String = survey
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let path = crate::util::write(dir.path(), "survey.csv", &no_scales);
    let e = score_with("qualtrics-mixed-scales.csv", &path, &[])
        .bad_input()
        .to_string();
    assert!(
        e.contains(
            "qualtrics-mixed-scales.csv:4: column 12 \"Q2_1\": \"7\" is outside the response scale; expected a \
             number from 1 to 5"
        ) && e.contains(
            "(1 to 7 seen in this column: is it a 1..7 scale? give the item the scale 1..7 in the survey \
             definition's scale column, or pass --scale 1..7 for every column)"
        ),
        "{e}"
    );
}

/// `score FILE -f csv --top 4` on a file of tests/exports (not real/).
fn score_export(path: &str, extra: &[&str]) -> crate::util::Run {
    let mut args = vec!["score", path, "--format", "csv", "--top", "4"];
    args.extend_from_slice(extra);
    rolefit(&args)
}

#[test]
fn workbooks_and_utf16_score_as_their_csv_does() {
    // Microsoft Forms' own download is a workbook.
    let csv = score_export("tests/exports/ms-forms.csv", &[]);
    let xlsx = score_export("tests/exports/real/ms-forms.xlsx", &[]);
    assert_eq!(xlsx.ok(), csv.ok());
    // A notes sheet first: refused naming the sheets; --sheet picks one.
    let e = score_export("tests/exports/real/notes-first.xlsx", &[])
        .bad_input()
        .to_string();
    assert!(
        e.contains("notes-first.xlsx:1: the first sheet, \"About this export\", holds no table")
            && e.contains("\"About this export\", \"Responses\""),
        "{e}"
    );
    let sheet = score_export("tests/exports/real/notes-first.xlsx", &["--sheet", "Responses"]);
    assert_eq!(sheet.ok(), csv.ok());
    // Excel's "Unicode text": UTF-16 with a byte order mark.
    let options = ["--ignore-unknown-columns"];
    let tsv = score_export("tests/exports/qualtrics-text.tsv", &options);
    let utf16 = score_export("tests/exports/real/qualtrics-text-utf16.tsv", &options);
    assert_eq!(utf16.ok(), tsv.ok());
}

#[test]
fn binary_files_are_named_not_dumped() {
    for (file, what) in [
        (
            "plain-utf16-no-bom.csv",
            "this is UTF-16 text without a byte order mark, not CSV text",
        ),
        (
            "plain.csv.gz",
            "this is a gzip-compressed file (.gz), not CSV text",
        ),
        ("responses.parquet", "it is not a readable Parquet file"),
    ] {
        let e = score_export(&format!("{DIR}/{file}"), &[])
            .bad_input()
            .to_string();
        assert!(e.contains(what), "{file}: {e}");
        assert!(!e.contains('\u{FFFD}') && !e.contains('\0'), "{file}: {e}");
    }
    // A workbook where a survey definition belongs.
    let e = rolefit(&[
        "score",
        "tests/exports/plain.csv",
        "--survey",
        "tests/exports/real/ms-forms.xlsx",
    ])
    .bad_input()
    .to_string();
    assert!(
        e.contains("this is an Excel workbook (or another zip file), not CSV text"),
        "{e}"
    );
}

#[test]
fn detection_falls_back_on_damaged_heads() {
    // SurveyMonkey without its Collector ID column; Typeform without its
    // trailing metadata; Qualtrics' legacy format: each scores as the
    // file it was cut from.
    let monkey = score("surveymonkey-no-collector.csv", &[]);
    assert!(
        monkey.stderr.contains("a SurveyMonkey export (2 header rows)"),
        "{}",
        monkey.stderr
    );
    let full = score("surveymonkey-dont-know.csv", &["--missing-labels", "Skipped"]);
    assert_eq!(answered(monkey.ok()).len(), answered(full.ok()).len());
    let typeform = score("typeform-no-metadata.csv", &[]);
    assert!(
        typeform.stderr.contains("a Typeform export (1 header row)"),
        "{}",
        typeform.stderr
    );
    assert_eq!(answered(typeform.ok()).len(), 3);
    let legacy = score_with("qualtrics-legacy.csv", "qualtrics-survey.csv", &[]);
    assert!(
        legacy
            .stderr
            .contains("a Qualtrics (legacy format) export (2 header rows)"),
        "{}",
        legacy.stderr
    );
    let numeric = score_with("qualtrics-mixed-scales.csv", "qualtrics-survey.csv", &[]);
    assert_eq!(legacy.ok(), numeric.ok());
    // A head that fits no layout names the tool it resembles.
    let e = score("surveymonkey-one-header-row.csv", &[])
        .bad_input()
        .to_string();
    assert!(
        e.contains(
            "this file resembles a SurveyMonkey export (it has a \"Respondent ID\" column) but its header rows are \
             not that tool's as rolefit knows them: if it is one, try --source surveymonkey"
        ),
        "{e}"
    );
}

#[test]
fn repeated_names_of_skipped_columns_are_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::util::write(
        dir.path(),
        "r.csv",
        "respondent,L1,Other (please specify),C1,Other (please specify)\nr1,4,x,5,y\n",
    );
    let survey = format!("{DIR}/survey.csv");
    let args = [
        "score",
        file.as_str(),
        "--survey",
        &survey,
        "--min-answered",
        "0.1",
        "-f",
        "csv",
    ];
    let e = rolefit(&args).bad_input().to_string();
    assert!(e.contains("has the same name as column 3"), "{e}");
    let run = rolefit(&[&args[..], &["--ignore-unknown-columns"]].concat());
    assert_eq!(answered(run.ok()), [("r1".to_string(), "2".to_string())]);
    // The user's own survey: no suggestion of the built-in survey's ids.
    let file = crate::util::write(dir.path(), "s.csv", "respondent,L1,Q01x\nr1,4,5\n");
    let e = rolefit(&["score", file.as_str(), "--survey", &survey])
        .bad_input()
        .to_string();
    assert!(e.contains("column 3 \"Q01x\"") && !e.contains("\"Q01\""), "{e}");
}

#[test]
fn a_matrix_keeps_its_scale_through_roles_csv() {
    let dir = tempfile::tempdir().unwrap();
    let ladder = "tests/exports/real/ladder-long.csv";
    // Levels over the assumed scale suggest the range seen.
    let e = rolefit(&["roles", "--matrix", ladder]).bad_input().to_string();
    assert!(
        e.contains("\"8\" is outside the matrix scale 1..5") && e.contains("8 suggests --matrix-scale 1..10"),
        "{e}"
    );
    let first = rolefit(&[
        "roles",
        "--matrix",
        ladder,
        "--matrix-scale",
        "1..10",
        "--format",
        "csv",
    ]);
    let text = first.ok().to_string();
    assert!(
        text.starts_with("# scale: 1..10\nrole,capability,level,importance\n"),
        "{text}"
    );
    let copy = crate::util::write(dir.path(), "copy.csv", &text);
    // Read back without --matrix-scale: the same matrix, the same bytes.
    let again = rolefit(&["roles", "--matrix", &copy, "--format", "csv"]);
    assert_eq!(again.ok(), text);
    let check = rolefit(&["matrix", "check", &copy]);
    assert!(check.ok().contains("scale: 1..10"), "{}", check.stdout);
    // A --matrix-scale that contradicts the file's is refused.
    let e = rolefit(&["roles", "--matrix", &copy, "--matrix-scale", "0..7"])
        .bad_input()
        .to_string();
    assert!(
        e.contains("the file stores the scale 1..10 (its first line), and --matrix-scale says 0..7"),
        "{e}"
    );
}

#[test]
fn evaluate_scores_the_labelled_respondents_and_counts_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let responses = dir.path().join("r.csv").display().to_string();
    let labels = dir.path().join("labels.csv").display().to_string();
    rolefit(&[
        "synth",
        "responses",
        "--rows",
        "40",
        "--seed",
        "3",
        "--labels",
        &labels,
        "-o",
        &responses,
    ])
    .ok();
    // Half the people labelled, under an `employee,title` header.
    let text = std::fs::read_to_string(&labels).unwrap();
    let half: Vec<&str> = text.lines().skip(1).take(20).collect();
    let partial = crate::util::write(
        dir.path(),
        "half.csv",
        &format!("employee,title\n{}\n", half.join("\n")),
    );
    let run = rolefit(&[
        "evaluate",
        &responses,
        "--labels",
        &partial,
        "--strategies",
        "euclidean",
        "-f",
        "json",
    ]);
    let out = run.ok();
    assert!(
        run.stderr.contains(&format!(
            "20 of the 40 respondents have no label in {partial} and are left out; 20 are evaluated"
        )),
        "{}",
        run.stderr
    );
    assert!(out.contains("\"euclidean\""), "{out}");
}

#[test]
fn a_transposed_matrix_is_refused_naming_the_flag_and_read_with_it() {
    let ladder = "tests/exports/real/ladder-transposed.csv";
    let e = rolefit(&["matrix", "check", ladder]).bad_input().to_string();
    assert!(
        e.contains("this wide role matrix looks transposed: its columns are named like roles (Engineer I")
            && e.contains("--transpose"),
        "{e}"
    );
    let run = rolefit(&["roles", "--matrix", ladder, "--transpose", "-f", "csv"]);
    let out = run.ok();
    assert!(
        out.starts_with("role,capability,level,importance\nEngineer I,Coding,3,1\n"),
        "{out}"
    );
    assert!(
        run.stderr.contains("read transposed (--transpose)"),
        "{}",
        run.stderr
    );
    // A wide matrix the right way round is read as it is.
    let dir = tempfile::tempdir().unwrap();
    let wide = crate::util::write(
        dir.path(),
        "wide.csv",
        "role,Communication,Risk Management\nProject Manager,4,4\nProduct Manager,4,2\n",
    );
    rolefit(&["matrix", "check", &wide]).ok();
}
