//! `rolefit explain` (being built).

use anyhow::Result;

use crate::args::ExplainArgs;

/// Runs `rolefit explain`.
pub fn run(_args: &ExplainArgs) -> Result<()> {
    anyhow::bail!("rolefit explain is not built yet")
}
