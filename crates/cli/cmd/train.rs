//! `rolefit train`: learn a strategy from labelled role holders and save it
//! as a model file. Also what `evaluate` and `score --model` share with it:
//! reading a labels file, loading a model, and choosing the strategy
//! `score` runs (`--strategy`, `--model`, `--center`).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result};
use rolefit_model::{match_key, ProfileBatch, RoleMatrix};
use rolefit_score::learned::{self, LearnedModel, Method, TrainOptions};
use rolefit_score::{Centred, Registry, Strategy};

use crate::args::{Center, ScoreArgs, TrainArgs, TrainMethod};
use crate::error::bad_input;
use crate::io::{open_file, Output};
use crate::load;
use crate::registry;
use crate::render::closest;

/// Runs `rolefit train`.
pub fn run(args: &TrainArgs) -> Result<()> {
    let loaded = load::matrix(&args.matrix)?;
    loaded.print_notes();
    let matrix = &loaded.matrix;
    let batch = load::responses_unique(&args.responses, matrix)?;
    let input = input_name(args.responses.input.as_deref());
    let labels = Labels::read(&args.labels, matrix)?;
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
    // The model file keeps the matrix, with O*NET's credit when it is
    // O*NET data, so that the model can be used without it.
    let model = learned::train(method, &options, matrix, &batch, &labels)
        .map_err(|e| bad_input(format!("training {method} on {input}: {e}")))?
        .with_matrix_credit(loaded.onet.then(|| rolefit_import::ONET_CREDIT.to_string()));
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

/// A labels file: `respondent,role` per line, an optional header.
pub struct Labels {
    name: String,
    /// Respondent id to (role index, line).
    by_respondent: HashMap<String, (usize, u64)>,
}

impl Labels {
    /// Reads a labels file. The delimiter is the first line's most frequent
    /// of comma, tab and semicolon; a UTF-8 byte-order mark is skipped; a
    /// first line `respondent,role` (loosely: `id`, `respondent_id`) is a
    /// header. Roles are matched by id or name, loosely.
    ///
    /// # Errors
    /// Exit-2 errors naming the file and line: unreadable file, a line
    /// without two fields, an empty respondent, an unknown role, and one
    /// respondent given two different roles.
    pub fn read(path: &Path, matrix: &RoleMatrix) -> Result<Labels> {
        let name = path.display().to_string();
        let mut input = open_file(path, "labels")?;
        let mut text = String::new();
        input
            .reader
            .read_to_string(&mut text)
            .map_err(|e| bad_input(format!("cannot read labels {name}: {e}")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text.lines().next().unwrap_or("");
        let delimiter = [b',', b'\t', b';']
            .into_iter()
            .max_by_key(|&d| (first.bytes().filter(|&b| b == d).count(), d == b','))
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut by_respondent: HashMap<String, (usize, u64)> = HashMap::new();
        let role_names: Vec<&str> = matrix.roles().iter().map(|r| r.name.as_str()).collect();
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|e| bad_input(format!("{name}: {e}")))?;
            let line = record.position().map_or(index as u64 + 1, |p| p.line());
            let fields: Vec<&str> = record.iter().map(str::trim).collect();
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
            if index == 0
                && fields.len() >= 2
                && matches!(
                    match_key(fields[0]).as_str(),
                    "respondent" | "respondentid" | "id"
                )
                && match_key(fields[1]) == "role"
            {
                continue;
            }
            if fields.len() < 2 {
                return Err(bad_input(format!(
                    "{name}:{line}: expected two fields, respondent and role, found {}",
                    fields.len()
                )));
            }
            let (respondent, role) = (fields[0], fields[1]);
            if respondent.is_empty() {
                return Err(bad_input(format!("{name}:{line}: the respondent is empty")));
            }
            let Some(index) = matrix.role_index(role) else {
                let hint = closest(role, role_names.iter().copied())
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default();
                return Err(bad_input(format!(
                    "{name}:{line}: unknown role {role:?}{hint}; the roles are: {}",
                    rolefit_model::first_few(&role_names, ", ")
                )));
            };
            match by_respondent.get(respondent) {
                Some(&(other, first_line)) if other != index => {
                    return Err(bad_input(format!(
                        "{name}:{line}: respondent {respondent:?} is labelled {:?} here but {:?} on line {first_line}",
                        role_names[index], role_names[other]
                    )));
                }
                Some(&(_, first_line)) => {
                    return Err(bad_input(format!(
                        "{name}:{line}: respondent {respondent:?} is labelled twice, here and on line {first_line}; give each respondent one line"
                    )));
                }
                None => {
                    by_respondent.insert(respondent.to_string(), (index, line));
                }
            }
        }
        if by_respondent.is_empty() {
            return Err(bad_input(format!(
                "{name}: no labels (expected lines respondent,role)"
            )));
        }
        Ok(Labels { name, by_respondent })
    }

    /// One role index per respondent of `batch`, and how many labels name
    /// respondents that are not in it.
    ///
    /// # Errors
    /// Exit 2 if a respondent has no label, naming the first (and its data
    /// row in `input`) and counting the others.
    pub fn align(&self, batch: &ProfileBatch, input: &str) -> Result<(Vec<usize>, usize)> {
        let mut labels = Vec::with_capacity(batch.len());
        let mut missing = Vec::new();
        for i in 0..batch.len() {
            match self.by_respondent.get(batch.respondent(i)) {
                Some(&(role, _)) => labels.push(role),
                None => missing.push(i),
            }
        }
        if let Some(&first) = missing.first() {
            let more = match missing.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more respondent{})", if n == 1 { "" } else { "s" }),
            };
            return Err(bad_input(format!(
                "respondent {:?} (data row {} of {input}) has no label in {}{more}",
                batch.respondent(first),
                first + 1,
                self.name
            )));
        }
        let present: std::collections::HashSet<&str> =
            (0..batch.len()).map(|i| batch.respondent(i)).collect();
        let unused = self
            .by_respondent
            .keys()
            .filter(|k| !present.contains(k.as_str()))
            .count();
        Ok((labels, unused))
    }
}

/// Reads a model file and checks it against `matrix` (exit 2 otherwise).
pub fn load_model(path: &Path, matrix: &RoleMatrix) -> Result<LearnedModel> {
    let text = load::model_text(path)?;
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
