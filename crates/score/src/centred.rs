//! Ipsative centring: correcting for how generously people rate themselves.
//!
//! Some people rate everything a point high, others a point low. Strategies
//! that compare absolute levels (`euclidean`, `manhattan`, `coverage`) then
//! push the generous towards roles with high levels everywhere. Centring
//! removes each respondent's own elevation before scoring:
//!
//! ```text
//! m_x = mean of the respondent's answered values
//! m_R = sum_{j, c in A} w_jc r_jc / sum_{j, c in A} w_jc
//!       (the importance-weighted mean level of all roles over the
//!        capabilities A the respondent answered)
//! x'_c = clamp(x_c - m_x + m_R, L, H)    for every answered c
//! ```
//!
//! The respondent's answers keep their pattern but their mean moves to the
//! roles' typical level on the same capabilities, so no role is favoured by
//! the shift itself; clamping keeps every value on the scale, so every
//! strategy stays defined on the result (at the cost of flattening values
//! pushed past an end). Blanks stay blank. When no role gives any weight to
//! the answered capabilities, the profile is left as it is. Only the
//! respondent's own answers are used, so centring works row by row, in
//! streaming, with any strategy: [`Centred`] wraps one and is named after
//! it with `+center` (`euclidean+center`).
//!
//! `pearson` is unchanged by a shift, so its centred variant differs only
//! where clamping bites; `cosine` is not shift-invariant and changes.

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use crate::{CompiledMatrix, Draw, ScoreError, Strategy, Workspace};

/// A strategy applied to centred profiles (ipsative centring against
/// self-rating bias), named after it with `+center`.
///
/// Every answered value `x_c` becomes
/// `clamp(x_c - m_x + m_R, L, H)`, where `m_x` is the mean of the
/// respondent's answers and `m_R` the importance-weighted mean level of all
/// roles over the capabilities the respondent answered,
/// `sum_{j, c answered} w_jc r_jc / sum_{j, c answered} w_jc`. The answers
/// keep their pattern, their mean moves to the roles' typical level, and
/// every value stays on the scale. Blanks stay blank; a profile none of
/// whose answers any role weighs is left as it is.
pub struct Centred<'a> {
    inner: &'a dyn Strategy,
    name: String,
    formula: String,
    description: String,
}

impl std::fmt::Debug for Centred<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Centred").field("name", &self.name).finish()
    }
}

impl<'a> Centred<'a> {
    /// The centred variant of `inner`, named `<inner>+center`.
    pub fn new(inner: &'a dyn Strategy) -> Self {
        Centred {
            name: format!("{}+center", inner.name()),
            formula: format!(
                "{} on x' = clamp(x - mean(x) + mean weighted level, L, H)",
                inner.name()
            ),
            description: format!(
                "{} after removing the respondent's own rating elevation.",
                inner.name()
            ),
            inner,
        }
    }

    /// The strategy it wraps.
    pub fn inner(&self) -> &dyn Strategy {
        self.inner
    }
}

/// Per capability, `(sum_j w_jc r_jc, sum_j w_jc)` over the roles.
fn level_sums(matrix: &CompiledMatrix) -> (Vec<f64>, Vec<f64>) {
    let (r, w) = (matrix.levels(), matrix.importances());
    let c = matrix.n_capabilities();
    let mut wr = vec![0.0; c];
    let mut ww = vec![0.0; c];
    for (rr, wr_row) in r.outer_iter().zip(w.outer_iter()) {
        for k in 0..c {
            wr[k] += wr_row[k] * rr[k];
            ww[k] += wr_row[k];
        }
    }
    (wr, ww)
}

/// Centres one profile into `out` (one entry per capability; blanks keep
/// `None`), given [`level_sums`].
fn centre_into(
    matrix: &CompiledMatrix,
    sums: &(Vec<f64>, Vec<f64>),
    values: &[f64],
    answered: &[bool],
    out: &mut Vec<Option<f64>>,
) {
    out.clear();
    out.extend(values.iter().zip(answered).map(|(&x, &a)| a.then_some(x)));
    let (mut sx, mut n, mut swr, mut sw) = (0.0, 0usize, 0.0, 0.0);
    for (k, &a) in answered.iter().enumerate() {
        if a {
            sx += values[k];
            n += 1;
            swr += sums.0[k];
            sw += sums.1[k];
        }
    }
    if n == 0 || sw <= 0.0 {
        return;
    }
    let shift = swr / sw - sx / n as f64;
    let scale = matrix.scale();
    for v in out.iter_mut().flatten() {
        *v = (*v + shift).clamp(scale.min(), scale.max());
    }
}

/// The batch with every profile centred as [`Centred`] does it.
///
/// # Errors
/// [`ScoreError::ShapeMismatch`] or [`ScoreError::ValueOutOfScale`] for a
/// batch that does not fit the matrix (checked before centring).
pub fn centre_batch(matrix: &CompiledMatrix, profiles: &ProfileBatch) -> Result<ProfileBatch, ScoreError> {
    matrix.check(profiles)?;
    let sums = level_sums(matrix);
    let mut out = ProfileBatch::with_capacity(profiles.capabilities(), profiles.len());
    let mut row = Vec::with_capacity(profiles.capabilities());
    for i in 0..profiles.len() {
        let (x, a) = profiles.row(i);
        centre_into(matrix, &sums, x, a, &mut row);
        out.push(profiles.respondent(i), &row);
    }
    Ok(out)
}

impl Strategy for Centred<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn formula(&self) -> &str {
        &self.formula
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let centred = centre_batch(matrix, profiles)?;
        self.inner.score_in(matrix, &centred, ws)
    }

    /// The inner strategy's [`Strategy::score_draws_in`] on the centred
    /// rows.
    fn score_draws_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: &[Draw],
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let centred = centre_batch(matrix, profiles)?;
        self.inner.score_draws_in(matrix, &centred, draws, ws)
    }

    /// The inner strategy's contributions for the centred profile.
    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        matrix.assert_profile(values, answered, role);
        let mut row = Vec::new();
        centre_into(matrix, &level_sums(matrix), values, answered, &mut row);
        let centred: Vec<f64> = row.iter().map(|v| v.unwrap_or(0.0)).collect();
        self.inner.contributions(matrix, &centred, answered, role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_close, batch, example_matrix, matrix};
    use crate::{Euclidean, Pearson};

    #[test]
    fn shifts_to_the_mean_weighted_level_and_clamps() {
        // Worked example matrix. Answered A and C: sum(w r) over both roles
        // is A: 2*4 + 1*2 = 10, C: 1*3 + 1*1 = 4; sum(w) A: 3, C: 2; so
        // m_R = 14 / 5 = 2.8. The respondent's mean is (4 + 2) / 2 = 3.
        let m = example_matrix();
        let cm = CompiledMatrix::new(&m);
        let out = centre_batch(&cm, &batch(3, &[&[Some(4.0), None, Some(2.0)]])).unwrap();
        let (x, a) = out.row(0);
        assert_eq!(a, &[true, false, true]);
        assert_close(x[0], 3.8, 1e-12);
        assert_close(x[2], 1.8, 1e-12);
        // A generous rater at 5 everywhere is moved down to the roles' mean,
        // and a spread that would leave the scale is clamped.
        let out = centre_batch(&cm, &batch(3, &[&[Some(5.0), Some(1.0), Some(5.0)]])).unwrap();
        // sum(w r) A 10, B 2*1 + 5*2 = 12, C 4; sum(w) 3 + 3 + 2 = 8: 26/8.
        let shift = 26.0 / 8.0 - 11.0 / 3.0;
        let (x, _) = out.row(0);
        assert_close(x[0], 5.0 + shift, 1e-12);
        assert_close(x[1], 1.0, 1e-12); // 1 + shift < 1: clamped
    }

    #[test]
    fn a_uniform_shift_of_the_answers_does_not_change_centred_scores() {
        let m = matrix(&[
            &[(4.0, 1.0), (2.0, 1.0), (3.0, 1.0)],
            &[(2.0, 1.0), (4.0, 1.0), (3.0, 2.0)],
        ]);
        let cm = CompiledMatrix::new(&m);
        let centred = Centred::new(&Euclidean);
        assert_eq!(centred.name(), "euclidean+center");
        let low = batch(3, &[&[Some(2.0), Some(3.0), Some(2.5)]]);
        let high = batch(3, &[&[Some(3.0), Some(4.0), Some(3.5)]]);
        let (a, b) = (
            centred.score(&cm, &low).unwrap(),
            centred.score(&cm, &high).unwrap(),
        );
        for j in 0..2 {
            assert_close(a[(0, j)], b[(0, j)], 1e-12);
        }
        // Pearson is shift-invariant: centring changes nothing unclamped.
        let p = Centred::new(&Pearson);
        let (a, b) = (p.score(&cm, &low).unwrap(), Pearson.score(&cm, &low).unwrap());
        for j in 0..2 {
            assert_close(a[(0, j)], b[(0, j)], 1e-12);
        }
        // Contributions are the inner strategy's on the centred profile.
        let c = centred
            .contributions(&cm, &[2.0, 3.0, 2.5], &[true; 3], 0)
            .unwrap();
        let total: f64 = c.iter().sum();
        assert_close(total, a_score(&centred, &cm, &low, 0) - 1.0, 1e-12);
    }

    fn a_score(s: &dyn Strategy, cm: &CompiledMatrix, b: &ProfileBatch, role: usize) -> f64 {
        s.score(cm, b).unwrap()[(0, role)]
    }

    #[test]
    fn blank_profiles_and_bad_values() {
        let m = example_matrix();
        let cm = CompiledMatrix::new(&m);
        let out = centre_batch(&cm, &batch(3, &[&[None, None, None]])).unwrap();
        assert_eq!(out.answered_count(0), 0);
        assert!(centre_batch(&cm, &batch(3, &[&[Some(9.0), None, None]])).is_err());
    }
}
