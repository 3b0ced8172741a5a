//! Learned weights (`--weights learned`): how consistently each role's
//! holders answer each capability.
//!
//! Under Gaussian noise the most accurate distance weighs each squared gap
//! by the noise precision `1 / sigma^2` (a diagonal-covariance Gaussian per
//! role). From labelled holders, for role `j` and capability `c`, with
//! `n_jc` holders who answered `c` and `S_jc` the sum of their squared
//! deviations from their own mean:
//!
//! ```text
//! v     = sum_jc S_jc / sum_jc n_jc                  (pooled within-role variance)
//! v_jc  = (S_jc + K * v) / (n_jc + K),   K = 20      (shrunk toward v)
//! p_jc  = v / v_jc                                    (1 = the average consistency)
//! ```
//!
//! `K` is a number of pseudo-holders: with a thousand holders a role's own
//! spread decides, with a handful the weight stays near 1 (uniform), and a
//! role without holders gets 1 everywhere. When no holder varies at all
//! (`v = 0`) every weight is 1. A capability the role gives importance 0
//! stays out of its distance whatever `p` says ([`rolefit_score::Weights`]).

use ndarray::Array2;
use rolefit_model::ProfileBatch;

/// `K`, the pseudo-holders each role's spread is shrunk with.
pub const PRECISION_SHRINKAGE: f64 = 20.0;

/// The learned precisions `p` (roles x capabilities), from `profiles`
/// labelled with their role (`labels[i] < roles`); see the
/// [module documentation](self).
pub fn learn_precisions(profiles: &ProfileBatch, labels: &[usize], roles: usize) -> Array2<f64> {
    let c = profiles.capabilities();
    let mut count = Array2::<f64>::zeros((roles, c));
    let mut sum = Array2::<f64>::zeros((roles, c));
    for (i, &role) in labels.iter().enumerate() {
        let (x, a) = profiles.row(i);
        for k in (0..c).filter(|&k| a[k]) {
            count[(role, k)] += 1.0;
            sum[(role, k)] += x[k];
        }
    }
    let mean = Array2::from_shape_fn((roles, c), |at| {
        if count[at] > 0.0 {
            sum[at] / count[at]
        } else {
            0.0
        }
    });
    let mut squares = Array2::<f64>::zeros((roles, c));
    for (i, &role) in labels.iter().enumerate() {
        let (x, a) = profiles.row(i);
        for k in (0..c).filter(|&k| a[k]) {
            let d = x[k] - mean[(role, k)];
            squares[(role, k)] += d * d;
        }
    }
    let total: f64 = count.sum();
    let pooled = if total > 0.0 { squares.sum() / total } else { 0.0 };
    if !(pooled > 0.0 && pooled.is_finite()) {
        return Array2::ones((roles, c));
    }
    Array2::from_shape_fn((roles, c), |at| {
        let shrunk = (squares[at] + PRECISION_SHRINKAGE * pooled) / (count[at] + PRECISION_SHRINKAGE);
        pooled / shrunk
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(rows: &[(usize, [f64; 2])]) -> (ProfileBatch, Vec<usize>) {
        let mut b = ProfileBatch::new(2);
        for (i, (_, x)) in rows.iter().enumerate() {
            b.push(format!("p{i}"), &[Some(x[0]), Some(x[1])]);
        }
        (b, rows.iter().map(|r| r.0).collect())
    }

    #[test]
    fn precisions_follow_the_formula() {
        // Role 0: capability 0 answered 2, 4 (S = 2), capability 1 answered
        // 3, 3 (S = 0). Role 1 has no holders.
        let (b, labels) = batch(&[(0, [2.0, 3.0]), (0, [4.0, 3.0])]);
        let p = learn_precisions(&b, &labels, 2);
        let v = 2.0 / 4.0;
        let k = PRECISION_SHRINKAGE;
        assert!((p[(0, 0)] - v / ((2.0 + k * v) / (2.0 + k))).abs() < 1e-12);
        assert!((p[(0, 1)] - v / ((k * v) / (2.0 + k))).abs() < 1e-12);
        assert!(p[(0, 1)] > 1.0 && p[(0, 0)] < 1.0);
        assert_eq!(p.row(1).to_vec(), vec![1.0, 1.0]);
    }

    #[test]
    fn many_holders_recover_the_noise_precision_and_few_stay_near_uniform() {
        // Capability 0 varies by +-1 (variance 1), capability 1 by +-0.5
        // (variance 0.25): pooled variance 0.625, precisions 0.625 and 2.5.
        let rows: Vec<(usize, [f64; 2])> = (0..4000)
            .map(|i| {
                let s = if i % 2 == 0 { 1.0 } else { -1.0 };
                (0, [3.0 + s, 3.0 + 0.5 * s])
            })
            .collect();
        let (b, labels) = batch(&rows);
        let p = learn_precisions(&b, &labels, 1);
        assert!((p[(0, 0)] - 0.625).abs() < 0.01, "{p}");
        assert!((p[(0, 1)] - 2.5).abs() < 0.05, "{p}");
        let (b, labels) = batch(&rows[..4]);
        let few = learn_precisions(&b, &labels, 1);
        assert!(
            (few[(0, 0)] - 1.0).abs() < 0.2 && (few[(0, 1)] - 1.0).abs() < 0.4,
            "{few}"
        );
    }

    #[test]
    fn no_spread_means_uniform() {
        let (b, labels) = batch(&[(0, [2.0, 3.0]), (0, [2.0, 3.0])]);
        assert_eq!(learn_precisions(&b, &labels, 1), Array2::<f64>::ones((1, 2)));
    }
}
