//! How alike the roles of a matrix are, what separates them, and which
//! roles group together.
//!
//! # Similarity
//! Role `a`'s levels are scored as a respondent's profile against role `b`
//! with the chosen strategy: `S(a, b)`. The profile answers exactly the
//! capabilities `a` weighs (importance > 0); the others are left blank, as
//! the role says nothing about them. `S` is not symmetric in general (the
//! strategy weighs by `b`'s importances), so the reported similarity is the
//! mean of both directions:
//!
//! ```text
//! sim(a, b) = (S(a, b) + S(b, a)) / 2
//! ```
//!
//! It is `1` on the diagonal for every built-in strategy whose score of a
//! profile equal to the role is 1 (all but degenerate roles).
//!
//! # What separates two roles
//! For each capability `c` either role weighs, the importance-weighted
//! level difference `|r_a,c - r_b,c| * (w_a,c + w_b,c) / 2`; the
//! [`SEPARATING`] largest are listed.
//!
//! # Near duplicates
//! A pair whose similarity reaches [`near_duplicate_threshold`] for the
//! strategy is one that few survey answers separate. The thresholds are
//! set so that each strategy flags about the same thing: two roles whose
//! levels differ by about 0.2 points on 1..5 (5% of the scale width),
//! importance-weighted root mean square, and no more:
//!
//! | strategy | threshold | why |
//! | --- | --- | --- |
//! | `euclidean`, `manhattan`, `coverage`, others | 0.95 | these are `1 - distance / width`, so 0.95 is 5% of the width |
//! | `pearson` | 0.98 | with levels spread about one point around their mean, a 0.2-point difference costs about `0.2^2 / 2` of correlation |
//! | `cosine` | 0.998 | levels are all positive, so every pair of roles has a cosine above 0.9; 0.2 points next to levels near 3.5 is an angle of about 3 degrees |
//!
//! Roles with identical levels and importances reach 1 under every
//! built-in strategy.
//!
//! # Grouping
//! Agglomerative clustering with average linkage (UPGMA) on the distance
//! `1 - sim`: start with every role alone, repeatedly merge the two groups
//! of smallest mean pairwise distance (ties: the pair created first), until
//! one group is left. The merges form a dendrogram; cutting it where the
//! average similarity falls below [`group_threshold`] gives the groups
//! that are reported: 0.9 for the distance-like strategies (levels about
//! 0.4 points apart on 1..5, 10% of the width), 0.92 for `pearson` and
//! 0.994 for `cosine`, by the same reasoning as the near-duplicate
//! thresholds.

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use crate::{CompiledMatrix, ScoreError, Strategy};

/// Similarity from which two roles are reported as near duplicates under
/// the distance-like strategies (see [`near_duplicate_threshold`]).
pub const NEAR_DUPLICATE: f64 = 0.95;

/// The similarity from which two roles count as near duplicates under the
/// strategy called `strategy` (see the module docs for the reasoning).
pub fn near_duplicate_threshold(strategy: &str) -> f64 {
    match strategy.to_ascii_lowercase().as_str() {
        "cosine" => 0.998,
        "pearson" => 0.98,
        _ => NEAR_DUPLICATE,
    }
}

/// The similarity from which roles group together under the strategy
/// called `strategy`: the dendrogram is cut at distance `1 - this`.
pub fn group_threshold(strategy: &str) -> f64 {
    match strategy.to_ascii_lowercase().as_str() {
        "cosine" => 0.994,
        "pearson" => 0.92,
        _ => 0.9,
    }
}

/// How many separating capabilities are listed per pair.
pub const SEPARATING: usize = 3;

/// A capability on which two roles differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Separation {
    /// The capability's index in the matrix.
    pub capability: usize,
    /// Role `a`'s level.
    pub level_a: f64,
    /// Role `b`'s level.
    pub level_b: f64,
    /// `|level_a - level_b| * (w_a + w_b) / 2`.
    pub weighted_difference: f64,
}

/// Two roles compared.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePair {
    /// The first role's index (`a < b`).
    pub a: usize,
    /// The second role's index.
    pub b: usize,
    /// `(S(a, b) + S(b, a)) / 2`.
    pub similarity: f64,
    /// The capabilities that separate them most, largest first (at most
    /// [`SEPARATING`]; only those with a non-zero difference).
    pub separating: Vec<Separation>,
}

/// One step of the agglomerative grouping.
///
/// Nodes are numbered like SciPy's linkage: `0..n` are the roles, and
/// `n + i` is the group made by merge `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The node merged on the left (the older one).
    pub left: usize,
    /// The node merged on the right.
    pub right: usize,
    /// The average distance `1 - sim` between their roles.
    pub distance: f64,
    /// The roles of the new group, in matrix order.
    pub members: Vec<usize>,
}

/// The overlap of a matrix's roles under one strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    directed: Array2<f64>,
    similarity: Array2<f64>,
    pairs: Vec<RolePair>,
    merges: Vec<Merge>,
}

impl Overlap {
    /// `S(a, b)`: role `a`'s levels scored as a profile against role `b`.
    pub fn directed(&self) -> &Array2<f64> {
        &self.directed
    }

    /// The symmetric similarity, roles x roles.
    pub fn similarity(&self) -> &Array2<f64> {
        &self.similarity
    }

    /// Every pair `a < b`, in matrix order.
    pub fn pairs(&self) -> &[RolePair] {
        &self.pairs
    }

    /// The pairs whose similarity is at least `threshold`, most similar
    /// first.
    pub fn near_duplicates(&self, threshold: f64) -> Vec<&RolePair> {
        let mut out: Vec<&RolePair> = self.pairs.iter().filter(|p| p.similarity >= threshold).collect();
        out.sort_by(|x, y| {
            y.similarity
                .total_cmp(&x.similarity)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        out
    }

    /// The merges of the dendrogram, in order (`n - 1` for `n` roles).
    pub fn merges(&self) -> &[Merge] {
        &self.merges
    }

    /// The roles in dendrogram order (left to right), which puts similar
    /// roles next to each other: the order for a heatmap.
    pub fn leaf_order(&self) -> Vec<usize> {
        let n = self.similarity.nrows();
        if self.merges.is_empty() {
            return (0..n).collect();
        }
        let mut out = Vec::with_capacity(n);
        // The root is the last merge's node.
        let mut stack = vec![n + self.merges.len() - 1];
        while let Some(node) = stack.pop() {
            if node < n {
                out.push(node);
            } else {
                let m = &self.merges[node - n];
                stack.push(m.right);
                stack.push(m.left);
            }
        }
        out
    }

    /// The groups of roles whose merges happened at distance `<= cut`,
    /// each in matrix order, ordered by their first role; roles that join
    /// no one form groups of one.
    pub fn groups(&self, cut: f64) -> Vec<Vec<usize>> {
        let n = self.similarity.nrows();
        // Union-find over the merges below the cut.
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        for m in self.merges.iter().filter(|m| m.distance <= cut) {
            let a = m.members[0];
            for &r in &m.members[1..] {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, r));
                if ra != rb {
                    parent[rb.max(ra)] = ra.min(rb);
                }
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut index = vec![usize::MAX; n];
        for r in 0..n {
            let root = find(&mut parent, r);
            if index[root] == usize::MAX {
                index[root] = groups.len();
                groups.push(Vec::new());
            }
            groups[index[root]].push(r);
        }
        groups
    }
}

/// Compares every role of `matrix` with every other under `strategy`.
///
/// # Errors
/// Whatever the strategy returns on the role profiles (the built-ins
/// never fail on them).
pub fn overlap(matrix: &CompiledMatrix, strategy: &dyn Strategy) -> Result<Overlap, ScoreError> {
    let (k, c) = (matrix.n_roles(), matrix.n_capabilities());
    let levels = matrix.levels();
    let weights = matrix.importances();
    let mut batch = ProfileBatch::with_capacity(c, k);
    let mut row = vec![None; c];
    for j in 0..k {
        for (i, cell) in row.iter_mut().enumerate() {
            *cell = (weights[[j, i]] > 0.0).then_some(levels[[j, i]]);
        }
        batch.push(format!("role {j}"), &row);
    }
    let directed = strategy.score(matrix, &batch)?;
    if directed.dim() != (k, k) || !directed.iter().all(|s| s.is_finite()) {
        return Err(ScoreError::Strategy {
            name: strategy.name().to_string(),
            message: "returned unusable scores for the role profiles".into(),
        });
    }
    let similarity = Array2::from_shape_fn((k, k), |(a, b)| 0.5 * (directed[[a, b]] + directed[[b, a]]));

    let mut pairs = Vec::with_capacity(k * k.saturating_sub(1) / 2);
    for a in 0..k {
        for b in a + 1..k {
            // The SEPARATING largest differences, kept sorted as they come
            // (largest first, ties by capability): no list of all of them.
            let mut separating: Vec<Separation> = Vec::with_capacity(SEPARATING);
            for i in 0..c {
                let (la, lb) = (levels[[a, i]], levels[[b, i]]);
                let weighted_difference = (la - lb).abs() * 0.5 * (weights[[a, i]] + weights[[b, i]]);
                if weighted_difference <= 0.0 {
                    continue;
                }
                // Capabilities come in increasing order, so a tie goes after.
                let at = separating
                    .iter()
                    .position(|s| s.weighted_difference.total_cmp(&weighted_difference).is_lt())
                    .unwrap_or(separating.len());
                if at < SEPARATING {
                    if separating.len() == SEPARATING {
                        separating.pop();
                    }
                    separating.insert(
                        at,
                        Separation {
                            capability: i,
                            level_a: la,
                            level_b: lb,
                            weighted_difference,
                        },
                    );
                }
            }
            pairs.push(RolePair {
                a,
                b,
                similarity: similarity[[a, b]],
                separating,
            });
        }
    }
    let merges = average_linkage(&similarity);
    Ok(Overlap {
        directed,
        similarity,
        pairs,
        merges,
    })
}

/// UPGMA on `1 - similarity`; see the module docs.
fn average_linkage(similarity: &Array2<f64>) -> Vec<Merge> {
    let n = similarity.nrows();
    // Active groups: (node id, members); distances between active groups
    // kept in a matrix indexed by slot.
    let mut nodes: Vec<Option<(usize, Vec<usize>)>> = (0..n).map(|i| Some((i, vec![i]))).collect();
    let mut dist = Array2::from_shape_fn((n, n), |(a, b)| (1.0 - similarity[[a, b]]).max(0.0));
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    for step in 0..n.saturating_sub(1) {
        let mut best: Option<(usize, usize, f64)> = None;
        for i in 0..n {
            if nodes[i].is_none() {
                continue;
            }
            for j in i + 1..n {
                if nodes[j].is_none() {
                    continue;
                }
                let d = dist[[i, j]];
                if best.is_none_or(|(_, _, b)| d < b) {
                    best = Some((i, j, d));
                }
            }
        }
        let Some((i, j, d)) = best else { break };
        let (id_i, mem_i) = nodes[i].take().unwrap_or_default();
        let (id_j, mem_j) = nodes[j].take().unwrap_or_default();
        let (si, sj) = (mem_i.len() as f64, mem_j.len() as f64);
        for m in 0..n {
            if m != i && m != j && nodes[m].is_some() {
                let v = (si * dist[[i, m]] + sj * dist[[j, m]]) / (si + sj);
                dist[[i, m]] = v;
                dist[[m, i]] = v;
            }
        }
        let mut members = mem_i;
        members.extend(mem_j);
        members.sort_unstable();
        let (left, right) = if id_i < id_j { (id_i, id_j) } else { (id_j, id_i) };
        merges.push(Merge {
            left,
            right,
            distance: d,
            members: members.clone(),
        });
        nodes[i] = Some((n + step, members));
    }
    merges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_close, matrix};
    use crate::{Cosine, Euclidean};

    fn four_roles() -> CompiledMatrix {
        CompiledMatrix::new(&matrix(&[
            &[(5.0, 1.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)],
            &[(5.0, 1.0), (1.0, 1.0), (3.0, 1.0), (2.5, 1.0)],
            &[(1.0, 1.0), (5.0, 2.0), (3.0, 1.0), (4.0, 1.0)],
            &[(1.0, 1.0), (4.0, 1.0), (2.0, 1.0), (4.0, 1.0)],
        ]))
    }

    #[test]
    fn similarity_is_symmetric_with_a_unit_diagonal() {
        let o = overlap(&four_roles(), &Euclidean).unwrap();
        let s = o.similarity();
        for a in 0..4 {
            assert_close(s[[a, a]], 1.0, 1e-12);
            for b in 0..4 {
                assert_eq!(s[[a, b]], s[[b, a]]);
            }
        }
        assert_eq!(o.pairs().len(), 6);
        // Roles 0 and 1 differ by half a point on one capability of four:
        // RMS 0.25 of a 4-point scale.
        assert_close(s[[0, 1]], 1.0 - (0.25f64 / 4.0).sqrt() / 4.0, 1e-12);
        assert!(s[[0, 2]] < s[[0, 1]]);
    }

    #[test]
    fn separating_capabilities_are_weighted_level_differences() {
        let o = overlap(&four_roles(), &Euclidean).unwrap();
        let p = o.pairs().iter().find(|p| (p.a, p.b) == (0, 2)).unwrap();
        // Capability 1: |1 - 5| * (1 + 2) / 2 = 6; capability 0: 4.
        assert_eq!(p.separating[0].capability, 1);
        assert_close(p.separating[0].weighted_difference, 6.0, 1e-12);
        assert_eq!((p.separating[0].level_a, p.separating[0].level_b), (1.0, 5.0));
        assert_eq!(p.separating[1].capability, 0);
        assert_eq!(p.separating.len(), 3);
        let twins = o.pairs().iter().find(|p| (p.a, p.b) == (0, 1)).unwrap();
        assert_eq!(twins.separating.len(), 1, "only one capability differs");
    }

    #[test]
    fn identical_roles_are_near_duplicates() {
        let m = CompiledMatrix::new(&matrix(&[
            &[(4.0, 1.0), (2.0, 3.0), (3.0, 1.0)],
            &[(1.0, 1.0), (5.0, 1.0), (2.0, 1.0)],
            &[(4.0, 1.0), (2.0, 3.0), (3.0, 1.0)],
        ]));
        for strategy in [&Euclidean as &dyn Strategy, &Cosine] {
            let o = overlap(&m, strategy).unwrap();
            let dups = o.near_duplicates(near_duplicate_threshold(strategy.name()));
            assert!(dups.iter().any(|p| (p.a, p.b) == (0, 2)), "{}", strategy.name());
            assert_close(o.similarity()[[0, 2]], 1.0, 1e-12);
        }
        let o = overlap(&m, &Euclidean).unwrap();
        assert_eq!(o.near_duplicates(NEAR_DUPLICATE).len(), 1);
        assert_eq!(o.merges()[0].distance, 0.0);
        assert_eq!(o.merges()[0].members, vec![0, 2]);
    }

    #[test]
    fn thresholds_depend_on_the_strategy() {
        assert_eq!(near_duplicate_threshold("euclidean"), NEAR_DUPLICATE);
        assert_eq!(near_duplicate_threshold("Cosine"), 0.998);
        assert_eq!(near_duplicate_threshold("pearson"), 0.98);
        assert_eq!(near_duplicate_threshold("my-plugin"), NEAR_DUPLICATE);
        assert_eq!(group_threshold("euclidean"), 0.9);
        assert!(group_threshold("cosine") < near_duplicate_threshold("cosine"));
    }

    #[test]
    fn average_linkage_builds_the_dendrogram() {
        let o = overlap(&four_roles(), &Euclidean).unwrap();
        let m = o.merges();
        assert_eq!(m.len(), 3);
        // The closest pair first, then the other pair, then everything.
        assert_eq!((m[0].left, m[0].right), (0, 1));
        assert_eq!(m[1].members, vec![2, 3]);
        assert_eq!(m[2].members, vec![0, 1, 2, 3]);
        assert_eq!((m[2].left, m[2].right), (4, 5));
        assert!(m.windows(2).all(|w| w[0].distance <= w[1].distance));
        // The last merge's distance is the mean of the four cross distances.
        let s = o.similarity();
        let cross = [(0, 2), (0, 3), (1, 2), (1, 3)]
            .iter()
            .map(|&(a, b)| 1.0 - s[[a, b]])
            .sum::<f64>()
            / 4.0;
        assert_close(m[2].distance, cross, 1e-12);
        assert_eq!(o.leaf_order(), vec![0, 1, 2, 3]);
        let groups = o.groups(m[1].distance);
        assert_eq!(groups, vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(o.groups(-1.0).len(), 4);
        assert_eq!(o.groups(2.0), vec![vec![0, 1, 2, 3]]);
    }

    proptest::proptest! {
        /// The separating capabilities kept as they come are those of
        /// sorting every difference (largest first, ties by capability)
        /// and keeping the first few; levels on a half-point grid make ties.
        #[test]
        fn separating_capabilities_are_the_largest_differences(
            cells in proptest::collection::vec(
                proptest::collection::vec((2u8..=10, 0u8..=2), 6), 2..5),
        ) {
            let rows: Vec<Vec<(f64, f64)>> = cells
                .iter()
                .map(|r| r.iter().map(|&(l, w)| (f64::from(l) / 2.0, f64::from(w.max(1)))).collect())
                .collect();
            let refs: Vec<&[(f64, f64)]> = rows.iter().map(Vec::as_slice).collect();
            let m = CompiledMatrix::new(&matrix(&refs));
            let o = overlap(&m, &Euclidean).unwrap();
            for p in o.pairs() {
                let mut all: Vec<(f64, usize)> = (0..6)
                    .map(|i| {
                        let (a, b) = (rows[p.a][i], rows[p.b][i]);
                        ((a.0 - b.0).abs() * 0.5 * (a.1 + b.1), i)
                    })
                    .filter(|d| d.0 > 0.0)
                    .collect();
                all.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                all.truncate(SEPARATING);
                let got: Vec<(f64, usize)> =
                    p.separating.iter().map(|s| (s.weighted_difference, s.capability)).collect();
                proptest::prop_assert_eq!(got, all);
            }
        }
    }

    #[test]
    fn a_single_role_has_no_pairs() {
        let m = CompiledMatrix::new(&matrix(&[&[(4.0, 1.0), (2.0, 1.0)]]));
        let o = overlap(&m, &Euclidean).unwrap();
        assert!(o.pairs().is_empty() && o.merges().is_empty());
        assert_eq!(o.leaf_order(), vec![0]);
        assert_eq!(o.groups(1.0 - group_threshold("euclidean")), vec![vec![0]]);
    }
}
