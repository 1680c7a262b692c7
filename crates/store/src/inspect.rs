//! Read-only look at a workspace folder, for diagnostics (`fabric-ha doctor`).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::db::{DB_FILE_NAME, META_KEY_SOURCE};
use crate::error::StoreError;
use crate::keysource::KeySourceKind;
use crate::migrations::MIGRATIONS;

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The version of the bundled SQLite library.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}

/// What [`inspect`] found in a workspace database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The database file.
    pub path: PathBuf,
    /// Its `PRAGMA user_version`.
    pub schema_version: u32,
    /// Its journal mode (`wal` for a workspace this app created).
    pub journal_mode: String,
    /// How its secrets are protected, if a key was ever set up.
    pub key_source: Option<KeySourceKind>,
}

/// Opens the workspace database of `data_dir` read-only, if there is one. Creates nothing and
/// runs no migration.
pub fn inspect(data_dir: &Path) -> Result<Option<Inspection>, StoreError> {
    let path = data_dir.join(DB_FILE_NAME);
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let schema_version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let journal_mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
        [],
        |r| r.get(0),
    )?;
    let key_source = if has_meta {
        let value: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [META_KEY_SOURCE],
                |r| r.get(0),
            )
            .optional()?;
        value.as_deref().and_then(KeySourceKind::parse)
    } else {
        None
    };
    Ok(Some(Inspection {
        path,
        schema_version,
        journal_mode,
        key_source,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Store;

    #[test]
    fn inspect_reads_without_creating() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(inspect(tmp.path()).unwrap(), None);
        assert!(
            !tmp.path().join(DB_FILE_NAME).exists(),
            "inspect created nothing"
        );

        let store = Store::open(tmp.path()).unwrap();
        let found = inspect(tmp.path()).unwrap().unwrap();
        assert_eq!(found.schema_version, store.schema_version());
        assert_eq!(found.schema_version, SCHEMA_VERSION);
        assert_eq!(found.journal_mode, "wal");
        assert_eq!(found.key_source, None);
    }

    #[test]
    fn set_settings_writes_all_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        store
            .set_settings(&[("a", "1".into()), ("b", "2".into())])
            .unwrap();
        assert_eq!(store.get_setting("a").unwrap().as_deref(), Some("1"));
        assert_eq!(store.get_setting("b").unwrap().as_deref(), Some("2"));
    }
}
