//! A radar chart: one respondent against their top roles.
//!
//! One spoke per capability, clockwise from the top in matrix order; the
//! centre is the bottom of the scale and the rim its top, with a grey ring
//! at every whole point. Each role is a coloured outline (lightly filled),
//! the respondent a thick dark outline with a dot per answer. An
//! unanswered capability leaves a gap in the respondent's outline and its
//! label says "(no answer)".

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{colour, drawing, font, render, shorten, widest, Root, GRID, INK};

/// A role drawn on the radar.
#[derive(Debug, Clone)]
pub struct RadarRole {
    /// Its display name.
    pub name: String,
    /// Its level per capability.
    pub levels: Vec<f64>,
    /// The respondent's score for it.
    pub score: f64,
}

/// What a radar chart shows.
#[derive(Debug, Clone)]
pub struct Radar<'a> {
    /// The chart's title.
    pub title: &'a str,
    /// The capability names, one per spoke.
    pub capabilities: &'a [String],
    /// The respondent's id.
    pub respondent: &'a str,
    /// The respondent's values (`None`: not answered).
    pub values: &'a [Option<f64>],
    /// The roles, best first.
    pub roles: &'a [RadarRole],
    /// The scale `(L, H)`.
    pub scale: (f64, f64),
}

const RADIUS: f64 = 230.0;
const LABEL_MAX: usize = 32;
const LEGEND: i32 = 260;

/// Draws the chart as an SVG document.
pub fn radar(r: &Radar<'_>) -> Result<String> {
    let g = Geometry::new(r);
    render(g.width as u32, g.height as u32, r.title, |root| {
        draw_heading(root, r, &g)?;
        draw_rings(root, &g)?;
        draw_spokes(root, r, &g)?;
        draw_roles(root, r, &g)?;
        draw_respondent(root, r, &g)?;
        draw_legend(root, r, &g)
    })
}

/// Where the chart's parts go: the spoke labels, the centre, the size and
/// the scale.
struct Geometry {
    /// Spokes (at least one).
    n: usize,
    /// Each spoke's label, shortened, with "(no answer)" where unanswered.
    labels: Vec<String>,
    /// The widest label's width, at most 260 pixels.
    label_w: i32,
    /// The centre.
    cx: f64,
    cy: f64,
    /// The picture's size.
    width: i32,
    height: i32,
    /// The bottom and top of the scale, and its span (1 for an empty one).
    lo: f64,
    hi: f64,
    span: f64,
}

impl Geometry {
    fn new(r: &Radar<'_>) -> Self {
        let labels: Vec<String> = r
            .capabilities
            .iter()
            .zip(r.values.iter().chain(std::iter::repeat(&None)))
            .map(|(name, v)| {
                let name = shorten(name, LABEL_MAX);
                if v.is_some() {
                    name
                } else {
                    format!("{name} (no answer)")
                }
            })
            .collect();
        let label_w = widest(&labels, 12.0, 260);
        let cx = f64::from(label_w + 24) + RADIUS;
        let cy = 70.0 + RADIUS + 20.0;
        let (lo, hi) = r.scale;
        Geometry {
            n: r.capabilities.len().max(1),
            labels,
            label_w,
            cx,
            cy,
            width: (cx + RADIUS) as i32 + label_w + 40 + LEGEND,
            height: (cy + RADIUS + 60.0) as i32,
            lo,
            hi,
            span: if hi > lo { hi - lo } else { 1.0 },
        }
    }

    /// The angle of spoke `i`, clockwise from the top.
    fn angle(&self, i: usize) -> f64 {
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / self.n as f64
    }

    /// The point of value `v` on spoke `i`.
    fn at(&self, i: usize, v: f64) -> (i32, i32) {
        let rr = RADIUS * ((v - self.lo) / self.span).clamp(0.0, 1.0);
        let a = self.angle(i);
        (
            (self.cx + rr * a.cos()).round() as i32,
            (self.cy + rr * a.sin()).round() as i32,
        )
    }
}

/// The title and the line that says what the centre and the rim are.
fn draw_heading(root: &Root<'_>, r: &Radar<'_>, g: &Geometry) -> Result<()> {
    let (lo, hi) = (g.lo, g.hi);
    root.draw(&Text::new(r.title.to_string(), (20, 16), font(18.0)))
        .map_err(drawing)?;
    root.draw(&Text::new(
        format!(
            "scale {}..{}: centre = {}, rim = {}",
            num(lo),
            num(hi),
            num(lo),
            num(hi)
        ),
        (20, 42),
        font(12.0).color(&RGBColor(0x66, 0x66, 0x66)),
    ))
    .map_err(drawing)?;
    Ok(())
}

/// Rings at every whole point (at most 10), each with its value.
fn draw_rings(root: &Root<'_>, g: &Geometry) -> Result<()> {
    let steps = ((g.hi - g.lo).round() as usize).clamp(1, 10);
    for s in 0..=steps {
        let v = g.lo + g.span * s as f64 / steps as f64;
        let ring: Vec<(i32, i32)> = (0..=g.n).map(|i| g.at(i % g.n, v)).collect();
        root.draw(&PathElement::new(ring, GRID.stroke_width(1)))
            .map_err(drawing)?;
        let (x, y) = g.at(0, v);
        root.draw(&Text::new(
            num(v),
            (x + 4, y),
            font(10.0)
                .color(&RGBColor(0x88, 0x88, 0x88))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(drawing)?;
    }
    Ok(())
}

/// The spokes and their labels.
fn draw_spokes(root: &Root<'_>, r: &Radar<'_>, g: &Geometry) -> Result<()> {
    for (i, label) in g.labels.iter().enumerate() {
        root.draw(&PathElement::new(
            vec![g.at(i, g.lo), g.at(i, g.hi)],
            GRID.stroke_width(1),
        ))
        .map_err(drawing)?;
        let a = g.angle(i);
        let (c, s) = (a.cos(), a.sin());
        let x = (g.cx + (RADIUS + 10.0) * c).round() as i32;
        let y = (g.cy + (RADIUS + 10.0) * s).round() as i32;
        // Only a label straight above or below the centre is centred
        // on its spoke; the others start at the spoke's tip and run
        // outwards, so that neighbours near the top and bottom do not
        // collide.
        let h = if c > 0.1 {
            HPos::Left
        } else if c < -0.1 {
            HPos::Right
        } else {
            HPos::Center
        };
        let v = match h {
            HPos::Center if s < 0.0 => VPos::Bottom,
            HPos::Center => VPos::Top,
            _ => VPos::Center,
        };
        let style = if r.values.get(i).copied().flatten().is_some() {
            font(12.0)
        } else {
            font(12.0).color(&RGBColor(0x99, 0x99, 0x99))
        };
        root.draw(&Text::new(label.clone(), (x, y), style.pos(Pos::new(h, v))))
            .map_err(drawing)?;
    }
    Ok(())
}

/// The roles' outlines, worst first so the best is on top.
fn draw_roles(root: &Root<'_>, r: &Radar<'_>, g: &Geometry) -> Result<()> {
    for (j, role) in r.roles.iter().enumerate().rev() {
        let pts: Vec<(i32, i32)> = (0..g.n)
            .map(|i| g.at(i, role.levels.get(i).copied().unwrap_or(g.lo)))
            .collect();
        let c = colour(j);
        root.draw(&Polygon::new(pts.clone(), c.mix(0.10).filled()))
            .map_err(drawing)?;
        let mut closed = pts;
        closed.push(closed[0]);
        root.draw(&PathElement::new(closed, c.stroke_width(2)))
            .map_err(drawing)?;
    }
    Ok(())
}

/// The respondent: segments between consecutive answers only, and a dot
/// per answer.
fn draw_respondent(root: &Root<'_>, r: &Radar<'_>, g: &Geometry) -> Result<()> {
    let n = g.n;
    let answered = |i: usize| r.values.get(i % n).copied().flatten();
    for i in 0..n {
        if let (Some(a), Some(b)) = (answered(i), answered(i + 1)) {
            if n > 1 {
                root.draw(&PathElement::new(
                    vec![g.at(i, a), g.at((i + 1) % n, b)],
                    INK.stroke_width(3),
                ))
                .map_err(drawing)?;
            }
        }
    }
    for i in 0..n {
        if let Some(v) = answered(i) {
            root.draw(&Circle::new(g.at(i, v), 4, INK.filled()))
                .map_err(drawing)?;
        }
    }
    Ok(())
}

/// The legend: the respondent, then each role with its score.
fn draw_legend(root: &Root<'_>, r: &Radar<'_>, g: &Geometry) -> Result<()> {
    let lx = (g.cx + RADIUS) as i32 + g.label_w + 40;
    let mut ly = 90;
    root.draw(&PathElement::new(
        vec![(lx, ly), (lx + 24, ly)],
        INK.stroke_width(3),
    ))
    .map_err(drawing)?;
    root.draw(&Text::new(
        shorten(r.respondent, 30),
        (lx + 32, ly),
        font(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(drawing)?;
    for (j, role) in r.roles.iter().enumerate() {
        ly += 26;
        let c = colour(j);
        root.draw(&Rectangle::new(
            [(lx, ly - 7), (lx + 24, ly + 7)],
            c.mix(0.25).filled(),
        ))
        .map_err(drawing)?;
        root.draw(&PathElement::new(
            vec![(lx, ly), (lx + 24, ly)],
            c.stroke_width(2),
        ))
        .map_err(drawing)?;
        root.draw(&Text::new(
            format!("{} {:.3}", shorten(&role.name, 26), role.score),
            (lx + 32, ly),
            font(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(drawing)?;
    }
    Ok(())
}

/// `rolefit score --plot` reads at most this many bytes: one respondent's
/// row is far smaller, and a larger input cannot be a single respondent
/// worth a radar chart.
pub const PLOT_INPUT_MAX: usize = 4 << 20;

/// Default number of roles on a respondent's radar when `--top` is not
/// given (more outlines than this are hard to tell apart).
pub const PLOT_TOP: usize = 3;

/// For `rolefit score --plot`: the radar chart of one respondent (`values`,
/// in matrix order, `None` where not answered) against their best roles,
/// drawn from the ranking `score` computed (`ranked`, best first): the
/// first `top` of them (default [`PLOT_TOP`]).
///
/// # Errors
/// Only a failure to draw.
pub fn respondent_radar(
    matrix: &rolefit_model::RoleMatrix,
    strategy: &str,
    respondent: &str,
    values: &[Option<f64>],
    ranked: &[rolefit_score::RankedRole],
    top: Option<u32>,
) -> Result<String> {
    let k = top.map_or(PLOT_TOP, |t| t as usize).min(ranked.len());
    let roles: Vec<RadarRole> = ranked[..k]
        .iter()
        .map(|r| {
            let role = &matrix.roles()[r.role];
            RadarRole {
                name: role.name.clone(),
                levels: role.requirements.iter().map(|q| q.level).collect(),
                score: r.score,
            }
        })
        .collect();
    let caps: Vec<String> = matrix.capabilities().iter().map(|c| c.name.clone()).collect();
    let title = format!(
        "{} against their top {} role{} ({})",
        respondent,
        roles.len(),
        if roles.len() == 1 { "" } else { "s" },
        strategy
    );
    let scale = matrix.scale();
    radar(&Radar {
        title: &title,
        capabilities: &caps,
        respondent,
        values,
        roles: &roles,
        scale: (scale.min(), scale.max()),
    })
}

/// A level for people: whole numbers without decimals.
fn num(v: f64) -> String {
    crate::render::number(v, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_spoke_role_and_answer() {
        let caps: Vec<String> = ["Planning", "Budget <&>", "Coding"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let roles = vec![
            RadarRole {
                name: "Lead".into(),
                levels: vec![4.0, 3.0, 2.0],
                score: 0.9,
            },
            RadarRole {
                name: "Engineer".into(),
                levels: vec![2.0, 1.0, 5.0],
                score: 0.5,
            },
        ];
        let svg = radar(&Radar {
            title: "ana against their top 2 roles",
            capabilities: &caps,
            respondent: "ana",
            values: &[Some(4.0), None, Some(3.0)],
            roles: &roles,
            scale: (1.0, 5.0),
        })
        .unwrap();
        assert!(svg.contains("Budget &lt;&amp;&gt; (no answer)"));
        assert_eq!(svg.matches("<polygon").count(), 2, "one filled outline per role");
        assert_eq!(svg.matches("<circle").count(), 2, "one dot per answer");
        assert!(svg.contains("Lead 0.900") && svg.contains("Engineer 0.500"));
    }
}
