//! Deterministic test PKI and console files (feature `testdata`).
//!
//! Keys are derived from seed strings, ECDSA signatures are deterministic (RFC 6979), serial
//! numbers and validity windows are fixed, and zips carry a fixed timestamp: the same call
//! always produces the same bytes. Used by the tests, the corpus generator
//! (`cargo run -p fabric-ha-artifacts --example make-corpus --features testdata`), the
//! benchmark and the fuzz seeds. Not for production use.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;

use p256::ecdsa::signature::Signer;
use p256::pkcs8::EncodePrivateKey;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyIdMethod, KeyUsagePurpose, SanType, SerialNumber,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::pem::{der_to_pem, to_b64pem};

/// "Now" for the committed corpus and the tests: 2026-06-01T00:00:00Z.
pub const NOW: i64 = 1_780_272_000;
/// Start of the good certificates' validity: 2026-01-01T00:00:00Z.
pub const GOOD_FROM: i64 = 1_767_225_600;
/// End of the good certificates' validity: 2036-01-01T00:00:00Z (ten years, so committed files
/// stay valid against the wall clock too).
pub const GOOD_UNTIL: i64 = 2_082_758_400;
/// The expired certificate's window: 2020-01-01 .. 2021-01-01.
pub const EXPIRED_FROM: i64 = 1_577_836_800;
/// End of the expired certificate's window.
pub const EXPIRED_UNTIL: i64 = 1_609_459_200;
/// A certificate valid only from 2035-01-01 (not yet valid at [`NOW`]).
pub const FUTURE_FROM: i64 = 2_051_222_400;

/// A deterministic EC key.
#[derive(Clone)]
pub enum Key {
    P256(p256::ecdsa::SigningKey, Vec<u8>),
    P384(p384::ecdsa::SigningKey, Vec<u8>),
}

fn seed_bytes(seed: &str, counter: u32) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update(counter.to_be_bytes());
    h.finalize().into()
}

impl Key {
    /// A P-256 key derived from `seed`.
    pub fn p256(seed: &str) -> Key {
        for i in 0.. {
            if let Ok(sk) = p256::SecretKey::from_slice(&seed_bytes(seed, i)) {
                let public = sk.public_key().to_sec1_bytes().to_vec();
                return Key::P256(sk.into(), public);
            }
        }
        unreachable!()
    }

    /// A P-384 key derived from `seed`.
    pub fn p384(seed: &str) -> Key {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&seed_bytes(seed, 0));
        bytes.extend_from_slice(&seed_bytes(seed, 1)[..16]);
        let sk = p384::SecretKey::from_slice(&bytes).expect("p384 seed");
        let public = sk.public_key().to_sec1_bytes().to_vec();
        Key::P384(sk.into(), public)
    }

    /// PKCS#8 PEM (`PRIVATE KEY`), as the console's wallet exports.
    pub fn pkcs8_pem(&self) -> String {
        let der = match self {
            Key::P256(k, _) => p256::SecretKey::from(k.clone()).to_pkcs8_der().unwrap(),
            Key::P384(k, _) => p384::SecretKey::from(k.clone()).to_pkcs8_der().unwrap(),
        };
        der_to_pem("PRIVATE KEY", der.as_bytes())
    }

    /// SEC1 PEM (`EC PRIVATE KEY`).
    pub fn sec1_pem(&self) -> String {
        let der = match self {
            Key::P256(k, _) => p256::SecretKey::from(k.clone())
                .to_sec1_der()
                .unwrap()
                .to_vec(),
            Key::P384(k, _) => p384::SecretKey::from(k.clone())
                .to_sec1_der()
                .unwrap()
                .to_vec(),
        };
        der_to_pem("EC PRIVATE KEY", &der)
    }

    fn sign_der(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            Key::P256(k, _) => {
                let sig: p256::ecdsa::Signature = k.sign(msg);
                sig.to_der().as_bytes().to_vec()
            }
            Key::P384(k, _) => {
                let sig: p384::ecdsa::Signature = k.sign(msg);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }
}

impl rcgen::PublicKeyData for Key {
    fn der_bytes(&self) -> &[u8] {
        match self {
            Key::P256(_, p) | Key::P384(_, p) => p,
        }
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match self {
            Key::P256(..) => &rcgen::PKCS_ECDSA_P256_SHA256,
            Key::P384(..) => &rcgen::PKCS_ECDSA_P384_SHA384,
        }
    }
}

impl rcgen::SigningKey for Key {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        Ok(self.sign_der(msg))
    }
}

/// What to put in a certificate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub cn: String,
    pub org: String,
    pub ou: Option<String>,
    pub is_ca: bool,
    pub tls_server: bool,
    pub sans: Vec<String>,
    pub from: i64,
    pub until: i64,
    pub serial: u64,
}

impl Spec {
    /// A CA certificate valid over the good window.
    pub fn ca(cn: &str, serial: u64) -> Spec {
        Spec {
            cn: cn.to_owned(),
            org: "Org1".to_owned(),
            ou: None,
            is_ca: true,
            tls_server: false,
            sans: Vec::new(),
            from: GOOD_FROM,
            until: GOOD_UNTIL,
            serial,
        }
    }
    /// A leaf certificate valid over the good window.
    pub fn leaf(cn: &str, ou: Option<&str>, serial: u64) -> Spec {
        Spec {
            is_ca: false,
            ou: ou.map(str::to_owned),
            ..Spec::ca(cn, serial)
        }
    }
    /// A TLS server certificate for `host`.
    pub fn tls(host: &str, serial: u64) -> Spec {
        Spec {
            tls_server: true,
            sans: vec![host.to_owned(), "localhost".to_owned()],
            ..Spec::leaf(host, None, serial)
        }
    }
    /// Same spec with another validity window.
    pub fn valid(mut self, from: i64, until: i64) -> Spec {
        self.from = from;
        self.until = until;
        self
    }
}

/// A certificate with its key.
#[derive(Clone)]
pub struct Issued {
    pub key: Key,
    pub params: CertificateParams,
    pub der: Vec<u8>,
}

impl Issued {
    /// PEM text of the certificate (with trailing newline).
    pub fn pem(&self) -> String {
        der_to_pem("CERTIFICATE", &self.der)
    }
    /// The console's `b64pem` of the certificate.
    pub fn b64(&self) -> String {
        to_b64pem(&self.pem())
    }
    /// The console's `b64pem` of the PKCS#8 private key.
    pub fn key_b64(&self) -> String {
        to_b64pem(&self.key.pkcs8_pem())
    }
    /// Parsed.
    pub fn cert(&self) -> crate::Cert {
        crate::Cert::from_der(self.der.clone()).unwrap()
    }
}

fn time(secs: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(secs).unwrap()
}

/// Issues a certificate for `key` from `spec`, signed by `issuer` (self-signed when `None`).
pub fn issue(spec: &Spec, key: Key, issuer: Option<&Issued>) -> Issued {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, spec.cn.as_str());
    dn.push(DnType::OrganizationName, spec.org.as_str());
    if let Some(ou) = &spec.ou {
        dn.push(DnType::OrganizationalUnitName, ou.as_str());
    }
    params.distinguished_name = dn;
    params.not_before = time(spec.from);
    params.not_after = time(spec.until);
    params.serial_number = Some(SerialNumber::from(spec.serial.to_be_bytes().to_vec()));
    let ski = Sha256::digest(rcgen::PublicKeyData::der_bytes(&key))[..20].to_vec();
    params.key_identifier_method = KeyIdMethod::PreSpecified(ski);
    if spec.is_ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
    } else {
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    }
    if spec.tls_server {
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
    }
    params.subject_alt_names = spec
        .sans
        .iter()
        .map(|s| SanType::DnsName(s.as_str().try_into().unwrap()))
        .collect();
    let cert = match issuer {
        None => params.self_signed(&key).unwrap(),
        Some(iss) => {
            let issuer = Issuer::from_params(&iss.params, &iss.key);
            params.signed_by(&key, &issuer).unwrap()
        }
    };
    Issued {
        der: cert.der().to_vec(),
        key,
        params,
    }
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// (header length, content length) of the DER element at `at`.
fn der_header(buf: &[u8], at: usize) -> (usize, usize) {
    let first = buf[at + 1] as usize;
    if first < 0x80 {
        return (2, first);
    }
    let n = first & 0x7f;
    let mut len = 0;
    for i in 0..n {
        len = (len << 8) | buf[at + 2 + i] as usize;
    }
    (2 + n, len)
}

/// A real X.509 **v1** certificate (no version field, no extensions), self-signed with a P-256
/// key, crafted by rewriting the TBSCertificate of a certificate without extensions.
pub fn x509_v1(cn: &str) -> Issued {
    let key = Key::p256(&format!("v1-{cn}"));
    let spec = Spec::leaf(cn, None, 0x0101);
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.not_before = time(spec.from);
    params.not_after = time(spec.until);
    params.serial_number = Some(SerialNumber::from(vec![1u8, 1]));
    params.is_ca = IsCa::NoCa;
    let v3 = params.self_signed(&key).unwrap().der().to_vec();
    let (outer_h, _) = der_header(&v3, 0);
    let (tbs_h, tbs_len) = der_header(&v3, outer_h);
    let tbs_content = &v3[outer_h + tbs_h..outer_h + tbs_h + tbs_len];
    assert_eq!(
        &tbs_content[..5],
        &[0xa0, 0x03, 0x02, 0x01, 0x02],
        "v3 version field"
    );
    let new_tbs = der_tlv(0x30, &tbs_content[5..]);
    let alg_start = outer_h + tbs_h + tbs_len;
    let (alg_h, alg_len) = der_header(&v3, alg_start);
    let alg = &v3[alg_start..alg_start + alg_h + alg_len];
    let sig = key.sign_der(&new_tbs);
    let mut bits = vec![0u8];
    bits.extend(sig);
    let mut body = new_tbs;
    body.extend_from_slice(alg);
    body.extend(der_tlv(0x03, &bits));
    Issued {
        der: der_tlv(0x30, &body),
        key,
        params,
    }
}

/// The test organisation: CA and TLS CA roots, an intermediate, admins, peer and orderer TLS
/// certificates, a foreign root, and faulty certificates.
#[derive(Clone)]
pub struct Pki {
    pub ca_root: Issued,
    pub tls_root: Issued,
    pub intermediate: Issued,
    pub admin: Issued,
    pub admin2: Issued,
    pub peer_tls: Issued,
    pub peer_ecert: Issued,
    pub orderer_tls: Vec<Issued>,
    pub ca_tls: Issued,
    pub foreign_root: Issued,
    pub foreign_admin: Issued,
    pub foreign_tls: Issued,
    pub expired: Issued,
    pub expiring_soon: Issued,
    pub not_yet_valid: Issued,
    pub v1: Issued,
}

impl Pki {
    /// Builds the whole PKI (deterministic).
    pub fn new() -> Pki {
        let ca_root = issue(&Spec::ca("org1-ca-root", 1), Key::p256("ca-root"), None);
        let tls_root = issue(&Spec::ca("org1-tlsca-root", 2), Key::p256("tls-root"), None);
        let intermediate = issue(
            &Spec::ca("org1-ca-intermediate", 3),
            Key::p256("intermediate"),
            Some(&ca_root),
        );
        let admin = issue(
            &Spec::leaf("org1admin", Some("admin"), 10),
            Key::p256("admin"),
            Some(&ca_root),
        );
        let admin2 = issue(
            &Spec::leaf("org1admin2", Some("admin"), 11),
            Key::p256("admin2"),
            Some(&intermediate),
        );
        let peer_tls = issue(
            &Spec::tls("peer1.org1.example.com", 20),
            Key::p256("peer1-tls"),
            Some(&tls_root),
        );
        let peer_ecert = issue(
            &Spec::leaf("peer1", Some("peer"), 21),
            Key::p256("peer1-ecert"),
            Some(&ca_root),
        );
        let orderer_tls = (0..3)
            .map(|i| {
                issue(
                    &Spec::tls(&format!("orderer{i}.org1.example.com"), 30 + i),
                    Key::p256(&format!("orderer{i}-tls")),
                    Some(&tls_root),
                )
            })
            .collect();
        let ca_tls = issue(
            &Spec::tls("ca.org1.example.com", 40),
            Key::p256("ca-tls"),
            Some(&ca_root),
        );
        let mut foreign = Spec::ca("other-ca-root", 50);
        foreign.org = "Other".to_owned();
        let foreign_root = issue(&foreign, Key::p256("foreign-root"), None);
        let mut fadmin = Spec::leaf("otheradmin", Some("admin"), 51);
        fadmin.org = "Other".to_owned();
        let foreign_admin = issue(&fadmin, Key::p256("foreign-admin"), Some(&foreign_root));
        let foreign_tls = issue(
            &Spec::tls("peer1.org1.example.com", 52),
            Key::p256("foreign-tls"),
            Some(&foreign_root),
        );
        let expired = issue(
            &Spec::tls("peer1.org1.example.com", 60).valid(EXPIRED_FROM, EXPIRED_UNTIL),
            Key::p256("expired"),
            Some(&tls_root),
        );
        let expiring_soon = issue(
            &Spec::tls("peer1.org1.example.com", 61).valid(GOOD_FROM, NOW + 10 * 86_400),
            Key::p256("soon"),
            Some(&tls_root),
        );
        let not_yet_valid = issue(
            &Spec::tls("peer1.org1.example.com", 62).valid(FUTURE_FROM, GOOD_UNTIL),
            Key::p256("future"),
            Some(&tls_root),
        );
        Pki {
            ca_root,
            tls_root,
            intermediate,
            admin,
            admin2,
            peer_tls,
            peer_ecert,
            orderer_tls,
            ca_tls,
            foreign_root,
            foreign_admin,
            foreign_tls,
            expired,
            expiring_soon,
            not_yet_valid,
            v1: x509_v1("v1-cert"),
        }
    }

    /// A CA export as the console writes it (§4.1): v3 `msp` plus the legacy copies.
    pub fn ca_v3(&self) -> Value {
        json!({
            "api_url": "https://ca.org1.example.com:7054",
            "ca_name": "ca",
            "ca_url": "https://ca.org1.example.com:7054",
            "display_name": "Org1 CA",
            "id": "org1ca",
            "location": "ibmcloud",
            "msp": {
                "ca": { "name": "ca", "root_certs": [self.ca_root.b64()] },
                "component": { "tls_cert": self.ca_tls.b64() },
                "tlsca": { "name": "tlsca", "root_certs": [self.tls_root.b64()] }
            },
            "name": "Org1 CA",
            "operations_url": "https://ca-ops.org1.example.com:9443",
            "pem": self.ca_tls.b64(),
            "scheme_version": "v1",
            "tls_ca_root_cert": self.tls_root.b64(),
            "tls_cert": self.ca_tls.b64(),
            "tlsca_name": "tlsca",
            "type": "fabric-ca"
        })
    }

    /// A legacy flat (v2) CA file: no `msp`, no `type`.
    pub fn ca_legacy(&self) -> Value {
        json!({
            "api_url": "https://ca.org1.example.com:7054",
            "ca_name": "ca",
            "display_name": "Org1 CA (legacy)",
            "operations_url": "https://ca-ops.org1.example.com:9443",
            "tls_cert": self.ca_tls.b64(),
            "tlsca_name": "tlsca"
        })
    }

    fn node_ou(&self, ou: &str) -> Value {
        json!({ "certificate": self.ca_root.b64(), "organizational_unit_identifier": ou })
    }

    /// An MSP definition export (§4.2) with Node OUs and an intermediate.
    pub fn msp(&self) -> Value {
        json!({
            "admins": [self.admin.b64()],
            "display_name": "Org1 MSP",
            "fabric_node_ous": {
                "admin_ou_identifier": self.node_ou("admin"),
                "client_ou_identifier": self.node_ou("client"),
                "enable": true,
                "orderer_ou_identifier": self.node_ou("orderer"),
                "peer_ou_identifier": self.node_ou("peer")
            },
            "host_url": "https://console.us-east.example.com:443",
            "id": "org1msp",
            "intermediate_certs": [self.intermediate.b64()],
            "msp_id": "org1msp",
            "name": "Org1 MSP",
            "organizational_unit_identifiers": [],
            "revocation_list": [],
            "root_certs": [self.ca_root.b64()],
            "scheme_version": "v1",
            "tls_intermediate_certs": [],
            "tls_root_certs": [self.tls_root.b64()],
            "type": "msp"
        })
    }

    /// An older MSP file: no `type`, no Node OUs, admin issued by the intermediate.
    pub fn msp_legacy(&self) -> Value {
        json!({
            "admins": [self.admin2.b64()],
            "display_name": "Org1 MSP (legacy)",
            "host_url": "https://console.us-east.example.com",
            "intermediate_certs": [self.intermediate.b64()],
            "msp_id": "org1msp",
            "name": "Org1 MSP (legacy)",
            "root_certs": [self.ca_root.b64()],
            "tls_root_certs": [self.tls_root.b64()]
        })
    }

    /// A peer export (§4.4): v3 `msp` plus the legacy copies.
    pub fn peer_v3(&self) -> Value {
        json!({
            "api_url": "grpcs://peer1.org1.example.com:7051",
            "display_name": "Org1 Peer 1",
            "grpcwp_url": "https://peer1-proxy.org1.example.com:443",
            "id": "org1peer1",
            "location": "ibmcloud",
            "msp": {
                "ca": { "name": "ca", "root_certs": [self.ca_root.b64()] },
                "component": {
                    "admin_certs": [self.admin.b64()],
                    "ecert": self.peer_ecert.b64(),
                    "tls_cert": self.peer_tls.b64()
                },
                "tlsca": { "name": "tlsca", "root_certs": [self.tls_root.b64()] }
            },
            "msp_id": "org1msp",
            "name": "Org1 Peer 1",
            "node_ou": { "enabled": true },
            "operations_url": "https://peer1-ops.org1.example.com:9443",
            "pem": self.peer_tls.b64(),
            "scheme_version": "v1",
            "tls_ca_root_cert": self.tls_root.b64(),
            "tls_cert": self.peer_tls.b64(),
            "type": "fabric-peer"
        })
    }

    /// A legacy flat (v2) peer file.
    pub fn peer_legacy(&self) -> Value {
        json!({
            "api_url": "grpcs://peer1.org1.example.com:7051",
            "display_name": "Org1 Peer 1 (legacy)",
            "grpcwp_url": "https://peer1-proxy.org1.example.com:443",
            "msp_id": "org1msp",
            "operations_url": "https://peer1-ops.org1.example.com:9443",
            "tls_ca_root_cert": self.tls_root.b64(),
            "tls_cert": self.peer_tls.b64()
        })
    }

    /// One ordering node as exported from the cluster (§4.5).
    pub fn orderer_node(&self, i: usize) -> Value {
        let tls = &self.orderer_tls[i];
        json!({
            "api_url": format!("grpcs://orderer{i}.org1.example.com:7050"),
            "client_tls_cert": tls.b64(),
            "cluster_id": "os1",
            "cluster_name": "Org1 Ordering Service",
            "display_name": format!("Org1 Orderer {}", i + 1),
            "grpcwp_url": format!("https://orderer{i}-proxy.org1.example.com:443"),
            "id": format!("os1node{}", i + 1),
            "location": "ibmcloud",
            "msp": {
                "ca": { "name": "ca", "root_certs": [self.ca_root.b64()] },
                "component": { "tls_cert": tls.b64() },
                "tlsca": { "name": "tlsca", "root_certs": [self.tls_root.b64()] }
            },
            "msp_id": "org1msp",
            "name": format!("Org1 Orderer {}", i + 1),
            "operations_url": format!("https://orderer{i}-ops.org1.example.com:8443"),
            "osnadmin_url": format!("https://orderer{i}-admin.org1.example.com:7053"),
            "pem": tls.b64(),
            "scheme_version": "v1",
            "server_tls_cert": tls.b64(),
            "system_channel_id": "",
            "systemless": true,
            "tls_ca_root_cert": self.tls_root.b64(),
            "tls_cert": tls.b64(),
            "type": "fabric-orderer"
        })
    }

    /// The cluster export: an array of all nodes.
    pub fn orderer_cluster(&self) -> Value {
        Value::Array(
            (0..self.orderer_tls.len())
                .map(|i| self.orderer_node(i))
                .collect(),
        )
    }

    /// The wallet export of the org admin (§4.3). PEMs without trailing newline, as the UI
    /// trims them.
    pub fn identity(&self) -> Value {
        json!({
            "cert": to_b64pem(self.admin.pem().trim_end()),
            "name": "Org1 Admin",
            "private_key": to_b64pem(self.admin.key.pkcs8_pem().trim_end()),
            "type": "identity"
        })
    }

    /// The bulk export zip (§4.6) holding everything above (identities included).
    pub fn bulk_zip(&self) -> Vec<u8> {
        let strip = |mut v: Value, assoc: &str| {
            let o = v.as_object_mut().unwrap();
            o.remove("id");
            o.insert(
                "associatedIdentityName".to_owned(),
                Value::String(assoc.to_owned()),
            );
            v
        };
        let mut msp = self.msp();
        msp.as_object_mut().unwrap().remove("id");
        let mut entries: Vec<(String, Value)> = vec![
            (
                "Wallet/Org1 Admin_identity.json".to_owned(),
                self.identity(),
            ),
            (
                "Certificate Authorities/org1ca_ca.json".to_owned(),
                strip(self.ca_v3(), "Org1 Admin"),
            ),
        ];
        for i in 0..self.orderer_tls.len() {
            entries.push((
                format!("Ordering Services/os1node{}_orderer.json", i + 1),
                strip(self.orderer_node(i), ""),
            ));
        }
        entries.push((
            "Peers/org1peer1_peer.json".to_owned(),
            strip(self.peer_v3(), "Org1 Admin"),
        ));
        entries.push(("Organizations/org1msp_msp.json".to_owned(), msp));
        bulk_zip_from(&entries)
    }
}

impl Default for Pki {
    fn default() -> Self {
        Self::new()
    }
}

/// A stored zip with explicit folder entries (`Wallet/` first) and a fixed timestamp.
pub fn bulk_zip_from(entries: &[(String, Value)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut folders_done = std::collections::HashSet::new();
    for (name, value) in entries {
        if let Some((folder, _)) = name.split_once('/') {
            if folders_done.insert(folder.to_owned()) {
                w.add_directory(format!("{folder}/"), opts).unwrap();
            }
        }
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(&crate::to_console_json(value)).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A zip with raw entries (name, bytes, deflated?) — for crafting bad archives.
pub fn raw_zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(if *deflate {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            })
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(bytes.len() > 0xffff_0000);
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A zip holding one symbolic link entry.
pub fn symlink_zip(name: &str, target: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    w.add_symlink(name, target, opts).unwrap();
    w.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` with `to` (same length) in `bytes`: used to give two
/// entries the same name or a non-UTF-8 name after the writer, which refuses both.
pub fn patch_bytes(mut bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    let mut hits = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            hits += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(hits > 0, "pattern not found");
    bytes
}

/// A bulk zip with `n` components with distinct certificates (CAs, MSPs, peers, orderer nodes,
/// identities in turn; each CA at its own address), for the benchmark. Returns the zip and the JSON of every entry.
pub fn big_bulk(n: usize) -> (Vec<u8>, Vec<Vec<u8>>) {
    let pki = Pki::new();
    let mut entries: Vec<(String, Value)> = Vec::with_capacity(n);
    for i in 0..n {
        let serial = 1_000 + i as u64;
        match i % 5 {
            0 => {
                let tls = issue(
                    &Spec::tls(&format!("ca{i}.example.com"), serial),
                    Key::p256(&format!("b-ca-{i}")),
                    Some(&pki.ca_root),
                );
                let mut v = pki.ca_v3();
                let o = v.as_object_mut().unwrap();
                for k in ["pem", "tls_cert"] {
                    o.insert(k.to_owned(), Value::String(tls.b64()));
                }
                o["msp"]["component"]["tls_cert"] = Value::String(tls.b64());
                o.insert("display_name".to_owned(), Value::String(format!("CA {i}")));
                o.insert("name".to_owned(), Value::String(format!("CA {i}")));
                // Each CA at its own address, as in a console's export.
                for (k, url) in [
                    ("api_url", format!("https://ca{i}.example.com:7054")),
                    ("ca_url", format!("https://ca{i}.example.com:7054")),
                    ("operations_url", format!("https://ca{i}.example.com:9443")),
                ] {
                    o.insert(k.to_owned(), Value::String(url));
                }
                o.remove("id");
                o.insert(
                    "associatedIdentityName".to_owned(),
                    Value::String(String::new()),
                );
                entries.push((format!("Certificate Authorities/ca{i}_ca.json"), v));
            }
            1 => {
                let admin = issue(
                    &Spec::leaf(&format!("admin{i}"), Some("admin"), serial),
                    Key::p256(&format!("b-admin-{i}")),
                    Some(&pki.ca_root),
                );
                let mut v = pki.msp();
                let o = v.as_object_mut().unwrap();
                o.insert("admins".to_owned(), json!([admin.b64()]));
                o.insert("display_name".to_owned(), Value::String(format!("MSP {i}")));
                o.insert("name".to_owned(), Value::String(format!("MSP {i}")));
                o.remove("id");
                entries.push((format!("Organizations/msp{i}_msp.json"), v));
            }
            2 | 3 => {
                let orderer = i % 5 == 3;
                let host = format!("node{i}.example.com");
                let tls = issue(
                    &Spec::tls(&host, serial),
                    Key::p256(&format!("b-node-{i}")),
                    Some(&pki.tls_root),
                );
                let mut v = if orderer {
                    pki.orderer_node(0)
                } else {
                    pki.peer_v3()
                };
                let o = v.as_object_mut().unwrap();
                for k in ["pem", "tls_cert"] {
                    o.insert(k.to_owned(), Value::String(tls.b64()));
                }
                if orderer {
                    for k in ["client_tls_cert", "server_tls_cert"] {
                        o.insert(k.to_owned(), Value::String(tls.b64()));
                    }
                }
                o["msp"]["component"]["tls_cert"] = Value::String(tls.b64());
                o.insert(
                    "api_url".to_owned(),
                    Value::String(format!("grpcs://{host}:7051")),
                );
                o.insert(
                    "display_name".to_owned(),
                    Value::String(format!("Node {i}")),
                );
                o.insert("name".to_owned(), Value::String(format!("Node {i}")));
                o.remove("id");
                o.insert(
                    "associatedIdentityName".to_owned(),
                    Value::String(String::new()),
                );
                let (folder, suffix) = if orderer {
                    ("Ordering Services", "orderer")
                } else {
                    ("Peers", "peer")
                };
                entries.push((format!("{folder}/node{i}_{suffix}.json"), v));
            }
            _ => {
                let who = issue(
                    &Spec::leaf(&format!("user{i}"), Some("client"), serial),
                    Key::p256(&format!("b-user-{i}")),
                    Some(&pki.ca_root),
                );
                let v = json!({
                    "cert": who.b64(),
                    "name": format!("User {i}"),
                    "private_key": who.key_b64(),
                    "type": "identity"
                });
                entries.push((format!("Wallet/User {i}_identity.json"), v));
            }
        }
    }
    entries.sort_by_key(|(name, _)| !name.starts_with("Wallet/"));
    let jsons = entries
        .iter()
        .map(|(_, v)| crate::to_console_json(v))
        .collect();
    (bulk_zip_from(&entries), jsons)
}

/// Sets (or with `None` removes) the value at a dotted path inside an object.
pub fn set_path(v: &mut Value, path: &str, new: Option<Value>) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap();
    let mut cur = v;
    for p in parts {
        cur = cur.get_mut(p).unwrap();
    }
    let obj = cur.as_object_mut().unwrap();
    match new {
        Some(n) => {
            obj.insert(last.to_owned(), n);
        }
        None => {
            obj.remove(last);
        }
    }
}

fn with(mut v: Value, edits: &[(&str, Option<Value>)]) -> Value {
    for (p, n) in edits {
        set_path(&mut v, p, n.clone());
    }
    v
}

fn s(x: impl Into<String>) -> Option<Value> {
    Some(Value::String(x.into()))
}

fn file(v: &Value) -> Vec<u8> {
    crate::to_console_json(v)
}

/// `(file name, bytes)` pairs.
pub type NamedFiles = Vec<(String, Vec<u8>)>;

/// The committed corpus: `(good, bad)` lists of `(file name, bytes)`. Every bad file is bad in
/// exactly one way; the expected message fragments are in `tests/corpus.rs`.
#[allow(clippy::too_many_lines)]
pub fn corpus() -> (NamedFiles, NamedFiles) {
    let pki = Pki::new();
    let good: NamedFiles = vec![
        ("ca-v3.json".into(), file(&pki.ca_v3())),
        ("ca-legacy.json".into(), file(&pki.ca_legacy())),
        ("msp-v3.json".into(), file(&pki.msp())),
        ("msp-legacy.json".into(), file(&pki.msp_legacy())),
        ("peer-v3.json".into(), file(&pki.peer_v3())),
        ("peer-legacy.json".into(), file(&pki.peer_legacy())),
        ("orderer-node.json".into(), file(&pki.orderer_node(0))),
        ("orderer-cluster.json".into(), file(&pki.orderer_cluster())),
        ("identity.json".into(), file(&pki.identity())),
        (
            "identity-sec1-key.json".into(),
            file(&with(
                pki.identity(),
                &[
                    ("name", s("Org1 Admin (SEC1 key)")),
                    ("private_key", s(to_b64pem(&pki.admin.key.sec1_pem()))),
                ],
            )),
        ),
        ("bulk-export.zip".into(), pki.bulk_zip()),
        (
            "bulk-array.json".into(),
            file(&Value::Array(vec![
                pki.ca_v3(),
                pki.msp(),
                pki.peer_v3(),
                pki.identity(),
            ])),
        ),
    ];

    let peer = pki.peer_v3();
    let peer_bytes = file(&peer);
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    let pem_b64 = |label: &str, der: &[u8]| to_b64pem(&der_to_pem(label, der));
    let tls = "msp.component.tls_cert";
    // Peer without its legacy TLS copies, so that a bad msp.component.tls_cert is the only fault.
    let peer_nested = with(
        peer.clone(),
        &[
            ("pem", None),
            ("tls_cert", None),
            ("tls_ca_root_cert", None),
        ],
    );
    let bad_tls = |value: String| file(&with(peer_nested.clone(), &[(tls, s(value))]));
    let mut bad: NamedFiles = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| bad.push((name.to_owned(), bytes));

    // JSON syntax and shape.
    add(
        "json-truncated.json",
        peer_bytes[..peer_bytes.len() / 2].to_vec(),
    );
    add(
        "json-trailing-garbage.json",
        [peer_bytes.clone(), b"\n}".to_vec()].concat(),
    );
    add("json-empty-file.json", Vec::new());
    add(
        "json-duplicate-key.json",
        text(&peer_bytes)
            .replacen(
                "\"display_name\": \"Org1 Peer 1\",",
                "\"display_name\": \"Org1 Peer 1\",\n    \"display_name\": \"Evil Peer\",",
                1,
            )
            .into_bytes(),
    );
    add(
        "json-duplicate-key-nested.json",
        text(&peer_bytes)
            .replacen(
                "\"component\": {",
                "\"component\": {\n            \"ecert\": \"\",",
                1,
            )
            .into_bytes(),
    );
    add(
        "json-not-utf8.json",
        text(&peer_bytes)
            .replacen("Org1 Peer 1", "Org1 Peer \u{1}", 1)
            .replace('\u{1}', "\u{fffd}")
            .into_bytes()
            .iter()
            .map(|b| if *b == 0xef { 0xff } else { *b })
            .collect(),
    );
    add("json-scalar.json", b"\"just a string\"".to_vec());
    add("json-empty-array.json", b"[]".to_vec());
    add("json-array-of-numbers.json", b"[1, 2, 3]".to_vec());
    add(
        "kind-unknown.json",
        file(&json!({ "hello": "world", "version": 3 })),
    );
    add(
        "kind-unknown-type.json",
        file(&with(peer.clone(), &[("type", s("fabric-gateway"))])),
    );

    // Required fields and types.
    add(
        "peer-missing-msp-id.json",
        file(&with(peer.clone(), &[("msp_id", None)])),
    );
    add(
        "peer-missing-tls-cert.json",
        file(&with(peer_nested.clone(), &[(tls, None)])),
    );
    add(
        "peer-missing-grpcwp-url.json",
        file(&with(peer.clone(), &[("grpcwp_url", None)])),
    );
    add(
        "ca-missing-api-url.json",
        file(&with(pki.ca_v3(), &[("api_url", None), ("ca_url", None)])),
    );
    add(
        "ca-missing-tlsca-name.json",
        file(&with(pki.ca_legacy(), &[("tlsca_name", None)])),
    );
    add(
        "msp-missing-root-certs.json",
        file(&with(pki.msp(), &[("root_certs", None)])),
    );
    add(
        "msp-missing-host-url.json",
        file(&with(pki.msp(), &[("host_url", None)])),
    );
    add(
        "identity-missing-private-key.json",
        file(&with(pki.identity(), &[("private_key", None)])),
    );
    add(
        "orderer-missing-cluster-name.json",
        file(&with(pki.orderer_node(0), &[("cluster_name", None)])),
    );
    add(
        "peer-display-name-number.json",
        file(&with(peer.clone(), &[("display_name", Some(json!(42)))])),
    );
    add(
        "peer-display-name-too-long.json",
        file(&with(peer.clone(), &[("display_name", s("P".repeat(65)))])),
    );
    add(
        "msp-root-certs-not-array.json",
        file(&with(pki.msp(), &[("root_certs", s(pki.ca_root.b64()))])),
    );
    add(
        "peer-node-ou-enabled-string.json",
        file(&with(peer.clone(), &[("node_ou.enabled", s("yes"))])),
    );
    add(
        "msp-admins-empty-without-node-ous.json",
        file(&with(pki.msp_legacy(), &[("admins", Some(json!([])))])),
    );

    // URLs and MSP ids.
    add(
        "peer-url-without-port.json",
        file(&with(
            peer.clone(),
            &[("api_url", s("grpcs://peer1.org1.example.com"))],
        )),
    );
    add(
        "peer-url-https-scheme.json",
        file(&with(
            peer.clone(),
            &[("api_url", s("https://peer1.org1.example.com:7051"))],
        )),
    );
    add(
        "peer-url-with-path.json",
        file(&with(
            peer.clone(),
            &[("api_url", s("grpcs://peer1.org1.example.com:7051/api"))],
        )),
    );
    add(
        "peer-url-bad-port.json",
        file(&with(
            peer.clone(),
            &[("api_url", s("grpcs://peer1.org1.example.com:70510"))],
        )),
    );
    add(
        "peer-operations-url-no-scheme.json",
        file(&with(
            peer.clone(),
            &[("operations_url", s("peer1-ops.org1.example.com:9443"))],
        )),
    );
    add(
        "ca-url-grpcs.json",
        file(&with(
            pki.ca_v3(),
            &[("api_url", s("grpcs://ca.org1.example.com:7054"))],
        )),
    );
    add(
        "msp-id-illegal-chars.json",
        file(&with(pki.msp(), &[("msp_id", s("org1 msp!"))])),
    );
    add(
        "msp-id-dotdot.json",
        file(&with(pki.msp(), &[("msp_id", s(".."))])),
    );
    add(
        "msp-id-too-long.json",
        file(&with(pki.msp(), &[("msp_id", s("m".repeat(251)))])),
    );

    // Encodings.
    add(
        "cert-bad-base64.json",
        bad_tls("LS0tLS1CRUdJTi@@@not-base64".into()),
    );
    add("cert-raw-pem-not-base64.json", bad_tls(pki.peer_tls.pem()));
    add(
        "cert-base64-of-der.json",
        bad_tls(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            &pki.peer_tls.der,
        )),
    );
    add(
        "pem-wrong-type-private-key.json",
        bad_tls(pki.peer_tls.key_b64()),
    );
    add(
        "pem-mislabelled-key-as-certificate.json",
        bad_tls(pem_b64(
            "CERTIFICATE",
            &der_of_pem(&pki.peer_tls.key.pkcs8_pem()),
        )),
    );
    add(
        "pem-truncated.json",
        bad_tls(to_b64pem(&pki.peer_tls.pem()[..400])),
    );
    add(
        "pem-two-certificates.json",
        bad_tls(to_b64pem(&format!(
            "{}{}",
            pki.peer_tls.pem(),
            pki.tls_root.pem()
        ))),
    );
    add(
        "identity-key-labelled-certificate.json",
        file(&with(
            pki.identity(),
            &[(
                "private_key",
                s(pem_b64(
                    "CERTIFICATE",
                    &der_of_pem(&pki.admin.key.pkcs8_pem()),
                )),
            )],
        )),
    );
    add(
        "identity-key-encrypted.json",
        file(&with(
            pki.identity(),
            &[(
                "private_key",
                s(to_b64pem(&pki.admin.key.pkcs8_pem().replacen(
                    "-----\n",
                    "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\n",
                    1,
                ))),
            )],
        )),
    );

    // Certificates.
    add("x509-v1-cert.json", bad_tls(pki.v1.b64()));
    add(
        "x509-garbage-der.json",
        bad_tls(pem_b64(
            "CERTIFICATE",
            b"\x30\x03\x02\x01\x00 this is not a certificate",
        )),
    );
    add(
        "identity-key-mismatch.json",
        file(&with(
            pki.identity(),
            &[("private_key", s(pki.peer_tls.key_b64()))],
        )),
    );
    add(
        "msp-admin-foreign-root.json",
        file(&with(
            pki.msp(),
            &[("admins", Some(json!([pki.foreign_admin.b64()])))],
        )),
    );
    add(
        "msp-leaf-as-root.json",
        file(&with(
            pki.msp_legacy(),
            &[("root_certs", Some(json!([pki.admin.b64()])))],
        )),
    );
    add(
        "msp-intermediate-as-root.json",
        file(&with(
            pki.msp_legacy(),
            &[
                ("root_certs", Some(json!([pki.intermediate.b64()]))),
                ("intermediate_certs", Some(json!([]))),
            ],
        )),
    );
    add(
        "msp-intermediate-foreign.json",
        file(&with(
            pki.msp(),
            &[(
                "intermediate_certs",
                Some(json!([issue(
                    &Spec::ca("stray-intermediate", 70),
                    Key::p256("stray"),
                    Some(&pki.foreign_root)
                )
                .b64()])),
            )],
        )),
    );
    add(
        "msp-node-ou-cert-not-a-root.json",
        file(&with(
            pki.msp(),
            &[(
                "fabric_node_ous.admin_ou_identifier.certificate",
                s(pki.foreign_root.b64()),
            )],
        )),
    );
    add("peer-tls-not-chained.json", bad_tls(pki.foreign_tls.b64()));
    add(
        "peer-legacy-pem-disagrees.json",
        file(&with(peer.clone(), &[("pem", s(pki.orderer_tls[0].b64()))])),
    );
    add("cert-expired.json", bad_tls(pki.expired.b64()));
    add("cert-not-yet-valid.json", bad_tls(pki.not_yet_valid.b64()));

    // Zips.
    let peer_entry = file(&with(
        peer.clone(),
        &[("id", None), ("associatedIdentityName", s(""))],
    ));
    add(
        "zip-dotdot-entry.zip",
        raw_zip(&[("Peers/../../evil_peer.json", &peer_entry, false)]),
    );
    add(
        "zip-absolute-path.zip",
        raw_zip(&[("/etc/evil_peer.json", &peer_entry, false)]),
    );
    add(
        "zip-windows-drive-path.zip",
        raw_zip(&[("C:/evil_peer.json", &peer_entry, false)]),
    );
    add(
        "zip-backslash-name.zip",
        raw_zip(&[("Peers\\org1peer1_peer.json", &peer_entry, false)]),
    );
    add(
        "zip-symlink.zip",
        symlink_zip("Peers/org1peer1_peer.json", "/etc/passwd"),
    );
    add(
        "zip-duplicate-names.zip",
        patch_bytes(
            raw_zip(&[
                ("Peers/org1peer1_peer.json", &peer_entry, false),
                ("Peers/org1peer2_peer.json", &peer_entry, false),
            ]),
            b"org1peer2_peer.json",
            b"org1peer1_peer.json",
        ),
    );
    add(
        "zip-non-utf8-name.zip",
        patch_bytes(
            raw_zip(&[("Peers/org1peer~_peer.json", &peer_entry, false)]),
            b"org1peer~_peer",
            b"org1peer\xff_peer",
        ),
    );
    add(
        "zip-bomb-ratio.zip",
        raw_zip(&[("Peers/bomb_peer.json", &vec![b' '; 20 * 1024 * 1024], true)]),
    );
    add(
        "zip-entry-bad-json.zip",
        raw_zip(&[(
            "Peers/org1peer1_peer.json",
            &peer_entry[..peer_entry.len() - 10],
            false,
        )]),
    );
    add(
        "zip-not-a-zip.zip",
        [
            b"PK\x03\x04".to_vec(),
            b"this is not really a zip archive".to_vec(),
        ]
        .concat(),
    );
    add(
        "zip-duplicate-wallet-names.zip",
        bulk_zip_from(&[
            ("Wallet/Org1 Admin_identity.json".to_owned(), pki.identity()),
            (
                "Wallet/Org1 Admin copy_identity.json".to_owned(),
                pki.identity(),
            ),
        ]),
    );
    (good, bad)
}

fn der_of_pem(pem_text: &str) -> Vec<u8> {
    let b64 = to_b64pem(pem_text);
    crate::pem::decode_single(&b64, &["PRIVATE KEY", "EC PRIVATE KEY", "CERTIFICATE"])
        .unwrap()
        .1
}
