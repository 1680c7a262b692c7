//! `fabric-ha doctor`: what this host offers the app, checked without changing anything.

use std::path::{Path, PathBuf};

use fabric_ha_fabric_bins::{Binary, FabricBins, Origin};
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

/// Runs every check for the workspace in `data_dir`, the Fabric binaries looked for through
/// `FABRIC_BIN` or `PATH`. Reads only: a missing workspace is reported, not created.
pub fn run(data_dir: &Path) -> DoctorReport {
    run_with_fabric_bin(data_dir, None)
}

/// [`run`], the Fabric binaries looked for in `fabric_bin` (a release's `bin/` folder, given by
/// `--fabric-bin`) before `FABRIC_BIN` and `PATH`.
pub fn run_with_fabric_bin(data_dir: &Path, fabric_bin: Option<&Path>) -> DoctorReport {
    let checks = vec![
        check_versions(),
        check_data_dir(data_dir),
        check_database(data_dir),
        check_keyring(),
        check_webview(),
        check_fabric_bins(fabric_bin),
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

/// The Hyperledger Fabric and Fabric CA release programs, their sample configuration and the
/// ccaas builder. The app itself does not need them, so a warning at most; the sandbox and the
/// real-network tests start nodes from them.
fn check_fabric_bins(explicit: Option<&Path>) -> DoctorCheck {
    let name = "fabric binaries";
    let bins = FabricBins::locate(explicit);
    let found: Vec<(Binary, PathBuf)> = Binary::ALL
        .iter()
        .filter_map(|b| bins.path(*b).map(|p| (*b, p)))
        .collect();
    // One process start each: side by side, so the doctor stays quick.
    let versions: Vec<Result<Option<String>, String>> = std::thread::scope(|scope| {
        let running: Vec<_> = found
            .iter()
            .map(|(binary, path)| {
                scope.spawn(move || fabric_ha_fabric_bins::version(*binary, path))
            })
            .collect();
        running
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the version check panicked".to_owned()))
            })
            .collect()
    });
    let mut listed = Vec::new();
    let mut broken = Vec::new();
    for ((binary, _), version) in found.iter().zip(versions) {
        match version {
            Ok(Some(v)) => listed.push(format!("{} {v}", binary.file_name())),
            Ok(None) => listed.push(format!("{} (no version command)", binary.file_name())),
            Err(e) => broken.push(e),
        }
    }
    let listed = listed.join(", ");

    let mut dirs: Vec<String> = Vec::new();
    for (_, path) in &found {
        let dir = path
            .parent()
            .map_or_else(String::new, |d| d.display().to_string());
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let source = match bins.origin() {
        Origin::Flag => "--fabric-bin",
        Origin::Env => "FABRIC_BIN",
        Origin::Path => "PATH",
    };
    let config = bins.config_dir().map_or_else(
        || "no config folder (core.yaml, orderer.yaml)".to_owned(),
        |d| format!("config {}", d.display()),
    );
    let ccaas = bins.ccaas_builder().map_or_else(
        || "no ccaas builder".to_owned(),
        |d| format!("ccaas builder {}", d.display()),
    );

    match bins.require(&Binary::ALL, true) {
        Ok(()) if broken.is_empty() => check(
            name,
            CheckStatus::Ok,
            format!(
                "{listed}; from {source} ({}); {config}; {ccaas}",
                dirs.join(", ")
            ),
        ),
        Ok(()) => check(
            name,
            CheckStatus::Warn,
            format!(
                "{}; found {listed} (from {source}); the sandbox and the real-network tests need them all, the app does not",
                broken.join("; ")
            ),
        ),
        Err(missing) => {
            let mut detail = format!(
                "missing {} (looked in {})",
                missing.missing.join(", "),
                missing.looked_in
            );
            if !listed.is_empty() {
                detail.push_str(&format!("; found {listed}"));
            }
            if !broken.is_empty() {
                detail.push_str(&format!("; {}", broken.join("; ")));
            }
            detail.push_str(&format!(
                "; the sandbox and the real-network tests need them, the app does not: {}",
                fabric_ha_fabric_bins::HOW_TO_GET
            ));
            check(name, CheckStatus::Warn, detail)
        }
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
                "webview",
                "fabric binaries"
            ]
        );
        assert_ne!(report.checks[5].status, CheckStatus::Fail);
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

    /// The fabric binaries check; a fake program that another test thread's process start was
    /// still holding open for writing fails with "Text file busy" for a moment: tried again.
    fn fabric_check(dir: &Path) -> DoctorCheck {
        for _ in 0..20 {
            let c = check_fabric_bins(Some(dir));
            if !c.detail.contains("Text file busy") {
                return c;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        check_fabric_bins(Some(dir))
    }

    #[test]
    fn no_fabric_binaries_is_a_warning_naming_each_program() {
        let tmp = tempfile::tempdir().unwrap();
        let c = fabric_check(tmp.path());
        assert_eq!(c.name, "fabric binaries");
        assert_eq!(c.status, CheckStatus::Warn, "{}", c.detail);
        for binary in Binary::ALL {
            assert!(
                c.detail.contains(binary.file_name()),
                "{} named: {}",
                binary.file_name(),
                c.detail
            );
        }
        assert!(c.detail.contains(&tmp.path().display().to_string()));
        assert!(c.detail.contains(fabric_ha_fabric_bins::HOW_TO_GET));
    }

    #[cfg(unix)]
    #[test]
    fn fabric_binaries_that_answer_are_listed_with_their_versions() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let bin = tmp.path().join("bin");
        let builder = tmp.path().join("builders").join("ccaas").join("bin");
        let config = tmp.path().join("config");
        for dir in [&bin, &builder, &config] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(config.join("core.yaml"), "").unwrap();
        std::fs::write(config.join("orderer.yaml"), "").unwrap();
        std::fs::write(builder.join("detect"), "").unwrap();
        for binary in Binary::ALL {
            let script = bin.join(binary.file_name());
            std::fs::write(
                &script,
                format!(
                    "#!/bin/sh\necho '{}:'\necho ' Version: 2.5.16'\n",
                    binary.file_name()
                ),
            )
            .unwrap();
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }

        let c = fabric_check(&bin);
        assert_eq!(c.status, CheckStatus::Ok, "{}", c.detail);
        for binary in [
            Binary::Peer,
            Binary::Orderer,
            Binary::Configtxgen,
            Binary::Configtxlator,
            Binary::FabricCaServer,
            Binary::FabricCaClient,
        ] {
            let listed = format!("{} 2.5.16", binary.file_name());
            assert!(c.detail.contains(&listed), "{listed}: {}", c.detail);
        }
        assert!(c.detail.contains("osnadmin (no version command)"));
        assert!(
            c.detail
                .contains(&format!("from --fabric-bin ({})", bin.display())),
            "{}",
            c.detail
        );
        assert!(c.detail.contains("ccaas builder"), "{}", c.detail);

        // A program that does not answer is a warning, not a failure.
        std::fs::write(bin.join("peer"), "#!/bin/sh\nexit 3\n").unwrap();
        let c = fabric_check(&bin);
        assert_eq!(c.status, CheckStatus::Warn, "{}", c.detail);
        assert!(c.detail.contains("printed no version"), "{}", c.detail);
    }
}
