//! `rolefit assess`: the self-assessment, one statement at a time, in a
//! terminal; then the ranked roles, why, and a bar chart of the person's
//! capabilities against the best-fitting role.
//!
//! The questions are asked on standard error (so that the result, on
//! standard output, can be redirected) with dialoguer. The answers become
//! a one-row responses CSV, which is exactly what `--save` writes and what
//! is scored, through the same importer `rolefit score` uses: a saved
//! assessment scores the same with `rolefit score`. `--answers FILE` reads
//! such a file instead of asking, which is how scripts and tests drive it.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use dialoguer::console::{style, Term};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Select};
use rolefit_import::{ByteRecord, ColumnRole, ResponseOptions, ResponseReader, Source};
use rolefit_model::{ProfileBatch, QualityFlags, ResponseScale, Role, RoleMatrix, Scale, Survey};
use rolefit_score::{explain, CompiledMatrix, Outcome, RankedRole, Scorer, Strategy};

use crate::args::{AnswerScaleChoice, CellSafety, MatrixInput, Quiet, ScaleArg, StrategyChoice, SurveyFile};
use crate::error::bad_input;
use crate::io::{open_input, Output};
use crate::load;
use crate::registry::{Finished, Strategies};
use crate::render::bytes::csv_field;
use crate::render::scores::{Renderer, RespondentParts, ScoreFormat};
use crate::render::{bar, choices, number, safe};
use crate::settings::Settings;

/// `rolefit assess`
#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub matrix: MatrixInput,
    #[command(flatten)]
    pub survey: SurveyFile,
    #[command(flatten)]
    pub answer_scale: AnswerScaleChoice,
    /// Also save the answers to FILE as a responses CSV (`rolefit score FILE`
    /// scores it); quitting with Esc saves the answers given so far.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    #[command(flatten)]
    pub cells: CellSafety,
    /// Do not ask: read the answers from FILE, a responses CSV with one row
    /// (as --save writes). Needs no terminal.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// The respondent id written with --save.
    #[arg(long, value_name = "ID", default_value = "me")]
    pub respondent: String,
    #[command(flatten)]
    pub choice: StrategyChoice,
    /// How many of the best roles to show per respondent.
    #[arg(long, short = 'k', value_name = "K", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub top: u32,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// The width of bars in the capability chart.
const BAR: usize = 24;

/// Runs `rolefit assess`.
pub fn run(args: &AssessArgs, settings: &Settings) -> Result<Finished> {
    let loaded = load::matrix(&args.matrix.matrix, settings)?;
    loaded.print_notes(settings);
    let matrix = loaded.matrix;
    let survey = load::survey(args.survey.path(), settings)?;
    let capabilities = survey.capability_indices(&matrix).map_err(|e| {
        // Your own matrix with the built-in survey: say why, and the fix.
        let builtin = if args.survey.path().is_none() {
            " (the built-in survey measures the built-in matrix's capabilities: give a survey of \
             statements about your matrix's capabilities with --survey FILE, columns \
             id,text,capability; see docs/formats.md)"
        } else {
            ""
        };
        bad_input(format!("the survey does not fit the role matrix: {e}{builtin}"))
    })?;
    let (scale, scale_name) = answer_scale(args, &survey, settings)?;
    let strategies = Strategies::open(args.choice.plugin.duration())?;
    let strategy = strategies.find(args.choice.name())?;

    let answers = match &args.answers {
        Some(path) => read_answers(path, &matrix, &survey, args, &scale_name, settings)?,
        None => {
            if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
                return Err(bad_input(
                    "rolefit assess asks its questions in a terminal, and standard input or standard error \
                     is not one; to run it without a terminal, give the answers with --answers FILE (a \
                     responses CSV with one row, such as --save writes)",
                ));
            }
            match ask(&survey, &scale, args.save.as_deref())? {
                Asked::Finished(answers) => answers,
                Asked::Quit(so_far) => return stopped(args, &survey, &so_far, strategies, settings),
            }
        }
    };
    let csv = answers_csv(&args.respondent, &survey, &answers, settings.sanitize);
    let profile = ResponseReader::new(
        csv.as_bytes(),
        "the answers",
        &matrix,
        Some(&survey),
        &ResponseOptions {
            scale: scale_name.is_none().then(|| scale.scale()),
            scale_name: scale_name.clone(),
            labels: labels(args, settings)?,
            source: Source::Plain,
            ..Default::default()
        },
    )?
    .read_all()?;

    let top = (args.top as usize).min(matrix.roles().len());
    let result = report(
        &matrix,
        scale.scale(),
        strategy,
        &profile,
        top,
        &capabilities,
        &answers,
    )?;
    // On a terminal, long lines (the explanations) wrap at its width.
    let result = if std::io::stdout().is_terminal() {
        let columns = usize::from(Term::stdout().size().1);
        fit_lines(&result, columns.max(40))
    } else {
        result
    };
    let mut out = Output::create(None)?;
    out.write_all(result.as_bytes())?;
    if let Some(credit) = &loaded.credit {
        out.write_all(format!("\n{credit}\n").as_bytes())?;
    }
    out.finish()?;
    // A strategy plugin that fails at the end fails the run before the
    // answers are said to be saved (outputs are moved into place only when
    // the run succeeds).
    let finished = strategies.finish()?;
    if let Some(path) = &args.save {
        let mut file = Output::create(Some(path))?;
        file.write_all(csv.as_bytes())?;
        file.finish()
            .with_context(|| format!("saving the answers to {}", path.display()))?;
        eprintln!(
            "Saved your answers to {}; `{}` scores them again.",
            path.display(),
            rescore_command(args, path)
        );
    }
    Ok(finished)
}

/// After Esc: with `--save`, writes the answers given so far there and says
/// where (and how to score them); without, says that nothing was saved.
///
/// The run's strategy plugins are ended first, as after a finished
/// assessment: the answers are said to be saved only when the run succeeds.
fn stopped(
    args: &AssessArgs,
    survey: &Survey,
    so_far: &[Option<f64>],
    strategies: Strategies,
    settings: &Settings,
) -> Result<Finished> {
    let finished = strategies.finish()?;
    let given = so_far.iter().filter(|a| a.is_some()).count();
    let Some(path) = &args.save else {
        eprintln!("Stopped: nothing was saved (--save FILE keeps the answers given so far).");
        return Ok(finished);
    };
    if given == 0 {
        eprintln!("Stopped: no statement was answered, so nothing was saved.");
        return Ok(finished);
    }
    let mut file = Output::create(Some(path))?;
    file.write_all(answers_csv(&args.respondent, survey, so_far, settings.sanitize).as_bytes())?;
    file.finish()
        .with_context(|| format!("saving the answers to {}", path.display()))?;
    eprintln!(
        "Stopped: saved your {given} answer{} so far ({} statements not answered) to {}; `{}` scores them.",
        if given == 1 { "" } else { "s" },
        so_far.len() - given,
        path.display(),
        rescore_command(args, path)
    );
    Ok(finished)
}

/// The `rolefit score` command that scores answers saved to `path` as this
/// run scored them: the same survey, answer scale, labels map, matrix and
/// strategy; each argument quoted for a POSIX shell where it needs it.
fn rescore_command(args: &AssessArgs, path: &Path) -> String {
    let mut words: Vec<String> = vec!["rolefit".into(), "score".into(), path.display().to_string()];
    let mut option = |name: &str, value: String| {
        words.push(name.into());
        words.push(value);
    };
    if let Some(survey) = &args.survey.survey {
        option("--survey", survey.display().to_string());
    }
    match &args.answer_scale.scale {
        Some(ScaleArg::Range(range)) => option("--scale", range.to_string()),
        Some(ScaleArg::Named(name)) => option("--scale", name.clone()),
        None => {}
    }
    if let Some(map) = &args.answer_scale.labels_map {
        option("--labels-map", map.display().to_string());
    }
    let source = &args.matrix.matrix;
    for matrix in &source.matrix {
        option("--matrix", matrix.display().to_string());
    }
    if source.matrix_scale != Scale::default() {
        option("--matrix-scale", source.matrix_scale.to_string());
    }
    let cells = source.limits.max_matrix_cells;
    if cells != rolefit_import::limits::DEFAULT_MAX_MATRIX_CELLS as u64 {
        option("--max-matrix-cells", cells.to_string());
    }
    let unzipped = source.limits.max_unzipped_mib;
    if unzipped != rolefit_import::limits::MAX_UNZIPPED_MIB {
        option("--max-unzipped-mib", unzipped.to_string());
    }
    if args.choice.name() != rolefit_score::DEFAULT_STRATEGY {
        option("--strategy", args.choice.name().to_string());
    }
    words.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" ")
}

/// `word` as one POSIX shell word: as it is if it holds only characters no
/// shell treats specially, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The scale statements are answered on, and its name for the importer
/// (`None` for a numeric range or the survey's own scale).
fn answer_scale(
    args: &AssessArgs,
    survey: &Survey,
    settings: &Settings,
) -> Result<(ResponseScale, Option<String>)> {
    let custom = labels(args, settings)?;
    match &args.answer_scale.scale {
        None => Ok((survey.scale().clone(), None)),
        Some(ScaleArg::Range(range)) if *range == survey.scale().scale() => {
            Ok((survey.scale().clone(), None))
        }
        Some(ScaleArg::Range(range)) => {
            if range.max() - range.min() > 20.0 || range.min().fract() != 0.0 || range.max().fract() != 0.0 {
                return Err(bad_input(format!(
                    "--scale {range}: assess offers every whole number of the scale, so it needs whole \
                     numbers 20 or fewer apart (or a label scale such as agreement7)"
                )));
            }
            Ok((ResponseScale::numeric(*range), None))
        }
        Some(ScaleArg::Named(name)) => match rolefit_import::find_scale(name, &custom) {
            Some(named) => Ok((named.scale, Some(name.clone()))),
            None => Err(bad_input(format!(
                "--scale {name}: there is no label scale of that name; expected MIN..MAX or one of: {}",
                rolefit_model::first_few(rolefit_import::scale_names(&custom), ", ")
            ))),
        },
    }
}

/// The custom label scales of `--labels-map`.
fn labels(args: &AssessArgs, settings: &Settings) -> Result<Vec<rolefit_import::NamedScale>> {
    match &args.answer_scale.labels_map {
        None => Ok(Vec::new()),
        Some(path) => {
            let input = crate::io::open_file(path, "labels map", settings.encoding)?;
            Ok(rolefit_import::read_labels_map(input.reader, &input.name)?)
        }
    }
}

/// How the questions ended.
#[derive(Debug, Clone, PartialEq)]
enum Asked {
    /// Past the last statement: every answer (`None` where skipped).
    Finished(Vec<Option<f64>>),
    /// Quit with Esc: the answers given so far.
    Quit(Vec<Option<f64>>),
}

/// The terminal's alternate screen, shown while the statements are asked
/// so that its screens do not fill the scrollback; the screen the user had
/// comes back when this is dropped (on every return, error and panic),
/// before a Ctrl-C key ends the run, and, on a signal, in the interrupt
/// handler ([`crate::io::set_alternate_screen`]).
struct AlternateScreen<W: Write> {
    out: W,
}

impl<W: Write> AlternateScreen<W> {
    /// Switches the terminal `out` writes to onto its alternate screen.
    fn enter(mut out: W) -> Self {
        crate::io::set_alternate_screen(true);
        let _ = crossterm::execute!(out, crossterm::terminal::EnterAlternateScreen);
        AlternateScreen { out }
    }
}

impl<W: Write> Drop for AlternateScreen<W> {
    fn drop(&mut self) {
        // Left first, then forgotten: an interrupt handled meanwhile (Ctrl-C
        // raises SIGINT as well as ending the prompt) leaves it too rather
        // than not at all; leaving twice does no harm.
        let _ = crossterm::execute!(
            self.out,
            crossterm::terminal::LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        crate::io::set_alternate_screen(false);
    }
}

/// What the person picked for one statement.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Answer(f64),
    Skip,
    Back,
}

/// Asks every statement in turn, each on a clean screen of the terminal's
/// alternate screen; Esc asks whether to quit (saying where the answers so
/// far go with `save`).
fn ask(survey: &Survey, scale: &ResponseScale, save: Option<&Path>) -> Result<Asked> {
    let term = Term::stderr();
    let alternate = AlternateScreen::enter(std::io::stderr());
    let theme = ColorfulTheme::default();
    let options = choices(scale);
    let n = survey.items().len();
    let mut answers: Vec<Option<f64>> = vec![None; n];
    let mut skipped = vec![false; n];
    let mut i = 0;
    while i < n {
        let width = usize::from(term.size().1).clamp(40, 100);
        let _ = term.clear_screen();
        let _ = term.write_line(&statement_screen(survey, &answers, i, width));
        let picked = Select::with_theme(&theme)
            .with_prompt("How well does this describe you?")
            .items(choice_labels(&options, i > 0))
            .default(default_choice(&options, answers[i], skipped[i]))
            .report(false)
            .interact_on_opt(&term);
        let picked = match picked {
            Ok(p) => p,
            Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                // Ctrl-C: the interrupt handler is ending the process (status
                // 130); nothing was written.
                let _ = term.show_cursor();
                drop(alternate);
                std::process::exit(130);
            }
            Err(e) => return Err(anyhow::Error::new(e).context("asking in the terminal")),
        };
        let Some(k) = picked else {
            // Esc.
            if confirm_quit(&term, &theme, &answers, save) {
                return Ok(Asked::Quit(answers));
            }
            continue;
        };
        match step_of(k, &options) {
            Step::Answer(v) => {
                answers[i] = Some(v);
                skipped[i] = false;
                i += 1;
            }
            Step::Skip => {
                answers[i] = None;
                skipped[i] = true;
                i += 1;
            }
            Step::Back => i = i.saturating_sub(1),
        }
    }
    // The summary goes on the screen the user had, where it stays.
    drop(alternate);
    let _ = term.write_line(&done_line(&answers));
    Ok(Asked::Finished(answers))
}

/// The screen of statement `i`: the title, how to answer, the progress
/// and the statement.
fn statement_screen(survey: &Survey, answers: &[Option<f64>], i: usize, width: usize) -> String {
    let items = survey.items();
    let n = items.len();
    let done = answers.iter().filter(|a| a.is_some()).count();
    let mut screen = format!(
        "{}\n{}\n\n{}  {}\n\n",
        style(format!("Self-assessment: {}", survey.name())).bold(),
        style(wrap(
            "↑/↓ move, Enter chooses. \"Skip\" leaves a statement unanswered, \"Back\" returns to the \
                 previous one, Esc quits.",
            width
        ))
        .dim(),
        bar_of(i, n, 20),
        style(format!("statement {} of {n}, {done} answered", i + 1)).dim(),
    );
    screen.push_str(&style(wrap(&items[i].text, width)).bold().to_string());
    screen
}

/// The choices offered: the scale's, then Skip, then Back but on the
/// first statement.
fn choice_labels(options: &[(String, f64)], back: bool) -> Vec<String> {
    let mut labels: Vec<String> = options.iter().map(|(l, _)| l.clone()).collect();
    labels.push("Skip".to_string());
    if back {
        labels.push("Back".to_string());
    }
    labels
}

/// The choice the cursor starts on: the answer given, Skip if skipped,
/// else the middle of the scale.
fn default_choice(options: &[(String, f64)], answer: Option<f64>, skipped: bool) -> usize {
    match answer {
        Some(v) => options.iter().position(|(_, o)| *o == v).unwrap_or(0),
        None if skipped => options.len(),
        None => options.len() / 2,
    }
}

/// What choice `k` of [`choice_labels`] means.
fn step_of(k: usize, options: &[(String, f64)]) -> Step {
    match k {
        k if k < options.len() => Step::Answer(options[k].1),
        k if k == options.len() => Step::Skip,
        _ => Step::Back,
    }
}

/// After Esc: whether the person confirms quitting (told where the answers
/// so far go with `save`); a failed prompt quits.
fn confirm_quit(term: &Term, theme: &ColorfulTheme, answers: &[Option<f64>], save: Option<&Path>) -> bool {
    let given = answers.iter().filter(|a| a.is_some()).count();
    let prompt = match save {
        Some(path) if given > 0 => format!(
            "Quit now? Your {given} answer{} so far will be saved to {}.",
            if given == 1 { "" } else { "s" },
            path.display()
        ),
        _ => "Quit without a result?".to_string(),
    };
    Confirm::with_theme(theme)
        .with_prompt(prompt)
        .default(false)
        .interact_on(term)
        .unwrap_or(true)
}

/// The line left on the user's screen when every statement was shown.
fn done_line(answers: &[Option<f64>]) -> String {
    let n = answers.len();
    let answered = answers.iter().filter(|a| a.is_some()).count();
    format!(
        "Done: {answered} of {n} statements answered{}.\n",
        if answered < n {
            format!(", {} skipped", n - answered)
        } else {
            String::new()
        }
    )
}

/// `text` wrapped at spaces into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

/// Every line of `text` longer than `width` characters wrapped at spaces,
/// its continuation lines indented four more than the line itself.
fn fit_lines(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let hanging = " ".repeat(indent + 4);
        let wrapped = wrap(body, width.saturating_sub(indent + 4).max(20));
        for (i, piece) in wrapped.lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(if i == 0 { &body[..indent] } else { &hanging });
            out.push_str(piece);
        }
        out.push_str(end);
    }
    out
}

/// A progress bar of `width` cells, `done` of `total` filled.
fn bar_of(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("{}{}", "■".repeat(filled), "·".repeat(width - filled))
}

/// The answers as a responses CSV: `respondent` and the item ids, one row.
fn answers_csv(respondent: &str, survey: &Survey, answers: &[Option<f64>], sanitize: bool) -> String {
    let mut out = Vec::new();
    out.extend_from_slice(b"respondent");
    for item in survey.items() {
        out.push(b',');
        csv_field(&mut out, &safe(&item.id, sanitize));
    }
    out.push(b'\n');
    csv_field(&mut out, &safe(respondent, sanitize));
    for answer in answers {
        out.push(b',');
        if let Some(v) = answer {
            out.extend_from_slice(number(*v, 6).as_bytes());
        }
    }
    out.push(b'\n');
    String::from_utf8(out).expect("CSV of UTF-8 text is UTF-8")
}

/// Reads `--answers`: a responses CSV with one row of answers to the
/// survey's statements; returns them in survey order.
fn read_answers(
    path: &std::path::Path,
    matrix: &RoleMatrix,
    survey: &Survey,
    args: &AssessArgs,
    scale_name: &Option<String>,
    settings: &Settings,
) -> Result<Vec<Option<f64>>> {
    let input = open_input(Some(path), "answers", settings.encoding)?;
    let (scale, _) = answer_scale(args, survey, settings)?;
    let options = ResponseOptions {
        scale: scale_name.is_none().then(|| scale.scale()),
        scale_name: scale_name.clone(),
        labels: labels(args, settings)?,
        ..Default::default()
    };
    let mut reader = ResponseReader::new(input.reader, &input.name, matrix, Some(survey), &options)?;
    let plan = reader.plan().clone();
    if let Some(i) = plan
        .columns()
        .iter()
        .position(|c| matches!(c, ColumnRole::Capability(_)))
    {
        return Err(bad_input(format!(
            "{}: column {} {:?} answers a capability directly; assess --answers reads answers to the \
             survey's statements (item ids as columns, as --save writes); score such a file with `rolefit score`",
            input.name,
            i + 1,
            plan.header()[i]
        )));
    }
    let mut record = ByteRecord::new();
    let Some(position) = reader.next_record(&mut record)? else {
        return Err(bad_input(format!(
            "{}: has no row of answers; expected one row (a respondent's answers)",
            input.name
        )));
    };
    let mut batch = ProfileBatch::new(matrix.capabilities().len());
    plan.parse_record(&record, position.line, position.row, &mut batch)?;
    if reader.next_record(&mut ByteRecord::new())?.is_some() {
        return Err(bad_input(format!(
            "{}: holds more than one respondent; assess reads one (score many with `rolefit score`)",
            input.name
        )));
    }
    let mut answers = vec![None; survey.items().len()];
    for (i, role) in plan.columns().iter().enumerate() {
        let ColumnRole::Item { item, .. } = role else {
            continue;
        };
        let text = std::str::from_utf8(record.get(i).unwrap_or_default())
            .unwrap_or_default()
            .trim();
        answers[*item] = text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .or_else(|| plan.response_scale().value_of(text));
    }
    Ok(answers)
}

/// The result: ranked roles with their explanations, then the person's
/// capabilities against the best-fitting role as a bar chart.
/// Explanations show answers and levels on `answer_scale`, the scale the
/// statements were answered on.
fn report(
    matrix: &RoleMatrix,
    answer_scale: Scale,
    strategy: &dyn Strategy,
    profile: &ProfileBatch,
    top: usize,
    item_capabilities: &[usize],
    answers: &[Option<f64>],
) -> Result<String> {
    let compiled = &CompiledMatrix::new(matrix);
    let scorer = Scorer::new(compiled, strategy).top(Some(matrix.roles().len()));
    let outcomes = scorer
        .score_batch(profile)
        .map_err(|e| anyhow::Error::new(e).context("scoring the answers"))?;
    let (values, answered) = profile.row(0);
    let mut s = String::new();
    let answered_items = answers.iter().filter(|a| a.is_some()).count();
    s.push_str(&format!(
        "Your result ({answered_items} of {} statements answered; strategy {})\n\n",
        answers.len(),
        strategy.name()
    ));
    let ranked = match &outcomes[0] {
        Outcome::Ranked(ranked) => ranked.clone(),
        Outcome::Insufficient { answered, needed } => {
            s.push_str(&format!(
                "Not enough answers to rank the roles: {answered} of {} capabilities answered, {needed} needed. \
                 Answer more of the statements and try again.\n",
                matrix.capabilities().len()
            ));
            return Ok(s);
        }
    };
    s.push_str(&ranking_text(matrix, &ranked));
    // Why: the score renderer's explained block, for the top roles.
    let shown: Vec<_> = ranked.iter().take(top).copied().collect();
    let explanations: Vec<_> = shown
        .iter()
        .map(|r| explain(compiled, strategy, values, answered, *r))
        .collect();
    let renderer =
        Renderer::new(ScoreFormat::Table, matrix, strategy, true, true).with_answer_scale(answer_scale);
    let mut rows = Vec::new();
    renderer.row(
        &mut Vec::new(),
        &mut rows,
        RespondentParts {
            id: "Why these roles",
            answered: profile.answered_count(0),
            outcome: &Outcome::Ranked(shown.clone()),
            explanations: &explanations,
            confidence: None,
            flags: QualityFlags::NONE,
            probability: &[],
        },
    );
    s.push_str(&String::from_utf8_lossy(&renderer.footer(&rows, false)));
    let measured: Vec<bool> = (0..matrix.capabilities().len())
        .map(|c| item_capabilities.contains(&c))
        .collect();
    s.push_str(&capability_chart(
        matrix,
        &matrix.roles()[ranked[0].role],
        (values, answered),
        &measured,
    ));
    Ok(s)
}

/// Every role, best fit first, with its score and a bar.
fn ranking_text(matrix: &RoleMatrix, ranked: &[RankedRole]) -> String {
    let mut s = String::from("Roles, best fit first\n");
    let width = matrix
        .roles()
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (i, r) in ranked.iter().enumerate() {
        s.push_str(&format!(
            "  {:>2}. {:<width$}  {:.3}  {}\n",
            i + 1,
            matrix.roles()[r.role].name,
            r.score,
            bar(r.score, BAR)
        ));
    }
    s.push('\n');
    s
}

/// The chart: each capability the statements measure (`measured`), the
/// person's value (`values` where `answered`) against the role `best`.
fn capability_chart(
    matrix: &RoleMatrix,
    best: &Role,
    (values, answered): (&[f64], &[bool]),
    measured: &[bool],
) -> String {
    let mut s = String::new();
    let scale = matrix.scale();
    let fraction = |v: f64| (v - scale.min()) / scale.width();
    let name_width = matrix
        .capabilities()
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(36);
    s.push_str(&format!(
        "\nYour capabilities against {} (scale {}; █ you, │ the role's level, ┃ the role's level inside \
         your bar)\n",
        best.name, scale
    ));
    for (c, cap) in matrix.capabilities().iter().enumerate() {
        if !measured[c] {
            continue;
        }
        let level = best.requirements[c].level;
        let name: String = cap.name.chars().take(name_width).collect();
        let (you, chart) = if answered[c] {
            (
                number(values[c], 2),
                marked(&bar(fraction(values[c]), BAR), fraction(level)),
            )
        } else {
            ("-".to_string(), marked("", fraction(level)))
        };
        let weight = best.requirements[c].importance;
        let note = if weight == 0.0 { "  (does not count)" } else { "" };
        s.push_str(&format!(
            "  {name:<name_width$}  {chart}  you {you:>4}  role {}{note}\n",
            number(level, 2)
        ));
    }
    s
}

/// `bar` padded to the chart's width, with `│` at the role's level.
fn marked(bar: &str, level: f64) -> String {
    let mut cells: Vec<char> = bar.chars().collect();
    cells.resize(BAR, ' ');
    let at = ((level.clamp(0.0, 1.0) * BAR as f64).round() as usize).min(BAR - 1);
    if cells[at] == ' ' {
        cells[at] = '│';
    } else {
        cells[at] = '┃';
    }
    cells.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alternate_screen_is_left_when_the_guard_goes_whatever_the_path() {
        let mut out = Vec::new();
        {
            let _screen = AlternateScreen::enter(&mut out);
        }
        assert_eq!(out, b"\x1b[?1049h\x1b[?1049l\x1b[?25h");
        // An error returned while asking drops the guard too.
        let mut out = Vec::new();
        let failing = |out: &mut Vec<u8>| -> Result<()> {
            let _screen = AlternateScreen::enter(out);
            Err(anyhow::anyhow!("the terminal went away"))
        };
        assert!(failing(&mut out).is_err());
        assert!(out.ends_with(b"\x1b[?1049l\x1b[?25h"), "{out:?}");
    }

    #[test]
    fn choices_are_labels_or_whole_numbers() {
        let labels = choices(&ResponseScale::agreement5());
        assert_eq!(labels[0], ("Strongly disagree".to_string(), 1.0));
        let numbers = choices(&ResponseScale::numeric(
            rolefit_model::Scale::new(0.0, 3.0).unwrap(),
        ));
        assert_eq!(
            numbers.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            ["0", "1", "2", "3"]
        );
    }

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("one two three four", 9), "one two\nthree\nfour");
        assert_eq!(wrap("  a  b ", 80), "a b");
    }

    #[test]
    fn long_lines_wrap_with_a_hanging_indent() {
        let text = "Title\n  drivers: one two three four five six seven eight nine ten eleven twelve\nend";
        let fitted = fit_lines(text, 40);
        assert_eq!(
            fitted,
            "Title\n  drivers: one two three four five\n      six seven eight nine ten eleven\n      twelve\nend"
        );
        assert!(fitted.lines().all(|l| l.chars().count() <= 40), "{fitted}");
        assert_eq!(fit_lines("short\n", 40), "short\n");
    }

    #[test]
    fn the_choices_their_default_and_their_meaning() {
        let options = vec![
            ("Never".to_string(), 1.0),
            ("Often".to_string(), 2.0),
            ("Always".to_string(), 3.0),
        ];
        assert_eq!(
            choice_labels(&options, false),
            ["Never", "Often", "Always", "Skip"]
        );
        assert_eq!(choice_labels(&options, true).last().unwrap(), "Back");
        assert_eq!(default_choice(&options, Some(3.0), false), 2);
        assert_eq!(default_choice(&options, None, true), 3, "Skip");
        assert_eq!(default_choice(&options, None, false), 1, "the middle");
        assert_eq!(step_of(0, &options), Step::Answer(1.0));
        assert_eq!(step_of(3, &options), Step::Skip);
        assert_eq!(step_of(4, &options), Step::Back);
        assert_eq!(
            done_line(&[Some(1.0), None]),
            "Done: 1 of 2 statements answered, 1 skipped.\n"
        );
        assert_eq!(done_line(&[Some(1.0)]), "Done: 1 of 1 statements answered.\n");
    }

    #[test]
    fn progress_and_markers() {
        assert_eq!(bar_of(0, 4, 4), "····");
        assert_eq!(bar_of(2, 4, 4), "■■··");
        let m = marked("██", 0.5);
        assert_eq!(m.chars().count(), BAR);
        assert_eq!(m.chars().nth(BAR / 2), Some('│'));
        assert_eq!(marked("████", 0.0).chars().next(), Some('┃'));
    }

    #[test]
    fn answers_become_a_one_row_responses_csv() {
        let survey = rolefit_import::builtin::survey();
        let mut answers = vec![None; survey.items().len()];
        answers[0] = Some(4.0);
        answers[2] = Some(2.5);
        let csv = answers_csv("=me", &survey, &answers, true);
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with("respondent,Q01,Q02,Q03,"));
        assert!(lines.next().unwrap().starts_with("'=me,4,,2.5,,"));
    }

    fn assess_args(argv: &[&str]) -> AssessArgs {
        use clap::Parser;
        let cli = crate::args::Cli::try_parse_from(argv).unwrap();
        match cli.command {
            crate::args::Command::Assess(a) => a,
            other => panic!("not assess: {other:?}"),
        }
    }

    #[test]
    fn the_rescore_hint_repeats_what_changes_the_scores() {
        let plain = assess_args(&["rolefit", "assess"]);
        assert_eq!(
            rescore_command(&plain, Path::new("me.csv")),
            "rolefit score me.csv"
        );
        let all = assess_args(&[
            "rolefit",
            "assess",
            "--scale",
            "agreement7",
            "--labels-map",
            "my labels.csv",
            "--survey",
            "s.csv",
            "--matrix",
            "a.csv",
            "--matrix",
            "b.xlsx",
            "--matrix-scale",
            "0..7",
            "--max-unzipped-mib",
            "4096",
            "--strategy",
            "cosine",
        ]);
        assert_eq!(
            rescore_command(&all, Path::new("it's.csv")),
            "rolefit score 'it'\\''s.csv' --survey s.csv --scale agreement7 --labels-map 'my labels.csv' \
             --matrix a.csv --matrix b.xlsx --matrix-scale 0..7 --max-unzipped-mib 4096 --strategy cosine"
        );
        let range = assess_args(&["rolefit", "assess", "--scale", "0..10"]);
        assert_eq!(
            rescore_command(&range, Path::new("a.csv")),
            "rolefit score a.csv --scale 0..10"
        );
    }
}
