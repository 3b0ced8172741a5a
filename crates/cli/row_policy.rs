//! What happens to rows that cannot be read (`--on-error`, `--rejects`) and
//! to rows with quality flags (`--exclude-flagged`): one policy, applied by
//! `score` to each chunk in its workers and by the commands that read every
//! response at once ([`crate::load::responses`]), so that both count, set
//! aside and refuse alike.
//!
//! The policy is the command line's, not the importer's: the importer
//! reports a bad row as an error and marks flagged rows; what to do with
//! them (stop, or write them to the rejects file made safe for
//! spreadsheets, or leave them out) is decided here.

use anyhow::Result;
use rolefit_import::{ByteRecord, ColumnPlan, ImportError, RowPosition};
use rolefit_model::{ProfileBatch, QualityFlags};

use crate::args::{OnError, ResponsesSource};
use crate::error::bad_input;
use crate::io::Output;
use crate::rejects;
use crate::settings::Settings;

/// `--on-error` and `--exclude-flagged`, checked against `--rejects`.
#[derive(Debug, Clone, Copy)]
pub struct RowPolicy {
    /// `--on-error skip`: a bad row is set aside and the run goes on.
    skip: bool,
    /// `--exclude-flagged`: flagged rows are counted, not kept.
    exclude_flagged: bool,
    /// Whether rejected rows' cells are guarded for spreadsheets (not
    /// `--no-sanitize`).
    sanitize: bool,
}

/// How many rows were read, set aside and flagged: per chunk, and added up
/// over a run.
#[derive(Debug, Default, Clone)]
pub struct RowCounts {
    /// Rows read (kept, rejected and left out as flagged together).
    pub read: u64,
    /// Rows that could not be read (with `--on-error skip`).
    pub rejected: u64,
    /// The error of the first row rejected, in input order.
    pub first_reject: Option<String>,
    /// How many rows have each flag, in [`QualityFlags::ALL`] order.
    pub flag_counts: [u64; 3],
    /// Rows with some flag.
    pub flagged: u64,
    /// Flagged rows left out (`--exclude-flagged`).
    pub excluded: u64,
    /// Answers read as missing because they said "no answer" in words
    /// (`Don't know`, `Not applicable`, `--missing-labels`).
    pub no_answer: u64,
}

impl RowPolicy {
    /// The policy of `source`'s options, with `settings`' cell guarding
    /// for the rejects file.
    ///
    /// # Errors
    /// Exit 2 for `--rejects` without `--on-error skip`.
    pub fn new(source: &ResponsesSource, settings: &Settings) -> Result<Self> {
        let skip = source.on_error == OnError::Skip;
        if source.rejects.is_some() && !skip {
            return Err(bad_input(
                "--rejects needs --on-error skip (with fail, the first bad row stops the run)",
            ));
        }
        Ok(RowPolicy {
            skip,
            exclude_flagged: source.exclude_flagged,
            sanitize: settings.sanitize,
        })
    }

    /// The rejects file of `source` (`--rejects`), created with its header,
    /// if one was asked for.
    pub fn rejects_file(&self, source: &ResponsesSource, plan: &ColumnPlan) -> Result<Option<Output>> {
        let Some(path) = &source.rejects else {
            return Ok(None);
        };
        let mut file = Output::create(Some(path))?;
        rejects::write_header(&mut file, plan, self.sanitize)?;
        Ok(Some(file))
    }

    /// A row that could not be read: with `--on-error fail`, its error
    /// (which stops the run); with `skip`, counted and appended to
    /// `rejects` (the rejects file's bytes, whether or not one is written).
    pub fn reject(
        &self,
        counts: &mut RowCounts,
        rejects: &mut Vec<u8>,
        position: RowPosition,
        record: &ByteRecord,
        e: ImportError,
    ) -> Result<(), ImportError> {
        if !self.skip {
            return Err(e);
        }
        counts.rejected += 1;
        if counts.first_reject.is_none() {
            counts.first_reject = Some(e.to_string());
        }
        rejects::append(rejects, position, record, &e, self.sanitize);
        Ok(())
    }

    /// Counts the flags of `batch`'s rows (and its answers read as "no
    /// answer") and, with `--exclude-flagged`, removes the flagged ones.
    pub fn sort_flagged(&self, counts: &mut RowCounts, batch: &mut ProfileBatch) {
        counts.no_answer += batch.no_answer();
        let flagged = batch.flagged_count() as u64;
        if flagged == 0 {
            return;
        }
        for (_, flags) in batch.flagged_rows() {
            count_flags(&mut counts.flag_counts, flags);
        }
        counts.flagged += flagged;
        if self.exclude_flagged {
            batch.remove_flagged();
            counts.excluded += flagged;
        }
    }
}

impl RowCounts {
    /// Adds the counts of a later part of the input.
    pub fn add(&mut self, later: &RowCounts) {
        self.read += later.read;
        self.rejected += later.rejected;
        if self.first_reject.is_none() {
            self.first_reject.clone_from(&later.first_reject);
        }
        for (total, n) in self.flag_counts.iter_mut().zip(later.flag_counts) {
            *total += n;
        }
        self.flagged += later.flagged;
        self.excluded += later.excluded;
        self.no_answer += later.no_answer;
    }

    /// `12 answers read as missing: "Don't know" and other labels that
    /// mean no answer (--missing-labels adds labels)`.
    pub fn no_answer_summary(&self) -> String {
        format!(
            "{} read as missing: \"Don't know\" and other labels that mean no answer (--missing-labels adds \
             labels)",
            if self.no_answer == 1 {
                "1 answer".to_string()
            } else {
                format!("{} answers", self.no_answer)
            }
        )
    }

    /// Refuses a run that kept no row of `name` although it read some:
    /// every row was rejected, or rejected or left out as flagged. Nothing
    /// is written then (no output and no rejects file), so the message
    /// itself says why.
    ///
    /// # Errors
    /// Exit 2 in those two cases.
    pub fn check_some_kept(&self, name: &str) -> Result<()> {
        let every_row = |n: u64| {
            if n == 1 {
                "the one row".to_string()
            } else {
                format!("every one of the {n} rows")
            }
        };
        if self.read > 0 && self.excluded > 0 && self.rejected + self.excluded == self.read {
            return Err(bad_input(format!(
                "{} of {name} was rejected or flagged and left out (--exclude-flagged)",
                every_row(self.read)
            )));
        }
        if self.read > 0 && self.rejected == self.read {
            return Err(bad_input(format!(
                "{} of {name} was rejected, so nothing was written; the first: {}",
                every_row(self.read),
                self.first_reject.as_deref().unwrap_or("?")
            )));
        }
        Ok(())
    }

    /// The summary of quality flags: `3 flagged (2 straight-lining, 1
    /// speeding)`.
    pub fn flag_summary(&self) -> String {
        let parts: Vec<String> = QualityFlags::ALL
            .iter()
            .zip(&self.flag_counts)
            .filter(|(_, &n)| n > 0)
            .map(|((_, name), n)| format!("{n} {name}"))
            .collect();
        if parts.is_empty() {
            format!("{} flagged", self.flagged)
        } else {
            format!("{} flagged ({})", self.flagged, parts.join(", "))
        }
    }
}

/// Counts each flag of `flags` into `counts` (in [`QualityFlags::ALL`] order).
fn count_flags(counts: &mut [u64; 3], flags: QualityFlags) {
    for (i, (flag, _)) in QualityFlags::ALL.iter().enumerate() {
        if flags.contains(*flag) {
            counts[i] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_keeps_no_row_is_refused_with_the_reason() {
        let name = "in.csv";
        let ok = RowCounts {
            read: 3,
            rejected: 1,
            excluded: 1,
            ..RowCounts::default()
        };
        assert!(ok.check_some_kept(name).is_ok());
        assert!(RowCounts::default().check_some_kept(name).is_ok());
        let rejected = RowCounts {
            read: 2,
            rejected: 2,
            first_reject: Some("in.csv:2: bad".into()),
            ..RowCounts::default()
        };
        assert_eq!(
            rejected.check_some_kept(name).unwrap_err().to_string(),
            "every one of the 2 rows of in.csv was rejected, so nothing was written; the first: in.csv:2: bad"
        );
        let left_out = RowCounts {
            read: 3,
            rejected: 1,
            excluded: 2,
            flagged: 2,
            ..RowCounts::default()
        };
        assert_eq!(
            left_out.check_some_kept(name).unwrap_err().to_string(),
            "every one of the 3 rows of in.csv was rejected or flagged and left out (--exclude-flagged)"
        );
    }

    #[test]
    fn counts_add_up_and_keep_the_first_reject() {
        let mut total = RowCounts::default();
        let first = RowCounts {
            read: 2,
            flag_counts: [1, 0, 1],
            flagged: 1,
            ..RowCounts::default()
        };
        let second = RowCounts {
            read: 3,
            rejected: 1,
            first_reject: Some("a".into()),
            flag_counts: [0, 2, 0],
            flagged: 2,
            excluded: 2,
            no_answer: 3,
        };
        let third = RowCounts {
            rejected: 1,
            first_reject: Some("b".into()),
            ..RowCounts::default()
        };
        for part in [&first, &second, &third] {
            total.add(part);
        }
        assert_eq!(
            (total.read, total.rejected, total.flagged, total.excluded),
            (5, 2, 3, 2)
        );
        assert_eq!(total.first_reject.as_deref(), Some("a"));
        assert_eq!(
            total.flag_summary(),
            "3 flagged (1 straight-lining, 2 missing, 1 speeding)"
        );
        assert_eq!(RowCounts::default().flag_summary(), "0 flagged");
        assert_eq!(
            total.no_answer_summary(),
            "3 answers read as missing: \"Don't know\" and other labels that mean no answer \
             (--missing-labels adds labels)"
        );
    }
}
