//! The model file: versioned JSON.
//!
//! ```json
//! {
//!   "format": "rolefit-model",
//!   "version": 2,
//!   "method": "centroid",
//!   "capabilities": ["planning", "budget", ...],
//!   "roles": ["Project Manager", ...],
//!   "scale": {"min": 1.0, "max": 5.0},
//!   "training": {"rows": 1000, "per_role": {"Project Manager": 251, ...}},
//!   "parameters": { ... per method ... },
//!   "matrix": { ... the role matrix it was trained with ... },
//!   "matrix_credit": "...",
//!   "weights": [[1.02, 0.87, ...], ...],
//!   "calibration": {
//!     "model": {"temperature": 0.031, "rows": 1000, "folds": 5},
//!     "strategies": {"euclidean": {"temperature": 0.012, "rows": 1000, "formula": "..."}}
//!   }
//! }
//! ```
//!
//! `weights` (version 3 on) holds the precisions of `--weights learned`,
//! one row per role, one number per capability (`learn_precisions`).
//! `calibration` (version 4 on, written by `train --calibrate`) holds the
//! softmax temperatures of the model's own scores and of strategies by
//! name ([`Calibration`]). A file is written with the lowest version that
//! holds what it holds: 4 with `calibration`, 3 without, so that a model
//! trained without `--calibrate` stays readable by builds that read
//! version 3.
//!
//! `capabilities` are the matrix's capability ids and `roles` its role
//! names, both in matrix order; a model is used only with a matrix whose
//! capabilities and roles match them position by position (compared
//! loosely, as names are everywhere) on the same scale. Since version 2 the
//! file also holds that matrix whole (`matrix`, as `RoleMatrix` serialises;
//! `matrix_credit` when its data requires a credit line), so the model can
//! be used without the matrix file it was trained with, and a mismatch can
//! name the matrix that was expected. Version 1 files, without it, are
//! still read. `format` and `version` are checked before anything else, so
//! a file from a later rolefit gets a clear "unsupported version" rather
//! than a confusing complaint about a field. Numbers are written in
//! shortest round-trip form, so a model read back scores bit for bit like
//! the one saved.

use std::collections::BTreeMap;

use rolefit_model::{match_key, RoleMatrix, Scale};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::centroid::{Centroid, CentroidParams};
use super::knn::{Knn, KnnParams};
use super::lda::{Lda, LdaParams};
use super::logistic::{Logistic, LogisticParams};
use super::{
    Calibration, Kind, LearnError, LearnedModel, Method, StoredMatrix, Temperature, TrainParams,
    TrainingSummary, ValidTrainParams,
};

/// The `format` of every model file.
pub const MODEL_FORMAT: &str = "rolefit-model";

/// The version of the model file this build writes; it reads this one and
/// every earlier one ([`OLDEST_MODEL_VERSION`]).
pub const MODEL_VERSION: u64 = 4;

/// The version of a model file without `calibration`, the lowest that
/// holds everything else.
const UNCALIBRATED_VERSION: u64 = 3;

/// The oldest model file version this build reads (version 1 does not hold
/// the role matrix).
pub const OLDEST_MODEL_VERSION: u64 = 1;

#[derive(Serialize)]
struct FileOut<'a, P: Serialize> {
    format: &'static str,
    version: u64,
    method: &'static str,
    capabilities: &'a [String],
    roles: &'a [String],
    scale: Scale,
    training: TrainingOut<'a>,
    parameters: &'a P,
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix: Option<&'a RoleMatrix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix_credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weights: Option<Vec<Vec<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calibration: Option<CalibrationFile>,
}

/// `calibration` as the file holds it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalibrationFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<TemperatureFile>,
    #[serde(default)]
    strategies: BTreeMap<String, TemperatureFile>,
}

/// One temperature as the file holds it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemperatureFile {
    temperature: f64,
    rows: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    folds: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    formula: Option<String>,
}

impl From<&Temperature> for TemperatureFile {
    fn from(t: &Temperature) -> Self {
        TemperatureFile {
            temperature: t.temperature,
            rows: t.rows,
            folds: t.folds,
            formula: t.formula.clone(),
        }
    }
}

impl From<&Calibration> for CalibrationFile {
    fn from(c: &Calibration) -> Self {
        CalibrationFile {
            model: c.model.as_ref().map(TemperatureFile::from),
            strategies: c.strategies.iter().map(|(k, t)| (k.clone(), t.into())).collect(),
        }
    }
}

impl CalibrationFile {
    /// The calibration, checked: finite positive temperatures fitted on
    /// at least one row, at least two folds, no temperature of its own for
    /// a model whose scores are probabilities, and the matrix kept when a
    /// strategy's temperature is (it is checked against the matrix in use).
    fn check(&self, method: Method, has_matrix: bool) -> Result<Calibration, LearnError> {
        let temperature = |name: &str, t: &TemperatureFile| {
            if !(t.temperature.is_finite() && t.temperature > 0.0)
                || t.rows == 0
                || t.folds.is_some_and(|f| f < 2)
            {
                return Err(LearnError::Invalid(format!(
                    "calibration of {name}: the temperature must be a positive number fitted on at least one row \
                     (and folds at least 2)"
                )));
            }
            Ok(Temperature {
                temperature: t.temperature,
                rows: t.rows,
                folds: t.folds,
                formula: t.formula.clone(),
            })
        };
        if self.model.is_some() && method.is_probabilistic() {
            return Err(LearnError::Invalid(format!(
                "calibration.model: {method} keeps its own probabilities, it has no temperature"
            )));
        }
        if !self.strategies.is_empty() && !has_matrix {
            return Err(LearnError::Invalid(
                "calibration.strategies needs the \"matrix\" they were fitted with".into(),
            ));
        }
        Ok(Calibration {
            model: self
                .model
                .as_ref()
                .map(|t| temperature("the model", t))
                .transpose()?,
            strategies: self
                .strategies
                .iter()
                .map(|(name, t)| Ok((name.clone(), temperature(name, t)?)))
                .collect::<Result<_, LearnError>>()?,
        })
    }
}

struct TrainingOut<'a> {
    roles: &'a [String],
    summary: &'a TrainingSummary,
}

impl Serialize for TrainingOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct PerRole<'a>(&'a [String], &'a [usize]);
        impl Serialize for PerRole<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // In matrix order, not sorted by name.
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for (name, n) in self.0.iter().zip(self.1) {
                    map.serialize_entry(name, n)?;
                }
                map.end()
            }
        }
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("rows", &self.summary.rows)?;
        map.serialize_entry("per_role", &PerRole(self.roles, &self.summary.per_role))?;
        map.end()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn<P> {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    #[allow(dead_code)]
    method: String,
    capabilities: Vec<String>,
    roles: Vec<String>,
    scale: Scale,
    training: TrainingIn,
    parameters: P,
    #[serde(default)]
    matrix: Option<RoleMatrix>,
    #[serde(default)]
    matrix_credit: Option<String>,
    #[serde(default)]
    weights: Option<Vec<Vec<f64>>>,
    #[serde(default)]
    calibration: Option<CalibrationFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrainingIn {
    rows: usize,
    per_role: BTreeMap<String, usize>,
}

impl LearnedModel {
    /// The model as model-file JSON (pretty-printed, with a final line
    /// end).
    pub fn to_json(&self) -> String {
        let training = TrainingOut {
            roles: &self.roles,
            summary: &self.training,
        };
        let mut text = match &self.kind {
            Kind::Centroid(m) => self.file_json(training, m.params()),
            Kind::Knn(m) => self.file_json(training, m.params()),
            Kind::Logistic(m) => self.file_json(training, m.params()),
            Kind::Lda(m) => self.file_json(training, m.params()),
        };
        text.push('\n');
        text
    }

    fn file_json<P: Serialize>(&self, training: TrainingOut<'_>, parameters: &P) -> String {
        let file = FileOut {
            format: MODEL_FORMAT,
            version: match self.calibration {
                Some(_) => MODEL_VERSION,
                None => UNCALIBRATED_VERSION,
            },
            method: self.method.name(),
            capabilities: &self.capabilities,
            roles: &self.roles,
            scale: self.scale,
            training,
            parameters,
            matrix: self.matrix.as_ref().map(|m| &m.matrix),
            matrix_credit: self.matrix.as_ref().and_then(|m| m.credit.as_deref()),
            weights: self
                .precisions
                .as_ref()
                .map(|p| p.outer_iter().map(|r| r.to_vec()).collect()),
            calibration: self.calibration.as_ref().map(CalibrationFile::from),
        };
        // Plain data with string keys and finite numbers always serialises.
        let pretty = serde_json::to_string_pretty(&file).expect("a model serialises");
        inline_number_arrays(&pretty)
    }

    /// Reads a model file and checks it against `matrix`: the format and
    /// version first, then the method, the parameters' consistency, and
    /// that the capabilities, roles and scale are the matrix's.
    ///
    /// # Errors
    /// [`LearnError::NotAModel`] (not JSON, not a rolefit model, missing or
    /// malformed fields), [`LearnError::UnsupportedVersion`],
    /// [`LearnError::UnknownMethod`], [`LearnError::Invalid`] (inconsistent
    /// parameters) or [`LearnError::Mismatch`] (another matrix).
    pub fn from_json(text: &str, matrix: &RoleMatrix) -> Result<LearnedModel, LearnError> {
        let value = model_value(text)?;
        let method_name = value
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(|| LearnError::NotAModel("\"method\" is missing or not a string".into()))?;
        let method = Method::EVERY
            .into_iter()
            .find(|m| m.name() == method_name)
            .ok_or_else(|| LearnError::UnknownMethod(method_name.to_string()))?;
        match method {
            Method::Centroid => {
                let file: FileIn<CentroidParams> = parse(value)?;
                let shape = Shape::check(&file, method, matrix)?;
                let scale = file.scale;
                let model = Centroid::from_params(file.parameters, shape.roles, shape.capabilities, scale)?;
                Ok(shape.model(method, ValidTrainParams::default(), Kind::Centroid(model)))
            }
            Method::Knn => {
                let file: FileIn<KnnParams> = parse(value)?;
                let shape = Shape::check(&file, method, matrix)?;
                let options = TrainParams::default()
                    .neighbours(file.parameters.k)
                    .check()
                    .map_err(|e| LearnError::Invalid(e.to_string()))?;
                let model = Knn::from_params(file.parameters, shape.roles, shape.capabilities, file.scale)?;
                Ok(shape.model(method, options, Kind::Knn(model)))
            }
            Method::Logistic => {
                let file: FileIn<LogisticParams> = parse(value)?;
                let shape = Shape::check(&file, method, matrix)?;
                let options = TrainParams::default()
                    .alpha(file.parameters.alpha)
                    .max_iterations(file.parameters.max_iterations)
                    .check()
                    .map_err(|e| LearnError::Invalid(e.to_string()))?;
                let model = Logistic::from_params(file.parameters, shape.roles, shape.capabilities)?;
                Ok(shape.model(method, options, Kind::Logistic(model)))
            }
            Method::Lda => {
                let file: FileIn<LdaParams> = parse(value)?;
                let shape = Shape::check(&file, method, matrix)?;
                let model = Lda::from_params(file.parameters, shape.roles, shape.capabilities)?;
                Ok(shape.model(method, ValidTrainParams::default(), Kind::Lda(model)))
            }
        }
    }

    /// The role matrix a model file holds (version 2 on), without checking
    /// the rest of the file: the matrix to use with the model when none is
    /// given, and the one to name when another does not fit. `None` for a
    /// file of version 1.
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json) for the format and version, and
    /// [`LearnError::NotAModel`] for a `matrix` that is not a valid role
    /// matrix.
    pub fn stored_matrix_of(text: &str) -> Result<Option<StoredMatrix>, LearnError> {
        let mut value = model_value(text)?;
        let Some(matrix) = value.get_mut("matrix").map(Value::take) else {
            return Ok(None);
        };
        let matrix: RoleMatrix = serde_json::from_value(matrix)
            .map_err(|e| LearnError::NotAModel(format!("its \"matrix\" is not a role matrix: {e}")))?;
        let credit = value
            .get("matrix_credit")
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Some(StoredMatrix { matrix, credit }))
    }
}

/// The JSON of a model file whose format and version this build reads.
fn model_value(text: &str) -> Result<Value, LearnError> {
    let value: Value = serde_json::from_str(text).map_err(|e| LearnError::NotAModel(e.to_string()))?;
    let format = value.get("format").and_then(Value::as_str);
    if format != Some(MODEL_FORMAT) {
        return Err(LearnError::NotAModel(format!(
            "its \"format\" is {}, not \"{MODEL_FORMAT}\"",
            format.map_or("missing".to_string(), |f| format!("{f:?}"))
        )));
    }
    let version = value
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| LearnError::NotAModel("\"version\" is missing or not a whole number".into()))?;
    if !(OLDEST_MODEL_VERSION..=MODEL_VERSION).contains(&version) {
        return Err(LearnError::UnsupportedVersion {
            found: version,
            supported: MODEL_VERSION,
        });
    }
    Ok(value)
}

/// Pretty-printed JSON with every array that holds only numbers and
/// `null`s on one line (`[1.5, null, 4.0]`), so that a model's matrices read
/// as rows rather than one number per line. Strings are skipped whole, so
/// brackets inside them are left alone.
fn inline_number_arrays(pretty: &str) -> String {
    let bytes = pretty.as_bytes();
    let mut out = String::with_capacity(pretty.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // Skip the string, escapes included.
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'[' => {
                let end = bytes[i + 1..]
                    .iter()
                    .position(|&b| {
                        !(b.is_ascii_digit() || b.is_ascii_whitespace() || b"-+.,eEnul".contains(&b))
                    })
                    .map(|p| i + 1 + p);
                match end {
                    Some(end)
                        if bytes[end] == b']'
                            && bytes[i + 1..end].iter().any(|b| !b.is_ascii_whitespace()) =>
                    {
                        out.push_str(&pretty[copied..i]);
                        let items: Vec<&str> = pretty[i + 1..end].split(',').map(str::trim).collect();
                        out.push('[');
                        out.push_str(&items.join(", "));
                        out.push(']');
                        i = end + 1;
                        copied = i;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&pretty[copied..]);
    out
}

fn parse<P: for<'de> Deserialize<'de>>(value: Value) -> Result<FileIn<P>, LearnError> {
    serde_json::from_value(value).map_err(|e| LearnError::NotAModel(e.to_string()))
}

/// The parts of a model file every method shares, checked.
struct Shape {
    roles: usize,
    capabilities: usize,
    capability_ids: Vec<String>,
    role_names: Vec<String>,
    scale: Scale,
    training: TrainingSummary,
    matrix: Option<StoredMatrix>,
    precisions: Option<ndarray::Array2<f64>>,
    calibration: Option<Calibration>,
}

impl Shape {
    fn check<P>(file: &FileIn<P>, method: Method, matrix: &RoleMatrix) -> Result<Shape, LearnError> {
        let ids: Vec<&str> = matrix.capabilities().iter().map(|c| c.id.as_str()).collect();
        let names: Vec<&str> = matrix.roles().iter().map(|r| r.name.as_str()).collect();
        same_list("capabilities", &file.capabilities, &ids)?;
        same_list("roles", &file.roles, &names)?;
        if file.scale != matrix.scale() {
            return Err(LearnError::Mismatch(format!(
                "the model is on the scale {}, the matrix on {}",
                file.scale,
                matrix.scale()
            )));
        }
        if let Some(stored) = &file.matrix {
            // The matrix kept in the file is the one the lists come from.
            let ids: Vec<&str> = stored.capabilities().iter().map(|c| c.id.as_str()).collect();
            let names: Vec<&str> = stored.roles().iter().map(|r| r.name.as_str()).collect();
            same_list("capabilities", &file.capabilities, &ids)
                .and_then(|()| same_list("roles", &file.roles, &names))
                .map_err(|e| LearnError::Invalid(format!("its \"matrix\" is not the one it names: {e}")))?;
            if stored.scale() != file.scale {
                return Err(LearnError::Invalid(format!(
                    "its \"matrix\" is on the scale {}, the model on {}",
                    stored.scale(),
                    file.scale
                )));
            }
        }
        let mut per_role = vec![0; file.roles.len()];
        for (name, &n) in &file.training.per_role {
            match file.roles.iter().position(|r| r == name) {
                Some(j) => per_role[j] = n,
                None => {
                    return Err(LearnError::Invalid(format!(
                        "training.per_role names {name:?}, which is not one of the model's roles"
                    )))
                }
            }
        }
        if per_role.iter().sum::<usize>() != file.training.rows {
            return Err(LearnError::Invalid(format!(
                "training.per_role adds up to {}, but training.rows is {}",
                per_role.iter().sum::<usize>(),
                file.training.rows
            )));
        }
        let (roles, capabilities) = (file.roles.len(), file.capabilities.len());
        let precisions = match &file.weights {
            None => None,
            Some(rows) => {
                let fits = rows.len() == roles
                    && rows
                        .iter()
                        .all(|r| r.len() == capabilities && r.iter().all(|p| p.is_finite() && *p > 0.0));
                if !fits {
                    return Err(LearnError::Invalid(format!(
                        "\"weights\" must be {roles} rows of {capabilities} positive numbers"
                    )));
                }
                Some(ndarray::Array2::from_shape_fn((roles, capabilities), |(j, c)| {
                    rows[j][c]
                }))
            }
        };
        let calibration = file
            .calibration
            .as_ref()
            .map(|c| c.check(method, file.matrix.is_some()))
            .transpose()?;
        Ok(Shape {
            calibration,
            precisions,
            roles: file.roles.len(),
            capabilities: file.capabilities.len(),
            capability_ids: file.capabilities.clone(),
            role_names: file.roles.clone(),
            scale: file.scale,
            training: TrainingSummary {
                rows: file.training.rows,
                per_role,
            },
            matrix: file.matrix.clone().map(|matrix| StoredMatrix {
                matrix,
                credit: file.matrix_credit.clone(),
            }),
        })
    }

    fn model(self, method: Method, options: ValidTrainParams, kind: Kind) -> LearnedModel {
        LearnedModel {
            method,
            capabilities: self.capability_ids,
            roles: self.role_names,
            scale: self.scale,
            training: self.training,
            options,
            kind,
            matrix: self.matrix,
            precisions: self.precisions,
            calibration: self.calibration,
        }
    }
}

/// Checks that the model's list equals the matrix's, position by position
/// (names compared loosely), and says where they first differ.
fn same_list(what: &str, model: &[String], matrix: &[&str]) -> Result<(), LearnError> {
    if model.len() != matrix.len() {
        return Err(LearnError::Mismatch(format!(
            "the model has {} {what}, the matrix {}",
            model.len(),
            matrix.len()
        )));
    }
    match model
        .iter()
        .zip(matrix)
        .position(|(a, b)| match_key(a) != match_key(b))
    {
        None => Ok(()),
        Some(i) => Err(LearnError::Mismatch(format!(
            "{what} differ at position {}: the model has {:?}, the matrix {:?}",
            i + 1,
            model[i],
            matrix[i]
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::inline_number_arrays;

    #[test]
    fn number_arrays_go_on_one_line_and_strings_are_left_alone() {
        let pretty = "{\n  \"a\": [\n    1.5,\n    null,\n    -2e-3\n  ],\n  \"b\": [\n    \"x[1, 2]\",\n    \"y\"\n  ],\n  \"c\": [\n    [\n      1,\n      2\n    ],\n    []\n  ]\n}";
        let inlined = inline_number_arrays(pretty);
        assert_eq!(
            inlined,
            "{\n  \"a\": [1.5, null, -2e-3],\n  \"b\": [\n    \"x[1, 2]\",\n    \"y\"\n  ],\n  \"c\": [\n    [1, 2],\n    []\n  ]\n}"
        );
        let a: serde_json::Value = serde_json::from_str(pretty).unwrap();
        let b: serde_json::Value = serde_json::from_str(&inlined).unwrap();
        assert_eq!(a, b);
    }
}
