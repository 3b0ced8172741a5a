//! The audit as tables, CSV and JSON.
//!
//! CSV has one row per category, role and rate (`measure`: `selection`
//! or `scoring`) for the categories in the ratios; one row per category
//! left out (`status`: `withheld`, `below-share`, `empty`) with its n and
//! no rates; and one `missing` row per grouping. Counts the privacy rules
//! withhold read `<m` or `suppressed`, and so does their share.

use anyhow::Result;
use rolefit_fairness::{RateResult, Status};
use serde_json::{json, Value};

use super::{Grouping, Report, RoleAudit, NOT_LEGAL};
use crate::privacy::Cell;
use crate::render::{table as new_table, write_safe};

/// A rate or ratio as the table and CSV show it (4 decimals; empty when
/// there is none).
fn fixed4(value: Option<f64>) -> String {
    value.map_or(String::new(), |v| format!("{v:.4}"))
}

/// A p-value: 4 significant decimals, `<0.0001` below.
fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "<0.0001".to_string()
    } else {
        format!("{p:.4}")
    }
}

/// A category's n as shown (or the text that stands for it).
fn n_text(report: &Report, cell: Cell) -> String {
    cell.text(report.m())
}

/// A category's share as shown: empty when its count is withheld.
fn share_text(g: &Grouping, c: usize) -> String {
    if g.cells[c].is_shown() {
        format!("{:.4}", g.counts[c].share)
    } else {
        String::new()
    }
}

/// The figures of one rate, in CSV and table order: rate, impact ratio,
/// flag, p, test, interval low, interval high.
fn figures(r: &RateResult) -> [String; 7] {
    let (lo, hi) = r.interval.map_or((None, None), |(a, b)| (Some(a), Some(b)));
    [
        format!("{:.4}", r.rate),
        fixed4(r.impact_ratio),
        if r.flagged { "yes" } else { "no" }.to_string(),
        r.test.map_or(String::new(), |t| p_text(t.p)),
        r.test.map_or(String::new(), |t| t.test.name().to_string()),
        fixed4(lo),
        fixed4(hi),
    ]
}

/// The drivers of category `c` in role `role`, as one line of text.
fn drivers_text(role: &RoleAudit, c: usize) -> String {
    role.drivers
        .iter()
        .find(|(x, _)| *x == c)
        .map(|(_, list)| {
            list.iter()
                .map(|(name, d)| format!("{name} (d = {:+.2})", d.d))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

const CSV_HEADER: [&str; 16] = [
    "grouping",
    "category",
    "n",
    "share",
    "status",
    "role",
    "measure",
    "rate",
    "impact_ratio",
    "flag",
    "p_value",
    "test",
    "ci_low",
    "ci_high",
    "median_score",
    "drivers",
];

/// The CSV output.
pub fn csv(report: &Report, sanitize: bool) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for g in &report.groupings {
        let name = g.name();
        for (c, category) in g.names.iter().enumerate() {
            let head = [
                name.clone(),
                category.clone(),
                n_text(report, g.cells[c]),
                share_text(g, c),
                g.counts[c].status.name().to_string(),
            ];
            if g.counts[c].status != Status::Included {
                let blank = std::iter::repeat_n(String::new(), CSV_HEADER.len() - head.len());
                write_safe(&mut w, head.iter().cloned().chain(blank), sanitize)?;
                continue;
            }
            for role in &g.roles {
                for (measure, m) in [("selection", &role.selection), ("scoring", &role.scoring)] {
                    let Some(r) = &m.results[c] else { continue };
                    let row = head
                        .iter()
                        .cloned()
                        .chain([role.role.clone(), measure.to_string()])
                        .chain(figures(r))
                        .chain([fixed4(role.median), drivers_text(role, c)]);
                    write_safe(&mut w, row, sanitize)?;
                }
            }
        }
        let missing = [
            name,
            String::new(),
            n_text(report, *g.cells.last().unwrap_or(&Cell::Shown(0))),
            String::new(),
            "missing".to_string(),
        ];
        let blank = std::iter::repeat_n(String::new(), CSV_HEADER.len() - missing.len());
        write_safe(&mut w, missing.into_iter().chain(blank), sanitize)?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| e.into_error())?)?)
}

/// A count as JSON: the number, or the text that stands for it.
fn count_json(report: &Report, cell: Cell) -> Value {
    match cell {
        Cell::Shown(n) => json!(n),
        other => json!(other.text(report.m())),
    }
}

fn rate_json(r: &RateResult) -> Value {
    json!({
        "rate": r.rate,
        "impact_ratio": r.impact_ratio,
        "flagged": r.flagged,
        "p_value": r.test.map(|t| t.p),
        "test": r.test.map(|t| t.test.name()),
        "interval": r.interval.map(|(a, b)| [a, b]),
    })
}

fn grouping_json(report: &Report, g: &Grouping) -> Value {
    let categories: Vec<Value> = g
        .names
        .iter()
        .enumerate()
        .map(|(c, name)| {
            json!({
                "category": name,
                "n": count_json(report, g.cells[c]),
                "share": g.cells[c].is_shown().then_some(g.counts[c].share),
                "status": g.counts[c].status.name(),
            })
        })
        .collect();
    let roles: Vec<Value> = g
        .roles
        .iter()
        .map(|role| {
            let rows: Vec<Value> = (0..g.names.len())
                .filter_map(|c| {
                    let (s, sc) = (role.selection.results[c].as_ref()?, role.scoring.results[c].as_ref()?);
                    let drivers: Vec<Value> = role
                        .drivers
                        .iter()
                        .filter(|(x, _)| *x == c)
                        .flat_map(|(_, list)| list)
                        .map(|(name, d)| {
                            json!({"capability": name, "d": d.d, "category_mean": d.category_mean, "rest_mean": d.rest_mean})
                        })
                        .collect();
                    Some(json!({
                        "category": g.names[c],
                        "selection": rate_json(s),
                        "scoring": rate_json(sc),
                        "drivers": drivers,
                    }))
                })
                .collect();
            json!({
                "role": role.role,
                "median_score": role.median,
                "selection_reference": role.selection.reference.map(|c| &g.names[c]),
                "scoring_reference": role.scoring.reference.map(|c| &g.names[c]),
                "categories": rows,
            })
        })
        .collect();
    json!({
        "columns": g.columns,
        "name": g.name(),
        "missing": count_json(report, *g.cells.last().unwrap_or(&Cell::Shown(0))),
        "no_row_in_groups": count_json(report, crate::privacy::suppress(&[g.no_row], report.m())[0]),
        "categories": categories,
        "roles": roles,
    })
}

/// The JSON output.
pub fn json(report: &Report) -> Result<String> {
    let p = &report.params;
    let value = json!({
        "date": report.date,
        "responses": report.source,
        "groups": report.groups_source,
        "matrix": report.matrix,
        "strategy": report.strategy,
        "selected": format!("top {}", report.top),
        "respondents": {
            "read": report.read,
            "ranked": report.ranked(),
            "not_ranked": report.not_ranked,
        },
        "parameters": {
            "top": report.top,
            "threshold": p.threshold(),
            "min_share": p.min_share(),
            "min_group": p.min_group(),
            "resamples": p.resamples(),
            "seed": p.seed(),
            "confidence": p.confidence(),
        },
        "groupings": report.groupings.iter().map(|g| grouping_json(report, g)).collect::<Vec<_>>(),
        "note": NOT_LEGAL,
    });
    let mut s = serde_json::to_string_pretty(&value)?;
    s.push('\n');
    Ok(s)
}

/// The table output: per grouping, the categories, then the rates.
pub fn table(report: &Report) -> String {
    let mut out = format!(
        "Bias audit of {} ({}), {}: {} ranked respondents of {} read; selected = {}; strategy {}\n",
        report.source,
        report.groups_source,
        report.date,
        report.ranked(),
        report.read,
        report.selection_words(),
        report.strategy
    );
    for g in &report.groupings {
        out.push_str(&format!("\n{}\n", g.name()));
        let mut t = new_table(["category", "n", "share", "status"]);
        for (c, name) in g.names.iter().enumerate() {
            t.add_row([
                name.clone(),
                n_text(report, g.cells[c]),
                share_text(g, c),
                g.counts[c].status.name().to_string(),
            ]);
        }
        let missing = *g.cells.last().unwrap_or(&Cell::Shown(0));
        t.add_row([
            "(missing)".to_string(),
            n_text(report, missing),
            String::new(),
            "missing".into(),
        ]);
        out.push_str(&format!("{t}\n"));
        let mut t = new_table([
            "role",
            "category",
            "sel. rate",
            "IR",
            "p",
            "95% CI",
            "score rate",
            "IR",
            "p",
            "95% CI",
            "flag",
        ]);
        for role in &g.roles {
            for c in 0..g.names.len() {
                let (Some(s), Some(sc)) = (&role.selection.results[c], &role.scoring.results[c]) else {
                    continue;
                };
                let [sr, sir, _, sp, _, slo, shi] = figures(s);
                let [cr, cir, _, cp, _, clo, chi] = figures(sc);
                let interval = |lo: &str, hi: &str| {
                    if lo.is_empty() {
                        String::new()
                    } else {
                        format!("{lo}–{hi}")
                    }
                };
                let flag = match (s.flagged, sc.flagged) {
                    (true, true) => "both",
                    (true, false) => "selection",
                    (false, true) => "scoring",
                    (false, false) => "",
                };
                t.add_row([
                    role.role.clone(),
                    g.names[c].clone(),
                    sr,
                    sir,
                    sp,
                    interval(&slo, &shi),
                    cr,
                    cir,
                    cp,
                    interval(&clo, &chi),
                    flag.to_string(),
                ]);
            }
        }
        out.push_str(&format!("{t}\n"));
        for role in &g.roles {
            for (c, _) in &role.drivers {
                let text = drivers_text(role, *c);
                if !text.is_empty() {
                    out.push_str(&format!(
                        "{} × {}: answers differ most on {text}\n",
                        g.names[*c], role.role
                    ));
                }
            }
        }
    }
    out.push_str(&format!(
        "\nIR: impact ratio (the category's rate over the highest); flag: IR below {}. {}\n",
        report.params.threshold(),
        NOT_LEGAL
    ));
    crate::render::terminal(&out).into_owned()
}
