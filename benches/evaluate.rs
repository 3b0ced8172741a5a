//! Cost of `rolefit evaluate`'s parts:
//!
//! - `metrics/10000x12`: the metrics of one strategy on 10,000 labelled
//!   respondents and 12 roles, from a score matrix: full rankings, the true
//!   role's ranks, top-1 and top-3 accuracy, MRR, NDCG@3, the confusion
//!   matrix and macro-F1 (`quality`); Kendall's tau-b between two
//!   strategies' scores for every respondent (`kendall_tau_b`); and top-1
//!   agreement (`top1_agreement`).
//! - `stability/1000x12x30`: bootstrap stability (50 resamples) of
//!   `euclidean` for 1,000 respondents on a 12 x 30 matrix, that is 51,000
//!   profiles scored and ranked.
//! - `train/5000x30`: training each learned method on 5,000 labelled
//!   respondents over 30 capabilities and 12 roles.
//!
//! `cargo bench --bench evaluate`. Inputs are random but seeded.
//!
//! `cargo bench --bench evaluate -- --knn-pool [ROWS [K]]` compares
//! `model:knn`'s bootstrap stability, resamples searched in the pool of
//! their full profile, with the exact search of every resample (default
//! 10,000 rows, k = 5): the mean and largest difference, and both times.
//!
//! `cargo bench --bench evaluate -- --full [ROWS]` instead runs one whole
//! evaluation, as `rolefit evaluate --strategies all` does: ROWS (default
//! 100,000) labelled respondents on a 4 x 20 matrix, the five built-ins and
//! the three learned methods, 5 folds, 50 resamples, all cores; it prints
//! the wall time and its ratio to the 60 s target of issue 13.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolefit_learn::evaluate::{
    confusion_matrix, evaluate, kendall_tau_b, macro_f1, mean_reciprocal_rank, ndcg_at_k, top1_agreement,
    top_k_accuracy, true_ranks, Bootstrap, Candidate, EvaluateOptions,
};
use rolefit_learn::learned::{train, Method, TrainParams, ValidTrainParams};
use rolefit_model::{Capability, ProfileBatch, Requirement, Role, RoleMatrix, Scale};
use rolefit_score::{rank, tie_key, CompiledMatrix, Euclidean, Registry, Workspace, BUILTIN_STRATEGIES};

/// A random 1..5 matrix with levels in halves, importance 1.
fn matrix(roles: usize, capabilities: usize, seed: u64) -> RoleMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let caps = (0..capabilities)
        .map(|c| Capability::new(format!("c{c}"), format!("Capability {c}")))
        .collect();
    let roles = (0..roles)
        .map(|r| {
            let reqs = (0..capabilities)
                .map(|_| Requirement::level(1.0 + f64::from(rng.gen_range(0..=8u32)) / 2.0))
                .collect();
            Role::new(format!("r{r}"), format!("Role {r}"), reqs)
        })
        .collect();
    RoleMatrix::new("bench", "bench", Scale::default(), caps, roles).expect("a valid matrix")
}

/// `rows` respondents drawn around random roles of `m` (noise of about a
/// point, 5% blanks), with their roles.
fn labelled(m: &RoleMatrix, rows: usize, seed: u64) -> (ProfileBatch, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let c = m.capabilities().len();
    let mut batch = ProfileBatch::with_capacity(c, rows);
    let mut labels = Vec::with_capacity(rows);
    let mut values = vec![None; c];
    for i in 0..rows {
        let role = rng.gen_range(0..m.roles().len());
        for (v, req) in values.iter_mut().zip(&m.roles()[role].requirements) {
            let noise: f64 = (0..4).map(|_| rng.gen::<f64>()).sum::<f64>() - 2.0;
            *v = (!rng.gen_bool(0.05)).then(|| (req.level + 1.7 * noise).round().clamp(1.0, 5.0));
        }
        batch.push(format!("r{i}"), &values);
        labels.push(role);
    }
    (batch, labels)
}

fn metrics(c: &mut Criterion) {
    let (n, roles) = (10_000, 12);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let labels: Vec<usize> = (0..n).map(|_| rng.gen_range(0..roles)).collect();
    // Scores that favour the true role a little, so rankings are realistic.
    let scores = |rng: &mut ChaCha8Rng| {
        Array2::from_shape_fn((n, roles), |(i, j)| {
            rng.gen::<f64>() + if j == labels[i] { 0.4 } else { 0.0 }
        })
    };
    let (a, b) = (scores(&mut rng), scores(&mut rng));
    let mut group = c.benchmark_group("metrics/10000x12");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("quality", |bench| {
        bench.iter(|| {
            let rankings: Vec<Vec<usize>> = a
                .outer_iter()
                .map(|row| rank(row, None).into_iter().map(|r| r.role).collect())
                .collect();
            let ranks = true_ranks(&rankings, &labels);
            let top: Vec<usize> = rankings.iter().map(|r| r[0]).collect();
            let confusion = confusion_matrix(&top, &labels, roles);
            (
                top_k_accuracy(&ranks, 1),
                top_k_accuracy(&ranks, 3),
                mean_reciprocal_rank(&ranks),
                ndcg_at_k(&ranks, 3),
                macro_f1(&confusion),
            )
        })
    });
    let (ka, kb) = (a.mapv(tie_key), b.mapv(tie_key));
    group.bench_function("kendall_tau_b", |bench| {
        bench.iter(|| {
            (0..n)
                .filter_map(|i| kendall_tau_b(ka.row(i).as_slice()?, kb.row(i).as_slice()?))
                .sum::<f64>()
        })
    });
    let top =
        |s: &Array2<f64>| -> Vec<usize> { s.outer_iter().map(|row| rank(row, Some(1))[0].role).collect() };
    let (ta, tb) = (top(&a), top(&b));
    group.bench_function("top1_agreement", |bench| bench.iter(|| top1_agreement(&ta, &tb)));
    group.finish();
}

fn stability(c: &mut Criterion) {
    let m = matrix(12, 30, 2);
    let compiled = CompiledMatrix::new(&m);
    let (batch, _) = labelled(&m, 1_000, 3);
    let bootstrap = Bootstrap::default();
    let mut group = c.benchmark_group("stability/1000x12x30");
    group.sample_size(10);
    group.throughput(Throughput::Elements(batch.len() as u64));
    let mut ws = Workspace::new();
    group.bench_function("euclidean", |bench| {
        bench.iter(|| {
            bootstrap
                .confidence(&compiled, &Euclidean, &batch, &mut ws)
                .expect("scores")
        })
    });
    group.finish();
}

fn training(c: &mut Criterion) {
    let m = matrix(12, 30, 4);
    let (batch, labels) = labelled(&m, 5_000, 5);
    let mut group = c.benchmark_group("train/5000x30");
    group.sample_size(10);
    group.throughput(Throughput::Elements(batch.len() as u64));
    for method in Method::ALL {
        group.bench_with_input(
            BenchmarkId::from_parameter(method.name()),
            &batch,
            |bench, batch| {
                bench
                    .iter(|| train(method, &ValidTrainParams::default(), &m, batch, &labels).expect("trains"))
            },
        );
    }
    group.finish();
}

/// One whole evaluation of every strategy on `rows` x 20 x 4; prints the
/// time.
fn full(rows: usize) {
    let m = matrix(4, 20, 6);
    let (batch, labels) = labelled(&m, rows, 7);
    let registry = Registry::builtin();
    let mut candidates: Vec<Candidate<'_>> = BUILTIN_STRATEGIES
        .iter()
        .map(|name| Candidate::Fixed(registry.get(name).expect("a built-in")))
        .collect();
    candidates.extend(Method::ALL.map(|method| Candidate::Learned(method, ValidTrainParams::default())));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = EvaluateOptions {
        threads,
        ..EvaluateOptions::default()
    };
    if std::env::var_os("ROLEFIT_BENCH_EACH").is_some() {
        let part = rows * 4 / 5;
        let mut training = ProfileBatch::with_capacity(20, part);
        (0..part).for_each(|i| training.push_profile(&batch.profile(i)));
        for method in Method::ALL {
            let started = std::time::Instant::now();
            let model = train(
                method,
                &ValidTrainParams::default(),
                &m,
                &training,
                &labels[..part],
            )
            .expect("trains");
            println!(
                "{:<16} trained on {part}: {:.1} s{}",
                method.name(),
                started.elapsed().as_secs_f64(),
                if method == Method::Knn {
                    format!(" (k = {})", model.options().neighbours())
                } else {
                    String::new()
                }
            );
        }
        for candidate in &candidates {
            let started = std::time::Instant::now();
            let one =
                evaluate(&m, &batch, &labels, std::slice::from_ref(candidate), &options).expect("evaluates");
            println!(
                "{:<16} alone: {:.1} s",
                one.strategies[0].name,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let started = std::time::Instant::now();
    let evaluation = evaluate(&m, &batch, &labels, &candidates, &options).expect("evaluates");
    let seconds = started.elapsed().as_secs_f64();
    for s in &evaluation.strategies {
        println!(
            "{:<16} top-1 {:.4}  stability {:.4}",
            s.name, s.top1_accuracy, s.stability
        );
    }
    println!(
        "evaluate {rows} x 20 x 4, {} strategies, 5 folds, {threads} threads: {seconds:.1} s ({:.2} of the 60 s target)",
        candidates.len(),
        seconds / 60.0
    );
}

/// `model:knn`'s bootstrap stability with its pooled resample search
/// against the exact search, on `rows` labelled respondents of a 4 x 20
/// matrix (trained on 80%, resampled on the other 20%, k = `k`).
fn knn_pool(rows: usize, k: usize) {
    /// The model with only `score_in`: every resample searched exactly.
    struct Exact<'a>(&'a dyn rolefit_score::Strategy);
    impl rolefit_score::Strategy for Exact<'_> {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn formula(&self) -> &str {
            self.0.formula()
        }
        fn description(&self) -> &str {
            self.0.description()
        }
        fn score_in(
            &self,
            matrix: &CompiledMatrix,
            profiles: &ProfileBatch,
            ws: &mut Workspace,
        ) -> Result<Array2<f64>, rolefit_score::ScoreError> {
            self.0.score_in(matrix, profiles, ws)
        }
        fn contributions(&self, _: &CompiledMatrix, _: &[f64], _: &[bool], _: usize) -> Option<Vec<f64>> {
            None
        }
    }
    let m = matrix(4, 20, 6);
    let (batch, labels) = labelled(&m, rows, 7);
    let split = rows * 4 / 5;
    let part = |range: std::ops::Range<usize>| {
        let mut b = ProfileBatch::with_capacity(20, range.len());
        for i in range {
            b.push_profile(&batch.profile(i));
        }
        b
    };
    let (train_rows, test_rows) = (part(0..split), part(split..rows));
    let options = TrainParams::default()
        .neighbours(k)
        .check()
        .expect("k is at least 1");
    let model = train(Method::Knn, &options, &m, &train_rows, &labels[..split]).expect("trains");
    let compiled = CompiledMatrix::new(&m);
    let bootstrap = Bootstrap::default();
    let timed = |strategy: &dyn rolefit_score::Strategy| {
        let started = std::time::Instant::now();
        let c = bootstrap
            .confidence(&compiled, strategy, &test_rows, &mut Workspace::new())
            .expect("scores");
        (c, started.elapsed().as_secs_f64())
    };
    let (pooled, pooled_s) = timed(&model);
    let (exact, exact_s) = timed(&Exact(&model));
    let n = pooled.len() as f64;
    let mean = |c: &[rolefit_learn::evaluate::Confidence]| c.iter().map(|c| c.stability).sum::<f64>() / n;
    let diffs: Vec<f64> = pooled
        .iter()
        .zip(&exact)
        .map(|(p, e)| (p.stability - e.stability).abs())
        .collect();
    let same_top = pooled
        .iter()
        .zip(&exact)
        .all(|(p, e)| p.top == e.top && p.margin == e.margin);
    println!(
        "knn k={k}, {} training rows, {} respondents x {} resamples: mean stability pooled {:.4}, exact {:.4}; \
         mean |difference| {:.4}, largest {:.4}, respondents differing {}; full profiles identical: {same_top}; \
         time pooled {pooled_s:.2} s, exact {exact_s:.2} s",
        split,
        pooled.len(),
        bootstrap.resamples(),
        mean(&pooled),
        mean(&exact),
        diffs.iter().sum::<f64>() / n,
        diffs.iter().copied().fold(0.0, f64::max),
        diffs.iter().filter(|&&d| d > 0.0).count(),
    );
}

criterion_group!(benches, metrics, stability, training);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--knn-pool") {
        let rows = args.get(at + 1).and_then(|r| r.parse().ok()).unwrap_or(10_000);
        let k = args.get(at + 2).and_then(|r| r.parse().ok()).unwrap_or(5);
        knn_pool(rows, k);
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--full") {
        let rows = args.get(at + 1).and_then(|r| r.parse().ok()).unwrap_or(100_000);
        full(rows);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
