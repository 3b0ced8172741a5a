//! Arrow record batches in and out of rolefit, for the Python package
//! (pandas, Polars, pyarrow, Spark's `mapInArrow`) and the CLI's Parquet
//! files.
//!
//! Reading ([`BatchReader`]): the columns of a batch are mapped by the same
//! [`ColumnPlan`] a CSV file gets, made from the batch's column names and a
//! sample of its first rows ([`plan_for`]), so that columns match, label
//! scales are chosen and errors read exactly as for the same data saved as
//! CSV. Rows are then read typed ([`rolefit_import::Cell`]): a float or
//! integer cell reaches the parser as a number, straight from the Arrow
//! buffer, and only text cells (labels, numbers stored as strings) are read
//! as text. Line numbers in messages are the lines the rows would have in
//! that CSV file: the header is line 1, data row `i` (0-based, counting
//! blank rows) line `i + 2`.
//!
//! Scoring ([`score_batch`]): the batch is cut into slices of rows that the
//! available cores parse and score in parallel with the score crate's
//! [`Scorer`]; results come back in input order whatever the number of
//! threads.
//!
//! Writing ([`LongRows`]): the long layout of `rolefit score --format csv`
//! (`respondent, rank, role, score, answered, status`) as typed columns.

#![deny(missing_docs)]

mod dense;
mod long;
mod read;
mod score;
#[cfg(test)]
mod tests;

pub use long::{long_schema, LongRows};
pub use read::{plan_for, readable, BatchReader, CsvText, SAMPLE_ROWS};
pub use score::{score_batch, BatchError, ExplainText, ScoreOptions, Scored};
