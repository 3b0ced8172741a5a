//! Matching a header's columns to what they measure: a capability of the
//! matrix or a survey item (by name, id or question text), the respondent
//! id, metadata; and the errors for a header that measures nothing or has
//! columns that match nothing.

use std::collections::HashMap;

use rolefit_model::{first_few_of, match_key, RoleMatrix, Survey};

use super::flags::Timing;
use super::plan::{ColumnRole, Measure};
use crate::error::{shown, ErrorKind, ImportError, UnknownColumn};
use crate::layout::{ColumnHead, Head, Meta, Source};
use crate::suggest::{suggest, suggest_owned};

/// The columns of a header, mapped.
pub(super) struct Mapped {
    /// What each column holds.
    pub(super) columns: Vec<ColumnRole>,
    /// The answer columns, in header order.
    pub(super) measures: Vec<Measure>,
    /// The columns that match nothing, 0-based.
    pub(super) unknown: Vec<usize>,
    /// Where each row's duration is, for `speeding`.
    pub(super) timing: Timing,
}

/// The column `--id-column NAME` names: exactly, then loosely.
///
/// # Errors
/// No such column (with the closest names); the caller adds the line.
pub(super) fn find_id_column(header: &[String], name: &str, source: &str) -> Result<usize, ImportError> {
    let key = match_key(name);
    let found = header.iter().position(|h| h == name.trim()).or_else(|| {
        (!key.is_empty())
            .then(|| header.iter().position(|h| match_key(h) == key))
            .flatten()
    });
    found.ok_or_else(|| {
        let hint = suggest(name, header.iter().map(String::as_str));
        let hint = if hint.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = hint.iter().map(|h| format!("{h:?}")).collect();
            format!(" (did you mean {}?)", quoted.join(" or "))
        };
        let names = header.iter().map(|h| shown(h));
        ImportError::header(
            source,
            format!("there is no respondent id column {name:?}{hint}"),
            format!(
                "the name of a header column: {}",
                first_few_of(names, header.len(), ", ")
            ),
        )
    })
}

/// What each column of `head` holds, column `id_column` being the ids.
///
/// # Errors
/// A survey item column whose capability the matrix lacks, and two
/// columns answering the same item; the caller adds the header's line.
pub(super) fn map_columns(
    head: &Head,
    id_column: Option<usize>,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    source: &str,
) -> Result<Mapped, ImportError> {
    let texts = Texts::new(survey);
    let mut mapped = Mapped {
        columns: Vec::with_capacity(head.columns.len()),
        measures: Vec::new(),
        unknown: Vec::new(),
        timing: Timing::None,
    };
    let mut item_columns: HashMap<usize, usize> = HashMap::new();
    let (mut duration, mut start, mut end) = (None, None, None);
    for (i, column) in head.columns.iter().enumerate() {
        if Some(i) == id_column {
            mapped.columns.push(ColumnRole::Id);
            continue;
        }
        if let Some(meta) = column.meta {
            match meta {
                Meta::Duration => duration = Some(i),
                Meta::Start => start = Some(i),
                Meta::End => end = Some(i),
                Meta::Other => {}
            }
            mapped.columns.push(ColumnRole::Metadata);
            continue;
        }
        let role = match match_column(column, matrix, survey, &texts, head.layout == Source::Plain) {
            Some(Match::Capability(capability)) => ColumnRole::Capability(capability),
            Some(Match::Item(index)) => {
                let survey = survey.expect("an item match needs a survey");
                item_role(head, i, index, survey, matrix, &mut item_columns, source)?
            }
            None => {
                mapped.columns.push(ColumnRole::Ignored);
                mapped.unknown.push(i);
                continue;
            }
        };
        mapped.columns.push(role);
        if let ColumnRole::Capability(capability) | ColumnRole::Item { capability, .. } = role {
            let reverse = matches!(role, ColumnRole::Item { reverse: true, .. });
            let mut measure = Measure::new(i, capability, reverse);
            if let ColumnRole::Item { item, .. } = role {
                measure.item = Some(item);
            }
            mapped.measures.push(measure);
        }
    }
    mapped.timing = Timing::of(duration, start, end);
    Ok(mapped)
}

/// The role of column `column`, which answers survey item `index`.
///
/// # Errors
/// The item's capability is not in the matrix, or another column answers
/// the item (`item_columns`: the column of each item seen so far).
fn item_role(
    head: &Head,
    column: usize,
    index: usize,
    survey: &Survey,
    matrix: &RoleMatrix,
    item_columns: &mut HashMap<usize, usize>,
    source: &str,
) -> Result<ColumnRole, ImportError> {
    let name = head.columns[column].name.as_str();
    let item = &survey.items()[index];
    let Some(capability) = matrix.capability_index(&item.capability) else {
        return Err(ImportError::new(
            source,
            ErrorKind::ItemCapability {
                item: item.id.clone(),
                capability: item.capability.clone(),
            },
        )
        .at_column(column, name));
    };
    if let Some(&first) = item_columns.get(&index) {
        return Err(ImportError::header(
            source,
            format!(
                "answers survey item {:?}, as column {} {:?} does",
                item.id,
                first + 1,
                head.columns[first].name
            ),
            "each survey item answered in one column (drop one, or pass \
             --ignore-unknown-columns after renaming it to something the survey does not know)",
        )
        .at_column(column, name));
    }
    item_columns.insert(index, column);
    Ok(ColumnRole::Item {
        item: index,
        capability,
        reverse: item.reverse,
    })
}

/// Refuses a mapping with columns that match nothing (unless
/// `ignore_unknown`) or without any answer column; the caller adds the
/// header's line.
pub(super) fn check_mapped(
    mapped: &Mapped,
    ignore_unknown: bool,
    head: &Head,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    source: &str,
) -> Result<(), ImportError> {
    if !mapped.unknown.is_empty() && !ignore_unknown {
        // A role matrix given as the responses (its first column `role`
        // matches nothing): say which argument the file belongs to.
        if head.layout == Source::Plain
            && mapped.unknown.first() == Some(&0)
            && match_key(&head.columns[0].name) == "role"
        {
            return Err(ImportError::header(
                source,
                "this looks like a role matrix (its first column is `role`), not responses: a role matrix \
                 is given with --matrix FILE",
                "responses as INPUT: a respondent id column, then one column per survey item or capability \
                 (for example `respondent,Q01,Q02`)",
            ));
        }
        return Err(unknown_columns(head, &mapped.unknown, matrix, survey, source));
    }
    if mapped.measures.is_empty() {
        let (problem, expected) = nothing_measured(head, &mapped.unknown, matrix, survey);
        return Err(ImportError::header(source, problem, expected));
    }
    Ok(())
}

/// The error for `unknown` columns (0-based, at least one) that match
/// nothing: every one listed, the first few with the closest names.
fn unknown_columns(
    head: &Head,
    unknown: &[usize],
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    source: &str,
) -> ImportError {
    let header = |i: usize| head.columns[i].name.as_str();
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
    // Suggestions for the columns a message lists; the others are only
    // counted.
    let listed: Vec<UnknownColumn> = unknown
        .iter()
        .enumerate()
        .map(|(n, &i)| UnknownColumn {
            index: i + 1,
            name: header(i).to_string(),
            suggestions: if n < rolefit_model::LISTED {
                suggest_owned(header(i), candidates.iter().copied())
            } else {
                Vec::new()
            },
            text: head.columns[i]
                .texts
                .first()
                .filter(|t| **t != header(i))
                .cloned(),
            id_like: looks_like_ids(header(i), head.sample.iter().map(|r| r.get(i))),
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
    let err = ImportError::new(source, kind);
    match unknown {
        [only] => err.at_column(*only, header(*only)),
        _ => err,
    }
}

/// The problem and expectation for a header where no column measures
/// anything (`unknown`: the columns ignored).
fn nothing_measured(
    head: &Head,
    unknown: &[usize],
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
) -> (String, String) {
    let mut problem = "no column of the header matches a capability or survey item".to_string();
    if !unknown.is_empty() {
        let names = unknown.iter().map(|&i| shown(&head.columns[i].name));
        problem.push_str(&format!(
            " (ignored: {})",
            first_few_of(names, unknown.len(), ", ")
        ));
    }
    let mut expected = "columns named after capabilities of the role matrix (id, name or alias".to_string();
    if let Some(c) = matrix.capabilities().first() {
        expected.push_str(&format!(", for example {:?}", c.name));
    }
    expected.push(')');
    if let Some(item) = survey.and_then(|s| s.items().first()) {
        expected.push_str(&format!(" or survey item ids (for example {:?})", item.id));
    }
    (problem, expected)
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
    head: &ColumnHead,
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

/// Refuses two columns of a plain file whose names match loosely, unless
/// both are skipped anyway (`--ignore-unknown-columns`, and the name
/// matches nothing): a real export often repeats the name of a free-text
/// or "Other" column.
///
/// # Errors
/// The first such pair that is not skipped.
pub(super) fn check_duplicates(
    head: &Head,
    id_column: Option<usize>,
    matrix: &RoleMatrix,
    survey: Option<&Survey>,
    ignore_unknown: bool,
    source: &str,
) -> Result<(), ImportError> {
    if head.layout != Source::Plain {
        return Ok(());
    }
    let header: Vec<String> = head.columns.iter().map(|c| c.name.clone()).collect();
    let texts = Texts::new(survey);
    for (first, i) in crate::table::duplicate_columns(&header) {
        let skipped = ignore_unknown
            && ![first, i].contains(&id_column.unwrap_or(usize::MAX))
            && match_column(&head.columns[i], matrix, survey, &texts, true).is_none();
        if !skipped {
            return Err(crate::table::duplicate_column(
                &header,
                first,
                i,
                source,
                head.header_line,
            ));
        }
    }
    Ok(())
}
