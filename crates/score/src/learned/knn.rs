//! `knn`: the roles of the `k` most similar labelled holders.
//!
//! Profiles are compared by Euclidean distance over all capabilities, a
//! blank replaced by the training mean of its capability (training rows'
//! blanks too). The `k` nearest training rows are found with linfa-nn's
//! exact linear search (trees do not prune in 20 to 70 dimensions of
//! whole-point answers, and a linear scan has no degenerate cases with
//! the many identical profiles such answers produce). Then, with `n_j` of
//! them holding role `j` and `d_j` their mean distance:
//!
//! ```text
//! t_j = 1 / (1 + d_j / (H - L))  if n_j > 0, else 0      (in (0, 1])
//! score_j = (n_j + t_j) / (k + 1)
//! ```
//!
//! `t_j` is worth less than one neighbour, so roles rank by their share of
//! the neighbours first and, between roles with the same share, the one
//! whose neighbours are closer ranks higher. The score is in `[0, 1]`, and
//! `1` only when all `k` neighbours hold the role and sit at distance 0.
//! `k` larger than the training rows means all of them. Which of several
//! rows at exactly the same distance counts among the `k` is linfa-nn's
//! (deterministic) choice.

use linfa_nn::distance::L2Dist;
use linfa_nn::{LinearSearch, NearestNeighbour};
use ndarray::{aview1, Array2};
use rolefit_model::{ProfileBatch, Scale};
use serde::{Deserialize, Serialize};

use super::{capability_means, impute, LearnError};

/// A fitted knn model: the training rows with their blanks filled in.
#[derive(Debug, Clone)]
pub(crate) struct Knn {
    params: KnnParams,
    /// Training rows, blanks imputed, rows x capabilities.
    points: Array2<f64>,
}

/// What the model file holds: `k`, the imputation means, and the training
/// rows as answered (`null` for a blank) with their role indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KnnParams {
    /// Neighbours consulted.
    pub(crate) k: usize,
    /// Per capability, the value a blank is replaced by.
    pub(crate) imputation: Vec<f64>,
    /// Each training row's role, an index into the model's roles.
    pub(crate) labels: Vec<usize>,
    /// The training rows, `null` where blank.
    pub(crate) points: Vec<Vec<Option<f64>>>,
}

impl Knn {
    /// Keeps the training rows.
    pub(crate) fn fit(profiles: &ProfileBatch, labels: &[usize], k: usize, scale: Scale) -> Self {
        let imputation = capability_means(profiles, scale);
        let points = (0..profiles.len()).map(|i| profiles.profile(i).values).collect();
        let params = KnnParams {
            k: k.max(1),
            imputation,
            labels: labels.to_vec(),
            points,
        };
        let roles = labels.iter().max().map_or(0, |m| m + 1);
        Self::from_params(params, roles, profiles.capabilities(), scale)
            .expect("fitted parameters are consistent")
    }

    /// A model from file parameters, checked for `roles` x `capabilities`
    /// on `scale`.
    pub(crate) fn from_params(
        params: KnnParams,
        roles: usize,
        capabilities: usize,
        scale: Scale,
    ) -> Result<Self, LearnError> {
        let invalid = |m: String| Err(LearnError::Invalid(m));
        if params.k == 0 {
            return invalid("knn needs k of at least 1".into());
        }
        if params.points.is_empty() || params.points.len() != params.labels.len() {
            return invalid(format!(
                "knn needs training points, one label each; found {} points and {} labels",
                params.points.len(),
                params.labels.len()
            ));
        }
        if params.imputation.len() != capabilities || params.imputation.iter().any(|v| !v.is_finite()) {
            return invalid(format!(
                "knn imputation needs {capabilities} finite values, found {}",
                params.imputation.len()
            ));
        }
        if let Some(bad) = params.labels.iter().find(|&&l| l >= roles) {
            return invalid(format!(
                "knn label {bad} is not a role index (there are {roles} roles)"
            ));
        }
        let tol = 1e-9 * scale.width();
        let on_scale = |v: f64| v.is_finite() && v >= scale.min() - tol && v <= scale.max() + tol;
        let mut points = Array2::zeros((params.points.len(), capabilities));
        for (i, row) in params.points.iter().enumerate() {
            if row.len() != capabilities {
                return invalid(format!(
                    "knn point {} has {} values, expected {capabilities}",
                    i + 1,
                    row.len()
                ));
            }
            for (k, v) in row.iter().enumerate() {
                points[(i, k)] = match v {
                    Some(v) if on_scale(*v) => *v,
                    Some(v) => return invalid(format!("knn point {}: value {v} is not on {scale}", i + 1)),
                    None => params.imputation[k],
                };
            }
        }
        Ok(Knn { params, points })
    }

    /// The parameters for the model file.
    pub(crate) fn params(&self) -> &KnnParams {
        &self.params
    }

    /// Scores every profile against every role into `out` (profiles x
    /// roles, all zeros on entry). Errors are linfa-nn's, as text.
    pub(crate) fn score_into(
        &self,
        profiles: &ProfileBatch,
        scale: Scale,
        out: &mut Array2<f64>,
    ) -> Result<(), String> {
        let roles = out.ncols();
        let index = LinearSearch::new()
            .from_batch(&self.points, L2Dist)
            .map_err(|e| e.to_string())?;
        let k = self.params.k.min(self.points.nrows());
        let width = scale.width();
        let mut query = vec![0.0; profiles.capabilities()];
        let (mut count, mut distance) = (vec![0usize; roles], vec![0.0; roles]);
        for i in 0..profiles.len() {
            let (x, a) = profiles.row(i);
            impute(x, a, &self.params.imputation, &mut query);
            let neighbours = index.k_nearest(aview1(&query), k).map_err(|e| e.to_string())?;
            count.iter_mut().for_each(|c| *c = 0);
            distance.iter_mut().for_each(|d| *d = 0.0);
            for (point, row) in &neighbours {
                let role = self.params.labels[*row];
                count[role] += 1;
                distance[role] += point
                    .iter()
                    .zip(&query)
                    .map(|(p, q)| (p - q) * (p - q))
                    .sum::<f64>()
                    .sqrt();
            }
            let k = neighbours.len().max(1) as f64;
            for j in 0..roles {
                if count[j] > 0 {
                    let mean = distance[j] / count[j] as f64;
                    let t = 1.0 / (1.0 + mean / width);
                    out[(i, j)] = (count[j] as f64 + t) / (k + 1.0);
                }
            }
        }
        Ok(())
    }
}
