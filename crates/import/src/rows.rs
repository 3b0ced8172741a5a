//! Rows with a header, wherever they come from.
//!
//! The role matrix readers (wide, long, O*NET ratings) work on [`Rows`]: a header
//! of trimmed names and records of cells, each with the line (CSV) or row
//! (Excel) it starts on. A CSV [`Table`] and an Excel sheet
//! ([`SheetRows`](crate::xlsx::SheetRows)) both provide them, so one reader
//! serves both and reports problems the same way: `FILE:LINE: column N
//! "HEADER": ...`, where for a workbook LINE is the row number Excel shows.
//!
//! Records are [`ByteRecord`]s so that the CSV path keeps reading into one
//! reused buffer without an allocation per row.

use std::io::Read;

use csv::ByteRecord;
use rolefit_model::match_key;

use crate::error::{ErrorKind, ImportError};
use crate::table::{cell, Table};

/// A header and the records under it.
pub(crate) trait Rows {
    /// The source name errors use.
    fn source(&self) -> &str;

    /// The trimmed header cells.
    fn header(&self) -> &[String];

    /// The line (or sheet row) the header is on, 1-based.
    fn header_line(&self) -> u64;

    /// Reads the next record that is not blank into `record` and returns its
    /// 1-based line (or sheet row), or `None` at the end. A record is as
    /// long as the header; one that is not is an error.
    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, ImportError>;

    /// The 0-based index of the header whose [`match_key`] is `key`.
    fn find(&self, key: &str) -> Option<usize> {
        self.header().iter().position(|h| match_key(h) == key)
    }

    /// The header name of 0-based column `index`.
    fn name(&self, index: usize) -> &str {
        self.header().get(index).map_or("", String::as_str)
    }

    /// The trimmed text of cell `index` of `record`, read on `line`.
    fn cell<'r>(&self, record: &'r ByteRecord, index: usize, line: u64) -> Result<&'r str, ImportError> {
        cell(record, index, self.source(), self.name(index), line)
    }

    /// A trimmed cell that must have letters or digits (an id or a name);
    /// `expected` says what belongs there.
    fn required_cell<'r>(
        &self,
        record: &'r ByteRecord,
        index: usize,
        line: u64,
        expected: &str,
    ) -> Result<&'r str, ImportError> {
        let text = self.cell(record, index, line)?;
        let error = if text.is_empty() {
            ImportError::new(
                self.source(),
                ErrorKind::EmptyCell {
                    expected: expected.to_string(),
                },
            )
        } else if match_key(text).is_empty() {
            ImportError::bad_value(self.source(), text, "has no letters or digits", expected)
        } else {
            return Ok(text);
        };
        Err(error.at_line(line).at_column(index, self.name(index)))
    }
}

impl<R: Read> Rows for Table<R> {
    fn source(&self) -> &str {
        Table::source(self)
    }

    fn header(&self) -> &[String] {
        Table::header(self)
    }

    fn header_line(&self) -> u64 {
        Table::header_line(self)
    }

    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, ImportError> {
        self.next(record, true)
    }
}
