//! Profiles stored by `lbc login`: a call-api-id, its api-key and optionally a base URL, by name, in
//! `$XDG_CONFIG_HOME/loginbycall/profiles.json` (or `~/.config/loginbycall/profiles.json`), a file only
//! its owner may read or write.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use lbc_core::protocol::excerpt;
use serde::{Deserialize, Serialize};

use crate::exit::Failure;

/// The profile used when none is named.
pub const DEFAULT: &str = "default";
/// The file's name in the configuration directory.
const FILE_NAME: &str = "profiles.json";

/// One stored account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The account's call-api-id.
    pub call_api_id: String,
    /// The account's api-key.
    pub api_key: String,
    /// The API root, when the profile is for another than the service's own (e.g. a sandbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("call_api_id", &self.call_api_id)
            .field("api_key", &"<redacted>")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The whole file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Profiles {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// The profiles file's path: under `$XDG_CONFIG_HOME` when it is set to an absolute path, else under
/// `$HOME/.config`; `None` when neither is known.
pub fn path() -> Option<PathBuf> {
    let from = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = from("XDG_CONFIG_HOME").or_else(|| from("HOME").map(|home| home.join(".config")))?;
    Some(base.join("loginbycall").join(FILE_NAME))
}

/// The profiles file's path, or a usage failure saying why there is none.
pub fn required_path() -> Result<PathBuf, Failure> {
    path().ok_or_else(|| {
        Failure::usage(
            "no configuration directory: set XDG_CONFIG_HOME or HOME to an absolute path",
        )
    })
}

/// Checks a profile name: 1 to 64 letters, digits, `-`, `_` or `.`.
pub fn check_name(name: &str) -> Result<(), Failure> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "`{}` is not a profile name (1 to 64 letters, digits, `-`, `_`, `.`)",
            excerpt(name)
        )))
    }
}

/// Reads the file at `path`; a missing file is no profiles. Warns on stderr when the file may be
/// read by other users.
pub fn load(path: &Path) -> Result<Profiles, Failure> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Profiles::default());
        }
        Err(error) => {
            return Err(Failure::Io(format!("reading {}", path.display()), error));
        }
    };
    warn_if_shared(path);
    serde_json::from_str(&text).map_err(|error| {
        Failure::usage(format!(
            "{} is not a profiles file ({error}); remove it and run `lbc login` again",
            path.display()
        ))
    })
}

/// Writes `profiles` to `path` (mode 0600, its directory 0700 when created), replacing the file in
/// one rename so that a crash never leaves half a file.
pub fn save(path: &Path, profiles: &Profiles) -> Result<(), Failure> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(Failure::io(format!("creating {}", dir.display())))?;
    let temporary = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    let text = serde_json::to_string_pretty(profiles)
        .map_err(|e| Failure::Io("encoding the profiles".into(), std::io::Error::other(e)))?;
    let written =
        write_private(&temporary, text.as_bytes()).and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(Failure::Io(format!("writing {}", path.display()), error));
    }
    Ok(())
}

/// The profile to use: the named one (which must exist), or else the default one if stored.
pub fn select(name: Option<&str>) -> Result<Option<Profile>, Failure> {
    if let Some(name) = name {
        check_name(name)?;
    }
    let Some(path) = path() else {
        return match name {
            Some(_) => required_path().map(|_| None),
            None => Ok(None),
        };
    };
    let mut profiles = load(&path)?;
    match name {
        None => Ok(profiles.profiles.remove(DEFAULT)),
        Some(name) => match profiles.profiles.remove(name) {
            Some(profile) => Ok(Some(profile)),
            None => Err(Failure::usage(format!(
                "no profile `{name}` in {}: store one with `lbc login --profile {name}`",
                path.display()
            ))),
        },
    }
}

/// Prints a warning when the file's mode lets other users read or write it.
#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!(
                "lbc: warning: {} holds api-keys but other users may read it (mode {mode:04o}): \
                 run `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path) {}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

/// Writes a new file readable and writable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_and_plain() {
        for good in ["default", "sandbox-1", "prod.eu", "a_b"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "../x", "a/b", "ключ", &"n".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let profile = Profile {
            call_api_id: "id".into(),
            api_key: "TOPSECRETKEY".into(),
            base_url: None,
        };
        assert!(!format!("{profile:?}").contains("TOPSECRETKEY"));
    }
}
