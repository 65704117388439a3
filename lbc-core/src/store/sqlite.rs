//! `sqlite:///path`: one file shared by every process of one server (the default store).
//!
//! WAL mode, a busy timeout, and each write one `BEGIN IMMEDIATE` transaction (an UPSERT ...
//! RETURNING), so that processes queue for the write lock instead of failing. Expiry times are
//! UNIX milliseconds; expired rows are swept now and then. The file is opened on first use and
//! again in a forked child (a connection never crosses a fork).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Store, store_error, ttl_millis};
use crate::Error;

/// How long a process waits for another's write lock before the store fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// One write in this many also deletes the expired rows.
const SWEEP_EVERY: u32 = 512;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS lbc_counters (
    key TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID";

const INCR: &str = "INSERT INTO lbc_counters (key, value, expires_at) VALUES (?1, ?2, ?3)
    ON CONFLICT (key) DO UPDATE SET
        value = CASE WHEN expires_at <= ?4 THEN excluded.value ELSE value + excluded.value END,
        expires_at = CASE WHEN expires_at <= ?4 THEN excluded.expires_at ELSE expires_at END
    RETURNING value";

const ADD: &str = "INSERT INTO lbc_counters (key, value, expires_at) VALUES (?1, 1, ?2)
    ON CONFLICT (key) DO UPDATE SET value = 1, expires_at = excluded.expires_at
    WHERE expires_at <= ?3";

const GET: &str = "SELECT value FROM lbc_counters WHERE key = ?1 AND expires_at > ?2";

const SWEEP: &str = "DELETE FROM lbc_counters WHERE expires_at <= ?1";

/// Where the default store lives: `${XDG_STATE_HOME or $HOME/.local/state}/loginbycall/store.sqlite3`
/// when that directory can be made, else `${TMPDIR:-/tmp}/loginbycall-<uid>/store.sqlite3` (a
/// directory only this user may enter).
pub fn default_path() -> PathBuf {
    default_location().0
}

/// The default file, and whether it is the fallback under the temporary directory.
fn default_location() -> (PathBuf, bool) {
    match state_dir() {
        Some(dir) if make_dir(&dir) && writable(&dir) => (dir.join("store.sqlite3"), false),
        _ => (tmp_dir().join("store.sqlite3"), true),
    }
}

/// Makes `dir` (and its parents) if missing, mode 0700 on Unix.
fn make_dir(dir: &Path) -> bool {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).is_ok()
}

fn state_dir() -> Option<PathBuf> {
    let non_empty = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = non_empty("XDG_STATE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(".local/state")))?;
    Some(base.join("loginbycall"))
}

fn writable(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && !m.permissions().readonly())
        && tempfile_probe(dir)
}

/// Whether a file can be made in `dir` (permissions alone do not tell: read-only mounts, ACLs).
fn tempfile_probe(dir: &Path) -> bool {
    let probe = dir.join(format!(".probe-{}", std::process::id()));
    let made = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    made
}

fn tmp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("loginbycall-{}", uid()))
}

/// This process's user id, read from `/proc/self` (owned by it) without `unsafe`.
fn uid() -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata("/proc/self") {
            return meta.uid().to_string();
        }
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "user".into())
}

/// Makes `dir` (mode 0700 on Unix) and refuses one that another user could reach or that is not
/// this user's: the counters there decide who logs in.
fn make_private_dir(dir: &Path) -> Result<(), Error> {
    let fail = |why: String| store_error(format!("cannot use {}: {why}", dir.display()), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
        let meta = std::fs::symlink_metadata(dir).map_err(|e| fail(e.to_string()))?;
        if !meta.is_dir() {
            return Err(fail("not a directory".into()));
        }
        if meta.uid().to_string() != uid() {
            return Err(fail("it belongs to another user".into()));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(fail("other users may enter it (chmod 700)".into()));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))
    }
}

/// A store in one SQLite file.
#[derive(Debug)]
pub(crate) struct SqliteStore {
    /// `None`: the default place, resolved on first use.
    path: Option<PathBuf>,
    open: Mutex<Option<Open>>,
    writes: AtomicU32,
}

#[derive(Debug)]
struct Open {
    pid: u32,
    path: PathBuf,
    conn: Connection,
}

impl SqliteStore {
    /// From `sqlite:///abs/path` (or `sqlite://` for the default file).
    pub(crate) fn from_url(url: &str) -> Result<SqliteStore, Error> {
        let rest = &url["sqlite:".len()..];
        let Some(path) = rest.strip_prefix("//") else {
            return Err(Error::invalid_input(
                "store",
                "a SQLite store is `sqlite:///absolute/path` (three slashes)",
            ));
        };
        let path = match path {
            "" => None,
            p if p.starts_with('/') && !p.contains('\0') => Some(PathBuf::from(p)),
            _ => {
                return Err(Error::invalid_input(
                    "store",
                    "a SQLite store's path must be absolute: `sqlite:///absolute/path`",
                ));
            }
        };
        Ok(SqliteStore {
            path,
            open: Mutex::new(None),
            writes: AtomicU32::new(0),
        })
    }

    fn connect(&self) -> Result<Open, Error> {
        let path = match &self.path {
            Some(path) => path.clone(),
            None => {
                let (path, fallback) = default_location();
                if let (true, Some(dir)) = (fallback, path.parent()) {
                    make_private_dir(dir)?;
                }
                path
            }
        };
        let fail = |e: rusqlite::Error| {
            store_error(
                format!("cannot open the SQLite store {}: {e}", path.display()),
                Some(Box::new(e)),
            )
        };
        let existed = path.exists();
        let conn = Connection::open(&path).map_err(fail)?;
        #[cfg(unix)]
        if !existed {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
        #[cfg(not(unix))]
        let _ = existed;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        conn.execute_batch(SCHEMA).map_err(fail)?;
        Ok(Open {
            pid: std::process::id(),
            path,
            conn,
        })
    }

    fn with<T>(
        &self,
        what: &str,
        f: impl FnOnce(&mut Connection, i64) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.as_ref().is_some_and(|o| o.pid != std::process::id()) {
            // A connection made before a fork: closing it here could disturb the parent's
            // (SQLite's advice: never use or close it in the child). Leak it; open our own.
            if let Some(inherited) = open.take() {
                std::mem::forget(inherited);
            }
        }
        if open.is_none() {
            *open = Some(self.connect()?);
        }
        let Some(o) = open.as_mut() else {
            unreachable!("just opened")
        };
        f(&mut o.conn, now_millis()).map_err(|e| {
            store_error(
                format!("SQLite store {} ({what}): {e}", o.path.display()),
                Some(Box::new(e)),
            )
        })
    }

    fn write<T>(
        &self,
        what: &str,
        f: impl FnOnce(&rusqlite::Transaction<'_>, i64) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let sweep = self.writes.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1;
        self.with(what, |conn, now| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx, now)?;
            if sweep {
                tx.prepare_cached(SWEEP)?.execute(params![now])?;
            }
            tx.commit()?;
            Ok(value)
        })
    }
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn expiry(now: i64, ttl: Duration) -> i64 {
    now.saturating_add(i64::try_from(ttl_millis(ttl)).unwrap_or(i64::MAX))
}

impl Store for SqliteStore {
    fn incr(&self, key: &str, delta: u64, ttl: Duration) -> Result<u64, Error> {
        let delta = i64::try_from(delta).unwrap_or(i64::MAX);
        let value: i64 = self.write("incr", |tx, now| {
            tx.prepare_cached(INCR)?
                .query_row(params![key, delta, expiry(now, ttl), now], |row| row.get(0))
        })?;
        Ok(u64::try_from(value).unwrap_or(0))
    }

    fn add(&self, key: &str, ttl: Duration) -> Result<bool, Error> {
        self.write("add", |tx, now| {
            Ok(tx
                .prepare_cached(ADD)?
                .execute(params![key, expiry(now, ttl), now])?
                == 1)
        })
    }

    fn get(&self, key: &str) -> Result<Option<u64>, Error> {
        let value: Option<i64> = self.with("get", |conn, now| {
            conn.prepare_cached(GET)?
                .query_row(params![key, now], |row| row.get(0))
                .optional()
        })?;
        Ok(value.map(|v| u64::try_from(v).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> (SqliteStore, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "lbc-sqlite-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.sqlite3");
        let url = format!("sqlite://{}", path.display());
        (SqliteStore::from_url(&url).unwrap(), dir)
    }

    #[test]
    fn counters_count_and_expire() {
        let (store, dir) = temp_store();
        super::super::tests::counts_and_expires(&store);
        for _ in 0..SWEEP_EVERY {
            store.incr("many", 1, Duration::from_secs(60)).unwrap();
        }
        assert_eq!(store.get("many").unwrap(), Some(u64::from(SWEEP_EVERY)));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn urls() {
        assert!(SqliteStore::from_url("sqlite://").unwrap().path.is_none());
        assert!(
            SqliteStore::from_url("sqlite:///a/b")
                .unwrap()
                .path
                .is_some()
        );
        for bad in ["sqlite:/a", "sqlite://a/b", "sqlite:a"] {
            assert!(SqliteStore::from_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unwritable_place_is_a_store_error() {
        let store = SqliteStore::from_url("sqlite:///proc/nonexistent/store.sqlite3").unwrap();
        let err = store.incr("k", 1, Duration::from_secs(1)).unwrap_err();
        assert!(matches!(err, Error::Store { .. }), "{err}");
    }
}
