//! The demographics file of `audit` (`--groups FILE`): a CSV with a header
//! row, a respondent id column (`respondent`, `respondent_id` or `id`,
//! matched loosely) and one column per characteristic (any names: `sex`,
//! `race/ethnicity`, ...). A blank cell is a missing value; every other
//! value, as written (spaces trimmed), is a category.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use rolefit_model::match_key;

use crate::args::Encoding;
use crate::error::bad_input;
use crate::io::open_file;

/// The id column's accepted names (compared by [`match_key`]).
const ID_NAMES: [&str; 3] = ["respondent", "respondentid", "id"];

/// The demographics file, read.
#[derive(Debug)]
pub struct Groups {
    /// The file's name for messages.
    pub source: String,
    /// The characteristic columns, in file order.
    pub columns: Vec<String>,
    /// Per respondent id: their value in each column (`None`: blank).
    pub rows: HashMap<String, Vec<Option<String>>>,
}

impl Groups {
    /// Reads `path`.
    ///
    /// # Errors
    /// Exit 2, naming the file and line: no id column, no other column, a
    /// blank or repeated id, a row of the wrong length, bad CSV.
    pub fn read(path: &Path, encoding: Encoding) -> Result<Self> {
        let input = open_file(path, "groups", encoding)?;
        let source = input.name.clone();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input.reader);
        let mut records = reader.records();
        let header = match records.next() {
            Some(r) => r.map_err(|e| csv_error(&source, &e))?,
            None => {
                return Err(bad_input(format!(
                    "{source}: the groups file is empty; {EXPECTED}"
                )))
            }
        };
        let header: Vec<String> = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let id = header
            .iter()
            .position(|h| ID_NAMES.contains(&match_key(h).as_str()))
            .ok_or_else(|| {
                bad_input(format!(
                    "{source}:1: no respondent id column among {}; {EXPECTED}",
                    quoted(&header)
                ))
            })?;
        let columns: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != id)
            .map(|(_, h)| h.clone())
            .collect();
        if columns.is_empty() {
            return Err(bad_input(format!(
                "{source}:1: no column besides the respondent id; {EXPECTED}"
            )));
        }
        let mut rows = HashMap::new();
        let mut first_line: HashMap<String, u64> = HashMap::new();
        for record in records {
            let record = record.map_err(|e| csv_error(&source, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != header.len() {
                return Err(bad_input(format!(
                    "{source}:{line}: {} fields where the header has {}; give every row one value per column \
                     (a blank for a missing one)",
                    record.len(),
                    header.len()
                )));
            }
            let respondent = record[id].trim().to_string();
            if respondent.is_empty() {
                return Err(bad_input(format!(
                    "{source}:{line}:{}: blank respondent id; every row needs the id the responses use",
                    id + 1
                )));
            }
            if let Some(first) = first_line.insert(respondent.clone(), line) {
                return Err(bad_input(format!(
                    "{source}:{line}: respondent {respondent} appears twice (first on line {first}); give each \
                     respondent one row"
                )));
            }
            let values = (0..header.len())
                .filter(|&i| i != id)
                .map(|i| Some(record[i].trim().to_string()).filter(|v| !v.is_empty()))
                .collect();
            rows.insert(respondent, values);
        }
        Ok(Groups {
            source,
            columns,
            rows,
        })
    }

    /// The indices of the columns `by` names (every column when empty).
    ///
    /// # Errors
    /// Exit 2 for a name no column has (with the columns there are), a
    /// column named twice, or more than [`rolefit_fairness::MAX_COLUMNS`].
    pub fn chosen(&self, by: &[String]) -> Result<Vec<usize>> {
        let mut chosen = Vec::new();
        let wanted: Vec<&str> = if by.is_empty() {
            self.columns.iter().map(String::as_str).collect()
        } else {
            by.iter().map(|s| s.trim()).collect()
        };
        for name in wanted {
            let found = self
                .columns
                .iter()
                .position(|c| c == name)
                .or_else(|| self.columns.iter().position(|c| match_key(c) == match_key(name)))
                .ok_or_else(|| {
                    bad_input(format!(
                        "--by {name}: {} has no such column; its columns are {}",
                        self.source,
                        quoted(&self.columns)
                    ))
                })?;
            if chosen.contains(&found) {
                return Err(bad_input(format!(
                    "--by names the column {name} twice; name it once"
                )));
            }
            chosen.push(found);
        }
        if chosen.len() > rolefit_fairness::MAX_COLUMNS {
            return Err(bad_input(format!(
                "{} columns to audit together; at most {} (every intersection of them is audited): choose them \
                 with --by COL,COL",
                chosen.len(),
                rolefit_fairness::MAX_COLUMNS
            )));
        }
        Ok(chosen)
    }
}

const EXPECTED: &str =
    "expected a CSV header `respondent,<column>...` (for example `respondent,sex,race`) and \
                        one row per respondent";

/// `"a", "b"` for messages.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn csv_error(source: &str, e: &csv::Error) -> anyhow::Error {
    let line = e.position().map_or(String::new(), |p| format!(":{}", p.line()));
    bad_input(format!("{source}{line}: {e}"))
}
