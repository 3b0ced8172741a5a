//! Choosing the strategy a command scores with: a built-in or plugin
//! strategy by name (`--strategy`), its centred variant (`--center
//! person`), or a learned model read from a file (`--model`).

use std::path::Path;

use anyhow::Result;
use ndarray::Array2;
use rolefit_learn::learned::LearnedModel;
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{
    Centred, CompiledMatrix, Draw, Registry, ScoreError, Strategy, Weighted, Weights, WeightsKind, Workspace,
    DISTANCE_STRATEGIES,
};

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
    /// (`euclidean+uniform+center`).
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

/// A strategy name taken apart: the registered strategy and the variants a
/// composed name asks for (`euclidean+uniform+center`: `euclidean`, uniform
/// weights, centred).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Composition<'n> {
    /// The registered strategy's name, as given.
    pub base: &'n str,
    /// `+center`.
    pub center: bool,
    /// `+importance`, `+uniform` or `+learned`.
    pub weights: Option<WeightsKind>,
}

/// The suffixes a composed strategy name may carry.
pub const SUFFIXES: &str = "+center, +importance, +uniform, +learned";

/// Takes a strategy name apart: a registered name as it is, else a
/// registered name followed by any of [`SUFFIXES`] (each at most once),
/// compared case-insensitively.
///
/// # Errors
/// Exit 2 for an unknown strategy or suffix.
pub fn compose<'n>(registry: &Registry, name: &'n str) -> Result<Composition<'n>> {
    if registry.get(name).is_some() {
        return Ok(Composition {
            base: name,
            center: false,
            weights: None,
        });
    }
    let mut parts = name.split('+');
    let base = parts.next().unwrap_or_default();
    let mut out = Composition {
        base,
        center: false,
        weights: None,
    };
    if name.contains('+') {
        for part in parts {
            match (part.to_ascii_lowercase().as_str(), WeightsKind::from_name(part)) {
                ("center", _) if !out.center => out.center = true,
                (_, Some(kind)) if out.weights.is_none() => out.weights = Some(kind),
                _ => {
                    return Err(bad_input(format!(
                        "{name:?}: +{part} is not a variant, or is given twice; a strategy name may end in {SUFFIXES}"
                    )))
                }
            }
        }
    }
    registry::find(registry, base)?;
    Ok(out)
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
        (None, center) => {
            let weights = match weights {
                Some(WeightsKind::Uniform) => Some(Weights::Uniform),
                _ => None,
            };
            build(registry, name, center, weights, matrix)
        }
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
        (Some(WeightsKind::Uniform), _) => Some(Weights::Uniform),
        (Some(WeightsKind::Importance), _) => None,
        (None, weights) => weights,
    };
    let center = parts.center || center == Center::Person;
    if weights.is_some()
        && !DISTANCE_STRATEGIES
            .iter()
            .any(|d| d.eq_ignore_ascii_case(strategy.name()))
    {
        return Err(bad_input(format!(
            "--weights (and +uniform, +learned) apply to the distance strategies {}, not to {}",
            DISTANCE_STRATEGIES.join(" and "),
            strategy.name()
        )));
    }
    let weighted = weights.map(|w| Weighted::new(strategy, &CompiledMatrix::new(matrix), &w));
    Ok(match (weighted, center) {
        (None, false) => Chosen::Plain(strategy),
        (weighted, center) => Chosen::Composed(Box::new(Composed::new(strategy, weighted, center))),
    })
}

/// A registered strategy with other weights ([`Weighted`]), centred
/// ([`Centred`]) or both: centring applies first, to the answers, and the
/// weighted strategy scores the centred answers (centring's typical level
/// is importance-weighted whatever the distance weighs).
pub struct Composed<'r> {
    plain: &'r dyn Strategy,
    weighted: Option<Weighted<'r>>,
    center: bool,
    name: String,
    formula: String,
    description: String,
}

impl<'r> Composed<'r> {
    fn new(plain: &'r dyn Strategy, weighted: Option<Weighted<'r>>, center: bool) -> Self {
        let inner: &dyn Strategy = weighted.as_ref().map_or(plain, |w| w as &dyn Strategy);
        let (name, formula, description) = if center {
            let c = Centred::new(inner);
            (
                c.name().to_string(),
                c.formula().to_string(),
                c.description().to_string(),
            )
        } else {
            (
                inner.name().to_string(),
                inner.formula().to_string(),
                inner.description().to_string(),
            )
        };
        Composed {
            plain,
            weighted,
            center,
            name,
            formula,
            description,
        }
    }

    /// The strategy scored, before centring.
    fn inner(&self) -> &dyn Strategy {
        self.weighted.as_ref().map_or(self.plain, |w| w as &dyn Strategy)
    }
}

impl Strategy for Composed<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn formula(&self) -> &str {
        &self.formula
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn score_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        match self.center {
            true => Centred::new(self.inner()).score_in(matrix, profiles, ws),
            false => self.inner().score_in(matrix, profiles, ws),
        }
    }

    fn score_draws_in(
        &self,
        matrix: &CompiledMatrix,
        profiles: &ProfileBatch,
        draws: &[Draw],
        ws: &mut Workspace,
    ) -> Result<Array2<f64>, ScoreError> {
        match self.center {
            true => Centred::new(self.inner()).score_draws_in(matrix, profiles, draws, ws),
            false => self.inner().score_draws_in(matrix, profiles, draws, ws),
        }
    }

    fn contributions(
        &self,
        matrix: &CompiledMatrix,
        values: &[f64],
        answered: &[bool],
        role: usize,
    ) -> Option<Vec<f64>> {
        match self.center {
            true => Centred::new(self.inner()).contributions(matrix, values, answered, role),
            false => self.inner().contributions(matrix, values, answered, role),
        }
    }
}

/// A built-in or plugin strategy by name (`--strategy`, `+center` accepted
/// in the name), centred with `--center person`: for the commands without
/// `--weights` (`cluster`, `report`).
///
/// # Errors
/// Exit 2 for an unknown strategy, or weights in the name.
pub fn by_name<'r>(registry: &'r Registry, name: &str, center: Center) -> Result<Chosen<'r>> {
    let parts = compose(registry, name)?;
    if parts.weights.is_some() {
        return Err(bad_input(format!(
            "{name:?}: weights (+uniform, +learned) apply where respondents are ranked: score, explain and evaluate"
        )));
    }
    let strategy = registry::find(registry, parts.base)?;
    Ok(match parts.center || center == Center::Person {
        false => Chosen::Plain(strategy),
        true => Chosen::Composed(Box::new(Composed::new(strategy, None, true))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_names_are_taken_apart() {
        let registry = Registry::builtin();
        let plain = compose(&registry, "Euclidean").unwrap();
        assert_eq!(
            (plain.base, plain.center, plain.weights),
            ("Euclidean", false, None)
        );
        let both = compose(&registry, "manhattan+uniform+CENTER").unwrap();
        assert_eq!(
            (both.base, both.center, both.weights),
            ("manhattan", true, Some(WeightsKind::Uniform))
        );
        assert!(compose(&registry, "euclidean+center+center").is_err());
        assert!(compose(&registry, "euclidean+uniform+learned").is_err());
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
        assert_eq!(
            name("euclidean+center", Center::None, Some(Weights::Uniform)).unwrap(),
            "euclidean+uniform+center"
        );
        assert_eq!(
            name("manhattan+importance", Center::None, Some(Weights::Uniform)).unwrap(),
            "manhattan"
        );
        assert!(name("cosine", Center::None, Some(Weights::Uniform)).is_err());
        assert!(name("euclidean+learned", Center::None, None).is_err());
        assert!(by_name(&registry, "euclidean+uniform", Center::None).is_err());
        assert_eq!(
            by_name(&registry, "pearson+center", Center::None)
                .unwrap()
                .get()
                .name(),
            "pearson+center"
        );
    }
}
