//! Checked parameters, in linfa's pattern: a `...Params` value is built
//! with setters that store what they are given, and its `check()` returns
//! the `Valid...Params` that training and clustering take, or a
//! [`ParamError`] that says which value is wrong. Nothing is clamped or
//! dropped on the way.

use thiserror::Error;

/// A parameter outside its range.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParamError {
    /// A count that must be at least 1 (knn's `k`, solver iterations,
    /// k-means runs).
    #[error("{what} must be at least 1, got 0")]
    Zero {
        /// The parameter, as users know it.
        what: &'static str,
    },
    /// logistic's L2 penalty is negative or not a number.
    #[error("the L2 penalty of logistic (alpha) must be a finite number of at least 0, got {0}")]
    Alpha(f64),
    /// A convergence tolerance that is not a positive number.
    #[error("the convergence tolerance must be a finite number above 0, got {0}")]
    Tolerance(f64),
}

/// `Err(ParamError::Zero)` when `value` is 0.
pub(crate) fn at_least_one(value: u64, what: &'static str) -> Result<(), ParamError> {
    if value == 0 {
        Err(ParamError::Zero { what })
    } else {
        Ok(())
    }
}
