//! Local state of one Fabric HA Desktop workspace folder.
//!
//! * [`Store`] — the SQLite database `<data_dir>/workspace.sqlite3`
//!   (WAL, versioned migrations, settings, metadata, audit log).
//! * [`Vault`] — the workspace master key, from the OS keyring or from an
//!   Argon2id-stretched passphrase, and XChaCha20-Poly1305 encryption of
//!   secrets stored in the database. There is no plaintext fallback.
//!
//! ```no_run
//! use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
//!
//! # fn main() -> Result<(), fabric_ha_store::StoreError> {
//! let store = Store::open(std::path::Path::new("/path/to/workspace"))?;
//! let vault = Vault::unlock(&store, KeySource::Keyring, KdfParams::default())?;
//! vault.put_str(&store, "org1/admin/enroll-secret", "s3cret")?;
//! let secret = vault.get_str(&store, "org1/admin/enroll-secret")?;
//! # drop(secret);
//! # Ok(())
//! # }
//! ```

mod artifacts;
mod consoles;
mod db;
mod error;
mod inspect;
mod keysource;
pub mod migrations;
mod vault;
mod wallet;

pub use artifacts::{
    artifact_secret_prefix, insert_artifact, list_artifacts_in, ArtifactRow, Inserted,
};
pub use consoles::{
    console_secret_id, get_console_in, insert_console, update_console, ConsoleFields, ConsoleRow,
};
pub use db::{Store, DB_FILE_NAME};
pub use error::{SecretError, StoreError};
pub use fabric_ha_sensitive::Sensitive;
pub use inspect::{inspect, sqlite_version, Inspection, SCHEMA_VERSION};
pub use keysource::{
    keyring_account, probe_keyring, KdfParams, KeySource, KeySourceKind, KEYRING_SERVICE, KEY_LEN,
    SALT_LEN,
};
/// The `rusqlite` version used by [`Store::with_conn`] and
/// [`Store::with_tx`]; use this re-export so the types match.
pub use rusqlite;
pub use vault::Vault;
pub use wallet::{insert_enrollment, replace_identity, EnrollmentRow};
