//! PLACEHOLDER: the `lbc` command (being implemented).
#![forbid(unsafe_code)]

fn main() {
    eprintln!("lbc: not built yet");
    std::process::exit(2);
}
