//! One module per subcommand, each with a `run` taking its parsed arguments.

pub mod matrix;
pub mod roles;
pub mod score;
pub mod strategies;
pub mod survey;
pub mod synth;
