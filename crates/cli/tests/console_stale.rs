//! `fabric-ha console import|copy` against a test console that holds a stale record: a peer
//! imported before it was re-created, at the same address with an older TLS certificate and
//! TLS root.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fabric_ha_artifacts::testdata::{issue, Key, Pki, Spec};
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::{json, Value};

fn fabric_ha(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_fabric-ha"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", "cli stale-record tests")
        .env_remove("FABRIC_HA_HOME")
        .env_remove("FABRIC_HA_API_SECRET")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    eprintln!("$ fabric-ha {}\n{}", args.join(" "), text(&out));
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

/// The peer's file as it was before the peer was re-created: the same address, the TLS
/// certificate and TLS root of the earlier network.
fn stale_peer(pki: &Pki) -> Value {
    let mut peer = pki.peer_v3();
    let (tls, root) = (pki.foreign_tls.b64(), pki.foreign_root.b64());
    peer["msp"]["component"]["tls_cert"] = json!(tls);
    peer["msp"]["tlsca"]["root_certs"] = json!([root]);
    peer["pem"] = json!(tls);
    peer["tls_cert"] = json!(tls);
    peer["tls_ca_root_cert"] = json!(root);
    peer
}

fn peer_record(tc: &TestConsole) -> Value {
    let peers: Vec<Value> = tc
        .components()
        .into_iter()
        .filter(|c| c["type"] == "fabric-peer")
        .collect();
    assert_eq!(peers.len(), 1, "one record of the peer: {peers:?}");
    peers.into_iter().next().unwrap()
}

#[test]
fn import_names_other_certificates_and_update_makes_the_record_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let tc = TestConsole::start_blocking(TestConsoleConfig::default()).unwrap();
    let ca = tmp.path().join("console-ca.pem");
    std::fs::write(&ca, tc.ca_cert_pem().unwrap()).unwrap();
    let (key, secret) = tc.writer_key();
    let url = tc.url();
    let out = fabric_ha(
        &ws,
        &[
            "console",
            "add",
            "r2",
            "--url",
            &url,
            "--api-key",
            &key,
            "--ca-cert",
            ca.to_str().unwrap(),
        ],
        &[("FABRIC_HA_API_SECRET", &secret)],
    );
    assert!(out.status.success(), "{}", text(&out));

    // The console holds the peer's record from before it was re-created.
    let pki = Pki::new();
    let old = write(tmp.path(), "old_peer.json", &stale_peer(&pki));
    let out = fabric_ha(
        &ws,
        &["console", "import", "r2", old.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stale = peer_record(&tc);

    // The peer as it is now: same address, other certificates. Not "already present".
    let fresh = write(tmp.path(), "Org1 Peer 1_peer.json", &pki.peer_v3());
    let fresh = fresh.to_str().unwrap();
    let out = fabric_ha(&ws, &["console", "import", "r2", fresh], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains(
            "present with other certificates  Org1 Peer 1 (peer) as org1peer1: TLS \
             certificate (msp.component.tls_cert), TLS root certificates (msp.tlsca.root_certs)"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("run again with --update to update org1peer1"),
        "{shown}"
    );
    assert!(!shown.contains("already present"), "{shown}");
    assert_eq!(peer_record(&tc), stale, "nothing changed");
    let report: Value = serde_json::from_slice(
        &fabric_ha(&ws, &["console", "import", "r2", fresh, "--json"], &[]).stdout,
    )
    .unwrap();
    let item = &report["items"][0];
    assert_eq!(item["outcome"], "presentWithOtherCertificates");
    assert_eq!(
        item["differences"],
        json!(["msp.component.tls_cert", "msp.tlsca.root_certs"])
    );
    assert_eq!(item["updatable"], true);

    // --update: the record gets the peer's certificates through the edit route.
    let out = fabric_ha(&ws, &["console", "import", "r2", fresh, "--update"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(
            "updated          Org1 Peer 1 (peer) as org1peer1: TLS certificate \
             (msp.component.tls_cert), TLS root certificates (msp.tlsca.root_certs)"
        ),
        "{}",
        text(&out)
    );
    let record = peer_record(&tc);
    assert_eq!(
        record["msp"]["component"]["tls_cert"],
        json!(pki.peer_tls.b64())
    );
    assert_eq!(
        record["msp"]["tlsca"]["root_certs"],
        json!([pki.tls_root.b64()])
    );
    for key in ["id", "display_name", "api_url", "grpcwp_url", "timestamp"] {
        assert_eq!(record[key], stale[key], "{key} unchanged");
    }
    assert_eq!(
        record["msp"]["component"]["ecert"],
        stale["msp"]["component"]["ecert"]
    );

    // A second import: already present.
    let out = fabric_ha(&ws, &["console", "import", "r2", fresh], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("already present  Org1 Peer 1 (peer) as org1peer1"),
        "{}",
        text(&out)
    );
    // The old file now is the stale one.
    let out = fabric_ha(
        &ws,
        &["console", "import", "r2", old.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("present with other certificates"));

    // A CA whose TLS certificate was renewed: named, but the edit route cannot change it.
    let mut old_ca = pki.ca_v3();
    let earlier = issue(
        &Spec::tls("ca.org1.example.com", 93),
        Key::p256("ca-tls-earlier"),
        Some(&pki.ca_root),
    )
    .b64();
    for key in ["pem", "tls_cert"] {
        old_ca[key] = json!(earlier);
    }
    old_ca["msp"]["component"]["tls_cert"] = json!(earlier);
    let old_ca = write(tmp.path(), "old_ca.json", &old_ca);
    let out = fabric_ha(
        &ws,
        &["console", "import", "r2", old_ca.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let fresh_ca = write(tmp.path(), "Org1 CA_ca.json", &pki.ca_v3());
    let out = fabric_ha(
        &ws,
        &[
            "console",
            "import",
            "r2",
            fresh_ca.to_str().unwrap(),
            "--update",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains(
            "present with other certificates  Org1 CA (ca) as org1ca: TLS certificate \
             (msp.component.tls_cert)"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("Remove org1ca in the console and import the CA again"),
        "{shown}"
    );
    assert!(!shown.contains("run again with"), "{shown}");
    tc.shutdown_blocking();
}

#[test]
fn copy_update_takes_the_source_console_s_certificates() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let consoles = [
        TestConsole::start_blocking(TestConsoleConfig::default()).unwrap(),
        TestConsole::start_blocking(TestConsoleConfig::default()).unwrap(),
    ];
    for (name, tc) in ["r1", "r2"].iter().zip(&consoles) {
        let ca = tmp.path().join(format!("{name}-ca.pem"));
        std::fs::write(&ca, tc.ca_cert_pem().unwrap()).unwrap();
        let (key, secret) = tc.writer_key();
        let out = fabric_ha(
            &ws,
            &[
                "console",
                "add",
                name,
                "--url",
                &tc.url(),
                "--api-key",
                &key,
                "--ca-cert",
                ca.to_str().unwrap(),
            ],
            &[("FABRIC_HA_API_SECRET", &secret)],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    let pki = Pki::new();
    let fresh = write(tmp.path(), "fresh_peer.json", &pki.peer_v3());
    let old = write(tmp.path(), "old_peer.json", &stale_peer(&pki));
    for (name, file) in [("r1", &fresh), ("r2", &old)] {
        let out = fabric_ha(
            &ws,
            &["console", "import", name, file.to_str().unwrap()],
            &[],
        );
        assert!(out.status.success(), "{}", text(&out));
    }

    let out = fabric_ha(&ws, &["console", "copy", "r1", "r2", "org1peer1"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("present with other certificates"));
    let out = fabric_ha(
        &ws,
        &[
            "console",
            "copy",
            "r1",
            "r2",
            "org1peer1",
            "--update",
            "--json",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["items"][0]["outcome"], "updated");
    assert_eq!(report["items"][0]["sourceConsole"], "r1");
    let out = fabric_ha(&ws, &["console", "copy", "r1", "r2", "org1peer1"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("already present"));
    assert_eq!(
        peer_record(&consoles[1])["msp"]["component"]["tls_cert"],
        peer_record(&consoles[0])["msp"]["component"]["tls_cert"]
    );
    for tc in consoles {
        tc.shutdown_blocking();
    }
}
