//! Parquet files: responses read as the CSV file of the same data, scores
//! written in the long layout with typed columns.
//!
//! Reading: a responses file whose name ends in `.parquet` or that starts
//! with `PAR1` is opened with the `parquet` crate and streamed batch by
//! batch (a row group is never held whole as text) through
//! [`rolefit_arrow::CsvText`], which writes each batch as the lines of the
//! CSV file of the same data. Everything after that is the CSV path: the
//! column plan, the checks, `--on-error` and `--rejects`, and the line
//! numbers of messages (the header is line 1, the first row line 2). A
//! column of a type that holds neither numbers nor text is refused before
//! any row is read; a file that stops short of the rows its footer
//! promises, or a page that cannot be decoded, is an error naming the file
//! (and the column, when one column is to blame), never fewer rows.
//!
//! Writing: `score -o FILE.parquet` renders its rows as the long CSV (with
//! exact scores, unguarded cells), and [`ScoresParquet`] turns each chunk
//! of rows into typed columns (`rank` and `answered` int32; `score`,
//! `margin`, `stability` and `probability` float64; the rest text; empty cells of
//! unranked rows null), written in row groups of
//! [`ROW_GROUP_ROWS`] rows, snappy-compressed.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{Float64Builder, Int32Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::bad_input;
use crate::io::Output;

/// Rows per batch read from a Parquet file.
const READ_BATCH_ROWS: usize = 4096;

/// Rows per row group written: a row group is held in memory until it is
/// written, so this bounds the memory of a Parquet output.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Whether `path` is a Parquet file: its name ends in `.parquet`, or it
/// is a regular file that starts with the magic bytes `PAR1` (a pipe, such
/// as `<(command)`, is never read ahead: its bytes would be lost).
pub fn is_parquet(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        return true;
    }
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"PAR1")
}

/// The responses in the Parquet file `path` (called `name` in messages),
/// as the text of the CSV file of the same data.
///
/// # Errors
/// Bad input: a file that is not Parquet or whose footer cannot be read,
/// a column of a type that holds neither numbers nor text.
pub fn open_responses(path: &Path, name: &str) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).map_err(|e| bad_input(format!("cannot read responses {name}: {e}")))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
        bad_input(format!(
            "cannot read responses {name}: it is not a readable Parquet file ({e}); \
             write it again, or give the data as CSV"
        ))
    })?;
    for (i, field) in builder.schema().fields().iter().enumerate() {
        if !rolefit_arrow::readable(field.data_type()) {
            return Err(bad_input(format!(
                "{name}: column {} {:?}: the column holds values of type {}; rolefit reads numbers \
                 (integers or floats), text, booleans or nulls: cast the column (for example to \
                 double or string) or leave it out",
                i + 1,
                field.name(),
                field.data_type()
            )));
        }
    }
    let expected = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let schema = builder.schema().clone();
    let batches = builder
        .with_batch_size(READ_BATCH_ROWS)
        .build()
        .map_err(|e| bad_input(format!("cannot read responses {name}: {e}")))?;
    let mut text = ParquetText {
        path: path.to_path_buf(),
        name: name.to_string(),
        batches,
        expected,
        seen: 0,
        buffer: Vec::new(),
        position: 0,
        done: false,
    };
    header_line(&schema, &mut text.buffer);
    Ok(Box::new(text))
}

/// The header line of the CSV text of `schema`'s columns.
fn header_line(schema: &SchemaRef, out: &mut Vec<u8>) {
    let empty = RecordBatch::new_empty(schema.clone());
    // Every column was checked to be readable.
    if let Ok(text) = rolefit_arrow::CsvText::new(&empty, "") {
        text.header(out);
    }
}

/// A Parquet file read as CSV text, one batch at a time.
struct ParquetText {
    path: PathBuf,
    name: String,
    batches: ParquetRecordBatchReader,
    /// Rows the footer says the file holds, and rows read so far.
    expected: u64,
    seen: u64,
    /// The text of the current batch, and how much of it was read.
    buffer: Vec<u8>,
    position: usize,
    done: bool,
}

impl ParquetText {
    /// The next batch's text into the buffer; `false` at the end.
    fn fill(&mut self) -> io::Result<bool> {
        self.buffer.clear();
        self.position = 0;
        match self.batches.next() {
            Some(Ok(batch)) => {
                let mut text = rolefit_arrow::CsvText::new(&batch, &self.name)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
                text.rows(0..batch.num_rows(), &mut self.buffer);
                self.seen += batch.num_rows() as u64;
                Ok(true)
            }
            Some(Err(e)) => {
                let column = failing_column(&self.path, self.seen)
                    .map(|(i, n)| format!("column {} {n:?}: ", i + 1))
                    .unwrap_or_default();
                // The header is line 1.
                Err(bad(format!(
                    "{column}the rows from line {} on cannot be decoded ({e}); the file is damaged: \
                     write it again",
                    self.seen + 2
                )))
            }
            None if self.seen != self.expected => Err(bad(format!(
                "the file holds {} rows where its footer promises {}; the file is damaged: write it again",
                self.seen, self.expected
            ))),
            None => Ok(false),
        }
    }
}

/// A damaged file, as a read error (the reader of the text names the file).
fn bad(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

impl Read for ParquetText {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.position == self.buffer.len() {
            if self.done {
                return Ok(0);
            }
            if !self.fill()? {
                self.done = true;
            }
        }
        let n = out.len().min(self.buffer.len() - self.position);
        out[..n].copy_from_slice(&self.buffer[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

/// The first column of the file at `path` that cannot be decoded up to
/// row `rows` and a batch past it, read one column at a time (only after
/// reading all columns together failed).
fn failing_column(path: &Path, rows: u64) -> Option<(usize, String)> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).ok()?).ok()?;
    let schema = builder.schema().clone();
    let roots = builder.parquet_schema().root_schema().get_fields().len();
    for c in 0..roots {
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).ok()?).ok()?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), [c]);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(READ_BATCH_ROWS)
            .build()
            .ok()?;
        let mut seen = 0u64;
        for batch in reader {
            match batch {
                Ok(b) => seen += b.num_rows() as u64,
                Err(_) => return Some((c, schema.field(c).name().clone())),
            }
            if seen > rows {
                break;
            }
        }
    }
    None
}

/// The type of one output column, by its name in the CSV header.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Float,
    /// Text never null (`respondent`, `status`, `flags`).
    Text,
    /// Text null where the respondent was not ranked.
    RankedText,
}

impl Kind {
    fn of(name: &str) -> Kind {
        match name {
            "rank" | "answered" => Kind::Int,
            "score" | "margin" | "stability" | "probability" => Kind::Float,
            "respondent" | "status" | "flags" => Kind::Text,
            _ => Kind::RankedText,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            Kind::Int => DataType::Int32,
            Kind::Float => DataType::Float64,
            Kind::Text | Kind::RankedText => DataType::Utf8,
        }
    }
}

/// One column being filled.
enum Column {
    Int(Int32Builder),
    Float(Float64Builder),
    Text(StringBuilder),
}

/// Scores in the long layout, written to a Parquet file: the rows arrive
/// as the long CSV (the header first, then whole rows), and leave as
/// typed columns in row groups.
pub struct ScoresParquet {
    /// `None` until the header arrived.
    writer: Option<ArrowWriter<Output>>,
    output: Option<Output>,
    schema: Option<SchemaRef>,
    kinds: Vec<Kind>,
    columns: Vec<Column>,
    /// The `status` column, whose value says which empty cells are null.
    status: usize,
    rows: usize,
    /// Rows parsed so far, for messages.
    name: String,
}

impl ScoresParquet {
    /// A Parquet file written to `output`, called `name` in messages.
    pub fn new(output: Output, name: &str) -> Self {
        ScoresParquet {
            writer: None,
            output: Some(output),
            schema: None,
            kinds: Vec::new(),
            columns: Vec::new(),
            status: 0,
            rows: 0,
            name: name.to_string(),
        }
    }

    /// Takes the header record: the schema and the writer.
    fn start(&mut self, header: &csv::ByteRecord) -> Result<()> {
        let names: Vec<String> = header
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        self.kinds = names.iter().map(|n| Kind::of(n)).collect();
        self.status = names.iter().position(|n| n == "status").unwrap_or(0);
        let fields: Vec<Field> = names
            .iter()
            .zip(&self.kinds)
            .map(|(n, k)| Field::new(n, k.data_type(), *k != Kind::Text))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("rolefit {}", env!("CARGO_PKG_VERSION")))
            .build();
        let output = self
            .output
            .take()
            .context("the Parquet output was started twice")?;
        self.writer = Some(
            ArrowWriter::try_new(output, schema.clone(), Some(properties))
                .with_context(|| format!("cannot write {}", self.name))?,
        );
        self.schema = Some(schema);
        self.columns = self.new_columns();
        Ok(())
    }

    fn new_columns(&self) -> Vec<Column> {
        self.kinds
            .iter()
            .map(|k| match k {
                Kind::Int => Column::Int(Int32Builder::with_capacity(ROW_GROUP_ROWS)),
                Kind::Float => Column::Float(Float64Builder::with_capacity(ROW_GROUP_ROWS)),
                Kind::Text | Kind::RankedText => Column::Text(StringBuilder::new()),
            })
            .collect()
    }

    /// Takes whole CSV records (the header first).
    ///
    /// # Errors
    /// Writing fails, or a record is not what the renderer writes (a bug).
    pub fn write_rows(&mut self, bytes: &[u8]) -> Result<()> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .with_context(|| format!("writing {}: the rows to write are not CSV", self.name))?
        {
            if self.writer.is_none() {
                self.start(&record)?;
                continue;
            }
            self.push(&record)?;
            if self.rows == ROW_GROUP_ROWS {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn push(&mut self, record: &csv::ByteRecord) -> Result<()> {
        let ranked = record.get(self.status) == Some(b"ranked".as_slice());
        let text = |f: &[u8]| String::from_utf8_lossy(f).into_owned();
        for ((column, kind), field) in self.columns.iter_mut().zip(&self.kinds).zip(record.iter()) {
            match column {
                Column::Int(b) if field.is_empty() => b.append_null(),
                Column::Int(b) => b.append_value(parse(field, &self.name)?),
                Column::Float(b) if field.is_empty() => b.append_null(),
                Column::Float(b) => b.append_value(parse(field, &self.name)?),
                Column::Text(b) if field.is_empty() && *kind == Kind::RankedText && !ranked => {
                    b.append_null()
                }
                Column::Text(b) => b.append_value(text(field)),
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Writes the rows held as a batch.
    fn flush(&mut self) -> Result<()> {
        let (Some(writer), Some(schema)) = (self.writer.as_mut(), self.schema.as_ref()) else {
            return Ok(());
        };
        if self.rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Column::Int(b) => Arc::new(b.finish()),
                    Column::Float(b) => Arc::new(b.finish()),
                    Column::Text(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .with_context(|| format!("writing {}", self.name))?;
        writer
            .write(&batch)
            .with_context(|| format!("cannot write {}", self.name))?;
        self.rows = 0;
        Ok(())
    }

    /// Writes the last rows and the footer; the output, to finish.
    ///
    /// # Errors
    /// Writing fails.
    pub fn close(mut self) -> Result<Output> {
        self.flush()?;
        match self.writer.take() {
            Some(writer) => writer
                .into_inner()
                .with_context(|| format!("cannot write {}", self.name)),
            None => self.output.take().context("the Parquet output was never started"),
        }
    }
}

/// A number the renderer wrote.
fn parse<T: std::str::FromStr>(field: &[u8], name: &str) -> Result<T> {
    std::str::from_utf8(field)
        .ok()
        .and_then(|t| t.parse().ok())
        .with_context(|| {
            format!(
                "writing {name}: {:?} is not a number",
                String::from_utf8_lossy(field)
            )
        })
}
