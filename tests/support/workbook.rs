//! Hand-built `.xlsx` workbooks for the tests, including hostile ones that
//! no spreadsheet program writes: a cell reference that is not one, rows
//! out of order, parts that unzip to far more than the file's size.
//!
//! Shared by the unit tests of `rolefit-import` (src/xlsx.rs) and the
//! tests of the binary (tests/integration/workbooks.rs) through `#[path]`.

#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// The sheet part's name.
pub const SHEET: &str = "xl/worksheets/sheet1.xml";

/// A cell as sheet XML: `reference` as given (it may be malformed), a
/// number if `value` parses as one, else inline text.
pub fn cell(reference: &str, value: &str) -> String {
    if value.parse::<f64>().is_ok() {
        format!(r#"<c r="{reference}"><v>{value}</v></c>"#)
    } else {
        format!(r#"<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>"#)
    }
}

/// A row as sheet XML: 1-based row number `r` and its cells
/// (reference, value).
pub fn row(r: u64, cells: &[(&str, &str)]) -> String {
    let cells: String = cells.iter().map(|(at, value)| cell(at, value)).collect();
    format!(r#"<row r="{r}">{cells}</row>"#)
}

/// The sheet part around `rows` (sheet XML of `<row>` elements), with a
/// `<dimension>` if given.
pub fn sheet(dimension: Option<&str>, rows: &str) -> String {
    let dimension = dimension.map_or(String::new(), |d| format!(r#"<dimension ref="{d}"/>"#));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The rows of a small valid wide matrix, `role,a,b` with roles `x` and
/// `y`, on sheet rows 1 to 3.
pub fn matrix_rows() -> String {
    [
        row(1, &[("A1", "role"), ("B1", "a"), ("C1", "b")]),
        row(2, &[("A2", "x"), ("B2", "1"), ("C2", "2")]),
        row(3, &[("A3", "y"), ("B3", "3"), ("C3", "4")]),
    ]
    .concat()
}

/// A workbook of one sheet whose part is `sheet_xml`, with the `extra`
/// parts (name, bytes) after it, all deflated.
pub fn workbook(sheet_xml: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        (SHEET, sheet_xml.as_bytes()),
    ];
    for (name, bytes) in parts.iter().chain(extra) {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The valid matrix workbook of [`matrix_rows`] with `copies` more parts
/// `xl/media/zerosN.bin`, each `mib` MiB of zero bytes that deflate to
/// about a thousandth of that: the parts are written once and copied
/// compressed, so a bomb of gigabytes is quick to make.
pub fn bomb(copies: usize, mib: usize) -> Vec<u8> {
    let mut zip = ZipWriter::new_append(Cursor::new(workbook(&sheet(None, &matrix_rows()), &[]))).unwrap();
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("xl/media/zeros0.bin", options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..mib {
        zip.write_all(&chunk).unwrap();
    }
    for n in 1..copies {
        zip.deep_copy_file("xl/media/zeros0.bin", &format!("xl/media/zeros{n}.bin"))
            .unwrap();
    }
    zip.finish().unwrap().into_inner()
}
