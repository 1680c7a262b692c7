//! Rows of the local artifact library (console files). The meaning of a row — parsing, checks,
//! export — belongs to `fabric-ha-artifacts` and the core; this is storage only.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::db::{self, Store, NOW_SQL};
use crate::error::StoreError;

/// One stored artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactRow {
    /// Library id (`<kind>-<hash prefix>`).
    pub id: String,
    /// `ca`, `msp`, `identity`, `peer` or `orderer`.
    pub kind: String,
    /// Tile title.
    pub display_name: String,
    /// MSP id, where the kind has one.
    pub msp_id: Option<String>,
    /// Hex SHA-256 of the canonical content.
    pub content_hash: String,
    /// The console JSON, without private keys.
    pub body: String,
    /// File (and zip entry) it came from.
    pub source: String,
    /// The clock (unix seconds) the import checks ran against.
    pub checked_at: i64,
    /// When it was imported (RFC 3339, UTC).
    pub imported_at: String,
}

const COLUMNS: &str =
    "id, kind, display_name, msp_id, content_hash, body, source, checked_at, imported_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ArtifactRow> {
    Ok(ArtifactRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        display_name: r.get(2)?,
        msp_id: r.get(3)?,
        content_hash: r.get(4)?,
        body: r.get(5)?,
        source: r.get(6)?,
        checked_at: r.get(7)?,
        imported_at: r.get(8)?,
    })
}

/// What an insert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// A new row.
    New,
    /// The same content was already there, under this id.
    Existing(String),
}

/// Inserts `row` unless its content is already stored. Runs in the caller's transaction.
/// `row.imported_at` is ignored: the database stamps the time.
pub fn insert_artifact(tx: &Transaction<'_>, row: &ArtifactRow) -> Result<Inserted, StoreError> {
    // Prepared once per connection: an import inserts thousands of rows in one transaction.
    let existing: Option<String> = tx
        .prepare_cached("SELECT id FROM artifacts WHERE content_hash = ?1")?
        .query_row([&row.content_hash], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(Inserted::Existing(id));
    }
    tx.prepare_cached(&format!(
        "INSERT INTO artifacts
         (id, kind, display_name, msp_id, content_hash, body, source, checked_at, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {NOW_SQL})"
    ))?
    .execute(params![
        row.id,
        row.kind,
        row.display_name,
        row.msp_id,
        row.content_hash,
        row.body,
        row.source,
        row.checked_at
    ])?;
    db::record_audit(tx, "artifact.import", &format!("{} {}", row.id, row.source))?;
    Ok(Inserted::New)
}

/// Every stored artifact of `kind` (or all kinds), oldest first.
pub fn list_artifacts_in(
    tx: &rusqlite::Connection,
    kind: Option<&str>,
) -> rusqlite::Result<Vec<ArtifactRow>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT {COLUMNS} FROM artifacts WHERE ?1 IS NULL OR kind = ?1 ORDER BY imported_at, id"
    ))?;
    let rows = stmt.query_map([kind], from_row)?;
    rows.collect()
}

impl Store {
    /// Every stored artifact of `kind` (or all kinds), oldest first.
    pub fn list_artifacts(&self, kind: Option<&str>) -> Result<Vec<ArtifactRow>, StoreError> {
        self.with_conn(|c| list_artifacts_in(c, kind))
    }

    /// One artifact by id.
    pub fn get_artifact(&self, id: &str) -> Result<Option<ArtifactRow>, StoreError> {
        self.with_conn(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM artifacts WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()
        })
    }

    /// Removes artifacts and the secrets stored under `secret_prefix(id)`; returns how many
    /// artifacts existed.
    pub fn remove_artifacts(&self, ids: &[String]) -> Result<usize, StoreError> {
        self.with_tx(|tx| {
            let mut removed = 0;
            for id in ids {
                removed += tx.execute("DELETE FROM artifacts WHERE id = ?1", [id])?;
                tx.execute(
                    "DELETE FROM secrets WHERE id >= ?1 AND id < ?2",
                    [
                        artifact_secret_prefix(id),
                        format!("{}\u{10ffff}", artifact_secret_prefix(id)),
                    ],
                )?;
                db::record_audit(tx, "artifact.remove", id)?;
            }
            Ok(removed)
        })
    }
}

/// Secrets that belong to an artifact (an identity's private key) are stored under this prefix.
pub fn artifact_secret_prefix(id: &str) -> String {
    format!("artifact/{id}/")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(id: &str, hash: &str) -> ArtifactRow {
        ArtifactRow {
            id: id.into(),
            kind: "msp".into(),
            display_name: "Org1 MSP".into(),
            msp_id: Some("org1msp".into()),
            content_hash: hash.into(),
            body: "{}".into(),
            source: "org1msp_msp.json".into(),
            checked_at: 1_700_000_000,
            imported_at: String::new(),
        }
    }

    #[test]
    fn same_content_is_one_row_and_remove_takes_it_away() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let first = store
            .with_tx(|tx| Ok(insert_artifact(tx, &row("msp-1", "h1"))))
            .unwrap();
        assert_eq!(first.unwrap(), Inserted::New);
        let again = store
            .with_tx(|tx| Ok(insert_artifact(tx, &row("msp-2", "h1"))))
            .unwrap();
        assert_eq!(again.unwrap(), Inserted::Existing("msp-1".into()));
        let all = store.list_artifacts(None).unwrap();
        assert_eq!(all.len(), 1);
        assert!(!all[0].imported_at.is_empty());
        assert_eq!(store.list_artifacts(Some("peer")).unwrap().len(), 0);
        assert_eq!(
            store.get_artifact("msp-1").unwrap().unwrap().display_name,
            "Org1 MSP"
        );
        assert_eq!(
            store
                .remove_artifacts(&["msp-1".into(), "nope".into()])
                .unwrap(),
            1
        );
        assert!(store.list_artifacts(None).unwrap().is_empty());
    }
}
