//! `evaluate`: strategies compared on labelled respondents, with
//! `rolefit-learn`'s evaluation, as `rolefit evaluate` compares them.

use std::collections::HashMap;
use std::path::PathBuf;

use arrow_array::RecordBatch;
use pyo3::prelude::*;
use rolefit_arrow::{plan_for, BatchReader};
use rolefit_import::suggest::closest;
use rolefit_import::{read_role_labels, ColumnPlan, ResponseOptions, RowPosition};
use rolefit_learn::evaluate::pick::{self, PickError, Picked};
use rolefit_learn::evaluate::{evaluate, EvaluateOptions, Evaluation, DEFAULT_RESAMPLES};
use rolefit_learn::learned::TrainParams;
use rolefit_model::{ProfileBatch, RoleMatrix, Survey};
use rolefit_score::{CompiledMatrix, Registry, WeightsKind};
use serde_json::Value;

use crate::matrix::Matrix;
use crate::responses::{batches_of, options_of, survey_of};
use crate::scoring::matrix_or_builtin;
use crate::{guarded, input_error};

/// Compares strategies on labelled respondents, as `rolefit evaluate
/// --format json` does; returns that JSON's text (the Python half turns
/// it into a dict).
///
/// `data` as for `score_arrow`; `labels_csv` is the text of a labels file
/// (`respondent,role`), called `labels_source` in messages.
#[pyfunction]
#[pyo3(signature = (data, labels_csv, matrix = None, *, strategies = "all", k = 3, folds = 5,
                    neighbours = None, seed = 1, min_answered = 0.5, center = None, weights = None, survey = None,
                    id_column = None, scale = None, ignore_unknown_columns = false, source = "data",
                    labels_source = "labels", threads = None))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments
pub fn evaluate_arrow(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    labels_csv: String,
    matrix: Option<PyRef<'_, Matrix>>,
    strategies: &str,
    k: usize,
    folds: usize,
    neighbours: Option<usize>,
    seed: u64,
    min_answered: f64,
    center: Option<String>,
    weights: Option<String>,
    survey: Option<PathBuf>,
    id_column: Option<String>,
    scale: Option<&Bound<'_, PyAny>>,
    ignore_unknown_columns: bool,
    source: &str,
    labels_source: &str,
    threads: Option<usize>,
) -> PyResult<String> {
    let batches = batches_of(data)?;
    let matrix = matrix_or_builtin(matrix.as_deref());
    let response_options = options_of(id_column, scale, ignore_unknown_columns)?;
    let survey = survey_of(py, survey.as_deref())?;
    let centre = match center.as_deref() {
        None | Some("none") => false,
        Some("person") => true,
        Some(other) => {
            return Err(input_error(format!(
                "center: expected \"none\" or \"person\", got {other:?}"
            )))
        }
    };
    let weights = match weights.as_deref() {
        None => None,
        Some(name) => Some(WeightsKind::from_name(name).ok_or_else(|| {
            input_error(format!(
                "weights: expected \"importance\", \"uniform\" or \"learned\", got {name:?}"
            ))
        })?),
    };
    let job = Job {
        matrix: &matrix,
        survey: &survey,
        response_options: &response_options,
        source,
        labels_source,
        labels_csv: &labels_csv,
        strategies,
        centre,
        weights,
        neighbours,
        options: EvaluateOptions {
            k,
            folds,
            seed,
            resamples: DEFAULT_RESAMPLES,
            min_answered,
            threads: threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1),
        },
    };
    py.detach(|| guarded(|| job.run(&batches)))
}

/// One call of `evaluate_arrow`, without Python objects.
struct Job<'a> {
    matrix: &'a RoleMatrix,
    survey: &'a Survey,
    response_options: &'a ResponseOptions,
    source: &'a str,
    labels_source: &'a str,
    labels_csv: &'a str,
    strategies: &'a str,
    centre: bool,
    weights: Option<WeightsKind>,
    neighbours: Option<usize>,
    options: EvaluateOptions,
}

impl Job<'_> {
    fn run(&self, batches: &[RecordBatch]) -> PyResult<String> {
        let plan = plan_for(
            &batches[0],
            self.source,
            self.matrix,
            Some(self.survey),
            self.response_options,
        )
        .map_err(input_error)?;
        let profiles = read_unique(&plan, batches)?;
        let labels = read_role_labels(self.labels_csv.as_bytes(), self.labels_source, self.matrix)
            .map_err(input_error)?;
        let labelled = labels.labelled(&profiles, self.source).map_err(input_error)?;
        let registry = Registry::builtin();
        let picks = pick::select(self.strategies, self.centre, self.weights, &registry).map_err(|e| {
            let hint = match &e {
                PickError::Unknown { item, names, .. } => closest(item, names.iter().map(String::as_str)),
                _ => None,
            };
            input_error(e.message("strategies", hint))
        })?;
        let compiled = CompiledMatrix::new(self.matrix);
        let picked = Picked::new(picks, &registry, &compiled).map_err(|e| input_error(e.to_string()))?;
        // Without `neighbours`, knn's k is chosen by cross-validation, as
        // `rolefit evaluate` does without `--neighbours`.
        let mut train = TrainParams::default();
        if let Some(k) = self.neighbours {
            train = train.neighbours(k);
        }
        let train = train.check().map_err(input_error)?;
        let candidates = picked.candidates(train);
        let evaluation = evaluate(
            self.matrix,
            &labelled.batch,
            &labelled.roles,
            &candidates,
            &self.options,
        )
        .map_err(|e| input_error(format!("evaluating {}: {e}", self.source)))?;
        Ok(as_json(&evaluation, self.matrix, &labelled).to_string())
    }
}

/// Rows read column by column at a time.
const SLICE_ROWS: usize = 4096;

/// Every row of `batches` read with `plan` (blank rows skipped), each
/// respondent's id once.
fn read_unique(plan: &ColumnPlan, batches: &[RecordBatch]) -> PyResult<ProfileBatch> {
    let mut out = ProfileBatch::new(plan.capabilities());
    let mut lines: HashMap<String, u64> = HashMap::new();
    let (mut first_row, mut row) = (0u64, 0u64);
    for batch in batches {
        let mut reader = BatchReader::new(plan, batch).map_err(input_error)?;
        let rows = reader.rows();
        for r in 0..rows {
            if r % SLICE_ROWS == 0 {
                reader.prepare(r..(r + SLICE_ROWS).min(rows));
            }
            if reader.is_blank(r) {
                continue;
            }
            row += 1;
            // The header is line 1.
            let line = first_row + r as u64 + 2;
            let before = out.len();
            reader
                .parse(r, RowPosition { line, row }, &mut out)
                .map_err(input_error)?;
            if out.len() > before {
                let id = out.respondent(out.len() - 1);
                if let Some(first) = lines.insert(id.to_string(), line) {
                    return Err(input_error(format!(
                        "{}: respondent {id:?} appears twice, on lines {first} and {line}; rows are joined \
                         with the labels by id, so each id must be unique",
                        plan.source()
                    )));
                }
            }
        }
        first_row += batch.num_rows() as u64;
    }
    if out.is_empty() {
        return Err(input_error(format!(
            "{}: no respondents: the data has columns but no rows; expected one row per respondent",
            plan.source()
        )));
    }
    Ok(out)
}

/// The evaluation with the keys of `rolefit evaluate --format json`, and
/// how many respondents had no label (`unlabelled`) and how many labels
/// named no respondent (`unused_labels`), which the CLI says in notes.
fn as_json(ev: &Evaluation, matrix: &RoleMatrix, labelled: &rolefit_import::Labelled) -> Value {
    let roles: Vec<&str> = matrix.roles().iter().map(|r| r.name.as_str()).collect();
    let mut json = ev.to_json(&roles);
    json["unlabelled"] = labelled.unlabelled.into();
    json["unused_labels"] = labelled.unused.into();
    json
}
