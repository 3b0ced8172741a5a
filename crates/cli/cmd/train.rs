//! `rolefit train`: learn a strategy from labelled role holders and save it
//! as a model file (read back by [`crate::strategy::load_model`]).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rolefit_learn::learned::{self, Calibration, LearnError, Method, TrainParams};
use rolefit_score::{Strategy, Weights, WeightsKind};

use crate::args::{CellSafety, Center, Inputs, MinAnswered, OutputFile, PluginTimeout, Quiet};
use crate::error::bad_input;
use crate::io::Output;
use crate::labels::keep_labelled;
use crate::load::{self, input_name};
use crate::registry::Strategies;
use crate::settings::Settings;

/// `rolefit train`
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// The role of each respondent: a CSV `respondent,role`.
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// How to learn.
    #[arg(long, value_enum, default_value_t = TrainMethod::Centroid)]
    pub method: TrainMethod,
    /// Neighbours of the learned `knn` strategy [default: chosen by
    /// cross-validation among the labelled respondents].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub neighbours: Option<u32>,
    /// Also fit softmax temperatures, so that `rolefit score` gives each
    /// role a calibrated probability: of the trained centroid or knn model
    /// (on out-of-fold scores: 5 stratified folds dealt with --seed), and
    /// of each strategy of the comma list (names as --strategy takes them,
    /// composed ones too; fitted on every labelled respondent, +learned
    /// ones out of fold). Bare: the default strategy. logistic and lda keep
    /// their own probabilities. Give it after the input, or as
    /// --calibrate=STRATEGIES.
    #[arg(long, value_name = "STRATEGIES", num_args = 0..=1, default_missing_value = "")]
    pub calibrate: Option<String>,
    #[command(flatten)]
    pub plugin: PluginTimeout,
    #[command(flatten)]
    pub answered: MinAnswered,
    /// Random seed: the same seed gives the same result (it deals the folds
    /// that choose knn's k and those of --calibrate; the rest is
    /// deterministic).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub to: OutputFile,
    #[command(flatten)]
    pub cells: CellSafety,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// Learned strategy methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrainMethod {
    /// Each role's mean profile (and spread) over its holders.
    Centroid,
    /// The k nearest labelled holders.
    Knn,
    /// Multinomial logistic regression.
    Logistic,
    /// Linear discriminant analysis (shared covariance, Ledoit-Wolf shrinkage).
    Lda,
}

/// Runs `rolefit train`.
pub fn run(args: &TrainArgs, settings: &Settings) -> Result<()> {
    // A bare --calibrate takes the next word as its list: the input file,
    // when it comes before it.
    if let (None, Some(names)) = (&args.inputs.responses.input, &args.calibrate) {
        if std::path::Path::new(names).is_file() {
            return Err(bad_input(format!(
                "--calibrate took {names:?} as its list of strategies, and no input is left; put the input \
                 first (`rolefit train {names} --calibrate ...`) or write --calibrate=STRATEGIES"
            )));
        }
    }
    let loaded = load::matrix(&args.inputs.matrix, settings)?;
    loaded.print_notes(settings);
    let matrix = &loaded.matrix;
    let batch = load::responses_unique(&args.inputs.responses, matrix, settings)?;
    let input = input_name(args.inputs.responses.input.as_deref());
    let labels = load::role_labels(&args.labels, matrix, settings.encoding)?;
    // The labelled respondents are trained on; the others are counted.
    let (batch, labels) = keep_labelled(
        &labels,
        &args.labels,
        &batch,
        &input,
        settings.quiet,
        "are used for training",
    )?;
    let needed = load::answers_needed(batch.capabilities(), args.answered.keeping());
    let (batch, kept) = load::keep_answered(batch, needed, settings)?;
    let labels: Vec<usize> = kept.iter().map(|&i| labels[i]).collect();
    let method = match args.method {
        TrainMethod::Centroid => Method::Centroid,
        TrainMethod::Knn => Method::Knn,
        TrainMethod::Logistic => Method::Logistic,
        TrainMethod::Lda => Method::Lda,
    };
    let mut options = TrainParams::default().seed(args.seed);
    if let Some(k) = args.neighbours {
        options = options.neighbours(k as usize);
    }
    let options = options.check().map_err(|e| bad_input(e.to_string()))?;
    // The model file keeps the matrix, with O*NET's credit when it is
    // O*NET data, so that the model can be used without it.
    let model = learned::train(method, &options, matrix, &batch, &labels)
        .map_err(|e| bad_input(format!("training {method} on {input}: {e}")))?
        .with_matrix_credit(loaded.credit.clone());
    let (model, calibrated) = match &args.calibrate {
        Some(names) => {
            let calibration = calibrate(&model, names, &args.plugin, (matrix, &batch, &labels), args.seed)
                .with_context(|| format!("--calibrate on {input}"))?;
            let said = calibration_summary(&model, &calibration, labels.len());
            (model.with_calibration(calibration), Some(said))
        }
        None => (model, None),
    };
    let mut out = Output::create(args.to.output.as_deref())?;
    out.write_all(model.to_json().as_bytes())?;
    out.finish().context("writing the model")?;
    let summary = model.training();
    let empty: Vec<&str> = matrix
        .roles()
        .iter()
        .zip(&summary.per_role)
        .filter(|(_, &n)| n == 0)
        .map(|(r, _)| r.name.as_str())
        .collect();
    if !settings.quiet {
        let k = match method {
            Method::Knn if options.chooses_neighbours() => {
                format!(
                    ", k = {} chosen by cross-validation",
                    model.options().neighbours()
                )
            }
            _ => String::new(),
        };
        eprintln!(
            "rolefit: trained {} on {} respondents of {} ({} of {} roles have holders{k})",
            model.name(),
            summary.rows,
            input,
            summary.per_role.len() - empty.len(),
            summary.per_role.len()
        );
    }
    if let Some(said) = calibrated.filter(|_| !settings.quiet) {
        eprintln!("rolefit: {said}");
    }
    if !empty.is_empty() {
        eprintln!(
            "warning: no respondent holds {}; the model scores {} 0",
            rolefit_model::first_few(&empty, ", "),
            if empty.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(())
}

/// The temperatures of `train --calibrate NAMES`: the model's own
/// (centroid, knn; cross-fitted with `seed`) and each named strategy's
/// (an empty list: the default strategy), keyed by the strategy's
/// canonical name as `score --strategy` resolves it (`+learned` ones
/// cross-fitted, their precisions being learned from the same rows).
///
/// # Errors
/// Exit 2 for an unknown strategy, weights on one that is not a distance,
/// or too few rows to cross-fit; exit 1 when a strategy plugin fails.
fn calibrate(
    model: &learned::LearnedModel,
    names: &str,
    plugin: &PluginTimeout,
    (matrix, batch, labels): (&rolefit_model::RoleMatrix, &rolefit_model::ProfileBatch, &[usize]),
    seed: u64,
) -> Result<Calibration> {
    let mut names: Vec<&str> = names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        names.push(rolefit_score::DEFAULT_STRATEGY);
    }
    let mut calibration = Calibration {
        model: model
            .calibrate_self(matrix, batch, labels, seed)
            .map_err(|e| bad_input(format!("{}: {e}", model.name())))?,
        ..Calibration::default()
    };
    let strategies = Strategies::open(plugin.duration())?;
    for name in names {
        let registry = strategies.registry();
        let parts = crate::strategy::compose(registry, name)?;
        let fitted = if parts.weights == Some(WeightsKind::Learned) {
            // Checked as score builds it (a distance), then cross-fitted:
            // the precisions are learned from these rows.
            let center = if parts.center {
                Center::Person
            } else {
                Center::None
            };
            let precisions = model.precisions().cloned().map(Weights::Learned);
            crate::strategy::build(registry, parts.base, center, precisions, matrix)?;
            let base = strategies.find(parts.base)?;
            learned::calibrate_learned_weights(base, parts.center, matrix, batch, labels, seed)
        } else {
            let chosen = crate::strategy::build(registry, name, Center::None, None, matrix)?;
            let strategy = chosen.get();
            learned::calibrate_strategy(strategy, matrix, batch, labels)
                .map(|t| (strategy.name().to_string(), t))
        };
        let (key, fitted) = match fitted {
            Err(LearnError::Score(e)) => {
                return Err(anyhow::Error::new(e).context(format!("scoring with {name}")))
            }
            other => other.map_err(|e| bad_input(format!("{name}: {e}")))?,
        };
        calibration.strategies.insert(key, fitted);
    }
    // The plugins have ended properly before the model is written; `train`
    // commits its output as a command that started none.
    let _ended = strategies.finish()?;
    Ok(calibration)
}

/// What `--calibrate` fitted, in a few words: `calibrated model:knn (T =
/// 0.0412, out of fold over 5 folds), euclidean (T = 0.0100) on 200
/// labelled respondents`.
fn calibration_summary(model: &learned::LearnedModel, calibration: &Calibration, rows: usize) -> String {
    let mut parts = Vec::new();
    match &calibration.model {
        Some(t) => parts.push(format!(
            "{} (T = {:.4}, out of fold over {} folds)",
            model.name(),
            t.temperature,
            t.folds.unwrap_or_default()
        )),
        None => parts.push(format!("{} (its own probabilities)", model.name())),
    }
    parts.extend(
        calibration
            .strategies
            .iter()
            .map(|(name, t)| format!("{name} (T = {:.4})", t.temperature)),
    );
    format!(
        "calibrated {} on {}",
        parts.join(", "),
        crate::render::counted(rows as u64, "labelled respondent")
    )
}
