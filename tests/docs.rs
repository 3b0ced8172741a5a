//! The documentation's shell examples, run: every `console` block of
//! README.md and docs/*.md is executed against the built `rolefit` and its
//! output compared with the text the block shows (trycmd).
//!
//! A block is a list of `$ rolefit ...` lines, each followed by what the
//! command prints (standard output, then standard error) and, for a
//! command that fails, `? 2` (its exit code) right after the command.
//! `[..]` in a line matches any text (times, sizes), a line `...` any lines.
//! Blocks marked `text`, `sh` or anything but `console` are not run here
//! (scripts/docs-check.sh says which script runs the rest).
//!
//! The commands run in a scratch folder that holds links to the
//! repository's `datasets`, `tests` and `examples`, so the paths the docs
//! use resolve and the files a command writes (`-o report.html`) never
//! land in the repository. Tables are fitted to `COLUMNS=100`.
//!
//! When a message or a table changes on purpose, write the new output into
//! the docs with `TRYCMD=overwrite cargo test --test docs`, then read the
//! diff before committing it.

use std::path::{Path, PathBuf};

/// The Markdown files whose `console` blocks run (docs/reliability.md is
/// the lead's and has none).
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ is readable")
        .map(|entry| entry.expect("a docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// A scratch folder with links to the inputs the docs name.
fn scratch(root: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch folder");
    for name in ["datasets", "tests", "examples"] {
        std::os::unix::fs::symlink(root.join(name), dir.path().join(name))
            .expect("a link in the scratch folder");
    }
    dir
}

#[test]
fn console_blocks_of_the_docs_run_as_shown() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch(&root);
    // trycmd runs each command in the test's working folder; this test is
    // the only one in its binary, so changing it affects nothing else.
    std::env::set_current_dir(dir.path()).expect("enter the scratch folder");
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("rolefit", PathBuf::from(env!("CARGO_BIN_EXE_rolefit")))
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env("ROLEFIT_PLUGIN_PATH", "")
        .env("LC_ALL", "C");
    for file in documents(&root) {
        cases.case(file);
    }
    cases.run();
}

/// A `rolefit` command of an `sh` block that the docs tests do not run,
/// and why; every other one runs.
struct NotRun {
    /// The Markdown file.
    file: &'static str,
    /// The start of the command line.
    command: &'static str,
    /// Why not, and what runs it instead.
    why: &'static str,
}

/// The commands of `sh` blocks left out of [`sh_block_commands_succeed`]
/// (an empty `command` leaves out every one of the file).
const NOT_RUN: &[NotRun] = &[
    NotRun {
        file: "README.md",
        command: "rolefit synth responses --matrix m.csv --rows 1000000",
        why: "a million rows: docs/performance.md's figures, measured in release builds",
    },
    NotRun {
        file: "README.md",
        command: "rolefit score big.csv",
        why: "a million rows: docs/performance.md's figures, measured in release builds",
    },
    NotRun {
        file: "README.md",
        command: "rolefit assess --save me.csv",
        why: "asks on a terminal: tests/integration/assess.rs drives it through a pseudo-terminal",
    },
    NotRun {
        file: "README.md",
        command: "rolefit score rolefit-answers-ana.csv",
        why: "the file the page downloads: tests/integration/pages.rs runs the coach's three commands",
    },
    NotRun {
        file: "README.md",
        command: "rolefit explain rolefit-answers-ana.csv",
        why: "the file the page downloads: tests/integration/pages.rs runs the coach's three commands",
    },
    NotRun {
        file: "docs/person.md",
        command: "rolefit score rolefit-answers-ana.csv",
        why: "the file the page downloads: tests/integration/pages.rs runs these lines",
    },
    NotRun {
        file: "docs/person.md",
        command: "rolefit explain rolefit-answers-ana.csv",
        why: "the file the page downloads: tests/integration/pages.rs runs these lines",
    },
    NotRun {
        file: "docs/evaluation.md",
        command: "",
        why: "2,000 rows through every strategy and the search: minutes in a debug build; tests/integration/evaluate.rs runs the same commands on small files",
    },
    NotRun {
        file: "docs/strategies.md",
        command: "",
        why: "the recipe of the recorded comparison (2,000 rows per run, every strategy): minutes in a debug build; tests/integration/evaluate.rs runs evaluate",
    },
    NotRun {
        file: "docs/performance.md",
        command: "",
        why: "benchmark recipes (a million rows, release builds): `just bench` and benches/",
    },
    NotRun {
        file: "docs/formats.md",
        command: "rolefit score responses.parquet",
        why: "names your own file (a placeholder); tests/integration/parquet.rs writes and reads Parquet",
    },
    NotRun {
        file: "docs/formats.md",
        command: "rolefit score \"My ",
        why: "names your own export (a placeholder); tests/integration/real_exports.rs reads each tool's real files",
    },
    NotRun {
        file: "docs/formats.md",
        command: "rolefit score \"CSV/My ",
        why: "names your own export (a placeholder); tests/integration/real_exports.rs reads each tool's real files",
    },
    NotRun {
        file: "docs/formats.md",
        command: "rolefit score responses.csv --survey survey.csv",
        why: "names your own export (a placeholder); tests/integration/real_exports.rs reads each tool's real files",
    },
    NotRun {
        file: "docs/formats.md",
        command: "rolefit score team.csv --labels-map scales.csv",
        why: "the files of the section's example: tests/integration/formats.rs reads them",
    },
    NotRun {
        file: "docs/plugins.md",
        command: "rolefit plugins check NAME",
        why: "NAME is a placeholder: tests/integration/plugins.rs checks the example plugins",
    },
    NotRun {
        file: "docs/plugins.md",
        command: "rolefit score datasets/sample-responses.csv --strategy rseuclid",
        why: "needs the example plugin built and on PATH: tests/integration/plugins.rs runs it",
    },
    NotRun {
        file: "docs/plugins.md",
        command: "ROLEFIT_PLUGIN_PATH=examples rolefit score",
        why: "needs python3: tests/integration/plugins.rs runs it when python3 is there",
    },
];

/// The `sh` blocks of `text`: their lines, continuations joined.
fn sh_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim_start_matches('`').trim() == "sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        match line.trim_end().strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(line);
                out.push(std::mem::take(&mut pending).trim().to_string());
            }
        }
    }
    out
}

/// Every `rolefit` command of the `sh` blocks of README.md and docs/*.md
/// runs and succeeds, in the order written (a later one may read what an
/// earlier one wrote), in one scratch folder; the other commands of those
/// blocks (python, pip, cargo, the shard script) are run by `.ci/run`'s
/// scripts, and [`NOT_RUN`] says where the ones left out are tested.
#[test]
fn sh_block_commands_succeed() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    let mut exempted = vec![false; NOT_RUN.len()];
    let mut failed = Vec::new();
    // One folder for every file, README first: the docs' later examples
    // read what its Synthetic data section writes (m.csv, responses.csv).
    let dir = scratch(&root);
    for file in documents(&root) {
        let name = file
            .strip_prefix(&root)
            .expect("under the root")
            .display()
            .to_string();
        let text = std::fs::read_to_string(&file).expect("a readable doc");
        for line in sh_commands(&text) {
            let words = shlex::split(&line).unwrap_or_else(|| panic!("{name}: cannot split `{line}`"));
            // A comment or a redirection ends the command (its output is
            // not kept).
            let words: Vec<String> = words
                .into_iter()
                .take_while(|w| !w.starts_with('#') && !matches!(w.as_str(), ">" | "|" | ";"))
                .collect();
            let env: Vec<(&str, &str)> = words.iter().map_while(|w| w.split_once('=')).collect();
            let Some((program, args)) = words[env.len()..].split_first() else {
                continue;
            };
            if program != "rolefit" {
                continue;
            }
            if let Some(n) = NOT_RUN
                .iter()
                .position(|n| n.file == name && line.starts_with(n.command))
            {
                eprintln!("not run: {name}: `{line}`: {}", NOT_RUN[n].why);
                exempted[n] = true;
                continue;
            }
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_rolefit"))
                .args(args)
                .envs(env.iter().copied())
                .current_dir(dir.path())
                .stdin(std::process::Stdio::null())
                .output()
                .expect("rolefit runs");
            if !output.status.success() {
                failed.push(format!(
                    "{name}: `{line}` failed ({}):\n{}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            ran += 1;
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {ran} commands failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert!(ran > 20, "only {ran} commands of sh blocks ran");
    for (n, used) in NOT_RUN.iter().zip(exempted) {
        assert!(
            used,
            "{}: no command starts with `{}` any more: drop it from NOT_RUN",
            n.file, n.command
        );
    }
}
