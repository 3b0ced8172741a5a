//! Labels files (`respondent,role` per line), which `train` learns from and
//! `evaluate` scores against. The reader is the import crate's
//! ([`rolefit_import::read_role_labels`], opened by
//! [`crate::load::role_labels`]); what is left here is what the commands say
//! about the labels once aligned with the respondents.

use std::path::Path;

use rolefit_import::RoleLabels;
use rolefit_model::ProfileBatch;

/// Says on standard error how many labels named respondents the input does
/// not have.
pub fn labels_warning(unused: usize, labels: &Path, input: &str) {
    if unused > 0 {
        eprintln!(
            "warning: {unused} label{} in {} name respondents that are not in {input}; ignored",
            if unused == 1 { "" } else { "s" },
            labels.display()
        );
    }
}

/// The respondents of `batch` that `labels` (read from `path`) name, with
/// their role indices. Says on standard error how many labels name no
/// respondent ([`labels_warning`]) and, unless `quiet`, how many
/// respondents have no label and are left out; `used` ends that note
/// ("are evaluated").
pub fn keep_labelled(
    labels: &RoleLabels,
    path: &Path,
    batch: &ProfileBatch,
    input: &str,
    quiet: bool,
    used: &str,
) -> anyhow::Result<(ProfileBatch, Vec<usize>)> {
    let labelled = labels.labelled(batch, input)?;
    labels_warning(labelled.unused, path, input);
    if labelled.unlabelled > 0 && !quiet {
        eprintln!(
            "note: {}: {} of the {} respondents have no label in {} and are left out; {} {used}",
            input,
            labelled.unlabelled,
            batch.len(),
            path.display(),
            labelled.roles.len()
        );
    }
    Ok((labelled.batch, labelled.roles))
}
