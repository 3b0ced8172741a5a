//! `euclidean`: one minus the weighted root-mean-square distance, as a
//! fraction of the scale. The default strategy.
//!
//! It compares absolute levels (a profile at half of every level is not a
//! fit), weighs capabilities by importance, reads as "how close, as a share
//! of the scale", and is what nearest-centroid classification under
//! Gaussian noise optimises. See docs/strategies.md for the full argument.

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use super::{checked_centred, mask_row, mask_sums, product, role_view, weighted_square_sums, Strategy};
use crate::compiled::row_slice;
use crate::{CompiledMatrix, ScoreError, Workspace};

/// A pair is recomputed directly when the expanded squared distance is at
/// most this fraction of its terms `sum(w*u^2) + sum(w*v^2)`; above it the
/// cancellation costs less than about `1e-11` of the score.
const RECHECK: f64 = 1e-3;

/// `euclidean = 1 - sqrt(sum(w*(x-r)^2) / sum(w)) / (H - L)`, sums over the
/// answered capabilities.
///
/// - **Range**: `[0, 1]`; `1` exactly when the answered values equal the
///   levels wherever `w > 0`. The result is clamped into `[0, 1]`.
/// - **Degenerate**: `0` when `sum(w) = 0` over the answered capabilities
///   (no evidence is not a perfect fit).
/// - **Contributions**: the loss `1 - score` split by each capability's
///   share of the weighted squared distance,
///   `c_i = -(1 - score) * w_i*(x_i-r_i)^2 / sum(w*(x-r)^2)`, `0` when the
///   distance is `0`; they sum to `score - 1`. All `0` when `sum(w) = 0`.
/// - **Vectorised** on values centred at the scale's midpoint
///   `u = x - (L+H)/2`, `v = r - (L+H)/2` (distances do not change):
///   `sum(w*(x-r)^2) = (U∘U)·Wᵀ - 2 U·(W∘V)ᵀ + M·(W∘V∘V)ᵀ`. Pairs whose
///   distance is at most `1e-3` of `sum(w*u^2) + sum(w*v^2)` are recomputed
///   directly, so near-perfect fits are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Euclidean;

/// The one-pair sums `(sum(w*(x-r)^2), sum(w))`.
fn sums(x: &[f64], m: &[f64], r: &[f64], w: &[f64]) -> (f64, f64) {
    let (mut d, mut sw) = (0.0, 0.0);
    for (((&x, &m), &r), &w) in x.iter().zip(m).zip(r).zip(w) {
        let mw = m * w;
        d += mw * (x - r) * (x - r);
        sw += mw;
    }
    (d, sw)
}

/// The score from the squared distance and the weight, with the degenerate
/// case.
fn finish(d: f64, sw: f64, width: f64) -> f64 {
    if sw <= 0.0 {
        return 0.0;
    }
    (1.0 - (d.max(0.0) / sw).sqrt() / width).clamp(0.0, 1.0)
}

/// [`finish`] without branches, for the vectorised pass: the same value
/// (`per_width = 1 / (H - L)`; a product where `finish` divides, so the two
/// may differ in the last bit).
#[inline]
fn finish_fast(d: f64, sw: f64, per_width: f64) -> f64 {
    let score = (1.0 - (d.max(0.0) / sw).sqrt() * per_width).clamp(0.0, 1.0);
    if sw > 0.0 {
        score
    } else {
        0.0
    }
}

impl Strategy for Euclidean {
    fn name(&self) -> &str {
        "euclidean"
    }

    fn formula(&self) -> &str {
        "1 - sqrt(sum(w*(x-r)^2) / sum(w)) / (H-L)"
    }

    fn description(&self) -> &str {
        "One minus the weighted root-mean-square gap between answers and target levels, \
         as a share of the scale."
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let scale = matrix.scale();
        let (mid, width) = (0.5 * (scale.min() + scale.max()), scale.width());
        let k = matrix.n_roles();
        let (mut u, row_squares) = checked_centred(matrix, profiles, |_, _| mid, ws)?;
        let mut out = product(ws, &u, &matrix.euclid_wv);
        // sum(w*u^2): with uniform importances `w_j * sum(u^2)`, computed
        // row by row below; otherwise a product.
        let full_suu = match matrix.uniform {
            Some(_) => None,
            None => Some(weighted_square_sums(matrix, &mut u, &row_squares, ws)),
        };
        let masked = mask_sums(profiles, &matrix.euclid_mask_rhs, ws);
        // Row by row over plain slices, in branch-free passes the compiler
        // can vectorise; the rare pairs whose expanded distance may have
        // lost digits are found in a last pass and redone directly.
        let per_width = 1.0 / width;
        let (mut d, mut uniform_suu) = (vec![0.0; k], vec![0.0; k]);
        for (i, mut row) in out.outer_iter_mut().enumerate() {
            let row = row.as_slice_mut().expect("a fresh product is in standard layout");
            let suu: &[f64] = match (&matrix.uniform, &full_suu) {
                (Some(w), _) => {
                    let total = row_squares[[i, 0]];
                    for (s, &w) in uniform_suu.iter_mut().zip(w) {
                        *s = total * w;
                    }
                    &uniform_suu
                }
                (None, Some(full)) => row_slice(full, i),
                (None, None) => unreachable!("computed above when importances are not uniform"),
            };
            let (sw, svv) = masked.row(i).split_at(k);
            for (((d, &suu), &uv), &svv) in d.iter_mut().zip(suu).zip(row.iter()).zip(svv) {
                *d = suu - 2.0 * uv + svv;
            }
            for ((score, &d), &sw) in row.iter_mut().zip(&d).zip(sw) {
                *score = finish_fast(d, sw, per_width);
            }
            for j in 0..k {
                if sw[j] > 0.0 && d[j] <= RECHECK * (suu[j] + svv[j]) {
                    let (x, answered) = profiles.row(i);
                    let exact = sums(
                        x,
                        &mask_row(answered),
                        matrix.level_row(j),
                        matrix.importance_row(j),
                    )
                    .0;
                    row[j] = finish_fast(exact, sw[j], per_width);
                }
            }
        }
        masked.give(ws);
        for a in [Some(u), Some(row_squares), full_suu].into_iter().flatten() {
            ws.give(a);
        }
        Ok(out)
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        let (r, w, m) = role_view(matrix, values, answered, role);
        let (d, sw) = sums(values, &m, r, w);
        if sw <= 0.0 || d <= 0.0 {
            return Some(vec![0.0; values.len()]);
        }
        let loss = 1.0 - finish(d, sw, matrix.scale().width());
        Some(
            (0..values.len())
                .map(|i| -loss * m[i] * w[i] * (values[i] - r[i]).powi(2) / d)
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
        // docs/strategies.md: x = (4, -, 2), scale 1..5 so H - L = 4.
        // Role 0: w = (2, 1), r = (4, 3) over A, C. sum(w*(x-r)^2) =
        //   2*0 + 1*1 = 1, sum(w) = 3, score = 1 - sqrt(1/3)/4 = 0.855662.
        // Role 1: w = (1, 1), r = (2, 1). sum(w*(x-r)^2) = 4 + 1 = 5,
        //   sum(w) = 2, score = 1 - sqrt(2.5)/4 = 0.604715.
        let cm = CompiledMatrix::new(&example_matrix());
        let s = Euclidean.score(&cm, &example_batch()).unwrap();
        assert_close(s[[0, 0]], 1.0 - (1.0f64 / 3.0).sqrt() / 4.0, 1e-12);
        assert_close(s[[0, 0]], 0.855_662, 1e-6);
        assert_close(s[[0, 1]], 1.0 - 2.5f64.sqrt() / 4.0, 1e-12);
        assert_close(s[[0, 1]], 0.604_715, 1e-6);
    }

    #[test]
    fn perfect_fit_is_exactly_one_and_extremes_are_zero() {
        let cm = CompiledMatrix::new(&matrix(&[&[(4.0, 2.0), (2.0, 1.0)], &[(1.0, 1.0), (1.0, 1.0)]]));
        let b = batch(2, &[&[Some(4.0), Some(2.0)], &[Some(5.0), Some(5.0)]]);
        let s = Euclidean.score(&cm, &b).unwrap();
        assert_eq!(s[[0, 0]], 1.0);
        // (5, 5) against (1, 1): every gap is the whole scale, score 0.
        assert_eq!(s[[1, 1]], 0.0);
    }

    #[test]
    fn no_evidence_scores_zero() {
        let cm = CompiledMatrix::new(&matrix(&[&[(4.0, 1.0), (2.0, 0.0)]]));
        let b = batch(2, &[&[None, None], &[None, Some(2.0)]]);
        let s = Euclidean.score(&cm, &b).unwrap();
        assert_eq!(s.column(0).to_vec(), vec![0.0, 0.0]);
        let c = Euclidean.contributions(&cm, &[0.0, 2.0], &[false, true], 0);
        assert_eq!(c, Some(vec![0.0, 0.0]));
    }

    #[test]
    fn contributions_split_the_loss() {
        // Role 1, x = (4, -, 2): squared gaps w*(x-r)^2 = (4, 0, 1) of 5, loss
        //   = sqrt(2.5)/4 = 0.395285, so c = (-0.8, 0, -0.2) * 0.395285.
        let cm = CompiledMatrix::new(&example_matrix());
        let c = Euclidean
            .contributions(&cm, &[4.0, 0.0, 2.0], &[true, false, true], 1)
            .unwrap();
        let loss = 2.5f64.sqrt() / 4.0;
        assert_close(c[0], -0.8 * loss, 1e-12);
        assert_eq!(c[1], 0.0);
        assert_close(c[2], -0.2 * loss, 1e-12);
        let s = Euclidean.score(&cm, &example_batch()).unwrap();
        assert_close(c.iter().sum::<f64>(), s[[0, 1]] - 1.0, 1e-12);
        // A perfect fit loses nothing.
        let perfect = Euclidean
            .contributions(&cm, &[4.0, 2.0, 3.0], &[true; 3], 0)
            .unwrap();
        assert_eq!(perfect, vec![0.0; 3]);
    }
}
