//! Choosing the strategy a command scores with: a built-in or plugin
//! strategy by name (`--strategy`), its centred variant (`--center
//! person`), or a learned model read from a file (`--model`).

use std::io::Read;
use std::path::Path;

use anyhow::Result;
use rolefit_model::RoleMatrix;
use rolefit_score::learned::LearnedModel;
use rolefit_score::{Centred, Registry, Strategy};

use crate::args::{Center, Encoding};
use crate::error::bad_input;
use crate::io::open_file;
use crate::registry;

/// Reads a model file and checks it against `matrix` (exit 2 otherwise).
pub fn load_model(path: &Path, matrix: &RoleMatrix, encoding: Encoding) -> Result<LearnedModel> {
    let mut input = open_file(path, "model", encoding)?;
    let mut text = String::new();
    input
        .reader
        .read_to_string(&mut text)
        .map_err(|e| bad_input(format!("cannot read model {}: {e}", path.display())))?;
    LearnedModel::from_json(&text, matrix).map_err(|e| bad_input(format!("{}: {e}", path.display())))
}

/// The strategy `rolefit score` runs.
pub enum Chosen<'r> {
    /// A built-in or plugin strategy as it is.
    Plain(&'r dyn Strategy),
    /// A strategy on centred profiles (`--center person`).
    Centred(Centred<'r>),
    /// A learned model (`--model`).
    Model(Box<LearnedModel>),
}

impl Chosen<'_> {
    /// The strategy.
    pub fn get(&self) -> &dyn Strategy {
        match self {
            Chosen::Plain(s) => *s,
            Chosen::Centred(c) => c,
            Chosen::Model(m) => m.as_ref(),
        }
    }
}

/// Picks the strategy of `rolefit score` from `--strategy` (`strategy`),
/// `--model` (`model`) and `--center` (`center`).
///
/// # Errors
/// Exit 2 for an unknown strategy, an unusable model file, or `--center
/// person` with `--model` (a model learned from values as given cannot be
/// fed centred ones).
pub fn choose<'r>(
    strategy: &str,
    model: Option<&Path>,
    center: Center,
    registry: &'r Registry,
    matrix: &RoleMatrix,
    encoding: Encoding,
) -> Result<Chosen<'r>> {
    match (model, center) {
        (Some(_), Center::Person) => Err(bad_input(
            "--center person does not apply to --model: a model learns from answers as given; \
             use --center with --strategy",
        )),
        (Some(path), Center::None) => Ok(Chosen::Model(Box::new(load_model(path, matrix, encoding)?))),
        (None, Center::None) => Ok(Chosen::Plain(registry::find(registry, strategy)?)),
        (None, Center::Person) => Ok(Chosen::Centred(Centred::new(registry::find(registry, strategy)?))),
    }
}
