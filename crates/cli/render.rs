//! Small helpers shared by the renderers.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

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

/// A table in the house style: light borders, wrapped to the terminal.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    t
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

/// Names the closest of `candidates` to `wanted`, for "did you mean".
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted, &c.to_lowercase()), c))
        .filter(|(sim, _)| *sim >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

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

    #[test]
    fn closest_suggests_only_near_names() {
        assert_eq!(closest("eucledian", ["cosine", "euclidean"]), Some("euclidean"));
        assert_eq!(closest("zzz", ["cosine", "euclidean"]), None);
    }
}
