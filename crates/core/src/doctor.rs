//! `fabric-ha doctor`: what this host offers the app, checked without changing anything.

use std::collections::BTreeMap;
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

/// Which check a line is, for a window that names it in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DoctorCheckId {
    /// The versions of the app, SQLite and the platform.
    Versions,
    /// The workspace folder.
    DataDirectory,
    /// The workspace database.
    Database,
    /// The OS keyring.
    Keyring,
    /// The webview the window needs.
    Webview,
    /// The Fabric release programs.
    FabricBinaries,
}

/// What a check found: the window words it in its language from the code and the params; the
/// CLI prints the English detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DoctorCode {
    /// `version` of fabric-ha, `sqlite`, `os` and `arch`.
    Versions,
    /// `dir` is a file, not a folder.
    DataDirNotFolder,
    /// `dir` is read-only.
    DataDirReadOnly,
    /// `dir` is there, its logs in `logs`.
    DataDirReady,
    /// `dir` will be created inside `parent`.
    DataDirNotYet,
    /// No folder above `dir` exists.
    DataDirNoParent,
    /// No workspace database yet.
    DatabaseNone,
    /// The database at `path`: `schema` (this build knows `known`), `journal` mode, secrets
    /// kept by `secrets` (keyring or passphrase).
    DatabaseFound,
    /// The database at `path`, as [`DatabaseFound`](Self::DatabaseFound), its secrets not
    /// initialised.
    DatabaseUninitialised,
    /// The database cannot be inspected (`reason`).
    DatabaseError,
    /// The OS keyring answered.
    KeyringOk,
    /// No keyring (`reason`); the passphrase in FABRIC_HA_PASSPHRASE is used.
    KeyringPassphraseEnv,
    /// No keyring (`reason`); a passphrase is asked for.
    KeyringPassphrase,
    /// WebKitGTK 4.1 at `path`.
    WebkitFound,
    /// WebKitGTK 4.1 is missing.
    WebkitMissing,
    /// WKWebView, part of macOS.
    WkWebView,
    /// WebView2, not checked.
    WebView2,
    /// Every Fabric program answered: `programs` (each name with its version, or alone when in
    /// `unversioned`), from `source` (`dirs`); `config` and `ccaas` folders, empty when absent.
    FabricBinsOk,
    /// Every Fabric program is there, some do not answer (`broken`); as
    /// [`FabricBinsOk`](Self::FabricBinsOk).
    FabricBinsBroken,
    /// Programs `missing` (looked in `lookedIn`), `programs` and `broken` as above, empty when
    /// none; then where to get them.
    FabricBinsMissing,
}

/// One line of the doctor's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DoctorCheck {
    /// Which check.
    pub id: DoctorCheckId,
    /// What was checked, in English.
    pub name: String,
    /// Outcome.
    pub status: CheckStatus,
    /// What was found, as a code.
    pub code: DoctorCode,
    /// The values the finding names (paths, versions, program names), by name.
    pub params: BTreeMap<String, String>,
    /// What was found, and the fix when it is not `ok`, in English.
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

fn check(
    id: DoctorCheckId,
    status: CheckStatus,
    (code, params): (DoctorCode, &[(&str, &str)]),
    detail: impl Into<String>,
) -> DoctorCheck {
    let name = match id {
        DoctorCheckId::Versions => "versions",
        DoctorCheckId::DataDirectory => "data directory",
        DoctorCheckId::Database => "database",
        DoctorCheckId::Keyring => "keyring",
        DoctorCheckId::Webview => "webview",
        DoctorCheckId::FabricBinaries => "fabric binaries",
    };
    DoctorCheck {
        id,
        name: name.to_owned(),
        status,
        code,
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
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
    let (version, sqlite) = (crate::VERSION, fabric_ha_store::sqlite_version());
    let (os, arch) = (std::env::consts::OS, std::env::consts::ARCH);
    check(
        DoctorCheckId::Versions,
        CheckStatus::Ok,
        (
            DoctorCode::Versions,
            &[
                ("version", version),
                ("sqlite", sqlite),
                ("os", os),
                ("arch", arch),
            ],
        ),
        format!("fabric-ha {version}, SQLite {sqlite}, {os} {arch}"),
    )
}

fn check_data_dir(data_dir: &Path) -> DoctorCheck {
    let id = DoctorCheckId::DataDirectory;
    let dir = data_dir.display().to_string();
    match std::fs::metadata(data_dir) {
        Ok(meta) if !meta.is_dir() => check(
            id,
            CheckStatus::Fail,
            (DoctorCode::DataDirNotFolder, &[("dir", &dir)]),
            format!("{dir} exists but is not a folder; pass --data-dir DIR"),
        ),
        Ok(meta) if meta.permissions().readonly() => check(
            id,
            CheckStatus::Fail,
            (DoctorCode::DataDirReadOnly, &[("dir", &dir)]),
            format!("{dir} is read-only; make it writable or pass --data-dir DIR"),
        ),
        Ok(_) => {
            let logs = paths::log_dir(data_dir).display().to_string();
            check(
                id,
                CheckStatus::Ok,
                (DoctorCode::DataDirReady, &[("dir", &dir), ("logs", &logs)]),
                format!("{dir} (logs in {logs})"),
            )
        }
        Err(_) => match nearest_existing_parent(data_dir) {
            Some(parent) => {
                let parent = parent.display().to_string();
                check(
                    id,
                    CheckStatus::Ok,
                    (
                        DoctorCode::DataDirNotYet,
                        &[("dir", &dir), ("parent", &parent)],
                    ),
                    format!(
                        "{dir} does not exist yet; it will be created inside {parent} on first use"
                    ),
                )
            }
            None => check(
                id,
                CheckStatus::Fail,
                (DoctorCode::DataDirNoParent, &[("dir", &dir)]),
                format!("no existing parent folder for {dir}"),
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
    let id = DoctorCheckId::Database;
    match fabric_ha_store::inspect(data_dir) {
        Ok(None) => check(
            id,
            CheckStatus::Ok,
            (DoctorCode::DatabaseNone, &[]),
            "no workspace database yet (created on first use)",
        ),
        Ok(Some(found)) => {
            let path = found.path.display().to_string();
            let schema = found.schema_version.to_string();
            let known = fabric_ha_store::SCHEMA_VERSION.to_string();
            let journal = found.journal_mode.to_string();
            let mut params = vec![
                ("path", path.as_str()),
                ("schema", schema.as_str()),
                ("known", known.as_str()),
                ("journal", journal.as_str()),
            ];
            let code = match found.key_source {
                Some(k) => {
                    params.push(("secrets", k.as_str()));
                    DoctorCode::DatabaseFound
                }
                None => DoctorCode::DatabaseUninitialised,
            };
            check(
                id,
                if found.schema_version > fabric_ha_store::SCHEMA_VERSION {
                    CheckStatus::Fail
                } else {
                    CheckStatus::Ok
                },
                (code, &params),
                format!(
                    "{path}: schema version {schema} (this build knows {known}), journal mode {journal}, secrets {}",
                    found.key_source.map_or("not initialised", |k| k.as_str()),
                ),
            )
        }
        Err(e) => {
            let reason = e.to_string();
            check(
                id,
                CheckStatus::Fail,
                (DoctorCode::DatabaseError, &[("reason", &reason)]),
                reason.clone(),
            )
        }
    }
}

fn check_keyring() -> DoctorCheck {
    let id = DoctorCheckId::Keyring;
    match fabric_ha_store::probe_keyring() {
        Ok(()) => check(
            id,
            CheckStatus::Ok,
            (DoctorCode::KeyringOk, &[]),
            "the OS keyring answered; the master key lives there",
        ),
        Err(reason) => {
            let (code, fallback) = if std::env::var_os(crate::workspace::PASSPHRASE_ENV).is_some() {
                (
                    DoctorCode::KeyringPassphraseEnv,
                    "the passphrase in FABRIC_HA_PASSPHRASE will protect secrets instead",
                )
            } else {
                (
                    DoctorCode::KeyringPassphrase,
                    "secrets will be protected by a passphrase (prompted, or FABRIC_HA_PASSPHRASE)",
                )
            };
            check(
                id,
                CheckStatus::Warn,
                (code, &[("reason", &reason)]),
                format!("{reason}; {fallback}"),
            )
        }
    }
}

fn check_webview() -> DoctorCheck {
    let id = DoctorCheckId::Webview;
    if cfg!(target_os = "linux") {
        match find_library("libwebkit2gtk-4.1.so.0") {
            Some(path) => {
                let path = path.display().to_string();
                check(
                    id,
                    CheckStatus::Ok,
                    (DoctorCode::WebkitFound, &[("path", &path)]),
                    format!("WebKitGTK 4.1 at {path}"),
                )
            }
            None => check(
                id,
                CheckStatus::Fail,
                (DoctorCode::WebkitMissing, &[]),
                "WebKitGTK 4.1 is missing: install libwebkit2gtk-4.1-0 (Debian/Ubuntu) to open the window; the CLI works without it",
            ),
        }
    } else if cfg!(target_os = "macos") {
        check(
            id,
            CheckStatus::Ok,
            (DoctorCode::WkWebView, &[]),
            "WKWebView is part of macOS",
        )
    } else {
        check(
            id,
            CheckStatus::Warn,
            (DoctorCode::WebView2, &[]),
            "WebView2 is not checked on this platform; Windows 10/11 ship it",
        )
    }
}

/// The Hyperledger Fabric and Fabric CA release programs, their sample configuration and the
/// ccaas builder. The app itself does not need them, so a warning at most; the sandbox and the
/// real-network tests start nodes from them.
fn check_fabric_bins(explicit: Option<&Path>) -> DoctorCheck {
    let id = DoctorCheckId::FabricBinaries;
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
    let mut programs = Vec::new();
    let mut unversioned = Vec::new();
    let mut broken = Vec::new();
    for ((binary, _), version) in found.iter().zip(versions) {
        match version {
            Ok(Some(v)) => {
                listed.push(format!("{} {v}", binary.file_name()));
                programs.push(format!("{} {v}", binary.file_name()));
            }
            Ok(None) => {
                listed.push(format!("{} (no version command)", binary.file_name()));
                programs.push(binary.file_name().to_owned());
                unversioned.push(binary.file_name());
            }
            Err(e) => broken.push(e),
        }
    }
    let listed = listed.join(", ");
    let programs = programs.join(", ");
    let unversioned = unversioned.join(", ");

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
    let config_dir = bins
        .config_dir()
        .map_or_else(String::new, |d| d.display().to_string());
    let ccaas_dir = bins
        .ccaas_builder()
        .map_or_else(String::new, |d| d.display().to_string());
    let config = if config_dir.is_empty() {
        "no config folder (core.yaml, orderer.yaml)".to_owned()
    } else {
        format!("config {config_dir}")
    };
    let ccaas = if ccaas_dir.is_empty() {
        "no ccaas builder".to_owned()
    } else {
        format!("ccaas builder {ccaas_dir}")
    };
    let dirs = dirs.join(", ");
    let broken = broken.join("; ");
    let found_params: [(&str, &str); 5] = [
        ("programs", &programs),
        ("unversioned", &unversioned),
        ("source", source),
        ("dirs", &dirs),
        ("broken", &broken),
    ];

    match bins.require(&Binary::ALL, true) {
        Ok(()) if broken.is_empty() => {
            let mut params = found_params.to_vec();
            params.extend([("config", config_dir.as_str()), ("ccaas", ccaas_dir.as_str())]);
            check(
                id,
                CheckStatus::Ok,
                (DoctorCode::FabricBinsOk, &params),
                format!("{listed}; from {source} ({dirs}); {config}; {ccaas}"),
            )
        }
        Ok(()) => check(
            id,
            CheckStatus::Warn,
            (DoctorCode::FabricBinsBroken, &found_params),
            format!(
                "{broken}; found {listed} (from {source}); the sandbox and the real-network tests need them all, the app does not"
            ),
        ),
        Err(missing) => {
            let names = missing.missing.join(", ");
            let mut detail = format!("missing {names} (looked in {})", missing.looked_in);
            if !listed.is_empty() {
                detail.push_str(&format!("; found {listed}"));
            }
            if !broken.is_empty() {
                detail.push_str(&format!("; {broken}"));
            }
            detail.push_str(&format!(
                "; the sandbox and the real-network tests need them, the app does not: {}",
                fabric_ha_fabric_bins::HOW_TO_GET
            ));
            let mut params = found_params.to_vec();
            params.extend([
                ("missing", names.as_str()),
                ("lookedIn", missing.looked_in.as_str()),
            ]);
            check(
                id,
                CheckStatus::Warn,
                (DoctorCode::FabricBinsMissing, &params),
                detail,
            )
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
        assert_eq!(data.id, DoctorCheckId::DataDirectory);
        assert_eq!(data.code, DoctorCode::DataDirNotYet);
        assert_eq!(data.params["dir"], dir.display().to_string());
        assert_eq!(data.params["parent"], tmp.path().display().to_string());
        assert_eq!(report.checks[2].code, DoctorCode::DatabaseNone);
        assert!(report.checks[2].params.is_empty());
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
        assert_eq!(c.id, DoctorCheckId::FabricBinaries);
        assert_eq!(c.code, DoctorCode::FabricBinsMissing);
        for binary in Binary::ALL {
            assert!(c.params["missing"].contains(binary.file_name()));
        }
        assert!(c.params["lookedIn"].contains(&tmp.path().display().to_string()));
        assert_eq!(c.params["programs"], "");
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
        assert_eq!(c.code, DoctorCode::FabricBinsOk);
        assert!(c.params["unversioned"].contains("osnadmin"));
        assert!(!c.params["unversioned"].contains("peer"));
        assert!(c.params["programs"].contains("peer 2.5.16"));
        assert!(c.params["programs"].contains("osnadmin"));
        assert_eq!(c.params["source"], "--fabric-bin");
        // FABRIC_CFG_PATH names the configuration folder when set (as `make test` sets it).
        let expected_config = std::env::var("FABRIC_CFG_PATH")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| config.display().to_string());
        assert_eq!(c.params["config"], expected_config);

        // A program that does not answer is a warning, not a failure.
        std::fs::write(bin.join("peer"), "#!/bin/sh\nexit 3\n").unwrap();
        let c = fabric_check(&bin);
        assert_eq!(c.status, CheckStatus::Warn, "{}", c.detail);
        assert!(c.detail.contains("printed no version"), "{}", c.detail);
        assert_eq!(c.code, DoctorCode::FabricBinsBroken);
        assert!(c.params["broken"].contains("printed no version"));
    }
}
