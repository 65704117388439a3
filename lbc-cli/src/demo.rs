//! `lbc demo`: a whole phone-call login, the way a site runs it, against an embedded sandbox.
//!
//! Place the call (`start_login`), show the prompt while the call is queued, show the incoming call on
//! a virtual phone once it rings, read the digits (stdin, or with `--auto` the sandbox's code), give
//! the verdict (retrying wrong codes within the login policy), hang up, print the final status.

use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use lbc_core::{CallState, CallStatus, Client, LoginCall, Region, Verdict, normalize_phone};
use lbc_sandbox::{CallView, Sandbox, SandboxConfig};

use crate::args::DemoArgs;
use crate::exit::Failure;
use crate::sanitize;
use crate::term::{self, Term};

/// The user's IP address the demo gives the service.
const USER_IP: &str = "127.0.0.1";
/// Queued → dialing in the demo's sandbox: visible, but quick.
const DIAL: Duration = Duration::from_millis(700);
/// Dialing → final in the demo's sandbox.
const RING: Duration = Duration::from_secs(8);
/// How long the demo waits for the phone to ring at all.
const RING_WAIT: Duration = Duration::from_secs(60);
/// How long the demo waits for the call's final status after hanging up.
const FINAL_WAIT: Duration = Duration::from_secs(30);
/// Spinner frame length.
const FRAME: Duration = Duration::from_millis(80);

/// Runs the demo, reading national number forms in `region`; `Ok` only when the user logged in.
pub fn run(args: &DemoArgs, region: Region) -> Result<(), Failure> {
    let msisdn = normalize_phone(&args.phone, region)?;
    let term = Term::detect();
    let config = SandboxConfig {
        listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        dial: DIAL,
        ring: RING,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).map_err(Failure::io("starting the embedded sandbox"))?;
    let result = login(&sandbox, &msisdn, region, args, term);
    sandbox.shutdown();
    result
}

/// The login itself, with the sandbox running.
fn login(
    sandbox: &Sandbox,
    msisdn: &str,
    region: Region,
    args: &DemoArgs,
    term: Term,
) -> Result<(), Failure> {
    let account = sandbox
        .accounts()
        .into_iter()
        .next()
        .ok_or_else(|| Failure::usage("the embedded sandbox has no account"))?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .call_api_id(account.call_api_id)
        .api_key(account.api_key)
        .default_region(region)
        .build()?;
    term::say(&format!(
        "LoginByCall demo: a local sandbox at {} plays the service.",
        sandbox.base_url()
    ));
    term::say(&format!(
        "Logging in with +{msisdn}: the site places the call."
    ));

    let mut login = client
        .start_login(&args.phone, Some(USER_IP))
        .map_err(Failure::placing_call)?;
    let prompt = format!(
        "Waiting for a call from +{}[{}]",
        sanitize::line(login.prompt()),
        "_".repeat(login.codelen() as usize)
    );
    let state = wait_for_ring(&client, &login, term.spinner(&term.bold(&prompt)))?;
    if state.status == CallStatus::Failed {
        let why = sanitize::line(state.last_error.as_deref().unwrap_or("no reason given"));
        term::say(&term.bad(&format!("✘ The call failed: {why}")));
        return Err(Failure::LoginFailed(format!("the call failed: {why}")));
    }
    // The virtual phone shows the caller's whole number, as the sandbox's network delivers it.
    let caller = sandbox_call(sandbox, &login)?.mask;
    term::say(&term::phone_screen(
        &format!("+{msisdn}"),
        &format!("+{}", sanitize::line(&caller)),
    ));

    let verdict = check_digits(sandbox, &mut login, args.auto, term)?;
    if verdict != Verdict::Accepted {
        return Err(Failure::LoginFailed(match verdict {
            Verdict::Expired => "the code expired: start over with a new call".into(),
            _ => "too many wrong codes: start over with a new call".into(),
        }));
    }

    match login.hangup(&client) {
        Ok(()) => term::say("Hung up the call (call-hangup)."),
        // The call may have ended by itself already; the login stands.
        Err(error) if error.api().is_some() => {
            term::say(&format!(
                "The call could not be hung up: {}",
                sanitize::line(&error.to_string())
            ));
        }
        Err(error) => return Err(error.into()),
    }
    let last = login.wait_final(&client, FINAL_WAIT)?;
    let mut ended = format!("Final call status: {}", last.status);
    if !last.is_final() {
        ended.push_str(&format!(" (not final after {} s)", FINAL_WAIT.as_secs()));
    }
    if let Some(error) = &last.last_error {
        ended.push_str(&format!(": {}", sanitize::line(error)));
    }
    term::say(&ended);
    term::say(&term.good(&format!("Logged in as +{msisdn}.")));
    Ok(())
}

/// Polls `call-status` with the spinner going until the call leaves the queue.
fn wait_for_ring(
    client: &Client,
    login: &LoginCall,
    mut spinner: term::Spinner,
) -> Result<CallState, Failure> {
    let deadline = Instant::now() + RING_WAIT;
    loop {
        let state = match client.call_status(login.call()) {
            Ok(state) => state,
            Err(error) => {
                spinner.finish();
                return Err(error.into());
            }
        };
        if state.status != CallStatus::Queued {
            spinner.finish();
            return Ok(state);
        }
        if Instant::now() >= deadline {
            spinner.finish();
            return Err(Failure::LoginFailed(format!(
                "the phone did not ring within {} s",
                RING_WAIT.as_secs()
            )));
        }
        for _ in 0..3 {
            std::thread::sleep(FRAME);
            spinner.tick();
        }
    }
}

/// The sandbox's record of the login's call: what the virtual phone shows.
fn sandbox_call(sandbox: &Sandbox, login: &LoginCall) -> Result<CallView, Failure> {
    sandbox
        .call(login.call())
        .or_else(|| sandbox.latest_call_to(login.msisdn()))
        .ok_or_else(|| Failure::LoginFailed("the sandbox does not know the call".into()))
}

/// Reads codes and checks them until a verdict other than "wrong, try again".
fn check_digits(
    sandbox: &Sandbox,
    login: &mut LoginCall,
    auto: bool,
    term: Term,
) -> Result<Verdict, Failure> {
    let question = format!(
        "Type the last {} digits of the calling number: ",
        login.codelen()
    );
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        term::ask(&question);
        let digits = if auto {
            let code = sandbox_call(sandbox, login)?.code;
            term::say(&format!("{code}   (--auto: read from the sandbox)"));
            code
        } else {
            match lines.next() {
                Some(Ok(line)) => line.trim().to_owned(),
                Some(Err(error)) => return Err(Failure::Io("reading stdin".into(), error)),
                None => {
                    term::say("");
                    return Err(Failure::LoginFailed(
                        "no digits typed (end of input)".into(),
                    ));
                }
            }
        };
        let verdict = login.check(&digits);
        match verdict {
            Verdict::Accepted => term::say(&term.good("✔ Code accepted.")),
            Verdict::Rejected { attempts_left } => {
                let plural = if attempts_left == 1 { "" } else { "s" };
                term::say(&term.bad(&format!(
                    "✘ Wrong code: {attempts_left} attempt{plural} left."
                )));
                continue;
            }
            Verdict::Locked => term::say(&term.bad("✘ Wrong code, no attempts left.")),
            Verdict::Expired => term::say(&term.bad("✘ The code expired.")),
        }
        return Ok(verdict);
    }
}
