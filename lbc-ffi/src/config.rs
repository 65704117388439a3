//! `lbc_config`: the settings a client is built from (wraps `lbc_core::ClientBuilder`).

use std::collections::BTreeMap;
use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use lbc_core::protocol::{Encoding, SignaturePlacement, Signer};
use lbc_core::{ClientBuilder, Error, LoginPolicy};

use crate::error::lbc_error;
use crate::guard::{self, Out, arg_mut};
use crate::status::lbc_status;
use crate::strings::arg_str;

/// The settings of a client: made by `lbc_config_new`, changed by the `lbc_config_set_*` functions,
/// turned into clients by `lbc_client_new` (a config may make several), freed by `lbc_config_free`.
///
/// Unset values keep lbc-core's defaults: the service's production URL, POST form encoding, signature
/// as a parameter, 5 s to connect, 15 s per request, 2 retries of retry-safe methods, the bundled
/// Mozilla roots, no proxy.
///
/// Not synchronized: a config may be moved between threads, but changed from one thread at a time
/// and not while `lbc_client_new` reads it.
pub struct lbc_config {
    pub(crate) builder: ClientBuilder,
    /// What each setter set, by name: the key of the shared-client cache (`lbc_client_shared`). The
    /// `api-key` is recorded only as a fingerprint (see [`fingerprint`]), never in clear.
    pub(crate) settings: Settings,
}

/// The settings a config was given, by setter name, with their values as text.
pub(crate) type Settings = BTreeMap<&'static str, String>;

/// A fingerprint of an `api-key` for the settings record: HMAC-SHA512 keyed with the key over a fixed
/// text. It tells two keys apart without keeping either, and gives the key back to no one.
pub(crate) fn fingerprint(api_key: &str) -> String {
    Signer::new(api_key).sign_ordered("libloginbycall client cache", [])
}

/// A new config with every default. Free it with `lbc_config_free`.
///
/// Returns NULL only if the library failed internally.
#[unsafe(no_mangle)]
pub extern "C" fn lbc_config_new() -> *mut lbc_config {
    guard::value(ptr::null_mut(), || {
        guard::boxed(lbc_config {
            builder: lbc_core::Client::builder(),
            settings: Settings::new(),
        })
    })
}

/// Frees a config. NULL is a no-op. Clients made from it are not affected.
///
/// # Safety
///
/// `config` must be NULL or a config from `lbc_config_new` not freed yet; it must not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_free(config: *mut lbc_config) {
    guard::value((), || {
        // SAFETY: the caller promises `config` is NULL or an owned config freed once.
        unsafe { guard::free_box(config) }
    })
}

/// Applies `change` to `config` inside the panic boundary and records the setting `name` as the
/// text `change` returns with the new builder; on failure the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config used by no other thread; `err` NULL or writable.
unsafe fn set(
    config: *mut lbc_config,
    name: &'static str,
    err: *mut *mut lbc_error,
    change: impl FnOnce(ClientBuilder) -> Result<(ClientBuilder, String), Error>,
) -> lbc_status {
    // SAFETY: the caller promises `err` is NULL or writable.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises `config` is NULL or live and not shared.
        let config = unsafe { arg_mut(config, "config") }?;
        let (builder, recorded) = change(config.builder.clone())?;
        config.builder = builder;
        config.settings.insert(name, recorded);
        Ok(())
    })
}

/// A setting recorded as its `Debug` text (numbers, booleans).
fn plain(builder: ClientBuilder, value: impl std::fmt::Debug) -> (ClientBuilder, String) {
    (builder, format!("{value:?}"))
}

/// Applies a string setting.
///
/// # Safety
///
/// As [`set`]; `value` must be NULL or a NUL-terminated string.
unsafe fn set_text(
    config: *mut lbc_config,
    value: *const c_char,
    name: &'static str,
    err: *mut *mut lbc_error,
    change: impl FnOnce(ClientBuilder, &str) -> Result<ClientBuilder, Error>,
) -> lbc_status {
    let change = |builder| {
        // SAFETY: the caller promises `value` is NULL or a NUL-terminated string.
        let text = unsafe { arg_str(value, name) }?;
        let recorded = if name == "api_key" {
            fingerprint(text)
        } else {
            text.to_owned()
        };
        Ok((change(builder, text)?, recorded))
    };
    // SAFETY: forwarded from the caller.
    unsafe { set(config, name, err, change) }
}

/// Sets the API root, e.g. the `base_url` printed by `lbc sandbox` (checked by `lbc_client_new`).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `base_url` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_base_url(
    config: *mut lbc_config,
    base_url: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text(config, base_url, "base_url", err, |b, v| Ok(b.base_url(v))) }
}

/// Sets the account's `call-api-id`.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `call_api_id` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_call_api_id(
    config: *mut lbc_config,
    call_api_id: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(config, call_api_id, "call_api_id", err, |b, v| {
            Ok(b.call_api_id(v))
        })
    }
}

/// Sets the account's secret `api-key` (copied; clients keep only the keyed HMAC state). Without
/// one, requests go unsigned.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `api_key` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_api_key(
    config: *mut lbc_config,
    api_key: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text(config, api_key, "api_key", err, |b, v| Ok(b.api_key(v))) }
}

/// Sets how requests are encoded: `"query"`, `"form"` (the default), `"rest"` or `"multipart"`,
/// optionally followed by `"+json"` (e.g. `"form+json"`).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `encoding` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_encoding(
    config: *mut lbc_config,
    encoding: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(config, encoding, "encoding", err, |b, v| {
            Ok(b.encoding(Encoding::parse(v)?))
        })
    }
}

/// Sends the signature in the HTTP header `Signature` (true) or as the parameter `signature` (false,
/// the default).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_signature_in_header(
    config: *mut lbc_config,
    in_header: bool,
    err: *mut *mut lbc_error,
) -> lbc_status {
    let placement = if in_header {
        SignaturePlacement::Header
    } else {
        SignaturePlacement::Param
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "signature_in_header", err, |b| {
            Ok(plain(b.signature_placement(placement), in_header))
        })
    }
}

/// Sets the time for one attempt of a request, answer included, in milliseconds (default 15000; 0 is
/// refused by `lbc_client_new`).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_timeout_ms(
    config: *mut lbc_config,
    timeout_ms: u64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    let timeout = Duration::from_millis(timeout_ms);
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "timeout", err, |b| {
            Ok(plain(b.timeout(timeout), timeout))
        })
    }
}

/// Sets the time to establish a connection, in milliseconds (default 5000).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_connect_timeout_ms(
    config: *mut lbc_config,
    timeout_ms: u64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    let timeout = Duration::from_millis(timeout_ms);
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "connect_timeout", err, |b| {
            Ok(plain(b.connect_timeout(timeout), timeout))
        })
    }
}

/// Sets how many extra attempts retry-safe methods (`status`, `server-status`, `balance`,
/// `call-status`) get (default 2; 0 turns retries off). `call` is never sent twice.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_max_retries(
    config: *mut lbc_config,
    max_retries: u32,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "max_retries", err, |b| {
            Ok(plain(b.max_retries(max_retries), max_retries))
        })
    }
}

/// Sets the first backoff before a retry, in milliseconds; it doubles each time, with jitter
/// (default 250).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_retry_base_delay_ms(
    config: *mut lbc_config,
    delay_ms: u64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    let delay = Duration::from_millis(delay_ms);
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "retry_base_delay", err, |b| {
            Ok(plain(b.retry_base_delay(delay), delay))
        })
    }
}

/// Sets the largest answer accepted, in bytes (default 1 MiB; 0 is refused by `lbc_client_new`).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_max_response_bytes(
    config: *mut lbc_config,
    max_bytes: u64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "max_response_bytes", err, |b| {
            Ok(plain(b.max_response_bytes(max_bytes), max_bytes))
        })
    }
}

/// Trusts only the CA certificates in this PEM file (a UTF-8 path) instead of the bundled Mozilla
/// roots; read by `lbc_client_new`.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `path` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_ca_bundle(
    config: *mut lbc_config,
    path: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text(config, path, "ca_bundle", err, |b, v| Ok(b.ca_bundle(v))) }
}

/// Sends requests through this proxy (`http://host:port`, `socks5://host:port`); checked by
/// `lbc_client_new`.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `proxy` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_proxy(
    config: *mut lbc_config,
    proxy: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text(config, proxy, "proxy", err, |b, v| Ok(b.proxy(v))) }
}

/// Sets the `User-Agent` header (default `loginbycall-rust/<version>`).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `user_agent` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_user_agent(
    config: *mut lbc_config,
    user_agent: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(config, user_agent, "user_agent", err, |b, v| {
            Ok(b.user_agent(v))
        })
    }
}

/// Sets how many checks a login allows and for how many seconds after the call its code is accepted
/// (defaults 3 and 300), for logins started by clients made from this config.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_login_policy(
    config: *mut lbc_config,
    max_attempts: u32,
    ttl: u64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    let policy = LoginPolicy {
        max_attempts,
        ttl: std::time::Duration::from_secs(ttl),
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "login_policy", err, |b| {
            Ok(plain(b.login_policy(policy), (max_attempts, ttl)))
        })
    }
}
