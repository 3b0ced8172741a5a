//! Excel workbooks (`.xlsx`) as rows.
//!
//! A role matrix in a workbook is read from its first sheet, whose first
//! row that is not blank is the header, exactly as a CSV file's first line
//! is: the sheet is turned into [`Rows`] whose records hold each cell as
//! text, so the wide, long and O*NET readers treat both alike and report a
//! problem as `Book.xlsx:ROW: column N "HEADER": ...`, ROW being the row
//! number Excel shows and N the column counted from the header's first
//! column (column A in a sheet whose header starts there).
//!
//! Cells become text the way a person reads them: a number as the shortest
//! decimal that gives the same value back (`4.12`, `3`), so levels keep
//! every digit Excel stores; text as it is; `TRUE`/`FALSE`, error values
//! (`#DIV/0!`) and dates as their text, which the readers then refuse
//! where they expect a number. Trailing columns with an empty header and
//! no data are ignored (spreadsheets often carry formatted empty columns).
//!
//! A workbook is a zip file, and an untrusted one may be hostile, so:
//!
//! - Before anything is parsed, every part is decompressed once into
//!   nothing, counting the bytes that really come out (not the sizes the zip
//!   file declares): a part, or all parts together, over
//!   [`MatrixOptions::max_unzipped_mib`] is refused (a zip bomb costs that
//!   much decompression and no memory).
//! - The sheet is read cell by cell as it is stored, one row at a time,
//!   never as a grid: a stray cell at `XFD1048576` is read as the one cell
//!   it is, blank rows cost nothing, and memory is at most one row of at
//!   most 16384 cells.
//! - A cell reference beyond `XFD1048576` (a malformed one) and rows out of
//!   order are errors.

use std::fmt::Write as _;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{Data, DataRef, Reader, Xlsx, XlsxCellReader, XlsxError};
use csv::ByteRecord;

use crate::error::{ErrorKind, ImportError};
use crate::matrix::{read_rows, FileFormat, MatrixOptions, MatrixReport, LAYOUTS};
use crate::rows::Rows;

/// The last row Excel has, 0-based (row 1048576).
const LAST_ROW: u32 = 1_048_575;
/// The last column Excel has, 0-based (column XFD).
const LAST_COLUMN: u32 = 16_383;

/// Reads a role matrix from an Excel workbook (`.xlsx`): the first sheet,
/// in wide, long or O*NET layout, exactly like [`read_matrix_report`]
/// reads CSV. `source` names the workbook in errors.
///
/// O*NET ratings without a `Title` column are named by their codes; use
/// [`read_matrix_path`] to find titles in an `Occupation Data` file beside
/// the workbook.
///
/// [`read_matrix_report`]: crate::read_matrix_report
/// [`read_matrix_path`]: crate::read_matrix_path
///
/// # Errors
/// Those of [`read_matrix_report`](crate::read_matrix_report), with the
/// sheet row as the line; a workbook that unzips to more than
/// [`MatrixOptions::max_unzipped_mib`], a cell reference beyond
/// `XFD1048576` and rows stored out of order; bytes that are not an `.xlsx`
/// workbook are an error whose [`ImportError::is_io`] is true.
pub fn read_matrix_xlsx<R: Read + Seek>(
    reader: R,
    source: &str,
    options: &MatrixOptions,
) -> Result<MatrixReport, ImportError> {
    read(reader, source, None, options)
}

/// [`read_matrix_xlsx`], with the workbook's folder for O*NET titles.
pub(crate) fn read<R: Read + Seek>(
    reader: R,
    source: &str,
    dir: Option<&Path>,
    options: &MatrixOptions,
) -> Result<MatrixReport, ImportError> {
    let expected = format!("a header row of {LAYOUTS}");
    let sheet = options.sheet.as_deref();
    with_sheet(
        reader,
        source,
        sheet,
        &expected,
        options.max_unzipped_mib,
        |sheet| match sheet.stored_scale.take() {
            // A first row `# scale: MIN..MAX`, as in a CSV file.
            Some((text, line)) => {
                let options = MatrixOptions {
                    scale: crate::matrix::stored_scale(&text, source, line, options)?,
                    ..options.clone()
                };
                read_rows(sheet, FileFormat::Excel, dir, &options)
            }
            None => read_rows(sheet, FileFormat::Excel, dir, options),
        },
    )
}

/// Opens the sheet named `sheet` (the first by default) of the workbook
/// in `reader`, reads its header and gives the sheet to `read`. `expected`
/// describes a good header for the error on an empty sheet;
/// `max_unzipped_mib` is the limit of [`check_unzipped_size`]. A first
/// sheet whose header has one cell (a notes sheet), in a workbook with
/// other sheets, is refused naming them.
pub(crate) fn with_sheet<R: Read + Seek, T>(
    mut reader: R,
    source: &str,
    sheet: Option<&str>,
    expected: &str,
    max_unzipped_mib: u64,
    read: impl FnOnce(&mut SheetRows<'_, R>) -> Result<T, ImportError>,
) -> Result<T, ImportError> {
    check_unzipped_size(&mut reader, source, max_unzipped_mib)?;
    let mut workbook: Xlsx<R> = Xlsx::new(reader).map_err(|e| workbook_error(source, e))?;
    let empty = || {
        ImportError::new(
            source,
            ErrorKind::Empty {
                expected: format!("{expected}, in the first sheet of the workbook"),
            },
        )
    };
    let names = workbook.sheet_names();
    let Some(name) = pick_sheet(&names, sheet, source)? else {
        return Err(empty());
    };
    let cells = match workbook.worksheet_cells_reader(&name) {
        Ok(cells) => cells,
        // A chart sheet has no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Err(empty()),
        Err(e) => return Err(workbook_error(source, e)),
    };
    let mut rows = SheetRows::new(source, cells);
    if !rows.read_header()? {
        return Err(empty());
    }
    if sheet.is_none() && names.len() > 1 && rows.header.len() < 2 {
        return Err(notes_sheet(source, &name, &names).at_line(rows.header_line));
    }
    read(&mut rows)
}

/// A sheet of the workbook in `reader` as CSV text (UTF-8, commas), for
/// the readers of CSV (responses and survey exports): one line per sheet
/// row up to the last that has text, blank lines for blank rows, so that
/// line numbers in messages are the row numbers Excel shows; each row has
/// as many cells as the widest of the first row with text and itself,
/// counted from column A. `sheet` names the sheet (matched loosely); the
/// first sheet by default, unless it holds no table (at most one cell with
/// text in its first row with text, as a notes sheet) and others follow.
/// `max_unzipped_mib` is the limit of the zip check (0: the default).
///
/// # Errors
/// Those of reading a workbook (see [`read_matrix_xlsx`]); a sheet name the
/// workbook does not have, and a first sheet that holds no table, both
/// naming the workbook's sheets.
pub(crate) fn workbook_csv<R: Read + Seek>(
    mut reader: R,
    source: &str,
    sheet: Option<&str>,
    max_unzipped_mib: u64,
) -> Result<Vec<u8>, ImportError> {
    let limit = if max_unzipped_mib == 0 {
        crate::limits::MAX_UNZIPPED_MIB
    } else {
        max_unzipped_mib
    };
    check_unzipped_size(&mut reader, source, limit)?;
    let mut workbook: Xlsx<R> = Xlsx::new(reader).map_err(|e| workbook_error(source, e))?;
    let names = workbook.sheet_names();
    let Some(name) = pick_sheet(&names, sheet, source)? else {
        return Ok(Vec::new());
    };
    let cells = match workbook.worksheet_cells_reader(&name) {
        Ok(cells) => cells,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(workbook_error(source, e)),
    };
    let mut rows = SheetRows::new(source, cells);
    let mut out = Vec::new();
    let mut next_line = 0u32;
    let mut width = None;
    while let Some(row) = rows.next_row()? {
        let filled = rows.row.iter().filter(|(_, t)| !t.trim().is_empty()).count();
        if filled == 0 {
            continue;
        }
        let last = rows.row.last().map_or(0, |c| c.0 as usize + 1);
        let width = *width.get_or_insert(last);
        if sheet.is_none() && names.len() > 1 && next_line == 0 && filled < 2 {
            return Err(notes_sheet(source, &name, &names).at_line(u64::from(row) + 1));
        }
        while next_line < row {
            out.push(b'\n');
            next_line += 1;
        }
        let mut fields: Vec<&str> = vec![""; width.max(last)];
        for (column, text) in &rows.row {
            fields[*column as usize] = text;
        }
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            csv_field(&mut out, field);
        }
        out.push(b'\n');
        next_line = row + 1;
    }
    Ok(out)
}

/// Appends `field` to `out` as a CSV field: in double quotes (doubled
/// inside) when it holds a comma, a quote or a line break.
fn csv_field(out: &mut Vec<u8>, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(field.as_bytes());
    }
}

/// The name of the sheet to read: the one called `wanted` (matched
/// loosely), else the first; `None` for a workbook without sheets.
///
/// # Errors
/// `wanted` names no sheet of the workbook.
fn pick_sheet(names: &[String], wanted: Option<&str>, source: &str) -> Result<Option<String>, ImportError> {
    let Some(wanted) = wanted else {
        return Ok(names.first().cloned());
    };
    let key = rolefit_model::match_key(wanted);
    match names
        .iter()
        .find(|n| *n == wanted || rolefit_model::match_key(n) == key)
    {
        Some(found) => Ok(Some(found.clone())),
        None => Err(ImportError::new(
            source,
            ErrorKind::Data {
                problem: format!("the workbook has no sheet named {wanted:?}"),
                expected: format!("--sheet naming one of its sheets: {}", sheet_list(names)),
            },
        )),
    }
}

/// `"Notes", "Responses"`.
fn sheet_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    quoted.join(", ")
}

/// The error for a first sheet, `name`, that holds no table.
fn notes_sheet(source: &str, name: &str, names: &[String]) -> ImportError {
    ImportError::new(
        source,
        ErrorKind::Data {
            problem: format!(
                "the first sheet, {name:?}, holds no table (its first row has one cell with text), and the \
                 workbook has other sheets: {}",
                sheet_list(names)
            ),
            expected:
                "the table in the first sheet, or --sheet NAME (--matrix-sheet NAME for a role matrix) \
                       naming the sheet that holds it"
                    .into(),
        },
    )
}

/// Decompresses every part of the workbook in `reader` into nothing,
/// counting the bytes, and refuses the workbook if one part or all of them
/// together come to more than `max_mib` MiB; then seeks back to where the
/// workbook starts. The sizes the zip file declares are not trusted, and
/// nothing is kept in memory, so a zip bomb costs `max_mib` MiB of
/// decompression at most.
fn check_unzipped_size<R: Read + Seek>(
    reader: &mut R,
    source: &str,
    max_mib: u64,
) -> Result<(), ImportError> {
    let start = reader.stream_position().map_err(|e| ImportError::io(source, e))?;
    let limit = max_mib.saturating_mul(1 << 20);
    let mut archive = zip::ZipArchive::new(&mut *reader).map_err(|e| zip_error(source, e))?;
    let mut total: u64 = 0;
    let parts = archive.len();
    for index in 0..parts {
        let mut part = archive.by_index(index).map_err(|e| zip_error(source, e))?;
        let left = limit - total;
        let mut counted = (&mut part).take(left.saturating_add(1));
        let size = io::copy(&mut counted, &mut io::sink()).map_err(|e| {
            let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
            invalid_workbook(source, format!("its part {name:?} cannot be unzipped: {e}"))
        })?;
        if size > left {
            let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
            let problem = format!(
                "the workbook unzips to more than {max_mib} MiB (the limit is passed in its part {name:?}, part {} \
                 of {parts})",
                index + 1
            );
            return Err(ImportError::new(
                source,
                ErrorKind::Data {
                    problem,
                    expected: format!(
                        "a workbook that unzips to at most {max_mib} MiB, the limit (a larger one may be a zip \
                         bomb; if the file is trusted, raise the limit with --max-unzipped-mib N)"
                    ),
                },
            ));
        }
        total += size;
    }
    drop(archive);
    reader
        .seek(SeekFrom::Start(start))
        .map_err(|e| ImportError::io(source, e))?;
    Ok(())
}

/// A zip error as an [`ImportError`]: the bytes could not be read as a
/// workbook.
fn zip_error(source: &str, error: zip::result::ZipError) -> ImportError {
    match error {
        zip::result::ZipError::Io(e) if e.kind() != io::ErrorKind::InvalidData => ImportError::io(source, e),
        other => invalid_workbook(source, other.to_string()),
    }
}

/// A workbook error as an [`ImportError`]: the bytes could not be read as
/// a workbook.
fn workbook_error(source: &str, error: XlsxError) -> ImportError {
    match error {
        XlsxError::Io(e) => ImportError::io(source, e),
        other => invalid_workbook(source, other.to_string()),
    }
}

/// The error for bytes that are not a valid workbook, for `reason`.
fn invalid_workbook(source: &str, reason: String) -> ImportError {
    ImportError::io(
        source,
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not a valid Excel workbook (.xlsx): {reason}"),
        ),
    )
}

/// A cell with text: its 0-based sheet row and column, and its text.
type SheetCell = (u32, u32, String);

/// The first sheet of a workbook, as [`Rows`], read cell by cell.
pub(crate) struct SheetRows<'a, R: Read + Seek> {
    source: String,
    /// The cells still to read; `None` once the end of the sheet is read.
    cells: Option<XlsxCellReader<'a, R>>,
    /// The cell read ahead: the first of the next row.
    pending: Option<SheetCell>,
    /// The 0-based sheet row read last.
    last_row: Option<u32>,
    /// The cells of the row read last: (0-based column, text), in column
    /// order, each column once.
    row: Vec<(u32, String)>,
    header: Vec<String>,
    header_line: u64,
    /// The 0-based sheet column of the header's first cell.
    first_column: u32,
    /// The text after `# scale:` of a first row with that one cell (the
    /// matrix's scale, stored as a CSV file's first line stores it), and
    /// its row number.
    stored_scale: Option<(String, u64)>,
}

impl<'a, R: Read + Seek> SheetRows<'a, R> {
    /// The rows of a sheet whose cells `cells` reads.
    fn new(source: &str, cells: XlsxCellReader<'a, R>) -> Self {
        SheetRows {
            source: source.to_string(),
            cells: Some(cells),
            pending: None,
            last_row: None,
            row: Vec::new(),
            header: Vec::new(),
            header_line: 1,
            first_column: 0,
            stored_scale: None,
        }
    }

    /// The next cell that has text, in the order the sheet stores them.
    fn next_cell(&mut self) -> Result<Option<SheetCell>, ImportError> {
        if let Some(cell) = self.pending.take() {
            return Ok(Some(cell));
        }
        while let Some(cells) = &mut self.cells {
            let Some(cell) = cells.next_cell().map_err(|e| workbook_error(&self.source, e))? else {
                self.cells = None;
                break;
            };
            let (row, column) = cell.get_position();
            let mut text = String::new();
            match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::String(s) => text.push_str(s),
                DataRef::SharedString(s) => text.push_str(s),
                other => {
                    let _ = write!(text, "{}", Data::from(other.clone()));
                }
            }
            if row > LAST_ROW || column > LAST_COLUMN {
                return Err(ImportError::new(
                    &self.source,
                    ErrorKind::Data {
                        problem: format!(
                            "a cell reference of the first sheet is malformed: it reads as row {}, column {}, \
                             beyond the last cell of a sheet (XFD1048576)",
                            u64::from(row) + 1,
                            u64::from(column) + 1
                        ),
                        expected: "cell references from A1 to XFD1048576 (is the workbook damaged?)".into(),
                    },
                ));
            }
            if !text.is_empty() {
                return Ok(Some((row, column, text)));
            }
        }
        Ok(None)
    }

    /// Reads the next row that has a cell with text into `self.row` and
    /// returns its 0-based sheet row, or `None` at the end of the sheet.
    fn next_row(&mut self) -> Result<Option<u32>, ImportError> {
        self.row.clear();
        let Some((row, column, text)) = self.next_cell()? else {
            return Ok(None);
        };
        if let Some(last) = self.last_row.filter(|&last| last >= row) {
            return Err(ImportError::new(
                &self.source,
                ErrorKind::Data {
                    problem: format!(
                        "the first sheet stores row {} after row {}",
                        u64::from(row) + 1,
                        u64::from(last) + 1
                    ),
                    expected: "the rows of the sheet in order, as Excel saves them (open the workbook in a \
                               spreadsheet program and save it again)"
                        .into(),
                },
            )
            .at_line(u64::from(row) + 1));
        }
        self.last_row = Some(row);
        self.row.push((column, text));
        while let Some(cell) = self.next_cell()? {
            if cell.0 != row {
                self.pending = Some(cell);
                break;
            }
            // Cells come in column order; a later cell in the same place
            // replaces the earlier one.
            match self.row.binary_search_by_key(&cell.1, |c| c.0) {
                Ok(i) => self.row[i].1 = cell.2,
                Err(i) => self.row.insert(i, (cell.1, cell.2)),
            }
        }
        Ok(Some(row))
    }

    /// Reads the first row with a cell that is not blank as the header;
    /// false if there is none.
    fn read_header(&mut self) -> Result<bool, ImportError> {
        let row = loop {
            let Some(row) = self.next_row()? else {
                return Ok(false);
            };
            let mut used = self.row.iter().filter(|(_, text)| !text.trim().is_empty());
            let (Some((_, first)), rest) = (used.next(), used.next()) else {
                continue;
            };
            let stored = first.trim().strip_prefix(crate::matrix::SCALE_LINE);
            match stored {
                Some(text) if rest.is_none() && self.stored_scale.is_none() => {
                    self.stored_scale = Some((text.trim().to_string(), u64::from(row) + 1));
                }
                _ => break row,
            }
        };
        self.header_line = u64::from(row) + 1;
        let used: Vec<&(u32, String)> = self.row.iter().filter(|(_, t)| !t.trim().is_empty()).collect();
        let (first, last) = (used[0].0, used[used.len() - 1].0);
        self.first_column = first;
        // At most 16384 columns: the sheet has no more.
        let mut header = vec![String::new(); (last - first) as usize + 1];
        for (column, text) in &self.row {
            if let Some(cell) = column.checked_sub(first).and_then(|c| header.get_mut(c as usize)) {
                *cell = text.trim().to_string();
            }
        }
        crate::table::check_header(&header, &self.source, self.header_line, SHEET_HEADER_CELLS)?;
        self.header = header;
        Ok(true)
    }
}

impl<R: Read + Seek> Rows for SheetRows<'_, R> {
    fn source(&self) -> &str {
        &self.source
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn header_line(&self) -> u64 {
        self.header_line
    }

    fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, ImportError> {
        let columns = self.header.len();
        while let Some(row) = self.next_row()? {
            let line = u64::from(row) + 1;
            record.clear();
            let mut blank = true;
            let mut cells = self.row.iter().peekable();
            for (column, text) in &self.row {
                let empty = text.trim().is_empty();
                blank &= empty;
                if empty {
                    continue;
                }
                let Some(c) = column.checked_sub(self.first_column) else {
                    return Err(ImportError::bad_value(
                        &self.source,
                        text,
                        format!(
                            "is in column {}, left of the header's first column {}",
                            column_name(*column),
                            column_name(self.first_column)
                        ),
                        "a header cell above every column that holds data",
                    )
                    .at_line(line));
                };
                if c as usize >= columns {
                    return Err(ImportError::bad_value(
                        &self.source,
                        text,
                        "is in a column with no header",
                        "a header cell above every column that holds data",
                    )
                    .at_line(line)
                    .at_column(c as usize, ""));
                }
            }
            if blank {
                continue;
            }
            for c in 0..columns {
                let column = self.first_column + c as u32;
                while cells.next_if(|cell| cell.0 < column).is_some() {}
                let text = cells
                    .next_if(|cell| cell.0 == column)
                    .map_or("", |cell| cell.1.as_str());
                record.push_field(text.as_bytes());
            }
            return Ok(Some(line));
        }
        Ok(None)
    }
}

/// The Excel name of 0-based column `index`: `A`, `Z`, `AA`, `XFD`.
fn column_name(index: u32) -> String {
    let mut name = Vec::new();
    let mut n = u64::from(index) + 1;
    while n > 0 {
        n -= 1;
        name.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// What a sheet's header needs in each cell, for
/// [`check_header`](crate::table::check_header): empty cells are refused
/// among the used columns only.
const SHEET_HEADER_CELLS: &str = "a name in every header cell up to the last column that has one";

/// Hand-built workbooks, hostile ones included, shared with the tests of
/// the binary.
#[cfg(test)]
#[path = "../../../tests/support/workbook.rs"]
pub(crate) mod test_workbooks;

#[cfg(test)]
pub(crate) mod tests {
    use super::test_workbooks as wb;
    use super::*;
    use crate::{read_matrix, read_matrix_path, Layout, OnetDomain};
    use rolefit_model::{Requirement, RoleMatrix, Scale};
    use rust_xlsxwriter::{Format, Workbook};
    use std::io::Cursor;

    /// A cell to write.
    #[derive(Clone, Copy)]
    pub(crate) enum C {
        S(&'static str),
        N(f64),
        B(bool),
        /// A formatted cell with no value, as spreadsheets leave around.
        Blank,
    }
    use C::{Blank, B, N, S};

    /// A workbook with one sheet: each row is (0-based sheet row, first
    /// 0-based column, cells).
    fn workbook(rows: &[(u32, u16, &[C])]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let bold = Format::new().set_bold();
        for &(r, first, cells) in rows {
            for (i, cell) in cells.iter().enumerate() {
                let c = first + i as u16;
                match *cell {
                    S(text) => sheet.write_string(r, c, text),
                    N(value) => sheet.write_number(r, c, value),
                    B(value) => sheet.write_boolean(r, c, value),
                    Blank => sheet.write_blank(r, c, &bold),
                }
                .unwrap();
            }
        }
        book.save_to_buffer().unwrap()
    }

    fn read_bytes(bytes: Vec<u8>, source: &str) -> Result<MatrixReport, ImportError> {
        read_matrix_xlsx(Cursor::new(bytes), source, &MatrixOptions::default())
    }

    fn err(rows: &[(u32, u16, &[C])]) -> String {
        read_bytes(workbook(rows), "m.xlsx").unwrap_err().to_string()
    }

    fn levels(m: &RoleMatrix) -> Vec<Vec<f64>> {
        m.roles()
            .iter()
            .map(|r| r.requirements.iter().map(|q| q.level).collect())
            .collect()
    }

    #[test]
    fn reads_a_wide_sheet_with_numbers_as_numbers_or_text() {
        let bytes = workbook(&[
            (
                0,
                0,
                &[S("Role"), S("Risk Management"), S("Communication"), Blank],
            ),
            (1, 0, &[S("Project Manager"), N(4.0), S(" 3.5 ")]),
            (2, 0, &[S("Analyst"), N(2.25), N(5.0)]),
        ]);
        let report = read_bytes(bytes, "data/m.xlsx").unwrap();
        assert_eq!(report.layout, Layout::Wide);
        assert_eq!(report.format, FileFormat::Excel);
        assert_eq!(report.layout_description(), "wide (Excel)");
        assert!(report.warnings.is_empty());
        let m = &report.matrix;
        assert_eq!(m.name(), "m");
        assert_eq!(m.source(), "data/m.xlsx");
        assert_eq!(m.capabilities()[0].id, "risk-management");
        assert_eq!(m.roles()[0].id, "project-manager");
        assert_eq!(levels(m), [[4.0, 3.5], [2.25, 5.0]]);
        // The same table as CSV gives the same matrix.
        let csv = "role,Risk Management,Communication\nProject Manager,4,3.5\nAnalyst,2.25,5\n";
        let from_csv = read_matrix(csv.as_bytes(), "data/m.xlsx", &MatrixOptions::default()).unwrap();
        assert_eq!(&from_csv, m);
    }

    #[test]
    fn reads_a_long_sheet_and_reports_errors_at_the_sheet_row() {
        let header: &[C] = &[S("role"), S("capability"), S("level"), S("importance")];
        let m = read_bytes(
            workbook(&[
                (0, 0, header),
                (1, 0, &[S("Lead"), S("Planning"), N(4.0), N(2.0)]),
                (2, 0, &[S("Lead"), S("Budget"), N(3.0)]),
                (3, 0, &[S("Analyst"), S("Budget"), S("5"), S("1")]),
            ]),
            "m.xlsx",
        )
        .unwrap();
        assert_eq!(
            m.matrix.roles()[0].requirements,
            [
                Requirement {
                    level: 4.0,
                    importance: 2.0
                },
                Requirement {
                    level: 3.0,
                    importance: 1.0
                }
            ]
        );
        assert_eq!(m.layout_description(), "long (Excel)");
        assert_eq!(
            err(&[
                (0, 0, header),
                (1, 0, &[S("Lead"), S("Planning"), N(4.0), N(2.0)]),
                (2, 0, &[S("Lead"), S("Budget"), N(3.0)]),
                (3, 0, &[S("Analyst"), S("Budget"), S("lots"), N(1.0)]),
            ]),
            "m.xlsx:4: column 3 \"level\": \"lots\" is not a number; expected a level from 1 to 5"
        );
        assert_eq!(
            err(&[(0, 0, header), (1, 0, &[S("Lead"), S("Planning"), N(9.5), N(2.0)])]),
            "m.xlsx:2: column 3 \"level\": \"9.5\" is outside the matrix scale 1..5; expected a level from 1 to \
             5 (a matrix on another scale needs that scale given, as --matrix-scale MIN..MAX, or a first line \
             `# scale: MIN..MAX` in the file)"
        );
        assert!(err(&[
            (0, 0, header),
            (1, 0, &[S("Lead"), S("Planning"), B(true), N(2.0)])
        ])
        .contains("column 3 \"level\": \"true\" is not a number"));
        assert_eq!(
            err(&[
                (0, 0, header),
                (1, 0, &[S("Lead"), S("Planning"), N(4.0)]),
                (2, 0, &[S("lead"), S("planning"), N(3.0)]),
            ]),
            "m.xlsx:3: role \"lead\", capability \"planning\" is given twice, first on line 2; expected one row \
             per role and capability"
        );
    }

    #[test]
    fn a_first_row_stores_the_scale_as_a_csv_first_line_does() {
        let rows: &[(u32, u16, &[C])] = &[
            (0, 0, &[S("# scale: 1..10")]),
            (1, 0, &[S("role"), S("capability"), S("level")]),
            (2, 0, &[S("Engineer I"), S("Coding"), N(3.0)]),
            (3, 0, &[S("Engineer I"), S("Testing"), N(2.0)]),
            (4, 0, &[S("Senior Engineer"), S("Coding"), N(8.0)]),
            (5, 0, &[S("Senior Engineer"), S("Testing"), N(9.0)]),
        ];
        let report = read_bytes(workbook(rows), "ladder.xlsx").unwrap();
        assert_eq!(report.matrix.scale(), Scale::new(1.0, 10.0).unwrap());
        assert_eq!(levels(&report.matrix), [[3.0, 2.0], [8.0, 9.0]]);
        // The same as the CSV file.
        let csv = "# scale: 1..10\nrole,capability,level\nEngineer I,Coding,3\nEngineer I,Testing,2\n\
                   Senior Engineer,Coding,8\nSenior Engineer,Testing,9\n";
        let from_csv = read_matrix(csv.as_bytes(), "ladder.xlsx", &MatrixOptions::default()).unwrap();
        assert_eq!(from_csv, report.matrix);
        // A --matrix-scale that contradicts it is refused, at its row.
        let other = MatrixOptions {
            scale: Scale::new(0.0, 7.0).unwrap(),
            ..MatrixOptions::default()
        };
        let e = read_matrix_xlsx(Cursor::new(workbook(rows)), "ladder.xlsx", &other).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "ladder.xlsx:1: the file stores the scale 1..10 (its first line), and --matrix-scale says 0..7"
            ),
            "{e}"
        );
        // Only a row with that one cell stores a scale.
        let two = [(0, 0, &[S("# scale: 1..10"), S("x")][..]), rows[1], rows[2]];
        assert!(read_bytes(workbook(&two), "m.xlsx").is_err());
    }

    #[test]
    fn row_numbers_count_blank_rows_and_a_late_start() {
        // The header is on sheet row 3, in columns B.., with a blank row
        // (row 5) between the roles.
        let rows: &[(u32, u16, &[C])] = &[
            (2, 1, &[S("role"), S("a"), S("b")]),
            (3, 1, &[S("x"), N(1.0), N(2.0)]),
            (4, 1, &[Blank, Blank]),
            (5, 1, &[S("y"), N(3.0), S("")]),
        ];
        assert_eq!(
            err(rows),
            "m.xlsx:6: column 3 \"b\": the cell is empty; expected a level from 1 to 5"
        );
        let lines = with_sheet(Cursor::new(workbook(rows)), "m.xlsx", None, "x", 1, |sheet| {
            assert_eq!(sheet.header_line(), 3);
            assert_eq!(sheet.header(), ["role", "a", "b"]);
            let mut record = ByteRecord::new();
            let mut lines = Vec::new();
            while let Some(line) = sheet.next_record(&mut record)? {
                lines.push((
                    line,
                    record
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect(),
                ));
            }
            Ok(lines)
        })
        .unwrap();
        let fields = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            lines,
            [(4, fields(&["x", "1", "2"])), (6, fields(&["y", "3", ""]))]
        );
    }

    #[test]
    fn header_problems_are_refused_like_csv() {
        assert_eq!(
            err(&[
                (0, 0, &[S("role"), S("a"), S("b")]),
                (1, 0, &[S("x"), N(1.0), N(2.0), S("note")])
            ]),
            "m.xlsx:2: column 4 \"\": \"note\" is in a column with no header; expected a header cell above \
             every column that holds data"
        );
        assert!(err(&[
            (0, 0, &[S("role"), S(""), S("b")]),
            (1, 0, &[S("x"), N(1.0), N(2.0)])
        ])
        .starts_with(
            "m.xlsx:1: column 2 \"\": the header cell is empty; expected a name in every header cell"
        ));
        assert!(
            err(&[(0, 0, &[S("role"), S("Risk Management"), S("risk-management")])]).starts_with(
                "m.xlsx:1: column 3 \"risk-management\": has the same name as column 2 \"Risk Management\""
            )
        );
        assert!(err(&[
            (0, 0, &[S("name"), S("a"), S("b")]),
            (1, 0, &[S("x"), N(1.0), N(2.0)])
        ])
        .starts_with("m.xlsx:1: the header \"name,a,b\" fits neither role matrix layout"));
        assert_eq!(
            err(&[(0, 0, &[S("role"), S("a"), S("b")])]),
            "m.xlsx: has a header but no data rows; expected at least one role: a row per role (wide layout) or \
             per role and capability (long layout)"
        );
        assert!(err(&[(3, 3, &[Blank])])
            .starts_with("m.xlsx: is empty; expected a header row of either a wide matrix"));
        assert!(err(&[]).ends_with(", in the first sheet of the workbook"));
    }

    #[test]
    fn bytes_that_are_not_a_workbook_cannot_be_read() {
        let e = read_bytes(b"role,a,b\nx,1,2\n".to_vec(), "m.xlsx").unwrap_err();
        assert!(e.is_io());
        assert!(
            e.to_string()
                .starts_with("m.xlsx: cannot be read: not a valid Excel workbook (.xlsx): "),
            "{e}"
        );
        let e = read_matrix(
            &b"PK\x03\x04 but not a zip"[..],
            "m.bin",
            &MatrixOptions::default(),
        )
        .unwrap_err();
        assert!(e.is_io(), "{e}");
    }

    #[test]
    fn a_workbook_is_recognised_by_its_bytes_and_by_its_extension() {
        let bytes = workbook(&[
            (0, 0, &[S("role"), S("a"), S("b")]),
            (1, 0, &[S("x"), N(1.0), N(2.0)]),
        ]);
        // read_matrix sniffs the zip signature, so stdin may be a workbook.
        let m = read_matrix(&bytes[..], "<stdin>", &MatrixOptions::default()).unwrap();
        assert_eq!(levels(&m), [[1.0, 2.0]]);
        let dir = tempfile::tempdir().unwrap();
        for name in ["m.xlsx", "M.XLSX", "m.dat"] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let report = read_matrix_path(&path, &MatrixOptions::default()).unwrap();
            assert_eq!(report.format, FileFormat::Excel, "{name}");
            assert_eq!(report.matrix.source(), path.display().to_string());
        }
        let path = dir.path().join("text.xlsx");
        std::fs::write(&path, "role,a,b\nx,1,2\n").unwrap();
        assert!(read_matrix_path(&path, &MatrixOptions::default())
            .unwrap_err()
            .is_io());
        let e = read_matrix_path(&dir.path().join("missing.xlsx"), &MatrixOptions::default()).unwrap_err();
        assert!(e.is_io());
        assert!(e.to_string().contains("missing.xlsx: cannot be read: "), "{e}");
    }

    /// The Excel release's columns.
    const ONET_HEADER: [&str; 15] = [
        "O*NET-SOC Code",
        "Title",
        "Element ID",
        "Element Name",
        "Scale ID",
        "Scale Name",
        "Data Value",
        "N",
        "Standard Error",
        "Lower CI Bound",
        "Upper CI Bound",
        "Recommend Suppress",
        "Not Relevant",
        "Date",
        "Domain Source",
    ];

    fn onet_row(
        code: &'static str,
        title: &'static str,
        element: (&'static str, &'static str),
        scale: &'static str,
        value: f64,
        flags: (&'static str, &'static str),
    ) -> Vec<C> {
        let scale_name = if scale == "IM" { "Importance" } else { "Level" };
        vec![
            S(code),
            S(title),
            S(element.0),
            S(element.1),
            S(scale),
            S(scale_name),
            N(value),
            N(8.0),
            N(0.125),
            N(3.88),
            N(4.37),
            S(flags.0),
            S(flags.1),
            S("08/2023"),
            S("Analyst"),
        ]
    }

    #[test]
    fn reads_the_onet_excel_release_with_its_titles() {
        const READING: (&str, &str) = ("2.A.1.a", "Reading Comprehension");
        const MATH: (&str, &str) = ("2.A.1.e", "Mathematics");
        let header: Vec<C> = ONET_HEADER.iter().map(|h| S(h)).collect();
        let rows = [
            header,
            onet_row(
                "11-1011.00",
                "Chief Executives",
                READING,
                "IM",
                4.125,
                ("N", "n/a"),
            ),
            onet_row("11-1011.00", "Chief Executives", READING, "LV", 4.625, ("N", "N")),
            onet_row("11-1011.00", "Chief Executives", MATH, "IM", 2.75, ("N", "n/a")),
            onet_row("11-1011.00", "Chief Executives", MATH, "LV", 3.5, ("Y", "Y")),
            onet_row(
                "15-1252.00",
                "Software Developers",
                READING,
                "IM",
                4.0,
                ("N", "n/a"),
            ),
            onet_row(
                "15-1252.00",
                "Software Developers",
                READING,
                "LV",
                4.5,
                ("N", "N"),
            ),
            onet_row("15-1252.00", "Software Developers", MATH, "IM", 3.0, ("N", "n/a")),
            onet_row("15-1252.00", "Software Developers", MATH, "LV", 7.5, ("N", "N")),
        ];
        let layout: Vec<(u32, u16, &[C])> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as u32, 0, r.as_slice()))
            .collect();
        assert_eq!(
            read_bytes(workbook(&layout), "Skills.xlsx").unwrap_err().to_string(),
            "Skills.xlsx:9: column 7 \"Data Value\": \"7.5\" is outside the O*NET LV scale 0..7; expected a level \
             (LV) from 0 to 7"
        );
        let mut rows = rows;
        rows[8] = onet_row("15-1252.00", "Software Developers", MATH, "LV", 6.96, ("N", "N"));
        let layout: Vec<(u32, u16, &[C])> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as u32, 0, r.as_slice()))
            .collect();
        let report = read_bytes(workbook(&layout), "Skills.xlsx").unwrap();
        assert_eq!(
            report.layout,
            Layout::Onet {
                domain: Some(OnetDomain::Skills)
            }
        );
        assert_eq!(report.layout_description(), "O*NET Excel (Skills)");
        assert_eq!(report.suppressed, 1);
        assert_eq!(
            report.warnings,
            ["Skills.xlsx: 1 O*NET estimate is flagged Recommend Suppress (low precision); it is used as it is"]
        );
        let m = &report.matrix;
        let names: Vec<&str> = m.roles().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["11-1011.00 Chief Executives", "15-1252.00 Software Developers"]
        );
        assert_eq!(m.capabilities()[1].aliases, ["2.A.1.e"]);
        let cells: Vec<Vec<(f64, f64)>> = m
            .roles()
            .iter()
            .map(|r| r.requirements.iter().map(|q| (q.level, q.importance)).collect())
            .collect();
        assert_eq!(cells, [[(4.625, 4.125), (3.5, 0.0)], [(4.5, 4.0), (6.96, 3.0)]]);
    }

    fn read_limited(bytes: Vec<u8>, max_unzipped_mib: u64) -> Result<MatrixReport, ImportError> {
        let options = MatrixOptions {
            max_unzipped_mib,
            ..MatrixOptions::default()
        };
        read_matrix_xlsx(Cursor::new(bytes), "m.xlsx", &options)
    }

    /// The matrix of [`wb::matrix_rows`].
    const XY: [[f64; 2]; 2] = [[1.0, 2.0], [3.0, 4.0]];

    #[test]
    fn a_stray_cell_far_away_is_read_as_the_one_cell_it_is() {
        let header: &[C] = &[S("role"), S("a"), S("b")];
        let x: &[C] = &[S("x"), N(1.0), N(2.0)];
        // At the last cell of a sheet (XFD1048576), and in column AA of the
        // last row: one cell each, a million blank rows above it.
        assert_eq!(
            err(&[(0, 0, header), (1, 0, x), (1_048_575, 16_383, &[S("x")])]),
            "m.xlsx:1048576: column 16384 \"\": \"x\" is in a column with no header; expected a header cell \
             above every column that holds data"
        );
        assert_eq!(
            err(&[(0, 0, header), (1, 0, x), (1_048_575, 26, &[S("note")])]),
            "m.xlsx:1048576: column 27 \"\": \"note\" is in a column with no header; expected a header cell \
             above every column that holds data"
        );
        // A role on the last row is a role like any other.
        let bytes = workbook(&[
            (0, 0, header),
            (1, 0, x),
            (1_048_575, 0, &[S("y"), N(3.0), N(4.0)]),
        ]);
        assert_eq!(levels(&read_bytes(bytes, "m.xlsx").unwrap().matrix), XY);
        // So is one under a dimension that claims the whole sheet.
        let rows = wb::matrix_rows();
        let bytes = wb::workbook(&wb::sheet(Some("A1:XFD1048576"), &rows), &[]);
        assert_eq!(levels(&read_bytes(bytes, "m.xlsx").unwrap().matrix), XY);
    }

    #[test]
    fn a_malformed_cell_reference_is_an_error() {
        let with = |reference: &str| {
            let rows = wb::matrix_rows() + &wb::row(4, &[(reference, "z")]);
            read_bytes(wb::workbook(&wb::sheet(None, &rows), &[]), "m.xlsx")
                .unwrap_err()
                .to_string()
        };
        const EXPECTED: &str =
            "beyond the last cell of a sheet (XFD1048576); expected cell references from A1 to \
                                XFD1048576 (is the workbook damaged?)";
        assert_eq!(
            with("XFE4"),
            format!("m.xlsx: a cell reference of the first sheet is malformed: it reads as row 4, column 16385, {EXPECTED}")
        );
        assert_eq!(
            with("A1048577"),
            format!("m.xlsx: a cell reference of the first sheet is malformed: it reads as row 1048577, column 1, {EXPECTED}")
        );
        // Too many letters or digits for a number: calamine's arithmetic
        // wraps, and the cell lands far beyond the sheet.
        for reference in [
            "AAAAAAAAAAAA4",
            "A99999999999",
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ99999999999999999999",
        ] {
            let e = with(reference);
            assert!(
                e.starts_with("m.xlsx: a cell reference of the first sheet is malformed: it reads as row ")
                    && e.ends_with(EXPECTED),
                "{reference}: {e}"
            );
        }
        // Digits before letters, or other characters: not a workbook.
        for reference in ["4A", "A-4", "A 4", ""] {
            let e = with(reference);
            assert!(
                e.starts_with("m.xlsx: cannot be read: not a valid Excel workbook (.xlsx): "),
                "{reference:?}: {e}"
            );
        }
        // A dimension that ends before it starts says nothing about the cells.
        let bytes = wb::workbook(&wb::sheet(Some("C3:A1"), &wb::matrix_rows()), &[]);
        assert_eq!(levels(&read_bytes(bytes, "m.xlsx").unwrap().matrix), XY);
    }

    #[test]
    fn rows_are_read_in_order_and_cells_in_any_order() {
        let rows = [
            wb::row(1, &[("A1", "role"), ("B1", "a"), ("C1", "b")]),
            wb::row(3, &[("A3", "y"), ("B3", "3"), ("C3", "4")]),
            wb::row(2, &[("A2", "x"), ("B2", "1"), ("C2", "2")]),
        ]
        .concat();
        assert_eq!(
            read_bytes(wb::workbook(&wb::sheet(None, &rows), &[]), "m.xlsx").unwrap_err().to_string(),
            "m.xlsx:2: the first sheet stores row 2 after row 3; expected the rows of the sheet in order, as Excel \
             saves them (open the workbook in a spreadsheet program and save it again)"
        );
        // Within a row, cells in any order; a cell given twice is its last.
        let rows = [
            wb::row(1, &[("A1", "role"), ("B1", "a"), ("C1", "b")]),
            wb::row(2, &[("C2", "2"), ("A2", "x"), ("B2", "9"), ("B2", "1")]),
            wb::row(3, &[("A3", "y"), ("B3", "3"), ("C3", "4")]),
        ]
        .concat();
        let m = read_bytes(wb::workbook(&wb::sheet(None, &rows), &[]), "m.xlsx").unwrap();
        assert_eq!(levels(&m.matrix), XY);
    }

    #[test]
    fn a_cell_left_of_the_header_is_refused() {
        assert_eq!(
            err(&[(0, 1, &[S("role"), S("a")]), (1, 0, &[S("note"), S("x"), N(1.0)])]),
            "m.xlsx:2: \"note\" is in column A, left of the header's first column B; expected a header cell above \
             every column that holds data"
        );
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
    }

    /// What the limit error says, for `problem`.
    fn over_limit(problem: &str, mib: u64) -> String {
        format!(
            "m.xlsx: {problem}; expected a workbook that unzips to at most {mib} MiB, the limit (a larger one may be \
             a zip bomb; if the file is trusted, raise the limit with --max-unzipped-mib N)"
        )
    }

    #[test]
    fn a_part_that_unzips_past_the_limit_is_refused() {
        let zeros = vec![0u8; 3 << 20];
        let sheet = wb::sheet(None, &wb::matrix_rows());
        let bytes = wb::workbook(&sheet, &[("xl/media/image1.bin", &zeros)]);
        assert!(bytes.len() < 20_000, "{}", bytes.len());
        assert_eq!(
            read_limited(bytes.clone(), 2).unwrap_err().to_string(),
            over_limit(
                "the workbook unzips to more than 2 MiB (the limit is passed in its part \"xl/media/image1.bin\", part 6 of 6)",
                2
            )
        );
        // Raised, the same workbook reads.
        assert_eq!(levels(&read_limited(bytes, 4).unwrap().matrix), XY);
        // The sheet itself, padded with blanks.
        let padded = wb::sheet(None, &(wb::matrix_rows() + &" ".repeat(3 << 20)));
        assert_eq!(
            read_limited(wb::workbook(&padded, &[]), 2)
                .unwrap_err()
                .to_string(),
            over_limit(
                "the workbook unzips to more than 2 MiB (the limit is passed in its part \"xl/worksheets/sheet1.xml\", part 5 of 5)",
                2
            )
        );
        // The default is far above a real workbook.
        assert_eq!(MatrixOptions::default().max_unzipped_mib, 1024);
    }

    #[test]
    fn parts_that_unzip_past_the_limit_together_are_refused() {
        // Five parts of 1 MiB after the five of the workbook.
        let bytes = wb::bomb(5, 1);
        assert_eq!(
            read_limited(bytes.clone(), 3).unwrap_err().to_string(),
            over_limit(
                "the workbook unzips to more than 3 MiB (the limit is passed in its part \"xl/media/zeros2.bin\", part 8 of 10)",
                3
            )
        );
        assert_eq!(levels(&read_limited(bytes, 6).unwrap().matrix), XY);
    }

    #[test]
    fn the_sizes_a_zip_file_declares_are_not_trusted() {
        let zeros = vec![0u8; 3 << 20];
        let name = b"xl/media/image1.bin";
        let mut bytes = wb::workbook(
            &wb::sheet(None, &wb::matrix_rows()),
            &[(std::str::from_utf8(name).unwrap(), &zeros)],
        );
        // Declare the part 10 bytes long unzipped, in its local header and
        // in the central directory.
        let mut patched = 0;
        for at in 0..bytes.len().saturating_sub(46) {
            let field = match &bytes[at..at + 4] {
                b"PK\x03\x04" if bytes[at + 30..].starts_with(name) => at + 22,
                b"PK\x01\x02" if bytes[at + 46..].starts_with(name) => at + 24,
                _ => continue,
            };
            bytes[field..field + 4].copy_from_slice(&10u32.to_le_bytes());
            patched += 1;
        }
        assert_eq!(patched, 2);
        // The bytes are counted as they come out, so the lie shows.
        let e = read_limited(bytes, 2).unwrap_err();
        assert!(e.is_io());
        assert_eq!(
            e.to_string(),
            "m.xlsx: cannot be read: not a valid Excel workbook (.xlsx): its part \"xl/media/image1.bin\" cannot be \
             unzipped: File is larger than its declared uncompressed size"
        );
    }

    /// A workbook of a notes sheet (one cell) then a sheet "Data" with `rows`.
    pub(crate) fn notes_then(rows: &[(u32, u16, &[C])]) -> Vec<u8> {
        let mut book = Workbook::new();
        book.add_worksheet()
            .set_name("Notes")
            .unwrap()
            .write_string(0, 0, "Exported 2024-11-14")
            .unwrap();
        let sheet = book.add_worksheet().set_name("Data").unwrap();
        for &(r, first, cells) in rows {
            for (i, cell) in cells.iter().enumerate() {
                if let S(text) = cell {
                    sheet.write_string(r, first + i as u16, *text).unwrap();
                } else if let N(value) = cell {
                    sheet.write_number(r, first + i as u16, *value).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_becomes_csv_text_with_the_rows_excel_shows() {
        let book = workbook(&[
            (0, 0, &[S("respondent"), S("Q1"), S("Q2")]),
            (2, 0, &[S("ana, jr"), N(4.0)]),
            (3, 1, &[N(3.5), S("say \"hi\"")]),
        ]);
        let csv = workbook_csv(Cursor::new(book), "r.xlsx", None, 0).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "respondent,Q1,Q2\n\n\"ana, jr\",4,\n,3.5,\"say \"\"hi\"\"\"\n"
        );
    }

    #[test]
    fn a_notes_sheet_first_is_refused_naming_the_sheets() {
        let rows: &[(u32, u16, &[C])] = &[
            (0, 0, &[S("role"), S("a"), S("b")]),
            (1, 0, &[S("x"), N(1.0), N(2.0)]),
        ];
        let e = workbook_csv(Cursor::new(notes_then(rows)), "r.xlsx", None, 0)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.xlsx:1: the first sheet, \"Notes\", holds no table (its first row has one cell with text), and the \
             workbook has other sheets: \"Notes\", \"Data\"; expected the table in the first sheet, or --sheet NAME \
             (--matrix-sheet NAME for a role matrix) naming the sheet that holds it"
        );
        let csv = workbook_csv(Cursor::new(notes_then(rows)), "r.xlsx", Some("data"), 0).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "role,a,b\nx,1,2\n");
        let e = workbook_csv(Cursor::new(notes_then(rows)), "r.xlsx", Some("Sheet9"), 0)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.xlsx: the workbook has no sheet named \"Sheet9\"; expected --sheet naming one of its sheets: \
             \"Notes\", \"Data\""
        );
        // A role matrix: the same refusal, and --matrix-sheet.
        let read = |sheet: Option<&str>| {
            let options = MatrixOptions {
                sheet: sheet.map(str::to_string),
                ..MatrixOptions::default()
            };
            read_matrix_xlsx(Cursor::new(notes_then(rows)), "m.xlsx", &options)
        };
        assert!(read(None).unwrap_err().to_string().contains("holds no table"));
        assert_eq!(read(Some("Data")).unwrap().matrix.roles().len(), 1);
    }

    /// The messages of a notes sheet first and of a sheet not found, for the
    /// documented messages' test.
    pub(crate) fn sheet_messages() -> Vec<String> {
        let book = || notes_then(&[]);
        vec![
            workbook_csv(io::Cursor::new(book()), "book.xlsx", None, 0)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            workbook_csv(io::Cursor::new(book()), "book.xlsx", Some("Sheet9"), 0)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
        ]
    }
}
