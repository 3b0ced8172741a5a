//! The sequential reader: a responses file read row after row on one
//! thread, for small inputs read whole (the built-in sample, an
//! assessment's answers) and for callers that parse rows elsewhere.
//! [`crate::ResponseChunks`] is the parallel alternative.

use std::io::{BufReader, Read};

use csv::ByteRecord;
use rolefit_model::{ProfileBatch, RoleMatrix, Survey};

use super::parse::Scratch;
use super::{read_plan, ColumnPlan, ResponseOptions, RowPosition};
use crate::error::ImportError;
use crate::table::Table;

/// Batches are allocated for at most this many rows up front.
const MAX_PREALLOCATED_ROWS: usize = 4096;

/// Streams profiles out of a responses file.
///
/// ```
/// use rolefit_import::{builtin, ResponseOptions, ResponseReader};
///
/// let matrix = builtin::matrix();
/// let survey = builtin::survey();
/// let csv = "respondent,Communication,Risk Management,Q01\nana,4,Agree,\nbo,NA,2,5\n";
/// let mut reader =
///     ResponseReader::new(csv.as_bytes(), "<stdin>", &matrix, Some(&survey), &ResponseOptions::default())?;
/// let batch = reader.read_batch(100)?.expect("two rows");
/// assert_eq!(batch.respondents(), ["ana", "bo"]);
/// let communication = matrix.capability_index("communication").unwrap();
/// assert_eq!(batch.profile(0).values[communication], Some(4.0));
/// assert_eq!(batch.profile(1).values[communication], None);
/// assert!(reader.read_batch(100)?.is_none());
/// # Ok::<(), rolefit_import::ImportError>(())
/// ```
pub struct ResponseReader<R: Read> {
    table: Table<R>,
    plan: ColumnPlan,
    record: ByteRecord,
    scratch: Scratch,
    rows: u64,
}

impl<R: Read> ResponseReader<R> {
    /// Reads the header of `reader` and maps its columns onto `matrix`
    /// (and `survey`, if given). `source` names the input in errors (a
    /// path, or `<stdin>`).
    ///
    /// # Errors
    /// Unreadable or empty input, an empty or duplicate header name, an id
    /// column asked for that does not exist (with suggestions), a survey
    /// item column whose capability the matrix lacks, columns that match
    /// nothing (all listed, with suggestions, unless
    /// [`ResponseOptions::ignore_unknown_columns`]), and a header where no
    /// column measures anything.
    pub fn new(
        reader: R,
        source: &str,
        matrix: &RoleMatrix,
        survey: Option<&Survey>,
        options: &ResponseOptions,
    ) -> Result<Self, ImportError> {
        let mut input = BufReader::new(reader);
        let (head, plan) = read_plan(&mut input, source, matrix, survey, options)?;
        let table = Table::resume(
            head.rest,
            input,
            source,
            head.delimiter,
            plan.header.clone(),
            head.data_line,
        );
        Ok(ResponseReader {
            table,
            plan,
            record: ByteRecord::new(),
            scratch: Scratch::default(),
            rows: 0,
        })
    }

    /// The column mapping decided from the header.
    pub fn plan(&self) -> &ColumnPlan {
        &self.plan
    }

    /// Reads up to `max_rows` rows (at least one) into a new batch; `None`
    /// at the end of the input.
    ///
    /// # Errors
    /// See [`ColumnPlan::parse_record`]; also unreadable input. The rows of
    /// the batch read before the failing row are dropped with it; a later
    /// call continues after the failing row.
    pub fn read_batch(&mut self, max_rows: usize) -> Result<Option<ProfileBatch>, ImportError> {
        let max_rows = max_rows.max(1);
        let mut batch =
            ProfileBatch::with_capacity(self.plan.capabilities, max_rows.min(MAX_PREALLOCATED_ROWS));
        while batch.len() < max_rows {
            let Some(line) = self.table.next(&mut self.record, false)? else {
                break;
            };
            self.rows += 1;
            self.plan
                .parse_into(&self.record, line, self.rows, &mut self.scratch, &mut batch)?;
        }
        Ok((!batch.is_empty()).then_some(batch))
    }

    /// Reads every remaining row into one batch (empty if there are none).
    ///
    /// # Errors
    /// As [`ResponseReader::read_batch`].
    pub fn read_all(mut self) -> Result<ProfileBatch, ImportError> {
        Ok(self
            .read_batch(usize::MAX)?
            .unwrap_or_else(|| ProfileBatch::new(self.plan.capabilities)))
    }

    /// Reads the next row, unparsed, into `record`, and says where it is;
    /// `None` at the end. Blank rows are skipped and not counted. This is
    /// the reading half of [`ResponseReader::read_batch`], for a caller
    /// that parses rows elsewhere with [`ColumnPlan::parse_record`].
    ///
    /// # Errors
    /// Unreadable input.
    pub fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<RowPosition>, ImportError> {
        let Some(line) = self.table.next(record, false)? else {
            return Ok(None);
        };
        self.rows += 1;
        Ok(Some(RowPosition { line, row: self.rows }))
    }

    /// How many data rows have been read so far (blank rows not counted),
    /// including one that failed to parse.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }
}
