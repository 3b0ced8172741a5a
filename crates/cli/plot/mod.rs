//! SVG plots: radar charts, cluster maps, heatmaps and bar charts.
//!
//! Everything is drawn with plotters' SVG backend, built without any font
//! feature: plotters then estimates text extents with a fixed per-character
//! width ("naive" layout) and writes text as SVG `<text>` elements with a
//! generic `font-family` (`sans-serif`), which the viewer renders with
//! whatever font it has. No font file is read, embedded or fetched, and
//! nothing needs the network. Where the layout depends on text width
//! (label margins) it is estimated here the same way, generously.
//!
//! Each plot is a function from plain data to an SVG string; the commands
//! write it to a file ([`write()`]) or inline it in the HTML report
//! ([`inline`]). Every SVG gets a `<title>` (shown as a tooltip and read by
//! screen readers) and `role="img"`.

pub mod bars;
pub mod dots;
pub mod heatmap;
pub mod radar;
pub mod scatter;

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::RGBColor;

use crate::io::Output;

/// The font family of every text: generic, so no font file is needed.
pub const FONT: &str = "sans-serif";

/// Categorical colours (Tableau 10, which stays distinguishable for most
/// colour-vision deficiencies); cluster `i` gets `PALETTE[i % 10]`.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xED, 0xC9, 0x48),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0xBA, 0xB0, 0xAC),
];

/// Dark grey for text and axes.
pub const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// Light grey for grids.
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// Colour `i` of the palette.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The drawing area a chart is drawn on: the whole SVG document.
pub type Root<'b> = DrawingArea<SVGBackend<'b>, plotters::coord::Shift>;

/// Draws on a `width` x `height` SVG canvas with `draw` and returns the
/// document, titled `title`.
pub fn render<F>(width: u32, height: u32, title: &str, draw: F) -> Result<String>
where
    F: FnOnce(&Root<'_>) -> Result<()>,
{
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        draw(&root)?;
        root.present().map_err(drawing)?;
    }
    Ok(xml_safe(&with_title(&svg, title)).into_owned())
}

/// A plotters drawing error as an internal error.
pub fn drawing<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing the plot failed: {e}")
}

/// Adds `role="img"`, an `aria-label` and a `<title>` to the root element.
fn with_title(svg: &str, title: &str) -> String {
    let escaped = escape(title);
    match (svg.find("<svg"), svg.find('>')) {
        (Some(start), Some(end)) if start < end => {
            let mut out = String::with_capacity(svg.len() + 2 * escaped.len() + 64);
            out.push_str(&svg[..start + 4]);
            out.push_str(&format!(" role=\"img\" aria-label=\"{escaped}\""));
            out.push_str(&svg[start + 4..=end]);
            out.push_str(&format!("\n<title>{escaped}</title>"));
            out.push_str(&svg[end + 1..]);
            out
        }
        _ => svg.to_string(),
    }
}

/// Escapes text for XML and HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if xml_forbidden(c) || (c.is_control() && c != '\n' && c != '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 forbids `c` in a document (control characters but tab,
/// line feed and carriage return; U+FFFE and U+FFFF).
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// A whole SVG or HTML document with every character XML 1.0 forbids
/// replaced by U+FFFD, as [`escape`] replaces them in the text it escapes:
/// labels that plotters draws from ids and names (which it escapes for
/// markup only) cannot make the document invalid.
pub fn xml_safe(document: &str) -> Cow<'_, str> {
    if !document.chars().any(xml_forbidden) {
        return Cow::Borrowed(document);
    }
    Cow::Owned(
        document
            .chars()
            .map(|c| if xml_forbidden(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// The SVG for embedding in HTML: without the XML namespace attribute
/// (HTML puts `<svg>` in the SVG namespace by itself), so the page names
/// no URL at all.
pub fn inline(svg: &str) -> String {
    svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

/// Writes `svg` to `path`, whole or not at all.
pub fn write(path: &Path, svg: &str) -> Result<()> {
    let mut out = Output::create(Some(path))?;
    out.write_all(svg.as_bytes())?;
    out.finish()
}

/// `text` cut to at most `max` characters, with an ellipsis if cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Draws `title` at the top left of `area` and `note`, if any, in grey
/// under it at `note_size` points.
///
/// # Errors
/// Only a failure to draw.
pub fn heading(area: &Root<'_>, title: &str, note: Option<&str>, note_size: f64) -> Result<()> {
    area.draw(&Text::new(title.to_string(), (16, 12), font(18.0)))
        .map_err(drawing)?;
    if let Some(note) = note {
        area.draw(&Text::new(
            note.to_string(),
            (16, 40),
            font(note_size).color(&RGBColor(0x66, 0x66, 0x66)),
        ))
        .map_err(drawing)?;
    }
    Ok(())
}

/// The width of the widest of `labels` at `size` points, at most `max`
/// pixels (0 for none).
pub fn widest(labels: &[String], size: f64, max: i32) -> i32 {
    labels
        .iter()
        .map(|l| text_width(l, size))
        .max()
        .unwrap_or(0)
        .min(max)
}

/// A generous estimate of the width in pixels of `text` at `size` pixels
/// (no font metrics are available, by design).
pub fn text_width(text: &str, size: f64) -> i32 {
    (text.chars().count() as f64 * size * 0.6).ceil() as i32
}

/// plotters' SVG backend writes `font-size` as the given size divided by
/// 1.24; sizes here are meant in pixels, so they are scaled up first.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

/// A text style of `size` pixels in [`INK`].
pub fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size * PLOTTERS_FONT_SCALE).into_font()).color(&INK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_escapes() {
        let svg = render(100, 50, "a <b> & \"c\"", |root| {
            root.draw(&Text::new("x < y", (10, 10), font(12.0)))
                .map_err(drawing)?;
            Ok(())
        })
        .unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"a &lt;b&gt; &amp; &quot;c&quot;\""));
        assert!(svg.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(svg.contains("x &lt; y"));
        assert!(svg.contains("font-family=\"sans-serif\""));
        assert!(!inline(&svg).contains("http"));
    }

    #[test]
    fn shortens_long_labels() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(escape("a\u{1}b'"), "a\u{FFFD}b&#39;");
    }
}
