//! What each cluster is like: size, centroid, nearest role, the
//! capabilities that set it apart, and how cleanly it separates.

use ndarray::{Array1, Axis};
use rolefit_model::ProfileBatch;

use super::{ClusterError, Clustering, CohortData, Silhouette};
use rolefit_score::{rank, CompiledMatrix, RankedRole, Strategy};

/// How many distinguishing capabilities [`describe`] lists per cluster.
pub const DISTINGUISHING: usize = 3;

/// A capability on which a cluster differs from the other respondents.
#[derive(Debug, Clone, PartialEq)]
pub struct Distinction {
    /// The capability's index in the matrix.
    pub capability: usize,
    /// The standardised difference `(cluster mean - mean of the others) /
    /// sd`, with `sd` the capability's standard deviation over all
    /// respondents: positive when the cluster rates itself higher.
    pub effect: f64,
    /// The cluster's mean (its centroid's value).
    pub cluster_mean: f64,
    /// The other respondents' mean.
    pub rest_mean: f64,
}

/// One cluster, described.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSummary {
    /// The cluster's number.
    pub cluster: usize,
    /// How many respondents it holds.
    pub size: usize,
    /// Its centroid, one value per capability (on the matrix scale).
    pub centroid: Vec<f64>,
    /// The role that fits the centroid best under the strategy, with its
    /// score (ties in matrix order).
    pub nearest_role: RankedRole,
    /// The capabilities that most distinguish it from the other
    /// respondents, largest `|effect|` first (at most [`DISTINGUISHING`];
    /// none when it holds everyone).
    pub distinguishing: Vec<Distinction>,
    /// The mean silhouette of its members, when one was computed.
    pub silhouette: Option<f64>,
}

/// Describes every cluster of `clustering` (made from `data`): the
/// centroid is scored as a profile against every role of `matrix` with
/// `strategy` to name its nearest role; distinguishing capabilities are
/// those of largest standardised difference between the cluster's mean
/// and the other respondents' mean (capabilities with no spread at all are
/// skipped).
///
/// # Errors
/// [`ClusterError::Score`] if the strategy fails on the centroids.
///
/// # Panics
/// If `clustering` was not made from `data`, or `matrix` has another
/// number of capabilities: caller bugs.
pub fn describe(
    data: &CohortData,
    clustering: &Clustering,
    matrix: &CompiledMatrix,
    strategy: &dyn Strategy,
    silhouette: Option<&Silhouette>,
) -> Result<Vec<ClusterSummary>, ClusterError> {
    let x = data.values();
    assert_eq!(
        x.nrows(),
        clustering.labels().len(),
        "the clustering of this data"
    );
    let c = x.ncols();
    assert_eq!(c, matrix.n_capabilities(), "data and matrix share capabilities");
    let centroids = clustering.centroids();
    let mut batch = ProfileBatch::with_capacity(c, clustering.k());
    let mut row = vec![None; c];
    for (j, centroid) in centroids.outer_iter().enumerate() {
        for (cell, &v) in row.iter_mut().zip(centroid) {
            // Means of in-scale values, clamped against rounding.
            *cell = Some(v.clamp(matrix.scale().min(), matrix.scale().max()));
        }
        batch.push(format!("cluster {j}"), &row);
    }
    let scores = strategy.score(matrix, &batch)?;
    if scores.dim() != (clustering.k(), matrix.n_roles()) || !scores.iter().all(|s| s.is_finite()) {
        return Err(ClusterError::Score(rolefit_score::ScoreError::Strategy {
            name: strategy.name().to_string(),
            message: "returned unusable scores for the cluster centroids".into(),
        }));
    }

    let n = x.nrows() as f64;
    let totals = x.sum_axis(Axis(0));
    let sd: Array1<f64> = x.var_axis(Axis(0), 0.0).mapv(f64::sqrt);
    let mut out = Vec::with_capacity(clustering.k());
    for (j, centroid) in centroids.outer_iter().enumerate() {
        let size = clustering.sizes()[j];
        let rest = n - size as f64;
        let mut distinguishing = Vec::new();
        if rest > 0.0 {
            for cap in 0..c {
                // No spread (or NaN): it cannot distinguish anyone.
                if sd[cap].partial_cmp(&1e-12) != Some(std::cmp::Ordering::Greater) {
                    continue;
                }
                let cluster_mean = centroid[cap];
                let rest_mean = (totals[cap] - size as f64 * cluster_mean) / rest;
                distinguishing.push(Distinction {
                    capability: cap,
                    effect: (cluster_mean - rest_mean) / sd[cap],
                    cluster_mean,
                    rest_mean,
                });
            }
            distinguishing.sort_by(|a, b| {
                b.effect
                    .abs()
                    .total_cmp(&a.effect.abs())
                    .then(a.capability.cmp(&b.capability))
            });
            distinguishing.truncate(DISTINGUISHING);
        }
        let nearest_role = rank(scores.row(j), Some(1))
            .first()
            .copied()
            .unwrap_or(RankedRole { role: 0, score: 0.0 });
        out.push(ClusterSummary {
            cluster: j,
            size,
            centroid: centroid.to_vec(),
            nearest_role,
            distinguishing,
            silhouette: silhouette.and_then(|s| s.per_cluster.get(j).copied().flatten()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{fit, silhouette, ClusterParams, Method};
    use ndarray::array;
    use rolefit_score::test_util::{assert_close, matrix};
    use rolefit_score::Euclidean;

    #[test]
    fn names_the_nearest_role_and_what_sets_each_cluster_apart() {
        // Two roles on three capabilities; two tight groups near them.
        let m = matrix(&[
            &[(5.0, 1.0), (1.0, 1.0), (3.0, 1.0)],
            &[(1.0, 1.0), (5.0, 1.0), (3.0, 1.0)],
        ]);
        let cm = CompiledMatrix::new(&m);
        let x = array![
            [1.0, 5.0, 3.0],
            [5.0, 1.0, 3.0],
            [1.0, 4.0, 3.0],
            [4.0, 1.0, 3.0],
            [2.0, 5.0, 3.0],
        ];
        let data = CohortData::from_values(x);
        let c = fit(&data, 2, &ClusterParams::new(Method::KMeans).check().unwrap()).unwrap();
        let s = silhouette(data.values(), c.labels(), c.k(), &[0, 1, 2, 3, 4]);
        let d = describe(&data, &c, &cm, &Euclidean, s.as_ref()).unwrap();
        assert_eq!(d.len(), 2);
        // Cluster 0 is the larger: rows 0, 2, 4, near role 1.
        assert_eq!((d[0].size, d[0].nearest_role.role), (3, 1));
        assert_eq!((d[1].size, d[1].nearest_role.role), (2, 0));
        assert_close(d[0].centroid[0], 4.0 / 3.0, 1e-12);
        // The third capability never varies, so it never distinguishes.
        assert_eq!(d[0].distinguishing.len(), 2);
        assert!(d[0].distinguishing.iter().all(|x| x.capability != 2));
        // Capability 0: cluster mean 4/3, others 4.5, sd over all 5.
        let first = d[0].distinguishing.iter().find(|x| x.capability == 0).unwrap();
        let sd = data.values().column(0).var(0.0).sqrt();
        assert_close(first.effect, (4.0 / 3.0 - 4.5) / sd, 1e-12);
        assert_close(first.rest_mean, 4.5, 1e-12);
        assert!(d[0].silhouette.unwrap() > 0.5);
    }

    #[test]
    fn one_cluster_has_nothing_to_be_distinguished_from() {
        let m = matrix(&[&[(5.0, 1.0), (1.0, 1.0)]]);
        let cm = CompiledMatrix::new(&m);
        let data = CohortData::from_values(array![[1.0, 2.0], [3.0, 4.0]]);
        let c = fit(&data, 1, &ClusterParams::new(Method::KMeans).check().unwrap()).unwrap();
        let d = describe(&data, &c, &cm, &Euclidean, None).unwrap();
        assert_eq!(d.len(), 1);
        assert!(d[0].distinguishing.is_empty());
        assert_eq!(d[0].silhouette, None);
        assert_eq!(d[0].centroid, vec![2.0, 3.0]);
    }
}
