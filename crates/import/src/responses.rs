//! Responses from CSV, streamed: one row per respondent, turned into
//! capability profiles on the role matrix's scale.
//!
//! A responses file can be large, so it is never held whole. The header is
//! read once and mapped into a [`ColumnPlan`]: which column holds the
//! respondent id, which measure a capability directly, which answer a
//! survey item (and whether it is reverse-keyed). Every later row is parsed
//! by [`ColumnPlan::parse_record`] alone, a pure function of the plan and
//! the row, which costs a few parses and additions per cell. The plan is
//! separate from the [`ResponseReader`] so that rows can later be parsed on
//! several threads while one thread reads them (see
//! [`ResponseReader::next_record`]).
//!
//! Columns are matched loosely (case, spaces and punctuation ignored), a
//! capability before a survey item, and anything that matches neither is
//! an error listing every such column with suggestions, unless the caller
//! asked to ignore them: a typo in a column name should never silently drop
//! an answer.
//!
//! A capability's value is the mean of its answered cells (reverse-keyed
//! items mirrored first), mapped linearly from the response scale onto the
//! matrix scale: `Lm + (v - Lr) * (Hm - Lm) / (Hr - Lr)`.

use std::io::Read;

use csv::ByteRecord;
use rolefit_model::{ProfileBatch, ResponseScale, RoleMatrix, Scale, Survey};

use crate::error::{ErrorKind, ImportError, UnknownColumn};
use crate::suggest::suggest;
use crate::table::{cell, check_length_of, number, parse_number, Fields, Table};

/// Header names (compared by match key) taken as the respondent id column
/// when none is given, in order of preference.
const ID_COLUMNS: [&str; 3] = ["respondent", "respondentid", "id"];

/// What the header of a responses file should be, for the error on empty
/// input.
pub(crate) const RESPONSES_EXPECTED: &str =
    "a header row naming the respondent id column and capability or survey \
     item columns, such as `respondent,Q01,Q02`";

/// Batches are allocated for at most this many rows up front.
const MAX_PREALLOCATED_ROWS: usize = 4096;

/// How to read a responses file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseOptions {
    /// The column holding the respondent id. Default: a column named
    /// `respondent`, `respondent id`, `respondent_id` or `id` (compared
    /// loosely); if there is none, respondents are numbered `1`, `2`, ...
    pub id_column: Option<String>,
    /// The scale answers are given on. Default: the survey's response
    /// scale, or the five-point agreement scale without a survey.
    pub scale: Option<Scale>,
    /// Skip columns that match no capability and no survey item instead of
    /// refusing the file.
    pub ignore_unknown_columns: bool,
}

/// What one column of a responses file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    /// The respondent id.
    Id,
    /// A direct answer for the matrix capability with this index.
    Capability(usize),
    /// An answer to a survey item.
    Item {
        /// The item's index in the survey.
        item: usize,
        /// The index of the matrix capability it measures.
        capability: usize,
        /// Whether answers are mirrored on the response scale.
        reverse: bool,
    },
    /// A column that matches nothing and was skipped on request.
    Ignored,
}

/// One column that contributes to a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Measure {
    column: usize,
    capability: usize,
    reverse: bool,
}

/// The mapping of a responses file's columns, decided once from its header.
///
/// Every row is then parsed with [`ColumnPlan::parse_record`], which needs
/// nothing but the plan and the row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPlan {
    source: String,
    header: Vec<String>,
    columns: Vec<ColumnRole>,
    id_column: Option<usize>,
    measures: Vec<Measure>,
    response_scale: ResponseScale,
    matrix_scale: Scale,
    capabilities: usize,
    delimiter: u8,
    /// What a cell may hold, for messages.
    expected: String,
}

/// Per-row working space, reused across rows.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    sums: Vec<f64>,
    counts: Vec<u32>,
    values: Vec<Option<f64>>,
}

/// Where a row is: its line in the file and its 1-based number among the
/// data rows (they differ when the header is not on line 1, when blank
/// lines are skipped and when quoted cells hold line breaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowPosition {
    /// The 1-based line the row starts on.
    pub line: u64,
    /// The 1-based data row number (the respondent id when the file has no
    /// id column).
    pub row: u64,
}

/// Whether a trimmed cell means "no answer": empty, `NA` or `N/A`.
fn is_missing(text: &str) -> bool {
    text.is_empty() || text.eq_ignore_ascii_case("na") || text.eq_ignore_ascii_case("n/a")
}

/// The response scale in use: the one asked for (keeping the survey's
/// labels if it is the survey's scale), else the survey's, else agreement.
fn response_scale(options: &ResponseOptions, survey: Option<&Survey>) -> ResponseScale {
    match (options.scale, survey) {
        (Some(scale), Some(survey)) if survey.scale().scale() == scale => survey.scale().clone(),
        (Some(scale), _) => ResponseScale::numeric(scale),
        (None, Some(survey)) => survey.scale().clone(),
        (None, None) => ResponseScale::agreement5(),
    }
}

/// `"a number from 1 to 5 or one of: ..."` for a response scale.
fn expected_answer(scale: &ResponseScale) -> String {
    let range = format!(
        "a number from {} to {}",
        number(scale.scale().min()),
        number(scale.scale().max())
    );
    if scale.labels().is_empty() {
        return range;
    }
    let labels: Vec<&str> = scale.labels().iter().map(|l| l.label.as_str()).collect();
    format!("{range} or one of: {}", labels.join(", "))
}

impl ColumnPlan {
    /// Maps the header of `table`.
    pub(crate) fn new<R: Read>(
        table: &Table<R>,
        matrix: &RoleMatrix,
        survey: Option<&Survey>,
        options: &ResponseOptions,
    ) -> Result<Self, ImportError> {
        let source = table.source();
        let header = table.header();
        let at_header = |e: ImportError| e.at_line(table.header_line());
        let id_column = match &options.id_column {
            Some(name) => Some(table.find(&rolefit_model::match_key(name)).ok_or_else(|| {
                let hint = suggest(name, header.iter().map(String::as_str));
                let hint = if hint.is_empty() {
                    String::new()
                } else {
                    let quoted: Vec<String> = hint.iter().map(|h| format!("{h:?}")).collect();
                    format!(" (did you mean {}?)", quoted.join(" or "))
                };
                let names: Vec<String> = header.iter().map(|h| format!("{h:?}")).collect();
                at_header(ImportError::header(
                    source,
                    format!("there is no respondent id column {name:?}{hint}"),
                    format!("the name of a header column: {}", names.join(", ")),
                ))
            })?),
            None => ID_COLUMNS.iter().find_map(|key| table.find(key)),
        };

        let mut columns = Vec::with_capacity(header.len());
        let mut measures = Vec::new();
        let mut unknown = Vec::new();
        for (i, name) in header.iter().enumerate() {
            if Some(i) == id_column {
                columns.push(ColumnRole::Id);
                continue;
            }
            if let Some(capability) = matrix.capability_index(name) {
                columns.push(ColumnRole::Capability(capability));
                measures.push(Measure {
                    column: i,
                    capability,
                    reverse: false,
                });
                continue;
            }
            let item = survey.and_then(|s| s.item_index(name).map(|index| (index, &s.items()[index])));
            if let Some((index, item)) = item {
                let Some(capability) = matrix.capability_index(&item.capability) else {
                    return Err(at_header(
                        ImportError::new(
                            source,
                            ErrorKind::ItemCapability {
                                item: item.id.clone(),
                                capability: item.capability.clone(),
                            },
                        )
                        .at_column(i, name),
                    ));
                };
                columns.push(ColumnRole::Item {
                    item: index,
                    capability,
                    reverse: item.reverse,
                });
                measures.push(Measure {
                    column: i,
                    capability,
                    reverse: item.reverse,
                });
                continue;
            }
            columns.push(ColumnRole::Ignored);
            unknown.push(i);
        }

        if !unknown.is_empty() && !options.ignore_unknown_columns {
            let caps = matrix.capabilities();
            let candidates: Vec<&str> = caps
                .iter()
                .map(|c| c.name.as_str())
                .chain(caps.iter().flat_map(|c| c.aliases.iter().map(String::as_str)))
                .chain(caps.iter().map(|c| c.id.as_str()))
                .chain(
                    survey
                        .into_iter()
                        .flat_map(|s| s.items().iter().map(|i| i.id.as_str())),
                )
                .collect();
            let listed: Vec<UnknownColumn> = unknown
                .iter()
                .map(|&i| UnknownColumn {
                    index: i + 1,
                    name: header[i].clone(),
                    suggestions: suggest(&header[i], candidates.iter().copied()),
                })
                .collect();
            let mut err = at_header(ImportError::new(
                source,
                ErrorKind::UnknownColumns { columns: listed },
            ));
            if let [only] = unknown[..] {
                err = err.at_column(only, &header[only]);
            }
            return Err(err);
        }

        if measures.is_empty() {
            let mut problem = "no column of the header matches a capability or survey item".to_string();
            if !unknown.is_empty() {
                let names: Vec<String> = unknown.iter().map(|&i| format!("{:?}", header[i])).collect();
                problem.push_str(&format!(" (ignored: {})", names.join(", ")));
            }
            let mut expected =
                "columns named after capabilities of the role matrix (id, name or alias".to_string();
            if let Some(c) = matrix.capabilities().first() {
                expected.push_str(&format!(", for example {:?}", c.name));
            }
            expected.push(')');
            if let Some(item) = survey.and_then(|s| s.items().first()) {
                expected.push_str(&format!(" or survey item ids (for example {:?})", item.id));
            }
            return Err(at_header(ImportError::header(source, problem, expected)));
        }

        let response_scale = response_scale(options, survey);
        Ok(ColumnPlan {
            source: source.to_string(),
            header: header.to_vec(),
            columns,
            id_column,
            measures,
            expected: expected_answer(&response_scale),
            response_scale,
            matrix_scale: matrix.scale(),
            capabilities: matrix.capabilities().len(),
            delimiter: table.delimiter(),
        })
    }

    /// The source name errors use.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The trimmed header cells.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The respondent id column as (0-based index, header name), or `None`
    /// if respondents are numbered by row.
    pub fn id_column(&self) -> Option<(usize, &str)> {
        self.id_column.map(|i| (i, self.header[i].as_str()))
    }

    /// What each column holds, by 0-based column index.
    pub fn columns(&self) -> &[ColumnRole] {
        &self.columns
    }

    /// The names of the columns skipped because they match nothing.
    pub fn ignored(&self) -> Vec<&str> {
        self.columns
            .iter()
            .zip(&self.header)
            .filter(|(role, _)| **role == ColumnRole::Ignored)
            .map(|(_, name)| name.as_str())
            .collect()
    }

    /// The delimiter sniffed from the header line: `,`, `\t` or `;`.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The scale answers are read on.
    pub fn response_scale(&self) -> &ResponseScale {
        &self.response_scale
    }

    /// The matrix scale profile values are mapped onto.
    pub fn matrix_scale(&self) -> Scale {
        self.matrix_scale
    }

    /// Values per profile: the matrix's number of capabilities.
    pub fn capabilities(&self) -> usize {
        self.capabilities
    }

    /// How many columns answer each capability, by capability index (0 for
    /// a capability the file does not measure).
    pub fn columns_per_capability(&self) -> Vec<usize> {
        let mut counts = vec![0; self.capabilities];
        for m in &self.measures {
            counts[m.capability] += 1;
        }
        counts
    }

    /// Parses one row and appends its profile to `out`.
    ///
    /// `line` is the line the row starts on and `row_number` its 1-based
    /// number among the data rows, both for errors (and the row number is
    /// the respondent id when there is no id column); see
    /// [`ResponseReader::next_record`]. Nothing is appended on error.
    ///
    /// # Errors
    /// A row with another number of fields than the header, an empty id, a
    /// cell that is not UTF-8, and an answer that is not a finite number
    /// inside the response scale, not a label of it, and not missing
    /// (empty, `NA`, `N/A`).
    ///
    /// # Panics
    /// If `out` was made for another number of capabilities than
    /// [`ColumnPlan::capabilities`]: that is a bug in the caller.
    pub fn parse_record(
        &self,
        record: &ByteRecord,
        line: u64,
        row_number: u64,
        out: &mut ProfileBatch,
    ) -> Result<(), ImportError> {
        self.parse_into(record, line, row_number, &mut Scratch::default(), out)
    }

    /// [`ColumnPlan::parse_record`] with reused working space.
    pub(crate) fn parse_into<F: Fields + ?Sized>(
        &self,
        record: &F,
        line: u64,
        row_number: u64,
        scratch: &mut Scratch,
        out: &mut ProfileBatch,
    ) -> Result<(), ImportError> {
        record.check_sizes(&self.header, &self.source, line)?;
        check_length_of(record, self.header.len(), &self.source, line)?;
        let name = |i: usize| self.header[i].as_str();
        let mut row_id = itoa::Buffer::new();
        let respondent = match self.id_column {
            Some(i) => {
                let id = cell(record, i, &self.source, name(i), line)?;
                if id.is_empty() {
                    return Err(ImportError::new(
                        &self.source,
                        ErrorKind::EmptyCell {
                            expected: "a respondent id in every row (or no id column at all, to number the rows 1, 2, ...)"
                                .into(),
                        },
                    )
                    .at_line(line)
                    .at_column(i, name(i)));
                }
                id
            }
            None => row_id.format(row_number),
        };
        scratch.sums.resize(self.capabilities, 0.0);
        scratch.sums.fill(0.0);
        scratch.counts.resize(self.capabilities, 0);
        scratch.counts.fill(0);
        let scale = self.response_scale.scale();
        for m in &self.measures {
            // Most cells are short plain numbers: read those without the
            // general path (UTF-8 check, trim, float parser, labels).
            let fast =
                plain_decimal(record.field(m.column).unwrap_or_default()).filter(|&v| scale.contains(v));
            let value = match fast {
                Some(v) => v,
                None => {
                    let text = cell(record, m.column, &self.source, name(m.column), line)?;
                    if is_missing(text) {
                        continue;
                    }
                    self.answer(text)
                        .map_err(|e| e.at_line(line).at_column(m.column, name(m.column)))?
                }
            };
            let value = if m.reverse {
                self.response_scale.scale().mirror(value)
            } else {
                value
            };
            scratch.sums[m.capability] += value;
            scratch.counts[m.capability] += 1;
        }
        let from = self.response_scale.scale();
        scratch.values.clear();
        scratch
            .values
            .extend(scratch.sums.iter().zip(&scratch.counts).map(|(&sum, &count)| {
                let mean = match count {
                    0 => return None,
                    1 => sum,
                    _ => sum / f64::from(count),
                };
                Some(from.map_to(mean, &self.matrix_scale))
            }));
        out.push(respondent, &scratch.values);
        Ok(())
    }

    /// The value of an answer cell (trimmed, not missing) on the response
    /// scale.
    fn answer(&self, text: &str) -> Result<f64, ImportError> {
        let scale = self.response_scale.scale();
        let problem = match parse_number(text) {
            Ok(v) if scale.contains(v) => return Ok(v),
            Ok(_) => "is outside the response scale",
            Err(problem) => {
                if let Some(v) = self.response_scale.value_of(text) {
                    return Ok(v);
                }
                match (problem, self.response_scale.labels().is_empty()) {
                    ("is not a number", false) => "is not a number or a label of the response scale",
                    _ => problem,
                }
            }
        };
        let labels = self.response_scale.labels().iter().map(|l| l.label.as_str());
        Err(
            ImportError::bad_value(&self.source, text, problem, &self.expected)
                .with_suggestions(suggest(text, labels)),
        )
    }
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The value of a cell that is a plain unsigned decimal (`4`, `3.5`, ` 2 `),
/// or `None` for anything else (which takes the general path).
///
/// With at most 15 digits the digits form an integer below 2^53 and the
/// divisor is an exact power of ten, so the one division is correctly
/// rounded: the result is bit for bit what `str::parse::<f64>` gives.
pub(crate) fn plain_decimal(cell: &[u8]) -> Option<f64> {
    if let [digit @ b'0'..=b'9'] = cell {
        return Some(f64::from(digit - b'0'));
    }
    let start = cell.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = cell.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    let text = &cell[start..end];
    let (mut mantissa, mut digits, mut decimals, mut point) = (0u64, 0usize, 0usize, false);
    for &b in text {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 15 {
                    // Longer numbers take the general path (and would
                    // overflow the mantissa; found by fuzzing).
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                decimals += usize::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if digits == 0 || (point && decimals == 0) {
        return None;
    }
    Some(mantissa as f64 / POW10[decimals])
}

/// Streams profiles out of a responses file.
///
/// ```
/// use rolefit_import::{builtin, ResponseOptions, ResponseReader};
///
/// let matrix = builtin::matrix();
/// let survey = builtin::survey();
/// let csv = "respondent,Communication,Risk Management,Q01\nana,4,Agree,\nbo,NA,2,5\n";
/// let mut reader =
///     ResponseReader::new(csv.as_bytes(), "<stdin>", &matrix, Some(&survey), &ResponseOptions::default())?;
/// let batch = reader.read_batch(100)?.expect("two rows");
/// assert_eq!(batch.respondents(), ["ana", "bo"]);
/// let communication = matrix.capability_index("communication").unwrap();
/// assert_eq!(batch.profile(0).values[communication], Some(4.0));
/// assert_eq!(batch.profile(1).values[communication], None);
/// assert!(reader.read_batch(100)?.is_none());
/// # Ok::<(), rolefit_import::ImportError>(())
/// ```
pub struct ResponseReader<R: Read> {
    table: Table<R>,
    plan: ColumnPlan,
    record: ByteRecord,
    scratch: Scratch,
    rows: u64,
}

impl<R: Read> ResponseReader<R> {
    /// Reads the header of `reader` and maps its columns onto `matrix`
    /// (and `survey`, if given). `source` names the input in errors (a
    /// path, or `<stdin>`).
    ///
    /// # Errors
    /// Unreadable or empty input, an empty or duplicate header name, an id
    /// column asked for that does not exist (with suggestions), a survey
    /// item column whose capability the matrix lacks, columns that match
    /// nothing (all listed, with suggestions, unless
    /// [`ResponseOptions::ignore_unknown_columns`]), and a header where no
    /// column measures anything.
    pub fn new(
        reader: R,
        source: &str,
        matrix: &RoleMatrix,
        survey: Option<&Survey>,
        options: &ResponseOptions,
    ) -> Result<Self, ImportError> {
        let table = Table::open(reader, source, RESPONSES_EXPECTED)?;
        let plan = ColumnPlan::new(&table, matrix, survey, options)?;
        Ok(ResponseReader {
            table,
            plan,
            record: ByteRecord::new(),
            scratch: Scratch::default(),
            rows: 0,
        })
    }

    /// The column mapping decided from the header.
    pub fn plan(&self) -> &ColumnPlan {
        &self.plan
    }

    /// Reads up to `max_rows` rows (at least one) into a new batch; `None`
    /// at the end of the input.
    ///
    /// # Errors
    /// See [`ColumnPlan::parse_record`]; also unreadable input. The rows of
    /// the batch read before the failing row are dropped with it; a later
    /// call continues after the failing row.
    pub fn read_batch(&mut self, max_rows: usize) -> Result<Option<ProfileBatch>, ImportError> {
        let max_rows = max_rows.max(1);
        let mut batch =
            ProfileBatch::with_capacity(self.plan.capabilities, max_rows.min(MAX_PREALLOCATED_ROWS));
        while batch.len() < max_rows {
            let Some(line) = self.table.next(&mut self.record, false)? else {
                break;
            };
            self.rows += 1;
            self.plan
                .parse_into(&self.record, line, self.rows, &mut self.scratch, &mut batch)?;
        }
        Ok((!batch.is_empty()).then_some(batch))
    }

    /// Reads every remaining row into one batch (empty if there are none).
    ///
    /// # Errors
    /// As [`ResponseReader::read_batch`].
    pub fn read_all(mut self) -> Result<ProfileBatch, ImportError> {
        Ok(self
            .read_batch(usize::MAX)?
            .unwrap_or_else(|| ProfileBatch::new(self.plan.capabilities)))
    }

    /// Reads the next row, unparsed, into `record`, and says where it is;
    /// `None` at the end. Blank rows are skipped and not counted. This is
    /// the reading half of [`ResponseReader::read_batch`], for a caller
    /// that parses rows elsewhere with [`ColumnPlan::parse_record`].
    ///
    /// # Errors
    /// Unreadable input.
    pub fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<RowPosition>, ImportError> {
        let Some(line) = self.table.next(record, false)? else {
            return Ok(None);
        };
        self.rows += 1;
        Ok(Some(RowPosition { line, row: self.rows }))
    }

    /// How many data rows have been read so far (blank rows not counted),
    /// including one that failed to parse.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rolefit_model::{Capability, Requirement, Role, SurveyItem};

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
        let b =
            read("respondent,Q1,Q3,Risk Mgmt\nx,strongly AGREE,Neither agree nor disagree,NA\ny,n/a,,N/A\n")
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
             Strongly agree"
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
        assert!(
            err("respondent,Q1\na,4,5\n").starts_with("r.csv:2: the row has 3 fields but the header has 2")
        );
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
}
