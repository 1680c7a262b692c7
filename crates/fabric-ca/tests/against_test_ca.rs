//! The client against the testbed's Fabric CA: the HA procedure's CA steps, the CA's errors,
//! and pinned TLS.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use der::DecodePem as _;
use fabric_ha_artifacts::Cert;
use fabric_ha_fabric_ca::{
    Attribute, CaError, CaErrorKind, ClientOptions, EnrollRequest, FabricCaClient, RegisterRoute,
    RegistrationRequest, TlsPin,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

async fn start() -> (TestCa, FabricCaClient) {
    let ca = TestCa::start(TestCaConfig::default()).await.unwrap();
    let pin = TlsPin::from_pem(&ca.tls_cert_pem()).unwrap();
    let client = FabricCaClient::new(&ca.url(), &pin, ClientOptions::default()).unwrap();
    (ca, client)
}

async fn enroll_admin(client: &FabricCaClient) -> fabric_ha_fabric_ca::CaIdentity {
    client
        .enroll(&EnrollRequest::new(
            "ca",
            "admin",
            Sensitive::from("adminpw"),
        ))
        .await
        .unwrap()
        .identity()
        .unwrap()
}

fn sans(pem: &str) -> Vec<String> {
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap();
    let Some((_, san)) = cert
        .tbs_certificate()
        .get_extension::<SubjectAltName>()
        .unwrap()
    else {
        return Vec::new();
    };
    san.0
        .iter()
        .map(|name| match name {
            GeneralName::DnsName(dns) => dns.to_string(),
            GeneralName::IpAddress(ip) => {
                std::net::Ipv4Addr::from(<[u8; 4]>::try_from(ip.as_bytes()).unwrap()).to_string()
            }
            other => panic!("unexpected SAN {other:?}"),
        })
        .collect()
}

/// The JSON of Fabric's attribute extension (OID 1.2.3.4.5.6.7.8.1).
fn fabric_attrs(pem: &str) -> serde_json::Value {
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap();
    let ext = cert
        .tbs_certificate()
        .extensions()
        .unwrap()
        .iter()
        .find(|e| e.extn_id.to_string() == "1.2.3.4.5.6.7.8.1")
        .unwrap();
    assert!(!ext.critical);
    serde_json::from_slice(ext.extn_value.as_bytes()).unwrap()
}

#[tokio::test]
async fn cainfo_reports_both_cas_and_their_roots() {
    let (ca, client) = start().await;
    for name in ["ca", "tlsca"] {
        let info = client.cainfo(name).await.unwrap();
        assert_eq!(info.ca_name, name);
        assert_eq!(info.ca_chain_pem, ca.ca_root_pem(name).unwrap());
        assert_eq!(info.version, "1.5.15");
        assert!(!info.issuer_public_key.is_empty());
        assert!(!info.issuer_revocation_public_key.is_empty());
    }
    assert_ne!(ca.ca_root_pem("ca"), ca.ca_root_pem("tlsca"));
    let err = client.cainfo("nope").await.unwrap_err();
    assert_eq!(err.kind(), Some(CaErrorKind::CaNotFound));
    assert!(
        matches!(&err, CaError::Ca { status: 404, code: 19, message, .. } if message == "CA 'nope' does not exist")
    );
    ca.shutdown().await;
}

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
    for (id, route) in [
        ("peer7", RegisterRoute::Register),
        ("app7", RegisterRoute::Identities),
    ] {
        let request = RegistrationRequest::at_default_ca(id, "client");
        let secret = client.register(&admin, &request, route).await.unwrap();
        let enrollment = client
            .enroll(&EnrollRequest::at_default_ca(id, secret))
            .await
            .unwrap();
        assert_eq!(enrollment.ca_name, "org1-ca");
        Cert::from_pem(&enrollment.cert_pem)
            .unwrap()
            .verify_signed_by(&root)
            .unwrap();
        assert_eq!(client.identity(&admin, None, id).await.unwrap().id, id);
    }
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
async fn registers_and_enrolls_every_node_ou_type_through_both_routes() {
    let (ca, client) = start().await;
    let admin_enrollment = client
        .enroll(&EnrollRequest::new(
            "ca",
            "admin",
            Sensitive::from("adminpw"),
        ))
        .await
        .unwrap();
    let admin_cert = Cert::from_pem(&admin_enrollment.cert_pem).unwrap();
    assert_eq!(admin_cert.organizational_units(), ["client"]);
    assert_eq!(admin_enrollment.ca_chain_pem, ca.ca_root_pem("ca").unwrap());
    assert!(admin_enrollment
        .private_key_pem
        .expose()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(!format!("{admin_enrollment:?}").contains("PRIVATE KEY"));
    let admin = admin_enrollment.identity().unwrap();
    let root = Cert::from_pem(&ca.ca_root_pem("ca").unwrap()).unwrap();

    let cases = [
        ("org1peer2", "peer", RegisterRoute::Register),
        ("org1app", "client", RegisterRoute::Identities),
        ("org1admin", "admin", RegisterRoute::Identities),
        ("org1orderer", "orderer", RegisterRoute::Register),
    ];
    for (id, kind, route) in cases {
        let mut request = RegistrationRequest::new("ca", id, kind);
        request.attrs = vec![Attribute {
            name: "role".to_owned(),
            value: "x".to_owned(),
            ecert: true,
        }];
        if kind == "admin" {
            request.secret = Some(Sensitive::from("admin-s3cret"));
        }
        let secret = client.register(&admin, &request, route).await.unwrap();
        if kind == "admin" {
            assert_eq!(secret.expose(), "admin-s3cret");
        } else {
            assert_eq!(secret.expose().len(), 12, "generated secret");
        }

        let mut enroll = EnrollRequest::new("ca", id, secret);
        if kind == "peer" {
            enroll.hosts = vec!["peer2.org1.example.com".to_owned(), "10.1.2.3".to_owned()];
        }
        let enrollment = client.enroll(&enroll).await.unwrap();
        let cert = Cert::from_pem(&enrollment.cert_pem).unwrap();
        assert!(
            cert.subject().contains(&format!("CN={id}")),
            "{}",
            cert.subject()
        );
        assert_eq!(cert.organizational_units(), [kind]);
        cert.verify_signed_by(&root).unwrap();
        assert!(!cert.is_ca());
        let attrs = fabric_attrs(&enrollment.cert_pem);
        assert_eq!(attrs["attrs"]["hf.Type"], kind);
        assert_eq!(attrs["attrs"]["hf.EnrollmentID"], id);
        assert_eq!(attrs["attrs"]["role"], "x");
        if kind == "peer" {
            assert_eq!(
                sans(&enrollment.cert_pem),
                ["peer2.org1.example.com", "10.1.2.3"]
            );
        } else {
            assert!(sans(&enrollment.cert_pem).is_empty());
        }
        assert_eq!(ca.enrollment_count(id), Some(1));

        let info = client.identity(&admin, "ca", id).await.unwrap();
        assert_eq!(info.id, id);
        assert_eq!(info.identity_type, kind);
        assert!(info
            .attrs
            .iter()
            .any(|a| a.name == "role" && a.value == "x"));
    }

    let listed = client.identities(&admin, "ca").await.unwrap();
    let mut ids: Vec<&str> = listed.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["admin", "org1admin", "org1app", "org1orderer", "org1peer2"]
    );

    let missing = client.identity(&admin, "ca", "nobody").await.unwrap_err();
    assert_eq!(missing.kind(), Some(CaErrorKind::NotFound));
    ca.shutdown().await;
}

#[tokio::test]
async fn the_tls_ca_issues_tls_certificates_under_its_own_root() {
    let (ca, client) = start().await;
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "peer1", "peer");
    request.secret = Some(Sensitive::from("peer1pw"));
    client
        .register(&admin, &request, RegisterRoute::Identities)
        .await
        .unwrap();
    // The identity table is shared, so the same id and secret enroll at the TLS CA.
    let mut enroll = EnrollRequest::new("tlsca", "peer1", Sensitive::from("peer1pw"));
    enroll.hosts = vec!["peer1.org1.example.com".to_owned()];
    let tls = client.enroll(&enroll).await.unwrap();
    assert_eq!(tls.ca_name, "tlsca");
    let cert = Cert::from_pem(&tls.cert_pem).unwrap();
    cert.verify_signed_by(&Cert::from_pem(&ca.ca_root_pem("tlsca").unwrap()).unwrap())
        .unwrap();
    assert!(cert
        .verify_signed_by(&Cert::from_pem(&ca.ca_root_pem("ca").unwrap()).unwrap())
        .is_err());
    assert_eq!(sans(&tls.cert_pem), ["peer1.org1.example.com"]);
    ca.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_is_an_authentication_failure() {
    let (ca, client) = start().await;
    let err = client
        .enroll(&EnrollRequest::new("ca", "admin", Sensitive::from("wrong")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(CaErrorKind::AuthenticationFailure));
    assert!(
        matches!(&err, CaError::Ca { status: 401, code: 20, message, .. } if message == "Authentication failure")
    );
    assert!(!format!("{err:?}").contains("wrong"));
    assert_eq!(ca.rejections()[0].local_code, 24);
    ca.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_registration_is_already_registered() {
    let (ca, client) = start().await;
    let admin = enroll_admin(&client).await;
    let request = RegistrationRequest::new("ca", "org1peer2", "peer");
    client
        .register(&admin, &request, RegisterRoute::Register)
        .await
        .unwrap();
    for route in [RegisterRoute::Register, RegisterRoute::Identities] {
        let err = client.register(&admin, &request, route).await.unwrap_err();
        assert_eq!(err.kind(), Some(CaErrorKind::AlreadyRegistered));
        assert!(
            matches!(&err, CaError::Ca { status: 409, code: 74, message, .. }
            if message == "Identity 'org1peer2' is already registered")
        );
    }
    ca.shutdown().await;
}

#[tokio::test]
async fn enrolling_past_max_enrollments_is_refused() {
    let (ca, client) = start().await;
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "once", "client");
    request.max_enrollments = 1;
    let secret = client
        .register(&admin, &request, RegisterRoute::Register)
        .await
        .unwrap();
    client
        .enroll(&EnrollRequest::new("ca", "once", secret.clone()))
        .await
        .unwrap();
    let err = client
        .enroll(&EnrollRequest::new("ca", "once", secret))
        .await
        .unwrap_err();
    // Fabric CA masks this as an authentication failure; only its log says why.
    assert_eq!(err.kind(), Some(CaErrorKind::AuthenticationFailure));
    let rejection = ca.rejections().pop().unwrap();
    assert_eq!(rejection.local_code, 24);
    assert!(rejection
        .local_message
        .contains("it has reached its maximum enrollment allowance"));
    assert_eq!(ca.enrollment_count("once"), Some(1));
    ca.shutdown().await;
}

#[tokio::test]
async fn a_registrar_without_the_role_gets_an_authorization_failure() {
    let (ca, client) = start().await;
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "plain", "client");
    request.secret = Some(Sensitive::from("plainpw"));
    client
        .register(&admin, &request, RegisterRoute::Register)
        .await
        .unwrap();
    let plain = client
        .enroll(&EnrollRequest::new(
            "ca",
            "plain",
            Sensitive::from("plainpw"),
        ))
        .await
        .unwrap()
        .identity()
        .unwrap();
    let err = client
        .register(
            &plain,
            &RegistrationRequest::new("ca", "sneaky", "admin"),
            RegisterRoute::Identities,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(CaErrorKind::AuthorizationFailure));
    assert!(matches!(
        &err,
        CaError::Ca {
            status: 403,
            code: 71,
            ..
        }
    ));
    let err = client.identities(&plain, "ca").await.unwrap_err();
    assert_eq!(err.kind(), Some(CaErrorKind::AuthorizationFailure));
    ca.shutdown().await;
}

#[tokio::test]
async fn tls_is_pinned() {
    let (ca, _) = start().await;
    // The TLS CA's chain from cainfo also verifies the server (name and validity checked).
    let via_chain = TlsPin::from_pem(&ca.ca_root_pem("tlsca").unwrap()).unwrap();
    let client = FabricCaClient::new(&ca.url(), &via_chain, ClientOptions::default()).unwrap();
    client.cainfo("ca").await.unwrap();

    // The enrollment CA's root did not issue the HTTPS certificate.
    let wrong = TlsPin::from_pem(&ca.ca_root_pem("ca").unwrap()).unwrap();
    let client = FabricCaClient::new(&ca.url(), &wrong, ClientOptions::default()).unwrap();
    let err = client.cainfo("ca").await.unwrap_err();
    assert!(matches!(err, CaError::TlsUntrusted { .. }), "{err:?}");

    // Nor does any other certificate pass, even a valid one from elsewhere.
    let other = TestCa::start(TestCaConfig::default()).await.unwrap();
    let foreign = TlsPin::from_pem(&other.tls_cert_pem()).unwrap();
    let client = FabricCaClient::new(&ca.url(), &foreign, ClientOptions::default()).unwrap();
    assert!(matches!(
        client.cainfo("ca").await.unwrap_err(),
        CaError::TlsUntrusted { .. }
    ));
    assert!(FabricCaClient::new(
        &ca.url().replace("https", "http"),
        &foreign,
        ClientOptions::default()
    )
    .is_err());
    other.shutdown().await;
    ca.shutdown().await;
}

#[tokio::test]
async fn every_call_has_a_timeout() {
    let (ca, _) = start().await;
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

/// Requests the client cannot produce, sent by hand: a CSR for another name and tokens a
/// Fabric CA must refuse.
mod raw {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use fabric_ha_fabric_ca::token;
    use p256::ecdsa::signature::hazmat::PrehashSigner as _;
    use p256::ecdsa::{DerSignature, Signature, SigningKey};
    use p256::pkcs8::DecodePrivateKey as _;
    use sha2::{Digest as _, Sha256};
    use x509_cert::builder::{Builder as _, RequestBuilder};

    use super::*;

    fn http(ca: &TestCa) -> reqwest::Client {
        let root =
            reqwest::Certificate::from_pem(ca.ca_root_pem("tlsca").unwrap().as_bytes()).unwrap();
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(root)
            .build()
            .unwrap()
    }

    async fn send(
        http: &reqwest::Client,
        ca: &TestCa,
        uri: &str,
        body: &str,
        auth: &str,
    ) -> (u16, serde_json::Value) {
        let response = http
            .post(format!("{}{uri}", ca.url()))
            .header("authorization", auth)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// An enrolled `admin`: (certificate PEM, key).
    async fn admin(client: &FabricCaClient) -> (String, SigningKey) {
        let enrollment = client
            .enroll(&EnrollRequest::new(
                "ca",
                "admin",
                Sensitive::from("adminpw"),
            ))
            .await
            .unwrap();
        let key = SigningKey::from_pkcs8_pem(enrollment.private_key_pem.expose()).unwrap();
        (enrollment.cert_pem, key)
    }

    fn token_with(cert_pem: &str, signature: &Signature) -> String {
        format!(
            "{}.{}",
            STANDARD.encode(cert_pem),
            STANDARD.encode(signature.to_der().as_bytes())
        )
    }

    fn sign(key: &SigningKey, method: &str, uri: &str, body: &str, cert_pem: &str) -> Signature {
        let digest = Sha256::digest(token::payload(method, uri, body.as_bytes(), cert_pem));
        key.sign_prehash(&digest).unwrap()
    }

    fn assert_masked(answer: &(u16, serde_json::Value)) {
        assert_eq!(answer.0, 401);
        assert_eq!(
            answer.1,
            serde_json::json!({
                "result": "",
                "errors": [{ "code": 20, "message": "Authentication failure" }],
                "messages": [],
                "success": false
            })
        );
    }

    const URI: &str = "/api/v1/register?ca=ca";
    const BODY: &str = r#"{"id":"x1","type":"client","secret":"x1pw"}"#;

    #[tokio::test]
    async fn a_csr_for_another_name_is_a_cn_mismatch() {
        let (ca, _) = start().await;
        let key = SigningKey::from_slice(&[7; 32]).unwrap();
        let subject = "CN=someone-else".parse().unwrap();
        let csr = RequestBuilder::new(subject)
            .unwrap()
            .build::<_, DerSignature>(&key)
            .unwrap();
        let csr_pem = der::EncodePem::to_pem(&csr, der::pem::LineEnding::LF).unwrap();
        let body = serde_json::json!({ "certificate_request": csr_pem }).to_string();
        let basic = format!("Basic {}", STANDARD.encode("admin:adminpw"));
        let (status, answer) = send(&http(&ca), &ca, "/api/v1/enroll?ca=ca", &body, &basic).await;
        assert_eq!(status, 403);
        assert_eq!(answer["errors"][0]["code"], 77);
        assert_eq!(
            answer["errors"][0]["message"],
            "The CSR subject common name must equal the enrollment ID"
        );
        assert_eq!(CaErrorKind::from_code(77), CaErrorKind::CnMismatch);
        assert_eq!(ca.enrollment_count("admin"), Some(0));
        ca.shutdown().await;
    }

    #[tokio::test]
    async fn the_token_is_checked_as_fabric_ca_checks_it() {
        let (ca, client) = start().await;
        let http = http(&ca);
        let (cert, key) = admin(&client).await;

        // A good low-S token over this URI and body is accepted.
        let good = sign(&key, "POST", URI, BODY, &cert).normalize_s();
        let (status, answer) = send(&http, &ca, URI, BODY, &token_with(&cert, &good)).await;
        assert_eq!(status, 201, "{answer}");
        assert_eq!(answer["result"]["secret"], "x1pw");

        // The same signature, but with S in the upper half of the order.
        let body2 = BODY.replace("x1", "x2");
        let low = sign(&key, "POST", URI, &body2, &cert).normalize_s();
        let (r, s) = low.split_scalars();
        let high = Signature::from_scalars(r, -s).unwrap();
        assert!(token::is_high_s(&high));
        assert_masked(&send(&http, &ca, URI, &body2, &token_with(&cert, &high)).await);
        let rejection = ca.rejections().pop().unwrap();
        assert_eq!(rejection.local_code, 25);
        assert!(
            rejection.local_message.contains("Invalid S"),
            "{}",
            rejection.local_message
        );

        // Signed over another body, or another URI.
        let other_body = sign(&key, "POST", URI, BODY, &cert).normalize_s();
        assert_masked(&send(&http, &ca, URI, &body2, &token_with(&cert, &other_body)).await);
        assert_eq!(ca.rejections().pop().unwrap().local_code, 25);
        let other_uri = sign(&key, "POST", "/api/v1/register", &body2, &cert).normalize_s();
        assert_masked(&send(&http, &ca, URI, &body2, &token_with(&cert, &other_uri)).await);
        assert_eq!(ca.rejections().pop().unwrap().local_code, 25);

        // The register route is also served at the root and signs over that path.
        let root_uri = "/register?ca=ca";
        let sig = sign(&key, "POST", root_uri, &body2, &cert).normalize_s();
        let (status, _) = send(&http, &ca, root_uri, &body2, &token_with(&cert, &sig)).await;
        assert_eq!(status, 201);
        ca.shutdown().await;
    }

    #[tokio::test]
    async fn unknown_foreign_and_expired_certificates_are_refused() {
        let (ca, client) = start().await;
        let http = http(&ca);

        // Issued by the TLS CA, presented to the enrollment CA.
        let tls = client
            .enroll(&EnrollRequest::new(
                "tlsca",
                "admin",
                Sensitive::from("adminpw"),
            ))
            .await
            .unwrap();
        let tls_key = SigningKey::from_pkcs8_pem(tls.private_key_pem.expose()).unwrap();
        let sig = sign(&tls_key, "POST", URI, BODY, &tls.cert_pem).normalize_s();
        assert_masked(&send(&http, &ca, URI, BODY, &token_with(&tls.cert_pem, &sig)).await);
        assert_eq!(ca.rejections().pop().unwrap().local_code, 26);

        // Issued by this CA but expired.
        let expired = ca.issue_expired("ca", "admin").unwrap();
        let expired_key = SigningKey::from_pkcs8_pem(&expired.key_pem).unwrap();
        let sig = sign(&expired_key, "POST", URI, BODY, &expired.cert_pem).normalize_s();
        assert_masked(&send(&http, &ca, URI, BODY, &token_with(&expired.cert_pem, &sig)).await);
        let rejection = ca.rejections().pop().unwrap();
        assert_eq!(rejection.local_code, 26);
        assert!(rejection.local_message.contains("expired"));

        // Chains to this CA, but the CA has no record of it.
        let (cert, key) = admin(&client).await;
        ca.forget_issued("ca");
        let sig = sign(&key, "POST", URI, BODY, &cert).normalize_s();
        assert_masked(&send(&http, &ca, URI, BODY, &token_with(&cert, &sig)).await);
        assert_eq!(ca.rejections().pop().unwrap().local_code, 30);

        // No header at all is not masked.
        let response = http
            .post(format!("{}{URI}", ca.url()))
            .body(BODY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let answer: serde_json::Value = response.json().await.unwrap();
        assert_eq!(answer["errors"][0]["code"], 2);
        ca.shutdown().await;
    }
}
