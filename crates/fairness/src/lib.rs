//! The statistics of a bias audit of rolefit's recommendations, as the
//! rules of New York City's Local Law 144 (6 RCNY 5-300) define them for
//! an automated employment decision tool: per category of people (sex,
//! race/ethnicity, their intersections), how often the tool picks them
//! (the **selection rate**) or scores them above the cohort's median (the
//! **scoring rate**), and each category's rate divided by the highest
//! category's (the **impact ratio**).
//!
//! - [`Categories`]: which category each respondent is in (or none, a
//!   missing value), read from text values, and the intersections of
//!   several columns with every combination kept, empty ones too.
//! - [`audit`]: one binary outcome (selected for a role, or scored above
//!   its median) per respondent, summarised per category: counts, shares,
//!   who is left out of the ratios and why ([`Status`]), rates, impact
//!   ratios, the four-fifths flag, a two-sided test against the
//!   reference category ([`two_by_two`]: Fisher's exact test for small
//!   counts, Pearson's chi-square otherwise) and a bootstrap interval of
//!   the ratio.
//! - [`drivers`]: the capabilities whose answers differ most between a
//!   category and the rest (a standardised mean difference, Cohen's d).
//!
//! Parameters follow linfa's pattern, as in `rolefit-learn`:
//! [`AuditParams`] stores what it is given and [`AuditParams::check`]
//! returns the [`ValidAuditParams`] the functions take, or a
//! [`ParamError`].
//!
//! The crate does no I/O and knows nothing of roles, matrices or files:
//! the caller turns its rankings into outcomes. Results depend only on the
//! data, the parameters and the seed (each outcome's resamples come from
//! their own random stream), never on the order in which outcomes are
//! audited. The formulas are in docs/fairness.md.
#![deny(missing_docs)]

mod categories;
mod drivers;
mod params;
mod rates;
mod significance;

pub use categories::{Categories, MAX_COLUMNS};
pub use drivers::{drivers, standardised_mean_difference, Driver, Membership};
pub use params::{AuditParams, ParamError, ValidAuditParams};
pub use rates::{above_median, audit, median, CategoryCount, MeasureAudit, RateResult, Status};
pub use significance::{chi_square_2x2, fisher_exact_two_sided, two_by_two, Test, TestResult};
