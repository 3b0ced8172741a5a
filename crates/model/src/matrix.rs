//! Capabilities, roles and the role matrix that ties them together.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{match_key, ModelError, Scale};

/// Something a person can be more or less able at, such as
/// "Risk Management". One column of a role matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capability {
    /// Stable id, a slug such as `risk-management`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// A grouping such as `Delivery`; empty when unknown.
    #[serde(default)]
    pub category: String,
    /// One sentence on what the capability means; may be empty.
    #[serde(default)]
    pub description: String,
    /// Other names it is known by (for example a role's own wording); they
    /// match response columns just like the id and the name do.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Capability {
    /// A capability with only an id and a name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Capability {
            id: id.into(),
            name: name.into(),
            category: String::new(),
            description: String::new(),
            aliases: Vec::new(),
        }
    }
}

/// What a role asks of one capability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Target level on the matrix's scale.
    pub level: f64,
    /// Weight `>= 0`; `1` is the default and `0` means the capability is not
    /// part of the role.
    pub importance: f64,
}

impl Requirement {
    /// A requirement of `level` with importance `1`.
    pub fn level(level: f64) -> Self {
        Requirement {
            level,
            importance: 1.0,
        }
    }
}

/// A role: one row of a role matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Stable id, a slug such as `technical-program-manager`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the role is mainly about, in a phrase; may be empty.
    #[serde(default)]
    pub key_focus: String,
    /// A short description; may be empty.
    #[serde(default)]
    pub description: String,
    /// Key responsibilities, in order; may be empty.
    #[serde(default)]
    pub responsibilities: Vec<String>,
    /// One requirement per capability of the matrix, in the matrix's
    /// capability order.
    pub requirements: Vec<Requirement>,
}

impl Role {
    /// A role with only an id, a name and its requirements.
    pub fn new(id: impl Into<String>, name: impl Into<String>, requirements: Vec<Requirement>) -> Self {
        Role {
            id: id.into(),
            name: name.into(),
            key_focus: String::new(),
            description: String::new(),
            responsibilities: Vec::new(),
            requirements,
        }
    }

    /// The sum of this role's importances.
    pub fn total_importance(&self) -> f64 {
        self.requirements.iter().map(|r| r.importance).sum()
    }
}

/// Roles x capabilities, each cell a target level and an importance.
///
/// Built only through [`RoleMatrix::new`], which validates: ids are
/// non-empty and unique (also loosely: no two capabilities share a
/// [`match_key`] through their ids, names or aliases, and likewise for
/// roles), the scale starts at 0 or above, there are at least one role and
/// two capabilities, every level is finite and inside the scale, every
/// importance is finite and `>= 0`, and every role has some importance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawMatrix")]
pub struct RoleMatrix {
    name: String,
    source: String,
    scale: Scale,
    capabilities: Vec<Capability>,
    roles: Vec<Role>,
    #[serde(skip)]
    capability_keys: HashMap<String, usize>,
    #[serde(skip)]
    role_keys: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct RawMatrix {
    name: String,
    source: String,
    scale: Scale,
    capabilities: Vec<Capability>,
    roles: Vec<Role>,
}

impl TryFrom<RawMatrix> for RoleMatrix {
    type Error = ModelError;
    fn try_from(raw: RawMatrix) -> Result<Self, Self::Error> {
        RoleMatrix::new(raw.name, raw.source, raw.scale, raw.capabilities, raw.roles)
    }
}

impl RoleMatrix {
    /// Validates and builds a matrix. `name` is a title for people and
    /// `source` says where it came from (a path, or `built-in`).
    pub fn new(
        name: impl Into<String>,
        source: impl Into<String>,
        scale: Scale,
        capabilities: Vec<Capability>,
        roles: Vec<Role>,
    ) -> Result<Self, ModelError> {
        if scale.min() < 0.0 {
            return Err(ModelError::NegativeMatrixScale {
                min: scale.min(),
                max: scale.max(),
            });
        }
        if roles.is_empty() {
            return Err(ModelError::TooFew {
                kind: "role",
                needed: 1,
                found: 0,
            });
        }
        if capabilities.len() < 2 {
            return Err(ModelError::TooFew {
                kind: "capabilities",
                needed: 2,
                found: capabilities.len(),
            });
        }
        let capability_keys = key_index(
            "capability",
            capabilities.iter().map(|c| {
                let names = std::iter::once(c.name.as_str()).chain(c.aliases.iter().map(String::as_str));
                (c.id.as_str(), c.name.as_str(), names.collect::<Vec<_>>())
            }),
        )?;
        let role_keys = key_index(
            "role",
            roles
                .iter()
                .map(|r| (r.id.as_str(), r.name.as_str(), vec![r.name.as_str()])),
        )?;
        for role in &roles {
            if role.requirements.len() != capabilities.len() {
                return Err(ModelError::Shape {
                    role: role.id.clone(),
                    expected: capabilities.len(),
                    found: role.requirements.len(),
                });
            }
            for (req, cap) in role.requirements.iter().zip(&capabilities) {
                if !scale.contains(req.level) {
                    return Err(ModelError::LevelOutOfScale {
                        role: role.id.clone(),
                        capability: cap.id.clone(),
                        value: req.level,
                        min: scale.min(),
                        max: scale.max(),
                    });
                }
                if !(req.importance.is_finite() && req.importance >= 0.0) {
                    return Err(ModelError::BadImportance {
                        role: role.id.clone(),
                        capability: cap.id.clone(),
                        value: req.importance,
                    });
                }
            }
            if role.total_importance() <= 0.0 {
                return Err(ModelError::NoImportance {
                    role: role.id.clone(),
                });
            }
        }
        Ok(RoleMatrix {
            name: name.into(),
            source: source.into(),
            scale,
            capabilities,
            roles,
            capability_keys,
            role_keys,
        })
    }

    /// The matrix's title.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the matrix came from: a path, or `built-in`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The scale target levels are on.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The capabilities, in column order.
    pub fn capabilities(&self) -> &[Capability] {
        &self.capabilities
    }

    /// The roles, in matrix order (the order ties are broken in).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The index of the capability whose id, name or an alias matches `name`
    /// loosely (see [`match_key`]).
    pub fn capability_index(&self, name: &str) -> Option<usize> {
        self.capability_keys.get(&match_key(name)).copied()
    }

    /// The index of the role whose id or name matches `name` loosely.
    pub fn role_index(&self, name: &str) -> Option<usize> {
        self.role_keys.get(&match_key(name)).copied()
    }

    /// Every name a capability can be matched by (ids, names, aliases), for
    /// suggestions when a name matches nothing.
    pub fn capability_names(&self) -> impl Iterator<Item = &str> {
        self.capabilities.iter().flat_map(|c| {
            [c.id.as_str(), c.name.as_str()]
                .into_iter()
                .chain(c.aliases.iter().map(String::as_str))
        })
    }

    /// The same matrix with another title.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

/// Builds the loose-key lookup for one kind of thing, refusing empty ids and
/// names and any key two different things share.
fn key_index<'a>(
    kind: &'static str,
    things: impl Iterator<Item = (&'a str, &'a str, Vec<&'a str>)>,
) -> Result<HashMap<String, usize>, ModelError> {
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut ids: Vec<&str> = Vec::new();
    for (index, (id, name, names)) in things.enumerate() {
        for (field, value) in [("id", id), ("name", name)] {
            if match_key(value).is_empty() {
                return Err(ModelError::Empty {
                    kind,
                    index: index + 1,
                    field,
                });
            }
        }
        ids.push(id);
        for name in std::iter::once(id).chain(names) {
            let key = match_key(name);
            if key.is_empty() {
                continue;
            }
            match keys.get(&key) {
                Some(&other) if other != index => {
                    return Err(ModelError::Duplicate {
                        kind,
                        key,
                        first: ids[other].to_string(),
                        second: id.to_string(),
                    })
                }
                Some(_) => {}
                None => {
                    keys.insert(key, index);
                }
            }
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> Vec<Capability> {
        let mut a = Capability::new("risk-management", "Risk Management");
        a.aliases.push("Risk Mgmt".into());
        vec![a, Capability::new("communication", "Communication")]
    }

    fn role(id: &str, levels: [f64; 2]) -> Role {
        Role::new(
            id,
            id.to_uppercase(),
            levels.iter().map(|&l| Requirement::level(l)).collect(),
        )
    }

    fn build(roles: Vec<Role>) -> Result<RoleMatrix, ModelError> {
        RoleMatrix::new("t", "test", Scale::default(), caps(), roles)
    }

    #[test]
    fn valid_matrix_looks_up_loosely() {
        let m = build(vec![role("a", [1.0, 5.0]), role("b", [3.0, 3.0])]).unwrap();
        assert_eq!(m.capability_index("RISK-MANAGEMENT"), Some(0));
        assert_eq!(m.capability_index("risk mgmt"), Some(0));
        assert_eq!(m.capability_index("Communication!"), Some(1));
        assert_eq!(m.capability_index("budget"), None);
        assert_eq!(m.role_index("B"), Some(1));
        assert_eq!(m.capability_names().count(), 5);
    }

    #[test]
    fn refuses_each_invalid_shape() {
        assert!(matches!(
            build(vec![]),
            Err(ModelError::TooFew { kind: "role", .. })
        ));
        assert!(matches!(
            build(vec![role("a", [1.0, 6.0])]),
            Err(ModelError::LevelOutOfScale { value, .. }) if value == 6.0
        ));
        assert!(matches!(
            build(vec![role("a", [f64::NAN, 1.0])]),
            Err(ModelError::LevelOutOfScale { .. })
        ));
        assert!(matches!(
            build(vec![role("a", [1.0, 1.0]), role("A", [1.0, 1.0])]),
            Err(ModelError::Duplicate { kind: "role", .. })
        ));
        let mut r = role("a", [1.0, 1.0]);
        r.requirements[0].importance = -1.0;
        assert!(matches!(build(vec![r]), Err(ModelError::BadImportance { .. })));
        let mut r = role("a", [1.0, 1.0]);
        r.requirements.iter_mut().for_each(|q| q.importance = 0.0);
        assert!(matches!(build(vec![r]), Err(ModelError::NoImportance { .. })));
        let mut r = role("a", [1.0, 1.0]);
        r.requirements.pop();
        assert!(matches!(build(vec![r]), Err(ModelError::Shape { .. })));
        let err = RoleMatrix::new("t", "t", Scale::default(), caps()[..1].to_vec(), vec![]).unwrap_err();
        assert!(matches!(err, ModelError::TooFew { .. }));
        let err = RoleMatrix::new(
            "t",
            "t",
            Scale::new(-1.0, 1.0).unwrap(),
            caps(),
            vec![role("a", [0.0, 0.0])],
        );
        assert!(matches!(err, Err(ModelError::NegativeMatrixScale { .. })));
    }

    #[test]
    fn refuses_aliases_that_collide_with_another_capability() {
        let mut c = caps();
        c[1].aliases.push("risk management".into());
        let err = RoleMatrix::new("t", "t", Scale::default(), c, vec![role("a", [1.0, 1.0])]).unwrap_err();
        assert!(err.to_string().contains("duplicate capability"), "{err}");
    }

    #[test]
    fn refuses_empty_ids() {
        let mut c = caps();
        c[1].id = " - ".into();
        let err = RoleMatrix::new("t", "t", Scale::default(), c, vec![role("a", [1.0, 1.0])]).unwrap_err();
        assert_eq!(err.to_string(), "capability 2 has an empty id");
    }

    #[test]
    fn json_round_trip_revalidates() {
        let m = build(vec![role("a", [1.0, 5.0])]).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let back: RoleMatrix = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.capability_index("risk mgmt"), Some(0));
        let broken = json.replace(r#""level":5.0"#, r#""level":9.0"#);
        assert_ne!(broken, json);
        assert!(serde_json::from_str::<RoleMatrix>(&broken).is_err());
    }
}
