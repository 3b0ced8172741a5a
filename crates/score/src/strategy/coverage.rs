//! `coverage`: the weighted share of the role's required levels the
//! respondent reaches.
//!
//! Surplus is not penalised: being above a level counts as meeting it, and
//! no more. Use it when over-qualification should not lower a fit. Like
//! `manhattan` it has no matrix-product form (minima), so it runs one tight
//! loop per (profile, role) pair.

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use super::{pairwise, role_view, Strategy};
use crate::{CompiledMatrix, ScoreError, Workspace};

/// `coverage = sum(w*min(x, r)) / sum(w*r)`, sums over the answered
/// capabilities.
///
/// - **Range**: `[0, 1]`; `1` when every answered value with `w*r > 0`
///   reaches its level. The result is clamped into `[0, 1]`.
/// - **Degenerate**: `0` when `sum(w*r) = 0` over the answered capabilities
///   (which includes `sum(w) = 0`): the role asks for nothing the
///   respondent answered.
/// - **Contributions**: `c_i = w_i*min(x_i, r_i) / sum(w*r)`; they sum to
///   the score. All `0` in the degenerate case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage;

/// The one-pair sums `(sum(w*min(x, r)), sum(w*r))`.
fn sums(x: &[f64], m: &[f64], r: &[f64], w: &[f64]) -> (f64, f64) {
    let (mut met, mut asked) = (0.0, 0.0);
    for (((&x, &m), &r), &w) in x.iter().zip(m).zip(r).zip(w) {
        let mw = m * w;
        met += mw * x.min(r);
        asked += mw * r;
    }
    (met, asked)
}

/// The score from the sums, with the degenerate case.
fn finish(met: f64, asked: f64) -> f64 {
    if asked <= 0.0 {
        return 0.0;
    }
    (met / asked).clamp(0.0, 1.0)
}

impl Strategy for Coverage {
    fn name(&self) -> &str {
        "coverage"
    }

    fn formula(&self) -> &str {
        "sum(w*min(x,r)) / sum(w*r)"
    }

    fn description(&self) -> &str {
        "The importance-weighted share of the role's target levels that the answers reach; \
         surplus is not penalised."
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        pairwise(matrix, profiles, ws, |x, m, r, w| {
            let (met, asked) = sums(x, m, r, w);
            finish(met, asked)
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
        let (_, asked) = sums(values, &m, r, w);
        if asked <= 0.0 {
            return Some(vec![0.0; values.len()]);
        }
        Some(
            (0..values.len())
                .map(|i| m[i] * w[i] * values[i].min(r[i]) / asked)
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
        // docs/strategies.md: x = (4, -, 2).
        // Role 0: w = (2, 1), r = (4, 3): sum(w*min) = 2*4 + 1*2 = 10,
        //   sum(w*r) = 8 + 3 = 11, score = 10/11 = 0.909091.
        // Role 1: w = (1, 1), r = (2, 1): sum(w*min) = 2 + 1 = 3 = sum(w*r),
        //   score = 1: the respondent reaches every level (with surplus).
        let cm = CompiledMatrix::new(&example_matrix());
        let s = Coverage.score(&cm, &example_batch()).unwrap();
        assert_close(s[[0, 0]], 10.0 / 11.0, 1e-12);
        assert_eq!(s[[0, 1]], 1.0);
    }

    #[test]
    fn degenerate_cases_score_zero() {
        // On 0..5 so that role 1 can ask for level 0 everywhere.
        let cm = CompiledMatrix::new(&matrix_on(
            Scale::new(0.0, 5.0).unwrap(),
            &[&[(4.0, 1.0), (2.0, 0.0)], &[(0.0, 1.0), (0.0, 1.0)]],
        ));
        let b = batch(2, &[&[None, None], &[None, Some(5.0)], &[Some(0.0), Some(3.0)]]);
        let s = Coverage.score(&cm, &b).unwrap();
        assert_eq!(s.row(0).to_vec(), vec![0.0, 0.0]); // answered nothing
        assert_eq!(s[[1, 0]], 0.0); // role 0 has no weight on B
        assert_eq!(s.column(1).to_vec(), vec![0.0; 3]); // role 1 asks for nothing
        assert_eq!(s[[2, 0]], 0.0); // x = 0 reaches none of level 4
        let c = Coverage.contributions(&cm, &[1.0, 2.0], &[true, true], 1);
        assert_eq!(c, Some(vec![0.0, 0.0]));
    }

    #[test]
    fn contributions_sum_to_the_score() {
        // Role 0, x = (4, -, 2): c = (2*4, 0, 1*2) / 11.
        let cm = CompiledMatrix::new(&example_matrix());
        let c = Coverage
            .contributions(&cm, &[4.0, 0.0, 2.0], &[true, false, true], 0)
            .unwrap();
        assert_eq!(c, vec![8.0 / 11.0, 0.0, 2.0 / 11.0]);
        let s = Coverage.score(&cm, &example_batch()).unwrap();
        assert_close(c.iter().sum(), s[[0, 0]], 1e-12);
    }
}
