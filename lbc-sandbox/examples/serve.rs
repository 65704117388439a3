//! Runs a sandbox until killed, printing its ready line first (the browser test of the dashboard,
//! `tests/browser/dashboard.sh`, starts it).
//!
//! ```text
//! cargo run -p lbc-sandbox --example serve -- [--listen ADDR] [--dial-ms N] [--ring-ms N]
//!     [--state FILE] [--fault METHOD:KIND[:COUNT]]...
//! ```
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use lbc_sandbox::{Sandbox, SandboxConfig};

fn configure(args: &[String]) -> Result<SandboxConfig, String> {
    let mut config = SandboxConfig::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let millis = |text: &str| {
            text.parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| format!("{flag} needs a number of milliseconds"))
        };
        match flag.as_str() {
            "--listen" => {
                config.listen = value()?
                    .parse()
                    .map_err(|_| "--listen needs an address such as 127.0.0.1:8080".to_owned())?;
            }
            "--dial-ms" => config.dial = millis(value()?)?,
            "--ring-ms" => config.ring = millis(value()?)?,
            "--state" => config.state_file = Some(value()?.into()),
            "--fault" => config.faults.push(value()?.parse()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sandbox = match configure(&args).map(Sandbox::start) {
        Ok(Ok(sandbox)) => sandbox,
        Ok(Err(e)) => {
            eprintln!("serve: cannot start the sandbox: {e}");
            return ExitCode::FAILURE;
        }
        Err(why) => {
            eprintln!("serve: {why}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", sandbox.ready_line())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    eprintln!("serve: dashboard at {}", sandbox.dashboard_url());
    loop {
        std::thread::park();
    }
}
