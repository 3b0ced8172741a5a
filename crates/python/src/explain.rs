//! The explanation columns of `score(..., explain=True)`: the texts
//! `rolefit score --explain --format csv` writes, from the score crate.

use rolefit_import::ColumnPlan;
use rolefit_model::RoleMatrix;
use rolefit_score::text::{listed, number};
use rolefit_score::{explain, CompiledMatrix, Strategy};

/// The strengths, gaps and above-level texts of a ranked role, answers and
/// levels shown on the scale the answers were given on (as the CLI shows
/// them), lists joined by `; ` as in the CSV.
pub(crate) fn texts<'a>(
    matrix: &'a RoleMatrix,
    compiled: &'a CompiledMatrix,
    strategy: &'a dyn Strategy,
    plan: &ColumnPlan,
) -> impl Fn(&[f64], &[bool], rolefit_score::RankedRole) -> [String; 3] + Sync + 'a {
    let answers = plan.response_scale().scale();
    let scale = matrix.scale();
    move |values, answered, ranked| {
        let e = explain(compiled, strategy, values, answered, ranked);
        let shown = |v: f64| number(scale.map_to(v, &answers), 2);
        listed(&e, matrix.capabilities(), &shown, "; ")
    }
}
