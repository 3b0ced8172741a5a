//! One set of shared options, the same in every command (issue 16): the
//! options that commands gained or share now do what they say there.

use crate::util::{parse_csv, rolefit, root};

const SAMPLE: &str = "datasets/sample-responses.csv";
const LABELS: &str = "datasets/sample-responses.labels.csv";
const MATRIX: &str = "datasets/guide/matrix.csv";

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

#[test]
fn quiet_silences_notes_and_summaries_in_every_command_that_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let model = path(&dir, "m.json");
    let html = path(&dir, "r.html");
    // A column no capability or item matches: a note from every reader.
    let sample = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let lines: Vec<String> = sample
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}", if i == 0 { "extra" } else { "x" }))
        .collect();
    let input = path(&dir, "in.csv");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["score", &input, "-f", "csv"],
        vec!["cluster", &input, "--clusters", "2"],
        vec!["train", &input, "--labels", LABELS, "-o", &model],
        vec![
            "evaluate",
            &input,
            "--labels",
            LABELS,
            "--strategies",
            "euclidean",
        ],
        vec!["report", &input, "-o", &html],
        vec![
            "explain",
            &input,
            "--target",
            "Product Manager",
            "--budget",
            "1000",
        ],
    ];
    for args in runs {
        let args = [&args[..], &["--ignore-unknown-columns"]].concat();
        let loud = rolefit(&args);
        loud.ok();
        assert!(!loud.stderr.is_empty(), "{args:?} says something without --quiet");
        let quiet = rolefit(&[&args[..], &["--quiet"]].concat());
        quiet.ok();
        assert_eq!(quiet.stderr, "", "{args:?} --quiet");
        assert_eq!(quiet.stdout, loud.stdout, "{args:?}: --quiet changes no output");
    }
}

#[test]
fn min_answered_leaves_out_of_cluster_and_train_only_when_asked() {
    // R004 answered 6 of the 20 capabilities.
    let all = rolefit(&["cluster", SAMPLE, "--clusters", "2", "-f", "csv"]);
    let (_, rows) = parse_csv(all.ok());
    assert_eq!(rows.len(), 36, "everyone is kept by default");
    let some = rolefit(&[
        "cluster",
        SAMPLE,
        "--clusters",
        "2",
        "-f",
        "csv",
        "--min-answered",
        "0.5",
    ]);
    let (_, rows) = parse_csv(some.ok());
    assert_eq!(rows.len(), 35);
    assert!(rows.iter().all(|r| r[0] != "R004"));
    assert!(
        some.stderr
            .contains("note: 1 respondent answered fewer than 10 of the 20 capabilities and was left out"),
        "{}",
        some.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let model = path(&dir, "m.json");
    let run = rolefit(&[
        "train",
        SAMPLE,
        "--labels",
        LABELS,
        "-o",
        &model,
        "--min-answered",
        "0.5",
    ]);
    run.ok();
    assert!(run.stderr.contains("on 35 respondents"), "{}", run.stderr);
    let all = rolefit(&[
        "train",
        SAMPLE,
        "--labels",
        LABELS,
        "-o",
        &model,
        "--min-answered",
        "1",
    ]);
    all.ok();
    assert!(
        all.stderr
            .contains("note: 3 respondents answered fewer than 20 of the 20 capabilities and were left out")
            && all.stderr.contains("on 33 respondents"),
        "{}",
        all.stderr
    );
}

#[test]
fn center_applies_wherever_respondents_are_scored() {
    let explain = [
        "explain",
        SAMPLE,
        "--target",
        "Product Manager",
        "--budget",
        "1000",
        "-f",
        "json",
    ];
    let plain = rolefit(&explain);
    let centred = rolefit(&[&explain[..], &["--center", "person"]].concat());
    assert!(centred.ok().contains("euclidean+center"), "{}", centred.stdout);
    assert_ne!(plain.ok(), centred.stdout);
    let cluster = rolefit(&[
        "cluster",
        SAMPLE,
        "--clusters",
        "2",
        "-f",
        "json",
        "--center",
        "person",
    ]);
    assert!(cluster.ok().contains("euclidean+center"));
    let dir = tempfile::tempdir().unwrap();
    let html = path(&dir, "r.html");
    rolefit(&["report", SAMPLE, "-o", &html, "--center", "person"]).ok();
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .contains("euclidean+center"));
}

#[test]
fn report_groups_as_cluster_does() {
    let dir = tempfile::tempdir().unwrap();
    let html = path(&dir, "r.html");
    let page = |extra: &[&str]| {
        rolefit(&[&["report", SAMPLE, "-o", &html][..], extra].concat()).ok();
        std::fs::read_to_string(&html).unwrap()
    };
    // cluster's range, 2..8, shortened so that clusters can reach
    // --min-group 5 on average: 36 respondents, 35 ranked, at most 7.
    assert!(page(&[]).contains("grouped by k-means on their answers (missing answers imputed with the capability's mean), for k = 2 to 7;"));
    let fixed = page(&["--clusters", "3", "--method", "gmm"]);
    assert!(fixed.contains("grouped by a Gaussian mixture"), "gmm");
    assert!(fixed.contains("into <b>k = 3</b> clusters (--clusters)"));
    assert!(page(&["--k-range", "3..4"]).contains("for k = 3 to 4;"));
    assert!(page(&["--clusters", "20"])
        .contains("Too few ranked respondents to form 20 clusters of at least 5 each."));
}

#[test]
fn matrix_commands_take_the_file_as_an_argument_or_with_matrix() {
    let check = rolefit(&["matrix", "check", MATRIX]);
    assert_eq!(check.ok(), rolefit(&["matrix", "check", "--matrix", MATRIX]).ok());
    let overlap = rolefit(&["matrix", "overlap", MATRIX, "-f", "csv"]);
    assert_eq!(
        overlap.ok(),
        rolefit(&["matrix", "overlap", "--matrix", MATRIX, "-f", "csv"]).ok()
    );
    // Without one, the built-in matrix, as everywhere.
    assert!(rolefit(&["matrix", "check"])
        .ok()
        .contains("ok: built-in is a valid role matrix"));
}

#[test]
fn every_listing_takes_o_and_follows_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (command, name) in [
        (&["roles"][..], "roles.json"),
        (&["survey"], "survey.json"),
        (&["strategies"], "strategies.json"),
        (&["matrix", "overlap"], "overlap.json"),
    ] {
        let file = path(&dir, name);
        let run = rolefit(&[command, &["-o", &file]].concat());
        assert_eq!(run.ok(), "", "{command:?} writes the file, not standard output");
        let text = std::fs::read_to_string(&file).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{command:?}: {e}"));
    }
    let file = path(&dir, "roles.csv");
    rolefit(&["roles", "-o", &file]).ok();
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("role,capability,level,importance"));
}

#[test]
fn evaluate_writes_csv_one_row_per_strategy() {
    let run = rolefit(&[
        "evaluate",
        SAMPLE,
        "--labels",
        LABELS,
        "--strategies",
        "euclidean,cosine",
        "-f",
        "csv",
        "--k-accuracy",
        "2",
    ]);
    let (header, rows) = parse_csv(run.ok());
    assert_eq!(header[0], "strategy");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "euclidean");
    assert_eq!(rows[0][5], "2", "k");
}

#[test]
fn options_only_where_they_do_something_and_the_names_users_try() {
    // No CSV read or written: no --encoding, no --no-sanitize.
    rolefit(&["completions", "bash", "--encoding", "latin1"]).bad_input();
    rolefit(&["man", "--no-sanitize"]).bad_input();
    // --output-format is --format.
    let a = rolefit(&["roles", "--output-format", "json"]);
    assert_eq!(a.ok(), rolefit(&["roles", "--format", "json"]).ok());
    // report takes no labels, and says what does.
    let dir = tempfile::tempdir().unwrap();
    let html = path(&dir, "r.html");
    let err = rolefit(&["report", SAMPLE, "-o", &html, "--labels", LABELS]);
    let err = err.bad_input();
    assert!(err.contains("report takes no --labels"), "{err}");
    assert!(err.contains("evaluate and train take --labels FILE"), "{err}");
    assert!(!root().join(&html).exists());
}

#[test]
fn composed_names_and_weights_are_accepted_where_strategies_are_named() {
    let composed = rolefit(&["score", SAMPLE, "--strategy", "euclidean+center", "-f", "json"]);
    let flag = rolefit(&["score", SAMPLE, "--center", "person", "-f", "json"]);
    assert_eq!(composed.ok(), flag.ok());
    // Uniform weights are the default: the same scores, under the plain name.
    let plain = rolefit(&["score", SAMPLE, "-f", "json"]);
    let uniform = rolefit(&["score", SAMPLE, "--weights", "uniform", "-f", "json"]);
    assert_eq!(uniform.ok(), plain.ok());
    let named = rolefit(&["score", SAMPLE, "--strategy", "euclidean+uniform", "-f", "json"]);
    assert_eq!(named.ok(), plain.stdout);
    let importance = rolefit(&["score", SAMPLE, "--weights", "importance", "-f", "json"]);
    assert!(
        importance.ok().contains("euclidean+importance"),
        "{}",
        importance.stdout
    );
    assert_ne!(importance.stdout, plain.stdout);
    let named = rolefit(&[
        "score",
        SAMPLE,
        "--strategy",
        "euclidean+importance",
        "-f",
        "json",
    ]);
    assert_eq!(named.ok(), importance.stdout);
    let err = rolefit(&["score", SAMPLE, "--strategy", "cosine", "--weights", "uniform"]);
    assert!(err.bad_input().contains("distance strategies"), "{}", err.stderr);
    let err = rolefit(&["score", SAMPLE, "--weights", "learned"]);
    assert!(err.bad_input().contains("--model FILE"), "{}", err.stderr);
    // cluster and report take the weights in the name, but not learned
    // ones, which need a model file.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html").display().to_string();
    rolefit(&[
        "report",
        SAMPLE,
        "--strategy",
        "euclidean+importance",
        "-o",
        &page,
    ])
    .ok();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("Role similarity (euclidean+importance)"),
        "the page names its strategy"
    );
    for args in [vec!["cluster"], vec!["report", "-o", &page]] {
        let err = rolefit(&[&args[..], &[SAMPLE, "--strategy", "euclidean+learned"]].concat());
        assert!(
            err.bad_input().contains("+learned needs the learned weights"),
            "{}",
            err.stderr
        );
    }
}
