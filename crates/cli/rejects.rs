//! The rejects file: rows set aside with `--on-error skip`.
//!
//! CSV, header `line,reason,` then the input's header; one row per rejected
//! input row: its line, the reason (the error message) and its original
//! fields; every cell, the header's too, made safe for spreadsheets like
//! any user text ([`write_safe`]).

use std::io::Write;

use anyhow::Result;
use rolefit_import::{ColumnPlan, ImportError, RowPosition};

use crate::io::Output;
use crate::render::write_safe;

/// The rejects file's header: `line,reason`, then the input's header.
pub fn write_header(out: &mut Output, plan: &ColumnPlan, sanitize: bool) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["line", "reason"];
    header.extend(plan.header().iter().map(String::as_str));
    write_safe(&mut w, &header, sanitize)?;
    out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
    Ok(())
}

/// Appends one rejected row to the rejects CSV: line, reason, the fields.
pub fn append(
    out: &mut Vec<u8>,
    position: RowPosition,
    record: &rolefit_import::ByteRecord,
    e: &ImportError,
    sanitize: bool,
) {
    let mut w = csv::Writer::from_writer(std::mem::take(out));
    let line = position.line.to_string();
    let reason = e.to_string();
    // The reason quotes the row's text; cells that are not UTF-8 are kept
    // as bytes (they are why the row was rejected).
    let mut row: Vec<&[u8]> = vec![line.as_bytes(), reason.as_bytes()];
    // A CRLF line's carriage return is the line's end, not data: readers
    // that cut lines at the newline leave it on the last field.
    let last = record.len().saturating_sub(1);
    row.extend(record.iter().enumerate().map(|(i, f)| {
        if i == last {
            f.strip_suffix(b"\r").unwrap_or(f)
        } else {
            f
        }
    }));
    // Writing into a Vec cannot fail.
    let _ = write_safe(&mut w, &row, sanitize);
    *out = w.into_inner().unwrap_or_default();
}
