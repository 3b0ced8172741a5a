//! `train --calibrate` and the `probability` column of `score`: the
//! temperatures the model file keeps, the probabilities recomputed here
//! from the printed scores, and the refusals.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::util::{parse_csv, rolefit};

/// `rows` labelled respondents of the built-in matrix (4 roles) drawn with
/// `seed` into `dir`: the responses and the labels.
fn labelled(dir: &Path, rows: &str, seed: &str) -> (String, String) {
    crate::evaluate::labelled(dir, rows, seed, "1.2", "0.05")
}

/// Trains `method` with `extra` options into `name` in `dir`: the model
/// file's path, its JSON and train's standard error.
fn train(
    dir: &Path,
    data: &(String, String),
    method: &str,
    name: &str,
    extra: &[&str],
) -> (String, Value, String) {
    let model = dir.join(name).to_str().unwrap().to_string();
    let mut args = vec![
        "train", &data.0, "--labels", &data.1, "--method", method, "-o", &model,
    ];
    args.extend_from_slice(extra);
    let run = rolefit(&args);
    run.ok();
    let file = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    (model, file, run.stderr)
}

/// `softmax(scores / t)`.
fn softmax(scores: &[f64], t: f64) -> Vec<f64> {
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = scores.iter().map(|s| ((s - top) / t).exp()).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|x| x / total).collect()
}

/// Per ranked respondent of `score --format json` with `args`: the scores
/// and probabilities of the ranked roles, in rank order.
fn json_rankings(args: &[&str]) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut all = vec!["score", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let out: Value = serde_json::from_str(rolefit(&all).ok()).unwrap();
    out.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "ranked")
        .map(|r| {
            let ranking = r["ranking"].as_array().unwrap();
            let field =
                |name: &str| -> Vec<f64> { ranking.iter().map(|e| e[name].as_f64().unwrap()).collect() };
            (field("score"), field("probability"))
        })
        .collect()
}

/// Every respondent's probabilities equal `softmax(score / t)` of their
/// printed scores (all roles shown), and sum to 1.
#[track_caller]
fn assert_softmax(rankings: &[(Vec<f64>, Vec<f64>)], t: f64) {
    assert!(!rankings.is_empty());
    for (scores, probabilities) in rankings {
        assert_eq!(scores.len(), 4, "every role is shown");
        let expected = softmax(scores, t);
        for (p, e) in probabilities.iter().zip(&expected) {
            assert!((p - e).abs() < 1e-12, "{probabilities:?} vs {expected:?}");
        }
        assert!((probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn train_calibrate_then_score_gives_the_softmax_at_the_kept_temperature() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled(dir.path(), "200", "21");
    let (model, file, stderr) = train(
        dir.path(),
        &data,
        "knn",
        "knn.json",
        &["--calibrate", "euclidean,cosine+center"],
    );
    assert!(
        stderr.contains("calibrated model:knn (T = ")
            && stderr.contains("out of fold over 5 folds")
            && stderr.contains("on 200 labelled respondents"),
        "{stderr}"
    );
    assert_eq!(file["version"], 4);
    let calibration = &file["calibration"];
    assert_eq!(calibration["model"]["rows"], 200);
    assert_eq!(calibration["model"]["folds"], 5);
    let t_model = calibration["model"]["temperature"].as_f64().unwrap();
    let strategies = calibration["strategies"].as_object().unwrap();
    assert_eq!(
        strategies.keys().collect::<Vec<_>>(),
        ["cosine+center", "euclidean"]
    );
    let t_euclidean = strategies["euclidean"]["temperature"].as_f64().unwrap();
    let t_centred = strategies["cosine+center"]["temperature"].as_f64().unwrap();

    assert_softmax(
        &json_rankings(&[&data.0, "--model", &model, "--top", "4"]),
        t_model,
    );
    let by_name = &["--strategy", "euclidean", "--model", &model, "--top", "4"];
    assert_softmax(
        &json_rankings(&[&[data.0.as_str()][..], by_name].concat()),
        t_euclidean,
    );
    assert_softmax(
        &json_rankings(&[
            &data.0,
            "--strategy",
            "cosine",
            "--center",
            "person",
            "--model",
            &model,
            "--top",
            "4",
        ]),
        t_centred,
    );

    // CSV: a probability column at six decimals, summing to 1 per
    // respondent over all roles; --top 2 shows the same probabilities of
    // the first two (a softmax over every role, not over those shown).
    let csv = |top: &str| {
        let run = rolefit(&[
            "score", &data.0, "--model", &model, "--top", top, "-f", "csv", "-q",
        ]);
        let (header, rows) = parse_csv(run.ok());
        assert_eq!(header.last().map(String::as_str), Some("probability"));
        let mut by_id: HashMap<String, Vec<f64>> = HashMap::new();
        for r in rows.iter().filter(|r| r[5] == "ranked") {
            by_id.entry(r[0].clone()).or_default().push(r[6].parse().unwrap());
        }
        by_id
    };
    // Tables show it after each score; with --confidence, CSV puts it last.
    let table = rolefit(&["score", &data.0, "--model", &model, "--top", "2", "-q"]);
    assert!(table.ok().contains(" (p 0."), "{}", table.stdout);
    let block = rolefit(&[
        "score",
        &data.0,
        "--model",
        &model,
        "--top",
        "1",
        "--explain",
        "-q",
    ]);
    assert!(block.ok().contains(" (p "), "{}", block.stdout);
    let run = rolefit(&[
        "score",
        &data.0,
        "--model",
        &model,
        "--confidence",
        "-f",
        "csv",
        "-q",
    ]);
    assert!(run
        .ok()
        .starts_with("respondent,rank,role,score,answered,status,margin,stability,probability\n"));
    let (all, two) = (csv("4"), csv("2"));
    assert_eq!(all.len(), 200);
    for (id, p) in &all {
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 3e-6, "{id}: {p:?}");
        assert_eq!(two[id], p[..2], "{id}");
    }
}

#[test]
fn a_missing_temperature_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled(dir.path(), "60", "22");
    let (calibrated, ..) = train(dir.path(), &data, "centroid", "c.json", &["--calibrate"]);
    let err = rolefit(&[
        "score",
        &data.0,
        "--strategy",
        "manhattan",
        "--model",
        &calibrated,
    ]);
    let msg = err.bad_input();
    assert!(
        msg.contains("c.json: the model keeps no temperature for manhattan (it keeps euclidean)")
            && msg.contains("fit one with `rolefit train --calibrate manhattan ...`"),
        "{msg}"
    );
    // Bare --calibrate: the default strategy, scored by name.
    rolefit(&[
        "score",
        &data.0,
        "--strategy",
        "euclidean",
        "--model",
        &calibrated,
    ])
    .ok();

    let (plain, file, _) = train(dir.path(), &data, "centroid", "plain.json", &[]);
    assert_eq!(file["version"], 3);
    assert!(file.get("calibration").is_none());
    let msg = rolefit(&["score", &data.0, "--strategy", "euclidean", "--model", &plain])
        .bad_input()
        .to_string();
    assert!(
        msg.contains("plain.json: the model keeps no temperature for euclidean (it keeps none: it was trained without --calibrate)"),
        "{msg}"
    );
    // Without --calibrate, a centroid model gives no probability.
    let (header, _) = parse_csv(rolefit(&["score", &data.0, "--model", &plain, "-f", "csv", "-q"]).ok());
    assert_eq!(
        header,
        ["respondent", "rank", "role", "score", "answered", "status"]
    );
    // A bare --calibrate before the input takes it as its list.
    let msg = rolefit(&["train", "--calibrate", &data.0, "--labels", &data.1])
        .bad_input()
        .to_string();
    assert!(
        msg.contains("--calibrate took") && msg.contains("put the input first"),
        "{msg}"
    );
    // +learned applies to distances only.
    let msg = rolefit(&[
        "train",
        &data.0,
        "--labels",
        &data.1,
        "--calibrate",
        "cosine+learned",
        "-o",
        &plain,
    ])
    .bad_input()
    .to_string();
    assert!(msg.contains("apply to the distance strategies"), "{msg}");
}

#[test]
fn learned_weights_are_calibrated_and_scored_with_the_model_files_weights() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled(dir.path(), "150", "24");
    let (model, file, _) = train(
        dir.path(),
        &data,
        "centroid",
        "w.json",
        &["--calibrate", "euclidean+learned,manhattan+learned+center"],
    );
    let strategies = &file["calibration"]["strategies"];
    assert_eq!(strategies["euclidean+learned"]["folds"], 5);
    let t = strategies["euclidean+learned"]["temperature"].as_f64().unwrap();
    let args = [
        "--strategy",
        "euclidean",
        "--weights",
        "learned",
        "--model",
        &model,
        "--top",
        "4",
    ];
    assert_softmax(&json_rankings(&[&[data.0.as_str()][..], &args].concat()), t);
    let t = strategies["manhattan+learned+center"]["temperature"]
        .as_f64()
        .unwrap();
    let args = [
        "--strategy",
        "manhattan",
        "--weights",
        "learned",
        "--center",
        "person",
    ];
    assert_softmax(
        &json_rankings(&[&[data.0.as_str()][..], &args, &["--model", &model, "-k", "4"]].concat()),
        t,
    );
    // Without a temperature for it, --weights learned scores as before,
    // without a probability.
    let (header, _) = parse_csv(
        rolefit(&[
            "score",
            &data.0,
            "--weights",
            "learned",
            "--strategy",
            "manhattan",
            "--model",
            &model,
            "-f",
            "csv",
            "-q",
        ])
        .ok(),
    );
    assert_eq!(
        header,
        ["respondent", "rank", "role", "score", "answered", "status"]
    );
}

#[test]
fn logistic_gives_its_own_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled(dir.path(), "120", "23");
    let (model, file, stderr) = train(dir.path(), &data, "logistic", "l.json", &["--calibrate"]);
    assert!(
        stderr.contains("model:logistic (its own probabilities), euclidean (T = "),
        "{stderr}"
    );
    assert!(file["calibration"].get("model").is_none());
    for (scores, probabilities) in json_rankings(&[&data.0, "--model", &model, "--top", "4"]) {
        let total: f64 = scores.iter().sum();
        for (p, s) in probabilities.iter().zip(&scores) {
            assert!((p - s / total).abs() < 1e-12);
        }
    }
}

#[test]
fn the_probability_is_calibrated_on_held_out_respondents() {
    // Trained and calibrated on 600 respondents, scored on 1,000 others
    // drawn the same way: the share right among those given a top-1
    // probability in a bin is near the bin's mean probability.
    let (dir, held_out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let train_data = labelled(dir.path(), "600", "31");
    let test_data = labelled(held_out.path(), "1000", "32");
    let (model, ..) = train(dir.path(), &train_data, "centroid", "m.json", &["--calibrate"]);
    let truth = crate::evaluate::read_labels(&test_data.1);
    for strategy in [None, Some("euclidean")] {
        let mut args = vec![
            "score",
            &test_data.0,
            "--model",
            &model,
            "--top",
            "1",
            "-f",
            "csv",
            "-q",
        ];
        args.extend(strategy.map(|s| ["--strategy", s]).iter().flatten());
        let (_, rows) = parse_csv(rolefit(&args).ok());
        let (mut n, mut confidence, mut right) = ([0.0; 10], [0.0; 10], [0.0; 10]);
        for r in rows.iter().filter(|r| r[5] == "ranked") {
            let p: f64 = r[6].parse().unwrap();
            let bin = ((p * 10.0) as usize).min(9);
            n[bin] += 1.0;
            confidence[bin] += p;
            right[bin] += f64::from(u8::from(truth[&r[0]] == r[2]));
        }
        let total: f64 = n.iter().sum();
        let ece: f64 = (0..10)
            .filter(|&b| n[b] > 0.0)
            .map(|b| n[b] / total * ((right[b] - confidence[b]) / n[b]).abs())
            .sum();
        assert!(ece < 0.05, "{strategy:?}: expected calibration error {ece}");
    }
}
