//! Typed responses from an Arrow batch.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type,
    UInt8Type,
};
use arrow_array::{Array, ArrayRef, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use rolefit_import::{
    Cell, CellParser, ColumnPlan, ImportError, ResponseOptions, ResponseReader, RowPosition,
};
use rolefit_model::{ProfileBatch, RoleMatrix, Survey};

use crate::dense::Dense;

/// Rows of the first batch written into the sample the plan is made from
/// (label scales are chosen from the labels in the first rows, as for a
/// CSV file).
pub const SAMPLE_ROWS: usize = 200;

/// The column plan for `batch` (and every batch of its schema): its column
/// names and first [`SAMPLE_ROWS`] rows, read as the CSV file of the same
/// data would be, with `source` naming the data in messages.
///
/// # Errors
/// As [`ResponseReader::new`] (unknown or duplicate columns, no capability
/// measured, ...); a column of a type that holds neither numbers nor text.
pub fn plan_for(
    batch: &RecordBatch,
    source: &str,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    options: &ResponseOptions,
) -> Result<ColumnPlan, ImportError> {
    let mut text = CsvText::new(batch, source)?;
    let mut head = Vec::new();
    text.header(&mut head);
    text.rows(0..batch.num_rows().min(SAMPLE_ROWS), &mut head);
    let reader = ResponseReader::new(&head[..], source, matrix, survey, options)?;
    Ok(reader.plan().clone())
}

/// A batch's rows as the text of the CSV file of the same data (as
/// pandas' `to_csv(index=False)` writes it): how the plan's sample is
/// read, and how the CLI reads a Parquet file, so that both read, check
/// and number rows exactly as that CSV file.
#[derive(Debug)]
pub struct CsvText<'a> {
    batch: &'a RecordBatch,
    columns: Columns<'a>,
    /// A number's text, reused.
    number: String,
}

impl<'a> CsvText<'a> {
    /// The text of `batch`, `source` naming it in errors.
    ///
    /// # Errors
    /// A column of a type that holds neither numbers nor text (named).
    pub fn new(batch: &'a RecordBatch, source: &str) -> Result<Self, ImportError> {
        Ok(CsvText {
            batch,
            columns: Columns::new(batch, source, None)?,
            number: String::new(),
        })
    }

    /// Appends the header line (the column names) to `out`.
    pub fn header(&self, out: &mut Vec<u8>) {
        let schema = self.batch.schema();
        for (i, field) in schema.fields().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_field(out, field.name().as_bytes());
        }
        out.push(b'\n');
    }

    /// Appends the lines of `rows` to `out`: numbers written as
    /// [`Cell::number_text`] writes them, text quoted where CSV needs it,
    /// missing cells empty.
    pub fn rows(&mut self, rows: std::ops::Range<usize>, out: &mut Vec<u8>) {
        use std::fmt::Write as _;
        for row in rows {
            for c in 0..self.columns.len() {
                if c > 0 {
                    out.push(b',');
                }
                match self.columns.cell(c, row) {
                    Cell::Missing => {}
                    Cell::Text(t) => push_field(out, t.as_bytes()),
                    Cell::Integer(i) => out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
                    Cell::Number(v) => {
                        self.number.clear();
                        // As `Cell::number_text` (a test checks they agree).
                        let _ = if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
                            write!(self.number, "{v:.1}")
                        } else {
                            write!(self.number, "{v}")
                        };
                        out.extend_from_slice(self.number.as_bytes());
                    }
                }
            }
            out.push(b'\n');
        }
    }
}

/// Appends one CSV field, quoted (quotes doubled) when it holds a comma, a
/// quote or a line break.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Whether a column of type `data_type` can be read (numbers, text,
/// booleans, nulls, or a dictionary of text).
pub fn readable(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(_, values) => matches!(**values, DataType::Utf8 | DataType::LargeUtf8),
        t => {
            t.is_integer()
                || matches!(
                    t,
                    DataType::Float64
                        | DataType::Float32
                        | DataType::Utf8
                        | DataType::LargeUtf8
                        | DataType::Utf8View
                        | DataType::Null
                        | DataType::Boolean
                )
        }
    }
}

/// Reads the rows of one batch with a plan.
#[derive(Debug)]
pub struct BatchReader<'a> {
    plan: &'a ColumnPlan,
    columns: Columns<'a>,
    parser: CellParser,
    /// The cells of a row: empty between rows, kept for its allocation.
    cells: Vec<Cell<'static>>,
    /// The column-wise path, for a plan of the common shape.
    dense: Option<Dense>,
}

impl<'a> BatchReader<'a> {
    /// A reader of `batch`'s rows with `plan` (from [`plan_for`] on a batch
    /// of the same columns).
    ///
    /// # Errors
    /// A column of a type that holds neither numbers nor text, or another
    /// number of columns than the plan's.
    pub fn new(plan: &'a ColumnPlan, batch: &'a RecordBatch) -> Result<Self, ImportError> {
        if batch.num_columns() != plan.header().len() {
            return Err(ImportError::header(
                plan.source(),
                format!(
                    "this batch has {} columns where the first had {}",
                    batch.num_columns(),
                    plan.header().len()
                ),
                "every batch with the columns of the first",
            ));
        }
        Ok(BatchReader {
            plan,
            columns: Columns::new(batch, plan.source(), plan.id_column().map(|(i, _)| i))?,
            parser: CellParser::new(),
            cells: Vec::with_capacity(batch.num_columns()),
            dense: Dense::new(plan),
        })
    }

    /// Reads the answers of `rows` column by column, when the plan has the
    /// common shape (one plain numeric column per capability), so that
    /// [`BatchReader::parse`] then takes the plain ones of those rows
    /// straight from there (the others as always). Results and errors are
    /// the same with or without it.
    pub fn prepare(&mut self, rows: std::ops::Range<usize>) {
        if let Some(dense) = self.dense.as_mut() {
            dense.prepare(&self.columns, rows);
        }
    }

    /// How many rows the batch has.
    pub fn rows(&self) -> usize {
        self.columns.rows
    }

    /// Whether row `row` is blank (every cell missing or white space): such
    /// rows are skipped and not counted, as blank lines of a CSV file are.
    pub fn is_blank(&self, row: usize) -> bool {
        // The id column first: usually filled, so most rows cost one look.
        let first = self.plan.id_column().map_or(0, |(i, _)| i);
        (first..self.columns.len())
            .chain(0..first)
            .all(|c| self.columns.cell(c, row).is_blank())
    }

    /// Parses row `row` at `position` into `out`.
    ///
    /// # Errors
    /// As [`CellParser::parse`].
    pub fn parse(
        &mut self,
        row: usize,
        position: RowPosition,
        out: &mut ProfileBatch,
    ) -> Result<(), ImportError> {
        if let Some(dense) = &self.dense {
            if dense.push(&self.columns, row, position.row, out) {
                return Ok(());
            }
        }
        // The empty vector takes the row's lifetime and back, keeping its
        // allocation (collecting in place).
        let mut cells: Vec<Cell<'_>> = std::mem::take(&mut self.cells).into_iter().collect();
        let columns = &self.columns;
        cells.extend((0..columns.len()).map(|c| columns.cell(c, row)));
        let parsed = self.parser.parse(self.plan, &cells, position, out);
        cells.clear();
        self.cells = cells.into_iter().map(|_| Cell::Missing).collect();
        parsed
    }
}

/// A batch's columns, each in the form its cells are read from.
#[derive(Debug)]
pub(crate) struct Columns<'a> {
    pub(crate) columns: Vec<Column<'a>>,
    rows: usize,
}

/// One column.
#[derive(Debug)]
pub(crate) enum Column<'a> {
    /// Numbers, read in place from the Arrow buffer.
    Numbers(Numbers<'a>, Option<&'a NullBuffer>),
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    /// Text made once per batch: numeric ids, booleans, dictionary values.
    Owned(Vec<Option<String>>),
    /// A column of nulls only.
    Null,
}

/// The values buffer of a numeric column.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Numbers<'a> {
    F64(&'a [f64]),
    F32(&'a [f32]),
    I64(&'a [i64]),
    I32(&'a [i32]),
    I16(&'a [i16]),
    I8(&'a [i8]),
    U64(&'a [u64]),
    U32(&'a [u32]),
    U16(&'a [u16]),
    U8(&'a [u8]),
}

impl Numbers<'_> {
    /// Value `row` as a cell.
    #[inline]
    fn cell(self, row: usize) -> Cell<'static> {
        match self {
            Numbers::F64(v) => Cell::Number(v[row]),
            Numbers::F32(v) => Cell::Number(f64::from(v[row])),
            Numbers::I64(v) => Cell::Integer(v[row]),
            Numbers::I32(v) => Cell::Integer(i64::from(v[row])),
            Numbers::I16(v) => Cell::Integer(i64::from(v[row])),
            Numbers::I8(v) => Cell::Integer(i64::from(v[row])),
            Numbers::U64(v) => Cell::Integer(i64::try_from(v[row]).unwrap_or(i64::MAX)),
            Numbers::U32(v) => Cell::Integer(i64::from(v[row])),
            Numbers::U16(v) => Cell::Integer(i64::from(v[row])),
            Numbers::U8(v) => Cell::Integer(i64::from(v[row])),
        }
    }

    fn len(self) -> usize {
        match self {
            Numbers::F64(v) => v.len(),
            Numbers::F32(v) => v.len(),
            Numbers::I64(v) => v.len(),
            Numbers::I32(v) => v.len(),
            Numbers::I16(v) => v.len(),
            Numbers::I8(v) => v.len(),
            Numbers::U64(v) => v.len(),
            Numbers::U32(v) => v.len(),
            Numbers::U16(v) => v.len(),
            Numbers::U8(v) => v.len(),
        }
    }
}

impl<'a> Columns<'a> {
    /// The columns of `batch`; `id` is the id column, whose numbers are
    /// read as text.
    fn new(batch: &'a RecordBatch, source: &str, id: Option<usize>) -> Result<Self, ImportError> {
        let schema = batch.schema();
        let columns = batch
            .columns()
            .iter()
            .enumerate()
            .map(|(i, array)| {
                Column::new(array, id == Some(i)).ok_or_else(|| {
                    ImportError::header(
                        source,
                        format!("the column holds values of type {}", array.data_type()),
                        "numbers (integers or floats), text, booleans or nulls in every column",
                    )
                    .at_column(i, schema.field(i).name())
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Columns {
            columns,
            rows: batch.num_rows(),
        })
    }

    fn len(&self) -> usize {
        self.columns.len()
    }

    #[inline]
    pub(crate) fn cell(&self, column: usize, row: usize) -> Cell<'_> {
        let null = |nulls: Option<&NullBuffer>| nulls.is_some_and(|n| n.is_null(row));
        match &self.columns[column] {
            Column::Numbers(values, nulls) => {
                if null(*nulls) {
                    Cell::Missing
                } else {
                    values.cell(row)
                }
            }
            Column::Utf8(a) => text(a.is_null(row), || a.value(row)),
            Column::LargeUtf8(a) => text(a.is_null(row), || a.value(row)),
            Column::Utf8View(a) => text(a.is_null(row), || a.value(row)),
            Column::Owned(v) => v[row].as_deref().map_or(Cell::Missing, Cell::Text),
            Column::Null => Cell::Missing,
        }
    }
}

#[inline]
fn text<'a>(null: bool, value: impl FnOnce() -> &'a str) -> Cell<'a> {
    if null {
        Cell::Missing
    } else {
        Cell::Text(value())
    }
}

/// The values buffer of a primitive numeric array and its nulls.
macro_rules! numbers {
    ($array:expr, $t:ty, $variant:ident) => {{
        let a = $array.as_primitive::<$t>();
        (Numbers::$variant(a.values()), a.nulls())
    }};
}

impl<'a> Column<'a> {
    /// How to read `array`; `as_text` reads numbers as text (an id
    /// column). `None` for a type that holds neither numbers nor text.
    fn new(array: &'a ArrayRef, as_text: bool) -> Option<Self> {
        let (values, nulls) = match array.data_type() {
            DataType::Float64 => numbers!(array, Float64Type, F64),
            DataType::Float32 => numbers!(array, Float32Type, F32),
            DataType::Int8 => numbers!(array, Int8Type, I8),
            DataType::Int16 => numbers!(array, Int16Type, I16),
            DataType::Int32 => numbers!(array, Int32Type, I32),
            DataType::Int64 => numbers!(array, Int64Type, I64),
            DataType::UInt8 => numbers!(array, UInt8Type, U8),
            DataType::UInt16 => numbers!(array, UInt16Type, U16),
            DataType::UInt32 => numbers!(array, UInt32Type, U32),
            DataType::UInt64 => numbers!(array, UInt64Type, U64),
            DataType::Utf8 => return Some(Column::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => return Some(Column::LargeUtf8(array.as_string::<i64>())),
            DataType::Utf8View => return Some(Column::Utf8View(array.as_string_view())),
            DataType::Null => return Some(Column::Null),
            DataType::Boolean => {
                let a = array.as_boolean();
                return Some(Column::Owned(
                    (0..a.len())
                        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
                        .collect(),
                ));
            }
            DataType::Dictionary(_, _) => return dictionary(array),
            _ => return None,
        };
        if !as_text {
            return Some(Column::Numbers(values, nulls));
        }
        // Ids: as pandas writes them to CSV (`17`, `17.0`).
        Some(Column::Owned(
            (0..values.len())
                .map(|i| {
                    (!nulls.is_some_and(|n| n.is_null(i)))
                        .then(|| values.cell(i).number_text().unwrap_or_default())
                })
                .collect(),
        ))
    }
}

/// A dictionary of text (pandas' categories) as its values.
fn dictionary(array: &ArrayRef) -> Option<Column<'_>> {
    let dict = array.as_any_dictionary_opt()?;
    let keys = dict.normalized_keys();
    let values = dict.values();
    let texts: Vec<Option<String>> = match values.data_type() {
        DataType::Utf8 => {
            let v = values.as_string::<i32>();
            (0..v.len())
                .map(|i| v.is_valid(i).then(|| v.value(i).to_string()))
                .collect()
        }
        DataType::LargeUtf8 => {
            let v = values.as_string::<i64>();
            (0..v.len())
                .map(|i| v.is_valid(i).then(|| v.value(i).to_string()))
                .collect()
        }
        _ => return None,
    };
    Some(Column::Owned(
        keys.iter()
            .enumerate()
            .map(|(i, &k)| {
                if dict.keys().is_null(i) {
                    None
                } else {
                    texts.get(k).cloned().flatten()
                }
            })
            .collect(),
    ))
}
