//! Survey-tool export layouts: which tool wrote a responses file, how many
//! header rows it has, and what each column holds.
//!
//! A responses file is read the same way whatever wrote it; only its head
//! differs. [`read_head`] reads the first lines (and a sample of the data
//! rows after them), tells the layout apart, and describes every column as
//! a [`ColumnHead`]: the name to show, the names to match as item ids or
//! capabilities, the question texts to match against a survey's statements,
//! and whether it is metadata (start date, IP address, ...) rather than a
//! question. Everything after the head is data, parsed by the one pipeline
//! every layout shares. A new survey tool is a new detector here, not a new
//! pipeline.
//!
//! The layouts:
//!
//! | layout | header rows | recognised by | respondent id |
//! | --- | --- | --- | --- |
//! | plain | 1 | anything else | `respondent`, `respondent id`, `id` |
//! | Qualtrics | 3: ids, texts, `{"ImportId":...}` | the third row's `ImportId` cells | `ResponseId` |
//! | SurveyMonkey | 2: questions, answer or matrix row | `Respondent ID` and `Collector ID` | `Respondent ID` |
//! | Google Forms | 1 | first column `Timestamp` | `Email Address` |
//! | Microsoft Forms | 1 | `ID`, `Start time`, `Completion time` | `ID` |
//! | Typeform | 1 | first column `#`, and `Submit Date (UTC)` or `Network ID` | `#` |

use std::fmt;
use std::io::{self, BufRead, Read};
use std::str::FromStr;

use csv::ByteRecord;
use rolefit_model::match_key;

use crate::error::{ErrorKind, ImportError};
use crate::table::{append_first_line, cell, csv_reader, is_blank_record, sniff_delimiter};

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes read at a time while looking for the end of the header rows.
const MORE_BYTES: u64 = 64 << 10;

/// The survey tool a responses file comes from, or `Auto` to tell it from
/// the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Source {
    /// Detect the layout from the header rows.
    #[default]
    Auto,
    /// One header row of item ids or capability names.
    Plain,
    /// A Qualtrics CSV or TSV export, with three header rows.
    Qualtrics,
    /// A SurveyMonkey export, with two header rows.
    SurveyMonkey,
    /// A Google Forms response sheet saved as CSV.
    GoogleForms,
    /// A Microsoft Forms response sheet saved as CSV.
    MsForms,
    /// A Typeform export.
    Typeform,
    /// A Qualtrics export in the legacy format: two header rows (`V1`,
    /// ... and question ids, then `ResponseID`, ... and question texts).
    /// Detected, not named by `--source`.
    QualtricsLegacy,
}

impl Source {
    /// Every source, as `--source` names them.
    pub const ALL: [Source; 7] = [
        Source::Auto,
        Source::Plain,
        Source::Qualtrics,
        Source::SurveyMonkey,
        Source::GoogleForms,
        Source::MsForms,
        Source::Typeform,
    ];

    /// The name `--source` takes: `auto`, `plain`, `qualtrics`,
    /// `surveymonkey`, `google-forms`, `ms-forms`, `typeform`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Auto => "auto",
            Source::Plain => "plain",
            Source::Qualtrics => "qualtrics",
            Source::SurveyMonkey => "surveymonkey",
            Source::GoogleForms => "google-forms",
            Source::MsForms => "ms-forms",
            Source::Typeform => "typeform",
            Source::QualtricsLegacy => "qualtrics",
        }
    }

    /// The tool's name, for people: `Qualtrics`, `Google Forms`.
    pub fn title(self) -> &'static str {
        match self {
            Source::Auto => "auto-detected",
            Source::Plain => "plain CSV",
            Source::Qualtrics => "Qualtrics",
            Source::SurveyMonkey => "SurveyMonkey",
            Source::GoogleForms => "Google Forms",
            Source::MsForms => "Microsoft Forms",
            Source::Typeform => "Typeform",
            Source::QualtricsLegacy => "Qualtrics (legacy format)",
        }
    }

    /// How many header rows the layout has.
    pub fn header_rows(self) -> usize {
        match self {
            Source::Qualtrics => 3,
            Source::SurveyMonkey | Source::QualtricsLegacy => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = match_key(s);
        Source::ALL
            .into_iter()
            .find(|source| match_key(source.name()) == key)
            .ok_or_else(|| {
                let names: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
                format!("expected one of {}, got {s:?}", names.join(", "))
            })
    }
}

/// What a metadata column holds, where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meta {
    /// Anything else: IP address, status, embedded data, ...
    Other,
    /// The time taken, in seconds (Qualtrics `Duration (in seconds)`).
    Duration,
    /// When the response was started.
    Start,
    /// When the response was submitted.
    End,
}

/// One column, as its header rows describe it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnHead {
    /// The name messages and the rejects file use: the header cell, or for
    /// Qualtrics the question id, for SurveyMonkey `Question [Row]`.
    pub name: String,
    /// Names to match as capability names and item ids, best first.
    pub keys: Vec<String>,
    /// Question texts to match against the survey's statements, best first.
    pub texts: Vec<String>,
    /// `Some` for a metadata column: never an answer.
    pub meta: Option<Meta>,
}

/// The head of a responses file: the layout, the columns, and the bytes
/// read past the header, which the data rows start with.
#[derive(Debug)]
pub(crate) struct Head {
    /// The layout found (never `Auto`).
    pub layout: Source,
    /// The delimiter sniffed from the first header line.
    pub delimiter: u8,
    /// Every column.
    pub columns: Vec<ColumnHead>,
    /// The line the first header row is on.
    pub header_line: u64,
    /// The layout's respondent id column, if it has one.
    pub default_id: Option<usize>,
    /// Input bytes read after the header rows: the start of the data.
    pub rest: Vec<u8>,
    /// The line `rest` starts on.
    pub data_line: u64,
    /// The input offset `rest` starts at (a byte order mark counted).
    pub data_byte: u64,
    /// The complete data rows among `rest` that are not blank (a sample of
    /// the answers, for choosing label scales).
    pub sample: Vec<ByteRecord>,
    /// With `--source auto`, a tool a plain-looking file resembles (its
    /// header has some of the tool's columns), and why, for messages.
    pub resembles: Option<(Source, String)>,
}

/// A record of the bytes read so far.
struct Rec {
    record: ByteRecord,
    line: u64,
    end: usize,
}

/// Splits `bytes` into records: the ones that are not blank and are
/// surely complete (one that reaches the end of `bytes` may go on, unless
/// the input ended there).
fn records(bytes: &[u8], delimiter: u8, eof: bool) -> Vec<Rec> {
    // The csv reader drops a byte order mark at the start of its input;
    // start it on an empty line (which it skips) so that one is data, as
    // everywhere after the first.
    let mut reader = csv_reader(io::Read::chain(&b"\n"[..], bytes), delimiter);
    let mut out = Vec::new();
    let (mut counted_to, mut line_feeds) = (0usize, 0u64);
    let mut record = ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let end = (reader.position().byte() as usize)
            .saturating_sub(1)
            .min(bytes.len());
        if end == bytes.len() && !eof {
            break;
        }
        if is_blank_record(&record) {
            continue;
        }
        line_feeds += memchr::memchr_iter(b'\n', &bytes[counted_to..end]).count() as u64;
        counted_to = end;
        let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
        let terminated = end > 0 && bytes[end - 1] == b'\n';
        let line = (1 + line_feeds)
            .saturating_sub(inside + u64::from(terminated))
            .max(1);
        out.push(Rec {
            record: record.clone(),
            line,
            end,
        });
    }
    out
}

/// Reads the head of a responses file: the header rows of `wanted` (or of
/// the layout detected, for `Auto`) and about `sample_bytes` more.
pub(crate) fn read_head<R: BufRead>(
    input: &mut R,
    source: &str,
    wanted: Source,
    sample_bytes: usize,
    expected: &str,
) -> Result<Head, ImportError> {
    let io_error = |e: io::Error| ImportError::io(source, e);
    let bom = input.fill_buf().map_err(io_error)?.starts_with(BOM);
    let (mut bytes, delimiter) = read_header_lines(input, source, sample_bytes, expected)?;
    let recs = first_records(input, &mut bytes, delimiter, source)?;
    let Some(first) = recs.first() else {
        // Only possible if the line sniffed was not a record after all.
        return Err(ImportError::new(
            source,
            ErrorKind::Empty {
                expected: expected.to_string(),
            },
        ));
    };
    let header_line = first.line;
    let names = header_names(&first.record, source, header_line)?;
    let rows: Vec<Vec<String>> = recs
        .iter()
        .take(3)
        .map(|r| {
            r.record
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .collect()
        })
        .collect();
    let layout = match wanted {
        Source::Auto => detect(&names, &rows),
        named => named,
    };
    let resembles = (wanted == Source::Auto && layout == Source::Plain)
        .then(|| resembles(&names))
        .flatten();
    let hinted = |e: ImportError| match &resembles {
        Some((tool, why)) => e.with_hint(resemblance(*tool, why)),
        None => e,
    };
    check_header_rows(layout, &recs, names.len(), &rows, source)?;
    let header_rows = layout.header_rows();
    let columns = column_heads(layout, &names, &rows, source, header_line).map_err(hinted)?;
    let default_id = default_id(layout, &columns);
    let data_offset = recs[header_rows - 1].end;
    let data_line = 1 + memchr::memchr_iter(b'\n', &bytes[..data_offset]).count() as u64;
    let sample = recs.into_iter().skip(header_rows).map(|r| r.record).collect();
    bytes.drain(..data_offset);
    Ok(Head {
        layout,
        delimiter,
        columns,
        header_line,
        default_id,
        rest: bytes,
        data_line,
        data_byte: data_offset as u64 + if bom { 3 } else { 0 },
        sample,
        resembles,
    })
}

/// Reads the first line (without a byte order mark) and sniffs the
/// delimiter from it, then the two lines after it (the other header rows
/// of Qualtrics and SurveyMonkey exports) and `sample_bytes` more.
///
/// # Errors
/// Unreadable or empty input (`expected` says what it should start with).
fn read_header_lines<R: BufRead>(
    input: &mut R,
    source: &str,
    sample_bytes: usize,
    expected: &str,
) -> Result<(Vec<u8>, u8), ImportError> {
    let io_error = |e: io::Error| ImportError::io(source, e);
    let mut bytes = Vec::new();
    let Some(range) = append_first_line(input, &mut bytes, true).map_err(io_error)? else {
        return Err(ImportError::new(
            source,
            ErrorKind::Empty {
                expected: expected.to_string(),
            },
        ));
    };
    let delimiter = sniff_delimiter(&bytes[range]);
    for _ in 0..2 {
        if append_first_line(input, &mut bytes, false)
            .map_err(io_error)?
            .is_none()
        {
            break;
        }
    }
    input
        .by_ref()
        .take(sample_bytes as u64)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    Ok((bytes, delimiter))
}

/// The records of `bytes`, reading more of `input` into it until there are
/// three (as many header rows as a layout has) or the input ends.
///
/// # Errors
/// Unreadable input, or header rows too large to hold.
fn first_records<R: BufRead>(
    input: &mut R,
    bytes: &mut Vec<u8>,
    delimiter: u8,
    source: &str,
) -> Result<Vec<Rec>, ImportError> {
    let io_error = |e: io::Error| ImportError::io(source, e);
    loop {
        let eof = input.fill_buf().map_err(io_error)?.is_empty();
        let recs = records(bytes, delimiter, eof);
        if recs.len() >= 3 || eof {
            return Ok(recs);
        }
        if bytes.len() > 3 * crate::limits::MAX_RECORD_BYTES {
            return Err(crate::limits::too_large(
                source,
                "the header",
                bytes.len(),
                3 * crate::limits::MAX_RECORD_BYTES,
                "bytes",
                "header rows of at most 64 MiB each (is a closing double quote missing?)",
            ));
        }
        input
            .by_ref()
            .take(MORE_BYTES)
            .read_to_end(bytes)
            .map_err(io_error)?;
    }
}

/// The trimmed cells of the first header row, on `line`.
///
/// # Errors
/// A cell that is not UTF-8, or too many columns.
fn header_names(record: &ByteRecord, source: &str, line: u64) -> Result<Vec<String>, ImportError> {
    let mut names = Vec::with_capacity(record.len());
    for i in 0..record.len() {
        let lossy = String::from_utf8_lossy(record.get(i).unwrap_or_default())
            .trim()
            .to_string();
        let text = cell(record, i, source, &lossy, line)?;
        // A second byte order mark (the first is dropped while reading).
        let text = if i == 0 {
            text.trim_start_matches('\u{feff}').trim()
        } else {
            text
        };
        names.push(text.to_string());
    }
    crate::limits::check_columns(names.len(), source, line)?;
    Ok(names)
}

/// Checks that the file has the header rows `layout` needs, each as wide
/// as the first (`width`), and for Qualtrics import ids in the third.
fn check_header_rows(
    layout: Source,
    recs: &[Rec],
    width: usize,
    rows: &[Vec<String>],
    source: &str,
) -> Result<(), ImportError> {
    let header_rows = layout.header_rows();
    if recs.len() < header_rows {
        return Err(ImportError::header(
            source,
            format!(
                "a {} export has {header_rows} header rows, but the file has {} row{}",
                layout.title(),
                recs.len(),
                if recs.len() == 1 { "" } else { "s" }
            ),
            layout_expected(layout),
        )
        .at_line(recs[0].line));
    }
    for rec in &recs[1..header_rows] {
        if rec.record.len() != width {
            return Err(ImportError::new(
                source,
                ErrorKind::RaggedRow {
                    found: rec.record.len(),
                    expected: width,
                },
            )
            .at_line(rec.line));
        }
    }
    if layout == Source::Qualtrics && !is_import_id_row(&rows[2]) {
        return Err(ImportError::header(
            source,
            "the third header row does not hold Qualtrics import ids",
            layout_expected(Source::Qualtrics),
        )
        .at_line(recs[2].line));
    }
    Ok(())
}

/// What a layout's header looks like, for messages.
fn layout_expected(layout: Source) -> String {
    match layout {
        Source::Qualtrics => {
            "a Qualtrics export: question ids (`Q1`, `Q5_3`) in the first row, question texts in \
                              the second, `{\"ImportId\":\"QID1\"}` cells in the third (export with \"Use \
                              legacy format\" unchecked), or another --source"
                .into()
        }
        Source::SurveyMonkey => {
            "a SurveyMonkey export: questions in the first row, the answer (`Response`) or \
                                 matrix row in the second, or another --source"
                .into()
        }
        other => format!("a {} export, or another --source", other.title()),
    }
}

/// Whether a row is Qualtrics' third header row: `{"ImportId":...}` cells.
fn is_import_id_row(row: &[String]) -> bool {
    row.iter().any(|c| c.starts_with('{') && c.contains("ImportId"))
}

/// The value of `"ImportId"` in a Qualtrics third-row cell.
fn import_id(cell: &str) -> Option<String> {
    let after = &cell[cell.find("ImportId")? + "ImportId".len()..];
    let after = after.trim_start_matches(['"', '\'', ' ', ':']);
    let end = after.find(['"', '\''])?;
    Some(after[..end].to_string()).filter(|s| !s.is_empty())
}

/// Whether `names` holds a column with each of `keys` (loosely).
fn has_all(names: &[String], keys: &[&str]) -> bool {
    keys.iter().all(|k| names.iter().any(|n| match_key(n) == *k))
}

/// Tells the layout from the header rows.
fn detect(names: &[String], rows: &[Vec<String>]) -> Source {
    if rows.len() >= 3 && is_import_id_row(&rows[2]) {
        return Source::Qualtrics;
    }
    if rows.len() >= 2 && is_legacy_qualtrics(names, &rows[1]) {
        return Source::QualtricsLegacy;
    }
    if has_all(names, &["respondentid", "collectorid"]) && rows.len() >= 2 {
        return Source::SurveyMonkey;
    }
    if rows.len() >= 2 && is_surveymonkey_without_collector(names, &rows[1]) {
        return Source::SurveyMonkey;
    }
    let first = names.first().map(|n| match_key(n)).unwrap_or_default();
    if first == "timestamp" {
        return Source::GoogleForms;
    }
    if first == "id" && has_all(names, &["starttime", "completiontime"]) {
        return Source::MsForms;
    }
    // Typeform's metadata columns come last, and are often deleted: its
    // `#` first column is enough.
    if names.first().is_some_and(|n| n == "#") && names.len() > 1 {
        return Source::Typeform;
    }
    Source::Plain
}

/// Whether the first two rows are a legacy Qualtrics export's: `V1`,
/// `V2`, ... over `ResponseID`, `ResponseSet`, ...
fn is_legacy_qualtrics(names: &[String], second: &[String]) -> bool {
    let keys: Vec<String> = second.iter().map(|c| match_key(c)).collect();
    names.first().is_some_and(|n| n == "V1")
        && keys.iter().any(|k| k == "responseid")
        && keys.iter().any(|k| k == "responseset")
}

/// Whether a file with SurveyMonkey's `Respondent ID` (or start and end
/// dates) but no `Collector ID` has its two header rows: a second row that
/// is blank under the metadata and says `Response` under a question, or
/// names a matrix row under a question's continued (blank) cell.
fn is_surveymonkey_without_collector(names: &[String], second: &[String]) -> bool {
    let keys: Vec<String> = names.iter().map(|n| match_key(n)).collect();
    let meta = |k: &String| SURVEYMONKEY_META.contains(&k.as_str());
    if !keys.iter().any(|k| k == "respondentid") && !(has_all(names, &["startdate", "enddate", "ipaddress"]))
    {
        return false;
    }
    let under_meta_blank = keys
        .iter()
        .zip(second)
        .filter(|(k, _)| meta(k))
        .all(|(_, sub)| sub.is_empty());
    let answers = keys.iter().zip(second).any(|(k, sub)| {
        let sub = match_key(sub);
        !meta(k) && (sub == "response" || sub == "openendedresponse" || (k.is_empty() && !sub.is_empty()))
    });
    under_meta_blank && answers
}

/// A survey tool whose columns a header that fits no layout has, and which
/// (`Respondent ID`), when one does.
fn resembles(names: &[String]) -> Option<(Source, String)> {
    let keys: Vec<String> = names.iter().map(|n| match_key(n)).collect();
    let find = |wanted: &[&str]| {
        names
            .iter()
            .zip(&keys)
            .find(|(_, k)| wanted.contains(&k.as_str()))
            .map(|(n, _)| n.clone())
    };
    let candidates: [(Source, &[&str]); 5] = [
        (Source::SurveyMonkey, &["respondentid", "collectorid"]),
        (
            Source::Qualtrics,
            &["responseid", "responseset", "durationinseconds", "recordeddate"],
        ),
        (Source::GoogleForms, &["timestamp"]),
        (Source::MsForms, &["starttime", "completiontime"]),
        (Source::Typeform, &["submitdateutc", "networkid", "startdateutc"]),
    ];
    candidates
        .iter()
        .find_map(|(tool, wanted)| find(wanted).map(|name| (*tool, format!("it has a {name:?} column"))))
}

/// The hint for a file that resembles `tool`'s export (`why`).
pub(crate) fn resemblance(tool: Source, why: &str) -> String {
    let name = match tool {
        Source::QualtricsLegacy => Source::Qualtrics.name(),
        other => other.name(),
    };
    format!(
        "this file resembles a {} export ({why}) but its header rows are not that tool's as rolefit knows them: \
         if it is one, try --source {name}",
        tool.title()
    )
}

/// Qualtrics' metadata columns (by match key).
const QUALTRICS_META: [&str; 19] = [
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "durationinseconds",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "recordid",
];

/// SurveyMonkey's metadata columns (by match key; `Custom Data N` too).
const SURVEYMONKEY_META: [&str; 8] = [
    "respondentid",
    "collectorid",
    "startdate",
    "enddate",
    "ipaddress",
    "emailaddress",
    "firstname",
    "lastname",
];

/// Microsoft Forms' metadata columns (by match key; `Points - ...` and
/// `Feedback - ...` too).
const MS_FORMS_META: [&str; 8] = [
    "id",
    "starttime",
    "completiontime",
    "email",
    "name",
    "lastmodifiedtime",
    "totalpoints",
    "quizfeedback",
];

/// Typeform's metadata columns (by match key; `#` too).
const TYPEFORM_META: [&str; 7] = [
    "responsetype",
    "startdateutc",
    "stagedateutc",
    "submitdateutc",
    "networkid",
    "tags",
    "ending",
];

/// Google Forms' metadata columns (by match key).
const GOOGLE_FORMS_META: [&str; 3] = ["timestamp", "emailaddress", "score"];

/// The texts a question cell offers for matching: itself, and the part
/// after ` - ` (Qualtrics writes a matrix statement as `Question - Row`).
fn texts_of(text: &str) -> Vec<String> {
    let mut texts = vec![text.to_string()];
    if let Some((_, after)) = text.split_once(" - ") {
        texts.push(after.trim().to_string());
    }
    if let Some((_, after)) = text.rsplit_once(" - ") {
        texts.push(after.trim().to_string());
    }
    let mut seen = Vec::new();
    texts.retain(|t| {
        !t.is_empty() && !seen.contains(t) && {
            seen.push(t.clone());
            true
        }
    });
    texts
}

/// A plain question column: matched by its header.
fn question(name: &str) -> ColumnHead {
    ColumnHead {
        name: name.to_string(),
        keys: vec![name.to_string()],
        texts: vec![name.to_string()],
        meta: None,
    }
}

fn metadata(name: &str, meta: Meta) -> ColumnHead {
    ColumnHead {
        name: name.to_string(),
        keys: vec![name.to_string()],
        texts: Vec::new(),
        meta: Some(meta),
    }
}

/// The error for an empty header cell.
fn empty_header(source: &str, line: u64, index: usize) -> ImportError {
    ImportError::header(source, "the header cell is empty", crate::table::HEADER_CELLS)
        .at_line(line)
        .at_column(index, "")
}

/// Describes every column of a layout.
fn column_heads(
    layout: Source,
    names: &[String],
    rows: &[Vec<String>],
    source: &str,
    line: u64,
) -> Result<Vec<ColumnHead>, ImportError> {
    match layout {
        Source::Plain => {
            // Names given twice are checked by the column plan: they are
            // harmless in columns that are skipped.
            crate::table::check_empty_cells(names, source, line, crate::table::HEADER_CELLS)?;
            return Ok(names.iter().map(|n| question(n)).collect());
        }
        // Question cells left empty continue the question before.
        Source::SurveyMonkey => return surveymonkey_heads(names, &rows[1], source, line),
        Source::QualtricsLegacy => return Ok(legacy_qualtrics_heads(names, &rows[1])),
        _ => {}
    }
    if let Some(i) = names.iter().position(String::is_empty) {
        return Err(empty_header(source, line, i));
    }
    let heads = names.iter().enumerate().map(|(i, name)| {
        let key = match_key(name);
        match layout {
            Source::Qualtrics => qualtrics_head(name, &key, cell_of(&rows[1], i), cell_of(&rows[2], i)),
            Source::GoogleForms => google_forms_head(name, &key),
            Source::MsForms => ms_forms_head(name, &key),
            Source::Typeform => typeform_head(name, &key),
            Source::Plain | Source::Auto | Source::SurveyMonkey | Source::QualtricsLegacy => question(name),
        }
    });
    Ok(heads.collect())
}

/// Cell `i` of a header row, empty if the row is shorter.
fn cell_of(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

/// A Qualtrics column: `name` (loose key `key`) over its question `text`
/// (second row) and its import id cell (third row).
fn qualtrics_head(name: &str, key: &str, text: &str, import_id_cell: &str) -> ColumnHead {
    let id = import_id(import_id_cell);
    let is_question = id.as_deref().is_some_and(|id| {
        id.starts_with("QID")
            && ![
                "_DO",
                "_FIRST_CLICK",
                "_LAST_CLICK",
                "_PAGE_SUBMIT",
                "_CLICK_COUNT",
            ]
            .iter()
            .any(|suffix| id.ends_with(suffix))
    });
    let known = QUALTRICS_META.contains(&key) || name.starts_with("Q_");
    if key == "durationinseconds" {
        metadata(name, Meta::Duration)
    } else if key == "startdate" {
        metadata(name, Meta::Start)
    } else if key == "enddate" {
        metadata(name, Meta::End)
    } else if known || (id.is_some() && !is_question) {
        metadata(name, Meta::Other)
    } else {
        let mut keys = vec![name.to_string()];
        keys.extend(id);
        ColumnHead {
            name: name.to_string(),
            keys,
            texts: texts_of(text),
            meta: None,
        }
    }
}

/// A legacy Qualtrics export's columns: `V1` ... over the metadata's names
/// (`ResponseID`, named so), question ids (`Q1_1`) over question texts.
fn legacy_qualtrics_heads(names: &[String], texts: &[String]) -> Vec<ColumnHead> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let text = cell_of(texts, i);
            let key = match_key(text);
            let legacy_meta = [
                "responseset",
                "name",
                "emailaddress",
                "externaldatareference",
                "locationaccuracy",
            ];
            // Legacy exports end every line with a delimiter: an empty last
            // column, named in neither row.
            if name.is_empty() && key.is_empty() {
                return metadata(name, Meta::Other);
            }
            if name.starts_with('V') && name[1..].bytes().all(|b| b.is_ascii_digit()) {
                let meta = match key.as_str() {
                    "startdate" => Meta::Start,
                    "enddate" => Meta::End,
                    _ => Meta::Other,
                };
                return metadata(text, meta);
            }
            if QUALTRICS_META.contains(&key.as_str()) || legacy_meta.contains(&key.as_str()) {
                return metadata(text, Meta::Other);
            }
            ColumnHead {
                name: name.clone(),
                keys: vec![name.clone()],
                texts: texts_of(text),
                meta: None,
            }
        })
        .collect()
}

/// SurveyMonkey's columns: a question in the first row (an empty cell
/// continues the one before) over the answer or matrix row in the second
/// (`subs`).
fn surveymonkey_heads(
    names: &[String],
    subs: &[String],
    source: &str,
    line: u64,
) -> Result<Vec<ColumnHead>, ImportError> {
    let mut heads = Vec::with_capacity(names.len());
    let mut carried: Option<&str> = None;
    for (i, name) in names.iter().enumerate() {
        let key = match_key(name);
        let sub = cell_of(subs, i);
        if !name.is_empty() {
            if SURVEYMONKEY_META.contains(&key.as_str()) || key.starts_with("customdata") {
                carried = None;
                let meta = match key.as_str() {
                    "startdate" => Meta::Start,
                    "enddate" => Meta::End,
                    _ => Meta::Other,
                };
                heads.push(metadata(name, meta));
                continue;
            }
            carried = Some(name);
        }
        let Some(q) = carried else {
            return Err(empty_header(source, line, i));
        };
        let whole = matches!(match_key(sub).as_str(), "" | "response" | "openendedresponse");
        heads.push(if whole {
            ColumnHead {
                name: q.to_string(),
                keys: vec![q.to_string()],
                texts: texts_of(q),
                meta: None,
            }
        } else {
            let full = format!("{q} [{sub}]");
            let mut texts = texts_of(sub);
            texts.push(format!("{q} - {sub}"));
            texts.push(full.clone());
            ColumnHead {
                name: full.clone(),
                keys: vec![full],
                texts,
                meta: None,
            }
        });
    }
    Ok(heads)
}

/// A Google Forms column (`key`: its loose key).
fn google_forms_head(name: &str, key: &str) -> ColumnHead {
    if GOOGLE_FORMS_META.contains(&key) {
        let meta = if key == "timestamp" {
            Meta::End
        } else {
            Meta::Other
        };
        return metadata(name, meta);
    }
    let mut head = question(name);
    // A grid question: `Question [Row]`.
    if let Some(row) = name
        .strip_suffix(']')
        .and_then(|n| n.rsplit_once(" ["))
        .map(|(_, row)| row.trim())
    {
        head.texts.push(row.to_string());
    }
    head
}

/// A Microsoft Forms column (`key`: its loose key).
fn ms_forms_head(name: &str, key: &str) -> ColumnHead {
    let meta =
        MS_FORMS_META.contains(&key) || name.starts_with("Points - ") || name.starts_with("Feedback - ");
    meta_or_question(name, key, meta, ["starttime", "completiontime"])
}

/// A Typeform column (`key`: its loose key).
fn typeform_head(name: &str, key: &str) -> ColumnHead {
    let meta = name == "#" || TYPEFORM_META.contains(&key);
    meta_or_question(name, key, meta, ["startdateutc", "submitdateutc"])
}

/// A metadata column if `meta` (the start or end time if its loose key
/// `key` is one of `[start, end]`), else a question.
fn meta_or_question(name: &str, key: &str, meta: bool, [start, end]: [&str; 2]) -> ColumnHead {
    if !meta {
        return question(name);
    }
    let meta = if key == start {
        Meta::Start
    } else if key == end {
        Meta::End
    } else {
        Meta::Other
    };
    metadata(name, meta)
}

/// The column a layout keeps its respondent ids in.
fn default_id(layout: Source, columns: &[ColumnHead]) -> Option<usize> {
    let keys: &[&str] = match layout {
        Source::Plain | Source::Auto => &["respondent", "respondentid", "id"],
        Source::Qualtrics | Source::QualtricsLegacy => &["responseid", "recordid"],
        Source::SurveyMonkey => &["respondentid"],
        Source::GoogleForms => &["emailaddress"],
        Source::MsForms => &["id"],
        Source::Typeform => {
            return columns.iter().position(|c| c.name == "#");
        }
    };
    keys.iter()
        .find_map(|key| columns.iter().position(|c| match_key(&c.name) == *key))
}

/// Seconds since 0000-03-01 of a date and time as survey tools write them:
/// `2024-03-05 14:03:22` (also with `T`, fractions or a zone, which are
/// ignored), `03/05/2024 02:03:22 PM` or `3/5/2024 14:03` (month first).
/// `None` for anything else.
pub(crate) fn timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once([' ', 'T'])?;
    let (year, month, day) = if date.contains('-') {
        let mut parts = date.splitn(3, '-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let d: i64 = parts.next()?.parse().ok()?;
        (y, m, d)
    } else {
        let mut parts = date.splitn(3, '/');
        let m: i64 = parts.next()?.parse().ok()?;
        let d: i64 = parts.next()?.parse().ok()?;
        let y: i64 = parts.next()?.parse().ok()?;
        (if y < 100 { 2000 + y } else { y }, m, d)
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let time = time.trim();
    let (clock, meridiem) = match time.rsplit_once(' ') {
        Some((clock, m)) if m.eq_ignore_ascii_case("am") || m.eq_ignore_ascii_case("pm") => {
            (clock, Some(m.eq_ignore_ascii_case("pm")))
        }
        _ => (time, None),
    };
    let clock = clock.split(['.', 'Z', '+']).next()?;
    let mut parts = clock.splitn(3, ':');
    let mut hour: i64 = parts.next()?.trim().parse().ok()?;
    let minute: i64 = parts.next()?.parse().ok()?;
    let second: i64 = match parts.next() {
        Some(s) => s.get(..2).unwrap_or(s).parse().ok()?,
        None => 0,
    };
    if let Some(pm) = meridiem {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0..=60).contains(&second) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm), from 0000-03-01.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str, wanted: Source) -> Result<Head, String> {
        read_head(&mut text.as_bytes(), "t.csv", wanted, 1 << 16, "a header").map_err(|e| e.to_string())
    }

    fn names(h: &Head) -> Vec<&str> {
        h.columns.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn sources_parse_and_print() {
        for s in Source::ALL {
            assert_eq!(s.name().parse::<Source>().unwrap(), s);
        }
        assert_eq!("Google Forms".parse::<Source>().unwrap(), Source::GoogleForms);
        assert!("excel"
            .parse::<Source>()
            .unwrap_err()
            .contains("expected one of auto, plain"));
    }

    #[test]
    fn plain_files_have_one_header_row() {
        let h = head("\n\u{feff}respondent,Q1\nr1,4\n", Source::Auto).unwrap();
        assert_eq!(h.layout, Source::Plain);
        assert_eq!(h.header_line, 2);
        assert_eq!(h.data_line, 3);
        assert_eq!(h.rest, b"r1,4\n");
        assert_eq!(h.default_id, Some(0));
        assert_eq!(h.sample.len(), 1);
        let h = head("\u{feff}respondent,Q1\r\nr1,4", Source::Auto).unwrap();
        assert_eq!((h.data_line, h.data_byte), (2, 18));
        assert!(head("", Source::Auto).unwrap_err().contains("is empty"));
        // Names given twice are the column plan's business (harmless in
        // skipped columns).
        assert!(head("respondent,Q1,q-1\n", Source::Auto).is_ok());
    }

    #[test]
    fn damaged_heads_fall_back_or_say_what_they_resemble() {
        let monkey = "Respondent ID,Start Date,Q,\n,,Response,Row 2\n1,2024-01-01,4,5\n";
        assert_eq!(head(monkey, Source::Auto).unwrap().layout, Source::SurveyMonkey);
        assert_eq!(
            head("#,I lead\nabc,4\n", Source::Auto).unwrap().layout,
            Source::Typeform
        );
        let legacy = "V1,V2,Q1\nResponseID,ResponseSet,I lead\nR_1,Default,4\n";
        let h = head(legacy, Source::Auto).unwrap();
        assert_eq!(h.layout, Source::QualtricsLegacy);
        assert_eq!(h.columns[0].name, "ResponseID");
        assert_eq!(h.default_id, Some(0));
        assert_eq!(h.columns[2].texts, ["I lead"]);
        let e = head("Respondent ID,Q1,\nr1,4,\n", Source::Auto).unwrap_err();
        assert!(e.ends_with("if it is one, try --source surveymonkey"), "{e}");
        assert!(head("Timestamp2,x\n", Source::Auto).unwrap().resembles.is_none());
    }

    const QUALTRICS: &str = "StartDate,EndDate,Duration (in seconds),ResponseId,Q1_1,Q1_2,Q2\n\
        Start Date,End Date,Duration (in seconds),Response ID,\"Rate yourself - I plan, carefully\",Rate yourself - I lead,Comments\n\
        \"{\"\"ImportId\"\":\"\"startDate\"\",\"\"timeZone\"\":\"\"America/Denver\"\"}\",\"{\"\"ImportId\"\":\"\"endDate\"\"}\",\"{\"\"ImportId\"\":\"\"duration\"\"}\",\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1_1\"\"}\",\"{\"\"ImportId\"\":\"\"QID1_2\"\"}\",\"{\"\"ImportId\"\":\"\"QID2_TEXT\"\"}\"\n\
        2024-01-01 10:00:00,2024-01-01 10:05:00,300,R_1,4,5,hi\n";

    #[test]
    fn qualtrics_exports_have_three_header_rows() {
        let h = head(QUALTRICS, Source::Auto).unwrap();
        assert_eq!(h.layout, Source::Qualtrics);
        assert_eq!(
            names(&h),
            [
                "StartDate",
                "EndDate",
                "Duration (in seconds)",
                "ResponseId",
                "Q1_1",
                "Q1_2",
                "Q2"
            ]
        );
        assert_eq!(h.columns[2].meta, Some(Meta::Duration));
        assert_eq!(h.columns[0].meta, Some(Meta::Start));
        assert_eq!(h.columns[1].meta, Some(Meta::End));
        assert_eq!(h.columns[4].meta, None);
        assert_eq!(h.columns[4].keys, ["Q1_1", "QID1_1"]);
        assert_eq!(
            h.columns[4].texts,
            ["Rate yourself - I plan, carefully", "I plan, carefully"]
        );
        assert_eq!(h.default_id, Some(3));
        assert_eq!(h.data_line, 4);
        assert!(h.rest.starts_with(b"2024-01-01"));
        // Named, but not one.
        let e = head("respondent,Q1\nr1,4\nr2,5\n", Source::Qualtrics).unwrap_err();
        assert!(
            e.starts_with("t.csv:3: the third header row does not hold Qualtrics import ids"),
            "{e}"
        );
        let e = head("respondent,Q1\n", Source::Qualtrics).unwrap_err();
        assert!(e.contains("has 3 header rows, but the file has 1 row"), "{e}");
        // As TSV, with the header rows ragged.
        let e = head(
            "ResponseId\tQ1\nResponse ID\n{\"ImportId\":\"x\"}\t{\"ImportId\":\"QID1\"}\n",
            Source::Auto,
        )
        .unwrap_err();
        assert!(
            e.starts_with("t.csv:2: the row has 1 fields but the header has 2 columns"),
            "{e}"
        );
    }

    #[test]
    fn surveymonkey_exports_carry_questions_over_blank_cells() {
        let text = "Respondent ID,Collector ID,Start Date,End Date,How do you rate yourself?,,Comments\n\
                    ,,,,I plan,I lead,Open-Ended Response\n\
                    1,2,03/05/2024 02:03:22 PM,03/05/2024 02:13:22 PM,Agree,Disagree,fine\n";
        let h = head(text, Source::Auto).unwrap();
        assert_eq!(h.layout, Source::SurveyMonkey);
        assert_eq!(
            names(&h),
            [
                "Respondent ID",
                "Collector ID",
                "Start Date",
                "End Date",
                "How do you rate yourself? [I plan]",
                "How do you rate yourself? [I lead]",
                "Comments"
            ]
        );
        assert_eq!(h.columns[5].texts[0], "I lead");
        assert_eq!(h.columns[2].meta, Some(Meta::Start));
        assert_eq!(h.data_line, 3);
        assert_eq!(h.default_id, Some(0));
        let e = head("Respondent ID,,Q\n,x,y\n", Source::SurveyMonkey).unwrap_err();
        assert!(
            e.starts_with("t.csv:1: column 2 \"\": the header cell is empty"),
            "{e}"
        );
    }

    #[test]
    fn one_row_layouts_are_told_apart() {
        let h = head(
            "Timestamp,Email Address,Rate [I plan],Rate [I lead]\nx,a@b.c,Agree,Agree\n",
            Source::Auto,
        )
        .unwrap();
        assert_eq!(h.layout, Source::GoogleForms);
        assert_eq!(h.columns[2].texts, ["Rate [I plan]", "I plan"]);
        assert_eq!(h.default_id, Some(1));
        let h = head(
            "ID,Start time,Completion time,Email,Name,I plan\n1,x,y,z,w,4\n",
            Source::Auto,
        )
        .unwrap();
        assert_eq!(h.layout, Source::MsForms);
        assert_eq!(h.columns.iter().filter(|c| c.meta.is_some()).count(), 5);
        let h = head(
            "#,I plan,Start Date (UTC),Submit Date (UTC),Network ID\nabc,4,x,y,z\n",
            Source::Auto,
        )
        .unwrap();
        assert_eq!(h.layout, Source::Typeform);
        assert_eq!(h.default_id, Some(0));
        assert_eq!(h.columns[1].meta, None);
        let e = head("Timestamp,,Q\n", Source::Auto).unwrap_err();
        assert!(e.contains("the header cell is empty"), "{e}");
    }

    #[test]
    fn the_sample_holds_complete_rows_only() {
        let text = "respondent,Q1\nr1,4\nr2,5\nr3,\"long";
        let mut input = text.as_bytes();
        let h = read_head(&mut input, "t", Source::Auto, 3, "x").unwrap();
        // Whatever was read, the rows in the sample are whole.
        assert!(h.sample.iter().all(|r| r.len() == 2));
        let h = head(text, Source::Auto).unwrap();
        assert_eq!(h.sample.len(), 3, "at the end of the input every row is whole");
    }

    #[test]
    fn timestamps_of_the_tools_parse() {
        let a = timestamp("2024-03-05 14:03:22").unwrap();
        assert_eq!(timestamp("2024-03-05T14:03:22.123Z"), Some(a));
        assert_eq!(timestamp("03/05/2024 02:03:22 PM"), Some(a));
        assert_eq!(timestamp("3/5/2024 14:03:22"), Some(a));
        assert_eq!(timestamp("3/5/24 14:03:22"), Some(a));
        assert_eq!(timestamp("3/5/2024 14:03"), Some(a - 22));
        assert_eq!(
            timestamp("2024-03-06 00:00:00").unwrap() - timestamp("2024-03-05 23:59:00").unwrap(),
            60
        );
        assert_eq!(
            timestamp("2024-03-01 00:00:00").unwrap() - timestamp("2024-02-29 00:00:00").unwrap(),
            86_400
        );
        assert_eq!(timestamp("12/31/2023 12:00:00 AM").unwrap() % 86_400, 0);
        for bad in [
            "",
            "yesterday",
            "2024-13-01 00:00:00",
            "2024-01-01",
            "1/1/2024 25:00:00",
        ] {
            assert_eq!(timestamp(bad), None, "{bad}");
        }
    }
}
