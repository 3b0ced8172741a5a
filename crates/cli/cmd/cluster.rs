//! `rolefit cluster`: group respondents into clusters and describe each.
//!
//! Reads every response (clustering needs them all at once), imputes
//! missing answers with the capability's mean, clusters with k-means or a
//! Gaussian mixture (a fixed `--clusters`, or the best k of `--k-range` by
//! silhouette; see [`crate::cohort::Grouping`]), and writes either `respondent,cluster` rows (CSV) or a
//! summary of the clusters (table, JSON). `--plot` also draws the
//! respondents in 2-D. A one-line summary with timings goes to standard
//! error.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use rolefit_learn::cluster::{describe, ClusterParams, ClusterSummary, Precision, Seeding, Silhouette};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{Scorer, Strategy};
use serde_json::json;

use crate::args::{Centring, ClusterChoice, Emit, Inputs, ListFormat, MinAnswered, Quiet, StrategyChoice};
use crate::cohort::{
    cluster, cluster_error, cluster_plot, load_cohort_scored_by, map_title, ClusterMap, Clustered, Cohort,
    Grouping,
};
use crate::error::bad_input;
use crate::io::Output;
use crate::plot::{self, scatter};
use crate::registry::{Finished, Strategies};
use crate::render::{counted, number, table};
use crate::settings::Settings;

/// `rolefit cluster`
#[derive(Debug, Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub grouping: ClusterChoice,
    #[command(flatten)]
    pub answered: MinAnswered,
    /// Random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub choice: StrategyChoice,
    #[command(flatten)]
    pub centring: Centring,
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
    /// Also draw the result as an SVG picture: the respondents in 2-D
    /// (PCA), coloured by cluster.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// Runs `rolefit cluster`.
pub fn run(args: &ClusterArgs, settings: &Settings) -> Result<Finished> {
    let started = Instant::now();
    let grouping = Grouping::of(&args.grouping)?;
    let strategies = Strategies::open(args.choice.plugin.duration())?;
    let (mut cohort, chosen) = load_cohort_scored_by(
        strategies.registry(),
        args.choice.name(),
        args.centring.center,
        &args.inputs.responses,
        &args.inputs.matrix,
        settings,
    )?;
    let strategy = chosen.get();
    cohort.loaded.print_notes(settings);
    let needed = Scorer::new(&cohort.compiled, strategy)
        .min_answered(args.answered.keeping())
        .needed();
    cohort.keep_answered(needed, settings)?;
    let read_time = started.elapsed();
    let params = kmeans_knobs(ClusterParams::new(grouping.method).seed(args.seed))?
        .check()
        .map_err(|e| bad_input(format!("{KMEANS_KNOBS}: {e}")))?;
    let result = cluster(&cohort.data, grouping.k, grouping.range, &params)?;
    let summaries = describe(
        &cohort.data,
        &result.clustering,
        &cohort.compiled,
        strategy,
        result.silhouette.as_ref(),
    )
    .map_err(cluster_error)?;

    // Drawn before anything is written, so a failure leaves no output.
    let plot_svg = map_svg(args, &cohort, &result, settings)?;
    let matrix = &cohort.loaded.matrix;
    let text = match args.emit.chosen("cluster")? {
        ListFormat::Csv => assignments_csv(&cohort.profiles, result.clustering.labels(), settings.sanitize)?,
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&summary_json(
                &cohort, &result, &summaries, strategy, args.seed,
            ))?;
            s.push('\n');
            s
        }
        ListFormat::Table => {
            crate::render::terminal(&summary_table(&cohort, &result, &summaries, strategy, args.seed))
                .into_owned()
        }
    };
    let mut out = Output::create(args.emit.output())?;
    out.write_all(text.as_bytes())?;
    // A strategy plugin that fails at the end fails the run, output unwritten.
    let finished = strategies.finish()?;
    out.finish()?;
    if let (Some(path), Some(svg)) = (&args.plot, &plot_svg) {
        plot::write(path, svg)?;
    }

    if settings.quiet {
        return Ok(finished);
    }
    let c = &result.clustering;
    let s = match &result.silhouette {
        Some(s) => format!("silhouette {:.3}{}", s.overall, sample_note(s, cohort.data.len())),
        None => "silhouette undefined (one cluster)".into(),
    };
    eprintln!(
        "rolefit: {}: {}, {}, {} imputed; {} k = {}: inertia {}, {s}; read {:.2} s, fit {:.2} s, total {:.2} s",
        cohort.source,
        counted(cohort.data.len(), "respondent"),
        counted(matrix.capabilities().len(), "capability"),
        counted(cohort.data.imputed(), "answer"),
        c.method(),
        c.k(),
        number(c.inertia(), 3),
        read_time.as_secs_f64(),
        result.fit_time.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
    Ok(finished)
}

/// The cluster map of `--plot`, if asked for. A cohort that cannot be
/// projected still gets the file, with the title and why the map is
/// missing instead of the scatter.
fn map_svg(
    args: &ClusterArgs,
    cohort: &Cohort,
    result: &crate::cohort::Clustered,
    settings: &Settings,
) -> Result<Option<String>> {
    Ok(match &args.plot {
        Some(path) => Some(
            match cluster_plot(
                &cohort.data,
                &cohort.loaded.matrix,
                &result.clustering,
                args.seed,
                None,
            )? {
                ClusterMap::Drawn(svg) => svg,
                ClusterMap::NotDrawn(why) => {
                    if !settings.quiet {
                        eprintln!(
                        "note: the cluster map is not drawn: {why}; {} holds the title and this note only",
                        path.display()
                        );
                    }
                    scatter::not_drawn(&map_title(&cohort.data, &result.clustering), &why)?
                }
            },
        ),
        None => None,
    })
}

/// The environment variable through which `benches/cluster_compare.py`
/// compares k-means options (not meant for users): a comma-separated list
/// of `f32`, `f64`, `greedy`, `linfa-init`, `screen=N`, `runs=N`,
/// `absolute-tol` (linfa's own reading of the tolerance), and
/// `linfa-defaults` (all of linfa's defaults: `f64`, `linfa-init`,
/// `screen=0`, `absolute-tol`).
pub const KMEANS_KNOBS: &str = "ROLEFIT_KMEANS";

fn kmeans_knobs(mut params: ClusterParams) -> Result<ClusterParams> {
    let Some(value) = std::env::var_os(KMEANS_KNOBS) else {
        return Ok(params);
    };
    let value = value.to_string_lossy().into_owned();
    for knob in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| bad_input(format!("{KMEANS_KNOBS}: {knob:?} needs a whole number")))
        };
        params = match knob.split_once('=') {
            None if knob == "f32" => params.precision(Precision::Single),
            None if knob == "f64" => params.precision(Precision::Double),
            None if knob == "greedy" => params.seeding(Seeding::Greedy),
            None if knob == "linfa-init" => params.seeding(Seeding::Linfa),
            None if knob == "absolute-tol" => params.relative_tolerance(false),
            None if knob == "linfa-defaults" => params
                .precision(Precision::Double)
                .seeding(Seeding::Linfa)
                .screen_iterations(0)
                .relative_tolerance(false),
            Some(("screen", v)) => params.screen_iterations(number(v)?),
            Some(("runs", v)) => params.n_runs(number(v)? as usize),
            _ => {
                return Err(bad_input(format!(
                    "{KMEANS_KNOBS}: unknown option {knob:?} (f32, f64, greedy, linfa-init, screen=N, runs=N, absolute-tol, linfa-defaults)"
                )))
            }
        };
    }
    Ok(params)
}

fn sample_note(s: &Silhouette, n: usize) -> String {
    if s.scored < n {
        format!(" (on a sample of {})", s.scored)
    } else {
        String::new()
    }
}

/// `respondent,cluster` rows in input order.
fn assignments_csv(profiles: &ProfileBatch, labels: &[usize], sanitize: bool) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["respondent", "cluster"])?;
    let mut buf = itoa::Buffer::new();
    for (i, &l) in labels.iter().enumerate() {
        crate::render::write_safe(&mut w, [profiles.respondent(i), buf.format(l)], sanitize)?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?)?)
}

/// "kmeans, k = 3 chosen by silhouette from 2..8, seed 1"
fn headline(result: &Clustered, seed: u64) -> String {
    let c = &result.clustering;
    let mut s = format!("{}, k = {}", c.method(), c.k());
    if let Some((a, b)) = result.range {
        s.push_str(&format!(" (the best silhouette of k = {a}..{b})"));
    }
    if c.k() < c.requested_k() {
        s.push_str(&format!(
            " ({} asked for; the others came out empty)",
            c.requested_k()
        ));
    }
    s.push_str(&format!(", seed {seed}"));
    s
}

fn distinction_text(matrix: &RoleMatrix, s: &ClusterSummary) -> String {
    s.distinguishing
        .iter()
        .map(|d| {
            format!(
                "{} {:+.2} sd ({} vs {})",
                matrix.capabilities()[d.capability].name,
                d.effect,
                number(d.cluster_mean, 2),
                number(d.rest_mean, 2)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn summary_table(
    cohort: &Cohort,
    result: &Clustered,
    summaries: &[ClusterSummary],
    strategy: &dyn Strategy,
    seed: u64,
) -> String {
    let matrix = &cohort.loaded.matrix;
    let n = cohort.data.len();
    let mut out = format!(
        "{}: {}, {}, {} imputed with the capability's mean\n",
        headline(result, seed),
        counted(n, "respondent"),
        counted(matrix.capabilities().len(), "capability"),
        counted(cohort.data.imputed(), "missing answer"),
    );
    match &result.silhouette {
        Some(s) => out.push_str(&format!(
            "silhouette {:.3}{}; inertia {}\n",
            s.overall,
            sample_note(s, n),
            number(result.clustering.inertia(), 3)
        )),
        None => out.push_str(&format!(
            "silhouette undefined for one cluster; inertia {}\n",
            number(result.clustering.inertia(), 3)
        )),
    }
    if !result.tried.is_empty() {
        let mut t = table(["k", "silhouette", "inertia", ""]);
        for k in &result.tried {
            t.add_row(vec![
                k.k.to_string(),
                k.silhouette.map_or("-".into(), |s| format!("{s:.3}")),
                number(k.inertia, 2),
                if k.k == result.clustering.requested_k() {
                    "chosen".into()
                } else {
                    String::new()
                },
            ]);
        }
        out.push_str(&format!("\n{t}\n"));
    }
    let mut t = table([
        "Cluster".to_string(),
        "Size".to_string(),
        format!("Nearest role ({})", strategy.name()),
        "Silhouette".to_string(),
        "Distinguishing capabilities (vs the others)".to_string(),
    ]);
    for s in summaries {
        t.add_row(vec![
            s.cluster.to_string(),
            format!("{} ({:.0}%)", s.size, 100.0 * s.size as f64 / n as f64),
            format!(
                "{} {:.3}",
                matrix.roles()[s.nearest_role.role].name,
                s.nearest_role.score
            ),
            s.silhouette.map_or("-".into(), |v| format!("{v:.3}")),
            distinction_text(matrix, s),
        ]);
    }
    out.push_str(&format!("\n{t}\n"));
    let mut header = vec!["Centroid".to_string()];
    header.extend(summaries.iter().map(|s| s.cluster.to_string()));
    let mut t = table(header);
    for (c, cap) in matrix.capabilities().iter().enumerate() {
        let mut row = vec![cap.name.clone()];
        row.extend(summaries.iter().map(|s| number(s.centroid[c], 2)));
        t.add_row(row);
    }
    out.push_str(&format!("\n{t}\n"));
    out
}

fn summary_json(
    cohort: &Cohort,
    result: &Clustered,
    summaries: &[ClusterSummary],
    strategy: &dyn Strategy,
    seed: u64,
) -> serde_json::Value {
    let matrix = &cohort.loaded.matrix;
    let caps = matrix.capabilities();
    let n = cohort.data.len();
    let c = &result.clustering;
    json!({
        "method": c.method().to_string(),
        "seed": seed,
        "strategy": strategy.name(),
        "respondents": n,
        "capabilities": caps.iter().map(|c| &c.name).collect::<Vec<_>>(),
        "imputed_answers": cohort.data.imputed(),
        "k": c.k(),
        "requested_k": c.requested_k(),
        "inertia": c.inertia(),
        "silhouette": result.silhouette.as_ref().map(|s| s.overall),
        "silhouette_respondents": result.silhouette.as_ref().map(|s| s.scored),
        "k_range": result.range.map(|(a, b)| json!({
            "from": a,
            "to": b,
            "tried": result.tried.iter().map(|k| json!({
                "k": k.k,
                "silhouette": k.silhouette,
                "inertia": k.inertia,
            })).collect::<Vec<_>>(),
        })),
        "clusters": summaries.iter().map(|s| {
            let role = &matrix.roles()[s.nearest_role.role];
            json!({
                "cluster": s.cluster,
                "size": s.size,
                "share": s.size as f64 / n as f64,
                "silhouette": s.silhouette,
                "nearest_role": {"id": role.id, "name": role.name, "score": s.nearest_role.score},
                "centroid": caps.iter().zip(&s.centroid).map(|(cap, v)| json!({
                    "capability": cap.name,
                    "mean": v,
                })).collect::<Vec<_>>(),
                "distinguishing": s.distinguishing.iter().map(|d| json!({
                    "capability": caps[d.capability].name,
                    "effect": d.effect,
                    "cluster_mean": d.cluster_mean,
                    "rest_mean": d.rest_mean,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    })
}
