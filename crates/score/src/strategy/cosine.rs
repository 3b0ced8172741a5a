//! `cosine`: the angle between the profile and the role, weighted.
//!
//! Cosine compares the *shape* of two vectors from the origin: a profile at
//! half of every level of a role still scores 1. It is included because it
//! is the classic similarity for profiles, and as a contrast to the
//! default, which compares absolute levels.

use ndarray::{Array2, Axis};
use rolefit_model::ProfileBatch;

use super::{batch_values, mask_sums, product, role_view, Strategy};
use crate::compiled::weighted_sums;
use crate::{CompiledMatrix, ScoreError, Workspace};

/// `cosine = sum(w*x*r) / (sqrt(sum(w*x^2)) * sqrt(sum(w*r^2)))`, sums over
/// the answered capabilities.
///
/// - **Range**: `[0, 1]` for values on the scale (all values are `>= 0`);
///   the result is clamped into `[-1, 1]` against rounding.
/// - **Degenerate**: `0` when `sum(w) = 0` over the answered capabilities,
///   or when either weighted norm `sqrt(sum(w*x^2))`, `sqrt(sum(w*r^2))` is
///   `0`.
/// - **Contributions**: `c_i = w_i*x_i*r_i / (|x|_w * |r|_w)` with
///   `|x|_w = sqrt(sum(w*x^2))`, `|r|_w = sqrt(sum(w*r^2))`; they sum to the
///   score. All `0` in the degenerate cases.
/// - **Vectorised** as `X·(W∘R)ᵀ`, `(X∘X)·Wᵀ` and `M·[W; W∘R∘R]ᵀ`; every
///   term is `>= 0`, so nothing cancels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cosine;

/// The one-pair sums `(sum(w*x*r), sum(w*x^2), sum(w*r^2), sum(w))`.
fn sums(x: &[f64], m: &[f64], r: &[f64], w: &[f64]) -> (f64, f64, f64, f64) {
    let mut acc = (0.0, 0.0, 0.0, 0.0);
    for (((&x, &m), &r), &w) in x.iter().zip(m).zip(r).zip(w) {
        let mw = m * w;
        acc.0 += mw * x * r;
        acc.1 += mw * x * x;
        acc.2 += mw * r * r;
        acc.3 += mw;
    }
    acc
}

/// Whether no weight was answered or either weighted norm is 0.
fn degenerate(sxx: f64, srr: f64, sw: f64) -> bool {
    sw <= 0.0 || sxx <= 0.0 || srr <= 0.0
}

/// The score from the sums, with the degenerate cases.
fn finish(sxr: f64, sxx: f64, srr: f64, sw: f64) -> f64 {
    if degenerate(sxx, srr, sw) {
        return 0.0;
    }
    (sxr / (sxx.sqrt() * srr.sqrt())).clamp(-1.0, 1.0)
}

impl Strategy for Cosine {
    fn name(&self) -> &str {
        "cosine"
    }

    fn formula(&self) -> &str {
        "sum(w*x*r) / (sqrt(sum(w*x^2)) * sqrt(sum(w*r^2)))"
    }

    fn description(&self) -> &str {
        "Weighted cosine similarity: how alike the profile's shape is to the role's, ignoring overall level."
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let x = batch_values(matrix, profiles)?;
        let k = matrix.n_roles();
        let mut sxr = product(ws, &x, &matrix.weighted_levels);
        let mut squares = ws.array(x.dim());
        squares.zip_mut_with(&x, |s, &v| *s = v * v);
        let sxx = weighted_sums(matrix, &squares, ws);
        let masked = mask_sums(profiles, &matrix.cosine_mask_rhs, ws);
        let masked_view = masked.view();
        let (sw, srr) = masked_view.split_at(Axis(1), k);
        ndarray::Zip::from(&mut sxr)
            .and(&sxx)
            .and(&srr)
            .and(&sw)
            .for_each(|out, &sxx, &srr, &sw| *out = finish(*out, sxx, srr, sw));
        masked.give(ws);
        for a in [squares, sxx] {
            ws.give(a);
        }
        Ok(sxr)
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        let (r, w, m) = role_view(matrix, values, answered, role);
        let (_, sxx, srr, sw) = sums(values, &m, r, w);
        if degenerate(sxx, srr, sw) {
            return Some(vec![0.0; values.len()]);
        }
        let norm = sxx.sqrt() * srr.sqrt();
        Some(
            (0..values.len())
                .map(|i| m[i] * w[i] * values[i] * r[i] / norm)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use rolefit_model::Scale;

    use super::*;
    use crate::test_util::{assert_close, batch, example_batch, example_matrix, matrix_on};

    #[test]
    fn worked_example() {
        // docs/strategies.md: x = (4, -, 2); B is unanswered, so sums run
        // over A and C only.
        // Role 0: w = (2, 1), r = (4, 3).  sum(w*x*r) = 2*4*4 + 1*2*3 = 38,
        //   sum(w*x^2) = 2*16 + 4 = 36, sum(w*r^2) = 2*16 + 9 = 41,
        //   cosine = 38 / (6 * sqrt(41)) = 38 / 38.418745 = 0.989100
        // Role 1: w = (1, 1), r = (2, 1).  sum(w*x*r) = 8 + 2 = 10,
        //   sum(w*x^2) = 20, sum(w*r^2) = 5, cosine = 10 / sqrt(100) = 1:
        //   x = 2r, the same shape at twice the level.
        let cm = CompiledMatrix::new(&example_matrix());
        let s = Cosine.score(&cm, &example_batch()).unwrap();
        assert_close(s[[0, 0]], 38.0 / (6.0 * 41f64.sqrt()), 1e-12);
        assert_close(s[[0, 0]], 0.989_100_492, 1e-9);
        assert_close(s[[0, 1]], 1.0, 1e-12);
    }

    #[test]
    fn degenerate_cases_score_zero() {
        // On 0..5 so that role 1 can ask for level 0 everywhere.
        let cm = CompiledMatrix::new(&matrix_on(
            Scale::new(0.0, 5.0).unwrap(),
            &[&[(2.0, 1.0), (3.0, 0.0)], &[(0.0, 1.0), (0.0, 1.0)]],
        ));
        let b = batch(
            2,
            &[
                &[None, None],           // answered nothing: sum(w) = 0
                &[None, Some(4.0)],      // role 0 has no weight on B: sum(w) = 0
                &[Some(0.0), Some(0.0)], // |x|_w = 0
                &[Some(1.0), Some(2.0)], // role 1: |r|_w = 0
            ],
        );
        let s = Cosine.score(&cm, &b).unwrap();
        assert_eq!(s.row(0).to_vec(), vec![0.0, 0.0]);
        assert_eq!(s[[1, 0]], 0.0);
        assert_eq!(s.row(2).to_vec(), vec![0.0, 0.0]);
        assert_eq!(s[[3, 1]], 0.0);
        assert_close(s[[3, 0]], 1.0, 1e-12);
        assert_eq!(
            Cosine.contributions(&cm, &[0.0, 0.0], &[true, true], 0),
            Some(vec![0.0, 0.0])
        );
    }

    #[test]
    fn contributions_sum_to_the_score() {
        // Role 0, x = (4, -, 2): c = (2*4*4, 0, 1*2*3) / (6 * sqrt(41)).
        let cm = CompiledMatrix::new(&example_matrix());
        let c = Cosine
            .contributions(&cm, &[4.0, 0.0, 2.0], &[true, false, true], 0)
            .unwrap();
        let norm = 6.0 * 41f64.sqrt();
        assert_close(c[0], 32.0 / norm, 1e-12);
        assert_eq!(c[1], 0.0);
        assert_close(c[2], 6.0 / norm, 1e-12);
        let s = Cosine.score(&cm, &example_batch()).unwrap();
        assert_close(c.iter().sum(), s[[0, 0]], 1e-12);
    }
}
