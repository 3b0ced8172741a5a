//! Builders shared by the unit tests.

use rolefit_model::{Capability, ProfileBatch, Requirement, Role, RoleMatrix, Scale};

/// A matrix on the scale `1..5` with one role per row of
/// `(level, importance)` pairs.
pub(crate) fn matrix(roles: &[&[(f64, f64)]]) -> RoleMatrix {
    matrix_on(Scale::default(), roles)
}

/// A matrix on `scale` with one role per row of `(level, importance)` pairs.
pub(crate) fn matrix_on(scale: Scale, roles: &[&[(f64, f64)]]) -> RoleMatrix {
    let c = roles[0].len();
    let caps = (0..c)
        .map(|i| Capability::new(format!("c{i}"), format!("Capability {i}")))
        .collect();
    let roles = roles
        .iter()
        .enumerate()
        .map(|(j, reqs)| {
            let reqs = reqs
                .iter()
                .map(|&(level, importance)| Requirement { level, importance })
                .collect();
            Role::new(format!("r{j}"), format!("Role {j}"), reqs)
        })
        .collect();
    RoleMatrix::new("test", "test", scale, caps, roles).expect("test matrix is valid")
}

/// A batch of `c` capabilities with respondents `p0`, `p1`, ...
pub(crate) fn batch(c: usize, rows: &[&[Option<f64>]]) -> ProfileBatch {
    let mut b = ProfileBatch::new(c);
    for (i, row) in rows.iter().enumerate() {
        b.push(format!("p{i}"), row);
    }
    b
}

/// The worked example of docs/strategies.md: scale 1..5, capabilities A, B,
/// C; role 0 asks for levels (4, 2, 3) with importances (2, 1, 1), role 1
/// for (2, 5, 1) with importances (1, 2, 1).
pub(crate) fn example_matrix() -> RoleMatrix {
    matrix(&[
        &[(4.0, 2.0), (2.0, 1.0), (3.0, 1.0)],
        &[(2.0, 1.0), (5.0, 2.0), (1.0, 1.0)],
    ])
}

/// The worked example's respondent: A = 4, B blank, C = 2.
pub(crate) fn example_batch() -> ProfileBatch {
    batch(3, &[&[Some(4.0), None, Some(2.0)]])
}

/// Asserts `|a - b| <= tol`.
#[track_caller]
pub(crate) fn assert_close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} != {b} (tolerance {tol})");
}
