//! `rolefit cluster` (being built).

use anyhow::Result;

use crate::args::ClusterArgs;

/// Runs `rolefit cluster`.
pub fn run(_args: &ClusterArgs) -> Result<()> {
    anyhow::bail!("rolefit cluster is not built yet")
}
