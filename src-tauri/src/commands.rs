//! The IPC surface: one thin function per command, each delegating to `fabric-ha-core`.
//! No business logic lives here; errors cross as `{code, message, details}`.

use std::sync::Arc;
use std::time::Instant;

use std::path::PathBuf;

use fabric_ha_core::ca::{
    CaAssociationInput, CaEnrollInput, CaInfoView, CaRegisterInput, CaRegistered, CaTarget, CaUser,
};
use fabric_ha_core::consoles::{
    ConnectionVerdict, ConsoleComponents, ConsoleImportReport, ConsoleInput, ConsoleSummary,
};
use fabric_ha_core::library::{self, ExportFormat, ImportReport, LibraryItem};
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
    blocking(move || Ok(doctor::run(&dir))).await
}

/// Unlocks secrets with the passphrase the user typed.
#[tauri::command]
pub async fn unlock_secrets(
    state: State<'_, AppState>,
    passphrase: Sensitive<String>,
) -> Result<AppInfo> {
    // Key derivation is deliberately slow: keep it off the IPC thread.
    let ws = state.workspace.workspace()?;
    blocking(move || ws.unlock(passphrase)).await
}

/// The UI has painted its first page, `page_ms` after the page started loading.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, page_ms: f64) {
    let ms = state.started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(ms, page_ms, "ui ready");
    crate::report_ready(ms);
}

/// Runs blocking core work off the IPC thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::result::Result<T, CoreError> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| IpcError::from(CoreError::Internal(e.to_string())))?
        .map_err(IpcError::from)
}

/// Every artifact of the local library.
#[tauri::command]
pub async fn library_list(state: State<'_, AppState>) -> Result<Vec<LibraryItem>> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.library()).await
}

/// Imports files dropped on the window.
#[tauri::command]
pub async fn library_import_paths(
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
) -> Result<ImportReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.import_paths(&paths)).await
}

/// Asks for console files with the native open dialog, then imports them; `None` if cancelled.
#[tauri::command]
pub async fn library_import_dialog(state: State<'_, AppState>) -> Result<Option<ImportReport>> {
    let ws = state.workspace.workspace()?;
    let Some(paths) = crate::dialogs::pick_console_files().await else {
        return Ok(None);
    };
    blocking(move || ws.import_paths(&paths)).await.map(Some)
}

/// Exports `ids` (everything when empty) through the native save dialog, as one console file
/// or a bulk zip (`format`); the path written, or `None` if cancelled.
#[tauri::command]
pub async fn library_export_dialog(
    state: State<'_, AppState>,
    ids: Vec<String>,
    include_private_keys: bool,
    format: ExportFormat,
) -> Result<Option<String>> {
    let ws = state.workspace.workspace()?;
    // Build first: a refused export (no confirmation for keys) never opens the dialog.
    let export = blocking(move || ws.export(&ids, include_private_keys, format)).await?;
    let Some(path) = crate::dialogs::save_as(&export.file_name).await else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    blocking(move || library::write_export(&path, &export)).await?;
    tracing::info!(path = %shown, "exported");
    Ok(Some(shown))
}

/// Removes artifacts from the library; how many there were.
#[tauri::command]
pub async fn library_remove(state: State<'_, AppState>, ids: Vec<String>) -> Result<usize> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.remove_artifacts(&ids)).await
}

/// Every registered console.
#[tauri::command]
pub async fn console_list(state: State<'_, AppState>) -> Result<Vec<ConsoleSummary>> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.consoles()).await
}

/// Registers a console (a user name and password create an API key, stored instead).
#[tauri::command]
pub async fn console_add(
    state: State<'_, AppState>,
    input: ConsoleInput,
) -> Result<ConsoleSummary> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.add_console(input)).await
}

/// Changes a console's settings (`auth: null` keeps the stored credentials).
#[tauri::command]
pub async fn console_update(
    state: State<'_, AppState>,
    name: String,
    input: ConsoleInput,
) -> Result<ConsoleSummary> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.update_console(&name, input)).await
}

/// Removes a console and its stored secret.
#[tauri::command]
pub async fn console_remove(state: State<'_, AppState>, name: String) -> Result<()> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.remove_console(&name)).await
}

/// Tests a console's connection and key; the verdict is stored.
#[tauri::command]
pub async fn console_test(state: State<'_, AppState>, name: String) -> Result<ConnectionVerdict> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.test_console(&name)).await
}

/// A console's tiles (cached 20 s).
#[tauri::command]
pub async fn console_components(
    state: State<'_, AppState>,
    name: String,
) -> Result<ConsoleComponents> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.console_components(&name)).await
}

/// Exports components of a console into the local library.
#[tauri::command]
pub async fn console_export_to_library(
    state: State<'_, AppState>,
    name: String,
    component_ids: Vec<String>,
) -> Result<ImportReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.console_export_to_library(&name, &component_ids)).await
}

/// Exports one component of a console through the native save dialog, proposing the
/// console's file name; the path written, or `None` if cancelled.
#[tauri::command]
pub async fn console_export_dialog(
    state: State<'_, AppState>,
    name: String,
    component_id: String,
) -> Result<Option<String>> {
    let ws = state.workspace.workspace()?;
    // Build first: a component that cannot be exported never opens the dialog.
    let export = blocking(move || ws.console_export(&name, &component_id)).await?;
    let Some(path) = crate::dialogs::save_as(&export.file_name).await else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    blocking(move || library::write_export(&path, &export)).await?;
    tracing::info!(path = %shown, "exported from a console");
    Ok(Some(shown))
}

/// Imports library artifacts into a console, never as duplicates.
#[tauri::command]
pub async fn console_import(
    state: State<'_, AppState>,
    name: String,
    artifact_ids: Vec<String>,
) -> Result<ConsoleImportReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.console_import(&name, &artifact_ids)).await
}

/// `cainfo` of a CA (a library CA or a URL with its TLS certificate).
#[tauri::command]
pub async fn ca_info(state: State<'_, AppState>, target: CaTarget) -> Result<CaInfoView> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_info(&target)).await
}

/// Enrolls at a CA into a new wallet identity.
#[tauri::command]
pub async fn ca_enroll(state: State<'_, AppState>, input: CaEnrollInput) -> Result<LibraryItem> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_enroll(input)).await
}

/// Registers an identity at a CA; the secret stays in the workspace (never sent to the window).
#[tauri::command]
pub async fn ca_register(
    state: State<'_, AppState>,
    input: CaRegisterInput,
) -> Result<CaRegistered> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_register(input).map(|r| CaRegistered::from(&r))).await
}

/// The identities registered at a CA (the registrar defaults to the associated identity).
#[tauri::command]
pub async fn ca_identities(
    state: State<'_, AppState>,
    target: CaTarget,
    registrar: Option<String>,
) -> Result<Vec<CaUser>> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_identities(&target, registrar.as_deref())).await
}

/// Associates an identity with a library CA (enroll, or pick from the wallet).
#[tauri::command]
pub async fn ca_associate(
    state: State<'_, AppState>,
    ca: String,
    how: CaAssociationInput,
) -> Result<LibraryItem> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_associate(&ca, how)).await
}

/// The wallet identity associated with a library CA, if any.
#[tauri::command]
pub async fn ca_association(state: State<'_, AppState>, ca: String) -> Result<Option<LibraryItem>> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_association(&ca)).await
}

/// Copies components from one console to another, never as duplicates.
#[tauri::command]
pub async fn console_copy(
    state: State<'_, AppState>,
    from: String,
    to: String,
    component_ids: Vec<String>,
) -> Result<ConsoleImportReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.console_copy(&from, &to, &component_ids)).await
}
