//! External plugins: subcommands (`rolefit-NAME`) and scoring strategies
//! (`rolefit-strategy-NAME`) found on the search path.
//!
//! - [`search`] finds them (`discover`), for running and for listing alike.
//! - [`ExternalStrategy`] is a strategy plugin as a
//!   [`rolefit_score::Strategy`]: it starts the plugin on first use and
//!   talks protocol version 1 with it ([`Session`]), over pipes read with
//!   timeouts (`process`), checking every reply (`wire`).
//!
//! Plugins run with the user's rights, like any program on their PATH;
//! what rolefit does not do is trust what they answer. The protocol and
//! the rules are in docs/plugins.md.

mod discover;
mod group;
mod process;
mod session;
mod strategy;
mod wire;

pub use discover::{Discovery, Found, Kind, PREFIX, STRATEGY_PREFIX};
pub use process::printable;
pub use session::{seconds, Session};
pub use strategy::ExternalStrategy;

/// Ends the process groups of every strategy plugin still running
/// (SIGTERM, then SIGKILL after a grace period), for the interrupt
/// handler, which exits next.
pub fn end_all_plugins() {
    group::end_all();
}

/// The plugins on the search path (`$ROLEFIT_PLUGIN_PATH`, then `$PATH`),
/// with the built-in commands (from the argument definitions) and the
/// built-in strategies reserved.
pub fn search() -> Discovery {
    discover::discover(&builtin_commands(), &rolefit_score::BUILTIN_STRATEGIES)
}

/// The names (and aliases) of the built-in subcommands, `help` included.
fn builtin_commands() -> Vec<String> {
    use clap::CommandFactory;
    let cli = crate::args::Cli::command();
    let mut names: Vec<String> = cli
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .map(str::to_string)
        .collect();
    names.push("help".to_string());
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_commands_come_from_the_argument_definitions() {
        let names = builtin_commands();
        for name in ["score", "plugins", "completions", "man", "matrix", "help"] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
    }
}
