//! Excel workbooks (`.xlsx`) as rows.
//!
//! A role matrix in a workbook is read from its first sheet, whose first
//! row that is not blank is the header, exactly as a CSV file's first line
//! is: the sheet is turned into [`Rows`] whose records hold each cell as
//! text, so the wide, long and O*NET readers treat both alike and report a
//! problem as `Book.xlsx:ROW: column N "HEADER": ...`, ROW being the row
//! number Excel shows and N the column counted from the sheet's first used
//! column (column A in a sheet that starts there).
//!
//! Cells become text the way a person reads them: a number as the shortest
//! decimal that gives the same value back (`4.12`, `3`), so levels keep
//! every digit Excel stores; text as it is; `TRUE`/`FALSE`, error values
//! (`#DIV/0!`) and dates as their text, which the readers then refuse
//! where they expect a number. Trailing columns with an empty header and
//! no data are ignored (spreadsheets often carry formatted empty columns).

use std::fmt::Write as _;
use std::io::{self, Read, Seek};
use std::path::Path;

use calamine::{Data, Range, Reader, Xlsx, XlsxError};
use csv::ByteRecord;

use crate::error::{ErrorKind, ImportError};
use crate::matrix::{read_rows, FileFormat, MatrixOptions, MatrixReport, LAYOUTS};
use crate::rows::Rows;

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
/// sheet row as the line; bytes that are not an `.xlsx` workbook are an
/// error whose [`ImportError::is_io`] is true.
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
    let mut sheet = SheetRows::open(reader, source, &format!("a header row of {LAYOUTS}"))?;
    read_rows(&mut sheet, FileFormat::Excel, dir, options)
}

/// A workbook error as an [`ImportError`]: the bytes could not be read as
/// a workbook.
fn workbook_error(source: &str, error: XlsxError) -> ImportError {
    match error {
        XlsxError::Io(e) => ImportError::io(source, e),
        other => ImportError::io(
            source,
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a valid Excel workbook (.xlsx): {other}"),
            ),
        ),
    }
}

/// The first sheet of a workbook, as [`Rows`].
pub(crate) struct SheetRows {
    source: String,
    range: Range<Data>,
    /// The absolute 0-based row of the range's first row.
    first_row: u64,
    header: Vec<String>,
    header_line: u64,
    /// The next relative row to read.
    next: usize,
    /// Cell text, reused.
    text: String,
}

impl SheetRows {
    /// Opens the first sheet of the workbook in `reader` and reads its
    /// header. `expected` describes a good header for the error on an empty
    /// sheet.
    pub(crate) fn open<R: Read + Seek>(reader: R, source: &str, expected: &str) -> Result<Self, ImportError> {
        let mut workbook: Xlsx<R> = Xlsx::new(reader).map_err(|e| workbook_error(source, e))?;
        let range = match workbook.worksheet_range_at(0) {
            Some(range) => range.map_err(|e| workbook_error(source, e))?,
            None => Range::empty(),
        };
        let empty = || {
            ImportError::new(
                source,
                ErrorKind::Empty {
                    expected: format!("{expected}, in the first sheet of the workbook"),
                },
            )
        };
        let Some((row0, _)) = range.start() else {
            return Err(empty());
        };
        let mut sheet = SheetRows {
            source: source.to_string(),
            range,
            first_row: u64::from(row0),
            header: Vec::new(),
            header_line: 1,
            next: 0,
            text: String::new(),
        };
        let (height, width) = sheet.range.get_size();
        let mut cells = Vec::with_capacity(width);
        loop {
            if sheet.next >= height {
                return Err(empty());
            }
            let r = sheet.next;
            sheet.next += 1;
            cells.clear();
            for c in 0..width {
                cells.push(sheet.text_at(r, c).trim().to_string());
            }
            if cells.iter().any(|c| !c.is_empty()) {
                sheet.header_line = sheet.line(r);
                break;
            }
        }
        let used = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        cells.truncate(used);
        check_header(&cells, source, sheet.header_line)?;
        sheet.header = cells;
        Ok(sheet)
    }

    /// The text of the cell at relative row `r`, column `c` (empty if there
    /// is none), in the reused buffer.
    fn text_at(&mut self, r: usize, c: usize) -> &str {
        self.text.clear();
        match self.range.get((r, c)) {
            None | Some(Data::Empty) => {}
            Some(Data::String(s)) => self.text.push_str(s),
            Some(other) => {
                let _ = write!(self.text, "{other}");
            }
        }
        &self.text
    }

    /// The sheet row number (1-based, as Excel shows it) of relative row `r`.
    fn line(&self, r: usize) -> u64 {
        self.first_row + r as u64 + 1
    }
}

impl Rows for SheetRows {
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
        let (height, width) = self.range.get_size();
        let columns = self.header.len();
        while self.next < height {
            let r = self.next;
            self.next += 1;
            record.clear();
            let mut blank = true;
            for c in 0..width {
                let text = self.text_at(r, c);
                let empty = text.trim().is_empty();
                if c < columns {
                    record.push_field(text.as_bytes());
                } else if !empty {
                    let value = text.to_string();
                    return Err(ImportError::bad_value(
                        &self.source,
                        &value,
                        "is in a column with no header",
                        "a header cell above every column that holds data",
                    )
                    .at_line(self.line(r))
                    .at_column(c, ""));
                }
                blank &= empty;
            }
            if !blank {
                return Ok(Some(self.line(r)));
            }
        }
        Ok(None)
    }
}

/// Refuses empty header cells among the used columns, and two header cells
/// with the same loose key (the rules of a CSV header).
fn check_header(header: &[String], source: &str, line: u64) -> Result<(), ImportError> {
    crate::table::check_header_cells(
        header,
        source,
        line,
        "a name in every header cell up to the last column that has one",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_matrix, read_matrix_path, Layout, OnetDomain};
    use rolefit_model::{Requirement, RoleMatrix};
    use rust_xlsxwriter::{Format, Workbook};
    use std::io::Cursor;

    /// A cell to write.
    #[derive(Clone, Copy)]
    enum C {
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
             5 (a matrix on another scale needs that scale given, as --matrix-scale MIN..MAX)"
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
        let mut sheet = SheetRows::open(Cursor::new(workbook(rows)), "m.xlsx", "x").unwrap();
        assert_eq!(sheet.header_line(), 3);
        assert_eq!(sheet.header(), ["role", "a", "b"]);
        let mut record = ByteRecord::new();
        assert_eq!(sheet.next_record(&mut record).unwrap(), Some(4));
        assert_eq!(sheet.next_record(&mut record).unwrap(), Some(6));
        assert_eq!(sheet.next_record(&mut record).unwrap(), None);
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
}
