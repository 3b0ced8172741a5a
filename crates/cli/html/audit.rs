//! The sections of the bias-audit page (`rolefit audit --format html`),
//! one template each (`templates/audit/`), laid out like the public
//! summary of a bias audit: the date, the data's source and size, the
//! individuals per category, the rates and impact ratios (with a dot plot
//! of the ratios, the four-fifths line and the intervals), the numbers left
//! out, and the method with its formulas. `crate::cmd::audit` fills the
//! values, already formatted; the engine escapes every one of them (see
//! [`crate::html`]).

use askama::Template;

use super::report::Count;
use super::Svg;

/// The page's header (`audit/header.html`).
#[derive(Template)]
#[template(path = "audit/header.html")]
pub struct Header<'a> {
    /// The audit's date.
    pub date: &'a str,
    /// The responses' name.
    pub source: &'a str,
    /// Respondents read.
    pub read: u64,
    /// Respondents ranked.
    pub ranked: u64,
    /// The categories file's name.
    pub groups: &'a str,
    /// The role matrix's source.
    pub matrix: &'a str,
    /// The strategy's name.
    pub strategy: &'a str,
    /// What "selected" means.
    pub selection: &'a str,
    /// The sentence saying this is no legal opinion.
    pub not_legal: &'a str,
}

/// The summary section (`audit/summary.html`).
#[derive(Template)]
#[template(path = "audit/summary.html")]
pub struct Summary<'a> {
    /// Figures and what they count.
    pub cards: Vec<(String, String)>,
    /// The responses' name.
    pub source: &'a str,
    /// Respondents read.
    pub read: u64,
    /// Respondents ranked.
    pub ranked: u64,
    /// Respondents not ranked, as shown.
    pub not_ranked: String,
    /// The categories file's name.
    pub groups: &'a str,
    /// What "selected" means.
    pub selection: &'a str,
    /// The flag's threshold.
    pub threshold: f64,
}

/// One category's row in the counts table.
#[derive(Debug, Clone)]
pub struct CategoryRow {
    /// The category's name.
    pub name: String,
    /// Individuals in it.
    pub n: Count,
    /// Their share ("12.5%", empty when withheld).
    pub share: String,
    /// Whether it is in the ratios, and if not why.
    pub status: String,
}

/// One grouping's counts.
#[derive(Debug, Clone)]
pub struct CategoryTable {
    /// The grouping's name.
    pub name: String,
    /// Its categories.
    pub rows: Vec<CategoryRow>,
    /// Respondents with a missing value.
    pub missing: Count,
    /// What is left out of the ratios, in words.
    pub left_out: String,
}

/// The counts section (`audit/categories.html`).
#[derive(Template)]
#[template(path = "audit/categories.html")]
pub struct Categories {
    /// One table per grouping.
    pub groupings: Vec<CategoryTable>,
}

/// One role and category's figures.
#[derive(Debug, Clone)]
pub struct RateRow {
    /// The role's name.
    pub role: String,
    /// The category's name.
    pub category: String,
    /// Selection rate, ratio, p, interval, then the same for scoring.
    pub figures: Vec<String>,
    /// Which rates are flagged, in words (empty: none).
    pub flag: String,
}

/// One grouping's ratios.
#[derive(Debug, Clone)]
pub struct RatioTable {
    /// The grouping's name.
    pub name: String,
    /// The dot plot of the selection rates' impact ratios.
    pub selection_chart: Svg,
    /// The dot plot of the scoring rates' impact ratios.
    pub scoring_chart: Svg,
    /// The rows.
    pub rows: Vec<RateRow>,
}

/// The ratios section (`audit/ratios.html`).
#[derive(Template)]
#[template(path = "audit/ratios.html")]
pub struct Ratios {
    /// One table per grouping.
    pub groupings: Vec<RatioTable>,
    /// `--min-share`, as a percentage.
    pub min_share: String,
}

/// One capability of a flagged pair.
#[derive(Debug, Clone)]
pub struct DriverRow {
    /// The grouping's name.
    pub grouping: String,
    /// The category.
    pub category: String,
    /// The role.
    pub role: String,
    /// The capability.
    pub capability: String,
    /// Cohen's d, signed, 2 decimals.
    pub d: String,
    /// The category's mean answer.
    pub category_mean: String,
    /// The rest's mean answer.
    pub rest_mean: String,
}

/// The drivers section (`audit/drivers.html`).
#[derive(Template)]
#[template(path = "audit/drivers.html")]
pub struct Drivers {
    /// Every flagged pair's capabilities.
    pub pairs: Vec<DriverRow>,
    /// The flag's threshold.
    pub threshold: f64,
}

/// The method section (`audit/method.html`).
#[derive(Template)]
#[template(path = "audit/method.html")]
pub struct Method<'a> {
    /// `--min-answered`, as a percentage.
    pub min_answered: String,
    /// The strategy's name.
    pub strategy: &'a str,
    /// Its formula.
    pub formula: &'a str,
    /// What "selected" means.
    pub selection: &'a str,
    /// The flag's threshold.
    pub threshold: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Their seed.
    pub seed: u64,
    /// `--min-share`, as a percentage.
    pub min_share: String,
    /// `--min-group`.
    pub m: u64,
    /// `--min-group` less one.
    pub m_less: u64,
    /// The sentence saying this is no legal opinion.
    pub not_legal: &'a str,
}

/// The page's own style rules (`audit/style.css`).
#[derive(Template)]
#[template(path = "audit/style.css", escape = "none")]
pub struct Style;
