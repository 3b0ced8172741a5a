//! Cohort analytics: grouping respondents into clusters and describing
//! each group against the role matrix.
//!
//! The steps, each usable on its own:
//!
//! 1. [`CohortData::from_batch`]: respondents as a dense matrix, missing
//!    answers imputed with the capability's mean.
//! 2. [`fit`] (one `k`) or [`fit_range`] (the best `k` of a range by
//!    [`silhouette`] score): k-means or a Gaussian mixture from
//!    linfa-clustering, seeded, with clusters renumbered canonically.
//! 3. [`describe`]: each cluster's size, centroid, nearest role under a
//!    [`Strategy`](rolefit_score::Strategy), distinguishing capabilities and
//!    silhouette.
//! 4. [`project`]: a 2-D principal-component view of respondents and roles,
//!    for plots.
//!
//! Everything is deterministic for a given seed: linfa's k-means++ is
//! seeded with a ChaCha8 generator (portable across platforms), its
//! parallel steps are per-row and so independent of the thread count, and
//! cluster numbers do not depend on the order the algorithm found them in.

mod data;
mod describe;
mod project;
mod silhouette;

use std::fmt;
use std::ops::RangeInclusive;

use linfa::prelude::{Fit, Predict};
use linfa::DatasetBase;
use linfa_clustering::{GaussianMixtureModel, KMeans, KMeansInit};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use rolefit_score::ScoreError;

use crate::params::{at_least_one, ParamError};

pub use data::CohortData;
pub use describe::{describe, ClusterSummary, Distinction, DISTINGUISHING};
pub use project::{project, Projection};
pub use silhouette::{silhouette, silhouette_sample, Silhouette, SILHOUETTE_SAMPLE};

/// Why respondents could not be clustered or projected.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// More clusters were asked for than there are respondents, or none.
    #[error("cannot make {k} clusters of {n} respondents")]
    TooFewRespondents {
        /// Respondents available.
        n: usize,
        /// Clusters asked for.
        k: usize,
    },
    /// A k that the operation cannot use (for example 1 in a silhouette
    /// range, where the score is undefined).
    #[error("invalid number of clusters: {0}")]
    InvalidK(String),
    /// The algorithm failed on this data (a Gaussian mixture whose
    /// covariances degenerate, for example).
    #[error("{method} failed: {message}")]
    Fit {
        /// The method's name.
        method: Method,
        /// linfa's explanation.
        message: String,
    },
    /// The 2-D projection failed (respondents that vary in fewer than two
    /// directions).
    #[error("cannot project the respondents to 2-D: {0}")]
    Projection(String),
    /// Scoring centroids against the roles failed.
    #[error(transparent)]
    Score(#[from] ScoreError),
}

/// A clustering algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// k-means (Lloyd's iterations from k-means++ starts), best of
    /// [`ClusterParams::n_runs`] runs by inertia.
    KMeans,
    /// A Gaussian mixture with full covariances, fitted by EM from a
    /// k-means start; each respondent goes to its most probable component.
    Gmm,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::KMeans => "kmeans",
            Method::Gmm => "gmm",
        })
    }
}

/// Hyper-parameters shared by the methods, as given: a consuming builder,
/// `ClusterParams::new(Method::KMeans).seed(7).n_runs(10)`, whose
/// [`ClusterParams::check`] gives the [`ValidClusterParams`] that [`fit`]
/// and [`fit_range`] take. The setters store what they are given.
///
/// The k-means defaults were chosen on the benchmark of
/// `docs/performance.md` (100,000 respondents x 30 capabilities, k = 12,
/// against scikit-learn): single precision, greedy k-means++ starts, and
/// 10 screening iterations per start.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterParams {
    method: Method,
    seed: u64,
    n_runs: usize,
    tolerance: f64,
    max_iterations: u64,
    precision: Precision,
    seeding: Seeding,
    screen: u64,
    relative_tolerance: bool,
}

/// The floating-point type k-means runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `f32`: half the memory traffic. Answers are small numbers on a
    /// short scale, so assignments are the same as in `f64` but for exact
    /// ties; centroids, inertia and everything reported are computed in
    /// `f64` from the assignments either way.
    Single,
    /// `f64`.
    Double,
}

/// How k-means picks its starting centroids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeding {
    /// Greedy k-means++ (scikit-learn's): each centre is the best of
    /// `2 + ln k` weighted draws. Computed here, handed to linfa as
    /// precomputed centroids.
    Greedy,
    /// linfa's k-means++: one weighted draw per centre.
    Linfa,
}

impl ClusterParams {
    /// Defaults: seed 1, 10 k-means runs, tolerance `1e-4` (relative, as
    /// scikit-learn's), at most 300 iterations, [`Precision::Single`],
    /// [`Seeding::Greedy`], 10 screening iterations.
    pub fn new(method: Method) -> Self {
        ClusterParams {
            method,
            seed: 1,
            n_runs: 10,
            tolerance: 1e-4,
            max_iterations: 300,
            precision: Precision::Single,
            seeding: Seeding::Greedy,
            screen: 10,
            relative_tolerance: true,
        }
    }

    /// The random seed: the same seed gives the same clusters.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// k-means restarts from new k-means++ seeds; the run of lowest
    /// inertia wins. At least 1.
    pub fn n_runs(mut self, n_runs: usize) -> Self {
        self.n_runs = n_runs;
        self
    }

    /// Convergence. k-means stops when the squared moves of all centroids
    /// add up to at most `tolerance` times the data's mean per-capability
    /// variance (scikit-learn's rule; given to linfa as the equivalent
    /// absolute bound on the norm of the move); the mixture stops when its
    /// mean log-likelihood improves by less than `tolerance`. Positive.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Whether the k-means tolerance is relative to the data's variance
    /// (the default, see [`ClusterParams::tolerance`]) or handed to linfa
    /// as is, an absolute bound on the norm of the centroids' move.
    pub fn relative_tolerance(mut self, relative: bool) -> Self {
        self.relative_tolerance = relative;
        self
    }

    /// Iterations per run at most. At least 1.
    pub fn max_iterations(mut self, max_iterations: u64) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// The precision k-means runs in.
    pub fn precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    /// How k-means starts.
    pub fn seeding(mut self, seeding: Seeding) -> Self {
        self.seeding = seeding;
        self
    }

    /// Screening: every start runs at most this many Lloyd iterations,
    /// and only the start of lowest inertia then runs to convergence
    /// (0: every start runs to convergence, as scikit-learn does). Starts
    /// that fall into a poor local minimum are the slow ones to converge,
    /// and after a few iterations they are already the worse ones.
    pub fn screen_iterations(mut self, screen: u64) -> Self {
        self.screen = screen;
        self
    }

    /// The parameters, checked.
    ///
    /// # Errors
    /// [`ParamError`] naming the first value out of its range: no runs, no
    /// iterations, or a tolerance that is not a positive number.
    pub fn check(&self) -> Result<ValidClusterParams, ParamError> {
        at_least_one(self.n_runs as u64, "the number of k-means runs")?;
        at_least_one(self.max_iterations, "the iterations per run")?;
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(ParamError::Tolerance(self.tolerance));
        }
        Ok(ValidClusterParams(self.clone()))
    }
}

/// Hyper-parameters checked by [`ClusterParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidClusterParams(ClusterParams);

impl ValidClusterParams {
    /// The method.
    pub fn method(&self) -> Method {
        self.0.method
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.0.seed
    }
}

/// Respondents assigned to clusters.
///
/// Clusters are numbered `0..k` by decreasing size, equal sizes in the
/// order of their first member in the input, so that the numbering does
/// not depend on how the algorithm happened to find them. Clusters that
/// end up empty are dropped, so [`Clustering::k`] can be below the `k`
/// asked for (only with many identical respondents).
#[derive(Debug, Clone)]
pub struct Clustering {
    method: Method,
    requested_k: usize,
    labels: Vec<usize>,
    centroids: Array2<f64>,
    sizes: Vec<usize>,
    inertia: f64,
}

impl Clustering {
    /// Builds a clustering from raw labels (any numbering): renumbers them
    /// canonically and computes centroids (the members' means) and inertia.
    ///
    /// # Panics
    /// If `raw` does not have one label per row of `x`.
    pub fn from_labels(x: ArrayView2<'_, f64>, raw: &[usize], method: Method, requested_k: usize) -> Self {
        assert_eq!(raw.len(), x.nrows(), "one label per row");
        let top = raw.iter().copied().max().map_or(0, |m| m + 1);
        let mut counts = vec![0usize; top];
        let mut first = vec![usize::MAX; top];
        for (i, &l) in raw.iter().enumerate() {
            counts[l] += 1;
            first[l] = first[l].min(i);
        }
        let mut order: Vec<usize> = (0..top).filter(|&l| counts[l] > 0).collect();
        order.sort_by_key(|&l| (std::cmp::Reverse(counts[l]), first[l]));
        let mut map = vec![usize::MAX; top];
        for (new, &old) in order.iter().enumerate() {
            map[old] = new;
        }
        let k = order.len();
        let labels: Vec<usize> = raw.iter().map(|&l| map[l]).collect();
        let sizes: Vec<usize> = order.iter().map(|&l| counts[l]).collect();
        let mut centroids = Array2::<f64>::zeros((k, x.ncols()));
        for (row, &l) in x.outer_iter().zip(&labels) {
            let mut c = centroids.row_mut(l);
            c += &row;
        }
        for (mut c, &size) in centroids.outer_iter_mut().zip(&sizes) {
            c /= size as f64;
        }
        let inertia = x
            .outer_iter()
            .zip(&labels)
            .map(|(row, &l)| {
                row.iter()
                    .zip(centroids.row(l))
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
            })
            .sum();
        Clustering {
            method,
            requested_k,
            labels,
            centroids,
            sizes,
            inertia,
        }
    }

    /// The method that made it.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Number of (non-empty) clusters.
    pub fn k(&self) -> usize {
        self.sizes.len()
    }

    /// The number of clusters that was asked for.
    pub fn requested_k(&self) -> usize {
        self.requested_k
    }

    /// Each respondent's cluster, in input order.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Each cluster's centroid (its members' mean), clusters x capabilities.
    pub fn centroids(&self) -> ArrayView2<'_, f64> {
        self.centroids.view()
    }

    /// Each cluster's number of respondents.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The sum over respondents of the squared Euclidean distance to their
    /// cluster's centroid (scikit-learn's `inertia_`; linfa reports it
    /// divided by the number of respondents).
    pub fn inertia(&self) -> f64 {
        self.inertia
    }
}

/// Clusters `data` into `k` groups with `params`.
///
/// # Errors
/// [`ClusterError::TooFewRespondents`] if `k` is 0 or more than the
/// respondents; [`ClusterError::Fit`] if the algorithm fails on the data.
pub fn fit(data: &CohortData, k: usize, params: &ValidClusterParams) -> Result<Clustering, ClusterError> {
    let params = &params.0;
    let n = data.len();
    if k == 0 || k > n {
        return Err(ClusterError::TooFewRespondents { n, k });
    }
    let x = data.values();
    let raw = match params.method {
        Method::KMeans => kmeans_labels(x, k, params)?,
        Method::Gmm => gmm_labels(x, k, params)?,
    };
    Ok(Clustering::from_labels(x, &raw, params.method, k))
}

/// One `k` tried by [`fit_range`].
#[derive(Debug, Clone, PartialEq)]
pub struct KChoice {
    /// The k asked for.
    pub k: usize,
    /// The clustering's silhouette (`None` if it collapsed to one cluster).
    pub silhouette: Option<f64>,
    /// The clustering's inertia.
    pub inertia: f64,
}

/// Clusters `data` with every `k` of `range` and keeps the one of highest
/// silhouette (ties: the smaller k). Every k is scored on the same sample
/// of respondents (see [`silhouette_sample`]).
///
/// Returns the chosen clustering, its silhouette, and every k's figures.
///
/// # Errors
/// [`ClusterError::InvalidK`] for an empty range or one starting below 2
/// (the silhouette is undefined for one cluster);
/// [`ClusterError::TooFewRespondents`] if the range ends above the number
/// of respondents; [`ClusterError::Fit`] as [`fit`].
pub fn fit_range(
    data: &CohortData,
    range: RangeInclusive<usize>,
    params: &ValidClusterParams,
) -> Result<(Clustering, Silhouette, Vec<KChoice>), ClusterError> {
    let (lo, hi) = (*range.start(), *range.end());
    if lo < 2 {
        return Err(ClusterError::InvalidK(format!(
            "a k range must start at 2 or more (the silhouette of one cluster is undefined), got {lo}..{hi}"
        )));
    }
    if lo > hi {
        return Err(ClusterError::InvalidK(format!("the k range {lo}..{hi} is empty")));
    }
    if hi > data.len() {
        return Err(ClusterError::TooFewRespondents { n: data.len(), k: hi });
    }
    let sample = silhouette_sample(data.len(), params.seed());
    let mut best: Option<(Clustering, Silhouette)> = None;
    let mut tried = Vec::with_capacity(hi - lo + 1);
    for k in range {
        let c = fit(data, k, params)?;
        let s = silhouette(data.values(), c.labels(), c.k(), &sample);
        tried.push(KChoice {
            k,
            silhouette: s.as_ref().map(|s| s.overall),
            inertia: c.inertia(),
        });
        if let Some(s) = s {
            if best.as_ref().is_none_or(|(_, b)| s.overall > b.overall) {
                best = Some((c, s));
            }
        }
    }
    match best {
        Some((c, s)) => Ok((c, s, tried)),
        None => Err(ClusterError::InvalidK(
            "every k of the range collapsed to a single cluster (are all respondents identical?)".into(),
        )),
    }
}

fn kmeans_labels(
    x: ArrayView2<'_, f64>,
    k: usize,
    params: &ClusterParams,
) -> Result<Vec<usize>, ClusterError> {
    let tolerance = if params.relative_tolerance {
        kmeans_tolerance(x, params.tolerance)
    } else {
        params.tolerance
    };
    match params.precision {
        Precision::Double => kmeans_fit(x.to_owned(), k, params, tolerance),
        Precision::Single => kmeans_fit(x.mapv(|v| v as f32), k, params, tolerance as f32),
    }
}

/// linfa stops when the centroids move less than its tolerance (the
/// Euclidean norm of the change of all centroids together); scikit-learn
/// stops when the sum of their squared moves is at most `tol` times the
/// data's mean per-column variance. This is that rule in linfa's terms, so
/// that `tol = 1e-4` means the same in both.
fn kmeans_tolerance(x: ArrayView2<'_, f64>, tol: f64) -> f64 {
    let mean_var = x.var_axis(Axis(0), 0.0).mean().unwrap_or(0.0);
    let t = (tol * mean_var).sqrt();
    if t > 0.0 && t.is_finite() {
        t
    } else {
        tol
    }
}

/// k-means with linfa's Lloyd iterations, from `params.n_runs` starts
/// (screened, see [`ClusterParams::screen_iterations`]); the assignments of
/// the best run.
fn kmeans_fit<F: linfa::Float>(
    x: Array2<F>,
    k: usize,
    params: &ClusterParams,
    tolerance: F,
) -> Result<Vec<usize>, ClusterError> {
    let dataset = DatasetBase::from(x);
    let fail = |e: linfa_clustering::KMeansError| ClusterError::Fit {
        method: Method::KMeans,
        message: e.to_string(),
    };
    let first_pass = if params.screen > 0 {
        params.screen.min(params.max_iterations)
    } else {
        params.max_iterations
    };
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let best = match params.seeding {
        Seeding::Greedy => {
            let mut best: Option<KMeans<F, linfa_nn::distance::L2Dist>> = None;
            for _ in 0..params.n_runs {
                let init = greedy_kmeans_pp(dataset.records().view(), k, &mut rng);
                let model = lloyd(
                    &dataset,
                    k,
                    KMeansInit::Precomputed(init),
                    first_pass,
                    tolerance,
                    1,
                    &rng,
                )
                .map_err(fail)?;
                if best.as_ref().is_none_or(|b| model.inertia() < b.inertia()) {
                    best = Some(model);
                }
            }
            best
        }
        Seeding::Linfa => Some(
            lloyd(
                &dataset,
                k,
                KMeansInit::KMeansPlusPlus,
                first_pass,
                tolerance,
                params.n_runs,
                &rng,
            )
            .map_err(fail)?,
        ),
    };
    let Some(mut model) = best else {
        return Err(fail(linfa_clustering::KMeansError::InertiaError));
    };
    if first_pass < params.max_iterations {
        // Run the best start on to convergence.
        let init = KMeansInit::Precomputed(model.centroids().clone());
        model = lloyd(&dataset, k, init, params.max_iterations, tolerance, 1, &rng).map_err(fail)?;
    }
    Ok(model.predict(dataset.records()).to_vec())
}

/// One linfa k-means fit.
fn lloyd<F: linfa::Float>(
    dataset: &DatasetBase<Array2<F>, Array1<()>>,
    k: usize,
    init: KMeansInit<F>,
    max_iterations: u64,
    tolerance: F,
    runs: usize,
    rng: &ChaCha8Rng,
) -> Result<KMeans<F, linfa_nn::distance::L2Dist>, linfa_clustering::KMeansError> {
    KMeans::params_with_rng(k, rng.clone())
        .n_runs(runs)
        .tolerance(tolerance)
        .max_n_iterations(max_iterations)
        .init_method(init)
        .fit(dataset)
}

/// Greedy k-means++ seeding (Arthur and Vassilvitskii 2007, with
/// scikit-learn's greedy variant): each new centre is the best of
/// `2 + ln k` candidates drawn with probability proportional to the squared
/// distance to the nearest centre so far, "best" meaning the one that
/// lowers the total squared distance most. linfa's own k-means++ draws a
/// single candidate per centre, which on the benchmark's 12 clusters let
/// all 10 runs end in a local minimum 13% above the best inertia.
///
/// The distances are computed on all cores, each thread on its own rows,
/// and summed in a fixed order, so the result does not depend on the
/// number of threads.
fn greedy_kmeans_pp<F: linfa::Float>(x: ArrayView2<'_, F>, k: usize, rng: &mut ChaCha8Rng) -> Array2<F> {
    use rand::Rng;
    let (n, d) = x.dim();
    let mut centres = Array2::<F>::zeros((k, d));
    let x = x.as_standard_layout();
    let flat = x.as_slice().unwrap_or(&[]);
    let first = rng.gen_range(0..n);
    centres.row_mut(0).assign(&x.row(first));
    let mut closest = vec![F::zero(); n];
    let mut candidate = vec![F::zero(); n];
    let mut best_d = vec![F::zero(); n];
    min_sq_distances(flat, d, &flat[first * d..(first + 1) * d], &[], &mut closest);
    let trials = 2 + (k as f64).ln().floor() as usize;
    let mut cumulative = Vec::with_capacity(n);
    for c in 1..k {
        // Cumulative potential, for drawing by weight.
        cumulative.clear();
        let mut total = 0.0f64;
        for &v in &closest {
            total += v.to_f64().unwrap_or(0.0);
            cumulative.push(total);
        }
        let mut best: Option<(f64, usize)> = None;
        for _ in 0..trials {
            let pick = if total > 0.0 {
                let u = rng.gen::<f64>() * total;
                cumulative.partition_point(|&s| s <= u).min(n - 1)
            } else {
                rng.gen_range(0..n)
            };
            min_sq_distances(flat, d, &flat[pick * d..(pick + 1) * d], &closest, &mut candidate);
            let pot: f64 = candidate.iter().map(|v| v.to_f64().unwrap_or(0.0)).sum();
            if best.is_none_or(|(b, _)| pot < b) {
                best = Some((pot, pick));
                std::mem::swap(&mut best_d, &mut candidate);
            }
        }
        let (_, pick) = best.unwrap_or((0.0, 0));
        centres.row_mut(c).assign(&x.row(pick));
        std::mem::swap(&mut closest, &mut best_d);
    }
    centres
}

/// `out[i] = min(bound[i], |row i - centre|^2)` for the rows of the
/// row-major `x` (`d` columns); an empty `bound` means no bound. Runs on
/// all cores.
fn min_sq_distances<F: linfa::Float>(x: &[F], d: usize, centre: &[F], bound: &[F], out: &mut [F]) {
    let n = out.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n.div_ceil(4096).max(1));
    let per = n.div_ceil(threads.max(1)).max(1);
    let work = |start: usize, out: &mut [F]| {
        for (i, o) in out.iter_mut().enumerate() {
            let row = start + i;
            let v = sq_distance(&x[row * d..(row + 1) * d], centre);
            *o = match bound.get(row) {
                Some(&b) if b < v => b,
                _ => v,
            };
        }
    };
    if threads <= 1 {
        work(0, out);
        return;
    }
    std::thread::scope(|scope| {
        for (t, chunk) in out.chunks_mut(per).enumerate() {
            let work = &work;
            scope.spawn(move || work(t * per, chunk));
        }
    });
}

/// `|a - b|^2` with eight independent partial sums, which the compiler can
/// keep in vector registers (a single running sum cannot be reordered).
#[inline]
fn sq_distance<F: linfa::Float>(a: &[F], b: &[F]) -> F {
    let mut acc = [F::zero(); 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..8 {
            let t = x[l] - y[l];
            acc[l] += t * t;
        }
    }
    let mut tail = F::zero();
    for (&p, &q) in ca.remainder().iter().zip(cb.remainder()) {
        tail += (p - q) * (p - q);
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// The mixture's covariance regularisation, as a fraction of the squared
/// scale step: see [`gmm_regularisation`].
const GMM_REG_FRACTION: f64 = 1.0 / 12.0;

/// The value added to the diagonal of every component's covariance: the
/// variance of rounding to whole points on a 1..5 scale (`1/12` of a
/// squared point), carried over to the data's own spread. Answers are
/// discrete, so without it a component whose members all gave the same
/// answer somewhere has a zero variance there and the likelihood
/// degenerates.
fn gmm_regularisation(x: ArrayView2<'_, f64>) -> f64 {
    // The data's range stands for the scale width; one point of a 1..5
    // scale is a quarter of it.
    let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    });
    let step = if hi > lo { (hi - lo) / 4.0 } else { 1.0 };
    (GMM_REG_FRACTION * step * step).max(1e-6)
}

fn gmm_labels(x: ArrayView2<'_, f64>, k: usize, params: &ClusterParams) -> Result<Vec<usize>, ClusterError> {
    let dataset = DatasetBase::from(x);
    let fail = |message: String| ClusterError::Fit {
        method: Method::Gmm,
        message,
    };
    let model = GaussianMixtureModel::params_with_rng(k, ChaCha8Rng::seed_from_u64(params.seed))
        .n_runs(1)
        .tolerance(params.tolerance)
        .max_n_iterations(params.max_iterations)
        .reg_covariance(gmm_regularisation(x))
        .fit(&dataset)
        .map_err(|e| fail(e.to_string()))?;
    let means = model.means();
    if !means.iter().all(|v| v.is_finite()) || !model.weights().iter().all(|w| w.is_finite()) {
        return Err(fail("the fitted mixture has non-finite parameters".into()));
    }
    // linfa's `predict` takes an argmax that panics on NaN (a point far
    // from every component underflows); the most probable component only
    // needs the unnormalised log densities, so compute those here.
    let precisions = model.precisions();
    let mut log_consts = Vec::with_capacity(k);
    for (j, p) in precisions.outer_iter().enumerate() {
        let logdet =
            log_det_spd(p).ok_or_else(|| fail(format!("component {j} has a singular covariance")))?;
        log_consts.push(model.weights()[j].ln() + 0.5 * logdet);
    }
    let mut labels = Vec::with_capacity(x.nrows());
    let mut diff = Array1::<f64>::zeros(x.ncols());
    for row in x.outer_iter() {
        let mut best = (usize::MAX, f64::NEG_INFINITY);
        for (j, &log_const) in log_consts.iter().enumerate() {
            diff.assign(&row);
            diff -= &means.row(j);
            let q = diff.dot(&precisions.index_axis(Axis(0), j).dot(&diff));
            let lp = log_const - 0.5 * q;
            if lp > best.1 {
                best = (j, lp);
            }
        }
        if best.0 == usize::MAX {
            // Every density is NaN: fall back to the nearest mean.
            best.0 = nearest(row, means);
        }
        labels.push(best.0);
    }
    Ok(labels)
}

/// The row of `centres` nearest to `x` (Euclidean; first on ties).
fn nearest(x: ndarray::ArrayView1<'_, f64>, centres: &Array2<f64>) -> usize {
    centres
        .outer_iter()
        .map(|c| x.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum::<f64>())
        .enumerate()
        .fold(
            (0, f64::INFINITY),
            |best, (j, d)| if d < best.1 { (j, d) } else { best },
        )
        .0
}

/// `log det A` of a symmetric positive-definite matrix by Cholesky, or
/// `None` if it is not positive definite.
fn log_det_spd(a: ArrayView2<'_, f64>) -> Option<f64> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    let mut logdet = 0.0;
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[[i, m]] * l[[j, m]]).sum();
            if i == j {
                let d = a[[i, i]] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[[i, i]] = d.sqrt();
                logdet += 2.0 * l[[i, i]].ln();
            } else {
                l[[i, j]] = (a[[i, j]] - s) / l[[j, j]];
            }
        }
    }
    Some(logdet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::Rng;
    use rolefit_score::test_util::assert_close;

    /// `per` points around each of `centres`, uniform noise of `spread`.
    pub(crate) fn blobs(centres: &[[f64; 3]], per: usize, spread: f64, seed: u64) -> CohortData {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut rows = Vec::new();
        for _ in 0..per {
            for centre in centres {
                for v in centre {
                    rows.push(v + rng.gen_range(-spread..spread));
                }
            }
        }
        let n = per * centres.len();
        CohortData::from_values(Array2::from_shape_vec((n, 3), rows).unwrap())
    }

    const CENTRES: [[f64; 3]; 3] = [[1.0, 1.0, 5.0], [5.0, 1.0, 1.0], [3.0, 5.0, 3.0]];

    #[test]
    fn kmeans_finds_separated_blobs_and_numbers_them_canonically() {
        let data = blobs(&CENTRES, 20, 0.4, 3);
        let c = fit(&data, 3, &ClusterParams::new(Method::KMeans).check().unwrap()).unwrap();
        assert_eq!(c.k(), 3);
        assert_eq!(c.sizes(), &[20, 20, 20]);
        // Equal sizes: numbered by first member, and the rows cycle through
        // the centres, so row i is in cluster i % 3.
        for (i, &l) in c.labels().iter().enumerate() {
            assert_eq!(l, i % 3);
        }
        for (j, centre) in CENTRES.iter().enumerate() {
            for (a, b) in c.centroids().row(j).iter().zip(centre) {
                assert!((a - b).abs() < 0.2, "{a} vs {b}");
            }
        }
        assert!(c.inertia() > 0.0);
    }

    #[test]
    fn same_seed_same_clusters() {
        let data = blobs(&CENTRES, 15, 1.8, 5);
        let p = ClusterParams::new(Method::KMeans).seed(9).check().unwrap();
        let a = fit(&data, 4, &p).unwrap();
        let b = fit(&data, 4, &p).unwrap();
        assert_eq!(a.labels(), b.labels());
        assert_eq!(a.inertia(), b.inertia());
    }

    #[test]
    fn gmm_finds_separated_blobs() {
        let data = blobs(&CENTRES, 30, 0.5, 4);
        let c = fit(
            &data,
            3,
            &ClusterParams::new(Method::Gmm).seed(2).check().unwrap(),
        )
        .unwrap();
        assert_eq!(c.sizes(), &[30, 30, 30]);
        for (i, &l) in c.labels().iter().enumerate() {
            assert_eq!(l, i % 3);
        }
    }

    #[test]
    fn range_picks_the_true_k() {
        let data = blobs(&CENTRES, 20, 0.4, 6);
        let (c, s, tried) =
            fit_range(&data, 2..=5, &ClusterParams::new(Method::KMeans).check().unwrap()).unwrap();
        assert_eq!(c.k(), 3);
        assert_eq!(tried.len(), 4);
        assert_eq!(tried.iter().map(|t| t.k).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
        let best = tried
            .iter()
            .map(|t| t.silhouette.unwrap())
            .fold(f64::MIN, f64::max);
        assert_close(s.overall, best, 0.0);
        assert_close(tried[1].silhouette.unwrap(), best, 0.0);
    }

    #[test]
    fn parameters_out_of_range_are_refused_not_clamped() {
        let p = || ClusterParams::new(Method::KMeans);
        let message = |p: ClusterParams| p.check().unwrap_err().to_string();
        assert_eq!(
            message(p().n_runs(0)),
            "the number of k-means runs must be at least 1, got 0"
        );
        assert_eq!(
            message(p().max_iterations(0)),
            "the iterations per run must be at least 1, got 0"
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(p().tolerance(bad).check(), Err(ParamError::Tolerance(_))),
                "{bad}"
            );
        }
        let valid = p().seed(4).tolerance(1e-3).check().unwrap();
        assert_eq!((valid.method(), valid.seed()), (Method::KMeans, 4));
    }

    #[test]
    fn refuses_impossible_k() {
        let data = blobs(&CENTRES, 2, 0.4, 6);
        let p = ClusterParams::new(Method::KMeans).check().unwrap();
        assert!(matches!(
            fit(&data, 7, &p),
            Err(ClusterError::TooFewRespondents { n: 6, k: 7 })
        ));
        assert!(matches!(
            fit(&data, 0, &p),
            Err(ClusterError::TooFewRespondents { .. })
        ));
        assert!(matches!(
            fit_range(&data, 1..=3, &p),
            Err(ClusterError::InvalidK(_))
        ));
        #[allow(clippy::reversed_empty_ranges)]
        let empty = 4..=3;
        assert!(matches!(
            fit_range(&data, empty, &p),
            Err(ClusterError::InvalidK(_))
        ));
        assert!(matches!(
            fit_range(&data, 2..=9, &p),
            Err(ClusterError::TooFewRespondents { .. })
        ));
    }

    #[test]
    fn identical_respondents_collapse_without_panicking() {
        let data = CohortData::from_values(Array2::from_elem((6, 3), 2.0));
        let c = fit(&data, 3, &ClusterParams::new(Method::KMeans).check().unwrap()).unwrap();
        assert!(c.k() >= 1 && c.k() <= 3);
        assert_eq!(c.requested_k(), 3);
        assert_eq!(c.inertia(), 0.0);
        assert!(fit_range(&data, 2..=3, &ClusterParams::new(Method::KMeans).check().unwrap()).is_err());
        // The mixture either copes or says why; it never panics.
        let _ = fit(&data, 2, &ClusterParams::new(Method::Gmm).check().unwrap());
    }

    #[test]
    fn from_labels_renumbers_by_size_then_first_member() {
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
        let c = Clustering::from_labels(x.view(), &[7, 2, 2, 7, 4], Method::KMeans, 3);
        assert_eq!(c.labels(), &[0, 1, 1, 0, 2]);
        assert_eq!(c.sizes(), &[2, 2, 1]);
        assert_eq!(c.centroids().column(0).to_vec(), vec![1.5, 1.5, 4.0]);
        assert_close(c.inertia(), 2.25 * 2.0 + 0.25 * 2.0, 1e-12);
    }

    #[test]
    fn log_det_by_cholesky() {
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        assert_close(log_det_spd(a.view()).unwrap(), 8.0f64.ln(), 1e-12);
        assert!(log_det_spd(array![[1.0, 2.0], [2.0, 1.0]].view()).is_none());
    }
}
