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

#[test]
fn create_warns_on_stderr_and_in_json_when_the_console_zip_is_over_1_mib() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = tmp.path().join("desk");
    // 400 generated peers, each with its own id, name and address, as one console zip.
    let pki = fabric_ha_artifacts::testdata::Pki::new();
    let peers: Vec<_> = (0..400)
        .flat_map(|i| {
            let mut v = pki.peer_v3();
            v["id"] = serde_json::json!(format!("peer{i}"));
            v["display_name"] = serde_json::json!(format!("Peer {i}"));
            v["api_url"] = serde_json::json!(format!("grpcs://peer{i}.org1.example.com:7051"));
            fabric_ha_artifacts::read_json("peer.json", v.to_string().as_bytes()).accepted
        })
        .collect();
    let zip = tmp.path().join("peers.zip");
    std::fs::write(
        &zip,
        fabric_ha_artifacts::export_bulk_zip(&peers, false)
            .unwrap()
            .expose(),
    )
    .unwrap();
    let out = fabric_ha(&desk, &["artifact", "import", zip.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));
    let list = ok_json(&fabric_ha(&desk, &["artifact", "list", "--json"], ""));
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 400);

    let create = |ids: &[&str], file: &str| {
        let bundle = tmp.path().join(file);
        let mut args = vec![
            "bundle",
            "create",
            "--for",
            "eu-de",
            "--unencrypted",
            "--yes",
            "--json",
            "--out",
        ];
        args.push(bundle.to_str().unwrap());
        args.extend(ids);
        let out = fabric_ha(&desk, &args, "");
        let created = ok_json(&out);
        (created, String::from_utf8_lossy(&out.stderr).into_owned())
    };

    let (small, stderr) = create(&ids[..20], "small.bundle.zip");
    assert_eq!(small["warnings"], serde_json::json!([]), "{small:#}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(small["target_console"]["name"], "eu-de");

    let (large, stderr) = create(&ids, "large.bundle.zip");
    let size = large["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "console/bulk-import.zip")
        .unwrap()["size"]
        .as_u64()
        .unwrap();
    assert!(size > 1024 * 1024, "{size}");
    let warnings = large["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{large:#}");
    let warning = warnings[0].as_str().unwrap();
    assert!(
        warning.starts_with(&format!("console/bulk-import.zip has {size} bytes")),
        "{warning}"
    );
    assert!(warning.contains("api/*.json"), "{warning}");
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect::<Vec<_>>(),
        [format!("warning: {warning}")],
        "{stderr}"
    );
    // The manifest's fields stay at the top level.
    assert_eq!(large["components"].as_array().unwrap().len(), 400);
}
