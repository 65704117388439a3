//! # lbc-protocol: the LoginByCall protocol, without I/O
//!
//! What the client and the service must agree on, written once: the table of every API method
//! ([`Method`]), ordered parameters ([`Params`]), the canonical string and HMAC-SHA512 signature with
//! its constant-time check ([`Signer`]), the five wire encodings in both directions ([`build`],
//! [`parse`]), the service's error codes ([`ErrorCode`]) and call statuses ([`CallStatus`]).
//!
//! `lbc-core` (the client) builds requests with it; `lbc-sandbox` (the emulator) parses and verifies
//! them with it, so the two can never drift apart. It links no HTTP client.
//!
//! ```
//! use lbc_protocol::{Encoding, Method, Params, SignaturePlacement, Signer, build};
//!
//! let params = Params::new()
//!     .with("call-api-id", "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6")
//!     .with("timestamp", "1492799685")
//!     .with("nonce", "p2P6YLWPk4wOfqKXwBjkXGyO33k")
//!     .with("msisdn", "70000000000");
//! let signer = Signer::new("eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq");
//! let signature = signer.sign(Method::Call, &params)?;
//! assert!(signer.verify(Method::Call, &params, &signature));
//! let request = build("call", &params, Some(&signature), Encoding::FORM, SignaturePlacement::Param)?;
//! assert_eq!(request.target, "call");
//! # Ok::<(), lbc_protocol::ProtocolError>(())
//! ```
#![forbid(unsafe_code)]

mod calendar;
mod call_status;
mod code;
mod error;
mod method;
mod params;
mod sign;
mod wire;

pub use calendar::UtcDateTime;
pub use call_status::CallStatus;
pub use code::{ErrorClass, ErrorCode};
pub use error::{EXCERPT_CHARS, ProtocolError, excerpt};
pub use method::{
    CALL_API_ID, Method, MethodSpec, NONCE, PARAMS_JSON, SIGNATURE, SIGNATURE_HEADER,
    SignatureRule, TIMESTAMP,
};
pub use params::Params;
pub use sign::{Signer, canonical};
pub use wire::{
    Encoding, HttpMethod, IncomingRequest, MAX_PARAMS, ParsedRequest, SignaturePlacement,
    Transport, WireRequest, build, parse,
};
