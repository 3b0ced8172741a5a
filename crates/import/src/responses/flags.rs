//! Response quality flags: straight-lining, too many missing answers,
//! speeding. The rules are set once from the options and the header
//! ([`flag_rules`]); each row's flags then come from what its answers were
//! ([`Tally`], noted while they are read) and its timing columns.

use rolefit_model::QualityFlags;

use super::plan::ColumnPlan;
use super::FlagOptions;
use crate::error::ImportError;
use crate::layout::{timestamp, Source};
use crate::table::{parse_number, Fields};

/// Straight-lining needs at least this many answers, all the same.
pub const STRAIGHT_LINING_MIN_ANSWERS: usize = 3;

/// Where a row's duration comes from, for `speeding`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Timing {
    None,
    /// Seconds, in this column.
    Duration(usize),
    /// Start and end times, in these columns.
    Span(usize, usize),
}

/// The rules for quality flags, with the columns they read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct FlagRules {
    options: FlagOptions,
    timing: Timing,
}

/// What the flags need to know of a row's answers.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    pub(super) answered: usize,
    pub(super) first: f64,
    pub(super) varied: bool,
}

impl Timing {
    /// Where the duration comes from, given the metadata columns found: a
    /// duration column wins over start and end times.
    pub(super) fn of(duration: Option<usize>, start: Option<usize>, end: Option<usize>) -> Timing {
        match (duration, start, end) {
            (Some(d), _, _) => Timing::Duration(d),
            (None, Some(s), Some(e)) => Timing::Span(s, e),
            _ => Timing::None,
        }
    }
}

/// The flag rules of a file (`None` without [`FlagOptions`]).
///
/// # Errors
/// `--min-seconds` on a file with no duration and no start and end times;
/// the caller adds the header's line.
pub(super) fn flag_rules(
    options: Option<FlagOptions>,
    timing: Timing,
    layout: Source,
    source: &str,
) -> Result<Option<FlagRules>, ImportError> {
    let Some(options) = options else {
        return Ok(None);
    };
    if options.min_seconds.is_some() && timing == Timing::None {
        return Err(ImportError::header(
            source,
            format!(
                "speeding (--min-seconds) needs each response's duration, and this {} file has \
                 no duration column and no start and end times",
                layout.title()
            ),
            "a Qualtrics `Duration (in seconds)` column or the start and end times of a \
             Qualtrics, SurveyMonkey, Microsoft Forms or Typeform export",
        ));
    }
    Ok(Some(FlagRules { options, timing }))
}

impl ColumnPlan {
    /// The quality flags of a row.
    pub(super) fn flags_of<F: Fields + ?Sized>(
        &self,
        rules: &FlagRules,
        tally: &Tally,
        record: &F,
    ) -> QualityFlags {
        let mut flags = QualityFlags::NONE;
        if tally.answered >= STRAIGHT_LINING_MIN_ANSWERS && !tally.varied {
            flags.insert(QualityFlags::STRAIGHT_LINING);
        }
        let missing = (self.measures.len() - tally.answered) as f64 / self.measures.len() as f64;
        if missing > rules.options.max_missing {
            flags.insert(QualityFlags::MISSING);
        }
        if let Some(min) = rules.options.min_seconds {
            let text = |i: usize| {
                record
                    .field(i)
                    .and_then(|c| std::str::from_utf8(c).ok())
                    .map(str::trim)
            };
            let seconds = match rules.timing {
                Timing::None => None,
                Timing::Duration(c) => text(c).and_then(|t| parse_number(t).ok()),
                Timing::Span(s, e) => match (text(s).and_then(timestamp), text(e).and_then(timestamp)) {
                    (Some(s), Some(e)) => Some((e - s) as f64),
                    _ => None,
                },
            };
            if seconds.is_some_and(|s| s < min) {
                flags.insert(QualityFlags::SPEEDING);
            }
        }
        flags
    }
}
