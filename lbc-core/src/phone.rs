//! Phone numbers: from what people type to the E.164 digits the service wants.

use crate::Error;

/// The fewest digits accepted in a number (country code included).
pub const MIN_DIGITS: usize = 8;
/// The most digits E.164 allows.
pub const MAX_DIGITS: usize = 15;

/// Turns a phone number as people write it into E.164 digits without `+`:
/// `+7 (925) 688-06-36` becomes `79256880636`.
///
/// Spaces, dashes, dots and parentheses are dropped, as is one leading `+`. Anything else (letters, a
/// second `+`), fewer than 8 or more than 15 digits, or a leading `0` (no country code starts with
/// one) is an [`Error::InvalidInput`] on `msisdn` saying which rule failed.
pub fn normalize(input: &str) -> Result<String, Error> {
    let trimmed = input.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            other => {
                return Err(Error::invalid_input(
                    "msisdn",
                    format!(
                        "`{input}` holds {other:?}: a phone number has only digits, spaces, `-`, `(`, `)` and a leading `+`"
                    ),
                ));
            }
        }
    }
    if digits.len() < MIN_DIGITS || digits.len() > MAX_DIGITS {
        return Err(Error::invalid_input(
            "msisdn",
            format!(
                "`{input}` has {} digits; an international number has {MIN_DIGITS} to {MAX_DIGITS}, country code first",
                digits.len()
            ),
        ));
    }
    if digits.starts_with('0') {
        return Err(Error::invalid_input(
            "msisdn",
            format!(
                "`{input}` starts with 0: give the number with its country code (e.g. 7 for Russia)"
            ),
        ));
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_notations_normalise() {
        for input in [
            "+7 (925) 688-06-36",
            "79256880636",
            " 7.925.688.06.36 ",
            "+7\u{a0}925 6880636",
        ] {
            assert_eq!(normalize(input).unwrap(), "79256880636", "{input}");
        }
        assert_eq!(normalize("+1 202 555 0143").unwrap(), "12025550143");
    }

    #[test]
    fn bad_numbers_say_why() {
        for (input, why) in [
            ("", "0 digits"),
            ("+7 925", "4 digits"),
            ("1234567890123456", "16 digits"),
            ("7925abc0636", "'a'"),
            ("++79256880636", "'+'"),
            ("089256880636", "starts with 0"),
        ] {
            let err = normalize(input).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput { field, reason } if field == "msisdn" && reason.contains(why)),
                "{input}: {err}"
            );
        }
    }
}
