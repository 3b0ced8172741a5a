//! Respondents as a dense matrix: the input every clustering step shares.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rolefit_model::{ProfileBatch, Scale};

/// Every respondent's values, one row each, with missing answers imputed.
///
/// Clustering needs a value in every cell, and a blank is no evidence
/// either way, so a missing answer is replaced by **the capability's mean
/// over the respondents who answered it**: the least informative value,
/// which moves the respondent neither towards nor away from any cluster
/// along that capability. A capability no respondent answered gets the
/// midpoint of the scale, the same for everyone, so it cannot separate
/// anyone.
#[derive(Debug, Clone)]
pub struct CohortData {
    values: Array2<f64>,
    means: Array1<f64>,
    answered: Vec<usize>,
    imputed: usize,
}

impl CohortData {
    /// Builds the matrix from `profiles` (values on `scale`), imputing
    /// every missing answer with its capability's mean.
    pub fn from_batch(profiles: &ProfileBatch, scale: Scale) -> Self {
        let (n, c) = (profiles.len(), profiles.capabilities());
        let mut sums = vec![0.0; c];
        let mut answered = vec![0usize; c];
        for i in 0..n {
            let (values, mask) = profiles.row(i);
            for (j, (&v, &a)) in values.iter().zip(mask).enumerate() {
                if a {
                    sums[j] += v;
                    answered[j] += 1;
                }
            }
        }
        let mid = 0.5 * (scale.min() + scale.max());
        let means: Array1<f64> = sums
            .iter()
            .zip(&answered)
            .map(|(&s, &a)| if a > 0 { s / a as f64 } else { mid })
            .collect();
        let mut imputed = 0;
        let mut values = Array2::zeros((n, c));
        for (i, mut row) in values.outer_iter_mut().enumerate() {
            let (v, mask) = profiles.row(i);
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = if mask[j] {
                    v[j]
                } else {
                    imputed += 1;
                    means[j]
                };
            }
        }
        CohortData {
            values,
            means,
            answered,
            imputed,
        }
    }

    /// Wraps complete values (no imputation), for callers that already
    /// hold a dense matrix.
    pub fn from_values(values: Array2<f64>) -> Self {
        let n = values.nrows();
        let means = values
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(values.ncols()));
        CohortData {
            answered: vec![n; values.ncols()],
            means,
            values,
            imputed: 0,
        }
    }

    /// The values, respondents x capabilities.
    pub fn values(&self) -> ArrayView2<'_, f64> {
        self.values.view()
    }

    /// Number of respondents (rows).
    pub fn len(&self) -> usize {
        self.values.nrows()
    }

    /// Whether there are no respondents.
    pub fn is_empty(&self) -> bool {
        self.values.nrows() == 0
    }

    /// Each capability's mean over the respondents who answered it (the
    /// imputed value).
    pub fn means(&self) -> &Array1<f64> {
        &self.means
    }

    /// How many respondents answered each capability.
    pub fn answered(&self) -> &[usize] {
        &self.answered
    }

    /// How many cells were imputed.
    pub fn imputed(&self) -> usize {
        self.imputed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rolefit_score::test_util::batch;

    #[test]
    fn imputes_the_capability_mean_and_the_midpoint_when_unanswered() {
        let b = batch(
            3,
            &[
                &[Some(1.0), None, None],
                &[Some(3.0), Some(4.0), None],
                &[None, Some(2.0), None],
            ],
        );
        let d = CohortData::from_batch(&b, Scale::default());
        assert_eq!(d.len(), 3);
        assert_eq!(d.imputed(), 5);
        assert_eq!(d.answered(), &[2, 2, 0]);
        assert_eq!(d.means().to_vec(), vec![2.0, 3.0, 3.0]);
        assert_eq!(d.values().row(0).to_vec(), vec![1.0, 3.0, 3.0]);
        assert_eq!(d.values().row(2).to_vec(), vec![2.0, 2.0, 3.0]);
    }

    #[test]
    fn empty_batches_are_empty() {
        let d = CohortData::from_batch(&ProfileBatch::new(2), Scale::default());
        assert!(d.is_empty());
        assert_eq!(d.values().dim(), (0, 2));
    }
}
