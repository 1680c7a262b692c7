//! `fabric-ha doctor`: what this host offers the app, checked without changing anything.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::paths;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CheckStatus {
    /// Works.
    Ok,
    /// Works with a limitation the detail explains.
    Warn,
    /// Does not work; the detail says how to fix it.
    Fail,
}

/// One line of the doctor's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DoctorCheck {
    /// What was checked.
    pub name: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What was found, and the fix when it is not `ok`.
    pub detail: String,
}

/// The whole report; `ok` is false when any check failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DoctorReport {
    /// No check failed.
    pub ok: bool,
    /// Every check, in a fixed order.
    pub checks: Vec<DoctorCheck>,
}

fn check(name: &str, status: CheckStatus, detail: impl Into<String>) -> DoctorCheck {
    DoctorCheck {
        name: name.into(),
        status,
        detail: detail.into(),
    }
}

/// Runs every check for the workspace in `data_dir`. Reads only: a missing workspace is
/// reported, not created.
pub fn run(data_dir: &Path) -> DoctorReport {
    let checks = vec![
        check_versions(),
        check_data_dir(data_dir),
        check_database(data_dir),
        check_keyring(),
        check_webview(),
    ];
    DoctorReport {
        ok: checks.iter().all(|c| c.status != CheckStatus::Fail),
        checks,
    }
}

fn check_versions() -> DoctorCheck {
    check(
        "versions",
        CheckStatus::Ok,
        format!(
            "fabric-ha {}, SQLite {}, {} {}",
            crate::VERSION,
            fabric_ha_store::sqlite_version(),
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
    )
}

fn check_data_dir(data_dir: &Path) -> DoctorCheck {
    let name = "data directory";
    match std::fs::metadata(data_dir) {
        Ok(meta) if !meta.is_dir() => check(
            name,
            CheckStatus::Fail,
            format!(
                "{} exists but is not a folder; pass --data-dir DIR",
                data_dir.display()
            ),
        ),
        Ok(meta) if meta.permissions().readonly() => check(
            name,
            CheckStatus::Fail,
            format!(
                "{} is read-only; make it writable or pass --data-dir DIR",
                data_dir.display()
            ),
        ),
        Ok(_) => {
            let logs = paths::log_dir(data_dir);
            check(
                name,
                CheckStatus::Ok,
                format!("{} (logs in {})", data_dir.display(), logs.display()),
            )
        }
        Err(_) => match nearest_existing_parent(data_dir) {
            Some(parent) => check(
                name,
                CheckStatus::Ok,
                format!(
                    "{} does not exist yet; it will be created inside {} on first use",
                    data_dir.display(),
                    parent.display()
                ),
            ),
            None => check(
                name,
                CheckStatus::Fail,
                format!("no existing parent folder for {}", data_dir.display()),
            ),
        },
    }
}

fn nearest_existing_parent(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|p| p.is_dir())
        .map(Path::to_path_buf)
}

fn check_database(data_dir: &Path) -> DoctorCheck {
    let name = "database";
    match fabric_ha_store::inspect(data_dir) {
        Ok(None) => check(
            name,
            CheckStatus::Ok,
            "no workspace database yet (created on first use)",
        ),
        Ok(Some(found)) => check(
            name,
            if found.schema_version > fabric_ha_store::SCHEMA_VERSION {
                CheckStatus::Fail
            } else {
                CheckStatus::Ok
            },
            format!(
                "{}: schema version {} (this build knows {}), journal mode {}, secrets {}",
                found.path.display(),
                found.schema_version,
                fabric_ha_store::SCHEMA_VERSION,
                found.journal_mode,
                found.key_source.map_or("not initialised", |k| k.as_str()),
            ),
        ),
        Err(e) => check(name, CheckStatus::Fail, e.to_string()),
    }
}

fn check_keyring() -> DoctorCheck {
    let name = "keyring";
    match fabric_ha_store::probe_keyring() {
        Ok(()) => check(
            name,
            CheckStatus::Ok,
            "the OS keyring answered; the master key lives there",
        ),
        Err(reason) => {
            let fallback = if std::env::var_os(crate::workspace::PASSPHRASE_ENV).is_some() {
                "the passphrase in FABRIC_HA_PASSPHRASE will protect secrets instead"
            } else {
                "secrets will be protected by a passphrase (prompted, or FABRIC_HA_PASSPHRASE)"
            };
            check(name, CheckStatus::Warn, format!("{reason}; {fallback}"))
        }
    }
}

fn check_webview() -> DoctorCheck {
    let name = "webview";
    if cfg!(target_os = "linux") {
        match find_library("libwebkit2gtk-4.1.so.0") {
            Some(path) => check(name, CheckStatus::Ok, format!("WebKitGTK 4.1 at {}", path.display())),
            None => check(
                name,
                CheckStatus::Fail,
                "WebKitGTK 4.1 is missing: install libwebkit2gtk-4.1-0 (Debian/Ubuntu) to open the window; the CLI works without it",
            ),
        }
    } else if cfg!(target_os = "macos") {
        check(name, CheckStatus::Ok, "WKWebView is part of macOS")
    } else {
        check(
            name,
            CheckStatus::Warn,
            "WebView2 is not checked on this platform; Windows 10/11 ship it",
        )
    }
}

/// Looks for a shared library in the folders the dynamic loader searches on Linux.
fn find_library(file: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    let multiarch = format!("/usr/lib/{}-linux-gnu", std::env::consts::ARCH);
    dirs.extend(
        [
            multiarch.as_str(),
            "/usr/lib64",
            "/usr/lib",
            "/lib64",
            "/lib",
            "/usr/local/lib",
        ]
        .iter()
        .map(PathBuf::from),
    );
    dirs.into_iter().map(|d| d.join(file)).find(|p| p.exists())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn missing_workspace_is_reported_not_created() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("not-yet");
        let report = run(&dir);
        assert!(!dir.exists(), "doctor must not create the workspace");
        let names: Vec<_> = report.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "versions",
                "data directory",
                "database",
                "keyring",
                "webview"
            ]
        );
        let data = &report.checks[1];
        assert_eq!(data.status, CheckStatus::Ok);
        assert!(
            data.detail.contains("does not exist yet"),
            "{}",
            data.detail
        );
    }

    #[test]
    fn a_file_in_place_of_the_folder_fails() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let report = run(&file);
        assert!(!report.ok);
        assert_eq!(report.checks[1].status, CheckStatus::Fail);
    }
}
