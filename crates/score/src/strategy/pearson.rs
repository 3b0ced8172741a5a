//! `pearson`: the weighted correlation between the profile and the role.
//!
//! Pearson compares the *pattern* of strengths and weaknesses and ignores
//! both the overall level and the spread: a respondent who rates everything
//! one point too high (self-rating elevation) still correlates perfectly.
//! That makes it the strategy of choice when answers are relative rather
//! than absolute, and a poor one when absolute level matters.

use ndarray::{Array2, Axis, Zip};
use rolefit_model::ProfileBatch;

use super::{checked_centred, mask_row, mask_sums, product, role_view, weighted_square_sums, Strategy};
use crate::{CompiledMatrix, ScoreError, Workspace};

/// A weighted variance at most this times `(H - L)^2` counts as zero.
const ZERO_VARIANCE: f64 = 1e-12;

/// A pair is recomputed directly when a one-pass weighted variance is at
/// most this fraction of the second moment it was computed from; above it
/// the cancellation costs less than about `1e-11` of the score.
const RECHECK: f64 = 1e-3;

/// `pearson = cov / sqrt(vx * vr)`, the weighted Pearson correlation of `x`
/// and `r` with weights `w`, over the answered capabilities:
/// `sw = sum(w)`, `mx = sum(w*x)/sw`, `mr = sum(w*r)/sw`,
/// `cov = sum(w*(x-mx)*(r-mr))/sw`, `vx = sum(w*(x-mx)^2)/sw`,
/// `vr = sum(w*(r-mr)^2)/sw`.
///
/// - **Range**: `[-1, 1]`; the result is clamped into it against rounding.
///   With only two answered capabilities (of non-zero weight) it is always
///   `-1`, `0` or `1`: it needs several answers to say much.
/// - **Degenerate**: `0` when `sw = 0`, or when either weighted variance is
///   numerically zero, `vx <= 1e-12 * (H-L)^2` or `vr <= 1e-12 * (H-L)^2`
///   (a respondent who gives every capability the same answer has no
///   pattern to correlate).
/// - **Contributions**: `c_i = w_i*(x_i-mx)*(r_i-mr) / (sw * sqrt(vx*vr))`;
///   they sum to the score. All `0` in the degenerate cases.
/// - **Vectorised** through weighted moments: each profile is centred on
///   the mean of its answers and each role on its weighted mean level (the
///   correlation is unchanged by either shift), then `sum(w)`, `sum(w*x)`,
///   `sum(w*r)`, `sum(w*x^2)`, `sum(w*r^2)`, `sum(w*x*r)` are matrix
///   products and `sw*cov = sum(w*x*r) - sum(w*x)*sum(w*r)/sw` and so on.
///   Pairs where a variance keeps less than `1e-3` of its second moment
///   are recomputed directly with the two-pass definition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pearson;

/// One pair's weighted moments, scaled by the weight: `sw`, the means `mx`
/// and `mr`, and `cov`, `vx`, `vr` holding `sw*cov`, `sw*vx`, `sw*vr`.
struct Moments {
    sw: f64,
    mx: f64,
    mr: f64,
    cov: f64,
    vx: f64,
    vr: f64,
}

/// [`Moments`] by the two-pass definition (means first, then deviations).
fn moments(x: &[f64], m: &[f64], r: &[f64], w: &[f64]) -> Moments {
    let (mut sw, mut swx, mut swr) = (0.0, 0.0, 0.0);
    for (((&x, &m), &r), &w) in x.iter().zip(m).zip(r).zip(w) {
        let mw = m * w;
        sw += mw;
        swx += mw * x;
        swr += mw * r;
    }
    let (mx, mr) = if sw > 0.0 {
        (swx / sw, swr / sw)
    } else {
        (0.0, 0.0)
    };
    let (mut cov, mut vx, mut vr) = (0.0, 0.0, 0.0);
    for (((&x, &m), &r), &w) in x.iter().zip(m).zip(r).zip(w) {
        let (mw, dx, dr) = (m * w, x - mx, r - mr);
        cov += mw * dx * dr;
        vx += mw * dx * dx;
        vr += mw * dr * dr;
    }
    Moments {
        sw,
        mx,
        mr,
        cov,
        vx,
        vr,
    }
}

/// The score from weight-scaled moments (`sw*cov`, `sw*vx`, `sw*vr`), with
/// the degenerate cases; `zero` is the variance threshold.
fn finish(sw: f64, cov: f64, vx: f64, vr: f64, zero: f64) -> f64 {
    if degenerate(sw, vx, vr, zero) {
        return 0.0;
    }
    (cov / (vx * vr).sqrt()).clamp(-1.0, 1.0)
}

/// Whether the weight-scaled moments fall in a degenerate case: no weight,
/// or a weighted variance at most `zero`.
fn degenerate(sw: f64, vx: f64, vr: f64, zero: f64) -> bool {
    sw <= 0.0 || vx <= zero * sw || vr <= zero * sw
}

/// `1e-12 * (H - L)^2`.
fn zero_threshold(matrix: &CompiledMatrix) -> f64 {
    ZERO_VARIANCE * matrix.scale().width().powi(2)
}

/// The mean of the answered values (`0` when none are). Missing values are
/// stored as `0`, so the plain sum of the row is the sum of the answers.
fn answered_mean(x: &[f64], a: &[bool]) -> f64 {
    let count = a.iter().filter(|&&a| a).count();
    if count == 0 {
        0.0
    } else {
        x.iter().sum::<f64>() / count as f64
    }
}

impl Strategy for Pearson {
    fn name(&self) -> &str {
        "pearson"
    }

    fn formula(&self) -> &str {
        "sum(w*(x-mx)*(r-mr)) / sqrt(sum(w*(x-mx)^2) * sum(w*(r-mr)^2)), \
         mx = sum(w*x)/sum(w), mr = sum(w*r)/sum(w)"
    }

    fn description(&self) -> &str {
        "Weighted correlation: whether the profile's strengths and weaknesses follow the role's pattern, \
         ignoring overall level and spread."
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let k = matrix.n_roles();
        let zero = zero_threshold(matrix);
        let (mut u, row_squares) = checked_centred(matrix, profiles, answered_mean, ws)?;
        let by_values = product(ws, &u, &matrix.pearson_value_rhs);
        let (su, suv) = by_values.view().split_at(Axis(1), k);
        // suu becomes the output in place: one allocation fewer per batch.
        let mut suu = weighted_square_sums(matrix, &mut u, &row_squares, ws);
        let by_mask = mask_sums(profiles, &matrix.pearson_mask_rhs, ws);
        let by_mask_view = by_mask.view();
        let (sw, rest) = by_mask_view.split_at(Axis(1), k);
        let (sv, svv) = rest.split_at(Axis(1), k);
        Zip::indexed(&mut suu)
            .and(sw)
            .and(sv)
            .and(svv)
            .for_each(|(i, j), out, &sw, &sv, &svv| {
                let suu = *out;
                // The variance is at most the mean square about any centre.
                if sw <= 0.0 || suu <= zero * sw || svv <= zero * sw {
                    *out = 0.0;
                    return;
                }
                let (su, suv, inv) = (su[[i, j]], suv[[i, j]], 1.0 / sw);
                let vx = suu - su * su * inv;
                let vr = svv - sv * sv * inv;
                *out = if vx <= RECHECK * suu || vr <= RECHECK * svv {
                    let (x, answered) = profiles.row(i);
                    let mo = moments(
                        x,
                        &mask_row(answered),
                        matrix.level_row(j),
                        matrix.importance_row(j),
                    );
                    finish(mo.sw, mo.cov, mo.vx, mo.vr, zero)
                } else {
                    finish(sw, suv - su * sv * inv, vx, vr, zero)
                };
            });
        by_mask.give(ws);
        for a in [u, row_squares, by_values] {
            ws.give(a);
        }
        Ok(suu)
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        let (r, w, m) = role_view(matrix, values, answered, role);
        let mo = moments(values, &m, r, w);
        if degenerate(mo.sw, mo.vx, mo.vr, zero_threshold(matrix)) {
            return Some(vec![0.0; values.len()]);
        }
        let norm = (mo.vx * mo.vr).sqrt();
        Some(
            (0..values.len())
                .map(|i| m[i] * w[i] * (values[i] - mo.mx) * (r[i] - mo.mr) / norm)
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
        // docs/strategies.md: x = (4, -, 2); two answers, so +-1 or 0.
        // Role 0: w = (2, 1), r = (4, 3). sw = 3, mx = 10/3, mr = 11/3;
        //   x - mx = (2/3, -4/3), r - mr = (1/3, -2/3);
        //   sw*cov = 2*(2/9) + 8/9 = 4/3, sw*vx = 2*(4/9) + 16/9 = 8/3,
        //   sw*vr = 2*(1/9) + 4/9 = 2/3; pearson = (4/3) / sqrt(16/9) = 1.
        // Role 1: w = (1, 1), r = (2, 1). mx = 3, mr = 1.5;
        //   sw*cov = 1*0.5 + (-1)*(-0.5) = 1, sw*vx = 2, sw*vr = 0.5;
        //   pearson = 1 / sqrt(1) = 1.
        let cm = CompiledMatrix::new(&example_matrix());
        let s = Pearson.score(&cm, &example_batch()).unwrap();
        assert_close(s[[0, 0]], 1.0, 1e-12);
        assert_close(s[[0, 1]], 1.0, 1e-12);
    }

    #[test]
    fn hand_computed_three_answers() {
        // w = (1, 2, 1), r = (1, 3, 5), x = (2, 2, 5). sw = 4,
        //   mx = (2 + 4 + 5)/4 = 2.75, mr = (1 + 6 + 5)/4 = 3;
        //   x - mx = (-0.75, -0.75, 2.25), r - mr = (-2, 0, 2);
        //   sw*cov = 1.5 + 0 + 4.5 = 6;
        //   sw*vx = 0.5625 + 2*0.5625 + 5.0625 = 6.75; sw*vr = 4 + 0 + 4 = 8;
        //   pearson = 6 / sqrt(54) = 0.816497.
        let cm = CompiledMatrix::new(&matrix(&[&[(1.0, 1.0), (3.0, 2.0), (5.0, 1.0)]]));
        let b = batch(
            3,
            &[
                &[Some(2.0), Some(2.0), Some(5.0)],
                &[Some(4.0), Some(4.0), Some(2.0)],
            ],
        );
        let s = Pearson.score(&cm, &b).unwrap();
        assert_close(s[[0, 0]], 6.0 / 54f64.sqrt(), 1e-12);
        // Mirror image: x = (4, 4, 2) is anti-correlated. mx = 3.5,
        //   x - mx = (0.5, 0.5, -1.5): sw*cov = -1 + 0 - 3 = -4,
        //   sw*vx = 0.25 + 0.5 + 2.25 = 3; pearson = -4 / sqrt(24).
        assert_close(s[[1, 0]], -4.0 / 24f64.sqrt(), 1e-12);
        let c = Pearson
            .contributions(&cm, &[2.0, 2.0, 5.0], &[true; 3], 0)
            .unwrap();
        // c = w*(x-mx)*(r-mr) / sqrt(6.75*8) = (1.5, 0, 4.5) / sqrt(54).
        assert_close(c[0], 1.5 / 54f64.sqrt(), 1e-12);
        assert_close(c[1], 0.0, 1e-15);
        assert_close(c[2], 4.5 / 54f64.sqrt(), 1e-12);
        assert_close(c.iter().sum(), s[[0, 0]], 1e-12);
    }

    #[test]
    fn degenerate_cases_score_zero() {
        let cm = CompiledMatrix::new(&matrix(&[
            &[(1.0, 1.0), (3.0, 1.0), (5.0, 0.0)],
            &[(4.0, 1.0), (4.0, 1.0), (2.0, 1.0)],
        ]));
        let b = batch(
            3,
            &[
                &[None, None, None],                // answered nothing
                &[None, None, Some(3.0)],           // role 0: sw = 0
                &[Some(3.0), Some(3.0), Some(3.0)], // straight-liner: vx = 0
                &[Some(2.0), Some(5.0), None],      // role 1: levels (4, 4): vr = 0
                &[Some(4.0), None, None],           // one answer: vx = vr = 0
            ],
        );
        let s = Pearson.score(&cm, &b).unwrap();
        assert_eq!(s.row(0).to_vec(), vec![0.0, 0.0]);
        assert_eq!(s[[1, 0]], 0.0);
        assert_eq!(s.row(2).to_vec(), vec![0.0, 0.0]);
        assert_eq!(s[[3, 1]], 0.0);
        assert_close(s[[3, 0]], 1.0, 1e-12);
        assert_eq!(s.row(4).to_vec(), vec![0.0, 0.0]);
        let c = Pearson.contributions(&cm, &[3.0, 3.0, 3.0], &[true; 3], 0);
        assert_eq!(c, Some(vec![0.0; 3]));
    }

    #[test]
    fn nearly_flat_profiles_are_recomputed_accurately() {
        // Role w = (1, 1, 1, 0), r = (1, 5, 3, 1); x = (5, 5-e, 5-3e, 1) with
        // e = 1e-5. The last answer has no weight, but it pulls the profile's
        // plain mean (the centre used for the matrix products) far from its
        // weighted mean, so the one-pass variance sum(w*u^2) - sum(w*u)^2/sw
        // cancels to a few digits and the pair takes the recheck path.
        // Over the weighted answers x - mx = e*(4/3, 1/3, -5/3) and
        // r - mr = (-2, 2, 0): sw*cov = e*(-8/3 + 2/3) = -2e,
        // sw*vx = e^2*42/9, sw*vr = 8; pearson = -2 / sqrt(112/3) = -sqrt(3/28).
        let cm = CompiledMatrix::new(&matrix(&[&[(1.0, 1.0), (5.0, 1.0), (3.0, 1.0), (1.0, 0.0)]]));
        let e = 1e-5;
        let b = batch(4, &[&[Some(5.0), Some(5.0 - e), Some(5.0 - 3.0 * e), Some(1.0)]]);
        let s = Pearson.score(&cm, &b).unwrap();
        assert_close(s[[0, 0]], -(3.0f64 / 28.0).sqrt(), 1e-9);
    }
}
