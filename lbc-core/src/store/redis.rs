//! `redis://[[user]:password@]host[:port][/db]`: shared by several servers.
//!
//! One connection per store, made on first use and again after a failure or in a forked child;
//! connect, read and write timeouts, so that a dead Redis is an [`Error::Store`] in about a second,
//! never a hang. `incr` is `SET key 0 PX ttl NX` + `INCRBY` in one `MULTI`; `add` is
//! `SET key 1 PX ttl NX`. No message ever shows the URL's password.

use std::sync::Mutex;
use std::time::Duration;

use redis::{Connection, ConnectionAddr, IntoConnectionInfo};

use super::{Store, store_error, ttl_millis};
use crate::Error;

/// Connect, read and write timeout of each Redis operation.
const TIMEOUT: Duration = Duration::from_secs(1);

/// A store on a Redis server.
pub(crate) struct RedisStore {
    client: redis::Client,
    /// The URL without its password, for messages.
    shown: String,
    password: Option<String>,
    conn: Mutex<Option<(u32, Connection)>>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// From `redis://...` (the crate's URL syntax; `rediss://` and `unix` sockets are refused).
    pub(crate) fn from_url(url: &str) -> Result<RedisStore, Error> {
        let refused = || {
            Error::invalid_input(
                "store",
                "is not a Redis URL: redis://[[user]:password@]host[:port][/db]",
            )
        };
        let info = url.into_connection_info().map_err(|_| refused())?;
        let ConnectionAddr::Tcp(host, port) = info.addr() else {
            return Err(refused());
        };
        let settings = info.redis_settings();
        let shown = format!("redis://{host}:{port}/{}", settings.db());
        let password = settings.password().map(str::to_owned);
        let client = redis::Client::open(info.clone()).map_err(|_| refused())?;
        Ok(RedisStore {
            client,
            shown,
            password,
            conn: Mutex::new(None),
        })
    }

    fn fail(&self, what: &str, e: &redis::RedisError) -> Error {
        let mut text = e.to_string();
        if let Some(password) = self.password.as_deref().filter(|p| !p.is_empty()) {
            text = text.replace(password, "<redacted>");
        }
        store_error(format!("Redis store {} ({what}): {text}", self.shown), None)
    }

    fn connect(&self) -> redis::RedisResult<Connection> {
        let conn = self.client.get_connection_with_timeout(TIMEOUT)?;
        conn.set_read_timeout(Some(TIMEOUT))?;
        conn.set_write_timeout(Some(TIMEOUT))?;
        Ok(conn)
    }

    fn with<T>(
        &self,
        what: &str,
        f: impl Fn(&mut Connection) -> redis::RedisResult<T>,
    ) -> Result<T, Error> {
        let pid = std::process::id();
        let mut slot = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|(owner, _)| *owner != pid) {
            // The parent's socket: leave it to the parent, untouched.
            if let Some(inherited) = slot.take() {
                std::mem::forget(inherited);
            }
        }
        let reused = slot.is_some();
        let mut conn = match slot.take() {
            Some((_, conn)) => conn,
            None => self.connect().map_err(|e| self.fail(what, &e))?,
        };
        let result = match f(&mut conn) {
            // An idle connection the server closed: once more on a fresh one.
            Err(e) if reused && e.is_connection_dropped() => {
                conn = self.connect().map_err(|e| self.fail(what, &e))?;
                f(&mut conn)
            }
            other => other,
        };
        match result {
            Ok(value) => {
                *slot = Some((pid, conn));
                Ok(value)
            }
            // The connection may be out of step with its answers: drop it.
            Err(e) => Err(self.fail(what, &e)),
        }
    }
}

impl Store for RedisStore {
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error> {
        let ms = ttl_millis(ttl);
        let delta = i64::try_from(delta).unwrap_or(i64::MAX);
        let (value,): (i64,) = self.with("incr", |conn| {
            redis::pipe()
                .atomic()
                .cmd("SET")
                .arg(key)
                .arg(0)
                .arg("PX")
                .arg(ms)
                .arg("NX")
                .ignore()
                .cmd("INCRBY")
                .arg(key)
                .arg(delta)
                .query(conn)
        })?;
        Ok(u64::try_from(value).unwrap_or(0))
    }

    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error> {
        let ms = ttl_millis(ttl);
        let set: Option<String> = self.with("add", |conn| {
            redis::cmd("SET")
                .arg(key)
                .arg(1)
                .arg("PX")
                .arg(ms)
                .arg("NX")
                .query(conn)
        })?;
        Ok(set.is_some())
    }

    fn get(&self, key: &str) -> Result<Option<u64>, Error> {
        let value: Option<i64> = self.with("get", |conn| redis::cmd("GET").arg(key).query(conn))?;
        Ok(value.map(|v| u64::try_from(v).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let store = RedisStore::from_url("redis://:hunter2@127.0.0.1:1/3").unwrap();
        assert_eq!(store.shown, "redis://127.0.0.1:1/3");
        assert!(!format!("{store:?}").contains("hunter2"));
        let started = std::time::Instant::now();
        let err = store.get("k").unwrap_err();
        assert!(matches!(err, Error::Store { .. }), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
