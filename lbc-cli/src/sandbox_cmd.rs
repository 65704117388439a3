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

/// The sandbox settings for the arguments (unset delays keep the sandbox's defaults).
pub fn config(args: &SandboxArgs) -> SandboxConfig {
    let defaults = SandboxConfig::default();
    SandboxConfig {
        listen: args.listen,
        accounts: args.accounts.clone(),
        dial: args.dial_ms.map_or(defaults.dial, Duration::from_millis),
        ring: args.ring_ms.map_or(defaults.ring, Duration::from_millis),
        ..defaults
    }
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

    let sandbox = Sandbox::start(config(args)).map_err(Failure::io(format!(
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
