//! Which strategy should we trust? Numbers on labelled respondents.
//!
//! [`evaluate`] scores respondents whose actual role is known with several
//! strategies side by side and measures, for each, how often the actual
//! role comes first (top-1 and top-k accuracy), how high it ranks on
//! average (mean reciprocal rank, NDCG@k), how balanced the top-1 choices
//! are across roles (macro-F1, confusion matrix), and how stable the top-1
//! choice is when answers are resampled ([`Bootstrap`]); and, for every
//! pair of strategies, how much their rankings agree (Kendall's tau-b,
//! top-1 agreement).
//!
//! Fixed strategies (built-ins, centred variants, plugins) score every
//! respondent directly. Learned strategies ([`Candidate::Learned`]) are
//! **cross-validated**: respondents are split into stratified folds
//! ([`stratified_folds`]), and each fold is scored (and resampled for
//! stability) by a model trained on the other folds only, so no respondent
//! is ever scored by a model that saw them.
//!
//! The metric functions ([`top_k_accuracy`], [`kendall_tau_b`], ...) are
//! pure functions over ranks and labels, usable on their own. Formulas are
//! in their docs and in docs/evaluation.md.

mod bootstrap;
mod calibration;
mod crossval;
mod metrics;
pub mod pick;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ndarray::Array2;
use rolefit_model::{ProfileBatch, RoleMatrix};
use thiserror::Error;

use crate::learned::{self, LearnError, Method, Probability, ValidTrainParams};
use rolefit_score::{
    rank, tie_key, Centred, CompiledMatrix, Euclidean, ScoreError, Scorer, Strategy, Weighted, Weights,
    Workspace,
};

pub use bootstrap::{Bootstrap, Confidence, DEFAULT_RESAMPLES, DEFAULT_SEED};
pub use calibration::{
    auroc, expected_calibration_error, fit_temperature, reliability, softmax_into, ReliabilityBin,
    CALIBRATION_BINS,
};
pub use crossval::{stratified_folds, Folded};
pub use metrics::{
    confusion_matrix, kendall_tau_b, macro_f1, mean_reciprocal_rank, ndcg_at_k, top1_agreement,
    top_k_accuracy, true_ranks,
};

/// A strategy to evaluate.
#[derive(Debug, Clone, Copy)]
pub enum Candidate<'a> {
    /// A strategy used as it is: a built-in, a centred variant, a plugin or
    /// a model loaded from a file.
    Fixed(&'a dyn Strategy),
    /// A strategy learned from the labelled respondents themselves,
    /// cross-validated.
    Learned(Method, ValidTrainParams),
    /// A distance strategy weighted by precisions learned from the
    /// labelled respondents (`--weights learned`,
    /// [`learned::learn_precisions`]), cross-validated like a learned
    /// strategy: each fold is scored with the precisions of the other
    /// folds, on answers centred first when `center`.
    LearnedWeights {
        /// The distance strategy.
        strategy: &'a dyn Strategy,
        /// Centred first (`+center`).
        center: bool,
        /// The name reported, such as `euclidean+learned`.
        name: &'a str,
    },
}

impl Candidate<'_> {
    /// The name reported: the strategy's name, or `model:` and the method.
    pub fn name(&self) -> &str {
        match self {
            Candidate::Fixed(s) => s.name(),
            Candidate::Learned(m, _) => m.strategy_name(),
            Candidate::LearnedWeights { name, .. } => name,
        }
    }

    /// Whether it is learned from the respondents, so cross-validated.
    pub fn is_learned(&self) -> bool {
        !matches!(self, Candidate::Fixed(_))
    }
}

/// How to evaluate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvaluateOptions {
    /// The `k` of top-k accuracy and NDCG@k (at least 1). Default 3.
    pub k: usize,
    /// Folds of cross-validation for learned strategies (at least 2).
    /// Default 5.
    pub folds: usize,
    /// Seed of the folds and of the bootstrap resamples. Default 1.
    pub seed: u64,
    /// Bootstrap resamples per respondent (at least 1). Default 50.
    pub resamples: usize,
    /// Fraction of the capabilities a respondent must have answered to be
    /// evaluated, as for ranking (see [`Scorer::min_answered`]). Default
    /// 0.5.
    pub min_answered: f64,
    /// Strategies evaluated at once on separate threads (at least 1).
    /// Results do not depend on it. Default 1.
    pub threads: usize,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        EvaluateOptions {
            k: 3,
            folds: 5,
            seed: 1,
            resamples: DEFAULT_RESAMPLES,
            min_answered: 0.5,
            threads: 1,
        }
    }
}

/// One strategy's results.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyReport {
    /// The strategy's name.
    pub name: String,
    /// Whether it was cross-validated (a learned strategy).
    pub cross_validated: bool,
    /// Respondents evaluated.
    pub n: usize,
    /// Share whose actual role ranks first.
    pub top1_accuracy: f64,
    /// Share whose actual role ranks in the first `k`.
    pub topk_accuracy: f64,
    /// Mean reciprocal rank of the actual role.
    pub mrr: f64,
    /// NDCG@k, the actual role the one relevant role.
    pub ndcg: f64,
    /// Macro-F1 of the top-1 choice.
    pub macro_f1: f64,
    /// Mean over respondents of the bootstrap stability of the top-1 role.
    pub stability: f64,
    /// Top-1 choices: row = actual role, column = chosen role (matrix
    /// order).
    pub confusion: Array2<usize>,
    /// The softmax temperature of its `probability`, fitted on every
    /// respondent (the probabilities measured below are cross-fitted:
    /// each fold's with the temperature of the other folds); `None` for
    /// a model whose scores are its own probabilities.
    pub temperature: Option<f64>,
    /// Expected calibration error of the top-1 probability.
    pub calibration_error: f64,
    /// The reliability table of the top-1 probability.
    pub reliability: Vec<ReliabilityBin>,
    /// AUROC of each confidence signal for "the top-1 role is right":
    /// stability, margin, probability (`None` when every top-1 role is
    /// right, or every one wrong).
    pub auroc: SignalAuroc,
}

/// AUROC of each confidence signal for "the top-1 role is right".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalAuroc {
    /// Bootstrap stability: how often resampling the answers keeps the
    /// same top role.
    pub stability: Option<f64>,
    /// The first role's score minus the second's.
    pub margin: Option<f64>,
    /// The top-1 role's calibrated probability.
    pub probability: Option<f64>,
}

/// How much two strategies agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// One strategy's name.
    pub a: String,
    /// The other's (later in the list).
    pub b: String,
    /// Kendall's tau-b between the two full rankings, averaged over the
    /// respondents where it is defined; `None` if it is defined for none.
    pub kendall_tau: Option<f64>,
    /// Respondents the tau-b average is over.
    pub tau_respondents: usize,
    /// Share of respondents given the same top-1 role.
    pub top1_agreement: f64,
}

/// The results of [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Respondents evaluated.
    pub n: usize,
    /// Respondents left out for answering fewer than `needed` capabilities.
    pub excluded: usize,
    /// Answers a respondent needs to be evaluated.
    pub needed: usize,
    /// The options used.
    pub options: EvaluateOptions,
    /// One report per candidate, in the order given.
    pub strategies: Vec<StrategyReport>,
    /// One entry per pair of candidates `(i, j)`, `i < j`, in order.
    pub agreement: Vec<Agreement>,
}

/// Why an evaluation could not be done.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EvaluateError {
    /// No respondent answered enough to be evaluated (or there were none).
    #[error("no respondent to evaluate: {excluded} answered fewer than the {needed} capabilities needed")]
    NoRespondents {
        /// Respondents left out.
        excluded: usize,
        /// Answers needed.
        needed: usize,
    },
    /// The labels do not line up with the profiles.
    #[error("{0}")]
    Labels(String),
    /// An option is out of range.
    #[error("{0}")]
    Options(String),
    /// Fewer respondents than folds.
    #[error(
        "cross-validation needs at least as many respondents as folds: {rows} respondents, {folds} folds"
    )]
    TooFewForFolds {
        /// Respondents evaluated.
        rows: usize,
        /// Folds asked for.
        folds: usize,
    },
    /// A strategy failed to score.
    #[error(transparent)]
    Score(#[from] ScoreError),
    /// A learned strategy could not be trained.
    #[error("{name}: {source}")]
    Learn {
        /// The strategy's name.
        name: String,
        /// Why.
        #[source]
        source: LearnError,
    },
}

/// Evaluates `candidates` on `profiles`, where `labels[i]` is the index in
/// `matrix` of respondent `i`'s actual role; see the
/// [module documentation](self).
///
/// Respondents who answered fewer than `options.min_answered` of the
/// capabilities are left out (counted in [`Evaluation::excluded`]).
///
/// # Errors
/// [`EvaluateError::Labels`] when there is not one label per profile or a
/// label is not a role; [`EvaluateError::Options`] for a `k`, `folds`,
/// `resamples` or `min_answered` out of range;
/// [`EvaluateError::NoRespondents`]; [`EvaluateError::TooFewForFolds`] when
/// a learned candidate needs more respondents than there are;
/// [`EvaluateError::Score`] when a strategy fails (profiles off the scale,
/// a misbehaving plugin); [`EvaluateError::Learn`] when training fails.
pub fn evaluate(
    matrix: &RoleMatrix,
    profiles: &ProfileBatch,
    labels: &[usize],
    candidates: &[Candidate<'_>],
    options: &EvaluateOptions,
) -> Result<Evaluation, EvaluateError> {
    evaluate_with_progress(matrix, profiles, labels, candidates, options, &|_, _| {})
}

/// [`evaluate`], calling `progress(done, total)` as the work advances (from
/// any of the threads, so it must be cheap): `total` is the number of
/// respondents evaluated times the number of candidates, `done` how many
/// of those have been scored and resampled so far.
///
/// # Errors
/// As [`evaluate`].
pub fn evaluate_with_progress(
    matrix: &RoleMatrix,
    profiles: &ProfileBatch,
    labels: &[usize],
    candidates: &[Candidate<'_>],
    options: &EvaluateOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Evaluation, EvaluateError> {
    let roles = matrix.roles().len();
    check_inputs(profiles, labels, roles, options)?;
    let compiled = CompiledMatrix::new(matrix);
    compiled.check(profiles)?;
    let needed = Scorer::new(&compiled, &Euclidean)
        .min_answered(options.min_answered)
        .needed();
    let kept: Vec<usize> = (0..profiles.len())
        .filter(|&i| profiles.answered_count(i) >= needed)
        .collect();
    let excluded = profiles.len() - kept.len();
    if kept.is_empty() {
        return Err(EvaluateError::NoRespondents { excluded, needed });
    }
    let batch = subset(profiles, &kept);
    let labels: Vec<usize> = kept.iter().map(|&i| labels[i]).collect();
    let n = batch.len();
    let learned = candidates.iter().any(Candidate::is_learned);
    if learned && n < options.folds {
        return Err(EvaluateError::TooFewForFolds {
            rows: n,
            folds: options.folds,
        });
    }
    let folds = stratified_folds(&labels, roles, options.folds, options.seed);
    let data = Data {
        matrix,
        compiled: &compiled,
        batch: &batch,
        labels: &labels,
        folds: &folds,
        options,
        done: AtomicUsize::new(0),
        total: n * candidates.len(),
        progress,
    };

    let scored = data.score_all(candidates)?;

    let (strategies, rankings): (Vec<StrategyReport>, Vec<Vec<usize>>) = candidates
        .iter()
        .zip(&scored)
        .map(|(candidate, (scores, stability))| {
            report(candidate, scores, stability, &labels, &folds, roles, options)
        })
        .unzip();
    let agreement = agreements(candidates, &scored, &rankings);

    Ok(Evaluation {
        n,
        excluded,
        needed,
        options: *options,
        strategies,
        agreement,
    })
}

/// Refuses labels that do not fit the profiles and the matrix's `roles`,
/// and options out of range.
fn check_inputs(
    profiles: &ProfileBatch,
    labels: &[usize],
    roles: usize,
    options: &EvaluateOptions,
) -> Result<(), EvaluateError> {
    if labels.len() != profiles.len() {
        return Err(EvaluateError::Labels(format!(
            "{} labels for {} respondents",
            labels.len(),
            profiles.len()
        )));
    }
    if let Some(&bad) = labels.iter().find(|&&l| l >= roles) {
        return Err(EvaluateError::Labels(format!(
            "label {bad} is not a role index (the matrix has {roles} roles)"
        )));
    }
    if options.k == 0 || options.folds < 2 || options.resamples == 0 || options.threads == 0 {
        return Err(EvaluateError::Options(format!(
            "k, resamples and threads must be at least 1 and folds at least 2 (got k {}, folds {}, resamples {}, threads {})",
            options.k, options.folds, options.resamples, options.threads
        )));
    }
    if !(0.0..=1.0).contains(&options.min_answered) {
        return Err(EvaluateError::Options(format!(
            "min_answered must be a fraction within 0..=1, got {}",
            options.min_answered
        )));
    }
    Ok(())
}

/// The metrics of one candidate from its `scores` (one row per respondent)
/// and per-respondent `stability`, and its top role for each respondent.
fn report(
    candidate: &Candidate<'_>,
    scores: &Array2<f64>,
    stability: &[f64],
    labels: &[usize],
    folds: &[usize],
    roles: usize,
    options: &EvaluateOptions,
) -> (StrategyReport, Vec<usize>) {
    let ranked: Vec<Vec<usize>> = scores
        .outer_iter()
        .map(|row| rank(row, None).into_iter().map(|r| r.role).collect())
        .collect();
    let (probability, temperature) = probabilities(candidate, scores, labels, folds, options.folds);
    let right: Vec<bool> = ranked.iter().zip(labels).map(|(r, &l)| r[0] == l).collect();
    let top_probability: Vec<f64> = ranked
        .iter()
        .enumerate()
        .map(|(i, r)| probability[(i, r[0])])
        .collect();
    let margin: Vec<f64> = ranked
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.get(1)
                .map_or(0.0, |&second| scores[(i, r[0])] - scores[(i, second)])
        })
        .collect();
    let ranks = true_ranks(&ranked, labels);
    let top: Vec<usize> = ranked.iter().map(|r| r[0]).collect();
    let confusion = confusion_matrix(&top, labels, roles);
    let k = options.k.min(roles);
    let report = StrategyReport {
        name: candidate.name().to_string(),
        cross_validated: candidate.is_learned(),
        n: labels.len(),
        top1_accuracy: top_k_accuracy(&ranks, 1).unwrap_or(0.0),
        topk_accuracy: top_k_accuracy(&ranks, k).unwrap_or(0.0),
        mrr: mean_reciprocal_rank(&ranks).unwrap_or(0.0),
        ndcg: ndcg_at_k(&ranks, k).unwrap_or(0.0),
        macro_f1: macro_f1(&confusion).unwrap_or(0.0),
        stability: metrics::mean(stability.iter().copied()).unwrap_or(0.0),
        confusion,
        temperature,
        calibration_error: expected_calibration_error(&top_probability, &right).unwrap_or(0.0),
        reliability: reliability(&top_probability, &right),
        auroc: SignalAuroc {
            stability: auroc(stability, &right),
            margin: auroc(&margin, &right),
            probability: auroc(&top_probability, &right),
        },
    };
    (report, top)
}

/// Whether a candidate's scores are its own probabilities: a learned
/// `logistic` or `lda`, trained here or read from a model file.
fn is_probabilistic(candidate: &Candidate<'_>) -> bool {
    match candidate {
        Candidate::Learned(method, _) => method.is_probabilistic(),
        Candidate::Fixed(s) => Method::from_name(s.name())
            .is_some_and(|m| m.is_probabilistic() && s.name().starts_with("model:")),
        Candidate::LearnedWeights { .. } => false,
    }
}

/// Each respondent's probability of each role (respondents x roles) and
/// the temperature fitted on everyone (`None` for a probabilistic model,
/// whose scores, normalised to sum 1, are its probabilities). Otherwise
/// cross-fitted: the rows of each of the `k` folds get the softmax of
/// their scores at the temperature fitted on the other folds' rows, so no
/// respondent's probability was fitted on their own label.
fn probabilities(
    candidate: &Candidate<'_>,
    scores: &Array2<f64>,
    labels: &[usize],
    folds: &[usize],
    k: usize,
) -> (Array2<f64>, Option<f64>) {
    let mut out = scores.clone();
    let into = |probability: Probability, i: usize, out: &mut Array2<f64>| {
        let mut p = out.row_mut(i);
        probability.apply(
            scores.row(i).as_slice().expect("standard layout"),
            p.as_slice_mut().expect("standard layout"),
        );
    };
    if is_probabilistic(candidate) {
        (0..labels.len()).for_each(|i| into(Probability::Own, i, &mut out));
        return (out, None);
    }
    for fold in 0..k {
        let others = crossval::rows_outside(folds, fold);
        let mine = crossval::rows_in(folds, fold);
        if mine.is_empty() {
            continue;
        }
        let fitted_on = scores.select(ndarray::Axis(0), &others);
        let their_labels: Vec<usize> = others.iter().map(|&i| labels[i]).collect();
        let t = fit_temperature(fitted_on.view(), &their_labels);
        mine.iter()
            .for_each(|&i| into(Probability::Softmax(t), i, &mut out));
    }
    (out, Some(fit_temperature(scores.view(), labels)))
}

/// How far each pair of candidates agrees, from their scores (Kendall's
/// tau-b per respondent, ties by [`tie_key`]) and their top roles.
fn agreements(
    candidates: &[Candidate<'_>],
    scored: &[(Array2<f64>, Vec<f64>)],
    rankings: &[Vec<usize>],
) -> Vec<Agreement> {
    let n = rankings.first().map_or(0, Vec::len);
    let keys: Vec<Array2<f64>> = scored.iter().map(|(s, _)| s.mapv(tie_key)).collect();
    let mut agreement = Vec::new();
    for a in 0..candidates.len() {
        for b in a + 1..candidates.len() {
            let taus: Vec<f64> = (0..n)
                .filter_map(|i| {
                    let (x, y) = (keys[a].row(i), keys[b].row(i));
                    kendall_tau_b(x.as_slice()?, y.as_slice()?)
                })
                .collect();
            agreement.push(Agreement {
                a: candidates[a].name().to_string(),
                b: candidates[b].name().to_string(),
                kendall_tau: metrics::mean(taus.iter().copied()),
                tau_respondents: taus.len(),
                top1_agreement: top1_agreement(&rankings[a], &rankings[b]).unwrap_or(0.0),
            });
        }
    }
    agreement
}

/// Everything a candidate is scored with.
struct Data<'a> {
    matrix: &'a RoleMatrix,
    compiled: &'a CompiledMatrix,
    batch: &'a ProfileBatch,
    labels: &'a [usize],
    folds: &'a [usize],
    options: &'a EvaluateOptions,
    /// Respondents scored and resampled so far, over every candidate.
    done: AtomicUsize,
    /// Respondents times candidates.
    total: usize,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// One candidate's scores (respondents x roles) and per-respondent
/// stability.
type Scored = (Array2<f64>, Vec<f64>);

/// What is learned for one fold: the learned candidates' models, in order,
/// and the precisions of `--weights learned` when a candidate uses them.
struct Fitted {
    models: Vec<learned::LearnedModel>,
    precisions: Option<Array2<f64>>,
}

/// Respondents per unit of work: a unit draws its respondents' resamples
/// once and scores them with every candidate.
const RESPONDENTS_PER_UNIT: usize = 500;

impl Data<'_> {
    /// Every candidate's scores (respondents x roles) and per-respondent
    /// stability, out of fold for learned ones. Fold by fold (all rows at
    /// once when no candidate is learned), the fold's respondents are cut
    /// into units of [`RESPONDENTS_PER_UNIT`], each scored by every
    /// candidate (the learned ones by models trained on the other folds)
    /// from one draw of its resamples, on `options.threads` threads. With
    /// more than one thread, the next fold's models are trained on a thread
    /// of their own while a fold is scored, so that no core waits for the
    /// slowest model. The result does not depend on the number of threads.
    fn score_all(&self, candidates: &[Candidate<'_>]) -> Result<Vec<Scored>, EvaluateError> {
        let (n, roles) = (self.batch.len(), self.compiled.n_roles());
        let mut out: Vec<Scored> = candidates
            .iter()
            .map(|_| (Array2::zeros((n, roles)), vec![0.0; n]))
            .collect();
        let learned: Vec<(Method, &ValidTrainParams)> = candidates
            .iter()
            .filter_map(|c| match c {
                Candidate::Learned(method, options) => Some((*method, options)),
                _ => None,
            })
            .collect();
        let weighs = candidates
            .iter()
            .any(|c| matches!(c, Candidate::LearnedWeights { .. }));
        let threads = self.options.threads;
        let cross_validated = candidates.iter().any(Candidate::is_learned);
        let folds = if cross_validated { self.options.folds } else { 1 };
        let train = |fold: usize, threads: usize| {
            let models = in_parallel(&learned, threads, |&(method, options)| {
                self.train_without(fold, method, options)
            })?;
            Ok::<_, EvaluateError>(Fitted {
                models,
                precisions: weighs.then(|| self.precisions_without(fold)),
            })
        };
        let mut models = train(0, threads)?;
        for fold in 0..folds {
            let test: Vec<usize> = (0..n)
                .filter(|&i| !cross_validated || self.folds[i] == fold)
                .collect();
            let later = fold + 1 < folds;
            let (parts, next) = std::thread::scope(|scope| {
                let next = (later && threads > 1).then(|| scope.spawn(|| train(fold + 1, 1)));
                let parts = self.score_fold(candidates, &models, &test);
                let next = next.map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                });
                (parts, next)
            });
            let units = parts?;
            for (rows, part) in test.chunks(RESPONDENTS_PER_UNIT).zip(units) {
                for ((confidence, scores), (all, stability)) in part.into_iter().zip(&mut out) {
                    for (r, &i) in rows.iter().enumerate() {
                        all.row_mut(i).assign(&scores.row(r));
                        stability[i] = confidence[r].stability;
                    }
                }
            }
            if later {
                models = match next {
                    Some(next) => next?,
                    None => train(fold + 1, threads)?,
                };
            }
        }
        Ok(out)
    }

    /// The respondents `test` (one fold, or all), cut into units of
    /// [`RESPONDENTS_PER_UNIT`] and scored on `options.threads` threads by
    /// every candidate, `fitted` standing for the learned ones.
    fn score_fold(
        &self,
        candidates: &[Candidate<'_>],
        fitted: &Fitted,
        test: &[usize],
    ) -> Result<Vec<Vec<bootstrap::Confidences>>, EvaluateError> {
        let mut models = fitted.models.iter();
        let weighted: Vec<Option<Weighted<'_>>> = candidates
            .iter()
            .map(|c| match (c, &fitted.precisions) {
                (Candidate::LearnedWeights { strategy, .. }, Some(p)) => Some(Weighted::new(
                    *strategy,
                    self.compiled,
                    &Weights::Learned(p.clone()),
                )),
                _ => None,
            })
            .collect();
        let centred: Vec<Option<Centred<'_>>> = candidates
            .iter()
            .zip(&weighted)
            .map(|(c, w)| match (c, w) {
                (Candidate::LearnedWeights { center: true, .. }, Some(w)) => Some(Centred::new(w)),
                _ => None,
            })
            .collect();
        let strategies: Vec<&dyn Strategy> = candidates
            .iter()
            .zip(weighted.iter().zip(&centred))
            .map(|(c, (w, centred))| match (c, w, centred) {
                (Candidate::Fixed(strategy), _, _) => *strategy,
                (Candidate::Learned(..), _, _) => {
                    models.next().expect("one model per learned candidate") as &dyn Strategy
                }
                (_, _, Some(centred)) => centred as &dyn Strategy,
                (_, Some(w), None) => w as &dyn Strategy,
                (Candidate::LearnedWeights { .. }, None, None) => {
                    unreachable!("precisions are fitted when a candidate learns weights")
                }
            })
            .collect();
        let units: Vec<&[usize]> = test.chunks(RESPONDENTS_PER_UNIT).collect();
        in_parallel(&units, self.options.threads, |rows| {
            self.score_rows(&strategies, rows)
        })
    }

    /// The precisions of `--weights learned` from every respondent outside
    /// `fold`.
    fn precisions_without(&self, fold: usize) -> Array2<f64> {
        self.folded().precisions_outside(fold)
    }

    /// The labelled rows and their folds.
    fn folded(&self) -> Folded<'_> {
        Folded {
            matrix: self.matrix,
            profiles: self.batch,
            labels: self.labels,
            folds: self.folds,
            k: self.options.folds,
        }
    }

    /// A model of `method` trained on every respondent outside `fold`.
    fn train_without(
        &self,
        fold: usize,
        method: Method,
        options: &ValidTrainParams,
    ) -> Result<learned::LearnedModel, EvaluateError> {
        self.folded()
            .train_outside(method, options, fold)
            .map_err(|source| EvaluateError::Learn {
                name: method.strategy_name().to_string(),
                source,
            })
    }

    /// The respondents `rows`, scored and resampled by every strategy:
    /// per strategy, their confidences and full profiles' scores.
    fn score_rows(
        &self,
        strategies: &[&dyn Strategy],
        rows: &[usize],
    ) -> Result<Vec<bootstrap::Confidences>, EvaluateError> {
        let bootstrap = Bootstrap::new(self.options.resamples, self.options.seed);
        let done = |rows: usize| {
            let done = self.done.fetch_add(rows, Ordering::Relaxed) + rows;
            (self.progress)(done, self.total);
        };
        let batch = subset(self.batch, rows);
        Ok(bootstrap.confidence_and_scores(
            self.compiled,
            strategies,
            &batch,
            &mut Workspace::new(),
            &done,
        )?)
    }
}

/// Runs `work` on every item with up to `threads` threads, and returns the
/// results in item order (the first error, in that order, if any).
fn in_parallel<U: Sync, T: Send>(
    items: &[U],
    threads: usize,
    work: impl Fn(&U) -> Result<T, EvaluateError> + Sync,
) -> Result<Vec<T>, EvaluateError> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(&work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<T, EvaluateError>>>> =
        Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                let result = work(item);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was done"))
        .collect()
}

/// The role ranked first by `scores` (ties as [`rank`] breaks them).
pub(crate) fn top_role(scores: &[f64]) -> usize {
    rank(ndarray::ArrayView1::from(scores), Some(1))[0].role
}

/// The rows `rows` of `profiles`, as a new batch.
pub(crate) fn subset(profiles: &ProfileBatch, rows: &[usize]) -> ProfileBatch {
    let mut out = ProfileBatch::with_capacity(profiles.capabilities(), rows.len());
    let mut values = Vec::with_capacity(profiles.capabilities());
    for &i in rows {
        let (x, a) = profiles.row(i);
        values.clear();
        values.extend(x.iter().zip(a).map(|(&x, &a)| a.then_some(x)));
        out.push(profiles.respondent(i), &values);
    }
    out
}

impl Evaluation {
    /// The evaluation as `rolefit evaluate --format json` writes it (and
    /// Python's `rolefit.evaluate` returns it), roles named from `roles`.
    pub fn to_json(&self, roles: &[&str]) -> serde_json::Value {
        let ev = self;
        serde_json::json!({
        "respondents": ev.n,
        "excluded": ev.excluded,
        "needed": ev.needed,
        "k": ev.options.k,
        "folds": ev.options.folds,
        "seed": ev.options.seed,
        "resamples": ev.options.resamples,
        "roles": roles,
        "strategies": ev.strategies.iter().map(|s| serde_json::json!({
            "name": s.name,
            "cross_validated": s.cross_validated,
            "n": s.n,
            "top1_accuracy": s.top1_accuracy,
            "topk_accuracy": s.topk_accuracy,
            "mrr": s.mrr,
            "ndcg": s.ndcg,
            "macro_f1": s.macro_f1,
            "stability": s.stability,
            "temperature": s.temperature,
            "calibration_error": s.calibration_error,
            "auroc": {
                "stability": s.auroc.stability,
                "margin": s.auroc.margin,
                "probability": s.auroc.probability,
            },
            "reliability": s.reliability.iter().map(|b| serde_json::json!({
                "from": b.from,
                "to": b.to,
                "n": b.n,
                "confidence": b.confidence,
                "accuracy": b.accuracy,
            })).collect::<Vec<_>>(),
            "confusion": s.confusion.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "agreement": ev.agreement.iter().map(|a| serde_json::json!({
            "a": a.a,
            "b": a.b,
            "kendall_tau": a.kendall_tau,
            "top1_agreement": a.top1_agreement,
        })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests;
