//! The command line, as clap reads it: one subcommand per job. Only the subcommands that talk to the
//! service take the connection options ([`ClientOpts`]); `--json` applies everywhere.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand};
use lbc_core::Region;
use lbc_core::protocol::Encoding;
use lbc_core::protocol::excerpt;
use lbc_sandbox::{Credentials, Fault};

use crate::exit::EXIT_CODES_HELP;
use crate::money;

/// `lbc`: every LoginByCall API method from a shell, a local sandbox of the service, and a login demo.
#[derive(Debug, Parser)]
#[command(
    name = "lbc",
    version,
    about = "LoginByCall from the command line: every API method, a local sandbox, a login demo",
    long_about = "LoginByCall from the command line: every API method, a local sandbox of the \
                  service, and a demo of the whole phone-call login.\n\n\
                  Store the account once with `lbc login` (the key is read without echo and kept in \
                  a file only you can read), or give it in LBC_CALL_API_ID and LBC_API_KEY: command \
                  lines are visible to other users of the machine. The api-key is never printed.",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    /// Print the answer as JSON on stdout (and errors as JSON on stderr), for scripts
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How to reach the service and as which account: every subcommand that sends requests takes these.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Connection options")]
pub struct ClientOpts {
    /// The profile stored by `lbc login` to take the account from [default: default]; flags and
    /// environment variables override what it holds
    #[arg(long, env = "LBC_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// The API root [default: the profile's, else the service's own]
    #[arg(long, env = "LBC_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// The account's call-api-id
    #[arg(long, env = "LBC_CALL_API_ID", value_name = "ID")]
    pub call_api_id: Option<String>,

    /// The account's secret api-key (prefer `lbc login` or the environment variable)
    #[arg(long, env = "LBC_API_KEY", hide_env_values = true, value_name = "KEY")]
    pub api_key: Option<String>,

    /// Send signed methods without a signature, even when a key is configured (only for accounts the
    /// service allows unsigned calls)
    #[arg(long)]
    pub unsigned: bool,

    /// How requests travel: query, form, rest or multipart, optionally +json [default: form]
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,

    /// Send the signature in the `Signature` HTTP header instead of the `signature` parameter
    #[arg(long)]
    pub signature_header: bool,

    /// Seconds one attempt of a request may take, answer included [default: 15]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,

    /// Seconds to establish a connection [default: 5]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub connect_timeout: Option<Duration>,

    /// Seconds the whole operation may take, every retry and backoff included [default: room for
    /// the retries: timeout × (retries + 1) + the backoffs, 45.75 with the defaults]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub deadline: Option<Duration>,

    /// Extra attempts for methods that are safe to repeat (never `call`); 0 turns retries off
    /// [default: 2]
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// Trust only the CA certificates in this PEM file instead of the bundled roots
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,

    /// Send requests through this proxy: http://, https://, socks4:// or socks5://host:port
    #[arg(long, env = "LBC_PROXY", hide_env_values = true, value_name = "URL")]
    pub proxy: Option<String>,

    /// The region whose national number forms phone numbers may be typed in (8 (925) ... in RU)
    #[arg(
        long,
        env = "LBC_REGION",
        value_name = "CC",
        default_value = "RU",
        value_parser = parse_region
    )]
    pub region: Region,

    /// Show each request as it is built for the wire and each answer, on stderr (the signature is
    /// redacted; the api-key never travels)
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// A subcommand with no arguments of its own.
#[derive(Debug, Args)]
pub struct NoArgs {
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// `register`: register a domain (the api-key is e-mailed to the administrator)
    Register(RegisterArgs),
    /// `status`: whether the account is activated, blocked, allowed unsigned calls
    Status(NoArgs),
    /// `server-status`: whether the service can place calls now
    ServerStatus(NoArgs),
    /// `options`: set the balance below which the administrator is mailed
    Options(OptionsArgs),
    /// `balance`: payments, consumption, what is left
    Balance(NoArgs),
    /// `pay`: a payment form to refill the balance (`--html FILE` writes a page to open in a browser)
    Pay(PayArgs),
    /// `change_credential`: issue a new call-api-id and api-key (mailed to the administrator)
    #[command(alias = "change_credential")]
    ChangeCredential(ChangeCredentialArgs),
    /// `credential_confirm`: activate this (new) call-api-id and api-key; older keys stop working
    #[command(alias = "credential_confirm")]
    CredentialConfirm(NoArgs),
    /// `call`: ring a phone from a random number (costs money; never sent twice by lbc)
    Call(CallArgs),
    /// `call-status`: where a call is
    CallStatus(CallIdArgs),
    /// `call-hangup`: end a call that is still ringing
    CallHangup(CallIdArgs),
    /// Call any method by name with raw name=value parameters; prints the JSON answer
    Request(RequestArgs),
    /// Sign parameters for a method offline: the signature, or the signed string
    Sign(SignArgs),
    /// Store a call-api-id and api-key as a named profile (the key is read from stdin, never echoed)
    Login(LoginArgs),
    /// Remove a stored profile
    Logout(ProfileArgs),
    /// List the stored profiles (names, call-api-ids and base URLs; never keys)
    Profiles,
    /// Run a local emulator of the service; prints one JSON ready line, serves until SIGINT/SIGTERM
    Sandbox(SandboxArgs),
    /// Run a whole phone-call login against an embedded sandbox
    Demo(DemoArgs),
}

impl Command {
    /// The connection options of a subcommand that talks to the service.
    pub fn client_opts(&self) -> Option<&ClientOpts> {
        match self {
            Command::Register(a) => Some(&a.client),
            Command::Status(a)
            | Command::ServerStatus(a)
            | Command::Balance(a)
            | Command::CredentialConfirm(a) => Some(&a.client),
            Command::Options(a) => Some(&a.client),
            Command::Pay(a) => Some(&a.client),
            Command::ChangeCredential(a) => Some(&a.client),
            Command::Call(a) => Some(&a.client),
            Command::CallStatus(a) | Command::CallHangup(a) => Some(&a.client),
            Command::Request(a) => Some(&a.client),
            Command::Sign(_)
            | Command::Login(_)
            | Command::Logout(_)
            | Command::Profiles
            | Command::Sandbox(_)
            | Command::Demo(_) => None,
        }
    }
}

/// Arguments of `register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The site's domain, without protocol or path (example.com)
    #[arg(long)]
    pub domain: String,
    /// Where the api-key and balance warnings are mailed
    #[arg(long)]
    pub admin_email: String,
    /// The administrator's phone number
    #[arg(long)]
    pub admin_phone: Option<String>,
    /// Where the file proving domain ownership will be [default: the service's choice]
    #[arg(long)]
    pub verify_url: Option<String>,
    /// Mail the administrator when the balance falls below this many credits (-1: never)
    #[arg(long, allow_negative_numbers = true)]
    pub balance_notify_limit: Option<i64>,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// Arguments of `options`.
#[derive(Debug, Args)]
pub struct OptionsArgs {
    /// Mail the administrator when the balance falls below this many credits (-1: never)
    #[arg(long, allow_negative_numbers = true)]
    pub balance_notify_limit: i64,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// The payment form's languages the documentation lists for `pay`'s `locale`.
pub const LOCALES: [&str; 2] = ["ru", "en"];

/// Arguments of `pay`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("how_much").required(true).args(["amount", "usd"])))]
pub struct PayArgs {
    /// How much to pay in, in credits (1 USD = 10 000 credits)
    #[arg(long, value_name = "CREDITS")]
    pub amount: Option<i64>,
    /// How much to pay in, in US dollars (5, 5.00, up to 4 decimals)
    #[arg(long, value_name = "DOLLARS", value_parser = money::parse_usd)]
    pub usd: Option<i64>,
    /// The payment form's language
    #[arg(long, value_parser = LOCALES)]
    pub locale: Option<String>,
    /// Where the payment system sends the user after paying
    #[arg(long)]
    pub success_url: Option<String>,
    /// Where it sends the user after a failed payment
    #[arg(long)]
    pub fail_url: Option<String>,
    /// Where it sends the user who gave up
    #[arg(long)]
    pub return_url: Option<String>,
    /// Also write the payment form as a whole HTML page to FILE, to open in a browser
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

impl PayArgs {
    /// The amount in credits, from `--amount` or `--usd` (clap requires exactly one).
    pub fn credits(&self) -> i64 {
        self.amount.or(self.usd).unwrap_or_default()
    }
}

/// Arguments of `change-credential`.
#[derive(Debug, Args)]
pub struct ChangeCredentialArgs {
    /// Where the new api-key is mailed
    #[arg(long)]
    pub admin_email: String,
    /// The administrator's phone number
    #[arg(long)]
    pub admin_phone: Option<String>,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// Arguments of `call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The phone number to ring, in any common notation (+7 (925) 688-06-36)
    pub msisdn: String,
    /// The user's IP address (the service's repeat timeout is per number and address)
    #[arg(long = "ip", value_name = "IP_ADDRESS")]
    pub ip_address: Option<String>,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// The call id of `call-status` and `call-hangup`.
#[derive(Debug, Args)]
pub struct CallIdArgs {
    /// The call's id, as `call` printed it
    pub call: String,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// Arguments of `request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The method's wire name (e.g. call-status); unknown names are sent as given
    pub method: String,
    /// Parameters as name=value (call-api-id, timestamp, nonce and signature are added)
    #[arg(value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub params: Vec<(String, String)>,
    /// How to reach the service.
    #[command(flatten)]
    pub client: ClientOpts,
}

/// Arguments of `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The api-key to sign with [default: the profile's]
    #[arg(long, env = "LBC_API_KEY", hide_env_values = true, value_name = "KEY")]
    pub key: Option<String>,
    /// The profile stored by `lbc login` whose key signs when --key is not given [default: default]
    #[arg(long, env = "LBC_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Print the signed string (NUL bytes shown as \0) instead of the signature
    #[arg(long)]
    pub canonical: bool,
    /// The method's wire name (e.g. call)
    pub method: String,
    /// Parameters as name=value, in any order: the method decides the signing order
    #[arg(value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub params: Vec<(String, String)>,
}

/// The profile a subcommand works on.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The profile's name [default: default]
    #[arg(long, env = "LBC_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
}

/// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The profile to store the account as [default: default]
    #[arg(long, env = "LBC_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// The account's call-api-id [default: asked for on a terminal]
    #[arg(long, env = "LBC_CALL_API_ID", value_name = "ID")]
    pub call_api_id: Option<String>,
    /// An API root to store with the profile (e.g. a local sandbox's) [default: none, the service's]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Arguments of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Where to listen
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// An activated account with a balance, as CALL_API_ID:API_KEY (repeatable) [default: one generated]
    #[arg(long = "account", value_name = "ID:KEY", value_parser = parse_account)]
    pub accounts: Vec<Credentials>,
    /// Milliseconds a call stays queued before it rings [default: 500]
    #[arg(long, value_name = "N")]
    pub dial_ms: Option<u64>,
    /// Milliseconds a call rings before its final status [default: 3000]
    #[arg(long, value_name = "N")]
    pub ring_ms: Option<u64>,
    /// Seconds before the same number and IP address may be called again [default: 30]
    #[arg(long, value_name = "SECONDS")]
    pub repeat_timeout: Option<u64>,
    /// How many trailing digits of the caller's number are the code, 1 to 10 [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub codelen: Option<u32>,
    /// What a call costs, in credits [default: 100]
    #[arg(long, value_name = "CREDITS")]
    pub call_price: Option<u64>,
    /// The starting balance of every account, in credits [default: 1000000, 100 USD]
    #[arg(long, value_name = "CREDITS")]
    pub balance: Option<u64>,
    /// Seconds a request may take before it is answered with the code `Error` [default: 10]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub request_timeout: Option<Duration>,
    /// Seconds `credential_confirm` waits for the verify_url [default: 3]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub verify_timeout: Option<Duration>,
    /// Arm a fault, as METHOD:KIND:COUNT or METHOD:KIND (repeatable). METHOD is an API method or
    /// `*`; KIND is 502, 503, delay=MS, reset, truncate, hang, error=CODE,
    /// error=CODE,additional=JSON or raw=JSON_STRING (the exact bytes to answer with); COUNT is how
    /// many requests it hits (default: every one until cleared)
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<Fault>,
    /// Keep accounts and balances in FILE across restarts (read at start, written as they change)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The phone number to log in with. Its last two digits pick how the call ends in the demo's
    /// sandbox: 08 busy, 16 not answered, 32 error (with last_error), any other answered
    #[arg(long, default_value = "+7 (925) 688-06-36")]
    pub phone: String,
    /// Play the user without stdin: wait for the call to end, then type the code it showed. A busy
    /// or failed call ends the login unsuccessful (exit 4); an answered or unanswered one logs in
    #[arg(long)]
    pub auto: bool,
    /// The region whose national number forms --phone may be typed in
    #[arg(
        long,
        env = "LBC_REGION",
        value_name = "CC",
        default_value = "RU",
        value_parser = parse_region
    )]
    pub region: Region,
}

/// Reads `--encoding` through the SDK's own parser.
fn parse_encoding(text: &str) -> Result<Encoding, String> {
    Encoding::parse(text).map_err(|e| e.to_string())
}

/// Reads `--region` through the SDK's own parser (two letters, either case).
fn parse_region(text: &str) -> Result<Region, String> {
    text.parse().map_err(|e: lbc_core::Error| e.to_string())
}

/// Reads a number of seconds: positive, fractions allowed.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number of seconds", excerpt(text)))?;
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        _ => Err(format!(
            "`{}`: give a positive number of seconds",
            excerpt(text)
        )),
    }
}

/// Reads `name=value`, split at the first `=`; the value may be empty, the name may not.
pub fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("`{}` is not name=value", excerpt(text))),
    }
}

/// Reads `CALL_API_ID:API_KEY`, split at the first `:`; neither part may be empty.
pub fn parse_account(text: &str) -> Result<Credentials, String> {
    match text.split_once(':') {
        Some((id, key)) if !id.trim().is_empty() && !key.trim().is_empty() => Ok(Credentials {
            call_api_id: id.to_owned(),
            api_key: key.to_owned(),
        }),
        _ => Err("expected CALL_API_ID:API_KEY, both parts non-empty".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pairs_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_pair("nonce=n&o=n ce+/").unwrap(),
            ("nonce".into(), "n&o=n ce+/".into())
        );
        assert_eq!(
            parse_pair("ip_address=").unwrap(),
            ("ip_address".into(), String::new())
        );
        assert!(parse_pair("=x").is_err());
        assert!(parse_pair("novalue").is_err());
    }

    #[test]
    fn accounts_need_both_parts() {
        let account = parse_account("id:k:ey").unwrap();
        assert_eq!(
            (account.call_api_id.as_str(), account.api_key.as_str()),
            ("id", "k:ey")
        );
        for bad in ["nocolon", ":key", "id:", " : "] {
            assert!(parse_account(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        for bad in ["0", "-1", "soon", "NaN"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refusals_quote_only_an_excerpt() {
        let long = "9".repeat(100_000);
        for message in [
            parse_pair(&long).unwrap_err(),
            parse_seconds(&format!("x{long}")).unwrap_err(),
            parse_seconds(&format!("-{long}")).unwrap_err(),
            parse_region(&long).unwrap_err(),
        ] {
            assert!(message.len() < 200, "{} bytes", message.len());
        }
    }

    #[test]
    fn regions_are_two_letters_in_either_case() {
        assert_eq!(parse_region("ru").unwrap(), Region::RU);
        assert_eq!(parse_region("KZ").unwrap().as_str(), "KZ");
        for bad in ["", "RUS", "XX", "1"] {
            assert!(parse_region(bad).is_err(), "{bad}");
        }
        if std::env::var_os("LBC_REGION").is_none() {
            let cli = Cli::try_parse_from(["lbc", "status"]).unwrap();
            let opts = cli
                .command
                .client_opts()
                .expect("status talks to the service");
            assert_eq!(opts.region, Region::RU);
        }
    }

    #[test]
    fn connection_options_belong_to_the_commands_that_connect() {
        let parsed =
            Cli::try_parse_from(["lbc", "balance", "--call-api-id", "x", "--retries", "0"]);
        let cli = parsed.expect("balance takes connection options");
        assert_eq!(
            cli.command.client_opts().unwrap().call_api_id.as_deref(),
            Some("x")
        );
        for args in [
            ["lbc", "sandbox", "--call-api-id", "x"],
            ["lbc", "demo", "--base-url", "http://h/"],
            ["lbc", "sign", "--encoding", "form"],
            ["lbc", "profiles", "--proxy", "http://h:1"],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn pay_takes_credits_or_dollars_but_not_both() {
        let cli = Cli::try_parse_from(["lbc", "pay", "--usd", "5.00"]).unwrap();
        let Command::Pay(pay) = cli.command else {
            panic!("pay")
        };
        assert_eq!(pay.credits(), 50_000);
        assert!(Cli::try_parse_from(["lbc", "pay"]).is_err());
        assert!(Cli::try_parse_from(["lbc", "pay", "--usd", "5", "--amount", "50000"]).is_err());
        assert!(Cli::try_parse_from(["lbc", "pay", "--amount", "1", "--locale", "de"]).is_err());
        assert!(Cli::try_parse_from(["lbc", "pay", "--amount", "1", "--locale", "ru"]).is_ok());
    }
}
