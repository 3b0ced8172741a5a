//! Responses from CSV, streamed: one row per respondent, turned into
//! capability profiles on the role matrix's scale.
//!
//! A responses file can be large, so it is never held whole. Its head (the
//! header rows, one for a plain file, up to three for a survey-tool export,
//! see [`crate::layout`]) is read once and mapped into a [`ColumnPlan`]:
//! which column holds the respondent id, which measure a capability
//! directly, which answer a survey item (and whether it is reverse-keyed),
//! which are metadata, and on which label scale each answer column is read.
//! Every later row is parsed by [`ColumnPlan::parse_record`] alone, a pure
//! function of the plan and the row, which costs a few parses and additions
//! per cell. The plan is separate from the [`ResponseReader`] so that rows
//! can be parsed on several threads while one thread reads them (see
//! [`ResponseReader::next_record`] and [`crate::ResponseChunks`]).
//!
//! Columns are matched loosely (case, spaces and punctuation ignored): by
//! name, a capability before a survey item id; then by question text
//! against the survey's statements, exactly and then loosely. Anything that
//! matches nothing is an error listing every such column with suggestions,
//! unless the caller asked to ignore them: a typo in a column name should
//! never silently drop an answer.
//!
//! A capability's value is the mean of its answered cells (reverse-keyed
//! items mirrored first, answers on another scale than the response scale
//! mapped onto it), mapped linearly from the response scale onto the matrix
//! scale: `Lm + (v - Lr) * (Hm - Lm) / (Hr - Lr)`.
//!
//! One file per concern: the caller's [`options`](ResponseOptions), the
//! column plan (`plan.rs`) and the matching of columns it is made from
//! (`columns.rs`), label scales (`scales.rs`), quality flags (`flags.rs`),
//! the general row parser (`parse.rs`), the fast line reader (`fast.rs`)
//! and the sequential reader (`reader.rs`).

mod anchors;
mod cells;
pub(crate) mod choices;
mod columns;
mod fast;
mod flags;
mod missing;
mod options;
mod parse;
mod plan;
mod reader;
mod scales;
#[cfg(test)]
mod tests;

use std::io::BufRead;

use rolefit_model::{RoleMatrix, Survey};

pub use anchors::Numbering;
pub use cells::{Cell, CellParser};
pub use choices::{read_choice_codes, ChoiceCodes};
pub use columns::looks_like_ids;
pub(crate) use fast::plain_decimal;
pub use fast::DenseAnswer;
pub use flags::STRAIGHT_LINING_MIN_ANSWERS;
pub use options::{FlagOptions, ResponseOptions};
pub(crate) use parse::Scratch;
pub use plan::{ColumnPlan, ColumnRole};
pub use reader::ResponseReader;
pub(crate) use scales::suggested_scale;
pub use scales::AmbiguousScale;

use crate::error::ImportError;
use crate::layout::{read_head, Head};

/// What the header of a responses file should be, for the error on empty
/// input.
pub(crate) const RESPONSES_EXPECTED: &str =
    "a header row naming the respondent id column and capability or survey \
     item columns, such as `respondent,Q01,Q02`";

/// Data bytes read ahead, past the header, to choose each column's label
/// scale from the labels in its first rows.
pub(crate) const SAMPLE_BYTES: usize = 128 << 10;

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

/// Reads the head of a responses file (its header rows, and a sample of
/// its rows when the scale is to be inferred) and plans its columns.
pub(crate) fn read_plan<R: BufRead>(
    input: &mut R,
    source: &str,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    options: &ResponseOptions,
) -> Result<(Head, ColumnPlan), ImportError> {
    let head = read_head(
        input,
        source,
        options.source,
        sample_bytes(options),
        RESPONSES_EXPECTED,
    )?;
    let plan = ColumnPlan::new(&head, source, matrix, survey, options)?;
    Ok((head, plan))
}

/// How many data bytes to read ahead: a sample to choose label scales from,
/// unless one scale was given for every column.
fn sample_bytes(options: &ResponseOptions) -> usize {
    if options.scale.is_none() && options.scale_name.is_none() {
        SAMPLE_BYTES
    } else {
        0
    }
}
