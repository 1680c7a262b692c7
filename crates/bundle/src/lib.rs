//! Offline bundles: everything a console you cannot reach from your desk needs, in one file.
//!
//! A bundle is a zip holding
//! * `console/bulk-import.zip` — the console's own bulk-import layout (§4.6), which its
//!   Settings → Bulk data management → Import accepts as it is;
//! * `api/NN-<type>-<name>.json` — the same components as strict v3 import bodies (§4.7);
//! * `steps.md` and `steps.html` — what to do in that console, in the procedure's order, with
//!   the values to type (never a secret unless the creator opted in);
//! * `manifest.json` — format version, when, by which app version, source and target console,
//!   plan id, and every file with its size and SHA-256;
//! * `manifest.sig` — optionally, an ed25519 signature over the manifest's exact bytes with
//!   the signer's public key (the manifest records the same key).
//!
//! The zip is encrypted with `age` by default (a passphrase through scrypt, or X25519
//! recipients `age1…`), so without the key not even the manifest shows. Reading checks every
//! entry name, size and count against caps before anything is used; [`Opened::verify`] checks
//! every checksum and the signature and names the entry that does not match.

mod crypto;
mod error;
mod steps;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use fabric_ha_artifacts::{self as artifacts, Artifact, ArtifactKind};
use fabric_ha_sensitive::{Bytes, SecretBytes, Sensitive};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

pub use crypto::{BundleKey, Protection, Signer};

pub use error::BundleError;
pub use steps::{ManualStep, StepValue, StepValueText};

/// The `format` field of every manifest.
pub const FORMAT: &str = "fabric-ha-bundle";
/// The manifest format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's entry name.
pub const MANIFEST: &str = "manifest.json";
/// The signature's entry name.
pub const SIGNATURE: &str = "manifest.sig";
/// The console-layout zip's entry name.
pub const CONSOLE_ZIP: &str = "console/bulk-import.zip";
/// The Markdown step list's entry name.
pub const STEPS_MD: &str = "steps.md";
/// The HTML step list's entry name.
pub const STEPS_HTML: &str = "steps.html";

/// A console as the bundle names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "BundleConsoleRef")]
pub struct ConsoleRef {
    /// Its name in the workspace that made the bundle.
    pub name: String,
    /// Its URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The HA plan a bundle carries out (part of).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "BundlePlanRef")]
pub struct PlanRef {
    /// Workspace id of the plan.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The plan's journal keys of the steps that applying the bundle carries out.
    #[serde(default)]
    pub steps: Vec<String>,
}

/// What an entry of the bundle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "BundleFileRole")]
pub enum FileRole {
    /// The console-layout bulk zip.
    ConsoleZip,
    /// A strict v3 import body.
    ImportBody,
    /// The Markdown step list.
    StepsMarkdown,
    /// The HTML step list.
    StepsHtml,
}

/// One file of the bundle, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "BundleFileEntry")]
pub struct FileEntry {
    /// Entry name in the bundle.
    pub path: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// What it is.
    pub role: FileRole,
}

/// One component the bundle carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "BundleComponent")]
pub struct ComponentEntry {
    /// What it is.
    pub kind: ArtifactKind,
    /// Tile title (an identity's wallet name).
    pub display_name: String,
    /// MSP id, where the kind has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msp_id: Option<String>,
}

/// The manifest: what the bundle is for and every file in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "BundleManifest")]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// When the bundle was made (RFC 3339, UTC).
    pub created_at: String,
    /// Version of the app that made it.
    pub app_version: String,
    /// The console the components came from, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_console: Option<ConsoleRef>,
    /// The console the bundle is for.
    pub target_console: ConsoleRef,
    /// The plan it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanRef>,
    /// Whether identities (with private keys) and secrets are inside.
    pub includes_identities: bool,
    /// The signer's ed25519 public key (base64), when the manifest is signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_public_key: Option<String>,
    /// The components, in the order of the step list.
    pub components: Vec<ComponentEntry>,
    /// Every file except the manifest and its signature.
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// The plan id, when the bundle belongs to a plan.
    pub fn plan_id(&self) -> Option<&str> {
        self.plan.as_ref().map(|p| p.id.as_str())
    }
}

/// What to put in a bundle.
#[derive(Debug, Clone)]
pub struct BundleSpec {
    /// The console it is for.
    pub target: ConsoleRef,
    /// The console the components came from.
    pub source: Option<ConsoleRef>,
    /// The plan it belongs to.
    pub plan: Option<PlanRef>,
    /// The components (console files as read by `fabric-ha-artifacts`).
    pub artifacts: Vec<Artifact>,
    /// Carry identities with their private keys (and secrets in the step list). Without it,
    /// identities among `artifacts` are left out.
    pub include_identities: bool,
    /// Steps after the imports that only a person can do in the console.
    pub manual_steps: Vec<ManualStep>,
    /// Version of the app making it.
    pub app_version: String,
}

/// Caps applied while reading a bundle. Sizes are counted on the bytes actually produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest bundle file, and largest decrypted zip.
    pub max_bundle_bytes: u64,
    /// Most entries.
    pub max_entries: usize,
    /// Largest entry.
    pub max_entry_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bundle_bytes: 512 * 1024 * 1024,
            max_entries: 20_000,
            max_entry_bytes: 256 * 1024 * 1024,
        }
    }
}

/// A bundle made by [`create`].
#[derive(Debug)]
pub struct Created {
    /// The file's bytes (encrypted unless asked otherwise; secret when identities are inside).
    pub bytes: SecretBytes,
    /// Its manifest.
    pub manifest: Manifest,
    /// Whether the bytes are encrypted.
    pub encrypted: bool,
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A file-name part: letters, digits, `-`, `_` and `.` kept, the rest `-`.
fn name_part(s: &str) -> String {
    let part: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let part = part.trim_matches(|c| c == '-' || c == '.').to_owned();
    if part.is_empty() {
        "component".to_owned()
    } else {
        part
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> BundleError {
    BundleError::Invalid {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The pretty JSON of a value, with a trailing newline.
fn pretty(value: &impl Serialize) -> Result<Vec<u8>, BundleError> {
    let mut bytes =
        serde_json::to_vec_pretty(value).map_err(|e| invalid("manifest", e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// An `api/*.json` entry: the call to make with its body (keys in sorted order).
#[derive(Serialize)]
struct ImportFile<'a> {
    body: &'a serde_json::Value,
    method: &'static str,
    path: String,
}

/// Hands every `api/*.json` entry to `put` as it is made, in the procedure's order (CAs,
/// MSPs, peers, ordering nodes).
fn for_each_import_body(
    artifacts: &[&Artifact],
    mut put: impl FnMut(String, SecretBytes) -> Result<(), BundleError>,
) -> Result<(), BundleError> {
    let order = [
        ArtifactKind::Ca,
        ArtifactKind::Msp,
        ArtifactKind::Peer,
        ArtifactKind::Orderer,
    ];
    let mut n = 0;
    for kind in order {
        for a in artifacts.iter().filter(|a| a.kind() == kind) {
            for body in artifacts::import_bodies(a) {
                n += 1;
                let display = body
                    .body
                    .get("display_name")
                    .and_then(|v| v.as_str())
                    .unwrap_or(a.display_name());
                let path = format!(
                    "api/{n:02}-{}-{}.json",
                    body.component_type,
                    name_part(display)
                );
                let bytes = pretty(&ImportFile {
                    method: "POST",
                    path: format!("/ak/api/v3/components/{}", body.component_type),
                    body: &body.body,
                })?;
                put(path, SecretBytes::from(bytes))?;
            }
        }
    }
    Ok(())
}

/// Builds a bundle: the console zip, the import bodies, the step lists and the manifest,
/// optionally signed, then protected as `protection` says.
pub fn create(
    spec: &BundleSpec,
    protection: &Protection,
    signer: Option<&Signer>,
) -> Result<Created, BundleError> {
    protection.check()?;
    if spec.target.name.trim().is_empty() {
        return Err(invalid("target", "the target console has no name"));
    }
    // Identities go in only with the opt-in (the console zip leaves them out by itself).
    let included = |a: &&Artifact| spec.include_identities || a.kind() != ArtifactKind::Identity;
    let artifacts: Vec<&Artifact> = spec.artifacts.iter().filter(included).collect();
    if artifacts.is_empty() {
        return Err(invalid(
            "artifacts",
            "nothing to bundle (identities need --include-identities)",
        ));
    }
    // Three things at once: the console zip on one thread; the import bodies, written into
    // the bundle's zip as they are made, on this one; and the zip, in chunks, protected on a
    // third as it arrives. The manifest, which needs every file's SHA-256, goes in last.
    let (chunks, received) = std::sync::mpsc::sync_channel(8);
    let encrypted = !matches!(protection, Protection::Unencrypted { .. });
    std::thread::scope(|scope| {
        let sealer = scope.spawn(move || crypto::seal_stream(protection, received));
        let zipped = (|| -> Result<Manifest, BundleError> {
            let console_zip = scope.spawn(|| {
                artifacts::export_bulk_zip(&spec.artifacts, spec.include_identities)
                    .map_err(|e| invalid("artifacts", e.to_string()))
                    .map(|zip| {
                        let sha = sha256_hex(zip.expose());
                        (zip, sha)
                    })
            });
            let mut zip = BundleZip::new(ChunkSink::new(chunks));
            let mut files = Vec::new();
            for_each_import_body(&artifacts, |path, bytes| {
                files.push(zip.put(path, FileRole::ImportBody, bytes)?);
                Ok(())
            })?;
            for (path, role, text) in [
                (STEPS_MD, FileRole::StepsMarkdown, steps::markdown(spec)),
                (STEPS_HTML, FileRole::StepsHtml, steps::html(spec)),
            ] {
                files.push(zip.put(path.to_owned(), role, SecretBytes::from(text.into_bytes()))?);
            }
            let (console_zip, sha256) = console_zip
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            zip.raw(CONSOLE_ZIP, console_zip.expose())?;
            files.insert(
                0,
                FileEntry {
                    path: CONSOLE_ZIP.to_owned(),
                    size: console_zip.expose().len() as u64,
                    sha256,
                    role: FileRole::ConsoleZip,
                },
            );
            let manifest = Manifest {
                format: FORMAT.to_owned(),
                format_version: FORMAT_VERSION,
                created_at: now_rfc3339(),
                app_version: spec.app_version.clone(),
                source_console: spec.source.clone(),
                target_console: spec.target.clone(),
                plan: spec.plan.clone(),
                includes_identities: spec.include_identities,
                signer_public_key: signer.map(Signer::public_key),
                components: component_entries(&artifacts),
                files,
            };
            let manifest_bytes = pretty(&manifest)?;
            zip.raw(MANIFEST, &manifest_bytes)?;
            if let Some(signer) = signer {
                zip.raw(SIGNATURE, &pretty(&signer.sign(&manifest_bytes))?)?;
            }
            zip.finish()?;
            Ok(manifest)
        })();
        // A failed zip drops its sink, which ends the sealer; a failed sealer stops the zip.
        let sealed = sealer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let manifest = zipped?;
        Ok(Created {
            bytes: sealed?,
            manifest,
            encrypted,
        })
    })
}

/// The components a manifest lists, in the procedure's order.
fn component_entries(artifacts: &[&Artifact]) -> Vec<ComponentEntry> {
    [
        ArtifactKind::Ca,
        ArtifactKind::Msp,
        ArtifactKind::Identity,
        ArtifactKind::Peer,
        ArtifactKind::Orderer,
    ]
    .into_iter()
    .flat_map(|kind| artifacts.iter().filter(move |a| a.kind() == kind))
    .map(|a| ComponentEntry {
        kind: a.kind(),
        display_name: a.display_name().to_owned(),
        msp_id: a.msp_id().map(str::to_owned),
    })
    .collect()
}

/// Plaintext handed to the sealer in chunks of this size.
const CHUNK: usize = 256 * 1024;

/// A `Write` that hands the bytes on in fixed-size chunks (its buffer never grows, so no
/// plaintext copy is left behind by a reallocation).
struct ChunkSink {
    to: std::sync::mpsc::SyncSender<SecretBytes>,
    buf: Bytes,
}

impl ChunkSink {
    fn new(to: std::sync::mpsc::SyncSender<SecretBytes>) -> ChunkSink {
        ChunkSink {
            to,
            buf: Bytes::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        let chunk = std::mem::replace(&mut self.buf, Bytes::with_capacity(CHUNK));
        self.to.send(Sensitive::new(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the encryption stopped")
        })
    }
}

impl Write for ChunkSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.buf.append_within_capacity(data);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

impl Drop for ChunkSink {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

/// The bundle's own zip, written as a stream (stored entries, fixed times, owner-only
/// modes), hashing every file it takes.
struct BundleZip {
    zip: zip::ZipWriter<zip::write::StreamWriter<ChunkSink>>,
    options: zip::write::SimpleFileOptions,
}

impl BundleZip {
    fn new(sink: ChunkSink) -> BundleZip {
        BundleZip {
            zip: zip::ZipWriter::new_stream(sink),
            options: zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o600),
        }
    }

    fn raw(&mut self, name: &str, bytes: &[u8]) -> Result<(), BundleError> {
        self.zip
            .start_file(name, self.options)
            .map_err(|e| invalid("bundle", e.to_string()))?;
        self.zip
            .write_all(bytes)
            .map_err(|e| invalid("bundle", e.to_string()))
    }

    /// Writes a file and returns its manifest entry.
    fn put(
        &mut self,
        path: String,
        role: FileRole,
        bytes: SecretBytes,
    ) -> Result<FileEntry, BundleError> {
        let bytes = bytes.expose().as_slice();
        self.raw(&path, bytes)?;
        Ok(FileEntry {
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            path,
            role,
        })
    }

    fn finish(self) -> Result<(), BundleError> {
        let mut sink = self
            .zip
            .finish()
            .map_err(|e| invalid("bundle", e.to_string()))?
            .into_inner();
        sink.flush().map_err(|e| invalid("bundle", e.to_string()))
    }
}

/// Writes a bundle owner-only (0600 on Unix, whether or not it is encrypted).
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), BundleError> {
    let io = |e: std::io::Error| BundleError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // An existing file keeps its mode on open: tighten it before the contents go in.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io)?;
    }
    file.write_all(bytes).map_err(io)
}

/// Reads a bundle file, refusing one larger than the cap before reading it.
pub fn read_file(path: &std::path::Path, limits: &Limits) -> Result<Vec<u8>, BundleError> {
    let io = |e: std::io::Error| BundleError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits.max_bundle_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limits.max_bundle_bytes {
        return Err(BundleError::TooLarge {
            file: path.display().to_string(),
            entry: "the bundle".into(),
            limit: limits.max_bundle_bytes,
        });
    }
    Ok(bytes)
}

/// Who signed a bundle, and whether the signature holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BundleSigner")]
pub struct SignerInfo {
    /// The signer's ed25519 public key (base64).
    pub public_key: String,
    /// The signature matches the manifest and that key.
    pub valid: bool,
}

/// What `inspect` shows: nothing is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BundleInspection")]
pub struct Inspection {
    /// The bundle file.
    pub file: String,
    /// Whether the file was encrypted.
    pub encrypted: bool,
    /// The manifest.
    pub manifest: Manifest,
    /// Every entry of the bundle, with its size.
    #[ts(type = "Array<[string, number]>")]
    pub entries: Vec<(String, u64)>,
    /// The signer, when signed.
    pub signer: Option<SignerInfo>,
}

/// A verified bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BundleVerification")]
pub struct Verification {
    /// The bundle file.
    pub file: String,
    /// Files whose size and SHA-256 match the manifest.
    pub files_checked: usize,
    /// The signer whose signature holds, when signed.
    pub signer: Option<String>,
}

/// A bundle decrypted and read, every entry within the caps and safely named; not yet verified.
pub struct Opened {
    file: String,
    encrypted: bool,
    manifest: Manifest,
    manifest_bytes: Vec<u8>,
    signature: Option<Vec<u8>>,
    entries: BTreeMap<String, SecretBytes>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("file", &self.file)
            .field("encrypted", &self.encrypted)
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

/// Why an entry name is unsafe, if it is.
fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("empty name");
    }
    if name.contains('\\') {
        return Some("backslash in the name");
    }
    if name.starts_with('/') {
        return Some("absolute path");
    }
    if name.len() >= 2 && name.as_bytes()[1] == b':' {
        return Some("drive letter");
    }
    if name.chars().any(char::is_control) {
        return Some("control character in the name");
    }
    if name
        .split('/')
        .any(|p| p == ".." || p == "." || p.is_empty())
    {
        return Some("path traversal (`..`, `.` or an empty part)");
    }
    None
}

/// Decrypts (when needed) and reads a bundle: every entry's name, type, size and count is
/// checked against `limits`; the manifest is parsed. Checksums are checked by
/// [`Opened::verify`].
pub fn open(
    file: &str,
    bytes: &[u8],
    key: &BundleKey,
    limits: &Limits,
) -> Result<Opened, BundleError> {
    if bytes.len() as u64 > limits.max_bundle_bytes {
        return Err(BundleError::TooLarge {
            file: file.to_owned(),
            entry: "the bundle".into(),
            limit: limits.max_bundle_bytes,
        });
    }
    let (inner, encrypted) = crypto::unprotect(file, bytes, key, limits.max_bundle_bytes)?;
    let inner = inner.expose();
    if !artifacts::is_zip(inner) {
        return Err(BundleError::NotABundle {
            file: file.to_owned(),
            reason: if encrypted {
                "the decrypted content is not a zip".into()
            } else {
                "neither an age-encrypted file nor a zip".into()
            },
        });
    }
    let damaged = |e: &dyn std::fmt::Display| BundleError::Damaged {
        file: file.to_owned(),
        reason: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(inner)).map_err(|e| damaged(&e))?;
    if zip.len() > limits.max_entries {
        return Err(BundleError::TooManyEntries {
            file: file.to_owned(),
            limit: limits.max_entries,
        });
    }
    let mut entries = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| damaged(&e))?;
        let name =
            String::from_utf8(entry.name_raw().to_vec()).map_err(|_| BundleError::UnsafeEntry {
                file: file.to_owned(),
                entry: String::from_utf8_lossy(entry.name_raw()).into_owned(),
                reason: "the name is not UTF-8".into(),
            })?;
        let refuse = |reason: &str| BundleError::UnsafeEntry {
            file: file.to_owned(),
            entry: name.clone(),
            reason: reason.to_owned(),
        };
        if entry.is_dir() {
            return Err(refuse("a folder entry; bundles hold files only"));
        }
        if entry.is_symlink() {
            return Err(refuse("a link"));
        }
        if let Some(reason) = unsafe_name(&name) {
            return Err(refuse(reason));
        }
        let mut data = Vec::with_capacity(
            usize::try_from(entry.size().min(limits.max_entry_bytes)).unwrap_or(0),
        );
        (&mut entry)
            .take(limits.max_entry_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| damaged(&format!("entry {name:?}: {e}")))?;
        if data.len() as u64 > limits.max_entry_bytes {
            return Err(BundleError::TooLarge {
                file: file.to_owned(),
                entry: format!("entry {name:?}"),
                limit: limits.max_entry_bytes,
            });
        }
        total += data.len() as u64;
        if total > limits.max_bundle_bytes {
            return Err(BundleError::TooLarge {
                file: file.to_owned(),
                entry: "the decrypted bundle".into(),
                limit: limits.max_bundle_bytes,
            });
        }
        if entries
            .insert(name.clone(), SecretBytes::from(data))
            .is_some()
        {
            return Err(refuse("a second entry with the same name"));
        }
    }
    let manifest_bytes = entries
        .remove(MANIFEST)
        .ok_or_else(|| BundleError::Manifest {
            file: file.to_owned(),
            reason: "missing".into(),
        })?
        .expose()
        .to_vec();
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| BundleError::Manifest {
            file: file.to_owned(),
            reason: e.to_string(),
        })?;
    if manifest.format != FORMAT {
        return Err(BundleError::NotABundle {
            file: file.to_owned(),
            reason: format!("manifest format {:?}", manifest.format),
        });
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(BundleError::NotABundle {
            file: file.to_owned(),
            reason: format!(
                "format version {} (this app reads {FORMAT_VERSION}); update the app",
                manifest.format_version
            ),
        });
    }
    let signature = entries.remove(SIGNATURE).map(|s| s.expose().to_vec());
    Ok(Opened {
        file: file.to_owned(),
        encrypted,
        manifest,
        manifest_bytes,
        signature,
        entries,
    })
}

impl Opened {
    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The bundle's file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    fn signer(&self) -> Result<Option<String>, BundleError> {
        crypto::check_signature(
            &self.file,
            &self.manifest_bytes,
            self.manifest.signer_public_key.as_deref(),
            self.signature.as_deref(),
        )
    }

    /// The manifest, the entries and the signer; applies nothing and checks no checksum.
    pub fn inspect(&self) -> Inspection {
        let mut entries: Vec<(String, u64)> =
            vec![(MANIFEST.to_owned(), self.manifest_bytes.len() as u64)];
        if let Some(sig) = &self.signature {
            entries.push((SIGNATURE.to_owned(), sig.len() as u64));
        }
        entries.extend(
            self.entries
                .iter()
                .map(|(n, b)| (n.clone(), b.expose().len() as u64)),
        );
        let signer = self
            .manifest
            .signer_public_key
            .clone()
            .map(|public_key| SignerInfo {
                valid: self.signer().ok().flatten().is_some(),
                public_key,
            });
        Inspection {
            file: self.file.clone(),
            encrypted: self.encrypted,
            manifest: self.manifest.clone(),
            entries,
            signer,
        }
    }

    /// Checks every file against the manifest (present, listed, size, SHA-256) and the
    /// signature; the first problem is the error, naming the entry.
    pub fn verify(&self) -> Result<Verification, BundleError> {
        let listed: BTreeMap<&str, &FileEntry> = self
            .manifest
            .files
            .iter()
            .map(|f| (f.path.as_str(), f))
            .collect();
        if let Some(extra) = self
            .entries
            .keys()
            .find(|n| !listed.contains_key(n.as_str()))
        {
            return Err(BundleError::Unlisted {
                file: self.file.clone(),
                entry: extra.clone(),
            });
        }
        for f in &self.manifest.files {
            let data = self
                .entries
                .get(&f.path)
                .ok_or_else(|| BundleError::Missing {
                    file: self.file.clone(),
                    entry: f.path.clone(),
                })?;
            let actual = data.expose().len() as u64;
            if actual != f.size {
                return Err(BundleError::SizeMismatch {
                    file: self.file.clone(),
                    entry: f.path.clone(),
                    expected: f.size,
                    actual,
                });
            }
            if sha256_hex(data.expose()) != f.sha256.to_ascii_lowercase() {
                return Err(BundleError::HashMismatch {
                    file: self.file.clone(),
                    entry: f.path.clone(),
                });
            }
        }
        if !self
            .manifest
            .files
            .iter()
            .any(|f| f.role == FileRole::ConsoleZip && f.path == CONSOLE_ZIP)
        {
            return Err(BundleError::Manifest {
                file: self.file.clone(),
                reason: format!("no {CONSOLE_ZIP} listed"),
            });
        }
        Ok(Verification {
            file: self.file.clone(),
            files_checked: self.manifest.files.len(),
            signer: self.signer()?,
        })
    }

    /// Refuses a bundle made for another console: `name` or `url` must be the manifest's
    /// target.
    pub fn check_target(&self, name: &str, url: Option<&str>) -> Result<(), BundleError> {
        let target = &self.manifest.target_console;
        let same_url = match (url, target.url.as_deref()) {
            (Some(a), Some(b)) => a.trim_end_matches('/') == b.trim_end_matches('/'),
            _ => false,
        };
        if target.name == name || same_url {
            Ok(())
        } else {
            Err(BundleError::WrongConsole {
                file: self.file.clone(),
                bundle_for: target.name.clone(),
                target: name.to_owned(),
            })
        }
    }

    /// The console-layout zip, after [`Opened::verify`] (verified again here). Secret when
    /// identities are inside.
    pub fn console_zip(&self) -> Result<&SecretBytes, BundleError> {
        self.verify()?;
        self.entries
            .get(CONSOLE_ZIP)
            .ok_or_else(|| BundleError::Missing {
                file: self.file.clone(),
                entry: CONSOLE_ZIP.to_owned(),
            })
    }

    /// The bytes of an entry (no check).
    pub fn entry(&self, name: &str) -> Option<&SecretBytes> {
        self.entries.get(name)
    }
}
