//! The window's bundle calls: a bundle built from the form's JSON, in memory, then written where
//! the user chose; dropped files recognised as bundles by their content; and failures that carry
//! the codes the UI turns into sentences (no key, wrong passphrase, a changed entry named).
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::path::Path;

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_core::bundles::{
    is_bundle_file, ApplyTarget, BundleBuildInput, BundleKeyInput, BUNDLE_EXTENSION,
};
use fabric_ha_core::library::{self, ExportFormat};
use fabric_ha_core::{CoreError, IpcError, OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;
use serde_json::{json, Value};

const PASSPHRASE: &str = "carried-by-hand-canary";

fn workspace(dir: &Path) -> Workspace {
    Workspace::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Sensitive::new("bundle app tests".to_owned())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap()
}

/// A workspace with a CA, an MSP and a peer in its library; their ids.
fn desk(dir: &Path) -> (Workspace, Vec<String>) {
    let ws = workspace(dir);
    let pki = Pki::new();
    let files: Vec<(String, Vec<u8>)> = [
        ("ca.json", pki.ca_v3()),
        ("msp.json", pki.msp()),
        ("peer.json", pki.peer_v3()),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), v.to_string().into_bytes()))
    .collect();
    let report = ws.import_files(files).unwrap();
    let ids = report
        .files
        .iter()
        .flat_map(|f| f.artifacts.iter().map(|a| a.id.clone()))
        .collect();
    (ws, ids)
}

/// The form's JSON, as the webview sends it.
fn build_input(ids: &[String], protection: Value) -> BundleBuildInput {
    serde_json::from_value(json!({
        "target": "eu de/1",
        "contents": { "artifacts": ids },
        "protection": protection,
        "includeIdentities": false,
        "sign": true,
    }))
    .unwrap()
}

fn key(value: Value) -> BundleKeyInput {
    serde_json::from_value(value).unwrap()
}

/// The error as it reaches the window.
fn ipc(err: CoreError) -> Value {
    serde_json::to_value(IpcError::from(err)).unwrap()
}

/// Rewrites a stored bundle zip with one entry's bytes changed.
fn tamper(path: &Path, entry: &str) {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = String::from_utf8(file.name_raw().to_vec()).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == entry {
            data.extend_from_slice(b"\nchanged on the way\n");
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn unencrypted_needs_the_confirmation_and_a_changed_entry_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (ws, ids) = desk(&tmp.path().join("desk"));

    let refused = ws
        .bundle_build(build_input(
            &ids,
            json!({ "kind": "unencrypted", "confirmed": false }),
        ))
        .unwrap_err();
    let refused = ipc(refused);
    assert_eq!(refused["code"], "InvalidInput");
    assert_eq!(refused["details"]["field"], "unencrypted");

    let built = ws
        .bundle_build(build_input(
            &ids,
            json!({ "kind": "unencrypted", "confirmed": true }),
        ))
        .unwrap();
    assert!(!built.encrypted);
    assert_eq!(built.file_name, format!("eu-de-1.{BUNDLE_EXTENSION}.zip"));
    assert_eq!(built.manifest.components.len(), 3);
    assert!(built.manifest.signer_public_key.is_some());
    let path = tmp.path().join(&built.file_name);
    built.write(&path).unwrap();
    assert!(is_bundle_file(&path), "a zip with a bundle manifest");

    let verified = ws
        .bundle_verify(&path, &key(json!({ "kind": "none" })).into_key().unwrap())
        .unwrap();
    assert_eq!(verified.files_checked, built.manifest.files.len());

    tamper(&path, "steps.md");
    assert!(is_bundle_file(&path), "still a bundle, just a changed one");
    let err = ws
        .bundle_verify(&path, &key(json!({ "kind": "none" })).into_key().unwrap())
        .unwrap_err();
    let err = ipc(err);
    assert_eq!(err["code"], "bundle_tampered");
    assert_eq!(err["details"]["entry"], "steps.md");
    assert!(err["message"].as_str().unwrap().contains("\"steps.md\""));
}

#[test]
fn drops_are_told_apart_by_content() {
    let tmp = tempfile::tempdir().unwrap();
    let (ws, ids) = desk(&tmp.path().join("desk"));
    // A console bulk zip is a zip too, but has no bundle manifest.
    let export = ws.export(&ids, false, ExportFormat::Zip).unwrap();
    let bulk = tmp.path().join("bulk.bundle");
    library::write_export(&bulk, &export).unwrap();
    assert!(!is_bundle_file(&bulk));
    let json_file = tmp.path().join("peer.json");
    std::fs::write(&json_file, Pki::new().peer_v3().to_string()).unwrap();
    assert!(!is_bundle_file(&json_file));
    let age = tmp.path().join("anything");
    std::fs::write(&age, b"age-encryption.org/v1\n-> scrypt abc 18\n").unwrap();
    assert!(is_bundle_file(&age), "age-encrypted, whatever its name");
    assert!(!is_bundle_file(&tmp.path().join("missing")));
}

#[test]
fn passphrase_bundle_from_the_form_opens_only_with_its_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let (ws, ids) = desk(&tmp.path().join("desk"));
    let input = build_input(
        &ids,
        json!({ "kind": "passphrase", "passphrase": PASSPHRASE }),
    );
    assert!(
        !format!("{input:?}").contains(PASSPHRASE),
        "the passphrase is a secret as soon as it is read"
    );
    let built = ws.bundle_build(input).unwrap();
    assert!(built.encrypted);
    assert_eq!(built.file_name, format!("eu-de-1.{BUNDLE_EXTENSION}"));
    let files = built.manifest.files.len();
    let path = tmp.path().join(&built.file_name);
    built.write(&path).unwrap();
    assert!(is_bundle_file(&path));

    let far = workspace(&tmp.path().join("far"));
    let none = far
        .bundle_inspect(&path, &key(json!({ "kind": "none" })).into_key().unwrap())
        .unwrap_err();
    assert_eq!(ipc(none)["code"], "bundle_key_needed");
    let wrong = key(json!({ "kind": "passphrase", "passphrase": "not it" }))
        .into_key()
        .unwrap();
    let wrong = ipc(far.bundle_verify(&path, &wrong).unwrap_err());
    assert_eq!(wrong["code"], "bundle_wrong_key");
    assert_eq!(wrong["details"]["file"], "eu-de-1.bundle");
    let missing = key(json!({ "kind": "identityFile", "path": tmp.path().join("no-key.txt") }))
        .into_key()
        .unwrap_err();
    assert_eq!(ipc(missing)["details"]["field"], "identity");

    let right = || {
        key(json!({ "kind": "passphrase", "passphrase": PASSPHRASE }))
            .into_key()
            .unwrap()
    };
    let target: ApplyTarget = serde_json::from_value(json!("library")).unwrap();
    let report = far.bundle_apply(&path, &right(), &target).unwrap();
    assert!(report.library.unwrap().all_accepted());
    assert_eq!(far.library().unwrap().len(), 3);
    let report = serde_json::to_value(far.bundle_apply(&path, &right(), &target).unwrap()).unwrap();
    assert_eq!(report["verification"]["filesChecked"], files);
    assert_eq!(report["console"], Value::Null);
    assert_eq!(
        far.library().unwrap().len(),
        3,
        "applied twice, stored once"
    );
}
