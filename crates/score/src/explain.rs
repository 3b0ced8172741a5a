//! Why a role scored what it did.
//!
//! A ranking alone invites the question "why this role?". An explanation
//! answers it in two vocabularies: the strategy's own (each capability's
//! contribution to the score, and which capabilities drove it most), and a
//! strategy-independent one that people read directly (where the
//! respondent meets or exceeds the role, where they fall short weighted by
//! importance, and what they left blank that the role cares about).

use serde::Serialize;

use crate::{CompiledMatrix, RankedRole, Strategy};

/// One capability's part in a score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Contribution {
    /// The capability's index in the matrix.
    pub capability: usize,
    /// The respondent's value, `None` if left blank.
    pub value: Option<f64>,
    /// The role's target level.
    pub level: f64,
    /// The role's importance for it.
    pub importance: f64,
    /// Its contribution to the score, as the strategy defines it (`0` when
    /// unanswered, or when the strategy cannot say).
    pub contribution: f64,
}

/// An answered capability that meets or exceeds the role's level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Strength {
    /// The capability's index in the matrix.
    pub capability: usize,
    /// The respondent's value.
    pub value: f64,
    /// The role's target level.
    pub level: f64,
    /// The role's importance for it (`> 0`).
    pub importance: f64,
    /// `value - level`, `>= 0`.
    pub surplus: f64,
}

/// An answered capability below the role's level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    /// The capability's index in the matrix.
    pub capability: usize,
    /// The respondent's value.
    pub value: f64,
    /// The role's target level.
    pub level: f64,
    /// The role's importance for it (`> 0`).
    pub importance: f64,
    /// `level - value`, `> 0`.
    pub shortfall: f64,
    /// `importance * shortfall`, what gaps are ordered by.
    pub weighted: f64,
}

/// Why one role scored what it did for one respondent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The role's index in the matrix.
    pub role: usize,
    /// The role's score.
    pub score: f64,
    /// One per capability, in capability order.
    pub contributions: Vec<Contribution>,
    /// Answered capabilities the role gives importance `> 0`, ordered by
    /// `|contribution|` descending, ties by index; empty when the strategy
    /// cannot give contributions.
    pub drivers: Vec<usize>,
    /// Answered capabilities with importance `> 0` and `value >= level`
    /// that do not lower the score, ordered by importance descending, then
    /// surplus descending, then index.
    pub strengths: Vec<Strength>,
    /// Answered capabilities with importance `> 0` above the role's level
    /// (`value > level`) whose contribution lowers the score: a strategy
    /// that penalises exceeding the target (euclidean, manhattan) counts
    /// the surplus against the fit, so these are not strengths. Ordered
    /// as `strengths`; empty when the strategy gives no contributions.
    pub above_level: Vec<Strength>,
    /// Answered capabilities with importance `> 0` and `value < level`,
    /// ordered by `importance * (level - value)` descending, then index.
    pub gaps: Vec<Gap>,
    /// Capabilities left blank that the role gives importance `> 0`, in
    /// index order.
    pub unanswered: Vec<usize>,
}

/// Explains `ranked` (a role and its score, usually from [`rank`](crate::rank))
/// for the profile `values` / `answered` (one entry per capability; values
/// at unanswered positions are ignored).
///
/// Contributions come from [`Strategy::contributions`]; if the strategy
/// returns `None`, or a vector of the wrong length or with non-finite
/// entries, every contribution is `0.0` and `drivers` is empty. A
/// contribution is never `-0.0` (it reads `0`). Gaps and unanswered
/// capabilities do not depend on the strategy; strengths do only in that a
/// surplus the strategy counts against the score is listed in
/// `above_level` instead.
///
/// # Panics
/// If `values` or `answered` do not have one entry per capability of
/// `matrix`, or `ranked.role` is not a role of `matrix`: caller bugs.
pub fn explain(
    matrix: &CompiledMatrix,
    strategy: &dyn Strategy,
    values: &[f64],
    answered: &[bool],
    ranked: RankedRole,
) -> Explanation {
    matrix.assert_profile(values, answered, ranked.role);
    let (levels, importances) = (matrix.level_row(ranked.role), matrix.importance_row(ranked.role));
    let c = matrix.n_capabilities();
    let given = strategy
        .contributions(matrix, values, answered, ranked.role)
        .filter(|v| v.len() == c && v.iter().all(|x| x.is_finite()));

    let contributions: Vec<Contribution> = (0..c)
        .map(|i| Contribution {
            capability: i,
            value: answered[i].then_some(values[i]),
            level: levels[i],
            importance: importances[i],
            // `+ 0.0` turns -0.0 (a squared gap of zero, negated) into 0.
            contribution: match (&given, answered[i]) {
                (Some(v), true) => v[i] + 0.0,
                _ => 0.0,
            },
        })
        .collect();

    let weighted_answered = || (0..c).filter(|&i| answered[i] && importances[i] > 0.0);
    let mut drivers: Vec<usize> = if given.is_some() {
        weighted_answered().collect()
    } else {
        Vec::new()
    };
    let size = |i: usize| contributions[i].contribution.abs();
    drivers.sort_by(|&a, &b| size(b).total_cmp(&size(a)).then(a.cmp(&b)));

    let (mut strengths, mut above_level): (Vec<Strength>, Vec<Strength>) = weighted_answered()
        .filter(|&i| values[i] >= levels[i])
        .map(|i| Strength {
            capability: i,
            value: values[i],
            level: levels[i],
            importance: importances[i],
            surplus: values[i] - levels[i],
        })
        .partition(|s| !(s.surplus > 0.0 && contributions[s.capability].contribution < 0.0));
    for list in [&mut strengths, &mut above_level] {
        list.sort_by(|a, b| {
            b.importance
                .total_cmp(&a.importance)
                .then(b.surplus.total_cmp(&a.surplus))
                .then(a.capability.cmp(&b.capability))
        });
    }

    let mut gaps: Vec<Gap> = weighted_answered()
        .filter(|&i| values[i] < levels[i])
        .map(|i| {
            let shortfall = levels[i] - values[i];
            Gap {
                capability: i,
                value: values[i],
                level: levels[i],
                importance: importances[i],
                shortfall,
                weighted: importances[i] * shortfall,
            }
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.weighted
            .total_cmp(&a.weighted)
            .then(a.capability.cmp(&b.capability))
    });

    let unanswered = (0..c).filter(|&i| !answered[i] && importances[i] > 0.0).collect();

    Explanation {
        role: ranked.role,
        score: ranked.score,
        contributions,
        drivers,
        strengths,
        above_level,
        gaps,
        unanswered,
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rolefit_model::ProfileBatch;

    use super::*;
    use crate::test_util::{assert_close, example_matrix, matrix};
    use crate::{Coverage, Euclidean, ScoreError};

    #[test]
    fn worked_example_for_role_0() {
        // docs/strategies.md: x = (4, -, 2) against role 0, r = (4, 2, 3),
        // w = (2, 1, 1), euclidean 1 - sqrt(1/3)/4 = 0.855662.
        let cm = CompiledMatrix::new(&example_matrix());
        let (x, a) = ([4.0, 0.0, 2.0], [true, false, true]);
        let ranked = RankedRole {
            role: 0,
            score: 1.0 - (1.0f64 / 3.0).sqrt() / 4.0,
        };
        let e = explain(&cm, &Euclidean, &x, &a, ranked);
        assert_eq!((e.role, e.score), (0, ranked.score));
        assert_eq!(e.contributions.len(), 3);
        assert_eq!(e.contributions[1].value, None);
        assert_eq!(e.contributions[1].contribution, 0.0);
        // All of the loss comes from C (A is met exactly).
        assert_eq!(e.contributions[0].contribution, 0.0);
        assert_close(e.contributions[2].contribution, ranked.score - 1.0, 1e-12);
        assert_eq!(e.drivers, vec![2, 0]);
        assert_eq!(
            e.strengths,
            vec![Strength {
                capability: 0,
                value: 4.0,
                level: 4.0,
                importance: 2.0,
                surplus: 0.0
            }]
        );
        assert_eq!(
            e.gaps,
            vec![Gap {
                capability: 2,
                value: 2.0,
                level: 3.0,
                importance: 1.0,
                shortfall: 1.0,
                weighted: 1.0
            }]
        );
        assert_eq!(e.unanswered, vec![1]);
    }

    #[test]
    fn orders_strengths_gaps_and_drivers() {
        // Levels (3, 3, 3, 3, 3), importances (1, 2, 2, 1, 0);
        // x = (5, 4, 5, 1, 5): strengths 1 (imp 2, +1), 2 (imp 2, +2), 0
        // (imp 1, +2); 4 has importance 0 and is left out; gap 3 (1 * 2).
        let m = matrix(&[&[(3.0, 1.0), (3.0, 2.0), (3.0, 2.0), (3.0, 1.0), (3.0, 0.0)]]);
        let cm = CompiledMatrix::new(&m);
        let x = [5.0, 4.0, 5.0, 1.0, 5.0];
        let e = explain(&cm, &Coverage, &x, &[true; 5], RankedRole { role: 0, score: 0.9 });
        let caps: Vec<usize> = e.strengths.iter().map(|s| s.capability).collect();
        assert_eq!(caps, vec![2, 1, 0]);
        assert_eq!(e.gaps.iter().map(|g| g.capability).collect::<Vec<_>>(), vec![3]);
        // Coverage contributions w*min(x, r) / sum(w*r) = (3, 6, 6, 1, 0) / 18:
        // drivers by size, ties by index, capability 4 (importance 0) left out.
        assert_eq!(e.drivers, vec![1, 2, 0, 3]);
        assert!(e.unanswered.is_empty());
    }

    #[test]
    fn gaps_order_by_weighted_shortfall() {
        // Levels 5, importances (1, 3, 2); x = (1, 4, 3):
        // weighted shortfalls 1*4 = 4, 3*1 = 3, 2*2 = 4 -> 0, 2 (tie by index), 1.
        let m = matrix(&[&[(5.0, 1.0), (5.0, 3.0), (5.0, 2.0)]]);
        let cm = CompiledMatrix::new(&m);
        let e = explain(
            &cm,
            &Euclidean,
            &[1.0, 4.0, 3.0],
            &[true; 3],
            RankedRole { role: 0, score: 0.0 },
        );
        let order: Vec<(usize, f64)> = e.gaps.iter().map(|g| (g.capability, g.weighted)).collect();
        assert_eq!(order, vec![(0, 4.0), (2, 4.0), (1, 3.0)]);
        assert!(e.strengths.is_empty());
    }

    #[test]
    fn a_surplus_that_lowers_the_score_is_above_the_level_not_a_strength() {
        // Levels (3, 3, 3), importances 1; x = (5, 3, 1). Euclidean counts
        // the surplus on 0 against the score: above the level. Capability
        // 1 is met exactly (contribution 0): a strength. Coverage does not
        // penalise surplus: 0 and 1 are both strengths.
        let m = matrix(&[&[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)]]);
        let cm = CompiledMatrix::new(&m);
        let x = [5.0, 3.0, 1.0];
        let ranked = RankedRole { role: 0, score: 0.5 };
        let e = explain(&cm, &Euclidean, &x, &[true; 3], ranked);
        assert!(e.contributions[0].contribution < 0.0);
        let caps = |list: &[Strength]| list.iter().map(|s| s.capability).collect::<Vec<_>>();
        assert_eq!(caps(&e.strengths), vec![1]);
        assert_eq!(caps(&e.above_level), vec![0]);
        assert_eq!(e.above_level[0].surplus, 2.0);
        let e = explain(&cm, &Coverage, &x, &[true; 3], ranked);
        assert_eq!(caps(&e.strengths), vec![0, 1]);
        assert!(e.above_level.is_empty());
        // Without contributions nothing tells a surplus lowers the score.
        let e = explain(&cm, &Opaque(None), &x, &[true; 3], ranked);
        assert_eq!(caps(&e.strengths), vec![0, 1]);
        assert!(e.above_level.is_empty());
    }

    #[test]
    fn no_contribution_is_negative_zero() {
        // Euclidean negates each squared gap: a gap of zero would be -0.0.
        let m = matrix(&[&[(3.0, 1.0), (3.0, 1.0)]]);
        let cm = CompiledMatrix::new(&m);
        let e = explain(
            &cm,
            &Euclidean,
            &[3.0, 1.0],
            &[true; 2],
            RankedRole { role: 0, score: 0.5 },
        );
        assert_eq!(e.contributions[0].contribution, 0.0);
        assert!(e.contributions[0].contribution.is_sign_positive());
    }

    /// A plugin-like strategy without contributions, or with broken ones.
    struct Opaque(Option<Vec<f64>>);

    impl Strategy for Opaque {
        fn name(&self) -> &str {
            "opaque"
        }
        fn formula(&self) -> &str {
            "?"
        }
        fn description(&self) -> &str {
            "Cannot explain itself."
        }
        fn score_in(
            &self,
            _: &CompiledMatrix,
            p: &ProfileBatch,
            _: &mut crate::Workspace,
        ) -> Result<Array2<f64>, ScoreError> {
            Ok(Array2::zeros((p.len(), 2)))
        }
        fn contributions(&self, _: &CompiledMatrix, _: &[f64], _: &[bool], _: usize) -> Option<Vec<f64>> {
            self.0.clone()
        }
    }

    #[test]
    fn strategies_without_contributions_still_explain_gaps() {
        let cm = CompiledMatrix::new(&example_matrix());
        let ranked = RankedRole { role: 1, score: 0.3 };
        for opaque in [
            Opaque(None),
            Opaque(Some(vec![1.0])),
            Opaque(Some(vec![f64::NAN; 3])),
        ] {
            let e = explain(&cm, &opaque, &[4.0, 0.0, 2.0], &[true, false, true], ranked);
            assert!(e.contributions.iter().all(|c| c.contribution == 0.0));
            assert!(e.drivers.is_empty());
            // Role 1: r = (2, 5, 1); A and C are both exceeded, B is blank.
            assert_eq!(e.strengths.len(), 2);
            assert_eq!(e.unanswered, vec![1]);
        }
    }

    #[test]
    #[should_panic(expected = "role index 2 out of range")]
    fn unknown_role_is_a_caller_bug() {
        let cm = CompiledMatrix::new(&example_matrix());
        let _ = explain(
            &cm,
            &Euclidean,
            &[1.0; 3],
            &[true; 3],
            RankedRole { role: 2, score: 0.0 },
        );
    }

    #[test]
    fn explanation_serialises() {
        let cm = CompiledMatrix::new(&example_matrix());
        let e = explain(
            &cm,
            &Euclidean,
            &[4.0, 0.0, 2.0],
            &[true, false, true],
            RankedRole { role: 0, score: 0.5 },
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["unanswered"], serde_json::json!([1]));
        assert_eq!(json["contributions"][1]["value"], serde_json::Value::Null);
    }
}
