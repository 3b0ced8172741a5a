//! The audit as one self-contained HTML page, laid out by the templates of
//! [`crate::html::audit`] inside the shared page shell.

use anyhow::Result;
use rolefit_fairness::{RateResult, Status};

use super::{Grouping, Report, NOT_LEGAL};
use crate::html::audit as html;
use crate::html::report::Count;
use crate::html::{Fragment, Section, Svg};
use crate::plot::dots::{impact_ratios, Dot};
use crate::privacy::Cell;

/// A count as the page shows it.
fn count(report: &Report, cell: Cell) -> Count {
    match cell {
        Cell::Shown(n) => Count::Shown(n),
        other => Count::Withheld(other.text(report.m())),
    }
}

/// A fraction as a percentage with one decimal.
fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn status_words(status: Status, report: &Report) -> String {
    match status {
        Status::Included => "yes".to_string(),
        Status::Empty => "no: nobody".to_string(),
        Status::Withheld => format!("no: fewer than {} (privacy)", report.m()),
        Status::BelowShare => format!("no: under {} of the audited", percent(report.params.min_share())),
    }
}

/// What a grouping leaves out of its ratios, in words.
fn left_out_words(report: &Report, g: &Grouping) -> String {
    let mut parts = Vec::new();
    let (k, n) = g.left_out(Status::BelowShare);
    if k > 0 {
        parts.push(format!(
            "{k} categor{} under {} ({n} individuals)",
            if k == 1 { "y" } else { "ies" },
            percent(report.params.min_share())
        ));
    }
    let (k, _) = g.left_out(Status::Withheld);
    if k > 0 {
        parts.push(format!(
            "{k} categor{} of fewer than {} individuals (withheld)",
            if k == 1 { "y" } else { "ies" },
            report.m()
        ));
    }
    let (k, _) = g.left_out(Status::Empty);
    if k > 0 {
        parts.push(format!("{k} empty combination{}", if k == 1 { "" } else { "s" }));
    }
    let missing = g.cells.last().copied().unwrap_or(Cell::Shown(0)).text(report.m());
    let no_row = crate::privacy::suppress(&[g.no_row], report.m())[0].text(report.m());
    parts.push(format!(
        "{missing} individuals with a missing value ({no_row} with no row in the categories file)"
    ));
    parts.join("; ")
}

/// The four figures of a rate on the page: rate, ratio, p (test), interval.
fn four(r: &RateResult) -> [String; 4] {
    [
        format!("{:.3}", r.rate),
        r.impact_ratio.map_or("-".into(), |v| format!("{v:.3}")),
        r.test.map_or("ref.".into(), |t| {
            let p = if t.p < 1e-4 {
                "<0.0001".to_string()
            } else {
                format!("{:.4}", t.p)
            };
            format!("{p} ({})", t.test.name())
        }),
        r.interval.map_or("-".into(), |(a, b)| format!("{a:.2}–{b:.2}")),
    ]
}

fn ratio_table(report: &Report, g: &Grouping) -> Result<html::RatioTable> {
    let mut rows = Vec::new();
    let mut dots = [Vec::new(), Vec::new()];
    for role in &g.roles {
        for c in 0..g.names.len() {
            let (Some(s), Some(sc)) = (&role.selection.results[c], &role.scoring.results[c]) else {
                continue;
            };
            let label = format!("{} · {}", role.role, g.names[c]);
            for (i, r) in [s, sc].into_iter().enumerate() {
                dots[i].push(Dot {
                    label: label.clone(),
                    ratio: r.impact_ratio,
                    interval: r.interval,
                    flagged: r.flagged,
                });
            }
            let flag = match (s.flagged, sc.flagged) {
                (true, true) => "selection and scoring",
                (true, false) => "selection",
                (false, true) => "scoring",
                (false, false) => "",
            };
            rows.push(html::RateRow {
                role: role.role.clone(),
                category: g.names[c].clone(),
                figures: four(s).into_iter().chain(four(sc)).collect(),
                flag: flag.to_string(),
            });
        }
    }
    let threshold = report.params.threshold();
    let [sel, sco] = dots;
    let chart = |what: &str, rows: &[Dot]| -> Result<Svg> {
        let title = format!("{}: impact ratios of the {what} rate", g.name());
        Ok(Svg::inline(&impact_ratios(&title, rows, threshold)?))
    };
    Ok(html::RatioTable {
        name: g.name(),
        selection_chart: chart("selection", &sel)?,
        scoring_chart: chart("scoring", &sco)?,
        rows,
    })
}

fn section(id: &'static str, title: &'static str, content: &impl askama::Template) -> Result<Section> {
    Ok(Section {
        id: id.into(),
        title: title.into(),
        content: Fragment::of(content)?,
    })
}

/// The counts section: one table per grouping.
fn categories(report: &Report) -> html::Categories {
    html::Categories {
        groupings: report
            .groupings
            .iter()
            .map(|g| html::CategoryTable {
                name: g.name(),
                rows: g
                    .names
                    .iter()
                    .enumerate()
                    .map(|(c, name)| html::CategoryRow {
                        name: name.clone(),
                        n: count(report, g.cells[c]),
                        share: if g.cells[c].is_shown() {
                            percent(g.counts[c].share)
                        } else {
                            String::new()
                        },
                        status: status_words(g.counts[c].status, report),
                    })
                    .collect(),
                missing: count(report, g.cells.last().copied().unwrap_or(Cell::Shown(0))),
                left_out: left_out_words(report, g),
            })
            .collect(),
    }
}

/// The drivers section: every flagged pair's capabilities.
fn drivers(report: &Report) -> html::Drivers {
    html::Drivers {
        pairs: report
            .groupings
            .iter()
            .flat_map(|g| {
                g.roles.iter().flat_map(move |role| {
                    role.drivers.iter().flat_map(move |(c, list)| {
                        list.iter().map(move |(name, d)| html::DriverRow {
                            grouping: g.name(),
                            category: g.names[*c].clone(),
                            role: role.role.clone(),
                            capability: name.clone(),
                            d: format!("{:+.2}", d.d),
                            category_mean: format!("{:.2}", d.category_mean),
                            rest_mean: format!("{:.2}", d.rest_mean),
                        })
                    })
                })
            })
            .collect(),
        threshold: report.params.threshold(),
    }
}

/// The whole page.
pub fn html(report: &Report) -> Result<String> {
    let selection = report.selection_words();
    let not_ranked = crate::privacy::suppress(&[report.not_ranked], report.m())[0].text(report.m());
    let flagged = report.flagged();
    let summary = html::Summary {
        cards: vec![
            (report.date.clone(), "audit date".into()),
            (report.read.to_string(), "respondents in the data".into()),
            (report.ranked().to_string(), "ranked and audited".into()),
            (
                report.groupings.len().to_string(),
                "categories audited (columns and intersections)".into(),
            ),
            (
                flagged.to_string(),
                format!("impact ratios below {}", report.params.threshold()),
            ),
        ],
        source: &report.source,
        read: report.read,
        ranked: report.ranked(),
        not_ranked,
        groups: &report.groups_source,
        selection: &selection,
        threshold: report.params.threshold(),
    };
    let categories = categories(report);
    let ratios = html::Ratios {
        groupings: report
            .groupings
            .iter()
            .map(|g| ratio_table(report, g))
            .collect::<Result<_>>()?,
        min_share: percent(report.params.min_share()),
    };
    let drivers = drivers(report);
    let method = html::Method {
        min_answered: format!("{:.0}", report.min_answered * 100.0),
        strategy: &report.strategy,
        formula: &report.formula,
        selection: &selection,
        threshold: report.params.threshold(),
        resamples: report.params.resamples(),
        seed: report.params.seed(),
        min_share: percent(report.params.min_share()),
        m: report.m(),
        m_less: report.m().saturating_sub(1),
        not_legal: NOT_LEGAL,
    };
    let sections = [
        section("summary", "Summary", &summary)?,
        section("categories", "Individuals per category", &categories)?,
        section("ratios", "Rates and impact ratios", &ratios)?,
        section("drivers", "What differs in flagged categories", &drivers)?,
        section("method", "Method", &method)?,
    ];
    let header = html::Header {
        date: &report.date,
        source: &report.source,
        read: report.read,
        ranked: report.ranked(),
        groups: &report.groups_source,
        matrix: &report.matrix,
        strategy: &report.strategy,
        selection: &selection,
        not_legal: NOT_LEGAL,
    };
    let footer = crate::html::report::Footer {
        credit: report.credit.as_deref(),
        version: env!("CARGO_PKG_VERSION"),
    };
    let title = format!("Bias audit: {}", report.source);
    crate::html::render(&crate::html::Page {
        title: &title,
        header: Fragment::of(&header)?,
        sections: &sections,
        footer: Fragment::of(&footer)?,
        style: Fragment::of(&html::Style)?,
        script: Fragment::default(),
    })
}
