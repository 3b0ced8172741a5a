//! `rolefit matrix overlap`: how similar the roles of a matrix are, what
//! separates each pair, which pairs are near duplicates, and how the roles
//! group (see [`rolefit_score::overlap`] for the definitions).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rolefit_model::RoleMatrix;
use rolefit_score::overlap::{group_threshold, near_duplicate_threshold, overlap, Overlap, RolePair};
use rolefit_score::{CompiledMatrix, Strategy};
use serde_json::json;

use crate::args::{Emit, ListFormat, MatrixFiles, OverlapLimit, Quiet, StrategyChoice};
use crate::io::Output;
use crate::load;
use crate::plot;
use crate::registry::{Finished, Strategies};
use crate::render::{counted, table};
use crate::role_overlap::{
    check_size, near_duplicate_text, overlap_heatmap, separating_list, separating_text,
};
use crate::settings::Settings;

/// `rolefit matrix overlap`
#[derive(Debug, Args)]
pub struct OverlapArgs {
    #[command(flatten)]
    pub files: MatrixFiles,
    #[command(flatten)]
    pub choice: StrategyChoice,
    #[command(flatten)]
    pub emit: Emit<ListFormat>,
    /// Also draw the result as an SVG picture: the role-by-role similarity
    /// as a heatmap.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub overlap_limit: OverlapLimit,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// The full similarity matrix is printed in the table format up to this
/// many roles (wider tables do not fit a terminal; CSV and JSON have all).
const TABLE_MATRIX_MAX: usize = 12;

/// How many of the most similar pairs the table lists.
const TABLE_PAIRS: usize = 10;

/// Runs `rolefit matrix overlap`.
pub fn run(args: &OverlapArgs, settings: &Settings) -> Result<Finished> {
    let loaded = load::matrix(&args.files.source(), settings)?;
    check_size(&loaded.matrix, args.overlap_limit)?;
    loaded.print_notes(settings);
    let strategies = Strategies::open(args.choice.plugin.duration())?;
    let strategy = strategies.find(args.choice.name())?;
    let matrix = &loaded.matrix;
    let compiled = CompiledMatrix::new(matrix);
    let o = overlap(&compiled, strategy)?;
    let plot_svg = match &args.plot {
        Some(_) => Some(overlap_heatmap(matrix, &o, strategy, &o.leaf_order(), None)?),
        None => None,
    };
    let format = args.emit.chosen("matrix overlap")?;
    let text = match format {
        ListFormat::Table => crate::render::terminal(&overlap_table(matrix, &o, strategy)).into_owned(),
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&overlap_json(matrix, &o, strategy))?;
            s.push('\n');
            s
        }
        ListFormat::Csv => overlap_csv(matrix, &o, strategy, settings.sanitize)?,
    };
    if format != ListFormat::Table {
        for p in o.near_duplicates(near_duplicate_threshold(strategy.name())) {
            eprintln!("warning: {}", near_duplicate_text(matrix, p, strategy));
        }
    }
    let finished = strategies.finish()?;
    if let (Some(path), Some(svg)) = (&args.plot, &plot_svg) {
        plot::write(path, svg)?;
    }
    let mut out = Output::create(args.emit.output())?;
    out.write_all(text.as_bytes())?;
    out.finish()?;
    Ok(finished)
}

/// The dendrogram as an indented tree, each inner node showing the
/// average similarity at which its two branches join.
pub fn dendrogram_text(matrix: &RoleMatrix, o: &Overlap) -> String {
    let n = matrix.roles().len();
    let mut out = String::new();
    if o.merges().is_empty() {
        for r in matrix.roles() {
            out.push_str(&format!("{}\n", r.name));
        }
        return out;
    }
    fn walk(
        node: usize,
        n: usize,
        o: &Overlap,
        matrix: &RoleMatrix,
        prefix: &str,
        last: Option<bool>,
        out: &mut String,
    ) {
        let (branch, next) = match last {
            None => ("", String::new()),
            Some(true) => ("└── ", format!("{prefix}    ")),
            Some(false) => ("├── ", format!("{prefix}│   ")),
        };
        if node < n {
            out.push_str(&format!("{prefix}{branch}{}\n", matrix.roles()[node].name));
        } else {
            let m = &o.merges()[node - n];
            out.push_str(&format!("{prefix}{branch}┬ similarity {:.3}\n", 1.0 - m.distance));
            walk(m.left, n, o, matrix, &next, Some(false), out);
            walk(m.right, n, o, matrix, &next, Some(true), out);
        }
    }
    walk(n + o.merges().len() - 1, n, o, matrix, "", None, &mut out);
    out
}

fn overlap_table(matrix: &RoleMatrix, o: &Overlap, strategy: &dyn Strategy) -> String {
    let roles = matrix.roles();
    let k = roles.len();
    let s = o.similarity();
    let mut out = format!(
        "Role overlap of {} ({}) under {}: each role's levels scored as a profile against every other role, averaged both ways\n",
        matrix.source(),
        counted(k, "role"),
        strategy.name()
    );
    if k <= TABLE_MATRIX_MAX {
        let mut header = vec![String::new()];
        header.extend((1..=k).map(|i| i.to_string()));
        let mut t = table(header);
        for a in 0..k {
            let mut row = vec![format!("{} {}", a + 1, roles[a].name)];
            row.extend((0..k).map(|b| format!("{:.3}", s[[a, b]])));
            t.add_row(row);
        }
        out.push_str(&format!("\n{t}\n"));
    } else {
        out.push_str(&format!(
            "\n({k} roles: the full similarity matrix is in --format csv or json)\n"
        ));
    }
    let mut pairs: Vec<&RolePair> = o.pairs().iter().collect();
    pairs.sort_by(|x, y| {
        y.similarity
            .total_cmp(&x.similarity)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    if !pairs.is_empty() {
        out.push_str(&format!(
            "\nMost similar pairs ({} of {}):\n",
            pairs.len().min(TABLE_PAIRS),
            pairs.len()
        ));
        let mut t = table(["Roles", "Similarity", "What separates them most (levels)"]);
        for p in pairs.iter().take(TABLE_PAIRS) {
            t.add_row(vec![
                format!("{}\n{}", roles[p.a].name, roles[p.b].name),
                format!("{:.3}", p.similarity),
                separating_list(matrix, p, "\n"),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    let cut = group_threshold(strategy.name());
    let groups = o.groups(1.0 - cut);
    out.push_str(&format!(
        "\nGroups (average linkage on 1 - similarity, cut at similarity {cut}):\n"
    ));
    for (i, g) in groups.iter().enumerate() {
        let names: Vec<&str> = g.iter().map(|&j| roles[j].name.as_str()).collect();
        out.push_str(&format!("  {}. {}\n", i + 1, names.join(", ")));
    }
    out.push_str("\nDendrogram:\n");
    out.push_str(&dendrogram_text(matrix, o));
    for p in o.near_duplicates(near_duplicate_threshold(strategy.name())) {
        out.push_str(&format!(
            "warning: {}\n",
            near_duplicate_text(matrix, p, strategy)
        ));
    }
    out
}

fn overlap_json(matrix: &RoleMatrix, o: &Overlap, strategy: &dyn Strategy) -> serde_json::Value {
    let roles = matrix.roles();
    let caps = matrix.capabilities();
    let n = roles.len();
    let threshold = near_duplicate_threshold(strategy.name());
    let node = |id: usize| -> serde_json::Value {
        if id < n {
            json!({"role": roles[id].name})
        } else {
            json!({"merge": id - n})
        }
    };
    json!({
        "strategy": strategy.name(),
        "matrix": matrix.source(),
        "roles": roles.iter().map(|r| json!({"id": r.id, "name": r.name})).collect::<Vec<_>>(),
        "similarity": o.similarity().outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
        "directed": o.directed().outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
        "near_duplicate_threshold": threshold,
        "pairs": o.pairs().iter().map(|p| json!({
            "a": roles[p.a].name,
            "b": roles[p.b].name,
            "similarity": p.similarity,
            "near_duplicate": p.similarity >= threshold,
            "separating": p.separating.iter().map(|s| json!({
                "capability": caps[s.capability].name,
                "level_a": s.level_a,
                "level_b": s.level_b,
                "weighted_difference": s.weighted_difference,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "near_duplicates": o.near_duplicates(threshold).iter().map(|p| json!({
            "a": roles[p.a].name,
            "b": roles[p.b].name,
            "similarity": p.similarity,
        })).collect::<Vec<_>>(),
        "group_similarity": group_threshold(strategy.name()),
        "groups": o.groups(1.0 - group_threshold(strategy.name())).iter().map(|g| {
            g.iter().map(|&j| roles[j].name.clone()).collect::<Vec<_>>()
        }).collect::<Vec<_>>(),
        "dendrogram": o.merges().iter().enumerate().map(|(i, m)| json!({
            "merge": i,
            "left": node(m.left),
            "right": node(m.right),
            "similarity": 1.0 - m.distance,
            "roles": m.members.iter().map(|&j| roles[j].name.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "order": o.leaf_order().iter().map(|&j| roles[j].name.clone()).collect::<Vec<_>>(),
    })
}

fn overlap_csv(matrix: &RoleMatrix, o: &Overlap, strategy: &dyn Strategy, sanitize: bool) -> Result<String> {
    let roles = matrix.roles();
    let threshold = near_duplicate_threshold(strategy.name());
    let d = o.directed();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "role_a",
        "role_b",
        "similarity",
        "score_a_as_b",
        "score_b_as_a",
        "near_duplicate",
        "separating",
    ])?;
    for p in o.pairs() {
        crate::render::write_safe(
            &mut w,
            [
                roles[p.a].name.as_str(),
                roles[p.b].name.as_str(),
                &p.similarity.to_string(),
                &d[[p.a, p.b]].to_string(),
                &d[[p.b, p.a]].to_string(),
                if p.similarity >= threshold {
                    "true"
                } else {
                    "false"
                },
                &separating_text(matrix, p),
            ],
            sanitize,
        )?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?)?)
}
