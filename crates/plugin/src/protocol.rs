//! The messages of protocol version 1, as serde types.
//!
//! Every message is one JSON object on one line, with a `"type"` field
//! naming it. rolefit sends [`Request`]s; a plugin answers with [`Reply`]s.
//! Fields this version does not define are ignored when reading, so a later
//! version can add some without breaking older plugins.

use serde::{Deserialize, Serialize};

/// The protocol version this crate speaks, sent in both hellos.
pub const PROTOCOL_VERSION: u32 = 1;

/// A message from rolefit to the plugin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Request {
    /// The first message: which protocol rolefit speaks. The plugin
    /// answers [`Reply::Hello`].
    Hello(HelloRequest),
    /// The role matrix to score against. The plugin answers
    /// [`Reply::Ready`].
    Matrix(Matrix),
    /// A batch of profiles to score. The plugin answers [`Reply::Scores`]
    /// with the same id.
    Score(ScoreRequest),
    /// The last message: rolefit then closes the plugin's standard input,
    /// and the plugin exits with status 0.
    Bye,
}

/// `{"type":"hello","protocol":1,"rolefit":"<version>"}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelloRequest {
    /// The protocol version rolefit speaks.
    pub protocol: u32,
    /// rolefit's version, for the plugin's log.
    pub rolefit: String,
}

/// `{"type":"matrix","scale":{"min":L,"max":H},"capabilities":[...],"roles":[...]}`
///
/// Levels and profile values are on `scale`; importances are `>= 0`. Each
/// role has one level and one importance per capability, in the order of
/// `capabilities`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// The scale `L..H` of levels and profile values.
    pub scale: Scale,
    /// The capabilities' ids, in the order of every level, importance and
    /// profile value.
    pub capabilities: Vec<String>,
    /// The roles, in the order scores are expected.
    pub roles: Vec<Role>,
}

impl Matrix {
    /// Checks that the matrix is usable: a finite scale with `min < max`,
    /// and one finite level and one finite importance `>= 0` per capability
    /// on every role.
    ///
    /// # Errors
    /// What is wrong, as a sentence for the log.
    pub fn check(&self) -> Result<(), String> {
        let Scale { min, max } = self.scale;
        if !(min.is_finite() && max.is_finite() && min < max) {
            return Err(format!(
                "the scale {min}..{max} is not a finite range with min < max"
            ));
        }
        let c = self.capabilities.len();
        for (j, role) in self.roles.iter().enumerate() {
            if role.levels.len() != c || role.importances.len() != c {
                return Err(format!(
                    "role {j} ({:?}) has {} levels and {} importances for {c} capabilities",
                    role.name,
                    role.levels.len(),
                    role.importances.len()
                ));
            }
            if let Some(i) = role.levels.iter().position(|l| !l.is_finite()) {
                return Err(format!("role {j} ({:?}): level {i} is not finite", role.name));
            }
            if let Some(i) = role
                .importances
                .iter()
                .position(|w| !(w.is_finite() && *w >= 0.0))
            {
                return Err(format!(
                    "role {j} ({:?}): importance {i} is not a finite number >= 0",
                    role.name
                ));
            }
        }
        Ok(())
    }
}

/// A scale `min..max`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    /// The lowest value, `L`.
    pub min: f64,
    /// The highest value, `H`.
    pub max: f64,
}

/// One role of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// The role's name, for people.
    pub name: String,
    /// The target level per capability.
    pub levels: Vec<f64>,
    /// The importance per capability (`0`: the role does not care).
    pub importances: Vec<f64>,
}

/// `{"type":"score","id":N,"profiles":[[v or null,...],...]}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRequest {
    /// The batch's id, to be echoed in the reply.
    pub id: u64,
    /// One row per profile, one value per capability (on the matrix's
    /// scale), `None` (`null`) where the respondent gave no answer.
    pub profiles: Vec<Vec<Option<f64>>>,
}

/// A message from the plugin to rolefit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Reply {
    /// The answer to [`Request::Hello`].
    Hello(HelloReply),
    /// The answer to [`Request::Matrix`].
    Ready,
    /// The answer to [`Request::Score`].
    Scores(Scores),
    /// The plugin cannot go on; rolefit reports the message, naming the
    /// plugin, and ends the run. Allowed in place of any answer.
    Error(ErrorReply),
}

/// `{"type":"hello","protocol":1,"name":"<name>","description":"<one line>"}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelloReply {
    /// The protocol version the plugin speaks; must be rolefit's.
    pub protocol: u32,
    /// The strategy's name (normally `NAME` of `rolefit-strategy-NAME`).
    pub name: String,
    /// What the score measures, in one line.
    pub description: String,
}

/// `{"type":"scores","id":N,"scores":[[s_role1, s_role2, ...], ...]}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// The id of the batch this answers.
    pub id: u64,
    /// One row per profile of the batch, in order; one finite score per
    /// role, in matrix order; higher is a better fit.
    pub scores: Vec<Vec<f64>>,
}

/// `{"type":"error","message":"..."}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorReply {
    /// What went wrong, for people.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_documented_shape() {
        let hello = Request::Hello(HelloRequest {
            protocol: 1,
            rolefit: "0.1.0".into(),
        });
        assert_eq!(
            serde_json::to_string(&hello).unwrap(),
            r#"{"type":"hello","protocol":1,"rolefit":"0.1.0"}"#
        );
        assert_eq!(serde_json::to_string(&Request::Bye).unwrap(), r#"{"type":"bye"}"#);
        assert_eq!(
            serde_json::to_string(&Reply::Ready).unwrap(),
            r#"{"type":"ready"}"#
        );
        let scores = Reply::Scores(Scores {
            id: 3,
            scores: vec![vec![0.5, 1.0]],
        });
        assert_eq!(
            serde_json::to_string(&scores).unwrap(),
            r#"{"type":"scores","id":3,"scores":[[0.5,1.0]]}"#
        );
        let score: Request =
            serde_json::from_str(r#"{"type":"score","id":1,"profiles":[[4,null]]}"#).unwrap();
        assert_eq!(
            score,
            Request::Score(ScoreRequest {
                id: 1,
                profiles: vec![vec![Some(4.0), None]]
            })
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let reply: Reply =
            serde_json::from_str(r#"{"type":"hello","protocol":1,"name":"x","description":"d","extra":[1]}"#)
                .unwrap();
        assert!(matches!(reply, Reply::Hello(h) if h.name == "x"));
    }

    #[test]
    fn matrix_check_finds_shape_and_value_problems() {
        let mut m = Matrix {
            scale: Scale { min: 1.0, max: 5.0 },
            capabilities: vec!["a".into(), "b".into()],
            roles: vec![Role {
                name: "R".into(),
                levels: vec![1.0, 2.0],
                importances: vec![1.0, 0.0],
            }],
        };
        assert_eq!(m.check(), Ok(()));
        m.roles[0].importances.pop();
        assert!(m
            .check()
            .unwrap_err()
            .contains("2 levels and 1 importances for 2 capabilities"));
        m.roles[0].importances = vec![1.0, -1.0];
        assert!(m.check().unwrap_err().contains("importance 1"));
        m.scale.max = 0.0;
        assert!(m.check().unwrap_err().contains("scale"));
    }
}
