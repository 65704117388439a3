//! The guard's policy as JSON: the one form every language configures it in (a Python dict, a PHP
//! array, Django's `LOGINBYCALL["GUARD"]`, a C string), read here once.
//!
//! `false` turns the guard off; an object changes the named settings and keeps the defaults of the
//! others. Durations are seconds; a limit is `{"calls": N, "window": SECONDS}` or `null` (off).
//!
//! ```json
//! {"allowed_countries": ["RU", "KZ"], "number_rate": {"calls": 3, "window": 3600},
//!  "call_price": 100, "spend_per_day": 500000}
//! ```

use std::time::Duration;

use serde_json::{Map, Value};

use super::{AllowedCountries, GuardPolicy, NumberType, RateLimit};
use crate::Error;

impl GuardPolicy {
    /// The settings [`GuardPolicy::from_json`] reads: the names of this struct's fields, the same
    /// in every language (a Python dict's keys, a PHP array's, Django's `LOGINBYCALL["GUARD"]`).
    /// Anything else is a typo, refused rather than ignored.
    pub const SETTINGS: [&'static str; 13] = [
        "allowed_number_types",
        "allowed_countries",
        "number_rate",
        "ip_rate",
        "range_rate",
        "global_rate",
        "call_price",
        "spend_per_day",
        "brake_min_calls",
        "brake_min_ratio",
        "brake_window",
        "brake_pause",
        "brake_default_region",
    ];

    /// Reads a policy from JSON: `false` for [`GuardPolicy::off`], or an object whose members
    /// replace the [defaults](GuardPolicy::default) they name. Anything else, an unknown member or
    /// a value out of range is an [`Error::InvalidInput`] on `guard` (or `guard.<member>`).
    ///
    /// ```
    /// use lbc_core::{GuardPolicy, RateLimit};
    ///
    /// let policy = GuardPolicy::from_json(r#"{"number_rate": {"calls": 3, "window": 600}}"#)?;
    /// assert_eq!(policy.number_rate, Some(RateLimit::new(3, std::time::Duration::from_secs(600))));
    /// assert_eq!(GuardPolicy::from_json("false")?, GuardPolicy::off());
    /// # Ok::<(), lbc_core::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<GuardPolicy, Error> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid_input("guard", format!("is not JSON: {e}")))?;
        match value {
            Value::Bool(false) => Ok(GuardPolicy::off()),
            Value::Object(members) => read_object(&members),
            _ => Err(Error::invalid_input(
                "guard",
                "must be false (no guard) or an object of settings",
            )),
        }
    }
}

fn read_object(members: &Map<String, Value>) -> Result<GuardPolicy, Error> {
    if let Some(unknown) = members
        .keys()
        .find(|k| !GuardPolicy::SETTINGS.contains(&k.as_str()))
    {
        return Err(Error::invalid_input(
            format!("guard.{}", crate::protocol::excerpt(unknown)),
            format!(
                "is not a guard setting (known: {})",
                GuardPolicy::SETTINGS.join(", ")
            ),
        ));
    }
    let mut policy = GuardPolicy::default();
    for (name, value) in members {
        let field = format!("guard.{name}");
        let bad = |why: &str| Error::invalid_input(field.clone(), why.to_owned());
        match name.as_str() {
            "allowed_number_types" => {
                policy.allowed_number_types = match value {
                    Value::Null => None,
                    Value::Array(names) => Some(
                        names
                            .iter()
                            .map(|n| number_type(n).ok_or_else(|| bad(NUMBER_TYPES)))
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err(bad(NUMBER_TYPES)),
                }
            }
            "allowed_countries" => {
                policy.allowed_countries = match value {
                    Value::String(s) if s == "default" => AllowedCountries::DefaultRegion,
                    Value::String(s) if s == "any" => AllowedCountries::Any,
                    Value::Array(codes) => AllowedCountries::Only(
                        codes
                            .iter()
                            .map(|c| {
                                c.as_str()
                                    .and_then(|c| c.parse().ok())
                                    .ok_or_else(|| bad(COUNTRIES))
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => return Err(bad(COUNTRIES)),
                }
            }
            "number_rate" => policy.number_rate = rate(value).ok_or_else(|| bad(RATE))?,
            "ip_rate" => policy.ip_rate = rate(value).ok_or_else(|| bad(RATE))?,
            "range_rate" => policy.range_rate = rate(value).ok_or_else(|| bad(RATE))?,
            "global_rate" => policy.global_rate = rate(value).ok_or_else(|| bad(RATE))?,
            "call_price" => policy.call_price = credits(value).ok_or_else(|| bad(CREDITS))?,
            "spend_per_day" => policy.spend_per_day = credits(value).ok_or_else(|| bad(CREDITS))?,
            "brake_min_calls" => {
                policy.brake_min_calls = value
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad("must be a whole number of calls (0 turns the brake off)"))?
            }
            "brake_min_ratio" => {
                policy.brake_min_ratio = value
                    .as_f64()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| bad("must be a number from 0 to 1"))?
            }
            "brake_window" => policy.brake_window = seconds(value).ok_or_else(|| bad(SECONDS))?,
            "brake_pause" => policy.brake_pause = seconds(value).ok_or_else(|| bad(SECONDS))?,
            "brake_default_region" => {
                policy.brake_default_region = value
                    .as_bool()
                    .ok_or_else(|| bad("must be true or false"))?
            }
            _ => unreachable!("checked against SETTINGS"),
        }
    }
    // The ranges the builder checks (rates, windows, the spend cap's price) are checked once more
    // here, so that a bad policy is refused where it was written.
    policy.check().map_err(|error| match error {
        Error::InvalidInput { field, reason } => Error::InvalidInput {
            field: format!("guard.{field}"),
            reason,
        },
        other => other,
    })?;
    Ok(policy)
}

const NUMBER_TYPES: &str = "must be null (any type) or a list of number types: fixed_line, mobile, \
     fixed_line_or_mobile, toll_free, premium_rate, shared_cost, personal_number, voip, pager, \
     uan, voicemail, unknown";
const COUNTRIES: &str =
    "must be \"default\", \"any\" or a list of two-letter regions such as [\"RU\", \"KZ\"]";
const RATE: &str = "must be null (no limit) or {\"calls\": N, \"window\": SECONDS}";
const CREDITS: &str = "must be null or a whole number of credits";
const SECONDS: &str = "must be a whole number of seconds";

fn number_type(value: &Value) -> Option<NumberType> {
    let name = value.as_str()?;
    NumberType::ALL.into_iter().find(|t| t.as_str() == name)
}

/// `Some(None)` for `null`, `Some(Some(limit))` for a well-formed limit, `None` for anything else.
fn rate(value: &Value) -> Option<Option<RateLimit>> {
    match value {
        Value::Null => Some(None),
        Value::Object(limit) => {
            if limit.keys().any(|k| k != "calls" && k != "window") {
                return None;
            }
            let calls = u32::try_from(limit.get("calls")?.as_u64()?).ok()?;
            let window = seconds(limit.get("window")?)?;
            Some(Some(RateLimit::new(calls, window)))
        }
        _ => None,
    }
}

fn credits(value: &Value) -> Option<Option<u64>> {
    match value {
        Value::Null => Some(None),
        other => other.as_u64().map(Some),
    }
}

fn seconds(value: &Value) -> Option<Duration> {
    value.as_u64().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_object_is_the_default_and_false_is_off() {
        assert_eq!(
            GuardPolicy::from_json("{}").unwrap(),
            GuardPolicy::default()
        );
        assert_eq!(GuardPolicy::from_json("false").unwrap(), GuardPolicy::off());
    }

    #[test]
    fn every_setting_is_read() {
        let policy = GuardPolicy::from_json(
            r#"{"allowed_number_types": ["mobile"], "allowed_countries": ["RU", "KZ"],
                "number_rate": {"calls": 3, "window": 600}, "ip_rate": null,
                "range_rate": {"calls": 9, "window": 60}, "global_rate": null,
                "call_price": 100, "spend_per_day": 5000, "brake_min_calls": 0,
                "brake_min_ratio": 0.5, "brake_window": 7200, "brake_pause": 60,
                "brake_default_region": true}"#,
        )
        .unwrap();
        assert_eq!(policy.allowed_number_types, Some(vec![NumberType::Mobile]));
        assert_eq!(
            policy.allowed_countries,
            AllowedCountries::Only(vec!["RU".parse().unwrap(), "KZ".parse().unwrap()])
        );
        assert_eq!(
            policy.number_rate,
            Some(RateLimit::new(3, Duration::from_secs(600)))
        );
        assert_eq!(policy.ip_rate, None);
        assert_eq!(policy.global_rate, None);
        assert_eq!(
            (policy.call_price, policy.spend_per_day),
            (Some(100), Some(5000))
        );
        assert_eq!(policy.brake_min_calls, 0);
        assert_eq!(policy.brake_window, Duration::from_secs(7200));
        assert_eq!(policy.brake_pause, Duration::from_secs(60));
        assert!(policy.brake_default_region);
        let any = GuardPolicy::from_json(r#"{"allowed_countries": "any"}"#).unwrap();
        assert_eq!(any.allowed_countries, AllowedCountries::Any);
    }

    #[test]
    fn typos_and_bad_values_name_the_setting() {
        for (json, field) in [
            (r#"{"numbr_rate": null}"#, "guard.numbr_rate"),
            (r#"{"number_rate": 5}"#, "guard.number_rate"),
            (r#"{"number_rate": {"calls": 5}}"#, "guard.number_rate"),
            (
                r#"{"number_rate": {"calls": 0, "window": 60}}"#,
                "guard.number_rate",
            ),
            (r#"{"ip_rate": {"calls": 5, "window": 0}}"#, "guard.ip_rate"),
            (
                r#"{"number_rate": {"calls": 5, "window": 60, "x": 1}}"#,
                "guard.number_rate",
            ),
            (
                r#"{"allowed_number_types": ["premium"]}"#,
                "guard.allowed_number_types",
            ),
            (
                r#"{"allowed_countries": ["Narnia"]}"#,
                "guard.allowed_countries",
            ),
            (r#"{"brake_min_ratio": 2}"#, "guard.brake_min_ratio"),
            (
                r#"{"brake_default_region": 1}"#,
                "guard.brake_default_region",
            ),
            (r#"{"call_price": -1}"#, "guard.call_price"),
            ("true", "guard"),
            ("[]", "guard"),
            ("not json", "guard"),
        ] {
            let err = GuardPolicy::from_json(json).unwrap_err();
            assert_eq!(err.field(), Some(field), "{json}: {err}");
        }
    }
}
