//! The local library: import the committed corpus of console files, export it again, and
//! refuse every bad file without changing anything.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};

use fabric_ha_artifacts::testdata::NOW;
use fabric_ha_artifacts::FindingCode;
use fabric_ha_core::library::{ExportFormat, ImportStatus};
use fabric_ha_core::{ErrorCode, OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;

fn corpus(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/artifacts")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> (String, Vec<u8>) {
    (
        path.file_name().unwrap().to_string_lossy().into_owned(),
        std::fs::read(path).unwrap(),
    )
}

fn unlocked(dir: &Path) -> Workspace {
    Workspace::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Sensitive::new("library tests".into())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap()
}

/// Everything observable about the library: rows and encrypted secrets.
fn snapshot(ws: &Workspace) -> (Vec<String>, usize) {
    let ids = ws.library().unwrap().into_iter().map(|i| i.id).collect();
    let secrets = ws.with_vault(|v, s| Ok(v.ids(s).unwrap().len())).unwrap();
    (ids, secrets)
}

fn import(ws: &Workspace, path: &Path) -> fabric_ha_core::library::ImportedFile {
    let mut report = ws.import_files_at(vec![read(path)], NOW).unwrap();
    assert_eq!(report.files.len(), 1);
    report.files.remove(0)
}

#[test]
fn every_good_file_imports_once_and_a_rerun_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = unlocked(tmp.path());
    for path in corpus("good") {
        let file = import(&ws, &path);
        assert_ne!(
            file.status,
            ImportStatus::Rejected,
            "{}: {:?}",
            file.file,
            file.findings
        );
        assert!(!file.artifacts.is_empty(), "{} stored something", file.file);
    }
    let before = snapshot(&ws);
    assert!(
        before.0.len() >= 8,
        "the library holds the corpus: {:?}",
        before.0
    );
    assert!(before.1 >= 2, "identity keys are stored encrypted");

    for path in corpus("good") {
        let file = import(&ws, &path);
        assert!(
            file.artifacts.iter().all(|a| !a.new),
            "{}: re-import is a no-op",
            file.file
        );
    }
    assert_eq!(
        snapshot(&ws),
        before,
        "same content imported twice is one artifact"
    );
}

#[test]
fn every_bad_file_is_rejected_precisely_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = unlocked(tmp.path());
    import(
        &ws,
        &corpus("good")
            .into_iter()
            .find(|p| p.ends_with("ca-v3.json"))
            .unwrap(),
    );
    let before = snapshot(&ws);
    let bad = corpus("bad");
    assert!(
        bad.len() >= 40,
        "the corpus has at least 40 malformed files"
    );
    for path in bad {
        let file = import(&ws, &path);
        assert_eq!(
            file.status,
            ImportStatus::Rejected,
            "{} must be rejected",
            file.file
        );
        let error = file.findings.iter().find(|f| f.is_error()).unwrap();
        assert!(
            error.file.starts_with(&file.file),
            "the finding names the file: {error:?}"
        );
        assert!(!error.message.is_empty());
        assert!(file.artifacts.is_empty());
        assert_eq!(snapshot(&ws), before, "{} changed the library", file.file);
    }
}

#[test]
fn each_kind_round_trips_through_the_library() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = unlocked(tmp.path());
    for name in [
        "ca-v3.json",
        "ca-legacy.json",
        "msp-v3.json",
        "peer-v3.json",
        "peer-legacy.json",
        "orderer-node.json",
        "orderer-cluster.json",
        "identity.json",
    ] {
        let path = corpus("good")
            .into_iter()
            .find(|p| p.ends_with(name))
            .unwrap();
        let file = import(&ws, &path);
        let id = &file.artifacts[0].id;
        let keys = name.starts_with("identity");
        let export = ws
            .export(std::slice::from_ref(id), keys, ExportFormat::Json)
            .unwrap();
        let original: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let exported: serde_json::Value = serde_json::from_slice(export.bytes.expose()).unwrap();
        assert_eq!(
            exported, original,
            "{name}: same keys and values after the library"
        );
        assert_eq!(export.contains_private_keys, keys);
    }
}

#[test]
fn an_msp_with_the_same_id_and_other_roots_is_a_visible_conflict() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = unlocked(tmp.path());
    let good = corpus("good")
        .into_iter()
        .find(|p| p.ends_with("msp-v3.json"))
        .unwrap();
    import(&ws, &good);
    let before = snapshot(&ws);
    // Same msp_id, a root of another organization.
    let pki = fabric_ha_artifacts::testdata::Pki::new();
    let msp = serde_json::json!({
        "admins": [pki.foreign_admin.b64()],
        "display_name": "Org1 MSP (other network)",
        "host_url": "https://console.other.example.com:443",
        "msp_id": "org1msp",
        "root_certs": [pki.foreign_root.b64()],
        "type": "msp"
    })
    .to_string();
    let file = ws
        .import_files_at(
            vec![("other-org1msp_msp.json".into(), msp.into_bytes())],
            NOW,
        )
        .unwrap()
        .files
        .remove(0);
    assert_eq!(file.status, ImportStatus::Rejected);
    let conflict = file
        .findings
        .iter()
        .find(|f| f.message.contains("conflict: MSP 'org1msp'"))
        .unwrap_or_else(|| panic!("{:?}", file.findings));
    assert_eq!(conflict.code, FindingCode::MspConflict);
    assert_eq!(conflict.params["msp"], "org1msp");
    assert!(conflict.message.contains(&conflict.params["place"]));
    assert_eq!(snapshot(&ws), before);
}

#[test]
fn identities_need_unlocked_secrets_and_their_keys_never_reach_the_database_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let identity = corpus("good")
        .into_iter()
        .find(|p| p.ends_with("identity.json"))
        .unwrap();
    let text: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&identity).unwrap()).unwrap();
    let key_b64 = text["private_key"].as_str().unwrap().to_owned();

    // Locked: rejected with the reason, nothing stored.
    let locked = Workspace::open(OpenOptions {
        data_dir: tmp.path().to_path_buf(),
        passphrase: None,
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap();
    let file = import(&locked, &identity);
    assert_eq!(file.status, ImportStatus::Rejected);
    assert!(
        file.findings
            .iter()
            .any(|f| f.message.contains("secrets are locked")),
        "{:?}",
        file.findings
    );
    assert!(locked.library().unwrap().is_empty());
    drop(locked);

    let ws = unlocked(tmp.path());
    let file = import(&ws, &identity);
    assert_eq!(file.status, ImportStatus::Accepted, "{:?}", file.findings);
    let id = file.artifacts[0].id.clone();

    // Not without the explicit confirmation.
    let err = ws
        .export(std::slice::from_ref(&id), false, ExportFormat::Auto)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    // Everything without confirmation: nothing but the identity is there, so nothing to export;
    // with a CA beside it, a zip without the identity.
    let err = ws.export(&[], false, ExportFormat::Auto).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    import(
        &ws,
        &corpus("good")
            .into_iter()
            .find(|p| p.ends_with("ca-v3.json"))
            .unwrap(),
    );
    let zip = ws.export(&[], false, ExportFormat::Auto).unwrap();
    assert!(!zip.contains_private_keys);
    assert!(zip.file_name.starts_with("FOC.") && zip.file_name.ends_with(".zip"));
    let with_keys = ws.export(&[], true, ExportFormat::Zip).unwrap();
    assert!(with_keys.contains_private_keys);

    drop(ws);
    let pem = String::from_utf8(base64_decode(&key_b64)).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    for file in std::fs::read_dir(tmp.path()).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            for needle in [key_b64.as_bytes(), body.as_bytes(), &body.as_bytes()[..40]] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "the private key is in clear in {}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_wallet_knows_the_issuing_ca_and_the_msps_an_identity_administers() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = unlocked(tmp.path());
    for name in ["ca-v3.json", "msp-v3.json", "identity.json"] {
        import(
            &ws,
            &corpus("good")
                .into_iter()
                .find(|p| p.ends_with(name))
                .unwrap(),
        );
    }
    let items = ws.library().unwrap();
    let admin = items
        .iter()
        .find(|i| i.display_name == "Org1 Admin")
        .unwrap();
    assert_eq!(admin.issuing_cas, ["Org1 CA"]);
    assert_eq!(admin.administers, ["org1msp"]);
    assert!(admin
        .expires_at
        .as_deref()
        .unwrap()
        .starts_with("2036-01-01"));
    let msp = items
        .iter()
        .find(|i| i.msp_id.as_deref() == Some("org1msp"))
        .unwrap();
    assert!(msp.node_ou_enabled);
    assert_eq!(msp.file_name, "Org1 MSP_msp.json");
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// The start-up script carries what the three start-up commands answer, and whatever a path
/// holds (quotes, backslashes, `</script>`, line and paragraph separators) stays data.
#[test]
fn the_startup_script_carries_the_start_page_data_as_inert_json() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent
        .path()
        .join("a \"quoted\" \\ </script><script>alert(1)</script> \u{2028}\u{2029} dir");
    let ws = unlocked(&dir);
    for path in corpus("good").into_iter().take(3) {
        import(&ws, &path);
    }
    let data = fabric_ha_core::StartupData::read(&ws).unwrap();
    assert_eq!(data.info, ws.info().unwrap());
    assert_eq!(data.settings, ws.settings().unwrap());
    assert_eq!(data.library, ws.library().unwrap());
    assert!(!data.library.is_empty());

    let origins = vec![
        "tauri://localhost".to_string(),
        "http://tauri.localhost".to_string(),
    ];
    let script = data.init_script(&origins).unwrap();
    let literal = script
        .strip_prefix(
            r#"if (["tauri://localhost","http://tauri.localhost"].includes(window.location.origin)) window.__FHD_STARTUP__ = JSON.parse("#,
        )
        .and_then(|s| s.strip_suffix(");"))
        .expect("one guarded assignment of one JSON.parse call");
    // One string literal: it starts and ends with the only unescaped quotes.
    let inner = &literal[1..literal.len() - 1];
    assert!(literal.starts_with('"') && literal.ends_with('"'));
    let mut escaped = false;
    for c in inner.chars() {
        assert!(
            escaped || c != '"',
            "an unescaped quote would end the literal"
        );
        escaped = !escaped && c == '\\';
    }
    let json: String = serde_json::from_str(literal).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value, serde_json::to_value(&data).unwrap());
    assert_eq!(value["info"]["dataDir"], dir.display().to_string());
}
