//! The native half of the `rolefit` Python package (`rolefit._rolefit`).
//!
//! A thin layer, as in polars or pydantic-core: it converts values at the
//! boundary and calls the library crates the `rolefit` binary calls
//! (`rolefit-import` reads matrices and responses, `rolefit-score` scores,
//! `rolefit-learn` evaluates strategies on labelled respondents,
//! `rolefit-arrow` reads Arrow batches typed and writes the long layout);
//! no scoring logic lives here. The pure-Python half
//! (`python/rolefit/__init__.py`) turns pandas and Polars frames into Arrow
//! and the results into pandas.
//!
//! - Data crosses as Arrow buffers through the C data interface
//!   (`arrow-pyarrow`): any object with `__arrow_c_stream__` (a pyarrow
//!   Table, a Polars or pandas DataFrame) or a pyarrow RecordBatch.
//! - Bad input raises `rolefit.InputError`, a `ValueError`, with the
//!   message `rolefit score` prints for the same data saved as CSV.
//! - The GIL is released while reading and scoring (`Python::detach`), and
//!   a batch is parsed and scored on every core.
//! - No Rust panic crosses into Python: each entry point catches one and
//!   raises `RuntimeError` saying it is a bug.

#![deny(missing_docs)]

mod evaluate;
mod explain;
mod matrix;
mod responses;
mod scoring;

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    rolefit,
    InputError,
    PyValueError,
    "Bad input: a file, frame or option rolefit cannot use. The message is the one \
     `rolefit` prints for the same input (file, line, column, value and what was expected)."
);

/// `InputError` with `message`.
pub(crate) fn input_error(message: impl std::fmt::Display) -> PyErr {
    InputError::new_err(message.to_string())
}

/// Runs `work`, turning a panic into `RuntimeError` (a bug in rolefit)
/// rather than letting it unwind into Python.
pub(crate) fn guarded<T>(work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(PyRuntimeError::new_err(format!(
                "internal error in rolefit (a bug; please report it): {what}"
            )))
        }
    }
}

/// The native module.
#[pymodule]
fn _rolefit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add_class::<matrix::Matrix>()?;
    m.add_function(wrap_pyfunction!(scoring::score_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(scoring::strategies, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::evaluate_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(responses::read_responses_arrow, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
