//! `rolefit evaluate`: compare strategies on labelled respondents.
//!
//! The numbers come from [`rolefit_learn::evaluate`]; this module picks the
//! strategies (`--strategies`, `--center`), reads the labels, and renders
//! the result as tables, JSON or Markdown.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use rolefit_learn::evaluate::pick::{self, Pick, PickError, Picked};
use rolefit_learn::evaluate::{
    evaluate_with_progress, EvaluateError, EvaluateOptions, Evaluation, DEFAULT_RESAMPLES,
};
use rolefit_learn::learned::TrainParams;
use rolefit_model::RoleMatrix;
use rolefit_score::{Registry, ScoreError, WeightsKind};

use crate::args::{
    Center, Centring, Emit, Inputs, MinAnswered, PluginTimeout, Quiet, Weighting, WeightsChoice,
};
use crate::error::bad_input;
use crate::io::Output;
use crate::labels::keep_labelled;
use crate::load::{self, input_name};
use crate::progress::Progress;
use crate::registry::{Finished, Strategies};
use crate::render::{closest, table};
use crate::settings::Settings;

/// `rolefit evaluate`
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// The role of each respondent: a CSV `respondent,role`.
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Strategies to compare, comma-separated, or `all` (built-in, learned and plugin).
    #[arg(long, value_name = "LIST", default_value = "all")]
    pub strategies: String,
    /// The k of top-k accuracy and NDCG@k.
    #[arg(long, alias = "k", value_name = "K", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub k_accuracy: u32,
    /// Folds of cross-validation for learned strategies.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..))]
    pub folds: u32,
    /// Neighbours of the learned `knn` strategy [default: chosen by
    /// cross-validation within each training part].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub neighbours: Option<u32>,
    /// Random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub centring: Centring,
    #[command(flatten)]
    pub weighting: Weighting,
    #[command(flatten)]
    pub answered: MinAnswered,
    #[command(flatten)]
    pub plugin: PluginTimeout,
    #[command(flatten)]
    pub emit: Emit<EvaluateFormat>,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// Output formats for evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvaluateFormat {
    /// Aligned tables for people.
    Table,
    /// One JSON object.
    Json,
    /// CSV: one row per strategy and its metrics.
    Csv,
    /// Markdown tables, for docs and reports.
    Markdown,
}

/// Respondents x strategies from which `evaluate` shows a progress bar on a
/// terminal (20,000 x 8 strategies take a few seconds).
const PROGRESS_FROM: u64 = 100_000;

/// Runs `rolefit evaluate`.
pub fn run(args: &EvaluateArgs, settings: &Settings) -> Result<Finished> {
    let loaded = load::matrix(&args.inputs.matrix, settings)?;
    loaded.print_notes(settings);
    let matrix = loaded.matrix;
    let batch = load::responses_unique(&args.inputs.responses, &matrix, settings)?;
    let input = input_name(args.inputs.responses.input.as_deref());
    let labels = load::role_labels(&args.labels, &matrix, settings.encoding)?;
    // The labelled respondents are evaluated; the others are counted.
    let (batch, labels) = keep_labelled(
        &labels,
        &args.labels,
        &batch,
        &input,
        settings.quiet,
        "are evaluated",
    )?;

    let strategies = Strategies::open(args.plugin.duration())?;
    let registry = strategies.registry();
    let weights = args.weighting.weights.map(WeightsChoice::kind);
    let picks = select(&args.strategies, args.centring.center, weights, registry)?;
    let compiled = rolefit_score::CompiledMatrix::new(&matrix);
    let picked = Picked::new(picks, registry, &compiled).map_err(|e| bad_input(e.to_string()))?;
    let mut train_options = TrainParams::default().seed(args.seed);
    if let Some(k) = args.neighbours {
        train_options = train_options.neighbours(k as usize);
    }
    let train_options = train_options.check().map_err(|e| bad_input(e.to_string()))?;
    let candidates = picked.candidates(train_options);
    let options = EvaluateOptions {
        k: args.k_accuracy as usize,
        folds: args.folds as usize,
        seed: args.seed,
        resamples: DEFAULT_RESAMPLES,
        min_answered: args.answered.ranking(),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    // Respondents x strategies: a bar from about a minute of work up.
    let progress = Progress::counting(
        (batch.len() * candidates.len()) as u64,
        if settings.quiet { u64::MAX } else { PROGRESS_FROM },
        "respondents x strategies evaluated",
    );
    let evaluation = evaluate_with_progress(&matrix, &batch, &labels, &candidates, &options, &|done, _| {
        progress.set(done as u64)
    });
    progress.finish();
    let evaluation = evaluation.map_err(|e| match e {
        // A strategy that fails on valid data is a bug or a broken plugin.
        EvaluateError::Score(e @ ScoreError::Strategy { .. }) => anyhow::Error::new(e).context("evaluating"),
        EvaluateError::TooFewForFolds { .. } => bad_input(format!("{input}: {e}; lower --folds")),
        other => bad_input(format!("evaluating {input}: {other}")),
    })?;
    if evaluation.excluded > 0 && !settings.quiet {
        eprintln!(
            "note: {} of {} respondents answered fewer than {} of the {} capabilities and were left out; see --min-answered",
            evaluation.excluded,
            batch.len(),
            evaluation.needed,
            matrix.capabilities().len()
        );
    }
    let text = match args.emit.chosen("evaluate")? {
        EvaluateFormat::Table => crate::render::terminal(&render_table(&evaluation, &matrix)).into_owned(),
        EvaluateFormat::Markdown => {
            crate::render::terminal(&render_markdown(&evaluation, &matrix)).into_owned()
        }
        EvaluateFormat::Csv => metrics_csv(&evaluation)?,
        EvaluateFormat::Json => {
            let mut s = serde_json::to_string_pretty(&evaluation.to_json(&role_names(&matrix)))?;
            s.push('\n');
            s
        }
    };
    let mut out = Output::create(args.emit.output())?;
    out.write_all(text.as_bytes())?;
    // A strategy plugin that fails at the end fails the run, output unwritten.
    let finished = strategies.finish()?;
    out.finish()?;
    Ok(finished)
}

/// The matrix's role names, in order.
fn role_names(matrix: &RoleMatrix) -> Vec<&str> {
    matrix.roles().iter().map(|r| r.name.as_str()).collect()
}

/// The strategies of `--strategies` ([`rolefit_learn::evaluate::pick`]:
/// `all`, learned methods, composed names such as
/// `euclidean+importance+center`), with `--center person` and `--weights`.
///
/// # Errors
/// Exit 2 for an unknown strategy (with the closest name), weights on a
/// strategy that is not a distance, or an empty list.
fn select(
    list: &str,
    center: Center,
    weights: Option<WeightsKind>,
    registry: &Registry,
) -> Result<Vec<Pick>> {
    pick::select(list, center == Center::Person, weights, registry).map_err(|e| {
        let hint = match &e {
            PickError::Unknown { item, names, .. } => closest(item, names.iter().map(String::as_str)),
            _ => None,
        };
        bad_input(e.message("--strategies", hint))
    })
}

/// A metric for people: three decimals.
fn m3(v: f64) -> String {
    format!("{v:.3}")
}

/// The strategies' names, numbered for the agreement and confusion tables.
fn numbered(ev: &Evaluation) -> Vec<String> {
    ev.strategies
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{} {}", i + 1, s.name))
        .collect()
}

/// The header line: what was evaluated and how.
fn caption(ev: &Evaluation, matrix: &RoleMatrix) -> String {
    let learned = ev.strategies.iter().any(|s| s.cross_validated);
    format!(
        "{} respondents, {} roles; top-k and NDCG with k = {}; stability over {} bootstrap resamples (seed {}){}",
        ev.n,
        matrix.roles().len(),
        ev.options.k.min(matrix.roles().len()),
        ev.options.resamples,
        ev.options.seed,
        if learned {
            format!(
                "; model:* strategies {}-fold cross-validated",
                ev.options.folds
            )
        } else {
            String::new()
        }
    )
}

/// The rows of the main table: one per strategy.
fn metric_rows(ev: &Evaluation) -> (Vec<String>, Vec<Vec<String>>) {
    let k = ev.options.k;
    let header = vec![
        "Strategy".to_string(),
        "Top-1".to_string(),
        format!("Top-{k}"),
        "MRR".to_string(),
        format!("NDCG@{k}"),
        "Macro-F1".to_string(),
        "Stability".to_string(),
    ];
    let rows = ev
        .strategies
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                m3(s.top1_accuracy),
                m3(s.topk_accuracy),
                m3(s.mrr),
                m3(s.ndcg),
                m3(s.macro_f1),
                m3(s.stability),
            ]
        })
        .collect();
    (header, rows)
}

/// The main table as CSV: one row per strategy (numbers unrounded).
fn metrics_csv(ev: &Evaluation) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "strategy",
        "cross_validated",
        "n",
        "top1_accuracy",
        "topk_accuracy",
        "k",
        "mrr",
        "ndcg",
        "macro_f1",
        "stability",
        "temperature",
        "calibration_error",
        "auroc_stability",
        "auroc_margin",
        "auroc_probability",
    ])?;
    for s in &ev.strategies {
        w.write_record([
            s.name.clone(),
            s.cross_validated.to_string(),
            s.n.to_string(),
            s.top1_accuracy.to_string(),
            s.topk_accuracy.to_string(),
            ev.options.k.to_string(),
            s.mrr.to_string(),
            s.ndcg.to_string(),
            s.macro_f1.to_string(),
            s.stability.to_string(),
            opt(s.temperature),
            s.calibration_error.to_string(),
            opt(s.auroc.stability),
            opt(s.auroc.margin),
            opt(s.auroc.probability),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?)?)
}

/// A number or an empty CSV cell.
fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// A number to three decimals for people, or `–`.
fn opt3(v: Option<f64>) -> String {
    v.map_or("–".to_string(), m3)
}

/// The calibration table: one row per strategy, its temperature, the
/// expected calibration error of its probability and the AUROC of each
/// confidence signal.
fn calibration_rows(ev: &Evaluation) -> (Vec<String>, Vec<Vec<String>>) {
    let header = [
        "Strategy",
        "T",
        "ECE",
        "AUROC stability",
        "AUROC margin",
        "AUROC probability",
    ]
    .map(String::from)
    .to_vec();
    let rows = ev
        .strategies
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.temperature.map_or("own".to_string(), |t| format!("{t:.4}")),
                m3(s.calibration_error),
                opt3(s.auroc.stability),
                opt3(s.auroc.margin),
                opt3(s.auroc.probability),
            ]
        })
        .collect();
    (header, rows)
}

const CALIBRATION_NOTE: &str = "Calibration: the probability column is a softmax of the scores at \
     temperature T fitted on labelled respondents (cross-fitted by fold; `own` for a model's own \
     probabilities); ECE is its expected calibration error over ten bins; AUROC says how well each \
     signal tells right top-1 roles from wrong ones (stability: how often resampling the answers \
     keeps the same top role; margin: first score minus second).";

/// One strategy's reliability table: the respondents binned by the top-1
/// probability, each bin's mean probability and share right (empty bins
/// left out).
fn reliability_rows(s: &rolefit_learn::evaluate::StrategyReport) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["Probability", "Respondents", "Mean probability", "Right"]
        .map(String::from)
        .to_vec();
    let rows = s
        .reliability
        .iter()
        .filter(|b| b.n > 0)
        .map(|b| {
            vec![
                format!("{:.1}-{:.1}", b.from, b.to),
                b.n.to_string(),
                opt3(b.confidence),
                opt3(b.accuracy),
            ]
        })
        .collect();
    (header, rows)
}

/// The agreement matrix: Kendall's tau-b above the diagonal, top-1
/// agreement below, strategies numbered.
fn agreement_rows(ev: &Evaluation) -> (Vec<String>, Vec<Vec<String>>) {
    let n = ev.strategies.len();
    let mut header = vec![String::new()];
    header.extend((1..=n).map(|i| i.to_string()));
    let mut cells = vec![vec!["·".to_string(); n]; n];
    // The pairs come in order (0, 1), (0, 2), ..., (1, 2), ...
    let pairs = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b)));
    for ((a, b), p) in pairs.zip(&ev.agreement) {
        cells[a][b] = p.kendall_tau.map_or("–".to_string(), |t| format!("{t:.2}"));
        cells[b][a] = format!("{:.2}", p.top1_agreement);
    }
    let rows = numbered(ev)
        .into_iter()
        .zip(cells)
        .map(|(name, row)| std::iter::once(name).chain(row).collect())
        .collect();
    (header, rows)
}

/// One strategy's confusion matrix: rows actual roles, columns top-1
/// choices, roles numbered.
fn confusion_rows(
    s: &rolefit_learn::evaluate::StrategyReport,
    matrix: &RoleMatrix,
) -> (Vec<String>, Vec<Vec<String>>) {
    let r = matrix.roles().len();
    let mut header = vec!["actual \\ top-1".to_string()];
    header.extend((1..=r).map(|i| i.to_string()));
    let rows = matrix
        .roles()
        .iter()
        .enumerate()
        .map(|(j, role)| {
            std::iter::once(format!("{} {}", j + 1, role.name))
                .chain(s.confusion.row(j).iter().map(|c| c.to_string()))
                .collect()
        })
        .collect();
    (header, rows)
}

const AGREEMENT_NOTE: &str =
    "Agreement: Kendall's tau-b of the full rankings (mean over respondents) above the \
                              diagonal, share with the same top-1 role below.";

fn render_table(ev: &Evaluation, matrix: &RoleMatrix) -> String {
    let mut out = format!("{}\n", caption(ev, matrix));
    let (header, rows) = metric_rows(ev);
    let mut t = table(header);
    rows.into_iter().for_each(|r| {
        t.add_row(r);
    });
    out.push_str(&format!("{t}\n"));
    if ev.strategies.len() > 1 {
        let (header, rows) = agreement_rows(ev);
        let mut t = table(header);
        rows.into_iter().for_each(|r| {
            t.add_row(r);
        });
        out.push_str(&format!("\n{AGREEMENT_NOTE}\n{t}\n"));
    }
    let (header, rows) = calibration_rows(ev);
    let mut t = table(header);
    rows.into_iter().for_each(|r| {
        t.add_row(r);
    });
    out.push_str(&format!("\n{CALIBRATION_NOTE}\n{t}\n"));
    for s in &ev.strategies {
        let (header, rows) = reliability_rows(s);
        let mut t = table(header);
        rows.into_iter().for_each(|r| {
            t.add_row(r);
        });
        out.push_str(&format!("\nReliability of {}'s probability\n{t}\n", s.name));
    }
    for s in &ev.strategies {
        let (header, rows) = confusion_rows(s, matrix);
        let mut t = table(header);
        rows.into_iter().for_each(|r| {
            t.add_row(r);
        });
        out.push_str(&format!(
            "\nConfusion of {} (rows: actual role; columns: top-1 role)\n{t}\n",
            s.name
        ));
    }
    out
}

/// A Markdown pipe table; `|` in cells is escaped.
fn markdown_table(header: &[String], rows: &[Vec<String>], numeric_from: usize) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!(
        "| {} |\n|",
        header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
    );
    for i in 0..header.len() {
        out.push_str(if i >= numeric_from { " ---: |" } else { " --- |" });
    }
    out.push('\n');
    for row in rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

fn render_markdown(ev: &Evaluation, matrix: &RoleMatrix) -> String {
    let mut out = format!("{}.\n\n", caption(ev, matrix));
    let (header, rows) = metric_rows(ev);
    out.push_str(&markdown_table(&header, &rows, 1));
    if ev.strategies.len() > 1 {
        let (header, rows) = agreement_rows(ev);
        out.push_str(&format!("\n{AGREEMENT_NOTE}\n\n"));
        out.push_str(&markdown_table(&header, &rows, 1));
    }
    let (header, rows) = calibration_rows(ev);
    out.push_str(&format!("\n{CALIBRATION_NOTE}\n\n"));
    out.push_str(&markdown_table(&header, &rows, 1));
    for s in &ev.strategies {
        let (header, rows) = reliability_rows(s);
        out.push_str(&format!("\nReliability of `{}`'s probability:\n\n", s.name));
        out.push_str(&markdown_table(&header, &rows, 1));
    }
    for s in &ev.strategies {
        let (header, rows) = confusion_rows(s, matrix);
        out.push_str(&format!(
            "\nConfusion of `{}` (rows: actual role; columns: top-1 role):\n\n",
            s.name
        ));
        out.push_str(&markdown_table(&header, &rows, 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_expands_all_and_centres_builtins() {
        let registry = Registry::builtin();
        let all = select("all", Center::None, None, &registry).unwrap();
        assert_eq!(all.len(), 8);
        assert_eq!(all[5], Pick::Learned(rolefit_learn::learned::Method::Centroid));
        let keys = |list: &str, c: Center, w: Option<WeightsKind>| {
            select(list, c, w, &registry).map(|p| p.iter().map(Pick::key).collect::<Vec<_>>())
        };
        assert_eq!(
            keys("euclidean, knn, Cosine, euclidean", Center::Person, None).unwrap(),
            [
                "euclidean",
                "euclidean+center",
                "model:knn",
                "cosine",
                "cosine+center"
            ]
        );
        assert_eq!(
            keys("manhattan+center,model:logistic,lda", Center::None, None).unwrap(),
            ["manhattan+center", "model:logistic", "model:lda"]
        );
        let e = select("eucldean", Center::None, None, &registry)
            .unwrap_err()
            .to_string();
        assert!(e.contains("in --strategies (did you mean \"euclidean\"?)"), "{e}");
        assert!(select(" , ", Center::None, None, &registry).is_err());
    }

    #[test]
    fn weights_apply_to_the_distance_strategies() {
        let registry = Registry::builtin();
        let keys = |list: &str, w: Option<WeightsKind>| {
            select(list, Center::None, w, &registry).map(|p| p.iter().map(Pick::key).collect::<Vec<_>>())
        };
        assert_eq!(
            keys("all", Some(WeightsKind::Importance)).unwrap()[..5],
            [
                "cosine",
                "pearson",
                "euclidean+importance",
                "manhattan+importance",
                "coverage"
            ]
        );
        assert_eq!(
            keys(
                "euclidean,euclidean+uniform,euclidean+learned+center,euclidean+importance",
                None
            )
            .unwrap(),
            ["euclidean", "euclidean+learned+center", "euclidean+importance"]
        );
        assert_eq!(
            keys("euclidean+uniform", Some(WeightsKind::Learned)).unwrap(),
            ["euclidean"]
        );
        assert!(keys("cosine+uniform", None).is_err());
        assert!(keys("euclidean+sideways", None).is_err());
    }

    #[test]
    fn markdown_tables_escape_pipes() {
        let t = markdown_table(&["a".into(), "b".into()], &[vec!["x|y".into(), "1".into()]], 1);
        assert_eq!(t, "| a | b |\n| --- | ---: |\n| x\\|y | 1 |\n");
    }
}
