//! Choosing the strategy a command scores with: a built-in or plugin
//! strategy by name (`--strategy`), its centred variant (`--center
//! person`), or a learned model read from a file (`--model`).

use std::path::Path;

use anyhow::Result;
use rolefit_learn::learned::LearnedModel;
use rolefit_model::RoleMatrix;
use rolefit_score::{Centred, Registry, Strategy};

use crate::args::{Center, Encoding, Scoring};
use crate::error::bad_input;
use crate::registry::{self, Strategies};
use crate::settings::Settings;

/// Reads a model file and checks it against `matrix` (exit 2 otherwise).
pub fn load_model(path: &Path, matrix: &RoleMatrix, encoding: Encoding) -> Result<LearnedModel> {
    let text = crate::load::model_text(path, encoding)?;
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

/// Picks the strategy of `score` and `explain` from `--strategy`,
/// `--model` and `--center`, among the run's `strategies`.
///
/// # Errors
/// Exit 2 for an unknown strategy, an unusable model file, or `--center
/// person` with `--model` (a model learned from values as given cannot be
/// fed centred ones).
pub fn choose<'r>(
    strategies: &'r Strategies,
    scoring: &Scoring,
    matrix: &RoleMatrix,
    settings: &Settings,
) -> Result<Chosen<'r>> {
    let (strategy, registry, encoding) = (&scoring.choice.strategy, strategies.registry(), settings.encoding);
    match (scoring.learned.model.as_deref(), scoring.centring.center) {
        (Some(_), Center::Person) => Err(bad_input(
            "--center person does not apply to --model: a model learns from answers as given; \
             use --center with --strategy",
        )),
        (Some(path), Center::None) => Ok(Chosen::Model(Box::new(load_model(path, matrix, encoding)?))),
        (None, center) => by_name(registry, strategy, center),
    }
}

/// A built-in or plugin strategy by name (`--strategy`), centred with
/// `--center person`.
///
/// # Errors
/// Exit 2 for an unknown strategy.
pub fn by_name<'r>(registry: &'r Registry, name: &str, center: Center) -> Result<Chosen<'r>> {
    let strategy = registry::find(registry, name)?;
    Ok(match center {
        Center::None => Chosen::Plain(strategy),
        Center::Person => Chosen::Centred(Centred::new(strategy)),
    })
}
