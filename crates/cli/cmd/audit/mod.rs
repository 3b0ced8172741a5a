//! `rolefit audit`: impact ratios of rolefit's own recommendations, as the
//! bias-audit rules of New York City's Local Law 144 define them.
//!
//! The responses are scored with the same matrix and strategy as `score`
//! (`--strategy`, `--model`, `--center`); each ranked respondent is
//! *selected* for the roles among their best `--top K` (1 by default) and
//! *scored above the median* for a role when their score is above the
//! cohort's median for it. The demographics file (`--groups`, read by
//! [`groups`]) puts each respondent in a category of every column chosen
//! with `--by`, and of every intersection of them. The statistics (rates,
//! impact ratios, the four-fifths flag, tests, bootstrap intervals, the
//! capabilities that differ) are `rolefit-fairness`'s; this module only
//! wires them and writes them as a table, CSV, JSON ([`render`]) or the
//! HTML summary ([`page`]).
//!
//! Every count shown goes through the small-group rules of
//! [`crate::privacy`] (`--min-group`), and a category under the floor is
//! withheld and left out of the ratios.

mod groups;
mod page;
mod render;

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use rolefit_fairness::{
    above_median, audit, drivers, AuditParams, Categories, CategoryCount, Driver, MeasureAudit, Membership,
    Status, ValidAuditParams,
};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{CompiledMatrix, Outcome, Scorer};

use self::groups::Groups;
use crate::args::{parse_fraction, Emit, Inputs, MinAnswered, Quiet, Scoring};
use crate::error::bad_input;
use crate::io::Output;
use crate::load;
use crate::privacy::{suppress, Cell};
use crate::registry::{Finished, Strategies};
use crate::settings::Settings;

/// `rolefit audit`
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub scoring: Scoring,
    /// The demographics CSV: a respondent id column (`respondent`,
    /// `respondent_id` or `id`) and one column per characteristic (such as
    /// sex, race/ethnicity); a blank cell is a missing value.
    #[arg(long, value_name = "FILE")]
    pub groups: PathBuf,
    /// The columns of --groups to audit, separated by commas: each alone and
    /// every intersection of them [default: every column but the id].
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',')]
    pub by: Vec<String>,
    /// A respondent is selected for the roles among their best K [default: 1,
    /// the top role only].
    #[arg(long, short = 'k', value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub top: Option<u32>,
    /// Categories under this share of the audited respondents are left out of
    /// the impact ratios (and listed with their n).
    #[arg(long, value_name = "FRACTION", default_value_t = 0.02, value_parser = parse_fraction)]
    pub min_share: f64,
    /// Groups smaller than this are left out of aggregates, for privacy.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_group: u32,
    #[command(flatten)]
    pub answered: MinAnswered,
    /// Bootstrap resamples for the 95% interval of each impact ratio.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub resamples: u32,
    /// Random seed: the same seed gives the same result (here: the bootstrap
    /// resamples).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The audit's date, as the outputs show it [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<String>,
    #[command(flatten)]
    pub emit: Emit<AuditFormat>,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// What `audit` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Tables for people.
    Table,
    /// CSV, one row per category, role and rate.
    Csv,
    /// JSON.
    Json,
    /// A self-contained HTML page laid out as a bias audit's public summary.
    Html,
}

/// How many capabilities are listed for a flagged pair.
pub const DRIVERS: usize = 5;

/// The joiner of intersection names (`F × Asian`).
pub const JOINER: &str = " × ";

/// The coverage of the bootstrap intervals.
pub const COVERAGE: f64 = 0.95;

/// The sentence every output carries.
pub const NOT_LEGAL: &str =
    "This audit is a statistical summary of rolefit's recommendations, not a legal opinion.";

/// Runs `rolefit audit`.
pub fn run(args: &AuditArgs, settings: &Settings) -> Result<Finished> {
    let format = args.emit.chosen("audit")?;
    let params = AuditParams::new()
        .min_share(args.min_share)
        .min_group(u64::from(args.min_group))
        .resamples(args.resamples as usize)
        .seed(args.seed)
        .confidence(COVERAGE)
        .check()
        .map_err(|e| bad_input(format!("--min-share, --min-group or --resamples: {e}")))?;
    let groups = Groups::read(&args.groups, settings.encoding)?;
    let columns = groups.chosen(&args.by)?;
    let loaded = load::matrix_for_model(
        &args.inputs.matrix,
        args.scoring.learned.model.as_deref(),
        settings,
    )?;
    loaded.print_notes(settings);
    let matrix = &loaded.matrix;
    let strategies = Strategies::open(args.scoring.choice.plugin.duration())?;
    let chosen = crate::strategy::choose(&strategies, &args.scoring, matrix, settings)?;
    let strategy = chosen.get();
    let profiles = load::responses(&args.inputs.responses, matrix, settings)?;
    let source = load::input_name(args.inputs.responses.input.as_deref());
    if profiles.is_empty() {
        return Err(load::no_respondents(&source));
    }
    let compiled = CompiledMatrix::new(matrix);
    let outcomes = Scorer::new(&compiled, strategy)
        .min_answered(args.answered.ranking())
        .score_batch(&profiles)?;
    let top = args.top.map_or(1, |k| k as usize).min(matrix.roles().len());
    let cohort = Ranked::of(&profiles, outcomes, matrix.roles().len(), top);
    if cohort.rows.is_empty() {
        return Err(bad_input(format!(
            "{source}: no respondent answered enough capabilities to be ranked (see --min-answered)"
        )));
    }
    let known: std::collections::HashSet<&str> = profiles.respondents().into_iter().collect();
    let unused = groups
        .rows
        .keys()
        .filter(|id| !known.contains(id.as_str()))
        .count();
    if unused > 0 {
        eprintln!(
            "warning: {unused} row{} of {} name{} respondents that are not in {source}; ignored",
            if unused == 1 { "" } else { "s" },
            groups.source,
            if unused == 1 { "s" } else { "" }
        );
    }
    let report = Report {
        date: args.date.clone().unwrap_or_else(today),
        source,
        groups_source: groups.source.clone(),
        matrix: matrix.source().to_string(),
        credit: loaded.credit.clone(),
        strategy: strategy.name().to_string(),
        formula: strategy.formula().to_string(),
        top,
        min_answered: args.answered.ranking(),
        read: profiles.len() as u64,
        not_ranked: (profiles.len() - cohort.rows.len()) as u64,
        params,
        groupings: audit_all(&cohort, &groups, &columns, &profiles, matrix, &params),
    };
    let text = match format {
        AuditFormat::Table => render::table(&report),
        AuditFormat::Csv => render::csv(&report, settings.sanitize)?,
        AuditFormat::Json => render::json(&report)?,
        AuditFormat::Html => page::html(&report)?,
    };
    let mut out = Output::create(args.emit.output())?;
    out.write_all(text.as_bytes())?;
    let finished = strategies.finish()?;
    out.finish()?;
    if !settings.quiet {
        eprintln!("{}", report.summary_line());
    }
    Ok(finished)
}

/// A value parser for clap: a date as `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<String, String> {
    let bad = || format!("expected a date as YYYY-MM-DD (for example 2026-01-31), got {s:?}");
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad());
    }
    let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// Today's date in UTC as `YYYY-MM-DD` (the civil calendar from the days
/// since 1970-01-01, Howard Hinnant's algorithm).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil(secs / 86_400)
}

/// The date `days` after 1970-01-01.
fn civil(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The ranked respondents: their rows in the batch, whether each is
/// selected for each role, and each role's scores.
struct Ranked {
    rows: Vec<usize>,
    /// Per role, per ranked respondent: among their best `top`.
    selected: Vec<Vec<bool>>,
    /// Per role, per ranked respondent: the score.
    scores: Vec<Vec<f64>>,
}

impl Ranked {
    fn of(profiles: &ProfileBatch, outcomes: Vec<Outcome>, roles: usize, top: usize) -> Self {
        let mut ranked = Ranked {
            rows: Vec::new(),
            selected: vec![Vec::new(); roles],
            scores: vec![Vec::new(); roles],
        };
        debug_assert_eq!(outcomes.len(), profiles.len());
        for (i, o) in outcomes.into_iter().enumerate() {
            let Outcome::Ranked(ranking) = o else {
                continue;
            };
            if ranking.len() < roles {
                continue;
            }
            ranked.rows.push(i);
            let mut row_scores = vec![0.0; roles];
            let mut row_selected = vec![false; roles];
            for (place, r) in ranking.iter().enumerate() {
                row_scores[r.role] = r.score;
                row_selected[r.role] = place < top;
            }
            for j in 0..roles {
                ranked.scores[j].push(row_scores[j]);
                ranked.selected[j].push(row_selected[j]);
            }
        }
        ranked
    }
}

/// Everything the outputs show.
pub struct Report {
    /// The audit's date.
    pub date: String,
    /// The responses' name.
    pub source: String,
    /// The demographics file's name.
    pub groups_source: String,
    /// The role matrix's source.
    pub matrix: String,
    /// O*NET's credit, for O*NET data.
    pub credit: Option<String>,
    /// The strategy's name.
    pub strategy: String,
    /// The strategy's formula.
    pub formula: String,
    /// K of the selection (`--top`).
    pub top: usize,
    /// `--min-answered`.
    pub min_answered: f64,
    /// Respondents read.
    pub read: u64,
    /// Respondents not ranked (too few answers), left out.
    pub not_ranked: u64,
    /// The statistics' parameters.
    pub params: ValidAuditParams,
    /// One audit per column and per intersection.
    pub groupings: Vec<Grouping>,
}

impl Report {
    /// Ranked respondents, the audit's population.
    pub fn ranked(&self) -> u64 {
        self.read - self.not_ranked
    }

    /// `--min-group`.
    pub fn m(&self) -> u64 {
        self.params.min_group()
    }

    /// "top-1" or "top-3".
    pub fn selection_words(&self) -> String {
        if self.top == 1 {
            "the role ranked first".to_string()
        } else {
            format!("a role among the {} ranked first", self.top)
        }
    }

    /// How many impact ratios are flagged, over every grouping, role and rate.
    pub fn flagged(&self) -> usize {
        self.groupings
            .iter()
            .flat_map(|g| &g.roles)
            .flat_map(|r| [&r.selection, &r.scoring])
            .flat_map(|m| m.results.iter().flatten())
            .filter(|r| r.flagged)
            .count()
    }

    /// The line on standard error.
    fn summary_line(&self) -> String {
        let flagged = self.flagged();
        format!(
            "rolefit: audited {} ranked respondent{} of {} in {} grouping{}; {flagged} impact ratio{} below {}",
            self.ranked(),
            if self.ranked() == 1 { "" } else { "s" },
            self.source,
            self.groupings.len(),
            if self.groupings.len() == 1 { "" } else { "s" },
            if flagged == 1 { "" } else { "s" },
            self.params.threshold()
        )
    }
}

/// One column, or one intersection of columns, audited.
pub struct Grouping {
    /// The columns, in `--by` order.
    pub columns: Vec<String>,
    /// The categories' names.
    pub names: Vec<String>,
    /// Per category: size, share and status.
    pub counts: Vec<CategoryCount>,
    /// Per category, then the missing count last: how the count is shown.
    pub cells: Vec<Cell>,
    /// Of them, those with no row in the groups file at all.
    pub no_row: u64,
    /// One entry per role.
    pub roles: Vec<RoleAudit>,
}

impl Grouping {
    /// The grouping's name: its columns joined by [`JOINER`].
    pub fn name(&self) -> String {
        self.columns.join(JOINER)
    }

    /// How many respondents are left out of the ratios per reason: under
    /// the privacy floor, under the minimum share (categories with the
    /// status, respondents in them).
    pub fn left_out(&self, status: Status) -> (usize, u64) {
        let of: Vec<&CategoryCount> = self.counts.iter().filter(|c| c.status == status).collect();
        (of.len(), of.iter().map(|c| c.n).sum())
    }
}

/// One role's audit in one grouping.
pub struct RoleAudit {
    /// The role's name.
    pub role: String,
    /// The cohort's median score for the role.
    pub median: Option<f64>,
    /// The selection rates.
    pub selection: MeasureAudit,
    /// The scoring rates (above the median).
    pub scoring: MeasureAudit,
    /// Per category flagged on either rate: the capabilities (names) the
    /// role weighs whose answers differ most from the rest's.
    pub drivers: Vec<(usize, Vec<(String, Driver)>)>,
}

/// Every non-empty subset of `columns`, singles first, in `--by` order.
fn subsets(columns: &[usize]) -> Vec<Vec<usize>> {
    let mut all: Vec<Vec<usize>> = (1u32..(1 << columns.len()))
        .map(|mask| {
            (0..columns.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| columns[i])
                .collect()
        })
        .collect();
    all.sort_by_key(|s| {
        (
            s.len(),
            s.iter()
                .map(|c| columns.iter().position(|x| x == c))
                .collect::<Vec<_>>(),
        )
    });
    all
}

/// Audits every column and intersection of `columns`.
fn audit_all(
    cohort: &Ranked,
    groups: &Groups,
    columns: &[usize],
    profiles: &ProfileBatch,
    matrix: &RoleMatrix,
    params: &ValidAuditParams,
) -> Vec<Grouping> {
    let ids: Vec<&str> = cohort.rows.iter().map(|&i| profiles.respondent(i)).collect();
    let per_column: Vec<Categories> = (0..groups.columns.len())
        .map(|c| {
            let values: Vec<Option<&str>> = ids
                .iter()
                .map(|id| groups.rows.get(*id).and_then(|v| v[c].as_deref()))
                .collect();
            Categories::from_values(&values)
        })
        .collect();
    let no_row = ids.iter().filter(|id| !groups.rows.contains_key(**id)).count() as u64;
    let medians: Vec<(Option<f64>, Vec<bool>)> = cohort.scores.iter().map(|s| above_median(s)).collect();
    let data = CohortValues::of(cohort, profiles);
    subsets(columns)
        .iter()
        .enumerate()
        .map(|(g, subset)| {
            let parts: Vec<&Categories> = subset.iter().map(|&c| &per_column[c]).collect();
            let categories = Categories::intersect(&parts, JOINER);
            let counts = CategoryCount::of(&categories, params);
            let mut all_counts: Vec<u64> = counts.iter().map(|c| c.n).collect();
            all_counts.push(categories.missing());
            let roles = (0..matrix.roles().len())
                .map(|j| {
                    let stream = ((g * matrix.roles().len() + j) * 2) as u64;
                    let selection = audit(&categories, &counts, &cohort.selected[j], stream, params);
                    let scoring = audit(&categories, &counts, &medians[j].1, stream + 1, params);
                    let drivers = role_drivers(
                        &categories,
                        &counts,
                        &data,
                        matrix,
                        j,
                        [&selection, &scoring],
                        params,
                    );
                    RoleAudit {
                        role: matrix.roles()[j].name.clone(),
                        median: medians[j].0,
                        selection,
                        scoring,
                        drivers,
                    }
                })
                .collect();
            Grouping {
                columns: subset.iter().map(|&c| groups.columns[c].clone()).collect(),
                names: categories.names().to_vec(),
                counts,
                cells: suppress(&all_counts, params.min_group()),
                no_row,
                roles,
            }
        })
        .collect()
}

/// The ranked respondents' answers, row-major.
struct CohortValues {
    values: Vec<f64>,
    answered: Vec<bool>,
    capabilities: usize,
}

impl CohortValues {
    fn of(cohort: &Ranked, profiles: &ProfileBatch) -> Self {
        let capabilities = profiles.capabilities();
        let mut values = Vec::with_capacity(cohort.rows.len() * capabilities);
        let mut answered = Vec::with_capacity(values.capacity());
        for &i in &cohort.rows {
            let (v, a) = profiles.row(i);
            values.extend_from_slice(v);
            answered.extend_from_slice(a);
        }
        CohortValues {
            values,
            answered,
            capabilities,
        }
    }
}

/// The drivers of each category flagged on either rate of role `j`:
/// among the capabilities the role weighs, those whose answers differ
/// most between the category and the other audited respondents. Only
/// when the rest has at least `--min-group` respondents too.
fn role_drivers(
    categories: &Categories,
    counts: &[CategoryCount],
    data: &CohortValues,
    matrix: &RoleMatrix,
    j: usize,
    measures: [&MeasureAudit; 2],
    params: &ValidAuditParams,
) -> Vec<(usize, Vec<(String, Driver)>)> {
    let audited: u64 = counts.iter().map(|c| c.n).sum();
    let weighed: Vec<bool> = matrix.roles()[j]
        .requirements
        .iter()
        .map(|q| q.importance > 0.0)
        .collect();
    (0..counts.len())
        .filter(|&c| {
            measures
                .iter()
                .any(|m| m.results[c].as_ref().is_some_and(|r| r.flagged))
        })
        .filter(|&c| audited - counts[c].n >= params.min_group())
        .map(|c| {
            let members: Vec<Membership> = categories
                .codes()
                .iter()
                .map(|code| match code {
                    Some(x) if *x == c => Membership::Category,
                    Some(_) => Membership::Rest,
                    None => Membership::Neither,
                })
                .collect();
            let all = drivers(
                &data.values,
                &data.answered,
                data.capabilities,
                &members,
                data.capabilities,
            );
            let named = all
                .into_iter()
                .filter(|d| weighed[d.capability])
                .take(DRIVERS)
                .map(|d| (matrix.capabilities()[d.capability].name.clone(), d))
                .collect();
            (c, named)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(19_723), "2024-01-01");
        assert_eq!(civil(20_513), "2026-03-01");
        assert!(parse_date("2026-12-07").is_ok());
        for bad in ["2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "x"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn every_intersection_singles_first() {
        assert_eq!(subsets(&[3, 1]), vec![vec![3], vec![1], vec![3, 1]]);
        assert_eq!(subsets(&[0, 1, 2]).len(), 7);
        assert_eq!(subsets(&[0, 1, 2])[3], vec![0, 1]);
        assert_eq!(subsets(&[0, 1, 2])[6], vec![0, 1, 2]);
    }
}
