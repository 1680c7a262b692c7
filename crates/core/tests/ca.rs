//! Fabric CAs against a real test CA server (`fabric-ha-testbed`): cainfo, enroll into the
//! encrypted wallet, register, identities, associate identity, and the typed errors.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

use base64::Engine as _;
use fabric_ha_artifacts::{self as artifacts, Artifact, ReadOptions};
use fabric_ha_core::ca::{
    CaAssociationInput, CaEnrollInput, CaIdentityType, CaReenrollInput, CaRegisterInput, CaTarget,
};
use fabric_ha_core::library::ExportFormat;
use fabric_ha_core::{CoreError, ErrorCode, IpcError, OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};

fn workspace(dir: &Path) -> Workspace {
    Workspace::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Sensitive::new("ca tests".to_owned())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap()
}

fn start() -> TestCa {
    TestCa::start_blocking(TestCaConfig::default()).unwrap()
}

/// The CA at its URL, pinned to its TLS certificate.
fn by_url(tca: &TestCa) -> CaTarget {
    CaTarget {
        ca: tca.url(),
        ca_name: None,
        tls_cert: Some(tca.tls_cert_pem()),
    }
}

fn enroll(
    ws: &Workspace,
    target: CaTarget,
    id: &str,
    secret: Option<&str>,
    wallet: &str,
) -> Result<fabric_ha_core::library::LibraryItem, CoreError> {
    ws.ca_enroll(CaEnrollInput {
        target,
        enroll_id: id.to_owned(),
        enroll_secret: secret.map(|s| Sensitive::new(s.to_owned())),
        wallet_name: wallet.to_owned(),
        hosts: Vec::new(),
    })
}

fn register(
    target: CaTarget,
    registrar: Option<&str>,
    id: &str,
    identity_type: CaIdentityType,
    secret: Option<&str>,
) -> CaRegisterInput {
    CaRegisterInput {
        target,
        registrar: registrar.map(str::to_owned),
        enroll_id: id.to_owned(),
        identity_type,
        enroll_secret: secret.map(|s| Sensitive::new(s.to_owned())),
        max_enrollments: None,
        affiliation: None,
        attributes: Vec::new(),
    }
}

/// The identity's console file, read back with its key.
fn exported_identity(ws: &Workspace, id: &str) -> artifacts::IdentityArtifact {
    let export = ws
        .export(&[id.to_owned()], true, ExportFormat::Json)
        .unwrap();
    assert!(export.contains_private_keys);
    assert!(export.file_name.ends_with("_identity.json"));
    let report = artifacts::read_json_with(
        &export.file_name,
        export.bytes.expose(),
        &ReadOptions::at(now()),
    );
    assert!(report.is_ok(), "{:?}", report.findings);
    match report.accepted.into_iter().next().unwrap() {
        Artifact::Identity(identity) => identity,
        other => panic!("not an identity: {other:?}"),
    }
}

fn now() -> i64 {
    fabric_ha_core::library::unix_now()
}

/// A console CA file for the test CA, as the console exports it (§4.1).
fn ca_file(tca: &TestCa, name: &str) -> Vec<u8> {
    let b64 = |pem: String| artifacts::to_b64pem(&pem);
    let tls = b64(tca.tls_cert_pem());
    serde_json::to_vec(&serde_json::json!({
        "api_url": tca.url(),
        "ca_name": "ca",
        "display_name": name,
        "id": "org1ca",
        "msp": {
            "ca": {"name": "ca", "root_certs": [b64(tca.ca_root_pem("ca").unwrap())]},
            "component": {"tls_cert": tls},
            "tlsca": {"name": "tlsca", "root_certs": [b64(tca.ca_root_pem("tlsca").unwrap())]},
        },
        "name": name,
        "operations_url": "https://127.0.0.1:9443",
        "tls_cert": tls,
        "tlsca_name": "tlsca",
        "type": "fabric-ca",
    }))
    .unwrap()
}

fn import_ca(ws: &Workspace, tca: &TestCa, name: &str) -> String {
    let report = ws
        .import_files(vec![(format!("{name}_ca.json"), ca_file(tca, name))])
        .unwrap();
    assert!(report.all_accepted(), "{report:?}");
    report.files[0].artifacts[0].id.clone()
}

fn code<T: std::fmt::Debug>(r: Result<T, CoreError>) -> ErrorCode {
    r.unwrap_err().code()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn enroll_register_enroll_and_list_into_the_encrypted_wallet() {
    let tmp = tempfile::tempdir().unwrap();
    let tca = start();
    let ws = workspace(tmp.path());

    let info = ws.ca_info(&by_url(&tca)).unwrap();
    assert_eq!(info.ca_name, "ca");
    assert_eq!(info.version, "1.5.15");
    assert_eq!(info.chain.len(), 1);
    assert_eq!(info.library_ca, None);
    let tls_info = ws
        .ca_info(&CaTarget {
            ca_name: Some("tlsca".into()),
            ..by_url(&tca)
        })
        .unwrap();
    assert_eq!(tls_info.ca_name, "tlsca");
    assert_ne!(tls_info.chain[0].subject, info.chain[0].subject);

    // The bootstrap admin into the wallet, with the CA chain beside it.
    let admin = enroll(&ws, by_url(&tca), "admin", Some("adminpw"), "CA Admin").unwrap();
    assert_eq!(admin.display_name, "CA Admin");
    assert!(admin.expires_at.is_some());
    let host = tca.url().trim_start_matches("https://").to_owned();
    assert_eq!(admin.issuing_cas, vec![format!("ca at {host}")]);
    assert_eq!(
        ws.wallet_ca_chain("CA Admin").unwrap().unwrap(),
        info.ca_chain_pem
    );

    // An org admin (type admin, generated secret) and a peer (given secret).
    let org_admin = ws
        .ca_register(register(
            by_url(&tca),
            Some("CA Admin"),
            "org1admin",
            CaIdentityType::Admin,
            None,
        ))
        .unwrap();
    assert!(org_admin.secret_generated);
    assert_eq!(org_admin.enroll_secret.expose().len(), 43);
    assert!(!format!("{org_admin:?}").contains(org_admin.enroll_secret.expose().as_str()));
    let peer = ws
        .ca_register(CaRegisterInput {
            max_enrollments: Some(-1),
            attributes: vec![fabric_ha_core::ca::CaAttribute {
                name: "region".into(),
                value: "us-south".into(),
                ecert: true,
            }],
            ..register(
                by_url(&tca),
                Some(&admin.id),
                "org1peer1",
                CaIdentityType::Peer,
                Some("peer1pw"),
            )
        })
        .unwrap();
    assert!(!peer.secret_generated);
    assert_eq!(peer.enroll_secret.expose(), "peer1pw");

    // The org admin enrolls with the secret the workspace kept; the peer with its own.
    let org_admin_item = enroll(&ws, by_url(&tca), "org1admin", None, "Org1 Admin").unwrap();
    let peer_item = ws
        .ca_enroll(CaEnrollInput {
            target: CaTarget {
                ca_name: Some("tlsca".into()),
                ..by_url(&tca)
            },
            enroll_id: "org1peer1".into(),
            enroll_secret: Some(Sensitive::new("peer1pw".to_owned())),
            wallet_name: "Peer 1 TLS".into(),
            hosts: vec!["peer1.org1.example.com".into()],
        })
        .unwrap();
    assert_eq!(peer_item.issuing_cas, vec![format!("tlsca at {host}")]);

    let users = ws.ca_identities(&by_url(&tca), Some("CA Admin")).unwrap();
    let kind = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.identity_type.clone())
    };
    assert_eq!(kind("admin").as_deref(), Some("client"));
    assert_eq!(kind("org1admin").as_deref(), Some("admin"));
    assert_eq!(kind("org1peer1").as_deref(), Some("peer"));
    let p = users.iter().find(|u| u.id == "org1peer1").unwrap();
    assert_eq!(p.max_enrollments, -1);
    assert!(p
        .attributes
        .iter()
        .any(|a| a.name == "region" && a.value == "us-south"));

    let wallet: Vec<String> = ws
        .library()
        .unwrap()
        .into_iter()
        .filter(|i| i.kind == artifacts::ArtifactKind::Identity)
        .map(|i| i.display_name)
        .collect();
    assert_eq!(wallet.len(), 3, "{wallet:?}");

    // Exported as the console's identity file: readable, key and certificate together.
    let exported = exported_identity(&ws, &org_admin_item.id);
    assert_eq!(exported.name(), "Org1 Admin");
    assert!(exported
        .cert()
        .organizational_units()
        .iter()
        .any(|ou| ou == "admin"));
    assert!(exported.cert().subject().contains("org1admin"));
    let peer_export = exported_identity(&ws, &peer_item.id);
    assert!(peer_export.cert().subject().contains("org1peer1"));

    // The admin's private key never reaches the workspace files in clear.
    let admin_export = exported_identity(&ws, &admin.id);
    let key_b64 = admin_export.private_key().expose().clone();
    let key_pem = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&key_b64)
            .unwrap(),
    )
    .unwrap();
    let key_body: String = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let secret = org_admin.enroll_secret.expose().clone();
    drop(ws);
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            for needle in [key_b64.as_bytes(), key_body.as_bytes(), secret.as_bytes()] {
                assert!(
                    !contains(&bytes, needle),
                    "a secret is in clear in {}",
                    path.display()
                );
            }
        }
    }
    tca.shutdown_blocking();
}

#[test]
fn ca_failures_have_their_own_codes_the_cas_words_and_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let tca = start();
    let ws = workspace(tmp.path());

    // Wrong secret: the CA's masked message, verbatim, and a fix.
    let err = enroll(&ws, by_url(&tca), "admin", Some("wrong"), "Nope").unwrap_err();
    assert_eq!(err.code(), ErrorCode::CaAuthenticationFailure);
    let ipc = IpcError::from(err);
    assert!(ipc.message.contains("Authentication failure"), "{ipc:?}");
    let details = ipc.details.unwrap();
    assert_eq!(details["caCode"], 20);
    assert!(!details["fix"].as_str().unwrap().is_empty());
    assert!(ws.library().unwrap().is_empty());

    enroll(&ws, by_url(&tca), "admin", Some("adminpw"), "CA Admin").unwrap();
    let again = || {
        ws.ca_register(register(
            by_url(&tca),
            Some("CA Admin"),
            "peer1",
            CaIdentityType::Peer,
            Some("peer1pw"),
        ))
    };
    again().unwrap();
    let err = again().unwrap_err();
    assert_eq!(err.code(), ErrorCode::CaAlreadyRegistered);
    assert!(err.to_string().contains("already registered"), "{err}");

    // A registrar without registrar roles.
    enroll(&ws, by_url(&tca), "peer1", Some("peer1pw"), "Peer 1").unwrap();
    assert_eq!(
        code(ws.ca_register(register(
            by_url(&tca),
            Some("Peer 1"),
            "peer2",
            CaIdentityType::Peer,
            None
        ))),
        ErrorCode::CaAuthorizationFailure
    );

    // No such CA name on the server.
    assert_eq!(
        code(ws.ca_info(&CaTarget {
            ca_name: Some("nope".into()),
            ..by_url(&tca)
        })),
        ErrorCode::CaNotFound
    );

    // Pinned to a certificate that did not issue the server's.
    assert_eq!(
        code(ws.ca_info(&CaTarget {
            tls_cert: Some(tca.ca_root_pem("ca").unwrap()),
            ..by_url(&tca)
        })),
        ErrorCode::CaTlsUntrusted
    );

    // Nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    assert_eq!(
        code(ws.ca_info(&CaTarget {
            ca: format!("https://127.0.0.1:{port}"),
            ..by_url(&tca)
        })),
        ErrorCode::CaUnreachable
    );

    // Refused before anything is sent.
    let before = tca.request_count();
    let field = |err: CoreError| match err {
        CoreError::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    assert_eq!(
        field(ws.ca_info(&CaTarget::new(tca.url())).unwrap_err()),
        "tlsCert"
    );
    assert_eq!(
        field(enroll(&ws, by_url(&tca), "admin", Some("adminpw"), "CA Admin").unwrap_err()),
        "walletName"
    );
    assert_eq!(
        field(enroll(&ws, by_url(&tca), "stranger", None, "Stranger").unwrap_err()),
        "enrollSecret"
    );
    assert_eq!(
        field(
            ws.ca_identities(&by_url(&tca), None)
                .map(|_| ())
                .unwrap_err()
        ),
        "registrar"
    );
    assert_eq!(tca.request_count(), before);
    assert_eq!(
        code(ws.ca_identities(&by_url(&tca), Some("nobody"))),
        ErrorCode::NotFound
    );
    tca.shutdown_blocking();
}

#[test]
fn identities_are_associated_with_library_cas_as_the_console_does() {
    let tmp = tempfile::tempdir().unwrap();
    let tca = start();
    let other = start();
    let ws = workspace(tmp.path());
    let empty = ws
        .ca_info(&CaTarget::new("Org1 CA"))
        .unwrap_err()
        .to_string();
    assert!(empty.contains("the library holds no CA"), "{empty}");
    let ca_id = import_ca(&ws, &tca, "Org1 CA");

    // A library CA gives URL, CA name and pin; its URL alone finds the pin too.
    let info = ws.ca_info(&CaTarget::new("Org1 CA")).unwrap();
    assert_eq!(info.library_ca.as_deref(), Some(ca_id.as_str()));
    let info = ws.ca_info(&CaTarget::new(tca.url())).unwrap();
    assert_eq!(info.library_ca.as_deref(), Some(ca_id.as_str()));
    // A name the library does not have (a console's component id, say) is refused with the
    // library's CAs named, so the user can pick one.
    let unknown = ws.ca_info(&CaTarget::new("org1ca")).unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::InvalidInput);
    let said = unknown.to_string();
    assert!(
        said.starts_with("ca: no library CA has the id or name \"org1ca\""),
        "{said}"
    );
    assert!(said.contains(&format!("{ca_id} (\"Org1 CA\")")), "{said}");

    assert_eq!(ws.ca_association(&ca_id).unwrap(), None);
    let admin = ws
        .ca_associate(
            &ca_id,
            CaAssociationInput::Enroll {
                enroll_id: "admin".into(),
                enroll_secret: Sensitive::new("adminpw".to_owned()),
                wallet_name: "Org1 CA Admin".into(),
            },
        )
        .unwrap();
    // The library CA's roots name the issuer on the wallet tile.
    assert_eq!(admin.issuing_cas, vec!["Org1 CA".to_owned()]);
    assert_eq!(ws.ca_association("Org1 CA").unwrap(), Some(admin.clone()));

    // The associated identity is the default registrar.
    let reg = ws
        .ca_register(register(
            CaTarget::new("Org1 CA"),
            None,
            "org1peer9",
            CaIdentityType::Peer,
            None,
        ))
        .unwrap();
    assert!(reg.secret_generated);
    let users = ws.ca_identities(&CaTarget::new(&ca_id), None).unwrap();
    assert!(users.iter().any(|u| u.id == "org1peer9"));

    // An identity of another CA is refused; one of this CA is accepted.
    enroll(&ws, by_url(&other), "admin", Some("adminpw"), "Stranger").unwrap();
    let err = ws
        .ca_associate(
            &ca_id,
            CaAssociationInput::Wallet {
                identity: "Stranger".into(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(&err, CoreError::InvalidInput { field, .. } if field == "identity"),
        "{err:?}"
    );
    assert_eq!(ws.ca_association(&ca_id).unwrap(), Some(admin.clone()));
    enroll(&ws, CaTarget::new(&ca_id), "org1peer9", None, "Peer 9").unwrap();
    let peer9 = ws
        .ca_associate(
            &ca_id,
            CaAssociationInput::Wallet {
                identity: "Peer 9".into(),
            },
        )
        .unwrap();
    assert_eq!(ws.ca_association(&ca_id).unwrap(), Some(peer9.clone()));

    // A URL cannot be associated; removing the identity removes the association.
    assert!(matches!(
        ws.ca_associate(
            &tca.url(),
            CaAssociationInput::Wallet {
                identity: "Peer 9".into()
            }
        ),
        Err(CoreError::InvalidInput { .. })
    ));
    ws.remove_artifacts(&[peer9.id]).unwrap();
    assert_eq!(ws.ca_association(&ca_id).unwrap(), None);
    tca.shutdown_blocking();
    other.shutdown_blocking();
}

/// The wallet identity's certificate (PEM) and key, as exported.
fn cert_and_key(ws: &Workspace, id: &str) -> (String, String) {
    let identity = exported_identity(ws, id);
    let cert = artifacts::der_to_pem("CERTIFICATE", identity.cert().der());
    (cert, identity.private_key().expose().clone())
}

#[test]
fn reenroll_replaces_a_wallet_identity_and_a_refusal_keeps_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let tca = TestCa::start_blocking(TestCaConfig {
        enrollment_validity: std::time::Duration::from_secs(10 * 86_400),
        ..TestCaConfig::default()
    })
    .unwrap();
    let other = start();
    let ws = workspace(tmp.path());
    let ca_id = import_ca(&ws, &tca, "Org1 CA");
    let old = ws
        .ca_associate(
            &ca_id,
            CaAssociationInput::Enroll {
                enroll_id: "admin".into(),
                enroll_secret: Sensitive::new("adminpw".to_owned()),
                wallet_name: "Org1 Admin".into(),
            },
        )
        .unwrap();
    let (old_cert, old_key) = cert_and_key(&ws, &old.id);
    let old_expiry = artifacts::Cert::from_pem(&old_cert).unwrap().not_after();
    assert!(
        (old_expiry - now() - 10 * 86_400).abs() < 60,
        "a 10-day certificate"
    );

    // Refused (another CA did not issue it): the old identity stays, key and association too.
    let err = ws
        .ca_reenroll(CaReenrollInput {
            identity: "Org1 Admin".into(),
            target: Some(by_url(&other)),
            hosts: Vec::new(),
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::CaAuthenticationFailure, "{err:?}");
    let wallet: Vec<_> = ws
        .library()
        .unwrap()
        .into_iter()
        .filter(|i| i.display_name == "Org1 Admin")
        .collect();
    assert_eq!(wallet, std::slice::from_ref(&old));
    assert_eq!(
        cert_and_key(&ws, &old.id),
        (old_cert.clone(), old_key.clone())
    );
    assert_eq!(ws.ca_association(&ca_id).unwrap(), Some(old.clone()));

    // Unknown identity: nothing asked of any CA.
    assert_eq!(
        code(ws.ca_reenroll(CaReenrollInput {
            identity: "Nobody".into(),
            target: None,
            hosts: Vec::new(),
        })),
        ErrorCode::NotFound
    );

    // Where it was enrolled, by its own certificate: a new certificate and key, same name.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let done = ws
        .ca_reenroll(CaReenrollInput {
            identity: "Org1 Admin".into(),
            target: None,
            hosts: Vec::new(),
        })
        .unwrap();
    assert_eq!(done.replaced, old.id);
    assert_eq!(done.ca_name, "ca");
    assert_eq!(done.identity.display_name, "Org1 Admin");
    assert_ne!(done.identity.id, old.id);
    let (new_cert, new_key) = cert_and_key(&ws, &done.identity.id);
    assert_ne!(new_key, old_key);
    let new = artifacts::Cert::from_pem(&new_cert).unwrap();
    assert!(new.not_after() > old_expiry);
    assert_eq!(
        new.subject(),
        artifacts::Cert::from_pem(&old_cert).unwrap().subject()
    );
    new.verify_signed_by(&artifacts::Cert::from_pem(&tca.ca_root_pem("ca").unwrap()).unwrap())
        .unwrap();
    // The old one is gone, with its key; the association and the CA chain follow.
    let names: Vec<_> = ws
        .library()
        .unwrap()
        .into_iter()
        .filter(|i| i.display_name == "Org1 Admin")
        .map(|i| i.id)
        .collect();
    assert_eq!(names, std::slice::from_ref(&done.identity.id));
    assert!(ws
        .export(std::slice::from_ref(&old.id), true, ExportFormat::Json)
        .is_err());
    assert_eq!(
        ws.ca_association(&ca_id).unwrap(),
        Some(done.identity.clone())
    );
    assert_eq!(
        ws.wallet_ca_chain("Org1 Admin").unwrap(),
        tca.ca_root_pem("ca")
    );
    // The new certificate signs as the registrar at once.
    ws.ca_register(register(
        CaTarget::new("Org1 CA"),
        None,
        "org1peer3",
        CaIdentityType::Peer,
        None,
    ))
    .unwrap();
    other.shutdown_blocking();
    tca.shutdown_blocking();
}
