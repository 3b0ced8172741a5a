//! Answers that mean "no answer": an empty cell, `NA` and `N/A`, and
//! labels such as `Don't know` or `Not applicable` (the built-in
//! [`NO_ANSWER_LABELS`], `--missing-labels`, and a labels map's labels
//! with an empty value). Real exports carry such options on nearly every
//! Likert question; read as answers they would stop the run.
//!
//! A label that a scale in use gives a value (a labels map's `Not sure`
//! = 3, the survey's own labels) is an answer, not missing.

use std::collections::HashSet;

use rolefit_model::{match_key, ResponseScale};

use super::ResponseOptions;
use crate::labels::NO_ANSWER_LABELS;

/// Whether a trimmed cell is empty, `NA` or `N/A`: missing, and not
/// counted as a "no answer" label.
pub(super) fn is_blank_answer(text: &str) -> bool {
    text.is_empty() || text.eq_ignore_ascii_case("na") || text.eq_ignore_ascii_case("n/a")
}

/// The labels read as "no answer", by loose key.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct NoAnswer {
    keys: HashSet<String>,
}

impl NoAnswer {
    /// The built-in labels, `options`' own (`--missing-labels`, a labels
    /// map's labels without a value), less any label that the labels map's
    /// scales or `base` (the response scale) give a value.
    pub(super) fn new(options: &ResponseOptions, base: &ResponseScale) -> Self {
        let valued: HashSet<String> = options
            .labels
            .iter()
            .flat_map(|s| s.scale.labels())
            .chain(base.labels())
            .map(|l| match_key(&l.label))
            .collect();
        let keys = NO_ANSWER_LABELS
            .iter()
            .map(|l| match_key(l))
            .chain(options.missing_labels.iter().map(|l| match_key(l)))
            .chain(
                options
                    .labels
                    .iter()
                    .flat_map(|s| s.missing.iter().map(|l| match_key(l))),
            )
            .filter(|k| !k.is_empty() && !valued.contains(k))
            .collect();
        NoAnswer { keys }
    }

    /// Whether `text` (trimmed, not blank) is a "no answer" label.
    pub(super) fn contains(&self, text: &str) -> bool {
        !self.keys.is_empty() && self.keys.contains(&match_key(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::read_labels_map;

    #[test]
    fn built_in_labels_match_loosely() {
        let none = NoAnswer::new(&ResponseOptions::default(), &ResponseScale::agreement5());
        for text in [
            "Don't know",
            "DONT KNOW",
            "don't know.",
            "Not applicable",
            "unfamiliar (n/a)",
            "Prefer not to say",
        ] {
            assert!(none.contains(text), "{text}");
        }
        for text in ["Agree", "None", "3", "Neutral"] {
            assert!(!none.contains(text), "{text}");
        }
        assert!(is_blank_answer("") && is_blank_answer("na") && is_blank_answer("N/A"));
        assert!(!is_blank_answer("Don't know"));
    }

    #[test]
    fn own_labels_add_and_valued_labels_win() {
        let labels = read_labels_map(
            &b"label,value\nNot at all,1\nVery,3\nNot sure,2\nSkipped,\n"[..],
            "extent.csv",
        )
        .unwrap();
        assert_eq!(labels[0].missing, ["Skipped"]);
        let options = ResponseOptions {
            labels,
            missing_labels: vec!["Pass".into()],
            ..Default::default()
        };
        let none = NoAnswer::new(&options, &ResponseScale::agreement5());
        assert!(none.contains("pass") && none.contains("skipped") && none.contains("Don't know"));
        assert!(!none.contains("Not sure"), "the map gives it a value");
    }
}
