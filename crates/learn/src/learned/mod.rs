//! Strategies learned from an organisation's own people.
//!
//! A hand-written role matrix says what a role *should* look like; the
//! people who hold the role say what it *does* look like. Given
//! respondents labelled with the role they hold, [`train`] fits one of
//! three methods and returns a [`LearnedModel`], which implements
//! [`Strategy`] so that scoring, ranking, confidence and evaluation treat
//! it like a built-in. Its name is `model:` and the method
//! (`model:centroid`).
//!
//! | method | score of role `j` | range |
//! | --- | --- | --- |
//! | `centroid` | `1 - sqrt(sum(p*(x-mu)^2) / sum(p)) / (H-L)`, with `mu`, `s` each capability's mean and spread among the role's holders and `p = 1 / (s^2 + f^2)`, `f = (H-L)/8`, over the answered capabilities | `[0, 1]` |
//! | `knn` | `(n_j + t_j) / (k + 1)`: `n_j` of the `k` nearest holders hold role `j`, `t_j = 1 / (1 + d_j / (H-L))` with `d_j` their mean distance (0 when `n_j = 0`) | `[0, 1]` |
//! | `logistic` | the multinomial logistic regression's probability of role `j` | `[0, 1]`, sums to 1 |
//! | `lda` | role `j`'s posterior under Gaussians with one shared, shrunk covariance | `[0, 1]`, sums to 1 |
//!
//! `knn`'s `k` is chosen by cross-validation among the training rows
//! unless it is given ([`TrainParams::neighbours`]); the model records the
//! `k` in use.
//!
//! Every model also records the precisions of `--weights learned`
//! ([`learn_precisions`]), learned from the same rows.
//!
//! **Blanks.** `centroid` sums over the answered capabilities only, like
//! the built-ins. `knn`, `logistic` and `lda` need every value: a blank is
//! replaced by the training mean of that capability (the mean over the
//! training rows that answered it; the scale's midpoint if none did).
//!
//! **Roles without holders** in the training data score `0` under every
//! method: nothing was learned about them.
//!
//! A model is saved as versioned JSON ([`LearnedModel::to_json`]) recording
//! the capabilities, roles and scale it was trained on and the training
//! data's shape; [`LearnedModel::from_json`] refuses a file of another
//! version or trained on another matrix. docs/evaluation.md has the format
//! and the exact formulas.
//!
//! A model may also keep softmax temperatures (`train --calibrate`,
//! [`Calibration`]) that turn its own scores, or a built-in strategy's,
//! into calibrated probabilities; see the `calibration` module's
//! documentation ([`LearnedModel::calibrate_self`], [`calibrate_strategy`]).

mod calibration;
mod centroid;
mod error;
mod file;
mod knn;
mod lda;
mod logistic;
mod precision;

use std::fmt;

use ndarray::Array2;
use rolefit_model::{ProfileBatch, RoleMatrix, Scale};

use rolefit_score::strategy::Draw;
use rolefit_score::{CompiledMatrix, ScoreError, Strategy, Workspace};

use crate::params::{at_least_one, ParamError};

pub use calibration::{
    calibrate_learned_weights, calibrate_strategy, Calibration, Probability, Temperature, CALIBRATION_FOLDS,
};
pub use error::LearnError;
pub use file::{MODEL_FORMAT, MODEL_VERSION, OLDEST_MODEL_VERSION};
pub use knn::K_CANDIDATES;
pub use precision::{learn_precisions, PRECISION_SHRINKAGE};

/// How a strategy is learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Each role's mean profile and spread over its holders.
    Centroid,
    /// The `k` nearest labelled holders (linfa-nn).
    Knn,
    /// Multinomial logistic regression (linfa-logistic).
    Logistic,
    /// Linear discriminant analysis, shared covariance with Ledoit-Wolf
    /// shrinkage.
    Lda,
}

impl Method {
    /// The methods `evaluate --strategies all` includes, in the order
    /// evaluations list them.
    pub const ALL: [Method; 3] = [Method::Centroid, Method::Knn, Method::Logistic];

    /// Every method, `lda` included.
    pub const EVERY: [Method; 4] = [Method::Centroid, Method::Knn, Method::Logistic, Method::Lda];

    /// The method's name: `centroid`, `knn`, `logistic` or `lda`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Centroid => "centroid",
            Method::Knn => "knn",
            Method::Logistic => "logistic",
            Method::Lda => "lda",
        }
    }

    /// Whether its scores are the probabilities of a fitted model
    /// (`logistic`, `lda`): then they are their own calibrated probability.
    pub fn is_probabilistic(self) -> bool {
        matches!(self, Method::Logistic | Method::Lda)
    }

    /// The name of the strategies it learns: `model:centroid`, ...
    pub fn strategy_name(self) -> &'static str {
        match self {
            Method::Centroid => "model:centroid",
            Method::Knn => "model:knn",
            Method::Logistic => "model:logistic",
            Method::Lda => "model:lda",
        }
    }

    /// The method called `name` (`knn` or `model:knn`, any case).
    pub fn from_name(name: &str) -> Option<Method> {
        let lower = name.to_ascii_lowercase();
        let bare = lower.strip_prefix("model:").unwrap_or(&lower);
        Method::EVERY.into_iter().find(|m| m.name() == bare)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Hyper-parameters of training, as given: [`TrainParams::check`] turns
/// them into the [`ValidTrainParams`] that [`train`] takes.
///
/// ```
/// use rolefit_learn::learned::TrainParams;
///
/// let valid = TrainParams::default().neighbours(15).check().unwrap();
/// assert_eq!(valid.neighbours(), 15);
/// assert!(!valid.chooses_neighbours());
/// assert!(TrainParams::default().check().unwrap().chooses_neighbours());
/// assert!(TrainParams::default().neighbours(0).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainParams(ValidTrainParams);

impl Default for TrainParams {
    /// `k` of `knn` chosen by cross-validation (5 where there is too
    /// little data to choose), alpha 1, at most 200 iterations, seed 1.
    fn default() -> Self {
        TrainParams(ValidTrainParams {
            neighbours: knn::DEFAULT_K,
            choose_neighbours: true,
            alpha: 1.0,
            max_iterations: 200,
            seed: 1,
        })
    }
}

impl TrainParams {
    /// `k` of `knn`: at least 1; more than the training rows means all of
    /// them. Without it, `k` is chosen by cross-validation among
    /// [`K_CANDIDATES`].
    pub fn neighbours(mut self, k: usize) -> Self {
        self.0.neighbours = k;
        self.0.choose_neighbours = false;
        self
    }

    /// The seed of the folds that choose `knn`'s `k`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// The L2 penalty of `logistic` on its weights (linfa's `alpha`,
    /// applied to the summed log-loss): finite, at least 0.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.0.alpha = alpha;
        self
    }

    /// Iterations of `logistic`'s L-BFGS solver at most: at least 1.
    pub fn max_iterations(mut self, iterations: u64) -> Self {
        self.0.max_iterations = iterations;
        self
    }

    /// The parameters, checked.
    ///
    /// # Errors
    /// [`ParamError`] naming the first value out of its range.
    pub fn check(self) -> Result<ValidTrainParams, ParamError> {
        let p = self.0;
        at_least_one(p.neighbours as u64, "k of knn (--neighbours)")?;
        if !(p.alpha.is_finite() && p.alpha >= 0.0) {
            return Err(ParamError::Alpha(p.alpha));
        }
        at_least_one(p.max_iterations, "logistic's iterations")?;
        Ok(p)
    }
}

/// Hyper-parameters of training, checked by [`TrainParams::check`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidTrainParams {
    neighbours: usize,
    choose_neighbours: bool,
    alpha: f64,
    max_iterations: u64,
    seed: u64,
}

impl Default for ValidTrainParams {
    /// [`TrainParams::default`], which is valid.
    fn default() -> Self {
        TrainParams::default().0
    }
}

impl ValidTrainParams {
    /// `k` of `knn` (at least 1): as given, or, in a trained model's
    /// options, the one cross-validation chose.
    pub fn neighbours(&self) -> usize {
        self.neighbours
    }

    /// Whether training chooses `knn`'s `k` by cross-validation (no `k`
    /// was given).
    pub fn chooses_neighbours(&self) -> bool {
        self.choose_neighbours
    }

    /// The seed of the folds that choose `knn`'s `k`.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The L2 penalty of `logistic` (finite, at least 0).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Iterations of `logistic`'s solver at most (at least 1).
    pub fn max_iterations(&self) -> u64 {
        self.max_iterations
    }
}

/// The shape of the training data a model was learned from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSummary {
    /// Labelled respondents used.
    pub rows: usize,
    /// Holders per role, in matrix order.
    pub per_role: Vec<usize>,
}

/// A strategy learned from labelled respondents; see the
/// [module documentation](self).
#[derive(Debug, Clone)]
pub struct LearnedModel {
    method: Method,
    capabilities: Vec<String>,
    roles: Vec<String>,
    scale: Scale,
    training: TrainingSummary,
    options: ValidTrainParams,
    kind: Kind,
    /// The role matrix it was trained with, kept in its file so that it
    /// travels with the model (`None` for a file of version 1).
    matrix: Option<StoredMatrix>,
    /// The precisions of `--weights learned`, roles x capabilities (`None`
    /// for a file before version 3).
    precisions: Option<Array2<f64>>,
    /// The softmax temperatures of `train --calibrate` (`None` without
    /// it, or for a file before version 4).
    calibration: Option<Calibration>,
}

/// The role matrix a model was trained with, as its file keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMatrix {
    /// The matrix (its `source` says where it was read from at training).
    pub matrix: RoleMatrix,
    /// A credit line the matrix's data requires wherever it is used (O*NET
    /// data's), if any.
    pub credit: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Centroid(centroid::Centroid),
    Knn(knn::Knn),
    Logistic(logistic::Logistic),
    Lda(lda::Lda),
}

/// Learns a strategy with `method` from `profiles`, where `labels[i]` is
/// the index (in `matrix`) of the role respondent `i` holds.
///
/// # Errors
/// [`LearnError::NoTrainingRows`] for an empty batch;
/// [`LearnError::Labels`] when there is not one label per profile or a
/// label is not a role of the matrix; [`LearnError::Score`] when a profile
/// does not fit the matrix (width, values off the scale);
/// [`LearnError::Fit`] when logistic regression fails.
pub fn train(
    method: Method,
    options: &ValidTrainParams,
    matrix: &RoleMatrix,
    profiles: &ProfileBatch,
    labels: &[usize],
) -> Result<LearnedModel, LearnError> {
    let roles = matrix.roles().len();
    check_labels(profiles, labels, roles)?;
    CompiledMatrix::new(matrix).check(profiles)?;
    let scale = matrix.scale();
    let mut per_role = vec![0; roles];
    labels.iter().for_each(|&l| per_role[l] += 1);
    let mut options = *options;
    let kind = match method {
        Method::Centroid => Kind::Centroid(centroid::Centroid::fit(profiles, labels, roles, scale)),
        Method::Knn => {
            if options.choose_neighbours {
                options.neighbours = knn::Knn::choose_k(profiles, labels, roles, scale, options.seed);
            }
            Kind::Knn(knn::Knn::fit(profiles, labels, options.neighbours(), scale))
        }
        Method::Logistic => Kind::Logistic(logistic::Logistic::fit(profiles, labels, &options, scale)?),
        Method::Lda => Kind::Lda(lda::Lda::fit(profiles, labels, roles, scale)?),
    };
    Ok(LearnedModel {
        method,
        capabilities: matrix.capabilities().iter().map(|c| c.id.clone()).collect(),
        roles: matrix.roles().iter().map(|r| r.name.clone()).collect(),
        scale,
        training: TrainingSummary {
            rows: profiles.len(),
            per_role,
        },
        options,
        kind,
        matrix: Some(StoredMatrix {
            matrix: matrix.clone(),
            credit: None,
        }),
        precisions: Some(learn_precisions(profiles, labels, roles)),
        calibration: None,
    })
}

impl LearnedModel {
    /// The method it was learned with.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The shape of its training data.
    pub fn training(&self) -> &TrainingSummary {
        &self.training
    }

    /// The options it was trained with (for `knn`, the `k` in use).
    pub fn options(&self) -> &ValidTrainParams {
        &self.options
    }

    /// The role matrix it was trained with, which its file keeps (`None`
    /// when read from a file of version 1, which did not).
    pub fn stored_matrix(&self) -> Option<&StoredMatrix> {
        self.matrix.as_ref()
    }

    /// The precisions of `--weights learned` (roles x capabilities), `None`
    /// for a model file before version 3.
    pub fn precisions(&self) -> Option<&Array2<f64>> {
        self.precisions.as_ref()
    }

    /// Sets the credit line the training matrix's data requires (O*NET's),
    /// written into the model file beside the matrix.
    pub fn with_matrix_credit(mut self, credit: Option<String>) -> Self {
        if let Some(stored) = &mut self.matrix {
            stored.credit = credit;
        }
        self
    }

    /// Checks that the model can score profiles of `matrix`: same number
    /// of roles and capabilities and the same scale.
    fn check_matrix(&self, matrix: &CompiledMatrix) -> Result<(), ScoreError> {
        if matrix.n_roles() != self.roles.len()
            || matrix.n_capabilities() != self.capabilities.len()
            || matrix.scale() != self.scale
        {
            return Err(ScoreError::Strategy {
                name: self.name().to_string(),
                message: format!(
                    "the model was trained on {} roles x {} capabilities on {}, not on this matrix's {} x {} on {}",
                    self.roles.len(),
                    self.capabilities.len(),
                    self.scale,
                    matrix.n_roles(),
                    matrix.n_capabilities(),
                    matrix.scale()
                ),
            });
        }
        Ok(())
    }
}

impl LearnedModel {
    /// Scores `profiles`, with the bootstrap draws when there are some.
    fn score_draws(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: Option<&[Draw]>,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        matrix.check(profiles)?;
        self.check_matrix(matrix)?;
        let mut out = ws.zeros((profiles.len(), matrix.n_roles()));
        match &self.kind {
            Kind::Centroid(m) => m.score_into(profiles, self.scale, &mut out),
            Kind::Knn(m) => m.score_draws_into(profiles, draws, self.scale, &mut out),
            Kind::Logistic(m) => m.score_into(profiles, &mut out),
            Kind::Lda(m) => m.score_into(profiles, &mut out),
        }
        Ok(out)
    }
}

impl Strategy for LearnedModel {
    fn name(&self) -> &str {
        self.method.strategy_name()
    }

    fn formula(&self) -> &str {
        match self.kind {
            Kind::Centroid(_) => "1 - sqrt(sum(p*(x-mu)^2) / sum(p)) / (H-L), p = 1/(s^2 + ((H-L)/8)^2)",
            Kind::Knn(_) => "(n_j + 1/(1 + d_j/(H-L))) / (k + 1) over the k nearest holders",
            Kind::Logistic(_) => "softmax(z W + b)_j, z the standardised answers",
            Kind::Lda(_) => "softmax(x S'^-1 mu_j - mu_j S'^-1 mu_j / 2 + ln pi_j)",
        }
    }

    fn description(&self) -> &str {
        match self.kind {
            Kind::Centroid(_) => {
                "Closeness to the mean profile of the role's holders, each capability weighted by how \
                 consistently they answer it."
            }
            Kind::Knn(_) => "Share of the k most similar labelled holders who hold the role.",
            Kind::Logistic(_) => "Probability of the role under a multinomial logistic regression.",
            Kind::Lda(_) => {
                "Probability of the role under Gaussians around each role's holders, with one shared \
                 covariance."
            }
        }
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        self.score_draws(matrix, profiles, None, ws)
    }

    /// `model:knn` searches each resample among its full profile's
    /// nearest training rows only (docs/evaluation.md); the other methods
    /// score every row as [`Strategy::score_in`] does.
    fn score_draws_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: &[Draw],
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        self.score_draws(matrix, profiles, Some(draws), ws)
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        matrix.assert_profile(values, answered, role);
        match &self.kind {
            Kind::Centroid(m) if self.check_matrix(matrix).is_ok() => {
                Some(m.contributions(values, answered, role, self.scale))
            }
            _ => None,
        }
    }
}

/// Refuses an empty batch, and labels that are not one role index (below
/// `roles`) per row.
fn check_labels(profiles: &ProfileBatch, labels: &[usize], roles: usize) -> Result<(), LearnError> {
    if profiles.is_empty() {
        return Err(LearnError::NoTrainingRows);
    }
    if labels.len() != profiles.len() {
        return Err(LearnError::Labels(format!(
            "{} labels for {} profiles",
            labels.len(),
            profiles.len()
        )));
    }
    match labels.iter().find(|&&l| l >= roles) {
        Some(bad) => Err(LearnError::Labels(format!(
            "label {bad} is not a role index (the matrix has {roles} roles)"
        ))),
        None => Ok(()),
    }
}

/// Per capability, the mean of the answered values of the given rows (the
/// scale's midpoint where none answered): what `knn` and `logistic` put in
/// place of a blank.
fn capability_means(profiles: &ProfileBatch, scale: Scale) -> Vec<f64> {
    let c = profiles.capabilities();
    let (mut sum, mut count) = (vec![0.0; c], vec![0usize; c]);
    for i in 0..profiles.len() {
        let (x, a) = profiles.row(i);
        for j in 0..c {
            if a[j] {
                sum[j] += x[j];
                count[j] += 1;
            }
        }
    }
    let mid = 0.5 * (scale.min() + scale.max());
    sum.iter()
        .zip(&count)
        .map(|(&s, &n)| if n > 0 { s / n as f64 } else { mid })
        .collect()
}

/// The softmax of `logits` (one per class), shifted by the largest so that
/// `exp` cannot overflow, written to `row` at each class's role index.
fn softmax_into_classes(logits: &[f64], classes: &[usize], mut row: ndarray::ArrayViewMut1<'_, f64>) {
    let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = logits.iter().map(|l| (l - top).exp()).sum();
    for (&l, &role) in logits.iter().zip(classes) {
        row[role] = (l - top).exp() / total;
    }
}

/// `out[j] = x[j]` where answered, else `means[j]`.
fn impute(x: &[f64], answered: &[bool], means: &[f64], out: &mut [f64]) {
    for (((o, &x), &a), &m) in out.iter_mut().zip(x).zip(answered).zip(means) {
        *o = if a { x } else { m };
    }
}

#[cfg(test)]
mod tests;
