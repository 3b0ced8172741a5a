//! Every strategy, as the binary computes it, against an independent,
//! deliberately plain implementation of its documented formula, on random
//! matrices imported from both the wide and the long layout.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rolefit_score::tie_key;
use serde_json::Value;

use crate::util::{rolefit, write};

const STRATEGIES: [&str; 7] = [
    "cosine",
    "pearson",
    "euclidean",
    "manhattan",
    "coverage",
    "euclidean+importance",
    "manhattan+importance",
];
const L: f64 = 1.0;
const H: f64 = 5.0;

/// One role: levels and importances per capability.
struct RefRole {
    levels: Vec<f64>,
    weights: Vec<f64>,
}

/// The formulas of docs/strategies.md, one respondent and one role at a
/// time, over the answered capabilities only. The distances weigh every
/// capability of importance > 0 by 1 (their default), or by importance
/// with `+importance`.
fn reference(strategy: &str, x: &[Option<f64>], role: &RefRole) -> f64 {
    let (strategy, by_importance) = match strategy.strip_suffix("+importance") {
        Some(base) => (base, true),
        None => (strategy, !matches!(strategy, "euclidean" | "manhattan")),
    };
    let mut xs = Vec::new();
    let mut rs = Vec::new();
    let mut ws = Vec::new();
    for (i, v) in x.iter().enumerate() {
        if let Some(v) = v {
            xs.push(*v);
            rs.push(role.levels[i]);
            let w = role.weights[i];
            ws.push(if by_importance || w == 0.0 { w } else { 1.0 });
        }
    }
    let sw: f64 = ws.iter().sum();
    if sw == 0.0 {
        return 0.0;
    }
    let n = xs.len();
    let sum = |f: &dyn Fn(usize) -> f64| (0..n).map(f).sum::<f64>();
    match strategy {
        "cosine" => {
            let nx = sum(&|i| ws[i] * xs[i] * xs[i]).sqrt();
            let nr = sum(&|i| ws[i] * rs[i] * rs[i]).sqrt();
            if nx == 0.0 || nr == 0.0 {
                0.0
            } else {
                sum(&|i| ws[i] * xs[i] * rs[i]) / (nx * nr)
            }
        }
        "pearson" => {
            let mx = sum(&|i| ws[i] * xs[i]) / sw;
            let mr = sum(&|i| ws[i] * rs[i]) / sw;
            let cov = sum(&|i| ws[i] * (xs[i] - mx) * (rs[i] - mr)) / sw;
            let vx = sum(&|i| ws[i] * (xs[i] - mx).powi(2)) / sw;
            let vr = sum(&|i| ws[i] * (rs[i] - mr).powi(2)) / sw;
            let eps = 1e-12 * (H - L).powi(2);
            if vx <= eps || vr <= eps {
                0.0
            } else {
                cov / (vx * vr).sqrt()
            }
        }
        "euclidean" => 1.0 - (sum(&|i| ws[i] * (xs[i] - rs[i]).powi(2)) / sw).sqrt() / (H - L),
        "manhattan" => 1.0 - (sum(&|i| ws[i] * (xs[i] - rs[i]).abs()) / sw) / (H - L),
        "coverage" => {
            let need = sum(&|i| ws[i] * rs[i]);
            if need == 0.0 {
                0.0
            } else {
                sum(&|i| ws[i] * xs[i].min(rs[i])) / need
            }
        }
        other => panic!("no reference for {other}"),
    }
}

struct Case {
    caps: Vec<String>,
    roles: Vec<RefRole>,
    respondents: Vec<Vec<Option<f64>>>,
}

fn random_case(rng: &mut StdRng, weighted: bool) -> Case {
    let n_caps = rng.gen_range(2..9);
    let n_roles = rng.gen_range(1..7);
    let caps = (0..n_caps).map(|c| format!("Skill {c}")).collect();
    let round = |v: f64| (v * 100.0).round() / 100.0;
    let roles = (0..n_roles)
        .map(|_| {
            let levels = (0..n_caps).map(|_| round(rng.gen_range(L..=H))).collect();
            let mut weights: Vec<f64> = (0..n_caps)
                .map(|_| {
                    if !weighted {
                        1.0
                    } else if rng.gen_bool(0.25) {
                        0.0
                    } else {
                        round(rng.gen_range(0.1..4.0))
                    }
                })
                .collect();
            if weights.iter().all(|&w| w == 0.0) {
                weights[0] = 1.0;
            }
            RefRole { levels, weights }
        })
        .collect();
    let respondents = (0..25)
        .map(|r| {
            (0..n_caps)
                .map(|_| {
                    // Every few respondents answer everything the same way,
                    // to exercise the zero-variance rule.
                    if r % 7 == 6 {
                        Some(3.0)
                    } else if rng.gen_bool(0.2) {
                        None
                    } else {
                        Some(round(rng.gen_range(L..=H)))
                    }
                })
                .collect()
        })
        .collect();
    Case {
        caps,
        roles,
        respondents,
    }
}

fn wide_csv(case: &Case) -> String {
    let mut s = format!("role,{}\n", case.caps.join(","));
    for (i, r) in case.roles.iter().enumerate() {
        let levels: Vec<String> = r.levels.iter().map(f64::to_string).collect();
        s.push_str(&format!("Role {i},{}\n", levels.join(",")));
    }
    s
}

/// The long layout with its columns in an unusual order, rows shuffled,
/// and cells of importance 0 left out for every role but the first (the
/// importer must then give them importance 0). Returns the text and the roles in matrix order, which is
/// the order of first appearance.
fn long_csv(case: &Case, rng: &mut StdRng) -> (String, Vec<usize>) {
    let mut rows: Vec<(usize, usize)> = Vec::new();
    for (i, r) in case.roles.iter().enumerate() {
        // Role 0 lists every capability, its zero importances explicitly.
        rows.extend(
            (0..case.caps.len())
                .filter(|&c| i == 0 || r.weights[c] > 0.0)
                .map(|c| (i, c)),
        );
    }
    rows.shuffle(rng);
    let mut order = Vec::new();
    let mut text = String::from("importance,level,capability,role\n");
    for (i, c) in rows {
        if !order.contains(&i) {
            order.push(i);
        }
        let r = &case.roles[i];
        text.push_str(&format!(
            "{},{},{},Role {i}\n",
            r.weights[c], r.levels[c], case.caps[c]
        ));
    }
    (text, order)
}

fn responses_csv(case: &Case) -> String {
    let mut s = format!("respondent,{}\n", case.caps.join(","));
    for (i, x) in case.respondents.iter().enumerate() {
        let cells: Vec<String> = x
            .iter()
            .map(|v| v.map_or(String::new(), |v| v.to_string()))
            .collect();
        s.push_str(&format!("p{i},{}\n", cells.join(",")));
    }
    s
}

#[test]
fn every_strategy_matches_its_formula_on_random_wide_and_long_matrices() {
    let mut rng = StdRng::seed_from_u64(20261130);
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for round in 0..6 {
        let weighted = round % 2 == 1;
        let case = random_case(&mut rng, weighted);
        let (matrix, order) = if weighted {
            long_csv(&case, &mut rng)
        } else {
            (wide_csv(&case), (0..case.roles.len()).collect())
        };
        let position = |role: usize| order.iter().position(|&r| r == role).unwrap();
        let m = write(dir.path(), &format!("m{round}.csv"), &matrix);
        let r = write(dir.path(), &format!("r{round}.csv"), &responses_csv(&case));
        let top = case.roles.len().to_string();
        for strategy in STRATEGIES {
            let args = [
                "score",
                &r,
                "--matrix",
                &m,
                "--strategy",
                strategy,
                "--top",
                &top,
                "--format",
                "json",
                "--min-answered",
                "0",
            ];
            let out = rolefit(&args);
            let json: Value = serde_json::from_str(out.ok()).unwrap();
            for (p, x) in case.respondents.iter().enumerate() {
                let entry = &json[p];
                assert_eq!(entry["respondent"], format!("p{p}"));
                let ranking = entry["ranking"].as_array().unwrap();
                assert_eq!(ranking.len(), case.roles.len());
                let expected: Vec<f64> = case
                    .roles
                    .iter()
                    .map(|role| reference(strategy, x, role))
                    .collect();
                for (rank, item) in ranking.iter().enumerate() {
                    let role: usize = item["role"].as_str().unwrap()["Role ".len()..].parse().unwrap();
                    let got = item["score"].as_f64().unwrap();
                    assert!(
                        (got - expected[role]).abs() < 1e-6,
                        "{strategy}, round {round}, respondent p{p}, role {role}: got {got}, formula says {}",
                        expected[role]
                    );
                    // Ranked by descending score, ties in matrix order.
                    if rank > 0 {
                        let prev = &ranking[rank - 1];
                        let prev_role: usize =
                            prev["role"].as_str().unwrap()["Role ".len()..].parse().unwrap();
                        let prev_score = prev["score"].as_f64().unwrap();
                        assert!(
                            tie_key(prev_score) > tie_key(got)
                                || (tie_key(prev_score) == tie_key(got) && position(prev_role) < position(role)),
                            "{strategy}, round {round}, p{p}: role {prev_role} ({prev_score}) before role {role} ({got}), matrix order {order:?}, ranking {ranking:?}, x {x:?}"
                        );
                    }
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 1000, "compared {compared} scores");
}
