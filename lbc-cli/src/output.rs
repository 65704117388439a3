//! Where answers go: stdout, as human text or as one JSON document.

use std::io::Write;

use serde_json::Value;

use crate::exit::Failure;

/// An answer rendered both ways; [`Output::print`] picks one.
#[derive(Debug)]
pub struct Rendered {
    /// Text for people.
    pub human: String,
    /// The answer for scripts.
    pub json: Value,
}

/// How answers are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// `--json`: print [`Rendered::json`] instead of the human text.
    pub json: bool,
}

impl Output {
    /// Prints one answer on stdout, followed by a newline.
    pub fn print(self, rendered: &Rendered) -> Result<(), Failure> {
        let text = if self.json {
            rendered.json.to_string()
        } else {
            rendered.human.trim_end().to_owned()
        };
        line(&text)
    }
}

/// Writes `text` and a newline on stdout and flushes it.
pub fn line(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(Failure::io("writing to stdout"))
}
