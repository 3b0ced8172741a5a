//! Scoring a batch of respondents end to end: strategy, minimum-answered
//! rule, ranking.
//!
//! A respondent who skipped most of the survey would still get scores (the
//! strategies are defined on whatever was answered), but a ranking built on
//! two answers out of twenty says little and looks as confident as any
//! other. The scorer therefore refuses to rank respondents below a minimum
//! share of answered capabilities and says so in the result, rather than
//! dropping them or ranking them silently.

use ndarray::Array2;
use rolefit_model::ProfileBatch;
use serde::Serialize;

use crate::{rank_into, CompiledMatrix, RankedRole, ScoreError, Strategy, Workspace};

/// The most profiles x roles scores [`Scorer`] asks of a strategy in one
/// call (2^18 = 262,144 cells, 2 MiB per score array): a batch of more
/// rows is scored in slices. Ordinary batches (a few thousand rows, a few
/// dozen roles) fit in one call; a matrix of fifty thousand roles gets
/// five rows a call, so memory does not grow with rows x roles.
pub const MAX_SCORE_CELLS: usize = 1 << 18;

/// One respondent's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Outcome {
    /// The roles ranked by score (see [`rank`](crate::rank)), the best first; only the
    /// top `k` when the scorer was given a `top`.
    Ranked(Vec<RankedRole>),
    /// Too few answers to rank: `answered` capabilities answered, `needed`
    /// required.
    Insufficient {
        /// How many capabilities the respondent answered.
        answered: usize,
        /// How many the minimum-answered rule requires.
        needed: usize,
    },
}

/// Scores and ranks batches of profiles with one strategy.
///
/// A consuming builder: `Scorer::new(&matrix, strategy).top(Some(3)).min_answered(0.8)`.
#[derive(Clone, Copy)]
pub struct Scorer<'a> {
    matrix: &'a CompiledMatrix,
    strategy: &'a dyn Strategy,
    top: Option<usize>,
    min_answered: f64,
    /// [`MAX_SCORE_CELLS`], smaller in tests.
    max_cells: usize,
}

impl std::fmt::Debug for Scorer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scorer")
            .field("strategy", &self.strategy.name())
            .field("top", &self.top)
            .field("min_answered", &self.min_answered)
            .finish()
    }
}

impl<'a> Scorer<'a> {
    /// A scorer that ranks all roles (`top = None`) and requires half of the
    /// capabilities answered (`min_answered = 0.5`).
    pub fn new(matrix: &'a CompiledMatrix, strategy: &'a dyn Strategy) -> Self {
        Scorer {
            matrix,
            strategy,
            top: None,
            min_answered: 0.5,
            max_cells: MAX_SCORE_CELLS,
        }
    }

    /// Keeps only the best `k` roles per respondent (`None`: all).
    pub fn top(self, k: Option<usize>) -> Self {
        Scorer { top: k, ..self }
    }

    /// The fraction of the matrix's `n` capabilities a respondent must
    /// answer to be ranked. A respondent with `answered < fraction * n` is
    /// reported as [`Outcome::Insufficient`] with
    /// `needed = ceil(fraction * n)` (computed with a `1e-9` allowance for
    /// rounding, so `0.3` of 10 needs 3) and is not ranked. `0` ranks
    /// everyone, even respondents who answered nothing (all their scores are
    /// then `0`); `1` requires every capability.
    ///
    /// # Panics
    /// If `fraction` is not within `0..=1` (NaN included): validate user
    /// input before passing it.
    pub fn min_answered(self, fraction: f64) -> Self {
        assert!(
            (0.0..=1.0).contains(&fraction),
            "min_answered must be a fraction within 0..=1, got {fraction}"
        );
        Scorer {
            min_answered: fraction,
            ..self
        }
    }

    /// Scores at most `cells` profiles x roles per strategy call, for
    /// tests of the slicing on small matrices.
    #[cfg(test)]
    fn max_cells(self, cells: usize) -> Self {
        Scorer {
            max_cells: cells,
            ..self
        }
    }

    /// How many answered capabilities a respondent needs to be ranked:
    /// `ceil(min_answered * n_capabilities)`.
    pub fn needed(&self) -> usize {
        let exact = self.min_answered * self.matrix.n_capabilities() as f64;
        // `as` saturates, and exact is within 0..=n_capabilities.
        (exact - 1e-9).ceil().max(0.0) as usize
    }

    /// Scores the whole batch with one call to the strategy, then ranks each
    /// profile's row: one [`Outcome`] per profile, in batch order.
    ///
    /// # Errors
    /// Whatever the strategy returns (for the built-ins: a batch of the
    /// wrong width, or a value off the scale), and [`ScoreError::Strategy`]
    /// if the strategy returns an array that is not profiles x roles or
    /// holds a non-finite score.
    pub fn score_batch(&self, profiles: &ProfileBatch) -> Result<Vec<Outcome>, ScoreError> {
        self.score_batch_in(profiles, &mut Workspace::new())
    }

    /// [`Scorer::score_batch`] with working memory reused from `ws`: pass
    /// the same workspace for every batch a thread scores.
    ///
    /// # Errors
    /// As [`Scorer::score_batch`].
    pub fn score_batch_in(
        &self,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Vec<Outcome>, ScoreError> {
        let mut outcomes = Vec::new();
        self.score_batch_into(profiles, ws, &mut outcomes)?;
        Ok(outcomes)
    }

    /// [`Scorer::score_batch_in`] into `outcomes`, one per profile,
    /// reusing its space: the rankings of earlier batches are overwritten
    /// in place, so a caller scoring batch after batch allocates nothing
    /// per respondent.
    ///
    /// The strategy is called on at most [`MAX_SCORE_CELLS`] profiles x
    /// roles at a time: a larger batch is scored in slices of rows (copied
    /// out), so the score arrays the workspace keeps stay a few megabytes
    /// however many roles the matrix has.
    ///
    /// # Errors
    /// As [`Scorer::score_batch`]; `outcomes` is then unspecified.
    pub fn score_batch_into(
        &self,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
        outcomes: &mut Vec<Outcome>,
    ) -> Result<(), ScoreError> {
        let rows = profiles.len();
        outcomes.truncate(rows);
        let per_slice = (self.max_cells / self.matrix.n_roles().max(1)).max(1);
        if rows <= per_slice {
            return self.score_slice(profiles, 0, ws, outcomes);
        }
        let mut slice = ProfileBatch::with_capacity(profiles.capabilities(), per_slice);
        for start in (0..rows).step_by(per_slice) {
            slice.clear();
            for i in start..(start + per_slice).min(rows) {
                let (values, answered) = profiles.row(i);
                slice.push_parts(profiles.respondent(i), values, answered);
            }
            self.score_slice(&slice, start, ws, outcomes)?;
        }
        Ok(())
    }

    /// Scores `profiles`, the batch's rows from `offset` on, into
    /// `outcomes[offset..]`.
    fn score_slice(
        &self,
        profiles: &ProfileBatch,
        offset: usize,
        ws: &mut Workspace,
        outcomes: &mut Vec<Outcome>,
    ) -> Result<(), ScoreError> {
        let scores = self.strategy.score_in(self.matrix, profiles, ws)?;
        self.check_output(&scores, profiles.len(), offset)?;
        let needed = self.needed();
        for (i, row) in scores.outer_iter().enumerate() {
            let answered = profiles.answered_count(i);
            let slot = outcomes.get_mut(offset + i);
            let outcome = if answered < needed {
                Outcome::Insufficient { answered, needed }
            } else {
                // The ranking's space of the outcome this one replaces.
                let mut ranked = match slot {
                    Some(Outcome::Ranked(old)) => std::mem::take(old),
                    _ => Vec::new(),
                };
                rank_into(row, self.top, &mut ranked);
                Outcome::Ranked(ranked)
            };
            match outcomes.get_mut(offset + i) {
                Some(slot) => *slot = outcome,
                None => outcomes.push(outcome),
            }
        }
        ws.give(scores);
        Ok(())
    }

    /// Checks the scores of `n` profiles, the batch's rows from `offset`.
    fn check_output(&self, scores: &Array2<f64>, n: usize, offset: usize) -> Result<(), ScoreError> {
        let k = self.matrix.n_roles();
        let fail = |message: String| ScoreError::Strategy {
            name: self.strategy.name().to_string(),
            message,
        };
        if scores.dim() != (n, k) {
            let (rows, cols) = scores.dim();
            return Err(fail(format!(
                "returned {rows} x {cols} scores for {n} profiles and {k} roles"
            )));
        }
        // A quick pass over the flat data first; the position only on failure.
        let all_finite = match scores.as_slice() {
            Some(flat) => flat.iter().fold(true, |ok, s| ok & s.is_finite()),
            None => scores.iter().all(|s| s.is_finite()),
        };
        if all_finite {
            return Ok(());
        }
        if let Some(((i, j), s)) = scores.indexed_iter().find(|(_, s)| !s.is_finite()) {
            let i = offset + i;
            return Err(fail(format!("returned the score {s} for profile {i}, role {j}")));
        }
        Ok(())
    }
}

/// Checks that a strategy returned `n` x `roles` finite scores, as
/// [`Scorer`] does, for callers that call [`Strategy::score_in`]
/// themselves.
///
/// # Errors
/// [`ScoreError::Strategy`], naming the strategy, when the shape is wrong
/// or a score is not finite.
pub fn check_scores(
    strategy: &dyn Strategy,
    scores: &Array2<f64>,
    n: usize,
    roles: usize,
) -> Result<(), ScoreError> {
    let fail = |message: String| ScoreError::Strategy {
        name: strategy.name().to_string(),
        message,
    };
    if scores.dim() != (n, roles) {
        let (r, c) = scores.dim();
        return Err(fail(format!(
            "returned {r} x {c} scores for {n} profiles and {roles} roles"
        )));
    }
    if let Some(((i, j), s)) = scores.indexed_iter().find(|(_, s)| !s.is_finite()) {
        return Err(fail(format!("returned the score {s} for profile {i}, role {j}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{batch, example_matrix};
    use crate::{Euclidean, Manhattan};

    /// A strategy that returns what it is told to, for testing the checks.
    struct Fixed(Array2<f64>);

    impl Strategy for Fixed {
        fn name(&self) -> &str {
            "fixed"
        }
        fn formula(&self) -> &str {
            "given"
        }
        fn description(&self) -> &str {
            "Returns a fixed array."
        }
        fn score_in(
            &self,
            _: &CompiledMatrix,
            _: &ProfileBatch,
            _: &mut Workspace,
        ) -> Result<Array2<f64>, ScoreError> {
            Ok(self.0.clone())
        }
        fn contributions(&self, _: &CompiledMatrix, _: &[f64], _: &[bool], _: usize) -> Option<Vec<f64>> {
            None
        }
    }

    fn three_respondents() -> ProfileBatch {
        batch(
            3,
            &[
                &[Some(4.0), Some(2.0), Some(3.0)], // all 3 answered
                &[Some(4.0), None, Some(2.0)],      // 2 of 3
                &[None, None, Some(1.0)],           // 1 of 3
            ],
        )
    }

    #[test]
    fn ranks_sufficient_and_reports_insufficient() {
        let cm = CompiledMatrix::new(&example_matrix());
        let out = Scorer::new(&cm, &Manhattan)
            .score_batch(&three_respondents())
            .unwrap();
        // Default 0.5 of 3 capabilities: needed = ceil(1.5) = 2.
        assert_eq!(out.len(), 3);
        // (4, 2, 3) is role 0's levels exactly: manhattan 1; role 1 scores
        // 1 - (1*2 + 2*3 + 1*2)/4/4 = 0.375.
        assert_eq!(
            out[0],
            Outcome::Ranked(vec![
                RankedRole { role: 0, score: 1.0 },
                RankedRole {
                    role: 1,
                    score: 0.375
                }
            ])
        );
        assert!(matches!(&out[1], Outcome::Ranked(r) if r.len() == 2 && r[0].role == 0));
        assert_eq!(
            out[2],
            Outcome::Insufficient {
                answered: 1,
                needed: 2
            }
        );
    }

    #[test]
    fn threshold_and_top_are_configurable() {
        let cm = CompiledMatrix::new(&example_matrix());
        let b = three_respondents();
        let strict = Scorer::new(&cm, &Euclidean).min_answered(1.0);
        assert_eq!(strict.needed(), 3);
        let out = strict.score_batch(&b).unwrap();
        assert!(matches!(out[0], Outcome::Ranked(_)));
        assert_eq!(
            out[1],
            Outcome::Insufficient {
                answered: 2,
                needed: 3
            }
        );
        assert_eq!(
            out[2],
            Outcome::Insufficient {
                answered: 1,
                needed: 3
            }
        );

        let lenient = Scorer::new(&cm, &Euclidean).min_answered(0.0).top(Some(1));
        assert_eq!(lenient.needed(), 0);
        let out = lenient.score_batch(&b).unwrap();
        assert!(out
            .iter()
            .all(|o| matches!(o, Outcome::Ranked(r) if r.len() == 1)));
        // 1/3 of 3 is exactly 1 despite rounding.
        assert_eq!(Scorer::new(&cm, &Euclidean).min_answered(1.0 / 3.0).needed(), 1);
    }

    #[test]
    fn rounding_does_not_raise_the_threshold() {
        // 0.3 * 10 is 3.0000000000000004 in floating point: still 3 needed.
        let caps = (0..10).map(|i| (f64::from(i % 5 + 1), 1.0)).collect::<Vec<_>>();
        let m = crate::test_util::matrix(&[&caps]);
        let cm = CompiledMatrix::new(&m);
        assert_eq!(Scorer::new(&cm, &Euclidean).min_answered(0.3).needed(), 3);
        assert_eq!(Scorer::new(&cm, &Euclidean).min_answered(0.31).needed(), 4);
    }

    #[test]
    #[should_panic(expected = "min_answered")]
    fn fraction_outside_zero_one_is_a_caller_bug() {
        let cm = CompiledMatrix::new(&example_matrix());
        let _ = Scorer::new(&cm, &Euclidean).min_answered(1.5);
    }

    #[test]
    fn empty_batch_gives_no_outcomes() {
        let cm = CompiledMatrix::new(&example_matrix());
        let out = Scorer::new(&cm, &Euclidean)
            .score_batch(&ProfileBatch::new(3))
            .unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn refuses_bad_strategy_output() {
        let cm = CompiledMatrix::new(&example_matrix());
        let b = three_respondents();
        let wrong_shape = Fixed(Array2::zeros((3, 5)));
        let err = Scorer::new(&cm, &wrong_shape).score_batch(&b).unwrap_err();
        assert!(
            err.to_string()
                .contains("3 x 5 scores for 3 profiles and 2 roles"),
            "{err}"
        );
        let mut nan = Array2::zeros((3, 2));
        nan[[1, 0]] = f64::NAN;
        let err = Scorer::new(&cm, &Fixed(nan)).score_batch(&b).unwrap_err();
        assert!(matches!(&err, ScoreError::Strategy { name, .. } if name == "fixed"));
        assert!(err.to_string().contains("profile 1, role 0"), "{err}");
    }

    #[test]
    fn passes_strategy_errors_through() {
        let cm = CompiledMatrix::new(&example_matrix());
        let err = Scorer::new(&cm, &Euclidean)
            .score_batch(&ProfileBatch::new(2))
            .unwrap_err();
        assert!(matches!(
            err,
            ScoreError::ShapeMismatch {
                expected: 3,
                found: 2
            }
        ));
    }

    #[test]
    fn many_roles_are_scored_in_slices_with_the_same_outcomes() {
        use crate::test_util::{many_roles, varied_batch, Largest};
        let cm = CompiledMatrix::new(&many_roles(40));
        let profiles = varied_batch(30);
        let counting = Largest::new(&Euclidean);
        // 30 x 40 cells in calls of at most 7 rows (290 / 40).
        let scorer = Scorer::new(&cm, &counting).top(Some(5)).max_cells(290);
        let mut outcomes = Vec::new();
        scorer
            .score_batch_into(&profiles, &mut Workspace::new(), &mut outcomes)
            .unwrap();
        assert_eq!(counting.largest(), 7 * 40);
        assert_eq!(outcomes.len(), 30);
        let whole = Scorer::new(&cm, &Euclidean)
            .top(Some(5))
            .score_batch(&profiles)
            .unwrap();
        assert_eq!(outcomes, whole);
        // A later, smaller batch reuses the outcomes.
        let few = varied_batch(2);
        scorer
            .score_batch_into(&few, &mut Workspace::new(), &mut outcomes)
            .unwrap();
        assert_eq!(outcomes, whole[..2]);
        // The default: a batch of 1,000 rows and 40 roles is one call.
        let counting = Largest::new(&Euclidean);
        Scorer::new(&cm, &counting)
            .score_batch(&varied_batch(1000))
            .unwrap();
        assert_eq!(counting.largest(), 1000 * 40);
        const {
            assert!(
                MAX_SCORE_CELLS >= 4096 * 64,
                "a chunk of a few thousand rows and dozens of roles is one call"
            )
        };
    }

    #[test]
    fn outcomes_serialise() {
        let ranked = Outcome::Ranked(vec![RankedRole { role: 1, score: 0.5 }]);
        assert_eq!(
            serde_json::to_string(&ranked).unwrap(),
            r#"{"Ranked":[{"role":1,"score":0.5}]}"#
        );
        let short = Outcome::Insufficient {
            answered: 1,
            needed: 2,
        };
        assert_eq!(
            serde_json::to_string(&short).unwrap(),
            r#"{"Insufficient":{"answered":1,"needed":2}}"#
        );
    }
}
