//! Fabric HA Desktop: the window. A thin shell — commands in `commands.rs` call
//! `fabric-ha-core`, the same library the `fabric-ha` CLI uses.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialogs;
mod opening;
mod window;

use std::path::PathBuf;
use std::time::Instant;

use fabric_ha_core::{paths, OpenOptions};

/// With this set, the app prints `ready <ms>` on stdout once the UI has painted (used by
/// `bench/startup` and the end-to-end tests).
const REPORT_READY_ENV: &str = "FABRIC_HA_REPORT_READY";

pub(crate) fn report_ready(ms: f64) {
    if std::env::var_os(REPORT_READY_ENV).is_some() {
        println!("ready {ms:.1}");
    }
}

/// `--data-dir DIR` (or `--data-dir=DIR`) from the command line.
fn data_dir_arg(args: impl Iterator<Item = String>) -> Result<Option<PathBuf>, String> {
    let mut args = args.skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args
                .next()
                .map(|v| Some(PathBuf::from(v)))
                .ok_or("--data-dir needs a folder".into());
        }
        if let Some(v) = arg.strip_prefix("--data-dir=") {
            return Ok(Some(PathBuf::from(v)));
        }
    }
    Ok(None)
}

fn main() {
    let started = Instant::now();
    if let Err(message) = run(started) {
        eprintln!("fabric-ha-desktop: {message}");
        std::process::exit(1);
    }
}

fn run(started: Instant) -> Result<(), String> {
    let data_dir =
        paths::resolve_data_dir(data_dir_arg(std::env::args())?).map_err(|e| e.to_string())?;
    let _log = fabric_ha_core::logging::init_app_logging(&paths::log_dir(&data_dir))
        .map_err(|e| e.to_string())?;
    // Opens while the window starts; commands wait for it.
    let workspace = opening::Opening::start(OpenOptions::new(data_dir));
    let opening = std::sync::Arc::clone(&workspace);
    tauri::Builder::default()
        .setup(move |app| {
            commands::forward_rate_limit_waits(app.handle().clone());
            window::create_main(app, &opening)
        })
        .manage(commands::AppState {
            workspace,
            started,
            runs: Default::default(),
            last_ha_check: Default::default(),
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::get_settings,
            commands::update_settings,
            commands::doctor,
            commands::unlock_secrets,
            commands::ui_ready,
            commands::library_list,
            commands::library_import_paths,
            commands::library_import_dialog,
            commands::library_export_dialog,
            commands::library_remove,
            commands::console_list,
            commands::console_add,
            commands::console_update,
            commands::console_remove,
            commands::console_test,
            commands::console_components,
            commands::console_export_to_library,
            commands::console_export_dialog,
            commands::console_import,
            commands::console_copy,
            commands::console_update_records,
            commands::peer_channels,
            commands::peer_org_peers,
            commands::peer_join,
            commands::peer_chaincodes,
            commands::peer_install,
            commands::peer_package_dialog,
            commands::channel_anchors,
            commands::channel_add_anchors,
            commands::ca_info,
            commands::ca_enroll,
            commands::ca_register,
            commands::ca_identities,
            commands::ca_associate,
            commands::ca_association,
            commands::plan_list,
            commands::plan_running,
            commands::plan_get,
            commands::plan_create,
            commands::plan_preview,
            commands::plan_apply,
            commands::plan_resume_interrupted,
            commands::plan_cancel,
            commands::plan_status,
            commands::plan_report,
            commands::plan_export_dialog,
            commands::bundle_create,
            commands::bundle_open_dialog,
            commands::bundle_identity_dialog,
            commands::bundle_detect,
            commands::bundle_inspect,
            commands::bundle_verify,
            commands::bundle_apply,
            commands::bundle_signing_key,
            commands::ha_check,
            commands::ha_check_export_dialog,
            commands::ca_reenroll,
            commands::certs_report,
            commands::sandbox_regions,
            commands::sandbox_region,
        ])
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window could not start: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn data_dir_flag_forms() {
        assert_eq!(data_dir_arg(args(&["app"])).unwrap(), None);
        assert_eq!(
            data_dir_arg(args(&["app", "--data-dir", "/w"])).unwrap(),
            Some("/w".into())
        );
        assert_eq!(
            data_dir_arg(args(&["app", "--data-dir=/v"])).unwrap(),
            Some("/v".into())
        );
        assert!(data_dir_arg(args(&["app", "--data-dir"])).is_err());
    }
}
