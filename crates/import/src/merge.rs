//! Several role matrices as one.
//!
//! The O*NET data comes as separate files for skills and knowledge, and a
//! team may keep its own matrix beside them; [`merge_matrices`] puts such
//! parts side by side: the capabilities of every part, in order, and every
//! role any part has.

use std::collections::HashMap;

use rolefit_model::{match_key, slug, Capability, Requirement, Role, RoleMatrix, Scale};

use crate::error::{ErrorKind, ImportError};

/// Merges role matrices that rate different capabilities of the same
/// roles into one matrix, named after the parts (`Skills + Knowledge`)
/// with `source` as its [`RoleMatrix::source`].
///
/// - Capabilities are those of every part, in part order. Two parts may
///   not have the same capability (the same id, or a name or alias that
///   matches loosely), with one exception: capabilities of different,
///   non-empty categories that share a name are both qualified by their
///   category. The O*NET data rates Mathematics both as a skill
///   (`2.A.1.e`) and as knowledge (`2.C.4.a`); merged, they are
///   `mathematics-skills` "Mathematics (Skills)" and
///   `mathematics-knowledge` "Mathematics (Knowledge)", and keep their
///   element ids as aliases.
/// - Roles are matched by id (loosely, see [`match_key`]); they come in
///   the order they first appear. A role's name, key focus, description
///   and responsibilities come from the first part that has it.
/// - A role a part does not have gets, for that part's capabilities,
///   importance 0 and the lowest level of the scale: those capabilities do
///   not count for it.
///
/// # Errors
/// An [`ImportError`] for no parts at all (naming `source`), for parts on
/// different scales (naming the part that differs from the first), and for
/// a capability of one part whose id, name or an alias matches one of an
/// earlier part, other than as above (naming the later part's file and the
/// earlier one); a role whose name clashes with another role's is refused
/// by [`RoleMatrix::new`]; and a merged matrix of more than
/// [`DEFAULT_MAX_MATRIX_CELLS`](crate::limits::DEFAULT_MAX_MATRIX_CELLS)
/// cells (see [`merge_matrices_within`] for another limit).
pub fn merge_matrices(parts: Vec<RoleMatrix>, source: &str) -> Result<RoleMatrix, ImportError> {
    merge_matrices_within(parts, source, crate::limits::DEFAULT_MAX_MATRIX_CELLS)
}

/// [`merge_matrices`] with a limit of `max_cells` cells (roles x
/// capabilities) on the merged matrix, checked as roles are added, before
/// their requirements are allocated (the command line's
/// `--max-matrix-cells`).
///
/// # Errors
/// As [`merge_matrices`].
pub fn merge_matrices_within(
    parts: Vec<RoleMatrix>,
    source: &str,
    max_cells: usize,
) -> Result<RoleMatrix, ImportError> {
    let Some(first) = parts.first() else {
        return Err(ImportError::new(
            source,
            ErrorKind::Empty {
                expected: "at least one role matrix to merge".into(),
            },
        ));
    };
    let scale = first.scale();
    if let Some(other) = parts.iter().find(|p| p.scale() != scale) {
        return Err(ImportError::header(
            other.source(),
            format!(
                "the role matrix is on the scale {}, but {} is on {scale}",
                other.scale(),
                first.source()
            ),
            "role matrices on one scale, to merge them (O*NET data is on 0..7; a CSV or Excel matrix \
             on 0..7 needs that scale given, as --matrix-scale 0..7)",
        ));
    }

    let capabilities = merged_capabilities(&parts)?;
    let roles = merged_roles(&parts, scale, max_cells, source)?;
    let name = parts.iter().map(RoleMatrix::name).collect::<Vec<_>>().join(" + ");
    RoleMatrix::new(name, source, scale, capabilities, roles).map_err(|e| ImportError::model(source, e))
}

/// The capabilities of every part, in order; names two parts share are
/// qualified by their categories when those differ.
///
/// # Errors
/// Any other name, id or alias two parts share.
fn merged_capabilities(parts: &[RoleMatrix]) -> Result<Vec<Capability>, ImportError> {
    // Capabilities of different parts may share a name when they belong to
    // different categories (the O*NET Skills and Knowledge files both have
    // Mathematics): such pairs are qualified by their category. Any other
    // key two parts share is an error.
    let mut capabilities: Vec<Capability> = parts
        .iter()
        .flat_map(|p| p.capabilities().iter().cloned())
        .collect();
    let part_of: Vec<usize> = parts
        .iter()
        .enumerate()
        .flat_map(|(p, part)| std::iter::repeat_n(p, part.capabilities().len()))
        .collect();
    let mut qualify: Vec<usize> = clashes(&capabilities, &part_of)
        .into_iter()
        .filter(|&(a, b)| {
            let (x, y) = (&capabilities[a].category, &capabilities[b].category);
            !x.is_empty() && !y.is_empty() && match_key(x) != match_key(y)
        })
        .flat_map(|(a, b)| [a, b])
        .collect();
    qualify.sort_unstable();
    qualify.dedup();
    for c in qualify {
        let capability = &mut capabilities[c];
        capability.id = slug(&format!("{} {}", capability.id, capability.category));
        capability.name = format!("{} ({})", capability.name, capability.category);
    }
    if let Some(&(a, b)) = clashes(&capabilities, &part_of).first() {
        let (earlier, later) = (&capabilities[a], &capabilities[b]);
        return Err(ImportError::header(
            parts[part_of[b]].source(),
            format!(
                "capability {:?} ({}) is also in {}, as {:?} ({})",
                later.id,
                later.name,
                parts[part_of[a]].source(),
                earlier.id,
                earlier.name
            ),
            "each capability in only one of the role matrices merged (ids, names and aliases are \
             matched ignoring case, spaces and punctuation; only capabilities of different categories \
             may share a name)",
        ));
    }
    Ok(capabilities)
}

/// Every role of the parts, once (by loose id), with the requirements its
/// parts give it and, for the capabilities of the parts that lack it, the
/// bottom of `scale` at importance 0.
///
/// # Errors
/// More than `max_cells` cells, or too many roles.
fn merged_roles(
    parts: &[RoleMatrix],
    scale: Scale,
    max_cells: usize,
    source: &str,
) -> Result<Vec<Role>, ImportError> {
    let total: usize = parts.iter().map(|p| p.capabilities().len()).sum();
    let absent = Requirement {
        level: scale.min(),
        importance: 0.0,
    };
    let mut roles: Vec<Role> = Vec::new();
    let mut role_keys: HashMap<String, usize> = HashMap::new();
    let mut offset = 0;
    for part in parts {
        let width = part.capabilities().len();
        for role in part.roles() {
            let key = match_key(&role.id);
            let index = match role_keys.get(&key) {
                Some(&index) => index,
                None => {
                    crate::limits::check_cells(roles.len() + 1, total, max_cells, source, None)?;
                    roles.push(Role {
                        requirements: vec![absent; total],
                        ..role.clone()
                    });
                    role_keys.insert(key, roles.len() - 1);
                    roles.len() - 1
                }
            };
            roles[index].requirements[offset..offset + width].copy_from_slice(&role.requirements);
        }
        offset += width;
    }
    crate::limits::check_roles(roles.len(), source, None)?;
    Ok(roles)
}

/// Pairs of capabilities of different parts (earlier, later) that share a
/// loose key through their ids, names or aliases, in the order found.
fn clashes(capabilities: &[Capability], part_of: &[usize]) -> Vec<(usize, usize)> {
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    for (c, capability) in capabilities.iter().enumerate() {
        let names = [capability.id.as_str(), capability.name.as_str()]
            .into_iter()
            .chain(capability.aliases.iter().map(String::as_str));
        for name in names {
            let key = match_key(name);
            if key.is_empty() {
                continue;
            }
            match keys.get(&key) {
                Some(&d) if part_of[d] != part_of[c] => {
                    if !found.contains(&(d, c)) {
                        found.push((d, c));
                    }
                }
                Some(_) => {}
                None => {
                    keys.insert(key, c);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_matrix, MatrixOptions};

    fn csv(text: &str, source: &str) -> RoleMatrix {
        read_matrix(text.as_bytes(), source, &MatrixOptions::default()).unwrap()
    }

    fn with_category(mut m: RoleMatrix, category: &str) -> RoleMatrix {
        let capabilities = m
            .capabilities()
            .iter()
            .cloned()
            .map(|mut c| {
                c.category = category.into();
                c
            })
            .collect();
        m = RoleMatrix::new(m.name(), m.source(), m.scale(), capabilities, m.roles().to_vec()).unwrap();
        m
    }

    fn err(parts: Vec<RoleMatrix>) -> String {
        merge_matrices(parts, "merged").unwrap_err().to_string()
    }

    #[test]
    fn puts_capabilities_side_by_side_and_fills_missing_roles() {
        let mut first = csv(
            "role,capability,level,importance\nLead,Planning,4,2\nLead,Budget,3,1\nAnalyst,Budget,2,1\n",
            "a.csv",
        );
        let mut roles = first.roles().to_vec();
        roles[0].key_focus = "Direction".into();
        first = RoleMatrix::new("a", "a.csv", first.scale(), first.capabilities().to_vec(), roles).unwrap();
        let second = csv("role,Writing,Speaking\nanalyst,5,4\nTester,1,2\n", "b.csv");
        let m = merge_matrices(vec![first, second], "a.csv + b.csv").unwrap();
        assert_eq!(m.name(), "a + b");
        assert_eq!(m.source(), "a.csv + b.csv");
        let caps: Vec<&str> = m.capabilities().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(caps, ["planning", "budget", "writing", "speaking"]);
        let roles: Vec<(&str, &str)> = m
            .roles()
            .iter()
            .map(|r| (r.id.as_str(), r.name.as_str()))
            .collect();
        // Analyst keeps the first part's spelling; Tester comes last.
        assert_eq!(
            roles,
            [("lead", "Lead"), ("analyst", "Analyst"), ("tester", "Tester")]
        );
        assert_eq!(m.roles()[0].key_focus, "Direction");
        let cells: Vec<Vec<(f64, f64)>> = m
            .roles()
            .iter()
            .map(|r| r.requirements.iter().map(|q| (q.level, q.importance)).collect())
            .collect();
        assert_eq!(
            cells,
            [
                [(4.0, 2.0), (3.0, 1.0), (1.0, 0.0), (1.0, 0.0)],
                [(1.0, 0.0), (2.0, 1.0), (5.0, 1.0), (4.0, 1.0)],
                [(1.0, 0.0), (1.0, 0.0), (1.0, 1.0), (2.0, 1.0)],
            ]
        );
    }

    #[test]
    fn one_part_is_itself_under_the_new_source() {
        let part = csv("role,a,b\nx,1,2\n", "a.csv");
        let m = merge_matrices(vec![part.clone()], "all").unwrap();
        assert_eq!(m.capabilities(), part.capabilities());
        assert_eq!(m.roles(), part.roles());
        assert_eq!((m.name(), m.source()), ("a", "all"));
    }

    #[test]
    fn a_capability_in_two_parts_names_both_files() {
        assert_eq!(
            err(vec![csv("role,Planning,Budget\nx,1,2\n", "a.csv"), csv("role,Writing,planning\nx,1,2\n", "b.csv")]),
            "b.csv: capability \"planning\" (planning) is also in a.csv, as \"planning\" (Planning); expected each \
             capability in only one of the role matrices merged (ids, names and aliases are matched ignoring case, \
             spaces and punctuation; only capabilities of different categories may share a name)"
        );
        // Through an alias, and with the same category on both sides.
        let mut capabilities = csv("role,Budgeting,Writing\nx,1,2\n", "b.csv")
            .capabilities()
            .to_vec();
        capabilities[0].aliases.push("Planning".into());
        let b = RoleMatrix::new(
            "b",
            "b.csv",
            Default::default(),
            capabilities,
            csv("role,Budgeting,Writing\nx,1,2\n", "b.csv").roles().to_vec(),
        )
        .unwrap();
        let e = err(vec![
            with_category(csv("role,Planning,Budget\nx,1,2\n", "a.csv"), "Skills"),
            with_category(b, "skills"),
        ]);
        assert!(
            e.starts_with("b.csv: capability \"budgeting\" (Budgeting) is also in a.csv, as \"planning\""),
            "{e}"
        );
    }

    #[test]
    fn capabilities_of_different_categories_are_qualified() {
        let a = with_category(csv("role,Mathematics,Writing\nx,1,2\n", "Skills.txt"), "Skills");
        let b = with_category(
            csv("role,Mathematics,Physics\nx,3,4\ny,5,5\n", "Knowledge.txt"),
            "Knowledge",
        );
        let m = merge_matrices(vec![a, b], "both").unwrap();
        let caps: Vec<(&str, &str)> = m
            .capabilities()
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            caps,
            [
                ("mathematics-skills", "Mathematics (Skills)"),
                ("writing", "Writing"),
                ("mathematics-knowledge", "Mathematics (Knowledge)"),
                ("physics", "Physics")
            ]
        );
        assert_eq!(m.capability_index("mathematics"), None);
        // Without categories, the same clash is an error.
        let a = csv("role,Mathematics,Writing\nx,1,2\n", "Skills.txt");
        let b = csv("role,Mathematics,Physics\nx,3,4\n", "Knowledge.txt");
        assert!(err(vec![a, b]).starts_with("Knowledge.txt: capability \"mathematics\""));
    }

    #[test]
    fn parts_must_share_a_scale() {
        let seven = MatrixOptions {
            scale: "0..7".parse().unwrap(),
            name: None,
            ..MatrixOptions::default()
        };
        let b = read_matrix(&b"role,c,d\nx,0,7\n"[..], "b.csv", &seven).unwrap();
        assert_eq!(
            err(vec![csv("role,a,b\nx,1,2\n", "a.csv"), b]),
            "b.csv: the role matrix is on the scale 0..7, but a.csv is on 1..5; expected role matrices on one \
             scale, to merge them (O*NET data is on 0..7; a CSV or Excel matrix on 0..7 needs that scale given, \
             as --matrix-scale 0..7)"
        );
    }

    #[test]
    fn no_parts_is_an_error() {
        assert_eq!(
            err(vec![]),
            "merged: is empty; expected at least one role matrix to merge"
        );
    }

    #[test]
    fn roles_that_clash_by_name_are_refused_by_the_model() {
        let a = csv("role,a,b\nLead,1,2\n", "a.csv");
        let mut roles = csv("role,c,d\nx,1,2\n", "b.csv").roles().to_vec();
        roles[0].name = "lead".into();
        let b = RoleMatrix::new(
            "b",
            "b.csv",
            Default::default(),
            csv("role,c,d\nx,1,2\n", "b.csv").capabilities().to_vec(),
            roles,
        )
        .unwrap();
        let e = merge_matrices(vec![a, b], "merged").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Model(_)), "{e}");
        assert!(
            e.to_string().starts_with("merged: duplicate role \"lead\""),
            "{e}"
        );
    }
}
