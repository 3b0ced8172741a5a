//! Stratified k-fold assignment for cross-validating learned strategies.
//!
//! A learned strategy scored on the rows it was trained on looks better
//! than it is (a 1-nearest-neighbour model is perfect on its own training
//! rows). So every respondent is scored by a model trained on the other
//! folds only. Folds are **stratified**: each role's respondents are spread
//! evenly over the folds, so every training set sees every role that has at
//! least `folds` holders in the whole data.
//!
//! The assignment: the roles are taken in matrix order; each role's
//! respondents (in input order) are shuffled with one [`ChaCha8Rng`] seeded
//! with the seed, and dealt to the folds round-robin, the dealing carrying
//! on from role to role (role 0's first respondent goes to fold 0; if role 0
//! has 7 respondents and there are 5 folds, role 1's first goes to fold 2).
//! Fold sizes therefore differ by at most one.

use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{Centred, CompiledMatrix, Strategy, Weighted, Weights};

use crate::learned::{self, LearnError, LearnedModel, Method, ValidTrainParams};

/// The fold (`0..folds`) of each row, from its label (`0..roles`),
/// stratified: the roles are taken in matrix order; each role's rows (in
/// input order) are shuffled with one [`ChaCha8Rng`] seeded with `seed`
/// and dealt to the folds round-robin, the dealing carrying on from role to
/// role. Every role is spread evenly over the folds, and fold sizes differ
/// by at most one. Deterministic for a given seed.
///
/// # Panics
/// If `folds` is 0 or a label is `>= roles` (caller bugs).
///
/// ```
/// use rolefit_learn::evaluate::stratified_folds;
/// let folds = stratified_folds(&[0, 0, 1, 1, 0, 1], 2, 2, 7);
/// // Each role's three respondents are split 2 + 1 over the two folds.
/// for role in 0..2 {
///     let in_fold_0 = (0..6).filter(|&i| [0, 0, 1, 1, 0, 1][i] == role && folds[i] == 0).count();
///     assert!(in_fold_0 == 1 || in_fold_0 == 2);
/// }
/// ```
pub fn stratified_folds(labels: &[usize], roles: usize, folds: usize, seed: u64) -> Vec<usize> {
    assert!(folds > 0, "at least one fold");
    let mut by_role: Vec<Vec<usize>> = vec![Vec::new(); roles];
    for (i, &label) in labels.iter().enumerate() {
        by_role[label].push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![0; labels.len()];
    let mut next = 0;
    for rows in &mut by_role {
        rows.shuffle(&mut rng);
        for &i in rows.iter() {
            out[i] = next;
            next = (next + 1) % folds;
        }
    }
    out
}

/// The rows (indices) of every fold but `fold`.
pub(crate) fn rows_outside(folds: &[usize], fold: usize) -> Vec<usize> {
    (0..folds.len()).filter(|&i| folds[i] != fold).collect()
}

/// The rows (indices) of fold `fold`.
pub(crate) fn rows_in(folds: &[usize], fold: usize) -> Vec<usize> {
    (0..folds.len()).filter(|&i| folds[i] == fold).collect()
}

/// Labelled rows dealt into folds: what cross-validation trains and
/// scores on.
#[derive(Debug, Clone, Copy)]
pub struct Folded<'a> {
    /// The role matrix.
    pub matrix: &'a RoleMatrix,
    /// The rows.
    pub profiles: &'a ProfileBatch,
    /// The role (index in `matrix`) of each row.
    pub labels: &'a [usize],
    /// The fold (`0..k`) of each row ([`stratified_folds`]).
    pub folds: &'a [usize],
    /// The number of folds.
    pub k: usize,
}

impl Folded<'_> {
    /// A model of `method` trained on the rows outside `fold`.
    ///
    /// # Errors
    /// As [`learned::train`].
    pub(crate) fn train_outside(
        &self,
        method: Method,
        options: &ValidTrainParams,
        fold: usize,
    ) -> Result<LearnedModel, LearnError> {
        let (rows, labels) = self.outside(fold);
        learned::train(method, options, self.matrix, &rows, &labels)
    }

    /// The rows outside `fold`, as a batch, and their labels.
    fn outside(&self, fold: usize) -> (ProfileBatch, Vec<usize>) {
        let train = rows_outside(self.folds, fold);
        let labels = train.iter().map(|&i| self.labels[i]).collect();
        (super::subset(self.profiles, &train), labels)
    }

    /// Every row's scores (rows x roles) by a model of `method` trained on
    /// the other folds only: for each fold, a model is trained on the rows
    /// outside it ([`learned::train`], `options` as given) and scores the
    /// fold's rows. So no row is scored by a model that saw it, which
    /// matters most for `knn`, which finds a training row among its own
    /// neighbours. `evaluate` cross-validates learned strategies this way,
    /// and `train --calibrate` fits a model's temperature on these scores.
    ///
    /// # Errors
    /// As [`learned::train`], and [`LearnError::Score`] when a fold cannot
    /// be scored.
    pub fn out_of_fold_scores(
        &self,
        method: Method,
        options: &ValidTrainParams,
    ) -> Result<Array2<f64>, LearnError> {
        let compiled = CompiledMatrix::new(self.matrix);
        self.per_fold(|fold, rows| {
            Ok(self
                .train_outside(method, options, fold)?
                .score(&compiled, rows)?)
        })
    }

    /// The precisions of `--weights learned` ([`learned::learn_precisions`])
    /// learned from the rows outside `fold`.
    pub(crate) fn precisions_outside(&self, fold: usize) -> Array2<f64> {
        let (rows, labels) = self.outside(fold);
        learned::learn_precisions(&rows, &labels, self.matrix.roles().len())
    }

    /// Every row's scores (rows x roles) by the distance `strategy`
    /// weighted by the precisions learned from the other folds only
    /// (`+learned`), on answers centred first when `center`: as `evaluate`
    /// cross-validates learned weights.
    ///
    /// # Errors
    /// [`LearnError::Score`] when a fold cannot be scored.
    pub fn out_of_fold_weighted_scores(
        &self,
        strategy: &dyn Strategy,
        center: bool,
    ) -> Result<Array2<f64>, LearnError> {
        let compiled = CompiledMatrix::new(self.matrix);
        self.per_fold(|fold, rows| {
            let weighted = Weighted::new(
                strategy,
                &compiled,
                &Weights::Learned(self.precisions_outside(fold)),
            );
            Ok(match center {
                true => Centred::new(&weighted).score(&compiled, rows)?,
                false => weighted.score(&compiled, rows)?,
            })
        })
    }

    /// Every row's scores, each fold's rows (as a batch) scored by
    /// `score(fold, rows)`.
    fn per_fold(
        &self,
        mut score: impl FnMut(usize, &ProfileBatch) -> Result<Array2<f64>, LearnError>,
    ) -> Result<Array2<f64>, LearnError> {
        let mut out = Array2::zeros((self.profiles.len(), self.matrix.roles().len()));
        for fold in 0..self.k {
            let mine = rows_in(self.folds, fold);
            if mine.is_empty() {
                continue;
            }
            let scores = score(fold, &super::subset(self.profiles, &mine))?;
            for (r, &i) in mine.iter().enumerate() {
                out.row_mut(i).assign(&scores.row(r));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Folds are balanced overall and within each role, and the same
        /// seed gives the same folds.
        #[test]
        fn balanced_and_deterministic(
            labels in prop::collection::vec(0usize..4, 1..200),
            folds in 2usize..7,
            seed in 0u64..1000,
        ) {
            let f = stratified_folds(&labels, 4, folds, seed);
            prop_assert_eq!(&f, &stratified_folds(&labels, 4, folds, seed));
            let sizes: Vec<usize> = (0..folds).map(|k| f.iter().filter(|&&x| x == k).count()).collect();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            prop_assert!(hi - lo <= 1, "{sizes:?}");
            for role in 0..4 {
                let per: Vec<usize> = (0..folds)
                    .map(|k| (0..labels.len()).filter(|&i| labels[i] == role && f[i] == k).count())
                    .collect();
                let (lo, hi) = (per.iter().min().unwrap(), per.iter().max().unwrap());
                prop_assert!(hi - lo <= 1, "role {role}: {per:?}");
            }
        }
    }

    #[test]
    fn the_seed_changes_the_assignment() {
        let labels: Vec<usize> = (0..40).map(|i| i % 3).collect();
        assert_ne!(
            stratified_folds(&labels, 3, 5, 1),
            stratified_folds(&labels, 3, 5, 2)
        );
    }
}
