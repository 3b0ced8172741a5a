//! The person's side (issue 18): the self-assessment page (`rolefit
//! survey --format html`) and the personal report (`rolefit explain
//! --format html`), checked without a browser: structure, escaping, the
//! CSV the page downloads read back by `score` and `explain`, and the
//! commands of docs/person.md. scripts/browser-check.sh checks them in a
//! real browser.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{command, parse_csv, rolefit, write};

const SAMPLE: &str = "datasets/sample-responses.csv";

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("the page is not well-formed XML: {e}"))
}

/// Runs `rolefit ARGS -o DIR/NAME` and returns the page written.
fn page(dir: &Path, name: &str, args: &[&str]) -> String {
    let out = path(dir, name);
    let mut all = args.to_vec();
    all.extend_from_slice(&["-o", &out]);
    rolefit(&all).ok();
    std::fs::read_to_string(&out).unwrap()
}

fn elements<'a, 'b>(doc: &'b roxmltree::Document<'a>, name: &'b str) -> Vec<roxmltree::Node<'b, 'a>> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == name)
        .collect()
}

fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// No two elements share an id, and every `label for` names an element.
fn ids_are_unique_and_labels_point_at_them(doc: &roxmltree::Document<'_>) {
    let mut ids = HashSet::new();
    for id in doc.descendants().filter_map(|n| n.attribute("id")) {
        assert!(ids.insert(id), "id {id:?} twice");
    }
    for label in elements(doc, "label") {
        let target = label.attribute("for").expect("every label names its control");
        assert!(ids.contains(target), "label for {target:?}");
    }
}

/// What a page must not hold to be self-contained: nothing loaded from
/// anywhere, and a script (if any) that sends and fetches nothing.
fn self_contained(text: &str) {
    let lower = text.to_lowercase();
    let (markup, script) = match (lower.find("<script>"), lower.find("</script>")) {
        (Some(a), Some(b)) => (format!("{}{}", &lower[..a], &lower[b..]), lower[a..b].to_string()),
        _ => (lower.clone(), String::new()),
    };
    for needle in [
        "http://", "https://", "url(", "@import", "<link", "<img", "<iframe", " src=",
    ] {
        assert!(!markup.contains(needle), "the page names no {needle}");
    }
    for needle in [
        "http",
        "fetch(",
        "xmlhttprequest",
        "sendbeacon",
        "websocket",
        "import(",
        "eval(",
    ] {
        assert!(!script.contains(needle), "the script uses no {needle}");
    }
}

#[test]
fn the_self_assessment_page_holds_every_statement_once_with_labelled_choices() {
    let tmp = tempfile::tempdir().unwrap();
    // The extension names the format.
    let text = page(tmp.path(), "assessment.html", &["survey"]);
    let doc = parse(&text);
    ids_are_unique_and_labels_point_at_them(&doc);
    self_contained(&text);
    let survey: Value = serde_json::from_str(rolefit(&["survey", "-f", "json"]).ok()).unwrap();
    let items: Vec<&Value> = survey["items"].as_array().unwrap().iter().collect();
    let fieldsets = elements(&doc, "fieldset");
    assert_eq!(fieldsets.len(), items.len());
    for (f, item) in fieldsets.iter().zip(&items) {
        assert_eq!(f.attribute("data-item"), item["id"].as_str());
        let legend = f.children().find(|c| c.tag_name().name() == "legend").unwrap();
        assert!(text_of(legend).ends_with(item["text"].as_str().unwrap()));
        let radios: Vec<_> = f
            .descendants()
            .filter(|n| n.attribute("type") == Some("radio"))
            .collect();
        let labels: Vec<String> = f
            .descendants()
            .filter(|n| n.tag_name().name() == "label")
            .map(text_of)
            .collect();
        assert_eq!(
            labels,
            [
                "Strongly disagree",
                "Disagree",
                "Neither agree nor disagree",
                "Agree",
                "Strongly agree",
                "Skip"
            ]
        );
        let values: Vec<&str> = radios.iter().map(|r| r.attribute("value").unwrap()).collect();
        assert_eq!(values, ["1", "2", "3", "4", "5", ""]);
        assert!(radios.iter().all(|r| r.attribute("name") == f.attribute("id")));
    }
    for item in &items {
        let id = item["id"].as_str().unwrap();
        assert_eq!(
            text.matches(&format!("data-item=\"{id}\"")).count(),
            1,
            "{id} once"
        );
    }
    // Eight steps of five, then the save section; one script.
    let sections: Vec<&str> = elements(&doc, "section")
        .iter()
        .filter_map(|s| s.attribute("id"))
        .collect();
    assert_eq!(sections.len(), 9);
    assert_eq!(sections[0], "step-1");
    assert_eq!(sections[8], "save");
    assert_eq!(elements(&doc, "script").len(), 1);
    assert!(text.contains("Step 1 of 8"));
    for control in ["progress", "respondent", "download", "load", "status"] {
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(control)),
            "{control}"
        );
    }
    let header = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("survey"))
        .unwrap();
    let columns = header.attribute("data-columns").unwrap();
    assert!(columns.starts_with("respondent,Q01,Q02,"));
    assert_eq!(columns.split(',').count(), items.len() + 1);
}

/// The CSV the page downloads for `id` with `answer(i)` for statement `i`
/// (`None`: skipped): the header it carries, then one row.
fn downloaded(page: &str, id: &str, answer: impl Fn(usize) -> Option<String>) -> String {
    let doc = parse(page);
    let header = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("survey"))
        .unwrap();
    let n = elements(&doc, "fieldset").len();
    let row: Vec<String> = std::iter::once(id.to_string())
        .chain((0..n).map(|i| answer(i).unwrap_or_default()))
        .collect();
    format!(
        "{}\n{}\n",
        header.attribute("data-columns").unwrap(),
        row.join(",")
    )
}

/// The answer pattern of the browser check: each statement answered with
/// `role`'s level of its capability, rounded, mirrored when reverse-keyed.
fn role_pattern(role: &str) -> Vec<String> {
    let survey: Value = serde_json::from_str(rolefit(&["survey", "-f", "json"]).ok()).unwrap();
    let roles: Value = serde_json::from_str(rolefit(&["roles", "-f", "json"]).ok()).unwrap();
    let levels = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == role)
        .unwrap()["capabilities"]
        .as_array()
        .unwrap()
        .clone();
    survey["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let level = levels.iter().find(|c| c["id"] == item["capability"]).unwrap()["level"]
                .as_f64()
                .unwrap()
                .round();
            let v = if item["reverse"] == true {
                6.0 - level
            } else {
                level
            };
            format!("{v}")
        })
        .collect()
}

#[test]
fn the_downloaded_answers_are_read_by_score_and_explain_without_options() {
    let tmp = tempfile::tempdir().unwrap();
    let html = page(tmp.path(), "a.html", &["survey", "--format", "html"]);
    let pattern = role_pattern("Product Manager");
    // Two statements skipped, one id a spreadsheet would run.
    let csv = downloaded(&html, "'=ana", |i| (i != 3 && i != 7).then(|| pattern[i].clone()));
    let file = write(tmp.path(), "rolefit-answers-ana.csv", &csv);
    let scores = rolefit(&["score", &file, "--format", "csv", "--top", "1"]);
    let (header, rows) = parse_csv(scores.ok());
    let role = header.iter().position(|h| h == "role").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][role], "Product Manager");
    // The personal report of the one respondent, without --respondent.
    let report = page(tmp.path(), "ana.html", &["explain", &file, "--format", "html"]);
    let doc = parse(&report);
    assert!(text_of(doc.root_element()).contains("Your best fit is Product Manager"));
    assert!(report.contains("Role fit: &#39;=ana"));
}

#[test]
fn hostile_statements_and_ids_cannot_add_markup_to_the_self_assessment() {
    let tmp = tempfile::tempdir().unwrap();
    let survey = write(
        tmp.path(),
        "s.csv",
        "id,text,capability,reverse\n\
         \"Q1\"\"><script>x</script>\",\"<script>alert(1)</script> & </script><!-- ]]>\",planning,false\n\
         Q2,\"<img src=x onerror=alert(2)>\",coding,false\n",
    );
    let matrix = write(tmp.path(), "m.csv", "role,Planning,Coding\nLead,4,2\nDev,2,5\n");
    let html = page(
        tmp.path(),
        "a.html",
        &["survey", "--survey", &survey, "--matrix", &matrix, "-f", "html"],
    );
    let doc = parse(&html);
    ids_are_unique_and_labels_point_at_them(&doc);
    assert_eq!(elements(&doc, "script").len(), 1, "only the page's own script");
    assert_eq!(elements(&doc, "img").len(), 0);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/script&gt;&lt;!-- ]]&gt;"));
    let fieldsets = elements(&doc, "fieldset");
    assert_eq!(
        fieldsets[0].attribute("data-item"),
        Some("Q1\"><script>x</script>")
    );
    assert_eq!(fieldsets[0].attribute("id"), Some("s1"), "ids are rolefit's own");
    // The header line quotes the id as CSV, and the row reads back.
    let csv = downloaded(&html, "me", |i| Some(["4", "2"][i].to_string()));
    let file = write(tmp.path(), "answers.csv", &csv);
    let scores = rolefit(&[
        "score", &file, "--survey", &survey, "--matrix", &matrix, "--format", "csv", "--top", "1",
    ]);
    let (header, rows) = parse_csv(scores.ok());
    assert_eq!(rows[0][header.iter().position(|h| h == "role").unwrap()], "Lead");
    // The page tells the coach to pass the survey back.
    assert!(html.contains("--survey "));
}

#[test]
fn a_survey_that_does_not_fit_the_matrix_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let survey = write(
        tmp.path(),
        "s.csv",
        "id,text,capability,reverse\nQ1,I plan.,planning,false\n",
    );
    let matrix = write(tmp.path(), "m.csv", "role,Budget,Coding\nLead,4,2\nDev,2,5\n");
    let out = path(tmp.path(), "a.html");
    let err = rolefit(&["survey", "--survey", &survey, "--matrix", &matrix, "-o", &out]);
    assert!(
        err.bad_input()
            .contains("the survey does not fit the role matrix"),
        "{}",
        err.stderr
    );
    assert!(!Path::new(&out).exists());
    // A listing shows the survey whatever matrix it is for.
    let listed = rolefit(&["survey", "--survey", &survey, "--matrix", &matrix, "-f", "csv"]);
    assert!(listed.ok().contains("Q1,I plan.,planning,false"));
    let err = rolefit(&["survey", "-o", "x.xlsx"]);
    assert!(err
        .bad_input()
        .contains("it writes .csv, .json, .txt, .html or .htm"));
}

/// The ids of a page's sections.
fn section_ids(text: &str) -> Vec<String> {
    let doc = parse(text);
    let ids = elements(&doc, "section")
        .iter()
        .filter_map(|s| s.attribute("id").map(str::to_string))
        .collect();
    ids
}

#[test]
fn the_personal_report_has_every_part_and_no_script() {
    let tmp = tempfile::tempdir().unwrap();
    let text = page(
        tmp.path(),
        "r001.html",
        &[
            "explain",
            SAMPLE,
            "--respondent",
            "R001",
            "--target",
            "Technical Program Manager",
        ],
    );
    let doc = parse(&text);
    ids_are_unique_and_labels_point_at_them(&doc);
    self_contained(&text);
    assert_eq!(section_ids(&text), ["roles", "chart", "fit", "target", "method"]);
    assert_eq!(elements(&doc, "script").len(), 0);
    assert_eq!(elements(&doc, "svg").len(), 1, "one chart, inline");
    let all = text_of(doc.root_element());
    for needle in [
        "Your best fit is Program Manager (fit score 0.830 out of 1), followed by Project Manager (0.747).",
        "stays first in",
        "Key focus: Coordination of related projects towards a common goal",
        "Identifying and managing interdependencies between projects",
        "Stakeholder Management you 3, role 4.5",
        "What it would take: Technical Program Manager",
        "Technical Expertise 1.5 \u{2192} 5",
        "6 points on 3 capabilities",
        "What it does not mean",
    ] {
        assert!(all.contains(needle), "{needle:?} in:\n{all}");
    }
    // The chart draws the top two roles only.
    let svg = &text[text.find("<svg").unwrap()..text.find("</svg>").unwrap()];
    assert!(svg.contains("Program Manager 0.830") && svg.contains("Project Manager 0.747"));
    assert!(!svg.contains("Product Manager 0."));
    // Print styles.
    assert!(text.contains("@media print") && text.contains("@page"));
    // Without --target there is no target section.
    let plain = page(
        tmp.path(),
        "p.html",
        &["explain", SAMPLE, "--respondent", "R002", "-f", "html"],
    );
    assert_eq!(section_ids(&plain), ["roles", "chart", "fit", "method"]);
    // Too few answers: the page says so.
    let few = page(
        tmp.path(),
        "few.html",
        &["explain", SAMPLE, "--respondent", "R004", "-f", "html"],
    );
    assert_eq!(section_ids(&few), ["roles", "method"]);
    assert!(few.contains("Not enough answers to rank the roles."));
}

#[test]
fn the_personal_report_refuses_what_it_cannot_do() {
    let tmp = tempfile::tempdir().unwrap();
    let out = path(tmp.path(), "x.html");
    let err = rolefit(&["explain", SAMPLE, "-o", &out]);
    assert!(
        err.bad_input().contains(
            "holds 36 respondents: name the one to report on with --respondent ID (for example --respondent \"R001\")"
        ),
        "{}",
        err.stderr
    );
    let err = rolefit(&["explain", SAMPLE, "--respondent", "R01", "-o", &out]);
    let stderr = err.bad_input();
    assert!(stderr.contains("has no respondent \"R01\""), "{stderr}");
    assert!(stderr.contains("its respondents are: R001, R002"), "{stderr}");
    let err = rolefit(&["explain", SAMPLE, "--all", "--format", "csv", "-o", &out]);
    assert!(
        err.bad_input().contains("--all writes one personal report"),
        "{}",
        err.stderr
    );
    let err = rolefit(&["explain", SAMPLE, "--all"]);
    assert!(err.bad_input().contains("with -o DIR"), "{}", err.stderr);
    // The other formats still need --target, and take no --respondent.
    let err = rolefit(&["explain", SAMPLE]);
    assert!(
        err.bad_input().contains("explain needs --target ROLE"),
        "{}",
        err.stderr
    );
    let err = rolefit(&[
        "explain",
        SAMPLE,
        "--target",
        "Project Manager",
        "--respondent",
        "R001",
    ]);
    assert!(
        err.bad_input()
            .contains("--respondent chooses whose personal report"),
        "{}",
        err.stderr
    );
    // Two rows with one id.
    let twice = write(tmp.path(), "twice.csv", "respondent,Q01,Q02\nana,4,5\nana,3,3\n");
    let err = rolefit(&["explain", &twice, "--respondent", "ana", "-o", &out]);
    assert!(
        err.bad_input()
            .contains("holds 2 respondents with the id \"ana\" (data rows 1, 2)"),
        "{}",
        err.stderr
    );
    assert!(!Path::new(&out).exists());
}

#[test]
fn all_writes_one_page_per_respondent_with_safe_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = path(tmp.path(), "reports/new");
    rolefit(&["explain", SAMPLE, "--all", "-o", &dir, "-q"]).ok();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 36);
    assert_eq!(names[0], "R001.html");
    parse(&std::fs::read_to_string(Path::new(&dir).join("R004.html")).unwrap());
    // Ids that are no file names, or the same file name.
    let r = write(
        tmp.path(),
        "r.csv",
        "respondent,Q01,Q05\n../etc/x,4,5\n../etc/x,2,2\nAna B,3,3\n.hidden,1,1\n",
    );
    let dir = path(tmp.path(), "odd");
    rolefit(&["explain", &r, "--all", "-o", &dir, "--min-answered", "0"]).ok();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Ana_B.html",
            "_.._etc_x-2.html",
            "_.._etc_x.html",
            "_.hidden.html"
        ]
    );
}

#[test]
fn hostile_names_cannot_add_markup_to_the_personal_report() {
    let tmp = tempfile::tempdir().unwrap();
    let m = write(
        tmp.path(),
        "m.csv",
        "role,capability,level,importance\n\
         <script>alert(1)</script>,Planning & <Budget>,4,1\n<script>alert(1)</script>,\"Co\"\"ding ]]>\",2,1\n\
         \"Eng \"\"&\"\" Co\",Planning & <Budget>,2,1\n\"Eng \"\"&\"\" Co\",\"Co\"\"ding ]]>\",5,1\n",
    );
    let r = write(
        tmp.path(),
        "r.csv",
        "respondent,Planning & <Budget>,\"Co\"\"ding ]]>\"\n<img src=x onerror=alert(1)>,4,2\n",
    );
    let text = page(
        tmp.path(),
        "p.html",
        &[
            "explain",
            &r,
            "--matrix",
            &m,
            "--target",
            "Eng \"&\" Co",
            "-f",
            "html",
        ],
    );
    let doc = parse(&text);
    assert_eq!(elements(&doc, "script").len(), 0);
    assert_eq!(elements(&doc, "img").len(), 0);
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text.contains("Planning &amp; &lt;Budget&gt;"));
    assert!(text.contains("Role fit: &lt;img src=x onerror=alert(1)&gt;"));
    assert!(text_of(doc.root_element()).contains("What it would take: Eng \"&\" Co"));
}

#[test]
fn the_personal_report_of_a_matrix_of_32_roles_charts_only_the_top_two() {
    let tmp = tempfile::tempdir().unwrap();
    let m = path(tmp.path(), "m.csv");
    let r = path(tmp.path(), "r.csv");
    for line in [
        format!("synth matrix --roles 32 --capabilities 12 --seed 4 -o {m}"),
        format!("synth responses --matrix {m} --rows 3 --seed 5 -o {r}"),
    ] {
        rolefit(&line.split(' ').collect::<Vec<_>>()).ok();
    }
    let text = page(
        tmp.path(),
        "p.html",
        &["explain", &r, "--matrix", &m, "--respondent", "s2", "-f", "html"],
    );
    let doc = parse(&text);
    let ranking = elements(&doc, "table")[0];
    assert_eq!(
        ranking
            .descendants()
            .filter(|n| n.tag_name().name() == "tr")
            .count(),
        6,
        "a header and 5 roles"
    );
    let all = text_of(doc.root_element());
    assert!(all.contains("The other 27 roles, best fit first: Role "), "{all}");
    assert!(all.contains("The other 30 roles are not drawn."));
    assert_eq!(elements(&doc, "article").len(), 2, "two role cards");
}

/// Splits a documented command line into words (double quotes group).
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn docs_person_commands_run() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("datasets")).unwrap();
    std::fs::copy(crate::util::root().join(SAMPLE), tmp.path().join(SAMPLE)).unwrap();
    // Every `rolefit` line of docs/person.md's `sh` blocks, then the
    // README's three coach commands (its other examples are run elsewhere).
    let sh_lines = |file: &str, keep: &dyn Fn(&str) -> bool| {
        let doc = std::fs::read_to_string(crate::util::root().join(file)).unwrap();
        let mut lines = Vec::new();
        let mut in_sh = false;
        for line in doc.lines() {
            match line.trim() {
                "```sh" => in_sh = true,
                "```" => in_sh = false,
                l if in_sh && l.starts_with("rolefit ") && keep(l) => lines.push(l.to_string()),
                _ => {}
            }
        }
        lines
    };
    let mut lines = sh_lines("docs/person.md", &|_| true);
    assert_eq!(lines.len(), 5, "{lines:?}");
    let coach = sh_lines("README.md", &|l| {
        l.starts_with("rolefit survey") || l.contains("rolefit-answers-")
    });
    assert_eq!(coach.len(), 3, "the README's coach commands: {coach:?}");
    lines.extend(coach);
    for line in &lines {
        // The client's download, made as the page makes it.
        if line.starts_with("rolefit score") {
            let page = std::fs::read_to_string(tmp.path().join("assessment.html")).unwrap();
            let pattern = role_pattern("Program Manager");
            let csv = downloaded(&page, "ana", |i| Some(pattern[i].clone()));
            write(tmp.path(), "rolefit-answers-ana.csv", &csv);
        }
        let args = words(line);
        let out = command(&args[1..].iter().map(String::as_str).collect::<Vec<_>>())
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for made in ["assessment.html", "ana.html", "R001.html", "reports/R036.html"] {
        assert!(tmp.path().join(made).exists(), "{made}");
    }
}

#[test]
fn statements_with_a_scale_of_their_own_offer_its_choices_and_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let survey = write(
        tmp.path(),
        "s.csv",
        "id,text,capability,reverse,scale\n\
         Q1,I plan.,planning,false,0..10\nQ2,I code.,coding,false,proficiency\nQ3,I test.,testing,false,\n",
    );
    let matrix = write(
        tmp.path(),
        "m.csv",
        "role,Planning,Coding,Testing\nLead,5,2,3\nDev,2,5,4\n",
    );
    let html = page(
        tmp.path(),
        "a.html",
        &["survey", "--survey", &survey, "--matrix", &matrix, "-f", "html"],
    );
    let doc = parse(&html);
    let labels: Vec<Vec<String>> = elements(&doc, "fieldset")
        .iter()
        .map(|f| {
            f.descendants()
                .filter(|n| n.tag_name().name() == "label")
                .map(text_of)
                .collect()
        })
        .collect();
    assert_eq!(labels[0].len(), 12, "0 to 10, and Skip");
    assert_eq!(labels[0][0], "0");
    assert_eq!(
        labels[1],
        ["None", "Basic", "Intermediate", "Advanced", "Expert", "Skip"]
    );
    assert_eq!(labels[2][2], "Neither agree nor disagree");
    // The values the page writes are read back on each item's scale.
    let values: Vec<Vec<String>> = elements(&doc, "fieldset")
        .iter()
        .map(|f| {
            f.descendants()
                .filter_map(|n| n.attribute("value"))
                .map(str::to_string)
                .collect()
        })
        .collect();
    let csv = downloaded(&html, "me", |i| {
        Some([&values[0][2], &values[1][4], &values[2][3]][i].to_string())
    });
    let file = write(tmp.path(), "answers.csv", &csv);
    let scores = rolefit(&[
        "score", &file, "--survey", &survey, "--matrix", &matrix, "--format", "csv", "--top", "1",
    ]);
    let (header, rows) = parse_csv(scores.ok());
    assert_eq!(rows[0][header.iter().position(|h| h == "role").unwrap()], "Dev");
}

#[test]
fn the_survey_table_names_capabilities_as_the_matrix_does() {
    let tmp = tempfile::tempdir().unwrap();
    let survey = write(
        tmp.path(),
        "s.csv",
        "id,text,capability,reverse\nQ1,I plan.,plan-ning,false\nQ2,I code.,coding,false\n",
    );
    let matrix = write(tmp.path(), "m.csv", "role,Plan Ning,Coding\nLead,5,2\nDev,2,5\n");
    let table = rolefit(&["survey", "--survey", &survey, "--matrix", &matrix]);
    assert!(table.ok().contains("Plan Ning"), "{}", table.stdout);
}
