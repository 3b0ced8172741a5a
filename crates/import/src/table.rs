//! Shared CSV handling: one way to open, sniff and read every input.
//!
//! Every importer reads its input through [`Table`], so every format accepts
//! the same things and reports problems the same way:
//!
//! - The delimiter is sniffed from the header line: comma, tab or semicolon,
//!   whichever occurs most often outside double quotes (comma on a tie or
//!   when there is none). Spreadsheets in many locales save "CSV" with
//!   semicolons, and tab-separated text is what a copy from a spreadsheet
//!   gives, so guessing beats a flag nobody remembers to pass.
//! - A UTF-8 byte order mark is skipped, CRLF and LF line ends both work,
//!   and lines that are blank (or rows whose every cell is blank, which
//!   spreadsheets like to leave at the end) are skipped.
//! - Header cells are trimmed; an empty header cell, or two header cells
//!   with the same [`match_key`], is an error naming the columns.
//! - Rows are read as [`csv::ByteRecord`]s into one reused buffer, and each
//!   cell is checked for UTF-8 only when it is used, so a bad byte is
//!   reported with its line and column, and streaming a large file costs no
//!   allocation per row.
//!
//! Line numbers come from the csv reader's position *after* a record (which
//! counts every line feed it consumed), minus the line feeds inside the
//! record and its terminator. The position csv attaches to a record is where
//! the reader *started* looking for it, which lies before skipped blank
//! lines and, with CRLF line ends, before the `\n` of the previous line; the
//! end position has neither problem. The reader treats `\n` as the only
//! record terminator, so a `\r` before it is part of the last cell and is
//! trimmed with the rest of its white space.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

use csv::ByteRecord;
use rolefit_model::{first_few_of, match_key};

use crate::error::{ErrorKind, ImportError};
use crate::rows::Rows;

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The candidate delimiters, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// The bytes handed to the csv reader: the header line already read for
/// sniffing, then the rest of the input.
type Input<R> = Counting<Chain<Cursor<Vec<u8>>, BufReader<R>>>;

/// Counts the bytes passed on and remembers whether the end was reached and
/// what the last byte was, so that the line of the last record can be told
/// apart from a record followed by a line feed.
pub(crate) struct Counting<R> {
    inner: R,
    total: u64,
    eof: bool,
    last: Option<u8>,
    /// Bytes since the last line feed: a line longer than
    /// [`crate::limits::MAX_RECORD_BYTES`] is refused before the csv reader
    /// tries to hold it.
    since_line_feed: usize,
}

impl<R> Counting<R> {
    /// Counts the bytes of `inner`, none yet.
    fn new(inner: R) -> Self {
        Counting {
            inner,
            total: 0,
            eof: false,
            last: None,
            since_line_feed: 0,
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if !buf.is_empty() {
                self.eof = true;
            }
        } else {
            self.total += n as u64;
            self.last = buf.get(n - 1).copied();
            self.since_line_feed = match memchr::memrchr(b'\n', &buf[..n]) {
                Some(at) => n - at - 1,
                None => self.since_line_feed + n,
            };
            if self.since_line_feed > crate::limits::MAX_RECORD_BYTES {
                return Err(line_too_long());
            }
        }
        Ok(n)
    }
}

/// The error for a line longer than [`crate::limits::MAX_RECORD_BYTES`].
fn line_too_long() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "a line is too large: more than 64 MiB without a line break; expected lines of at most 64 MiB \
         (is this a CSV file?)",
    )
}

/// An open CSV input whose header has been read.
pub(crate) struct Table<R: Read> {
    source: String,
    reader: csv::Reader<Input<R>>,
    header: Vec<String>,
    header_line: u64,
    /// Added to every line the csv reader reports: a table resumed after
    /// the header starts counting there.
    line_offset: u64,
}

/// Makes the csv reader every importer uses: no automatic header handling
/// (the header is read as the first record so that its line and bytes are
/// checked like any other), rows of any length (checked by us, to report
/// both counts and the line), and `\n` as the only record terminator.
pub(crate) fn csv_reader<R: Read>(input: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(input)
}

/// Picks the delimiter of a header line: the most frequent of comma, tab
/// and semicolon outside double quotes; comma on a tie or when none occurs.
pub(crate) fn sniff_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..DELIMITERS.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// Whether every byte of `line` is white space (a line to skip before the
/// header).
fn is_blank_line(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_ok_and(|s| s.trim().is_empty())
}

/// Reads the input up to and including the first line that is not blank
/// (a line ending inside double quotes continues on the next one). Returns
/// every byte read, without a leading byte order mark, and the range of the
/// header line in it; `None` for the range if the input holds nothing but
/// white space.
pub(crate) fn read_first_line<R: BufRead>(
    input: &mut R,
) -> io::Result<(Vec<u8>, Option<std::ops::Range<usize>>)> {
    let mut bytes = Vec::new();
    let range = append_first_line(input, &mut bytes, true)?;
    Ok((bytes, range))
}

/// [`read_first_line`], appending to `bytes`; a byte order mark is dropped
/// only `at_start` of the input. The range is that of the line in `bytes`.
pub(crate) fn append_first_line<R: BufRead>(
    input: &mut R,
    bytes: &mut Vec<u8>,
    at_start: bool,
) -> io::Result<Option<std::ops::Range<usize>>> {
    let begin = bytes.len();
    let mut first = at_start;
    loop {
        let start = bytes.len();
        let mut quotes = 0usize;
        loop {
            let before = bytes.len();
            let room = (crate::limits::MAX_RECORD_BYTES + 1).saturating_sub(before - begin) as u64;
            let n = input.by_ref().take(room).read_until(b'\n', bytes)?;
            if bytes.len() - begin > crate::limits::MAX_RECORD_BYTES {
                return Err(line_too_long());
            }
            if first && bytes[begin..].starts_with(BOM) {
                bytes.drain(begin..begin + BOM.len());
            }
            first = false;
            quotes += bytes[before.min(bytes.len())..]
                .iter()
                .filter(|&&b| b == b'"')
                .count();
            if n == 0 || quotes.is_multiple_of(2) {
                break;
            }
        }
        if start == bytes.len() {
            return Ok(None);
        }
        if !is_blank_line(&bytes[start..]) {
            return Ok(Some(start..bytes.len()));
        }
    }
}

/// Whether every cell of a record is empty or white space.
pub(crate) fn is_blank_record(record: &ByteRecord) -> bool {
    record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace))
}

/// The cells of one row, however the row was split.
pub(crate) trait Fields {
    /// How many cells the row has.
    fn count(&self) -> usize;
    /// Cell `index`, if the row has it.
    fn field(&self, index: usize) -> Option<&[u8]>;
    /// The bytes of all cells together (at least).
    fn total_len(&self) -> usize;

    /// Cell `index` as a number, when it is one that needs no further
    /// checks of its text: a short plain decimal (or a typed number).
    #[inline(always)]
    fn number(&self, index: usize) -> Option<f64> {
        crate::responses::plain_decimal(self.field(index).unwrap_or_default())
    }

    /// The text of cell `index` when the row does not hold it as text (a
    /// typed number), for messages; `None` for cells of text.
    fn owned_text(&self, _index: usize) -> Option<std::borrow::Cow<'_, str>> {
        None
    }

    /// Refuses a cell over [`crate::limits::MAX_FIELD_BYTES`], looking at
    /// the cells only when the whole row is that long.
    fn check_sizes(&self, header: &[String], source: &str, line: u64) -> Result<(), ImportError> {
        if self.total_len() <= crate::limits::MAX_FIELD_BYTES {
            return Ok(());
        }
        let cells = (0..self.count()).map(|i| (i, self.field(i).unwrap_or_default()));
        crate::limits::check_fields(cells, header, source, line)
    }
}

impl Fields for ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }

    fn total_len(&self) -> usize {
        self.as_slice().len()
    }

    fn field(&self, index: usize) -> Option<&[u8]> {
        self.get(index)
    }
}

/// A line of input without quotes, split at the delimiter: cell `i` ends
/// at `ends[i]` and starts after the previous cell's end (and its
/// delimiter). The fast path for chunks without a double quote, where
/// every delimiter separates cells and every line feed ends a record.
pub(crate) struct SplitLine<'a> {
    /// The line, without its line feed.
    pub line: &'a [u8],
    /// The end offset of each cell in `line`.
    pub ends: &'a [usize],
}

impl Fields for SplitLine<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn total_len(&self) -> usize {
        self.line.len()
    }

    fn field(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] + 1 };
        Some(&self.line[start..end])
    }
}

/// The trimmed text of cell `index` of `record` (empty if the record is
/// shorter), or an error naming the line and column if it is not UTF-8.
pub(crate) fn cell<'r, F: Fields + ?Sized>(
    record: &'r F,
    index: usize,
    source: &str,
    column: &str,
    line: u64,
) -> Result<&'r str, ImportError> {
    let bytes = record.field(index).unwrap_or_default();
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.trim()),
        Err(e) => Err(ImportError::new(
            source,
            ErrorKind::Utf8 {
                valid_up_to: e.valid_up_to(),
            },
        )
        .at_line(line)
        .at_column(index, column)
        .with_value(&String::from_utf8_lossy(bytes))),
    }
}

/// Parses a trimmed cell as a finite number. The error is the problem, as
/// a predicate of the cell: Rust parses `NaN`, `inf` and `1e999` (as
/// infinity), none of which is a level or an answer.
pub(crate) fn parse_number(text: &str) -> Result<f64, &'static str> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err("is not a finite number"),
        Err(_) => Err("is not a number"),
    }
}

/// A number as people write it: `3`, not `3.0`.
pub(crate) fn number(value: f64) -> String {
    format!("{value}")
}

impl<R: Read> Table<R> {
    /// Opens `reader`, sniffs the delimiter and reads the header. `expected`
    /// describes a good header for the error on empty input.
    pub(crate) fn open(reader: R, source: &str, expected: &str) -> Result<Self, ImportError> {
        let mut table = Table::start(reader, source, expected)?;
        let mut record = ByteRecord::new();
        let line = loop {
            if !table.next_raw(&mut record)? {
                // Only possible if the sniffed line was not a record after all.
                return Err(ImportError::new(
                    source,
                    ErrorKind::Empty {
                        expected: expected.to_string(),
                    },
                ));
            }
            let line = table.line_of(&record);
            if !is_blank_record(&record) {
                break line;
            }
        };
        table.header_line = line;
        let mut header = Vec::with_capacity(record.len());
        for i in 0..record.len() {
            let lossy = String::from_utf8_lossy(record.get(i).unwrap_or_default())
                .trim()
                .to_string();
            header.push(cell(&record, i, source, &lossy, line)?.to_string());
        }
        crate::limits::check_columns(header.len(), source, line)?;
        check_header(&header, source, line, HEADER_CELLS)?;
        table.header = header;
        Ok(table)
    }

    /// Opens `reader` and sniffs the delimiter, reading no record: a table
    /// without a header (every record is data; an empty header names no
    /// column), for files whose first line may or may not be a header.
    /// `expected` describes a good first line for the error on empty input.
    pub(crate) fn start(reader: R, source: &str, expected: &str) -> Result<Self, ImportError> {
        let mut buffered = BufReader::new(reader);
        let (prefix, header_range) =
            read_first_line(&mut buffered).map_err(|e| ImportError::io(source, e))?;
        let Some(range) = header_range else {
            return Err(ImportError::new(
                source,
                ErrorKind::Empty {
                    expected: expected.to_string(),
                },
            ));
        };
        let delimiter = sniff_delimiter(&prefix[range]);
        let input = Counting::new(Cursor::new(prefix).chain(buffered));
        Ok(Table {
            source: source.to_string(),
            reader: csv_reader(input, delimiter),
            header: Vec::new(),
            header_line: 1,
            line_offset: 0,
        })
    }

    /// A table over the data rows of a file whose header was read
    /// elsewhere: `rest` (the bytes read past the header, which start on
    /// line `first_line`), then the rest of `input`. Rows are checked
    /// against `header`.
    pub(crate) fn resume(
        rest: Vec<u8>,
        input: BufReader<R>,
        source: &str,
        delimiter: u8,
        header: Vec<String>,
        first_line: u64,
    ) -> Self {
        // The csv reader drops a byte order mark at the start of its input;
        // after the header such bytes are data, so it starts on an empty
        // line (which it skips), and counts one line more.
        let mut lead = Vec::with_capacity(rest.len() + 1);
        lead.push(b'\n');
        lead.extend_from_slice(&rest);
        let input = Counting::new(Cursor::new(lead).chain(input));
        Table {
            source: source.to_string(),
            reader: csv_reader(input, delimiter),
            header,
            header_line: first_line.saturating_sub(1).max(1),
            line_offset: first_line.saturating_sub(2),
        }
    }

    /// The source name errors use.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// The trimmed header cells.
    pub(crate) fn header(&self) -> &[String] {
        &self.header
    }

    /// The line the header is on.
    pub(crate) fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Reads the next record that is not blank into `record` and returns
    /// its line, or `None` at the end. Without `check_length`, rows of the
    /// wrong length are passed on for the caller to refuse.
    pub(crate) fn next(
        &mut self,
        record: &mut ByteRecord,
        check_length: bool,
    ) -> Result<Option<u64>, ImportError> {
        loop {
            if !self.next_raw(record)? {
                return Ok(None);
            }
            let line = self.line_of(record);
            if is_blank_record(record) {
                continue;
            }
            record.check_sizes(&self.header, &self.source, line)?;
            if check_length {
                check_length_of(record, self.header.len(), &self.source, line)?;
            }
            return Ok(Some(line));
        }
    }

    /// Reads one record, blank or not.
    fn next_raw(&mut self, record: &mut ByteRecord) -> Result<bool, ImportError> {
        self.reader.read_byte_record(record).map_err(|e| {
            let text = e.to_string();
            match e.into_kind() {
                csv::ErrorKind::Io(err) => ImportError::io(&self.source, err),
                // Not produced by a flexible byte reader, but never panic.
                _ => ImportError::io(&self.source, io::Error::other(text)),
            }
        })
    }

    /// The 1-based line `record` (just read) starts on. See the module docs.
    fn line_of(&self, record: &ByteRecord) -> u64 {
        let end = self.reader.position();
        let input = self.reader.get_ref();
        let unterminated = input.eof && end.byte() == input.total && input.last != Some(b'\n');
        let inside = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
        end.line()
            .saturating_sub(inside)
            .saturating_sub(u64::from(!unterminated))
            .max(1)
            + self.line_offset
    }
}

/// Finds the columns of a file whose columns are known by name (in any
/// order): the index of each of `required` then each of `optional`, or an
/// error naming the missing required columns, or the columns that are
/// neither (with suggestions).
pub(crate) fn named_columns<R: Read>(
    table: &Table<R>,
    required: &[&str],
    optional: &[&str],
) -> Result<Vec<Option<usize>>, ImportError> {
    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
    let expected = if optional.is_empty() {
        format!("a header with the columns {} (in any order)", required.join(", "))
    } else {
        format!(
            "a header with the columns {} and optionally {} (in any order)",
            required.join(", "),
            optional.join(", ")
        )
    };
    let found: Vec<Option<usize>> = all.iter().map(|name| table.find(&match_key(name))).collect();
    let missing: Vec<String> = required
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    let unknown: Vec<usize> = (0..table.header().len())
        .filter(|i| !found.contains(&Some(*i)))
        .collect();
    // The first few, with suggestions; the rest are counted.
    let listed = || {
        let shown = unknown.iter().map(|&i| {
            let name = table.name(i);
            let hint = crate::suggest::suggest(name, all.iter().copied());
            let hint = if hint.is_empty() {
                String::new()
            } else {
                format!(" (did you mean `{}`?)", hint.join("` or `"))
            };
            format!("column {} {}{hint}", i + 1, crate::error::shown(name))
        });
        first_few_of(shown, unknown.len(), ", ")
    };
    let problem = match (missing.is_empty(), unknown.is_empty()) {
        (true, true) => return Ok(found),
        (false, true) => format!("the header has no {} column", missing.join(" or ")),
        (true, false) => format!("the header has unexpected columns: {}", listed()),
        (false, false) => format!(
            "the header has no {} column, and unexpected columns: {}",
            missing.join(" or "),
            listed()
        ),
    };
    Err(ImportError::header(table.source(), problem, expected).at_line(table.header_line()))
}

/// Refuses a record whose length differs from the header's.
pub(crate) fn check_length_of<F: Fields + ?Sized>(
    record: &F,
    expected: usize,
    source: &str,
    line: u64,
) -> Result<(), ImportError> {
    if record.count() == expected {
        return Ok(());
    }
    Err(ImportError::new(
        source,
        ErrorKind::RaggedRow {
            found: record.count(),
            expected,
        },
    )
    .at_line(line))
}

/// What a CSV header needs in each cell, for [`check_header`].
pub(crate) const HEADER_CELLS: &str =
    "a name in every header cell (a delimiter at the end of the header line makes an empty column)";

/// Refuses empty header cells (expecting `expected_name` instead: CSV and
/// sheet headers say what makes a cell empty differently) and two cells
/// with the same loose key; linear in the header, however wide.
pub(crate) fn check_header(
    header: &[String],
    source: &str,
    line: u64,
    expected_name: &str,
) -> Result<(), ImportError> {
    check_empty_cells(header, source, line, expected_name)?;
    match duplicate_columns(header).first() {
        Some(&(first, i)) => Err(duplicate_column(header, first, i, source, line)),
        None => Ok(()),
    }
}

/// Refuses an empty header cell.
pub(crate) fn check_empty_cells(
    header: &[String],
    source: &str,
    line: u64,
    expected_name: &str,
) -> Result<(), ImportError> {
    match header.iter().position(String::is_empty) {
        Some(i) => Err(
            ImportError::header(source, "the header cell is empty", expected_name)
                .at_line(line)
                .at_column(i, ""),
        ),
        None => Ok(()),
    }
}

/// Every pair of header cells whose names match loosely, as (first
/// 0-based index, later index), in header order.
pub(crate) fn duplicate_columns(header: &[String]) -> Vec<(usize, usize)> {
    let mut first: HashMap<String, usize> = HashMap::with_capacity(header.len());
    let mut pairs = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let key = match_key(name);
        if key.is_empty() {
            continue;
        }
        match first.get(&key) {
            Some(&f) => pairs.push((f, i)),
            None => {
                first.insert(key, i);
            }
        }
    }
    pairs
}

/// The error for header cell `i` named like the earlier cell `first`.
pub(crate) fn duplicate_column(
    header: &[String],
    first: usize,
    i: usize,
    source: &str,
    line: u64,
) -> ImportError {
    ImportError::new(
        source,
        ErrorKind::DuplicateColumn {
            first_index: first + 1,
            first_name: header[first].clone(),
        },
    )
    .at_line(line)
    .at_column(i, &header[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Result<Table<&[u8]>, ImportError> {
        Table::open(text.as_bytes(), "t.csv", "a header row")
    }

    /// Every non-blank row as (line, trimmed cells).
    fn rows(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut t = open(text).unwrap();
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        while let Some(line) = t.next(&mut rec, true).unwrap() {
            let cells = (0..rec.len())
                .map(|i| t.cell(&rec, i, line).unwrap().to_string())
                .collect();
            out.push((line, cells));
        }
        out
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sniffs_comma_tab_and_semicolon() {
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"\"a;b;c\",d"), b',');
        assert_eq!(sniff_delimiter(b"a;b,c"), b',');
        assert_eq!(sniff_delimiter(b"single"), b',');
        assert_eq!(sniff_delimiter(b"x, y;z;w"), b';');
        for (text, delim) in [
            ("a\tb\n1\t2\n", b'\t'),
            ("a;b\n1;2\n", b';'),
            ("a,b\n1,2\n", b','),
        ] {
            let t = open(text).unwrap();
            assert_eq!(sniff_delimiter(text.lines().next().unwrap().as_bytes()), delim);
            assert_eq!(t.header(), ["a", "b"]);
        }
        assert_eq!(rows("a;b\n\"1;5\";2\n"), [(2, cells(&["1;5", "2"]))]);
    }

    #[test]
    fn skips_bom_trims_header_and_accepts_crlf() {
        let t = open("\u{feff} id \t Name \r\n1\tx\r\n").unwrap();
        assert_eq!(t.header(), ["id", "Name"]);
        assert_eq!(
            rows("\u{feff}a,b\r\n1,2\r\n3,\"4\"\r\n\r\n5,6"),
            [
                (2, cells(&["1", "2"])),
                (3, cells(&["3", "4"])),
                (5, cells(&["5", "6"]))
            ]
        );
    }

    #[test]
    fn line_numbers_survive_quoted_newlines_and_blank_lines() {
        let text = "\n  \na,b\n1,\"x\ny\"\n\n\n2,\"p\r\nq\r\nr\"\r\n,\n3,4";
        assert_eq!(open(text).unwrap().header_line(), 3);
        assert_eq!(
            rows(text),
            [
                (4, cells(&["1", "x\ny"])),
                (8, cells(&["2", "p\r\nq\r\nr"])),
                (12, cells(&["3", "4"]))
            ]
        );
        assert_eq!(rows("a,b\n1,2\n\n"), [(2, cells(&["1", "2"]))]);
        assert_eq!(rows("\"a\nb\",c\n1,2\n")[0].0, 3);
    }

    #[test]
    fn empty_inputs_are_refused() {
        for text in ["", "\u{feff}", "  \n\t\r\n", "\n\n"] {
            let err = open(text).err().unwrap();
            assert_eq!(
                err.to_string(),
                "t.csv: is empty; expected a header row",
                "{text:?}"
            );
        }
    }

    #[test]
    fn header_problems_name_the_columns() {
        let err = open("a,b,\n").err().unwrap();
        assert_eq!(err.column(), Some((3, "")));
        assert!(err
            .to_string()
            .starts_with("t.csv:1: column 3 \"\": the header cell is empty; expected"));
        let err = open("\nRisk Management,x,risk-management\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv:2: column 3 \"risk-management\": has the same name as column 1 \"Risk Management\" \
             (case, spaces and punctuation are ignored when matching names); expected each column once"
        );
        let t = open("%,!\n").unwrap();
        assert_eq!(t.header(), ["%", "!"]);
    }

    #[test]
    fn ragged_rows_report_line_and_counts() {
        let mut t = open("a,b,c\n1,2,3\n\"4\n\",5\n").unwrap();
        let mut rec = ByteRecord::new();
        assert_eq!(t.next(&mut rec, true).unwrap(), Some(2));
        let err = t.next(&mut rec, true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:3: the row has 2 fields but the header has 3 columns; expected one field per header column \
             (put a field that contains the delimiter or a line break in double quotes)"
        );
        let mut t = open("a\n1,2\n").unwrap();
        assert_eq!(t.next(&mut rec, false).unwrap(), Some(2));
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let mut t = Table::open(&b"a,b\n1,caf\xe9\n"[..], "t.csv", "x").unwrap();
        let mut rec = ByteRecord::new();
        let line = t.next(&mut rec, true).unwrap().unwrap();
        let err = t.cell(&rec, 1, line).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "t.csv:2: column 2 \"b\": \"caf\u{fffd}\" is not valid UTF-8 text (the first bad byte follows 3 valid bytes"
            ),
            "{err}"
        );
        let err = Table::open(&b"a,\xff\n"[..], "t.csv", "x").err().unwrap();
        assert_eq!(err.line(), Some(1));
        assert_eq!(err.column().map(|c| c.0), Some(2));
    }

    #[test]
    fn io_errors_are_wrapped() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::PermissionDenied, "denied"))
            }
        }
        let err = Table::open(Failing, "f.csv", "x").err().unwrap();
        assert!(err.is_io());
        assert_eq!(err.to_string(), "f.csv: cannot be read: denied");
    }

    #[test]
    fn named_columns_are_found_in_any_order() {
        let t = open("Capability, ID ,text\n").unwrap();
        assert_eq!(
            named_columns(&t, &["id", "text", "capability"], &["reverse"]).unwrap(),
            [Some(1), Some(2), Some(0), None]
        );
        let t = open("id,revers,notes\n").unwrap();
        let err = named_columns(&t, &["id", "capability"], &["reverse"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:1: the header has no `capability` column, and unexpected columns: column 2 \"revers\" \
             (did you mean `reverse`?), column 3 \"notes\"; expected a header with the columns id, capability \
             and optionally reverse (in any order)"
        );
        let t = open("id\n").unwrap();
        let err = named_columns(&t, &["id", "text"], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:1: the header has no `text` column; expected a header with the columns id, text (in any order)"
        );
        let t = open("id,x\n").unwrap();
        let err = named_columns(&t, &["id"], &[]).unwrap_err();
        assert!(err
            .to_string()
            .contains("the header has unexpected columns: column 2 \"x\";"));
    }

    #[test]
    fn parses_finite_numbers_only() {
        assert_eq!(parse_number("3.5"), Ok(3.5));
        assert_eq!(parse_number("-2"), Ok(-2.0));
        for bad in ["NaN", "nan", "inf", "-infinity", "1e999"] {
            assert_eq!(parse_number(bad), Err("is not a finite number"), "{bad}");
        }
        for bad in ["", "x", "3,5", "1..2"] {
            assert_eq!(parse_number(bad), Err("is not a number"), "{bad}");
        }
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
    }
}
