//! The built-in roles guide: a role matrix, a survey and sample responses
//! compiled into the library.
//!
//! The data lives as CSV in the repository's `datasets/` folder, where
//! people can read, diff and correct it, and is embedded with
//! `include_str!` so the tool works with no files at hand. It is read with
//! the same importers as user files, so the built-in data can never use a
//! format a user could not. The matrix file holds the levels; the
//! capabilities and roles files add what a matrix CSV cannot say
//! (categories, descriptions, aliases, key focus, responsibilities),
//! matched by id, the [`slug`](rolefit_model::slug) of the name.
//!
//! [`matrix`] and [`survey`] panic if the embedded data is invalid; it is
//! ours, fixed at compile time, and the unit tests prove it loads.

use rolefit_model::{RoleMatrix, Survey};

use crate::error::ImportError;
use crate::matrix::{read_matrix, MatrixOptions};
use crate::rows::Rows;
use crate::survey::read_survey;
use crate::table::{named_columns, Table};

/// The role matrix, long layout: `role,capability,level,importance`.
pub const MATRIX_CSV: &str = include_str!("../../../datasets/guide/matrix.csv");
/// The capabilities: `id,name,category,description,aliases` (aliases
/// separated by `|`).
pub const CAPABILITIES_CSV: &str = include_str!("../../../datasets/guide/capabilities.csv");
/// The roles: `id,name,key_focus,description,responsibilities`
/// (responsibilities separated by `|`).
pub const ROLES_CSV: &str = include_str!("../../../datasets/guide/roles.csv");
/// The survey: `id,text,capability,reverse`, answered on the five-point
/// agreement scale.
pub const SURVEY_CSV: &str = include_str!("../../../datasets/guide/survey.csv");
/// Made-up responses to the built-in survey: `respondent,Q01,...,Q40`.
pub const SAMPLE_RESPONSES: &str = include_str!("../../../datasets/sample-responses.csv");

/// The built-in matrix's name.
pub const MATRIX_NAME: &str = "Roles guide (built-in)";
/// The built-in survey's name.
pub const SURVEY_NAME: &str = "Roles guide self-assessment (built-in)";
/// The source the built-in matrix reports.
pub const SOURCE: &str = "built-in";

/// The built-in role matrix: four roles, twenty capabilities, levels on
/// `1..5`, with categories, descriptions, aliases, key focus and
/// responsibilities.
pub fn matrix() -> RoleMatrix {
    load_matrix().expect("the built-in role matrix is valid (a unit test loads it)")
}

/// The built-in survey, answered on the five-point agreement scale.
pub fn survey() -> Survey {
    load_survey().expect("the built-in survey is valid (a unit test loads it)")
}

/// Splits a `|`-separated list, dropping empty entries.
fn list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads a small table with the named columns (all required) and returns
/// each row's cells in that order, with its line.
fn rows(text: &str, source: &str, columns: &[&str]) -> Result<Vec<(u64, Vec<String>)>, ImportError> {
    let mut table = Table::open(text.as_bytes(), source, &columns.join(","))?;
    let found = named_columns(&table, columns, &[])?;
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    while let Some(line) = table.next(&mut record, true)? {
        let mut cells = Vec::with_capacity(found.len());
        for index in found.iter().flatten() {
            cells.push(table.cell(&record, *index, line)?.to_string());
        }
        out.push((line, cells));
    }
    Ok(out)
}

fn load_matrix() -> Result<RoleMatrix, String> {
    load_matrix_from(MATRIX_CSV, CAPABILITIES_CSV, ROLES_CSV)
}

/// The matrix from the three texts; an error says what does not fit.
fn load_matrix_from(matrix_csv: &str, capabilities_csv: &str, roles_csv: &str) -> Result<RoleMatrix, String> {
    const CAPS: &str = "datasets/guide/capabilities.csv";
    const ROLES: &str = "datasets/guide/roles.csv";
    let options = MatrixOptions {
        name: Some(MATRIX_NAME.into()),
        ..MatrixOptions::default()
    };
    let base = read_matrix(matrix_csv.as_bytes(), "datasets/guide/matrix.csv", &options)
        .map_err(|e| e.to_string())?;
    let mut capabilities = base.capabilities().to_vec();
    let mut described = vec![false; capabilities.len()];
    let cap_rows = rows(
        capabilities_csv,
        CAPS,
        &["id", "name", "category", "description", "aliases"],
    )
    .map_err(|e| e.to_string())?;
    for (line, cells) in cap_rows {
        let [id, name, category, description, aliases] = &cells[..] else {
            return Err(format!("{CAPS}:{line}: expected 5 cells"));
        };
        let index = capabilities
            .iter()
            .position(|c| c.id == *id)
            .ok_or_else(|| format!("{CAPS}:{line}: capability {id:?} is not in the matrix"))?;
        let capability = &mut capabilities[index];
        if capability.name != *name {
            return Err(format!(
                "{CAPS}:{line}: capability {id:?} is called {name:?} here but {:?} in the matrix",
                capability.name
            ));
        }
        capability.category = category.clone();
        capability.description = description.clone();
        capability.aliases = list(aliases);
        described[index] = true;
    }
    if let Some(i) = described.iter().position(|d| !d) {
        return Err(format!("{CAPS}: capability {:?} has no row", capabilities[i].id));
    }

    let mut roles = base.roles().to_vec();
    let mut described = vec![false; roles.len()];
    let role_rows = rows(
        roles_csv,
        ROLES,
        &["id", "name", "key_focus", "description", "responsibilities"],
    )
    .map_err(|e| e.to_string())?;
    for (line, cells) in role_rows {
        let [id, name, key_focus, description, responsibilities] = &cells[..] else {
            return Err(format!("{ROLES}:{line}: expected 5 cells"));
        };
        let index = roles
            .iter()
            .position(|r| r.id == *id)
            .ok_or_else(|| format!("{ROLES}:{line}: role {id:?} is not in the matrix"))?;
        let role = &mut roles[index];
        if role.name != *name {
            return Err(format!(
                "{ROLES}:{line}: role {id:?} is called {name:?} here but {:?} in the matrix",
                role.name
            ));
        }
        role.key_focus = key_focus.clone();
        role.description = description.clone();
        role.responsibilities = list(responsibilities);
        described[index] = true;
    }
    if let Some(i) = described.iter().position(|d| !d) {
        return Err(format!("{ROLES}: role {:?} has no row", roles[i].id));
    }
    RoleMatrix::new(MATRIX_NAME, SOURCE, base.scale(), capabilities, roles).map_err(|e| e.to_string())
}

fn load_survey() -> Result<Survey, String> {
    let survey = read_survey(
        SURVEY_CSV.as_bytes(),
        "datasets/guide/survey.csv",
        rolefit_model::ResponseScale::agreement5(),
    )
    .map_err(|e| e.to_string())?;
    Survey::new(SURVEY_NAME, survey.items().to_vec(), survey.scale().clone()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::responses::{ResponseOptions, ResponseReader};
    use rolefit_model::{ResponseScale, Scale};

    #[test]
    fn the_matrix_has_the_four_roles_of_the_guide() {
        let m = matrix();
        assert_eq!(m.name(), MATRIX_NAME);
        assert_eq!(m.source(), "built-in");
        assert_eq!(m.scale(), Scale::default());
        let names: Vec<&str> = m.roles().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Project Manager",
                "Product Manager",
                "Program Manager",
                "Technical Program Manager"
            ]
        );
        for role in m.roles() {
            assert_eq!(role.responsibilities.len(), 5, "{}", role.id);
            assert!(!role.key_focus.is_empty(), "{}", role.id);
            assert!(!role.description.is_empty(), "{}", role.id);
        }
    }

    #[test]
    fn the_matrix_has_twenty_described_capabilities() {
        let m = matrix();
        assert_eq!(m.capabilities().len(), 20);
        for c in m.capabilities() {
            assert!(!c.category.is_empty(), "{}", c.id);
            assert!(!c.description.is_empty(), "{}", c.id);
        }
        for alias in [
            "Technical Acumen",
            "Budgeting and Financial Management",
            "Communication Skills",
        ] {
            assert!(m.capability_index(alias).is_some(), "{alias}");
        }
        assert_eq!(
            m.capability_index("Communication Skills"),
            m.capability_index("communication")
        );
    }

    #[test]
    fn the_survey_covers_every_capability_twice() {
        let m = matrix();
        let s = survey();
        assert_eq!(s.name(), SURVEY_NAME);
        assert_eq!(s.scale(), &ResponseScale::agreement5());
        let indices = s.capability_indices(&m).unwrap();
        for c in 0..m.capabilities().len() {
            let n = indices.iter().filter(|&&i| i == c).count();
            assert!(n >= 2, "{} has {n} items", m.capabilities()[c].id);
        }
        assert!(s.items().iter().any(|i| i.reverse));
        assert!(s.items().iter().any(|i| !i.reverse));
    }

    #[test]
    fn the_sample_responses_read_completely() {
        let m = matrix();
        let s = survey();
        let reader = ResponseReader::new(
            SAMPLE_RESPONSES.as_bytes(),
            "sample",
            &m,
            Some(&s),
            &ResponseOptions::default(),
        )
        .unwrap();
        assert_eq!(reader.plan().id_column(), Some((0, "respondent")));
        assert!(reader.plan().ignored().is_empty());
        let rows = SAMPLE_RESPONSES.lines().filter(|l| !l.trim().is_empty()).count() - 1;
        let batch = reader.read_all().unwrap();
        assert_eq!(batch.len(), rows);
        assert!(batch.len() >= 10);
        assert!((0..batch.len()).all(|i| batch.answered_count(i) > 0));
        assert!(batch
            .values()
            .iter()
            .all(|v| (1.0..=5.0).contains(v) || *v == 0.0));
    }

    #[test]
    fn the_raw_texts_are_exposed() {
        for text in [
            MATRIX_CSV,
            CAPABILITIES_CSV,
            ROLES_CSV,
            SURVEY_CSV,
            SAMPLE_RESPONSES,
        ] {
            assert!(text.lines().count() > 1);
        }
    }

    #[test]
    fn mismatched_metadata_is_reported() {
        let matrix = "role,capability,level\nLead,Plan,3\nLead,Budget,2\n";
        let caps = "id,name,category,description,aliases\nplan,Plan,A,d,\nbudget,Budget,B,d,Money| Cash |\n";
        let roles = "id,name,key_focus,description,responsibilities\nlead,Lead,f,d,a|b\n";
        let m = load_matrix_from(matrix, caps, roles).unwrap();
        assert_eq!(m.capabilities()[1].aliases, ["Money", "Cash"]);
        assert_eq!(m.roles()[0].responsibilities, ["a", "b"]);
        let e = load_matrix_from(matrix, &caps.replace("budget,Budget", "money,Money"), roles).unwrap_err();
        assert!(e.contains("\"money\" is not in the matrix"), "{e}");
        let e =
            load_matrix_from(matrix, &caps.replace("budget,Budget", "budget,Budgets"), roles).unwrap_err();
        assert!(e.contains("called \"Budgets\" here"), "{e}");
        let short_caps = "id,name,category,description,aliases\nplan,Plan,A,d,\n";
        let e = load_matrix_from(matrix, short_caps, roles).unwrap_err();
        assert!(e.contains("\"budget\" has no row"), "{e}");
        let e =
            load_matrix_from(matrix, caps, "id,name,key_focus,description,responsibilities\n").unwrap_err();
        assert!(e.contains("\"lead\" has no row"), "{e}");
        let e = load_matrix_from(matrix, caps, "id,name\n").unwrap_err();
        assert!(
            e.contains("no `key_focus` or `description` or `responsibilities` column"),
            "{e}"
        );
    }
}
