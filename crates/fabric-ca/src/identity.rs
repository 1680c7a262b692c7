//! Keys, certificate requests and the enrolled identity that signs tokens.

use std::net::IpAddr;
use std::str::FromStr as _;

use der::asn1::{Ia5String, OctetString, SetOfVec, Utf8StringRef};
use der::pem::LineEnding;
use der::{Any, Decode as _, Encode as _};
use fabric_ha_sensitive::Sensitive;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use ring::rand::{SecureRandom as _, SystemRandom};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder as _, RequestBuilder};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::error::CaError;
use crate::tls::pem_text;

/// `id-at-commonName`.
const COMMON_NAME: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.4.3");

/// A fresh P-256 key from the operating system's random source.
pub(crate) fn generate_key() -> Result<SigningKey, CaError> {
    let rng = SystemRandom::new();
    // A random 32-byte string is a valid scalar except with negligible probability (zero or
    // not below the group order); drawing again covers that case.
    for _ in 0..8 {
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        rng.fill(bytes.as_mut())
            .map_err(|_| CaError::invalid("the system random number generator failed"))?;
        if let Ok(key) = SigningKey::from_slice(bytes.as_ref()) {
            return Ok(key);
        }
    }
    Err(CaError::invalid("could not draw a valid P-256 key"))
}

/// The key as PKCS#8 PEM (`PRIVATE KEY`), the form the Fabric CA client writes to its keystore.
pub(crate) fn key_pem(key: &SigningKey) -> Result<Sensitive<String>, CaError> {
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| CaError::invalid(format!("cannot encode the private key: {e}")))?;
    Ok(Sensitive::new(pem.as_str().to_owned()))
}

/// A key from PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) PEM, or base64 of either (the
/// console's identity files hold base64 of the PEM).
fn parse_key(pem: &str) -> Result<SigningKey, CaError> {
    let text = zeroize::Zeroizing::new(
        pem_text(pem).ok_or_else(|| CaError::invalid("the private key is not PEM"))?,
    );
    if let Ok(key) = SigningKey::from_pkcs8_pem(&text) {
        return Ok(key);
    }
    p256::SecretKey::from_sec1_pem(&text)
        .map(SigningKey::from)
        .map_err(|_| CaError::invalid("the private key is not a P-256 key in PKCS#8 or SEC1 PEM"))
}

/// A one-element distinguished name `CN=<common_name>`, built from its parts so that any
/// character the CA accepts in an enroll id survives (no RFC 4514 escaping involved).
fn common_name(common_name: &str) -> Result<Name, CaError> {
    let bad = |e: der::Error| CaError::invalid(format!("cannot use '{common_name}' as a CN: {e}"));
    let value = Any::encode_from(&Utf8StringRef::new(common_name).map_err(bad)?).map_err(bad)?;
    let atv = AttributeTypeAndValue {
        oid: COMMON_NAME,
        value,
    };
    let rdn = RelativeDistinguishedName::from(SetOfVec::try_from(vec![atv]).map_err(bad)?);
    let der = RdnSequence::from(vec![rdn]).to_der().map_err(bad)?;
    Name::from_der(&der).map_err(bad)
}

/// A PKCS#10 request signed by `key`, subject `CN=<enroll_id>`, with `hosts` (DNS names or IP
/// addresses) as subject alternative names.
pub(crate) fn csr_pem(
    key: &SigningKey,
    enroll_id: &str,
    hosts: &[String],
) -> Result<String, CaError> {
    let mut builder = RequestBuilder::new(common_name(enroll_id)?)
        .map_err(|e| CaError::invalid(format!("cannot build the CSR: {e}")))?;
    if !hosts.is_empty() {
        let mut names = Vec::with_capacity(hosts.len());
        for host in hosts {
            let name = match IpAddr::from_str(host) {
                Ok(IpAddr::V4(ip)) => {
                    OctetString::new(ip.octets().to_vec()).map(GeneralName::IpAddress)
                }
                Ok(IpAddr::V6(ip)) => {
                    OctetString::new(ip.octets().to_vec()).map(GeneralName::IpAddress)
                }
                Err(_) => Ia5String::new(host).map(GeneralName::DnsName),
            }
            .map_err(|e| CaError::invalid(format!("cannot use host '{host}' in the CSR: {e}")))?;
            names.push(name);
        }
        builder
            .add_extension(&SubjectAltName(names))
            .map_err(|e| CaError::invalid(format!("cannot build the CSR: {e}")))?;
    }
    let request = builder
        .build::<_, DerSignature>(key)
        .map_err(|e| CaError::invalid(format!("cannot sign the CSR: {e}")))?;
    let der = request
        .to_der()
        .map_err(|e| CaError::invalid(format!("cannot encode the CSR: {e}")))?;
    der::pem::encode_string("CERTIFICATE REQUEST", LineEnding::LF, &der)
        .map_err(|e| CaError::invalid(format!("cannot encode the CSR: {e}")))
}

/// An enrolled identity: its certificate (PEM, kept byte for byte because the token covers
/// its exact text) and its private key. Used as the registrar for token-authenticated calls.
pub struct CaIdentity {
    cert_pem: String,
    key: SigningKey,
}

impl std::fmt::Debug for CaIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaIdentity").finish_non_exhaustive()
    }
}

impl CaIdentity {
    /// An identity from its certificate (PEM, or base64 of PEM as in a console identity file)
    /// and its P-256 private key (PKCS#8 or SEC1 PEM, or base64 of either).
    pub fn from_pem(cert: &str, private_key: &Sensitive<String>) -> Result<CaIdentity, CaError> {
        let cert_pem = pem_text(cert)
            .filter(|text| text.contains("-----BEGIN CERTIFICATE-----"))
            .ok_or_else(|| CaError::invalid("the identity certificate is not PEM"))?;
        let key = parse_key(private_key.expose())?;
        Ok(CaIdentity { cert_pem, key })
    }

    /// The certificate PEM text the tokens carry.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The enroll id the certificate names: its subject's common name (Fabric CA's
    /// `GetEnrollmentIDFromX509Certificate`).
    pub fn enroll_id(&self) -> Result<String, CaError> {
        use der::Decode as _;
        let unreadable = |e: der::Error| {
            CaError::invalid(format!("the identity certificate does not parse: {e}"))
        };
        let (_, document) = der::Document::from_pem(&self.cert_pem).map_err(unreadable)?;
        let cert = x509_cert::Certificate::from_der(document.as_bytes()).map_err(unreadable)?;
        cert.tbs_certificate()
            .subject()
            .common_name()
            .ok()
            .flatten()
            .map(|cn| cn.value().into_owned())
            .filter(|cn| !cn.is_empty())
            .ok_or_else(|| CaError::invalid("the identity certificate names no common name"))
    }

    /// The `Authorization` header value for one request.
    pub fn token(&self, method: &str, uri: &str, body: &[u8]) -> Result<String, CaError> {
        crate::token::token(&self.key, &self.cert_pem, method, uri, body)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use x509_cert::request::CertReq;

    use super::*;

    #[test]
    fn csr_carries_the_enroll_id_and_hosts() {
        let key = generate_key().unwrap();
        let hosts = vec!["peer1.org1.example.com".to_owned(), "10.0.0.7".to_owned()];
        let pem = csr_pem(&key, "peer1,o=x", &hosts).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        let der = der::Document::from_pem(&pem).unwrap().1;
        let req = CertReq::from_der(der.as_bytes()).unwrap();
        let cn = req.info.subject.common_name().unwrap().unwrap();
        assert_eq!(cn.value(), "peer1,o=x");
        assert_eq!(req.info.subject.len(), 1);
    }

    #[test]
    fn keys_round_trip_through_pkcs8_and_base64() {
        use base64::Engine as _;
        let key = generate_key().unwrap();
        let pem = key_pem(&key).unwrap();
        assert_eq!(parse_key(pem.expose()).unwrap(), key);
        let b64 = base64::engine::general_purpose::STANDARD.encode(pem.expose());
        assert_eq!(parse_key(&b64).unwrap(), key);
        assert!(parse_key("nonsense").is_err());
    }
}
