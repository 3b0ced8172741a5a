//! `rolefit plugins`, `rolefit plugins check NAME`, and external
//! subcommands (`rolefit NAME ARGS...` running `rolefit-NAME ARGS...`).
//!
//! All three use one resolver ([`external::search`]), so what the list
//! shows is what runs. External subcommands follow cargo, git and kubectl:
//! built-in commands always win (clap routes them before we get here), the
//! plugin gets the remaining arguments, the inherited environment plus
//! `ROLEFIT` (this binary) and `ROLEFIT_VERSION`, and its exit status is
//! passed through: on Unix rolefit execs the plugin, elsewhere it waits
//! and exits with the plugin's code (128 + N for signal N, as shells do).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::Result;
use clap::{Args, Subcommand};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::CompiledMatrix;
use serde_json::json;

use crate::args::{Emit, ListFormat, PluginTimeout};
use crate::error::bad_input;
use crate::external::{self, printable, seconds, Discovery, Found, Kind, Session};
use crate::io::Output;
use crate::render::{closest, table};
use crate::settings::Settings;

/// `rolefit plugins`
#[derive(Debug, Args)]
pub struct PluginsArgs {
    #[command(subcommand)]
    pub command: Option<PluginsCommand>,
    // The list's format and file (not `check`'s report).
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
}

/// `rolefit plugins ...`
#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Run a strategy plugin's handshake and a test batch, and report whether it conforms.
    Check(PluginCheckArgs),
}

/// `rolefit plugins check`
#[derive(Debug, Args)]
pub struct PluginCheckArgs {
    /// The strategy's name (the plugin is `rolefit-strategy-NAME`).
    #[arg(value_name = "NAME")]
    pub name: String,
    #[command(flatten)]
    pub plugin: PluginTimeout,
}

/// Runs `rolefit plugins` (the list) or `rolefit plugins check NAME`.
pub fn run(args: &PluginsArgs, settings: &Settings) -> Result<()> {
    match &args.command {
        None => list(&args.emit, settings),
        Some(PluginsCommand::Check(a)) => check(a),
    }
}

/// Lists the plugins that run (as a table, or JSON or CSV with `kind`,
/// `name` and `path`), then warns (on standard error) about the ones that
/// do not.
fn list(emit: &Emit<ListFormat>, settings: &Settings) -> Result<()> {
    let format = emit.chosen("plugins")?;
    let found = external::search();
    let mut plugins: Vec<_> = found.plugins.iter().collect();
    plugins.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
    let fields = |p: &Found| [p.kind.to_string(), p.name.clone(), p.path.display().to_string()];
    let none_found = format!(
        "no plugins found in ROLEFIT_PLUGIN_PATH or PATH ({} directories searched); \
         a plugin is an executable rolefit-NAME (a subcommand) or rolefit-strategy-NAME (a strategy)",
        found.dirs.len()
    );
    let mut out = Output::create(emit.output())?;
    match format {
        ListFormat::Table if plugins.is_empty() => writeln!(out, "{none_found}")?,
        ListFormat::Table => {
            let mut t = table(["Kind", "Name", "Use as", "Path"]);
            for p in &plugins {
                let [kind, name, path] = fields(p);
                // How to use it: for people, so only in the table.
                let use_as = match p.kind {
                    Kind::Subcommand => format!("rolefit {name}"),
                    Kind::Strategy => format!("--strategy {name}"),
                };
                t.add_row(vec![kind, name, use_as, path]);
            }
            writeln!(out, "{t}")?;
        }
        ListFormat::Json => {
            let list: Vec<serde_json::Map<String, serde_json::Value>> = plugins
                .iter()
                .map(|p| {
                    LIST_COLUMNS
                        .iter()
                        .zip(fields(p))
                        .map(|(k, v)| (k.to_string(), json!(v)))
                        .collect()
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(LIST_COLUMNS)?;
            for p in &plugins {
                // File names are the user's.
                crate::render::write_safe(&mut w, fields(p), settings.sanitize)?;
            }
            w.flush()?;
        }
    }
    out.finish()?;
    if plugins.is_empty() && format != ListFormat::Table && !settings.quiet {
        eprintln!("note: {none_found}");
    }
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// The columns of the plugin list in CSV (and the keys in JSON).
const LIST_COLUMNS: [&str; 3] = ["kind", "name", "path"];

/// Runs a strategy plugin through the whole protocol on the built-in
/// matrix and reports each step; fails (exit 1) at the first problem.
fn check(args: &PluginCheckArgs) -> Result<()> {
    let timeout = args.plugin.duration();
    let (name, path) = resolve_strategy(&args.name)?;
    let matrix = rolefit_import::builtin::matrix();
    let compiled = CompiledMatrix::new(&matrix);
    let batch = test_batch(&matrix);
    let mut out = Output::create(None)?;
    writeln!(out, "checking the strategy plugin {} ({name})", path.display())?;
    out.flush()?;

    let step = |out: &mut Output, what: String| -> Result<()> {
        writeln!(out, "  ok  {what}")?;
        out.flush()?;
        Ok(())
    };
    let started = Instant::now();
    let mut session = attempt(&mut out, "hello", Session::start(&path, timeout))?;
    let hello = session.hello().clone();
    step(
        &mut out,
        format!(
            "hello in {}: protocol {}, name {:?}, description {:?}",
            elapsed(started),
            hello.protocol,
            printable(&hello.name, 80),
            printable(&hello.description, 200)
        ),
    )?;
    if !hello.name.eq_ignore_ascii_case(&name) {
        writeln!(
            out,
            "  note: the plugin calls itself {:?}; rolefit knows it as {name:?}, from its file name",
            printable(&hello.name, 80)
        )?;
    }
    let started = Instant::now();
    attempt(&mut out, "matrix", session.send_matrix(&compiled))?;
    step(
        &mut out,
        format!(
            "matrix ({} roles x {} capabilities, the built-in one): ready in {}",
            compiled.n_roles(),
            compiled.n_capabilities(),
            elapsed(started)
        ),
    )?;
    let shape = (batch.len(), compiled.n_roles());
    let mut first = ndarray::Array2::zeros(shape);
    let started = Instant::now();
    attempt(&mut out, "score", session.score(&batch, &mut first))?;
    step(
        &mut out,
        format!(
            "score: {} profiles (role levels, extremes, blanks, nothing answered), {} finite scores each, in {}",
            batch.len(),
            shape.1,
            elapsed(started)
        ),
    )?;
    let mut second = ndarray::Array2::zeros(shape);
    attempt(&mut out, "score (again)", session.score(&batch, &mut second))?;
    if first == second {
        step(&mut out, "the same batch again gives the same scores".into())?;
    } else {
        writeln!(
            out,
            "  note: the same batch gave different scores the second time; strategies should be deterministic"
        )?;
    }
    let log = session.stderr();
    attempt(&mut out, "bye", session.finish())?;
    step(&mut out, "bye: exited with status 0".into())?;
    if !log.is_empty() {
        writeln!(out, "its standard error:")?;
        for line in &log {
            writeln!(out, "  | {line}")?;
        }
    }
    writeln!(
        out,
        "{} conforms to protocol version {}",
        path.display(),
        rolefit_plugin::PROTOCOL_VERSION
    )?;
    out.finish()
}

/// `result`, after marking its step as failed on `out` if it is an error.
fn attempt<T, E>(out: &mut Output, step: &str, result: Result<T, E>) -> Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(v) => Ok(v),
        Err(e) => {
            writeln!(out, "  FAIL {step} (see the error below)")?;
            out.flush()?;
            Err(e.into())
        }
    }
}

/// The plugin `check` means: a path (anything with a `/`), or the strategy
/// `NAME` found on the search path.
fn resolve_strategy(name: &str) -> Result<(String, PathBuf)> {
    if name.contains(std::path::MAIN_SEPARATOR) || name.contains('/') {
        let path = Path::new(name);
        if !path.is_file() {
            return Err(bad_input(format!("{name}: no such file")));
        }
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or(name);
        let strategy = file
            .strip_prefix(external::PREFIX)
            .and_then(|s| s.strip_prefix(external::STRATEGY_PREFIX))
            .unwrap_or(file);
        return Ok((strategy.to_string(), path.to_path_buf()));
    }
    let found = external::search();
    if let Some(p) = found.strategy(name) {
        return Ok((p.name.clone(), p.path.clone()));
    }
    let mut message = format!(
        "no strategy plugin {name:?}: no executable {}{}{name} in ROLEFIT_PLUGIN_PATH or PATH",
        external::PREFIX,
        external::STRATEGY_PREFIX
    );
    if let Some(w) = found.why_not(Kind::Strategy, name) {
        message.push_str(&format!("\n  note: {w}"));
    } else if found.subcommand(name).is_some() {
        message.push_str(&format!(
            "\n  note: {}{name} is a subcommand plugin; `check` tests strategy plugins",
            external::PREFIX
        ));
    } else if let Some(s) = closest(name, found.strategies().map(|p| p.name.as_str())) {
        message.push_str(&format!(" (did you mean {s:?}?)"));
    }
    message.push_str("; `rolefit plugins` lists the plugins found");
    Err(bad_input(message))
}

/// A batch that exercises a strategy: each role's own levels, the scale's
/// bottom and top everywhere, a profile with every other answer blank, and
/// one with nothing answered.
fn test_batch(matrix: &RoleMatrix) -> ProfileBatch {
    let c = matrix.capabilities().len();
    let scale = matrix.scale();
    let mut batch = ProfileBatch::new(c);
    for role in matrix.roles() {
        let values: Vec<Option<f64>> = role.requirements.iter().map(|r| Some(r.level)).collect();
        batch.push(&role.id, &values);
    }
    batch.push("bottom", &vec![Some(scale.min()); c]);
    batch.push("top", &vec![Some(scale.max()); c]);
    let mid = 0.5 * (scale.min() + scale.max());
    let sparse: Vec<Option<f64>> = (0..c).map(|i| (i % 2 == 0).then_some(mid)).collect();
    batch.push("blanks", &sparse);
    batch.push("nothing", &vec![None; c]);
    batch
}

fn elapsed(since: Instant) -> String {
    let ms = since.elapsed().as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        seconds(since.elapsed())
    }
}

/// Runs an external subcommand: `args[0]` is the name, the rest its
/// arguments. Returns the plugin's exit code.
///
/// # Errors
/// No such plugin (exit 2, with a suggestion), or the plugin could not be
/// started (exit 1).
pub fn external(args: &[OsString]) -> Result<ExitCode> {
    let Some(name) = args.first() else {
        return Err(bad_input("no command given; see `rolefit --help`"));
    };
    let found = external::search();
    let plugin = name.to_str().and_then(|n| found.subcommand(n));
    let Some(plugin) = plugin else {
        return Err(no_such_command(&name.to_string_lossy(), &found));
    };
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("rolefit"));
    let mut command = Command::new(&plugin.path);
    command
        .args(&args[1..])
        .env("ROLEFIT", exe)
        .env("ROLEFIT_VERSION", env!("CARGO_PKG_VERSION"));
    run_plugin(command, &plugin.path)
}

/// On Unix, rolefit becomes the plugin (exec, as cargo and kubectl do): the
/// plugin then gets the terminal's signals alone, so an interrupt is its to
/// handle (rolefit's own handler, which exits at once, is gone), and its
/// exit status is the process's own (a shell reports signal N as 128 + N).
#[cfg(unix)]
fn run_plugin(mut command: Command, path: &Path) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    // exec returns only if it failed.
    let e = command.exec();
    Err(anyhow::Error::new(e).context(format!("cannot run the plugin {}", path.display())))
}

/// Elsewhere rolefit waits for the plugin and exits with its code.
#[cfg(not(unix))]
fn run_plugin(mut command: Command, path: &Path) -> Result<ExitCode> {
    use anyhow::Context as _;
    let status = command
        .status()
        .with_context(|| format!("cannot run the plugin {}", path.display()))?;
    Ok(ExitCode::from(exit_code(status)))
}

/// The code rolefit exits with for a plugin's status when it waits for it:
/// its own code, or 128 + N when signal N killed it.
#[cfg(any(not(unix), test))]
fn exit_code(status: std::process::ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        // Unix codes are 0..=255; elsewhere, anything else is a failure.
        return u8::try_from(code).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(1);
        }
    }
    1
}

/// "no such command", with the closest built-in or plugin, why a file of
/// that name does not run if there is one, and where to look.
fn no_such_command(name: &str, found: &Discovery) -> anyhow::Error {
    let mut message = format!("no such command: `{}`", printable(name, 80));
    if let Some(w) = found.why_not(Kind::Subcommand, name) {
        message.push_str(&format!("\n  note: {w}"));
    } else if let Some(strategy) = name
        .strip_prefix(external::STRATEGY_PREFIX)
        .and_then(|s| found.strategy(s))
    {
        message.push_str(&format!(
            "\n  note: {} is a strategy plugin: use it with `rolefit score --strategy {}`",
            strategy.path.display(),
            strategy.name
        ));
    } else {
        let builtins = visible_commands();
        let candidates = builtins
            .iter()
            .map(String::as_str)
            .chain(found.subcommands().map(|p| p.name.as_str()));
        if let Some(s) = closest(name, candidates) {
            message.push_str(&format!("\n  did you mean `{s}`?"));
        }
    }
    message.push_str(
        "\n  `rolefit --help` lists the commands, `rolefit plugins` the plugins found \
         (executables rolefit-NAME on ROLEFIT_PLUGIN_PATH or PATH)",
    );
    bad_input(message)
}

/// The built-in commands people see in `--help`.
fn visible_commands() -> Vec<String> {
    use clap::CommandFactory;
    crate::args::Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_batch_covers_roles_extremes_and_blanks() {
        let m = rolefit_import::builtin::matrix();
        let b = test_batch(&m);
        assert_eq!(b.len(), m.roles().len() + 4);
        assert_eq!(b.answered_count(b.len() - 1), 0);
        CompiledMatrix::new(&m).check(&b).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn signals_become_128_plus_n() {
        use std::os::unix::process::ExitStatusExt;
        use std::process::ExitStatus;
        assert_eq!(exit_code(ExitStatus::from_raw(15)), 143);
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
    }
}
