//! The column-wise path: a slice of rows read whole columns at a time.
//!
//! When the plan has the common shape (one plain numeric answer column per
//! capability, no reverse-keyed items, no scales of their own, no quality
//! flags: [`ColumnPlan::dense_answers`]), each answer column of a slice is
//! checked and mapped onto the matrix scale in one tight loop over its
//! Arrow buffer, into a slice-sized buffer of values and answered flags,
//! and each row is marked plain or not. A plain row (an id of text, every
//! answer a number inside its range or missing) then goes into the batch
//! as it is; any other row (a label, text, a number out of range, a blank
//! id) is read by the row parser, which reports it as always. So results
//! and messages are the row parser's, only sooner (the tests compare the
//! two paths).

use std::ops::Range;

use rolefit_import::{ColumnPlan, DenseAnswer};
use rolefit_model::{ProfileBatch, Scale};

use crate::read::{Column, Columns, Numbers};

/// The answer columns of a plan of the common shape and the slice read.
#[derive(Debug)]
pub(crate) struct Dense {
    answers: Vec<DenseAnswer>,
    /// The id column, if any.
    id: Option<usize>,
    from: Scale,
    to: Scale,
    capabilities: usize,
    /// The rows prepared.
    rows: Range<usize>,
    /// Row-major values and answered flags of the rows prepared.
    values: Vec<f64>,
    answered: Vec<bool>,
    /// Whether each row prepared is plain.
    plain: Vec<bool>,
}

impl Dense {
    /// The column-wise reader of `plan`, if it has the common shape.
    pub(crate) fn new(plan: &ColumnPlan) -> Option<Dense> {
        Some(Dense {
            answers: plan.dense_answers()?,
            id: plan.id_column().map(|(i, _)| i),
            from: plan.response_scale().scale(),
            to: plan.matrix_scale(),
            capabilities: plan.capabilities(),
            rows: 0..0,
            values: Vec::new(),
            answered: Vec::new(),
            plain: Vec::new(),
        })
    }

    /// Reads the answers of `rows` column by column.
    pub(crate) fn prepare(&mut self, columns: &Columns<'_>, rows: Range<usize>) {
        let n = rows.len();
        let caps = self.capabilities;
        self.values.clear();
        self.values.resize(n * caps, 0.0);
        self.answered.clear();
        self.answered.resize(n * caps, false);
        self.plain.clear();
        self.plain.resize(n, true);
        for answer in &self.answers {
            let cells = Cells {
                values: &mut self.values,
                answered: &mut self.answered,
                plain: &mut self.plain,
                capability: answer.capability,
                capabilities: caps,
            };
            let map = Map {
                range: answer.range,
                from: self.from,
                to: self.to,
            };
            match &columns.columns[answer.column] {
                Column::Numbers(Numbers::F64(v), nulls) => cells.fill(
                    &v[rows.clone()],
                    nulls.map(|n| n.slice(rows.start, n_len(&rows))),
                    map,
                    |x| x,
                ),
                Column::Numbers(Numbers::I64(v), nulls) => cells.fill(
                    &v[rows.clone()],
                    nulls.map(|n| n.slice(rows.start, n_len(&rows))),
                    map,
                    |x| x as f64,
                ),
                Column::Null => {}
                // Other types, cell by cell as the row parser sees them.
                _ => {
                    let mut cells = cells;
                    for (i, row) in rows.clone().enumerate() {
                        match columns.cell(answer.column, row) {
                            rolefit_import::Cell::Missing => {}
                            rolefit_import::Cell::Number(x) => cells.set(i, x, map),
                            rolefit_import::Cell::Integer(x) => cells.set(i, x as f64, map),
                            rolefit_import::Cell::Text(_) => cells.plain[i] = false,
                        }
                    }
                }
            }
        }
        if let Some(id) = self.id {
            for (i, row) in rows.clone().enumerate() {
                let plain = match columns.cell(id, row) {
                    rolefit_import::Cell::Text(t) => {
                        !t.trim().is_empty() && t.len() <= rolefit_import::limits::MAX_FIELD_BYTES
                    }
                    _ => false,
                };
                self.plain[i] &= plain;
            }
        }
        self.rows = rows;
    }

    /// Pushes row `row` (row number `number`) into `out` if it was
    /// prepared and is plain; `false` (nothing done) otherwise.
    #[inline]
    pub(crate) fn push(
        &self,
        columns: &Columns<'_>,
        row: usize,
        number: u64,
        out: &mut ProfileBatch,
    ) -> bool {
        if !self.rows.contains(&row) {
            return false;
        }
        let i = row - self.rows.start;
        if !self.plain[i] {
            return false;
        }
        let range = i * self.capabilities..(i + 1) * self.capabilities;
        let (values, answered) = (&self.values[range.clone()], &self.answered[range]);
        match self.id {
            Some(id) => match columns.cell(id, row) {
                rolefit_import::Cell::Text(t) => out.push_parts(t.trim(), values, answered),
                _ => return false,
            },
            None => out.push_parts(itoa::Buffer::new().format(number), values, answered),
        }
        true
    }
}

fn n_len(rows: &Range<usize>) -> usize {
    rows.end - rows.start
}

/// How an answer is checked and mapped: as the row parser's dense path.
#[derive(Clone, Copy)]
struct Map {
    range: Scale,
    from: Scale,
    to: Scale,
}

/// One capability's cells in the slice's buffers.
struct Cells<'a> {
    values: &'a mut [f64],
    answered: &'a mut [bool],
    plain: &'a mut [bool],
    capability: usize,
    capabilities: usize,
}

impl Cells<'_> {
    #[inline]
    fn set(&mut self, i: usize, x: f64, map: Map) {
        if map.range.contains(x) {
            let at = i * self.capabilities + self.capability;
            self.values[at] = map.from.map_to(x, &map.to);
            self.answered[at] = true;
        } else {
            self.plain[i] = false;
        }
    }

    /// The column's values `v` (and their nulls, sliced to the rows).
    #[inline]
    fn fill<T: Copy>(
        mut self,
        v: &[T],
        nulls: Option<arrow_buffer::NullBuffer>,
        map: Map,
        as_f64: impl Fn(T) -> f64,
    ) {
        match nulls {
            Some(nulls) if nulls.null_count() > 0 => {
                for (i, &x) in v.iter().enumerate() {
                    if nulls.is_valid(i) {
                        self.set(i, as_f64(x), map);
                    }
                }
            }
            _ => {
                for (i, &x) in v.iter().enumerate() {
                    self.set(i, as_f64(x), map);
                }
            }
        }
    }
}
