//! An ordered list of request parameters, as they travel on the wire.

use serde_json::Value;

use crate::Error;

/// Request parameters: `name = value` pairs in the order they were added.
///
/// Setting a name that is already present replaces its value in place, so a name occurs at most once.
/// Empty values are kept here; signing and the wire encoders leave them out (the service treats an
/// empty parameter as an absent one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// An empty parameter list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let (name, value) = (name.into(), value.into());
        match self.pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.pairs.push((name, value)),
        }
        self
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
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name` when present and not empty: what the service counts as "given".
    pub fn given(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Removes `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let index = self.pairs.iter().position(|(n, _)| n == name)?;
        Some(self.pairs.remove(index).1)
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
    /// they are, numbers and booleans as their JSON text, `null` left out. Anything else is an
    /// [`Error::InvalidInput`] on `field`.
    pub fn from_json(text: &str, field: &str) -> Result<Params, Error> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid_input(field, format!("not JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(Error::invalid_input(field, "not a JSON object"));
        };
        let mut params = Params::new();
        for (name, value) in object {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::invalid_input(
                        format!("{field}.{name}"),
                        "a parameter value must be a string or a number",
                    ));
                }
            };
            params.set(name, text);
        }
        Ok(params)
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
        for bad in ["[1]", "{\"a\":[1]}", "{", "\"s\""] {
            let err = Params::from_json(bad, "params").unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{bad}");
        }
    }
}
