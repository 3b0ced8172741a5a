//! Surveys from CSV: the statements people rate themselves on.
//!
//! A survey file is a plain list with columns `id`, `text`, `capability`
//! and optionally `reverse`, in any order. It is small, so it is read whole.
//! Which capabilities exist is the role matrix's business, so an item's
//! `capability` is not checked here: the responses reader checks the items
//! a responses file actually uses, against the matrix it scores with. Extra
//! columns are refused rather than ignored, because a misspelt `reverse`
//! column would otherwise silently turn every reverse-keyed item around.

use std::collections::HashMap;
use std::io::Read;

use csv::ByteRecord;
use rolefit_model::{first_few, match_key, ResponseScale, Scale, Survey, SurveyItem};

use crate::error::{ErrorKind, ImportError};
use crate::labels::{find_scale, scale_names, NamedScale};
use crate::matrix::file_stem;
use crate::rows::Rows;
use crate::table::{named_columns, Table};

/// What `reverse` accepts, for messages.
const REVERSE_VALUES: &str = "true, false, yes, no, 1, 0, or an empty cell (= false)";

/// Reads a survey from CSV with the header `id,text,capability,reverse`
/// (columns in any order, `reverse` optional, `text` may be empty).
///
/// `scale` is the response scale the items are answered on. `source` names
/// the input in errors; its file stem becomes the survey's name.
///
/// `reverse` accepts `true`/`false`, `yes`/`no`, `1`/`0` in any case, and
/// an empty cell for false.
///
/// # Errors
/// An [`ImportError`] naming the file, line and column for unreadable or
/// empty input, a missing or unexpected column, a header with no rows, a
/// ragged row, an empty id or capability, a `reverse` cell that is not one
/// of the accepted values, an item id given twice (compared loosely), and
/// anything [`Survey::new`] refuses.
pub fn read_survey<R: Read>(reader: R, source: &str, scale: ResponseScale) -> Result<Survey, ImportError> {
    read_survey_inner(reader, source, scale, None)
}

/// [`read_survey`], with every `scale` cell that is not a range checked
/// against the label scales known: `labels` (a labels map's) and the
/// built-in ones. A name that is none of them is refused at its line and
/// column of the survey file, where the fix belongs (with [`read_survey`]
/// it is refused only when a responses file uses the item, without them).
///
/// # Errors
/// As [`read_survey`], and a `scale` cell that names no label scale.
pub fn read_survey_with_scales<R: Read>(
    reader: R,
    source: &str,
    scale: ResponseScale,
    labels: &[NamedScale],
) -> Result<Survey, ImportError> {
    read_survey_inner(reader, source, scale, Some(labels))
}

/// Reads a survey; `labels`, when given, are the label scales a `scale`
/// cell may name besides the built-in ones.
fn read_survey_inner<R: Read>(
    reader: R,
    source: &str,
    scale: ResponseScale,
    labels: Option<&[NamedScale]>,
) -> Result<Survey, ImportError> {
    let mut table = Table::open(reader, source, "a header row `id,text,capability,reverse`")?;
    let columns = named_columns(&table, &["id", "text", "capability"], &["reverse", "scale"])?;
    let [Some(id), Some(text), Some(capability), reverse, scale_column] = columns[..] else {
        // named_columns refuses a header without every required column.
        return Err(ImportError::header(
            source,
            "the header is incomplete",
            "id, text and capability",
        ));
    };
    let mut items = Vec::new();
    let mut lines: HashMap<String, u64> = HashMap::new();
    let mut record = ByteRecord::new();
    while let Some(line) = table.next(&mut record, true)? {
        let item_id = table.required_cell(&record, id, line, "an item id, such as Q01")?;
        let key = match_key(item_id);
        if let Some(&first_line) = lines.get(&key) {
            return Err(ImportError::new(
                source,
                ErrorKind::Duplicate {
                    what: format!("item id {item_id:?}"),
                    first_line,
                    expected: "each item id once (case, spaces and punctuation are ignored)".into(),
                },
            )
            .at_line(line)
            .at_column(id, table.name(id)));
        }
        lines.insert(key, line);
        let item = SurveyItem {
            id: item_id.to_string(),
            text: table.cell(&record, text, line)?.to_string(),
            capability: table
                .required_cell(
                    &record,
                    capability,
                    line,
                    "the id, name or alias of the capability the item measures",
                )?
                .to_string(),
            reverse: match reverse {
                Some(i) => parse_reverse(&table, &record, i, line)?,
                None => false,
            },
            scale: match scale_column {
                Some(i) => parse_item_scale(&table, &record, i, line, labels)?,
                None => None,
            },
        };
        items.push(item);
    }
    if items.is_empty() {
        return Err(ImportError::new(
            source,
            ErrorKind::NoRows {
                expected: "one row per survey item".into(),
            },
        ));
    }
    Survey::new(file_stem(source), items, scale).map_err(|e| ImportError::model(source, e))
}

/// What `scale` accepts, for messages.
const SCALE_VALUES: &str = "a range MIN..MAX such as 1..5 or 0..10, the name of a label scale such as \
                            agreement7, or an empty cell (= the survey's scale)";

/// Parses a `scale` cell: a range is checked here; a label scale's name
/// is checked against `labels` and the built-in scales when `labels` is
/// given, else when a responses file uses the item (a labels map may
/// define it).
fn parse_item_scale<R: Read>(
    table: &Table<R>,
    record: &ByteRecord,
    index: usize,
    line: u64,
    labels: Option<&[NamedScale]>,
) -> Result<Option<String>, ImportError> {
    let text = table.cell(record, index, line)?;
    if text.is_empty() {
        return Ok(None);
    }
    if text.contains("..") {
        if let Err(problem) = text.parse::<Scale>() {
            let problem = format!("is not a scale ({problem})");
            return Err(
                ImportError::bad_value(table.source(), text, &problem, SCALE_VALUES)
                    .at_line(line)
                    .at_column(index, table.name(index)),
            );
        }
    } else if let Some(labels) = labels.filter(|l| find_scale(text, l).is_none()) {
        let expected = format!(
            "a range MIN..MAX such as 1..5 or 0..10, the name of a label scale ({}; a labels map's scales \
             with --labels-map), or an empty cell (= the survey's scale)",
            first_few(scale_names(labels), ", ")
        );
        return Err(ImportError::bad_value(
            table.source(),
            text,
            "is no range and no label scale",
            &expected,
        )
        .at_line(line)
        .at_column(index, table.name(index)));
    }
    Ok(Some(text.to_string()))
}

/// Parses a `reverse` cell.
fn parse_reverse<R: Read>(
    table: &Table<R>,
    record: &ByteRecord,
    index: usize,
    line: u64,
) -> Result<bool, ImportError> {
    let text = table.cell(record, index, line)?;
    match text.to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" => Ok(true),
        _ => Err(
            ImportError::bad_value(table.source(), text, "is not a yes/no value", REVERSE_VALUES)
                .at_line(line)
                .at_column(index, table.name(index)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Survey, ImportError> {
        read_survey(text.as_bytes(), "surveys/s.csv", ResponseScale::agreement5())
    }

    fn err(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_items_in_any_column_order() {
        let s = read(
            "Reverse,Capability,ID,Text\n\
             yes,risk-management,Q1,\"I plan for risks, early\"\n\
             ,Communication,Q2,\n\
             FALSE,Budget,Q3,I budget\n\
             1,Budget,Q4,x\n\
             No,Budget,Q5,x\n\
             0,Budget,Q6,x\n\
             True,Budget,Q7,x\n",
        )
        .unwrap();
        assert_eq!(s.name(), "s");
        assert_eq!(s.scale(), &ResponseScale::agreement5());
        let reverse: Vec<bool> = s.items().iter().map(|i| i.reverse).collect();
        assert_eq!(reverse, [true, false, false, true, false, false, true]);
        assert_eq!(s.items()[0].text, "I plan for risks, early");
        assert_eq!(s.items()[1].text, "");
        assert_eq!(s.items()[1].capability, "Communication");
        assert_eq!(s.item_index("q-3"), Some(2));
    }

    #[test]
    fn reverse_is_optional() {
        let s = read("id\ttext\tcapability\nQ1\tx\ta\n").unwrap();
        assert!(!s.items()[0].reverse);
    }

    #[test]
    fn bad_reverse_values_are_refused() {
        assert_eq!(
            err("id,text,capability,reverse\nQ1,x,a,maybe\n"),
            "surveys/s.csv:2: column 4 \"reverse\": \"maybe\" is not a yes/no value; expected true, false, yes, \
             no, 1, 0, or an empty cell (= false)"
        );
    }

    #[test]
    fn empty_cells_and_duplicate_ids_are_refused() {
        assert_eq!(
            err("id,text,capability\n,x,a\n"),
            "surveys/s.csv:2: column 1 \"id\": the cell is empty; expected an item id, such as Q01"
        );
        assert!(err("id,text,capability\nQ1,x,\n").starts_with(
            "surveys/s.csv:2: column 3 \"capability\": the cell is empty; expected the id, name or alias"
        ));
        assert!(err("id,text,capability\n#,x,a\n").contains("\"#\" has no letters or digits"));
        assert_eq!(
            err("id,text,capability\nQ1,x,a\n\"q 1\",y,b\n"),
            "surveys/s.csv:3: column 1 \"id\": item id \"q 1\" is given twice, first on line 2; expected each \
             item id once (case, spaces and punctuation are ignored)"
        );
    }

    #[test]
    fn items_may_have_a_scale_of_their_own() {
        let s = read("id,text,capability,scale\nQ1,x,a,0..10\nQ2,y,b,agreement7\nQ3,z,c,\n").unwrap();
        let scales: Vec<Option<&str>> = s.items().iter().map(|i| i.scale.as_deref()).collect();
        assert_eq!(scales, [Some("0..10"), Some("agreement7"), None]);
        assert_eq!(
            err("id,text,capability,scale\nQ1,x,a,5..1\n"),
            "surveys/s.csv:2: column 4 \"scale\": \"5..1\" is not a scale (invalid scale 5..1: expected \
             MIN < MAX, both within -1000000000..1000000000 and at least 1e-9 apart); expected a range MIN..MAX such as 1..5 or 0..10, \
             the name of a label scale such as agreement7, or an empty cell (= the survey's scale)"
        );
    }

    #[test]
    fn a_scale_name_no_scale_has_is_refused_at_its_cell() {
        let text = "id,text,capability,scale\nQ1,x,a,agreement7\nQ2,y,b,abc\n";
        let read_with = |labels: &[NamedScale]| {
            read_survey_with_scales(text.as_bytes(), "survey.csv", ResponseScale::agreement5(), labels)
        };
        assert_eq!(
            read_with(&[]).unwrap_err().to_string(),
            "survey.csv:3: column 4 \"scale\": \"abc\" is no range and no label scale; expected a range \
             MIN..MAX such as 1..5 or 0..10, the name of a label scale (agreement5, agreement7, frequency, \
             like, proficiency; a labels map's scales with --labels-map), or an empty cell (= the survey's scale)"
        );
        // A labels map's scale is a name the cell may give.
        let map = crate::read_labels_map(&b"label,value\nlow,1\nhigh,2\n"[..], "abc.csv").unwrap();
        assert_eq!(read_with(&map).unwrap().items()[1].scale.as_deref(), Some("abc"));
        // Unchecked, the name waits for the responses file.
        assert!(read(text).is_ok());
    }

    #[test]
    fn header_problems_are_refused() {
        assert!(err("")
            .starts_with("surveys/s.csv: is empty; expected a header row `id,text,capability,reverse`"));
        assert_eq!(
            err("id,text,capability,reverse\n"),
            "surveys/s.csv: has a header but no data rows; expected one row per survey item"
        );
        let e = err("id,text,capabilty,revers\nQ1,x,a,no\n");
        assert!(e.contains("no `capability` column"), "{e}");
        assert!(
            e.contains("(did you mean `capability`?)") && e.contains("(did you mean `reverse`?)"),
            "{e}"
        );
        assert!(err("id,text,capability\nQ1,x\n").contains("the row has 2 fields but the header has 3"));
    }
}
