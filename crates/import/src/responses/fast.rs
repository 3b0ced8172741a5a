//! The fast line reader: what most lines of a large responses file take.
//!
//! Files of the common shape (one plain answer column per capability, no
//! quality flags: [`DensePlan`]) have their quote-free lines read in one
//! pass straight into the batch ([`ColumnPlan::parse_dense_line`]).
//! Anything else returns "not mine" and takes the general path
//! ([`ColumnPlan::parse_record`]), so results and errors are the general
//! path's, only sooner; the differential tests (`export_tests.rs`) hold it
//! to that.
//!
//! What it saves, measured 2026-12-07 (`cargo bench --bench pipeline --
//! fast_paths`; docs/performance.md): a file of target A's shape parses
//! 1.34x faster than by the general path, and `score` on target A
//! (1,000,000 x 30 x 12) spends 1.21x the CPU time without it (+31% of
//! instructions under cachegrind). A line reader for lines of one-digit
//! answers, read through digit tables without branches, was measured at the
//! same time and removed: 1.38x faster parsing in isolation, but 1.02x end
//! to end (+3.6% of instructions), under the 5% a trick must save to stay.

use rolefit_model::{ProfileBatch, Scale};

use super::cells::Cell;
use super::parse::Scratch;
use super::plan::{ColumnPlan, Measure};
use super::scales::ColumnScale;

/// The common shape of a responses file, read by
/// [`ColumnPlan::parse_dense_line`]: at most one answer column per
/// capability, none reverse-keyed or on a scale of its own, and no quality
/// flags; so each answer is the capability's value, mapped from the
/// response scale to the matrix's.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DensePlan {
    /// What each column of the header holds.
    pub(super) cells: Vec<DenseCell>,
    /// The response scale.
    pub(super) from: Scale,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum DenseCell {
    /// The respondent id.
    Id,
    /// An answer: the value of this capability, a number inside `range`.
    /// `digits[d]` is what the one-digit answer `d` means on the matrix
    /// scale, NaN when `d` is outside `range`.
    Answer {
        capability: usize,
        range: Scale,
        digits: [f64; 10],
    },
    /// Metadata or a column that is not read.
    Skip,
}

impl DensePlan {
    pub(super) fn new(
        columns: usize,
        id_column: Option<usize>,
        measures: &[Measure],
        scales: &[ColumnScale],
        matrix_scale: Scale,
        no_flags: bool,
    ) -> Option<DensePlan> {
        if !no_flags || columns == 0 {
            return None;
        }
        let from = scales.first()?.scale.scale();
        let mut cells = vec![DenseCell::Skip; columns];
        if let Some(id) = id_column {
            cells[id] = DenseCell::Id;
        }
        let mut seen = std::collections::HashSet::new();
        for m in measures {
            if m.reverse
                || m.rescale
                || m.codes.is_some()
                || !seen.insert(m.capability)
                || cells[m.column] != DenseCell::Skip
            {
                return None;
            }
            let digits = std::array::from_fn(|d| {
                let d = d as f64;
                if m.range.contains(d) {
                    from.map_to(d, &matrix_scale)
                } else {
                    f64::NAN
                }
            });
            cells[m.column] = DenseCell::Answer {
                capability: m.capability,
                range: m.range,
                digits,
            };
        }
        Some(DensePlan { cells, from })
    }
}

/// One answer column of a file of the common shape ([`DensePlan`]), for
/// readers of typed columns (`rolefit-arrow`) that check and map whole
/// columns at once ([`ColumnPlan::dense_answers`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DenseAnswer {
    /// The column (0-based).
    pub column: usize,
    /// The capability it answers (matrix order).
    pub capability: usize,
    /// The numbers it accepts.
    pub range: Scale,
}

impl ColumnPlan {
    /// The answer columns when rows of this plan have the common shape
    /// ([`DensePlan`]), else `None`. A typed row whose id cell is text (not
    /// blank, at most [`crate::limits::MAX_FIELD_BYTES`] bytes) and whose
    /// every answer is a number inside its column's `range` or missing is
    /// then the profile of those answers, each mapped with
    /// [`Scale::map_to`] from the response scale's range onto
    /// [`ColumnPlan::matrix_scale`], under the trimmed id (the row number
    /// without an id column): what [`crate::CellParser::parse`] makes of
    /// it. Any other row takes `CellParser::parse`.
    pub fn dense_answers(&self) -> Option<Vec<DenseAnswer>> {
        let dense = self.dense.as_ref()?;
        Some(
            dense
                .cells
                .iter()
                .enumerate()
                .filter_map(|(column, cell)| match *cell {
                    DenseCell::Answer {
                        capability, range, ..
                    } => Some(DenseAnswer {
                        column,
                        capability,
                        range,
                    }),
                    _ => None,
                })
                .collect(),
        )
    }

    /// Reads a line without quotes straight into `out` when the file has
    /// the common shape ([`DensePlan`]) and every cell of the line is
    /// plain: an id, numbers inside the scale, blanks. One pass over the
    /// bytes, cells parsed as they are found. `false` (and nothing done)
    /// for anything else (no dense plan, a label, `NA`, a value out of
    /// range, a wrong number of cells, an empty id, a very long line),
    /// which the general path then reads, or reports, as always: so the
    /// result is the general path's, only sooner.
    pub(crate) fn parse_dense_line(
        &self,
        line: &[u8],
        row_number: u64,
        scratch: &mut Scratch,
        out: &mut ProfileBatch,
    ) -> bool {
        let Some(dense) = &self.dense else {
            return false;
        };
        if line.len() > crate::limits::MAX_FIELD_BYTES {
            return false;
        }
        let delimiter = self.delimiter;
        let (values, answered) = scratch.dense_row(self.capabilities);
        let mut id = None;
        let mut start = 0;
        let last = dense.cells.len() - 1;
        for (j, plan) in dense.cells.iter().enumerate() {
            // `start` never passes the end: it follows a delimiter.
            let rest = &line[start..];
            // Most cells are one digit and the delimiter (or the line's end).
            let digit = match rest {
                [d, b, ..] if j != last && *b == delimiter && d.is_ascii_digit() => Some(d - b'0'),
                [d] if j == last && d.is_ascii_digit() => Some(d - b'0'),
                _ => None,
            };
            let (cell, next) = if digit.is_some() {
                (&rest[..1], start + 2)
            } else if j == last {
                if rest.contains(&delimiter) {
                    return false;
                }
                (rest, line.len())
            } else {
                let Some(at) = rest.iter().position(|&b| b == delimiter) else {
                    return false;
                };
                (&rest[..at], start + at + 1)
            };
            match plan {
                DenseCell::Skip => {}
                DenseCell::Id => match std::str::from_utf8(cell).map(str::trim) {
                    Ok(text) if !text.is_empty() => id = Some(text),
                    _ => return false,
                },
                DenseCell::Answer {
                    capability,
                    range,
                    digits,
                } => {
                    let value = match digit {
                        // NaN: outside the range.
                        Some(d) => digits[usize::from(d)],
                        None => match plain_decimal(cell) {
                            Some(v) if range.contains(v) => dense.from.map_to(v, &self.matrix_scale),
                            None if cell.iter().all(u8::is_ascii_whitespace) => {
                                start = next;
                                continue;
                            }
                            _ => return false,
                        },
                    };
                    if value.is_nan() {
                        return false;
                    }
                    values[*capability] = value;
                    answered[*capability] = true;
                }
            }
            start = next;
        }
        push_dense(out, id, row_number, values, answered);
        true
    }
}

impl Scratch {
    /// The dense row's values and answered flags, reset to `capabilities`
    /// blanks.
    #[inline]
    fn dense_row(&mut self, capabilities: usize) -> (&mut Vec<f64>, &mut Vec<bool>) {
        let (values, answered) = (&mut self.dense_values, &mut self.dense_answered);
        values.clear();
        values.resize(capabilities, 0.0);
        answered.clear();
        answered.resize(capabilities, false);
        (values, answered)
    }
}

/// Pushes a dense row under its id or, when the file has no id column,
/// its row number.
#[inline]
fn push_dense(out: &mut ProfileBatch, id: Option<&str>, row_number: u64, values: &[f64], answered: &[bool]) {
    let mut row_id = itoa::Buffer::new();
    let respondent = match id {
        Some(text) => text,
        None => row_id.format(row_number),
    };
    out.push_parts(respondent, values, answered);
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
#[inline(always)]
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

impl ColumnPlan {
    /// [`ColumnPlan::parse_dense_line`] for a row of typed cells: when the
    /// file has the common shape ([`DensePlan`]) and every cell is plain
    /// (an id of text, numbers inside the scale, missing answers), the row
    /// goes straight into `out`. `false` (and nothing done) for anything
    /// else, which the general path then reads, or reports, as always.
    pub(crate) fn parse_dense_cells(
        &self,
        cells: &[Cell<'_>],
        row_number: u64,
        scratch: &mut Scratch,
        out: &mut ProfileBatch,
    ) -> bool {
        let Some(dense) = &self.dense else {
            return false;
        };
        if cells.len() != dense.cells.len() {
            return false;
        }
        let (values, answered) = scratch.dense_row(self.capabilities);
        let mut id = None;
        for (plan, cell) in dense.cells.iter().zip(cells) {
            match plan {
                DenseCell::Skip => {}
                DenseCell::Id => match cell {
                    Cell::Text(text)
                        if !text.trim().is_empty() && text.len() <= crate::limits::MAX_FIELD_BYTES =>
                    {
                        id = Some(text.trim());
                    }
                    _ => return false,
                },
                DenseCell::Answer {
                    capability, range, ..
                } => {
                    let v = match *cell {
                        Cell::Number(v) => v,
                        Cell::Integer(i) => i as f64,
                        Cell::Missing => continue,
                        Cell::Text(_) => return false,
                    };
                    if !range.contains(v) {
                        return false;
                    }
                    values[*capability] = dense.from.map_to(v, &self.matrix_scale);
                    answered[*capability] = true;
                }
            }
        }
        push_dense(out, id, row_number, values, answered);
        true
    }
}
