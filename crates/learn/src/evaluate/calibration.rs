//! A probability that means what it says, and how to check that it does.
//!
//! A strategy's scores rank roles but are not chances: `euclidean` gives
//! every role something near 0.8. The **probability** of role `j` is a
//! softmax of the scores `s` with a temperature `T` fitted on labelled
//! respondents:
//!
//! ```text
//! p_j = exp(s_j / T) / sum_l exp(s_l / T)
//! ```
//!
//! [`fit_temperature`] chooses `T` by maximum likelihood (the `T` that
//! minimises the log-loss of the actual roles; the log-loss is convex in
//! `1 / T`, so the optimum is unique and found by Newton's method on
//! `1 / T`, safeguarded by bisection). Models that already give
//! probabilities (`model:logistic`, `model:lda`) keep their own.
//!
//! Three checks of a confidence signal against "the top-1 role is the
//! actual one", each a pure function:
//!
//! - [`reliability`]: respondents binned by the top-1 probability into ten
//!   equal-width bins (`[0, 0.1)`, ..., `[0.9, 1]`), each bin's mean
//!   probability beside its share of right answers;
//! - [`expected_calibration_error`]: `sum_b (n_b / n) |accuracy_b -
//!   confidence_b|` over those bins;
//! - [`auroc`]: the chance that a respondent whose top-1 role is right
//!   has a higher signal than one whose top-1 role is wrong (ties count
//!   half), the Mann-Whitney statistic; 0.5 is no better than a coin.

use ndarray::ArrayView2;

/// The bins of [`reliability`] and [`expected_calibration_error`].
pub const CALIBRATION_BINS: usize = 10;

/// `p = softmax(scores / temperature)` into `out` (same length).
pub fn softmax_into(scores: &[f64], temperature: f64, out: &mut [f64]) {
    let beta = 1.0 / temperature;
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (o, &s) in out.iter_mut().zip(scores) {
        *o = (beta * (s - top)).exp();
        total += *o;
    }
    out.iter_mut().for_each(|o| *o /= total);
}

/// The temperature `T` of the softmax that maximises the likelihood of the
/// actual roles `labels` under `scores` (respondents x roles); see the
/// [module documentation](self). `1 / T` is searched in `[0, 1e6]` and
/// the search stops when the log-loss's slope is below `1e-12` per
/// respondent: when the scores separate the roles perfectly the
/// likelihood grows without bound and a `T` is returned at which the right
/// roles' probabilities are 1 to rounding; with no respondents, `T = 1`.
pub fn fit_temperature(scores: ArrayView2<'_, f64>, labels: &[usize]) -> f64 {
    const BETA_MAX: f64 = 1e6;
    if labels.is_empty() {
        return 1.0;
    }
    // The derivative and second derivative of the log-loss in beta.
    let slope = |beta: f64| {
        let (mut g, mut h) = (0.0, 0.0);
        for (row, &y) in scores.outer_iter().zip(labels) {
            let top = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
            for &s in row {
                let e = (beta * (s - top)).exp();
                z += e;
                m1 += e * s;
                m2 += e * s * s;
            }
            let (mean, second) = (m1 / z, m2 / z);
            g += mean - row[y];
            h += (second - mean * mean).max(0.0);
        }
        (g, h)
    };
    let (mut lo, mut hi) = (0.0f64, BETA_MAX);
    let mut beta = 1.0;
    for _ in 0..200 {
        let (g, h) = slope(beta);
        if g.abs() <= 1e-12 * labels.len() as f64 {
            break;
        }
        if g > 0.0 {
            hi = beta;
        } else {
            lo = beta;
        }
        let newton = if h > 0.0 { beta - g / h } else { f64::NAN };
        beta = if newton > lo && newton < hi {
            newton
        } else if hi >= BETA_MAX {
            (beta * 4.0).min(BETA_MAX)
        } else {
            0.5 * (lo + hi)
        };
        if hi - lo <= 1e-12 * hi || beta >= BETA_MAX {
            break;
        }
    }
    1.0 / beta.clamp(1.0 / BETA_MAX, BETA_MAX)
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliabilityBin {
    /// The bin's lower end (inclusive).
    pub from: f64,
    /// Its upper end (exclusive, but the last bin includes 1).
    pub to: f64,
    /// Respondents whose top-1 probability falls in it.
    pub n: usize,
    /// Their mean top-1 probability (`None` when `n = 0`).
    pub confidence: Option<f64>,
    /// The share of them whose top-1 role is right (`None` when `n = 0`).
    pub accuracy: Option<f64>,
}

/// The reliability table of `confidence` (each respondent's top-1
/// probability, in `[0, 1]`) against `right` (whether their top-1 role is
/// the actual one): [`CALIBRATION_BINS`] equal-width bins.
///
/// # Panics
/// If the two slices differ in length (a caller bug).
pub fn reliability(confidence: &[f64], right: &[bool]) -> Vec<ReliabilityBin> {
    assert_eq!(confidence.len(), right.len(), "one confidence per respondent");
    let bins = CALIBRATION_BINS;
    let (mut n, mut sum, mut hits) = (vec![0usize; bins], vec![0.0; bins], vec![0usize; bins]);
    for (&c, &r) in confidence.iter().zip(right) {
        let b = ((c * bins as f64).floor().max(0.0) as usize).min(bins - 1);
        n[b] += 1;
        sum[b] += c;
        hits[b] += usize::from(r);
    }
    (0..bins)
        .map(|b| ReliabilityBin {
            from: b as f64 / bins as f64,
            to: (b + 1) as f64 / bins as f64,
            n: n[b],
            confidence: (n[b] > 0).then(|| sum[b] / n[b] as f64),
            accuracy: (n[b] > 0).then(|| hits[b] as f64 / n[b] as f64),
        })
        .collect()
}

/// The expected calibration error of `confidence` against `right` over
/// the bins of [`reliability`]; `None` with no respondents.
///
/// # Panics
/// As [`reliability`].
pub fn expected_calibration_error(confidence: &[f64], right: &[bool]) -> Option<f64> {
    if confidence.is_empty() {
        return None;
    }
    let n = confidence.len() as f64;
    Some(
        reliability(confidence, right)
            .iter()
            .filter_map(|b| Some(b.n as f64 / n * (b.accuracy? - b.confidence?).abs()))
            .sum(),
    )
}

/// The area under the ROC curve of `signal` for `right`: the chance that a
/// right respondent's signal exceeds a wrong one's, ties counting half;
/// `None` when everyone is right or everyone is wrong.
///
/// # Panics
/// If the two slices differ in length (a caller bug).
pub fn auroc(signal: &[f64], right: &[bool]) -> Option<f64> {
    assert_eq!(signal.len(), right.len(), "one signal per respondent");
    let positives = right.iter().filter(|&&r| r).count();
    let negatives = right.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..signal.len()).collect();
    order.sort_by(|&a, &b| signal[a].total_cmp(&signal[b]));
    // Sum of the positives' ranks, tied values sharing their mean rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && signal[order[j + 1]] == signal[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mean_rank * order[i..=j].iter().filter(|&&k| right[k]).count() as f64;
        i = j + 1;
    }
    let (p, q) = (positives as f64, negatives as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_fitted_temperature_recovers_the_one_that_made_the_labels() {
        // Scores uniform in [0, 1] over 4 roles; labels drawn from
        // softmax(s / 0.1). The maximum-likelihood T is near 0.1.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 20_000;
        let scores = Array2::from_shape_fn((n, 4), |_| rng.gen::<f64>());
        let mut p = [0.0; 4];
        let labels: Vec<usize> = scores
            .outer_iter()
            .map(|row| {
                softmax_into(row.as_slice().unwrap(), 0.1, &mut p);
                let u: f64 = rng.gen();
                let mut acc = 0.0;
                (0..4)
                    .find(|&j| {
                        acc += p[j];
                        u < acc
                    })
                    .unwrap_or(3)
            })
            .collect();
        let t = fit_temperature(scores.view(), &labels);
        assert!((t - 0.1).abs() < 0.005, "{t}");
        // The fitted T is a minimum of the log-loss.
        let loss = |t: f64| {
            let mut q = [0.0; 4];
            scores
                .outer_iter()
                .zip(&labels)
                .map(|(row, &y)| {
                    softmax_into(row.as_slice().unwrap(), t, &mut q);
                    -q[y].ln()
                })
                .sum::<f64>()
        };
        assert!(loss(t) <= loss(t * 1.01) && loss(t) <= loss(t * 0.99));
        // Perfect separation: cold enough that the right role is certain
        // to rounding (the log-loss's slope has vanished).
        let sep = ndarray::array![[1.0, 0.0], [0.0, 1.0]];
        let mut q = [0.0; 2];
        softmax_into(&[1.0, 0.0], fit_temperature(sep.view(), &[0, 1]), &mut q);
        assert!(q[0] > 1.0 - 1e-9, "{q:?}");
    }

    #[test]
    fn calibration_error_and_reliability_by_hand() {
        // Bin [0.9, 1]: 0.95 and 1.0, one right: confidence 0.975, accuracy
        // 0.5. Bin [0.5, 0.6): 0.5 right. ECE = 2/3 * 0.475 + 1/3 * 0.5.
        let c = [0.95, 1.0, 0.5];
        let r = [true, false, true];
        let table = reliability(&c, &r);
        assert_eq!(table.len(), 10);
        assert_eq!(table[9].n, 2);
        assert!((table[9].confidence.unwrap() - 0.975).abs() < 1e-15);
        assert_eq!(table[9].accuracy, Some(0.5));
        assert_eq!(table[5].n, 1);
        assert_eq!(table[0].confidence, None);
        let ece = expected_calibration_error(&c, &r).unwrap();
        assert!((ece - (2.0 / 3.0 * 0.475 + 1.0 / 3.0 * 0.5)).abs() < 1e-15);
        assert_eq!(expected_calibration_error(&[], &[]), None);
    }

    #[test]
    fn auroc_counts_pairs() {
        // Right: 0.9, 0.4; wrong: 0.5, 0.4. Pairs (right > wrong): 0.9 beats
        // both (2), 0.4 ties 0.4 (0.5), loses to 0.5: 2.5 of 4.
        let a = auroc(&[0.9, 0.5, 0.4, 0.4], &[true, false, true, false]).unwrap();
        assert!((a - 2.5 / 4.0).abs() < 1e-15);
        assert_eq!(auroc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(auroc(&[0.1, 0.9], &[false, true]), Some(1.0));
    }
}
