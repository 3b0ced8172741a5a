//! The role overlap as `matrix overlap` and `report` both show it: the
//! size check before comparing every pair of roles, the similarity
//! heatmap, and the words for what separates a pair and for a
//! near-duplicate pair (see [`rolefit_score::overlap`] for the
//! definitions).

use anyhow::Result;
use rolefit_model::RoleMatrix;
use rolefit_score::overlap::{near_duplicate_threshold, Overlap, RolePair};
use rolefit_score::Strategy;

use crate::args::OverlapLimit;
use crate::error::bad_input;
use crate::plot::heatmap;
use crate::render::number;

/// The heatmap shows at most this many roles (the first in dendrogram
/// order): a larger SVG would be unreadable and slow.
pub const HEATMAP_MAX: usize = 150;

/// Refuses a matrix of more roles than `--max-overlap-roles`: comparing
/// every pair takes memory in the square of the roles and time in the
/// cube (the average-linkage grouping), so tens of thousands of roles
/// would take gigabytes and hours.
pub fn check_size(matrix: &RoleMatrix, limit: OverlapLimit) -> Result<()> {
    let (roles, max) = (matrix.roles().len(), limit.max_overlap_roles as usize);
    if roles <= max {
        return Ok(());
    }
    Err(bad_input(format!(
        "{}: the role matrix is too large to compare its roles pairwise: {roles} roles, more than the \
         limit of {max}; expected at most {max} roles (memory grows with the square of the roles and \
         time with the cube); pass --max-overlap-roles N to raise the limit",
        matrix.source()
    )))
}

/// The heatmap of `o`, roles in `order` (at most [`HEATMAP_MAX`] shown).
pub fn overlap_heatmap(
    matrix: &RoleMatrix,
    o: &Overlap,
    strategy: &dyn Strategy,
    order: &[usize],
    note: Option<&str>,
) -> Result<String> {
    let shown = &order[..order.len().min(HEATMAP_MAX)];
    let names: Vec<String> = shown.iter().map(|&j| matrix.roles()[j].name.clone()).collect();
    let s = o.similarity();
    let values: Vec<Vec<f64>> = shown
        .iter()
        .map(|&a| shown.iter().map(|&b| s[[a, b]]).collect())
        .collect();
    let title = format!("Role similarity ({})", strategy.name());
    let mut text = note.map(str::to_string).unwrap_or_else(|| {
        "Each role's levels scored against the other role, averaged both ways; roles in dendrogram order."
            .into()
    });
    if shown.len() < order.len() {
        text.push_str(&format!(
            " The first {} of {} roles are shown.",
            shown.len(),
            order.len()
        ));
    }
    heatmap::heatmap(&heatmap::Heatmap {
        title: &title,
        note: Some(&text),
        names: &names,
        values: &values,
    })
}

/// "Cap (4 vs 2), ..." for a pair.
pub fn separating_text(matrix: &RoleMatrix, p: &RolePair) -> String {
    separating_list(matrix, p, ", ")
}

/// The capabilities that separate a pair most, each as "Cap (4 vs 2)",
/// joined by `separator`.
pub fn separating_list(matrix: &RoleMatrix, p: &RolePair, separator: &str) -> String {
    p.separating
        .iter()
        .map(|s| {
            format!(
                "{} ({} vs {})",
                matrix.capabilities()[s.capability].name,
                number(s.level_a, 2),
                number(s.level_b, 2)
            )
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// The warning for a near-duplicate pair.
pub fn near_duplicate_text(matrix: &RoleMatrix, p: &RolePair, strategy: &dyn Strategy) -> String {
    let (a, b) = (&matrix.roles()[p.a].name, &matrix.roles()[p.b].name);
    let what = if p.separating.is_empty() {
        "they have the same levels everywhere".to_string()
    } else {
        format!("they differ most in {}", separating_text(matrix, p))
    };
    format!(
        "roles {a:?} and {b:?} are near duplicates (similarity {:.3} >= {} under {}): {what}; few answers will tell them apart",
        p.similarity,
        near_duplicate_threshold(strategy.name()),
        strategy.name()
    )
}
