//! PLACEHOLDER: the public API the sandbox must provide (being implemented).
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Account credentials, as printed in the ready line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The account id.
    pub call_api_id: String,
    /// The account key.
    pub api_key: String,
}

/// A call as `/_sandbox/calls/{call}` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallView {
    /// Call id.
    pub call: String,
    /// Number called.
    pub msisdn: String,
    /// User IP given with the call.
    pub ip_address: Option<String>,
    /// Caller number.
    pub mask: String,
    /// Code length.
    pub codelen: u32,
    /// The last `codelen` digits of `mask`.
    pub code: String,
    /// Status number.
    pub status: i64,
    /// Status text.
    pub status_desc: String,
}

/// Sandbox settings.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Where to listen (default 127.0.0.1:0).
    pub listen: SocketAddr,
    /// Accounts to create activated with a balance; empty: one generated account.
    pub accounts: Vec<Credentials>,
    /// Queued → dialing after this long.
    pub dial: Duration,
    /// Dialing → final after this long.
    pub ring: Duration,
}

/// A running sandbox.
pub struct Sandbox {}

impl Sandbox {
    /// Starts serving on a background runtime; returns once listening.
    pub fn start(_config: SandboxConfig) -> std::io::Result<Sandbox> {
        unimplemented!("placeholder")
    }
    /// `http://127.0.0.1:PORT/callapi/v2.0/`
    pub fn base_url(&self) -> &str {
        unimplemented!("placeholder")
    }
    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        unimplemented!("placeholder")
    }
    /// The seeded accounts.
    pub fn accounts(&self) -> Vec<Credentials> {
        unimplemented!("placeholder")
    }
    /// The one JSON ready line of the contract (no trailing newline).
    pub fn ready_line(&self) -> String {
        unimplemented!("placeholder")
    }
    /// A call by id.
    pub fn call(&self, _call: &str) -> Option<CallView> {
        unimplemented!("placeholder")
    }
    /// The latest call to a number.
    pub fn latest_call_to(&self, _msisdn: &str) -> Option<CallView> {
        unimplemented!("placeholder")
    }
    /// Moves the sandbox clock forward.
    pub fn advance_clock(&self, _seconds: i64) {
        unimplemented!("placeholder")
    }
    /// Stops gracefully (Drop does too).
    pub fn shutdown(self) {
        unimplemented!("placeholder")
    }
}
