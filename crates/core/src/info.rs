//! What the app knows about itself and its workspace.

use serde::Serialize;
use ts_rs::TS;

/// How the workspace's secrets are protected right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SecretsState {
    /// Unlocked with the master key kept in the OS keyring.
    Keyring,
    /// Unlocked with a key derived from the user's passphrase.
    Passphrase,
    /// A passphrase is needed (no keyring here, or the workspace uses a passphrase).
    Locked,
    /// No secret was stored yet and no key was created.
    Uninitialized,
}

/// What the app knows about itself and its workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    /// Version of this build.
    pub version: String,
    /// Workspace folder.
    pub data_dir: String,
    /// SQLite file of the workspace.
    pub database_path: String,
    /// Folder of the rotating log files.
    pub log_dir: String,
    /// Schema version of the workspace database.
    pub schema_version: u32,
    /// How secrets are protected.
    pub secrets: SecretsState,
    /// Whether to show the first-run screen.
    pub first_run: bool,
}
