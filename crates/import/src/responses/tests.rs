//! Tests of the responses reader, through its public API.

use super::*;
use csv::ByteRecord;
use proptest::prelude::*;
use rolefit_model::{Capability, ProfileBatch, Requirement, ResponseScale, Role, Scale, SurveyItem};

/// Three capabilities on 1..5; "Risk Management" has the alias "Risk Mgmt".
fn matrix() -> RoleMatrix {
    let mut risk = Capability::new("risk-management", "Risk Management");
    risk.aliases.push("Risk Mgmt".into());
    let caps = vec![
        risk,
        Capability::new("communication", "Communication"),
        Capability::new("budget-management", "Budget Management"),
    ];
    let role = Role::new("lead", "Lead", vec![Requirement::level(3.0); 3]);
    RoleMatrix::new("t", "test", Scale::default(), caps, vec![role]).unwrap()
}

fn item(id: &str, capability: &str, reverse: bool) -> SurveyItem {
    SurveyItem {
        id: id.into(),
        text: String::new(),
        capability: capability.into(),
        reverse,
        scale: None,
    }
}

/// Q1, Q2 (reverse) measure risk, Q3 communication, Q4 a capability the
/// matrix lacks, and an item called "Communication" measures budget.
fn survey() -> Survey {
    Survey::new(
        "s",
        vec![
            item("Q1", "risk-management", false),
            item("Q2", "Risk Management", true),
            item("Q3", "communication", false),
            item("Q4", "Vision", false),
            item("Communication", "budget-management", false),
        ],
        ResponseScale::agreement5(),
    )
    .unwrap()
}

fn reader<'a>(text: &'a str, options: &ResponseOptions) -> Result<ResponseReader<&'a [u8]>, ImportError> {
    ResponseReader::new(text.as_bytes(), "r.csv", &matrix(), Some(&survey()), options)
}

fn read(text: &str) -> Result<ProfileBatch, ImportError> {
    reader(text, &ResponseOptions::default())?.read_all()
}

fn err(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

fn values(batch: &ProfileBatch, i: usize) -> Vec<Option<f64>> {
    batch.profile(i).values
}

#[test]
fn items_are_averaged_and_reverse_keyed_items_mirrored() {
    let b = read("respondent,Q1,Q2,Q3\nana,4,2,5\nbo,5,,1\n").unwrap();
    assert_eq!(b.respondents(), ["ana", "bo"]);
    // Q2 = 2 mirrored is 4; mean(4, 4) = 4.
    assert_eq!(values(&b, 0), [Some(4.0), Some(5.0), None]);
    assert_eq!(values(&b, 1), [Some(5.0), Some(1.0), None]);
    let b = read("id,Q1,Q2\nx,5,5\n").unwrap();
    assert_eq!(values(&b, 0)[0], Some(3.0), "mean(5, 6 - 5)");
}

#[test]
fn capability_columns_match_by_id_name_or_alias_and_mix_with_items() {
    let b = read("Respondent ID,RISK MGMT,budget-management,Q1\nx,2,3,4\n").unwrap();
    assert_eq!(values(&b, 0), [Some(3.0), None, Some(3.0)]);
}

#[test]
fn a_capability_match_wins_over_an_item_match() {
    let r = reader("respondent,Communication\nx,2\n", &ResponseOptions::default()).unwrap();
    assert_eq!(r.plan().columns(), [ColumnRole::Id, ColumnRole::Capability(1)]);
    let r = reader("respondent,Q2\nx,2\n", &ResponseOptions::default()).unwrap();
    assert_eq!(
        r.plan().columns()[1],
        ColumnRole::Item {
            item: 1,
            capability: 0,
            reverse: true
        }
    );
    assert_eq!(r.plan().columns_per_capability(), [1, 0, 0]);
}

#[test]
fn finds_the_id_column_or_numbers_rows() {
    for (header, index) in [("respondent_id", 0), ("ID", 0), ("Respondent", 1)] {
        let text = if index == 0 {
            format!("{header},Q1\nx,1\n")
        } else {
            format!("Q1,{header}\n1,x\n")
        };
        let r = reader(&text, &ResponseOptions::default()).unwrap();
        assert_eq!(r.plan().id_column(), Some((index, header)));
        assert_eq!(r.read_all().unwrap().respondents(), ["x"]);
    }
    let b = read("Q1,Q3\n1,2\n\n3,4\n5,1\n").unwrap();
    assert_eq!(b.respondents(), ["1", "2", "3"]);
    let options = ResponseOptions {
        id_column: Some("who".into()),
        ..Default::default()
    };
    let r = reader("Q1,WHO,id\n1,a,b\n", &options);
    // `id` is not the id column then, and matches nothing.
    assert!(r.err().unwrap().to_string().contains("column 3 \"id\""));
}

#[test]
fn a_missing_id_column_is_named_with_suggestions() {
    let options = ResponseOptions {
        id_column: Some("respondnet".into()),
        ..Default::default()
    };
    let e = reader("respondent,Q1\nx,1\n", &options)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        "r.csv:1: there is no respondent id column \"respondnet\" (did you mean \"respondent\"?); expected \
         the name of a header column: \"respondent\", \"Q1\""
    );
}

#[test]
fn an_empty_id_is_refused() {
    assert_eq!(
        err("respondent,Q1\na,1\n ,2\n"),
        "r.csv:3: column 1 \"respondent\": the cell is empty; expected a respondent id in every row (or no \
         id column at all, to number the rows 1, 2, ...)"
    );
}

#[test]
fn labels_and_missing_markers_are_read() {
    let b = read("respondent,Q1,Q3,Risk Mgmt\nx,strongly AGREE,Neither agree nor disagree,NA\ny,n/a,,N/A\n")
        .unwrap();
    assert_eq!(values(&b, 0), [Some(5.0), Some(3.0), None]);
    assert_eq!(values(&b, 1), [None, None, None]);
    assert_eq!(b.answered_count(1), 0);
    assert!(read("respondent,Q2\nx,Disagree\n").unwrap().row(0).0[0] == 4.0);
}

#[test]
fn unknown_labels_name_file_line_column_and_the_accepted_values() {
    assert_eq!(
        err("respondent,Q1,Q2,Q3\na,1,2,3\n\"b\nc\",4,5,3\nd,1,2,agreee\n"),
        "r.csv:5: column 4 \"Q3\": \"agreee\" is not a number or a label of the response scale (did you \
         mean \"Agree\"?); expected a number from 1 to 5 or one of: Strongly disagree, Disagree, Neither \
         agree nor disagree, Agree, Strongly agree"
    );
    assert_eq!(
        err("respondent,Q1\na,maybe\n"),
        "r.csv:2: column 2 \"Q1\": \"maybe\" is not a number or a label of the response scale; expected a \
         number from 1 to 5 or one of: Strongly disagree, Disagree, Neither agree nor disagree, Agree, \
         Strongly agree (if \"maybe\" means no answer, pass --missing-labels \"maybe\")"
    );
}

#[test]
fn out_of_range_and_non_finite_answers_are_refused() {
    assert!(err("respondent,Q1\na,7\n").starts_with(
        "r.csv:2: column 2 \"Q1\": \"7\" is outside the response scale; expected a number from 1 to 5 or one of:"
    ));
    assert!(err("respondent,Q1\na,0.5\n").contains("\"0.5\" is outside the response scale"));
    assert!(err("respondent,Q1\na,NaN\n")
        .starts_with("r.csv:2: column 2 \"Q1\": \"NaN\" is not a finite number; expected"));
    assert!(err("respondent,Q1\na,-inf\n").contains("\"-inf\" is not a finite number"));
    let numeric = ResponseOptions {
        scale: Some(Scale::new(0.0, 10.0).unwrap()),
        ..Default::default()
    };
    let e = reader("respondent,Q1\na,Agree\n", &numeric)
        .unwrap()
        .read_all()
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "r.csv:2: column 2 \"Q1\": \"Agree\" is not a number; expected a number from 0 to 10"
    );
}

#[test]
fn plain_decimals_parse_exactly_like_the_float_parser() {
    for text in [
        "0",
        "4",
        " 5 ",
        ".5",
        "3.5",
        "0.1",
        "2.675",
        "007",
        "123456789012345",
        "1.00000000000001",
    ] {
        assert_eq!(
            plain_decimal(text.as_bytes()),
            Some(text.trim().parse::<f64>().unwrap()),
            "{text}"
        );
    }
    for text in [
        "",
        " ",
        "-1",
        "+2",
        "1e3",
        "1.",
        "1.2.3",
        "NaN",
        "Agree",
        "1234567890123456",
        "4\u{a0}",
    ] {
        assert_eq!(plain_decimal(text.as_bytes()), None, "{text:?}");
    }
}

/// Regression (cargo fuzz, target `responses`): a cell of twenty or
/// more digits overflowed the fast path's mantissa in debug builds.
#[test]
fn very_long_digit_strings_take_the_general_path() {
    let long = "4".repeat(40);
    assert_eq!(plain_decimal(long.as_bytes()), None);
    assert_eq!(plain_decimal("8".repeat(25).as_bytes()), None);
    let err = err(&format!("respondent,Q1\nr1,{long}\n"));
    assert!(err.contains("is outside the response scale"), "{err}");
}

proptest! {
    #[test]
    fn plain_decimal_agrees_with_parse(int in 0u64..1_000_000, frac in 0u64..1_000_000_000, places in 0usize..9) {
        let text = if places == 0 { int.to_string() } else { format!("{int}.{:0places$}", frac % 10u64.pow(places as u32)) };
        prop_assert_eq!(plain_decimal(text.as_bytes()), Some(text.parse::<f64>().unwrap()));
    }
}

#[test]
fn decimals_are_accepted() {
    let b = read("respondent,Q1\na, 2.5 \n").unwrap();
    assert_eq!(values(&b, 0)[0], Some(2.5));
}

#[test]
fn answers_are_mapped_from_the_response_scale_onto_the_matrix_scale() {
    let seven = ResponseOptions {
        scale: Some(Scale::new(1.0, 7.0).unwrap()),
        ..Default::default()
    };
    let r = reader("respondent,Q1,Q2,Q3\na,4,7,1\nb,7,1,2.5\n", &seven).unwrap();
    assert!(r.plan().response_scale().labels().is_empty());
    let b = r.read_all().unwrap();
    // Q1 4 -> 3; Q2 reverse: 7 -> 1 -> 1; mean 2. Q3 1 -> 1.
    assert_eq!(values(&b, 0), [Some(2.0), Some(1.0), None]);
    // 1 + (v - 1) * 4 / 6
    assert_eq!(values(&b, 1), [Some(5.0), Some(2.0), None]);
    let same = ResponseOptions {
        scale: Some(Scale::default()),
        ..Default::default()
    };
    let r = reader("respondent,Q1\na,Agree\n", &same).unwrap();
    assert_eq!(r.plan().response_scale(), &ResponseScale::agreement5());
    let r = ResponseReader::new(
        &b"respondent,Q1\n"[..],
        "r.csv",
        &matrix(),
        Some(&survey()),
        &Default::default(),
    );
    assert_eq!(r.unwrap().plan().matrix_scale(), Scale::default());
}

#[test]
fn without_a_survey_the_agreement_scale_and_capability_columns_are_used() {
    let r = ResponseReader::new(
        &b"respondent,Communication\nx,Agree\n"[..],
        "r.csv",
        &matrix(),
        None,
        &ResponseOptions::default(),
    )
    .unwrap();
    assert_eq!(r.plan().response_scale(), &ResponseScale::agreement5());
    assert_eq!(values(&r.read_all().unwrap(), 0)[1], Some(4.0));
    let e = ResponseReader::new(
        &b"respondent,Q1\n"[..],
        "r.csv",
        &matrix(),
        None,
        &Default::default(),
    );
    assert!(e.err().unwrap().to_string().contains("column 2 \"Q1\""));
}

#[test]
fn unknown_columns_are_all_listed_with_suggestions() {
    let e = err("respondent,Risk Managment,Q1,Comunication,zzz\na,1,2,3,4\n");
    assert_eq!(
        e,
        "r.csv:1: 3 columns match no capability or survey item: column 2 \"Risk Managment\" (did you mean \
         \"Risk Management\" or \"Risk Mgmt\"?), column 4 \"Comunication\" (did you mean \"Communication\"?), column 5 \"zzz\"; \
         expected a capability id, name or alias of the role matrix, or a survey item id (pass \
         --ignore-unknown-columns to skip columns that match nothing)"
    );
    let e = read("respondent,Q 01\n").unwrap_err();
    assert_eq!(e.column(), Some((2, "Q 01")));
    assert!(
        e.to_string().starts_with(
            "r.csv:1: column 2 \"Q 01\": matches no capability or survey item (did you mean \"Q1\"?); expected"
        ),
        "{e}"
    );
}

#[test]
fn unknown_columns_can_be_ignored() {
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..Default::default()
    };
    let r = reader("respondent,notes,Q1,age\na,hi,4,x\n", &options).unwrap();
    assert_eq!(r.plan().ignored(), ["notes", "age"]);
    assert_eq!(r.plan().columns()[1], ColumnRole::Ignored);
    assert_eq!(values(&r.read_all().unwrap(), 0)[0], Some(4.0));
    let e = reader("respondent,notes\na,1\n", &options)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        "r.csv:1: no column of the header matches a capability or survey item (ignored: \"notes\"); expected \
         columns named after capabilities of the role matrix (id, name or alias, for example \"Risk \
         Management\") or survey item ids (for example \"Q1\")"
    );
    assert!(err("respondent\na\n").contains("no column of the header matches"));
}

#[test]
fn columns_that_look_like_ids_are_named_with_the_flag_to_use() {
    let v = |cells: &'static [&'static str]| cells.iter().map(|c| Some(c.as_bytes())).collect::<Vec<_>>();
    for header in [
        "EmployeeID",
        "user_id",
        "ResponseId",
        "Employee number",
        "Email Address",
        "Full Name",
        "ID",
    ] {
        assert!(looks_like_ids(header, v(&["1", "1"]).into_iter()), "{header}");
    }
    for header in ["notes", "Tidiness", "age", "Paid", "Confidence"] {
        assert!(
            !looks_like_ids(header, v(&["a", "a", "b", "c", "d"]).into_iter()),
            "{header}"
        );
    }
    // All different and filled, in at least five rows.
    assert!(looks_like_ids(
        "person",
        v(&["a", "b", "c", "d", "e"]).into_iter()
    ));
    assert!(!looks_like_ids("person", v(&["a", "b", "c", "d"]).into_iter()));
    assert!(!looks_like_ids(
        "person",
        v(&["a", "b", "", "d", "e", "f"]).into_iter()
    ));
    // The error and the plan name such a column.
    let text = "EmployeeID,notes,Q1\nE1,x,4\nE2,x,3\n";
    let e = reader(text, &ResponseOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("column \"EmployeeID\" looks like respondent ids: if it holds them, pass --id-column \"EmployeeID\""),
        "{e}"
    );
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..Default::default()
    };
    let r = reader(text, &options).unwrap();
    assert_eq!(r.plan().ignored(), ["EmployeeID", "notes"]);
    assert_eq!(r.plan().id_like_ignored(), ["EmployeeID"]);
}

#[test]
fn an_item_whose_capability_the_matrix_lacks_is_refused() {
    assert_eq!(
        err("respondent,Q4\na,1\n"),
        "r.csv:1: column 2 \"Q4\": survey item \"Q4\" measures capability \"Vision\", which the role matrix \
         does not have; expected the survey and the role matrix to name the same capabilities (or drop the \
         column)"
    );
}

#[test]
fn header_and_row_shape_errors() {
    assert!(err("").starts_with("r.csv: is empty; expected a header row naming the respondent id column"));
    assert!(err("\u{feff}\r\n").contains("is empty"));
    assert!(err("respondent,Q1,q-1\n").contains("column 3 \"q-1\": has the same name as column 2 \"Q1\""));
    assert_eq!(
        err("respondent,Q1,Q2\na,4\n"),
        "r.csv:2: the row has 2 fields but the header has 3 columns; expected one field per header column \
         (put a field that contains the delimiter or a line break in double quotes)"
    );
    assert!(err("respondent,Q1\na,4,5\n").starts_with("r.csv:2: the row has 3 fields but the header has 2"));
    let b = read("respondent,Q1\n").unwrap();
    assert!(b.is_empty());
    assert_eq!(b.capabilities(), 3);
}

#[test]
fn bom_crlf_semicolons_and_tabs_are_accepted() {
    for text in [
        "\u{feff}respondent;Q1;Q3\r\na;4;\"2\"\r\n",
        "respondent\tQ1\tQ3\na\t4\t2",
        "respondent,Q1,Q3\r\n\r\na,4,2\r\n,,\r\n",
    ] {
        let b = read(text).unwrap();
        assert_eq!(b.respondents(), ["a"], "{text:?}");
        assert_eq!(values(&b, 0), [Some(4.0), Some(2.0), None], "{text:?}");
    }
}

#[test]
fn quoted_fields_keep_line_numbers_right() {
    let text = "respondent,Q1\n\"multi\nline, id\",4\n\"b\",\"5\"\n\"c\r\n\",x\n";
    let e = read(text).unwrap_err();
    assert_eq!(e.line(), Some(5));
    assert_eq!(e.column(), Some((2, "Q1")));
    let b = read(&text.replace(",x", ",1")).unwrap();
    assert_eq!(b.respondents()[0], "multi\nline, id");
    assert_eq!(b.len(), 3);
}

#[test]
fn invalid_utf8_is_reported_in_its_cell() {
    let e = ResponseReader::new(
        &b"respondent,Q1\n\xff,4\n"[..],
        "r.csv",
        &matrix(),
        Some(&survey()),
        &Default::default(),
    )
    .unwrap()
    .read_all()
    .unwrap_err();
    assert_eq!(e.line(), Some(2));
    assert_eq!(e.column(), Some((1, "respondent")));
    assert!(e.to_string().contains("is not valid UTF-8"));
}

#[test]
fn batches_are_bounded_and_end_with_none() {
    let text = "respondent,Q1\na,1\nb,2\nc,3\nd,4\ne,5\n";
    let mut r = reader(text, &ResponseOptions::default()).unwrap();
    let sizes: Vec<usize> = std::iter::from_fn(|| r.read_batch(2).unwrap().map(|b| b.len())).collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert!(r.read_batch(2).unwrap().is_none());
    assert_eq!(r.rows_read(), 5);
    let mut r = reader(text, &ResponseOptions::default()).unwrap();
    assert_eq!(r.read_batch(0).unwrap().unwrap().len(), 1, "0 reads one row");
}

#[test]
fn records_can_be_read_and_parsed_separately() {
    let text = "respondent,Q1\n\na,1\n\"b\nb\",2\nc,x\n";
    let mut r = reader(text, &ResponseOptions::default()).unwrap();
    let plan = r.plan().clone();
    let mut record = ByteRecord::new();
    let mut batch = ProfileBatch::new(plan.capabilities());
    let mut positions = Vec::new();
    let mut errors = Vec::new();
    while let Some(pos) = r.next_record(&mut record).unwrap() {
        positions.push(pos);
        if let Err(e) = plan.parse_record(&record, pos.line, pos.row, &mut batch) {
            errors.push(e.to_string());
        }
    }
    assert_eq!(
        positions,
        [
            RowPosition { line: 3, row: 1 },
            RowPosition { line: 4, row: 2 },
            RowPosition { line: 6, row: 3 }
        ]
    );
    assert_eq!(batch.respondents(), ["a", "b\nb"]);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("r.csv:6: column 2 \"Q1\": \"x\""),
        "{}",
        errors[0]
    );
    let short = ByteRecord::from(vec!["a"]);
    assert!(plan.parse_record(&short, 9, 9, &mut batch).is_err());
    assert_eq!(plan.source(), "r.csv");
    assert_eq!(plan.header(), ["respondent", "Q1"]);
    assert_eq!(plan.delimiter(), b',');
}

#[test]
fn a_failed_row_does_not_stop_later_reads() {
    let mut r = reader("respondent,Q1\na,x\nb,2\n", &ResponseOptions::default()).unwrap();
    assert!(r.read_batch(10).is_err());
    let b = r.read_batch(10).unwrap().unwrap();
    assert_eq!(b.respondents(), ["b"]);
    assert_eq!(r.rows_read(), 2);
}

proptest! {
    #[test]
    fn column_order_does_not_change_profiles(
        rows in proptest::collection::vec(proptest::collection::vec(proptest::option::of(1u8..=5), 5), 1..6),
        order in Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle(),
    ) {
        let names = ["Q1", "Q2", "Q3", "Risk Mgmt", "Budget Management"];
        let write = |order: &[usize]| {
            let mut text = String::from("respondent");
            for &c in order {
                text.push(',');
                text.push_str(names[c]);
            }
            text.push('\n');
            for (i, row) in rows.iter().enumerate() {
                text.push_str(&format!("r{i}"));
                for &c in order {
                    text.push(',');
                    if let Some(v) = row[c] {
                        text.push_str(&v.to_string());
                    }
                }
                text.push('\n');
            }
            text
        };
        let straight = read(&write(&[0, 1, 2, 3, 4])).unwrap();
        let shuffled = read(&write(&order)).unwrap();
        prop_assert_eq!(straight.respondents(), shuffled.respondents());
        for i in 0..straight.len() {
            let (a, b) = (values(&straight, i), values(&shuffled, i));
            for (x, y) in a.iter().zip(&b) {
                match (x, y) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-12),
                    (None, None) => {}
                    _ => prop_assert!(false, "{:?} vs {:?}", a, b),
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let options = ResponseOptions { ignore_unknown_columns: true, ..Default::default() };
        if let Ok(r) = ResponseReader::new(&bytes[..], "r.csv", &matrix(), Some(&survey()), &options) {
            let _ = r.read_all();
        }
        let _ = crate::read_survey(&bytes[..], "s.csv", ResponseScale::agreement5());
    }

    #[test]
    fn arbitrary_rows_never_panic(body in "[a-z0-9,;\"\\n\\r\\t .NA/-]{0,120}") {
        let text = format!("respondent,Q1,Q2,Communication\n{body}");
        if let Ok(r) = reader(&text, &ResponseOptions::default()) {
            let _ = r.read_all();
        }
    }
}

#[test]
fn no_answer_labels_are_missing_and_counted() {
    let b = read("respondent,Q1,Q2,Q3\nana,Don't know,Not applicable,4\nbo,Agree,I don't know,n/a\ncy,N/A,,Prefer not to say\n")
        .unwrap();
    assert_eq!(values(&b, 0), [None, Some(4.0), None]);
    assert_eq!(values(&b, 1), [Some(4.0), None, None]);
    assert_eq!(values(&b, 2), [None, None, None]);
    // Empty cells, NA and N/A are missing but not counted as labels.
    assert_eq!(b.no_answer(), 4);
    // A label the column's scale does not know is still an error.
    assert!(err("respondent,Q1\nana,Skipped\n").contains("\"Skipped\" is not a number or a label"));
}

#[test]
fn own_no_answer_labels_and_labels_map_blanks_are_missing() {
    let options = ResponseOptions {
        missing_labels: vec!["Skipped".into()],
        ..Default::default()
    };
    let b = reader("respondent,Q1,Q3\nana,skipped,4\n", &options)
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!((values(&b, 0), b.no_answer()), (vec![None, Some(4.0), None], 1));
    let labels = crate::read_labels_map(
        &b"label,value\nNot at all,1\nSomewhat,2\nVery much,3\nNot seen,\nNot sure,2\n"[..],
        "extent.csv",
    )
    .unwrap();
    let options = ResponseOptions {
        labels,
        ..Default::default()
    };
    let b = reader(
        "respondent,Q1,Q3\nana,Not seen,Very much\nbo,Not sure,Not at all\n",
        &options,
    )
    .unwrap()
    .read_all()
    .unwrap();
    // `Not sure` has a value in the map, so it is an answer there.
    assert_eq!(values(&b, 0), [None, Some(5.0), None]);
    assert_eq!(values(&b, 1), [Some(3.0), Some(1.0), None]);
    assert_eq!(b.no_answer(), 1);
}

#[test]
fn no_answer_labels_do_not_choose_a_column_scale() {
    // "Don't know" beside frequency labels: the column is still read on
    // the frequency scale.
    let r = reader(
        "respondent,Q1\nana,Often\nbo,Don't know\ncy,Never\n",
        &ResponseOptions::default(),
    )
    .unwrap();
    assert_eq!(r.plan().column_scale(1), Some("frequency"));
}

/// The survey of `survey()` with each item's scale from `scales`, by id.
fn survey_with_scales(scales: &[(&str, &str)]) -> Survey {
    let items = survey()
        .items()
        .iter()
        .map(|i| SurveyItem {
            scale: scales
                .iter()
                .find(|(id, _)| *id == i.id)
                .map(|(_, s)| s.to_string()),
            ..i.clone()
        })
        .collect();
    Survey::new("s", items, ResponseScale::agreement5()).unwrap()
}

fn read_with(text: &str, survey: &Survey, options: &ResponseOptions) -> Result<ProfileBatch, ImportError> {
    ResponseReader::new(text.as_bytes(), "r.csv", &matrix(), Some(survey), options)?.read_all()
}

#[test]
fn each_item_is_mapped_from_its_own_scale() {
    // Q1 on 0..10, Q2 (reverse) on agreement7, Q3 on the survey's 1..5.
    let s = survey_with_scales(&[("Q1", "0..10"), ("Q2", "agreement7")]);
    let b = read_with(
        "respondent,Q1,Q2,Q3\nana,10,Strongly disagree,5\nbo,0,7,1\ncy,5,,3\n",
        &s,
        &ResponseOptions::default(),
    )
    .unwrap();
    // ana: Q1 10 -> 5; Q2 1 on 1..7 mirrored -> 7 -> 5; mean 5.
    assert_eq!(values(&b, 0), [Some(5.0), Some(5.0), None]);
    assert_eq!(values(&b, 1), [Some(1.0), Some(1.0), None]);
    assert_eq!(values(&b, 2), [Some(3.0), Some(3.0), None]);
    // A per-item scale wins over --scale, which sets the other columns.
    let options = ResponseOptions {
        scale: Some(Scale::new(1.0, 7.0).unwrap()),
        ..Default::default()
    };
    let b = read_with("respondent,Q1,Q3\nana,10,7\n", &s, &options).unwrap();
    assert_eq!(values(&b, 0), [Some(5.0), Some(5.0), None]);
}

#[test]
fn an_item_scale_that_names_nothing_is_refused() {
    let s = survey_with_scales(&[("Q1", "sevenish")]);
    let e = read_with("respondent,Q1\nana,1\n", &s, &ResponseOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "r.csv: survey item \"Q1\" has the scale \"sevenish\", which is no range and no label scale; expected \
         in the survey definition's scale column, MIN..MAX or one of: agreement5, agreement7, frequency, like, \
         proficiency"
    );
}

#[test]
fn numbers_outside_the_scale_suggest_the_range_seen() {
    let e = err("respondent,Q1,Q3\nana,4,2\nbo,6,1\ncy,7,3\n");
    assert!(
        e.starts_with(
            "r.csv:3: column 2 \"Q1\": \"6\" is outside the response scale; expected a number from 1 to 5"
        ) && e.ends_with(
            "(4 to 7 seen in this column: is it a 1..7 scale? give the item the scale 1..7 in the survey \
                 definition's scale column, or pass --scale 1..7 for every column)"
        ),
        "{e}"
    );
    let e = err("respondent,Communication\nana,0\nbo,10\n");
    assert!(
        e.ends_with("(0 to 10 seen in this column: is it a 0..10 scale? pass --scale 0..10)"),
        "{e}"
    );
    // Nothing to suggest for a negative or fractional number.
    let e = err("respondent,Q1\nana,-1\n");
    assert!(e.ends_with("Strongly agree"), "{e}");
}

proptest! {
    /// Whatever an item's own scale, its lowest answer becomes the matrix
    /// scale's lowest level and its highest the highest.
    #[test]
    fn any_item_scale_maps_its_ends_onto_the_matrix_ends(lo in -20i32..20, width in 1i32..30, reverse in any::<bool>()) {
        let hi = lo + width;
        let spec = format!("{lo}..{hi}");
        let items = vec![
            SurveyItem { scale: Some(spec.clone()), ..item("A", "risk-management", reverse) },
            SurveyItem { scale: Some(spec), ..item("B", "communication", reverse) },
        ];
        let s = Survey::new("s", items, ResponseScale::agreement5()).unwrap();
        let b = read_with(&format!("respondent,A,B\nx,{lo},{hi}\n"), &s, &ResponseOptions::default()).unwrap();
        let (low, high) = if reverse { (Some(5.0), Some(1.0)) } else { (Some(1.0), Some(5.0)) };
        let v = values(&b, 0);
        prop_assert!((v[0].unwrap() - low.unwrap()).abs() < 1e-9, "{:?}", v);
        prop_assert!((v[1].unwrap() - high.unwrap()).abs() < 1e-9, "{:?}", v);
    }
}

#[test]
fn near_numbers_say_what_they_are() {
    let e = err("respondent;Q1\nana;3,5\n");
    assert!(
        e.ends_with(
            "(a decimal comma: pass --decimal-comma to read 3,5 as 3.5 (or save the file from a spreadsheet set \
             to a locale that writes a dot))"
        ),
        "{e}"
    );
    let e = err("respondent,Q1\nana,80%\n");
    assert!(
        e.ends_with(
            "(a percentage: write 80 without the % sign, and give the scale, such as --scale 0..100)"
        ),
        "{e}"
    );
    assert!(err("respondent,Q1\nana,abc%\n").ends_with("pass --missing-labels \"abc%\")"));
}

#[test]
fn decimal_commas_are_read_on_request() {
    let comma = ResponseOptions {
        decimal_comma: true,
        ..Default::default()
    };
    // Semicolon file, and a comma file with the cell quoted; labels with
    // commas stay labels.
    for text in [
        "respondent;Q1;Q3\nana;3,5;4\nbo;\"Neither agree, nor disagree\";2,25\n",
        "respondent,Q1,Q3\nana,\"3,5\",4\nbo,\"Neither agree, nor disagree\",\"2,25\"\n",
    ] {
        let b = reader(text, &comma).unwrap().read_all().unwrap();
        assert_eq!(values(&b, 0), [Some(3.5), Some(4.0), None], "{text}");
        assert_eq!(values(&b, 1), [Some(3.0), Some(2.25), None], "{text}");
    }
    // Still checked against the scale; "3,5,1" is no number.
    let e = reader("respondent;Q1\nana;5,5\n", &comma)
        .unwrap()
        .read_all()
        .unwrap_err();
    assert!(
        e.to_string().contains("\"5,5\" is outside the response scale"),
        "{e}"
    );
    let e = reader("respondent;Q1\nana;3,5,1\n", &comma)
        .unwrap()
        .read_all()
        .unwrap_err();
    assert!(e.to_string().contains("\"3,5,1\" is not a number"), "{e}");
}

/// `rows` parsed as typed rows by one parser, as data lines 2, 3, ...
/// after a header; the profiles and the parser, for more rows.
fn parse_typed<const N: usize>(plan: &ColumnPlan, rows: &[[Cell<'_>; N]]) -> (ProfileBatch, CellParser) {
    let mut typed = ProfileBatch::new(plan.capabilities());
    let mut parser = CellParser::new();
    for (i, row) in rows.iter().enumerate() {
        let position = RowPosition {
            line: i as u64 + 2,
            row: i as u64 + 1,
        };
        parser.parse(plan, row, position, &mut typed).unwrap();
    }
    (typed, parser)
}

/// The plan of `text` and the profiles its rows give.
fn plan_and_profiles(text: &str, options: &ResponseOptions) -> (ColumnPlan, ProfileBatch) {
    let reader = reader(text, options).unwrap();
    (reader.plan().clone(), reader.read_all().unwrap())
}

/// The error of parsing a row of the typed test's plan that starts with
/// `first` (the rest missing), on line 8.
fn parse_error(parser: &mut CellParser, plan: &ColumnPlan, first: [Cell<'_>; 2]) -> String {
    let row = [first[0], first[1], Cell::Missing, Cell::Missing, Cell::Missing];
    let position = RowPosition { line: 8, row: 7 };
    let mut out = ProfileBatch::new(3);
    let e = parser.parse(plan, &row, position, &mut out).unwrap_err();
    assert!(out.is_empty());
    e.to_string()
}

/// Typed cells parse as the CSV cells of the same row would: numbers,
/// labels, reverse-keyed items, missing answers; and a refused value reads
/// as pandas writes it to CSV.
#[test]
fn typed_cells_parse_as_their_csv_text() {
    let text = "respondent,Q1,Q2,Q3,Budget Management\nr1,4,2,Agree,\nr2,1.5,5,3,2\n";
    let (plan, csv) = plan_and_profiles(text, &ResponseOptions::default());
    let rows: [[Cell<'_>; 5]; 2] = [
        [
            Cell::Text("r1"),
            Cell::Integer(4),
            Cell::Number(2.0),
            Cell::Text("Agree"),
            Cell::Missing,
        ],
        [
            Cell::Text("r2"),
            Cell::Number(1.5),
            Cell::Text(" 5 "),
            Cell::Integer(3),
            Cell::Integer(2),
        ],
    ];
    let (typed, mut parser) = parse_typed(&plan, &rows);
    assert_eq!(typed, csv);
    for (cell, shown) in [
        (Cell::Number(7.0), "\"7.0\" is outside the response scale"),
        (Cell::Integer(7), "\"7\" is outside the response scale"),
        (Cell::Number(f64::NAN), "\"NaN\" is not a finite number"),
        (
            Cell::Text("agreee"),
            "\"agreee\" is not a number or a label of the response scale",
        ),
    ] {
        let e = parse_error(&mut parser, &plan, [Cell::Text("r9"), cell]);
        assert!(
            e.starts_with(&format!("r.csv:8: column 2 \"Q1\": {shown}")),
            "{e}"
        );
    }
    // Nothing appended on error; an empty id is refused as in a file.
    assert_eq!(typed.len(), 2);
    let e = parse_error(&mut parser, &plan, [Cell::Text(" "), Cell::Integer(3)]);
    assert_eq!(e, err("respondent,Q1,Q2,Q3,Budget Management\nr1,4,,,\nr2,4,,,\nr3,4,,,\nr4,4,,,\nr5,4,,,\nr6,4,,,\n ,3,,,\n"));
    assert!(Cell::Missing.is_blank() && Cell::Text(" ").is_blank() && !Cell::Integer(0).is_blank());
}

/// With quality flags on, typed numbers count for straight-lining as
/// their text does.
#[test]
fn typed_cells_carry_the_flags_of_their_csv_text() {
    let options = ResponseOptions {
        flags: Some(FlagOptions::default()),
        ..ResponseOptions::default()
    };
    let text = "respondent,Q1,Q2,Q3,Budget Management\nr1,3,3,3,3\n";
    let (plan, csv) = plan_and_profiles(text, &options);
    let mut typed = ProfileBatch::new(3);
    let row = [
        Cell::Text("r1"),
        Cell::Integer(3),
        Cell::Number(3.0),
        Cell::Text("3"),
        Cell::Integer(3),
    ];
    CellParser::new()
        .parse(&plan, &row, RowPosition { line: 2, row: 1 }, &mut typed)
        .unwrap();
    assert_eq!(typed, csv);
    assert!(!typed.flags(0).is_empty());
}

/// Files of the common shape take the dense path for typed rows too, with
/// the general path's results; a row it cannot take (a label, a value off
/// the scale) falls back, and is read or refused as always.
#[test]
fn typed_cells_of_the_common_shape_match_the_general_path() {
    let text = "respondent,Risk Management,Communication,Budget Management\n r1 ,4,,2.5\nr2,Agree,1,5\n";
    let (plan, csv) = plan_and_profiles(text, &ResponseOptions::default());
    let rows = [
        [
            Cell::Text(" r1 "),
            Cell::Integer(4),
            Cell::Missing,
            Cell::Number(2.5),
        ],
        [
            Cell::Text("r2"),
            Cell::Text("Agree"),
            Cell::Number(1.0),
            Cell::Integer(5),
        ],
    ];
    let (mut typed, mut parser) = parse_typed(&plan, &rows);
    assert_eq!(typed, csv);
    let off = [Cell::Text("r3"), Cell::Integer(6), Cell::Missing, Cell::Missing];
    let e = parser
        .parse(&plan, &off, RowPosition { line: 4, row: 3 }, &mut typed)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("r.csv:4: column 2 \"Risk Management\": \"6\" is outside"),
        "{e}"
    );
    assert_eq!(typed.len(), 2);
}

#[test]
fn labels_that_fit_no_scale_point_to_the_scale_column() {
    let mut items = survey().items().to_vec();
    items[0].text = "Rate your planning, overall".into();
    let s = Survey::new("s", items, ResponseScale::agreement5()).unwrap();
    let text = "respondent,Q1,Q3\nana,Excellent,4\nbo,Poor,3\ncy,Good,2\n";
    let e = ResponseReader::new(
        text.as_bytes(),
        "r.csv",
        &matrix(),
        Some(&s),
        &ResponseOptions::default(),
    )
    .unwrap()
    .read_all()
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "r.csv:2: column 2 \"Q1\": \"Excellent\" is not a number or a label of the response scale; expected a \
         number from 1 to 5 or one of: Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly \
         agree (the labels seen in this column, \"Excellent\", \"Poor\", \"Good\", fit no label scale: give their \
         numbers in a labels map, the lines `scale,label,value` `q1,Excellent,1` `q1,Poor,2` `q1,Good,3` \
         (numbered low to high as the scale runs), saved as scales.csv and passed with --labels-map scales.csv; \
         and give item \"Q1\" that scale in the survey definition's scale column: \
         `Q1,\"Rate your planning, overall\",risk-management,false,q1`)"
    );
    // A capability column: the labels map alone.
    let e = err("respondent,Communication\nana,Excellent\nbo,Poor\n");
    assert!(
        e.ends_with("saved as scales.csv and passed with --labels-map scales.csv)")
            && e.contains("`communication,Excellent,1`"),
        "{e}"
    );
    // One unknown word among labels a scale holds: the no-answer hint.
    let e = err("respondent,Q1\nana,Agree\nbo,Skipped\n");
    assert!(
        e.ends_with("(if \"Skipped\" means no answer, pass --missing-labels \"Skipped\")"),
        "{e}"
    );
    // The labels map that hint describes reads the column.
    let labels = crate::read_labels_map(
        &b"scale,label,value\nq1,Poor,1\nq1,Good,2\nq1,Excellent,3\n"[..],
        "scales.csv",
    )
    .unwrap();
    let mut items = survey().items().to_vec();
    items[0].scale = Some("q1".into());
    let s = Survey::new("s", items, ResponseScale::agreement5()).unwrap();
    let options = ResponseOptions {
        labels,
        ..Default::default()
    };
    let b = ResponseReader::new(text.as_bytes(), "r.csv", &matrix(), Some(&s), &options)
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!(values(&b, 0)[0], Some(5.0));
    assert_eq!(values(&b, 2)[0], Some(3.0));
}

#[test]
fn question_anchors_matter_only_for_numbers() {
    // A Qualtrics grid numbered from "Strongly agree" (its text says so).
    let head = "ResponseId,Q1\nResponse ID,\"Rate (1 = Strongly agree, 5 = Strongly disagree)\"\n\
                \"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n";
    let numbers = format!("{head}R_1,1\nR_2,4\n");
    let e = reader(&numbers, &ResponseOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.starts_with("r.csv:1: column 2 \"Q1\": its question text says 1 = \"Strongly agree\""),
        "{e}"
    );
    let mirror = ResponseOptions {
        numbering: Numbering::Mirror,
        ..Default::default()
    };
    let r = reader(&numbers, &mirror).unwrap();
    assert_eq!(r.plan().mirrored_numbering(), [1]);
    let b = r.read_all().unwrap();
    assert_eq!((values(&b, 0)[0], values(&b, 1)[0]), (Some(5.0), Some(2.0)));
    let as_is = ResponseOptions {
        numbering: Numbering::AsIs,
        ..Default::default()
    };
    let b = reader(&numbers, &as_is).unwrap().read_all().unwrap();
    assert_eq!(values(&b, 0)[0], Some(1.0));
    // The same grid exported as choice text is read by its labels.
    let labels = format!("{head}R_1,Strongly agree\nR_2,Disagree\n");
    let b = read(&labels).unwrap();
    assert_eq!((values(&b, 0)[0], values(&b, 1)[0]), (Some(5.0), Some(2.0)));
}
