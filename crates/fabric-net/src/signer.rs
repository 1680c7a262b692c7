//! The identity that signs proposals: a wallet identity's certificate and P-256 key.

use fabric_gateway::pb::msp::SerializedIdentity;
use fabric_ha_sensitive::Sensitive;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;
use prost::Message as _;

use crate::error::{NetError, NetErrorCode};

/// An identity that signs: MSP id, PEM certificate and its key. The key never leaves this type:
/// `Debug` shows only the MSP id, and it is zeroed on drop.
pub struct Signer {
    msp_id: String,
    cert_pem: String,
    key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("msp_id", &self.msp_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

fn invalid(message: impl Into<String>) -> NetError {
    NetError::new(NetErrorCode::InvalidInput, "signing identity", message)
}

impl Signer {
    /// From the MSP id, the certificate (PEM) and the private key (PKCS#8 `PRIVATE KEY` or SEC1
    /// `EC PRIVATE KEY` PEM).
    pub fn new(
        msp_id: &str,
        cert_pem: &str,
        key_pem: &Sensitive<String>,
    ) -> Result<Signer, NetError> {
        if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(invalid("the certificate is not PEM"));
        }
        let text = key_pem.expose().trim();
        let key = SigningKey::from_pkcs8_pem(text)
            .or_else(|_| p256::SecretKey::from_sec1_pem(text).map(SigningKey::from))
            .map_err(|_| invalid("the private key is not a P-256 key in PKCS#8 or SEC1 PEM"))?;
        Ok(Signer {
            msp_id: msp_id.to_owned(),
            cert_pem: cert_pem.to_owned(),
            key,
        })
    }

    /// The MSP id.
    pub fn msp_id(&self) -> &str {
        &self.msp_id
    }

    /// The certificate (PEM).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// `msp.SerializedIdentity{mspid, id_bytes = PEM}`, encoded: a proposal's creator.
    pub(crate) fn creator(&self) -> Vec<u8> {
        SerializedIdentity {
            mspid: self.msp_id.clone(),
            id_bytes: self.cert_pem.as_bytes().to_vec(),
        }
        .encode_to_vec()
    }

    /// ECDSA P-256 over SHA-256 of `message`, low-S, DER: what Fabric verifies.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.key.sign(message);
        signature.normalize_s().to_der().as_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::ecdsa::signature::Verifier as _;
    use p256::ecdsa::VerifyingKey;
    use p256::pkcs8::{EncodePrivateKey as _, LineEnding};

    fn key_pem() -> (SigningKey, Sensitive<String>) {
        let key = SigningKey::from_slice(&[0x42; 32]).unwrap();
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        (key, Sensitive::new(pem.as_str().to_owned()))
    }

    #[test]
    fn signatures_are_low_s_der_and_verify() {
        let (key, pem) = key_pem();
        let signer = Signer::new("org1msp", "-----BEGIN CERTIFICATE-----\nx\n", &pem).unwrap();
        for i in 0..32u8 {
            let message = [i; 40];
            let der = signer.sign(&message);
            let signature = Signature::from_der(&der).unwrap();
            assert_eq!(signature.normalize_s(), signature, "high S for message {i}");
            VerifyingKey::from(&key)
                .verify(&message, &signature)
                .unwrap();
        }
    }

    #[test]
    fn the_key_never_shows_and_bad_input_is_named() {
        let (_, pem) = key_pem();
        let signer = Signer::new("org1msp", "-----BEGIN CERTIFICATE-----\nx\n", &pem).unwrap();
        let shown = format!("{signer:?}");
        assert!(shown.contains("org1msp") && shown.contains("<redacted>"));
        assert!(!shown.contains("PRIVATE"));
        let err = Signer::new("org1msp", "nope", &pem).unwrap_err();
        assert_eq!(err.code, NetErrorCode::InvalidInput);
        let err = Signer::new(
            "org1msp",
            "-----BEGIN CERTIFICATE-----",
            &Sensitive::new("bad".to_owned()),
        )
        .unwrap_err();
        assert!(err.message.contains("P-256"));
    }
}
