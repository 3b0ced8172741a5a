//! Cross-strategy tests: the vectorised built-ins against the scalar
//! reference, properties every strategy must have, and the registry.

use ndarray::Array2;
use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use rolefit_model::{ProfileBatch, RoleMatrix, Scale};

use super::reference::{self, RefRole};
use super::Strategy;
use super::*;
use crate::test_util::{assert_close, batch, example_matrix, matrix_on};
use crate::{rank, CompiledMatrix};

/// A random matrix and batch, kept in plain form for the reference.
#[derive(Debug, Clone)]
struct Case {
    lo: f64,
    hi: f64,
    roles: Vec<(Vec<f64>, Vec<f64>)>,
    profiles: Vec<Vec<Option<f64>>>,
}

impl Case {
    fn matrix(&self) -> RoleMatrix {
        let rows: Vec<Vec<(f64, f64)>> = self
            .roles
            .iter()
            .map(|(r, w)| r.iter().copied().zip(w.iter().copied()).collect())
            .collect();
        let rows: Vec<&[(f64, f64)]> = rows.iter().map(Vec::as_slice).collect();
        matrix_on(Scale::new(self.lo, self.hi).unwrap(), &rows)
    }

    fn batch(&self) -> ProfileBatch {
        let rows: Vec<&[Option<f64>]> = self.profiles.iter().map(Vec::as_slice).collect();
        batch(self.roles[0].0.len(), &rows)
    }

    fn reference(&self, strategy: &str, i: usize, j: usize) -> f64 {
        let (r, w) = &self.roles[j];
        let role = RefRole {
            r: r.clone(),
            w: w.clone(),
        };
        reference::score(strategy, &role, &self.profiles[i], self.lo, self.hi)
    }

    /// The same case with capabilities reordered: new column `i` is old
    /// column `perm[i]`.
    fn permuted(&self, perm: &[usize]) -> Case {
        let pick = |v: &Vec<f64>| perm.iter().map(|&p| v[p]).collect::<Vec<_>>();
        Case {
            lo: self.lo,
            hi: self.hi,
            roles: self.roles.iter().map(|(r, w)| (pick(r), pick(w))).collect(),
            profiles: self
                .profiles
                .iter()
                .map(|x| perm.iter().map(|&p| x[p]).collect())
                .collect(),
        }
    }
}

/// A position on the scale as a fraction: often on a 5-point grid (ties,
/// equal values, exact fits), otherwise anywhere.
fn fraction() -> impl proptest::strategy::Strategy<Value = f64> {
    prop_oneof![(0u8..=4).prop_map(|v| f64::from(v) / 4.0), 0.0..=1.0f64]
}

fn importance() -> impl proptest::strategy::Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), Just(2.0), 0.0..3.0f64]
}

/// Random cases; `zero_based` forces `L = 0`.
fn case(zero_based: bool) -> impl proptest::strategy::Strategy<Value = Case> {
    let lo = if zero_based {
        Just(0.0).boxed()
    } else {
        prop_oneof![Just(0.0), Just(1.0), 0.0..3.0f64].boxed()
    };
    let width = prop_oneof![Just(4.0), Just(6.0), 0.5..10.0f64];
    (lo, width, 1usize..5, 2usize..8, 1usize..8).prop_flat_map(|(lo, width, k, c, n)| {
        let role = (
            prop::collection::vec(fraction(), c),
            prop::collection::vec(importance(), c),
        );
        let profile = prop::collection::vec(prop::option::weighted(0.75, fraction()), c);
        (prop::collection::vec(role, k), prop::collection::vec(profile, n)).prop_map(
            move |(roles, profiles)| {
                let at = |t: f64| lo + t * width;
                Case {
                    lo,
                    hi: lo + width,
                    roles: roles
                        .into_iter()
                        .map(|(r, mut w)| {
                            if w.iter().all(|&w| w == 0.0) {
                                w[0] = 1.0;
                            }
                            (r.into_iter().map(at).collect(), w)
                        })
                        .collect(),
                    profiles: profiles
                        .into_iter()
                        .map(|x| x.into_iter().map(|v| v.map(at)).collect())
                        .collect(),
                }
            },
        )
    })
}

/// Each built-in with what its contributions sum to: the score, or the
/// score minus one.
fn builtins() -> [(&'static dyn Strategy, f64); 5] {
    [
        (&Cosine, 0.0),
        (&Pearson, 0.0),
        (&Euclidean, -1.0),
        (&Manhattan, -1.0),
        (&Coverage, 0.0),
    ]
}

fn score_all(case: &Case) -> Vec<(&'static str, Array2<f64>)> {
    let cm = CompiledMatrix::new(&case.matrix());
    let b = case.batch();
    builtins()
        .iter()
        .map(|(s, _)| (BUILTIN_STRATEGIES[index_of(s.name())], s.score(&cm, &b).unwrap()))
        .collect()
}

fn index_of(name: &str) -> usize {
    BUILTIN_STRATEGIES.iter().position(|&b| b == name).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn vectorised_scores_match_the_scalar_reference(case in case(false)) {
        for (name, scores) in score_all(&case) {
            prop_assert_eq!(scores.dim(), (case.profiles.len(), case.roles.len()));
            for ((i, j), &s) in scores.indexed_iter() {
                let want = case.reference(name, i, j);
                prop_assert!((s - want).abs() <= 1e-9, "{} profile {} role {}: {} vs reference {}", name, i, j, s, want);
            }
        }
    }

    /// The shortcuts for wide matrices (every role weighing its
    /// capabilities equally) and for batches with few blanks give the
    /// reference's scores too.
    #[test]
    fn uniform_weights_and_few_blanks_match_the_scalar_reference(
        case in case(false),
        weights in prop::collection::vec(prop_oneof![Just(1.0), 0.1..3.0f64], 8),
        fill in any::<bool>(),
    ) {
        let mut case = case;
        for (j, (_, w)) in case.roles.iter_mut().enumerate() {
            w.iter_mut().for_each(|w| *w = weights[j % weights.len()]);
        }
        if fill {
            // Answer all but at most one capability per profile.
            for (i, x) in case.profiles.iter_mut().enumerate() {
                let lo = case.lo;
                for (c, v) in x.iter_mut().enumerate() {
                    if v.is_none() && c != i % 3 {
                        *v = Some(lo);
                    }
                }
            }
        }
        for (name, scores) in score_all(&case) {
            for ((i, j), &s) in scores.indexed_iter() {
                let want = case.reference(name, i, j);
                prop_assert!((s - want).abs() <= 1e-9, "{} profile {} role {}: {} vs reference {}", name, i, j, s, want);
            }
        }
    }

    #[test]
    fn contributions_sum_as_documented(case in case(false)) {
        let cm = CompiledMatrix::new(&case.matrix());
        let b = case.batch();
        for (strategy, offset) in builtins() {
            let scores = strategy.score(&cm, &b).unwrap();
            for i in 0..b.len() {
                let (x, a) = b.row(i);
                for j in 0..cm.n_roles() {
                    let c = strategy.contributions(&cm, x, a, j).unwrap();
                    prop_assert_eq!(c.len(), cm.n_capabilities());
                    for (ci, &ai) in c.iter().zip(a) {
                        prop_assert!(ai || *ci == 0.0, "unanswered capability contributes {}", ci);
                    }
                    let sum: f64 = c.iter().sum();
                    let s = scores[[i, j]];
                    // In a degenerate case every contribution is 0 and the score is 0.
                    let want = if c.iter().all(|&c| c == 0.0) && s == 0.0 { 0.0 } else { s + offset };
                    prop_assert!((sum - want).abs() <= 1e-9, "{}: contributions sum {} vs {}", strategy.name(), sum, want);
                }
            }
        }
    }

    #[test]
    fn scores_stay_in_their_ranges(case in case(false)) {
        for (name, scores) in score_all(&case) {
            let lo = if name == "pearson" { -1.0 } else { 0.0 };
            for &s in &scores {
                prop_assert!(s.is_finite() && (lo..=1.0).contains(&s), "{} scored {}", name, s);
            }
        }
    }

    #[test]
    fn a_profile_at_a_roles_levels_fits_it_best(case in case(false), pick in 0usize..8) {
        let j = pick % case.roles.len();
        let mut case = case;
        case.profiles = vec![case.roles[j].0.iter().map(|&r| Some(r)).collect()];
        for (name, scores) in score_all(&case) {
            if !["euclidean", "manhattan", "coverage"].contains(&name) {
                continue;
            }
            // Coverage's documented degenerate case: a role asking for level
            // 0 wherever it puts weight has sum(w*r) = 0 and scores 0.
            let (r, w) = &case.roles[j];
            if name == "coverage" && r.iter().zip(w).all(|(r, w)| r * w == 0.0) {
                prop_assert_eq!(scores[[0, j]], 0.0);
                continue;
            }
            let row = scores.row(0);
            prop_assert!((row[j] - 1.0).abs() <= 1e-9, "{} scored {} for its own levels", name, row[j]);
            let best = row.iter().copied().fold(f64::MIN, f64::max);
            prop_assert_eq!(best, row[j], "{}: another role scored higher", name);
            let ranked = rank(row, None);
            prop_assert!(ranked[0].score >= 1.0 - 1e-9);
        }
    }

    #[test]
    fn cosine_ignores_the_profile_scale(case in case(true), factor in 0.05..1.0f64) {
        let cm = CompiledMatrix::new(&case.matrix());
        let mut scaled = case.clone();
        for x in scaled.profiles.iter_mut().flatten().flatten() {
            *x *= factor;
        }
        let a = Cosine.score(&cm, &case.batch()).unwrap();
        let b = Cosine.score(&cm, &scaled.batch()).unwrap();
        for (a, b) in a.iter().zip(&b) {
            prop_assert!((a - b).abs() <= 1e-9, "{} became {} when scaled by {}", a, b, factor);
        }
    }

    #[test]
    fn capability_order_does_not_matter(
        (case, perm) in case(false).prop_flat_map(|case| {
            let c = case.roles[0].0.len();
            (Just(case), Just((0..c).collect::<Vec<_>>()).prop_shuffle())
        }),
    ) {
        let before = score_all(&case);
        let after = score_all(&case.permuted(&perm));
        for ((name, a), (_, b)) in before.iter().zip(&after) {
            for (a, b) in a.iter().zip(b) {
                prop_assert!((a - b).abs() <= 1e-9, "{}: {} became {} under {:?}", name, a, b, perm);
            }
        }
    }
}

#[test]
fn large_and_single_row_batches_agree_with_the_reference() {
    // 100,000 profiles from a fixed pseudo-random sequence: integers and
    // halves on 1..5, about one value in five missing.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let (k, c, n) = (4, 6, 100_000);
    let mut case = Case {
        lo: 1.0,
        hi: 5.0,
        roles: Vec::new(),
        profiles: Vec::new(),
    };
    for _ in 0..k {
        let r = (0..c).map(|_| 1.0 + next(9) as f64 / 2.0).collect();
        let w = (0..c).map(|_| 1.0 + next(3) as f64).collect();
        case.roles.push((r, w));
    }
    for _ in 0..n {
        case.profiles.push(
            (0..c)
                .map(|_| (next(5) != 0).then(|| 1.0 + next(9) as f64 / 2.0))
                .collect(),
        );
    }
    let cm = CompiledMatrix::new(&case.matrix());
    let big = case.batch();
    for (strategy, _) in builtins() {
        let scores = strategy.score(&cm, &big).unwrap();
        assert_eq!(scores.dim(), (n, k));
        assert!(scores.iter().all(|s| s.is_finite()));
        for i in (0..n).step_by(997).chain([n - 1]) {
            let single = strategy.score(&cm, &batch(c, &[&case.profiles[i]])).unwrap();
            for j in 0..k {
                let want = case.reference(strategy.name(), i, j);
                assert_close(scores[[i, j]], want, 1e-9);
                assert_close(single[[0, j]], want, 1e-9);
            }
        }
    }
}

#[test]
fn every_builtin_refuses_bad_batches() {
    let cm = CompiledMatrix::new(&example_matrix());
    let off_scale = batch(3, &[&[Some(3.0), Some(9.0), None]]);
    for (strategy, _) in builtins() {
        let err = strategy.score(&cm, &ProfileBatch::new(2)).unwrap_err();
        assert!(matches!(
            err,
            ScoreError::ShapeMismatch {
                expected: 3,
                found: 2
            }
        ));
        let err = strategy.score(&cm, &off_scale).unwrap_err();
        assert!(
            matches!(err, ScoreError::ValueOutOfScale { capability: 1, .. }),
            "{err}"
        );
        let empty = strategy.score(&cm, &ProfileBatch::new(3)).unwrap();
        assert_eq!(empty.dim(), (0, 2));
    }
}

#[test]
#[should_panic(expected = "the matrix has 3 capabilities")]
fn contributions_of_a_misshapen_profile_are_a_caller_bug() {
    let cm = CompiledMatrix::new(&example_matrix());
    let _ = Euclidean.contributions(&cm, &[1.0, 2.0], &[true, true], 0);
}

#[test]
fn every_builtin_describes_itself() {
    for (strategy, _) in builtins() {
        assert!(!strategy.formula().is_empty() && !strategy.formula().contains('\n'));
        assert!(strategy.description().ends_with('.'));
    }
    assert_eq!(Euclidean.formula(), "1 - sqrt(sum(w*(x-r)^2) / sum(w)) / (H-L)");
}

#[test]
fn registry_lists_builtins_in_order_and_finds_them_loosely_by_case() {
    let reg = Registry::builtin();
    assert_eq!(reg.names(), BUILTIN_STRATEGIES.to_vec());
    assert_eq!(reg.iter().count(), 5);
    assert_eq!(reg.get("PEARSON").map(|s| s.name()), Some("pearson"));
    assert_eq!(reg.get(DEFAULT_STRATEGY).map(|s| s.name()), Some("euclidean"));
    assert!(reg.get("euclid").is_none());
    assert!(reg.get(" cosine").is_none());
    assert_eq!(
        format!("{reg:?}"),
        format!("Registry {{ names: {:?} }}", BUILTIN_STRATEGIES)
    );
}

/// A named strategy for registry tests.
struct Named(&'static str);

impl Strategy for Named {
    fn name(&self) -> &str {
        self.0
    }
    fn formula(&self) -> &str {
        "0"
    }
    fn description(&self) -> &str {
        "Scores nothing."
    }
    fn score_in(
        &self,
        m: &CompiledMatrix,
        p: &ProfileBatch,
        _: &mut crate::Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        Ok(Array2::zeros((p.len(), m.n_roles())))
    }
    fn contributions(&self, _: &CompiledMatrix, _: &[f64], _: &[bool], _: usize) -> Option<Vec<f64>> {
        None
    }
}

#[test]
fn registry_refuses_taken_reserved_and_invalid_names() {
    let mut reg = Registry::builtin();
    reg.register(Box::new(Named("ridge"))).unwrap();
    assert_eq!(reg.names().last(), Some(&"ridge"));
    assert_eq!(reg.get("Ridge").map(|s| s.name()), Some("ridge"));
    for taken in ["RIDGE", "Cosine", "euclidean"] {
        let err = reg.register(Box::new(Named(taken))).unwrap_err();
        assert!(matches!(err, ScoreError::DuplicateStrategy { ref name } if name == taken));
    }
    for bad in ["", "two words", "tab\t"] {
        let err = reg.register(Box::new(Named(bad))).unwrap_err();
        assert!(matches!(err, ScoreError::InvalidStrategyName { .. }), "{err}");
    }
    // Built-in names stay reserved even in a registry that lacks them.
    let mut other = Registry::builtin();
    other.strategies.clear();
    assert!(other.register(Box::new(Named("coverage"))).is_err());
    assert_eq!(reg.names().len(), 6);
}

#[test]
fn worked_example_of_the_docs() {
    // docs/strategies.md, "Worked example": scale 1..5; role 0 asks
    // A = 4 (w 2), B = 2 (w 1), C = 3 (w 1); role 1 asks A = 2 (w 1),
    // B = 5 (w 2), C = 1 (w 1); the respondent answers A = 4, C = 2 and
    // leaves B blank. The table of the doc, to its six decimals:
    let table = [
        ("cosine", [0.989_100, 1.0]),
        ("pearson", [1.0, 1.0]),
        ("euclidean", [0.823_223, 0.604_715]),
        ("manhattan", [0.875, 0.625]),
        ("coverage", [0.909_091, 1.0]),
    ];
    let cm = CompiledMatrix::new(&example_matrix());
    let b = crate::test_util::example_batch();
    let reg = Registry::builtin();
    for (name, want) in table {
        let s = reg.get(name).unwrap().score(&cm, &b).unwrap();
        assert_close(s[[0, 0]], want[0], 5e-7);
        assert_close(s[[0, 1]], want[1], 5e-7);
    }
    // The distances weighed by importance (`euclidean+importance`): the
    // kernels on the matrix as it is.
    for (kernel, want) in [
        (&Euclidean as &dyn Strategy, [0.855_662, 0.604_715]),
        (&Manhattan, [0.916_667, 0.625]),
    ] {
        let s = kernel.score(&cm, &b).unwrap();
        assert_close(s[[0, 0]], want[0], 5e-7);
        assert_close(s[[0, 1]], want[1], 5e-7);
    }
    // Rankings the doc states: cosine and coverage put role 1 first,
    // euclidean (the default) and manhattan put role 0 first.
    for (name, best) in [("cosine", 1), ("coverage", 1), ("euclidean", 0), ("manhattan", 0)] {
        let out = crate::Scorer::new(&cm, reg.get(name).unwrap())
            .score_batch(&b)
            .unwrap();
        match &out[0] {
            crate::Outcome::Ranked(r) => assert_eq!(r[0].role, best, "{name}"),
            other => panic!("{other:?}"),
        }
    }
    // The default euclidean's contributions for role 0: all of the loss,
    // 1 - 0.823223, is on C.
    let d = reg
        .get("euclidean")
        .unwrap()
        .contributions(&cm, &[4.0, 0.0, 2.0], &[true, false, true], 0)
        .unwrap();
    assert_close(d[2], -0.176_777, 5e-7);
    assert_eq!((d[0], d[1]), (0.0, 0.0));
    // The importance-weighted explanation for role 0: all of the loss is
    // on C.
    let e = crate::explain(
        &cm,
        &Euclidean,
        &[4.0, 0.0, 2.0],
        &[true, false, true],
        crate::RankedRole {
            role: 0,
            score: 0.855_662_432_702_593_6,
        },
    );
    let c: Vec<f64> = e.contributions.iter().map(|c| c.contribution).collect();
    assert_close(c[2], -0.144_338, 5e-7);
    assert_eq!((c[0], c[1]), (0.0, 0.0));
    // And importance-weighted manhattan's: -(1 * |2 - 3| / 3) / 4 on C.
    let m = Manhattan
        .contributions(&cm, &[4.0, 0.0, 2.0], &[true, false, true], 0)
        .unwrap();
    assert_close(m[2], -0.083_333, 5e-7);
}

/// A workspace reused across batches of different sizes changes nothing:
/// the same scores, bit for bit, as fresh memory every time.
#[test]
fn a_reused_workspace_gives_the_same_scores() {
    let cm = CompiledMatrix::new(&example_matrix());
    let mut ws = crate::Workspace::new();
    let rows: Vec<Vec<Option<f64>>> = (0..9)
        .map(|i| {
            (0..3)
                .map(|c| (i + c) % 4 != 0)
                .map(|a| a.then_some(1.0 + f64::from(i % 5)))
                .collect()
        })
        .collect();
    for (s, _) in builtins() {
        for size in [5usize, 1, 9, 3, 9] {
            let subset: Vec<&[Option<f64>]> = rows.iter().take(size).map(Vec::as_slice).collect();
            let b = batch(3, &subset);
            let fresh = s.score(&cm, &b).unwrap();
            let reused = s.score_in(&cm, &b, &mut ws).unwrap();
            assert_eq!(fresh, reused, "{}", s.name());
            ws.give(reused);
        }
    }
}
