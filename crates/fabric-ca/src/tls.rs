//! TLS to a CA: pinned, never unverified.
//!
//! A CA's HTTPS certificate is often issued by the CA itself, or self-signed, for a host name
//! that differs from the address a remote region uses, so public roots are of no help. The
//! pin is what the operator already has: the CA artifact's `msp.component.tls_cert` (the CA's
//! own TLS certificate) or a chain from `cainfo` of the TLS CA. The server's certificate is
//! accepted when it is byte-for-byte one of the pinned certificates (the handshake still
//! proves the server holds its key), or when it chains to a pinned certificate with the usual
//! name and validity checks.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::error::CaError;

/// The certificates a CA's TLS endpoint is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsPin {
    certs: Vec<CertificateDer<'static>>,
}

/// PEM text from a PEM or base64-of-PEM value, the two forms console files and users use.
pub(crate) fn pem_text(value: &str) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.contains("-----BEGIN") {
        return Some(trimmed.to_owned());
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let text = String::from_utf8(STANDARD.decode(compact).ok()?).ok()?;
    text.contains("-----BEGIN").then_some(text)
}

impl TlsPin {
    /// Pins every `CERTIFICATE` block in `value` (PEM text, or base64 of PEM text as in a CA
    /// artifact's `msp.component.tls_cert` or `cainfo`'s `CAChain`).
    pub fn from_pem(value: &str) -> Result<TlsPin, CaError> {
        TlsPin::from_pems([value])
    }

    /// Pins every certificate in all of `values` (each PEM or base64 of PEM).
    pub fn from_pems<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<TlsPin, CaError> {
        let mut certs = Vec::new();
        for value in values {
            let text = pem_text(value).ok_or_else(|| {
                CaError::invalid("the CA TLS certificate is neither PEM nor base64 of PEM")
            })?;
            for cert in CertificateDer::pem_slice_iter(text.as_bytes()) {
                certs.push(cert.map_err(|e| {
                    CaError::invalid(format!("the CA TLS certificate is not valid PEM: {e}"))
                })?);
            }
        }
        if certs.is_empty() {
            return Err(CaError::invalid(
                "no CERTIFICATE block to pin the CA's TLS connection to",
            ));
        }
        Ok(TlsPin { certs })
    }

    /// The pinned certificates, DER.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }
}

#[derive(Debug)]
struct PinnedVerifier {
    pinned: Vec<CertificateDer<'static>>,
    /// Path validation to the pinned certificates as trust anchors; `None` when none of them
    /// can serve as an anchor (then only an exact match is accepted).
    chained: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self
            .pinned
            .iter()
            .any(|pin| pin.as_ref() == end_entity.as_ref())
        {
            return Ok(ServerCertVerified::assertion());
        }
        match &self.chained {
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
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
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
        verify_tls13_signature(
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

/// A server certificate verifier that accepts a certificate byte-for-byte equal to one of
/// `pinned` (the handshake still proves the server holds its key; neither its name nor its
/// `CA` flag is asked about: the user named that very certificate), and otherwise one that
/// chains to `roots` with the usual name and validity checks (`roots` empty: exact matches
/// only). Also what the console client uses for a console's own self-signed certificate.
pub fn pinned_verifier(
    pinned: Vec<CertificateDer<'static>>,
    roots: RootCertStore,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, rustls::Error> {
    let chained = if roots.is_empty() {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?,
        )
    };
    Ok(Arc::new(PinnedVerifier {
        pinned,
        chained,
        provider,
    }))
}

/// The rustls configuration for a pinned CA. The `ring` provider is named explicitly so the
/// client never depends on a process-wide default provider.
pub(crate) fn client_config(pin: &TlsPin) -> Result<ClientConfig, CaError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    for cert in &pin.certs {
        // A certificate that cannot be a trust anchor can still be matched exactly.
        let _ = roots.add(cert.clone());
    }
    let verifier = pinned_verifier(pin.certs.clone(), roots, Arc::clone(&provider))
        .map_err(|e| CaError::invalid(format!("TLS set-up failed: {e}")))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CaError::invalid(format!("TLS set-up failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}

/// A sentence for a certificate the client refused.
pub(crate) fn describe_certificate_error(e: &CertificateError) -> String {
    match e {
        CertificateError::UnknownIssuer => {
            "it is neither the pinned certificate nor issued by it".to_owned()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "it is not valid for this host name".to_owned()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "it has expired".to_owned()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "it is not valid yet".to_owned()
        }
        CertificateError::BadSignature => "its signature does not verify".to_owned(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn pins_pem_and_base64_of_pem_and_refuses_anything_else() {
        let pem = "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n";
        let from_pem = TlsPin::from_pem(pem).unwrap();
        assert_eq!(from_pem.certificates()[0].as_ref(), &[1, 2, 3]);
        assert_eq!(TlsPin::from_pem(&STANDARD.encode(pem)).unwrap(), from_pem);
        assert!(TlsPin::from_pem("not a certificate").is_err());
        assert!(TlsPin::from_pem("").is_err());
        assert!(
            TlsPin::from_pem("-----BEGIN PRIVATE KEY-----\nAQID\n-----END PRIVATE KEY-----\n")
                .is_err()
        );
    }
}
