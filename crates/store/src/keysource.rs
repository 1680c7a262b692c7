//! Where a workspace's master key comes from: the OS keyring, or a
//! passphrase stretched with Argon2id.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use fabric_ha_sensitive::Sensitive;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::SecretError;

/// Length of the master key in bytes.
pub const KEY_LEN: usize = 32;

/// Length of the random Argon2 salt in bytes.
pub const SALT_LEN: usize = 16;

/// Keyring service name under which master keys are stored.
pub const KEYRING_SERVICE: &str = "fabric-ha-desktop";

/// The keyring account name holding the master key of a workspace:
/// `master-key:<workspace_id>`.
pub fn keyring_account(workspace_id: &str) -> String {
    format!("master-key:{workspace_id}")
}

/// The 32-byte master key of a workspace.
pub(crate) type MasterKey = Sensitive<[u8; KEY_LEN]>;

/// How to obtain the master key when unlocking a [`Vault`](crate::Vault).
#[derive(Debug, Clone)]
pub enum KeySource {
    /// The OS keyring (Secret Service on Linux, Keychain on macOS,
    /// Credential Manager on Windows).
    Keyring,
    /// A passphrase, for headless hosts without a keyring.
    Passphrase(Sensitive<String>),
}

impl KeySource {
    /// The kind of this source, without the passphrase.
    pub fn kind(&self) -> KeySourceKind {
        match self {
            KeySource::Keyring => KeySourceKind::Keyring,
            KeySource::Passphrase(_) => KeySourceKind::Passphrase,
        }
    }
}

/// The kind of key source a workspace uses; serialized as `"keyring"` or
/// `"passphrase"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySourceKind {
    /// The OS keyring.
    Keyring,
    /// An Argon2id-stretched passphrase.
    Passphrase,
}

impl KeySourceKind {
    /// The value stored in the `meta` table: `keyring` or `passphrase`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeySourceKind::Keyring => "keyring",
            KeySourceKind::Passphrase => "passphrase",
        }
    }

    /// Parses the value stored in the `meta` table.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "keyring" => Some(KeySourceKind::Keyring),
            "passphrase" => Some(KeySourceKind::Passphrase),
            _ => None,
        }
    }
}

impl fmt::Display for KeySourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Argon2id cost parameters for passphrase-derived keys.
///
/// They are only used when a workspace is first initialised with a
/// passphrase; they are then recorded (with the salt) in the workspace and
/// the recorded values are used on every later unlock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory cost in KiB.
    pub m_cost_kib: u32,
    /// Number of passes.
    pub t_cost: u32,
    /// Degree of parallelism.
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// Argon2id with 64 MiB of memory, 3 passes, 1 lane.
    fn default() -> Self {
        KdfParams {
            m_cost_kib: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
        }
    }
}

impl KdfParams {
    /// Minimal Argon2 parameters (8 KiB, 1 pass).
    ///
    /// **Test-only**: offers no protection against brute force. Never use
    /// it for a real workspace.
    pub fn insecure_fast() -> Self {
        KdfParams {
            m_cost_kib: 8,
            t_cost: 1,
            p_cost: 1,
        }
    }
}

/// The KDF record stored in `meta` under [`META_KDF`].
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredKdf {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Argon2 version (0x13 = 19).
    pub version: u32,
    /// Cost parameters.
    #[serde(flatten)]
    pub params: KdfParams,
    /// Base64 salt.
    pub salt: String,
}

/// `meta` key of the KDF record (passphrase workspaces only).
pub(crate) const META_KDF: &str = "kdf";

impl StoredKdf {
    /// A new record with a fresh random salt.
    pub(crate) fn new(params: KdfParams) -> Self {
        let mut salt = [0u8; SALT_LEN];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
        StoredKdf {
            algorithm: "argon2id".to_owned(),
            version: 0x13,
            params,
            salt: B64.encode(salt),
        }
    }

    /// Derives the master key from `passphrase`.
    pub(crate) fn derive(&self, passphrase: &Sensitive<String>) -> Result<MasterKey, SecretError> {
        if self.algorithm != "argon2id" || self.version != 0x13 {
            return Err(SecretError::Kdf(format!(
                "unsupported KDF `{}` version {}",
                self.algorithm, self.version
            )));
        }
        let salt = B64
            .decode(&self.salt)
            .map_err(|e| SecretError::Kdf(format!("invalid salt: {e}")))?;
        let params = Params::new(
            self.params.m_cost_kib,
            self.params.t_cost,
            self.params.p_cost,
            Some(KEY_LEN),
        )
        .map_err(|e| SecretError::Kdf(format!("invalid Argon2 parameters: {e}")))?;
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.expose().as_bytes(), &salt, out.as_mut_slice())
            .map_err(|e| SecretError::Kdf(e.to_string()))?;
        Ok(Sensitive::new(*out))
    }
}

/// A fresh random master key from the OS RNG.
pub(crate) fn random_key() -> MasterKey {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, key.as_mut_slice());
    Sensitive::new(*key)
}

/// Encodes a key for storage in the keyring (base64).
pub(crate) fn encode_key(key: &MasterKey) -> Sensitive<String> {
    Sensitive::new(B64.encode(key.expose()))
}

/// Decodes a key read from the keyring.
pub(crate) fn decode_key(
    account: &str,
    value: &Sensitive<String>,
) -> Result<MasterKey, SecretError> {
    let invalid = |reason: String| SecretError::KeyringEntryInvalid {
        account: account.to_owned(),
        reason,
    };
    let bytes = Zeroizing::new(
        B64.decode(value.expose().trim())
            .map_err(|_| invalid("not base64".to_owned()))?,
    );
    if bytes.len() != KEY_LEN {
        return Err(invalid(format!(
            "expected {KEY_LEN} bytes, found {}",
            bytes.len()
        )));
    }
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&bytes);
    Ok(Sensitive::new(*key))
}

/// Access to the OS keyring, behind a trait so the vault logic can be
/// unit-tested without a real keyring.
pub(crate) trait KeyringBackend {
    /// Reads the entry of `account`, `None` if it does not exist.
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretError>;
    /// Creates or replaces the entry of `account`.
    fn set(&self, account: &str, value: &Sensitive<String>) -> Result<(), SecretError>;
}

/// The platform keyring via the `keyring` crate.
pub(crate) struct OsKeyring;

impl KeyringBackend for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretError> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account)
            .map_err(|e| map_keyring_error(account, e))?;
        match entry.get_password() {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(account, e)),
        }
    }

    fn set(&self, account: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        keyring::Entry::new(KEYRING_SERVICE, account)
            .and_then(|entry| entry.set_password(value.expose()))
            .map_err(|e| map_keyring_error(account, e))
    }
}

/// Checks that the OS keyring answers, without creating anything: reads an entry that is never
/// written. `Err` carries the reason (no D-Bus session, no Secret Service, locked store, ...).
pub fn probe_keyring() -> Result<(), String> {
    const PROBE_ACCOUNT: &str = "doctor-probe";
    OsKeyring.get(PROBE_ACCOUNT).map(drop).map_err(|e| match e {
        SecretError::KeyringUnavailable(reason) => reason,
        other => other.to_string(),
    })
}

/// Maps a `keyring` error to a [`SecretError`].
pub(crate) fn map_keyring_error(account: &str, err: keyring::Error) -> SecretError {
    match err {
        keyring::Error::BadEncoding(_) => SecretError::KeyringEntryInvalid {
            account: account.to_owned(),
            reason: "not UTF-8".to_owned(),
        },
        keyring::Error::NoStorageAccess(e) => {
            SecretError::KeyringUnavailable(format!("cannot access the credential store: {e}"))
        }
        keyring::Error::PlatformFailure(e) => {
            SecretError::KeyringUnavailable(format!("credential store failure: {e}"))
        }
        other => SecretError::KeyringUnavailable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn kind_serializes_lowercase() {
        assert_eq!(
            serde_json::to_string(&KeySourceKind::Keyring).unwrap(),
            r#""keyring""#
        );
        assert_eq!(
            serde_json::to_string(&KeySourceKind::Passphrase).unwrap(),
            r#""passphrase""#
        );
        for k in [KeySourceKind::Keyring, KeySourceKind::Passphrase] {
            assert_eq!(KeySourceKind::parse(k.as_str()), Some(k));
            assert_eq!(k.to_string(), k.as_str());
        }
        assert_eq!(KeySourceKind::parse("plaintext"), None);
    }

    #[test]
    fn key_source_debug_hides_passphrase() {
        let s = KeySource::Passphrase("correct horse".into());
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("correct horse"), "{dbg}");
        assert_eq!(s.kind(), KeySourceKind::Passphrase);
    }

    #[test]
    fn default_params_are_memory_hard() {
        let p = KdfParams::default();
        assert_eq!((p.m_cost_kib, p.t_cost, p.p_cost), (65536, 3, 1));
    }

    #[test]
    fn derive_is_deterministic_per_salt() {
        let kdf = StoredKdf::new(KdfParams::insecure_fast());
        let pass = Sensitive::from("pw");
        let a = kdf.derive(&pass).unwrap();
        let b = kdf.derive(&pass).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, kdf.derive(&Sensitive::from("pw2")).unwrap());
        let other = StoredKdf::new(KdfParams::insecure_fast());
        assert_ne!(a, other.derive(&pass).unwrap());
    }

    #[test]
    fn stored_kdf_json_round_trip() {
        let kdf = StoredKdf::new(KdfParams::default());
        let json = serde_json::to_string(&kdf).unwrap();
        assert!(json.contains(r#""m_cost_kib":65536"#), "{json}");
        let back: StoredKdf = serde_json::from_str(&json).unwrap();
        assert_eq!(back.params, KdfParams::default());
        assert_eq!(back.salt, kdf.salt);
    }

    #[test]
    fn invalid_kdf_params_error() {
        let mut kdf = StoredKdf::new(KdfParams::insecure_fast());
        kdf.params.t_cost = 0;
        assert!(matches!(
            kdf.derive(&Sensitive::from("pw")),
            Err(SecretError::Kdf(_))
        ));
        let mut kdf = StoredKdf::new(KdfParams::insecure_fast());
        kdf.algorithm = "scrypt".into();
        assert!(matches!(
            kdf.derive(&Sensitive::from("pw")),
            Err(SecretError::Kdf(_))
        ));
    }

    #[test]
    fn key_encoding_round_trip_and_validation() {
        let key = random_key();
        let enc = encode_key(&key);
        assert_eq!(decode_key("a", &enc).unwrap(), key);
        assert!(matches!(
            decode_key("a", &Sensitive::from("!!!")),
            Err(SecretError::KeyringEntryInvalid { .. })
        ));
        assert!(matches!(
            decode_key("a", &Sensitive::from(B64.encode([1u8; 16]))),
            Err(SecretError::KeyringEntryInvalid { .. })
        ));
    }

    #[test]
    fn keyring_errors_map_to_unavailable() {
        let e = map_keyring_error(
            "acct",
            keyring::Error::PlatformFailure("no D-Bus session".into()),
        );
        match e {
            SecretError::KeyringUnavailable(reason) => assert!(reason.contains("no D-Bus")),
            other => panic!("unexpected {other:?}"),
        }
        let e = map_keyring_error("acct", keyring::Error::NoStorageAccess("locked".into()));
        assert!(matches!(e, SecretError::KeyringUnavailable(_)));
    }

    #[test]
    fn account_name() {
        assert_eq!(keyring_account("abc"), "master-key:abc");
    }
}
