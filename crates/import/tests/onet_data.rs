//! The importer on the real O*NET 29.3 data (text and Excel releases).
//!
//! The data is not part of the repository: it is read from
//! `$ROLEFIT_ONET_DIR` if set, else from `../shared/datasets/onet-29.3`
//! beside the repository (the folder with `text/` and `excel/` in it). Each
//! test is skipped, with a message, when the files are absent.
//!
//! Contains information from the O*NET 29.3 Database by the U.S. Department
//! of Labor, Employment and Training Administration (USDOL/ETA), used under
//! the CC BY 4.0 license. O*NET(R) is a trademark of USDOL/ETA.

use std::path::PathBuf;
use std::time::Instant;

use rolefit_import::{
    merge_matrices, read_matrix_path, FileFormat, Layout, MatrixOptions, MatrixReport, OnetDomain,
};
use rolefit_model::RoleMatrix;

/// The dataset folder, if it is there.
fn dataset() -> Option<PathBuf> {
    let dir = match std::env::var_os("ROLEFIT_ONET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets/onet-29.3"),
    };
    if dir.join("text/Skills.txt").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no O*NET data at {} (set ROLEFIT_ONET_DIR to the folder with text/ and excel/)",
            dir.display()
        );
        None
    }
}

fn read(dir: &std::path::Path, file: &str) -> MatrixReport {
    let path = dir.join(file);
    match read_matrix_path(&path, &MatrixOptions::default()) {
        Ok(report) => report,
        Err(e) => panic!("{e}"),
    }
}

fn requirement(m: &RoleMatrix, role: &str, capability: &str) -> (f64, f64) {
    let r = m.role_index(role).unwrap_or_else(|| panic!("no role {role}"));
    let c = m
        .capability_index(capability)
        .unwrap_or_else(|| panic!("no capability {capability}"));
    let q = m.roles()[r].requirements[c];
    (q.level, q.importance)
}

#[test]
fn skills_text_is_879_roles_by_35_capabilities_on_0_to_7() {
    let Some(dir) = dataset() else { return };
    let report = read(&dir, "text/Skills.txt");
    let m = &report.matrix;
    assert_eq!((m.roles().len(), m.capabilities().len()), (879, 35));
    assert_eq!(m.scale().to_string(), "0..7");
    assert_eq!(
        report.layout,
        Layout::Onet {
            domain: Some(OnetDomain::Skills)
        }
    );
    assert_eq!(report.format, FileFormat::Text);
    assert_eq!(report.layout_description(), "O*NET text (Skills)");
    assert_eq!(m.name(), "Skills");

    let ceo = &m.roles()[m.role_index("11-1011.00").unwrap()];
    assert_eq!(ceo.id, "11-1011-00");
    assert_eq!(ceo.name, "11-1011.00 Chief Executives");
    let reading = &m.capabilities()[m.capability_index("2.A.1.a").unwrap()];
    assert_eq!(reading.id, "reading-comprehension");
    assert_eq!(reading.name, "Reading Comprehension");
    assert_eq!(reading.category, "Skills");
    assert_eq!(reading.aliases, ["2.A.1.a"]);
    assert_eq!(
        requirement(m, "11-1011.00", "Reading Comprehension"),
        (4.62, 4.12)
    );
    // Not Relevant = Y on the LV row: the level stays, the importance is 0.
    assert_eq!(requirement(m, "11-1011.00", "Equipment Selection"), (0.25, 0.0));

    // 124 rows of Skills.txt have Recommend Suppress = Y.
    assert_eq!(report.suppressed, 124);
    assert!(
        report.warnings.iter().any(|w| w.ends_with(
            "124 O*NET estimates are flagged Recommend Suppress (low precision); they are used as they are"
        )),
        "{:?}",
        report.warnings
    );
    // Every rated occupation has a title in Occupation Data.txt.
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(m.roles().iter().all(|r| r.name.len() > "11-1011.00 ".len()));
}

#[test]
fn knowledge_text_is_879_by_33_and_merges_with_skills_into_879_by_68() {
    let Some(dir) = dataset() else { return };
    let skills = read(&dir, "text/Skills.txt");
    let knowledge = read(&dir, "text/Knowledge.txt");
    let k = &knowledge.matrix;
    assert_eq!((k.roles().len(), k.capabilities().len()), (879, 33));
    assert_eq!(knowledge.layout_description(), "O*NET text (Knowledge)");
    assert!(k.capabilities().iter().all(|c| c.category == "Knowledge"));
    assert_eq!(
        requirement(k, "11-1011.00", "Administration and Management"),
        (6.5, 4.78)
    );

    let merged = merge_matrices(
        vec![skills.matrix.clone(), knowledge.matrix.clone()],
        "Skills.txt + Knowledge.txt",
    )
    .unwrap();
    assert_eq!((merged.roles().len(), merged.capabilities().len()), (879, 68));
    assert_eq!(merged.name(), "Skills + Knowledge");
    assert_eq!(merged.source(), "Skills.txt + Knowledge.txt");
    assert_eq!(
        requirement(&merged, "11-1011.00", "Administration and Management"),
        (6.5, 4.78)
    );
    assert_eq!(
        requirement(&merged, "11-1011.00", "Reading Comprehension"),
        (4.62, 4.12)
    );
    assert_eq!(merged.capabilities()[0].category, "Skills");
    assert_eq!(merged.capabilities()[67].category, "Knowledge");
    // Mathematics is both a skill and a knowledge area: merged, each is
    // qualified by its domain and keeps its element id.
    let math_skill = &merged.capabilities()[merged.capability_index("2.A.1.e").unwrap()];
    assert_eq!(
        (math_skill.id.as_str(), math_skill.name.as_str()),
        ("mathematics-skills", "Mathematics (Skills)")
    );
    let math_knowledge = &merged.capabilities()[merged.capability_index("2.C.4.a").unwrap()];
    assert_eq!(
        (math_knowledge.id.as_str(), math_knowledge.name.as_str()),
        ("mathematics-knowledge", "Mathematics (Knowledge)")
    );
    assert_eq!(merged.capability_index("Mathematics"), None);
    assert_eq!(
        requirement(&merged, "11-1011.00", "mathematics-knowledge"),
        requirement(k, "11-1011.00", "2.C.4.a")
    );
}

/// The text files are rebuilt from the Excel ones with values rounded to 2
/// decimals, so the two agree to within half a hundredth.
fn assert_same_matrix(text: &RoleMatrix, excel: &RoleMatrix) {
    assert_eq!(text.scale(), excel.scale());
    assert_eq!(text.capabilities(), excel.capabilities());
    assert_eq!(text.roles().len(), excel.roles().len());
    let mut largest = 0.0f64;
    for (t, x) in text.roles().iter().zip(excel.roles()) {
        assert_eq!((&t.id, &t.name), (&x.id, &x.name));
        for (a, b) in t.requirements.iter().zip(&x.requirements) {
            largest = largest
                .max((a.level - b.level).abs())
                .max((a.importance - b.importance).abs());
        }
    }
    assert!(largest <= 0.005 + 1e-9, "largest difference {largest}");
}

#[test]
fn skills_excel_gives_the_same_matrix_as_skills_text() {
    let Some(dir) = dataset() else { return };
    if !dir.join("excel/Skills.xlsx").is_file() {
        eprintln!("skipped: no excel/Skills.xlsx in {}", dir.display());
        return;
    }
    let text = read(&dir, "text/Skills.txt");
    let excel = read(&dir, "excel/Skills.xlsx");
    assert_eq!(excel.format, FileFormat::Excel);
    assert_eq!(excel.layout_description(), "O*NET Excel (Skills)");
    assert_eq!(excel.suppressed, text.suppressed);
    assert_eq!(excel.matrix.roles()[0].name, "11-1011.00 Chief Executives");
    assert_same_matrix(&text.matrix, &excel.matrix);
}

#[test]
fn knowledge_excel_gives_the_same_matrix_as_knowledge_text() {
    let Some(dir) = dataset() else { return };
    if !dir.join("excel/Knowledge.xlsx").is_file() {
        eprintln!("skipped: no excel/Knowledge.xlsx in {}", dir.display());
        return;
    }
    let text = read(&dir, "text/Knowledge.txt");
    let excel = read(&dir, "excel/Knowledge.xlsx");
    assert_eq!(excel.suppressed, text.suppressed);
    assert_same_matrix(&text.matrix, &excel.matrix);
}

/// Prints how long the imports take. Ignored by default; meaningful in a
/// release build: `cargo test --release -p rolefit-import --test onet_data
/// -- --ignored --nocapture timings`.
#[test]
#[ignore = "a timing, for release builds"]
fn timings() {
    let Some(dir) = dataset() else { return };
    for file in [
        "text/Skills.txt",
        "text/Knowledge.txt",
        "excel/Skills.xlsx",
        "excel/Knowledge.xlsx",
    ] {
        if !dir.join(file).is_file() {
            continue;
        }
        let start = Instant::now();
        let report = read(&dir, file);
        eprintln!(
            "{file}: {} roles x {} capabilities in {:.1} ms",
            report.matrix.roles().len(),
            report.matrix.capabilities().len(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}

#[test]
fn the_credit_names_the_release_read() {
    let Some(dir) = dataset() else { return };
    for file in ["text/Skills.txt", "excel/Skills.xlsx"] {
        let report = read(&dir, file);
        assert_eq!(report.onet_release.as_deref(), Some("29.3"), "{file}");
        assert!(report
            .credit()
            .unwrap()
            .starts_with("This page includes information from the O*NET 29.3 Database by"));
    }
    // The same file in a folder that names another release, and in one
    // that names none.
    let tmp = tempfile::tempdir().unwrap();
    for (folder, release) in [("db_22_2_text", Some("22.2")), ("ratings", None)] {
        let at = tmp.path().join(folder);
        std::fs::create_dir(&at).unwrap();
        std::fs::copy(dir.join("text/Skills.txt"), at.join("Skills.txt")).unwrap();
        let report = read_matrix_path(&at.join("Skills.txt"), &MatrixOptions::default()).unwrap();
        assert_eq!(report.onet_release.as_deref(), release, "{folder}");
        let credit = report.credit().unwrap();
        assert!(!credit.contains("29.3"), "{credit}");
    }
}
