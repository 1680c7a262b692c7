//! One open workspace: the database, the secret vault, and the operations on them.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use fabric_ha_sensitive::Sensitive;
use fabric_ha_store::{KdfParams, KeySource, KeySourceKind, Store, Vault};

use crate::consoles::ConsoleCache;
use crate::error::CoreError;
use crate::info::{AppInfo, SecretsState};
use crate::paths;
use crate::settings::{self, Language, Settings};

/// Environment variable holding the passphrase on hosts without an OS keyring.
pub const PASSPHRASE_ENV: &str = "FABRIC_HA_PASSPHRASE";

/// How to open a workspace.
#[derive(Debug)]
pub struct OpenOptions {
    /// Workspace folder (see [`paths::resolve_data_dir`]).
    pub data_dir: PathBuf,
    /// Passphrase to use when the OS keyring cannot hold the master key.
    pub passphrase: Option<Sensitive<String>>,
    /// Whether to try the OS keyring at all (off for hosts known to have none).
    pub use_keyring: bool,
    /// Cost of the passphrase key derivation.
    pub kdf: KdfParams,
}

impl OpenOptions {
    /// Options for `data_dir` with the passphrase from `FABRIC_HA_PASSPHRASE` if set.
    pub fn new(data_dir: PathBuf) -> Self {
        let passphrase = std::env::var(PASSPHRASE_ENV)
            .ok()
            .filter(|p| !p.is_empty())
            .map(Sensitive::new);
        OpenOptions {
            data_dir,
            passphrase,
            use_keyring: true,
            kdf: KdfParams::default(),
        }
    }
}

/// Key state of the vault: unlocked, or why not.
enum VaultState {
    Open(Vault, KeySourceKind),
    Locked(String),
    Uninitialized,
}

/// An open workspace. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct Workspace {
    data_dir: PathBuf,
    store: Store,
    vault: RwLock<VaultState>,
    kdf: KdfParams,
    use_keyring: bool,
    consoles: ConsoleCache,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

fn storage(err: fabric_ha_store::StoreError) -> CoreError {
    crate::error::from_store(err)
}

impl Workspace {
    /// Opens (creating if needed) the workspace in `options.data_dir` and unlocks its secrets
    /// when that needs no interaction: the OS keyring, or the given passphrase. A workspace whose
    /// secrets stay locked still opens; operations that need a secret then say so.
    pub fn open(options: OpenOptions) -> Result<Workspace, CoreError> {
        let store = Store::open(&options.data_dir).map_err(storage)?;
        let ws = Workspace {
            data_dir: options.data_dir,
            store,
            vault: RwLock::new(VaultState::Uninitialized),
            kdf: options.kdf,
            use_keyring: options.use_keyring,
            consoles: ConsoleCache::default(),
        };
        let state = ws.try_unlock(options.passphrase);
        *ws.vault.write().map_err(|_| poisoned())? = state;
        tracing::info!(data_dir = %ws.data_dir.display(), secrets = ?ws.secrets_state(), "workspace opened");
        Ok(ws)
    }

    fn try_unlock(&self, passphrase: Option<Sensitive<String>>) -> VaultState {
        let recorded = match self.store.key_source() {
            Ok(k) => k,
            Err(e) => return VaultState::Locked(e.to_string()),
        };
        match recorded {
            Some(KeySourceKind::Keyring) => self.unlock_keyring(),
            Some(KeySourceKind::Passphrase) => match passphrase {
                Some(p) => self.unlock_passphrase(p),
                None => VaultState::Locked("this workspace is protected by a passphrase".into()),
            },
            None => {
                // A new workspace: prefer the OS keyring, else the passphrase if one was given.
                let keyring = if self.use_keyring {
                    Some(self.unlock_keyring())
                } else {
                    None
                };
                match (keyring, passphrase) {
                    (Some(open @ VaultState::Open(..)), _) => open,
                    (_, Some(p)) => self.unlock_passphrase(p),
                    (Some(VaultState::Locked(reason)), None) => VaultState::Locked(format!(
                        "{reason}; choose a passphrase to protect this workspace's secrets"
                    )),
                    (_, None) => VaultState::Locked(
                        "choose a passphrase to protect this workspace's secrets".into(),
                    ),
                }
            }
        }
    }

    fn unlock_keyring(&self) -> VaultState {
        match Vault::unlock(&self.store, KeySource::Keyring, self.kdf) {
            Ok(v) => VaultState::Open(v, KeySourceKind::Keyring),
            Err(e) => {
                tracing::info!(error = %e, "the OS keyring could not unlock the workspace");
                VaultState::Locked(e.to_string())
            }
        }
    }

    fn unlock_passphrase(&self, passphrase: Sensitive<String>) -> VaultState {
        match Vault::unlock(&self.store, KeySource::Passphrase(passphrase), self.kdf) {
            Ok(v) => VaultState::Open(v, KeySourceKind::Passphrase),
            Err(e) => VaultState::Locked(e.to_string()),
        }
    }

    /// Unlocks the secrets with a passphrase typed by the user. On a new workspace with no
    /// keyring this chooses the passphrase.
    pub fn unlock(&self, passphrase: Sensitive<String>) -> Result<AppInfo, CoreError> {
        if passphrase.expose().is_empty() {
            return Err(CoreError::InvalidInput {
                field: "passphrase".into(),
                reason: "must not be empty".into(),
            });
        }
        let vault = Vault::unlock(&self.store, KeySource::Passphrase(passphrase), self.kdf)
            .map_err(storage)?;
        *self.vault.write().map_err(|_| poisoned())? =
            VaultState::Open(vault, KeySourceKind::Passphrase);
        tracing::info!("secrets unlocked with a passphrase");
        self.info()
    }

    /// Runs `f` with the unlocked vault, or says why secrets are locked.
    pub fn with_vault<R>(
        &self,
        f: impl FnOnce(&Vault, &Store) -> Result<R, CoreError>,
    ) -> Result<R, CoreError> {
        let guard = self.vault.read().map_err(|_| poisoned())?;
        match &*guard {
            VaultState::Open(vault, _) => f(vault, &self.store),
            VaultState::Locked(reason) => Err(CoreError::Locked(reason.clone())),
            VaultState::Uninitialized => Err(CoreError::Locked(
                "no key has been set up for this workspace".into(),
            )),
        }
    }

    /// How secrets are protected right now.
    pub fn secrets_state(&self) -> SecretsState {
        match self.vault.read().as_deref() {
            Ok(VaultState::Open(_, KeySourceKind::Keyring)) => SecretsState::Keyring,
            Ok(VaultState::Open(_, KeySourceKind::Passphrase)) => SecretsState::Passphrase,
            Ok(VaultState::Uninitialized) => SecretsState::Uninitialized,
            Ok(VaultState::Locked(_)) | Err(_) => SecretsState::Locked,
        }
    }

    /// The cache of console answers.
    pub(crate) fn console_cache(&self) -> &ConsoleCache {
        &self.consoles
    }

    /// The workspace folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The workspace database, for the feature crates that keep their own tables.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What the app knows about itself and this workspace.
    pub fn info(&self) -> Result<AppInfo, CoreError> {
        let settings = self.settings()?;
        Ok(AppInfo {
            version: crate::VERSION.into(),
            data_dir: self.data_dir.display().to_string(),
            database_path: self.store.path().display().to_string(),
            log_dir: paths::log_dir(&self.data_dir).display().to_string(),
            schema_version: self.store.schema_version(),
            secrets: self.secrets_state(),
            // A workspace the CLI already filled is no first run, onboarded or not.
            first_run: !settings.onboarded && self.store.is_empty().map_err(storage)?,
        })
    }

    /// The stored preferences, with defaults for those never set.
    pub fn settings(&self) -> Result<Settings, CoreError> {
        let mut s = Settings::default();
        let get = |key: &str| self.store.get_setting(key).map_err(storage);
        if let Some(v) = get(settings::KEY_LANGUAGE)? {
            s.language =
                Language::from_tag(&v).ok_or_else(|| corrupt(settings::KEY_LANGUAGE, &v))?;
        }
        if let Some(v) = get(settings::KEY_PAGE_SIZE)? {
            s.page_size = v
                .parse()
                .map_err(|_| corrupt(settings::KEY_PAGE_SIZE, &v))?;
        }
        if let Some(v) = get(settings::KEY_ONBOARDED)? {
            s.onboarded = v
                .parse()
                .map_err(|_| corrupt(settings::KEY_ONBOARDED, &v))?;
        }
        Ok(s)
    }

    /// Validates and stores all preferences at once; a refused value changes nothing.
    pub fn update_settings(&self, new: Settings) -> Result<Settings, CoreError> {
        new.validate()?;
        self.store
            .set_settings(&[
                (settings::KEY_LANGUAGE, new.language.tag().to_string()),
                (settings::KEY_PAGE_SIZE, new.page_size.to_string()),
                (settings::KEY_ONBOARDED, new.onboarded.to_string()),
            ])
            .map_err(storage)?;
        tracing::info!(?new, "settings updated");
        self.settings()
    }
}

fn corrupt(key: &str, value: &str) -> CoreError {
    CoreError::Storage(format!(
        "the stored setting {key:?} has an unreadable value {value:?}"
    ))
}

fn poisoned() -> CoreError {
    CoreError::Internal("a previous operation panicked while holding the vault".into())
}
