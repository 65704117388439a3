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
mod sign_cmd;
mod term;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, SignArgs};
use crate::commands::{api, request};
use crate::exit::{Exit, Failure};
use crate::output::Output;

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Demo(args) => return demo::run(args),
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
            "lbc: note: `{name}` is not signed by `{}`; left out",
            args.method
        );
    }
    output::line(&line)
}
