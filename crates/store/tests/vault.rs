//! Integration tests of the secret vault, using passphrase-protected
//! workspaces (keyring logic is unit-tested in the crate; the real keyring
//! is exercised by `keyring_real.rs`).
#![allow(clippy::unwrap_used)]

use std::path::Path;

use fabric_ha_store::{
    KdfParams, KeySource, KeySourceKind, SecretError, Store, StoreError, Vault, DB_FILE_NAME,
};

const PASS: &str = "correct horse battery staple";

fn pass(p: &str) -> KeySource {
    KeySource::Passphrase(p.into())
}

fn unlock(store: &Store, p: &str) -> Result<Vault, StoreError> {
    Vault::unlock(store, pass(p), KdfParams::insecure_fast())
}

fn open_vault(dir: &Path) -> (Store, Vault) {
    let store = Store::open(dir).unwrap();
    let vault = unlock(&store, PASS).unwrap();
    (store, vault)
}

fn secret_err(err: StoreError) -> SecretError {
    match err {
        StoreError::Secret(e) => e,
        other => panic!("expected a SecretError, got {other:?}"),
    }
}

#[test]
fn put_get_delete_round_trip() {
    let t = tempfile::tempdir().unwrap();
    let (store, vault) = open_vault(t.path());
    assert_eq!(vault.key_source(), KeySourceKind::Passphrase);
    assert_eq!(vault.workspace_id(), store.workspace_id());
    assert_eq!(store.key_source().unwrap(), Some(KeySourceKind::Passphrase));

    assert!(!vault.contains(&store, "org1/admin/key").unwrap());
    vault
        .put(&store, "org1/admin/key", b"\x00\x01binary\xff")
        .unwrap();
    vault
        .put_str(&store, "org1/admin/enroll", "enroll-pw")
        .unwrap();
    assert!(vault.contains(&store, "org1/admin/key").unwrap());
    assert_eq!(
        vault
            .get(&store, "org1/admin/key")
            .unwrap()
            .expose()
            .as_slice(),
        &b"\x00\x01binary\xff"[..]
    );
    assert_eq!(
        vault.get_str(&store, "org1/admin/enroll").unwrap().expose(),
        "enroll-pw"
    );
    assert_eq!(
        vault.ids(&store).unwrap(),
        ["org1/admin/enroll", "org1/admin/key"]
    );

    // Overwrite.
    vault
        .put_str(&store, "org1/admin/enroll", "rotated")
        .unwrap();
    assert_eq!(
        vault.get_str(&store, "org1/admin/enroll").unwrap().expose(),
        "rotated"
    );

    assert!(vault.delete(&store, "org1/admin/key").unwrap());
    assert!(!vault.delete(&store, "org1/admin/key").unwrap());
    assert!(!vault.contains(&store, "org1/admin/key").unwrap());
    let err = secret_err(vault.get(&store, "org1/admin/key").unwrap_err());
    assert!(matches!(err, SecretError::NotFound { ref id } if id == "org1/admin/key"));

    let audit = store.recent_audit(100).unwrap();
    assert!(audit
        .iter()
        .any(|(_, a, d)| a == "secret.put" && d == "org1/admin/key"));
    assert!(audit
        .iter()
        .any(|(_, a, d)| a == "secret.delete" && d == "org1/admin/key"));
    assert!(audit.iter().all(|(_, _, d)| !d.contains("rotated")));
}

#[test]
fn reopen_with_passphrase_reads_back() {
    let t = tempfile::tempdir().unwrap();
    {
        let (store, vault) = open_vault(t.path());
        vault.put_str(&store, "s", "value").unwrap();
    }
    let store = Store::open(t.path()).unwrap();
    // Recorded KDF parameters win over the ones passed on later unlocks.
    let vault = Vault::unlock(&store, pass(PASS), KdfParams::default()).unwrap();
    assert_eq!(vault.get_str(&store, "s").unwrap().expose(), "value");
    let kdf = store.meta_get("kdf").unwrap().unwrap();
    assert!(kdf.contains(r#""m_cost_kib":8"#), "{kdf}");
    assert!(kdf.contains("argon2id"), "{kdf}");
}

#[test]
fn wrong_passphrase_is_refused() {
    let t = tempfile::tempdir().unwrap();
    {
        let (store, vault) = open_vault(t.path());
        vault.put_str(&store, "s", "value").unwrap();
    }
    let store = Store::open(t.path()).unwrap();
    for wrong in ["wrong", "", "correct horse battery stapl"] {
        let err = secret_err(unlock(&store, wrong).unwrap_err());
        assert!(matches!(err, SecretError::WrongPassphrase), "{err:?}");
        assert_eq!(err.to_string(), "wrong passphrase for this workspace");
    }
    // The right one still works afterwards.
    unlock(&store, PASS).unwrap();
}

#[test]
fn empty_passphrase_cannot_initialise() {
    let t = tempfile::tempdir().unwrap();
    let store = Store::open(t.path()).unwrap();
    let err = secret_err(unlock(&store, "").unwrap_err());
    assert!(matches!(err, SecretError::EmptyPassphrase), "{err:?}");
    assert_eq!(store.key_source().unwrap(), None);
}

#[test]
fn key_source_mismatch_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let (store, _vault) = open_vault(t.path());
    // The source check happens before any keyring access, so this needs no
    // keyring and must not create a keyring entry.
    let err =
        secret_err(Vault::unlock(&store, KeySource::Keyring, KdfParams::default()).unwrap_err());
    match &err {
        SecretError::KeySourceMismatch { expected, got } => {
            assert_eq!(*expected, KeySourceKind::Passphrase);
            assert_eq!(*got, KeySourceKind::Keyring);
        }
        other => panic!("expected KeySourceMismatch, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("passphrase") && msg.contains("keyring"),
        "{msg}"
    );
    assert_eq!(store.key_source().unwrap(), Some(KeySourceKind::Passphrase));
}

#[test]
fn blob_moved_to_another_id_fails() {
    let t = tempfile::tempdir().unwrap();
    let (store, vault) = open_vault(t.path());
    vault.put_str(&store, "a", "secret-a").unwrap();
    vault.put_str(&store, "b", "secret-b").unwrap();
    // Copy a's blob over b's row.
    store
        .with_conn(|c| {
            c.execute(
                "UPDATE secrets SET nonce = (SELECT nonce FROM secrets WHERE id = 'a'),
                 ciphertext = (SELECT ciphertext FROM secrets WHERE id = 'a') WHERE id = 'b'",
                [],
            )
        })
        .unwrap();
    let err = secret_err(vault.get(&store, "b").unwrap_err());
    assert!(
        matches!(err, SecretError::Corrupt { ref id } if id == "b"),
        "{err:?}"
    );
    // Renaming a row is caught too.
    store
        .with_conn(|c| c.execute("UPDATE secrets SET id = 'c' WHERE id = 'a'", []))
        .unwrap();
    let err = secret_err(vault.get(&store, "c").unwrap_err());
    assert!(matches!(err, SecretError::Corrupt { .. }), "{err:?}");
}

#[test]
fn tampered_blob_fails() {
    let t = tempfile::tempdir().unwrap();
    let (store, vault) = open_vault(t.path());
    vault.put_str(&store, "a", "secret-a").unwrap();
    store
        .with_conn(|c| {
            let mut ct: Vec<u8> =
                c.query_row("SELECT ciphertext FROM secrets WHERE id = 'a'", [], |r| {
                    r.get(0)
                })?;
            ct[0] ^= 1;
            c.execute("UPDATE secrets SET ciphertext = ?1 WHERE id = 'a'", [ct])
        })
        .unwrap();
    let err = secret_err(vault.get(&store, "a").unwrap_err());
    assert!(matches!(err, SecretError::Corrupt { .. }), "{err:?}");
    // A truncated nonce is reported as corrupt as well, not as a panic.
    store
        .with_conn(|c| c.execute("UPDATE secrets SET nonce = x'00' WHERE id = 'a'", []))
        .unwrap();
    let err = secret_err(vault.get(&store, "a").unwrap_err());
    assert!(matches!(err, SecretError::Corrupt { .. }), "{err:?}");
}

#[test]
fn blob_copied_to_another_workspace_fails() {
    let t = tempfile::tempdir().unwrap();
    let (store1, vault1) = open_vault(&t.path().join("one"));
    let (store2, vault2) = open_vault(&t.path().join("two"));
    assert_ne!(store1.workspace_id(), store2.workspace_id());
    vault1.put_str(&store1, "shared-id", "from-one").unwrap();
    let (nonce, ct): (Vec<u8>, Vec<u8>) = store1
        .with_conn(|c| {
            c.query_row(
                "SELECT nonce, ciphertext FROM secrets WHERE id = 'shared-id'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .unwrap();
    store2
        .with_conn(|c| {
            c.execute(
                "INSERT INTO secrets (id, nonce, ciphertext, created_at)
                 VALUES ('shared-id', ?1, ?2, 'x')",
                (nonce, ct),
            )
        })
        .unwrap();
    let err = secret_err(vault2.get(&store2, "shared-id").unwrap_err());
    assert!(matches!(err, SecretError::Corrupt { .. }), "{err:?}");
}

#[test]
fn vault_refuses_a_store_of_another_workspace() {
    let t = tempfile::tempdir().unwrap();
    let (_store1, vault1) = open_vault(&t.path().join("one"));
    let (store2, _vault2) = open_vault(&t.path().join("two"));
    let err = secret_err(vault1.put_str(&store2, "x", "y").unwrap_err());
    assert!(matches!(err, SecretError::WrongWorkspace { .. }), "{err:?}");
    assert!(!store2
        .with_conn(|c| c.query_row("SELECT count(*) FROM secrets", [], |r| r.get::<_, i64>(0)))
        .map(|n| n > 0)
        .unwrap());
}

#[test]
fn invalid_inputs() {
    let t = tempfile::tempdir().unwrap();
    let (store, vault) = open_vault(t.path());
    let err = secret_err(vault.put_str(&store, "", "x").unwrap_err());
    assert!(matches!(err, SecretError::InvalidId { .. }), "{err:?}");
    vault.put(&store, "bin", &[0xff, 0xfe]).unwrap();
    let err = secret_err(vault.get_str(&store, "bin").unwrap_err());
    assert!(matches!(err, SecretError::NotUtf8 { .. }), "{err:?}");
    // Empty secrets are allowed.
    vault.put(&store, "empty", b"").unwrap();
    assert!(vault.get(&store, "empty").unwrap().expose().is_empty());
}

#[test]
fn nonces_are_fresh_per_write() {
    let t = tempfile::tempdir().unwrap();
    let (store, vault) = open_vault(t.path());
    let nonce = || -> Vec<u8> {
        store
            .with_conn(|c| {
                c.query_row("SELECT nonce FROM secrets WHERE id = 'n'", [], |r| r.get(0))
            })
            .unwrap()
    };
    vault.put_str(&store, "n", "same").unwrap();
    let first = nonce();
    vault.put_str(&store, "n", "same").unwrap();
    let second = nonce();
    assert_eq!(first.len(), 24);
    assert_ne!(first, second);
}

#[test]
fn debug_output_reveals_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (store, vault) = open_vault(t.path());
    let dbg = format!("{vault:?} {store:?}");
    assert!(dbg.contains("<redacted>"), "{dbg}");
    assert!(!dbg.contains(PASS), "{dbg}");
    let secret = vault.get_str(&store, "missing").map(|s| format!("{s:?}"));
    assert!(secret.is_err());
    vault.put_str(&store, "s", "canary-debug-1234").unwrap();
    let s = vault.get_str(&store, "s").unwrap();
    assert_eq!(format!("{s:?}"), "<redacted>");
    assert!(serde_json::to_string(&s).is_err());
}

/// Searches `haystack` for `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn canary_never_reaches_the_database_files() {
    const CANARY: &str = "CANARY-fabric-ha-9d1f0c7e-plaintext";
    const CANARY_ID: &str = "canary/secret-id";
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("ws");
    let (store, vault) = open_vault(&dir);
    // Control: a value written in clear (a setting) must be found, which
    // shows the byte search below can see freshly written rows.
    const CONTROL: &str = "CONTROL-plaintext-setting-5b2e";
    store.set_setting("control", CONTROL).unwrap();
    vault.put_str(&store, CANARY_ID, CANARY).unwrap();
    vault
        .put(&store, "canary/bytes", CANARY.as_bytes())
        .unwrap();
    assert_eq!(vault.get_str(&store, CANARY_ID).unwrap().expose(), CANARY);

    let db = dir.join(DB_FILE_NAME);
    let wal = dir.join(format!("{DB_FILE_NAME}-wal"));
    let check = |stage: &str| {
        let mut all = Vec::new();
        for path in [&db, &wal] {
            if let Ok(bytes) = std::fs::read(path) {
                assert!(
                    !contains(&bytes, CANARY.as_bytes()),
                    "{stage}: canary found in {}",
                    path.display()
                );
                assert!(
                    !contains(&bytes, PASS.as_bytes()),
                    "{stage}: passphrase found in {}",
                    path.display()
                );
                all.extend_from_slice(&bytes);
            }
        }
        // Sanity: we are looking at the right data (ids are not secret).
        assert!(
            contains(&all, CANARY_ID.as_bytes()),
            "{stage}: id not found"
        );
        assert!(
            contains(&all, CONTROL.as_bytes()),
            "{stage}: control not found"
        );
    };

    // While open, the row lives in the WAL.
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    check("open");
    // After a checkpoint, it is in the main file.
    store
        .with_conn(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)"))
        .unwrap();
    check("checkpointed");
    drop(vault);
    drop(store);
    check("closed");
}
