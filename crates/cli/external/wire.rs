//! The protocol's lines: requests written, replies read and diagnosed.
//!
//! Requests are rolefit's, so they are written fast and exactly. Replies
//! come from a program rolefit does not trust: they are read with the
//! `rolefit-plugin` types, and when that fails the line is looked at again
//! to say precisely what is wrong with it (which field, which profile and
//! role), since "invalid type: string, expected f64 at column 1873" helps
//! no plugin author.

use rolefit_model::ProfileBatch;
use rolefit_plugin::{HelloRequest, Matrix, Reply, Request, Role, Scale, PROTOCOL_VERSION};
use rolefit_score::CompiledMatrix;

/// `{"type":"hello","protocol":1,"rolefit":"<version>"}` and a line end.
pub fn hello_request() -> Vec<u8> {
    line(&Request::Hello(HelloRequest {
        protocol: PROTOCOL_VERSION,
        rolefit: env!("CARGO_PKG_VERSION").to_string(),
    }))
}

/// The `matrix` message for `matrix`: scale, capability ids, and each
/// role's name, levels and importances.
pub fn matrix_request(matrix: &CompiledMatrix) -> Vec<u8> {
    let (levels, importances) = (matrix.levels(), matrix.importances());
    let roles = matrix
        .role_names()
        .iter()
        .enumerate()
        .map(|(j, name)| Role {
            name: name.clone(),
            levels: levels.row(j).to_vec(),
            importances: importances.row(j).to_vec(),
        })
        .collect();
    line(&Request::Matrix(Matrix {
        scale: Scale {
            min: matrix.scale().min(),
            max: matrix.scale().max(),
        },
        capabilities: matrix.capability_ids().to_vec(),
        roles,
    }))
}

/// `{"type":"bye"}` and a line end.
pub fn bye_request() -> Vec<u8> {
    line(&Request::Bye)
}

/// `{"type":"score","id":N,"profiles":[[v or null,...],...]}` and a line
/// end, written directly from the batch (values must be finite, as
/// [`CompiledMatrix::check`] ensures).
pub fn score_request(id: u64, profiles: &ProfileBatch) -> Vec<u8> {
    let c = profiles.capabilities();
    let mut out = Vec::with_capacity(64 + profiles.len() * (2 + c * 5));
    out.extend_from_slice(b"{\"type\":\"score\",\"id\":");
    out.extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
    out.extend_from_slice(b",\"profiles\":[");
    let mut number = ryu::Buffer::new();
    for i in 0..profiles.len() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        let (values, answered) = profiles.row(i);
        for (k, (&v, &a)) in values.iter().zip(answered).enumerate() {
            if k > 0 {
                out.push(b',');
            }
            if a && v.is_finite() {
                out.extend_from_slice(number.format_finite(v).as_bytes());
            } else {
                out.extend_from_slice(b"null");
            }
        }
        out.push(b']');
    }
    out.extend_from_slice(b"]}\n");
    out
}

fn line(request: &Request) -> Vec<u8> {
    // These types always serialise: strings and finite numbers only.
    let mut bytes = serde_json::to_vec(request).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The name of a reply's type, as on the wire.
pub fn kind(reply: &Reply) -> &'static str {
    match reply {
        Reply::Hello(_) => "hello",
        Reply::Ready => "ready",
        Reply::Scores(_) => "scores",
        Reply::Error(_) => "error",
    }
}

pub use rolefit_plugin::parse_reply;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_requests_are_the_documented_json() {
        let mut b = ProfileBatch::new(3);
        b.push("a", &[Some(4.0), None, Some(2.5)]);
        b.push("b", &[None, None, Some(1e-7)]);
        let bytes = score_request(9, &b);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert_eq!(
            text,
            "{\"type\":\"score\",\"id\":9,\"profiles\":[[4.0,null,2.5],[null,null,1e-7]]}\n"
        );
        let parsed: Request = serde_json::from_str(text).unwrap();
        assert!(matches!(parsed, Request::Score(s) if s.id == 9 && s.profiles[1][2] == Some(1e-7)));
        let empty = score_request(1, &ProfileBatch::new(2));
        assert_eq!(empty, b"{\"type\":\"score\",\"id\":1,\"profiles\":[]}\n");
    }

    #[test]
    fn other_requests_match_the_protocol() {
        let hello = String::from_utf8(hello_request()).unwrap();
        assert!(
            hello.starts_with(r#"{"type":"hello","protocol":1,"rolefit":""#),
            "{hello}"
        );
        assert_eq!(bye_request(), b"{\"type\":\"bye\"}\n");
    }
}
