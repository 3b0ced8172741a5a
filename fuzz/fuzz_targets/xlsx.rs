//! Arbitrary bytes as an Excel workbook: the importer must return a matrix
//! or an error, never panic, hang or abort, and never hold more than a row
//! of the sheet or decompress more than the limit.
//!
//! The first byte chooses what the rest is. Odd: the whole `.xlsx` file, so
//! the zip reader and the unzipped-size check see anything. Even: the XML
//! of the sheet part, then (after a byte 0xFF, if any) the shared strings,
//! zipped into a workbook here with the right checksums, so that changes
//! reach the sheet reader instead of breaking the zip.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use rolefit_import::{read_matrix_xlsx, MatrixOptions};

#[path = "../../tests/support/workbook.rs"]
mod workbook;

fuzz_target!(|data: &[u8]| {
    let options = MatrixOptions {
        max_unzipped_mib: 8,
        ..MatrixOptions::default()
    };
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 1 {
        rest.to_vec()
    } else {
        let (sheet, strings) = match rest.iter().position(|&b| b == 0xFF) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let sheet = String::from_utf8_lossy(sheet);
        let extra: Vec<(&str, &[u8])> = strings.map(|s| ("xl/sharedStrings.xml", s)).into_iter().collect();
        workbook::workbook(&sheet, &extra)
    };
    let _ = read_matrix_xlsx(Cursor::new(bytes), "fuzz.xlsx", &options);
});
