//! The column plan: what each column of a responses file holds, decided
//! once from its head ([`ColumnPlan::new`]), after which every row is
//! parsed from the plan and the row alone.

use csv::ByteRecord;
use rolefit_model::{ResponseScale, RoleMatrix, Scale, Survey};

use super::anchors::{downward_anchor, Anchor, Numbering};
use super::columns::{check_duplicates, check_mapped, find_id_column, looks_like_ids, map_columns, Mapped};
use super::fast::DensePlan;
use super::flags::{flag_rules, FlagRules};
use super::missing::NoAnswer;
use super::scales::{plan_scales, AmbiguousScale, ColumnScale, Planned, UnfitLabels};
use super::ResponseOptions;
use crate::error::ImportError;
use crate::layout::{resemblance, Head, Source};

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
pub(super) struct Measure {
    pub(super) column: usize,
    pub(super) capability: usize,
    pub(super) reverse: bool,
    /// The index of the column's scale in [`ColumnPlan::scales`].
    pub(super) scale: usize,
    /// That scale's range.
    pub(super) range: Scale,
    /// Whether the range differs from the response scale's, so that
    /// answers are mapped onto it.
    pub(super) rescale: bool,
    /// The survey item the column answers (`None`: a capability column).
    pub(super) item: Option<usize>,
    /// The index in [`ColumnPlan::codes`] of the labels its numbers stand
    /// for (`--choice-text`), if it is read through them.
    pub(super) codes: Option<usize>,
    /// The lowest and highest numbers in the column's sampled rows, to
    /// suggest a scale when a number is outside the column's.
    pub(super) seen: Option<(f64, f64)>,
}

/// The mapping of a responses file's columns, decided once from its header.
///
/// Every row is then parsed with [`ColumnPlan::parse_record`], which needs
/// nothing but the plan and the row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPlan {
    pub(super) source: String,
    /// Ignored columns that look like respondent ids, by 0-based index.
    pub(super) id_like: Vec<usize>,
    pub(super) layout: Source,
    pub(super) header: Vec<String>,
    pub(super) columns: Vec<ColumnRole>,
    pub(super) id_column: Option<usize>,
    pub(super) measures: Vec<Measure>,
    /// The response scale first, then the other scales columns are on.
    pub(super) scales: Vec<ColumnScale>,
    pub(super) matrix_scale: Scale,
    pub(super) capabilities: usize,
    pub(super) delimiter: u8,
    pub(super) flags: Option<FlagRules>,
    pub(super) dense: Option<DensePlan>,
    pub(super) ambiguous: Vec<AmbiguousScale>,
    /// The labels read as "no answer".
    pub(super) no_answer: NoAnswer,
    /// Whether `3,5` is the number 3.5.
    pub(super) decimal_comma: bool,
    /// The columns whose labels fit no label scale.
    pub(super) unfit: Vec<UnfitLabels>,
    /// The codes and labels of the columns read through a text export
    /// (`--choice-text`), and that export's name.
    pub(super) codes: Vec<Vec<(String, String)>>,
    pub(super) choice_text: Option<String>,
    /// The columns read through a text export whose numbers run opposite
    /// to their labels.
    pub(super) reversed: Vec<usize>,
    /// The columns read mirrored by `--numbering mirror`.
    pub(super) mirrored: Vec<usize>,
}

/// Sets `codes` of each measure whose column the text export of
/// `options.choice_codes` shows labels for; the codes and labels, by
/// measure's `codes` index.
fn coded(
    measures: &mut [Measure],
    header: &[String],
    options: &ResponseOptions,
) -> Vec<Vec<(String, String)>> {
    let Some(choices) = &options.choice_codes else {
        return Vec::new();
    };
    let mut codes = Vec::new();
    for m in measures.iter_mut() {
        if let Some(pairs) = choices.columns.get(&header[m.column]) {
            m.codes = Some(codes.len());
            codes.push(pairs.clone());
        }
    }
    codes
}

/// The sample rows with each coded cell replaced by its label, so that
/// the columns' scales are chosen from the labels.
fn translated_sample(
    sample: &[ByteRecord],
    measures: &[Measure],
    codes: &[Vec<(String, String)>],
) -> Vec<ByteRecord> {
    if codes.is_empty() {
        return sample.to_vec();
    }
    sample
        .iter()
        .map(|record| {
            let mut cells: Vec<&[u8]> = record.iter().collect();
            for m in measures {
                let Some(pairs) = m.codes.map(|c| &codes[c]) else {
                    continue;
                };
                let Some(cell) = cells.get_mut(m.column) else {
                    continue;
                };
                let code = String::from_utf8_lossy(cell).trim().to_string();
                if let Some((_, label)) = pairs.iter().find(|(c, _)| *c == code) {
                    *cell = label.as_bytes();
                }
            }
            ByteRecord::from(cells)
        })
        .collect()
}

/// The coded columns whose numbers run opposite to their labels' values
/// on the column's scale (at least two of each, every higher number a
/// lower value).
fn reversed_columns(
    measures: &[Measure],
    codes: &[Vec<(String, String)>],
    scales: &[ColumnScale],
) -> Vec<usize> {
    measures
        .iter()
        .filter(|m| {
            let Some(pairs) = m.codes.map(|c| &codes[c]) else {
                return false;
            };
            let mut valued: Vec<(f64, f64)> = pairs
                .iter()
                .filter_map(|(code, label)| {
                    let code = code.parse::<f64>().ok()?;
                    Some((code, scales[m.scale].scale.value_of(label)?))
                })
                .collect();
            valued.sort_by(|a, b| a.0.total_cmp(&b.0));
            valued.len() >= 2 && valued.windows(2).all(|w| w[1].1 < w[0].1)
        })
        .map(|m| m.column)
        .collect()
}

/// Finds the answer columns holding numbers (in their sampled rows; not
/// read through a text export) whose question text says their numbers
/// run from the top answer down, and
/// does what `options.numbering` says: refuse, mirror them (returned), or
/// nothing.
///
/// # Errors
/// Such columns under [`Numbering::Check`].
fn numbering(
    head: &Head,
    measures: &mut [Measure],
    scales: &[ColumnScale],
    options: &ResponseOptions,
    source: &str,
) -> Result<Vec<usize>, ImportError> {
    if options.numbering == Numbering::AsIs {
        return Ok(Vec::new());
    }
    let downward: Vec<(usize, Anchor)> = measures
        .iter()
        .enumerate()
        // Only numbers can run the wrong way: a column of labels (a
        // choice-text export) is read by its labels.
        .filter(|(_, m)| m.codes.is_none() && m.seen.is_some())
        .filter_map(|(i, m)| {
            let own = &scales[m.scale].scale;
            downward_anchor(&head.columns[m.column].texts, m.range, own, &options.labels).map(|a| (i, a))
        })
        .collect();
    let Some((first, anchor)) = downward.first() else {
        return Ok(Vec::new());
    };
    if options.numbering == Numbering::Check {
        let name = |i: usize| head.columns[measures[i].column].name.as_str();
        let others = match &downward[1..] {
            [] => String::new(),
            rest => {
                let names = rest.iter().map(|(i, _)| format!("{:?}", name(*i)));
                format!(
                    " (as do {} more: {})",
                    rest.len(),
                    rolefit_model::first_few_of(names, rest.len(), ", ")
                )
            }
        };
        let problem = format!(
            "its question text says {} = {:?}, so its numbers run from the top answer down{others} (Qualtrics \
             numbers choices in the order they were shown)",
            crate::table::number(anchor.number),
            anchor.label
        );
        let column = measures[*first].column;
        return Err(ImportError::header(
            source,
            problem,
            "numbers that run up the scale: pass --numbering mirror to read such columns mirrored, --numbering \
             as-is if the survey definition's reverse already turns them round, or --choice-text FILE with the \
             same responses exported as choice text",
        )
        .at_line(head.header_line)
        .at_column(column, name(*first)));
    }
    Ok(downward
        .iter()
        .map(|&(i, _)| {
            measures[i].reverse = !measures[i].reverse;
            measures[i].column
        })
        .collect())
}

impl Measure {
    /// Column `column` answering `capability`, on the response scale until
    /// [`plan_scales`] says otherwise.
    pub(super) fn new(column: usize, capability: usize, reverse: bool) -> Self {
        Measure {
            column,
            capability,
            reverse,
            scale: 0,
            range: Scale::default(),
            rescale: false,
            item: None,
            seen: None,
            codes: None,
        }
    }
}

impl ColumnPlan {
    /// Maps the columns of `head`, in named steps: the id column, what each
    /// column holds, the refusal of columns that match nothing and of a
    /// header that measures nothing, the scale of each answer column, the
    /// flag rules, and the fast path's plan.
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
            Some(name) => Some(find_id_column(&header, name, source).map_err(at_header)?),
            None => head.default_id,
        };
        let hinted = |e: ImportError| match &head.resembles {
            Some((tool, why)) => e.with_hint(resemblance(*tool, why)),
            None => e,
        };
        check_duplicates(
            head,
            id_column,
            matrix,
            survey,
            options.ignore_unknown_columns,
            source,
        )
        .map_err(hinted)?;
        let mapped = map_columns(head, id_column, matrix, survey, source).map_err(at_header)?;
        check_mapped(
            &mapped,
            options.ignore_unknown_columns,
            head,
            matrix,
            survey,
            source,
        )
        .map_err(|e| hinted(at_header(e)))?;
        let Mapped {
            columns,
            mut measures,
            unknown,
            timing,
        } = mapped;
        let codes = coded(&mut measures, &header, options);
        let sample = translated_sample(&head.sample, &measures, &codes);
        let Planned {
            scales,
            ambiguous,
            no_answer,
            unfit,
        } = plan_scales(head, &sample, &mut measures, survey, options, source)?;
        let reversed = reversed_columns(&measures, &codes, &scales);
        let mirrored = numbering(head, &mut measures, &scales, options, source)?;
        let flags = flag_rules(options.flags, timing, head.layout, source).map_err(at_header)?;
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
            no_answer,
            decimal_comma: options.decimal_comma,
            unfit,
            codes,
            choice_text: options.choice_codes.as_ref().map(|c| c.text_source.clone()),
            reversed,
            mirrored,
        })
    }

    /// The columns read mirrored because their question text says their
    /// numbers run from the top answer down (`--numbering mirror`), 0-based.
    pub fn mirrored_numbering(&self) -> &[usize] {
        &self.mirrored
    }

    /// The answer columns read through the labels of a text export
    /// ([`ResponseOptions::choice_codes`]), 0-based.
    pub fn coded_columns(&self) -> Vec<usize> {
        self.measures
            .iter()
            .filter(|m| m.codes.is_some())
            .map(|m| m.column)
            .collect()
    }

    /// The name of the text export the coded columns are read through
    /// ([`ColumnPlan::coded_columns`]).
    pub fn choice_text(&self) -> Option<&str> {
        self.choice_text.as_deref()
    }

    /// The columns read through a text export whose numbers run opposite
    /// to their labels (1 = the top answer), 0-based: the labels read them
    /// the right way round.
    pub fn reversed_numbering(&self) -> &[usize] {
        &self.reversed
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
}
