//! Responses from CSV, streamed: one row per respondent, turned into
//! capability profiles on the role matrix's scale.
//!
//! A responses file can be large, so it is never held whole. Its head (the
//! header rows, one for a plain file, up to three for a survey-tool export,
//! see [`crate::layout`]) is read once and mapped into a [`ColumnPlan`]:
//! which column holds the respondent id, which measure a capability
//! directly, which answer a survey item (and whether it is reverse-keyed),
//! which are metadata, and on which label scale each answer column is read.
//! Every later row is parsed by [`ColumnPlan::parse_record`] alone, a pure
//! function of the plan and the row, which costs a few parses and additions
//! per cell. The plan is separate from the [`ResponseReader`] so that rows
//! can be parsed on several threads while one thread reads them (see
//! [`ResponseReader::next_record`] and [`crate::ResponseChunks`]).
//!
//! Columns are matched loosely (case, spaces and punctuation ignored): by
//! name, a capability before a survey item id; then by question text
//! against the survey's statements, exactly and then loosely. Anything that
//! matches nothing is an error listing every such column with suggestions,
//! unless the caller asked to ignore them: a typo in a column name should
//! never silently drop an answer.
//!
//! A capability's value is the mean of its answered cells (reverse-keyed
//! items mirrored first, answers on another scale than the response scale
//! mapped onto it), mapped linearly from the response scale onto the matrix
//! scale: `Lm + (v - Lr) * (Hm - Lm) / (Hr - Lr)`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use csv::ByteRecord;
use rolefit_model::{
    first_few, first_few_of, match_key, ProfileBatch, QualityFlags, ResponseScale, RoleMatrix, Scale, Survey,
};

use crate::error::{ErrorKind, ImportError, UnknownColumn};
use crate::labels::{builtin_scales, find_scale, scale_names, NamedScale};
use crate::layout::{read_head, timestamp, Head, Meta, Source};
use crate::suggest::{suggest, suggest_owned};
use crate::table::{cell, check_length_of, number, parse_number, Fields, Table};

/// What the header of a responses file should be, for the error on empty
/// input.
pub(crate) const RESPONSES_EXPECTED: &str =
    "a header row naming the respondent id column and capability or survey \
     item columns, such as `respondent,Q01,Q02`";

/// Batches are allocated for at most this many rows up front.
const MAX_PREALLOCATED_ROWS: usize = 4096;

/// Data bytes read ahead, past the header, to choose each column's label
/// scale from the labels in its first rows.
pub(crate) const SAMPLE_BYTES: usize = 128 << 10;

/// Straight-lining needs at least this many answers, all the same.
pub const STRAIGHT_LINING_MIN_ANSWERS: usize = 3;

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

/// What one column of a responses file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    /// The respondent id.
    Id,
    /// A direct answer for the matrix capability with this index.
    Capability(usize),
    /// An answer to a survey item.
    Item {
        /// The item's index in the survey.
        item: usize,
        /// The index of the matrix capability it measures.
        capability: usize,
        /// Whether answers are mirrored on the response scale.
        reverse: bool,
    },
    /// A column that matches nothing and was skipped on request.
    Ignored,
    /// A survey tool's metadata (start date, IP address, duration, ...).
    Metadata,
}

/// One column that contributes to a capability.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Measure {
    column: usize,
    capability: usize,
    reverse: bool,
    /// The index of the column's scale in [`ColumnPlan::scales`].
    scale: usize,
    /// That scale's range.
    range: Scale,
    /// Whether the range differs from the response scale's, so that
    /// answers are mapped onto it.
    rescale: bool,
}

/// A scale answers are read on, and what its cells may hold, for messages.
#[derive(Debug, Clone, PartialEq)]
struct ColumnScale {
    scale: ResponseScale,
    name: Option<String>,
    expected: String,
}

/// Where a row's duration comes from, for `speeding`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Timing {
    None,
    /// Seconds, in this column.
    Duration(usize),
    /// Start and end times, in these columns.
    Span(usize, usize),
}

/// The rules for quality flags, with the columns they read.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FlagRules {
    options: FlagOptions,
    timing: Timing,
}

/// The mapping of a responses file's columns, decided once from its header.
///
/// Every row is then parsed with [`ColumnPlan::parse_record`], which needs
/// nothing but the plan and the row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPlan {
    source: String,
    /// Ignored columns that look like respondent ids, by 0-based index.
    id_like: Vec<usize>,
    layout: Source,
    header: Vec<String>,
    columns: Vec<ColumnRole>,
    id_column: Option<usize>,
    measures: Vec<Measure>,
    /// The response scale first, then the other scales columns are on.
    scales: Vec<ColumnScale>,
    matrix_scale: Scale,
    capabilities: usize,
    delimiter: u8,
    flags: Option<FlagRules>,
    dense: Option<DensePlan>,
    ambiguous: Vec<AmbiguousScale>,
}

/// The common shape of a responses file, read by
/// [`ColumnPlan::parse_dense_line`]: at most one answer column per
/// capability, none reverse-keyed or on a scale of its own, and no quality
/// flags; so each answer is the capability's value, mapped from the
/// response scale to the matrix's.
#[derive(Debug, Clone, PartialEq)]
struct DensePlan {
    /// What each column of the header holds.
    cells: Vec<DenseCell>,
    /// The response scale.
    from: Scale,
    /// When every column after the first is an answer: those columns'
    /// capabilities and digit tables, for lines whose answers are all one
    /// digit ([`one_digit_answers`]).
    answers_after_first: Option<Vec<(usize, [f64; 10])>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DenseCell {
    /// The respondent id.
    Id,
    /// An answer: the value of this capability, a number inside `range`.
    /// `digits[d]` is what the one-digit answer `d` means on the matrix
    /// scale, NaN when `d` is outside `range`.
    Answer {
        capability: usize,
        range: Scale,
        digits: [f64; 10],
    },
    /// Metadata or a column that is not read.
    Skip,
}

impl DensePlan {
    fn new(
        columns: usize,
        id_column: Option<usize>,
        measures: &[Measure],
        scales: &[ColumnScale],
        matrix_scale: Scale,
        no_flags: bool,
    ) -> Option<DensePlan> {
        if !no_flags || columns == 0 {
            return None;
        }
        let from = scales.first()?.scale.scale();
        let mut cells = vec![DenseCell::Skip; columns];
        if let Some(id) = id_column {
            cells[id] = DenseCell::Id;
        }
        let mut seen = std::collections::HashSet::new();
        for m in measures {
            if m.reverse || m.rescale || !seen.insert(m.capability) || cells[m.column] != DenseCell::Skip {
                return None;
            }
            let digits = std::array::from_fn(|d| {
                let d = d as f64;
                if m.range.contains(d) {
                    from.map_to(d, &matrix_scale)
                } else {
                    f64::NAN
                }
            });
            cells[m.column] = DenseCell::Answer {
                capability: m.capability,
                range: m.range,
                digits,
            };
        }
        let answers_after_first = cells[1..]
            .iter()
            .map(|cell| match *cell {
                DenseCell::Answer {
                    capability, digits, ..
                } => Some((capability, digits)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .filter(|answers| !answers.is_empty());
        Some(DensePlan {
            cells,
            from,
            answers_after_first,
        })
    }
}

/// Per-row working space, reused across rows.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    sums: Vec<f64>,
    counts: Vec<u32>,
    values: Vec<Option<f64>>,
    /// A dense line's values and answered flags.
    dense_values: Vec<f64>,
    dense_answered: Vec<bool>,
}

/// What the flags need to know of a row's answers.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    answered: usize,
    first: f64,
    varied: bool,
}

/// Where a row is: its line in the file and its 1-based number among the
/// data rows (they differ when the header is not on line 1, when blank
/// lines are skipped and when quoted cells hold line breaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowPosition {
    /// The 1-based line the row starts on.
    pub line: u64,
    /// The 1-based data row number (the respondent id when the file has no
    /// id column).
    pub row: u64,
}

/// Whether a trimmed cell means "no answer": empty, `NA` or `N/A`.
fn is_missing(text: &str) -> bool {
    text.is_empty() || text.eq_ignore_ascii_case("na") || text.eq_ignore_ascii_case("n/a")
}

/// The response scale in use, and its name if it has one: the one named,
/// or the one asked for (keeping the survey's labels if it is the survey's
/// scale), else the survey's, else agreement.
fn response_scale(
    options: &ResponseOptions,
    survey: Option<&Survey>,
    source: &str,
) -> Result<(ResponseScale, Option<String>), ImportError> {
    if let Some(name) = &options.scale_name {
        return match find_scale(name, &options.labels) {
            Some(named) => Ok((named.scale, Some(named.description))),
            None => Err(ImportError::new(
                source,
                ErrorKind::Data {
                    problem: format!("there is no label scale named {name:?}"),
                    expected: format!(
                        "a scale MIN..MAX or the name of a label scale: {}",
                        first_few(scale_names(&options.labels), ", ")
                    ),
                },
            )),
        };
    }
    Ok(match (options.scale, survey) {
        (Some(scale), Some(survey)) if survey.scale().scale() == scale => (survey.scale().clone(), None),
        (Some(scale), _) => (ResponseScale::numeric(scale), None),
        (None, Some(survey)) => (survey.scale().clone(), None),
        (None, None) => (ResponseScale::agreement5(), None),
    })
}

/// `"a number from 1 to 5 or one of: ..."` for a response scale.
fn expected_answer(scale: &ResponseScale) -> String {
    let range = format!(
        "a number from {} to {}",
        number(scale.scale().min()),
        number(scale.scale().max())
    );
    if scale.labels().is_empty() {
        return range;
    }
    let labels = scale.labels().iter().map(|l| l.label.as_str());
    format!(
        "{range} or one of: {}",
        first_few_of(labels, scale.labels().len(), ", ")
    )
}

/// What a column was matched to.
enum Match {
    Capability(usize),
    Item(usize),
}

/// The survey's statements by text, exactly and loosely (the first item
/// with a text wins).
struct Texts<'s> {
    exact: HashMap<&'s str, usize>,
    loose: HashMap<String, usize>,
}

impl<'s> Texts<'s> {
    fn new(survey: Option<&'s Survey>) -> Self {
        let mut texts = Texts {
            exact: HashMap::new(),
            loose: HashMap::new(),
        };
        for (i, item) in survey.into_iter().flat_map(|s| s.items().iter().enumerate()) {
            let text = item.text.trim();
            let key = match_key(text);
            if key.is_empty() {
                continue;
            }
            texts.exact.entry(text).or_insert(i);
            texts.loose.entry(key).or_insert(i);
        }
        texts
    }
}

/// Matches a question column: its names as capabilities, then as item ids
/// (loosely in a plain file, exactly in an export); then its texts as
/// survey statements, exactly, then loosely, then as capability names.
fn match_column(
    head: &crate::layout::ColumnHead,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    texts: &Texts<'_>,
    loose_ids: bool,
) -> Option<Match> {
    for key in &head.keys {
        if let Some(c) = matrix.capability_index(key) {
            return Some(Match::Capability(c));
        }
        // A survey tool's ids carry meaning in their punctuation (Qualtrics'
        // `Q1_1` is not `Q11`): in exports, ids match exactly (but for case).
        let item = match survey {
            Some(s) if loose_ids => s.item_index(key),
            Some(s) => s
                .items()
                .iter()
                .position(|it| it.id.trim().eq_ignore_ascii_case(key.trim())),
            None => None,
        };
        if let Some(i) = item {
            return Some(Match::Item(i));
        }
    }
    if let Some(&i) = head.texts.iter().find_map(|t| texts.exact.get(t.as_str())) {
        return Some(Match::Item(i));
    }
    if let Some(&i) = head.texts.iter().find_map(|t| texts.loose.get(&match_key(t))) {
        return Some(Match::Item(i));
    }
    head.texts
        .iter()
        .find_map(|t| matrix.capability_index(t))
        .map(Match::Capability)
}

/// Whether a column that matches no capability looks like respondent
/// ids: a header with the word `id` (`EmployeeID`, `user_id`), `employee`,
/// `name` or `email` in it, or at least five sampled values, all filled
/// and all different.
pub fn looks_like_ids<'a>(header: &str, values: impl Iterator<Item = Option<&'a [u8]>>) -> bool {
    let lower = header.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    let camel_id = header.ends_with("ID") || header.ends_with("Id");
    if camel_id
        || words.iter().any(|w| {
            *w == "id" || w.contains("employee") || w.contains("email") || *w == "name" || w.ends_with("name")
        })
    {
        return true;
    }
    let mut seen = std::collections::HashSet::new();
    for value in values {
        let value = value.map(<[u8]>::trim_ascii).unwrap_or_default();
        if value.is_empty() || !seen.insert(value) {
            return false;
        }
    }
    seen.len() >= 5
}

/// The distinct labels (cells that are neither numbers nor missing) of
/// column `column` in the sample rows, by match key; at most a few dozen.
fn sample_labels(sample: &[ByteRecord], column: usize) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for record in sample {
        let Some(text) = record.get(column).and_then(|c| std::str::from_utf8(c).ok()) else {
            continue;
        };
        let text = text.trim();
        if is_missing(text) || parse_number(text).is_ok() {
            continue;
        }
        let key = match_key(text);
        if !key.is_empty() && !labels.contains(&key) {
            labels.push(key);
            if labels.len() >= 40 {
                break;
            }
        }
    }
    labels
}

/// A label scale chosen for a column.
struct Detected {
    /// The scale, when it is not the response scale.
    scale: Option<NamedScale>,
    /// The chosen scale's name, and the other scales that hold every label
    /// seen in the column but would read some of them as other values
    /// (`agreement7` for a column of `Agree` and `Disagree` read on
    /// `agreement5`); `None` when the labels settle it, another column's
    /// labels did, or numbers in the sample vouch for the scale.
    ambiguous: Option<(String, Vec<String>)>,
}

/// Chooses the label scale of each answer column from the labels its sample
/// cells hold (`None`: the response scale). A column's scale is one that
/// holds every label seen in it; of several, one that some other column
/// needs (it is the only one that fits there) wins, else the first in the
/// order: custom scales, the response scale, the built-in ones (and then,
/// when no answer cell of the sample is a number, the choice is reported
/// as ambiguous if another of them would read the labels differently). A
/// column with a label no scale knows takes the scale that knows most of
/// its labels, and the unknown label is reported where it occurs.
fn detect_scales(
    columns: &[usize],
    sample: &[ByteRecord],
    base: &ResponseScale,
    custom: &[NamedScale],
) -> Vec<Detected> {
    let mut candidates: Vec<NamedScale> = custom.to_vec();
    let builtins = builtin_scales();
    if !base.labels().is_empty() && !builtins.iter().any(|b| b.scale == *base) {
        candidates.push(NamedScale {
            name: "survey".into(),
            description: "the survey's scale".into(),
            scale: base.clone(),
        });
    }
    candidates.extend(builtins);
    let labels: Vec<Vec<String>> = columns
        .iter()
        .map(|&column| sample_labels(sample, column))
        .collect();
    let fits: Vec<Vec<usize>> = labels
        .iter()
        .map(|labels| {
            if labels.is_empty() {
                return Vec::new();
            }
            let known: Vec<usize> = candidates
                .iter()
                .map(|c| labels.iter().filter(|l| c.scale.value_of(l).is_some()).count())
                .collect();
            let all: Vec<usize> = (0..candidates.len())
                .filter(|&i| known[i] == labels.len())
                .collect();
            if !all.is_empty() {
                return all;
            }
            let best = known.iter().copied().max().unwrap_or(0);
            if best == 0 {
                return Vec::new();
            }
            vec![known.iter().position(|&k| k == best).unwrap_or(0)]
        })
        .collect();
    let needed: Vec<usize> = fits.iter().filter(|f| f.len() == 1).map(|f| f[0]).collect();
    // Numbers among the answers are checked against the scale as they are
    // read (a 6 on five points is an error), so they already vouch for it.
    let numbers_seen = columns.iter().any(|&column| {
        sample.iter().any(|record| {
            record
                .get(column)
                .and_then(|c| std::str::from_utf8(c).ok())
                .is_some_and(|text| parse_number(text.trim()).is_ok())
        })
    });
    fits.iter()
        .zip(&labels)
        .map(|(fit, labels)| {
            let by_need = fit.iter().find(|i| needed.contains(i));
            let Some(&choice) = by_need.or(fit.first()) else {
                return Detected {
                    scale: None,
                    ambiguous: None,
                };
            };
            let chosen = &candidates[choice];
            let others: Vec<String> = fit
                .iter()
                .filter(|&&other| other != choice && by_need.is_none() && !numbers_seen)
                .filter(|&&other| !reads_alike(&chosen.scale, &candidates[other].scale, labels))
                .map(|&other| candidates[other].name.clone())
                .collect();
            Detected {
                scale: (chosen.scale != *base).then(|| chosen.clone()),
                ambiguous: (!others.is_empty()).then(|| (chosen.name.clone(), others)),
            }
        })
        .collect()
}

/// Whether two scales put every one of `labels` at the same point of their
/// range (as a fraction of it), so that reading a column on either gives
/// the same values.
fn reads_alike(a: &ResponseScale, b: &ResponseScale, labels: &[String]) -> bool {
    let at = |scale: &ResponseScale, label: &str| {
        let range = scale.scale();
        scale.value_of(label).map(|v| (v - range.min()) / range.width())
    };
    labels.iter().all(|l| match (at(a, l), at(b, l)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12,
        _ => false,
    })
}

/// A column whose labels fit more than one label scale, read on the first
/// of them (see [`ColumnPlan::ambiguous_scales`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguousScale {
    /// The column, 0-based.
    pub column: usize,
    /// The scale it was read on.
    pub chosen: String,
    /// The other scales its labels fit, which would read them as other
    /// values.
    pub alternatives: Vec<String>,
}

impl ColumnPlan {
    /// Maps the columns of `head`.
    pub(crate) fn new(
        head: &Head,
        source: &str,
        matrix: &RoleMatrix,
        survey: Option<&Survey>,
        options: &ResponseOptions,
    ) -> Result<Self, ImportError> {
        let header: Vec<String> = head.columns.iter().map(|c| c.name.clone()).collect();
        let at_header = |e: ImportError| e.at_line(head.header_line);
        let id_column = match &options.id_column {
            Some(name) => {
                let key = match_key(name);
                let found = header.iter().position(|h| h == name.trim()).or_else(|| {
                    (!key.is_empty())
                        .then(|| header.iter().position(|h| match_key(h) == key))
                        .flatten()
                });
                Some(found.ok_or_else(|| {
                    let hint = suggest(name, header.iter().map(String::as_str));
                    let hint = if hint.is_empty() {
                        String::new()
                    } else {
                        let quoted: Vec<String> = hint.iter().map(|h| format!("{h:?}")).collect();
                        format!(" (did you mean {}?)", quoted.join(" or "))
                    };
                    let names = header.iter().map(|h| crate::error::shown(h));
                    at_header(ImportError::header(
                        source,
                        format!("there is no respondent id column {name:?}{hint}"),
                        format!(
                            "the name of a header column: {}",
                            first_few_of(names, header.len(), ", ")
                        ),
                    ))
                })?)
            }
            None => head.default_id,
        };

        let texts = Texts::new(survey);
        let mut columns = Vec::with_capacity(header.len());
        let mut measures = Vec::new();
        let mut unknown = Vec::new();
        let mut item_columns: HashMap<usize, usize> = HashMap::new();
        let (mut duration, mut start, mut end) = (None, None, None);
        let measure = |column: usize, capability: usize, reverse: bool| Measure {
            column,
            capability,
            reverse,
            scale: 0,
            range: Scale::default(),
            rescale: false,
        };
        for (i, column) in head.columns.iter().enumerate() {
            if Some(i) == id_column {
                columns.push(ColumnRole::Id);
                continue;
            }
            if let Some(meta) = column.meta {
                match meta {
                    Meta::Duration => duration = Some(i),
                    Meta::Start => start = Some(i),
                    Meta::End => end = Some(i),
                    Meta::Other => {}
                }
                columns.push(ColumnRole::Metadata);
                continue;
            }
            match match_column(column, matrix, survey, &texts, head.layout == Source::Plain) {
                Some(Match::Capability(capability)) => {
                    columns.push(ColumnRole::Capability(capability));
                    measures.push(measure(i, capability, false));
                }
                Some(Match::Item(index)) => {
                    let item = &survey.expect("an item match needs a survey").items()[index];
                    let Some(capability) = matrix.capability_index(&item.capability) else {
                        return Err(at_header(
                            ImportError::new(
                                source,
                                ErrorKind::ItemCapability {
                                    item: item.id.clone(),
                                    capability: item.capability.clone(),
                                },
                            )
                            .at_column(i, &header[i]),
                        ));
                    };
                    if let Some(&first) = item_columns.get(&index) {
                        return Err(at_header(
                            ImportError::header(
                                source,
                                format!(
                                    "answers survey item {:?}, as column {} {:?} does",
                                    item.id,
                                    first + 1,
                                    header[first]
                                ),
                                "each survey item answered in one column (drop one, or pass \
                                 --ignore-unknown-columns after renaming it to something the survey does not know)",
                            )
                            .at_column(i, &header[i]),
                        ));
                    }
                    item_columns.insert(index, i);
                    columns.push(ColumnRole::Item {
                        item: index,
                        capability,
                        reverse: item.reverse,
                    });
                    measures.push(measure(i, capability, item.reverse));
                }
                None => {
                    columns.push(ColumnRole::Ignored);
                    unknown.push(i);
                }
            }
        }

        if !unknown.is_empty() && !options.ignore_unknown_columns {
            let caps = matrix.capabilities();
            let candidates: Vec<&str> = caps
                .iter()
                .map(|c| c.name.as_str())
                .chain(caps.iter().flat_map(|c| c.aliases.iter().map(String::as_str)))
                .chain(caps.iter().map(|c| c.id.as_str()))
                .chain(
                    survey
                        .into_iter()
                        .flat_map(|s| s.items().iter().map(|i| i.id.as_str())),
                )
                .collect();
            // Suggestions for the columns a message lists; the others are
            // only counted.
            let listed: Vec<UnknownColumn> = unknown
                .iter()
                .enumerate()
                .map(|(n, &i)| UnknownColumn {
                    index: i + 1,
                    name: header[i].clone(),
                    suggestions: if n < rolefit_model::LISTED {
                        suggest_owned(&header[i], candidates.iter().copied())
                    } else {
                        Vec::new()
                    },
                    text: head.columns[i]
                        .texts
                        .first()
                        .filter(|t| **t != header[i])
                        .cloned(),
                    id_like: looks_like_ids(&header[i], head.sample.iter().map(|r| r.get(i))),
                })
                .collect();
            let kind = if head.layout == Source::Plain {
                ErrorKind::UnknownColumns { columns: listed }
            } else {
                ErrorKind::UnmappedQuestions {
                    layout: head.layout.title().to_string(),
                    columns: listed,
                }
            };
            let mut err = at_header(ImportError::new(source, kind));
            if let [only] = unknown[..] {
                err = err.at_column(only, &header[only]);
            }
            return Err(err);
        }

        if measures.is_empty() {
            let mut problem = "no column of the header matches a capability or survey item".to_string();
            if !unknown.is_empty() {
                let names = unknown.iter().map(|&i| crate::error::shown(&header[i]));
                problem.push_str(&format!(
                    " (ignored: {})",
                    first_few_of(names, unknown.len(), ", ")
                ));
            }
            let mut expected =
                "columns named after capabilities of the role matrix (id, name or alias".to_string();
            if let Some(c) = matrix.capabilities().first() {
                expected.push_str(&format!(", for example {:?}", c.name));
            }
            expected.push(')');
            if let Some(item) = survey.and_then(|s| s.items().first()) {
                expected.push_str(&format!(" or survey item ids (for example {:?})", item.id));
            }
            return Err(at_header(ImportError::header(source, problem, expected)));
        }

        let (base, base_name) = response_scale(options, survey, source)?;
        let mut scales = vec![ColumnScale {
            expected: expected_answer(&base),
            scale: base.clone(),
            name: base_name,
        }];
        let mut ambiguous = Vec::new();
        if options.scale.is_none() && options.scale_name.is_none() {
            let answer_columns: Vec<usize> = measures.iter().map(|m| m.column).collect();
            let detected = detect_scales(&answer_columns, &head.sample, &base, &options.labels);
            for (m, detected) in measures.iter_mut().zip(detected) {
                if let Some((chosen, alternatives)) = detected.ambiguous {
                    ambiguous.push(AmbiguousScale {
                        column: m.column,
                        chosen,
                        alternatives,
                    });
                }
                let Some(chosen) = detected.scale else { continue };
                m.scale = match scales.iter().position(|s| s.scale == chosen.scale) {
                    Some(at) => at,
                    None => {
                        scales.push(ColumnScale {
                            expected: format!(
                                "{} ({}, chosen from the labels in the column's first rows; --scale NAME \
                                 sets the scale of every column)",
                                expected_answer(&chosen.scale),
                                chosen.description
                            ),
                            scale: chosen.scale,
                            name: Some(chosen.name),
                        });
                        scales.len() - 1
                    }
                };
            }
        }
        let base_range = base.scale();
        for m in &mut measures {
            m.range = scales[m.scale].scale.scale();
            m.rescale = m.range != base_range;
        }

        let flags = match options.flags {
            None => None,
            Some(flag_options) => {
                let timing = match (duration, start, end) {
                    (Some(d), _, _) => Timing::Duration(d),
                    (None, Some(s), Some(e)) => Timing::Span(s, e),
                    _ => Timing::None,
                };
                if flag_options.min_seconds.is_some() && timing == Timing::None {
                    return Err(at_header(ImportError::header(
                        source,
                        format!(
                            "speeding (--min-seconds) needs each response's duration, and this {} file has \
                             no duration column and no start and end times",
                            head.layout.title()
                        ),
                        "a Qualtrics `Duration (in seconds)` column or the start and end times of a \
                         Qualtrics, SurveyMonkey, Microsoft Forms or Typeform export",
                    )));
                }
                Some(FlagRules {
                    options: flag_options,
                    timing,
                })
            }
        };

        let dense = DensePlan::new(
            header.len(),
            id_column,
            &measures,
            &scales,
            matrix.scale(),
            flags.is_none(),
        );
        let id_like = unknown
            .iter()
            .copied()
            .filter(|&i| looks_like_ids(&header[i], head.sample.iter().map(|r| r.get(i))))
            .collect();
        Ok(ColumnPlan {
            source: source.to_string(),
            layout: head.layout,
            id_like,
            header,
            columns,
            id_column,
            measures,
            scales,
            matrix_scale: matrix.scale(),
            capabilities: matrix.capabilities().len(),
            delimiter: head.delimiter,
            flags,
            dense,
            ambiguous,
        })
    }

    /// Reads a line without quotes straight into `out` when the file has
    /// the common shape ([`DensePlan`]) and every cell of the line is
    /// plain: an id, numbers inside the scale, blanks. One pass over the
    /// bytes, cells parsed as they are found. `false` (and nothing done)
    /// for anything else (no dense plan, a label, `NA`, a value out of
    /// range, a wrong number of cells, an empty id, a very long line),
    /// which the general path then reads, or reports, as always: so the
    /// result is the general path's, only sooner.
    pub(crate) fn parse_dense_line(
        &self,
        line: &[u8],
        row_number: u64,
        scratch: &mut Scratch,
        out: &mut ProfileBatch,
    ) -> bool {
        let Some(dense) = &self.dense else {
            return false;
        };
        if line.len() > crate::limits::MAX_FIELD_BYTES {
            return false;
        }
        let delimiter = self.delimiter;
        let (values, answered) = (&mut scratch.dense_values, &mut scratch.dense_answered);
        values.clear();
        values.resize(self.capabilities, 0.0);
        answered.clear();
        answered.resize(self.capabilities, false);
        let mut id = None;
        let mut start = 0;
        let last = dense.cells.len() - 1;
        for (j, plan) in dense.cells.iter().enumerate() {
            // `start` never passes the end: it follows a delimiter.
            let rest = &line[start..];
            // Most cells are one digit and the delimiter (or the line's end).
            let digit = match rest {
                [d, b, ..] if j != last && *b == delimiter && d.is_ascii_digit() => Some(d - b'0'),
                [d] if j == last && d.is_ascii_digit() => Some(d - b'0'),
                _ => None,
            };
            let (cell, next) = if digit.is_some() {
                (&rest[..1], start + 2)
            } else if j == last {
                if rest.contains(&delimiter) {
                    return false;
                }
                (rest, line.len())
            } else {
                let Some(at) = rest.iter().position(|&b| b == delimiter) else {
                    return false;
                };
                (&rest[..at], start + at + 1)
            };
            match plan {
                DenseCell::Skip => {}
                DenseCell::Id => match std::str::from_utf8(cell).map(str::trim) {
                    Ok(text) if !text.is_empty() => id = Some(text),
                    _ => return false,
                },
                DenseCell::Answer {
                    capability,
                    range,
                    digits,
                } => {
                    let value = match digit {
                        // NaN: outside the range.
                        Some(d) => digits[usize::from(d)],
                        None => match plain_decimal(cell) {
                            Some(v) if range.contains(v) => dense.from.map_to(v, &self.matrix_scale),
                            None if cell.iter().all(u8::is_ascii_whitespace) => {
                                start = next;
                                continue;
                            }
                            _ => return false,
                        },
                    };
                    if value.is_nan() {
                        return false;
                    }
                    values[*capability] = value;
                    answered[*capability] = true;
                }
            }
            start = next;
            if j == 0 {
                if let Some(answers) = &dense.answers_after_first {
                    match one_digit_answers(answers, &line[start..], delimiter, values, answered) {
                        Some(true) => break,
                        Some(false) => return false,
                        None => {}
                    }
                }
            }
        }
        let mut row_id = itoa::Buffer::new();
        let respondent = match id {
            Some(text) => text,
            None => row_id.format(row_number),
        };
        out.push_parts(respondent, values, answered);
        true
    }

    /// The source name errors use.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The layout of the file: plain, or the survey tool that wrote it.
    pub fn layout(&self) -> Source {
        self.layout
    }

    /// The column names: the trimmed header cells of a plain file; for an
    /// export, the question ids (Qualtrics), `Question [Row]`
    /// (SurveyMonkey) or the header cells.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The respondent id column as (0-based index, header name), or `None`
    /// if respondents are numbered by row.
    pub fn id_column(&self) -> Option<(usize, &str)> {
        self.id_column.map(|i| (i, self.header[i].as_str()))
    }

    /// What each column holds, by 0-based column index.
    pub fn columns(&self) -> &[ColumnRole] {
        &self.columns
    }

    /// The names of the columns skipped because they match nothing.
    pub fn ignored(&self) -> Vec<&str> {
        self.columns
            .iter()
            .zip(&self.header)
            .filter(|(role, _)| **role == ColumnRole::Ignored)
            .map(|(_, name)| name.as_str())
            .collect()
    }

    /// The ignored columns that look like respondent ids
    /// ([`looks_like_ids`]), in header order.
    pub fn id_like_ignored(&self) -> Vec<&str> {
        self.id_like.iter().map(|&i| self.header[i].as_str()).collect()
    }

    /// The delimiter sniffed from the header line: `,`, `\t` or `;`.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The scale answers are read on (columns on another label scale are
    /// mapped onto it).
    pub fn response_scale(&self) -> &ResponseScale {
        &self.scales[0].scale
    }

    /// The label scale column `column` (0-based) is read on, by name
    /// (`agreement7`), when it is not the response scale.
    pub fn column_scale(&self, column: usize) -> Option<&str> {
        let m = self.measures.iter().find(|m| m.column == column)?;
        (m.scale != 0)
            .then(|| self.scales[m.scale].name.as_deref())
            .flatten()
    }

    /// The answer columns whose label scale was a guess: their labels (in
    /// the rows sampled) fit several scales that would read them as
    /// different values, no other column's labels settled which, and no
    /// answer in the sample is a number (numbers are checked against the
    /// scale), so the first in the order of preference was taken (`agreement5` over
    /// `agreement7` for a column of `Agree` and `Disagree`). `--scale`
    /// settles it.
    pub fn ambiguous_scales(&self) -> &[AmbiguousScale] {
        &self.ambiguous
    }

    /// Whether rows get quality flags.
    pub fn flags_on(&self) -> bool {
        self.flags.is_some()
    }

    /// The matrix scale profile values are mapped onto.
    pub fn matrix_scale(&self) -> Scale {
        self.matrix_scale
    }

    /// Values per profile: the matrix's number of capabilities.
    pub fn capabilities(&self) -> usize {
        self.capabilities
    }

    /// How many columns answer each capability, by capability index (0 for
    /// a capability the file does not measure).
    pub fn columns_per_capability(&self) -> Vec<usize> {
        let mut counts = vec![0; self.capabilities];
        for m in &self.measures {
            counts[m.capability] += 1;
        }
        counts
    }

    /// Parses one row and appends its profile to `out`.
    ///
    /// `line` is the line the row starts on and `row_number` its 1-based
    /// number among the data rows, both for errors (and the row number is
    /// the respondent id when there is no id column); see
    /// [`ResponseReader::next_record`]. Nothing is appended on error. With
    /// [`ResponseOptions::flags`], the profile carries its quality flags.
    ///
    /// # Errors
    /// A row with another number of fields than the header, an empty id, a
    /// cell that is not UTF-8, and an answer that is not a finite number
    /// inside its column's scale, not a label of it, and not missing
    /// (empty, `NA`, `N/A`).
    ///
    /// # Panics
    /// If `out` was made for another number of capabilities than
    /// [`ColumnPlan::capabilities`]: that is a bug in the caller.
    pub fn parse_record(
        &self,
        record: &ByteRecord,
        line: u64,
        row_number: u64,
        out: &mut ProfileBatch,
    ) -> Result<(), ImportError> {
        self.parse_into(record, line, row_number, &mut Scratch::default(), out)
    }

    /// [`ColumnPlan::parse_record`] with reused working space.
    pub(crate) fn parse_into<F: Fields + ?Sized>(
        &self,
        record: &F,
        line: u64,
        row_number: u64,
        scratch: &mut Scratch,
        out: &mut ProfileBatch,
    ) -> Result<(), ImportError> {
        record.check_sizes(&self.header, &self.source, line)?;
        check_length_of(record, self.header.len(), &self.source, line)?;
        let name = |i: usize| self.header[i].as_str();
        let mut row_id = itoa::Buffer::new();
        let respondent = match self.id_column {
            Some(i) => {
                let id = cell(record, i, &self.source, name(i), line)?;
                if id.is_empty() {
                    return Err(ImportError::new(
                        &self.source,
                        ErrorKind::EmptyCell {
                            expected: "a respondent id in every row (or no id column at all, to number the rows 1, 2, ...)"
                                .into(),
                        },
                    )
                    .at_line(line)
                    .at_column(i, name(i)));
                }
                id
            }
            None => row_id.format(row_number),
        };
        scratch.sums.resize(self.capabilities, 0.0);
        scratch.sums.fill(0.0);
        scratch.counts.resize(self.capabilities, 0);
        scratch.counts.fill(0);
        let flags = match &self.flags {
            None => {
                self.measure::<F, false>(record, line, scratch)?;
                QualityFlags::NONE
            }
            Some(rules) => {
                let tally = self.measure::<F, true>(record, line, scratch)?;
                self.flags_of(rules, &tally, record)
            }
        };
        let from = self.response_scale().scale();
        scratch.values.clear();
        scratch
            .values
            .extend(scratch.sums.iter().zip(&scratch.counts).map(|(&sum, &count)| {
                let mean = match count {
                    0 => return None,
                    1 => sum,
                    _ => sum / f64::from(count),
                };
                Some(from.map_to(mean, &self.matrix_scale))
            }));
        out.push(respondent, &scratch.values);
        if !flags.is_empty() {
            out.flag_last(flags);
        }
        Ok(())
    }

    /// Reads every answer cell of a row into the sums and counts of
    /// `scratch`; with `TRACK`, also notes what the quality flags need.
    #[inline(always)]
    fn measure<F: Fields + ?Sized, const TRACK: bool>(
        &self,
        record: &F,
        line: u64,
        scratch: &mut Scratch,
    ) -> Result<Tally, ImportError> {
        let mut tally = Tally::default();
        let base = self.scales[0].scale.scale();
        for m in &self.measures {
            // Most cells are short plain numbers: read those without the
            // general path (UTF-8 check, trim, float parser, labels).
            let fast =
                plain_decimal(record.field(m.column).unwrap_or_default()).filter(|&v| m.range.contains(v));
            let value = match fast {
                Some(v) => v,
                None => {
                    let name = self.header[m.column].as_str();
                    let text = cell(record, m.column, &self.source, name, line)?;
                    if is_missing(text) {
                        continue;
                    }
                    self.answer(text, m.scale)
                        .map_err(|e| e.at_line(line).at_column(m.column, name))?
                }
            };
            if TRACK {
                if tally.answered == 0 {
                    tally.first = value;
                } else if value != tally.first {
                    tally.varied = true;
                }
                tally.answered += 1;
            }
            let value = if m.reverse { m.range.mirror(value) } else { value };
            let value = if m.rescale {
                m.range.map_to(value, &base)
            } else {
                value
            };
            scratch.sums[m.capability] += value;
            scratch.counts[m.capability] += 1;
        }
        Ok(tally)
    }

    /// The quality flags of a row.
    fn flags_of<F: Fields + ?Sized>(&self, rules: &FlagRules, tally: &Tally, record: &F) -> QualityFlags {
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

    /// The value of an answer cell (trimmed, not missing) on the scale with
    /// index `scale`.
    fn answer(&self, text: &str, scale: usize) -> Result<f64, ImportError> {
        let column_scale = &self.scales[scale];
        let response_scale = &column_scale.scale;
        let range = response_scale.scale();
        // A column read on another scale than the file's says so (the
        // expectation then names that scale).
        let own = scale != 0;
        let problem = match parse_number(text) {
            Ok(v) if range.contains(v) => return Ok(v),
            Ok(_) if own => "is outside the column's scale",
            Ok(_) => "is outside the response scale",
            Err(problem) => {
                if let Some(v) = response_scale.value_of(text) {
                    return Ok(v);
                }
                match (problem, response_scale.labels().is_empty()) {
                    ("is not a number", false) if own => "is not a number or a label of the column's scale",
                    ("is not a number", false) => "is not a number or a label of the response scale",
                    _ => problem,
                }
            }
        };
        let labels = response_scale.labels().iter().map(|l| l.label.as_str());
        Err(
            ImportError::bad_value(&self.source, text, problem, &column_scale.expected)
                .with_suggestions(suggest_owned(text, labels)),
        )
    }
}

/// Reads the head of a responses file (its header rows, and a sample of
/// its rows when the scale is to be inferred) and plans its columns.
pub(crate) fn read_plan<R: BufRead>(
    input: &mut R,
    source: &str,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    options: &ResponseOptions,
) -> Result<(Head, ColumnPlan), ImportError> {
    let head = read_head(
        input,
        source,
        options.source,
        sample_bytes(options),
        RESPONSES_EXPECTED,
    )?;
    let plan = ColumnPlan::new(&head, source, matrix, survey, options)?;
    Ok((head, plan))
}

/// How many data bytes to read ahead: a sample to choose label scales from,
/// unless one scale was given for every column.
fn sample_bytes(options: &ResponseOptions) -> usize {
    if options.scale.is_none() && options.scale_name.is_none() {
        SAMPLE_BYTES
    } else {
        0
    }
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The value of a cell that is a plain unsigned decimal (`4`, `3.5`, ` 2 `),
/// or `None` for anything else (which takes the general path).
///
/// With at most 15 digits the digits form an integer below 2^53 and the
/// divisor is an exact power of ten, so the one division is correctly
/// rounded: the result is bit for bit what `str::parse::<f64>` gives.
#[inline(always)]
pub(crate) fn plain_decimal(cell: &[u8]) -> Option<f64> {
    if let [digit @ b'0'..=b'9'] = cell {
        return Some(f64::from(digit - b'0'));
    }
    let start = cell.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = cell.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    let text = &cell[start..end];
    let (mut mantissa, mut digits, mut decimals, mut point) = (0u64, 0usize, 0usize, false);
    for &b in text {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 15 {
                    // Longer numbers take the general path (and would
                    // overflow the mantissa; found by fuzzing).
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                decimals += usize::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if digits == 0 || (point && decimals == 0) {
        return None;
    }
    Some(mantissa as f64 / POW10[decimals])
}

/// The rest of a line after its first cell, when it is one digit per
/// column of `answers` and delimiters between (the usual line of a large
/// survey file): each digit looked up in its column's table as the shape is
/// checked, without branches. `None` when the line has another shape (then
/// `values` and `answered` are cleared again); `Some(false)` when a digit
/// is outside its column's range (the general path reports it);
/// `Some(true)` when the answers are written into `values` and `answered`.
pub(crate) fn one_digit_answers(
    answers: &[(usize, [f64; 10])],
    rest: &[u8],
    delimiter: u8,
    values: &mut [f64],
    answered: &mut [bool],
) -> Option<bool> {
    let ((last_capability, last_digits), head) = answers.split_last()?;
    if rest.len() + 1 != 2 * answers.len() {
        return None;
    }
    let (mut shaped, mut outside) = (true, false);
    let mut read = |capability: usize, digits: &[f64; 10], digit: u8| {
        let d = digit.wrapping_sub(b'0');
        shaped &= d < 10;
        let value = digits[usize::from(d.min(9))];
        outside |= value.is_nan();
        values[capability] = value;
        answered[capability] = true;
    };
    // Each digit but the last with the delimiter after it, then the last.
    let mut delimited = true;
    for (&(capability, ref digits), pair) in head.iter().zip(rest.chunks_exact(2)) {
        delimited &= pair[1] == delimiter;
        read(capability, digits, pair[0]);
    }
    read(*last_capability, last_digits, rest[rest.len() - 1]);
    shaped &= delimited;
    if !shaped {
        values.fill(0.0);
        answered.fill(false);
        return None;
    }
    Some(!outside)
}

/// Streams profiles out of a responses file.
///
/// ```
/// use rolefit_import::{builtin, ResponseOptions, ResponseReader};
///
/// let matrix = builtin::matrix();
/// let survey = builtin::survey();
/// let csv = "respondent,Communication,Risk Management,Q01\nana,4,Agree,\nbo,NA,2,5\n";
/// let mut reader =
///     ResponseReader::new(csv.as_bytes(), "<stdin>", &matrix, Some(&survey), &ResponseOptions::default())?;
/// let batch = reader.read_batch(100)?.expect("two rows");
/// assert_eq!(batch.respondents(), ["ana", "bo"]);
/// let communication = matrix.capability_index("communication").unwrap();
/// assert_eq!(batch.profile(0).values[communication], Some(4.0));
/// assert_eq!(batch.profile(1).values[communication], None);
/// assert!(reader.read_batch(100)?.is_none());
/// # Ok::<(), rolefit_import::ImportError>(())
/// ```
pub struct ResponseReader<R: Read> {
    table: Table<R>,
    plan: ColumnPlan,
    record: ByteRecord,
    scratch: Scratch,
    rows: u64,
}

impl<R: Read> ResponseReader<R> {
    /// Reads the header of `reader` and maps its columns onto `matrix`
    /// (and `survey`, if given). `source` names the input in errors (a
    /// path, or `<stdin>`).
    ///
    /// # Errors
    /// Unreadable or empty input, an empty or duplicate header name, an id
    /// column asked for that does not exist (with suggestions), a survey
    /// item column whose capability the matrix lacks, columns that match
    /// nothing (all listed, with suggestions, unless
    /// [`ResponseOptions::ignore_unknown_columns`]), and a header where no
    /// column measures anything.
    pub fn new(
        reader: R,
        source: &str,
        matrix: &RoleMatrix,
        survey: Option<&Survey>,
        options: &ResponseOptions,
    ) -> Result<Self, ImportError> {
        let mut input = BufReader::new(reader);
        let (head, plan) = read_plan(&mut input, source, matrix, survey, options)?;
        let table = Table::resume(
            head.rest,
            input,
            source,
            head.delimiter,
            plan.header.clone(),
            head.data_line,
        );
        Ok(ResponseReader {
            table,
            plan,
            record: ByteRecord::new(),
            scratch: Scratch::default(),
            rows: 0,
        })
    }

    /// The column mapping decided from the header.
    pub fn plan(&self) -> &ColumnPlan {
        &self.plan
    }

    /// Reads up to `max_rows` rows (at least one) into a new batch; `None`
    /// at the end of the input.
    ///
    /// # Errors
    /// See [`ColumnPlan::parse_record`]; also unreadable input. The rows of
    /// the batch read before the failing row are dropped with it; a later
    /// call continues after the failing row.
    pub fn read_batch(&mut self, max_rows: usize) -> Result<Option<ProfileBatch>, ImportError> {
        let max_rows = max_rows.max(1);
        let mut batch =
            ProfileBatch::with_capacity(self.plan.capabilities, max_rows.min(MAX_PREALLOCATED_ROWS));
        while batch.len() < max_rows {
            let Some(line) = self.table.next(&mut self.record, false)? else {
                break;
            };
            self.rows += 1;
            self.plan
                .parse_into(&self.record, line, self.rows, &mut self.scratch, &mut batch)?;
        }
        Ok((!batch.is_empty()).then_some(batch))
    }

    /// Reads every remaining row into one batch (empty if there are none).
    ///
    /// # Errors
    /// As [`ResponseReader::read_batch`].
    pub fn read_all(mut self) -> Result<ProfileBatch, ImportError> {
        Ok(self
            .read_batch(usize::MAX)?
            .unwrap_or_else(|| ProfileBatch::new(self.plan.capabilities)))
    }

    /// Reads the next row, unparsed, into `record`, and says where it is;
    /// `None` at the end. Blank rows are skipped and not counted. This is
    /// the reading half of [`ResponseReader::read_batch`], for a caller
    /// that parses rows elsewhere with [`ColumnPlan::parse_record`].
    ///
    /// # Errors
    /// Unreadable input.
    pub fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<RowPosition>, ImportError> {
        let Some(line) = self.table.next(record, false)? else {
            return Ok(None);
        };
        self.rows += 1;
        Ok(Some(RowPosition { line, row: self.rows }))
    }

    /// How many data rows have been read so far (blank rows not counted),
    /// including one that failed to parse.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rolefit_model::{Capability, Requirement, Role, SurveyItem};

    /// Three capabilities on 1..5; "Risk Management" has the alias "Risk Mgmt".
    fn matrix() -> RoleMatrix {
        let mut risk = Capability::new("risk-management", "Risk Management");
        risk.aliases.push("Risk Mgmt".into());
        let caps = vec![
            risk,
            Capability::new("communication", "Communication"),
            Capability::new("budget-management", "Budget Management"),
        ];
        let role = Role::new("lead", "Lead", vec![Requirement::level(3.0); 3]);
        RoleMatrix::new("t", "test", Scale::default(), caps, vec![role]).unwrap()
    }

    fn item(id: &str, capability: &str, reverse: bool) -> SurveyItem {
        SurveyItem {
            id: id.into(),
            text: String::new(),
            capability: capability.into(),
            reverse,
        }
    }

    /// Q1, Q2 (reverse) measure risk, Q3 communication, Q4 a capability the
    /// matrix lacks, and an item called "Communication" measures budget.
    fn survey() -> Survey {
        Survey::new(
            "s",
            vec![
                item("Q1", "risk-management", false),
                item("Q2", "Risk Management", true),
                item("Q3", "communication", false),
                item("Q4", "Vision", false),
                item("Communication", "budget-management", false),
            ],
            ResponseScale::agreement5(),
        )
        .unwrap()
    }

    fn reader<'a>(text: &'a str, options: &ResponseOptions) -> Result<ResponseReader<&'a [u8]>, ImportError> {
        ResponseReader::new(text.as_bytes(), "r.csv", &matrix(), Some(&survey()), options)
    }

    fn read(text: &str) -> Result<ProfileBatch, ImportError> {
        reader(text, &ResponseOptions::default())?.read_all()
    }

    fn err(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    fn values(batch: &ProfileBatch, i: usize) -> Vec<Option<f64>> {
        batch.profile(i).values
    }

    #[test]
    fn items_are_averaged_and_reverse_keyed_items_mirrored() {
        let b = read("respondent,Q1,Q2,Q3\nana,4,2,5\nbo,5,,1\n").unwrap();
        assert_eq!(b.respondents(), ["ana", "bo"]);
        // Q2 = 2 mirrored is 4; mean(4, 4) = 4.
        assert_eq!(values(&b, 0), [Some(4.0), Some(5.0), None]);
        assert_eq!(values(&b, 1), [Some(5.0), Some(1.0), None]);
        let b = read("id,Q1,Q2\nx,5,5\n").unwrap();
        assert_eq!(values(&b, 0)[0], Some(3.0), "mean(5, 6 - 5)");
    }

    #[test]
    fn capability_columns_match_by_id_name_or_alias_and_mix_with_items() {
        let b = read("Respondent ID,RISK MGMT,budget-management,Q1\nx,2,3,4\n").unwrap();
        assert_eq!(values(&b, 0), [Some(3.0), None, Some(3.0)]);
    }

    #[test]
    fn a_capability_match_wins_over_an_item_match() {
        let r = reader("respondent,Communication\nx,2\n", &ResponseOptions::default()).unwrap();
        assert_eq!(r.plan().columns(), [ColumnRole::Id, ColumnRole::Capability(1)]);
        let r = reader("respondent,Q2\nx,2\n", &ResponseOptions::default()).unwrap();
        assert_eq!(
            r.plan().columns()[1],
            ColumnRole::Item {
                item: 1,
                capability: 0,
                reverse: true
            }
        );
        assert_eq!(r.plan().columns_per_capability(), [1, 0, 0]);
    }

    #[test]
    fn finds_the_id_column_or_numbers_rows() {
        for (header, index) in [("respondent_id", 0), ("ID", 0), ("Respondent", 1)] {
            let text = if index == 0 {
                format!("{header},Q1\nx,1\n")
            } else {
                format!("Q1,{header}\n1,x\n")
            };
            let r = reader(&text, &ResponseOptions::default()).unwrap();
            assert_eq!(r.plan().id_column(), Some((index, header)));
            assert_eq!(r.read_all().unwrap().respondents(), ["x"]);
        }
        let b = read("Q1,Q3\n1,2\n\n3,4\n5,1\n").unwrap();
        assert_eq!(b.respondents(), ["1", "2", "3"]);
        let options = ResponseOptions {
            id_column: Some("who".into()),
            ..Default::default()
        };
        let r = reader("Q1,WHO,id\n1,a,b\n", &options);
        // `id` is not the id column then, and matches nothing.
        assert!(r.err().unwrap().to_string().contains("column 3 \"id\""));
    }

    #[test]
    fn a_missing_id_column_is_named_with_suggestions() {
        let options = ResponseOptions {
            id_column: Some("respondnet".into()),
            ..Default::default()
        };
        let e = reader("respondent,Q1\nx,1\n", &options)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            e,
            "r.csv:1: there is no respondent id column \"respondnet\" (did you mean \"respondent\"?); expected \
             the name of a header column: \"respondent\", \"Q1\""
        );
    }

    #[test]
    fn an_empty_id_is_refused() {
        assert_eq!(
            err("respondent,Q1\na,1\n ,2\n"),
            "r.csv:3: column 1 \"respondent\": the cell is empty; expected a respondent id in every row (or no \
             id column at all, to number the rows 1, 2, ...)"
        );
    }

    #[test]
    fn labels_and_missing_markers_are_read() {
        let b =
            read("respondent,Q1,Q3,Risk Mgmt\nx,strongly AGREE,Neither agree nor disagree,NA\ny,n/a,,N/A\n")
                .unwrap();
        assert_eq!(values(&b, 0), [Some(5.0), Some(3.0), None]);
        assert_eq!(values(&b, 1), [None, None, None]);
        assert_eq!(b.answered_count(1), 0);
        assert!(read("respondent,Q2\nx,Disagree\n").unwrap().row(0).0[0] == 4.0);
    }

    #[test]
    fn unknown_labels_name_file_line_column_and_the_accepted_values() {
        assert_eq!(
            err("respondent,Q1,Q2,Q3\na,1,2,3\n\"b\nc\",4,5,3\nd,1,2,agreee\n"),
            "r.csv:5: column 4 \"Q3\": \"agreee\" is not a number or a label of the response scale (did you \
             mean \"Agree\"?); expected a number from 1 to 5 or one of: Strongly disagree, Disagree, Neither \
             agree nor disagree, Agree, Strongly agree"
        );
        assert_eq!(
            err("respondent,Q1\na,maybe\n"),
            "r.csv:2: column 2 \"Q1\": \"maybe\" is not a number or a label of the response scale; expected a \
             number from 1 to 5 or one of: Strongly disagree, Disagree, Neither agree nor disagree, Agree, \
             Strongly agree"
        );
    }

    #[test]
    fn out_of_range_and_non_finite_answers_are_refused() {
        assert!(err("respondent,Q1\na,7\n").starts_with(
            "r.csv:2: column 2 \"Q1\": \"7\" is outside the response scale; expected a number from 1 to 5 or one of:"
        ));
        assert!(err("respondent,Q1\na,0.5\n").contains("\"0.5\" is outside the response scale"));
        assert!(err("respondent,Q1\na,NaN\n")
            .starts_with("r.csv:2: column 2 \"Q1\": \"NaN\" is not a finite number; expected"));
        assert!(err("respondent,Q1\na,-inf\n").contains("\"-inf\" is not a finite number"));
        let numeric = ResponseOptions {
            scale: Some(Scale::new(0.0, 10.0).unwrap()),
            ..Default::default()
        };
        let e = reader("respondent,Q1\na,Agree\n", &numeric)
            .unwrap()
            .read_all()
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.csv:2: column 2 \"Q1\": \"Agree\" is not a number; expected a number from 0 to 10"
        );
    }

    #[test]
    fn plain_decimals_parse_exactly_like_the_float_parser() {
        for text in [
            "0",
            "4",
            " 5 ",
            ".5",
            "3.5",
            "0.1",
            "2.675",
            "007",
            "123456789012345",
            "1.00000000000001",
        ] {
            assert_eq!(
                plain_decimal(text.as_bytes()),
                Some(text.trim().parse::<f64>().unwrap()),
                "{text}"
            );
        }
        for text in [
            "",
            " ",
            "-1",
            "+2",
            "1e3",
            "1.",
            "1.2.3",
            "NaN",
            "Agree",
            "1234567890123456",
            "4\u{a0}",
        ] {
            assert_eq!(plain_decimal(text.as_bytes()), None, "{text:?}");
        }
    }

    /// Regression (cargo fuzz, target `responses`): a cell of twenty or
    /// more digits overflowed the fast path's mantissa in debug builds.
    #[test]
    fn very_long_digit_strings_take_the_general_path() {
        let long = "4".repeat(40);
        assert_eq!(plain_decimal(long.as_bytes()), None);
        assert_eq!(plain_decimal("8".repeat(25).as_bytes()), None);
        let err = err(&format!("respondent,Q1\nr1,{long}\n"));
        assert!(err.contains("is outside the response scale"), "{err}");
    }

    proptest! {
        #[test]
        fn plain_decimal_agrees_with_parse(int in 0u64..1_000_000, frac in 0u64..1_000_000_000, places in 0usize..9) {
            let text = if places == 0 { int.to_string() } else { format!("{int}.{:0places$}", frac % 10u64.pow(places as u32)) };
            prop_assert_eq!(plain_decimal(text.as_bytes()), Some(text.parse::<f64>().unwrap()));
        }
    }

    #[test]
    fn decimals_are_accepted() {
        let b = read("respondent,Q1\na, 2.5 \n").unwrap();
        assert_eq!(values(&b, 0)[0], Some(2.5));
    }

    #[test]
    fn answers_are_mapped_from_the_response_scale_onto_the_matrix_scale() {
        let seven = ResponseOptions {
            scale: Some(Scale::new(1.0, 7.0).unwrap()),
            ..Default::default()
        };
        let r = reader("respondent,Q1,Q2,Q3\na,4,7,1\nb,7,1,2.5\n", &seven).unwrap();
        assert!(r.plan().response_scale().labels().is_empty());
        let b = r.read_all().unwrap();
        // Q1 4 -> 3; Q2 reverse: 7 -> 1 -> 1; mean 2. Q3 1 -> 1.
        assert_eq!(values(&b, 0), [Some(2.0), Some(1.0), None]);
        // 1 + (v - 1) * 4 / 6
        assert_eq!(values(&b, 1), [Some(5.0), Some(2.0), None]);
        let same = ResponseOptions {
            scale: Some(Scale::default()),
            ..Default::default()
        };
        let r = reader("respondent,Q1\na,Agree\n", &same).unwrap();
        assert_eq!(r.plan().response_scale(), &ResponseScale::agreement5());
        let r = ResponseReader::new(
            &b"respondent,Q1\n"[..],
            "r.csv",
            &matrix(),
            Some(&survey()),
            &Default::default(),
        );
        assert_eq!(r.unwrap().plan().matrix_scale(), Scale::default());
    }

    #[test]
    fn without_a_survey_the_agreement_scale_and_capability_columns_are_used() {
        let r = ResponseReader::new(
            &b"respondent,Communication\nx,Agree\n"[..],
            "r.csv",
            &matrix(),
            None,
            &ResponseOptions::default(),
        )
        .unwrap();
        assert_eq!(r.plan().response_scale(), &ResponseScale::agreement5());
        assert_eq!(values(&r.read_all().unwrap(), 0)[1], Some(4.0));
        let e = ResponseReader::new(
            &b"respondent,Q1\n"[..],
            "r.csv",
            &matrix(),
            None,
            &Default::default(),
        );
        assert!(e.err().unwrap().to_string().contains("column 2 \"Q1\""));
    }

    #[test]
    fn unknown_columns_are_all_listed_with_suggestions() {
        let e = err("respondent,Risk Managment,Q1,Comunication,zzz\na,1,2,3,4\n");
        assert_eq!(
            e,
            "r.csv:1: 3 columns match no capability or survey item: column 2 \"Risk Managment\" (did you mean \
             \"Risk Management\" or \"Risk Mgmt\"?), column 4 \"Comunication\" (did you mean \"Communication\"?), column 5 \"zzz\"; \
             expected a capability id, name or alias of the role matrix, or a survey item id (pass \
             --ignore-unknown-columns to skip columns that match nothing)"
        );
        let e = read("respondent,Q 01\n").unwrap_err();
        assert_eq!(e.column(), Some((2, "Q 01")));
        assert!(
            e.to_string().starts_with(
                "r.csv:1: column 2 \"Q 01\": matches no capability or survey item (did you mean \"Q1\"?); expected"
            ),
            "{e}"
        );
    }

    #[test]
    fn unknown_columns_can_be_ignored() {
        let options = ResponseOptions {
            ignore_unknown_columns: true,
            ..Default::default()
        };
        let r = reader("respondent,notes,Q1,age\na,hi,4,x\n", &options).unwrap();
        assert_eq!(r.plan().ignored(), ["notes", "age"]);
        assert_eq!(r.plan().columns()[1], ColumnRole::Ignored);
        assert_eq!(values(&r.read_all().unwrap(), 0)[0], Some(4.0));
        let e = reader("respondent,notes\na,1\n", &options)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            e,
            "r.csv:1: no column of the header matches a capability or survey item (ignored: \"notes\"); expected \
             columns named after capabilities of the role matrix (id, name or alias, for example \"Risk \
             Management\") or survey item ids (for example \"Q1\")"
        );
        assert!(err("respondent\na\n").contains("no column of the header matches"));
    }

    #[test]
    fn columns_that_look_like_ids_are_named_with_the_flag_to_use() {
        let v = |cells: &'static [&'static str]| cells.iter().map(|c| Some(c.as_bytes())).collect::<Vec<_>>();
        for header in [
            "EmployeeID",
            "user_id",
            "ResponseId",
            "Employee number",
            "Email Address",
            "Full Name",
            "ID",
        ] {
            assert!(looks_like_ids(header, v(&["1", "1"]).into_iter()), "{header}");
        }
        for header in ["notes", "Tidiness", "age", "Paid", "Confidence"] {
            assert!(
                !looks_like_ids(header, v(&["a", "a", "b", "c", "d"]).into_iter()),
                "{header}"
            );
        }
        // All different and filled, in at least five rows.
        assert!(looks_like_ids(
            "person",
            v(&["a", "b", "c", "d", "e"]).into_iter()
        ));
        assert!(!looks_like_ids("person", v(&["a", "b", "c", "d"]).into_iter()));
        assert!(!looks_like_ids(
            "person",
            v(&["a", "b", "", "d", "e", "f"]).into_iter()
        ));
        // The error and the plan name such a column.
        let text = "EmployeeID,notes,Q1\nE1,x,4\nE2,x,3\n";
        let e = reader(text, &ResponseOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("column \"EmployeeID\" looks like respondent ids: if it holds them, pass --id-column \"EmployeeID\""),
            "{e}"
        );
        let options = ResponseOptions {
            ignore_unknown_columns: true,
            ..Default::default()
        };
        let r = reader(text, &options).unwrap();
        assert_eq!(r.plan().ignored(), ["EmployeeID", "notes"]);
        assert_eq!(r.plan().id_like_ignored(), ["EmployeeID"]);
    }

    #[test]
    fn an_item_whose_capability_the_matrix_lacks_is_refused() {
        assert_eq!(
            err("respondent,Q4\na,1\n"),
            "r.csv:1: column 2 \"Q4\": survey item \"Q4\" measures capability \"Vision\", which the role matrix \
             does not have; expected the survey and the role matrix to name the same capabilities (or drop the \
             column)"
        );
    }

    #[test]
    fn header_and_row_shape_errors() {
        assert!(err("").starts_with("r.csv: is empty; expected a header row naming the respondent id column"));
        assert!(err("\u{feff}\r\n").contains("is empty"));
        assert!(err("respondent,Q1,q-1\n").contains("column 3 \"q-1\": has the same name as column 2 \"Q1\""));
        assert_eq!(
            err("respondent,Q1,Q2\na,4\n"),
            "r.csv:2: the row has 2 fields but the header has 3 columns; expected one field per header column \
             (put a field that contains the delimiter or a line break in double quotes)"
        );
        assert!(
            err("respondent,Q1\na,4,5\n").starts_with("r.csv:2: the row has 3 fields but the header has 2")
        );
        let b = read("respondent,Q1\n").unwrap();
        assert!(b.is_empty());
        assert_eq!(b.capabilities(), 3);
    }

    #[test]
    fn bom_crlf_semicolons_and_tabs_are_accepted() {
        for text in [
            "\u{feff}respondent;Q1;Q3\r\na;4;\"2\"\r\n",
            "respondent\tQ1\tQ3\na\t4\t2",
            "respondent,Q1,Q3\r\n\r\na,4,2\r\n,,\r\n",
        ] {
            let b = read(text).unwrap();
            assert_eq!(b.respondents(), ["a"], "{text:?}");
            assert_eq!(values(&b, 0), [Some(4.0), Some(2.0), None], "{text:?}");
        }
    }

    #[test]
    fn quoted_fields_keep_line_numbers_right() {
        let text = "respondent,Q1\n\"multi\nline, id\",4\n\"b\",\"5\"\n\"c\r\n\",x\n";
        let e = read(text).unwrap_err();
        assert_eq!(e.line(), Some(5));
        assert_eq!(e.column(), Some((2, "Q1")));
        let b = read(&text.replace(",x", ",1")).unwrap();
        assert_eq!(b.respondents()[0], "multi\nline, id");
        assert_eq!(b.len(), 3);
    }

    #[test]
    fn invalid_utf8_is_reported_in_its_cell() {
        let e = ResponseReader::new(
            &b"respondent,Q1\n\xff,4\n"[..],
            "r.csv",
            &matrix(),
            Some(&survey()),
            &Default::default(),
        )
        .unwrap()
        .read_all()
        .unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert_eq!(e.column(), Some((1, "respondent")));
        assert!(e.to_string().contains("is not valid UTF-8"));
    }

    #[test]
    fn batches_are_bounded_and_end_with_none() {
        let text = "respondent,Q1\na,1\nb,2\nc,3\nd,4\ne,5\n";
        let mut r = reader(text, &ResponseOptions::default()).unwrap();
        let sizes: Vec<usize> = std::iter::from_fn(|| r.read_batch(2).unwrap().map(|b| b.len())).collect();
        assert_eq!(sizes, [2, 2, 1]);
        assert!(r.read_batch(2).unwrap().is_none());
        assert_eq!(r.rows_read(), 5);
        let mut r = reader(text, &ResponseOptions::default()).unwrap();
        assert_eq!(r.read_batch(0).unwrap().unwrap().len(), 1, "0 reads one row");
    }

    #[test]
    fn records_can_be_read_and_parsed_separately() {
        let text = "respondent,Q1\n\na,1\n\"b\nb\",2\nc,x\n";
        let mut r = reader(text, &ResponseOptions::default()).unwrap();
        let plan = r.plan().clone();
        let mut record = ByteRecord::new();
        let mut batch = ProfileBatch::new(plan.capabilities());
        let mut positions = Vec::new();
        let mut errors = Vec::new();
        while let Some(pos) = r.next_record(&mut record).unwrap() {
            positions.push(pos);
            if let Err(e) = plan.parse_record(&record, pos.line, pos.row, &mut batch) {
                errors.push(e.to_string());
            }
        }
        assert_eq!(
            positions,
            [
                RowPosition { line: 3, row: 1 },
                RowPosition { line: 4, row: 2 },
                RowPosition { line: 6, row: 3 }
            ]
        );
        assert_eq!(batch.respondents(), ["a", "b\nb"]);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("r.csv:6: column 2 \"Q1\": \"x\""),
            "{}",
            errors[0]
        );
        let short = ByteRecord::from(vec!["a"]);
        assert!(plan.parse_record(&short, 9, 9, &mut batch).is_err());
        assert_eq!(plan.source(), "r.csv");
        assert_eq!(plan.header(), ["respondent", "Q1"]);
        assert_eq!(plan.delimiter(), b',');
    }

    #[test]
    fn a_failed_row_does_not_stop_later_reads() {
        let mut r = reader("respondent,Q1\na,x\nb,2\n", &ResponseOptions::default()).unwrap();
        assert!(r.read_batch(10).is_err());
        let b = r.read_batch(10).unwrap().unwrap();
        assert_eq!(b.respondents(), ["b"]);
        assert_eq!(r.rows_read(), 2);
    }

    proptest! {
        #[test]
        fn column_order_does_not_change_profiles(
            rows in proptest::collection::vec(proptest::collection::vec(proptest::option::of(1u8..=5), 5), 1..6),
            order in Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle(),
        ) {
            let names = ["Q1", "Q2", "Q3", "Risk Mgmt", "Budget Management"];
            let write = |order: &[usize]| {
                let mut text = String::from("respondent");
                for &c in order {
                    text.push(',');
                    text.push_str(names[c]);
                }
                text.push('\n');
                for (i, row) in rows.iter().enumerate() {
                    text.push_str(&format!("r{i}"));
                    for &c in order {
                        text.push(',');
                        if let Some(v) = row[c] {
                            text.push_str(&v.to_string());
                        }
                    }
                    text.push('\n');
                }
                text
            };
            let straight = read(&write(&[0, 1, 2, 3, 4])).unwrap();
            let shuffled = read(&write(&order)).unwrap();
            prop_assert_eq!(straight.respondents(), shuffled.respondents());
            for i in 0..straight.len() {
                let (a, b) = (values(&straight, i), values(&shuffled, i));
                for (x, y) in a.iter().zip(&b) {
                    match (x, y) {
                        (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-12),
                        (None, None) => {}
                        _ => prop_assert!(false, "{:?} vs {:?}", a, b),
                    }
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let options = ResponseOptions { ignore_unknown_columns: true, ..Default::default() };
            if let Ok(r) = ResponseReader::new(&bytes[..], "r.csv", &matrix(), Some(&survey()), &options) {
                let _ = r.read_all();
            }
            let _ = crate::read_survey(&bytes[..], "s.csv", ResponseScale::agreement5());
        }

        #[test]
        fn arbitrary_rows_never_panic(body in "[a-z0-9,;\"\\n\\r\\t .NA/-]{0,120}") {
            let text = format!("respondent,Q1,Q2,Communication\n{body}");
            if let Ok(r) = reader(&text, &ResponseOptions::default()) {
                let _ = r.read_all();
            }
        }
    }
}
