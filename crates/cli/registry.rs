//! The strategies a command can use, looked up by name, and the plugin
//! session they belong to.
//!
//! Built-in strategies always; external strategy plugins
//! (`rolefit-strategy-NAME` on `$ROLEFIT_PLUGIN_PATH` or `$PATH`) join them
//! here, so `score`, `evaluate` and the benchmarks all see the same set.
//! A plugin is only started when a batch is first scored with it, so
//! building the registry costs a directory listing, whatever is installed.
//!
//! A run's plugins must end properly before its outputs are committed (a
//! plugin that fails at the very end fails the run). That is not left to
//! each command's memory: [`Strategies`] is `#[must_use]` and is consumed
//! by [`Strategies::finish`], which alone gives the [`Finished`] proof that
//! `io::commit_outputs` asks for; `main` commits only with one.

use std::time::Duration;

use anyhow::{Context, Result};
use rolefit_score::{Registry, Strategy};

use crate::error::bad_input;
use crate::external::{self, ExternalStrategy, Kind};
use crate::render::closest;

/// Every strategy of a run: the built-ins, then the plugins found on the
/// search path, and a handle on each plugin so that [`finish`] can end it
/// properly.
///
/// [`finish`]: Strategies::finish
#[must_use = "call finish() once scoring is done, before the outputs are committed"]
pub struct Strategies {
    registry: Registry,
    plugins: Vec<ExternalStrategy>,
}

/// Proof that a run's strategy plugins ended properly (or that the
/// command started none): what committing the run's outputs requires.
#[must_use = "pass it to io::commit_outputs"]
#[derive(Debug)]
pub struct Finished(());

impl Finished {
    /// For a command that scores with no strategy, and so starts no plugin.
    pub fn without_strategies() -> Self {
        Finished(())
    }
}

impl Strategies {
    /// The built-ins and the plugins on the search path; `plugin_timeout`
    /// bounds each reply of a plugin.
    ///
    /// # Errors
    /// A plugin whose name cannot be registered.
    pub fn open(plugin_timeout: Duration) -> Result<Self> {
        let mut registry = Registry::builtin();
        let mut plugins = Vec::new();
        for plugin in external::search().strategies() {
            let strategy = ExternalStrategy::new(&plugin.name, &plugin.path, plugin_timeout);
            registry
                .register(Box::new(strategy.clone()))
                .with_context(|| format!("registering the strategy plugin {}", plugin.path.display()))?;
            plugins.push(strategy);
        }
        Ok(Strategies { registry, plugins })
    }

    /// The registry, for lookups of several names.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Looks a strategy up by name, suggesting the closest on a miss.
    ///
    /// # Errors
    /// Exit 2 for an unknown name.
    pub fn find(&self, name: &str) -> Result<&dyn Strategy> {
        find(&self.registry, name)
    }

    /// Ends the strategy plugins started so far properly (bye, then exit
    /// status 0), so that one failing at the very end fails the command
    /// before its output is committed. Plugins are killed anyway when the
    /// registry is dropped; this is what checks that they ended well.
    ///
    /// # Errors
    /// The first plugin that did not exit properly (exit code 1); every
    /// plugin is ended either way.
    pub fn finish(self) -> Result<Finished> {
        let mut first = None;
        for plugin in &self.plugins {
            if let Err(e) = plugin.finish() {
                first.get_or_insert(e);
            }
        }
        match first {
            Some(e) => Err(anyhow::Error::new(e)),
            None => Ok(Finished(())),
        }
    }
}

/// Ends every strategy plugin still running, with whatever it started in
/// its process group (SIGTERM, then SIGKILL after a grace period). For the
/// interrupt handler: the command is abandoned, nothing is checked.
pub fn end_plugins() {
    external::end_all_plugins();
}

/// Looks a strategy up by name in `registry`, suggesting the closest on a
/// miss.
///
/// # Errors
/// Exit 2 for an unknown name, with the names there are.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finishing_a_session_without_plugins_gives_the_proof() {
        let strategies = Strategies {
            registry: Registry::builtin(),
            plugins: Vec::new(),
        };
        assert!(strategies.find("euclidean").is_ok());
        let err = strategies.find("eucldean").err().unwrap().to_string();
        assert!(err.contains("did you mean \"euclidean\""), "{err}");
        assert!(strategies.finish().is_ok());
    }
}
