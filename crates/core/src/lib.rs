//! The Fabric HA Desktop core.
//!
//! One library API, called by both the desktop shell (`src-tauri`) and the `fabric-ha` CLI, so
//! that everything the window can do is reachable from a terminal and from tests without a
//! window. Nothing here depends on Tauri.

pub mod bundles;
pub mod ca;
pub mod certs;
pub mod consoles;
pub mod doctor;
pub mod error;
pub mod fabric;
pub mod info;
pub mod library;
pub mod logging;
pub mod paths;
pub mod plans;
pub mod runlock;
pub mod sandbox;
pub mod settings;
pub mod workspace;

pub use doctor::{CheckStatus, DoctorCheck, DoctorReport};
pub use error::{CoreError, ErrorCode, IpcError};
pub use fabric_ha_sensitive::Sensitive;
pub use info::{AppInfo, SecretsState, StartupData};
pub use settings::{Language, Settings};
pub use workspace::{OpenOptions, Workspace};

/// The version of this build, shared by the app, the CLI and the workspace records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
