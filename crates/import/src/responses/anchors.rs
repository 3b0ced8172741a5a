//! Numbers that run from the top answer down, told by the question text.
//!
//! Qualtrics numbers a question's choices in the order they were shown, so
//! a grid shown "Strongly agree ... Strongly disagree" exports 1 for
//! "Strongly agree". A numeric export does not say so, but surveys often
//! print the meaning of the numbers in the question itself ("1 = Strongly
//! agree, 5 = Strongly disagree", "from 1 (Excellent) to 5 (Poor)"), and
//! that text is in the export's header rows. Such anchors are read here;
//! a column whose anchors say its numbers run downwards is refused unless
//! `--numbering` says what to do ([`Numbering`]).

use rolefit_model::{match_key, ResponseScale, Scale};

use crate::labels::NamedScale;

/// What to do with an answer column whose question text says its numbers
/// run from the top answer down (`--numbering`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Numbering {
    /// Refuse the file, naming the columns and the other choices.
    #[default]
    Check,
    /// Read such columns mirrored on their scale (`1` becomes the top).
    Mirror,
    /// Read the numbers as they are (the survey definition's `reverse`
    /// already turns them round).
    AsIs,
}

/// Words that name the top or the bottom of a scale no label scale has,
/// by match key: `(key, position)`, 1 for the top and 0 for the bottom.
const POLES: [(&str, f64); 12] = [
    ("excellent", 1.0),
    ("verygood", 1.0),
    ("verysatisfied", 1.0),
    ("extremelylikely", 1.0),
    ("verylikely", 1.0),
    ("verypositive", 1.0),
    ("poor", 0.0),
    ("verypoor", 0.0),
    ("verydissatisfied", 0.0),
    ("extremelyunlikely", 0.0),
    ("notatalllikely", 0.0),
    ("verynegative", 0.0),
];

/// An anchor of a question text: a number and the label it stands for.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Anchor {
    pub(super) number: f64,
    pub(super) label: String,
}

/// The anchors of `text`: `N = Label` (also `N=Label`, `N: Label`) and
/// `N (Label)`, a label ending at `,`, `;`, `)`, `/` or the next number.
pub(super) fn anchors(text: &str) -> Vec<Anchor> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b'_' | b'.')));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let number: f64 = text[start..i].parse().unwrap_or(f64::NAN);
        let rest = text[i..].trim_start();
        let (label, closing) = if let Some(after) = rest.strip_prefix(['=', ':']) {
            (after.trim_start(), false)
        } else if let Some(after) = rest.strip_prefix('(') {
            (after, true)
        } else {
            continue;
        };
        let end = label
            .char_indices()
            .find(|&(at, c)| {
                matches!(c, ',' | ';' | ')' | '/' | '(')
                    || (!closing && c == ' ' && label[at + 1..].starts_with(|d: char| d.is_ascii_digit()))
            })
            .map_or(label.len(), |(at, _)| at);
        let label = label[..end].trim().trim_end_matches(['.', '-']).trim();
        if !label.is_empty() && label.chars().any(char::is_alphabetic) && number.is_finite() {
            out.push(Anchor {
                number,
                label: label.to_string(),
            });
        }
    }
    out
}

/// Where `label` sits on a scale, as a fraction of it (0 the bottom, 1 the
/// top): on `own` (the column's scale), else on a label scale of `scales`
/// that has it, else by the words of [`POLES`].
fn position(label: &str, own: &ResponseScale, scales: &[NamedScale]) -> Option<f64> {
    let at = |scale: &ResponseScale| {
        let range = scale.scale();
        scale.value_of(label).map(|v| (v - range.min()) / range.width())
    };
    at(own)
        .or_else(|| scales.iter().find_map(|s| at(&s.scale)))
        .or_else(|| {
            let key = match_key(label);
            POLES.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
        })
}

/// The first anchor of `texts` that shows the numbers of a column on
/// `range` (read on `own`) run from the top answer down, if one does: two
/// anchors whose labels sit in the opposite order to their numbers, or
/// one at an end of the range whose label is at the other end.
pub(super) fn downward_anchor(
    texts: &[String],
    range: Scale,
    own: &ResponseScale,
    scales: &[NamedScale],
) -> Option<Anchor> {
    let text = texts.first()?;
    let placed: Vec<(Anchor, f64)> = anchors(text)
        .into_iter()
        .filter(|a| range.contains(a.number))
        .filter_map(|a| {
            let at = position(&a.label, own, scales)?;
            Some((a, at))
        })
        .collect();
    for (i, (a, at)) in placed.iter().enumerate() {
        for (b, bt) in &placed[i + 1..] {
            if a.number != b.number && at != bt && (a.number < b.number) != (at < bt) {
                return Some(if a.number < b.number { a.clone() } else { b.clone() });
            }
        }
    }
    placed.into_iter().find_map(|(a, at)| {
        let downward = (a.number == range.min() && at == 1.0) || (a.number == range.max() && at == 0.0);
        downward.then_some(a)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::builtin_scales;

    fn down(text: &str) -> Option<(f64, String)> {
        downward_anchor(
            &[text.to_string()],
            Scale::default(),
            &ResponseScale::agreement5(),
            &builtin_scales(),
        )
        .map(|a| (a.number, a.label))
    }

    #[test]
    fn anchors_are_read_in_their_usual_forms() {
        let got: Vec<(f64, String)> = anchors("Rate (1 = Strongly agree, 5=Strongly disagree) - I plan")
            .into_iter()
            .map(|a| (a.number, a.label))
            .collect();
        assert_eq!(
            got,
            [(1.0, "Strongly agree".into()), (5.0, "Strongly disagree".into())]
        );
        let got: Vec<String> = anchors("from 1 (Excellent) to 5 (Poor); Q1_2: x")
            .into_iter()
            .map(|a| a.label)
            .collect();
        assert_eq!(got, ["Excellent", "Poor"]);
        assert_eq!(anchors("1=Never 5=Always").len(), 2);
        assert!(anchors("Q1_1 I keep 3 teams on track").is_empty());
    }

    #[test]
    fn numbers_running_down_are_told_from_numbers_running_up() {
        assert_eq!(
            down("How much? (1 = Strongly agree, 5 = Strongly disagree)"),
            Some((1.0, "Strongly agree".into()))
        );
        assert_eq!(
            down("Rate from 1 (Excellent) to 5 (Poor)"),
            Some((1.0, "Excellent".into()))
        );
        assert_eq!(down("5 = Never"), Some((5.0, "Never".into())));
        assert_eq!(down("1 = Strongly disagree, 5 = Strongly agree"), None);
        assert_eq!(down("1 (Poor) to 5 (Excellent)"), None);
        assert_eq!(down("How well? 3 = Neither agree nor disagree"), None);
        assert_eq!(down("No anchors at all"), None);
    }
}
