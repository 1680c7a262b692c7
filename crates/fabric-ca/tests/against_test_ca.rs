//! The client against the in-memory CA test server: every scenario of `common` (the same ones
//! `against_real_ca.rs` runs against a real `fabric-ca-server`), plus what only the test
//! server can set up: a standalone CA named other than `ca`, a hanging server, expired and
//! forgotten certificates.

#![allow(clippy::unwrap_used, missing_docs)]

#[macro_use]
mod common;

use std::time::Duration;

use fabric_ha_artifacts::Cert;
use fabric_ha_fabric_ca::{
    CaError, CaErrorKind, ClientOptions, EnrollRequest, FabricCaClient, RegisterRoute,
    RegistrationRequest, TlsPin,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};

use common::Server;

/// One `#[tokio::test]` per scenario, each on a fresh test server.
macro_rules! against_test_ca {
    ($($scenario:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $scenario() {
            let server = Server::test().await;
            common::$scenario(&server).await;
            server.stop().await;
        }
    )*};
}

every_scenario!(against_test_ca);

/// A standalone `fabric-ca-server` whose `ca.name` is `org1-ca`: it has no CA named `ca`.
async fn start_standalone() -> (TestCa, FabricCaClient) {
    let ca = TestCa::start(TestCaConfig {
        ca_name: "org1-ca".to_owned(),
        ..TestCaConfig::default()
    })
    .await
    .unwrap();
    let pin = TlsPin::from_pem(&ca.tls_cert_pem()).unwrap();
    let client = FabricCaClient::new(&ca.url(), &pin, ClientOptions::default()).unwrap();
    (ca, client)
}

fn is_ca_not_found(err: &CaError, name: &str) -> bool {
    err.kind() == Some(CaErrorKind::CaNotFound)
        && matches!(err, CaError::Ca { status: 404, code: 19, message, .. }
            if *message == format!("CA '{name}' does not exist"))
}

#[tokio::test]
async fn without_a_ca_name_every_call_goes_to_the_default_ca_and_names_none() {
    let (ca, client) = start_standalone().await;

    let info = client.cainfo(None).await.unwrap();
    assert_eq!(info.ca_name, "org1-ca");
    assert_eq!(info.ca_chain_pem, ca.ca_root_pem("org1-ca").unwrap());
    assert!(is_ca_not_found(
        &client.cainfo("ca").await.unwrap_err(),
        "ca"
    ));

    let admin_enrollment = client
        .enroll(&EnrollRequest::at_default_ca(
            "admin",
            Sensitive::from("adminpw"),
        ))
        .await
        .unwrap();
    assert_eq!(admin_enrollment.ca_name, "org1-ca");
    assert_eq!(
        admin_enrollment.ca_chain_pem,
        ca.ca_root_pem("org1-ca").unwrap()
    );
    let admin = admin_enrollment.identity().unwrap();
    let root = Cert::from_pem(&ca.ca_root_pem("org1-ca").unwrap()).unwrap();

    // Both routes; the token signs the URI without a query.
    common::register_and_enroll_at_the_default_ca(&client, &admin, &root, "org1-ca").await;
    let listed = client.identities(&admin, None).await.unwrap();
    assert_eq!(listed.len(), 3, "{listed:?}");
    // An empty name is no name.
    let mut empty = EnrollRequest::new("", "admin", Sensitive::from("adminpw"));
    empty.hosts = vec!["h.example.com".to_owned()];
    assert_eq!(client.enroll(&empty).await.unwrap().ca_name, "org1-ca");
    assert!(
        ca.rejections().iter().all(|r| r.code == 19),
        "{:?}",
        ca.rejections()
    );

    // Nothing named a CA: no `?ca=` and no `caname`, as `fabric-ca-client` without
    // `--caname` sends.
    let selections = ca.ca_selections();
    assert_eq!(selections.len(), 11, "{selections:?}");
    let unnamed: Vec<_> = selections
        .iter()
        .filter(|s| s.query.is_none() && s.caname.is_none())
        .collect();
    assert_eq!(unnamed.len(), 10, "{selections:?}");
    assert!(unnamed
        .iter()
        .all(|s| s.answered.as_deref() == Some("org1-ca")));
    ca.shutdown().await;
}

#[tokio::test]
async fn a_name_the_server_lacks_brings_back_the_cas_own_message() {
    let (ca, client) = start_standalone().await;
    let admin = client
        .enroll(&EnrollRequest::at_default_ca(
            "admin",
            Sensitive::from("adminpw"),
        ))
        .await
        .unwrap()
        .identity()
        .unwrap();
    let err = client
        .enroll(&EnrollRequest::new(
            "nope",
            "admin",
            Sensitive::from("adminpw"),
        ))
        .await
        .unwrap_err();
    assert!(is_ca_not_found(&err, "nope"), "{err:?}");
    for route in [RegisterRoute::Register, RegisterRoute::Identities] {
        let err = client
            .register(
                &admin,
                &RegistrationRequest::new("nope", "x", "client"),
                route,
            )
            .await
            .unwrap_err();
        assert!(is_ca_not_found(&err, "nope"), "{err:?}");
    }
    let err = client.identities(&admin, "nope").await.unwrap_err();
    assert!(is_ca_not_found(&err, "nope"), "{err:?}");
    // What a console-deployed CA answers to is just another unknown name here.
    let err = client
        .enroll(&EnrollRequest::new(
            "ca",
            "admin",
            Sensitive::from("adminpw"),
        ))
        .await
        .unwrap_err();
    assert!(is_ca_not_found(&err, "ca"), "{err:?}");
    assert!(err.to_string().contains("CA 'ca' does not exist"), "{err}");
    // A named call sends the name both ways.
    let named = ca.ca_selections().pop().unwrap();
    assert_eq!(named.query.as_deref(), Some("ca"));
    assert_eq!(named.caname.as_deref(), Some("ca"));
    ca.shutdown().await;
}

#[tokio::test]
async fn every_call_has_a_timeout() {
    let ca = TestCa::start(TestCaConfig::default()).await.unwrap();
    let pin = TlsPin::from_pem(&ca.tls_cert_pem()).unwrap();
    let options = ClientOptions {
        timeout: Duration::from_millis(300),
        ..ClientOptions::default()
    };
    let client = FabricCaClient::new(&ca.url(), &pin, options).unwrap();
    ca.faults().hang_next(1);
    let err = client.cainfo("ca").await.unwrap_err();
    assert!(matches!(err, CaError::Timeout { .. }), "{err:?}");
    ca.shutdown().await;
}

/// Certificates a real CA cannot be made to hold on demand: one that expired, and one the CA
/// no longer has a record of. Both are the masked 401; only the test server's log says why.
mod raw {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use fabric_ha_fabric_ca::token;
    use p256::ecdsa::signature::hazmat::PrehashSigner as _;
    use p256::ecdsa::{Signature, SigningKey};
    use p256::pkcs8::DecodePrivateKey as _;
    use sha2::{Digest as _, Sha256};

    use super::*;

    const URI: &str = "/api/v1/register?ca=ca";
    const BODY: &str = r#"{"id":"x1","type":"client","secret":"x1pw"}"#;

    async fn send_token(ca: &TestCa, cert_pem: &str, key: &SigningKey) -> serde_json::Value {
        let digest = Sha256::digest(token::payload("POST", URI, BODY.as_bytes(), cert_pem));
        let signature: Signature = key.sign_prehash(&digest).unwrap();
        let auth = format!(
            "{}.{}",
            STANDARD.encode(cert_pem),
            STANDARD.encode(signature.normalize_s().to_der().as_bytes())
        );
        let root =
            reqwest::Certificate::from_pem(ca.ca_root_pem("tlsca").unwrap().as_bytes()).unwrap();
        let http = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(root)
            .build()
            .unwrap();
        let response = http
            .post(format!("{}{URI}", ca.url()))
            .header("authorization", auth)
            .body(BODY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        response.json().await.unwrap()
    }

    fn assert_masked(answer: &serde_json::Value) {
        assert_eq!(answer["errors"][0]["code"], 20);
        assert_eq!(answer["errors"][0]["message"], "Authentication failure");
    }

    #[tokio::test]
    async fn expired_and_forgotten_certificates_are_refused() {
        let ca = TestCa::start(TestCaConfig::default()).await.unwrap();
        let pin = TlsPin::from_pem(&ca.tls_cert_pem()).unwrap();
        let client = FabricCaClient::new(&ca.url(), &pin, ClientOptions::default()).unwrap();

        // Issued by this CA but expired.
        let expired = ca.issue_expired("ca", "admin").unwrap();
        let expired_key = SigningKey::from_pkcs8_pem(&expired.key_pem).unwrap();
        assert_masked(&send_token(&ca, &expired.cert_pem, &expired_key).await);
        let rejection = ca.rejections().pop().unwrap();
        assert_eq!(rejection.local_code, 26);
        assert!(rejection.local_message.contains("expired"));

        // Chains to this CA, but the CA has no record of it.
        let enrollment = client
            .enroll(&EnrollRequest::new(
                "ca",
                "admin",
                Sensitive::from("adminpw"),
            ))
            .await
            .unwrap();
        let key = SigningKey::from_pkcs8_pem(enrollment.private_key_pem.expose()).unwrap();
        ca.forget_issued("ca");
        assert_masked(&send_token(&ca, &enrollment.cert_pem, &key).await);
        assert_eq!(ca.rejections().pop().unwrap().local_code, 30);
        ca.shutdown().await;
    }
}
