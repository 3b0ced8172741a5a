//! The evaluation as a whole: metrics match an independent computation,
//! learned strategies never see their test fold, results are deterministic.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolefit_model::{ProfileBatch, RoleMatrix};

use super::*;
use crate::learned::{train, Method, TrainParams, ValidTrainParams};
use rolefit_score::test_util::{batch, matrix};
use rolefit_score::{Cosine, Euclidean, Outcome, Scorer};

/// Four roles over six capabilities, and `n` respondents drawn around
/// them with Gaussian-ish noise of `noise` points, a few blanks.
fn labelled(n: usize, noise: f64, seed: u64) -> (RoleMatrix, ProfileBatch, Vec<usize>) {
    let levels: [[f64; 6]; 4] = [
        [4.0, 2.0, 3.0, 5.0, 1.0, 3.0],
        [2.0, 5.0, 1.0, 3.0, 4.0, 2.0],
        [5.0, 4.0, 4.0, 2.0, 2.0, 1.0],
        [1.0, 1.0, 5.0, 4.0, 3.0, 5.0],
    ];
    let rows: Vec<Vec<(f64, f64)>> = levels
        .iter()
        .map(|r| r.iter().map(|&l| (l, 1.0)).collect())
        .collect();
    let rows: Vec<&[(f64, f64)]> = rows.iter().map(Vec::as_slice).collect();
    let m = matrix(&rows);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = ProfileBatch::new(6);
    let mut labels = Vec::new();
    for i in 0..n {
        let role = rng.gen_range(0..4);
        let row: Vec<Option<f64>> = levels[role]
            .iter()
            .map(|&l| {
                // Sum of uniforms: roughly normal, sd = noise.
                let z: f64 = (0..12).map(|_| rng.gen::<f64>()).sum::<f64>() - 6.0;
                let v = (l + noise * z).round().clamp(1.0, 5.0);
                (rng.gen::<f64>() > 0.05).then_some(v)
            })
            .collect();
        b.push(format!("r{i}"), &row);
        labels.push(role);
    }
    (m, b, labels)
}

fn options() -> EvaluateOptions {
    EvaluateOptions {
        resamples: 20,
        ..EvaluateOptions::default()
    }
}

#[test]
fn accuracy_equals_counting_the_scorers_top_choices() {
    let (m, b, labels) = labelled(200, 1.0, 3);
    let cm = CompiledMatrix::new(&m);
    let ev = evaluate(
        &m,
        &b,
        &labels,
        &[Candidate::Fixed(&Euclidean), Candidate::Fixed(&Cosine)],
        &options(),
    )
    .unwrap();
    let needed = Scorer::new(&cm, &Euclidean).needed();
    for (report, strategy) in ev.strategies.iter().zip([&Euclidean as &dyn Strategy, &Cosine]) {
        let outcomes = Scorer::new(&cm, strategy).top(Some(3)).score_batch(&b).unwrap();
        let (mut hits1, mut hits3, mut n) = (0, 0, 0);
        for (o, &label) in outcomes.iter().zip(&labels) {
            if let Outcome::Ranked(r) = o {
                n += 1;
                hits1 += usize::from(r[0].role == label);
                hits3 += usize::from(r.iter().any(|x| x.role == label));
            }
        }
        assert_eq!(report.n, n);
        assert_eq!(ev.n + ev.excluded, b.len());
        assert_eq!(ev.needed, needed);
        assert_eq!(report.top1_accuracy, hits1 as f64 / n as f64, "{}", report.name);
        assert_eq!(report.topk_accuracy, hits3 as f64 / n as f64, "{}", report.name);
        assert_eq!(report.confusion.sum(), n);
        let diagonal: usize = (0..4).map(|j| report.confusion[(j, j)]).sum();
        assert_eq!(diagonal, hits1);
        assert!(report.mrr >= report.top1_accuracy && report.mrr <= 1.0);
        assert!((0.0..=1.0).contains(&report.stability));
        assert!(!report.cross_validated);
    }
    assert_eq!(ev.agreement.len(), 1);
    assert_eq!(ev.agreement[0].a, "euclidean");
    assert_eq!(ev.agreement[0].b, "cosine");
}

#[test]
fn a_strategy_agrees_with_itself() {
    let (m, b, labels) = labelled(50, 0.8, 4);
    let ev = evaluate(
        &m,
        &b,
        &labels,
        &[Candidate::Fixed(&Euclidean), Candidate::Fixed(&Euclidean)],
        &options(),
    )
    .unwrap();
    let a = &ev.agreement[0];
    assert_eq!(a.kendall_tau, Some(1.0));
    assert_eq!(a.top1_agreement, 1.0);
    assert_eq!(a.tau_respondents, ev.n);
    assert_eq!(ev.strategies[0], ev.strategies[1]);
}

#[test]
fn learned_strategies_never_score_their_training_rows() {
    // Noisy enough that 1-nearest-neighbour, perfect on its own training
    // rows, is far from perfect on rows it has not seen.
    let (m, b, labels) = labelled(300, 1.5, 5);
    let one = TrainParams::default().neighbours(1).check().unwrap();
    let resubstitution = train(Method::Knn, &one, &m, &b, &labels).unwrap();
    let s = resubstitution.score(&CompiledMatrix::new(&m), &b).unwrap();
    let own_hits = (0..b.len())
        .filter(|&i| rolefit_score::rank(s.row(i), Some(1))[0].role == labels[i])
        .count();
    // Perfect except where two rows are identical but hold different roles.
    assert!(own_hits as f64 / b.len() as f64 > 0.97, "{own_hits}");

    let ev = evaluate(
        &m,
        &b,
        &labels,
        &[Candidate::Learned(Method::Knn, one)],
        &options(),
    )
    .unwrap();
    let cv = ev.strategies[0].top1_accuracy;
    assert!(ev.strategies[0].cross_validated);
    assert!(cv < 0.9, "cross-validated 1-NN should not be near-perfect: {cv}");
    assert!(cv > 0.3, "but much better than chance (0.25): {cv}");
}

#[test]
fn evaluation_is_deterministic_and_independent_of_threads() {
    let (m, b, labels) = labelled(120, 1.0, 6);
    let candidates = [
        Candidate::Fixed(&Euclidean),
        Candidate::Learned(Method::Centroid, ValidTrainParams::default()),
        Candidate::Learned(Method::Knn, ValidTrainParams::default()),
        Candidate::Learned(Method::Logistic, ValidTrainParams::default()),
    ];
    let one = evaluate(&m, &b, &labels, &candidates, &options()).unwrap();
    let three = evaluate(
        &m,
        &b,
        &labels,
        &candidates,
        &EvaluateOptions {
            threads: 3,
            ..options()
        },
    )
    .unwrap();
    assert_eq!(one.strategies, three.strategies);
    assert_eq!(one.agreement, three.agreement);
    assert_eq!(one.agreement.len(), 6);
    let reseeded = evaluate(
        &m,
        &b,
        &labels,
        &candidates,
        &EvaluateOptions { seed: 9, ..options() },
    )
    .unwrap();
    // Another seed: other folds, so learned results move; euclidean's
    // accuracy does not depend on the seed.
    assert_eq!(
        one.strategies[0].top1_accuracy,
        reseeded.strategies[0].top1_accuracy
    );
}

#[test]
fn respondents_below_the_minimum_are_left_out() {
    let m = matrix(&[
        &[(4.0, 1.0), (2.0, 1.0), (3.0, 1.0), (1.0, 1.0)],
        &[(1.0, 1.0), (5.0, 1.0), (2.0, 1.0), (4.0, 1.0)],
    ]);
    let b = batch(
        4,
        &[
            &[Some(4.0), Some(2.0), Some(3.0), Some(1.0)],
            &[Some(1.0), None, None, None],
            &[Some(1.0), Some(5.0), None, Some(4.0)],
        ],
    );
    let ev = evaluate(&m, &b, &[0, 1, 1], &[Candidate::Fixed(&Euclidean)], &options()).unwrap();
    assert_eq!((ev.n, ev.excluded, ev.needed), (2, 1, 2));
    assert_eq!(ev.strategies[0].top1_accuracy, 1.0);
    assert_eq!(ev.strategies[0].macro_f1, 1.0);
}

#[test]
fn errors_are_typed() {
    let (m, b, labels) = labelled(10, 1.0, 7);
    let fixed = [Candidate::Fixed(&Euclidean)];
    let e = evaluate(&m, &b, &labels[..9], &fixed, &options()).unwrap_err();
    assert!(matches!(e, EvaluateError::Labels(_)));
    let mut bad = labels.clone();
    bad[0] = 4;
    assert!(matches!(
        evaluate(&m, &b, &bad, &fixed, &options()),
        Err(EvaluateError::Labels(_))
    ));
    let learned = [Candidate::Learned(Method::Centroid, ValidTrainParams::default())];
    let e = evaluate(
        &m,
        &b,
        &labels,
        &learned,
        &EvaluateOptions {
            folds: 11,
            ..options()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, EvaluateError::TooFewForFolds { rows: 10, folds: 11 }),
        "{e}"
    );
    let e = evaluate(&m, &ProfileBatch::new(6), &[], &fixed, &options()).unwrap_err();
    assert!(matches!(e, EvaluateError::NoRespondents { .. }));
    let e = evaluate(&m, &b, &labels, &fixed, &EvaluateOptions { k: 0, ..options() }).unwrap_err();
    assert!(matches!(e, EvaluateError::Options(_)));
}

#[test]
fn calibration_metrics_agree_with_an_independent_computation() {
    // Every respondent is kept (few blanks, min_answered 0.5), so rows of
    // the evaluation are rows of the batch.
    let (m, b, labels) = labelled(300, 1.2, 21);
    let cm = CompiledMatrix::new(&m);
    let opts = options();
    let ev = evaluate(&m, &b, &labels, &[Candidate::Fixed(&Euclidean)], &opts).unwrap();
    assert_eq!(ev.n, 300);
    let report = &ev.strategies[0];
    let scores = Euclidean.score(&cm, &b).unwrap();
    let folds = stratified_folds(&labels, 4, opts.folds, opts.seed);
    // The probability of each respondent's top role, the temperature
    // fitted on the other folds by a plain grid search of the log-loss.
    let loss = |rows: &[usize], t: f64| -> f64 {
        rows.iter()
            .map(|&i| {
                let row = scores.row(i);
                let z: f64 = row.iter().map(|s| (s / t).exp()).sum();
                -((row[labels[i]] / t).exp() / z).ln()
            })
            .sum()
    };
    let grid_fit = |rows: &[usize]| {
        // log-spaced grid, then a finer one around the best.
        let mut best = (f64::INFINITY, 1.0);
        for k in 0..=600 {
            let t = 10f64.powf(-4.0 + k as f64 / 100.0);
            let l = loss(rows, t);
            if l < best.0 {
                best = (l, t);
            }
        }
        best.1
    };
    let (mut right, mut top_p, mut margin) = (Vec::new(), Vec::new(), Vec::new());
    let mut temperature = [0.0; 5];
    for (f, t) in temperature.iter_mut().enumerate() {
        let others: Vec<usize> = (0..300).filter(|&i| folds[i] != f).collect();
        *t = grid_fit(&others);
    }
    for i in 0..300 {
        let row = scores.row(i);
        let ranked = rank(row, None);
        let (top, second) = (ranked[0].role, ranked[1].role);
        let t = temperature[folds[i]];
        let z: f64 = row.iter().map(|s| (s / t).exp()).sum();
        top_p.push((row[top] / t).exp() / z);
        right.push(top == labels[i]);
        margin.push(row[top] - row[second]);
    }
    // ECE over ten bins, by its definition.
    let mut ece = 0.0;
    for bin in 0..10 {
        let lo = bin as f64 / 10.0;
        let members: Vec<usize> = (0..300)
            .filter(|&i| top_p[i] >= lo && (top_p[i] < lo + 0.1 || (bin == 9 && top_p[i] <= 1.0)))
            .collect();
        if members.is_empty() {
            continue;
        }
        let n = members.len() as f64;
        let conf = members.iter().map(|&i| top_p[i]).sum::<f64>() / n;
        let acc = members.iter().filter(|&&i| right[i]).count() as f64 / n;
        ece += n / 300.0 * (acc - conf).abs();
    }
    // The grid is 1% wide, so the probabilities agree to about 1e-3.
    assert!(
        (report.calibration_error - ece).abs() < 5e-3,
        "{} vs {ece}",
        report.calibration_error
    );
    assert_eq!(report.reliability.iter().map(|b| b.n).sum::<usize>(), 300);
    // AUROC by counting every (right, wrong) pair.
    let pairs = |signal: &[f64]| {
        let (mut wins, mut count) = (0.0, 0.0);
        for i in (0..300).filter(|&i| right[i]) {
            for j in (0..300).filter(|&j| !right[j]) {
                count += 1.0;
                wins += if signal[i] > signal[j] {
                    1.0
                } else if signal[i] == signal[j] {
                    0.5
                } else {
                    0.0
                };
            }
        }
        wins / count
    };
    assert!((report.auroc.margin.unwrap() - pairs(&margin)).abs() < 1e-12);
    assert!((report.auroc.probability.unwrap() - pairs(&top_p)).abs() < 2e-3);
    // The temperature reported is the one fitted on everyone.
    let all: Vec<usize> = (0..300).collect();
    let t = report.temperature.unwrap();
    assert!((t / grid_fit(&all) - 1.0).abs() < 0.012, "{t}");
}

#[test]
fn a_probabilistic_model_keeps_its_own_probabilities() {
    let (m, b, labels) = labelled(200, 1.0, 5);
    let ev = evaluate(
        &m,
        &b,
        &labels,
        &[Candidate::Learned(Method::Logistic, ValidTrainParams::default())],
        &options(),
    )
    .unwrap();
    assert_eq!(ev.strategies[0].temperature, None);
    assert!(ev.strategies[0].calibration_error < 0.1);
}
