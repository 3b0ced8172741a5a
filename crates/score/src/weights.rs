//! What a distance weighs its gaps by: `--weights importance|uniform|learned`.
//!
//! A role's *importance* for a capability says how much the capability
//! matters to the role; it drives explanations (gaps are ordered by
//! importance times shortfall), `coverage` and centring. Whether a gap on
//! that capability is *evidence* against the role is a different fact: it
//! depends on how much the role's holders vary on it. Under Gaussian noise
//! the most accurate distance weighs each squared gap by the noise
//! precision `1 / sigma^2`, not by importance. So the distance strategies
//! (`euclidean`, `manhattan`) can weigh their gaps three ways ([`Weights`]):
//!
//! | weights | `w'_jc` for role `j`, capability `c` |
//! | --- | --- |
//! | `importance` | `w_jc`, the matrix's importance (the strategies as written) |
//! | `uniform` | `1` where `w_jc > 0`, else `0` |
//! | `learned` | `p_jc` where `w_jc > 0`, else `0`: a precision learned from labelled holders (`rolefit train`) |
//!
//! The default is `uniform` ([`DEFAULT_WEIGHTS`]): on labelled respondents
//! it is the better choice over the settings measured in
//! docs/evaluation.md ("Against the Bayes limit"), and importance still
//! orders gaps and explanations. The registry's `euclidean` and `manhattan`
//! are the distances with the default weights ([`DefaultWeighted`]); the
//! formulas in their own docs ([`crate::Euclidean`], [`crate::Manhattan`])
//! weigh by whatever weights the matrix they are given holds.
//!
//! [`Weighted`] wraps a strategy and scores it against the same matrix with
//! `w'` in place of `w`, so its formula, range and degenerate cases are the
//! strategy's with `w'`; a capability the role gives importance 0 stays out
//! of its distance whatever the weights. It is named after the strategy
//! with the weighting (`euclidean+importance`).

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use crate::{CompiledMatrix, Draw, ScoreError, Strategy, Workspace};

/// The strategies `--weights` applies to: the distances, whose gaps are
/// weighted sums. (`coverage` keeps importance: how much of what the role
/// asks is met is a question about what matters to the role; `cosine` and
/// `pearson` are similarities of patterns, not distances.)
pub const DISTANCE_STRATEGIES: [&str; 2] = ["euclidean", "manhattan"];

/// The weighting used when none is asked for: `uniform`.
pub const DEFAULT_WEIGHTS: WeightsKind = WeightsKind::Uniform;

/// The three weightings, by name (the learned one without its numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightsKind {
    /// The matrix's importances.
    Importance,
    /// 1 on every capability the role weighs.
    Uniform,
    /// Precisions learned from labelled holders.
    Learned,
}

impl WeightsKind {
    /// Every weighting, in the order listings use.
    pub const ALL: [WeightsKind; 3] = [
        WeightsKind::Importance,
        WeightsKind::Uniform,
        WeightsKind::Learned,
    ];

    /// `importance`, `uniform` or `learned`.
    pub fn name(self) -> &'static str {
        match self {
            WeightsKind::Importance => "importance",
            WeightsKind::Uniform => "uniform",
            WeightsKind::Learned => "learned",
        }
    }

    /// What `w'` is, in words, for formulas and descriptions.
    pub fn words(self) -> &'static str {
        match self {
            WeightsKind::Importance => "w = the role's importance",
            WeightsKind::Uniform => "w = 1 on every capability the role weighs (importance > 0)",
            WeightsKind::Learned => "w = a precision learned from role holders",
        }
    }

    /// The weighting called `name` (any case).
    pub fn from_name(name: &str) -> Option<WeightsKind> {
        WeightsKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

/// What a distance weighs its gaps by; see the [module documentation](self).
#[derive(Debug, Clone, PartialEq)]
pub enum Weights {
    /// `w'_jc = w_jc`.
    Importance,
    /// `w'_jc = 1` where `w_jc > 0`, else `0`.
    Uniform,
    /// `w'_jc = p_jc` where `w_jc > 0`, else `0`, for learned precisions
    /// `p` (roles x capabilities, finite, `> 0`).
    Learned(Array2<f64>),
}

impl Weights {
    /// The weighting `kind` when it needs no numbers (`importance`,
    /// `uniform`); `None` for `learned`, whose precisions come from a model.
    pub fn fixed(kind: WeightsKind) -> Option<Weights> {
        match kind {
            WeightsKind::Importance => Some(Weights::Importance),
            WeightsKind::Uniform => Some(Weights::Uniform),
            WeightsKind::Learned => None,
        }
    }

    /// Which weighting this is.
    pub fn kind(&self) -> WeightsKind {
        match self {
            Weights::Importance => WeightsKind::Importance,
            Weights::Uniform => WeightsKind::Uniform,
            Weights::Learned(_) => WeightsKind::Learned,
        }
    }

    /// `w'` for `matrix` (roles x capabilities).
    ///
    /// # Panics
    /// If learned precisions are not roles x capabilities (a caller bug).
    pub fn resolve(&self, matrix: &CompiledMatrix) -> Array2<f64> {
        let w = matrix.importances();
        match self {
            Weights::Importance => w.to_owned(),
            Weights::Uniform => w.mapv(|w| if w > 0.0 { 1.0 } else { 0.0 }),
            Weights::Learned(p) => {
                assert_eq!(p.dim(), w.dim(), "one precision per role and capability");
                let mut out = p.clone();
                out.zip_mut_with(&w, |p, &w| {
                    if w <= 0.0 {
                        *p = 0.0
                    }
                });
                out
            }
        }
    }
}

/// A strategy scored with other weights than the matrix's importances
/// (`--weights`), named after it with the weighting: `euclidean+uniform`.
///
/// It scores, and gives contributions, exactly as the wrapped strategy does
/// on the same matrix with `w'` ([`Weights::resolve`]) in place of the
/// importances.
pub struct Weighted<'a> {
    inner: &'a dyn Strategy,
    matrix: CompiledMatrix,
    name: String,
    formula: String,
    description: String,
}

impl std::fmt::Debug for Weighted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Weighted").field("name", &self.name).finish()
    }
}

impl<'a> Weighted<'a> {
    /// `inner` on `matrix` with `weights` in place of its importances.
    ///
    /// # Panics
    /// As [`Weights::resolve`].
    pub fn new(inner: &'a dyn Strategy, matrix: &CompiledMatrix, weights: &Weights) -> Self {
        // A distance with the default weights is weighed afresh from its
        // kernel, which takes the weights the matrix holds.
        let inner = inner.kernel().unwrap_or(inner);
        let kind = weights.kind().name();
        Weighted {
            name: format!("{}+{kind}", inner.name()),
            formula: format!("{} with w = {kind} weights", inner.formula()),
            description: format!("{} Gaps weighted by {kind} weights.", inner.description()),
            matrix: matrix.with_importances(weights.resolve(matrix)),
            inner,
        }
    }

    /// The strategy it wraps.
    pub fn inner(&self) -> &dyn Strategy {
        self.inner
    }

    /// The weights in use, roles x capabilities.
    pub fn weights(&self) -> ndarray::ArrayView2<'_, f64> {
        self.matrix.importances()
    }

    /// Refuses a matrix of another shape or scale than the one the weights
    /// were made for.
    fn check(&self, matrix: &CompiledMatrix) -> Result<(), ScoreError> {
        if matrix.levels() != self.matrix.levels() || matrix.scale() != self.matrix.scale() {
            return Err(ScoreError::Strategy {
                name: self.name.clone(),
                message: "the weights were made for another role matrix".to_string(),
            });
        }
        Ok(())
    }
}

impl Strategy for Weighted<'_> {
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
        self.check(matrix)?;
        self.inner.score_in(&self.matrix, profiles, ws)
    }

    fn score_draws_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: &[Draw],
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        self.check(matrix)?;
        self.inner.score_draws_in(&self.matrix, profiles, draws, ws)
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        matrix.assert_profile(values, answered, role);
        self.check(matrix).ok()?;
        self.inner.contributions(&self.matrix, values, answered, role)
    }
}

/// A distance strategy with the default weights ([`DEFAULT_WEIGHTS`]): the
/// registry's `euclidean` and `manhattan`. It scores exactly as its kernel
/// does on [`CompiledMatrix::uniformly_weighted`] (with the default
/// `uniform`), and is named as the kernel is.
pub struct DefaultWeighted {
    kernel: &'static dyn Strategy,
    formula: String,
    description: String,
}

impl std::fmt::Debug for DefaultWeighted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultWeighted")
            .field("name", &self.kernel.name())
            .finish()
    }
}

impl DefaultWeighted {
    /// `kernel` (a distance that weighs by the matrix's importances) with
    /// the default weights.
    pub fn new(kernel: &'static dyn Strategy) -> Self {
        DefaultWeighted {
            formula: format!("{}, {}", kernel.formula(), DEFAULT_WEIGHTS.words()),
            description: format!(
                "{} {}",
                kernel.description(),
                match DEFAULT_WEIGHTS {
                    WeightsKind::Uniform => {
                        "Every capability the role weighs counts alike (--weights uniform, the default; \
                         --weights importance weighs each gap by the role's importance)."
                    }
                    WeightsKind::Importance | WeightsKind::Learned =>
                        "Gaps weighted by the role's importances.",
                }
            ),
            kernel,
        }
    }

    /// The matrix the kernel scores against.
    fn weighted<'m>(&self, matrix: &'m CompiledMatrix) -> &'m CompiledMatrix {
        match DEFAULT_WEIGHTS {
            WeightsKind::Uniform => matrix.uniformly_weighted(),
            WeightsKind::Importance | WeightsKind::Learned => matrix,
        }
    }
}

impl Strategy for DefaultWeighted {
    fn name(&self) -> &str {
        self.kernel.name()
    }

    fn formula(&self) -> &str {
        &self.formula
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn kernel(&self) -> Option<&dyn Strategy> {
        Some(self.kernel)
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        self.kernel.score_in(self.weighted(matrix), profiles, ws)
    }

    fn score_draws_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: &[Draw],
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        self.kernel
            .score_draws_in(self.weighted(matrix), profiles, draws, ws)
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        self.kernel
            .contributions(self.weighted(matrix), values, answered, role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_close, batch, example_batch, example_matrix, matrix};
    use crate::{Euclidean, Manhattan};
    use ndarray::array;

    #[test]
    fn uniform_weights_are_one_where_the_role_weighs_the_capability() {
        let cm = CompiledMatrix::new(&example_matrix());
        let w = Weights::Uniform.resolve(&cm);
        let expected = cm.importances().mapv(|w| if w > 0.0 { 1.0 } else { 0.0 });
        assert_eq!(w, expected);
        assert_eq!(Weights::Importance.resolve(&cm), cm.importances());
    }

    #[test]
    fn the_registry_distances_weigh_uniformly_and_reweigh_from_their_kernel() {
        let cm = CompiledMatrix::new(&example_matrix());
        let b = example_batch();
        let registry = crate::Registry::builtin();
        for (name, kernel) in [
            ("euclidean", &Euclidean as &dyn Strategy),
            ("manhattan", &Manhattan),
        ] {
            let default = registry.get(name).unwrap();
            assert_eq!(default.name(), name);
            assert_eq!(default.kernel().map(|k| k.name()), Some(kernel.name()));
            // The default is uniform weights, bit for bit.
            let uniform = Weighted::new(kernel, &cm, &Weights::Uniform)
                .score(&cm, &b)
                .unwrap();
            assert_eq!(default.score(&cm, &b).unwrap(), uniform);
            // Reweighing the default starts from the kernel: importance
            // weights give the kernel's scores, not uniform ones.
            let importance = Weighted::new(default, &cm, &Weights::Importance);
            assert_eq!(importance.name(), format!("{name}+importance"));
            assert_eq!(importance.score(&cm, &b).unwrap(), kernel.score(&cm, &b).unwrap());
            assert_ne!(importance.score(&cm, &b).unwrap(), uniform);
            let (values, answered) = ([4.0, 0.0, 2.0], [true, false, true]);
            assert_eq!(
                default.contributions(&cm, &values, &answered, 0),
                Weighted::new(kernel, &cm, &Weights::Uniform).contributions(&cm, &values, &answered, 0)
            );
        }
    }

    #[test]
    fn a_matrix_of_zero_one_importances_is_its_own_uniform_copy() {
        let ones = CompiledMatrix::new(&matrix(&[&[(2.0, 1.0), (4.0, 0.0)]]));
        assert!(std::ptr::eq(ones.uniformly_weighted(), &ones));
        let cm = CompiledMatrix::new(&example_matrix());
        let uniform = cm.uniformly_weighted();
        assert!(!std::ptr::eq(uniform, &cm));
        assert_eq!(uniform.importances(), Weights::Uniform.resolve(&cm));
        // Made once.
        assert!(std::ptr::eq(uniform, cm.uniformly_weighted()));
    }

    #[test]
    fn uniform_euclidean_is_the_unweighted_formula() {
        // docs/strategies.md's example, x = (4, -, 2). Role 0 levels
        // (4, 3) on A, C with importances (2, 1): uniform weights give
        // 1 - sqrt((0 + 1) / 2) / 4; role 1, levels (2, 1): 1 - sqrt(5/2)/4.
        let cm = CompiledMatrix::new(&example_matrix());
        let s = Weighted::new(&Euclidean, &cm, &Weights::Uniform)
            .score(&cm, &example_batch())
            .unwrap();
        assert_close(s[[0, 0]], 1.0 - (0.5f64).sqrt() / 4.0, 1e-12);
        assert_close(s[[0, 1]], 1.0 - 2.5f64.sqrt() / 4.0, 1e-12);
    }

    #[test]
    fn learned_weights_replace_importances_and_keep_zeros() {
        // One role, levels (2, 4, 3), importances (1, 3, 0); precisions
        // (4, 1, 9): the third capability stays out.
        let cm = CompiledMatrix::new(&matrix(&[&[(2.0, 1.0), (4.0, 3.0), (3.0, 0.0)]]));
        let weights = Weights::Learned(array![[4.0, 1.0, 9.0]]);
        assert_eq!(weights.resolve(&cm), array![[4.0, 1.0, 0.0]]);
        let b = batch(3, &[&[Some(3.0), Some(2.0), Some(5.0)]]);
        let weighted = Weighted::new(&Manhattan, &cm, &weights);
        assert_eq!(weighted.name(), "manhattan+learned");
        // manhattan = 1 - sum(w|x-r|) / (sum(w) (H-L)) = 1 - (4 + 2) / (5 * 4).
        let s = weighted.score(&cm, &b).unwrap();
        assert_close(s[[0, 0]], 1.0 - 6.0 / 20.0, 1e-12);
        // The same as the strategy on a matrix whose importances are w'.
        let direct = matrix(&[&[(2.0, 4.0), (4.0, 1.0), (3.0, 0.0)]]);
        let direct = Manhattan.score(&CompiledMatrix::new(&direct), &b).unwrap();
        assert_eq!(s, direct);
        // Contributions split the loss by the new weights.
        let c = weighted
            .contributions(&cm, &[3.0, 2.0, 5.0], &[true; 3], 0)
            .unwrap();
        assert_close(c.iter().sum::<f64>(), s[[0, 0]] - 1.0, 1e-12);
        assert_close(c[0] / c[1], 2.0, 1e-12);
        assert_eq!(c[2], 0.0);
    }

    #[test]
    fn another_matrix_is_refused() {
        let cm = CompiledMatrix::new(&example_matrix());
        let other = CompiledMatrix::new(&matrix(&[&[(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]]));
        let weighted = Weighted::new(&Euclidean, &cm, &Weights::Uniform);
        assert!(matches!(
            weighted.score(&other, &example_batch()),
            Err(ScoreError::Strategy { .. })
        ));
    }

    #[test]
    fn weightings_by_name() {
        assert_eq!(WeightsKind::from_name("Uniform"), Some(WeightsKind::Uniform));
        assert_eq!(WeightsKind::from_name("precision"), None);
        for k in WeightsKind::ALL {
            assert_eq!(WeightsKind::from_name(k.name()), Some(k));
        }
    }
}
