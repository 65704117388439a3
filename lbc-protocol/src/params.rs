//! An ordered list of request parameters, as they travel on the wire.

use std::collections::HashMap;

use serde_json::Value;

use crate::ProtocolError;

/// Past this many pairs, names are looked up through a hash index instead of a scan, so that
/// building a list of any length stays linear (a request body may hold many thousands of names).
const SCAN_LIMIT: usize = 16;

/// Request parameters: `name = value` pairs in the order they were added.
///
/// Setting a name that is already present replaces its value in place, so a name occurs at most once.
/// Empty values are kept here; signing and the wire encoders leave them out (the service treats an
/// empty parameter as an absent one).
///
/// ```
/// use lbc_protocol::Params;
///
/// let mut params = Params::new().with("msisdn", "79256880636");
/// params.set("msisdn", "79001234567");
/// assert_eq!(params.get("msisdn"), Some("79001234567"));
/// assert_eq!(params.len(), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
    /// Name → position in `pairs`, kept once there are more than [`SCAN_LIMIT`] pairs.
    index: Option<HashMap<String, usize>>,
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.pairs == other.pairs
    }
}

impl Eq for Params {}

impl Params {
    /// An empty parameter list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let (name, value) = (name.into(), value.into());
        match self.position(&name) {
            Some(at) => self.pairs[at].1 = value,
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(name.clone(), self.pairs.len());
                }
                self.pairs.push((name, value));
                if self.index.is_none() && self.pairs.len() > SCAN_LIMIT {
                    self.index = Some(
                        self.pairs
                            .iter()
                            .enumerate()
                            .map(|(at, (n, _))| (n.clone(), at))
                            .collect(),
                    );
                }
            }
        }
        self
    }

    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.pairs.iter().position(|(n, _)| n == name),
        }
    }

    /// Sets `name` only when `value` is `Some`.
    pub fn set_opt(&mut self, name: &str, value: Option<impl Into<String>>) -> &mut Self {
        if let Some(value) = value {
            self.set(name, value);
        }
        self
    }

    /// Builder-style [`Params::set`].
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// The value of `name`, if present (possibly empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name).map(|at| self.pairs[at].1.as_str())
    }

    /// The value of `name` when present and not empty: what the service counts as "given".
    pub fn given(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Removes `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let at = self.position(name)?;
        let (_, value) = self.pairs.remove(at);
        if let Some(index) = &mut self.index {
            index.remove(name);
            for (n, _) in &self.pairs[at..] {
                if let Some(slot) = index.get_mut(n) {
                    *slot -= 1;
                }
            }
        }
        Some(value)
    }

    /// Every pair, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The pairs whose value is not empty: the ones that go on the wire.
    pub fn non_empty(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter().filter(|(_, v)| !v.is_empty())
    }

    /// Reads parameters from a JSON object (the wire's `params`, or a binding's arguments): strings as
    /// they are, numbers and booleans as their JSON text, `null` left out. Anything else, or more
    /// than [`crate::MAX_PARAMS`] members, is a [`ProtocolError`] on `field`.
    ///
    /// The object is read member by member and refused as soon as it holds too many, so a hostile
    /// megabyte of JSON costs no more than reading it once.
    pub fn from_json(text: &str, field: &str) -> Result<Params, ProtocolError> {
        let refusal = std::cell::RefCell::new(None);
        let visitor = ObjectVisitor {
            field,
            refusal: &refusal,
        };
        let mut reader = serde_json::Deserializer::from_str(text);
        let read = serde::Deserializer::deserialize_any(&mut reader, visitor)
            .and_then(|params| reader.end().map(|()| params));
        match (read, refusal.into_inner()) {
            (_, Some(refusal)) => Err(refusal),
            (Ok(params), None) => Ok(params),
            (Err(e), None) => Err(ProtocolError::new(field, format!("not JSON: {e}"))),
        }
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Reads a JSON object into [`Params`]; a refusal of ours is left in `refusal` (serde's error then
/// only stops the reading).
struct ObjectVisitor<'a> {
    field: &'a str,
    refusal: &'a std::cell::RefCell<Option<ProtocolError>>,
}

impl ObjectVisitor<'_> {
    fn refuse<E: serde::de::Error>(&self, field: String, reason: &str) -> E {
        *self.refusal.borrow_mut() = Some(ProtocolError::new(field, reason));
        E::custom(reason)
    }
}

impl<'de> serde::de::Visitor<'de> for ObjectVisitor<'_> {
    type Value = Params;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Params, A::Error> {
        let mut params = Params::new();
        let mut members = 0usize;
        while let Some(name) = map.next_key::<String>()? {
            members += 1;
            if members > crate::MAX_PARAMS {
                return Err(self.refuse(
                    self.field.to_owned(),
                    &format!("a request holds at most {} parameters", crate::MAX_PARAMS),
                ));
            }
            let text = match map.next_value::<Value>()? {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                Value::Array(_) | Value::Object(_) => {
                    return Err(self.refuse(
                        format!("{}.{}", self.field, crate::excerpt(&name)),
                        "a parameter value must be a string or a number",
                    ));
                }
            };
            params.set(name, text);
        }
        Ok(params)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Params, A::Error> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Params, E> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Params, E> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Params, E> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Params, E> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Params, E> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Params, E> {
        Err(self.refuse(self.field.to_owned(), "not a JSON object"))
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut params = Params::new();
        for (name, value) in iter {
            params.set(name, value);
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_stay_consistent_through_the_index() {
        let mut p = Params::new();
        for i in 0..1000 {
            p.set(format!("n{i}"), i.to_string());
        }
        p.set("n5", "five");
        assert_eq!(p.remove("n3").as_deref(), Some("3"));
        assert_eq!(p.get("n3"), None);
        assert_eq!(p.get("n4"), Some("4"));
        assert_eq!(p.get("n999"), Some("999"));
        assert_eq!(p.get("n5"), Some("five"));
        p.set("n3", "back");
        assert_eq!(p.iter().last(), Some(("n3", "back")));
        assert_eq!(p.len(), 1000);
    }

    #[test]
    fn building_many_names_is_linear() {
        // 200 000 distinct names: quadratic insertion would take minutes, linear takes milliseconds.
        let started = std::time::Instant::now();
        let p: Params = (0..200_000).map(|i| (format!("k{i}"), "v")).collect();
        assert_eq!(p.len(), 200_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn set_replaces_in_place_and_keeps_order() {
        let mut p = Params::new();
        p.set("a", "1").set("b", "2").set("a", "3");
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![("a", "3"), ("b", "2")]);
        assert_eq!(p.given("a"), Some("3"));
        p.set("b", "");
        assert_eq!(p.get("b"), Some(""));
        assert_eq!(p.given("b"), None);
        assert_eq!(p.non_empty().count(), 1);
    }

    #[test]
    fn json_objects_become_parameters() {
        let p = Params::from_json(r#"{"a":"x","n":5,"b":true,"z":null}"#, "params").unwrap();
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            vec![("a", "x"), ("n", "5"), ("b", "true")]
        );
        let dup = Params::from_json(r#"{"a":"1","b":"2","a":"3"}"#, "params").unwrap();
        assert_eq!(dup.iter().collect::<Vec<_>>(), vec![("a", "3"), ("b", "2")]);
        let many: String = format!(
            "{{{}}}",
            (0..300)
                .map(|i| format!("\"n{i}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(
            Params::from_json(&many, "params").unwrap_err().field,
            "params"
        );
        for bad in ["[1]", "{\"a\":[1]}", "{", "\"s\"", "{} x", "null", "1.5"] {
            let err = Params::from_json(bad, "params").unwrap_err();
            assert_eq!(err.field.split('.').next(), Some("params"), "{bad}");
        }
    }
}
