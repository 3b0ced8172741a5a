//! Arbitrary bytes as a role matrix file: the importer must return a
//! matrix or an error, never panic, hang or abort.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit_import::{read_matrix_report, MatrixOptions};

fuzz_target!(|data: &[u8]| {
    let _ = read_matrix_report(data, "fuzz.csv", &MatrixOptions::default());
});
