//! `rolefit matrix ...`: work with role matrix files: `check` validates
//! and summarises one, `overlap` compares its roles.

pub mod check;
pub mod overlap;

use anyhow::Result;
use clap::Subcommand;

use self::check::MatrixCheckArgs;
use self::overlap::OverlapArgs;
use crate::registry::Finished;
use crate::settings::Settings;

/// `rolefit matrix ...`
#[derive(Debug, Subcommand)]
pub enum MatrixCommand {
    /// Validate a role matrix file and summarise it.
    Check(MatrixCheckArgs),
    /// How similar the roles of a matrix are to each other, and what separates them.
    Overlap(OverlapArgs),
}

/// Runs `rolefit matrix ...`.
pub fn run(command: &MatrixCommand, settings: &Settings) -> Result<Finished> {
    match command {
        MatrixCommand::Check(a) => check::run(a, settings).map(|()| Finished::without_strategies()),
        MatrixCommand::Overlap(a) => overlap::run(a, settings),
    }
}
