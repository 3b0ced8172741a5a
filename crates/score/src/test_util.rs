//! Builders shared by the unit tests.

use rolefit_model::{Capability, ProfileBatch, Requirement, Role, RoleMatrix, Scale};

/// A matrix on the scale `1..5` with one role per row of
/// `(level, importance)` pairs.
pub fn matrix(roles: &[&[(f64, f64)]]) -> RoleMatrix {
    matrix_on(Scale::default(), roles)
}

/// A matrix on `scale` with one role per row of `(level, importance)` pairs.
pub fn matrix_on(scale: Scale, roles: &[&[(f64, f64)]]) -> RoleMatrix {
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
pub fn batch(c: usize, rows: &[&[Option<f64>]]) -> ProfileBatch {
    let mut b = ProfileBatch::new(c);
    for (i, row) in rows.iter().enumerate() {
        b.push(format!("p{i}"), row);
    }
    b
}

/// The worked example of docs/strategies.md: scale 1..5, capabilities A, B,
/// C; role 0 asks for levels (4, 2, 3) with importances (2, 1, 1), role 1
/// for (2, 5, 1) with importances (1, 2, 1).
pub fn example_matrix() -> RoleMatrix {
    matrix(&[
        &[(4.0, 2.0), (2.0, 1.0), (3.0, 1.0)],
        &[(2.0, 1.0), (5.0, 2.0), (1.0, 1.0)],
    ])
}

/// The worked example's respondent: A = 4, B blank, C = 2.
pub fn example_batch() -> ProfileBatch {
    batch(3, &[&[Some(4.0), None, Some(2.0)]])
}

/// Asserts `|a - b| <= tol`.
#[track_caller]
pub fn assert_close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} != {b} (tolerance {tol})");
}

/// A matrix of `k` roles over 3 capabilities, levels varied over the
/// scale in half points.
pub fn many_roles(k: usize) -> RoleMatrix {
    let rows: Vec<Vec<(f64, f64)>> = (0..k)
        .map(|j| {
            (0..3)
                .map(|c| (1.0 + ((j * (c + 2) + j / 7) % 9) as f64 / 2.0, 1.0))
                .collect()
        })
        .collect();
    let refs: Vec<&[(f64, f64)]> = rows.iter().map(Vec::as_slice).collect();
    matrix(&refs)
}

/// Wraps a strategy and records the most cells (profiles x roles) it was
/// asked to score in one call.
pub struct Largest<'a> {
    pub inner: &'a dyn crate::Strategy,
    pub cells: std::sync::atomic::AtomicUsize,
}

impl<'a> Largest<'a> {
    pub fn new(inner: &'a dyn crate::Strategy) -> Self {
        Largest {
            inner,
            cells: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    pub fn largest(&self) -> usize {
        self.cells.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl crate::Strategy for Largest<'_> {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn formula(&self) -> &str {
        self.inner.formula()
    }
    fn description(&self) -> &str {
        self.inner.description()
    }
    fn score_in(
        &self,
        matrix: &crate::CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut crate::Workspace,
    ) -> Result<ndarray::Array2<f64>, crate::ScoreError> {
        let cells = profiles.len() * matrix.n_roles();
        self.cells.fetch_max(cells, std::sync::atomic::Ordering::Relaxed);
        self.inner.score_in(matrix, profiles, ws)
    }
    fn contributions(
        &self,
        matrix: &crate::CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        self.inner.contributions(matrix, values, answered, role)
    }
}

/// `n` respondents over 3 capabilities with varied answers, some blank.
pub fn varied_batch(n: usize) -> ProfileBatch {
    let rows: Vec<Vec<Option<f64>>> = (0..n)
        .map(|i| {
            vec![
                Some(1.0 + (i % 5) as f64),
                (i % 4 != 0).then_some(1.0 + (i % 3) as f64),
                Some(1.0 + (i * 7 % 9) as f64 / 2.0),
            ]
        })
        .collect();
    let refs: Vec<&[Option<f64>]> = rows.iter().map(Vec::as_slice).collect();
    batch(3, &refs)
}
