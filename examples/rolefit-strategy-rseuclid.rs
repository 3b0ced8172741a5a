//! `rolefit-strategy-rseuclid`: the built-in `euclidean` strategy again, as
//! a plugin written with the `rolefit-plugin` crate.
//!
//! It exists to show a whole plugin and to test the plugin machinery end to
//! end: its scores must equal `rolefit score --strategy euclidean` to
//! rounding. Build and try it:
//!
//! ```sh
//! cargo build --example rolefit-strategy-rseuclid
//! export ROLEFIT_PLUGIN_PATH=$PWD/target/debug/examples
//! rolefit plugins check rseuclid
//! rolefit score datasets/sample-responses.csv --strategy rseuclid
//! ```

use std::process::ExitCode;

use rolefit_plugin::{Matrix, Plugin};

/// `1 - sqrt(sum(w*(x-r)^2) / sum(w)) / (H-L)`, clamped to `0..1`, summed
/// over the answered capabilities only, and `0` when `sum(w) = 0` there
/// (docs/strategies.md).
fn euclidean(matrix: &Matrix, profile: &[Option<f64>]) -> Result<Vec<f64>, String> {
    let width = matrix.scale.max - matrix.scale.min;
    let scores = matrix.roles.iter().map(|role| {
        let (mut distance, mut weight) = (0.0, 0.0);
        for ((x, r), w) in profile.iter().zip(&role.levels).zip(&role.importances) {
            if let Some(x) = x {
                distance += w * (x - r) * (x - r);
                weight += w;
            }
        }
        if weight > 0.0 {
            (1.0 - (distance / weight).sqrt() / width).clamp(0.0, 1.0)
        } else {
            0.0
        }
    });
    Ok(scores.collect())
}

fn main() -> ExitCode {
    Plugin::new(
        "rseuclid",
        "One minus the weighted root-mean-square gap to the role's levels, as a share of the scale (Rust plugin).",
    )
    .run(euclidean)
}
