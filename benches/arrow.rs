//! Cost of the Arrow route (`rolefit.score_arrow`, Spark's `mapInArrow`,
//! Parquet in the CLI) without Python: a batch of ROWS respondents x 30
//! capabilities (an id column of text, one Int64 answer column per
//! capability, as `pyarrow.csv.read_csv` gives them) scored against a 12
//! x 30 matrix, top 3, on every core, and the long result built as one
//! Arrow record batch (`score_batch` then `LongRows::into_batch`).
//!
//! `cargo bench --bench arrow [-- ROWS [RUNS]]` (default 1,000,000 rows, 5
//! runs) prints each run's wall and CPU time, split into `score_batch`
//! and `into_batch`, and the median. The Python figures
//! and the ratio to the CLI that issue 15 asks for are
//! benches/python_bench.py's (`just bench-python`); this one isolates
//! rolefit's own part of them, so it can be profiled (`perf record`) and
//! compared run against run.

use std::sync::Arc;
use std::time::Instant;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolefit_arrow::{plan_for, score_batch, LongRows, ScoreOptions};
use rolefit_import::ResponseOptions;
use rolefit_model::{Capability, Requirement, Role, RoleMatrix, Scale};
use rolefit_score::{CompiledMatrix, Euclidean, Scorer};

const ROLES: usize = 12;
const CAPABILITIES: usize = 30;

/// A random 1..5 matrix with levels in halves and importance 1..5.
fn matrix(seed: u64) -> RoleMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let caps = (0..CAPABILITIES)
        .map(|c| Capability::new(format!("c{c}"), format!("Capability {c}")))
        .collect();
    let roles = (0..ROLES)
        .map(|r| {
            let reqs = (0..CAPABILITIES)
                .map(|_| Requirement {
                    level: 1.0 + f64::from(rng.gen_range(0..=8u32)) / 2.0,
                    importance: f64::from(rng.gen_range(1..=5u32)),
                })
                .collect();
            Role::new(format!("r{r}"), format!("Role {r}"), reqs)
        })
        .collect();
    RoleMatrix::new("bench", "bench", Scale::default(), caps, roles).expect("a valid matrix")
}

/// `rows` respondents with answers 1..5 (5% missing), as one batch.
fn responses(rows: usize, seed: u64) -> RecordBatch {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fields = vec![Field::new("id", DataType::Utf8, false)];
    let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(
        (0..rows).map(|r| format!("R{r:07}")),
    ))];
    for c in 0..CAPABILITIES {
        fields.push(Field::new(format!("c{c}"), DataType::Int64, true));
        columns.push(Arc::new(Int64Array::from_iter(
            (0..rows).map(|_| (!rng.gen_bool(0.05)).then(|| rng.gen_range(1..=5i64))),
        )));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("a valid batch")
}

/// CPU seconds this process has used (user and system, every thread), from
/// /proc/self/stat on Linux; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) in ")".
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rows: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let matrix = matrix(1);
    let batch = responses(rows, 2);
    let compiled = CompiledMatrix::new(&matrix);
    let scorer = Scorer::new(&compiled, &Euclidean).top(Some(3)).min_answered(0.5);
    let plan = plan_for(&batch, "bench", &matrix, None, &ResponseOptions::default()).expect("a plan");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        let started = Instant::now();
        let cpu = cpu_seconds();
        let options = ScoreOptions {
            threads,
            first_row: 0,
            rows_before: 0,
            explain: None,
        };
        let scored = score_batch(&plan, &batch, &scorer, &options).expect("scored");
        let scoring = started.elapsed().as_secs_f64();
        let mut rows_out = LongRows::new(false);
        rows_out.append(scored.rows);
        let out = rows_out.into_batch(&matrix, threads).expect("a batch");
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(out.num_rows(), 3 * rows);
        let cpu = match (cpu, cpu_seconds()) {
            (Some(a), Some(b)) => format!(", {:.2} s of CPU", b - a),
            _ => String::new(),
        };
        println!(
            "run {}: {seconds:.3} s wall{cpu} ({threads} threads; score_batch {scoring:.3} s, into_batch {:.3} s)",
            run + 1,
            seconds - scoring
        );
        times.push(seconds);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "score_batch + into_batch, {rows} rows x {CAPABILITIES} x {ROLES}, top 3: median {:.3} s",
        times[times.len() / 2]
    );
}
