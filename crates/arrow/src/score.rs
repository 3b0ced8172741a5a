//! Scoring a batch on every core, results in input order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use arrow_array::RecordBatch;
use rolefit_import::{ColumnPlan, ImportError, RowPosition};
use rolefit_model::ProfileBatch;
use rolefit_score::{Outcome, RankedRole, ScoreError, Scorer, Workspace};

use crate::{BatchReader, LongRows};

/// Rows per slice a thread parses and scores at a time: large enough that
/// per-slice costs vanish, small enough that slices balance between
/// threads and their arrays stay small.
const SLICE_ROWS: usize = 4096;

/// The explanation texts of one ranked role (strengths, gaps, above the
/// level), from the respondent's values and answered mask.
pub type ExplainText<'a> = dyn Fn(&[f64], &[bool], RankedRole) -> [String; 3] + Sync + 'a;

/// How to score a batch.
pub struct ScoreOptions<'a> {
    /// Worker threads (at least one).
    pub threads: usize,
    /// The 0-based index of the batch's first row among all rows of the
    /// data (blank ones included), and how many non-blank rows came before
    /// it: line numbers and row numbers then continue across batches.
    pub first_row: u64,
    /// Non-blank rows before this batch.
    pub rows_before: u64,
    /// With explanations: their texts per ranked role.
    pub explain: Option<&'a ExplainText<'a>>,
}

impl std::fmt::Debug for ScoreOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreOptions")
            .field("threads", &self.threads)
            .field("first_row", &self.first_row)
            .field("rows_before", &self.rows_before)
            .field("explain", &self.explain.is_some())
            .finish()
    }
}

/// A scored batch.
#[derive(Debug)]
pub struct Scored {
    /// The long rows, in input order.
    pub rows: LongRows,
    /// Non-blank rows read (respondents).
    pub read: u64,
    /// Respondents too few of whose capabilities were answered to rank.
    pub unranked: u64,
}

/// Why a batch could not be scored.
#[derive(Debug)]
pub enum BatchError {
    /// Bad input: the first bad row in input order.
    Input(ImportError),
    /// The strategy failed (a bug, never the data).
    Score(ScoreError),
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Input(e) => e.fmt(f),
            BatchError::Score(e) => write!(f, "scoring failed: {e}"),
        }
    }
}

impl std::error::Error for BatchError {}

/// One slice's result.
type SliceResult = Result<(LongRows, u64), BatchError>;

/// Parses and scores every row of `batch` with `plan` and `scorer` on
/// `options.threads` threads, slice by slice; the rows come back in input
/// order, the same whatever the number of threads.
///
/// # Errors
/// The first bad row in input order (as `rolefit score` reports it), or a
/// failure of the strategy.
pub fn score_batch(
    plan: &ColumnPlan,
    batch: &RecordBatch,
    scorer: &Scorer<'_>,
    options: &ScoreOptions<'_>,
) -> Result<Scored, BatchError> {
    let reader = BatchReader::new(plan, batch).map_err(BatchError::Input)?;
    let rows = reader.rows();
    let slices = rows.div_ceil(SLICE_ROWS);
    // Non-blank rows before each slice, for row numbers.
    let mut before = Vec::with_capacity(slices);
    let mut count = options.rows_before;
    for s in 0..slices {
        before.push(count);
        let end = ((s + 1) * SLICE_ROWS).min(rows);
        count += (s * SLICE_ROWS..end).filter(|&r| !reader.is_blank(r)).count() as u64;
    }
    let read = count - options.rows_before;
    drop(reader);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<SliceResult>>> = Mutex::new((0..slices).map(|_| None).collect());
    let threads = options.threads.clamp(1, slices.max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut worker = match BatchReader::new(plan, batch) {
                    Ok(reader) => Worker::new(reader, plan.capabilities()),
                    Err(_) => return,
                };
                loop {
                    let s = next.fetch_add(1, Ordering::Relaxed);
                    if s >= slices {
                        break;
                    }
                    let range = s * SLICE_ROWS..((s + 1) * SLICE_ROWS).min(rows);
                    let result = worker.slice(range, before[s], scorer, options);
                    let failed = result.is_err();
                    if let Ok(mut all) = results.lock() {
                        all[s] = Some(result);
                    }
                    if failed {
                        // Later slices cannot come first; stop taking them.
                        next.fetch_max(slices, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = LongRows::new(options.explain.is_some());
    let mut unranked = 0;
    for result in results {
        match result {
            Some(Ok((rows, n))) => {
                out.append(rows);
                unranked += n;
            }
            Some(Err(e)) => return Err(e),
            // Only after a failed slice are later ones left undone.
            None => break,
        }
    }
    Ok(Scored {
        rows: out,
        read,
        unranked,
    })
}

/// One thread's working space.
struct Worker<'a> {
    reader: BatchReader<'a>,
    batch: ProfileBatch,
    workspace: Workspace,
    outcomes: Vec<Outcome>,
}

impl<'a> Worker<'a> {
    fn new(reader: BatchReader<'a>, capabilities: usize) -> Self {
        Worker {
            reader,
            batch: ProfileBatch::with_capacity(capabilities, SLICE_ROWS),
            workspace: Workspace::new(),
            outcomes: Vec::new(),
        }
    }

    /// Parses and scores the rows of `range` (`before` non-blank rows came
    /// before it): the long rows and how many were not ranked.
    fn slice(
        &mut self,
        range: std::ops::Range<usize>,
        before: u64,
        scorer: &Scorer<'_>,
        options: &ScoreOptions<'_>,
    ) -> SliceResult {
        self.batch.clear();
        self.reader.prepare(range.clone());
        let mut row = before;
        // The header is line 1.
        let header_lines = 1;
        for r in range {
            if self.reader.is_blank(r) {
                continue;
            }
            row += 1;
            let position = RowPosition {
                line: options.first_row + r as u64 + 1 + header_lines,
                row,
            };
            self.reader
                .parse(r, position, &mut self.batch)
                .map_err(BatchError::Input)?;
        }
        scorer
            .score_batch_into(&self.batch, &mut self.workspace, &mut self.outcomes)
            .map_err(BatchError::Score)?;
        let mut rows = LongRows::new(options.explain.is_some());
        let per_respondent = match self.outcomes.first() {
            Some(Outcome::Ranked(r)) => r.len().max(1),
            _ => 1,
        };
        rows.reserve(self.outcomes.len(), per_respondent);
        let mut unranked = 0;
        let mut texts = Vec::new();
        for (i, outcome) in self.outcomes.iter().enumerate() {
            texts.clear();
            match (outcome, options.explain) {
                (Outcome::Ranked(ranked), Some(explain)) => {
                    let (values, answered) = self.batch.row(i);
                    texts.extend(ranked.iter().map(|r| explain(values, answered, *r)));
                }
                (Outcome::Insufficient { .. }, _) => unranked += 1,
                _ => {}
            }
            rows.push(
                self.batch.respondent(i),
                self.batch.answered_count(i),
                outcome,
                &texts,
            );
        }
        Ok((rows, unranked))
    }
}
