//! `rolefit train`: learn a strategy from labelled role holders and save it
//! as a model file (read back by [`crate::strategy::load_model`]).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rolefit_learn::learned::{self, Method, TrainParams};
use rolefit_score::Strategy;

use crate::args::{CellSafety, Inputs, MinAnswered, OutputFile, Quiet};
use crate::error::bad_input;
use crate::io::Output;
use crate::labels::keep_labelled;
use crate::load::{self, input_name};
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
    #[command(flatten)]
    pub answered: MinAnswered,
    /// Random seed: the same seed gives the same result (it deals the folds
    /// that choose knn's k; the other methods are deterministic).
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
    if !empty.is_empty() {
        eprintln!(
            "warning: no respondent holds {}; the model scores {} 0",
            rolefit_model::first_few(&empty, ", "),
            if empty.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(())
}
