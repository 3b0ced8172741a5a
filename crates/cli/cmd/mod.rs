//! One module per subcommand, each with a `run` taking its parsed arguments.

pub mod assess;
pub mod cluster;
pub mod completions;
pub mod evaluate;
pub mod explain;
pub mod matrix;
pub mod overlap;
pub mod plugins;
pub mod report;
pub mod roles;
pub mod score;
pub mod strategies;
pub mod survey;
pub mod synth;
pub mod train;
