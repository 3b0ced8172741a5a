//! Text encodings other than UTF-8.
//!
//! rolefit reads UTF-8, and a byte sequence that is not UTF-8 is an error
//! naming its line, column and byte offset. Older spreadsheets save "CSV"
//! in Latin-1 (ISO 8859-1, or Windows-1252, which agrees with it on every
//! letter); [`Latin1`] decodes such input to UTF-8 on the fly so that every
//! importer reads it unchanged.
//!
//! Survey tools and spreadsheets hand out other kinds of files under a
//! `.csv` name, or files people take for CSV: [`text_input`] looks at the
//! first bytes of an input before any CSV is parsed, decodes UTF-16 with a
//! byte order mark (Excel's "Unicode text", some tools' TSV downloads) to
//! UTF-8, and refuses a binary file (an Excel workbook, gzip, Parquet,
//! UTF-16 without a byte order mark) with a message that names what it is,
//! never with the bytes themselves.

use std::io::{self, Cursor, Read};

use crate::error::{ErrorKind, ImportError};

/// How many bytes [`text_input`] looks at.
const SNIFF_BYTES: usize = 4096;

/// What the first bytes of an input say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// Text: UTF-8 (with or without a byte order mark), or another
    /// single-byte encoding.
    Text,
    /// UTF-16 with a byte order mark: little-endian (`FF FE`) or not.
    Utf16 {
        /// Little-endian (`FF FE`), as Windows writes it.
        little_endian: bool,
    },
    /// A zip file: an Excel workbook (`.xlsx`) when it is one.
    Zip,
    /// A binary file that is not text, by what it is, for messages:
    /// `a gzip-compressed file`.
    Binary(&'static str),
}

/// What `head`, the first bytes of an input, says it is.
pub fn sniff(head: &[u8]) -> Sniffed {
    match head {
        [0xFF, 0xFE, ..] => return Sniffed::Utf16 { little_endian: true },
        [0xFE, 0xFF, ..] => return Sniffed::Utf16 { little_endian: false },
        [b'P', b'K', 3, 4, ..] => return Sniffed::Zip,
        [0x1F, 0x8B, ..] => return Sniffed::Binary("a gzip-compressed file (.gz)"),
        [b'P', b'A', b'R', b'1', ..] => return Sniffed::Binary("a Parquet file"),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => return Sniffed::Binary("an old Excel workbook (.xls)"),
        [b'%', b'P', b'D', b'F', ..] => return Sniffed::Binary("a PDF document"),
        _ => {}
    }
    let pairs = head.len() / 2;
    if pairs >= 2 {
        // ASCII text in UTF-16 has a zero in every other byte.
        let even = head.chunks_exact(2).filter(|p| p[0] == 0 && p[1] != 0).count();
        let odd = head.chunks_exact(2).filter(|p| p[1] == 0 && p[0] != 0).count();
        if even * 4 >= pairs * 3 || odd * 4 >= pairs * 3 {
            return Sniffed::Binary("UTF-16 text without a byte order mark");
        }
    }
    Sniffed::Text
}

/// Decodes UTF-16 (after its byte order mark) to UTF-8 as it is read. An
/// unpaired surrogate becomes U+FFFD, which the CSV reader then shows as
/// it is in any cell.
#[derive(Debug)]
pub struct Utf16<R> {
    inner: R,
    little_endian: bool,
    /// Decoded bytes not handed out yet, from `start`.
    out: Vec<u8>,
    start: usize,
    /// A byte of a code unit whose other byte has not come yet.
    odd: Option<u8>,
    /// A high surrogate waiting for its low one.
    high: Option<u16>,
    done: bool,
}

impl<R: Read> Utf16<R> {
    /// Wraps a UTF-16 reader positioned after its byte order mark.
    pub fn new(inner: R, little_endian: bool) -> Self {
        Utf16 {
            inner,
            little_endian,
            out: Vec::new(),
            start: 0,
            odd: None,
            high: None,
            done: false,
        }
    }

    /// Decodes the next bytes of the input into `out`; false at its end.
    fn fill(&mut self) -> io::Result<bool> {
        let mut raw = [0u8; 8192];
        let got = loop {
            match self.inner.read(&mut raw) {
                Ok(got) => break got,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.out.clear();
        self.start = 0;
        if got == 0 {
            if self.high.take().is_some() || self.odd.take().is_some() {
                self.out.extend_from_slice("\u{FFFD}".as_bytes());
            }
            return Ok(!self.out.is_empty());
        }
        let mut bytes = raw[..got].iter().copied();
        loop {
            let (a, b) = match self.odd.take() {
                Some(a) => match bytes.next() {
                    Some(b) => (a, b),
                    None => {
                        self.odd = Some(a);
                        break;
                    }
                },
                None => match (bytes.next(), bytes.next()) {
                    (Some(a), Some(b)) => (a, b),
                    (Some(a), None) => {
                        self.odd = Some(a);
                        break;
                    }
                    _ => break,
                },
            };
            let unit = if self.little_endian {
                u16::from_le_bytes([a, b])
            } else {
                u16::from_be_bytes([a, b])
            };
            let c = match (self.high.take(), unit) {
                (Some(high), 0xDC00..=0xDFFF) => {
                    char::from_u32(0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00))
                }
                (high, 0xD800..=0xDBFF) => {
                    if high.is_some() {
                        self.push('\u{FFFD}');
                    }
                    self.high = Some(unit);
                    continue;
                }
                (high, unit) => {
                    if high.is_some() {
                        self.push('\u{FFFD}');
                    }
                    char::from_u32(u32::from(unit))
                }
            };
            self.push(c.unwrap_or('\u{FFFD}'));
        }
        Ok(true)
    }

    fn push(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.start == self.out.len() {
            if self.done || !self.fill()? {
                self.done = true;
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.start);
        buf[..n].copy_from_slice(&self.out[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

/// What [`text_input`] does with a workbook and with 8-bit text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Decode the text from Latin-1 (`--encoding latin1`).
    pub latin1: bool,
    /// What to do with an Excel workbook: `None` refuses it; `Some(sheet)`
    /// reads that sheet (by name; the first for an empty name) as CSV text.
    pub workbook_sheet: Option<String>,
    /// The most the workbook may unzip to, in MiB (0: the default).
    pub max_unzipped_mib: u64,
}

/// `reader` as UTF-8 text for the CSV readers: UTF-16 with a byte order
/// mark decoded, Latin-1 decoded with [`TextOptions::latin1`], a workbook
/// read as CSV text when [`TextOptions::workbook_sheet`] allows it.
///
/// # Errors
/// A binary file (gzip, Parquet, an old `.xls`, UTF-16 without a byte
/// order mark, a workbook where none is read), named for what it is; an
/// input that cannot be read; the errors of
/// [`workbook_csv`](crate::xlsx::workbook_csv).
pub fn text_input<R: Read + Send + 'static>(
    mut reader: R,
    source: &str,
    options: &TextOptions,
) -> Result<Box<dyn Read + Send + 'static>, ImportError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| ImportError::io(source, e))?;
    // Line ends of a lone CR (classic Mac, as Excel for Mac's "CSV
    // (Macintosh)" saves): the first bytes hold a CR and no LF.
    let cr_lines = head.contains(&b'\r') && !head.contains(&b'\n');
    let whole = Cursor::new(head.clone()).chain(reader);
    match sniff(&head) {
        Sniffed::Text if cr_lines && options.latin1 => Ok(Box::new(CrLines(Latin1::new(whole)))),
        Sniffed::Text if cr_lines => Ok(Box::new(CrLines(whole))),
        Sniffed::Text if options.latin1 => Ok(Box::new(Latin1::new(whole))),
        Sniffed::Text => Ok(Box::new(whole)),
        Sniffed::Utf16 { little_endian } => {
            let mut rest = whole;
            let mut bom = [0u8; 2];
            rest.read_exact(&mut bom)
                .map_err(|e| ImportError::io(source, e))?;
            Ok(Box::new(Utf16::new(rest, little_endian)))
        }
        Sniffed::Zip => match &options.workbook_sheet {
            Some(sheet) => {
                let mut bytes = Vec::new();
                let mut whole = whole;
                whole
                    .read_to_end(&mut bytes)
                    .map_err(|e| ImportError::io(source, e))?;
                let sheet = (!sheet.is_empty()).then_some(sheet.as_str());
                let csv =
                    crate::xlsx::workbook_csv(Cursor::new(bytes), source, sheet, options.max_unzipped_mib)?;
                Ok(Box::new(Cursor::new(csv)))
            }
            None => Err(not_text(source, "an Excel workbook (or another zip file)")),
        },
        Sniffed::Binary(what) => Err(not_text(source, what)),
    }
}

/// Text whose lines end in a lone CR, read with LF line ends (a CR inside
/// a quoted cell becomes an LF too, which is the same line break).
struct CrLines<R>(R);

impl<R: Read> Read for CrLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// The error for a binary file where text was expected.
fn not_text(source: &str, what: &str) -> ImportError {
    let expected = if what.starts_with("UTF-16") {
        "CSV text in UTF-8 (in a spreadsheet: save as \"CSV UTF-8\"), or UTF-16 with its byte order mark"
    } else if what.starts_with("a gzip") {
        "CSV text: decompress it first (gunzip FILE.gz)"
    } else if what.starts_with("an Excel") {
        "CSV text: save the sheet as \"CSV UTF-8\" (a workbook is read as responses or as a role matrix, \
         not as this input)"
    } else {
        "CSV text: export it as \"CSV UTF-8\""
    };
    ImportError::new(
        source,
        ErrorKind::Data {
            problem: format!("this is {what}, not CSV text"),
            expected: expected.to_string(),
        },
    )
}
/// Decodes Latin-1 bytes to UTF-8 as they are read: bytes below 0x80 pass
/// through, each other byte `b` becomes the two-byte UTF-8 form of the
/// character U+00`b`.
#[derive(Debug)]
pub struct Latin1<R> {
    inner: R,
    raw: Vec<u8>,
    pending: Option<u8>,
}

impl<R: Read> Latin1<R> {
    /// Wraps a Latin-1 reader.
    pub fn new(inner: R) -> Self {
        Latin1 {
            inner,
            raw: Vec::new(),
            pending: None,
        }
    }
}

impl<R: Read> Read for Latin1<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        if let Some(b) = self.pending.take() {
            buf[0] = b;
            n = 1;
        }
        if n == 1 {
            return Ok(1);
        }
        // Read at most half the room (every byte may become two), and at
        // least one byte (a two-byte character then leaves its second byte
        // pending for the next call).
        let want = (buf.len() / 2).max(1);
        self.raw.resize(want, 0);
        let got = loop {
            match self.inner.read(&mut self.raw[..want]) {
                Ok(got) => break got,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if buf.len() == 1 && got == 1 && self.raw[0] >= 0x80 {
            let b = self.raw[0];
            buf[0] = 0xC0 | (b >> 6);
            self.pending = Some(0x80 | (b & 0x3F));
            return Ok(1);
        }
        for &b in &self.raw[..got] {
            if b < 0x80 {
                buf[n] = b;
                n += 1;
            } else {
                buf[n] = 0xC0 | (b >> 6);
                buf[n + 1] = 0x80 | (b & 0x3F);
                n += 2;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_ending_in_a_lone_cr_are_read_as_lines() {
        let read = |bytes: &[u8], latin1: bool| {
            let options = TextOptions {
                latin1,
                ..TextOptions::default()
            };
            let mut out = String::new();
            text_input(Cursor::new(bytes.to_vec()), "mac.csv", &options)
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            out
        };
        assert_eq!(read(b"a,b\r1,2\r", false), "a,b\n1,2\n");
        assert_eq!(read(b"a,b\r1,\xe9\r", true), "a,b\n1,\u{e9}\n");
        // CRLF and LF files are left as they are.
        assert_eq!(read(b"a,b\r\n1,2\r\n", false), "a,b\r\n1,2\r\n");
    }

    use super::*;

    fn decode(bytes: &[u8]) -> String {
        let mut out = String::new();
        Latin1::new(bytes).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn decodes_latin1_to_utf8() {
        assert_eq!(decode(b"Jos\xe9,M\xfcller,\xa3 5"), "José,Müller,£ 5");
        assert_eq!(decode(b"plain ascii\n"), "plain ascii\n");
        assert_eq!(decode(b""), "");
    }

    fn text(bytes: &[u8], options: &TextOptions) -> Result<String, String> {
        let mut out = String::new();
        text_input(Cursor::new(bytes.to_vec()), "in.csv", options)
            .map_err(|e| e.to_string())?
            .read_to_string(&mut out)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        let mut out = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            out.extend(if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let sample = "id\tQ1\nJosé,4 😀\n";
        for little_endian in [true, false] {
            let bytes = utf16(sample, little_endian);
            assert_eq!(text(&bytes, &TextOptions::default()).unwrap(), sample);
            // One byte at a time: code units and surrogates split across reads.
            let mut r = Utf16::new(&bytes[2..], little_endian);
            let mut out = Vec::new();
            let mut buf = [0u8; 1];
            while r.read(&mut buf).unwrap() == 1 {
                out.push(buf[0]);
            }
            assert_eq!(String::from_utf8(out).unwrap(), sample);
        }
        // An unpaired surrogate and an odd last byte become U+FFFD.
        let mut bytes = vec![0xFF, 0xFE, 0x00, 0xD8, b'a', 0, b'b'];
        assert_eq!(
            text(&bytes, &TextOptions::default()).unwrap(),
            "\u{FFFD}a\u{FFFD}"
        );
        bytes.truncate(2);
        assert_eq!(text(&bytes, &TextOptions::default()).unwrap(), "");
    }

    #[test]
    fn binary_files_are_named_never_shown() {
        let err = |bytes: &[u8]| text(bytes, &TextOptions::default()).unwrap_err();
        let utf16_no_bom: Vec<u8> = "respondent,Q1\nr1,4\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            err(&utf16_no_bom),
            "in.csv: this is UTF-16 text without a byte order mark, not CSV text; expected CSV text in UTF-8 (in a \
             spreadsheet: save as \"CSV UTF-8\"), or UTF-16 with its byte order mark"
        );
        assert!(err(b"\x1f\x8b\x08\x00\x00").contains("this is a gzip-compressed file (.gz), not CSV text"));
        assert!(err(b"PAR1\x15\x04").contains("this is a Parquet file, not CSV text"));
        assert!(err(b"PK\x03\x04\x14\x00")
            .contains("this is an Excel workbook (or another zip file), not CSV text"));
        assert!(err(b"\xd0\xcf\x11\xe0").contains("an old Excel workbook (.xls)"));
        // A stray zero byte in a cell is the CSV readers' business.
        assert_eq!(
            text(b"a,b\n\x00\x01,c\n", &TextOptions::default()).unwrap(),
            "a,b\n\x00\x01,c\n"
        );
        // Text passes through whole, Latin-1 decoded when asked.
        let latin1 = TextOptions {
            latin1: true,
            ..TextOptions::default()
        };
        assert_eq!(text(b"a,b\nJos\xe9,1\n", &latin1).unwrap(), "a,b\nJosé,1\n");
        assert_eq!(
            text(b"\xEF\xBB\xBFa\n", &TextOptions::default()).unwrap(),
            "\u{FEFF}a\n"
        );
        assert_eq!(text(b"", &TextOptions::default()).unwrap(), "");
    }

    #[test]
    fn works_with_tiny_buffers() {
        let mut r = Latin1::new(&b"\xe9a\xe9"[..]);
        let mut out = Vec::new();
        let mut buf = [0u8; 1];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), "éaé");
    }
}
