//! The little terminal UI of `lbc demo`: a spinner, colours, the virtual phone. It writes on stdout,
//! or on stderr when stdout carries JSON; plain text, with no animation and no ANSI codes, when that
//! stream is not a terminal.

use std::io::{IsTerminal, Write};

/// The spinner's frames.
const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Where the UI goes, and whether that is an interactive terminal.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    /// The stream is a terminal: animate and colour.
    pub tty: bool,
    /// Write on stderr (stdout is kept for JSON).
    pub stderr: bool,
}

impl Term {
    /// The UI on stdout, or on stderr when `stderr`; looks at whether that stream is a terminal.
    pub fn detect(stderr: bool) -> Term {
        let tty = if stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        Term { tty, stderr }
    }

    /// Prints a line (and flushes); a closed stream is ignored, the demo carries on.
    pub fn say(self, text: &str) {
        self.write(&format!("{text}\n"));
    }

    /// Prints `text` without a newline (a question), flushed.
    pub fn ask(self, text: &str) {
        self.write(text);
    }

    fn write(self, text: &str) {
        if self.stderr {
            let mut stream = std::io::stderr().lock();
            let _ = stream.write_all(text.as_bytes());
            let _ = stream.flush();
        } else {
            let mut stream = std::io::stdout().lock();
            let _ = stream.write_all(text.as_bytes());
            let _ = stream.flush();
        }
    }

    /// `text` in green (success), on a terminal.
    pub fn good(self, text: &str) -> String {
        self.paint("32;1", text)
    }

    /// `text` in red (failure), on a terminal.
    pub fn bad(self, text: &str) -> String {
        self.paint("31;1", text)
    }

    /// `text` in bold, on a terminal.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// `text` wrapped in the SGR sequence `sgr`, on a terminal.
    fn paint(self, sgr: &str, text: &str) -> String {
        if self.tty {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Starts a spinner in front of `text` (off a terminal: prints `text` once).
    pub fn spinner(self, text: &str) -> Spinner {
        let spinner = Spinner {
            term: self,
            text: text.to_owned(),
            frame: 0,
        };
        if self.tty {
            spinner.draw();
        } else {
            self.say(text);
        }
        spinner
    }
}

/// A one-line spinner; see [`Term::spinner`].
#[derive(Debug)]
pub struct Spinner {
    /// Where it draws.
    term: Term,
    /// What it spins in front of.
    text: String,
    /// The current frame.
    frame: usize,
}

impl Spinner {
    /// Advances the animation by one frame.
    pub fn tick(&mut self) {
        self.frame = (self.frame + 1) % FRAMES.len();
        if self.term.tty {
            self.draw();
        }
    }

    /// Stops the animation, leaving the text on its own line.
    pub fn finish(self) {
        if self.term.tty {
            self.term.say(&format!("\r\x1b[2K{}", self.text));
        }
    }

    /// Redraws the line.
    fn draw(&self) {
        self.term
            .ask(&format!("\r{} {}", FRAMES[self.frame], self.text));
    }
}

/// The virtual phone's screen: whose phone it is, and who is calling.
pub fn phone_screen(owner: &str, caller: &str) -> String {
    let title = format!(" your phone {owner} ");
    let body = format!(" 📞 Incoming call from {caller} ");
    let inner = width(&body).max(width(&title) + 2) + 2;
    let top_rule = "─".repeat(inner - width(&title) - 1);
    let padding = " ".repeat(inner - width(&body));
    format!(
        "  ╭─{title}{top_rule}╮\n  │{body}{padding}│\n  ╰{}╯",
        "─".repeat(inner)
    )
}

/// Display columns of `text`: emoji count two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if (c as u32) >= 0x1F300 { 2 } else { 1 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phone_screen_is_a_closed_box() {
        let screen = phone_screen("+79256880636", "+79251234567");
        let widths: Vec<usize> = screen.lines().map(width).collect();
        assert_eq!(widths.len(), 3);
        assert!(
            widths.iter().all(|w| *w == widths[0]),
            "{screen}\n{widths:?}"
        );
        assert!(screen.contains("📞 Incoming call from +79251234567"));
    }

    #[test]
    fn no_ansi_codes_off_a_terminal() {
        let plain = Term {
            tty: false,
            stderr: false,
        };
        assert_eq!(plain.good("ok"), "ok");
        let tty = Term {
            tty: true,
            stderr: true,
        };
        assert!(tty.good("ok").contains('\x1b'));
    }
}
