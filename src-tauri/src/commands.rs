//! The IPC surface: one thin function per command, each delegating to `fabric-ha-core`.
//! No business logic lives here; errors cross as `{code, message, details}`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use std::path::PathBuf;

use fabric_ha_core::ca::{
    CaAssociationInput, CaEnrollInput, CaInfoView, CaRegisterInput, CaRegistered, CaTarget, CaUser,
};
use fabric_ha_core::consoles::{
    ConnectionVerdict, ConsoleComponents, ConsoleImportReport, ConsoleInput, ConsoleSummary,
};
use fabric_ha_core::library::{self, ExportFormat, ImportReport, LibraryItem};
use fabric_ha_core::plans::engine::journal::PlanRecord;
use fabric_ha_core::plans::engine::{ApplyOptions, CancellationToken, Preview};
use fabric_ha_core::plans::{
    PlanCreateInput, PlanExportKind, PlanFinished, PlanProgressUpdate, PlanReportView, PlanStatus,
};
use fabric_ha_core::{doctor, AppInfo, CoreError, DoctorReport, IpcError, Sensitive, Settings};
use tauri::{AppHandle, Emitter, State};

use crate::opening::Opening;

/// Shared state of the window: the workspace (perhaps still opening) and the process start.
pub struct AppState {
    /// The workspace the window works on.
    pub workspace: Arc<Opening>,
    /// Process start, for the readiness figure.
    pub started: Instant,
    /// Plans running in this window, by name, with the token that cancels each.
    pub runs: Arc<Mutex<HashMap<String, CancellationToken>>>,
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

/// Event with every step update of a running plan ([`PlanProgressUpdate`]).
pub const PLAN_PROGRESS_EVENT: &str = "plan://progress";
/// Event at the end of a run ([`PlanFinished`]).
pub const PLAN_FINISHED_EVENT: &str = "plan://finished";

/// Every saved plan.
#[tauri::command]
pub async fn plan_list(state: State<'_, AppState>) -> Result<Vec<PlanRecord>> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.plans()).await
}

/// Names of the plans running in this window now.
#[tauri::command]
pub fn plan_running(state: State<'_, AppState>) -> Vec<String> {
    let runs = state.runs.lock().unwrap_or_else(PoisonError::into_inner);
    let mut names: Vec<String> = runs.keys().cloned().collect();
    names.sort();
    names
}

/// One plan.
#[tauri::command]
pub async fn plan_get(state: State<'_, AppState>, name: String) -> Result<PlanRecord> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.plan(&name)).await
}

/// Saves a new plan (and the registrar's secret, encrypted).
#[tauri::command]
pub async fn plan_create(state: State<'_, AppState>, input: PlanCreateInput) -> Result<PlanRecord> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.plan_new(input.plan, input.registrar_secret)).await
}

/// The dry run against the consoles as they are now.
#[tauri::command]
pub async fn plan_preview(state: State<'_, AppState>, name: String) -> Result<Preview> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.plan_preview(&name)).await
}

/// Starts applying (or resuming) a plan and returns at once; updates arrive as
/// [`PLAN_PROGRESS_EVENT`], the end as [`PLAN_FINISHED_EVENT`].
#[tauri::command]
pub async fn plan_apply(app: AppHandle, state: State<'_, AppState>, name: String) -> Result<()> {
    let ws = state.workspace.workspace()?;
    let cancel = CancellationToken::new();
    {
        let mut runs = state.runs.lock().unwrap_or_else(PoisonError::into_inner);
        if runs.contains_key(&name) {
            return Err(CoreError::InvalidInput {
                field: "name".into(),
                reason: format!("plan {name:?} is already running"),
            }
            .into());
        }
        runs.insert(name.clone(), cancel.clone());
    }
    let runs = Arc::clone(&state.runs);
    tauri::async_runtime::spawn_blocking(move || {
        let progress_app = app.clone();
        let plan = name.clone();
        let options = ApplyOptions {
            cancel,
            ..ApplyOptions::default()
        };
        let result = ws.plan_apply_observed(&name, options, move |progress| {
            let update = PlanProgressUpdate {
                plan: plan.clone(),
                progress,
            };
            if let Err(e) = progress_app.emit(PLAN_PROGRESS_EVENT, update) {
                tracing::warn!(error = %e, "progress event not delivered");
            }
        });
        runs.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&name);
        let finished = match result {
            Ok(outcome) => PlanFinished {
                plan: name,
                outcome: Some(outcome),
                error: None,
            },
            Err(e) => PlanFinished {
                plan: name,
                outcome: None,
                error: Some(e.into()),
            },
        };
        if let Err(e) = app.emit(PLAN_FINISHED_EVENT, finished) {
            tracing::warn!(error = %e, "finished event not delivered");
        }
    });
    Ok(())
}

/// Cancels a running plan; false when it was not running in this window.
#[tauri::command]
pub fn plan_cancel(state: State<'_, AppState>, name: String) -> bool {
    let runs = state.runs.lock().unwrap_or_else(PoisonError::into_inner);
    match runs.get(&name) {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}

/// The plan and the journal state of every step.
#[tauri::command]
pub async fn plan_status(state: State<'_, AppState>, name: String) -> Result<PlanStatus> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.plan_status(&name)).await
}

/// The report, as data and Markdown.
#[tauri::command]
pub async fn plan_report(state: State<'_, AppState>, name: String) -> Result<PlanReportView> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.plan_report_view(&name)).await
}

/// Saves the plan file or its report through the native save dialog; the path written, or
/// `None` if cancelled.
#[tauri::command]
pub async fn plan_export_dialog(
    state: State<'_, AppState>,
    name: String,
    kind: PlanExportKind,
) -> Result<Option<String>> {
    let ws = state.workspace.workspace()?;
    let export = blocking(move || ws.plan_export(&name, kind)).await?;
    let Some(path) = crate::dialogs::save_as(&export.file_name).await else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    blocking(move || {
        std::fs::write(&path, export.text.as_bytes())
            .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", path.display())))
    })
    .await?;
    tracing::info!(path = %shown, "plan exported");
    Ok(Some(shown))
}
