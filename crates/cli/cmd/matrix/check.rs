//! `rolefit matrix check`: validate a role matrix file and summarise it.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;

use anyhow::Result;
use clap::Args;
use rolefit_model::{Requirement, Role, RoleMatrix};
use serde_json::{json, Value};

use crate::args::{Emit, ListFormat, MatrixFiles};
use crate::io::Output;
use crate::load::{self, Loaded};
use crate::render::{counted, number};
use crate::settings::Settings;

/// `rolefit matrix check`
#[derive(Debug, Args)]
pub struct MatrixCheckArgs {
    #[command(flatten)]
    pub files: MatrixFiles,
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
}

/// At most this many warnings of one kind are listed, then a count.
const WARNINGS_OF_A_KIND: usize = 20;

/// Runs `rolefit matrix check`. An invalid file is an error (exit 2) from
/// the importer; a valid one gets a summary and any warnings: as a table
/// (warnings and notes included), as JSON (the same, as fields), or as CSV
/// (a row per role; warnings, notes and the O*NET credit on standard
/// error, as every command says them).
pub fn run(args: &MatrixCheckArgs, settings: &Settings) -> Result<()> {
    let source = args.files.source();
    let format = args.emit.chosen("matrix check")?;
    let loaded = load::matrix(&source, settings)?;
    let text = match format {
        ListFormat::Table => crate::render::terminal(&check_table(&loaded)).into_owned(),
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&check_json(&loaded))?;
            s.push('\n');
            s
        }
        ListFormat::Csv => {
            for warning in warnings(&loaded.matrix) {
                eprintln!("warning: {}", crate::render::terminal(&warning));
            }
            loaded.print_notes(settings);
            check_csv(&loaded.matrix, settings.sanitize)?
        }
    };
    let mut out = Output::create(args.emit.output())?;
    out.write_all(text.as_bytes())?;
    out.finish()
}

/// The O*NET credit, for a matrix read from O*NET data.
fn credit(loaded: &Loaded) -> Option<&str> {
    loaded.credit.as_deref()
}

/// The table format: the summary, the layout, notes and the credit.
fn check_table(loaded: &Loaded) -> String {
    let mut text = summary(&loaded.matrix);
    text.push_str(&format!("  layout: {}\n", loaded.layouts.join(" + ")));
    for note in &loaded.notes {
        text.push_str(&format!("note: {note}\n"));
    }
    if let Some(credit) = credit(loaded) {
        text.push_str(&format!("credit: {credit}\n"));
    }
    text
}

/// The JSON format: everything the table says, as fields.
fn check_json(loaded: &Loaded) -> Value {
    let matrix = &loaded.matrix;
    let (cells, weighted) = cell_counts(matrix);
    json!({
        "matrix": matrix.source(),
        "valid": true,
        "layout": loaded.layouts.join(" + "),
        "scale": { "min": matrix.scale().min(), "max": matrix.scale().max() },
        "capabilities": matrix.capabilities().len(),
        "cells": cells,
        "weighted_cells": weighted,
        "roles": matrix.roles().iter().map(|r| {
            let (capabilities, mean_level) = weighted_level(r);
            json!({
                "id": r.id,
                "name": r.name,
                "capabilities": capabilities,
                "mean_level": mean_level,
            })
        }).collect::<Vec<_>>(),
        "warnings": warnings(matrix),
        "notes": loaded.notes,
        "credit": credit(loaded),
    })
}

/// The CSV format: a row per role, `role,capabilities,mean_level`.
fn check_csv(matrix: &RoleMatrix, sanitize: bool) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["role", "capabilities", "mean_level"])?;
    for role in matrix.roles() {
        let (capabilities, mean_level) = weighted_level(role);
        crate::render::write_safe(
            &mut w,
            [
                role.name.as_str(),
                &capabilities.to_string(),
                &mean_level.to_string(),
            ],
            sanitize,
        )?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?)?)
}

/// The cells of the matrix, and those with an importance above 0.
fn cell_counts(matrix: &RoleMatrix) -> (usize, usize) {
    let cells = matrix.roles().len() * matrix.capabilities().len();
    let weighted = matrix
        .roles()
        .iter()
        .flat_map(|r| &r.requirements)
        .filter(|q| q.importance > 0.0)
        .count();
    (cells, weighted)
}

/// How many capabilities `role` weighs (importance above 0), and its
/// importance-weighted mean level over them.
fn weighted_level(role: &Role) -> (usize, f64) {
    let used: Vec<_> = role.requirements.iter().filter(|q| q.importance > 0.0).collect();
    let total: f64 = used.iter().map(|q| q.importance).sum();
    let mean = used.iter().map(|q| q.importance * q.level).sum::<f64>() / total;
    (used.len(), mean)
}

/// The summary and warnings for a valid matrix.
pub fn summary(matrix: &RoleMatrix) -> String {
    let roles = matrix.roles();
    let caps = matrix.capabilities();
    let (cells, weighted) = cell_counts(matrix);
    let mut s = format!(
        "ok: {} is a valid role matrix\n  roles: {}\n  capabilities: {}\n  scale: {}\n  cells with importance > 0: {weighted} of {cells}\n",
        matrix.source(),
        roles.len(),
        caps.len(),
        matrix.scale(),
    );
    for role in roles.iter().take(20) {
        let (used, mean) = weighted_level(role);
        s.push_str(&format!(
            "  - {}: {}, importance-weighted mean level {}\n",
            role.name,
            counted(used, "capability"),
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

/// Things that are valid but probably not meant: at most
/// [`WARNINGS_OF_A_KIND`] of each kind, then how many more there are.
///
/// Linear in the cells: twin roles are found by a hash of their
/// requirements (equal hashes are then compared in full), not by comparing
/// every pair of roles.
fn warnings(matrix: &RoleMatrix) -> Vec<String> {
    let roles = matrix.roles();
    let mut out = Vec::new();
    let mut used = vec![false; matrix.capabilities().len()];
    for role in roles {
        for (u, q) in used.iter_mut().zip(&role.requirements) {
            *u |= q.importance != 0.0;
        }
    }
    // How many warnings of each kind: unused capabilities, twins, roles
    // of a single capability.
    let mut counts = [0usize; 3];
    let mut warn = |out: &mut Vec<String>, kind: usize, text: &dyn Fn() -> String| {
        counts[kind] += 1;
        if counts[kind] <= WARNINGS_OF_A_KIND {
            out.push(text());
        }
    };
    for (cap, _) in matrix.capabilities().iter().zip(&used).filter(|(_, &u)| !u) {
        warn(&mut out, 0, &|| {
            format!(
                "capability {:?} has importance 0 in every role, so it never affects a score",
                cap.name
            )
        });
    }
    // The first role of each distinct set of requirements, by hash.
    let mut firsts: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, a) in roles.iter().enumerate() {
        let same = firsts.entry(requirements_hash(&a.requirements)).or_default();
        match same.iter().find(|&&j| roles[j].requirements == a.requirements) {
            Some(&j) => warn(&mut out, 1, &|| {
                format!(
                    "roles {:?} and {:?} have identical levels and importances; no respondent can tell them apart",
                    roles[j].name, a.name
                )
            }),
            None => same.push(i),
        }
        if a.requirements.iter().filter(|q| q.importance > 0.0).count() == 1 {
            warn(&mut out, 2, &|| {
                format!(
                    "role {:?} weighs a single capability; pearson and cosine are not meaningful for it",
                    a.name
                )
            });
        }
    }
    let kinds = [
        "capabilities have importance 0 in every role",
        "pairs of roles have identical levels and importances",
        "roles weigh a single capability",
    ];
    for (count, kind) in counts.iter().zip(kinds) {
        if *count > WARNINGS_OF_A_KIND {
            out.push(format!("... and {} more {kind}", count - WARNINGS_OF_A_KIND));
        }
    }
    out
}

/// A hash of requirements that equal requirements share (`0.0` and `-0.0`
/// are equal, so they hash alike).
fn requirements_hash(requirements: &[Requirement]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for q in requirements {
        ((q.level + 0.0).to_bits(), (q.importance + 0.0).to_bits()).hash(&mut hasher);
    }
    hasher.finish()
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
