//! HTML pages, built from askama templates.
//!
//! The templates are the files under `templates/` beside this module
//! (`askama.toml` at the workspace root points askama there), compiled into
//! the binary: `page.html` is the shell every page shares (head, style,
//! header, a navigation list of the sections, the sections, footer) with
//! its style sheet `style.css`, and `report/` holds the sections of the
//! cohort report ([`report`]). A page is a [`Page`] holding [`Section`]s,
//! each the [`Fragment`] one section's template rendered.
//!
//! Escaping is the engine's: every `{{ value }}` a template writes goes
//! through [`Escape`], so text from the user's files (ids, role and
//! capability names, file names) can add no markup. Two kinds of value
//! are written as they are (`|safe`), and only these: [`Svg`] charts from
//! [`crate::plot`], and [`Fragment`]s, which are the output of a template
//! and so were escaped when they were rendered.
//!
//! Pages are written to be well-formed XML as well as HTML (void elements
//! close themselves, `<br/>`), so they can be parsed by XML tools and SVG
//! can be inlined.

pub mod audit;
pub mod person;
pub mod report;
pub mod survey;

use std::borrow::Cow;
use std::fmt;

use anyhow::{anyhow, Result};
use askama::Template;

/// The escaper askama applies to every value a `.html` template writes
/// (`askama.toml`): [`crate::plot::escape`], the rule the SVG plots use for
/// their titles, so markup characters become entities (`&lt;`, `&#39;`)
/// and control characters, which XML forbids or a reader would not see,
/// become U+FFFD.
#[derive(Debug, Clone, Copy, Default)]
pub struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        dest.write_str(&crate::plot::escape(text))
    }
}

/// A chart drawn by [`crate::plot`], ready to be written into a page.
///
/// Templates write it unescaped (`|safe`). That is safe because every plot
/// goes through [`crate::plot::render`], whose text comes from plotters
/// (which escapes markup characters in labels) and our own escaped title,
/// and whose whole document is passed through [`crate::plot::xml_safe`]:
/// it is XML-safe markup already, and no text reaches it unescaped.
#[derive(Debug, Clone)]
pub struct Svg(String);

impl Svg {
    /// The chart `svg` (as [`crate::plot`] returns it), without its XML
    /// namespace attribute ([`crate::plot::inline`]).
    pub fn inline(svg: &str) -> Self {
        Svg(crate::plot::inline(svg))
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Markup produced by rendering a template: written into another template
/// unescaped (`|safe`), since its values were escaped when it was rendered.
#[derive(Debug, Clone, Default)]
pub struct Fragment(String);

impl Fragment {
    /// Renders `template`.
    pub fn of(template: &impl Template) -> Result<Self> {
        Ok(Fragment(render(template)?))
    }

    /// Whether it holds nothing (the page leaves out what would hold it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Renders `template` to a string.
pub fn render(template: &impl Template) -> Result<String> {
    template
        .render()
        .map_err(|e| anyhow!("writing the HTML page failed: {e}"))
}

/// One section of a page: `<section id="{id}">` with a heading, and an
/// entry in the page's navigation list.
#[derive(Debug, Clone)]
pub struct Section {
    /// The element id, the navigation link's target (made by rolefit,
    /// never from the user's files, so it is unique and a valid id).
    pub id: Cow<'static, str>,
    /// The heading, and the navigation link's text.
    pub title: Cow<'static, str>,
    /// What the section holds.
    pub content: Fragment,
}

/// The shell of a self-contained page (`page.html`): the head with the
/// page's style sheet (`style.css`: system fonts only, no imports, then
/// the page's own `style`), then `header`, a navigation list of the
/// sections (none when there are no sections), the sections, `footer`
/// inside `<footer>`, and the page's `script` if it has one (inline, in a
/// CDATA section so that the page stays well-formed XML).
#[derive(Template)]
#[template(path = "page.html")]
pub struct Page<'a> {
    /// The document title (the browser's tab).
    pub title: &'a str,
    /// The top of the page, a whole `<header>` element.
    pub header: Fragment,
    /// The sections, in page order.
    pub sections: &'a [Section],
    /// The footer's content.
    pub footer: Fragment,
    /// Style rules of this page, after the shared ones (a template of
    /// rolefit's own, never text from the user's files).
    pub style: Fragment,
    /// The page's script (a template of rolefit's own), or nothing: the
    /// cohort report and the personal report have none.
    pub script: Fragment,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shell_escapes_its_title_and_holds_its_sections() {
        let sections = [Section {
            id: "one".into(),
            title: "One".into(),
            content: Fragment("<p>x</p>".into()),
        }];
        let page = render(&Page {
            title: "a <b> \"c\"\u{1}",
            header: Fragment("<header/>".into()),
            sections: &sections,
            footer: Fragment::default(),
            style: Fragment::default(),
            script: Fragment::default(),
        })
        .unwrap();
        assert!(page.contains("<title>a &lt;b&gt; &quot;c&quot;\u{FFFD}</title>"));
        assert!(page.contains("<li><a href=\"#one\">One</a></li>"));
        assert!(page.contains("<section id=\"one\">\n<h2>One</h2>\n<p>x</p>\n</section>"));
        assert!(page.ends_with("</html>\n"));
        // Without sections, no navigation.
        let bare = render(&Page {
            title: "t",
            header: Fragment::default(),
            sections: &[],
            footer: Fragment::default(),
            style: Fragment::default(),
            script: Fragment::default(),
        })
        .unwrap();
        assert!(!bare.contains("<nav>"));
        assert!(!bare.contains("<script"), "no script unless the page has one");
    }
}
