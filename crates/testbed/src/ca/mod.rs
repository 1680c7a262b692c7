//! An in-memory Fabric CA server, strict enough that a client passing its tests also works
//! against Fabric CA 1.4 / 1.5 (reference `console-api.md` §5; Fabric CA `lib/server*.go`).
//!
//! One HTTPS endpoint hosts two CA names, [`TestCaConfig::ca_name`] (`ca`) and
//! [`TestCaConfig::tlsca_name`] (`tlsca`), each with its own self-signed P-256 root, chosen by
//! `?ca=`, then the body's `caname`, then the default CA: `ca_name`, the one a request that
//! names no CA (or an empty one) gets. A standalone `fabric-ca-server` names its default CA
//! after `ca.name` in its config; set `ca_name` to e.g. `org1-ca` to be one, and every other
//! name (`ca` included) is 404 code 19 "CA '<name>' does not exist", as there. What each
//! request named is kept ([`TestCa::ca_selections`]). Every route is served under `/api/v1/`
//! and at the root, as Fabric CA does. Its HTTPS certificate is issued by the TLS CA for
//! `localhost` and `127.0.0.1`.
//!
//! What it enforces, as Fabric CA does:
//! - `cainfo` (GET/POST/HEAD, no auth): `CAName`, `CAChain` (base64 of the root PEM),
//!   `IssuerPublicKey`, `IssuerRevocationPublicKey`, `Version`.
//! - `enroll` (basic auth): wrong secret, unknown id, and an identity that used up its
//!   `max_enrollments` are all 401 code 20 "Authentication failure"; a CSR whose CN is not the
//!   enroll id is 403 code 77; the CSR's signature is checked. The certificate is a real X.509
//!   v3 P-256 certificate with subject `OU=<type>[,OU=<affiliation part>...],CN=<id>`, the
//!   request's `hosts` (or else the CSR's) as SANs, and Fabric's attribute extension
//!   `1.2.3.4.5.6.7.8.1` holding `{"attrs":{...}}` (the `ecert` attributes: `hf.Affiliation`,
//!   `hf.EnrollmentID`, `hf.Type` for a registered identity; none, so no extension, for the
//!   bootstrap admin and the configured identities). The `tls` signing profile (at either CA)
//!   adds key encipherment, key agreement and server and client auth; the default profile is
//!   digital signature only, at the TLS CA too.
//! - `register` and `identities` (token auth): the token must be `b64(cert PEM).b64(sig)` with
//!   a low-S DER ECDSA signature over `METHOD.b64(uri).b64(body).b64(cert)` of the exact URI
//!   and body received, by a certificate this CA issued, recorded and still valid; anything
//!   else is 401 code 20. A registrar needs `hf.Registrar.Roles` covering the type (`*` for
//!   all) or gets 403 code 71; a duplicate id is 409 code 74 "Identity 'x' is already
//!   registered"; register answers 201 with the secret (12 random characters when none was
//!   given) and a `Location` header; an unknown identity is 404 code 63.
//! - `reenroll` (token auth, the caller's own certificate): the same token checks (a
//!   certificate this CA did not issue, or an expired one, is 401 code 20), then the CSR as on
//!   `enroll` for the enroll id the token names (another CN is 403 code 77); 201 with `Cert`
//!   and `ServerInfo`. It does not count against `max_enrollments` and revokes nothing.
//! - The envelope is `{"result":...,"errors":[{"code":N,"message":"..."}],"messages":[],
//!   "success":bool}` with `result` `""` on errors; an unknown CA name is 404 code 19, checked
//!   after a missing `Authorization` header (401 code 2) on `identities`, after a missing or
//!   non-basic one (401 code 2, 401 code 20) but before the password on `enroll`, and before
//!   anything else on `register`, after a missing header on `reenroll`, in Fabric CA 1.5's
//!   order.
//!
//! The identity table is shared by both CA names (the same id and secret enroll at either, as
//! on a console-deployed CA); each CA keeps its own table of issued certificates. What the
//! real server only logs (the specific reason behind a masked 401 or 403) is available from
//! [`TestCa::rejections`].
//!
//! Not modelled: affiliation tables (any affiliation at or below the registrar's is accepted),
//! password-attempt lockout, revocation, identity modification, LDAP, Idemix, and
//! the pre-1.4 token compatibility mode.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
//! let ca = TestCa::start(TestCaConfig::default()).await?;
//! let pin = ca.tls_cert_pem(); // the server's HTTPS certificate
//! // ... enroll admin / adminpw at ca.url() with ?ca=ca ...
//! ca.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod pki;

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use x509_cert::spki::SubjectPublicKeyInfo;

pub use crate::net::{FaultHandle, Faults};

/// How a [`TestCa`] behaves. `Default` is a CA server like a fresh `fabric-ca-server` with a
/// TLS CA beside it.
#[derive(Debug, Clone)]
pub struct TestCaConfig {
    /// The enrollment CA's name (`?ca=`), also the default CA: the one that answers a request
    /// naming no CA (a standalone `fabric-ca-server`'s `ca.name`, e.g. `org1-ca`).
    pub ca_name: String,
    /// The TLS CA's name.
    pub tlsca_name: String,
    /// Organization in both roots' subjects.
    pub org: String,
    /// The bootstrap registrar: enroll id and secret. It is a `client` with
    /// `hf.Registrar.Roles`, `hf.Registrar.DelegateRoles` and `hf.Registrar.Attributes` `*`,
    /// and `hf.Revoker`, `hf.GenCRL`, `hf.IntermediateCA`, `hf.AffiliationMgr` `1` (the
    /// configuration's `true`, as Fabric CA stores it), and no other attribute.
    pub bootstrap: (String, String),
    /// The CA's `registry.maxenrollments`: -1 unlimited; identities registered with 0 get it.
    pub max_enrollments: i64,
    /// Lifetime of enrollment certificates (Fabric's default profile: one year).
    pub enrollment_validity: Duration,
    /// `Version` reported by `cainfo`.
    pub version: String,
    /// Faults injected in front of every request.
    pub faults: Faults,
    /// Further identities of the CA's `registry.identities`, registered at start with no
    /// attributes (neither registrar nor `hf.EnrollmentID`/`hf.Type`/`hf.Affiliation`, which
    /// Fabric CA adds only when an identity is registered through its API).
    pub identities: Vec<RegistryIdentity>,
}

/// One entry of a CA configuration's `registry.identities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryIdentity {
    /// Enroll id.
    pub name: String,
    /// Enroll secret.
    pub pass: String,
    /// `client`, `peer`, `orderer`, `user` or `admin`.
    pub kind: String,
}

impl Default for TestCaConfig {
    fn default() -> Self {
        Self {
            ca_name: "ca".to_owned(),
            tlsca_name: "tlsca".to_owned(),
            org: "Org1".to_owned(),
            bootstrap: ("admin".to_owned(), "adminpw".to_owned()),
            max_enrollments: -1,
            enrollment_validity: Duration::from_secs(365 * 86_400),
            version: "1.5.15".to_owned(),
            faults: Faults::default(),
            identities: Vec::new(),
        }
    }
}

/// A request the server refused, with the reason a real Fabric CA writes only to its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// HTTP status answered.
    pub status: u16,
    /// Code the client saw (`errors[0].code`).
    pub code: i64,
    /// Fabric CA's local code, e.g. 25 invalid token, 26 untrusted certificate, 30 certificate
    /// not found, 24 wrong password or enrollments used up, 76 registrar may not register.
    pub local_code: i64,
    /// Fabric CA's local message.
    pub local_message: String,
}

/// How one request named its CA, as received: `None` where it sent nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaSelection {
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// The `ca` query parameter (`Some("")` for an empty one).
    pub query: Option<String>,
    /// The body's `caname` field (`Some("")` for an empty one).
    pub caname: Option<String>,
    /// The CA that answered; `None` when the name was unknown (404 code 19).
    pub answered: Option<String>,
}

/// A certificate and key issued outside the enroll route (see [`TestCa::issue_expired`]).
#[derive(Debug, Clone)]
pub struct IssuedIdentity {
    /// Certificate PEM.
    pub cert_pem: String,
    /// PKCS#8 private key PEM.
    pub key_pem: String,
}

/// A running test CA. Dropping it stops the server; prefer [`TestCa::shutdown`] (or
/// [`TestCa::shutdown_blocking`]) to wait until it has stopped.
pub struct TestCa {
    url: String,
    tls_cert_pem: String,
    state: Arc<api::State>,
    faults: FaultHandle,
    requests: Arc<AtomicUsize>,
    shutdown_tx: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl TestCa {
    /// Starts a CA server on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start(cfg: TestCaConfig) -> io::Result<TestCa> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        Self::serve(listener, cfg)
    }

    /// Starts a CA server on `127.0.0.1` with an ephemeral port, from synchronous code that
    /// runs inside a tokio runtime (a test console's request handler deploying a CA).
    pub(crate) fn start_in_current_runtime(cfg: TestCaConfig) -> io::Result<TestCa> {
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        listener.set_nonblocking(true)?;
        Self::serve(TcpListener::from_std(listener)?, cfg)
    }

    fn serve(listener: TcpListener, cfg: TestCaConfig) -> io::Result<TestCa> {
        let port = listener.local_addr()?.port();
        let url = format!("https://127.0.0.1:{port}");

        let mut cas = BTreeMap::new();
        for name in [&cfg.ca_name, &cfg.tlsca_name] {
            cas.insert(name.clone(), api::Ca::new(name, &cfg.org)?);
        }
        let tlsca = cas
            .get(&cfg.tlsca_name)
            .ok_or_else(|| io::Error::other("the TLS CA is missing"))?;
        let tls_key = pki::generate_key();
        let tls_spki =
            SubjectPublicKeyInfo::from_key(tls_key.verifying_key()).map_err(pki::pki_error)?;
        let now = SystemTime::now();
        let sans = ["localhost".to_owned(), "127.0.0.1".to_owned()];
        let tls_cert = tlsca.authority.issue(
            tls_spki,
            &pki::LeafSpec {
                enroll_id: "test-ca-server",
                ous: Vec::new(),
                sans: &sans,
                attrs: None,
                tls: true,
                not_before: now - Duration::from_secs(300),
                not_after: tlsca.authority.not_after(),
            },
        )?;
        let tls_cert_pem = pki::cert_pem(&tls_cert)?;
        let key_der = p256::pkcs8::EncodePrivateKey::to_pkcs8_der(&tls_key)
            .map_err(pki::pki_error)?
            .as_bytes()
            .to_vec();
        let chain = vec![
            CertificateDer::from(der::Encode::to_der(&tls_cert).map_err(pki::pki_error)?),
            CertificateDer::from(
                der::Encode::to_der(&tlsca.authority.cert).map_err(pki::pki_error)?,
            ),
        ];
        let acceptor = crate::tls::acceptor(
            chain,
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
        )?;

        let (admin_id, admin_secret) = cfg.bootstrap.clone();
        let admin = api::User {
            secret: admin_secret,
            kind: "client".to_owned(),
            affiliation: String::new(),
            attrs: bootstrap_attrs(),
            max_enrollments: -1,
            enrollments: 0,
        };
        let mut users = BTreeMap::new();
        for extra in &cfg.identities {
            users.insert(
                extra.name.clone(),
                api::User {
                    secret: extra.pass.clone(),
                    kind: extra.kind.clone(),
                    affiliation: String::new(),
                    attrs: Vec::new(),
                    max_enrollments: cfg.max_enrollments,
                    enrollments: 0,
                },
            );
        }
        users.insert(admin_id, admin);
        let faults = FaultHandle::new(cfg.faults.clone());
        let state = Arc::new(api::State {
            cfg,
            cas,
            mutable: Mutex::new(api::Mutable {
                users,
                issued: BTreeMap::new(),
                rejections: Vec::new(),
                selections: Vec::new(),
            }),
        });
        let requests = Arc::new(AtomicUsize::new(0));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let handler_state = Arc::clone(&state);
        let server = crate::net::Server {
            listener,
            tls: Some(acceptor),
            faults: faults.clone(),
            requests: Arc::clone(&requests),
            handler: Arc::new(move |req| crate::net::ready(api::handle(&handler_state, req))),
            shutdown: shutdown_rx,
        };
        let server = tokio::spawn(server.run());
        Ok(TestCa {
            url,
            tls_cert_pem,
            state,
            faults,
            requests,
            shutdown_tx,
            server: Some(server),
            thread: None,
        })
    }

    /// Starts a CA server on a runtime of its own (a background thread), for tests and tools
    /// without an async runtime. Stop it with [`TestCa::shutdown_blocking`].
    pub fn start_blocking(cfg: TestCaConfig) -> io::Result<TestCa> {
        let (mut ca, thread) = crate::net::start_on_own_runtime(
            "test-ca",
            move || TestCa::start(cfg),
            |started: &mut TestCa| started.server.take(),
        )?;
        ca.thread = Some(thread);
        Ok(ca)
    }

    /// Base URL, `https://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// PEM of the server's HTTPS certificate (issued by the TLS CA for `127.0.0.1` and
    /// `localhost`): what a CA artifact's `msp.component.tls_cert` holds, for pinning.
    pub fn tls_cert_pem(&self) -> String {
        self.tls_cert_pem.clone()
    }

    /// PEM of the root of the CA named `ca_name`; `None` for an unknown name.
    pub fn ca_root_pem(&self, ca_name: &str) -> Option<String> {
        self.state
            .cas
            .get(ca_name)
            .map(|ca| ca.authority.pem.clone())
    }

    /// How often `id` has enrolled; `None` when it is not registered.
    pub fn enrollment_count(&self, id: &str) -> Option<i64> {
        self.state.lock().users.get(id).map(|u| u.enrollments)
    }

    /// Every refused request so far, oldest first.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.state.lock().rejections.clone()
    }

    /// How each request that got as far as choosing its CA named it, oldest first.
    pub fn ca_selections(&self) -> Vec<CaSelection> {
        self.state.lock().selections.clone()
    }

    /// Issues and records a certificate for the registered `id` at `ca_name` whose validity
    /// ended an hour ago, with a fresh key: a token made with it must be refused as expired.
    pub fn issue_expired(&self, ca_name: &str, id: &str) -> io::Result<IssuedIdentity> {
        let user = self
            .state
            .lock()
            .users
            .get(id)
            .cloned()
            .ok_or_else(|| io::Error::other(format!("'{id}' is not registered")))?;
        let key = pki::generate_key();
        let spki = SubjectPublicKeyInfo::from_key(key.verifying_key()).map_err(pki::pki_error)?;
        let now = SystemTime::now();
        let cert = self.state.issue(
            ca_name,
            spki,
            &pki::LeafSpec {
                enroll_id: id,
                ous: vec![user.kind.as_str()],
                sans: &[],
                attrs: None,
                tls: false,
                not_before: now - Duration::from_secs(2 * 86_400),
                not_after: now - Duration::from_secs(3600),
            },
        )?;
        Ok(IssuedIdentity {
            cert_pem: pki::cert_pem(&cert)?,
            key_pem: pki::key_pem(&key)?,
        })
    }

    /// Drops the issued-certificate records of `ca_name`, as if the CA's database had been
    /// restored from before those enrollments: their certificates still chain to the root but
    /// are unknown, so tokens made with them are refused.
    pub fn forget_issued(&self, ca_name: &str) {
        self.state.lock().issued.remove(ca_name);
    }

    /// Handle to change injected faults while the server runs.
    pub fn faults(&self) -> FaultHandle {
        self.faults.clone()
    }

    /// Requests received so far, including faulted and refused ones.
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Stops accepting requests, drops open connections and waits until the server stopped.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }

    /// [`TestCa::shutdown`] for callers without an async runtime.
    pub fn shutdown_blocking(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}

/// The bootstrap identity's attributes, as `fabric-ca-server init -b` registers them from its
/// default configuration: the booleans stored as `1`, none of them in certificates, and no
/// `hf.EnrollmentID`/`hf.Type`/`hf.Affiliation` (the bootstrap admin's enrollment certificate
/// has no attribute extension).
fn bootstrap_attrs() -> Vec<api::Attr> {
    [
        ("hf.Registrar.Roles", "*"),
        ("hf.Registrar.DelegateRoles", "*"),
        ("hf.Revoker", "1"),
        ("hf.IntermediateCA", "1"),
        ("hf.GenCRL", "1"),
        ("hf.Registrar.Attributes", "*"),
        ("hf.AffiliationMgr", "1"),
    ]
    .into_iter()
    .map(|(name, value)| api::Attr {
        name: name.to_owned(),
        value: value.to_owned(),
        ecert: false,
    })
    .collect()
}
