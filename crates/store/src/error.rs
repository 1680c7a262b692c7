//! Error types of the store and of the secret vault.

use std::path::PathBuf;

use crate::keysource::KeySourceKind;

/// Any failure of [`Store`](crate::Store) or [`Vault`](crate::Vault).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An SQLite call failed.
    #[error("workspace database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    /// A filesystem operation on the data directory failed.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The database was written by a newer version of the application.
    #[error(
        "workspace database schema version {found} is newer than this application supports \
         (up to {supported}); upgrade Fabric HA Desktop to open this workspace"
    )]
    TooNew {
        /// `PRAGMA user_version` found in the file.
        found: u32,
        /// Highest schema version this build knows.
        supported: u32,
    },

    /// SQLite refused to switch the database to write-ahead logging
    /// (for example on some network file systems).
    #[error("could not enable WAL journal mode on the workspace database (got `{got}`)")]
    JournalMode {
        /// The journal mode SQLite reported instead of `wal`.
        got: String,
    },

    /// A value in the `meta` table is missing or malformed.
    #[error("workspace metadata `{key}` is invalid: {reason}")]
    InvalidMeta {
        /// The `meta` key.
        key: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A failure of the secret vault.
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// Failures specific to the master key and to encrypted secrets.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The OS keyring (Secret Service / Keychain / Credential Manager)
    /// could not be used: no D-Bus session, no Secret Service provider,
    /// a locked collection, access denied, …
    #[error(
        "the OS keyring is unavailable: {0}; unlock or start the keyring service, \
         or use a passphrase-protected workspace on headless hosts"
    )]
    KeyringUnavailable(String),

    /// The workspace was initialised with the keyring, but the keyring has
    /// no master key for it (deleted entry, different user or machine).
    #[error(
        "the OS keyring has no master key for this workspace (service `{service}`, account \
         `{account}`); the encrypted secrets of this workspace cannot be read without it"
    )]
    KeyringEntryMissing {
        /// Keyring service name.
        service: String,
        /// Keyring account name.
        account: String,
    },

    /// The keyring entry exists but does not hold a valid 32-byte key.
    #[error("the OS keyring entry `{account}` does not hold a valid master key: {reason}")]
    KeyringEntryInvalid {
        /// Keyring account name.
        account: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The keyring holds a key for this workspace, but not the key the
    /// workspace was initialised with.
    #[error(
        "the master key in the OS keyring (account `{account}`) does not match this workspace's \
         key check; the secrets of this workspace cannot be decrypted with it"
    )]
    KeyringKeyMismatch {
        /// Keyring account name.
        account: String,
    },

    /// The passphrase does not unlock this workspace.
    #[error("wrong passphrase for this workspace")]
    WrongPassphrase,

    /// An empty passphrase was given when initialising a workspace.
    #[error("the workspace passphrase must not be empty")]
    EmptyPassphrase,

    /// The workspace was initialised with another key source.
    #[error(
        "this workspace's secrets are protected by the {expected} key source, but the {got} \
         key source was requested; switching sources is refused because existing secrets \
         would become unreadable"
    )]
    KeySourceMismatch {
        /// The key source recorded in the workspace.
        expected: KeySourceKind,
        /// The key source that was requested.
        got: KeySourceKind,
    },

    /// Key derivation failed (invalid Argon2 parameters, …).
    #[error("key derivation failed: {0}")]
    Kdf(String),

    /// A secret blob failed authentication: it was altered, moved to
    /// another id or copied from another workspace.
    #[error("secret `{id}` is corrupt or does not belong here (authentication failed)")]
    Corrupt {
        /// Secret id.
        id: String,
    },

    /// No secret is stored under this id.
    #[error("no secret stored under id `{id}`")]
    NotFound {
        /// Secret id.
        id: String,
    },

    /// A secret id is not acceptable (empty).
    #[error("invalid secret id: {reason}")]
    InvalidId {
        /// Why the id was rejected.
        reason: String,
    },

    /// A secret read as text is not valid UTF-8.
    #[error("secret `{id}` is not valid UTF-8 text")]
    NotUtf8 {
        /// Secret id.
        id: String,
    },

    /// A vault was used with a store of another workspace.
    #[error(
        "this vault was unlocked for workspace {vault_workspace} but used with workspace \
         {store_workspace}"
    )]
    WrongWorkspace {
        /// Workspace the vault belongs to.
        vault_workspace: String,
        /// Workspace of the store it was used with.
        store_workspace: String,
    },

    /// Encryption failed (should not happen with valid inputs).
    #[error("encrypting secret `{id}` failed")]
    Encrypt {
        /// Secret id.
        id: String,
    },
}
