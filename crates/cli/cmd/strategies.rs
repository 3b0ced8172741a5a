//! `rolefit strategies`: the strategies and their formulas.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use rolefit_score::DEFAULT_STRATEGY;
use serde_json::json;

use crate::args::{Emit, ListFormat};
use crate::io::Output;
use crate::registry::{Finished, Strategies};
use crate::render::table;
use crate::settings::Settings;

/// `rolefit strategies`
#[derive(Debug, Args)]
pub struct StrategiesArgs {
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
}

/// Runs `rolefit strategies`: the built-ins, then strategy plugins found
/// on the search path (listed, not started).
pub fn run(args: &StrategiesArgs, settings: &Settings) -> Result<Finished> {
    let strategies = Strategies::open(std::time::Duration::from_secs(30))?;
    let registry = strategies.registry();
    let format = args.emit.chosen("strategies")?;
    let mut out = Output::create(args.emit.output())?;
    match format {
        ListFormat::Table => {
            // One line per strategy: name, then the formula, as promised.
            let width = registry.iter().map(|s| s.name().len()).max().unwrap_or(0);
            for s in registry.iter() {
                let mark = if s.name() == DEFAULT_STRATEGY {
                    " (default)"
                } else {
                    ""
                };
                writeln!(out, "{:<width$}  {}{mark}", s.name(), s.formula())?;
            }
            writeln!(out)?;
            let mut t = table(["Strategy", "What it measures"]);
            for s in registry.iter() {
                t.add_row(vec![s.name().to_string(), s.description().to_string()]);
            }
            writeln!(out, "{t}")?;
        }
        ListFormat::Json => {
            let list: Vec<_> = registry
                .iter()
                .map(|s| {
                    json!({
                        "name": s.name(),
                        "formula": s.formula(),
                        "description": s.description(),
                        "default": s.name() == DEFAULT_STRATEGY,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["name", "formula", "description", "default"])?;
            for s in registry.iter() {
                let default = if s.name() == DEFAULT_STRATEGY {
                    "true"
                } else {
                    "false"
                };
                // Plugins name and describe themselves.
                crate::render::write_safe(
                    &mut w,
                    [s.name(), s.formula(), s.description(), default],
                    settings.sanitize,
                )?;
            }
            w.flush()?;
        }
    }
    out.finish()?;
    // Listed, not started: nothing to end, but the session is closed the
    // one way there is.
    strategies.finish()
}
