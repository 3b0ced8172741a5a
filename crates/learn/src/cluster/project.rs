//! Respondents and roles in two dimensions, for plots.
//!
//! Principal component analysis finds the two directions along which the
//! respondents' values vary most: the eigenvectors of the two largest
//! eigenvalues of the capabilities x capabilities scatter matrix
//! `X'X` (`X` the centred values), from linfa-linalg's exact symmetric
//! eigendecomposition ([`Eigh`]). Respondents and role level vectors are
//! both projected onto them, so a role's marker sits where a respondent
//! answering exactly its levels would.

use linfa_linalg::eigh::Eigh;
use ndarray::{Array1, Array2, ArrayView2, Axis};

use super::{ClusterError, CohortData};

/// Points in the plane of the first two principal components.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// One row `(pc1, pc2)` per respondent, in input order.
    pub respondents: Array2<f64>,
    /// One row `(pc1, pc2)` per role, in matrix order.
    pub roles: Array2<f64>,
    /// The share of the respondents' total variance along each component.
    pub explained: [f64; 2],
}

/// Projects `data` and the role `levels` (roles x capabilities) onto the
/// respondents' first two principal components. Each component's sign is
/// fixed so that its largest loading is positive, so the picture does not
/// flip between runs or versions.
///
/// # Errors
/// [`ClusterError::Projection`] with fewer than 3 respondents, or when the
/// respondents vary in fewer than two directions (every respondent gave
/// the same answers, or all lie on one line). The message says why, to
/// finish the sentence "the map is not drawn: ...".
///
/// # Panics
/// If `levels` has another number of capabilities than `data`.
pub fn project(data: &CohortData, levels: ArrayView2<'_, f64>) -> Result<Projection, ClusterError> {
    let x = data.values();
    assert_eq!(
        levels.ncols(),
        x.ncols(),
        "roles and respondents share capabilities"
    );
    if x.nrows() < 3 {
        return Err(ClusterError::Projection(format!(
            "it needs at least 3 respondents, got {}",
            x.nrows()
        )));
    }
    if x.ncols() < 2 {
        return Err(ClusterError::Projection(format!(
            "it needs at least 2 capabilities, got {}",
            x.ncols()
        )));
    }
    let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(x.ncols()));
    let centred = &x - &mean;
    let total: f64 = centred.iter().map(|v| v * v).sum();
    if !total.is_finite() {
        return Err(ClusterError::Projection(
            "the respondents' values are not finite".into(),
        ));
    }
    if total.partial_cmp(&1e-12) != Some(std::cmp::Ordering::Greater) {
        return Err(ClusterError::Projection(
            "every respondent gave the same answers".into(),
        ));
    }
    let mut components = top_components(&centred.t().dot(&centred))?;
    for mut comp in components.outer_iter_mut() {
        let largest = comp
            .iter()
            .copied()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        if largest < 0.0 {
            comp.mapv_inplace(|v| -v);
        }
    }
    let respondents = centred.dot(&components.t());
    let roles = (&levels - &mean).dot(&components.t());
    let explained = {
        let var = |j: usize| respondents.column(j).iter().map(|v| v * v).sum::<f64>() / total;
        [var(0), var(1)]
    };
    if explained[1] < 1e-12 {
        return Err(ClusterError::Projection(
            "the respondents vary along a single direction only".into(),
        ));
    }
    Ok(Projection {
        respondents,
        roles,
        explained,
    })
}

/// The unit eigenvectors of the two largest eigenvalues of the symmetric
/// `scatter`, as rows (largest first; equal eigenvalues in the
/// decomposition's order).
fn top_components(scatter: &Array2<f64>) -> Result<Array2<f64>, ClusterError> {
    let undefined =
        |why: String| ClusterError::Projection(format!("the principal components are undefined ({why})"));
    let (values, vectors) = scatter.eigh().map_err(|e| undefined(e.to_string()))?;
    if !values.iter().chain(vectors.iter()).all(|v| v.is_finite()) {
        return Err(undefined("not finite".into()));
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[j].total_cmp(&values[i]).then(i.cmp(&j)));
    Ok(Array2::from_shape_fn((2, scatter.nrows()), |(r, k)| {
        vectors[[k, order[r]]]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa_linalg::svd::SVD;
    use ndarray::array;
    use rolefit_score::test_util::assert_close;

    #[test]
    fn projects_onto_the_main_directions() {
        // Spread mostly along (1, 1, 0), a little along (0, 0, 1).
        let x = array![
            [1.0, 1.0, 3.0],
            [2.0, 2.0, 3.5],
            [3.0, 3.0, 3.0],
            [4.0, 4.0, 2.5],
            [5.0, 5.0, 3.0],
        ];
        let data = CohortData::from_values(x);
        let levels = array![[5.0, 5.0, 3.0], [1.0, 1.0, 3.0]];
        let p = project(&data, levels.view()).unwrap();
        assert_eq!(p.respondents.dim(), (5, 2));
        assert_eq!(p.roles.dim(), (2, 2));
        assert!(
            p.explained[0] > 0.9 && p.explained[1] > 0.0,
            "{:?} {:?}",
            p.explained,
            p.respondents
        );
        assert!(p.explained[0] + p.explained[1] <= 1.0 + 1e-9);
        // The first component's largest loading is positive: the highest
        // respondent is on the right, and the role at (5, 5, 3) with them.
        assert!(p.respondents[[4, 0]] > p.respondents[[0, 0]]);
        assert_close(p.roles[[0, 0]], p.respondents[[4, 0]], 1e-6);
        assert_close(p.respondents.column(0).sum(), 0.0, 1e-9);
    }

    #[test]
    fn matches_an_independent_decomposition() {
        // Eight respondents on four capabilities; the reference is the
        // singular value decomposition of the centred values (another
        // algorithm on another matrix): its right singular vectors are the
        // components, its squared singular values the variances.
        let x = array![
            [1.0, 2.0, 4.0, 3.0],
            [2.0, 2.0, 5.0, 1.0],
            [4.0, 3.0, 1.0, 2.0],
            [5.0, 5.0, 2.0, 4.0],
            [3.0, 1.0, 3.0, 5.0],
            [4.0, 4.0, 4.0, 4.0],
            [1.0, 1.0, 2.0, 2.0],
            [5.0, 3.0, 1.0, 1.0],
        ];
        let levels = array![[1.0, 5.0, 2.0, 4.0], [3.0, 3.0, 3.0, 3.0]];
        let p = project(&CohortData::from_values(x.clone()), levels.view()).unwrap();

        let mean = x.mean_axis(Axis(0)).unwrap();
        let centred = &x - &mean;
        let (_, sigma, vt) = centred.svd(false, true).unwrap();
        let vt = vt.unwrap();
        let mut order: Vec<usize> = (0..sigma.len()).collect();
        order.sort_by(|&i, &j| sigma[j].total_cmp(&sigma[i]));
        let total: f64 = sigma.iter().map(|s| s * s).sum();
        for (c, &i) in order.iter().take(2).enumerate() {
            // The same direction up to its sign (the sign rule has its own
            // test above).
            let v = vt.row(i);
            let sign = if centred.dot(&v).dot(&p.respondents.column(c)) < 0.0 {
                -1.0
            } else {
                1.0
            };
            assert_close(p.explained[c], sigma[i] * sigma[i] / total, 1e-12);
            let expected = centred.dot(&v) * sign;
            for (a, b) in p.respondents.column(c).iter().zip(&expected) {
                assert_close(*a, *b, 1e-9);
            }
            let expected = (&levels - &mean).dot(&v) * sign;
            for (a, b) in p.roles.column(c).iter().zip(&expected) {
                assert_close(*a, *b, 1e-9);
            }
        }
    }

    /// The synthetic cohort of `rolefit synth matrix --roles 12
    /// --capabilities 30` and `rolefit synth responses --rows ROWS --seed
    /// SEED` (crates/cli/cmd/synth.rs: half-point levels on 1..5, answers
    /// `round(level + 0.75 z)` clipped to 1..5, no blanks).
    fn synthetic_cohort(rows: usize, seed: u64) -> Array2<f64> {
        use rand::{Rng, SeedableRng};
        use rand_chacha::ChaCha8Rng;
        use rand_distr::StandardNormal;
        let (roles, caps) = (12, 30);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let levels: Vec<f64> = (0..roles * caps)
            .map(|_| rng.gen_range(2..=10i64) as f64 / 2.0)
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = Array2::zeros((rows, caps));
        for mut row in x.outer_iter_mut() {
            let role = rng.gen_range(0..roles);
            for (cell, level) in row.iter_mut().zip(&levels[role * caps..(role + 1) * caps]) {
                let z: f64 = rng.sample(StandardNormal);
                *cell = (level + 0.75 * z).round().clamp(1.0, 5.0);
            }
        }
        x
    }

    #[test]
    fn the_cohort_that_made_lobpcg_panic_is_projected() {
        // linfa-reduction's Pca (LOBPCG) panicked with "NaN values in
        // array" on this cohort (issue 13).
        let data = CohortData::from_values(synthetic_cohort(19_000, 18));
        let levels = Array2::from_elem((2, 30), 3.0);
        let p = project(&data, levels.view()).unwrap();
        assert_eq!(p.respondents.dim(), (19_000, 2));
        assert!(p.respondents.iter().all(|v| v.is_finite()));
        assert!(p.explained[0] >= p.explained[1] && p.explained[1] > 0.0);
        assert!(p.explained[0] + p.explained[1] <= 1.0 + 1e-9);
    }

    #[test]
    fn refuses_degenerate_inputs() {
        let same = CohortData::from_values(Array2::from_elem((4, 3), 2.0));
        let levels = Array2::zeros((1, 3));
        assert!(matches!(
            project(&same, levels.view()),
            Err(ClusterError::Projection(_))
        ));
        let two = CohortData::from_values(array![[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]);
        assert!(project(&two, levels.view()).is_err());
    }
}
