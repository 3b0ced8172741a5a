//! `evaluate`: strategies compared on labelled respondents, with
//! `rolefit-learn`'s evaluation, as `rolefit evaluate` compares them.

use std::collections::HashMap;
use std::path::PathBuf;

use arrow_array::RecordBatch;
use pyo3::prelude::*;
use rolefit_arrow::{plan_for, BatchReader};
use rolefit_import::suggest::closest;
use rolefit_import::{read_role_labels, ColumnPlan, ResponseOptions, RowPosition};
use rolefit_learn::evaluate::{evaluate, Candidate, EvaluateOptions, Evaluation, DEFAULT_RESAMPLES};
use rolefit_learn::learned::{Method, TrainParams};
use rolefit_model::{ProfileBatch, RoleMatrix, Survey};
use rolefit_score::{Centred, Registry, BUILTIN_STRATEGIES};
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
                    neighbours = None, seed = 1, min_answered = 0.5, center = None, survey = None,
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
    let job = Job {
        matrix: &matrix,
        survey: &survey,
        response_options: &response_options,
        source,
        labels_source,
        labels_csv: &labels_csv,
        strategies,
        centre,
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
        let picks = select(self.strategies, self.centre, &registry)?;
        let centred: Vec<Centred> = picks
            .iter()
            .filter_map(|p| match p {
                Pick::Centred(name) => registry.get(name).map(Centred::new),
                _ => None,
            })
            .collect();
        // Without `neighbours`, knn's k is chosen by cross-validation, as
        // `rolefit evaluate` does without `--neighbours`.
        let mut train = TrainParams::default();
        if let Some(k) = self.neighbours {
            train = train.neighbours(k);
        }
        let train = train.check().map_err(input_error)?;
        let mut next_centred = centred.iter();
        let mut candidates = Vec::with_capacity(picks.len());
        for pick in &picks {
            candidates.push(match pick {
                Pick::Builtin(name) => match registry.get(name) {
                    Some(s) => Candidate::Fixed(s),
                    None => continue,
                },
                Pick::Centred(_) => match next_centred.next() {
                    Some(s) => Candidate::Fixed(s),
                    None => continue,
                },
                Pick::Learned(method) => Candidate::Learned(*method, train),
            });
        }
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

/// A strategy asked for by name.
#[derive(Debug, Clone, PartialEq)]
enum Pick {
    Builtin(String),
    Centred(String),
    Learned(Method),
}

/// The strategies of `list` (comma-separated names, `all` for every
/// built-in and learned one, `NAME+center` for a centred built-in), each
/// built-in followed by its centred variant with `centre`; duplicates
/// dropped. The names `rolefit evaluate --strategies` takes.
fn select(list: &str, centre: bool, registry: &Registry) -> PyResult<Vec<Pick>> {
    let mut picks = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let lower = item.to_ascii_lowercase();
        if lower == "all" {
            picks.extend(registry.names().into_iter().map(|n| Pick::Builtin(n.to_string())));
            picks.extend(Method::ALL.into_iter().map(Pick::Learned));
        } else if let Some(method) = Method::from_name(item) {
            picks.push(Pick::Learned(method));
        } else if let Some(s) = registry.get(item) {
            picks.push(Pick::Builtin(s.name().to_string()));
        } else if let Some(s) = lower.strip_suffix("+center").and_then(|b| registry.get(b)) {
            picks.push(Pick::Centred(s.name().to_string()));
        } else {
            let mut names: Vec<String> = registry.names().iter().map(|n| n.to_string()).collect();
            names.extend(Method::ALL.iter().map(|m| m.name().to_string()));
            let hint = closest(item, names.iter().map(String::as_str))
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            return Err(input_error(format!(
                "unknown strategy {item:?} in strategies{hint}; the strategies are: all, {}, and any of \
                 them with +center",
                names.join(", ")
            )));
        }
    }
    if picks.is_empty() {
        return Err(input_error("strategies names no strategy"));
    }
    if centre {
        picks = picks
            .into_iter()
            .flat_map(|p| {
                let centred = match &p {
                    Pick::Builtin(n) if BUILTIN_STRATEGIES.contains(&n.as_str()) => {
                        Some(Pick::Centred(n.clone()))
                    }
                    _ => None,
                };
                std::iter::once(p).chain(centred)
            })
            .collect();
    }
    let mut seen = Vec::new();
    picks.retain(|p| {
        let new = !seen.contains(p);
        seen.push(p.clone());
        new
    });
    Ok(picks)
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
