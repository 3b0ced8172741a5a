//! Typed responses from an Arrow batch.

use std::borrow::Cow;

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
    let columns = Columns::new(batch, source, None)?;
    let mut head = csv::Writer::from_writer(Vec::new());
    let schema = batch.schema();
    let names = schema.fields().iter().map(|f| f.name().as_str());
    let io = |e: csv::Error| ImportError::io(source, std::io::Error::other(e));
    head.write_record(names).map_err(io)?;
    let mut record: Vec<Cow<'_, str>> = Vec::new();
    for row in 0..batch.num_rows().min(SAMPLE_ROWS) {
        record.clear();
        record.extend((0..columns.len()).map(|c| match columns.cell(c, row) {
            Cell::Missing => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t),
            number => Cow::Owned(number.number_text().unwrap_or_default()),
        }));
        head.write_record(record.iter().map(|c| c.as_bytes()))
            .map_err(io)?;
    }
    let bytes = head
        .into_inner()
        .map_err(|e| ImportError::io(source, std::io::Error::other(e.to_string())))?;
    let reader = ResponseReader::new(&bytes[..], source, matrix, survey, options)?;
    Ok(reader.plan().clone())
}

/// Reads the rows of one batch with a plan.
#[derive(Debug)]
pub struct BatchReader<'a> {
    plan: &'a ColumnPlan,
    columns: Columns<'a>,
    parser: CellParser,
    /// The cells of a row: empty between rows, kept for its allocation.
    cells: Vec<Cell<'static>>,
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
        })
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
struct Columns<'a> {
    columns: Vec<Column<'a>>,
    rows: usize,
}

/// One column.
#[derive(Debug)]
enum Column<'a> {
    /// 64-bit floats, read in place.
    Floats(&'a [f64], Option<&'a NullBuffer>),
    /// 32-bit floats, converted once per batch.
    Numbers(Vec<f64>, Option<NullBuffer>),
    /// Integers, converted once per batch.
    Integers(Vec<i64>, Option<NullBuffer>),
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    /// Text made once per batch: numeric ids, booleans, dictionary values.
    Owned(Vec<Option<String>>),
    /// A column of nulls only.
    Null,
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
    fn cell(&self, column: usize, row: usize) -> Cell<'_> {
        let null = |nulls: Option<&NullBuffer>| nulls.is_some_and(|n| n.is_null(row));
        match &self.columns[column] {
            Column::Floats(values, nulls) => {
                if null(*nulls) {
                    Cell::Missing
                } else {
                    Cell::Number(values[row])
                }
            }
            Column::Numbers(values, nulls) => {
                if null(nulls.as_ref()) {
                    Cell::Missing
                } else {
                    Cell::Number(values[row])
                }
            }
            Column::Integers(values, nulls) => {
                if null(nulls.as_ref()) {
                    Cell::Missing
                } else {
                    Cell::Integer(values[row])
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

/// The integers of a primitive integer array (saturated to `i64`) and
/// its nulls, as a column.
macro_rules! integers {
    ($array:expr, $t:ty) => {{
        let a = $array.as_primitive::<$t>();
        let values = a
            .values()
            .iter()
            .map(|&v| i64::try_from(v).unwrap_or(i64::MAX))
            .collect();
        (Number::Integers(values), a.nulls().cloned())
    }};
}

/// A numeric column's values before it is known whether they are answers
/// or ids.
enum Number {
    Floats(Vec<f64>),
    Integers(Vec<i64>),
}

impl<'a> Column<'a> {
    /// How to read `array`; `as_text` reads numbers as text (an id
    /// column). `None` for a type that holds neither numbers nor text.
    fn new(array: &'a ArrayRef, as_text: bool) -> Option<Self> {
        let (values, nulls) = match array.data_type() {
            DataType::Float64 if !as_text => {
                let a = array.as_primitive::<Float64Type>();
                return Some(Column::Floats(a.values(), a.nulls()));
            }
            DataType::Float64 => {
                let a = array.as_primitive::<Float64Type>();
                (Number::Floats(a.values().to_vec()), a.nulls().cloned())
            }
            DataType::Float32 => {
                let a = array.as_primitive::<Float32Type>();
                (
                    Number::Floats(a.values().iter().map(|&v| f64::from(v)).collect()),
                    a.nulls().cloned(),
                )
            }
            DataType::Int8 => integers!(array, Int8Type),
            DataType::Int16 => integers!(array, Int16Type),
            DataType::Int32 => integers!(array, Int32Type),
            DataType::Int64 => integers!(array, Int64Type),
            DataType::UInt8 => integers!(array, UInt8Type),
            DataType::UInt16 => integers!(array, UInt16Type),
            DataType::UInt32 => integers!(array, UInt32Type),
            DataType::UInt64 => integers!(array, UInt64Type),
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
        match (values, as_text) {
            (Number::Floats(v), false) => Some(Column::Numbers(v, nulls)),
            (Number::Integers(v), false) => Some(Column::Integers(v, nulls)),
            // Ids: as pandas writes them to CSV (`17`, `17.0`).
            (Number::Integers(v), true) => Some(Column::Owned(texts(
                v.into_iter().map(Cell::Integer),
                nulls.as_ref(),
            ))),
            (Number::Floats(v), true) => Some(Column::Owned(texts(
                v.into_iter().map(Cell::Number),
                nulls.as_ref(),
            ))),
        }
    }
}

/// The values of a numeric id column as text.
fn texts<'a>(values: impl Iterator<Item = Cell<'a>>, nulls: Option<&NullBuffer>) -> Vec<Option<String>> {
    values
        .enumerate()
        .map(|(i, v)| (!nulls.is_some_and(|n| n.is_null(i))).then(|| v.number_text().unwrap_or_default()))
        .collect()
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
