//! `fabric-ha artifact ...` on the committed corpus of console files.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/artifacts")
        .join(file)
}

fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fabric-ha"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", "cli artifact tests")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn check_passes_good_files_and_fails_bad_ones_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let good = corpus("good/peer-v3.json");
    let out = fabric_ha(tmp.path(), &["artifact", "check", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("peer-v3.json: valid"));

    let bad = corpus("bad/peer-url-without-port.json");
    let out = fabric_ha(
        tmp.path(),
        &[
            "artifact",
            "check",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let finding = &report["files"][1]["findings"][0];
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "peer-url-without-port.json");
    assert!(
        finding["path"].as_str().unwrap().contains("api_url"),
        "{finding}"
    );
    // Beside the English message, the sentence's code and the values it names.
    assert_eq!(finding["code"], "urlPortMissing", "{finding}");
    assert_eq!(finding["params"]["field"], "api_url", "{finding}");
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .contains("port is missing"));
    assert!(
        !tmp.path().join("workspace.sqlite3").exists(),
        "check stores nothing"
    );
}

#[test]
fn import_list_export_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        "good/ca-v3.json",
        "good/msp-v3.json",
        "good/peer-v3.json",
        "good/identity.json",
    ];
    let paths: Vec<String> = files
        .iter()
        .map(|f| corpus(f).display().to_string())
        .collect();
    let mut args = vec!["artifact", "import"];
    args.extend(paths.iter().map(String::as_str));
    let out = fabric_ha(tmp.path(), &args);
    assert!(out.status.success(), "{}", text(&out));

    // A rejected file makes the exit code 1 and stores nothing.
    let bad = corpus("bad/msp-admin-foreign-root.json");
    let out = fabric_ha(tmp.path(), &["artifact", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("rejected"), "{}", text(&out));

    let out = fabric_ha(tmp.path(), &["artifact", "list", "--json"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.len(), 4);
    let peer = items.iter().find(|i| i["kind"] == "peer").unwrap();
    let peer_id = peer["id"].as_str().unwrap();

    // One component as the console writes it: the same bytes as the console's own file.
    let out_file = tmp.path().join("peer.json");
    let out = fabric_ha(
        tmp.path(),
        &[
            "artifact",
            "export",
            peer_id,
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        std::fs::read(corpus("good/peer-v3.json")).unwrap()
    );

    // Everything as a bulk zip; identities only with the explicit flag, then owner-only.
    let zip = tmp.path().join("all.zip");
    let out = fabric_ha(
        tmp.path(),
        &["artifact", "export", "--out", zip.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let identity = items.iter().find(|i| i["kind"] == "identity").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key_file = tmp.path().join("admin.json");
    let out = fabric_ha(
        tmp.path(),
        &[
            "artifact",
            "export",
            &identity,
            "--out",
            key_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("includePrivateKeys"));
    assert!(!key_file.exists());
    let out = fabric_ha(
        tmp.path(),
        &[
            "artifact",
            "export",
            &identity,
            "--include-private-keys",
            "--out",
            key_file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus("good/identity.json")).unwrap()).unwrap();
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&key_file).unwrap()).unwrap();
    assert_eq!(exported, original);

    let out = fabric_ha(tmp.path(), &["artifact", "remove", peer_id]);
    assert!(out.status.success(), "{}", text(&out));
    let out = fabric_ha(tmp.path(), &["artifact", "remove", peer_id]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "removing twice says what was not found"
    );
}

/// The first-run screen is for a new workspace: once the CLI has put a file into the library,
/// the window opened on it shows the pages instead (`firstRun` false, never dismissed).
#[test]
fn a_workspace_the_cli_filled_is_no_first_run() {
    let tmp = tempfile::tempdir().unwrap();
    let info = |dir: &Path| -> serde_json::Value {
        let out = fabric_ha(dir, &["info", "--json"]);
        assert!(out.status.success(), "{}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(info(tmp.path())["firstRun"], true);
    let peer = corpus("good/peer-v3.json");
    let out = fabric_ha(tmp.path(), &["artifact", "import", peer.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(info(tmp.path())["firstRun"], false);
    // Emptied again, it is new again.
    let out = fabric_ha(tmp.path(), &["artifact", "list", "--json"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let id = items[0]["id"].as_str().unwrap();
    let out = fabric_ha(tmp.path(), &["artifact", "remove", id]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(info(tmp.path())["firstRun"], true);
}
