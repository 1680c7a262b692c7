//! Round trip through the real platform keyring (Secret Service on Linux).
//!
//! Skipped unless `FABRIC_HA_REAL_KEYRING=1`. On Linux, run it under a
//! throw-away unlocked gnome-keyring with:
//!
//! ```sh
//! tests/keyring/run.sh cargo test -p fabric-ha-store --test keyring_real
//! ```
//!
//! With `FABRIC_HA_REAL_KEYRING=1` but no usable keyring the test fails
//! (it does not skip): that is how we know it really talks to one.
#![allow(clippy::unwrap_used)]

use fabric_ha_store::{
    keyring_account, KdfParams, KeySource, KeySourceKind, SecretError, Store, StoreError, Vault,
    KEYRING_SERVICE,
};

/// Deletes the keyring entry it names when dropped, even if the test
/// panics half-way.
struct EntryCleanup(String);

impl Drop for EntryCleanup {
    fn drop(&mut self) {
        if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, &self.0) {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => eprintln!("could not delete keyring entry {}: {e}", self.0),
            }
        }
    }
}

#[test]
fn master_key_round_trips_through_the_os_keyring() {
    if std::env::var("FABRIC_HA_REAL_KEYRING").as_deref() != Ok("1") {
        eprintln!(
            "note: skipping real keyring test; set FABRIC_HA_REAL_KEYRING=1 \
             (e.g. via tests/keyring/run.sh) to run it"
        );
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("ws");
    const SECRET: &str = "real-keyring-secret-value";

    // First session: initialise with the keyring and store a secret.
    let store = Store::open(&data_dir).unwrap();
    let workspace_id = store.workspace_id().to_owned();
    let account = keyring_account(&workspace_id);
    let cleanup = EntryCleanup(account.clone());
    {
        let vault = match Vault::unlock(&store, KeySource::Keyring, KdfParams::default()) {
            Ok(v) => v,
            Err(e) => panic!("the real OS keyring must be usable for this test: {e}"),
        };
        assert_eq!(vault.key_source(), KeySourceKind::Keyring);
        vault.put_str(&store, "org1/admin/enroll", SECRET).unwrap();
    }
    // Vault and store dropped: the key is gone from this process.
    drop(store);

    // The entry really is in the platform store, as base64 of 32 bytes.
    let stored = keyring::Entry::new(KEYRING_SERVICE, &account)
        .unwrap()
        .get_password()
        .unwrap();
    assert_eq!(stored.len(), 44, "base64 of a 32-byte key");

    // Second session: the key must come back from the keyring.
    {
        let store = Store::open(&data_dir).unwrap();
        assert_eq!(store.workspace_id(), workspace_id);
        assert_eq!(store.key_source().unwrap(), Some(KeySourceKind::Keyring));
        let vault = Vault::unlock(&store, KeySource::Keyring, KdfParams::default()).unwrap();
        assert_eq!(
            vault.get_str(&store, "org1/admin/enroll").unwrap().expose(),
            SECRET
        );
    }

    // Clean up the entry we created, and check it is gone.
    drop(cleanup);
    match keyring::Entry::new(KEYRING_SERVICE, &account)
        .unwrap()
        .get_password()
    {
        Err(keyring::Error::NoEntry) => {}
        other => panic!("keyring entry should be deleted, got {other:?}"),
    }

    // Without its entry the workspace refuses to unlock rather than
    // silently generating a new key.
    let store = Store::open(&data_dir).unwrap();
    let err = Vault::unlock(&store, KeySource::Keyring, KdfParams::default()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Secret(SecretError::KeyringEntryMissing { .. })
        ),
        "{err:?}"
    );
    assert!(matches!(
        keyring::Entry::new(KEYRING_SERVICE, &account)
            .unwrap()
            .get_password(),
        Err(keyring::Error::NoEntry)
    ));
}
