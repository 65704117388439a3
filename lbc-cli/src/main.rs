//! `lbc`: the LoginByCall command-line tool. See `lbc --help`, and the exit codes in [`exit`].
#![forbid(unsafe_code)]

mod args;
mod commands;
mod connect;
mod demo;
mod exit;
mod output;
mod pairs;
mod render;
mod sandbox_cmd;
mod sanitize;
mod sign_cmd;
mod term;

use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue};
use lbc_protocol::excerpt;

use crate::args::{Cli, Command, SignArgs};
use crate::commands::{api, request};
use crate::exit::{Exit, Failure};
use crate::output::Output;

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|error| shorten(error).exit());
    let json = cli.global.json;
    match run(cli) {
        Ok(()) => Exit::Ok.into(),
        Err(failure) => {
            failure.report(json);
            failure.exit().into()
        }
    }
}

/// Runs the chosen subcommand.
fn run(cli: Cli) -> Result<(), Failure> {
    let out = Output {
        json: cli.global.json,
    };
    let client = || connect::client(&cli.global);
    let rendered = match &cli.command {
        Command::Sign(args) => return sign(args),
        Command::Sandbox(args) => return sandbox_cmd::run(args),
        Command::Demo(args) => return demo::run(args, cli.global.region),
        Command::Register(args) => api::register(&client()?, args)?,
        Command::Status => api::status(&client()?)?,
        Command::ServerStatus => api::server_status(&client()?)?,
        Command::Options(args) => api::options(&client()?, args)?,
        Command::Balance => api::balance(&client()?)?,
        Command::Pay(args) => api::pay(&client()?, args)?,
        Command::ChangeCredential(args) => api::change_credential(&client()?, args)?,
        Command::CredentialConfirm => api::credential_confirm(&client()?)?,
        Command::Call(args) => api::call(&client()?, args)?,
        Command::CallStatus(args) => api::call_status(&client()?, args)?,
        Command::CallHangup(args) => api::call_hangup(&client()?, args)?,
        Command::Request(args) => request::run(&client()?, args)?,
    };
    out.print(&rendered)
}

/// `lbc sign`: the line on stdout, a note on stderr for each parameter the method does not sign.
fn sign(args: &SignArgs) -> Result<(), Failure> {
    let (line, ignored) = sign_cmd::run(args)?;
    for name in ignored {
        eprintln!(
            "lbc: note: `{}` is not signed by `{}`; left out",
            excerpt(&name),
            args.method
        );
    }
    output::line(&line)
}

/// clap's error with the command-line words it quotes (a rejected value, an unknown argument or
/// subcommand) cut to an [`excerpt`], so that a 1 MB argument does not come back as a 1 MB message.
fn shorten(mut error: clap::Error) -> clap::Error {
    for kind in [
        ContextKind::InvalidValue,
        ContextKind::InvalidArg,
        ContextKind::InvalidSubcommand,
    ] {
        let short = match error.get(kind) {
            Some(ContextValue::String(text)) => ContextValue::String(excerpt(text)),
            Some(ContextValue::Strings(texts)) => {
                ContextValue::Strings(texts.iter().map(|t| excerpt(t)).collect())
            }
            _ => continue,
        };
        error.insert(kind, short);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_quote_only_an_excerpt() {
        let long = "x".repeat(100_000);
        for args in [
            vec!["lbc", long.as_str()],
            vec!["lbc", "status", long.as_str()],
            vec!["lbc", "--timeout", long.as_str(), "status"],
            vec!["lbc", "--encoding", long.as_str(), "status"],
            vec!["lbc", "sign", "balance", long.as_str()],
        ] {
            let error = Cli::try_parse_from(&args).expect_err("refused");
            assert!(error.to_string().len() > 100_000, "clap quotes it all");
            let message = shorten(error).to_string();
            assert!(
                message.len() < 2_000,
                "{} bytes: {}",
                message.len(),
                &message[..200]
            );
        }
    }
}
