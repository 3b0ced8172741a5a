//! The temperatures `rolefit train --calibrate` fits and the model file
//! keeps, so that `rolefit score` can give a calibrated probability.
//!
//! A role's probability is the softmax of a strategy's scores at a
//! temperature `T` fitted on labelled respondents
//! ([`fit_temperature`](crate::evaluate::fit_temperature)), or, for a
//! model whose scores are probabilities already (`logistic`, `lda`), its
//! own scores ([`Probability`]).
//!
//! - A **built-in** (or plugin, or composed) strategy learns nothing from
//!   the respondents, so its `T` is fitted on every labelled respondent's
//!   scores ([`calibrate_strategy`]).
//! - A **trained** `centroid` or `knn` model has seen the respondents: its
//!   scores of its own training rows are better than its scores of
//!   anyone else (`knn` finds a training row among its own neighbours).
//!   So its `T` is fitted on **out-of-fold** scores
//!   ([`Folded::out_of_fold_scores`]): the rows are dealt into
//!   [`CALIBRATION_FOLDS`] stratified folds with the training seed, as
//!   `evaluate` deals them, and each fold is scored by a model trained
//!   with the same options (`knn` with the `k` in use) on the other folds
//!   ([`LearnedModel::calibrate_self`]).
//!
//! Each temperature is kept with the number of rows it was fitted on and,
//! for a strategy, the strategy's formula, and the model file keeps the
//! matrix: [`LearnedModel::strategy_probability`] refuses a temperature
//! when the strategy or the matrix's levels and importances are no longer
//! the ones it was fitted with.

use std::collections::BTreeMap;

use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{Centred, CompiledMatrix, Strategy, Weighted, Weights};

use super::{LearnError, LearnedModel};
use crate::evaluate::{fit_temperature, softmax_into, stratified_folds, Folded};

/// The folds of the cross-fit of a model's temperature (`evaluate`'s
/// default).
pub const CALIBRATION_FOLDS: usize = 5;

/// How a role's probability is made from a strategy's scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Probability {
    /// The scores are a model's own probabilities (`logistic`, `lda`):
    /// each divided by their sum (which is 1 up to rounding), or `1 /
    /// roles` each when they sum to 0.
    Own,
    /// `softmax(scores / T)` at this temperature `T`.
    Softmax(f64),
}

impl Probability {
    /// Each role's probability (`out`) from a respondent's scores of every
    /// role (`scores`, same length).
    pub fn apply(self, scores: &[f64], out: &mut [f64]) {
        match self {
            Probability::Own => {
                let total: f64 = scores.iter().sum();
                let width = scores.len() as f64;
                for (o, &s) in out.iter_mut().zip(scores) {
                    *o = if total > 0.0 { s / total } else { 1.0 / width };
                }
            }
            Probability::Softmax(t) => softmax_into(scores, t, out),
        }
    }
}

/// A fitted temperature and what it was fitted on.
#[derive(Debug, Clone, PartialEq)]
pub struct Temperature {
    /// `T`, finite and positive.
    pub temperature: f64,
    /// Labelled respondents it was fitted on.
    pub rows: usize,
    /// The folds of the cross-fit (a model's own temperature), `None` for
    /// a strategy fitted on every row's scores.
    pub folds: Option<usize>,
    /// The strategy's formula when it was fitted (strategies only): a
    /// later rolefit whose strategy of that name means something else
    /// does not use the temperature.
    pub formula: Option<String>,
}

/// The temperatures a model file keeps (`"calibration"`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calibration {
    /// The model's own, for `centroid` and `knn` (never for `logistic`
    /// and `lda`, which keep their own probabilities).
    pub model: Option<Temperature>,
    /// Each strategy's, by its canonical name (`euclidean+uniform`).
    pub strategies: BTreeMap<String, Temperature>,
}

impl Calibration {
    /// Whether it holds no temperature.
    pub fn is_empty(&self) -> bool {
        self.model.is_none() && self.strategies.is_empty()
    }
}

/// The temperature of `strategy` on `matrix`, fitted on every row of
/// `profiles` (`labels[i]` the role of row `i`): a strategy learns nothing
/// from them, so nothing is held out. Keyed by the caller under the
/// strategy's name.
///
/// # Errors
/// [`LearnError::NoTrainingRows`] for no rows, [`LearnError::Labels`] for
/// labels that do not fit, [`LearnError::Score`] when the strategy fails.
pub fn calibrate_strategy(
    strategy: &dyn Strategy,
    matrix: &RoleMatrix,
    profiles: &ProfileBatch,
    labels: &[usize],
) -> Result<Temperature, LearnError> {
    super::check_labels(profiles, labels, matrix.roles().len())?;
    let scores = strategy.score(&CompiledMatrix::new(matrix), profiles)?;
    Ok(Temperature {
        temperature: fit_temperature(scores.view(), labels),
        rows: labels.len(),
        folds: None,
        formula: Some(strategy.formula().to_string()),
    })
}

/// The temperature of the distance `strategy` weighted by precisions
/// learned from labelled holders (`+learned`, on answers centred first
/// when `center`), and the name it is kept under (`euclidean+learned`,
/// `euclidean+learned+center`): cross-fitted like a model's, since the
/// precisions are learned from the same rows. The rows are dealt into
/// [`CALIBRATION_FOLDS`] stratified folds with `seed`, each scored with
/// the precisions of the other folds ([`Folded::out_of_fold_weighted_scores`]),
/// and `T` fitted on those scores. (A model file's `weights`, which
/// `score --weights learned` uses, are learned from every row.)
///
/// # Errors
/// As [`LearnedModel::calibrate_self`].
pub fn calibrate_learned_weights(
    strategy: &dyn Strategy,
    center: bool,
    matrix: &RoleMatrix,
    profiles: &ProfileBatch,
    labels: &[usize],
    seed: u64,
) -> Result<(String, Temperature), LearnError> {
    let fitted = cross_fitted(matrix, profiles, labels, seed, |folded| {
        folded.out_of_fold_weighted_scores(strategy, center)
    })?;
    let roles = matrix.roles().len();
    // The name and formula of the strategy as scored with every row's
    // precisions, as `score --weights learned` builds it.
    let compiled = CompiledMatrix::new(matrix);
    let weighted = Weighted::new(
        strategy,
        &compiled,
        &Weights::Learned(super::learn_precisions(profiles, labels, roles)),
    );
    let centred = Centred::new(&weighted);
    let named: &dyn Strategy = if center { &centred } else { &weighted };
    Ok((
        named.name().to_string(),
        Temperature {
            formula: Some(named.formula().to_string()),
            ..fitted
        },
    ))
}

/// The temperature fitted on the out-of-fold scores `score` gives for the
/// rows dealt into [`CALIBRATION_FOLDS`] stratified folds with `seed`.
///
/// # Errors
/// [`LearnError::Labels`] for labels that do not fit, or fewer rows than
/// [`CALIBRATION_FOLDS`]; those of `score`.
fn cross_fitted(
    matrix: &RoleMatrix,
    profiles: &ProfileBatch,
    labels: &[usize],
    seed: u64,
    score: impl FnOnce(&Folded<'_>) -> Result<ndarray::Array2<f64>, LearnError>,
) -> Result<Temperature, LearnError> {
    let roles = matrix.roles().len();
    super::check_labels(profiles, labels, roles)?;
    if labels.len() < CALIBRATION_FOLDS {
        return Err(LearnError::Labels(format!(
            "the cross-fitted temperature needs at least {CALIBRATION_FOLDS} labelled respondents, one per fold; \
             there are {}",
            labels.len()
        )));
    }
    let folds = stratified_folds(labels, roles, CALIBRATION_FOLDS, seed);
    let scores = score(&Folded {
        matrix,
        profiles,
        labels,
        folds: &folds,
        k: CALIBRATION_FOLDS,
    })?;
    Ok(Temperature {
        temperature: fit_temperature(scores.view(), labels),
        rows: labels.len(),
        folds: Some(CALIBRATION_FOLDS),
        formula: None,
    })
}

impl LearnedModel {
    /// The temperature of the model's own scores, fitted on out-of-fold
    /// scores of the rows it was trained on (`profiles`, `labels`, the
    /// same as given to [`train`](super::train)): [`CALIBRATION_FOLDS`]
    /// stratified folds dealt with `seed`, each scored by a model trained
    /// with the same options on the others (`knn` with the `k` in use,
    /// not chosen again). `None` for `logistic` and `lda`, whose scores
    /// are their own probabilities.
    ///
    /// # Errors
    /// [`LearnError::Labels`] for labels that do not fit, or fewer rows
    /// than [`CALIBRATION_FOLDS`]; as [`train`](super::train) otherwise.
    pub fn calibrate_self(
        &self,
        matrix: &RoleMatrix,
        profiles: &ProfileBatch,
        labels: &[usize],
        seed: u64,
    ) -> Result<Option<Temperature>, LearnError> {
        if self.method.is_probabilistic() {
            return Ok(None);
        }
        let mut options = self.options;
        options.choose_neighbours = false;
        cross_fitted(matrix, profiles, labels, seed, |folded| {
            folded.out_of_fold_scores(self.method, &options)
        })
        .map(Some)
    }

    /// The model with `calibration` kept (in its file too); a temperature
    /// of the model's own is left out for `logistic` and `lda`, which keep
    /// their own probabilities.
    pub fn with_calibration(mut self, mut calibration: Calibration) -> Self {
        if self.method.is_probabilistic() {
            calibration.model = None;
        }
        self.calibration = (!calibration.is_empty()).then_some(calibration);
        self
    }

    /// The temperatures it keeps (`None` when trained without
    /// `--calibrate`, or read from a file before version 4).
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// How the probability of its own scores is made: its own for
    /// `logistic` and `lda`, the kept temperature for `centroid` and
    /// `knn` trained with `--calibrate`, else `None`.
    pub fn probability(&self) -> Option<Probability> {
        if self.method.is_probabilistic() {
            return Some(Probability::Own);
        }
        let t = self.calibration.as_ref()?.model.as_ref()?;
        Some(Probability::Softmax(t.temperature))
    }

    /// How the probability of `strategy`'s scores on `matrix` is made,
    /// from the temperature kept under the strategy's name; `None` when
    /// the model keeps none for it.
    ///
    /// # Errors
    /// [`LearnError::Calibration`] when the temperature was fitted for a
    /// strategy of that name with another formula, or with a matrix whose
    /// levels or importances differ from `matrix`'s (or a file without
    /// its matrix).
    pub fn strategy_probability(
        &self,
        strategy: &dyn Strategy,
        matrix: &RoleMatrix,
    ) -> Result<Option<Probability>, LearnError> {
        let name = strategy.name();
        let Some(t) = self.calibration.as_ref().and_then(|c| c.strategies.get(name)) else {
            return Ok(None);
        };
        if t.formula.as_deref().is_some_and(|f| f != strategy.formula()) {
            return Err(LearnError::Calibration(format!(
                "the temperature of {name} was fitted for another formula ({:?}), not this rolefit's ({:?})",
                t.formula.as_deref().unwrap_or_default(),
                strategy.formula()
            )));
        }
        let same = self.matrix.as_ref().is_some_and(|stored| {
            let (a, b) = (CompiledMatrix::new(&stored.matrix), CompiledMatrix::new(matrix));
            a.levels() == b.levels() && a.importances() == b.importances()
        });
        if !same {
            return Err(LearnError::Calibration(format!(
                "the temperature of {name} was fitted with the role matrix the model file holds, and the matrix in \
                 use has other levels or importances"
            )));
        }
        Ok(Some(Probability::Softmax(t.temperature)))
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, Normal};
    use rolefit_score::test_util::matrix;
    use rolefit_score::Euclidean;

    use super::*;
    use crate::learned::{train, Method, TrainParams, ValidTrainParams};

    /// Three roles over four capabilities on 1..5, levels far apart; role
    /// 0 asks for `first` of capability 0.
    fn roles(first: f64) -> RoleMatrix {
        matrix(&[
            &[(first, 2.0), (2.0, 1.0), (3.0, 1.0), (2.0, 1.0)],
            &[(2.0, 1.0), (4.0, 2.0), (2.0, 1.0), (3.0, 1.0)],
            &[(3.0, 1.0), (2.0, 1.0), (4.0, 1.0), (4.0, 2.0)],
        ])
    }

    /// `n` respondents: their role's levels plus Gaussian noise of sd 1,
    /// rounded and clipped to 1..5, labelled with the role.
    fn noisy(n: usize, seed: u64) -> (RoleMatrix, ProfileBatch, Vec<usize>) {
        let m = roles(4.0);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let noise = Normal::new(0.0, 1.0).unwrap();
        let mut b = ProfileBatch::new(4);
        let mut labels = Vec::new();
        for i in 0..n {
            let role = rng.gen_range(0..3);
            let row: Vec<Option<f64>> = m.roles()[role]
                .requirements
                .iter()
                .map(|r| Some((r.level + noise.sample(&mut rng)).round().clamp(1.0, 5.0)))
                .collect();
            b.push(format!("r{i}"), &row);
            labels.push(role);
        }
        (m, b, labels)
    }

    /// The log-loss of the actual roles under `softmax(scores / t)`.
    fn log_loss(scores: &ndarray::Array2<f64>, labels: &[usize], t: f64) -> f64 {
        let mut p = vec![0.0; scores.ncols()];
        scores
            .outer_iter()
            .zip(labels)
            .map(|(row, &y)| {
                softmax_into(row.as_slice().unwrap(), t, &mut p);
                -p[y].ln()
            })
            .sum()
    }

    /// The `t` with the least log-loss on a log-spaced grid from 1e-4 to
    /// 10 in steps of 1%, then on a grid of 0.01% steps around the best.
    fn grid_search(scores: &ndarray::Array2<f64>, labels: &[usize]) -> f64 {
        let best = |grid: &mut dyn Iterator<Item = f64>| {
            grid.min_by(|&a, &b| log_loss(scores, labels, a).total_cmp(&log_loss(scores, labels, b)))
                .unwrap()
        };
        let coarse = best(&mut (0..=1157).map(|i| 1e-4 * 1.01f64.powi(i)));
        best(&mut (-100..=100).map(|i| coarse * 1.0001f64.powi(i)))
    }

    /// Out-of-fold scores computed here without the library's fold code:
    /// each fold's rows scored by a model trained on the rest.
    fn out_of_fold_by_hand(
        method: Method,
        options: &ValidTrainParams,
        m: &RoleMatrix,
        b: &ProfileBatch,
        labels: &[usize],
        folds: &[usize],
    ) -> ndarray::Array2<f64> {
        let mut out = ndarray::Array2::zeros((b.len(), 3));
        let rows = |keep: &dyn Fn(usize) -> bool| {
            let mut part = ProfileBatch::new(4);
            let mut part_labels = Vec::new();
            let mut index = Vec::new();
            for i in (0..b.len()).filter(|&i| keep(folds[i])) {
                part.push(b.respondent(i), &b.profile(i).values);
                part_labels.push(labels[i]);
                index.push(i);
            }
            (part, part_labels, index)
        };
        for fold in 0..CALIBRATION_FOLDS {
            let (train_rows, train_labels, _) = rows(&|f| f != fold);
            let (test_rows, _, index) = rows(&|f| f == fold);
            let model = train(method, options, m, &train_rows, &train_labels).unwrap();
            let scores = model.score(&CompiledMatrix::new(m), &test_rows).unwrap();
            for (r, &i) in index.iter().enumerate() {
                out.row_mut(i).assign(&scores.row(r));
            }
        }
        out
    }

    #[test]
    fn the_model_temperature_is_the_grid_optimum_on_out_of_fold_scores() {
        let (m, b, labels) = noisy(300, 11);
        let model = train(Method::Centroid, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
        let fitted = model.calibrate_self(&m, &b, &labels, 7).unwrap().unwrap();
        assert_eq!((fitted.rows, fitted.folds, fitted.formula), (300, Some(5), None));
        let folds = stratified_folds(&labels, 3, CALIBRATION_FOLDS, 7);
        let oof = out_of_fold_by_hand(Method::Centroid, model.options(), &m, &b, &labels, &folds);
        let grid = grid_search(&oof, &labels);
        let t = fitted.temperature;
        assert!((t / grid - 1.0).abs() < 2e-4, "fitted {t}, grid {grid}");
        assert!(log_loss(&oof, &labels, t) <= log_loss(&oof, &labels, grid) + 1e-9);
        // Another seed deals other folds: another temperature.
        let other = model.calibrate_self(&m, &b, &labels, 8).unwrap().unwrap();
        assert_ne!(other.temperature, t);
    }

    #[test]
    fn knn_is_calibrated_out_of_fold_with_the_k_in_use_not_in_sample() {
        let (m, b, labels) = noisy(300, 12);
        let model = train(Method::Knn, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
        let k = model.options().neighbours();
        let fitted = model.calibrate_self(&m, &b, &labels, 1).unwrap().unwrap();
        // The same as a grid search on out-of-fold scores of knn with that k.
        let fixed = TrainParams::default().neighbours(k).check().unwrap();
        let folds = stratified_folds(&labels, 3, CALIBRATION_FOLDS, 1);
        let oof = out_of_fold_by_hand(Method::Knn, &fixed, &m, &b, &labels, &folds);
        let grid = grid_search(&oof, &labels);
        assert!(
            (fitted.temperature / grid - 1.0).abs() < 2e-4,
            "{} vs {grid}",
            fitted.temperature
        );
        // In sample, every row is among its own neighbours: its scores are
        // surer than they deserve, and the temperature fitted on them is
        // another (lower: sharper) one.
        let in_sample = fit_temperature(model.score(&CompiledMatrix::new(&m), &b).unwrap().view(), &labels);
        assert!(
            in_sample < 0.8 * fitted.temperature,
            "in sample {in_sample}, out of fold {}",
            fitted.temperature
        );
    }

    #[test]
    fn probabilistic_models_keep_their_own_and_too_few_rows_are_refused() {
        let (m, b, labels) = noisy(60, 13);
        for method in [Method::Logistic, Method::Lda] {
            let model = train(method, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
            assert_eq!(model.calibrate_self(&m, &b, &labels, 1).unwrap(), None);
            assert_eq!(model.probability(), Some(Probability::Own));
        }
        let (m, b, labels) = noisy(4, 13);
        let model = train(Method::Centroid, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
        assert_eq!(model.probability(), None);
        let e = model.calibrate_self(&m, &b, &labels, 1).unwrap_err().to_string();
        assert!(e.contains("at least 5 labelled respondents"), "{e}");
    }

    #[test]
    fn a_strategy_is_calibrated_on_every_row_and_checked_against_the_matrix() {
        let (m, b, labels) = noisy(300, 14);
        let fitted = calibrate_strategy(&Euclidean, &m, &b, &labels).unwrap();
        let scores = Euclidean.score(&CompiledMatrix::new(&m), &b).unwrap();
        let grid = grid_search(&scores, &labels);
        assert!((fitted.temperature / grid - 1.0).abs() < 2e-4);
        assert_eq!(fitted.formula.as_deref(), Some(Euclidean.formula()));
        let mut calibration = Calibration::default();
        calibration.strategies.insert("euclidean".into(), fitted.clone());
        let model = train(Method::Logistic, &ValidTrainParams::default(), &m, &b, &labels)
            .unwrap()
            .with_calibration(calibration);
        assert_eq!(
            model.strategy_probability(&Euclidean, &m).unwrap(),
            Some(Probability::Softmax(fitted.temperature))
        );
        assert_eq!(
            model.strategy_probability(&rolefit_score::Cosine, &m).unwrap(),
            None
        );
        // Another matrix of the same shape: its temperature would be another.
        let other = roles(5.0);
        let e = model.strategy_probability(&Euclidean, &other).unwrap_err();
        assert!(matches!(e, LearnError::Calibration(_)), "{e}");
    }

    #[test]
    fn learned_weights_are_calibrated_with_the_precisions_of_the_other_folds() {
        let (m, b, labels) = noisy(300, 15);
        let (name, fitted) = calibrate_learned_weights(&Euclidean, false, &m, &b, &labels, 4).unwrap();
        assert_eq!(name, "euclidean+learned");
        assert_eq!((fitted.rows, fitted.folds), (300, Some(5)));
        // By hand: each fold scored with the precisions of the others.
        let folds = stratified_folds(&labels, 3, CALIBRATION_FOLDS, 4);
        let compiled = CompiledMatrix::new(&m);
        let mut oof = ndarray::Array2::zeros((300, 3));
        for fold in 0..CALIBRATION_FOLDS {
            let (mut train_rows, mut train_labels) = (ProfileBatch::new(4), Vec::new());
            for i in (0..300).filter(|&i| folds[i] != fold) {
                train_rows.push(b.respondent(i), &b.profile(i).values);
                train_labels.push(labels[i]);
            }
            let p = crate::learned::learn_precisions(&train_rows, &train_labels, 3);
            let all = Weighted::new(&Euclidean, &compiled, &Weights::Learned(p))
                .score(&compiled, &b)
                .unwrap();
            for i in (0..300).filter(|&i| folds[i] == fold) {
                oof.row_mut(i).assign(&all.row(i));
            }
        }
        let grid = grid_search(&oof, &labels);
        assert!(
            (fitted.temperature / grid - 1.0).abs() < 2e-4,
            "{} vs {grid}",
            fitted.temperature
        );
        let (name, _) = calibrate_learned_weights(&Euclidean, true, &m, &b, &labels, 4).unwrap();
        assert_eq!(name, "euclidean+learned+center");
    }

    #[test]
    fn probabilities_sum_to_one() {
        let mut p = [0.0; 3];
        Probability::Own.apply(&[0.2, 0.3, 0.5], &mut p);
        assert_eq!(p, [0.2, 0.3, 0.5]);
        Probability::Own.apply(&[0.0, 0.0, 0.0], &mut p);
        assert_eq!(p, [1.0 / 3.0; 3]);
        Probability::Softmax(0.1).apply(&[0.9, 0.8, 0.1], &mut p);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert!((p[0] / p[1] - 1f64.exp()).abs() < 1e-12);
    }
}
