//! A heatmap of role-by-role similarity.
//!
//! Rows and columns are the roles in the order given (the dendrogram's, so
//! that similar roles sit together and blocks show groups); rows are
//! labelled with a number and the name, columns with the number. The
//! colour runs from pale (the lowest similarity shown) to dark blue (1),
//! with the scale drawn on the right; values are written in the cells when
//! there is room.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{drawing, font, heading, render, shorten, text_width, widest, Root, INK};

/// What a heatmap shows.
#[derive(Debug, Clone)]
pub struct Heatmap<'a> {
    /// The chart's title.
    pub title: &'a str,
    /// A line under the title, if any.
    pub note: Option<&'a str>,
    /// Row and column names, in display order.
    pub names: &'a [String],
    /// `values[i][j]`: the similarity of `names[i]` and `names[j]`.
    pub values: &'a [Vec<f64>],
}

const LIGHT: (f64, f64, f64) = (247.0, 251.0, 255.0);
const MID: (f64, f64, f64) = (107.0, 174.0, 214.0);
const DARK: (f64, f64, f64) = (8.0, 48.0, 107.0);

/// The colour of `t` in `0..=1` on the pale-to-dark-blue scale.
pub fn blues(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let (a, b, u) = if t < 0.5 {
        (LIGHT, MID, t * 2.0)
    } else {
        (MID, DARK, t * 2.0 - 1.0)
    };
    let mix = |x: f64, y: f64| (x + (y - x) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Draws the heatmap as an SVG document.
pub fn heatmap(h: &Heatmap<'_>) -> Result<String> {
    let g = Geometry::new(h);
    render(g.width.max(360) as u32, g.height as u32, h.title, |root| {
        heading(root, h.title, h.note, 11.0)?;
        draw_cells(root, h, &g)?;
        if g.show_labels {
            draw_column_numbers(root, h.names.len(), &g)?;
        }
        draw_colour_scale(root, &g)
    })
}

/// Where the heatmap's parts go.
struct Geometry {
    /// A cell's side, in pixels.
    cell: i32,
    /// Each row's label: its number and its name, shortened.
    labels: Vec<String>,
    /// Whether rows and columns are labelled (the cells are tall enough).
    show_labels: bool,
    /// Whether the values are written in the cells (they are large enough).
    show_values: bool,
    /// The grid's top and left edges, and its side.
    top: i32,
    left: i32,
    grid: i32,
    /// The picture's size (the width before the 360-pixel minimum).
    width: i32,
    height: i32,
    /// The colour range.
    lo: f64,
    hi: f64,
}

impl Geometry {
    fn new(h: &Heatmap<'_>) -> Self {
        let n = h.names.len();
        // Up to 80 roles every row gets a readable label (the grid grows past
        // 640 pixels); beyond, the cells shrink and only the colours remain.
        let cell = if n <= 80 {
            (640 / n.max(1)).clamp(14, 56)
        } else {
            (1120 / n).clamp(3, 13)
        } as i32;
        let labels: Vec<String> = h
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{} {}", i + 1, shorten(name, 36)))
            .collect();
        let label_w = widest(&labels, 12.0, 300);
        let show_labels = cell >= 12;
        let top = if h.note.is_some() { 90 } else { 70 };
        let left = if show_labels { label_w + 20 } else { 20 };
        let grid = cell * n as i32;
        let note_w = h.note.map_or(0, |n| text_width(n, 11.0)) + 32;
        let title_w = text_width(h.title, 18.0) + 32;
        let (lo, hi) = range(h.values);
        Geometry {
            cell,
            labels,
            show_labels,
            show_values: cell >= 34,
            top,
            left,
            grid,
            width: (left + grid + 120).max(note_w).max(title_w),
            height: top + grid + 40,
            lo,
            hi,
        }
    }

    /// Where `v` falls in the colour range, from 0 to 1.
    fn scale(&self, v: f64) -> f64 {
        if self.hi > self.lo {
            (v - self.lo) / (self.hi - self.lo)
        } else {
            1.0
        }
    }
}

/// Row by row: the row's label, then its cells with their values.
fn draw_cells(root: &Root<'_>, h: &Heatmap<'_>, g: &Geometry) -> Result<()> {
    let (top, left, cell) = (g.top, g.left, g.cell);
    for (i, row) in h.values.iter().enumerate() {
        let y = top + cell * i as i32;
        if g.show_labels {
            root.draw(&Text::new(
                g.labels[i].clone(),
                (left - 8, y + cell / 2),
                font(if cell < 18 { 11.0 } else { 12.0 }).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(drawing)?;
        }
        for (j, &v) in row.iter().enumerate() {
            let x = left + cell * j as i32;
            let t = g.scale(v);
            root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], blues(t).filled()))
                .map_err(drawing)?;
            if g.show_values {
                let ink = if t > 0.55 { WHITE } else { INK };
                root.draw(&Text::new(
                    format!("{v:.2}"),
                    (x + cell / 2, y + cell / 2),
                    font(11.0).color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(drawing)?;
            }
        }
    }
    Ok(())
}

/// The `n` column numbers above the grid.
fn draw_column_numbers(root: &Root<'_>, n: usize, g: &Geometry) -> Result<()> {
    let (top, left, cell) = (g.top, g.left, g.cell);
    for j in 0..n {
        root.draw(&Text::new(
            format!("{}", j + 1),
            (left + cell * j as i32 + cell / 2, top - 6),
            font(if cell < 18 { 8.0 } else { 11.0 }).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(drawing)?;
    }
    Ok(())
}

/// The colour scale right of the grid, with its ends' values.
fn draw_colour_scale(root: &Root<'_>, g: &Geometry) -> Result<()> {
    let top = g.top;
    let bx = g.left + g.grid + 30;
    let bh = g.grid.clamp(60, 240);
    for s in 0..bh {
        let t = 1.0 - f64::from(s) / f64::from(bh);
        root.draw(&Rectangle::new(
            [(bx, top + s), (bx + 16, top + s + 1)],
            blues(t).filled(),
        ))
        .map_err(drawing)?;
    }
    for (v, y) in [(g.hi, top), (g.lo, top + bh)] {
        root.draw(&Text::new(
            format!("{v:.2}"),
            (bx + 22, y),
            font(11.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(drawing)?;
    }
    Ok(())
}

/// The colour range: from the lowest value to the highest (1 for a
/// similarity); a unit range below a constant.
fn range(values: &[Vec<f64>]) -> (f64, f64) {
    let (lo, hi) = values
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi > lo {
        (lo, hi)
    } else {
        (hi - 1.0, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cell_per_pair_and_a_colour_scale() {
        let names = vec!["A".to_string(), "B & C".to_string()];
        let values = vec![vec![1.0, 0.8], vec![0.8, 1.0]];
        let svg = heatmap(&Heatmap {
            title: "t",
            note: None,
            names: &names,
            values: &values,
        })
        .unwrap();
        assert!(svg.contains("2 B &amp; C"));
        assert!(svg.contains(">\n0.80\n") || svg.contains("0.80"));
        assert_eq!(blues(0.0), RGBColor(247, 251, 255));
        assert_eq!(blues(1.0), RGBColor(8, 48, 107));
        assert_eq!(range(&values), (0.8, 1.0));
    }
}
