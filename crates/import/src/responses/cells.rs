//! Typed rows: answers that arrive as numbers and text already (an Arrow
//! batch, a DataFrame's columns, a Parquet file), parsed by the same
//! [`ColumnPlan`], with the same checks and the same messages, as rows of
//! CSV text.
//!
//! A number reaches the parser as a number: no text is made of it unless
//! it is refused (the message then shows it as pandas and Polars write it
//! to CSV: an integer `7`, a float `7.0` or `4.5`), or the plan sets
//! quality flags, whose speeding rule reads its columns as text. Text cells (labels such as `Agree`, numbers stored
//! as strings, `NA`) take exactly the path a CSV cell takes.

use std::borrow::Cow;

use rolefit_model::ProfileBatch;

use super::fast::plain_decimal;
use super::parse::Scratch;
use super::plan::ColumnPlan;
use super::RowPosition;
use crate::error::ImportError;
use crate::table::Fields;

/// One cell of a typed row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// No value (a null): no answer, like an empty CSV cell.
    Missing,
    /// A float, read as an answer without a round trip through text.
    Number(f64),
    /// An integer, read as an answer without a round trip through text.
    Integer(i64),
    /// Text, read exactly as a CSV cell with this text.
    Text(&'a str),
}

impl Cell<'_> {
    /// Whether the cell is blank: missing, or text of white space only. A
    /// row of blank cells is skipped and not counted, as a blank CSV line
    /// is.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Missing => true,
            Cell::Number(_) | Cell::Integer(_) => false,
            Cell::Text(t) => t.trim().is_empty(),
        }
    }

    /// The text of a number cell as pandas and Polars write it to CSV (`7`
    /// for an integer; `7.0`, `4.5`, `NaN` for a float); `None` for other
    /// cells.
    pub fn number_text(&self) -> Option<String> {
        match *self {
            Cell::Integer(i) => Some(i.to_string()),
            Cell::Number(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 => Some(format!("{v:.1}")),
            Cell::Number(v) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// Parses typed rows with one plan, reusing its working space.
#[derive(Debug, Default)]
pub struct CellParser {
    scratch: Scratch,
    /// With quality flags on, the text of each number cell of the row.
    numbers: Vec<Option<String>>,
}

impl CellParser {
    /// A parser with empty working space.
    pub fn new() -> Self {
        CellParser::default()
    }

    /// Parses one row of `cells` (one per column of `plan`'s header, in
    /// its order) at `position` and appends its profile to `out`; the
    /// line of `position` is what errors name. Nothing is appended on
    /// error.
    ///
    /// # Errors
    /// As [`ColumnPlan::parse_record`]: another number of cells than
    /// columns, an empty id, an answer that is not a finite number inside
    /// its column's scale, not a label of it and not missing.
    pub fn parse(
        &mut self,
        plan: &ColumnPlan,
        cells: &[Cell<'_>],
        position: RowPosition,
        out: &mut ProfileBatch,
    ) -> Result<(), ImportError> {
        // The common shape goes straight in; anything else (and every
        // error) takes the general path.
        if plan.parse_dense_cells(cells, position.row, &mut self.scratch, out) {
            return Ok(());
        }
        self.numbers.clear();
        if plan.flags_on() {
            self.numbers.extend(cells.iter().map(Cell::number_text));
        }
        let row = CellRow {
            cells,
            numbers: &self.numbers,
        };
        plan.parse_into(&row, position.line, position.row, &mut self.scratch, out)
    }
}

/// A typed row as the row parser reads rows.
struct CellRow<'a> {
    cells: &'a [Cell<'a>],
    /// The text of number cells, when quality flags need it (else empty).
    numbers: &'a [Option<String>],
}

impl Fields for CellRow<'_> {
    fn count(&self) -> usize {
        self.cells.len()
    }

    fn total_len(&self) -> usize {
        self.cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) => t.len(),
                _ => 0,
            })
            .sum()
    }

    fn field(&self, index: usize) -> Option<&[u8]> {
        match self.cells.get(index)? {
            Cell::Missing => Some(b""),
            Cell::Text(t) => Some(t.as_bytes()),
            Cell::Number(_) | Cell::Integer(_) => Some(
                self.numbers
                    .get(index)
                    .and_then(|n| n.as_deref())
                    .unwrap_or_default()
                    .as_bytes(),
            ),
        }
    }

    #[inline(always)]
    fn number(&self, index: usize) -> Option<f64> {
        match self.cells.get(index)? {
            Cell::Number(v) => Some(*v),
            Cell::Integer(i) => Some(*i as f64),
            Cell::Text(t) => plain_decimal(t.as_bytes()),
            Cell::Missing => None,
        }
    }

    fn owned_text(&self, index: usize) -> Option<Cow<'_, str>> {
        self.cells.get(index)?.number_text().map(Cow::Owned)
    }
}
