//! Role labels: which role each respondent holds, the answers `evaluate`
//! checks a strategy against and `train` learns from.
//!
//! Not to be confused with [`labels`](crate::labels), the *label scales*
//! that turn answer texts such as `Agree` into numbers.
//!
//! A labels file is a CSV of `respondent,role`, one respondent per line,
//! read through the same [`Table`] as every other input (the delimiter
//! sniffed from the first line, a byte order mark skipped, blank lines
//! passed over), with an optional header `respondent,role` (loosely: `id`
//! or `respondent_id` for the first). Fields after the second are ignored.
//! Roles are matched by id or name, loosely
//! ([`RoleMatrix::role_index`]).

use std::collections::{HashMap, HashSet};
use std::io::Read;

use csv::ByteRecord;
use rolefit_model::{first_few, match_key, ProfileBatch, RoleMatrix};

use crate::error::{ErrorKind, ImportError};
use crate::table::{cell, Table};

/// What every line of a labels file holds.
const EXPECTED: &str = "lines respondent,role (one respondent per line)";

/// The names errors give the two columns of a labels file without a header.
const COLUMNS: [&str; 2] = ["respondent", "role"];

/// The role of each respondent named in a labels file.
#[derive(Debug, Clone)]
pub struct RoleLabels {
    source: String,
    /// Respondent id to (role index, line).
    by_respondent: HashMap<String, (usize, u64)>,
}

/// Reads a labels file: `respondent,role` per line, an optional header
/// `respondent,role`, the delimiter, byte order mark and blank lines
/// handled like every other input's; `source` names it in errors.
///
/// # Errors
/// An [`ImportError`] naming the file and line (and the column, for a
/// cell): an unreadable or empty file, a line without two fields, an empty
/// respondent, an unknown role (with the closest role names), one
/// respondent labelled twice.
pub fn read_role_labels<R: Read>(
    reader: R,
    source: &str,
    matrix: &RoleMatrix,
) -> Result<RoleLabels, ImportError> {
    let mut table = Table::start(reader, source, EXPECTED)?;
    let mut labels = RoleLabels {
        source: source.to_string(),
        by_respondent: HashMap::new(),
    };
    let mut record = ByteRecord::new();
    let mut first = true;
    while let Some(line) = table.next(&mut record, false)? {
        let respondent = cell(&record, 0, source, COLUMNS[0], line)?;
        let role = cell(&record, 1, source, COLUMNS[1], line)?;
        if std::mem::take(&mut first) && is_header(respondent, role, matrix) {
            continue;
        }
        labels.add(&record, respondent, role, line, matrix)?;
    }
    if labels.by_respondent.is_empty() {
        return Err(ImportError::new(
            source,
            ErrorKind::Empty {
                expected: EXPECTED.to_string(),
            },
        ));
    }
    Ok(labels)
}

/// Whether a first line is a header: its second cell names no role of the
/// matrix, and it or the first cell is a name such columns have
/// (`respondent,role`, `employee,role`, `id,title`, `email,job`).
fn is_header(respondent: &str, role: &str, matrix: &RoleMatrix) -> bool {
    const IDS: [&str; 10] = [
        "respondent",
        "respondentid",
        "id",
        "employee",
        "employeeid",
        "person",
        "personid",
        "name",
        "email",
        "emailaddress",
    ];
    const ROLES: [&str; 7] = [
        "role",
        "title",
        "jobtitle",
        "job",
        "position",
        "occupation",
        "label",
    ];
    matrix.role_index(role).is_none()
        && (IDS.contains(&match_key(respondent).as_str()) || ROLES.contains(&match_key(role).as_str()))
}

impl RoleLabels {
    /// Adds the label of one line, refusing what is not a label.
    fn add(
        &mut self,
        record: &ByteRecord,
        respondent: &str,
        role: &str,
        line: u64,
        matrix: &RoleMatrix,
    ) -> Result<(), ImportError> {
        let source = self.source.as_str();
        if record.len() < 2 {
            return Err(ImportError::new(
                source,
                ErrorKind::Data {
                    problem: format!("the line has {} field", record.len()),
                    expected: "two fields, respondent and role".to_string(),
                },
            )
            .at_line(line));
        }
        if respondent.is_empty() {
            return Err(ImportError::new(
                source,
                ErrorKind::EmptyCell {
                    expected: "a respondent id".to_string(),
                },
            )
            .at_line(line)
            .at_column(0, COLUMNS[0]));
        }
        let names: Vec<&str> = matrix.roles().iter().map(|r| r.name.as_str()).collect();
        let Some(index) = matrix.role_index(role) else {
            return Err(ImportError::bad_value(
                source,
                role,
                "is not a role of the role matrix",
                format!("a role id or name; the roles are: {}", first_few(&names, ", ")),
            )
            .with_suggestions(crate::suggest::suggest_owned(role, names.iter().copied()))
            .at_line(line)
            .at_column(1, COLUMNS[1]));
        };
        let problem = match self.by_respondent.get(respondent) {
            None => {
                self.by_respondent.insert(respondent.to_string(), (index, line));
                return Ok(());
            }
            Some(&(other, first)) if other != index => format!(
                "respondent {respondent:?} is labelled {:?} here but {:?} on line {first}",
                names[index], names[other]
            ),
            Some(&(_, first)) => {
                format!("respondent {respondent:?} is labelled twice, here and on line {first}")
            }
        };
        Err(ImportError::new(
            source,
            ErrorKind::Data {
                problem,
                expected: "one line per respondent".to_string(),
            },
        )
        .at_line(line))
    }

    /// The name of the labels file, as errors give it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// How many respondents have a label.
    pub fn len(&self) -> usize {
        self.by_respondent.len()
    }

    /// Whether no respondent has a label (never true of labels read by
    /// [`read_role_labels`], which refuses an empty file).
    pub fn is_empty(&self) -> bool {
        self.by_respondent.is_empty()
    }

    /// The role index of `respondent`, if labelled.
    pub fn role_of(&self, respondent: &str) -> Option<usize> {
        self.by_respondent.get(respondent).map(|&(role, _)| role)
    }

    /// One role index per respondent of `batch`, and how many labels name
    /// respondents that are not in it. `input` names the batch's file.
    ///
    /// # Errors
    /// An [`ImportError`] on the labels file if a respondent of `batch` has
    /// no label, naming the first (and its data row in `input`) and
    /// counting the others.
    pub fn align(&self, batch: &ProfileBatch, input: &str) -> Result<(Vec<usize>, usize), ImportError> {
        let mut roles = Vec::with_capacity(batch.len());
        let mut missing = Vec::new();
        for i in 0..batch.len() {
            match self.role_of(batch.respondent(i)) {
                Some(role) => roles.push(role),
                None => missing.push(i),
            }
        }
        if let Some(&first) = missing.first() {
            let more = match missing.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more respondent{})", if n == 1 { "" } else { "s" }),
            };
            return Err(ImportError::new(
                &self.source,
                ErrorKind::Data {
                    problem: format!(
                        "respondent {:?} (data row {} of {input}) has no label{more}",
                        batch.respondent(first),
                        first + 1,
                    ),
                    expected: format!("a line respondent,role for every respondent of {input}"),
                },
            ));
        }
        Ok((roles, self.unused(batch)))
    }

    /// How many labels name respondents that are not in `batch`.
    fn unused(&self, batch: &ProfileBatch) -> usize {
        let present: HashSet<&str> = (0..batch.len()).map(|i| batch.respondent(i)).collect();
        self.by_respondent
            .keys()
            .filter(|k| !present.contains(k.as_str()))
            .count()
    }

    /// The respondents of `batch` that have a label, in order, as a batch
    /// of their own ([`Labelled`]), for `evaluate`, which scores those and
    /// says how many had none.
    ///
    /// # Errors
    /// No respondent of `batch` has a label: the error of [`Self::align`].
    pub fn labelled(&self, batch: &ProfileBatch, input: &str) -> Result<Labelled, ImportError> {
        let mut subset = ProfileBatch::with_capacity(batch.capabilities(), batch.len());
        let mut roles = Vec::with_capacity(batch.len());
        for i in 0..batch.len() {
            if let Some(role) = self.role_of(batch.respondent(i)) {
                subset.push_profile(&batch.profile(i));
                roles.push(role);
            }
        }
        if roles.is_empty() {
            // Every respondent lacks a label: say so as align does.
            self.align(batch, input)?;
        }
        Ok(Labelled {
            unlabelled: batch.len() - roles.len(),
            unused: self.unused(batch),
            batch: subset,
            roles,
        })
    }
}

/// The labelled respondents of a batch ([`RoleLabels::labelled`]).
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The respondents that have a label, in the batch's order.
    pub batch: ProfileBatch,
    /// The role index of each.
    pub roles: Vec<usize>,
    /// How many respondents of the batch have no label (left out).
    pub unlabelled: usize,
    /// How many labels name respondents that are not in the batch.
    pub unused: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    fn read(text: &str) -> Result<RoleLabels, ImportError> {
        read_role_labels(text.as_bytes(), "labels.csv", &builtin::matrix())
    }

    fn err(text: &str) -> String {
        read(text).expect_err(text).to_string()
    }

    fn role(name: &str) -> usize {
        builtin::matrix().role_index(name).expect("a built-in role")
    }

    #[test]
    fn reads_with_or_without_a_header_any_delimiter_and_a_bom() {
        let pm = role("product-manager");
        for text in [
            "respondent,role\ns1,Product Manager\ns2,product-manager\n",
            "\u{feff}id;Role\ns1;Product Manager\n\ns2;product manager\n",
            "s1\tProduct Manager\ns2\tPRODUCT-MANAGER\textra\n",
            "Respondent ID,role\r\ns1,\"Product Manager\"\r\ns2,product-manager\r\n",
        ] {
            let labels = read(text).expect(text);
            assert_eq!(labels.len(), 2, "{text}");
            assert_eq!(labels.role_of("s1"), Some(pm), "{text}");
            assert_eq!(labels.role_of("s2"), Some(pm), "{text}");
            assert_eq!(labels.role_of("s3"), None, "{text}");
        }
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        assert_eq!(
            err("s1,Product Manager\ns2\n"),
            "labels.csv:2: the line has 1 field; expected two fields, respondent and role"
        );
        assert_eq!(
            err("s1,Product Manager\n ,Product Manager\n"),
            "labels.csv:2: column 1 \"respondent\": the cell is empty; expected a respondent id"
        );
        let unknown = err("respondent,role\ns1,Product Manger\n");
        assert!(
            unknown.starts_with(
                "labels.csv:2: column 2 \"role\": \"Product Manger\" is not a role of the role matrix \
                 (did you mean \"Product Manager\" or \"Project Manager\"?); expected a role id or name; \
                 the roles are: Project Manager, "
            ),
            "{unknown}"
        );
        assert_eq!(
            err("s1,Product Manager\n\ns1,product-manager\n"),
            "labels.csv:3: respondent \"s1\" is labelled twice, here and on line 1; expected one line per \
             respondent"
        );
        let other = builtin::matrix().roles()[role("product-manager") + 1]
            .name
            .clone();
        assert_eq!(
            err(&format!("s1,Product Manager\ns1,{other}\n")),
            format!(
                "labels.csv:2: respondent \"s1\" is labelled {other:?} here but \"Product Manager\" on line \
                 1; expected one line per respondent"
            )
        );
        for empty in ["", "\u{feff}\n\n", "respondent,role\n"] {
            assert_eq!(
                err(empty),
                "labels.csv: is empty; expected lines respondent,role (one respondent per line)",
                "{empty:?}"
            );
        }
        let bad = read_role_labels(
            &b"s1,Product Manager\ns\xff,Product Manager\n"[..],
            "l.csv",
            &builtin::matrix(),
        )
        .unwrap_err()
        .to_string();
        assert!(bad.starts_with("l.csv:2: column 1 \"respondent\": "), "{bad}");
    }

    #[test]
    fn aligns_labels_with_a_batch_by_respondent() {
        let matrix = builtin::matrix();
        let labels = read("s1,Product Manager\ns2,product-manager\nzz,Product Manager\n").unwrap();
        let mut batch = ProfileBatch::new(matrix.capabilities().len());
        let values = vec![Some(3.0); matrix.capabilities().len()];
        batch.push("s2", &values);
        batch.push("s1", &values);
        let (roles, unused) = labels.align(&batch, "r.csv").unwrap();
        assert_eq!(roles, [role("product-manager"); 2]);
        assert_eq!(unused, 1);
        batch.push("s3", &values);
        batch.push("s4", &values);
        assert_eq!(
            labels.align(&batch, "r.csv").unwrap_err().to_string(),
            "labels.csv: respondent \"s3\" (data row 3 of r.csv) has no label (and 1 more respondent); \
             expected a line respondent,role for every respondent of r.csv"
        );
    }

    #[test]
    fn any_id_and_role_like_header_is_a_header() {
        let pm = role("product-manager");
        for text in [
            "employee,role\ns1,Product Manager\n",
            "id,title\ns1,Product Manager\n",
            "Email,Job\ns1,Product Manager\n",
            "s1,Product Manager\n",
        ] {
            let labels = read(text).unwrap();
            assert_eq!((labels.len(), labels.role_of("s1")), (1, Some(pm)), "{text}");
        }
        // A first line whose second cell is a role is a label, whatever the first.
        assert_eq!(read("id,Product Manager\n").unwrap().role_of("id"), Some(pm));
    }

    #[test]
    fn the_labelled_respondents_are_kept_and_the_others_counted() {
        let matrix = builtin::matrix();
        let labels = read("s1,Product Manager\ns3,Project Manager\nghost,Project Manager\n").unwrap();
        let mut batch = ProfileBatch::new(matrix.capabilities().len());
        for id in ["s1", "s2", "s3"] {
            batch.push(id, &vec![Some(3.0); matrix.capabilities().len()]);
        }
        let l = labels.labelled(&batch, "r.csv").unwrap();
        assert_eq!(l.batch.respondents(), ["s1", "s3"]);
        assert_eq!(l.roles, [role("product-manager"), role("project-manager")]);
        assert_eq!((l.unlabelled, l.unused), (1, 1));
        let none = read("x,Product Manager\n").unwrap();
        assert!(none
            .labelled(&batch, "r.csv")
            .unwrap_err()
            .to_string()
            .contains("has no label"));
    }
}
