//! A cluster map: respondents in the plane of the first two principal
//! components, coloured by cluster, with the roles marked.
//!
//! A role's black triangle sits where a respondent who answered exactly
//! the role's levels would be projected, so a cluster gathered around a
//! triangle is a group that looks like that role.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{colour, drawing, font, heading, render, shorten, GRID, INK};

/// What a cluster map shows.
#[derive(Debug, Clone)]
pub struct ClusterMap<'a> {
    /// The chart's title.
    pub title: &'a str,
    /// A line under the title (what was sampled or left out), if any.
    pub note: Option<&'a str>,
    /// Respondents: `(x, y, cluster)`.
    pub points: &'a [(f64, f64, usize)],
    /// One legend entry per cluster.
    pub legend: &'a [String],
    /// Roles: `(name, x, y)`.
    pub roles: &'a [(String, f64, f64)],
    /// The axis titles.
    pub axes: [&'a str; 2],
}

/// Draws the map as an SVG document.
pub fn cluster_map(m: &ClusterMap<'_>) -> Result<String> {
    let xs = m.points.iter().map(|p| p.0).chain(m.roles.iter().map(|r| r.1));
    let ys = m.points.iter().map(|p| p.1).chain(m.roles.iter().map(|r| r.2));
    let (x0, x1) = padded(xs);
    // Room on the right for the labels of the rightmost roles.
    let x1 = x1 + 0.12 * (x1 - x0);
    let (y0, y1) = padded(ys);
    let radius = if m.points.len() > 2_000 { 2 } else { 3 };
    render(960, 720, m.title, |root| {
        let (head, body) = root.split_vertically(if m.note.is_some() { 66 } else { 44 });
        heading(&head, m.title, m.note, 12.0)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(drawing)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .label_style(font(12.0))
            .axis_desc_style(font(13.0))
            .x_desc(m.axes[0])
            .y_desc(m.axes[1])
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(
                m.points
                    .iter()
                    .map(|&(x, y, c)| Circle::new((x, y), radius, colour(c).mix(0.65).filled())),
            )
            .map_err(drawing)?;
        for (c, label) in m.legend.iter().enumerate() {
            let col = colour(c);
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(drawing)?
                .label(label.clone())
                .legend(move |(x, y)| Circle::new((x + 8, y), 5, col.filled()));
        }
        chart
            .draw_series(m.roles.iter().map(|(name, x, y)| {
                EmptyElement::at((*x, *y))
                    + TriangleMarker::new((0, 0), 8, INK.filled())
                    + Text::new(
                        shorten(name, 32),
                        (11, -2),
                        font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
                    )
            }))
            .map_err(drawing)?
            .label("role (its levels, projected)")
            .legend(|(x, y)| TriangleMarker::new((x + 8, y), 6, INK.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(GRID)
            .label_font(font(12.0))
            .draw()
            .map_err(drawing)?;
        Ok(())
    })
}

/// The page `cluster --plot` writes when the respondents cannot be
/// projected: the map's title and, instead of the scatter, `The map is not
/// drawn: WHY.`
pub fn not_drawn(title: &str, why: &str) -> Result<String> {
    render(960, 120, title, |root| {
        root.draw(&Text::new(title.to_string(), (16, 12), font(18.0)))
            .map_err(drawing)?;
        root.draw(&Text::new(
            format!("The map is not drawn: {why}."),
            (16, 48),
            font(13.0).color(&RGBColor(0x66, 0x66, 0x66)),
        ))
        .map_err(drawing)?;
        Ok(())
    })
}

/// The range of `values` with 8% of padding either side (a unit range
/// around a single value).
fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let pad = if hi > lo { 0.08 * (hi - lo) } else { 1.0 };
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_points_legend_and_roles() {
        let points = vec![(0.0, 0.0, 0), (1.0, 1.0, 1), (1.2, 0.9, 1)];
        let legend = vec!["cluster 0 (1)".to_string(), "cluster 1 (2)".to_string()];
        let roles = vec![("Lead & co".to_string(), 0.5, -0.5)];
        let svg = cluster_map(&ClusterMap {
            title: "3 respondents",
            note: Some("note"),
            points: &points,
            legend: &legend,
            roles: &roles,
            axes: ["PC1", "PC2"],
        })
        .unwrap();
        assert!(svg.matches("<circle").count() >= 3 + 2);
        assert!(svg.contains("Lead &amp; co"));
        assert!(svg.contains("cluster 1 (2)"));
        assert_eq!(padded([1.0].into_iter()), (0.0, 2.0));
    }
}
