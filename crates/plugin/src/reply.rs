//! Reading a plugin's reply lines, as rolefit does, and saying precisely
//! what is wrong with a bad one.
//!
//! A host cannot trust a plugin's output. A line that does not parse as a
//! [`Reply`] is looked at again to say which field, which profile and
//! which role is wrong, since "invalid type: string, expected f64 at column
//! 1873" helps no plugin author. The reader never panics, whatever the line
//! (a fuzz target feeds it arbitrary bytes).

use serde_json::Value;

use crate::Reply;

/// How much of an offending line a message quotes.
const EXCERPT: usize = 160;

/// `text` cut to `max` characters with control characters escaped, safe to
/// print in a terminal.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// What is wrong with a reply line: a phrase in two parts, so that the
/// request it answered can go between them.
#[derive(Debug)]
pub struct BadReply {
    head: String,
    tail: String,
}

impl BadReply {
    fn new(head: impl Into<String>, tail: impl Into<String>) -> Self {
        BadReply {
            head: head.into(),
            tail: tail.into(),
        }
    }

    /// The whole phrase, to follow the plugin's name: `sent the score NaN
    /// for profile 0, role 1 in answer to {what} (scores must be finite
    /// numbers)`.
    pub fn in_answer_to(&self, what: &str) -> String {
        format!("{} in answer to {what}{}", self.head, self.tail)
    }
}

/// Reads one reply line, or says what is wrong with it.
pub fn parse_reply(line: &str) -> Result<Reply, BadReply> {
    // JSON has no NaN or infinities, but some encoders write them anyway
    // (Python's json does): quote them, so that the line still parses and
    // the message can say which score it was.
    let quoted = quote_non_finite(line);
    let text = quoted.as_deref().unwrap_or(line);
    match serde_json::from_str::<Reply>(text) {
        Ok(reply) => Ok(reply),
        Err(typed) => Err(diagnose(text, line, &typed)),
    }
}

/// `line` with bare `NaN`, `Infinity` and `-Infinity` tokens (outside
/// strings) put in quotes, or `None` if it has none.
fn quote_non_finite(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let mut out: Option<String> = None;
    let (mut in_string, mut escaped) = (false, false);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        let token = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|t| bytes[i..].starts_with(t.as_bytes()));
        if let Some(t) = token {
            let o = out.get_or_insert_with(|| String::with_capacity(line.len() + 8));
            o.push_str(&line[copied..i]);
            o.push('"');
            o.push_str(t);
            o.push('"');
            i += t.len();
            copied = i;
            continue;
        }
        i += 1;
    }
    if let Some(o) = out.as_mut() {
        o.push_str(&line[copied..]);
    }
    out
}

/// Why `text` (the line, non-finite tokens quoted) is not a valid reply.
fn diagnose(text: &str, original: &str, typed: &serde_json::Error) -> BadReply {
    let excerpt = || printable(original, EXCERPT);
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) if e.to_string().contains("number out of range") => {
            return BadReply::new(
                "sent a number too large for a 64-bit float",
                format!(" (scores must be finite): {}", excerpt()),
            )
        }
        Err(e) => {
            return BadReply::new(
                "sent a line that is not JSON",
                format!(
                    ": {:?} ({e}); plugins must write only protocol messages to standard output, \
                     and log to standard error",
                    excerpt()
                ),
            )
        }
    };
    let Some(object) = value.as_object() else {
        return BadReply::new(
            "sent a line that is not a JSON object",
            format!(": {}", excerpt()),
        );
    };
    let Some(kind) = object.get("type") else {
        return BadReply::new("sent a message without a \"type\"", format!(": {}", excerpt()));
    };
    let Some(kind) = kind.as_str() else {
        return BadReply::new(
            format!("sent a message whose \"type\" is {}, not a string", shown(kind)),
            "",
        );
    };
    let field = |name: &str| object.get(name);
    let problem = match kind {
        "hello" => check_u64(field("protocol"), "a hello", "protocol")
            .or_else(|| check_string(field("name"), "a hello", "name"))
            .or_else(|| check_string(field("description"), "a hello", "description")),
        "scores" => check_u64(field("id"), "a scores message", "id"),
        "error" => check_string(field("message"), "an error message", "message"),
        "ready" => None,
        other => {
            return BadReply::new(
                format!("sent a message of unknown type \"{}\"", printable(other, 40)),
                "; expected hello, ready, scores or error",
            )
        }
    };
    if let Some(p) = problem {
        return BadReply::new(format!("sent {p}"), "");
    }
    if kind == "scores" {
        if let Some(bad) = check_scores(field("scores")) {
            return bad;
        }
    }
    BadReply::new(
        format!("sent a malformed \"{kind}\" message"),
        format!(": {} ({typed})", excerpt()),
    )
}

fn check_u64(v: Option<&Value>, message: &str, field: &str) -> Option<String> {
    match v {
        None => Some(format!("{message} without \"{field}\" (a whole number)")),
        Some(v) if v.as_u64().is_some() => None,
        Some(v) => Some(format!(
            "{message} whose \"{field}\" is {}, not a whole number >= 0",
            shown(v)
        )),
    }
}

fn check_string(v: Option<&Value>, message: &str, field: &str) -> Option<String> {
    match v {
        None => Some(format!("{message} without \"{field}\" (a string)")),
        Some(Value::String(_)) => None,
        Some(v) => Some(format!(
            "{message} whose \"{field}\" is {}, not a string",
            shown(v)
        )),
    }
}

fn check_scores(v: Option<&Value>) -> Option<BadReply> {
    let sent = |head: String| Some(BadReply::new(format!("sent {head}"), ""));
    let rows = match v {
        None => return sent("a scores message without \"scores\" (an array of rows of numbers)".into()),
        Some(Value::Array(rows)) => rows,
        Some(v) => {
            return sent(format!(
                "a scores message whose \"scores\" is {}, not an array of rows",
                shown(v)
            ))
        }
    };
    for (i, row) in rows.iter().enumerate() {
        let Value::Array(cells) = row else {
            return sent(format!(
                "{} as the scores of profile {i}, not an array of numbers",
                shown(row)
            ));
        };
        for (j, cell) in cells.iter().enumerate() {
            match cell {
                Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => {}
                Value::String(s) if ["NaN", "Infinity", "-Infinity"].contains(&s.as_str()) => {
                    return Some(BadReply::new(
                        format!("sent the score {s} for profile {i}, role {j}"),
                        "; scores must be finite numbers",
                    ))
                }
                other => {
                    return sent(format!(
                        "{} as the score for profile {i}, role {j}, not a finite number",
                        shown(other)
                    ))
                }
            }
        }
    }
    None
}

/// A JSON value for a message: short, and safe to print.
fn shown(v: &Value) -> String {
    printable(&v.to_string(), 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_replies_parse() {
        let r = parse_reply(r#"{"type":"scores","id":2,"scores":[[0.5,1]]}"#).unwrap();
        assert!(matches!(r, Reply::Scores(s) if s.id == 2 && s.scores == vec![vec![0.5, 1.0]]));
        assert!(matches!(parse_reply(r#"{"type":"ready"}"#), Ok(Reply::Ready)));
    }

    #[test]
    fn bad_replies_are_diagnosed_precisely() {
        let cases = [
            ("hello world", "not JSON"),
            ("[1,2]", "not a JSON object"),
            (r#"{"id":1}"#, "without a \"type\""),
            (r#"{"type":"sores"}"#, "unknown type \"sores\""),
            (
                r#"{"type":"scores","id":-1,"scores":[]}"#,
                "\"id\" is -1, not a whole number",
            ),
            (r#"{"type":"scores","id":1}"#, "without \"scores\""),
            (
                r#"{"type":"scores","id":1,"scores":[[0.5,NaN]]}"#,
                "the score NaN for profile 0, role 1",
            ),
            (
                r#"{"type":"scores","id":1,"scores":[[1],[-Infinity]]}"#,
                "the score -Infinity for profile 1, role 0",
            ),
            (
                r#"{"type":"scores","id":1,"scores":[[null]]}"#,
                "null as the score for profile 0, role 0",
            ),
            (r#"{"type":"scores","id":1,"scores":[[1e999]]}"#, "too large"),
            (
                r#"{"type":"hello","protocol":"1","name":"x","description":""}"#,
                "hello whose \"protocol\" is \"1\"",
            ),
            (
                r#"{"type":"hello","protocol":1,"description":""}"#,
                "a hello without \"name\"",
            ),
            (
                r#"{"type":"error","message":3}"#,
                "\"message\" is 3, not a string",
            ),
        ];
        for (line, expected) in cases {
            let problem = parse_reply(line).unwrap_err().in_answer_to("X");
            assert!(problem.contains(expected), "{line}: {problem}");
        }
    }

    #[test]
    fn non_finite_tokens_inside_strings_are_left_alone() {
        assert_eq!(quote_non_finite(r#"{"message":"NaN \" Infinity"}"#), None);
        assert_eq!(
            quote_non_finite(r#"{"a":"x","b":[NaN,Infinity]}"#).as_deref(),
            Some(r#"{"a":"x","b":["NaN","Infinity"]}"#)
        );
        let r = parse_reply(r#"{"type":"error","message":"got NaN"}"#).unwrap();
        assert!(matches!(r, Reply::Error(e) if e.message == "got NaN"));
    }
}
