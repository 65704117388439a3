//! # lbc-sandbox: a stateful offline emulator of the LoginByCall service
//!
//! It answers every method of the service's documentation (both revisions) over real HTTP, in all
//! five encodings and the WordPress plugin's unencoded queries, parsed by the protocol kit's own
//! [`lbc_protocol::parse`] and checked with [`lbc_protocol::Signer::verify`] against the
//! [`lbc_protocol::Method`] table, the same code the SDK (`lbc-core`) builds and signs with, so the
//! sandbox and the SDK cannot drift apart. It links no HTTP client library.
//!
//! ```
//! use lbc_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default())?;
//! // {"base_url":"http://127.0.0.1:PORT/callapi/v2.0/","accounts":[{"call_api_id":…,"api_key":…}]}
//! println!("{}", sandbox.ready_line());
//! let account = &sandbox.accounts()[0];
//! // … point a client at sandbox.base_url() with these credentials, place a call, then read the
//! // code the user would type with sandbox.call(&call_id) or sandbox.latest_call_to(msisdn).
//! # let _ = account;
//! assert!(sandbox.latest_call_to("79256880636").is_none());
//! sandbox.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! ## Behaviour where the documentation is silent
//!
//! - Every API answer is HTTP 200 with JSON, errors included; an unknown method is `INVALID_ARGS`.
//!   A body over 1 MiB is refused with HTTP 413 (as the service's nginx front would), a request
//!   with more than [`lbc_protocol::MAX_PARAMS`] parameters (path, query, body and `params`
//!   together) with `INVALID_ARGS`, a request taking longer than [`SandboxConfig::request_timeout`]
//!   with the code `Error` (an armed `delay` fault not counted). Requests over a few KiB are parsed
//!   and run on a blocking thread pool, not on the two threads that serve connections, so a hostile
//!   body does not delay other clients. A request runs to its end once read, even if its client
//!   gives up and closes the connection (as on the service: a `call` sent is placed).
//! - Calls: status 1 for `dial`, 2 for `ring`, then final by the number's last two digits (`08` busy,
//!   `16` notanswered, `32` error with `last_error` "Call rejected, try again", else answered).
//!   `call-hangup` of a ringing or queued call ends it as notanswered (16). The documentation (the
//!   Russian original decides) says the user "must have an active call with the status 2": a call
//!   that already ended (answered, busy, not answered, failed or hung up) is not one, and hanging it
//!   up answers `CALL_NOT_FOUND`, changing nothing. A call's mask (caller number) is `7` and ten
//!   random digits, or the account's `fixed_mask` when one is set, so that a test knows the code
//!   without reading it back. A call costs [`SandboxConfig::call_price`]; a repeat within a minute of the last charged
//!   call to the same `msisdn + ip_address` is free. The repeat timeout and the free repeats are
//!   counted per account. While `server_status` is not 1, `call` answers `CALL_REJECTED`.
//! - Signatures: accounts allowed unsigned calls have their signature parameters ignored (as the
//!   documentation says), except on `change_credential` and `credential_confirm`. Nonces are
//!   unique per account (whatever their timestamp) and forgotten within the hour after their
//!   timestamp leaves the 24-hour window. Only a 64-bit hash of each is kept, keyed at random per
//!   account (about 20 bytes a nonce; by chance, one false `NONCE_ALREADY_USED` among a million
//!   nonces has a probability below 10⁻⁷). A signed request without a nonce is `INVALID_ARGS`.
//! - Accounts: `domain` is a host name or IPv4 address, optionally with a port (`localhost:8000`,
//!   `127.0.0.1:8000`: sites under development run on one); the default `verify_url` is
//!   `http://` + domain + `/lbc-<call-api-id>.html`. A given `verify_url` must be on the registered
//!   host itself (a subdomain is another host); a domain registered with a port names that one site,
//!   so its `verify_url` must use the same port (the scheme's default when it names none), while a
//!   domain without a port allows any. `localhost:8000` and `localhost:9000` are two accounts.
//!   `credential_confirm` fetches only `http://` URLs: an `https://` one fails with
//!   `INVALID_ACCOUNT_VERIFY_RESPONSE`. Keys left unconfirmed for 24 hours (virtual clock) are
//!   deleted, and so is an account left without keys. More than five unconfirmed keys for one
//!   account answer `TOO_MANY_ACCOUNTS_REGISTERED`. `status` reports the keys it is asked about:
//!   `activated` 0 for unconfirmed keys, `blocked` 1 for retired ones or a blocked account.
//!   `ACCOUNT_ALREADY_REGISTERED` is never answered: a known domain is re-registered, as in the later
//!   revision.
//! - `pay` answers the first revision's shape, linking to the sandbox's own payment page
//!   (`/_sandbox/pay/{token}`), which credits the account when its form is posted; for an account
//!   whose `pay_shape` is `html` ([`PayShape::Html`]), the later revision's `{"html": …}`: a form
//!   posting to that page, with a submit button of class `lbc-payment-button`.
//!
//! ## Failures on demand: `/_sandbox/faults`
//!
//! An armed [`Fault`] answers the next `count` API requests (under `/callapi/`, never `/_sandbox/`)
//! of one method, or of every method for `*` (requests naming no known method included), instead of
//! their usual answer; the oldest armed fault that applies is taken first, and a fault is disarmed
//! once its count is spent (without a count it stays until cleared). A faulted request is still a
//! request received: it is counted in `/_sandbox/state`'s `requests` and, when it gets HTTP headers
//! at all (not under `raw`, `reset` or `hang`), an `X-Request-Id`.
//!
//! | kind | answer | the method |
//! | --- | --- | --- |
//! | `502`, `503` | nginx's HTML page with that HTTP status | does not run: a `call` is not placed, not charged |
//! | `reset` | none: the connection is reset (TCP RST) | does not run |
//! | `error` | HTTP 200, `{"error": code, …, "additional": …}`, any code (unknown ones too), `clazz` when the code is known | does not run |
//! | `delay` | the usual one, `delay_ms` later | runs after the delay (a client that gave up still gets its call placed) |
//! | `truncate` | the usual headers, `Content-Length` of the whole body, then half of the body and the connection closes | runs: a `call` is placed and charged, its answer lost |
//! | `raw` | exactly the `bytes` given (a bad status line, an invalid HTTP version, a truncated or garbled answer, anything), then the connection closes | does not run |
//! | `hang` | none, ever: the request is held, silent, until the sandbox stops (the client may give up and close its side before) | does not run |
//!
//! Arm them with `POST /_sandbox/faults`, [`SandboxConfig::faults`] or [`Sandbox::arm_fault`]; on a
//! command line (`lbc sandbox --fault ...`) a fault is written `METHOD:KIND[:COUNT]` (see
//! [`Fault`]'s [`FromStr`](std::str::FromStr)).
//!
//! ## The dashboard: `GET /_sandbox/`
//!
//! A page to keep open beside the site under test: the calls as they go queued → dialing → final,
//! each like a phone's incoming-call screen with the code highlighted at the end of the caller's
//! number, the accounts with their balances (USD and credits), the armed faults and the outbox. It
//! refreshes itself every second, loads nothing from elsewhere (it works offline), and escapes
//! everything that came from a request; its Content-Security-Policy runs only its own script.
//!
//! ## Persistence
//!
//! With [`SandboxConfig::state_file`], accounts, their keys (pending ones with their `verify_url`),
//! balances, payments, `fixed_mask`, `pay_shape`, the service-wide `server_status` and the accounts
//! the ready line shows survive a restart: loaded at start when the file exists, saved after every
//! change (so a killed sandbox loses nothing) and at shutdown, each time replaced atomically
//! (temporary file, sync, rename) and readable by its owner only (it holds api keys). Calls,
//! nonces, the outbox, unpaid payment forms, armed faults and the clock offset are not kept. A
//! configured account ([`SandboxConfig::accounts`]) the file holds keeps its saved state (its
//! `api_key` must be the same); without configured accounts, a restart shows the saved ones.
//!
//! ## Inspection and control: `/_sandbox/`
//!
//! | endpoint | does |
//! | --- | --- |
//! | `GET /_sandbox/calls/{call}` | the call (`CallView`), 404 when unknown |
//! | `GET /_sandbox/phones/{msisdn}` | the latest call to that number, 404 when none |
//! | `GET /_sandbox/outbox` | the mails sent, oldest first (at most the last 1000) |
//! | `POST /_sandbox/clock {"advance_seconds": N}` | moves the virtual clock; answers `{"now": UNIX_SECONDS}` |
//! | `POST /_sandbox/accounts {...}` | creates an account (all fields optional: `call_api_id`, `api_key`, `balance`, `activated` (default true), `allow_unsecure_calls`, `fixed_mask`, `pay_shape`); answers `{"call_api_id","api_key"}` |
//! | `GET /_sandbox/accounts/{id}` | the account's state |
//! | `PATCH /_sandbox/accounts/{id} {...}` | sets `balance`, `blocked`, `allow_unsecure_calls`, `fixed_mask` (8 to 15 digits: every `call` of the account gets this mask until set to `null`), `pay_shape` (`"url"` or `"html"`) and/or the service-wide `server_status` (kept for older tests; prefer `PUT /_sandbox/server-status`); answers the account's state |
//! | `GET /_sandbox/server-status` | `{"server_status": N}`, service-wide |
//! | `PUT /_sandbox/server-status {"server_status": N}` | sets it (1 works; anything else and `call` answers `CALL_REJECTED`); answers it |
//! | `GET /_sandbox/faults` | the armed faults, oldest first: `[{"method", "kind", …, "count"}]`, `count` the requests left (`null`: until cleared) |
//! | `POST /_sandbox/faults {"method": "call" \| "*", "kind": "502" \| "503" \| "reset" \| "truncate" \| "delay" \| "error" \| "raw" \| "hang", "delay_ms": N, "code": "...", "additional": {...}, "bytes": "...", "count": N}` | arms a fault after the others: `delay_ms` (at most 600000) only and always with `delay`, `code` (1 to 64 letters, digits, `_`, `-`, `.`) and an optional `additional` object only with `error`, `bytes` (a string of 1 byte to 1 MiB, written back as UTF-8) only and always with `raw`, `count` optional (a positive number; absent or `null`: until cleared); answers the fault as listed |
//! | `DELETE /_sandbox/faults` | disarms every fault; answers `{"cleared": N}` |
//! | `GET /_sandbox/connections` | the connection counter ([`ConnectionCounts`]): `{"accepted": N, "api": M}`, the TCP connections accepted (the one this request came on included) and those of them that carried an API request, since the start or the last reset |
//! | `DELETE /_sandbox/connections` | sets both counts back to zero; answers what they were |
//! | `GET /_sandbox/` | the dashboard (HTML) |
//! | `GET /_sandbox/live` | the dashboard's refreshing part (HTML, what the page fetches every second) |
//! | `GET /_sandbox/state` | the dashboard's data as JSON: `now`, `base_url`, `server_status`, `requests` (`total`, `faulted`, `by_method`), `accounts` (newest 100, with `available` credits and `available_usd`), `calls` (newest 30, as `CallView` with `created`, `age_ms`, `last_error`, `call_api_id`), `outbox` (newest 20), `faults`, `state_file` (`path`, `error`) and the `*_total` counts |
//! | `GET /_sandbox/pay/{token}` | the payment form that `pay` links to |
//! | `POST /_sandbox/pay/{token}` | pays: the amount is credited once (303 to `success_url` when `pay` had one) |
//!
//! An account's state is `{"call_api_id", "key_state"` (`pending`, `active` or `retired`: the state of
//! the id asked about), `"domain", "admin_email", "activated", "blocked", "allow_unsecure_calls"`
//! (booleans), `"balance", "consumed", "balance_notify_limit", "fixed_mask", "pay_shape",
//! "server_status"}`. Flags in requests may
//! be `true`/`false` or `0`/`1`; unknown members are refused. Errors are JSON `{"error","reason"}` with
//! HTTP 400 (bad input), 404 (unknown), 409 (taken id) or 413 (a body over 1 MiB).
#![forbid(unsafe_code)]

mod answer;
mod auth;
mod body;
mod calls;
mod clock;
mod connections;
mod control;
mod dashboard;
mod faults;
mod methods;
mod money;
mod nonces;
mod persist;
mod routes;
mod sabotage;
mod sandbox;
mod server;
mod shared;
mod snapshot;
mod state;
mod verify;
mod work;

pub use crate::calls::CallView;
pub use crate::connections::ConnectionCounts;
pub use crate::faults::{Fault, FaultKind, MAX_FAULT_DELAY, MAX_RAW_ANSWER};
pub use crate::sandbox::{Sandbox, SandboxConfig};
pub use crate::state::{Credentials, PayShape};
