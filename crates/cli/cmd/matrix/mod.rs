//! `rolefit matrix ...`: work with role matrix files: `check` validates
//! and summarises one, `overlap` compares its roles.

pub mod check;
pub mod overlap;

use anyhow::Result;
use clap::Subcommand;

use self::check::MatrixCheckArgs;
use self::overlap::OverlapArgs;

/// `rolefit matrix ...`
#[derive(Debug, Subcommand)]
pub enum MatrixCommand {
    /// Validate a role matrix file and summarise it.
    Check(MatrixCheckArgs),
    /// How similar the roles of a matrix are to each other, and what separates them.
    Overlap(OverlapArgs),
}

/// Runs `rolefit matrix ...`.
pub fn run(command: &MatrixCommand) -> Result<()> {
    match command {
        MatrixCommand::Check(a) => check::run(a),
        MatrixCommand::Overlap(a) => overlap::run(a),
    }
}
