//! The Fabric CA authorization token (reference §5.4; Fabric CA `util/util.go`
//! `GenECDSAToken` / `VerifyToken`).
//!
//! ```text
//! payload = METHOD "." b64(uri) "." b64(body) "." b64(cert PEM)
//! token   = b64(cert PEM) "." b64(DER ECDSA-SHA256 signature of payload, low-S)
//! ```
//!
//! `uri` is the request URI as the server sees it (path plus `?query`, no scheme or host), the
//! body is the exact bytes sent (empty for a GET), and base64 is the standard alphabet with
//! padding. The CA verifies with Fabric's BCCSP, which refuses a signature whose S is above
//! half the curve order, so the signature is normalised to low S here.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::error::CaError;

/// The bytes that are hashed and signed for a request.
pub fn payload(method: &str, uri: &str, body: &[u8], cert_pem: &str) -> String {
    format!(
        "{}.{}.{}.{}",
        method.to_ascii_uppercase(),
        STANDARD.encode(uri.as_bytes()),
        STANDARD.encode(body),
        STANDARD.encode(cert_pem.as_bytes())
    )
}

/// Signs SHA-256 of `message` and returns the signature with S in the lower half of the curve
/// order. The `p256` signer does not normalise S itself (only curves flagged for it are), so
/// about half of its signatures would be refused by a Fabric CA without this step.
pub fn sign_low_s(key: &SigningKey, message: &[u8]) -> Result<Signature, CaError> {
    let digest = Sha256::digest(message);
    let signature: Signature = key
        .sign_prehash(&digest)
        .map_err(|e| CaError::invalid(format!("cannot sign the CA token: {e}")))?;
    Ok(signature.normalize_s())
}

/// True when S is in the upper half of the curve order (what Fabric refuses).
pub fn is_high_s(signature: &Signature) -> bool {
    signature.normalize_s() != *signature
}

/// The value of the `Authorization` header for a request signed by `cert_pem` and `key`.
pub fn token(
    key: &SigningKey,
    cert_pem: &str,
    method: &str,
    uri: &str,
    body: &[u8],
) -> Result<String, CaError> {
    let signature = sign_low_s(key, payload(method, uri, body, cert_pem).as_bytes())?;
    Ok(format!(
        "{}.{}",
        STANDARD.encode(cert_pem.as_bytes()),
        STANDARD.encode(signature.to_der().as_bytes())
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::ecdsa::VerifyingKey;

    use super::*;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    fn fixed_key() -> SigningKey {
        // A fixed scalar so the vectors below are reproducible.
        SigningKey::from_slice(&[0x11; 32]).unwrap()
    }

    #[test]
    fn payload_is_method_and_base64_of_uri_body_and_cert() {
        let body = br#"{"id":"peer1","type":"peer"}"#;
        let p = payload("post", "/api/v1/identities?ca=ca", body, CERT);
        assert_eq!(
            p,
            "POST.L2FwaS92MS9pZGVudGl0aWVzP2NhPWNh.\
             eyJpZCI6InBlZXIxIiwidHlwZSI6InBlZXIifQ==.\
             LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="
        );
        // A GET has an empty body: the third part is empty, the dots stay.
        assert_eq!(
            payload("GET", "/api/v1/identities", b"", "x"),
            "GET.L2FwaS92MS9pZGVudGl0aWVz..eA=="
        );
    }

    #[test]
    fn token_has_two_parts_and_verifies_over_the_exact_payload() {
        let key = fixed_key();
        let body = br#"{"id":"a"}"#;
        let uri = "/api/v1/register?ca=ca";
        let t = token(&key, CERT, "POST", uri, body).unwrap();
        let (cert_part, sig_part) = t.split_once('.').unwrap();
        assert!(!sig_part.contains('.'));
        assert_eq!(STANDARD.decode(cert_part).unwrap(), CERT.as_bytes());
        let sig = Signature::from_der(&STANDARD.decode(sig_part).unwrap()).unwrap();
        assert!(!is_high_s(&sig));
        let vk = VerifyingKey::from(&key);
        let digest = Sha256::digest(payload("POST", uri, body, CERT).as_bytes());
        vk.verify_prehash(&digest, &sig).unwrap();
        // The same signature does not cover another URI or body.
        let other_uri = Sha256::digest(payload("POST", "/api/v1/register", body, CERT).as_bytes());
        assert!(vk.verify_prehash(&other_uri, &sig).is_err());
        let other_body = Sha256::digest(payload("POST", uri, b"{}", CERT).as_bytes());
        assert!(vk.verify_prehash(&other_body, &sig).is_err());
    }

    #[test]
    fn a_high_s_signature_is_normalised_and_never_produced() {
        let key = fixed_key();
        let vk = VerifyingKey::from(&key);
        let mut saw_high_before_normalising = false;
        for i in 0..256u32 {
            let message = format!("message {i}");
            let digest = Sha256::digest(message.as_bytes());
            let raw: Signature = key.sign_prehash(&digest).unwrap();
            if is_high_s(&raw) {
                saw_high_before_normalising = true;
                let normalised = raw.normalize_s();
                assert!(!is_high_s(&normalised));
                assert_eq!(normalised.r(), raw.r());
                assert_eq!(-*normalised.s(), *raw.s());
                // Both verify mathematically; only the low one is acceptable to Fabric.
                vk.verify_prehash(&digest, &raw).unwrap();
                vk.verify_prehash(&digest, &normalised).unwrap();
            }
            let produced = sign_low_s(&key, message.as_bytes()).unwrap();
            assert!(!is_high_s(&produced), "high S produced for message {i}");
            vk.verify_prehash(&digest, &produced).unwrap();
        }
        // The raw signer gives high S about half the time, so the property above was exercised.
        assert!(saw_high_before_normalising);
    }
}
