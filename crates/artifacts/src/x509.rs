//! Parsed X.509 certificates, ECDSA signature checks and private-key matching.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::name::DirectoryString;
use x509_cert::ext::pkix::BasicConstraints;

use crate::pem::{self, Reason};

const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const OID_OU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");

/// Curve of an EC public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// NIST P-256 (prime256v1), Fabric's default.
    P256,
    /// NIST P-384.
    P384,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum KeyAlg {
    Ec(Curve),
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SigAlg {
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
    Other,
}

enum VerifyKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

struct Inner {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    sha256: [u8; 32],
    subject: OnceLock<String>,
    issuer: OnceLock<String>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    not_before: i64,
    not_after: i64,
    is_ca: bool,
    ous: Vec<String>,
    key_alg: KeyAlg,
    public_key: Vec<u8>,
    sig_alg: SigAlg,
    sig_alg_oid: String,
    signature: Vec<u8>,
    verify_key: OnceLock<Result<VerifyKey, String>>,
}

/// SHA-256 of the issuer's DER, then of the certificate's.
type PairKey = ([u8; 32], [u8; 32]);

/// The outcome of each signature check done, keyed by the SHA-256 of the issuer's DER and of
/// the certificate's DER (which holds the signature): the same root, admin or intermediate
/// appears in many files of a bulk zip, in every stored copy the library reads back, and on
/// every worker of a read. Each pair is verified once, even when threads ask at the same time.
pub(crate) struct SignatureCache {
    /// Pairs kept before the cache starts over.
    limit: usize,
    checks: Mutex<HashMap<PairKey, Arc<OnceLock<bool>>>>,
    #[cfg(test)]
    verifications: std::sync::atomic::AtomicUsize,
}

impl SignatureCache {
    pub(crate) fn new(limit: usize) -> SignatureCache {
        SignatureCache {
            limit,
            checks: Mutex::new(HashMap::new()),
            #[cfg(test)]
            verifications: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The process-wide cache [`Cert::is_issued_by`] uses.
    fn global() -> &'static SignatureCache {
        static GLOBAL: OnceLock<SignatureCache> = OnceLock::new();
        GLOBAL.get_or_init(|| SignatureCache::new(1 << 16))
    }

    /// [`Cert::is_issued_by`], remembered.
    pub(crate) fn is_issued_by(&self, cert: &Cert, issuer: &Cert) -> bool {
        if cert.0.issuer_der != issuer.0.subject_der {
            return false;
        }
        let key = (issuer.0.sha256, cert.0.sha256);
        let slot = {
            // Entries are only ever added whole: a poisoned lock still holds a sound map.
            let mut checks = self.checks.lock().unwrap_or_else(PoisonError::into_inner);
            if checks.len() >= self.limit && !checks.contains_key(&key) {
                checks.clear();
            }
            Arc::clone(checks.entry(key).or_default())
        };
        *slot.get_or_init(|| {
            #[cfg(test)]
            self.verifications
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            cert.verify_signed_by(issuer).is_ok()
        })
    }

    fn clear(&self) {
        self.checks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// A parsed X.509 v3 certificate. Cheap to clone; compared by DER bytes.
#[derive(Clone)]
pub struct Cert(Arc<Inner>);

impl fmt::Debug for Cert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cert")
            .field("subject", &self.subject())
            .field("issuer", &self.issuer())
            .field("not_after", &self.0.not_after)
            .finish()
    }
}

impl PartialEq for Cert {
    fn eq(&self, other: &Self) -> bool {
        self.0.sha256 == other.0.sha256 && self.0.der == other.0.der
    }
}
impl Eq for Cert {}

/// Byte range of the first element inside the outer DER SEQUENCE (the TBSCertificate).
fn tbs_range(der: &[u8]) -> Option<std::ops::Range<usize>> {
    fn header(buf: &[u8], at: usize) -> Option<(usize, usize)> {
        // returns (header length, content length)
        let first = *buf.get(at + 1)?;
        if first < 0x80 {
            return Some((2, first as usize));
        }
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *buf.get(at + 2 + i)? as usize;
        }
        Some((2 + n, len))
    }
    let (outer_h, _) = header(der, 0)?;
    let (inner_h, inner_len) = header(der, outer_h)?;
    let end = outer_h.checked_add(inner_h)?.checked_add(inner_len)?;
    (end <= der.len()).then_some(outer_h..end)
}

/// RFC 4514 rendering of a DER-encoded Name (rendered only when a message needs it).
fn name_string(der: &[u8]) -> String {
    x509_cert::name::Name::from_der(der).map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

fn dir_string(value: &der::Any) -> Option<String> {
    DirectoryString::try_from(value).ok().map(String::from)
}

impl Cert {
    /// Parses a `b64pem` value (base64 of one PEM `CERTIFICATE` block).
    pub fn from_b64pem(value: &str) -> Result<Cert, String> {
        Cert::parse_b64pem(value).map_err(|r| r.text)
    }

    /// [`Cert::from_b64pem`], the reason as a code and the values it names.
    pub(crate) fn parse_b64pem(value: &str) -> Result<Cert, Reason> {
        let (_, der) = pem::decode_single(value, &["CERTIFICATE"])?;
        Cert::parse_der(der)
    }

    /// Parses PEM text holding one `CERTIFICATE` block.
    pub fn from_pem(text: &str) -> Result<Cert, String> {
        let b64 = pem::to_b64pem(text);
        Cert::from_b64pem(&b64)
    }

    /// Parses DER bytes. Only X.509 v3 certificates are accepted (the console refuses v1).
    pub fn from_der(der: Vec<u8>) -> Result<Cert, String> {
        Cert::parse_der(der).map_err(|r| r.text)
    }

    /// [`Cert::from_der`], the reason as a code and the values it names.
    fn parse_der(der: Vec<u8>) -> Result<Cert, Reason> {
        /// A reason that wraps a DER library's own words.
        fn with_detail(code: &'static str, words: &str, e: impl fmt::Display) -> Reason {
            let detail = e.to_string();
            Reason::new(code, &[("detail", &detail)], format!("{words} ({detail})"))
        }
        let cert = x509_cert::Certificate::from_der(&der)
            .map_err(|e| with_detail("notX509", "is not a valid X.509 certificate", e))?;
        let tbs = cert.tbs_certificate();
        match tbs.version() {
            Version::V3 => {}
            Version::V1 => {
                return Err(Reason::new("x509V1", &[], "is an X.509 v1 certificate; only v3 certificates (with extensions) are accepted, as by the console"))
            }
            Version::V2 => {
                return Err(Reason::new("x509V2", &[], "is an X.509 v2 certificate; only v3 certificates are accepted"))
            }
        }
        let range = tbs_range(&der).ok_or_else(|| {
            Reason::new(
                "badFraming",
                &[],
                "is not a valid X.509 certificate (bad DER framing)",
            )
        })?;
        let is_ca = match tbs.get_extension::<BasicConstraints>() {
            Ok(Some((_, bc))) => bc.ca,
            Ok(None) => false,
            Err(e) => {
                return Err(with_detail(
                    "basicConstraints",
                    "has an unreadable basicConstraints extension",
                    e,
                ))
            }
        };
        let ous = tbs
            .subject()
            .iter()
            .filter(|atv| atv.oid == OID_OU)
            .filter_map(|atv| dir_string(&atv.value))
            .collect();
        let spki = tbs.subject_public_key_info();
        let key_alg = if spki.algorithm.oid == OID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(c) if c == OID_P256 => KeyAlg::Ec(Curve::P256),
                Some(c) if c == OID_P384 => KeyAlg::Ec(Curve::P384),
                Some(c) => KeyAlg::Other(format!("EC curve {c}")),
                None => KeyAlg::Other("EC key without a named curve".to_owned()),
            }
        } else {
            KeyAlg::Other(spki.algorithm.oid.to_string())
        };
        let sig_oid = cert.signature_algorithm().oid;
        let sig_alg = match sig_oid {
            o if o == OID_ECDSA_SHA256 => SigAlg::EcdsaSha256,
            o if o == OID_ECDSA_SHA384 => SigAlg::EcdsaSha384,
            o if o == OID_ECDSA_SHA512 => SigAlg::EcdsaSha512,
            _ => SigAlg::Other,
        };
        let subject_der = tbs
            .subject()
            .to_der()
            .map_err(|e| with_detail("badSubject", "has a bad subject", e))?;
        let issuer_der = tbs
            .issuer()
            .to_der()
            .map_err(|e| with_detail("badIssuer", "has a bad issuer", e))?;
        let validity = tbs.validity();
        let to_secs = |t: x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        let inner = Inner {
            sha256: Sha256::digest(&der).into(),
            tbs: range,
            subject: OnceLock::new(),
            issuer: OnceLock::new(),
            subject_der,
            issuer_der,
            not_before: to_secs(validity.not_before),
            not_after: to_secs(validity.not_after),
            is_ca,
            ous,
            key_alg,
            public_key: spki.subject_public_key.raw_bytes().to_vec(),
            sig_alg,
            sig_alg_oid: sig_oid.to_string(),
            signature: cert.signature().raw_bytes().to_vec(),
            verify_key: OnceLock::new(),
            der,
        };
        Ok(Cert(Arc::new(inner)))
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// SHA-256 of the DER encoding.
    pub fn sha256(&self) -> [u8; 32] {
        self.0.sha256
    }

    /// Subject as an RFC 4514 string (`CN=peer1,OU=peer,O=Org1`).
    pub fn subject(&self) -> &str {
        self.0
            .subject
            .get_or_init(|| name_string(&self.0.subject_der))
    }

    /// Issuer as an RFC 4514 string.
    pub fn issuer(&self) -> &str {
        self.0
            .issuer
            .get_or_init(|| name_string(&self.0.issuer_der))
    }

    /// `notBefore` as Unix seconds.
    pub fn not_before(&self) -> i64 {
        self.0.not_before
    }

    /// `notAfter` as Unix seconds.
    pub fn not_after(&self) -> i64 {
        self.0.not_after
    }

    /// basicConstraints `cA` is true.
    pub fn is_ca(&self) -> bool {
        self.0.is_ca
    }

    /// The subject's organizational units (`OU=` values), e.g. `admin`, `peer`, `client`.
    pub fn organizational_units(&self) -> &[String] {
        &self.0.ous
    }

    /// Subject and issuer names are the same.
    pub fn is_self_issued(&self) -> bool {
        self.0.subject_der == self.0.issuer_der
    }

    /// Self-issued and the signature verifies with its own key.
    pub fn is_self_signed(&self) -> bool {
        self.is_self_issued() && self.is_issued_by(self)
    }

    /// The curve of the subject public key, when it is an EC key on a supported curve.
    pub fn curve(&self) -> Option<Curve> {
        match self.0.key_alg {
            KeyAlg::Ec(c) => Some(c),
            KeyAlg::Other(_) => None,
        }
    }

    /// The raw subject public key (an SEC1 point for EC keys).
    pub fn public_key(&self) -> &[u8] {
        &self.0.public_key
    }

    /// True when `issuer`'s subject is this certificate's issuer and `issuer`'s key verifies
    /// this certificate's signature. Each (issuer, certificate) pair is verified once per
    /// process; later calls get the remembered outcome.
    pub fn is_issued_by(&self, issuer: &Cert) -> bool {
        SignatureCache::global().is_issued_by(self, issuer)
    }

    /// Forgets every remembered [`Cert::is_issued_by`] outcome, so that the next checks verify
    /// again (benchmarks measure a first read this way).
    pub fn forget_signature_checks() {
        SignatureCache::global().clear();
    }

    /// Like [`Cert::is_issued_by`], with the reason on failure.
    pub fn verify_signed_by(&self, issuer: &Cert) -> Result<(), String> {
        if self.0.issuer_der != issuer.0.subject_der {
            return Err(format!(
                "issuer '{}' is not the subject '{}' of the would-be issuer",
                self.issuer(),
                issuer.subject()
            ));
        }
        let tbs = &self.0.der[self.0.tbs.clone()];
        // ring for the common algorithms (several times faster than the pure-Rust curves
        // here); the RustCrypto curves for ECDSA with SHA-512.
        let ring_alg: Option<&'static ring::signature::EcdsaVerificationAlgorithm> =
            match (&issuer.0.key_alg, self.0.sig_alg) {
                (KeyAlg::Ec(Curve::P256), SigAlg::EcdsaSha256) => {
                    Some(&ring::signature::ECDSA_P256_SHA256_ASN1)
                }
                (KeyAlg::Ec(Curve::P256), SigAlg::EcdsaSha384) => {
                    Some(&ring::signature::ECDSA_P256_SHA384_ASN1)
                }
                (KeyAlg::Ec(Curve::P384), SigAlg::EcdsaSha256) => {
                    Some(&ring::signature::ECDSA_P384_SHA256_ASN1)
                }
                (KeyAlg::Ec(Curve::P384), SigAlg::EcdsaSha384) => {
                    Some(&ring::signature::ECDSA_P384_SHA384_ASN1)
                }
                _ => None,
            };
        if let Some(alg) = ring_alg {
            let key = ring::signature::UnparsedPublicKey::new(alg, &issuer.0.public_key);
            return key
                .verify(tbs, &self.0.signature)
                .map_err(|_| "signature does not verify with the issuer's public key".to_owned());
        }
        let key = issuer
            .0
            .verify_key
            .get_or_init(|| issuer.make_verify_key())
            .as_ref()
            .map_err(Clone::clone)?;
        let digest: Vec<u8> = match self.0.sig_alg {
            SigAlg::EcdsaSha256 => Sha256::digest(tbs).to_vec(),
            SigAlg::EcdsaSha384 => Sha384::digest(tbs).to_vec(),
            SigAlg::EcdsaSha512 => Sha512::digest(tbs).to_vec(),
            SigAlg::Other => {
                return Err(format!(
                    "signature algorithm {} is not supported (Fabric uses ECDSA)",
                    self.0.sig_alg_oid
                ))
            }
        };
        let ok = match key {
            VerifyKey::P256(vk) => p256::ecdsa::Signature::from_der(&self.0.signature)
                .ok()
                .is_some_and(|sig| vk.verify_prehash(&digest, &sig).is_ok()),
            VerifyKey::P384(vk) => p384::ecdsa::Signature::from_der(&self.0.signature)
                .ok()
                .is_some_and(|sig| vk.verify_prehash(&digest, &sig).is_ok()),
        };
        if ok {
            Ok(())
        } else {
            Err("signature does not verify with the issuer's public key".to_owned())
        }
    }

    fn make_verify_key(&self) -> Result<VerifyKey, String> {
        match &self.0.key_alg {
            KeyAlg::Ec(Curve::P256) => {
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&self.0.public_key)
                    .map(VerifyKey::P256)
                    .map_err(|_| "issuer has an invalid P-256 public key".to_owned())
            }
            KeyAlg::Ec(Curve::P384) => {
                p384::ecdsa::VerifyingKey::from_sec1_bytes(&self.0.public_key)
                    .map(VerifyKey::P384)
                    .map_err(|_| "issuer has an invalid P-384 public key".to_owned())
            }
            KeyAlg::Other(what) => Err(format!(
                "issuer key type {what} is not supported (Fabric uses ECDSA P-256/P-384)"
            )),
        }
    }

    /// Short description for messages: `subject 'CN=..', issuer 'CN=..'`.
    pub(crate) fn describe(&self) -> String {
        format!("subject '{}', issuer '{}'", self.subject(), self.issuer())
    }
}

/// Why a private key does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyProblem {
    Unreadable(String),
    Mismatch,
}

/// Parses an EC private key (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`, P-256 or P-384) and
/// checks that its public key is the certificate's.
pub(crate) fn key_matches_cert(label: &str, key_der: &[u8], cert: &Cert) -> Result<(), KeyProblem> {
    use p256::pkcs8::DecodePrivateKey;
    // Fast path: ring checks a PKCS#8 key against the public key it embeds (Fabric CA and the
    // console write it); anything ring refuses takes the pure-Rust path below.
    if label == "PRIVATE KEY" {
        let alg = match cert.curve() {
            Some(Curve::P256) => Some(&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING),
            Some(Curve::P384) => Some(&ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING),
            None => None,
        };
        if let Some(alg) = alg {
            let rng = ring::rand::SystemRandom::new();
            if let Ok(pair) = ring::signature::EcdsaKeyPair::from_pkcs8(alg, key_der, &rng) {
                use ring::signature::KeyPair;
                return if normalise_point(pair.public_key().as_ref())
                    == normalise_point(cert.public_key())
                {
                    Ok(())
                } else {
                    Err(KeyProblem::Mismatch)
                };
            }
        }
    }
    let derived: Option<Vec<u8>> = match label {
        "PRIVATE KEY" => {
            if let Ok(k) = p256::SecretKey::from_pkcs8_der(key_der) {
                Some(
                    p256::PublicKey::from(k.public_key())
                        .to_sec1_bytes()
                        .to_vec(),
                )
            } else if let Ok(k) = p384::SecretKey::from_pkcs8_der(key_der) {
                Some(k.public_key().to_sec1_bytes().to_vec())
            } else {
                None
            }
        }
        "EC PRIVATE KEY" => {
            if let Ok(k) = p256::SecretKey::from_sec1_der(key_der) {
                Some(k.public_key().to_sec1_bytes().to_vec())
            } else if let Ok(k) = p384::SecretKey::from_sec1_der(key_der) {
                Some(k.public_key().to_sec1_bytes().to_vec())
            } else {
                None
            }
        }
        other => {
            return Err(KeyProblem::Unreadable(format!(
                "is a PEM '{other}' block; expected 'PRIVATE KEY' or 'EC PRIVATE KEY'"
            )))
        }
    };
    let Some(mut public) = derived else {
        return Err(KeyProblem::Unreadable(
            "is not a readable EC P-256/P-384 private key".to_owned(),
        ));
    };
    let same = normalise_point(cert.public_key()) == normalise_point(&public);
    zeroize::Zeroize::zeroize(&mut public);
    if same {
        Ok(())
    } else {
        Err(KeyProblem::Mismatch)
    }
}

/// Compares EC points independent of compression by decompressing through the curve crates.
fn normalise_point(bytes: &[u8]) -> Vec<u8> {
    if let Ok(pk) = p256::PublicKey::from_sec1_bytes(bytes) {
        return pk.to_sec1_bytes().to_vec();
    }
    if let Ok(pk) = p384::PublicKey::from_sec1_bytes(bytes) {
        return pk.to_sec1_bytes().to_vec();
    }
    bytes.to_vec()
}

/// RFC 3339 rendering of Unix seconds (UTC).
pub(crate) fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("@{secs}"))
}

#[cfg(all(test, feature = "testdata"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testdata::{issue, Key, Spec};

    fn count(cache: &SignatureCache) -> usize {
        cache
            .verifications
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    #[test]
    fn a_pair_is_verified_once_even_from_several_threads() {
        let root = issue(&Spec::ca("Cache Root", 1), Key::p256("cache-root"), None);
        let leaf = issue(
            &Spec::leaf("leaf", None, 2),
            Key::p256("cache-leaf"),
            Some(&root),
        );
        let (root, leaf) = (root.cert(), leaf.cert());
        let cache = SignatureCache::new(16);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert!(cache.is_issued_by(&leaf, &root)));
            }
        });
        assert!(cache.is_issued_by(&leaf, &root));
        assert_eq!(count(&cache), 1);
        // A fresh parse of the same bytes is the same pair.
        assert!(cache.is_issued_by(&Cert::from_der(leaf.der().to_vec()).unwrap(), &root));
        assert_eq!(count(&cache), 1);
        // Another pair is verified on its own: the root signed itself.
        assert!(cache.is_issued_by(&root, &root));
        assert_eq!(count(&cache), 2);
    }

    #[test]
    fn a_bad_signature_is_refused_although_its_issuer_has_a_good_pair_cached() {
        let root = issue(&Spec::ca("Cache Root", 1), Key::p256("cache-root"), None);
        let good = issue(
            &Spec::leaf("good", None, 2),
            Key::p256("cache-good"),
            Some(&root),
        );
        let root_cert = root.cert();
        let cache = SignatureCache::new(16);
        assert!(cache.is_issued_by(&good.cert(), &root_cert));
        // The same certificate with its signature's last byte changed: still well-formed DER.
        let mut der = good.der.clone();
        *der.last_mut().unwrap() ^= 0x01;
        let bad = Cert::from_der(der).unwrap();
        assert!(!cache.is_issued_by(&bad, &root_cert));
        assert!(!cache.is_issued_by(&bad, &root_cert));
        assert_eq!(count(&cache), 2);
        // A root with the same name and another key did not sign the good one.
        let impostor = issue(&Spec::ca("Cache Root", 1), Key::p256("cache-other"), None).cert();
        assert!(!cache.is_issued_by(&good.cert(), &impostor));
        assert!(cache.is_issued_by(&good.cert(), &root_cert));
        assert_eq!(count(&cache), 3);
    }

    #[test]
    fn a_full_cache_starts_over_and_still_answers() {
        let root = issue(&Spec::ca("Cache Root", 1), Key::p256("cache-root"), None);
        let leaves: Vec<Cert> = (0..3)
            .map(|i| {
                issue(
                    &Spec::leaf(&format!("leaf{i}"), None, 10 + i),
                    Key::p256(&format!("cache-leaf-{i}")),
                    Some(&root),
                )
                .cert()
            })
            .collect();
        let root = root.cert();
        let cache = SignatureCache::new(2);
        for leaf in &leaves {
            assert!(cache.is_issued_by(leaf, &root));
        }
        assert_eq!(count(&cache), 3);
        // The first pair was dropped when the third came: verified again, and still true.
        assert!(cache.is_issued_by(&leaves[0], &root));
        assert_eq!(count(&cache), 4);
        assert!(cache.checks.lock().unwrap().len() <= 2);
    }
}
