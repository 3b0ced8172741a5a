//! Parquet files through the real binary: responses read as the CSV file
//! of the same data (every command that reads responses), scores written
//! with typed columns, and damaged or hostile files refused with exit 2,
//! the output left as it was.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use crate::util::{parse_csv, rolefit, root};

const SAMPLE: &str = "datasets/sample-responses.csv";

/// The sample responses as a batch: ids as text, odd question columns as
/// integers and even ones as floats; with `blank`, one cell of each of
/// the first rows missing.
fn sample_batch(blank: bool) -> RecordBatch {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let (header, rows) = parse_csv(&text);
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (c, name) in header.iter().enumerate() {
        let cells: Vec<Option<&str>> = rows
            .iter()
            .enumerate()
            .map(|(r, row)| (!(row[c].is_empty() || blank && c == r + 1)).then_some(row[c].as_str()))
            .collect();
        let numbers = cells.iter().flatten().all(|t| t.parse::<f64>().is_ok());
        let array: ArrayRef = if c == 0 || !numbers {
            Arc::new(StringArray::from(cells))
        } else if c % 2 == 1 {
            Arc::new(Int64Array::from(
                cells
                    .iter()
                    .map(|v| v.map(|t| t.parse::<i64>().unwrap()))
                    .collect::<Vec<_>>(),
            ))
        } else {
            Arc::new(Float64Array::from(
                cells
                    .iter()
                    .map(|v| v.map(|t| t.parse::<f64>().unwrap()))
                    .collect::<Vec<_>>(),
            ))
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
}

/// Writes `batch` as Parquet to `path`, in row groups of `group` rows.
fn write_parquet(path: &Path, batch: &RecordBatch, group: usize) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .set_data_page_row_count_limit(4)
        .set_write_batch_size(4)
        .build();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

/// The names of `batch`'s columns, joined by commas.
fn column_names(batch: &RecordBatch) -> String {
    let names: Vec<&str> = batch
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    names.join(",")
}

/// `batch` as the CSV file of the same data (floats as pandas writes them).
fn write_csv(path: &Path, batch: &RecordBatch) {
    let mut out = column_names(batch);
    out.push('\n');
    for r in 0..batch.num_rows() {
        let cells: Vec<String> = batch
            .columns()
            .iter()
            .map(|a| {
                if a.is_null(r) {
                    String::new()
                } else if let Some(s) = a.as_any().downcast_ref::<StringArray>() {
                    s.value(r).to_string()
                } else if let Some(i) = a.as_any().downcast_ref::<Int64Array>() {
                    i.value(r).to_string()
                } else {
                    format!(
                        "{:.1}",
                        a.as_any().downcast_ref::<Float64Array>().unwrap().value(r)
                    )
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn parquet_responses_score_as_their_csv_file() {
    let dir = tempfile::tempdir().unwrap();
    let batch = sample_batch(true);
    let parquet = dir.path().join("responses.parquet");
    let csv = dir.path().join("responses.csv");
    write_parquet(&parquet, &batch, 10);
    write_csv(&csv, &batch);
    let expected = rolefit(&[
        "score",
        path_str(&csv),
        "--format",
        "csv",
        "--top",
        "3",
        "--explain",
    ]);
    let got = rolefit(&[
        "score",
        path_str(&parquet),
        "--format",
        "csv",
        "--top",
        "3",
        "--explain",
    ]);
    assert_eq!(got.ok(), expected.ok());
    assert!(
        got.stderr.contains("36 rows read, 36 scored, 0 rejected"),
        "{}",
        got.stderr
    );
    // Known by its first bytes under any name.
    let renamed = dir.path().join("responses.data");
    std::fs::copy(&parquet, &renamed).unwrap();
    let by_magic = rolefit(&[
        "score",
        path_str(&renamed),
        "--format",
        "csv",
        "--top",
        "3",
        "--explain",
    ]);
    assert_eq!(by_magic.ok(), expected.stdout);
    // The commands that read every response at once read it too.
    let labels = "datasets/sample-responses.labels.csv";
    let args = |input: &Path| {
        rolefit(&[
            "evaluate",
            path_str(input),
            "--labels",
            labels,
            "--format",
            "json",
            "--quiet",
        ])
    };
    assert_eq!(args(&parquet).ok(), args(&csv).ok());
    let cluster = |input: &Path| rolefit(&["cluster", path_str(input), "--format", "csv", "--quiet"]);
    assert_eq!(cluster(&parquet).ok(), cluster(&csv).ok());
}

#[test]
fn scores_written_as_parquet_are_the_exact_scores_typed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.parquet");
    // Two rows too thinly answered to rank, to see their nulls.
    let csv = dir.path().join("thin.csv");
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines.push(format!("THIN{}", ",".repeat(40)).replacen(",,", ",3,", 1));
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let args = ["score", path_str(&csv), "--top", "3", "--confidence", "--quiet"];
    rolefit(&[&args[..], &["-o", path_str(&out)]].concat()).ok();
    let json: Value =
        serde_json::from_str(rolefit(&[&args[..], &["--format", "json"]].concat()).ok()).unwrap();
    let file = std::fs::File::open(&out).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .with_batch_size(1 << 20)
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    assert_eq!(batches.len(), 1, "one batch holds them all");
    let batch = &batches[0];
    assert_eq!(
        column_names(batch),
        "respondent,rank,role,score,answered,status,margin,stability"
    );
    let text = |c: usize| {
        batch
            .column(c)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone()
    };
    let (respondent, role, status) = (text(0), text(2), text(5));
    let rank = batch.column(1).as_any().downcast_ref::<Int32Array>().unwrap();
    let score = batch.column(3).as_any().downcast_ref::<Float64Array>().unwrap();
    let answered = batch.column(4).as_any().downcast_ref::<Int32Array>().unwrap();
    let mut row = 0;
    for r in json.as_array().unwrap() {
        match r["ranking"].as_array().filter(|_| r["status"] == "ranked") {
            Some(ranking) => {
                for entry in ranking {
                    assert_eq!(respondent.value(row), r["respondent"].as_str().unwrap());
                    assert_eq!(i64::from(rank.value(row)), entry["rank"].as_i64().unwrap());
                    assert_eq!(role.value(row), entry["role"].as_str().unwrap());
                    assert_eq!(score.value(row), entry["score"].as_f64().unwrap(), "exact");
                    assert_eq!(status.value(row), "ranked");
                    row += 1;
                }
            }
            None => {
                assert_eq!(respondent.value(row), r["respondent"].as_str().unwrap());
                assert!(rank.is_null(row) && role.is_null(row) && score.is_null(row));
                assert_eq!(i64::from(answered.value(row)), r["answered"].as_i64().unwrap());
                assert_eq!(status.value(row), "insufficient");
                row += 1;
            }
        }
    }
    assert_eq!(row, batch.num_rows());
    let thin = (0..row).find(|&i| respondent.value(i) == "THIN").unwrap();
    assert_eq!((answered.value(thin), status.value(thin)), (1, "insufficient"));
    // Another extension: refused with the formats score writes.
    let e = rolefit(&["score", SAMPLE, "-o", path_str(&dir.path().join("s.xlsx"))])
        .bad_input()
        .to_string();
    assert!(e.contains(".txt or .parquet"), "{e}");
    let e = rolefit(&[
        "evaluate",
        SAMPLE,
        "--labels",
        "datasets/sample-responses.labels.csv",
        "-o",
        "e.parquet",
    ])
    .bad_input()
    .to_string();
    assert!(e.contains("rolefit evaluate cannot write .parquet files"), "{e}");
}

#[test]
fn bad_parquet_is_refused_naming_file_and_column_and_the_output_stays() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.parquet");
    let batch = sample_batch(false);
    write_parquet(&good, &batch, 10);
    let out = dir.path().join("out.parquet");
    std::fs::write(&out, "old scores").unwrap();
    let score = |input: &Path| rolefit(&["score", path_str(input), "-o", path_str(&out)]);
    let bytes = std::fs::read(&good).unwrap();
    // Truncated: the footer is gone.
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = score(&cut).bad_input().to_string();
    assert!(
        e.contains("cut.parquet: it is not a readable Parquet file"),
        "{e}"
    );
    // A column of dates: named, before any row is read.
    let mut fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields[3] = Field::new("Q03", DataType::Date32, true);
    let mut columns = batch.columns().to_vec();
    columns[3] = Arc::new(Date32Array::from(vec![Some(1); batch.num_rows()]));
    let dates = dir.path().join("dates.parquet");
    write_parquet(
        &dates,
        &RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap(),
        10,
    );
    let e = score(&dates).bad_input().to_string();
    assert!(
        e.contains("dates.parquet: column 4 \"Q03\": the column holds values of type Date32"),
        "{e}"
    );
    // A value outside the scale: the line of the CSV file of the same data.
    let mut columns = batch.columns().to_vec();
    let mut q = vec![Some(3i64); batch.num_rows()];
    q[20] = Some(9);
    columns[1] = Arc::new(Int64Array::from(q));
    let nine = dir.path().join("nine.parquet");
    write_parquet(&nine, &RecordBatch::try_new(batch.schema(), columns).unwrap(), 10);
    let e = score(&nine).bad_input().to_string();
    assert!(
        e.contains("nine.parquet:22: column 2 \"Q01\": \"9\" is outside the response scale"),
        "{e}"
    );
    // A damaged data page in the middle: named, never fewer rows.
    let damaged = dir.path().join("damaged.parquet");
    let mut broken = bytes.clone();
    for b in &mut broken[bytes.len() / 3..bytes.len() / 3 + 40] {
        *b = 0xff;
    }
    std::fs::write(&damaged, &broken).unwrap();
    let e = score(&damaged).bad_input().to_string();
    assert!(
        e.contains("damaged.parquet: cannot be read: column ")
            && e.contains("the file is damaged: write it again"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old scores");
}

#[test]
fn hostile_parquet_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.parquet");
    write_parquet(&good, &sample_batch(true), 7);
    let bytes = std::fs::read(&good).unwrap();
    let path = dir.path().join("hostile.parquet");
    // Deterministic damage all over the file, footer included.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..48 {
        let mut hostile = bytes.clone();
        let edits = 1 + (next() % 8) as usize;
        for _ in 0..edits {
            let at = if round % 3 == 0 {
                bytes.len() - 1 - (next() as usize % 64.min(bytes.len()))
            } else {
                next() as usize % bytes.len()
            };
            hostile[at] = next() as u8;
        }
        std::fs::write(&path, &hostile).unwrap();
        let run = rolefit(&["score", path_str(&path), "--format", "csv", "--quiet"]);
        assert!(
            run.code == 0 || run.code == 2,
            "round {round}: exit {}: {}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "round {round}: {}", run.stderr);
        if run.code == 2 {
            assert!(
                run.stderr.contains("hostile.parquet"),
                "round {round}: {}",
                run.stderr
            );
        }
    }
}

/// Looking for Parquet's magic bytes never reads a pipe ahead: its first
/// bytes would be lost to the CSV reader.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("responses");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let text = std::fs::read(root().join(SAMPLE)).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    let piped = rolefit(&["score", path_str(&fifo), "--format", "csv"]);
    writer.join().unwrap();
    assert_eq!(piped.ok(), rolefit(&["score", SAMPLE, "--format", "csv"]).ok());
}
