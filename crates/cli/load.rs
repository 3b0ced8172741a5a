//! Loading the role matrix and the survey a command works with.

use std::path::Path;

use anyhow::Result;
use rolefit_import::{builtin, read_matrix, read_survey, MatrixOptions};
use rolefit_model::{ResponseScale, RoleMatrix, Scale, Survey};

use crate::args::MatrixSource;
use crate::error::bad_input;
use crate::io::open_file;

/// The matrix named by `--matrix`, or the built-in roles guide matrix.
pub fn matrix(source: &MatrixSource) -> Result<RoleMatrix> {
    match &source.matrix {
        None if source.matrix_scale != Scale::default() => Err(bad_input(
            "--matrix-scale applies to a --matrix file; the built-in matrix is on 1..5",
        )),
        None => Ok(builtin::matrix()),
        Some(path) => matrix_file(path, source.matrix_scale),
    }
}

/// Reads a role matrix file.
pub fn matrix_file(path: &Path, scale: Scale) -> Result<RoleMatrix> {
    let input = open_file(path, "role matrix")?;
    let options = MatrixOptions {
        scale,
        ..MatrixOptions::default()
    };
    Ok(read_matrix(input.reader, &input.name, &options)?)
}

/// The survey named by `--survey`, or the built-in survey.
pub fn survey(path: Option<&Path>) -> Result<Survey> {
    match path {
        None => Ok(builtin::survey()),
        Some(path) => {
            let input = open_file(path, "survey")?;
            Ok(read_survey(
                input.reader,
                &input.name,
                ResponseScale::agreement5(),
            )?)
        }
    }
}
