//! `rolefit score`: rank every role for every respondent, in parallel and
//! in bounded memory.
//!
//! The input is cut into chunks of whole records; worker threads parse a
//! chunk, score it with one call of the strategy, rank each row and render
//! its output rows to bytes; this thread writes the chunks back in input
//! order (see [`crate::pipeline`]). Only the table format, which is for
//! people and needs the whole result to lay it out, holds rows.

use std::io::{Read, Write};
use std::time::Instant;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use crossbeam_channel::{Receiver, Sender};
use rolefit_import::{ChunkParser, ColumnPlan, RawChunk, ResponseChunks, RowPosition};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{explain, CompiledMatrix, Outcome, Scorer, Strategy, Workspace};

use crate::args::{Emit, Inputs, MinAnswered, Quiet, Scoring, WeightsChoice};
use crate::error::bad_input;
use crate::io::{open_responses, Input, Output};
use crate::load::{self, no_respondents};
use crate::parquet::ScoresParquet;
use crate::pipeline::{self, ChunkResult};
use crate::plot::radar::{self, PLOT_INPUT_MAX};
use crate::progress::Progress;
use crate::registry::{Finished, Strategies};
use crate::render::scores::{Renderer, RespondentParts, ScoreFormat, TableRow};
use crate::row_policy::{RowCounts, RowPolicy};
use crate::settings::Settings;
use crate::strategy::Chosen;
use rolefit_learn::learned::Probability;

/// `rolefit score`
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub scoring: Scoring,
    /// How many of the best roles to show per respondent [default: 5, or
    /// all roles if fewer].
    #[arg(long, short = 'k', value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub top: Option<u32>,
    #[command(flatten)]
    pub answered: MinAnswered,
    #[command(flatten)]
    pub emit: Emit<ScoreFormat>,
    /// Explain each ranked role: per-capability contributions, strengths and gaps.
    #[arg(long)]
    pub explain: bool,
    /// Leave out the CSV header, so that outputs of shards concatenate.
    #[arg(long)]
    pub no_header: bool,
    /// Add each respondent's confidence: the margin between the first and
    /// second score, and how often the top role survives resampling answers.
    #[arg(long)]
    pub confidence: bool,
    /// Resamples per respondent for --confidence's stability (more: steadier
    /// stabilities, proportionally slower).
    #[arg(long, value_name = "N", default_value_t = rolefit_learn::evaluate::DEFAULT_RESAMPLES as u32,
          requires = "confidence", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub resamples: u32,
    /// Random seed: the same seed gives the same result (here: --confidence's
    /// resamples).
    #[arg(long, value_name = "S", default_value_t = rolefit_learn::evaluate::DEFAULT_SEED, requires = "confidence")]
    pub seed: u64,
    /// Also draw the result as an SVG picture: one respondent against their
    /// top roles, as a radar chart.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Worker threads for parsing and scoring [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    #[command(flatten)]
    pub quiet: Quiet,
}

impl ScoreArgs {
    /// The output format: `--format`, else the one `-o`'s extension names,
    /// else a table.
    ///
    /// # Errors
    /// An extension of -o that names no format `score` writes.
    pub fn output_format(&self) -> anyhow::Result<ScoreFormat> {
        self.emit.chosen("score")
    }

    /// The worker threads: `--threads`, else one per core.
    fn threads(&self) -> usize {
        self.threads
            .map(|t| t as usize)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// Input bytes per chunk: large enough that per-chunk costs vanish (about
/// 2,000 rows of 30 answers), small enough that the chunks in flight and
/// their working arrays take a few megabytes, so that peak memory is the
/// same for ten thousand rows as for ten million.
const CHUNK_BYTES: usize = 128 << 10;

/// A table (the default format unless `-o` names a .csv, .json, .ndjson or
/// .jsonl file) holds every row until the end; past this many rows a note
/// suggests a streaming format.
const TABLE_NOTE_ROWS: usize = 20_000;

/// Runs `rolefit score`.
pub fn run(args: &ScoreArgs, settings: &Settings) -> Result<Finished> {
    let started = Instant::now();
    let policy = RowPolicy::new(&args.inputs.responses, settings)?;
    let matrix = load::scoring_matrix(&args.inputs.matrix, &args.scoring, settings)?;
    let strategies = Strategies::open(args.scoring.choice.plugin.duration())?;
    let (chosen, probability) = choose(&strategies, &args.scoring, &matrix, settings)?;
    let strategy = chosen.get();
    let compiled = CompiledMatrix::new(&matrix);
    let top = args.top.map_or(5, |k| k as usize).min(matrix.roles().len());
    // A probability is a softmax over every role's score: every role is
    // ranked, and the rows cut to `top` once it is known.
    let scorer = Scorer::new(&compiled, strategy)
        .top(if probability.is_some() { None } else { Some(top) })
        .min_answered(args.answered.ranking());

    let (input, chunks) = open_chunks(args, &matrix, settings)?;
    let plan = chunks.plan().clone();
    let renderer =
        renderer(args, &matrix, strategy, &plan, settings)?.with_probability(probability.is_some());

    let progress = Progress::new(input.len, settings.quiet);
    let mut collected = Collector::new(
        args,
        &policy,
        &plan,
        &renderer,
        &progress,
        &input.name,
        settings.quiet,
    )?;
    let threads = args.threads();
    let job = Job {
        plan: &plan,
        scorer: &scorer,
        compiled: &compiled,
        strategy,
        renderer: &renderer,
        bootstrap: crate::confidence::score_bootstrap(args.confidence, args.resamples, args.seed),
        probability,
        top,
        policy,
        plot: args.plot.is_some(),
        spare: crossbeam_channel::bounded(4 * threads + 4),
    };

    pipeline::run(
        chunks,
        threads,
        || Worker::new(compiled.n_capabilities()),
        |worker, chunk| job.process(worker, chunk),
        |mut done: Done, bytes_read| collected.take(&mut done, bytes_read, &job.spare.0),
    )?;
    progress.finish();
    if collected.totals.rows.read == 0 {
        return Err(no_respondents(&input.name));
    }
    // --plot: exactly one respondent, drawn now, written once the run succeeds.
    let plot_svg = match &args.plot {
        Some(_) => Some(draw_plotted(
            collected.plotted.as_ref(),
            &collected.totals,
            &input.name,
            &matrix,
            strategy.name(),
            args.top,
        )?),
        None => None,
    };
    let (out, rejects, totals, left_out) = collected.close()?;
    let needed = scorer.needed();
    // A strategy plugin that fails at the end fails the run, output unwritten.
    let finished = strategies.finish()?;
    out.into_output()?.finish()?;
    if let Some(file) = rejects {
        file.finish().context("writing the rejects file")?;
    }
    if let (Some(path), Some(svg)) = (&args.plot, &plot_svg) {
        crate::plot::write(path, svg)?;
    }
    if let Some(note) = left_out.filter(|_| !settings.quiet) {
        eprintln!("note: {note}");
    }
    if !settings.quiet {
        eprintln!(
            "{}",
            totals.summary(
                &input.name,
                started.elapsed().as_secs_f64(),
                needed,
                plan.flags_on().then_some(args.inputs.responses.exclude_flagged)
            )
        );
    }
    totals.rows.check_some_kept(&input.name)?;
    Ok(finished)
}

/// The strategy `score` runs (see [`crate::strategy::choose`]) and how its
/// probability is made, if it has one: a `--model`'s own (`logistic` and
/// `lda` always, `centroid` and `knn` trained with `--calibrate`), or,
/// with `--strategy NAME --model FILE`, NAME's scores and the temperature
/// the model file keeps for NAME. With `--weights learned` the model gives
/// the weights, and a probability only if it keeps a temperature for the
/// weighted strategy.
///
/// # Errors
/// Those of [`crate::strategy::choose`]; exit 2 when `--strategy NAME
/// --model FILE` names a strategy the model keeps no temperature for, or
/// one fitted for another strategy of that name or another matrix.
fn choose<'r>(
    strategies: &'r Strategies,
    scoring: &Scoring,
    matrix: &RoleMatrix,
    settings: &Settings,
) -> Result<(Chosen<'r>, Option<Probability>)> {
    let learned_weights = scoring.weighting.weights == Some(WeightsChoice::Learned);
    let (Some(path), Some(_), false) = (
        scoring.learned.model.as_deref(),
        &scoring.choice.strategy,
        learned_weights,
    ) else {
        let chosen = crate::strategy::choose(strategies, scoring, matrix, settings)?;
        let probability = match (&chosen, scoring.learned.model.as_deref()) {
            (Chosen::Model(model), _) => model.probability(),
            (_, Some(path)) => {
                let model = crate::strategy::load_model(path, matrix, settings.encoding)?;
                model
                    .strategy_probability(chosen.get(), matrix)
                    .map_err(|e| bad_input(format!("{}: {e}", path.display())))?
            }
            (_, None) => None,
        };
        return Ok((chosen, probability));
    };
    // The strategy as it is named, the model for its temperature.
    let mut by_name = scoring.clone();
    by_name.learned.model = None;
    let chosen = crate::strategy::choose(strategies, &by_name, matrix, settings)?;
    let model = crate::strategy::load_model(path, matrix, settings.encoding)?;
    let name = chosen.get().name();
    let in_file = |e: String| bad_input(format!("{}: {e}", path.display()));
    match model.strategy_probability(chosen.get(), matrix) {
        Ok(Some(probability)) => Ok((chosen, Some(probability))),
        Ok(None) => {
            let kept: Vec<&str> = model
                .calibration()
                .map(|c| c.strategies.keys().map(String::as_str).collect())
                .unwrap_or_default();
            Err(in_file(format!(
                "the model keeps no temperature for {name} ({}), so it cannot give {name}'s probability; \
                 fit one with `rolefit train --calibrate {name} ...` on labelled respondents, or leave out \
                 --strategy to score with the model itself",
                if kept.is_empty() {
                    "it keeps none: it was trained without --calibrate".to_string()
                } else {
                    format!("it keeps {}", kept.join(", "))
                }
            )))
        }
        Err(e) => Err(in_file(format!(
            "{e}; fit it again with `rolefit train --calibrate {name} ...` with this matrix"
        ))),
    }
}

/// The renderer of the output `args` asks for, of the rows `plan` reads.
fn renderer<'m>(
    args: &ScoreArgs,
    matrix: &'m RoleMatrix,
    strategy: &'m dyn Strategy,
    plan: &ColumnPlan,
    settings: &Settings,
) -> Result<Renderer<'m>> {
    let format = args.output_format()?;
    // Parquet cells are data, not spreadsheet formulas: never guarded.
    let sanitize = settings.sanitize && format != ScoreFormat::Parquet;
    // A table on the terminal (or COLUMNS) is wrapped to its width and,
    // without --top, shows the roles that fit; one written to a file keeps
    // its natural width and every role.
    let width = match args.emit.output() {
        None => crate::render::terminal_width(),
        Some(_) => None,
    };
    Ok(Renderer::new(format, matrix, strategy, args.explain, sanitize)
        .with_width(width, args.top.is_none())
        .with_confidence(args.confidence)
        .with_flags(plan.flags_on())
        .with_answer_scale(plan.response_scale().scale()))
}

/// The responses of `args` opened in chunks of [`CHUNK_BYTES`] with the
/// `--survey` (or built-in) survey, `--plot`'s size checked and the plan's
/// notes said (unless `--quiet`): the input (its reader taken) and the
/// chunks.
fn open_chunks(
    args: &ScoreArgs,
    matrix: &RoleMatrix,
    settings: &Settings,
) -> Result<(Input, ResponseChunks<Box<dyn Read + Send>>)> {
    let options = load::response_options(&args.inputs.responses, settings)?;
    let survey = load::survey_for(args.inputs.responses.survey.path(), &options, settings)?;
    let mut input = open_responses(
        args.inputs.responses.input.as_deref(),
        settings,
        args.inputs.responses.sheet.as_deref(),
    )?;
    if args.plot.is_some() {
        plot_size_check(&input.name, input.len.unwrap_or(0))?;
    }
    let reader = std::mem::replace(&mut input.reader, Box::new(std::io::empty()));
    let chunks = ResponseChunks::new(reader, &input.name, matrix, Some(&survey), &options, CHUNK_BYTES)?;
    if !settings.quiet {
        for note in load::plan_notes(&input.name, chunks.plan()) {
            eprintln!("note: {note}");
        }
    }
    Ok((input, chunks))
}

/// What the writer keeps between chunks, in input order: the output and
/// rejects file written so far, the table rows held until the end, the
/// `--plot` respondent and the row counts.
struct Collector<'a> {
    out: Sink,
    rejects: Option<Output>,
    /// The header goes out with the first chunk, so that a run that reads
    /// no row at all writes nothing.
    header: Vec<u8>,
    header_written: bool,
    first_output: bool,
    table_rows: Vec<TableRow>,
    noted_table: bool,
    /// --plot: the one respondent's answers and ranking, as scored.
    plotted: Option<Plotted>,
    totals: Totals,
    renderer: &'a Renderer<'a>,
    progress: &'a Progress,
    name: &'a str,
    plot: bool,
    quiet: bool,
}

impl<'a> Collector<'a> {
    /// A collector writing `args`' output (`-o`; held in memory with
    /// `--plot`) and rejects file (`--rejects`, by `policy`), the header
    /// first.
    fn new(
        args: &ScoreArgs,
        policy: &RowPolicy,
        plan: &ColumnPlan,
        renderer: &'a Renderer<'a>,
        progress: &'a Progress,
        name: &'a str,
        quiet: bool,
    ) -> Result<Self> {
        let plot = args.plot.is_some();
        let output = Output::create(args.emit.output())?;
        let out = if args.output_format()? == ScoreFormat::Parquet {
            let name = args
                .emit
                .output()
                .map_or("standard output".into(), |p| p.display().to_string());
            Target::Parquet(Box::new(ScoresParquet::new(output, &name)))
        } else {
            Target::Bytes(output)
        };
        Ok(Collector {
            out: Sink {
                out,
                held: plot.then(Vec::new),
            },
            rejects: policy.rejects_file(&args.inputs.responses, plan)?,
            header: renderer.header(args.no_header),
            header_written: false,
            first_output: true,
            table_rows: Vec::new(),
            noted_table: false,
            plotted: None,
            totals: Totals::default(),
            renderer,
            progress,
            name,
            plot,
            quiet,
        })
    }

    /// Once every chunk is in: the header (if no chunk wrote it) and the
    /// footer written; the output, rejects file and counts, to finish, and
    /// the note of a table that left roles out to fit the terminal.
    fn close(mut self) -> Result<(Sink, Option<Output>, Totals, Option<String>)> {
        if !self.header_written {
            self.out.write_all(&self.header)?;
        }
        let footer = self.renderer.footer(&self.table_rows, self.first_output);
        self.out.write_all(&footer)?;
        let note = self.renderer.left_out_note(&self.table_rows);
        Ok((self.out, self.rejects, self.totals, note))
    }

    /// Writes out the chunk `done` (`bytes_read` of the input so far) and
    /// counts it; its output buffer goes back to `spare` for the workers.
    fn take(&mut self, done: &mut Done, bytes_read: u64, spare: &Sender<Vec<u8>>) -> Result<()> {
        if !self.header_written {
            self.out.write_all(&self.header)?;
            self.header_written = true;
        }
        let bytes = self
            .renderer
            .continue_output(&done.output, &mut self.first_output);
        self.out.write_all(bytes)?;
        // A full pool means enough buffers are about; drop this one.
        let _ = spare.try_send(std::mem::take(&mut done.output));
        if let Some(file) = self.rejects.as_mut() {
            file.write_all(&done.rejects)?;
        }
        self.table_rows.append(&mut done.table);
        if self.plot {
            self.plotted = self.plotted.take().or_else(|| done.first.take());
            plot_size_check(self.name, bytes_read)?;
        }
        if !self.quiet && !self.noted_table && self.table_rows.len() >= TABLE_NOTE_ROWS {
            self.noted_table = true;
            self.progress.note(&format!(
                "a table keeps every row in memory until the end ({} rows so far); --format csv or \
                 ndjson (or -o FILE.csv) streams large inputs in constant memory",
                self.table_rows.len()
            ));
        }
        self.totals.add(done);
        self.progress.update(bytes_read, self.totals.rows.read);
        match done.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Where the rows go: the output, or with `--plot` memory first, so that
/// an input that cannot be drawn (not one rankable respondent) writes
/// nothing, not even to standard output. An input with `--plot` is at most
/// [`PLOT_INPUT_MAX`] bytes, so what is held stays small.
struct Sink {
    out: Target,
    held: Option<Vec<u8>>,
}

/// The output proper: bytes as rendered, or Parquet made from the long
/// CSV rows.
enum Target {
    Bytes(Output),
    Parquet(Box<ScoresParquet>),
}

impl Target {
    fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Target::Bytes(out) => Ok(out.write_all(bytes)?),
            Target::Parquet(out) => out.write_rows(bytes),
        }
    }
}

impl Sink {
    fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        match &mut self.held {
            Some(held) => {
                held.extend_from_slice(bytes);
                Ok(())
            }
            None => self.out.write_all(bytes),
        }
    }

    /// The output, with what was held written to it (and a Parquet file's
    /// footer).
    fn into_output(mut self) -> Result<Output> {
        if let Some(held) = self.held.take() {
            self.out.write_all(&held)?;
        }
        match self.out {
            Target::Bytes(out) => Ok(out),
            Target::Parquet(out) => out.close(),
        }
    }
}

/// The first respondent of a chunk, kept for `--plot`.
struct Plotted {
    respondent: String,
    /// Values in matrix order, `None` where not answered.
    values: Vec<Option<f64>>,
    answered: usize,
    outcome: Outcome,
}

/// Refuses a `--plot` input larger than [`PLOT_INPUT_MAX`] (`bytes` so
/// far).
fn plot_size_check(name: &str, bytes: u64) -> Result<()> {
    if bytes <= PLOT_INPUT_MAX as u64 {
        return Ok(());
    }
    Err(bad_input(format!(
        "--plot draws one respondent, but {name} is larger than {} MiB; give a file with one respondent",
        PLOT_INPUT_MAX >> 20
    )))
}

/// The `--plot` radar chart of the one respondent of the input, from the
/// ranking `score` computed for them.
///
/// # Errors
/// Bad input (exit 2) for anything but one rankable respondent.
fn draw_plotted(
    plotted: Option<&Plotted>,
    totals: &Totals,
    name: &str,
    matrix: &RoleMatrix,
    strategy: &str,
    top: Option<u32>,
) -> Result<String> {
    if totals.rows.read != 1 {
        return Err(bad_input(format!(
            "--plot draws one respondent, but {name} holds {}; give a file with one respondent \
             (for example `head -2 FILE > one.csv`)",
            totals.rows.read
        )));
    }
    let Some(p) = plotted else {
        let why = if totals.rows.excluded > 0 {
            "left out as flagged (--exclude-flagged)"
        } else {
            "rejected (see --rejects)"
        };
        return Err(bad_input(format!(
            "--plot: the one respondent of {name} was {why}; there is nothing to draw"
        )));
    };
    match &p.outcome {
        Outcome::Ranked(ranked) => radar::respondent_radar(matrix, strategy, &p.respondent, &p.values, ranked, top),
        Outcome::Insufficient { needed, .. } => Err(bad_input(format!(
            "--plot: respondent {:?} answered {} of {} capabilities, fewer than the {needed} needed to be ranked \
             (see --min-answered)",
            p.respondent,
            p.answered,
            matrix.capabilities().len()
        ))),
    }
}

/// What every worker shares: read-only.
struct Job<'a> {
    plan: &'a ColumnPlan,
    scorer: &'a Scorer<'a>,
    compiled: &'a CompiledMatrix,
    strategy: &'a dyn Strategy,
    renderer: &'a Renderer<'a>,
    /// `--confidence`: how each respondent's answers are resampled.
    bootstrap: Option<rolefit_learn::evaluate::Bootstrap>,
    /// How each role's probability is made, when there is one: then every
    /// role is ranked, and the rankings cut to `top` after it.
    probability: Option<Probability>,
    /// The roles shown per respondent.
    top: usize,
    /// `--on-error` and `--exclude-flagged`.
    policy: RowPolicy,
    /// `--plot`: each chunk keeps its first respondent ([`Done::first`]).
    plot: bool,
    /// Output buffers the writer is done with, for workers to fill again:
    /// a fresh buffer per chunk would be page-faulted in every time.
    spare: (Sender<Vec<u8>>, Receiver<Vec<u8>>),
}

/// One worker's reusable working space.
struct Worker {
    parser: ChunkParser,
    batch: ProfileBatch,
    positions: Vec<RowPosition>,
    workspace: Workspace,
    /// The outcomes of the last batch; their rankings' space is reused.
    outcomes: Vec<Outcome>,
    /// The probabilities of the last batch's ranked roles, `top` per
    /// respondent (see [`Job::probabilities`]).
    probabilities: Vec<f64>,
}

impl Worker {
    fn new(capabilities: usize) -> Self {
        Worker {
            parser: ChunkParser::new(),
            batch: ProfileBatch::new(capabilities),
            positions: Vec::new(),
            workspace: Workspace::new(),
            outcomes: Vec::new(),
            probabilities: Vec::new(),
        }
    }
}

/// A chunk, finished: output bytes in input order and its counts.
struct Done {
    input: Vec<u8>,
    output: Vec<u8>,
    rejects: Vec<u8>,
    table: Vec<TableRow>,
    /// Rows read, rejected, flagged and left out.
    rows: RowCounts,
    scored: u64,
    unranked: u64,
    unranked_ids: Vec<String>,
    /// With `--plot`, the chunk's first respondent scored.
    first: Option<Plotted>,
    /// A bad row (an `ImportError`: exit 2) or a failed strategy (a
    /// `ScoreError`, such as a misbehaving plugin: exit 1).
    error: Option<anyhow::Error>,
}

impl ChunkResult for Done {
    fn take_buffer(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.input)
    }
}

impl Job<'_> {
    /// With a probability: each ranked respondent's probabilities of every
    /// role from their scores (ranked in full), the first `top` of them
    /// into `probabilities` at `i * top`, and their ranking cut to `top`.
    /// Without, nothing.
    fn probabilities(&self, outcomes: &mut [Outcome], probabilities: &mut Vec<f64>) {
        let Some(probability) = self.probability else {
            return;
        };
        probabilities.clear();
        probabilities.resize(outcomes.len() * self.top, 0.0);
        let (mut scores, mut all) = (Vec::new(), Vec::new());
        for (i, outcome) in outcomes.iter_mut().enumerate() {
            if let Outcome::Ranked(ranked) = outcome {
                scores.clear();
                scores.extend(ranked.iter().map(|r| r.score));
                all.resize(scores.len(), 0.0);
                probability.apply(&scores, &mut all);
                ranked.truncate(self.top);
                probabilities[i * self.top..][..ranked.len()].copy_from_slice(&all[..ranked.len()]);
            }
        }
    }

    /// An empty output buffer, a spent one if there is one.
    fn spare_output(&self, rows: usize) -> Vec<u8> {
        let mut buffer = self.spare.1.try_recv().unwrap_or_default();
        buffer.clear();
        buffer.reserve(rows * self.renderer.bytes_per_row_hint());
        buffer
    }

    fn process(&self, w: &mut Worker, chunk: RawChunk) -> Done {
        w.batch.clear();
        w.positions.clear();
        let mut rejects = Vec::new();
        let mut rows = RowCounts::default();
        let parsed = w.parser.parse(
            self.plan,
            &chunk,
            &mut w.batch,
            &mut w.positions,
            |position, record, e| self.policy.reject(&mut rows, &mut rejects, position, record, e),
        );
        let error = parsed.err().map(anyhow::Error::from);
        rows.read = w.batch.len() as u64 + rows.rejected + u64::from(error.is_some());
        self.policy.sort_flagged(&mut rows, &mut w.batch);
        let mut done = Done {
            input: chunk.bytes,
            output: self.spare_output(w.batch.len()),
            rejects,
            table: Vec::new(),
            rows,
            scored: w.batch.len() as u64,
            unranked: 0,
            unranked_ids: Vec::new(),
            first: None,
            error,
        };
        let scored = self
            .scorer
            .score_batch_into(&w.batch, &mut w.workspace, &mut w.outcomes);
        self.probabilities(&mut w.outcomes, &mut w.probabilities);
        let outcomes = match scored {
            Ok(()) => &w.outcomes,
            Err(e) => {
                // A bug or a broken strategy, never the user's data: stop
                // (exit 1).
                done.error.get_or_insert_with(|| {
                    anyhow::Error::new(e).context(format!("{}: scoring failed", self.plan.source()))
                });
                return done;
            }
        };
        let confidence = match crate::confidence::chunk_confidence(
            self.bootstrap,
            self.compiled,
            self.strategy,
            &w.batch,
            &mut w.workspace,
        ) {
            Ok(c) => c,
            Err(e) => {
                done.error.get_or_insert_with(|| {
                    anyhow::Error::new(e).context(format!("{}: confidence failed", self.plan.source()))
                });
                return done;
            }
        };
        if self.plot && !w.batch.is_empty() {
            let profile = w.batch.profile(0);
            done.first = Some(Plotted {
                respondent: profile.respondent,
                values: profile.values,
                answered: w.batch.answered_count(0),
                outcome: outcomes[0].clone(),
            });
        }
        self.render(w, &confidence, &mut done);
        done
    }

    /// Renders the chunk's respondents (scored into `w.outcomes`) into
    /// `done`, counting those not ranked.
    fn render(&self, w: &Worker, confidence: &[rolefit_learn::evaluate::Confidence], done: &mut Done) {
        let outcomes = &w.outcomes;
        let mut explanations = Vec::new();
        for (i, outcome) in outcomes.iter().enumerate() {
            explanations.clear();
            match outcome {
                Outcome::Insufficient { .. } => {
                    done.unranked += 1;
                    if done.unranked_ids.len() < 5 {
                        done.unranked_ids.push(w.batch.respondent(i).to_string());
                    }
                }
                Outcome::Ranked(ranked) if self.renderer.explain() => {
                    let (values, answered) = w.batch.row(i);
                    explanations.extend(
                        ranked
                            .iter()
                            .map(|r| explain(self.compiled, self.strategy, values, answered, *r)),
                    );
                }
                Outcome::Ranked(_) => {}
            }
            self.renderer.row(
                &mut done.output,
                &mut done.table,
                RespondentParts {
                    id: w.batch.respondent(i),
                    answered: w.batch.answered_count(i),
                    outcome,
                    explanations: &explanations,
                    confidence: confidence.get(i),
                    flags: w.batch.flags(i),
                    probability: match (self.probability, outcome) {
                        (Some(_), Outcome::Ranked(ranked)) => {
                            &w.probabilities[i * self.top..i * self.top + ranked.len()]
                        }
                        _ => &[],
                    },
                },
            );
        }
    }
}

/// Row counts over the whole run.
#[derive(Debug, Default)]
struct Totals {
    rows: RowCounts,
    scored: u64,
    unranked: u64,
    unranked_ids: Vec<String>,
}

impl Totals {
    fn add(&mut self, done: &Done) {
        self.rows.add(&done.rows);
        self.scored += done.scored;
        self.unranked += done.unranked;
        for id in &done.unranked_ids {
            if self.unranked_ids.len() < 5 {
                self.unranked_ids.push(id.clone());
            }
        }
    }

    /// The one-line summary for standard error; `flags` is whether rows
    /// were flagged, and if so whether flagged rows were left out.
    fn summary(&self, source: &str, seconds: f64, needed: usize, flags: Option<bool>) -> String {
        let excluded = if flags == Some(true) {
            format!(", {} left out as flagged", self.rows.excluded)
        } else {
            String::new()
        };
        let mut s = format!(
            "rolefit: {source}: {} read, {} scored, {} rejected{excluded} in {:.2} s",
            crate::render::counted(self.rows.read, "row"),
            self.scored,
            self.rows.rejected,
            seconds
        );
        if seconds > 0.0 && self.rows.read >= 100_000 {
            s.push_str(&format!(" ({:.0} rows/s)", self.rows.read as f64 / seconds));
        }
        if flags.is_some() {
            s.push_str(&format!("; {}", self.rows.flag_summary()));
        }
        if self.rows.no_answer > 0 {
            s.push_str(&format!("; {}", self.rows.no_answer_summary()));
        }
        if self.unranked > 0 {
            let more = if self.unranked > self.unranked_ids.len() as u64 {
                ", ..."
            } else {
                ""
            };
            s.push_str(&format!(
                "; {} not ranked: fewer than {needed} capabilities answered ({}{more}), see --min-answered",
                self.unranked,
                self.unranked_ids.join(", ")
            ));
        }
        s
    }
}
