//! The bytes of CSV output, fast: fields, pieces and fixed-point
//! numbers.
//!
//! Self-contained (it uses nothing of the CLI), so that
//! `benches/fast_paths.rs` includes this very file and measures each fast
//! path against its simpler path.

/// Bytes of output appended over and over (a role's field, a rank).
///
/// These used to be kept padded to 32 bytes, so that appending one was a
/// fixed-size copy and a truncation rather than a `memcpy` call for a few
/// bytes. Measured alone that was 1.06x to 1.25x faster on target A's
/// rows; but rendering rows is 13% of `score`'s instructions end to end
/// (callgrind, 100,000 x 30 x 12, top 3, one thread: 90.3 M of 693.2 M),
/// so it saved at most 13% x 0.25 = 3.3% of the run, under the 5% a fast path must
/// save to stay (docs/performance.md, "Fast paths"). Removed on
/// 2026-12-07 (fifth session); pieces are copied as they are.
#[derive(Debug, Clone)]
pub struct Piece {
    text: Vec<u8>,
}

impl Piece {
    /// The piece `text`.
    pub fn new(text: Vec<u8>) -> Self {
        Piece { text }
    }

    /// Appends the text to `out`.
    #[inline]
    pub fn push_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.text);
    }
}

/// Appends `text` as one CSV field, quoted (with quotes doubled) when it
/// holds a comma, a quote or a line break, as RFC 4180 asks.
pub fn csv_field(out: &mut Vec<u8>, text: &str) {
    if !text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.push(b'"');
    for b in text.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Appends `value` with exactly six decimals (rounded half away from zero
/// at the sixth), by `itoa` for a moderate finite value and by `format!`
/// otherwise.
///
/// A short form for one digit before the point (the eight bytes written at
/// once, the decimals two at a time from a table of digit pairs) was 1.6x
/// to 1.9x faster than this alone but saved only 2.5% to 3.4% of `score`'s
/// end-to-end time on target A (docs/performance.md, "Fast paths: only the
/// ones that pay"), under the 5% a fast path must save: removed on
/// 2026-12-08.
pub fn push_fixed6(out: &mut Vec<u8>, value: f64) {
    if !(value.is_finite() && value.abs() < 1e12) {
        out.extend_from_slice(format!("{value:.6}").as_bytes());
        return;
    }
    let scaled = rolefit_score::round_half_away(value.abs() * 1e6) as u64;
    if value < 0.0 && scaled != 0 {
        out.push(b'-');
    }
    push_micros(out, scaled);
}

/// Appends `scaled` millionths as a number with six decimals, by `itoa`.
fn push_micros(out: &mut Vec<u8>, scaled: u64) {
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(digits.format(scaled / 1_000_000).as_bytes());
    out.push(b'.');
    let frac = digits.format(scaled % 1_000_000).as_bytes();
    out.extend(std::iter::repeat_n(b'0', 6 - frac.len()));
    out.extend_from_slice(frac);
}
