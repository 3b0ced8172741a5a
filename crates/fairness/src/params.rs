//! The audit's parameters, checked in linfa's pattern: [`AuditParams`]
//! stores what its setters are given, [`AuditParams::check`] returns the
//! [`ValidAuditParams`] that [`crate::audit`] takes, or a [`ParamError`]
//! naming the value that is wrong. Nothing is clamped on the way.

use thiserror::Error;

/// A parameter outside its range.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParamError {
    /// A count that must be at least 1 (the resamples, the privacy floor).
    #[error("{what} must be at least 1, got 0")]
    Zero {
        /// The parameter, as users know it.
        what: &'static str,
    },
    /// A number outside the range it must be in.
    #[error("{what} must be {range}, got {value}")]
    OutOfRange {
        /// The parameter, as users know it.
        what: &'static str,
        /// The range, in words (`from 0 to 1`).
        range: &'static str,
        /// The value given.
        value: f64,
    },
}

/// How to audit: see each setter. Defaults are those of `rolefit audit`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuditParams {
    threshold: f64,
    min_share: f64,
    min_group: u64,
    resamples: usize,
    seed: u64,
    confidence: f64,
    fisher_below: f64,
}

impl Default for AuditParams {
    fn default() -> Self {
        AuditParams {
            threshold: 0.8,
            min_share: 0.02,
            min_group: 5,
            resamples: 1000,
            seed: 1,
            confidence: 0.95,
            fisher_below: 5.0,
        }
    }
}

impl AuditParams {
    /// The default parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// An impact ratio below this is flagged (the four-fifths rule: 0.8).
    /// Must be above 0 and at most 1.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Categories holding less than this share of the audited respondents
    /// are left out of the ratios (default 0.02). From 0 to 1, 1 excluded.
    pub fn min_share(mut self, share: f64) -> Self {
        self.min_share = share;
        self
    }

    /// Categories of fewer respondents than this are withheld, for privacy,
    /// and left out of the ratios (default 5). At least 1.
    pub fn min_group(mut self, m: u64) -> Self {
        self.min_group = m;
        self
    }

    /// Bootstrap resamples for the interval of each impact ratio (default
    /// 1,000). At least 1.
    pub fn resamples(mut self, b: usize) -> Self {
        self.resamples = b;
        self
    }

    /// The random seed of the resamples (default 1).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The coverage of the bootstrap interval (default 0.95). Above 0 and
    /// below 1.
    pub fn confidence(mut self, level: f64) -> Self {
        self.confidence = level;
        self
    }

    /// Fisher's exact test is used when an expected count of the 2 x 2
    /// table is below this (default 5, Cochran's rule), Pearson's
    /// chi-square otherwise. At least 0 (0: always chi-square where it is
    /// defined).
    pub fn fisher_below(mut self, count: f64) -> Self {
        self.fisher_below = count;
        self
    }

    /// The checked parameters.
    ///
    /// # Errors
    /// The first value outside its range.
    pub fn check(self) -> Result<ValidAuditParams, ParamError> {
        let range = |what, range, value: f64, ok: bool| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(ParamError::OutOfRange { what, range, value })
            }
        };
        let t = self.threshold;
        range(
            "the impact-ratio threshold",
            "above 0 and at most 1",
            t,
            t > 0.0 && t <= 1.0,
        )?;
        let s = self.min_share;
        range(
            "the minimum share",
            "from 0 to 1, 1 excluded",
            s,
            (0.0..1.0).contains(&s),
        )?;
        let c = self.confidence;
        range(
            "the interval's coverage",
            "above 0 and below 1",
            c,
            c > 0.0 && c < 1.0,
        )?;
        let f = self.fisher_below;
        range(
            "the expected count below which Fisher's test is used",
            "at least 0",
            f,
            f >= 0.0,
        )?;
        if self.min_group == 0 {
            return Err(ParamError::Zero {
                what: "the minimum group size",
            });
        }
        if self.resamples == 0 {
            return Err(ParamError::Zero {
                what: "the number of resamples",
            });
        }
        Ok(ValidAuditParams(self))
    }
}

/// Parameters that passed [`AuditParams::check`]; getters only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidAuditParams(AuditParams);

impl ValidAuditParams {
    /// The impact ratio below which a category is flagged.
    pub fn threshold(&self) -> f64 {
        self.0.threshold
    }
    /// The share under which a category is left out of the ratios.
    pub fn min_share(&self) -> f64 {
        self.0.min_share
    }
    /// The privacy floor: categories of fewer respondents are withheld.
    pub fn min_group(&self) -> u64 {
        self.0.min_group
    }
    /// Bootstrap resamples per impact ratio.
    pub fn resamples(&self) -> usize {
        self.0.resamples
    }
    /// The random seed.
    pub fn seed(&self) -> u64 {
        self.0.seed
    }
    /// The bootstrap interval's coverage.
    pub fn confidence(&self) -> f64 {
        self.0.confidence
    }
    /// The expected count below which Fisher's exact test is used.
    pub fn fisher_below(&self) -> f64 {
        self.0.fisher_below
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_each_bad_value_is_named() {
        let p = AuditParams::new().check().unwrap();
        assert_eq!((p.threshold(), p.min_share(), p.min_group()), (0.8, 0.02, 5));
        assert_eq!((p.resamples(), p.seed(), p.confidence()), (1000, 1, 0.95));
        let err = |p: AuditParams| p.check().unwrap_err().to_string();
        assert_eq!(
            err(AuditParams::new().threshold(0.0)),
            "the impact-ratio threshold must be above 0 and at most 1, got 0"
        );
        assert!(err(AuditParams::new().threshold(f64::NAN)).contains("threshold"));
        assert_eq!(
            err(AuditParams::new().min_share(1.0)),
            "the minimum share must be from 0 to 1, 1 excluded, got 1"
        );
        assert!(err(AuditParams::new().confidence(1.0)).contains("coverage"));
        assert!(err(AuditParams::new().fisher_below(-1.0)).contains("Fisher"));
        assert_eq!(
            err(AuditParams::new().resamples(0)),
            "the number of resamples must be at least 1, got 0"
        );
        assert!(err(AuditParams::new().min_group(0)).contains("group size"));
        assert!(AuditParams::new().min_share(0.0).threshold(1.0).check().is_ok());
    }
}
