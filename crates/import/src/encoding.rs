//! Text encodings other than UTF-8.
//!
//! rolefit reads UTF-8, and a byte sequence that is not UTF-8 is an error
//! naming its line, column and byte offset. Older spreadsheets save "CSV"
//! in Latin-1 (ISO 8859-1, or Windows-1252, which agrees with it on every
//! letter); [`Latin1`] decodes such input to UTF-8 on the fly so that every
//! importer reads it unchanged.

use std::io::{self, Read};

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
