//! The silhouette score: how well each respondent sits in its cluster.
//!
//! For respondent `i` in cluster `A`, with `d` the Euclidean distance:
//!
//! ```text
//! a(i) = mean of d(i, j) over the other members j of A
//! b(i) = min over clusters B != A of the mean of d(i, j) over j in B
//! s(i) = (b(i) - a(i)) / max(a(i), b(i))        in [-1, 1]
//! ```
//!
//! with `s(i) = 0` when `i` is alone in its cluster or `a(i) = b(i) = 0`
//! (scikit-learn's conventions). The score of a clustering is the mean of
//! `s(i)`; near 1 means tight, well separated clusters, near 0 overlapping
//! ones. It is undefined for a single cluster.
//!
//! The exact score costs a distance for every pair of respondents. Beyond
//! [`SILHOUETTE_SAMPLE`] respondents it is computed on a sample of that
//! many, drawn without replacement with the caller's seed (scikit-learn's
//! `sample_size`), so that choosing `k` over a range stays fast; every `k`
//! of a range is scored on the same sample. linfa's own `SilhouetteScore`
//! is exact only, allocates for every pair, and scores a singleton cluster
//! 1 rather than 0, which would favour k's that split off outliers.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// At most this many respondents enter a silhouette computation; larger
/// cohorts are sampled.
pub const SILHOUETTE_SAMPLE: usize = 4_000;

/// Rows per block of the pairwise distance computation.
const BLOCK: usize = 256;

/// A clustering's silhouette.
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    /// The mean of `s(i)` over the respondents scored.
    pub overall: f64,
    /// The mean of `s(i)` over each cluster's respondents scored; `None`
    /// for a cluster with none in the sample.
    pub per_cluster: Vec<Option<f64>>,
    /// How many respondents were scored (all, or the sample).
    pub scored: usize,
}

/// The respondents a silhouette is computed on: all of `0..n` when
/// `n <= SILHOUETTE_SAMPLE`, else a sorted sample of that many drawn with
/// `seed`.
pub fn silhouette_sample(n: usize, seed: u64) -> Vec<usize> {
    if n <= SILHOUETTE_SAMPLE {
        return (0..n).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut picked = rand::seq::index::sample(&mut rng, n, SILHOUETTE_SAMPLE).into_vec();
    picked.sort_unstable();
    picked
}

/// The silhouette of the clustering `labels` (cluster `0..k` of each row
/// of `x`) over the rows `sample` (see [`silhouette_sample`]). `None` when
/// fewer than two clusters have members in the sample.
///
/// # Panics
/// If `labels` does not have one entry per row of `x`, a label is `>= k`,
/// or a sample index is out of range: caller bugs.
pub fn silhouette(
    x: ArrayView2<'_, f64>,
    labels: &[usize],
    k: usize,
    sample: &[usize],
) -> Option<Silhouette> {
    assert_eq!(labels.len(), x.nrows(), "one label per row");
    let m = sample.len();
    let lab: Vec<usize> = sample.iter().map(|&i| labels[i]).collect();
    let mut counts = vec![0usize; k];
    for &l in &lab {
        counts[l] += 1;
    }
    if counts.iter().filter(|&&c| c > 0).count() < 2 {
        return None;
    }
    // Centre the sample: smaller magnitudes lose fewer digits in
    // |x|^2 + |y|^2 - 2 x.y.
    let mut xs = x.select(Axis(0), sample);
    if let Some(mean) = xs.mean_axis(Axis(0)) {
        xs -= &mean;
    }
    let norms: Array1<f64> = xs.outer_iter().map(|r| r.dot(&r)).collect();
    let mut sums = Array2::<f64>::zeros((m, k));
    for start in (0..m).step_by(BLOCK) {
        let end = (start + BLOCK).min(m);
        let gram = xs
            .slice_axis(Axis(0), ndarray::Slice::from(start..end))
            .dot(&xs.t());
        for (r, g) in gram.outer_iter().enumerate() {
            let i = start + r;
            let mut row = sums.row_mut(i);
            for (j, &gij) in g.iter().enumerate() {
                if j != i {
                    let d2 = norms[i] + norms[j] - 2.0 * gij;
                    row[lab[j]] += d2.max(0.0).sqrt();
                }
            }
        }
    }
    let mut total = 0.0;
    let mut per_sum = vec![0.0; k];
    for (i, &own) in lab.iter().enumerate() {
        let s = if counts[own] <= 1 {
            0.0
        } else {
            let a = sums[[i, own]] / (counts[own] - 1) as f64;
            let b = (0..k)
                .filter(|&c| c != own && counts[c] > 0)
                .map(|c| sums[[i, c]] / counts[c] as f64)
                .fold(f64::INFINITY, f64::min);
            let denom = a.max(b);
            if denom > 0.0 {
                (b - a) / denom
            } else {
                0.0
            }
        };
        total += s;
        per_sum[own] += s;
    }
    Some(Silhouette {
        overall: total / m as f64,
        per_cluster: (0..k)
            .map(|c| (counts[c] > 0).then(|| per_sum[c] / counts[c] as f64))
            .collect(),
        scored: m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::SilhouetteScore;
    use linfa::DatasetBase;
    use ndarray::array;
    use rolefit_score::test_util::assert_close;

    #[test]
    fn agrees_with_linfa_on_a_small_case() {
        let x = array![
            [1.0, 1.0],
            [1.5, 2.0],
            [1.2, 0.8],
            [5.0, 5.0],
            [5.5, 4.0],
            [4.5, 5.5],
            [3.0, 3.0]
        ];
        let labels = vec![0, 0, 0, 1, 1, 1, 1];
        let ours = silhouette(x.view(), &labels, 2, &silhouette_sample(7, 1)).unwrap();
        let ds = DatasetBase::new(x.clone(), ndarray::Array1::from(labels.clone()));
        let theirs: f64 = ds.silhouette_score().unwrap();
        assert_close(ours.overall, theirs, 1e-9);
        assert_eq!(ours.scored, 7);
        assert!(ours.per_cluster[0].unwrap() > ours.per_cluster[1].unwrap());
    }

    #[test]
    fn singletons_score_zero_and_one_cluster_is_undefined() {
        let x = array![[0.0, 0.0], [0.1, 0.0], [10.0, 10.0]];
        let s = silhouette(x.view(), &[0, 0, 1], 2, &[0, 1, 2]).unwrap();
        assert_eq!(s.per_cluster[1], Some(0.0));
        assert!(s.overall > 0.6);
        assert!(silhouette(x.view(), &[0, 0, 0], 1, &[0, 1, 2]).is_none());
        // An empty cluster is skipped, not divided by zero.
        let s = silhouette(x.view(), &[0, 0, 2], 3, &[0, 1, 2]).unwrap();
        assert_eq!(s.per_cluster[1], None);
    }

    #[test]
    fn coincident_points_in_different_clusters_score_zero() {
        let x = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]];
        let s = silhouette(x.view(), &[0, 0, 1, 1], 2, &[0, 1, 2, 3]).unwrap();
        assert_eq!(s.overall, 0.0);
    }

    #[test]
    fn large_cohorts_are_sampled_reproducibly() {
        let a = silhouette_sample(10_000, 7);
        assert_eq!(a.len(), SILHOUETTE_SAMPLE);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a, silhouette_sample(10_000, 7));
        assert_ne!(a, silhouette_sample(10_000, 8));
        assert_eq!(silhouette_sample(3, 7), vec![0, 1, 2]);
    }
}
