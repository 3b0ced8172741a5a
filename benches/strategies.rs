//! Cost of each strategy per profile, through `Scorer::score_batch_in` with
//! a reused workspace (score, then rank the top 3), for three matrix sizes:
//!
//! - `guide`: the built-in matrix, 4 roles x 20 capabilities;
//! - `12x30`: a synthetic matrix of 12 roles x 30 capabilities;
//! - `onet`: the O*NET 29.3 Skills + Knowledge matrix, 879 roles x 68
//!   capabilities, read from `../shared/datasets/onet-29.3` (or
//!   `$ROLEFIT_ONET_DIR`); a synthetic 879 x 68 matrix when that is absent.
//!
//! Batches of 1 profile (the latency of one self-assessment) and of 2,048
//! profiles (about one chunk of `rolefit score`), a tenth of the answers
//! missing. Throughput is in profiles per second.
//!
//! `cargo bench --bench strategies` (or `just bench`).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolefit_import::{builtin, merge_matrices, read_matrix_path, MatrixOptions};
use rolefit_model::{Capability, ProfileBatch, Requirement, Role, RoleMatrix, Scale};
use rolefit_score::{CompiledMatrix, Registry, Scorer, Workspace};

/// Random profiles on `scale`, integers, about 10% missing.
fn profiles(capabilities: usize, rows: usize, scale: Scale, seed: u64) -> ProfileBatch {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (lo, hi) = (scale.min().ceil() as i32, scale.max().floor() as i32);
    let mut batch = ProfileBatch::with_capacity(capabilities, rows);
    let mut values = vec![None; capabilities];
    for i in 0..rows {
        for v in values.iter_mut() {
            *v = (!rng.gen_bool(0.1)).then(|| f64::from(rng.gen_range(lo..=hi)));
        }
        batch.push(format!("r{i}"), &values);
    }
    batch
}

/// A random matrix with levels in halves on `scale` and importances 0..5.
pub fn synthetic(roles: usize, capabilities: usize, scale: Scale, seed: u64) -> RoleMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let caps = (0..capabilities)
        .map(|c| Capability::new(format!("c{c}"), format!("Capability {c}")))
        .collect();
    let steps = ((scale.max() - scale.min()) * 2.0) as u32;
    let roles = (0..roles)
        .map(|r| {
            let reqs = (0..capabilities)
                .map(|_| Requirement {
                    level: scale.min() + f64::from(rng.gen_range(0..=steps)) / 2.0,
                    importance: 0.5 + f64::from(rng.gen_range(0..10u32)) / 2.0,
                })
                .collect();
            Role::new(format!("r{r}"), format!("Role {r}"), reqs)
        })
        .collect();
    RoleMatrix::new("synthetic", "bench", scale, caps, roles).expect("a valid matrix")
}

/// O*NET Skills + Knowledge, if the data is there.
fn onet() -> Option<RoleMatrix> {
    let dir = std::env::var_os("ROLEFIT_ONET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/onet-29.3"));
    let options = MatrixOptions::default();
    let parts: Option<Vec<RoleMatrix>> = ["Skills.txt", "Knowledge.txt"]
        .iter()
        .map(|f| {
            read_matrix_path(&dir.join("text").join(f), &options)
                .ok()
                .map(|r| r.matrix)
        })
        .collect();
    match parts {
        Some(parts) => merge_matrices(parts, "O*NET 29.3").ok(),
        None => {
            eprintln!(
                "note: no O*NET data at {}; benchmarking a synthetic 879 x 68 matrix",
                dir.display()
            );
            None
        }
    }
}

fn strategies(c: &mut Criterion) {
    let registry = Registry::builtin();
    let onet = onet().unwrap_or_else(|| synthetic(879, 68, Scale::new(0.0, 7.0).unwrap(), 3));
    let matrices = [
        ("guide", builtin::matrix()),
        ("12x30", synthetic(12, 30, Scale::default(), 1)),
        ("onet", onet),
    ];
    for (name, matrix) in &matrices {
        let compiled = CompiledMatrix::new(matrix);
        for rows in [1usize, 2048] {
            let batch = profiles(compiled.n_capabilities(), rows, matrix.scale(), 7);
            let mut group = c.benchmark_group(format!("strategy/{name}/{rows}"));
            group.throughput(Throughput::Elements(rows as u64));
            if *name == "onet" {
                group.sample_size(20);
            }
            for strategy in registry.iter() {
                let scorer = Scorer::new(&compiled, strategy).top(Some(3));
                // As `rolefit score` does: one workspace per thread, reused.
                let mut ws = Workspace::new();
                group.bench_with_input(
                    BenchmarkId::from_parameter(strategy.name()),
                    &batch,
                    |b, batch| b.iter(|| scorer.score_batch_in(batch, &mut ws).expect("scores")),
                );
            }
            group.finish();
        }
    }
}

criterion_group!(benches, strategies);
criterion_main!(benches);
