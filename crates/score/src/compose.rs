//! Composed strategy names: a registered strategy with variants,
//! `euclidean+importance+center`, the same wherever a strategy name is
//! taken (`score`, `explain`, `evaluate`, the Python module).
//!
//! A name is a registered strategy's name, optionally followed by any of
//! [`SUFFIXES`], each at most once, in any order, compared without case:
//!
//! - `+center`: scored on centred answers ([`Centred`]);
//! - `+importance`, `+uniform`, `+learned`: the distance (`euclidean`,
//!   `manhattan`) weighs its gaps so ([`crate::weights`]). The default
//!   weighting, [`DEFAULT_WEIGHTS`], is what the plain name does already,
//!   so `euclidean+uniform` *is* `euclidean`; `+learned` needs a model
//!   file's weights, which the caller passes in.
//!
//! [`canonical_name`] is the name a composition is reported under: the
//! base's registered name, then the weighting unless it is the default,
//! then `+center`.

use ndarray::Array2;
use rolefit_model::ProfileBatch;

use crate::{
    Centred, CompiledMatrix, Draw, Registry, ScoreError, Strategy, Weighted, Weights, WeightsKind, Workspace,
    DEFAULT_WEIGHTS, DISTANCE_STRATEGIES,
};

/// The suffixes a composed strategy name may carry.
pub const SUFFIXES: &str = "+center, +importance, +uniform, +learned";

/// Why a strategy name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The base names no registered strategy.
    #[error("unknown strategy {base:?}")]
    Unknown {
        /// The name before any suffix.
        base: String,
    },
    /// A suffix that is not a variant, or one given twice.
    #[error("{name:?}: +{part} is not a variant, or is given twice; a strategy name may end in {SUFFIXES}")]
    Suffix {
        /// The whole name.
        name: String,
        /// The offending suffix, without its `+`.
        part: String,
    },
    /// Weights on a strategy that is not a distance.
    #[error(
        "{name}+{weights}: weights (--weights, +importance, +uniform, +learned) apply to the distance strategies {}, not to {name}",
        DISTANCE_STRATEGIES.join(" and ")
    )]
    NotADistance {
        /// The strategy's registered name.
        name: String,
        /// The weighting asked for.
        weights: &'static str,
    },
}

/// A strategy name taken apart: the registered strategy and the variants a
/// composed name asks for (`euclidean+importance+center`: `euclidean`,
/// importance weights, centred).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Composition<'n> {
    /// The registered strategy's name, as given.
    pub base: &'n str,
    /// `+center`.
    pub center: bool,
    /// `+importance`, `+uniform` or `+learned`, as given (the default
    /// weighting included).
    pub weights: Option<WeightsKind>,
}

/// Takes a strategy name apart: a registered name as it is, else a
/// registered name followed by any of [`SUFFIXES`] (each at most once),
/// compared case-insensitively.
///
/// # Errors
/// [`NameError::Unknown`] or [`NameError::Suffix`].
pub fn compose<'n>(registry: &Registry, name: &'n str) -> Result<Composition<'n>, NameError> {
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
    for part in parts {
        match (part.eq_ignore_ascii_case("center"), WeightsKind::from_name(part)) {
            (true, _) if !out.center => out.center = true,
            (false, Some(kind)) if out.weights.is_none() => out.weights = Some(kind),
            _ => {
                return Err(NameError::Suffix {
                    name: name.to_string(),
                    part: part.to_string(),
                })
            }
        }
    }
    if registry.get(base).is_none() {
        return Err(NameError::Unknown {
            base: base.to_string(),
        });
    }
    Ok(out)
}

/// Whether `strategy` (a registered name) is a distance that `--weights`
/// applies to.
pub fn is_distance(strategy: &str) -> bool {
    DISTANCE_STRATEGIES
        .iter()
        .any(|d| d.eq_ignore_ascii_case(strategy))
}

/// The weighting `strategy` (a registered name) is scored with when
/// `asked` is asked for: `None` for the strategy as it is (the default
/// weighting of a distance; importance, the only weighting, of any other
/// strategy), else the weighting to apply.
///
/// # Errors
/// [`NameError::NotADistance`] for a weighting other than importance on a
/// strategy that is not a distance.
pub fn weighting(strategy: &str, asked: Option<WeightsKind>) -> Result<Option<WeightsKind>, NameError> {
    match asked {
        None => Ok(None),
        Some(kind) if is_distance(strategy) => Ok((kind != DEFAULT_WEIGHTS).then_some(kind)),
        Some(WeightsKind::Importance) => Ok(None),
        Some(kind) => Err(NameError::NotADistance {
            name: strategy.to_lowercase(),
            weights: kind.name(),
        }),
    }
}

/// The name a strategy is reported under: `base` (a registered name) with
/// the weighting `weights` (as [`weighting`] returns it: `None` for the
/// strategy as it is) and `+center`.
pub fn canonical_name(base: &str, weights: Option<WeightsKind>, center: bool) -> String {
    let mut name = base.to_lowercase();
    if let Some(kind) = weights {
        name = format!("{name}+{}", kind.name());
    }
    if center {
        name.push_str("+center");
    }
    name
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

impl std::fmt::Debug for Composed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composed").field("name", &self.name).finish()
    }
}

impl<'r> Composed<'r> {
    /// `plain` (a registered strategy) with `weights` (none: as it is) for
    /// the matrix they are made for, centred or not.
    ///
    /// # Errors
    /// [`NameError::NotADistance`] for weights on a strategy that is not a
    /// distance.
    pub fn new(
        plain: &'r dyn Strategy,
        weights: Option<(&Weights, &CompiledMatrix)>,
        center: bool,
    ) -> Result<Self, NameError> {
        let kind = weighting(plain.name(), weights.map(|(w, _)| w.kind()))?;
        let weighted = match (kind, weights) {
            (Some(_), Some((w, matrix))) => Some(Weighted::new(plain, matrix, w)),
            _ => None,
        };
        let inner: &dyn Strategy = weighted.as_ref().map_or(plain, |w| w as &dyn Strategy);
        let (formula, description) = if center {
            let c = Centred::new(inner);
            (c.formula().to_string(), c.description().to_string())
        } else {
            (inner.formula().to_string(), inner.description().to_string())
        };
        Ok(Composed {
            name: canonical_name(plain.name(), kind, center),
            plain,
            weighted,
            center,
            formula,
            description,
        })
    }

    /// Whether it scores as the registered strategy does (no other weights,
    /// not centred).
    pub fn is_plain(&self) -> bool {
        self.weighted.is_none() && !self.center
    }

    /// The registered strategy it is made from.
    pub fn plain(&self) -> &'r dyn Strategy {
        self.plain
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{example_batch, example_matrix};

    #[test]
    fn composed_names_are_taken_apart() {
        let registry = Registry::builtin();
        let plain = compose(&registry, "Euclidean").unwrap();
        assert_eq!(
            (plain.base, plain.center, plain.weights),
            ("Euclidean", false, None)
        );
        let both = compose(&registry, "manhattan+importance+CENTER").unwrap();
        assert_eq!(
            (both.base, both.center, both.weights),
            ("manhattan", true, Some(WeightsKind::Importance))
        );
        for bad in [
            "euclidean+center+center",
            "euclidean+uniform+learned",
            "euclidean+centre",
        ] {
            assert!(
                matches!(compose(&registry, bad), Err(NameError::Suffix { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            compose(&registry, "eucldean+center"),
            Err(NameError::Unknown {
                base: "eucldean".to_string()
            })
        );
    }

    #[test]
    fn the_default_weighting_is_the_plain_name() {
        assert_eq!(weighting("Euclidean", Some(DEFAULT_WEIGHTS)), Ok(None));
        assert_eq!(
            weighting("manhattan", Some(WeightsKind::Importance)),
            Ok(Some(WeightsKind::Importance))
        );
        // Cosine weighs by importance, its only weighting.
        assert_eq!(weighting("cosine", Some(WeightsKind::Importance)), Ok(None));
        assert!(matches!(
            weighting("cosine", Some(WeightsKind::Uniform)),
            Err(NameError::NotADistance { .. })
        ));
        assert_eq!(canonical_name("Euclidean", None, false), "euclidean");
        assert_eq!(
            canonical_name("euclidean", Some(WeightsKind::Importance), true),
            "euclidean+importance+center"
        );
    }

    #[test]
    fn composed_strategies_score_as_their_parts() {
        let registry = Registry::builtin();
        let cm = CompiledMatrix::new(&example_matrix());
        let b = example_batch();
        let euclidean = registry.get("euclidean").unwrap();
        let same = Composed::new(euclidean, Some((&Weights::Uniform, &cm)), false).unwrap();
        assert!(same.is_plain());
        assert_eq!(same.name(), "euclidean");
        assert_eq!(same.score(&cm, &b).unwrap(), euclidean.score(&cm, &b).unwrap());
        let importance = Composed::new(euclidean, Some((&Weights::Importance, &cm)), true).unwrap();
        assert_eq!(importance.name(), "euclidean+importance+center");
        let expected = Centred::new(&crate::Euclidean).score(&cm, &b).unwrap();
        assert_eq!(importance.score(&cm, &b).unwrap(), expected);
        let cosine = registry.get("cosine").unwrap();
        assert!(Composed::new(cosine, Some((&Weights::Uniform, &cm)), false).is_err());
        assert_eq!(Composed::new(cosine, None, true).unwrap().name(), "cosine+center");
    }
}
