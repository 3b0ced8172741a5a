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
    ends: Vec<usize>,
}

impl Texts {
    #[inline]
    fn push(&mut self, text: &str) {
        self.bytes.extend_from_slice(text.as_bytes());
        self.ends.push(self.bytes.len());
    }
}

/// One text column of every part, as an array: the cells of `texts` in
/// order, null where `nulls` says.
fn text_array<'a>(
    texts: impl Iterator<Item = &'a Texts> + Clone,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    let too_long = || ArrowError::InvalidArgumentError("more than 2 GiB of text in one column".into());
    let rows: usize = texts.clone().map(|t| t.ends.len()).sum();
    let size: usize = texts.clone().map(|t| t.bytes.len()).sum();
    i32::try_from(size).map_err(|_| too_long())?;
    let mut bytes = Vec::with_capacity(size);
    let mut offsets = Vec::with_capacity(rows + 1);
    offsets.push(0i32);
    for t in texts {
        let base = bytes.len();
        bytes.extend_from_slice(&t.bytes);
        // Every end is at most `size`, checked above.
        offsets.extend(t.ends.iter().map(|e| (base + e) as i32));
    }
    let array = StringArray::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(bytes),
        nulls,
    )?;
    Ok(Arc::new(array))
}

/// The rows of one slice, as they were pushed.
#[derive(Debug, Default, Clone)]
struct Part {
    respondent: Texts,
    /// Rank, role index and score: placeholders (0) where not ranked.
    rank: Vec<i32>,
    role: Vec<usize>,
    score: Vec<f64>,
    answered: Vec<i32>,
    ranked: Vec<bool>,
    /// strengths, gaps, above_level: with explanations only.
    explain: Option<[Texts; 3]>,
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

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        let part = self.last();
        part.respondent.ends.reserve(rows);
        part.respondent.bytes.reserve(rows * 8);
        part.rank.reserve(rows);
        part.role.reserve(rows);
        part.score.reserve(rows);
        part.answered.reserve(rows);
        part.ranked.reserve(rows);
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.answered.len()).sum()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds one respondent's rows: one per ranked role, or one with the
    /// ranking columns empty when too few capabilities were answered.
    /// `explained` gives, per ranked role, its strengths, gaps and
    /// capabilities above the level as the CSV writes them (ignored
    /// without explanations).
    pub fn push(&mut self, respondent: &str, answered: usize, outcome: &Outcome, explained: &[[String; 3]]) {
        let answered = i32::try_from(answered).unwrap_or(i32::MAX);
        let part = self.last();
        match outcome {
            Outcome::Ranked(ranked) => {
                for (i, r) in ranked.iter().enumerate() {
                    part.respondent.push(respondent);
                    part.rank.push(i as i32 + 1);
                    part.role.push(r.role);
                    part.score.push(r.score);
                    part.answered.push(answered);
                    part.ranked.push(true);
                    if let Some(columns) = &mut part.explain {
                        for (c, column) in columns.iter_mut().enumerate() {
                            column.push(explained.get(i).map_or("", |e| e[c].as_str()));
                        }
                    }
                }
            }
            Outcome::Insufficient { .. } => {
                part.respondent.push(respondent);
                part.rank.push(0);
                part.role.push(0);
                part.score.push(0.0);
                part.answered.push(answered);
                part.ranked.push(false);
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
            .extend(other.parts.into_iter().filter(|p| !p.answered.is_empty()));
    }

    /// The rows as a batch of [`long_schema`], roles named from `matrix`.
    ///
    /// # Errors
    /// A text column over 2 GiB.
    pub fn into_batch(self, matrix: &RoleMatrix) -> Result<RecordBatch, ArrowError> {
        let parts = &self.parts;
        let rows = self.len();
        let ranked: Vec<bool> = parts.iter().flat_map(|p| p.ranked.iter().copied()).collect();
        // Rank, role, score and explanations are null where not ranked.
        let nulls = ranked
            .iter()
            .any(|r| !r)
            .then(|| NullBuffer::from(ranked.clone()));
        let concat = |column: fn(&Part) -> &[i32]| {
            let mut all = Vec::with_capacity(rows);
            parts.iter().for_each(|p| all.extend_from_slice(column(p)));
            all
        };
        let mut score = Vec::with_capacity(rows);
        parts.iter().for_each(|p| score.extend_from_slice(&p.score));
        // Role names and statuses, written once per row.
        let roles = matrix.roles();
        let (mut role, mut status) = (Texts::default(), Texts::default());
        for p in parts {
            for (&r, &ranked) in p.role.iter().zip(&p.ranked) {
                role.push(if ranked { roles[r].name.as_str() } else { "" });
                status.push(if ranked { "ranked" } else { "insufficient" });
            }
        }
        let mut columns: Vec<ArrayRef> = vec![
            text_array(parts.iter().map(|p| &p.respondent), None)?,
            Arc::new(Int32Array::new(
                ScalarBuffer::from(concat(|p| &p.rank)),
                nulls.clone(),
            )),
            text_array(std::iter::once(&role), nulls.clone())?,
            Arc::new(Float64Array::new(ScalarBuffer::from(score), nulls.clone())),
            Arc::new(Int32Array::new(ScalarBuffer::from(concat(|p| &p.answered)), None)),
            text_array(std::iter::once(&status), None)?,
        ];
        if self.explain {
            for c in 0..EXPLAIN_COLUMNS.len() {
                let texts = parts
                    .iter()
                    .filter_map(move |p| p.explain.as_ref().map(|e| &e[c]));
                columns.push(text_array(texts, nulls.clone())?);
            }
        }
        RecordBatch::try_new(long_schema(self.explain), columns)
    }
}
