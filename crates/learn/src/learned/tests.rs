//! Learned strategies: hand-computed scores, training errors, and the
//! model file.

use rolefit_model::{ProfileBatch, RoleMatrix};

use super::*;
use rolefit_score::test_util::{assert_close, batch, matrix};
use rolefit_score::{rank, CompiledMatrix};

/// Two roles over two capabilities on 1..5 (the levels do not matter to
/// learned strategies, only the shape and the scale).
fn two_roles() -> RoleMatrix {
    matrix(&[&[(3.0, 1.0), (3.0, 1.0)], &[(3.0, 1.0), (3.0, 1.0)]])
}

fn three_roles() -> RoleMatrix {
    matrix(&[
        &[(3.0, 1.0), (3.0, 1.0)],
        &[(3.0, 1.0), (3.0, 1.0)],
        &[(3.0, 1.0), (3.0, 1.0)],
    ])
}

fn scores(model: &LearnedModel, m: &RoleMatrix, profiles: &ProfileBatch) -> ndarray::Array2<f64> {
    model.score(&CompiledMatrix::new(m), profiles).unwrap()
}

#[test]
fn centroid_hand_computed() {
    // Role 0's holders: (4, 2) and (4, 4): mu = (4, 3), s = (0, 1).
    // Role 1's holder: (2, 5): mu = (2, 5), s = (0, 0). Floor f = 4/8 = 0.5.
    let m = two_roles();
    let train_batch = batch(
        2,
        &[
            &[Some(4.0), Some(2.0)],
            &[Some(4.0), Some(4.0)],
            &[Some(2.0), Some(5.0)],
        ],
    );
    let model = train(
        Method::Centroid,
        &ValidTrainParams::default(),
        &m,
        &train_batch,
        &[0, 0, 1],
    )
    .unwrap();
    assert_eq!(model.name(), "model:centroid");
    assert_eq!(model.training().per_role, vec![2, 1]);
    let s = scores(
        &model,
        &m,
        &batch(
            2,
            &[
                &[Some(4.0), Some(3.0)],
                &[Some(3.0), Some(3.0)],
                &[None, Some(3.0)],
            ],
        ),
    );
    // At role 0's centroid: 1.
    assert_close(s[(0, 0)], 1.0, 1e-15);
    // (3, 3) vs role 0: p = (1/0.25, 1/1.25) = (4, 0.8); d = 4*1 + 0.8*0 = 4;
    // 1 - sqrt(4 / 4.8) / 4 = 0.771783.
    assert_close(s[(1, 0)], 1.0 - (4.0f64 / 4.8).sqrt() / 4.0, 1e-12);
    // vs role 1: p = (4, 4); d = 4*1 + 4*4 = 20; 1 - sqrt(20 / 8) / 4.
    assert_close(s[(1, 1)], 1.0 - 2.5f64.sqrt() / 4.0, 1e-12);
    // A blank is left out: only capability 2 counts, where (3) is role 0's mean.
    assert_close(s[(2, 0)], 1.0, 1e-15);
    // Contributions split the loss as euclidean's do and sum to score - 1.
    let c = model
        .contributions(&CompiledMatrix::new(&m), &[3.0, 3.0], &[true, true], 0)
        .unwrap();
    assert_close(c.iter().sum::<f64>(), s[(1, 0)] - 1.0, 1e-12);
    assert_close(c[1], 0.0, 1e-15);
}

#[test]
fn roles_without_holders_score_zero() {
    let m = three_roles();
    let train_batch = batch(2, &[&[Some(4.0), Some(2.0)], &[Some(2.0), Some(5.0)]]);
    for method in Method::ALL {
        let model = train(method, &ValidTrainParams::default(), &m, &train_batch, &[0, 1]).unwrap();
        let s = scores(&model, &m, &batch(2, &[&[Some(3.0), Some(3.0)]]));
        assert_eq!(s[(0, 2)], 0.0, "{method}");
        assert!(s[(0, 0)] > 0.0 && s[(0, 1)] > 0.0, "{method}: {s}");
    }
}

#[test]
fn knn_hand_computed() {
    let m = two_roles();
    let train_batch = batch(
        2,
        &[
            &[Some(1.0), Some(1.0)],
            &[Some(1.0), Some(2.0)],
            &[Some(5.0), Some(5.0)],
        ],
    );
    let options = TrainParams::default().neighbours(2).check().unwrap();
    let model = train(Method::Knn, &options, &m, &train_batch, &[0, 0, 1]).unwrap();
    let s = scores(
        &model,
        &m,
        &batch(2, &[&[Some(1.0), Some(1.0)], &[Some(4.0), Some(4.0)]]),
    );
    // (1, 1): both neighbours hold role 0, at distances 0 and 1.
    let t = 1.0 / (1.0 + 0.5 / 4.0);
    assert_close(s[(0, 0)], (2.0 + t) / 3.0, 1e-12);
    assert_eq!(s[(0, 1)], 0.0);
    // (4, 4): (5, 5) at sqrt(2) holds role 1, (1, 2) at sqrt(13) role 0:
    // one neighbour each, the closer one wins the tie.
    let t1 = 1.0 / (1.0 + 2f64.sqrt() / 4.0);
    let t0 = 1.0 / (1.0 + 13f64.sqrt() / 4.0);
    assert_close(s[(1, 1)], (1.0 + t1) / 3.0, 1e-12);
    assert_close(s[(1, 0)], (1.0 + t0) / 3.0, 1e-12);
    assert_eq!(rank(s.row(1), Some(1))[0].role, 1);
    // A blank takes the training mean: capability 2's is (1 + 2 + 5) / 3.
    let s = scores(&model, &m, &batch(2, &[&[Some(5.0), None]]));
    let d = (8.0f64 / 3.0 - 5.0).abs();
    assert!(s[(0, 1)] > s[(0, 0)], "{s}");
    assert_close(s[(0, 1)], (1.0 + 1.0 / (1.0 + d / 4.0)) / 3.0, 1e-12);
    // k = 1 on its own training rows is perfect: why evaluation
    // cross-validates.
    let one = TrainParams::default().neighbours(1).check().unwrap();
    let model = train(Method::Knn, &one, &m, &train_batch, &[0, 0, 1]).unwrap();
    let s = scores(&model, &m, &train_batch);
    for (i, &label) in [0, 0, 1].iter().enumerate() {
        assert_eq!(rank(s.row(i), Some(1))[0].role, label);
    }
}

/// Respondents around (1, 1, 5), (5, 1, 1) and (1, 5, 1), deterministic.
fn separable() -> (RoleMatrix, ProfileBatch, Vec<usize>) {
    let m = matrix(&[
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
    ]);
    let centres = [[1.0, 1.0, 5.0], [5.0, 1.0, 1.0], [1.0, 5.0, 1.0]];
    let mut b = ProfileBatch::new(3);
    let mut labels = Vec::new();
    for i in 0..60 {
        let role = i % 3;
        let wobble = [(i % 2) as f64, ((i / 2) % 2) as f64, ((i / 4) % 2) as f64];
        let row: Vec<Option<f64>> = (0..3)
            .map(|k| {
                let v = centres[role][k]
                    + if centres[role][k] > 3.0 {
                        -wobble[k]
                    } else {
                        wobble[k]
                    };
                (i % 7 != k).then_some(v)
            })
            .collect();
        b.push(format!("r{i}"), &row);
        labels.push(role);
    }
    (m, b, labels)
}

#[test]
fn every_method_learns_separable_roles() {
    let (m, b, labels) = separable();
    for method in Method::ALL {
        let model = train(method, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
        let s = scores(&model, &m, &b);
        for (i, &label) in labels.iter().enumerate() {
            assert_eq!(rank(s.row(i), Some(1))[0].role, label, "{method}, row {i}");
            for &v in s.row(i) {
                assert!((0.0..=1.0).contains(&v), "{method}: {v}");
            }
        }
        if method == Method::Logistic {
            for i in 0..b.len() {
                assert_close(s.row(i).sum(), 1.0, 1e-12);
            }
        }
    }
}

#[test]
fn training_refuses_bad_input() {
    let m = two_roles();
    let b = batch(2, &[&[Some(4.0), Some(2.0)]]);
    let o = ValidTrainParams::default();
    assert!(matches!(
        train(Method::Knn, &o, &m, &ProfileBatch::new(2), &[]),
        Err(LearnError::NoTrainingRows)
    ));
    assert!(matches!(
        train(Method::Knn, &o, &m, &b, &[]),
        Err(LearnError::Labels(_))
    ));
    assert!(matches!(
        train(Method::Knn, &o, &m, &b, &[2]),
        Err(LearnError::Labels(_))
    ));
    let off = batch(2, &[&[Some(9.0), Some(2.0)]]);
    assert!(matches!(
        train(Method::Centroid, &o, &m, &off, &[0]),
        Err(LearnError::Score(_))
    ));
    // Parameters out of range never reach training.
    let check = |p: TrainParams| p.check().unwrap_err().to_string();
    assert_eq!(
        check(TrainParams::default().alpha(f64::NAN)),
        "the L2 penalty of logistic (alpha) must be a finite number of at least 0, got NaN"
    );
    assert!(TrainParams::default().alpha(-1.0).check().is_err());
    assert_eq!(
        check(TrainParams::default().neighbours(0)),
        "k of knn (--neighbours) must be at least 1, got 0"
    );
    assert!(TrainParams::default().max_iterations(0).check().is_err());
    assert_eq!(TrainParams::default().check().unwrap(), o);
}

#[test]
fn method_names() {
    assert_eq!(Method::from_name("KNN"), Some(Method::Knn));
    assert_eq!(Method::from_name("model:logistic"), Some(Method::Logistic));
    assert_eq!(Method::from_name("model:nope"), None);
    assert_eq!(Method::Centroid.to_string(), "centroid");
}

#[test]
fn model_files_round_trip_bit_for_bit() {
    let (m, b, labels) = separable();
    for method in Method::EVERY {
        let model = train(method, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
        let json = model.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format"], "rolefit-model");
        // Without calibration, the version before it, which holds the rest.
        assert_eq!(value["version"], 3);
        assert!(value.get("calibration").is_none());
        assert_eq!(value["method"], method.name());
        assert_eq!(value["capabilities"], serde_json::json!(["c0", "c1", "c2"]));
        assert_eq!(value["roles"], serde_json::json!(["Role 0", "Role 1", "Role 2"]));
        assert_eq!(value["training"]["rows"], 60);
        assert_eq!(value["training"]["per_role"]["Role 1"], 20);
        let back = LearnedModel::from_json(&json, &m).unwrap();
        assert_eq!(back.method(), method);
        assert_eq!(back.training(), model.training());
        assert_eq!(back.precisions(), model.precisions());
        assert_eq!(back.options().neighbours(), model.options().neighbours());
        assert_eq!(scores(&back, &m, &b), scores(&model, &m, &b), "{method}");
        assert_eq!(
            back.to_json(),
            json,
            "{method}: writing it again gives the same bytes"
        );
        // The matrix it was trained with travels in the file.
        let stored = LearnedModel::stored_matrix_of(&json).unwrap().unwrap();
        assert_eq!(stored.matrix, m);
        assert_eq!(stored.credit, None);
        assert_eq!(back.stored_matrix().map(|s| &s.matrix), Some(&m));
    }
}

#[test]
fn a_model_file_keeps_its_matrix_credit_and_old_files_still_read() {
    let (m, b, labels) = separable();
    let model = train(Method::Centroid, &ValidTrainParams::default(), &m, &b, &labels)
        .unwrap()
        .with_matrix_credit(Some("Data from somewhere.".into()));
    let json = model.to_json();
    let stored = LearnedModel::stored_matrix_of(&json).unwrap().unwrap();
    assert_eq!(stored.credit.as_deref(), Some("Data from somewhere."));
    let back = LearnedModel::from_json(&json, &m).unwrap();
    assert_eq!(back.stored_matrix(), Some(&stored));

    // A version 1 file: no matrix; read as before, scores the same.
    let mut v1: serde_json::Value = serde_json::from_str(&json).unwrap();
    let object = v1.as_object_mut().unwrap();
    object.remove("matrix");
    object.remove("matrix_credit");
    object.insert("version".into(), serde_json::json!(1));
    let v1 = serde_json::to_string_pretty(&v1).unwrap();
    assert_eq!(LearnedModel::stored_matrix_of(&v1).unwrap(), None);
    let old = LearnedModel::from_json(&v1, &m).unwrap();
    assert_eq!(old.stored_matrix(), None);
    assert_eq!(scores(&old, &m, &b), scores(&model, &m, &b));

    // A stored matrix that is not the one the file names is refused.
    let mut edited: serde_json::Value = serde_json::from_str(&json).unwrap();
    edited["matrix"]["capabilities"][2]["id"] = serde_json::json!("c9");
    edited["matrix"]["capabilities"][2]["name"] = serde_json::json!("c9");
    let edited = serde_json::to_string(&edited).unwrap();
    let e = LearnedModel::from_json(&edited, &m).unwrap_err();
    assert!(matches!(e, LearnError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("not the one it names"), "{e}");
}

#[test]
fn model_files_are_checked() {
    let (m, b, labels) = separable();
    let model = train(Method::Centroid, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
    let json = model.to_json();
    let err = |text: &str| LearnedModel::from_json(text, &m).unwrap_err();

    assert!(matches!(err("not json"), LearnError::NotAModel(_)));
    assert!(matches!(err(r#"{"format": "other"}"#), LearnError::NotAModel(_)));
    let later = json.replacen("\"version\": 3", "\"version\": 5", 1);
    assert!(matches!(
        err(&later),
        LearnError::UnsupportedVersion {
            found: 5,
            supported: 4
        }
    ));
    assert!(matches!(
        err(&json.replacen("\"version\": 3", "\"version\": 0", 1)),
        LearnError::UnsupportedVersion { found: 0, .. }
    ));
    let unknown = json.replacen("\"method\": \"centroid\"", "\"method\": \"forest\"", 1);
    assert!(matches!(err(&unknown), LearnError::UnknownMethod(_)));
    let no_roles = json.replacen("\"roles\"", "\"rules\"", 1);
    assert!(matches!(err(&no_roles), LearnError::NotAModel(_)));
    let wrong_floor = json.replacen("\"floor\": 0.5", "\"floor\": -1.0", 1);
    assert_ne!(wrong_floor, json);
    assert!(matches!(err(&wrong_floor), LearnError::Invalid(_)));
    let wrong_rows = json.replacen("\"rows\": 60", "\"rows\": 61", 1);
    assert!(matches!(err(&wrong_rows), LearnError::Invalid(_)));

    // Another matrix: other roles, other capabilities, another scale.
    let other = matrix(&[
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
    ]);
    let e = LearnedModel::from_json(&json, &other).unwrap_err();
    assert!(matches!(e, LearnError::Mismatch(_)), "{e}");
    assert!(e.to_string().contains("3 roles"), "{e}");
    let renamed = json.replacen("\"Role 2\"", "\"Role Two\"", 1);
    let e = LearnedModel::from_json(&renamed, &m).unwrap_err();
    assert!(e.to_string().contains("position 3"), "{e}");
    let seven = rolefit_score::test_util::matrix_on(
        rolefit_model::Scale::new(1.0, 7.0).unwrap(),
        &[&[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)][..]; 3],
    );
    assert!(matches!(
        LearnedModel::from_json(&json, &seven).unwrap_err(),
        LearnError::Mismatch(_)
    ));
}

#[test]
fn a_model_refuses_to_score_another_matrix() {
    let (m, b, labels) = separable();
    let model = train(Method::Knn, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
    let other = matrix(&[
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
        &[(3.0, 1.0), (3.0, 1.0), (3.0, 1.0)],
    ]);
    assert!(matches!(
        model.score(&CompiledMatrix::new(&other), &b),
        Err(rolefit_score::ScoreError::Strategy { .. })
    ));
}

#[test]
fn calibration_round_trips_in_the_model_file_and_old_files_have_none() {
    let (m, b, labels) = separable();
    let plain = train(Method::Knn, &ValidTrainParams::default(), &m, &b, &labels).unwrap();
    let mut calibration = Calibration {
        model: plain.calibrate_self(&m, &b, &labels, 1).unwrap(),
        ..Calibration::default()
    };
    let euclidean = calibrate_strategy(&rolefit_score::Euclidean, &m, &b, &labels).unwrap();
    calibration.strategies.insert("euclidean".into(), euclidean);
    let model = plain.clone().with_calibration(calibration.clone());
    let json = model.to_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["version"], MODEL_VERSION);
    assert_eq!(value["calibration"]["model"]["folds"], 5);
    assert_eq!(value["calibration"]["strategies"]["euclidean"]["rows"], 60);
    let back = LearnedModel::from_json(&json, &m).unwrap();
    assert_eq!(back.calibration(), Some(&calibration));
    assert_eq!(back.to_json(), json, "writing it again gives the same bytes");
    let t = calibration.model.as_ref().unwrap().temperature;
    assert_eq!(back.probability(), Some(Probability::Softmax(t)));

    // Without calibration: version 3, no field, none read back; an empty
    // calibration is none.
    let json3 = plain.clone().with_calibration(Calibration::default()).to_json();
    assert_eq!(json3, plain.to_json());
    let back = LearnedModel::from_json(&json3, &m).unwrap();
    assert_eq!((back.calibration(), back.probability()), (None, None));
    // A version 2 file (no weights, no calibration) still reads.
    let mut v2: serde_json::Value = serde_json::from_str(&json3).unwrap();
    v2.as_object_mut().unwrap().remove("weights");
    v2["version"] = serde_json::json!(2);
    let old = LearnedModel::from_json(&v2.to_string(), &m).unwrap();
    assert_eq!((old.calibration(), old.precisions()), (None, None));

    // What is refused.
    let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        edit(&mut v);
        LearnedModel::from_json(&v.to_string(), &m)
            .unwrap_err()
            .to_string()
    };
    let e = edited(&|v| v["calibration"]["model"]["temperature"] = serde_json::json!(-1.0));
    assert!(
        e.contains("calibration of the model: the temperature must be a positive number"),
        "{e}"
    );
    let e = edited(&|v| v["calibration"]["strategies"]["euclidean"]["rows"] = serde_json::json!(0));
    assert!(e.contains("calibration of euclidean"), "{e}");
    let e = edited(&|v| v["calibration"]["extra"] = serde_json::json!(1));
    assert!(e.contains("unknown field `extra`"), "{e}");
    let e = edited(&|v| {
        v.as_object_mut().unwrap().remove("matrix");
    });
    assert!(e.contains("needs the \"matrix\""), "{e}");
    let logistic = train(Method::Logistic, &ValidTrainParams::default(), &m, &b, &labels)
        .unwrap()
        .with_calibration(calibration.clone());
    let kept = logistic.calibration().unwrap();
    assert_eq!(
        (kept.model.as_ref(), &kept.strategies),
        (None, &calibration.strategies)
    );
    let mut v: serde_json::Value = serde_json::from_str(&logistic.to_json()).unwrap();
    v["calibration"]["model"] = value["calibration"]["model"].clone();
    let e = LearnedModel::from_json(&v.to_string(), &m)
        .unwrap_err()
        .to_string();
    assert!(e.contains("logistic keeps its own probabilities"), "{e}");
}
