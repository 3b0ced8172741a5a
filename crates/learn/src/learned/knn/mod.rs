//! `knn`: the roles of the `k` most similar labelled holders.
//!
//! Profiles are compared by Euclidean distance over all capabilities, a
//! blank replaced by the training mean of its capability (training rows'
//! blanks too). The `k` nearest training rows are found by an exact
//! search ([`search`]); of several rows at exactly the same
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
//! **The search** ([`search`]) is exact: every training row is looked
//! at once per query, in blocks that stay in cache, four queries at a
//! time. Bootstrap resamples are the exception: when the batch marks them
//! ([`Draw`]), each is searched among the nearest rows of its full profile
//! only (see [`search`] for the pool and why).

mod search;

use ndarray::Array2;
use rolefit_model::{ProfileBatch, Scale};
use serde::{Deserialize, Serialize};

use super::{capability_means, impute, LearnError};
use rolefit_score::strategy::Draw;
use search::{Columns, Near};

/// A fitted knn model: the training rows with their blanks filled in.
#[derive(Debug, Clone)]
pub(crate) struct Knn {
    params: KnnParams,
    /// Training rows, blanks imputed, rows x capabilities.
    points: Array2<f64>,
    /// The same in single precision, one contiguous slice per capability,
    /// for the scan.
    single: search::Single,
    /// Evenly spaced training rows, scanned first for the pools' bars.
    sample: Option<search::Sample>,
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
        let single = search::Single::new(
            points.as_slice().expect("a new array is contiguous"),
            capabilities,
            &params.imputation,
        );
        let sample = search::Sample::new(
            points.as_slice().expect("a new array is contiguous"),
            capabilities,
            &single,
        );
        Ok(Knn {
            params,
            points,
            single,
            sample,
        })
    }

    /// The parameters for the model file.
    pub(crate) fn params(&self) -> &KnnParams {
        &self.params
    }

    /// Scores every profile against every role into `out` (profiles x
    /// roles, all zeros on entry; see the [module documentation](self)),
    /// searching the resamples that `draws` marks among the nearest rows
    /// of their full profile.
    pub(crate) fn score_draws_into(
        &self,
        profiles: &ProfileBatch,
        draws: Option<&[Draw]>,
        scale: Scale,
        out: &mut Array2<f64>,
    ) {
        let mut votes = Votes::new(out.ncols(), scale);
        let nearest = self.nearest(profiles, draws);
        for (i, neighbours) in nearest.iter().enumerate() {
            let row = out
                .row_mut(i)
                .into_slice()
                .expect("a fresh array is in standard layout");
            votes.score(neighbours, &self.params.labels, row);
        }
    }

    /// The smallest `k` of [`K_CANDIDATES`] whose scores put the actual role
    /// first about as often as the best `k` on held-out rows (within one
    /// standard error: [`within_one_standard_error`]): `folds`-fold
    /// stratified cross-validation (`crate::evaluate::stratified_folds`,
    /// seeded with `seed`) over the training rows; each fold's rows are
    /// searched once for the largest `k` among the other folds, and every
    /// smaller `k` is scored from the first of those neighbours. With fewer
    /// than `2 * folds` rows there is nothing to compare on and
    /// [`DEFAULT_K`] is kept. Candidates above the smallest training part
    /// are not tried.
    ///
    /// With more than [`CHOICE_QUERIES`] rows, only a stratified sample of
    /// at most that many is held out and searched (each fold's training
    /// part is still all the rows outside the fold): the rows are dealt
    /// into `folds * g` stratified groups, `g = ceil(n / CHOICE_QUERIES)`;
    /// row `i` of group `h` is in fold `h % folds`, and held out only when
    /// `h < folds`. The held-out count sets how precisely the accuracies
    /// are compared, the training size sets which `k` is best, so the
    /// choice costs `O(CHOICE_QUERIES * n)` instead of `O(n^2)`.
    pub(crate) fn choose_k(
        profiles: &ProfileBatch,
        labels: &[usize],
        roles: usize,
        scale: Scale,
        seed: u64,
    ) -> usize {
        Self::choose_k_within(profiles, labels, roles, scale, seed, CHOICE_QUERIES)
    }

    /// [`Knn::choose_k`] with at most `queries` held-out rows.
    fn choose_k_within(
        profiles: &ProfileBatch,
        labels: &[usize],
        roles: usize,
        scale: Scale,
        seed: u64,
        queries: usize,
    ) -> usize {
        let folds = CHOICE_FOLDS;
        let n = profiles.len();
        if n < 2 * folds {
            return DEFAULT_K;
        }
        let groups = n.div_ceil(queries.max(1));
        let group_of = crate::evaluate::stratified_folds(labels, roles, folds * groups, seed);
        let fold_of: Vec<usize> = group_of.iter().map(|&h| h % folds).collect();
        let smallest = (0..folds)
            .map(|f| fold_of.iter().filter(|&&g| g != f).count())
            .min()
            .unwrap_or(0);
        let candidates: Vec<usize> = K_CANDIDATES.iter().copied().filter(|&k| k <= smallest).collect();
        let k_max = candidates.last().copied().unwrap_or(1);
        let (mut right, mut held) = (vec![0usize; candidates.len()], 0);
        let mut votes = Votes::new(roles, scale);
        let mut row = vec![0.0; roles];
        for f in 0..folds {
            let (train, test): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| fold_of[i] != f);
            let test: Vec<usize> = test.into_iter().filter(|&i| group_of[i] < folds).collect();
            let train_labels: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
            let knn = Knn::fit(&subset(profiles, &train), &train_labels, k_max, scale);
            let nearest = knn.nearest(&subset(profiles, &test), None);
            held += test.len();
            for (&i, neighbours) in test.iter().zip(&nearest) {
                for (c, &k) in candidates.iter().enumerate() {
                    votes.score(
                        &neighbours[..k.min(neighbours.len())],
                        &knn.params.labels,
                        &mut row,
                    );
                    if crate::evaluate::top_role(&row) == labels[i] {
                        right[c] += 1;
                    }
                }
            }
        }
        candidates
            .get(within_one_standard_error(&right, held))
            .copied()
            .unwrap_or(DEFAULT_K)
    }
}

/// The first candidate whose held-out accuracy `right[c] / held` is within
/// one standard error of the best one's (the "one-standard-error rule" of
/// Hastie, Tibshirani and Friedman, *The Elements of Statistical
/// Learning*, section 7.10): with `a` the best accuracy,
///
/// ```text
/// se = sqrt(a (1 - a) / held)
/// first c with right[c] / held >= a - se
/// ```
///
/// Candidates are in increasing `k`, so this is the smallest `k` that the
/// held-out rows cannot tell from the best; where the accuracies are flat
/// (roles far apart), it keeps `k` and the bootstrap's work small instead
/// of following noise to `k = 100`. `0` when nothing was held out.
fn within_one_standard_error(right: &[usize], held: usize) -> usize {
    let Some(&most) = right.iter().max() else {
        return 0;
    };
    if held == 0 {
        return 0;
    }
    let best = most as f64 / held as f64;
    let se = (best * (1.0 - best) / held as f64).sqrt();
    right
        .iter()
        .position(|&r| r as f64 / held as f64 >= best - se)
        .unwrap_or(0)
}

/// The `k` of `knn` when it is not chosen by cross-validation.
pub(crate) const DEFAULT_K: usize = 5;

/// The values of `k` cross-validation chooses among.
pub const K_CANDIDATES: [usize; 10] = [1, 3, 5, 10, 15, 20, 30, 50, 75, 100];

/// Folds of the cross-validation that chooses `k`.
const CHOICE_FOLDS: usize = 5;

/// The most rows held out (in all folds together) when `k` is chosen: the
/// accuracy of each candidate is then known to within about half a point
/// (binomial standard error at most `0.5 / sqrt(10,000)`), and the
/// difference between two candidates, measured on the same rows, more
/// closely still.
pub const CHOICE_QUERIES: usize = 10_000;

/// The rows `rows` of `profiles`, as a new batch.
fn subset(profiles: &ProfileBatch, rows: &[usize]) -> ProfileBatch {
    let mut out = ProfileBatch::with_capacity(profiles.capabilities(), rows.len());
    for &i in rows {
        out.push(profiles.respondent(i), &profiles.profile(i).values);
    }
    out
}

/// The scores of the roles from a profile's neighbours (see the
/// [module documentation](self)), with the working counts kept between
/// rows.
struct Votes {
    count: Vec<usize>,
    distance: Vec<f64>,
    width: f64,
}

impl Votes {
    fn new(roles: usize, scale: Scale) -> Self {
        Votes {
            count: vec![0; roles],
            distance: vec![0.0; roles],
            width: scale.width(),
        }
    }

    /// `out[j] = (n_j + t_j) / (k + 1)` for the neighbours given (`k` of
    /// them), `0` for roles none of them holds.
    fn score(&mut self, neighbours: &[Near], labels: &[usize], out: &mut [f64]) {
        self.count.iter_mut().for_each(|c| *c = 0);
        self.distance.iter_mut().for_each(|d| *d = 0.0);
        for &Near(d2, row) in neighbours {
            let role = labels[row];
            self.count[role] += 1;
            self.distance[role] += d2.sqrt();
        }
        let k = neighbours.len().max(1) as f64;
        for (j, out) in out.iter_mut().enumerate() {
            *out = if self.count[j] > 0 {
                let mean = self.distance[j] / self.count[j] as f64;
                let t = 1.0 / (1.0 + mean / self.width);
                (self.count[j] as f64 + t) / (k + 1.0)
            } else {
                0.0
            };
        }
    }
}

impl Knn {
    /// Each profile's `k` nearest training rows, nearest first and, at
    /// equal distances, the earlier row first: exact, except for the
    /// resamples that `draws` marks (searched in their full profile's
    /// pool).
    fn nearest(&self, profiles: &ProfileBatch, draws: Option<&[Draw]>) -> Vec<Vec<Near>> {
        let n = self.points.nrows();
        let k = self.params.k.min(n);
        let c = profiles.capabilities();
        let mut queries = Array2::zeros((profiles.len(), c));
        for (i, mut row) in queries.outer_iter_mut().enumerate() {
            let (x, a) = profiles.row(i);
            let row = row.as_slice_mut().expect("a new array is contiguous");
            impute(x, a, &self.params.imputation, row);
        }
        let queries = queries.as_slice().expect("a new array is contiguous");
        let query = |i: usize| &queries[i * c..(i + 1) * c];
        let pooled = search::plan(draws, profiles.len());
        let points = self.points.as_slice().expect("standard layout");
        let columns = Columns {
            single: &self.single,
            points,
            sample: self.sample.as_ref(),
            rows: n,
            capabilities: c,
        };
        // Full profiles with resamples in the batch keep a pool for them.
        let has_resamples = {
            let mut has = vec![false; profiles.len()];
            pooled.iter().flatten().for_each(|&of| has[of] = true);
            has
        };
        let mut near: Vec<Vec<Near>> = vec![Vec::new(); profiles.len()];
        let mut pools: Vec<Vec<Near>> = vec![Vec::new(); profiles.len()];
        let plain: Vec<usize> = (0..profiles.len())
            .filter(|&i| pooled[i].is_none() && !has_resamples[i])
            .collect();
        let found = search::nearest(&columns, &plain.iter().map(|&i| query(i)).collect::<Vec<_>>(), k);
        for (&i, found) in plain.iter().zip(found) {
            near[i] = found;
        }
        let originals: Vec<usize> = (0..profiles.len()).filter(|&i| has_resamples[i]).collect();
        let found = search::nearest_with_pools(
            &columns,
            &self.params.imputation,
            &originals.iter().map(|&i| query(i)).collect::<Vec<_>>(),
            k,
            search::pool_size(k),
        );
        for (&i, (found, pool)) in originals.iter().zip(found) {
            near[i] = found;
            pools[i] = pool;
        }
        // Each full profile's resamples, searched together in its pool.
        let mut i = 0;
        while i < profiles.len() {
            let Some(of) = pooled[i] else {
                i += 1;
                continue;
            };
            let end = (i..profiles.len())
                .find(|&j| pooled[j] != Some(of))
                .unwrap_or(profiles.len());
            let queries: Vec<&[f64]> = (i..end).map(query).collect();
            let pooled = search::Pooled {
                points,
                capabilities: c,
                original: query(of),
                means: &self.params.imputation,
                pool: &pools[of],
            };
            for (j, found) in (i..end).zip(pooled.nearest(&queries, k)) {
                near[j] = found;
            }
            i = end;
        }
        near
    }
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
    use rolefit_score::strategy::Draw;

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

    /// Every query against every row, sorted by (squared distance, row),
    /// the first `keep` (or `k`) of them.
    fn brute_force(knn: &Knn, queries: &ProfileBatch, keep: Option<usize>) -> Vec<Vec<Near>> {
        let k = keep.unwrap_or(knn.params.k).min(knn.points.nrows());
        let mut q = vec![0.0; queries.capabilities()];
        (0..queries.len())
            .map(|i| {
                let (x, a) = queries.row(i);
                impute(x, a, &knn.params.imputation, &mut q);
                let mut all: Vec<Near> = knn
                    .points
                    .outer_iter()
                    .enumerate()
                    .map(|(r, p)| Near(search::squared_distance(&q, p.as_slice().unwrap()), r))
                    .collect();
                all.sort();
                all.truncate(k);
                all
            })
            .collect()
    }

    /// Each query's `pool` rows of smallest lower bound
    /// `sum_d min((q_d - x_d)^2, (mean_d - x_d)^2)`, summed as the scan
    /// sums it, by (bound, row).
    fn bound_pools(knn: &Knn, queries: &ProfileBatch, pool: usize) -> Vec<Vec<Near>> {
        let mut q = vec![0.0; queries.capabilities()];
        let means = &knn.params.imputation;
        let means32 = knn.single.convert(means);
        let rows32: Vec<Vec<f32>> = knn
            .points
            .outer_iter()
            .map(|p| knn.single.convert(p.as_slice().expect("standard layout")))
            .collect();
        (0..queries.len())
            .map(|i| {
                let (x, a) = queries.row(i);
                impute(x, a, means, &mut q);
                let q32 = knn.single.convert(&q);
                let mut all: Vec<Near> = rows32
                    .iter()
                    .enumerate()
                    .map(|(r, p)| Near(search::pool_bound(&q32, p, &means32), r))
                    .collect();
                all.sort();
                all.truncate(pool);
                all
            })
            .collect()
    }

    fn draws(rows: usize, resamples: usize) -> Vec<Draw> {
        (0..rows)
            .flat_map(|i| {
                let original = i * (resamples + 1);
                std::iter::once(Draw::Original)
                    .chain((0..resamples).map(move |_| Draw::Resample(Some(original))))
            })
            .collect()
    }

    #[test]
    fn finds_the_same_neighbours_as_linfa_linear_search() {
        // Values anywhere on the scale: no two distances are equal, so
        // the neighbours are defined whatever breaks ties. 1,003 rows and
        // 21 x 7 queries: neither a whole number of kernel steps nor of
        // query groups.
        let train = profiles(1003, 12, false, 0, 1);
        let queries = profiles(7, 12, false, 20, 2);
        let knn = model(&train, 5);
        let index = LinearSearch::new().from_batch(&knn.points, L2Dist).unwrap();
        let mut q = vec![0.0; 12];
        let found = knn.nearest(&queries, None);
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
            let ours: Vec<usize> = near.iter().map(|n| n.1).collect();
            assert_eq!(ours, theirs, "query {i}");
        }
    }

    #[test]
    fn ties_go_to_the_earlier_training_row() {
        // Whole points on 6 capabilities: many rows at equal distances;
        // 2,061 rows span two cache blocks and end in a partial step.
        for rows in [400, 2061] {
            let train = profiles(rows, 6, true, 0, 3);
            let queries = profiles(9, 6, true, 20, 4);
            for k in [1, 5, 40, 1000, 5000] {
                let knn = model(&train, k);
                assert_eq!(
                    knn.nearest(&queries, None),
                    brute_force(&knn, &queries, None),
                    "{rows} rows, k {k}"
                );
            }
        }
    }

    #[test]
    fn resamples_are_searched_in_the_pool_of_their_full_profile() {
        // Whole points (many equal distances) and values anywhere; k up to
        // a pool larger than the smallest one.
        for (whole, k) in [(true, 1), (true, 5), (true, 20), (false, 5), (false, 40)] {
            resamples_in_pools(whole, k);
        }
    }

    fn resamples_in_pools(whole: bool, k: usize) {
        let train = profiles(3000, 8, whole, 0, 5);
        let (rows, resamples) = (6, 30);
        let queries = profiles(rows, 8, whole, resamples, 6);
        let draws = draws(rows, resamples);
        let knn = model(&train, k);
        let exact = brute_force(&knn, &queries, None);
        let pools = bound_pools(&knn, &queries, search::pool_size(k));
        let found = knn.nearest(&queries, Some(&draws));
        let mut q = vec![0.0; 8];
        for (i, draw) in draws.iter().enumerate() {
            match *draw {
                // Full profiles stay exact.
                Draw::Original => assert_eq!(found[i], exact[i], "k {k}, row {i}"),
                Draw::Resample(Some(of)) => {
                    let (x, a) = queries.row(i);
                    impute(x, a, &knn.params.imputation, &mut q);
                    let (x, a) = queries.row(of);
                    let mut full = vec![0.0; 8];
                    impute(x, a, &knn.params.imputation, &mut full);
                    // The full profile's distance plus the change of
                    // each capability the resample leaves out, in
                    // order; equal to the distance up to rounding.
                    let distance = |point: &[f64]| {
                        let mut sum = search::squared_distance(&full, point);
                        for d in 0..8 {
                            if q[d] != full[d] {
                                let m = knn.params.imputation[d];
                                assert_eq!(q[d], m);
                                let (u, t) = (m - point[d], full[d] - point[d]);
                                sum += u * u - t * t;
                            }
                        }
                        let direct = search::squared_distance(&q, point);
                        assert!((sum - direct).abs() < 1e-9, "{sum} {direct}");
                        sum
                    };
                    let mut expected: Vec<Near> = pools[of]
                        .iter()
                        .map(|n| Near(distance(knn.points.row(n.1).as_slice().unwrap()), n.1))
                        .collect();
                    expected.sort();
                    expected.truncate(k);
                    assert_eq!(found[i], expected, "k {k}, row {i}");
                }
                Draw::Resample(None) => unreachable!(),
            }
        }
    }

    #[test]
    fn a_pool_as_large_as_the_training_data_is_exact() {
        // 200 rows are fewer than the smallest pool: every resample's pool
        // is every row, so the pooled search finds the exact neighbours
        // (values anywhere on the scale, so no two distances tie), at
        // distances equal up to rounding.
        let train = profiles(200, 8, false, 0, 7);
        let queries = profiles(5, 8, false, 25, 8);
        let knn = model(&train, 5);
        let found = knn.nearest(&queries, Some(&draws(5, 25)));
        let exact = brute_force(&knn, &queries, None);
        for (found, exact) in found.iter().zip(&exact) {
            assert_eq!(found.len(), exact.len());
            for (f, e) in found.iter().zip(exact) {
                assert_eq!(f.1, e.1);
                assert!((f.0 - e.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn a_resample_without_its_full_profile_in_the_batch_is_searched_exactly() {
        let train = profiles(3000, 8, true, 0, 9);
        let queries = profiles(3, 8, true, 10, 10);
        let knn = model(&train, 5);
        // As when a respondent's resamples run over into the next batch.
        let mut marks = draws(3, 10);
        for draw in marks.iter_mut().skip(1).take(10) {
            *draw = Draw::Resample(None);
        }
        let found = knn.nearest(&queries, Some(&marks));
        let exact = brute_force(&knn, &queries, None);
        assert_eq!(found[..11], exact[..11]);
    }

    /// The smallest `k` of [`K_CANDIDATES`] that puts the actual role first
    /// on the rows `held` marks within one standard error as often as the
    /// best `k`, each row scored by a model of its own fitted to the rows
    /// outside its fold, scored as `score` scores (the top role by the
    /// largest score).
    fn best_k_another_road(
        batch: &ProfileBatch,
        labels: &[usize],
        folds: &[usize],
        held: impl Fn(usize) -> bool,
    ) -> usize {
        let (scale, n) = (Scale::default(), labels.len());
        let mut accuracy = Vec::new();
        for k in K_CANDIDATES {
            let (mut right, mut held_out) = (0, 0);
            for f in 0..5 {
                let (train, test): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| folds[i] != f);
                let test: Vec<usize> = test.into_iter().filter(|&i| held(i)).collect();
                let train_labels: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
                let knn = Knn::fit(&subset(batch, &train), &train_labels, k, scale);
                let mut out = Array2::zeros((test.len(), 3));
                knn.score_draws_into(&subset(batch, &test), None, scale, &mut out);
                for (r, &i) in test.iter().enumerate() {
                    let row = out.row(r);
                    let top = (0..3).fold(0, |b, j| if row[j] > row[b] { j } else { b });
                    right += usize::from(top == labels[i]);
                }
                held_out += test.len();
            }
            accuracy.push((k, right as f64 / held_out as f64, held_out as f64));
        }
        // The one-standard-error rule: the smallest k within one binomial
        // standard error of the best accuracy.
        let &(_, best, held_out) = accuracy.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        let se = (best * (1.0 - best) / held_out).sqrt();
        accuracy.iter().find(|a| a.1 >= best - se).unwrap().0
    }

    #[test]
    fn the_smallest_k_within_one_standard_error_is_kept() {
        // 1,000 held out, best 900: se = sqrt(.9 * .1 / 1000) = .0095, so
        // 891 (.891 >= .8905) is in and 890 (.890) is out.
        assert_eq!(within_one_standard_error(&[800, 891, 900, 895], 1000), 1);
        assert_eq!(within_one_standard_error(&[800, 890, 900, 895], 1000), 2);
        // Every row right: se 0, the first of the best.
        assert_eq!(within_one_standard_error(&[90, 100, 100], 100), 1);
        assert_eq!(within_one_standard_error(&[], 100), 0);
        assert_eq!(within_one_standard_error(&[0, 0], 0), 0);
    }

    #[test]
    fn k_is_the_smallest_within_one_standard_error_of_the_best() {
        // Three roles, their holders at the role's level plus much noise:
        // one neighbour is a poor guide, many are better.
        use rand_distr::StandardNormal;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (mut batch, mut labels) = (ProfileBatch::new(4), Vec::new());
        for i in 0..600 {
            let role = i % 3;
            let row: Vec<Option<f64>> = (0..4)
                .map(|c| {
                    let level = [2.0, 3.0, 4.0][(role + c) % 3];
                    let z: f64 = rng.sample(StandardNormal);
                    Some((level + 1.5 * z).round().clamp(1.0, 5.0))
                })
                .collect();
            batch.push(format!("p{i}"), &row);
            labels.push(role);
        }
        let scale = Scale::default();
        let chosen = Knn::choose_k(&batch, &labels, 3, scale, 7);
        let folds = crate::evaluate::stratified_folds(&labels, 3, 5, 7);
        assert_eq!(chosen, best_k_another_road(&batch, &labels, &folds, |_| true));
        // At most 150 rows held out: 600 rows dealt into 5 x 4 groups, the
        // fold is the group mod 5, and groups 0..5 are held out.
        let groups = crate::evaluate::stratified_folds(&labels, 3, 20, 7);
        let folds: Vec<usize> = groups.iter().map(|&h| h % 5).collect();
        let held = |i: usize| groups[i] < 5;
        let held_out: Vec<usize> = (0..600).filter(|&i| held(i)).collect();
        assert_eq!(held_out.len(), 150);
        for role in 0..3 {
            assert_eq!(held_out.iter().filter(|&&i| labels[i] == role).count(), 50);
        }
        let within = Knn::choose_k_within(&batch, &labels, 3, scale, 7, 150);
        assert_eq!(within, best_k_another_road(&batch, &labels, &folds, held));
        assert!(chosen >= 10, "{chosen}");
        // Too few rows to compare: the default.
        assert_eq!(
            Knn::choose_k(&subset(&batch, &[0, 1, 2]), &labels[..3], 3, scale, 7),
            DEFAULT_K
        );
    }
}
