//! Loading the role matrix and the survey a command works with.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use rolefit_import::{
    builtin, find_scale, merge_matrices_within, read_labels_map, read_matrix_path, read_matrix_report,
    read_role_labels, read_survey, scale_names, ByteRecord, ColumnPlan, ColumnRole, FlagOptions, Layout,
    MatrixOptions, ResponseOptions, ResponseReader, RoleLabels, Source,
};
use rolefit_model::{ProfileBatch, ResponseScale, RoleMatrix, Scale, Survey};

use crate::args::{MatrixSource, ResponsesSource, ScaleArg};
use crate::error::bad_input;
use crate::io::{open_file, open_input};
use crate::row_policy::{RowCounts, RowPolicy};

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
        max_cells: source.limits.max_cells(),
        max_unzipped_mib: source.limits.max_unzipped_mib,
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
        merge_matrices_within(parts, &names.join(" + "), options.max_cells)?
    };
    Ok(loaded)
}

/// How to read responses, from the command line (reads `--labels-map`).
pub fn response_options(source: &ResponsesSource) -> Result<ResponseOptions> {
    let labels = match &source.labels_map {
        Some(path) => {
            let input = open_file(path, "labels map")?;
            read_labels_map(input.reader, &input.name)?
        }
        None => Vec::new(),
    };
    let (scale, scale_name) = match &source.scale {
        None => (None, None),
        Some(ScaleArg::Range(scale)) => (Some(*scale), None),
        Some(ScaleArg::Named(name)) => {
            if find_scale(name, &labels).is_none() {
                return Err(bad_input(format!(
                    "--scale {name}: there is no label scale of that name; expected MIN..MAX or one of: {}",
                    rolefit_model::first_few(scale_names(&labels), ", ")
                )));
            }
            (None, Some(name.clone()))
        }
    };
    let flags = source.flags_on().then(|| FlagOptions {
        max_missing: source.max_missing.unwrap_or(FlagOptions::default().max_missing),
        min_seconds: source.min_seconds,
    });
    Ok(ResponseOptions {
        id_column: source.id_column.clone(),
        scale,
        scale_name,
        labels,
        ignore_unknown_columns: source.ignore_unknown_columns,
        source: source.source.source(),
        flags,
    })
}

/// Notes on how a survey-tool export was read (nothing for a plain file):
/// the tool, and the columns read on a label scale other than the
/// response scale.
pub fn plan_notes(name: &str, plan: &ColumnPlan) -> Vec<String> {
    let mut notes = Vec::new();
    let answers = plan
        .columns()
        .iter()
        .filter(|c| matches!(c, ColumnRole::Capability(_) | ColumnRole::Item { .. }))
        .count();
    if plan.layout() != Source::Plain {
        let meta = plan
            .columns()
            .iter()
            .filter(|c| **c == ColumnRole::Metadata)
            .count();
        let id = plan
            .id_column()
            .map_or("respondents numbered by row".to_string(), |(_, n)| {
                format!("ids from {n:?}")
            });
        let rows = plan.layout().header_rows();
        notes.push(format!(
            "{name}: a {} export ({}): {}, {}, {id}",
            plan.layout().title(),
            counted(rows, "header row"),
            counted(answers, "answer column"),
            counted(meta, "metadata column"),
        ));
    }
    let mut by_scale: Vec<(&str, Vec<&str>)> = Vec::new();
    for (i, name) in plan.header().iter().enumerate() {
        if let Some(scale) = plan.column_scale(i) {
            match by_scale.iter_mut().find(|(s, _)| *s == scale) {
                Some((_, columns)) => columns.push(name),
                None => by_scale.push((scale, vec![name])),
            }
        }
    }
    for (scale, columns) in by_scale {
        notes.push(format!(
            "{name}: {} read on the {scale} label scale ({}), from the labels in their first rows",
            counted(columns.len(), "column"),
            some_names(&columns)
        ));
    }
    let ignored = plan.ignored();
    if !ignored.is_empty() {
        let mut note = format!(
            "{name}: {} ignored (--ignore-unknown-columns): {}",
            counted(ignored.len(), "column"),
            some_names(&ignored)
        );
        if plan.id_column().is_none() {
            if let Some(id) = plan.id_like_ignored().first() {
                note.push_str(&format!(
                    "; respondents are numbered by row, and {id:?} looks like their ids: if it holds them, \
                     pass --id-column {id:?}"
                ));
            }
        }
        notes.push(note);
    }
    // Columns whose labels fit scales that read them differently.
    let mut guesses: Vec<(&str, &[String], Vec<&str>)> = Vec::new();
    for a in plan.ambiguous_scales() {
        let column = plan.header()[a.column].as_str();
        match guesses
            .iter_mut()
            .find(|(chosen, others, _)| *chosen == a.chosen && *others == a.alternatives.as_slice())
        {
            Some((_, _, columns)) => columns.push(column),
            None => guesses.push((&a.chosen, &a.alternatives, vec![column])),
        }
    }
    for (chosen, others, columns) in guesses {
        let one = columns.len() == 1;
        notes.push(format!(
            "{name}: {} ({}) {} only labels that {chosen} shares with {}, and {} read on {chosen}; if the \
             survey used {}, say so with --scale {}",
            counted(columns.len(), "column"),
            some_names(&columns),
            if one { "holds" } else { "hold" },
            others.join(" and "),
            if one { "it was" } else { "they were" },
            others.join(" or "),
            others[0],
        ));
    }
    notes
}

/// Up to four column names, quoted, and how many more.
fn some_names(columns: &[&str]) -> String {
    let shown: Vec<String> = columns.iter().take(4).map(|c| format!("{c:?}")).collect();
    if columns.len() > 4 {
        format!("{} and {} more", shown.join(", "), columns.len() - 4)
    } else {
        shown.join(", ")
    }
}

#[allow(dead_code)] // Used by evaluate, train, explain, cluster and report, being built.
/// Every response of `source`, read whole (for commands that need all the
/// respondents at once: evaluation, clustering, reports), mapped onto
/// `matrix` with the `--survey` (or built-in) survey.
pub fn responses(source: &ResponsesSource, matrix: &RoleMatrix) -> Result<ProfileBatch> {
    read_responses(source, matrix, false)
}

/// [`responses`] for the commands that join rows with a labels file by
/// respondent id (`evaluate`, `train`): two rows with the same id are
/// refused (exit 2), naming the file, both lines and the id.
pub fn responses_unique(source: &ResponsesSource, matrix: &RoleMatrix) -> Result<ProfileBatch> {
    read_responses(source, matrix, true)
}

fn read_responses(source: &ResponsesSource, matrix: &RoleMatrix, unique: bool) -> Result<ProfileBatch> {
    let policy = RowPolicy::new(source)?;
    let survey = survey(source.survey.as_deref())?;
    let input = open_input(source.input.as_deref(), "responses")?;
    let mut reader = ResponseReader::new(
        input.reader,
        &input.name,
        matrix,
        Some(&survey),
        &response_options(source)?,
    )?;
    let plan = reader.plan().clone();
    for note in plan_notes(&input.name, &plan) {
        eprintln!("note: {note}");
    }
    let mut rejects = RowPolicy::rejects_file(source, &plan)?;
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    let mut record = ByteRecord::new();
    let mut rows = RowCounts::default();
    let mut rejected_row = Vec::new();
    // With `unique`: each id's line, to name both lines of a duplicate.
    let mut lines: HashMap<String, u64> = HashMap::new();
    while let Some(position) = reader.next_record(&mut record)? {
        rows.read += 1;
        let before = batch.len();
        match plan.parse_record(&record, position.line, position.row, &mut batch) {
            Ok(()) if unique && batch.len() > before => {
                let id = batch.respondent(batch.len() - 1);
                if let Some(first) = lines.insert(id.to_string(), position.line) {
                    return Err(bad_input(format!(
                        "{}: respondent {id:?} appears twice, on lines {first} and {}; rows are joined with the labels by id, so each id must be unique",
                        input.name, position.line
                    )));
                }
            }
            Ok(()) => {}
            Err(e) => {
                policy.reject(&mut rows, &mut rejected_row, position, &record, e)?;
                if let Some(file) = rejects.as_mut() {
                    file.write_all(&rejected_row)?;
                }
                rejected_row.clear();
            }
        }
    }
    if rows.read == 0 {
        return Err(no_respondents(&input.name));
    }
    policy.sort_flagged(&mut rows, &mut batch);
    rows.check_some_kept(&input.name)?;
    if let Some(file) = rejects {
        file.finish()?;
    }
    if rows.flagged > 0 {
        let left_out = if source.exclude_flagged {
            " and left out (--exclude-flagged)"
        } else {
            ""
        };
        eprintln!("note: {}: {}{left_out}", input.name, rows.flag_summary());
    }
    if rows.rejected > 0 {
        eprintln!(
            "note: {}: {} rows read, {} kept, {} rejected",
            input.name,
            rows.read,
            rows.read - rows.rejected,
            rows.rejected
        );
    }
    Ok(batch)
}

/// The error for a responses file with a header and no data rows: an empty
/// result would look like a run over nobody.
pub fn no_respondents(name: &str) -> anyhow::Error {
    bad_input(format!(
        "{name}: no respondents: the file has a header but no data rows; expected one row per respondent \
         below the header"
    ))
}

/// The labels file of `evaluate` and `train` (`--labels`): which role each
/// respondent holds.
pub fn role_labels(path: &Path, matrix: &RoleMatrix) -> Result<RoleLabels> {
    let input = open_file(path, "labels")?;
    Ok(read_role_labels(input.reader, &input.name, matrix)?)
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

/// `n` and `noun`, plural unless `n` is 1: `1 answer column`, `3 answer
/// columns`.
fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
