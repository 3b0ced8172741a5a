//! `manhattan`: one minus the weighted mean absolute gap, as a fraction of
//! the scale.
//!
//! Like `euclidean` it compares absolute levels, but every point of gap
//! costs the same, so one large gap hurts less than under `euclidean`. It
//! has no matrix-product form (absolute values), so it runs one tight,
//! allocation-free loop per (profile, role) pair.

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use super::{pairwise, role_view, Strategy};
use crate::{CompiledMatrix, ScoreError, Workspace};

/// `manhattan = 1 - (sum(w*|x-r|) / sum(w)) / (H - L)`, sums over the
/// answered capabilities.
///
/// - **Range**: `[0, 1]`; `1` exactly when the answered values equal the
///   levels wherever `w > 0`. The result is clamped into `[0, 1]`.
/// - **Degenerate**: `0` when `sum(w) = 0` over the answered capabilities.
/// - **Contributions**: `c_i = -(w_i*|x_i-r_i| / sum(w)) / (H - L)`; they
///   sum to `score - 1`. All `0` when `sum(w) = 0`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Manhattan;

/// The one-pair sums `(sum(w*|x-r|), sum(w))`.
fn sums(x: &[f64], m: &[f64], r: &[f64], w: &[f64]) -> (f64, f64) {
    let (mut d, mut sw) = (0.0, 0.0);
    for (((&x, &m), &r), &w) in x.iter().zip(m).zip(r).zip(w) {
        let mw = m * w;
        d += mw * (x - r).abs();
        sw += mw;
    }
    (d, sw)
}

/// The score from the sums, with the degenerate case.
fn finish(d: f64, sw: f64, width: f64) -> f64 {
    if sw <= 0.0 {
        return 0.0;
    }
    (1.0 - (d / sw) / width).clamp(0.0, 1.0)
}

impl Strategy for Manhattan {
    fn name(&self) -> &str {
        "manhattan"
    }

    fn formula(&self) -> &str {
        "1 - (sum(w*|x-r|) / sum(w)) / (H-L)"
    }

    fn description(&self) -> &str {
        "One minus the weighted mean absolute gap between answers and target levels, \
         as a share of the scale."
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let width = matrix.scale().width();
        pairwise(matrix, profiles, ws, |x, m, r, w| {
            let (d, sw) = sums(x, m, r, w);
            finish(d, sw, width)
        })
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        let (r, w, m) = role_view(matrix, values, answered, role);
        let (_, sw) = sums(values, &m, r, w);
        if sw <= 0.0 {
            return Some(vec![0.0; values.len()]);
        }
        let width = matrix.scale().width();
        Some(
            (0..values.len())
                .map(|i| -(m[i] * w[i] * (values[i] - r[i]).abs() / sw) / width)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_close, batch, example_batch, example_matrix, matrix};

    #[test]
    fn worked_example() {
        // docs/strategies.md: x = (4, -, 2), H - L = 4.
        // Role 0: w = (2, 1), r = (4, 3): sum(w*|x-r|) = 0 + 1 = 1, sum(w) =
        //   3, score = 1 - (1/3)/4 = 11/12 = 0.916667.
        // Role 1: w = (1, 1), r = (2, 1): sum(w*|x-r|) = 2 + 1 = 3, sum(w) =
        //   2, score = 1 - 1.5/4 = 0.625.
        let cm = CompiledMatrix::new(&example_matrix());
        let s = Manhattan.score(&cm, &example_batch()).unwrap();
        assert_close(s[[0, 0]], 11.0 / 12.0, 1e-12);
        assert_close(s[[0, 1]], 0.625, 1e-12);
    }

    #[test]
    fn degenerate_and_extreme_cases() {
        let cm = CompiledMatrix::new(&matrix(&[&[(4.0, 1.0), (2.0, 0.0)], &[(1.0, 1.0), (1.0, 1.0)]]));
        let b = batch(2, &[&[None, None], &[None, Some(5.0)], &[Some(5.0), Some(5.0)]]);
        let s = Manhattan.score(&cm, &b).unwrap();
        assert_eq!(s.row(0).to_vec(), vec![0.0, 0.0]); // answered nothing
        assert_eq!(s[[1, 0]], 0.0); // role 0 has no weight on B
        assert_eq!(s[[2, 1]], 0.0); // every gap is the whole scale
        assert_close(s[[2, 0]], 0.75, 1e-12); // |5 - 4| / 4 = 0.25 lost
        let c = Manhattan.contributions(&cm, &[0.0, 5.0], &[false, true], 0);
        assert_eq!(c, Some(vec![0.0, 0.0]));
    }

    #[test]
    fn contributions_sum_to_score_minus_one() {
        // Role 1, x = (4, -, 2): c = -(1*2/2, 0, 1*1/2) / 4 = (-0.25, 0, -0.125).
        let cm = CompiledMatrix::new(&example_matrix());
        let c = Manhattan
            .contributions(&cm, &[4.0, 0.0, 2.0], &[true, false, true], 1)
            .unwrap();
        assert_eq!(c, vec![-0.25, 0.0, -0.125]);
        let s = Manhattan.score(&cm, &example_batch()).unwrap();
        assert_close(c.iter().sum::<f64>(), s[[0, 1]] - 1.0, 1e-12);
    }
}
