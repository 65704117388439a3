//! Reading a line from the user: a secret with the terminal's echo turned off (`stty -echo`, so no
//! dependency), or from a pipe as it comes.

use std::io::{BufRead, IsTerminal, Write};
use std::process::{Command, Stdio};

use crate::exit::Failure;

/// Reads one line from stdin: on a terminal after printing `question` on stderr, with echo on
/// (`secret` false) or off (`secret` true); from a pipe without a question. The line ending is removed.
///
/// A secret is never read from a terminal whose echo could not be turned off.
pub fn line(question: &str, secret: bool) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return read_line();
    }
    if !secret {
        ask(question);
        return read_line();
    }
    // Echo off before the question: whatever is typed once it shows is not echoed.
    if !stty("-echo") {
        return Err(Failure::usage(
            "cannot turn off the terminal's echo (stty failed): pipe the key on stdin instead",
        ));
    }
    // Ctrl-C while the echo is off must not leave the terminal without it.
    let _ = ctrlc::set_handler(|| {
        stty("echo");
        eprintln!();
        std::process::exit(130);
    });
    ask(question);
    let line = read_line();
    stty("echo");
    eprintln!();
    line
}

/// Prints the question on stderr.
fn ask(question: &str) {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
}

/// One line from stdin, without its line ending; end of input before any character is refused.
fn read_line() -> Result<String, Failure> {
    let mut line = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(Failure::io("reading stdin"))?;
    if read == 0 {
        return Err(Failure::usage("no input: stdin ended before a line"));
    }
    let end = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(end);
    Ok(line)
}

/// Runs `stty SETTING` on the terminal that is stdin; whether it worked.
fn stty(setting: &str) -> bool {
    Command::new("stty")
        .arg(setting)
        .stdin(Stdio::inherit())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
