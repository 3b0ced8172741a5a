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
//! small-group rules of [`privacy`]: groups smaller than `--min-group` are
//! withheld, and whatever else a withheld group would reveal (its
//! histogram, its cluster's centroid, its gaps) is left out with it. All
//! text from the user's files is escaped.

mod privacy;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::cluster::{
    describe, ClusterParams, ClusterSummary, Clustering, CohortData, KChoice, Method,
};
use rolefit_score::overlap::{group_threshold, near_duplicate_threshold, overlap, Overlap};
use rolefit_score::{Outcome, RankedRole, Scorer, Strategy};

use self::privacy::{suppress, Cell};
use crate::args::{
    CellSafety, Centring, ClusterChoice, InputEncoding, MatrixSource, MinAnswered, OverlapLimit, Quiet,
    ResponsesSource, StrategyChoice,
};
use crate::cohort::{
    cluster, cluster_error, cluster_plot, load_cohort, ClusterMap, Cohort, Grouping, DEFAULT_K_RANGE,
};
use crate::error::bad_input;
use crate::io::Output;
use crate::plot::bars::{self, Bin, Count};
use crate::plot::{escape, inline};
use crate::registry::{Finished, Strategies};
use crate::render::number;
use crate::role_overlap::{check_size, near_duplicate_text, overlap_heatmap, separating_text};
use crate::settings::Settings;

/// `rolefit report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub responses: ResponsesSource,
    #[command(flatten)]
    pub matrix: MatrixSource,
    #[command(flatten)]
    pub encoding: InputEncoding,
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
    let chosen =
        crate::strategy::by_name(strategies.registry(), &args.choice.strategy, args.centring.center)?;
    let strategy = chosen.get();
    let cohort = load_cohort(&args.responses, &args.matrix, settings)?;
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
    // Ids and names reach the page (and its plots) from user data.
    let html = crate::plot::xml_safe(&html);
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
    page.summary(&ranked, &role_cells, enough);

    if enough {
        page.top_roles(&top_counts, &role_cells, r)?;
        page.fit_scores(&ranked, &role_cells)?;
        page.clusters(cohort, &ranked, strategy, run)?;
    } else {
        page.section(
            "top-roles",
            "Respondents",
            &format!(
                "<p class=\"note\">Fewer than {m} respondents were ranked, so every figure about respondents is suppressed.</p>"
            ),
        );
    }
    let o = overlap(&cohort.compiled, strategy)?;
    page.overlap(&o, &top_counts)?;
    if enough {
        page.gaps(cohort, &ranked, &role_cells);
    }
    page.method(run);
    Ok(page.finish(cohort.loaded.onet))
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
    body: String,
    nav: Vec<(&'static str, &'static str)>,
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
            body: String::new(),
            nav: Vec::new(),
            withheld: Vec::new(),
        }
    }

    fn section(&mut self, id: &'static str, title: &'static str, content: &str) {
        self.nav.push((id, title));
        let _ = write!(
            self.body,
            "<section id=\"{id}\">\n<h2>{}</h2>\n{content}\n</section>\n",
            escape(title)
        );
    }

    fn role_name(&self, j: usize) -> String {
        escape(&self.matrix.roles()[j].name)
    }

    fn cap_name(&self, c: usize) -> String {
        escape(&self.matrix.capabilities()[c].name)
    }

    fn count_text(&self, cell: Cell) -> String {
        match cell {
            Cell::Shown(n) => n.to_string(),
            other => format!(
                "<span class=\"suppressed\">{}</span>",
                escape(&other.text(self.m))
            ),
        }
    }

    fn summary(&mut self, ranked: &Ranked, role_cells: &[Cell], enough: bool) {
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
        let mut s = String::new();
        s.push_str("<div class=\"cards\">\n");
        let card = |s: &mut String, value: String, label: &str| {
            let _ = writeln!(
                s,
                "<div class=\"card\"><div class=\"value\">{value}</div><div class=\"label\">{}</div></div>",
                escape(label)
            );
        };
        card(&mut s, self.count_text(unranked[0]), "respondents ranked");
        card(
            &mut s,
            self.count_text(unranked[1]),
            &format!(
                "not ranked (fewer than {:.0}% of capabilities answered)",
                self.min_answered * 100.0
            ),
        );
        card(
            &mut s,
            self.matrix.roles().len().to_string(),
            "roles in the matrix",
        );
        card(
            &mut s,
            self.matrix.capabilities().len().to_string(),
            "capabilities",
        );
        if enough {
            card(
                &mut s,
                shown_roles.to_string(),
                "roles that are someone's best fit (shown)",
            );
        }
        s.push_str("</div>\n");
        let _ = write!(
            s,
            "<p>Scored with <b>{}</b>: <code>{}</code>. Groups of fewer than {} respondents are suppressed throughout (see <a href=\"#method\">How to read this report</a>).</p>",
            escape(self.strategy.name()),
            escape(self.strategy.formula()),
            self.m
        );
        self.withheld
            .push(("summary", unranked.iter().filter(|c| !c.is_shown()).count()));
        self.section("summary", "Summary", &s);
    }

    fn top_roles(&mut self, counts: &[u64], cells: &[Cell], total: u64) -> Result<()> {
        let mut order: Vec<usize> = (0..counts.len()).collect();
        // Largest shown first; withheld ones last, in matrix order (their
        // position must not hint at their size).
        order.sort_by_key(|&j| match cells[j] {
            Cell::Shown(n) => (0, std::cmp::Reverse(n), j),
            _ => (1, std::cmp::Reverse(0), j),
        });
        let rows: Vec<(String, Count)> = order
            .iter()
            .map(|&j| {
                let count = match cells[j] {
                    Cell::Shown(n) => Count::Shown(n),
                    _ => Count::Suppressed,
                };
                (self.matrix.roles()[j].name.clone(), count)
            })
            .collect();
        let svg = bars::hbars(
            "Respondents by best-fitting role",
            &rows,
            &format!("<{} or suppressed", self.m),
            total,
        )?;
        let mut s = format!("<figure>{}</figure>\n", inline(&svg));
        s.push_str("<table>\n<thead><tr><th>Role</th><th class=\"num\">Respondents whose best fit it is</th><th class=\"num\">Share</th></tr></thead>\n<tbody>\n");
        for &j in &order {
            let share = match cells[j] {
                Cell::Shown(n) if total > 0 => format!("{:.0}%", 100.0 * n as f64 / total as f64),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{share}</td></tr>",
                self.role_name(j),
                self.count_text(cells[j])
            );
        }
        s.push_str("</tbody>\n</table>\n");
        self.withheld
            .push(("top roles", cells.iter().filter(|c| !c.is_shown()).count()));
        self.section("top-roles", "Top roles", &s);
        Ok(())
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
                        Cell::Shown(n) => Count::Shown(*n),
                        _ => Count::Suppressed,
                    },
                })
                .collect()
        };
        let small = format!("<{}", self.m);
        let mut withheld = 0;
        let (_, cells) = histogram(&mut tops.iter().copied());
        withheld += cells.iter().filter(|c| !c.is_shown()).count();
        let svg = bars::histogram(
            "Best-fit score, all ranked respondents",
            &format!("score of the best-fitting role ({})", self.strategy.name()),
            &to_bins(&cells),
            &small,
            (760, 300),
        )?;
        let mut s = format!(
            "<p>How well each respondent fits their best role: 1 is a perfect fit. Bins are {BIN_WIDTH} wide; a bin of fewer than {} respondents shows <span class=\"suppressed\">{}</span> and no bar.</p>\n<figure>{}</figure>\n",
            self.m,
            escape(&small),
            inline(&svg)
        );
        s.push_str("<h3>By best-fitting role</h3>\n<div class=\"grid\">\n");
        let mut drawn = 0;
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
            let _ = writeln!(s, "<figure>{}</figure>", inline(&svg));
            drawn += 1;
        }
        s.push_str("</div>\n");
        if !all_withheld.is_empty() {
            let _ = writeln!(
                s,
                "<p class=\"note\">Every bin of {} holds fewer than {} respondents (or protects one that does), so no histogram is drawn.</p>",
                all_withheld.join(", "),
                self.m
            );
        }
        if left_out > 0 {
            let _ = writeln!(
                s,
                "<p class=\"note\">The {HISTOGRAM_ROLES} most common best fits are shown; {left_out} other roles are not.</p>"
            );
        }
        if drawn == 0 && all_withheld.is_empty() {
            s.push_str("<p class=\"note\">No role is the best fit of enough respondents to show its histogram.</p>\n");
        } else if role_cells
            .iter()
            .any(|c| matches!(c, Cell::Small | Cell::Complementary))
        {
            let _ = writeln!(
                s,
                "<p class=\"note\">Roles that are the best fit of fewer than {} respondents (or withheld to protect one) have no histogram.</p>",
                self.m
            );
        }
        self.withheld.push(("fit-score histograms", withheld));
        self.section("fit-scores", "Fit scores", &s);
        Ok(())
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
        let too_few = |k: usize| {
            format!(
                "<p class=\"note\">Too few ranked respondents to form {k} clusters of at least {} each.</p>",
                self.m
            )
        };
        let (k, range) = match (run.grouping.k, run.grouping.range) {
            (Some(k), _) if k > most.max(1) => {
                self.section("clusters", "Clusters", &too_few(k));
                return Ok(());
            }
            (Some(k), _) => (Some(k), None),
            (None, range) => {
                let (a, b) = range.unwrap_or(DEFAULT_K_RANGE);
                if b.min(most) < a {
                    self.section("clusters", "Clusters", &too_few(a));
                    return Ok(());
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
            let s = "<p class=\"note\">Every ranked respondent gave the same answers: there are no clusters to form, and the map is not drawn.</p>\n";
            self.section("clusters", "Clusters", s);
            return Ok(());
        }
        let params = ClusterParams::new(run.grouping.method).seed(run.seed);
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
            ClusterMap::Drawn(svg) => format!("<figure>{}</figure>", inline(&svg)),
            ClusterMap::NotDrawn(why) => {
                format!("<p class=\"note\">The map is not drawn: {}.</p>", escape(&why))
            }
        };

        let silhouette = result
            .silhouette
            .as_ref()
            .map_or("undefined (one cluster)".to_string(), |s| {
                format!("{:.3}", s.overall)
            });
        let mut s = match result.range {
            Some((a, b)) => format!(
                "<p>Respondents grouped by {} on their answers (missing answers imputed with the capability's mean), for k = {a} to {b}; the k with the highest silhouette (how much closer respondents are to their own cluster than to the next, from -1 to 1) was kept: <b>k = {}</b>, silhouette {silhouette}.</p>\n",
                method_words(run.grouping.method),
                clustering.k(),
            ),
            None => format!(
                "<p>Respondents grouped by {} on their answers (missing answers imputed with the capability's mean) into <b>k = {}</b> clusters (--clusters); silhouette (how much closer respondents are to their own cluster than to the next, from -1 to 1) {silhouette}.</p>\n",
                method_words(run.grouping.method),
                clustering.k(),
            ),
        };
        if !result.tried.is_empty() {
            s.push_str(&k_table(&result.tried, clustering));
        }
        let _ = writeln!(s, "{map}");
        s.push_str(&self.cluster_table(clustering, &summaries, &cells));
        self.withheld
            .push(("clusters", cells.iter().filter(|c| !c.is_shown()).count()));
        self.section("clusters", "Clusters", &s);
        Ok(())
    }

    fn cluster_table(&self, clustering: &Clustering, summaries: &[ClusterSummary], cells: &[Cell]) -> String {
        let n: usize = clustering.sizes().iter().sum();
        let mut s = format!(
            "<table>\n<thead><tr><th>Cluster</th><th class=\"num\">Respondents</th><th>Nearest role ({})</th><th class=\"num\">Silhouette</th><th>Most distinguishing capabilities (vs the other respondents)</th></tr></thead>\n<tbody>\n",
            escape(self.strategy.name())
        );
        for (c, summary) in summaries.iter().enumerate() {
            let swatch = crate::plot::colour(c);
            let dot = format!(
                "<span class=\"dot\" style=\"background:#{:02X}{:02X}{:02X}\"></span>",
                swatch.0, swatch.1, swatch.2
            );
            match cells[c] {
                Cell::Shown(size) => {
                    let distinguishing = summary
                        .distinguishing
                        .iter()
                        .map(|d| {
                            format!(
                                "{} {} ({} vs {})",
                                self.cap_name(d.capability),
                                arrow(d.effect),
                                number(d.cluster_mean, 2),
                                number(d.rest_mean, 2)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br/>");
                    let _ = writeln!(
                        s,
                        "<tr><td>{dot}{c}</td><td class=\"num\">{size} ({:.0}%)</td><td>{} {:.3}</td><td class=\"num\">{}</td><td>{distinguishing}</td></tr>",
                        100.0 * size as f64 / n as f64,
                        self.role_name(summary.nearest_role.role),
                        summary.nearest_role.score,
                        summary.silhouette.map_or("-".into(), |v| format!("{v:.3}")),
                    );
                }
                other => {
                    let _ = writeln!(
                        s,
                        "<tr><td>{dot}{c}</td><td class=\"num\">{}</td><td colspan=\"3\" class=\"suppressed\">withheld: a group of fewer than {} respondents, or the group that protects one</td></tr>",
                        self.count_text(other),
                        self.m
                    );
                }
            }
        }
        s.push_str("</tbody>\n</table>\n");
        s.push_str("<p class=\"note\">Distinguishing capabilities: the largest standardised differences between the cluster's mean and the other respondents' mean (in standard deviations of the whole cohort; &#8593; higher, &#8595; lower), with the two means.</p>\n");
        s
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
        let mut s = format!("<figure>{}</figure>\n", inline(&svg));
        let threshold = near_duplicate_threshold(self.strategy.name());
        let dups = o.near_duplicates(threshold);
        if dups.is_empty() {
            let _ = writeln!(
                s,
                "<p>No two roles are near duplicates (similarity {threshold} or more under {}).</p>",
                escape(self.strategy.name())
            );
        } else {
            s.push_str("<ul class=\"warnings\">\n");
            for p in dups.iter().take(20) {
                let _ = writeln!(
                    s,
                    "<li>{}</li>",
                    escape(&near_duplicate_text(self.matrix, p, self.strategy))
                );
            }
            if dups.len() > 20 {
                let _ = writeln!(s, "<li>and {} more pairs</li>", dups.len() - 20);
            }
            s.push_str("</ul>\n");
        }
        let cut = group_threshold(self.strategy.name());
        let groups: Vec<Vec<usize>> = o.groups(1.0 - cut).into_iter().filter(|g| g.len() > 1).collect();
        if groups.is_empty() {
            let _ = writeln!(
                s,
                "<p>No roles group together at an average similarity of {cut} or more.</p>"
            );
        } else {
            let _ = writeln!(
                s,
                "<p>Roles that group together (average linkage, similarity {cut} or more):</p>\n<ul>"
            );
            for g in groups.iter().take(30) {
                let names: Vec<String> = g.iter().map(|&j| self.role_name(j)).collect();
                let _ = writeln!(s, "<li>{}</li>", names.join(", "));
            }
            s.push_str("</ul>\n");
        }
        let mut pairs: Vec<_> = o.pairs().iter().collect();
        pairs.sort_by(|x, y| {
            y.similarity
                .total_cmp(&x.similarity)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        if !pairs.is_empty() {
            s.push_str("<table>\n<thead><tr><th>Most similar roles</th><th class=\"num\">Similarity</th><th>What separates them most (levels)</th></tr></thead>\n<tbody>\n");
            for p in pairs.iter().take(5) {
                let _ = writeln!(
                    s,
                    "<tr><td>{} / {}</td><td class=\"num\">{:.3}</td><td>{}</td></tr>",
                    self.role_name(p.a),
                    self.role_name(p.b),
                    p.similarity,
                    escape(&separating_text(self.matrix, p))
                );
            }
            s.push_str("</tbody>\n</table>\n");
        }
        self.section("overlap", "Role overlap", &s);
        Ok(())
    }

    fn gaps(&mut self, cohort: &Cohort, ranked: &Ranked, role_cells: &[Cell]) {
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
        let mut s = String::from(
            "<p>For each ranked respondent, the shortfall on each capability their best-fitting role asks for: how far their answer is below the role's level (0 when at or above it). Capabilities are ordered by the mean shortfall weighted by the role's importance.</p>\n",
        );
        s.push_str("<table>\n<thead><tr><th>Capability</th><th class=\"num\">Respondents counted</th><th class=\"num\">Mean shortfall (points)</th><th class=\"num\">Mean importance &#215; shortfall</th><th class=\"num\">1 point or more short</th></tr></thead>\n<tbody>\n");
        let mut withheld = 0;
        for &cap in order.iter().take(GAP_ROWS) {
            let st = &stats[cap];
            let short = self.short_text(st);
            if short.is_none() {
                withheld += 1;
            }
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td class=\"num\">{}</td></tr>",
                self.cap_name(cap),
                st.n,
                st.mean(),
                st.weighted_mean(),
                short.unwrap_or_else(|| format!("<span class=\"suppressed\">withheld</span> ({} or fewer either way)", self.m - 1))
            );
        }
        s.push_str("</tbody>\n</table>\n");
        if hidden > 0 {
            let _ = writeln!(
                s,
                "<p class=\"note\">{hidden} capabilities counted fewer than {} respondents and are not shown.</p>",
                self.m
            );
        }
        // The largest gaps of each role's holders, for roles shown above.
        let mut rows = String::new();
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
            let list: Vec<String> = caps
                .iter()
                .take(3)
                .map(|&cap| format!("{} ({:.2})", self.cap_name(cap), role_stats[cap].mean()))
                .collect();
            let _ = writeln!(
                rows,
                "<tr><td>{}</td><td class=\"num\">{holders}</td><td>{}</td></tr>",
                self.role_name(j),
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            );
        }
        if !rows.is_empty() {
            s.push_str("<h3>By best-fitting role</h3>\n<table>\n<thead><tr><th>Role</th><th class=\"num\">Respondents</th><th>Largest gaps (mean shortfall in points)</th></tr></thead>\n<tbody>\n");
            s.push_str(&rows);
            s.push_str("</tbody>\n</table>\n");
        }
        self.withheld.push(("capability gaps", withheld + hidden));
        self.section("gaps", "Largest capability gaps", &s);
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

    fn method(&mut self, run: &ClusterRun) {
        let grouping = grouping_words(run);
        let m = self.m;
        let mut s = String::new();
        let _ = write!(
            s,
            "<h3>Who is counted</h3>\n<p>Respondents who answered at least {:.0}% of the capabilities are ranked; every figure about respondents is over them only. A role is a respondent's <em>best fit</em> when it has their highest score under {} (ties in matrix order).</p>\n",
            self.min_answered * 100.0,
            escape(self.strategy.name())
        );
        let _ = write!(
            s,
            "<h3>Privacy: small groups are suppressed</h3>\n<ul>\n\
             <li>A count of 1 to {} respondents is not shown: it reads <span class=\"suppressed\">&lt;{m}</span>. Zero is shown.</li>\n\
             <li>When a table would withhold just one count, the next smallest count of that table is withheld too (it reads <span class=\"suppressed\">suppressed</span>), so the small one cannot be recovered by subtracting the others from the total.</li>\n\
             <li>A role that is the best fit of fewer than {m} respondents (or withheld to protect one) is left out of the per-role histograms and the per-role gaps; a withheld cluster has no centroid, nearest role or description, and its members are not drawn on the map.</li>\n\
             <li>A histogram bin of 1 to {} respondents shows no bar. A capability counted for fewer than {m} respondents is left out of the gap table, and the number of respondents 1 point or more short is withheld when it, or the number who are not, is 1 to {}.</li>\n\
             <li>Points on the cluster map carry no names or identifiers.</li>\n</ul>\n",
            m - 1,
            m - 1,
            m - 1
        );
        let withheld: Vec<String> = self
            .withheld
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(what, n)| format!("{what}: {n}"))
            .collect();
        let _ = writeln!(
            s,
            "<p>Withheld in this report: {}.</p>",
            if withheld.is_empty() {
                "nothing".to_string()
            } else {
                escape(&withheld.join("; "))
            }
        );
        let _ = write!(
            s,
            "<h3>Definitions</h3>\n<ul>\n\
             <li><b>Fit score</b>: the {} strategy, <code>{}</code>; 1 is a perfect fit.</li>\n\
             <li><b>Clusters</b>: {grouping} on the respondents' values, missing answers replaced by the capability's mean; from a range of k, the one with the highest mean silhouette <code>s = (b - a) / max(a, b)</code> is kept, with <code>a</code> the mean distance to the respondent's own cluster and <code>b</code> to the nearest other one. The map shows the first two principal components; triangles are the roles' levels projected the same way.</li>\n\
             <li><b>Role similarity</b>: each role's levels scored as a profile against the other role, averaged both ways. Near duplicates: similarity {} or more; groups: average-linkage clustering on 1 - similarity, cut at {}.</li>\n\
             <li><b>Shortfall</b>: <code>max(0, level - answer)</code> on each capability the best-fitting role weighs.</li>\n</ul>\n",
            escape(self.strategy.name()),
            escape(self.strategy.formula()),
            near_duplicate_threshold(self.strategy.name()),
            group_threshold(self.strategy.name()),
        );
        self.section("method", "How to read this report", &s);
    }

    fn finish(self, onet: bool) -> String {
        let title = format!("Cohort report: {}", self.source);
        let mut html = String::with_capacity(self.body.len() + 8192);
        html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        let _ = writeln!(html, "<title>{}</title>", escape(&title));
        let _ = writeln!(html, "<style>{CSS}</style>\n</head>\n<body>\n<main>");
        let _ = writeln!(
            html,
            "<header>\n<h1>Cohort report</h1>\n<p class=\"meta\">Responses: <b>{}</b> &#183; role matrix: <b>{}</b> ({} roles, {} capabilities) &#183; strategy: <b>{}</b> &#183; groups under {} suppressed</p>\n</header>",
            escape(self.source),
            escape(self.matrix.source()),
            self.matrix.roles().len(),
            self.matrix.capabilities().len(),
            escape(self.strategy.name()),
            self.m
        );
        html.push_str("<nav><ul>\n");
        for (id, title) in &self.nav {
            let _ = writeln!(html, "<li><a href=\"#{id}\">{}</a></li>", escape(title));
        }
        html.push_str("</ul></nav>\n");
        html.push_str(&self.body);
        html.push_str("<footer>\n");
        if onet {
            let _ = writeln!(
                html,
                "<p class=\"credit\">{}</p>",
                escape(rolefit_import::ONET_CREDIT)
            );
        }
        let _ = writeln!(
            html,
            "<p>Made by rolefit {}. This file is self-contained: no scripts, and nothing is loaded from anywhere.</p>\n</footer>\n</main>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        );
        html
    }
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

/// The silhouette of every k tried, as a small table.
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

fn k_table(tried: &[KChoice], chosen: &Clustering) -> String {
    let mut s = String::from("<table class=\"compact\">\n<thead><tr><th>k</th>");
    for t in tried {
        let _ = write!(s, "<th class=\"num\">{}</th>", t.k);
    }
    s.push_str("</tr></thead>\n<tbody><tr><th>silhouette</th>");
    for t in tried {
        let class = if t.k == chosen.requested_k() {
            " chosen"
        } else {
            ""
        };
        let _ = write!(
            s,
            "<td class=\"num{class}\">{}</td>",
            t.silhouette.map_or("-".into(), |v| format!("{v:.3}"))
        );
    }
    s.push_str("</tr></tbody>\n</table>\n");
    s
}

/// "&#8593;1.24 sd" / "&#8595;0.80 sd".
fn arrow(effect: f64) -> String {
    format!(
        "{}{:.2}&#160;sd",
        if effect >= 0.0 { "&#8593;" } else { "&#8595;" },
        effect.abs()
    )
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

/// The page's style: system fonts only (generic families), no imports.
const CSS: &str = "
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #222; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.meta { color: #555; margin: 0 0 12px; }
nav ul { list-style: none; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px 18px; border-bottom: 1px solid #ddd; padding-bottom: 10px; }
nav a { color: #2b5c8a; text-decoration: none; }
section { margin-top: 28px; }
h2 { font-size: 21px; border-bottom: 2px solid #4e79a7; padding-bottom: 4px; }
h3 { font-size: 16px; margin-top: 20px; }
figure { margin: 12px 0; }
svg { max-width: 100%; height: auto; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; }
.grid figure { margin: 0; flex: 0 1 420px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid #dde3ea; border-radius: 6px; padding: 10px 14px; min-width: 150px; background: #fafbfc; }
.card .value { font-size: 26px; font-weight: 600; }
.card .label { color: #555; font-size: 13px; max-width: 200px; }
table { border-collapse: collapse; margin: 10px 0; font-size: 14px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.compact td, .compact th { padding: 3px 8px; }
td.chosen { font-weight: 700; background: #e6eef7; }
.suppressed { color: #888; font-style: italic; }
.note { color: #666; font-size: 13px; }
.warnings li { color: #8a4b00; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 6px; }
code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; font-size: 13px; }
footer { margin-top: 36px; border-top: 1px solid #ddd; color: #666; font-size: 13px; }
";

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
        assert_eq!(arrow(-0.5), "&#8595;0.50&#160;sd");
    }
}
