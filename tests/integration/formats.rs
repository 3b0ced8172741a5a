//! Input formats through the real binary: delimiters, BOM, CRLF, labels,
//! reverse-keyed items, scale mapping, long and wide matrices.

use serde_json::Value;

use crate::util::{rolefit, rolefit_stdin, write};

fn scores(json: &str) -> Vec<(String, f64)> {
    let v: Value = serde_json::from_str(json).unwrap();
    v[0]["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().to_string(),
                r["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

const MATRIX: &str = "role,Planning,Budget,Coding\nLead,4,3,2\nEngineer,2,1,5\n";

#[test]
fn comma_tab_semicolon_bom_and_crlf_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", MATRIX);
    let base = "respondent,planning,budget,coding\nme,3,2,4\n";
    let variants = [
        base.to_string(),
        base.replace(',', "\t"),
        base.replace(',', ";"),
        format!("\u{feff}{base}"),
        base.replace('\n', "\r\n"),
    ];
    let expected = rolefit_stdin(&["score", "--matrix", &m, "--format", "json"], base);
    for v in &variants {
        let out = rolefit_stdin(&["score", "--matrix", &m, "--format", "json"], v);
        assert_eq!(out.ok(), expected.ok(), "{v:?}");
    }
    // The matrix itself in other dialects.
    for (name, text) in [
        ("tab.tsv", MATRIX.replace(',', "\t")),
        ("semi.csv", MATRIX.replace(',', ";")),
        ("crlf.csv", format!("\u{feff}{}", MATRIX.replace('\n', "\r\n"))),
    ] {
        let path = write(dir.path(), name, &text);
        let out = rolefit_stdin(&["score", "--matrix", &path, "--format", "json"], base);
        assert_eq!(out.ok(), expected.stdout, "{name}");
    }
}

#[test]
fn wide_and_long_layouts_of_one_matrix_score_alike() {
    let dir = tempfile::tempdir().unwrap();
    let wide = write(dir.path(), "wide.csv", MATRIX);
    let long = write(
        dir.path(),
        "long.csv",
        "role,capability,level\nLead,Planning,4\nLead,Budget,3\nLead,Coding,2\n\
         Engineer,Planning,2\nEngineer,Budget,1\nEngineer,Coding,5\n",
    );
    let input = "respondent,Planning,Budget,Coding\nme,3,,4\n";
    let a = rolefit_stdin(&["score", "--matrix", &wide, "--format", "json"], input);
    let b = rolefit_stdin(&["score", "--matrix", &long, "--format", "json"], input);
    assert_eq!(a.ok(), b.ok());
}

#[test]
fn responses_on_another_scale_are_mapped_linearly() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", MATRIX);
    // On 1..7, (1, 4, 7) is (1, 3, 5) on the matrix's 1..5.
    let seven = rolefit_stdin(
        &["score", "--matrix", &m, "--scale", "1..7", "--format", "json"],
        "respondent,Planning,Budget,Coding\nme,1,4,7\n",
    );
    let five = rolefit_stdin(
        &["score", "--matrix", &m, "--format", "json"],
        "respondent,Planning,Budget,Coding\nme,1,3,5\n",
    );
    assert_eq!(scores(seven.ok()), scores(five.ok()));
    // 7 is outside the default 1..5 response scale.
    rolefit_stdin(&["score", "--matrix", &m], "respondent,Planning\nme,7\n").bad_input();
    // And the matrix's own scale can differ too (0..10 here).
    let ten = write(dir.path(), "ten.csv", "role,Planning,Budget\nA,0,10\nB,10,0\n");
    let out = rolefit_stdin(
        &[
            "score",
            "--matrix",
            &ten,
            "--matrix-scale",
            "0..10",
            "--format",
            "json",
        ],
        "respondent,Planning,Budget\nme,5,1\n",
    );
    let s = scores(out.ok());
    assert_eq!(s[0].0, "B");
    // (5 - 1) * 10 / 4 = 10 and 0: exactly B's levels.
    assert!((s[0].1 - 1.0).abs() < 1e-12, "{s:?}");
}

#[test]
fn labels_reverse_keyed_items_and_item_means() {
    // Q01 and Q02 both measure one capability; find a reverse-keyed item
    // through the survey listing and check the mirrored answer counts the same.
    let survey: Value = serde_json::from_str(rolefit(&["survey", "--format", "json"]).ok()).unwrap();
    let items = survey["items"].as_array().unwrap();
    let rev = items.iter().find(|i| i["reverse"] == true).unwrap();
    let cap = rev["capability"].as_str().unwrap();
    let fwd = items
        .iter()
        .find(|i| i["capability"] == cap && i["reverse"] == false)
        .unwrap();
    let (rev, fwd) = (rev["id"].as_str().unwrap(), fwd["id"].as_str().unwrap());
    let args = ["score", "--format", "json", "--explain", "--min-answered", "0"];
    let one = |csv: String| -> f64 {
        let out = rolefit_stdin(&args, &csv);
        let v: Value = serde_json::from_str(out.ok()).unwrap();
        let contributions = v[0]["ranking"][0]["explanation"]["contributions"]
            .as_array()
            .unwrap()
            .clone();
        contributions.iter().find(|c| c["capability"] == cap).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    // "Strongly disagree" with a reverse-keyed statement is 5 for the capability.
    assert_eq!(one(format!("respondent,{rev}\nme,Strongly disagree\n")), 5.0);
    assert_eq!(one(format!("respondent,{rev}\nme,2\n")), 4.0);
    // The mean of its items: 4 (forward) and 2 reversed (= 4) -> 4; 5 and 5 reversed (= 1) -> 3.
    assert_eq!(one(format!("respondent,{fwd},{rev}\nme,agree,2\n")), 4.0);
    assert_eq!(one(format!("respondent,{fwd},{rev}\nme,5,5\n")), 3.0);
}

#[test]
fn without_an_id_column_respondents_are_numbered_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", MATRIX);
    let out = rolefit_stdin(
        &["score", "--matrix", &m, "--format", "csv", "--top", "1"],
        "Planning,Budget,Coding\n3,2,4\n5,5,1\n",
    );
    let ids: Vec<&str> = out
        .ok()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2"]);
    let named = rolefit_stdin(
        &[
            "score",
            "--matrix",
            &m,
            "--format",
            "csv",
            "--id-column",
            "Person",
            "--top",
            "1",
        ],
        "Planning,Person,Budget,Coding\n3,ann,2,4\n",
    );
    assert!(named.ok().lines().nth(1).unwrap().starts_with("ann,1,"));
}
