//! Loading the role matrix and the survey a command works with.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use rolefit_import::{
    builtin, merge_matrices, read_matrix_path, read_matrix_report, read_survey, ByteRecord, Layout,
    MatrixOptions, ResponseOptions, ResponseReader,
};
use rolefit_model::{ProfileBatch, ResponseScale, RoleMatrix, Scale, Survey};

use crate::args::{MatrixSource, OnError, ResponsesSource};
use crate::error::bad_input;
use crate::io::{open_file, open_input, Output};

/// A role matrix and what the user should be told about it.
pub struct Loaded {
    /// The matrix (several `--matrix` files merged into one).
    pub matrix: RoleMatrix,
    /// Each file's layout, for people (`wide (CSV)`, `O*NET text (Skills)`).
    pub layouts: Vec<String>,
    /// Notes from the importer (low-precision O*NET estimates, missing
    /// titles), each a sentence naming its file.
    pub notes: Vec<String>,
    /// Whether any part is O*NET data, which must carry O*NET's credit.
    pub onet: bool,
}

impl Loaded {
    /// Prints the notes and, for O*NET data, the credit on standard error.
    pub fn print_notes(&self) {
        for note in &self.notes {
            eprintln!("note: {note}");
        }
        if self.onet {
            eprintln!("note: {}", rolefit_import::ONET_CREDIT);
        }
    }
}

/// The matrix named by `--matrix` (several are merged), or the built-in
/// roles guide matrix.
pub fn matrix(source: &MatrixSource) -> Result<Loaded> {
    if source.matrix.is_empty() {
        if source.matrix_scale != Scale::default() {
            return Err(bad_input(
                "--matrix-scale applies to a --matrix file; the built-in matrix is on 1..5",
            ));
        }
        return Ok(Loaded {
            matrix: builtin::matrix(),
            layouts: vec!["built-in".into()],
            notes: Vec::new(),
            onet: false,
        });
    }
    let options = MatrixOptions {
        scale: source.matrix_scale,
        ..MatrixOptions::default()
    };
    let mut parts = Vec::with_capacity(source.matrix.len());
    let mut loaded = Loaded {
        matrix: builtin::matrix(),
        layouts: Vec::new(),
        notes: Vec::new(),
        onet: false,
    };
    for path in &source.matrix {
        // The same words as for any other unreadable input.
        let input = open_file(path, "role matrix")?;
        let is_workbook = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
        let report = if crate::io::latin1() && !is_workbook {
            // Decoded text: read from the (decoding) stream.
            read_matrix_report(input.reader, &input.name, &options)?
        } else {
            drop(input);
            read_matrix_path(path, &options)?
        };
        loaded.onet |= matches!(report.layout, Layout::Onet { .. });
        loaded.layouts.push(report.layout_description());
        loaded.notes.extend(report.warnings);
        parts.push(report.matrix);
    }
    loaded.matrix = if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        let names: Vec<String> = source.matrix.iter().map(|p| p.display().to_string()).collect();
        merge_matrices(parts, &names.join(" + "))?
    };
    Ok(loaded)
}

/// How to read responses, from the command line.
pub fn response_options(source: &ResponsesSource) -> ResponseOptions {
    ResponseOptions {
        id_column: source.id_column.clone(),
        scale: source.scale,
        ignore_unknown_columns: source.ignore_unknown_columns,
    }
}

#[allow(dead_code)] // Used by evaluate, train, explain, cluster and report, being built.
/// Every response of `source`, read whole (for commands that need all the
/// respondents at once: evaluation, clustering, reports), mapped onto
/// `matrix` with the `--survey` (or built-in) survey.
pub fn responses(source: &ResponsesSource, matrix: &RoleMatrix) -> Result<ProfileBatch> {
    let skip = source.on_error == OnError::Skip;
    if source.rejects.is_some() && !skip {
        return Err(bad_input(
            "--rejects needs --on-error skip (with fail, the first bad row stops the run)",
        ));
    }
    let survey = survey(source.survey.as_deref())?;
    let input = open_input(source.input.as_deref(), "responses")?;
    let mut reader = ResponseReader::new(
        input.reader,
        &input.name,
        matrix,
        Some(&survey),
        &response_options(source),
    )?;
    let plan = reader.plan().clone();
    let mut rejects = match &source.rejects {
        Some(path) => {
            let mut file = Output::create(Some(path))?;
            crate::rejects::write_header(&mut file, &plan)?;
            Some(file)
        }
        None => None,
    };
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    let mut record = ByteRecord::new();
    let (mut read, mut rejected) = (0u64, 0u64);
    while let Some(position) = reader.next_record(&mut record)? {
        read += 1;
        if let Err(e) = plan.parse_record(&record, position.line, position.row, &mut batch) {
            if !skip {
                return Err(e.into());
            }
            rejected += 1;
            if let Some(file) = rejects.as_mut() {
                let mut row = Vec::new();
                crate::rejects::append(&mut row, position, &record, &e);
                file.write_all(&row)?;
            }
        }
    }
    if let Some(file) = rejects {
        file.finish()?;
    }
    if rejected > 0 {
        if rejected == read {
            return Err(bad_input(format!(
                "every one of the {read} rows of {} was rejected",
                input.name
            )));
        }
        eprintln!(
            "note: {}: {read} rows read, {} kept, {rejected} rejected",
            input.name,
            read - rejected
        );
    }
    Ok(batch)
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
