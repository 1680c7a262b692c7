//! Where a workspace lives on disk.

use std::path::{Path, PathBuf};

use crate::error::CoreError;

/// Environment variable that overrides the default data directory.
pub const HOME_ENV: &str = "FABRIC_HA_HOME";

/// Folder name of the workspace inside the OS application-data directory.
const APP_FOLDER: &str = "fabric-ha";

/// The workspace folder: `explicit` (from `--data-dir`) wins, then `FABRIC_HA_HOME`, then the
/// OS application-data directory (`~/.local/share/fabric-ha` on Linux,
/// `~/Library/Application Support/fabric-ha` on macOS, `%APPDATA%\fabric-ha` on Windows).
///
/// The desktop app and the CLI resolve it the same way, so both work on one workspace.
pub fn resolve_data_dir(explicit: Option<PathBuf>) -> Result<PathBuf, CoreError> {
    if let Some(dir) = explicit {
        return non_empty(dir, "--data-dir");
    }
    if let Some(dir) = std::env::var_os(HOME_ENV) {
        return non_empty(PathBuf::from(dir), HOME_ENV);
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().join(APP_FOLDER))
        .ok_or_else(|| CoreError::InvalidInput {
            field: HOME_ENV.into(),
            reason:
                "no home directory is known for this user; set FABRIC_HA_HOME or pass --data-dir"
                    .into(),
        })
}

fn non_empty(dir: PathBuf, source: &str) -> Result<PathBuf, CoreError> {
    if dir.as_os_str().is_empty() {
        return Err(CoreError::InvalidInput {
            field: source.into(),
            reason: "the data directory must not be empty".into(),
        });
    }
    Ok(dir)
}

/// Folder of the rotating log files of a workspace.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn explicit_dir_wins_and_empty_is_refused() {
        let dir = resolve_data_dir(Some(PathBuf::from("/tmp/x"))).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/x"));
        let err = resolve_data_dir(Some(PathBuf::new())).unwrap_err();
        assert!(err.to_string().contains("--data-dir"), "{err}");
    }

    #[test]
    fn log_dir_is_inside_the_workspace() {
        assert_eq!(log_dir(Path::new("/w")), PathBuf::from("/w/logs"));
    }
}
