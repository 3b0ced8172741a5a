//! `rolefit explain --target ROLE`: what would it take for ROLE to rank
//! first, per respondent: the fewest scale points of improvement (then the
//! fewest capabilities), found by [`rolefit_score::whatif`].
//!
//! With `--format html`, the personal report of one respondent
//! (`--respondent ID`) or of each (`--all -o DIR`), where `--target` is
//! optional: see [`person`].

mod person;

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::whatif::{what_it_takes, Improvement, Plan, WhatIf, WhatIfOptions};
use rolefit_score::{CompiledMatrix, Outcome, RankedRole, ScoreError, Scorer};
use serde_json::{json, Value};

use crate::args::{Emit, Inputs, MinAnswered, Quiet, Scoring};
use crate::error::bad_input;
use crate::io::Output;
use crate::load;
use crate::registry::{Finished, Strategies};
use crate::render::{closest, fixed, number, safe, table, AnswerScale};
use crate::settings::Settings;

/// `rolefit explain`
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// The role to reach: its name or id (with --format html optional: the
    /// personal report then says what it would take).
    #[arg(long, value_name = "ROLE")]
    pub target: Option<String>,
    /// With --format html: the respondent whose personal report to write
    /// [default: the only one of INPUT].
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub respondent: Option<String>,
    /// Write one personal report per respondent (--format html) into the
    /// directory -o names (made if missing), as ID.html.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub scoring: Scoring,
    #[command(flatten)]
    pub answered: MinAnswered,
    /// Candidate profiles tried per respondent at most; past it the answer
    /// is a lower bound on the points needed.
    #[arg(long, value_name = "N", default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub budget: u64,
    #[command(flatten)]
    pub emit: Emit<ExplainFormat>,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// What `rolefit explain` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// An aligned table for people.
    Table,
    /// JSON.
    Json,
    /// CSV with a header row.
    Csv,
    /// The personal report: a self-contained, printable HTML page for one
    /// respondent (--respondent ID, or --all -o DIR for one each).
    Html,
}

impl ExplainArgs {
    /// The output format: `--all` writes HTML pages unless told otherwise.
    ///
    /// # Errors
    /// As [`Emit::chosen`], and `--all` with another format than HTML.
    pub fn format(&self) -> Result<ExplainFormat> {
        if self.all {
            return match self.emit.format {
                None | Some(ExplainFormat::Html) => Ok(ExplainFormat::Html),
                Some(_) => Err(bad_input(
                    "--all writes one personal report (--format html) per respondent; the table, CSV and \
                     JSON of explain already hold every respondent",
                )),
            };
        }
        self.emit.chosen("explain")
    }
}

/// The role `name` (a name or an id) of `matrix`, for `--target`.
fn find_target(matrix: &RoleMatrix, name: &str) -> Result<usize> {
    matrix.role_index(name).ok_or_else(|| {
        let names: Vec<&str> = matrix.roles().iter().map(|r| r.name.as_str()).collect();
        let hint = closest(name, names.iter().copied())
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        bad_input(format!(
            "unknown role {name:?} for --target{hint}; the roles are: {}",
            rolefit_model::first_few(&names, ", ")
        ))
    })
}

/// Runs `rolefit explain`.
pub fn run(args: &ExplainArgs, settings: &Settings) -> Result<Finished> {
    let format = args.format()?;
    if format == ExplainFormat::Html {
        return person::run(args, settings);
    }
    if args.respondent.is_some() {
        return Err(bad_input(
            "--respondent chooses whose personal report to write, with --format html (or -o NAME.html); \
             the table, CSV and JSON of explain hold every respondent",
        ));
    }
    let Some(target) = args.target.as_deref() else {
        return Err(bad_input(
            "explain needs --target ROLE, the role to reach (its name or id); a personal report \
             (--format html) can do without",
        ));
    };
    let matrix = load::scoring_matrix(&args.inputs.matrix, &args.scoring, settings)?;
    let target = find_target(&matrix, target)?;
    let (batch, answer_scale) = load::responses_and_scale(&args.inputs.responses, &matrix, settings)?;
    let strategies = Strategies::open(args.scoring.choice.plugin.duration())?;
    let chosen = crate::strategy::choose(&strategies, &args.scoring, &matrix, settings)?;
    let strategy = chosen.get();
    let compiled = CompiledMatrix::new(&matrix);
    let options = WhatIfOptions {
        budget: usize::try_from(args.budget).unwrap_or(usize::MAX),
    };
    // Ranked as `score` ranks (ties, the minimum-answered rule), one
    // respondent at a time, as the search scores its candidates.
    let scorer = Scorer::new(&compiled, strategy).min_answered(args.answered.ranking());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let answers = for_each_respondent(&batch, threads, |i| {
        let (values, answered) = batch.row(i);
        let mut one = ProfileBatch::new(batch.capabilities());
        one.push_parts(batch.respondent(i), values, answered);
        let ranked = match scorer.score_batch(&one)?.pop() {
            Some(Outcome::Ranked(ranked)) => ranked,
            Some(Outcome::Insufficient { answered, needed }) => {
                return Ok(Answer::Insufficient { answered, needed });
            }
            None => unreachable!("one outcome per profile"),
        };
        let position = ranked
            .iter()
            .position(|r| r.role == target)
            .expect("a full ranking holds every role");
        let answer = what_it_takes(&compiled, strategy, values, answered, target, &options)?;
        Ok(Answer::Searched {
            first: ranked[0],
            target_rank: position + 1,
            target_score: ranked[position].score,
            answer,
        })
    })
    .map_err(|e| anyhow::Error::new(e).context("searching for improvements"))?;

    let ctx = Ctx {
        matrix: &matrix,
        batch: &batch,
        target,
        strategy: strategy.name(),
        budget: options.budget,
        shown: AnswerScale::new(matrix.scale(), answer_scale),
    };
    let text = match format {
        ExplainFormat::Html => unreachable!("the personal report is written above"),
        ExplainFormat::Table => crate::render::terminal(&ctx.table(&answers)).into_owned(),
        ExplainFormat::Csv => ctx.csv(&answers, settings.sanitize)?,
        ExplainFormat::Json => {
            let mut s = serde_json::to_string_pretty(&Value::Array(
                answers.iter().enumerate().map(|(i, a)| ctx.json(i, a)).collect(),
            ))?;
            s.push('\n');
            s
        }
    };
    let mut out = Output::create(args.emit.output())?;
    out.write_all(text.as_bytes())?;
    let finished = strategies.finish()?;
    out.finish()?;
    Ok(finished)
}

/// One respondent's result.
enum Answer {
    /// Too few answers to be ranked (`--min-answered`): no search.
    Insufficient { answered: usize, needed: usize },
    /// Ranked, and searched.
    Searched {
        /// The role first now.
        first: RankedRole,
        /// The target's rank now (1-based).
        target_rank: usize,
        /// The target's score now.
        target_score: f64,
        answer: WhatIf,
    },
}

/// Runs `work` for every respondent on up to `threads` threads; results in
/// input order, the first error (in input order) if any.
fn for_each_respondent<T: Send>(
    batch: &ProfileBatch,
    threads: usize,
    work: impl Fn(usize) -> Result<T, ScoreError> + Sync,
) -> Result<Vec<T>, ScoreError> {
    let n = batch.len();
    let threads = threads.clamp(1, n.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: std::sync::Mutex<Vec<Option<Result<T, ScoreError>>>> =
        std::sync::Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let result = work(i);
                slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every respondent was searched"))
        .collect()
}

/// What the renderers need to name things.
struct Ctx<'a> {
    matrix: &'a RoleMatrix,
    batch: &'a ProfileBatch,
    target: usize,
    strategy: &'a str,
    budget: usize,
    /// Answers, levels and points are shown on the answer scale.
    shown: AnswerScale,
}

impl Ctx<'_> {
    fn role(&self, j: usize) -> &str {
        &self.matrix.roles()[j].name
    }

    fn status(a: &WhatIf) -> &'static str {
        match a {
            WhatIf::AlreadyFirst { .. } => "already-first",
            WhatIf::Reached { .. } => "reached",
            WhatIf::OutOfReach { .. } => "out-of-reach",
            WhatIf::Unresolved { .. } => "unresolved",
        }
    }

    /// `Risk Management 3 -> 4` (a blank reads `blank`), on the answer
    /// scale.
    fn improvement(&self, i: &Improvement, arrow: &str) -> String {
        format!(
            "{} {} {arrow} {}",
            self.matrix.capabilities()[i.capability].name,
            i.from.map_or("blank".to_string(), |v| self.shown.value(v)),
            self.shown.value(i.to)
        )
    }

    /// A plan's size in words: `2 points on 1 capability`, `nothing`.
    fn raise_by(&self, points: f64, capabilities: usize) -> String {
        if capabilities == 0 {
            return "nothing".to_string();
        }
        let points = self.shown.points(points);
        format!(
            "{points} point{} on {capabilities} capabilit{}",
            if points == "1" { "" } else { "s" },
            if capabilities == 1 { "y" } else { "ies" }
        )
    }

    /// A plan's improvements, joined.
    fn moves(&self, plan: &Plan, separator: &str, arrow: &str) -> String {
        plan.improvements
            .iter()
            .map(|i| self.improvement(i, arrow))
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// What it takes, in words.
    fn verdict(&self, a: &WhatIf, separator: &str, arrow: &str) -> String {
        match a {
            WhatIf::AlreadyFirst { .. } => "already first".to_string(),
            WhatIf::Reached { plan, .. } => self.moves(plan, separator, arrow),
            WhatIf::OutOfReach { .. } => "out of reach on the scale".to_string(),
            WhatIf::Unresolved { at_least, known, .. } => {
                let mut s = format!(
                    "not settled within {} candidates: at least {} points",
                    self.budget,
                    self.shown.points(*at_least)
                );
                if let Some(plan) = known {
                    s.push_str(&format!(
                        "; this works with {} points:{separator}{}",
                        self.shown.points(plan.points),
                        self.moves(plan, separator, arrow)
                    ));
                }
                s
            }
        }
    }

    fn points(a: &WhatIf) -> Option<(f64, usize)> {
        match a {
            WhatIf::AlreadyFirst { .. } => Some((0.0, 0)),
            WhatIf::Reached { plan, .. } => Some((plan.points, plan.improvements.len())),
            _ => None,
        }
    }

    fn plan_json(&self, plan: &Plan) -> Value {
        let caps = self.matrix.capabilities();
        json!({
            "points": plan.points,
            "improvements": plan.improvements.iter().map(|x| json!({
                "capability": caps[x.capability].id,
                "name": caps[x.capability].name,
                "from": x.from,
                "to": x.to,
                "points": x.points,
            })).collect::<Vec<_>>(),
            "target_score_after": plan.score,
            "runner_up_after": plan.runner_up.map(|r| json!({"role": self.role(r.role), "score": r.score})),
        })
    }

    fn table(&self, answers: &[Answer]) -> String {
        let mut t = table(vec![
            "Respondent".to_string(),
            "First now".to_string(),
            format!("{} now", self.role(self.target)),
            "What it takes".to_string(),
            "Raise by".to_string(),
        ]);
        for (i, a) in answers.iter().enumerate() {
            let respondent = self.batch.respondent(i).to_string();
            let row = match a {
                Answer::Insufficient { answered, needed } => vec![
                    respondent,
                    "not ranked".to_string(),
                    "–".to_string(),
                    format!("too few answers: {answered} capabilities, --min-answered needs {needed}"),
                    "–".to_string(),
                ],
                Answer::Searched {
                    first,
                    target_rank,
                    target_score,
                    answer,
                } => vec![
                    respondent,
                    format!("{} {}", self.role(first.role), fixed(first.score, 3)),
                    format!("#{target_rank} {}", fixed(*target_score, 3)),
                    self.verdict(answer, "\n", "→"),
                    Self::points(answer).map_or("–".to_string(), |(p, n)| self.raise_by(p, n)),
                ],
            };
            t.add_row(row);
        }
        let scale = self
            .shown
            .note()
            .map_or(String::new(), |note| format!("; {note}"));
        format!(
            "What it takes for {} to rank first under {} (raising answers in whole points up to the scale's top; a blank counts as the bottom{scale})\n{t}\n\
             Raise by: how many points the raised answers add up to, over how many capabilities (\"2 points on 1 capability\": one answer raised by 2).\n",
            self.role(self.target),
            self.strategy
        )
    }

    fn csv(&self, answers: &[Answer], sanitize: bool) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "respondent",
            "target",
            "status",
            "points",
            "capabilities",
            "improvements",
            "target_score_after",
        ])?;
        for (i, a) in answers.iter().enumerate() {
            let respondent = safe(self.batch.respondent(i), sanitize);
            let target = safe(self.role(self.target), sanitize);
            let Answer::Searched { answer, .. } = a else {
                w.write_record([
                    respondent.as_ref(),
                    target.as_ref(),
                    "insufficient",
                    "",
                    "",
                    "",
                    "",
                ])?;
                continue;
            };
            // On the answer scale, as the improvements' text.
            let (points, count) = Self::points(answer).map_or((String::new(), String::new()), |(p, n)| {
                (number(self.shown.distance(p), 6), n.to_string())
            });
            let after = match answer {
                WhatIf::Reached { plan, .. } => format!("{:.6}", plan.score),
                WhatIf::AlreadyFirst { score } => format!("{score:.6}"),
                _ => String::new(),
            };
            let improvements = self.verdict(answer, "; ", "->");
            w.write_record([
                respondent.as_ref(),
                target.as_ref(),
                Self::status(answer),
                &points,
                &count,
                safe(&improvements, sanitize).as_ref(),
                &after,
            ])?;
        }
        Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?)?)
    }

    fn json(&self, i: usize, a: &Answer) -> Value {
        let (first, target_rank, target_score, answer) = match a {
            Answer::Insufficient { answered, needed } => {
                return json!({
                    "respondent": self.batch.respondent(i),
                    "strategy": self.strategy,
                    "target": self.role(self.target),
                    "status": "insufficient",
                    "answered": answered,
                    "needed": needed,
                });
            }
            Answer::Searched {
                first,
                target_rank,
                target_score,
                answer,
            } => (first, target_rank, target_score, answer),
        };
        let mut v = json!({
            "respondent": self.batch.respondent(i),
            "strategy": self.strategy,
            "target": self.role(self.target),
            "target_rank": target_rank,
            "target_score": target_score,
            "first": {"role": self.role(first.role), "score": first.score},
            "status": Self::status(answer),
        });
        match answer {
            WhatIf::AlreadyFirst { .. } => {
                v["points"] = json!(0.0);
                v["improvements"] = json!([]);
            }
            WhatIf::Reached { plan, explored } => {
                if let (Value::Object(v), Value::Object(p)) = (&mut v, self.plan_json(plan)) {
                    v.extend(p);
                }
                v["explored"] = json!(explored);
            }
            WhatIf::OutOfReach { explored } => {
                v["explored"] = json!(explored);
            }
            WhatIf::Unresolved {
                at_least,
                known,
                explored,
            } => {
                v["at_least"] = json!(at_least);
                v["known"] = known.as_ref().map_or(Value::Null, |p| self.plan_json(p));
                v["explored"] = json!(explored);
            }
        }
        v
    }
}
