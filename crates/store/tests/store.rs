//! Integration tests of the SQLite workspace store.
#![allow(clippy::unwrap_used)]

use fabric_ha_store::migrations::{latest_version, MIGRATIONS};
use fabric_ha_store::{Store, StoreError, DB_FILE_NAME};

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn store_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Store>();
}

#[test]
fn open_creates_dir_and_db() {
    let t = temp();
    let dir = t.path().join("a").join("workspace");
    let store = Store::open(&dir).unwrap();
    assert_eq!(store.data_dir(), dir);
    assert_eq!(store.path(), dir.join(DB_FILE_NAME));
    assert!(store.path().is_file());
    assert_eq!(store.schema_version(), latest_version());
    assert_eq!(latest_version() as usize, MIGRATIONS.len());
    uuid::Uuid::parse_str(store.workspace_id()).unwrap();
    assert!(store.meta_get("created_at").unwrap().is_some());
    assert_eq!(store.key_source().unwrap(), None);
}

#[cfg(unix)]
#[test]
fn permissions_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = temp();
    let dir = t.path().join("ws");
    let store = Store::open(&dir).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(store.path()), 0o600);
    let wal = dir.join(format!("{DB_FILE_NAME}-wal"));
    assert!(
        wal.exists(),
        "WAL file should exist while the store is open"
    );
    assert_eq!(mode(&wal), 0o600);
}

#[test]
fn migrations_are_idempotent_and_identity_is_stable() {
    let t = temp();
    let first = Store::open(t.path()).unwrap();
    let id = first.workspace_id().to_owned();
    let created = first.meta_get("created_at").unwrap();
    drop(first);
    for _ in 0..2 {
        let again = Store::open(t.path()).unwrap();
        assert_eq!(again.schema_version(), latest_version());
        assert_eq!(again.workspace_id(), id);
        assert_eq!(again.meta_get("created_at").unwrap(), created);
    }
}

#[test]
fn two_handles_on_the_same_workspace() {
    let t = temp();
    let a = Store::open(t.path()).unwrap();
    let b = Store::open(t.path()).unwrap();
    assert_eq!(a.workspace_id(), b.workspace_id());
    a.set_setting("k", "from-a").unwrap();
    assert_eq!(b.get_setting("k").unwrap().as_deref(), Some("from-a"));
}

#[test]
fn pragmas_are_set() {
    let t = temp();
    let store = Store::open(t.path()).unwrap();
    let (mode, fk, sync, busy): (String, i64, i64, i64) = store
        .with_conn(|c| {
            Ok((
                c.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
                c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?,
                c.pragma_query_value(None, "synchronous", |r| r.get(0))?,
                c.pragma_query_value(None, "busy_timeout", |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(sync, 1, "synchronous=NORMAL");
    assert_eq!(busy, 5000);
}

#[test]
fn durable_transactions_commit_with_full_sync_and_leave_normal_behind() {
    let t = temp();
    let store = Store::open(t.path()).unwrap();
    let sync = |c: &rusqlite::Connection| -> rusqlite::Result<i64> {
        c.pragma_query_value(None, "synchronous", |r| r.get(0))
    };
    let inside = store
        .try_with_durable_tx(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('durable', 'yes')",
                [],
            )?;
            Ok(sync(tx)?)
        })
        .unwrap();
    assert_eq!(
        inside, 2,
        "synchronous=FULL while the durable transaction commits"
    );
    assert_eq!(store.meta_get("durable").unwrap().as_deref(), Some("yes"));
    assert_eq!(store.with_conn(sync).unwrap(), 1, "back to NORMAL after");
    // A failed transaction rolls back and also leaves NORMAL behind.
    let failed: Result<(), StoreError> = store.try_with_durable_tx(|tx| {
        tx.execute("UPDATE meta SET value = 'no' WHERE key = 'durable'", [])?;
        Err(StoreError::InvalidMeta {
            key: "durable".into(),
            reason: "refused".into(),
        })
    });
    assert!(failed.is_err());
    assert_eq!(store.meta_get("durable").unwrap().as_deref(), Some("yes"));
    assert_eq!(store.with_conn(sync).unwrap(), 1);
}

#[test]
fn too_new_schema_is_refused() {
    let t = temp();
    let store = Store::open(t.path()).unwrap();
    let newer = latest_version() + 1;
    store
        .with_conn(|c| c.pragma_update(None, "user_version", newer))
        .unwrap();
    drop(store);
    let err = Store::open(t.path()).unwrap_err();
    match &err {
        StoreError::TooNew { found, supported } => {
            assert_eq!(*found, newer);
            assert_eq!(*supported, latest_version());
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(&format!("schema version {newer}")), "{msg}");
    assert!(msg.contains("upgrade"), "{msg}");
}

#[test]
fn settings_round_trip() {
    let t = temp();
    let store = Store::open(t.path()).unwrap();
    assert_eq!(store.get_setting("theme").unwrap(), None);
    store.set_setting("theme", "dark").unwrap();
    assert_eq!(store.get_setting("theme").unwrap().as_deref(), Some("dark"));
    store.set_setting("theme", "light").unwrap();
    assert_eq!(
        store.get_setting("theme").unwrap().as_deref(),
        Some("light")
    );
    drop(store);

    let store = Store::open(t.path()).unwrap();
    assert_eq!(
        store.get_setting("theme").unwrap().as_deref(),
        Some("light")
    );
    assert!(store.delete_setting("theme").unwrap());
    assert!(!store.delete_setting("theme").unwrap());
    assert_eq!(store.get_setting("theme").unwrap(), None);
}

#[test]
fn audit_is_recorded() {
    let t = temp();
    let store = Store::open(t.path()).unwrap();
    store.record_audit("test.action", "detail-1").unwrap();
    let entries = store.recent_audit(10).unwrap();
    assert_eq!(entries[0].1, "test.action");
    assert_eq!(entries[0].2, "detail-1");
    assert!(entries[0].0.ends_with('Z'), "{}", entries[0].0);
    assert!(entries.iter().any(|e| e.1 == "workspace.create"));
}

#[test]
fn with_tx_commits_or_rolls_back() {
    let t = temp();
    let store = Store::open(t.path()).unwrap();
    store
        .with_conn(|c| c.execute_batch("CREATE TABLE ext (v INTEGER NOT NULL)"))
        .unwrap();
    store
        .with_tx(|tx| tx.execute("INSERT INTO ext (v) VALUES (1)", []))
        .unwrap();
    let err = store.with_tx(|tx| {
        tx.execute("INSERT INTO ext (v) VALUES (2)", [])?;
        tx.execute("INSERT INTO ext (v) VALUES (NULL)", [])
    });
    assert!(matches!(err, Err(StoreError::Sqlite(_))), "{err:?}");
    let count: i64 = store
        .with_conn(|c| c.query_row("SELECT count(*) FROM ext", [], |r| r.get(0)))
        .unwrap();
    assert_eq!(count, 1, "the failed transaction must roll back");
}

#[test]
fn data_dir_that_is_a_file_is_an_io_error() {
    let t = temp();
    let file = t.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = Store::open(&file).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}
