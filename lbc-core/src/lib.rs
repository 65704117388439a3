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
//! let mut login = client.start_login("+7 (925) 688-06-36", Some("80.80.88.88"))?;
//! println!("Waiting for a call from +{}[____]", login.prompt());
//! match login.check("0636") {
//!     Verdict::Accepted => login.hangup(&client)?,
//!     other => println!("not logged in: {other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Modules, each with one job: [`sign`] (canonical string, HMAC-SHA512), [`method`] (the table of every
//! method), [`wire`] (the five encodings, both directions), [`answer`] (typed answers), [`error`]
//! (typed errors), [`client`] (transport, retries), [`login`] (the flow a site runs), [`phone`]
//! (E.164 numbers).
#![forbid(unsafe_code)]

pub mod answer;
mod api;
pub mod calendar;
pub mod client;
pub mod error;
pub mod login;
pub mod method;
mod params;
pub mod phone;
mod secret;
pub mod sign;
mod transport;
pub mod wire;

pub use answer::{
    AccountStatus, Balance, CallStarted, CallState, CallStatus, CredentialChange, Credits, Payment,
    PaymentRecord, Registration, ServerStatus,
};
pub use api::{Pay, Register};
pub use calendar::UtcDateTime;
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, Error, ErrorClass, ErrorCode, ErrorKind};
pub use login::{LoginCall, LoginPolicy, Verdict};
pub use method::{Method, MethodSpec, SignatureRule};
pub use params::Params;
pub use secret::ApiKey;
pub use sign::Signer;
pub use wire::{Encoding, SignaturePlacement, Transport};

/// The SDK's version, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
