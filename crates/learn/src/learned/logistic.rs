//! `logistic`: multinomial logistic regression (linfa-logistic).
//!
//! Each profile becomes a feature vector: blanks replaced by the training
//! mean of the capability, then standardised, `z_c = (x_c - m_c) / s_c`
//! with `m_c` the training mean and `s_c` the training standard deviation
//! of the imputed values (1 where it is 0). linfa-logistic's
//! `MultiLogisticRegression` fits weights `W` (capabilities x roles seen)
//! and intercepts `b` by L-BFGS, minimising the summed log-loss plus
//! `alpha / 2 * |W|^2`. The score of role `j` is its predicted probability,
//!
//! ```text
//! score_j = exp(z·W_j + b_j) / sum_l exp(z·W_l + b_l)
//! ```
//!
//! over the roles that had holders in training (others score 0), so the
//! scores of a respondent sum to 1. Minimising the log-loss (a proper
//! scoring rule) is what makes these probabilities calibrated rather than
//! mere scores: among respondents given 0.7, about 70% hold the role, as
//! far as the model is right about the data. Prediction is computed here
//! from the saved `W` and `b`, so a model read back from its file scores
//! exactly as the one trained.

use linfa::traits::Fit;
use linfa::DatasetBase;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use rolefit_model::{ProfileBatch, Scale};
use serde::{Deserialize, Serialize};

use super::{capability_means, impute, LearnError, ValidTrainParams};

/// A fitted logistic model.
#[derive(Debug, Clone)]
pub(crate) struct Logistic {
    params: LogisticParams,
    /// `W`, capabilities x classes.
    weights: Array2<f64>,
}

/// What the model file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogisticParams {
    /// The L2 penalty it was trained with.
    pub(crate) alpha: f64,
    /// The solver's iteration limit it was trained with.
    pub(crate) max_iterations: u64,
    /// `m`: per capability, the training mean (what a blank becomes).
    pub(crate) imputation: Vec<f64>,
    /// `s`: per capability, the standard deviation features are divided by.
    pub(crate) sd: Vec<f64>,
    /// The roles seen in training (indices into the model's roles), one per
    /// column of `weights`.
    pub(crate) classes: Vec<usize>,
    /// `W`, one row per capability, one column per class.
    pub(crate) weights: Vec<Vec<f64>>,
    /// `b`, one per class.
    pub(crate) intercept: Vec<f64>,
}

impl Logistic {
    /// Fits the regression.
    pub(crate) fn fit(
        profiles: &ProfileBatch,
        labels: &[usize],
        options: &ValidTrainParams,
        scale: Scale,
    ) -> Result<Self, LearnError> {
        let fail = |message: String| LearnError::Fit {
            method: "logistic",
            message,
        };
        let (n, c) = (profiles.len(), profiles.capabilities());
        let imputation = capability_means(profiles, scale);
        let mut z = Array2::zeros((n, c));
        for i in 0..n {
            let (x, a) = profiles.row(i);
            let row = z
                .row_mut(i)
                .into_slice()
                .expect("a fresh array is in standard layout");
            impute(x, a, &imputation, row);
        }
        let mut sd = vec![0.0; c];
        for k in 0..c {
            let m = imputation[k];
            let var = z.column(k).iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64;
            sd[k] = if var.sqrt() > 1e-9 * scale.width() {
                var.sqrt()
            } else {
                1.0
            };
        }
        for mut row in z.rows_mut() {
            for k in 0..c {
                row[k] = (row[k] - imputation[k]) / sd[k];
            }
        }
        let targets = Array1::from(labels.to_vec());
        let dataset = DatasetBase::new(z, targets);
        let fitted = MultiLogisticRegression::default()
            .alpha(options.alpha())
            .max_iterations(options.max_iterations())
            .fit(&dataset)
            .map_err(|e| fail(e.to_string()))?;
        let classes = fitted.classes().to_vec();
        let weights = fitted.params().rows().into_iter().map(|r| r.to_vec()).collect();
        let params = LogisticParams {
            alpha: options.alpha(),
            max_iterations: options.max_iterations(),
            imputation,
            sd,
            classes,
            weights,
            intercept: fitted.intercept().to_vec(),
        };
        let roles = labels.iter().max().map_or(0, |m| m + 1);
        let model = Self::from_params(params, roles, c).map_err(|e| fail(e.to_string()))?;
        Ok(model)
    }

    /// A model from file parameters, checked for `roles` x `capabilities`.
    pub(crate) fn from_params(
        params: LogisticParams,
        roles: usize,
        capabilities: usize,
    ) -> Result<Self, LearnError> {
        let invalid = |m: String| Err(LearnError::Invalid(m));
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        let k = params.classes.len();
        if k == 0 {
            return invalid("logistic needs at least one class".into());
        }
        if let Some(bad) = params.classes.iter().find(|&&l| l >= roles) {
            return invalid(format!(
                "logistic class {bad} is not a role index (there are {roles} roles)"
            ));
        }
        let mut sorted = params.classes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != k {
            return invalid("logistic classes must be distinct".into());
        }
        if params.imputation.len() != capabilities
            || params.sd.len() != capabilities
            || !finite(&params.imputation)
            || params.sd.iter().any(|s| !(s.is_finite() && *s > 0.0))
        {
            return invalid(format!(
                "logistic needs {capabilities} finite means and positive standard deviations"
            ));
        }
        if params.intercept.len() != k || !finite(&params.intercept) {
            return invalid(format!("logistic needs {k} finite intercepts"));
        }
        if params.weights.len() != capabilities || params.weights.iter().any(|r| r.len() != k || !finite(r)) {
            return invalid(format!(
                "logistic weights must be {capabilities} rows of {k} finite numbers"
            ));
        }
        let mut weights = Array2::zeros((capabilities, k));
        for (i, row) in params.weights.iter().enumerate() {
            for (j, &w) in row.iter().enumerate() {
                weights[(i, j)] = w;
            }
        }
        Ok(Logistic { params, weights })
    }

    /// The parameters for the model file.
    pub(crate) fn params(&self) -> &LogisticParams {
        &self.params
    }

    /// Scores every profile against every role into `out` (profiles x
    /// roles, all zeros on entry): the softmax of `z W + b`.
    pub(crate) fn score_into(&self, profiles: &ProfileBatch, out: &mut Array2<f64>) {
        let c = profiles.capabilities();
        let mut z = vec![0.0; c];
        let k = self.params.classes.len();
        let mut logits = vec![0.0; k];
        for i in 0..profiles.len() {
            let (x, a) = profiles.row(i);
            impute(x, a, &self.params.imputation, &mut z);
            for ((z, m), s) in z.iter_mut().zip(&self.params.imputation).zip(&self.params.sd) {
                *z = (*z - m) / s;
            }
            for (j, logit) in logits.iter_mut().enumerate() {
                *logit = self.params.intercept[j] + (0..c).map(|f| z[f] * self.weights[(f, j)]).sum::<f64>();
            }
            super::softmax_into_classes(&logits, &self.params.classes, out.row_mut(i));
        }
    }
}
