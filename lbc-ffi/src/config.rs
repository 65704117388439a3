//! `lbc_config`: the settings a client is built from (wraps `lbc_core::ClientBuilder`).

use std::collections::BTreeMap;
use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use lbc_core::protocol::{Encoding, SignaturePlacement, Signer};
use lbc_core::{ClientBuilder, Error, GuardPolicy, LogLevel, LoginPolicy, Region};

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
    /// The older state keys given so far (`lbc_config_add_old_state_key`), all handed to the builder
    /// at each addition. Wiped when the config is freed.
    old_state_keys: Vec<SecretBytes>,
}

/// Key bytes, overwritten with zeros when dropped.
struct SecretBytes(Vec<u8>);

impl Drop for SecretBytes {
    fn drop(&mut self) {
        for byte in self.0.iter_mut() {
            // SAFETY: `byte` is a valid, aligned `&mut u8`; a volatile write is not optimised away.
            unsafe { ptr::write_volatile(byte, 0) };
        }
    }
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
            old_state_keys: Vec::new(),
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
        // Secrets (the api-key, a store URL's password) are recorded only as fingerprints.
        let recorded = if name == "api_key" || name == "store" {
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

/// Where a request's signature goes (`lbc_config_set_signature_placement`).
///
/// A 32-bit signed integer in C (`typedef int32_t lbc_signature_placement`); the numbers never
/// change.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum lbc_signature_placement {
    /// The parameter `signature` (the default).
    LBC_SIGNATURE_PLACEMENT_PARAM = 0,
    /// The HTTP header `Signature`.
    LBC_SIGNATURE_PLACEMENT_HEADER = 1,
}

impl lbc_signature_placement {
    /// The placement a C caller's number stands for, or `None` for an unknown number.
    fn from_number(number: i32) -> Option<(Self, SignaturePlacement)> {
        const PARAM: i32 = lbc_signature_placement::LBC_SIGNATURE_PLACEMENT_PARAM as i32;
        const HEADER: i32 = lbc_signature_placement::LBC_SIGNATURE_PLACEMENT_HEADER as i32;
        match number {
            PARAM => Some((
                Self::LBC_SIGNATURE_PLACEMENT_PARAM,
                SignaturePlacement::Param,
            )),
            HEADER => Some((
                Self::LBC_SIGNATURE_PLACEMENT_HEADER,
                SignaturePlacement::Header,
            )),
            _ => None,
        }
    }
}

/// Sets where the signature goes: `LBC_SIGNATURE_PLACEMENT_PARAM` (the parameter `signature`, the
/// default) or `LBC_SIGNATURE_PLACEMENT_HEADER` (the HTTP header `Signature`). Another number is
/// `LBC_INVALID_INPUT` naming `placement` (the argument is a plain `int32_t`, which
/// `lbc_signature_placement` is in C, so that no number is undefined behaviour).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_signature_placement(
    config: *mut lbc_config,
    placement: i32,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "signature_placement", err, |b| {
            let (named, placement) =
                lbc_signature_placement::from_number(placement).ok_or_else(|| {
                    Error::invalid_input(
                        "placement",
                        format!(
                            "{placement} is not LBC_SIGNATURE_PLACEMENT_PARAM (0) or LBC_SIGNATURE_PLACEMENT_HEADER (1)"
                        ),
                    )
                })?;
            Ok(plain(b.signature_placement(placement), named))
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

/// Sets the time for a whole operation, in milliseconds: every attempt, backoff and retry of one
/// method call included (default: room for every retry of a retry-safe method,
/// `timeout × (max_retries + 1) + retry_base_delay × (2^max_retries − 1)`, 45 750 ms with the
/// defaults; a `call` is never sent twice, so its one attempt ends by the timeout). A retry is made
/// only while time is left; the last attempt gets only what is left. 0 is refused by
/// `lbc_client_new`.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_deadline_ms(
    config: *mut lbc_config,
    deadline_ms: u64,
    err: *mut *mut lbc_error,
) -> lbc_status {
    let deadline = Duration::from_millis(deadline_ms);
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "deadline", err, |b| {
            Ok(plain(b.deadline(deadline), deadline))
        })
    }
}

/// Sets which events a client made from this config records for `lbc_client_take_log`: 0 none (the
/// default), 1 warnings (a `call` that may have been placed though it failed), 2 info too (retries,
/// the guard's refusals), 3 debug too (one event per attempt of every request). Any other number
/// is refused (`LBC_INVALID_INPUT` on `level`), the config unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `err` NULL or a valid
/// `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_log_level(
    config: *mut lbc_config,
    level: i32,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "log_level", err, |b| {
            let parsed = LogLevel::from_number(i64::from(level)).ok_or_else(|| {
                Error::invalid_input(
                    "level",
                    "must be 0 (off), 1 (warning), 2 (info) or 3 (debug)",
                )
            })?;
            Ok(plain(b.log_level(parsed), level))
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

/// Sets the region whose national number forms are understood, as a two-letter code in either case
/// (`"RU"`, the default: `8 (925) 688-06-36` is `79256880636`; `"KZ"`, `"US"`, ...). Anything
/// else is `LBC_INVALID_INPUT` naming `default_region`, and the config is unchanged.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `region` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_default_region(
    config: *mut lbc_config,
    region: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(config, region, "default_region", err, |b, v| {
            Ok(b.default_region(parse_region(v, "default_region")?))
        })
    }
}

/// Reads a two-letter region code for the argument `field`.
pub(crate) fn parse_region(text: &str, field: &str) -> Result<Region, Error> {
    text.parse::<Region>().map_err(|_| {
        Error::invalid_input(
            field,
            format!(
                "`{}` is not a two-letter region code such as RU",
                lbc_core::protocol::excerpt(text)
            ),
        )
    })
}

/// Sets the login policy of clients made from this config: how many checks a login allows
/// (`max_attempts`, default 3) and for how many seconds after the call its code is accepted (`ttl`,
/// default 300). Values outside lbc-core's limits (1..=100 checks, 1 s..=1 day) are refused by
/// `lbc_client_new`.
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
        ttl: Duration::from_secs(ttl),
    };
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "login_policy", err, |b| {
            Ok(plain(b.login_policy(policy), (max_attempts, ttl)))
        })
    }
}

/// Sets where logins count their attempts and accept-once, and the guard its counters, by URL
/// (copied; checked by `lbc_client_new`):
///
/// - `"sqlite:///absolute/path.sqlite3"`: a SQLite file shared by every process of one server. The
///   default when no store is set is such a file per user (under `$XDG_STATE_HOME` or
///   `~/.local/state/loginbycall/`, else `/tmp/loginbycall-<uid>/`), so that FPM workers, CLI
///   scripts and cron jobs of one site share it with no setup;
/// - `"redis://host:port/db"` (or `redis://:password@host:port/db`): one Redis for sites on several
///   servers;
/// - `"memory:"`: this process only (tests, single-process programs).
///
/// Anything else fails `lbc_client_new` with `LBC_INVALID_INPUT` naming `store`. Nothing is opened
/// before the first login; a store that fails then is `LBC_STORE_ERROR` (its password never shown).
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `url` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_store(
    config: *mut lbc_config,
    url: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe { set_text(config, url, "store", err, |b, v| Ok(b.store(v))) }
}

/// Reads `len` key bytes at `key` (NULL and `len` 0 is an empty key).
///
/// # Safety
///
/// `key` must be NULL or valid for reading `len` bytes.
unsafe fn key_bytes<'a>(key: *const u8, len: usize, name: &str) -> Result<&'a [u8], Error> {
    if key.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::invalid_input(name, "is NULL"));
    }
    // SAFETY: the caller promises `key` is valid for reading `len` bytes.
    Ok(unsafe { std::slice::from_raw_parts(key, len) })
}

/// The fingerprint of a state key for the settings record (never the key itself).
fn key_fingerprint(key: &[u8]) -> String {
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    fingerprint(&format!("state key {hex}"))
}

/// Sets the secret that seals the logins' saved states (`lbc_login_to_json`): `len` bytes at `key`
/// (copied), at least 16. By default the state key is derived from the `api-key`, so no setting is
/// needed; set one to keep saved logins valid across a change of `api-key`. A key shorter than 16
/// bytes fails `lbc_client_new` with `LBC_INVALID_INPUT` naming `state_key`.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `key` NULL or valid for
/// reading `len` bytes; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_state_key(
    config: *mut lbc_config,
    key: *const u8,
    len: usize,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(config, "state_key", err, |b| {
            // SAFETY: the caller promises `key` is NULL or valid for `len` bytes.
            let key = key_bytes(key, len, "key")?;
            Ok((b.state_key(key), key_fingerprint(key)))
        })
    }
}

/// Adds an older state key (or an old `api-key`'s bytes) whose saved logins are still resumed, for
/// rotation: `len` bytes at `key`, copied. States are sealed with the current key only. Call it once
/// per older key.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `key` NULL or valid for
/// reading `len` bytes; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_add_old_state_key(
    config: *mut lbc_config,
    key: *const u8,
    len: usize,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: the caller promises `err` is NULL or writable.
    let err = unsafe { Out::new(err) };
    guard::run(err, || {
        // SAFETY: the caller promises `config` is NULL or live and not shared.
        let config = unsafe { arg_mut(config, "config") }?;
        // SAFETY: the caller promises `key` is NULL or valid for `len` bytes.
        let key = unsafe { key_bytes(key, len, "key") }?;
        config.old_state_keys.push(SecretBytes(key.to_vec()));
        let keys = &config.old_state_keys;
        config.builder = config
            .builder
            .clone()
            .old_state_keys(keys.iter().map(|k| k.0.as_slice()));
        let recorded: Vec<String> = keys.iter().map(|k| key_fingerprint(&k.0)).collect();
        config.settings.insert("old_state_keys", recorded.join(","));
        Ok(())
    })
}

/// Sets what the guard checks before any call is placed, as JSON: `"false"` turns it off (tests
/// only), an object changes the settings it names and keeps the defaults of the others, e.g.
/// `{"allowed_countries": ["RU", "KZ"], "ip_rate": {"calls": 100, "window": 3600}}`. The same JSON
/// every language takes (lbc-core's `GuardPolicy::from_json`). Not JSON, an unknown setting or a
/// value out of range is `LBC_INVALID_INPUT` naming `guard` or `guard.<setting>`, and the config is
/// unchanged. Without it the defaults apply: limits a person logging in never meets.
///
/// `allowed_number_types` lists number types by name: "fixed_line", "mobile",
/// "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip",
/// "pager", "uan", "voicemail", "unknown"; the default allows the first three.
///
/// # Safety
///
/// `config` must be NULL or a live config not used by another thread; `json` NULL or a
/// NUL-terminated string; `err` NULL or a valid `lbc_error **`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lbc_config_set_guard(
    config: *mut lbc_config,
    json: *const c_char,
    err: *mut *mut lbc_error,
) -> lbc_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        set_text(config, json, "guard", err, |b, v| {
            Ok(b.guard(GuardPolicy::from_json(v)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A setter's status and, on failure, the field its error names.
    fn outcome(
        set: impl FnOnce(*mut lbc_config, *mut *mut lbc_error) -> lbc_status,
    ) -> (lbc_status, Option<String>, Settings) {
        let config = lbc_config_new();
        let mut err: *mut lbc_error = ptr::null_mut();
        let status = set(config, &mut err);
        // SAFETY: `err` is NULL or a fresh error, `config` a fresh config; both freed once.
        unsafe {
            let field = err
                .as_ref()
                .and_then(|e| e.error.field().map(str::to_owned));
            let settings = (*config).settings.clone();
            guard::free_box(err);
            lbc_config_free(config);
            (status, field, settings)
        }
    }

    #[test]
    fn the_new_setters_check_their_arguments() {
        // SAFETY: `c` is a live config, `e` a writable `lbc_error *`.
        let (status, _, settings) =
            outcome(|c, e| unsafe { lbc_config_set_signature_placement(c, 1, e) });
        assert_eq!(status, lbc_status::LBC_OK);
        assert_eq!(
            settings.get("signature_placement").map(String::as_str),
            Some("LBC_SIGNATURE_PLACEMENT_HEADER")
        );
        for bad in [2, -1, i32::MAX] {
            // SAFETY: `c` is a live config, `e` a writable `lbc_error *`.
            let (status, field, settings) =
                outcome(|c, e| unsafe { lbc_config_set_signature_placement(c, bad, e) });
            assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
            assert_eq!(field.as_deref(), Some("placement"));
            assert!(settings.is_empty(), "a refused setting is not recorded");
        }
        // SAFETY: `c` is a live config, `e` a writable `lbc_error *`.
        let (status, _, _) = outcome(|c, e| unsafe { lbc_config_set_deadline_ms(c, 2500, e) });
        assert_eq!(status, lbc_status::LBC_OK);
        // SAFETY: `c` is a live config, `e` a writable `lbc_error *`.
        let (status, _, settings) =
            outcome(|c, e| unsafe { lbc_config_set_default_region(c, c"kz".as_ptr(), e) });
        assert_eq!(status, lbc_status::LBC_OK);
        assert_eq!(
            settings.get("default_region").map(String::as_str),
            Some("kz")
        );
        for bad in [c"", c"RUS", c"XX"] {
            // SAFETY: `c` is a live config, `e` a writable `lbc_error *`.
            let (status, field, _) =
                outcome(|c, e| unsafe { lbc_config_set_default_region(c, bad.as_ptr(), e) });
            assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
            assert_eq!(field.as_deref(), Some("default_region"));
        }
        // SAFETY: `c` is a live config, `e` a writable `lbc_error *`.
        let (status, field, _) =
            outcome(|c, e| unsafe { lbc_config_set_default_region(c, ptr::null(), e) });
        assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
        assert_eq!(field.as_deref(), Some("default_region"));
        // SAFETY: NULL config is refused, not dereferenced.
        let status = unsafe { lbc_config_set_deadline_ms(ptr::null_mut(), 1, ptr::null_mut()) };
        assert_eq!(status, lbc_status::LBC_INVALID_INPUT);
    }
}
