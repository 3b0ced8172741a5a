//! Respondents and roles in two dimensions, for plots.
//!
//! Principal component analysis (linfa-reduction's `Pca`) finds the two
//! directions along which the respondents' values vary most; respondents
//! and role level vectors are both projected onto them, so a role's marker
//! sits where a respondent answering exactly its levels would.

use linfa::prelude::Fit;
use linfa::DatasetBase;
use linfa_reduction::Pca;
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
/// respondents vary in fewer than two directions.
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
    let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(x.ncols()));
    let centred = &x - &mean;
    let total: f64 = centred.iter().map(|v| v * v).sum();
    if total.partial_cmp(&1e-12) != Some(std::cmp::Ordering::Greater) {
        return Err(ClusterError::Projection(
            "every respondent gave the same answers".into(),
        ));
    }
    let covariance = centred.t().dot(&centred);
    let mut components = match Pca::params(2).fit(&DatasetBase::from(x.to_owned())) {
        Ok(model) if are_eigenvectors(&covariance, &model.components().view()) => {
            model.components().to_owned()
        }
        // linfa's truncated SVD (LOBPCG) needs a few more dimensions than
        // components and can return inexact vectors below that (2 or 3
        // capabilities): use the exact decomposition of the small
        // covariance matrix instead.
        _ => top_eigenvectors(&covariance, 2),
    };
    if components.dim() != (2, x.ncols()) || !components.iter().all(|v| v.is_finite()) {
        return Err(ClusterError::Projection(
            "the principal components are undefined".into(),
        ));
    }
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

/// Whether the rows of `v` are orthonormal eigenvectors of the symmetric
/// `a` (to `1e-6` relative to `a`'s largest diagonal entry), in
/// decreasing eigenvalue order.
fn are_eigenvectors(a: &Array2<f64>, v: &ArrayView2<'_, f64>) -> bool {
    let scale = a.diag().iter().fold(0.0f64, |m, &d| m.max(d.abs())).max(1e-300);
    if v.nrows() != 2 || v.ncols() != a.nrows() {
        return false;
    }
    let mut eigen = [0.0; 2];
    for (r, row) in v.outer_iter().enumerate() {
        let av = a.dot(&row);
        let lambda = row.dot(&av);
        let residual = (&av - &(&row * lambda)).mapv(|e| e * e).sum().sqrt();
        if (row.dot(&row) - 1.0).abs() > 1e-6 || residual > 1e-6 * scale {
            return false;
        }
        eigen[r] = lambda;
    }
    v.row(0).dot(&v.row(1)).abs() < 1e-6 && eigen[0] >= eigen[1] - 1e-9 * scale
}

/// The eigenvectors of the `count` largest eigenvalues of the symmetric
/// `a`, as rows, by cyclic Jacobi rotations (exact to rounding; `a` is a
/// capabilities x capabilities matrix, so this is cheap).
fn top_eigenvectors(a: &Array2<f64>, count: usize) -> Array2<f64> {
    let n = a.nrows();
    let mut m = a.clone();
    let mut v = Array2::<f64>::eye(n);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| m[[p, q]] * m[[p, q]])
            .sum();
        let total: f64 = m.iter().map(|x| x * x).sum();
        if off <= 1e-30 * total.max(1e-300) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if m[[p, q]].abs() < 1e-300 {
                    continue;
                }
                let theta = (m[[q, q]] - m[[p, p]]) / (2.0 * m[[p, q]]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkq) = (m[[k, p]], m[[k, q]]);
                    m[[k, p]] = c * mkp - s * mkq;
                    m[[k, q]] = s * mkp + c * mkq;
                }
                for k in 0..n {
                    let (mpk, mqk) = (m[[p, k]], m[[q, k]]);
                    m[[p, k]] = c * mpk - s * mqk;
                    m[[q, k]] = s * mpk + c * mqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[[k, p]], v[[k, q]]);
                    v[[k, p]] = c * vkp - s * vkq;
                    v[[k, q]] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| m[[j, j]].total_cmp(&m[[i, i]]).then(i.cmp(&j)));
    Array2::from_shape_fn((count.min(n), n), |(r, k)| v[[k, order[r]]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::assert_close;
    use ndarray::array;

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
    fn jacobi_matches_a_known_decomposition() {
        let a = array![[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 0.5]];
        let v = top_eigenvectors(&a, 2);
        assert!(are_eigenvectors(&a, &v.view()));
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert_close(v[[0, 0]].abs(), h, 1e-12);
        assert_close(v[[0, 1]].abs(), h, 1e-12);
        // Eigenvalues 3, 1 and 0.5: the second is (1, -1, 0) / sqrt(2).
        assert_close(v[[1, 2]], 0.0, 1e-12);
        assert_close(v[[1, 0]], -v[[1, 1]], 1e-12);
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
