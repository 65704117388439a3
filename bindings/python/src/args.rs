//! Reading Python arguments. A value of the wrong type is a `TypeError`, a value of the right type
//! that cannot be used (a lone surrogate, a negative timeout, an integer out of range) an
//! `InvalidInput` naming the argument: never a panic, never a crash.

use std::time::Duration;

use lbc_core::Error;
use lbc_core::protocol::Params;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::errors;

/// `InvalidInput` on `name`, as lbc-core words it.
pub(crate) fn invalid(py: Python<'_>, name: &str, reason: impl Into<String>) -> PyErr {
    errors::to_py(py, &Error::invalid_input(name, reason))
}

/// `TypeError`: `name` must be `wanted`, not (the value's type).
pub(crate) fn wrong_type(obj: &Bound<'_, PyAny>, name: &str, wanted: &str) -> PyErr {
    let got = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "another type".into());
    PyTypeError::new_err(format!("{name} must be {wanted}, not {got}"))
}

/// A `str` argument, as UTF-8.
pub(crate) fn text(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    let Ok(s) = obj.cast::<PyString>() else {
        return Err(wrong_type(obj, name, "str"));
    };
    match s.to_cow() {
        Ok(text) => Ok(text.into_owned()),
        Err(_) => Err(invalid(
            obj.py(),
            name,
            "is not valid Unicode (it holds a lone surrogate)",
        )),
    }
}

/// An optional `str` argument: `None` (or absent) is `None`.
pub(crate) fn opt_text(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => text(o, name).map(Some),
    }
}

/// An `int` argument (not a `bool`) that fits an `i64`.
pub(crate) fn integer(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(wrong_type(obj, name, "int"));
    }
    obj.extract::<i64>()
        .map_err(|_| invalid(obj.py(), name, "is out of range"))
}

/// An optional `int` argument.
pub(crate) fn opt_integer(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<i64>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => integer(o, name).map(Some),
    }
}

/// A number of seconds (`int` or `float`, not a `bool`): finite and not negative.
pub(crate) fn seconds(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Duration> {
    let is_number = (obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>())
        || obj.is_instance_of::<PyFloat>();
    if !is_number {
        return Err(wrong_type(obj, name, "a number of seconds (int or float)"));
    }
    let value: f64 = obj
        .extract()
        .map_err(|_| invalid(obj.py(), name, "is out of range"))?;
    Duration::try_from_secs_f64(value).map_err(|_| {
        invalid(
            obj.py(),
            name,
            "must be a finite, non-negative number of seconds",
        )
    })
}

/// An optional number of seconds.
pub(crate) fn opt_seconds(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<Duration>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => seconds(o, name).map(Some),
    }
}

/// Request parameters from a `dict` (or any mapping with `items()`): `str` keys; `str` or `int`
/// values, `None` leaving the parameter out.
pub(crate) fn params(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Params> {
    let mut out = Params::new();
    if let Ok(dict) = obj.cast::<PyDict>() {
        for (key, value) in dict.iter() {
            add_param(&mut out, &key, &value, name)?;
        }
        return Ok(out);
    }
    let items = obj
        .getattr("items")
        .map_err(|_| wrong_type(obj, name, "a dict of str to str"))?
        .call0()?;
    for item in items.try_iter()? {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        add_param(&mut out, &key, &value, name)?;
    }
    Ok(out)
}

/// Adds one parameter. Signing many requests runs through here: the names for error messages are
/// made only when there is an error.
fn add_param(
    out: &mut Params,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<()> {
    let key = text(key, name).map_err(|_| {
        let field = format!("{name} key");
        match key.cast::<PyString>() {
            Ok(_) => invalid(
                key.py(),
                &field,
                "is not valid Unicode (it holds a lone surrogate)",
            ),
            Err(_) => wrong_type(key, &field, "str"),
        }
    })?;
    if value.is_none() {
        return Ok(());
    }
    let field = || format!("{name}[{}]", lbc_core::protocol::excerpt(&key));
    let value = if let Ok(s) = value.cast::<PyString>() {
        match s.to_cow() {
            Ok(text) => text.into_owned(),
            Err(_) => {
                return Err(invalid(
                    value.py(),
                    &field(),
                    "is not valid Unicode (it holds a lone surrogate)",
                ));
            }
        }
    } else if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        integer(value, &field())?.to_string()
    } else {
        return Err(wrong_type(value, &field(), "str, int or None"));
    };
    out.set(key, value);
    Ok(())
}

/// Python's `repr` of `text` (`'...'`), for the `__repr__` of the classes.
pub(crate) fn repr(py: Python<'_>, text: Option<&str>) -> String {
    match text {
        Some(text) => PyString::new(py, text)
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| format!("{text:?}")),
        None => "None".to_owned(),
    }
}
