//! Protection of a bundle (age: scrypt passphrase or X25519 recipients) and the ed25519
//! signature over its manifest.

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::SecretString;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use fabric_ha_sensitive::{SecretBytes, Sensitive};
use serde::{Deserialize, Serialize};

use crate::error::BundleError;

const AGE_MAGIC: &[u8] = b"age-encryption.org/";

/// How a bundle is protected.
#[derive(Debug, Clone)]
pub enum Protection {
    /// age with a passphrase (scrypt recipient).
    Passphrase {
        /// The passphrase.
        passphrase: Sensitive<String>,
        /// scrypt work factor (log2 N); `None` lets age pick about one second of work.
        work_factor: Option<u8>,
    },
    /// age to X25519 recipients (`age1…` public keys).
    Recipients(Vec<String>),
    /// No encryption: needs `allow_unencrypted` to be true.
    Unencrypted {
        /// The explicit confirmation that the bundle may be written readable.
        allow_unencrypted: bool,
    },
}

impl Protection {
    pub(crate) fn check(&self) -> Result<(), BundleError> {
        let invalid = |field: &str, reason: &str| BundleError::Invalid {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        match self {
            Protection::Passphrase { passphrase, .. } if passphrase.expose().is_empty() => {
                Err(invalid("passphrase", "the passphrase is empty"))
            }
            Protection::Recipients(r) if r.is_empty() => {
                Err(invalid("recipients", "give at least one recipient"))
            }
            Protection::Recipients(r) => {
                for key in r {
                    parse_recipient(key)?;
                }
                Ok(())
            }
            Protection::Unencrypted {
                allow_unencrypted: false,
            } => Err(invalid(
                "unencrypted",
                "an unencrypted bundle shows every component to whoever holds the file; confirm it explicitly",
            )),
            _ => Ok(()),
        }
    }
}

fn parse_recipient(key: &str) -> Result<age::x25519::Recipient, BundleError> {
    age::x25519::Recipient::from_str(key.trim()).map_err(|e| BundleError::Invalid {
        field: "recipient".into(),
        reason: format!(
            "{:?} is not an age X25519 public key (age1…): {e}",
            key.trim()
        ),
    })
}

/// The key that opens a bundle.
#[derive(Debug, Clone)]
pub enum BundleKey {
    /// No key (opens an unencrypted bundle only).
    None,
    /// The passphrase.
    Passphrase(Sensitive<String>),
    /// The text of an age identity file (`AGE-SECRET-KEY-1…` lines).
    Identity(Sensitive<String>),
}

fn secret(s: &Sensitive<String>) -> SecretString {
    SecretString::from(s.expose().clone())
}

/// Receives the plaintext bundle in chunks and returns it protected as `protection` says:
/// `age`-encrypted as it arrives, or (unencrypted) joined once the last chunk is in. Every
/// plaintext chunk is zeroized when it has been used.
pub(crate) fn seal_stream(
    protection: &Protection,
    chunks: std::sync::mpsc::Receiver<SecretBytes>,
) -> Result<SecretBytes, BundleError> {
    let fail = |e: &dyn std::fmt::Display| BundleError::Invalid {
        field: "encryption".into(),
        reason: e.to_string(),
    };
    let encryptor = match protection {
        Protection::Unencrypted { .. } => {
            // Joined with the exact capacity: a growing buffer would leave plaintext copies
            // behind in freed memory.
            let parts: Vec<SecretBytes> = chunks.iter().collect();
            let mut out =
                Vec::with_capacity(parts.iter().map(|p| p.expose().as_slice().len()).sum());
            for part in &parts {
                out.extend_from_slice(part.expose().as_slice());
            }
            return Ok(SecretBytes::from(out));
        }
        Protection::Passphrase {
            passphrase,
            work_factor,
        } => {
            let mut r = age::scrypt::Recipient::new(secret(passphrase));
            if let Some(w) = work_factor {
                r.set_work_factor(*w);
            }
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(|e| fail(&e))?
        }
        Protection::Recipients(keys) => {
            let parsed = keys
                .iter()
                .map(|k| parse_recipient(k))
                .collect::<Result<Vec<_>, _>>()?;
            age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| fail(&e))?
        }
    };
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).map_err(|e| fail(&e))?;
    for chunk in chunks {
        writer
            .write_all(chunk.expose().as_slice())
            .map_err(|e| fail(&e))?;
    }
    writer.finish().map_err(|e| fail(&e))?;
    Ok(SecretBytes::from(out))
}

pub(crate) fn unprotect(
    file: &str,
    bytes: &[u8],
    key: &BundleKey,
    max_bytes: u64,
) -> Result<(SecretBytes, bool), BundleError> {
    if !bytes.starts_with(AGE_MAGIC) {
        return Ok((SecretBytes::from(bytes.to_vec()), false));
    }
    let damaged = |reason: String| BundleError::Damaged {
        file: file.to_owned(),
        reason,
    };
    let identities: Vec<Box<dyn age::Identity>> = match key {
        BundleKey::None => {
            return Err(BundleError::KeyNeeded {
                file: file.to_owned(),
            })
        }
        BundleKey::Passphrase(p) => {
            let mut id = age::scrypt::Identity::new(secret(p));
            // Accept up to 2^22 (about 4 s of work): what age picks on slow machines, and
            // no more, so a crafted header cannot make the receiver work for hours.
            id.set_max_work_factor(22);
            vec![Box::new(id)]
        }
        BundleKey::Identity(text) => {
            let parsed = age::IdentityFile::from_buffer(text.expose().as_bytes())
                .map_err(|e| BundleError::Invalid {
                    field: "identity".into(),
                    reason: format!("not an age identity file: {e}"),
                })?
                .into_identities()
                .map_err(|e| BundleError::Invalid {
                    field: "identity".into(),
                    reason: e.to_string(),
                })?;
            if parsed.is_empty() {
                return Err(BundleError::Invalid {
                    field: "identity".into(),
                    reason: "the identity file holds no key".into(),
                });
            }
            parsed
                .into_iter()
                .map(|b| b as Box<dyn age::Identity>)
                .collect()
        }
    };
    let map_err = |e: age::DecryptError| match e {
        age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::NoMatchingKeys => BundleError::WrongKey {
            file: file.to_owned(),
        },
        age::DecryptError::Io(e) => damaged(e.to_string()),
        other => damaged(other.to_string()),
    };
    let decryptor = age::Decryptor::new_buffered(bytes).map_err(map_err)?;
    if decryptor.is_scrypt() != matches!(key, BundleKey::Passphrase(_)) {
        return Err(BundleError::WrongKey {
            file: file.to_owned(),
        });
    }
    let mut stream = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref()))
        .map_err(map_err)?;
    // The plaintext is a little shorter than the file: one allocation.
    let mut out = Vec::with_capacity(bytes.len().min(usize::try_from(max_bytes).unwrap_or(0)));
    let read = (&mut stream)
        .take(max_bytes + 1)
        .read_to_end(&mut out)
        .map_err(|e| damaged(e.to_string()));
    let out = SecretBytes::from(out);
    read?;
    if out.expose().len() as u64 > max_bytes {
        return Err(BundleError::TooLarge {
            file: file.to_owned(),
            entry: "the decrypted bundle".into(),
            limit: max_bytes,
        });
    }
    Ok((out, true))
}

/// The `manifest.sig` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignatureFile {
    algorithm: String,
    public_key: String,
    signature: String,
}

/// An ed25519 signing key. Its secret half is zeroed on drop and never printed.
pub struct Signer(SigningKey);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A new random key.
    pub fn generate() -> Signer {
        use rand::RngCore as _;
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(seed.as_mut());
        Signer(SigningKey::from_bytes(&seed))
    }

    /// The key from its 32-byte secret seed.
    pub fn from_seed(seed: &SecretBytes) -> Result<Signer, BundleError> {
        let bytes: [u8; 32] =
            seed.expose()
                .as_slice()
                .try_into()
                .map_err(|_| BundleError::Invalid {
                    field: "signing key".into(),
                    reason: "an ed25519 seed is 32 bytes".into(),
                })?;
        let bytes = zeroize::Zeroizing::new(bytes);
        Ok(Signer(SigningKey::from_bytes(&bytes)))
    }

    /// The 32-byte secret seed (to store encrypted).
    pub fn seed(&self) -> SecretBytes {
        SecretBytes::from(self.0.to_bytes().to_vec())
    }

    /// The public key, base64.
    pub fn public_key(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.verifying_key().as_bytes())
    }

    pub(crate) fn sign(&self, manifest: &[u8]) -> SignatureFile {
        SignatureFile {
            algorithm: "ed25519".into(),
            public_key: self.public_key(),
            signature: base64::engine::general_purpose::STANDARD
                .encode(self.0.sign(manifest).to_bytes()),
        }
    }
}

/// Checks the signature of a manifest: `Ok(None)` when unsigned, `Ok(Some(public key))` when it
/// holds.
pub(crate) fn check_signature(
    file: &str,
    manifest: &[u8],
    declared: Option<&str>,
    sig: Option<&[u8]>,
) -> Result<Option<String>, BundleError> {
    let bad = |reason: &str| BundleError::Signature {
        file: file.to_owned(),
        reason: reason.to_owned(),
    };
    let (declared, sig) = match (declared, sig) {
        (None, None) => return Ok(None),
        (Some(_), None) => return Err(bad("missing, but the manifest names a signer")),
        (None, Some(_)) => return Err(bad("present, but the manifest names no signer")),
        (Some(d), Some(s)) => (d, s),
    };
    let sig: SignatureFile =
        serde_json::from_slice(sig).map_err(|e| bad(&format!("unreadable: {e}")))?;
    if sig.algorithm != "ed25519" {
        return Err(bad(&format!("unknown algorithm {:?}", sig.algorithm)));
    }
    if sig.public_key != declared {
        return Err(bad("signed by another key than the manifest names"));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let key: [u8; 32] = b64
        .decode(&sig.public_key)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| bad("the public key is not 32 bytes of base64"))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("the public key is invalid"))?;
    let signature: [u8; 64] = b64
        .decode(&sig.signature)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| bad("the signature is not 64 bytes of base64"))?;
    key.verify(manifest, &Signature::from_bytes(&signature))
        .map_err(|_| bad("does not match the manifest (the manifest was changed, or the signature is forged)"))?;
    Ok(Some(sig.public_key))
}
