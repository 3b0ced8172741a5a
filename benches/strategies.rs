//! Cost of each strategy per batch of profiles against the built-in matrix
//! (4 roles x 20 capabilities): one profile (the latency a single
//! self-assessment sees) and 4,096 profiles (a scoring batch), with about a
//! tenth of the answers missing.
//!
//! Run with `cargo bench --bench strategies` (or `just bench`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rolefit_import::builtin;
use rolefit_model::ProfileBatch;
use rolefit_score::{CompiledMatrix, Registry, Scorer};

fn profiles(capabilities: usize, rows: usize, seed: u64) -> ProfileBatch {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut batch = ProfileBatch::with_capacity(capabilities, rows);
    let mut values = vec![None; capabilities];
    for i in 0..rows {
        for v in values.iter_mut() {
            *v = (!rng.gen_bool(0.1)).then(|| f64::from(rng.gen_range(1..=5)));
        }
        batch.push(format!("r{i}"), &values);
    }
    batch
}

fn strategies(c: &mut Criterion) {
    let matrix = builtin::matrix();
    let compiled = CompiledMatrix::new(&matrix);
    let registry = Registry::builtin();
    for rows in [1usize, 4096] {
        let batch = profiles(compiled.n_capabilities(), rows, 7);
        let mut group = c.benchmark_group(format!("score/guide/{rows}"));
        group.throughput(Throughput::Elements(rows as u64));
        for strategy in registry.iter() {
            let scorer = Scorer::new(&compiled, strategy).top(Some(3));
            group.bench_with_input(
                BenchmarkId::from_parameter(strategy.name()),
                &batch,
                |b, batch| b.iter(|| scorer.score_batch(batch).expect("scores")),
            );
        }
        group.finish();
    }
}

criterion_group!(benches, strategies);
criterion_main!(benches);
