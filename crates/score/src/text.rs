//! Explanations as text, as every output of them writes it: numbers for
//! people, and the `strengths`, `gaps` and `above_level` lists of
//! `rolefit score --explain`'s CSV (and of the Python package's frames).

use rolefit_model::Capability;

use crate::Explanation;

/// How many strengths, gaps and capabilities above the level are listed
/// per role.
pub const LISTED_PER_ROLE: usize = 3;

/// A number for people: at most `decimals` places, trailing zeros dropped;
/// never `-0` (a value that rounds to zero reads `0`).
pub fn number(value: f64, decimals: usize) -> String {
    let s = fixed(value, decimals);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `value` to `decimals` places, never `-0.000`: a value that rounds to
/// zero has no sign.
pub fn fixed(value: f64, decimals: usize) -> String {
    let s = format!("{value:.decimals$}");
    match s.strip_prefix('-') {
        Some(digits) if digits.bytes().all(|b| b == b'0' || b == b'.') => digits.to_string(),
        _ => s,
    }
}

/// `Name (answer vs level)` for the first [`LISTED_PER_ROLE`] capabilities of
/// `list` (capability index, answer, level, on the matrix's scale), joined
/// by `sep`; `shown` writes a value of the matrix's scale as people read
/// it.
pub fn versus(
    capabilities: &[Capability],
    list: impl Iterator<Item = (usize, f64, f64)>,
    shown: &dyn Fn(f64) -> String,
    sep: &str,
) -> String {
    list.take(LISTED_PER_ROLE)
        .map(|(c, value, level)| format!("{} ({} vs {})", capabilities[c].name, shown(value), shown(level)))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The explanation's strengths, gaps and capabilities above the level, in
/// that order, each as [`versus`] writes it.
pub fn listed(
    e: &Explanation,
    capabilities: &[Capability],
    shown: &dyn Fn(f64) -> String,
    sep: &str,
) -> [String; 3] {
    [
        versus(
            capabilities,
            e.strengths.iter().map(|s| (s.capability, s.value, s.level)),
            shown,
            sep,
        ),
        versus(
            capabilities,
            e.gaps.iter().map(|g| (g.capability, g.value, g.level)),
            shown,
            sep,
        ),
        versus(
            capabilities,
            e.above_level.iter().map(|s| (s.capability, s.value, s.level)),
            shown,
            sep,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros_and_negative_zero() {
        assert_eq!(number(3.5, 2), "3.5");
        assert_eq!(number(2.0, 2), "2");
        assert_eq!(number(2.333_33, 2), "2.33");
        assert_eq!(number(-0.001, 2), "0");
        assert_eq!(fixed(-0.0004, 3), "0.000");
        assert_eq!(fixed(-0.0006, 3), "-0.001");
    }

    #[test]
    fn lists_name_the_first_three_with_answer_and_level() {
        let caps: Vec<Capability> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| Capability::new(*id, id.to_uppercase()))
            .collect();
        let list = (0..4).map(|c| (c, 4.0 + c as f64 / 4.0, 3.0));
        let text = versus(&caps, list, &|v| number(v, 2), "; ");
        assert_eq!(text, "A (4 vs 3); B (4.25 vs 3); C (4.5 vs 3)");
    }
}
