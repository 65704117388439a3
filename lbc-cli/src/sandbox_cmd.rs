//! `lbc sandbox`: serve the emulator until SIGINT or SIGTERM, announcing itself with one JSON line.
//!
//! stdout carries exactly one line, the ready line of the sandbox contract; everything else goes to
//! stderr.

use std::sync::mpsc;
use std::time::Duration;

use lbc_sandbox::{Sandbox, SandboxConfig};

use crate::args::SandboxArgs;
use crate::exit::Failure;
use crate::output;

/// The sandbox settings for the arguments (what is not given keeps the sandbox's default).
// `..defaults` also covers settings the sandbox gains later, until they get a flag here.
#[allow(clippy::needless_update)]
pub fn config(args: &SandboxArgs) -> Result<SandboxConfig, Failure> {
    let defaults = SandboxConfig::default();
    let credits = |value: Option<u64>, default: i64, flag: &str| match value {
        None => Ok(default),
        Some(n) => i64::try_from(n)
            .map_err(|_| Failure::usage(format!("{flag} {n} is more credits than there are"))),
    };
    Ok(SandboxConfig {
        listen: args.listen,
        accounts: args.accounts.clone(),
        dial: args.dial_ms.map_or(defaults.dial, Duration::from_millis),
        ring: args.ring_ms.map_or(defaults.ring, Duration::from_millis),
        repeat_timeout: args
            .repeat_timeout
            .map_or(defaults.repeat_timeout, Duration::from_secs),
        codelen: args.codelen.unwrap_or(defaults.codelen),
        call_price: credits(args.call_price, defaults.call_price, "--call-price")?,
        account_balance: credits(args.balance, defaults.account_balance, "--balance")?,
        request_timeout: args.request_timeout.unwrap_or(defaults.request_timeout),
        verify_timeout: args.verify_timeout.unwrap_or(defaults.verify_timeout),
        faults: args.faults.clone(),
        state_file: args.state.clone(),
        ..defaults
    })
}

/// Starts the sandbox, prints the ready line, serves until a termination signal, shuts down.
pub fn run(args: &SandboxArgs) -> Result<(), Failure> {
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| {
        Failure::Io(
            "installing the signal handler".into(),
            std::io::Error::other(e),
        )
    })?;

    let config = config(args)?;
    let sandbox = Sandbox::start(config).map_err(Failure::io(format!(
        "starting the sandbox on {}",
        args.listen
    )))?;
    if let Err(failure) = output::line(&sandbox.ready_line()) {
        sandbox.shutdown();
        return Err(failure);
    }
    eprintln!(
        "lbc sandbox: serving {} (stop with Ctrl-C or SIGTERM)",
        sandbox.base_url()
    );
    // A closed channel (impossible while the handler lives) also ends serving.
    let _ = stop_rx.recv();
    eprintln!("lbc sandbox: shutting down");
    sandbox.shutdown();
    Ok(())
}
