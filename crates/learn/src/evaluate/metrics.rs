//! Quality and agreement metrics over rankings and labels: pure functions,
//! no strategy, no I/O.
//!
//! Every metric of one strategy's quality depends on one number per
//! respondent, the **rank of the true role** in that respondent's ranking
//! (1 for first), except macro-F1 and the confusion matrix, which look at
//! the top-1 choice. So the functions here take ranks (1-based) or top-1
//! choices, and the caller computes them once per strategy with
//! [`true_ranks`]. Means over no respondents are `None`, never NaN.
//!
//! Formulas (with `n` respondents and `rank_i` the true role's rank of
//! respondent `i`):
//!
//! | metric | formula |
//! | --- | --- |
//! | top-k accuracy | `#{i : rank_i <= k} / n` |
//! | mean reciprocal rank | `sum(1 / rank_i) / n` |
//! | NDCG@k | `sum(rank_i <= k ? 1 / log2(rank_i + 1) : 0) / n` (one relevant role, so the ideal DCG is 1) |
//! | macro-F1 | mean over roles of `2 TP / (2 TP + FP + FN)`, over the roles that are a label or a top-1 choice |
//! | Kendall's tau-b | `(C - D) / sqrt((n0 - n1) (n0 - n2))` over the pairs of roles |
//! | top-1 agreement | `#{i : top_a(i) = top_b(i)} / n` |

use std::cmp::Ordering;

use ndarray::Array2;

/// The rank (1-based) of `labels[i]` in `rankings[i]`, for every `i`; a
/// label that is not in its ranking gets `ranking.len() + 1` (ranked after
/// every role listed).
///
/// # Panics
/// If `rankings` and `labels` differ in length (a caller bug).
pub fn true_ranks<R: AsRef<[usize]>>(rankings: &[R], labels: &[usize]) -> Vec<usize> {
    assert_eq!(rankings.len(), labels.len(), "one label per ranking");
    rankings
        .iter()
        .zip(labels)
        .map(|(ranking, &label)| {
            let ranking = ranking.as_ref();
            ranking
                .iter()
                .position(|&r| r == label)
                .map_or(ranking.len() + 1, |p| p + 1)
        })
        .collect()
}

/// Share of respondents whose true role is among their first `k`:
/// `#{i : rank_i <= k} / n`. `None` for no respondents.
///
/// ```
/// use rolefit_learn::evaluate::top_k_accuracy;
/// assert_eq!(top_k_accuracy(&[1, 2, 3, 1], 1), Some(0.5));
/// assert_eq!(top_k_accuracy(&[1, 2, 3, 1], 2), Some(0.75));
/// ```
pub fn top_k_accuracy(ranks: &[usize], k: usize) -> Option<f64> {
    mean(ranks.iter().map(|&r| if r <= k { 1.0 } else { 0.0 }))
}

/// Mean reciprocal rank: `sum(1 / rank_i) / n`. `None` for no respondents.
///
/// ```
/// use rolefit_learn::evaluate::mean_reciprocal_rank;
/// assert_eq!(mean_reciprocal_rank(&[1, 2, 4]), Some((1.0 + 0.5 + 0.25) / 3.0));
/// ```
pub fn mean_reciprocal_rank(ranks: &[usize]) -> Option<f64> {
    mean(ranks.iter().map(|&r| 1.0 / r.max(1) as f64))
}

/// NDCG@k with binary relevance (only the true role is relevant): the
/// discounted gain is `1 / log2(rank + 1)` when `rank <= k`, else `0`, and
/// the ideal ranking (true role first) has gain 1, so NDCG@k is the mean
/// gain. `None` for no respondents.
///
/// ```
/// use rolefit_learn::evaluate::ndcg_at_k;
/// // rank 1 gains 1, rank 3 gains 1/log2(4) = 0.5, rank 4 is beyond k = 3.
/// assert_eq!(ndcg_at_k(&[1, 3, 4], 3), Some(0.5));
/// ```
pub fn ndcg_at_k(ranks: &[usize], k: usize) -> Option<f64> {
    mean(ranks.iter().map(|&r| {
        if r >= 1 && r <= k {
            1.0 / ((r + 1) as f64).log2()
        } else {
            0.0
        }
    }))
}

/// The confusion matrix of top-1 choices: row = true role, column =
/// predicted (top-1) role, each cell a count of respondents.
///
/// # Panics
/// If `predicted` and `labels` differ in length or hold a role index
/// `>= roles` (caller bugs).
pub fn confusion_matrix(predicted: &[usize], labels: &[usize], roles: usize) -> Array2<usize> {
    assert_eq!(predicted.len(), labels.len(), "one prediction per label");
    let mut m = Array2::zeros((roles, roles));
    for (&p, &t) in predicted.iter().zip(labels) {
        m[(t, p)] += 1;
    }
    m
}

/// Macro-averaged F1 of the top-1 choice, from a confusion matrix (rows
/// true, columns predicted): for each role `j`,
/// `F1_j = 2 TP / (2 TP + FP + FN)` with `TP = m[j][j]`, `FP` the rest of
/// column `j` and `FN` the rest of row `j`; the mean is over the roles that
/// occur as a label or as a prediction (a role that is neither has no F1,
/// as in scikit-learn). `None` when the matrix is all zeros.
///
/// ```
/// use ndarray::array;
/// use rolefit_learn::evaluate::macro_f1;
/// // Role 0: TP 2, FN 1, FP 0 -> 4/5. Role 1: TP 1, FP 1 -> 2/3.
/// let m = array![[2, 1], [0, 1]];
/// assert!((macro_f1(&m).unwrap() - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
/// ```
pub fn macro_f1(confusion: &Array2<usize>) -> Option<f64> {
    let roles = confusion.nrows().min(confusion.ncols());
    let mut f1s = Vec::new();
    for j in 0..roles {
        let tp = confusion[(j, j)] as f64;
        let row: usize = confusion.row(j).sum();
        let column: usize = confusion.column(j).sum();
        if row == 0 && column == 0 {
            continue;
        }
        let (fn_, fp) = (row as f64 - tp, column as f64 - tp);
        f1s.push(2.0 * tp / (2.0 * tp + fp + fn_));
    }
    mean(f1s.into_iter())
}

/// Share of respondents for whom two strategies pick the same top-1 role.
/// `None` for no respondents.
///
/// # Panics
/// If the slices differ in length (a caller bug).
pub fn top1_agreement(a: &[usize], b: &[usize]) -> Option<f64> {
    assert_eq!(a.len(), b.len(), "one choice per respondent in each");
    mean(a.iter().zip(b).map(|(x, y)| if x == y { 1.0 } else { 0.0 }))
}

/// Kendall's tau-b between two scorings of the same items (here: one
/// respondent's scores for every role under two strategies), ties
/// included: with `n0 = n(n-1)/2` pairs, `n1` pairs tied in `x`, `n2` tied
/// in `y`, `C` concordant and `D` discordant pairs,
/// `tau_b = (C - D) / sqrt((n0 - n1) (n0 - n2))`.
///
/// Values are compared exactly (pass scores through
/// [`tie_key`](rolefit_score::tie_key) first so that rounding noise does not
/// split a tie). `None` when it is undefined: fewer than two items, or
/// every item tied in `x` or in `y` (a zero denominator). Runs in
/// `O(n log n)` (Knight's algorithm: sort by `(x, y)`, then count the
/// exchanges a merge sort by `y` makes).
///
/// # Panics
/// If the slices differ in length (a caller bug).
///
/// ```
/// use rolefit_learn::evaluate::kendall_tau_b;
/// assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
/// assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
/// assert_eq!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]), None);
/// ```
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    assert_eq!(x.len(), y.len(), "two scorings of the same items");
    let n = x.len();
    if n < 2 {
        return None;
    }
    let pairs = |t: u64| t * (t - 1) / 2;
    let n0 = pairs(n as u64);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp_f64(x[a], x[b]).then(cmp_f64(y[a], y[b])));

    // Ties in x, and joint ties in (x, y), from runs of the sorted order.
    let (mut n1, mut n3) = (0u64, 0u64);
    let (mut run_x, mut run_xy) = (1u64, 1u64);
    for w in order.windows(2) {
        let (a, b) = (w[0], w[1]);
        if cmp_f64(x[a], x[b]) == Ordering::Equal {
            run_x += 1;
            if cmp_f64(y[a], y[b]) == Ordering::Equal {
                run_xy += 1;
            } else {
                n3 += pairs(run_xy);
                run_xy = 1;
            }
        } else {
            n1 += pairs(run_x);
            n3 += pairs(run_xy);
            run_x = 1;
            run_xy = 1;
        }
    }
    n1 += pairs(run_x);
    n3 += pairs(run_xy);

    // Discordant pairs: the exchanges of a stable merge sort by y.
    let values: Vec<f64> = order.iter().map(|&i| y[i]).collect();
    let (sorted, swaps) = sort_counting_exchanges(values);

    let mut n2 = 0u64;
    let mut run_y = 1u64;
    for w in sorted.windows(2) {
        if cmp_f64(w[0], w[1]) == Ordering::Equal {
            run_y += 1;
        } else {
            n2 += pairs(run_y);
            run_y = 1;
        }
    }
    n2 += pairs(run_y);

    let denominator = ((n0 - n1) as f64) * ((n0 - n2) as f64);
    if denominator <= 0.0 {
        return None;
    }
    // C - D = n0 - n1 - n2 + n3 - 2 D, in signed arithmetic.
    let s = n0 as i128 - n1 as i128 - n2 as i128 + n3 as i128 - 2 * swaps as i128;
    Some((s as f64 / denominator.sqrt()).clamp(-1.0, 1.0))
}

/// Sorts `v` ascending with a stable merge sort and returns it with the
/// number of pairs it had out of order (strictly greater before smaller):
/// the inversion count.
fn sort_counting_exchanges(mut v: Vec<f64>) -> (Vec<f64>, u64) {
    let n = v.len();
    let mut buffer = v.clone();
    let mut swaps = 0u64;
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if cmp_f64(v[j], v[i]) == Ordering::Less {
                    // v[j] jumps over every element left in the left half.
                    swaps += (mid - i) as u64;
                    buffer[k] = v[j];
                    j += 1;
                } else {
                    buffer[k] = v[i];
                    i += 1;
                }
                k += 1;
            }
            buffer[k..k + (mid - i)].copy_from_slice(&v[i..mid]);
            k += mid - i;
            buffer[k..k + (end - j)].copy_from_slice(&v[j..end]);
            start = end;
        }
        std::mem::swap(&mut v, &mut buffer);
        width *= 2;
    }
    (v, swaps)
}

/// A total order on numbers in which `-0.0` equals `0.0` (NaN, which no
/// caller should pass, is ordered by its bits).
fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or_else(|| a.total_cmp(&b))
}

/// The arithmetic mean, `None` for nothing.
pub(crate) fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use proptest::prelude::*;

    use super::*;
    use rolefit_score::test_util::assert_close;

    /// tau-b straight from the definition, over all pairs.
    fn tau_b_by_pairs(x: &[f64], y: &[f64]) -> Option<f64> {
        let n = x.len();
        let (mut c, mut d, mut tx, mut ty, mut n0) = (0i64, 0i64, 0i64, 0i64, 0i64);
        for i in 0..n {
            for j in i + 1..n {
                n0 += 1;
                let sx = (x[i] - x[j]).signum() * f64::from(x[i] != x[j]);
                let sy = (y[i] - y[j]).signum() * f64::from(y[i] != y[j]);
                if sx == 0.0 {
                    tx += 1;
                }
                if sy == 0.0 {
                    ty += 1;
                }
                if sx * sy > 0.0 {
                    c += 1;
                } else if sx * sy < 0.0 {
                    d += 1;
                }
            }
        }
        let denominator = ((n0 - tx) as f64) * ((n0 - ty) as f64);
        (n >= 2 && denominator > 0.0).then(|| (c - d) as f64 / denominator.sqrt())
    }

    #[test]
    fn ranks_of_the_true_role() {
        let rankings = vec![vec![2, 0, 1], vec![0, 1, 2], vec![1, 2, 0]];
        assert_eq!(true_ranks(&rankings, &[2, 1, 0]), vec![1, 2, 3]);
        // A label missing from a (partial) ranking ranks after it.
        assert_eq!(true_ranks(&[vec![1]], &[0]), vec![2]);
    }

    #[test]
    fn hand_computed_accuracies_mrr_and_ndcg() {
        // Ranks of the true role for five respondents.
        let ranks = [1, 1, 2, 3, 4];
        assert_eq!(top_k_accuracy(&ranks, 1), Some(0.4));
        assert_eq!(top_k_accuracy(&ranks, 3), Some(0.8));
        // (1 + 1 + 1/2 + 1/3 + 1/4) / 5 = 3.083333.. / 5
        assert_close(mean_reciprocal_rank(&ranks).unwrap(), 37.0 / 60.0, 1e-15);
        // Gains at k = 2: 1, 1, 1/log2(3), 0, 0.
        let expected = (2.0 + 1.0 / 3f64.log2()) / 5.0;
        assert_close(ndcg_at_k(&ranks, 2).unwrap(), expected, 1e-15);
        assert_close(
            ndcg_at_k(&ranks, 3).unwrap(),
            (2.0 + 1.0 / 3f64.log2() + 0.5) / 5.0,
            1e-15,
        );
        // NDCG@1 is top-1 accuracy.
        assert_eq!(ndcg_at_k(&ranks, 1), top_k_accuracy(&ranks, 1));
        for f in [
            top_k_accuracy(&[], 1),
            mean_reciprocal_rank(&[]),
            ndcg_at_k(&[], 3),
        ] {
            assert_eq!(f, None);
        }
    }

    #[test]
    fn hand_computed_confusion_and_macro_f1() {
        // Three roles; role 2 is never a label nor predicted.
        let labels = [0, 0, 0, 1, 1];
        let predicted = [0, 0, 1, 1, 0];
        let m = confusion_matrix(&predicted, &labels, 3);
        assert_eq!(m, array![[2, 1, 0], [1, 1, 0], [0, 0, 0]]);
        // Role 0: TP 2, FP 1, FN 1 -> 4/6. Role 1: TP 1, FP 1, FN 1 -> 2/4.
        assert_close(macro_f1(&m).unwrap(), (4.0 / 6.0 + 0.5) / 2.0, 1e-15);
        // A role predicted but never a label counts, with F1 0.
        let m = confusion_matrix(&[2, 0], &[0, 0], 3);
        assert_close(macro_f1(&m).unwrap(), (2.0 / 3.0 + 0.0) / 2.0, 1e-15);
        assert_eq!(macro_f1(&Array2::zeros((2, 2))), None);
    }

    #[test]
    fn hand_computed_tau_b_with_ties() {
        // x has one tie (items 0, 1); y has one tie (items 2, 3).
        // Pairs: (0,1) tied x; (0,2) C; (0,3) C; (1,2) C; (1,3) C; (2,3) tied y.
        // n0 = 6, n1 = 1, n2 = 1, C = 4, D = 0: 4 / sqrt(5 * 5) = 0.8.
        let x = [1.0, 1.0, 2.0, 3.0];
        let y = [1.0, 2.0, 3.0, 3.0];
        assert_close(kendall_tau_b(&x, &y).unwrap(), 0.8, 1e-15);
        // One discordant pair among three: (C - D) / n0 = (2 - 1) / 3.
        assert_close(
            kendall_tau_b(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).unwrap(),
            1.0 / 3.0,
            1e-15,
        );
        assert_eq!(kendall_tau_b(&[1.0], &[1.0]), None);
        assert_eq!(kendall_tau_b(&[2.0, 2.0, 2.0], &[1.0, 2.0, 3.0]), None);
    }

    /// The worked example of docs/evaluation.md: five respondents, roles
    /// A, B, C (0, 1, 2), strategies S and T.
    #[test]
    fn worked_example_of_the_docs() {
        let labels = [0, 0, 1, 2, 1];
        let s = [[0, 1, 2], [1, 0, 2], [1, 2, 0], [0, 2, 1], [1, 0, 2]];
        let t = [[0, 2, 1], [0, 1, 2], [2, 1, 0], [2, 0, 1], [1, 0, 2]];
        let ranks = true_ranks(&s, &labels);
        assert_eq!(ranks, vec![1, 2, 1, 2, 1]);
        assert_eq!(top_k_accuracy(&ranks, 1), Some(0.6));
        assert_eq!(top_k_accuracy(&ranks, 2), Some(1.0));
        assert_close(mean_reciprocal_rank(&ranks).unwrap(), 0.8, 1e-15);
        assert_close(ndcg_at_k(&ranks, 2).unwrap(), 0.852372, 1e-6);
        let top_s: Vec<usize> = s.iter().map(|r| r[0]).collect();
        let m = confusion_matrix(&top_s, &labels, 3);
        assert_eq!(m, array![[1, 1, 0], [0, 2, 0], [1, 0, 0]]);
        assert_close(macro_f1(&m).unwrap(), (0.5 + 0.8 + 0.0) / 3.0, 1e-15);
        let ranks_t = true_ranks(&t, &labels);
        assert_eq!(top_k_accuracy(&ranks_t, 1), Some(0.8));
        assert_close(mean_reciprocal_rank(&ranks_t).unwrap(), 0.9, 1e-15);
        // Scores from positions (first = 3) for tau-b.
        let scores = |r: &[usize; 3]| {
            let mut x = [0.0; 3];
            for (pos, &role) in r.iter().enumerate() {
                x[role] = (3 - pos) as f64;
            }
            x
        };
        let taus: Vec<f64> = (0..5)
            .map(|i| kendall_tau_b(&scores(&s[i]), &scores(&t[i])).unwrap())
            .collect();
        assert_close(mean(taus.iter().copied()).unwrap(), 7.0 / 15.0, 1e-15);
        let top_t: Vec<usize> = t.iter().map(|r| r[0]).collect();
        assert_eq!(top1_agreement(&top_s, &top_t), Some(0.4));
        // The tie example: x = (0.9, 0.7, 0.7), y = (0.8, 0.8, 0.1).
        assert_close(
            kendall_tau_b(&[0.9, 0.7, 0.7], &[0.8, 0.8, 0.1]).unwrap(),
            0.5,
            1e-15,
        );
    }

    #[test]
    fn agreement_of_top_choices() {
        assert_eq!(top1_agreement(&[0, 1, 2, 2], &[0, 1, 1, 0]), Some(0.5));
        assert_eq!(top1_agreement(&[], &[]), None);
    }

    fn scores() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
        (1usize..40).prop_flat_map(|n| {
            (
                prop::collection::vec((0u8..6).prop_map(f64::from), n),
                prop::collection::vec((0u8..6).prop_map(f64::from), n),
            )
        })
    }

    proptest! {
        /// Knight's algorithm agrees with the count over all pairs, ties
        /// included.
        #[test]
        fn tau_b_equals_the_pairwise_definition((x, y) in scores()) {
            match (kendall_tau_b(&x, &y), tau_b_by_pairs(&x, &y)) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12, "{a} vs {b}"),
                (a, b) => prop_assert_eq!(a, b),
            }
        }

        /// A ranking agrees perfectly with itself and disagrees perfectly
        /// with its reverse; tau-b is symmetric and within [-1, 1].
        #[test]
        fn tau_b_of_itself_and_its_reverse((x, y) in scores()) {
            let distinct = {
                let mut s = x.clone();
                s.sort_by(f64::total_cmp);
                s.dedup();
                s.len() >= 2
            };
            if distinct {
                prop_assert_eq!(kendall_tau_b(&x, &x), Some(1.0));
                let reversed: Vec<f64> = x.iter().map(|v| -v).collect();
                prop_assert_eq!(kendall_tau_b(&x, &reversed), Some(-1.0));
            }
            let (a, b) = (kendall_tau_b(&x, &y), kendall_tau_b(&y, &x));
            prop_assert_eq!(a, b);
            if let Some(t) = a {
                prop_assert!((-1.0..=1.0).contains(&t));
            }
        }

        /// Accuracies, MRR and NDCG lie in [0, 1]; accuracy grows with k.
        #[test]
        fn rank_metrics_are_fractions(ranks in prop::collection::vec(1usize..10, 1..50), k in 1usize..10) {
            for v in [
                top_k_accuracy(&ranks, k),
                mean_reciprocal_rank(&ranks),
                ndcg_at_k(&ranks, k),
            ] {
                let v = v.unwrap();
                prop_assert!((0.0..=1.0).contains(&v), "{v}");
            }
            prop_assert!(top_k_accuracy(&ranks, k) <= top_k_accuracy(&ranks, k + 1));
            prop_assert!(ndcg_at_k(&ranks, k).unwrap() <= top_k_accuracy(&ranks, k).unwrap() + 1e-15);
        }

        /// Macro-F1 lies in [0, 1] and is 1 exactly for perfect predictions.
        #[test]
        fn macro_f1_is_a_fraction(pairs in prop::collection::vec((0usize..4, 0usize..4), 1..40)) {
            let (labels, predicted): (Vec<usize>, Vec<usize>) = pairs.into_iter().unzip();
            let f = macro_f1(&confusion_matrix(&predicted, &labels, 4)).unwrap();
            prop_assert!((0.0..=1.0).contains(&f));
            prop_assert_eq!(macro_f1(&confusion_matrix(&labels, &labels, 4)), Some(1.0));
        }
    }
}
