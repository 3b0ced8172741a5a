//! One module per subcommand, each with its own arguments (a clap `Args`
//! struct) and a `run` taking them. Commands never use each other: what
//! two commands share lives in a module named for what it is (`cohort`,
//! `strategy`, `confidence`, `labels`, `role_overlap`, `privacy`,
//! `render::scores`),
//! which a test checks (`commands_stand_alone`).

pub mod assess;
pub mod audit;
pub mod cluster;
pub mod completions;
pub mod evaluate;
pub mod explain;
pub mod matrix;
pub mod plugins;
pub mod report;
pub mod roles;
pub mod score;
pub mod strategies;
pub mod survey;
pub mod synth;
pub mod train;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The command modules: the `pub mod NAME;` lines of this file.
    fn commands(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join("mod.rs"))
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';'))
            .map(str::to_string)
            .collect()
    }

    /// Every `.rs` file under `dir`, with the command it belongs to (the
    /// first folder or file name under `cmd/`) and how deep it is.
    fn files(dir: &Path, command: Option<&str>, depth: usize, out: &mut Vec<(String, usize, PathBuf)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let owner = command.map_or_else(|| stem.clone(), str::to_string);
            if path.is_dir() {
                files(&path, Some(&owner), depth + 1, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !(depth == 0 && stem == "mod") {
                // A folder's `mod.rs` sits at the folder's own depth.
                let depth = if stem == "mod" { depth - 1 } else { depth };
                out.push((owner, depth, path));
            }
        }
    }

    /// The identifiers that follow `prefix` in `text`.
    fn after<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
        text.match_indices(prefix)
            .filter(|(at, _)| {
                // A whole path segment (not `xcmd::`), and the whole of a
                // run of `super::` (not the tail of a longer one).
                let before = &text[..*at];
                let segment_tail = before.ends_with(|c: char| c.is_alphanumeric() || c == '_');
                let longer_run = prefix.starts_with("super::") && before.ends_with("super::");
                !segment_tail && !longer_run
            })
            .map(|(at, _)| {
                let rest = &text[at + prefix.len()..];
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    /// Which other commands a file under `cmd/` names: through `cmd::NAME`
    /// (however it is reached) or through `super::` back up to `cmd/`.
    fn named_commands(owner: &str, depth: usize, text: &str, commands: &[String]) -> Vec<String> {
        let up = "super::".repeat(depth + 1);
        let mut named: Vec<&str> = after(text, "cmd::");
        named.extend(after(text, &up));
        // `use crate::cmd::{a, b}` and `use super::{a, b}` name several.
        for prefix in ["cmd::{", up.as_str()] {
            let prefix = if prefix.ends_with('{') {
                prefix.to_string()
            } else {
                format!("{prefix}{{")
            };
            for (at, _) in text.match_indices(&prefix) {
                let rest = &text[at + prefix.len()..];
                let group = &rest[..rest.find('}').unwrap_or(rest.len())];
                named.extend(
                    group
                        .split(',')
                        .map(|s| s.trim().split("::").next().unwrap_or("")),
                );
            }
        }
        let mut out: Vec<String> = named
            .into_iter()
            .filter(|n| *n != owner && commands.iter().any(|c| c == n))
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn commands_stand_alone() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/cli/cmd");
        let commands = commands(&dir);
        assert!(commands.len() > 10, "{commands:?}");
        let mut found = Vec::new();
        files(&dir, None, 0, &mut found);
        assert!(found.len() >= commands.len());
        let mut offenders = Vec::new();
        for (owner, depth, path) in &found {
            let text = std::fs::read_to_string(path).unwrap();
            let named = named_commands(owner, *depth, &text, &commands);
            if !named.is_empty() {
                offenders.push(format!("{} uses {}", path.display(), named.join(", ")));
            }
        }
        assert!(
            offenders.is_empty(),
            "commands must not use each other; move what they share into a module of \
             its own outside cmd/:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn the_check_sees_every_way_of_naming_a_command() {
        let commands: Vec<String> = ["score", "train", "matrix"].map(String::from).to_vec();
        let named = |owner, depth, text| named_commands(owner, depth, text, &commands);
        assert_eq!(named("score", 0, "use crate::cmd::train::load_model;"), ["train"]);
        assert_eq!(named("score", 0, "crate::cmd::train::x()"), ["train"]);
        assert_eq!(named("score", 0, "use super::train;"), ["train"]);
        assert_eq!(named("score", 1, "use super::super::train::Labels;"), ["train"]);
        assert_eq!(
            named("score", 0, "use crate::cmd::{matrix, train};"),
            ["matrix", "train"]
        );
        assert_eq!(named("matrix", 1, "use super::check;"), Vec::<String>::new());
        assert_eq!(
            named("score", 0, "use super::score::x; use crate::strategy;"),
            Vec::<String>::new()
        );
        assert_eq!(
            named("score", 0, "use crate::render::scores::Renderer;"),
            Vec::<String>::new()
        );
    }
}
