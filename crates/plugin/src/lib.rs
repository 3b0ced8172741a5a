//! Write a rolefit scoring strategy as a separate program.
//!
//! rolefit runs an executable named `rolefit-strategy-NAME`, found in
//! `$ROLEFIT_PLUGIN_PATH` or `$PATH`, as the strategy `NAME`
//! (`rolefit score --strategy NAME`). The two talk protocol version
//! [`PROTOCOL_VERSION`] over the plugin's standard input and output: JSON
//! Lines, one JSON object per line; the plugin's standard error is its log.
//!
//! ```text
//! rolefit -> {"type":"hello","protocol":1,"rolefit":"0.1.0"}
//! plugin  <- {"type":"hello","protocol":1,"name":"mine","description":"What it measures."}
//! rolefit -> {"type":"matrix","scale":{"min":1.0,"max":5.0},"capabilities":["a","b"],
//!             "roles":[{"name":"Lead","levels":[4.0,2.0],"importances":[1.0,1.0]}]}
//! plugin  <- {"type":"ready"}
//! rolefit -> {"type":"score","id":1,"profiles":[[4.0,null],[2.0,3.0]]}
//! plugin  <- {"type":"scores","id":1,"scores":[[0.9],[0.4]]}
//! rolefit -> {"type":"bye"}        (then closes the plugin's standard input)
//! ```
//!
//! This crate has the messages as types ([`Request`], [`Reply`] and their
//! parts) and [`Plugin`], which turns a function scoring one profile into a
//! program that follows the protocol: it answers the handshake, checks the
//! matrix, calls the function once per profile, checks what it returns (one
//! finite number per role), and reports failures to rolefit as an
//! [`ErrorReply`]. A whole plugin:
//!
//! ```no_run
//! use rolefit_plugin::{Matrix, Plugin};
//!
//! /// The importance-weighted share of answered capabilities at or above
//! /// the role's level.
//! fn at_level(matrix: &Matrix, profile: &[Option<f64>]) -> Result<Vec<f64>, String> {
//!     let scores = matrix.roles.iter().map(|role| {
//!         let (mut met, mut total) = (0.0, 0.0);
//!         for ((x, r), w) in profile.iter().zip(&role.levels).zip(&role.importances) {
//!             if let Some(x) = x {
//!                 total += w;
//!                 if x >= r {
//!                     met += w;
//!                 }
//!             }
//!         }
//!         if total > 0.0 { met / total } else { 0.0 }
//!     });
//!     Ok(scores.collect())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     Plugin::new("at-level", "The weighted share of capabilities at the role's level.").run(at_level)
//! }
//! ```
//!
//! Build it, name the binary `rolefit-strategy-at-level`, put it on
//! `$ROLEFIT_PLUGIN_PATH`, and check it with `rolefit plugins check at-level`.
//!
//! rolefit trusts no plugin: it checks every reply (types, ids, row counts,
//! finiteness) and stops the run at the first problem, or when a reply
//! takes longer than `--plugin-timeout`. See docs/plugins.md in the rolefit
//! repository for the full protocol and the discovery rules.
#![deny(missing_docs)]

mod protocol;
mod reply;
mod serve;

pub use protocol::{
    ErrorReply, HelloReply, HelloRequest, Matrix, Reply, Request, Role, Scale, ScoreRequest, Scores,
    PROTOCOL_VERSION,
};
pub use reply::{parse_reply, printable, BadReply};
pub use serve::{Plugin, ServeError};
