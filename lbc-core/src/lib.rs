//! # lbc-core: the LoginByCall SDK
//!
//! Sign users in by a phone call: the service rings the user's phone from a random number, the user
//! types the last few digits of that number, the site checks them.
//!
//! ```no_run
//! use lbc_core::{Client, Verdict};
//!
//! # fn main() -> Result<(), lbc_core::Error> {
//! let client = Client::builder()
//!     .call_api_id("npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6")
//!     .api_key("eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq")
//!     .build()?;
//! let login = client.start_login("8 (925) 688-06-36", Some("80.80.88.88"))?;
//! println!("Waiting for a call from +{}[____]", login.prompt());
//! // Keep `login.to_json()` in the session; on the next page, `client.resume_login(&state)?`.
//! match login.check("0636")? {
//!     Verdict::Accepted => login.hangup(&client)?,
//!     other => println!("not logged in: {other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The crate is the client: [`Client`] (transport, retries, the deadline), typed answers, [`Error`],
//! the login flow ([`Login`]) and phone numbers ([`normalize_phone`]). The protocol itself
//! (method table, signing, wire encodings, error codes) is `lbc-protocol`; the few of its types a
//! user needs are re-exported here.
#![forbid(unsafe_code)]

mod answer;
mod api;
mod builder;
mod cancel;
mod client;
mod error;
mod events;
mod guard;
pub mod limits;
mod login;
mod phone;
mod replay;
mod resolver;
mod secret;
mod store;
mod transport;

pub use answer::{
    AccountStatus, Balance, CallStarted, CallState, CredentialChange, Credits, Payment,
    PaymentRecord, Registration, ServerStatus,
};
pub use api::{Pay, Register};
pub use builder::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BASE_DELAY, DEFAULT_TIMEOUT, USER_AGENT, default_deadline,
};
pub use cancel::Cancellation;
pub use client::Client;
pub use error::{ApiError, Error, ErrorKind, TransportKind};
pub use events::{
    EVENT_CAPACITY, Event, EventKind, LOG_TARGET, LogLevel, events_to_json, mask_number,
};
pub use guard::{AllowedCountries, GuardPolicy, GuardReason, NumberType, RateLimit};
/// The protocol itself, without I/O: the method table, [`protocol::Params`], signing
/// ([`protocol::Signer`]), the wire encodings and the service's error codes. It is the
/// `lbc-protocol` crate, re-exported so that lbc-core is the one dependency a program needs.
pub use lbc_protocol as protocol;
pub use login::{Login, LoginPolicy, Verdict};

/// The login type's old name.
#[deprecated(since = "0.2.0", note = "renamed `Login`, its name in every language")]
pub type LoginCall = Login;
pub use phone::{Region, normalize as normalize_phone};
pub use secret::ApiKey;
#[cfg(feature = "sqlite")]
pub use store::default_sqlite_path;
pub use store::{DEFAULT_STORE, MemoryStore, Store, open_store};

/// Test hooks: the clock and nonce source a [`ClientBuilder`] can be given (`testing` feature).
#[cfg(feature = "testing")]
pub mod testing {
    pub use crate::answer::FromAnswer;
    pub use crate::replay::{Clock, NonceSource, OsNonce, SystemClock};
}

/// Decodes `body` as the answer of `method`, typed, as the client does with what it receives: the
/// entry point of the fuzz targets (`testing` feature only; not part of the API).
#[cfg(feature = "testing")]
#[doc(hidden)]
pub fn __fuzz_decode(method: protocol::Method, body: &[u8]) -> Result<(), Error> {
    use answer::FromAnswer;
    let value = transport::decode_answer(body, None)?;
    fn typed<T: FromAnswer>(value: &serde_json::Value) -> Result<(), Error> {
        T::from_answer(value).map(drop)
    }
    match method {
        protocol::Method::Register => typed::<Registration>(&value),
        protocol::Method::Status => typed::<AccountStatus>(&value),
        protocol::Method::ServerStatus => typed::<ServerStatus>(&value),
        protocol::Method::Balance => typed::<Balance>(&value),
        protocol::Method::Pay => typed::<Payment>(&value),
        protocol::Method::ChangeCredential => typed::<CredentialChange>(&value),
        protocol::Method::Call => typed::<CallStarted>(&value),
        protocol::Method::CallStatus => typed::<CallState>(&value),
        protocol::Method::Options
        | protocol::Method::CredentialConfirm
        | protocol::Method::CallHangup => typed::<()>(&value),
    }
}

/// The SDK's version, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
