//! What rolefit learns from data, built on the scoring of
//! [`rolefit_score`]:
//!
//! - [`learned`]: strategies fitted to respondents labelled with the role
//!   they hold (`model:centroid`, `model:knn`, `model:logistic`), and their
//!   model files. A [`learned::LearnedModel`] implements
//!   [`rolefit_score::Strategy`], so it scores like a built-in.
//! - [`evaluate`]: which strategy to trust, measured on labelled
//!   respondents (accuracy, rank metrics, bootstrap stability,
//!   agreement), learned strategies cross-validated.
//! - [`cluster`]: groups of respondents (k-means or a Gaussian mixture),
//!   described against the role matrix, and their 2-D map.
//!
//! Parameters follow linfa's pattern: [`learned::TrainParams`] and
//! [`cluster::ClusterParams`] store what they are given, and their
//! `check()` returns the valid parameters that training and clustering
//! take, or a [`ParamError`].
//!
//! Like `rolefit-score`, this crate does no I/O beyond what a caller hands
//! it (model files are (de)serialised from strings) and does not panic on
//! any data.
#![deny(missing_docs)]

pub mod cluster;
pub mod evaluate;
pub mod learned;
mod params;

pub use params::ParamError;
