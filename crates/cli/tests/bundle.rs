//! `fabric-ha bundle ...` as a user carries components to a console they cannot reach: create on
//! one workspace, inspect / verify / apply on another.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const PASSPHRASE: &str = "cli bundle tests";
const BUNDLE_PASSPHRASE: &str = "carried by hand";

fn corpus(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/artifacts/good")
        .join(file)
}

fn fabric_ha(data_dir: &Path, args: &[&str], bundle_passphrase: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fabric-ha"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", PASSPHRASE)
        .env("FABRIC_HA_BUNDLE_PASSPHRASE", bundle_passphrase)
        .env_remove("FABRIC_HA_HOME")
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

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn library_names(ws: &Path) -> Vec<String> {
    let list = ok_json(&fabric_ha(ws, &["artifact", "list", "--json"], ""));
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["displayName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn create_inspect_verify_apply_between_two_workspaces() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, remote) = (tmp.path().join("desk"), tmp.path().join("remote"));
    let files = ["ca-v3.json", "msp-v3.json", "peer-v3.json"].map(corpus);
    let mut import = vec!["artifact", "import"];
    import.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = fabric_ha(&desk, &import, "");
    assert!(out.status.success(), "{}", text(&out));
    let list = ok_json(&fabric_ha(&desk, &["artifact", "list", "--json"], ""));
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);

    let bundle = tmp.path().join("eu-de.bundle");
    let mut create = vec!["bundle", "create", "--for", "eu-de", "--sign", "--out"];
    create.push(bundle.to_str().unwrap());
    create.extend(ids.iter().map(String::as_str));
    let out = fabric_ha(&desk, &create, BUNDLE_PASSPHRASE);
    assert!(out.status.success(), "{}", text(&out));
    let bytes = std::fs::read(&bundle).unwrap();
    // Encrypted by default: not even the manifest or a component name shows.
    for plain in ["manifest.json", "Org1 CA", "eu-de"] {
        assert!(
            !bytes.windows(plain.len()).any(|w| w == plain.as_bytes()),
            "{plain:?} is readable in the encrypted bundle"
        );
    }

    let bundle_arg = bundle.to_str().unwrap();
    let inspected = ok_json(&fabric_ha(
        &remote,
        &["bundle", "inspect", bundle_arg, "--json"],
        BUNDLE_PASSPHRASE,
    ));
    assert_eq!(inspected["manifest"]["target_console"]["name"], "eu-de");
    assert!(library_names(&remote).is_empty(), "inspect applies nothing");

    let out = fabric_ha(
        &remote,
        &["bundle", "verify", bundle_arg],
        BUNDLE_PASSPHRASE,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("signed by"), "{}", text(&out));
    let wrong = fabric_ha(
        &remote,
        &["bundle", "verify", bundle_arg],
        "not the passphrase",
    );
    assert!(!wrong.status.success());
    assert!(text(&wrong).contains("passphrase"), "{}", text(&wrong));

    let out = fabric_ha(
        &remote,
        &["bundle", "apply", bundle_arg, "--library"],
        BUNDLE_PASSPHRASE,
    );
    assert!(out.status.success(), "{}", text(&out));
    let after = library_names(&remote);
    assert_eq!(
        after,
        library_names(&desk),
        "the remote library holds what was sent"
    );
    // A second apply is a no-op.
    let again = fabric_ha(
        &remote,
        &["bundle", "apply", bundle_arg, "--library"],
        BUNDLE_PASSPHRASE,
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("already present"), "{}", text(&again));
    assert_eq!(library_names(&remote), after);
}
