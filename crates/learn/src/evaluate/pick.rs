//! The strategies an evaluation compares, by name: `rolefit evaluate
//! --strategies` and the Python module's `evaluate(strategies=...)` read
//! the same list the same way.
//!
//! A list is comma-separated. Each item is `all` (every registered
//! strategy, then the learned methods of [`Method::ALL`]), a learned
//! method (`knn`, `model:knn`, ...), or a strategy name, composed or not
//! ([`rolefit_score::compose`]: `euclidean+importance+center`). A weighting
//! asked for on the whole run (`--weights`) applies to the distances whose
//! name does not say one; with centring asked for on the whole run, each
//! built-in is followed by its centred variant. Duplicates (by reported
//! name) are dropped.

use rolefit_score::compose::{self, canonical_name, Composed, NameError};
use rolefit_score::{CompiledMatrix, Registry, Weights, WeightsKind, BUILTIN_STRATEGIES};

use super::Candidate;
use crate::learned::{Method, ValidTrainParams};

/// A strategy asked for by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// A registered strategy (its registered name), centred or not, with
    /// other weights than its own (`None`: as it is; see
    /// [`compose::weighting`]).
    Strategy {
        /// The registered name.
        base: String,
        /// `+center`.
        center: bool,
        /// The weighting applied, if not the strategy's own.
        weights: Option<WeightsKind>,
    },
    /// A learned method, cross-validated.
    Learned(Method),
}

impl Pick {
    /// The name reported: `euclidean`, `euclidean+importance+center`,
    /// `model:knn`.
    pub fn key(&self) -> String {
        match self {
            Pick::Strategy {
                base,
                center,
                weights,
            } => canonical_name(base, *weights, *center),
            Pick::Learned(m) => m.strategy_name().to_string(),
        }
    }
}

/// Why a list of strategies cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickError {
    /// An item that is no strategy: with the names there are, for the
    /// caller's "did you mean".
    Unknown {
        /// The item as given.
        item: String,
        /// The registered strategies' and learned methods' names.
        names: Vec<String>,
        /// What is wrong with it as a strategy name.
        cause: NameError,
    },
    /// Weights on a strategy that is not a distance.
    Weights(NameError),
    /// The list names nothing.
    Empty,
}

impl PickError {
    /// The message, for a list given as `option` (`--strategies`), with
    /// `hint` (the closest name) when there is one.
    pub fn message(&self, option: &str, hint: Option<&str>) -> String {
        match self {
            PickError::Unknown { item, names, cause } => {
                let hint = hint
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default();
                let cause = match cause {
                    NameError::Unknown { .. } => String::new(),
                    other => format!(" ({other})"),
                };
                format!(
                    "unknown strategy {item:?} in {option}{hint}; the strategies are: all, {}, and the \
                     built-ins composed with {}{cause}",
                    names.join(", "),
                    compose::SUFFIXES
                )
            }
            PickError::Weights(e) => e.to_string(),
            PickError::Empty => format!("{option} names no strategy"),
        }
    }
}

/// The strategies of `list` (see the [module documentation](self)), with
/// `center` and `weights` asked for on the whole run.
///
/// # Errors
/// [`PickError`].
pub fn select(
    list: &str,
    center: bool,
    weights: Option<WeightsKind>,
    registry: &Registry,
) -> Result<Vec<Pick>, PickError> {
    let weigh = |name: &str, given: Option<WeightsKind>| match given {
        Some(_) => compose::weighting(name, given),
        None if compose::is_distance(name) => compose::weighting(name, weights),
        None => Ok(None),
    };
    let mut picks = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if item.eq_ignore_ascii_case("all") {
            for name in registry.names() {
                picks.push(Pick::Strategy {
                    base: name.to_string(),
                    center: false,
                    weights: weigh(name, None).map_err(PickError::Weights)?,
                });
            }
            picks.extend(Method::ALL.into_iter().map(Pick::Learned));
        } else if let Some(method) = Method::from_name(item) {
            picks.push(Pick::Learned(method));
        } else {
            let parts = compose::compose(registry, item).map_err(|cause| PickError::Unknown {
                item: item.to_string(),
                names: registry
                    .names()
                    .iter()
                    .map(|n| n.to_string())
                    .chain(Method::EVERY.iter().map(|m| m.name().to_string()))
                    .collect(),
                cause,
            })?;
            let base = registry.get(parts.base).map_or(parts.base, |s| s.name());
            picks.push(Pick::Strategy {
                weights: weigh(base, parts.weights).map_err(PickError::Weights)?,
                base: base.to_string(),
                center: parts.center,
            });
        }
    }
    if picks.is_empty() {
        return Err(PickError::Empty);
    }
    if center {
        let mut with = Vec::with_capacity(picks.len() * 2);
        for pick in picks {
            let centred = match &pick {
                Pick::Strategy {
                    base,
                    center: false,
                    weights,
                } if BUILTIN_STRATEGIES.contains(&base.as_str()) => Some(Pick::Strategy {
                    base: base.clone(),
                    center: true,
                    weights: *weights,
                }),
                _ => None,
            };
            with.push(pick);
            with.extend(centred);
        }
        picks = with;
    }
    let mut seen = std::collections::HashSet::new();
    picks.retain(|p| seen.insert(p.key()));
    Ok(picks)
}

/// The strategies of a list of [`Pick`]s, built for one matrix: what
/// [`Picked::candidates`] hands to [`super::evaluate`].
pub struct Picked<'r> {
    picks: Vec<Pick>,
    names: Vec<String>,
    /// One per pick: the composed strategy of a centred or reweighted
    /// registered strategy (not learned weights, which are learned per
    /// fold).
    composed: Vec<Option<Composed<'r>>>,
    registry: &'r Registry,
}

impl<'r> Picked<'r> {
    /// Builds `picks` from `registry` for `matrix`.
    ///
    /// # Errors
    /// [`NameError`] for a pick whose strategy is not in `registry`, or
    /// weights on a strategy that is not a distance.
    pub fn new(picks: Vec<Pick>, registry: &'r Registry, matrix: &CompiledMatrix) -> Result<Self, NameError> {
        let mut composed = Vec::with_capacity(picks.len());
        for pick in &picks {
            composed.push(match pick {
                Pick::Strategy {
                    base,
                    center,
                    weights,
                } if *weights != Some(WeightsKind::Learned) => {
                    let plain = registry
                        .get(base)
                        .ok_or_else(|| NameError::Unknown { base: base.clone() })?;
                    let weights = weights.and_then(Weights::fixed);
                    let c = Composed::new(plain, weights.as_ref().map(|w| (w, matrix)), *center)?;
                    (!c.is_plain()).then_some(c)
                }
                _ => None,
            });
        }
        Ok(Picked {
            names: picks.iter().map(Pick::key).collect(),
            picks,
            composed,
            registry,
        })
    }

    /// The names reported, one per pick.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// What [`super::evaluate`] runs for each pick: the strategy as it is,
    /// its composed build, learned weights, or a learned method trained
    /// with `train`.
    pub fn candidates(&self, train: ValidTrainParams) -> Vec<Candidate<'_>> {
        self.picks
            .iter()
            .zip(&self.composed)
            .zip(&self.names)
            .filter_map(|((pick, composed), name)| {
                Some(match (pick, composed) {
                    (_, Some(c)) => Candidate::Fixed(c),
                    (
                        Pick::Strategy {
                            base,
                            center,
                            weights: Some(WeightsKind::Learned),
                        },
                        None,
                    ) => Candidate::LearnedWeights {
                        strategy: self.registry.get(base)?,
                        center: *center,
                        name,
                    },
                    (Pick::Strategy { base, .. }, None) => Candidate::Fixed(self.registry.get(base)?),
                    (Pick::Learned(method), None) => Candidate::Learned(*method, train),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &str, center: bool, weights: Option<WeightsKind>) -> Vec<String> {
        select(list, center, weights, &Registry::builtin())
            .unwrap()
            .iter()
            .map(Pick::key)
            .collect()
    }

    #[test]
    fn lists_are_read_with_composed_names_and_the_run_wide_options() {
        assert_eq!(
            keys(
                "euclidean, Euclidean+uniform, euclidean+importance, knn, model:knn",
                false,
                None
            ),
            ["euclidean", "euclidean+importance", "model:knn"]
        );
        // --weights importance applies to the distances whose name says none.
        assert_eq!(
            keys(
                "euclidean,manhattan+uniform,cosine",
                false,
                Some(WeightsKind::Importance)
            ),
            ["euclidean+importance", "manhattan", "cosine"]
        );
        assert_eq!(
            keys("euclidean+learned,pearson", true, None),
            [
                "euclidean+learned",
                "euclidean+learned+center",
                "pearson",
                "pearson+center"
            ]
        );
        assert_eq!(keys("all", false, None).len(), 5 + Method::ALL.len());
    }

    #[test]
    fn bad_lists_say_what_is_wrong() {
        let registry = Registry::builtin();
        let e = select("cosine+uniform", false, None, &registry).unwrap_err();
        assert!(
            matches!(e, PickError::Weights(NameError::NotADistance { .. })),
            "{e:?}"
        );
        let e = select("eucldean", false, None, &registry).unwrap_err();
        let message = e.message("--strategies", Some("euclidean"));
        assert!(
            message
                .starts_with("unknown strategy \"eucldean\" in --strategies (did you mean \"euclidean\"?)"),
            "{message}"
        );
        assert!(message.contains("lda"), "{message}");
        let e = select("euclidean+centre", false, None, &registry).unwrap_err();
        assert!(e.message("strategies", None).contains("+centre is not a variant"));
        assert_eq!(select(" , ", false, None, &registry), Err(PickError::Empty));
    }

    #[test]
    fn picks_become_candidates() {
        let registry = Registry::builtin();
        let cm = CompiledMatrix::new(&rolefit_score::test_util::example_matrix());
        let picks = select(
            "euclidean,euclidean+importance+center,manhattan+learned,knn",
            false,
            None,
            &registry,
        )
        .unwrap();
        let picked = Picked::new(picks, &registry, &cm).unwrap();
        let train = crate::learned::TrainParams::default().check().unwrap();
        let names: Vec<String> = picked
            .candidates(train)
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "euclidean",
                "euclidean+importance+center",
                "manhattan+learned",
                "model:knn"
            ]
        );
        assert_eq!(picked.names(), names.as_slice());
    }
}
