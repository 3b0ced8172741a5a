//! The strategies a command can use, looked up by name.
//!
//! Built-in strategies always; external strategy plugins
//! (`rolefit-strategy-NAME` on `$ROLEFIT_PLUGIN_PATH` or `$PATH`) join them
//! here, so `score`, `evaluate` and the benchmarks all see the same set.
//! A plugin is only started when a batch is first scored with it, so
//! building the registry costs a directory listing, whatever is installed.

use std::time::Duration;

use anyhow::{Context, Result};
use rolefit_score::{Registry, Strategy};

use crate::error::bad_input;
use crate::external::{self, ExternalStrategy, Kind};
use crate::render::closest;

/// Every strategy available: the built-ins, then plugins found on the
/// search path. `plugin_timeout` bounds each reply of a plugin.
///
/// A command that scored with the registry calls [`finish`] before it
/// commits its output.
pub fn registry(plugin_timeout: Duration) -> Result<Registry> {
    let mut registry = Registry::builtin();
    for plugin in external::search().strategies() {
        registry
            .register(Box::new(ExternalStrategy::new(
                &plugin.name,
                &plugin.path,
                plugin_timeout,
            )))
            .with_context(|| format!("registering the strategy plugin {}", plugin.path.display()))?;
    }
    Ok(registry)
}

/// Ends the strategy plugins started so far properly (bye, then exit
/// status 0), so that one failing at the very end fails the command before
/// its output is committed. Plugins are killed anyway when the registry is
/// dropped; this is what checks that they ended well.
///
/// # Errors
/// The first plugin that did not exit properly (exit code 1).
pub fn finish() -> Result<()> {
    external::finish_all().map_err(anyhow::Error::new)
}

/// Ends every strategy plugin still running, with whatever it started in
/// its process group (SIGTERM, then SIGKILL after a grace period). For the
/// interrupt handler: the command is abandoned, nothing is checked.
pub fn end_plugins() {
    external::end_all_plugins();
}

/// Looks a strategy up by name, suggesting the closest on a miss.
pub fn find<'r>(registry: &'r Registry, name: &str) -> Result<&'r dyn Strategy> {
    registry.get(name).ok_or_else(|| {
        let names = registry.names();
        let hint = closest(name, names.iter().copied())
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        // A plugin file that is there but does not run deserves a word.
        let why = external::search()
            .why_not(Kind::Strategy, name)
            .map(|w| format!("\n  note: {w}"))
            .unwrap_or_default();
        bad_input(format!(
            "unknown strategy {name:?}{hint}; the strategies are: {} \
             (plugins are executables rolefit-strategy-NAME on ROLEFIT_PLUGIN_PATH or PATH; \
             see `rolefit plugins`){why}",
            names.join(", ")
        ))
    })
}
