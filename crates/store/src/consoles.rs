//! Rows of the console registry. Validation and the meaning of the fields belong to the core;
//! this is storage only. The API secret of a console is a vault secret under
//! [`console_secret_id`], written in the same transaction as the row (see
//! [`crate::Vault::put_in_tx`]) and removed with it.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::db::{self, Store, NOW_SQL};
use crate::error::StoreError;

/// One registered console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleRow {
    /// Row id (stable across renames; names the secret).
    pub id: i64,
    /// Unique display name.
    pub name: String,
    /// Region label (may be empty).
    pub region: String,
    /// Console URL.
    pub url: String,
    /// API key (the Basic-auth user name; not secret); empty with IAM.
    pub api_key: String,
    /// IAM's token endpoint, for a console signed in to with an IBM Cloud API key (the
    /// vault secret is then that key).
    pub iam_token_url: Option<String>,
    /// Extra trusted CA certificate for the console's TLS (PEM; public).
    pub ca_cert_pem: Option<String>,
    /// Started by `fabric-ha sandbox`.
    pub sandbox: bool,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
    /// JSON of the last connection test.
    pub last_verdict: Option<String>,
}

/// The fields a caller sets when adding or editing a console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleFields {
    /// Unique display name.
    pub name: String,
    /// Region label.
    pub region: String,
    /// Console URL.
    pub url: String,
    /// API key (empty with IAM).
    pub api_key: String,
    /// IAM's token endpoint, for an IBM Cloud API key.
    pub iam_token_url: Option<String>,
    /// Extra trusted CA certificate (PEM).
    pub ca_cert_pem: Option<String>,
    /// Started by `fabric-ha sandbox`.
    pub sandbox: bool,
}

const COLUMNS: &str =
    "id, name, region, url, api_key, ca_cert_pem, sandbox, added_at, last_verdict, iam_token_url";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ConsoleRow> {
    Ok(ConsoleRow {
        id: r.get(0)?,
        name: r.get(1)?,
        region: r.get(2)?,
        url: r.get(3)?,
        api_key: r.get(4)?,
        ca_cert_pem: r.get(5)?,
        sandbox: r.get::<_, i64>(6)? != 0,
        added_at: r.get(7)?,
        last_verdict: r.get(8)?,
        iam_token_url: r.get(9)?,
    })
}

/// The vault id of a console's API secret.
pub fn console_secret_id(console_id: i64) -> String {
    format!("console/{console_id}/api_secret")
}

/// The console named `name` (exact match), inside the caller's transaction or connection.
pub fn get_console_in(
    c: &rusqlite::Connection,
    name: &str,
) -> rusqlite::Result<Option<ConsoleRow>> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM consoles WHERE name = ?1"),
        [name],
        from_row,
    )
    .optional()
}

/// Inserts a console; returns its row id. Fails on a name already taken (a UNIQUE
/// constraint error). Runs in the caller's transaction, so the secret can join it.
pub fn insert_console(tx: &Transaction<'_>, fields: &ConsoleFields) -> Result<i64, StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO consoles (name, region, url, api_key, ca_cert_pem, sandbox, added_at,
             iam_token_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW_SQL}, ?7)"
        ),
        params![
            fields.name,
            fields.region,
            fields.url,
            fields.api_key,
            fields.ca_cert_pem,
            i64::from(fields.sandbox),
            fields.iam_token_url
        ],
    )?;
    let id = tx.last_insert_rowid();
    db::record_audit(tx, "console.add", &fields.name)?;
    Ok(id)
}

/// Replaces the fields of console `id` (the last verdict is cleared: it described the old
/// settings). Runs in the caller's transaction.
pub fn update_console(
    tx: &Transaction<'_>,
    id: i64,
    fields: &ConsoleFields,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE consoles SET name = ?2, region = ?3, url = ?4, api_key = ?5, ca_cert_pem = ?6,
         sandbox = ?7, iam_token_url = ?8, last_verdict = NULL WHERE id = ?1",
        params![
            id,
            fields.name,
            fields.region,
            fields.url,
            fields.api_key,
            fields.ca_cert_pem,
            i64::from(fields.sandbox),
            fields.iam_token_url
        ],
    )?;
    db::record_audit(tx, "console.update", &fields.name)?;
    Ok(())
}

impl Store {
    /// Every console, by name.
    pub fn list_consoles(&self) -> Result<Vec<ConsoleRow>, StoreError> {
        self.with_conn(|c| {
            let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM consoles ORDER BY name"))?;
            let rows = stmt.query_map([], from_row)?;
            rows.collect()
        })
    }

    /// The console named `name`.
    pub fn get_console(&self, name: &str) -> Result<Option<ConsoleRow>, StoreError> {
        self.with_conn(|c| get_console_in(c, name))
    }

    /// Stores the JSON of the last connection test of console `id`.
    pub fn set_console_verdict(&self, id: i64, verdict_json: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "UPDATE consoles SET last_verdict = ?2 WHERE id = ?1",
                params![id, verdict_json],
            )
            .map(drop)
        })
    }

    /// Removes the console named `name` and its secrets, in one transaction; returns whether
    /// it existed.
    pub fn remove_console(&self, name: &str) -> Result<bool, StoreError> {
        self.with_tx(|tx| {
            let Some(row) = get_console_in(tx, name)? else {
                return Ok(false);
            };
            tx.execute("DELETE FROM consoles WHERE id = ?1", [row.id])?;
            let prefix = format!("console/{}/", row.id);
            tx.execute(
                "DELETE FROM secrets WHERE id >= ?1 AND id < ?2",
                [prefix.clone(), format!("{prefix}\u{10ffff}")],
            )?;
            db::record_audit(tx, "console.remove", name)?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fields(name: &str) -> ConsoleFields {
        ConsoleFields {
            name: name.into(),
            region: "us-south".into(),
            url: "https://console.example.com".into(),
            api_key: "key".into(),
            iam_token_url: None,
            ca_cert_pem: None,
            sandbox: false,
        }
    }

    #[test]
    fn add_rename_verdict_remove() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let id = store
            .try_with_tx(|tx| insert_console(tx, &fields("one")))
            .unwrap();
        assert!(store
            .try_with_tx(|tx| insert_console(tx, &fields("one")))
            .is_err());
        store
            .try_with_tx(|tx| update_console(tx, id, &fields("two")))
            .unwrap();
        store.set_console_verdict(id, "{}").unwrap();
        let row = store.get_console("two").unwrap().unwrap();
        assert_eq!(row.id, id);
        assert_eq!(row.last_verdict.as_deref(), Some("{}"));
        assert!(!row.added_at.is_empty());
        assert_eq!(store.list_consoles().unwrap().len(), 1);
        assert!(store.remove_console("two").unwrap());
        assert!(!store.remove_console("two").unwrap());
        assert!(store.list_consoles().unwrap().is_empty());
    }

    #[test]
    fn an_iam_token_url_is_kept_and_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let iam = ConsoleFields {
            api_key: String::new(),
            iam_token_url: Some("https://iam.cloud.ibm.com/identity/token".into()),
            ..fields("cloud")
        };
        let id = store.try_with_tx(|tx| insert_console(tx, &iam)).unwrap();
        let row = store.get_console("cloud").unwrap().unwrap();
        assert_eq!(row.iam_token_url, iam.iam_token_url);
        assert_eq!(row.api_key, "");
        store
            .try_with_tx(|tx| update_console(tx, id, &fields("cloud")))
            .unwrap();
        let row = store.get_console("cloud").unwrap().unwrap();
        assert_eq!(row.iam_token_url, None);
        assert_eq!(row.api_key, "key");
    }
}
