//! The rejects file: rows set aside with `--on-error skip`.
//!
//! CSV, header `line,reason,` then the input's header; one row per rejected
//! input row: its line, the reason (the error message) and its original
//! fields, made safe for spreadsheets like any user text.

use std::io::Write;

use anyhow::Result;
use rolefit_import::{ColumnPlan, ImportError, RowPosition};

use crate::io::Output;
use crate::render::safe;

/// The rejects file's header: `line,reason`, then the input's header.
pub fn write_header(out: &mut Output, plan: &ColumnPlan) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["line", "reason"];
    header.extend(plan.header().iter().map(String::as_str));
    w.write_record(&header)?;
    out.write_all(&w.into_inner().map_err(|e| e.into_error())?)?;
    Ok(())
}

/// Appends one rejected row to the rejects CSV: line, reason, the fields.
pub fn append(
    out: &mut Vec<u8>,
    position: RowPosition,
    record: &rolefit_import::ByteRecord,
    e: &ImportError,
) {
    let mut w = csv::Writer::from_writer(std::mem::take(out));
    let line = position.line.to_string();
    let reason = e.to_string();
    // The original fields, made safe for spreadsheets like any user text
    // (cells that are not UTF-8 are kept as bytes: they are why the row
    // was rejected).
    // A CRLF line's carriage return is the line's end, not data: readers
    // that cut lines at the newline leave it on the last field.
    let last = record.len().saturating_sub(1);
    let fields: Vec<Vec<u8>> = record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i == last {
                f.strip_suffix(b"\r").unwrap_or(f)
            } else {
                f
            }
        })
        .map(|f| match std::str::from_utf8(f) {
            Ok(text) => safe(text).into_owned().into_bytes(),
            Err(_) => f.to_vec(),
        })
        .collect();
    let mut row: Vec<&[u8]> = vec![line.as_bytes(), reason.as_bytes()];
    row.extend(fields.iter().map(Vec::as_slice));
    // Writing into a Vec cannot fail.
    let _ = w.write_record(&row);
    *out = w.into_inner().unwrap_or_default();
}
