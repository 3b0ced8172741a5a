//! `score_arrow` and `strategies`: scoring Arrow data with the score
//! crate's strategies.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_pyarrow::PyArrowType;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rolefit_arrow::{plan_for, score_batch, BatchError, LongRows, ScoreOptions};
use rolefit_import::suggest::closest;
use rolefit_import::ResponseOptions;
use rolefit_model::{RoleMatrix, Survey};
use rolefit_score::compose::{self, Composed, NameError};
use rolefit_score::{CompiledMatrix, Registry, Scorer, Strategy, Weights, WeightsKind, DEFAULT_STRATEGY};

use crate::matrix::Matrix;
use crate::responses::{arrow_error, batches_of, options_of, survey_of};
use crate::{guarded, input_error};

/// The matrix given, or the built-in one.
pub(crate) fn matrix_or_builtin(matrix: Option<&Matrix>) -> Arc<RoleMatrix> {
    match matrix {
        Some(m) => Arc::clone(&m.inner),
        None => Arc::new(rolefit_import::builtin::matrix()),
    }
}

/// The built-in strategy `name`, composed or not (`euclidean+importance`,
/// `cosine+center`: [`rolefit_score::compose`]), for `compiled`; or
/// `InputError` naming those there are.
fn strategy<'r>(registry: &'r Registry, name: &str, compiled: &CompiledMatrix) -> PyResult<Composed<'r>> {
    let parts = compose::compose(registry, name).map_err(|e| {
        let names = registry.names();
        let hint = match &e {
            NameError::Unknown { base } => closest(base, names.iter().copied())
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        input_error(format!(
            "unknown strategy {name:?}{hint}; the strategies are: {}, composed with {} ({e})",
            names.join(", "),
            compose::SUFFIXES
        ))
    })?;
    let weights = match parts.weights {
        Some(WeightsKind::Learned) => {
            return Err(input_error(format!(
                "{name:?}: +learned needs the learned weights of a model file, which the Python module \
                 does not read; use `rolefit score --weights learned --model FILE`"
            )))
        }
        kind => kind.and_then(Weights::fixed),
    };
    let plain = registry.get(parts.base).expect("compose checked the name");
    Composed::new(plain, weights.as_ref().map(|w| (w, compiled)), parts.center)
        .map_err(|e| input_error(e.to_string()))
}

/// Scores Arrow data and returns the long layout as a `pyarrow.RecordBatch`.
///
/// `data` is a `pyarrow.RecordBatch`, or any object with
/// `__arrow_c_stream__` (a `pyarrow.Table`, a Polars or pandas DataFrame):
/// an id column and one column per capability (or per survey item), as
/// `rolefit score` reads a CSV file. Float and integer columns are read
/// straight from the Arrow buffers; text columns (labels such as `Agree`)
/// as CSV cells are.
///
/// The result has the columns of `rolefit score --format csv`:
/// `respondent, rank, role, score, answered, status` (and `strengths, gaps,
/// above_level` with `explain=True`), one row per respondent and ranked
/// role, in input order; `score` is the exact float (the CSV rounds it to
/// six decimals).
///
/// Raises `InputError` with the message `rolefit score` prints for the
/// same data saved as CSV (line numbers count the header as line 1;
/// `first_row` shifts them for a batch that is not the data's first).
/// The GIL is released while scoring; `threads` (default: every core)
/// parse and score slices of the batch in parallel.
#[pyfunction]
#[pyo3(signature = (data, matrix = None, *, strategy = "euclidean", top = 5, min_answered = 0.5,
                    explain = false, survey = None, id_column = None, scale = None,
                    ignore_unknown_columns = false, source = "data", threads = None, first_row = 0))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments
pub fn score_arrow(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    matrix: Option<PyRef<'_, Matrix>>,
    strategy: &str,
    top: usize,
    min_answered: f64,
    explain: bool,
    survey: Option<PathBuf>,
    id_column: Option<String>,
    scale: Option<&Bound<'_, PyAny>>,
    ignore_unknown_columns: bool,
    source: &str,
    threads: Option<usize>,
    first_row: u64,
) -> PyResult<PyArrowType<RecordBatch>> {
    let batches = batches_of(data)?;
    let matrix = matrix_or_builtin(matrix.as_deref());
    let options = options_of(id_column, scale, ignore_unknown_columns)?;
    if top == 0 {
        return Err(input_error("top must be at least 1"));
    }
    if !(0.0..=1.0).contains(&min_answered) {
        return Err(input_error(format!(
            "min_answered: expected a fraction from 0 to 1, got {min_answered}"
        )));
    }
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let survey = survey_of(py, survey.as_deref())?;
    let source = source.to_string();
    let strategy = strategy.to_string();
    let job = Job {
        matrix: &matrix,
        survey: &survey,
        options: &options,
        source: &source,
        strategy: &strategy,
        top,
        min_answered,
        explain,
        threads,
        first_row,
    };
    let batch = py.detach(|| guarded(|| job.run(&batches)))?;
    Ok(PyArrowType(batch))
}

/// One call of `score_arrow`, without Python objects (run with the GIL
/// released).
struct Job<'a> {
    matrix: &'a RoleMatrix,
    survey: &'a Survey,
    options: &'a ResponseOptions,
    source: &'a str,
    strategy: &'a str,
    top: usize,
    min_answered: f64,
    explain: bool,
    threads: usize,
    first_row: u64,
}

impl Job<'_> {
    fn run(&self, batches: &[RecordBatch]) -> PyResult<RecordBatch> {
        let registry = Registry::builtin();
        let compiled = CompiledMatrix::new(self.matrix);
        let strategy = strategy(&registry, self.strategy, &compiled)?;
        let strategy = &strategy as &dyn Strategy;
        let scorer = Scorer::new(&compiled, strategy)
            .top(Some(self.top.min(self.matrix.roles().len())))
            .min_answered(self.min_answered);
        let plan = plan_for(
            &batches[0],
            self.source,
            self.matrix,
            Some(self.survey),
            self.options,
        )
        .map_err(input_error)?;
        let explain_text = crate::explain::texts(self.matrix, &compiled, strategy, &plan);
        let mut options = ScoreOptions {
            threads: self.threads,
            first_row: self.first_row,
            rows_before: self.first_row,
            explain: self
                .explain
                .then_some(&explain_text as &rolefit_arrow::ExplainText<'_>),
        };
        let mut rows = LongRows::new(self.explain);
        let mut read = 0;
        for batch in batches {
            let scored = score_batch(&plan, batch, &scorer, &options).map_err(|e| match e {
                BatchError::Input(e) => input_error(e),
                e @ BatchError::Score(_) => pyo3::exceptions::PyRuntimeError::new_err(e.to_string()),
            })?;
            options.first_row += batch.num_rows() as u64;
            options.rows_before += scored.read;
            read += scored.read;
            rows.append(scored.rows);
        }
        if read == 0 {
            return Err(input_error(format!(
                "{}: no respondents: the data has columns but no rows; expected one row per respondent",
                self.source
            )));
        }
        rows.into_batch(self.matrix, self.threads).map_err(arrow_error)
    }
}

/// The built-in strategies, as `rolefit strategies --format json` lists
/// them: a list of dicts with `name`, `formula` and `description`.
#[pyfunction]
pub fn strategies(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    Registry::builtin()
        .iter()
        .map(|s| {
            let d = PyDict::new(py);
            d.set_item("name", s.name())?;
            d.set_item("formula", s.formula())?;
            d.set_item("description", s.description())?;
            d.set_item("default", s.name() == DEFAULT_STRATEGY)?;
            Ok(d)
        })
        .collect()
}
