//! Command-line arguments: parsed and checked with no I/O, so that a usage
//! mistake is reported (exit 2) before any file is touched.
//!
//! This module holds the command tree ([`Cli`], [`Command`]) and the option
//! groups several commands share (where the matrix and the responses come
//! from, the plugin timeout, ...). Each command's own arguments live
//! beside its `run`, in its module under `cmd/`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rolefit_model::Scale;

use crate::cmd::assess::AssessArgs;
use crate::cmd::audit::AuditArgs;
use crate::cmd::cluster::ClusterArgs;
use crate::cmd::completions::CompletionsArgs;
use crate::cmd::evaluate::EvaluateArgs;
use crate::cmd::explain::ExplainArgs;
use crate::cmd::matrix::MatrixCommand;
use crate::cmd::plugins::PluginsArgs;
use crate::cmd::report::ReportArgs;
use crate::cmd::roles::RolesArgs;
use crate::cmd::score::ScoreArgs;
use crate::cmd::strategies::StrategiesArgs;
use crate::cmd::survey::SurveyArgs;
use crate::cmd::synth::SynthCommand;
use crate::cmd::train::TrainArgs;

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

/// `--encoding`, for every command that reads CSV (responses, surveys,
/// role matrices, labels).
#[derive(Debug, Clone, Copy, Args)]
pub struct InputEncoding {
    /// The text encoding of CSV inputs (responses, surveys, role matrices).
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    pub encoding: Encoding,
}

/// `--no-sanitize`, for every command that writes CSV cells from user data.
#[derive(Debug, Clone, Copy, Args)]
pub struct CellSafety {
    /// Write text cells as they are, even when they start with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return (by default such cells get a leading
    /// `'` so that a spreadsheet does not run them as formulas).
    #[arg(long)]
    pub no_sanitize: bool,
}

/// `--quiet`, for every command that writes notes, progress or a summary
/// on standard error.
#[derive(Debug, Clone, Copy, Args)]
pub struct Quiet {
    /// No progress bar, notes or summary on standard error (warnings and
    /// errors are still shown).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// The strategy a command scores with, for every command that scores.
#[derive(Debug, Clone, Args)]
pub struct StrategyChoice {
    /// The similarity strategy (see `rolefit strategies`), or a composed
    /// name such as `euclidean+center` or `manhattan+importance` [default:
    /// euclidean].
    #[arg(long, short = 's', value_name = "NAME")]
    pub strategy: Option<String>,
    #[command(flatten)]
    pub plugin: PluginTimeout,
}

impl StrategyChoice {
    /// The strategy named, or the default.
    pub fn name(&self) -> &str {
        self.strategy
            .as_deref()
            .unwrap_or(rolefit_score::DEFAULT_STRATEGY)
    }
}

/// `--weights`, for every command that scores with a distance strategy.
#[derive(Debug, Clone, Copy, Args)]
pub struct Weighting {
    /// What the distance strategies (euclidean, manhattan) weigh gaps by:
    /// 1 on every capability a role weighs, the matrix's importances, or
    /// precisions learned from role holders (the --model file of `rolefit
    /// train`; in evaluate, cross-validated) [default: uniform].
    #[arg(long, value_enum, value_name = "WEIGHTS")]
    pub weights: Option<WeightsChoice>,
}

/// `--weights`' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WeightsChoice {
    /// The matrix's importances.
    Importance,
    /// 1 on every capability the role weighs.
    Uniform,
    /// Precisions learned from labelled holders.
    Learned,
}

impl WeightsChoice {
    /// The library's weighting.
    pub fn kind(self) -> rolefit_score::WeightsKind {
        match self {
            WeightsChoice::Importance => rolefit_score::WeightsKind::Importance,
            WeightsChoice::Uniform => rolefit_score::WeightsKind::Uniform,
            WeightsChoice::Learned => rolefit_score::WeightsKind::Learned,
        }
    }
}

/// `--center`, for every command that scores respondents.
#[derive(Debug, Clone, Copy, Args)]
pub struct Centring {
    /// Self-rating bias correction: `person` scores each respondent's
    /// values minus their own mean.
    #[arg(long, value_enum, default_value_t = Center::None)]
    pub center: Center,
}

/// `--min-answered`, for every command that ranks, learns from or groups
/// respondents.
#[derive(Debug, Clone, Copy, Args)]
pub struct MinAnswered {
    /// The fraction of the matrix's capabilities a respondent must answer
    /// to be ranked; others are reported as not ranked and left out of
    /// anything computed over respondents [default: 0.5; for cluster and
    /// train 0, everyone is kept].
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction)]
    pub min_answered: Option<f64>,
}

impl MinAnswered {
    /// The fraction for the commands that rank respondents.
    pub fn ranking(self) -> f64 {
        self.min_answered.unwrap_or(DEFAULT_MIN_ANSWERED)
    }

    /// The fraction for the commands that keep every respondent unless
    /// told otherwise (`cluster`, `train`).
    pub fn keeping(self) -> f64 {
        self.min_answered.unwrap_or(0.0)
    }
}

/// The default of `--min-answered` where respondents are ranked.
pub const DEFAULT_MIN_ANSWERED: f64 = 0.5;

/// How respondents are grouped, for `cluster` and `report`.
#[derive(Debug, Clone, Args)]
pub struct ClusterChoice {
    /// Number of clusters [default: the best k of --k-range].
    #[arg(long, alias = "k", value_name = "K", conflicts_with = "k_range",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub clusters: Option<u32>,
    /// Try every k in A..B and keep the best by silhouette score [default:
    /// 2..8, fewer with fewer respondents].
    #[arg(long, value_name = "A..B")]
    pub k_range: Option<String>,
    /// The clustering method.
    #[arg(long, value_enum, default_value_t = ClusterMethod::Kmeans)]
    pub method: ClusterMethod,
}

/// Clustering methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClusterMethod {
    /// k-means (linfa).
    Kmeans,
    /// Gaussian mixture model (linfa).
    Gmm,
}

/// `-f/--format`, `-o/--output` and `--no-sanitize`, for every command
/// that prints data; `F` is the command's set of formats.
#[derive(Debug, Clone, Args)]
pub struct Emit<F: ValueEnum + Clone + Send + Sync + 'static> {
    /// Output format [default: the one the extension of -o names, else table].
    #[arg(long, short = 'f', alias = "output-format", value_enum)]
    pub format: Option<F>,
    #[command(flatten)]
    pub to: OutputFile,
    // Every format but the table writes cells from user data.
    #[command(flatten)]
    pub cells: CellSafety,
}

impl<F: crate::formats::OutputFormat + ValueEnum + Send + Sync> Emit<F> {
    /// The output format: `--format`, else the one `-o`'s extension names,
    /// else the command's default.
    ///
    /// # Errors
    /// An extension of -o that names no format `command` writes.
    pub fn chosen(&self, command: &str) -> anyhow::Result<F> {
        crate::formats::choose(command, self.format, self.to.output.as_deref())
    }

    /// `-o`, if given.
    pub fn output(&self) -> Option<&std::path::Path> {
        self.to.output.as_deref()
    }
}

/// `-o/--output`, for every command that writes a result.
#[derive(Debug, Clone, Args)]
pub struct OutputFile {
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A learned model instead of `--strategy`, for `score` and `explain`.
#[derive(Debug, Clone, Args)]
pub struct ModelFile {
    /// Score with a learned model (a `rolefit train` file) instead of
    /// --strategy (score adds each role's probability when the model has
    /// one); with --weights learned, the file whose learned weights
    /// --strategy uses. score --strategy NAME --model FILE scores with NAME
    /// and adds its probability from the temperature FILE keeps for NAME
    /// (`rolefit train --calibrate NAME`).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
}

/// How `score` and `explain` pick their strategy: by name (centred or
/// not), or a learned model.
#[derive(Debug, Clone, Args)]
pub struct Scoring {
    #[command(flatten)]
    pub choice: StrategyChoice,
    #[command(flatten)]
    pub learned: ModelFile,
    #[command(flatten)]
    pub centring: Centring,
    #[command(flatten)]
    pub weighting: Weighting,
}

/// The inputs of every command that reads respondents: the responses,
/// the role matrix and the encoding of CSV inputs.
#[derive(Debug, Clone, Args)]
pub struct Inputs {
    #[command(flatten)]
    pub responses: ResponsesSource,
    #[command(flatten)]
    pub matrix: MatrixSource,
    #[command(flatten)]
    pub encoding: InputEncoding,
}

/// The role matrix and the encoding of CSV inputs, for the commands that
/// read a matrix but no responses.
#[derive(Debug, Clone, Args)]
pub struct MatrixInput {
    #[command(flatten)]
    pub matrix: MatrixSource,
    #[command(flatten)]
    pub encoding: InputEncoding,
}

/// The role matrix of the `matrix` commands: files given as arguments, the
/// same as `--matrix`, which they also accept.
#[derive(Debug, Clone, Args)]
pub struct MatrixFiles {
    /// Role matrix files, as for --matrix (several are merged into one
    /// matrix). Default: the built-in roles guide matrix.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub input: MatrixInput,
}

impl MatrixFiles {
    /// The matrix source: the files given as arguments before the
    /// `--matrix` files.
    pub fn source(&self) -> MatrixSource {
        let mut source = self.input.matrix.clone();
        source.matrix = self.files.iter().chain(&source.matrix).cloned().collect();
        source
    }
}

/// Text encodings of inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// UTF-8 (bytes that are not UTF-8 are an error).
    Utf8,
    /// Latin-1 (ISO 8859-1), as older spreadsheets save CSV.
    Latin1,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score responses against every role and rank the roles per respondent.
    Score(ScoreArgs),
    /// Show the roles of a role matrix (built-in by default) and what each asks for.
    ///
    /// The CSV format is the long matrix layout, so it can be edited and
    /// read back with --matrix.
    Roles(RolesArgs),
    /// Show the survey (built-in by default): its statements and the capability each measures;
    /// --format html writes the self-assessment page to answer it in a browser.
    Survey(SurveyArgs),
    /// List the scoring strategies with their formulas.
    Strategies(StrategiesArgs),
    /// Work with role matrix files.
    #[command(subcommand)]
    Matrix(MatrixCommand),
    /// Generate deterministic synthetic data for tests, benchmarks and demos.
    #[command(subcommand)]
    Synth(SynthCommand),
    /// Compare strategies on labelled respondents: accuracy, agreement, stability.
    Evaluate(EvaluateArgs),
    /// Learn a strategy from labelled role holders and save it as a model file.
    Train(TrainArgs),
    /// What would it take: the smallest improvements that make a role rank first; --format html
    /// writes a person's report.
    Explain(ExplainArgs),
    /// Group respondents into clusters and describe each.
    ///
    /// The table and JSON formats summarise the clusters; CSV lists
    /// `respondent,cluster` rows.
    Cluster(ClusterArgs),
    /// Write a self-contained HTML report on a cohort of respondents.
    Report(ReportArgs),
    /// Bias audit: selection and scoring rates per category (--groups), impact ratios, four-fifths
    /// flags, tests and intervals, as Local Law 144 audits define them.
    Audit(AuditArgs),
    /// Take the self-assessment in the terminal, one statement at a time, and see your roles.
    Assess(AssessArgs),
    /// List the plugins found (external subcommands and strategies), or check one.
    Plugins(PluginsArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on standard output.
    Man,
    /// An external subcommand: `rolefit NAME ARGS...` runs `rolefit-NAME ARGS...`.
    #[command(external_subcommand)]
    External(Vec<OsString>),
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
    /// The sheet of an Excel workbook --matrix to read, by name [default:
    /// the first].
    #[arg(long, value_name = "NAME")]
    pub matrix_sheet: Option<String>,
    /// Read a wide --matrix published the other way round: capabilities as
    /// rows, roles as columns.
    #[arg(long)]
    pub transpose: bool,
    #[command(flatten)]
    pub limits: MatrixLimits,
}

/// How large a role matrix may be, for every command that reads one.
#[derive(Debug, Clone, Copy, Args)]
pub struct MatrixLimits {
    /// The most cells (roles x capabilities) a role matrix may have; a
    /// larger one is refused while it is read (a long or O*NET file that
    /// names many roles and capabilities is a dense matrix of their
    /// product).
    #[arg(long, value_name = "N", default_value_t = rolefit_import::limits::DEFAULT_MAX_MATRIX_CELLS as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_matrix_cells: u64,
    /// The most an Excel matrix may unzip to, in MiB: each part of the
    /// workbook and all of them together, counted while decompressing (a
    /// larger workbook may be a zip bomb and is refused).
    #[arg(long, value_name = "N", default_value_t = rolefit_import::limits::MAX_UNZIPPED_MIB,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_unzipped_mib: u64,
}

impl MatrixLimits {
    /// `--max-matrix-cells` as a count.
    pub fn max_cells(self) -> usize {
        usize::try_from(self.max_matrix_cells).unwrap_or(usize::MAX)
    }
}

/// Where responses come from and how to read them.
#[derive(Debug, Clone, Args)]
pub struct ResponsesSource {
    /// Responses CSV: a `respondent` column, then survey item ids or
    /// capabilities as columns; or a survey tool's export (see --source).
    /// `-` or nothing reads standard input.
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub survey: SurveyFile,
    /// The survey tool that wrote INPUT; `auto` tells it from the header rows.
    #[arg(long, value_enum, default_value_t = SourceArg::Auto)]
    pub source: SourceArg,
    #[command(flatten)]
    pub answer_scale: AnswerScaleChoice,
    /// The sheet of an Excel workbook INPUT to read, by name [default: the
    /// first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The column holding respondent ids (default: `respondent`, `respondent_id`
    /// or `id`, or the survey tool's id column; without one, respondents are
    /// numbered by data row).
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,
    /// Skip columns that match no capability or survey item instead of failing.
    #[arg(long)]
    pub ignore_unknown_columns: bool,
    /// More answers that mean "no answer", separated by `;` (`"Skipped;Not
    /// seen"`), read as missing like the built-in ones (`Don't know`, `Not
    /// applicable`, ...; see docs/formats.md).
    #[arg(long, value_name = "LABEL;LABEL")]
    pub missing_labels: Option<String>,
    /// Answers are written with a decimal comma: `3,5` is 3.5 (as
    /// spreadsheets in many locales save a semicolon CSV).
    #[arg(long)]
    pub decimal_comma: bool,
    /// INPUT is a numeric export: read each answer through the label its
    /// number stands for in FILE, the same survey's export of choice text
    /// (rows paired by respondent id). Numbers that run opposite to their
    /// labels are then read the right way round.
    #[arg(long, value_name = "FILE")]
    pub choice_text: Option<PathBuf>,
    /// What to do with an answer column whose question text says its
    /// numbers run from the top answer down (`1 = Strongly agree`).
    #[arg(long, value_enum, default_value_t = NumberingArg::Check)]
    pub numbering: NumberingArg,
    /// What to do with a row that cannot be read: stop with its error
    /// (`fail`), or set it aside and go on (`skip`, see --rejects).
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    pub on_error: OnError,
    /// With --on-error skip, write each rejected row to FILE as CSV:
    /// `line,reason,` then the row's original fields.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Flag careless responses (straight-lining, too many missing answers,
    /// speeding with --min-seconds) and show the flags in the output.
    #[arg(long)]
    pub flags: bool,
    /// Flag `missing` when more than this fraction of the answer columns is
    /// empty [default: 0.5]. Turns on --flags.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction)]
    pub max_missing: Option<f64>,
    /// Flag `speeding` when a response took fewer seconds than this (from a
    /// Qualtrics `Duration (in seconds)` column, or start and end times).
    /// Turns on --flags.
    #[arg(long, value_name = "SECONDS", value_parser = parse_non_negative)]
    pub min_seconds: Option<f64>,
    /// Leave flagged respondents out (they are counted in the summary).
    /// Turns on --flags.
    #[arg(long)]
    pub exclude_flagged: bool,
}

/// `--survey`, for every command that reads survey answers or shows the
/// survey.
#[derive(Debug, Clone, Args)]
pub struct SurveyFile {
    /// A survey CSV (`id,text,capability,reverse`): its statements and the
    /// capability each measures. Default: the built-in survey.
    #[arg(long, value_name = "FILE")]
    pub survey: Option<PathBuf>,
}

impl SurveyFile {
    /// `--survey`, if given.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.survey.as_deref()
    }
}

/// `--scale` and `--labels-map`: the scale answers are on, for every
/// command that reads answers.
#[derive(Debug, Clone, Args)]
pub struct AnswerScaleChoice {
    /// The scale answers are on: a numeric range, or a label scale
    /// (agreement5, agreement7, frequency, like, proficiency, or one of
    /// --labels-map). Default: the survey's scale (in a responses file, each
    /// column's labels choose its label scale). Values are mapped linearly
    /// onto the matrix's scale.
    #[arg(long, value_name = "MIN..MAX|NAME")]
    pub scale: Option<ScaleArg>,
    /// Custom label scales: a CSV `scale,label,value` (`scale` optional).
    #[arg(long, value_name = "FILE")]
    pub labels_map: Option<PathBuf>,
}

impl ResponsesSource {
    /// Whether rows get quality flags.
    pub fn flags_on(&self) -> bool {
        self.flags || self.max_missing.is_some() || self.min_seconds.is_some() || self.exclude_flagged
    }
}

/// `--numbering`: columns numbered from the top answer down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NumberingArg {
    /// Refuse the file, naming the columns.
    Check,
    /// Read such columns mirrored on their scale.
    Mirror,
    /// Read the numbers as they are (the survey definition's `reverse`
    /// turns them round).
    AsIs,
}

impl NumberingArg {
    /// The importer's value.
    pub fn numbering(self) -> rolefit_import::Numbering {
        match self {
            NumberingArg::Check => rolefit_import::Numbering::Check,
            NumberingArg::Mirror => rolefit_import::Numbering::Mirror,
            NumberingArg::AsIs => rolefit_import::Numbering::AsIs,
        }
    }
}

/// The survey tools `--source` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// Detect the layout from the header rows.
    Auto,
    /// One header row: a respondent column, then item ids or capabilities.
    Plain,
    /// Qualtrics CSV or TSV: three header rows (ids, texts, import ids).
    Qualtrics,
    /// SurveyMonkey: two header rows (questions, answers or matrix rows).
    #[value(name = "surveymonkey")]
    SurveyMonkey,
    /// Google Forms: Timestamp, Email Address, question texts.
    GoogleForms,
    /// Microsoft Forms: ID, Start time, Completion time, Email, Name, questions.
    MsForms,
    /// Typeform: #, questions, Start Date (UTC), Submit Date (UTC), Network ID.
    Typeform,
}

impl SourceArg {
    /// The importer's name for it.
    pub fn source(self) -> rolefit_import::Source {
        use rolefit_import::Source;
        match self {
            SourceArg::Auto => Source::Auto,
            SourceArg::Plain => Source::Plain,
            SourceArg::Qualtrics => Source::Qualtrics,
            SourceArg::SurveyMonkey => Source::SurveyMonkey,
            SourceArg::GoogleForms => Source::GoogleForms,
            SourceArg::MsForms => Source::MsForms,
            SourceArg::Typeform => Source::Typeform,
        }
    }
}

/// `--scale`: a numeric range or the name of a label scale.
#[derive(Debug, Clone, PartialEq)]
pub enum ScaleArg {
    /// `MIN..MAX`.
    Range(Scale),
    /// A label scale's name, checked when the labels map is read.
    Named(String),
}

impl std::str::FromStr for ScaleArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.contains("..") || s.trim().starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return s.parse().map(ScaleArg::Range);
        }
        if rolefit_model::match_key(s).is_empty() {
            return Err(format!(
                "expected a scale as MIN..MAX (for example 1..5) or the name of a label scale, got {s:?}"
            ));
        }
        Ok(ScaleArg::Named(s.trim().to_string()))
    }
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

/// What to do with a row that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Stop at the first bad row, with its error (exit 2).
    Fail,
    /// Set bad rows aside, count them, and go on.
    Skip,
}

/// A value parser for clap: see its error message.
pub fn parse_non_negative(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number >= 0, got {s:?}")),
    }
}

/// A value parser for clap: see its error message.
pub fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a fraction from 0 to 1, got {s:?}")),
    }
}

/// Self-rating bias correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Center {
    /// Values as given.
    None,
    /// Ipsative centring: each respondent's values minus their own mean.
    Person,
}

/// How long to wait for a plugin strategy, for every command that can
/// score with one.
#[derive(Debug, Clone, Copy, Args)]
pub struct PluginTimeout {
    /// Seconds to wait for each reply of a plugin strategy.
    #[arg(long = "plugin-timeout", value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_timeout)]
    pub seconds: f64,
}

impl PluginTimeout {
    /// The timeout as a duration (the parser admits only values a
    /// duration holds).
    pub fn duration(self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(self.seconds).unwrap_or(std::time::Duration::MAX)
    }
}

/// How many roles the role-by-role comparison of `matrix overlap` and
/// `report` takes on.
#[derive(Debug, Clone, Copy, Args)]
pub struct OverlapLimit {
    /// The most roles to compare pairwise (the role overlap of `matrix
    /// overlap` and `report`): its memory grows with the square of the roles
    /// and its time with the cube, so a larger matrix is refused.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_OVERLAP_ROLES,
          value_parser = clap::value_parser!(u32).range(2..))]
    pub max_overlap_roles: u32,
}

/// The default of `--max-overlap-roles`: more than O*NET's 900-odd
/// occupations.
pub const DEFAULT_MAX_OVERLAP_ROLES: u32 = 1000;

/// A number of seconds > 0 that a [`std::time::Duration`] holds.
/// A value parser for clap: see its error message.
pub fn parse_timeout(s: &str) -> Result<f64, String> {
    let seconds = parse_positive(s)?;
    match std::time::Duration::try_from_secs_f64(seconds) {
        Ok(_) => Ok(seconds),
        Err(_) => Err(format!(
            "expected at most {} seconds, got {s:?}",
            std::time::Duration::MAX.as_secs()
        )),
    }
}

/// A value parser for clap: see its error message.
pub fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a number > 0, got {s:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    use crate::render::scores::ScoreFormat;

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
        assert_eq!(a.scoring.choice.name(), "euclidean");
        assert_eq!(a.answered.ranking(), 0.5);
        assert_eq!(a.emit.format, None);
        assert_eq!(a.output_format().unwrap(), ScoreFormat::Table);
        assert_eq!(a.inputs.matrix.matrix_scale, Scale::default());
    }

    #[test]
    fn the_score_format_follows_the_output_extension_unless_given() {
        let format = |argv: &[&str]| {
            let cli = Cli::try_parse_from(argv).unwrap();
            let Command::Score(a) = cli.command else {
                panic!("not score")
            };
            a.output_format().unwrap()
        };
        assert_eq!(format(&["rolefit", "score", "-o", "out.CSV"]), ScoreFormat::Csv);
        assert_eq!(
            format(&["rolefit", "score", "-o", "a/out.json"]),
            ScoreFormat::Json
        );
        assert_eq!(
            format(&["rolefit", "score", "-o", "out.jsonl"]),
            ScoreFormat::Ndjson
        );
        assert_eq!(
            format(&["rolefit", "score", "-o", "out.ndjson"]),
            ScoreFormat::Ndjson
        );
        assert_eq!(format(&["rolefit", "score", "-o", "out.txt"]), ScoreFormat::Table);
        assert_eq!(
            format(&["rolefit", "score", "-o", "out.xlsx", "--format", "csv"]),
            ScoreFormat::Csv
        );
        assert_eq!(format(&["rolefit", "score", "-o", "out"]), ScoreFormat::Table);
        assert_eq!(
            format(&["rolefit", "score", "-o", "out.csv", "--format", "json"]),
            ScoreFormat::Json
        );
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

    /// Long names whose help words may differ between commands, and why:
    /// the option means one thing, but what it applies to is the command's.
    const OWN_WORDS: &[(&str, &str)] = &[
        (
            "format",
            "each command writes its own formats, which its help lists",
        ),
        (
            "output",
            "what -o FILE receives is the command's result (scores, a model, a page)",
        ),
        (
            "plot",
            "what --plot draws is the command's picture; always an SVG file besides the output",
        ),
        (
            "seed",
            "what is random is the command's (resamples, folds, starts)",
        ),
        (
            "method",
            "the command's own algorithm: learning (train) or grouping (cluster, report)",
        ),
        (
            "labels",
            "synth responses writes the respondent,role file that evaluate and train read",
        ),
        (
            "top",
            "-k K: the roles shown per respondent (score) or counted as selected (audit)",
        ),
        (
            "resamples",
            "what is resampled is the command's: a respondent's answers (score), a category's respondents (audit)",
        ),
        (
            "groups",
            "synth responses writes the respondent,group file that audit reads",
        ),
        (
            "respondent",
            "an id either way: the one assess writes with --save, the one whose page explain writes",
        ),
    ];

    /// Long names whose possible values differ between commands.
    const OWN_VALUES: &[&str] = &["format", "method"];

    /// Every argument of every (sub)command, with the command's path.
    fn all_args(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        for arg in cmd.get_arguments() {
            out.push((path.to_string(), arg.clone()));
        }
        for sub in cmd.get_subcommands() {
            all_args(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    /// The help text without its `[default: ...]` note.
    fn meaning(arg: &clap::Arg) -> String {
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let cut = help.find(" [default").unwrap_or(help.len());
        help[..cut].trim_end_matches('.').trim().to_string()
    }

    /// What kind of value an argument takes.
    fn kind(arg: &clap::Arg, values_too: bool) -> String {
        let values: Vec<String> = if values_too {
            arg.get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect()
        } else {
            Vec::new()
        };
        format!(
            "{:?} {:?} {:?} {values:?}",
            arg.get_action(),
            arg.get_value_names(),
            arg.get_num_args()
        )
    }

    #[test]
    fn one_option_one_meaning_everywhere() {
        let mut cli = Cli::command();
        cli.build();
        let mut args = Vec::new();
        all_args(&cli, "rolefit", &mut args);
        let mut by_long: std::collections::BTreeMap<String, Vec<(String, clap::Arg)>> = Default::default();
        let mut by_short: std::collections::BTreeMap<char, Vec<(String, String)>> = Default::default();
        // clap's own --help and --version word themselves per command.
        let own = |a: &clap::Arg| a.is_hide_set() || matches!(a.get_id().as_str(), "help" | "version");
        for (path, arg) in args.into_iter().filter(|(_, a)| !own(a)) {
            let Some(long) = arg.get_long().map(str::to_string) else {
                continue;
            };
            if let Some(short) = arg.get_short() {
                by_short
                    .entry(short)
                    .or_default()
                    .push((path.clone(), long.clone()));
            }
            by_long.entry(long).or_default().push((path, arg));
        }
        let mut problems = Vec::new();
        for (long, uses) in &by_long {
            let (first_path, first) = &uses[0];
            let values_too = !OWN_VALUES.contains(&long.as_str());
            let own_words = OWN_WORDS.iter().any(|(n, _)| n == long);
            for (path, arg) in &uses[1..] {
                if kind(arg, values_too) != kind(first, values_too) {
                    problems.push(format!(
                        "--{long} takes {} in `{path}` but {} in `{first_path}`",
                        kind(arg, values_too),
                        kind(first, values_too)
                    ));
                }
                if arg.get_short() != first.get_short() {
                    problems.push(format!(
                        "--{long} has another short flag in `{path}` than in `{first_path}`"
                    ));
                }
                if !own_words && meaning(arg) != meaning(first) {
                    problems.push(format!(
                        "--{long} means {:?} in `{path}` but {:?} in `{first_path}`",
                        meaning(arg),
                        meaning(first)
                    ));
                }
            }
        }
        for (short, uses) in &by_short {
            let longs: std::collections::BTreeSet<&str> = uses.iter().map(|(_, l)| l.as_str()).collect();
            if longs.len() > 1 {
                problems.push(format!("-{short} stands for {longs:?}"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn every_default_is_shown_in_help() {
        fn check(cmd: &mut clap::Command, path: &str, problems: &mut Vec<String>) {
            let help = cmd.render_long_help().to_string();
            for arg in cmd.get_arguments() {
                let takes_value = arg.get_action().takes_values();
                if arg.is_hide_set() || !takes_value || arg.get_default_values().is_empty() {
                    continue;
                }
                let shown: Vec<String> = arg
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                let note = format!("[default: {}]", shown.join(","));
                if arg.is_hide_default_value_set() || !help.contains(&note) {
                    problems.push(format!("`{path}` --{}: {note} not in --help", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands_mut() {
                let path = format!("{path} {}", sub.get_name());
                check(sub, &path, problems);
            }
        }
        let mut cli = Cli::command();
        cli.build();
        let mut problems = Vec::new();
        check(&mut cli, "rolefit", &mut problems);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn matrix_files_come_before_the_matrix_option() {
        let cli = Cli::try_parse_from([
            "rolefit", "matrix", "check", "a.csv", "--matrix", "b.csv", "c.csv",
        ])
        .unwrap();
        let Command::Matrix(crate::cmd::matrix::MatrixCommand::Check(a)) = cli.command else {
            panic!("not matrix check")
        };
        let names: Vec<PathBuf> = ["a.csv", "c.csv", "b.csv"].iter().map(PathBuf::from).collect();
        assert_eq!(a.files.source().matrix, names);
    }

    #[test]
    fn old_names_and_the_names_users_try_still_parse() {
        for line in [
            "rolefit cluster --k 3",
            "rolefit cluster --clusters 3",
            "rolefit report -o r.html --clusters 3 --method gmm",
            "rolefit report -o r.html --k-range 2..8 --center person",
            "rolefit evaluate --labels l.csv --k 2",
            "rolefit evaluate --labels l.csv --k-accuracy 2",
            "rolefit score --output-format csv",
            "rolefit roles --output-format json -o r.json",
            "rolefit synth matrix --roles 2 --capabilities 3 --scale 1..7",
            "rolefit matrix check m.csv",
            "rolefit matrix check --matrix m.csv",
            "rolefit matrix overlap m.csv",
            "rolefit matrix overlap --matrix m.csv",
            "rolefit cluster --min-answered 0.8 --center person -q",
            "rolefit train --labels l.csv --min-answered 0.8 -q",
            "rolefit explain --target x --center person",
        ] {
            if let Err(e) = Cli::try_parse_from(line.split_whitespace()) {
                panic!("{line}: {e}");
            }
        }
        // -k is --top only.
        assert!(Cli::try_parse_from(["rolefit", "cluster", "-k", "3"]).is_err());
        assert!(Cli::try_parse_from(["rolefit", "evaluate", "--labels", "l.csv", "-k", "3"]).is_err());
    }
}
