//! The client's scenarios, each one async function over a [`Server`] that is either the
//! in-memory CA test server (`against_test_ca.rs`) or a real `fabric-ca-server` started from
//! the release binaries (`against_real_ca.rs`). Both host the CA names `ca` and `tlsca` over
//! one registry with the bootstrap admin `admin` / `adminpw`. The real server is the
//! reference: what a scenario asserts holds for both, and what only the test server can tell
//! (the reason behind a masked error, enrollment counts) is checked only there.
#![allow(clippy::unwrap_used, dead_code)]

/// Calls `$runner!` with every scenario below, the list both test files run (against the test
/// server and against a real `fabric-ca-server`).
macro_rules! every_scenario {
    ($runner:ident) => {
        $runner!(
            cainfo_reports_both_cas_and_their_roots,
            the_bootstrap_admin_enrolls_at_both_cas,
            without_a_ca_name_the_default_ca_answers,
            registers_and_enrolls_every_node_ou_type_through_both_routes,
            the_tls_ca_issues_tls_certificates_under_its_own_root,
            a_wrong_secret_is_an_authentication_failure,
            a_duplicate_registration_is_already_registered,
            enrolling_past_max_enrollments_is_refused,
            a_registrar_without_the_role_gets_an_authorization_failure,
            an_unknown_ca_name_is_404_code_19,
            tls_is_pinned,
            the_token_is_checked_as_fabric_ca_checks_it,
            requests_are_checked_in_fabric_cas_order,
            reenroll_gives_the_same_identity_a_new_certificate,
        );
    };
}

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use der::DecodePem as _;
use fabric_ha_artifacts::Cert;
use fabric_ha_fabric_ca::{
    token, Attribute, CaError, CaErrorKind, CaIdentity, ClientOptions, EnrollRequest,
    FabricCaClient, ReenrollRequest, RegisterRoute, RegistrationRequest, TlsPin,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use fabric_ha_testnet::{CaServer, CaSpec, Fabric};
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use p256::ecdsa::{DerSignature, Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use x509_cert::builder::{Builder as _, RequestBuilder};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, SubjectAltName};

/// The bootstrap registrar of both servers.
pub const ADMIN: (&str, &str) = ("admin", "adminpw");

enum Backend {
    Test(TestCa),
    Real {
        server: Box<CaServer>,
        dir: tempfile::TempDir,
    },
}

/// A CA server with the CA names `ca` and `tlsca` on one HTTPS endpoint.
pub struct Server {
    backend: Backend,
}

/// True while a process with this id exists.
pub fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

impl Server {
    /// The CA test server, default configuration.
    pub async fn test() -> Server {
        Server {
            backend: Backend::Test(TestCa::start(TestCaConfig::default()).await.unwrap()),
        }
    }

    /// A real `fabric-ca-server`; `None` (after one skip line) without the Fabric binaries.
    pub async fn real(test: &str) -> Option<Server> {
        let fabric = Fabric::for_tests(test)?;
        let dir = tempfile::tempdir().unwrap();
        let server = CaServer::start(
            &fabric,
            dir.path(),
            CaSpec {
                name: "org1ca".to_owned(),
                common_name: "org1ca".to_owned(),
                bootstrap: (ADMIN.0.to_owned(), ADMIN.1.to_owned()),
                identities: Vec::new(),
            },
        )
        .await
        .unwrap();
        Some(Server {
            backend: Backend::Real {
                server: Box::new(server),
                dir,
            },
        })
    }

    /// The test server, for what only it can report; `None` for the real one.
    pub fn test_ca(&self) -> Option<&TestCa> {
        match &self.backend {
            Backend::Test(ca) => Some(ca),
            Backend::Real { .. } => None,
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match &self.backend {
            Backend::Test(ca) => ca.url(),
            Backend::Real { server, .. } => server.url(),
        }
    }

    /// The server's HTTPS certificate (what a CA artifact's `tls_cert` holds).
    pub fn tls_cert_pem(&self) -> String {
        match &self.backend {
            Backend::Test(ca) => ca.tls_cert_pem(),
            Backend::Real { server, .. } => server.tls_cert_pem().to_owned(),
        }
    }

    /// The root of `ca` or `tlsca`, as the server wrote it.
    pub fn root_pem(&self, ca_name: &str) -> String {
        match (&self.backend, ca_name) {
            (Backend::Test(ca), name) => ca.ca_root_pem(name).unwrap(),
            (Backend::Real { server, .. }, "ca") => server.ca_root_pem().to_owned(),
            (Backend::Real { server, .. }, "tlsca") => server.tlsca_root_pem().to_owned(),
            (Backend::Real { .. }, other) => panic!("no CA named {other}"),
        }
    }

    /// The CA whose root issued the HTTPS certificate: the test server's TLS CA, or the CA a
    /// `fabric-ca-server` started with TLS and no certificate of its own issues it from, `ca`.
    pub fn https_issuer(&self) -> &'static str {
        match &self.backend {
            Backend::Test(_) => "tlsca",
            Backend::Real { .. } => "ca",
        }
    }

    /// A client pinned to the server's HTTPS certificate.
    pub fn client(&self) -> FabricCaClient {
        let pin = TlsPin::from_pem(&self.tls_cert_pem()).unwrap();
        FabricCaClient::new(&self.url(), &pin, ClientOptions::default()).unwrap()
    }

    /// Stops the server and waits for it; a real one's process must be gone afterwards.
    pub async fn stop(self) {
        match self.backend {
            Backend::Test(ca) => ca.shutdown().await,
            Backend::Real { server, dir } => {
                let pid = server.pid().unwrap();
                assert!(alive(pid), "fabric-ca-server {pid} exited before the end");
                drop(server);
                assert!(!alive(pid), "fabric-ca-server {pid} still runs after drop");
                drop(dir);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn secret(text: &str) -> Sensitive<String> {
    Sensitive::from(text)
}

async fn enroll_admin(client: &FabricCaClient) -> CaIdentity {
    client
        .enroll(&EnrollRequest::new("ca", ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap()
        .identity()
        .unwrap()
}

fn x509(pem: &str) -> x509_cert::Certificate {
    x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap()
}

fn common_name(pem: &str) -> String {
    x509(pem)
        .tbs_certificate()
        .subject()
        .common_name()
        .unwrap()
        .unwrap()
        .value()
        .to_string()
}

fn sans(pem: &str) -> Vec<String> {
    let cert = x509(pem);
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

/// The JSON of Fabric's attribute extension (OID 1.2.3.4.5.6.7.8.1); `None` without one.
fn fabric_attrs(pem: &str) -> Option<Value> {
    let cert = x509(pem);
    let ext = cert
        .tbs_certificate()
        .extensions()?
        .iter()
        .find(|e| e.extn_id.to_string() == "1.2.3.4.5.6.7.8.1")?;
    assert!(!ext.critical);
    Some(serde_json::from_slice(ext.extn_value.as_bytes()).unwrap())
}

/// A certificate's key usages (digital signature, key encipherment, key agreement; no other
/// may be set) and extended key usage OIDs.
fn usages(pem: &str) -> ((bool, bool, bool), Vec<String>) {
    let cert = x509(pem);
    let (critical, key_usage) = cert
        .tbs_certificate()
        .get_extension::<KeyUsage>()
        .unwrap()
        .unwrap();
    assert!(critical);
    let known = (
        key_usage.digital_signature(),
        key_usage.key_encipherment(),
        key_usage.key_agreement(),
    );
    let count = [known.0, known.1, known.2].iter().filter(|b| **b).count();
    assert_eq!(key_usage.0.into_iter().count(), count, "{key_usage:?}");
    let eku = cert
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
        .unwrap()
        .map(|(_, eku)| eku.0.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    (known, eku)
}

const SIGNATURE_ONLY: (bool, bool, bool) = (true, false, false);
const TLS_PROFILE: (bool, bool, bool) = (true, true, true);

const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";

fn is_ca_error(err: &CaError, status: u16, code: i64, message: &str) -> bool {
    matches!(err, CaError::Ca { status: s, code: c, message: m, .. }
        if *s == status && *c == code && m == message)
}

/// Asserts the CA's refusal: its kind, HTTP status, code and message.
fn assert_refused(err: &CaError, kind: CaErrorKind, status: u16, code: i64, message: &str) {
    assert_eq!(err.kind(), Some(kind), "{err:?}");
    assert!(is_ca_error(err, status, code, message), "{err:?}");
}

fn assert_ca_not_found(err: &CaError, name: &str) {
    let message = format!("CA '{name}' does not exist");
    assert_refused(err, CaErrorKind::CaNotFound, 404, 19, &message);
}

fn assert_authentication_failure(err: &CaError) {
    let kind = CaErrorKind::AuthenticationFailure;
    assert_refused(err, kind, 401, 20, "Authentication failure");
}

fn assert_authorization_failure(err: &CaError) {
    let kind = CaErrorKind::AuthorizationFailure;
    assert_refused(err, kind, 403, 71, "Authorization failure");
}

/// The bootstrap admin's attributes as `fabric-ca-server init -b` stores them, sorted.
fn bootstrap_attrs() -> Vec<(String, String, bool)> {
    let mut attrs: Vec<(String, String, bool)> = [
        ("hf.AffiliationMgr", "1"),
        ("hf.GenCRL", "1"),
        ("hf.IntermediateCA", "1"),
        ("hf.Registrar.Attributes", "*"),
        ("hf.Registrar.DelegateRoles", "*"),
        ("hf.Registrar.Roles", "*"),
        ("hf.Revoker", "1"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.to_owned(), false))
    .collect();
    attrs.sort();
    attrs
}

fn sorted_attrs(attrs: &[Attribute]) -> Vec<(String, String, bool)> {
    let mut out: Vec<_> = attrs
        .iter()
        .map(|a| (a.name.clone(), a.value.clone(), a.ecert))
        .collect();
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Scenarios through the client

/// `cainfo` of `ca`, `tlsca` and the default CA: names, the roots the server wrote, the
/// Idemix keys; an unknown name is 404 code 19.
pub async fn cainfo_reports_both_cas_and_their_roots(server: &Server) {
    let client = server.client();
    for name in ["ca", "tlsca"] {
        let info = client.cainfo(name).await.unwrap();
        assert_eq!(info.ca_name, name);
        assert_eq!(info.ca_chain_pem, server.root_pem(name));
        assert!(info.version.starts_with("1."), "{}", info.version);
        assert!(!info.issuer_public_key.is_empty());
        assert!(!info.issuer_revocation_public_key.is_empty());
        if let Some(ca) = server.test_ca() {
            assert_eq!(info.version, "1.5.15");
            assert_eq!(info.ca_chain_pem, ca.ca_root_pem(name).unwrap());
        }
    }
    assert_ne!(server.root_pem("ca"), server.root_pem("tlsca"));
    // No name: the default CA, which is `ca`.
    let default = client.cainfo(None).await.unwrap();
    assert_eq!(default.ca_name, "ca");
    assert_eq!(default.ca_chain_pem, server.root_pem("ca"));
    assert_ca_not_found(&client.cainfo("nope").await.unwrap_err(), "nope");
}

/// The bootstrap admin enrolls at both CAs; its certificate names it, is issued by that CA's
/// root, and carries no attribute extension (it has no `ecert` attributes).
pub async fn the_bootstrap_admin_enrolls_at_both_cas(server: &Server) {
    let client = server.client();
    let enrollment = client
        .enroll(&EnrollRequest::new("ca", ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap();
    assert_eq!(enrollment.ca_name, "ca");
    assert_eq!(enrollment.ca_chain_pem, server.root_pem("ca"));
    assert_eq!(common_name(&enrollment.cert_pem), ADMIN.0);
    let cert = Cert::from_pem(&enrollment.cert_pem).unwrap();
    assert_eq!(cert.organizational_units(), ["client"]);
    cert.verify_signed_by(&Cert::from_pem(&server.root_pem("ca")).unwrap())
        .unwrap();
    assert!(cert
        .verify_signed_by(&Cert::from_pem(&server.root_pem("tlsca")).unwrap())
        .is_err());
    assert!(!cert.is_ca());
    assert!(sans(&enrollment.cert_pem).is_empty());
    assert_eq!(fabric_attrs(&enrollment.cert_pem), None);
    let (key_usage, eku) = usages(&enrollment.cert_pem);
    assert_eq!(key_usage, SIGNATURE_ONLY);
    assert!(eku.is_empty(), "{eku:?}");
    assert!(enrollment
        .private_key_pem
        .expose()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(!format!("{enrollment:?}").contains("PRIVATE KEY"));

    let admin = enrollment.identity().unwrap();
    let info = client.identity(&admin, "ca", ADMIN.0).await.unwrap();
    assert_eq!(info.identity_type, "client");
    assert_eq!(info.affiliation, "");
    assert_eq!(info.max_enrollments, -1);
    assert_eq!(sorted_attrs(&info.attrs), bootstrap_attrs());

    let tls = client
        .enroll(&EnrollRequest::new("tlsca", ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap();
    assert_eq!(tls.ca_name, "tlsca");
    assert_eq!(tls.ca_chain_pem, server.root_pem("tlsca"));
    assert_eq!(common_name(&tls.cert_pem), ADMIN.0);
    Cert::from_pem(&tls.cert_pem)
        .unwrap()
        .verify_signed_by(&Cert::from_pem(&server.root_pem("tlsca")).unwrap())
        .unwrap();
}

/// Registers `peer7` (by `/register`) and `app7` (by `/identities`) without a CA name, enrolls
/// both, and checks that `default_ca` answered and that `root` issued their certificates.
pub async fn register_and_enroll_at_the_default_ca(
    client: &FabricCaClient,
    admin: &CaIdentity,
    root: &Cert,
    default_ca: &str,
) {
    for (id, route) in [
        ("peer7", RegisterRoute::Register),
        ("app7", RegisterRoute::Identities),
    ] {
        let request = RegistrationRequest::at_default_ca(id, "client");
        let new_secret = client.register(admin, &request, route).await.unwrap();
        let enrolled = client
            .enroll(&EnrollRequest::at_default_ca(id, new_secret))
            .await
            .unwrap();
        assert_eq!(enrolled.ca_name, default_ca);
        Cert::from_pem(&enrolled.cert_pem)
            .unwrap()
            .verify_signed_by(root)
            .unwrap();
        assert_eq!(client.identity(admin, None, id).await.unwrap().id, id);
    }
}

/// Without a CA name every call goes to the default CA, `ca`.
pub async fn without_a_ca_name_the_default_ca_answers(server: &Server) {
    let client = server.client();
    let enrollment = client
        .enroll(&EnrollRequest::at_default_ca(ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap();
    assert_eq!(enrollment.ca_name, "ca");
    assert_eq!(enrollment.ca_chain_pem, server.root_pem("ca"));
    let admin = enrollment.identity().unwrap();
    let root = Cert::from_pem(&server.root_pem("ca")).unwrap();
    register_and_enroll_at_the_default_ca(&client, &admin, &root, "ca").await;
    let mut ids: Vec<String> = client
        .identities(&admin, None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["admin", "app7", "peer7"]);
}

/// The HA procedure's CA steps: register every Node OU type through both routes as the
/// bootstrap admin, enroll each at `ca` and (one registry) at `tlsca`, look them up and list
/// them.
pub async fn registers_and_enrolls_every_node_ou_type_through_both_routes(server: &Server) {
    let client = server.client();
    let admin = enroll_admin(&client).await;
    let root = Cert::from_pem(&server.root_pem("ca")).unwrap();
    let tls_root = Cert::from_pem(&server.root_pem("tlsca")).unwrap();

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
            request.secret = Some(secret("admin-s3cret"));
        }
        let new_secret = client.register(&admin, &request, route).await.unwrap();
        if kind == "admin" {
            assert_eq!(new_secret.expose(), "admin-s3cret");
        } else {
            assert_eq!(new_secret.expose().len(), 12, "generated secret");
        }

        let mut enroll = EnrollRequest::new("ca", id, new_secret.clone());
        if kind == "peer" {
            enroll.hosts = vec!["peer2.org1.example.com".to_owned(), "10.1.2.3".to_owned()];
        }
        let enrollment = client.enroll(&enroll).await.unwrap();
        assert_eq!(enrollment.ca_name, "ca");
        assert_eq!(common_name(&enrollment.cert_pem), id);
        let cert = Cert::from_pem(&enrollment.cert_pem).unwrap();
        assert_eq!(cert.organizational_units(), [kind]);
        cert.verify_signed_by(&root).unwrap();
        assert!(cert.verify_signed_by(&tls_root).is_err());
        assert!(!cert.is_ca());
        let attrs = fabric_attrs(&enrollment.cert_pem).unwrap();
        assert_eq!(
            attrs,
            json!({"attrs": {
                "hf.Affiliation": "",
                "hf.EnrollmentID": id,
                "hf.Type": kind,
                "role": "x",
            }})
        );
        if kind == "peer" {
            assert_eq!(
                sans(&enrollment.cert_pem),
                ["peer2.org1.example.com", "10.1.2.3"]
            );
        } else {
            assert!(sans(&enrollment.cert_pem).is_empty());
        }
        if let Some(ca) = server.test_ca() {
            assert_eq!(ca.enrollment_count(id), Some(1));
        }

        // The registry is shared: the same id and secret enroll at the TLS CA.
        let tls = client
            .enroll(&EnrollRequest::new("tlsca", id, new_secret))
            .await
            .unwrap();
        assert_eq!(tls.ca_name, "tlsca");
        assert_eq!(tls.ca_chain_pem, server.root_pem("tlsca"));
        assert_eq!(common_name(&tls.cert_pem), id);
        let tls_cert = Cert::from_pem(&tls.cert_pem).unwrap();
        tls_cert.verify_signed_by(&tls_root).unwrap();
        assert!(tls_cert.verify_signed_by(&root).is_err());

        let info = client.identity(&admin, "ca", id).await.unwrap();
        assert_eq!(info.id, id);
        assert_eq!(info.identity_type, kind);
        assert_eq!(info.affiliation, "");
        assert_eq!(info.max_enrollments, -1);
        assert_eq!(
            sorted_attrs(&info.attrs),
            [
                ("hf.Affiliation".to_owned(), String::new(), true),
                ("hf.EnrollmentID".to_owned(), id.to_owned(), true),
                ("hf.Type".to_owned(), kind.to_owned(), true),
                ("role".to_owned(), "x".to_owned(), true),
            ]
        );
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
    assert!(
        is_ca_error(
            &missing,
            404,
            63,
            "Failed to get User: sql: no rows in result set"
        ),
        "{missing:?}"
    );
}

/// A TLS certificate for a peer: at the TLS CA under its own root, with the `tls` profile's
/// usages only when that profile is asked for.
pub async fn the_tls_ca_issues_tls_certificates_under_its_own_root(server: &Server) {
    let client = server.client();
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "peer1", "peer");
    request.secret = Some(secret("peer1pw"));
    client
        .register(&admin, &request, RegisterRoute::Identities)
        .await
        .unwrap();
    let tls_root = Cert::from_pem(&server.root_pem("tlsca")).unwrap();
    let root = Cert::from_pem(&server.root_pem("ca")).unwrap();
    for profile in ["", "tls"] {
        let mut enroll = EnrollRequest::new("tlsca", "peer1", secret("peer1pw"));
        enroll.hosts = vec!["peer1.org1.example.com".to_owned()];
        enroll.profile = profile.to_owned();
        let tls = client.enroll(&enroll).await.unwrap();
        assert_eq!(tls.ca_name, "tlsca");
        let cert = Cert::from_pem(&tls.cert_pem).unwrap();
        cert.verify_signed_by(&tls_root).unwrap();
        assert!(cert.verify_signed_by(&root).is_err());
        assert_eq!(sans(&tls.cert_pem), ["peer1.org1.example.com"]);
        let (key_usage, eku) = usages(&tls.cert_pem);
        if profile == "tls" {
            assert_eq!(key_usage, TLS_PROFILE);
            assert_eq!(eku, [SERVER_AUTH, CLIENT_AUTH]);
        } else {
            assert_eq!(key_usage, SIGNATURE_ONLY);
            assert!(eku.is_empty(), "{eku:?}");
        }
    }
    // The `tls` profile exists at the enrollment CA too.
    let mut enroll = EnrollRequest::new("ca", "peer1", secret("peer1pw"));
    enroll.profile = "tls".to_owned();
    let at_ca = client.enroll(&enroll).await.unwrap();
    Cert::from_pem(&at_ca.cert_pem)
        .unwrap()
        .verify_signed_by(&root)
        .unwrap();
    assert_eq!(
        usages(&at_ca.cert_pem),
        (
            TLS_PROFILE,
            vec![SERVER_AUTH.to_owned(), CLIENT_AUTH.to_owned()]
        )
    );
}

/// A wrong secret and an unknown enroll id are both the masked 401 code 20.
pub async fn a_wrong_secret_is_an_authentication_failure(server: &Server) {
    let client = server.client();
    let err = client
        .enroll(&EnrollRequest::new("ca", ADMIN.0, secret("not-the-s3cret")))
        .await
        .unwrap_err();
    assert_authentication_failure(&err);
    assert!(!format!("{err:?} {err}").contains("not-the-s3cret"));
    let unknown = client
        .enroll(&EnrollRequest::new("ca", "nobody", secret("whatever")))
        .await
        .unwrap_err();
    assert_authentication_failure(&unknown);
    if let Some(ca) = server.test_ca() {
        let local: Vec<i64> = ca.rejections().iter().map(|r| r.local_code).collect();
        assert_eq!(local, [24, 23]);
    }
    // The right secret still works: one failure does not lock the identity.
    enroll_admin(&client).await;
}

/// Registering an id twice, by either route, brings back the CA's own message.
pub async fn a_duplicate_registration_is_already_registered(server: &Server) {
    let client = server.client();
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
            is_ca_error(&err, 409, 74, "Identity 'org1peer2' is already registered"),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("Identity 'org1peer2' is already registered"),
            "{err}"
        );
    }
    // The registry is shared: the TLS CA knows the id too.
    let at_tlsca = RegistrationRequest::new("tlsca", "org1peer2", "peer");
    let tls_admin = client
        .enroll(&EnrollRequest::new("tlsca", ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap()
        .identity()
        .unwrap();
    let err = client
        .register(&tls_admin, &at_tlsca, RegisterRoute::Identities)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(CaErrorKind::AlreadyRegistered), "{err:?}");
}

/// An identity registered for one enrollment cannot enroll twice (masked as 401 code 20).
pub async fn enrolling_past_max_enrollments_is_refused(server: &Server) {
    let client = server.client();
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "once", "client");
    request.max_enrollments = 1;
    let new_secret = client
        .register(&admin, &request, RegisterRoute::Register)
        .await
        .unwrap();
    assert_eq!(
        client
            .identity(&admin, "ca", "once")
            .await
            .unwrap()
            .max_enrollments,
        1
    );
    client
        .enroll(&EnrollRequest::new("ca", "once", new_secret.clone()))
        .await
        .unwrap();
    let err = client
        .enroll(&EnrollRequest::new("ca", "once", new_secret))
        .await
        .unwrap_err();
    assert_authentication_failure(&err);
    if let Some(ca) = server.test_ca() {
        let rejection = ca.rejections().pop().unwrap();
        assert_eq!(rejection.local_code, 24);
        assert!(rejection
            .local_message
            .contains("it has reached its maximum enrollment allowance"));
        assert_eq!(ca.enrollment_count("once"), Some(1));
    }
}

/// An identity that is not a registrar may neither register (either route) nor list.
pub async fn a_registrar_without_the_role_gets_an_authorization_failure(server: &Server) {
    let client = server.client();
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "plain", "client");
    request.secret = Some(secret("plainpw"));
    client
        .register(&admin, &request, RegisterRoute::Register)
        .await
        .unwrap();
    let plain = client
        .enroll(&EnrollRequest::new("ca", "plain", secret("plainpw")))
        .await
        .unwrap()
        .identity()
        .unwrap();
    for route in [RegisterRoute::Register, RegisterRoute::Identities] {
        let err = client
            .register(
                &plain,
                &RegistrationRequest::new("ca", "sneaky", "admin"),
                route,
            )
            .await
            .unwrap_err();
        assert_authorization_failure(&err);
    }
    assert_authorization_failure(&client.identities(&plain, "ca").await.unwrap_err());
    let err = client.identity(&admin, "ca", "sneaky").await.unwrap_err();
    assert_eq!(err.kind(), Some(CaErrorKind::NotFound), "{err:?}");
}

/// A CA name the server lacks is 404 code 19 with the CA's message on every route; a
/// certificate from `ca` is no credential at `tlsca`.
pub async fn an_unknown_ca_name_is_404_code_19(server: &Server) {
    let client = server.client();
    let admin = enroll_admin(&client).await;
    assert_ca_not_found(&client.cainfo("nope").await.unwrap_err(), "nope");
    let err = client
        .enroll(&EnrollRequest::new("nope", ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap_err();
    assert_ca_not_found(&err, "nope");
    assert!(
        err.to_string().contains("CA 'nope' does not exist"),
        "{err}"
    );
    for route in [RegisterRoute::Register, RegisterRoute::Identities] {
        let err = client
            .register(
                &admin,
                &RegistrationRequest::new("nope", "x", "client"),
                route,
            )
            .await
            .unwrap_err();
        assert_ca_not_found(&err, "nope");
    }
    assert_ca_not_found(
        &client.identities(&admin, "nope").await.unwrap_err(),
        "nope",
    );
    assert_ca_not_found(
        &client.identity(&admin, "nope", ADMIN.0).await.unwrap_err(),
        "nope",
    );
    // One registry, but each CA trusts only the certificates it issued.
    assert_authentication_failure(&client.identities(&admin, "tlsca").await.unwrap_err());
}

/// `reenroll` (token auth with the identity's own certificate, no secret): a new certificate
/// and key for the same enroll id and type from the same root, not expiring earlier; the new
/// certificate authenticates at once and the old one still does (reenroll revokes nothing);
/// a certificate of the other CA, or a CSR for another name, is refused.
pub async fn reenroll_gives_the_same_identity_a_new_certificate(server: &Server) {
    let client = server.client();
    let admin = enroll_admin(&client).await;
    let mut request = RegistrationRequest::new("ca", "peer5", "peer");
    request.secret = Some(secret("peer5pw"));
    request.max_enrollments = 1;
    client
        .register(&admin, &request, RegisterRoute::Identities)
        .await
        .unwrap();
    let old = client
        .enroll(&EnrollRequest::new("ca", "peer5", secret("peer5pw")))
        .await
        .unwrap();
    let old_identity = old.identity().unwrap();
    assert_eq!(old_identity.enroll_id().unwrap(), "peer5");

    let ask = ReenrollRequest {
        ca_name: Some("ca".to_owned()),
        ..ReenrollRequest::default()
    };
    // The one enrollment `peer5` may have is used: reenroll does not count against it.
    let new = client.reenroll(&old_identity, &ask).await.unwrap();
    assert_eq!(new.ca_name, "ca");
    assert_eq!(new.ca_chain_pem, server.root_pem("ca"));
    assert_eq!(common_name(&new.cert_pem), "peer5");
    let root = Cert::from_pem(&server.root_pem("ca")).unwrap();
    let (old_cert, new_cert) = (
        Cert::from_pem(&old.cert_pem).unwrap(),
        Cert::from_pem(&new.cert_pem).unwrap(),
    );
    new_cert.verify_signed_by(&root).unwrap();
    assert_eq!(new_cert.organizational_units(), ["peer"]);
    assert_ne!(new_cert.der(), old_cert.der());
    assert_ne!(new_cert.public_key(), old_cert.public_key(), "a new key");
    assert!(new_cert.not_after() >= old_cert.not_after());
    assert_eq!(
        fabric_attrs(&new.cert_pem),
        fabric_attrs(&old.cert_pem),
        "the same attributes"
    );
    if let Some(ca) = server.test_ca() {
        assert_eq!(ca.enrollment_count("peer5"), Some(1));
    }
    // Both certificates authenticate: a second reenroll with each.
    let newer = client
        .reenroll(&new.identity().unwrap(), &ask)
        .await
        .unwrap();
    assert_eq!(common_name(&newer.cert_pem), "peer5");
    client.reenroll(&old_identity, &ask).await.unwrap();

    // The admin reenrolls and stays a registrar with its new certificate.
    let admin2 = client
        .reenroll(&admin, &ask)
        .await
        .unwrap()
        .identity()
        .unwrap();
    assert_eq!(
        client.identity(&admin2, "ca", "peer5").await.unwrap().id,
        "peer5"
    );

    // A certificate of the TLS CA is not one the enrollment CA issued.
    let tls = client
        .enroll(&EnrollRequest::new("tlsca", ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap()
        .identity()
        .unwrap();
    let err = client.reenroll(&tls, &ask).await.unwrap_err();
    assert_authentication_failure(&err);
    // At its own CA it reenrolls, under the TLS root.
    let tls_again = ReenrollRequest {
        ca_name: Some("tlsca".to_owned()),
        ..ReenrollRequest::default()
    };
    let renewed = client.reenroll(&tls, &tls_again).await.unwrap();
    assert_eq!(renewed.ca_name, "tlsca");
    Cert::from_pem(&renewed.cert_pem)
        .unwrap()
        .verify_signed_by(&Cert::from_pem(&server.root_pem("tlsca")).unwrap())
        .unwrap();
    assert_ca_not_found(
        &client
            .reenroll(
                &old_identity,
                &ReenrollRequest {
                    ca_name: Some("nope".to_owned()),
                    ..ReenrollRequest::default()
                },
            )
            .await
            .unwrap_err(),
        "nope",
    );
    // Only the test server can hand out an expired certificate: refused like any untrusted one.
    if let Some(ca) = server.test_ca() {
        let expired = ca.issue_expired("ca", "peer5").unwrap();
        let expired = CaIdentity::from_pem(&expired.cert_pem, &secret(&expired.key_pem)).unwrap();
        assert_authentication_failure(&client.reenroll(&expired, &ask).await.unwrap_err());
    }
}

/// TLS is pinned: the HTTPS certificate itself or the root that issued it; nothing else.
pub async fn tls_is_pinned(server: &Server) {
    server.client().cainfo("ca").await.unwrap();

    let issuer = server.https_issuer();
    let via_root = TlsPin::from_pem(&server.root_pem(issuer)).unwrap();
    let client = FabricCaClient::new(&server.url(), &via_root, ClientOptions::default()).unwrap();
    client.cainfo("ca").await.unwrap();

    let other = if issuer == "ca" { "tlsca" } else { "ca" };
    let wrong = TlsPin::from_pem(&server.root_pem(other)).unwrap();
    let client = FabricCaClient::new(&server.url(), &wrong, ClientOptions::default()).unwrap();
    let err = client.cainfo("ca").await.unwrap_err();
    assert!(matches!(err, CaError::TlsUntrusted { .. }), "{err:?}");

    // Nor does any other certificate pass, even a valid one from elsewhere.
    let elsewhere = TestCa::start(TestCaConfig::default()).await.unwrap();
    let foreign = TlsPin::from_pem(&elsewhere.tls_cert_pem()).unwrap();
    let client = FabricCaClient::new(&server.url(), &foreign, ClientOptions::default()).unwrap();
    let err = client.cainfo("ca").await.unwrap_err();
    assert!(matches!(err, CaError::TlsUntrusted { .. }), "{err:?}");
    assert!(FabricCaClient::new(
        &server.url().replace("https", "http"),
        &foreign,
        ClientOptions::default()
    )
    .is_err());
    elsewhere.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Scenarios by hand: requests the client cannot produce

/// An HTTP answer: status, `Location` header, JSON body.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub json: Value,
}

/// An HTTPS client trusting the root that issued the server's certificate.
fn http(server: &Server) -> reqwest::Client {
    let root =
        reqwest::Certificate::from_pem(server.root_pem(server.https_issuer()).as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .build()
        .unwrap()
}

async fn send(
    http: &reqwest::Client,
    server: &Server,
    method: reqwest::Method,
    uri: &str,
    body: &str,
    auth: Option<&str>,
) -> Answer {
    let mut request = http.request(method, format!("{}{uri}", server.url()));
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let response = request.body(body.to_owned()).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    Answer {
        status,
        location,
        json: response.json().await.unwrap(),
    }
}

fn error(status: u16, code: i64, message: &str) -> (u16, Value) {
    (
        status,
        json!({
            "result": "",
            "errors": [{ "code": code, "message": message }],
            "messages": [],
            "success": false
        }),
    )
}

fn masked() -> (u16, Value) {
    error(401, 20, "Authentication failure")
}

fn outcome(answer: Answer) -> (u16, Value) {
    (answer.status, answer.json)
}

/// The bootstrap admin enrolled at `ca_name`: (the client's identity, certificate PEM, key).
async fn enrolled(client: &FabricCaClient, ca_name: &str) -> (CaIdentity, String, SigningKey) {
    let enrollment = client
        .enroll(&EnrollRequest::new(ca_name, ADMIN.0, secret(ADMIN.1)))
        .await
        .unwrap();
    let key = SigningKey::from_pkcs8_pem(enrollment.private_key_pem.expose()).unwrap();
    (enrollment.identity().unwrap(), enrollment.cert_pem, key)
}

fn token_with(cert_pem: &str, signature: &Signature) -> String {
    format!(
        "{}.{}",
        STANDARD.encode(cert_pem),
        STANDARD.encode(signature.to_der().as_bytes())
    )
}

/// A raw signature over the token payload, S as the signer left it.
fn sign(key: &SigningKey, method: &str, uri: &str, body: &str, cert_pem: &str) -> Signature {
    let digest = Sha256::digest(token::payload(method, uri, body.as_bytes(), cert_pem));
    key.sign_prehash(&digest).unwrap()
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

const URI: &str = "/api/v1/register?ca=ca";
const BODY: &str = r#"{"id":"x1","type":"client","secret":"x1pw"}"#;

/// The token as Fabric CA checks it: the client's token, and a low-S signature over the exact
/// URI and body, are accepted; a high-S one, one over another body or URI, or one by another
/// CA's certificate is the masked 401; no header at all is 401 code 2, unmasked.
pub async fn the_token_is_checked_as_fabric_ca_checks_it(server: &Server) {
    let client = server.client();
    let http = http(server);
    let (admin, cert, key) = enrolled(&client, "ca").await;
    let post = || reqwest::Method::POST;

    // The client's own token.
    let by_client = admin.token("POST", URI, BODY.as_bytes()).unwrap();
    let answer = send(&http, server, post(), URI, BODY, Some(&by_client)).await;
    assert_eq!(answer.status, 201, "{}", answer.json);
    assert_eq!(answer.json["result"]["secret"], "x1pw");
    assert_eq!(answer.json["success"], true);
    assert_eq!(answer.location.as_deref(), Some("/api/v1/identities/x1"));

    // A request whose raw signature has S in the upper half of the order: refused as it is,
    // accepted once S is brought to the lower half.
    let (body, high) = (2..64)
        .map(|i| {
            let body = BODY.replace("x1", &format!("x{i}"));
            let signature = sign(&key, "POST", URI, &body, &cert);
            (body, signature)
        })
        .find(|(_, signature)| token::is_high_s(signature))
        .unwrap();
    let answer = send(
        &http,
        server,
        post(),
        URI,
        &body,
        Some(&token_with(&cert, &high)),
    )
    .await;
    assert_eq!(outcome(answer), masked());
    if let Some(ca) = server.test_ca() {
        let rejection = ca.rejections().pop().unwrap();
        assert_eq!(rejection.local_code, 25);
        assert!(rejection.local_message.contains("Invalid S"));
    }
    let low = high.normalize_s();
    assert!(!token::is_high_s(&low));
    let answer = send(
        &http,
        server,
        post(),
        URI,
        &body,
        Some(&token_with(&cert, &low)),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.json);

    // Signed over another body, or another URI.
    let body2 = BODY.replace("x1", "y1");
    let other_body = sign(&key, "POST", URI, BODY, &cert).normalize_s();
    let answer = send(
        &http,
        server,
        post(),
        URI,
        &body2,
        Some(&token_with(&cert, &other_body)),
    )
    .await;
    assert_eq!(outcome(answer), masked());
    let other_uri = sign(&key, "POST", "/api/v1/register", &body2, &cert).normalize_s();
    let answer = send(
        &http,
        server,
        post(),
        URI,
        &body2,
        Some(&token_with(&cert, &other_uri)),
    )
    .await;
    assert_eq!(outcome(answer), masked());

    // Issued by the TLS CA, presented to the enrollment CA.
    let (_, tls_cert, tls_key) = enrolled(&client, "tlsca").await;
    let by_tlsca = sign(&tls_key, "POST", URI, &body2, &tls_cert).normalize_s();
    let answer = send(
        &http,
        server,
        post(),
        URI,
        &body2,
        Some(&token_with(&tls_cert, &by_tlsca)),
    )
    .await;
    assert_eq!(outcome(answer), masked());
    if let Some(ca) = server.test_ca() {
        assert_eq!(ca.rejections().pop().unwrap().local_code, 26);
    }

    // Not a token at all, and no header at all (not masked).
    let answer = send(&http, server, post(), URI, &body2, Some("garbage")).await;
    assert_eq!(outcome(answer), masked());
    let answer = send(&http, server, post(), URI, &body2, None).await;
    assert_eq!(outcome(answer), error(401, 2, "No authorization header"));

    // The register route is also served at the root, and the token signs that path.
    let root_uri = "/register?ca=ca";
    let sig = sign(&key, "POST", root_uri, &body2, &cert).normalize_s();
    let answer = send(
        &http,
        server,
        post(),
        root_uri,
        &body2,
        Some(&token_with(&cert, &sig)),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.json);
    assert_eq!(answer.location.as_deref(), Some("/api/v1/identities/y1"));
}

/// The order in which the routes check the header, the CA name, the credentials and the body
/// (Fabric CA 1.5), and a CSR whose CN is not the enroll id.
pub async fn requests_are_checked_in_fabric_cas_order(server: &Server) {
    let http = http(server);
    let post = || reqwest::Method::POST;
    let get = || reqwest::Method::GET;
    let no_header = error(401, 2, "No authorization header");
    let no_ca = error(404, 19, "CA 'nope' does not exist");
    let good = basic(ADMIN.0, ADMIN.1);
    let wrong = basic(ADMIN.0, "wrong");

    // enroll: a missing header, then a header that is not basic auth, then the CA name, then
    // the credentials, then the body.
    let enroll_nope = "/api/v1/enroll?ca=nope";
    let answer = send(&http, server, post(), enroll_nope, "{}", None).await;
    assert_eq!(outcome(answer), no_header);
    let answer = send(&http, server, post(), enroll_nope, "{}", Some("garbage")).await;
    assert_eq!(outcome(answer), masked());
    let answer = send(&http, server, post(), enroll_nope, "{}", Some(&wrong)).await;
    assert_eq!(outcome(answer), no_ca);
    let answer = send(&http, server, post(), enroll_nope, "{}", Some(&good)).await;
    assert_eq!(outcome(answer), no_ca);
    let enroll_ca = "/api/v1/enroll?ca=ca";
    let answer = send(&http, server, post(), enroll_ca, "", Some(&wrong)).await;
    assert_eq!(outcome(answer), masked());
    let answer = send(&http, server, post(), enroll_ca, "", Some(&good)).await;
    assert_eq!(outcome(answer), error(400, 4, "Empty request body"));

    // identities: a missing header, then the CA name, then the token.
    for (method, uri) in [
        (get(), "/api/v1/identities?ca=nope"),
        (post(), "/api/v1/identities?ca=nope"),
        (get(), "/api/v1/identities/admin?ca=nope"),
    ] {
        let answer = send(&http, server, method.clone(), uri, "", None).await;
        assert_eq!(outcome(answer), no_header, "{method} {uri}");
        let answer = send(&http, server, method.clone(), uri, "", Some("garbage")).await;
        assert_eq!(outcome(answer), no_ca, "{method} {uri}");
    }

    // register: the CA name first, then the body, then the header.
    let answer = send(&http, server, post(), "/api/v1/register?ca=nope", "", None).await;
    assert_eq!(outcome(answer), no_ca);
    let answer = send(&http, server, post(), URI, "", Some("garbage")).await;
    assert_eq!(outcome(answer), error(400, 4, "Empty request body"));
    let answer = send(&http, server, post(), URI, "{}", None).await;
    assert_eq!(outcome(answer), no_header);

    // An unknown route is the router's plain 404, a wrong method the CA's 405 code 1.
    let response = http
        .get(format!("{}/nothing", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.text().await.unwrap(), "404 page not found\n");
    let answer = send(
        &http,
        server,
        reqwest::Method::PUT,
        "/api/v1/cainfo",
        "",
        None,
    )
    .await;
    assert_eq!(outcome(answer), error(405, 1, "Method PUT is not allowed"));

    // A CSR for another name.
    let key = SigningKey::from_slice(&[7; 32]).unwrap();
    let csr = RequestBuilder::new("CN=someone-else".parse().unwrap())
        .unwrap()
        .build::<_, DerSignature>(&key)
        .unwrap();
    let csr_pem = der::EncodePem::to_pem(&csr, der::pem::LineEnding::LF).unwrap();
    let body = json!({ "certificate_request": csr_pem }).to_string();
    let answer = send(&http, server, post(), enroll_ca, &body, Some(&good)).await;
    assert_eq!(
        outcome(answer),
        error(
            403,
            77,
            "The CSR subject common name must equal the enrollment ID"
        )
    );
    assert_eq!(CaErrorKind::from_code(77), CaErrorKind::CnMismatch);
    if let Some(ca) = server.test_ca() {
        assert_eq!(ca.enrollment_count(ADMIN.0), Some(0));
    }
}
