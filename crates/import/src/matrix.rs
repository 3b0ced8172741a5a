//! Role matrices from CSV or Excel, in wide, long or O*NET layout.
//!
//! People keep role matrices in two shapes, and both are accepted without a
//! flag because the header tells them apart:
//!
//! - **Wide**: the first column is `role`, every other column is a
//!   capability, each row is a role and each cell a target level. This is
//!   what a spreadsheet grid looks like, and what most people write by hand.
//!   Every capability has importance 1.
//! - **Long**: columns `role`, `capability`, `level` and optionally
//!   `importance`, in any order, one row per (role, capability) pair. This
//!   is what databases and scripts export, and the only shape that can say
//!   how much each capability matters to each role.
//!
//! A third layout, O*NET ratings files such as `Skills.txt`, is recognised
//! by its `O*NET-SOC Code` column and read by [`crate::onet`].
//!
//! The bytes may be CSV (any delimiter the [`Table`] sniffs) or an Excel
//! workbook (`.xlsx`, recognised by its extension or by its zip signature),
//! whose first sheet is read by [`crate::xlsx`]. All layouts read through
//! the [`Rows`] abstraction, so a workbook's problems are reported like a
//! CSV file's, with the sheet row as the line.
//!
//! Every cell is checked while it is read, so a bad level is reported with
//! its line and column; what can only be judged on the whole matrix (for
//! example a role with no importance anywhere) is left to
//! [`RoleMatrix::new`], and its error is wrapped with the file and, where
//! the role is known, the line the role starts on.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use csv::ByteRecord;
use rolefit_model::{
    first_few_of, match_key, slug, Capability, ModelError, Requirement, Role, RoleMatrix, Scale,
};

use crate::error::{ErrorKind, ImportError};
use crate::onet::{self, OnetDomain};
use crate::rows::Rows;
use crate::table::{number, parse_number, Table};
use crate::xlsx;

/// How to read a role matrix file.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixOptions {
    /// The scale the levels are on; default `1..5`.
    pub scale: Scale,
    /// The matrix's title; default the file name without its extension.
    pub name: Option<String>,
    /// The most cells (roles x capabilities) the matrix may have; default
    /// [`DEFAULT_MAX_MATRIX_CELLS`](crate::limits::DEFAULT_MAX_MATRIX_CELLS).
    /// Checked while the file is read, as the counts of roles and
    /// capabilities grow, before anything of that size is allocated.
    pub max_cells: usize,
    /// The most an Excel workbook may unzip to, in MiB: each of its parts
    /// and all of them together, counted as they are decompressed (the
    /// sizes a zip file declares are not trusted); default
    /// [`MAX_UNZIPPED_MIB`](crate::limits::MAX_UNZIPPED_MIB). A workbook
    /// over it is refused before any of it is parsed.
    pub max_unzipped_mib: u64,
    /// The sheet of an Excel workbook to read, by name (matched loosely);
    /// default the first.
    pub sheet: Option<String>,
    /// Read a wide matrix transposed: capabilities as rows, roles as
    /// columns (`--transpose`).
    pub transpose: bool,
}

impl Default for MatrixOptions {
    /// Scale `1..5`, no name, and the default limits.
    fn default() -> Self {
        MatrixOptions {
            scale: Scale::default(),
            name: None,
            max_cells: crate::limits::DEFAULT_MAX_MATRIX_CELLS,
            max_unzipped_mib: crate::limits::MAX_UNZIPPED_MIB,
            sheet: None,
            transpose: false,
        }
    }
}

/// Both layouts, for messages about a header that fits neither.
pub(crate) const LAYOUTS: &str =
    "either a wide matrix (first column `role`, then one column per capability, one row per \
                       role, for example `role,Communication,Risk Management`) or a long matrix (columns \
                       `role`, `capability`, `level` and optionally `importance`, one row per role and \
                       capability)";

/// The columns of the long layout.
const LONG_COLUMNS: &str = "the columns role, capability, level and optionally importance";

/// The layout a role matrix file was read in, detected from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// `role`, then one column per capability; one row per role.
    Wide,
    /// `role`, `capability`, `level` and optionally `importance`; one row
    /// per role and capability.
    Long,
    /// O*NET ratings (`Skills.txt`, `Knowledge.xlsx`, ...): one row per
    /// occupation, element and scale (`IM` or `LV`), on the fixed scale
    /// `0..7`.
    Onet {
        /// The O*NET domain the elements belong to, if known: the one
        /// their element ids share, or else the one the file is named
        /// after.
        domain: Option<OnetDomain>,
    },
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layout::Wide => f.write_str("wide"),
            Layout::Long => f.write_str("long"),
            Layout::Onet { domain: None } => f.write_str("O*NET ratings"),
            Layout::Onet { domain: Some(d) } => write!(f, "O*NET ratings ({d})"),
        }
    }
}

/// The kind of file a role matrix was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileFormat {
    /// Delimited text: CSV with a comma, tab or semicolon (the O*NET text
    /// release is tab-delimited).
    Text,
    /// An Excel workbook (`.xlsx`); its first sheet is read.
    Excel,
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileFormat::Text => "text",
            FileFormat::Excel => "Excel",
        })
    }
}

/// A role matrix and what was noticed while reading it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MatrixReport {
    /// The matrix.
    pub matrix: RoleMatrix,
    /// The layout detected from the header.
    pub layout: Layout,
    /// Text or Excel.
    pub format: FileFormat,
    /// How many O*NET estimates (rows) are flagged `Recommend Suppress = Y`
    /// (low precision); 0 for other layouts. They are used as they are; the
    /// count is also one of the [`warnings`](Self::warnings).
    pub suppressed: usize,
    /// Things worth telling the user that do not stop the import, each a
    /// complete sentence starting with the file name, in the order found
    /// (for example `Skills.txt: 124 O*NET estimates are flagged Recommend
    /// Suppress (low precision); they are used as they are`).
    pub warnings: Vec<String>,
    /// For O*NET data, the release read (`29.3`), when the files say it
    /// (see `docs/formats.md`); `None` otherwise.
    pub onet_release: Option<String>,
}

impl MatrixReport {
    /// For O*NET data, the credit line its licence requires, naming the
    /// release read (or none, when it is not known); `None` for other
    /// layouts.
    pub fn credit(&self) -> Option<String> {
        matches!(self.layout, Layout::Onet { .. })
            .then(|| crate::onet::onet_credit(self.onet_release.as_deref()))
    }

    /// The layout and file format in words, for a summary line such as
    /// `layout: O*NET text (Skills)`: `wide (CSV)`, `long (Excel)`,
    /// `O*NET text (Skills)`, `O*NET Excel (Knowledge)`, `O*NET text`.
    pub fn layout_description(&self) -> String {
        match (self.layout, self.format) {
            (Layout::Onet { domain }, format) => match domain {
                Some(d) => format!("O*NET {format} ({d})"),
                None => format!("O*NET {format}"),
            },
            (layout, FileFormat::Text) => format!("{layout} (CSV)"),
            (layout, FileFormat::Excel) => format!("{layout} (Excel)"),
        }
    }
}

/// The signature every zip file (and so every `.xlsx` workbook) starts with.
const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Reads a role matrix from CSV (or from an Excel workbook, recognised by
/// its first bytes).
///
/// The layout (wide, long or O*NET ratings) and the delimiter are detected from the
/// header; see the module documentation and `docs/formats.md`. `source`
/// names the input in errors (a path, or `<stdin>`) and becomes the matrix's
/// [`RoleMatrix::source`]; its file stem is the default name.
///
/// Capability ids are [`slug`]s of their names, and so are role ids. In the
/// long layout, a capability a role does not list has importance 0 (and the
/// lowest level of the scale) for that role.
///
/// This is [`read_matrix_report`] without the report: O*NET warnings (such
/// as the count of estimates flagged `Recommend Suppress`) are dropped.
///
/// # Errors
/// An [`ImportError`] naming the file, line and column for unreadable or
/// empty input, a header that fits neither layout, a header with no rows, a
/// ragged row, an empty or non-numeric cell, a NaN or infinite number, a
/// level outside `options.scale`, a negative importance, a role (or a long
/// layout's role and capability pair) given twice, and anything
/// [`RoleMatrix::new`] refuses; for O*NET data, see [`read_matrix_report`].
pub fn read_matrix<R: Read>(
    reader: R,
    source: &str,
    options: &MatrixOptions,
) -> Result<RoleMatrix, ImportError> {
    read_matrix_report(reader, source, options).map(|report| report.matrix)
}

/// Reads a role matrix from CSV or an Excel workbook, and says how it was
/// read: the layout, the file format and any warnings.
///
/// Like [`read_matrix`], and it also reads O*NET ratings files (see
/// `docs/formats.md`): each occupation becomes a role, each element a
/// capability, `LV` rows give the level on the fixed scale `0..7` (the
/// scale of `options` does not apply to them), `IM` rows the importance, and
/// `Not Relevant = Y` makes the importance 0. Role names are the O*NET-SOC
/// codes, with the title when the file has a `Title` column; to find titles
/// in an `Occupation Data` file beside the ratings, use
/// [`read_matrix_path`].
///
/// An input starting with the zip signature is read as an `.xlsx` workbook
/// (all of it is held in memory, as the format requires).
///
/// # Errors
/// Those of [`read_matrix`], and for O*NET data: a missing O*NET column, an
/// empty code or element, a scale id other than `IM` or `LV`, a value
/// outside its scale (`IM` 1..5, `LV` 0..7), a `Recommend Suppress` or
/// `Not Relevant` cell other than `Y`, `N` or `n/a`, an (occupation,
/// element, scale) row given twice, and an occupation and element without
/// both an `IM` and an `LV` row.
pub fn read_matrix_report<R: Read>(
    reader: R,
    source: &str,
    options: &MatrixOptions,
) -> Result<MatrixReport, ImportError> {
    read_sniffed(reader, source, None, options)
}

/// Reads a role matrix file: an Excel workbook if the name ends in `.xlsx`
/// (or `.xlsm`) or the bytes are a zip file, otherwise CSV, in any layout
/// [`read_matrix_report`] reads.
///
/// `source` in errors and in the matrix is the path as given. For O*NET
/// ratings without a `Title` column, role titles are looked up in
/// `Occupation Data.txt` or `Occupation Data.xlsx` in the file's folder (a
/// warning says so when there is none).
///
/// # Errors
/// Those of [`read_matrix_report`]; a file that cannot be opened or read
/// (or a workbook that is not a valid `.xlsx`) is an error whose
/// [`ImportError::is_io`] is true.
pub fn read_matrix_path(path: &Path, options: &MatrixOptions) -> Result<MatrixReport, ImportError> {
    let source = path.display().to_string();
    let dir = path.parent();
    let file = File::open(path).map_err(|e| ImportError::io(&source, e))?;
    if is_excel_path(path) {
        return xlsx::read(BufReader::new(file), &source, dir, options);
    }
    read_sniffed(file, &source, dir, options)
}

/// Whether a path names an Excel workbook by its extension.
fn is_excel_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// Reads the first bytes to tell a workbook from text, then reads either.
fn read_sniffed<R: Read>(
    mut reader: R,
    source: &str,
    dir: Option<&Path>,
    options: &MatrixOptions,
) -> Result<MatrixReport, ImportError> {
    let mut magic = [0u8; 4];
    let mut filled = 0;
    while filled < magic.len() {
        match reader.read(&mut magic[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ImportError::io(source, e)),
        }
    }
    let prefix = magic[..filled].to_vec();
    if prefix == ZIP_MAGIC {
        let mut bytes = prefix;
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| ImportError::io(source, e))?;
        return xlsx::read(Cursor::new(bytes), source, dir, options);
    }
    let mut input = std::io::BufReader::new(Cursor::new(prefix).chain(reader));
    let (blank, stored) = scale_line(&mut input, source, options)?;
    let options = &MatrixOptions {
        scale: stored.unwrap_or(options.scale),
        ..options.clone()
    };
    let input = Cursor::new(blank).chain(input);
    let mut table = Table::open(input, source, &format!("a header row of {LAYOUTS}"))?;
    read_rows(&mut table, FileFormat::Text, dir, options)
}

/// The marker of the line that stores a matrix's scale: `# scale: 1..10`.
pub const SCALE_LINE: &str = "# scale:";

/// Reads a first line `# scale: MIN..MAX` (how `rolefit roles --format csv`
/// stores a scale other than `1..5`), if the input starts with one: the
/// bytes to read in its place (a blank line, so that line numbers stay
/// the file's) and the scale. Without such a line, nothing is consumed.
///
/// # Errors
/// A scale that does not parse, or one that differs from a `--matrix-scale`
/// other than the default `1..5`.
fn scale_line<R: std::io::BufRead>(
    input: &mut R,
    source: &str,
    options: &MatrixOptions,
) -> Result<(Vec<u8>, Option<Scale>), ImportError> {
    let head = input.fill_buf().map_err(|e| ImportError::io(source, e))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !head.is_empty() && !head.starts_with(b"#") {
        return Ok((Vec::new(), None));
    }
    // A line that starts with `#`: read it whole (at most a cell's size),
    // and hand it back unless it stores a scale.
    use std::io::BufRead as _;
    let mut line = Vec::new();
    input
        .by_ref()
        .take(crate::limits::MAX_FIELD_BYTES as u64)
        .read_until(b'\n', &mut line)
        .map_err(|e| ImportError::io(source, e))?;
    let text = String::from_utf8_lossy(&line).into_owned();
    let text = text.trim_start_matches('\u{feff}');
    let Some(text) = text.strip_prefix(SCALE_LINE).map(str::trim) else {
        return Ok((line, None));
    };
    let scale = stored_scale(text, source, 1, options)?;
    Ok((b"\n".to_vec(), Some(scale)))
}

/// The scale a matrix file stores (`text`, after `# scale:`, on `line`):
/// a CSV file's first line, or a workbook's first row with text.
///
/// # Errors
/// A scale that does not parse, or one that differs from a `--matrix-scale`
/// other than the default `1..5`.
pub(crate) fn stored_scale(
    text: &str,
    source: &str,
    line: u64,
    options: &MatrixOptions,
) -> Result<Scale, ImportError> {
    let scale: Scale = text.parse().map_err(|problem: String| {
        ImportError::bad_value(
            source,
            text,
            format!("is not a scale ({problem})"),
            format!("a first line `{SCALE_LINE} MIN..MAX`, such as `{SCALE_LINE} 1..10`"),
        )
        .at_line(line)
    })?;
    if options.scale != Scale::default() && options.scale != scale {
        return Err(ImportError::new(
            source,
            ErrorKind::Data {
                problem: format!(
                    "the file stores the scale {scale} (its first line), and --matrix-scale says {}",
                    options.scale
                ),
                expected: "one scale: leave out --matrix-scale, or change the file's first line".into(),
            },
        )
        .at_line(line));
    }
    Ok(scale)
}

/// Reads a role matrix from rows whose header has been read: detects the
/// layout, reads it and builds the matrix. `dir` is the folder of the file,
/// where O*NET titles are looked for.
pub(crate) fn read_rows<T: Rows>(
    rows: &mut T,
    format: FileFormat,
    dir: Option<&Path>,
    options: &MatrixOptions,
) -> Result<MatrixReport, ImportError> {
    let source = rows.source().to_string();
    let (parts, layout, scale, suppressed, warnings) = match detect(rows)? {
        Detected::Long(columns) => (
            read_long(rows, columns, options)?,
            Layout::Long,
            options.scale,
            0,
            Vec::new(),
        ),
        Detected::Wide if options.transpose => (
            read_wide_transposed(rows, options)?,
            Layout::Wide,
            options.scale,
            0,
            vec![format!(
                "{source}: read transposed (--transpose): capabilities as rows, roles as columns"
            )],
        ),
        Detected::Wide => (
            {
                let parts = read_wide(rows, options)?;
                checked_not_transposed(rows, parts)?
            },
            Layout::Wide,
            options.scale,
            0,
            Vec::new(),
        ),
        Detected::Onet(columns) => {
            let read = onet::read(rows, &columns, format, dir, options)?;
            (
                read.parts,
                Layout::Onet { domain: read.domain },
                onet::scale(),
                read.suppressed,
                read.warnings,
            )
        }
    };
    let name = options.name.clone().unwrap_or_else(|| file_stem(&source));
    let matrix = build(parts, &source, name, scale)?;
    let onet_release = matches!(layout, Layout::Onet { .. })
        .then(|| crate::onet::release(dir))
        .flatten();
    Ok(MatrixReport {
        matrix,
        layout,
        format,
        suppressed,
        warnings,
        onet_release,
    })
}

/// Validates the parts as a [`RoleMatrix`], wrapping a model error with the
/// file and, where the role is known, the line the role starts on.
fn build(parts: Parts, source: &str, name: String, scale: Scale) -> Result<RoleMatrix, ImportError> {
    let role_lines: HashMap<String, u64> = parts
        .roles
        .iter()
        .zip(&parts.role_lines)
        .map(|(r, &line)| (r.id.clone(), line))
        .collect();
    RoleMatrix::new(name, source, scale, parts.capabilities, parts.roles).map_err(|e| {
        let line = match &e {
            ModelError::NoImportance { role }
            | ModelError::BadImportance { role, .. }
            | ModelError::LevelOutOfScale { role, .. }
            | ModelError::Shape { role, .. } => role_lines.get(role).copied(),
            _ => None,
        };
        ImportError::model(source, e).at_line_opt(line)
    })
}

/// The file name of `source` without its extension, or `source` itself.
pub(crate) fn file_stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(source)
        .to_string()
}

/// Column indices of the long layout.
#[derive(Debug, Clone, Copy)]
struct LongColumns {
    role: usize,
    capability: usize,
    level: usize,
    importance: Option<usize>,
}

/// The layout the header says, with the columns it needs.
enum Detected {
    Wide,
    Long(LongColumns),
    Onet(onet::Columns),
}

/// Decides the layout from the header.
/// The names a long matrix's role column may have (matched loosely, the
/// first found wins), as role matrices published elsewhere name it.
const LONG_ROLE: [&str; 4] = ["role", "title", "occupation", "job"];
/// The names of a long matrix's capability column.
const LONG_CAPABILITY: [&str; 4] = ["capability", "element name", "skill", "competency"];
/// The names of a long matrix's level column.
const LONG_LEVEL: [&str; 3] = ["level", "value", "score"];

fn detect<T: Rows>(table: &T) -> Result<Detected, ImportError> {
    if let Some(columns) = onet::columns(table)? {
        return Ok(Detected::Onet(columns));
    }
    let find_any = |names: &[&str]| names.iter().find_map(|n| table.find(n));
    if let (Some(role), Some(capability), Some(level)) = (
        find_any(&LONG_ROLE),
        find_any(&LONG_CAPABILITY),
        find_any(&LONG_LEVEL),
    ) {
        let importance = table.find("importance");
        let extra: Vec<usize> = (0..table.header().len())
            .filter(|&i| i != role && i != capability && i != level && Some(i) != importance)
            .collect();
        if !extra.is_empty() {
            let named = extra
                .iter()
                .map(|&i| format!("column {} {}", i + 1, crate::error::shown(table.name(i))));
            return Err(ImportError::header(
                table.source(),
                format!(
                    "this looks like a long role matrix, but {} {} not part of that layout",
                    first_few_of(named, extra.len(), ", "),
                    if extra.len() == 1 { "is" } else { "are" }
                ),
                format!("{LONG_COLUMNS} (in any order), and no others"),
            )
            .at_line(table.header_line()));
        }
        return Ok(Detected::Long(LongColumns {
            role,
            capability,
            level,
            importance,
        }));
    }
    if table.header().first().is_some_and(|h| match_key(h) == "role") {
        return Ok(Detected::Wide);
    }
    let responses = if looks_like_responses(table.header()) {
        ": it looks like a responses file (a respondent column, then answers), which is scored as INPUT \
         (`rolefit score FILE`), not given as the role matrix (--matrix)"
    } else {
        ""
    };
    Err(ImportError::header(
        table.source(),
        format!(
            "the header {} fits neither role matrix layout{responses}",
            crate::error::shown(&table.header().join(","))
        ),
        LAYOUTS,
    )
    .at_line(table.header_line()))
}

/// Whether a header that is no role matrix's is a responses file's: its
/// first column is named like respondent ids (`respondent`,
/// `respondent_id`, `id`), or most of its other columns like survey items
/// (`Q01`).
fn looks_like_responses(header: &[String]) -> bool {
    let Some((first, rest)) = header.split_first() else {
        return false;
    };
    let item = |h: &String| {
        let key = match_key(h);
        key.len() > 1 && key.starts_with('q') && key[1..].bytes().all(|b| b.is_ascii_digit())
    };
    matches!(match_key(first).as_str(), "respondent" | "respondentid" | "id")
        || (!rest.is_empty() && 2 * rest.iter().filter(|h| item(h)).count() > rest.len())
}

/// What a layout reader produces: capabilities, roles and the line each
/// role starts on.
pub(crate) struct Parts {
    pub(crate) capabilities: Vec<Capability>,
    pub(crate) roles: Vec<Role>,
    pub(crate) role_lines: Vec<u64>,
}

/// A name cell that must have letters or digits, trimmed.
fn name_cell<'r, T: Rows>(
    table: &T,
    record: &'r ByteRecord,
    index: usize,
    line: u64,
    what: &str,
) -> Result<&'r str, ImportError> {
    table.required_cell(record, index, line, &format!("a {what} name"))
}

/// Parses a level cell and checks it against the scale.
fn level_cell<T: Rows>(
    table: &T,
    record: &ByteRecord,
    index: usize,
    line: u64,
    scale: Scale,
) -> Result<f64, ImportError> {
    let expected = format!("a level from {} to {}", number(scale.min()), number(scale.max()));
    let text = table.cell(record, index, line)?;
    let at = |e: ImportError| e.at_line(line).at_column(index, table.name(index));
    if text.is_empty() {
        return Err(at(ImportError::new(
            table.source(),
            ErrorKind::EmptyCell { expected },
        )));
    }
    let level = parse_number(text)
        .map_err(|problem| at(ImportError::bad_value(table.source(), text, problem, &expected)))?;
    if !scale.contains(level) {
        return Err(at(ImportError::bad_value(
            table.source(),
            text,
            format!("is outside the matrix scale {scale}"),
            match crate::responses::suggested_scale(scale.min().min(level), scale.max().max(level)) {
                Some(seen) => format!(
                    "{expected} (a matrix on another scale needs that scale given, as --matrix-scale MIN..MAX, \
                     or a first line `# scale: MIN..MAX` in the file; {text} suggests --matrix-scale {seen})"
                ),
                None => format!(
                    "{expected} (a matrix on another scale needs that scale given, as --matrix-scale MIN..MAX, \
                     or a first line `# scale: MIN..MAX` in the file)"
                ),
            },
        )));
    }
    Ok(level)
}

/// Parses an importance cell: empty means 1, otherwise a number `>= 0`.
fn importance_cell<T: Rows>(
    table: &T,
    record: &ByteRecord,
    index: usize,
    line: u64,
) -> Result<f64, ImportError> {
    const EXPECTED: &str = "an importance: a number >= 0 (0 = not part of the role; an empty cell means 1)";
    let text = table.cell(record, index, line)?;
    if text.is_empty() {
        return Ok(1.0);
    }
    let at = |e: ImportError| e.at_line(line).at_column(index, table.name(index));
    let importance = parse_number(text)
        .map_err(|problem| at(ImportError::bad_value(table.source(), text, problem, EXPECTED)))?;
    if importance < 0.0 {
        return Err(at(ImportError::bad_value(
            table.source(),
            text,
            "is negative",
            EXPECTED,
        )));
    }
    Ok(importance)
}

/// The error for a file with a header and no rows.
fn no_rows<T: Rows>(table: &T) -> ImportError {
    ImportError::new(
        table.source(),
        ErrorKind::NoRows {
            expected:
                "at least one role: a row per role (wide layout) or per role and capability (long layout)"
                    .into(),
        },
    )
}

/// Reads the rows of a wide matrix.
fn read_wide<T: Rows>(table: &mut T, options: &MatrixOptions) -> Result<Parts, ImportError> {
    let scale = options.scale;
    let mut capabilities = Vec::with_capacity(table.header().len().saturating_sub(1));
    for (i, name) in table.header().iter().enumerate().skip(1) {
        if match_key(name).is_empty() {
            return Err(ImportError::header(
                table.source(),
                format!("the capability name {name:?} has no letters or digits"),
                "a capability name in every header cell after `role`",
            )
            .at_line(table.header_line())
            .at_column(i, name));
        }
        capabilities.push(Capability::new(slug(name), name.clone()));
    }
    let mut roles = Vec::new();
    let mut role_lines = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        let name = name_cell(table, &record, 0, line, "role")?;
        first_row_of(&mut seen, table, "role", name, line, "one row per role")?;
        let mut requirements = Vec::with_capacity(capabilities.len());
        for i in 1..=capabilities.len() {
            requirements.push(Requirement::level(level_cell(table, &record, i, line, scale)?));
        }
        crate::limits::check_roles(roles.len() + 1, table.source(), Some(line))?;
        crate::limits::check_cells(
            roles.len() + 1,
            capabilities.len(),
            options.max_cells,
            table.source(),
            Some(line),
        )?;
        roles.push(Role::new(slug(name), name, requirements));
        role_lines.push(line);
    }
    if roles.is_empty() {
        return Err(no_rows(table));
    }
    Ok(Parts {
        capabilities,
        roles,
        role_lines,
    })
}

/// Words that name roles, not capabilities, in the header of a matrix
/// published skills-by-roles (compared as lower-case words).
const ROLE_WORDS: [&str; 22] = [
    "manager",
    "engineer",
    "developer",
    "designer",
    "analyst",
    "director",
    "lead",
    "architect",
    "consultant",
    "specialist",
    "officer",
    "intern",
    "associate",
    "coordinator",
    "administrator",
    "scientist",
    "executive",
    "head",
    "vp",
    "president",
    "owner",
    "programmer",
];

/// `parts` of a wide matrix, unless it looks transposed (capabilities as
/// rows, roles as columns, as career ladders are often published): at
/// least two and at least half of its column names hold a word that names
/// a role, or of its row names are capabilities of the built-in matrix.
///
/// # Errors
/// A matrix that looks transposed, naming why and `--transpose`.
fn checked_not_transposed<T: Rows>(table: &T, parts: Parts) -> Result<Parts, ImportError> {
    let mostly = |hits: usize, of: usize| hits >= 2 && hits * 2 >= of;
    let role_like: Vec<&str> = parts
        .capabilities
        .iter()
        .map(|c| c.name.as_str())
        .filter(|name| {
            name.split(|c: char| !c.is_alphanumeric())
                .any(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()))
        })
        .collect();
    let builtin = crate::builtin::matrix();
    let capability_like: Vec<&str> = parts
        .roles
        .iter()
        .map(|r| r.name.as_str())
        .filter(|name| builtin.capability_index(name).is_some())
        .collect();
    let why = if mostly(role_like.len(), parts.capabilities.len()) {
        format!(
            "its columns are named like roles ({})",
            rolefit_model::first_few(&role_like, ", ")
        )
    } else if mostly(capability_like.len(), parts.roles.len()) {
        format!(
            "its rows are named like capabilities ({})",
            rolefit_model::first_few(&capability_like, ", ")
        )
    } else {
        return Ok(parts);
    };
    Err(ImportError::header(
        table.source(),
        format!("this wide role matrix looks transposed: {why}"),
        "roles as rows and capabilities as columns, or --transpose to read a matrix published with \
         capabilities as rows and roles as columns",
    )
    .at_line(table.header_line()))
}

/// Notes that the row on `line` names `what` `name` (`role "Lead"`), or
/// refuses it if an earlier row did (`seen`: each name's first line, by
/// loose key).
fn first_row_of<T: Rows>(
    seen: &mut HashMap<String, u64>,
    table: &T,
    what: &str,
    name: &str,
    line: u64,
    expected: &str,
) -> Result<(), ImportError> {
    if let Some(&first_line) = seen.get(&match_key(name)) {
        return Err(ImportError::new(
            table.source(),
            ErrorKind::Duplicate {
                what: format!("{what} {name:?}"),
                first_line,
                expected: expected.into(),
            },
        )
        .at_line(line));
    }
    seen.insert(match_key(name), line);
    Ok(())
}

/// Reads a wide matrix published the other way round (`--transpose`):
/// the first column names the capabilities, the other header cells the
/// roles, each cell a level.
fn read_wide_transposed<T: Rows>(table: &mut T, options: &MatrixOptions) -> Result<Parts, ImportError> {
    let header: Vec<String> = table.header().to_vec();
    let mut capabilities = Vec::new();
    let mut levels: Vec<Vec<f64>> = vec![Vec::new(); header.len().saturating_sub(1)];
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        let name = name_cell(table, &record, 0, line, "capability")?;
        first_row_of(
            &mut seen,
            table,
            "capability",
            name,
            line,
            "one row per capability (--transpose)",
        )?;
        capabilities.push(Capability::new(slug(name), name));
        for (i, column) in levels.iter_mut().enumerate() {
            column.push(level_cell(table, &record, i + 1, line, options.scale)?);
        }
        crate::limits::check_cells(
            levels.len(),
            capabilities.len(),
            options.max_cells,
            table.source(),
            Some(line),
        )?;
    }
    if capabilities.is_empty() {
        return Err(no_rows(table));
    }
    crate::limits::check_roles(levels.len(), table.source(), Some(table.header_line()))?;
    let roles = header
        .iter()
        .skip(1)
        .zip(levels)
        .map(|(name, levels)| {
            Role::new(
                slug(name),
                name,
                levels.into_iter().map(Requirement::level).collect(),
            )
        })
        .collect::<Vec<_>>();
    Ok(Parts {
        role_lines: vec![table.header_line(); roles.len()],
        capabilities,
        roles,
    })
}

/// One role of a long matrix while it is read.
struct LongRole {
    name: String,
    line: u64,
    /// By capability index: the requirement and the line it came from.
    cells: HashMap<usize, (Requirement, u64)>,
}

/// Reads the rows of a long matrix.
fn read_long<T: Rows>(
    table: &mut T,
    columns: LongColumns,
    options: &MatrixOptions,
) -> Result<Parts, ImportError> {
    let scale = options.scale;
    let mut capability_names: Vec<String> = Vec::new();
    let mut capability_keys: HashMap<String, usize> = HashMap::new();
    let mut roles: Vec<LongRole> = Vec::new();
    let mut role_keys: HashMap<String, usize> = HashMap::new();
    let mut record = ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        let role_name = name_cell(table, &record, columns.role, line, "role")?;
        let capability_name = name_cell(table, &record, columns.capability, line, "capability")?;
        let level = level_cell(table, &record, columns.level, line, scale)?;
        let importance = match columns.importance {
            Some(i) => importance_cell(table, &record, i, line)?,
            None => 1.0,
        };
        let capability = *capability_keys
            .entry(match_key(capability_name))
            .or_insert_with(|| {
                capability_names.push(capability_name.to_string());
                capability_names.len() - 1
            });
        let role = *role_keys.entry(match_key(role_name)).or_insert_with(|| {
            roles.push(LongRole {
                name: role_name.to_string(),
                line,
                cells: HashMap::new(),
            });
            roles.len() - 1
        });
        crate::limits::check_roles(roles.len(), table.source(), Some(line))?;
        crate::limits::check_cells(
            roles.len(),
            capability_names.len(),
            options.max_cells,
            table.source(),
            Some(line),
        )?;
        let cells = &mut roles[role].cells;
        if let Some(&(_, first_line)) = cells.get(&capability) {
            return Err(ImportError::new(
                table.source(),
                ErrorKind::Duplicate {
                    what: format!("role {role_name:?}, capability {capability_name:?}"),
                    first_line,
                    expected: "one row per role and capability".into(),
                },
            )
            .at_line(line));
        }
        cells.insert(capability, (Requirement { level, importance }, line));
    }
    if roles.is_empty() {
        return Err(no_rows(table));
    }
    let absent = Requirement {
        level: scale.min(),
        importance: 0.0,
    };
    let role_lines = roles.iter().map(|r| r.line).collect();
    let roles = roles
        .into_iter()
        .map(|r| {
            let requirements = (0..capability_names.len())
                .map(|c| r.cells.get(&c).map_or(absent, |&(req, _)| req))
                .collect();
            Role::new(slug(&r.name), r.name, requirements)
        })
        .collect();
    let capabilities = capability_names
        .into_iter()
        .map(|name| Capability::new(slug(&name), name))
        .collect();
    Ok(Parts {
        capabilities,
        roles,
        role_lines,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_responses_header_is_recognised_as_one() {
        let h = |text: &str| text.split(',').map(str::to_string).collect::<Vec<_>>();
        assert!(looks_like_responses(&h("respondent,Q01,Q02")));
        assert!(looks_like_responses(&h("Respondent ID,Planning")));
        assert!(looks_like_responses(&h("person,Q01,Q02,notes")));
        assert!(!looks_like_responses(&h("name,Planning,Budget")));
        assert!(!looks_like_responses(&h("person,Q01,notes,more")));
        assert!(!looks_like_responses(&h("")));
    }
    use super::*;
    use proptest::prelude::*;

    fn read(text: &str) -> Result<RoleMatrix, ImportError> {
        read_matrix(text.as_bytes(), "data/m.csv", &MatrixOptions::default())
    }

    fn err(text: &str) -> String {
        read(text).unwrap_err().to_string()
    }

    fn levels(m: &RoleMatrix) -> Vec<Vec<f64>> {
        m.roles()
            .iter()
            .map(|r| r.requirements.iter().map(|q| q.level).collect())
            .collect()
    }

    #[test]
    fn reads_a_wide_matrix() {
        let m = read("Role,Risk Management,Communication\nProject Manager,4,3.5\nAnalyst,2,5\n").unwrap();
        assert_eq!(m.name(), "m");
        assert_eq!(m.source(), "data/m.csv");
        assert_eq!(m.capabilities()[0].id, "risk-management");
        assert_eq!(m.capabilities()[0].name, "Risk Management");
        assert_eq!(m.roles()[0].id, "project-manager");
        assert_eq!(m.roles()[0].name, "Project Manager");
        assert_eq!(levels(&m), [[4.0, 3.5], [2.0, 5.0]]);
        assert!(m
            .roles()
            .iter()
            .flat_map(|r| &r.requirements)
            .all(|q| q.importance == 1.0));
    }

    #[test]
    fn reads_a_long_matrix_in_any_column_order() {
        let text =
            "Importance;Level;Capability;ROLE\n2;4;Planning;Lead\n;3;Budget;Lead\n1;5;Budget;Analyst\n";
        let m = read(text).unwrap();
        let names: Vec<&str> = m.capabilities().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Planning", "Budget"]);
        assert_eq!(
            m.roles()[0].requirements,
            [
                Requirement {
                    level: 4.0,
                    importance: 2.0
                },
                Requirement {
                    level: 3.0,
                    importance: 1.0
                }
            ]
        );
        // Analyst does not list Planning: importance 0 at the scale's minimum.
        assert_eq!(
            m.roles()[1].requirements[0],
            Requirement {
                level: 1.0,
                importance: 0.0
            }
        );
        let m = read("role\tcapability\tlevel\nA\tx\t2\nA\ty\t3\n").unwrap();
        assert_eq!(levels(&m), [[2.0, 3.0]]);
    }

    #[test]
    fn long_names_match_loosely_and_keep_the_first_spelling() {
        let m =
            read("role,capability,level\nLead,Risk Management,2\nlead,risk-management2,3\nLEAD,Budget,1\n")
                .unwrap();
        assert_eq!(m.roles().len(), 1);
        assert_eq!(m.capabilities().len(), 3);
        let err = err("role,capability,level\nLead,Risk Management,2\nlead,risk-management,3\n");
        assert_eq!(
            err,
            "data/m.csv:3: role \"lead\", capability \"risk-management\" is given twice, first on line 2; \
             expected one row per role and capability"
        );
    }

    #[test]
    fn options_set_scale_and_name() {
        let options = MatrixOptions {
            scale: "0..7".parse().unwrap(),
            name: Some("Mine".into()),
            ..MatrixOptions::default()
        };
        let m = read_matrix(&b"role,a,b\nx,0,7\n"[..], "<stdin>", &options).unwrap();
        assert_eq!(m.name(), "Mine");
        assert_eq!(m.scale().max(), 7.0);
        let m = read_matrix(&b"role,a,b\nx,1,5\n"[..], "<stdin>", &MatrixOptions::default()).unwrap();
        assert_eq!(m.name(), "<stdin>");
    }

    #[test]
    fn quoted_cells_and_crlf_keep_their_lines() {
        let text = "role,\"Risk, Management\",\"Comm\nunication\"\r\n\"Lead\r\nPerson\",3,4\r\nB,1,x\r\n";
        let e = read(text).unwrap_err();
        assert_eq!(e.line(), Some(5));
        assert_eq!(e.column(), Some((3, "Comm\nunication")));
        let m = read(&text.replace(",x", ",2")).unwrap();
        assert_eq!(m.capabilities()[0].name, "Risk, Management");
        assert_eq!(m.roles()[0].name, "Lead\r\nPerson");
    }

    #[test]
    fn empty_and_header_only_files_are_refused() {
        assert!(err("").starts_with("data/m.csv: is empty; expected a header row of either a wide matrix"));
        assert_eq!(
            err("role,a,b\n"),
            "data/m.csv: has a header but no data rows; expected at least one role: a row per role (wide \
             layout) or per role and capability (long layout)"
        );
        assert!(err("role,capability,level\n\n").contains("no data rows"));
    }

    #[test]
    fn an_unknown_layout_explains_both() {
        let e = err("name,a,b\nx,1,2\n");
        assert!(e.starts_with("data/m.csv:1: the header \"name,a,b\" fits neither role matrix layout; expected either a wide matrix (first column `role`"), "{e}");
        assert!(
            e.contains("or a long matrix (columns `role`, `capability`, `level` and optionally `importance`"),
            "{e}"
        );
    }

    #[test]
    fn extra_long_columns_are_named() {
        let e = err("role,capability,level,notes,weight\nA,x,1,,\n");
        assert_eq!(
            e,
            "data/m.csv:1: this looks like a long role matrix, but column 4 \"notes\", column 5 \"weight\" are \
             not part of that layout; expected the columns role, capability, level and optionally importance \
             (in any order), and no others"
        );
    }

    #[test]
    fn bad_levels_name_line_column_value_and_range() {
        assert_eq!(
            err("role,Planning,Budget\nLead,3,4\nAnalyst,2,lots\n"),
            "data/m.csv:3: column 3 \"Budget\": \"lots\" is not a number; expected a level from 1 to 5"
        );
        assert_eq!(
            err("role,a,b\nx,NaN,1\n"),
            "data/m.csv:2: column 2 \"a\": \"NaN\" is not a finite number; expected a level from 1 to 5"
        );
        assert!(err("role,a,b\nx,1,-inf\n").contains("\"-inf\" is not a finite number"));
        assert_eq!(
            err("role,capability,level,importance\nLead,Planning,3,1\nLead,Budget,9,1\n"),
            "data/m.csv:3: column 3 \"level\": \"9\" is outside the matrix scale 1..5; expected a level from 1 \
             to 5 (a matrix on another scale needs that scale given, as --matrix-scale MIN..MAX, or a first line \
             `# scale: MIN..MAX` in the file; 9 suggests --matrix-scale 1..10)"
        );
        assert_eq!(
            err("role,a,b\nx,1,\n"),
            "data/m.csv:2: column 3 \"b\": the cell is empty; expected a level from 1 to 5"
        );
    }

    #[test]
    fn bad_importances_are_refused() {
        assert_eq!(
            err("role,capability,level,importance\nA,x,1,-1\n"),
            "data/m.csv:2: column 4 \"importance\": \"-1\" is negative; expected an importance: a number >= 0 \
             (0 = not part of the role; an empty cell means 1)"
        );
        assert!(
            err("role,capability,level,importance\nA,x,1,inf\n").contains("\"inf\" is not a finite number")
        );
        assert!(err("role,capability,level,importance\nA,x,1,high\n").contains("\"high\" is not a number"));
    }

    #[test]
    fn bad_names_are_refused_with_their_cell() {
        assert_eq!(
            err("role,a,b\n,1,2\n"),
            "data/m.csv:2: column 1 \"role\": the cell is empty; expected a role name"
        );
        assert_eq!(
            err("role,capability,level\nA,--,2\n"),
            "data/m.csv:2: column 2 \"capability\": \"--\" has no letters or digits; expected a capability name"
        );
        assert!(err("role,a,?\nx,1,2\n")
            .starts_with("data/m.csv:1: column 3 \"?\": the capability name \"?\" has no letters or digits"));
        assert_eq!(
            err("role,a,b\nLead,1,2\nlead,2,3\n"),
            "data/m.csv:3: role \"lead\" is given twice, first on line 2; expected one row per role"
        );
    }

    #[test]
    fn ragged_rows_and_duplicate_headers_are_refused() {
        assert_eq!(
            err("role,a,b\nx,1\n"),
            "data/m.csv:2: the row has 2 fields but the header has 3 columns; expected one field per header \
             column (put a field that contains the delimiter or a line break in double quotes)"
        );
        assert!(err("role,Risk Management,risk management\nx,1,1\n").starts_with(
            "data/m.csv:1: column 3 \"risk management\": has the same name as column 2 \"Risk Management\""
        ));
    }

    #[test]
    fn model_errors_are_wrapped_with_file_and_role_line() {
        assert_eq!(
            err("role,capability,level,importance\nA,x,1,0\nA,y,1,0\nB,x,1,1\n"),
            "data/m.csv:2: role \"a\" gives every capability importance 0: at least one must matter"
        );
        assert_eq!(
            err("role,a\nx,1\n"),
            "data/m.csv: a role matrix needs at least 2 capabilities, found 1"
        );
        let negative = MatrixOptions {
            scale: "-1..1".parse().unwrap(),
            name: None,
            ..MatrixOptions::default()
        };
        let e = read_matrix(&b"role,a,b\nx,0,0\n"[..], "m.csv", &negative).unwrap_err();
        assert!(matches!(
            e.kind(),
            ErrorKind::Model(ModelError::NegativeMatrixScale { .. })
        ));
    }

    /// A matrix as wide CSV text.
    fn to_wide_csv(caps: &[String], rows: &[(String, Vec<f64>)], delimiter: char) -> String {
        let mut out = String::from("role");
        for c in caps {
            out.push(delimiter);
            out.push_str(&format!("\"{c}\""));
        }
        out.push('\n');
        for (role, levels) in rows {
            out.push_str(&format!("\"{role}\""));
            for l in levels {
                out.push(delimiter);
                out.push_str(&l.to_string());
            }
            out.push_str("\r\n");
        }
        out
    }

    proptest! {
        #[test]
        fn wide_csv_round_trips_levels(
            n_caps in 2usize..6,
            levels in proptest::collection::vec(proptest::collection::vec(1.0f64..=5.0, 6), 1..5),
            delimiter in prop::sample::select(vec![',', ';', '\t']),
        ) {
            let caps: Vec<String> = (0..n_caps).map(|i| format!("Cap {i}, part {}", i * 7)).collect();
            let rows: Vec<(String, Vec<f64>)> = levels
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("Role {i}"), l[..n_caps].to_vec()))
                .collect();
            let m = read(&to_wide_csv(&caps, &rows, delimiter)).unwrap();
            let expected: Vec<Vec<f64>> = rows.iter().map(|r| r.1.clone()).collect();
            prop_assert_eq!(levels_of(&m), expected);
            let names: Vec<String> = m.capabilities().iter().map(|c| c.name.clone()).collect();
            prop_assert_eq!(names, caps);
        }

        /// Writing a matrix in the long layout (as `rolefit roles --format
        /// csv` does) and reading it back gives the same matrix.
        #[test]
        fn long_csv_round_trips_levels_and_importances(
            cells in proptest::collection::vec(
                proptest::collection::vec((1.0f64..=5.0, prop_oneof![Just(0.0), Just(1.0), 0.0..4.0f64]), 5),
                1..5),
            n_caps in 2usize..6,
        ) {
            let caps: Vec<String> = (0..n_caps).map(|i| format!("Skill \"{i}\"")).collect();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["role", "capability", "level", "importance"]).unwrap();
            let mut want = Vec::new();
            for (r, row) in cells.iter().enumerate() {
                let mut row = row[..n_caps].to_vec();
                if row.iter().all(|c| c.1 == 0.0) {
                    row[0].1 = 1.0;
                }
                for (c, (level, importance)) in row.iter().enumerate() {
                    w.write_record([format!("Role {r}"), caps[c].clone(), level.to_string(), importance.to_string()])
                        .unwrap();
                }
                want.push(row);
            }
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let m = read(&text).unwrap();
            let got: Vec<Vec<(f64, f64)>> = m
                .roles()
                .iter()
                .map(|r| r.requirements.iter().map(|q| (q.level, q.importance)).collect())
                .collect();
            prop_assert_eq!(got, want);
            let names: Vec<&str> = m.capabilities().iter().map(|c| c.name.as_str()).collect();
            prop_assert_eq!(names, caps.iter().map(String::as_str).collect::<Vec<_>>());
        }

        /// The order of a wide matrix's columns changes the order of its
        /// capabilities, never what a role asks of each.
        #[test]
        fn wide_import_does_not_depend_on_column_order(
            levels in proptest::collection::vec(proptest::collection::vec(1.0f64..=5.0, 5), 1..4),
            perm in Just((0..5).collect::<Vec<usize>>()).prop_shuffle(),
        ) {
            let caps: Vec<String> = (0..5).map(|i| format!("Cap {i}")).collect();
            let rows: Vec<(String, Vec<f64>)> =
                levels.iter().enumerate().map(|(i, l)| (format!("Role {i}"), l.clone())).collect();
            let straight = read(&to_wide_csv(&caps, &rows, ',')).unwrap();
            let shuffled_caps: Vec<String> = perm.iter().map(|&p| caps[p].clone()).collect();
            let shuffled_rows: Vec<(String, Vec<f64>)> =
                rows.iter().map(|(n, l)| (n.clone(), perm.iter().map(|&p| l[p]).collect())).collect();
            let shuffled = read(&to_wide_csv(&shuffled_caps, &shuffled_rows, ',')).unwrap();
            for role in straight.roles() {
                let other = &shuffled.roles()[shuffled.role_index(&role.id).unwrap()];
                for (c, cap) in straight.capabilities().iter().enumerate() {
                    let oc = shuffled.capability_index(&cap.id).unwrap();
                    prop_assert_eq!(role.requirements[c], other.requirements[oc]);
                }
            }
        }

        #[test]
        fn arbitrary_input_never_panics(text in "\\PC{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = read(&text);
            let _ = read_matrix(&bytes[..], "x", &MatrixOptions::default());
        }
    }

    fn levels_of(m: &RoleMatrix) -> Vec<Vec<f64>> {
        levels(m)
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn reports_the_layout_of_csv_matrices() {
        let options = MatrixOptions::default();
        let report = read_matrix_report(&b"role,a,b\nx,1,2\n"[..], "m.csv", &options).unwrap();
        assert_eq!((report.layout, report.format), (Layout::Wide, FileFormat::Text));
        assert_eq!(report.layout_description(), "wide (CSV)");
        assert_eq!((report.suppressed, report.warnings.len()), (0, 0));
        let report =
            read_matrix_report(&b"role;capability;level\nx;a;1\nx;b;2\n"[..], "m.csv", &options).unwrap();
        assert_eq!(report.layout, Layout::Long);
        assert_eq!(report.layout_description(), "long (CSV)");
        assert_eq!(Layout::Onet { domain: None }.to_string(), "O*NET ratings");
        assert_eq!(
            Layout::Onet {
                domain: Some(OnetDomain::Knowledge)
            }
            .to_string(),
            "O*NET ratings (Knowledge)"
        );
        assert_eq!(FileFormat::Excel.to_string(), "Excel");
    }

    #[test]
    fn reads_csv_files_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.tsv");
        std::fs::write(&path, "role\ta\tb\nx\t1\t2\n").unwrap();
        let report = read_matrix_path(&path, &MatrixOptions::default()).unwrap();
        assert_eq!(report.matrix.name(), "team");
        assert_eq!(report.matrix.source(), path.display().to_string());
        assert_eq!(report.format, FileFormat::Text);
        let missing = dir.path().join("nope.csv");
        let e = read_matrix_path(&missing, &MatrixOptions::default()).unwrap_err();
        assert!(e.is_io());
        assert!(
            e.to_string()
                .starts_with(&format!("{}: cannot be read: ", missing.display())),
            "{e}"
        );
        let e = read_matrix_path(dir.path(), &MatrixOptions::default()).unwrap_err();
        assert!(e.is_io(), "{e}");
    }

    #[test]
    fn short_inputs_are_still_csv() {
        // Fewer bytes than the zip signature, and a header that starts with PK.
        assert!(read_matrix(&b"ro"[..], "m.csv", &MatrixOptions::default())
            .unwrap_err()
            .to_string()
            .contains("fits neither role matrix layout"));
        assert!(read_matrix(&b""[..], "m.csv", &MatrixOptions::default())
            .unwrap_err()
            .to_string()
            .starts_with("m.csv: is empty"));
        let e = read_matrix(&b"PK,a\n"[..], "m.csv", &MatrixOptions::default()).unwrap_err();
        assert!(e.to_string().contains("fits neither role matrix layout"), "{e}");
    }

    #[test]
    fn reader_errors_while_sniffing_are_io_errors() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "denied",
                ))
            }
        }
        let e = read_matrix(Failing, "f.csv", &MatrixOptions::default()).unwrap_err();
        assert!(e.is_io());
        assert_eq!(e.to_string(), "f.csv: cannot be read: denied");
    }
}
