//! The CLI contract of the foundation issue, checked from outside.

use serde_json::Value;

use crate::util::{parse_csv, rolefit, rolefit_stdin, root, write};

const GUIDE_ROLES: [&str; 4] = [
    "Project Manager",
    "Product Manager",
    "Program Manager",
    "Technical Program Manager",
];
const SAMPLE: &str = "datasets/sample-responses.csv";

fn sample_respondents() -> Vec<String> {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    parse_csv(&text).1.into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn roles_json_lists_the_guides_four_roles_with_every_capability() {
    let out = rolefit(&["roles", "--format", "json"]);
    let roles: Value = serde_json::from_str(out.ok()).unwrap();
    let roles = roles.as_array().unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, GUIDE_ROLES);
    for role in roles {
        let caps = role["capabilities"].as_array().unwrap();
        assert_eq!(caps.len(), 20, "{}", role["name"]);
        for cap in caps {
            assert!(cap["id"].is_string() && cap["name"].is_string());
            let level = cap["level"].as_f64().unwrap();
            let importance = cap["importance"].as_f64().unwrap();
            assert!((1.0..=5.0).contains(&level));
            assert!(
                importance > 0.0,
                "the roles overlap: every capability matters a little"
            );
        }
        assert_eq!(role["responsibilities"].as_array().unwrap().len(), 5);
        assert!(!role["key_focus"].as_str().unwrap().is_empty());
    }
}

#[test]
fn roles_csv_is_a_long_matrix_that_reads_back_identically() {
    let csv = rolefit(&["roles", "--format", "csv"]).ok().to_string();
    assert!(csv.starts_with("role,capability,level,importance\n"));
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "guide.csv", &csv);
    let again = rolefit(&["roles", "--format", "csv", "--matrix", &path]);
    assert_eq!(again.ok(), csv);
    let check = rolefit(&["matrix", "check", &path]);
    assert!(check.ok().contains("roles: 4"), "{}", check.stdout);
}

#[test]
fn roles_table_shows_levels_and_responsibilities() {
    let out = rolefit(&["roles"]);
    let text = out.ok();
    for name in GUIDE_ROLES {
        assert!(text.contains(name));
    }
    assert!(text.contains("Technical Expertise"));
    assert!(text.contains("Defining project scope, objectives, and requirements"));
}

#[test]
fn survey_csv_has_the_contract_header_and_two_items_per_capability() {
    let out = rolefit(&["survey", "--format", "csv"]);
    let (header, rows) = parse_csv(out.ok());
    assert_eq!(header, ["id", "text", "capability", "reverse"]);
    let mut per_cap = std::collections::HashMap::<String, usize>::new();
    for row in &rows {
        *per_cap.entry(row[2].clone()).or_default() += 1;
        assert!(row[3] == "true" || row[3] == "false");
    }
    assert_eq!(per_cap.len(), 20);
    assert!(per_cap.values().all(|&n| n >= 2));
    assert!(
        rows.iter().any(|r| r[3] == "true"),
        "some items are reverse-keyed"
    );
    let json: Value = serde_json::from_str(rolefit(&["survey", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), rows.len());
    assert_eq!(json["labels"][4]["label"], "Strongly agree");
}

#[test]
fn strategies_lists_each_name_with_its_formula() {
    let out = rolefit(&["strategies"]);
    let text = out.ok();
    for (name, piece) in [
        ("cosine", "sqrt(sum(w*x^2))"),
        ("pearson", "w"),
        ("euclidean", "sqrt"),
        ("manhattan", "|x-r|"),
        ("coverage", "min(x,r)"),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{text}"));
        assert!(line.contains(piece), "{line}");
    }
    assert!(text.contains("(default)"));
}

#[test]
fn score_csv_ranks_every_role_for_every_sample_respondent() {
    let out = rolefit(&["score", SAMPLE, "--format", "csv", "--top", "4"]);
    let (header, rows) = parse_csv(out.ok());
    assert_eq!(&header[..4], ["respondent", "rank", "role", "score"]);
    let respondents = sample_respondents();
    let mut seen = Vec::new();
    for row in &rows {
        if seen.last() != Some(&row[0]) {
            seen.push(row[0].clone());
        }
        if row[5] == "ranked" {
            let decimals = row[3].split('.').nth(1).map_or(0, str::len);
            assert!(decimals >= 6, "score {:?} has fewer than 6 decimals", row[3]);
            let score: f64 = row[3].parse().unwrap();
            assert!((0.0..=1.0).contains(&score));
            assert!(GUIDE_ROLES.contains(&row[2].as_str()));
        }
    }
    assert_eq!(seen, respondents, "every respondent, in input order");
    let ranked = rows.iter().filter(|r| r[5] == "ranked").count();
    let insufficient: Vec<_> = rows.iter().filter(|r| r[5] == "insufficient").collect();
    assert_eq!(
        insufficient.len(),
        1,
        "the sample has one respondent who answered too little"
    );
    assert_eq!(ranked, (respondents.len() - 1) * 4);
    assert!(out.stderr.contains("not ranked"), "{}", out.stderr);
    // Within a respondent, ranks count up and scores never increase.
    for pair in rows.windows(2).filter(|w| w[0][0] == w[1][0]) {
        let (a, b): (f64, f64) = (pair[0][3].parse().unwrap(), pair[1][3].parse().unwrap());
        assert!(a >= b);
        assert_eq!(
            pair[1][1].parse::<u32>().unwrap(),
            pair[0][1].parse::<u32>().unwrap() + 1
        );
    }
}

#[test]
fn stdin_and_dash_read_the_same_as_a_file() {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let from_file = rolefit(&["score", SAMPLE, "--format", "csv"]);
    let from_stdin = rolefit_stdin(&["score", "--format", "csv"], &text);
    let from_dash = rolefit_stdin(&["score", "-", "--format", "csv"], &text);
    assert_eq!(from_stdin.ok(), from_file.ok());
    assert_eq!(from_dash.ok(), from_file.ok());
}

#[test]
fn json_and_ndjson_carry_the_same_rankings() {
    let json: Value = serde_json::from_str(rolefit(&["score", SAMPLE, "--format", "json"]).ok()).unwrap();
    let ndjson = rolefit(&["score", SAMPLE, "--format", "ndjson"]);
    let lines: Vec<Value> = ndjson
        .ok()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(json.as_array().unwrap(), &lines);
    let first = &lines[0];
    assert_eq!(first["status"], "ranked");
    assert_eq!(first["ranking"].as_array().unwrap().len(), 4);
    assert_eq!(first["ranking"][0]["rank"], 1);
    assert!(lines
        .iter()
        .any(|l| l["status"] == "insufficient" && l["ranking"] == Value::Array(vec![])));
}

#[test]
fn explain_gives_contributions_strengths_and_gaps() {
    let json: Value =
        serde_json::from_str(rolefit(&["score", SAMPLE, "--format", "json", "--explain"]).ok()).unwrap();
    let first = &json[0]["ranking"][0];
    let e = &first["explanation"];
    let contributions = e["contributions"].as_array().unwrap();
    assert_eq!(contributions.len(), 20);
    // Under the default (euclidean) the contributions add up to score - 1.
    let sum: f64 = contributions
        .iter()
        .map(|c| c["contribution"].as_f64().unwrap())
        .sum();
    assert!(
        (sum - (first["score"].as_f64().unwrap() - 1.0)).abs() < 1e-9,
        "{sum}"
    );
    let gaps = e["gaps"].as_array().unwrap();
    for pair in gaps.windows(2) {
        assert!(pair[0]["weighted_shortfall"].as_f64() >= pair[1]["weighted_shortfall"].as_f64());
    }
    assert!(e["strengths"].is_array() && e["drivers"].is_array());

    let table = rolefit(&["score", SAMPLE, "--explain"]);
    let text = table.ok();
    assert!(text.contains("strengths:") && text.contains("gaps:") && text.contains("drivers:"));
    let csv = rolefit(&["score", SAMPLE, "--explain", "--format", "csv"]);
    let (header, _) = parse_csv(csv.ok());
    assert_eq!(header[header.len() - 3..], ["strengths", "gaps", "above_level"]);
}

#[test]
fn a_capability_above_the_level_that_lowers_the_score_is_not_a_strength() {
    // R001 answers Vision and Strategy 5 where Program Manager asks 4:
    // euclidean counts the surplus against the score (a negative driver),
    // so it is "above the role's level", not a strength.
    let explained = |strategy: &str| -> Value {
        let args = ["score", SAMPLE, "--format", "json", "--explain", "--top", "1"];
        let json: Value =
            serde_json::from_str(rolefit(&[&args[..], &["--strategy", strategy]].concat()).ok()).unwrap();
        json[0]["ranking"][0]["explanation"].clone()
    };
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let e = explained("euclidean");
    assert!(
        names(&e["above_level"]).contains(&"Vision and Strategy".to_string()),
        "{e}"
    );
    assert!(
        !names(&e["strengths"]).contains(&"Vision and Strategy".to_string()),
        "{e}"
    );
    for s in e["above_level"].as_array().unwrap() {
        assert!(s["surplus"].as_f64().unwrap() > 0.0);
        let id = &s["capability"];
        let c = e["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| &c["capability"] == id)
            .unwrap();
        assert!(c["contribution"].as_f64().unwrap() < 0.0, "{c}");
    }
    // Coverage does not penalise a surplus: a strength there.
    let e = explained("coverage");
    assert!(
        names(&e["strengths"]).contains(&"Vision and Strategy".to_string()),
        "{e}"
    );
    assert_eq!(e["above_level"], Value::Array(vec![]));
    // The table says so in words.
    let table = rolefit(&["score", SAMPLE, "--explain", "--top", "1"]);
    let r001 = table.ok().split("\n\n").next().unwrap().to_string();
    let strengths = r001.lines().find(|l| l.contains("strengths:")).unwrap();
    assert!(!strengths.contains("Vision and Strategy"), "{r001}");
    assert!(
        r001.contains("above the role's level (lowers this score): Vision and Strategy (5 vs 4)"),
        "{r001}"
    );
}

#[test]
fn explanations_never_print_negative_zero() {
    // Euclidean and manhattan contributions of a capability met exactly
    // are a zero gap negated.
    for strategy in ["euclidean", "manhattan"] {
        let json = rolefit(&[
            "score",
            SAMPLE,
            "--format",
            "json",
            "--explain",
            "--strategy",
            strategy,
        ]);
        assert!(json.ok().contains("\"contribution\": 0.0"), "{strategy}");
        assert!(!json.ok().contains("-0.0,"), "{strategy}");
        let table = rolefit(&["score", SAMPLE, "--explain", "--strategy", strategy]);
        for bad in ["(-0.000)", "(-0)", " -0 "] {
            assert!(!table.ok().contains(bad), "{strategy}: {bad}");
        }
    }
}

#[test]
fn explanations_show_answers_on_the_answer_scale() {
    // Answers on 1..5 (the survey's scale) against a matrix on 1..10: an
    // answer of 4 is 7.75 on the matrix's scale, but reads 4; the level 4
    // reads 2.33 (1 + 3 * 4/9).
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "m.csv",
        "role,Vision,Budget,Coding\nLead,4,8,2\nDev,2,3,9\n",
    );
    let r = write(dir.path(), "r.csv", "respondent,Vision,Budget,Coding\np1,4,3,5\n");
    let args = [
        "score",
        &r,
        "--matrix",
        &m,
        "--matrix-scale",
        "1..10",
        "--explain",
        "--top",
        "2",
    ];
    let table = rolefit(&args);
    let text = table.ok();
    assert!(
        text.contains("answers and levels on the answer scale 1..5"),
        "{text}"
    );
    assert!(text.contains("Vision (4 vs 2.33)"), "{text}");
    assert!(text.contains("Budget (3 vs 4.11)"), "{text}");
    assert!(!text.contains("7.75"), "{text}");
    let csv = rolefit(&[&args[..], &["--format", "csv"]].concat());
    assert!(csv.ok().contains("Vision (4 vs 2.33)"), "{}", csv.stdout);
    // The same matrix and answers on 1..10 need no mapping, and no note.
    let same = rolefit(&[&args[..], &["--scale", "1..10"]].concat());
    assert!(!same.ok().contains("answer scale"), "{}", same.stdout);
}

#[test]
fn every_strategy_scores_the_sample() {
    for s in ["cosine", "pearson", "euclidean", "manhattan", "coverage"] {
        let out = rolefit(&["score", SAMPLE, "--strategy", s, "--format", "csv"]);
        let (_, rows) = parse_csv(out.ok());
        assert!(rows.len() > 30, "{s}");
    }
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scores.csv");
    let out = rolefit(&["score", SAMPLE, "--format", "csv", "-o", target.to_str().unwrap()]);
    assert_eq!(out.ok(), "");
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written, rolefit(&["score", SAMPLE, "--format", "csv"]).stdout);
}

#[test]
fn direct_capability_profiles_score_too() {
    let out = rolefit(&[
        "score",
        "datasets/sample-profiles.csv",
        "--format",
        "csv",
        "--top",
        "1",
    ]);
    let (_, rows) = parse_csv(out.ok());
    assert_eq!(rows.len(), 6);
}

#[test]
fn a_profile_equal_to_a_role_ranks_that_role_first() {
    let roles: Value = serde_json::from_str(rolefit(&["roles", "--format", "json"]).ok()).unwrap();
    for role in roles.as_array().unwrap() {
        let caps = role["capabilities"].as_array().unwrap();
        let header: Vec<&str> = caps.iter().map(|c| c["name"].as_str().unwrap()).collect();
        let values: Vec<String> = caps.iter().map(|c| c["level"].to_string()).collect();
        let csv = format!("respondent,{}\nme,{}\n", header.join(","), values.join(","));
        for strategy in ["euclidean", "manhattan"] {
            let out = rolefit_stdin(&["score", "--strategy", strategy, "--format", "json"], &csv);
            let json: Value = serde_json::from_str(out.ok()).unwrap();
            assert_eq!(json[0]["ranking"][0]["role"], role["name"], "{strategy}");
            assert!((json[0]["ranking"][0]["score"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        }
    }
}

/// A long matrix with a role named like a formula, a twin of it, and a
/// capability no role weighs.
const CHECKED: &str =
    "role,capability,level,importance\n=Lead,Planning,4,2\n=Lead,Budget,3,1\n=Lead,Coding,2,0\n\
                       Twin,Planning,4,2\nTwin,Budget,3,1\nTwin,Coding,2,0\n";

#[test]
fn matrix_check_writes_a_table_json_or_csv() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", CHECKED);
    let table = rolefit(&["matrix", "check", &m]);
    assert!(table.ok().starts_with(&format!("ok: {m} is a valid role matrix")));
    assert!(table
        .ok()
        .contains("warning: roles \"=Lead\" and \"Twin\" have identical"));

    let json = rolefit(&["matrix", "check", &m, "--format", "json"]);
    let v: Value = serde_json::from_str(json.ok()).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["layout"], "long (CSV)");
    assert_eq!(
        (v["cells"].as_u64(), v["weighted_cells"].as_u64()),
        (Some(6), Some(4))
    );
    assert_eq!(v["capabilities"], 3);
    assert_eq!(
        (v["scale"]["min"].as_f64(), v["scale"]["max"].as_f64()),
        (Some(1.0), Some(5.0))
    );
    let roles = v["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0]["name"], "=Lead");
    assert_eq!(roles[0]["capabilities"], 2);
    assert!((roles[0]["mean_level"].as_f64().unwrap() - 11.0 / 3.0).abs() < 1e-12);
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0]
        .as_str()
        .unwrap()
        .contains("\"Coding\" has importance 0"));
    assert_eq!(v["credit"], Value::Null);
    assert!(json.stderr.is_empty(), "{}", json.stderr);

    let csv = rolefit(&["matrix", "check", &m, "--format", "csv"]);
    let (header, rows) = parse_csv(csv.ok());
    assert_eq!(header, ["role", "capabilities", "mean_level"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0][0], "'=Lead",
        "a cell that a spreadsheet would run is guarded"
    );
    assert_eq!(rows[1][..2], ["Twin", "2"]);
    assert!((rows[1][2].parse::<f64>().unwrap() - 11.0 / 3.0).abs() < 1e-12);
    // Warnings go to standard error, where they do not break the CSV.
    assert_eq!(
        csv.stderr.lines().filter(|l| l.starts_with("warning: ")).count(),
        2,
        "{}",
        csv.stderr
    );
    let raw = rolefit(&["matrix", "check", &m, "--format", "csv", "--no-sanitize"]);
    assert_eq!(parse_csv(raw.ok()).1[0][0], "=Lead");

    // -o: the extension chooses the format, and the file is the output.
    let out = dir.path().join("check.json");
    let to_file = rolefit(&["matrix", "check", &m, "-o", out.to_str().unwrap()]);
    assert_eq!(to_file.ok(), "");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written, v);
    let refused = rolefit(&["matrix", "check", &m, "-o", "check.xlsx"]);
    assert!(refused
        .bad_input()
        .contains("rolefit matrix check cannot write .xlsx"));
}
