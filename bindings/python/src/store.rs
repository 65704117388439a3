//! `Client(store=...)`: a store URL for lbc-core, or a Python object with `incr`, `add` and `get`
//! (the `loginbycall.Store` protocol, e.g. the Django app's adapter over the site's cache), wrapped
//! as an lbc-core `Store` that calls back into Python holding the interpreter's lock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lbc_core::{Error, Store};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

use crate::args;

/// The methods a Python store must have.
const METHODS: [&str; 3] = ["incr", "add", "get"];

/// A store written in Python. Each call takes the interpreter's lock (lbc-core calls it from
/// `Login.check` and `Client.call` with the lock released), so a store may be any Python code;
/// an exception from it is `Error::Store` with the exception as its source, which
/// `errors::to_py` turns into `StoreError` with the original as `__cause__`.
pub(crate) struct PyStore {
    object: Py<PyAny>,
    /// The object's type, for messages and `Debug`.
    kind: String,
}

impl fmt::Debug for PyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PyStore({})", self.kind)
    }
}

impl PyStore {
    fn call<T>(
        &self,
        method: &'static str,
        args: impl for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>>,
        read: impl for<'py> FnOnce(&Bound<'py, PyAny>) -> Result<T, String>,
    ) -> Result<T, Error> {
        Python::attach(|py| {
            let answer = args(py).and_then(|a| self.object.bind(py).call_method1(method, a));
            match answer {
                Ok(value) => read(&value).map_err(|why| Error::Store {
                    message: format!("the Python store {}.{method}() {why}", self.kind),
                    source: None,
                }),
                Err(error) => Err(Error::Store {
                    message: format!(
                        "the Python store {}.{method}() raised {}",
                        self.kind,
                        describe(py, &error)
                    ),
                    source: Some(Box::new(error)),
                }),
            }
        })
    }
}

/// `TypeName: message` of a Python exception.
fn describe(py: Python<'_>, error: &PyErr) -> String {
    let name = error
        .get_type(py)
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an exception".into());
    match error.value(py).str() {
        Ok(text) if !text.to_string_lossy().is_empty() => {
            format!("{name}: {}", text.to_string_lossy())
        }
        _ => name,
    }
}

/// A count the store answered: an `int` (not a `bool`) of 0 or more.
fn count(value: &Bound<'_, PyAny>) -> Result<u64, String> {
    if !value.is_instance_of::<PyInt>() || value.is_instance_of::<PyBool>() {
        return Err(format!("returned {}, not an int", type_name(value)));
    }
    value
        .extract::<u64>()
        .map_err(|_| "returned a negative or too large int".to_owned())
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "another type".into())
}

impl Store for PyStore {
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error> {
        self.call(
            "incr",
            |py| (key, delta, ttl.as_secs_f64()).into_pyobject(py),
            count,
        )
    }

    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error> {
        self.call(
            "add",
            |py| (key, ttl.as_secs_f64()).into_pyobject(py),
            |value| {
                value
                    .is_truthy()
                    .map_err(|_| "returned a value that is neither true nor false".to_owned())
            },
        )
    }

    fn get(&self, key: &str) -> Result<Option<u64>, Error> {
        self.call(
            "get",
            |py| (key,).into_pyobject(py),
            |value| {
                if value.is_none() {
                    Ok(None)
                } else {
                    count(value).map(Some)
                }
            },
        )
    }
}

/// What `Client(store=...)` was given.
pub(crate) enum Choice {
    Url(String),
    Backend(Arc<dyn Store>),
}

/// Reads `store`: a URL (`str`), or an object with callable `incr`, `add` and `get`.
pub(crate) fn choice(obj: &Bound<'_, PyAny>) -> PyResult<Choice> {
    if obj.is_instance_of::<PyString>() {
        return args::text(obj, "store").map(Choice::Url);
    }
    let missing: Vec<&str> = METHODS
        .into_iter()
        .filter(|m| !obj.getattr(*m).is_ok_and(|f| f.is_callable()))
        .collect();
    if !missing.is_empty() {
        return Err(args::wrong_type(
            obj,
            "store",
            &format!(
                "a URL (str) or an object with incr, add and get (loginbycall.Store; it lacks {})",
                missing.join(", ")
            ),
        ));
    }
    Ok(Choice::Backend(Arc::new(PyStore {
        object: obj.clone().unbind(),
        kind: type_name(obj),
    })))
}
