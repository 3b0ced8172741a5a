//! `rolefit evaluate` (being built).

use anyhow::Result;

use crate::args::EvaluateArgs;

/// Runs `rolefit evaluate`.
pub fn run(_args: &EvaluateArgs) -> Result<()> {
    anyhow::bail!("rolefit evaluate is not built yet")
}
