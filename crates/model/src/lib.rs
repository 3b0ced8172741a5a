//! The domain model of rolefit: what a role matrix, a survey and a capability
//! profile are, and what makes them valid.
//!
//! This crate owns the vocabulary every other crate speaks. It depends on
//! nothing of ours and does no I/O: importers build these values from bytes,
//! the scorer turns them into numbers, and the CLI renders them. Every
//! constructor validates, so a value of these types that exists is valid: a
//! [`RoleMatrix`] always has unique ids, finite values inside its scale, at
//! least one role and two capabilities, and some importance on every role.
//!
//! Names are matched loosely everywhere through one rule, [`match_key`]:
//! case, spaces and punctuation are ignored, so `Problem-Solving Skills`,
//! `problem solving skills` and `PROBLEM_SOLVING_SKILLS` are the same key.
#![deny(missing_docs)]

mod error;
mod flags;
mod key;
mod matrix;
mod profile;
mod scale;
mod survey;
mod text;

pub use error::ModelError;
pub use flags::QualityFlags;
pub use key::{match_key, slug};
pub use matrix::{Capability, Requirement, Role, RoleMatrix};
pub use profile::{Profile, ProfileBatch};
pub use scale::{Scale, MAX_SCALE_BOUND, MIN_SCALE_WIDTH};
pub use survey::{ResponseScale, ScaleLabel, Survey, SurveyItem};
pub use text::{first_few, first_few_of, LISTED};
