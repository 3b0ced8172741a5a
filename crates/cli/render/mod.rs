//! Small helpers shared by the renderers.

pub mod bytes;
pub mod scores;

use std::borrow::Cow;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::ContentArrangement;

/// The choices offered for a statement (by `assess` and the
/// self-assessment page): the scale's labels (or its whole numbers), each
/// with its value.
pub fn choices(scale: &rolefit_model::ResponseScale) -> Vec<(String, f64)> {
    if !scale.labels().is_empty() {
        return scale
            .labels()
            .iter()
            .map(|l| (l.label.clone(), l.value))
            .collect();
    }
    let (lo, hi) = (scale.scale().min() as i64, scale.scale().max() as i64);
    (lo..=hi).map(|v| (v.to_string(), v as f64)).collect()
}

/// `n` and `noun`, plural unless `n` is 1: `1 row`, `3 rows`,
/// `1 capability`, `20 capabilities` (a noun ending in a consonant and `y`
/// takes `ies`).
pub fn counted<N: std::fmt::Display + PartialEq + From<u8>>(n: N, noun: &str) -> String {
    if n == N::from(1) {
        return format!("1 {noun}");
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// A text cell from user data (a respondent id, a role or capability name)
/// as it should go into a CSV file: prefixed with `'` when it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, which spreadsheets would
/// run as a formula (OWASP's advice against CSV injection). A cell that
/// reads as a number (`-5`, `+1.5`) is left alone, as is every cell
/// without `sanitize` (`--no-sanitize`, [`crate::settings::Settings`]).
pub fn safe(text: &str, sanitize: bool) -> Cow<'_, str> {
    let risky = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if !risky || !sanitize || text.trim().parse::<f64>().is_ok_and(f64::is_finite) {
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
pub fn safe_field(field: &[u8], sanitize: bool) -> Cow<'_, [u8]> {
    match std::str::from_utf8(field) {
        Ok(text) => match safe(text, sanitize) {
            Cow::Borrowed(_) => Cow::Borrowed(field),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
        Err(_) => Cow::Borrowed(field),
    }
}

/// Writes one CSV record with every field made [`safe`]: the way every CSV
/// that rolefit writes guards against formulas (numbers and fixed headers
/// pass unchanged; `sanitize` false, from `--no-sanitize`, turns it off).
pub fn write_safe<W, I, T>(w: &mut csv::Writer<W>, fields: I, sanitize: bool) -> csv::Result<()>
where
    W: std::io::Write,
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let fields: Vec<Vec<u8>> = fields
        .into_iter()
        .map(|f| safe_field(f.as_ref(), sanitize).into_owned())
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

/// A table in the house style: light borders, wrapped to
/// [`terminal_width`] when there is one.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = comfy_table::Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    if let Some(width) = terminal_width() {
        t.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    Table(t)
}

/// The width tables are fitted to: `COLUMNS` when it holds a positive
/// number (as clap reads it for `--help`; the tests fix it this way), else
/// the terminal's when standard output is one, else none: a table piped
/// or written to a file keeps its natural width.
pub fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    columns.or_else(|| {
        use std::io::IsTerminal;
        std::io::stdout()
            .is_terminal()
            .then(crossterm::terminal::size)
            .and_then(Result::ok)
            .map(|(w, _)| usize::from(w))
            .filter(|&w| w > 0)
    })
}

pub use rolefit_score::text::{fixed, number};

/// `value` to `decimals` places with its sign (`+0.061`, `-0.027`), and
/// `0.000`, without a sign, for a value that rounds to zero.
pub fn signed(value: f64, decimals: usize) -> String {
    let s = fixed(value, decimals);
    if s.starts_with('-') || s.bytes().all(|b| b == b'0' || b == b'.') {
        s
    } else {
        format!("+{s}")
    }
}

/// Values shown to people on the scale the answers were given on.
///
/// The importer maps every answer linearly onto the matrix's scale, where
/// scoring compares it with the roles' levels. A person answered on the
/// survey's scale (or `--scale`), so answers and levels are shown mapped
/// back onto that scale: an answer of 4 on 1..5 against a matrix on 1..10
/// reads 4, not 7.75, and the role's level 4 reads 2.33. When both scales
/// are the same nothing changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnswerScale {
    matrix: rolefit_model::Scale,
    answers: rolefit_model::Scale,
}

impl AnswerScale {
    /// Answers given on `answers`, scored on the matrix's scale `matrix`.
    pub fn new(matrix: rolefit_model::Scale, answers: rolefit_model::Scale) -> Self {
        AnswerScale { matrix, answers }
    }

    /// A value of the matrix's scale (an answer or a level), on the answer
    /// scale, for people (at most two decimals).
    pub fn value(&self, value: f64) -> String {
        number(self.matrix.map_to(value, &self.answers), 2)
    }

    /// A distance on the matrix's scale (points to raise), on the answer
    /// scale, for people (at most two decimals).
    pub fn points(&self, points: f64) -> String {
        number(self.distance(points), 2)
    }

    /// A distance on the matrix's scale, on the answer scale.
    pub fn distance(&self, points: f64) -> f64 {
        if self.differs() {
            points * self.answers.width() / self.matrix.width()
        } else {
            points
        }
    }

    /// Whether the two scales differ (values are then mapped).
    pub fn differs(&self) -> bool {
        self.matrix != self.answers
    }

    /// When the scales differ, a note saying so (`answers and levels on
    /// the answer scale 1..5; the matrix's levels, on 1..10, mapped onto
    /// it`).
    pub fn note(&self) -> Option<String> {
        self.differs().then(|| {
            format!(
                "answers and levels on the answer scale {}..{}; the matrix's levels, on {}..{}, mapped onto it",
                number(self.answers.min(), 2),
                number(self.answers.max(), 2),
                number(self.matrix.min(), 2),
                number(self.matrix.max(), 2)
            )
        })
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
    fn numbers_never_read_negative_zero() {
        assert_eq!(number(-0.0, 2), "0");
        assert_eq!(number(-0.001, 2), "0");
        assert_eq!(number(-0.5, 2), "-0.5");
        assert_eq!(number(2.50, 2), "2.5");
        assert_eq!(fixed(-0.0004, 3), "0.000");
        assert_eq!(fixed(-0.0006, 3), "-0.001");
        assert_eq!(signed(-0.0004, 3), "0.000");
        assert_eq!(signed(0.061, 3), "+0.061");
        assert_eq!(signed(-0.027, 3), "-0.027");
        assert_eq!(signed(-0.0, 3), "0.000");
    }

    #[test]
    fn answers_and_levels_show_on_the_answer_scale() {
        let scale = |a, b| rolefit_model::Scale::new(a, b).unwrap();
        let shown = AnswerScale::new(scale(1.0, 10.0), scale(1.0, 5.0));
        // 4 on 1..5 is 7.75 on 1..10; the level 4 on 1..10 is 2.33 on 1..5.
        assert_eq!(shown.value(7.75), "4");
        assert_eq!(shown.value(4.0), "2.33");
        assert_eq!(shown.points(4.5), "2");
        assert!(shown.note().unwrap().contains("answer scale 1..5"));
        let same = AnswerScale::new(scale(1.0, 5.0), scale(1.0, 5.0));
        assert_eq!((same.value(3.5), same.points(2.0)), ("3.5".into(), "2".into()));
        assert_eq!(same.note(), None);
    }

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
            assert_eq!(safe(cell, true), want, "{cell:?}");
            assert_eq!(safe(cell, false), cell, "--no-sanitize: {cell:?}");
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

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(counted(1u64, "row"), "1 row");
        assert_eq!(counted(0u64, "row"), "0 rows");
        assert_eq!(counted(36usize, "respondent"), "36 respondents");
        assert_eq!(counted(1usize, "capability"), "1 capability");
        assert_eq!(counted(20usize, "capability"), "20 capabilities");
        assert_eq!(counted(2usize, "survey"), "2 surveys");
        assert_eq!(counted(3usize, "missing answer"), "3 missing answers");
    }
}
