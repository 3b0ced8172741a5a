//! `centroid`: closeness to the mean profile of a role's holders.
//!
//! For role `j` and capability `c`, `mu[j][c]` and `s[j][c]` are the mean
//! and the (population) standard deviation of the answers of role `j`'s
//! holders who answered `c`. When none of them did, the capability's mean
//! and spread over all training rows are used instead; when no training row
//! answered `c` at all, `c` has no centroid and is left out of every sum.
//!
//! The score is one minus a precision-weighted root-mean-square distance,
//! as a fraction of the scale, over the answered capabilities `A`:
//!
//! ```text
//! p[j][c] = 1 / (s[j][c]^2 + f^2),   f = (H - L) / 8
//! score_j = 1 - sqrt( sum_{c in A} p (x_c - mu)^2 / sum_{c in A} p ) / (H - L)
//! ```
//!
//! clamped to `[0, 1]`; `0` when `sum(p) = 0` (nothing answered has a
//! centroid) or the role had no holders. A capability on which the role's
//! holders agree (small spread) weighs more than one on which they differ;
//! the floor `f` (half a point on `1..5`) keeps a capability every holder
//! answered identically from weighing without bound. With equal spreads it
//! is `euclidean` against the holders' mean instead of the matrix's levels.

use ndarray::Array2;
use rolefit_model::{ProfileBatch, Scale};
use serde::{Deserialize, Serialize};

use super::LearnError;

/// The floor of the spread, as a fraction of the scale's width.
const FLOOR_FRACTION: f64 = 1.0 / 8.0;

/// A fitted centroid model.
#[derive(Debug, Clone)]
pub(crate) struct Centroid {
    params: CentroidParams,
    /// `mu`, roles x capabilities (0 where undefined).
    centres: Array2<f64>,
    /// `p`, roles x capabilities (0 where undefined).
    precisions: Array2<f64>,
}

/// What the model file holds: the centroids and spreads (`null` where
/// there is none) and the floor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CentroidParams {
    /// `f`, in scale points.
    pub(crate) floor: f64,
    /// `mu`, one row per role, one entry per capability.
    pub(crate) means: Vec<Vec<Option<f64>>>,
    /// `s`, shaped like `means`.
    pub(crate) spreads: Vec<Vec<Option<f64>>>,
}

impl Centroid {
    /// Fits the centroids of `roles` roles.
    pub(crate) fn fit(profiles: &ProfileBatch, labels: &[usize], roles: usize, scale: Scale) -> Self {
        let c = profiles.capabilities();
        // Two passes (mean, then squared deviations) for accuracy.
        let mut sum = vec![0.0; roles * c];
        let mut count = vec![0usize; roles * c];
        let (mut pooled_sum, mut pooled_count) = (vec![0.0; c], vec![0usize; c]);
        for (i, &role) in labels.iter().enumerate() {
            let (x, a) = profiles.row(i);
            for k in (0..c).filter(|&k| a[k]) {
                sum[role * c + k] += x[k];
                count[role * c + k] += 1;
                pooled_sum[k] += x[k];
                pooled_count[k] += 1;
            }
        }
        let means: Vec<Option<f64>> = sum
            .iter()
            .zip(&count)
            .map(|(&s, &n)| (n > 0).then(|| s / n as f64))
            .collect();
        let pooled_means: Vec<Option<f64>> = pooled_sum
            .iter()
            .zip(&pooled_count)
            .map(|(&s, &n)| (n > 0).then(|| s / n as f64))
            .collect();
        let mut squares = vec![0.0; roles * c];
        let mut pooled_squares = vec![0.0; c];
        for (i, &role) in labels.iter().enumerate() {
            let (x, a) = profiles.row(i);
            for k in (0..c).filter(|&k| a[k]) {
                let d = x[k] - means[role * c + k].unwrap_or(0.0);
                squares[role * c + k] += d * d;
                let d = x[k] - pooled_means[k].unwrap_or(0.0);
                pooled_squares[k] += d * d;
            }
        }
        let mut holders = vec![0usize; roles];
        labels.iter().for_each(|&l| holders[l] += 1);
        let mut mean_rows = Vec::with_capacity(roles);
        let mut spread_rows = Vec::with_capacity(roles);
        for (j, &held) in holders.iter().enumerate() {
            let (mut m_row, mut s_row) = (Vec::with_capacity(c), Vec::with_capacity(c));
            for k in 0..c {
                let at = j * c + k;
                let (m, s) = if held == 0 {
                    (None, None)
                } else if count[at] > 0 {
                    (means[at], Some((squares[at] / count[at] as f64).sqrt()))
                } else {
                    let spread =
                        (pooled_count[k] > 0).then(|| (pooled_squares[k] / pooled_count[k] as f64).sqrt());
                    (pooled_means[k], spread)
                };
                m_row.push(m);
                s_row.push(s);
            }
            mean_rows.push(m_row);
            spread_rows.push(s_row);
        }
        let params = CentroidParams {
            floor: FLOOR_FRACTION * scale.width(),
            means: mean_rows,
            spreads: spread_rows,
        };
        Self::from_params(params, roles, c, scale).expect("fitted parameters are consistent")
    }

    /// A model from file parameters, checked for `roles` x `capabilities`
    /// on `scale`.
    pub(crate) fn from_params(
        params: CentroidParams,
        roles: usize,
        capabilities: usize,
        scale: Scale,
    ) -> Result<Self, LearnError> {
        let invalid = |m: String| Err(LearnError::Invalid(m));
        if !(params.floor.is_finite() && params.floor > 0.0) {
            return invalid(format!(
                "centroid floor {} is not a positive number",
                params.floor
            ));
        }
        if params.means.len() != roles || params.spreads.len() != roles {
            return invalid(format!(
                "centroid means and spreads need one row per role ({roles}), found {} and {}",
                params.means.len(),
                params.spreads.len()
            ));
        }
        let tol = 1e-9 * scale.width();
        let mut centres = Array2::zeros((roles, capabilities));
        let mut precisions = Array2::zeros((roles, capabilities));
        for (j, (m_row, s_row)) in params.means.iter().zip(&params.spreads).enumerate() {
            if m_row.len() != capabilities || s_row.len() != capabilities {
                return invalid(format!(
                    "centroid row {} needs {capabilities} means and spreads, found {} and {}",
                    j + 1,
                    m_row.len(),
                    s_row.len()
                ));
            }
            for (k, (m, s)) in m_row.iter().zip(s_row).enumerate() {
                match (m, s) {
                    (None, None) => {}
                    (Some(m), Some(s)) => {
                        let on_scale = m.is_finite() && *m >= scale.min() - tol && *m <= scale.max() + tol;
                        if !(on_scale && s.is_finite() && *s >= 0.0) {
                            return invalid(format!(
                                "centroid of role {}, capability {}: mean {m} or spread {s} is not valid on {scale}",
                                j + 1,
                                k + 1
                            ));
                        }
                        centres[(j, k)] = *m;
                        precisions[(j, k)] = 1.0 / (s * s + params.floor * params.floor);
                    }
                    _ => {
                        return invalid(format!(
                        "centroid of role {}, capability {}: a mean needs a spread and the other way round",
                        j + 1,
                        k + 1
                    ))
                    }
                }
            }
        }
        Ok(Centroid {
            params,
            centres,
            precisions,
        })
    }

    /// The parameters for the model file.
    pub(crate) fn params(&self) -> &CentroidParams {
        &self.params
    }

    /// The sums `(sum(p (x-mu)^2), sum(p))` of one profile and role.
    fn sums(&self, x: &[f64], a: &[bool], role: usize) -> (f64, f64) {
        let (mu, p) = (self.centres.row(role), self.precisions.row(role));
        let (mut d, mut sp) = (0.0, 0.0);
        for k in 0..x.len() {
            if a[k] {
                let g = x[k] - mu[k];
                d += p[k] * g * g;
                sp += p[k];
            }
        }
        (d, sp)
    }

    /// Scores every profile against every role into `out` (profiles x
    /// roles, all zeros on entry).
    pub(crate) fn score_into(&self, profiles: &ProfileBatch, scale: Scale, out: &mut Array2<f64>) {
        let width = scale.width();
        for i in 0..profiles.len() {
            let (x, a) = profiles.row(i);
            for j in 0..self.centres.nrows() {
                let (d, sp) = self.sums(x, a, j);
                out[(i, j)] = finish(d, sp, width);
            }
        }
    }

    /// Each capability's share of the loss `1 - score`, as `euclidean`
    /// splits it: `c_k = -(1 - score) p_k (x_k - mu_k)^2 / sum(p (x-mu)^2)`;
    /// they sum to `score - 1` (all 0 when the distance or `sum(p)` is 0).
    pub(crate) fn contributions(&self, x: &[f64], a: &[bool], role: usize, scale: Scale) -> Vec<f64> {
        let (d, sp) = self.sums(x, a, role);
        let mut out = vec![0.0; x.len()];
        if d <= 0.0 || sp <= 0.0 {
            return out;
        }
        let loss = 1.0 - finish(d, sp, scale.width());
        let (mu, p) = (self.centres.row(role), self.precisions.row(role));
        for k in (0..x.len()).filter(|&k| a[k]) {
            let g = x[k] - mu[k];
            out[k] = -loss * p[k] * g * g / d;
        }
        out
    }
}

/// The score from the weighted squared distance and the total weight.
fn finish(d: f64, sp: f64, width: f64) -> f64 {
    if sp <= 0.0 {
        return 0.0;
    }
    (1.0 - (d.max(0.0) / sp).sqrt() / width).clamp(0.0, 1.0)
}
