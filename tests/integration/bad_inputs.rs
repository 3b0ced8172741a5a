//! The corpus of bad inputs under tests/bad-inputs/ (and a few generated
//! here because they are large): the exact message and exit code each
//! gives, as snapshots. `INSTA_UPDATE=always cargo test` rewrites them after
//! a deliberate change; review the diff.

use crate::util::{rolefit, rolefit_stdin};

/// Exit code and standard error, the whole of what a user sees (with the
/// run time of the summary line masked, as it differs from run to run).
fn outcome(run: &crate::util::Run) -> String {
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let stderr: String = run
        .stderr
        .lines()
        .map(|line| match (line.find(" in "), line.rfind(" s")) {
            (Some(a), Some(b)) if line.starts_with("rolefit: ") && a < b => {
                format!("{} in [time]{}\n", &line[..a], &line[b..])
            }
            _ => format!("{line}\n"),
        })
        .collect();
    format!("exit {}\n{}", run.code, stderr)
}

fn score(name: &str) -> String {
    let path = format!("tests/bad-inputs/{name}.csv");
    outcome(&rolefit(&[
        "score",
        &path,
        "--format",
        "csv",
        "--min-answered",
        "0",
        "--top",
        "1",
    ]))
}

fn matrix(name: &str) -> String {
    let path = format!("tests/bad-inputs/{name}.csv");
    outcome(&rolefit(&["matrix", "check", &path]))
}

macro_rules! corpus {
    ($($test:ident: $how:ident($name:literal);)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!($name, $how($name));
            }
        )*
    };
}

corpus! {
    ragged_row: score("ragged-row");
    empty_file: score("empty");
    header_only: score("header-only");
    duplicate_columns: score("duplicate-columns");
    duplicate_respondents: score("duplicate-respondents");
    non_numeric: score("non-numeric");
    out_of_range: score("out-of-range");
    nan: score("nan");
    inf: score("inf");
    unknown_label: score("unknown-label");
    unknown_capability: score("unknown-capability");
    bom_in_the_middle: score("bom-in-the-middle");
    mixed_delimiters: score("mixed-delimiters");
    quote_left_open: score("quote-left-open");
    not_utf8: score("not-utf8");
    matrix_duplicate_role: matrix("matrix-duplicate-role");
    matrix_level_out_of_range: matrix("matrix-level-out-of-range");
    matrix_one_capability: matrix("matrix-one-capability");
}

#[test]
fn very_long_field() {
    let input = format!("respondent,Q01,Q02\nr1,4,{}\n", "x".repeat(1100 * 1024));
    let run = rolefit_stdin(&["score", "--format", "csv"], &input);
    insta::assert_snapshot!("very-long-field", outcome(&run));
}

#[test]
fn too_many_columns() {
    let header: Vec<String> = (0..100_001).map(|i| format!("c{i}")).collect();
    let input = format!("respondent,{}\n", header.join(","));
    let run = rolefit_stdin(&["score", "--format", "csv"], &input);
    insta::assert_snapshot!("too-many-columns", outcome(&run));
}

/// A long matrix whose roles each rate a capability of their own: its
/// cells (roles x capabilities) grow with the square of its lines. Checked
/// under a lowered --max-matrix-cells (the default needs 3,163 lines).
#[test]
fn matrix_too_many_cells() {
    let run = rolefit(&[
        "matrix",
        "check",
        "tests/bad-inputs/matrix-too-many-cells.csv",
        "--max-matrix-cells",
        "100",
    ]);
    insta::assert_snapshot!("matrix-too-many-cells", outcome(&run));
}

/// A hundred thousand columns that match nothing: the first few are named,
/// the rest counted.
#[test]
fn many_unknown_columns() {
    let header: Vec<String> = (0..99_999).map(|i| format!("c{i}")).collect();
    let input = format!("respondent,{}\n", header.join(","));
    let run = rolefit_stdin(&["score", "--format", "csv"], &input);
    insta::assert_snapshot!("many-unknown-columns", outcome(&run));
}

/// Finite bounds whose width is not: refused as a usage error.
#[test]
fn extreme_scale() {
    let run = rolefit_stdin(
        &["score", "--format", "csv", "--scale=-1e308..1e308"],
        "respondent,Q01\nx,1\n",
    );
    insta::assert_snapshot!("extreme-scale", outcome(&run));
}

#[test]
fn latin1_decodes_what_utf8_refuses() {
    let run = rolefit(&[
        "score",
        "tests/bad-inputs/not-utf8.csv",
        "--encoding",
        "latin1",
        "--format",
        "csv",
        "--min-answered",
        "0",
        "--top",
        "1",
        "--quiet",
    ]);
    assert!(run.ok().contains("\nJosé,1,"), "{}", run.stdout);
}

#[test]
fn skipping_accounts_for_every_row_of_the_corpus() {
    for name in [
        "ragged-row",
        "non-numeric",
        "out-of-range",
        "nan",
        "mixed-delimiters",
        "not-utf8",
    ] {
        let path = format!("tests/bad-inputs/{name}.csv");
        let dir = tempfile::tempdir().unwrap();
        let rejects = dir.path().join("rejects.csv");
        let run = rolefit(&[
            "score",
            &path,
            "--on-error",
            "skip",
            "--rejects",
            rejects.to_str().unwrap(),
            "--format",
            "csv",
            "--min-answered",
            "0",
        ]);
        let summary = run
            .stderr
            .lines()
            .find(|l| l.starts_with("rolefit: "))
            .unwrap_or_default()
            .to_string();
        let counts = summary.split(".csv: ").nth(1).unwrap_or_default();
        let numbers: Vec<u64> = counts
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .take(3)
            .collect();
        assert_eq!(numbers.len(), 3, "{name}: {summary}");
        assert_eq!(
            numbers[0],
            numbers[1] + numbers[2],
            "{name}: read = scored + rejected: {summary}"
        );
        assert!(numbers[2] >= 1, "{name}: {summary}");
        if numbers[1] == 0 {
            // Every row rejected: the run fails, writes nothing, and says
            // why on its own.
            assert_eq!(run.code, 2, "{name}: {}", run.stderr);
            assert!(!rejects.exists(), "{name}: a failed run writes no rejects file");
            assert!(
                run.stderr
                    .contains("was rejected, so nothing was written; the first: "),
                "{name}: {}",
                run.stderr
            );
            continue;
        }
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        // Raw bytes: a rejected row keeps its original (maybe not UTF-8) cells.
        let rejected = std::fs::read(&rejects).unwrap();
        let lines = rejected.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(
            lines,
            1 + numbers[2],
            "{name}: {}",
            String::from_utf8_lossy(&rejected)
        );
    }
}

/// The commands that read all responses at once (cluster, evaluate,
/// report, train, explain) account for rows like `score` does.
#[test]
fn every_batch_command_can_skip_and_set_aside_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("respondent,Q01,Q02,Q03,Q04,Q05,Q06,Q07,Q08,Q09,Q10\n");
    for i in 0..8 {
        let v = 1 + i % 5;
        text.push_str(&format!("r{i},{v},{v},{v},{v},{v},{v},{v},{v},{v},{v}\n"));
    }
    text.push_str("bad,4,4,oops,4,4,4,4,4,4,4\n");
    let input = crate::util::write(dir.path(), "in.csv", &text);
    let args = [
        "cluster",
        input.as_str(),
        "--k",
        "2",
        "--format",
        "csv",
        "--min-answered",
        "0",
    ];
    let strict = rolefit(&args[..6]);
    assert!(
        strict.bad_input().contains("in.csv:10: column 4 \"Q03\""),
        "{}",
        strict.stderr
    );
    let rejects = dir.path().join("rejects.csv");
    let run = rolefit(
        &[
            &args[..6],
            &["--on-error", "skip", "--rejects", rejects.to_str().unwrap()],
        ]
        .concat(),
    );
    let (_, rows) = crate::util::parse_csv(run.ok());
    assert_eq!(rows.len(), 8);
    assert!(
        run.stderr.contains("9 rows read, 8 kept, 1 rejected"),
        "{}",
        run.stderr
    );
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    assert!(rejected.lines().nth(1).unwrap().starts_with("10,"), "{rejected}");
}
