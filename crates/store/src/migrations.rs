//! Versioned schema migrations, tracked with `PRAGMA user_version`.
//!
//! To change the schema, append a new `(version, sql)` entry to
//! [`MIGRATIONS`] with the next version number. Never edit or reorder an
//! entry that has been released: existing databases have already run it.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::StoreError;

/// All schema migrations, in order: `(version, sql)`. Versions start at 1
/// and increase by exactly one.
pub const MIGRATIONS: &[(u32, &str)] = &[
    (
        1,
        "CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    CREATE TABLE secrets (
        id         TEXT PRIMARY KEY,
        nonce      BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE audit (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    ) STRICT;",
    ),
    (
        2,
        // The local library of console files. `body` is the console JSON as the console writes
        // it, minus private keys (those live in `secrets`, encrypted). `content_hash` makes the
        // same content imported twice one artifact. `checked_at` is the clock the checks used.
        "CREATE TABLE artifacts (
            id           TEXT PRIMARY KEY,
            kind         TEXT NOT NULL
                         CHECK (kind IN ('ca', 'msp', 'identity', 'peer', 'orderer')),
            display_name TEXT NOT NULL,
            msp_id       TEXT,
            content_hash TEXT NOT NULL UNIQUE,
            body         TEXT NOT NULL,
            source       TEXT NOT NULL,
            checked_at   INTEGER NOT NULL,
            imported_at  TEXT NOT NULL
        ) STRICT;
        CREATE INDEX artifacts_by_kind ON artifacts (kind);
        CREATE INDEX artifacts_by_msp ON artifacts (msp_id);",
    ),
    (
        3,
        // Consoles the workspace talks to. The API secret lives in `secrets`, encrypted, under
        // `console/<id>/api_secret`; the extra CA certificate is public and stays here.
        // `last_verdict` is the JSON of the last connection test.
        "CREATE TABLE consoles (
            id           INTEGER PRIMARY KEY,
            name         TEXT NOT NULL UNIQUE,
            region       TEXT NOT NULL,
            url          TEXT NOT NULL,
            api_key      TEXT NOT NULL,
            ca_cert_pem  TEXT,
            sandbox      INTEGER NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1)),
            added_at     TEXT NOT NULL,
            last_verdict TEXT
        ) STRICT;",
    ),
    (
        4,
        // The wallet and Fabric CAs. `wallet_enrollments`: where an enrolled identity came from,
        // with the CA chain `cainfo` reported (console identity files have no place for it).
        // `ca_associations`: the wallet identity a library CA is operated with, as the
        // console's "Associate identity". Both go when their artifacts go.
        "CREATE TABLE wallet_enrollments (
            identity_id  TEXT PRIMARY KEY REFERENCES artifacts (id) ON DELETE CASCADE,
            ca_url       TEXT NOT NULL,
            ca_name      TEXT NOT NULL,
            enroll_id    TEXT NOT NULL,
            ca_chain_pem TEXT NOT NULL,
            enrolled_at  TEXT NOT NULL
        ) STRICT;
        CREATE TABLE ca_associations (
            ca_id         TEXT PRIMARY KEY REFERENCES artifacts (id) ON DELETE CASCADE,
            identity_id   TEXT NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
            associated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX ca_associations_by_identity ON ca_associations (identity_id);",
    ),
    (
        5,
        // HA replication plans (`body`: the plan JSON, never a secret) and their journal: one
        // row per step, written before the step acts (`started`) and after (`done` with the
        // ids it produced, or `failed` with the error). Enroll secrets live in `secrets`
        // under `plan/<plan id>/...`.
        "CREATE TABLE plans (
            id         TEXT PRIMARY KEY,
            name       TEXT NOT NULL UNIQUE,
            body       TEXT NOT NULL,
            state      TEXT NOT NULL
                       CHECK (state IN ('draft', 'running', 'stopped', 'completed')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE plan_steps (
            plan_id    TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            step       TEXT NOT NULL,
            state      TEXT NOT NULL CHECK (state IN ('started', 'done', 'failed')),
            attempts   INTEGER NOT NULL,
            result     TEXT,
            error_code TEXT,
            error      TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (plan_id, step)
        ) STRICT;",
    ),
    (
        6,
        // A failed step's reason as a code and its values (the window words it in its
        // language); rows written before keep only the English `error`.
        "ALTER TABLE plan_steps ADD COLUMN error_reason TEXT;
        ALTER TABLE plan_steps ADD COLUMN error_params TEXT;",
    ),
    (
        7,
        // A console signed in to with an IBM Cloud API key: IAM's token endpoint (the key is
        // the console's vault secret); NULL for a console API key and secret.
        "ALTER TABLE consoles ADD COLUMN iam_token_url TEXT;",
    ),
];

/// The schema version this build creates and understands.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// Reads `PRAGMA user_version`.
pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the database up to [`latest_version`], one transaction per
/// migration. Refuses databases newer than this build.
pub(crate) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let supported = latest_version();
    for &(version, sql) in MIGRATIONS {
        // IMMEDIATE takes the write lock up front, so two processes opening
        // the same workspace cannot both run a migration.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = user_version(&tx)?;
        if current > supported {
            return Err(StoreError::TooNew {
                found: current,
                supported,
            });
        }
        if current >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied workspace schema migration");
    }
    // Also covers an empty MIGRATIONS list and databases already current.
    let current = user_version(conn)?;
    if current > supported {
        return Err(StoreError::TooNew {
            found: current,
            supported,
        });
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn versions_start_at_one_and_are_contiguous() {
        for (i, (v, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1, "migration versions must be 1, 2, 3, …");
        }
        assert_eq!(latest_version() as usize, MIGRATIONS.len());
    }

    #[test]
    fn migrate_in_memory_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), latest_version());
        assert_eq!(migrate(&mut conn).unwrap(), latest_version());
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            tables,
            [
                "artifacts",
                "audit",
                "ca_associations",
                "consoles",
                "meta",
                "plan_steps",
                "plans",
                "secrets",
                "settings",
                "wallet_enrollments"
            ]
        );
    }

    #[test]
    fn too_new_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        match migrate(&mut conn) {
            Err(StoreError::TooNew { found, supported }) => {
                assert_eq!(found, latest_version() + 1);
                assert_eq!(supported, latest_version());
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
    }
}
