//! A saved login read back from any text (`Client::resume_login`): refused on `login_state`, or
//! exactly the text a login of this client saves, whose code no empty or blank answer unlocks.
#![no_main]
#![forbid(unsafe_code)]

use std::sync::OnceLock;

use lbc_core::Client;
use libfuzzer_sys::fuzz_target;

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .call_api_id("fuzz")
            .api_key("fuzz-api-key")
            .store("memory:")
            .build()
            .expect("client")
    })
}

fuzz_target!(|text: &str| {
    let login = match client().resume_login(text) {
        Ok(login) => login,
        Err(err) => {
            assert_eq!(err.field(), Some("login_state"), "{err}");
            return;
        }
    };
    // Only the exact text this client seals is taken.
    assert_eq!(login.to_json(), text);
    assert!(login.codelen() >= 1, "codelen 0");
    let prompt = login.prompt();
    assert!(prompt.bytes().all(|b| b.is_ascii_digit()), "{prompt:?}");
    for wrong in ["", " ", "\t\r\n", "\u{a0}"] {
        let verdict = login.check(wrong).expect("the memory store does not fail");
        assert!(!verdict.is_accepted(), "{wrong:?} unlocked {text}");
    }
});
