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

/// Runs `command` (then the workbook's path) on the valid matrix with one
/// more cell, `value` at `reference` on the last row of a sheet, and checks
/// it is reported in 1-based sheet `column` of row 1048576.
fn stray_cell(dir: &Path, command: &[&str], reference: &str, value: &str, column: u32) {
    let path = save(
        dir,
        "stray.xlsx",
        &matrix_and(&wb::row(1_048_576, &[(reference, value)])),
    );
    let mut args = command.to_vec();
    args.push(&path);
    assert_eq!(
        rolefit(&args).bad_input(),
        format!("error: {path}:1048576: column {column} \"\": \"{value}\" {NO_HEADER}")
    );
}

#[test]
fn a_stray_cell_at_the_last_excel_cell_is_read_as_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    stray_cell(dir.path(), &["matrix", "check"], "XFD1048576", "x", 16_384);
}

#[test]
fn a_stray_note_at_aa1048576_is_read_as_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    stray_cell(dir.path(), &["roles", "--matrix"], "AA1048576", "note", 27);
    // In a column of the header, the last row is a role like any other.
    let last = wb::row(
        1_048_576,
        &[("A1048576", "z"), ("B1048576", "5"), ("C1048576", "5")],
    );
    let path = save(dir.path(), "last.xlsx", &matrix_and(&last));
    let out = rolefit(&["matrix", "check", &path]);
    assert!(out.ok().contains("  roles: 3\n"), "{}", out.stdout);
}

/// Runs `command` (then the workbook's path) on the valid matrix with a
/// cell at `reference` on row 4; returns the path and standard error.
fn with_reference(dir: &Path, command: &[&str], reference: &str) -> (String, String) {
    let path = save(dir, "ref.xlsx", &matrix_and(&wb::row(4, &[(reference, "x")])));
    let mut args = command.to_vec();
    args.push(&path);
    let stderr = rolefit(&args).bad_input().to_string();
    (path, stderr)
}

#[test]
fn a_malformed_cell_reference_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (path, stderr) = with_reference(dir.path(), &["matrix", "check"], "AAAAAAAAAAAA4");
    assert!(
        stderr.starts_with(&format!(
            "error: {path}: a cell reference of the first sheet is malformed: it reads as row 4, column "
        )) && stderr.ends_with(
            ", beyond the last cell of a sheet (XFD1048576); expected cell references from A1 to XFD1048576 (is \
             the workbook damaged?)\n"
        ),
        "{stderr}"
    );
    let (path, stderr) = with_reference(dir.path(), &["roles", "--matrix"], "4A");
    let start = format!("error: {path}: cannot be read: not a valid Excel workbook (.xlsx): ");
    assert!(stderr.starts_with(&start), "{stderr}");
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
