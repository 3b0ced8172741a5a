//! Bytes to model: role matrices (CSV, Excel, O*NET data), surveys and
//! responses from CSV, and the built-in roles guide.
//!
//! The importer is the only part of rolefit that looks at input bytes. It
//! turns them into the validated types of [`rolefit_model`], and it owns
//! every message about bad input, so those messages can be precise: each
//! [`ImportError`] names the file, the line (as an editor numbers it), the
//! column and the offending cell, and says what was expected instead.
//!
//! - [`read_matrix`] reads a role matrix in wide or long layout, told apart
//!   by the header, or O*NET ratings (`Skills.txt`); [`read_matrix_report`]
//!   also says which [`Layout`] it found and what to warn about (such as
//!   O*NET estimates flagged `Recommend Suppress`), [`read_matrix_path`]
//!   reads a file by its path, Excel workbooks (`.xlsx`, also through
//!   [`read_matrix_xlsx`]) included, and finds O*NET titles beside it, and
//!   [`merge_matrices`] puts several matrices side by side (Skills +
//!   Knowledge).
//! - [`read_survey`] reads a survey: statement ids, texts, the capability
//!   each measures and whether it is reverse-keyed.
//! - [`ResponseReader`] streams a responses file in batches of
//!   [`ProfileBatch`](rolefit_model::ProfileBatch)es, mapping its columns
//!   once from the header into a [`ColumnPlan`]. Survey-tool exports
//!   (Qualtrics, SurveyMonkey, Google Forms, Microsoft Forms, Typeform) are
//!   recognised by their header rows ([`Source`]); answers may be numbers
//!   or labels of a built-in or custom label scale ([`builtin_scales`],
//!   [`read_labels_map`]); rows can carry response quality flags
//!   ([`FlagOptions`]).
//! - [`read_role_labels`] reads which role each respondent holds
//!   (`respondent,role`), for evaluating and training strategies.
//! - [`suggest`] is the one "did you mean" rule.
//! - [`builtin`] is the data rolefit ships with.
//!
//! All inputs share one CSV dialect: comma, tab or semicolon (sniffed from
//! the header line), an optional UTF-8 byte order mark, LF or CRLF line
//! ends, double quotes around cells that contain the delimiter or line
//! breaks, names matched ignoring case, spaces and punctuation
//! ([`match_key`](rolefit_model::match_key)). `docs/formats.md` in the
//! repository describes the formats for people.
//!
//! This library never prints, never exits, and does not panic on any input:
//! every problem with the input is an error value.
#![deny(missing_docs)]

pub mod builtin;
mod chunks;
mod encoding;
mod error;
#[cfg(test)]
mod export_tests;
mod labels;
mod layout;
pub mod limits;
mod matrix;
mod merge;
mod onet;
mod responses;
mod role_labels;
mod rows;
pub mod suggest;
mod survey;
mod table;
mod xlsx;

pub use chunks::{ChunkParser, FastPaths, RawChunk, ResponseChunks};
pub use csv::ByteRecord;
pub use encoding::{sniff, text_input, Latin1, Sniffed, TextOptions, Utf16};
pub use error::{ErrorKind, ImportError, UnknownColumn};
pub use labels::{builtin_scales, find_scale, read_labels_map, scale_names, NamedScale, NO_ANSWER_LABELS};
pub use layout::Source;
pub use matrix::{
    read_matrix, read_matrix_path, read_matrix_report, FileFormat, Layout, MatrixOptions, MatrixReport,
    SCALE_LINE,
};
pub use merge::{merge_matrices, merge_matrices_within};
pub use onet::{onet_credit, OnetDomain, CREDIT as ONET_CREDIT};
pub use responses::{
    looks_like_ids, read_choice_codes, AmbiguousScale, Cell, CellParser, ChoiceCodes, ColumnPlan, ColumnRole,
    DenseAnswer, FlagOptions, Numbering, ResponseOptions, ResponseReader, RowPosition,
    STRAIGHT_LINING_MIN_ANSWERS,
};
pub use role_labels::{read_role_labels, Labelled, RoleLabels};
pub use survey::{read_survey, read_survey_with_scales};
pub use xlsx::read_matrix_xlsx;
/// The error messages quoted in `docs/formats.md` are produced here, and
/// each must appear there word for word, so the documentation cannot drift
/// from the code.
#[cfg(test)]
mod documented_messages {
    use super::*;
    use rolefit_model::ResponseScale;

    const FORMATS_MD: &str = include_str!("../../../docs/formats.md");

    fn response_error(text: &[u8], survey: &rolefit_model::Survey, options: &ResponseOptions) -> String {
        let matrix = builtin::matrix();
        match ResponseReader::new(text, "responses.csv", &matrix, Some(survey), options) {
            Err(e) => e.to_string(),
            Ok(reader) => reader.read_all().expect_err("an error").to_string(),
        }
    }

    fn messages() -> Vec<String> {
        let survey = builtin::survey();
        let plain = ResponseOptions::default();
        let mut out = Vec::new();
        for text in [
            "respondent,Q01,Q02,Q03\nr1,4,5,3\nr2,2,3,4\nr3,1,2,3\nr4,5,5,5\nr5,4,4,4\nr6,3,3,3\nr7,4,5,agreee\n",
            "respondent,Q01\nr1,7\n",
            "respondent,Q01\nr1,NaN\n",
            "respondent,Q01,Q02\nr1,4\n",
            "respondent,Risk Managment,Q01,Comunication Skills,notes\nr1,4,5,3,x\n",
            "respondent,notes\nr1,x\n",
            "respondent,Q01\n,4\n",
            "respondent,Q01,q-01\n",
            "",
        ] {
            out.push(response_error(text.as_bytes(), &survey, &plain));
        }
        out.push(response_error(b"respondent,Q01\nJos\xe9,4\n", &survey, &plain));
        let id = ResponseOptions {
            id_column: Some("person".into()),
            ..Default::default()
        };
        out.push(response_error(b"Person ID,Q01\nx,1\n", &survey, &id));
        let ignore = ResponseOptions {
            ignore_unknown_columns: true,
            ..Default::default()
        };
        out.push(response_error(b"respondent,notes\nr1,x\n", &survey, &ignore));
        let vision = read_survey(
            &b"id,text,capability\nQ01,x,Vision\n"[..],
            "s.csv",
            ResponseScale::agreement5(),
        )
        .expect("a valid survey");
        out.push(response_error(b"respondent,Q01\n", &vision, &plain));

        for text in [
            "role,Planning,Budget\nLead,3,4\nAnalyst,2,lots\n",
            "role,Planning,Budget\nLead,3,inf\n",
            "role,capability,level,importance\nLead,Planning,3,1\nLead,Budget,9,1\n",
            "role,Planning,Budget\nLead,3,\n",
            "role,capability,level,importance\nLead,Planning,3,-1\n",
            "role,capability,level\nLead,Planning,3\nLead,Budget,2\nlead,planning,4\n",
            "name,Planning,Budget\nLead,3,4\n",
            "role,capability,level,weight\nLead,Planning,3,1\n",
            "role,Planning,Budget\n",
            "role,capability,level,importance\nLead,Planning,3,0\nLead,Budget,3,0\n",
        ] {
            let err = read_matrix(text.as_bytes(), "matrix.csv", &MatrixOptions::default()).expect_err(text);
            out.push(err.to_string());
        }
        for text in [
            "id,text,capability,reverse\nQ01,I plan,planning,maybe\n",
            "id,text,capabilty\nQ01,I plan,planning\n",
            "id,text,capability\nQ01,I plan,planning\nQ 01,I budget,budget\n",
        ] {
            let err =
                read_survey(text.as_bytes(), "survey.csv", ResponseScale::agreement5()).expect_err(text);
            out.push(err.to_string());
        }
        out.extend(workbook_messages());
        out
    }

    /// The messages of hostile workbooks (`book.xlsx`).
    fn workbook_messages() -> Vec<String> {
        use crate::xlsx::test_workbooks::{bomb, matrix_rows, row, sheet, workbook};
        let read = |bytes: Vec<u8>| {
            read_matrix_xlsx(
                std::io::Cursor::new(bytes),
                "book.xlsx",
                &MatrixOptions::default(),
            )
            .expect_err("an error")
            .to_string()
        };
        let with = |extra: &str| read(workbook(&sheet(None, &(matrix_rows() + extra)), &[]));
        let out_of_order = [
            row(1, &[("A1", "role"), ("B1", "a")]),
            row(3, &[("A3", "x"), ("B3", "1")]),
            row(2, &[("A2", "y"), ("B2", "2")]),
        ]
        .concat();
        vec![
            with(&row(1_048_576, &[("XFD1048576", "x")])),
            with(&row(4, &[("XFE4", "x")])),
            read(workbook(&sheet(None, &out_of_order), &[])),
            read(workbook(
                &sheet(
                    None,
                    &[
                        row(1, &[("B1", "role"), ("C1", "a")]),
                        row(2, &[("A2", "note"), ("B2", "x"), ("C2", "1")]),
                    ]
                    .concat(),
                ),
                &[],
            )),
            // 17 parts of 64 MiB: 1088 MiB unzipped, about 1 MB zipped.
            read(bomb(17, 64)),
        ]
    }

    /// The messages of real survey exports (issue 14), each produced here.
    fn export_messages() -> Vec<String> {
        let survey = builtin::survey();
        let plain = ResponseOptions::default();
        let mut sevenish = survey.items().to_vec();
        sevenish[0].scale = Some("sevenish".into());
        let sevenish = rolefit_model::Survey::new("s", sevenish, survey.scale().clone()).expect("a survey");
        let mut out = vec![
            response_error(b"respondent,Q01\nr1,Skipped\n", &survey, &plain),
            response_error(b"respondent,Q01\nr1,1\n", &sevenish, &plain),
            response_error(b"respondent,Communication\nr1,0\nr2,10\n", &survey, &plain),
            response_error(
                b"respondent,Q01\nr1,Excellent\nr2,Good\nr3,Fair\nr4,Poor\n",
                &survey,
                &plain,
            ),
            read_survey(
                &b"id,text,capability,scale\nQ1,x,planning,5..1\n"[..],
                "survey.csv",
                rolefit_model::ResponseScale::agreement5(),
            )
            .expect_err("a bad scale")
            .to_string(),
            crate::read_survey_with_scales(
                &b"id,text,capability,scale\nQ01,x,planning,abc\n"[..],
                "survey.csv",
                rolefit_model::ResponseScale::agreement5(),
                &[],
            )
            .expect_err("a scale name no scale has")
            .to_string(),
            response_error(b"Respondent ID,Q01,\nr1,4,\n", &survey, &plain),
            response_error(
                b"ResponseId,Q01\nResponse ID,\"Rate yourself (1 = Strongly agree, 5 = Strongly disagree)\"\n\
                  \"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\nR_1,1\n",
                &survey,
                &plain,
            ),
            response_error(b"respondent;Q01\nr1;3,5\n", &survey, &plain),
            response_error(b"respondent,Q01\nr1,80%\n", &survey, &plain),
        ];
        let not_text = |bytes: &[u8], name: &str| match text_input(
            std::io::Cursor::new(bytes.to_vec()),
            name,
            &TextOptions::default(),
        ) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{name} read as text"),
        };
        let utf16: Vec<u8> = "respondent,Q01\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        out.extend([
            not_text(b"\x1f\x8b\x08\x00", "responses.csv.gz"),
            not_text(b"PAR1\x15", "responses.parquet"),
            not_text(&utf16, "responses.csv"),
            not_text(b"PK\x03\x04\x14\x00", "survey.xlsx"),
        ]);
        out.extend(crate::xlsx::tests::sheet_messages());
        out.extend(crate::responses::choices::tests::messages());
        let styles = format!(
            "{}\n{}\n",
            crate::onet::tests::HEADER,
            crate::onet::tests::row(
                "11-1011.00",
                ("4.C.1.a.2.c", "Public Speaking"),
                "CX",
                "3.2",
                ("N", "n/a")
            )
        );
        let ten = MatrixOptions {
            scale: rolefit_model::Scale::new(0.0, 7.0).expect("a scale"),
            ..MatrixOptions::default()
        };
        out.push(
            read_matrix(
                &b"role,Engineer I,Engineer II,Senior Engineer\nCoding,3,4,5\n"[..],
                "ladder.csv",
                &MatrixOptions::default(),
            )
            .expect_err("transposed")
            .to_string(),
        );
        out.push(
            read_matrix(&b"# scale: 1..10\nrole,a,b\nx,1,2\n"[..], "copy.csv", &ten)
                .expect_err("two scales")
                .to_string(),
        );
        out.push(
            read_matrix(styles.as_bytes(), "context.txt", &MatrixOptions::default())
                .expect_err("Work Context")
                .to_string(),
        );
        let style =
            |element, value| crate::onet::tests::row("11-1011.00", element, "IM", value, ("N", "n/a"));
        let work_styles = format!(
            "{}\n{}\n{}\n",
            crate::onet::tests::HEADER,
            style(("1.C.1.a", "Achievement/Effort"), "4.2"),
            style(("1.C.2.b", "Leadership"), "3.1"),
        );
        let report = read_matrix_report(
            work_styles.as_bytes(),
            "Work Styles.txt",
            &MatrixOptions::default(),
        )
        .expect("Work Styles is read");
        out.push(report.warnings[0].clone());
        out
    }

    #[test]
    fn every_export_message_is_documented() {
        for message in export_messages() {
            assert!(
                FORMATS_MD.contains(&format!("\n{message}\n")),
                "docs/formats.md lacks:\n{message}"
            );
        }
    }

    #[test]
    fn every_documented_message_is_real() {
        let messages = messages();
        assert_eq!(messages.len(), 31);
        for message in messages {
            assert!(
                FORMATS_MD.contains(&format!("\n{message}\n")),
                "docs/formats.md lacks:\n{message}"
            );
        }
    }
}
