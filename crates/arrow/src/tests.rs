//! Arrow batches against the CSV reader: the same profiles, the same
//! rankings, the same messages, whatever the number of threads.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use rolefit_import::{builtin, ResponseOptions, ResponseReader};
use rolefit_model::ProfileBatch;
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
        let out = scored.rows.into_batch(&matrix, threads).unwrap();
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

#[test]
fn csv_text_is_the_csv_file_of_the_same_data() {
    use arrow_array::{BooleanArray, ListArray};
    use rolefit_import::Cell;
    let numbers = [7.0, -0.0, 3.25, 1e16, 1e-7, f64::NAN, f64::INFINITY, 12345678.5];
    let schema = Arc::new(Schema::new(vec![
        Field::new("id, quoted", DataType::Utf8, true),
        Field::new("f", DataType::Float64, true),
        Field::new("i", DataType::Int64, true),
        Field::new("b", DataType::Boolean, true),
    ]));
    let n = numbers.len();
    let texts: Vec<Option<&str>> = (0..n)
        .map(|i| match i {
            0 => Some("say \"hi\""),
            1 => None,
            2 => Some("two\nlines"),
            _ => Some("x"),
        })
        .collect();
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(texts)),
            Arc::new(Float64Array::from(numbers.to_vec())),
            Arc::new(Int64Array::from(
                (0..n)
                    .map(|i| (i != 3).then_some(i as i64 - 2))
                    .collect::<Vec<_>>(),
            )),
            Arc::new(BooleanArray::from(vec![Some(true); n])),
        ],
    )
    .unwrap();
    let mut text = crate::CsvText::new(&batch, "data").unwrap();
    let mut out = Vec::new();
    text.header(&mut out);
    text.rows(0..n, &mut out);
    let mut reader = csv::Reader::from_reader(&out[..]);
    assert_eq!(reader.headers().unwrap(), vec!["id, quoted", "f", "i", "b"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), n);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r[1], Cell::Number(numbers[i]).number_text().unwrap(), "row {i}");
        let integer = (i != 3).then(|| Cell::Integer(i as i64 - 2).number_text().unwrap());
        assert_eq!(&r[2], integer.as_deref().unwrap_or(""));
        assert_eq!(&r[3], "true");
    }
    assert_eq!(&records[0][0], "say \"hi\"");
    assert_eq!(&records[1][0], "");
    assert_eq!(&records[2][0], "two\nlines");
    // What `readable` accepts, a batch can be read with; the rest is refused.
    assert!(crate::readable(&DataType::Int16) && crate::readable(&DataType::Utf8View));
    let list = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
    assert!(!crate::readable(&list));
    let lists = ListArray::new_null(Arc::new(Field::new("item", DataType::Int32, true)), 2);
    let schema = Arc::new(Schema::new(vec![Field::new("Q01", list, true)]));
    let batch = RecordBatch::try_new(schema, vec![Arc::new(lists)]).unwrap();
    let e = crate::CsvText::new(&batch, "data").unwrap_err().to_string();
    assert!(e.contains("column 1 \"Q01\""), "{e}");
}

/// Every row of `batch` read with `plan`, column by column first
/// (`prepare`) or row by row only: the profiles, or the first error.
fn read_rows(
    plan: &rolefit_import::ColumnPlan,
    batch: &RecordBatch,
    columns_first: bool,
) -> Result<ProfileBatch, String> {
    let mut reader = crate::BatchReader::new(plan, batch).unwrap();
    let mut out = ProfileBatch::new(plan.capabilities());
    let mut number = 0;
    for r in 0..reader.rows() {
        if columns_first && r % 7 == 0 {
            reader.prepare(r..(r + 7).min(batch.num_rows()));
        }
        if reader.is_blank(r) {
            continue;
        }
        number += 1;
        let position = rolefit_import::RowPosition {
            line: r as u64 + 2,
            row: number,
        };
        reader.parse(r, position, &mut out).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[test]
fn the_column_wise_path_reads_as_the_row_parser() {
    let matrix = builtin::matrix();
    let caps: Vec<String> = matrix.capabilities().iter().map(|c| c.name.clone()).collect();
    let options = ResponseOptions::default();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut outcomes = [0; 2];
    for round in 0..40 {
        let n = 50;
        let mut fields = vec![Field::new("respondent", DataType::Utf8, true)];
        let ids: Vec<Option<String>> = (0..n)
            .map(|i| match next() % 40 {
                0 if round % 5 == 0 => None,
                1 if round % 5 == 0 => Some("  ".into()),
                2 => Some(format!(" p{i} ")),
                _ => Some(format!("p{i}")),
            })
            .collect();
        let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from(ids))];
        for (c, name) in caps.iter().enumerate() {
            // Out of range, NaN, halves, nulls, now and then; some columns
            // integers, some text (labels and numbers as text).
            let value = |x: u64| match x % 50 {
                0 => None,
                1 if round % 2 == 0 => Some(7.0),
                2 if round % 3 == 0 => Some(f64::NAN),
                3 => Some(2.5),
                _ => Some((x % 5 + 1) as f64),
            };
            let cells: Vec<Option<f64>> = (0..n).map(|_| value(next())).collect();
            let array: ArrayRef = match (c + round) % 7 {
                0 => Arc::new(Int64Array::from(
                    cells
                        .iter()
                        .map(|v| v.filter(|x| x.fract() == 0.0).map(|x| x as i64))
                        .collect::<Vec<_>>(),
                )),
                1 if round % 4 == 1 => Arc::new(StringArray::from(
                    cells
                        .iter()
                        .map(|v| {
                            v.map(|x| {
                                if x == 5.0 {
                                    "Strongly agree".to_string()
                                } else {
                                    x.to_string()
                                }
                            })
                        })
                        .collect::<Vec<_>>(),
                )),
                _ => Arc::new(Float64Array::from(cells)),
            };
            fields.push(Field::new(name, array.data_type().clone(), true));
            columns.push(array);
        }
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap();
        let plan = plan_for(&batch, "data", &matrix, None, &options).unwrap();
        assert!(plan.dense_answers().is_some(), "round {round}: the common shape");
        let by_columns = read_rows(&plan, &batch, true);
        let by_rows = read_rows(&plan, &batch, false);
        match (&by_columns, &by_rows) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.respondents(), b.respondents(), "round {round}");
                assert_eq!(a.answered(), b.answered(), "round {round}");
                let bits = |p: &ProfileBatch| p.values().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(a), bits(b), "round {round}");
            }
            (a, b) => assert_eq!(a.as_ref().err(), b.as_ref().err(), "round {round}"),
        }
        outcomes[usize::from(by_rows.is_ok())] += 1;
    }
    assert!(
        outcomes[0] > 5 && outcomes[1] > 5,
        "both outcomes tried: {outcomes:?}"
    );
}
