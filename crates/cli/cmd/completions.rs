//! `rolefit completions` and `rolefit man` (being built).

use anyhow::Result;

use crate::args::CompletionsArgs;

/// Runs `rolefit completions`.
pub fn completions(_args: &CompletionsArgs) -> Result<()> {
    anyhow::bail!("rolefit completions is not built yet")
}

/// Runs `rolefit man`.
pub fn man() -> Result<()> {
    anyhow::bail!("rolefit man is not built yet")
}
