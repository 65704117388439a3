//! `lbc_client_shared`: one client per configuration per process, so that a program which builds its
//! objects anew for every unit of work (a PHP-FPM worker handling requests, a CGI-like loop) keeps
//! its kept-alive connections to the service instead of paying a new TCP and TLS handshake each time.
//!
//! The cache is keyed by everything the config's setters recorded ([`Settings`]: the `api-key`, the
//! store URL and state keys only as fingerprints), holds at most [`CAPACITY`] clients (the least
//! recently used one is dropped first; handles already given out keep working), and is behind one
//! mutex. A child of `fork()` keeps the cached clients: lbc-core's client makes a connection pool of
//! its own in a process it was not built in (and its store reopens there), so it never touches its
//! parent's sockets.

use std::sync::{Mutex, MutexGuard, PoisonError};

use lbc_core::Client;

use crate::client::lbc_client;
use crate::config::{Settings, lbc_config};
use crate::error::lbc_error;
use crate::guard::{self, Out, arg};
use crate::status::lbc_status;

/// How many configurations the cache keeps a client for.
pub(crate) const CAPACITY: usize = 32;

/// The cached clients, least recently used first.
struct Cache {
    /// Numbers the clients made, so that tests can tell them apart.
    made: u64,
    entries: Vec<Entry>,
}

struct Entry {
    settings: Settings,
    number: u64,
    client: Client,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    made: 0,
    entries: Vec::new(),
});

/// The cache.
fn cache() -> MutexGuard<'static, Cache> {
    // A panic while the lock was held cannot leave the list half-changed (each change is one Vec
    // operation), so a poisoned lock is still good.
    CACHE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The cached client for `config` and its number, made (and cached) if there is none.
fn shared(config: &lbc_config) -> Result<(u64, Client), lbc_core::Error> {
    let mut cache = cache();
    if let Some(at) = cache
        .entries
        .iter()
        .position(|e| e.settings == config.settings)
    {
        let entry = cache.entries.remove(at);
        let found = (entry.number, entry.client.clone());
        cache.entries.push(entry);
        return Ok(found);
    }
    // Building reads the CA bundle, if any; it is done under the lock so that two threads asking for
    // one new configuration make one client.
    let client = config.builder.clone().build()?;
    if cache.entries.len() >= CAPACITY {
        cache.entries.remove(0);
    }
    cache.made += 1;
    let number = cache.made;
    cache.entries.push(Entry {
        settings: config.settings.clone(),
        number,
        client: client.clone(),
    });
    Ok((number, client))
}

/// Like `lbc_client_new`, but the client comes from a per-process cache: every call with a config
/// of identical settings (the same setters called with the same values, in any order) gives a
/// handle to the same client, with the same keep-alive connections. A program that makes a client
/// for each request it serves (a PHP-FPM worker) thus reuses its connections to the service across
/// requests.
///
/// `*out_client` is a new handle: free it with `lbc_client_free` as usual (the cached client stays
/// for the next call). The cache holds at most 32 configurations, dropping the least recently used
/// one first (handles already given out keep working); it keeps the `api-key` only as the keyed
/// hash state every client has, and recognises it by a fingerprint (an HMAC keyed with it), never
/// in clear. A CA bundle file is read when its configuration is first seen. After `fork()`, the
/// child keeps using the cached clients, each with connections of its own (never its parent's).
///
/// Thread-safe.
///
/// # Safety
///
/// `config` must be NULL or a live config no thread is changing; `out_client` NULL or writable;
/// `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_client_shared(
    config: *const lbc_config,
    out_client: *mut *mut lbc_client,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller passes NULL or writable out-parameters.
    let (out, err) = unsafe { (Out::new(out_client), Out::new(err)) };
    guard::run(err, || {
        // SAFETY: the caller promises `config` is NULL or live and not being changed.
        let config = unsafe { arg(config, "config") }?;
        out.required("out_client")?;
        let (_, client) = shared(config)?;
        out.write(|| guard::boxed(lbc_client { inner: client }));
        Ok(())
    })
}

/// Empties the cache of `lbc_client_shared` (e.g. after rotating keys, or before a leak check):
/// later calls make new clients. Handles already given out keep working. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn lbc_client_cache_clear() {
    guard::value((), || {
        let dropped = std::mem::take(&mut cache().entries);
        // Dropped outside the lock: closing connections may take a moment.
        drop(dropped);
    })
}

/// How many configurations the cache of `lbc_client_shared` holds a client for now. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn lbc_client_cache_size() -> usize {
    guard::value(0, || cache().entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{
        lbc_config_free, lbc_config_new, lbc_config_set_api_key, lbc_config_set_base_url,
        lbc_config_set_timeout_ms,
    };
    use std::ffi::CString;
    use std::ptr;

    /// A config for `base_url` and `key`.
    fn config(base_url: &str, key: &str) -> Box<lbc_config> {
        let config = lbc_config_new();
        let (url, key) = (CString::new(base_url).unwrap(), CString::new(key).unwrap());
        // SAFETY: a live config, NUL-terminated strings, NULL err; the box is taken back once.
        unsafe {
            assert_eq!(
                lbc_config_set_base_url(config, url.as_ptr(), ptr::null_mut()),
                lbc_status::LBC_OK
            );
            assert_eq!(
                lbc_config_set_api_key(config, key.as_ptr(), ptr::null_mut()),
                lbc_status::LBC_OK
            );
            Box::from_raw(config)
        }
    }

    /// The number of the cached client for `config`.
    fn number(config: &lbc_config) -> u64 {
        shared(config).unwrap().0
    }

    // One test, since the cache is process-wide state.
    #[test]
    fn identical_settings_share_one_client_and_nothing_else_does() {
        lbc_client_cache_clear();
        let mut a = config("http://127.0.0.1:9/callapi/v2.0/", "key-one");
        let b = config("http://127.0.0.1:9/callapi/v2.0/", "key-one");
        let other_key = config("http://127.0.0.1:9/callapi/v2.0/", "key-two");
        let other_url = config("http://127.0.0.1:10/callapi/v2.0/", "key-one");
        let first = number(&a);
        assert_eq!(number(&b), first);
        assert_ne!(number(&other_key), first);
        assert_ne!(number(&other_url), first);
        assert_eq!(lbc_client_cache_size(), 3);

        // Through the C function: a handle of its own, freed as any client.
        let mut out: *mut lbc_client = ptr::null_mut();
        // SAFETY: a live config; `out` is a local, freed once.
        unsafe {
            assert_eq!(
                lbc_client_shared(&*b, &mut out, ptr::null_mut()),
                lbc_status::LBC_OK
            );
            assert!(!out.is_null());
            crate::client::lbc_client_free(out);
            assert_eq!(
                lbc_client_shared(ptr::null(), &mut out, ptr::null_mut()),
                lbc_status::LBC_INVALID_INPUT
            );
        }
        assert_eq!(lbc_client_cache_size(), 3);

        // A setting changes the key.
        // SAFETY: a live config, used by this thread only.
        unsafe { lbc_config_set_timeout_ms(&mut *a, 1000, ptr::null_mut()) };
        assert_ne!(number(&a), first);
        assert_eq!(lbc_client_cache_size(), 4);

        // The key is never kept in clear.
        for settings in [&b.settings, &other_key.settings] {
            assert!(
                settings.values().all(|v| !v.contains("key-")),
                "{settings:?}"
            );
        }
        assert_ne!(b.settings, other_key.settings);

        // Bounded: the least recently used configuration goes first.
        for port in 0..CAPACITY {
            number(&config(&format!("http://127.0.0.1:{}/", 20000 + port), "k"));
        }
        assert_eq!(lbc_client_cache_size(), CAPACITY);
        assert_ne!(number(&b), first);

        // Many threads asking for one new configuration get one client.
        lbc_client_cache_clear();
        assert_eq!(lbc_client_cache_size(), 0);
        let numbers: Vec<u64> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8).map(|_| scope.spawn(|| number(&other_url))).collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(numbers.iter().all(|n| *n == numbers[0]), "{numbers:?}");
        for c in [a, b, other_key, other_url] {
            // SAFETY: each box is given back to C's free once.
            unsafe { lbc_config_free(Box::into_raw(c)) };
        }
        lbc_client_cache_clear();
    }
}
