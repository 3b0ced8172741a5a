//! Labels files (`respondent,role` per line), which `train` learns from and
//! `evaluate` scores against.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use anyhow::Result;
use rolefit_model::{match_key, ProfileBatch, RoleMatrix};

use crate::args::Encoding;
use crate::error::bad_input;
use crate::io::open_file;
use crate::render::closest;

/// Says on standard error how many labels named respondents the input does
/// not have.
pub fn labels_warning(unused: usize, labels: &Path, input: &str) {
    if unused > 0 {
        eprintln!(
            "warning: {unused} label{} in {} name respondents that are not in {input}; ignored",
            if unused == 1 { "" } else { "s" },
            labels.display()
        );
    }
}

/// A labels file: `respondent,role` per line, an optional header.
pub struct Labels {
    name: String,
    /// Respondent id to (role index, line).
    by_respondent: HashMap<String, (usize, u64)>,
}

impl Labels {
    /// Reads a labels file. The delimiter is the first line's most frequent
    /// of comma, tab and semicolon; a UTF-8 byte-order mark is skipped; a
    /// first line `respondent,role` (loosely: `id`, `respondent_id`) is a
    /// header. Roles are matched by id or name, loosely.
    ///
    /// # Errors
    /// Exit-2 errors naming the file and line: unreadable file, a line
    /// without two fields, an empty respondent, an unknown role, and one
    /// respondent given two different roles.
    pub fn read(path: &Path, matrix: &RoleMatrix, encoding: Encoding) -> Result<Labels> {
        let name = path.display().to_string();
        let mut input = open_file(path, "labels", encoding)?;
        let mut text = String::new();
        input
            .reader
            .read_to_string(&mut text)
            .map_err(|e| bad_input(format!("cannot read labels {name}: {e}")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text.lines().next().unwrap_or("");
        let delimiter = [b',', b'\t', b';']
            .into_iter()
            .max_by_key(|&d| (first.bytes().filter(|&b| b == d).count(), d == b','))
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut by_respondent: HashMap<String, (usize, u64)> = HashMap::new();
        let role_names: Vec<&str> = matrix.roles().iter().map(|r| r.name.as_str()).collect();
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|e| bad_input(format!("{name}: {e}")))?;
            let line = record.position().map_or(index as u64 + 1, |p| p.line());
            let fields: Vec<&str> = record.iter().map(str::trim).collect();
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
            if index == 0
                && fields.len() >= 2
                && matches!(
                    match_key(fields[0]).as_str(),
                    "respondent" | "respondentid" | "id"
                )
                && match_key(fields[1]) == "role"
            {
                continue;
            }
            if fields.len() < 2 {
                return Err(bad_input(format!(
                    "{name}:{line}: expected two fields, respondent and role, found {}",
                    fields.len()
                )));
            }
            let (respondent, role) = (fields[0], fields[1]);
            if respondent.is_empty() {
                return Err(bad_input(format!("{name}:{line}: the respondent is empty")));
            }
            let Some(index) = matrix.role_index(role) else {
                let hint = closest(role, role_names.iter().copied())
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default();
                return Err(bad_input(format!(
                    "{name}:{line}: unknown role {role:?}{hint}; the roles are: {}",
                    rolefit_model::first_few(&role_names, ", ")
                )));
            };
            match by_respondent.get(respondent) {
                Some(&(other, first_line)) if other != index => {
                    return Err(bad_input(format!(
                        "{name}:{line}: respondent {respondent:?} is labelled {:?} here but {:?} on line {first_line}",
                        role_names[index], role_names[other]
                    )));
                }
                Some(&(_, first_line)) => {
                    return Err(bad_input(format!(
                        "{name}:{line}: respondent {respondent:?} is labelled twice, here and on line {first_line}; give each respondent one line"
                    )));
                }
                None => {
                    by_respondent.insert(respondent.to_string(), (index, line));
                }
            }
        }
        if by_respondent.is_empty() {
            return Err(bad_input(format!(
                "{name}: no labels (expected lines respondent,role)"
            )));
        }
        Ok(Labels { name, by_respondent })
    }

    /// One role index per respondent of `batch`, and how many labels name
    /// respondents that are not in it.
    ///
    /// # Errors
    /// Exit 2 if a respondent has no label, naming the first (and its data
    /// row in `input`) and counting the others.
    pub fn align(&self, batch: &ProfileBatch, input: &str) -> Result<(Vec<usize>, usize)> {
        let mut labels = Vec::with_capacity(batch.len());
        let mut missing = Vec::new();
        for i in 0..batch.len() {
            match self.by_respondent.get(batch.respondent(i)) {
                Some(&(role, _)) => labels.push(role),
                None => missing.push(i),
            }
        }
        if let Some(&first) = missing.first() {
            let more = match missing.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more respondent{})", if n == 1 { "" } else { "s" }),
            };
            return Err(bad_input(format!(
                "respondent {:?} (data row {} of {input}) has no label in {}{more}",
                batch.respondent(first),
                first + 1,
                self.name
            )));
        }
        let present: std::collections::HashSet<&str> =
            (0..batch.len()).map(|i| batch.respondent(i)).collect();
        let unused = self
            .by_respondent
            .keys()
            .filter(|k| !present.contains(k.as_str()))
            .count();
        Ok((labels, unused))
    }
}
