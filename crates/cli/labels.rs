//! Labels files (`respondent,role` per line), which `train` learns from and
//! `evaluate` scores against. The reader is the import crate's
//! ([`rolefit_import::read_role_labels`], opened by
//! [`crate::load::role_labels`]); what is left here is what the commands say
//! about the labels once aligned with the respondents.

use std::path::Path;

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
