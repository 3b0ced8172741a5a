//! Hostile Excel workbooks through the real binary: each is bad input
//! (exit 2, no panic) with a message that says where, what was expected,
//! and for a limit the flag that raises it. The workbooks are built here
//! (tests/support/workbook.rs); their time and memory are measured by hand
//! (docs/formats.md), not asserted.

use std::path::Path;

use crate::util::rolefit;
use crate::workbook_fixtures as wb;

/// Writes `bytes` to `name` in `dir` and returns the path.
fn save(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

/// The valid matrix with `extra` rows after it.
fn matrix_and(extra: &str) -> Vec<u8> {
    wb::workbook(&wb::sheet(None, &(wb::matrix_rows() + extra)), &[])
}

const NO_HEADER: &str =
    "is in a column with no header; expected a header cell above every column that holds data\n";

#[test]
fn a_stray_cell_at_the_last_excel_cell_is_read_as_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let stray = wb::row(1_048_576, &[("XFD1048576", "x")]);
    let path = save(dir.path(), "xfd.xlsx", &matrix_and(&stray));
    let run = rolefit(&["matrix", "check", &path]);
    assert_eq!(
        run.bad_input(),
        format!("error: {path}:1048576: column 16384 \"\": \"x\" {NO_HEADER}")
    );
}

#[test]
fn a_stray_note_at_aa1048576_is_read_as_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let stray = wb::row(1_048_576, &[("AA1048576", "note")]);
    let path = save(dir.path(), "aa.xlsx", &matrix_and(&stray));
    let run = rolefit(&["roles", "--matrix", &path]);
    assert_eq!(
        run.bad_input(),
        format!("error: {path}:1048576: column 27 \"\": \"note\" {NO_HEADER}")
    );
    // In a column of the header, the last row is a role like any other.
    let last = wb::row(
        1_048_576,
        &[("A1048576", "z"), ("B1048576", "5"), ("C1048576", "5")],
    );
    let path = save(dir.path(), "last.xlsx", &matrix_and(&last));
    let out = rolefit(&["matrix", "check", &path]);
    assert!(out.ok().contains("  roles: 3\n"), "{}", out.stdout);
}

#[test]
fn a_malformed_cell_reference_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = save(
        dir.path(),
        "ref.xlsx",
        &matrix_and(&wb::row(4, &[("AAAAAAAAAAAA4", "x")])),
    );
    let stderr = rolefit(&["matrix", "check", &path]).bad_input().to_string();
    assert!(
        stderr.starts_with(&format!(
            "error: {path}: a cell reference of the first sheet is malformed: it reads as row 4, column "
        )) && stderr.ends_with(
            ", beyond the last cell of a sheet (XFD1048576); expected cell references from A1 to XFD1048576 (is \
             the workbook damaged?)\n"
        ),
        "{stderr}"
    );
    let path = save(
        dir.path(),
        "digits.xlsx",
        &matrix_and(&wb::row(4, &[("4A", "x")])),
    );
    let stderr = rolefit(&["roles", "--matrix", &path]).bad_input().to_string();
    assert!(
        stderr.starts_with(&format!(
            "error: {path}: cannot be read: not a valid Excel workbook (.xlsx): "
        )),
        "{stderr}"
    );
}

/// The message for a workbook over `mib` MiB, passed in part `n` of `of`.
fn over_limit(path: &str, mib: u64, part: &str, n: usize, of: usize) -> String {
    format!(
        "error: {path}: the workbook unzips to more than {mib} MiB (the limit is passed in its part \"{part}\", part \
         {n} of {of}); expected a workbook that unzips to at most {mib} MiB, the limit (a larger one may be a zip \
         bomb; if the file is trusted, raise the limit with --max-unzipped-mib N)\n"
    )
}

#[test]
fn a_part_that_unzips_past_the_limit_names_the_limit_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 3 << 20];
    let sheet = wb::sheet(None, &wb::matrix_rows());
    let path = save(
        dir.path(),
        "bomb.xlsx",
        &wb::workbook(&sheet, &[("xl/media/image1.bin", &zeros)]),
    );
    let run = rolefit(&["matrix", "check", &path, "--max-unzipped-mib", "2"]);
    assert_eq!(run.bad_input(), over_limit(&path, 2, "xl/media/image1.bin", 6, 6));
    let run = rolefit(&["roles", "--matrix", &path, "--max-unzipped-mib", "2"]);
    assert_eq!(run.bad_input(), over_limit(&path, 2, "xl/media/image1.bin", 6, 6));
    // Raised, the workbook reads.
    let run = rolefit(&["matrix", "check", &path, "--max-unzipped-mib", "4"]);
    assert!(run.ok().contains("  roles: 2\n"), "{}", run.stdout);
    let run = rolefit(&["matrix", "check", &path, "--max-unzipped-mib", "0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_workbook_that_unzips_past_a_gigabyte_is_refused_at_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    // 17 parts of 64 MiB of zeros: 1088 MiB unzipped, about 1 MB zipped.
    let bytes = wb::bomb(17, 64);
    assert!(bytes.len() < 2 << 20, "{}", bytes.len());
    let path = save(dir.path(), "gigabyte.xlsx", &bytes);
    let run = rolefit(&["matrix", "check", &path]);
    assert_eq!(
        run.bad_input(),
        over_limit(&path, 1024, "xl/media/zeros15.bin", 21, 22)
    );
}
