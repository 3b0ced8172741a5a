//! Command-line arguments: parsed and checked here with no I/O, so that a
//! usage mistake is reported (exit 2) before any file is touched.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rolefit_model::Scale;

/// Recommend the role that fits a person best from a capability
/// self-assessment.
///
/// rolefit compares capability profiles (from survey answers or given
/// directly) with a role matrix (roles x capabilities, each cell a target
/// level and an importance) and ranks every role with a documented
/// similarity strategy. The four roles of the bundled roles guide are built
/// in; `--matrix FILE` uses your own.
#[derive(Debug, Parser)]
#[command(name = "rolefit", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score responses against every role and rank the roles per respondent.
    Score(ScoreArgs),
    /// Show the roles of a role matrix (built-in by default) and what each asks for.
    Roles(RolesArgs),
    /// Show the survey (built-in by default): its statements and the capability each measures.
    Survey(SurveyArgs),
    /// List the scoring strategies with their formulas.
    Strategies(StrategiesArgs),
    /// Work with role matrix files.
    #[command(subcommand)]
    Matrix(MatrixCommand),
    /// Generate deterministic synthetic data for tests, benchmarks and demos.
    #[command(subcommand)]
    Synth(SynthCommand),
}

/// `rolefit synth ...`
#[derive(Debug, Subcommand)]
pub enum SynthCommand {
    /// Write a random wide role matrix (`role,<capability>...`, importance 1).
    Matrix(SynthMatrixArgs),
    /// Write respondents drawn around randomly chosen roles of a matrix.
    Responses(SynthResponsesArgs),
}

/// `rolefit synth matrix`
#[derive(Debug, Args)]
pub struct SynthMatrixArgs {
    /// Number of roles.
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub roles: u32,
    /// Number of capabilities.
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub capabilities: u32,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The scale of the levels.
    #[arg(long, value_name = "MIN..MAX", default_value = "1..5")]
    pub scale: Scale,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `rolefit synth responses`
#[derive(Debug, Args)]
pub struct SynthResponsesArgs {
    #[command(flatten)]
    pub matrix: MatrixSource,
    /// Number of respondents.
    #[arg(long, value_name = "N")]
    pub rows: u64,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Standard deviation of the Gaussian noise added to the role's levels,
    /// in scale points.
    #[arg(long, value_name = "SD", default_value_t = 0.75, value_parser = parse_non_negative)]
    pub noise: f64,
    /// Fraction of answers left blank at random.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = parse_fraction)]
    pub missing: f64,
    /// Also write each respondent's generating role to FILE as `respondent,role`.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `rolefit matrix ...`
#[derive(Debug, Subcommand)]
pub enum MatrixCommand {
    /// Validate a role matrix file and summarise it.
    Check(MatrixCheckArgs),
}

/// Where the role matrix comes from.
#[derive(Debug, Clone, Args)]
pub struct MatrixSource {
    /// A role matrix: CSV or Excel (.xlsx), wide (`role,<capability>...`) or
    /// long (`role,capability,level[,importance]`), or O*NET ratings
    /// (Skills.txt, Knowledge.xlsx, ...). Repeat to merge several (for example
    /// O*NET Skills and Knowledge). Default: the built-in roles guide matrix.
    #[arg(long, value_name = "FILE")]
    pub matrix: Vec<PathBuf>,
    /// The scale the matrix's levels are on.
    #[arg(long, value_name = "MIN..MAX", default_value = "1..5")]
    pub matrix_scale: Scale,
}

/// Output formats for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table for people.
    Table,
    /// JSON.
    Json,
    /// CSV with a header row.
    Csv,
}

/// Output formats for scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    /// An aligned table for people.
    Table,
    /// Long CSV: one row per respondent and rank.
    Csv,
    /// One JSON array of respondents.
    Json,
    /// One JSON object per respondent per line.
    Ndjson,
}

/// `rolefit score`
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Responses CSV: a `respondent` column, then survey item ids or
    /// capabilities as columns. `-` or nothing reads standard input.
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub matrix: MatrixSource,
    /// A survey CSV (`id,text,capability,reverse`) whose item ids may be
    /// response columns. Default: the built-in survey.
    #[arg(long, value_name = "FILE")]
    pub survey: Option<PathBuf>,
    /// The scale the responses are on, when it is not the survey's (1..5);
    /// values are mapped linearly onto the matrix's scale.
    #[arg(long, value_name = "MIN..MAX")]
    pub scale: Option<Scale>,
    /// The column holding respondent ids (default: `respondent`, `respondent_id`
    /// or `id`; without one, respondents are numbered by data row).
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,
    /// Skip columns that match no capability or survey item instead of failing.
    #[arg(long)]
    pub ignore_unknown_columns: bool,
    /// The similarity strategy (see `rolefit strategies`).
    #[arg(long, short = 's', value_name = "NAME", default_value = rolefit_score::DEFAULT_STRATEGY)]
    pub strategy: String,
    /// How many roles to list per respondent [default: 5, or all roles if fewer].
    #[arg(long, short = 'k', value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub top: Option<u32>,
    /// The fraction of the matrix's capabilities a respondent must answer to
    /// be ranked; others are reported as insufficient.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.5, value_parser = parse_fraction)]
    pub min_answered: f64,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Explain each ranked role: per-capability contributions, strengths and gaps.
    #[arg(long)]
    pub explain: bool,
    /// Leave out the CSV header, so that outputs of shards concatenate.
    #[arg(long)]
    pub no_header: bool,
    /// What to do with a row that cannot be read: stop with its error
    /// (`fail`), or set it aside and go on (`skip`, see --rejects).
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    pub on_error: OnError,
    /// With --on-error skip, write each rejected row to FILE as CSV:
    /// `line,reason,` then the row's original fields.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Worker threads for parsing and scoring [default: all cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// No progress bar and no summary on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// What to do with a row that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Stop at the first bad row, with its error (exit 2).
    Fail,
    /// Set bad rows aside, count them, and go on.
    Skip,
}

/// `rolefit roles`
#[derive(Debug, Args)]
pub struct RolesArgs {
    #[command(flatten)]
    pub matrix: MatrixSource,
    /// Output format (CSV is the long matrix layout, so it can be edited and read back with --matrix).
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `rolefit survey`
#[derive(Debug, Args)]
pub struct SurveyArgs {
    /// A survey CSV to show instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub survey: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `rolefit strategies`
#[derive(Debug, Args)]
pub struct StrategiesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `rolefit matrix check`
#[derive(Debug, Args)]
pub struct MatrixCheckArgs {
    /// The role matrix to check: CSV, Excel or O*NET ratings; several files
    /// are merged into one matrix first.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The scale the matrix's levels are on.
    #[arg(long, value_name = "MIN..MAX", default_value = "1..5")]
    pub matrix_scale: Scale,
}

fn parse_non_negative(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number >= 0, got {s:?}")),
    }
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a fraction from 0 to 1, got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_score_defaults() {
        let cli = Cli::try_parse_from(["rolefit", "score"]).unwrap();
        let Command::Score(a) = cli.command else {
            panic!("not score")
        };
        assert_eq!(a.strategy, "euclidean");
        assert_eq!(a.min_answered, 0.5);
        assert_eq!(a.format, ScoreFormat::Table);
        assert_eq!(a.matrix.matrix_scale, Scale::default());
    }

    #[test]
    fn refuses_bad_values_before_any_io() {
        for args in [
            &["rolefit", "score", "--top", "0"][..],
            &["rolefit", "score", "--min-answered", "1.5"],
            &["rolefit", "score", "--scale", "5..1"],
            &["rolefit", "score", "--format", "xml"],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
        }
    }
}
