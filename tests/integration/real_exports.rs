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
    let path = if file.contains('/') {
        file.to_string()
    } else {
        format!("{DIR}/{file}")
    };
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

#[test]
fn a_scale_name_no_scale_has_is_reported_in_the_survey_file() {
    let dir = tempfile::tempdir().unwrap();
    let survey = crate::util::write(
        dir.path(),
        "survey.csv",
        "id,text,capability,reverse,scale\nL1,x,leadership-and-team-management,false,1..5\nC1,y,communication,false,abc\n",
    );
    let responses = crate::util::write(dir.path(), "r.csv", "respondent,L1,C1\nr1,4,high\n");
    let e = rolefit(&["score", &responses, "--survey", &survey])
        .bad_input()
        .to_string();
    assert!(
        e.contains(&format!(
            "{survey}:3: column 5 \"scale\": \"abc\" is no range and no label scale; expected a range MIN..MAX"
        )) && !e.contains("r.csv"),
        "{e}"
    );
    // A labels map's scale of that name is one.
    let map = crate::util::write(dir.path(), "abc.csv", "label,value\nlow,1\nmid,2\nhigh,3\n");
    let run = rolefit(&[
        "score",
        &responses,
        "--survey",
        &survey,
        "--labels-map",
        &map,
        "--min-answered",
        "0.1",
        "-f",
        "csv",
    ]);
    assert!(run.ok().contains("r1,1,"), "{}", run.stdout);
}

#[test]
fn decimal_commas_are_read_with_the_flag_the_hint_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::util::write(
        dir.path(),
        "r.csv",
        "respondent;Communication;Negotiation\nr1;3,5;4\nr2;2;4,75\n",
    );
    let e = rolefit(&["score", &file, "--min-answered", "0.1"])
        .bad_input()
        .to_string();
    assert!(e.contains("pass --decimal-comma to read 3,5 as 3.5"), "{e}");
    let dotted = crate::util::write(
        dir.path(),
        "d.csv",
        "respondent;Communication;Negotiation\nr1;3.5;4\nr2;2;4.75\n",
    );
    let args = |f: &str| {
        rolefit(&[
            "score",
            f,
            "--decimal-comma",
            "--min-answered",
            "0.1",
            "-f",
            "csv",
        ])
    };
    assert_eq!(args(&file).ok(), args(&dotted).ok());
}

#[test]
fn onet_work_styles_are_read_with_the_level_taken_from_importance() {
    let dir = tempfile::tempdir().unwrap();
    let header = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\t\
                  Lower CI Bound\tUpper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source";
    let row = |code: &str, id: &str, name: &str, value: &str| {
        format!("{code}\t{id}\t{name}\tIM\t{value}\t8\t0.1\t3.8\t4.3\tN\tn/a\t07/2024\tAnalyst\n")
    };
    let text = [
        format!("{header}\n"),
        row("11-1011.00", "1.C.1.a", "Achievement/Effort", "5.00"),
        row("11-1011.00", "1.C.2.b", "Leadership", "3.00"),
        row("15-1252.00", "1.C.1.a", "Achievement/Effort", "1.00"),
        row("15-1252.00", "1.C.2.b", "Leadership", "4.20"),
    ]
    .concat();
    let path = crate::util::write(dir.path(), "Work Styles.txt", &text);
    let run = rolefit(&["roles", "--matrix", &path, "-f", "csv"]);
    let out = run.ok();
    assert!(out.starts_with("# scale: 0..7\n"), "{out}");
    for line in [
        "11-1011.00,Achievement/Effort,7,5",
        "11-1011.00,Leadership,3.5,3",
        "15-1252.00,Achievement/Effort,0,1",
        "15-1252.00,Leadership,5.6",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    assert!(
        run.stderr.contains(
            "Work Styles rates importance only (IM): each element's level is its importance mapped"
        ),
        "{}",
        run.stderr
    );
    let check = rolefit(&["matrix", "check", &path]);
    assert!(
        check.ok().contains("O*NET text (Work Styles)"),
        "{}",
        check.stdout
    );
}

#[test]
fn labels_that_fit_no_scale_name_the_scale_column_and_its_fix_works() {
    let dir = tempfile::tempdir().unwrap();
    let responses = crate::util::write(
        dir.path(),
        "r.csv",
        "respondent,L1,C1\nr1,Excellent,4\nr2,Poor,5\nr3,Good,3\n",
    );
    let survey = format!("{DIR}/survey.csv");
    let e = score_with(&responses, &survey, &[]).bad_input().to_string();
    assert!(
        e.contains(
            "(the labels seen in this column, \"Excellent\", \"Poor\", \"Good\", fit no label scale: give their \
             numbers in a labels map, the lines `scale,label,value` `l1,Excellent,1` `l1,Poor,2` `l1,Good,3`"
        ) && e.contains("give item \"L1\" that scale in the survey definition's scale column: `L1,"),
        "{e}"
    );
    // What it says to do: the map, and the item's scale.
    let map = crate::util::write(
        dir.path(),
        "scales.csv",
        "scale,label,value\nl1,Poor,1\nl1,Good,2\nl1,Excellent,3\n",
    );
    let text = std::fs::read_to_string(&survey).unwrap();
    let with_scale: String = text
        .lines()
        .map(|l| match l.split_once(',') {
            Some(("id", _)) => format!("{l},scale\n"),
            Some(("L1", _)) => format!("{l},l1\n"),
            _ => format!("{l},\n"),
        })
        .collect();
    let fixed = crate::util::write(dir.path(), "survey.csv", &with_scale);
    let run = score_with(&responses, &fixed, &["--labels-map", &map]);
    assert_eq!(answered(run.ok()).len(), 3);
}

#[test]
fn a_numeric_export_is_read_through_its_choice_text() {
    // The grid Qualtrics numbered from "Strongly agree" needs no
    // `reverse`: the text export says what its numbers stand for.
    let plain = score("mixed-scales-plain.csv", &[]);
    let text = format!("{DIR}/qualtrics-mixed-scales-text.csv");
    let run = score_with(
        "qualtrics-mixed-scales.csv",
        "qualtrics-survey-text.csv",
        &["--choice-text", &text],
    );
    assert_eq!(run.ok(), plain.ok());
    assert!(
        run.stderr.contains(
            "note: tests/exports/real/qualtrics-mixed-scales.csv: 6 answer columns read through the labels of \
             tests/exports/real/qualtrics-mixed-scales-text.csv; in 1 column (\"Q4_1\") the numbers run opposite \
             to the labels (1 = the top answer), and the labels were followed"
        ),
        "{}",
        run.stderr
    );
    // Without it, that survey reads the numeric grid backwards.
    let wrong = score_with("qualtrics-mixed-scales.csv", "qualtrics-survey-text.csv", &[]);
    assert_ne!(wrong.ok(), plain.stdout);
    // A "Don't know" exported as 6 is a missing answer.
    let dir = tempfile::tempdir().unwrap();
    let numeric = std::fs::read_to_string(format!("{DIR}/qualtrics-mixed-scales.csv")).unwrap();
    let labels = std::fs::read_to_string(&text).unwrap();
    let numeric = crate::util::write(
        dir.path(),
        "n.csv",
        &numeric.replace("R_4ddd,4,2,", "R_4ddd,6,2,"),
    );
    let dont_know = labels
        .lines()
        .map(|l| match l.split_once(",Agree,") {
            Some((head, tail)) if l.contains("R_4ddd") => format!("{head},Don't know,{tail}\n"),
            _ => format!("{l}\n"),
        })
        .collect::<String>();
    assert!(dont_know.contains("R_4ddd,Don't know,"), "{dont_know}");
    let labels = crate::util::write(dir.path(), "t.csv", &dont_know);
    let run = score_with(&numeric, "qualtrics-survey-text.csv", &["--choice-text", &labels]);
    run.ok();
    assert!(run.stderr.contains("1 answer read as missing"), "{}", run.stderr);
    // INPUT on standard input cannot be read twice.
    let e = rolefit(&["score", "-", "--choice-text", &labels])
        .bad_input()
        .to_string();
    assert!(e.contains("--choice-text needs INPUT as a file"), "{e}");
}

#[test]
fn numbers_a_question_says_run_down_are_refused_naming_the_flag() {
    // Q4_1's question text says "1 = Strongly agree, 5 = Strongly disagree".
    let file = "qualtrics-anchored.csv";
    let e = score_with(file, "qualtrics-survey-text.csv", &[])
        .bad_input()
        .to_string();
    assert!(
        e.contains(
            "qualtrics-anchored.csv:1: column 15 \"Q4_1\": its question text says 1 = \"Strongly agree\", so its \
             numbers run from the top answer down"
        ) && e.contains("pass --numbering mirror"),
        "{e}"
    );
    let plain = score("mixed-scales-plain.csv", &[]);
    // Mirrored by the flag, or turned round by the survey's `reverse`.
    let mirror = score_with(file, "qualtrics-survey-text.csv", &["--numbering", "mirror"]);
    assert_eq!(mirror.ok(), plain.ok());
    assert!(
        mirror.stderr.contains(
            "note: tests/exports/real/qualtrics-anchored.csv: 1 column read mirrored (--numbering mirror), as its \
             question text says the numbers run from the top answer down: \"Q4_1\""
        ),
        "{}",
        mirror.stderr
    );
    let as_is = score_with(file, "qualtrics-survey.csv", &["--numbering", "as-is"]);
    assert_eq!(as_is.ok(), plain.ok());
    // The text export settles it without the flag.
    let text = format!("{DIR}/qualtrics-mixed-scales-text.csv");
    let through = score_with(file, "qualtrics-survey-text.csv", &["--choice-text", &text]);
    assert_eq!(through.ok(), plain.ok());
}

#[test]
fn public_qualtrics_exports_are_read_as_published() {
    // ropensci/qualtRics' test exports (MIT; tests/exports/public/README.md).
    let survey = "tests/exports/public/survey.csv";
    for (file, layout) in [
        ("qualtrics-sample.csv", "a Qualtrics export (3 header rows)"),
        (
            "qualtrics-sample-legacy.csv",
            "a Qualtrics (legacy format) export (2 header rows)",
        ),
    ] {
        let path = format!("tests/exports/public/{file}");
        // Only the free-text question matches nothing: not the legacy
        // format's LocationAccuracy, nor the empty column its lines end with.
        let e = score_with(&path, survey, &[]).bad_input().to_string();
        assert!(
            e.contains("\"Q2\"") && !e.contains("LocationAccuracy") && !e.contains("\"\""),
            "{e}"
        );
        let run = score_with(&path, survey, &["--ignore-unknown-columns"]);
        assert_eq!(
            answered(run.ok()),
            [("R_2YPOQ602ER1jkf1".to_string(), "1".to_string())]
        );
        assert!(run.stderr.contains(layout), "{}", run.stderr);
    }
}

#[test]
fn a_public_surveymonkey_export_with_mac_line_ends_scores_with_its_scale() {
    // fivethirtyeight/data's Star Wars survey (MIT; tests/exports/public/README.md):
    // `RespondentID` without a Collector ID, lines ending in a lone CR, a
    // favourability grid no built-in scale holds.
    let dir = "tests/exports/public";
    let file = format!("{dir}/surveymonkey-star-wars.csv");
    let survey = format!("{dir}/star-wars-survey.csv");
    let no_scale: String = std::fs::read_to_string(&survey)
        .unwrap()
        .replace(",favorability\n", ",\n");
    let tmp = tempfile::tempdir().unwrap();
    let bare = crate::util::write(tmp.path(), "survey.csv", &no_scale);
    let e = score_with(&file, &bare, &["--ignore-unknown-columns"])
        .bad_input()
        .to_string();
    assert!(
        e.contains(":3: column 16 ")
            && e.contains("(the labels seen in this column, \"Very favorably\", \"Somewhat favorably\", fit no label scale")
            && e.contains("`SW1,Han Solo,leadership-and-team-management,false,sw1`"),
        "{e}"
    );
    let map = format!("{dir}/favorability.csv");
    let run = score_with(
        &file,
        &survey,
        &["--ignore-unknown-columns", "--labels-map", &map],
    );
    let out = run.ok().to_string();
    assert!(
        run.stderr
            .contains("a SurveyMonkey export (2 header rows): 4 answer columns")
            && run.stderr.contains("6 rows read, 6 scored"),
        "{}",
        run.stderr
    );
    assert_eq!(answered(&out).len(), 6, "{out}");
    assert!(out.contains("\n3292879538,,,,0,insufficient\n"), "{out}");
}
