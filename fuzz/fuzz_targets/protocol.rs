//! Arbitrary bytes as the protocol's lines, both ways: rolefit reading a
//! plugin's replies (`parse_reply`, which must return a reply or a precise
//! complaint) and the plugin helper reading rolefit's requests
//! (`Plugin::serve`, which must answer or stop with an error). Neither may
//! panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit_plugin::{parse_reply, Plugin};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        match parse_reply(line) {
            Ok(_) => {}
            Err(bad) => {
                let _ = bad.in_answer_to("the fuzz request");
            }
        }
    }
    let plugin = Plugin::new("fuzz", "Scores every role 0.5.");
    let mut out = Vec::new();
    let _ = plugin.serve(data, &mut out, |matrix, _profile| Ok(vec![0.5; matrix.roles.len()]));
});
