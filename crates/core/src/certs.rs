//! Certificate expiry: every certificate the organization depends on, with days left, from the
//! library, the wallet, every registered console's records and the peers themselves (the
//! certificate each peer's TLS handshake serves, checked against the TLS roots its records
//! pin, or reported as untrusted with the reason — never silently accepted).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabric_ha_artifacts::{self as artifacts, Artifact, Cert};
use fabric_ha_console::{Component, ComponentQuery, ComponentType};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use serde::Serialize;
use ts_rs::TS;

use crate::consoles::block_on;
use crate::error::{from_store, CoreError};
use crate::library::{rehydrate, unix_now};
use crate::workspace::Workspace;

/// Certificates closer than this to their end are flagged (the console's "Certificate
/// Expiration" label).
pub const EXPIRING_DAYS: i64 = 30;

/// How long a peer's TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CertKind {
    /// A peer's enrollment certificate (`msp.component.ecert`).
    PeerEnrollment,
    /// A peer's TLS certificate as its record holds it (`msp.component.tls_cert`).
    PeerTls,
    /// The TLS certificate a peer's handshake actually serves.
    PeerServedTls,
    /// An ordering node's TLS certificate.
    OrdererTls,
    /// An ordering node's enrollment certificate.
    OrdererEnrollment,
    /// An enrollment CA root (an MSP's `root_certs`, a node's or CA's `msp.ca.root_certs`).
    CaRoot,
    /// A TLS CA root (`tls_root_certs`, `msp.tlsca.root_certs`).
    TlsCaRoot,
    /// A CA server's own TLS certificate (what the app and the consoles pin).
    CaTls,
    /// An MSP admin certificate (an MSP's `admins`, a node's `admin_certs`).
    MspAdmin,
    /// A wallet identity's certificate.
    WalletIdentity,
}

impl CertKind {
    /// A short name for listings.
    pub fn label(self) -> &'static str {
        match self {
            CertKind::PeerEnrollment => "peer enrollment",
            CertKind::PeerTls => "peer TLS",
            CertKind::PeerServedTls => "peer TLS (served)",
            CertKind::OrdererTls => "orderer TLS",
            CertKind::OrdererEnrollment => "orderer enrollment",
            CertKind::CaRoot => "CA root",
            CertKind::TlsCaRoot => "TLS CA root",
            CertKind::CaTls => "CA server TLS",
            CertKind::MspAdmin => "MSP admin",
            CertKind::WalletIdentity => "wallet identity",
        }
    }

    /// What to do before a certificate of this kind expires.
    pub fn action(self) -> &'static str {
        match self {
            CertKind::PeerEnrollment | CertKind::OrdererEnrollment => {
                "Renew the node's enrollment certificate in the console that created it (the node's page, certificate renewal), or enroll its id again at its CA; then update the imported copies in the other consoles (`fabric-ha console import --update`)."
            }
            CertKind::PeerTls | CertKind::OrdererTls => {
                "Renew the node's TLS certificate in the console that created it, then update the node's record in every other console so they pin the new certificate."
            }
            CertKind::PeerServedTls => {
                "The node itself serves this certificate: renew its TLS certificate in its own console; if the consoles' records hold another one, update those records."
            }
            CertKind::CaRoot | CertKind::TlsCaRoot => {
                "A root cannot be renewed in place: create a new root (or an intermediate under a new root), add it to the MSP definition on every channel, reissue the certificates under it, then remove the old root — start well before it expires."
            }
            CertKind::CaTls => {
                "Renew the CA server's TLS certificate in its console, then import the CA's file again here and in the other consoles, which pin it."
            }
            CertKind::MspAdmin => {
                "Reenroll the admin (`fabric-ha ca reenroll NAME`), then put its new certificate into the MSP definition's admins and the nodes' admin certificates (with Node OUs the admin OU alone is enough)."
            }
            CertKind::WalletIdentity => {
                "Reenroll it at its CA: `fabric-ha ca reenroll NAME`, or Reenroll on the Wallet page; the old identity stays until the new one is stored."
            }
        }
    }
}

/// Where a certificate was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertPlace {
    /// `library`, `wallet`, `console` or `peer` (the node's TLS handshake).
    pub source: String,
    /// The console, for `console` (and for `peer`: the consoles whose records name it).
    pub console: Option<String>,
    /// The library id or the console's component id.
    pub id: Option<String>,
}

/// One certificate with its days left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertEntry {
    /// What it is for.
    pub kind: CertKind,
    /// Whose it is: the node's or CA's display name, the MSP id, the wallet name.
    pub owner: String,
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// End of validity (RFC 3339).
    pub expires_at: String,
    /// Whole days left (negative once expired).
    #[ts(type = "number")]
    pub days_left: i64,
    /// Within [`EXPIRING_DAYS`] of its end (or past it).
    pub expiring: bool,
    /// SHA-256 of the DER, hex.
    pub fingerprint: String,
    /// Everywhere it was seen.
    pub seen_in: Vec<CertPlace>,
    /// For a served certificate: why it is not trusted, or that the records hold another one.
    pub note: Option<String>,
    /// What to do about it.
    pub action: String,
}

/// A source that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertProblem {
    /// `console NAME`, `peer URL`, `library ID`.
    pub source: String,
    /// What went wrong.
    pub message: String,
}

/// Every certificate, soonest to expire first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertsReport {
    /// When it was read (RFC 3339).
    pub checked_at: String,
    /// The certificates, sorted by expiry, then kind and owner.
    pub certs: Vec<CertEntry>,
    /// Consoles and peers that could not be read.
    pub problems: Vec<CertProblem>,
}

impl CertsReport {
    /// Only the certificates that end within `days` (or have ended).
    pub fn expiring_within(mut self, days: i64) -> CertsReport {
        let now = unix_now();
        self.certs.retain(|c| {
            time::OffsetDateTime::parse(
                &c.expires_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map(|t| t.unix_timestamp() - now < days * 86_400)
            .unwrap_or(true)
        });
        self
    }
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Days left, rounded down (a certificate with 9.5 days left has 9).
pub fn days_left(not_after: i64, now: i64) -> i64 {
    (not_after - now).div_euclid(86_400)
}

/// Collects entries, one per (certificate, kind, owner), with every place it was seen.
#[derive(Default)]
struct Collector {
    now: i64,
    entries: BTreeMap<(String, CertKind, String), CertEntry>,
}

impl Collector {
    fn add(&mut self, kind: CertKind, owner: &str, cert: &Cert, place: CertPlace) {
        let fingerprint = hex(&cert.sha256());
        let key = (fingerprint.clone(), kind, owner.to_owned());
        let now = self.now;
        let entry = self.entries.entry(key).or_insert_with(|| {
            let left = days_left(cert.not_after(), now);
            CertEntry {
                kind,
                owner: owner.to_owned(),
                subject: cert.subject().to_owned(),
                issuer: cert.issuer().to_owned(),
                expires_at: rfc3339(cert.not_after()),
                days_left: left,
                expiring: cert.not_after() - now < EXPIRING_DAYS * 86_400,
                fingerprint,
                seen_in: Vec::new(),
                note: None,
                action: kind.action().to_owned(),
            }
        });
        if !entry.seen_in.contains(&place) {
            entry.seen_in.push(place);
            entry.seen_in.sort();
        }
    }

    fn add_b64(&mut self, kind: CertKind, owner: &str, b64: &str, place: &CertPlace) {
        if let Ok(cert) = Cert::from_b64pem(b64) {
            self.add(kind, owner, &cert, place.clone());
        }
    }

    fn report(self, problems: Vec<CertProblem>) -> CertsReport {
        let mut certs: Vec<CertEntry> = self.entries.into_values().collect();
        certs.sort_by(|a, b| {
            a.expires_at
                .cmp(&b.expires_at)
                .then(a.kind.cmp(&b.kind))
                .then_with(|| a.owner.cmp(&b.owner))
        });
        CertsReport {
            checked_at: rfc3339(self.now),
            certs,
            problems,
        }
    }
}

fn library_place(id: &str) -> CertPlace {
    CertPlace {
        source: "library".into(),
        console: None,
        id: Some(id.to_owned()),
    }
}

fn add_artifact(out: &mut Collector, id: &str, artifact: &Artifact) {
    let place = library_place(id);
    match artifact {
        Artifact::Ca(ca) => {
            let owner = ca.display_name();
            for c in ca.root_certs() {
                out.add(CertKind::CaRoot, owner, c, place.clone());
            }
            for c in ca.tlsca_root_certs() {
                out.add(CertKind::TlsCaRoot, owner, c, place.clone());
            }
            out.add(CertKind::CaTls, owner, ca.tls_cert(), place);
        }
        Artifact::Msp(msp) => {
            let owner = msp.msp_id();
            for c in msp.root_certs() {
                out.add(CertKind::CaRoot, owner, c, place.clone());
            }
            for c in msp.tls_root_certs() {
                out.add(CertKind::TlsCaRoot, owner, c, place.clone());
            }
            for c in msp.admins() {
                out.add(CertKind::MspAdmin, owner, c, place.clone());
            }
        }
        Artifact::Peer(node) => add_node(out, node, true, &place),
        Artifact::Orderer(orderer) => {
            for node in orderer.nodes() {
                add_node(out, node, false, &place);
            }
        }
        Artifact::Identity(identity) => {
            out.add(
                CertKind::WalletIdentity,
                identity.name(),
                identity.cert(),
                CertPlace {
                    source: "wallet".into(),
                    console: None,
                    id: Some(id.to_owned()),
                },
            );
        }
    }
}

fn add_node(out: &mut Collector, node: &artifacts::NodeArtifact, peer: bool, place: &CertPlace) {
    let owner = node.display_name();
    let (tls, enrollment) = if peer {
        (CertKind::PeerTls, CertKind::PeerEnrollment)
    } else {
        (CertKind::OrdererTls, CertKind::OrdererEnrollment)
    };
    out.add(tls, owner, node.tls_cert(), place.clone());
    if let Some(ecert) = node.ecert() {
        out.add(enrollment, owner, ecert, place.clone());
    }
    for c in node.ca_root_certs() {
        out.add(CertKind::CaRoot, node.msp_id(), c, place.clone());
    }
    for c in node.tls_root_certs() {
        out.add(CertKind::TlsCaRoot, node.msp_id(), c, place.clone());
    }
    for c in node.admin_certs() {
        out.add(CertKind::MspAdmin, node.msp_id(), c, place.clone());
    }
}

fn add_record(out: &mut Collector, console: &str, c: &Component) {
    let place = CertPlace {
        source: "console".into(),
        console: Some(console.to_owned()),
        id: Some(c.id.clone()),
    };
    let name = c.display_name.clone().unwrap_or_else(|| c.id.clone());
    let msp_id = c.msp_id.clone().unwrap_or_else(|| name.clone());
    let kind = c.kind();
    let (tls, enrollment) = match kind {
        Some(ComponentType::Orderer) => (CertKind::OrdererTls, CertKind::OrdererEnrollment),
        Some(ComponentType::Ca) => (CertKind::CaTls, CertKind::PeerEnrollment),
        _ => (CertKind::PeerTls, CertKind::PeerEnrollment),
    };
    // Roots belong to the MSP (nodes, MSPs) or to the CA itself.
    let root_owner = if kind == Some(ComponentType::Ca) {
        &name
    } else {
        &msp_id
    };
    if let Some(msp) = &c.msp {
        for b64 in msp.ca.iter().flat_map(|ca| ca.root_certs.iter()) {
            out.add_b64(CertKind::CaRoot, root_owner, b64, &place);
        }
        for b64 in msp.tlsca.iter().flat_map(|ca| ca.root_certs.iter()) {
            out.add_b64(CertKind::TlsCaRoot, root_owner, b64, &place);
        }
        if let Some(component) = &msp.component {
            if let Some(b64) = &component.tls_cert {
                out.add_b64(tls, &name, b64, &place);
            }
            if kind != Some(ComponentType::Ca) {
                if let Some(b64) = &component.ecert {
                    out.add_b64(enrollment, &name, b64, &place);
                }
            }
            for b64 in component.admin_certs.iter().flatten() {
                out.add_b64(CertKind::MspAdmin, &msp_id, b64, &place);
            }
        }
    }
    for b64 in c.root_certs.iter().flatten() {
        out.add_b64(CertKind::CaRoot, &msp_id, b64, &place);
    }
    for b64 in c.tls_root_certs.iter().flatten() {
        out.add_b64(CertKind::TlsCaRoot, &msp_id, b64, &place);
    }
    for b64 in c.admins.iter().flatten() {
        out.add_b64(CertKind::MspAdmin, &msp_id, b64, &place);
    }
}

/// A peer to ask for its TLS certificate: its address, the roots its records pin, the
/// certificates its records hold, and where it is listed.
#[derive(Default)]
struct PeerProbe {
    name: String,
    roots: Vec<Cert>,
    recorded: Vec<Vec<u8>>,
    places: Vec<CertPlace>,
}

/// What a peer's TLS handshake showed.
#[derive(Debug)]
pub struct ServedTls {
    /// The chain the peer presented, its own certificate first (DER).
    pub chain: Vec<Vec<u8>>,
    /// `None` when the chain verified against the pinned roots for the host name; otherwise
    /// why it did not.
    pub untrusted: Option<String>,
}

/// The chain a server presented (DER, its own certificate first) and why it is untrusted.
type Seen = (Vec<Vec<u8>>, Option<String>);

#[derive(Debug)]
struct Recording {
    chained: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    seen: Mutex<Option<Seen>>,
}

fn describe(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => {
                "it is not issued by the TLS roots the records pin".to_owned()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "it is not valid for the peer's host name".to_owned()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "it has expired".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "it is not valid yet".to_owned()
            }
            CertificateError::BadSignature => "its signature does not verify".to_owned(),
            other => format!("{other:?}"),
        },
        other => other.to_string(),
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain: Vec<Vec<u8>> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.as_ref().to_vec())
            .collect();
        let verdict = match &self.chained {
            Some(verifier) => verifier.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        };
        let untrusted = verdict.as_ref().err().map(describe);
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((chain, untrusted));
        }
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `host` and `port` of a `grpcs://host:port` (or `host:port`) address.
fn host_port(api_url: &str) -> Option<(String, u16)> {
    let rest = api_url
        .trim()
        .strip_prefix("grpcs://")
        .or_else(|| api_url.trim().strip_prefix("grpc://"))
        .unwrap_or(api_url.trim());
    let url = url::Url::parse(&format!("tcp://{rest}")).ok()?;
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    Some((host, url.port()?))
}

/// Opens a TLS connection to `api_url` and records the chain the server presents, verified
/// against `roots` for the URL's host name. The verdict is kept even when the handshake goes
/// on to fail for another reason (a server that wants a client certificate).
pub async fn served_tls(api_url: &str, roots: &[Cert]) -> Result<ServedTls, String> {
    let (host, port) = host_port(api_url)
        .ok_or_else(|| format!("{api_url} is not a grpcs://host:port address"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut store = RootCertStore::empty();
    for root in roots {
        let _ = store.add(CertificateDer::from(root.der().to_vec()));
    }
    let chained = if store.is_empty() {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(store), Arc::clone(&provider))
                .build()
                .map_err(|e| format!("TLS set-up failed: {e}"))?,
        )
    };
    let recording = Arc::new(Recording {
        chained,
        provider: Arc::clone(&provider),
        seen: Mutex::new(None),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(&recording) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    // gRPC servers expect HTTP/2 by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    let name = ServerName::try_from(host.clone()).map_err(|e| format!("{host}: {e}"))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        connector
            .connect(name, tcp)
            .await
            .map(drop)
            .map_err(|e| format!("TLS handshake with {host}:{port} failed: {e}"))
    };
    let outcome = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake)
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "no TLS handshake with {host}:{port} within {HANDSHAKE_TIMEOUT:?}"
            ))
        });
    let seen = recording.seen.lock().ok().and_then(|mut s| s.take());
    match (seen, outcome) {
        (Some((chain, untrusted)), _) => Ok(ServedTls { chain, untrusted }),
        (None, Err(e)) => Err(e),
        (None, Ok(())) => Err(format!("{host}:{port} presented no certificate")),
    }
}

impl Workspace {
    /// Every certificate the organization depends on, across the library, the wallet, every
    /// registered console and the peers' own TLS handshakes; soonest to expire first.
    /// Consoles and peers that cannot be read are listed as problems, the rest still counts.
    pub fn certs(&self) -> Result<CertsReport, CoreError> {
        let now = unix_now();
        let mut out = Collector {
            now,
            ..Collector::default()
        };
        let mut problems = Vec::new();
        let mut peers: BTreeMap<String, PeerProbe> = BTreeMap::new();
        let note_peer = |peers: &mut BTreeMap<String, PeerProbe>,
                         url: &str,
                         name: &str,
                         roots: Vec<Cert>,
                         recorded: Option<Vec<u8>>,
                         place: CertPlace| {
            let probe = peers.entry(url.trim().to_owned()).or_default();
            if probe.name.is_empty() {
                name.clone_into(&mut probe.name);
            }
            for root in roots {
                if !probe.roots.iter().any(|r| r.der() == root.der()) {
                    probe.roots.push(root);
                }
            }
            probe.recorded.extend(recorded);
            probe.places.push(place);
        };

        for row in self.store().list_artifacts(None).map_err(from_store)? {
            let artifact = match rehydrate(&row, None) {
                Ok(a) => a,
                Err(_) if row.kind == "identity" => {
                    // An identity reads back only with its key; its certificate is enough here.
                    match serde_json::from_str::<serde_json::Value>(&row.body)
                        .ok()
                        .and_then(|v| v.get("cert").and_then(|c| c.as_str()).map(str::to_owned))
                        .and_then(|b64| Cert::from_b64pem(&b64).ok())
                    {
                        Some(cert) => {
                            out.add(
                                CertKind::WalletIdentity,
                                &row.display_name,
                                &cert,
                                CertPlace {
                                    source: "wallet".into(),
                                    console: None,
                                    id: Some(row.id.clone()),
                                },
                            );
                        }
                        None => problems.push(CertProblem {
                            source: format!("wallet {}", row.id),
                            message: "its certificate does not read".into(),
                        }),
                    }
                    continue;
                }
                Err(e) => {
                    problems.push(CertProblem {
                        source: format!("library {}", row.id),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            add_artifact(&mut out, &row.id, &artifact);
            if let Artifact::Peer(peer) = &artifact {
                note_peer(
                    &mut peers,
                    peer.api_url(),
                    peer.display_name(),
                    peer.tls_root_certs().to_vec(),
                    Some(peer.tls_cert().der().to_vec()),
                    library_place(&row.id),
                );
            }
        }

        for console in self.consoles()? {
            let records = self.console_row(&console.name).and_then(|row| {
                let client = self.console_client(&row)?;
                Ok(block_on(client.list_components(ComponentQuery::full()))??)
            });
            let records = match records {
                Ok(records) => records,
                Err(e) => {
                    problems.push(CertProblem {
                        source: format!("console {}", console.name),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            for record in &records {
                add_record(&mut out, &console.name, record);
                if record.kind() != Some(ComponentType::Peer) {
                    continue;
                }
                let Some(url) = record.api_url.as_deref() else {
                    continue;
                };
                let msp = record.msp.as_ref();
                let roots = msp
                    .and_then(|m| m.tlsca.as_ref())
                    .map(|ca| {
                        ca.root_certs
                            .iter()
                            .filter_map(|b64| Cert::from_b64pem(b64).ok())
                            .collect()
                    })
                    .unwrap_or_default();
                let recorded = msp
                    .and_then(|m| m.component.as_ref())
                    .and_then(|c| c.tls_cert.as_deref())
                    .and_then(|b64| Cert::from_b64pem(b64).ok())
                    .map(|c| c.der().to_vec());
                note_peer(
                    &mut peers,
                    url,
                    record.display_name.as_deref().unwrap_or(&record.id),
                    roots,
                    recorded,
                    CertPlace {
                        source: "peer".into(),
                        console: Some(console.name.clone()),
                        id: Some(record.id.clone()),
                    },
                );
            }
        }

        let probes: Vec<(String, PeerProbe)> = peers.into_iter().collect();
        let served = block_on(futures_util::future::join_all(
            probes
                .iter()
                .map(|(url, probe)| served_tls(url, &probe.roots)),
        ))?;
        for ((url, probe), result) in probes.iter().zip(served) {
            let served = match result {
                Ok(served) => served,
                Err(message) => {
                    problems.push(CertProblem {
                        source: format!("peer {} ({url})", probe.name),
                        message,
                    });
                    continue;
                }
            };
            let Some(leaf) = served
                .chain
                .first()
                .and_then(|der| Cert::from_der(der.clone()).ok())
            else {
                problems.push(CertProblem {
                    source: format!("peer {} ({url})", probe.name),
                    message: "the certificate it presented does not parse".into(),
                });
                continue;
            };
            let stale =
                !probe.recorded.is_empty() && !probe.recorded.iter().any(|r| r == leaf.der());
            for place in &probe.places {
                out.add(CertKind::PeerServedTls, &probe.name, &leaf, place.clone());
            }
            let key = (
                hex(&leaf.sha256()),
                CertKind::PeerServedTls,
                probe.name.clone(),
            );
            if let Some(entry) = out.entries.get_mut(&key) {
                let mut notes = Vec::new();
                if let Some(reason) = &served.untrusted {
                    notes.push(format!("untrusted: {reason}"));
                }
                if stale {
                    notes.push("the records hold another TLS certificate for this peer".to_owned());
                }
                entry.note = (!notes.is_empty()).then(|| notes.join("; "));
            }
        }
        Ok(out.report(problems))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn days_left_round_down_and_go_negative() {
        assert_eq!(days_left(10 * 86_400, 0), 10);
        assert_eq!(days_left(10 * 86_400 - 1, 0), 9);
        assert_eq!(days_left(0, 1), -1);
    }

    #[test]
    fn peer_addresses() {
        assert_eq!(
            host_port("grpcs://127.0.0.1:7051"),
            Some(("127.0.0.1".to_owned(), 7051))
        );
        assert_eq!(
            host_port("grpcs://peer1.example.com:443"),
            Some(("peer1.example.com".to_owned(), 443))
        );
        assert_eq!(host_port("grpcs://peer1.example.com"), None);
    }

    /// A TLS server on 127.0.0.1 presenting `leaf` (issued for `localhost`); its address.
    async fn tls_server(leaf: &artifacts::testdata::Issued) -> String {
        use base64::Engine as _;
        let pem = leaf.key.pkcs8_pem();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let key_der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der.clone())],
            rustls::pki_types::PrivatePkcs8KeyDer::from(key_der).into(),
        )
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = acceptor.accept(tcp).await;
                });
            }
        });
        format!("grpcs://localhost:{port}")
    }

    #[tokio::test]
    async fn the_served_certificate_is_recorded_and_trusted_only_under_the_pinned_roots() {
        use artifacts::testdata::{issue, Key, Pki, Spec};
        let pki = Pki::new();
        let leaf = issue(
            &Spec::tls("localhost", 77),
            Key::p256("served-tls"),
            Some(&pki.tls_root),
        );
        let url = tls_server(&leaf).await;

        let trusted = served_tls(&url, &[pki.tls_root.cert()]).await.unwrap();
        assert_eq!(trusted.chain.first(), Some(&leaf.der));
        assert_eq!(trusted.untrusted, None);

        // Another root: the certificate is still reported, as untrusted, with the reason.
        let foreign = served_tls(&url, &[pki.foreign_root.cert()]).await.unwrap();
        assert_eq!(foreign.chain.first(), Some(&leaf.der));
        assert_eq!(
            foreign.untrusted.as_deref(),
            Some("it is not issued by the TLS roots the records pin")
        );
        // No roots at all: the same, never silently trusted.
        let none = served_tls(&url, &[]).await.unwrap();
        assert!(none.untrusted.is_some());

        // Nobody listening: an error naming the address.
        let closed = served_tls("grpcs://127.0.0.1:1", &[pki.tls_root.cert()])
            .await
            .unwrap_err();
        assert!(closed.contains("127.0.0.1:1"), "{closed}");
    }

    #[test]
    fn every_kind_says_what_to_do() {
        for kind in [
            CertKind::PeerEnrollment,
            CertKind::PeerTls,
            CertKind::PeerServedTls,
            CertKind::OrdererTls,
            CertKind::OrdererEnrollment,
            CertKind::CaRoot,
            CertKind::TlsCaRoot,
            CertKind::CaTls,
            CertKind::MspAdmin,
            CertKind::WalletIdentity,
        ] {
            assert!(!kind.action().is_empty());
            assert!(!kind.label().is_empty());
        }
    }
}
