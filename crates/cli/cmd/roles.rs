//! `rolefit roles`: what each role of a matrix asks for.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use rolefit_model::RoleMatrix;
use serde_json::json;

use crate::args::{Emit, ListFormat, MatrixInput, Quiet};
use crate::io::Output;
use crate::load;
use crate::render::{counted, number, safe, table};
use crate::settings::Settings;

/// `rolefit roles`
#[derive(Debug, Args)]
pub struct RolesArgs {
    #[command(flatten)]
    pub matrix: MatrixInput,
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// Above this many roles the table lists roles instead of the full grid.
const GRID_MAX_ROLES: usize = 6;

/// Runs `rolefit roles`.
pub fn run(args: &RolesArgs, settings: &Settings) -> Result<()> {
    let loaded = load::matrix(&args.matrix.matrix, settings)?;
    loaded.print_notes(settings);
    let matrix = loaded.matrix;
    let format = args.emit.chosen("roles")?;
    let mut out = Output::create(args.emit.output())?;
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &roles_json(&matrix))?;
            writeln!(out)?;
        }
        ListFormat::Csv => write_long_csv(&matrix, &mut out, settings.sanitize)?,
        ListFormat::Table => out.write_all(crate::render::terminal(&roles_table(&matrix)).as_bytes())?,
    }
    out.finish()
}

/// The JSON contract: an array of roles, each with its capabilities' `id`,
/// `name`, `level` and `importance`.
pub fn roles_json(matrix: &RoleMatrix) -> serde_json::Value {
    let caps = matrix.capabilities();
    matrix
        .roles()
        .iter()
        .map(|role| {
            json!({
                "id": role.id,
                "name": role.name,
                "key_focus": role.key_focus,
                "description": role.description,
                "responsibilities": role.responsibilities,
                "capabilities": role.requirements.iter().zip(caps).map(|(req, cap)| json!({
                    "id": cap.id,
                    "name": cap.name,
                    "category": cap.category,
                    "level": req.level,
                    "importance": req.importance,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// The matrix in the long layout `role,capability,level,importance`, which
/// `--matrix` reads back; a scale other than `1..5` is stored in a first
/// line `# scale: MIN..MAX`, which every reader honours.
fn write_long_csv(matrix: &RoleMatrix, out: &mut Output, sanitize: bool) -> Result<()> {
    if matrix.scale() != rolefit_model::Scale::default() {
        writeln!(out, "{} {}", rolefit_import::SCALE_LINE, matrix.scale())?;
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["role", "capability", "level", "importance"])?;
    for role in matrix.roles() {
        for (req, cap) in role.requirements.iter().zip(matrix.capabilities()) {
            w.write_record([
                &*safe(&role.name, sanitize),
                &*safe(&cap.name, sanitize),
                &req.level.to_string(),
                &req.importance.to_string(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A matrix's name and, in parentheses, where it came from, unless the
/// name already says so (the built-in matrix is "Roles guide (built-in)").
fn labelled(name: &str, source: &str) -> String {
    if name.ends_with(&format!("({source})")) {
        name.to_string()
    } else {
        format!("{name} ({source})")
    }
}

fn roles_table(matrix: &RoleMatrix) -> String {
    let roles = matrix.roles();
    let caps = matrix.capabilities();
    let mut s = format!(
        "{}: {} x {}, levels on {}; cells are level (importance)\n",
        labelled(matrix.name(), matrix.source()),
        counted(roles.len(), "role"),
        counted(caps.len(), "capability"),
        matrix.scale()
    );
    if roles.len() <= GRID_MAX_ROLES {
        let mut header = vec!["Capability".to_string(), "Category".to_string()];
        header.extend(roles.iter().map(|r| r.name.clone()));
        let mut t = table(header);
        for (c, cap) in caps.iter().enumerate() {
            let mut row = vec![cap.name.clone(), cap.category.clone()];
            row.extend(roles.iter().map(|r| {
                let req = r.requirements[c];
                format!("{} ({})", number(req.level, 2), number(req.importance, 2))
            }));
            t.add_row(row);
        }
        s.push_str(&t.to_string());
        s.push('\n');
        for role in roles {
            s.push_str(&format!("\n{}", role.name));
            if !role.key_focus.is_empty() {
                s.push_str(&format!(": {}", role.key_focus));
            }
            s.push('\n');
            for r in &role.responsibilities {
                s.push_str(&format!("  - {r}\n"));
            }
        }
    } else {
        let mut t = table(["Role", "Key focus", "Capabilities that matter most"]);
        for role in roles {
            let mut weighted: Vec<(usize, f64)> = role
                .requirements
                .iter()
                .enumerate()
                .filter(|(_, r)| r.importance > 0.0)
                .map(|(i, r)| (i, r.importance * r.level))
                .collect();
            weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let top: Vec<&str> = weighted
                .iter()
                .take(4)
                .map(|&(i, _)| caps[i].name.as_str())
                .collect();
            t.add_row(vec![role.name.clone(), role.key_focus.clone(), top.join(", ")]);
        }
        s.push_str(&t.to_string());
        s.push('\n');
    }
    s
}
