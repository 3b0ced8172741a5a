//! The largest inputs rolefit accepts.
//!
//! Each limit is far above any real survey or role matrix and far below
//! what would exhaust memory, so a broken or hostile file (a line with no
//! end, a million columns, a "matrix" of every row of a log file) stops
//! with a clear error naming where, instead of an out-of-memory abort.

use crate::error::{ErrorKind, ImportError};

/// The largest cell, in bytes (1 MiB).
pub const MAX_FIELD_BYTES: usize = 1 << 20;
/// The most columns a header may have.
pub const MAX_COLUMNS: usize = 100_000;
/// The most roles a role matrix may have.
pub const MAX_ROLES: usize = 100_000;
/// The longest row (record), in bytes (64 MiB): what a reader holds at most
/// to find where one row ends.
pub const MAX_RECORD_BYTES: usize = 64 << 20;
/// The default of [`MatrixOptions::max_cells`](crate::MatrixOptions::max_cells):
/// the most roles x capabilities cells a role matrix may have (10 million,
/// about 160 MB as a matrix and as much again compiled for scoring). The
/// command line raises it with `--max-matrix-cells N`.
///
/// Without it, a long or O*NET file of a few hundred kilobytes that names
/// ten thousand roles, each with one capability of its own, would be a
/// dense matrix of a hundred million cells.
pub const DEFAULT_MAX_MATRIX_CELLS: usize = 10_000_000;

/// The most an Excel workbook may unzip to by default, in MiB (1 GiB):
/// about 30 times the largest O*NET workbook (`Skills.xlsx`, 34 MiB
/// unzipped), and quick to count through (a zip bomb is stopped after this
/// much decompression, which keeps nothing in memory). The command line
/// raises it with `--max-unzipped-mib`.
pub const MAX_UNZIPPED_MIB: u64 = 1024;

/// An error for `found` over `limit`.
pub(crate) fn too_large(
    source: &str,
    what: &'static str,
    found: usize,
    limit: usize,
    unit: &'static str,
    expected: &str,
) -> ImportError {
    ImportError::new(
        source,
        ErrorKind::TooLarge {
            what,
            found: found as u64,
            limit: limit as u64,
            unit,
            expected: expected.to_string(),
        },
    )
}

/// Refuses a matrix of more than [`MAX_ROLES`] roles.
pub(crate) fn check_roles(count: usize, source: &str, line: Option<u64>) -> Result<(), ImportError> {
    if count <= MAX_ROLES {
        return Ok(());
    }
    Err(too_large(
        source,
        "the role matrix",
        count,
        MAX_ROLES,
        "roles",
        "at most 100000 roles (is this file a role matrix?)",
    )
    .at_line_opt(line))
}

/// Refuses a matrix of more than `limit` cells: `roles` x `capabilities`
/// (the counts so far, checked as they grow, so that nothing the size of
/// the product is allocated before).
pub(crate) fn check_cells(
    roles: usize,
    capabilities: usize,
    limit: usize,
    source: &str,
    line: Option<u64>,
) -> Result<(), ImportError> {
    let cells = roles.saturating_mul(capabilities);
    if cells <= limit {
        return Ok(());
    }
    Err(too_large(
        source,
        "the role matrix",
        cells,
        limit,
        "cells",
        &format!(
            "at most {limit} cells, roles x capabilities (here {roles} roles x {capabilities} capabilities); \
             pass --max-matrix-cells N to raise the limit"
        ),
    )
    .at_line_opt(line))
}

/// Refuses a header of more than [`MAX_COLUMNS`] columns.
pub(crate) fn check_columns(count: usize, source: &str, line: u64) -> Result<(), ImportError> {
    if count <= MAX_COLUMNS {
        return Ok(());
    }
    Err(too_large(
        source,
        "the header",
        count,
        MAX_COLUMNS,
        "columns",
        "at most 100000 columns",
    )
    .at_line(line))
}

/// Refuses a cell of more than [`MAX_FIELD_BYTES`] bytes; `cells` are the
/// row's cells (0-based index, bytes), `header` names the columns.
pub(crate) fn check_fields<'a>(
    cells: impl Iterator<Item = (usize, &'a [u8])>,
    header: &[String],
    source: &str,
    line: u64,
) -> Result<(), ImportError> {
    for (i, cell) in cells {
        if cell.len() > MAX_FIELD_BYTES {
            let name = header.get(i).map_or("", String::as_str);
            return Err(too_large(
                source,
                "a cell",
                cell.len(),
                MAX_FIELD_BYTES,
                "bytes",
                "cells of at most 1 MiB (is a closing double quote missing before this cell?)",
            )
            .at_line(line)
            .at_column(i, name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_how_large_and_the_limit() {
        let e = check_roles(MAX_ROLES + 1, "m.csv", Some(7)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.csv:7: the role matrix is too large: 100001 roles, more than the limit of 100000; \
             expected at most 100000 roles (is this file a role matrix?)"
        );
        assert!(check_roles(MAX_ROLES, "m.csv", None).is_ok());
        let big = vec![b'x'; MAX_FIELD_BYTES + 1];
        let header = vec!["id".to_string(), "Q01".to_string()];
        let e = check_fields([(0, &b"a"[..]), (1, &big[..])].into_iter(), &header, "r.csv", 3).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("r.csv:3: column 2 \"Q01\": a cell is too large: 1048577 bytes"),
            "{e}"
        );
        assert!(check_columns(MAX_COLUMNS + 1, "r.csv", 1).is_err());
    }

    #[test]
    fn the_cell_limit_names_the_counts_and_the_flag() {
        assert!(check_cells(100, 100, 10_000, "m.csv", None).is_ok());
        let e = check_cells(101, 100, 10_000, "m.csv", Some(3)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.csv:3: the role matrix is too large: 10100 cells, more than the limit of 10000; expected at \
             most 10000 cells, roles x capabilities (here 101 roles x 100 capabilities); pass \
             --max-matrix-cells N to raise the limit"
        );
        assert!(check_cells(usize::MAX, 2, usize::MAX - 1, "m.csv", None).is_err());
    }
}
