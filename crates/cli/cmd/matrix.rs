//! `rolefit matrix check`: validate a role matrix file and summarise it.

use std::io::Write;

use anyhow::Result;
use rolefit_model::RoleMatrix;

use crate::args::{MatrixCheckArgs, MatrixSource};
use crate::io::Output;
use crate::load;
use crate::render::number;

/// Runs `rolefit matrix check`. An invalid file is an error (exit 2) from
/// the importer; a valid one gets a summary and any warnings.
pub fn check(args: &MatrixCheckArgs) -> Result<()> {
    let source = MatrixSource {
        matrix: args.files.clone(),
        matrix_scale: args.matrix_scale,
        max_unzipped_mib: args.max_unzipped_mib,
    };
    let loaded = load::matrix(&source)?;
    let mut text = summary(&loaded.matrix);
    text.push_str(&format!("  layout: {}\n", loaded.layouts.join(" + ")));
    for note in &loaded.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    if loaded.onet {
        text.push_str(&format!("credit: {}\n", rolefit_import::ONET_CREDIT));
    }
    let mut out = Output::create(None)?;
    out.write_all(text.as_bytes())?;
    out.finish()
}

/// The summary and warnings for a valid matrix.
pub fn summary(matrix: &RoleMatrix) -> String {
    let roles = matrix.roles();
    let caps = matrix.capabilities();
    let cells = roles.len() * caps.len();
    let weighted = roles
        .iter()
        .flat_map(|r| &r.requirements)
        .filter(|q| q.importance > 0.0)
        .count();
    let mut s = format!(
        "ok: {} is a valid role matrix\n  roles: {}\n  capabilities: {}\n  scale: {}\n  cells with importance > 0: {weighted} of {cells}\n",
        matrix.source(),
        roles.len(),
        caps.len(),
        matrix.scale(),
    );
    for role in roles.iter().take(20) {
        let used: Vec<_> = role.requirements.iter().filter(|q| q.importance > 0.0).collect();
        let total: f64 = used.iter().map(|q| q.importance).sum();
        let mean = used.iter().map(|q| q.importance * q.level).sum::<f64>() / total;
        s.push_str(&format!(
            "  - {}: {} capabilities, importance-weighted mean level {}\n",
            role.name,
            used.len(),
            number(mean, 2)
        ));
    }
    if roles.len() > 20 {
        s.push_str(&format!("  - ... and {} more roles\n", roles.len() - 20));
    }
    for warning in warnings(matrix) {
        s.push_str(&format!("warning: {warning}\n"));
    }
    s
}

/// Things that are valid but probably not meant.
fn warnings(matrix: &RoleMatrix) -> Vec<String> {
    let roles = matrix.roles();
    let mut out = Vec::new();
    for (c, cap) in matrix.capabilities().iter().enumerate() {
        if roles.iter().all(|r| r.requirements[c].importance == 0.0) {
            out.push(format!(
                "capability {:?} has importance 0 in every role, so it never affects a score",
                cap.name
            ));
        }
    }
    for (i, a) in roles.iter().enumerate() {
        if let Some(b) = roles[..i].iter().find(|b| b.requirements == a.requirements) {
            out.push(format!(
                "roles {:?} and {:?} have identical levels and importances; no respondent can tell them apart",
                b.name, a.name
            ));
        }
        let used = a.requirements.iter().filter(|q| q.importance > 0.0).count();
        if used == 1 {
            out.push(format!(
                "role {:?} weighs a single capability; pearson and cosine are not meaningful for it",
                a.name
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rolefit_model::{Capability, Requirement, Role, Scale};

    #[test]
    fn warns_about_unused_capabilities_and_twin_roles() {
        let caps = vec![Capability::new("a", "A"), Capability::new("b", "B")];
        let reqs = vec![
            Requirement::level(3.0),
            Requirement {
                level: 1.0,
                importance: 0.0,
            },
        ];
        let roles = vec![Role::new("x", "X", reqs.clone()), Role::new("y", "Y", reqs)];
        let m = RoleMatrix::new("m", "m.csv", Scale::default(), caps, roles).unwrap();
        let w = warnings(&m);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("\"B\" has importance 0 in every role"));
        assert!(w.iter().any(|x| x.contains("\"X\" and \"Y\" have identical")));
        let s = summary(&m);
        assert!(s.starts_with("ok: m.csv is a valid role matrix"));
        assert!(s.contains("cells with importance > 0: 2 of 4"));
    }
}
