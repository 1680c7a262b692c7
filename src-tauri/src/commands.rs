//! The IPC surface: one thin function per command, each delegating to `fabric-ha-core`.
//! No business logic lives here; errors cross as `{code, message, details}`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use std::path::PathBuf;

use fabric_ha_core::bundles::{
    self, ApplyTarget, BundleApplyReport, BundleBuildInput, BundleKeyInput, BundleWritten,
    Inspection, Verification,
};
use fabric_ha_core::ca::{
    CaAssociationInput, CaEnrollInput, CaInfoView, CaRegisterInput, CaRegistered, CaTarget, CaUser,
};
use fabric_ha_core::consoles::{
    ConnectionVerdict, ConsoleComponents, ConsoleImportReport, ConsoleInput, ConsoleSummary,
};
use fabric_ha_core::fabric::{
    AddAnchorsInput, AnchorsAdded, ChannelAnchors, HaCheck, HaCheckScope, JoinProgressUpdate,
    OrgPeers, PeerChaincodes, PeerChannels, PeerInstallInput, PeerInstalled, PeerJoinInput,
    PeerJoined,
};
use fabric_ha_core::library::{self, ExportFormat, ImportReport, LibraryItem};
use fabric_ha_core::plans::engine::journal::PlanRecord;
use fabric_ha_core::plans::engine::{ApplyOptions, CancellationToken, Preview};
use fabric_ha_core::plans::{
    PlanCreateInput, PlanExportKind, PlanFinished, PlanProgressUpdate, PlanReportView, PlanStatus,
};
use fabric_ha_core::{
    doctor, AppInfo, CoreError, DoctorReport, IpcError, Sensitive, Settings, Workspace,
};
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
    /// The last HA check this window ran: what its exports write, so the evidence saved is
    /// exactly what the operator saw.
    pub last_ha_check: Arc<Mutex<Option<HaCheck>>>,
    /// Files named on the command line (a bundle or console file opened with the app), until
    /// the window takes them.
    pub launch_files: Mutex<Vec<PathBuf>>,
}

type Result<T> = std::result::Result<T, IpcError>;

/// What the app knows about itself and its workspace.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo> {
    Ok(state.workspace.workspace()?.info()?)
}

/// The files the app was started with, once: the window opens them as if they were dropped on
/// it (a bundle in the receive view, console files into the library).
#[tauri::command]
pub fn launch_files(state: State<'_, AppState>) -> Vec<PathBuf> {
    std::mem::take(
        &mut *state
            .launch_files
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    )
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

/// A console's tiles (cached 20 s); `fresh` (an explicit refresh) reads past every cache.
#[tauri::command]
pub async fn console_components(
    state: State<'_, AppState>,
    name: String,
    fresh: Option<bool>,
) -> Result<ConsoleComponents> {
    let ws = state.workspace.workspace()?;
    if fresh.unwrap_or(false) {
        blocking(move || ws.console_components_fresh(&name)).await
    } else {
        blocking(move || ws.console_components(&name)).await
    }
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

/// Event with the joined peer's height while `peer_join` waits for it to catch up
/// ([`JoinProgressUpdate`]).
pub const PEER_JOIN_PROGRESS_EVENT: &str = "peer://join-progress";

/// The channels a peer has joined, with heights, and the identity that signed; the connection
/// presents `tls_identity`'s TLS certificate when given (peers that require mutual TLS).
#[tauri::command]
pub async fn peer_channels(
    state: State<'_, AppState>,
    peer: String,
    identity: Option<String>,
    tls_identity: Option<String>,
) -> Result<PeerChannels> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.peer_channels(&peer, identity.as_deref(), tls_identity.as_deref())).await
}

/// The other peers of a peer's organization that the library and the consoles know.
#[tauri::command]
pub async fn peer_org_peers(state: State<'_, AppState>, peer: String) -> Result<OrgPeers> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.peer_org_peers(&peer)).await
}

/// Joins a peer to a channel, then waits until it has caught up; its height arrives meanwhile
/// as [`PEER_JOIN_PROGRESS_EVENT`].
#[tauri::command]
pub async fn peer_join(
    app: AppHandle,
    state: State<'_, AppState>,
    input: PeerJoinInput,
) -> Result<PeerJoined> {
    let ws = state.workspace.workspace()?;
    blocking(move || {
        let (peer, channel) = (input.peer.clone(), input.channel.clone());
        ws.peer_join(input, &mut |progress| {
            let update = JoinProgressUpdate {
                peer: peer.clone(),
                channel: channel.clone(),
                progress,
            };
            if let Err(e) = app.emit(PEER_JOIN_PROGRESS_EVENT, update) {
                tracing::warn!(error = %e, "join progress event not delivered");
            }
        })
    })
    .await
}

/// The chaincode packages installed on a peer, with the definitions that use each; the
/// connection presents `tls_identity`'s TLS certificate when given.
#[tauri::command]
pub async fn peer_chaincodes(
    state: State<'_, AppState>,
    peer: String,
    identity: Option<String>,
    tls_identity: Option<String>,
) -> Result<PeerChaincodes> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.peer_chaincodes(&peer, identity.as_deref(), tls_identity.as_deref())).await
}

/// Installs the exact package bytes another peer has, or a package file (chosen with
/// [`peer_package_dialog`] or dropped on the window), on a peer.
#[tauri::command]
pub async fn peer_install(
    state: State<'_, AppState>,
    input: PeerInstallInput,
) -> Result<PeerInstalled> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.peer_install(input)).await
}

/// Asks for a chaincode package with the native open dialog; `None` if cancelled. Only the
/// path crosses: the file is read when it is installed.
#[tauri::command]
pub async fn peer_package_dialog() -> Option<PathBuf> {
    crate::dialogs::pick_package().await
}

/// Every application organization's anchor peers in a channel's configuration, read from
/// `peer` (default: a peer known here that has joined the channel); the connection presents
/// `tls_identity`'s TLS certificate when given.
#[tauri::command]
pub async fn channel_anchors(
    state: State<'_, AppState>,
    channel: String,
    peer: Option<String>,
    identity: Option<String>,
    tls_identity: Option<String>,
) -> Result<ChannelAnchors> {
    let ws = state.workspace.workspace()?;
    blocking(move || {
        ws.channel_anchors(
            &channel,
            peer.as_deref(),
            identity.as_deref(),
            tls_identity.as_deref(),
        )
    })
    .await
}

/// Adds peers of one organization to a channel's anchor peers (one config update signed by
/// its admin); nothing is sent when they are all anchor peers already.
#[tauri::command]
pub async fn channel_add_anchors(
    state: State<'_, AppState>,
    input: AddAnchorsInput,
) -> Result<AnchorsAdded> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.channel_add_anchors(input)).await
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
    start_run(app, ws, Arc::clone(&state.runs), name)
}

/// Resumes every plan whose run was interrupted (the app or the CLI died while applying it)
/// and that no other process is applying now; the names of the plans resumed.
#[tauri::command]
pub async fn plan_resume_interrupted(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Vec<String>> {
    let ws = state.workspace.workspace()?;
    let lookup = Arc::clone(&ws);
    let interrupted = blocking(move || lookup.plans_interrupted()).await?;
    let mut resumed = Vec::new();
    for record in interrupted {
        let name = record.plan.name;
        match start_run(
            app.clone(),
            Arc::clone(&ws),
            Arc::clone(&state.runs),
            name.clone(),
        ) {
            Ok(()) => {
                tracing::info!(plan = %name, "resuming an interrupted plan");
                resumed.push(name);
            }
            // Already started in this window in the meantime.
            Err(e) => tracing::info!(plan = %name, error = %e.message, "not resumed"),
        }
    }
    Ok(resumed)
}

fn start_run(
    app: AppHandle,
    ws: Arc<Workspace>,
    runs: Arc<Mutex<HashMap<String, CancellationToken>>>,
    name: String,
) -> Result<()> {
    let cancel = CancellationToken::new();
    {
        let mut runs = runs.lock().unwrap_or_else(PoisonError::into_inner);
        if runs.contains_key(&name) {
            return Err(CoreError::InvalidInput {
                field: "name".into(),
                reason: format!("plan {name:?} is already running"),
            }
            .into());
        }
        runs.insert(name.clone(), cancel.clone());
    }
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
    let shown = save_text_as(&export.file_name, export.text).await?;
    if let Some(path) = &shown {
        tracing::info!(path = %path, "plan exported");
    }
    Ok(shown)
}

/// Asks where to save `text` (the save dialog proposes `file_name`) and writes it; the path
/// written, or `None` if cancelled.
async fn save_text_as(file_name: &str, text: String) -> Result<Option<String>> {
    let Some(path) = crate::dialogs::save_as(file_name).await else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    blocking(move || {
        std::fs::write(&path, text.as_bytes())
            .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", path.display())))
    })
    .await?;
    Ok(Some(shown))
}

/// Builds a bundle for a console, then asks where to save it (the native save dialog proposes
/// `<target>.bundle`); `None` if cancelled. A bundle that cannot be built never opens the
/// dialog. The passphrase arrives wrapped as a secret and is never logged.
#[tauri::command]
pub async fn bundle_create(
    state: State<'_, AppState>,
    input: BundleBuildInput,
) -> Result<Option<BundleWritten>> {
    let ws = state.workspace.workspace()?;
    let built = blocking(move || ws.bundle_build(input)).await?;
    let Some(path) = crate::dialogs::save_as(&built.file_name).await else {
        return Ok(None);
    };
    blocking(move || {
        built.write(&path)?;
        Ok(BundleWritten {
            path: path.display().to_string(),
            encrypted: built.encrypted,
            manifest: built.manifest,
            warnings: built.warnings,
        })
    })
    .await
    .map(Some)
}

/// Asks for a bundle file with the native open dialog; `None` if cancelled.
#[tauri::command]
pub async fn bundle_open_dialog() -> Option<PathBuf> {
    crate::dialogs::pick_bundle().await
}

/// Asks for an age identity file with the native open dialog; `None` if cancelled. Only the
/// path crosses: the key is read when the bundle is opened.
#[tauri::command]
pub async fn bundle_identity_dialog() -> Option<PathBuf> {
    crate::dialogs::pick_identity().await
}

/// The bundles among dropped files, by content (age-encrypted, or a zip with a bundle
/// manifest).
#[tauri::command]
pub async fn bundle_detect(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>> {
    blocking(move || {
        Ok(paths
            .into_iter()
            .filter(|p| bundles::is_bundle_file(p))
            .collect())
    })
    .await
}

/// A bundle's manifest, entries and signer; nothing is applied.
#[tauri::command]
pub async fn bundle_inspect(
    state: State<'_, AppState>,
    path: PathBuf,
    key: BundleKeyInput,
) -> Result<Inspection> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.bundle_inspect(&path, &key.into_key()?)).await
}

/// Checks every file of a bundle against its manifest, and the signature.
#[tauri::command]
pub async fn bundle_verify(
    state: State<'_, AppState>,
    path: PathBuf,
    key: BundleKeyInput,
) -> Result<Verification> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.bundle_verify(&path, &key.into_key()?)).await
}

/// Verifies a bundle, then imports it into a reachable console (its target) or the library,
/// never as a duplicate, recording a plan's offline steps in its journal.
#[tauri::command]
pub async fn bundle_apply(
    state: State<'_, AppState>,
    path: PathBuf,
    key: BundleKeyInput,
    target: ApplyTarget,
) -> Result<BundleApplyReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.bundle_apply(&path, &key.into_key()?, &target)).await
}

/// The public half of this workspace's bundle signing key (made on first use), to give to
/// receivers.
#[tauri::command]
pub async fn bundle_signing_key(state: State<'_, AppState>) -> Result<String> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.bundle_signing_public_key()).await
}

/// The HA check of an organization: an HA plan's (`plan`), or `msp_id`'s as seen from
/// `console` over every registered console. Reads every console and peer, so it takes seconds.
/// Every peer connection presents `tls_identity`'s TLS certificate when given (else a plan's
/// own), for organizations whose peers require mutual TLS.
#[tauri::command]
pub async fn ha_check(
    state: State<'_, AppState>,
    plan: Option<String>,
    console: Option<String>,
    msp_id: Option<String>,
    tls_identity: Option<String>,
) -> Result<HaCheck> {
    let scope = HaCheckScope::named(plan, console, msp_id, "scope")?;
    let ws = state.workspace.workspace()?;
    let check = blocking(move || ws.ha_check_presenting(&scope, tls_identity.as_deref())).await?;
    *state
        .last_ha_check
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(check.clone());
    Ok(check)
}

/// Saves the HA check shown (the one run at `checked_at`) as JSON or Markdown through the
/// native save dialog; the path written, or `None` if cancelled.
#[tauri::command]
pub async fn ha_check_export_dialog(
    state: State<'_, AppState>,
    checked_at: String,
    markdown: bool,
) -> Result<Option<String>> {
    let shown = state
        .last_ha_check
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .filter(|c| c.checked_at == checked_at);
    let Some(check) = shown else {
        return Err(CoreError::InvalidInput {
            field: "checkedAt".into(),
            reason:
                "that check is no longer the last one run in this window: run it again, then export"
                    .into(),
        }
        .into());
    };
    let date = check.checked_at.get(..10).unwrap_or("now");
    let (file_name, text) = if markdown {
        (
            format!("ha-check-{}-{date}.md", check.msp_id),
            check.to_markdown(),
        )
    } else {
        let json = serde_json::to_string_pretty(&check)
            .map_err(|e| CoreError::Internal(format!("the check as JSON: {e}")))?;
        (format!("ha-check-{}-{date}.json", check.msp_id), json)
    };
    let shown = save_text_as(&file_name, text).await?;
    if let Some(path) = &shown {
        tracing::info!(path = %path, "HA check exported");
    }
    Ok(shown)
}

/// Updates a console's records of components whose certificates differ from their source (a
/// report line's "Update"): the import or copy again, with the differing certificates replaced
/// through the console's edit route.
#[tauri::command]
pub async fn console_update_records(
    state: State<'_, AppState>,
    input: fabric_ha_core::consoles::RecordUpdateInput,
) -> Result<ConsoleImportReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.console_update_records(&input)).await
}

/// Reenrolls a wallet identity at the CA that issued it; the new identity replaces the old one
/// under the same name once stored (a refusal leaves the old one). No key reaches the window.
#[tauri::command]
pub async fn ca_reenroll(
    state: State<'_, AppState>,
    input: fabric_ha_core::ca::CaReenrollInput,
) -> Result<fabric_ha_core::ca::CaReenrolled> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.ca_reenroll(input)).await
}

/// Every certificate the organization depends on (library, wallet, every console, the peers'
/// TLS handshakes) with days left, soonest first.
#[tauri::command]
pub async fn certs_report(
    state: State<'_, AppState>,
) -> Result<fabric_ha_core::certs::CertsReport> {
    let ws = state.workspace.workspace()?;
    blocking(move || ws.certs()).await
}

/// The regions of the sandbox (`fabric-ha sandbox --fabric`) that runs now; empty when none.
#[tauri::command]
pub async fn sandbox_regions() -> Result<Vec<fabric_ha_core::sandbox::SandboxRegion>> {
    blocking(fabric_ha_core::sandbox::sandbox_regions).await
}

/// Stops or starts a region of the running sandbox (its console, CA and peers): the
/// region-loss drill.
#[tauri::command]
pub async fn sandbox_region(
    op: fabric_ha_core::sandbox::RegionOp,
    region: String,
) -> Result<fabric_ha_core::sandbox::SandboxRegion> {
    blocking(move || fabric_ha_core::sandbox::sandbox_region(op, &region)).await
}

/// A console's rate limit makes a request wait: [`fabric_ha_core::consoles::RateLimitNotice`].
pub const CONSOLE_RATE_LIMIT_EVENT: &str = "console://rate-limit";

/// Tells the window at once whenever a console's rate limit makes a request of this process
/// wait, so that it can name the console and count down.
pub fn forward_rate_limit_waits(app: AppHandle) {
    let waits = fabric_ha_core::consoles::rate_limit_waits();
    let spawned = std::thread::Builder::new()
        .name("rate-limit-waits".into())
        .spawn(move || {
            for wait in waits {
                let notice = fabric_ha_core::consoles::RateLimitNotice::from(wait);
                if let Err(e) = app.emit(CONSOLE_RATE_LIMIT_EVENT, notice) {
                    tracing::warn!(error = %e, "a rate-limit notice did not reach the window");
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "rate-limit waits will not be shown in the window");
    }
}
