//! The SQLite workspace database: opening, pragmas, settings, metadata and
//! audit log.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::StoreError;
use crate::keysource::KeySourceKind;
use crate::migrations;

/// File name of the database inside the data directory.
pub const DB_FILE_NAME: &str = "workspace.sqlite3";

/// SQL expression for "now" as an RFC 3339 UTC timestamp with milliseconds.
pub(crate) const NOW_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// `meta` key holding the workspace UUID.
pub(crate) const META_WORKSPACE_ID: &str = "workspace_id";
/// `meta` key holding the creation timestamp.
pub(crate) const META_CREATED_AT: &str = "created_at";
/// `meta` key holding the key source (`keyring` | `passphrase`).
pub(crate) const META_KEY_SOURCE: &str = "key_source";

/// The local state of one workspace folder, backed by
/// `<data_dir>/workspace.sqlite3`.
///
/// All access goes through a single connection behind a mutex (one
/// writer). `Store` is `Send + Sync`; share it with an `Arc`.
pub struct Store {
    conn: Mutex<Connection>,
    data_dir: PathBuf,
    db_path: PathBuf,
    workspace_id: String,
    schema_version: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("db_path", &self.db_path)
            .field("workspace_id", &self.workspace_id)
            .field("schema_version", &self.schema_version)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the workspace database in `data_dir`.
    ///
    /// Creates `data_dir` (mode 0700 on Unix) and the database file (mode
    /// 0600 on Unix) if they do not exist, enables WAL, foreign keys, a
    /// 5 s busy timeout and `synchronous=NORMAL`, runs pending migrations
    /// and assigns a workspace id on first creation.
    ///
    /// Fails with [`StoreError::TooNew`] if the database was written by a
    /// newer schema than this build knows.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        create_private_dir(data_dir)?;
        let db_path = data_dir.join(DB_FILE_NAME);
        create_private_file(&db_path)?;

        let mut conn = Connection::open(&db_path)?;
        configure(&conn)?;
        let schema_version = migrations::migrate(&mut conn)?;
        let workspace_id = ensure_identity(&mut conn)?;

        Ok(Store {
            conn: Mutex::new(conn),
            data_dir: data_dir.to_path_buf(),
            db_path,
            workspace_id,
            schema_version,
        })
    }

    /// The schema version (`PRAGMA user_version`) of the open database.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// The workspace's UUID, generated when the database was created.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// Path of the database file (`<data_dir>/workspace.sqlite3`).
    pub fn path(&self) -> &Path {
        &self.db_path
    }

    /// The workspace data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Whether the workspace holds nothing yet: no console, no library file, no plan.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        self.with_conn(|c| {
            c.query_row(
                "SELECT NOT (EXISTS (SELECT 1 FROM consoles) OR EXISTS (SELECT 1 FROM artifacts)
                             OR EXISTS (SELECT 1 FROM plans))",
                [],
                |r| r.get(0),
            )
        })
    }

    /// Reads a setting.
    pub fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.with_conn(|c| {
            c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Writes (inserts or replaces) a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(drop)
        })
    }

    /// Writes several settings in one transaction: all of them, or none.
    pub fn set_settings(&self, pairs: &[(&str, String)]) -> Result<(), StoreError> {
        self.with_tx(|tx| {
            for (key, value) in pairs {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value.as_str()],
                )?;
            }
            Ok(())
        })
    }

    /// Removes a setting; returns whether it existed.
    pub fn delete_setting(&self, key: &str) -> Result<bool, StoreError> {
        self.with_conn(|c| {
            c.execute("DELETE FROM settings WHERE key = ?1", [key])
                .map(|n| n > 0)
        })
    }

    /// Reads a `meta` value.
    pub fn meta_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.with_conn(|c| meta_get(c, key))
    }

    /// Appends an entry to the audit log. Never put secrets in `detail`.
    pub fn record_audit(&self, action: &str, detail: &str) -> Result<(), StoreError> {
        self.with_conn(|c| record_audit(c, action, detail))
    }

    /// The most recent audit entries, newest first, as
    /// `(at, action, detail)`.
    pub fn recent_audit(&self, limit: u32) -> Result<Vec<(String, String, String)>, StoreError> {
        self.with_conn(|c| {
            let mut stmt =
                c.prepare("SELECT at, action, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
            let rows = stmt.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
    }

    /// The key source this workspace's secrets are protected with, or
    /// `None` if no vault has been initialised yet.
    pub fn key_source(&self) -> Result<Option<KeySourceKind>, StoreError> {
        match self.meta_get(META_KEY_SOURCE)? {
            None => Ok(None),
            Some(v) => KeySourceKind::parse(&v)
                .map(Some)
                .ok_or_else(|| StoreError::InvalidMeta {
                    key: META_KEY_SOURCE.to_owned(),
                    reason: format!("unknown key source `{v}`"),
                }),
        }
    }

    /// Runs `f` with the connection (holding the writer lock).
    ///
    /// For crates that add their own tables. Statements run in autocommit
    /// mode; use [`Store::with_tx`] for several writes that belong together.
    pub fn with_conn<R>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<R>,
    ) -> Result<R, StoreError> {
        Ok(f(&self.lock())?)
    }

    /// Runs `f` inside an `IMMEDIATE` transaction, committing if it returns
    /// `Ok` and rolling back otherwise.
    pub fn with_tx<R>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<R>,
    ) -> Result<R, StoreError> {
        self.try_with_tx(|tx| f(tx).map_err(StoreError::from))
    }

    /// Like [`Store::with_tx`] but with a closure returning [`StoreError`],
    /// so it can abort with a domain error.
    pub fn try_with_tx<R>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Like [`Store::try_with_tx`], but the commit is on disk (the WAL synced with
    /// `synchronous=FULL`) before this returns, so it survives a power loss, not only a crash.
    /// For the few writes that must precede an effect outside the workspace: a generated
    /// secret is stored before a Fabric CA registers it, and must not be lost after.
    pub fn try_with_durable_tx<R>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self.lock();
        conn.pragma_update(None, "synchronous", "FULL")?;
        let result: Result<R, StoreError> = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        let reset = conn.pragma_update(None, "synchronous", "NORMAL");
        let out = result?;
        reset?;
        Ok(out)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave the connection in a
        // half-written state (an open transaction rolls back on drop), so a
        // poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) fn meta_get(c: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub(crate) fn meta_set(c: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .map(drop)
}

pub(crate) fn record_audit(c: &Connection, action: &str, detail: &str) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO audit (at, action, detail) VALUES ({NOW_SQL}, ?1, ?2)"
    ))?
    .execute([action, detail])
    .map(drop)
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_millis(5000))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::JournalMode { got: mode });
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// Assigns the workspace id and creation time once; returns the id.
fn ensure_identity(conn: &mut Connection) -> Result<String, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = match meta_get(&tx, META_WORKSPACE_ID)? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            meta_set(&tx, META_WORKSPACE_ID, &id)?;
            tx.execute(
                &format!("INSERT INTO meta (key, value) VALUES (?1, {NOW_SQL})"),
                [META_CREATED_AT],
            )?;
            record_audit(&tx, "workspace.create", &id)?;
            id
        }
    };
    tx.commit()?;
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(StoreError::InvalidMeta {
            key: META_WORKSPACE_ID.to_owned(),
            reason: format!("`{id}` is not a UUID"),
        });
    }
    Ok(id)
}

fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let io_err = |source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(io_err)?;
    if !dir.is_dir() {
        return Err(io_err(std::io::Error::other("not a directory")));
    }
    Ok(())
}

/// Creates the database file with owner-only permissions before SQLite
/// opens it (SQLite gives the -wal and -shm files the same mode).
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
