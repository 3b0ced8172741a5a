//! The personal report (`rolefit explain --format html`): one page per
//! respondent that a coach can hand over, printed or as a file.
//!
//! It says, in words a person reads: the roles ranked with their fit
//! scores, how sure the ranking is (the bootstrap stability and the margin
//! `score --confidence` reports), a radar chart of the answers against the
//! top two roles, each of those roles as the matrix describes it (key
//! focus, description, responsibilities) with the strengths and gaps of
//! the answers against it, with `--target` what it would take for that
//! role to rank first (the search of the table output), and how to read
//! it all. Everything is computed here with the same scorer, explanation
//! and search as the other outputs; the templates of
//! [`crate::html::person`] lay it out.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::Path;

use anyhow::Result;
use rolefit_learn::evaluate::{Bootstrap, Confidence, DEFAULT_RESAMPLES, DEFAULT_SEED};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::whatif::{what_it_takes, WhatIf, WhatIfOptions};
use rolefit_score::{explain, CompiledMatrix, Outcome, RankedRole, Scorer, Strategy, Workspace};

use super::{find_target, Ctx, ExplainArgs};
use crate::error::bad_input;
use crate::html::person as page;
use crate::html::{Fragment, Section, Svg};
use crate::io::Output;
use crate::load;
use crate::registry::{Finished, Strategies};
use crate::render::{closest, fixed, number, AnswerScale};
use crate::settings::Settings;

/// The ranking table lists this many roles; the others are named in a
/// line below it.
pub const TABLE_ROLES: usize = 5;

/// Roles drawn on the chart and described with strengths and gaps.
pub const CARD_ROLES: usize = 2;

/// Strengths, gaps and answers above the level listed per role at most.
pub const FACTS: usize = 5;

/// Runs `rolefit explain --format html`.
pub fn run(args: &ExplainArgs, settings: &Settings) -> Result<Finished> {
    if args.all && args.emit.output().is_none_or(|p| p == Path::new("-")) {
        return Err(bad_input(
            "--all writes one page per respondent: name the directory to write them into with -o DIR",
        ));
    }
    let loaded = load::matrix_for_model(
        &args.inputs.matrix,
        args.scoring.learned.model.as_deref(),
        settings,
    )?;
    loaded.print_notes(settings);
    let matrix = &loaded.matrix;
    let target = args
        .target
        .as_deref()
        .map(|t| find_target(matrix, t))
        .transpose()?;
    let source = load::input_name(args.inputs.responses.input.as_deref());
    let (batch, answer_scale) = load::responses_and_scale(&args.inputs.responses, matrix, settings)?;
    let rows = chosen_rows(args, &batch, &source)?;
    let strategies = Strategies::open(args.scoring.choice.plugin.duration())?;
    let chosen = crate::strategy::choose(&strategies, &args.scoring, matrix, settings)?;
    let person = Person {
        matrix,
        compiled: CompiledMatrix::new(matrix),
        strategy: chosen.get(),
        batch: &batch,
        target,
        budget: usize::try_from(args.budget).unwrap_or(usize::MAX),
        min_answered: args.answered.ranking(),
        shown: AnswerScale::new(matrix.scale(), answer_scale),
        answer_scale,
        source: &source,
        credit: loaded.credit.as_deref(),
    };
    let written = if args.all {
        let dir = args.emit.output().expect("checked above");
        write_all(&person, &rows, dir)?
    } else {
        let html = person.page(rows[0])?;
        let mut out = Output::create(args.emit.output())?;
        out.write_all(html.as_bytes())?;
        out.finish()?;
        args.emit.output().map(|p| p.display().to_string())
    };
    let finished = strategies.finish()?;
    if let (Some(written), false) = (written, settings.quiet) {
        eprintln!("rolefit: wrote {written}");
    }
    Ok(finished)
}

/// Writes every respondent's page into `dir` (made if missing); says what
/// was written.
fn write_all(person: &Person<'_>, rows: &[usize], dir: &Path) -> Result<Option<String>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| bad_input(format!("cannot make the directory {}: {e}", dir.display())))?;
    let names = file_names(rows.iter().map(|&i| person.batch.respondent(i)));
    for (&i, name) in rows.iter().zip(&names) {
        let html = person.page(i)?;
        let mut out = Output::create(Some(&dir.join(name)))?;
        out.write_all(html.as_bytes())?;
        out.finish()?;
    }
    Ok(Some(format!(
        "{} personal report{} into {}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        dir.display()
    )))
}

/// The rows to report on: every one with `--all`, the one `--respondent`
/// names, or the input's only respondent.
fn chosen_rows(args: &ExplainArgs, batch: &ProfileBatch, source: &str) -> Result<Vec<usize>> {
    if args.all {
        return Ok((0..batch.len()).collect());
    }
    let Some(id) = &args.respondent else {
        if batch.len() == 1 {
            return Ok(vec![0]);
        }
        return Err(bad_input(format!(
            "{source} holds {} respondents: name the one to report on with --respondent ID (for example \
             --respondent {:?}), or write a page for each with --all -o DIR",
            batch.len(),
            batch.respondent(0)
        )));
    };
    let rows: Vec<usize> = (0..batch.len()).filter(|&i| batch.respondent(i) == id).collect();
    match rows.len() {
        1 => Ok(rows),
        0 => {
            let ids = batch.respondents();
            let hint = closest(id, ids.iter().copied())
                .map(|s| format!(" (did you mean {s:?}?)"))
                .unwrap_or_default();
            Err(bad_input(format!(
                "{source} has no respondent {id:?}{hint}; its respondents are: {}",
                rolefit_model::first_few(&ids, ", ")
            )))
        }
        n => {
            Err(bad_input(format!(
            "{source} holds {n} respondents with the id {id:?} (data rows {}): keep the one to report on, \
             or write a page for each with --all -o DIR",
            rows.iter().map(|r| (r + 1).to_string()).collect::<Vec<_>>().join(", ")
        )))
        }
    }
}

/// File names for the pages of `ids`: the id with every character but
/// ASCII letters, digits, `-`, `_` and `.` replaced by `_` (no leading
/// dot, at most 80 characters), `.html`; a name taken already (ignoring
/// case, for file systems that do) gets `-2`, `-3`, ...
pub fn file_names<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken = HashSet::new();
    ids.map(|id| {
        let mut stem: String = id
            .chars()
            .take(80)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if stem.is_empty() || stem.starts_with('.') {
            stem.insert(0, '_');
        }
        let mut name = format!("{stem}.html");
        let mut n = 1;
        while !taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{stem}-{n}.html");
        }
        name
    })
    .collect()
}

/// What every page is made from.
struct Person<'a> {
    matrix: &'a RoleMatrix,
    compiled: CompiledMatrix,
    strategy: &'a dyn Strategy,
    batch: &'a ProfileBatch,
    target: Option<usize>,
    budget: usize,
    min_answered: f64,
    shown: AnswerScale,
    /// The scale the answers were given on.
    answer_scale: rolefit_model::Scale,
    source: &'a str,
    credit: Option<&'a str>,
}

impl Person<'_> {
    /// The page of respondent `i`.
    fn page(&self, i: usize) -> Result<String> {
        let id = self.batch.respondent(i);
        let (values, answered) = self.batch.row(i);
        let mut one = ProfileBatch::new(self.batch.capabilities());
        one.push_parts(id, values, answered);
        let outcome = Scorer::new(&self.compiled, self.strategy)
            .min_answered(self.min_answered)
            .score_batch(&one)?
            .pop();
        let caps = self.matrix.capabilities().len();
        let answered_count = self.batch.answered_count(i);
        let mut sections = Vec::new();
        match outcome {
            Some(Outcome::Ranked(ranked)) if !ranked.is_empty() => {
                let confidence = Bootstrap::new(DEFAULT_RESAMPLES, DEFAULT_SEED)
                    .confidence(&self.compiled, self.strategy, &one, &mut Workspace::new())?
                    .pop();
                let roles = page::Roles {
                    respondent: id,
                    ranking: Some(self.ranking(&ranked, confidence.as_ref())),
                    answered: answered_count,
                    capabilities: caps,
                    needed: 0,
                };
                sections.push(section("roles", "Roles that fit you", &roles)?);
                sections.push(self.chart(id, values, answered, &ranked)?);
                sections.push(section(
                    "fit",
                    "Strengths and gaps",
                    &self.fit(values, answered, &ranked),
                )?);
                if let Some(target) = self.target {
                    sections.push(self.target(i, target)?);
                }
            }
            Some(Outcome::Insufficient { answered, needed }) => {
                let roles = page::Roles {
                    respondent: id,
                    ranking: None,
                    answered,
                    capabilities: caps,
                    needed,
                };
                sections.push(section("roles", "Roles that fit you", &roles)?);
            }
            _ => return Err(anyhow::anyhow!("no ranking for respondent {id:?}")),
        }
        sections.push(self.method()?);
        let header = page::Header {
            respondent: id,
            answered: answered_count,
            capabilities: caps,
            roles: self.matrix.roles().len(),
            matrix: self.matrix.source(),
            strategy: self.strategy.name(),
            source: self.source,
        };
        let footer = page::Footer {
            credit: self.credit,
            version: env!("CARGO_PKG_VERSION"),
            source: self.source,
        };
        crate::html::render(&crate::html::Page {
            title: &format!("Role fit: {id}"),
            header: Fragment::of(&header)?,
            sections: &sections,
            footer: Fragment::of(&footer)?,
            style: Fragment::of(&page::Style)?,
            script: Fragment::default(),
        })
    }

    fn role(&self, j: usize) -> &str {
        &self.matrix.roles()[j].name
    }

    /// The ranking section's values.
    fn ranking(&self, ranked: &[RankedRole], confidence: Option<&Confidence>) -> page::Ranking {
        let score = |r: &RankedRole| fixed(r.score, 3);
        let rows = ranked
            .iter()
            .take(TABLE_ROLES)
            .enumerate()
            .map(|(k, r)| page::RankRow {
                rank: k + 1,
                name: self.role(r.role).to_string(),
                score: score(r),
                percent: (r.score.clamp(0.0, 1.0) * 100.0).round() as u32,
                key_focus: self.matrix.roles()[r.role].key_focus.clone(),
            })
            .collect();
        let others = ranked
            .iter()
            .skip(TABLE_ROLES)
            .map(|r| format!("{} ({})", self.role(r.role), score(r)))
            .collect();
        let second = ranked.get(1);
        page::Ranking {
            first: self.role(ranked[0].role).to_string(),
            first_score: score(&ranked[0]),
            second: second.map(|r| self.role(r.role).to_string()),
            second_score: second.map(score).unwrap_or_default(),
            confidence: confidence.map_or(String::new(), |c| {
                confidence_words(self.role(ranked[0].role), second.map(|r| self.role(r.role)), c)
            }),
            rows,
            others,
        }
    }

    /// The radar chart of the answers against the top roles.
    fn chart(&self, id: &str, values: &[f64], answered: &[bool], ranked: &[RankedRole]) -> Result<Section> {
        let shown: Vec<Option<f64>> = values
            .iter()
            .zip(answered)
            .map(|(v, a)| a.then_some(*v))
            .collect();
        let top = CARD_ROLES.min(ranked.len());
        let svg = crate::plot::radar::respondent_radar(
            self.matrix,
            self.strategy.name(),
            id,
            &shown,
            ranked,
            Some(top as u32),
        )?;
        let names: Vec<&str> = ranked[..top].iter().map(|r| self.role(r.role)).collect();
        let chart = page::Chart {
            svg: Svg::inline(&svg),
            respondent: id,
            roles: &names.join(" and "),
            hidden: ranked.len() - top,
        };
        section(
            "chart",
            if top == 1 {
                "Your answers against your top role"
            } else {
                "Your answers against your top two roles"
            },
            &chart,
        )
    }

    /// The strengths and gaps of the answers against each top role.
    fn fit(&self, values: &[f64], answered: &[bool], ranked: &[RankedRole]) -> page::Fit {
        let caps = self.matrix.capabilities();
        let fact = |capability: usize, you: f64, level: f64| page::Fact {
            name: caps[capability].name.clone(),
            you: self.shown.value(you),
            role: self.shown.value(level),
        };
        let cards = ranked
            .iter()
            .take(CARD_ROLES)
            .enumerate()
            .map(|(k, r)| {
                let e = explain(&self.compiled, self.strategy, values, answered, *r);
                let role = &self.matrix.roles()[r.role];
                page::RoleCard {
                    rank: k + 1,
                    name: role.name.clone(),
                    score: fixed(r.score, 3),
                    key_focus: role.key_focus.clone(),
                    description: role.description.clone(),
                    responsibilities: role.responsibilities.clone(),
                    strengths: e
                        .strengths
                        .iter()
                        .take(FACTS)
                        .map(|s| fact(s.capability, s.value, s.level))
                        .collect(),
                    gaps: e
                        .gaps
                        .iter()
                        .take(FACTS)
                        .map(|g| fact(g.capability, g.value, g.level))
                        .collect(),
                    above: e
                        .above_level
                        .iter()
                        .take(FACTS)
                        .map(|s| fact(s.capability, s.value, s.level))
                        .collect(),
                    unanswered: e.unanswered.len(),
                }
            })
            .collect();
        page::Fit { cards }
    }

    /// What it would take for `target` to rank first for respondent `i`.
    fn target(&self, i: usize, target: usize) -> Result<Section> {
        let (values, answered) = self.batch.row(i);
        let options = WhatIfOptions { budget: self.budget };
        let answer = what_it_takes(&self.compiled, self.strategy, values, answered, target, &options)
            .map_err(|e| anyhow::Error::new(e).context("searching for improvements"))?;
        let ctx = Ctx {
            matrix: self.matrix,
            batch: self.batch,
            target,
            strategy: self.strategy.name(),
            budget: self.budget,
            shown: self.shown,
        };
        let name = self.role(target);
        let (summary, steps) = match &answer {
            WhatIf::AlreadyFirst { .. } => (format!("{name} is already your best fit."), Vec::new()),
            WhatIf::Reached { plan, .. } => (
                format!(
                    "{name} would rank first with these answers raised ({} in all):",
                    ctx.raise_by(plan.points, plan.improvements.len())
                ),
                plan.improvements
                    .iter()
                    .map(|x| ctx.improvement(x, "\u{2192}"))
                    .collect(),
            ),
            WhatIf::OutOfReach { .. } => (
                format!(
                    "{name} cannot rank first on this scale, even with answers raised to the top: its \
                     profile differs from yours in shape, not only in level."
                ),
                Vec::new(),
            ),
            WhatIf::Unresolved { .. } => (
                format!("For {name}: {}.", ctx.verdict(&answer, "; ", "\u{2192}")),
                Vec::new(),
            ),
        };
        let content = page::Target {
            target: name,
            summary,
            steps,
        };
        Ok(Section {
            id: "target".into(),
            title: format!("What it would take: {name}").into(),
            content: Fragment::of(&content)?,
        })
    }

    /// How to read the page.
    fn method(&self) -> Result<Section> {
        let answers = if self.shown.differs() {
            self.shown.note().unwrap_or_default()
        } else {
            String::new()
        };
        let scale = self.answer_scale;
        let scale_words = format!(
            "the scale {} to {}",
            number(scale.min(), 2),
            number(scale.max(), 2)
        );
        section(
            "method",
            "How to read this report",
            &page::Method {
                strategy: self.strategy.name(),
                formula: self.strategy.formula(),
                scale: &scale_words,
                scale_note: &answers,
                resamples: DEFAULT_RESAMPLES,
            },
        )
    }
}

/// How sure the ranking is, in a sentence: the share of bootstrap
/// resamples that keep the best fit first (90% or more: clear; 60% or
/// more: fairly clear; less: a close call), and the lead over the second.
pub fn confidence_words(first: &str, second: Option<&str>, c: &Confidence) -> String {
    let how = if c.stability >= 0.9 {
        "A clear result"
    } else if c.stability >= 0.6 {
        "A fairly clear result, not a certain one"
    } else {
        "A close call"
    };
    let mut s = format!(
        "{how}: {first} stays first in {:.0}% of {} re-draws of your answers",
        c.stability * 100.0,
        c.resamples
    );
    if let (Some(second), Some(margin)) = (second, c.margin) {
        s.push_str(&format!(
            ", and leads {second} by {} in fit score",
            fixed(margin, 3)
        ));
    }
    s.push('.');
    s
}

/// A section of the page with a fixed id and title.
fn section(id: &'static str, title: &'static str, content: &impl askama::Template) -> Result<Section> {
    Ok(Section {
        id: id.into(),
        title: title.into(),
        content: Fragment::of(content)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        let ids = ["ana", "ANA", "a/b c", "", ".x", "ana", "é"];
        assert_eq!(
            file_names(ids.into_iter()),
            [
                "ana.html",
                "ANA-2.html",
                "a_b_c.html",
                "_.html",
                "_.x.html",
                "ana-3.html",
                "_-2.html"
            ]
        );
        let long = "x".repeat(200);
        assert_eq!(file_names(std::iter::once(long.as_str()))[0].len(), 85);
    }

    #[test]
    fn confidence_in_words() {
        let c = |stability, margin| Confidence {
            top: 0,
            margin,
            stability,
            resamples: 50,
        };
        assert_eq!(
            confidence_words("A", Some("B"), &c(0.98, Some(0.0671))),
            "A clear result: A stays first in 98% of 50 re-draws of your answers, and leads B by 0.067 in fit score."
        );
        assert!(confidence_words("A", Some("B"), &c(0.6, Some(0.01))).starts_with("A fairly clear result"));
        assert_eq!(
            confidence_words("A", None, &c(0.5, None)),
            "A close call: A stays first in 50% of 50 re-draws of your answers."
        );
    }
}
