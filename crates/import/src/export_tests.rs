//! Survey-tool exports, label scales and quality flags, read both ways
//! (sequentially, and in chunks parsed separately).

use proptest::prelude::*;
use rolefit_model::{ProfileBatch, QualityFlags, ResponseScale, Scale, Survey};

use crate::{
    builtin, read_labels_map, read_survey, AmbiguousScale, ChunkParser, FastPaths, FlagOptions,
    ResponseChunks, ResponseOptions, ResponseReader, Source,
};

/// Ids, values, flags and lines of every row, or the first error.
type Read = (Vec<String>, Vec<Vec<Option<f64>>>, Vec<QualityFlags>, Vec<u64>);

fn sequential(text: &str, survey: &Survey, options: &ResponseOptions) -> Result<Read, String> {
    let matrix = builtin::matrix();
    let mut reader = ResponseReader::new(text.as_bytes(), "x.csv", &matrix, Some(survey), options)
        .map_err(|e| e.to_string())?;
    let plan = reader.plan().clone();
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    let mut record = csv::ByteRecord::new();
    let mut lines = Vec::new();
    while let Some(p) = reader.next_record(&mut record).map_err(|e| e.to_string())? {
        plan.parse_record(&record, p.line, p.row, &mut batch)
            .map_err(|e| e.to_string())?;
        lines.push(p.line);
    }
    Ok(unpack(&batch, lines))
}

fn chunked(text: &str, survey: &Survey, options: &ResponseOptions, target: usize) -> Result<Read, String> {
    chunked_with(text, survey, options, target, FastPaths::default())
}

/// [`chunked`], the parser taking only the fast paths `paths` allows.
fn chunked_with(
    text: &str,
    survey: &Survey,
    options: &ResponseOptions,
    target: usize,
    paths: FastPaths,
) -> Result<Read, String> {
    let matrix = builtin::matrix();
    let mut chunks = ResponseChunks::new(text.as_bytes(), "x.csv", &matrix, Some(survey), options, target)
        .map_err(|e| e.to_string())?;
    let plan = chunks.plan().clone();
    let mut parser = ChunkParser::with_fast_paths(paths);
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    let mut lines = Vec::new();
    while let Some(chunk) = chunks.next_chunk(Vec::new()).map_err(|e| e.to_string())? {
        let mut part = ProfileBatch::new(matrix.capabilities().len());
        let mut positions = Vec::new();
        parser
            .parse(&plan, &chunk, &mut part, &mut positions, |_, _, e| Err(e))
            .map_err(|e| e.to_string())?;
        for i in 0..part.len() {
            batch.push(part.respondent(i), &part.profile(i).values);
            batch.flag_last(part.flags(i));
        }
        lines.extend(positions.iter().map(|p| p.line));
    }
    Ok(unpack(&batch, lines))
}

fn unpack(batch: &ProfileBatch, lines: Vec<u64>) -> Read {
    (
        batch.respondents().iter().map(|s| s.to_string()).collect(),
        (0..batch.len()).map(|i| batch.profile(i).values).collect(),
        (0..batch.len()).map(|i| batch.flags(i)).collect(),
        lines,
    )
}

/// Every combination of the chunk parser's fast paths.
const ALL_FAST_PATHS: [FastPaths; 2] = [FastPaths { dense_lines: true }, FastPaths { dense_lines: false }];

/// Reads `text` both ways, with every chunk size and every combination of
/// fast paths, and checks they agree.
fn read(text: &str, survey: &Survey, options: &ResponseOptions) -> Result<Read, String> {
    let whole = sequential(text, survey, options);
    for target in [1, 5, 64, 1 << 20] {
        assert_eq!(chunked(text, survey, options, target), whole, "target {target}");
    }
    for paths in ALL_FAST_PATHS {
        assert_eq!(chunked_with(text, survey, options, 64, paths), whole, "{paths:?}");
    }
    whole
}

fn plain_options() -> ResponseOptions {
    ResponseOptions::default()
}

/// The built-in survey's first two items: Q01 and Q02 (both leadership).
fn text(i: usize) -> String {
    builtin::survey().items()[i].text.clone()
}

fn qualtrics(numeric: bool) -> String {
    let (a, b, c) = if numeric {
        ("4", "2", "5")
    } else {
        ("Agree", "Disagree", "Strongly agree")
    };
    format!(
        "StartDate,EndDate,Duration (in seconds),ResponseId,Q1_1,Q1_2,Q3_TEXT\n\
         Start Date,End Date,Duration (in seconds),Response ID,\"Rate yourself - {}\",\"Rate yourself - {}\",\"Comments,\nplease\"\n\
         \"{{\"\"ImportId\"\":\"\"startDate\"\"}}\",\"{{\"\"ImportId\"\":\"\"endDate\"\"}}\",\"{{\"\"ImportId\"\":\"\"duration\"\"}}\",\"{{\"\"ImportId\"\":\"\"_recordId\"\"}}\",\"{{\"\"ImportId\"\":\"\"QID1_1\"\"}}\",\"{{\"\"ImportId\"\":\"\"QID1_2\"\"}}\",\"{{\"\"ImportId\"\":\"\"QID3_TEXT\"\"}}\"\n\
         2024-01-01 10:00:00,2024-01-01 10:05:00,300,R_a,{a},{b},\"fine,\nthanks\"\n\
         2024-01-01 11:00:00,2024-01-01 11:00:20,20,R_b,{c},,\n",
        text(0).replace('"', "\"\""),
        text(1).replace('"', "\"\"")
    )
}

#[test]
fn qualtrics_exports_read_by_text_with_their_three_header_rows() {
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..plain_options()
    };
    let numeric = read(&qualtrics(true), &builtin::survey(), &options).unwrap();
    let labels = read(&qualtrics(false), &builtin::survey(), &options).unwrap();
    assert_eq!(numeric, labels);
    let (ids, values, _, lines) = numeric;
    assert_eq!(ids, ["R_a", "R_b"]);
    // Q01 and Q02 both measure leadership: (4 + 2) / 2.
    assert_eq!(values[0][0], Some(3.0));
    assert_eq!(values[1][0], Some(5.0));
    // The header rows take five lines (a text holds a line break).
    assert_eq!(lines, [5, 7]);
}

#[test]
fn a_bad_answer_in_an_export_names_its_line_and_question() {
    let text = qualtrics(false).replace("Strongly agree,,", "Stronly agree,,");
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..plain_options()
    };
    let e = read(&text, &builtin::survey(), &options).unwrap_err();
    assert!(
        e.starts_with(
            "x.csv:7: column 5 \"Q1_1\": \"Stronly agree\" is not a number or a label of the response scale \
             (did you mean \"Strongly agree\" or \"Strongly disagree\"?); expected a number from 1 to 5 or one \
             of: Strongly disagree,"
        ),
        "{e}"
    );
}

#[test]
fn unmapped_questions_are_listed_in_one_message() {
    let e = read(&qualtrics(true), &builtin::survey(), &plain_options()).unwrap_err();
    assert_eq!(
        e,
        "x.csv:1: column 7 \"Q3_TEXT\": this question column of the Qualtrics export (\"Comments,\\nplease\") \
         matches no capability or survey item; expected questions the survey knows, by item id or by question \
         text (give the survey definition with --survey FILE, columns id,text,capability,reverse), or capability \
         names of the role matrix (pass --ignore-unknown-columns to skip question columns that match nothing)"
    );
    let text = "Timestamp,Email Address,What is your team?,How long have you worked here?,Communication\n\
                x,a@b.c,Blue,3 years,4\n";
    let e = read(text, &builtin::survey(), &plain_options()).unwrap_err();
    assert!(
        e.starts_with(
            "x.csv:1: 2 question columns of the Google Forms export match no capability or survey item: \
             column 3 \"What is your team?\", column 4 \"How long have you worked here?\"; expected"
        ),
        "{e}"
    );
}

#[test]
fn a_survey_definition_maps_ids_exactly_and_texts_exactly_then_loosely() {
    let survey = read_survey(
        &b"id,text,capability,reverse\nQ11,I plan my work.,time-management,false\nspeak,I speak up.,communication,true\n"[..],
        "s.csv",
        ResponseScale::agreement5(),
    )
    .unwrap();
    // In an export Q1_1 is not Q11; "I SPEAK UP" is "I speak up." loosely.
    let text = "#,Q11,I SPEAK UP,Submit Date (UTC),Network ID\nt1,2,4,x,y\n";
    let (_, values, _, _) = read(text, &survey, &plain_options()).unwrap();
    let matrix = builtin::matrix();
    let planning = matrix.capability_index("time-management").unwrap();
    let communication = matrix.capability_index("communication").unwrap();
    assert_eq!(values[0][planning], Some(2.0));
    assert_eq!(
        values[0][communication],
        Some(2.0),
        "reverse-keyed: 4 counts as 2"
    );
    let e = read("#,Q1_1,Network ID\nt1,2,y\n", &survey, &plain_options()).unwrap_err();
    assert!(
        e.contains("column 2 \"Q1_1\": this question column of the Typeform export matches no"),
        "{e}"
    );
    // In a plain file, ids match loosely as always: `q-11` is Q11.
    let (_, values, _, _) = read("respondent,q-11\nr,5\n", &survey, &plain_options()).unwrap();
    assert_eq!(values[0][planning], Some(5.0));
}

#[test]
fn surveymonkey_matrix_rows_match_statements() {
    let text = format!(
        "Respondent ID,Collector ID,Start Date,End Date,How much do you agree?,,Other\r\n\
         ,,,,\"{}\",\"{}\",Response\r\n\
         101,9,11/14/2024 09:00:00 AM,11/14/2024 09:00:30 AM,Agree,Strongly agree,\r\n",
        text(0).replace('"', "\"\""),
        text(1).replace('"', "\"\"")
    );
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        flags: Some(FlagOptions {
            min_seconds: Some(60.0),
            ..Default::default()
        }),
        ..plain_options()
    };
    let (ids, values, flags, lines) = read(&text, &builtin::survey(), &options).unwrap();
    assert_eq!(ids, ["101"]);
    assert_eq!(values[0][0], Some(4.5));
    assert_eq!(lines, [3]);
    assert!(flags[0].contains(QualityFlags::SPEEDING));
}

#[test]
fn label_scales_are_chosen_per_column_from_the_labels_in_it() {
    let text = "respondent,Q01,Q02,Communication\n\
                a,Often,Agree,Expert\n\
                b,Never,Somewhat agree,basic\n\
                c,4,2,3\n";
    let (_, values, _, _) = read(text, &builtin::survey(), &plain_options()).unwrap();
    let matrix = builtin::matrix();
    let communication = matrix.capability_index("communication").unwrap();
    // Q01 on frequency (Often = 4), Q02 on agreement7 (Agree = 6 of 7,
    // 1 + 5 * 4 / 6 on 1..5): leadership is their mean.
    let agree7 = 1.0 + 5.0 * 4.0 / 6.0;
    assert!((values[0][0].unwrap() - (4.0 + agree7) / 2.0).abs() < 1e-12);
    assert_eq!(values[0][communication], Some(5.0));
    assert_eq!(values[1][communication], Some(2.0));
    // Numbers are on the column's scale: 2 of 7.
    let two7 = 1.0 + 4.0 / 6.0;
    assert!((values[2][0].unwrap() - (4.0 + two7) / 2.0).abs() < 1e-12);
    let matrix = builtin::matrix();
    let r = ResponseReader::new(
        text.as_bytes(),
        "x.csv",
        &matrix,
        Some(&builtin::survey()),
        &plain_options(),
    )
    .unwrap();
    assert_eq!(r.plan().column_scale(1), Some("frequency"));
    assert_eq!(r.plan().column_scale(2), Some("agreement7"));
    assert_eq!(r.plan().column_scale(3), Some("proficiency"));
}

#[test]
fn one_column_on_the_seven_point_scale_puts_the_others_on_it_too() {
    let text = "respondent,Q01,Q02\na,Agree,Somewhat agree\nb,Disagree,Agree\n";
    let matrix = builtin::matrix();
    let r = ResponseReader::new(
        text.as_bytes(),
        "x.csv",
        &matrix,
        Some(&builtin::survey()),
        &plain_options(),
    )
    .unwrap();
    assert_eq!(r.plan().column_scale(1), Some("agreement7"));
    assert_eq!(r.plan().column_scale(2), Some("agreement7"));
    // Without a seven-point label, agreement is the 5-point scale.
    let r = ResponseReader::new(
        &b"respondent,Q01\na,Agree\n"[..],
        "x.csv",
        &matrix,
        Some(&builtin::survey()),
        &plain_options(),
    )
    .unwrap();
    assert_eq!(r.plan().column_scale(1), None);
}

#[test]
fn labels_that_two_scales_read_differently_are_reported_as_a_guess() {
    let matrix = builtin::matrix();
    let plan = |text: &str, options: &ResponseOptions| {
        ResponseReader::new(
            text.as_bytes(),
            "x.csv",
            &matrix,
            Some(&builtin::survey()),
            options,
        )
        .unwrap()
        .plan()
        .ambiguous_scales()
        .to_vec()
    };
    // Only labels both agreement scales have: read on agreement5, a guess.
    let shared = "respondent,Q01,Q02,Q03\na,Agree,Strongly agree,\nb,Disagree,Agree,Strongly disagree\n";
    let guess = |column| AmbiguousScale {
        column,
        chosen: "agreement5".into(),
        alternatives: vec!["agreement7".into()],
    };
    // Q03's one label is the bottom of both scales, which read it alike.
    assert_eq!(plan(shared, &plain_options()), vec![guess(1), guess(2)]);
    // A seven-point label in one column settles every column.
    let settled = "respondent,Q01,Q02\na,Agree,Somewhat agree\nb,Disagree,Agree\n";
    assert!(plan(settled, &plain_options()).is_empty());
    // So does --scale, and numbers alone say nothing of labels.
    let named = ResponseOptions {
        scale_name: Some("agreement5".into()),
        ..plain_options()
    };
    assert!(plan(shared, &named).is_empty());
    // Numbers among the answers are checked against the scale: no guess.
    let with_numbers =
        "respondent,Q01,Q02,Q03\na,Agree,Strongly agree,4\nb,Disagree,Agree,Strongly disagree\n";
    assert!(plan(with_numbers, &plain_options()).is_empty());
    assert!(plan("respondent,Q01\na,4\n", &plain_options()).is_empty());
    // Labels two scales put at the same points are no guess: a labels map
    // that agrees with agreement5 on these labels.
    let labels = read_labels_map(
        &b"label,value\nStrongly disagree,1\nDisagree,2\nAgree,4\nStrongly agree,5\n"[..],
        "m.csv",
    )
    .unwrap();
    let custom = ResponseOptions {
        labels,
        ..plain_options()
    };
    let agrees = "respondent,Q01\na,Agree\nb,Disagree\n";
    let found = plan(agrees, &custom);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].alternatives,
        ["agreement7"],
        "agreement5 reads these labels alike"
    );
}

#[test]
fn an_unknown_label_names_row_column_and_the_labels_of_its_scale() {
    let text = "respondent,Q01\na,Often\nb,Sometimes\nc,Frequently\n";
    let e = read(text, &builtin::survey(), &plain_options()).unwrap_err();
    assert_eq!(
        e,
        "x.csv:4: column 2 \"Q01\": \"Frequently\" is not a number or a label of the column's scale; expected \
         a number from 1 to 5 or one of: Never, Rarely, Sometimes, Often, Always (the frequency scale, chosen \
         from the labels in the column's first rows; --scale NAME sets the scale of every column) (if \
         \"Frequently\" means no answer, pass --missing-labels \"Frequently\")"
    );
}

#[test]
fn a_named_scale_or_a_labels_map_decides() {
    let text = "respondent,Q01\na,Agree\nb,7\n";
    let named = ResponseOptions {
        scale_name: Some("agreement7".into()),
        ..plain_options()
    };
    let (_, values, _, _) = read(text, &builtin::survey(), &named).unwrap();
    assert!((values[0][0].unwrap() - (1.0 + 5.0 * 4.0 / 6.0)).abs() < 1e-12);
    assert_eq!(values[1][0], Some(5.0));
    let bad = ResponseOptions {
        scale_name: Some("sevenish".into()),
        ..plain_options()
    };
    assert!(read(text, &builtin::survey(), &bad)
        .unwrap_err()
        .contains("there is no label scale named"));
    let labels = read_labels_map(&b"label,value\nNo,1\nA bit,2\nAgree,3\n"[..], "mine.csv").unwrap();
    let custom = ResponseOptions {
        labels,
        ..plain_options()
    };
    // The custom scale (1..3) knows "Agree" too, and comes first: 3 of 3.
    let (_, values, _, _) = read("respondent,Q01\na,Agree\nb,a bit\n", &builtin::survey(), &custom).unwrap();
    assert_eq!(values[0][0], Some(5.0));
    assert_eq!(values[1][0], Some(3.0));
}

#[test]
fn flags_mark_straight_lining_missing_answers_and_speeding() {
    let text = "Respondent ID,Collector ID,Start Date,End Date,Q\n\
                ,,,,Response\n\
                a,1,2024-01-01 10:00:00,2024-01-01 10:10:00,4\n";
    // Named SurveyMonkey with one question Q (not in the survey: ignored).
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..plain_options()
    };
    assert!(
        read(text, &builtin::survey(), &options).is_err(),
        "nothing measured"
    );

    let text = "respondent,Q01,Q02,Q03,Q04\n\
                same,4,4,4,4\n\
                two,4,4,,\n\
                few,3,,,\n\
                fine,1,2,3,4\n";
    let flags = ResponseOptions {
        flags: Some(FlagOptions::default()),
        ..plain_options()
    };
    let (_, _, got, _) = read(text, &builtin::survey(), &flags).unwrap();
    assert_eq!(
        got,
        [
            QualityFlags::STRAIGHT_LINING,
            QualityFlags::NONE,
            QualityFlags::MISSING,
            QualityFlags::NONE
        ]
    );
    let (_, _, got, _) = read(text, &builtin::survey(), &plain_options()).unwrap();
    assert!(got.iter().all(|f| f.is_empty()), "no flags unless asked for");
    // Speeding needs a duration.
    let speeding = ResponseOptions {
        flags: Some(FlagOptions {
            min_seconds: Some(60.0),
            ..Default::default()
        }),
        ..plain_options()
    };
    let e = read(text, &builtin::survey(), &speeding).unwrap_err();
    assert!(
        e.starts_with("x.csv:1: speeding (--min-seconds) needs each response's duration"),
        "{e}"
    );
    let qualtrics_flags = ResponseOptions {
        ignore_unknown_columns: true,
        ..speeding
    };
    let (_, _, got, _) = read(&qualtrics(true), &builtin::survey(), &qualtrics_flags).unwrap();
    assert_eq!(got, [QualityFlags::NONE, QualityFlags::SPEEDING]);
    // Without its duration column, a Qualtrics export's start and end dates
    // give the time taken (a bug: they were read as other metadata).
    let no_duration = format!(
        "StartDate,EndDate,ResponseId,Q1_1\n\
         Start Date,End Date,Response ID,\"Rate yourself - {}\"\n\
         \"{{\"\"ImportId\"\":\"\"startDate\"\"}}\",\"{{\"\"ImportId\"\":\"\"endDate\"\"}}\",\"{{\"\"ImportId\"\":\"\"_recordId\"\"}}\",\"{{\"\"ImportId\"\":\"\"QID1_1\"\"}}\"\n\
         2024-01-01 10:00:00,2024-01-01 10:05:00,R_a,4\n\
         2024-01-01 11:00:00,2024-01-01 11:00:20,R_b,5\n\
         2024-01-01 12:00:00,,R_c,5\n",
        self::text(0).replace('"', "\"\"")
    );
    let (ids, _, got, _) = read(&no_duration, &builtin::survey(), &qualtrics_flags).unwrap();
    assert_eq!(ids, ["R_a", "R_b", "R_c"]);
    // No end time: not known to be speeding.
    assert_eq!(
        got,
        [QualityFlags::NONE, QualityFlags::SPEEDING, QualityFlags::NONE]
    );
}

#[test]
fn layouts_take_their_id_column_or_the_one_named() {
    let text = "#,Communication,email,Start Date (UTC),Submit Date (UTC),Network ID\nt1,4,a@b.c,x,y,z\n";
    let ignore = ResponseOptions {
        ignore_unknown_columns: true,
        ..plain_options()
    };
    let (ids, ..) = read(text, &builtin::survey(), &ignore).unwrap();
    assert_eq!(ids, ["t1"]);
    let by_email = ResponseOptions {
        id_column: Some("email".into()),
        ..plain_options()
    };
    let (ids, ..) = read(text, &builtin::survey(), &by_email).unwrap();
    assert_eq!(ids, ["a@b.c"]);
    let hash = ResponseOptions {
        id_column: Some("#".into()),
        ..ignore
    };
    assert_eq!(read(text, &builtin::survey(), &hash).unwrap().0, ["t1"]);
    // Google Forms without emails numbers its rows.
    let text = "Timestamp,Communication\nx,4\ny,5\n";
    assert_eq!(
        read(text, &builtin::survey(), &plain_options()).unwrap().0,
        ["1", "2"]
    );
    // Named as plain, a Typeform file's metadata columns are unknown.
    let plain = ResponseOptions {
        source: Source::Plain,
        ..plain_options()
    };
    let e = read("#,Communication,Network ID\nt,4,z\n", &builtin::survey(), &plain).unwrap_err();
    assert!(e.contains("column 3 \"Network ID\""), "{e}");
}

proptest! {
    /// However the input is cut, a two-row header export reads the same
    /// chunked as sequentially, with the same lines.
    #[test]
    fn surveymonkey_chunked_equals_sequential(
        rows in prop::collection::vec(
            (prop::sample::select(vec!["101", "\"10\n2\"", "103"]),
             prop::collection::vec(prop::sample::select(vec!["Agree", "", "5", "\"Strongly\nagree\"", "Never"]), 2)),
            0..8),
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = format!(
            "Respondent ID,Collector ID,Rate,{nl},,\"{}\",\"{}\"{nl}",
            text(2).replace('"', "\"\""),
            text(3).replace('"', "\"\"")
        );
        for (id, cells) in &rows {
            text.push_str(&format!("{id},7,{}{nl}", cells.join(",")));
        }
        let whole = sequential(&text, &builtin::survey(), &plain_options());
        for target in [1usize, 3, 17, 1 << 16] {
            prop_assert_eq!(chunked(&text, &builtin::survey(), &plain_options(), target), whole.clone());
        }
    }
}

proptest! {
    /// Plain lines read straight into the batch (`parse_dense_line`) give
    /// what the general path gives, row for row and error for error: cells
    /// that are numbers, blanks, `NA`, labels, out-of-range values, odd ids
    /// and ragged rows, with and without a column that is not read.
    #[test]
    fn dense_lines_read_as_the_general_path_does(
        extra in any::<bool>(),
        semicolons in any::<bool>(),
        // Answers on 0..9, mapped onto the matrix's 1..5 (digit tables).
        nine in any::<bool>(),
        rows in prop::collection::vec(
            (
                prop::sample::select(vec!["a", "b7", " c ", "=x", "\u{fc}", "", "  "]),
                prop::collection::vec(
                    prop::sample::select(vec![
                        "1", "2", "5", "3.5", " 4 ", "", " ", "NA", "n/a", "7", "0", "x", "Agree",
                        "4\r", "1.", ".5", "00004", "+3", "4e0", "9", "8.5", "10",
                    ]),
                    1..5,
                ),
            ),
            1..8,
        ),
    ) {
        let d = if semicolons { ";" } else { "," };
        let mut text = ["respondent", "Communication", "Risk Management", "Negotiation"].join(d);
        if extra {
            text.push_str(&format!("{d}notes"));
        }
        text.push('\n');
        for (id, cells) in &rows {
            text.push_str(id);
            for cell in cells {
                text.push_str(d);
                text.push_str(cell);
            }
            text.push('\n');
        }
        let options = ResponseOptions {
            ignore_unknown_columns: true,
            scale: nine.then(|| Scale::new(0.0, 9.0).unwrap()),
            ..plain_options()
        };
        let whole = sequential(&text, &builtin::survey(), &options);
        for target in [1usize, 7, 1 << 16] {
            prop_assert_eq!(chunked(&text, &builtin::survey(), &options, target), whole.clone());
        }
        // Each fast path on its own, and none, agree too.
        for paths in ALL_FAST_PATHS {
            prop_assert_eq!(chunked_with(&text, &builtin::survey(), &options, 1 << 16, paths), whole.clone());
        }
    }
}

#[test]
fn the_dense_path_takes_plain_lines_and_leaves_the_rest() {
    let matrix = builtin::matrix();
    let text = "respondent,Communication,notes,Negotiation\n";
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..plain_options()
    };
    let chunks = ResponseChunks::new(text.as_bytes(), "x.csv", &matrix, None, &options, 64).unwrap();
    let plan = chunks.plan();
    let mut scratch = crate::responses::Scratch::default();
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    let communication = matrix.capability_index("communication").unwrap();
    let negotiation = matrix.capability_index("negotiation").unwrap();
    for line in ["a,4,anything,2", " b ,, x,3.5 ", "c,1,,\r"] {
        assert!(
            plan.parse_dense_line(line.as_bytes(), 1, &mut scratch, &mut batch),
            "{line}"
        );
    }
    assert_eq!(batch.respondents(), ["a", "b", "c"]);
    assert_eq!(batch.profile(0).values[communication], Some(4.0));
    assert_eq!(batch.profile(1).values[communication], None);
    assert_eq!(batch.profile(1).values[negotiation], Some(3.5));
    assert_eq!(batch.profile(2).values[negotiation], None);
    for line in [
        "a,NA,,1",
        "a,Agree,,1",
        "a,9,,1",
        "a,4,,0",
        "a,4,,6",
        ",4,,1",
        "a,4,,1,5",
        "a,4,1",
        "a,4e0,,1",
    ] {
        assert!(
            !plan.parse_dense_line(line.as_bytes(), 1, &mut scratch, &mut batch),
            "{line}"
        );
    }
    assert_eq!(batch.len(), 3, "a line left to the general path adds nothing");
    // Reverse-keyed items or several items per capability: no dense path.
    let survey_text = "respondent,Q01,Q02\n";
    let chunks = ResponseChunks::new(
        survey_text.as_bytes(),
        "x.csv",
        &matrix,
        Some(&builtin::survey()),
        &options,
        64,
    )
    .unwrap();
    assert!(!chunks
        .plan()
        .parse_dense_line(b"a,4,4", 1, &mut scratch, &mut batch));
}
