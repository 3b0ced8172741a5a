//! "Did you mean" suggestions for names that match nothing: the one rule
//! every part of rolefit uses, for columns, labels and roles in files as for
//! strategies, commands and plugins on the command line.
//!
//! A column called `Risk Managment` is almost always a typo of a known name,
//! so an error that lists the closest known names saves a round trip to the
//! documentation. Names are compared on their [`match_key`] (the same loose
//! key used for matching), by normalised Levenshtein similarity and by
//! Jaro-Winkler similarity; a candidate is offered only when one of them is
//! high (Levenshtein at least [`MIN_LEVENSHTEIN`], 0.6: two edits in five
//! letters, `scroe` for `score`; or Jaro-Winkler at least
//! [`MIN_JARO_WINKLER`], 0.85: a shared start, `Comunication` for
//! `Communication Skills`), so unrelated names are never suggested just to
//! fill the list.

use rolefit_model::match_key;

/// At most this many suggestions are offered.
const MAX_SUGGESTIONS: usize = 3;
/// A candidate this close by normalised Levenshtein similarity is offered.
pub const MIN_LEVENSHTEIN: f64 = 0.6;
/// A candidate this close by Jaro-Winkler similarity is offered.
pub const MIN_JARO_WINKLER: f64 = 0.85;
/// A candidate much further away than the best one is left out: one good
/// suggestion reads better than one good and two poor ones.
const MAX_BEHIND_BEST: f64 = 0.08;

/// The candidates closest to `name`, best first, at most three, only those
/// reasonably close and not far behind the best, one per loose key (the
/// first spelling given wins).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let key = match_key(name);
    if key.is_empty() {
        return Vec::new();
    }
    let mut seen: Vec<String> = Vec::new();
    let mut scored: Vec<(f64, usize, &str)> = Vec::new();
    for candidate in candidates {
        let other = match_key(candidate);
        if other.is_empty() || other == key || seen.contains(&other) {
            continue;
        }
        let lev = strsim::normalized_levenshtein(&key, &other);
        let jw = strsim::jaro_winkler(&key, &other);
        if lev >= MIN_LEVENSHTEIN || jw >= MIN_JARO_WINKLER {
            scored.push((lev.max(jw), scored.len(), candidate));
        }
        seen.push(other);
    }
    // Best score first; equal scores keep the order the candidates came in.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let best = scored.first().map_or(0.0, |s| s.0);
    scored
        .into_iter()
        .take_while(|s| s.0 >= best - MAX_BEHIND_BEST)
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, c)| c)
        .collect()
}

/// The one candidate closest to `name` by [`suggest`]'s rule, if any is
/// close enough: for messages that offer a single name.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    suggest(name, candidates).into_iter().next()
}

/// [`suggest`] as owned strings, for the suggestions an error carries.
pub(crate) fn suggest_owned<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    suggest(name, candidates)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 6] = [
        "Risk Management",
        "risk-management",
        "Communication",
        "Communication Skills",
        "Budget Management",
        "Q03",
    ];

    #[test]
    fn suggests_close_names_best_first() {
        assert_eq!(suggest("Risk Managment", NAMES), ["Risk Management"]);
        assert_eq!(suggest("comunication", NAMES)[0], "Communication");
        assert_eq!(suggest("Q3", NAMES), ["Q03"]);
    }

    #[test]
    fn offers_nothing_for_unrelated_or_empty_names() {
        assert!(suggest("zzz", NAMES).is_empty());
        assert!(suggest("--", NAMES).is_empty());
        assert!(suggest("Risk Management", ["risk management"]).is_empty());
    }

    #[test]
    fn closest_is_the_best_suggestion() {
        assert_eq!(closest("eucledian", ["cosine", "euclidean"]), Some("euclidean"));
        assert_eq!(closest("scroe", ["score", "cluster"]), Some("score"));
        assert_eq!(closest("zzz", ["cosine", "euclidean"]), None);
    }

    #[test]
    fn offers_at_most_three_distinct_keys() {
        let many = ["abcd1", "abcd2", "ABCD-2", "abcd3", "abcd4"];
        let got = suggest("abcd", many);
        assert_eq!(got, ["abcd1", "abcd2", "abcd3"]);
    }
}
