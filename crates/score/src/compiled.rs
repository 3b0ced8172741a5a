//! A role matrix compiled into arrays.
//!
//! A [`RoleMatrix`] is a list of roles, each with a list of requirements:
//! good for validation and display, poor for arithmetic. Scoring a batch of
//! profiles wants the levels `R` and importances `W` as dense
//! roles x capabilities arrays, so that most sums over capabilities become
//! one matrix product per batch. The element-wise products those sums need
//! (`W∘R`, `W∘R∘R`, and their centred variants) depend only on the matrix,
//! so they are computed once here rather than once per batch.

use std::sync::OnceLock;

use ndarray::{concatenate, Array1, Array2, ArrayView2, Axis};
use rolefit_model::{ProfileBatch, RoleMatrix, Scale};

use crate::ScoreError;

/// Relative tolerance for values just outside the scale, as a fraction of
/// the scale's width: linear rescaling (`Scale::map_to`) can land a top
/// answer an ulp above `H`, which is not worth refusing.
pub(crate) const SCALE_TOLERANCE: f64 = 1e-9;

/// A role matrix as arrays, ready for the strategies.
///
/// Holds the levels `R` and importances `W` (both roles x capabilities, in
/// matrix order), the scale `L..H`, and products of them that the built-in
/// strategies use on every batch. Build it once per matrix with
/// [`CompiledMatrix::new`] and share it (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct CompiledMatrix {
    scale: Scale,
    levels: Array2<f64>,
    importances: Array2<f64>,
    /// The capabilities' ids, in matrix order (external strategies are
    /// told them).
    capability_ids: Vec<String>,
    /// The roles' names, in matrix order (external strategies are told them).
    role_names: Vec<String>,
    /// `W∘R`.
    pub(crate) weighted_levels: Array2<f64>,
    /// `[W; W∘R∘R]` stacked by rows (2k x c), for cosine's masked sums.
    pub(crate) cosine_mask_rhs: MaskRhs,
    /// `W∘V` with `V = R - mid`, `mid = (L + H) / 2`.
    pub(crate) euclid_wv: Array2<f64>,
    /// `[W; W∘V∘V]` with `V = R - mid` (2k x c), for euclidean's masked sums.
    pub(crate) euclid_mask_rhs: MaskRhs,
    /// `[W; W∘P]` with `P = R - role's weighted mean level` (2k x c), for
    /// pearson's profile-side sums.
    pub(crate) pearson_value_rhs: Array2<f64>,
    /// `[W; W∘P; W∘P∘P]` (3k x c), for pearson's masked sums.
    pub(crate) pearson_mask_rhs: MaskRhs,
    /// Each role's importance when every role weighs all its capabilities
    /// equally (a wide matrix: importance 1 everywhere); then sums like
    /// `sum(w*x^2)` need no matrix product.
    pub(crate) uniform: Option<Array1<f64>>,
    /// The same matrix with every importance `> 0` replaced by 1, made on
    /// first use by [`CompiledMatrix::uniformly_weighted`] (the distance
    /// strategies' default weights); unset when the importances are 0 or
    /// 1 already.
    uniformly: OnceLock<Box<CompiledMatrix>>,
    /// Every importance is 0 or 1: the matrix is its own uniform copy.
    zero_one: bool,
}

impl CompiledMatrix {
    /// Compiles `matrix`. The matrix is valid by construction (finite levels
    /// inside its scale, finite importances `>= 0`, `L >= 0`), so this cannot
    /// fail.
    pub fn new(matrix: &RoleMatrix) -> Self {
        let roles = matrix.roles();
        let (k, c) = (roles.len(), matrix.capabilities().len());
        let levels = Array2::from_shape_fn((k, c), |(j, i)| roles[j].requirements[i].level);
        let importances = Array2::from_shape_fn((k, c), |(j, i)| roles[j].requirements[i].importance);
        Self::from_parts(
            matrix.scale(),
            levels,
            importances,
            matrix.capabilities().iter().map(|c| c.id.clone()).collect(),
            roles.iter().map(|r| r.name.clone()).collect(),
        )
    }

    /// The same matrix with every importance replaced by `weights` (roles x
    /// capabilities): what a distance strategy weighs gaps by under
    /// `--weights uniform` or `learned` (see [`crate::Weighted`]).
    ///
    /// # Panics
    /// If `weights` is not roles x capabilities, or holds a negative or
    /// non-finite value (caller bugs: [`crate::Weights`] builds valid ones).
    pub fn with_importances(&self, weights: Array2<f64>) -> Self {
        assert_eq!(
            weights.dim(),
            self.importances.dim(),
            "one weight per role and capability"
        );
        assert!(
            weights.iter().all(|w| w.is_finite() && *w >= 0.0),
            "weights are finite and at least 0"
        );
        Self::from_parts(
            self.scale,
            self.levels.clone(),
            weights,
            self.capability_ids.clone(),
            self.role_names.clone(),
        )
    }

    /// This matrix with `1` in place of every importance `> 0` (and `0`
    /// where it is `0`): what `euclidean` and `manhattan` weigh their gaps by
    /// by default (`--weights uniform`, see [`crate::weights`]). Made once,
    /// on first use, and kept; the matrix itself when its importances are
    /// all 0 or 1 already.
    pub fn uniformly_weighted(&self) -> &CompiledMatrix {
        if self.zero_one {
            return self;
        }
        self.uniformly.get_or_init(|| {
            let ones = self.importances.mapv(|w| if w > 0.0 { 1.0 } else { 0.0 });
            Box::new(self.with_importances(ones))
        })
    }

    /// Builds the arrays from levels and importances (roles x capabilities).
    fn from_parts(
        scale: Scale,
        levels: Array2<f64>,
        importances: Array2<f64>,
        capability_ids: Vec<String>,
        role_names: Vec<String>,
    ) -> Self {
        let mid = 0.5 * (scale.min() + scale.max());

        let weighted_levels = &importances * &levels;
        let wrr = &weighted_levels * &levels;
        let cosine_mask_rhs = MaskRhs::new(stack(&[&importances, &wrr]));

        let v = levels.mapv(|r| r - mid);
        let euclid_wv = &importances * &v;
        let euclid_mask_rhs = MaskRhs::new(stack(&[&importances, &(&euclid_wv * &v)]));

        // Pearson is invariant to shifting r, so centre each role on its own
        // weighted mean level: the sums then stay small and the one-pass
        // moment formulas lose fewer digits.
        let centres: Array1<f64> = weighted_levels
            .sum_axis(Axis(1))
            .iter()
            .zip(importances.sum_axis(Axis(1)).iter())
            .map(|(&swr, &sw)| if sw > 0.0 { swr / sw } else { mid })
            .collect();
        let p = &levels - &centres.view().insert_axis(Axis(1));
        let wp = &importances * &p;
        let wpp = &wp * &p;
        let pearson_value_rhs = stack(&[&importances, &wp]);
        let pearson_mask_rhs = MaskRhs::new(stack(&[&importances, &wp, &wpp]));

        let uniform = importances
            .outer_iter()
            .map(|row| {
                let first = row.first().copied().unwrap_or(0.0);
                row.iter().all(|&w| w == first).then_some(first)
            })
            .collect::<Option<Array1<f64>>>();

        let zero_one = importances.iter().all(|&w| w == 0.0 || w == 1.0);
        CompiledMatrix {
            uniformly: OnceLock::new(),
            zero_one,
            uniform,
            capability_ids,
            role_names,
            scale,
            levels,
            importances,
            weighted_levels,
            cosine_mask_rhs,
            euclid_wv,
            euclid_mask_rhs,
            pearson_value_rhs,
            pearson_mask_rhs,
        }
    }

    /// The target levels `R`, roles x capabilities.
    pub fn levels(&self) -> ArrayView2<'_, f64> {
        self.levels.view()
    }

    /// The importances `W`, roles x capabilities.
    pub fn importances(&self) -> ArrayView2<'_, f64> {
        self.importances.view()
    }

    /// The scale `L..H` levels and profile values are on.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The capabilities' ids, in matrix (column) order.
    pub fn capability_ids(&self) -> &[String] {
        &self.capability_ids
    }

    /// The roles' names, in matrix (row) order.
    pub fn role_names(&self) -> &[String] {
        &self.role_names
    }

    /// Number of roles (rows).
    pub fn n_roles(&self) -> usize {
        self.levels.nrows()
    }

    /// Number of capabilities (columns).
    pub fn n_capabilities(&self) -> usize {
        self.levels.ncols()
    }

    /// Checks that `profiles` can be scored against this matrix: one value
    /// per capability, and every answered value finite and within the scale
    /// `L..H` (allowing `1e-9 * (H - L)` of rounding either side).
    ///
    /// Every built-in strategy calls this first; external strategies and
    /// callers may use it to validate early.
    ///
    /// # Errors
    /// [`ScoreError::ShapeMismatch`] or [`ScoreError::ValueOutOfScale`] (for
    /// the first offending value, in row-major order).
    pub fn check(&self, profiles: &ProfileBatch) -> Result<(), ScoreError> {
        self.check_shape(profiles)?;
        let (lo, hi) = self.accepted_range();
        // One branch-free pass (this runs on every batch); the position is
        // looked for only when something is wrong.
        let values = profiles.values().iter().zip(profiles.answered());
        if !values
            .clone()
            .fold(false, |any, (&v, &a)| any | outside(v, a, lo, hi))
        {
            return Ok(());
        }
        self.value_error(profiles)
    }

    /// The shape half of [`CompiledMatrix::check`].
    pub(crate) fn check_shape(&self, profiles: &ProfileBatch) -> Result<(), ScoreError> {
        let c = self.n_capabilities();
        if profiles.capabilities() != c || profiles.values().len() != profiles.len() * c {
            return Err(ScoreError::ShapeMismatch {
                expected: c,
                found: profiles.capabilities(),
            });
        }
        Ok(())
    }

    /// The values an answered capability may take: the scale, widened by
    /// [`SCALE_TOLERANCE`] of its width at both ends.
    pub(crate) fn accepted_range(&self) -> (f64, f64) {
        let tol = SCALE_TOLERANCE * self.scale.width();
        (self.scale.min() - tol, self.scale.max() + tol)
    }

    /// The error for the first answered value outside
    /// [`CompiledMatrix::accepted_range`] (`Ok` if there is none).
    pub(crate) fn value_error(&self, profiles: &ProfileBatch) -> Result<(), ScoreError> {
        let c = self.n_capabilities();
        let (lo, hi) = self.accepted_range();
        let values = profiles.values().iter().zip(profiles.answered());
        match values.clone().position(|(&v, &a)| outside(v, a, lo, hi)) {
            None => Ok(()),
            Some(at) => {
                let profile = at / c;
                Err(ScoreError::ValueOutOfScale {
                    respondent: profiles.respondent(profile).to_string(),
                    profile,
                    capability: at % c,
                    value: profiles.values()[at],
                    min: self.scale.min(),
                    max: self.scale.max(),
                })
            }
        }
    }

    /// Role `j`'s levels as a slice.
    pub(crate) fn level_row(&self, j: usize) -> &[f64] {
        row_slice(&self.levels, j)
    }

    /// Role `j`'s importances as a slice.
    pub(crate) fn importance_row(&self, j: usize) -> &[f64] {
        row_slice(&self.importances, j)
    }

    /// Asserts that a single profile fits this matrix, as
    /// [`Strategy::contributions`](crate::Strategy::contributions) of the
    /// built-ins does.
    ///
    /// # Panics
    /// When `values` or `answered` do not have one entry per capability, or
    /// `role` is out of range: a caller bug.
    pub fn assert_profile(&self, values: &[f64], answered: &[bool], role: usize) {
        let c = self.n_capabilities();
        assert!(
            values.len() == c && answered.len() == c,
            "profile has {} values and {} answered flags but the matrix has {c} capabilities",
            values.len(),
            answered.len()
        );
        assert!(
            role < self.n_roles(),
            "role index {role} out of range for {} roles",
            self.n_roles()
        );
    }
}

/// Whether an answered value lies outside `lo..=hi` (NaN does), without
/// branches.
#[inline]
pub(crate) fn outside(value: f64, answered: bool, lo: f64, hi: f64) -> bool {
    answered & !((value >= lo) & (value <= hi))
}

/// Row `j` of an array this crate built, as a slice.
pub(crate) fn row_slice(a: &Array2<f64>, j: usize) -> &[f64] {
    let c = a.ncols();
    let all = a
        .as_slice()
        .expect("arrays built by this crate are in standard layout");
    &all[j * c..(j + 1) * c]
}

/// Stacks role x capability blocks by rows.
/// The right-hand side of a mask product `M · rhsᵀ` (see
/// [`crate::strategy::mask_sums`]), with what that needs precomputed once
/// per matrix rather than once per batch.
#[derive(Debug, Clone)]
pub(crate) struct MaskRhs {
    /// `rhs` itself, K x capabilities.
    pub(crate) rows: Array2<f64>,
    /// Each row's total.
    pub(crate) totals: Array1<f64>,
    /// `rhsᵀ` in standard layout: row `c` holds capability `c`'s column.
    pub(crate) columns: Array2<f64>,
    /// Whether each row has no negative entries (so a sum of it is 0
    /// exactly when every entry summed is 0).
    pub(crate) non_negative: Vec<bool>,
}

impl MaskRhs {
    pub(crate) fn new(rows: Array2<f64>) -> Self {
        MaskRhs {
            totals: rows.sum_axis(Axis(1)),
            columns: rows.t().as_standard_layout().into_owned(),
            non_negative: rows.outer_iter().map(|r| r.iter().all(|&v| v >= 0.0)).collect(),
            rows,
        }
    }
}

/// `S · Wᵀ` for squares `S` (profiles x capabilities, 0 where blank):
/// `sum(w*s)` per profile and role. When every role weighs its capabilities
/// equally (`w_j` for role `j`) that is `w_j * sum(s)`, an outer product
/// instead of a matrix product.
pub(crate) fn weighted_sums(
    matrix: &CompiledMatrix,
    squares: &Array2<f64>,
    ws: &mut crate::Workspace,
) -> Array2<f64> {
    match &matrix.uniform {
        Some(w) => {
            let mut out = ws.array((squares.nrows(), w.len()));
            for (mut row, s) in out.outer_iter_mut().zip(squares.outer_iter()) {
                let total = s.sum();
                row.iter_mut().zip(w).for_each(|(o, &w)| *o = total * w);
            }
            out
        }
        None => crate::strategy::product(ws, squares, &matrix.importances),
    }
}

fn stack(blocks: &[&Array2<f64>]) -> Array2<f64> {
    let views: Vec<_> = blocks.iter().map(|b| b.view()).collect();
    concatenate(Axis(0), &views).expect("blocks of one matrix share their column count")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{batch, matrix};

    #[test]
    fn compiles_levels_importances_and_products() {
        let m = matrix(&[
            &[(4.0, 2.0), (2.0, 1.0), (3.0, 1.0)],
            &[(2.0, 1.0), (5.0, 2.0), (1.0, 1.0)],
        ]);
        let cm = CompiledMatrix::new(&m);
        assert_eq!((cm.n_roles(), cm.n_capabilities()), (2, 3));
        assert_eq!(cm.levels().row(1).to_vec(), vec![2.0, 5.0, 1.0]);
        assert_eq!(cm.importances().row(0).to_vec(), vec![2.0, 1.0, 1.0]);
        assert_eq!(cm.weighted_levels.row(0).to_vec(), vec![8.0, 2.0, 3.0]);
        // [W; W∘R∘R]: role 0's W∘R∘R = (2*16, 1*4, 1*9).
        assert_eq!(cm.cosine_mask_rhs.rows.row(2).to_vec(), vec![32.0, 4.0, 9.0]);
        // V = R - 3 on 1..5: role 1 is (-1, 2, -2), W∘V = (-1, 4, -2).
        assert_eq!(cm.euclid_wv.row(1).to_vec(), vec![-1.0, 4.0, -2.0]);
        // role 1's weighted mean level is (2 + 10 + 1) / 4 = 3.25, and the
        // centred weighted levels sum to 0.
        let wp_sum: f64 = cm.pearson_value_rhs.row(3).sum();
        assert!(wp_sum.abs() < 1e-12);
        assert_eq!(cm.level_row(1), &[2.0, 5.0, 1.0]);
        assert_eq!(cm.importance_row(1), &[1.0, 2.0, 1.0]);
        assert_eq!(cm.scale(), Scale::default());
    }

    #[test]
    fn check_refuses_wrong_width_and_off_scale_values() {
        let m = matrix(&[&[(4.0, 1.0), (2.0, 1.0)]]);
        let cm = CompiledMatrix::new(&m);
        let err = cm.check(&ProfileBatch::new(3)).unwrap_err();
        assert!(matches!(
            err,
            ScoreError::ShapeMismatch {
                expected: 2,
                found: 3
            }
        ));

        // On the scale, a rounding error above the top, and missing: fine.
        let ok = batch(2, &[&[Some(1.0), Some(5.0 + 1e-12)], &[None, None]]);
        assert!(cm.check(&ok).is_ok());

        for bad in [0.5, 5.1, f64::NAN, f64::INFINITY] {
            let b = batch(2, &[&[Some(3.0), Some(3.0)], &[Some(3.0), Some(bad)]]);
            match cm.check(&b).unwrap_err() {
                ScoreError::ValueOutOfScale {
                    respondent,
                    profile,
                    capability,
                    value,
                    ..
                } => {
                    assert_eq!((respondent.as_str(), profile, capability), ("p1", 1, 1));
                    assert!(value.is_nan() || value == bad);
                }
                other => panic!("unexpected {other}"),
            }
        }
    }
}
