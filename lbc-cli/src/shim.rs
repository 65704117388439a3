//! TEMPORARY until lbc-sandbox's `impl Default for SandboxConfig` lands.
use std::time::Duration;

/// Stand-in for `Default`.
pub trait ShimDefault {
    /// Stand-in.
    fn default() -> Self;
}

impl ShimDefault for lbc_sandbox::SandboxConfig {
    fn default() -> Self {
        lbc_sandbox::SandboxConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            accounts: Vec::new(),
            dial: Duration::from_millis(1000),
            ring: Duration::from_millis(5000),
        }
    }
}
