//! Label scales: the words survey tools put in cells (`Strongly agree`,
//! `Often`, `Expert`) and the numbers they stand for.
//!
//! Five scales are built in (see [`builtin_scales`]); a labels map file
//! (`--labels-map`) adds others. Which scale a column is read on is decided
//! once, before the rows are parsed: see `ColumnPlan` and `docs/formats.md`
//! ("Label scales").

use std::collections::HashMap;
use std::io::Read;

use csv::ByteRecord;
use rolefit_model::{match_key, ResponseScale, Scale, ScaleLabel};

use crate::error::{ErrorKind, ImportError};
use crate::matrix::file_stem;
use crate::rows::Rows;
use crate::table::{named_columns, parse_number, Table};

/// A response scale with a name people can give (`agreement7`, or the name
/// of a custom scale).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedScale {
    /// The name, as given (matched loosely).
    pub name: String,
    /// What it says in words, for messages: `the 7-point agreement scale`.
    pub description: String,
    /// The range and labels.
    pub scale: ResponseScale,
    /// Labels that mean "no answer" in this scale's columns (a labels map
    /// row with an empty value); they are missing answers in every column.
    pub missing: Vec<String>,
}

/// Answers that mean "no answer", read as missing in every column unless
/// the column's scale gives the label a value. Matched loosely, like every
/// label (`don't know`, `DONT KNOW` and `Don't know.` are the first).
pub const NO_ANSWER_LABELS: [&str; 20] = [
    "Don't know",
    "I don't know",
    "Do not know",
    "Not applicable",
    "Not applicable to me",
    "Does not apply",
    "Doesn't apply",
    "Unfamiliar (N/A)",
    "N/A",
    "Prefer not to say",
    "Prefer not to answer",
    "Rather not say",
    "No opinion",
    "Not sure",
    "Unsure",
    "Can't say",
    "Cannot say",
    "No answer",
    "Don't know / Not applicable",
    "Not observed",
];

/// The built-in label scales, in the order they are preferred when the
/// labels of a column fit several of them.
const BUILTIN: [(&str, &str, &[&str]); 5] = [
    (
        "agreement5",
        "the 5-point agreement scale",
        &[
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ],
    ),
    (
        "agreement7",
        "the 7-point agreement scale",
        &[
            "Strongly disagree",
            "Disagree",
            "Somewhat disagree",
            "Neither agree nor disagree",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ],
    ),
    (
        "frequency",
        "the frequency scale",
        &["Never", "Rarely", "Sometimes", "Often", "Always"],
    ),
    (
        "like",
        "the like/dislike scale",
        &[
            "Strongly dislike",
            "Dislike",
            "Neither like nor dislike",
            "Like",
            "Strongly like",
        ],
    ),
    (
        "proficiency",
        "the proficiency scale",
        &["None", "Basic", "Intermediate", "Advanced", "Expert"],
    ),
];

/// The built-in label scales: `agreement5` (1..5), `agreement7` (1..7),
/// `frequency` (`Never` .. `Always`, 1..5), `like` (`Strongly dislike` ..
/// `Strongly like`, 1..5) and `proficiency` (`None` .. `Expert`, 1..5).
/// Each label stands for its position: the first is 1.
pub fn builtin_scales() -> Vec<NamedScale> {
    BUILTIN
        .iter()
        .map(|(name, description, labels)| NamedScale {
            name: (*name).to_string(),
            description: (*description).to_string(),
            scale: ResponseScale::ordinal(labels).expect("a built-in scale is valid"),
            missing: Vec::new(),
        })
        .collect()
}

/// The scale called `name` (matched loosely): one of `custom` first, then
/// a built-in one. `agreement` is `agreement5`.
pub fn find_scale(name: &str, custom: &[NamedScale]) -> Option<NamedScale> {
    let key = match_key(name);
    let key = if key == "agreement" {
        "agreement5".to_string()
    } else {
        key
    };
    custom
        .iter()
        .cloned()
        .chain(builtin_scales())
        .find(|s| match_key(&s.name) == key)
}

/// The names of the scales `--scale` accepts, for messages.
pub fn scale_names(custom: &[NamedScale]) -> Vec<String> {
    custom
        .iter()
        .map(|s| s.name.clone())
        .chain(BUILTIN.iter().map(|(name, _, _)| (*name).to_string()))
        .collect()
}

/// Reads custom label scales from CSV: columns `label` and `value`, and
/// optionally `scale` (the scale's name; without the column the file holds
/// one scale, named after the file). A scale runs from its lowest value to
/// its highest.
///
/// ```csv
/// scale,label,value
/// extent,Not at all,1
/// extent,A little,2
/// extent,Somewhat,3
/// extent,Very much,4
/// ```
///
/// # Errors
/// Unreadable or empty input, a missing or unexpected column, a value that
/// is not a finite number, an empty label, a label given twice in a scale
/// (compared loosely), and a scale with fewer than two distinct values.
pub fn read_labels_map<R: Read>(reader: R, source: &str) -> Result<Vec<NamedScale>, ImportError> {
    let mut table = Table::open(
        reader,
        source,
        "a header row `scale,label,value` (scale optional)",
    )?;
    let columns = named_columns(&table, &["label", "value"], &["scale"])?;
    let [Some(label_col), Some(value_col), scale_col] = columns[..] else {
        return Err(ImportError::header(
            source,
            "the header is incomplete",
            "label and value",
        ));
    };
    let default_name = file_stem(source);
    // Scales in order of first appearance, found by their loose key.
    let mut scales: Vec<PendingScale> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut record = ByteRecord::new();
    while let Some(line) = table.next(&mut record, true)? {
        let name = match scale_col {
            Some(i) => table
                .required_cell(&record, i, line, "the name of the scale, such as extent")?
                .to_string(),
            None => default_name.clone(),
        };
        let label = table.required_cell(&record, label_col, line, "the label, such as Very much")?;
        let text = table.cell(&record, value_col, line)?;
        let value = if text.is_empty() {
            None
        } else {
            Some(parse_number(text).map_err(|problem| {
                ImportError::bad_value(
                    source,
                    text,
                    problem,
                    "the number the label stands for, such as 4 (or an empty cell: no answer)",
                )
                .at_line(line)
                .at_column(value_col, table.name(value_col))
            })?)
        };
        let index = *by_key.entry(match_key(&name)).or_insert_with(|| {
            scales.push(PendingScale {
                name: name.clone(),
                labels: Vec::new(),
                missing: Vec::new(),
                lines: HashMap::new(),
            });
            scales.len() - 1
        });
        scales[index]
            .add(label, value, line, source)
            .map_err(|e| e.at_column(label_col, table.name(label_col)))?;
    }
    if scales.is_empty() {
        return Err(ImportError::new(
            source,
            ErrorKind::NoRows {
                expected: "one row per label: its scale (optional), the label and its value".into(),
            },
        ));
    }
    scales.into_iter().map(|scale| scale.finish(source)).collect()
}

impl PendingScale {
    /// Adds a label read on `line` of `source` (`None`: a label for no
    /// answer); a label given twice (compared loosely) is an error, at
    /// `line`.
    fn add(&mut self, label: &str, value: Option<f64>, line: u64, source: &str) -> Result<(), ImportError> {
        let label_key = match_key(label);
        if let Some(&first_line) = self.lines.get(&label_key) {
            return Err(ImportError::new(
                source,
                ErrorKind::Duplicate {
                    what: format!("label {label:?} of scale {:?}", self.name),
                    first_line,
                    expected: "each label once per scale (case, spaces and punctuation are ignored)".into(),
                },
            )
            .at_line(line));
        }
        self.lines.insert(label_key, line);
        match value {
            Some(value) => self.labels.push(ScaleLabel {
                label: label.to_string(),
                value,
            }),
            None => self.missing.push(label.to_string()),
        }
        Ok(())
    }

    /// The scale, once every row is read: its range is that of its values,
    /// which must hold at least two different ones.
    fn finish(self, source: &str) -> Result<NamedScale, ImportError> {
        let PendingScale {
            name,
            labels,
            missing,
            ..
        } = self;
        let min = labels.iter().map(|l| l.value).fold(f64::INFINITY, f64::min);
        let max = labels.iter().map(|l| l.value).fold(f64::NEG_INFINITY, f64::max);
        let range = Scale::new(min, max).map_err(|_| {
            let problem = if labels.is_empty() {
                format!("scale {name:?} has no label with a value")
            } else {
                format!("scale {name:?} has a single value ({min})")
            };
            ImportError::new(
                source,
                ErrorKind::Data {
                    problem,
                    expected: "at least two labels with different values, lowest first or in any order"
                        .into(),
                },
            )
        })?;
        let scale = ResponseScale::new(range, labels).map_err(|e| ImportError::model(source, e))?;
        Ok(NamedScale {
            description: format!("the scale {name:?} of {source}"),
            name,
            scale,
            missing,
        })
    }
}

/// A scale of a labels map while it is read: its name as first written, its
/// labels, and the line each label's loose key was first given on.
struct PendingScale {
    name: String,
    labels: Vec<ScaleLabel>,
    /// Labels given an empty value: no answer.
    missing: Vec<String>,
    lines: HashMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_scales_are_valid_and_found_by_name() {
        let all = builtin_scales();
        assert_eq!(all.len(), 5);
        let seven = find_scale("Agreement 7", &[]).unwrap();
        assert_eq!(seven.scale.scale(), Scale::new(1.0, 7.0).unwrap());
        assert_eq!(seven.scale.value_of("somewhat AGREE"), Some(5.0));
        assert_eq!(find_scale("agreement", &[]).unwrap().name, "agreement5");
        let freq = find_scale("frequency", &[]).unwrap();
        assert_eq!(freq.scale.value_of(" often "), Some(4.0));
        assert_eq!(
            find_scale("proficiency", &[]).unwrap().scale.value_of("none"),
            Some(1.0)
        );
        assert_eq!(
            find_scale("like", &[]).unwrap().scale.value_of("Strongly like"),
            Some(5.0)
        );
        assert!(find_scale("nope", &[]).is_none());
        assert_eq!(scale_names(&[])[0], "agreement5");
    }

    #[test]
    fn labels_maps_are_read_with_or_without_a_scale_column() {
        let one = read_labels_map(
            &b"label,value\nNot at all,0\nA lot,4\nSome,2\n"[..],
            "dir/extent.csv",
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, "extent");
        assert_eq!(one[0].scale.scale(), Scale::new(0.0, 4.0).unwrap());
        assert_eq!(one[0].scale.value_of("a LOT"), Some(4.0));
        let two = read_labels_map(
            &b"scale,label,value\nyn,No,1\nyn,Yes,2\nhow,Low,1\nhow,High,3\n"[..],
            "m.csv",
        )
        .unwrap();
        assert_eq!(
            two.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["yn", "how"]
        );
        assert_eq!(find_scale("YN", &two).unwrap().scale.value_of("yes"), Some(2.0));
    }

    #[test]
    fn labels_map_errors_name_the_place() {
        let err = |text: &str| read_labels_map(text.as_bytes(), "m.csv").unwrap_err().to_string();
        assert_eq!(
            err("label,value\nYes,lots\n"),
            "m.csv:2: column 2 \"value\": \"lots\" is not a number; expected the number the label stands for, such as 4 (or an empty cell: no answer)"
        );
        assert_eq!(
            err("label,value\nYes,1\nyes,2\n"),
            "m.csv:3: column 1 \"label\": label \"yes\" of scale \"m\" is given twice, first on line 2; expected each \
             label once per scale (case, spaces and punctuation are ignored)"
        );
        assert!(err("label,value\nYes,1\n").contains("has a single value"));
        assert!(err("label,value\n").contains("has a header but no data rows"));
        assert!(err("label,points\n").contains("the header has no `value` column"));
    }
}
