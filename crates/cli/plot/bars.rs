//! Bar charts for the report: a horizontal bar per category, and
//! histograms. Counts suppressed for privacy are drawn as no bar at all,
//! with the text that stands for them (such as `<5`) in grey.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{colour, drawing, font, render, shorten, widest, GRID, INK};

/// A count as a chart shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Shown as is.
    Shown(u64),
    /// Suppressed: no bar, and the chart's `suppressed` text instead.
    Suppressed,
}

const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Horizontal bars, one per `(label, count)`, longest scale at the largest
/// shown count; `suppressed` is written where a count is withheld.
pub fn hbars(title: &str, rows: &[(String, Count)], suppressed: &str, total: u64) -> Result<String> {
    let labels: Vec<String> = rows.iter().map(|(l, _)| shorten(l, 40)).collect();
    let label_w = widest(&labels, 13.0, 320);
    let left = label_w + 24;
    let bar_max = 520;
    let row_h = 28;
    let top = 50;
    let height = top + row_h * rows.len().max(1) as i32 + 20;
    let width = left + bar_max + 130;
    let max = rows
        .iter()
        .filter_map(|(_, c)| match c {
            Count::Shown(n) => Some(*n),
            Count::Suppressed => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    render(width as u32, height as u32, title, |root| {
        root.draw(&Text::new(title.to_string(), (16, 12), font(16.0)))
            .map_err(drawing)?;
        for (i, ((_, count), label)) in rows.iter().zip(&labels).enumerate() {
            let y = top + row_h * i as i32;
            let mid = y + row_h / 2;
            root.draw(&Text::new(
                label.clone(),
                (left - 10, mid),
                font(13.0).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(drawing)?;
            let (len, text, ink) = match *count {
                Count::Shown(n) => {
                    let len = (f64::from(bar_max) * n as f64 / max as f64).round() as i32;
                    let share = if total > 0 {
                        format!("{n} ({:.0}%)", 100.0 * n as f64 / total as f64)
                    } else {
                        n.to_string()
                    };
                    (len, share, INK)
                }
                Count::Suppressed => (0, suppressed.to_string(), GREY),
            };
            if len > 0 {
                root.draw(&Rectangle::new(
                    [(left, y + 5), (left + len, y + row_h - 5)],
                    colour(0).filled(),
                ))
                .map_err(drawing)?;
            }
            root.draw(&Text::new(
                text,
                (left + len + 8, mid),
                font(12.0).color(&ink).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(drawing)?;
        }
        root.draw(&PathElement::new(
            vec![(left, top), (left, top + row_h * rows.len() as i32)],
            INK.stroke_width(1),
        ))
        .map_err(drawing)?;
        Ok(())
    })
}

/// One bin of a histogram: `[lo, hi)` and its count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// The lower edge.
    pub lo: f64,
    /// The upper edge.
    pub hi: f64,
    /// The count.
    pub count: Count,
}

/// A vertical histogram of `bins` (adjacent, increasing), titled `title`,
/// the x axis called `x_title`; `suppressed` marks withheld bins.
pub fn histogram(
    title: &str,
    x_title: &str,
    bins: &[Bin],
    suppressed: &str,
    size: (u32, u32),
) -> Result<String> {
    let (width, height) = size;
    let max = bins
        .iter()
        .filter_map(|b| match b.count {
            Count::Shown(n) => Some(n),
            Count::Suppressed => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let (x0, x1) = match (bins.first(), bins.last()) {
        (Some(a), Some(b)) => (a.lo, b.hi),
        _ => (0.0, 1.0),
    };
    render(width, height, title, |root| {
        let (head, body) = root.split_vertically(32);
        head.draw(&Text::new(title.to_string(), (12, 10), font(14.0)))
            .map_err(drawing)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, 0.0..((max as f64 * 1.15).ceil().max(5.0)))
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID.mix(0.4))
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(6)
            .y_labels(5)
            .y_label_formatter(&|v| format!("{}", v.round() as i64))
            .x_label_formatter(&|v| format!("{v:.2}"))
            .label_style(font(11.0))
            .axis_desc_style(font(12.0))
            .x_desc(x_title)
            .y_desc("respondents")
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(bins.iter().filter_map(|b| match b.count {
                Count::Shown(n) if n > 0 => Some(Rectangle::new(
                    [(b.lo, 0.0), (b.hi, n as f64)],
                    colour(0).filled().stroke_width(1),
                )),
                _ => None,
            }))
            .map_err(drawing)?;
        chart
            .draw_series(bins.iter().filter(|b| b.count == Count::Suppressed).map(|b| {
                Text::new(
                    suppressed.to_string(),
                    ((b.lo + b.hi) / 2.0, max as f64 * 0.04),
                    font(10.0).color(&GREY).pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(drawing)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressed_counts_draw_no_bar() {
        let rows = vec![
            ("Lead".to_string(), Count::Shown(10)),
            ("Rare".to_string(), Count::Suppressed),
        ];
        let svg = hbars("Top roles", &rows, "<5", 14).unwrap();
        assert!(svg.contains("10 (71%)"));
        assert!(svg.contains("&lt;5"));
        let bins = [
            Bin {
                lo: 0.0,
                hi: 0.5,
                count: Count::Suppressed,
            },
            Bin {
                lo: 0.5,
                hi: 1.0,
                count: Count::Shown(7),
            },
        ];
        let svg = histogram("Scores", "score", &bins, "<5", (400, 240)).unwrap();
        assert!(svg.contains("&lt;5"));
        assert!(svg.contains("<rect"));
    }
}
