//! `lda`: linear discriminant analysis with a shared, shrunk covariance.
//!
//! Each role's holders are modelled as a Gaussian around their mean `mu_j`
//! with one covariance `S` shared by every role (blanks replaced by the
//! training mean of the capability, as for `knn` and `logistic`). With
//! `e_i = x_i - mu_{role(i)}` the training rows' deviations from their
//! role's mean (`n` rows, `c` capabilities):
//!
//! ```text
//! S       = sum_i e_i e_iᵀ / n                              (pooled within-role covariance)
//! m       = trace(S) / c
//! d2      = |S - m I|_F^2
//! b2      = min(d2, (sum_i |e_i|^4 - n |S|_F^2) / n^2)
//! a       = b2 / d2          (0 when d2 = 0)                 (Ledoit-Wolf shrinkage)
//! S'      = (1 - a) S + a m I
//! delta_j = xᵀ S'^-1 mu_j - mu_jᵀ S'^-1 mu_j / 2 + ln(pi_j)    (pi_j: share of holders)
//! score_j = exp(delta_j) / sum_l exp(delta_l)
//! ```
//!
//! over the roles with holders (others score 0): the posterior probability
//! of each role under the model, so a respondent's scores sum to 1. A
//! millionth of the scale's width squared is added to the diagonal of `S'`
//! so that it can be inverted when a capability never varies.

use ndarray::{Array1, Array2};
use rolefit_model::{ProfileBatch, Scale};
use serde::{Deserialize, Serialize};

use super::{capability_means, impute, LearnError};

/// A fitted LDA model.
#[derive(Debug, Clone)]
pub(crate) struct Lda {
    params: LdaParams,
    /// `S'^-1 mu_j`, one row per class.
    coefficients: Array2<f64>,
    /// `-mu_jᵀ S'^-1 mu_j / 2 + ln(pi_j)`, one per class.
    offsets: Vec<f64>,
}

/// What the model file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LdaParams {
    /// Per capability, the training mean (what a blank becomes).
    pub(crate) imputation: Vec<f64>,
    /// The Ledoit-Wolf shrinkage `a` applied.
    pub(crate) shrinkage: f64,
    /// The roles seen in training (indices into the model's roles).
    pub(crate) classes: Vec<usize>,
    /// `pi_j`, one per class.
    pub(crate) priors: Vec<f64>,
    /// `mu_j`, one row per class.
    pub(crate) means: Vec<Vec<f64>>,
    /// `S'`, capabilities x capabilities.
    pub(crate) covariance: Vec<Vec<f64>>,
}

impl Lda {
    /// Fits the model.
    pub(crate) fn fit(
        profiles: &ProfileBatch,
        labels: &[usize],
        roles: usize,
        scale: Scale,
    ) -> Result<Self, LearnError> {
        let (n, c) = (profiles.len(), profiles.capabilities());
        let imputation = capability_means(profiles, scale);
        let mut x = Array2::zeros((n, c));
        for i in 0..n {
            let (v, a) = profiles.row(i);
            impute(
                v,
                a,
                &imputation,
                x.row_mut(i).into_slice().expect("standard layout"),
            );
        }
        let mut counts = vec![0usize; roles];
        let mut sums = Array2::<f64>::zeros((roles, c));
        for (i, &l) in labels.iter().enumerate() {
            counts[l] += 1;
            sums.row_mut(l).scaled_add(1.0, &x.row(i));
        }
        let classes: Vec<usize> = (0..roles).filter(|&j| counts[j] > 0).collect();
        let means: Vec<Vec<f64>> = classes
            .iter()
            .map(|&j| sums.row(j).iter().map(|s| s / counts[j] as f64).collect())
            .collect();
        let mut position = vec![0; roles];
        classes.iter().enumerate().for_each(|(p, &j)| position[j] = p);
        let mut e = x;
        for (i, &l) in labels.iter().enumerate() {
            let mu = &means[position[l]];
            e.row_mut(i).iter_mut().zip(mu).for_each(|(v, m)| *v -= m);
        }
        let s = e.t().dot(&e) / n as f64;
        let m = s.diag().sum() / c as f64;
        let mut target = s.clone();
        target.diag_mut().mapv_inplace(|v| v - m);
        let d2: f64 = target.iter().map(|v| v * v).sum();
        let fourth: f64 = e.rows().into_iter().map(|r| r.dot(&r).powi(2)).sum();
        let s_norm: f64 = s.iter().map(|v| v * v).sum();
        let b2 = ((fourth - n as f64 * s_norm) / (n as f64 * n as f64)).clamp(0.0, d2);
        let shrinkage = if d2 > 0.0 { b2 / d2 } else { 0.0 };
        let floor = 1e-6 * scale.width() * scale.width();
        let mut shrunk = s * (1.0 - shrinkage);
        shrunk.diag_mut().mapv_inplace(|v| v + shrinkage * m + floor);
        let priors = classes.iter().map(|&j| counts[j] as f64 / n as f64).collect();
        let params = LdaParams {
            imputation,
            shrinkage,
            classes,
            priors,
            means,
            covariance: shrunk.rows().into_iter().map(|r| r.to_vec()).collect(),
        };
        Self::from_params(params, roles, c).map_err(|e| LearnError::Fit {
            method: "lda",
            message: e.to_string(),
        })
    }

    /// A model from file parameters, checked for `roles` x `capabilities`.
    pub(crate) fn from_params(
        params: LdaParams,
        roles: usize,
        capabilities: usize,
    ) -> Result<Self, LearnError> {
        let invalid = |m: String| Err(LearnError::Invalid(m));
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        let k = params.classes.len();
        if k == 0
            || params.classes.iter().any(|&j| j >= roles)
            || params.classes.windows(2).any(|w| w[0] >= w[1])
        {
            return invalid(format!(
                "lda classes must be increasing role indices below {roles}, at least one"
            ));
        }
        if params.priors.len() != k || params.priors.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
            return invalid(format!("lda needs {k} positive priors"));
        }
        if params.imputation.len() != capabilities || !finite(&params.imputation) {
            return invalid(format!("lda needs {capabilities} finite imputation values"));
        }
        if params.means.len() != k || params.means.iter().any(|r| r.len() != capabilities || !finite(r)) {
            return invalid(format!(
                "lda means must be {k} rows of {capabilities} finite numbers"
            ));
        }
        if params.covariance.len() != capabilities
            || params
                .covariance
                .iter()
                .any(|r| r.len() != capabilities || !finite(r))
        {
            return invalid(format!(
                "lda covariance must be {capabilities} rows of {capabilities} finite numbers"
            ));
        }
        let cov = Array2::from_shape_fn((capabilities, capabilities), |(a, b)| params.covariance[a][b]);
        let Some(chol) = cholesky(&cov) else {
            return invalid("lda covariance is not symmetric positive definite".into());
        };
        let mut coefficients = Array2::zeros((k, capabilities));
        let mut offsets = Vec::with_capacity(k);
        for (p, mu) in params.means.iter().enumerate() {
            let mu = Array1::from(mu.clone());
            let a = solve(&chol, &mu);
            offsets.push(-0.5 * mu.dot(&a) + params.priors[p].ln());
            coefficients.row_mut(p).assign(&a);
        }
        Ok(Lda {
            params,
            coefficients,
            offsets,
        })
    }

    /// The parameters for the model file.
    pub(crate) fn params(&self) -> &LdaParams {
        &self.params
    }

    /// Scores every profile against every role into `out` (profiles x
    /// roles, all zeros on entry): the posterior probabilities.
    pub(crate) fn score_into(&self, profiles: &ProfileBatch, out: &mut Array2<f64>) {
        let c = profiles.capabilities();
        let mut z = vec![0.0; c];
        let k = self.params.classes.len();
        let mut logits = vec![0.0; k];
        for i in 0..profiles.len() {
            let (x, a) = profiles.row(i);
            impute(x, a, &self.params.imputation, &mut z);
            for (p, logit) in logits.iter_mut().enumerate() {
                let row = self.coefficients.row(p);
                *logit = self.offsets[p] + row.iter().zip(&z).map(|(a, x)| a * x).sum::<f64>();
            }
            super::softmax_into_classes(&logits, &self.params.classes, out.row_mut(i));
        }
    }
}

/// The lower Cholesky factor of a symmetric positive definite matrix, or
/// `None` when it is not one.
fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            if (a[(i, j)] - a[(j, i)]).abs() > 1e-9 * (a[(i, i)].abs() + a[(j, j)].abs()) {
                return None;
            }
            let s: f64 = a[(i, j)] - (0..j).map(|k| l[(i, k)] * l[(j, k)]).sum::<f64>();
            if i == j {
                if s.is_nan() || s <= 0.0 {
                    return None;
                }
                l[(i, i)] = s.sqrt();
            } else {
                l[(i, j)] = s / l[(j, j)];
            }
        }
    }
    Some(l)
}

/// `x` with `L Lᵀ x = b`, for the Cholesky factor `L`.
fn solve(l: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let n = b.len();
    let mut y = Array1::<f64>::zeros(n);
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[(i, k)] * y[k]).sum::<f64>()) / l[(i, i)];
    }
    let mut x = Array1::<f64>::zeros(n);
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[(k, i)] * x[k]).sum::<f64>()) / l[(i, i)];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_solves_a_system() {
        let a = array![[4.0, 2.0, 0.4], [2.0, 3.0, 0.5], [0.4, 0.5, 2.0]];
        let l = cholesky(&a).unwrap();
        let b = array![1.0, -2.0, 0.5];
        let x = solve(&l, &b);
        let back = a.dot(&x);
        for (u, v) in back.iter().zip(&b) {
            assert!((u - v).abs() < 1e-12);
        }
        assert!(cholesky(&array![[1.0, 2.0], [2.0, 1.0]]).is_none());
    }

    #[test]
    fn two_gaussian_roles_get_their_posterior() {
        // Two roles over two capabilities, holders at (2, 2) and (4, 4),
        // +- 1 on the first capability only.
        let mut b = ProfileBatch::new(2);
        let mut labels = Vec::new();
        for (i, &(role, x, y)) in [(0, 1.0, 2.0), (0, 3.0, 2.0), (1, 3.0, 4.0), (1, 5.0, 4.0)]
            .iter()
            .enumerate()
        {
            b.push(format!("p{i}"), &[Some(x), Some(y)]);
            labels.push(role);
        }
        let lda = Lda::fit(&b, &labels, 3, Scale::default()).unwrap();
        assert_eq!(lda.params.classes, vec![0, 1]);
        // S = diag(1, 0), every deviation of the same size: Ledoit-Wolf
        // sees no estimation noise and does not shrink.
        assert_eq!(lda.params.shrinkage, 0.0);
        let mut out = Array2::zeros((1, 3));
        let mut q = ProfileBatch::new(2);
        q.push("q", &[Some(3.0), Some(3.0)]);
        lda.score_into(&q, &mut out);
        // Half way between the means: equal posteriors; no holders: 0.
        assert!((out[(0, 0)] - 0.5).abs() < 1e-12 && (out[(0, 1)] - 0.5).abs() < 1e-12);
        assert_eq!(out[(0, 2)], 0.0);
        let back = Lda::from_params(lda.params.clone(), 3, 2).unwrap();
        let mut again = Array2::zeros((1, 3));
        back.score_into(&q, &mut again);
        assert_eq!(out, again);
    }
}
