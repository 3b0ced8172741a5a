//! Ranking one profile's scores.
//!
//! Ranking is a total order so that results are reproducible: higher score
//! first, and equal scores in matrix order (lower role index first), which
//! lets a matrix author decide ties by ordering roles. Only the top `k` are
//! usually shown, so `top = Some(k)` selects them in linear time and sorts
//! just those.

use std::cmp::Ordering;

use ndarray::ArrayView1;
use serde::Serialize;

/// A role's position in a ranking: the role's index in the matrix and its
/// score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RankedRole {
    /// The role's index in the matrix.
    pub role: usize,
    /// The strategy's score for the role.
    pub score: f64,
}

/// Scores are compared on a grid of this step, so that two scores that are
/// equal in exact arithmetic but differ by floating-point rounding (a few
/// units in the last place) tie and fall back to matrix order.
pub const TIE_STEP: f64 = 1e-12;

/// The value scores are compared by: the score rounded to the nearest
/// multiple of [`TIE_STEP`].
///
/// ```
/// use rolefit_score::tie_key;
/// assert_eq!(tie_key(1.0), tie_key(0.9999999999999999));
/// assert!(tie_key(0.5) > tie_key(0.4999999));
/// ```
pub fn tie_key(score: f64) -> f64 {
    (score / TIE_STEP).round()
}

/// The ranking order: score descending (compared by [`tie_key`]), then role
/// index ascending. NaN (which no built-in strategy produces) ranks after
/// every number, and `-0.0` equals `0.0`. This is the definition the tests
/// check [`rank`] against; `rank` itself compares precomputed keys.
#[cfg(test)]
pub(crate) fn ranking_order(a: &RankedRole, b: &RankedRole) -> Ordering {
    let by_score = match (a.score.is_nan(), b.score.is_nan()) {
        (false, false) => tie_key(b.score)
            .partial_cmp(&tie_key(a.score))
            .unwrap_or(Ordering::Equal),
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (true, true) => Ordering::Equal,
    };
    by_score.then(a.role.cmp(&b.role))
}

/// Ranks one profile's scores (one per role, in matrix order).
///
/// The order is score descending, ties in matrix order (lower index first),
/// where scores are compared by [`tie_key`] so that rounding noise below
/// [`TIE_STEP`] cannot break a tie; NaN scores rank last. Each score's key
/// is computed once. `top = Some(k)` keeps the first `k` (all of them if `k`
/// is at least the number of roles, none if `k = 0`) by partial selection,
/// never a full sort: for `k <= 16` one pass keeps the best `k` in order
/// (most roles lose to the current `k`-th at one comparison), for larger
/// `k` `select_nth_unstable_by` finds them in `O(n)` and only those are
/// sorted; `None` ranks all roles.
///
/// ```
/// use ndarray::array;
/// use rolefit_score::{rank, RankedRole};
/// let ranked = rank(array![0.5, 0.9, 0.5].view(), Some(2));
/// assert_eq!(ranked, vec![RankedRole { role: 1, score: 0.9 }, RankedRole { role: 0, score: 0.5 }]);
/// ```
pub fn rank(scores: ArrayView1<'_, f64>, top: Option<usize>) -> Vec<RankedRole> {
    let n = scores.len();
    let k = top.unwrap_or(n).min(n);
    if k == 0 {
        return Vec::new();
    }
    let entries = scores
        .iter()
        .enumerate()
        .map(|(role, &score)| Entry::new(role, score));
    let ranked: Vec<Entry> = if k <= SMALL_TOP {
        // One pass keeping the best k in order: most roles lose to the
        // current k-th at the first comparison.
        let mut best: Vec<Entry> = Vec::with_capacity(k + 1);
        for e in entries {
            if best.len() == k && !e.before(&best[k - 1]) {
                continue;
            }
            let at = best.iter().position(|b| e.before(b)).unwrap_or(best.len());
            best.insert(at, e);
            best.truncate(k);
        }
        best
    } else {
        let mut all: Vec<Entry> = entries.collect();
        if k < n {
            all.select_nth_unstable_by(k - 1, Entry::order);
            all.truncate(k);
        }
        all.sort_unstable_by(Entry::order);
        all
    };
    ranked
        .into_iter()
        .map(|e| RankedRole {
            role: e.role,
            score: e.score,
        })
        .collect()
}

/// Up to this many roles are kept by a single insertion pass; more by
/// `select_nth_unstable_by` and a sort of the selected.
const SMALL_TOP: usize = 16;

/// A score with its comparison key computed once.
#[derive(Clone, Copy)]
struct Entry {
    nan: bool,
    key: f64,
    role: usize,
    score: f64,
}

impl Entry {
    fn new(role: usize, score: f64) -> Self {
        let nan = score.is_nan();
        Entry {
            nan,
            key: if nan { 0.0 } else { tie_key(score) },
            role,
            score,
        }
    }

    /// [`ranking_order`] on precomputed keys.
    fn order(a: &Entry, b: &Entry) -> Ordering {
        a.nan
            .cmp(&b.nan)
            .then_with(|| b.key.partial_cmp(&a.key).unwrap_or(Ordering::Equal))
            .then(a.role.cmp(&b.role))
    }

    /// Whether `self` ranks strictly before `other`.
    fn before(&self, other: &Entry) -> bool {
        Entry::order(self, other) == Ordering::Less
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{array, Array1};
    use proptest::prelude::*;

    use super::*;

    fn roles(r: &[RankedRole]) -> Vec<usize> {
        r.iter().map(|r| r.role).collect()
    }

    #[test]
    fn descending_with_ties_in_matrix_order() {
        let s = array![0.2, 0.9, 0.5, 0.9, 0.5];
        assert_eq!(roles(&rank(s.view(), None)), vec![1, 3, 2, 4, 0]);
        assert_eq!(roles(&rank(s.view(), Some(3))), vec![1, 3, 2]);
        assert_eq!(roles(&rank(s.view(), Some(1))), vec![1]);
        assert!(rank(s.view(), Some(0)).is_empty());
        assert_eq!(rank(s.view(), Some(99)).len(), 5);
        assert!(rank(Array1::<f64>::zeros(0).view(), Some(3)).is_empty());
    }

    #[test]
    fn rounding_noise_does_not_break_ties() {
        let s = array![0.9, 0.9999999999999999, 0.8, 1.0];
        assert_eq!(roles(&rank(s.view(), None)), vec![1, 3, 0, 2]);
        assert_eq!(roles(&rank(s.view(), Some(1))), vec![1]);
    }

    #[test]
    fn nan_ranks_last_and_signed_zeros_tie() {
        let s = array![f64::NAN, -0.0, 0.0, -1.0];
        assert_eq!(roles(&rank(s.view(), None)), vec![1, 2, 3, 0]);
        assert_eq!(roles(&rank(s.view(), Some(2))), vec![1, 2]);
    }

    proptest! {
        #[test]
        fn top_k_is_the_prefix_of_a_stable_sort(
            scores in prop::collection::vec(prop_oneof![(0u8..4).prop_map(f64::from), -1.0..1.0f64], 0..24),
        ) {
            // Reference: a stable sort by score descending keeps ties in index order.
            let mut full: Vec<RankedRole> =
                scores.iter().enumerate().map(|(role, &score)| RankedRole { role, score }).collect();
            full.sort_by(|a, b| tie_key(b.score).partial_cmp(&tie_key(a.score)).unwrap());
            let s = Array1::from(scores.clone());
            prop_assert_eq!(&rank(s.view(), None), &full);
            for k in 0..=scores.len() + 1 {
                let top = rank(s.view(), Some(k));
                prop_assert_eq!(&top[..], &full[..k.min(full.len())]);
                // A permutation prefix: distinct roles, ordered by (score desc, index asc).
                for pair in top.windows(2) {
                    prop_assert!(ranking_order(&pair[0], &pair[1]) == Ordering::Less);
                }
            }
        }
    }
}
