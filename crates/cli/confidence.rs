//! The per-respondent confidence `rolefit score --confidence` adds: the
//! bootstrap it runs in the workers (from [`rolefit_learn::evaluate`]) and
//! how the margin and stability are written in CSV, JSON and tables.

use rolefit_learn::evaluate::{Bootstrap, Confidence};
use rolefit_score::ScoreError;
use serde_json::{json, Value};

/// The bootstrap `rolefit score --confidence` uses: `--resamples` resamples
/// (default [`rolefit_learn::evaluate::DEFAULT_RESAMPLES`]) seeded with `--seed`, so that the same
/// input and options always give the same stabilities.
pub fn score_bootstrap(on: bool, resamples: u32, seed: u64) -> Option<Bootstrap> {
    on.then(|| Bootstrap::new(resamples as usize, seed))
}

/// Each respondent's confidence in a chunk of `rolefit score`, computed in
/// the worker (nothing without `--confidence`).
///
/// # Errors
/// The strategy's, as for scoring.
pub fn chunk_confidence(
    bootstrap: Option<Bootstrap>,
    compiled: &rolefit_score::CompiledMatrix,
    strategy: &dyn rolefit_score::Strategy,
    batch: &rolefit_model::ProfileBatch,
    ws: &mut rolefit_score::Workspace,
) -> Result<Vec<Confidence>, ScoreError> {
    match bootstrap {
        Some(b) => b.confidence(compiled, strategy, batch, ws),
        None => Ok(Vec::new()),
    }
}

/// The CSV header fields `--confidence` adds after `status`.
pub const CONFIDENCE_CSV_HEADER: &str = ",margin,stability";

/// Appends `,MARGIN,STABILITY` (six decimals, or the exact values with
/// `exact`; empty where there is none) to a CSV row.
pub fn confidence_csv(out: &mut Vec<u8>, confidence: Option<&Confidence>, exact: bool) {
    let number = |out: &mut Vec<u8>, v: f64| {
        if exact {
            out.extend_from_slice(ryu::Buffer::new().format(v).as_bytes());
        } else {
            out.extend_from_slice(format!("{v:.6}").as_bytes());
        }
    };
    out.push(b',');
    if let Some(m) = confidence.and_then(|c| c.margin) {
        number(out, m);
    }
    out.push(b',');
    if let Some(c) = confidence {
        number(out, c.stability);
    }
}

/// The `confidence` object of a JSON row.
pub fn confidence_json(c: &Confidence) -> Value {
    json!({
        "margin": c.margin,
        "stability": c.stability,
        "resamples": c.resamples,
    })
}

/// The confidence in a few words, for tables: `margin 0.067, stable 82%`.
pub fn confidence_text(c: &Confidence) -> String {
    match c.margin {
        Some(m) => format!("margin {m:.3}, stable {:.0}%", c.stability * 100.0),
        None => format!("stable {:.0}%", c.stability * 100.0),
    }
}
