//! Small hostile inputs that once took gigabytes or minutes: each is now
//! refused with exit 2 and a message that names the limit and the flag that
//! raises it, or simply works. No timing or memory is asserted (the suite
//! must pass on a busy machine): reaching the limit error is the check.

use crate::util::{rolefit, write};

/// A long matrix in which role `i` rates only capability `i`: `n` lines,
/// and a dense matrix of `n` x `n` cells.
fn diagonal_long_matrix(n: usize) -> String {
    let mut text = String::from("role,capability,level,importance\n");
    for i in 0..n {
        text.push_str(&format!("r{i},c{i},3,1\n"));
    }
    text
}

/// A wide matrix of `n` roles over two capabilities.
fn wide_matrix(n: usize) -> String {
    let mut text = String::from("role,a,b\n");
    for i in 0..n {
        text.push_str(&format!("r{i},{},{}\n", 1 + i % 5, 1 + i / 5 % 5));
    }
    text
}

#[test]
fn a_long_matrix_of_many_roles_and_capabilities_is_refused_by_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = write(dir.path(), "sparse.csv", &diagonal_long_matrix(10_000));
    let responses = write(dir.path(), "r.csv", "respondent,c0,c1\nx,3,3\n");
    for args in [
        vec!["matrix", "check", &matrix],
        vec!["score", &responses, "--matrix", &matrix, "--format", "csv"],
        vec!["matrix", "overlap", "--matrix", &matrix],
        vec!["roles", "--matrix", &matrix],
    ] {
        let run = rolefit(&args);
        let err = run.bad_input();
        // 3163 x 3163 is the first square over ten million.
        assert!(
            err.contains(
                "sparse.csv:3164: the role matrix is too large: 10004569 cells, more than the limit of \
                 10000000; expected at most 10000000 cells, roles x capabilities (here 3163 roles x 3163 \
                 capabilities); pass --max-matrix-cells N to raise the limit"
            ),
            "{args:?}: {err}"
        );
    }
}

/// Runs `args`, asserts exit 2 and a message with each of `parts`.
#[track_caller]
fn refused(args: &[&str], parts: &[&str]) {
    let run = rolefit(args);
    let err = run.bad_input();
    for part in parts {
        assert!(err.contains(part), "{args:?}: {err}");
    }
}

#[test]
fn max_matrix_cells_lowers_and_raises_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = write(dir.path(), "m.csv", &diagonal_long_matrix(40));
    refused(
        &["matrix", "check", &matrix, "--max-matrix-cells", "1000"],
        &["1024 cells, more than the limit of 1000"],
    );
    let run = rolefit(&["matrix", "check", &matrix, "--max-matrix-cells", "1600"]);
    assert!(
        run.ok().contains("roles: 40\n  capabilities: 40\n"),
        "{}",
        run.stdout
    );
    // The wide layout and merged matrices count their cells too.
    let wide = write(dir.path(), "w.csv", &wide_matrix(30));
    refused(
        &["roles", "--matrix", &wide, "--max-matrix-cells", "59"],
        &["w.csv:31: the role matrix is too large: 60 cells"],
    );
    let other = write(dir.path(), "o.csv", "role,c,d\ns0,1,1\ns1,2,2\n");
    let merged = ["roles", "--matrix", &wide, "--matrix", &other];
    refused(
        &[&merged[..], &["--max-matrix-cells", "120"]].concat(),
        &["the role matrix is too large: 124 cells", "31 roles x 4"],
    );
    refused(
        &["matrix", "check", &matrix, "--max-matrix-cells", "0"],
        &["--max-matrix-cells"],
    );
}

#[test]
fn matrix_check_finds_twin_roles_among_many_and_lists_a_few() {
    let dir = tempfile::tempdir().unwrap();
    // 2,000 roles over two capabilities take only 25 distinct level pairs.
    let matrix = write(dir.path(), "twins.csv", &wide_matrix(2_000));
    let run = rolefit(&["matrix", "check", &matrix]);
    let out = run.ok();
    let twins = out.lines().filter(|l| l.starts_with("warning: roles ")).count();
    assert_eq!(twins, 20, "{out}");
    assert!(
        out.contains("warning: roles \"r0\" and \"r25\" have identical levels"),
        "{out}"
    );
    assert!(
        out.contains("warning: ... and 1955 more pairs of roles have identical levels and importances\n"),
        "{out}"
    );
}

#[test]
fn overlap_and_report_refuse_more_roles_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = write(dir.path(), "big.csv", &wide_matrix(1_001));
    let responses = write(dir.path(), "r.csv", "respondent,a,b\nx,3,3\ny,2,4\n");
    let expected = "big.csv: the role matrix is too large to compare its roles pairwise: 1001 roles, more than \
                    the limit of 1000; expected at most 1000 roles (memory grows with the square of the roles \
                    and time with the cube); pass --max-overlap-roles N to raise the limit";
    refused(&["matrix", "overlap", "--matrix", &big], &[expected]);
    let report = dir.path().join("r.html");
    let report_args = [
        "report",
        &responses,
        "--matrix",
        &big,
        "-o",
        report.to_str().unwrap(),
    ];
    refused(&report_args, &[expected]);
    assert!(!report.exists());
    // The flag moves the limit both ways.
    let small = write(dir.path(), "small.csv", &wide_matrix(4));
    let overlap = [
        "matrix",
        "overlap",
        "--matrix",
        &small,
        "-f",
        "csv",
        "--max-overlap-roles",
    ];
    refused(
        &[&overlap[..], &["3"]].concat(),
        &["4 roles, more than the limit of 3"],
    );
    rolefit(&[&overlap[..], &["4"]].concat()).ok();
}

#[test]
fn a_header_of_a_hundred_thousand_columns_is_named_in_a_short_message() {
    let names: Vec<String> = (0..99_999).map(|i| format!("col{i}")).collect();
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "wide.csv",
        &format!("respondent,{}\nx{}\n", names.join(","), ",1".repeat(99_999)),
    );
    let run = rolefit(&["score", &input, "--format", "csv"]);
    let err = run.bad_input();
    assert!(
        err.len() < 2_000,
        "{} bytes: {}",
        err.len(),
        &err[..2_000.min(err.len())]
    );
    assert!(
        err.contains("99999 columns match no capability or survey item: column 2 \"col0\""),
        "{err}"
    );
    assert!(
        err.contains("column 11 \"col9\" (and 99989 more); expected"),
        "{err}"
    );
    // A name given twice, far apart: found, and the message is one line.
    let input = write(
        dir.path(),
        "twice.csv",
        &format!("respondent,{},COL-5\n", names[..99_998].join(",")),
    );
    let run = rolefit(&["score", &input, "--format", "csv"]);
    let err = run.bad_input();
    assert!(
        err.contains("twice.csv:1: column 100000 \"COL-5\": has the same name as column 7 \"col5\""),
        "{err}"
    );
    assert!(err.len() < 1_000, "{err}");
}

#[test]
fn a_long_matrix_header_with_many_extra_columns_is_named_in_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let extra: Vec<String> = (0..50_000).map(|i| format!("x{i}")).collect();
    let matrix = write(
        dir.path(),
        "m.csv",
        &format!("role,capability,level,{}\n", extra.join(",")),
    );
    let run = rolefit(&["matrix", "check", &matrix]);
    let err = run.bad_input();
    assert!(err.len() < 2_000, "{err}");
    assert!(
        err.contains("column 13 \"x9\" (and 49990 more) are not part of that layout"),
        "{err}"
    );
    let matrix = write(dir.path(), "n.csv", &format!("name,{}\n", extra.join(",")));
    let err = rolefit(&["matrix", "check", &matrix]).bad_input().to_string();
    assert!(err.len() < 2_000, "{err}");
    assert!(err.contains("the header \"name,x0,x1,"), "{err}");
}

#[test]
fn scales_whose_width_overflows_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let responses = write(dir.path(), "r.csv", "respondent,Q01\nx,3\n");
    for (args, flag) in [
        (vec!["score", &responses, "--scale=-1e308..1e308"], "--scale"),
        (
            vec!["score", &responses, "--matrix-scale=0..1e308"],
            "--matrix-scale",
        ),
        (
            vec![
                "matrix",
                "check",
                "datasets/guide/matrix.csv",
                "--matrix-scale",
                "0..1e10",
            ],
            "--matrix-scale",
        ),
        (
            vec![
                "synth",
                "matrix",
                "--roles",
                "2",
                "--capabilities",
                "2",
                "--matrix-scale=-1e308..1e308",
            ],
            "--matrix-scale",
        ),
    ] {
        let run = rolefit(&args);
        let err = run.bad_input();
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(
            err.contains("expected MIN < MAX, both within -1000000000..1000000000 and at least 1e-9 apart"),
            "{args:?}: {err}"
        );
        assert!(err.len() < 1_000, "{err}");
    }
}

#[test]
fn label_scales_of_many_labels_and_names_are_listed_briefly() {
    let dir = tempfile::tempdir().unwrap();
    let mut map = String::from("scale,label,value\n");
    for s in 0..12 {
        for l in 0..50 {
            map.push_str(&format!("s{s},label {l},{}\n", l + 1));
        }
    }
    let map = write(dir.path(), "map.csv", &map);
    let responses = write(dir.path(), "r.csv", "respondent,Q01\nx,zzz\n");
    let score = ["score", &responses, "--labels-map", &map, "-f", "csv", "--scale"];
    refused(
        &[&score[..], &["s3"]].concat(),
        &[
            "expected a number from 1 to 50 or one of: label 0, label 1,",
            "label 9 (and 40 more) (if \"zzz\" means no answer, pass --missing-labels \"zzz\")\n",
        ],
    );
    refused(
        &[&score[..], &["nope"]].concat(),
        &["expected MIN..MAX or one of: s0, s1, s2,", "s9 (and 7 more)\n"],
    );
}
