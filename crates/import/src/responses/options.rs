//! How to read a responses file: the caller's choices.

use rolefit_model::Scale;

use super::anchors::Numbering;
use super::choices::ChoiceCodes;
use crate::labels::NamedScale;
use crate::layout::Source;

/// How to read a responses file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseOptions {
    /// The column holding the respondent id. Default: the layout's id
    /// column (for a plain file, one named `respondent`, `respondent id`,
    /// `respondent_id` or `id`, compared loosely); if there is none,
    /// respondents are numbered `1`, `2`, ...
    pub id_column: Option<String>,
    /// The numeric scale every answer is given on. Default: the survey's
    /// response scale, or the five-point agreement scale without a survey,
    /// with each column's labels choosing its label scale.
    pub scale: Option<Scale>,
    /// A label scale every answer is given on, by name: one of
    /// [`ResponseOptions::labels`] or a built-in one (`agreement7`, see
    /// [`crate::builtin_scales`]). Wins over `scale`.
    pub scale_name: Option<String>,
    /// Custom label scales (from a labels map, see
    /// [`crate::read_labels_map`]), preferred over the built-in ones.
    pub labels: Vec<NamedScale>,
    /// Skip columns that match no capability and no survey item instead of
    /// refusing the file.
    pub ignore_unknown_columns: bool,
    /// The survey tool that wrote the file; `Auto` (the default) tells it
    /// from the header rows.
    pub source: Source,
    /// Set response quality flags on each row (none when `None`).
    pub flags: Option<FlagOptions>,
    /// More labels that mean "no answer" (`--missing-labels`), read as
    /// missing answers like the built-in ones
    /// ([`NO_ANSWER_LABELS`](crate::NO_ANSWER_LABELS)).
    pub missing_labels: Vec<String>,
    /// Answers are written with a decimal comma (`3,5` is 3.5), as
    /// spreadsheets in many locales save them (`--decimal-comma`).
    pub decimal_comma: bool,
    /// The labels the numbers of a numeric export stand for, from the same
    /// survey's export of choice text (`--choice-text`, see
    /// [`read_choice_codes`](crate::read_choice_codes)): those columns are
    /// read as if they held the labels.
    pub choice_codes: Option<ChoiceCodes>,
    /// What to do with a column whose question text says its numbers run
    /// from the top answer down (`1 = Strongly agree`): refuse (the
    /// default), mirror, or read as it is.
    pub numbering: Numbering,
}

/// When a row gets which quality flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlagOptions {
    /// `missing` when more than this fraction of the answer columns is
    /// empty.
    pub max_missing: f64,
    /// `speeding` when the response took fewer seconds than this (needs a
    /// duration column, or start and end times).
    pub min_seconds: Option<f64>,
}

impl Default for FlagOptions {
    fn default() -> Self {
        FlagOptions {
            max_missing: 0.5,
            min_seconds: None,
        }
    }
}
