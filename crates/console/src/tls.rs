//! TLS for console calls: always verified, against the public web roots plus the console's
//! own certificate when the user gave one. That certificate is either the CA that issued the
//! console's certificate (a trust anchor, with the usual name checks) or the console's own
//! self-signed certificate, pinned: a server certificate byte-for-byte equal to it is accepted
//! whatever its name and `CA` flag (`openssl req -x509` marks its certificates `CA:TRUE`, which
//! path validation refuses for a server, and a console is often reached at an address its
//! certificate does not name).

use std::sync::Arc;

use base64::Engine as _;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::error::ConsoleError;

fn invalid(message: impl Into<String>) -> ConsoleError {
    ConsoleError::InvalidInput {
        message: message.into(),
    }
}

/// The extra CA as PEM text. Console files keep certificates as base64 of the PEM text, and
/// users paste either form, so both are accepted.
fn pem_text(extra_ca: &str) -> Result<String, ConsoleError> {
    let trimmed = extra_ca.trim();
    if trimmed.contains("-----BEGIN") {
        return Ok(trimmed.to_owned());
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| invalid("the console CA certificate is neither PEM nor base64 of PEM"))?;
    let text = String::from_utf8(decoded)
        .map_err(|_| invalid("the console CA certificate is neither PEM nor base64 of PEM"))?;
    if text.contains("-----BEGIN") {
        Ok(text)
    } else {
        Err(invalid(
            "the console CA certificate is neither PEM nor base64 of PEM",
        ))
    }
}

/// Builds the rustls configuration. The `ring` provider is named explicitly so that the
/// client never depends on a process-wide default provider (which panics when two are
/// compiled in).
pub(crate) fn client_config(extra_ca_pem: Option<&str>) -> Result<ClientConfig, ConsoleError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut pinned = Vec::new();
    if let Some(extra) = extra_ca_pem.filter(|s| !s.trim().is_empty()) {
        let text = pem_text(extra)?;
        for cert in CertificateDer::pem_slice_iter(text.as_bytes()) {
            let cert = cert.map_err(|e| {
                invalid(format!("the console CA certificate is not valid PEM: {e}"))
            })?;
            // A certificate that cannot be a trust anchor can still be matched exactly.
            let _ = roots.add(cert.clone());
            pinned.push(cert);
        }
        if pinned.is_empty() {
            return Err(invalid("the console CA text holds no CERTIFICATE block"));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = fabric_ha_fabric_ca::pinned_verifier(pinned, roots, Arc::clone(&provider))
        .map_err(|e| invalid(format!("TLS set-up failed: {e}")))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS set-up failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}

/// A sentence for a certificate the client refused.
pub(crate) fn describe_certificate_error(e: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match e {
        C::UnknownIssuer => {
            "it is not issued by an authority this computer trusts (unknown issuer)".to_owned()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "it is not valid for this host name".to_owned()
        }
        C::Expired | C::ExpiredContext { .. } => "it has expired".to_owned(),
        C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".to_owned(),
        C::Revoked => "it has been revoked".to_owned(),
        C::BadSignature => "its signature does not verify".to_owned(),
        C::Other(other) if other.to_string().contains("CaUsedAsEndEntity") => {
            "it is a self-signed certificate marked as a CA (CA:TRUE), which is never trusted as a server's own: give this very certificate as the console's certificate to pin it".to_owned()
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn accepts_pem_and_b64pem_and_nothing_else() {
        let pki = fabric_ha_artifacts::testdata::Pki::new();
        assert!(client_config(Some(&pki.ca_root.pem())).is_ok());
        assert!(client_config(Some(&pki.ca_root.b64())).is_ok());
        assert!(client_config(None).is_ok());
        assert!(client_config(Some("  ")).is_ok());
        assert_eq!(
            client_config(Some("not a certificate")).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(
            client_config(Some(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            ))
            .unwrap_err()
            .code(),
            "invalid_input"
        );
    }
}
