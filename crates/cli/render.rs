//! Small helpers shared by the renderers.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::ContentArrangement;

/// Whether text cells from user data are made safe for spreadsheets
/// (`--no-sanitize` turns it off), set once at start.
static SANITIZE: AtomicBool = AtomicBool::new(true);

/// Sets whether [`safe`] guards cells.
pub fn set_sanitize(on: bool) {
    SANITIZE.store(on, Ordering::Relaxed);
}

/// A text cell from user data (a respondent id, a role or capability name)
/// as it should go into a CSV file: prefixed with `'` when it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, which spreadsheets would
/// run as a formula (OWASP's advice against CSV injection). A cell that
/// reads as a number (`-5`, `+1.5`) is left alone, as is every cell with
/// `--no-sanitize`.
pub fn safe(text: &str) -> Cow<'_, str> {
    let risky = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if !risky || !SANITIZE.load(Ordering::Relaxed) || text.trim().parse::<f64>().is_ok_and(f64::is_finite) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("'{text}"))
    }
}

/// Text from user data or a plugin as it may reach a terminal: every
/// control character but the line end escaped as Rust writes it (`\u{1b}`,
/// `\r`, `\t`, `\u{7}`), so that an id or a name cannot move the cursor,
/// recolour the screen, ring the bell or hide what comes before it. The
/// one escaping function of the terminal outputs: tables ([`Table`]),
/// notes, warnings and error messages (the crate's `eprintln!`).
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A CSV field as [`safe`] makes it: a field that is not UTF-8 is kept as
/// it is (no spreadsheet reads it as a formula).
pub fn safe_field(field: &[u8]) -> Cow<'_, [u8]> {
    match std::str::from_utf8(field) {
        Ok(text) => match safe(text) {
            Cow::Borrowed(_) => Cow::Borrowed(field),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
        Err(_) => Cow::Borrowed(field),
    }
}

/// Writes one CSV record with every field made [`safe`]: the way every CSV
/// that rolefit writes guards against formulas (numbers and fixed headers
/// pass unchanged; `--no-sanitize` turns it off).
pub fn write_safe<W, I, T>(w: &mut csv::Writer<W>, fields: I) -> csv::Result<()>
where
    W: std::io::Write,
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let fields: Vec<Vec<u8>> = fields
        .into_iter()
        .map(|f| safe_field(f.as_ref()).into_owned())
        .collect();
    w.write_record(&fields)
}

/// A table in the house style, shown with control characters escaped
/// ([`terminal`]); otherwise a [`comfy_table::Table`].
pub struct Table(comfy_table::Table);

impl std::ops::Deref for Table {
    type Target = comfy_table::Table;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Table {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&terminal(&self.0.to_string()))
    }
}

/// A table in the house style: light borders, wrapped to the terminal.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = comfy_table::Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    Table(t)
}

/// A number for people: at most `decimals` places, trailing zeros dropped.
pub fn number(value: f64, decimals: usize) -> String {
    let s = format!("{value:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A bar of `width` cells for a value in `0..=1` (clamped).
pub fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let f = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let eighths = (f * (width * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8 - 1]);
    }
    s
}

/// Names the closest of `candidates` to a name, for "did you mean": the
/// importer's one rule for every suggestion (see [`rolefit_import::suggest`]).
pub use rolefit_import::suggest::closest;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risky_cells_are_defused_but_numbers_are_not() {
        for (cell, want) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+1 555 0100 call", "'+1 555 0100 call"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("@import", "'@import"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-5", "-5"),
            ("+1.5", "+1.5"),
            ("ordinary", "ordinary"),
            ("", ""),
        ] {
            assert_eq!(safe(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn terminal_text_escapes_control_characters_but_line_ends() {
        assert_eq!(
            terminal("a\u{1b}[31mb\u{7}\r\tc\nd"),
            "a\\u{1b}[31mb\\u{7}\\r\\tc\nd"
        );
        assert!(matches!(terminal("plain é\n"), Cow::Borrowed(_)));
        let mut t = table(["id"]);
        t.add_row(["x\u{1b}[2J"]);
        let shown = t.to_string();
        assert!(
            shown.contains("x\\u{1b}[2J") && !shown.contains('\u{1b}'),
            "{shown}"
        );
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(3.0, 2), "3");
        assert_eq!(number(3.50, 2), "3.5");
        assert_eq!(number(0.12345, 3), "0.123");
    }

    #[test]
    fn bars_scale_and_clamp() {
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.0, 4), "");
        assert_eq!(bar(0.5, 2), "█");
        assert_eq!(bar(2.0, 1), "█");
        assert_eq!(bar(f64::NAN, 3), "");
        assert_eq!(bar(0.5, 1), "▌");
        assert_eq!(bar(1.0 / 8.0, 1), "▏");
    }
}
