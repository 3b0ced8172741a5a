//! `rolefit survey`: the statements of a survey, as a listing or as the
//! self-assessment page (`--format html`): one self-contained HTML file a
//! person opens in a browser, answers step by step, and downloads the
//! answers from as a responses CSV that `rolefit score` and `explain` read.
//! The page is laid out by the templates of [`crate::html::survey`]; it
//! collects answers and scores nothing.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};
use rolefit_model::{ResponseScale, RoleMatrix, Scale, Survey, SurveyItem};
use serde_json::json;

use crate::args::{Emit, InputEncoding, MatrixSource, SurveyFile};
use crate::error::bad_input;
use crate::html::survey as page;
use crate::html::{Fragment, Section};
use crate::io::Output;
use crate::load;
use crate::render::bytes::csv_field;
use crate::render::{choices, number, safe, table};
use crate::settings::Settings;

/// `rolefit survey`
#[derive(Debug, Args)]
pub struct SurveyArgs {
    #[command(flatten)]
    pub survey: SurveyFile,
    #[command(flatten)]
    pub matrix: MatrixSource,
    #[command(flatten)]
    pub encoding: InputEncoding,
    #[command(flatten)]
    pub emit: Emit<SurveyFormat>,
}

/// What `rolefit survey` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SurveyFormat {
    /// An aligned table for people.
    Table,
    /// JSON.
    Json,
    /// CSV with a header row.
    Csv,
    /// The self-assessment page: one self-contained HTML file to answer
    /// the statements in a browser and download the answers.
    Html,
}

/// How many statements one step of the page shows at most.
pub const STEP_SIZE: usize = 5;

/// Runs `rolefit survey`.
pub fn run(args: &SurveyArgs, settings: &Settings) -> Result<()> {
    let survey = load::survey(args.survey.path(), settings)?;
    let format = args.emit.chosen("survey")?;
    let loaded = load::matrix(&args.matrix, settings)?;
    let matrix = loaded.matrix;
    let html = match format {
        SurveyFormat::Html => {
            // The page's answers must score: every statement has to
            // measure a capability of the matrix, as `score` will require.
            // (A listing shows a survey whatever matrix it is for.)
            survey
                .capability_indices(&matrix)
                .map_err(|e| bad_input(format!("the survey does not fit the role matrix: {e}")))?;
            Some(self_assessment(&survey, args.survey.path(), settings.sanitize)?)
        }
        _ => None,
    };
    let mut out = Output::create(args.emit.output())?;
    match format {
        SurveyFormat::Html => out.write_all(html.unwrap_or_default().as_bytes())?,
        SurveyFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &survey_json(&survey))?;
            writeln!(out)?;
        }
        SurveyFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["id", "text", "capability", "reverse"])?;
            for item in survey.items() {
                let reverse = if item.reverse { "true" } else { "false" };
                w.write_record([
                    &*safe(&item.id, settings.sanitize),
                    &*safe(&item.text, settings.sanitize),
                    &*safe(&item.capability, settings.sanitize),
                    reverse,
                ])?;
            }
            w.flush()?;
        }
        SurveyFormat::Table => {
            out.write_all(crate::render::terminal(&survey_table(&survey, &matrix)).as_bytes())?;
        }
    }
    out.finish()
}

fn survey_json(survey: &Survey) -> serde_json::Value {
    json!({
        "name": survey.name(),
        "scale": { "min": survey.scale().scale().min(), "max": survey.scale().scale().max() },
        "labels": survey.scale().labels(),
        "items": survey.items(),
    })
}

fn survey_table(survey: &Survey, matrix: &RoleMatrix) -> String {
    // Name capabilities the way the matrix does.
    let scale = survey.scale();
    let labels: Vec<String> = scale
        .labels()
        .iter()
        .map(|l| format!("{} = {}", number(l.value, 2), l.label))
        .collect();
    let mut s = format!(
        "{}: {} statements, answered on {}{}\n",
        survey.name(),
        survey.items().len(),
        scale.scale(),
        if labels.is_empty() {
            String::new()
        } else {
            format!(" ({})", labels.join(", "))
        }
    );
    let mut t = table(["ID", "Statement", "Capability", "Reverse-keyed"]);
    for item in survey.items() {
        let capability = matrix
            .capability_index(&item.capability)
            .map_or(item.capability.clone(), |c| matrix.capabilities()[c].name.clone());
        let reverse = if item.reverse { "yes" } else { "" };
        t.add_row(vec![
            item.id.clone(),
            item.text.clone(),
            capability,
            reverse.to_string(),
        ]);
    }
    s.push_str(&t.to_string());
    s.push('\n');
    s
}

/// The self-assessment page of `survey`: its statements in steps of
/// [`STEP_SIZE`], each with its scale's choices and Skip. `path` is
/// `--survey` (the page tells the coach to pass it back to rolefit).
///
/// # Errors
/// A statement whose scale cannot be offered as choices (a numeric range
/// with fractional ends or more than 20 points wide, or an unknown label
/// scale's name).
pub fn self_assessment(survey: &Survey, path: Option<&std::path::Path>, sanitize: bool) -> Result<String> {
    let mut statements = Vec::with_capacity(survey.items().len());
    let mut columns = b"respondent".to_vec();
    let mut digest = Digest::new();
    digest.add(survey.name());
    for (i, item) in survey.items().iter().enumerate() {
        columns.push(b',');
        csv_field(&mut columns, &safe(&item.id, sanitize));
        let name = format!("s{}", i + 1);
        let mut offered: Vec<page::Choice> = choices(&item_scale(survey, item)?)
            .into_iter()
            .enumerate()
            .map(|(k, (label, value))| page::Choice {
                id: format!("{name}-{}", k + 1),
                label,
                value: number(value, 6),
            })
            .collect();
        offered.push(page::Choice {
            id: format!("{name}-skip"),
            label: "Skip".to_string(),
            value: String::new(),
        });
        digest.add(&item.id);
        digest.add(&item.text);
        for c in &offered {
            digest.add(&c.value);
        }
        statements.push(page::Statement {
            name,
            number: i + 1,
            item: item.id.clone(),
            text: item.text.clone(),
            choices: offered,
        });
    }
    let columns = String::from_utf8(columns).expect("CSV of UTF-8 text is UTF-8");
    let steps: Vec<&[page::Statement]> = statements.chunks(STEP_SIZE).collect();
    let mut sections = Vec::with_capacity(steps.len() + 1);
    for (i, step) in steps.iter().enumerate() {
        sections.push(Section {
            id: format!("step-{}", i + 1).into(),
            title: format!("Step {} of {}", i + 1, steps.len()).into(),
            content: Fragment::of(&page::Step {
                statements: step,
                number: i + 1,
                steps: steps.len(),
            })?,
        });
    }
    let flags = path.map_or(String::new(), |p| format!("--survey {}", p.display()));
    sections.push(Section {
        id: "save".into(),
        title: "Save your answers".into(),
        content: Fragment::of(&page::Save { flags: &flags })?,
    });
    let scale = scale_words(survey.scale());
    let key = digest.hex();
    let header = page::Header {
        name: survey.name(),
        statements: statements.len(),
        steps: steps.len(),
        scale: &scale,
        key: &key,
        columns: &columns,
    };
    crate::html::render(&crate::html::Page {
        title: survey.name(),
        header: Fragment::of(&header)?,
        sections: &sections,
        footer: Fragment::of(&page::Footer {
            version: env!("CARGO_PKG_VERSION"),
        })?,
        style: Fragment::of(&page::Style)?,
        script: Fragment::of(&page::Script)?,
    })
}

/// The scale a statement is answered on: its own (the survey's `scale`
/// column) or the survey's.
fn item_scale(survey: &Survey, item: &SurveyItem) -> Result<ResponseScale> {
    let scale = match &item.scale {
        None => survey.scale().clone(),
        Some(spec) => match spec.parse::<Scale>() {
            Ok(range) => ResponseScale::numeric(range),
            Err(_) => rolefit_import::find_scale(spec, &[])
                .map(|named| named.scale)
                .ok_or_else(|| {
                    bad_input(format!(
                        "survey item {:?} has the scale {spec:?}, which is no range and no label scale; expected \
                         MIN..MAX or one of: {}",
                        item.id,
                        rolefit_model::first_few(rolefit_import::scale_names(&[]), ", ")
                    ))
                })?,
        },
    };
    let range = scale.scale();
    if scale.labels().is_empty()
        && (range.max() - range.min() > 20.0 || range.min().fract() != 0.0 || range.max().fract() != 0.0)
    {
        return Err(bad_input(format!(
            "survey item {:?}: the page offers every whole number of its scale {range}, so it needs whole \
             numbers 20 or fewer apart (or a label scale)",
            item.id
        )));
    }
    Ok(scale)
}

/// The scale in words, for the page's introduction.
fn scale_words(scale: &ResponseScale) -> String {
    match (scale.labels().first(), scale.labels().last()) {
        (Some(first), Some(last)) => format!(
            "a scale from \u{201c}{}\u{201d} to \u{201c}{}\u{201d}",
            first.label, last.label
        ),
        _ => format!(
            "a scale from {} to {}",
            number(scale.scale().min(), 2),
            number(scale.scale().max(), 2)
        ),
    }
}

/// A 64-bit FNV-1a digest of the page's statements and choices: the key
/// under which the browser keeps the answers, so that a page of another
/// survey (or another version of this one) does not restore them.
struct Digest(u64);

impl Digest {
    fn new() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, text: &str) {
        for b in text.bytes().chain([0x1f]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_key_changes_with_any_statement_or_choice() {
        let key = |parts: &[&str]| {
            let mut d = Digest::new();
            for p in parts {
                d.add(p);
            }
            d.hex()
        };
        assert_eq!(key(&["s", "Q1", "x"]), key(&["s", "Q1", "x"]));
        assert_ne!(key(&["s", "Q1", "x"]), key(&["s", "Q1", "y"]));
        // Parts are separated: moving a character from one to the next
        // changes the key.
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_eq!(key(&[]).len(), 16);
    }

    #[test]
    fn the_scale_in_words() {
        assert_eq!(
            scale_words(&ResponseScale::agreement5()),
            "a scale from \u{201c}Strongly disagree\u{201d} to \u{201c}Strongly agree\u{201d}"
        );
        let numeric = ResponseScale::numeric("0..10".parse().unwrap());
        assert_eq!(scale_words(&numeric), "a scale from 0 to 10");
    }
}
