//! `rolefit-strategy-mock`: a strategy plugin for the tests
//! (tests/integration/plugins.rs) that follows protocol version 1 except
//! where its mode says otherwise, and logs every message it gets to
//! standard error. The mode is its file name after `rolefit-strategy-`:
//! the tests link it into a temporary directory as
//! `rolefit-strategy-MODE`. Every score is 0.5.

use std::io::{BufRead, Write};

use serde_json::{json, Value};

fn send(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// A scores message for `n` profiles and `roles` roles, with `edit` applied
/// to the rows (as text, so that NaN and Infinity can be written).
fn scores(id: u64, n: usize, roles: usize, edit: impl Fn(&mut Vec<Vec<String>>)) -> String {
    let mut rows = vec![vec!["0.5".to_string(); roles]; n];
    edit(&mut rows);
    let rows: Vec<String> = rows.iter().map(|r| format!("[{}]", r.join(","))).collect();
    format!(r#"{{"type":"scores","id":{id},"scores":[{}]}}"#, rows.join(","))
}

fn main() {
    let me = std::env::args().next().unwrap_or_default();
    let name = std::path::Path::new(&me)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mode = name
        .strip_prefix("rolefit-strategy-")
        .unwrap_or("fine")
        .to_string();
    let mut roles = 0;
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { return };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            return;
        };
        let kind = msg["type"].as_str().unwrap_or_default();
        eprintln!("mock: got {kind}");
        match kind {
            "hello" => {
                let protocol = if mode == "protocol" { 2 } else { 1 };
                let hello =
                    json!({"type": "hello", "protocol": protocol, "name": "mock", "description": "A mock."});
                send(&hello.to_string());
            }
            "matrix" => {
                if mode == "error" {
                    send(r#"{"type":"error","message":"model file missing"}"#);
                    std::process::exit(1);
                }
                roles = msg["roles"].as_array().map_or(0, Vec::len);
                send(r#"{"type":"ready"}"#);
            }
            "score" => {
                let n = msg["profiles"].as_array().map_or(0, Vec::len);
                let id = msg["id"].as_u64().unwrap_or(0);
                match mode.as_str() {
                    "crash" => {
                        // The first SIGSEGV meets Rust's handler (for stack
                        // overflows), which restores the default action: the
                        // second one kills.
                        #[cfg(unix)]
                        for _ in 0..2 {
                            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGSEGV);
                        }
                        std::process::abort();
                    }
                    "exit" => std::process::exit(3),
                    "malformed" => send("debug: scoring now"),
                    "wrong-id" => send(&scores(id + 998, n, roles, |_| {})),
                    "rows" => send(&scores(id, n, roles, |r| {
                        r.remove(0);
                    })),
                    "cols" => send(&scores(id, n, roles, |r| {
                        r[2].remove(0);
                    })),
                    "nan" => send(&scores(id, n, roles, |r| r[0][1] = "NaN".into())),
                    "type" => send(r#"{"type":"ready"}"#),
                    "late" if id >= 2 => send(&scores(id, n, roles, |r| r[n - 1][0] = "Infinity".into())),
                    _ => send(&scores(id, n, roles, |_| {})),
                }
            }
            "bye" => std::process::exit(if mode == "bye-exit" { 4 } else { 0 }),
            _ => {}
        }
    }
}
