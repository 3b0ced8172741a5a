//! Small helpers shared by the renderers.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

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
