//! Rows that tie wallet identities to Fabric CAs: where an enrolled identity came from (with
//! the CA chain `cainfo` reported, kept beside the identity) and which wallet identity a library
//! CA is associated with. The meaning of the rows belongs to the core; this is storage only.
//! Both kinds of row go when the artifacts they refer to are removed (foreign keys cascade).

use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::db::{self, Store, NOW_SQL};
use crate::error::StoreError;

/// Where an enrolled wallet identity came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentRow {
    /// Library id of the identity.
    pub identity_id: String,
    /// URL of the CA server it was enrolled at.
    pub ca_url: String,
    /// CA name inside the server (`?ca=`).
    pub ca_name: String,
    /// The enroll id.
    pub enroll_id: String,
    /// The CA chain reported with the enrollment (PEM).
    pub ca_chain_pem: String,
    /// When it was enrolled (RFC 3339, UTC); set by the database on insert.
    pub enrolled_at: String,
}

const ENROLLMENT_COLUMNS: &str =
    "identity_id, ca_url, ca_name, enroll_id, ca_chain_pem, enrolled_at";

fn enrollment_from_row(r: &Row<'_>) -> rusqlite::Result<EnrollmentRow> {
    Ok(EnrollmentRow {
        identity_id: r.get(0)?,
        ca_url: r.get(1)?,
        ca_name: r.get(2)?,
        enroll_id: r.get(3)?,
        ca_chain_pem: r.get(4)?,
        enrolled_at: r.get(5)?,
    })
}

/// Records where identity `row.identity_id` (already inserted) was enrolled. Runs in the
/// caller's transaction, so it commits with the identity; `row.enrolled_at` is ignored.
pub fn insert_enrollment(tx: &Transaction<'_>, row: &EnrollmentRow) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO wallet_enrollments
             (identity_id, ca_url, ca_name, enroll_id, ca_chain_pem, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, {NOW_SQL})"
        ),
        params![
            row.identity_id,
            row.ca_url,
            row.ca_name,
            row.enroll_id,
            row.ca_chain_pem
        ],
    )?;
    db::record_audit(
        tx,
        "wallet.enroll",
        &format!("{} {} {}", row.identity_id, row.ca_url, row.ca_name),
    )?;
    Ok(())
}

/// Replaces wallet identity `old_id` by `new_id` (already inserted, with its key and
/// enrollment, in the same transaction): CA associations and the plans naming it (their org
/// admin or registrar identity) move to the new identity, then the
/// old identity, its enrollment row and its secrets go. Nothing changes unless the caller's
/// transaction commits.
pub fn replace_identity(
    tx: &Transaction<'_>,
    old_id: &str,
    new_id: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE ca_associations SET identity_id = ?2 WHERE identity_id = ?1",
        [old_id, new_id],
    )?;
    // Plans name identities by library id: they follow the replacement.
    for path in [
        "$.source.org_admin_identity",
        "$.source.registrar.library_identity",
    ] {
        tx.execute(
            "UPDATE plans SET body = json_set(body, ?3, ?2) WHERE json_extract(body, ?3) = ?1",
            [old_id, new_id, path],
        )?;
    }
    tx.execute("DELETE FROM artifacts WHERE id = ?1", [old_id])?;
    let prefix = crate::artifacts::artifact_secret_prefix(old_id);
    tx.execute(
        "DELETE FROM secrets WHERE id >= ?1 AND id < ?2",
        [prefix.clone(), format!("{prefix}\u{10ffff}")],
    )?;
    db::record_audit(tx, "wallet.replace", &format!("{old_id} {new_id}"))?;
    Ok(())
}

impl Store {
    /// Where the identity `identity_id` was enrolled, if it was enrolled by this app.
    pub fn enrollment(&self, identity_id: &str) -> Result<Option<EnrollmentRow>, StoreError> {
        self.with_conn(|c| {
            c.query_row(
                &format!(
                    "SELECT {ENROLLMENT_COLUMNS} FROM wallet_enrollments WHERE identity_id = ?1"
                ),
                [identity_id],
                enrollment_from_row,
            )
            .optional()
        })
    }

    /// Every enrollment record, oldest first.
    pub fn enrollments(&self) -> Result<Vec<EnrollmentRow>, StoreError> {
        self.with_conn(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {ENROLLMENT_COLUMNS} FROM wallet_enrollments ORDER BY enrolled_at, identity_id"
            ))?;
            let rows = stmt.query_map([], enrollment_from_row)?;
            rows.collect()
        })
    }

    /// Associates the library CA `ca_id` with the wallet identity `identity_id`, replacing any
    /// earlier association of that CA.
    pub fn set_ca_association(&self, ca_id: &str, identity_id: &str) -> Result<(), StoreError> {
        self.with_tx(|tx| {
            tx.execute(
                &format!(
                    "INSERT INTO ca_associations (ca_id, identity_id, associated_at)
                     VALUES (?1, ?2, {NOW_SQL})
                     ON CONFLICT(ca_id) DO UPDATE
                     SET identity_id = excluded.identity_id, associated_at = excluded.associated_at"
                ),
                [ca_id, identity_id],
            )?;
            db::record_audit(tx, "ca.associate", &format!("{ca_id} {identity_id}"))
        })
    }

    /// The wallet identity associated with the library CA `ca_id`.
    pub fn ca_association(&self, ca_id: &str) -> Result<Option<String>, StoreError> {
        self.with_conn(|c| {
            c.query_row(
                "SELECT identity_id FROM ca_associations WHERE ca_id = ?1",
                [ca_id],
                |r| r.get(0),
            )
            .optional()
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::artifacts::{insert_artifact, ArtifactRow};

    fn artifact(id: &str, kind: &str) -> ArtifactRow {
        ArtifactRow {
            id: id.into(),
            kind: kind.into(),
            display_name: id.into(),
            msp_id: None,
            content_hash: format!("hash-{id}"),
            body: "{}".into(),
            source: "test".into(),
            checked_at: 0,
            imported_at: String::new(),
        }
    }

    #[test]
    fn enrollments_and_associations_follow_their_artifacts() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        store
            .try_with_tx(|tx| {
                insert_artifact(tx, &artifact("identity-1", "identity"))?;
                insert_artifact(tx, &artifact("ca-1", "ca"))?;
                insert_enrollment(
                    tx,
                    &EnrollmentRow {
                        identity_id: "identity-1".into(),
                        ca_url: "https://ca.example.com:7054".into(),
                        ca_name: "ca".into(),
                        enroll_id: "admin".into(),
                        ca_chain_pem: "chain".into(),
                        enrolled_at: String::new(),
                    },
                )
            })
            .unwrap();
        let row = store.enrollment("identity-1").unwrap().unwrap();
        assert_eq!(row.enroll_id, "admin");
        assert!(!row.enrolled_at.is_empty());
        assert_eq!(store.enrollments().unwrap(), vec![row]);

        assert_eq!(store.ca_association("ca-1").unwrap(), None);
        store.set_ca_association("ca-1", "identity-1").unwrap();
        store.set_ca_association("ca-1", "identity-1").unwrap();
        assert_eq!(
            store.ca_association("ca-1").unwrap().as_deref(),
            Some("identity-1")
        );
        assert!(store.set_ca_association("ca-1", "missing").is_err());

        store.remove_artifacts(&["identity-1".into()]).unwrap();
        assert_eq!(store.enrollment("identity-1").unwrap(), None);
        assert_eq!(store.ca_association("ca-1").unwrap(), None);
    }

    #[test]
    fn plans_naming_a_replaced_identity_name_its_replacement() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let plan = |name: &str, admin: &str, registrar: &str| {
            serde_json::json!({
                "name": name,
                "source": {
                    "org_admin_identity": admin,
                    "registrar": { "library_identity": registrar },
                },
            })
            .to_string()
        };
        store
            .try_with_tx(|tx| {
                insert_artifact(tx, &artifact("old", "identity"))?;
                insert_artifact(tx, &artifact("new", "identity"))?;
                for (id, body) in [
                    ("p1", plan("p1", "old", "old")),
                    ("p2", plan("p2", "other", "other")),
                ] {
                    tx.execute(
                        "INSERT INTO plans (id, name, body, state, created_at, updated_at)
                         VALUES (?1, ?1, ?2, 'draft', '', '')",
                        [id, body.as_str()],
                    )?;
                }
                replace_identity(tx, "old", "new")
            })
            .unwrap();
        let bodies: Vec<serde_json::Value> = store
            .with_conn(|c| {
                let mut stmt = c.prepare("SELECT body FROM plans ORDER BY id")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap()
            .iter()
            .map(|b| serde_json::from_str(b).unwrap())
            .collect();
        assert_eq!(bodies[0]["source"]["org_admin_identity"], "new");
        assert_eq!(bodies[0]["source"]["registrar"]["library_identity"], "new");
        assert_eq!(bodies[1]["source"]["org_admin_identity"], "other");
        assert_eq!(
            bodies[1]["source"]["registrar"]["library_identity"],
            "other"
        );
    }
}
