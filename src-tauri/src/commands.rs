//! The IPC surface: one thin function per command, each delegating to `fabric-ha-core`.
//! No business logic lives here; errors cross as `{code, message, details}`.

use std::sync::Arc;
use std::time::Instant;

use fabric_ha_core::{doctor, AppInfo, CoreError, DoctorReport, IpcError, Sensitive, Settings};
use tauri::State;

use crate::opening::Opening;

/// Shared state of the window: the workspace (perhaps still opening) and the process start.
pub struct AppState {
    /// The workspace the window works on.
    pub workspace: Arc<Opening>,
    /// Process start, for the readiness figure.
    pub started: Instant,
}

type Result<T> = std::result::Result<T, IpcError>;

/// What the app knows about itself and its workspace.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo> {
    Ok(state.workspace.workspace()?.info()?)
}

/// The stored preferences.
#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    Ok(state.workspace.workspace()?.settings()?)
}

/// Validates and stores the preferences.
#[tauri::command]
pub fn update_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings> {
    Ok(state.workspace.workspace()?.update_settings(settings)?)
}

/// The host checks of `fabric-ha doctor`.
#[tauri::command]
pub async fn doctor(state: State<'_, AppState>) -> Result<DoctorReport> {
    let dir = state.workspace.workspace()?.data_dir().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || doctor::run(&dir))
        .await
        .map_err(|e| IpcError::from(CoreError::Internal(e.to_string())))
}

/// Unlocks secrets with the passphrase the user typed.
#[tauri::command]
pub async fn unlock_secrets(
    state: State<'_, AppState>,
    passphrase: Sensitive<String>,
) -> Result<AppInfo> {
    // Key derivation is deliberately slow: keep it off the IPC thread.
    let ws = state.workspace.workspace()?;
    tauri::async_runtime::spawn_blocking(move || ws.unlock(passphrase))
        .await
        .map_err(|e| IpcError::from(CoreError::Internal(e.to_string())))?
        .map_err(IpcError::from)
}

/// The UI has painted its first page, `page_ms` after the page started loading.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, page_ms: f64) {
    let ms = state.started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(ms, page_ms, "ui ready");
    crate::report_ready(ms);
}
