//! `rolefit plugins` and external subcommands (being built).

use std::ffi::OsString;

use anyhow::Result;

use crate::args::PluginsArgs;

/// Runs `rolefit plugins`.
pub fn run(_args: &PluginsArgs) -> Result<()> {
    anyhow::bail!("rolefit plugins is not built yet")
}

/// Runs an external subcommand.
pub fn external(args: &[OsString]) -> Result<()> {
    Err(crate::error::bad_input(format!(
        "unknown command {:?}; see `rolefit --help`",
        args.first()
            .map(|a| a.to_string_lossy().into_owned())
            .unwrap_or_default()
    )))
}
