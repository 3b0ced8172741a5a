//! Surveys: statements people rate themselves on, and the scale they answer on.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{match_key, ModelError, RoleMatrix, Scale};

/// A named point of a response scale, such as `Agree` = 4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleLabel {
    /// The text a respondent sees.
    pub label: String,
    /// The number it stands for.
    pub value: f64,
}

/// The scale answers are given on, with optional labels for its points.
///
/// Labels match case-, space- and punctuation-insensitively (see
/// [`match_key`]): `strongly AGREE` is `Strongly agree`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawResponseScale")]
pub struct ResponseScale {
    scale: Scale,
    labels: Vec<ScaleLabel>,
    #[serde(skip)]
    keys: HashMap<String, f64>,
}

#[derive(Deserialize)]
struct RawResponseScale {
    scale: Scale,
    #[serde(default)]
    labels: Vec<ScaleLabel>,
}

impl TryFrom<RawResponseScale> for ResponseScale {
    type Error = ModelError;
    fn try_from(raw: RawResponseScale) -> Result<Self, Self::Error> {
        ResponseScale::new(raw.scale, raw.labels)
    }
}

impl Default for ResponseScale {
    /// The five-point agreement scale, see [`ResponseScale::agreement5`].
    fn default() -> Self {
        ResponseScale::agreement5()
    }
}

impl ResponseScale {
    /// A scale with labels; each label's value must lie on the scale and no
    /// two labels may share a key.
    pub fn new(scale: Scale, labels: Vec<ScaleLabel>) -> Result<Self, ModelError> {
        let mut keys = HashMap::with_capacity(labels.len());
        for l in &labels {
            if !scale.contains(l.value) {
                return Err(ModelError::BadLabel {
                    label: l.label.clone(),
                    problem: format!("value {} is outside the scale {scale}", l.value),
                });
            }
            let key = match_key(&l.label);
            if key.is_empty() || keys.insert(key, l.value).is_some() {
                return Err(ModelError::BadLabel {
                    label: l.label.clone(),
                    problem: "empty, or given twice".into(),
                });
            }
        }
        Ok(ResponseScale { scale, labels, keys })
    }

    /// A numeric scale without labels.
    pub fn numeric(scale: Scale) -> Self {
        ResponseScale {
            scale,
            labels: Vec::new(),
            keys: HashMap::new(),
        }
    }

    /// An ordinal scale from its labels, lowest first: the first label is
    /// 1, the next 2, and so on, on the scale `1..labels.len()`.
    ///
    /// # Errors
    /// Fewer than two labels, or a label empty or given twice (compared
    /// loosely).
    pub fn ordinal(labels: &[&str]) -> Result<Self, ModelError> {
        let scale = Scale::new(1.0, labels.len() as f64)?;
        let labels = labels
            .iter()
            .zip(1..)
            .map(|(label, value)| ScaleLabel {
                label: (*label).to_string(),
                value: f64::from(value),
            })
            .collect();
        ResponseScale::new(scale, labels)
    }

    /// The five-point agreement scale: `Strongly disagree` = 1, `Disagree` =
    /// 2, `Neither agree nor disagree` = 3, `Agree` = 4, `Strongly agree` = 5.
    pub fn agreement5() -> Self {
        ResponseScale::ordinal(&[
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ])
        .expect("the built-in agreement scale is valid")
    }

    /// The numeric range.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The labels, in the order given.
    pub fn labels(&self) -> &[ScaleLabel] {
        &self.labels
    }

    /// The value a label stands for, if it is one of this scale's labels.
    pub fn value_of(&self, label: &str) -> Option<f64> {
        if self.keys.is_empty() {
            return None;
        }
        // Most label cells are written as the label is: find those without
        // building a key.
        let trimmed = label.trim();
        if let Some(l) = self.labels.iter().find(|l| l.label.eq_ignore_ascii_case(trimmed)) {
            return Some(l.value);
        }
        self.keys.get(&match_key(label)).copied()
    }
}

/// One statement of a survey, rated on the survey's response scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyItem {
    /// Stable id, the column name in a responses file (for example `Q07`).
    pub id: String,
    /// The first-person statement, for example "I spot risks early".
    pub text: String,
    /// The id (or name, or alias) of the capability it measures.
    pub capability: String,
    /// Whether agreeing means *less* of the capability; such answers are
    /// mirrored on the response scale (`min + max - value`).
    #[serde(default)]
    pub reverse: bool,
    /// The scale this item is answered on, when it is not the survey's:
    /// a range (`0..10`) or the name of a label scale (`agreement7`),
    /// as the survey definition's `scale` column gives it. Its answers are
    /// mapped onto the response scale from this range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
}

/// A list of statements that together measure capabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSurvey")]
pub struct Survey {
    name: String,
    items: Vec<SurveyItem>,
    scale: ResponseScale,
    #[serde(skip)]
    keys: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct RawSurvey {
    name: String,
    items: Vec<SurveyItem>,
    scale: ResponseScale,
}

impl TryFrom<RawSurvey> for Survey {
    type Error = ModelError;
    fn try_from(raw: RawSurvey) -> Result<Self, Self::Error> {
        Survey::new(raw.name, raw.items, raw.scale)
    }
}

impl Survey {
    /// Validates and builds a survey: at least one item, non-empty ids that
    /// stay unique when matched loosely, and a capability on every item.
    pub fn new(
        name: impl Into<String>,
        items: Vec<SurveyItem>,
        scale: ResponseScale,
    ) -> Result<Self, ModelError> {
        if items.is_empty() {
            return Err(ModelError::EmptySurvey);
        }
        let mut keys: HashMap<String, usize> = HashMap::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            for (field, value) in [("id", &item.id), ("capability", &item.capability)] {
                if match_key(value).is_empty() {
                    return Err(ModelError::Empty {
                        kind: "survey item",
                        index: index + 1,
                        field,
                    });
                }
            }
            let key = match_key(&item.id);
            if let Some(&first) = keys.get(&key) {
                return Err(ModelError::Duplicate {
                    kind: "survey item",
                    key,
                    first: items[first].id.clone(),
                    second: item.id.clone(),
                });
            }
            keys.insert(key, index);
        }
        Ok(Survey {
            name: name.into(),
            items,
            scale,
            keys,
        })
    }

    /// The survey's title.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The items, in order.
    pub fn items(&self) -> &[SurveyItem] {
        &self.items
    }

    /// The scale answers are given on.
    pub fn scale(&self) -> &ResponseScale {
        &self.scale
    }

    /// The same survey answered on another response scale.
    pub fn with_scale(mut self, scale: ResponseScale) -> Self {
        self.scale = scale;
        self
    }

    /// The index of the item whose id matches `id` loosely.
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.keys.get(&match_key(id)).copied()
    }

    /// For each item, the index of the matrix capability it measures; an
    /// error names the first item whose capability the matrix lacks.
    pub fn capability_indices(&self, matrix: &RoleMatrix) -> Result<Vec<usize>, ModelError> {
        self.items
            .iter()
            .map(|item| {
                matrix
                    .capability_index(&item.capability)
                    .ok_or_else(|| ModelError::UnknownCapability {
                        item: item.id.clone(),
                        capability: item.capability.clone(),
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, cap: &str) -> SurveyItem {
        SurveyItem {
            id: id.into(),
            text: format!("statement {id}"),
            capability: cap.into(),
            reverse: false,
            scale: None,
        }
    }

    #[test]
    fn agreement_labels_match_loosely() {
        let s = ResponseScale::agreement5();
        assert_eq!(s.value_of("strongly AGREE"), Some(5.0));
        assert_eq!(s.value_of(" Neither agree, nor disagree "), Some(3.0));
        assert_eq!(s.value_of("Maybe"), None);
        assert_eq!(ResponseScale::numeric(Scale::default()).value_of("Agree"), None);
    }

    #[test]
    fn labels_must_be_on_scale_and_distinct() {
        let l = |label: &str, value| ScaleLabel {
            label: label.into(),
            value,
        };
        assert!(ResponseScale::new(Scale::default(), vec![l("Too much", 6.0)]).is_err());
        assert!(ResponseScale::new(Scale::default(), vec![l("Yes", 5.0), l("yes", 4.0)]).is_err());
    }

    #[test]
    fn survey_validates_ids() {
        let scale = ResponseScale::default();
        assert_eq!(
            Survey::new("s", vec![], scale.clone()),
            Err(ModelError::EmptySurvey)
        );
        let dup = Survey::new("s", vec![item("Q1", "a"), item("q-1", "b")], scale.clone());
        assert!(matches!(dup, Err(ModelError::Duplicate { .. })));
        let s = Survey::new("s", vec![item("Q1", "a"), item("Q2", "b")], scale).unwrap();
        assert_eq!(s.item_index("q2"), Some(1));
        assert_eq!(s.item_index("q3"), None);
    }
}
