//! The self-assessment page (`rolefit survey --format html`): the values
//! its templates (`templates/survey/`) show.
//!
//! `crate::cmd::survey` turns a survey into these values; the templates
//! lay them out inside the shared page shell: the header (with the
//! progress bar), one section per step of a few statements, and a last
//! section to save and load the answers. Each statement is a `<fieldset>`
//! whose `<legend>` is its text, holding one radio button per choice of
//! its scale and a "Skip", each with its `<label>`, so that a keyboard
//! moves through them as through any radio group and a screen reader
//! names both the statement and the choice.
//!
//! Element ids and radio names are made by rolefit (`s3`, `s3-2`), never
//! taken from the survey, so they are unique and valid whatever the
//! survey's item ids are; the item id goes in a `data-item` attribute,
//! escaped by the engine like every other value.
//!
//! The script (`survey/script.js`) only collects: it shows one step at a
//! time, keeps the answers in the browser's localStorage, and writes and
//! reads them as a one-row responses CSV (the header the page carries in
//! `data-columns`). No scoring is done in the page.

use askama::Template;

/// One choice of a statement: a radio button and its label.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The radio button's element id (`s3-2`).
    pub id: String,
    /// What the label says (`Agree`, `4`, `Skip`).
    pub label: String,
    /// The value written into the CSV (`4`); empty for Skip.
    pub value: String,
}

/// One statement: a fieldset of radio buttons.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Its element id and radio group name (`s3`).
    pub name: String,
    /// Its number on the page, from 1.
    pub number: usize,
    /// The survey item's id (`Q03`).
    pub item: String,
    /// The statement.
    pub text: String,
    /// The scale's choices, then Skip.
    pub choices: Vec<Choice>,
}

/// The top of the page (`survey/header.html`): the title, what to do, the
/// progress bar, and in data attributes what the script needs.
#[derive(Template)]
#[template(path = "survey/header.html")]
pub struct Header<'a> {
    /// The survey's name.
    pub name: &'a str,
    /// How many statements.
    pub statements: usize,
    /// How many steps they are shown in.
    pub steps: usize,
    /// The scale in words (`a scale from Strongly disagree to Strongly agree`).
    pub scale: &'a str,
    /// The localStorage key's survey part: a digest of the statements and
    /// choices, so that another survey's answers are never restored here.
    pub key: &'a str,
    /// The CSV header line the answers are written under (`respondent,Q01,...`).
    pub columns: &'a str,
}

/// One step (`survey/step.html`): its statements, then Back and Next.
#[derive(Template)]
#[template(path = "survey/step.html")]
pub struct Step<'a> {
    /// The statements of the step.
    pub statements: &'a [Statement],
    /// The step's number, from 1.
    pub number: usize,
    /// How many steps.
    pub steps: usize,
}

/// The last section (`survey/save.html`): the respondent id, download,
/// load and clear.
#[derive(Template)]
#[template(path = "survey/save.html")]
pub struct Save<'a> {
    /// The options rolefit needs to read the file besides it (`--survey
    /// FILE` for a survey of one's own), or empty.
    pub flags: &'a str,
}

/// The footer (`survey/footer.html`).
#[derive(Template)]
#[template(path = "survey/footer.html")]
pub struct Footer<'a> {
    /// rolefit's version.
    pub version: &'a str,
}

/// The page's own style rules (`survey/style.css`).
#[derive(Template)]
#[template(path = "survey/style.css", escape = "none")]
pub struct Style;

/// The page's script (`survey/script.js`).
#[derive(Template)]
#[template(path = "survey/script.js", escape = "none")]
pub struct Script;
