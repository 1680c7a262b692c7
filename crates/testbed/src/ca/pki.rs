//! Certificates for the test CA: self-signed P-256 roots, enrollment certificates carrying
//! Fabric's Node OU and attribute extension, the HTTPS certificate, and the checks a Fabric CA
//! makes on the certificate inside a token.

use std::collections::BTreeMap;
use std::io;
use std::net::IpAddr;
use std::str::FromStr as _;
use std::time::{Duration, SystemTime};

use der::asn1::{Ia5String, OctetString, SetOfVec, Utf8StringRef};
use der::pem::LineEnding;
use der::{Any, Decode as _, Encode as _};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::pkcs8::EncodePrivateKey as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate};

use der::oid::ObjectIdentifier as Oid;

const CN: Oid = Oid::new_unwrap("2.5.4.3");
const OU: Oid = Oid::new_unwrap("2.5.4.11");
const O: Oid = Oid::new_unwrap("2.5.4.10");
const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
const SERVER_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.1");
const CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");
/// Fabric CA's attribute extension (`lib/attrmgr` `AttrOID`): non-critical, its value the JSON
/// `{"attrs":{name:value,...}}` itself (not wrapped in another ASN.1 type).
pub(crate) const FABRIC_ATTRS: Oid = Oid::new_unwrap("1.2.3.4.5.6.7.8.1");

pub(crate) fn pki_error(err: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("test CA PKI: {err}"))
}

/// A fresh P-256 key.
pub(crate) fn generate_key() -> SigningKey {
    let mut rng = rand::thread_rng();
    loop {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        // Fails only for zero or a value not below the group order; draw again then.
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
    }
}

/// PKCS#8 PEM of a key.
pub(crate) fn key_pem(key: &SigningKey) -> io::Result<String> {
    Ok(key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(pki_error)?
        .as_str()
        .to_owned())
}

/// A name from (attribute, value) pairs, one attribute per RDN, UTF8String values. Built from
/// parts because enroll ids and affiliations may hold characters RFC 4514 text would escape.
pub(crate) fn name(parts: &[(Oid, &str)]) -> io::Result<Name> {
    let mut rdns = Vec::with_capacity(parts.len());
    for (oid, value) in parts {
        let value =
            Any::encode_from(&Utf8StringRef::new(value).map_err(pki_error)?).map_err(pki_error)?;
        let atv = AttributeTypeAndValue { oid: *oid, value };
        rdns.push(RelativeDistinguishedName::from(
            SetOfVec::try_from(vec![atv]).map_err(pki_error)?,
        ));
    }
    let der = RdnSequence::from(rdns).to_der().map_err(pki_error)?;
    Name::from_der(&der).map_err(pki_error)
}

fn extension(oid: Oid, critical: bool, value: &impl der::Encode) -> io::Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(pki_error)?).map_err(pki_error)?,
    })
}

fn key_id(spki: &SubjectPublicKeyInfo<Any, der::asn1::BitString>) -> Vec<u8> {
    // Any stable digest of the key serves as an identifier; 20 bytes like SHA-1 ids.
    Sha256::digest(spki.subject_public_key.raw_bytes())[..20].to_vec()
}

fn random_serial() -> io::Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    // Positive and without a leading zero byte, as DER wants.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::new(&bytes).map_err(pki_error)
}

/// Issuer, subject and extensions decided up front; the builder only assembles them.
struct Fixed {
    issuer: Name,
    subject: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for Fixed {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

fn time(t: SystemTime) -> io::Result<Time> {
    Time::try_from(t).map_err(pki_error)
}

/// A CA: its key, its self-signed root and what it needs to issue and check certificates.
pub(crate) struct Authority {
    key: SigningKey,
    pub(crate) cert: Certificate,
    pub(crate) pem: String,
    ski: Vec<u8>,
}

/// What goes into an enrollment certificate.
pub(crate) struct LeafSpec<'a> {
    pub(crate) enroll_id: &'a str,
    /// Node OU type first, then the affiliation's parts.
    pub(crate) ous: Vec<&'a str>,
    pub(crate) sans: &'a [String],
    /// The Fabric attribute extension's `attrs`; no extension when `None`.
    pub(crate) attrs: Option<BTreeMap<String, String>>,
    /// Fabric CA's `tls` signing profile: key encipherment and key agreement besides digital
    /// signature, and server and client auth extended key usages.
    pub(crate) tls: bool,
    pub(crate) not_before: SystemTime,
    pub(crate) not_after: SystemTime,
}

fn pem(cert: &Certificate) -> io::Result<String> {
    let der = cert.to_der().map_err(pki_error)?;
    der::pem::encode_string("CERTIFICATE", LineEnding::LF, &der).map_err(pki_error)
}

impl Authority {
    /// A root for `ca_name`, valid from an hour ago for ten years.
    pub(crate) fn new(ca_name: &str, org: &str) -> io::Result<Authority> {
        let key = generate_key();
        let spki = SubjectPublicKeyInfo::from_key(key.verifying_key()).map_err(pki_error)?;
        let ski = key_id(&spki);
        let subject = name(&[(O, org), (CN, ca_name)])?;
        let extensions = vec![
            extension(
                KEY_USAGE,
                true,
                &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            )?,
            extension(
                BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(1),
                },
            )?,
            extension(
                SUBJECT_KEY_ID,
                false,
                &OctetString::new(ski.clone()).map_err(pki_error)?,
            )?,
        ];
        let now = SystemTime::now();
        let validity = Validity::new(
            time(now - Duration::from_secs(3600))?,
            time(now + Duration::from_secs(10 * 365 * 86_400))?,
        );
        let profile = Fixed {
            issuer: subject.clone(),
            subject,
            extensions,
        };
        let builder = CertificateBuilder::new(profile, random_serial()?, validity, spki)
            .map_err(pki_error)?;
        let cert = builder.build::<_, DerSignature>(&key).map_err(pki_error)?;
        let pem = pem(&cert)?;
        Ok(Authority {
            key,
            cert,
            pem,
            ski,
        })
    }

    /// Signs a certificate for `public_key` (SubjectPublicKeyInfo DER).
    pub(crate) fn issue(
        &self,
        spki: SubjectPublicKeyInfo<Any, der::asn1::BitString>,
        spec: &LeafSpec<'_>,
    ) -> io::Result<Certificate> {
        let mut parts: Vec<(Oid, &str)> = spec.ous.iter().map(|ou| (OU, *ou)).collect();
        parts.push((CN, spec.enroll_id));
        let subject = name(&parts)?;
        let key_usage = if spec.tls {
            KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment | KeyUsages::KeyAgreement
        } else {
            KeyUsages::DigitalSignature.into()
        };
        let mut extensions = vec![
            extension(KEY_USAGE, true, &KeyUsage(key_usage))?,
            extension(
                BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
            )?,
            extension(
                SUBJECT_KEY_ID,
                false,
                &OctetString::new(key_id(&spki)).map_err(pki_error)?,
            )?,
            extension(
                AUTHORITY_KEY_ID,
                false,
                &AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(self.ski.clone()).map_err(pki_error)?),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                },
            )?,
        ];
        if spec.tls {
            extensions.push(extension(
                EXT_KEY_USAGE,
                false,
                &ExtendedKeyUsage(vec![SERVER_AUTH, CLIENT_AUTH]),
            )?);
        }
        if !spec.sans.is_empty() {
            let mut names = Vec::with_capacity(spec.sans.len());
            for san in spec.sans {
                names.push(match IpAddr::from_str(san) {
                    Ok(IpAddr::V4(ip)) => GeneralName::IpAddress(
                        OctetString::new(ip.octets().to_vec()).map_err(pki_error)?,
                    ),
                    Ok(IpAddr::V6(ip)) => GeneralName::IpAddress(
                        OctetString::new(ip.octets().to_vec()).map_err(pki_error)?,
                    ),
                    Err(_) => GeneralName::DnsName(Ia5String::new(san).map_err(pki_error)?),
                });
            }
            extensions.push(extension(SUBJECT_ALT_NAME, false, &SubjectAltName(names))?);
        }
        if let Some(attrs) = &spec.attrs {
            let json = serde_json::json!({ "attrs": attrs }).to_string();
            extensions.push(Extension {
                extn_id: FABRIC_ATTRS,
                critical: false,
                extn_value: OctetString::new(json.into_bytes()).map_err(pki_error)?,
            });
        }
        let validity = Validity::new(time(spec.not_before)?, time(spec.not_after)?);
        let profile = Fixed {
            issuer: self.cert.tbs_certificate().subject().clone(),
            subject,
            extensions,
        };
        let builder = CertificateBuilder::new(profile, random_serial()?, validity, spki)
            .map_err(pki_error)?;
        builder
            .build::<_, DerSignature>(&self.key)
            .map_err(pki_error)
    }

    /// The end of this root's validity; issued certificates never outlive it.
    pub(crate) fn not_after(&self) -> SystemTime {
        self.cert
            .tbs_certificate()
            .validity()
            .not_after
            .to_system_time()
    }

    /// Checks that `cert` was signed by this CA and is valid now (Fabric CA's
    /// `CA.VerifyCertificate`); the error is the reason in the CA's words.
    pub(crate) fn verify_issued(&self, cert: &Certificate) -> Result<(), String> {
        let tbs = cert.tbs_certificate();
        if tbs.issuer() != self.cert.tbs_certificate().subject() {
            return Err(
                "Failed to verify certificate: x509: certificate signed by unknown authority"
                    .to_owned(),
            );
        }
        let root_key = verifying_key(self.cert.tbs_certificate().subject_public_key_info())
            .ok_or("Failed to verify certificate: the CA key is not P-256")?;
        let signature = cert
            .signature()
            .as_bytes()
            .and_then(|bytes| Signature::from_der(bytes).ok())
            .ok_or("Failed to verify certificate: malformed signature")?;
        let tbs_der = tbs.to_der().map_err(|e| e.to_string())?;
        root_key.verify(&tbs_der, &signature).map_err(|_| {
            "Failed to verify certificate: x509: certificate signed by unknown authority \
             (possibly because of \"crypto/ecdsa: verification error\")"
                .to_owned()
        })?;
        let now = SystemTime::now();
        let validity = tbs.validity();
        if now > validity.not_after.to_system_time() || now < validity.not_before.to_system_time() {
            return Err(
                "Failed to verify certificate: x509: certificate has expired or is not yet valid"
                    .to_owned(),
            );
        }
        Ok(())
    }
}

/// The P-256 key of a SubjectPublicKeyInfo; `None` for any other key.
pub(crate) fn verifying_key(
    spki: &SubjectPublicKeyInfo<Any, der::asn1::BitString>,
) -> Option<VerifyingKey> {
    VerifyingKey::from_sec1_bytes(spki.subject_public_key.as_bytes()?).ok()
}

/// PEM text of a certificate.
pub(crate) fn cert_pem(cert: &Certificate) -> io::Result<String> {
    pem(cert)
}

/// Lower-case hex of a serial number without leading zeros, as Fabric CA keys its records.
pub(crate) fn serial_hex(cert: &Certificate) -> String {
    let hex: String = cert
        .tbs_certificate()
        .serial_number()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex.trim_start_matches('0').to_owned()
}
