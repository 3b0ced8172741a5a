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
//! - `fast_paths_rank`: the ranker's two top-k paths, each against the
//!   path that runs without it, on real euclidean scores: 100,000 rows of a
//!   12 x 30 matrix ranked top 3 (target A), taking every fast path
//!   (`all`: running maxima of scores tagged with their role in the
//!   mantissa), then one fewer at a time (`no_tagged`: the one-pass
//!   insertion; `general`: `select_nth_unstable_by` and a sort); and 10,000
//!   rows of 879 x 68 ranked top 10 (target B), where only the insertion
//!   pass applies (`all` against `general`). (The `k` scans of the keys that
//!   stood between the first two were removed on 2026-12-08: no gain end to
//!   end.)
//! - `fast_paths_render`: the renderer's, on the CSV rows of those 100,000
//!   respondents' top 3 (`crates/cli/render/bytes.rs`, included as it is):
//!   the rows as `score` builds them (`rows`), and their scores written
//!   with six decimals as `score` does (`itoa`), with `format!` for
//!   reference (`format`). (The padded pieces this group compared with
//!   plain copies were removed on 2026-12-07, and the decimals written two
//!   digits at a time on 2026-12-08: each under 5% end to end.)
//!
//! `cargo bench --bench pipeline`. The comparison with other tools on the
//! same files is `just bench-compare` (benches/compare.py).

use std::path::Path;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::Array2;
use rolefit_import::{ChunkParser, FastPaths, RawChunk, ResponseChunks, ResponseOptions};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{rank_into_with, CompiledMatrix, RankPaths, RankedRole, Registry};

#[allow(dead_code)] // the bench uses some of what the renderer does
#[path = "../crates/cli/render/bytes.rs"]
mod bytes;

const ROWS: &str = "100000";

fn rolefit(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_rolefit"))
        .args(args)
        .status()
        .expect("rolefit runs");
    assert!(status.success(), "rolefit {args:?} failed");
}

/// A synthetic matrix of 12 roles x 30 capabilities and [`ROWS`]
/// responses in `dir`, `missing` of the answers blank.
fn data(dir: &Path, missing: &str) -> (String, String) {
    synthetic(dir, ["12", "30", ROWS], missing)
}

/// A synthetic matrix of `roles` x `capabilities` and `rows` responses in
/// `dir`, `missing` of the answers blank.
fn synthetic(dir: &Path, [roles, capabilities, rows]: [&str; 3], missing: &str) -> (String, String) {
    let m = dir.join("m.csv").to_str().unwrap().to_string();
    let r = dir.join("r.csv").to_str().unwrap().to_string();
    let matrix = [
        "synth",
        "matrix",
        "--roles",
        roles,
        "--capabilities",
        capabilities,
    ];
    rolefit(&[&matrix[..], &["--seed", "1", "-o", &m]].concat());
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &m,
        "--rows",
        rows,
        "--seed",
        "2",
        "--missing",
        missing,
        "-o",
        &r,
    ]);
    (m, r)
}

/// The bytes of the responses file `r`, and the matrix of the file `m`.
fn read(m: &str, r: &str) -> (Vec<u8>, RoleMatrix) {
    let bytes = std::fs::read(r).expect("responses");
    let matrix = rolefit_import::read_matrix_path(Path::new(m), &Default::default())
        .expect("the matrix")
        .matrix;
    (bytes, matrix)
}

/// The euclidean scores of synthetic responses of `shape` (as for
/// [`synthetic`], no blanks): one row per respondent, one column per role.
fn scores(shape: [&str; 3]) -> Array2<f64> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (m, r) = synthetic(dir.path(), shape, "0");
    let (bytes, matrix) = read(&m, &r);
    let mut chunks = chunks_of(&bytes, &matrix);
    let plan = chunks.plan().clone();
    let mut parser = ChunkParser::new();
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    let mut positions = Vec::new();
    while let Some(chunk) = chunks.next_chunk(Vec::new()).expect("chunks") {
        parser
            .parse(&plan, &chunk, &mut batch, &mut positions, |_, _, e| Err(e))
            .expect("valid rows");
    }
    let registry = Registry::builtin();
    let euclidean = registry.get("euclidean").expect("built in");
    euclidean
        .score(&CompiledMatrix::new(&matrix), &batch)
        .expect("scores")
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
    let (bytes, matrix) = read(&m, &r);

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
    let (bytes, matrix) = read(&m, &r);
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

/// The ranker's fast paths, each against the path that runs without it.
fn fast_paths_rank(c: &mut Criterion) {
    let no = |tagged, insertion| RankPaths { tagged, insertion };
    let target_a = scores(["12", "30", ROWS]);
    let target_b = scores(["879", "68", "10000"]);
    let mut group = c.benchmark_group("fast_paths_rank");
    for (shape, scores, top, variants) in [
        (
            "12x30/100k/top3",
            &target_a,
            3,
            &[
                ("all", RankPaths::ALL),
                ("no_tagged", no(false, true)),
                ("general", no(false, false)),
            ][..],
        ),
        (
            "879x68/10k/top10",
            &target_b,
            10,
            &[("all", RankPaths::ALL), ("general", no(false, false))][..],
        ),
    ] {
        group.throughput(Throughput::Elements(scores.nrows() as u64));
        for &(name, paths) in variants {
            group.bench_function(format!("{shape}/{name}"), |b| {
                let mut out = Vec::with_capacity(top);
                b.iter(|| {
                    let mut first = 0;
                    for row in scores.rows() {
                        rank_into_with(row, Some(top), &mut out, paths);
                        first += out[0].role;
                    }
                    first
                })
            });
        }
    }
    group.finish();
}

/// The renderer's fast paths, each against its simpler path.
fn fast_paths_render(c: &mut Criterion) {
    let scores = scores(["12", "30", ROWS]);
    let top: Vec<Vec<RankedRole>> = scores
        .rows()
        .into_iter()
        .map(|row| rolefit_score::rank(row, Some(3)))
        .collect();
    let ids: Vec<String> = (1..=top.len()).map(|i| format!("R{i:06}")).collect();
    let piece = |text: String| bytes::Piece::new(text.into_bytes());
    let roles: Vec<_> = (0..scores.ncols()).map(|r| piece(format!("Role {r},"))).collect();
    let ranks: Vec<_> = (1..=3).map(|i| piece(format!(",{i},"))).collect();
    let tail = piece(",30,ranked".to_string());
    let mut group = c.benchmark_group("fast_paths_render");
    group.throughput(Throughput::Elements(top.len() as u64));
    // As `score`'s workers do: each chunk's rows into one buffer.
    const CHUNK_ROWS: usize = 2048;
    {
        group.bench_function("rows/100k/top3", |b| {
            let push = |p: &bytes::Piece, out: &mut Vec<u8>| p.push_to(out);
            let mut out = Vec::with_capacity(CHUNK_ROWS * 3 * 48);
            b.iter(|| {
                let mut written = 0;
                for (i, (id, ranked)) in ids.iter().zip(&top).enumerate() {
                    if i % CHUNK_ROWS == 0 {
                        written += out.len();
                        out.clear();
                    }
                    for (k, r) in ranked.iter().enumerate() {
                        bytes::csv_field(&mut out, id);
                        push(&ranks[k], &mut out);
                        push(&roles[r.role], &mut out);
                        bytes::push_fixed6(&mut out, r.score);
                        push(&tail, &mut out);
                        out.push(b'\n');
                    }
                }
                written + out.len()
            })
        });
    }
    let values: Vec<f64> = top.iter().flatten().map(|r| r.score).collect();
    type Writer = fn(&mut Vec<u8>, f64);
    let variants: [(&str, Writer); 2] = [
        ("itoa", bytes::push_fixed6),
        ("format", |out, v| {
            use std::io::Write;
            let _ = write!(out, "{v:.6}");
        }),
    ];
    group.throughput(Throughput::Elements(values.len() as u64));
    for (name, write) in variants {
        group.bench_function(format!("scores/300k/{name}"), |b| {
            let mut out = Vec::with_capacity(CHUNK_ROWS * 3 * 9);
            b.iter(|| {
                let mut written = 0;
                for chunk in values.chunks(CHUNK_ROWS * 3) {
                    out.clear();
                    for &v in chunk {
                        write(&mut out, v);
                        out.push(b',');
                    }
                    written += out.len();
                }
                written
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline, fast_paths, fast_paths_rank, fast_paths_render);
criterion_main!(benches);
