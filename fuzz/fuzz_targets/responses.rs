//! Arbitrary bytes as a responses file, read both ways rolefit reads them
//! (sequentially, and cut into chunks parsed separately): every row must
//! be parsed or rejected with an error, never panic, and both ways must
//! agree on how many rows there are.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit_import::{builtin, ChunkParser, FlagOptions, ResponseChunks, ResponseOptions, ResponseReader};
use std::sync::OnceLock;

use rolefit_model::{ProfileBatch, RoleMatrix, Survey};

static DATA: OnceLock<(RoleMatrix, Survey)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (matrix, survey) = DATA.get_or_init(|| (builtin::matrix(), builtin::survey()));
    // Half the inputs (by their length) also compute the quality flags.
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        flags: (data.len() % 2 == 1).then(FlagOptions::default),
        ..Default::default()
    };
    // Rows read to the end with no error, if the reader got there.
    let mut sequential = None;
    if let Ok(mut reader) = ResponseReader::new(data, "fuzz.csv", matrix, Some(survey), &options) {
        let mut record = rolefit_import::ByteRecord::new();
        let mut rows = 0u64;
        loop {
            match reader.next_record(&mut record) {
                Ok(Some(_)) => rows += 1,
                Ok(None) => {
                    sequential = Some(rows);
                    break;
                }
                Err(_) => break,
            }
        }
    }
    let Ok(mut chunks) = ResponseChunks::new(data, "fuzz.csv", matrix, Some(survey), &options, 16) else {
        return;
    };
    let plan = chunks.plan().clone();
    let mut parser = ChunkParser::new();
    let mut chunked = Some(0u64);
    loop {
        let chunk = match chunks.next_chunk(Vec::new()) {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) => {
                chunked = None;
                break;
            }
        };
        let mut batch = ProfileBatch::new(matrix.capabilities().len());
        let mut positions = Vec::new();
        match parser.parse(&plan, &chunk, &mut batch, &mut positions, |_, _, _| Ok(())) {
            Ok(rows) => {
                assert_eq!(rows, chunk.rows, "the cutter and the parser agree on the rows of a chunk");
                assert_eq!(batch.len(), positions.len());
                chunked = chunked.map(|n| n + rows);
            }
            Err(_) => chunked = None,
        }
    }
    // Where both ways read the whole input without an error, they read
    // the same number of rows.
    if let (Some(sequential), Some(chunked)) = (sequential, chunked) {
        assert_eq!(sequential, chunked, "the sequential reader and the chunks agree on the rows");
    }
});
