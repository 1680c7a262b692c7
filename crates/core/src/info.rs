//! What the app knows about itself and its workspace.

use serde::Serialize;
use ts_rs::TS;

use crate::library::LibraryItem;
use crate::{CoreError, Settings, Workspace};

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
    /// Whether to show the first-run screen: not dismissed yet, and the workspace holds no
    /// console, library file or plan (one the CLI filled is not new).
    pub first_run: bool,
}

/// What the first page shows, read once as the window is created and handed to the page with
/// it, so the page can render without waiting for three IPC round trips (whose answers, at
/// startup, queue behind the window's own set-up on the main thread).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StartupData {
    /// As `app_info` answers.
    pub info: AppInfo,
    /// As `get_settings` answers.
    pub settings: Settings,
    /// As `library_list` answers.
    pub library: Vec<LibraryItem>,
}

/// The global the start-up script sets, read (and deleted) by the UI's `startup.ts`.
pub const STARTUP_GLOBAL: &str = "__FHD_STARTUP__";

impl StartupData {
    /// Reads the start page's data from an open workspace.
    pub fn read(workspace: &Workspace) -> Result<StartupData, CoreError> {
        Ok(StartupData {
            info: workspace.info()?,
            settings: workspace.settings()?,
            library: workspace.library()?,
        })
    }

    /// A script that sets `window.__FHD_STARTUP__` to this data before the page's own scripts
    /// run, on a page of one of `origins` only (the app's own). The JSON travels as a string
    /// literal given to `JSON.parse`: whatever the paths or names contain, it cannot end the
    /// literal or run as code.
    pub fn init_script(&self, origins: &[String]) -> Result<String, CoreError> {
        let internal = |e: serde_json::Error| CoreError::Internal(format!("start-up data: {e}"));
        let json = serde_json::to_string(self).map_err(internal)?;
        Ok(format!(
            "if ({}.includes(window.location.origin)) window.{STARTUP_GLOBAL} = JSON.parse({});",
            serde_json::to_string(origins).map_err(internal)?,
            serde_json::to_string(&json).map_err(internal)?
        ))
    }
}
