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
    round_half_away(score * PER_TIE_STEP)
}

/// `1 / TIE_STEP`, to multiply by (a division per score costs more).
const PER_TIE_STEP: f64 = 1e12;

/// `x.round()` without a call into the maths library (the baseline x86-64
/// target has no rounding instruction, and ranking rounds every score).
/// Below 2^52 truncation by a cast and the fraction `x - trunc(x)` are
/// exact, so the result is exactly `x.round()`; above it every `f64` is
/// already a whole number.
#[inline]
pub fn round_half_away(x: f64) -> f64 {
    if x.abs() >= 4_503_599_627_370_496.0 || x.is_nan() {
        return x;
    }
    let t = x as i64 as f64;
    let f = x - t;
    // Without branches: the fractions of scores are unpredictable.
    t + (i64::from(f >= 0.5) - i64::from(f <= -0.5)) as f64
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
/// never a full sort: for `k <= 16` and at most 32 roles, running maxima of
/// the scores decide when the best `k + 1` are clearly apart; otherwise for
/// `k <= 16` one pass keeps the best `k` in order (most roles lose to the
/// current `k`-th at one comparison), and for larger `k`
/// `select_nth_unstable_by` finds them in `O(n)` and only those are sorted;
/// `None` ranks all roles.
///
/// ```
/// use ndarray::array;
/// use rolefit_score::{rank, RankedRole};
/// let ranked = rank(array![0.5, 0.9, 0.5].view(), Some(2));
/// assert_eq!(ranked, vec![RankedRole { role: 1, score: 0.9 }, RankedRole { role: 0, score: 0.5 }]);
/// ```
pub fn rank(scores: ArrayView1<'_, f64>, top: Option<usize>) -> Vec<RankedRole> {
    let mut out = Vec::new();
    rank_into(scores, top, &mut out);
    out
}

/// [`rank`] into `out` (cleared first), reusing its allocation: for
/// callers that rank many rows.
///
/// ```
/// use ndarray::array;
/// use rolefit_score::{rank, rank_into};
/// let mut out = Vec::new();
/// rank_into(array![0.5, 0.9, 0.5].view(), Some(2), &mut out);
/// assert_eq!(out, rank(array![0.5, 0.9, 0.5].view(), Some(2)));
/// ```
pub fn rank_into(scores: ArrayView1<'_, f64>, top: Option<usize>, out: &mut Vec<RankedRole>) {
    rank_into_with(scores, top, out, RankPaths::ALL);
}

/// Which of the ranker's fast paths [`rank_into_with`] may take. Each has a
/// simpler path that gives the same ranking: switching one off measures
/// what it saves (`cargo bench --bench pipeline -- fast_paths_rank`, and
/// end to end a build of `rolefit` whose [`rank_into`] passes it) and lets
/// tests check it against the others. `rolefit` always takes all of them.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankPaths {
    /// At most 32 (`TINY_N`) roles and the best `k + 1` clearly apart: running
    /// maxima of the scores with the role index in their low mantissa bits
    /// (`top_by_tagged_max`). Simpler path: the one-pass insertion below.
    pub tagged: bool,
    /// `k <= 16` and no NaN: one pass that keeps the best `k` in order by
    /// insertion (`top_few`). Simpler path: `select_nth_unstable_by`, then a
    /// sort of the selected.
    pub insertion: bool,
}

impl RankPaths {
    /// Every fast path, as `rolefit` ranks.
    pub const ALL: RankPaths = RankPaths {
        tagged: true,
        insertion: true,
    };
}

/// [`rank_into`] taking only the fast paths `paths` allows: the same
/// ranking whichever it allows. For benchmarks and tests.
#[doc(hidden)]
pub fn rank_into_with(
    scores: ArrayView1<'_, f64>,
    top: Option<usize>,
    out: &mut Vec<RankedRole>,
    paths: RankPaths,
) {
    out.clear();
    let n = scores.len();
    let k = top.unwrap_or(n).min(n);
    if k == 0 {
        return;
    }
    let owned;
    let scores: &[f64] = match scores.as_slice() {
        Some(s) => s,
        None => {
            owned = scores.to_vec();
            &owned
        }
    };
    if k <= SMALL_TOP {
        if paths.tagged && scores.len() <= TINY_N && top_by_tagged_max(scores, k, out) {
            return;
        }
        if paths.insertion && !scores.iter().any(|s| s.is_nan()) {
            top_few(scores, k, out);
            return;
        }
    }
    let mut all: Vec<Entry> = scores
        .iter()
        .enumerate()
        .map(|(role, &score)| Entry::new(role, score))
        .collect();
    if k < n {
        all.select_nth_unstable_by(k - 1, Entry::order);
        all.truncate(k);
    }
    all.sort_unstable_by(Entry::order);
    out.extend(all.into_iter().map(|e| RankedRole {
        role: e.role,
        score: e.score,
    }));
}

/// Up to this many roles, [`top_by_tagged_max`] (the role index fits in
/// the 5 lowest bits of the mantissa).
const TINY_N: usize = 32;

/// Products `s * 10^12` below this in magnitude have a unit in the last
/// place of at most `2^-6`, so [`top_by_tagged_max`]'s tags move them by
/// less than `0.5`.
const TAGGED_LIMIT: f64 = 70_368_744_177_664.0; // 2^46

/// The best `k` of at most [`TINY_N`] scores (ranking a small matrix is
/// mostly this), without computing any key: when no two of the best `k + 1`
/// scores are near a tie, the order of the scores is the order of their
/// keys. Each product `p = s * 10^12` (what keys round) gets its role's
/// index written into the 5 lowest bits of its mantissa, so every tagged
/// value is distinct and the largest one names its role: each of the `k + 1`
/// selections is a plain running maximum below the previous one, with no
/// index to carry. The tags move a product by less than `0.5` (all `|p|`
/// must be below [`TAGGED_LIMIT`]), so when the selected products, untagged,
/// are more than `3` apart, no other score comes within `2` of the `k`-th,
/// and rounding moves each product by at most `0.5`: the keys are in the
/// same strict order, and the top `k` are right. Appends them and returns
/// `true` then; `false` (nothing appended) otherwise.
///
/// End to end on target A (30 capabilities x 12 roles, top 3, one thread;
/// measured 2026-12-08 against a build whose `rank_into` leaves it off, so
/// that every row takes [`top_few`]), `score` takes 1.10x as long without
/// it on the idle machine: user + system CPU 1.105 and 1.106 on 1,000,000
/// rows (medians of two series of 31 paired runs, quartiles 1.10 .. 1.13
/// and 1.08 .. 1.14); 1.05x and 1.09x earlier on the loaded machine. It
/// executes about as many instructions as [`top_few`] (+0.7% end to end
/// without it, under cachegrind) but without
/// data-dependent branches: 0.93 million fewer mispredicted branches per
/// 100,000 rows (cachegrind's model: 1.71 against 2.64 million). Alone
/// (`cargo bench --bench pipeline -- fast_paths_rank`) 1.6x to 2.0x faster
/// than the `k` scans of keys that were its simpler path until 2026-12-08.
fn top_by_tagged_max(scores: &[f64], k: usize, out: &mut Vec<RankedRole>) -> bool {
    let n = scores.len();
    let mut tagged = [f64::NEG_INFINITY; TINY_N];
    let mut in_range = true;
    for (i, (t, &s)) in tagged[..n].iter_mut().zip(scores).enumerate() {
        let p = s * PER_TIE_STEP;
        in_range &= p.abs() < TAGGED_LIMIT; // false for NaN and infinities
        let bits = p.to_bits();
        *t = f64::from_bits((bits & !TAG_MASK) | (i as u64 ^ tag_flip(bits)));
    }
    if !in_range {
        return false;
    }
    let taken = (k + 1).min(n);
    let mut best = [0usize; SMALL_TOP + 1];
    let mut below = f64::INFINITY;
    for slot in best.iter_mut().take(taken) {
        (*slot, below) = tagged_max_below(&tagged, n, below);
    }
    let apart = best[..taken]
        .windows(2)
        .all(|w| (scores[w[0]] - scores[w[1]]) * PER_TIE_STEP > 3.0);
    if apart {
        out.extend(best[..k].iter().map(|&role| RankedRole {
            role,
            score: scores[role],
        }));
    }
    apart
}

/// The mantissa bits [`top_by_tagged_max`] writes the role index into.
const TAG_MASK: u64 = (TINY_N - 1) as u64;

/// What the index is XORed with in the tag: `31 - i` for a positive value
/// and `i` for a negative one, so that among values equal but for their
/// tags the lower index is the larger.
#[inline]
fn tag_flip(bits: u64) -> u64 {
    (bits >> 63).wrapping_sub(1) & TAG_MASK
}

/// The largest tagged value of `values[..n]` below `below` (values are
/// distinct; past `n` they are `-inf`), and its index. Selecting by a bound
/// rather than by overwriting the chosen value keeps the scans free of
/// stores (a store into the array stalls the next scan's wide loads), and
/// four running maxima shorten the dependency chain.
#[inline]
fn tagged_max_below(values: &[f64; TINY_N], n: usize, below: f64) -> (usize, f64) {
    let mut m = [f64::NEG_INFINITY; 4];
    for quad in values[..n.div_ceil(4) * 4].chunks_exact(4) {
        for (m, &v) in m.iter_mut().zip(quad) {
            let v = if v < below { v } else { f64::NEG_INFINITY };
            *m = if v > *m { v } else { *m };
        }
    }
    let a = if m[1] > m[0] { m[1] } else { m[0] };
    let b = if m[3] > m[2] { m[3] } else { m[2] };
    let max = if b > a { b } else { a };
    let bits = max.to_bits();
    (((bits & TAG_MASK) ^ tag_flip(bits)) as usize, max)
}

/// The best `k` of scores without NaN, in one pass that keeps them in order:
/// a role enters only if its key beats the current `k`-th (roles come in
/// index order, so an equal key never moves ahead of an earlier role), and a
/// score more than two steps below the `k`-th key, which cannot round up to
/// it, is dropped after one multiplication.
///
/// End to end on target B (879 roles x 68 capabilities, top 10, one thread;
/// measured 2026-12-08 against a build whose `rank_into` leaves it off),
/// `score` takes 1.55x to 1.79x as long without it: 1.55x the instructions
/// (2,184 against 1,407 million for 10,000 rows, under cachegrind) and
/// 1.79x the user + system CPU (median of 11 paired runs on 100,000 rows,
/// quartiles 1.68 .. 1.91). Alone (`fast_paths_rank`, 2026-12-07, loaded):
/// 4.2x to 5.7x faster than `select_nth_unstable_by` and a sort for 879
/// roles, top 10.
fn top_few(scores: &[f64], k: usize, out: &mut Vec<RankedRole>) {
    // Kept on the stack while they change; copied out at the end.
    let mut keys = [0.0f64; SMALL_TOP + 1];
    let mut best = [RankedRole { role: 0, score: 0.0 }; SMALL_TOP + 1];
    let mut len = 0;
    let mut floor = f64::NEG_INFINITY;
    for (role, &score) in scores.iter().enumerate() {
        if score * PER_TIE_STEP < floor {
            continue;
        }
        let key = tie_key(score);
        if len == k && key <= keys[k - 1] {
            continue;
        }
        let mut at = len;
        while at > 0 && keys[at - 1] < key {
            keys[at] = keys[at - 1];
            best[at] = best[at - 1];
            at -= 1;
        }
        keys[at] = key;
        best[at] = RankedRole { role, score };
        len = (len + 1).min(k);
        if len == k {
            floor = keys[k - 1] - 2.0;
        }
    }
    out.extend_from_slice(&best[..len]);
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

    proptest! {
        #[test]
        fn round_half_away_is_round(x in prop_oneof![-1e16..1e16f64, -10.0..10.0f64, (-8i64..8).prop_map(|i| i as f64 / 2.0)]) {
            prop_assert_eq!(round_half_away(x), x.round());
        }
    }

    #[test]
    fn round_half_away_edges() {
        for x in [
            0.49999999999999994,
            -0.49999999999999994,
            0.5,
            -0.5,
            2.5,
            1e300,
            -0.0,
            4503599627370495.5,
        ] {
            assert_eq!(round_half_away(x), x.round(), "{x}");
        }
        assert!(round_half_away(f64::NAN).is_nan());
    }

    #[test]
    fn tagged_maxima_take_clear_orders_and_leave_near_ties() {
        let mut out = Vec::new();
        // Negative, zero and positive scores, clearly apart.
        let s = [-0.5, 0.0, -0.25, 0.3, -1.0, 0.75];
        assert!(top_by_tagged_max(&s, 3, &mut out));
        assert_eq!(roles(&out), vec![5, 3, 1]);
        // The k+1-th within 3 tie steps of the k-th: not decided here.
        out.clear();
        assert!(!top_by_tagged_max(&[0.5, 0.9, 0.5 + 2e-12], 2, &mut out));
        assert!(out.is_empty());
        // Beyond the tagging limit, and non-finite: not decided here.
        assert!(!top_by_tagged_max(&[71.0, 0.5], 1, &mut out));
        assert!(!top_by_tagged_max(&[f64::NAN, 0.5], 1, &mut out));
        assert!(top_by_tagged_max(&[69.0, -69.0, 0.5], 3, &mut out));
        assert_eq!(roles(&out), vec![0, 2, 1]);
        // All 32 slots used: every index is recovered from its tag.
        let s: Vec<f64> = (0..32).map(|i| f64::from(i * 7 % 32) / 32.0 - 0.3).collect();
        out.clear();
        assert!(top_by_tagged_max(&s, 16, &mut out));
        let mut expected: Vec<usize> = (0..32).collect();
        expected.sort_by(|&a, &b| s[b].partial_cmp(&s[a]).unwrap());
        assert_eq!(roles(&out), expected[..16].to_vec());
    }

    #[test]
    fn a_number_displaces_a_nan_from_the_top() {
        let s = array![f64::NAN, f64::NAN, -5.0];
        assert_eq!(roles(&rank(s.view(), Some(2))), vec![2, 0]);
    }

    #[test]
    fn rounding_noise_does_not_break_ties() {
        let s = array![0.9, 0.9999999999999999, 0.8, 1.0];
        assert_eq!(roles(&rank(s.view(), None)), vec![1, 3, 0, 2]);
        assert_eq!(roles(&rank(s.view(), Some(1))), vec![1]);
    }

    #[test]
    fn infinite_and_overflowing_scores_rank_in_order() {
        // -1e300's key overflows to -inf, like -inf's: they tie, and come
        // after every other score, in matrix order.
        let s = array![-1e300, f64::NEG_INFINITY, 5.0, -1e300, f64::INFINITY];
        assert_eq!(roles(&rank(s.view(), Some(5))), vec![4, 2, 0, 1, 3]);
        assert_eq!(roles(&rank(s.view(), Some(3))), vec![4, 2, 0]);
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
            scores in prop::collection::vec(
                prop_oneof![
                    4 => (0u8..4).prop_map(f64::from),
                    4 => -1.0..1.0f64,
                    // Scores a fraction of a tie step apart: equal keys or not.
                    2 => (-8i32..8).prop_map(|i| 0.5 + f64::from(i) * 3e-13),
                    // Keys that overflow to infinity, and infinite scores.
                    1 => prop::sample::select(vec![f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300]),
                    // Around the magnitude where tagging stops (2^46 / 10^12).
                    1 => -200.0..200.0f64,
                ],
                0..80,
            ),
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
                // Every fast path switched off in turn, and all of them:
                // the same ranking (the benchmark compares like with like).
                for bits in 0..4u8 {
                    let paths = RankPaths {
                        tagged: bits & 1 != 0,
                        insertion: bits & 2 != 0,
                    };
                    let mut out = Vec::new();
                    rank_into_with(s.view(), Some(k), &mut out, paths);
                    prop_assert_eq!(&out, &top, "{:?}", paths);
                }
            }
        }
    }
}
