//! Round trips: console file → library → exported file is equivalent to the input, the bulk
//! zip re-exports to the same entries, and import bodies pass the strict key rules.

#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::PathBuf;

use fabric_ha_artifacts::testdata::{Pki, NOW};
use fabric_ha_artifacts::{
    content_hash, export_bulk_zip, export_file_name, export_identity, export_json, import_bodies,
    read_file_with, strict_key_violations, Artifact, ReadOptions,
};
use serde_json::Value;

fn good(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/corpus/artifacts/good")
            .join(name),
    )
    .unwrap()
}

fn read_one(name: &str, bytes: &[u8]) -> Artifact {
    let r = read_file_with(name, bytes, &ReadOptions::at(NOW));
    assert!(r.is_ok(), "{name}: {:#?}", r.findings);
    assert_eq!(r.accepted.len(), 1, "{name}");
    r.accepted.into_iter().next().unwrap()
}

#[test]
fn every_kind_exports_what_it_read() {
    for name in [
        "ca-v3.json",
        "ca-legacy.json",
        "msp-v3.json",
        "msp-legacy.json",
        "peer-v3.json",
        "peer-legacy.json",
        "orderer-node.json",
        "orderer-cluster.json",
    ] {
        let input = good(name);
        let artifact = read_one(name, &input);
        let output = export_json(&artifact);
        let a: Value = serde_json::from_slice(&input).unwrap();
        let b: Value = serde_json::from_slice(&output).unwrap();
        assert_eq!(a, b, "{name}: same keys and values");
        assert_eq!(
            output, input,
            "{name}: byte for byte, as the console writes"
        );
        assert!(!output.ends_with(b"\n"));
    }
}

#[test]
fn identities_keep_the_key_out_of_plain_json() {
    for name in ["identity.json", "identity-sec1-key.json"] {
        let input = good(name);
        let Artifact::Identity(id) = read_one(name, &input) else {
            panic!("{name}")
        };
        assert!(!id.json().contains_key("private_key"));
        let public = export_json(&Artifact::Identity(id.clone()));
        assert!(!String::from_utf8(public).unwrap().contains("private_key"));
        let full = export_identity(&id);
        assert_eq!(full.expose().as_slice(), &input[..], "{name}");
        assert_eq!(format!("{full:?}"), "<redacted>");
        let dbg = format!("{id:?}");
        let key = id.private_key().expose().clone();
        assert!(!dbg.contains(&key[..40]), "Debug leaks the key");
        assert!(!id.name().is_empty());
    }
}

#[test]
fn orderer_shapes_are_kept() {
    let cluster = read_one("orderer-cluster.json", &good("orderer-cluster.json"));
    let Artifact::Orderer(o) = &cluster else {
        panic!()
    };
    assert!(o.is_array());
    assert_eq!(o.nodes().len(), 3);
    assert_eq!(o.cluster_name(), "Org1 Ordering Service");
    assert_eq!(
        export_file_name(&cluster),
        "Org1 Ordering Service_orderer.json"
    );
    let single = read_one("orderer-node.json", &good("orderer-node.json"));
    let Artifact::Orderer(o) = &single else {
        panic!()
    };
    assert!(!o.is_array());
    assert!(export_json(&single).starts_with(b"{"));
    assert_eq!(export_file_name(&single), "Org1 Orderer 1_orderer.json");
}

#[test]
fn file_names_follow_the_console() {
    let ca = read_one("ca-v3.json", &good("ca-v3.json"));
    assert_eq!(export_file_name(&ca), "Org1 CA_ca.json");
    let msp = read_one("msp-v3.json", &good("msp-v3.json"));
    assert_eq!(export_file_name(&msp), "Org1 MSP_msp.json");
    let peer = read_one("peer-v3.json", &good("peer-v3.json"));
    assert_eq!(export_file_name(&peer), "Org1 Peer 1_peer.json");
    let id = read_one("identity.json", &good("identity.json"));
    assert_eq!(export_file_name(&id), "Org1 Admin_identity.json");
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            assert_eq!(f.compression(), zip::CompressionMethod::Stored);
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().unwrap().into_owned(), buf)
        })
        .collect()
}

#[test]
fn the_bulk_zip_re_exports_to_the_same_entries() {
    let input = good("bulk-export.zip");
    let r = read_file_with("bulk-export.zip", &input, &ReadOptions::at(NOW));
    assert!(r.is_ok(), "{:#?}", r.findings);
    assert_eq!(r.accepted.len(), 7);
    let output = export_bulk_zip(&r.accepted, true).unwrap();
    let a = zip_entries(&input);
    let b = zip_entries(output.expose());
    assert_eq!(a[0].0, "Wallet/");
    let names_a: Vec<_> = a.iter().map(|(n, _)| n.as_str()).collect();
    let names_b: Vec<_> = b.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names_a, names_b);
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        if name.ends_with('/') {
            continue;
        }
        let vx: Value = serde_json::from_slice(x).unwrap();
        let vy: Value = serde_json::from_slice(y).unwrap();
        assert_eq!(vx, vy, "{name}");
        assert!(vx.get("id").is_none(), "{name}");
        if !name.starts_with("Wallet/") && !name.starts_with("Organizations/") {
            assert!(vx.get("associatedIdentityName").is_some(), "{name}");
        }
    }
    assert_eq!(output.expose().as_slice(), &input[..], "byte for byte");
    // Without identities there is no Wallet folder and no key anywhere.
    let public = export_bulk_zip(&r.accepted, false).unwrap();
    let entries = zip_entries(public.expose());
    assert!(entries.iter().all(|(n, _)| !n.starts_with("Wallet")));
    assert!(entries
        .iter()
        .all(|(_, b)| !String::from_utf8_lossy(b).contains("private_key")));
    assert_eq!(entries[0].0, "Certificate Authorities/");
}

#[test]
fn single_files_become_bulk_entries_named_by_id() {
    let arts: Vec<Artifact> = [
        "ca-v3.json",
        "peer-v3.json",
        "orderer-cluster.json",
        "msp-v3.json",
    ]
    .iter()
    .map(|n| read_one(n, &good(n)))
    .collect();
    let z = export_bulk_zip(&arts, true).unwrap();
    let names: Vec<String> = zip_entries(z.expose())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "Wallet/",
            "Certificate Authorities/",
            "Certificate Authorities/org1ca_ca.json",
            "Ordering Services/",
            "Ordering Services/os1node1_orderer.json",
            "Ordering Services/os1node2_orderer.json",
            "Ordering Services/os1node3_orderer.json",
            "Peers/",
            "Peers/org1peer1_peer.json",
            "Organizations/",
            "Organizations/org1msp_msp.json",
        ]
    );
    let (_, peer) = zip_entries(z.expose())
        .into_iter()
        .find(|(n, _)| n.starts_with("Peers/o"))
        .unwrap();
    let v: Value = serde_json::from_slice(&peer).unwrap();
    assert_eq!(v["associatedIdentityName"], "");
    assert!(v.get("id").is_none());
    // The same CA hashes the same from the single download and from the bulk entry.
    let back = read_file_with("z.zip", z.expose(), &ReadOptions::at(NOW));
    let ca_back = back
        .accepted
        .iter()
        .find(|a| matches!(a, Artifact::Ca(_)))
        .unwrap();
    assert_eq!(content_hash(ca_back), content_hash(&arts[0]));
    if let Artifact::Ca(c) = ca_back {
        assert_eq!(c.id(), Some("org1ca"));
    }
}

#[test]
fn import_bodies_pass_the_strict_key_rules() {
    for name in [
        "ca-v3.json",
        "ca-legacy.json",
        "msp-v3.json",
        "msp-legacy.json",
        "peer-v3.json",
        "peer-legacy.json",
        "orderer-node.json",
        "orderer-cluster.json",
        "identity.json",
    ] {
        let a = read_one(name, &good(name));
        let bodies = import_bodies(&a);
        let expected = match &a {
            Artifact::Orderer(o) => o.nodes().len(),
            Artifact::Identity(_) => 0,
            _ => 1,
        };
        assert_eq!(bodies.len(), expected, "{name}");
        for b in &bodies {
            assert_eq!(
                strict_key_violations(b.component_type, &b.body),
                Vec::<String>::new(),
                "{name}"
            );
            assert!(b.body.get("id").is_none(), "{name}");
        }
    }
    // Replaying an export as-is fails the console's strict keys (pitfall 5).
    let raw: Value = serde_json::from_slice(&good("peer-v3.json")).unwrap();
    let v = strict_key_violations("fabric-peer", &raw);
    for k in [
        "pem",
        "tls_cert",
        "name",
        "scheme_version",
        "tls_ca_root_cert",
    ] {
        assert!(v.iter().any(|x| x == k), "{k} in {v:?}");
    }
    let mut nested = raw.clone();
    nested["msp"]["intermediate_tlsca"] = serde_json::json!({"root_certs": []});
    assert!(strict_key_violations("fabric-peer", &nested)
        .contains(&"msp.intermediate_tlsca".to_owned()));
}

#[test]
fn legacy_files_are_mapped_to_the_v3_shape() {
    let pki = Pki::new();
    let peer = read_one("peer-legacy.json", &good("peer-legacy.json"));
    let body = &import_bodies(&peer)[0].body;
    assert_eq!(body["msp"]["tlsca"]["root_certs"][0], pki.tls_root.b64());
    assert_eq!(body["msp"]["component"]["tls_cert"], pki.peer_tls.b64());
    assert_eq!(body["msp_id"], "org1msp");
    let ca = read_one("ca-legacy.json", &good("ca-legacy.json"));
    let body = &import_bodies(&ca)[0].body;
    assert_eq!(body["msp"]["ca"]["name"], "ca");
    assert_eq!(body["msp"]["tlsca"]["name"], "tlsca");
    assert_eq!(body["msp"]["component"]["tls_cert"], pki.ca_tls.b64());
    let Artifact::Ca(c) = &ca else { panic!() };
    assert_eq!(c.tls_cert(), &pki.ca_tls.cert());
    let cluster = read_one("orderer-cluster.json", &good("orderer-cluster.json"));
    let bodies = import_bodies(&cluster);
    assert!(bodies
        .iter()
        .all(|b| b.body["cluster_id"] == "os1" && b.body.get("system_channel_id").is_none()));
    let msp = read_one("msp-v3.json", &good("msp-v3.json"));
    let body = &import_bodies(&msp)[0].body;
    for k in ["id", "type", "name", "scheme_version"] {
        assert!(body.get(k).is_none(), "{k}");
    }
    assert_eq!(body["host_url"], "https://console.us-east.example.com:443");
    assert!(body.get("fabric_node_ous").is_some());
}
