//! The floor for `rolefit score`: a plain parse-and-rewrite of a CSV file.
//!
//! `cargo run --release --example csv-rewrite -- INPUT.csv OUTPUT.csv` reads
//! every record of INPUT with the `csv` crate (one reused `ByteRecord`, no
//! UTF-8 check, no number parsing) and writes it unchanged to OUTPUT through
//! a `csv::Writer` on a buffered file. Single-threaded. Whatever rolefit does
//! beyond this (parsing numbers, scoring, ranking, formatting) is its cost
//! over the floor set by reading and writing the bytes; `benches/compare.py`
//! reports the ratio. Like rolefit's `-o FILE`, the output is synced to disk
//! before the program ends.

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: csv-rewrite INPUT.csv OUTPUT.csv");
        return ExitCode::from(2);
    };
    match rewrite(input, output) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Copies every record of `input` to `output`; returns how many it copied.
fn rewrite(input: &str, output: &str) -> Result<u64, Box<dyn Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(input)?;
    let file = BufWriter::with_capacity(1 << 16, File::create(output)?);
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(file);
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    while reader.read_byte_record(&mut record)? {
        writer.write_byte_record(&record)?;
        n += 1;
    }
    // Flushed and synced like rolefit's `-o FILE` (which syncs before it
    // moves the file into place), so both pay for the same I/O.
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(n)
}
