//! `rolefit survey`: the statements of a survey.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use rolefit_import::builtin;
use rolefit_model::Survey;
use serde_json::json;

use crate::args::{Emit, InputEncoding, ListFormat, SurveyFile};
use crate::io::Output;
use crate::load;
use crate::render::{number, safe, table};
use crate::settings::Settings;

/// `rolefit survey`
#[derive(Debug, Args)]
pub struct SurveyArgs {
    #[command(flatten)]
    pub survey: SurveyFile,
    #[command(flatten)]
    pub encoding: InputEncoding,
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
}

/// Runs `rolefit survey`.
pub fn run(args: &SurveyArgs, settings: &Settings) -> Result<()> {
    let survey = load::survey(args.survey.path(), settings)?;
    let format = args.emit.chosen("survey")?;
    let mut out = Output::create(args.emit.output())?;
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &survey_json(&survey))?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
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
        ListFormat::Table => out.write_all(crate::render::terminal(&survey_table(&survey)).as_bytes())?,
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

fn survey_table(survey: &Survey) -> String {
    // Name capabilities the way the built-in matrix does when it knows them.
    let matrix = builtin::matrix();
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
