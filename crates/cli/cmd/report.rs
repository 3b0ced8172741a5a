//! `rolefit report` (being built).

use anyhow::Result;

use crate::args::ReportArgs;

/// Runs `rolefit report`.
pub fn run(_args: &ReportArgs) -> Result<()> {
    anyhow::bail!("rolefit report is not built yet")
}
