//! Label scales: which scale each answer column is read on.
//!
//! The response scale comes from the options or the survey
//! ([`response_scale`]); without `--scale`, each answer column's scale is
//! chosen from the labels in the sampled rows ([`detect_scales`]), and a
//! choice the labels do not settle is reported ([`AmbiguousScale`]).

use csv::ByteRecord;
use rolefit_model::{first_few, first_few_of, match_key, slug, ResponseScale, Scale, Survey, SurveyItem};

use super::missing::{is_blank_answer, NoAnswer};
use super::plan::Measure;
use super::ResponseOptions;
use crate::error::{ErrorKind, ImportError};
use crate::labels::{builtin_scales, find_scale, scale_names, NamedScale};
use crate::layout::Head;
use crate::table::{number, parse_number};

/// A scale answers are read on, and what its cells may hold, for messages.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ColumnScale {
    pub(super) scale: ResponseScale,
    pub(super) name: Option<String>,
    pub(super) expected: String,
}

/// The scales of a plan's answer columns ([`Planned`]).
pub(super) struct Planned {
    /// The response scale first, then each other scale some column is
    /// read on (each measure's `scale`, `range` and `rescale` are set to
    /// match).
    pub(super) scales: Vec<ColumnScale>,
    /// The columns whose scale was a guess.
    pub(super) ambiguous: Vec<AmbiguousScale>,
    /// The labels read as "no answer".
    pub(super) no_answer: NoAnswer,
    /// The columns whose labels fit no label scale.
    pub(super) unfit: Vec<UnfitLabels>,
}

/// A column whose sampled labels (two or more) fit no label scale, and
/// what to do about it, for the error on its first such label.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct UnfitLabels {
    /// The column, 0-based.
    pub(super) column: usize,
    /// The labels seen, by match key.
    pub(super) keys: Vec<String>,
    /// ` (the labels seen in this column ... fit no label scale: ...)`.
    pub(super) hint: String,
}

/// Plans the scales of the answer columns of `measures` ([`Planned`]),
/// from the `sample` rows after the head.
///
/// # Errors
/// A `--scale` name that names no label scale.
pub(super) fn plan_scales(
    head: &Head,
    sample: &[ByteRecord],
    measures: &mut [Measure],
    survey: Option<&Survey>,
    options: &ResponseOptions,
    source: &str,
) -> Result<Planned, ImportError> {
    let (base, base_name) = response_scale(options, survey, source)?;
    let no_answer = NoAnswer::new(options, &base);
    let mut scales = vec![ColumnScale {
        expected: expected_answer(&base),
        scale: base.clone(),
        name: base_name,
    }];
    // Items whose survey definition gives their scale, then the other
    // columns: by their labels, unless --scale gave one for every column.
    let mut given = vec![false; measures.len()];
    if let Some(survey) = survey {
        for (m, given) in measures.iter_mut().zip(&mut given) {
            let Some(item) = m.item.map(|i| &survey.items()[i]) else {
                continue;
            };
            let Some(spec) = &item.scale else { continue };
            let labels = sample_labels(sample, m.column, &no_answer);
            m.scale = item_scale(&mut scales, spec, &item.id, &labels, options, source)?;
            *given = true;
        }
    }
    let mut ambiguous = Vec::new();
    let mut unfit = Vec::new();
    if options.scale.is_none() && options.scale_name.is_none() {
        let mut open: Vec<&mut Measure> = measures
            .iter_mut()
            .zip(&given)
            .filter(|(_, g)| !**g)
            .map(|(m, _)| m)
            .collect();
        let answer_columns: Vec<usize> = open.iter().map(|m| m.column).collect();
        let detected = detect_scales(&answer_columns, sample, &base, &options.labels, &no_answer);
        for (m, detected) in open.iter_mut().zip(detected) {
            if detected.unfit {
                let labels = sample_label_texts(sample, m.column, &no_answer);
                let item = m.item.and_then(|i| survey.map(|s| &s.items()[i]));
                unfit.push(UnfitLabels {
                    column: m.column,
                    keys: labels.iter().map(|l| match_key(l)).collect(),
                    hint: unfit_hint(&labels, &head.columns[m.column].name, item),
                });
            }
            if let Some((chosen, alternatives)) = detected.ambiguous {
                ambiguous.push(AmbiguousScale {
                    column: m.column,
                    chosen,
                    alternatives,
                });
            }
            let Some(chosen) = detected.scale else { continue };
            m.scale = scale_index(&mut scales, chosen);
        }
    }
    let base_range = base.scale();
    for m in measures.iter_mut() {
        m.range = scales[m.scale].scale.scale();
        m.rescale = m.range != base_range;
        m.seen = numbers_seen(sample, m.column);
    }
    Ok(Planned {
        scales,
        ambiguous,
        no_answer,
        unfit,
    })
}

/// What to do about a column (named `column`, answering `item` if it is a
/// survey item's) whose `labels` fit no label scale: a labels map, ready
/// to paste, and the survey definition's `scale` cell that names it.
fn unfit_hint(labels: &[String], column: &str, item: Option<&SurveyItem>) -> String {
    let id = item.map_or(column, |i| i.id.as_str());
    let name = match slug(id) {
        s if s.is_empty() => "answers".to_string(),
        s => s,
    };
    let quoted: Vec<String> = labels.iter().map(|l| format!("{l:?}")).collect();
    let rows: Vec<String> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| format!("`{}`", csv_line(&[&name, l, &(i + 1).to_string()])))
        .collect();
    let mut hint = format!(
        " (the labels seen in this column, {}, fit no label scale: give their numbers in a labels map, the \
         lines `scale,label,value` {} (numbered low to high as the scale runs), saved as scales.csv and \
         passed with --labels-map scales.csv",
        quoted.join(", "),
        rows.join(" ")
    );
    if let Some(item) = item {
        let reverse = if item.reverse { "true" } else { "false" };
        hint.push_str(&format!(
            "; and give item {:?} that scale in the survey definition's scale column: `{}`",
            item.id,
            csv_line(&[&item.id, &item.text, &item.capability, reverse, &name])
        ));
    }
    hint.push(')');
    hint
}

/// Cells as one CSV line, quoted where they need it.
fn csv_line(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                (*c).to_string()
            }
        })
        .collect();
    quoted.join(",")
}

/// The index of the scale of a survey item whose definition gives it the
/// scale `spec`: a label scale's name, or a range, read with the labels of
/// the response scale or of the first label scale on that range that
/// holds every one of `labels` (the column's, in the sampled rows), else
/// as numbers.
///
/// # Errors
/// A name that is no label scale.
fn item_scale(
    scales: &mut Vec<ColumnScale>,
    spec: &str,
    item: &str,
    labels: &[String],
    options: &ResponseOptions,
    source: &str,
) -> Result<usize, ImportError> {
    let fits = |scale: &ResponseScale| labels.iter().all(|l| scale.value_of(l).is_some());
    if let Ok(range) = spec.parse::<Scale>() {
        if scales[0].scale.scale() == range && fits(&scales[0].scale) {
            return Ok(0);
        }
        let labelled = options
            .labels
            .iter()
            .cloned()
            .chain(builtin_scales())
            .find(|s| !labels.is_empty() && s.scale.scale() == range && fits(&s.scale));
        if let Some(named) = labelled {
            return Ok(push_item_scale(scales, named));
        }
        let scale = ResponseScale::numeric(range);
        let expected = format!(
            "{} (the item's scale {range}, from the survey definition)",
            expected_answer(&scale)
        );
        return Ok(push_scale(scales, scale, None, expected));
    }
    match find_scale(spec, &options.labels) {
        Some(named) => Ok(push_item_scale(scales, named)),
        None => Err(ImportError::new(
            source,
            ErrorKind::Data {
                problem: format!(
                    "survey item {item:?} has the scale {spec:?}, which is no range and no label scale"
                ),
                expected: format!(
                    "in the survey definition's scale column, MIN..MAX or one of: {}",
                    first_few(scale_names(&options.labels), ", ")
                ),
            },
        )),
    }
}

/// The index of the label scale a survey item's definition gives it.
fn push_item_scale(scales: &mut Vec<ColumnScale>, named: NamedScale) -> usize {
    let expected = format!(
        "{} ({}, the item's scale in the survey definition)",
        expected_answer(&named.scale),
        named.description
    );
    push_scale(scales, named.scale, None, expected)
}

/// The index of `chosen` in `scales`, added if it is not there yet.
fn scale_index(scales: &mut Vec<ColumnScale>, chosen: NamedScale) -> usize {
    let expected = format!(
        "{} ({}, chosen from the labels in the column's first rows; --scale NAME \
         sets the scale of every column)",
        expected_answer(&chosen.scale),
        chosen.description
    );
    push_scale(scales, chosen.scale, Some(chosen.name), expected)
}

/// The index of the scale `scale` with the message `expected` in
/// `scales`, added if it is not there yet.
fn push_scale(
    scales: &mut Vec<ColumnScale>,
    scale: ResponseScale,
    name: Option<String>,
    expected: String,
) -> usize {
    if let Some(at) = scales
        .iter()
        .position(|s| s.scale == scale && s.expected == expected)
    {
        return at;
    }
    scales.push(ColumnScale {
        scale,
        name,
        expected,
    });
    scales.len() - 1
}

/// The lowest and highest numbers in column `column` of the sample rows.
fn numbers_seen(sample: &[ByteRecord], column: usize) -> Option<(f64, f64)> {
    sample
        .iter()
        .filter_map(|record| {
            let text = std::str::from_utf8(record.get(column)?).ok()?;
            parse_number(text.trim()).ok()
        })
        .fold(None, |seen, v| match seen {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

/// The scale a column's numbers suggest, when one is outside its scale:
/// from 0 when a 0 is among them, else from 1, up to the first of 5, 7,
/// 10 and 100 that holds them (`None` for negative or fractional
/// numbers, or numbers above 100).
pub(crate) fn suggested_scale(lo: f64, hi: f64) -> Option<Scale> {
    if lo < 0.0 || lo.fract() != 0.0 || hi.fract() != 0.0 {
        return None;
    }
    let min = if lo < 1.0 { 0.0 } else { 1.0 };
    let max = [5.0, 7.0, 10.0, 100.0].into_iter().find(|&m| hi <= m)?;
    Scale::new(min, max).ok()
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

/// The distinct labels (cells that are neither numbers nor missing) of
/// column `column` in the sample rows, by match key; at most a few dozen.
fn sample_labels(sample: &[ByteRecord], column: usize, no_answer: &NoAnswer) -> Vec<String> {
    sample_label_texts(sample, column, no_answer)
        .iter()
        .map(|l| match_key(l))
        .collect()
}

/// [`sample_labels`] as first written (trimmed), in the order first seen.
fn sample_label_texts(sample: &[ByteRecord], column: usize, no_answer: &NoAnswer) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for record in sample {
        let Some(text) = record.get(column).and_then(|c| std::str::from_utf8(c).ok()) else {
            continue;
        };
        let text = text.trim();
        if is_blank_answer(text) || no_answer.contains(text) || parse_number(text).is_ok() {
            continue;
        }
        let key = match_key(text);
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
            labels.push(text.to_string());
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
    /// Whether the column's labels are mostly ones no scale holds (two or
    /// more, and more than those the best scale holds).
    unfit: bool,
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
    no_answer: &NoAnswer,
) -> Vec<Detected> {
    let mut candidates: Vec<NamedScale> = custom.to_vec();
    let builtins = builtin_scales();
    if !base.labels().is_empty() && !builtins.iter().any(|b| b.scale == *base) {
        candidates.push(NamedScale {
            name: "survey".into(),
            description: "the survey's scale".into(),
            scale: base.clone(),
            missing: Vec::new(),
        });
    }
    candidates.extend(builtins);
    let labels: Vec<Vec<String>> = columns
        .iter()
        .map(|&column| sample_labels(sample, column, no_answer))
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
            // Mostly labels no scale knows (one unknown word among known
            // labels is more likely an answer meaning "no answer").
            let known = fit.first().map_or(0, |&c| {
                labels
                    .iter()
                    .filter(|l| candidates[c].scale.value_of(l).is_some())
                    .count()
            });
            let unknown = labels.len() - known;
            let unfit = unknown >= 2 && known < unknown;
            let by_need = fit.iter().find(|i| needed.contains(i));
            let Some(&choice) = by_need.or(fit.first()) else {
                return Detected {
                    scale: None,
                    ambiguous: None,
                    unfit,
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
                unfit,
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
/// of them (see [`ColumnPlan::ambiguous_scales`](crate::ColumnPlan::ambiguous_scales)).
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
