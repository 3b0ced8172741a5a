//! What an output file's name says about its format, the same in every
//! command.
//!
//! `-o FILE` writes the format that FILE's extension names (`.csv`,
//! `.json`, `.ndjson`/`.jsonl`, `.md`, `.txt` for a table) when the command
//! offers it; `--format` overrides the extension; a file with no extension
//! gets the command's default. An extension that names a format the
//! command cannot write (`scores.xlsx`, `cluster -o c.tsv`) is refused
//! before anything is read, with the formats it can write, rather than
//! writing a table into a file that a spreadsheet would then fail to open.
//! Outputs of one fixed format (`--plot` SVG, `report` HTML, `train`'s JSON
//! model, CSV from `synth`, `--rejects` and `--save`) refuse another
//! extension the same way.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;

use crate::args::{Command, ListFormat};
use crate::cmd::audit::AuditFormat;
use crate::cmd::evaluate::EvaluateFormat;
use crate::cmd::explain::ExplainFormat;
use crate::cmd::matrix::MatrixCommand;
use crate::cmd::survey::SurveyFormat;
use crate::cmd::synth::SynthCommand;
use crate::error::bad_input;
use crate::render::scores::ScoreFormat;

/// A format `--format` can name and `-o`'s extension can imply.
pub trait OutputFormat: Copy + 'static {
    /// Extensions (lower case, without the dot) and the format each names.
    const EXTENSIONS: &'static [(&'static str, Self)];
    /// The format with neither `--format` nor an extension.
    const DEFAULT: Self;
    /// How `--format` names the default (for the refusal's hint).
    const DEFAULT_NAME: &'static str;
}

impl OutputFormat for ScoreFormat {
    const EXTENSIONS: &'static [(&'static str, Self)] = &[
        ("csv", ScoreFormat::Csv),
        ("json", ScoreFormat::Json),
        ("ndjson", ScoreFormat::Ndjson),
        ("jsonl", ScoreFormat::Ndjson),
        ("txt", ScoreFormat::Table),
        ("parquet", ScoreFormat::Parquet),
    ];
    const DEFAULT: Self = ScoreFormat::Table;
    const DEFAULT_NAME: &'static str = "table";
}

impl OutputFormat for ListFormat {
    const EXTENSIONS: &'static [(&'static str, Self)] = &[
        ("csv", ListFormat::Csv),
        ("json", ListFormat::Json),
        ("txt", ListFormat::Table),
    ];
    const DEFAULT: Self = ListFormat::Table;
    const DEFAULT_NAME: &'static str = "table";
}

impl OutputFormat for ExplainFormat {
    const EXTENSIONS: &'static [(&'static str, Self)] = &[
        ("csv", ExplainFormat::Csv),
        ("json", ExplainFormat::Json),
        ("txt", ExplainFormat::Table),
        ("html", ExplainFormat::Html),
        ("htm", ExplainFormat::Html),
    ];
    const DEFAULT: Self = ExplainFormat::Table;
    const DEFAULT_NAME: &'static str = "table";
}

impl OutputFormat for SurveyFormat {
    const EXTENSIONS: &'static [(&'static str, Self)] = &[
        ("csv", SurveyFormat::Csv),
        ("json", SurveyFormat::Json),
        ("txt", SurveyFormat::Table),
        ("html", SurveyFormat::Html),
        ("htm", SurveyFormat::Html),
    ];
    const DEFAULT: Self = SurveyFormat::Table;
    const DEFAULT_NAME: &'static str = "table";
}

impl OutputFormat for EvaluateFormat {
    const EXTENSIONS: &'static [(&'static str, Self)] = &[
        ("csv", EvaluateFormat::Csv),
        ("json", EvaluateFormat::Json),
        ("md", EvaluateFormat::Markdown),
        ("markdown", EvaluateFormat::Markdown),
        ("txt", EvaluateFormat::Table),
    ];
    const DEFAULT: Self = EvaluateFormat::Table;
    const DEFAULT_NAME: &'static str = "table";
}

impl OutputFormat for AuditFormat {
    const EXTENSIONS: &'static [(&'static str, Self)] = &[
        ("csv", AuditFormat::Csv),
        ("json", AuditFormat::Json),
        ("txt", AuditFormat::Table),
        ("html", AuditFormat::Html),
        ("htm", AuditFormat::Html),
    ];
    const DEFAULT: Self = AuditFormat::Table;
    const DEFAULT_NAME: &'static str = "table";
}

/// The lower-case extension of `path`, if it has one.
fn extension(path: &Path) -> Option<String> {
    Some(path.extension()?.to_string_lossy().to_ascii_lowercase())
}

/// "`.a`, `.b` or `.c`".
fn listed(extensions: &[&str]) -> String {
    let dotted: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
    match dotted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => dotted.join(""),
    }
}

/// The format of `command`'s output to `output`: `given` (`--format`),
/// else the one the extension names, else the default.
///
/// # Errors
/// Without `--format`, an extension that names no format the command
/// writes.
pub fn choose<F: OutputFormat>(command: &str, given: Option<F>, output: Option<&Path>) -> Result<F> {
    if let Some(format) = given {
        return Ok(format);
    }
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        return Ok(F::DEFAULT);
    };
    let Some(ext) = extension(path) else {
        return Ok(F::DEFAULT);
    };
    if let Some((_, format)) = F::EXTENSIONS.iter().find(|(e, _)| *e == ext) {
        return Ok(*format);
    }
    let known: Vec<&str> = F::EXTENSIONS.iter().map(|(e, _)| *e).collect();
    Err(bad_input(format!(
        "-o {}: rolefit {command} cannot write .{ext} files; it writes {} (or pass --format, for \
         example --format {}, to write that format under any name)",
        path.display(),
        listed(&known),
        F::DEFAULT_NAME,
    )))
}

/// Refuses an output of one fixed format whose extension names another.
///
/// # Errors
/// An extension other than `extensions` (a name with none is accepted).
pub fn fixed(flag: &str, output: Option<&Path>, what: &str, extensions: &[&str]) -> Result<()> {
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        return Ok(());
    };
    match extension(path) {
        Some(ext) if !extensions.contains(&ext.as_str()) => Err(bad_input(format!(
            "{flag} {}: this output is {what}, not .{ext}; name the file {}",
            path.display(),
            listed(extensions)
        ))),
        _ => Ok(()),
    }
}

/// Checks every output's name against what the command writes there,
/// before anything is read.
///
/// # Errors
/// The first output whose extension the command cannot write.
pub fn check(command: &Command) -> Result<()> {
    const CSV: &[&str] = &["csv"];
    let rejects = |r: &crate::args::ResponsesSource| fixed("--rejects", r.rejects.as_deref(), "CSV", CSV);
    let plot = |p: Option<&Path>| fixed("--plot", p, "an SVG picture", &["svg"]);
    match command {
        Command::Score(a) => {
            let to_stdout = a.emit.output().is_none_or(|p| p == Path::new("-"));
            if a.output_format()? == ScoreFormat::Parquet && to_stdout && std::io::stdout().is_terminal() {
                return Err(bad_input(
                    "--format parquet writes a binary file, not text for a terminal: name it with -o FILE.parquet",
                ));
            }
            rejects(&a.inputs.responses)?;
            plot(a.plot.as_deref())
        }
        Command::Explain(a) => {
            a.format()?;
            rejects(&a.inputs.responses)
        }
        Command::Cluster(a) => {
            a.emit.chosen("cluster")?;
            rejects(&a.inputs.responses)?;
            plot(a.plot.as_deref())
        }
        Command::Evaluate(a) => {
            a.emit.chosen("evaluate")?;
            rejects(&a.inputs.responses)
        }
        Command::Train(a) => {
            fixed("-o", a.to.output.as_deref(), "a JSON model", &["json"])?;
            rejects(&a.inputs.responses)
        }
        Command::Report(a) => {
            fixed("-o", Some(&a.output), "an HTML page", &["html", "htm"])?;
            rejects(&a.inputs.responses)
        }
        Command::Audit(a) => {
            a.emit.chosen("audit")?;
            rejects(&a.inputs.responses)
        }
        Command::Matrix(MatrixCommand::Overlap(a)) => {
            a.emit.chosen("matrix overlap")?;
            plot(a.plot.as_deref())
        }
        Command::Matrix(MatrixCommand::Check(a)) => a.emit.chosen("matrix check").map(drop),
        Command::Plugins(a) => a.emit.chosen("plugins").map(drop),
        Command::Roles(a) => a.emit.chosen("roles").map(drop),
        Command::Survey(a) => a.emit.chosen("survey").map(drop),
        Command::Strategies(a) => a.emit.chosen("strategies").map(drop),
        Command::Synth(SynthCommand::Matrix(a)) => fixed("-o", a.to.output.as_deref(), "CSV", CSV),
        Command::Synth(SynthCommand::Responses(a)) => {
            fixed("-o", a.to.output.as_deref(), "CSV", CSV)?;
            fixed("--labels", a.labels.as_deref(), "CSV", CSV)?;
            fixed("--groups", a.planted.groups.as_deref(), "CSV", CSV)
        }
        Command::Assess(a) => fixed("--save", a.save.as_deref(), "CSV", CSV),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Cli;
    use clap::Parser;

    fn check_args(argv: &[&str]) -> Result<()> {
        check(&Cli::try_parse_from(argv).unwrap().command)
    }

    #[test]
    fn the_extension_chooses_the_format_and_format_overrides_it() {
        let p = |s: &'static str| Some(Path::new(s));
        assert_eq!(
            choose::<ListFormat>("x", None, p("a.CSV")).unwrap(),
            ListFormat::Csv
        );
        assert_eq!(
            choose::<ListFormat>("x", None, p("a.json")).unwrap(),
            ListFormat::Json
        );
        assert_eq!(
            choose::<ListFormat>("x", None, p("a")).unwrap(),
            ListFormat::Table
        );
        assert_eq!(choose::<ListFormat>("x", None, None).unwrap(), ListFormat::Table);
        assert_eq!(
            choose("x", Some(ListFormat::Json), p("a.xlsx")).unwrap(),
            ListFormat::Json
        );
        assert_eq!(
            choose::<EvaluateFormat>("x", None, p("e.md")).unwrap(),
            EvaluateFormat::Markdown
        );
        assert_eq!(
            choose::<ScoreFormat>("x", None, p("s.jsonl")).unwrap(),
            ScoreFormat::Ndjson
        );
        assert_eq!(
            choose::<ScoreFormat>("x", None, p("s.Parquet")).unwrap(),
            ScoreFormat::Parquet
        );
    }

    #[test]
    fn an_extension_the_command_cannot_write_is_refused_with_what_it_can() {
        let err = check_args(&["rolefit", "score", "-o", "scores.xlsx"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "-o scores.xlsx: rolefit score cannot write .xlsx files; it writes .csv, .json, .ndjson, .jsonl, \
             .txt or .parquet (or pass --format, for example --format table, to write that format under any name)"
        );
        assert!(check_args(&["rolefit", "score", "-o", "scores.xlsx", "--format", "csv"]).is_ok());
        let err = check_args(&["rolefit", "cluster", "-o", "c.tsv"]).unwrap_err();
        assert!(err.to_string().contains("it writes .csv, .json or .txt"), "{err}");
        let err = check_args(&["rolefit", "evaluate", "--labels", "l.csv", "-o", "e.tsv"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("it writes .csv, .json, .md, .markdown or .txt"),
            "{err}"
        );
        // Listings follow -o's extension too.
        for command in ["roles", "strategies"] {
            let err = check_args(&["rolefit", command, "-o", "x.xlsx"]).unwrap_err();
            assert!(err.to_string().contains("it writes .csv, .json or .txt"), "{err}");
        }
        let err = check_args(&["rolefit", "survey", "-o", "x.xlsx"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("it writes .csv, .json, .txt, .html or .htm"),
            "{err}"
        );
        assert!(check_args(&["rolefit", "survey", "-o", "assessment.html"]).is_ok());
        let err = check_args(&["rolefit", "matrix", "overlap", "-o", "x.md"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("rolefit matrix overlap cannot write .md"),
            "{err}"
        );
        let err = check_args(&["rolefit", "score", "--plot", "p.png"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--plot p.png: this output is an SVG picture, not .png; name the file .svg"
        );
        let err = check_args(&["rolefit", "train", "--labels", "l.csv", "-o", "m.csv"]).unwrap_err();
        assert!(err.to_string().contains("a JSON model, not .csv"), "{err}");
        let err = check_args(&["rolefit", "report", "-o", "r.pdf"]).unwrap_err();
        assert!(err.to_string().contains("name the file .html or .htm"), "{err}");
        let synth = "rolefit synth matrix --roles 2 --capabilities 3 -o m.xlsx";
        let err = check_args(&synth.split_whitespace().collect::<Vec<_>>()).unwrap_err();
        assert!(err.to_string().contains("this output is CSV"), "{err}");
        assert!(
            check_args(&["rolefit", "report", "-o", "report"]).is_ok(),
            "no extension"
        );
    }
}
