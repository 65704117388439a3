//! The store: what must be atomic across processes and servers (a login's attempts, accept-once,
//! the guard's counters), behind one small trait.
//!
//! Every value is a counter with an expiry set when it is created (a fixed window), so any
//! key-value store with an atomic add-if-absent and an atomic increment can be one: SQLite, Redis,
//! memcached, a framework's shared cache.
//!
//! A store is chosen by URL ([`ClientBuilder::store`](crate::ClientBuilder::store)):
//! - `sqlite:///abs/path.sqlite3` (feature `sqlite`): one file shared by every process of one
//!   server; the default, at [`default_sqlite_path`]'s place, when no store is configured;
//! - `redis://[:password@]host:port/db` (feature `redis`): shared by several servers;
//! - `memory:`: this process only (tests, single-process programs).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::Error;

mod memory;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::default_path as default_sqlite_path;

/// Atomic counters with expiry, shared by every process (and server) that must agree on them.
///
/// Implementations must make [`Store::incr`] and [`Store::add`] atomic across every process using
/// the same store: that is the whole guarantee the login's attempt limit stands on.
pub trait Store: Send + Sync + fmt::Debug {
    /// Adds `delta` to the counter `key` and returns its new value. A counter that does not exist
    /// (or has expired) starts at 0 and lives for `ttl` from now; an existing one keeps its expiry.
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error>;

    /// Creates the counter `key` with the value 1, living for `ttl`, unless it exists; returns
    /// whether this call created it (accept-once, a pause flag).
    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error>;

    /// The counter's value, `None` when it does not exist or has expired.
    fn get(&self, key: &str) -> Result<Option<u64>, Error>;
}

/// The URL of the store used when none is configured: `sqlite://` at [`default_sqlite_path`]
/// (or `memory:` when the crate is built without the `sqlite` feature).
pub const DEFAULT_STORE: &str = if cfg!(feature = "sqlite") {
    "sqlite://"
} else {
    "memory:"
};

/// Opens the store a URL names: `memory:`, `sqlite:///abs/path` (`sqlite://` alone: the default
/// file) or `redis://host:port/db`. Nothing is connected or created yet: that happens on first use
/// (and again in a forked child).
///
/// Within one process, every opening of the same `sqlite://` or `redis://` URL shares one store
/// (one connection); each `memory:` is a new, empty store. Anything else is an
/// [`Error::InvalidInput`] on `store` (whose message never quotes the URL, which may hold a
/// password).
pub fn open_store(url: &str) -> Result<Arc<dyn Store>, Error> {
    let url = url.trim();
    if url == "memory:" || url == "memory://" {
        return Ok(Arc::new(MemoryStore::new()));
    }
    static OPEN: OnceLock<Mutex<HashMap<String, Arc<dyn Store>>>> = OnceLock::new();
    let mut open = OPEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(store) = open.get(url) {
        return Ok(store.clone());
    }
    let store = parse(url)?;
    open.insert(url.to_owned(), store.clone());
    Ok(store)
}

fn parse(url: &str) -> Result<Arc<dyn Store>, Error> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("sqlite") => sqlite_store(url),
        Some("redis") => redis_store(url),
        Some("rediss") => Err(Error::invalid_input(
            "store",
            "rediss:// (Redis over TLS) is not supported: use redis:// on a private network or \
             through a TLS tunnel",
        )),
        _ => Err(Error::invalid_input(
            "store",
            "must be `memory:`, `sqlite:///absolute/path` or `redis://host:port/db`",
        )),
    }
}

#[cfg(feature = "sqlite")]
fn sqlite_store(url: &str) -> Result<Arc<dyn Store>, Error> {
    Ok(Arc::new(sqlite::SqliteStore::from_url(url)?))
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_store(_: &str) -> Result<Arc<dyn Store>, Error> {
    Err(Error::invalid_input(
        "store",
        "sqlite:// stores need lbc-core's `sqlite` feature",
    ))
}

#[cfg(feature = "redis")]
fn redis_store(url: &str) -> Result<Arc<dyn Store>, Error> {
    Ok(Arc::new(redis::RedisStore::from_url(url)?))
}

#[cfg(not(feature = "redis"))]
fn redis_store(_: &str) -> Result<Arc<dyn Store>, Error> {
    Err(Error::invalid_input(
        "store",
        "redis:// stores need lbc-core's `redis` feature",
    ))
}

/// A store with the keys of one account: `lbc:<first 16 hex digits of SHA-256(call_api_id)>:...`,
/// so that two sites on one store never share a counter.
#[derive(Clone, Debug)]
pub(crate) struct Namespaced {
    pub(crate) store: Arc<dyn Store>,
    prefix: String,
}

impl Namespaced {
    pub(crate) fn new(store: Arc<dyn Store>, call_api_id: Option<&str>) -> Self {
        let digest = Sha256::digest(call_api_id.unwrap_or("").as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Namespaced {
            store,
            prefix: format!("lbc:{hex}:"),
        }
    }

    /// The key of `id` for `purpose` (`attempts`, `accepted`, the guard's counters...).
    pub(crate) fn key(&self, purpose: &str, id: &str) -> String {
        format!("{}{purpose}:{id}", self.prefix)
    }
}

/// An [`Error::Store`] with a message (which must never hold a password).
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) fn store_error(
    message: impl Into<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    Error::Store {
        message: message.into(),
        source,
    }
}

/// `ttl` in whole milliseconds, at least 1.
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What every store must do; run on each backend.
    pub(crate) fn counts_and_expires(store: &dyn Store) {
        let unique = format!("{:?}", std::time::SystemTime::now());
        let (a, b) = (format!("a{unique}"), format!("b{unique}"));
        assert_eq!(store.get(&a).unwrap(), None);
        assert_eq!(store.incr(&a, 1, Duration::from_secs(60)).unwrap(), 1);
        assert_eq!(store.incr(&a, 2, Duration::from_secs(60)).unwrap(), 3);
        assert!(store.add(&b, Duration::from_millis(20)).unwrap());
        assert!(!store.add(&b, Duration::from_millis(20)).unwrap());
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(store.get(&b).unwrap(), None);
        assert!(store.add(&b, Duration::from_secs(1)).unwrap());
        assert_eq!(store.get(&a).unwrap(), Some(3));
        let c = format!("c{unique}");
        assert_eq!(store.incr(&c, 5, Duration::from_millis(20)).unwrap(), 5);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(
            store.incr(&c, 1, Duration::from_secs(1)).unwrap(),
            1,
            "restarts"
        );
    }

    #[test]
    fn urls_are_parsed_and_never_quoted() {
        for bad in [
            "",
            "file:///tmp/x",
            "http://h/",
            "postgres://u:hunter2@h/db",
            "sqlite://relative/path",
            "redis://:hunter2@",
            "rediss://:hunter2@h:6379/0",
            "redis://:hunter2@h:6379/notanumber",
        ] {
            let err = open_store(bad).unwrap_err();
            assert_eq!(err.field(), Some("store"), "{bad}: {err}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
        assert!(open_store("memory:").is_ok());
    }

    #[test]
    fn keys_are_namespaced_by_account() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let a = Namespaced::new(store.clone(), Some("site-a"));
        let b = Namespaced::new(store, Some("site-b"));
        assert_ne!(a.key("attempts", "c1"), b.key("attempts", "c1"));
        assert!(a.key("attempts", "c1").starts_with("lbc:"));
        assert!(a.key("attempts", "c1").ends_with(":attempts:c1"));
        assert_eq!(
            a.key("attempts", "c1").len(),
            "lbc:".len() + 16 + ":attempts:c1".len()
        );
    }
}
