//! `rolefit.Matrix`: a role matrix, read by the importer the CLI uses.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use rolefit_import::{builtin, read_matrix, read_matrix_path, MatrixOptions};
use rolefit_model::{RoleMatrix, Scale};

use crate::{guarded, input_error};

/// A role matrix: roles, the capabilities they need, each at a level and
/// with an importance.
///
/// Make one with `Matrix.builtin()`, `Matrix.from_csv(path)` or
/// `Matrix.from_frame(df)`; every way reads the matrix with the rules of
/// `rolefit --matrix` (wide or long layout, names matched loosely).
#[pyclass(module = "rolefit", frozen, name = "Matrix", skip_from_py_object)]
#[derive(Debug, Clone)]
pub struct Matrix {
    pub(crate) inner: Arc<RoleMatrix>,
}

/// The scale a matrix's levels are on: `(min, max)`, or the default 1..5.
pub(crate) fn scale_of(scale: Option<(f64, f64)>) -> PyResult<Scale> {
    match scale {
        None => Ok(Scale::default()),
        Some((min, max)) => Scale::new(min, max).map_err(input_error),
    }
}

#[pymethods]
impl Matrix {
    /// The built-in matrix (`rolefit roles`): 4 roles x 20 capabilities,
    /// levels on 1..5.
    #[staticmethod]
    fn builtin() -> Self {
        Matrix {
            inner: Arc::new(builtin::matrix()),
        }
    }

    /// Reads a matrix file: CSV (wide or long layout), an Excel workbook or
    /// O*NET data, as `rolefit --matrix` does. `scale` is `(min, max)` of
    /// the levels, as `--matrix-scale` (default 1..5). Raises `InputError`
    /// with the CLI's message for a file it cannot use.
    #[staticmethod]
    #[pyo3(signature = (path, scale = None))]
    fn from_csv(py: Python<'_>, path: PathBuf, scale: Option<(f64, f64)>) -> PyResult<Self> {
        let options = MatrixOptions {
            scale: scale_of(scale)?,
            ..MatrixOptions::default()
        };
        let report = py.detach(|| guarded(|| read_matrix_path(&path, &options).map_err(input_error)))?;
        Ok(Matrix {
            inner: Arc::new(report.matrix),
        })
    }

    /// Reads a matrix from CSV text (what `Matrix.from_frame` passes);
    /// `source` names it in messages.
    #[staticmethod]
    #[pyo3(signature = (text, source = "frame", scale = None))]
    fn from_csv_text(text: &str, source: &str, scale: Option<(f64, f64)>) -> PyResult<Self> {
        let options = MatrixOptions {
            scale: scale_of(scale)?,
            ..MatrixOptions::default()
        };
        let matrix = guarded(|| read_matrix(text.as_bytes(), source, &options).map_err(input_error))?;
        Ok(Matrix {
            inner: Arc::new(matrix),
        })
    }

    /// Reads a matrix from a data frame (pandas, Polars or pyarrow), in the
    /// wide or long layout a matrix CSV file has (`role,capability,level,
    /// importance`, or a role column and one column per capability), as
    /// `rolefit --matrix` reads the same frame saved as CSV.
    #[staticmethod]
    #[pyo3(signature = (frame, scale = None, source = "frame"))]
    fn from_frame(frame: &Bound<'_, PyAny>, scale: Option<(f64, f64)>, source: &str) -> PyResult<Self> {
        let py = frame.py();
        let text: String = py
            .import("rolefit._frames")?
            .call_method1("to_csv_text", (frame,))?
            .extract()?;
        Matrix::from_csv_text(&text, source, scale)
    }

    /// The matrix as a pandas DataFrame in the long layout, the rows of
    /// `rolefit roles --format csv`: `role, capability, level, importance`.
    /// `Matrix.from_frame` reads it back.
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (role, capability, level, importance) = self.long_columns();
        let columns = pyo3::types::PyDict::new(py);
        columns.set_item("role", role)?;
        columns.set_item("capability", capability)?;
        columns.set_item("level", level)?;
        columns.set_item("importance", importance)?;
        py.import("pandas")?.call_method1("DataFrame", (columns,))
    }

    /// The role names, in matrix order.
    #[getter]
    fn roles(&self) -> Vec<String> {
        self.inner.roles().iter().map(|r| r.name.clone()).collect()
    }

    /// The role ids, in matrix order.
    #[getter]
    fn role_ids(&self) -> Vec<String> {
        self.inner.roles().iter().map(|r| r.id.clone()).collect()
    }

    /// The capability names, in matrix order (the columns `score` reads).
    #[getter]
    fn capabilities(&self) -> Vec<String> {
        self.inner.capabilities().iter().map(|c| c.name.clone()).collect()
    }

    /// The capability ids, in matrix order.
    #[getter]
    fn capability_ids(&self) -> Vec<String> {
        self.inner.capabilities().iter().map(|c| c.id.clone()).collect()
    }

    /// The scale of the levels, `(min, max)`.
    #[getter]
    fn scale(&self) -> (f64, f64) {
        let s = self.inner.scale();
        (s.min(), s.max())
    }

    /// The matrix's long layout as four lists (role, capability, level,
    /// importance), the rows of `rolefit roles --format csv`.
    fn long_columns(&self) -> (Vec<String>, Vec<String>, Vec<f64>, Vec<f64>) {
        let m = &self.inner;
        let mut out = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for role in m.roles() {
            for (req, cap) in role.requirements.iter().zip(m.capabilities()) {
                out.0.push(role.name.clone());
                out.1.push(cap.name.clone());
                out.2.push(req.level);
                out.3.push(req.importance);
            }
        }
        out
    }

    fn __repr__(&self) -> String {
        format!(
            "<rolefit.Matrix {:?}: {} roles x {} capabilities, levels on {}>",
            self.inner.name(),
            self.inner.roles().len(),
            self.inner.capabilities().len(),
            self.inner.scale()
        )
    }

    fn __len__(&self) -> usize {
        self.inner.roles().len()
    }
}
