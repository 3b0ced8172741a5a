//! `rolefit score`: rank every role for every respondent.
//!
//! Responses stream through in batches: read a batch, score it with one
//! call of the strategy, write its rows, repeat. Only the table format, which
//! is for people and needs the whole result to lay it out, holds rows.

use std::io::Write;

use anyhow::Result;
use rolefit_import::{ResponseOptions, ResponseReader};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{explain, CompiledMatrix, Explanation, Outcome, RankedRole, Registry, Scorer, Strategy};
use serde_json::{json, Value};

use crate::args::{ScoreArgs, ScoreFormat};
use crate::error::bad_input;
use crate::io::{open_input, Output};
use crate::load;
use crate::render::{bar, closest, number, table};

/// Rows read and scored per batch.
const BATCH_ROWS: usize = 4096;
/// Strengths and gaps listed per role in table and CSV output.
const LISTED: usize = 3;

/// Runs `rolefit score`.
pub fn run(args: &ScoreArgs) -> Result<()> {
    let matrix = load::matrix(&args.matrix)?;
    let survey = load::survey(args.survey.as_deref())?;
    let registry = Registry::builtin();
    let strategy = find_strategy(&registry, &args.strategy)?;
    let compiled = CompiledMatrix::new(&matrix);
    let top = args.top.map_or(5, |k| k as usize).min(matrix.roles().len());
    let scorer = Scorer::new(&compiled, strategy)
        .top(Some(top))
        .min_answered(args.min_answered);

    let input = open_input(args.input.as_deref(), "responses")?;
    let options = ResponseOptions {
        id_column: args.id_column.clone(),
        scale: args.scale,
        ignore_unknown_columns: args.ignore_unknown_columns,
    };
    let mut reader = ResponseReader::new(input.reader, &input.name, &matrix, Some(&survey), &options)?;

    let out = Output::create(args.output.as_deref())?;
    let mut sink = Sink::new(args.format, out, &matrix, strategy, args.explain)?;
    let mut unranked: Vec<String> = Vec::new();
    let mut rows = 0usize;
    while let Some(batch) = reader.read_batch(BATCH_ROWS)? {
        let outcomes = scorer.score_batch(&batch)?;
        for (i, outcome) in outcomes.iter().enumerate() {
            if matches!(outcome, Outcome::Insufficient { .. }) {
                unranked.push(batch.respondents()[i].clone());
            }
            let explanations = match outcome {
                Outcome::Ranked(ranked) if args.explain => {
                    let (values, answered) = batch.row(i);
                    ranked
                        .iter()
                        .map(|r| explain(&compiled, strategy, values, answered, *r))
                        .collect()
                }
                _ => Vec::new(),
            };
            sink.respondent(&batch, i, outcome, &explanations)?;
        }
        rows += batch.len();
    }
    sink.finish()?;
    if rows == 0 {
        eprintln!("note: {} has a header but no responses", input.name);
    }
    if !unranked.is_empty() {
        let needed = scorer.needed();
        let shown: Vec<&str> = unranked.iter().take(5).map(String::as_str).collect();
        eprintln!(
            "note: {} of {rows} respondents answered fewer than {needed} of the {} capabilities and were not ranked ({}{}); see --min-answered",
            unranked.len(),
            matrix.capabilities().len(),
            shown.join(", "),
            if unranked.len() > shown.len() { ", ..." } else { "" },
        );
    }
    Ok(())
}

/// Looks a strategy up by name, suggesting the closest on a miss.
pub fn find_strategy<'r>(registry: &'r Registry, name: &str) -> Result<&'r dyn Strategy> {
    registry.get(name).ok_or_else(|| {
        let names = registry.names();
        let hint = closest(name, names.iter().copied())
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        bad_input(format!(
            "unknown strategy {name:?}{hint}; the strategies are: {}",
            names.join(", ")
        ))
    })
}

/// Where scored respondents go: the output and its format's state.
struct Sink<'m> {
    ctx: Ctx<'m>,
    kind: Kind,
}

/// Per-format writer state; each owns the output until [`Sink::finish`].
enum Kind {
    Csv(Box<csv::Writer<Output>>),
    Json {
        out: Output,
        first: bool,
    },
    Ndjson(Output),
    Table {
        out: Output,
        blocks: Vec<String>,
        compact: Vec<(String, usize, Outcome)>,
    },
}

/// What every renderer needs to name things.
struct Ctx<'m> {
    matrix: &'m RoleMatrix,
    strategy: &'m dyn Strategy,
    explain: bool,
}

impl<'m> Sink<'m> {
    fn new(
        format: ScoreFormat,
        out: Output,
        matrix: &'m RoleMatrix,
        strategy: &'m dyn Strategy,
        explain: bool,
    ) -> Result<Self> {
        let ctx = Ctx {
            matrix,
            strategy,
            explain,
        };
        let kind = match format {
            ScoreFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                let mut header = vec!["respondent", "rank", "role", "score", "answered", "status"];
                if explain {
                    header.extend(["strengths", "gaps"]);
                }
                w.write_record(&header)?;
                Kind::Csv(Box::new(w))
            }
            ScoreFormat::Json => Kind::Json { out, first: true },
            ScoreFormat::Ndjson => Kind::Ndjson(out),
            ScoreFormat::Table => Kind::Table {
                out,
                blocks: Vec::new(),
                compact: Vec::new(),
            },
        };
        Ok(Sink { ctx, kind })
    }

    fn respondent(
        &mut self,
        batch: &ProfileBatch,
        i: usize,
        outcome: &Outcome,
        explanations: &[Explanation],
    ) -> Result<()> {
        let respondent = &batch.respondents()[i];
        let answered = batch.answered_count(i);
        let ctx = &self.ctx;
        match &mut self.kind {
            Kind::Csv(w) => ctx.csv_rows(w, respondent, answered, outcome, explanations)?,
            Kind::Json { out, first } => {
                let value = ctx.json(respondent, answered, outcome, explanations);
                out.write_all(if *first { b"[\n" } else { b",\n" })?;
                *first = false;
                serde_json::to_writer_pretty(&mut *out, &value)?;
            }
            Kind::Ndjson(out) => {
                serde_json::to_writer(&mut *out, &ctx.json(respondent, answered, outcome, explanations))?;
                out.write_all(b"\n")?;
            }
            Kind::Table { blocks, compact, .. } => {
                if ctx.explain {
                    blocks.push(ctx.block(respondent, answered, outcome, explanations));
                } else {
                    compact.push((respondent.clone(), answered, outcome.clone()));
                }
            }
        }
        Ok(())
    }

    /// Writes what remains and moves a file output into place.
    fn finish(self) -> Result<()> {
        let out = match self.kind {
            Kind::Csv(w) => w.into_inner().map_err(|e| e.into_error())?,
            Kind::Json { mut out, first } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
                out
            }
            Kind::Ndjson(out) => out,
            Kind::Table {
                mut out,
                blocks,
                compact,
            } => {
                if self.ctx.explain {
                    out.write_all(blocks.join("\n").as_bytes())?;
                } else {
                    writeln!(out, "{}", self.ctx.compact_table(&compact))?;
                }
                out
            }
        };
        out.finish()
    }
}

impl Ctx<'_> {
    fn n_caps(&self) -> usize {
        self.matrix.capabilities().len()
    }

    fn role_name(&self, r: &RankedRole) -> &str {
        &self.matrix.roles()[r.role].name
    }

    fn cap_name(&self, c: usize) -> &str {
        &self.matrix.capabilities()[c].name
    }

    fn strengths_text(&self, e: &Explanation, sep: &str) -> String {
        e.strengths
            .iter()
            .take(LISTED)
            .map(|s| {
                format!(
                    "{} ({} vs {})",
                    self.cap_name(s.capability),
                    number(s.value, 2),
                    number(s.level, 2)
                )
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn gaps_text(&self, e: &Explanation, sep: &str) -> String {
        e.gaps
            .iter()
            .take(LISTED)
            .map(|g| {
                format!(
                    "{} ({} vs {})",
                    self.cap_name(g.capability),
                    number(g.value, 2),
                    number(g.level, 2)
                )
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn csv_rows(
        &self,
        w: &mut csv::Writer<Output>,
        respondent: &str,
        answered: usize,
        outcome: &Outcome,
        explanations: &[Explanation],
    ) -> Result<()> {
        let answered = answered.to_string();
        match outcome {
            Outcome::Ranked(ranked) => {
                for (i, r) in ranked.iter().enumerate() {
                    let rank = (i + 1).to_string();
                    let score = format!("{:.6}", r.score);
                    let mut row = vec![respondent, &rank, self.role_name(r), &score, &answered, "ranked"];
                    let (strengths, gaps);
                    if self.explain {
                        let e = &explanations[i];
                        strengths = self.strengths_text(e, "; ");
                        gaps = self.gaps_text(e, "; ");
                        row.extend([strengths.as_str(), gaps.as_str()]);
                    }
                    w.write_record(&row)?;
                }
            }
            Outcome::Insufficient { .. } => {
                let mut row = vec![respondent, "", "", "", &answered, "insufficient"];
                if self.explain {
                    row.extend(["", ""]);
                }
                w.write_record(&row)?;
            }
        }
        Ok(())
    }

    fn json(
        &self,
        respondent: &str,
        answered: usize,
        outcome: &Outcome,
        explanations: &[Explanation],
    ) -> Value {
        let mut v = json!({
            "respondent": respondent,
            "answered": answered,
            "capabilities": self.n_caps(),
            "strategy": self.strategy.name(),
        });
        match outcome {
            Outcome::Ranked(ranked) => {
                v["status"] = json!("ranked");
                let ranking: Vec<Value> = ranked
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let role = &self.matrix.roles()[r.role];
                        let mut entry = json!({
                            "rank": i + 1,
                            "role": role.name,
                            "role_id": role.id,
                            "score": r.score,
                        });
                        if let Some(e) = explanations.get(i) {
                            entry["explanation"] = self.explanation_json(e);
                        }
                        entry
                    })
                    .collect();
                v["ranking"] = Value::Array(ranking);
            }
            Outcome::Insufficient { needed, .. } => {
                v["status"] = json!("insufficient");
                v["needed"] = json!(needed);
                v["ranking"] = json!([]);
            }
        }
        v
    }

    fn explanation_json(&self, e: &Explanation) -> Value {
        let caps = self.matrix.capabilities();
        json!({
            "drivers": e.drivers.iter().map(|&c| json!({
                "capability": caps[c].id,
                "name": caps[c].name,
                "contribution": e.contributions[c].contribution,
            })).collect::<Vec<_>>(),
            "strengths": e.strengths.iter().map(|s| json!({
                "capability": caps[s.capability].id,
                "name": caps[s.capability].name,
                "value": s.value,
                "level": s.level,
                "importance": s.importance,
                "surplus": s.surplus,
            })).collect::<Vec<_>>(),
            "gaps": e.gaps.iter().map(|g| json!({
                "capability": caps[g.capability].id,
                "name": caps[g.capability].name,
                "value": g.value,
                "level": g.level,
                "importance": g.importance,
                "shortfall": g.shortfall,
                "weighted_shortfall": g.weighted,
            })).collect::<Vec<_>>(),
            "unanswered": e.unanswered.iter().map(|&c| caps[c].id.as_str()).collect::<Vec<_>>(),
            "contributions": e.contributions.iter().map(|c| json!({
                "capability": caps[c.capability].id,
                "value": c.value,
                "level": c.level,
                "importance": c.importance,
                "contribution": c.contribution,
            })).collect::<Vec<_>>(),
        })
    }

    fn compact_table(&self, rows: &[(String, usize, Outcome)]) -> String {
        let k = rows
            .iter()
            .map(|(_, _, o)| match o {
                Outcome::Ranked(r) => r.len(),
                Outcome::Insufficient { .. } => 0,
            })
            .max()
            .unwrap_or(0);
        let mut header = vec!["Respondent".to_string(), "Answered".to_string()];
        header.extend((1..=k).map(|i| format!("#{i} ({})", self.strategy.name())));
        let mut t = table(header);
        for (respondent, answered, outcome) in rows {
            let mut cells = vec![respondent.clone(), format!("{answered}/{}", self.n_caps())];
            match outcome {
                Outcome::Ranked(ranked) => {
                    cells.extend(
                        ranked
                            .iter()
                            .map(|r| format!("{} {:.3}", self.role_name(r), r.score)),
                    );
                }
                Outcome::Insufficient { needed, .. } => {
                    cells.push(format!("not ranked: fewer than {needed} answered"));
                }
            }
            t.add_row(cells);
        }
        t.to_string()
    }

    fn block(
        &self,
        respondent: &str,
        answered: usize,
        outcome: &Outcome,
        explanations: &[Explanation],
    ) -> String {
        let mut s = format!(
            "{respondent}: answered {answered} of {} capabilities; strategy {}\n",
            self.n_caps(),
            self.strategy.name()
        );
        match outcome {
            Outcome::Insufficient { needed, .. } => {
                s.push_str(&format!("  not ranked: at least {needed} answers are needed\n"));
            }
            Outcome::Ranked(ranked) => {
                for (i, (r, e)) in ranked.iter().zip(explanations).enumerate() {
                    s.push_str(&format!(
                        "  {}. {:<28} {:.3} {}\n",
                        i + 1,
                        self.role_name(r),
                        r.score,
                        bar(r.score, 20)
                    ));
                    let drivers: Vec<String> = e
                        .drivers
                        .iter()
                        .take(LISTED)
                        .map(|&c| format!("{} ({:+.3})", self.cap_name(c), e.contributions[c].contribution))
                        .collect();
                    if !drivers.is_empty() {
                        s.push_str(&format!("     drivers:   {}\n", drivers.join(", ")));
                    }
                    if !e.strengths.is_empty() {
                        s.push_str(&format!("     strengths: {}\n", self.strengths_text(e, ", ")));
                    }
                    if !e.gaps.is_empty() {
                        s.push_str(&format!("     gaps:      {}\n", self.gaps_text(e, ", ")));
                    }
                    if !e.unanswered.is_empty() {
                        let names: Vec<&str> = e.unanswered.iter().map(|&c| self.cap_name(c)).collect();
                        s.push_str(&format!("     unanswered: {}\n", names.join(", ")));
                    }
                }
            }
        }
        s
    }
}
