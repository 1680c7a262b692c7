//! The client against the console test server (`fabric-ha-testbed`), which answers as the live
//! console of reference §9 does.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_artifacts::{import_bodies, read_json, ImportBody};
use fabric_ha_console::{
    certificate_differences, certificate_update, component_differences, find_existing, ApiRole,
    CaEnrollment, CertField, ClientOptions, ComponentAdmins, ComponentQuery, ComponentType,
    ConsoleAuth, ConsoleClient, ConsoleEndpoint, ConsoleError, CreatePeerBody, EnrollmentCrypto,
    Health, PeerCrypto, StateDb, TlsCaEnrollment, Verdict,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::{json, Value};

/// Short timeouts and backoff so failures are exercised in milliseconds.
fn fast() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        deploy_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        max_retries: 3,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

async fn start(cfg: TestConsoleConfig) -> TestConsole {
    TestConsole::start(cfg).await.unwrap()
}

fn client_with(tc: &TestConsole, key: (String, String), options: ClientOptions) -> ConsoleClient {
    ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(key.0, Sensitive::new(key.1)),
            extra_ca_pem: tc.ca_cert_pem(),
        },
        options,
    )
    .unwrap()
}

fn manager(tc: &TestConsole) -> ConsoleClient {
    client_with(tc, tc.manager_key(), fast())
}

/// Strict v3 import bodies, made the way the app makes them: console files read and mapped by
/// `fabric-ha-artifacts`.
struct Bodies {
    pki: Pki,
    ca: ImportBody,
    msp: ImportBody,
    peer: ImportBody,
    orderer: Vec<ImportBody>,
}

fn bodies_of(name: &str, file: &Value) -> Vec<ImportBody> {
    let report = read_json(name, file.to_string().as_bytes());
    assert!(!report.accepted.is_empty(), "{name}: {:?}", report.findings);
    report.accepted.iter().flat_map(import_bodies).collect()
}

fn bodies() -> Bodies {
    let pki = Pki::new();
    let one = |name: &str, file: Value| bodies_of(name, &file).remove(0);
    Bodies {
        ca: one("Org1 CA_ca.json", pki.ca_v3()),
        msp: one("Org1 MSP_msp.json", pki.msp()),
        peer: one("Org1 Peer 1_peer.json", pki.peer_v3()),
        orderer: bodies_of("os1_orderer.json", &pki.orderer_cluster()),
        pki,
    }
}

fn create_body(pki: &Pki) -> CreatePeerBody {
    let secret = || Sensitive::from("peer2-enroll-secret");
    CreatePeerBody {
        display_name: "Org1 Peer 2 (us-west)".into(),
        msp_id: "org1msp".into(),
        crypto: PeerCrypto::Enrollment(EnrollmentCrypto {
            ca: CaEnrollment {
                host: "ca.org1.example.com".into(),
                port: 7054,
                name: "ca".into(),
                tls_cert: pki.ca_tls.b64(),
                enroll_id: "org1peer2".into(),
                enroll_secret: secret(),
            },
            tlsca: TlsCaEnrollment {
                host: "ca.org1.example.com".into(),
                port: 7054,
                name: "tlsca".into(),
                tls_cert: pki.ca_tls.b64(),
                enroll_id: "org1peer2".into(),
                enroll_secret: secret(),
                csr_hosts: Some(vec!["peer2.org1.example.com".into()]),
            },
            component: ComponentAdmins {
                admin_certs: vec![pki.admin.b64()],
            },
        }),
        id: None,
        version: Some("2.5.4-1".into()),
        state_db: Some(StateDb::Couchdb),
        zone: None,
        region: None,
        resources: None,
        storage: None,
        config_override: None,
        hsm: None,
        tags: None,
    }
}

#[tokio::test]
async fn settings_and_connection_test_with_a_manager_key() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    assert!(c.is_encrypted());
    let settings = c.public_settings().await.unwrap();
    assert_eq!(settings.auth_scheme, "couchdb");
    assert!(!settings.is_import_only());
    assert_eq!(settings.version().as_deref(), Some("v2.5.2"));
    let report = c.test_connection().await;
    assert_eq!(report.verdict, Verdict::Ready);
    assert_eq!(report.role, Some(ApiRole::Manager));
    assert!(report.settings.is_some());
    // The import probe stored nothing.
    assert!(tc.components().is_empty());
    tc.shutdown().await;
}

#[tokio::test]
async fn an_ibm_cloud_console_is_named_as_such_not_as_a_wrong_key() {
    // IBM Cloud's consoles (AUTH_SCHEME "iam", spec §1.2) take IAM tokens or IAM keys only: a
    // console API key, even one that would be right elsewhere, gets a plain 401.
    let tc = start(TestConsoleConfig {
        auth_scheme: "iam".into(),
        ..TestConsoleConfig::default()
    })
    .await;
    let report = manager(&tc).test_connection().await;
    assert_eq!(
        report.verdict.code(),
        "console_iam_only",
        "{:?}",
        report.verdict
    );
    assert_eq!(
        report.settings.as_ref().map(|s| s.auth_scheme.as_str()),
        Some("iam")
    );
    assert_eq!(report.role, None);
    let sentence = report.verdict.sentence();
    assert!(sentence.contains("IBM Cloud IAM"), "{sentence}");
    assert!(sentence.contains("Unauthorized"), "{sentence}");
    assert!(
        report.verdict.fix().contains("IBM Cloud API key"),
        "{}",
        report.verdict.fix()
    );
    // Nothing was read or written.
    assert!(tc.components().is_empty());
    tc.shutdown().await;
}

#[tokio::test]
async fn connection_test_verdicts() {
    let tc = start(TestConsoleConfig::default()).await;
    let writer = client_with(&tc, tc.writer_key(), fast())
        .test_connection()
        .await;
    assert_eq!(writer.verdict, Verdict::CannotCreate);
    assert_eq!(writer.role, Some(ApiRole::Writer));

    let reader = client_with(&tc, tc.reader_key(), fast())
        .test_connection()
        .await;
    assert_eq!(reader.verdict, Verdict::ReaderOnly);
    assert_eq!(reader.role, Some(ApiRole::Reader));

    let (key, _) = tc.manager_key();
    let wrong = client_with(&tc, (key, "wrong".into()), fast())
        .test_connection()
        .await;
    assert_eq!(
        wrong.verdict,
        Verdict::Failed(ConsoleError::Unauthorized {
            message: "Unauthorized".into()
        })
    );
    assert_eq!(wrong.verdict.code(), "console_unauthorized");
    assert_eq!(wrong.role, None);

    // Not a console: a path below the server where no settings route exists.
    let elsewhere = ConsoleClient::new(
        ConsoleEndpoint {
            url: format!("{}/somewhere-else", tc.url()),
            auth: ConsoleAuth::key("k", Sensitive::from("s")),
            extra_ca_pem: tc.ca_cert_pem(),
        },
        fast(),
    )
    .unwrap();
    let report = elsewhere.test_connection().await;
    assert_eq!(
        report.verdict.code(),
        "not_a_console",
        "{:?}",
        report.verdict
    );

    // TLS untrusted without the console's CA.
    let untrusted = ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(tc.manager_key().0, Sensitive::new(tc.manager_key().1)),
            extra_ca_pem: None,
        },
        fast(),
    )
    .unwrap();
    let report = untrusted.test_connection().await;
    assert_eq!(
        report.verdict.code(),
        "console_tls_untrusted",
        "{:?}",
        report.verdict
    );
    tc.shutdown().await;

    let import_only = start(TestConsoleConfig {
        import_only: true,
        ..Default::default()
    })
    .await;
    let report = manager(&import_only).test_connection().await;
    assert_eq!(report.verdict, Verdict::ImportOnly);
    assert!(report.settings.unwrap().is_import_only());
    assert!(!report.verdict.fix().is_empty());
    import_only.shutdown().await;
}

#[tokio::test]
async fn tls_is_verified_against_the_extra_ca_only_when_given() {
    let tc = start(TestConsoleConfig::default()).await;
    let no_ca = ClientOptions {
        max_retries: 0,
        ..Default::default()
    };
    let untrusted = ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(tc.manager_key().0, Sensitive::new(tc.manager_key().1)),
            extra_ca_pem: None,
        },
        no_ca,
    )
    .unwrap();
    match untrusted.list_components(ComponentQuery::default()).await {
        Err(ConsoleError::TlsUntrusted { url, reason }) => {
            assert_eq!(url, tc.url());
            assert!(reason.contains("unknown issuer"), "{reason}");
        }
        other => panic!("expected TlsUntrusted, got {other:?}"),
    }
    // The same call with the console's CA (also accepted as base64 of the PEM).
    let pem = tc.ca_cert_pem().unwrap();
    let b64 = fabric_ha_artifacts::to_b64pem(&pem);
    let trusted = ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(tc.manager_key().0, Sensitive::new(tc.manager_key().1)),
            extra_ca_pem: Some(b64),
        },
        fast(),
    )
    .unwrap();
    assert!(trusted
        .list_components(ComponentQuery::default())
        .await
        .unwrap()
        .is_empty());
    tc.shutdown().await;
}

/// A console serving one self-signed `CA:TRUE` certificate for a name other than the address
/// it is reached at (how `openssl req -x509` certificates are often used): untrusted without
/// it; with it given as the console's certificate, pinned exactly, the console answers.
#[tokio::test]
async fn a_self_signed_console_certificate_is_pinned_exactly() {
    let tc = start(TestConsoleConfig {
        tls_self_signed: true,
        ..Default::default()
    })
    .await;
    let client = |extra_ca_pem: Option<String>| {
        ConsoleClient::new(
            ConsoleEndpoint {
                url: tc.url(),
                auth: ConsoleAuth::key(tc.manager_key().0, Sensitive::new(tc.manager_key().1)),
                extra_ca_pem,
            },
            ClientOptions {
                max_retries: 0,
                ..fast()
            },
        )
        .unwrap()
    };
    match client(None)
        .list_components(ComponentQuery::default())
        .await
    {
        Err(ConsoleError::TlsUntrusted { reason, .. }) => {
            assert!(
                reason.contains("self-signed certificate marked as a CA"),
                "{reason}"
            );
        }
        other => panic!("expected TlsUntrusted, got {other:?}"),
    }
    let own = tc.ca_cert_pem().unwrap();
    assert!(client(Some(own.clone()))
        .list_components(ComponentQuery::default())
        .await
        .unwrap()
        .is_empty());
    let report = client(Some(fabric_ha_artifacts::to_b64pem(&own)))
        .test_connection()
        .await;
    assert_eq!(report.verdict, Verdict::Ready, "{:?}", report.verdict);
    // Another console's certificate is no pin for this one.
    let other = start(TestConsoleConfig {
        tls_self_signed: true,
        ..Default::default()
    })
    .await;
    match client(other.ca_cert_pem())
        .list_components(ComponentQuery::default())
        .await
    {
        Err(ConsoleError::TlsUntrusted { .. }) => {}
        other => panic!("expected TlsUntrusted, got {other:?}"),
    }
    other.shutdown().await;
    tc.shutdown().await;
}

#[tokio::test]
async fn plain_http_console_works_and_is_marked() {
    let tc = start(TestConsoleConfig {
        tls: false,
        ..Default::default()
    })
    .await;
    let c = manager(&tc);
    assert!(!c.is_encrypted());
    let report = c.test_connection().await;
    assert!(!report.encrypted);
    assert_eq!(report.verdict, Verdict::Ready);
    tc.shutdown().await;
}

#[tokio::test]
async fn import_list_get_edit_delete() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    let b = bodies();

    // Empty console: HTTP 222 is a success.
    assert!(c
        .list_components(ComponentQuery::default())
        .await
        .unwrap()
        .is_empty());

    let ca = c.import(&b.ca).await.unwrap();
    assert_eq!(ca.id, "org1ca");
    assert_eq!(ca.kind(), Some(ComponentType::Ca));
    assert!(ca.is_imported());
    let msp = c.import(&b.msp).await.unwrap();
    assert_eq!(msp.kind(), Some(ComponentType::Msp));
    let peer = c.import(&b.peer).await.unwrap();
    assert_eq!(peer.kind(), Some(ComponentType::Peer));
    for node in &b.orderer {
        let rec = c.import(node).await.unwrap();
        assert_eq!(rec.kind(), Some(ComponentType::Orderer));
    }

    let all = c.list_components(ComponentQuery::full()).await.unwrap();
    assert_eq!(all.len(), 3 + b.orderer.len());

    // Never a duplicate: every import finds its record.
    for body in [&b.ca, &b.msp, &b.peer].into_iter().chain(&b.orderer) {
        let kind = ComponentType::parse(body.component_type).unwrap();
        assert!(
            find_existing(&all, kind, &body.body).is_some(),
            "{}",
            body.component_type
        );
    }
    // The console itself stores a second copy silently (§9): that is why we look first.
    let again = c.import(&b.ca).await.unwrap();
    assert_eq!(again.id, "org1ca_0");

    // An explicit id that is taken: 409, the console's words verbatim.
    let mut with_id = b.ca.body.clone();
    with_id["id"] = json!("org1ca");
    match c.import_component(ComponentType::Ca, &with_id).await {
        Err(ConsoleError::Conflict { message }) => assert_eq!(
            message,
            "unable to onboard component b/c of id conflict. use a different component id."
        ),
        other => panic!("expected Conflict, got {other:?}"),
    }

    // Get with deployment_attrs shows the peer's admin certs; a plain get does not (§9).
    let full = c
        .get_component(&peer.id, ComponentQuery::full())
        .await
        .unwrap();
    let plain = c
        .get_component(&peer.id, ComponentQuery::default())
        .await
        .unwrap();
    let admin_certs = |r: &fabric_ha_console::Component| {
        r.msp
            .as_ref()
            .and_then(|m| m.component.as_ref())
            .and_then(|c| c.admin_certs.clone())
    };
    assert!(admin_certs(&full).is_some());
    assert!(admin_certs(&plain).is_none());

    // Unknown id: 404 with the console's message.
    match c.get_component("nosuchid", ComponentQuery::default()).await {
        Err(ConsoleError::NotFound { message }) => {
            assert_eq!(message, "no components by this id exist")
        }
        other => panic!("expected NotFound, got {other:?}"),
    }

    // Edit.
    let edited = c
        .edit_component(
            ComponentType::Peer,
            &peer.id,
            &json!({"display_name": "Org1 Peer 1 (renamed)"}),
        )
        .await
        .unwrap();
    assert_eq!(
        edited.display_name.as_deref(),
        Some("Org1 Peer 1 (renamed)")
    );
    assert!(edited.extra.contains_key("edited_timestamp"));
    match c
        .edit_component(ComponentType::Peer, &peer.id, &json!({"type": "fabric-ca"}))
        .await
    {
        Err(ConsoleError::Server {
            status: 400,
            message,
            ..
        }) => assert_eq!(
            message,
            "Parameter 'type' is either never editable or not editable via this api."
        ),
        other => panic!("expected 400, got {other:?}"),
    }
    let msp_edited = c
        .edit_component(
            ComponentType::Msp,
            &msp.id,
            &json!({"display_name": "Org1 MSP (renamed)"}),
        )
        .await
        .unwrap();
    assert_eq!(
        msp_edited.display_name.as_deref(),
        Some("Org1 MSP (renamed)")
    );

    // Delete, then the record is gone.
    let deleted = c.delete_component("org1ca_0").await.unwrap();
    assert_eq!(deleted.id, "org1ca_0");
    assert_eq!(deleted.component_type.as_deref(), Some("fabric-ca"));
    assert_eq!(
        c.delete_component("org1ca_0").await.unwrap_err().code(),
        "console_not_found"
    );
    tc.shutdown().await;
}

/// A console's copy of the peer, the MSP and an ordering node made before they were renewed:
/// the same address (and MSP id and roots), other certificates.
#[tokio::test]
async fn stale_records_are_named_and_edited_back_to_the_component() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    let b = bodies();
    let pki = &b.pki;
    let mut old_peer = b.peer.body.clone();
    old_peer["msp"]["component"]["tls_cert"] = json!(pki.foreign_tls.b64());
    old_peer["msp"]["tlsca"]["root_certs"] = json!([pki.foreign_root.b64()]);
    let mut old_msp = b.msp.body.clone();
    old_msp["admins"] = json!([pki.admin2.b64()]);
    old_msp
        .as_object_mut()
        .unwrap()
        .remove("intermediate_certs");
    let mut old_node = b.orderer[0].body.clone();
    old_node["msp"]["component"]["tls_cert"] = json!(pki.orderer_tls[1].b64());
    for (kind, body) in [
        (ComponentType::Peer, &old_peer),
        (ComponentType::Msp, &old_msp),
        (ComponentType::Orderer, &old_node),
    ] {
        c.import_component(kind, body).await.unwrap();
    }

    // Read with deployment attributes: a node's ecert and admin certs are compared too.
    let query = ComponentQuery {
        deployment_attrs: true,
        skip_cache: true,
        ..ComponentQuery::default()
    };
    let all = c.list_components(query).await.unwrap();
    let cases = [
        (
            ComponentType::Peer,
            &b.peer.body,
            vec![CertField::TlsCert, CertField::TlsCaRootCerts],
        ),
        (
            ComponentType::Msp,
            &b.msp.body,
            vec![CertField::MspIntermediateCerts, CertField::MspAdmins],
        ),
        (
            ComponentType::Orderer,
            &b.orderer[0].body,
            vec![CertField::TlsCert],
        ),
    ];
    for (kind, fresh, expected) in &cases {
        let record = find_existing(&all, *kind, fresh).unwrap();
        let fields = component_differences(record, fresh);
        assert_eq!(&fields, expected, "{kind:?}");
        let current = serde_json::to_value(record).unwrap();
        let edit = certificate_update(*kind, &current, fresh, &fields).unwrap();
        let edited = c.edit_component(*kind, &record.id, &edit).await.unwrap();
        // The answer, and the record read again, carry the component's certificates ...
        assert_eq!(component_differences(&edited, fresh), [], "{kind:?}");
        let again = c.get_component(&record.id, query).await.unwrap();
        assert_eq!(component_differences(&again, fresh), [], "{kind:?}");
        // ... and nothing else changed.
        assert_eq!(again.display_name, record.display_name);
        assert_eq!(again.api_url, record.api_url);
        assert_eq!(again.msp_id, record.msp_id);
        assert_eq!(again.extra.get("timestamp"), record.extra.get("timestamp"));
        let after = serde_json::to_value(&again).unwrap();
        let mut moved = certificate_differences(*kind, &after, &current);
        moved.extend(certificate_differences(*kind, &current, &after));
        moved.sort();
        moved.dedup();
        let mut wanted = expected.clone();
        wanted.sort();
        assert_eq!(moved, wanted, "only the differing fields moved ({kind:?})");
    }
    // Still one record each.
    assert_eq!(c.list_components(query).await.unwrap().len(), 3);
    tc.shutdown().await;
}

#[tokio::test]
async fn validation_errors_reach_the_user_verbatim() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    match c.import_component(ComponentType::Msp, &json!({})).await {
        Err(ConsoleError::Server {
            status: 400,
            message,
            ..
        }) => assert_eq!(
            message,
            "Expected parameter 'msp_id' to exist.\nExpected parameter 'display_name' to exist.\nExpected parameter 'root_certs' to exist."
        ),
        other => panic!("expected 400, got {other:?}"),
    }
    let mut body = bodies().ca.body;
    body["bogus_field"] = json!(1);
    match c.import_component(ComponentType::Ca, &body).await {
        Err(ConsoleError::Server {
            status: 400,
            message,
            ..
        }) => assert_eq!(
            message,
            "Parameter 'bogus_field' is an unknown key for object."
        ),
        other => panic!("expected 400, got {other:?}"),
    }
    tc.shutdown().await;
}

#[tokio::test]
async fn wrong_key_and_missing_roles() {
    let tc = start(TestConsoleConfig::default()).await;
    let b = bodies();
    let (key, _) = tc.manager_key();
    let wrong = client_with(&tc, (key, "not-the-secret".into()), fast());
    match wrong.list_components(ComponentQuery::default()).await {
        Err(e @ ConsoleError::Unauthorized { .. }) => {
            assert_eq!(
                e,
                ConsoleError::Unauthorized {
                    message: "Unauthorized".into()
                }
            );
            assert!(e.to_string().contains("Unauthorized"));
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    // A wrong key stays "wrong key" on writes too.
    assert_eq!(
        wrong.import(&b.ca).await.unwrap_err().code(),
        "console_unauthorized"
    );

    // The console answers 401 to a reader importing (§9); the client tells it apart.
    let reader = client_with(&tc, tc.reader_key(), fast());
    assert!(reader
        .list_components(ComponentQuery::default())
        .await
        .is_ok());
    match reader.import(&b.ca).await {
        Err(ConsoleError::Forbidden { message }) => assert_eq!(message, "Unauthorized"),
        other => panic!("expected Forbidden, got {other:?}"),
    }

    // A writer can import the CA but cannot create a peer.
    let writer = client_with(&tc, tc.writer_key(), fast());
    writer.import(&b.ca).await.unwrap();
    assert_eq!(
        writer
            .create_peer(&create_body(&b.pki))
            .await
            .unwrap_err()
            .code(),
        "console_forbidden"
    );
    tc.shutdown().await;
}

#[tokio::test]
async fn create_peer_versions_and_status() {
    let tc = start(TestConsoleConfig {
        deploy_delay: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let c = manager(&tc);
    let b = bodies();

    let versions = c.fabric_versions().await.unwrap();
    assert_eq!(versions.default_peer_version(), Some("2.5.4-1"));

    // Before the CA is imported the console does not know the enrollment host (§3.4).
    match c.create_peer(&create_body(&b.pki)).await {
        Err(ConsoleError::UnknownEnrollHost { message }) => {
            assert!(message.contains("crypto.enrollment.ca.host"), "{message}")
        }
        other => panic!("expected UnknownEnrollHost, got {other:?}"),
    }

    let ca = c.import(&b.ca).await.unwrap();
    let peer = c.create_peer(&create_body(&b.pki)).await.unwrap();
    assert_eq!(peer.location.as_deref(), Some("ibm_saas"));
    assert!(!peer.is_imported());
    assert_eq!(peer.msp_id.as_deref(), Some("org1msp"));

    assert!(tc.set_reachable(&ca.id, true));
    let status = c
        .component_status(&[peer.id.as_str(), ca.id.as_str(), "nosuchid"], 5000)
        .await
        .unwrap();
    assert_eq!(status[0].0, peer.id);
    assert_eq!(status[0].1.health, Health::NotOk, "still deploying");
    assert_eq!(status[1].1.health, Health::Ok);
    assert_eq!(status[1].1.raw["_cache_expires_in"], "1.4 mins");
    assert_eq!(status[1].1.raw["status_resp"]["success"], true);
    assert_eq!(status[2].1.health, Health::Unknown);
    assert_eq!(status[2].1.raw["error"], "unknown component id");
    tc.shutdown().await;
}

#[tokio::test]
async fn import_only_console_refuses_creates_without_retrying() {
    let tc = start(TestConsoleConfig {
        import_only: true,
        ..Default::default()
    })
    .await;
    let c = manager(&tc);
    let b = bodies();
    c.import(&b.ca).await.unwrap();

    let before = tc.request_count();
    match c.create_peer(&create_body(&b.pki)).await {
        Err(ConsoleError::ImportOnly { message }) => assert_eq!(
            message,
            "this api is not available to Console's without the \"deployer\" counterpart"
        ),
        other => panic!("expected ImportOnly, got {other:?}"),
    }
    // The versions GET is retryable, but waiting does not give a console a deployer.
    assert_eq!(
        c.fabric_versions().await.unwrap_err().code(),
        "console_import_only"
    );
    assert_eq!(tc.request_count() - before, 2);
    tc.shutdown().await;
}

#[tokio::test]
async fn api_keys_and_the_bootstrap_user() {
    let tc = start(TestConsoleConfig {
        bootstrap_user: Some(("admin@example.com".into(), "changed-password".into())),
        ..Default::default()
    })
    .await;
    let c = manager(&tc);
    let keys = c.list_api_keys().await.unwrap();
    assert!(keys.iter().any(|k| k.api_key == tc.manager_key().0));

    let new = c
        .create_api_key(&[ApiRole::Reader, ApiRole::Writer], "ha-tool")
        .await
        .unwrap();
    assert_eq!(new.roles, [ApiRole::Reader, ApiRole::Writer]);
    let listed = c.list_api_keys().await.unwrap();
    let entry = listed.iter().find(|k| k.api_key == new.api_key).unwrap();
    assert_eq!(entry.description.as_deref(), Some("ha-tool"));
    let with_new = client_with(
        &tc,
        (new.api_key.clone(), new.api_secret.expose().clone()),
        fast(),
    );
    assert!(with_new
        .list_components(ComponentQuery::default())
        .await
        .is_ok());
    c.delete_api_key(&new.api_key).await.unwrap();
    assert_eq!(
        with_new
            .list_components(ComponentQuery::default())
            .await
            .unwrap_err()
            .code(),
        "console_unauthorized"
    );
    assert_eq!(
        c.delete_api_key(&new.api_key).await.unwrap_err().code(),
        "console_not_found"
    );

    // A fresh console: the endpoint has no key yet, the bootstrap user creates the first one.
    let bootstrap = client_with(&tc, (String::new(), String::new()), fast());
    let password = Sensitive::from("changed-password");
    let first = bootstrap
        .create_api_key_with_password(
            "admin@example.com",
            &password,
            &[ApiRole::Reader, ApiRole::Writer, ApiRole::Manager],
            "first key",
        )
        .await
        .unwrap();
    assert_eq!(first.roles.len(), 3);
    let wrong = Sensitive::from("wrong-password");
    assert_eq!(
        bootstrap
            .create_api_key_with_password("admin@example.com", &wrong, &[ApiRole::Reader], "x")
            .await
            .unwrap_err(),
        ConsoleError::Unauthorized {
            message: "Unauthorized".into()
        }
    );
    // The bootstrap user is good for nothing else (§9).
    let as_user = client_with(
        &tc,
        ("admin@example.com".into(), "changed-password".into()),
        fast(),
    );
    assert_eq!(
        as_user
            .list_components(ComponentQuery::default())
            .await
            .unwrap_err()
            .code(),
        "console_unauthorized"
    );
    tc.shutdown().await;
}

#[tokio::test]
async fn rate_limit_waits_for_retry_after() {
    let tc = start(TestConsoleConfig {
        rate_limit_per_min: 2,
        rate_limit_window: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let c = manager(&tc);
    let b = bodies();
    c.import(&b.ca).await.unwrap();
    c.import(&b.msp).await.unwrap();
    let started = Instant::now();
    let before = tc.request_count();
    // The third write in the window gets 429 + `Retry-After: 1`; the client waits and retries.
    // A 429 is refused before the console acts, so even a create-like POST may be repeated.
    let peer = c.import(&b.peer).await.unwrap();
    assert_eq!(peer.kind(), Some(ComponentType::Peer));
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(tc.request_count() - before >= 2);
    assert_eq!(tc.components().len(), 3, "no duplicate from the retry");
    tc.shutdown().await;
}

#[tokio::test]
async fn rate_limit_longer_than_allowed_is_reported_at_once() {
    let tc = start(TestConsoleConfig {
        rate_limit_per_min: 1,
        ..Default::default()
    })
    .await;
    let c = manager(&tc);
    let b = bodies();
    c.import(&b.ca).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        c.import(&b.msp).await.unwrap_err(),
        ConsoleError::RateLimited {
            retry_after: Some(Duration::from_secs(60))
        }
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // With no retries left a short Retry-After is reported too.
    let tc2 = start(TestConsoleConfig {
        rate_limit_per_min: 1,
        rate_limit_window: Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    let mut once = fast();
    once.max_retries = 0;
    let c2 = client_with(&tc2, tc2.manager_key(), once);
    c2.import(&b.ca).await.unwrap();
    assert_eq!(
        c2.import(&b.msp).await.unwrap_err(),
        ConsoleError::RateLimited {
            retry_after: Some(Duration::from_secs(2))
        }
    );
    tc.shutdown().await;
    tc2.shutdown().await;
}

#[tokio::test]
async fn gateway_errors_are_retried_for_reads_only() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    let b = bodies();

    tc.faults().fail_next([502, 503, 504]);
    let before = tc.request_count();
    assert!(c
        .list_components(ComponentQuery::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        tc.request_count() - before,
        4,
        "three failures, then success"
    );

    // A burst longer than the retries: the last answer is reported.
    tc.faults().fail_next([503, 503, 503, 503, 503]);
    match c.list_components(ComponentQuery::default()).await {
        Err(ConsoleError::Server {
            status: 503,
            message,
            ..
        }) => assert_eq!(message, "injected fault: 503 Service Unavailable"),
        other => panic!("expected 503, got {other:?}"),
    }
    tc.faults().clear();

    // An import is never repeated: one request, one error, no record.
    tc.faults().fail_next([503]);
    let before = tc.request_count();
    assert_eq!(
        c.import(&b.ca).await.unwrap_err().code(),
        "console_server_error"
    );
    assert_eq!(tc.request_count() - before, 1);
    assert!(tc.components().is_empty());

    // Edit (PUT) and delete are idempotent and retried.
    let ca = c.import(&b.ca).await.unwrap();
    tc.faults().fail_next([502]);
    c.edit_component(
        ComponentType::Ca,
        &ca.id,
        &json!({"display_name": "Org1 CA 2"}),
    )
    .await
    .unwrap();
    tc.faults().fail_next([504]);
    c.delete_component(&ca.id).await.unwrap();
    tc.shutdown().await;
}

#[tokio::test]
async fn connection_resets_are_retried_for_reads_only() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    let b = bodies();

    tc.faults().reset_next(2);
    let before = tc.request_count();
    assert!(c.list_components(ComponentQuery::default()).await.is_ok());
    assert_eq!(tc.request_count() - before, 3);

    tc.faults().reset_next(1);
    let before = tc.request_count();
    match c.import(&b.ca).await {
        Err(ConsoleError::Unreachable { reason, .. }) => {
            assert!(reason.contains("reset"), "{reason}")
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert_eq!(tc.request_count() - before, 1, "a create is never resent");

    tc.faults().reset_next(1);
    let before = tc.request_count();
    assert!(c.create_peer(&create_body(&b.pki)).await.is_err());
    assert_eq!(tc.request_count() - before, 1, "a create is never resent");
    tc.shutdown().await;
}

#[tokio::test]
async fn a_hanging_console_times_out() {
    let tc = start(TestConsoleConfig::default()).await;
    let mut options = fast();
    options.timeout = Duration::from_millis(300);
    let c = client_with(&tc, tc.manager_key(), options);
    tc.faults().hang_next(1);
    let started = Instant::now();
    match c.list_components(ComponentQuery::default()).await {
        Err(ConsoleError::Timeout { url, after }) => {
            assert_eq!(url, tc.url());
            assert_eq!(after, Duration::from_millis(300));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    // The next call is answered normally.
    assert!(c.list_components(ComponentQuery::default()).await.is_ok());
    tc.shutdown().await;
}

#[tokio::test]
async fn a_stopped_console_is_unreachable() {
    let tc = start(TestConsoleConfig::default()).await;
    let c = manager(&tc);
    tc.shutdown().await;
    match c.public_settings().await {
        Err(ConsoleError::Unreachable { url, .. }) => assert!(url.starts_with("https://")),
        other => panic!("expected Unreachable, got {other:?}"),
    }
}
