//! Cohort analytics: `rolefit cluster`, `rolefit matrix overlap`, the SVG
//! plots (`--plot`) and `rolefit report`, on the sample data and on
//! `rolefit synth` data.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::util::{parse_csv, rolefit, write};

const SAMPLE: &str = "datasets/sample-responses.csv";
const BUILTIN_ROLES: [&str; 4] = [
    "Project Manager",
    "Product Manager",
    "Program Manager",
    "Technical Program Manager",
];

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// A synthetic cohort: a matrix of `roles` x `caps`, `rows` respondents
/// with little noise, and their true roles. Returns (matrix, responses,
/// labels) paths.
fn synth(dir: &Path, roles: u32, caps: u32, rows: u32, noise: &str) -> (String, String, String) {
    let (m, r, l) = (path(dir, "m.csv"), path(dir, "r.csv"), path(dir, "labels.csv"));
    let (roles, caps, rows) = (roles.to_string(), caps.to_string(), rows.to_string());
    rolefit(&[
        "synth",
        "matrix",
        "--roles",
        &roles,
        "--capabilities",
        &caps,
        "--seed",
        "3",
        "-o",
        &m,
    ])
    .ok();
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &m,
        "--rows",
        &rows,
        "--noise",
        noise,
        "--seed",
        "4",
        "--labels",
        &l,
        "-o",
        &r,
    ])
    .ok();
    (m, r, l)
}

/// Parses an SVG file and returns the document text after checking it is
/// well-formed XML with an `<svg>` root that has a `<title>`.
fn svg(file: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    {
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file} is not XML: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
        assert!(
            root.children().any(|n| n.tag_name().name() == "title"),
            "{file} has a title"
        );
    }
    text
}

/// How many elements named `name` an XML text holds.
fn count(text: &str, name: &str) -> usize {
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    doc.descendants().filter(|n| n.tag_name().name() == name).count()
}

/// Each cluster's members' true roles: the clustering is pure when every
/// cluster holds one role only.
fn purity(assignments: &[Vec<String>], labels: &str) -> f64 {
    let truth: HashMap<String, String> = parse_csv(&std::fs::read_to_string(labels).unwrap())
        .1
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let mut by_cluster: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for row in assignments {
        *by_cluster
            .entry(&row[1])
            .or_default()
            .entry(truth[&row[0]].as_str())
            .or_default() += 1;
    }
    let majority: usize = by_cluster.values().map(|m| m.values().max().unwrap()).sum();
    majority as f64 / assignments.len() as f64
}

#[test]
fn cluster_csv_has_one_row_per_respondent_in_input_order() {
    let out = rolefit(&["cluster", SAMPLE, "--k", "3", "--format", "csv"]);
    let (header, rows) = parse_csv(out.ok());
    assert_eq!(header, ["respondent", "cluster"]);
    let (_, input) = parse_csv(&std::fs::read_to_string(crate::util::root().join(SAMPLE)).unwrap());
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let expected: Vec<&str> = input.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, expected, "every respondent, in input order");
    let clusters: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!(
        clusters.iter().copied().collect::<HashSet<_>>(),
        HashSet::from([0, 1, 2])
    );
    // Numbered by decreasing size.
    let sizes: Vec<usize> = (0..3)
        .map(|c| clusters.iter().filter(|&&x| x == c).count())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    // The one-line summary goes to standard error.
    assert!(
        out.stderr.contains("36 respondents, 20 capabilities"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("kmeans k = 3") && out.stderr.contains("fit "));
}

#[test]
fn cluster_is_reproducible_with_a_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let (m, r, _) = synth(tmp.path(), 5, 10, 300, "1.2");
    for method in ["kmeans", "gmm"] {
        let args = [
            "cluster", &r, "--matrix", &m, "--k", "5", "--method", method, "--seed", "7", "--format", "csv",
        ];
        let first = rolefit(&args).ok().to_string();
        assert_eq!(rolefit(&args).ok(), first, "{method}");
        let json_args = [
            "cluster", &r, "--matrix", &m, "--k", "5", "--method", method, "--seed", "7", "--format", "json",
        ];
        let a = rolefit(&json_args).ok().to_string();
        assert_eq!(rolefit(&json_args).ok(), a, "{method}");
    }
}

#[test]
fn k_range_picks_the_true_k_on_separated_data() {
    let tmp = tempfile::tempdir().unwrap();
    let (m, r, labels) = synth(tmp.path(), 4, 12, 400, "0.3");
    let out = rolefit(&[
        "cluster",
        &r,
        "--matrix",
        &m,
        "--k-range",
        "2..8",
        "--format",
        "json",
    ]);
    let v = json(out.ok());
    assert_eq!(v["k"], 4, "{}", out.stdout);
    let tried = v["k_range"]["tried"].as_array().unwrap();
    assert_eq!(tried.len(), 7);
    let best = tried
        .iter()
        .max_by(|a, b| {
            a["silhouette"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["silhouette"].as_f64().unwrap())
        })
        .unwrap();
    assert_eq!(best["k"], 4);
    assert_eq!(v["silhouette"], best["silhouette"]);
    // The clusters are the true roles.
    for method in ["kmeans", "gmm"] {
        let csv = rolefit(&[
            "cluster", &r, "--matrix", &m, "--k", "4", "--method", method, "--format", "csv",
        ]);
        let (_, rows) = parse_csv(csv.ok());
        assert_eq!(rows.len(), 400);
        let p = purity(&rows, &labels);
        assert!(p > 0.99, "{method}: purity {p}");
    }
    // The table says which k won.
    let table = rolefit(&["cluster", &r, "--matrix", &m, "--k-range", "3..5"]);
    assert!(table.ok().contains("chosen"), "{}", table.stdout);
}

#[test]
fn cluster_json_describes_every_cluster() {
    let out = rolefit(&[
        "cluster",
        SAMPLE,
        "--k",
        "2",
        "--format",
        "json",
        "--strategy",
        "cosine",
    ]);
    let v = json(out.ok());
    assert_eq!(v["method"], "kmeans");
    assert_eq!(v["strategy"], "cosine");
    assert_eq!(v["respondents"], 36);
    assert_eq!(v["k"], 2);
    assert_eq!(v["capabilities"].as_array().unwrap().len(), 20);
    assert!(v["imputed_answers"].as_u64().unwrap() > 0, "R004 skipped answers");
    assert!(v["inertia"].as_f64().unwrap() > 0.0);
    let s = v["silhouette"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&s));
    assert!(v["k_range"].is_null());
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 2);
    let total: u64 = clusters.iter().map(|c| c["size"].as_u64().unwrap()).sum();
    assert_eq!(total, 36);
    for (i, c) in clusters.iter().enumerate() {
        assert_eq!(c["cluster"], i);
        assert_eq!(c["centroid"].as_array().unwrap().len(), 20);
        for entry in c["centroid"].as_array().unwrap() {
            let mean = entry["mean"].as_f64().unwrap();
            assert!((1.0..=5.0).contains(&mean), "{entry}");
        }
        let role = c["nearest_role"]["name"].as_str().unwrap();
        assert!(BUILTIN_ROLES.contains(&role), "{role}");
        let score = c["nearest_role"]["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        let d = c["distinguishing"].as_array().unwrap();
        assert!(!d.is_empty() && d.len() <= 3);
        assert!(d[0]["effect"].as_f64().unwrap().abs() >= d[d.len() - 1]["effect"].as_f64().unwrap().abs());
        assert!(c["silhouette"].is_number());
    }
}

#[test]
fn cluster_plot_is_an_svg_map_with_the_roles() {
    let tmp = tempfile::tempdir().unwrap();
    let plot = path(tmp.path(), "clusters.svg");
    rolefit(&["cluster", SAMPLE, "--k", "3", "--plot", &plot]).ok();
    let text = svg(&plot);
    assert!(
        count(&text, "circle") >= 36 + 3,
        "a dot per respondent and per legend entry"
    );
    for role in BUILTIN_ROLES {
        assert!(text.contains(role), "{role} is marked");
    }
    assert!(text.contains("cluster 2"));
    assert!(text.contains("PC1 ("));
    assert!(text.contains("font-family=\"sans-serif\""));
}

#[test]
fn cluster_refuses_impossible_requests_with_exit_2() {
    let cases: [(&[&str], &str); 5] = [
        (&["--k", "100"], "cannot make 100 clusters of 36 respondents"),
        (&["--k-range", "1..3"], "--k-range"),
        (&["--k-range", "5..3"], "--k-range"),
        (&["--k-range", "2..40"], "cannot make 40 clusters"),
        (&["--strategy", "nope"], "unknown strategy"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["cluster", SAMPLE];
        args.extend_from_slice(extra);
        let out = rolefit(&args);
        let err = out.bad_input();
        assert!(err.contains(message), "{extra:?}: {err}");
    }
    rolefit(&["cluster", SAMPLE, "--k", "2", "--k-range", "2..3"]).bad_input();
    let tmp = tempfile::tempdir().unwrap();
    let one = write(tmp.path(), "one.csv", "respondent,Q01,Q02\nana,4,3\n");
    let err = rolefit(&["cluster", &one]).bad_input().to_string();
    assert!(err.contains("give --k"), "{err}");
}

#[test]
fn overlap_of_the_builtin_matrix_is_symmetric_with_a_unit_diagonal() {
    let out = rolefit(&["matrix", "overlap", "--format", "json"]);
    let v = json(out.ok());
    assert_eq!(v["strategy"], "euclidean");
    let s = v["similarity"].as_array().unwrap();
    assert_eq!(s.len(), 4);
    for (a, row) in s.iter().enumerate() {
        assert!((row[a].as_f64().unwrap() - 1.0).abs() < 1e-12);
        for (b, cell) in row.as_array().unwrap().iter().enumerate() {
            assert_eq!(cell, &s[b][a]);
            let x = cell.as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x));
        }
    }
    let pairs = v["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 6);
    assert!(pairs
        .iter()
        .all(|p| p["separating"].as_array().unwrap().len() == 3));
    assert!(v["near_duplicates"].as_array().unwrap().is_empty());
    assert_eq!(v["dendrogram"].as_array().unwrap().len(), 3);
    assert_eq!(v["order"].as_array().unwrap().len(), 4);
    // Every format works, and the table shows the groups and the tree.
    let table = rolefit(&["matrix", "overlap"]);
    let t = table.ok();
    assert!(t.contains("Most similar pairs") && t.contains("Dendrogram:") && t.contains("Groups"));
    assert!(!t.contains("warning:"));
    let csv = rolefit(&["matrix", "overlap", "--format", "csv", "--strategy", "pearson"]);
    let (header, rows) = parse_csv(csv.ok());
    assert_eq!(header[..3], ["role_a", "role_b", "similarity"]);
    assert_eq!(rows.len(), 6);
}

#[test]
fn overlap_warns_about_near_duplicate_roles() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write(
        tmp.path(),
        "twins.csv",
        "role,Planning,Budget,Coding,Design\nLead,4,3,2,3\nEngineer,2,1,5,4\nChief,4,3,2,3\n",
    );
    let table = rolefit(&["matrix", "overlap", "--matrix", &m]);
    let t = table.ok();
    assert!(
        t.contains("warning: roles \"Lead\" and \"Chief\" are near duplicates"),
        "{t}"
    );
    assert!(t.contains("same levels everywhere"));
    for strategy in ["euclidean", "cosine", "pearson", "manhattan", "coverage"] {
        let out = rolefit(&[
            "matrix",
            "overlap",
            "--matrix",
            &m,
            "--format",
            "json",
            "--strategy",
            strategy,
        ]);
        let v = json(out.ok());
        let dups = v["near_duplicates"].as_array().unwrap();
        assert_eq!(dups.len(), 1, "{strategy}: {dups:?}");
        assert_eq!(
            (dups[0]["a"].as_str(), dups[0]["b"].as_str()),
            (Some("Lead"), Some("Chief"))
        );
        assert!(
            out.stderr.contains("near duplicates"),
            "{strategy}: warned on stderr too"
        );
        // The twins group together first.
        assert_eq!(v["dendrogram"][0]["roles"], serde_json::json!(["Lead", "Chief"]));
    }
}

#[test]
fn overlap_plot_is_a_heatmap() {
    let tmp = tempfile::tempdir().unwrap();
    let plot = path(tmp.path(), "overlap.svg");
    rolefit(&["matrix", "overlap", "--plot", &plot]).ok();
    let text = svg(&plot);
    assert!(count(&text, "rect") >= 16, "a cell per pair");
    for role in BUILTIN_ROLES {
        assert!(text.contains(role));
    }
    assert!(text.contains("1.00"), "values in the cells");
}

#[test]
fn score_plot_draws_one_respondent_against_the_top_roles() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(crate::util::root().join(SAMPLE)).unwrap();
    let one = write(
        tmp.path(),
        "one.csv",
        &sample.lines().take(2).collect::<Vec<_>>().join("\n"),
    );
    let plot = path(tmp.path(), "r001.svg");
    let out = rolefit(&["score", &one, "--plot", &plot, "--top", "2"]);
    assert!(out.ok().contains("R001"), "the scores are printed as usual");
    let text = svg(&plot);
    assert_eq!(count(&text, "polygon"), 2, "one outline per role");
    assert_eq!(count(&text, "circle"), 20, "one dot per answer");
    assert!(text.contains("R001 against their top 2 roles (euclidean)"));
    assert!(text.contains("Program Manager 0.830"));

    // More than one respondent: refused before anything is written.
    let out_file = path(tmp.path(), "scores.csv");
    let bad = path(tmp.path(), "many.svg");
    let out = rolefit(&["score", SAMPLE, "--plot", &bad, "-o", &out_file]);
    assert!(out.bad_input().contains("--plot draws one respondent"));
    assert!(!Path::new(&bad).exists() && !Path::new(&out_file).exists());
}

#[test]
fn score_plot_is_drawn_from_the_scores_it_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(crate::util::root().join(SAMPLE)).unwrap();
    let one = sample.lines().take(2).collect::<Vec<_>>().join("\n");
    let from_file = path(tmp.path(), "file.svg");
    let from_stdin = path(tmp.path(), "stdin.svg");
    let file = write(tmp.path(), "one.csv", &one);
    let args = ["--center", "person", "-s", "cosine", "-f", "csv", "--top", "3"];
    let printed = rolefit(&[&["score", file.as_str(), "--plot", &from_file][..], &args].concat());
    let piped = crate::util::rolefit_stdin(&[&["score", "--plot", &from_stdin][..], &args].concat(), &one);
    assert_eq!(
        printed.ok(),
        piped.ok(),
        "standard input is read once, as a file is"
    );
    let drawn = svg(&from_file);
    assert_eq!(drawn, svg(&from_stdin));
    // Every role in the legend carries the score printed for it.
    let (_, rows) = parse_csv(printed.ok());
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let score: f64 = row[3].parse().unwrap();
        let legend = format!("{} {score:.3}", row[2]);
        assert!(drawn.contains(&legend), "{legend} in the legend");
    }

    // Two respondents on standard output: refused, and nothing printed.
    let two = sample.lines().take(3).collect::<Vec<_>>().join("\n");
    let many = path(tmp.path(), "many.svg");
    let out = crate::util::rolefit_stdin(&["score", "--plot", &many, "-f", "csv"], &two);
    assert!(out.bad_input().contains("<stdin> holds 2"), "{}", out.stderr);
    assert!(out.stdout.is_empty() && !Path::new(&many).exists());
}

/// The text inside an element.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// Parses the report as XML (it is written to be well-formed) and returns
/// its text.
fn report(args: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let html = path(tmp.path(), "report.html");
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", &html]);
    rolefit(&all).ok();
    let text = std::fs::read_to_string(&html).unwrap();
    count(&text, "html");
    text
}

#[test]
fn report_is_one_self_contained_page_with_every_section() {
    let text = report(&[SAMPLE]);
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("well-formed");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "section")
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "summary",
            "top-roles",
            "fit-scores",
            "clusters",
            "overlap",
            "gaps",
            "method"
        ]
    );
    for forbidden in ["script", "link", "img", "iframe", "object", "embed"] {
        assert_eq!(count(&text, forbidden), 0, "no <{forbidden}>");
    }
    let lower = text.to_lowercase();
    for needle in ["http://", "https://", "url(", "@import", "<script", "javascript:"] {
        assert!(!lower.contains(needle), "the page names no {needle}");
    }
    // Charts are inline SVG, each with a title.
    let svgs: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .collect();
    // The sample's best-fit histograms per role are withheld (every bin
    // holds fewer than 5), so four charts: best fits by role, the scores,
    // the cluster map and the roles' similarity.
    assert!(svgs.len() >= 4, "{} charts", svgs.len());
    for title in [
        "Respondents by best-fitting role",
        "Best-fit score, all ranked respondents",
        "Role similarity (euclidean)",
    ] {
        assert!(text.contains(title), "no chart {title:?}");
    }
    assert!(svgs
        .iter()
        .all(|s| s.children().any(|c| c.tag_name().name() == "title")));
    // Links stay inside the page.
    assert!(doc
        .descendants()
        .filter_map(|n| n.attribute("href"))
        .all(|h| h.starts_with('#')));
    assert!(text.contains("Project Manager"));
    assert!(text.contains("respondents ranked"));
}

#[test]
fn report_ranks_by_min_answered() {
    // R004 answered too few capabilities at the default (half of them).
    let default = report(&[SAMPLE]);
    assert!(default.contains("not ranked (fewer than 50% of capabilities answered)"));
    assert!(default.contains("answered at least 50% of the capabilities are ranked"));
    // Requiring every capability leaves more respondents unranked, and the
    // page says which threshold it used.
    let strict = report(&[SAMPLE, "--min-answered", "1"]);
    assert!(strict.contains("not ranked (fewer than 100% of capabilities answered)"));
    assert!(strict.contains("answered at least 100% of the capabilities are ranked"));
    assert_ne!(default, strict);
    let run = rolefit(&["report", SAMPLE, "--min-answered", "1.5", "-o", "/dev/null"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn report_suppresses_small_groups() {
    // The sample's best fits: 9 Project, 9 Product, 8 Program and 9
    // Technical Program Managers.
    let text = report(&[SAMPLE, "--min-group", "9"]);
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let top = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("top-roles"))
        .unwrap();
    let rows: Vec<Vec<String>> = top
        .descendants()
        .filter(|n| n.tag_name().name() == "tr")
        .skip(1)
        .map(|tr| {
            tr.children()
                .filter(|c| c.tag_name().name() == "td")
                .map(|td| text_of(td))
                .collect()
        })
        .collect();
    let by_role: HashMap<&str, &str> = rows.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(by_role["Product Manager"], "9");
    assert_eq!(by_role["Technical Program Manager"], "9");
    assert_eq!(by_role["Program Manager"], "<9");
    // Project Manager's 9 would give Program Manager's 8 away (35 ranked,
    // less the others): suppressed as well.
    assert_eq!(by_role["Project Manager"], "suppressed");
    // Withheld roles have no histogram and no gap row of their own (and
    // with bins of fewer than 9, neither has any other role).
    assert!(!text.contains("Program Manager (8)"));
    assert!(!text.contains("Project Manager (9)"));
    assert!(text.contains("Every bin of Product Manager, Technical Program Manager holds fewer than 9"));
    let gaps = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("gaps"))
        .unwrap();
    let gap_text = text_of(gaps);
    assert!(gap_text.contains("withheld"), "{gap_text}");
    // A cohort smaller than the threshold shows no respondent figures.
    let text = report(&[SAMPLE, "--min-group", "100"]);
    assert!(text.contains("Fewer than 100 respondents were ranked"));
    assert!(!text.contains("id=\"clusters\""));
    assert!(text.contains("id=\"overlap\""), "the matrix is not about people");
}

#[test]
fn report_escapes_user_text_and_credits_onet() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write(
        tmp.path(),
        "m.csv",
        "role,Planning & <Budget>,Coding\n<script>alert(1)</script>,4,2\n\"Eng \"\"&\"\" Co\",2,5\n",
    );
    let r = path(tmp.path(), "r.csv");
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &m,
        "--rows",
        "60",
        "--seed",
        "1",
        "-o",
        &r,
    ])
    .ok();
    let text = report(&[&r, "--matrix", &m]);
    assert!(!text.to_lowercase().contains("<script"));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text.contains("Planning &amp; &lt;Budget&gt;"));

    // O*NET data carries O*NET's credit.
    let onet = write(
        tmp.path(),
        "Skills.csv",
        "O*NET-SOC Code,Element Name,Scale ID,Data Value\n\
         11-1011.00,Reading,IM,4\n11-1011.00,Reading,LV,5\n11-1011.00,Writing,IM,3\n11-1011.00,Writing,LV,2\n\
         11-1011.00,Speaking,IM,3\n11-1011.00,Speaking,LV,6\n\
         15-1252.00,Reading,IM,2\n15-1252.00,Reading,LV,1\n15-1252.00,Writing,IM,4\n15-1252.00,Writing,LV,6\n\
         15-1252.00,Speaking,IM,3\n15-1252.00,Speaking,LV,2\n",
    );
    let r = path(tmp.path(), "onet-r.csv");
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &onet,
        "--rows",
        "40",
        "--seed",
        "2",
        "-o",
        &r,
    ])
    .ok();
    let text = report(&[&r, "--matrix", &onet, "--scale", "0..7"]);
    assert!(text.contains("O*NET"), "credit");
    assert!(text.contains("class=\"credit\""));
}

#[test]
fn report_works_on_synthetic_cohorts() {
    let tmp = tempfile::tempdir().unwrap();
    let (m, r, _) = synth(tmp.path(), 6, 15, 600, "0.6");
    let text = report(&[&r, "--matrix", &m, "--seed", "3"]);
    assert!(text.contains("id=\"clusters\""));
    assert!(
        text.contains("k = 6") || text.contains("k = 5"),
        "a k near the truth"
    );
    assert!(count(&text, "svg") >= 8, "bars, histograms, map, heatmap");
    // The same seed gives the same page.
    assert_eq!(report(&[&r, "--matrix", &m, "--seed", "3"]), text);
}

/// A 2 x 3 synthetic matrix in `dir` and 40 respondents answering 3 on
/// every capability but the first, where they answer `first(i)`.
fn flat_cohort(dir: &Path, first: impl Fn(usize) -> u32) -> (String, String) {
    let m = path(dir, "m.csv");
    rolefit(&["synth", "matrix", "--roles", "2", "--capabilities", "3", "-o", &m]).ok();
    let mut csv = String::from("respondent,Capability 1,Capability 2,Capability 3\n");
    for i in 0..40 {
        csv.push_str(&format!("p{i:02},{},3,3\n", first(i)));
    }
    (m, write(dir, "flat.csv", &csv))
}

#[test]
fn report_on_identical_answers_succeeds_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let (m, r) = flat_cohort(tmp.path(), |_| 3);
    let text = report(&[&r, "--matrix", &m]);
    assert!(text.contains("id=\"clusters\""));
    assert!(
        text.contains("Every ranked respondent gave the same answers: there are no clusters to form, and the map is not drawn."),
        "{text}"
    );
    assert!(!text.contains("PC1 ("), "no map");
}

#[test]
fn report_and_cluster_plot_without_a_second_direction_say_why_there_is_no_map() {
    // Two groups differing on one capability: two clusters, but the
    // respondents vary along a single direction, so no plane to draw.
    let tmp = tempfile::tempdir().unwrap();
    let (m, r) = flat_cohort(tmp.path(), |i| if i % 2 == 0 { 1 } else { 5 });
    let text = report(&[&r, "--matrix", &m]);
    assert!(
        text.contains("The map is not drawn: the respondents vary along a single direction only."),
        "{text}"
    );
    assert!(!text.contains("PC1 ("), "no map");

    let plot = path(tmp.path(), "map.svg");
    let run = rolefit(&["cluster", &r, "--matrix", &m, "--k", "2", "--plot", &plot]);
    run.ok();
    assert!(
        run.stderr.contains(
            "note: the cluster map is not drawn: the respondents vary along a single direction only"
        ),
        "{}",
        run.stderr
    );
    let text = svg(&plot);
    assert!(text.contains("40 respondents in 2 clusters"), "the title");
    assert!(text.contains("The map is not drawn: the respondents vary along a single direction only."));
    assert_eq!(count(&text, "circle"), 0, "no scatter");
}
