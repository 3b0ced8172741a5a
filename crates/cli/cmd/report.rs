//! `rolefit report`: one self-contained HTML file about a cohort.
//!
//! The page holds its CSS and its charts (inline SVG) and nothing else: no
//! scripts, no fonts, images or styles from anywhere, not even a URL, so it
//! can be mailed, archived and opened offline. Its sections: a summary,
//! the distribution of top roles, fit-score histograms, clusters of
//! respondents (k chosen by silhouette), the role-overlap heatmap, the
//! cohort's largest capability gaps, and how to read it all.
//!
//! Every figure about respondents is over the **ranked** respondents only
//! (those who answered at least half the capabilities), so that all
//! sections describe one population, and every count goes through the
//! small-group rules of [`crate::privacy`]: groups smaller than `--min-group` are
//! withheld, and whatever else a withheld group would reveal (its
//! histogram, its cluster's centroid, its gaps) is left out with it.
//!
//! This module computes what the page says; the page itself is laid out
//! by the templates of [`crate::html::report`] (one per section) inside the
//! shared page shell, and the template engine escapes all text from the
//! user's files.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use askama::Template;
use clap::Args;
use rolefit_learn::cluster::{describe, ClusterParams, ClusterSummary, Clustering, CohortData, Method};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::overlap::{group_threshold, near_duplicate_threshold, overlap, Overlap};
use rolefit_score::{Outcome, RankedRole, Scorer, Strategy};

use crate::args::{
    CellSafety, Centring, ClusterChoice, Inputs, MinAnswered, OverlapLimit, Quiet, StrategyChoice,
};
use crate::cohort::{
    cluster, cluster_error, cluster_plot, load_cohort_scored_by, ClusterMap, Cohort, Grouping,
    DEFAULT_K_RANGE,
};
use crate::error::bad_input;
use crate::html::report::{self as html, Count};
use crate::html::{Fragment, Section, Svg};
use crate::io::Output;
use crate::plot::bars::{self, Bin};
use crate::privacy::{self, suppress, Cell};
use crate::registry::{Finished, Strategies};
use crate::render::number;
use crate::role_overlap::{check_size, near_duplicate_text, overlap_heatmap, separating_text};
use crate::settings::Settings;

/// `rolefit report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub choice: StrategyChoice,
    #[command(flatten)]
    pub centring: Centring,
    /// Groups smaller than this are left out of aggregates, for privacy.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_group: u32,
    #[command(flatten)]
    pub answered: MinAnswered,
    #[command(flatten)]
    pub grouping: ClusterChoice,
    /// Random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Write to FILE: the HTML page (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub cells: CellSafety,
    #[command(flatten)]
    pub overlap_limit: OverlapLimit,
    #[command(flatten)]
    pub quiet: Quiet,
    /// Not an option of report (labels are for evaluate and train): refused
    /// with a word on what there is, rather than clap's tip of --labels-map.
    #[arg(long, value_name = "FILE", hide = true)]
    pub labels: Option<PathBuf>,
}

/// The heatmap shows at most this many roles: all when the matrix has no
/// more, else those that are most often someone's top role.
pub const HEATMAP_ROLES: usize = 30;

/// Fit-score histogram bins are this wide.
pub const BIN_WIDTH: f64 = 0.05;

/// Per-role histograms are drawn for at most this many roles (the most
/// common best fits).
pub const HISTOGRAM_ROLES: usize = 12;

/// How many capabilities the gap table lists.
pub const GAP_ROWS: usize = 10;

/// Runs `rolefit report`.
pub fn run(args: &ReportArgs, settings: &Settings) -> Result<Finished> {
    if args.labels.is_some() {
        return Err(bad_input(
            "report takes no --labels: it describes a cohort without knowing their roles (evaluate and \
             train take --labels FILE, the true role of each respondent; --labels-map FILE names custom \
             label scales for the answers)",
        ));
    }
    let grouping = Grouping::of(&args.grouping)?;
    let strategies = Strategies::open(args.choice.plugin.duration())?;
    let (cohort, chosen) = load_cohort_scored_by(
        strategies.registry(),
        args.choice.name(),
        args.centring.center,
        &args.inputs.responses,
        &args.inputs.matrix,
        settings,
    )?;
    let strategy = chosen.get();
    check_size(&cohort.loaded.matrix, args.overlap_limit)?;
    cohort.loaded.print_notes(settings);
    let html = build(
        &cohort,
        strategy,
        u64::from(args.min_group),
        args.answered.ranking(),
        &ClusterRun {
            grouping,
            seed: args.seed,
        },
    )?;
    let mut out = Output::create(Some(&args.output))?;
    out.write_all(html.as_bytes())?;
    let finished = strategies.finish()?;
    out.finish()?;
    if !settings.quiet {
        eprintln!(
            "rolefit: wrote {} ({} respondent{} read; groups smaller than {} suppressed)",
            args.output.display(),
            cohort.profiles.len(),
            if cohort.profiles.len() == 1 { "" } else { "s" },
            args.min_group
        );
    }
    Ok(finished)
}

/// The ranked respondents and their rankings.
struct Ranked {
    /// Indices into the cohort of the ranked respondents.
    rows: Vec<usize>,
    /// Each ranked respondent's ranking, best first (all roles).
    rankings: Vec<Vec<RankedRole>>,
    /// Respondents not ranked (too few answers).
    unranked: usize,
}

fn rank_cohort(cohort: &Cohort, strategy: &dyn Strategy, min_answered: f64) -> Result<Ranked> {
    let outcomes = Scorer::new(&cohort.compiled, strategy)
        .min_answered(min_answered)
        .score_batch(&cohort.profiles)?;
    let mut ranked = Ranked {
        rows: Vec::new(),
        rankings: Vec::new(),
        unranked: 0,
    };
    for (i, o) in outcomes.into_iter().enumerate() {
        match o {
            Outcome::Ranked(r) if !r.is_empty() => {
                ranked.rows.push(i);
                ranked.rankings.push(r);
            }
            _ => ranked.unranked += 1,
        }
    }
    Ok(ranked)
}

/// How the report groups respondents: `--clusters`, `--k-range`,
/// `--method` (as `cluster` reads them) and `--seed`.
#[derive(Debug, Clone, Copy)]
pub struct ClusterRun {
    /// The grouping asked for.
    pub grouping: Grouping,
    /// The random seed.
    pub seed: u64,
}

/// Builds the whole page: `m` is `--min-group`, `min_answered` the share
/// of capabilities a respondent must answer to be ranked.
pub fn build(
    cohort: &Cohort,
    strategy: &dyn Strategy,
    m: u64,
    min_answered: f64,
    run: &ClusterRun,
) -> Result<String> {
    let matrix = &cohort.loaded.matrix;
    let ranked = rank_cohort(cohort, strategy, min_answered)?;
    let r = ranked.rows.len() as u64;
    let mut page = Page::new(matrix, &cohort.source, strategy, m, min_answered);

    // Summary.
    let top_counts: Vec<u64> = {
        let mut c = vec![0u64; matrix.roles().len()];
        for ranking in &ranked.rankings {
            c[ranking[0].role] += 1;
        }
        c
    };
    let role_cells = suppress(&top_counts, m);
    let enough = privacy::publishable(r, m);
    page.summary(&ranked, &role_cells, enough)?;

    if enough {
        page.top_roles(&top_counts, &role_cells, r)?;
        page.fit_scores(&ranked, &role_cells)?;
        page.clusters(cohort, &ranked, strategy, run)?;
    } else {
        let text = format!(
            "Fewer than {m} respondents were ranked, so every figure about respondents is suppressed."
        );
        page.section("top-roles", "Respondents", &html::Note { text: &text })?;
    }
    let o = overlap(&cohort.compiled, strategy)?;
    page.overlap(&o, &top_counts)?;
    if enough {
        page.gaps(cohort, &ranked, &role_cells)?;
    }
    page.method(run)?;
    page.finish(cohort.loaded.credit.as_deref())
}

/// The clustering method for people.
fn method_words(method: Method) -> &'static str {
    match method {
        Method::KMeans => "k-means",
        Method::Gmm => "a Gaussian mixture",
    }
}

/// How the clusters were formed, for the "How to read" section.
fn grouping_words(run: &ClusterRun) -> String {
    let how = match run.grouping.method {
        Method::KMeans => format!("k-means (10 runs, k-means++ starts, seed {})", run.seed),
        Method::Gmm => format!(
            "a Gaussian mixture (full covariances, from a k-means start, seed {})",
            run.seed
        ),
    };
    match (run.grouping.k, run.grouping.range) {
        (Some(k), _) => format!("{how} with k = {k} (--clusters)"),
        (None, range) => {
            let (a, b) = range.unwrap_or(DEFAULT_K_RANGE);
            format!("{how}, k from {a} to {b} (fewer for small cohorts)")
        }
    }
}

/// The page being written.
struct Page<'a> {
    matrix: &'a RoleMatrix,
    source: &'a str,
    strategy: &'a dyn Strategy,
    m: u64,
    /// The share of capabilities a respondent must answer to be ranked.
    min_answered: f64,
    sections: Vec<Section>,
    /// How many counts each section withheld, for the method section.
    withheld: Vec<(&'static str, usize)>,
}

impl<'a> Page<'a> {
    fn new(
        matrix: &'a RoleMatrix,
        source: &'a str,
        strategy: &'a dyn Strategy,
        m: u64,
        min_answered: f64,
    ) -> Self {
        Page {
            matrix,
            source,
            strategy,
            m,
            min_answered,
            sections: Vec::new(),
            withheld: Vec::new(),
        }
    }

    /// Adds the section `id`, headed `title`, holding `content` rendered.
    fn section(&mut self, id: &'static str, title: &'static str, content: &impl Template) -> Result<()> {
        self.sections.push(Section {
            id: id.into(),
            title: title.into(),
            content: Fragment::of(content)?,
        });
        Ok(())
    }

    fn role_name(&self, j: usize) -> String {
        self.matrix.roles()[j].name.clone()
    }

    fn cap_name(&self, c: usize) -> String {
        self.matrix.capabilities()[c].name.clone()
    }

    /// A count as the page shows it.
    fn count(&self, cell: Cell) -> Count {
        match cell {
            Cell::Shown(n) => Count::Shown(n),
            other => Count::Withheld(other.text(self.m)),
        }
    }

    fn summary(&mut self, ranked: &Ranked, role_cells: &[Cell], enough: bool) -> Result<()> {
        // The ranked respondents are the population of every other figure
        // (their count is the sum of the top-role counts anyway), and the
        // total read is not shown, so the unranked count is protected by
        // the primary rule alone.
        let r = ranked.rows.len() as u64;
        let unranked = [Cell::Shown(r), suppress(&[ranked.unranked as u64], self.m)[0]];
        let shown_roles = role_cells
            .iter()
            .filter(|c| matches!(c, Cell::Shown(n) if *n > 0))
            .count();
        let card = |value: Count, label: &str| html::Card {
            value,
            label: label.to_string(),
        };
        let mut cards = vec![
            card(self.count(unranked[0]), "respondents ranked"),
            card(
                self.count(unranked[1]),
                &format!(
                    "not ranked (fewer than {:.0}% of capabilities answered)",
                    self.min_answered * 100.0
                ),
            ),
            card(
                Count::Shown(self.matrix.roles().len() as u64),
                "roles in the matrix",
            ),
            card(
                Count::Shown(self.matrix.capabilities().len() as u64),
                "capabilities",
            ),
        ];
        if enough {
            cards.push(card(
                Count::Shown(shown_roles as u64),
                "roles that are someone's best fit (shown)",
            ));
        }
        self.withheld
            .push(("summary", unranked.iter().filter(|c| !c.is_shown()).count()));
        let summary = html::Summary {
            cards,
            strategy: self.strategy.name(),
            formula: self.strategy.formula(),
            m: self.m,
        };
        self.section("summary", "Summary", &summary)
    }

    fn top_roles(&mut self, counts: &[u64], cells: &[Cell], total: u64) -> Result<()> {
        let mut order: Vec<usize> = (0..counts.len()).collect();
        // Largest shown first; withheld ones last, in matrix order (their
        // position must not hint at their size).
        order.sort_by_key(|&j| match cells[j] {
            Cell::Shown(n) => (0, std::cmp::Reverse(n), j),
            _ => (1, std::cmp::Reverse(0), j),
        });
        let bars: Vec<(String, bars::Count)> = order
            .iter()
            .map(|&j| {
                let count = match cells[j] {
                    Cell::Shown(n) => bars::Count::Shown(n),
                    _ => bars::Count::Suppressed,
                };
                (self.role_name(j), count)
            })
            .collect();
        let svg = bars::hbars(
            "Respondents by best-fitting role",
            &bars,
            &format!("<{} or suppressed", self.m),
            total,
        )?;
        let rows = order
            .iter()
            .map(|&j| html::TopRole {
                role: self.role_name(j),
                count: self.count(cells[j]),
                share: match cells[j] {
                    Cell::Shown(n) if total > 0 => {
                        format!("{:.0}%", 100.0 * n as f64 / total as f64)
                    }
                    _ => String::new(),
                },
            })
            .collect();
        self.withheld
            .push(("top roles", cells.iter().filter(|c| !c.is_shown()).count()));
        let top = html::TopRoles {
            chart: Svg::inline(&svg),
            rows,
        };
        self.section("top-roles", "Top roles", &top)
    }

    fn fit_scores(&mut self, ranked: &Ranked, role_cells: &[Cell]) -> Result<()> {
        let tops: Vec<f64> = ranked.rankings.iter().map(|r| r[0].score).collect();
        let (lo, hi) = bin_range(&tops);
        let bins = ((hi - lo) / BIN_WIDTH).round().max(1.0) as usize;
        let histogram = |scores: &mut dyn Iterator<Item = f64>| -> (Vec<u64>, Vec<Cell>) {
            let mut counts = vec![0u64; bins];
            for s in scores {
                let b = (((s - lo) / BIN_WIDTH).floor().max(0.0) as usize).min(bins - 1);
                counts[b] += 1;
            }
            let cells = suppress(&counts, self.m);
            (counts, cells)
        };
        let to_bins = |cells: &[Cell]| -> Vec<Bin> {
            cells
                .iter()
                .enumerate()
                .map(|(b, c)| Bin {
                    lo: lo + BIN_WIDTH * b as f64,
                    hi: lo + BIN_WIDTH * (b + 1) as f64,
                    count: match c {
                        Cell::Shown(n) => bars::Count::Shown(*n),
                        _ => bars::Count::Suppressed,
                    },
                })
                .collect()
        };
        let small = format!("<{}", self.m);
        let mut withheld = 0;
        let (_, cells) = histogram(&mut tops.iter().copied());
        withheld += cells.iter().filter(|c| !c.is_shown()).count();
        let all = bars::histogram(
            "Best-fit score, all ranked respondents",
            &format!("score of the best-fitting role ({})", self.strategy.name()),
            &to_bins(&cells),
            &small,
            (760, 300),
        )?;
        let mut by_role = Vec::new();
        let mut all_withheld = Vec::new();
        let mut eligible: Vec<(usize, u64)> = role_cells
            .iter()
            .enumerate()
            .filter_map(|(j, c)| match *c {
                Cell::Shown(n) if privacy::publishable(n, self.m) => Some((j, n)),
                _ => None,
            })
            .collect();
        eligible.sort_by_key(|&(j, n)| (std::cmp::Reverse(n), j));
        let left_out = eligible.len().saturating_sub(HISTOGRAM_ROLES);
        eligible.truncate(HISTOGRAM_ROLES);
        eligible.sort_unstable();
        for &(j, n) in &eligible {
            let role = &self.matrix.roles()[j];
            let mut scores = ranked
                .rankings
                .iter()
                .filter(|r| r[0].role == j)
                .map(|r| r[0].score);
            let (_, cells) = histogram(&mut scores);
            withheld += cells.iter().filter(|c| !c.is_shown()).count();
            if !cells.iter().any(|c| matches!(c, Cell::Shown(n) if *n > 0)) {
                // Every bin withheld: an empty chart says nothing.
                all_withheld.push(self.role_name(j));
                continue;
            }
            let svg = bars::histogram(
                &format!("{} ({n})", crate::plot::shorten(&role.name, 40)),
                "best-fit score",
                &to_bins(&cells),
                &small,
                (420, 240),
            )?;
            by_role.push(Svg::inline(&svg));
        }
        self.withheld.push(("fit-score histograms", withheld));
        let fit = html::FitScores {
            bin_width: BIN_WIDTH,
            m: self.m,
            small,
            all: Svg::inline(&all),
            none_drawn: by_role.is_empty() && all_withheld.is_empty(),
            by_role,
            all_withheld,
            max_roles: HISTOGRAM_ROLES,
            left_out,
            some_withheld: role_cells
                .iter()
                .any(|c| matches!(c, Cell::Small | Cell::Complementary)),
        };
        self.section("fit-scores", "Fit scores", &fit)
    }

    fn clusters(
        &mut self,
        cohort: &Cohort,
        ranked: &Ranked,
        strategy: &dyn Strategy,
        run: &ClusterRun,
    ) -> Result<()> {
        let n = ranked.rows.len();
        // Privacy: no more clusters than groups of --min-group there are.
        let most = n / self.m.max(1) as usize;
        let too_few = |k: usize| html::Clusters::TooFew { k, m: self.m };
        let (k, range) = match (run.grouping.k, run.grouping.range) {
            (Some(k), _) if k > most.max(1) => {
                return self.section("clusters", "Clusters", &too_few(k));
            }
            (Some(k), _) => (Some(k), None),
            (None, range) => {
                let (a, b) = range.unwrap_or(DEFAULT_K_RANGE);
                if b.min(most) < a {
                    return self.section("clusters", "Clusters", &too_few(a));
                }
                (None, Some((a, b.min(most))))
            }
        };
        let mut batch = ProfileBatch::with_capacity(cohort.profiles.capabilities(), n);
        for &i in &ranked.rows {
            batch.push_profile(&cohort.profiles.profile(i));
        }
        let data = CohortData::from_batch(&batch, self.matrix.scale());
        if identical_rows(&data) {
            return self.section("clusters", "Clusters", &html::Clusters::Identical);
        }
        let params = ClusterParams::new(run.grouping.method)
            .seed(run.seed)
            .check()
            .map_err(|e| anyhow::anyhow!("the default clustering parameters were refused: {e}"))?;
        let result = cluster(&data, k, range, &params)?;
        let clustering = &result.clustering;
        let summaries = describe(
            &data,
            clustering,
            &cohort.compiled,
            strategy,
            result.silhouette.as_ref(),
        )
        .map_err(cluster_error)?;
        let sizes: Vec<u64> = clustering.sizes().iter().map(|&s| s as u64).collect();
        let cells = suppress(&sizes, self.m);
        let hidden = |c: usize| !cells[c].is_shown();
        let map = match cluster_plot(&data, self.matrix, clustering, run.seed, Some(&hidden))? {
            ClusterMap::Drawn(svg) => html::Map::Drawn(Svg::inline(&svg)),
            ClusterMap::NotDrawn(why) => html::Map::NotDrawn(why),
        };
        let tried = result
            .tried
            .iter()
            .map(|t| html::KTried {
                k: t.k,
                silhouette: fixed3(t.silhouette),
                chosen: t.k == clustering.requested_k(),
            })
            .collect();
        self.withheld
            .push(("clusters", cells.iter().filter(|c| !c.is_shown()).count()));
        let clusters = html::Clusters::Formed {
            method: method_words(run.grouping.method),
            range: result.range.map(|(from, to)| html::KRange { from, to }),
            k: clustering.k(),
            silhouette: result
                .silhouette
                .as_ref()
                .map_or("undefined (one cluster)".to_string(), |s| {
                    format!("{:.3}", s.overall)
                }),
            tried,
            map,
            strategy: self.strategy.name(),
            rows: self.cluster_rows(clustering, &summaries, &cells),
            m: self.m,
        };
        self.section("clusters", "Clusters", &clusters)
    }

    fn cluster_rows(
        &self,
        clustering: &Clustering,
        summaries: &[ClusterSummary],
        cells: &[Cell],
    ) -> Vec<html::ClusterRow> {
        let n: usize = clustering.sizes().iter().sum();
        summaries
            .iter()
            .enumerate()
            .map(|(c, summary)| {
                let swatch = crate::plot::colour(c);
                let figures = match cells[c] {
                    Cell::Shown(size) => html::ClusterFigures::Shown {
                        size,
                        percent: format!("{:.0}", 100.0 * size as f64 / n as f64),
                        nearest_role: self.role_name(summary.nearest_role.role),
                        nearest_score: format!("{:.3}", summary.nearest_role.score),
                        silhouette: fixed3(summary.silhouette),
                        distinguishing: summary
                            .distinguishing
                            .iter()
                            .map(|d| html::Distinguishing {
                                capability: self.cap_name(d.capability),
                                higher: d.effect >= 0.0,
                                effect: format!("{:.2}", d.effect.abs()),
                                cluster_mean: number(d.cluster_mean, 2),
                                rest_mean: number(d.rest_mean, 2),
                            })
                            .collect(),
                    },
                    other => html::ClusterFigures::Withheld(self.count(other)),
                };
                html::ClusterRow {
                    index: c,
                    colour: format!("{:02X}{:02X}{:02X}", swatch.0, swatch.1, swatch.2),
                    figures,
                }
            })
            .collect()
    }

    fn overlap(&mut self, o: &Overlap, top_counts: &[u64]) -> Result<()> {
        let k = self.matrix.roles().len();
        let order: Vec<usize> = if k <= HEATMAP_ROLES {
            o.leaf_order()
        } else {
            let mut by_count: Vec<usize> = (0..k).collect();
            by_count.sort_by_key(|&j| (std::cmp::Reverse(top_counts[j]), j));
            by_count.truncate(HEATMAP_ROLES);
            o.leaf_order()
                .into_iter()
                .filter(|j| by_count.contains(j))
                .collect()
        };
        let note = if k <= HEATMAP_ROLES {
            "Each role's levels scored as a profile against the other role, averaged both ways; roles in dendrogram order, so similar roles sit together.".to_string()
        } else {
            format!(
                "The {HEATMAP_ROLES} roles that are most often someone's best fit, of {k}, in dendrogram order."
            )
        };
        let svg = overlap_heatmap(self.matrix, o, self.strategy, &order, Some(&note))?;
        let threshold = near_duplicate_threshold(self.strategy.name());
        let dups = o.near_duplicates(threshold);
        let cut = group_threshold(self.strategy.name());
        let groups = o
            .groups(1.0 - cut)
            .into_iter()
            .filter(|g| g.len() > 1)
            .take(30)
            .map(|g| g.iter().map(|&j| self.role_name(j)).collect())
            .collect();
        let mut pairs: Vec<_> = o.pairs().iter().collect();
        pairs.sort_by(|x, y| {
            y.similarity
                .total_cmp(&x.similarity)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let section = html::Overlap {
            heatmap: Svg::inline(&svg),
            threshold,
            strategy: self.strategy.name(),
            duplicates: dups
                .iter()
                .take(20)
                .map(|p| near_duplicate_text(self.matrix, p, self.strategy))
                .collect(),
            more_duplicates: dups.len().saturating_sub(20),
            cut,
            groups,
            pairs: pairs
                .iter()
                .take(5)
                .map(|p| html::SimilarPair {
                    a: self.role_name(p.a),
                    b: self.role_name(p.b),
                    similarity: format!("{:.3}", p.similarity),
                    separating: separating_text(self.matrix, p),
                })
                .collect(),
        };
        self.section("overlap", "Role overlap", &section)
    }

    fn gaps(&mut self, cohort: &Cohort, ranked: &Ranked, role_cells: &[Cell]) -> Result<()> {
        let c = self.matrix.capabilities().len();
        let levels = cohort.compiled.levels();
        let weights = cohort.compiled.importances();
        // Per capability: respondents counted, sum of shortfalls, sum of
        // importance x shortfall, respondents 1 point or more short.
        let mut stats = vec![GapStats::default(); c];
        let mut by_role = vec![vec![GapStats::default(); c]; self.matrix.roles().len()];
        for (&i, ranking) in ranked.rows.iter().zip(&ranked.rankings) {
            let t = ranking[0].role;
            let (values, answered) = cohort.profiles.row(i);
            for cap in 0..c {
                let w = weights[[t, cap]];
                if !answered[cap] || w <= 0.0 {
                    continue;
                }
                let short = (levels[[t, cap]] - values[cap]).max(0.0);
                stats[cap].add(short, w);
                by_role[t][cap].add(short, w);
            }
        }
        let mut order: Vec<usize> = (0..c)
            .filter(|&cap| privacy::publishable(stats[cap].n, self.m))
            .collect();
        order.sort_by(|&a, &b| {
            stats[b]
                .weighted_mean()
                .total_cmp(&stats[a].weighted_mean())
                .then(a.cmp(&b))
        });
        let hidden = c - order.len();
        let rows: Vec<html::GapRow> = order
            .iter()
            .take(GAP_ROWS)
            .map(|&cap| {
                let st = &stats[cap];
                html::GapRow {
                    capability: self.cap_name(cap),
                    counted: st.n,
                    mean: format!("{:.2}", st.mean()),
                    weighted: format!("{:.2}", st.weighted_mean()),
                    short: self.short_text(st),
                }
            })
            .collect();
        let withheld = rows.iter().filter(|r| r.short.is_none()).count();
        // The largest gaps of each role's holders, for roles shown above.
        let mut roles = Vec::new();
        for (j, role_stats) in by_role.iter().enumerate() {
            let Cell::Shown(holders) = role_cells[j] else {
                continue;
            };
            if !privacy::publishable(holders, self.m) {
                continue;
            }
            let mut caps: Vec<usize> = (0..c)
                .filter(|&cap| {
                    privacy::publishable(role_stats[cap].n, self.m) && role_stats[cap].short_sum > 0.0
                })
                .collect();
            caps.sort_by(|&a, &b| {
                role_stats[b]
                    .weighted_mean()
                    .total_cmp(&role_stats[a].weighted_mean())
                    .then(a.cmp(&b))
            });
            roles.push(html::RoleGaps {
                role: self.role_name(j),
                holders,
                gaps: caps
                    .iter()
                    .take(3)
                    .map(|&cap| (self.cap_name(cap), format!("{:.2}", role_stats[cap].mean())))
                    .collect(),
            });
        }
        self.withheld.push(("capability gaps", withheld + hidden));
        let gaps = html::Gaps {
            rows,
            m: self.m,
            hidden,
            by_role: roles,
        };
        self.section("gaps", "Largest capability gaps", &gaps)
    }

    /// "12 (30%)" respondents 1 point or more short, or `None` when that
    /// group or its complement is small.
    fn short_text(&self, st: &GapStats) -> Option<String> {
        let (a, b) = (st.short_one, st.n - st.short_one);
        let small = |x: u64| x > 0 && x < self.m;
        if small(a) || small(b) {
            None
        } else {
            Some(format!("{a} ({:.0}%)", 100.0 * a as f64 / st.n as f64))
        }
    }

    fn method(&mut self, run: &ClusterRun) -> Result<()> {
        let withheld: Vec<String> = self
            .withheld
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(what, n)| format!("{what}: {n}"))
            .collect();
        let method = html::Method {
            min_answered: format!("{:.0}", self.min_answered * 100.0),
            strategy: self.strategy.name(),
            formula: self.strategy.formula(),
            m: self.m,
            withheld: if withheld.is_empty() {
                "nothing".to_string()
            } else {
                withheld.join("; ")
            },
            grouping: grouping_words(run),
            near_duplicate: near_duplicate_threshold(self.strategy.name()),
            group_cut: group_threshold(self.strategy.name()),
        };
        self.section("method", "How to read this report", &method)
    }

    fn finish(self, credit: Option<&str>) -> Result<String> {
        let title = format!("Cohort report: {}", self.source);
        let header = html::Header {
            source: self.source,
            matrix: self.matrix.source(),
            roles: self.matrix.roles().len(),
            capabilities: self.matrix.capabilities().len(),
            strategy: self.strategy.name(),
            m: self.m,
        };
        let footer = html::Footer {
            credit,
            version: env!("CARGO_PKG_VERSION"),
        };
        crate::html::render(&crate::html::Page {
            title: &title,
            header: Fragment::of(&header)?,
            sections: &self.sections,
            footer: Fragment::of(&footer)?,
            style: Fragment::default(),
            script: Fragment::default(),
        })
    }
}

/// A silhouette to three decimals, "-" when there is none.
fn fixed3(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.3}"))
}

/// Respondents' shortfalls on one capability.
#[derive(Debug, Clone, Default)]
struct GapStats {
    n: u64,
    short_sum: f64,
    weighted_sum: f64,
    short_one: u64,
}

impl GapStats {
    fn add(&mut self, short: f64, weight: f64) {
        self.n += 1;
        self.short_sum += short;
        self.weighted_sum += short * weight;
        if short >= 1.0 - 1e-9 {
            self.short_one += 1;
        }
    }

    fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.short_sum / self.n as f64
        }
    }

    fn weighted_mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.weighted_sum / self.n as f64
        }
    }
}

/// Whether every respondent of `data` has the same values (nothing to
/// cluster or project).
fn identical_rows(data: &CohortData) -> bool {
    let values = data.values();
    let mut rows = values.outer_iter();
    let Some(first) = rows.next() else {
        return true;
    };
    rows.all(|row| row == first)
}

/// The histogram range: whole bins around the scores (at least 4 bins).
fn bin_range(scores: &[f64]) -> (f64, f64) {
    let (lo, hi) = scores
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let mut lo = (lo / BIN_WIDTH).floor() * BIN_WIDTH;
    let mut hi = ((hi / BIN_WIDTH).floor() + 1.0) * BIN_WIDTH;
    while hi - lo < 4.0 * BIN_WIDTH - 1e-9 {
        lo -= BIN_WIDTH;
        hi += BIN_WIDTH;
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_the_scores_in_whole_steps() {
        let (lo, hi) = bin_range(&[0.71, 0.93]);
        assert!((lo - 0.7).abs() < 1e-9 && (hi - 0.95).abs() < 1e-9);
        let (lo, hi) = bin_range(&[0.5]);
        assert!(hi - lo >= 4.0 * BIN_WIDTH - 1e-9 && lo <= 0.5 && hi > 0.5);
        assert_eq!(bin_range(&[]), (0.0, 1.0));
    }
}
