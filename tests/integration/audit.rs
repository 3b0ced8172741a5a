//! `rolefit audit` (issue 19): the figures against an independent
//! computation from `score`'s own output, missing and tiny categories,
//! intersections with empty cells, one category, hostile category names,
//! bad demographics files, the file-safety rules, no flag where nothing
//! is planted and a flag where something is, and the commands of
//! docs/fairness.md. benches/audit_check.py checks every figure against
//! pandas and SciPy as well (scripts/audit-check.sh, in CI).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::util::{command, parse_csv, rolefit, write};

const SAMPLE: &str = "datasets/sample-responses.csv";
const DEMOGRAPHICS: &str = "datasets/sample-demographics.csv";

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn audit_json(args: &[&str]) -> Value {
    let mut all = vec!["audit", "-f", "json", "-q", "--date", "2026-01-01"];
    all.extend_from_slice(args);
    serde_json::from_str(rolefit(&all).ok()).unwrap()
}

fn grouping<'a>(audit: &'a Value, name: &str) -> &'a Value {
    audit["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no grouping {name}"))
}

fn statuses(g: &Value) -> BTreeMap<String, (Value, String)> {
    g["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap().to_string(),
                (c["n"].clone(), c["status"].as_str().unwrap().to_string()),
            )
        })
        .collect()
}

/// The sample cohort: every column alone and their intersection, empty
/// and small cells, the missing values (a blank and a respondent with no
/// row) counted, and the privacy floor applied.
#[test]
fn the_sample_audit_lists_every_category_and_intersection() {
    let a = audit_json(&[SAMPLE, "--groups", DEMOGRAPHICS]);
    let names: Vec<&str> = a["groupings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sex", "race_ethnicity", "sex × race_ethnicity"]);
    assert_eq!(a["respondents"]["read"], 36);
    assert_eq!(a["respondents"]["ranked"], 35, "R004 answered too few");
    let both = statuses(grouping(&a, "sex × race_ethnicity"));
    assert_eq!(both.len(), 8, "every combination, empty ones too: {both:?}");
    assert_eq!(
        both["Female × Black or African American"],
        (Value::from(0), "empty".into())
    );
    assert_eq!(both["Male × White"], (Value::from("<5"), "withheld".into()));
    assert_eq!(both["Male × Black or African American"].1, "included");
    // Two ranked respondents miss a value in the intersection (R007's sex,
    // R021's race) and R036 has no row: 3, withheld as under 5.
    let g = grouping(&a, "sex × race_ethnicity");
    assert_eq!(g["missing"], "<5");
    assert_eq!(g["no_row_in_groups"], "<5");
    // Withheld categories have no rates.
    for role in g["roles"].as_array().unwrap() {
        for c in role["categories"].as_array().unwrap() {
            assert_eq!(both[c["category"].as_str().unwrap()].1, "included", "{c}");
        }
    }
    assert!(a["note"].as_str().unwrap().contains("not a legal opinion"));
}

/// The rates, medians, impact ratios and flags, recomputed here from the
/// scores `rolefit score` prints, with none of the audit's code.
#[test]
fn rates_and_ratios_agree_with_a_computation_from_the_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, g) = (path(tmp.path(), "r.csv"), path(tmp.path(), "g.csv"));
    let synth = [
        "synth",
        "responses",
        "--rows",
        "300",
        "--seed",
        "4",
        "--groups",
        &g,
        "--group-shares",
        "A=0.5,B=0.3,C=0.2",
        "--shift",
        "Technical Expertise=-1",
        "-o",
        &r,
        "-q",
    ];
    rolefit(&synth).ok();
    let scores: Value =
        serde_json::from_str(rolefit(&["score", &r, "-k", "9", "-f", "json", "-q"]).ok()).unwrap();
    let (_, rows) = parse_csv(&std::fs::read_to_string(&g).unwrap());
    let group: BTreeMap<String, String> = rows.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    for top in [1usize, 2] {
        let a = audit_json(&[&r, "--groups", &g, "--top", &top.to_string(), "--resamples", "50"]);
        let grouping = grouping(&a, "group");
        for role in grouping["roles"].as_array().unwrap() {
            let name = role["role"].as_str().unwrap();
            // Per respondent: (group, selected, score).
            let people: Vec<(String, bool, f64)> = scores
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let entry = p["ranking"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|x| x["role"] == name)
                        .unwrap();
                    let rank = entry["rank"].as_u64().unwrap() as usize;
                    (
                        group[p["respondent"].as_str().unwrap()].clone(),
                        rank <= top,
                        entry["score"].as_f64().unwrap(),
                    )
                })
                .collect();
            let mut sorted: Vec<f64> = people.iter().map(|p| p.2).collect();
            sorted.sort_by(f64::total_cmp);
            let median = (sorted[149] + sorted[150]) / 2.0;
            assert_eq!(role["median_score"].as_f64().unwrap(), median, "{name}");
            for measure in ["selection", "scoring"] {
                let rate = |cat: &str| {
                    let of: Vec<&(String, bool, f64)> = people.iter().filter(|p| p.0 == cat).collect();
                    let yes = of
                        .iter()
                        .filter(|p| if measure == "selection" { p.1 } else { p.2 > median })
                        .count();
                    yes as f64 / of.len() as f64
                };
                let highest = ["A", "B", "C"].iter().map(|c| rate(c)).fold(0.0, f64::max);
                for c in role["categories"].as_array().unwrap() {
                    let cat = c["category"].as_str().unwrap();
                    let got = &c[measure];
                    assert!(
                        (got["rate"].as_f64().unwrap() - rate(cat)).abs() < 1e-12,
                        "{name} {cat} {measure}"
                    );
                    let ratio = rate(cat) / highest;
                    assert!((got["impact_ratio"].as_f64().unwrap() - ratio).abs() < 1e-12);
                    assert_eq!(got["flagged"], ratio < 0.8, "{name} {cat} {measure}");
                    let interval = got["interval"].as_array().unwrap();
                    assert!(interval[0].as_f64().unwrap() <= interval[1].as_f64().unwrap());
                }
            }
        }
    }
}

/// Groups drawn with nothing planted: across 20 seeds, the share of tests
/// at p < 0.05 stays within the 5% level (bound: mean plus 3 standard
/// deviations), so a flag that is also significant is rare. With answers
/// of group B shifted down on three capabilities, B is flagged and
/// significant. Seeds are fixed: nothing depends on timing.
#[test]
fn no_flag_where_none_is_planted_and_a_flag_where_one_is() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, g) = (path(tmp.path(), "r.csv"), path(tmp.path(), "g.csv"));
    let (mut tests, mut rejected) = (0usize, 0usize);
    for seed in 1..=20 {
        let seed = seed.to_string();
        rolefit(&[
            "synth",
            "responses",
            "--rows",
            "300",
            "--seed",
            &seed,
            "--groups",
            &g,
            "-o",
            &r,
            "-q",
        ])
        .ok();
        let a = audit_json(&[&r, "--groups", &g, "--resamples", "20", "--seed", &seed]);
        for role in grouping(&a, "group")["roles"].as_array().unwrap() {
            for c in role["categories"].as_array().unwrap() {
                for m in ["selection", "scoring"] {
                    if let Some(p) = c[m]["p_value"].as_f64() {
                        tests += 1;
                        rejected += usize::from(p < 0.05);
                    }
                }
            }
        }
    }
    let bound = 0.05 * tests as f64 + 3.0 * (tests as f64 * 0.05 * 0.95).sqrt();
    assert!(tests >= 150, "{tests}");
    assert!(
        (rejected as f64) <= bound,
        "{rejected} of {tests} tests at p < 0.05; bound {bound:.1}"
    );

    let shifted = [
        "synth",
        "responses",
        "--rows",
        "600",
        "--seed",
        "3",
        "--groups",
        &g,
        "-o",
        &r,
        "-q",
        "--shift",
        "Technical Expertise=-1.5",
        "--shift",
        "Analytical Skills=-1.5",
        "--shift",
        "Vision and Strategy=-1.5",
    ];
    rolefit(&shifted).ok();
    let a = audit_json(&[&r, "--groups", &g, "--resamples", "200"]);
    let flagged: Vec<String> = grouping(&a, "group")["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|role| {
            role["categories"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(move |c| {
                    let hit = ["selection", "scoring"].iter().any(|m| {
                        c[m]["flagged"] == true && c[m]["p_value"].as_f64().is_some_and(|p| p < 0.01)
                    });
                    hit.then(|| format!("{} {}", role["role"], c["category"]))
                })
        })
        .collect();
    assert!(flagged.iter().any(|f| f.ends_with("\"B\"")), "{flagged:?}");
    // (A may be flagged too: where B's lower answers push B towards a role,
    // A's rate for it is the lower one. That is the planted difference as well.)
    // The drivers of B's gap are the shifted capabilities.
    let drivers: Vec<String> = grouping(&a, "group")["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["categories"].as_array().unwrap().clone())
        .filter(|c| c["category"] == "B")
        .flat_map(|c| c["drivers"].as_array().unwrap().clone())
        .map(|d| d["capability"].as_str().unwrap().to_string())
        .collect();
    assert!(
        drivers
            .iter()
            .any(|d| d == "Technical Expertise" || d == "Vision and Strategy"),
        "{drivers:?}"
    );
}

/// A tiny category (under --min-share) is listed with its n and left out
/// of the ratios; one under the privacy floor is withheld; a cohort with
/// one category has a ratio of 1, no test and no flag.
#[test]
fn tiny_categories_one_category_and_missing_values() {
    let tmp = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=36).map(|i| format!("R{i:03}")).collect();
    let mut text = String::from("respondent,team,unit\n");
    for (i, id) in ids.iter().enumerate() {
        let team = match i {
            0 => "tiny",
            1..=3 => "",
            _ if i % 2 == 0 => "north",
            _ => "south",
        };
        text.push_str(&format!("{id},{team},same\n"));
    }
    text.push_str("X999,north,same\n");
    let g = write(tmp.path(), "g.csv", &text);
    let run = rolefit(&["audit", SAMPLE, "--groups", &g, "-f", "json"]);
    run.ok();
    assert!(
        run.stderr.contains("warning: 1 row of") && run.stderr.contains("names respondents that are not in"),
        "{}",
        run.stderr
    );
    let a = audit_json(&[
        SAMPLE,
        "--groups",
        &g,
        "--min-group",
        "1",
        "--min-share",
        "0.05",
        "--by",
        "team",
    ]);
    let team = grouping(&a, "team");
    let s = statuses(team);
    assert_eq!(
        s["tiny"],
        (Value::from(1), "below-share".into()),
        "listed with its n"
    );
    // R004 (blank team) is not ranked; R002, R003 are missing.
    assert_eq!(team["missing"], 2);
    let a = audit_json(&[SAMPLE, "--groups", &g, "--by", "team"]);
    assert_eq!(statuses(grouping(&a, "team"))["tiny"].1, "withheld");
    let a = audit_json(&[SAMPLE, "--groups", &g, "--by", "unit"]);
    for role in grouping(&a, "unit")["roles"].as_array().unwrap() {
        let c = &role["categories"][0];
        for m in ["selection", "scoring"] {
            assert_eq!(c[m]["impact_ratio"], 1.0, "{c}");
            assert_eq!(c[m]["p_value"], Value::Null);
            assert_eq!(c[m]["flagged"], false);
        }
    }
}

/// Category and column names from the user's file cannot run as a
/// spreadsheet formula, add markup to the page, or drive the terminal.
#[test]
fn hostile_category_names_are_made_safe_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "=HYPERLINK(\"http://x\")",
        "<script>alert(1)</script>",
        "a\u{1b}[31mred",
    ];
    let mut text = String::from("id,<b>group</b>\n");
    for i in 1..=36 {
        text.push_str(&format!("R{i:03},\"{}\"\n", names[i % 3].replace('"', "\"\"")));
    }
    let g = write(tmp.path(), "g.csv", &text);
    let csv = rolefit(&["audit", SAMPLE, "--groups", &g, "-f", "csv", "-q"])
        .ok()
        .to_string();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"));
    let html = path(tmp.path(), "a.html");
    rolefit(&["audit", SAMPLE, "--groups", &g, "-o", &html, "-q"]).ok();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;b&gt;group&lt;/b&gt;"));
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<b>group</b>"));
    assert!(!page.contains('\u{1b}'));
    roxmltree::Document::parse_with_options(
        &page,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("well-formed");
    assert!(page.contains("not a legal opinion"));
    assert_eq!(page.matches("<svg").count(), 2, "a dot plot per rate");
    let table = rolefit(&["audit", SAMPLE, "--groups", &g, "-q"]).ok().to_string();
    assert!(!table.contains('\u{1b}') && table.contains("\\u{1b}"), "{table}");
}

/// Bad demographics files and options: exit 2 with the file, line and fix;
/// the output is never an input, and a failed run leaves it untouched.
#[test]
fn bad_groups_files_and_outputs_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("name,sex\nR001,F\n", "no respondent id column"),
        ("respondent\nR001\n", "no column besides the respondent id"),
        (
            "respondent,sex\nR001,F\nR001,M\n",
            ":3: respondent R001 appears twice (first on line 2)",
        ),
        (
            "respondent,sex\nR001,F,x\n",
            ":2: 3 fields where the header has 2",
        ),
        ("respondent,sex\n,F\n", ":2:1: blank respondent id"),
        ("", "the groups file is empty"),
    ];
    for (text, message) in cases {
        let g = write(tmp.path(), "g.csv", text);
        let err = rolefit(&["audit", SAMPLE, "--groups", &g])
            .bad_input()
            .to_string();
        assert!(err.contains(message), "{text:?}: {err}");
    }
    let err = rolefit(&["audit", SAMPLE, "--groups", DEMOGRAPHICS, "--by", "gender"])
        .bad_input()
        .to_string();
    assert!(
        err.contains("--by gender") && err.contains("\"sex\", \"race_ethnicity\""),
        "{err}"
    );
    let err = rolefit(&["audit", SAMPLE, "--groups", DEMOGRAPHICS, "--by", "sex,sex"])
        .bad_input()
        .to_string();
    assert!(err.contains("twice"), "{err}");
    let err = rolefit(&["audit", SAMPLE, "--groups", DEMOGRAPHICS, "--min-share", "1"])
        .bad_input()
        .to_string();
    assert!(err.contains("minimum share"), "{err}");
    let err = rolefit(&["audit", SAMPLE, "--groups", DEMOGRAPHICS, "-o", "x.pdf"])
        .bad_input()
        .to_string();
    assert!(err.contains("rolefit audit cannot write .pdf"), "{err}");
    // The output is never an input.
    let g = path(tmp.path(), "g.csv");
    std::fs::copy(crate::util::root().join(DEMOGRAPHICS), &g).unwrap();
    let err = rolefit(&["audit", SAMPLE, "--groups", &g, "-o", &g, "-f", "csv"])
        .bad_input()
        .to_string();
    assert!(err.contains("would overwrite the input"), "{err}");
    // A failed run leaves an existing output as it was.
    let out = write(tmp.path(), "out.csv", "kept\n");
    let bad = write(tmp.path(), "bad.csv", "respondent,sex\nR001,F\nR001,M\n");
    rolefit(&["audit", SAMPLE, "--groups", &bad, "-o", &out]).bad_input();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept\n");
    // synth's groups need a file of their own.
    let err = rolefit(&["synth", "responses", "--rows", "3", "--groups", "-"])
        .bad_input()
        .to_string();
    assert!(err.contains("standard output"), "{err}");
    let err = rolefit(&[
        "synth",
        "responses",
        "--rows",
        "3",
        "--groups",
        &g,
        "--shift",
        "Nothing=1",
        "-o",
        &out,
    ])
    .bad_input()
    .to_string();
    assert!(err.contains("no capability \"Nothing\""), "{err}");
}

/// Groups change no answer unless a shift is asked for.
#[test]
fn synth_groups_change_no_answer_without_a_shift() {
    let tmp = tempfile::tempdir().unwrap();
    let synth = |extra: &[&str]| {
        let mut all = vec!["synth", "responses", "--rows", "50", "--seed", "9"];
        all.extend_from_slice(extra);
        rolefit(&all).ok().to_string()
    };
    let plain = synth(&[]);
    let g = path(tmp.path(), "g.csv");
    assert_eq!(plain, synth(&["--groups", &g]));
    let (header, rows) = parse_csv(&std::fs::read_to_string(&g).unwrap());
    assert_eq!(header, ["respondent", "group"]);
    assert_eq!(rows.len(), 50);
    let shifted = synth(&[
        "--groups",
        &g,
        "--shift",
        "technical-expertise=-2",
        "--shift-group",
        "A",
    ]);
    assert_ne!(plain, shifted);
}

/// Every `rolefit` line of docs/fairness.md's `sh` blocks runs and succeeds.
#[test]
fn docs_fairness_commands_run() {
    let doc = std::fs::read_to_string(crate::util::root().join("docs/fairness.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("datasets")).unwrap();
    for file in [SAMPLE, DEMOGRAPHICS] {
        std::fs::copy(crate::util::root().join(file), tmp.path().join(file)).unwrap();
    }
    let mut in_sh = false;
    let mut ran = 0;
    for line in doc.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && l.starts_with("rolefit ") => {
                let words: Vec<&str> = l.split_whitespace().skip(1).collect();
                let out = command(&words).current_dir(tmp.path()).output().unwrap();
                assert!(
                    out.status.success(),
                    "{l}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                ran += 1;
            }
            _ => {}
        }
    }
    assert!(ran >= 4, "{ran} commands");
    assert!(tmp.path().join("audit.html").exists());
}
