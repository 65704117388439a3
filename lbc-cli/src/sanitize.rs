//! Text that came over the network, made safe to print on a terminal.
//!
//! A service (or anything posing as one) controls the `reason` of an error, `last_error`, payment
//! fields, request ids and the bodies quoted in HTTP errors. Printed raw, an escape sequence in them
//! could recolour, retitle or rewrite the user's terminal, and a CR or LF could forge a line of
//! `lbc`'s own output. JSON output needs none of this: serde escapes control characters.

use serde_json::Value;

/// `text` as one printable line: line breaks, tabs and other whitespace controls become a space;
/// every other control character (ESC, BEL, DEL, the C1 range such as CSI) and the bidirectional
/// overrides that can make text read differently from what it is are dropped.
pub fn line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                Some(' ')
            }
            '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// `value` with every string in it (keys included) passed through [`line()`], for printing a raw
/// answer to people.
pub fn value(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(line(&text)),
        Value::Array(items) => Value::Array(items.into_iter().map(self::value).collect()),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(name, member)| (line(&name), self::value(member)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escape_sequences_and_line_breaks_do_not_survive() {
        assert_eq!(line("\u{1b}[31mred\u{7}"), "[31mred");
        assert_eq!(line("a\r\nb\tc"), "a  b c");
        assert_eq!(line("\u{1b}]0;title\u{7}x\u{9b}2J\u{7f}"), "]0;titlex2J");
        assert_eq!(line("abc\u{202e}fed\u{2066}"), "abcfed");
        assert_eq!(line("Звонок отклонён, 3 €"), "Звонок отклонён, 3 €");
    }

    #[test]
    fn every_string_of_a_value_is_cleaned() {
        let raw = json!({"re\u{1b}ason": ["\u{1b}[2Jx", 1, {"k": "a\nb"}], "n": null});
        assert_eq!(
            value(raw),
            json!({"reason": ["[2Jx", 1, {"k": "a b"}], "n": null})
        );
    }
}
