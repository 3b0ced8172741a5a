//! Batch scoring: chunked parallel processing must equal sequential,
//! shards must concatenate, every row is accounted for.

use std::path::Path;

use serde_json::Value;

use crate::util::{rolefit, rolefit_stdin, write};

/// A synthetic matrix and `rows` responses in `dir` (several chunks' worth
/// when `rows` is in the tens of thousands); returns their paths.
fn synth(dir: &Path, rows: u32, missing: &str) -> (String, String) {
    let m = dir.join("m.csv").to_str().unwrap().to_string();
    let r = dir.join("r.csv").to_str().unwrap().to_string();
    rolefit(&[
        "synth",
        "matrix",
        "--roles",
        "12",
        "--capabilities",
        "30",
        "--seed",
        "5",
        "-o",
        &m,
    ])
    .ok();
    let rows = rows.to_string();
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        &m,
        "--rows",
        &rows,
        "--seed",
        "6",
        "--missing",
        missing,
        "-o",
        &r,
    ])
    .ok();
    (m, r)
}

#[test]
fn output_is_identical_with_one_thread_and_with_many() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), 40_000, "0.1");
    for format in ["csv", "ndjson"] {
        let base = [
            "score",
            r.as_str(),
            "--matrix",
            m.as_str(),
            "--top",
            "3",
            "--format",
            format,
            "-q",
        ];
        let one = rolefit(&[&base[..], &["--threads", "1"]].concat());
        let many = rolefit(&[&base[..], &["--threads", "4"]].concat());
        assert_eq!(one.ok().len(), many.ok().len());
        assert!(one.stdout == many.stdout, "{format}: outputs differ");
        assert_eq!(one.stderr, "", "--quiet prints nothing");
    }
}

#[test]
fn json_over_many_chunks_is_one_valid_array_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), 20_000, "0");
    let out = rolefit(&[
        "score", &r, "--matrix", &m, "--top", "1", "--format", "json", "-q",
    ]);
    let json: Value = serde_json::from_str(out.ok()).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["respondent"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 20_000);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "input order (ids are zero-padded counters)"
    );
}

#[test]
fn shards_scored_apart_concatenate_to_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), 9_000, "0.05");
    let whole = rolefit(&["score", &r, "--matrix", &m, "--format", "csv", "-q"]);
    let text = std::fs::read_to_string(&r).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let mut joined = String::new();
    for (i, shard) in body.chunks(3_333).enumerate() {
        let path = write(
            dir.path(),
            &format!("shard{i}.csv"),
            &format!("{header}\n{}\n", shard.join("\n")),
        );
        let out = rolefit(&[
            "score",
            &path,
            "--matrix",
            &m,
            "--format",
            "csv",
            "--no-header",
            "-q",
        ]);
        assert!(
            !out.ok().starts_with("respondent,"),
            "--no-header leaves the header out"
        );
        joined.push_str(&out.stdout);
    }
    let whole = whole.ok();
    let (whole_header, whole_body) = whole.split_once('\n').unwrap();
    assert_eq!(whole_header, "respondent,rank,role,score,answered,status");
    assert_eq!(joined, whole_body);
}

#[test]
fn every_row_is_read_scored_or_rejected_and_rejects_keep_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let input = "respondent,Q01,Q02\na,4,5\nb,4,oops\nc,1\nd,2,3\n";
    let rejects = dir.path().join("rejects.csv");
    let out = rolefit_stdin(
        &[
            "score",
            "--on-error",
            "skip",
            "--rejects",
            rejects.to_str().unwrap(),
            "--format",
            "csv",
            "--min-answered",
            "0",
            "--top",
            "1",
        ],
        input,
    );
    let text = out.ok();
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["a", "d"]);
    assert!(
        out.stderr.contains("4 rows read, 2 scored, 2 rejected"),
        "{}",
        out.stderr
    );
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(rejected.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["line", "reason", "respondent", "Q01", "Q02"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((&rows[0][0], &rows[0][2], &rows[0][4]), ("3", "b", "oops"));
    assert!(rows[0][1].contains("\"oops\" is not a number"), "{}", &rows[0][1]);
    assert_eq!((&rows[1][0], &rows[1][2], rows[1].len()), ("4", "c", 4));

    // Without skip the first bad row stops the run; with every row bad, exit 2.
    let fail = rolefit_stdin(&["score", "--format", "csv"], input);
    assert!(fail.bad_input().contains("<stdin>:3"), "{}", fail.stderr);
    let all_bad = rolefit_stdin(&["score", "--on-error", "skip"], "respondent,Q01\na,x\nb,y\n");
    assert!(
        all_bad.bad_input().contains("every one of the 2 rows"),
        "{}",
        all_bad.stderr
    );
    rolefit_stdin(&["score", "--rejects", "r.csv"], input).bad_input();
}

/// The commands that read every response at once (here `cluster`) set rows
/// aside and refuse a run that keeps none as `score` does, with the same
/// words.
#[test]
fn commands_reading_whole_refuse_a_run_that_keeps_no_row_like_score() {
    let bad = "respondent,Q01\na,x\nb,y\n";
    let flagged = "respondent,Q01,Q02,Q03\na,3,3,3\nb,4,4,4\n";
    for command in ["score", "cluster"] {
        let run = rolefit_stdin(&[command, "--on-error", "skip"], bad);
        let msg = run.bad_input();
        assert!(
            msg.contains(
                "every one of the 2 rows of <stdin> was rejected, so nothing was written; the first: <stdin>:2"
            ),
            "{command}: {msg}"
        );
        let run = rolefit_stdin(&[command, "--exclude-flagged"], flagged);
        let msg = run.bad_input();
        assert!(
            msg.contains(
                "every one of the 2 rows of <stdin> was rejected or flagged and left out (--exclude-flagged)"
            ),
            "{command}: {msg}"
        );
        let run = rolefit_stdin(&[command, "--rejects", "r.csv"], bad);
        assert!(
            run.bad_input().contains("--rejects needs --on-error skip"),
            "{command}"
        );
    }
}

#[test]
fn the_summary_counts_rows_and_quiet_silences_it() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), 1_000, "0");
    let out = rolefit(&["score", &r, "--matrix", &m, "--format", "csv"]);
    out.ok();
    let summary = out.stderr.trim();
    assert!(summary.starts_with("rolefit: "), "{summary}");
    assert!(
        summary.contains("1000 rows read, 1000 scored, 0 rejected in "),
        "{summary}"
    );
    assert_eq!(summary.lines().count(), 1);
    let quiet = rolefit(&["score", &r, "--matrix", &m, "--format", "csv", "--quiet"]);
    assert_eq!(quiet.ok(), out.stdout);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn a_large_table_suggests_a_streaming_format_once() {
    let dir = tempfile::tempdir().unwrap();
    let (m, r) = synth(dir.path(), 20_001, "0");
    let out = rolefit(&["score", &r, "--matrix", &m, "--top", "1"]);
    assert!(out.ok().contains("s20001"), "the table holds every row");
    let note = "note: a table keeps every row in memory until the end (";
    assert_eq!(out.stderr.matches(note).count(), 1, "{}", out.stderr);
    assert!(out
        .stderr
        .contains("--format csv or ndjson (or -o FILE.csv) streams large inputs"));
    // Streaming formats and --quiet: no note.
    let csv = rolefit(&["score", &r, "--matrix", &m, "--top", "1", "--format", "csv"]);
    csv.ok();
    assert!(!csv.stderr.contains("note:"), "{}", csv.stderr);
    let quiet = rolefit(&["score", &r, "--matrix", &m, "--top", "1", "--quiet"]);
    quiet.ok();
    assert_eq!(quiet.stderr, "");
}

/// The O*NET data shipped beside the project, if it is there.
fn onet() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("ROLEFIT_ONET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| crate::util::root().join("../shared/datasets/onet-29.3"));
    if dir.join("text/Skills.txt").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no O*NET data at {} (set ROLEFIT_ONET_DIR)",
            dir.display()
        );
        None
    }
}

#[test]
fn onet_skills_and_knowledge_merge_into_one_matrix_with_credit() {
    let Some(dir) = onet() else { return };
    let skills = dir.join("text/Skills.txt");
    let knowledge = dir.join("text/Knowledge.txt");
    let (s, k) = (skills.to_str().unwrap(), knowledge.to_str().unwrap());
    let check = rolefit(&["matrix", "check", s, k]);
    let text = check.ok();
    assert!(
        text.contains("roles: 879") && text.contains("capabilities: 68"),
        "{text}"
    );
    assert!(text.contains("scale: 0..7"));
    assert!(text.contains("layout: O*NET text (Skills) + O*NET text (Knowledge)"));
    assert!(text.contains("O*NET 29.3 Database") && text.contains("rolefit has modified"));
    // Synthetic answers on O*NET's 0..7 scale score against it.
    let out = dir_tmp_score(s, k);
    assert!(
        out.contains("O*NET 29.3 Database"),
        "the credit goes with results"
    );
}

fn dir_tmp_score(s: &str, k: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path().join("r.csv");
    rolefit(&[
        "synth",
        "responses",
        "--matrix",
        s,
        "--matrix",
        k,
        "--rows",
        "50",
        "--seed",
        "1",
        "-o",
        r.to_str().unwrap(),
    ])
    .ok();
    let out = rolefit(&[
        "score",
        r.to_str().unwrap(),
        "--matrix",
        s,
        "--matrix",
        k,
        "--scale",
        "0..7",
        "--format",
        "csv",
        "--top",
        "10",
    ]);
    let (_, rows) = crate::util::parse_csv(out.ok());
    assert_eq!(rows.len(), 500);
    out.stderr
}
