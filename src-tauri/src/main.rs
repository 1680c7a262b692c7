//! Fabric HA Desktop: the window. A thin shell — commands in `commands.rs` call
//! `fabric-ha-core`, the same library the `fabric-ha` CLI uses.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialogs;
mod opening;
mod window;

use std::path::PathBuf;
use std::sync::Mutex;
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

/// What the command line asks for: `--data-dir DIR` (or `--data-dir=DIR`), and files to open
/// (what the desktop entry's `%F` passes when a bundle or a console file is opened with the app).
#[derive(Debug, Default, PartialEq)]
struct LaunchArgs {
    data_dir: Option<PathBuf>,
    files: Vec<PathBuf>,
    /// Options this app does not know (a launcher's own flags), logged once logging is up.
    ignored: Vec<String>,
}

/// Reads the command line; relative file paths are taken from `cwd`.
fn launch_args(
    args: impl Iterator<Item = String>,
    cwd: &std::path::Path,
) -> Result<LaunchArgs, String> {
    let mut launch = LaunchArgs::default();
    let mut args = args.skip(1);
    let mut options = true;
    while let Some(arg) = args.next() {
        if options && arg == "--" {
            options = false;
        } else if options && arg == "--data-dir" {
            let dir = args.next().ok_or("--data-dir needs a folder")?;
            launch.data_dir = Some(PathBuf::from(dir));
        } else if let Some(dir) = arg.strip_prefix("--data-dir=").filter(|_| options) {
            launch.data_dir = Some(PathBuf::from(dir));
        } else if options && arg.starts_with('-') && arg.len() > 1 {
            launch.ignored.push(arg);
        } else {
            launch.files.push(cwd.join(arg));
        }
    }
    Ok(launch)
}

fn main() {
    let started = Instant::now();
    if let Err(message) = run(started) {
        eprintln!("fabric-ha-desktop: {message}");
        std::process::exit(1);
    }
}

fn run(started: Instant) -> Result<(), String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let launch = launch_args(std::env::args(), &cwd)?;
    let data_dir = paths::resolve_data_dir(launch.data_dir).map_err(|e| e.to_string())?;
    let _log = fabric_ha_core::logging::init_app_logging(&paths::log_dir(&data_dir))
        .map_err(|e| e.to_string())?;
    for option in &launch.ignored {
        tracing::warn!(%option, "ignored an unknown command-line option");
    }
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
            launch_files: Mutex::new(launch.files),
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::get_settings,
            commands::update_settings,
            commands::doctor,
            commands::unlock_secrets,
            commands::ui_ready,
            commands::launch_files,
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
        let cwd = std::path::Path::new("/home/op");
        let dir = |list: &[&str]| launch_args(args(list), cwd).unwrap().data_dir;
        assert_eq!(dir(&["app"]), None);
        assert_eq!(dir(&["app", "--data-dir", "/w"]), Some("/w".into()));
        assert_eq!(dir(&["app", "--data-dir=/v"]), Some("/v".into()));
        assert!(launch_args(args(&["app", "--data-dir"]), cwd).is_err());
    }

    #[test]
    fn files_to_open_are_absolute_and_follow_the_options() {
        let cwd = std::path::Path::new("/home/op");
        let launch = launch_args(
            args(&[
                "app",
                "--data-dir",
                "/w",
                "eu.bundle",
                "/tmp/console export.zip",
                "--launcher-flag",
                "--",
                "--odd-name.json",
            ]),
            cwd,
        )
        .unwrap();
        assert_eq!(
            launch,
            LaunchArgs {
                data_dir: Some("/w".into()),
                files: vec![
                    "/home/op/eu.bundle".into(),
                    "/tmp/console export.zip".into(),
                    "/home/op/--odd-name.json".into(),
                ],
                ignored: vec!["--launcher-flag".into()],
            }
        );
        assert_eq!(
            launch_args(args(&["app"]), cwd).unwrap(),
            LaunchArgs::default()
        );
    }
}
