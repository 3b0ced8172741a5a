//! `rolefit synth`: deterministic synthetic data.

use anyhow::Result;

use crate::args::{SynthMatrixArgs, SynthResponsesArgs};
use crate::error::bad_input;

/// Runs `rolefit synth matrix`.
pub fn matrix(_args: &SynthMatrixArgs) -> Result<()> {
    Err(bad_input("rolefit synth matrix is being written"))
}

/// Runs `rolefit synth responses`.
pub fn responses(_args: &SynthResponsesArgs) -> Result<()> {
    Err(bad_input("rolefit synth responses is being written"))
}
