//! The personal report (`rolefit explain --format html`): the values its
//! templates (`templates/person/`) show, one per section.
//!
//! `crate::cmd::explain` computes what the page says (the ranking, how
//! sure it is, strengths and gaps, what it would take for a target role)
//! and fills these values with text already worded and numbers already
//! formatted; the templates only lay them out, and the engine escapes
//! every value (see [`crate::html`]). The page has no script; its style
//! sheet (`person/style.css`) lays it out for a phone, a desktop, and
//! print on A4 or Letter (one or two pages).

use askama::Template;

use super::Svg;

/// The top of the page (`person/header.html`).
#[derive(Template)]
#[template(path = "person/header.html")]
pub struct Header<'a> {
    /// The respondent's id.
    pub respondent: &'a str,
    /// Capabilities answered.
    pub answered: usize,
    /// Capabilities in the matrix.
    pub capabilities: usize,
    /// Roles in the matrix.
    pub roles: usize,
    /// The matrix's source.
    pub matrix: &'a str,
    /// The strategy's name.
    pub strategy: &'a str,
    /// The responses' file name.
    pub source: &'a str,
}

/// One row of the ranking table.
#[derive(Debug, Clone)]
pub struct RankRow {
    /// The rank, from 1.
    pub rank: usize,
    /// The role's name.
    pub name: String,
    /// The score, three decimals.
    pub score: String,
    /// The bar's width, 0 to 100 (a whole number).
    pub percent: u32,
    /// The role's key focus (may be empty).
    pub key_focus: String,
}

/// The ranking of a respondent who was ranked.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// The best fit's name.
    pub first: String,
    /// Its score.
    pub first_score: String,
    /// The runner-up's name, if the matrix has two roles or more.
    pub second: Option<String>,
    /// Its score (empty without a runner-up).
    pub second_score: String,
    /// How sure the ranking is, in a sentence.
    pub confidence: String,
    /// The table's rows: the best few roles.
    pub rows: Vec<RankRow>,
    /// The other roles, `Name (0.612)`, best first.
    pub others: Vec<String>,
}

/// The ranked roles (`person/roles.html`), or why there are none.
#[derive(Template)]
#[template(path = "person/roles.html")]
pub struct Roles<'a> {
    /// The respondent's id.
    pub respondent: &'a str,
    /// The ranking; `None` when too few capabilities were answered.
    pub ranking: Option<Ranking>,
    /// Capabilities answered.
    pub answered: usize,
    /// Capabilities in the matrix.
    pub capabilities: usize,
    /// Capabilities needed to be ranked.
    pub needed: usize,
}

/// The radar chart of the answers against the top roles (`person/chart.html`).
#[derive(Template)]
#[template(path = "person/chart.html")]
pub struct Chart<'a> {
    /// The chart.
    pub svg: Svg,
    /// The respondent's id.
    pub respondent: &'a str,
    /// The roles drawn, in words (`Program Manager and Project Manager`).
    pub roles: &'a str,
    /// How many roles are not drawn.
    pub hidden: usize,
}

/// A capability on a role card: the respondent's answer and the role's level.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The capability's name.
    pub name: String,
    /// The answer, on the answer scale.
    pub you: String,
    /// The role's level, on the answer scale.
    pub role: String,
}

/// One of the top roles, described and compared with the answers.
#[derive(Debug, Clone)]
pub struct RoleCard {
    /// The role's rank, from 1.
    pub rank: usize,
    /// The role's name.
    pub name: String,
    /// Its score, three decimals.
    pub score: String,
    /// The matrix's key focus (may be empty).
    pub key_focus: String,
    /// The matrix's description (may be empty).
    pub description: String,
    /// The matrix's responsibilities (may be empty).
    pub responsibilities: Vec<String>,
    /// Answers at or above the role's level, the most important first.
    pub strengths: Vec<Fact>,
    /// Answers below it, the largest weighted shortfall first.
    pub gaps: Vec<Fact>,
    /// Answers above the level that the strategy counts against the fit.
    pub above: Vec<Fact>,
    /// Capabilities the role weighs that were not answered.
    pub unanswered: usize,
}

/// Strengths and gaps for the top roles (`person/fit.html`).
#[derive(Template)]
#[template(path = "person/fit.html")]
pub struct Fit {
    /// One card per role, best first.
    pub cards: Vec<RoleCard>,
}

/// What it would take for the target role (`person/target.html`).
#[derive(Template)]
#[template(path = "person/target.html")]
pub struct Target<'a> {
    /// The target role's name.
    pub target: &'a str,
    /// The answer in a sentence.
    pub summary: String,
    /// The answers to raise (`Risk Management 3 → 4`), if any.
    pub steps: Vec<String>,
}

/// How to read the page (`person/method.html`).
#[derive(Template)]
#[template(path = "person/method.html")]
pub struct Method<'a> {
    /// The strategy's name.
    pub strategy: &'a str,
    /// Its formula.
    pub formula: &'a str,
    /// The answer scale in words.
    pub scale: &'a str,
    /// How the matrix's levels were mapped onto it, or empty.
    pub scale_note: &'a str,
    /// Bootstrap resamples behind "how sure".
    pub resamples: usize,
}

/// The footer (`person/footer.html`).
#[derive(Template)]
#[template(path = "person/footer.html")]
pub struct Footer<'a> {
    /// O*NET's credit, when the matrix came from O*NET data.
    pub credit: Option<&'a str>,
    /// rolefit's version.
    pub version: &'a str,
    /// The responses' file name.
    pub source: &'a str,
}

/// The page's own style rules (`person/style.css`).
#[derive(Template)]
#[template(path = "person/style.css", escape = "none")]
pub struct Style;
