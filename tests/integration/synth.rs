//! `rolefit synth`: deterministic synthetic role matrices and responses,
//! read back by the rest of the CLI.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use crate::util::{command, parse_csv, rolefit};

/// Runs `rolefit synth matrix` with `args`, writing `name` in `dir`, and
/// returns the path.
fn synth_matrix(dir: &Path, name: &str, args: &[&str]) -> String {
    let path = dir.join(name).to_str().unwrap().to_string();
    let mut all = vec!["synth", "matrix", "-o", &path];
    all.extend_from_slice(args);
    rolefit(&all).ok();
    path
}

/// Runs `rolefit synth responses` with `args` and returns stdout.
fn synth_responses(args: &[&str]) -> String {
    let mut all = vec!["synth", "responses"];
    all.extend_from_slice(args);
    rolefit(&all).ok().to_string()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn path_in(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// The role names of a wide matrix file.
fn role_names(matrix: &str) -> Vec<String> {
    parse_csv(&read(matrix))
        .1
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn matrix_bytes_depend_only_on_the_arguments() {
    let args = [
        "synth",
        "matrix",
        "--roles",
        "5",
        "--capabilities",
        "8",
        "--seed",
        "3",
    ];
    let first = rolefit(&args).ok().to_string();
    assert_eq!(rolefit(&args).ok(), first);
    let other = rolefit(&[
        "synth",
        "matrix",
        "--roles",
        "5",
        "--capabilities",
        "8",
        "--seed",
        "4",
    ]);
    assert_ne!(other.ok(), first);
    let dir = tempfile::tempdir().unwrap();
    let file = synth_matrix(
        dir.path(),
        "m.csv",
        &["--roles", "5", "--capabilities", "8", "--seed", "3"],
    );
    assert_eq!(read(&file), first, "-o writes the same bytes as standard output");
}

/// Pins the generator: a change here changes the data every seed gives, so
/// make it only on purpose and say so in the changelog.
#[test]
fn a_seed_gives_the_same_bytes_across_versions() {
    let out = rolefit(&[
        "synth",
        "matrix",
        "--roles",
        "3",
        "--capabilities",
        "4",
        "--seed",
        "1",
    ]);
    assert_eq!(
        out.ok(),
        "role,Capability 1,Capability 2,Capability 3,Capability 4\n\
         Role 1,3.5,2,4,3\n\
         Role 2,1.5,4,3,3.5\n\
         Role 3,2,3,2,5\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let m = crate::util::write(dir.path(), "m.csv", out.ok());
    let out = synth_responses(&["--matrix", &m, "--rows", "3", "--seed", "1", "--missing", "0.25"]);
    assert_eq!(out, GOLDEN_RESPONSES, "{out}");
}

const GOLDEN_RESPONSES: &str = "respondent,Capability 1,Capability 2,Capability 3,Capability 4\n\
                                s1,1,,2,\n\
                                s2,2,2,3,5\n\
                                s3,2,,3,3\n";

#[test]
fn matrix_reads_back_with_its_counts_and_levels_on_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(dir.path(), "m.csv", &["--roles", "12", "--capabilities", "30"]);
    let check = rolefit(&["matrix", "check", &m]);
    let summary = check.ok();
    assert!(summary.contains("roles: 12\n"), "{summary}");
    assert!(summary.contains("capabilities: 30\n"), "{summary}");
    assert!(
        summary.contains("cells with importance > 0: 360 of 360"),
        "{summary}"
    );
    assert!(!summary.contains("warning"), "{summary}");

    let (header, rows) = parse_csv(&read(&m));
    assert_eq!(header.len(), 31);
    assert_eq!(header[0], "role");
    assert_eq!(header[1], "Capability 01");
    assert_eq!(header[30], "Capability 30");
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0][0], "Role 01");
    assert_eq!(rows[11][0], "Role 12");
    let mut seen = HashSet::new();
    for row in &rows {
        for cell in &row[1..] {
            let level: f64 = cell.parse().unwrap();
            assert!((1.0..=5.0).contains(&level), "{cell}");
            assert_eq!((level * 2.0).fract(), 0.0, "levels are multiples of 0.5: {cell}");
            seen.insert(cell.clone());
        }
    }
    assert_eq!(seen.len(), 9, "every level of 1, 1.5, .., 5 turns up: {seen:?}");

    let m = synth_matrix(dir.path(), "wide.csv", &["--roles", "100", "--capabilities", "2"]);
    let names = role_names(&m);
    assert_eq!((names[0].as_str(), names[99].as_str()), ("Role 001", "Role 100"));
}

#[test]
fn matrix_on_another_scale_is_read_back_on_that_scale() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(
        dir.path(),
        "m.csv",
        &[
            "--roles",
            "10",
            "--capabilities",
            "20",
            "--scale",
            "0..7",
            "--seed",
            "9",
        ],
    );
    let check = rolefit(&["matrix", "check", &m, "--matrix-scale", "0..7"]);
    assert!(check.ok().contains("scale: 0..7"), "{}", check.stdout);
    let levels: Vec<f64> = parse_csv(&read(&m))
        .1
        .iter()
        .flat_map(|r| {
            r[1..]
                .iter()
                .map(|c| c.parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(levels.iter().all(|l| (0.0..=7.0).contains(l)));
    assert!(levels.iter().any(|&l| l > 5.0) && levels.iter().any(|&l| l < 1.0));
    // On the default scale the same file is out of range.
    rolefit(&["matrix", "check", &m]).bad_input();
}

#[test]
fn matrix_refuses_scales_no_matrix_can_have() {
    let err = rolefit(&[
        "synth",
        "matrix",
        "--roles",
        "2",
        "--capabilities",
        "3",
        "--scale=-1..5",
    ]);
    assert!(err.bad_input().contains("cannot be negative"), "{}", err.stderr);
    let err = rolefit(&[
        "synth",
        "matrix",
        "--roles",
        "2",
        "--capabilities",
        "3",
        "--scale",
        "1.1..1.4",
    ]);
    assert!(err.bad_input().contains("no multiple of 0.5"), "{}", err.stderr);
    rolefit(&["synth", "matrix", "--roles", "0", "--capabilities", "3"]).bad_input();
    rolefit(&["synth", "matrix", "--roles", "2", "--capabilities", "1"]).bad_input();
}

#[test]
fn responses_and_labels_bytes_depend_only_on_the_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(dir.path(), "m.csv", &["--roles", "6", "--capabilities", "12"]);
    let run = |seed: &str, name: &str| {
        let r = path_in(dir.path(), &format!("{name}.csv"));
        let l = path_in(dir.path(), &format!("{name}-labels.csv"));
        let args = [
            "--matrix",
            &m,
            "--rows",
            "300",
            "--seed",
            seed,
            "--missing",
            "0.1",
            "-o",
            &r,
            "--labels",
            &l,
        ];
        assert_eq!(synth_responses(&args), "", "-o leaves standard output empty");
        (read(&r), read(&l))
    };
    let (r1, l1) = run("5", "a");
    let (r2, l2) = run("5", "b");
    assert_eq!(r1, r2);
    assert_eq!(l1, l2);
    let (r3, l3) = run("6", "c");
    assert_ne!(r1, r3);
    assert_ne!(l1, l3);
    let stdout = synth_responses(&["--matrix", &m, "--rows", "300", "--seed", "5", "--missing", "0.1"]);
    assert_eq!(stdout, r1, "standard output gets the same bytes as -o");
}

#[test]
fn responses_have_the_matrix_header_and_whole_answers_on_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(dir.path(), "m.csv", &["--roles", "4", "--capabilities", "10"]);
    let out = synth_responses(&["--matrix", &m, "--rows", "200", "--noise", "1.5"]);
    let (header, rows) = parse_csv(&out);
    let matrix_header = parse_csv(&read(&m)).0;
    assert_eq!(header[0], "respondent");
    assert_eq!(header[1..], matrix_header[1..]);
    assert_eq!(rows.len(), 200);
    assert_eq!(rows[0][0], "s001");
    assert_eq!(rows[199][0], "s200");
    let ids: HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), 200);
    let mut seen = HashSet::new();
    for row in &rows {
        assert_eq!(row.len(), 11);
        for cell in &row[1..] {
            let v: i64 = cell
                .parse()
                .unwrap_or_else(|_| panic!("{cell:?} is a whole number"));
            assert!((1..=5).contains(&v), "{cell}");
            seen.insert(v);
        }
    }
    assert_eq!(seen.len(), 5, "noise 1.5 reaches every point: {seen:?}");

    // On 0..7 the answers are the whole numbers 0..=7, and score reads them
    // given that scale.
    let m7 = synth_matrix(
        dir.path(),
        "m7.csv",
        &["--roles", "4", "--capabilities", "10", "--scale", "0..7"],
    );
    let r7 = path_in(dir.path(), "r7.csv");
    synth_responses(&[
        "--matrix",
        &m7,
        "--matrix-scale",
        "0..7",
        "--rows",
        "200",
        "--noise",
        "1.5",
        "-o",
        &r7,
    ]);
    let values: Vec<i64> = parse_csv(&read(&r7))
        .1
        .iter()
        .flat_map(|r| {
            r[1..]
                .iter()
                .map(|c| c.parse::<i64>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(values.iter().all(|v| (0..=7).contains(v)));
    assert!(values.contains(&0) && values.contains(&7));
    let scored = rolefit(&[
        "score",
        &r7,
        "--matrix",
        &m7,
        "--matrix-scale",
        "0..7",
        "--scale",
        "0..7",
        "--format",
        "csv",
        "--top",
        "1",
    ]);
    assert_eq!(parse_csv(scored.ok()).1.len(), 200);
}

#[test]
fn missing_blanks_about_that_fraction_of_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(dir.path(), "m.csv", &["--roles", "5", "--capabilities", "10"]);
    let base = ["--matrix", &m, "--rows", "1000", "--seed", "2"];
    let (full_labels, holey_labels) = (path_in(dir.path(), "l0.csv"), path_in(dir.path(), "l2.csv"));
    let full = synth_responses(&[&base[..], &["--labels", &full_labels]].concat());
    let holey = synth_responses(&[&base[..], &["--missing", "0.2", "--labels", &holey_labels]].concat());
    let (_, full) = parse_csv(&full);
    let (_, holey) = parse_csv(&holey);
    let mut blank = 0;
    for (a, b) in full.iter().zip(&holey) {
        for (x, y) in a.iter().zip(b) {
            assert!(!x.is_empty(), "no blanks without --missing");
            if y.is_empty() {
                blank += 1;
            } else {
                assert_eq!(
                    x, y,
                    "--missing only blanks answers, it does not change the others"
                );
            }
        }
    }
    let fraction = f64::from(blank) / 10_000.0;
    assert!((0.17..=0.23).contains(&fraction), "{fraction}");
    assert_eq!(read(&full_labels), read(&holey_labels));

    let all_blank = synth_responses(&["--matrix", &m, "--rows", "3", "--missing", "1"]);
    assert!(parse_csv(&all_blank)
        .1
        .iter()
        .all(|r| r[1..].iter().all(String::is_empty)));
}

#[test]
fn labels_name_each_respondents_role_from_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(dir.path(), "m.csv", &["--roles", "5", "--capabilities", "6"]);
    let l = path_in(dir.path(), "labels.csv");
    let out = synth_responses(&["--matrix", &m, "--rows", "500", "--labels", &l]);
    let respondents: Vec<String> = parse_csv(&out).1.into_iter().map(|r| r[0].clone()).collect();
    let (header, rows) = parse_csv(&read(&l));
    assert_eq!(header, ["respondent", "role"]);
    assert_eq!(rows.len(), 500);
    let ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, respondents);
    let names: HashSet<String> = role_names(&m).into_iter().collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for row in &rows {
        assert!(names.contains(&row[1]), "{}", row[1]);
        *counts.entry(&row[1]).or_default() += 1;
    }
    assert_eq!(counts.len(), 5, "roles are picked uniformly: {counts:?}");
    assert!(counts.values().all(|&n| (60..=140).contains(&n)), "{counts:?}");
}

#[test]
fn low_noise_respondents_score_highest_for_their_own_role() {
    let dir = tempfile::tempdir().unwrap();
    let m = synth_matrix(
        dir.path(),
        "m.csv",
        &["--roles", "12", "--capabilities", "30", "--seed", "11"],
    );
    let r = path_in(dir.path(), "r.csv");
    let l = path_in(dir.path(), "l.csv");
    synth_responses(&[
        "--matrix", &m, "--rows", "500", "--seed", "12", "--noise", "0.3", "-o", &r, "--labels", &l,
    ]);
    let scored = rolefit(&["score", &r, "--matrix", &m, "--format", "csv", "--top", "1"]);
    let (header, rows) = parse_csv(scored.ok());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (respondent, role) = (column("respondent"), column("role"));
    let top: HashMap<String, String> = rows
        .iter()
        .map(|r| (r[respondent].clone(), r[role].clone()))
        .collect();
    let labels = parse_csv(&read(&l)).1;
    assert_eq!(top.len(), 500);
    let hits = labels.iter().filter(|lab| top[&lab[0]] == lab[1]).count();
    assert!(
        hits >= 450,
        "{hits} of 500 respondents ranked their own role first"
    );
}

#[test]
fn the_built_in_matrix_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let l = path_in(dir.path(), "l.csv");
    let r = path_in(dir.path(), "r.csv");
    synth_responses(&[
        "--rows", "100", "--seed", "3", "--noise", "0.3", "-o", &r, "--labels", &l,
    ]);
    let (header, rows) = parse_csv(&read(&r));
    let (_, guide) = parse_csv(rolefit(&["roles", "--format", "csv"]).ok());
    let mut capabilities: Vec<&str> = Vec::new();
    for row in &guide {
        if !capabilities.contains(&row[1].as_str()) {
            capabilities.push(&row[1]);
        }
    }
    assert_eq!(header[1..], capabilities[..]);
    assert_eq!(rows.len(), 100);
    let roles: HashSet<&str> = guide.iter().map(|r| r[0].as_str()).collect();
    let labels = parse_csv(&read(&l)).1;
    assert!(labels.iter().all(|lab| roles.contains(lab[1].as_str())));
    let scored = rolefit(&["score", &r, "--format", "csv", "--top", "1"]);
    assert_eq!(parse_csv(scored.ok()).1.len(), 100);

    let err = rolefit(&["synth", "responses", "--rows", "3", "--matrix-scale", "0..7"]);
    assert!(err.bad_input().contains("--matrix-scale"), "{}", err.stderr);
}

#[test]
fn zero_rows_is_a_header_alone() {
    let out = synth_responses(&["--rows", "0"]);
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with("respondent,"));
}

#[test]
fn bad_arguments_are_bad_input_and_leave_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let r = path_in(dir.path(), "r.csv");
    let l = path_in(dir.path(), "l.csv");
    let missing = path_in(dir.path(), "no-such-matrix.csv");
    let err = rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &missing,
        "--rows",
        "5",
        "-o",
        &r,
        "--labels",
        &l,
    ]);
    assert!(
        err.bad_input().contains("cannot read role matrix"),
        "{}",
        err.stderr
    );
    let err = rolefit(&["synth", "responses", "--rows", "5", "-o", &r, "--labels", &r]);
    assert!(err.bad_input().contains("--labels"), "{}", err.stderr);
    let err = rolefit(&["synth", "responses", "--rows", "5", "--labels", "-"]);
    assert!(err.bad_input().contains("standard output"), "{}", err.stderr);
    for bad in [
        ["--rows", "5", "--noise", "-1"],
        ["--rows", "5", "--missing", "1.5"],
        ["--rows", "-3", "--seed", "1"],
        ["--rows", "5", "--seed", "x"],
    ] {
        let mut args = vec!["synth", "responses", "-o", &r];
        args.extend_from_slice(&bad);
        rolefit(&args).bad_input();
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no output and no temporary files"
    );
}

#[test]
fn a_closed_pipe_stops_a_huge_run_quietly() {
    let mut child = command(&["synth", "responses", "--rows", "10000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("respondent,"));
    assert!(lines.next().unwrap().unwrap().starts_with("s00000001,"));
    drop(lines);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
