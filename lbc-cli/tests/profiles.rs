//! `lbc login` profiles: stored readable only by the user, used by every command, overridden by flags
//! and environment variables, the key never echoed or printed.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, SandboxProcess, TempDir, lbc, run_command};

/// `lbc` with its configuration in `config`.
fn lbc_in(config: &Path) -> Command {
    let mut command = lbc();
    command.env("XDG_CONFIG_HOME", config);
    command
}

/// Runs `lbc ARGS...` with `input` on stdin.
fn run_with_input(mut command: Command, args: &[&str], input: &str) -> Run {
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lbc starts");
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    // lbc may refuse its arguments and exit before reading its input: a closed pipe is fine.
    if let Err(error) = written {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin"
        );
    }
    let output = child.wait_with_output().expect("lbc ends");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn profiles_file(config: &Path) -> PathBuf {
    config.join("loginbycall").join("profiles.json")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn login_stores_a_private_profile_that_every_command_uses() {
    let sandbox = SandboxProcess::start(&[]);
    let config = TempDir::new("profiles");
    let login = run_with_input(
        lbc_in(&config.path),
        &[
            "login",
            "--call-api-id",
            &sandbox.call_api_id,
            "--base-url",
            &sandbox.base_url,
        ],
        &format!("{}\n", sandbox.api_key),
    )
    .expect(0);
    assert!(
        login.stdout.contains("Saved profile `default`"),
        "{login:?}"
    );
    let file = profiles_file(&config.path);
    #[cfg(unix)]
    {
        assert_eq!(mode(&file), 0o600, "the profiles file is the user's only");
        assert_eq!(mode(file.parent().unwrap()), 0o700);
    }
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        stored["profiles"]["default"]["api_key"],
        sandbox.api_key.as_str()
    );

    // No flag, no variable: the default profile is the account.
    let balance = run_command(lbc_in(&config.path).args(["balance", "--json"])).expect(0);
    assert!(balance.json()["current"].as_i64().unwrap() > 0);
    let call = run_command(lbc_in(&config.path).args(["call", "79256880636", "-v"])).expect(0);

    let listed = run_command(lbc_in(&config.path).arg("profiles")).expect(0);
    assert!(listed.stdout.contains("default"), "{listed:?}");
    assert!(listed.stdout.contains(&sandbox.call_api_id), "{listed:?}");
    for output in [&login, &balance, &call, &listed] {
        assert!(
            !output.stdout.contains(&sandbox.api_key) && !output.stderr.contains(&sandbox.api_key),
            "the key was printed: {output:?}"
        );
    }
}

#[test]
fn named_profiles_are_picked_with_profile_and_overridden_by_flags() {
    let sandbox = SandboxProcess::start(&[]);
    let config = TempDir::new("named");
    run_with_input(
        lbc_in(&config.path),
        &[
            "login",
            "--profile",
            "local",
            "--call-api-id",
            &sandbox.call_api_id,
            "--base-url",
            &sandbox.base_url,
        ],
        &sandbox.api_key,
    )
    .expect(0);
    run_command(lbc_in(&config.path).args(["balance", "--profile", "local"])).expect(0);
    run_command(
        lbc_in(&config.path)
            .env("LBC_PROFILE", "local")
            .args(["balance"]),
    )
    .expect(0);
    // Without --profile, no default profile: no call-api-id.
    let none = run_command(lbc_in(&config.path).args(["balance", "--base-url", &sandbox.base_url]))
        .expect(2);
    assert!(none.stderr.contains("--call-api-id"), "{none:?}");
    // A flag overrides the profile's field: a wrong key is sent, and refused.
    let wrong = run_command(lbc_in(&config.path).args([
        "balance",
        "--profile",
        "local",
        "--api-key",
        "WRONG-KEY-0123456789",
    ]))
    .expect(1);
    assert!(wrong.stderr.contains("INVALID_SIGNATURE"), "{wrong:?}");
    let elsewhere = run_command(
        lbc_in(&config.path)
            .env(
                "LBC_BASE_URL",
                format!("http://127.0.0.1:{}/x/", common::closed_port()),
            )
            .args(["balance", "--profile", "local"]),
    )
    .expect(3);
    assert!(!elsewhere.stderr.contains(&sandbox.api_key));
    // The profile's key signs offline too.
    let signed = run_command(lbc_in(&config.path).args([
        "sign",
        "--profile",
        "local",
        "balance",
        "call-api-id=x",
        "timestamp=1",
        "nonce=n",
    ]))
    .expect(0);
    let direct = run_command(lbc().args([
        "sign",
        "--key",
        &sandbox.api_key,
        "balance",
        "call-api-id=x",
        "timestamp=1",
        "nonce=n",
    ]))
    .expect(0);
    assert_eq!(signed.stdout, direct.stdout);

    let unknown =
        run_command(lbc_in(&config.path).args(["balance", "--profile", "nope"])).expect(2);
    assert!(
        unknown.stderr.contains("lbc login --profile nope"),
        "{unknown:?}"
    );
    run_command(lbc_in(&config.path).args(["balance", "--profile", "../x"])).expect(2);

    run_command(lbc_in(&config.path).args(["logout", "--profile", "local"])).expect(0);
    run_command(lbc_in(&config.path).args(["balance", "--profile", "local"])).expect(2);
    run_command(lbc_in(&config.path).args(["logout", "--profile", "local"])).expect(2);
}

#[test]
fn login_refuses_what_it_cannot_store() {
    let config = TempDir::new("refused");
    // No call-api-id, and stdin is no terminal to ask on.
    let no_id = run_with_input(lbc_in(&config.path), &["login"], "key\n").expect(2);
    assert!(no_id.stderr.contains("--call-api-id"), "{no_id:?}");
    // No key.
    run_with_input(lbc_in(&config.path), &["login", "--call-api-id", "id"], "").expect(2);
    run_with_input(
        lbc_in(&config.path),
        &["login", "--call-api-id", "id"],
        "\n",
    )
    .expect(2);
    let spaced = run_with_input(
        lbc_in(&config.path),
        &["login", "--call-api-id", "id"],
        "SECRET PART\n",
    )
    .expect(2);
    assert!(!spaced.stderr.contains("SECRET"), "{spaced:?}");
    run_with_input(
        lbc_in(&config.path),
        &["login", "--call-api-id", "id", "--base-url", "ftp://x/"],
        "k\n",
    )
    .expect(2);
    run_with_input(
        lbc_in(&config.path),
        &["login", "--call-api-id", "id", "--profile", "a b"],
        "k\n",
    )
    .expect(2);
    assert!(!profiles_file(&config.path).exists());
}

#[cfg(unix)]
#[test]
fn a_profiles_file_others_may_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let config = TempDir::new("loose");
    run_with_input(
        lbc_in(&config.path),
        &["login", "--call-api-id", "id"],
        "k\n",
    )
    .expect(0);
    let file = profiles_file(&config.path);
    let quiet = run_command(lbc_in(&config.path).arg("profiles")).expect(0);
    assert!(!quiet.stderr.contains("warning"), "{quiet:?}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let warned = run_command(lbc_in(&config.path).arg("profiles")).expect(0);
    assert!(
        warned.stderr.contains("warning") && warned.stderr.contains("chmod 600"),
        "{warned:?}"
    );
    // Saving again makes it private again.
    run_with_input(
        lbc_in(&config.path),
        &["login", "--call-api-id", "id2", "--profile", "second"],
        "k2\n",
    )
    .expect(0);
    assert_eq!(mode(&file), 0o600);
}

/// `script` (util-linux) gives the child a pseudo-terminal: the key is typed on a terminal, and
/// whatever the terminal echoes shows up in `script`'s output.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_the_key_is_read_without_echo() {
    let available = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("skipped: no `script` to make a terminal with");
        return;
    }
    let config = TempDir::new("tty");
    let key = "TTY-SECRET-KEY-0123456789";
    let lbc_path = env!("CARGO_BIN_EXE_lbc");
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c"])
        .arg(format!("'{lbc_path}' login --call-api-id tty-id"))
        .arg("/dev/null")
        .env("XDG_CONFIG_HOME", &config.path)
        .env_remove("LBC_PROFILE")
        .env_remove("LBC_CALL_API_ID")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    // Everything the terminal shows, read as it comes; the key is typed once the question is up.
    let (shown_tx, shown_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut shown = Vec::new();
        let mut buffer = [0u8; 256];
        while let Ok(n @ 1..) = std::io::Read::read(&mut stdout, &mut buffer) {
            shown.extend_from_slice(&buffer[..n]);
            let _ = shown_tx.send(String::from_utf8_lossy(&shown).into_owned());
        }
        String::from_utf8_lossy(&shown).into_owned()
    });
    let question = "api-key for profile `default`";
    let asked = shown_rx.iter().any(|shown| shown.contains(question));
    assert!(asked, "no question on the terminal");
    stdin
        .write_all(format!("{key}\r").as_bytes())
        .expect("typing the key");
    let status = child.wait().expect("script ends");
    drop(stdin);
    let shown = reader.join().expect("reader");
    assert!(status.success(), "{shown}");
    assert!(!shown.contains(key), "the key was echoed: {shown:?}");
    let stored = std::fs::read_to_string(profiles_file(&config.path)).expect("stored");
    assert!(stored.contains(key), "{stored}");
}
