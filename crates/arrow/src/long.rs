//! Scores in the long layout of `rolefit score --format csv`, as typed
//! Arrow columns.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use rolefit_model::RoleMatrix;
use rolefit_score::Outcome;

/// The columns of the long layout: `respondent` (text), `rank` (int32,
/// null when not ranked), `role` (text, null when not ranked), `score`
/// (float64, null when not ranked), `answered` (int32), `status` (text:
/// `ranked` or `insufficient`); with `explain`, also `strengths`, `gaps`
/// and `above_level` (text, null when not ranked), as the CSV has them.
pub fn long_schema(explain: bool) -> SchemaRef {
    let mut fields = vec![
        Field::new("respondent", DataType::Utf8, false),
        Field::new("rank", DataType::Int32, true),
        Field::new("role", DataType::Utf8, true),
        Field::new("score", DataType::Float64, true),
        Field::new("answered", DataType::Int32, false),
        Field::new("status", DataType::Utf8, false),
    ];
    if explain {
        for name in EXPLAIN_COLUMNS {
            fields.push(Field::new(name, DataType::Utf8, true));
        }
    }
    Arc::new(Schema::new(fields))
}

/// The explanation columns, in order.
const EXPLAIN_COLUMNS: [&str; 3] = ["strengths", "gaps", "above_level"];

/// Text cells, appended one after another.
#[derive(Debug, Default, Clone)]
struct Texts {
    bytes: Vec<u8>,
    /// Where each cell ends in `bytes`.
    ends: Vec<u32>,
}

impl Texts {
    #[inline]
    fn push(&mut self, text: &str) {
        self.bytes.extend_from_slice(text.as_bytes());
        // A part holds one slice of rows: far below 4 GiB of text.
        self.ends
            .push(u32::try_from(self.bytes.len()).unwrap_or(u32::MAX));
    }

    /// Cell `i`.
    #[inline]
    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }
}

/// The respondents of one slice, as they were pushed: one entry per
/// respondent, and one per ranked role for the ranking columns. The rows
/// of the long layout are only spelled out by [`LongRows::into_batch`],
/// straight into the final columns.
#[derive(Debug, Default, Clone)]
struct Part {
    /// Per respondent: the id, the answered count and how many roles were
    /// ranked (0 when too few capabilities were answered: one row with the
    /// ranking columns null).
    respondent: Texts,
    answered: Vec<i32>,
    ranked: Vec<u32>,
    /// Per ranked role: its index and score.
    role: Vec<u32>,
    score: Vec<f64>,
    /// Per row: strengths, gaps, above_level (with explanations only).
    explain: Option<[Texts; 3]>,
}

impl Part {
    /// The rows this part spells out: one per ranked role, or one for a
    /// respondent not ranked.
    fn rows(&self) -> usize {
        self.ranked.iter().map(|&n| (n as usize).max(1)).sum()
    }
}

/// Rows of the long layout, built respondent by respondent (or appended
/// from another `LongRows`, to join the slices of a batch in order: the
/// rows are not copied until [`LongRows::into_batch`] writes each column
/// once).
#[derive(Debug, Default, Clone)]
pub struct LongRows {
    explain: bool,
    parts: Vec<Part>,
}

impl LongRows {
    /// No rows yet; `explain` adds the explanation columns.
    pub fn new(explain: bool) -> Self {
        LongRows {
            explain,
            parts: Vec::new(),
        }
    }

    /// The part rows are pushed to.
    fn last(&mut self) -> &mut Part {
        if self.parts.is_empty() {
            self.parts.push(Part {
                explain: self.explain.then(Default::default),
                ..Part::default()
            });
        }
        let last = self.parts.len() - 1;
        &mut self.parts[last]
    }

    /// Makes room for `respondents` more respondents with `per_respondent`
    /// ranked roles each.
    pub fn reserve(&mut self, respondents: usize, per_respondent: usize) {
        let part = self.last();
        part.respondent.ends.reserve(respondents);
        part.respondent.bytes.reserve(respondents * 8);
        part.answered.reserve(respondents);
        part.ranked.reserve(respondents);
        part.role.reserve(respondents * per_respondent);
        part.score.reserve(respondents * per_respondent);
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Part::rows).sum()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.ranked.is_empty())
    }

    /// Adds one respondent's rows: one per ranked role, or one with the
    /// ranking columns empty when too few capabilities were answered.
    /// `explained` gives, per ranked role, its strengths, gaps and
    /// capabilities above the level as the CSV writes them (ignored
    /// without explanations).
    pub fn push(&mut self, respondent: &str, answered: usize, outcome: &Outcome, explained: &[[String; 3]]) {
        let answered = i32::try_from(answered).unwrap_or(i32::MAX);
        let part = self.last();
        part.respondent.push(respondent);
        part.answered.push(answered);
        match outcome {
            Outcome::Ranked(ranked) => {
                part.ranked.push(u32::try_from(ranked.len()).unwrap_or(u32::MAX));
                for r in ranked {
                    // Role indices come from a matrix: far below 2^32.
                    part.role.push(u32::try_from(r.role).unwrap_or(u32::MAX));
                    part.score.push(r.score);
                }
                if let Some(columns) = &mut part.explain {
                    for i in 0..ranked.len() {
                        for (c, column) in columns.iter_mut().enumerate() {
                            column.push(explained.get(i).map_or("", |e| e[c].as_str()));
                        }
                    }
                }
            }
            Outcome::Insufficient { .. } => {
                part.ranked.push(0);
                if let Some(columns) = &mut part.explain {
                    for column in columns.iter_mut() {
                        column.push("");
                    }
                }
            }
        }
    }

    /// Appends `other`'s rows after these (without copying them).
    pub fn append(&mut self, other: LongRows) {
        self.parts
            .extend(other.parts.into_iter().filter(|p| !p.ranked.is_empty()));
    }

    /// The rows as a batch of [`long_schema`], roles named from `matrix`,
    /// each column written once, the parts spread over `threads` threads.
    ///
    /// # Errors
    /// A text column over 2 GiB.
    pub fn into_batch(self, matrix: &RoleMatrix, threads: usize) -> Result<RecordBatch, ArrowError> {
        let names: Vec<&[u8]> = matrix.roles().iter().map(|r| r.name.as_bytes()).collect();
        let layout = Layout::of(&self.parts, &names)?;
        let mut columns = Columns::new(&layout, self.explain);
        let jobs = columns.jobs(&self.parts, &layout);
        run_jobs(jobs, threads, |job| job.fill(&names));
        columns.into_batch(&layout, self.explain)
    }
}

/// Where each part's rows and text bytes start in the final columns.
struct Layout {
    rows: usize,
    /// Per part, then the total last: the first row, and the first byte
    /// of the respondent, role, status and explanation texts.
    row: Vec<usize>,
    respondent: Vec<usize>,
    role: Vec<usize>,
    status: Vec<usize>,
    explain: [Vec<usize>; 3],
    /// Whether some respondent was not ranked (then the ranking columns
    /// have nulls).
    unranked: bool,
}

const RANKED: &[u8] = b"ranked";
const INSUFFICIENT: &[u8] = b"insufficient";

impl Layout {
    fn of(parts: &[Part], names: &[&[u8]]) -> Result<Layout, ArrowError> {
        let too_long = || ArrowError::InvalidArgumentError("more than 2 GiB of text in one column".into());
        let mut layout = Layout {
            rows: 0,
            row: vec![0],
            respondent: vec![0],
            role: vec![0],
            status: vec![0],
            explain: [vec![0], vec![0], vec![0]],
            unranked: false,
        };
        for p in parts {
            let (mut rows, mut respondent, mut status) = (0, 0, 0);
            for (i, &n) in p.ranked.iter().enumerate() {
                let n = n as usize;
                layout.unranked |= n == 0;
                rows += n.max(1);
                respondent += p.respondent.get(i).len() * n.max(1);
                status += if n == 0 {
                    INSUFFICIENT.len()
                } else {
                    RANKED.len() * n
                };
            }
            let role: usize = p.role.iter().map(|&r| names[r as usize].len()).sum();
            let push = |v: &mut Vec<usize>, add: usize| v.push(v[v.len() - 1] + add);
            push(&mut layout.row, rows);
            push(&mut layout.respondent, respondent);
            push(&mut layout.role, role);
            push(&mut layout.status, status);
            for (c, column) in layout.explain.iter_mut().enumerate() {
                push(column, p.explain.as_ref().map_or(0, |e| e[c].bytes.len()));
            }
        }
        layout.rows = layout.row[parts.len()];
        let largest = [&layout.respondent, &layout.role, &layout.status]
            .into_iter()
            .chain(&layout.explain)
            .map(|v| v[v.len() - 1])
            .max()
            .unwrap_or(0);
        i32::try_from(largest).map_err(|_| too_long())?;
        Ok(layout)
    }
}

/// A text column being written: its bytes and its `rows + 1` offsets.
struct TextColumn {
    bytes: Vec<u8>,
    offsets: Vec<i32>,
}

impl TextColumn {
    fn new(rows: usize, size: usize) -> Self {
        TextColumn {
            bytes: vec![0; size],
            offsets: vec![0; rows + 1],
        }
    }

    /// The pieces of this column each part writes: its bytes and the
    /// offsets that end its rows.
    fn split<'a>(&'a mut self, rows: &[usize], bytes: &[usize]) -> Vec<TextPiece<'a>> {
        let bytes_of = split_at_starts(&mut self.bytes, bytes);
        let ends = split_at_starts(&mut self.offsets[1..], rows);
        bytes_of
            .into_iter()
            .zip(ends)
            .zip(bytes)
            .map(|((bytes, ends), &base)| TextPiece {
                bytes,
                ends,
                base,
                at: 0,
                row: 0,
            })
            .collect()
    }

    fn array(self, nulls: Option<NullBuffer>) -> Result<ArrayRef, ArrowError> {
        Ok(Arc::new(StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(self.offsets)),
            Buffer::from_vec(self.bytes),
            nulls,
        )?))
    }
}

/// `all` cut at each start of `starts` (whose last entry is the end).
fn split_at_starts<'a, T>(mut all: &'a mut [T], starts: &[usize]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(starts.len().saturating_sub(1));
    for w in starts.windows(2) {
        let (piece, rest) = std::mem::take(&mut all).split_at_mut(w[1] - w[0]);
        pieces.push(piece);
        all = rest;
    }
    pieces
}

/// One part's share of a text column.
struct TextPiece<'a> {
    bytes: &'a mut [u8],
    ends: &'a mut [i32],
    /// The column's byte offset of `bytes[0]`.
    base: usize,
    /// Bytes and rows written so far.
    at: usize,
    row: usize,
}

impl TextPiece<'_> {
    #[inline]
    fn push(&mut self, text: &[u8]) {
        self.bytes[self.at..self.at + text.len()].copy_from_slice(text);
        self.at += text.len();
        // Every offset fits: the column's size was checked (Layout::of).
        self.ends[self.row] = (self.base + self.at) as i32;
        self.row += 1;
    }
}

/// The final columns, written in place by the parts' jobs.
struct Columns {
    respondent: TextColumn,
    rank: Vec<i32>,
    role: TextColumn,
    score: Vec<f64>,
    answered: Vec<i32>,
    status: TextColumn,
    ranked: Vec<bool>,
    explain: Vec<TextColumn>,
}

impl Columns {
    fn new(layout: &Layout, explain: bool) -> Self {
        let rows = layout.rows;
        let total = |v: &Vec<usize>| v[v.len() - 1];
        Columns {
            respondent: TextColumn::new(rows, total(&layout.respondent)),
            rank: vec![0; rows],
            role: TextColumn::new(rows, total(&layout.role)),
            score: vec![0.0; rows],
            answered: vec![0; rows],
            status: TextColumn::new(rows, total(&layout.status)),
            ranked: if layout.unranked {
                vec![true; rows]
            } else {
                Vec::new()
            },
            explain: if explain {
                layout
                    .explain
                    .iter()
                    .map(|v| TextColumn::new(rows, total(v)))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// One job per part, each holding the part's pieces of every column.
    fn jobs<'a>(&'a mut self, parts: &'a [Part], layout: &Layout) -> Vec<Job<'a>> {
        let rows = &layout.row;
        let mut respondent = self.respondent.split(rows, &layout.respondent).into_iter();
        let mut role = self.role.split(rows, &layout.role).into_iter();
        let mut status = self.status.split(rows, &layout.status).into_iter();
        let mut rank = split_at_starts(&mut self.rank, rows).into_iter();
        let mut score = split_at_starts(&mut self.score, rows).into_iter();
        let mut answered = split_at_starts(&mut self.answered, rows).into_iter();
        let mut ranked = if self.ranked.is_empty() {
            Vec::new().into_iter()
        } else {
            split_at_starts(&mut self.ranked, rows).into_iter()
        };
        let mut explain: Vec<std::vec::IntoIter<TextPiece<'a>>> = self
            .explain
            .iter_mut()
            .zip(&layout.explain)
            .map(|(column, starts)| column.split(rows, starts).into_iter())
            .collect();
        parts
            .iter()
            .map(|part| Job {
                part,
                respondent: respondent.next().expect("a piece per part"),
                rank: rank.next().expect("a piece per part"),
                role: role.next().expect("a piece per part"),
                score: score.next().expect("a piece per part"),
                answered: answered.next().expect("a piece per part"),
                status: status.next().expect("a piece per part"),
                ranked: ranked.next(),
                explain: explain
                    .iter_mut()
                    .map(|e| e.next().expect("a piece per part"))
                    .collect(),
            })
            .collect()
    }

    fn into_batch(self, layout: &Layout, explain: bool) -> Result<RecordBatch, ArrowError> {
        // Rank, role, score and explanations are null where not ranked.
        let nulls = layout.unranked.then(|| NullBuffer::from(self.ranked));
        let mut columns: Vec<ArrayRef> = vec![
            self.respondent.array(None)?,
            Arc::new(Int32Array::new(ScalarBuffer::from(self.rank), nulls.clone())),
            self.role.array(nulls.clone())?,
            Arc::new(Float64Array::new(ScalarBuffer::from(self.score), nulls.clone())),
            Arc::new(Int32Array::new(ScalarBuffer::from(self.answered), None)),
            self.status.array(None)?,
        ];
        for column in self.explain {
            columns.push(column.array(nulls.clone())?);
        }
        RecordBatch::try_new(long_schema(explain), columns)
    }
}

/// One part's rows, to be written into its pieces of the final columns.
struct Job<'a> {
    part: &'a Part,
    respondent: TextPiece<'a>,
    rank: &'a mut [i32],
    role: TextPiece<'a>,
    score: &'a mut [f64],
    answered: &'a mut [i32],
    status: TextPiece<'a>,
    /// With respondents not ranked somewhere in the batch.
    ranked: Option<&'a mut [bool]>,
    explain: Vec<TextPiece<'a>>,
}

impl Job<'_> {
    fn fill(mut self, names: &[&[u8]]) {
        let p = self.part;
        let (mut row, mut ranked_at) = (0, 0);
        for (i, &n) in p.ranked.iter().enumerate() {
            let id = p.respondent.get(i);
            if n == 0 {
                self.respondent.push(id);
                self.role.push(b"");
                self.status.push(INSUFFICIENT);
                self.answered[row] = p.answered[i];
                if let Some(ranked) = self.ranked.as_deref_mut() {
                    ranked[row] = false;
                }
                row += 1;
                continue;
            }
            for k in 0..n as usize {
                self.respondent.push(id);
                self.rank[row] = k as i32 + 1;
                self.role.push(names[p.role[ranked_at] as usize]);
                self.score[row] = p.score[ranked_at];
                self.answered[row] = p.answered[i];
                self.status.push(RANKED);
                ranked_at += 1;
                row += 1;
            }
        }
        if let Some(texts) = &p.explain {
            for (piece, texts) in self.explain.iter_mut().zip(texts) {
                for r in 0..texts.ends.len() {
                    piece.push(texts.get(r));
                }
            }
        }
    }
}

/// Runs every job on `threads` threads (on this one when 1).
fn run_jobs<T: Send>(jobs: Vec<T>, threads: usize, work: impl Fn(T) + Sync) {
    if threads <= 1 || jobs.len() <= 1 {
        jobs.into_iter().for_each(work);
        return;
    }
    let queue = std::sync::Mutex::new(jobs.into_iter());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let job = match queue.lock() {
                    Ok(mut queue) => queue.next(),
                    Err(_) => None,
                };
                match job {
                    Some(job) => work(job),
                    None => break,
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;
    use rolefit_import::builtin;
    use rolefit_score::RankedRole;

    use super::*;

    /// Respondents of every kind, in several parts: ranked with 3 or 2
    /// roles, not ranked, ids of different lengths (one empty, one not
    /// ASCII), with explanations when `explain`; and the rows expected:
    /// the strengths text, then the six columns as text.
    fn rows(explain: bool) -> (LongRows, Vec<[String; 7]>) {
        let names: Vec<String> = builtin::matrix().roles().iter().map(|r| r.name.clone()).collect();
        let mut all = LongRows::new(explain);
        let mut expected = Vec::new();
        for part in 0..4 {
            let mut rows = LongRows::new(explain);
            for i in 0..(3 + part) {
                let id = match (part + i) % 4 {
                    0 => format!("R{part}-{i}"),
                    1 => String::new(),
                    2 => format!("Zoë {i}"),
                    _ => format!("respondent-with-a-long-id-{part}-{i}"),
                };
                let answered = 10 + i;
                let outcome = match (part * 7 + i) % 3 {
                    0 => Outcome::Insufficient { answered, needed: 20 },
                    k => Outcome::Ranked(
                        (0..k + 1)
                            .map(|r| RankedRole {
                                role: (i + r) % names.len(),
                                score: 0.5 + (part * 10 + i + r) as f64 / 100.0,
                            })
                            .collect(),
                    ),
                };
                let texts: Vec<[String; 3]> = match &outcome {
                    Outcome::Ranked(r) => (0..r.len())
                        .map(|k| [format!("s{part}{i}{k}"), format!("g{}", k + 1), String::new()])
                        .collect(),
                    Outcome::Insufficient { .. } => Vec::new(),
                };
                rows.push(&id, answered, &outcome, &texts);
                match &outcome {
                    Outcome::Ranked(ranked) => {
                        for (k, r) in ranked.iter().enumerate() {
                            expected.push([
                                texts[k][0].clone(),
                                id.clone(),
                                (k + 1).to_string(),
                                names[r.role].clone(),
                                r.score.to_string(),
                                answered.to_string(),
                                "ranked".to_string(),
                            ]);
                        }
                    }
                    Outcome::Insufficient { .. } => expected.push([
                        String::new(),
                        id.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        answered.to_string(),
                        "insufficient".to_string(),
                    ]),
                }
            }
            all.append(rows);
        }
        // An empty part is left out, not written.
        all.append(LongRows::new(explain));
        (all, expected)
    }

    /// Cell `row` of column `c` as text ("" when null).
    fn cell(batch: &RecordBatch, c: usize, row: usize) -> String {
        let column = batch.column(c);
        if column.is_null(row) {
            return String::new();
        }
        let any = column.as_any();
        if let Some(a) = any.downcast_ref::<StringArray>() {
            a.value(row).to_string()
        } else if let Some(a) = any.downcast_ref::<Int32Array>() {
            a.value(row).to_string()
        } else {
            any.downcast_ref::<Float64Array>().unwrap().value(row).to_string()
        }
    }

    #[test]
    fn parts_are_spelled_out_in_order_on_any_number_of_threads() {
        let matrix = builtin::matrix();
        for explain in [false, true] {
            let (rows, expected) = rows(explain);
            assert_eq!(rows.len(), expected.len());
            let batches: Vec<RecordBatch> = [1, 2, 4]
                .into_iter()
                .map(|threads| rows.clone().into_batch(&matrix, threads).unwrap())
                .collect();
            assert!(batches.windows(2).all(|w| w[0] == w[1]));
            let batch = &batches[0];
            assert_eq!(batch.schema(), long_schema(explain));
            assert_eq!(batch.num_rows(), expected.len());
            for (row, want) in expected.iter().enumerate() {
                let got: Vec<String> = (0..6).map(|c| cell(batch, c, row)).collect();
                assert_eq!(got, want[1..], "row {row}");
                // Not ranked: rank, role and score are null, not zero.
                let unranked = want[6] == "insufficient";
                assert_eq!(batch.column(1).is_null(row), unranked);
                assert_eq!(batch.column(2).is_null(row), unranked);
                assert_eq!(batch.column(3).is_null(row), unranked);
            }
            if explain {
                // Each ranked row's own texts; null where not ranked.
                for (row, want) in expected.iter().enumerate() {
                    assert_eq!(cell(batch, 6, row), want[0], "row {row}");
                    assert_eq!(batch.column(6).is_null(row), want[6] == "insufficient");
                    assert_eq!(
                        cell(batch, 7, row),
                        if want[0].is_empty() { "" } else { "g" }.to_string() + &want[2]
                    );
                    assert!(cell(batch, 8, row).is_empty());
                }
            }
        }
    }

    #[test]
    fn all_ranked_has_no_null_buffers() {
        let mut rows = LongRows::new(false);
        let ranked = Outcome::Ranked(vec![RankedRole { role: 1, score: 0.75 }]);
        rows.push("a", 3, &ranked, &[]);
        let batch = rows.into_batch(&builtin::matrix(), 2).unwrap();
        assert_eq!(batch.column(1).null_count(), 0);
        assert!(batch.column(1).nulls().is_none());
        assert_eq!(cell(&batch, 2, 0), builtin::matrix().roles()[1].name);
    }

    #[test]
    fn no_rows_make_an_empty_batch() {
        let batch = LongRows::new(true).into_batch(&builtin::matrix(), 3).unwrap();
        assert_eq!(batch.num_rows(), 0);
        assert_eq!(batch.schema(), long_schema(true));
    }
}
