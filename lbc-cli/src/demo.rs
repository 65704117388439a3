//! `lbc demo`: a whole phone-call login, the way a site runs it, against an embedded sandbox.
//!
//! Place the call (`start_login`), show the prompt while the call is queued, show the incoming call on
//! a virtual phone once it rings, then read the digits (stdin, or with `--auto` the sandbox's code once
//! the call has ended) while showing every change of the call's status, give the verdict (retrying
//! wrong codes within the login policy). Every way out (the right code, too many wrong ones, the end
//! of input, Ctrl-C or SIGTERM) hangs up a call that still rings, and the end of the call is reported
//! as it happened: hung up by the demo, or ended by itself.

use std::collections::VecDeque;
use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lbc_core::protocol::CallStatus;
use lbc_core::{CallState, Client, Login, Verdict, normalize_phone};
use lbc_sandbox::{CallView, Sandbox, SandboxConfig};
use serde_json::json;

use crate::args::DemoArgs;
use crate::exit::Failure;
use crate::output;
use crate::sanitize;
use crate::term::Term;

/// The user's IP address the demo gives the service.
const USER_IP: &str = "127.0.0.1";
/// Queued → dialing in the demo's sandbox: visible, but quick.
const DIAL: Duration = Duration::from_millis(700);
/// Dialing → final in the demo's sandbox, when a person types the digits.
const RING: Duration = Duration::from_secs(8);
/// Dialing → final with `--auto`, which waits for the end of the call.
const AUTO_RING: Duration = Duration::from_millis(1500);
/// How long the demo waits for the phone to ring at all.
const RING_WAIT: Duration = Duration::from_secs(60);
/// How long the demo waits for the call's final status after hanging up.
const FINAL_WAIT: Duration = Duration::from_secs(30);
/// Spinner frame length.
const FRAME: Duration = Duration::from_millis(80);
/// How often the call's status is asked for while waiting for digits.
const POLL: Duration = Duration::from_millis(250);

/// What the demo waits for besides the service.
#[derive(Debug)]
enum Event {
    /// A line typed on stdin.
    Line(String),
    /// stdin ended.
    End,
    /// stdin could not be read.
    ReadError(std::io::Error),
    /// Ctrl-C or SIGTERM.
    Interrupt,
}

/// How the call ended, for the report.
#[derive(Debug)]
struct Ending {
    /// The demo hung the call up itself.
    hung_up: bool,
    /// The last status known.
    state: Option<CallState>,
}

/// Runs the demo, its text on stdout (on stderr with `json`, whose one result object goes on stdout);
/// `Ok` only when the user logged in.
pub fn run(args: &DemoArgs, json: bool) -> Result<(), Failure> {
    let msisdn = normalize_phone(&args.phone, args.region)?;
    let term = Term::detect(json);
    let (events, receiver) = mpsc::channel();
    {
        let events = events.clone();
        ctrlc::set_handler(move || {
            let _ = events.send(Event::Interrupt);
        })
        .map_err(|e| {
            Failure::Io(
                "installing the signal handler".into(),
                std::io::Error::other(e),
            )
        })?;
    }
    if !args.auto {
        read_stdin_into(events);
    }
    let config = SandboxConfig {
        listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        dial: DIAL,
        ring: if args.auto { AUTO_RING } else { RING },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).map_err(Failure::io("starting the embedded sandbox"))?;
    let mut demo = Demo {
        sandbox: &sandbox,
        client: demo_client(&sandbox, args)?,
        term,
        events: receiver,
        pending: VecDeque::new(),
        state: None,
        auto: args.auto,
    };
    let result = demo.login(&msisdn, &args.phone);
    drop(demo);
    sandbox.shutdown();
    let (login, ending) = result?;
    if json {
        let state = ending.state.as_ref();
        output::line(
            &json!({
                "logged_in": true,
                "msisdn": msisdn,
                "call": login.call(),
                "hung_up": ending.hung_up,
                "status": state.map(|s| s.status.code()),
                "status_desc": state.map(|s| s.status.description()),
                "last_error": state.and_then(|s| s.last_error.clone()),
            })
            .to_string(),
        )?;
    }
    Ok(())
}

/// A client of the embedded sandbox's first account.
fn demo_client(sandbox: &Sandbox, args: &DemoArgs) -> Result<Client, Failure> {
    let account = sandbox
        .accounts()
        .into_iter()
        .next()
        .ok_or_else(|| Failure::usage("the embedded sandbox has no account"))?;
    Ok(Client::builder()
        .base_url(sandbox.base_url())
        .call_api_id(account.call_api_id)
        .api_key(account.api_key)
        .default_region(args.region)
        // The embedded sandbox lives in this process only: so do the login's counters.
        .store("memory:")
        .build()?)
}

/// Sends each line of stdin, then its end, as events (from a thread of its own, so that the demo
/// keeps watching the call while nobody types).
fn read_stdin_into(events: Sender<Event>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let event = match line {
                Ok(line) => Event::Line(line),
                Err(error) => Event::ReadError(error),
            };
            let failed = matches!(event, Event::ReadError(_));
            if events.send(event).is_err() || failed {
                return;
            }
        }
        let _ = events.send(Event::End);
    });
}

/// One run of the demo.
struct Demo<'a> {
    sandbox: &'a Sandbox,
    client: Client,
    term: Term,
    events: Receiver<Event>,
    /// What stdin sent before it was asked for (lines, its end, a read error).
    pending: VecDeque<Event>,
    /// The call's last status as `call-status` reported it.
    state: Option<CallState>,
    auto: bool,
}

impl Demo<'_> {
    /// Places the call, runs the login, and on every way out hangs the call up if it still rings.
    fn login(&mut self, msisdn: &str, phone: &str) -> Result<(Login, Ending), Failure> {
        self.term.say(&format!(
            "LoginByCall demo: a local sandbox at {} plays the service.",
            self.sandbox.base_url()
        ));
        self.term.say(&format!(
            "Logging in with +{msisdn}: the site places the call."
        ));
        let login = self
            .client
            .start_login(phone, Some(USER_IP))
            .map_err(Failure::placing_call)?;
        let result = self.converse(&login, msisdn);
        let ending = self.end_call(&login);
        match result {
            Ok(()) => {
                self.term
                    .say(&self.term.good(&format!("Logged in as +{msisdn}.")));
                Ok((login, ending))
            }
            Err(Failure::Interrupted(_)) => Err(Failure::Interrupted(if ending.hung_up {
                "the call was hung up".into()
            } else {
                "no call was left ringing".into()
            })),
            Err(failure) => Err(failure),
        }
    }

    /// From the placed call to the verdict.
    fn converse(&mut self, login: &Login, msisdn: &str) -> Result<(), Failure> {
        let prompt = format!(
            "Waiting for a call from +{}[{}]",
            sanitize::line(login.prompt()),
            "_".repeat(login.codelen() as usize)
        );
        self.wait_for_ring(login, &prompt)?;
        let first = self.state.clone();
        // A busy or failed call never showed its number: no phone screen, the login ends here.
        if let Some(state) = first.as_ref().filter(|s| !shows_number(s.status)) {
            self.show_status(state)?;
        }
        let caller = self.sandbox_call(login)?.mask;
        self.term.say(&crate::term::phone_screen(
            &format!("+{msisdn}"),
            &format!("+{}", sanitize::line(&caller)),
        ));
        if let Some(state) = first {
            self.show_status(&state)?;
        }
        let question = format!(
            "Type the last {} digits of the calling number: ",
            login.codelen()
        );
        loop {
            let digits = if self.auto {
                self.wait_for_end_of_call(login)?;
                self.term.ask(&question);
                let code = self.sandbox_call(login)?.code;
                self.term
                    .say(&format!("{code}   (--auto: read from the sandbox)"));
                code
            } else {
                self.term.ask(&question);
                self.next_line(login, &question)?
            };
            match login.check(&digits)? {
                Verdict::Accepted => {
                    self.term.say(&self.term.good("✔ Code accepted."));
                    return Ok(());
                }
                Verdict::Rejected { attempts_left } => {
                    let plural = if attempts_left == 1 { "" } else { "s" };
                    self.term.say(&self.term.bad(&format!(
                        "✘ Wrong code: {attempts_left} attempt{plural} left."
                    )));
                }
                Verdict::Locked => {
                    self.term
                        .say(&self.term.bad("✘ Wrong code, no attempts left."));
                    return Err(Failure::LoginFailed(
                        "too many wrong codes: start over with a new call".into(),
                    ));
                }
                Verdict::Expired => {
                    self.term.say(&self.term.bad("✘ The code expired."));
                    return Err(Failure::LoginFailed(
                        "the code expired: start over with a new call".into(),
                    ));
                }
            }
        }
    }

    /// Polls `call-status` with the spinner going until the call leaves the queue.
    fn wait_for_ring(&mut self, login: &Login, prompt: &str) -> Result<(), Failure> {
        let mut spinner = self.term.spinner(&self.term.bold(prompt));
        let deadline = Instant::now() + RING_WAIT;
        let result = loop {
            let state = match self.client.call_status(login.call()) {
                Ok(state) => state,
                Err(error) => break Err(error.into()),
            };
            let status = state.status;
            self.state = Some(state);
            if status != CallStatus::Queued {
                break Ok(());
            }
            if Instant::now() >= deadline {
                break Err(Failure::LoginFailed(format!(
                    "the phone did not ring within {} s",
                    RING_WAIT.as_secs()
                )));
            }
            if let Err(failure) = self.idle(3) {
                break Err(failure);
            }
            spinner.tick();
        };
        spinner.finish();
        result
    }

    /// Waits `frames` spinner frames, keeping what stdin sends for later; `Err` on an interruption.
    fn idle(&mut self, frames: u32) -> Result<(), Failure> {
        for _ in 0..frames {
            match self.events.recv_timeout(FRAME) {
                Ok(Event::Interrupt) => return Err(interrupted()),
                Ok(input) => self.pending.push_back(input),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => std::thread::sleep(FRAME),
            }
        }
        Ok(())
    }

    /// The next typed line, showing the call's status changes meanwhile.
    fn next_line(&mut self, login: &Login, question: &str) -> Result<String, Failure> {
        loop {
            let event = match self.pending.pop_front() {
                Some(event) => Ok(event),
                None => self.events.recv_timeout(POLL),
            };
            match event {
                Ok(Event::Line(line)) => return Ok(line.trim().to_owned()),
                Ok(Event::End) => {
                    self.term.say("");
                    return Err(Failure::LoginFailed(
                        "no digits typed (end of input)".into(),
                    ));
                }
                Ok(Event::ReadError(error)) => {
                    return Err(Failure::Io("reading stdin".into(), error));
                }
                Ok(Event::Interrupt) => {
                    self.term.say("");
                    return Err(interrupted());
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    if unix_now() >= login.expires_at() {
                        self.term.say("");
                        return Err(Failure::LoginFailed(
                            "the code expired: start over with a new call".into(),
                        ));
                    }
                    if let Some(state) = self.poll(login)? {
                        self.term.say("");
                        self.show_status(&state)?;
                        self.term.ask(question);
                    }
                }
            }
        }
    }

    /// With `--auto`: waits until the call has ended, showing its status changes.
    fn wait_for_end_of_call(&mut self, login: &Login) -> Result<(), Failure> {
        let deadline = Instant::now() + RING_WAIT;
        while !self.state.as_ref().is_some_and(CallState::is_final) {
            if Instant::now() >= deadline {
                return Err(Failure::LoginFailed(format!(
                    "the call did not end within {} s",
                    RING_WAIT.as_secs()
                )));
            }
            if let Ok(Event::Interrupt) = self.events.recv_timeout(POLL) {
                return Err(interrupted());
            }
            if let Some(state) = self.poll(login)? {
                self.show_status(&state)?;
            }
        }
        Ok(())
    }

    /// Asks for the call's status; the new state when it changed.
    fn poll(&mut self, login: &Login) -> Result<Option<CallState>, Failure> {
        let state = self.client.call_status(login.call())?;
        let changed = self.state.as_ref().map(|s| s.status) != Some(state.status);
        self.state = Some(state.clone());
        Ok(changed.then_some(state))
    }

    /// Says what the status means for the login; a busy or failed call ends it.
    fn show_status(&self, state: &CallState) -> Result<(), Failure> {
        let desc = state.status.description();
        match state.status {
            CallStatus::Queued => self.term.say("The call is queued (call-status: queued)."),
            CallStatus::Dialing => self
                .term
                .say("The phone is ringing (call-status: dialing)."),
            CallStatus::Answered => self.term.say(
                "The call was answered (call-status: answered); its number stays in the \
                 phone's call log.",
            ),
            CallStatus::NotAnswered => self.term.say(
                "The call ended unanswered (call-status: notanswered); its number stays in the \
                 phone's missed calls.",
            ),
            CallStatus::Busy => {
                self.term.say(&self.term.bad(
                    "✘ The line was busy (call-status: busy): the number never reached the phone.",
                ));
                return Err(Failure::LoginFailed(
                    "the line was busy: start over with a new call".into(),
                ));
            }
            CallStatus::Failed => {
                let why = sanitize::line(state.last_error.as_deref().unwrap_or("no reason given"));
                self.term.say(
                    &self
                        .term
                        .bad(&format!("✘ The call failed (call-status: error): {why}")),
                );
                return Err(Failure::LoginFailed(format!("the call failed: {why}")));
            }
            CallStatus::Unknown(code) => self
                .term
                .say(&format!("The call ended with status {code} ({desc}).")),
        }
        Ok(())
    }

    /// Hangs the call up when it may still ring, and says how it ended.
    fn end_call(&mut self, login: &Login) -> Ending {
        if let Some(state) = self.state.clone().filter(CallState::is_final) {
            self.term.say(&format!(
                "The call had already ended ({}); nothing to hang up.",
                state.status.description()
            ));
            return Ending {
                hung_up: false,
                state: Some(state),
            };
        }
        let hung_up = match login.hangup(&self.client) {
            Ok(()) => {
                self.term
                    .say("Hung up the call while it was still ringing (call-hangup).");
                true
            }
            Err(error) => {
                self.term.say(&format!(
                    "The call could not be hung up: {}",
                    sanitize::line(&error.to_string())
                ));
                false
            }
        };
        let state = match login.wait_final(&self.client, FINAL_WAIT) {
            Ok(state) => state,
            Err(error) => {
                self.term.say(&format!(
                    "The call's final status is unknown: {}",
                    sanitize::line(&error.to_string())
                ));
                return Ending {
                    hung_up,
                    state: self.state.clone(),
                };
            }
        };
        let desc = state.status.description();
        let mut line = match (hung_up, state.status) {
            (_, status) if !status.is_final() => {
                format!("The call is still {desc} after {} s.", FINAL_WAIT.as_secs())
            }
            // The user picked up between the last status and the hangup.
            (true, CallStatus::Answered) => {
                "The call ended: answered before the hangup arrived (call-status: answered)."
                    .to_owned()
            }
            (true, _) => format!("The call ended: hung up by the demo (call-status: {desc})."),
            (false, _) => format!("The call ended by itself (call-status: {desc})."),
        };
        if let Some(error) = &state.last_error {
            line.push_str(&format!(" last_error: {}", sanitize::line(error)));
        }
        self.term.say(&line);
        self.state = Some(state.clone());
        Ending {
            hung_up,
            state: Some(state),
        }
    }

    /// The sandbox's record of the login's call: what the virtual phone shows.
    fn sandbox_call(&self, login: &Login) -> Result<CallView, Failure> {
        self.sandbox
            .call(login.call())
            .or_else(|| self.sandbox.latest_call_to(login.msisdn()))
            .ok_or_else(|| Failure::LoginFailed("the sandbox does not know the call".into()))
    }
}

/// Whether a call in this status has shown its number on the phone (or may still).
fn shows_number(status: CallStatus) -> bool {
    !matches!(status, CallStatus::Busy | CallStatus::Failed)
}

/// The failure of an interrupted demo (its message is set once the call is dealt with).
fn interrupted() -> Failure {
    Failure::Interrupted(String::new())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
