//! `rolefit completions SHELL` and `rolefit man`: both generated from the
//! argument definitions, so they can never disagree with `--help`.

use std::io::Write;

use anyhow::Result;
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell as Target;

use crate::args::Cli;
use crate::io::Output;

/// `rolefit completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Shells for completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// Runs `rolefit completions`: the completion script on standard output.
pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let target = match args.shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Powershell => Target::PowerShell,
    };
    let mut out = Output::create(None)?;
    let mut cli = Cli::command();
    clap_complete::generate(target, &mut cli, "rolefit", &mut out);
    out.finish()
}

/// Runs `rolefit man`: the manual page, as roff, on standard output
/// (`rolefit man > rolefit.1`, or `rolefit man | man -l -`).
pub fn man() -> Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    let mut page = String::from_utf8_lossy(&page).into_owned();
    // Plugins, environment and exit status go before the version section.
    let at = page.find("\n.SH VERSION").map_or(page.len(), |i| i + 1);
    page.insert_str(at, EXTRA_SECTIONS);
    let mut out = Output::create(None)?;
    out.write_all(page.as_bytes())?;
    out.finish()
}

/// What the argument definitions do not say: plugins, the environment,
/// exit codes. Plain roff.
const EXTRA_SECTIONS: &str = r#".SH PLUGINS
\fBrolefit\fR \fINAME\fR [\fIARGS\fR...], when \fINAME\fR is not a built\-in command,
runs the first executable \fBrolefit\-\fR\fINAME\fR found in \fBROLEFIT_PLUGIN_PATH\fR
and then \fBPATH\fR, with \fIARGS\fR, and exits with its exit code.
An executable \fBrolefit\-strategy\-\fR\fINAME\fR is the scoring strategy \fINAME\fR
(\fB\-\-strategy\fR \fINAME\fR); it speaks a JSON Lines protocol on its standard
input and output. Built\-in commands and strategies always win.
\fBrolefit plugins\fR lists the plugins found; \fBrolefit plugins check\fR \fINAME\fR
tests a strategy plugin. See docs/plugins.md.
.SH ENVIRONMENT
.TP
\fBROLEFIT_PLUGIN_PATH\fR
Directories searched for plugins before \fBPATH\fR, separated like \fBPATH\fR.
.TP
\fBROLEFIT\fR, \fBROLEFIT_VERSION\fR
Set for plugins: the path and the version of the rolefit that runs them.
.SH "EXIT STATUS"
.TP
\fB0\fR
Success; also when the reader of the output went away.
.TP
\fB1\fR
An internal failure, or a strategy plugin that failed or misbehaved.
.TP
\fB2\fR
Bad input or usage: unreadable or malformed files, unknown names, bad arguments.
.PP
An external subcommand exits with its plugin's exit code.
"#;
