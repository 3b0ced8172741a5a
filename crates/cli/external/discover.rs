//! Finding plugins: one resolver for running them and for listing them.
//!
//! The search path is `$ROLEFIT_PLUGIN_PATH` (a PATH-style list) and then
//! `$PATH`, directory by directory in order. In each directory, a file
//! `rolefit-strategy-NAME` is the strategy `NAME`, and any other
//! `rolefit-NAME` is the subcommand `NAME` (so `rolefit-strategy-x` is
//! never also a subcommand `strategy-x`). The first executable one of a
//! name wins, as a shell would pick it; later ones are shadowed.
//!
//! Execution and `rolefit plugins` both call [`discover`] and read the same
//! [`Discovery`], so the list can never show one file and run another
//! (cargo's list once did). Empty entries of either variable are skipped
//! rather than read as the current directory: running whatever
//! `rolefit-*` happens to lie where one stands would be a trap.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// The file name prefix of every plugin.
pub const PREFIX: &str = "rolefit-";

/// The prefix, after [`PREFIX`], of strategy plugins.
pub const STRATEGY_PREFIX: &str = "strategy-";

/// What a plugin provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `rolefit NAME`: an executable `rolefit-NAME`.
    Subcommand,
    /// `--strategy NAME`: an executable `rolefit-strategy-NAME`.
    Strategy,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Subcommand => "subcommand",
            Kind::Strategy => "strategy",
        })
    }
}

/// A plugin that runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Subcommand or strategy.
    pub kind: Kind,
    /// The subcommand's or strategy's name.
    pub name: String,
    /// The executable.
    pub path: PathBuf,
}

/// Something about the search path the user should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A `rolefit-*` file that is not executable (or not a regular file):
    /// it is skipped.
    NotExecutable {
        /// Subcommand or strategy, by its name.
        kind: Kind,
        /// Its name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An executable plugin hidden by one of the same name found earlier.
    Shadowed {
        /// Subcommand or strategy.
        kind: Kind,
        /// Its name.
        name: String,
        /// The file that never runs.
        path: PathBuf,
        /// The file that runs instead.
        by: PathBuf,
    },
    /// A plugin named like a built-in command or strategy, which always
    /// wins: the plugin never runs.
    Builtin {
        /// Subcommand or strategy.
        kind: Kind,
        /// Its name.
        name: String,
        /// The file that never runs.
        path: PathBuf,
    },
    /// A file whose name cannot be a plugin's (not UTF-8, or a strategy
    /// name with spaces or control characters).
    BadName {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: &'static str,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NotExecutable { kind, name, path } => write!(
                f,
                "{} is not executable, so the {kind} {name:?} ignores it (chmod +x it to use it)",
                path.display()
            ),
            Warning::Shadowed { kind, name, path, by } => write!(
                f,
                "{} is shadowed by {}, found first: the {kind} {name:?} runs that one",
                path.display(),
                by.display()
            ),
            Warning::Builtin { kind, name, path } => {
                let what = match kind {
                    Kind::Subcommand => "command",
                    Kind::Strategy => "strategy",
                };
                write!(
                    f,
                    "{} overwrites the built-in {what} {name:?}: built-ins always win, so it never runs",
                    path.display()
                )
            }
            Warning::BadName { path, reason } => {
                write!(f, "{} is not a usable plugin: {reason}", path.display())
            }
        }
    }
}

/// The plugins found, and the warnings.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The directories searched, in order (duplicates removed).
    pub dirs: Vec<PathBuf>,
    /// The plugins that run, in search order.
    pub plugins: Vec<Found>,
    /// What the user should know, in search order.
    pub warnings: Vec<Warning>,
}

impl Discovery {
    /// The subcommand plugin `name` (exact), if one runs.
    pub fn subcommand(&self, name: &str) -> Option<&Found> {
        self.plugins
            .iter()
            .find(|p| p.kind == Kind::Subcommand && p.name == name)
    }

    /// The strategy plugin `name` (case-insensitive, as strategy names
    /// are), if one runs.
    pub fn strategy(&self, name: &str) -> Option<&Found> {
        self.plugins
            .iter()
            .find(|p| p.kind == Kind::Strategy && p.name.eq_ignore_ascii_case(name))
    }

    /// The strategy plugins, in search order.
    pub fn strategies(&self) -> impl Iterator<Item = &Found> {
        self.plugins.iter().filter(|p| p.kind == Kind::Strategy)
    }

    /// The subcommand plugins, in search order.
    pub fn subcommands(&self) -> impl Iterator<Item = &Found> {
        self.plugins.iter().filter(|p| p.kind == Kind::Subcommand)
    }

    /// The first warning about a plugin of this kind and name that does not
    /// run (not executable, or named like a built-in), for "no such
    /// command" messages.
    pub fn why_not(&self, kind: Kind, name: &str) -> Option<&Warning> {
        self.warnings.iter().find(|w| match w {
            Warning::NotExecutable { kind: k, name: n, .. } | Warning::Builtin { kind: k, name: n, .. } => {
                *k == kind && n == name
            }
            _ => false,
        })
    }
}

/// Searches `$ROLEFIT_PLUGIN_PATH` then `$PATH`. `builtin_commands` and
/// `builtin_strategies` are the reserved names.
pub fn discover(builtin_commands: &[String], builtin_strategies: &[&str]) -> Discovery {
    discover_in(
        std::env::var_os("ROLEFIT_PLUGIN_PATH"),
        std::env::var_os("PATH"),
        builtin_commands,
        builtin_strategies,
    )
}

/// [`discover`] with the two variables given.
pub fn discover_in(
    plugin_path: Option<OsString>,
    path: Option<OsString>,
    builtin_commands: &[String],
    builtin_strategies: &[&str],
) -> Discovery {
    let mut seen_dirs = HashSet::new();
    let mut found = Discovery::default();
    let dirs = [plugin_path, path]
        .into_iter()
        .flatten()
        .flat_map(|list| std::env::split_paths(&list).collect::<Vec<_>>())
        .filter(|d| !d.as_os_str().is_empty());
    for dir in dirs {
        let key = fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen_dirs.insert(key) {
            continue;
        }
        // Missing or unreadable directories are common on PATH: skip them.
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<(OsString, PathBuf)> = entries
            .filter_map(Result::ok)
            .map(|e| (e.file_name(), e.path()))
            .filter(|(n, _)| n.as_encoded_bytes().starts_with(PREFIX.as_bytes()))
            .collect();
        names.sort();
        found.dirs.push(dir);
        for (file_name, path) in names {
            consider(&mut found, &file_name, path, builtin_commands, builtin_strategies);
        }
    }
    found
}

/// Classifies one `rolefit-*` file.
fn consider(
    found: &mut Discovery,
    file_name: &std::ffi::OsStr,
    path: PathBuf,
    builtin_commands: &[String],
    builtin_strategies: &[&str],
) {
    let Some(file_name) = file_name.to_str() else {
        found.warnings.push(Warning::BadName {
            path,
            reason: "its name is not UTF-8",
        });
        return;
    };
    let Some(stem) = plugin_stem(file_name) else {
        return;
    };
    let (kind, name) = match stem.strip_prefix(STRATEGY_PREFIX) {
        Some(name) => (Kind::Strategy, name),
        None => (Kind::Subcommand, stem),
    };
    if name.is_empty() {
        return;
    }
    if kind == Kind::Strategy && name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        found.warnings.push(Warning::BadName {
            path,
            reason: "a strategy name must not contain spaces or control characters",
        });
        return;
    }
    let name = name.to_string();
    if !is_executable(&path) {
        // `rolefit-x.md`, `rolefit-strategy-x.d` (cargo's dependency
        // files beside a built plugin), `rolefit-x.rs`: files with an
        // extension that cannot run are no plugins and get no warning.
        if !name.contains('.') {
            found.warnings.push(Warning::NotExecutable { kind, name, path });
        }
        return;
    }
    let builtin = match kind {
        Kind::Subcommand => builtin_commands.contains(&name),
        Kind::Strategy => builtin_strategies.iter().any(|b| b.eq_ignore_ascii_case(&name)),
    };
    if builtin {
        found.warnings.push(Warning::Builtin { kind, name, path });
        return;
    }
    let earlier = match kind {
        Kind::Subcommand => found.subcommand(&name),
        Kind::Strategy => found.strategy(&name),
    };
    if let Some(first) = earlier {
        let by = first.path.clone();
        found.warnings.push(Warning::Shadowed { kind, name, path, by });
        return;
    }
    found.plugins.push(Found { kind, name, path });
}

/// The part of a plugin's file name after `rolefit-` (and, on Windows,
/// without its executable extension).
fn plugin_stem(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_prefix(PREFIX)?;
    #[cfg(windows)]
    {
        let lower = stem.to_ascii_lowercase();
        for ext in [".exe", ".bat", ".cmd", ".com"] {
            if lower.ends_with(ext) {
                return Some(&stem[..stem.len() - ext.len()]);
            }
        }
        None
    }
    #[cfg(not(windows))]
    Some(stem)
}

/// Whether `path` is a regular file (after symbolic links) that may be
/// executed: on Unix, with an execute permission bit set.
fn is_executable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    true
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn file(dir: &Path, name: &str, executable: bool) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, "#!/bin/sh\n").unwrap();
        let mode = if executable { 0o755 } else { 0o644 };
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn first_executable_wins_and_everything_else_is_explained() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let hello_a = file(a.path(), "rolefit-hello", true);
        let hello_b = file(b.path(), "rolefit-hello", true);
        let nox = file(a.path(), "rolefit-nox", false);
        let nox_b = file(b.path(), "rolefit-nox", true);
        let score = file(a.path(), "rolefit-score", true);
        let strat = file(b.path(), "rolefit-strategy-mine", true);
        let builtin_strat = file(b.path(), "rolefit-strategy-Euclidean", true);
        file(a.path(), "other-tool", true);
        file(a.path(), "rolefit-", true);
        file(b.path(), "rolefit-strategy-mine.d", false);

        let plugin_path = std::env::join_paths([a.path()]).unwrap();
        // b twice, and an empty entry: both ignored.
        let path = std::env::join_paths([b.path(), Path::new(""), b.path()]).unwrap();
        let d = discover_in(
            Some(plugin_path),
            Some(path),
            &["score".to_string()],
            &["euclidean"],
        );
        assert_eq!(d.dirs.len(), 2);
        assert_eq!(d.subcommand("hello").unwrap().path, hello_a);
        assert_eq!(
            d.subcommand("nox").unwrap().path,
            nox_b,
            "the first executable one"
        );
        assert!(d.subcommand("score").is_none());
        assert!(
            d.subcommand("strategy-mine").is_none(),
            "strategies are not subcommands"
        );
        assert_eq!(d.strategy("MINE").unwrap().path, strat);
        assert!(d.strategy("euclidean").is_none());
        assert_eq!(
            d.warnings,
            vec![
                Warning::NotExecutable {
                    kind: Kind::Subcommand,
                    name: "nox".into(),
                    path: nox
                },
                Warning::Builtin {
                    kind: Kind::Subcommand,
                    name: "score".into(),
                    path: score
                },
                Warning::Shadowed {
                    kind: Kind::Subcommand,
                    name: "hello".into(),
                    path: hello_b,
                    by: hello_a
                },
                Warning::Builtin {
                    kind: Kind::Strategy,
                    name: "Euclidean".into(),
                    path: builtin_strat
                },
            ]
        );
        assert!(d.why_not(Kind::Subcommand, "score").is_some());
        assert_eq!(d.strategies().count(), 1);
        assert_eq!(d.subcommands().count(), 2);
    }

    #[test]
    fn no_variables_no_plugins() {
        let d = discover_in(None, None, &[], &[]);
        assert!(d.plugins.is_empty() && d.warnings.is_empty() && d.dirs.is_empty());
    }
}
