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
    /// Which cells are null (only tracked once one is).
    nulls: Vec<bool>,
    any_null: bool,
}

impl Texts {
    fn push(&mut self, text: Option<&str>) {
        if let Some(t) = text {
            self.bytes.extend_from_slice(t.as_bytes());
        }
        self.ends.push(self.bytes.len());
        self.nulls.push(text.is_none());
        self.any_null |= text.is_none();
    }

    fn append(&mut self, other: Texts) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
        self.nulls.extend(other.nulls);
        self.any_null |= other.any_null;
    }

    fn into_array(self) -> Result<ArrayRef, ArrowError> {
        let too_long = || ArrowError::InvalidArgumentError("more than 2 GiB of text in one column".into());
        let mut offsets = Vec::with_capacity(self.ends.len() + 1);
        offsets.push(0i32);
        for e in &self.ends {
            offsets.push(i32::try_from(*e).map_err(|_| too_long())?);
        }
        let nulls = self
            .any_null
            .then(|| NullBuffer::from(self.nulls.iter().map(|n| !n).collect::<Vec<bool>>()));
        let array = StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            Buffer::from_vec(self.bytes),
            nulls,
        )?;
        Ok(Arc::new(array))
    }
}

/// Rows of the long layout, built respondent by respondent (or appended
/// from another `LongRows`, to join the slices of a batch in order).
#[derive(Debug, Default, Clone)]
pub struct LongRows {
    respondent: Texts,
    rank: Vec<Option<i32>>,
    /// The role's index in the matrix.
    role: Vec<Option<usize>>,
    score: Vec<Option<f64>>,
    answered: Vec<i32>,
    ranked: Vec<bool>,
    /// strengths, gaps, above_level: with explanations only.
    explain: Option<[Texts; 3]>,
}

impl LongRows {
    /// No rows yet; `explain` adds the explanation columns.
    pub fn new(explain: bool) -> Self {
        LongRows {
            explain: explain.then(Default::default),
            ..Default::default()
        }
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.respondent.ends.reserve(rows);
        self.respondent.nulls.reserve(rows);
        self.respondent.bytes.reserve(rows * 8);
        self.rank.reserve(rows);
        self.role.reserve(rows);
        self.score.reserve(rows);
        self.answered.reserve(rows);
        self.ranked.reserve(rows);
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.answered.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.answered.is_empty()
    }

    /// Adds one respondent's rows: one per ranked role, or one with the
    /// ranking columns empty when too few capabilities were answered.
    /// `explained` gives, per ranked role, its strengths, gaps and
    /// capabilities above the level as the CSV writes them (ignored
    /// without explanations).
    pub fn push(&mut self, respondent: &str, answered: usize, outcome: &Outcome, explained: &[[String; 3]]) {
        let answered = i32::try_from(answered).unwrap_or(i32::MAX);
        match outcome {
            Outcome::Ranked(ranked) => {
                for (i, r) in ranked.iter().enumerate() {
                    self.respondent.push(Some(respondent));
                    self.rank.push(Some(i as i32 + 1));
                    self.role.push(Some(r.role));
                    self.score.push(Some(r.score));
                    self.answered.push(answered);
                    self.ranked.push(true);
                    if let Some(columns) = &mut self.explain {
                        for (c, column) in columns.iter_mut().enumerate() {
                            column.push(Some(explained.get(i).map_or("", |e| e[c].as_str())));
                        }
                    }
                }
            }
            Outcome::Insufficient { .. } => {
                self.respondent.push(Some(respondent));
                self.rank.push(None);
                self.role.push(None);
                self.score.push(None);
                self.answered.push(answered);
                self.ranked.push(false);
                if let Some(columns) = &mut self.explain {
                    for column in columns.iter_mut() {
                        column.push(None);
                    }
                }
            }
        }
    }

    /// Appends `other`'s rows after these.
    pub fn append(&mut self, other: LongRows) {
        self.respondent.append(other.respondent);
        self.rank.extend(other.rank);
        self.role.extend(other.role);
        self.score.extend(other.score);
        self.answered.extend(other.answered);
        self.ranked.extend(other.ranked);
        if let (Some(mine), Some(theirs)) = (&mut self.explain, other.explain) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.append(t);
            }
        }
    }

    /// The rows as a batch of [`long_schema`], roles named from `matrix`.
    ///
    /// # Errors
    /// A text column over 2 GiB.
    pub fn into_batch(self, matrix: &RoleMatrix) -> Result<RecordBatch, ArrowError> {
        let roles = matrix.roles();
        let mut role = Texts::default();
        for r in &self.role {
            role.push(r.map(|r| roles[r].name.as_str()));
        }
        let mut status = Texts::default();
        for &ranked in &self.ranked {
            status.push(Some(if ranked { "ranked" } else { "insufficient" }));
        }
        let mut columns: Vec<ArrayRef> = vec![
            self.respondent.into_array()?,
            Arc::new(Int32Array::from(self.rank)),
            role.into_array()?,
            Arc::new(Float64Array::from(self.score)),
            Arc::new(Int32Array::from(self.answered)),
            status.into_array()?,
        ];
        let explain = self.explain.is_some();
        if let Some(texts) = self.explain {
            for t in texts {
                columns.push(t.into_array()?);
            }
        }
        RecordBatch::try_new(long_schema(explain), columns)
    }
}
