//! Choosing the strategy a command scores with: a built-in or plugin
//! strategy by name (`--strategy`), its centred variant (`--center
//! person`), or a learned model read from a file (`--model`).

use std::path::Path;

use anyhow::Result;
use rolefit_learn::learned::LearnedModel;
use rolefit_model::RoleMatrix;
use rolefit_score::compose::{self, Composed, Composition, NameError};
use rolefit_score::{CompiledMatrix, Registry, Strategy, Weights, WeightsKind};

use crate::args::{Center, Encoding, Scoring, WeightsChoice};
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
    /// A strategy on centred profiles, other weights, or both
    /// (`euclidean+importance+center`).
    Composed(Box<Composed<'r>>),
    /// A learned model (`--model`).
    Model(Box<LearnedModel>),
}

impl Chosen<'_> {
    /// The strategy.
    pub fn get(&self) -> &dyn Strategy {
        match self {
            Chosen::Plain(s) => *s,
            Chosen::Composed(c) => c.as_ref(),
            Chosen::Model(m) => m.as_ref(),
        }
    }
}

/// Takes a strategy name apart ([`rolefit_score::compose::compose`]).
///
/// # Errors
/// Exit 2 for an unknown strategy (with the names there are and the
/// closest, plugins included) or suffix.
pub fn compose<'n>(registry: &Registry, name: &'n str) -> Result<Composition<'n>> {
    compose::compose(registry, name).map_err(|e| match e {
        NameError::Unknown { base } => match registry::find(registry, &base) {
            Err(e) => e,
            Ok(_) => bad_input(format!("unknown strategy {name:?}")),
        },
        other => bad_input(other.to_string()),
    })
}

/// Picks the strategy of `score` and `explain` from `--strategy`,
/// `--model`, `--center` and `--weights`, among the run's `strategies`.
///
/// # Errors
/// Exit 2 for an unknown strategy, an unusable model file, `--center
/// person` with `--model` (a model learned from values as given cannot be
/// fed centred ones), `--strategy` with `--model` but without `--weights
/// learned`, or weights the strategy does not take.
pub fn choose<'r>(
    strategies: &'r Strategies,
    scoring: &Scoring,
    matrix: &RoleMatrix,
    settings: &Settings,
) -> Result<Chosen<'r>> {
    let (registry, encoding) = (strategies.registry(), settings.encoding);
    let name = scoring.choice.name();
    let weights = scoring.weighting.weights.map(WeightsChoice::kind);
    let learned = weights == Some(WeightsKind::Learned);
    match (scoring.learned.model.as_deref(), scoring.centring.center) {
        (Some(path), center) if learned => {
            let model = load_model(path, matrix, encoding)?;
            let precisions = model.precisions().cloned().ok_or_else(|| {
                bad_input(format!(
                    "{}: this model file has no learned weights (it was written before rolefit learned them); \
                     train it again with `rolefit train`",
                    path.display()
                ))
            })?;
            build(registry, name, center, Some(Weights::Learned(precisions)), matrix)
        }
        (Some(_), Center::Person) => Err(bad_input(
            "--center person does not apply to --model: a model learns from answers as given; \
             use --center with --strategy",
        )),
        (Some(_), Center::None) if scoring.choice.strategy.is_some() => Err(bad_input(
            "--model scores with the learned model, not --strategy; give one of them (or add --weights \
             learned to score --strategy with the model's learned weights)",
        )),
        (Some(_), Center::None) if weights.is_some() => Err(bad_input(
            "--weights applies to --strategy, not to a --model (only --weights learned reads a model file)",
        )),
        (Some(path), Center::None) => Ok(Chosen::Model(Box::new(load_model(path, matrix, encoding)?))),
        (None, _) if learned => Err(bad_input(
            "--weights learned takes the learned weights from a model file: add --model FILE (made by \
             `rolefit train`)",
        )),
        (None, center) => build(registry, name, center, weights.and_then(Weights::fixed), matrix),
    }
}

/// A strategy by name, composed or not, with `--center` and `--weights`
/// applied on top of what the name says (the name's own weights win).
///
/// # Errors
/// Exit 2 for an unknown strategy, `+learned` (which needs a model file's
/// weights: pass them as `weights`), or weights on a strategy that is not
/// a distance.
pub fn build<'r>(
    registry: &'r Registry,
    name: &str,
    center: Center,
    weights: Option<Weights>,
    matrix: &RoleMatrix,
) -> Result<Chosen<'r>> {
    let parts = compose(registry, name)?;
    let strategy = registry::find(registry, parts.base)?;
    let weights = match (parts.weights, weights) {
        (Some(WeightsKind::Learned), _) => {
            return Err(bad_input(format!(
                "{name:?}: +learned needs the learned weights of a model file: use --weights learned --model FILE"
            )))
        }
        (Some(kind), _) => Weights::fixed(kind),
        (None, weights) => weights,
    };
    let center = parts.center || center == Center::Person;
    let compiled = CompiledMatrix::new(matrix);
    let composed = Composed::new(strategy, weights.as_ref().map(|w| (w, &compiled)), center)
        .map_err(|e| bad_input(e.to_string()))?;
    Ok(match composed.is_plain() {
        true => Chosen::Plain(strategy),
        false => Chosen::Composed(Box::new(composed)),
    })
}

/// A built-in or plugin strategy by name (`--strategy`; `+center`,
/// `+importance` and `+uniform` accepted in the name), centred with
/// `--center person`, for `matrix`: for the commands without `--weights`
/// and `--model` (`cluster`, `report`).
///
/// # Errors
/// Exit 2 for an unknown strategy, `+learned` (which needs a model file),
/// or weights on a strategy that is not a distance.
pub fn by_name<'r>(
    registry: &'r Registry,
    name: &str,
    center: Center,
    matrix: &RoleMatrix,
) -> Result<Chosen<'r>> {
    check_plain_name(registry, name)?;
    build(registry, name, center, None, matrix)
}

/// Checks a name [`by_name`] takes, before any data is read.
///
/// # Errors
/// As [`by_name`].
pub fn check_plain_name(registry: &Registry, name: &str) -> Result<()> {
    if compose(registry, name)?.weights == Some(WeightsKind::Learned) {
        return Err(bad_input(format!(
            "{name:?}: +learned needs the learned weights of a model file, which cluster and report do not \
             read; score, explain and evaluate take them (--weights learned --model FILE)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_get_the_cli_message() {
        let registry = Registry::builtin();
        let e = compose(&registry, "euclidean+centre").unwrap_err().to_string();
        assert!(e.contains("+centre is not a variant"), "{e}");
        let e = compose(&registry, "eucldean+center").unwrap_err().to_string();
        assert!(e.contains("did you mean \"euclidean\""), "{e}");
    }

    #[test]
    fn composed_strategies_are_named_after_their_parts() {
        let registry = Registry::builtin();
        let matrix = rolefit_import::builtin::matrix();
        let name = |n: &str, c: Center, w: Option<Weights>| {
            build(&registry, n, c, w, &matrix).map(|s| s.get().name().to_string())
        };
        assert_eq!(
            name("euclidean+center", Center::None, None).unwrap(),
            "euclidean+center"
        );
        assert_eq!(
            name("euclidean", Center::Person, None).unwrap(),
            "euclidean+center"
        );
        // Uniform weights are the default: the plain name.
        assert_eq!(
            name("euclidean+center", Center::None, Some(Weights::Uniform)).unwrap(),
            "euclidean+center"
        );
        assert_eq!(
            name("euclidean+center", Center::None, Some(Weights::Importance)).unwrap(),
            "euclidean+importance+center"
        );
        // The name's weights win over --weights.
        assert_eq!(
            name("manhattan+uniform", Center::None, Some(Weights::Importance)).unwrap(),
            "manhattan"
        );
        assert_eq!(
            name("manhattan+importance", Center::None, Some(Weights::Uniform)).unwrap(),
            "manhattan+importance"
        );
        assert!(name("cosine", Center::None, Some(Weights::Uniform)).is_err());
        assert_eq!(
            name("cosine", Center::None, Some(Weights::Importance)).unwrap(),
            "cosine"
        );
        assert!(name("euclidean+learned", Center::None, None).is_err());
        assert!(by_name(&registry, "euclidean+learned", Center::None, &matrix).is_err());
        assert_eq!(
            by_name(&registry, "euclidean+importance", Center::Person, &matrix)
                .unwrap()
                .get()
                .name(),
            "euclidean+importance+center"
        );
        assert_eq!(
            by_name(&registry, "pearson+center", Center::None, &matrix)
                .unwrap()
                .get()
                .name(),
            "pearson+center"
        );
    }
}
