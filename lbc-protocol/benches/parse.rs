//! Prints how long `parse` takes on 1 MiB requests of the worst shapes known: the parser must stay
//! linear (the bound: well under 100 ms for any 1 MiB body).
//!
//! `cargo bench -p lbc-protocol --bench parse` — figures only, nothing asserted.

use std::time::{Duration, Instant};

use lbc_protocol::{IncomingRequest, parse};

const MIB: usize = 1 << 20;

fn shapes() -> Vec<(&'static str, Option<String>, Vec<u8>)> {
    let names: String = (0..).map(|i| format!("n{i}=v&")).take_while_len(MIB);
    let json_keys = format!(
        "{{{}}}",
        (0..)
            .map(|i| format!("\"k{i}\":1,"))
            .take_while_len(MIB - 16)
            .trim_end_matches(',')
    );
    let boundary = format!("{}b", "a".repeat(199));
    let near_miss = format!(
        "--{boundary}\r\n{}",
        format!("--{}\r\n", "a".repeat(199)).repeat(MIB / 203)
    );
    let nested = format!("params={}{}", "%5B".repeat(MIB / 6), "%5D".repeat(MIB / 6));
    let escapes = format!("v={}", "%41".repeat(MIB / 3));
    let ampersands = "&".repeat(MIB);
    vec![
        ("form, 1 name per 6 bytes", None, names.into_bytes()),
        (
            "JSON body, 1 key per 9 bytes",
            Some("application/json".into()),
            json_keys.into_bytes(),
        ),
        (
            "multipart, near-matching boundaries",
            Some(format!("multipart/form-data; boundary={boundary}")),
            near_miss.into_bytes(),
        ),
        ("form, deeply nested params JSON", None, nested.into_bytes()),
        ("form, one value of escapes", None, escapes.into_bytes()),
        ("form, a million '&'", None, ampersands.into_bytes()),
    ]
}

trait TakeWhileLen {
    fn take_while_len(self, max: usize) -> String;
}

impl<I: Iterator<Item = String>> TakeWhileLen for I {
    fn take_while_len(self, max: usize) -> String {
        let mut out = String::new();
        for piece in self {
            if out.len() + piece.len() > max {
                break;
            }
            out.push_str(&piece);
        }
        out
    }
}

fn main() {
    println!(
        "{:<40} {:>10} {:>12}  outcome",
        "1 MiB request", "bytes", "parse ms"
    );
    for (name, content_type, body) in shapes() {
        let mut best = Duration::MAX;
        let mut outcome = String::new();
        for _ in 0..5 {
            let started = Instant::now();
            let result = parse(&IncomingRequest {
                path: "call",
                content_type: content_type.as_deref(),
                body: &body,
                ..Default::default()
            });
            best = best.min(started.elapsed());
            outcome = match result {
                Ok(parsed) => format!("{} parameters", parsed.params.len()),
                Err(e) => format!("refused: {}", e.reason),
            };
        }
        println!(
            "{name:<40} {:>10} {:>12.2}  {outcome}",
            body.len(),
            best.as_secs_f64() * 1e3
        );
    }
}
