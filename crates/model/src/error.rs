//! Validation errors.

use thiserror::Error;

/// Why a model value was refused. Each message names the offending id and
/// value and says what was expected, so an importer can wrap it with the
/// file and line it came from.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A scale whose bounds are not finite, not increasing, too large or
    /// too close (see [`Scale`](crate::Scale)).
    #[error(
        "invalid scale {}..{}: expected MIN < MAX, both within -1000000000..1000000000 and at least 1e-9 apart",
        crate::scale::short_number(*min),
        crate::scale::short_number(*max)
    )]
    InvalidScale {
        /// The lower bound given.
        min: f64,
        /// The upper bound given.
        max: f64,
    },
    /// A role matrix scale that goes below zero.
    #[error(
        "invalid role matrix scale {min}..{max}: levels are amounts, so the scale must start at 0 or above"
    )]
    NegativeMatrixScale {
        /// The lower bound given.
        min: f64,
        /// The upper bound given.
        max: f64,
    },
    /// An empty id or name.
    #[error("{kind} {index} has an empty {field}")]
    Empty {
        /// `capability`, `role` or `survey item`.
        kind: &'static str,
        /// 1-based position.
        index: usize,
        /// `id` or `name`.
        field: &'static str,
    },
    /// Two things of one kind share an id, or a name or alias that matches
    /// loosely.
    #[error("duplicate {kind} {key:?}: {first:?} and {second:?} match the same key")]
    Duplicate {
        /// `capability`, `role` or `survey item`.
        kind: &'static str,
        /// The loose key they share.
        key: String,
        /// The first one's id.
        first: String,
        /// The second one's id.
        second: String,
    },
    /// Fewer roles or capabilities than a matrix needs.
    #[error("a role matrix needs at least {needed} {kind}, found {found}")]
    TooFew {
        /// `role(s)` or `capabilities`.
        kind: &'static str,
        /// How many are needed.
        needed: usize,
        /// How many there are.
        found: usize,
    },
    /// A role whose requirement list does not match the capabilities.
    #[error("role {role:?} has {found} requirements but the matrix has {expected} capabilities")]
    Shape {
        /// The role's id.
        role: String,
        /// Number of capabilities.
        expected: usize,
        /// Number of requirements.
        found: usize,
    },
    /// A target level that is not finite or outside the matrix scale.
    #[error("role {role:?}, capability {capability:?}: level {value} is outside the scale {min}..{max}")]
    LevelOutOfScale {
        /// The role's id.
        role: String,
        /// The capability's id.
        capability: String,
        /// The level.
        value: f64,
        /// Scale minimum.
        min: f64,
        /// Scale maximum.
        max: f64,
    },
    /// An importance that is negative or not finite.
    #[error("role {role:?}, capability {capability:?}: importance {value} must be a finite number >= 0")]
    BadImportance {
        /// The role's id.
        role: String,
        /// The capability's id.
        capability: String,
        /// The importance.
        value: f64,
    },
    /// A role with no importance on any capability.
    #[error("role {role:?} gives every capability importance 0: at least one must matter")]
    NoImportance {
        /// The role's id.
        role: String,
    },
    /// A survey item that points at a capability the matrix does not have.
    #[error("survey item {item:?} measures capability {capability:?}, which the role matrix does not have")]
    UnknownCapability {
        /// The item's id.
        item: String,
        /// The capability it names.
        capability: String,
    },
    /// A survey without items.
    #[error("a survey needs at least one item")]
    EmptySurvey,
    /// A response scale label whose value is outside the scale, or a label
    /// given twice.
    #[error("response scale label {label:?}: {problem}")]
    BadLabel {
        /// The label.
        label: String,
        /// What is wrong with it.
        problem: String,
    },
}
