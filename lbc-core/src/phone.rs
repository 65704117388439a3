//! Phone numbers: from what people type to the E.164 digits the service wants, by libphonenumber's
//! metadata (the `phonenumber` crate) and a default region for national forms.

use std::fmt;
use std::str::FromStr;

use lbc_protocol::excerpt;
use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber};

use crate::Error;

/// The region whose national forms a number may be written in, e.g. `RU` for `8 (925) 688-06-36`.
///
/// A two-letter ISO 3166 code; [`Region::RU`] is the default, as the service is Russian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region(Id);

impl Region {
    /// Russia: the SDK's default region.
    pub const RU: Region = Region(Id::RU);

    /// The two-letter code, e.g. `RU`.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    /// The region of libphonenumber's metadata id (for the guard's country check).
    pub(crate) fn from_id(id: Id) -> Region {
        Region(id)
    }
}

impl Default for Region {
    fn default() -> Self {
        Region::RU
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Reads a two-letter region code, in either case (`ru`, `KZ`, `US`).
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        let upper = code.trim().to_ascii_uppercase();
        if upper.len() == 2 {
            if let Ok(id) = Id::from_str(&upper) {
                return Ok(Region(id));
            }
        }
        Err(Error::invalid_input(
            "default_region",
            format!(
                "`{}` is not a two-letter region code such as RU",
                excerpt(code)
            ),
        ))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest text taken for a phone number; anything longer is refused before parsing.
const MAX_INPUT_CHARS: usize = 64;

/// Turns a phone number as people write it into E.164 digits without `+`: `+7 (925) 688-06-36` and,
/// in region RU, `8 (925) 688-06-36` both become `79256880636`.
///
/// Digits, spaces, `-`, `.`, `(`, `)` and one leading `+` are allowed. A number in international
/// form (with `+`, or with its country code first) is read as such; otherwise as a national number
/// of `region`. A number that libphonenumber's metadata does not know as valid is an
/// [`Error::InvalidInput`] on `msisdn`, so nothing is dialled (and paid for) that cannot ring.
///
/// ```
/// use lbc_core::{Region, normalize_phone};
///
/// assert_eq!(normalize_phone("8 (925) 688-06-36", Region::RU)?, "79256880636");
/// assert_eq!(normalize_phone("+1 202-555-0143", Region::RU)?, "12025550143");
/// assert!(normalize_phone("12345", Region::RU).is_err());
/// # Ok::<(), lbc_core::Error>(())
/// ```
pub fn normalize(input: &str, region: Region) -> Result<String, Error> {
    let refuse =
        |why: &str| Error::invalid_input("msisdn", format!("`{}` {why}", excerpt(input.trim())));
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid_input("msisdn", "is empty"));
    }
    if trimmed.chars().count() > MAX_INPUT_CHARS {
        return Err(refuse("is too long for a phone number"));
    }
    let (international, body) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            other => {
                return Err(refuse(&format!(
                    "holds {other:?}: a phone number has only digits, spaces, `-`, `(`, `)` and a leading `+`"
                )));
            }
        }
    }
    if digits.is_empty() {
        return Err(refuse("holds no digits"));
    }
    let parsed = if international {
        valid(None, &format!("+{digits}"))
    } else {
        // National form first (`8 925 ...` in RU); then the same digits read as international
        // (`79256880636`, `12025550143`), which is how most sites store numbers.
        valid(Some(region.0), &digits).or_else(|| valid(None, &format!("+{digits}")))
    };
    match parsed {
        Some(number) => Ok(number
            .format()
            .mode(Mode::E164)
            .to_string()
            .trim_start_matches('+')
            .to_owned()),
        None => Err(refuse(&format!(
            "is not a valid phone number (read as international, or as a national number of {region})"
        ))),
    }
}

fn valid(region: Option<Id>, text: &str) -> Option<PhoneNumber> {
    phonenumber::parse(region, text)
        .ok()
        .filter(phonenumber::is_valid)
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
            "8 (925) 688-06-36",
            "89256880636",
            "(925) 688-06-36",
        ] {
            assert_eq!(
                normalize(input, Region::RU).unwrap(),
                "79256880636",
                "{input}"
            );
        }
        assert_eq!(
            normalize("+1 202 555 0143", Region::RU).unwrap(),
            "12025550143"
        );
        assert_eq!(
            normalize("(202) 555-0143", "us".parse().unwrap()).unwrap(),
            "12025550143"
        );
    }

    #[test]
    fn bad_numbers_say_why() {
        for (input, why) in [
            ("", "empty"),
            ("+7 925", "not a valid"),
            ("1234567890123456", "not a valid"),
            ("7925abc0636", "'a'"),
            ("++79256880636", "'+'"),
            ("70000000000", "not a valid"),
            ("()", "no digits"),
        ] {
            let err = normalize(input, Region::RU).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput { field, reason } if field == "msisdn" && reason.contains(why)),
                "{input}: {err}"
            );
        }
        let huge = "9".repeat(1_000_000);
        let err = normalize(&huge, Region::RU).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
    }

    #[test]
    fn regions_parse() {
        assert_eq!("ru".parse::<Region>().unwrap(), Region::RU);
        assert_eq!(Region::default().to_string(), "RU");
        for bad in ["", "R", "RUS", "ZZ9", "xx"] {
            assert!(bad.parse::<Region>().is_err(), "{bad}");
        }
    }
}
