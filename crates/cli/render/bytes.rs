//! The bytes of CSV output, fast: fields, padded pieces and fixed-point
//! numbers.
//!
//! Self-contained (it uses nothing of the CLI), so that
//! `benches/fast_paths.rs` includes this very file and measures each fast
//! path against its simpler path.

/// The size short pieces of output are padded to.
pub const PIECE: usize = 32;

/// Bytes of output appended over and over (a role's field, a rank), kept
/// padded to [`PIECE`] bytes when short: appending one is then a copy of
/// a fixed size and a truncation, a few moves, rather than a call to
/// `memcpy` for a handful of bytes (three rows per respondent make that a
/// measurable share of the time).
#[derive(Debug, Clone)]
pub struct Piece {
    text: Vec<u8>,
    padded: Option<[u8; PIECE]>,
}

impl Piece {
    /// `text`, padded when it is short.
    pub fn new(text: Vec<u8>) -> Self {
        let padded = (text.len() <= PIECE).then(|| {
            let mut padded = [0; PIECE];
            padded[..text.len()].copy_from_slice(&text);
            padded
        });
        Piece { text, padded }
    }

    /// Appends the text to `out`: the padded copy and a truncation when
    /// it is short.
    // Measured alone (`cargo bench --bench pipeline -- fast_paths_render`,
    // 2026-12-07, a loaded 2-core machine): target A's CSV rows 1.06x to
    // 1.25x faster than with `push_plain`, within the noise at the low
    // end; docs/performance.md, "Fast paths".
    #[inline]
    pub fn push_to(&self, out: &mut Vec<u8>) {
        match &self.padded {
            Some(padded) => {
                let at = out.len();
                out.extend_from_slice(padded);
                out.truncate(at + self.text.len());
            }
            None => self.push_plain(out),
        }
    }

    /// Appends the text to `out` as it is: the simpler path, for long
    /// pieces (and the benchmark).
    #[inline]
    pub fn push_plain(&self, out: &mut Vec<u8>) {
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

/// `00`, `01`, ... `99`.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Appends `value` with exactly six decimals (rounded half away from zero
/// at the sixth), without the formatting machinery for the common case of
/// a moderate finite value.
///
/// The short form (one digit before the point, two decimals at a time),
/// measured alone (`fast_paths_render`, 2026-12-07, loaded): 1.6x to 1.9x
/// faster than [`push_micros`] on target A's scores, 7x to 10x faster
/// than `format!`.
pub fn push_fixed6(out: &mut Vec<u8>, value: f64) {
    if !(value.is_finite() && value.abs() < 1e12) {
        out.extend_from_slice(format!("{value:.6}").as_bytes());
        return;
    }
    let scaled = rolefit_score::round_half_away(value.abs() * 1e6) as u64;
    if value < 0.0 && scaled != 0 {
        out.push(b'-');
    }
    if scaled < 10_000_000 {
        // One digit before the point (every score of the built-in
        // strategies): eight bytes, written at once, the decimals two at a
        // time from a table (three independent divisions rather than a
        // chain of six).
        let (high, low) = (scaled / 10_000, scaled % 10_000);
        let pair = |n: u64| {
            let at = 2 * n as usize;
            [DIGIT_PAIRS[at], DIGIT_PAIRS[at + 1]]
        };
        let [a, b] = pair(high % 100);
        let [c, d] = pair(low / 100);
        let [e, f] = pair(low % 100);
        out.extend_from_slice(&[b'0' + (high / 100) as u8, b'.', a, b, c, d, e, f]);
        return;
    }
    push_micros(out, scaled);
}

/// Appends `scaled` millionths as a number with six decimals, by `itoa`:
/// the general path of [`push_fixed6`] (and the simpler path its short
/// form is measured against).
pub fn push_micros(out: &mut Vec<u8>, scaled: u64) {
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(digits.format(scaled / 1_000_000).as_bytes());
    out.push(b'.');
    let frac = digits.format(scaled % 1_000_000).as_bytes();
    out.extend(std::iter::repeat_n(b'0', 6 - frac.len()));
    out.extend_from_slice(frac);
}
