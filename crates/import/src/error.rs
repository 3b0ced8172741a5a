//! The one error type of the importer.
//!
//! Every problem an input can have is reported as an [`ImportError`] that
//! says *where* (the file, the 1-based line an editor shows, the 1-based
//! column and its header name, the offending cell) and *what was expected*.
//! One type rather than one per format keeps the CLI simple: whatever went
//! wrong, it prints the message once and exits 2. The [`ErrorKind`] says what
//! went wrong for code that wants to react differently, and
//! [`ImportError::is_io`] separates "the bytes could not be read" from "the
//! bytes are wrong".
//!
//! The message is complete on its own: a wrapped [`ModelError`] or
//! [`io::Error`] is part of the text, and is also returned by
//! [`std::error::Error::source`] so callers can downcast it.

use std::fmt;
use std::io;

use rolefit_model::{first_few_of, ModelError};

/// Cells longer than this many characters are shortened in messages.
const MAX_SHOWN_CHARS: usize = 60;

/// A problem with an input file: where it is and what was expected instead.
///
/// Displayed as `FILE[:LINE]: [column N "NAME": ]["VALUE" ]PROBLEM; expected
/// WHAT`, for example (a close label, if any, is suggested before the
/// semicolon as `(did you mean "Agree"?)`):
///
/// ```text
/// responses.csv:7: column 4 "Q03": "maybe" is not a number or a label of the response scale; expected a number from 1 to 5 or one of: Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree
/// ```
///
/// The error is one pointer wide (its contents are boxed), so results that
/// carry it stay small on the happy path.
#[derive(Debug)]
pub struct ImportError(Box<Inner>);

/// The contents of an [`ImportError`].
#[derive(Debug)]
struct Inner {
    file: String,
    line: Option<u64>,
    column: Option<(usize, String)>,
    value: Option<String>,
    /// The 0-based byte offset in the input, for encoding errors.
    byte: Option<u64>,
    kind: ErrorKind,
    /// A sentence added after the message, such as which survey tool the
    /// file resembles.
    hint: Option<String>,
}

/// What went wrong, without the location (which [`ImportError`] holds).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input could not be read (a file system or pipe error).
    #[error("cannot be read: {0}")]
    Io(#[source] io::Error),
    /// There is nothing but (perhaps) a byte order mark and white space.
    #[error("is empty; expected {expected}")]
    Empty {
        /// What the input should start with.
        expected: String,
    },
    /// A header but no data rows, where rows are required.
    #[error("has a header but no data rows; expected {expected}")]
    NoRows {
        /// What the rows should hold.
        expected: String,
    },
    /// A cell whose bytes are not UTF-8.
    #[error(
        "is not valid UTF-8 text (the first bad byte follows {valid_up_to} valid bytes of the cell); \
         expected UTF-8: save the file with UTF-8 encoding (in a spreadsheet: \"CSV UTF-8\"), or pass \
         --encoding latin1 if it is Latin-1 (Windows-1252, as older spreadsheets save CSV)"
    )]
    Utf8 {
        /// How many bytes of the cell are valid before the first bad one.
        valid_up_to: usize,
    },
    /// A cell, a row or a matrix larger than rolefit accepts.
    #[error("{what} is too large: {found} {unit}, more than the limit of {limit}; expected {expected}")]
    TooLarge {
        /// What: `a cell`, `the header`, `a row`, `the role matrix`.
        what: &'static str,
        /// How large it is.
        found: u64,
        /// The largest accepted.
        limit: u64,
        /// The unit: bytes, columns, roles.
        unit: &'static str,
        /// What to do instead.
        expected: String,
    },
    /// A row with more or fewer fields than the header has columns.
    #[error(
        "the row has {found} fields but the header has {expected} columns; expected one field per \
         header column (put a field that contains the delimiter or a line break in double quotes)"
    )]
    RaggedRow {
        /// Fields in the row.
        found: usize,
        /// Columns in the header.
        expected: usize,
    },
    /// The data is malformed in a way no single cell explains (a quote
    /// never closed, say).
    #[error("{problem}; expected {expected}")]
    Data {
        /// What is wrong.
        problem: String,
        /// What was expected instead.
        expected: String,
    },
    /// The header is not what this kind of file needs: a missing or
    /// unexpected column, an empty name, an unrecognised layout.
    #[error("{problem}; expected {expected}")]
    Header {
        /// What is wrong.
        problem: String,
        /// What the header should look like.
        expected: String,
    },
    /// Two header cells name the same thing once case, spaces and
    /// punctuation are ignored. The error's column is the second one.
    #[error(
        "has the same name as column {first_index} {first_name:?} (case, spaces and punctuation are \
         ignored when matching names); expected each column once"
    )]
    DuplicateColumn {
        /// 1-based index of the first column with that name.
        first_index: usize,
        /// Its header text.
        first_name: String,
    },
    /// Response columns that match no capability and no survey item. When
    /// there is only one, the error's column names it and the message does
    /// not repeat it.
    #[error("{}", unknown_columns_message(columns))]
    UnknownColumns {
        /// Every such column, in header order.
        columns: Vec<UnknownColumn>,
    },
    /// Question columns of a survey-tool export that match no capability
    /// and no survey item. When there is only one, the error's column
    /// names it.
    #[error("{}", unmapped_questions_message(layout, columns))]
    UnmappedQuestions {
        /// The tool: `Qualtrics`, `Google Forms`, ...
        layout: String,
        /// Every such column, in header order.
        columns: Vec<UnknownColumn>,
    },
    /// A cell whose content is not acceptable; the error's value is the cell.
    #[error("{problem}{}; expected {expected}", did_you_mean(suggestions))]
    Value {
        /// What is wrong with it, as a predicate of the value (for example
        /// `is not a number`).
        problem: String,
        /// What would have been accepted.
        expected: String,
        /// Close accepted values, best first (may be empty).
        suggestions: Vec<String>,
    },
    /// A cell that must not be empty is empty.
    #[error("the cell is empty; expected {expected}")]
    EmptyCell {
        /// What the cell should hold.
        expected: String,
    },
    /// Something given twice that must be given once, such as a (role,
    /// capability) pair of a long matrix. The error's line is the second
    /// occurrence.
    #[error("{what} is given twice, first on line {first_line}; expected {expected}")]
    Duplicate {
        /// What is repeated, for example `role "Lead", capability "Budget"`.
        what: String,
        /// The line of the first occurrence.
        first_line: u64,
        /// What the rule is.
        expected: String,
    },
    /// A survey item column whose capability the role matrix lacks.
    #[error(
        "survey item {item:?} measures capability {capability:?}, which the role matrix does not have; \
         expected the survey and the role matrix to name the same capabilities (or drop the column)"
    )]
    ItemCapability {
        /// The item's id.
        item: String,
        /// The capability the survey says it measures.
        capability: String,
    },
    /// The values read were refused by the model's validation.
    #[error("{0}")]
    Model(#[source] ModelError),
}

/// A response column that matched nothing, with the names it might have meant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownColumn {
    /// 1-based column index.
    pub index: usize,
    /// The header text.
    pub name: String,
    /// Close capability names, aliases or item ids, best first (at most 3;
    /// looked for only for the first [`LISTED`](rolefit_model::LISTED)
    /// columns of an error, the ones its message names).
    pub suggestions: Vec<String>,
    /// The question's text, when the export gives one other than the name.
    pub text: Option<String>,
    /// Whether the column looks like respondent ids (see
    /// [`looks_like_ids`](crate::looks_like_ids)): the message then
    /// suggests `--id-column`.
    pub id_like: bool,
}

/// The hint for columns that look like respondent ids, empty if none does.
fn id_hint(columns: &[UnknownColumn]) -> String {
    match columns.iter().find(|c| c.id_like) {
        Some(c) => format!(
            "; column {:?} looks like respondent ids: if it holds them, pass --id-column {:?}",
            c.name, c.name
        ),
        None => String::new(),
    }
}

/// A question text in a message, shortened to a readable length.
fn short_text(text: &str) -> String {
    const MAX: usize = 70;
    if text.chars().count() <= MAX {
        return format!("{text:?}");
    }
    let cut: String = text.chars().take(MAX - 3).collect();
    format!("{:?}", format!("{cut}..."))
}

fn unmapped_questions_message(layout: &str, columns: &[UnknownColumn]) -> String {
    let text = |c: &UnknownColumn| {
        c.text
            .as_deref()
            .map_or(String::new(), |t| format!(" ({})", short_text(t)))
    };
    let problem = match columns {
        [only] => format!(
            "this question column of the {layout} export{} matches no capability or survey item{}",
            text(only),
            did_you_mean(&only.suggestions)
        ),
        _ => {
            let listed = columns.iter().map(|c| {
                format!(
                    "column {} {}{}{}",
                    c.index,
                    shown(&c.name),
                    text(c),
                    did_you_mean(&c.suggestions)
                )
            });
            format!(
                "{} question columns of the {layout} export match no capability or survey item: {}",
                columns.len(),
                first_few_of(listed, columns.len(), ", ")
            )
        }
    };
    format!(
        "{problem}{}; expected questions the survey knows, by item id or by question text (give the survey \
         definition with --survey FILE, columns id,text,capability,reverse), or capability names of the role \
         matrix (pass --ignore-unknown-columns to skip question columns that match nothing)",
        id_hint(columns)
    )
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("{s:?}")).collect();
    format!(" (did you mean {}?)", quoted.join(" or "))
}

fn unknown_columns_message(columns: &[UnknownColumn]) -> String {
    let listed = columns.iter().map(|c| {
        format!(
            "column {} {}{}",
            c.index,
            shown(&c.name),
            did_you_mean(&c.suggestions)
        )
    });
    // A single column is named by the error's location already.
    let problem = match columns {
        [only] => format!(
            "matches no capability or survey item{}",
            did_you_mean(&only.suggestions)
        ),
        _ => format!(
            "{} columns match no capability or survey item: {}",
            columns.len(),
            first_few_of(listed, columns.len(), ", ")
        ),
    };
    format!(
        "{problem}{}; expected a capability id, name or alias of the role matrix, or a survey item id \
         (pass --ignore-unknown-columns to skip columns that match nothing)",
        id_hint(columns)
    )
}

impl ImportError {
    /// An error of `kind` in `file`, with no position yet.
    pub(crate) fn new(file: &str, kind: ErrorKind) -> Self {
        ImportError(Box::new(Inner {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            byte: None,
            kind,
            hint: None,
        }))
    }

    /// The same error with `hint` said after it (`this file looks like a
    /// SurveyMonkey export ...`).
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    /// An I/O error while reading `file` (a path, or `<stdin>`). Public so
    /// that a caller opening files itself can report failures the same way.
    pub fn io(file: &str, err: io::Error) -> Self {
        ImportError::new(file, ErrorKind::Io(err))
    }

    /// A model validation error for the data of `file`.
    pub fn model(file: &str, err: ModelError) -> Self {
        ImportError::new(file, ErrorKind::Model(err))
    }

    /// A [`ErrorKind::Value`] error for `value`.
    pub(crate) fn bad_value(
        file: &str,
        value: &str,
        problem: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        ImportError::new(
            file,
            ErrorKind::Value {
                problem: problem.into(),
                expected: expected.into(),
                suggestions: Vec::new(),
            },
        )
        .with_value(value)
    }

    /// A [`ErrorKind::Header`] error: something wrong with the columns
    /// (`problem`), and what they should be (`expected`).
    pub fn header(file: &str, problem: impl Into<String>, expected: impl Into<String>) -> Self {
        ImportError::new(
            file,
            ErrorKind::Header {
                problem: problem.into(),
                expected: expected.into(),
            },
        )
    }

    /// Sets the 1-based line.
    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.0.line = Some(line);
        self
    }

    /// Sets the 1-based line if known.
    pub(crate) fn at_line_opt(mut self, line: Option<u64>) -> Self {
        if line.is_some() {
            self.0.line = line;
        }
        self
    }

    /// Sets the column from a 0-based index and its header name.
    pub fn at_column(mut self, index0: usize, name: &str) -> Self {
        self.0.column = Some((index0 + 1, name.to_string()));
        self
    }

    /// Sets the 0-based byte offset in the input (of a bad byte).
    pub(crate) fn at_byte(mut self, byte: u64) -> Self {
        self.0.byte = Some(byte);
        self
    }

    /// The 0-based byte offset in the input of the first bad byte, for text
    /// that is not UTF-8, when known.
    pub fn byte(&self) -> Option<u64> {
        self.0.byte
    }

    /// Sets the offending value.
    pub(crate) fn with_value(mut self, value: &str) -> Self {
        self.0.value = Some(value.to_string());
        self
    }

    /// Adds suggestions to a [`ErrorKind::Value`] error.
    pub(crate) fn with_suggestions(mut self, more: Vec<String>) -> Self {
        if let ErrorKind::Value { suggestions, .. } = &mut self.0.kind {
            *suggestions = more;
        }
        self
    }

    /// The source name given by the caller: a path, `<stdin>` or `built-in`.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// The 1-based line (as an editor numbers them) where the problem is, if
    /// it is on one line. For a record spanning several lines (a quoted
    /// field with line breaks) this is the line it starts on.
    pub fn line(&self) -> Option<u64> {
        self.0.line
    }

    /// The 1-based column index and its header name, if the problem is in
    /// one column.
    pub fn column(&self) -> Option<(usize, &str)> {
        self.0.column.as_ref().map(|(i, n)| (*i, n.as_str()))
    }

    /// The offending cell, in full.
    pub fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Whether the input could not be read at all (as opposed to being read
    /// and found wrong). Both are bad input to a command line.
    pub fn is_io(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Io(_))
    }
}

/// `value` in double quotes with escapes, shortened to [`MAX_SHOWN_CHARS`].
pub(crate) fn shown(value: &str) -> String {
    if value.chars().count() <= MAX_SHOWN_CHARS {
        format!("{value:?}")
    } else {
        let head: String = value.chars().take(MAX_SHOWN_CHARS).collect();
        format!("{head:?}... ({} characters)", value.chars().count())
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = &self.0;
        f.write_str(&this.file)?;
        if let Some(line) = this.line {
            write!(f, ":{line}")?;
        }
        if let Some(byte) = this.byte {
            write!(f, " (byte {byte})")?;
        }
        f.write_str(": ")?;
        if let Some((index, name)) = &this.column {
            write!(f, "column {index} {name:?}: ")?;
        }
        if let (Some(value), ErrorKind::Value { .. } | ErrorKind::Utf8 { .. }) = (&this.value, &this.kind) {
            write!(f, "{} ", shown(value))?;
        }
        write!(f, "{}", this.kind)?;
        if let Some(hint) = &this.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Model(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn displays_every_part_of_the_location() {
        let e = ImportError::bad_value("r.csv", "agreee", "is not a number", "a number from 1 to 5")
            .at_line(7)
            .at_column(3, "Q03");
        assert_eq!(
            e.to_string(),
            r#"r.csv:7: column 4 "Q03": "agreee" is not a number; expected a number from 1 to 5"#
        );
        assert_eq!(e.file(), "r.csv");
        assert_eq!(e.line(), Some(7));
        assert_eq!(e.column(), Some((4, "Q03")));
        assert_eq!(e.value(), Some("agreee"));
        assert!(!e.is_io());
    }

    #[test]
    fn displays_without_line_or_column() {
        let e = ImportError::new(
            "<stdin>",
            ErrorKind::Empty {
                expected: "a header row".into(),
            },
        );
        assert_eq!(e.to_string(), "<stdin>: is empty; expected a header row");
        assert_eq!(e.line(), None);
        assert_eq!(e.column(), None);
    }

    #[test]
    fn shortens_very_long_values_but_keeps_them_whole() {
        let long = "x".repeat(500);
        let e = ImportError::bad_value("f", &long, "is too long", "less");
        let text = e.to_string();
        assert!(text.contains("... (500 characters)"), "{text}");
        assert!(text.len() < 200, "{text}");
        assert_eq!(e.value().map(str::len), Some(500));
    }

    #[test]
    fn suggestions_are_quoted_before_the_expectation() {
        let e = ImportError::bad_value("f", "Agre", "is not a label", "one of: Agree")
            .with_suggestions(vec!["Agree".into(), "Disagree".into()]);
        assert_eq!(
            e.to_string(),
            r#"f: "Agre" is not a label (did you mean "Agree" or "Disagree"?); expected one of: Agree"#
        );
    }

    #[test]
    fn io_and_model_errors_keep_their_source() {
        let e = ImportError::io("m.csv", io::Error::new(io::ErrorKind::NotFound, "gone"));
        assert!(e.is_io());
        assert_eq!(e.to_string(), "m.csv: cannot be read: gone");
        assert!(e.source().is_some());
        let e = ImportError::model("m.csv", ModelError::EmptySurvey).at_line_opt(Some(3));
        assert_eq!(e.to_string(), "m.csv:3: a survey needs at least one item");
        assert!(e.source().unwrap().is::<ModelError>());
        let e = ImportError::header("f", "p", "e").at_line_opt(None);
        assert_eq!(e.line(), None);
        assert!(e.source().is_none());
    }

    #[test]
    fn lists_unknown_columns() {
        let columns = vec![
            UnknownColumn {
                index: 2,
                name: "Risk Managment".into(),
                suggestions: vec!["Risk Management".into()],
                text: None,
                id_like: false,
            },
            UnknownColumn {
                index: 5,
                name: "zzz".into(),
                suggestions: vec![],
                text: None,
                id_like: false,
            },
        ];
        let e = ImportError::new("r.csv", ErrorKind::UnknownColumns { columns }).at_line(1);
        let text = e.to_string();
        assert!(
            text.starts_with(
                r#"r.csv:1: 2 columns match no capability or survey item: column 2 "Risk Managment" (did you mean "Risk Management"?), column 5 "zzz"; expected"#
            ),
            "{text}"
        );
        assert!(text.contains("--ignore-unknown-columns"), "{text}");
    }
}
