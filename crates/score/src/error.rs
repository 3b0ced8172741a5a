//! Errors the scorer reports.
//!
//! Scoring only fails on input that cannot be scored at all: profiles of the
//! wrong width, values that are not on the matrix's scale, or a strategy
//! (built-in or external) that refuses or misbehaves. Degenerate but valid
//! input, such as a respondent who answered nothing, is not an error: every
//! strategy defines a score for it (see the strategy docs).

use thiserror::Error;

/// Why profiles could not be scored, or a strategy could not be registered.
///
/// Indices are 0-based positions: `profile` within the batch that was
/// scored, `capability` within the role matrix. The caller knows the names
/// and can turn them into a message for people.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ScoreError {
    /// The profiles do not have one value per capability of the matrix.
    #[error("the profiles have {found} values each but the role matrix has {expected} capabilities")]
    ShapeMismatch {
        /// The matrix's number of capabilities.
        expected: usize,
        /// The profiles' number of values.
        found: usize,
    },
    /// An answered value that is not finite or lies outside the matrix scale
    /// (beyond a tolerance of `1e-9 * (H - L)` for rounding).
    #[error(
        "respondent {respondent:?} (profile {profile}), capability {capability}: \
         value {value} is not on the matrix scale {min}..{max}"
    )]
    ValueOutOfScale {
        /// The respondent's id.
        respondent: String,
        /// The profile's position in the batch.
        profile: usize,
        /// The capability's position in the matrix.
        capability: usize,
        /// The offending value.
        value: f64,
        /// Scale minimum `L`.
        min: f64,
        /// Scale maximum `H`.
        max: f64,
    },
    /// A strategy failed or returned something unusable (wrong shape,
    /// non-finite scores). Meant for external strategies; the built-ins never
    /// return it.
    #[error("strategy {name:?}: {message}")]
    Strategy {
        /// The strategy's name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// [`Registry::register`](crate::Registry::register) was given a name
    /// that is already taken (names compare case-insensitively, and the
    /// built-in names are reserved).
    #[error("a strategy named {name:?} already exists")]
    DuplicateStrategy {
        /// The refused name.
        name: String,
    },
    /// [`Registry::register`](crate::Registry::register) was given a name
    /// that cannot be looked up.
    #[error("invalid strategy name {name:?}: {reason}")]
    InvalidStrategyName {
        /// The refused name.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
}
