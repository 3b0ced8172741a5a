//! A progress bar on standard error for long runs.
//!
//! Shown only when standard error is a terminal, `--quiet` is not given,
//! and the input is large (a file of at least [`MIN_BYTES`], or standard
//! input, whose size is unknown); otherwise every call is a no-op, so
//! pipelines and tests see nothing.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs smaller than this finish before a bar would be worth drawing.
pub const MIN_BYTES: u64 = 8 << 20;

/// The bar, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for an input of `len` bytes (`None`: unknown, a spinner).
    pub fn new(len: Option<u64>, quiet: bool) -> Self {
        let wanted = !quiet && std::io::stderr().is_terminal() && len.is_none_or(|n| n >= MIN_BYTES);
        if !wanted {
            return Progress(None);
        }
        let bar = match len {
            Some(n) => {
                let bar = ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template(
                    "{bar:30} {percent:>3}% {bytes}/{total_bytes} {msg} ({eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template("{spinner} {bytes} read, {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
                bar.set_style(style);
                bar
            }
        };
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    /// A bar counting `total` units of work called `unit` (`evaluate`:
    /// respondents x strategies), shown under the same rule as [`new`]
    /// with the work standing in for the input's size: only when standard
    /// error is a terminal and `total` is at least `min`.
    ///
    /// [`new`]: Progress::new
    pub fn counting(total: u64, min: u64, unit: &str) -> Self {
        if !std::io::stderr().is_terminal() || total < min {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = format!("{{bar:30}} {{percent:>3}}% {{pos}}/{{len}} {unit} ({{eta}} left)");
        let style = ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    /// Sets the work done of a [`counting`](Progress::counting) bar.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(done);
        }
    }

    /// Reports `bytes` of input consumed and `rows` rows done.
    pub fn update(&self, bytes: u64, rows: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(bytes);
            let secs = bar.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
            bar.set_message(format!("{rows} rows, {rate:.0} rows/s"));
        }
    }

    /// Prints `note: TEXT` on standard error, above the bar if there is one.
    pub fn note(&self, text: &str) {
        match &self.0 {
            Some(bar) => bar.suspend(|| eprintln!("note: {text}")),
            None => eprintln!("note: {text}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
