//! Loading the role matrix and the survey a command works with.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::Result;
use rolefit_import::{
    builtin, find_scale, merge_matrices_within, read_choice_codes, read_labels_map, read_matrix_path,
    read_matrix_report, read_role_labels, read_survey, read_survey_with_scales, scale_names, ByteRecord,
    ChoiceCodes, ColumnPlan, ColumnRole, FlagOptions, Layout, MatrixOptions, NamedScale, ResponseOptions,
    ResponseReader, RoleLabels, Source,
};
use rolefit_model::{ProfileBatch, ResponseScale, RoleMatrix, Scale, Survey};

use crate::args::{Encoding, MatrixSource, ResponsesSource, ScaleArg, Scoring};
use crate::error::bad_input;
use crate::io::{open_file, open_responses};
use crate::render::counted;
use crate::row_policy::{RowCounts, RowPolicy};
use crate::settings::Settings;

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
    /// O*NET's credit line for the data read (naming its release, when
    /// known), for O*NET data.
    pub credit: Option<String>,
}

impl Loaded {
    /// Prints the notes and, for O*NET data, the credit on standard error.
    pub fn print_notes(&self, settings: &Settings) {
        if settings.quiet {
            return;
        }
        for note in &self.notes {
            eprintln!("note: {note}");
        }
        if let Some(credit) = &self.credit {
            eprintln!("note: {credit}");
        }
    }
}

/// The matrix named by `--matrix` (several are merged), or the built-in
/// roles guide matrix.
pub fn matrix(source: &MatrixSource, settings: &Settings) -> Result<Loaded> {
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
            credit: None,
        });
    }
    let options = MatrixOptions {
        scale: source.matrix_scale,
        max_cells: source.limits.max_cells(),
        max_unzipped_mib: source.limits.max_unzipped_mib,
        sheet: source.matrix_sheet.clone(),
        transpose: source.transpose,
        ..MatrixOptions::default()
    };
    let mut parts = Vec::with_capacity(source.matrix.len());
    let mut loaded = Loaded {
        matrix: builtin::matrix(),
        layouts: Vec::new(),
        notes: Vec::new(),
        onet: false,
        credit: None,
    };
    let mut releases: Vec<Option<String>> = Vec::new();
    for path in &source.matrix {
        // The same words as for any other unreadable input.
        let input = open_file(path, "role matrix", settings.encoding)?;
        let is_workbook = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
        let report = if settings.encoding == Encoding::Latin1 && !is_workbook {
            // Decoded text: read from the (decoding) stream.
            read_matrix_report(input.reader, &input.name, &options)?
        } else {
            drop(input);
            read_matrix_path(path, &options)?
        };
        loaded.onet |= matches!(report.layout, Layout::Onet { .. });
        if report.credit().is_some() && !releases.contains(&report.onet_release) {
            releases.push(report.onet_release.clone());
        }
        loaded.layouts.push(report.layout_description());
        loaded.notes.extend(report.warnings);
        parts.push(report.matrix);
    }
    // One release named when every O*NET file says the same one.
    loaded.credit = match releases.as_slice() {
        [] => None,
        [one] => Some(rolefit_import::onet_credit(one.as_deref())),
        _ => Some(rolefit_import::onet_credit(None)),
    };
    loaded.matrix = if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        let names: Vec<String> = source.matrix.iter().map(|p| p.display().to_string()).collect();
        merge_matrices_within(parts, &names.join(" + "), options.max_cells)?
    };
    Ok(loaded)
}

/// The role matrix of `score` and `explain`: [`matrix_for_model`] with
/// their `--model`, its notes said (unless `--quiet`).
///
/// # Errors
/// As [`matrix_for_model`].
pub fn scoring_matrix(source: &MatrixSource, scoring: &Scoring, settings: &Settings) -> Result<RoleMatrix> {
    let loaded = matrix_for_model(source, scoring.learned.model.as_deref(), settings)?;
    loaded.print_notes(settings);
    Ok(loaded.matrix)
}

/// The role matrix of a command that may use a learned model (`--model`):
/// without `--matrix`, the matrix the model file holds (files of version 1
/// hold none: then the built-in matrix, as before); with `--matrix`, that
/// matrix, which must fit the model: when it does not, the error names the
/// matrix the model was trained with.
pub fn matrix_for_model(source: &MatrixSource, model: Option<&Path>, settings: &Settings) -> Result<Loaded> {
    use rolefit_learn::learned::{LearnError, LearnedModel};
    let Some(path) = model else {
        return matrix(source, settings);
    };
    let text = model_text(path, settings.encoding)?;
    let in_file = |e: LearnError| bad_input(format!("{}: {e}", path.display()));
    let stored = LearnedModel::stored_matrix_of(&text).map_err(in_file)?;
    if let (true, Some(stored)) = (source.matrix.is_empty(), &stored) {
        if source.matrix_scale != Scale::default() {
            return Err(bad_input(format!(
                "--matrix-scale applies to a --matrix file; the matrix {} holds is on {}",
                path.display(),
                stored.matrix.scale()
            )));
        }
        return Ok(Loaded {
            matrix: stored.matrix.clone(),
            layouts: vec![format!("stored in {}", path.display())],
            notes: Vec::new(),
            onet: stored.credit.is_some(),
            credit: stored.credit.clone(),
        });
    }
    let loaded = matrix(source, settings)?;
    match LearnedModel::from_json(&text, &loaded.matrix) {
        Err(e @ LearnError::Mismatch(_)) => {
            let expected = match &stored {
                Some(stored) => format!(
                    "; it was trained with the matrix {} ({} roles, {} capabilities), which the model file \
                     holds: leave out --matrix to use it",
                    stored.matrix.source(),
                    stored.matrix.roles().len(),
                    stored.matrix.capabilities().len()
                ),
                None => {
                    "; the model file (version 1) does not hold the matrix it was trained with: give that \
                         matrix with --matrix"
                        .to_string()
                }
            };
            Err(bad_input(format!("{}: {e}{expected}", path.display())))
        }
        Err(e) => Err(in_file(e)),
        Ok(_) => Ok(loaded),
    }
}

/// The text of the model file `path`, decoded from `encoding`.
pub fn model_text(path: &Path, encoding: Encoding) -> Result<String> {
    let mut input = open_file(path, "model", encoding)?;
    let mut text = String::new();
    input
        .reader
        .read_to_string(&mut text)
        .map_err(|e| bad_input(format!("cannot read model {}: {e}", path.display())))?;
    Ok(text)
}

/// How to read responses, from the command line (reads `--labels-map`).
pub fn response_options(source: &ResponsesSource, settings: &Settings) -> Result<ResponseOptions> {
    let labels = match &source.answer_scale.labels_map {
        Some(path) => {
            let input = open_file(path, "labels map", settings.encoding)?;
            read_labels_map(input.reader, &input.name)?
        }
        None => Vec::new(),
    };
    let (scale, scale_name) = match &source.answer_scale.scale {
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
        missing_labels: source
            .missing_labels
            .iter()
            .flat_map(|labels| labels.split(';'))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        decimal_comma: source.decimal_comma,
        numbering: source.numbering.numbering(),
        choice_codes: match &source.choice_text {
            Some(text) => Some(choice_codes(source, text, settings)?),
            None => None,
        },
    })
}

/// What the numbers of the numeric export INPUT stand for, from the text
/// export `text` (`--choice-text`): INPUT is read a first time for it.
fn choice_codes(source: &ResponsesSource, text: &Path, settings: &Settings) -> Result<ChoiceCodes> {
    let Some(path) = source.input.as_deref().filter(|p| *p != Path::new("-")) else {
        return Err(bad_input(
            "--choice-text needs INPUT as a file (it is read twice: once to pair its numbers with the labels)",
        ));
    };
    let sheet = source.sheet.as_deref();
    let numeric = open_responses(Some(path), settings, sheet)?;
    let labels = open_responses(Some(text), settings, None)?;
    let options = ResponseOptions {
        id_column: source.id_column.clone(),
        source: source.source.source(),
        ..ResponseOptions::default()
    };
    Ok(read_choice_codes(
        numeric.reader,
        &numeric.name,
        labels.reader,
        &labels.name,
        &options,
    )?)
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
    notes.extend(numbering_notes(name, plan));
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

/// Notes on which way the numbers of a plan's columns were read: through
/// a text export's labels (`--choice-text`), or mirrored (`--numbering
/// mirror`).
fn numbering_notes(name: &str, plan: &ColumnPlan) -> Vec<String> {
    let mut notes = Vec::new();
    let coded = plan.coded_columns();
    if !coded.is_empty() {
        let reversed: Vec<&str> = plan
            .reversed_numbering()
            .iter()
            .map(|&i| plan.header()[i].as_str())
            .collect();
        let mut note = format!(
            "{name}: {} read through the labels of {}",
            counted(coded.len(), "answer column"),
            plan.choice_text().unwrap_or("the text export")
        );
        if !reversed.is_empty() {
            note.push_str(&format!(
                "; in {} ({}) the numbers run opposite to the labels (1 = the top answer), and the labels were \
                 followed",
                counted(reversed.len(), "column"),
                some_names(&reversed)
            ));
        }
        notes.push(note);
    }
    let mirrored: Vec<&str> = plan
        .mirrored_numbering()
        .iter()
        .map(|&i| plan.header()[i].as_str())
        .collect();
    if !mirrored.is_empty() {
        notes.push(format!(
            "{name}: {} read mirrored (--numbering mirror), as {} question text says the numbers run from the top \
             answer down: {}",
            counted(mirrored.len(), "column"),
            if mirrored.len() == 1 { "its" } else { "their" },
            some_names(&mirrored)
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
pub fn responses(source: &ResponsesSource, matrix: &RoleMatrix, settings: &Settings) -> Result<ProfileBatch> {
    read_responses(source, matrix, false, settings).map(|(batch, _)| batch)
}

/// [`responses`], and the scale the answers were read on (the survey's,
/// `--scale`), to show them to people on it.
pub fn responses_and_scale(
    source: &ResponsesSource,
    matrix: &RoleMatrix,
    settings: &Settings,
) -> Result<(ProfileBatch, Scale)> {
    read_responses(source, matrix, false, settings)
}

/// [`responses`] for the commands that join rows with a labels file by
/// respondent id (`evaluate`, `train`): two rows with the same id are
/// refused (exit 2), naming the file, both lines and the id.
pub fn responses_unique(
    source: &ResponsesSource,
    matrix: &RoleMatrix,
    settings: &Settings,
) -> Result<ProfileBatch> {
    read_responses(source, matrix, true, settings).map(|(batch, _)| batch)
}

fn read_responses(
    source: &ResponsesSource,
    matrix: &RoleMatrix,
    unique: bool,
    settings: &Settings,
) -> Result<(ProfileBatch, Scale)> {
    let policy = RowPolicy::new(source, settings)?;
    let options = response_options(source, settings)?;
    let survey = survey_for(source.survey.path(), &options, settings)?;
    let input = open_responses(source.input.as_deref(), settings, source.sheet.as_deref())?;
    let mut reader = ResponseReader::new(input.reader, &input.name, matrix, Some(&survey), &options)?;
    let plan = reader.plan().clone();
    for note in plan_notes(&input.name, &plan) {
        if !settings.quiet {
            eprintln!("note: {note}");
        }
    }
    let mut rejects = policy.rejects_file(source, &plan)?;
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
    if rows.no_answer > 0 && !settings.quiet {
        eprintln!("note: {}: {}", input.name, rows.no_answer_summary());
    }
    if rows.rejected > 0 {
        eprintln!(
            "note: {}: {} read, {} kept, {} rejected",
            input.name,
            counted(rows.read, "row"),
            rows.read - rows.rejected,
            rows.rejected
        );
    }
    Ok((batch, plan.response_scale().scale()))
}

/// How many of `capabilities` a respondent must answer to be ranked under
/// `--min-answered fraction`: the rule of [`rolefit_score::Scorer::needed`],
/// for the commands that keep respondents without scoring them (`train`).
pub fn answers_needed(capabilities: usize, fraction: f64) -> usize {
    let exact = fraction * capabilities as f64;
    (exact - 1e-9).ceil().max(0.0) as usize
}

/// Keeps the respondents of `batch` who answered at least `needed`
/// capabilities (`--min-answered`), and says on standard error how many
/// were left out (unless `--quiet`). Returns the batch kept and, for each
/// of its rows, the row of `batch` it was.
///
/// # Errors
/// Exit 2 when no respondent is left.
pub fn keep_answered(
    batch: ProfileBatch,
    needed: usize,
    settings: &Settings,
) -> Result<(ProfileBatch, Vec<usize>)> {
    let kept: Vec<usize> = (0..batch.len())
        .filter(|&i| batch.answered_count(i) >= needed)
        .collect();
    if kept.len() == batch.len() {
        return Ok((batch, kept));
    }
    if kept.is_empty() {
        return Err(bad_input(format!(
            "no respondent answered the {needed} of the {} capabilities needed (see --min-answered)",
            batch.capabilities()
        )));
    }
    let left_out = batch.len() - kept.len();
    if !settings.quiet {
        eprintln!(
            "note: {} answered fewer than {needed} of the {} capabilities and {} left out; see --min-answered",
            counted(left_out, "respondent"),
            batch.capabilities(),
            if left_out == 1 { "was" } else { "were" }
        );
    }
    let mut subset = ProfileBatch::with_capacity(batch.capabilities(), kept.len());
    for &i in &kept {
        subset.push_profile(&batch.profile(i));
    }
    Ok((subset, kept))
}

/// The name errors call the responses input by.
pub fn input_name(path: Option<&Path>) -> String {
    match path {
        Some(p) if p != Path::new("-") => p.display().to_string(),
        _ => "<stdin>".to_string(),
    }
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
pub fn role_labels(path: &Path, matrix: &RoleMatrix, encoding: Encoding) -> Result<RoleLabels> {
    let input = open_file(path, "labels", encoding)?;
    Ok(read_role_labels(input.reader, &input.name, matrix)?)
}

/// The survey named by `--survey`, or the built-in survey.
pub fn survey(path: Option<&Path>, settings: &Settings) -> Result<Survey> {
    survey_file(path, None, settings)
}

/// [`survey`] for reading responses with `options`: a `scale` cell that
/// names no label scale (built-in or of `--labels-map`) is refused at its
/// line and column of the survey file.
pub fn survey_for(path: Option<&Path>, options: &ResponseOptions, settings: &Settings) -> Result<Survey> {
    survey_file(path, Some(&options.labels), settings)
}

/// The survey of `path` (or the built-in one), its `scale` names checked
/// against `labels` and the built-in scales when `labels` is given.
fn survey_file(path: Option<&Path>, labels: Option<&[NamedScale]>, settings: &Settings) -> Result<Survey> {
    let Some(path) = path else {
        return Ok(builtin::survey());
    };
    let input = open_file(path, "survey", settings.encoding)?;
    let scale = ResponseScale::agreement5();
    Ok(match labels {
        None => read_survey(input.reader, &input.name, scale)?,
        Some(labels) => read_survey_with_scales(input.reader, &input.name, scale, labels)?,
    })
}
