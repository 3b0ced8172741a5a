//! The general row parser: any row of any layout, every cell checked, the
//! answers of each capability averaged and mapped onto the matrix scale.
//! The fast line reader ([`super::fast`]) hands every line it does not
//! take to it, so its results and errors are the reference.

use std::borrow::Cow;

use csv::ByteRecord;
use rolefit_model::{ProfileBatch, QualityFlags};

use super::flags::Tally;
use super::missing::is_blank_answer;
use super::plan::{ColumnPlan, Measure};
use super::scales::suggested_scale;
use crate::error::{ErrorKind, ImportError};
use crate::suggest::suggest_owned;
use crate::table::{cell, check_length_of, number, parse_number, Fields};

/// Per-row working space, reused across rows.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    sums: Vec<f64>,
    counts: Vec<u32>,
    values: Vec<Option<f64>>,
    /// A dense line's values and answered flags.
    pub(super) dense_values: Vec<f64>,
    pub(super) dense_answered: Vec<bool>,
    /// The row's answers read as missing because of a "no answer" label.
    no_answer: u64,
}

/// The trimmed text of cell `index` of `record`, as [`cell`] reads it, or
/// the text of a typed number ([`Fields::owned_text`]).
#[inline]
fn text_cell<'r, F: Fields + ?Sized>(
    record: &'r F,
    index: usize,
    source: &str,
    column: &str,
    line: u64,
) -> Result<Cow<'r, str>, ImportError> {
    match record.owned_text(index) {
        Some(text) => Ok(text),
        None => cell(record, index, source, column, line).map(Cow::Borrowed),
    }
}

impl ColumnPlan {
    /// Parses one row and appends its profile to `out`.
    ///
    /// `line` is the line the row starts on and `row_number` its 1-based
    /// number among the data rows, both for errors (and the row number is
    /// the respondent id when there is no id column); see
    /// [`ResponseReader::next_record`](crate::ResponseReader::next_record). Nothing is appended on error. With
    /// [`ResponseOptions::flags`](crate::ResponseOptions::flags), the profile carries its quality flags.
    ///
    /// # Errors
    /// A row with another number of fields than the header, an empty id, a
    /// cell that is not UTF-8, and an answer that is not a finite number
    /// inside its column's scale, not a label of it, and not missing
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
                let id = text_cell(record, i, &self.source, name(i), line)?;
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
            None => Cow::Borrowed(row_id.format(row_number)),
        };
        scratch.sums.resize(self.capabilities, 0.0);
        scratch.sums.fill(0.0);
        scratch.counts.resize(self.capabilities, 0);
        scratch.counts.fill(0);
        scratch.no_answer = 0;
        let flags = match &self.flags {
            None => {
                self.measure::<F, false>(record, line, scratch)?;
                QualityFlags::NONE
            }
            Some(rules) => {
                let tally = self.measure::<F, true>(record, line, scratch)?;
                self.flags_of(rules, &tally, record)
            }
        };
        let from = self.response_scale().scale();
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
        out.push(&*respondent, &scratch.values);
        out.add_no_answer(scratch.no_answer);
        if !flags.is_empty() {
            out.flag_last(flags);
        }
        Ok(())
    }

    /// Reads every answer cell of a row into the sums and counts of
    /// `scratch`; with `TRACK`, also notes what the quality flags need.
    #[inline(always)]
    fn measure<F: Fields + ?Sized, const TRACK: bool>(
        &self,
        record: &F,
        line: u64,
        scratch: &mut Scratch,
    ) -> Result<Tally, ImportError> {
        let mut tally = Tally::default();
        let base = self.scales[0].scale.scale();
        for m in &self.measures {
            // Most cells are short plain numbers: read those without the
            // general path (UTF-8 check, trim, float parser, labels).
            let fast = match m.codes {
                None => record.number(m.column).filter(|&v| m.range.contains(v)),
                Some(_) => None,
            };
            let value = match fast {
                Some(v) => v,
                None => {
                    let name = self.header[m.column].as_str();
                    let text = text_cell(record, m.column, &self.source, name, line)?;
                    if is_blank_answer(&text) {
                        continue;
                    }
                    let text = match m.codes {
                        None => text,
                        Some(c) => Cow::Borrowed(
                            self.label_of(c, &text)
                                .map_err(|e| e.at_line(line).at_column(m.column, name))?,
                        ),
                    };
                    match self.answer(&text, m) {
                        Ok(Some(v)) => v,
                        Ok(None) => {
                            scratch.no_answer += 1;
                            continue;
                        }
                        Err(e) => return Err(e.at_line(line).at_column(m.column, name)),
                    }
                }
            };
            if TRACK {
                if tally.answered == 0 {
                    tally.first = value;
                } else if value != tally.first {
                    tally.varied = true;
                }
                tally.answered += 1;
            }
            let value = if m.reverse { m.range.mirror(value) } else { value };
            let value = if m.rescale {
                m.range.map_to(value, &base)
            } else {
                value
            };
            scratch.sums[m.capability] += value;
            scratch.counts[m.capability] += 1;
        }
        Ok(tally)
    }

    /// The label the code `text` stands for in the coded column `codes`
    /// (an index in [`ColumnPlan::codes`]).
    ///
    /// # Errors
    /// A code the text export never showed for the column.
    fn label_of(&self, codes: usize, text: &str) -> Result<&str, ImportError> {
        let pairs = &self.codes[codes];
        if let Some((_, label)) = pairs.iter().find(|(code, _)| code == text) {
            return Ok(label);
        }
        let shown: Vec<String> = pairs.iter().map(|(c, l)| format!("{c} = {l:?}")).collect();
        let text_source = self.choice_text.as_deref().unwrap_or("the text export");
        Err(ImportError::bad_value(
            &self.source,
            text,
            format!("is a number no row of {text_source} shows a label for in this column"),
            format!(
                "one of the numbers the text export pairs with a label: {} (is the respondent missing from \
                 {text_source}?)",
                rolefit_model::first_few(&shown, ", ")
            ),
        ))
    }

    /// The value of an answer cell (trimmed, not blank) of the column
    /// measure `m` reads; `None` for a "no answer" label its scale does not
    /// give a value.
    fn answer(&self, text: &str, m: &Measure) -> Result<Option<f64>, ImportError> {
        // With --decimal-comma, `3,5` is read as 3.5 (and shown as written).
        let with_dot = self.decimal_comma.then(|| comma_number(text)).flatten();
        let column_scale = &self.scales[m.scale];
        let response_scale = &column_scale.scale;
        let range = response_scale.scale();
        // A column read on another scale than the file's says so (the
        // expectation then names that scale).
        let own = m.scale != 0;
        let problem = match parse_number(with_dot.as_deref().unwrap_or(text)) {
            Ok(v) if range.contains(v) => return Ok(Some(v)),
            Ok(v) => {
                let problem = if own {
                    "is outside the column's scale"
                } else {
                    "is outside the response scale"
                };
                let expected = format!("{}{}", column_scale.expected, self.range_hint(m, v));
                return Err(ImportError::bad_value(&self.source, text, problem, &expected));
            }
            Err(problem) => {
                if let Some(v) = response_scale.value_of(text) {
                    return Ok(Some(v));
                }
                if self.no_answer.contains(text) {
                    return Ok(None);
                }
                if let Some(hint) = number_hint(text) {
                    let expected = format!("{} ({hint})", column_scale.expected);
                    return Err(ImportError::bad_value(
                        &self.source,
                        text,
                        "is not a number",
                        &expected,
                    ));
                }
                match (problem, response_scale.labels().is_empty()) {
                    ("is not a number", false) if own => "is not a number or a label of the column's scale",
                    ("is not a number", false) => "is not a number or a label of the response scale",
                    _ => problem,
                }
            }
        };
        let labels = response_scale.labels().iter().map(|l| l.label.as_str());
        let suggestions = suggest_owned(text, labels);
        let wordy = !text.bytes().any(|b| b.is_ascii_digit());
        if wordy && suggestions.is_empty() && problem.ends_with("scale") && problem.contains("label") {
            // A word of a column whose labels fit no scale: its scale is
            // to be given.
            let key = rolefit_model::match_key(text);
            if let Some(unfit) = self
                .unfit
                .iter()
                .find(|u| u.column == m.column && u.keys.contains(&key))
            {
                let expected = format!("{}{}", column_scale.expected, unfit.hint);
                return Err(ImportError::bad_value(&self.source, text, problem, &expected));
            }
            // A word no scale knows, and not a typo of one: most often an
            // answer such as "Skipped" that means no answer.
            let expected = format!(
                "{} (if {text:?} means no answer, pass --missing-labels {text:?})",
                column_scale.expected
            );
            return Err(ImportError::bad_value(&self.source, text, problem, &expected));
        }
        Err(
            ImportError::bad_value(&self.source, text, problem, &column_scale.expected)
                .with_suggestions(suggestions),
        )
    }

    /// What a number `value` outside measure `m`'s scale suggests: the
    /// numbers seen in the column's first rows (and this one), the scale
    /// they fit, and where to say so: ` (1 to 7 seen in this column: is it
    /// a 1..7 scale? ...)`; empty when they suggest none.
    fn range_hint(&self, m: &Measure, value: f64) -> String {
        let (lo, hi) = m
            .seen
            .map_or((value, value), |(lo, hi)| (lo.min(value), hi.max(value)));
        let Some(scale) = suggested_scale(lo, hi).filter(|s| *s != m.range) else {
            return String::new();
        };
        let seen = if lo == hi {
            format!("{} seen", number(lo))
        } else {
            format!("{} to {} seen", number(lo), number(hi))
        };
        match m.item {
            Some(_) => format!(
                " ({seen} in this column: is it a {scale} scale? give the item the scale {scale} in the \
                 survey definition's scale column, or pass --scale {scale} for every column)"
            ),
            None => format!(" ({seen} in this column: is it a {scale} scale? pass --scale {scale})"),
        }
    }
}

/// The text of a number written with a decimal comma (`3,5`), with a dot
/// instead (`3.5`); `None` for any other text (labels may hold commas).
fn comma_number(text: &str) -> Option<String> {
    let (whole, fraction) = text.split_once(',')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole.strip_prefix('-').unwrap_or(whole));
    (whole_ok && digits(fraction)).then(|| format!("{whole}.{fraction}"))
}

/// What a cell that is nearly a number says about the file: a decimal
/// comma (`3,5`, from a spreadsheet in a locale that writes them) or a
/// percentage (`80%`); `None` for anything else.
fn number_hint(text: &str) -> Option<String> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some((whole, fraction)) = text.split_once(',') {
        if digits(whole) && digits(fraction) {
            return Some(format!(
                "a decimal comma: pass --decimal-comma to read {whole},{fraction} as {whole}.{fraction} (or \
                 save the file from a spreadsheet set to a locale that writes a dot)"
            ));
        }
    }
    let percent = text.strip_suffix('%')?.trim_end();
    parse_number(percent).ok()?;
    Some(format!(
        "a percentage: write {percent} without the % sign, and give the scale, such as --scale 0..100"
    ))
}
