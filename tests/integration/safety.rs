//! Ids and names from user data (and plugin file names) that carry control
//! characters or spreadsheet formulas: escaped on the terminal, valid XML
//! in every SVG and the HTML report, defused in every CSV.

use std::path::Path;

use crate::util::{command, parse_csv, rolefit, rolefit_stdin, write};

/// A matrix and responses whose names and ids carry formulas and control
/// characters (ESC, BEL).
fn hostile(dir: &Path) -> (String, String) {
    let m = write(
        dir,
        "m.csv",
        "role,@cmd,Budget\u{7},Plan\n\"=HYPERLINK(\"\"x\"\")\",3,4,2\nDev\u{1b}[1m,2,5,4\nOps,5,1,3\n",
    );
    let r = write(
        dir,
        "r.csv",
        "respondent,@cmd,Budget\u{7},Plan\n\"=HYPERLINK(\"\"x\"\")\",4,5,3\n@cmd,1,2,3\n\u{1b}[31mred\u{7},3,3,3\nplain,5,1,2\n",
    );
    (m, r)
}

/// Asserts that `text` holds no control character but line ends.
#[track_caller]
fn no_controls(text: &str, what: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{what} has raw control characters:\n{text:?}"
    );
}

#[test]
fn control_characters_in_ids_and_names_are_escaped_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = hostile(dir.path());
    // Tables, the summary's "not ranked" list, explanations.
    let table = rolefit(&["score", &r, "--matrix", &m, "--top", "2", "--min-answered", "0"]);
    no_controls(table.ok(), "the score table");
    assert!(table.stdout.contains("\\u{1b}[31mred\\u{7}"), "{}", table.stdout);
    no_controls(&table.stderr, "the summary");
    let short = "respondent,@cmd,Budget\u{7},Plan\n\u{1b}[2Jgone\u{7},1,,\n";
    let summary = rolefit_stdin(&["score", "--matrix", &m], short);
    summary.ok();
    no_controls(&summary.stderr, "the summary");
    assert!(
        summary.stderr.contains("\\u{1b}[2Jgone\\u{7}"),
        "{}",
        summary.stderr
    );
    let explained = rolefit(&["score", &r, "--matrix", &m, "--explain", "--top", "1"]);
    no_controls(explained.ok(), "the explanations");
    for args in [
        vec!["roles", "--matrix", &m],
        vec!["matrix", "check", &m],
        vec!["matrix", "overlap", "--matrix", &m],
        vec!["cluster", &r, "--matrix", &m, "--k", "2"],
        vec!["explain", &r, "--matrix", &m, "--target", "Ops"],
    ] {
        let run = rolefit(&args);
        no_controls(run.ok(), &format!("{args:?}"));
        no_controls(&run.stderr, &format!("{args:?} stderr"));
    }
    // Error messages.
    let bad = write(
        dir.path(),
        "bad.csv",
        "respondent,@cmd,Budget\u{7},Plan\nx\u{1b}[8m,9,9,9\n",
    );
    let err = rolefit(&["score", &bad, "--matrix", &m]);
    no_controls(err.bad_input(), "the error");
}

#[test]
fn plugin_file_names_with_control_characters_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // Not executable: listed with a warning that names the file.
    std::fs::write(dir.path().join("rolefit-evil\u{1b}[2J\u{7}"), "#!/bin/sh\n").unwrap();
    let out = command(&["plugins"])
        .env("ROLEFIT_PLUGIN_PATH", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rolefit-evil\\u{1b}[2J\\u{7}"), "{stderr}");
    no_controls(&stderr, "the warning");
    no_controls(&String::from_utf8_lossy(&out.stdout), "the list");
}

/// Asserts that `file` is well-formed XML (an SVG, or the report).
#[track_caller]
fn parses(file: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    if let Err(e) = roxmltree::Document::parse_with_options(&text, options) {
        panic!("{file} is not XML: {e}");
    }
}

#[test]
fn plots_and_the_report_stay_valid_xml_with_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = hostile(dir.path());
    let file = |name: &str| dir.path().join(name).display().to_string();
    let one = write(
        dir.path(),
        "one.csv",
        "respondent,@cmd,Budget\u{7},Plan\n\u{1b}[31mred\u{7}\u{0},3,3,3\n",
    );
    rolefit(&["score", &one, "--matrix", &m, "--plot", &file("score.svg")]).ok();
    rolefit(&[
        "cluster",
        &r,
        "--matrix",
        &m,
        "--k",
        "2",
        "--plot",
        &file("cluster.svg"),
    ])
    .ok();
    rolefit(&[
        "matrix",
        "overlap",
        "--matrix",
        &m,
        "--plot",
        &file("overlap.svg"),
    ])
    .ok();
    rolefit(&[
        "report",
        &r,
        "--matrix",
        &m,
        "--min-group",
        "1",
        "--output",
        &file("report.html"),
    ])
    .ok();
    for name in ["score.svg", "cluster.svg", "overlap.svg", "report.html"] {
        parses(&file(name));
    }
}

/// The first column of a CSV's rows.
fn first_column(text: &str) -> Vec<String> {
    parse_csv(text).1.into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn every_csv_defuses_formulas_and_no_sanitize_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = hostile(dir.path());
    let formula = "=HYPERLINK(\"x\")";
    for (sanitize, prefix) in [(true, "'"), (false, "")] {
        let with = |args: Vec<&str>| -> Vec<String> {
            let mut args: Vec<String> = args.into_iter().map(String::from).collect();
            if !sanitize {
                args.push("--no-sanitize".into());
            }
            args
        };
        let run = |args: Vec<String>| rolefit(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let want = |cell: &str| format!("{prefix}{cell}");

        // Cluster assignments.
        let clusters = run(with(vec![
            "cluster", &r, "--matrix", &m, "--k", "2", "--format", "csv",
        ]));
        let ids = first_column(clusters.ok());
        assert_eq!(ids[..2], [want(formula), want("@cmd")], "cluster");

        // Matrix overlap.
        let overlap = run(with(vec!["matrix", "overlap", "--matrix", &m, "--format", "csv"]));
        assert_eq!(first_column(overlap.ok())[0], want(formula), "overlap");

        // The rejects file: its header (the input's), reasons and cells.
        let rejects = dir.path().join(format!("rejects-{sanitize}.csv"));
        let args = with(vec![
            "score",
            "--matrix",
            &m,
            "--on-error",
            "skip",
            "--rejects",
            rejects.to_str().unwrap(),
            "--format",
            "csv",
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        rolefit_stdin(&args, "respondent,@cmd,Budget\u{7},Plan\n@cmd,x,1,1\nok,1,1,1\n").ok();
        let (header, rows) = parse_csv(&std::fs::read_to_string(&rejects).unwrap());
        assert_eq!(header[3], want("@cmd"), "rejects header: {header:?}");
        assert_eq!(rows[0][2], want("@cmd"), "rejects cell: {rows:?}");

        // Synthetic responses (the header has the matrix's capability
        // names) and their labels (its role names).
        let responses = dir.path().join(format!("synth-{sanitize}.csv"));
        let labels = dir.path().join(format!("labels-{sanitize}.csv"));
        run(with(vec![
            "synth",
            "responses",
            "--matrix",
            &m,
            "--rows",
            "30",
            "--seed",
            "1",
            "-o",
            responses.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
        ]))
        .ok();
        let (header, _) = parse_csv(&std::fs::read_to_string(&responses).unwrap());
        assert_eq!(header[1], want("@cmd"), "synth header: {header:?}");
        let (_, rows) = parse_csv(&std::fs::read_to_string(&labels).unwrap());
        assert!(rows.iter().any(|r| r[1] == want(formula)), "labels: {rows:?}");
        assert!(
            rows.iter().all(|r| r[1] != formula || !sanitize),
            "labels: {rows:?}"
        );
    }
}

/// The report of a cohort whose file, role and capability names carry
/// markup, quotes and control characters: each section shows the names
/// escaped (and never as markup), and the page stays well-formed XML.
#[test]
fn every_report_section_escapes_hostile_names() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "m.csv",
        "role,Plan <b>&amp;,Bud\"get'\u{1b}[1m,Code\n<script>alert(1)</script>,4,2,5\n\"Eng \"\"Q\"\" & 'co'\u{7}\",2,5,3\nOps,5,1,2\n",
    );
    let r = dir.path().join("r<i>\"'.csv").display().to_string();
    let synth = ["synth", "responses", "--rows", "80", "--seed", "1"];
    rolefit(&[&synth[..], &["--matrix", &m, "-o", &r]].concat()).ok();
    let out = dir.path().join("report.html").display().to_string();
    rolefit(&["report", &r, "--matrix", &m, "--min-group", "1", "-o", &out]).ok();
    parses(&out);
    let page = std::fs::read_to_string(&out).unwrap();
    no_controls(&page, "the report");
    let script = "&lt;script&gt;alert(1)&lt;/script&gt;";
    let eng = "Eng &quot;Q&quot; &amp; &#39;co&#39;\u{FFFD}";
    let plan = "Plan &lt;b&gt;&amp;amp;";
    let budget = "Bud&quot;get&#39;\u{FFFD}[1m";
    let file = "r&lt;i&gt;&quot;&#39;.csv";
    // The header and the title name the responses file as given.
    assert!(page.contains(&format!("{file}</title>")));
    assert!(page.contains(&format!("{file}</b> &#183; role matrix")));
    // What each section must show of the names (fit-scores: in its
    // histograms' titles).
    let expected: [(&str, &[&str]); 7] = [
        ("summary", &[]),
        ("top-roles", &[script, eng]),
        ("fit-scores", &[script]),
        ("clusters", &[plan, budget]),
        ("overlap", &[script, eng, plan, budget]),
        ("gaps", &[script, eng, plan, budget]),
        ("method", &[]),
    ];
    for (id, names) in expected {
        let start = page
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no section {id}"));
        let section = &page[start..];
        let section = &section[..section.find("</section>").unwrap()];
        for raw in ["<script", "<b>&", "<i>", "\"Q\"", "'co'"] {
            assert!(!section.contains(raw), "{id} has {raw} unescaped");
        }
        for name in names {
            assert!(section.contains(name), "{id} does not show {name}:\n{section}");
        }
    }
}
