//! O*NET ratings files as role matrices.
//!
//! The O*NET database of the U.S. Department of Labor rates every occupation
//! on the elements of a domain (35 skills, 33 knowledge areas, ...) on two
//! scales: importance (`IM`, 1 to 5) and level (`LV`, 0 to 7). Its files,
//! `Skills.txt` (tab-delimited text release) or `Skills.xlsx` (Excel
//! release), have one row per occupation, element and scale:
//!
//! ```text
//! O*NET-SOC Code  Element ID  Element Name           Scale ID  Data Value  ...  Recommend Suppress  Not Relevant  ...
//! 11-1011.00      2.A.1.a     Reading Comprehension  IM        4.12        ...  N                   n/a           ...
//! 11-1011.00      2.A.1.a     Reading Comprehension  LV        4.62        ...  N                   N             ...
//! ```
//!
//! The mapping onto a role matrix:
//!
//! - each occupation is a role: id the slug of its code (`11-1011-00`), name
//!   `<code> <title>` when the title is known (from a `Title` column, or an
//!   `Occupation Data` file beside the ratings), else the code;
//! - each element is a capability: id the slug of its name
//!   (`reading-comprehension`), name the element name, the element id
//!   (`2.A.1.a`) an alias, and the O*NET domain (`Skills`) its category;
//! - `LV` is the target level, on the fixed scale `0..7`; `IM` is the
//!   importance; `Not Relevant = Y` makes the importance 0;
//! - `Recommend Suppress = Y` (a low-precision estimate) is counted and
//!   reported, and the value used as it is.
//!
//! Every occupation must rate every element on both scales; columns other
//! than those named above (`N`, `Standard Error`, `Date`, ...) are ignored.

/// The credit line O*NET's licence (CC BY 4.0) requires wherever O*NET data
/// is shown or used, with the notice that rolefit modifies it (it turns
/// ratings into a role matrix), for the data of release 29.3 only: the
/// credit of the data actually read is [`onet_credit`] of its release
/// ([`MatrixReport::onet_release`](crate::MatrixReport::onet_release)).
pub const CREDIT: &str = "This page includes information from the O*NET 29.3 Database by the U.S. \
     Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 \
     license. O*NET(R) is a trademark of USDOL/ETA. rolefit has modified all or some of this \
     information. USDOL/ETA has not approved, endorsed, or tested these modifications.";

/// The credit line for O*NET data of `release` (`29.3`), or with no
/// release number when it is not known: never another release's number,
/// which would attribute CC BY data wrongly.
pub fn onet_credit(release: Option<&str>) -> String {
    let database = match release {
        Some(release) => format!("O*NET {release} Database"),
        None => "O*NET Database".to_string(),
    };
    format!(
        "This page includes information from the {database} by the U.S. Department of Labor, Employment and \
         Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET(R) is a trademark of \
         USDOL/ETA. rolefit has modified all or some of this information. USDOL/ETA has not approved, endorsed, \
         or tested these modifications."
    )
}

/// The O*NET release of the files in `dir`: from `Read Me.txt` there (its
/// "O*NET 29.3 Database"), else from the name of the folder or the one
/// above it as O*NET and people name them (`db_29_3_text`, `onet-29.3`);
/// `None` when neither says.
pub(crate) fn release(dir: Option<&Path>) -> Option<String> {
    let dir = dir?;
    if let Ok(text) = std::fs::read_to_string(dir.join("Read Me.txt")) {
        if let Some(release) = release_in(&text, "O*NET ") {
            return Some(release);
        }
    }
    let folders = [Some(dir), dir.parent()];
    folders.into_iter().flatten().find_map(|folder| {
        let name = folder.file_name()?.to_str()?.to_ascii_lowercase();
        if let Some(rest) = name.strip_prefix("db_") {
            let mut parts = rest.split('_');
            let (major, minor) = (parts.next()?, parts.next()?);
            let numeric = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            return (numeric(major) && numeric(minor)).then(|| format!("{major}.{minor}"));
        }
        name.contains("onet").then(|| release_in(&name, "onet")).flatten()
    })
}

/// The first `NN.N` after `marker` in `text`, with nothing but spaces,
/// dashes or underscores between.
fn release_in(text: &str, marker: &str) -> Option<String> {
    text.match_indices(marker).find_map(|(at, _)| {
        let rest = text[at + marker.len()..].trim_start_matches([' ', '-', '_']);
        let end = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number = rest[..end].trim_end_matches('.');
        let (major, minor) = number.split_once('.')?;
        (!major.is_empty() && !minor.is_empty() && !minor.contains('.')).then(|| number.to_string())
    })
}

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use csv::ByteRecord;
use rolefit_model::{match_key, slug, Capability, Requirement, Role, Scale};

use crate::error::{ErrorKind, ImportError};
use crate::matrix::{file_stem, FileFormat, MatrixOptions, Parts};
use crate::rows::Rows;
use crate::table::{parse_number, Table};
use crate::xlsx;

/// A domain of the O*NET content model: the kind of elements a ratings file
/// holds. Only domains rated on `IM` and `LV` are listed, and Work Styles,
/// rated on `IM` alone (see docs/formats.md, O*NET data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnetDomain {
    /// `Abilities.txt`, element ids `1.A...`.
    Abilities,
    /// `Skills.txt`, element ids `2.A...` (basic) and `2.B...`
    /// (cross-functional).
    Skills,
    /// `Knowledge.txt`, element ids `2.C...`.
    Knowledge,
    /// `Work Activities.txt`, element ids `4.A...`.
    WorkActivities,
    /// `Work Styles.txt`, element ids `1.C...`: importance (`IM`) only; the
    /// level is taken from it (see docs/formats.md, O*NET data).
    WorkStyles,
}

impl OnetDomain {
    /// Every domain, in content model order.
    const ALL: [OnetDomain; 5] = [
        OnetDomain::Abilities,
        OnetDomain::WorkStyles,
        OnetDomain::Skills,
        OnetDomain::Knowledge,
        OnetDomain::WorkActivities,
    ];

    /// The domain's name as the O*NET data writes it (and its files are named):
    /// `Skills`, `Work Activities`.
    pub fn name(self) -> &'static str {
        match self {
            OnetDomain::Abilities => "Abilities",
            OnetDomain::Skills => "Skills",
            OnetDomain::Knowledge => "Knowledge",
            OnetDomain::WorkActivities => "Work Activities",
            OnetDomain::WorkStyles => "Work Styles",
        }
    }

    /// The domain a file is named after (`Skills.txt`, `knowledge.xlsx`), if
    /// any.
    fn of_file(source: &str) -> Option<Self> {
        let key = match_key(&file_stem(source));
        Self::ALL.into_iter().find(|d| match_key(d.name()) == key)
    }

    /// The domain of an element id by its content model prefix.
    fn of_element(id: &str) -> Option<Self> {
        let mut parts = id.split('.');
        match (parts.next(), parts.next().map(str::to_ascii_uppercase).as_deref()) {
            (Some("1"), Some("A")) => Some(OnetDomain::Abilities),
            (Some("1"), Some("C")) => Some(OnetDomain::WorkStyles),
            (Some("2"), Some("A" | "B")) => Some(OnetDomain::Skills),
            (Some("2"), Some("C")) => Some(OnetDomain::Knowledge),
            (Some("4"), Some("A")) => Some(OnetDomain::WorkActivities),
            _ => None,
        }
    }
}

impl fmt::Display for OnetDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The O*NET domains that are not rated on importance and level, by the
/// name their files have, their element ids' prefix, and what they rate.
const UNSUPPORTED: [(&str, &str, &str); 4] = [
    (
        "Work Context",
        "4.C",
        "rates the context of work on scales of its own (CX, CT, CXP, CTP), not importance and level",
    ),
    (
        "Interests",
        "1.B.1",
        "rates occupational interests (OI, IH), not importance and level",
    ),
    (
        "Work Values",
        "1.B.2",
        "rates work values (EX), not importance and level",
    ),
    (
        "Education, Training, and Experience",
        "2.D",
        "rates categories of education and experience (RL, RW, PT, OJ), not importance and level",
    ),
];

/// Why a file named `stem`, or whose first element id is `element`, is of
/// an O*NET domain rolefit does not read (`Work Context (element
/// 4.C.1.a.2.c) rates the context of work ...`), or `None`.
fn unsupported_domain(stem: &str, element: Option<&str>) -> Option<String> {
    let key = match_key(stem);
    UNSUPPORTED.iter().find_map(|(name, prefix, why)| {
        let by_id = element.filter(|id| id.starts_with(prefix) && id[prefix.len()..].starts_with('.'));
        if let Some(id) = by_id {
            return Some(format!("{name} (element {id}) {why}"));
        }
        (!key.is_empty() && key == match_key(name)).then(|| format!("{name} {why}"))
    })
}

/// The error for an O*NET domain rolefit does not read.
fn unsupported(source: &str, why: &str) -> ImportError {
    ImportError::new(
        source,
        ErrorKind::Data {
            problem: format!("this O*NET domain is not supported: {why}"),
            expected: "O*NET ratings on importance (IM) and level (LV): Skills, Knowledge, Abilities or \
                       Work Activities; or Work Styles, on importance (IM)"
                .into(),
        },
    )
}

/// The level of a Work Styles element, which O*NET rates on importance
/// alone: its importance mapped linearly from `IM`'s 1..5 onto `LV`'s
/// 0..7, `(IM - 1) * 7 / 4` (an occupation for which a style matters
/// more asks for more of it). Its importance stays the `IM` value.
fn style_level(importance: f64) -> f64 {
    (importance - IMPORTANCE.0) * LEVEL.1 / (IMPORTANCE.1 - IMPORTANCE.0)
}

/// The note on a Work Styles file, after its name.
const STYLES_NOTE: &str = "Work Styles rates importance only (IM): each element's level is its importance \
                           mapped from 1..5 onto 0..7, (IM - 1) x 7 / 4, and its importance is IM";

/// The scale every O*NET matrix is on: that of `LV`, 0 to 7.
pub(crate) fn scale() -> Scale {
    Scale::new(LEVEL.0, LEVEL.1).expect("0..7 is a valid scale")
}

/// The `LV` scale.
const LEVEL: (f64, f64) = (0.0, 7.0);
/// The `IM` scale.
const IMPORTANCE: (f64, f64) = (1.0, 5.0);

/// The loose key of the column that marks O*NET data.
const CODE_KEY: &str = "onetsoccode";

/// What an O*NET header should hold.
const COLUMNS: &str = "the columns of an O*NET ratings file (such as Skills.txt or Skills.xlsx): \
                       O*NET-SOC Code, Element ID, Element Name, Scale ID and Data Value, and optionally \
                       Title, Recommend Suppress and Not Relevant, in any order (other columns, such as \
                       N or Standard Error, are ignored)";

/// What every occupation needs.
const BOTH_SCALES: &str = "an IM and an LV row for every occupation and element";

/// The file titles are looked up in, without its extension.
const OCCUPATION_DATA: &str = "Occupation Data";

/// Column indices of an O*NET ratings file.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    code: usize,
    title: Option<usize>,
    element_id: Option<usize>,
    element_name: usize,
    scale_id: usize,
    value: usize,
    suppress: Option<usize>,
    not_relevant: Option<usize>,
}

/// The O*NET columns of the header, `None` if it has no `O*NET-SOC Code`
/// column (so it is not O*NET data), or an error if it has that column
/// but lacks another one O*NET data needs.
pub(crate) fn columns<T: Rows>(rows: &T) -> Result<Option<Columns>, ImportError> {
    let Some(code) = rows.find(CODE_KEY) else {
        return Ok(None);
    };
    let required = [
        ("Element Name", rows.find("elementname")),
        ("Scale ID", rows.find("scaleid")),
        ("Data Value", rows.find("datavalue")),
    ];
    let missing: Vec<String> = required
        .iter()
        .filter(|(_, found)| found.is_none())
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    match required {
        [(_, Some(element_name)), (_, Some(scale_id)), (_, Some(value))] => Ok(Some(Columns {
            code,
            title: rows.find("title"),
            element_id: rows.find("elementid"),
            element_name,
            scale_id,
            value,
            suppress: rows.find("recommendsuppress"),
            not_relevant: rows.find("notrelevant"),
        })),
        _ => Err(ImportError::header(
            rows.source(),
            format!(
                "this looks like O*NET data (it has an `O*NET-SOC Code` column), but the header has no {} column",
                missing.join(" or ")
            ),
            COLUMNS,
        )
        .at_line(rows.header_line())),
    }
}

/// What reading an O*NET file gives, besides the matrix parts.
pub(crate) struct OnetRead {
    pub(crate) parts: Parts,
    pub(crate) domain: Option<OnetDomain>,
    pub(crate) suppressed: usize,
    pub(crate) warnings: Vec<String>,
}

/// One value of an (occupation, element) pair and the line it came from.
type Rated = Option<(f64, u64)>;

/// What the rows say about one occupation and element.
#[derive(Debug, Clone, Copy, Default)]
struct Pair {
    importance: Rated,
    level: Rated,
    not_relevant: bool,
}

struct Occupation {
    code: String,
    title: String,
    line: u64,
    /// By element index; shorter than the element list until every element
    /// has been seen for this occupation.
    pairs: Vec<Pair>,
}

struct Element {
    id: Option<String>,
    name: String,
}

impl Element {
    /// The element as messages name it: `element "2.A.1.a" (Reading
    /// Comprehension)`.
    fn describe(&self) -> String {
        match &self.id {
            Some(id) => format!("element {id:?} ({})", self.name),
            None => format!("element {:?}", self.name),
        }
    }
}

/// `Y`, or not (`N`, `n/a`, empty); anything else is an error.
fn flag<T: Rows>(rows: &T, record: &ByteRecord, index: usize, line: u64) -> Result<bool, ImportError> {
    let text = rows.cell(record, index, line)?;
    if text.eq_ignore_ascii_case("y") {
        Ok(true)
    } else if text.is_empty() || text.eq_ignore_ascii_case("n") || text.eq_ignore_ascii_case("n/a") {
        Ok(false)
    } else {
        Err(
            ImportError::bad_value(rows.source(), text, "is not a flag", "Y, N, n/a or an empty cell")
                .at_line(line)
                .at_column(index, rows.name(index)),
        )
    }
}

/// Which O*NET scale a row is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScaleId {
    Importance,
    Level,
}

impl ScaleId {
    fn code(self) -> &'static str {
        match self {
            ScaleId::Importance => "IM",
            ScaleId::Level => "LV",
        }
    }

    fn range(self) -> (f64, f64) {
        match self {
            ScaleId::Importance => IMPORTANCE,
            ScaleId::Level => LEVEL,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            ScaleId::Importance => "an importance (IM) from 1 to 5",
            ScaleId::Level => "a level (LV) from 0 to 7",
        }
    }
}

/// Reads the `Scale ID` and `Data Value` cells of a row.
fn scale_and_value<T: Rows>(
    rows: &T,
    record: &ByteRecord,
    columns: &Columns,
    line: u64,
) -> Result<(ScaleId, f64), ImportError> {
    let at = |e: ImportError, index: usize| e.at_line(line).at_column(index, rows.name(index));
    let text = rows.cell(record, columns.scale_id, line)?;
    let scale = if text.eq_ignore_ascii_case("IM") {
        ScaleId::Importance
    } else if text.eq_ignore_ascii_case("LV") {
        ScaleId::Level
    } else {
        const EXPECTED: &str = "IM (importance, 1 to 5) or LV (level, 0 to 7)";
        let error = if text.is_empty() {
            ImportError::new(
                rows.source(),
                ErrorKind::EmptyCell {
                    expected: EXPECTED.into(),
                },
            )
        } else {
            ImportError::bad_value(rows.source(), text, "is not a scale rolefit reads", EXPECTED)
        };
        return Err(at(error, columns.scale_id));
    };
    let text = rows.cell(record, columns.value, line)?;
    let expected = scale.expected();
    if text.is_empty() {
        return Err(at(
            ImportError::new(
                rows.source(),
                ErrorKind::EmptyCell {
                    expected: expected.into(),
                },
            ),
            columns.value,
        ));
    }
    let value = parse_number(text).map_err(|problem| {
        at(
            ImportError::bad_value(rows.source(), text, problem, expected),
            columns.value,
        )
    })?;
    let (min, max) = scale.range();
    if !(min..=max).contains(&value) {
        return Err(at(
            ImportError::bad_value(
                rows.source(),
                text,
                format!("is outside the O*NET {} scale {min}..{max}", scale.code()),
                expected,
            ),
            columns.value,
        ));
    }
    Ok((scale, value))
}

/// Reads the rows of an O*NET ratings file. `dir` is the file's folder,
/// where titles are looked up if the file has no `Title` column.
pub(crate) fn read<T: Rows>(
    rows: &mut T,
    columns: &Columns,
    format: FileFormat,
    dir: Option<&Path>,
    options: &MatrixOptions,
) -> Result<OnetRead, ImportError> {
    let mut ratings = Ratings::default();
    let mut record = ByteRecord::new();
    if let Some(why) = unsupported_domain(&file_stem(rows.source()), None) {
        return Err(unsupported(rows.source(), &why).at_line(rows.header_line()));
    }
    ratings.styles = OnetDomain::of_file(rows.source()) == Some(OnetDomain::WorkStyles);
    let mut first = true;
    while let Some(line) = rows.next_record(&mut record)? {
        if std::mem::take(&mut first) {
            let id = columns
                .element_id
                .and_then(|i| record.get(i))
                .and_then(|c| std::str::from_utf8(c).ok());
            if let Some(why) = id.and_then(|id| unsupported_domain("", Some(id.trim()))) {
                return Err(unsupported(rows.source(), &why).at_line(line));
            }
            ratings.styles |=
                id.and_then(|id| OnetDomain::of_element(id.trim())) == Some(OnetDomain::WorkStyles);
        }
        let row = RatingRow::read(rows, &record, columns, line)?;
        ratings.add(&row, rows.source(), line, options.max_cells)?;
    }
    if ratings.occupations.is_empty() {
        return Err(ImportError::new(
            rows.source(),
            ErrorKind::NoRows {
                expected: format!("O*NET ratings: {BOTH_SCALES}"),
            },
        ));
    }
    let source = rows.source().to_string();
    let mut roles = ratings.roles(&source)?;
    let mut warnings = Vec::new();
    if ratings.styles {
        warnings.push(format!("{source}: {STYLES_NOTE}"));
    }
    ratings.find_titles(
        columns.title.is_some(),
        dir,
        format,
        &source,
        options,
        &mut warnings,
    );
    for (role, occ) in roles.iter_mut().zip(&ratings.occupations) {
        if !occ.title.is_empty() {
            role.name = format!("{} {}", occ.code, occ.title);
        }
    }
    let role_lines = ratings.occupations.iter().map(|o| o.line).collect();
    let (capabilities, domain) = capabilities(ratings.elements, &source);
    if ratings.suppressed > 0 {
        warnings.push(format!("{source}: {}", suppress_note(ratings.suppressed)));
    }
    if options.scale != Scale::default() && options.scale != scale() {
        warnings.push(format!(
            "{source}: O*NET levels are on the scale 0..7; the matrix scale given ({}) does not apply to them",
            options.scale
        ));
    }
    Ok(OnetRead {
        parts: Parts {
            capabilities,
            roles,
            role_lines,
        },
        domain,
        suppressed: ratings.suppressed,
        warnings,
    })
}

/// The cells of one row of an O*NET ratings file, checked.
struct RatingRow<'r> {
    code: &'r str,
    element_id: Option<&'r str>,
    element_name: &'r str,
    scale: ScaleId,
    value: f64,
    suppressed: bool,
    not_relevant: bool,
    title: &'r str,
}

impl<'r> RatingRow<'r> {
    /// Reads the cells of `record`, read on `line`.
    fn read<T: Rows>(
        rows: &T,
        record: &'r ByteRecord,
        columns: &Columns,
        line: u64,
    ) -> Result<Self, ImportError> {
        let code = rows.required_cell(
            record,
            columns.code,
            line,
            "an O*NET-SOC code, such as 11-1011.00",
        )?;
        let element_id = match columns.element_id {
            Some(i) => Some(rows.required_cell(record, i, line, "an O*NET element id, such as 2.A.1.a")?),
            None => None,
        };
        let element_name = rows.required_cell(
            record,
            columns.element_name,
            line,
            "an O*NET element name, such as Reading Comprehension",
        )?;
        let (scale, value) = scale_and_value(rows, record, columns, line)?;
        let suppressed = match columns.suppress {
            Some(i) => flag(rows, record, i, line)?,
            None => false,
        };
        let not_relevant = match columns.not_relevant {
            Some(i) => flag(rows, record, i, line)?,
            None => false,
        };
        let title = match columns.title {
            Some(i) => rows.cell(record, i, line)?,
            None => "",
        };
        Ok(RatingRow {
            code,
            element_id,
            element_name,
            scale,
            value,
            suppressed,
            not_relevant,
            title,
        })
    }
}

/// The ratings read so far: occupations and elements in the order first
/// seen, each occupation's value of each element on each scale.
#[derive(Default)]
struct Ratings {
    occupations: Vec<Occupation>,
    occupation_keys: HashMap<String, usize>,
    elements: Vec<Element>,
    element_keys: HashMap<String, usize>,
    /// Rows flagged `Recommend Suppress`.
    suppressed: usize,
    /// The occupation of the previous row.
    last: Option<usize>,
    /// Work Styles: rated on importance only, the level taken from it.
    styles: bool,
}

impl Ratings {
    /// Adds the rating of one row, read on `line`.
    ///
    /// # Errors
    /// Too many roles or cells, or a second row for the same occupation,
    /// element and scale.
    fn add(
        &mut self,
        row: &RatingRow<'_>,
        source: &str,
        line: u64,
        max_cells: usize,
    ) -> Result<(), ImportError> {
        self.suppressed += usize::from(row.suppressed);
        let occupation = self.occupation(row.code, line);
        let element = self.element(row.element_id, row.element_name);
        crate::limits::check_roles(self.occupations.len(), source, Some(line))?;
        crate::limits::check_cells(
            self.occupations.len(),
            self.elements.len(),
            max_cells,
            source,
            Some(line),
        )?;
        let occ = &mut self.occupations[occupation];
        if occ.title.is_empty() && !row.title.is_empty() {
            occ.title = row.title.to_string();
        }
        if occ.pairs.len() <= element {
            occ.pairs.resize(element + 1, Pair::default());
        }
        let pair = &mut occ.pairs[element];
        let slot = match row.scale {
            ScaleId::Importance => &mut pair.importance,
            ScaleId::Level => &mut pair.level,
        };
        if let Some((_, first_line)) = *slot {
            return Err(ImportError::new(
                source,
                ErrorKind::Duplicate {
                    what: format!(
                        "occupation {:?}, {}, scale {}",
                        occ.code,
                        self.elements[element].describe(),
                        row.scale.code()
                    ),
                    first_line,
                    expected: "one row per occupation, element and scale".into(),
                },
            )
            .at_line(line));
        }
        *slot = Some((row.value, line));
        pair.not_relevant |= row.not_relevant;
        Ok(())
    }

    /// The index of occupation `code`, added (first seen on `line`) if new.
    fn occupation(&mut self, code: &str, line: u64) -> usize {
        // Rows come grouped by occupation: try the previous one first.
        let occupation = match self.last {
            Some(o) if self.occupations[o].code == code => o,
            _ => *self.occupation_keys.entry(match_key(code)).or_insert_with(|| {
                self.occupations.push(Occupation {
                    code: code.to_string(),
                    title: String::new(),
                    line,
                    pairs: Vec::new(),
                });
                self.occupations.len() - 1
            }),
        };
        self.last = Some(occupation);
        occupation
    }

    /// The index of an element, by its id if the file has ids, else by its
    /// name loosely; added if new.
    fn element(&mut self, id: Option<&str>, name: &str) -> usize {
        let key = id.map_or_else(|| match_key(name), str::to_string);
        if let Some(&e) = self.element_keys.get(&key) {
            return e;
        }
        self.elements.push(Element {
            id: id.map(str::to_string),
            name: name.to_string(),
        });
        self.element_keys.insert(key, self.elements.len() - 1);
        self.elements.len() - 1
    }

    /// One role per occupation, named by its code, with a requirement per
    /// element (importance 0 where the element is `Not Relevant`).
    ///
    /// # Errors
    /// An occupation without both an IM and an LV row for an element.
    fn roles(&self, source: &str) -> Result<Vec<Role>, ImportError> {
        let mut roles = Vec::with_capacity(self.occupations.len());
        for occ in &self.occupations {
            let requirements = self
                .elements
                .iter()
                .enumerate()
                .map(|(e, element)| {
                    let mut pair = occ.pairs.get(e).copied().unwrap_or_default();
                    if self.styles && pair.level.is_none() {
                        pair.level = pair.importance.map(|(im, line)| (style_level(im), line));
                    }
                    requirement(occ, element, pair, source)
                })
                .collect::<Result<Vec<_>, _>>()?;
            roles.push(Role::new(slug(&occ.code), occ.code.clone(), requirements));
        }
        Ok(roles)
    }

    /// Gives titles to the occupations without one, from an `Occupation
    /// Data` file in `dir` when the ratings have no `Title` column
    /// (`titled`), and says in `warnings` which stay untitled and why.
    fn find_titles(
        &mut self,
        titled: bool,
        dir: Option<&Path>,
        format: FileFormat,
        source: &str,
        options: &MatrixOptions,
        warnings: &mut Vec<String>,
    ) {
        let untitled: Vec<usize> = (0..self.occupations.len())
            .filter(|&o| self.occupations[o].title.is_empty())
            .collect();
        if untitled.is_empty() {
            return;
        }
        match (titled, dir) {
            (true, _) => warnings.push(format!(
                "{source}: {}",
                untitled_note(untitled.len(), "an empty Title")
            )),
            (false, None) => warnings.push(format!(
                "{source}: there is no Title column, so roles are named by their O*NET-SOC codes \
                 (read the file by its path to find titles in an Occupation Data file beside it)"
            )),
            (false, Some(dir)) => {
                let Some((file, titles)) = occupation_titles(dir, format, source, options, warnings) else {
                    return;
                };
                let mut missing = 0usize;
                for &o in &untitled {
                    match titles.get(&match_key(&self.occupations[o].code)) {
                        Some(title) => self.occupations[o].title = title.clone(),
                        None => missing += 1,
                    }
                }
                if missing > 0 {
                    warnings.push(format!(
                        "{source}: {}",
                        untitled_note(missing, &format!("no title in {file}"))
                    ));
                }
            }
        }
    }
}

/// The requirement of occupation `occ` for `element`, from what its rows
/// said (`pair`).
///
/// # Errors
/// No IM row or no LV row (or neither) for the pair.
fn requirement(
    occ: &Occupation,
    element: &Element,
    pair: Pair,
    source: &str,
) -> Result<Requirement, ImportError> {
    let (level, importance) = match (pair.level, pair.importance) {
        (Some((level, _)), Some((importance, _))) => (level, importance),
        (None, None) => {
            return Err(ImportError::header(
                source,
                format!(
                    "occupation {:?} has no rows for {}, which other occupations rate",
                    occ.code,
                    element.describe()
                ),
                BOTH_SCALES,
            )
            .at_line(occ.line))
        }
        (Some((_, line)), None) | (None, Some((_, line))) => {
            let (has, lacks) = if pair.level.is_some() {
                ("a level (LV)", "importance (IM)")
            } else {
                ("an importance (IM)", "level (LV)")
            };
            return Err(ImportError::header(
                source,
                format!(
                    "occupation {:?}, {} has {has} row but no {lacks} row",
                    occ.code,
                    element.describe()
                ),
                BOTH_SCALES,
            )
            .at_line(line));
        }
    };
    let importance = if pair.not_relevant { 0.0 } else { importance };
    Ok(Requirement { level, importance })
}

/// The capabilities of the elements (their ids as aliases, their O*NET
/// domain as category) and the domain of the whole file: the elements'
/// one domain if they share one, else the file name's.
fn capabilities(elements: Vec<Element>, source: &str) -> (Vec<Capability>, Option<OnetDomain>) {
    let file_domain = OnetDomain::of_file(source);
    let element_domains: Vec<Option<OnetDomain>> = elements
        .iter()
        .map(|e| e.id.as_deref().and_then(OnetDomain::of_element))
        .collect();
    let domain = match element_domains.split_first() {
        Some((&first @ Some(_), rest)) if rest.iter().all(|d| *d == first) => first,
        _ => file_domain,
    };
    let capabilities = elements
        .into_iter()
        .zip(element_domains)
        .map(|(element, element_domain)| {
            let mut capability = Capability::new(slug(&element.name), element.name);
            if let Some(d) = element_domain.or(file_domain) {
                capability.category = d.name().to_string();
            }
            capability.aliases.extend(element.id);
            capability
        })
        .collect();
    (capabilities, domain)
}

/// Titles by the loose key of the O*NET-SOC code, from `Occupation
/// Data.txt` or `Occupation Data.xlsx` in `dir` (the one in the ratings
/// file's format first), with that file's name; `None` (and a warning) if
/// there is none or it cannot be read.
fn occupation_titles(
    dir: &Path,
    format: FileFormat,
    source: &str,
    options: &MatrixOptions,
    warnings: &mut Vec<String>,
) -> Option<(String, HashMap<String, String>)> {
    let extensions = match format {
        FileFormat::Excel => ["xlsx", "txt"],
        _ => ["txt", "xlsx"],
    };
    let Some(path) = extensions
        .iter()
        .map(|ext| dir.join(format!("{OCCUPATION_DATA}.{ext}")))
        .find(|p| p.is_file())
    else {
        warnings.push(format!(
            "{source}: there is no Title column and no `{OCCUPATION_DATA}.txt` or `{OCCUPATION_DATA}.xlsx` \
             beside the file, so roles are named by their O*NET-SOC codes"
        ));
        return None;
    };
    let name = path.display().to_string();
    match read_titles_file(&path, &name, options.max_unzipped_mib) {
        Ok(titles) => Some((name, titles)),
        Err(e) => {
            warnings.push(format!("{e}; roles are named by their O*NET-SOC codes"));
            None
        }
    }
}

/// Reads an `Occupation Data` file, text or Excel by its extension (a
/// workbook unzipping to at most `max_unzipped_mib` MiB).
fn read_titles_file(
    path: &Path,
    name: &str,
    max_unzipped_mib: u64,
) -> Result<HashMap<String, String>, ImportError> {
    const EXPECTED: &str = "a header row with the columns O*NET-SOC Code and Title";
    let file = File::open(path).map_err(|e| ImportError::io(name, e))?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        xlsx::with_sheet(
            BufReader::new(file),
            name,
            None,
            EXPECTED,
            max_unzipped_mib,
            |rows| read_titles(rows),
        )
    } else {
        read_titles(&mut Table::open(file, name, EXPECTED)?)
    }
}

/// Reads titles by the loose key of the O*NET-SOC code from rows with the
/// columns `O*NET-SOC Code` and `Title` (others are ignored).
pub(crate) fn read_titles<T: Rows>(rows: &mut T) -> Result<HashMap<String, String>, ImportError> {
    let (Some(code), Some(title)) = (rows.find(CODE_KEY), rows.find("title")) else {
        return Err(ImportError::header(
            rows.source(),
            "the header has no `O*NET-SOC Code` or no `Title` column",
            "the columns O*NET-SOC Code and Title (as in the O*NET Occupation Data file)",
        )
        .at_line(rows.header_line()));
    };
    let mut titles = HashMap::new();
    let mut record = ByteRecord::new();
    while let Some(line) = rows.next_record(&mut record)? {
        let code = rows.required_cell(&record, code, line, "an O*NET-SOC code, such as 11-1011.00")?;
        let title = rows.cell(&record, title, line)?;
        if !title.is_empty() {
            titles.entry(match_key(code)).or_insert_with(|| title.to_string());
        }
    }
    Ok(titles)
}

/// The note on estimates flagged `Recommend Suppress`.
fn suppress_note(count: usize) -> String {
    if count == 1 {
        "1 O*NET estimate is flagged Recommend Suppress (low precision); it is used as it is".into()
    } else {
        format!(
            "{} O*NET estimates are flagged Recommend Suppress (low precision); they are used as they are",
            thousands(count)
        )
    }
}

/// Says that `count` occupations have `why` (no title) and are named by
/// their codes.
fn untitled_note(count: usize, why: &str) -> String {
    if count == 1 {
        format!("1 occupation has {why}, and is named by its O*NET-SOC code")
    } else {
        format!(
            "{} occupations have {why}, and are named by their O*NET-SOC codes",
            thousands(count)
        )
    }
}

/// A count with thousands separators: `61,530`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{read_matrix, read_matrix_path, read_matrix_report, Layout, MatrixReport};
    use rolefit_model::RoleMatrix;

    pub(crate) const HEADER: &str = "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\t\
                                     Standard Error\tLower CI Bound\tUpper CI Bound\tRecommend Suppress\t\
                                     Not Relevant\tDate\tDomain Source";

    /// A row of the text release; `flags` is Recommend Suppress and Not
    /// Relevant.
    pub(crate) fn row(
        code: &str,
        element: (&str, &str),
        scale: &str,
        value: &str,
        flags: (&str, &str),
    ) -> String {
        let (id, name) = element;
        let (suppress, not_relevant) = flags;
        format!(
            "{code}\t{id}\t{name}\t{scale}\t{value}\t8\t0.1250\t3.8800\t4.3700\t{suppress}\t{not_relevant}\t08/2023\tAnalyst"
        )
    }

    #[test]
    fn other_domains_are_read_or_refused_by_name() {
        let file = |rows: &[(&str, (&str, &str), &str, &str)]| {
            let mut text = format!("{HEADER}\n");
            for (code, element, scale, value) in rows {
                text.push_str(&row(code, *element, scale, value, ("N", "N")));
                text.push('\n');
            }
            text
        };
        let read =
            |name: &str, text: &str| read_matrix_report(text.as_bytes(), name, &MatrixOptions::default());
        // Abilities and Work Activities: importance and level, like Skills.
        for (name, a, b, domain) in [
            (
                "Abilities.txt",
                ("1.A.1.a.1", "Oral Comprehension"),
                ("1.A.1.a.2", "Written Comprehension"),
                OnetDomain::Abilities,
            ),
            (
                "Work Activities.txt",
                ("4.A.1.a.1", "Getting Information"),
                ("4.A.2.a.1", "Judging Qualities"),
                OnetDomain::WorkActivities,
            ),
        ] {
            let text = file(&[
                ("11-1011.00", a, "IM", "4.1"),
                ("11-1011.00", a, "LV", "4.6"),
                ("11-1011.00", b, "IM", "3.0"),
                ("11-1011.00", b, "LV", "2.5"),
            ]);
            let report = read(name, &text).unwrap();
            assert_eq!(report.layout, Layout::Onet { domain: Some(domain) });
            assert_eq!(report.matrix.capabilities().len(), 2);
        }
        // Work Styles: importance only, the level taken from it.
        let styles = file(&[
            ("11-1011.00", ("1.C.1.a", "Achievement/Effort"), "IM", "4.2"),
            ("11-1011.00", ("1.C.2.b", "Leadership"), "IM", "1.0"),
            ("15-1252.00", ("1.C.1.a", "Achievement/Effort"), "IM", "5.0"),
            ("15-1252.00", ("1.C.2.b", "Leadership"), "IM", "3.0"),
        ]);
        for name in ["styles.txt", "Work Styles.txt"] {
            let report = read(name, &styles).unwrap();
            assert_eq!(
                report.layout,
                Layout::Onet {
                    domain: Some(OnetDomain::WorkStyles)
                }
            );
            let m = &report.matrix;
            let levels: Vec<(f64, f64)> = m
                .roles()
                .iter()
                .flat_map(|r| r.requirements.iter().map(|q| (q.level, q.importance)))
                .collect();
            let expected = [(3.2 * 7.0 / 4.0, 4.2), (0.0, 1.0), (7.0, 5.0), (3.5, 3.0)];
            for (got, want) in levels.iter().zip(expected) {
                assert!((got.0 - want.0).abs() < 1e-12 && got.1 == want.1, "{levels:?}");
            }
            assert_eq!(
                report.warnings[..1],
                [format!(
                    "{name}: Work Styles rates importance only (IM): each element's level is its importance \
                     mapped from 1..5 onto 0..7, (IM - 1) x 7 / 4, and its importance is IM"
                )]
            );
        }
        let context = file(&[("11-1011.00", ("4.C.1.a.2.c", "Public Speaking"), "CX", "3.2")]);
        assert!(read("Work Context.txt", &context)
            .unwrap_err()
            .to_string()
            .starts_with(
                "Work Context.txt:1: this O*NET domain is not supported: Work Context rates the context"
            ));
        assert!(read("x.txt", &context)
            .unwrap_err()
            .to_string()
            .contains("Work Context (element 4.C.1.a.2.c) rates the context of work"));
    }

    const READING: (&str, &str) = ("2.A.1.a", "Reading Comprehension");
    const EQUIPMENT: (&str, &str) = ("2.B.3.c", "Equipment Selection");

    /// Two occupations, two elements, both scales; an `n/a`, a Not Relevant
    /// and two Recommend Suppress rows; blank N and Standard Error cells on
    /// one row (as Knowledge.txt has).
    pub(crate) fn fixture() -> String {
        [
            HEADER.to_string(),
            row("11-1011.00", READING, "IM", "4.12", ("N", "n/a")),
            row("11-1011.00", READING, "LV", "4.62", ("N", "N")),
            row("11-1011.00", EQUIPMENT, "IM", "1.25", ("N", "n/a")),
            row("11-1011.00", EQUIPMENT, "LV", "0.25", ("N", "Y")),
            row("15-1252.00", READING, "IM", "3.88", ("Y", "n/a")),
            "15-1252.00\t2.A.1.a\tReading Comprehension\tLV\t4.00\t\t\t\t\tN\tN\t08/2023\tIncumbent".into(),
            row("15-1252.00", EQUIPMENT, "IM", "2.00", ("N", "n/a")),
            row("15-1252.00", EQUIPMENT, "LV", "6.96", ("Y", "N")),
        ]
        .join("\n")
            + "\n"
    }

    fn report(text: &str, source: &str) -> Result<MatrixReport, ImportError> {
        read_matrix_report(text.as_bytes(), source, &MatrixOptions::default())
    }

    fn err(text: &str) -> String {
        report(text, "Skills.txt").unwrap_err().to_string()
    }

    /// The fixture with line `line` (1-based) replaced, or removed for `None`.
    fn edit(line: usize, with: Option<String>) -> String {
        let mut lines: Vec<String> = fixture().lines().map(str::to_string).collect();
        match with {
            Some(text) => lines[line - 1] = text,
            None => {
                lines.remove(line - 1);
            }
        }
        lines.join("\n") + "\n"
    }

    fn cells(m: &RoleMatrix) -> Vec<Vec<(f64, f64)>> {
        m.roles()
            .iter()
            .map(|r| r.requirements.iter().map(|q| (q.level, q.importance)).collect())
            .collect()
    }

    #[test]
    fn maps_occupations_to_roles_and_elements_to_capabilities() {
        let report = report(&fixture(), "onet/Skills.txt").unwrap();
        let m = &report.matrix;
        assert_eq!(
            report.layout,
            Layout::Onet {
                domain: Some(OnetDomain::Skills)
            }
        );
        assert_eq!(report.format, FileFormat::Text);
        assert_eq!(report.layout_description(), "O*NET text (Skills)");
        assert_eq!(m.name(), "Skills");
        assert_eq!(m.scale(), scale());
        let roles: Vec<(&str, &str)> = m
            .roles()
            .iter()
            .map(|r| (r.id.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            roles,
            [("11-1011-00", "11-1011.00"), ("15-1252-00", "15-1252.00")]
        );
        assert_eq!(m.role_index("15-1252.00"), Some(1));
        let reading = &m.capabilities()[0];
        assert_eq!(
            (
                reading.id.as_str(),
                reading.name.as_str(),
                reading.category.as_str()
            ),
            ("reading-comprehension", "Reading Comprehension", "Skills")
        );
        assert_eq!(reading.aliases, ["2.A.1.a"]);
        assert_eq!(m.capability_index("2.B.3.c"), Some(1));
        assert_eq!(m.capabilities()[1].id, "equipment-selection");
        // LV is the level, IM the importance; Not Relevant = Y zeroes it.
        assert_eq!(
            cells(m),
            [[(4.62, 4.12), (0.25, 0.0)], [(4.0, 3.88), (6.96, 2.0)]]
        );
        assert_eq!(report.suppressed, 2);
        assert_eq!(
            report.warnings,
            [
                "onet/Skills.txt: there is no Title column, so roles are named by their O*NET-SOC codes (read \
                 the file by its path to find titles in an Occupation Data file beside it)",
                "onet/Skills.txt: 2 O*NET estimates are flagged Recommend Suppress (low precision); they are \
                 used as they are",
            ]
        );
        // read_matrix gives the same matrix without the report.
        let plain = read_matrix(fixture().as_bytes(), "onet/Skills.txt", &MatrixOptions::default()).unwrap();
        assert_eq!(&plain, m);
    }

    #[test]
    fn one_suppressed_estimate_is_singular() {
        let text = edit(9, Some(row("15-1252.00", EQUIPMENT, "LV", "6.96", ("N", "N"))));
        let report = report(&text, "x.txt").unwrap();
        assert_eq!(report.suppressed, 1);
        assert!(report.warnings.contains(
            &"x.txt: 1 O*NET estimate is flagged Recommend Suppress (low precision); it is used as it is"
                .into()
        ));
    }

    #[test]
    fn the_scale_is_always_0_to_7() {
        for (scale, warned) in [("1..5", false), ("0..7", false), ("1..10", true)] {
            let options = MatrixOptions {
                scale: scale.parse().unwrap(),
                name: Some("O".into()),
                ..MatrixOptions::default()
            };
            let report = read_matrix_report(fixture().as_bytes(), "Skills.txt", &options).unwrap();
            assert_eq!(report.matrix.scale().to_string(), "0..7");
            assert_eq!(report.matrix.name(), "O");
            let warning =
                "Skills.txt: O*NET levels are on the scale 0..7; the matrix scale given (1..10) does \
                           not apply to them";
            assert_eq!(report.warnings.iter().any(|w| w == warning), warned, "{scale}");
        }
    }

    #[test]
    fn not_relevant_on_the_importance_row_counts_too() {
        let text = edit(6, Some(row("15-1252.00", READING, "IM", "3.88", ("Y", "Y"))));
        let m = report(&text, "Skills.txt").unwrap().matrix;
        assert_eq!(m.roles()[1].requirements[0].importance, 0.0);
        assert_eq!(m.roles()[1].requirements[0].level, 4.0);
    }

    #[test]
    fn a_role_with_nothing_relevant_is_refused_at_its_first_line() {
        let text = edit(3, Some(row("11-1011.00", READING, "LV", "4.62", ("N", "Y"))));
        assert_eq!(
            err(&text),
            "Skills.txt:2: role \"11-1011-00\" gives every capability importance 0: at least one must matter"
        );
    }

    #[test]
    fn missing_importance_or_level_names_occupation_and_element() {
        assert_eq!(
            err(&edit(2, None)),
            "Skills.txt:2: occupation \"11-1011.00\", element \"2.A.1.a\" (Reading Comprehension) has a level \
             (LV) row but no importance (IM) row; expected an IM and an LV row for every occupation and element"
        );
        assert_eq!(
            err(&edit(9, None)),
            "Skills.txt:8: occupation \"15-1252.00\", element \"2.B.3.c\" (Equipment Selection) has an \
             importance (IM) row but no level (LV) row; expected an IM and an LV row for every occupation and \
             element"
        );
        let text = edit(8, None);
        let text: String = text
            .lines()
            .filter(|l| !l.contains("6.96"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            report(&text, "Skills.txt").unwrap_err().to_string(),
            "Skills.txt:6: occupation \"15-1252.00\" has no rows for element \"2.B.3.c\" (Equipment \
             Selection), which other occupations rate; expected an IM and an LV row for every occupation and \
             element"
        );
    }

    #[test]
    fn a_row_given_twice_is_refused() {
        let text = fixture() + &row("11-1011.00", READING, "lv", "4.5", ("N", "N")) + "\n";
        assert_eq!(
            err(&text),
            "Skills.txt:10: occupation \"11-1011.00\", element \"2.A.1.a\" (Reading Comprehension), scale LV is \
             given twice, first on line 3; expected one row per occupation, element and scale"
        );
    }

    #[test]
    fn values_outside_their_scale_name_line_and_column() {
        assert_eq!(
            err(&edit(
                3,
                Some(row("11-1011.00", READING, "LV", "7.01", ("N", "N")))
            )),
            "Skills.txt:3: column 5 \"Data Value\": \"7.01\" is outside the O*NET LV scale 0..7; expected a \
             level (LV) from 0 to 7"
        );
        assert_eq!(
            err(&edit(
                4,
                Some(row("11-1011.00", EQUIPMENT, "IM", "0.5", ("N", "n/a")))
            )),
            "Skills.txt:4: column 5 \"Data Value\": \"0.5\" is outside the O*NET IM scale 1..5; expected an \
             importance (IM) from 1 to 5"
        );
        assert!(err(&edit(
            4,
            Some(row("11-1011.00", EQUIPMENT, "IM", "5.5", ("N", "n/a")))
        ))
        .contains("\"5.5\" is outside the O*NET IM scale 1..5"));
        assert!(err(&edit(
            5,
            Some(row("11-1011.00", EQUIPMENT, "LV", "-0.1", ("N", "Y")))
        ))
        .contains("\"-0.1\" is outside the O*NET LV scale 0..7"));
        assert_eq!(
            err(&edit(5, Some(row("11-1011.00", EQUIPMENT, "LV", "n/a", ("N", "Y"))))),
            "Skills.txt:5: column 5 \"Data Value\": \"n/a\" is not a number; expected a level (LV) from 0 to 7"
        );
        assert_eq!(
            err(&edit(5, Some(row("11-1011.00", EQUIPMENT, "LV", "", ("N", "Y"))))),
            "Skills.txt:5: column 5 \"Data Value\": the cell is empty; expected a level (LV) from 0 to 7"
        );
        assert!(err(&edit(
            5,
            Some(row("11-1011.00", EQUIPMENT, "LV", "NaN", ("N", "Y")))
        ))
        .contains("is not a finite number"));
    }

    #[test]
    fn bad_scales_flags_and_names_are_refused() {
        assert_eq!(
            err(&edit(5, Some(row("11-1011.00", EQUIPMENT, "CX", "2", ("N", "Y"))))),
            "Skills.txt:5: column 4 \"Scale ID\": \"CX\" is not a scale rolefit reads; expected IM (importance, \
             1 to 5) or LV (level, 0 to 7)"
        );
        assert!(
            err(&edit(5, Some(row("11-1011.00", EQUIPMENT, "", "2", ("N", "Y")))))
                .contains("column 4 \"Scale ID\": the cell is empty")
        );
        assert_eq!(
            err(&edit(5, Some(row("11-1011.00", EQUIPMENT, "LV", "2", ("N", "maybe"))))),
            "Skills.txt:5: column 11 \"Not Relevant\": \"maybe\" is not a flag; expected Y, N, n/a or an empty \
             cell"
        );
        assert!(err(&edit(
            5,
            Some(row("11-1011.00", EQUIPMENT, "LV", "2", ("yes", "N")))
        ))
        .starts_with("Skills.txt:5: column 10 \"Recommend Suppress\": \"yes\" is not a flag"));
        assert_eq!(
            err(&edit(5, Some(row("", EQUIPMENT, "LV", "2", ("N", "N"))))),
            "Skills.txt:5: column 1 \"O*NET-SOC Code\": the cell is empty; expected an O*NET-SOC code, such as \
             11-1011.00"
        );
        assert!(err(&edit(
            5,
            Some(row(
                "11-1011.00",
                ("", "Equipment Selection"),
                "LV",
                "2",
                ("N", "N")
            ))
        ))
        .contains(
            "column 2 \"Element ID\": the cell is empty; expected an O*NET element id, such as 2.A.1.a"
        ));
        assert!(err(&edit(
            5,
            Some(row("11-1011.00", ("2.B.3.c", "--"), "LV", "2", ("N", "N")))
        ))
        .contains(
            "column 3 \"Element Name\": \"--\" has no letters or digits; expected an O*NET element name"
        ));
    }

    #[test]
    fn an_incomplete_onet_header_says_what_is_missing() {
        assert_eq!(
            err("O*NET-SOC Code\tElement Name\tData Value\n11-1011.00\tX\t1\n"),
            "Skills.txt:1: this looks like O*NET data (it has an `O*NET-SOC Code` column), but the header has \
             no `Scale ID` column; expected the columns of an O*NET ratings file (such as Skills.txt or \
             Skills.xlsx): O*NET-SOC Code, Element ID, Element Name, Scale ID and Data Value, and optionally \
             Title, Recommend Suppress and Not Relevant, in any order (other columns, such as N or Standard \
             Error, are ignored)"
        );
        assert!(
            err("O*NET-SOC Code,Title\n").contains("no `Element Name` or `Scale ID` or `Data Value` column")
        );
        assert_eq!(
            err(&format!("{HEADER}\n")),
            "Skills.txt: has a header but no data rows; expected O*NET ratings: an IM and an LV row for every \
             occupation and element"
        );
    }

    #[test]
    fn works_without_element_ids_and_optional_columns() {
        let text = "onet-soc code,element name,scale id,data value\n\
                    11-1011.00,Mathematics,IM,3\n11-1011.00,Mathematics,LV,4\n\
                    11-1011.00,English Language,IM,4\n11-1011.00,english language,LV,5\n";
        let report = report(text, "data/Knowledge.csv").unwrap();
        let m = &report.matrix;
        assert_eq!(
            report.layout,
            Layout::Onet {
                domain: Some(OnetDomain::Knowledge)
            }
        );
        assert_eq!(m.capabilities().len(), 2);
        assert!(m
            .capabilities()
            .iter()
            .all(|c| c.aliases.is_empty() && c.category == "Knowledge"));
        assert_eq!(cells(m), [[(4.0, 3.0), (5.0, 4.0)]]);
        assert_eq!(report.suppressed, 0);
        // Neither a known file name nor element ids: no domain.
        let report = read_matrix_report(text.as_bytes(), "ratings.csv", &MatrixOptions::default()).unwrap();
        assert_eq!(report.layout, Layout::Onet { domain: None });
        assert_eq!(report.layout_description(), "O*NET text");
        assert!(report.matrix.capabilities().iter().all(|c| c.category.is_empty()));
    }

    #[test]
    fn the_domain_comes_from_element_ids_before_the_file_name() {
        let text = [
            HEADER.to_string(),
            row("11-1011.00", ("2.C.4.a", "Mathematics"), "IM", "3", ("N", "n/a")),
            row("11-1011.00", ("2.C.4.a", "Mathematics"), "LV", "4", ("N", "N")),
            row(
                "11-1011.00",
                ("1.A.1.a.1", "Oral Comprehension"),
                "IM",
                "3",
                ("N", "n/a"),
            ),
            row(
                "11-1011.00",
                ("1.A.1.a.1", "Oral Comprehension"),
                "LV",
                "4",
                ("N", "N"),
            ),
            row(
                "11-1011.00",
                ("4.A.1.a.1", "Getting Information"),
                "IM",
                "3",
                ("N", "n/a"),
            ),
            row(
                "11-1011.00",
                ("4.A.1.a.1", "Getting Information"),
                "LV",
                "4",
                ("N", "N"),
            ),
        ]
        .join("\n");
        let report = report(&text, "mixed.txt").unwrap();
        assert_eq!(report.layout, Layout::Onet { domain: None });
        let categories: Vec<&str> = report
            .matrix
            .capabilities()
            .iter()
            .map(|c| c.category.as_str())
            .collect();
        assert_eq!(categories, ["Knowledge", "Abilities", "Work Activities"]);
        let only_knowledge: String = text.lines().take(3).map(|l| format!("{l}\n")).collect::<String>()
            + &row(
                "11-1011.00",
                ("2.C.1.a", "Administration"),
                "IM",
                "3",
                ("N", "n/a"),
            )
            + "\n"
            + &row("11-1011.00", ("2.C.1.a", "Administration"), "LV", "4", ("N", "N"));
        let report =
            read_matrix_report(only_knowledge.as_bytes(), "Skills.txt", &MatrixOptions::default()).unwrap();
        assert_eq!(
            report.layout,
            Layout::Onet {
                domain: Some(OnetDomain::Knowledge)
            }
        );
        assert_eq!(
            OnetDomain::of_file("Work_Activities.xlsx"),
            Some(OnetDomain::WorkActivities)
        );
        assert_eq!(OnetDomain::of_file("abilities"), Some(OnetDomain::Abilities));
        assert_eq!(OnetDomain::of_element("2.b.3.c"), Some(OnetDomain::Skills));
        assert_eq!(OnetDomain::of_element("3.A"), None);
        assert_eq!(OnetDomain::WorkActivities.to_string(), "Work Activities");
    }

    /// The text layout with the Excel release's Title column.
    fn with_titles(second_title: &str) -> String {
        fixture()
            .lines()
            .enumerate()
            .map(|(i, line)| {
                let (code, rest) = line.split_once('\t').unwrap();
                let title = match i {
                    0 => "Title",
                    _ if code.starts_with("11") => "Chief Executives",
                    _ => second_title,
                };
                format!("{code}\t{title}\t{rest}\n")
            })
            .collect()
    }

    #[test]
    fn titles_come_from_a_title_column() {
        let report = report(&with_titles("Software Developers"), "Skills.txt").unwrap();
        let names: Vec<&str> = report.matrix.roles().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["11-1011.00 Chief Executives", "15-1252.00 Software Developers"]
        );
        assert_eq!(report.matrix.roles()[0].id, "11-1011-00");
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        let report = super::tests::report(&with_titles(""), "Skills.txt").unwrap();
        assert_eq!(report.matrix.roles()[1].name, "15-1252.00");
        assert_eq!(
            report.warnings[0],
            "Skills.txt: 1 occupation has an empty Title, and is named by its O*NET-SOC code"
        );
    }

    const OCCUPATION_DATA_TXT: &str = "O*NET-SOC Code\tTitle\tDescription\n\
                                       11-1011.00\tChief Executives\tDetermine and formulate policies.\n\
                                       11-1011.03\tChief Sustainability Officers\tCommunicate.\n";

    #[test]
    fn titles_come_from_occupation_data_beside_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Skills.txt");
        std::fs::write(&path, fixture()).unwrap();
        let options = MatrixOptions::default();

        let report = read_matrix_path(&path, &options).unwrap();
        assert_eq!(report.matrix.roles()[0].name, "11-1011.00");
        assert_eq!(
            report.warnings[0],
            format!(
                "{}: there is no Title column and no `Occupation Data.txt` or `Occupation Data.xlsx` beside the \
                 file, so roles are named by their O*NET-SOC codes",
                path.display()
            )
        );

        let titles = dir.path().join("Occupation Data.txt");
        std::fs::write(&titles, OCCUPATION_DATA_TXT).unwrap();
        let report = read_matrix_path(&path, &options).unwrap();
        let names: Vec<&str> = report.matrix.roles().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["11-1011.00 Chief Executives", "15-1252.00"]);
        assert_eq!(
            report.warnings[0],
            format!(
                "{}: 1 occupation has no title in {}, and is named by its O*NET-SOC code",
                path.display(),
                titles.display()
            )
        );
        assert_eq!(report.matrix.source(), path.display().to_string());

        std::fs::write(
            &titles,
            format!("{OCCUPATION_DATA_TXT}15-1252.00\tSoftware Developers\tx\n"),
        )
        .unwrap();
        let report = read_matrix_path(&path, &options).unwrap();
        assert_eq!(report.matrix.roles()[1].name, "15-1252.00 Software Developers");
        assert_eq!(
            report.warnings.len(),
            1,
            "only the suppress note: {:?}",
            report.warnings
        );

        // A broken Occupation Data file is a warning, not an error.
        std::fs::write(&titles, "Code\tName\n").unwrap();
        let report = read_matrix_path(&path, &options).unwrap();
        assert_eq!(report.matrix.roles()[0].name, "11-1011.00");
        assert_eq!(
            report.warnings[0],
            format!(
                "{}:1: the header has no `O*NET-SOC Code` or no `Title` column; expected the columns O*NET-SOC \
                 Code and Title (as in the O*NET Occupation Data file); roles are named by their O*NET-SOC codes",
                titles.display()
            )
        );
    }

    #[test]
    fn titles_come_from_an_occupation_data_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Skills.txt");
        std::fs::write(&path, fixture()).unwrap();
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, cells) in [
            ["O*NET-SOC Code", "Title", "Description"],
            ["11-1011.00", "Chief Executives", "x"],
            ["15-1252.00", "Software Developers", "y"],
        ]
        .iter()
        .enumerate()
        {
            for (c, text) in cells.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
        workbook.save(dir.path().join("Occupation Data.xlsx")).unwrap();
        let report = read_matrix_path(&path, &MatrixOptions::default()).unwrap();
        let names: Vec<&str> = report.matrix.roles().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["11-1011.00 Chief Executives", "15-1252.00 Software Developers"]
        );
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(61_530), "61,530");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}

/// The O*NET, Excel and merge messages quoted in `docs/formats.md` are
/// produced here, and each must appear there word for word.
#[cfg(test)]
mod documented_messages {
    use super::tests::{fixture, row, HEADER};
    use super::*;
    use crate::{merge_matrices, read_matrix, read_matrix_report, read_matrix_xlsx};
    use std::io::Cursor;

    const FORMATS_MD: &str = include_str!("../../../docs/formats.md");

    fn onet_error(text: &str) -> String {
        read_matrix(text.as_bytes(), "Skills.txt", &MatrixOptions::default())
            .unwrap_err()
            .to_string()
    }

    fn edit(line: usize, with: Option<String>) -> String {
        let mut lines: Vec<String> = fixture().lines().map(str::to_string).collect();
        match with {
            Some(text) => lines[line - 1] = text,
            None => {
                lines.remove(line - 1);
            }
        }
        lines.join("\n") + "\n"
    }

    fn xlsx_error(rows: &[&[&str]]) -> String {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, cells) in rows.iter().enumerate() {
            for (c, text) in cells.iter().enumerate() {
                match text.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n),
                    Err(_) => sheet.write_string(r as u32, c as u16, *text),
                }
                .unwrap();
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        read_matrix_xlsx(Cursor::new(bytes), "team.xlsx", &MatrixOptions::default())
            .unwrap_err()
            .to_string()
    }

    fn messages() -> Vec<String> {
        let reading = ("2.A.1.a", "Reading Comprehension");
        let equipment = ("2.B.3.c", "Equipment Selection");
        let mut out = vec![
            onet_error(&edit(
                3,
                Some(row("11-1011.00", reading, "LV", "7.01", ("N", "N"))),
            )),
            onet_error(&edit(
                4,
                Some(row("11-1011.00", equipment, "IM", "0.5", ("N", "n/a"))),
            )),
            onet_error(&edit(
                5,
                Some(row("11-1011.00", equipment, "CX", "2", ("N", "Y"))),
            )),
            onet_error(&edit(
                5,
                Some(row("11-1011.00", equipment, "LV", "2", ("N", "maybe"))),
            )),
            onet_error(&edit(2, None)),
        ];
        let text: String = edit(8, None)
            .lines()
            .filter(|l| !l.contains("6.96"))
            .map(|l| format!("{l}\n"))
            .collect();
        out.push(onet_error(&text));
        out.push(onet_error(
            &(fixture() + &row("11-1011.00", reading, "lv", "4.5", ("N", "N")) + "\n"),
        ));
        out.push(onet_error(&HEADER.replace("\tScale ID", "")));

        out.push(xlsx_error(&[
            &["role", "capability", "level", "importance"],
            &["Lead", "Planning", "4", "2"],
            &["Lead", "Budget", "3"],
            &["Analyst", "Budget", "lots", "1"],
        ]));
        out.push(xlsx_error(&[&["role", "a", "b"], &["x", "1", "2", "note"]]));

        let csv = |text: &str, source: &str, scale: &str| {
            let options = MatrixOptions {
                scale: scale.parse().unwrap(),
                name: None,
                ..MatrixOptions::default()
            };
            read_matrix(text.as_bytes(), source, &options).unwrap()
        };
        let team = csv("role,Planning,Budget\nx,1,2\n", "team.csv", "1..5");
        let extra = csv("role,Writing,planning\nx,1,2\n", "extra.csv", "1..5");
        out.push(
            merge_matrices(vec![team.clone(), extra], "all")
                .unwrap_err()
                .to_string(),
        );
        let skills = read_matrix(fixture().as_bytes(), "Skills.txt", &MatrixOptions::default()).unwrap();
        out.push(merge_matrices(vec![skills, team], "all").unwrap_err().to_string());

        // Notes.
        out.push(format!("Skills.txt: {}", suppress_note(124)));
        let dir = tempfile::tempdir().unwrap();
        let mut warnings = Vec::new();
        assert!(occupation_titles(
            dir.path(),
            FileFormat::Text,
            "Skills.txt",
            &MatrixOptions::default(),
            &mut warnings
        )
        .is_none());
        out.extend(warnings);
        out.push(format!(
            "Skills.txt: {}",
            untitled_note(3, "no title in Occupation Data.txt")
        ));
        let options = MatrixOptions {
            scale: "1..10".parse().unwrap(),
            name: None,
            ..MatrixOptions::default()
        };
        let report = read_matrix_report(fixture().as_bytes(), "Skills.txt", &options).unwrap();
        out.push(report.warnings.last().unwrap().clone());
        out
    }

    #[test]
    fn every_documented_message_is_real() {
        let messages = messages();
        assert_eq!(messages.len(), 16);
        for message in messages {
            assert!(
                FORMATS_MD.contains(&format!("\n{message}\n")),
                "docs/formats.md lacks:\n{message}"
            );
        }
    }
}
