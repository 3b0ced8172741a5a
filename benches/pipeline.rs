//! Reading and the whole pipeline.
//!
//! - `parse`: cutting a 12 x 30 responses CSV into chunks and parsing them
//!   into profiles on one thread (`ResponseChunks` + `ChunkParser`), the
//!   work `rolefit score` spreads over its threads; throughput in bytes.
//! - `pipeline`: the real binary, `rolefit score FILE --matrix M --top 3
//!   --format csv -o OUT --quiet`, on 100,000 respondents x 30 capabilities
//!   x 12 roles, one thread and all threads: process start to exit.
//!
//! - `fast_paths`: what each fast path of the chunk parser saves, in
//!   isolation: responses of the end-to-end benchmark file's shape (12 x 30,
//!   no blanks: an id, then 30 one-digit answers per line, as in `just
//!   bench-compare`'s target A), 100,000 rows cut into `score`'s 128 KiB
//!   chunks once, then parsed on one thread with `ChunkParser::parse`
//!   taking the fast paths (`all`) and with each one's simpler path
//!   (`general`: without the dense-line reader). docs/performance.md
//!   records what each is worth end to end.
//!
//! `cargo bench --bench pipeline`. The comparison with other tools on the
//! same files is `just bench-compare` (benches/compare.py).

use std::path::Path;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rolefit_import::{ChunkParser, FastPaths, RawChunk, ResponseChunks, ResponseOptions};
use rolefit_model::{ProfileBatch, RoleMatrix};

const ROWS: &str = "100000";

fn rolefit(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_rolefit"))
        .args(args)
        .status()
        .expect("rolefit runs");
    assert!(status.success(), "rolefit {args:?} failed");
}

/// A synthetic matrix and responses in `dir`, `missing` of the answers
/// blank.
fn data(dir: &Path, missing: &str) -> (String, String) {
    let m = dir.join("m.csv").to_str().unwrap().to_string();
    let r = dir.join("r.csv").to_str().unwrap().to_string();
    rolefit(&[
        "synth",
        "matrix",
        "--roles",
        "12",
        "--capabilities",
        "30",
        "--seed",
        "1",
        "-o",
        &m,
    ]);
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &m,
        "--rows",
        ROWS,
        "--seed",
        "2",
        "--missing",
        missing,
        "-o",
        &r,
    ]);
    (m, r)
}

/// The responses `bytes` in `score`'s 128 KiB chunks.
fn chunks_of<'a>(bytes: &'a [u8], matrix: &RoleMatrix) -> ResponseChunks<&'a [u8]> {
    ResponseChunks::new(
        bytes,
        "r.csv",
        matrix,
        None,
        &ResponseOptions::default(),
        128 << 10,
    )
    .expect("a header")
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (m, r) = data(dir.path(), "0.05");
    let bytes = std::fs::read(&r).expect("responses");
    let matrix = rolefit_import::read_matrix_path(Path::new(&m), &Default::default())
        .expect("the matrix")
        .matrix;

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("12x30/100k", |b| {
        b.iter(|| {
            let mut chunks = chunks_of(&bytes, &matrix);
            let mut parser = ChunkParser::new();
            let mut batch = ProfileBatch::new(matrix.capabilities().len());
            let mut positions = Vec::new();
            let mut buffer = Vec::new();
            let mut rows = 0;
            let plan = chunks.plan().clone();
            while let Some(chunk) = chunks.next_chunk(buffer).expect("chunks") {
                batch.clear();
                positions.clear();
                rows += parser
                    .parse(&plan, &chunk, &mut batch, &mut positions, |_, _, e| Err(e))
                    .expect("valid rows");
                buffer = chunk.bytes;
            }
            rows
        })
    });
    group.finish();

    let out = dir.path().join("out.csv");
    let out = out.to_str().unwrap();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    for threads in ["1", "2"] {
        group.bench_function(format!("12x30/100k/threads={threads}"), |b| {
            b.iter(|| {
                rolefit(&[
                    "score",
                    &r,
                    "--matrix",
                    &m,
                    "--top",
                    "3",
                    "--format",
                    "csv",
                    "-o",
                    out,
                    "--quiet",
                    "--threads",
                    threads,
                ])
            })
        });
    }
    group.finish();
}

fn fast_paths(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (m, r) = data(dir.path(), "0");
    let bytes = std::fs::read(&r).expect("responses");
    let matrix = rolefit_import::read_matrix_path(Path::new(&m), &Default::default())
        .expect("the matrix")
        .matrix;
    let mut chunks = chunks_of(&bytes, &matrix);
    let plan = chunks.plan().clone();
    let mut cut: Vec<RawChunk> = Vec::new();
    while let Some(chunk) = chunks.next_chunk(Vec::new()).expect("chunks") {
        cut.push(chunk);
    }

    let mut group = c.benchmark_group("fast_paths");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    for (name, dense_lines) in [
        // What `score` runs.
        ("all", true),
        // The dense-line reader's simpler path: cells split at the
        // delimiters, then the general row parser.
        ("general", false),
    ] {
        let paths = FastPaths { dense_lines };
        group.bench_function(format!("12x30/100k/{name}"), |b| {
            let mut parser = ChunkParser::with_fast_paths(paths);
            let mut batch = ProfileBatch::new(matrix.capabilities().len());
            let mut positions = Vec::new();
            b.iter(|| {
                let mut rows = 0;
                for chunk in &cut {
                    batch.clear();
                    positions.clear();
                    rows += parser
                        .parse(&plan, chunk, &mut batch, &mut positions, |_, _, e| Err(e))
                        .expect("valid rows");
                }
                rows
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline, fast_paths);
criterion_main!(benches);
