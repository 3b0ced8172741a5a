//! Responses as raw chunks of whole records, for parsing on many threads.
//!
//! [`ResponseReader`](crate::ResponseReader) parses rows one after another
//! on the calling thread. For large files that thread becomes the limit, so
//! [`ResponseChunks`] splits the work differently: one thread only cuts the
//! input into chunks of about a fixed size that end on a record boundary
//! (cheap: a `memchr` for line feeds), and any number of threads parse the
//! chunks with a [`ChunkParser`] each, independently.
//!
//! Cutting must agree exactly with the csv parser about where records end.
//! A chunk without a double quote in it ends its records at every line
//! feed, so the cut goes after the last one. A chunk with quotes (a quoted
//! cell may hold line feeds) is scanned with the same state machine the
//! csv crate uses, `csv_core`, configured like every reader of this crate.
//!
//! Each chunk carries the line its first byte is on and the data-row number
//! of its first row, counted while cutting (rows whose every cell is blank
//! are skipped and not counted, as everywhere), so errors name the right
//! line and files without an id column number their respondents the same
//! however the work is split.

use std::io::{self, BufReader, Chain, Cursor, Read};

use csv::ByteRecord;
use rolefit_model::{ProfileBatch, RoleMatrix, Survey};

use crate::error::ImportError;
use crate::responses::{read_plan, ColumnPlan, ResponseOptions, RowPosition, Scratch};
use crate::table::{csv_reader, is_blank_record, Fields, SplitLine};

/// Bytes asked of the input per read, at most.
const READ_BLOCK: usize = 1 << 20;

/// A run of whole records from a responses file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawChunk {
    /// 0-based position of the chunk in the input.
    pub seq: u64,
    /// The records, each ending in a line feed (but perhaps the last of the
    /// input).
    pub bytes: Vec<u8>,
    /// The 1-based line of the chunk's first byte.
    pub first_line: u64,
    /// The 1-based data-row number of the chunk's first row.
    pub first_row: u64,
    /// How many data rows (records that are not blank) the chunk holds.
    pub rows: u64,
    /// The 0-based offset of the chunk's first byte in the input.
    pub first_byte: u64,
}

/// Reads a responses file's header, then hands out the rest as
/// [`RawChunk`]s.
pub struct ResponseChunks<R: Read> {
    source: String,
    /// The data bytes read with the header, then the rest of the input.
    input: Chain<Cursor<Vec<u8>>, BufReader<R>>,
    plan: ColumnPlan,
    carry: Vec<u8>,
    target: usize,
    delimiter: u8,
    next_line: u64,
    next_row: u64,
    next_byte: u64,
    seq: u64,
    eof: bool,
    bytes_read: u64,
}

impl<R: Read> ResponseChunks<R> {
    /// Reads and maps the head (one header row, or the several of a
    /// survey-tool export) exactly as
    /// [`ResponseReader::new`](crate::ResponseReader::new) does; later
    /// chunks hold about `target_bytes` each (more when one record is
    /// longer). The first chunk starts on the first line after the header
    /// rows, with lines and byte offsets counted from the start of the
    /// input.
    ///
    /// # Errors
    /// As [`ResponseReader::new`](crate::ResponseReader::new).
    pub fn new(
        reader: R,
        source: &str,
        matrix: &RoleMatrix,
        survey: Option<&Survey>,
        options: &ResponseOptions,
        target_bytes: usize,
    ) -> Result<Self, ImportError> {
        let mut input = BufReader::with_capacity(1 << 16, reader);
        let (head, plan) = read_plan(&mut input, source, matrix, survey, options)?;
        Ok(ResponseChunks {
            source: source.to_string(),
            delimiter: plan.delimiter(),
            plan,
            carry: Vec::new(),
            target: target_bytes.max(1),
            next_line: head.data_line,
            next_row: 1,
            next_byte: head.data_byte,
            seq: 0,
            eof: false,
            bytes_read: head.data_byte,
            input: Cursor::new(head.rest).chain(input),
        })
    }

    /// The column mapping decided from the header.
    pub fn plan(&self) -> &ColumnPlan {
        &self.plan
    }

    /// Bytes consumed from the input so far (for progress reports).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next chunk, built in `buffer` (pass a spent chunk's bytes back to
    /// save allocations); `None` at the end of the input.
    ///
    /// # Errors
    /// Unreadable input.
    pub fn next_chunk(&mut self, mut buffer: Vec<u8>) -> Result<Option<RawChunk>, ImportError> {
        buffer.clear();
        buffer.append(&mut self.carry);
        let mut scanned = 0;
        loop {
            if !self.eof && buffer.len() < self.target {
                self.fill(&mut buffer)?;
                continue;
            }
            if let Some((cut, rows)) = cut_point(&buffer, scanned, self.delimiter, self.eof) {
                self.carry.extend_from_slice(&buffer[cut..]);
                buffer.truncate(cut);
                if buffer.is_empty() {
                    return Ok(None);
                }
                let chunk = RawChunk {
                    seq: self.seq,
                    first_line: self.next_line,
                    first_row: self.next_row,
                    rows,
                    first_byte: self.next_byte,
                    bytes: buffer,
                };
                self.next_byte += chunk.bytes.len() as u64;
                self.seq += 1;
                self.next_line += memchr::memchr_iter(b'\n', &chunk.bytes).count() as u64;
                self.next_row += rows;
                return Ok(Some(chunk));
            }
            // One record longer than the buffer: read on until it ends,
            // up to a limit.
            if buffer.len() > crate::limits::MAX_RECORD_BYTES {
                return Err(crate::limits::too_large(
                    &self.source,
                    "a row",
                    buffer.len(),
                    crate::limits::MAX_RECORD_BYTES,
                    "bytes",
                    "rows of at most 64 MiB (is a closing double quote missing?)",
                )
                .at_line(self.next_line));
            }
            scanned = buffer.len();
            self.fill(&mut buffer)?;
        }
    }

    /// Appends up to one block of input to `buffer`, noting the end. The
    /// bytes are read into the buffer's spare room as they are, without
    /// zeroing it first (`read_to_end` on a `take` reads until the block
    /// is full or the input ends, and retries interrupted reads).
    fn fill(&mut self, buffer: &mut Vec<u8>) -> Result<(), ImportError> {
        let want = self
            .target
            .saturating_sub(buffer.len())
            .clamp(8 << 10, READ_BLOCK);
        buffer.reserve(want);
        let n = io::Read::take(&mut self.input, want as u64)
            .read_to_end(buffer)
            .map_err(|e| ImportError::io(&self.source, e))?;
        self.bytes_read += n as u64;
        if n < want {
            self.eof = true;
        }
        Ok(())
    }
}

/// Where to cut `buffer` so that it holds whole records only, and how many
/// data rows lie before the cut; `None` if no record ends in it yet.
/// `scanned` bytes at the start are known to hold no record end (a long
/// record being read); at the end of the input everything is whole.
fn cut_point(buffer: &[u8], scanned: usize, delimiter: u8, eof: bool) -> Option<(usize, u64)> {
    if memchr::memchr(b'"', buffer).is_some() {
        return scan_quoted(buffer, delimiter, eof);
    }
    let cut = if eof {
        buffer.len()
    } else {
        scanned + memchr::memrchr(b'\n', &buffer[scanned..])? + 1
    };
    // A line is a row unless blank; the check stops at the first byte
    // that is neither white space nor a delimiter, usually the first.
    let blank = |line: &[u8]| line.iter().all(|&b| b.is_ascii_whitespace() || b == delimiter);
    let mut rows = 0u64;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', &buffer[..cut]) {
        rows += u64::from(!blank(&buffer[start..end]));
        start = end + 1;
    }
    rows += u64::from(!blank(&buffer[start..cut]));
    Some((cut, rows))
}

/// [`cut_point`] for bytes with quotes: the csv state machine finds the
/// record ends.
fn scan_quoted(buffer: &[u8], delimiter: u8, eof: bool) -> Option<(usize, u64)> {
    let mut reader = csv_core::ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(csv_core::Terminator::Any(b'\n'))
        .build();
    let mut out = vec![0u8; 1 << 16];
    let mut ends = [0usize; 256];
    // csv_core drops a byte order mark at the start of its input; here the
    // input is the middle of a file, so start it on an empty line (which
    // it skips) first. (Found by fuzzing.)
    let _ = reader.read_record(b"\n", &mut out, &mut ends);
    let (mut pos, mut cut, mut rows) = (0, None, 0u64);
    let mut blank = true;
    loop {
        let input = &buffer[pos..];
        let (result, read, written, _) = reader.read_record(input, &mut out, &mut ends);
        pos += read;
        blank &= out[..written].iter().all(u8::is_ascii_whitespace);
        match result {
            csv_core::ReadRecordResult::InputEmpty => {
                if !eof {
                    break;
                }
                if input.is_empty() {
                    // The empty input told the reader the input is over;
                    // the next call returns the last record or End.
                    continue;
                }
            }
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {}
            csv_core::ReadRecordResult::Record => {
                rows += u64::from(!blank);
                blank = true;
                cut = Some(pos);
            }
            csv_core::ReadRecordResult::End => {
                cut = Some(buffer.len());
                break;
            }
        }
    }
    cut.map(|c| (c, rows))
}

/// An encoding error gets the offset of the first bad byte of its row,
/// `raw` (which starts at input offset `at`).
fn with_byte(e: ImportError, raw: &[u8], at: u64) -> ImportError {
    if !matches!(e.kind(), crate::ErrorKind::Utf8 { .. }) {
        return e;
    }
    match std::str::from_utf8(raw) {
        Err(bad) => e.at_byte(at + bad.valid_up_to() as u64),
        Ok(_) => e,
    }
}

/// Whether the last record of the input is a quoted cell that never closed:
/// it runs to the end, spans lines, and holds an odd number of quotes.
fn unclosed_at_end(raw: &[u8], at_end: bool) -> bool {
    at_end && memchr::memchr_iter(b'"', raw).count() % 2 == 1
}

/// The error for a double quote that opens a cell and never closes.
fn unclosed_quote(source: &str, line: u64) -> ImportError {
    ImportError::new(
        source,
        crate::ErrorKind::Data {
            problem: "a double quote opens a cell here and is never closed, so the rest of the input \
                      would be one cell"
                .into(),
            expected: "a closing double quote (a double quote inside a quoted cell is written twice: \"\")"
                .into(),
        },
    )
    .at_line(line)
}

/// Parses chunks into profiles; one per thread, reused across chunks.
#[derive(Debug, Default)]
pub struct ChunkParser {
    record: ByteRecord,
    scratch: Scratch,
    ends: Vec<usize>,
    /// Lines never take the dense-line reader ([`FastPaths::dense_lines`]).
    skip_dense: bool,
}

/// Which fast paths a [`ChunkParser`] may take: all of them normally.
/// Results and errors are the same whichever are off; switching them off
/// is for the benchmark that measures what each saves (`cargo bench
/// --bench pipeline -- fast_paths`) and for the tests that hold each to
/// the general path.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastPaths {
    /// Quote-free lines of a file of the common shape are read in one pass
    /// straight into the batch (`ColumnPlan::parse_dense_line`).
    pub dense_lines: bool,
}

impl Default for FastPaths {
    fn default() -> Self {
        FastPaths { dense_lines: true }
    }
}

impl ChunkParser {
    /// A parser with empty working space.
    pub fn new() -> Self {
        ChunkParser::default()
    }

    /// A parser that takes only the fast paths `paths` allows (see
    /// [`FastPaths`]).
    #[doc(hidden)]
    pub fn with_fast_paths(paths: FastPaths) -> Self {
        ChunkParser {
            skip_dense: !paths.dense_lines,
            ..ChunkParser::default()
        }
    }

    /// Parses every row of `chunk` into `out`, and each row's position into
    /// `positions`. A row that cannot be parsed goes to `on_error` with its
    /// position and fields: return `Ok` to skip it and go on, or the error
    /// to stop. Returns the number of data rows seen (parsed and skipped).
    ///
    /// A chunk without a double quote is split on line feeds and
    /// delimiters directly, which is what the csv state machine would do
    /// with it, only faster; one with quotes goes through the csv reader.
    ///
    /// # Errors
    /// Whatever `on_error` returns.
    pub fn parse(
        &mut self,
        plan: &ColumnPlan,
        chunk: &RawChunk,
        out: &mut ProfileBatch,
        positions: &mut Vec<RowPosition>,
        on_error: impl FnMut(RowPosition, &ByteRecord, ImportError) -> Result<(), ImportError>,
    ) -> Result<u64, ImportError> {
        if memchr::memchr(b'"', &chunk.bytes).is_none() {
            return self.parse_plain(plan, chunk, out, positions, on_error);
        }
        self.parse_quoted(plan, chunk, out, positions, on_error)
    }

    /// [`ChunkParser::parse`] for a chunk without quotes.
    fn parse_plain(
        &mut self,
        plan: &ColumnPlan,
        chunk: &RawChunk,
        out: &mut ProfileBatch,
        positions: &mut Vec<RowPosition>,
        mut on_error: impl FnMut(RowPosition, &ByteRecord, ImportError) -> Result<(), ImportError>,
    ) -> Result<u64, ImportError> {
        let delimiter = plan.delimiter();
        let mut row = chunk.first_row;
        let bytes = &chunk.bytes[..];
        let mut this_line = chunk.first_line;
        let mut start = 0;
        // Lines by a vectorised search for line feeds; within a line, one
        // plain pass notes where each cell ends (cells are short, so this
        // beats a search per cell). The piece after the last line feed is
        // a line too (empty when the chunk ends with one).
        while start <= bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let line = &bytes[start..end];
            let line_start = start;
            start = end + 1;
            let position = RowPosition { line: this_line, row };
            this_line += 1;
            // A line of nothing but blanks and delimiters (and the empty
            // piece after a final line feed) is skipped, not counted.
            if line.iter().all(|&b| b.is_ascii_whitespace() || b == delimiter) {
                continue;
            }
            // Most lines of most files: straight into the batch (1.21x the
            // CPU time of `score` on target A without it; see fast.rs).
            if !self.skip_dense && plan.parse_dense_line(line, position.row, &mut self.scratch, out) {
                row += 1;
                positions.push(position);
                continue;
            }
            // Every byte writes the next slot and a delimiter keeps it: no
            // branch, and the count stays in a register. `ends` only grows.
            if self.ends.len() <= line.len() {
                self.ends.resize(line.len() + 1, 0);
            }
            let ends = &mut self.ends[..=line.len()];
            let mut cells = 0;
            for (at, &b) in line.iter().enumerate() {
                ends[cells] = at;
                cells += usize::from(b == delimiter);
            }
            ends[cells] = line.len();
            row += 1;
            let fields = SplitLine {
                line,
                ends: &ends[..=cells],
            };
            let parsed = plan.parse_into(&fields, position.line, position.row, &mut self.scratch, out);
            match parsed {
                Ok(()) => positions.push(position),
                Err(e) => {
                    let e = with_byte(e, line, chunk.first_byte + line_start as u64);
                    self.record.clear();
                    for i in 0..fields.count() {
                        self.record.push_field(fields.field(i).unwrap_or_default());
                    }
                    on_error(position, &self.record, e)?;
                }
            }
        }
        Ok(row - chunk.first_row)
    }

    /// [`ChunkParser::parse`] for a chunk with quotes: the csv reader.
    fn parse_quoted(
        &mut self,
        plan: &ColumnPlan,
        chunk: &RawChunk,
        out: &mut ProfileBatch,
        positions: &mut Vec<RowPosition>,
        mut on_error: impl FnMut(RowPosition, &ByteRecord, ImportError) -> Result<(), ImportError>,
    ) -> Result<u64, ImportError> {
        let bytes = &chunk.bytes[..];
        // The csv reader drops a byte order mark at the start of its input;
        // in a chunk those bytes are data (as everywhere after the header),
        // so the reader starts on an empty line, which it skips, and every
        // position it reports is one byte past ours. (Found by fuzzing.)
        let mut reader = csv_reader(io::Read::chain(&b"\n"[..], bytes), plan.delimiter());
        let at = |position: &csv::Position| (position.byte() as usize).saturating_sub(1);
        let mut row = chunk.first_row;
        // Lines are counted from the bytes: the record starts after the
        // empty lines the reader skips, at the line of its first byte.
        let (mut counted_to, mut line_feeds) = (0usize, 0u64);
        loop {
            let mut begin = at(reader.position());
            match reader.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => break,
                // A byte reader over a slice reports no errors.
                Err(e) => return Err(ImportError::io(plan.source(), io::Error::other(e.to_string()))),
            }
            if is_blank_record(&self.record) {
                continue;
            }
            while bytes.get(begin) == Some(&b'\n') {
                begin += 1;
            }
            line_feeds += memchr::memchr_iter(b'\n', &bytes[counted_to..begin]).count() as u64;
            counted_to = begin;
            let end = at(reader.position());
            let inside = memchr::memchr_iter(b'\n', self.record.as_slice()).count() as u64;
            let position = RowPosition {
                line: chunk.first_line + line_feeds,
                row,
            };
            row += 1;
            let raw = &bytes[begin.min(bytes.len())..end.min(bytes.len())];
            let parsed = if inside > 0 && unclosed_at_end(raw, end == bytes.len()) {
                Err(unclosed_quote(plan.source(), position.line))
            } else {
                plan.parse_into(&self.record, position.line, position.row, &mut self.scratch, out)
            };
            match parsed {
                Ok(()) => positions.push(position),
                Err(e) => {
                    let e = with_byte(e, raw, chunk.first_byte + begin as u64);
                    on_error(position, &self.record, e)?;
                }
            }
        }
        Ok(row - chunk.first_row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{builtin, ResponseReader};
    use proptest::prelude::*;

    /// Respondent ids and their values.
    type Rows = (Vec<String>, Vec<Vec<Option<f64>>>);

    /// Everything a run produces, to compare chunked with sequential reading.
    fn chunked(text: &str, target: usize) -> Result<(Rows, Vec<u64>), String> {
        let matrix = builtin::matrix();
        let survey = builtin::survey();
        let options = ResponseOptions::default();
        let mut chunks =
            ResponseChunks::new(text.as_bytes(), "t.csv", &matrix, Some(&survey), &options, target)
                .map_err(|e| e.to_string())?;
        let mut parser = ChunkParser::new();
        let (mut ids, mut values, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        let mut expected_row = 1;
        while let Some(chunk) = chunks.next_chunk(Vec::new()).map_err(|e| e.to_string())? {
            assert_eq!(chunk.first_row, expected_row);
            let mut batch = ProfileBatch::new(matrix.capabilities().len());
            let mut positions = Vec::new();
            let plan = chunks.plan().clone();
            let rows = parser
                .parse(&plan, &chunk, &mut batch, &mut positions, |_, _, e| Err(e))
                .map_err(|e| e.to_string())?;
            assert_eq!(rows, chunk.rows, "the cutter and the parser count the same rows");
            expected_row += rows;
            for i in 0..batch.len() {
                ids.push(batch.respondent(i).to_string());
                values.push(batch.profile(i).values);
            }
            lines.extend(positions.iter().map(|p| p.line));
        }
        Ok(((ids, values), lines))
    }

    fn sequential(text: &str) -> Result<Rows, String> {
        let matrix = builtin::matrix();
        let survey = builtin::survey();
        let reader = ResponseReader::new(
            text.as_bytes(),
            "t.csv",
            &matrix,
            Some(&survey),
            &ResponseOptions::default(),
        )
        .map_err(|e| e.to_string())?;
        let batch = reader.read_all().map_err(|e| e.to_string())?;
        Ok((
            batch.respondents().iter().map(|s| s.to_string()).collect(),
            (0..batch.len()).map(|i| batch.profile(i).values).collect(),
        ))
    }

    #[test]
    fn chunks_end_on_record_boundaries_and_count_lines_and_rows() {
        let text = "respondent,Q01,Q02\na,1,2\n\nb,3,4\n,,\nc,5,5";
        for target in [1, 3, 7, 100] {
            let ((ids, values), lines) = chunked(text, target).unwrap();
            assert_eq!(ids, ["a", "b", "c"], "target {target}");
            assert_eq!(lines, [2, 4, 6], "target {target}");
            assert_eq!((ids.clone(), values), sequential(text).unwrap());
        }
    }

    #[test]
    fn quoted_line_breaks_never_split_a_record() {
        let text = "respondent,Q01,Q02\n\"a\nb\",1,2\n\"c,\"\"d\"\"\",3,4\ne,5,5\n";
        for target in [1, 2, 5, 9, 1000] {
            let ((ids, _), lines) = chunked(text, target).unwrap();
            assert_eq!(ids, ["a\nb", "c,\"d\"", "e"], "target {target}");
            assert_eq!(lines, [2, 4, 5]);
        }
    }

    #[test]
    fn without_an_id_column_rows_are_numbered_across_chunks() {
        let text = "Q01,Q02\n1,2\n\n3,4\n,\n5,5\n";
        for target in [1, 4, 100] {
            let ((ids, _), _) = chunked(text, target).unwrap();
            assert_eq!(ids, ["1", "2", "3"]);
        }
    }

    #[test]
    fn errors_name_the_line_in_the_whole_file() {
        let text = "respondent,Q01\na,1\nb,2\nc,oops\n";
        for target in [1, 5, 100] {
            let err = chunked(text, target).unwrap_err();
            assert!(err.starts_with("t.csv:4: column 2 \"Q01\""), "{err}");
        }
    }

    #[test]
    fn rejected_rows_are_reported_and_skipped() {
        let matrix = builtin::matrix();
        let text = "respondent,Q01\na,1\nb,x\nc,3\n";
        let mut chunks = ResponseChunks::new(
            text.as_bytes(),
            "t.csv",
            &matrix,
            Some(&builtin::survey()),
            &ResponseOptions::default(),
            1 << 20,
        )
        .unwrap();
        let chunk = chunks.next_chunk(Vec::new()).unwrap().unwrap();
        let mut batch = ProfileBatch::new(matrix.capabilities().len());
        let (mut positions, mut rejected) = (Vec::new(), Vec::new());
        let plan = chunks.plan().clone();
        let rows = ChunkParser::new()
            .parse(&plan, &chunk, &mut batch, &mut positions, |p, record, e| {
                rejected.push((p.line, record.get(0).unwrap().to_vec(), e.to_string()));
                Ok(())
            })
            .unwrap();
        assert_eq!(rows, 3);
        assert_eq!(batch.respondents(), ["a", "c"]);
        assert_eq!(rejected.len(), 1);
        assert_eq!((rejected[0].0, &rejected[0].1[..]), (3, &b"b"[..]));
        assert!(chunks.next_chunk(Vec::new()).unwrap().is_none());
    }

    /// Regression (cargo fuzz, target `responses`): a chunk that starts
    /// with a byte order mark. The csv state machine drops a mark at the
    /// start of its input, so the cutter (and the parser of quoted chunks)
    /// saw one row fewer than the plain parser. A mark after the header is
    /// data everywhere.
    #[test]
    fn a_byte_order_mark_starting_a_quoted_chunk_is_data() {
        // A line of nothing but the mark is a row of one cell, not blank.
        let text = "respondent,Q01\n\u{feff}\n\"a\",4\n";
        for target in [1, 2, 100] {
            assert_eq!(
                chunked(text, target).unwrap_err(),
                sequential(text).unwrap_err(),
                "target {target}"
            );
        }
        let text = "respondent,Q01\n\u{feff},4\n\"a\",4\n";
        for target in [1, 2, 100] {
            assert_eq!(
                chunked(text, target).unwrap().0,
                sequential(text).unwrap(),
                "target {target}"
            );
        }
        // The fuzzer's input: the mark starts a quote-free chunk whose
        // buffer also holds a quote further on.
        let text = "q30\n\u{feff}\n\nq30\n\n\nq\n\"[\n*\n;FC";
        let matrix = builtin::matrix();
        let options = ResponseOptions {
            ignore_unknown_columns: true,
            ..Default::default()
        };
        let mut chunks = ResponseChunks::new(
            text.as_bytes(),
            "f",
            &matrix,
            Some(&builtin::survey()),
            &options,
            16,
        )
        .unwrap();
        let plan = chunks.plan().clone();
        let mut parser = ChunkParser::new();
        while let Some(chunk) = chunks.next_chunk(Vec::new()).unwrap() {
            let mut batch = ProfileBatch::new(matrix.capabilities().len());
            let rows = parser
                .parse(&plan, &chunk, &mut batch, &mut Vec::new(), |_, _, _| Ok(()))
                .unwrap();
            assert_eq!(rows, chunk.rows, "{:?}", String::from_utf8_lossy(&chunk.bytes));
        }
    }

    #[test]
    fn header_errors_are_the_same_as_the_sequential_readers() {
        for text in ["", "respondent,Nope\n", "respondent,Q01,q-01\n"] {
            assert_eq!(chunked(text, 10).unwrap_err(), sequential(text).unwrap_err());
        }
    }

    proptest! {
        /// However the input is cut, chunked reading gives what sequential
        /// reading gives.
        #[test]
        fn chunked_equals_sequential(
            rows in prop::collection::vec(
                (prop::sample::select(vec!["a", "b c", "\"q,\"\"x\"\"\"", "\"l\nm\"", ""]),
                 prop::collection::vec(prop::sample::select(vec!["1", "5", "", "Agree", " 3 "]), 3)),
                0..12),
            blank_lines in prop::collection::vec(any::<bool>(), 12),
            crlf in any::<bool>(),
            target in 1usize..64,
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("respondent,Q01,Q02,Q03{nl}");
            for (i, (id, cells)) in rows.iter().enumerate() {
                let id = if id.is_empty() { format!("r{i}") } else { (*id).to_string() };
                text.push_str(&format!("{id},{}{nl}", cells.join(",")));
                if blank_lines[i] {
                    text.push_str(nl);
                }
            }
            let ((ids, values), _) = chunked(&text, target).unwrap();
            prop_assert_eq!((ids, values), sequential(&text).unwrap());
        }
    }
}
