//! Rendering scored respondents: CSV, JSON, NDJSON and tables.
//!
//! Workers render their rows to bytes ([`Renderer::row`]), so formatting
//! runs in parallel with everything else; the CSV path writes fields
//! directly, without a csv writer per row, and role names are escaped once.

use rolefit_learn::evaluate::Confidence;
use rolefit_model::{QualityFlags, RoleMatrix};
use rolefit_score::text::LISTED_PER_ROLE;
use rolefit_score::{Explanation, Outcome, RankedRole, Strategy, Strength};
use serde_json::{json, Value};

use clap::ValueEnum;

use crate::render::bytes::{csv_field, push_fixed6, Piece};
use crate::render::{bar, safe, signed, table, AnswerScale};

/// Output formats for scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    /// An aligned table for people.
    Table,
    /// Long CSV: one row per respondent and rank.
    Csv,
    /// One JSON array of respondents.
    Json,
    /// One JSON object per respondent per line.
    Ndjson,
    /// Parquet: the long CSV's columns, typed, with exact scores (a file:
    /// -o FILE.parquet).
    Parquet,
}

/// The CSV header of the score output.
const CSV_HEADER: &str = "respondent,rank,role,score,answered,status";

/// A row of the table format, collected until the end.
pub enum TableRow {
    /// One line per respondent: id, answered count, outcome, confidence,
    /// flags, and each ranked role's probability (empty without one).
    Compact(String, usize, Outcome, Option<Confidence>, QualityFlags, Vec<f64>),
    /// A respondent's explained block of text.
    Block(String),
}

/// One scored respondent, as the renderer takes it.
#[derive(Clone, Copy)]
pub struct RespondentParts<'a> {
    /// The respondent's id.
    pub id: &'a str,
    /// How many of the matrix's capabilities they answered.
    pub answered: usize,
    /// Their ranking, or why they were not ranked.
    pub outcome: &'a Outcome,
    /// One explanation per ranked role (empty without `--explain`).
    pub explanations: &'a [Explanation],
    /// Their confidence (`--confidence`), if computed.
    pub confidence: Option<&'a Confidence>,
    /// Their quality flags.
    pub flags: QualityFlags,
    /// Each ranked role's probability, in rank order (empty without one).
    pub probability: &'a [f64],
}

/// Renders scored respondents in one output format.
pub struct Renderer<'m> {
    format: ScoreFormat,
    ctx: Ctx<'m>,
    /// Each role's name as a CSV field, escaped once, and a comma.
    role_fields: Vec<Piece>,
    /// `,1,`, `,2,`, ...: the rank fields, between commas.
    rank_fields: Vec<Piece>,
    /// `,0,ranked`, `,1,ranked`, ...: the end of a ranked row by the number
    /// of capabilities answered.
    ranked_tails: Vec<Piece>,
}

/// What every renderer needs to name things.
struct Ctx<'m> {
    matrix: &'m RoleMatrix,
    strategy: &'m dyn Strategy,
    explain: bool,
    /// Whether rows carry `--confidence` (margin, stability).
    confidence: bool,
    /// Whether ranked roles carry a calibrated probability.
    probability: bool,
    /// Whether rows carry quality flags (`--flags` and the options that
    /// imply it): then the CSV has a `flags` column, JSON a `flags` array,
    /// and the table a Flags column, on every row.
    flags: bool,
    /// The scale answers and levels are shown on in explanations.
    shown: AnswerScale,
    /// Whether text cells are guarded against spreadsheet formulas
    /// (not `--no-sanitize`).
    sanitize: bool,
    /// The width the compact table is wrapped to (standard output on a
    /// terminal, or `COLUMNS`); `None` for a file, written at its natural
    /// width.
    width: Option<usize>,
    /// Whether the compact table leaves out its last role columns to fit
    /// `width` (`score` without `--top`).
    fit_roles: bool,
}

impl<'m> Renderer<'m> {
    /// A renderer for `format`; `sanitize` guards CSV cells from user data
    /// ([`safe`]).
    pub fn new(
        format: ScoreFormat,
        matrix: &'m RoleMatrix,
        strategy: &'m dyn Strategy,
        explain: bool,
        sanitize: bool,
    ) -> Self {
        let role_fields = matrix
            .roles()
            .iter()
            .map(|r| {
                let mut field = Vec::new();
                csv_field(&mut field, &safe(&r.name, sanitize));
                field.push(b',');
                Piece::new(field)
            })
            .collect();
        let rank_fields = (1..=matrix.roles().len())
            .map(|i| Piece::new(format!(",{i},").into_bytes()))
            .collect();
        let ranked_tails = (0..=matrix.capabilities().len())
            .map(|n| Piece::new(format!(",{n},ranked").into_bytes()))
            .collect();
        Renderer {
            format,
            ctx: Ctx {
                matrix,
                strategy,
                explain,
                confidence: false,
                probability: false,
                flags: false,
                shown: AnswerScale::new(matrix.scale(), matrix.scale()),
                sanitize,
                width: None,
                fit_roles: false,
            },
            role_fields,
            rank_fields,
            ranked_tails,
        }
    }

    /// Adds each respondent's confidence (`--confidence`) to the rows.
    pub fn with_confidence(mut self, on: bool) -> Self {
        self.ctx.confidence = on;
        self
    }

    /// Adds each ranked role's probability to the rows (a model's, or a
    /// strategy's calibrated by a model file's temperature).
    pub fn with_probability(mut self, on: bool) -> Self {
        self.ctx.probability = on;
        self
    }

    /// Shows the answers and levels of explanations on `answers`, the
    /// scale the answers were given on (the survey's, `--scale`), rather
    /// than on the matrix's scale.
    pub fn with_answer_scale(mut self, answers: rolefit_model::Scale) -> Self {
        self.ctx.shown = AnswerScale::new(self.ctx.matrix.scale(), answers);
        self
    }

    /// Adds each respondent's quality flags to the rows.
    pub fn with_flags(mut self, on: bool) -> Self {
        self.ctx.flags = on;
        self
    }

    /// Wraps the compact table to `width` columns (`None`: no limit) and,
    /// with `fit_roles`, shows only as many of each respondent's ranked
    /// roles as fit, at least one; [`Renderer::left_out_note`] says how
    /// many were left out. CSV, JSON and the explained blocks keep every
    /// role.
    pub fn with_width(mut self, width: Option<usize>, fit_roles: bool) -> Self {
        self.ctx.width = width;
        self.ctx.fit_roles = fit_roles;
        self
    }

    /// The note for a compact table that left role columns out to fit
    /// its width: how many, and the options that show them.
    pub fn left_out_note(&self, rows: &[TableRow]) -> Option<String> {
        if self.format != ScoreFormat::Table || self.ctx.explain {
            return None;
        }
        let (shown, ranked) = self.ctx.role_columns(rows);
        let width = self.ctx.width?;
        let left_out = ranked - shown;
        (left_out > 0).then(|| {
            format!(
                "the table shows {shown} of the {ranked} ranked roles to fit {width} columns: {left_out} {} left out; \
                 --top {ranked} shows {} (wrapped), --format csv or json keeps every column",
                if left_out == 1 { "role is" } else { "roles are" },
                if left_out == 1 { "it" } else { "them" },
            )
        })
    }

    /// Whether rows carry explanations.
    pub fn explain(&self) -> bool {
        self.ctx.explain
    }

    /// A guess of the output bytes per respondent, to size buffers.
    pub fn bytes_per_row_hint(&self) -> usize {
        match self.format {
            ScoreFormat::Csv | ScoreFormat::Parquet => 48 * self.ctx.matrix.roles().len().min(10),
            _ => 256,
        }
    }

    /// What comes before the first row: the CSV header line (unless
    /// `no_header`), or the JSON array's opening bracket.
    pub fn header(&self, no_header: bool) -> Vec<u8> {
        match self.format {
            ScoreFormat::Csv if no_header => Vec::new(),
            // The Parquet writer takes its columns from the header.
            ScoreFormat::Csv | ScoreFormat::Parquet => {
                let mut h = CSV_HEADER.to_string();
                if self.ctx.flags {
                    h.push_str(",flags");
                }
                if self.ctx.confidence {
                    h.push_str(crate::confidence::CONFIDENCE_CSV_HEADER);
                }
                if self.ctx.probability {
                    h.push_str(",probability");
                }
                if self.ctx.explain {
                    h.push_str(",strengths,gaps,above_level");
                }
                h.push('\n');
                h.into_bytes()
            }
            ScoreFormat::Json => b"[".to_vec(),
            ScoreFormat::Ndjson | ScoreFormat::Table => Vec::new(),
        }
    }

    /// A chunk's output as it should be written: JSON objects come each
    /// after a `,`, which the very first one must not have.
    pub fn continue_output<'b>(&self, output: &'b [u8], first: &mut bool) -> &'b [u8] {
        if output.is_empty() {
            return output;
        }
        let skip = self.format == ScoreFormat::Json && *first;
        *first = false;
        if skip {
            &output[1..]
        } else {
            output
        }
    }

    /// What comes after the last row: the JSON array's closing bracket, or
    /// the whole table.
    pub fn footer(&self, table_rows: &[TableRow], nothing_written: bool) -> Vec<u8> {
        match self.format {
            ScoreFormat::Json if nothing_written => b"]\n".to_vec(),
            ScoreFormat::Json => b"\n]\n".to_vec(),
            ScoreFormat::Csv | ScoreFormat::Ndjson | ScoreFormat::Parquet => Vec::new(),
            ScoreFormat::Table if self.ctx.explain => {
                let blocks: Vec<&str> = table_rows
                    .iter()
                    .filter_map(|r| match r {
                        TableRow::Block(b) => Some(b.as_str()),
                        TableRow::Compact(..) => None,
                    })
                    .collect();
                // Ids and names from user data, escaped for the terminal.
                crate::render::terminal(&blocks.join("\n"))
                    .into_owned()
                    .into_bytes()
            }
            ScoreFormat::Table => format!("{}\n", self.ctx.compact_table(table_rows)).into_bytes(),
        }
    }

    /// Renders one respondent: bytes into `out`, or a row into `table`.
    pub fn row(&self, out: &mut Vec<u8>, table: &mut Vec<TableRow>, parts: RespondentParts) {
        let ctx = &self.ctx;
        // Only ranked respondents have a confidence.
        let confidence = parts
            .confidence
            .filter(|_| ctx.confidence && matches!(parts.outcome, Outcome::Ranked(_)));
        let p = RespondentParts { confidence, ..parts };
        match self.format {
            ScoreFormat::Csv | ScoreFormat::Parquet => self.csv_rows(out, &p),
            ScoreFormat::Json => {
                out.extend_from_slice(b",\n");
                let value = ctx.json(&p);
                // Serialising a Value into a Vec cannot fail.
                let _ = serde_json::to_writer_pretty(&mut *out, &value);
            }
            ScoreFormat::Ndjson => {
                let value = ctx.json(&p);
                let _ = serde_json::to_writer(&mut *out, &value);
                out.push(b'\n');
            }
            ScoreFormat::Table if ctx.explain => {
                let mut block = ctx.block(&p);
                if ctx.flags && !p.flags.is_empty() {
                    let names: Vec<&str> = p.flags.names().collect();
                    block.push_str(&format!("  flags: {}\n", names.join(", ")));
                }
                if let Some(c) = confidence {
                    block.push_str(&format!(
                        "  confidence: {}\n",
                        crate::confidence::confidence_text(c)
                    ));
                }
                table.push(TableRow::Block(block));
            }
            ScoreFormat::Table => table.push(TableRow::Compact(
                p.id.to_string(),
                p.answered,
                p.outcome.clone(),
                confidence.copied(),
                p.flags,
                p.probability.to_vec(),
            )),
        }
    }

    /// Whether numbers are written exactly (for Parquet, which reads them
    /// back) rather than to six decimals.
    fn exact(&self) -> bool {
        self.format == ScoreFormat::Parquet
    }

    /// A score: six decimals, or exact (the shortest text that reads back
    /// as the same number).
    fn push_number(&self, out: &mut Vec<u8>, v: f64) {
        if self.exact() {
            out.extend_from_slice(ryu::Buffer::new().format(v).as_bytes());
        } else {
            push_fixed6(out, v);
        }
    }

    /// The long CSV rows of one respondent, written field by field.
    fn csv_rows(&self, out: &mut Vec<u8>, p: &RespondentParts) {
        let RespondentParts {
            answered,
            explanations,
            confidence,
            flags,
            ..
        } = *p;
        // The id is escaped once, into the first row; later rows copy it
        // from there.
        let id_start = out.len();
        csv_field(out, &safe(p.id, self.ctx.sanitize));
        let id = id_start..out.len();
        match p.outcome {
            Outcome::Ranked(ranked) => {
                for (i, r) in ranked.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_within(id.clone());
                    }
                    self.rank_fields[i].push_to(out);
                    self.role_fields[r.role].push_to(out);
                    self.push_number(out, r.score);
                    self.ranked_tails[answered].push_to(out);
                    if self.ctx.flags {
                        push_flags(out, flags);
                    }
                    if self.ctx.confidence {
                        crate::confidence::confidence_csv(out, confidence, self.exact());
                    }
                    if self.ctx.probability {
                        out.push(b',');
                        if let Some(&probability) = p.probability.get(i) {
                            self.push_number(out, probability);
                        }
                    }
                    if self.ctx.explain {
                        let e = &explanations[i];
                        out.push(b',');
                        csv_field(out, &safe(&self.ctx.strengths_text(e, "; "), self.ctx.sanitize));
                        out.push(b',');
                        csv_field(out, &safe(&self.ctx.gaps_text(e, "; "), self.ctx.sanitize));
                        out.push(b',');
                        csv_field(out, &safe(&self.ctx.above_text(e, "; "), self.ctx.sanitize));
                    }
                    out.push(b'\n');
                }
                if ranked.is_empty() {
                    out.truncate(id_start);
                }
            }
            Outcome::Insufficient { .. } => {
                out.extend_from_slice(b",,,,");
                out.extend_from_slice(itoa::Buffer::new().format(answered).as_bytes());
                out.extend_from_slice(b",insufficient");
                if self.ctx.flags {
                    push_flags(out, flags);
                }
                if self.ctx.confidence {
                    crate::confidence::confidence_csv(out, None, self.exact());
                }
                if self.ctx.probability {
                    out.push(b',');
                }
                if self.ctx.explain {
                    // strengths, gaps, above_level: none.
                    out.extend_from_slice(b",,,");
                }
                out.push(b'\n');
            }
        }
    }
}

/// A ranked role's probability as tables show it after its score: ` (p
/// 0.73)`, nothing without one.
fn probability_text(probability: Option<&f64>) -> String {
    probability.map_or(String::new(), |p| format!(" (p {p:.2})"))
}

/// Appends `,` and the flags as they display: names joined by `;`
/// (nothing for none).
fn push_flags(out: &mut Vec<u8>, flags: QualityFlags) {
    use std::io::Write;
    // Writing into a Vec cannot fail.
    let _ = write!(out, ",{flags}");
}

impl Ctx<'_> {
    fn n_caps(&self) -> usize {
        self.matrix.capabilities().len()
    }

    fn role_name(&self, r: &RankedRole) -> &str {
        &self.matrix.roles()[r.role].name
    }

    fn cap_name(&self, c: usize) -> &str {
        &self.matrix.capabilities()[c].name
    }

    /// `Name (answer vs level)`, on the answer scale, for the first
    /// [`LISTED_PER_ROLE`] capabilities of `list`.
    fn versus(&self, list: impl Iterator<Item = (usize, f64, f64)>, sep: &str) -> String {
        rolefit_score::text::versus(self.matrix.capabilities(), list, &|v| self.shown.value(v), sep)
    }

    fn strengths_text(&self, e: &Explanation, sep: &str) -> String {
        self.versus(e.strengths.iter().map(|s| (s.capability, s.value, s.level)), sep)
    }

    /// Capabilities above the role's level that lower its score.
    fn above_text(&self, e: &Explanation, sep: &str) -> String {
        self.versus(
            e.above_level.iter().map(|s| (s.capability, s.value, s.level)),
            sep,
        )
    }

    fn gaps_text(&self, e: &Explanation, sep: &str) -> String {
        self.versus(e.gaps.iter().map(|g| (g.capability, g.value, g.level)), sep)
    }

    fn json(&self, p: &RespondentParts) -> Value {
        let RespondentParts {
            id: respondent,
            answered,
            outcome,
            explanations,
            confidence,
            flags,
            probability,
        } = *p;
        let mut v = json!({
            "respondent": respondent,
            "answered": answered,
            "capabilities": self.n_caps(),
            "strategy": self.strategy.name(),
        });
        if self.flags {
            v["flags"] = json!(flags.names().collect::<Vec<_>>());
        }
        match outcome {
            Outcome::Ranked(ranked) => {
                v["status"] = json!("ranked");
                let ranking: Vec<Value> = ranked
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let role = &self.matrix.roles()[r.role];
                        let mut entry = json!({
                            "rank": i + 1,
                            "role": role.name,
                            "role_id": role.id,
                            "score": r.score,
                        });
                        if let Some(&p) = probability.get(i) {
                            entry["probability"] = json!(p);
                        }
                        if let Some(e) = explanations.get(i) {
                            entry["explanation"] = self.explanation_json(e);
                        }
                        entry
                    })
                    .collect();
                v["ranking"] = Value::Array(ranking);
                if let Some(c) = confidence {
                    v["confidence"] = crate::confidence::confidence_json(c);
                }
            }
            Outcome::Insufficient { needed, .. } => {
                v["status"] = json!("insufficient");
                v["needed"] = json!(needed);
                v["ranking"] = json!([]);
            }
        }
        v
    }

    fn explanation_json(&self, e: &Explanation) -> Value {
        let caps = self.matrix.capabilities();
        let surpluses = |list: &[Strength]| -> Vec<Value> {
            list.iter()
                .map(|s| {
                    json!({
                        "capability": caps[s.capability].id,
                        "name": caps[s.capability].name,
                        "value": s.value,
                        "level": s.level,
                        "importance": s.importance,
                        "surplus": s.surplus,
                    })
                })
                .collect()
        };
        json!({
            "drivers": e.drivers.iter().map(|&c| json!({
                "capability": caps[c].id,
                "name": caps[c].name,
                "contribution": e.contributions[c].contribution,
            })).collect::<Vec<_>>(),
            "strengths": surpluses(&e.strengths),
            "above_level": surpluses(&e.above_level),
            "gaps": e.gaps.iter().map(|g| json!({
                "capability": caps[g.capability].id,
                "name": caps[g.capability].name,
                "value": g.value,
                "level": g.level,
                "importance": g.importance,
                "shortfall": g.shortfall,
                "weighted_shortfall": g.weighted,
            })).collect::<Vec<_>>(),
            "unanswered": e.unanswered.iter().map(|&c| caps[c].id.as_str()).collect::<Vec<_>>(),
            "contributions": e.contributions.iter().map(|c| json!({
                "capability": caps[c.capability].id,
                "value": c.value,
                "level": c.level,
                "importance": c.importance,
                "contribution": c.contribution,
            })).collect::<Vec<_>>(),
        })
    }

    /// The compact table's header and rows, every ranked role included:
    /// the fixed columns first, then one column per rank.
    fn compact_cells(&self, rows: &[TableRow]) -> (Vec<String>, Vec<Vec<String>>) {
        let k = rows
            .iter()
            .map(|row| match row {
                TableRow::Compact(_, _, Outcome::Ranked(r), ..) => r.len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let mut header = vec!["Respondent".to_string(), "Answered".to_string()];
        if self.flags {
            header.push("Flags".to_string());
        }
        if self.confidence {
            header.push("Confidence".to_string());
        }
        header.extend((1..=k).map(|i| format!("#{i} ({})", self.strategy.name())));
        let mut body = Vec::with_capacity(rows.len());
        for row in rows {
            let TableRow::Compact(respondent, answered, outcome, confidence, flags, probability) = row else {
                continue;
            };
            let mut cells = vec![respondent.clone(), format!("{answered}/{}", self.n_caps())];
            if self.flags {
                cells.push(flags.names().collect::<Vec<_>>().join(", "));
            }
            if self.confidence {
                cells.push(
                    confidence
                        .as_ref()
                        .map_or(String::new(), crate::confidence::confidence_text),
                );
            }
            match outcome {
                Outcome::Ranked(ranked) => {
                    cells.extend(ranked.iter().enumerate().map(|(i, r)| {
                        format!(
                            "{} {:.3}{}",
                            self.role_name(r),
                            r.score,
                            probability_text(probability.get(i))
                        )
                    }));
                }
                Outcome::Insufficient { needed, .. } => {
                    cells.push(format!("not ranked: fewer than {needed} answered"));
                }
            }
            body.push(cells);
        }
        (header, body)
    }

    /// How many role columns the compact table shows, and how many ranks
    /// there are: all of them, or without a fit width as many as fit
    /// (at least one), each column as wide as its widest cell plus the
    /// padding and border a row takes (three characters).
    fn role_columns(&self, rows: &[TableRow]) -> (usize, usize) {
        let (header, body) = self.compact_cells(rows);
        let fixed = 2 + usize::from(self.flags) + usize::from(self.confidence);
        let ranked = header.len() - fixed;
        let Some(width) = self.width.filter(|_| self.fit_roles) else {
            return (ranked, ranked);
        };
        let column = |i: usize| {
            let widest = body
                .iter()
                .filter_map(|cells| cells.get(i))
                .chain(std::iter::once(&header[i]))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0);
            widest + 3
        };
        let mut used = 1 + (0..fixed).map(column).sum::<usize>();
        let mut shown = 0;
        while shown < ranked {
            used += column(fixed + shown);
            if used > width && shown > 0 {
                break;
            }
            shown += 1;
        }
        (shown, ranked)
    }

    fn compact_table(&self, rows: &[TableRow]) -> String {
        let (shown, ranked) = self.role_columns(rows);
        let (mut header, body) = self.compact_cells(rows);
        header.truncate(header.len() - (ranked - shown));
        let mut t = table(header.clone());
        match self.width {
            Some(width) => {
                t.set_width(u16::try_from(width).unwrap_or(u16::MAX));
            }
            None => {
                t.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
            }
        }
        for mut cells in body {
            cells.truncate(header.len());
            t.add_row(cells);
        }
        t.to_string()
    }

    fn block(&self, p: &RespondentParts) -> String {
        let mut s = format!(
            "{}: answered {} of {} capabilities; strategy {}",
            p.id,
            p.answered,
            self.n_caps(),
            self.strategy.name()
        );
        if let Some(note) = self.shown.note() {
            s.push_str(&format!("; {note}"));
        }
        s.push('\n');
        match p.outcome {
            Outcome::Insufficient { needed, .. } => {
                s.push_str(&format!("  not ranked: at least {needed} answers are needed\n"));
            }
            Outcome::Ranked(ranked) => {
                for (i, (r, e)) in ranked.iter().zip(p.explanations).enumerate() {
                    s.push_str(&format!(
                        "  {}. {:<28} {:.3} {}{}\n",
                        i + 1,
                        self.role_name(r),
                        r.score,
                        bar(r.score, 20),
                        probability_text(p.probability.get(i))
                    ));
                    let drivers: Vec<String> = e
                        .drivers
                        .iter()
                        .take(LISTED_PER_ROLE)
                        .map(|&c| {
                            format!(
                                "{} ({})",
                                self.cap_name(c),
                                signed(e.contributions[c].contribution, 3)
                            )
                        })
                        .collect();
                    if !drivers.is_empty() {
                        s.push_str(&format!("     drivers:   {}\n", drivers.join(", ")));
                    }
                    if !e.strengths.is_empty() {
                        s.push_str(&format!("     strengths: {}\n", self.strengths_text(e, ", ")));
                    }
                    if !e.gaps.is_empty() {
                        s.push_str(&format!("     gaps:      {}\n", self.gaps_text(e, ", ")));
                    }
                    if !e.above_level.is_empty() {
                        s.push_str(&format!(
                            "     above the role's level (lowers this score): {}\n",
                            self.above_text(e, ", ")
                        ));
                    }
                    if !e.unanswered.is_empty() {
                        let names: Vec<&str> = e.unanswered.iter().map(|&c| self.cap_name(c)).collect();
                        s.push_str(&format!("     unanswered: {}\n", names.join(", ")));
                    }
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Longer than any piece of the usual output.
    const LONG: usize = 40;

    fn fixed(v: f64) -> String {
        let mut out = Vec::new();
        push_fixed6(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pieces_append_exactly_their_text_empty_short_or_long() {
        let mut out = b"x".to_vec();
        for text in [
            &b""[..],
            b",1,",
            &[b'a'; LONG],
            &[b'b'; LONG + 1],
            "Program Manager (\u{e9}t\u{e9}),".as_bytes(),
        ] {
            let before = out.len();
            Piece::new(text.to_vec()).push_to(&mut out);
            assert_eq!(&out[before..], text);
        }
        assert_eq!(
            out.len(),
            1 + 3 + LONG + LONG + 1 + "Program Manager (\u{e9}t\u{e9}),".len()
        );
    }

    #[test]
    fn six_decimals_are_the_integer_and_six_zero_padded_digits() {
        // The range every built-in strategy's scores fall in, and the
        // carry into a second digit before the point.
        let mut v = 0.0;
        while v < 10.5 {
            let scaled = rolefit_score::round_half_away(v * 1e6) as u64;
            let expected = format!("{}.{:06}", scaled / 1_000_000, scaled % 1_000_000);
            assert_eq!(fixed(v), expected, "{v}");
            assert_eq!(
                fixed(-v),
                if scaled == 0 {
                    expected
                } else {
                    format!("-{expected}")
                }
            );
            v += 0.000_173_1;
        }
        assert_eq!(fixed(9.999_999_6), "10.000000");
        assert_eq!(fixed(9.999_999_4), "9.999999");
    }

    #[test]
    fn six_decimals_like_format_for_ordinary_values() {
        for v in [
            0.0,
            1.0,
            0.5,
            0.8123456,
            0.000_000_4,
            -0.25,
            -0.000_000_4,
            123.456_789_9,
            0.999_999_6,
        ] {
            assert_eq!(
                fixed(v),
                format!("{v:.6}").replace("-0.000000", "0.000000"),
                "{v}"
            );
        }
        assert_eq!(fixed(f64::NAN), "NaN");
        assert_eq!(fixed(1e300), format!("{:.6}", 1e300));
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let field = |t: &str| {
            let mut out = Vec::new();
            csv_field(&mut out, t);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(field("plain id"), "plain id");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
