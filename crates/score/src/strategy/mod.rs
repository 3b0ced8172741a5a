//! Scoring strategies: ways to measure how well a profile fits a role.
//!
//! A strategy is a value implementing [`Strategy`], so the built-ins, learned
//! models and external plugins are interchangeable: the scorer, the
//! evaluator and the benches take a `&dyn Strategy` and never ask which one
//! it is. The [`Registry`] finds them by name.
//!
//! # Conventions shared by every built-in
//! With `x` the respondent's values, `r` a role's levels and `w` its
//! importances, every sum runs over the capabilities the respondent
//! **answered** only: a blank is neither a low nor a high answer, it is no
//! evidence, so it is left out of both sides of every ratio. `L..H` is the
//! matrix scale (`L >= 0`).
//!
//! Every built-in scores `0` when `sum(w) = 0` over the answered
//! capabilities (the respondent answered nothing the role cares about), and
//! each defines its other degenerate cases; no built-in ever returns NaN or
//! an infinity.
//!
//! # Why batches and matrix products
//! Scores are computed for a whole [`ProfileBatch`] at once. The batch's
//! values form `X` (profiles x capabilities, `0` where missing) and its mask
//! `M` (1 where answered, else 0). Most masked sums are then matrix
//! products with arrays precomputed by [`CompiledMatrix`]: for example
//! `sum(w*x*r) = X · (W∘R)ᵀ`, `sum(w*x^2) = (X∘X) · Wᵀ`, and
//! `sum(w)` over answered `= M · Wᵀ`. Because missing values are `0` and
//! the mask zeroes the role side, rows with blanks need no special path.
//! `manhattan` and `coverage` (absolute values, minima) have no product form
//! and run tight loops over (profile, role) pairs instead.
//!
//! Expanded forms such as `sum(w*(x-r)^2) = sum(w*x^2) - 2 sum(w*x*r) +
//! sum(w*r^2)` lose digits when the result is small next to its terms.
//! `euclidean` and `pearson` therefore work on centred values (which keeps
//! the terms small) and recompute a (profile, role) pair directly from the
//! definition whenever the cancellation could cost more than about `1e-11`
//! (see each strategy), so the vectorised scores agree with the formulas to
//! rounding and a profile equal to a role's levels scores exactly `1`.

mod cosine;
mod coverage;
mod euclidean;
mod manhattan;
mod pearson;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

use std::fmt;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Data, Ix2};
use rolefit_model::ProfileBatch;

use crate::compiled::{outside, row_slice, MaskRhs};
use crate::{CompiledMatrix, DefaultWeighted, ScoreError, Workspace};

pub use cosine::Cosine;
pub use coverage::Coverage;
pub use euclidean::Euclidean;
pub use manhattan::Manhattan;
pub use pearson::Pearson;

/// The built-in strategy names, in the order [`Registry::builtin`] lists
/// them. These names are reserved: [`Registry::register`] refuses them.
pub const BUILTIN_STRATEGIES: [&str; 5] = ["cosine", "pearson", "euclidean", "manhattan", "coverage"];

/// The strategy used when none is asked for: `euclidean` (see
/// docs/strategies.md for why).
pub const DEFAULT_STRATEGY: &str = "euclidean";

/// Where a row of a bootstrap batch comes from; see
/// [`Strategy::score_draws_in`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// A respondent's full profile.
    Original,
    /// A bootstrap resample of the full profile at this earlier row of the
    /// same batch, or of a full profile in an earlier batch (`None`).
    Resample(Option<usize>),
}

/// A way to score profiles against roles.
///
/// Implementations must be deterministic and return finite scores; higher
/// means a better fit. The built-ins are unit structs ([`Cosine`],
/// [`Pearson`], [`Euclidean`], [`Manhattan`], [`Coverage`]).
pub trait Strategy: Send + Sync {
    /// The name users select it by, such as `euclidean`.
    fn name(&self) -> &str;

    /// The formula in one line of plain text, such as
    /// `sum(w*x*r) / (sqrt(sum(w*x^2)) * sqrt(sum(w*r^2)))`.
    fn formula(&self) -> &str;

    /// One short sentence for people on what the score measures.
    fn description(&self) -> &str;

    /// Scores every profile against every role: the result is
    /// profiles x roles, row `i` column `j` being profile `i`'s score for
    /// role `j`. Working arrays come from, and go back to, `ws`, so that a
    /// thread scoring batch after batch does not allocate for each; the
    /// result may be built in a buffer of `ws` (give it back with
    /// [`Workspace::give`] when done). A strategy that needs no working
    /// memory ignores `ws`.
    ///
    /// # Errors
    /// The built-ins return [`ScoreError::ShapeMismatch`] or
    /// [`ScoreError::ValueOutOfScale`] (see [`CompiledMatrix::check`]);
    /// external strategies may also return [`ScoreError::Strategy`].
    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError>;

    /// Scores a batch of full profiles and their bootstrap resamples,
    /// `draws[i]` saying where row `i` comes from (see
    /// `rolefit_learn::evaluate::Bootstrap`). The default scores every row as
    /// [`Strategy::score_in`] does; a strategy may answer resamples by a
    /// documented shortcut (`model:knn` searches a resample's neighbours
    /// among its full profile's nearest only). Full profiles must be scored
    /// exactly as [`Strategy::score_in`] would.
    ///
    /// # Errors
    /// As [`Strategy::score_in`].
    fn score_draws_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: &[Draw],
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        let _ = draws;
        self.score_in(matrix, profiles, ws)
    }

    /// [`Strategy::score_in`] with fresh working memory, for a one-off
    /// batch.
    ///
    /// # Errors
    /// As [`Strategy::score_in`].
    fn score(&self, matrix: &CompiledMatrix, profiles: &ProfileBatch) -> Result<Array2<f64>, ScoreError> {
        self.score_in(matrix, profiles, &mut Workspace::new())
    }

    /// Per-capability contributions for one profile against one role, in
    /// capability order, or `None` when the strategy cannot say (external
    /// plugins). Unanswered capabilities contribute `0`. Each built-in
    /// documents what its contributions sum to.
    ///
    /// # Panics
    /// The built-ins panic if `values` or `answered` do not have one entry
    /// per capability, or `role` is out of range: those are caller bugs.
    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>>;

    /// For a strategy that applies weights of its own on top of the
    /// matrix's importances (the registry's distances, with the default
    /// weights: [`crate::weights::DefaultWeighted`]): the strategy that
    /// weighs by the importances of the matrix it is given, which
    /// [`crate::Weighted`] reweighs. `None` for every other strategy.
    fn kernel(&self) -> Option<&dyn Strategy> {
        None
    }
}

impl fmt::Debug for dyn Strategy + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Strategy").field("name", &self.name()).finish()
    }
}

/// Strategies by name, in a fixed order.
///
/// Names are looked up exactly but case-insensitively (`Cosine` finds
/// `cosine`). The order is the order of registration, built-ins first, so
/// listings and evaluations are stable.
pub struct Registry {
    strategies: Vec<Box<dyn Strategy>>,
}

impl Registry {
    /// The built-in strategies: `cosine`, `pearson`, `euclidean`,
    /// `manhattan`, `coverage`, in that order.
    pub fn builtin() -> Self {
        Registry {
            strategies: vec![
                Box::new(Cosine),
                Box::new(Pearson),
                Box::new(DefaultWeighted::new(&Euclidean)),
                Box::new(DefaultWeighted::new(&Manhattan)),
                Box::new(Coverage),
            ],
        }
    }

    /// The strategy called `name` (compared case-insensitively), if any.
    pub fn get(&self, name: &str) -> Option<&dyn Strategy> {
        self.strategies
            .iter()
            .find(|s| same_name(s.name(), name))
            .map(|s| s.as_ref())
    }

    /// The strategies, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Strategy> + '_ {
        self.strategies.iter().map(|s| s.as_ref())
    }

    /// The strategies' names, in registration order.
    pub fn names(&self) -> Vec<&str> {
        self.strategies.iter().map(|s| s.name()).collect()
    }

    /// Adds a strategy after the others.
    ///
    /// # Errors
    /// [`ScoreError::InvalidStrategyName`] if the name is empty or contains
    /// whitespace or control characters; [`ScoreError::DuplicateStrategy`]
    /// if a registered strategy or a built-in already has the name
    /// (case-insensitively).
    pub fn register(&mut self, strategy: Box<dyn Strategy>) -> Result<(), ScoreError> {
        let name = strategy.name();
        if name.is_empty() {
            return Err(ScoreError::InvalidStrategyName {
                name: name.to_string(),
                reason: "a name must not be empty",
            });
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ScoreError::InvalidStrategyName {
                name: name.to_string(),
                reason: "a name must not contain spaces or control characters",
            });
        }
        if BUILTIN_STRATEGIES.iter().any(|b| same_name(b, name)) || self.get(name).is_some() {
            return Err(ScoreError::DuplicateStrategy {
                name: name.to_string(),
            });
        }
        self.strategies.push(strategy);
        Ok(())
    }
}

impl Default for Registry {
    /// [`Registry::builtin`].
    fn default() -> Self {
        Registry::builtin()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").field("names", &self.names()).finish()
    }
}

/// Case-insensitive name comparison without allocating.
fn same_name(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The batch's values `X` as a view (missing values are `0`), after
/// validating the batch against the matrix ([`CompiledMatrix::check`]).
pub(crate) fn batch_values<'b>(
    matrix: &CompiledMatrix,
    profiles: &'b ProfileBatch,
) -> Result<ArrayView2<'b, f64>, ScoreError> {
    matrix.check(profiles)?;
    let shape = (profiles.len(), matrix.n_capabilities());
    Ok(ArrayView2::from_shape(shape, profiles.values()).expect("check verified one value per capability"))
}

/// The batch's answered mask `M` (profiles x capabilities) as 0/1 values.
pub(crate) fn batch_mask(profiles: &ProfileBatch, ws: &mut Workspace) -> Array2<f64> {
    let mut m = ws.array((profiles.len(), profiles.capabilities()));
    let flat = m.as_slice_mut().expect("a fresh array is in standard layout");
    for (m, &a) in flat.iter_mut().zip(profiles.answered()) {
        *m = mask(a);
    }
    m
}

/// `a · bᵀ`, computed into an array from `ws`.
pub(crate) fn product<S, T>(ws: &mut Workspace, a: &ArrayBase<S, Ix2>, b: &ArrayBase<T, Ix2>) -> Array2<f64>
where
    S: Data<Elem = f64>,
    T: Data<Elem = f64>,
{
    let mut out = ws.array((a.nrows(), b.nrows()));
    general_mat_mul(1.0, a, &b.t(), 0.0, &mut out);
    out
}

/// Scores every (profile, role) pair with `pair(x, m, r, w)`: the profile's
/// values and 0/1 mask, the role's levels and importances. For strategies
/// without a matrix-product form; tight slice loops, no allocation per pair.
pub(crate) fn pairwise(
    matrix: &CompiledMatrix,
    profiles: &ProfileBatch,
    ws: &mut Workspace,
    pair: impl Fn(&[f64], &[f64], &[f64], &[f64]) -> f64,
) -> Result<Array2<f64>, ScoreError> {
    batch_values(matrix, profiles)?;
    let m = batch_mask(profiles, ws);
    let mut out = ws.array((profiles.len(), matrix.n_roles()));
    for (i, mut row) in out.outer_iter_mut().enumerate() {
        let (x, mi) = (profiles.row(i).0, row_slice(&m, i));
        for (j, out) in row.iter_mut().enumerate() {
            *out = pair(x, mi, matrix.level_row(j), matrix.importance_row(j));
        }
    }
    ws.give(m);
    Ok(out)
}

/// What a contribution computation needs for one profile and one role: the
/// role's levels and importances and the profile's 0/1 mask.
///
/// # Panics
/// If `values` or `answered` do not have one entry per capability or `role`
/// is out of range (caller bugs).
pub(crate) fn role_view<'m>(
    matrix: &'m CompiledMatrix,
    values: &[f64],
    answered: &[bool],
    role: usize,
) -> (&'m [f64], &'m [f64], Vec<f64>) {
    matrix.assert_profile(values, answered, role);
    (
        matrix.level_row(role),
        matrix.importance_row(role),
        mask_row(answered),
    )
}

/// `M · rhsᵀ` for the batch's 0/1 answered mask `M` (profiles x
/// capabilities) and `rhs` (K x capabilities): for each profile, each row
/// of `rhs` summed over the capabilities the profile answered.
///
/// Most profiles answer (nearly) everything, so this is computed without a
/// matrix product: when nobody in the batch left a blank, every profile's
/// sums are `rhs`'s row totals, computed once per matrix, and nothing is
/// computed per profile; otherwise a profile that answered everything gets
/// the totals, and one with blanks gets the totals less its blank columns,
/// at `O(K * (1 + blanks))` instead of `O(K * capabilities)`. Only when
/// more than a quarter of the batch's answers are blank is the product
/// used. A subtraction can leave rounding residue where the exact sum is 0,
/// and strategies must see an exact 0 there (it is their degenerate case),
/// so wherever a row of `rhs` has no negative entries and the result is
/// within `1e-9` of its total, the sum is recomputed directly over the
/// answered capabilities.
pub(crate) fn mask_sums<'r>(profiles: &ProfileBatch, rhs: &'r MaskRhs, ws: &mut Workspace) -> MaskSums<'r> {
    let (n, c) = (profiles.len(), profiles.capabilities());
    let blanks = count_blanks(profiles.answered());
    if blanks == 0 {
        return MaskSums::Totals {
            totals: &rhs.totals,
            n,
        };
    }
    if blanks * 4 > n * c {
        let m = batch_mask(profiles, ws);
        let sums = product(ws, &m, &rhs.rows);
        ws.give(m);
        return MaskSums::PerProfile(sums);
    }
    let k = rhs.rows.nrows();
    let mut out = ws.array((n, k));
    for (i, mut row) in out.outer_iter_mut().enumerate() {
        row.assign(&rhs.totals);
        let answered = profiles.row(i).1;
        if answered.iter().all(|&a| a) {
            continue;
        }
        for (ci, _) in answered.iter().enumerate().filter(|(_, &a)| !a) {
            row -= &rhs.columns.row(ci);
        }
        for (j, v) in row.iter_mut().enumerate() {
            if rhs.non_negative[j] && *v <= 1e-9 * rhs.totals[j] {
                *v = rhs
                    .rows
                    .row(j)
                    .iter()
                    .zip(answered)
                    .filter(|(_, &a)| a)
                    .map(|(&r, _)| r)
                    .sum();
            }
        }
    }
    MaskSums::PerProfile(out)
}

/// How many of `answered` are `false`: counted in bytes, 255 at a time,
/// which vectorises (a plain count of a filter does not).
fn count_blanks(answered: &[bool]) -> usize {
    answered
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &a| n + u8::from(!a))))
        .sum()
}

/// What [`mask_sums`] computes: profiles x K sums.
pub(crate) enum MaskSums<'r> {
    /// Every profile answered everything: each row is `rhs`'s totals.
    Totals { totals: &'r Array1<f64>, n: usize },
    /// One row per profile, in an array from the workspace.
    PerProfile(Array2<f64>),
}

impl MaskSums<'_> {
    /// All the sums, profiles x K.
    pub(crate) fn view(&self) -> ArrayView2<'_, f64> {
        match self {
            MaskSums::Totals { totals, n } => totals
                .broadcast((*n, totals.len()))
                .expect("a row broadcasts to any number of rows"),
            MaskSums::PerProfile(sums) => sums.view(),
        }
    }

    /// Profile `i`'s sums.
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        match self {
            MaskSums::Totals { totals, .. } => totals.as_slice().expect("totals are contiguous"),
            MaskSums::PerProfile(sums) => row_slice(sums, i),
        }
    }

    /// Gives the array (if any) back to the workspace.
    pub(crate) fn give(self, ws: &mut Workspace) {
        if let MaskSums::PerProfile(sums) = self {
            ws.give(sums);
        }
    }
}

/// `1.0` for an answered capability, `0.0` for a blank.
pub(crate) fn mask(answered: bool) -> f64 {
    if answered {
        1.0
    } else {
        0.0
    }
}

/// The 0/1 mask of one profile.
pub(crate) fn mask_row(answered: &[bool]) -> Vec<f64> {
    answered.iter().map(|&a| mask(a)).collect()
}

/// Validates the batch as [`CompiledMatrix::check`] does and, in the same
/// pass, builds `U` with `U[i][j] = x[i][j] - centre(i)` where answered and
/// `0` where not, and each row's sum of squares `sum(u^2)` (a profiles x 1
/// array).
pub(crate) fn checked_centred(
    matrix: &CompiledMatrix,
    profiles: &ProfileBatch,
    centre: impl Fn(&[f64], &[bool]) -> f64,
    ws: &mut Workspace,
) -> Result<(Array2<f64>, Array2<f64>), ScoreError> {
    matrix.check_shape(profiles)?;
    let (lo, hi) = matrix.accepted_range();
    let c = profiles.capabilities();
    let mut u = ws.array((profiles.len(), c));
    let mut squares = ws.array((profiles.len(), 1));
    let mut any_outside = false;
    if c > 0 {
        let flat = u.as_slice_mut().expect("a fresh array is in standard layout");
        for ((i, row), total) in flat.chunks_exact_mut(c).enumerate().zip(squares.iter_mut()) {
            let (x, a) = profiles.row(i);
            let centre = centre(x, a);
            for ((u, &x), &a) in row.iter_mut().zip(x).zip(a) {
                // A select by bit mask: no branch, so the loop vectorises.
                *u = f64::from_bits((x - centre).to_bits() & u64::from(a).wrapping_neg());
                any_outside |= outside(x, a, lo, hi);
            }
            *total = sum_of_squares(row);
        }
    } else {
        squares.fill(0.0);
    }
    if any_outside {
        // The error, with the first offending value's position.
        matrix.value_error(profiles)?;
    }
    Ok((u, squares))
}

/// `sum(v^2)`, in four interleaved sums (which vectorise).
fn sum_of_squares(values: &[f64]) -> f64 {
    let mut sums = [0.0; 4];
    let quads = values.chunks_exact(4);
    let rest: f64 = quads.remainder().iter().map(|v| v * v).sum();
    for quad in quads {
        for (s, v) in sums.iter_mut().zip(quad) {
            *s += v * v;
        }
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + rest
}

/// `sum(w*u^2)` per profile and role, for `U` and its rows' sums of
/// squares from [`checked_centred`]. When every role weighs its capabilities
/// equally (`w_j` for role `j`) that is `w_j * sum(u^2)`, an outer product;
/// otherwise `(U∘U) · Wᵀ`, for which `U` is squared in place.
pub(crate) fn weighted_square_sums(
    matrix: &CompiledMatrix,
    u: &mut Array2<f64>,
    row_squares: &Array2<f64>,
    ws: &mut Workspace,
) -> Array2<f64> {
    match &matrix.uniform {
        Some(w) => {
            let mut out = ws.array((u.nrows(), w.len()));
            for (mut row, &total) in out.outer_iter_mut().zip(row_squares.iter()) {
                row.iter_mut().zip(w).for_each(|(o, &w)| *o = total * w);
            }
            out
        }
        None => {
            u.mapv_inplace(|v| v * v);
            product(ws, u, &matrix.importances())
        }
    }
}

#[cfg(test)]
mod mask_sums_tests {
    use ndarray::Array2;
    use proptest::prelude::*;
    use rolefit_model::ProfileBatch;

    use super::{batch_mask, checked_centred, mask_sums, weighted_square_sums};
    use crate::compiled::MaskRhs;
    use crate::test_util::matrix;
    use crate::{CompiledMatrix, Workspace};

    fn batch_with(mask: &[Vec<bool>]) -> ProfileBatch {
        let c = mask.first().map_or(0, Vec::len);
        let mut b = ProfileBatch::new(c);
        for (i, row) in mask.iter().enumerate() {
            let values: Vec<Option<f64>> = row.iter().map(|&a| a.then_some(3.0)).collect();
            b.push(format!("p{i}"), &values);
        }
        b
    }

    proptest! {
        /// Whatever the share of blanks (none, a few, or enough for the
        /// product), the result is the matrix product's (to rounding), and
        /// exactly 0 where that is exactly 0.
        #[test]
        fn equals_the_product(
            mask in prop_oneof![Just(1.0), Just(0.9), Just(0.5)].prop_flat_map(|p| {
                prop::collection::vec(prop::collection::vec(prop::bool::weighted(p), 4), 1..12)
            }),
            rhs in prop::collection::vec(prop_oneof![Just(0.0), 0.1..5.0f64, -2.0..2.0f64], 12),
        ) {
            let rhs = MaskRhs::new(Array2::from_shape_vec((3, 4), rhs).unwrap());
            let b = batch_with(&mask);
            let mut ws = Workspace::new();
            let m = batch_mask(&b, &mut ws);
            let sums = mask_sums(&b, &rhs, &mut ws);
            let fast = sums.view();
            let slow = m.dot(&rhs.rows.t());
            for ((i, j), &f) in fast.indexed_iter() {
                prop_assert_eq!(sums.row(i)[j], f);
                let s = slow[[i, j]];
                prop_assert!((f - s).abs() <= 1e-12 * (1.0 + s.abs()), "{f} vs {s}");
                if rhs.rows.row(j).iter().all(|&v| v >= 0.0) && s == 0.0 {
                    prop_assert_eq!(f, 0.0);
                }
            }
        }
    }

    #[test]
    fn blanks_are_counted_across_chunks() {
        let mut answered = vec![true; 1000];
        for i in [0, 254, 255, 256, 510, 999] {
            answered[i] = false;
        }
        assert_eq!(super::count_blanks(&answered), 6);
        assert_eq!(super::count_blanks(&[false; 600]), 600);
        assert_eq!(super::count_blanks(&[]), 0);
    }

    #[test]
    fn rounding_residue_becomes_an_exact_zero() {
        // 0.3 - 0.1 - 0.2 is not 0 in floating point; the sum over the
        // answered capability (weight 0) is.
        let rhs = Array2::from_shape_vec((1, 4), vec![0.1, 0.2, 0.0, 0.0]).unwrap();
        let b = batch_with(&[vec![false, false, true, true], vec![true; 4]]);
        let mut ws = Workspace::new();
        let rhs = MaskRhs::new(rhs);
        let out = mask_sums(&b, &rhs, &mut ws);
        assert_eq!(out.row(0)[0], 0.0);
        assert!((out.row(1)[0] - 0.3).abs() < 1e-15);
    }

    #[test]
    fn centred_values_their_squares_and_weighted_sums() {
        let mut b = ProfileBatch::new(3);
        b.push("a", &[Some(5.0), None, Some(1.0)]);
        b.push("b", &[None, None, None]);
        let mut ws = Workspace::new();
        let uniform = CompiledMatrix::new(&matrix(&[&[(3.0, 2.0); 3]]));
        let (mut u, squares) = checked_centred(&uniform, &b, |_, _| 3.0, &mut ws).unwrap();
        assert_eq!(u.row(0).to_vec(), vec![2.0, 0.0, -2.0]);
        assert_eq!(u.row(1).to_vec(), vec![0.0; 3]);
        assert_eq!(squares.column(0).to_vec(), vec![8.0, 0.0]);
        // Uniform importances (2 for the one role): 2 * 8; and with
        // importances (1, 1, 3): 4 + 3 * 4 = 16 as well, by the product.
        let by_outer = weighted_square_sums(&uniform, &mut u.clone(), &squares, &mut ws);
        assert_eq!(by_outer.column(0).to_vec(), vec![16.0, 0.0]);
        let weighted = CompiledMatrix::new(&matrix(&[&[(3.0, 1.0), (3.0, 1.0), (3.0, 3.0)]]));
        let by_product = weighted_square_sums(&weighted, &mut u, &squares, &mut ws);
        assert_eq!(by_product.column(0).to_vec(), vec![16.0, 0.0]);
    }
}
