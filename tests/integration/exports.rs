//! Survey-tool exports end to end: the same twelve people's answers
//! (`tests/exports/plain.csv`), exported as Qualtrics (numeric values as
//! CSV, choice text as TSV), SurveyMonkey, Google Forms, Microsoft Forms
//! and Typeform (`tests/exports/generate.py` writes them), score exactly as
//! the plain CSV does; label scales; quality flags.

use crate::util::{parse_csv, rolefit, write};

const DIR: &str = "tests/exports";

/// Each export, the options it needs to score as plain.csv does (its email
/// column as the id; its free-text question skipped), and the tool's own
/// id column's first value.
fn exports() -> Vec<(&'static str, Vec<&'static str>, &'static str)> {
    vec![
        (
            "qualtrics-numeric.csv",
            vec![
                "--survey",
                "tests/exports/qualtrics-survey.csv",
                "--id-column",
                "RecipientEmail",
                "--ignore-unknown-columns",
            ],
            "R_19919Qa00",
        ),
        (
            "qualtrics-text.tsv",
            vec!["--id-column", "RecipientEmail", "--ignore-unknown-columns"],
            "R_19919Qa00",
        ),
        (
            "surveymonkey.csv",
            vec!["--id-column", "Email Address", "--ignore-unknown-columns"],
            "114339403021",
        ),
        (
            "google-forms.csv",
            vec!["--ignore-unknown-columns"],
            "ana.silva@example.org",
        ),
        ("ms-forms.csv", vec!["--id-column", "Email"], "1"),
        (
            "typeform.csv",
            vec!["--id-column", "email", "--ignore-unknown-columns"],
            "t00x000000",
        ),
    ]
}

fn score(file: &str, extra: &[&str]) -> crate::util::Run {
    let path = format!("{DIR}/{file}");
    let mut args = vec!["score", path.as_str(), "--format", "csv", "--top", "4"];
    args.extend_from_slice(extra);
    rolefit(&args)
}

#[test]
fn every_export_scores_exactly_as_the_plain_csv() {
    let plain = score("plain.csv", &[]);
    let expected = plain.ok();
    assert!(expected.lines().count() > 40, "{expected}");
    for (file, options, _) in exports() {
        let run = score(file, &options);
        assert_eq!(run.ok(), expected, "{file}\n{}", run.stderr);
        assert!(
            run.stderr.contains("export ("),
            "{file} names its layout: {}",
            run.stderr
        );
    }
}

#[test]
fn every_layout_is_recognised_and_named_and_takes_its_own_ids() {
    let expected = parse_csv(score("plain.csv", &[]).ok()).1;
    for (file, options, first_id) in exports() {
        // Without --id-column: the tool's own respondent ids, same scores.
        let options: Vec<&str> = options
            .iter()
            .copied()
            .filter(|o| {
                !matches!(
                    *o,
                    "--id-column" | "RecipientEmail" | "Email Address" | "Email" | "email"
                )
            })
            .collect();
        let mut options = options;
        if !options.contains(&"--ignore-unknown-columns") {
            options.push("--ignore-unknown-columns");
        }
        let run = score(file, &options);
        let rows = parse_csv(run.ok()).1;
        assert_eq!(rows[0][0], first_id, "{file}");
        let strip =
            |rows: &[Vec<String>]| -> Vec<Vec<String>> { rows.iter().map(|r| r[1..].to_vec()).collect() };
        assert_eq!(strip(&rows), strip(&expected), "{file}");
        // Named explicitly, the same.
        let source = match file {
            f if f.starts_with("qualtrics") => "qualtrics",
            "surveymonkey.csv" => "surveymonkey",
            "google-forms.csv" => "google-forms",
            "ms-forms.csv" => "ms-forms",
            _ => "typeform",
        };
        let mut named = options.clone();
        named.extend(["--source", source]);
        assert_eq!(score(file, &named).ok(), run.ok(), "{file} --source {source}");
    }
}

#[test]
fn an_export_read_as_plain_is_refused_with_its_columns() {
    let run = score("qualtrics-text.tsv", &["--source", "plain"]);
    let err = run.bad_input();
    assert!(
        err.contains("columns match no capability or survey item"),
        "{err}"
    );
}

#[test]
fn unmapped_question_columns_are_listed_in_one_message() {
    let run = score("google-forms.csv", &[]);
    let err = run.bad_input();
    assert!(
        err.contains(
            "google-forms.csv:1: column 43 \"Anything else you would like to tell us?\": this question column of \
             the Google Forms export matches no capability or survey item"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn quality_flags_agree_across_layouts_and_can_exclude_respondents() {
    let flags = ["--flags"];
    let plain = score("plain.csv", &flags);
    let (header, rows) = parse_csv(plain.ok());
    assert_eq!(
        header,
        [
            "respondent",
            "rank",
            "role",
            "score",
            "answered",
            "status",
            "flags"
        ]
    );
    let flagged: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| !r[6].is_empty())
        .map(|r| (r[0].as_str(), r[6].as_str()))
        .collect();
    assert!(
        flagged.contains(&("emil.berg@example.org", "straight-lining")),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&("jo.murphy@example.org", "missing")),
        "{flagged:?}"
    );
    assert!(
        plain
            .stderr
            .contains("; 2 flagged (1 straight-lining, 1 missing)"),
        "{}",
        plain.stderr
    );
    for (file, options, _) in exports() {
        let mut options = options.clone();
        options.extend(flags);
        assert_eq!(score(file, &options).ok(), plain.ok(), "{file}");
    }

    // Speeding: Qualtrics' duration, or start and end times, agree.
    let mut speeding = Vec::new();
    for (file, options, _) in exports() {
        if file == "google-forms.csv" {
            continue;
        }
        let mut options = options.clone();
        options.extend(["--min-seconds", "60"]);
        let run = score(file, &options);
        speeding.push((file, run.ok().to_string()));
        assert!(
            run.stderr
                .contains("3 flagged (1 straight-lining, 1 missing, 2 speeding)"),
            "{file}: {}",
            run.stderr
        );
    }
    for (file, out) in &speeding[1..] {
        assert_eq!(out, &speeding[0].1, "{file}");
    }
    assert!(
        speeding[0].1.contains("straight-lining;speeding"),
        "{}",
        speeding[0].1
    );
    let run = score(
        "google-forms.csv",
        &["--ignore-unknown-columns", "--min-seconds", "60"],
    );
    assert!(
        run.bad_input().contains("needs each response's duration"),
        "{}",
        run.stderr
    );

    // Left out, and counted.
    let run = score(
        "typeform.csv",
        &[
            "--id-column",
            "email",
            "--ignore-unknown-columns",
            "--min-seconds",
            "60",
            "--exclude-flagged",
        ],
    );
    let (_, rows) = parse_csv(run.ok());
    assert!(rows.iter().all(|r| r[6].is_empty()));
    assert!(!rows.iter().any(|r| r[0] == "emil.berg@example.org"));
    assert!(
        run.stderr
            .contains("12 rows read, 9 scored, 0 rejected, 3 left out as flagged in"),
        "{}",
        run.stderr
    );
    // The batch commands leave them out too.
    let run = rolefit(&[
        "cluster",
        "tests/exports/plain.csv",
        "--exclude-flagged",
        "--clusters",
        "2",
        "--format",
        "csv",
    ]);
    assert_eq!(parse_csv(run.ok()).1.len(), 10, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2 flagged (1 straight-lining, 1 missing) and left out"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_and_tables_carry_the_flags() {
    let run = rolefit(&[
        "score",
        "tests/exports/plain.csv",
        "--flags",
        "--format",
        "ndjson",
    ]);
    let first: serde_json::Value = serde_json::from_str(run.ok().lines().next().unwrap()).unwrap();
    assert_eq!(first["flags"], serde_json::json!([]));
    assert!(
        run.ok().contains(r#""flags":["straight-lining"]"#),
        "{}",
        run.stdout
    );
    let run = rolefit(&["score", "tests/exports/plain.csv", "--flags"]);
    assert!(run.ok().contains("Flags"), "{}", run.stdout);
    // No flags asked for: the output is as it always was.
    let run = rolefit(&["score", "tests/exports/plain.csv", "--format", "ndjson"]);
    assert!(!run.ok().contains("flags"));
}

#[test]
fn label_scales_come_built_in_or_from_a_labels_map() {
    let dir = tempfile::tempdir().unwrap();
    // Frequency and proficiency labels, any case and spacing.
    let freq = write(
        dir.path(),
        "freq.csv",
        "respondent,Communication,Negotiation\nr1,  often ,EXPERT\nr2,Never,basic\n",
    );
    let num = write(
        dir.path(),
        "num.csv",
        "respondent,Communication,Negotiation\nr1,4,5\nr2,1,2\n",
    );
    let a = rolefit(&["score", &freq, "--format", "csv", "--min-answered", "0.05"]);
    let b = rolefit(&["score", &num, "--format", "csv", "--min-answered", "0.05"]);
    assert_eq!(a.ok(), b.ok());
    assert!(
        a.stderr
            .contains("read on the frequency label scale (\"Communication\")"),
        "{}",
        a.stderr
    );
    // A custom scale.
    let map = write(
        dir.path(),
        "extent.csv",
        "label,value\nNot at all,1\nA little,2\nSomewhat,3\nQuite a bit,4\nVery much,5\n",
    );
    let custom = write(
        dir.path(),
        "custom.csv",
        "respondent,Communication,Negotiation\nr1,quite a bit,Very much\nr2,Not at all,a little\n",
    );
    let c = rolefit(&[
        "score",
        &custom,
        "--labels-map",
        &map,
        "--format",
        "csv",
        "--min-answered",
        "0.05",
    ]);
    assert_eq!(c.ok(), b.ok());
    // An unknown label names the row, the column and the labels.
    let bad = write(
        dir.path(),
        "bad.csv",
        "respondent,Communication\nr1,Often\nr2,Oftentimes\n",
    );
    let run = rolefit(&["score", &bad]);
    assert!(
        run.bad_input().contains(
            "bad.csv:3: column 2 \"Communication\": \"Oftentimes\" is not a number or a label of the column's \
             scale (did you mean \"Often\"?); expected a number from 1 to 5 or one of: Never, Rarely, Sometimes, \
             Often, Always (the frequency scale"
        ),
        "{}",
        run.stderr
    );
    // One scale for every column.
    let seven = write(
        dir.path(),
        "seven.csv",
        "respondent,Communication\nr1,Agree\nr2,7\n",
    );
    let run = rolefit(&[
        "score",
        &seven,
        "--scale",
        "agreement7",
        "--format",
        "csv",
        "--min-answered",
        "0.01",
    ]);
    assert!(run.ok().contains("r2,1,"), "{}", run.stdout);
    let run = rolefit(&["score", &seven, "--scale", "sevenish"]);
    assert!(
        run.bad_input().contains(
            "--scale sevenish: there is no label scale of that name; expected MIN..MAX or one of: agreement5"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn labels_both_agreement_scales_share_are_read_on_five_points_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let shared = write(
        dir.path(),
        "shared.csv",
        "respondent,Communication,Negotiation\nr1,Agree,Disagree\nr2,Disagree,Agree\n",
    );
    let run = rolefit(&["score", &shared, "--format", "csv", "--min-answered", "0.05"]);
    let five = run.ok().to_string();
    assert!(
        run.stderr.contains(
            "2 columns (\"Communication\", \"Negotiation\") hold only labels that agreement5 shares with \
             agreement7, and they were read on agreement5; if the survey used agreement7, say so with \
             --scale agreement7"
        ),
        "{}",
        run.stderr
    );
    // What the note suggests reads them on seven points, without a note.
    let run = rolefit(&[
        "score",
        &shared,
        "--format",
        "csv",
        "--min-answered",
        "0.05",
        "--scale",
        "agreement7",
    ]);
    assert_ne!(run.ok(), five);
    assert!(!run.stderr.contains("agreement5 shares"), "{}", run.stderr);
    // A seven-point label in the file settles it: no note.
    let seven = write(
        dir.path(),
        "seven.csv",
        "respondent,Communication,Negotiation\nr1,Agree,Somewhat disagree\nr2,Disagree,Agree\n",
    );
    let run = rolefit(&["score", &seven, "--format", "csv", "--min-answered", "0.05"]);
    run.ok();
    assert!(!run.stderr.contains("shares with"), "{}", run.stderr);
}
