//! Reading and the whole pipeline.
//!
//! - `parse`: cutting a 12 x 30 responses CSV into chunks and parsing them
//!   into profiles on one thread (`ResponseChunks` + `ChunkParser`), the
//!   work `rolefit score` spreads over its threads; throughput in bytes.
//! - `pipeline`: the real binary, `rolefit score FILE --matrix M --top 3
//!   --format csv -o OUT --quiet`, on 100,000 respondents x 30 capabilities
//!   x 12 roles, one thread and all threads: process start to exit.
//!
//! `cargo bench --bench pipeline`. The comparison with other tools on the
//! same files is `just bench-compare` (benches/compare.py).

use std::path::Path;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rolefit_import::{ChunkParser, ResponseChunks, ResponseOptions};
use rolefit_model::ProfileBatch;

const ROWS: &str = "100000";

fn rolefit(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_rolefit"))
        .args(args)
        .status()
        .expect("rolefit runs");
    assert!(status.success(), "rolefit {args:?} failed");
}

/// A synthetic matrix and responses in `dir`.
fn data(dir: &Path) -> (String, String) {
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
        "0.05",
        "-o",
        &r,
    ]);
    (m, r)
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (m, r) = data(dir.path());
    let bytes = std::fs::read(&r).expect("responses");
    let matrix = rolefit_import::read_matrix_path(Path::new(&m), &Default::default())
        .expect("the matrix")
        .matrix;

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("12x30/100k", |b| {
        b.iter(|| {
            let mut chunks = ResponseChunks::new(
                &bytes[..],
                "r.csv",
                &matrix,
                None,
                &ResponseOptions::default(),
                128 << 10,
            )
            .expect("a header");
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

criterion_group!(benches, pipeline);
criterion_main!(benches);
