//! The audit's dot plot: one row per role and category, a dot at the
//! impact ratio, a line across its bootstrap interval, and a dashed line
//! at the four-fifths threshold. Dots below the threshold are drawn in the
//! warning colour; a row with no ratio says so.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{colour, drawing, font, render, shorten, widest, GRID, INK};

/// One row of the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// The row's label (role and category).
    pub label: String,
    /// The impact ratio, if defined.
    pub ratio: Option<f64>,
    /// Its interval, if any.
    pub interval: Option<(f64, f64)>,
    /// Whether it is below the threshold.
    pub flagged: bool,
}

const WARN: RGBColor = RGBColor(0xC0, 0x39, 0x2B);

/// The dot plot of `rows`, titled `title`, with the threshold line at
/// `threshold`. The x axis runs from 0 to 1 (or the largest interval end).
pub fn impact_ratios(title: &str, rows: &[Dot], threshold: f64) -> Result<String> {
    let labels: Vec<String> = rows.iter().map(|r| shorten(&r.label, 48)).collect();
    let label_w = widest(&labels, 12.0, 360);
    let left = label_w + 24;
    let plot_w = 480;
    let row_h = 22;
    let top = 44;
    let height = top + row_h * rows.len().max(1) as i32 + 40;
    let width = left + plot_w + 40;
    let x_max = rows
        .iter()
        .filter_map(|r| r.interval.map(|(_, hi)| hi))
        .fold(1.0f64, f64::max)
        .min(10.0);
    let x = |v: f64| left + (f64::from(plot_w) * (v / x_max)).round() as i32;
    let bottom = top + row_h * rows.len() as i32;
    render(width as u32, height as u32, title, |root| {
        root.draw(&Text::new(title.to_string(), (16, 12), font(15.0)))
            .map_err(drawing)?;
        // Axis ticks and grid at 0, 0.2, ..., and the threshold.
        let mut tick = 0.0;
        while tick <= x_max + 1e-9 {
            root.draw(&PathElement::new(
                vec![(x(tick), top), (x(tick), bottom)],
                GRID.stroke_width(1),
            ))
            .map_err(drawing)?;
            root.draw(&Text::new(
                format!("{tick:.1}"),
                (x(tick), bottom + 6),
                font(11.0).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(drawing)?;
            tick += 0.2;
        }
        let tx = x(threshold);
        let mut y = top;
        while y < bottom {
            root.draw(&PathElement::new(
                vec![(tx, y), (tx, (y + 5).min(bottom))],
                WARN.stroke_width(1),
            ))
            .map_err(drawing)?;
            y += 9;
        }
        root.draw(&Text::new(
            format!("{threshold} (four-fifths)"),
            (tx, top - 4),
            font(11.0).color(&WARN).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(drawing)?;
        for (i, (row, label)) in rows.iter().zip(&labels).enumerate() {
            let mid = top + row_h * i as i32 + row_h / 2;
            root.draw(&Text::new(
                label.clone(),
                (left - 10, mid),
                font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(drawing)?;
            let ink = if row.flagged { WARN } else { colour(0) };
            if let Some((lo, hi)) = row.interval {
                root.draw(&PathElement::new(
                    vec![(x(lo), mid), (x(hi), mid)],
                    ink.stroke_width(2),
                ))
                .map_err(drawing)?;
            }
            match row.ratio {
                Some(r) => root
                    .draw(&Circle::new((x(r), mid), 5, ink.filled()))
                    .map_err(drawing)?,
                None => root
                    .draw(&Text::new(
                        "no ratio (no one selected)".to_string(),
                        (left + 6, mid),
                        font(11.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(drawing)?,
            }
        }
        root.draw(&Text::new(
            "impact ratio (dot) and 95% bootstrap interval (line)".to_string(),
            (left, bottom + 24),
            font(11.0).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(drawing)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_lines_and_the_threshold() {
        let rows = vec![
            Dot {
                label: "Lead · <b>".into(),
                ratio: Some(0.6),
                interval: Some((0.4, 0.9)),
                flagged: true,
            },
            Dot {
                label: "Lead · a".into(),
                ratio: None,
                interval: None,
                flagged: false,
            },
        ];
        let svg = impact_ratios("Selection", &rows, 0.8).unwrap();
        assert!(svg.contains("&lt;b&gt;"), "labels escaped");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("<circle"));
        assert!(svg.contains("0.8 (four-fifths)"));
        assert!(svg.contains("no ratio"));
    }
}
