//! `knn`: the roles of the `k` most similar labelled holders.
//!
//! Profiles are compared by Euclidean distance over all capabilities, a
//! blank replaced by the training mean of its capability (training rows'
//! blanks too). The `k` nearest training rows are found by an exact
//! search ([`Knn::score_into`]); of several rows at exactly the same
//! distance, the one that comes first in the training data counts first.
//! Then, with `n_j` of them holding role `j` and `d_j` their mean
//! distance:
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
//! `k` larger than the training rows means all of them.
//!
//! **The search.** Trees do not prune in 20 to 70 dimensions of
//! whole-point answers, so every training row is looked at once per query,
//! in blocks that stay in cache. Consecutive profiles with the same
//! respondent id are searched together: a respondent's bootstrap
//! resamples ([`crate::evaluate::Bootstrap`]) differ from their profile
//! only in which answers are replaced by the training means, so on each
//! capability the queries of such a group take one or two values. The
//! squared distance of a training row to the *nearest* of those values,
//! summed over the capabilities, is a lower bound `L` of its squared
//! distance to every query of the group. One pass over the training rows
//! keeps the rows of smallest `L`; the exact distances are then computed
//! for those rows only, in increasing `L`, until no remaining row can
//! enter any query's `k` nearest (its `L` exceeds every query's `k`-th
//! distance). A query that the kept rows do not settle is searched over
//! every row. The result is the exact `k` nearest, the same as a full scan
//! per query, at about the cost of one scan per respondent instead of one
//! per resample.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use ndarray::{Array2, ArrayView1};
use rolefit_model::{ProfileBatch, Scale};
use serde::{Deserialize, Serialize};

use super::{capability_means, impute, LearnError};

/// A fitted knn model: the training rows with their blanks filled in.
#[derive(Debug, Clone)]
pub(crate) struct Knn {
    params: KnnParams,
    /// Training rows, blanks imputed, rows x capabilities.
    points: Array2<f64>,
    /// The same, capabilities x rows: one contiguous slice per capability
    /// for the lower-bound pass.
    columns: Array2<f64>,
}

/// Training rows per block of the lower-bound pass (a block of 20 to 70
/// capabilities stays in the cache while every query group passes over it).
const BLOCK: usize = 1024;

/// Queries searched together at most (a group of consecutive profiles with
/// one respondent id: a profile and its bootstrap resamples).
const MAX_GROUP: usize = 64;

/// Rows kept by the lower-bound pass per query group, per neighbour
/// asked for.
const KEPT_PER_NEIGHBOUR: usize = 64;

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
        let columns = points.t().as_standard_layout().into_owned();
        Ok(Knn {
            params,
            points,
            columns,
        })
    }

    /// The parameters for the model file.
    pub(crate) fn params(&self) -> &KnnParams {
        &self.params
    }

    /// Scores every profile against every role into `out` (profiles x
    /// roles, all zeros on entry); see the [module documentation](self).
    pub(crate) fn score_into(&self, profiles: &ProfileBatch, scale: Scale, out: &mut Array2<f64>) {
        let roles = out.ncols();
        let width = scale.width();
        let (mut count, mut distance) = (vec![0usize; roles], vec![0.0; roles]);
        let nearest = self.nearest(profiles, KEPT_PER_NEIGHBOUR);
        for (i, neighbours) in nearest.iter().enumerate() {
            count.iter_mut().for_each(|c| *c = 0);
            distance.iter_mut().for_each(|d| *d = 0.0);
            for &(d2, row) in neighbours {
                let role = self.params.labels[row];
                count[role] += 1;
                distance[role] += d2.sqrt();
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
    }

    /// Each profile's `k` nearest training rows, `(squared distance,
    /// row)`, nearest first and, at equal distances, the earlier row first;
    /// a group of queries keeps `per_neighbour * k` rows from its
    /// lower-bound pass.
    fn nearest(&self, profiles: &ProfileBatch, per_neighbour: usize) -> Vec<Vec<(f64, usize)>> {
        let n = self.points.nrows();
        let k = self.params.k.min(n);
        let c = profiles.capabilities();
        let mut queries = Array2::zeros((profiles.len(), c));
        for (i, mut row) in queries.outer_iter_mut().enumerate() {
            let (x, a) = profiles.row(i);
            let row = row.as_slice_mut().expect("a new array is contiguous");
            impute(x, a, &self.params.imputation, row);
        }
        let mut groups = Vec::new();
        let mut start = 0;
        while start < profiles.len() {
            let id = profiles.respondent(start);
            let mut end = start + 1;
            while end < profiles.len() && end - start < MAX_GROUP && profiles.respondent(end) == id {
                end += 1;
            }
            let kept = if end - start == 1 { k } else { k * per_neighbour };
            groups.push(Group::new(&queries, start..end, kept));
            start = end;
        }
        let mut bound = vec![0.0; BLOCK.min(n)];
        for first in (0..n).step_by(BLOCK) {
            let last = (first + BLOCK).min(n);
            let bound = &mut bound[..last - first];
            for group in &mut groups {
                group.lower_bounds(&self.columns, first..last, bound);
                group.keep(first, bound);
            }
        }
        groups
            .into_iter()
            .flat_map(|group| group.nearest(&queries, &self.points, k))
            .collect()
    }
}

/// A candidate neighbour: a squared distance (or its lower bound) and the
/// training row, ordered by distance, then row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Near(f64, usize);

impl Eq for Near {}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// Consecutive queries searched together; see the
/// [module documentation](self).
struct Group {
    /// The queries' rows in the batch.
    rows: std::ops::Range<usize>,
    /// Per capability, the distinct values the queries take there:
    /// `values[offsets[d]..offsets[d + 1]]`.
    values: Vec<f64>,
    offsets: Vec<usize>,
    /// The training rows of smallest lower bound seen so far (at most
    /// `kept`), the largest on top.
    best: BinaryHeap<Near>,
    kept: usize,
}

impl Group {
    fn new(queries: &Array2<f64>, rows: std::ops::Range<usize>, kept: usize) -> Self {
        let mut values = Vec::new();
        let mut offsets = vec![0];
        for d in 0..queries.ncols() {
            let from = values.len();
            for q in rows.clone() {
                let v = queries[(q, d)];
                if !values[from..].iter().any(|&u: &f64| u.to_bits() == v.to_bits()) {
                    values.push(v);
                }
            }
            offsets.push(values.len());
        }
        Group {
            rows,
            values,
            offsets,
            best: BinaryHeap::with_capacity(kept + 1),
            kept,
        }
    }

    /// Into `bound`, for the training rows `block`: the squared distance to
    /// the nearest query value, summed over the capabilities in order (the
    /// exact squared distance for a single query).
    fn lower_bounds(&self, columns: &Array2<f64>, block: std::ops::Range<usize>, bound: &mut [f64]) {
        bound.iter_mut().for_each(|b| *b = 0.0);
        for (d, column) in columns.outer_iter().enumerate() {
            let column = &column.as_slice().expect("standard layout")[block.clone()];
            match &self.values[self.offsets[d]..self.offsets[d + 1]] {
                [v] => {
                    for (b, &p) in bound.iter_mut().zip(column) {
                        let t = v - p;
                        *b += t * t;
                    }
                }
                [v, w] => {
                    for (b, &p) in bound.iter_mut().zip(column) {
                        let (t, u) = (v - p, w - p);
                        *b += (t * t).min(u * u);
                    }
                }
                many => {
                    for (b, &p) in bound.iter_mut().zip(column) {
                        *b += many
                            .iter()
                            .map(|v| (v - p) * (v - p))
                            .fold(f64::INFINITY, f64::min);
                    }
                }
            }
        }
    }

    /// Keeps the rows of `bound` (training rows from `first` on) that are
    /// among the `kept` smallest so far.
    fn keep(&mut self, first: usize, bound: &[f64]) {
        for (r, &b) in bound.iter().enumerate() {
            if self.best.len() < self.kept {
                self.best.push(Near(b, first + r));
            } else if self.best.peek().is_some_and(|top| b < top.0) {
                // A later row with an equal bound would rank after the top.
                self.best.pop();
                self.best.push(Near(b, first + r));
            }
        }
    }

    /// Each query's `k` nearest training rows `(squared distance, row)`,
    /// nearest first (ties: the earlier row).
    fn nearest(self, queries: &Array2<f64>, points: &Array2<f64>, k: usize) -> Vec<Vec<(f64, usize)>> {
        let full = self.best.len() == self.kept && self.kept < points.nrows();
        let candidates = self.best.into_sorted_vec();
        let mut near: Vec<Vec<Near>> = self.rows.clone().map(|_| Vec::with_capacity(k + 1)).collect();
        let mut open: Vec<usize> = (0..near.len()).collect();
        for cand in &candidates {
            // Every later row r has Near(distance, r) >= Near(bound, r) >= cand.
            open.retain(|&q| !(near[q].len() == k && near[q][k - 1] < *cand));
            if open.is_empty() {
                break;
            }
            let point = points.row(cand.1);
            for &q in &open {
                let d2 = squared_distance(queries.row(self.rows.start + q), point);
                insert(&mut near[q], Near(d2, cand.1), k);
            }
        }
        if full {
            // Rows not kept have bounds above the last candidate: a query
            // whose k-th neighbour is not below it may have missed one.
            let last = candidates.last().copied();
            for (q, nq) in near.iter_mut().enumerate() {
                let settled = nq.len() == k && last.is_some_and(|l| nq[k - 1] <= l);
                if !settled {
                    nq.clear();
                    let query = queries.row(self.rows.start + q);
                    for (r, point) in points.outer_iter().enumerate() {
                        insert(nq, Near(squared_distance(query, point), r), k);
                    }
                }
            }
        }
        near.into_iter()
            .map(|v| v.into_iter().map(|Near(d, r)| (d, r)).collect())
            .collect()
    }
}

/// The squared Euclidean distance, summed over the capabilities in order
/// (the arithmetic of [`Group::lower_bounds`]).
fn squared_distance(query: ArrayView1<'_, f64>, point: ArrayView1<'_, f64>) -> f64 {
    query.iter().zip(point).fold(0.0, |acc, (v, p)| {
        let t = v - p;
        acc + t * t
    })
}

/// Inserts `item` into the sorted `near` if it is among the `k` smallest.
fn insert(near: &mut Vec<Near>, item: Near, k: usize) {
    if near.len() == k && near.last().is_some_and(|last| item >= *last) {
        return;
    }
    let at = near.partition_point(|n| *n < item);
    near.insert(at, item);
    near.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::Bootstrap;
    use linfa_nn::distance::L2Dist;
    use linfa_nn::{LinearSearch, NearestNeighbour};
    use ndarray::aview1;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `rows` random profiles over `c` capabilities on 1..5 (whole points
    /// when `whole`, else any value), a tenth of the answers blank, each
    /// followed by `resamples` bootstrap resamples under the same id.
    fn profiles(rows: usize, c: usize, whole: bool, resamples: usize, seed: u64) -> ProfileBatch {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let bootstrap = Bootstrap::new(resamples.max(1), seed);
        let mut batch = ProfileBatch::new(c);
        let (mut drawn, mut values) = (Vec::new(), Vec::new());
        for i in 0..rows {
            let id = format!("p{i}");
            let x: Vec<f64> = (0..c)
                .map(|_| {
                    let v = rng.gen_range(1.0..=5.0f64);
                    if whole {
                        v.round()
                    } else {
                        v
                    }
                })
                .collect();
            let a: Vec<bool> = (0..c).map(|_| rng.gen_bool(0.9)).collect();
            let row: Vec<Option<f64>> = x.iter().zip(&a).map(|(&x, &a)| a.then_some(x)).collect();
            batch.push(&id, &row);
            let mut stream = bootstrap.rng(&id);
            for _ in 0..resamples {
                Bootstrap::resample_into(&mut stream, &x, &a, &mut drawn, &mut values);
                batch.push(&id, &values);
            }
        }
        batch
    }

    fn model(train: &ProfileBatch, k: usize) -> Knn {
        let labels: Vec<usize> = (0..train.len()).map(|i| i % 3).collect();
        Knn::fit(train, &labels, k, Scale::default())
    }

    /// Every query against every row, sorted by (squared distance, row).
    fn brute_force(knn: &Knn, queries: &ProfileBatch) -> Vec<Vec<(f64, usize)>> {
        let k = knn.params.k.min(knn.points.nrows());
        let mut q = vec![0.0; queries.capabilities()];
        (0..queries.len())
            .map(|i| {
                let (x, a) = queries.row(i);
                impute(x, a, &knn.params.imputation, &mut q);
                let mut all: Vec<Near> = knn
                    .points
                    .outer_iter()
                    .enumerate()
                    .map(|(r, p)| Near(squared_distance(aview1(&q), p), r))
                    .collect();
                all.sort();
                all.truncate(k);
                all.into_iter().map(|Near(d, r)| (d, r)).collect()
            })
            .collect()
    }

    #[test]
    fn finds_the_same_neighbours_as_linfa_linear_search() {
        // Values anywhere on the scale: no two distances are equal, so
        // the neighbours are defined whatever breaks ties.
        let train = profiles(1000, 12, false, 0, 1);
        let queries = profiles(20, 12, false, 20, 2);
        let knn = model(&train, 5);
        let index = LinearSearch::new().from_batch(&knn.points, L2Dist).unwrap();
        let mut q = vec![0.0; 12];
        for per_neighbour in [KEPT_PER_NEIGHBOUR, 1] {
            let found = knn.nearest(&queries, per_neighbour);
            assert_eq!(found.len(), queries.len());
            for (i, near) in found.iter().enumerate() {
                let (x, a) = queries.row(i);
                impute(x, a, &knn.params.imputation, &mut q);
                let theirs: Vec<usize> = index
                    .k_nearest(aview1(&q), 5)
                    .unwrap()
                    .into_iter()
                    .map(|(_, r)| r)
                    .collect();
                let ours: Vec<usize> = near.iter().map(|&(_, r)| r).collect();
                assert_eq!(ours, theirs, "query {i}, {per_neighbour} kept per neighbour");
            }
        }
    }

    #[test]
    fn ties_go_to_the_earlier_training_row() {
        // Whole points on 6 capabilities: many rows at equal distances.
        let train = profiles(400, 6, true, 0, 3);
        let queries = profiles(20, 6, true, 20, 4);
        for k in [1, 5, 40, 1000] {
            let knn = model(&train, k);
            let expected = brute_force(&knn, &queries);
            // 1 kept per neighbour forces the fallback to a full search.
            for per_neighbour in [KEPT_PER_NEIGHBOUR, 1] {
                assert_eq!(
                    knn.nearest(&queries, per_neighbour),
                    expected,
                    "k {k}, {per_neighbour}"
                );
            }
        }
    }
}
