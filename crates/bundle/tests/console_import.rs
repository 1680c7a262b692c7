//! A bundle's two ways into a console give the same console: its `console/bulk-import.zip`
//! handed to the console's bulk import (Settings → Bulk data management → Import, served by
//! the test console), and its typed `api/*.json` bodies POSTed one by one into another console.
//! The bulk import takes only the layout the console's own export writes (§4.6, §4.6a).
#![allow(clippy::unwrap_used, missing_docs)]

use fabric_ha_artifacts::testdata::{bulk_zip_from, raw_zip, Pki};
use fabric_ha_artifacts::{read_json, Artifact};
use fabric_ha_bundle::*;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::{json, Value};

const BULK_IMPORT: &str = "/ak/api/v3/testbed/bulk-import";

/// Fields the console dialog's import code sends differently from a §4.7 import body: it
/// keeps the file's `location` and an empty `system_channel_id`, and drops a peer's
/// `node_ou`. `timestamp` is the time of the import.
const DIALOG_DIFFERS: [&str; 4] = ["location", "system_channel_id", "node_ou", "timestamp"];

fn artifacts(pki: &Pki) -> Vec<Artifact> {
    [
        pki.ca_v3(),
        pki.msp(),
        pki.peer_v3(),
        pki.orderer_cluster(),
        pki.identity(),
    ]
    .iter()
    .flat_map(|v| read_json("x.json", v.to_string().as_bytes()).accepted)
    .collect()
}

fn bundle(pki: &Pki) -> Opened {
    let spec = BundleSpec {
        target: ConsoleRef {
            name: "eu-de".into(),
            url: None,
        },
        source: None,
        plan: None,
        artifacts: artifacts(pki),
        include_identities: true,
        manual_steps: Vec::new(),
        app_version: "test".into(),
    };
    let created = create(
        &spec,
        &Protection::Passphrase {
            passphrase: fabric_ha_sensitive::Sensitive::new("bulk".into()),
            work_factor: Some(2),
        },
        None,
    )
    .unwrap();
    let key = BundleKey::Passphrase(fabric_ha_sensitive::Sensitive::new("bulk".into()));
    let opened = open(
        "eu-de.bundle",
        created.bytes.expose(),
        &key,
        &Limits::default(),
    )
    .unwrap();
    opened.verify().unwrap();
    opened
}

async fn console() -> (TestConsole, reqwest::Client) {
    let tc = TestConsole::start(TestConsoleConfig {
        rate_limit_per_min: 10_000,
        ..TestConsoleConfig::default()
    })
    .await
    .unwrap();
    let ca = reqwest::Certificate::from_pem(tc.ca_cert_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    (tc, client)
}

async fn post(
    tc: &TestConsole,
    client: &reqwest::Client,
    path: &str,
    body: reqwest::Body,
    content_type: &str,
) -> (u16, Value) {
    let (key, secret) = tc.writer_key();
    let response = client
        .post(format!("{}{path}", tc.url()))
        .basic_auth(key, Some(secret))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn bulk_import(tc: &TestConsole, client: &reqwest::Client, zip: Vec<u8>) -> (u16, Value) {
    post(tc, client, BULK_IMPORT, zip.into(), "application/zip").await
}

/// Every record of a console without the fields the two import paths send differently.
fn comparable(tc: &TestConsole) -> Vec<Value> {
    tc.components()
        .into_iter()
        .map(|mut record| {
            for field in DIALOG_DIFFERS {
                record.as_object_mut().unwrap().remove(field);
            }
            record
        })
        .collect()
}

#[tokio::test]
async fn console_zip_through_bulk_import_equals_typed_import_bodies() {
    let pki = Pki::new();
    let opened = bundle(&pki);
    let zip = opened.console_zip().unwrap().expose().to_vec();
    let bodies: Vec<Value> = opened
        .manifest()
        .files
        .iter()
        .filter(|f| f.role == FileRole::ImportBody)
        .map(|f| serde_json::from_slice(opened.entry(&f.path).unwrap().expose()).unwrap())
        .collect();
    // CA, MSP, peer, three ordering nodes; the identity has no import body.
    assert_eq!(bodies.len(), 6);

    let (by_zip, client_a) = console().await;
    let (status, answer) = bulk_import(&by_zip, &client_a, zip).await;
    assert_eq!(status, 200, "{answer:#}");
    assert_eq!(answer["wallet"], json!(["Org1 Admin"]));
    assert_eq!(answer["skipped"], json!([]));
    assert_eq!(answer["imported"].as_array().unwrap().len(), bodies.len());

    let (by_api, client_b) = console().await;
    for b in &bodies {
        assert_eq!(b["method"], "POST");
        let path = b["path"].as_str().unwrap();
        let (status, answer) = post(
            &by_api,
            &client_b,
            path,
            b["body"].to_string().into(),
            "application/json",
        )
        .await;
        assert_eq!(status, 200, "{path}: {answer:#}");
    }

    let from_zip = comparable(&by_zip);
    let from_api = comparable(&by_api);
    assert_eq!(from_zip.len(), bodies.len());
    // Same ids, types, names, URLs, certificates, MSP definition and cluster, field for field.
    assert_eq!(from_zip, from_api);
    let ids: Vec<(&str, &str)> = from_zip
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["type"].as_str().unwrap()))
        .collect();
    for c in &opened.manifest().components {
        // An ordering service is one component of the manifest and one record per node.
        match c.kind.component_type() {
            None | Some("fabric-orderer") => {}
            Some(kind) => assert!(
                from_zip
                    .iter()
                    .any(|r| r["type"] == kind && r["display_name"] == c.display_name.as_str()),
                "{} missing: {ids:?}",
                c.display_name
            ),
        }
    }
    let orderers = from_zip
        .iter()
        .filter(|r| r["type"] == "fabric-orderer" && r["cluster_id"] == "os1")
        .count();
    assert_eq!(orderers, 3, "{ids:?}");
    by_zip.shutdown().await;
    by_api.shutdown().await;
}

#[tokio::test]
async fn bulk_import_takes_only_the_consoles_export_layout() {
    let pki = Pki::new();
    let (tc, client) = console().await;
    let peer_entry = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = pki.peer_v3();
        let o = v.as_object_mut().unwrap();
        o.remove("id");
        o.insert("associatedIdentityName".into(), json!(""));
        edit(o);
        v
    };
    let peer = peer_entry(&|_| {});
    let peer_bytes = fabric_ha_artifacts::to_console_json(&peer);
    let good = bulk_zip_from(&[("Peers/org1peer1_peer.json".into(), peer.clone())]);

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not a zip", peer_bytes.clone(), "not a zip file"),
        (
            "deflated entries",
            raw_zip(&[
                ("Peers/", b"", false),
                ("Peers/org1peer1_peer.json", &peer_bytes, true),
            ]),
            "compressed",
        ),
        (
            "no folder entry",
            raw_zip(&[("Peers/org1peer1_peer.json", &peer_bytes, false)]),
            "folder entry \"Peers/\" is missing",
        ),
        (
            "a folder the export does not write",
            bulk_zip_from(&[("Nodes/org1peer1_peer.json".into(), peer.clone())]),
            "not a folder of the console's export",
        ),
        (
            "a peer in the MSP folder",
            bulk_zip_from(&[("Organizations/org1peer1_msp.json".into(), peer.clone())]),
            "type Some(\"fabric-peer\") in a file of Organizations/",
        ),
        (
            "a file name without its type",
            bulk_zip_from(&[("Peers/org1peer1.json".into(), peer.clone())]),
            "is named <name>_peer.json",
        ),
        (
            "the id kept",
            bulk_zip_from(&[(
                "Peers/org1peer1_peer.json".into(),
                peer_entry(&|o| {
                    o.insert("id".into(), json!("org1peer1"));
                }),
            )]),
            "drops `id`",
        ),
        (
            "no associatedIdentityName",
            bulk_zip_from(&[(
                "Peers/org1peer1_peer.json".into(),
                peer_entry(&|o| {
                    o.remove("associatedIdentityName");
                }),
            )]),
            "associatedIdentityName",
        ),
        (
            "Wallet/ after another folder",
            bulk_zip_from(&[
                ("Peers/org1peer1_peer.json".into(), peer.clone()),
                ("Wallet/Org1 Admin_identity.json".into(), pki.identity()),
            ]),
            "lists Wallet/ first",
        ),
        (
            "a peer without its gRPC-web proxy",
            bulk_zip_from(&[(
                "Peers/org1peer1_peer.json".into(),
                peer_entry(&|o| {
                    o.remove("grpcwp_url");
                }),
            )]),
            "error_required_fields (grpcwp_url)",
        ),
        (
            "an identity without its key",
            bulk_zip_from(&[(
                "Wallet/Org1 Admin_identity.json".into(),
                json!({"cert": pki.identity()["cert"], "name": "Org1 Admin", "type": "identity"}),
            )]),
            "error_private_key",
        ),
        (
            "larger than the dialog takes",
            raw_zip(&[
                ("Peers/", b"", false),
                ("Peers/big_peer.json", &vec![b' '; 1 << 20], false),
            ]),
            "input_error_file_too_big",
        ),
    ];
    for (what, zip, message) in cases {
        let (status, answer) = bulk_import(&tc, &client, zip).await;
        assert_eq!(status, 400, "{what}: {answer:#}");
        assert!(
            answer["msgs"][0].as_str().unwrap().contains(message),
            "{what}: {answer:#}"
        );
        assert!(tc.components().is_empty(), "{what} imported something");
    }

    // A body the console's typed import refuses stops the import there, with its message.
    let strict = bulk_zip_from(&[
        ("Peers/org1peer1_peer.json".into(), peer.clone()),
        (
            "Organizations/org1msp_msp.json".into(),
            json!({"display_name": "Org1 MSP", "msp_id": "org1 msp", "root_certs": [pki.ca_root.b64()],
                   "admins": [], "host_url": "https://console.example.com", "type": "msp"}),
        ),
    ]);
    let (status, answer) = bulk_import(&tc, &client, strict).await;
    assert_eq!(status, 400, "{answer:#}");
    assert!(
        answer["msgs"][0]
            .as_str()
            .unwrap()
            .starts_with("Organizations/org1msp_msp.json: "),
        "{answer:#}"
    );
    assert_eq!(answer["imported"], json!([]));
    assert!(tc.components().is_empty());

    // A reader may not import.
    let (key, secret) = tc.reader_key();
    let response = client
        .post(format!("{}{BULK_IMPORT}", tc.url()))
        .basic_auth(key, Some(secret))
        .body(good.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);

    let (status, answer) = bulk_import(&tc, &client, good).await;
    assert_eq!(status, 200, "{answer:#}");
    assert_eq!(answer["imported"][0]["id"], "org1peer1");
    assert_eq!(tc.components().len(), 1);
    tc.shutdown().await;
}
