//! The secret vault: the unlocked master key and authenticated encryption
//! of secret blobs stored in the `secrets` table.
//!
//! Each blob is sealed with XChaCha20-Poly1305 under a fresh random
//! 24-byte nonce, with the workspace id and the secret id bound in as
//! associated data: a blob copied to another row or another workspace
//! fails to decrypt instead of yielding another secret.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use fabric_ha_sensitive::{SecretBytes, Sensitive};
use rusqlite::OptionalExtension;

use crate::db::{self, Store, META_KEY_SOURCE, NOW_SQL};
use crate::error::{SecretError, StoreError};
use crate::keysource::{
    decode_key, encode_key, keyring_account, random_key, KdfParams, KeySource, KeySourceKind,
    KeyringBackend, MasterKey, OsKeyring, StoredKdf, KEYRING_SERVICE, META_KDF,
};

/// Length of an XChaCha20-Poly1305 nonce.
const NONCE_LEN: usize = 24;

/// `meta` key of the key-check blob (base64 of nonce || ciphertext).
const META_KEY_CHECK: &str = "key_check";

/// Plaintext sealed into the key-check blob.
const KEY_CHECK_PLAINTEXT: &[u8] = b"fabric-ha-desktop master key check v1";

/// Domain separation for associated data.
const AAD_KEY_CHECK: &[u8] = b"fabric-ha-desktop/key-check/v1";
const AAD_SECRET: &[u8] = b"fabric-ha-desktop/secret/v1";

/// An unlocked workspace master key; encrypts and decrypts secrets stored
/// in a [`Store`].
///
/// `Debug` never shows the key. The key is zeroized when the vault is
/// dropped.
pub struct Vault {
    key: MasterKey,
    workspace_id: String,
    source: KeySourceKind,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("workspace_id", &self.workspace_id)
            .field("source", &self.source)
            .field("key", &self.key)
            .finish()
    }
}

impl Vault {
    /// Unlocks the master key of `store`'s workspace.
    ///
    /// On the first unlock of a workspace, `source` becomes the
    /// workspace's key source: with [`KeySource::Keyring`] a random key is
    /// generated and stored in the OS keyring (service
    /// [`KEYRING_SERVICE`], account [`keyring_account`]); with
    /// [`KeySource::Passphrase`] the key is derived with Argon2id using
    /// `kdf` and a random salt, both recorded in the workspace. A key-check
    /// value is stored so that later unlocks detect a wrong key.
    ///
    /// Later unlocks must use the same kind of source
    /// ([`SecretError::KeySourceMismatch`] otherwise); `kdf` is then
    /// ignored in favour of the recorded parameters. A wrong passphrase
    /// fails with [`SecretError::WrongPassphrase`].
    pub fn unlock(store: &Store, source: KeySource, kdf: KdfParams) -> Result<Vault, StoreError> {
        Self::unlock_with(store, source, kdf, &OsKeyring)
    }

    pub(crate) fn unlock_with(
        store: &Store,
        source: KeySource,
        kdf: KdfParams,
        keyring: &dyn KeyringBackend,
    ) -> Result<Vault, StoreError> {
        if store.key_source()?.is_none() {
            if let Some(vault) = initialise(store, &source, kdf, keyring)? {
                return Ok(vault);
            }
            // Another process initialised the workspace concurrently; fall
            // through and unlock what it recorded.
        }
        let expected = store.key_source()?.ok_or_else(|| StoreError::InvalidMeta {
            key: META_KEY_SOURCE.to_owned(),
            reason: "missing after initialisation".to_owned(),
        })?;
        if expected != source.kind() {
            return Err(SecretError::KeySourceMismatch {
                expected,
                got: source.kind(),
            }
            .into());
        }
        open_existing(store, &source, keyring)
    }

    /// The key source this vault was unlocked with.
    pub fn key_source(&self) -> KeySourceKind {
        self.source
    }

    /// The workspace this vault belongs to.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// Encrypts and stores `secret` under `id`, replacing any previous
    /// value (a fresh nonce is used on every write). The write is durable when this returns
    /// (see [`Store::try_with_durable_tx`]): callers send the secret elsewhere right after.
    pub fn put(&self, store: &Store, id: &str, secret: &[u8]) -> Result<(), StoreError> {
        store.try_with_durable_tx(|tx| self.put_in_tx(store, tx, id, secret))
    }

    /// Like [`Vault::put`], inside a transaction the caller holds (from [`Store::with_tx`] on
    /// the same `store`), so the secret and the rows that refer to it commit together.
    pub fn put_in_tx(
        &self,
        store: &Store,
        tx: &rusqlite::Transaction<'_>,
        id: &str,
        secret: &[u8],
    ) -> Result<(), StoreError> {
        self.check_store(store)?;
        check_id(id)?;
        let (nonce, ciphertext) = seal(&self.key, secret, &secret_aad(&self.workspace_id, id), id)?;
        tx.prepare_cached(&format!(
            "INSERT INTO secrets (id, nonce, ciphertext, created_at)
             VALUES (?1, ?2, ?3, {NOW_SQL})
             ON CONFLICT(id) DO UPDATE
             SET nonce = excluded.nonce, ciphertext = excluded.ciphertext"
        ))?
        .execute(rusqlite::params![id, nonce.as_slice(), ciphertext])?;
        db::record_audit(tx, "secret.put", id)?;
        Ok(())
    }

    /// Stores a UTF-8 secret; see [`Vault::put`].
    pub fn put_str(&self, store: &Store, id: &str, secret: &str) -> Result<(), StoreError> {
        self.put(store, id, secret.as_bytes())
    }

    /// Reads and decrypts the secret stored under `id`.
    ///
    /// Fails with [`SecretError::NotFound`] if there is none, and with
    /// [`SecretError::Corrupt`] if the blob does not authenticate.
    pub fn get(&self, store: &Store, id: &str) -> Result<SecretBytes, StoreError> {
        self.check_store(store)?;
        let row: Option<(Vec<u8>, Vec<u8>)> = store.with_conn(|c| {
            c.query_row(
                "SELECT nonce, ciphertext FROM secrets WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })?;
        let (nonce, ciphertext) = row.ok_or_else(|| SecretError::NotFound { id: id.to_owned() })?;
        open(
            &self.key,
            &nonce,
            &ciphertext,
            &secret_aad(&self.workspace_id, id),
        )
        .ok_or_else(|| SecretError::Corrupt { id: id.to_owned() }.into())
    }

    /// Reads a UTF-8 secret; see [`Vault::get`].
    pub fn get_str(&self, store: &Store, id: &str) -> Result<Sensitive<String>, StoreError> {
        let bytes = self.get(store, id)?;
        let text = std::str::from_utf8(bytes.expose())
            .map_err(|_| SecretError::NotUtf8 { id: id.to_owned() })?;
        Ok(Sensitive::new(text.to_owned()))
    }

    /// Deletes the secret stored under `id`; returns whether it existed.
    pub fn delete(&self, store: &Store, id: &str) -> Result<bool, StoreError> {
        self.check_store(store)?;
        store.with_tx(|tx| {
            let n = tx.execute("DELETE FROM secrets WHERE id = ?1", [id])?;
            if n > 0 {
                db::record_audit(tx, "secret.delete", id)?;
            }
            Ok(n > 0)
        })
    }

    /// Whether a secret is stored under `id` (without decrypting it).
    pub fn contains(&self, store: &Store, id: &str) -> Result<bool, StoreError> {
        self.check_store(store)?;
        store.with_conn(|c| {
            c.query_row("SELECT 1 FROM secrets WHERE id = ?1", [id], |_| Ok(()))
                .optional()
                .map(|o| o.is_some())
        })
    }

    /// The ids of all stored secrets, sorted.
    pub fn ids(&self, store: &Store) -> Result<Vec<String>, StoreError> {
        self.check_store(store)?;
        store.with_conn(|c| {
            let mut stmt = c.prepare("SELECT id FROM secrets ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        })
    }

    fn check_store(&self, store: &Store) -> Result<(), SecretError> {
        if store.workspace_id() == self.workspace_id {
            Ok(())
        } else {
            Err(SecretError::WrongWorkspace {
                vault_workspace: self.workspace_id.clone(),
                store_workspace: store.workspace_id().to_owned(),
            })
        }
    }
}

/// First unlock: obtains a key from `source`, records the source, KDF
/// parameters and key check. Returns `None` if another process
/// initialised the workspace in the meantime.
fn initialise(
    store: &Store,
    source: &KeySource,
    kdf: KdfParams,
    keyring: &dyn KeyringBackend,
) -> Result<Option<Vault>, StoreError> {
    let workspace_id = store.workspace_id().to_owned();
    let (key, stored_kdf) = match source {
        KeySource::Keyring => {
            let account = keyring_account(&workspace_id);
            // Reuse an entry left by an earlier, interrupted initialisation.
            let key = match keyring.get(&account)? {
                Some(existing) => decode_key(&account, &existing)?,
                None => {
                    let key = random_key();
                    keyring.set(&account, &encode_key(&key))?;
                    key
                }
            };
            (key, None)
        }
        KeySource::Passphrase(passphrase) => {
            if passphrase.expose().is_empty() {
                return Err(SecretError::EmptyPassphrase.into());
            }
            let stored = StoredKdf::new(kdf);
            let key = stored.derive(passphrase)?;
            (key, Some(stored))
        }
    };
    let check = key_check(&key, &workspace_id)?;
    let kind = source.kind();

    let won = store.try_with_tx(|tx| {
        if db::meta_get(tx, META_KEY_SOURCE)?.is_some() {
            return Ok(false);
        }
        db::meta_set(tx, META_KEY_SOURCE, kind.as_str())?;
        db::meta_set(tx, META_KEY_CHECK, &check)?;
        if let Some(stored) = &stored_kdf {
            let json = serde_json::to_string(stored).map_err(|e| StoreError::InvalidMeta {
                key: META_KDF.to_owned(),
                reason: e.to_string(),
            })?;
            db::meta_set(tx, META_KDF, &json)?;
        }
        db::record_audit(tx, "vault.init", kind.as_str())?;
        Ok(true)
    })?;
    if !won {
        return Ok(None);
    }
    tracing::info!(workspace_id = %workspace_id, source = %kind, "initialised workspace vault");
    Ok(Some(Vault {
        key,
        workspace_id,
        source: kind,
    }))
}

/// Later unlocks: obtains the key and verifies it against the key check.
fn open_existing(
    store: &Store,
    source: &KeySource,
    keyring: &dyn KeyringBackend,
) -> Result<Vault, StoreError> {
    let workspace_id = store.workspace_id().to_owned();
    let check = store
        .meta_get(META_KEY_CHECK)?
        .ok_or_else(|| missing_meta(META_KEY_CHECK))?;
    let (key, wrong_key) = match source {
        KeySource::Keyring => {
            let account = keyring_account(&workspace_id);
            let value = keyring
                .get(&account)?
                .ok_or_else(|| SecretError::KeyringEntryMissing {
                    service: KEYRING_SERVICE.to_owned(),
                    account: account.clone(),
                })?;
            let key = decode_key(&account, &value)?;
            (key, SecretError::KeyringKeyMismatch { account })
        }
        KeySource::Passphrase(passphrase) => {
            let json = store
                .meta_get(META_KDF)?
                .ok_or_else(|| missing_meta(META_KDF))?;
            let stored: StoredKdf =
                serde_json::from_str(&json).map_err(|e| StoreError::InvalidMeta {
                    key: META_KDF.to_owned(),
                    reason: e.to_string(),
                })?;
            (stored.derive(passphrase)?, SecretError::WrongPassphrase)
        }
    };
    verify_key_check(&key, &workspace_id, &check)?
        .then_some(())
        .ok_or(wrong_key)?;
    Ok(Vault {
        key,
        workspace_id,
        source: source.kind(),
    })
}

fn missing_meta(key: &str) -> StoreError {
    StoreError::InvalidMeta {
        key: key.to_owned(),
        reason: "missing".to_owned(),
    }
}

fn check_id(id: &str) -> Result<(), SecretError> {
    if id.is_empty() {
        return Err(SecretError::InvalidId {
            reason: "the id must not be empty".to_owned(),
        });
    }
    Ok(())
}

/// Associated data binding a blob to its workspace and id. Each part is
/// length-prefixed so that no two (workspace, id) pairs collide.
fn secret_aad(workspace_id: &str, id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_SECRET.len() + 16 + workspace_id.len() + id.len());
    aad.extend_from_slice(AAD_SECRET);
    for part in [workspace_id, id] {
        aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

fn key_check_aad(workspace_id: &str) -> Vec<u8> {
    let mut aad = AAD_KEY_CHECK.to_vec();
    aad.extend_from_slice(workspace_id.as_bytes());
    aad
}

fn cipher(key: &MasterKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(Key::from_slice(key.expose()))
}

/// Encrypts `msg`; returns `(nonce, ciphertext || tag)`.
fn seal(
    key: &MasterKey,
    msg: &[u8],
    aad: &[u8],
    id: &str,
) -> Result<([u8; NONCE_LEN], Vec<u8>), SecretError> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
    let ciphertext = cipher(key)
        .encrypt(XNonce::from_slice(&nonce), Payload { msg, aad })
        .map_err(|_| SecretError::Encrypt { id: id.to_owned() })?;
    Ok((nonce, ciphertext))
}

/// Decrypts; `None` if the nonce is malformed or authentication fails.
fn open(key: &MasterKey, nonce: &[u8], ciphertext: &[u8], aad: &[u8]) -> Option<SecretBytes> {
    if nonce.len() != NONCE_LEN {
        return None;
    }
    cipher(key)
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(SecretBytes::from)
}

/// The key-check value: base64(nonce || seal(KEY_CHECK_PLAINTEXT)).
fn key_check(key: &MasterKey, workspace_id: &str) -> Result<String, SecretError> {
    let (nonce, ct) = seal(
        key,
        KEY_CHECK_PLAINTEXT,
        &key_check_aad(workspace_id),
        "key-check",
    )?;
    let mut blob = nonce.to_vec();
    blob.extend_from_slice(&ct);
    Ok(B64.encode(blob))
}

/// Whether `key` opens the stored key-check value.
fn verify_key_check(key: &MasterKey, workspace_id: &str, check: &str) -> Result<bool, StoreError> {
    let blob = B64.decode(check).map_err(|e| StoreError::InvalidMeta {
        key: META_KEY_CHECK.to_owned(),
        reason: e.to_string(),
    })?;
    if blob.len() < NONCE_LEN {
        return Err(StoreError::InvalidMeta {
            key: META_KEY_CHECK.to_owned(),
            reason: "too short".to_owned(),
        });
    }
    let (nonce, ct) = blob.split_at(NONCE_LEN);
    Ok(open(key, nonce, ct, &key_check_aad(workspace_id))
        .is_some_and(|pt| pt.expose().as_slice() == KEY_CHECK_PLAINTEXT))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::*;

    /// In-memory stand-in for the OS keyring.
    #[derive(Default)]
    struct MemKeyring {
        entries: RefCell<HashMap<String, Sensitive<String>>>,
        unavailable: bool,
    }

    impl KeyringBackend for MemKeyring {
        fn get(&self, account: &str) -> Result<Option<Sensitive<String>>, SecretError> {
            if self.unavailable {
                return Err(SecretError::KeyringUnavailable("no D-Bus".into()));
            }
            Ok(self.entries.borrow().get(account).cloned())
        }

        fn set(&self, account: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
            if self.unavailable {
                return Err(SecretError::KeyringUnavailable("no D-Bus".into()));
            }
            self.entries
                .borrow_mut()
                .insert(account.to_owned(), value.clone());
            Ok(())
        }
    }

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ws")).unwrap();
        (dir, store)
    }

    #[test]
    fn keyring_init_then_reopen_uses_same_key() {
        let (dir, store) = temp_store();
        let kr = MemKeyring::default();
        let v = Vault::unlock_with(&store, KeySource::Keyring, KdfParams::insecure_fast(), &kr)
            .unwrap();
        assert_eq!(v.key_source(), KeySourceKind::Keyring);
        v.put_str(&store, "a", "secret-a").unwrap();
        let account = keyring_account(store.workspace_id());
        assert!(kr.entries.borrow().contains_key(&account));
        assert_eq!(store.key_source().unwrap(), Some(KeySourceKind::Keyring));
        assert!(store.meta_get(META_KDF).unwrap().is_none());
        drop(v);
        drop(store);

        let store = Store::open(&dir.path().join("ws")).unwrap();
        let v = Vault::unlock_with(&store, KeySource::Keyring, KdfParams::insecure_fast(), &kr)
            .unwrap();
        assert_eq!(v.get_str(&store, "a").unwrap().expose(), "secret-a");
        assert_eq!(kr.entries.borrow().len(), 1);
    }

    #[test]
    fn keyring_entry_missing_is_not_silently_regenerated() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring::default();
        Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap();
        kr.entries.borrow_mut().clear();
        let err =
            Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Secret(SecretError::KeyringEntryMissing { .. })
            ),
            "{err:?}"
        );
        assert!(kr.entries.borrow().is_empty());
    }

    #[test]
    fn keyring_replaced_key_is_detected() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring::default();
        Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap();
        let account = keyring_account(store.workspace_id());
        kr.entries
            .borrow_mut()
            .insert(account, encode_key(&random_key()));
        let err =
            Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Secret(SecretError::KeyringKeyMismatch { .. })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn keyring_entry_from_interrupted_init_is_reused() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring::default();
        let key = random_key();
        kr.set(&keyring_account(store.workspace_id()), &encode_key(&key))
            .unwrap();
        let v = Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap();
        assert_eq!(v.key, key);
    }

    #[test]
    fn keyring_unavailable_leaves_workspace_uninitialised() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring {
            unavailable: true,
            ..MemKeyring::default()
        };
        let err =
            Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap_err();
        assert!(
            matches!(err, StoreError::Secret(SecretError::KeyringUnavailable(_))),
            "{err:?}"
        );
        assert_eq!(store.key_source().unwrap(), None);
        // No plaintext fallback: nothing was recorded, no key check exists.
        assert!(store.meta_get(META_KEY_CHECK).unwrap().is_none());
    }

    #[test]
    fn keyring_then_passphrase_is_refused_and_vice_versa() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring::default();
        Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap();
        let err = Vault::unlock_with(
            &store,
            KeySource::Passphrase("pw".into()),
            KdfParams::insecure_fast(),
            &kr,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Secret(SecretError::KeySourceMismatch {
                    expected: KeySourceKind::Keyring,
                    got: KeySourceKind::Passphrase
                })
            ),
            "{err:?}"
        );

        let (_dir2, store2) = temp_store();
        Vault::unlock_with(
            &store2,
            KeySource::Passphrase("pw".into()),
            KdfParams::insecure_fast(),
            &kr,
        )
        .unwrap();
        let err =
            Vault::unlock_with(&store2, KeySource::Keyring, KdfParams::default(), &kr).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Secret(SecretError::KeySourceMismatch {
                    expected: KeySourceKind::Passphrase,
                    got: KeySourceKind::Keyring
                })
            ),
            "{err:?}"
        );
        // The refused keyring unlock did not create a keyring entry.
        assert!(!kr
            .entries
            .borrow()
            .contains_key(&keyring_account(store2.workspace_id())));
    }

    #[test]
    fn lost_initialisation_race_unlocks_the_winner() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring::default();
        let winner = Vault::unlock_with(
            &store,
            KeySource::Passphrase("pw".into()),
            KdfParams::insecure_fast(),
            &kr,
        )
        .unwrap();
        // Simulate the losing process: it computed its own key but finds
        // the workspace already initialised when it writes.
        let lost = initialise(
            &store,
            &KeySource::Passphrase("pw".into()),
            KdfParams::insecure_fast(),
            &kr,
        )
        .unwrap();
        assert!(lost.is_none());
        let again = open_existing(&store, &KeySource::Passphrase("pw".into()), &kr).unwrap();
        assert_eq!(again.key, winner.key);
    }

    #[test]
    fn aad_parts_do_not_collide() {
        assert_ne!(secret_aad("ab", "c"), secret_aad("a", "bc"));
    }

    #[test]
    fn vault_debug_hides_key() {
        let (_dir, store) = temp_store();
        let kr = MemKeyring::default();
        let v = Vault::unlock_with(&store, KeySource::Keyring, KdfParams::default(), &kr).unwrap();
        let dbg = format!("{v:?}");
        assert!(dbg.contains("<redacted>"), "{dbg}");
        let b64 = B64.encode(v.key.expose());
        assert!(!dbg.contains(&b64), "{dbg}");
        let bytes = format!("{:?}", v.key.expose());
        assert!(!dbg.contains(&bytes), "{dbg}");
    }
}
