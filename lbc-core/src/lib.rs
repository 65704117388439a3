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
//! let mut login = client.start_login("8 (925) 688-06-36", Some("80.80.88.88"))?;
//! println!("Waiting for a call from +{}[____]", login.prompt());
//! match login.check("0636") {
//!     Verdict::Accepted => login.hangup(&client)?,
//!     other => println!("not logged in: {other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The crate is the client: [`Client`] (transport, retries, the deadline), typed answers, [`Error`],
//! the login flow ([`LoginCall`]) and phone numbers ([`normalize_phone`]). The protocol itself
//! (method table, signing, wire encodings, error codes) is `lbc-protocol`; the few of its types a
//! user needs are re-exported here.
#![forbid(unsafe_code)]

mod answer;
mod api;
mod client;
mod error;
mod login;
mod phone;
mod replay;
mod resolver;
mod secret;
mod transport;

pub use answer::{
    AccountStatus, Balance, CallStarted, CallState, CredentialChange, Credits, Payment,
    PaymentRecord, Registration, ServerStatus,
};
pub use api::{Pay, Register};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, USER_AGENT,
};
pub use error::{ApiError, Error, ErrorKind, TransportKind};
pub use lbc_protocol::{
    CallStatus, Encoding, ErrorClass, ErrorCode, Method, Params, SignaturePlacement, Signer,
};
pub use login::{LoginCall, LoginPolicy, Verdict};
pub use phone::{Region, normalize as normalize_phone};
pub use secret::ApiKey;

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
pub fn __fuzz_decode(method: Method, body: &[u8]) -> Result<(), Error> {
    use answer::FromAnswer;
    let value = transport::decode_answer(body, None)?;
    fn typed<T: FromAnswer>(value: &serde_json::Value) -> Result<(), Error> {
        T::from_answer(value).map(drop)
    }
    match method {
        Method::Register => typed::<Registration>(&value),
        Method::Status => typed::<AccountStatus>(&value),
        Method::ServerStatus => typed::<ServerStatus>(&value),
        Method::Balance => typed::<Balance>(&value),
        Method::Pay => typed::<Payment>(&value),
        Method::ChangeCredential => typed::<CredentialChange>(&value),
        Method::Call => typed::<CallStarted>(&value),
        Method::CallStatus => typed::<CallState>(&value),
        Method::Options | Method::CredentialConfirm | Method::CallHangup => typed::<()>(&value),
    }
}

/// The SDK's version, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
