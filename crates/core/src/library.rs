//! The local library: console files checked, stored once, listed as tiles and exported again.
//!
//! Import is all-or-nothing per file: a file with any error (in any zip entry, or a conflict
//! with what the library already holds) changes nothing. Identity private keys are stored only
//! encrypted, in the same transaction as their rows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fabric_ha_artifacts::{
    self as artifacts, Artifact, ArtifactKind, Cert, Finding, FindingCode, Problem, ReadOptions,
    Severity,
};
use fabric_ha_sensitive::{SecretBytes, Sensitive};
use fabric_ha_store::{artifact_secret_prefix, insert_artifact, ArtifactRow, Inserted, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{from_store, CoreError};
use crate::workspace::Workspace;

/// Largest file read from disk for an import (a bulk zip of a large console stays far below).
pub const MAX_IMPORT_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Outcome of one file of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportStatus {
    /// Every component was stored (or already there).
    Accepted,
    /// Stored; the warnings say what to watch (e.g. a certificate expiring within 30 days).
    AcceptedWithWarnings,
    /// Nothing from this file was stored; the errors say why.
    Rejected,
}

/// A component an import stored, or found already stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportedArtifact {
    /// Library id.
    pub id: String,
    /// What it is.
    pub kind: ArtifactKind,
    /// Tile title.
    pub display_name: String,
    /// False when the same content was already in the library.
    pub new: bool,
}

/// The report of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportedFile {
    /// The file name (a path's last part, as the user knows it).
    pub file: String,
    /// Accepted, accepted with warnings, or rejected.
    pub status: ImportStatus,
    /// Every error and warning, each naming file, JSON path and reason.
    pub findings: Vec<Finding>,
    /// What was stored (empty when rejected).
    pub artifacts: Vec<ImportedArtifact>,
}

/// The per-file report every import ends in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    /// One entry per file, in the order given.
    pub files: Vec<ImportedFile>,
}

impl ImportReport {
    /// True when no file was rejected.
    pub fn all_accepted(&self) -> bool {
        self.files
            .iter()
            .all(|f| f.status != ImportStatus::Rejected)
    }
}

/// One library artifact as the tiles show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LibraryItem {
    /// Library id.
    pub id: String,
    /// What it is.
    pub kind: ArtifactKind,
    /// Tile title (an identity's wallet name).
    pub display_name: String,
    /// MSP id, where the kind has one.
    pub msp_id: Option<String>,
    /// `api_url` of a CA, peer or the first ordering node.
    pub api_url: Option<String>,
    /// Nodes of an ordering service; 1 otherwise.
    pub nodes: u32,
    /// `location` from the file (`-` or absent for imported components).
    pub location: Option<String>,
    /// Earliest certificate expiry (RFC 3339).
    pub expires_at: Option<String>,
    /// Node OUs are enabled (MSPs) or declared (peers, orderers).
    pub node_ou_enabled: bool,
    /// Identities: the library CAs whose roots issued the certificate (`"Org1 CA"`, or
    /// `"Org1 CA (TLS CA)"` for a TLS root).
    pub issuing_cas: Vec<String>,
    /// Identities: the MSP ids it can administer.
    pub administers: Vec<String>,
    /// The file it came from.
    pub source: String,
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// The name the console gives its download.
    pub file_name: String,
}

/// The shape of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExportFormat {
    /// One component's console file for a single id, else a bulk zip.
    Auto,
    /// One component's console file (exactly one id).
    Json,
    /// The console's bulk zip, whatever the number of components.
    Zip,
}

impl ExportFormat {
    /// The format a file name asks for: `.zip` or `.json`, else `Auto`.
    pub fn from_path(path: &Path) -> ExportFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("zip") => ExportFormat::Zip,
            Some("json") => ExportFormat::Json,
            _ => ExportFormat::Auto,
        }
    }
}

/// An export ready to be written: a console file or a bulk zip.
pub struct ExportFile {
    /// Proposed file name.
    pub file_name: String,
    /// The bytes; secret when they hold private keys.
    pub bytes: SecretBytes,
    /// Whether the bytes hold private keys (written owner-only).
    pub contains_private_keys: bool,
}

impl std::fmt::Debug for ExportFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportFile")
            .field("file_name", &self.file_name)
            .field("contains_private_keys", &self.contains_private_keys)
            .finish_non_exhaustive()
    }
}

/// Checks files without storing anything (`fabric-ha artifact check`).
pub fn check_files(files: &[(String, Vec<u8>)], now: i64) -> Vec<artifacts::FileReport> {
    files
        .iter()
        .map(|(name, bytes)| artifacts::read_file_with(name, bytes, &ReadOptions::at(now)))
        .collect()
}

/// Reads files from disk for an import or a check; a file that cannot be read becomes a
/// rejected entry, not an error of the whole call.
pub fn read_paths(paths: &[PathBuf]) -> Vec<Result<(String, Vec<u8>), ImportedFile>> {
    paths.iter().map(|p| read_one(p)).collect()
}

fn read_one(path: &Path) -> Result<(String, Vec<u8>), ImportedFile> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let refuse = |problem: Problem| ImportedFile {
        file: name.clone(),
        status: ImportStatus::Rejected,
        findings: vec![Finding::error(name.clone(), "", problem)],
        artifacts: vec![],
    };
    let unreadable = |e: std::io::Error| {
        let shown = path.display().to_string();
        refuse(Problem::new(
            FindingCode::FileUnreadable,
            &[("path", &shown), ("reason", &e.to_string())],
            format!("cannot read {shown}: {e}"),
        ))
    };
    let meta = std::fs::symlink_metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(refuse(Problem::new(
            FindingCode::NotRegularFile,
            &[],
            "not a regular file (folders and links are not imported)",
        )));
    }
    if meta.len() > MAX_IMPORT_FILE_BYTES {
        return Err(refuse(Problem::new(
            FindingCode::FileTooLarge,
            &[
                ("size", &meta.len().to_string()),
                ("limit", &MAX_IMPORT_FILE_BYTES.to_string()),
            ],
            format!(
                "the file is {} bytes; files over {MAX_IMPORT_FILE_BYTES} bytes are not read",
                meta.len()
            ),
        )));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    Ok((name, bytes))
}

/// Seconds since the Unix epoch, the clock certificate checks run against.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn kind_tag(kind: ArtifactKind) -> &'static str {
    match kind {
        ArtifactKind::Ca => "ca",
        ArtifactKind::Msp => "msp",
        ArtifactKind::Identity => "identity",
        ArtifactKind::Peer => "peer",
        ArtifactKind::Orderer => "orderer",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The library id of an artifact: its kind and the start of its content hash (hex), so the
/// same content always gets the same id.
fn artifact_id(artifact: &Artifact, hash_hex: &str) -> String {
    format!(
        "{}-{}",
        kind_tag(artifact.kind()),
        hash_hex.get(..12).unwrap_or(hash_hex)
    )
}

/// The library row of an artifact read at `now`, as an import stores it.
pub(crate) fn artifact_row(artifact: &Artifact, now: i64) -> Result<ArtifactRow, CoreError> {
    row_with_hash(artifact, hex(&artifacts::content_hash(artifact)), now)
}

/// [`artifact_row`] with the content hash (hex) the read already computed.
fn row_with_hash(
    artifact: &Artifact,
    hash_hex: String,
    now: i64,
) -> Result<ArtifactRow, CoreError> {
    Ok(ArtifactRow {
        id: artifact_id(artifact, &hash_hex),
        kind: kind_tag(artifact.kind()).into(),
        display_name: artifact.display_name().into(),
        msp_id: artifact.msp_id().map(str::to_owned),
        content_hash: hash_hex,
        body: String::from_utf8(artifacts::export_json(artifact))
            .map_err(|e| CoreError::Internal(format!("export is not UTF-8: {e}")))?,
        source: artifact.source().into(),
        checked_at: now,
        imported_at: String::new(),
    })
}

pub(crate) fn private_key_secret_id(id: &str) -> String {
    format!("{}private_key", artifact_secret_prefix(id))
}

/// The library rows of checked artifacts (with their content hashes), in order; the console
/// JSON of each is written on all cores.
fn rows(
    checked: Vec<(Artifact, String)>,
    now: i64,
) -> Result<Vec<(ArtifactRow, Artifact)>, CoreError> {
    let make = |part: Vec<(Artifact, String)>| {
        part.into_iter()
            .map(|(artifact, hash)| Ok((row_with_hash(&artifact, hash, now)?, artifact)))
            .collect::<Result<Vec<_>, CoreError>>()
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(checked.len() / 64)
        .max(1);
    if workers == 1 {
        return make(checked);
    }
    let chunk = checked.len().div_ceil(workers);
    let mut parts = Vec::with_capacity(workers);
    let mut rest = checked.into_iter();
    loop {
        let part: Vec<_> = rest.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    let own = parts.remove(0);
    std::thread::scope(|s| {
        let helpers: Vec<_> = parts.into_iter().map(|p| s.spawn(|| make(p))).collect();
        let mut out = make(own)?;
        for h in helpers {
            let part = h
                .join()
                .map_err(|_| CoreError::Internal("writing a library row failed".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}

/// A stored artifact read back (identities without their private key).
struct Stored {
    row: ArtifactRow,
    artifact: Option<Artifact>,
}

pub(crate) fn rehydrate(
    row: &ArtifactRow,
    private_key: Option<&Sensitive<String>>,
) -> Result<Artifact, CoreError> {
    let body = match private_key {
        Some(key) => {
            let mut value: serde_json::Value = serde_json::from_str(&row.body).map_err(|e| {
                CoreError::Storage(format!("stored artifact {} is unreadable: {e}", row.id))
            })?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert(
                    "private_key".into(),
                    serde_json::Value::String(key.expose().clone()),
                );
            }
            Sensitive::new(artifacts::to_console_json(&value))
        }
        None => Sensitive::new(row.body.clone().into_bytes()),
    };
    // Read with the clock of the import, so what passed then reads the same now.
    let mut report =
        artifacts::read_json_with(&row.source, body.expose(), &ReadOptions::at(row.checked_at));
    match (report.is_ok(), report.accepted.pop()) {
        (true, Some(artifact)) if report.accepted.is_empty() => Ok(artifact),
        _ => Err(CoreError::Storage(format!(
            "stored artifact {} no longer reads as one console file: {}",
            row.id,
            report
                .errors()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))),
    }
}

fn load_all(store: &Store) -> Result<Vec<Stored>, CoreError> {
    let rows = store.list_artifacts(None).map_err(from_store)?;
    rows.into_iter()
        .map(|row| {
            let artifact = if row.kind == "identity" {
                None
            } else {
                Some(rehydrate(&row, None)?)
            };
            Ok(Stored { row, artifact })
        })
        .collect()
}

/// What a new artifact may conflict with: the library and the earlier artifacts of the same
/// file, indexed once per file so a bulk zip of thousands of components stays linear.
/// Sorted SHA-256 of an MSP's root certificates (of their DER): equal sets, equal roots.
type RootSet = Vec<[u8; 32]>;

#[derive(Default)]
struct ConflictIndex {
    /// msp_id → (sorted root certificates, where it is).
    msps: HashMap<String, Vec<(RootSet, String)>>,
    /// CA api_url → (content hash, where it is).
    ca_urls: HashMap<String, Vec<(String, String)>>,
    /// Wallet name → (content hash, where it is).
    identities: HashMap<String, Vec<(String, String)>>,
}

fn sorted_roots(certs: &[Cert]) -> RootSet {
    let mut roots: RootSet = certs.iter().map(Cert::sha256).collect();
    roots.sort();
    roots.dedup();
    roots
}

impl ConflictIndex {
    fn new(stored: &[Stored]) -> ConflictIndex {
        let mut index = ConflictIndex::default();
        for s in stored {
            let place = format!("{}, \"{}\"", s.row.id, s.row.display_name);
            match &s.artifact {
                Some(artifact) => index.add(artifact, &s.row.content_hash, place),
                None if s.row.kind == "identity" => index
                    .identities
                    .entry(s.row.display_name.clone())
                    .or_default()
                    .push((s.row.content_hash.clone(), place)),
                None => {}
            }
        }
        index
    }

    fn add(&mut self, artifact: &Artifact, hash: &str, place: String) {
        match artifact {
            Artifact::Msp(m) => self
                .msps
                .entry(m.msp_id().to_owned())
                .or_default()
                .push((sorted_roots(m.root_certs()), place)),
            Artifact::Ca(ca) => self
                .ca_urls
                .entry(ca.api_url().to_owned())
                .or_default()
                .push((hash.to_owned(), place)),
            Artifact::Identity(i) => self
                .identities
                .entry(i.name().to_owned())
                .or_default()
                .push((hash.to_owned(), place)),
            _ => {}
        }
    }

    /// Errors (conflicts) and warnings `artifact` raises.
    fn check(&self, artifact: &Artifact, hash: &str, file: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        match artifact {
            Artifact::Msp(msp) => {
                let roots = sorted_roots(msp.root_certs());
                for (other, place) in self.msps.get(msp.msp_id()).into_iter().flatten() {
                    if *other != roots {
                        findings.push(Finding::error(
                            file,
                            "$.root_certs",
                            Problem::new(
                                FindingCode::MspConflict,
                                &[("msp", msp.msp_id()), ("place", place)],
                                format!(
                                    "conflict: MSP '{}' is already in the library ({place}) with different root certificates; remove that one first if this file replaces it",
                                    msp.msp_id()
                                ),
                            ),
                        ));
                    }
                }
            }
            Artifact::Ca(ca) => {
                for (other, place) in self.ca_urls.get(ca.api_url()).into_iter().flatten() {
                    if other != hash {
                        findings.push(Finding::warning(
                            file,
                            "$.api_url",
                            Problem::new(
                                FindingCode::CaUrlDuplicate,
                                &[("url", ca.api_url()), ("place", place)],
                                format!(
                                    "another CA with api_url {} is already in the library ({place}); both are kept",
                                    ca.api_url()
                                ),
                            ),
                        ));
                    }
                }
            }
            Artifact::Identity(identity) => {
                for (other, place) in self.identities.get(identity.name()).into_iter().flatten() {
                    if other != hash {
                        findings.push(Finding::error(
                            file,
                            "$.name",
                            Problem::new(
                                FindingCode::IdentityConflict,
                                &[("name", identity.name()), ("place", place)],
                                format!(
                                    "conflict: an identity named '{}' is already in the wallet ({place}) with another certificate; wallet names are unique",
                                    identity.name()
                                ),
                            ),
                        ));
                    }
                }
            }
            _ => {}
        }
        findings
    }
}

impl Workspace {
    /// Imports files (name + bytes) into the library, checking certificates against the wall
    /// clock.
    pub fn import_files(&self, files: Vec<(String, Vec<u8>)>) -> Result<ImportReport, CoreError> {
        self.import_files_at(files, unix_now())
    }

    /// Imports files read from disk; unreadable ones are rejected entries of the report.
    pub fn import_paths(&self, paths: &[PathBuf]) -> Result<ImportReport, CoreError> {
        let now = unix_now();
        let mut files = Vec::new();
        for read in read_paths(paths) {
            match read {
                Ok(file) => files.extend(self.import_files_at(vec![file], now)?.files),
                Err(rejected) => files.push(rejected),
            }
        }
        Ok(ImportReport { files })
    }

    /// [`Workspace::import_files`] with the certificate clock given (Unix seconds).
    pub fn import_files_at(
        &self,
        files: Vec<(String, Vec<u8>)>,
        now: i64,
    ) -> Result<ImportReport, CoreError> {
        let mut out = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let report = artifacts::read_file_with(&name, &bytes, &ReadOptions::at(now));
            out.push(self.store_report(report, now)?);
        }
        Ok(ImportReport { files: out })
    }

    pub(crate) fn store_report(
        &self,
        report: artifacts::FileReport,
        now: i64,
    ) -> Result<ImportedFile, CoreError> {
        let file = report.file.clone();
        let mut findings = report.findings.clone();
        let rejected = |findings: Vec<Finding>| ImportedFile {
            file: file.clone(),
            status: ImportStatus::Rejected,
            findings,
            artifacts: vec![],
        };
        if !report.is_ok() {
            tracing::info!(file = %file, errors = report.errors().count(), "import rejected");
            return Ok(rejected(findings));
        }
        // The read summarised every accepted artifact, content hash included, in order.
        if report.artifacts.len() != report.accepted.len() {
            return Err(CoreError::Internal(format!(
                "the read of {file} has {} summaries for {} artifacts",
                report.artifacts.len(),
                report.accepted.len()
            )));
        }
        let mut index = ConflictIndex::new(&load_all(self.store())?);
        let mut checked = Vec::with_capacity(report.accepted.len());
        for (artifact, summary) in report.accepted.into_iter().zip(report.artifacts) {
            findings.extend(index.check(&artifact, &summary.content_hash, &file));
            index.add(
                &artifact,
                &summary.content_hash,
                format!("{}, in the same file", artifact.source()),
            );
            checked.push((artifact, summary.content_hash));
        }
        if findings.iter().any(Finding::is_error) {
            return Ok(rejected(findings));
        }
        let prepared = rows(checked, now)?;
        let has_identity = prepared
            .iter()
            .any(|(_, a)| a.kind() == ArtifactKind::Identity);
        let write =
            |vault: Option<&fabric_ha_store::Vault>| -> Result<Vec<ImportedArtifact>, CoreError> {
                let store = self.store();
                store
                    .try_with_tx(|tx| {
                        let mut done = Vec::new();
                        for (row, artifact) in &prepared {
                            let inserted = insert_artifact(tx, row)?;
                            if let (Inserted::New, Artifact::Identity(identity), Some(vault)) =
                                (&inserted, artifact, vault)
                            {
                                vault.put_in_tx(
                                    store,
                                    tx,
                                    &private_key_secret_id(&row.id),
                                    identity.private_key().expose().as_bytes(),
                                )?;
                            }
                            done.push(ImportedArtifact {
                                id: match &inserted {
                                    Inserted::New => row.id.clone(),
                                    Inserted::Existing(id) => id.clone(),
                                },
                                kind: artifact.kind(),
                                display_name: row.display_name.clone(),
                                new: inserted == Inserted::New,
                            });
                        }
                        Ok(done)
                    })
                    .map_err(from_store)
            };
        let stored_artifacts = if has_identity {
            match self.with_vault(|vault, _| write(Some(vault))) {
                Ok(done) => done,
                Err(CoreError::Locked(reason)) => {
                    findings.push(Finding::error(
                        &file,
                        "$.private_key",
                        Problem::new(
                            FindingCode::SecretsLocked,
                            &[("reason", &reason)],
                            format!("identities are stored encrypted, but secrets are locked ({reason}); unlock them and import again"),
                        ),
                    ));
                    return Ok(rejected(findings));
                }
                Err(e) => return Err(e),
            }
        } else {
            write(None)?
        };
        let status = if findings.iter().any(|f| f.severity == Severity::Warning) {
            ImportStatus::AcceptedWithWarnings
        } else {
            ImportStatus::Accepted
        };
        tracing::info!(file = %file, stored = stored_artifacts.len(), ?status, "import accepted");
        Ok(ImportedFile {
            file,
            status,
            findings,
            artifacts: stored_artifacts,
        })
    }

    /// Every library artifact, as tiles show it.
    pub fn library(&self) -> Result<Vec<LibraryItem>, CoreError> {
        let stored = load_all(self.store())?;
        let cas: Vec<&artifacts::CaArtifact> = stored
            .iter()
            .filter_map(|s| match &s.artifact {
                Some(Artifact::Ca(ca)) => Some(ca),
                _ => None,
            })
            .collect();
        let msps: Vec<&artifacts::MspArtifact> = stored
            .iter()
            .filter_map(|s| match &s.artifact {
                Some(Artifact::Msp(m)) => Some(m),
                _ => None,
            })
            .collect();
        let enrolled: HashMap<String, fabric_ha_store::EnrollmentRow> = self
            .store()
            .enrollments()
            .map_err(from_store)?
            .into_iter()
            .map(|e| (e.identity_id.clone(), e))
            .collect();
        stored
            .iter()
            .map(|s| item(s, &cas, &msps, &enrolled))
            .collect()
    }

    /// Builds the export of `ids` (everything when empty): one console file or a bulk zip, as
    /// `format` says. Private keys leave only with `include_private_keys`.
    pub fn export(
        &self,
        ids: &[String],
        include_private_keys: bool,
        format: ExportFormat,
    ) -> Result<ExportFile, CoreError> {
        let rows = if ids.is_empty() {
            self.store().list_artifacts(None).map_err(from_store)?
        } else {
            ids.iter()
                .map(|id| {
                    self.store()
                        .get_artifact(id)
                        .map_err(from_store)?
                        .ok_or_else(|| CoreError::NotFound {
                            what: format!("artifact {id}"),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let asked_identities = !ids.is_empty() && rows.iter().any(|r| r.kind == "identity");
        if asked_identities && !include_private_keys {
            return Err(CoreError::InvalidInput {
                field: "includePrivateKeys".into(),
                reason: "exporting an identity writes its private key; confirm that the key may leave the app".into(),
            });
        }
        let wanted: Vec<&ArtifactRow> = rows
            .iter()
            .filter(|r| include_private_keys || r.kind != "identity")
            .collect();
        let mut list = Vec::with_capacity(wanted.len());
        for row in &wanted {
            list.push(if row.kind == "identity" {
                let key = self.with_vault(|vault, store| {
                    vault
                        .get_str(store, &private_key_secret_id(&row.id))
                        .map_err(from_store)
                })?;
                rehydrate(row, Some(&key))?
            } else {
                rehydrate(row, None)?
            });
        }
        let keys = list.iter().any(|a| a.kind() == ArtifactKind::Identity);
        let single_file = match (format, list.len()) {
            (ExportFormat::Zip, _) => false,
            (ExportFormat::Auto, 1) => !ids.is_empty(),
            (ExportFormat::Auto, _) => false,
            (ExportFormat::Json, 1) => true,
            (ExportFormat::Json, n) => {
                return Err(CoreError::InvalidInput {
                    field: "format".into(),
                    reason: format!(
                        "a .json file holds one component, but {n} were selected; use a .zip"
                    ),
                })
            }
        };
        match list.as_slice() {
            [] => Err(CoreError::InvalidInput {
                field: "ids".into(),
                reason: "nothing to export".into(),
            }),
            [single] if single_file => {
                let bytes = match single {
                    Artifact::Identity(identity) => artifacts::export_identity(identity),
                    other => SecretBytes::from(artifacts::export_json(other)),
                };
                Ok(ExportFile {
                    file_name: artifacts::export_file_name(single),
                    bytes,
                    contains_private_keys: keys,
                })
            }
            _ => {
                let bytes = artifacts::export_bulk_zip(&list, keys)
                    .map_err(|e| CoreError::Internal(e.to_string()))?;
                Ok(ExportFile {
                    file_name: bulk_zip_name(),
                    bytes,
                    contains_private_keys: keys,
                })
            }
        }
    }

    /// Removes artifacts (and an identity's encrypted key); returns how many existed.
    pub fn remove_artifacts(&self, ids: &[String]) -> Result<usize, CoreError> {
        self.store().remove_artifacts(ids).map_err(from_store)
    }
}

/// Name of a bulk export, in the console's pattern (`FOC.<date>-<time>.zip`).
fn bulk_zip_name() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "FOC.{:04}-{:02}-{:02}-{:02}{:02}{:02}.zip",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Writes an export to `path`; owner-only (0600) when it holds private keys.
pub fn write_export(path: &Path, export: &ExportFile) -> Result<(), CoreError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if export.contains_private_keys {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", path.display())))?;
    #[cfg(unix)]
    if export.contains_private_keys {
        use std::os::unix::fs::PermissionsExt;
        // An existing file keeps its mode on open: tighten it before the keys go in.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CoreError::Storage(format!("cannot restrict {}: {e}", path.display())))?;
    }
    file.write_all(export.bytes.expose())
        .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", path.display())))
}

fn item(
    s: &Stored,
    cas: &[&artifacts::CaArtifact],
    msps: &[&artifacts::MspArtifact],
    enrolled: &HashMap<String, fabric_ha_store::EnrollmentRow>,
) -> Result<LibraryItem, CoreError> {
    let row = &s.row;
    let kind = match row.kind.as_str() {
        "ca" => ArtifactKind::Ca,
        "msp" => ArtifactKind::Msp,
        "identity" => ArtifactKind::Identity,
        "peer" => ArtifactKind::Peer,
        "orderer" => ArtifactKind::Orderer,
        other => {
            return Err(CoreError::Storage(format!(
                "artifact {} has unknown kind {other:?}",
                row.id
            )))
        }
    };
    let mut item = LibraryItem {
        id: row.id.clone(),
        kind,
        display_name: row.display_name.clone(),
        msp_id: row.msp_id.clone(),
        api_url: None,
        nodes: 1,
        location: None,
        expires_at: None,
        node_ou_enabled: false,
        issuing_cas: vec![],
        administers: vec![],
        source: row.source.clone(),
        imported_at: row.imported_at.clone(),
        file_name: String::new(),
    };
    match &s.artifact {
        Some(artifact) => {
            let summary = artifacts::summarize(artifact);
            item.api_url = summary.api_url;
            item.nodes = summary.nodes;
            item.expires_at = summary.earliest_expiry;
            item.file_name = artifacts::export_file_name(artifact);
            item.location = artifacts::export_value(artifact)
                .get("location")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            item.node_ou_enabled = match artifact {
                Artifact::Msp(m) => m.node_ous_enabled(),
                Artifact::Peer(n) => n.node_ou_enabled(),
                Artifact::Orderer(o) => o.nodes().iter().any(|n| n.node_ou_enabled()),
                _ => false,
            };
        }
        None => {
            // An identity: its certificate is enough for the wallet tile.
            let body: serde_json::Value = serde_json::from_str(&row.body).map_err(|e| {
                CoreError::Storage(format!("stored identity {} is unreadable: {e}", row.id))
            })?;
            let cert = body
                .get("cert")
                .and_then(|v| v.as_str())
                .and_then(|b64| Cert::from_b64pem(b64).ok())
                .ok_or_else(|| {
                    CoreError::Storage(format!("stored identity {} has no readable cert", row.id))
                })?;
            item.expires_at = Some(rfc3339(cert.not_after()));
            item.file_name = format!("{}_identity.json", row.display_name);
            for ca in cas {
                if artifacts::issuing_root(&cert, ca.root_certs()).is_some() {
                    item.issuing_cas.push(ca.display_name().to_owned());
                } else if artifacts::issuing_root(&cert, ca.tlsca_root_certs()).is_some() {
                    item.issuing_cas
                        .push(format!("{} (TLS CA)", ca.display_name()));
                }
            }
            if item.issuing_cas.is_empty() {
                // Enrolled here at a CA the library has no file of: name it as enrolled.
                if let Some(e) = enrolled.get(&row.id) {
                    item.issuing_cas
                        .push(crate::ca::enrolled_ca_label(&e.ca_name, &e.ca_url));
                }
            }
            for msp in msps {
                if artifacts::can_administer(&cert, msp)
                    && !item.administers.iter().any(|m| m == msp.msp_id())
                {
                    item.administers.push(msp.msp_id().to_owned());
                }
            }
        }
    }
    Ok(item)
}

/// `unix` (seconds) as RFC 3339 (UTC).
pub(crate) fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}
