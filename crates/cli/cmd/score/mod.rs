//! `rolefit score`: rank every role for every respondent, in parallel and
//! in bounded memory.
//!
//! The input is cut into chunks of whole records; worker threads parse a
//! chunk, score it with one call of the strategy, rank each row and render
//! its output rows to bytes; this thread writes the chunks back in input
//! order (see [`crate::pipeline`]). Only the table format, which is for
//! people and needs the whole result to lay it out, holds rows.

mod render;

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, Sender};
use rolefit_import::{ChunkParser, ColumnPlan, RawChunk, ResponseChunks, RowPosition};
use rolefit_model::ProfileBatch;
use rolefit_score::{explain, CompiledMatrix, Outcome, Scorer, Strategy, Workspace};

use crate::args::ScoreArgs;
use crate::io::{open_input, Output};
use crate::load::{self, no_respondents};
use crate::pipeline::{self, ChunkResult};
use crate::progress::Progress;
use crate::registry;
use crate::row_policy::{RowCounts, RowPolicy};

use render::TableRow;
pub use render::{csv_field, Renderer};

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
pub fn run(args: &ScoreArgs) -> Result<()> {
    let started = Instant::now();
    let policy = RowPolicy::new(&args.responses)?;
    let loaded = load::matrix(&args.matrix)?;
    if !args.quiet {
        loaded.print_notes();
    }
    let matrix = loaded.matrix;
    let survey = load::survey(args.responses.survey.as_deref())?;
    let registry = registry::registry(args.plugin.duration())?;
    let chosen = crate::cmd::train::score_strategy(args, &registry, &matrix)?;
    let strategy = chosen.get();
    let compiled = CompiledMatrix::new(&matrix);
    let top = args.top.map_or(5, |k| k as usize).min(matrix.roles().len());
    let scorer = Scorer::new(&compiled, strategy)
        .top(Some(top))
        .min_answered(args.min_answered);

    let mut input = open_input(args.responses.input.as_deref(), "responses")?;
    let options = load::response_options(&args.responses)?;
    // --plot: exactly one respondent, drawn now, written once the run succeeds.
    let plot_svg = match &args.plot {
        Some(_) => Some(crate::plot::radar::capture_and_draw(
            &mut input,
            &matrix,
            &survey,
            &options,
            strategy,
            scorer.needed(),
            args.top,
        )?),
        None => None,
    };
    let chunks = ResponseChunks::new(
        input.reader,
        &input.name,
        &matrix,
        Some(&survey),
        &options,
        CHUNK_BYTES,
    )?;
    let plan = chunks.plan().clone();
    if !args.quiet {
        for note in load::plan_notes(&input.name, &plan) {
            eprintln!("note: {note}");
        }
    }
    let renderer = Renderer::new(args.output_format()?, &matrix, strategy, args.explain)
        .with_confidence(args.confidence)
        .with_flags(plan.flags_on());

    let mut out = Output::create(args.output.as_deref())?;
    let mut rejects = RowPolicy::rejects_file(&args.responses, &plan)?;
    // The header goes out with the first chunk, so that a run that reads
    // no row at all writes nothing.
    let header = renderer.header(args.no_header);
    let mut header_written = false;
    let progress = Progress::new(input.len, args.quiet);
    let mut totals = Totals::default();
    let mut table_rows: Vec<TableRow> = Vec::new();
    let mut noted_table = false;
    let mut first_output = true;
    let threads = args
        .threads
        .map(|t| t as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let job = Job {
        plan: &plan,
        scorer: &scorer,
        compiled: &compiled,
        strategy,
        renderer: &renderer,
        bootstrap: crate::cmd::evaluate::score_bootstrap(args.confidence, args.resamples, args.seed),
        policy,
        spare: crossbeam_channel::bounded(4 * threads + 4),
    };

    pipeline::run(
        chunks,
        threads,
        || Worker::new(compiled.n_capabilities()),
        |worker, chunk| job.process(worker, chunk),
        |mut done: Done, bytes_read| {
            if !header_written {
                out.write_all(&header)?;
                header_written = true;
            }
            let bytes = renderer.continue_output(&done.output, &mut first_output);
            out.write_all(bytes)?;
            // A full pool means enough buffers are about; drop this one.
            let _ = job.spare.0.try_send(std::mem::take(&mut done.output));
            if let Some(file) = rejects.as_mut() {
                file.write_all(&done.rejects)?;
            }
            table_rows.append(&mut done.table);
            if !args.quiet && !noted_table && table_rows.len() >= TABLE_NOTE_ROWS {
                noted_table = true;
                progress.note(&format!(
                    "a table keeps every row in memory until the end ({} rows so far); --format csv or \
                     ndjson (or -o FILE.csv) streams large inputs in constant memory",
                    table_rows.len()
                ));
            }
            totals.add(&done);
            progress.update(bytes_read, totals.rows.read);
            match done.error.take() {
                Some(e) => Err(e),
                None => Ok(()),
            }
        },
    )?;
    progress.finish();
    if totals.rows.read == 0 {
        return Err(no_respondents(&input.name));
    }
    if !header_written {
        out.write_all(&header)?;
    }

    out.write_all(&renderer.footer(&table_rows, first_output))?;
    // A strategy plugin that fails at the end fails the run, output unwritten.
    registry::finish()?;
    out.finish()?;
    if let Some(file) = rejects {
        file.finish().context("writing the rejects file")?;
    }
    if let (Some(path), Some(svg)) = (&args.plot, &plot_svg) {
        crate::plot::write(path, svg)?;
    }
    if !args.quiet {
        eprintln!(
            "{}",
            totals.summary(
                &input.name,
                started.elapsed().as_secs_f64(),
                scorer.needed(),
                plan.flags_on().then_some(args.responses.exclude_flagged)
            )
        );
    }
    totals.rows.check_some_kept(&input.name)
}

/// What every worker shares: read-only.
struct Job<'a> {
    plan: &'a ColumnPlan,
    scorer: &'a Scorer<'a>,
    compiled: &'a CompiledMatrix,
    strategy: &'a dyn Strategy,
    renderer: &'a Renderer<'a>,
    /// `--confidence`: how each respondent's answers are resampled.
    bootstrap: Option<rolefit_score::evaluate::Bootstrap>,
    /// `--on-error` and `--exclude-flagged`.
    policy: RowPolicy,
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
}

impl Worker {
    fn new(capabilities: usize) -> Self {
        Worker {
            parser: ChunkParser::new(),
            batch: ProfileBatch::new(capabilities),
            positions: Vec::new(),
            workspace: Workspace::new(),
            outcomes: Vec::new(),
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
            error,
        };
        let scored = self
            .scorer
            .score_batch_into(&w.batch, &mut w.workspace, &mut w.outcomes);
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
        let confidence = match crate::cmd::evaluate::chunk_confidence(
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
            let respondent = w.batch.respondent(i);
            let answered = w.batch.answered_count(i);
            self.renderer.row(
                &mut done.output,
                &mut done.table,
                respondent,
                answered,
                outcome,
                &explanations,
                confidence.get(i),
                w.batch.flags(i),
            );
        }
        done
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
            "rolefit: {source}: {} rows read, {} scored, {} rejected{excluded} in {:.2} s",
            self.rows.read, self.scored, self.rows.rejected, seconds
        );
        if seconds > 0.0 && self.rows.read >= 100_000 {
            s.push_str(&format!(" ({:.0} rows/s)", self.rows.read as f64 / seconds));
        }
        if flags.is_some() {
            s.push_str(&format!("; {}", self.rows.flag_summary()));
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
