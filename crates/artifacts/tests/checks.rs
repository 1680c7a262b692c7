//! Behaviour of the checks beyond the corpus: warnings, detection, chains, wallet matching,
//! secrets in reports.

#![allow(clippy::unwrap_used)]

use fabric_ha_artifacts::testdata::{issue, Key, Pki, Spec, GOOD_FROM, GOOD_UNTIL, NOW};
use fabric_ha_artifacts::{
    can_administer, is_member, issuing_root, read_file_with, to_console_json, Artifact,
    ArtifactKind, Finding, FindingCode, ReadOptions, Severity,
};
use serde_json::{json, Value};

fn read(v: &Value) -> fabric_ha_artifacts::FileReport {
    read_file_with("t.json", &to_console_json(v), &ReadOptions::at(NOW))
}

#[test]
fn expiring_within_30_days_is_a_warning_only() {
    let pki = Pki::new();
    let mut peer = pki.peer_legacy();
    peer["tls_cert"] = Value::String(pki.expiring_soon.b64());
    let r = read(&peer);
    assert!(r.is_ok(), "{:#?}", r.findings);
    let w: Vec<_> = r.warnings().collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(w[0].path, "$.tls_cert");
    assert!(
        w[0].message.contains("expires in 10 days"),
        "{}",
        w[0].message
    );
    assert_eq!(r.accepted.len(), 1);
    // Thirty-one days later it has expired: an error.
    let later = read_file_with(
        "t.json",
        &to_console_json(&peer),
        &ReadOptions::at(NOW + 31 * 86_400),
    );
    assert!(!later.is_ok());
}

/// The params of a finding, as `(name, value)` pairs in name order.
fn params(f: &Finding) -> Vec<(&str, &str)> {
    f.params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn findings_carry_a_code_and_the_values_their_sentence_names() {
    let pki = Pki::new();
    let mut peer = pki.peer_legacy();
    peer["tls_cert"] = Value::String(pki.expiring_soon.b64());
    let r = read(&peer);
    let w = r.warnings().next().unwrap();
    assert_eq!(w.code, FindingCode::CertExpiresSoon);
    assert_eq!(w.params["days"], "10");
    assert!(w.message.contains(&w.params["date"]), "{}", w.message);
    assert!(w.params["date"].ends_with('Z'), "RFC 3339: {:?}", w.params);
    let described = format!(
        "subject '{}', issuer '{}'",
        w.params["subject"], w.params["issuer"]
    );
    assert!(w.message.contains(&described), "{}", w.message);

    let mut peer = pki.peer_v3();
    peer.as_object_mut().unwrap().remove("msp_id");
    peer["api_url"] = json!("https://peer.example.com:7051");
    let r = read(&peer);
    let codes: Vec<_> = r.errors().map(|f| (f.code, params(f))).collect();
    assert!(
        codes.contains(&(FindingCode::Missing, vec![("field", "msp_id")])),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(
            FindingCode::UrlSchemeGrpc,
            vec![
                ("field", "api_url"),
                ("url", "https://peer.example.com:7051")
            ]
        )),
        "{codes:?}"
    );

    // A certificate pasted as PEM text: the reason has its own code.
    let mut peer = pki.peer_legacy();
    peer["tls_cert"] = json!("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    let r = read(&peer);
    let e = r.errors().next().unwrap();
    assert_eq!(e.code, FindingCode::NotB64Pem);
    assert_eq!(e.params["field"], "tls_cert");
    assert_eq!(e.params["reasonCode"], "rawPem");
    assert!(e.message.contains(&e.params["reason"]), "{}", e.message);

    let r = read(&json!([pki.peer_v3(), pki.peer_v3()]));
    let dup = r.warnings().next().unwrap();
    assert_eq!(dup.code, FindingCode::DuplicateComponent);
    assert_eq!(dup.params["kind"], "peer");
    assert_eq!(dup.params["other"], "t.json[0]");

    // The JSON the CLI prints and the window receives: code in camelCase, params by name.
    let json = serde_json::to_value(dup).unwrap();
    assert_eq!(json["code"], "duplicateComponent");
    assert_eq!(json["params"]["name"], dup.params["name"]);
}

#[test]
fn kinds_are_detected_from_content_not_names() {
    let pki = Pki::new();
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("type");
        v
    };
    let cases = [
        (strip(pki.ca_v3()), ArtifactKind::Ca),
        (strip(pki.msp()), ArtifactKind::Msp),
        (strip(pki.peer_v3()), ArtifactKind::Peer),
        (strip(pki.orderer_node(1)), ArtifactKind::Orderer),
        (strip(pki.identity()), ArtifactKind::Identity),
    ];
    for (v, kind) in cases {
        let r = read_file_with(
            "misleading_name_peer.json",
            &to_console_json(&v),
            &ReadOptions::at(NOW),
        );
        assert!(r.is_ok(), "{kind:?}: {:#?}", r.findings);
        assert_eq!(r.artifacts[0].kind, kind);
    }
}

#[test]
fn a_bulk_json_array_of_mixed_objects() {
    let pki = Pki::new();
    let arr = json!([
        pki.ca_v3(),
        pki.orderer_node(0),
        pki.orderer_node(1),
        pki.identity()
    ]);
    let r = read(&arr);
    assert!(r.is_ok(), "{:#?}", r.findings);
    let kinds: Vec<_> = r.artifacts.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            ArtifactKind::Ca,
            ArtifactKind::Orderer,
            ArtifactKind::Orderer,
            ArtifactKind::Identity
        ]
    );
    assert_eq!(r.artifacts[1].source, "t.json[1]");
    // Errors inside name the element.
    let mut bad = arr.clone();
    bad[2]["api_url"] = json!("grpcs://nope");
    let r = read(&bad);
    assert_eq!(r.errors().next().unwrap().path, "$[2].api_url");
}

#[test]
fn a_cas_tls_cert_may_be_issued_by_the_ca_itself_but_a_peers_may_not() {
    let pki = Pki::new();
    // ca_tls is issued by the CA root, not the TLS root: fine for a CA (§4.6a).
    assert!(read(&pki.ca_v3()).is_ok());
    let mut peer = pki.peer_legacy();
    peer["tls_cert"] = Value::String(pki.ca_tls.b64());
    let r = read(&peer);
    assert!(
        r.errors().any(|f| f.message.contains("does not chain")),
        "{:#?}",
        r.findings
    );
}

#[test]
fn node_tls_certs_may_chain_through_an_intermediate() {
    let pki = Pki::new();
    let inter = issue(
        &Spec::ca("tls-intermediate", 80),
        Key::p256("tls-inter"),
        Some(&pki.tls_root),
    );
    let leaf = issue(
        &Spec::tls("peer9.example.com", 81),
        Key::p256("peer9"),
        Some(&inter),
    );
    let mut peer = pki.peer_v3();
    for k in ["pem", "tls_cert"] {
        peer[k] = Value::String(leaf.b64());
    }
    peer["msp"]["component"]["tls_cert"] = Value::String(leaf.b64());
    let r = read(&peer);
    assert!(r.errors().any(|f| f.message.contains("does not chain")));
    peer["msp"]["intermediate_tlsca"] = json!({ "root_certs": [inter.b64()] });
    let r = read(&peer);
    assert!(r.is_ok(), "{:#?}", r.findings);
}

#[test]
fn p384_chains_verify() {
    let mut spec = Spec::ca("p384-root", 90);
    spec.from = GOOD_FROM;
    spec.until = GOOD_UNTIL;
    let root = issue(&spec, Key::p384("p384-root"), None);
    let admin = issue(
        &Spec::leaf("p384admin", Some("admin"), 91),
        Key::p384("p384-admin"),
        Some(&root),
    );
    let v = json!({
        "msp_id": "p384msp",
        "display_name": "P-384 MSP",
        "root_certs": [root.b64()],
        "admins": [admin.b64()],
        "host_url": "https://console.example.com"
    });
    assert!(read(&v).is_ok(), "{:#?}", read(&v).findings);
    let id = json!({ "name": "p384", "cert": admin.b64(), "private_key": admin.key_b64() });
    assert!(read(&id).is_ok(), "{:#?}", read(&id).findings);
    assert!(admin.cert().is_issued_by(&root.cert()));
    assert!(root.cert().is_self_signed());
}

#[test]
fn wallet_matching_uses_roots() {
    let pki = Pki::new();
    let roots = [
        pki.foreign_root.cert(),
        pki.tls_root.cert(),
        pki.ca_root.cert(),
    ];
    assert_eq!(issuing_root(&pki.admin.cert(), &roots), Some(2));
    assert_eq!(issuing_root(&pki.peer_tls.cert(), &roots), Some(1));
    assert_eq!(
        issuing_root(&pki.admin2.cert(), &roots),
        None,
        "issued by the intermediate"
    );
    let r = read(&pki.msp());
    let Artifact::Msp(msp) = &r.accepted[0] else {
        panic!()
    };
    assert!(can_administer(&pki.admin.cert(), msp), "listed admin");
    assert!(
        can_administer(&pki.admin2.cert(), msp),
        "admin OU, through the intermediate"
    );
    assert!(is_member(&pki.peer_ecert.cert(), msp));
    assert!(
        !can_administer(&pki.peer_ecert.cert(), msp),
        "peer OU is not admin"
    );
    assert!(
        !can_administer(&pki.foreign_admin.cert(), msp),
        "foreign root"
    );
    // Without Node OUs only the listed admins count.
    let r = read(&pki.msp_legacy());
    let Artifact::Msp(legacy) = &r.accepted[0] else {
        panic!()
    };
    assert!(can_administer(&pki.admin2.cert(), legacy));
    assert!(!can_administer(&pki.admin.cert(), legacy));
}

#[test]
fn reports_serialize_without_secrets() {
    let pki = Pki::new();
    let v = pki.identity();
    let key = v["private_key"].as_str().unwrap().to_owned();
    let r = read(&v);
    assert!(r.is_ok());
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(&key));
    assert!(json.contains("\"kind\":\"identity\""));
    assert!(!format!("{r:?}").contains(&key[..40]));
    assert_eq!(r.artifacts[0].content_hash.len(), 64);
    assert_eq!(
        r.artifacts[0].earliest_expiry.as_deref(),
        Some("2036-01-01T00:00:00Z")
    );
}

#[test]
fn duplicate_components_warn_and_duplicate_identities_fail() {
    let pki = Pki::new();
    let r = read(&json!([pki.peer_v3(), pki.peer_v3()]));
    assert!(r.is_ok());
    assert!(r.warnings().any(|f| f.message.contains("appears twice")));
    let r = read(&json!([pki.identity(), pki.identity()]));
    assert!(r
        .errors()
        .any(|f| f.message.contains("duplicate wallet identity name")));
}

#[test]
fn orderer_array_nodes_must_be_one_cluster_to_be_a_cluster() {
    let pki = Pki::new();
    let mut other = pki.orderer_node(2);
    other["cluster_name"] = json!("Another OS");
    let r = read(&json!([pki.orderer_node(0), pki.orderer_node(1), other]));
    assert!(r.is_ok(), "{:#?}", r.findings);
    assert_eq!(r.artifacts.len(), 3, "a bulk array, not one cluster");
    let r = read(&pki.orderer_cluster());
    assert_eq!(r.artifacts.len(), 1);
    assert_eq!(r.artifacts[0].nodes, 3);
}

#[test]
fn a_byte_order_mark_is_a_warning() {
    let pki = Pki::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(to_console_json(&pki.peer_v3()));
    let r = read_file_with("bom.json", &bytes, &ReadOptions::at(NOW));
    assert!(r.is_ok());
    assert!(r.warnings().any(|f| f.message.contains("byte-order mark")));
}

fn utf16(text: &[u8], big_endian: bool, bom: bool) -> Vec<u8> {
    let text = std::str::from_utf8(text).unwrap();
    let mut out = Vec::new();
    let units = if bom { Some(0xFEFF) } else { None }
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_files_are_decoded_with_a_warning_naming_the_encoding() {
    let pki = Pki::new();
    let json = to_console_json(&pki.peer_v3());
    let plain = read_file_with("p.json", &json, &ReadOptions::at(NOW));
    assert!(plain.is_ok());
    for (big_endian, bom, name) in [
        (false, true, "UTF-16 LE"),
        (true, true, "UTF-16 BE"),
        (false, false, "UTF-16 LE"),
        (true, false, "UTF-16 BE"),
    ] {
        let bytes = utf16(&json, big_endian, bom);
        let r = read_file_with("p.json", &bytes, &ReadOptions::at(NOW));
        assert!(r.is_ok(), "{name} bom={bom}: {:#?}", r.findings);
        let w: Vec<_> = r.warnings().collect();
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].file, "p.json");
        assert!(w[0].message.contains(name), "{}", w[0].message);
        assert_eq!(
            w[0].message.contains("with a byte-order mark"),
            bom,
            "{}",
            w[0].message
        );
        // The same component as from the UTF-8 file.
        assert_eq!(r.artifacts, plain.artifacts);
    }
}

#[test]
fn broken_utf16_is_refused_naming_encoding_offset_and_fix() {
    let pki = Pki::new();
    let json = to_console_json(&pki.peer_v3());
    let mut odd = utf16(&json, false, true);
    odd.push(b'\n');
    let r = read_file_with("p.json", &odd, &ReadOptions::at(NOW));
    assert!(!r.is_ok());
    assert!(r.accepted.is_empty());
    let e: Vec<_> = r.errors().collect();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].message.contains("UTF-16 LE"), "{}", e[0].message);
    assert!(
        e[0].message
            .contains(&format!("byte offset {}", odd.len() - 1)),
        "{}",
        e[0].message
    );
    assert!(
        e[0].message.contains("save the file as UTF-8"),
        "{}",
        e[0].message
    );

    // A low surrogate with no high one before it, inside a string.
    let mut lone = utf16(br#"{"name": "x"#, true, false);
    let at = lone.len();
    lone.extend([0xDC, 0x00]);
    lone.extend(utf16(br#""}"#, true, false));
    let r = read_file_with("p.json", &lone, &ReadOptions::at(NOW));
    let e: Vec<_> = r.errors().collect();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].message
            .contains(&format!("unpaired surrogate 0xDC00 at byte offset {at}")),
        "{}",
        e[0].message
    );
    assert!(e[0].message.contains("UTF-16 BE"), "{}", e[0].message);
}

#[test]
fn a_utf16_entry_in_a_bulk_zip_is_read_like_a_utf16_file() {
    let pki = Pki::new();
    let peer = to_console_json(&pki.peer_v3());
    let msp = to_console_json(&pki.msp());
    let good = utf16(&peer, false, true);
    let zip = fabric_ha_artifacts::testdata::raw_zip(&[
        ("Peers/p_peer.json", &good, true),
        ("Organizations/m_msp.json", &msp, true),
    ]);
    let r = read_file_with("bulk.zip", &zip, &ReadOptions::at(NOW));
    assert!(r.is_ok(), "{:#?}", r.findings);
    assert_eq!(r.accepted.len(), 2);
    let w: Vec<_> = r.warnings().collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].file, "bulk.zip!/Peers/p_peer.json");
    assert!(w[0].message.contains("UTF-16 LE"), "{}", w[0].message);

    let mut broken = utf16(&peer, true, false);
    broken.pop();
    let zip = fabric_ha_artifacts::testdata::raw_zip(&[
        ("Peers/p_peer.json", &broken, true),
        ("Organizations/m_msp.json", &msp, true),
    ]);
    let r = read_file_with("bulk.zip", &zip, &ReadOptions::at(NOW));
    assert!(!r.is_ok());
    assert!(r.accepted.is_empty());
    let e: Vec<_> = r.errors().collect();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].file, "bulk.zip!/Peers/p_peer.json");
    assert!(e[0].message.contains("UTF-16 BE"), "{}", e[0].message);
    assert!(
        e[0].message
            .contains(&format!("byte offset {}", broken.len() - 1)),
        "{}",
        e[0].message
    );
}
