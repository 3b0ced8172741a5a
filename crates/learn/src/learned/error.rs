//! Errors of training, saving and loading learned strategies.

use thiserror::Error;

use rolefit_score::ScoreError;

/// Why a strategy could not be learned, or a model file not used.
///
/// Every variant comes from the data or the file the user gave (too few
/// labelled rows, a file that is not a rolefit model, a model trained on
/// another role matrix), so a command line reports them as bad input.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LearnError {
    /// There is nothing to learn from.
    #[error("no labelled respondents to learn from")]
    NoTrainingRows,
    /// The labels do not line up with the profiles (one label per profile,
    /// each a role index of the matrix).
    #[error("{0}")]
    Labels(String),
    /// The training profiles cannot be scored against the matrix (wrong
    /// width, values off the scale).
    #[error(transparent)]
    Score(#[from] ScoreError),
    /// The fitting algorithm failed.
    #[error("{method} training failed: {message}")]
    Fit {
        /// The method, such as `logistic`.
        method: &'static str,
        /// What the algorithm reported.
        message: String,
    },
    /// The text is not JSON, or not a rolefit model.
    #[error("not a rolefit model file: {0}")]
    NotAModel(String),
    /// A model file of a version this build cannot read.
    #[error("unsupported model file version {found}; this rolefit reads version {supported}")]
    UnsupportedVersion {
        /// The file's version.
        found: u64,
        /// The version this build reads and writes.
        supported: u64,
    },
    /// A model file of a method this build does not know.
    #[error("unknown model method {0:?}; the methods are centroid, knn, logistic and lda")]
    UnknownMethod(String),
    /// The model file is well-formed JSON but its contents are inconsistent
    /// (wrong array sizes, values off the scale, labels out of range).
    #[error("invalid model file: {0}")]
    Invalid(String),
    /// The model was trained on a different role matrix: other
    /// capabilities, roles or scale.
    #[error("the model does not fit the role matrix in use: {0}")]
    Mismatch(String),
    /// A temperature the model file keeps does not apply: it was fitted
    /// for another strategy of the same name or another matrix.
    #[error("{0}")]
    Calibration(String),
}
