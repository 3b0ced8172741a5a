//! A numeric export read through the choice text of the same survey's
//! text export (`--choice-text`).
//!
//! Qualtrics numbers a question's choices in the order they were shown,
//! so in a numeric export 1 may be "Strongly agree" on one grid and
//! "Strongly disagree" on the next, and a "Don't know" may be 6 or 99.
//! Nothing in the numeric file says which. An export of the same
//! responses with choice text does: pairing the two files' rows by
//! respondent id gives, for each answer column, which label each number
//! stands for ([`ChoiceCodes`]). The numeric file is then read as if it
//! held the labels: each column's scale is chosen from them, "no answer"
//! labels are missing, and numbers that run opposite to their labels are
//! read the right way round.

use std::collections::HashMap;
use std::io::{BufReader, Read};

use csv::ByteRecord;
use rolefit_model::match_key;

use super::{ResponseOptions, RESPONSES_EXPECTED};
use crate::error::{ErrorKind, ImportError};
use crate::layout::{read_head, Head};
use crate::table::Table;

/// Which label each code of a numeric export's answer columns stands for,
/// learnt from the same survey's export of choice text
/// ([`read_choice_codes`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChoiceCodes {
    /// The text export's name, for messages.
    pub(super) text_source: String,
    /// By column name: each code (the numeric cell, trimmed) and its label,
    /// in the order first seen.
    pub(super) columns: HashMap<String, Vec<(String, String)>>,
    /// How many respondents the two files share.
    pub(super) paired: usize,
}

impl ChoiceCodes {
    /// The text export's name.
    pub fn text_source(&self) -> &str {
        &self.text_source
    }

    /// How many respondents were found in both files.
    pub fn paired(&self) -> usize {
        self.paired
    }

    /// The codes and labels of the column named `column`, if the text
    /// export showed any.
    pub fn codes(&self, column: &str) -> Option<&[(String, String)]> {
        self.columns.get(column).map(Vec::as_slice)
    }
}

/// Learns which label each number of a numeric export stands for, from
/// an export of the same responses with choice text: rows are paired by
/// respondent id (the layout's id column, or
/// [`ResponseOptions::id_column`]), and columns by name (Qualtrics
/// question ids are the same in both exports). Metadata columns are left
/// out; so are cells empty in either file.
///
/// # Errors
/// Either file unreadable or without the header rows of its layout; no
/// respondent id column in either; no respondent in both files; a number
/// that stands for two different labels in one column (not the same
/// survey, or not the same responses).
pub fn read_choice_codes<N: Read, T: Read>(
    numeric: N,
    numeric_source: &str,
    text: T,
    text_source: &str,
    options: &ResponseOptions,
) -> Result<ChoiceCodes, ImportError> {
    let mut numeric = BufReader::new(numeric);
    let mut text = BufReader::new(text);
    let numeric_head = read_head(
        &mut numeric,
        numeric_source,
        options.source,
        0,
        RESPONSES_EXPECTED,
    )?;
    let text_head = read_head(&mut text, text_source, options.source, 0, RESPONSES_EXPECTED)?;
    let numeric_id = id_column(&numeric_head, numeric_source, options)?;
    let text_id = id_column(&text_head, text_source, options)?;
    // The answer columns both files have, by name: (numeric, text) index.
    let shared: Vec<(usize, usize)> = numeric_head
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| c.meta.is_none() && *i != numeric_id)
        .filter_map(|(i, c)| {
            let j = text_head.columns.iter().position(|t| t.name == c.name)?;
            (text_head.columns[j].meta.is_none() && j != text_id).then_some((i, j))
        })
        .collect();
    let mut labels: HashMap<String, Vec<String>> = HashMap::new();
    let mut rows = resume(text_head, text, text_source);
    let mut record = ByteRecord::new();
    while rows.next(&mut record, false)?.is_some() {
        let Some(id) = trimmed(&record, text_id) else {
            continue;
        };
        let cells = shared
            .iter()
            .map(|&(_, j)| trimmed(&record, j).unwrap_or_default().to_string())
            .collect();
        labels.insert(id.to_string(), cells);
    }
    let names: Vec<String> = numeric_head.columns.iter().map(|c| c.name.clone()).collect();
    let mut codes = ChoiceCodes {
        text_source: text_source.to_string(),
        ..ChoiceCodes::default()
    };
    let mut rows = resume(numeric_head, numeric, numeric_source);
    while let Some(line) = rows.next(&mut record, false)? {
        let Some(row) = trimmed(&record, numeric_id).and_then(|id| labels.get(id)) else {
            continue;
        };
        codes.paired += 1;
        for (&(i, _), label) in shared.iter().zip(row) {
            let Some(code) = trimmed(&record, i) else { continue };
            if label.is_empty() {
                continue;
            }
            let known = codes.columns.entry(names[i].clone()).or_default();
            match known.iter().find(|(c, _)| c == code) {
                Some((_, first)) if match_key(first) != match_key(label) => {
                    return Err(ImportError::bad_value(
                        numeric_source,
                        code,
                        format!(
                            "stands for {first:?} in one row of {text_source} and for {label:?} in this one"
                        ),
                        format!(
                            "the export of choice text of the same survey and responses, so that each number \
                             of a column stands for one label (--choice-text {text_source})"
                        ),
                    )
                    .at_line(line)
                    .at_column(i, &names[i]));
                }
                Some(_) => {}
                None => known.push((code.to_string(), label.clone())),
            }
        }
    }
    if codes.paired == 0 {
        return Err(ImportError::new(
            text_source,
            ErrorKind::Data {
                problem: format!(
                    "no respondent of {numeric_source} is in this file (rows are paired by respondent id)"
                ),
                expected: format!(
                    "the export of choice text of the same responses as {numeric_source}, with the same \
                     respondent ids"
                ),
            },
        ));
    }
    Ok(codes)
}

/// The rows of a file after its head.
fn resume<R: Read>(head: Head, input: BufReader<R>, source: &str) -> Table<R> {
    let header = head.columns.iter().map(|c| c.name.clone()).collect();
    Table::resume(head.rest, input, source, head.delimiter, header, head.data_line)
}

/// The trimmed text of cell `index`, `None` if it is empty or not UTF-8.
fn trimmed(record: &ByteRecord, index: usize) -> Option<&str> {
    let text = std::str::from_utf8(record.get(index)?).ok()?.trim();
    (!text.is_empty()).then_some(text)
}

/// The respondent id column of a file's head: `--id-column`, else the
/// layout's.
///
/// # Errors
/// Neither is there: rows cannot be paired.
fn id_column(head: &Head, source: &str, options: &ResponseOptions) -> Result<usize, ImportError> {
    let named = options.id_column.as_deref().map(|name| {
        let key = match_key(name);
        head.columns.iter().position(|c| match_key(&c.name) == key)
    });
    match named.unwrap_or(head.default_id) {
        Some(i) => Ok(i),
        None => Err(ImportError::header(
            source,
            "the file has no respondent id column, and rows of a numeric and a text export are paired by \
             respondent id",
            "a respondent id column in both files (Qualtrics' ResponseId), or --id-column NAME",
        )
        .at_line(head.header_line)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{builtin, ResponseReader};

    const NUMERIC: &str = "respondent,Q01,Q02\nr1,1,5\nr2,5,1\nr3,3,6\n";
    const TEXT: &str =
        "respondent,Q01,Q02\nr1,Strongly agree,Strongly agree\nr2,Strongly disagree,Strongly disagree\n\
                        r3,Neither agree nor disagree,Don't know\n";

    fn codes(numeric: &str, text: &str) -> Result<ChoiceCodes, ImportError> {
        read_choice_codes(
            numeric.as_bytes(),
            "numeric.csv",
            text.as_bytes(),
            "text.csv",
            &ResponseOptions::default(),
        )
    }

    #[test]
    fn numbers_are_read_through_their_labels() {
        let codes = codes(NUMERIC, TEXT).unwrap();
        assert_eq!(codes.paired(), 3);
        assert_eq!(
            codes.codes("Q02").unwrap(),
            [
                ("5".to_string(), "Strongly agree".to_string()),
                ("1".into(), "Strongly disagree".into()),
                ("6".into(), "Don't know".into())
            ]
        );
        let options = ResponseOptions {
            choice_codes: Some(codes),
            ..ResponseOptions::default()
        };
        let matrix = builtin::matrix();
        let survey = builtin::survey();
        let reader = ResponseReader::new(
            NUMERIC.as_bytes(),
            "numeric.csv",
            &matrix,
            Some(&survey),
            &options,
        )
        .unwrap();
        let plan = reader.plan().clone();
        assert_eq!(plan.coded_columns(), [1, 2]);
        assert_eq!(plan.reversed_numbering(), [1], "Q01 runs from Strongly agree = 1");
        let batch = reader.read_all().unwrap();
        let lead = matrix.capability_index("leadership-and-team-management").unwrap();
        let values: Vec<Option<f64>> = (0..3).map(|i| batch.profile(i).values[lead]).collect();
        // Q01 and Q02 both measure leadership: (5 + 5) / 2, (1 + 1) / 2,
        // and 3 alone (Q02's 6 is "Don't know").
        assert_eq!(values, [Some(5.0), Some(1.0), Some(3.0)]);
        assert_eq!(batch.no_answer(), 1);
    }

    /// The messages of this module, for the check against docs/formats.md.
    pub(crate) fn messages() -> Vec<String> {
        let numeric = "respondent,Q01\nr1,1\nr2,1\n";
        let mut out: Vec<String> = [
            codes(numeric, "respondent,Q01\nr1,Agree\nr2,Disagree\n"),
            codes(numeric, "respondent,Q01\nx1,Agree\n"),
            codes("Q01\n1\n", "Q01\nAgree\n"),
        ]
        .into_iter()
        .map(|r| r.unwrap_err().to_string())
        .collect();
        let options = ResponseOptions {
            choice_codes: Some(codes(NUMERIC, TEXT).unwrap()),
            ..ResponseOptions::default()
        };
        let (matrix, survey) = (builtin::matrix(), builtin::survey());
        let numeric = format!("{NUMERIC}r4,2,1\n");
        let reader = ResponseReader::new(
            numeric.as_bytes(),
            "numeric.csv",
            &matrix,
            Some(&survey),
            &options,
        );
        out.push(reader.unwrap().read_all().unwrap_err().to_string());
        out
    }

    #[test]
    fn mismatched_files_and_unknown_codes_are_refused() {
        assert_eq!(
            messages(),
            [
                "numeric.csv:3: column 2 \"Q01\": \"1\" stands for \"Agree\" in one row of text.csv and for \
                 \"Disagree\" in this one; expected the export of choice text of the same survey and responses, \
                 so that each number of a column stands for one label (--choice-text text.csv)",
                "text.csv: no respondent of numeric.csv is in this file (rows are paired by respondent id); \
                 expected the export of choice text of the same responses as numeric.csv, with the same \
                 respondent ids",
                "numeric.csv:1: the file has no respondent id column, and rows of a numeric and a text export \
                 are paired by respondent id; expected a respondent id column in both files (Qualtrics' \
                 ResponseId), or --id-column NAME",
                "numeric.csv:5: column 2 \"Q01\": \"2\" is a number no row of text.csv shows a label for in \
                 this column; expected one of the numbers the text export pairs with a label: 1 = \"Strongly \
                 agree\", 5 = \"Strongly disagree\", 3 = \"Neither agree nor disagree\" (is the respondent \
                 missing from text.csv?)",
            ]
        );
    }
}
