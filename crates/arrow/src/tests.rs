//! Arrow batches against the CSV reader: the same profiles, the same
//! rankings, the same messages, whatever the number of threads.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use rolefit_import::{builtin, ResponseOptions, ResponseReader};
use rolefit_score::{CompiledMatrix, Euclidean, Outcome, Scorer};

use crate::{long_schema, plan_for, score_batch, ScoreOptions};

const SAMPLE: &str = include_str!("../../../datasets/sample-responses.csv");

/// The sample responses as a batch: ids as text, columns of whole numbers
/// as integers, other numeric columns as floats, the rest as text.
fn sample_batch() -> RecordBatch {
    let mut rows = csv::Reader::from_reader(SAMPLE.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (c, name) in header.iter().enumerate() {
        let cells: Vec<&str> = records.iter().map(|r| r.get(c).unwrap()).collect();
        let numbers: Option<Vec<Option<f64>>> = cells
            .iter()
            .map(|t| {
                if t.is_empty() {
                    Some(None)
                } else {
                    t.parse().ok().map(Some)
                }
            })
            .collect();
        let array: ArrayRef = match numbers {
            Some(n) if c > 0 && c % 2 == 0 => Arc::new(Int64Array::from(
                n.iter().map(|v| v.map(|v| v as i64)).collect::<Vec<_>>(),
            )),
            Some(n) if c > 0 => Arc::new(Float64Array::from(n)),
            _ => Arc::new(StringArray::from(
                cells
                    .iter()
                    .map(|t| (!t.is_empty()).then_some(*t))
                    .collect::<Vec<_>>(),
            )),
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
}

#[test]
fn a_batch_scores_as_its_csv_file_on_any_number_of_threads() {
    let matrix = builtin::matrix();
    let survey = builtin::survey();
    let options = ResponseOptions::default();
    let csv = ResponseReader::new(SAMPLE.as_bytes(), "s.csv", &matrix, Some(&survey), &options)
        .unwrap()
        .read_all()
        .unwrap();
    let compiled = CompiledMatrix::new(&matrix);
    let scorer = Scorer::new(&compiled, &Euclidean).top(Some(3));
    let expected = scorer.score_batch(&csv).unwrap();
    let batch = sample_batch();
    assert!(batch
        .schema()
        .fields()
        .iter()
        .any(|f| f.data_type() == &DataType::Int64));
    let plan = plan_for(&batch, "s.csv", &matrix, Some(&survey), &options).unwrap();
    let mut results = Vec::new();
    for threads in [1, 2, 5] {
        let options = ScoreOptions {
            threads,
            first_row: 0,
            rows_before: 0,
            explain: None,
        };
        let scored = score_batch(&plan, &batch, &scorer, &options).unwrap();
        assert_eq!(scored.read, csv.len() as u64);
        let out = scored.rows.into_batch(&matrix).unwrap();
        assert_eq!(out.schema(), long_schema(false));
        results.push(out);
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    // Row by row: the CSV reader's respondents, roles and exact scores.
    let out = &results[0];
    let respondent = out.column(0).as_any().downcast_ref::<StringArray>().unwrap();
    let score = out.column(3).as_any().downcast_ref::<Float64Array>().unwrap();
    let mut row = 0;
    for (i, outcome) in expected.iter().enumerate() {
        match outcome {
            Outcome::Ranked(ranked) => {
                for r in ranked {
                    assert_eq!(respondent.value(row), csv.respondent(i));
                    assert_eq!(score.value(row), r.score);
                    row += 1;
                }
            }
            Outcome::Insufficient { .. } => {
                assert!(score.is_null(row));
                row += 1;
            }
        }
    }
    assert_eq!(row, out.num_rows());
}

#[test]
fn the_first_bad_row_is_reported_with_its_csv_line() {
    let matrix = builtin::matrix();
    let survey = builtin::survey();
    let schema = Arc::new(Schema::new(vec![
        Field::new("respondent", DataType::Utf8, false),
        Field::new("Q01", DataType::Float64, true),
    ]));
    let ids: Vec<String> = (0..10_000).map(|i| format!("r{i}")).collect();
    let mut values: Vec<Option<f64>> = vec![Some(3.0); 10_000];
    values[9_000] = Some(0.0);
    values[5_000] = Some(6.5);
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(ids)),
            Arc::new(Float64Array::from(values)),
        ],
    )
    .unwrap();
    let options = ResponseOptions {
        ignore_unknown_columns: true,
        ..ResponseOptions::default()
    };
    let plan = plan_for(&batch, "data", &matrix, Some(&survey), &options).unwrap();
    let compiled = CompiledMatrix::new(&matrix);
    let scorer = Scorer::new(&compiled, &Euclidean).min_answered(0.0);
    for threads in [1, 3] {
        let options = ScoreOptions {
            threads,
            first_row: 100,
            rows_before: 100,
            explain: None,
        };
        let e = score_batch(&plan, &batch, &scorer, &options)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("data:5102: column 2 \"Q01\": \"6.5\" is outside the response scale"),
            "{e}"
        );
    }
}
