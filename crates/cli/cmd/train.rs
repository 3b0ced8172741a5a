//! `rolefit train` (being built).

use anyhow::Result;

use crate::args::TrainArgs;

/// Runs `rolefit train`.
pub fn run(_args: &TrainArgs) -> Result<()> {
    anyhow::bail!("rolefit train is not built yet")
}
