//! The `fabric-ha` binary as a user runs it.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::process::{Command, Output};

fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fabric-ha"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        // No keyring in these tests: the passphrase path is the headless one.
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env_remove("FABRIC_HA_PASSPHRASE")
        .env_remove("FABRIC_HA_HOME")
        .output()
        .unwrap()
}

fn stdout_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn help_lists_the_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let out = fabric_ha(tmp.path(), &["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for cmd in ["doctor", "info", "settings", "--data-dir", "--no-keyring"] {
        assert!(text.contains(cmd), "--help mentions {cmd}: {text}");
    }
}

#[test]
fn doctor_json_reports_every_check_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    let report = stdout_json(&fabric_ha(&dir, &["doctor", "--json"]));
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
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
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "versions",
            "dataDirectory",
            "database",
            "keyring",
            "webview",
            "fabricBinaries"
        ]
    );
    let data = &report["checks"][1];
    assert_eq!(data["code"], "dataDirNotYet", "{data}");
    assert_eq!(data["params"]["dir"], dir.display().to_string(), "{data}");
    assert!(report["ok"].is_boolean());
    assert!(!dir.exists(), "doctor only reads");
}

#[test]
fn doctor_names_the_fabric_binaries_missing_from_fabric_bin() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("bin");
    std::fs::create_dir(&empty).unwrap();
    let args = ["doctor", "--json", "--fabric-bin", empty.to_str().unwrap()];
    let report = stdout_json(&fabric_ha(&tmp.path().join("ws"), &args));
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "fabric binaries")
        .unwrap();
    assert_eq!(check["status"], "warn", "{check}");
    let detail = check["detail"].as_str().unwrap();
    for program in [
        "peer",
        "orderer",
        "osnadmin",
        "fabric-ca-server",
        "fabric-ca-client",
    ] {
        assert!(detail.contains(program), "{program}: {detail}");
    }
    assert!(detail.contains(&empty.display().to_string()), "{detail}");
}

#[test]
fn settings_set_then_get_and_bad_values_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = fabric_ha(tmp.path(), &["settings", "set", "page-size", "25"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = fabric_ha(tmp.path(), &["settings", "set", "language", "zh-CN"]);
    assert!(out.status.success());

    let out = fabric_ha(tmp.path(), &["settings", "set", "page-size", "7"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("pageSize") && err.contains("7"),
        "precise error: {err}"
    );

    let out = fabric_ha(tmp.path(), &["settings", "set", "theme", "white"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("unknown setting"));

    let s = stdout_json(&fabric_ha(tmp.path(), &["settings", "get", "--json"]));
    assert_eq!(
        s,
        serde_json::json!({"language": "zh-CN", "pageSize": 25, "onboarded": false})
    );
}

#[test]
fn info_without_keyring_or_passphrase_is_locked_and_with_one_uses_it() {
    let tmp = tempfile::tempdir().unwrap();
    let info = stdout_json(&fabric_ha(tmp.path(), &["info", "--json"]));
    assert_eq!(info["secrets"], "locked");
    assert_eq!(info["dataDir"], tmp.path().display().to_string());
    assert_eq!(info["firstRun"], true);

    let out = Command::new(env!("CARGO_BIN_EXE_fabric-ha"))
        .args([
            "--data-dir",
            tmp.path().to_str().unwrap(),
            "--no-keyring",
            "info",
            "--json",
        ])
        .env("FABRIC_HA_PASSPHRASE", "a passphrase from the environment")
        .output()
        .unwrap();
    assert_eq!(stdout_json(&out)["secrets"], "passphrase");
}

#[test]
fn sandbox_region_without_a_running_sandbox_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    // An empty temporary folder: no sandbox's control socket to find.
    let out = Command::new(env!("CARGO_BIN_EXE_fabric-ha"))
        .args(["--data-dir", tmp.path().to_str().unwrap()])
        .args(["sandbox", "region", "stop", "us-south"])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("error: no `fabric-ha sandbox --fabric` is running for this user"),
        "{said}"
    );

    let gone = tmp.path().join("fabric-ha-sandbox-1").join("control.sock");
    let out = fabric_ha(
        tmp.path(),
        &[
            "sandbox",
            "region",
            "status",
            "--sandbox",
            gone.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("error: no sandbox answers at {}", gone.display()))
            && said.contains("is `fabric-ha sandbox --fabric` still running?"),
        "{said}"
    );
}
