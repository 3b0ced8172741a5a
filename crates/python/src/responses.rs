//! Arrow data and options in from Python, and `read_responses`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_pyarrow::{FromPyArrow, PyArrowType, Table};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use rolefit_import::{find_scale, read_survey, scale_names, ResponseOptions, ResponseReader};
use rolefit_model::{ResponseScale, Survey};

use crate::matrix::{scale_of, Matrix};
use crate::scoring::matrix_or_builtin;
use crate::{guarded, input_error};

/// An Arrow error as a Python error (a bug of ours, or data Arrow refuses).
pub(crate) fn arrow_error(e: impl std::fmt::Display) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(format!("arrow: {e}"))
}

/// The record batches of `data`: a `pyarrow.RecordBatch`, or any object
/// with `__arrow_c_stream__` (a table or data frame). A stream of no
/// batches gives one empty batch of its schema.
pub(crate) fn batches_of(data: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    if data.hasattr("__arrow_c_stream__")? {
        let (batches, schema) = Table::from_pyarrow_bound(data)?.into_inner();
        if batches.is_empty() {
            return Ok(vec![RecordBatch::new_empty(schema)]);
        }
        return Ok(batches);
    }
    match RecordBatch::from_pyarrow_bound(data) {
        Ok(batch) => Ok(vec![batch]),
        Err(_) => Err(PyTypeError::new_err(format!(
            "expected a pyarrow RecordBatch or Table, or a data frame with the Arrow PyCapsule interface \
             (pandas, Polars), got {}",
            data.get_type().name()?
        ))),
    }
}

/// The responses options of the Python functions: `id_column`, `scale`
/// (`(min, max)` or a label scale's name, as `--scale`) and
/// `ignore_unknown_columns`.
pub(crate) fn options_of(
    id_column: Option<String>,
    scale: Option<&Bound<'_, PyAny>>,
    ignore_unknown_columns: bool,
) -> PyResult<ResponseOptions> {
    let mut options = ResponseOptions {
        id_column,
        ignore_unknown_columns,
        ..ResponseOptions::default()
    };
    match scale {
        None => {}
        Some(s) if s.is_none() => {}
        Some(s) => {
            if let Ok(name) = s.extract::<String>() {
                if find_scale(&name, &[]).is_none() {
                    return Err(input_error(format!(
                        "scale {name:?}: there is no label scale of that name; expected (MIN, MAX) or one of: {}",
                        rolefit_model::first_few(scale_names(&[]), ", ")
                    )));
                }
                options.scale_name = Some(name);
            } else {
                let range: (f64, f64) = s.extract()?;
                options.scale = Some(scale_of(Some(range))?);
            }
        }
    }
    Ok(options)
}

/// The survey of `survey=` (a survey CSV file), or the built-in one, as
/// `--survey` reads it.
pub(crate) fn survey_of(py: Python<'_>, path: Option<&Path>) -> PyResult<Survey> {
    let Some(path) = path else {
        return Ok(rolefit_import::builtin::survey());
    };
    py.detach(|| {
        guarded(|| {
            let name = path.display().to_string();
            let file =
                File::open(path).map_err(|e| input_error(rolefit_import::ImportError::io(&name, e)))?;
            read_survey(file, &name, ResponseScale::agreement5()).map_err(input_error)
        })
    })
}

/// Reads a responses file (plain CSV, or a Qualtrics, SurveyMonkey,
/// Google Forms, Microsoft Forms or Typeform export) as `rolefit score`
/// reads it, into a `pyarrow.RecordBatch`: `respondent`, then one float
/// column per capability of the matrix (its name), on the matrix's scale,
/// null where not answered. Raises `InputError` with the CLI's message.
#[pyfunction]
#[pyo3(signature = (path, matrix = None, *, survey = None, id_column = None, scale = None,
                    ignore_unknown_columns = false))]
pub fn read_responses_arrow(
    py: Python<'_>,
    path: PathBuf,
    matrix: Option<PyRef<'_, Matrix>>,
    survey: Option<PathBuf>,
    id_column: Option<String>,
    scale: Option<&Bound<'_, PyAny>>,
    ignore_unknown_columns: bool,
) -> PyResult<PyArrowType<RecordBatch>> {
    let matrix = matrix_or_builtin(matrix.as_deref());
    let options = options_of(id_column, scale, ignore_unknown_columns)?;
    let survey = survey_of(py, survey.as_deref())?;
    let batch = py.detach(|| {
        guarded(|| {
            let name = path.display().to_string();
            let file =
                File::open(&path).map_err(|e| input_error(rolefit_import::ImportError::io(&name, e)))?;
            let reader =
                ResponseReader::new(file, &name, &matrix, Some(&survey), &options).map_err(input_error)?;
            let profiles = reader.read_all().map_err(input_error)?;
            let n = profiles.len();
            let caps = matrix.capabilities();
            let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from(profiles.respondents()))];
            let (values, answered) = (profiles.values(), profiles.answered());
            for c in 0..caps.len() {
                let column: Float64Array = (0..n)
                    .map(|i| {
                        let at = i * caps.len() + c;
                        answered[at].then_some(values[at])
                    })
                    .collect();
                columns.push(Arc::new(column));
            }
            let names = std::iter::once("respondent").chain(caps.iter().map(|c| c.name.as_str()));
            let fields: Vec<arrow_schema::Field> = names
                .zip(&columns)
                .map(|(name, a)| arrow_schema::Field::new(name, a.data_type().clone(), true))
                .collect();
            RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), columns).map_err(arrow_error)
        })
    })?;
    Ok(PyArrowType(batch))
}
