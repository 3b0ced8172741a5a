//! `rolefit train`: learn a strategy from labelled role holders and save it
//! as a model file. Also what `evaluate` and `score --model` share with it:
//! naming the input and warning about unused labels, loading a model, and
//! choosing the strategy `score` runs (`--strategy`, `--model`, `--center`).

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result};
use rolefit_model::RoleMatrix;
use rolefit_score::learned::{self, LearnedModel, Method, TrainOptions};
use rolefit_score::{Centred, Registry, Strategy};

use crate::args::{Center, ScoreArgs, TrainArgs, TrainMethod};
use crate::error::bad_input;
use crate::io::{open_file, Output};
use crate::load;
use crate::registry;

/// Runs `rolefit train`.
pub fn run(args: &TrainArgs) -> Result<()> {
    let loaded = load::matrix(&args.matrix)?;
    loaded.print_notes();
    let matrix = loaded.matrix;
    let batch = load::responses_unique(&args.responses, &matrix)?;
    let input = input_name(args.responses.input.as_deref());
    let labels = load::role_labels(&args.labels, &matrix)?;
    let (labels, unused) = labels.align(&batch, &input)?;
    labels_warning(unused, &args.labels, &input);
    let method = match args.method {
        TrainMethod::Centroid => Method::Centroid,
        TrainMethod::Knn => Method::Knn,
        TrainMethod::Logistic => Method::Logistic,
    };
    let options = TrainOptions {
        neighbours: args.neighbours as usize,
        ..TrainOptions::default()
    };
    let model = learned::train(method, &options, &matrix, &batch, &labels)
        .map_err(|e| bad_input(format!("training {method} on {input}: {e}")))?;
    let mut out = Output::create(args.output.as_deref())?;
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
    eprintln!(
        "rolefit: trained {} on {} respondents of {} ({} of {} roles have holders)",
        model.name(),
        summary.rows,
        input,
        summary.per_role.len() - empty.len(),
        summary.per_role.len()
    );
    if !empty.is_empty() {
        eprintln!(
            "warning: no respondent holds {}; the model scores {} 0",
            rolefit_model::first_few(&empty, ", "),
            if empty.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(())
}

/// The name errors call the responses input by.
pub fn input_name(path: Option<&Path>) -> String {
    match path {
        Some(p) if p != Path::new("-") => p.display().to_string(),
        _ => "<stdin>".to_string(),
    }
}

/// Says on standard error how many labels named respondents the input does
/// not have.
pub fn labels_warning(unused: usize, labels: &Path, input: &str) {
    if unused > 0 {
        eprintln!(
            "warning: {unused} label{} in {} name respondents that are not in {input}; ignored",
            if unused == 1 { "" } else { "s" },
            labels.display()
        );
    }
}

/// Reads a model file and checks it against `matrix` (exit 2 otherwise).
pub fn load_model(path: &Path, matrix: &RoleMatrix) -> Result<LearnedModel> {
    let mut input = open_file(path, "model")?;
    let mut text = String::new();
    input
        .reader
        .read_to_string(&mut text)
        .map_err(|e| bad_input(format!("cannot read model {}: {e}", path.display())))?;
    LearnedModel::from_json(&text, matrix).map_err(|e| bad_input(format!("{}: {e}", path.display())))
}

/// The strategy `rolefit score` runs.
pub enum Chosen<'r> {
    /// A built-in or plugin strategy as it is.
    Plain(&'r dyn Strategy),
    /// A strategy on centred profiles (`--center person`).
    Centred(Centred<'r>),
    /// A learned model (`--model`).
    Model(Box<LearnedModel>),
}

impl Chosen<'_> {
    /// The strategy.
    pub fn get(&self) -> &dyn Strategy {
        match self {
            Chosen::Plain(s) => *s,
            Chosen::Centred(c) => c,
            Chosen::Model(m) => m.as_ref(),
        }
    }
}

/// Picks the strategy of `rolefit score` from `--strategy`, `--model` and
/// `--center`.
///
/// # Errors
/// Exit 2 for an unknown strategy, an unusable model file, or `--center
/// person` with `--model` (a model learned from values as given cannot be
/// fed centred ones).
pub fn score_strategy<'r>(
    args: &ScoreArgs,
    registry: &'r Registry,
    matrix: &RoleMatrix,
) -> Result<Chosen<'r>> {
    match (&args.model, args.center) {
        (Some(_), Center::Person) => Err(bad_input(
            "--center person does not apply to --model: a model learns from answers as given; \
             use --center with --strategy",
        )),
        (Some(path), Center::None) => Ok(Chosen::Model(Box::new(load_model(path, matrix)?))),
        (None, Center::None) => Ok(Chosen::Plain(registry::find(registry, &args.strategy)?)),
        (None, Center::Person) => Ok(Chosen::Centred(Centred::new(registry::find(
            registry,
            &args.strategy,
        )?))),
    }
}
