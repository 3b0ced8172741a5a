//! `rolefit matrix overlap` (being built).

use anyhow::Result;

use crate::args::OverlapArgs;

/// Runs `rolefit matrix overlap`.
pub fn run(_args: &OverlapArgs) -> Result<()> {
    anyhow::bail!("rolefit matrix overlap is not built yet")
}
