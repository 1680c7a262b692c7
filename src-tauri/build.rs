//! Reads the root `tauri.conf.json` (through the `src-tauri/tauri.conf.json` link) and declares
//! the app's own commands so capabilities can allow exactly them.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "get_settings",
        "update_settings",
        "doctor",
        "unlock_secrets",
        "ui_ready",
        "library_list",
        "library_import_paths",
        "library_import_dialog",
        "library_export_dialog",
        "library_remove",
        "console_list",
        "console_add",
        "console_update",
        "console_remove",
        "console_test",
        "console_components",
        "console_export_to_library",
        "console_export_dialog",
        "console_import",
        "console_copy",
        "ca_info",
        "ca_enroll",
        "ca_register",
        "ca_identities",
        "ca_associate",
        "ca_association",
        "plan_list",
        "plan_running",
        "plan_get",
        "plan_create",
        "plan_preview",
        "plan_apply",
        "plan_cancel",
        "plan_status",
        "plan_report",
        "plan_export_dialog",
    ]);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri-build failed: {e:#}");
    }
}
