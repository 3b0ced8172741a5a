//! Scores capability profiles against a role matrix: which role fits a
//! respondent best, and why.
//!
//! This crate turns model values into numbers and never does I/O: it does
//! not read files, print or exit, and it does not panic on any data (only
//! on caller bugs, each documented under *Panics*). The pipeline is:
//!
//! 1. [`CompiledMatrix::new`] turns a [`RoleMatrix`](rolefit_model::RoleMatrix)
//!    into dense arrays once.
//! 2. A [`Strategy`] scores a whole [`ProfileBatch`](rolefit_model::ProfileBatch)
//!    against every role in one call (profiles x roles). The five built-ins
//!    live in a [`Registry`]; [`DEFAULT_STRATEGY`] is `euclidean`.
//! 3. [`rank`] orders one profile's scores; [`Scorer`] does steps 2 and 3
//!    for a batch and applies the minimum-answered rule.
//! 4. [`explain`] says why a role scored what it did.
//!
//! Strategies work on batches, not single profiles, because the cost of a
//! score is a few floating-point operations per (profile, role, capability):
//! organised as matrix products over a batch, that is fast enough for
//! millions of rows. Formulas, ranges and degenerate cases of every
//! strategy are in their docs and in `docs/strategies.md`.
//!
//! ```
//! use rolefit_model::{Capability, ProfileBatch, Requirement, Role, RoleMatrix, Scale};
//! use rolefit_score::{CompiledMatrix, Outcome, Registry, Scorer, DEFAULT_STRATEGY};
//!
//! let caps = vec![Capability::new("a", "A"), Capability::new("b", "B")];
//! let roles = vec![
//!     Role::new("analyst", "Analyst", vec![Requirement::level(4.0), Requirement::level(2.0)]),
//!     Role::new("lead", "Lead", vec![Requirement::level(2.0), Requirement::level(5.0)]),
//! ];
//! let matrix = RoleMatrix::new("demo", "doc", Scale::default(), caps, roles).unwrap();
//! let compiled = CompiledMatrix::new(&matrix);
//!
//! let mut batch = ProfileBatch::new(2);
//! batch.push("ana", &[Some(4.0), Some(3.0)]);
//!
//! let registry = Registry::builtin();
//! let strategy = registry.get(DEFAULT_STRATEGY).unwrap();
//! let outcomes = Scorer::new(&compiled, strategy).top(Some(1)).score_batch(&batch).unwrap();
//! match &outcomes[0] {
//!     Outcome::Ranked(best) => assert_eq!(matrix.roles()[best[0].role].id, "analyst"),
//!     Outcome::Insufficient { .. } => unreachable!(),
//! }
//! ```
#![deny(missing_docs)]

mod centred;
mod compiled;
pub mod compose;
mod error;
mod explain;
pub mod overlap;
mod rank;
mod scorer;
pub mod strategy;
pub mod text;
pub mod weights;
pub mod whatif;
mod workspace;

/// Small matrices, batches and a call-counting strategy for tests, here
/// and in the crates built on this one (feature `test-util`); not part of
/// the API.
#[cfg(any(test, feature = "test-util"))]
#[doc(hidden)]
pub mod test_util;

pub use centred::{centre_batch, Centred};
pub use compiled::CompiledMatrix;
pub use error::ScoreError;
pub use explain::{explain, Contribution, Explanation, Gap, Strength};
pub use rank::{rank, rank_into, rank_into_with, round_half_away, tie_key, RankPaths, RankedRole, TIE_STEP};
pub use scorer::{check_scores, Outcome, Scorer, MAX_SCORE_CELLS};
pub use strategy::{
    Cosine, Coverage, Draw, Euclidean, Manhattan, Pearson, Registry, Strategy, BUILTIN_STRATEGIES,
    DEFAULT_STRATEGY,
};
pub use weights::{DefaultWeighted, Weighted, Weights, WeightsKind, DEFAULT_WEIGHTS, DISTANCE_STRATEGIES};
pub use workspace::Workspace;
