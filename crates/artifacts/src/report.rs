//! What a read produces: findings (errors and warnings) and summaries of the accepted artifacts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{Artifact, ArtifactKind};

/// How bad a finding is.
///
/// Errors block the file (nothing from it is accepted); warnings never block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Severity {
    /// The file (or, for a zip, the whole archive) is refused.
    Error,
    /// Worth telling the user; the file is still accepted.
    Warning,
}

/// Which sentence a finding says: the window words it in its language from the code and the
/// params; the CLI, the logs and `--json` keep the English message beside them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FindingCode {
    // ── The file and its encoding ──
    /// The file cannot be read (`path`, `reason`).
    FileUnreadable,
    /// A folder or a link was given instead of a file.
    NotRegularFile,
    /// The file is bigger than `limit` bytes (`size`).
    FileTooLarge,
    /// A UTF-8 byte-order mark was skipped.
    Utf8Bom,
    /// The file was decoded from UTF-16 (`encoding`) found by its byte-order mark.
    Utf16Decoded,
    /// The file was decoded from UTF-16 (`encoding`) found by its zero bytes.
    Utf16DecodedNoBom,
    /// UTF-16 (`encoding`) with an odd number of bytes; the last one is at `offset`.
    Utf16OddLength,
    /// UTF-16 (`encoding`) with the unpaired surrogate `unit` at `offset`.
    Utf16Surrogate,
    // ── JSON ──
    /// The JSON file is bigger than `limit` bytes (`mib` MiB); it is `size` bytes.
    JsonTooLarge,
    /// Invalid JSON at `line`, `column` (`reason`, the parser's words).
    JsonSyntax,
    /// The key `key` twice in one object, at `line`, `column`.
    JsonDuplicateKey,
    /// The document is neither an object nor an array (`found`: null, boolean, number, string).
    NotContainer,
    /// The top-level array is empty.
    EmptyArray,
    /// An element of the top-level array is not an object.
    ArrayItemNotObject,
    /// The `type` value `type` is not a console component type.
    UnknownType,
    /// Nothing tells what kind of file this is; `keys` are the object's keys.
    UnknownShape,
    /// Nothing tells what kind of file this is, and the object is empty.
    UnknownShapeNoKeys,
    /// `type` is `type` but the content is one of `expected` (comma-separated).
    TypeMismatch,
    // ── Fields ──
    /// The field `field` is missing.
    Missing,
    /// The field `field` is of JSON type `actual` instead of `expected`.
    WrongType,
    /// The field `field` is shorter than `min` characters.
    TooShort,
    /// The field `field` is longer than `max` characters.
    TooLong,
    /// The MSP id in `field` contains `character`.
    MspIdCharacter,
    /// The MSP id in `field` is `.` or `..`.
    MspIdReserved,
    /// The URL `url` in `field` does not start with grpcs:// or grpc://.
    UrlSchemeGrpc,
    /// The URL `url` in `field` does not start with https:// or http://.
    UrlSchemeHttp,
    /// The URL `url` in `field` holds credentials.
    UrlCredentials,
    /// The URL `url` in `field` has a path, query or fragment.
    UrlPath,
    /// The URL `url` in `field` has no hostname.
    UrlHostMissing,
    /// The hostname of the URL `url` in `field` contains `character`.
    UrlHostCharacter,
    /// The URL `url` in `field` has no port.
    UrlPortMissing,
    /// `port` in the URL `url` in `field` is not a port number.
    UrlPort,
    /// The legacy field `field` (`value`) disagrees with `other` (`otherValue`).
    LegacyValueDiffers,
    /// The legacy `name` (`name`) differs from `display_name` (`displayName`).
    LegacyNameDiffers,
    // ── Certificates and keys (`subject` and `issuer` name the certificate) ──
    /// The value of `field` is not a base64 encoded PEM string: `reason`, in English, is also
    /// given as `reasonCode` (`rawPem`, `notBase64`, `der`, `notX509`, ...) with the values it
    /// names (`label`, `count`, `detail`).
    NotB64Pem,
    /// The certificate is valid only from `date`.
    CertNotYetValid,
    /// The certificate expired on `date`.
    CertExpired,
    /// The certificate expires in `days` days, on `date`.
    CertExpiresSoon,
    /// The certificate list `field` is empty.
    NoCertificates,
    /// A root certificate (`role`) is not a CA certificate.
    RootNotCa,
    /// A root certificate (`role`) is issued by another certificate (`issuer`).
    RootNotSelfIssued,
    /// A root certificate's (`role`) own signature does not verify (`reason`).
    RootBadSignature,
    /// An intermediate certificate (`role`) is not a CA certificate.
    IntermediateNotCa,
    /// An intermediate certificate (`role`) is not issued by the roots.
    IntermediateNotFromRoots,
    /// The legacy field `field` holds another certificate than `other` (`otherSubject`,
    /// `otherIssuer`).
    LegacyCertDiffers,
    /// The TLS certificate does not chain to `msp.tlsca.root_certs`.
    TlsCertNotChained,
    /// An enrollment or admin certificate does not chain to `msp.ca.root_certs`.
    CertNotFromCaRoots,
    /// An MSP's admin certificate is not issued by its roots or intermediates.
    AdminNotFromMspRoots,
    /// An OU identifier's certificate is none of the MSP's roots or intermediates.
    OuCertNotInMsp,
    /// `admins` is empty while Node OUs are not enabled.
    AdminsEmpty,
    /// A revocation list entry is unreadable (`reason`, `reasonCode` as for
    /// [`NotB64Pem`](Self::NotB64Pem)).
    RevocationEntry,
    /// The private key is not the certificate's.
    KeyMismatch,
    /// The private key is unreadable (`reason`).
    KeyUnreadable,
    // ── Within a file or a zip ──
    /// Two identities named `name` (the other in `other`).
    DuplicateIdentity,
    /// Two components (`kind`) named `name` (the other in `other`).
    DuplicateComponent,
    /// The zip is bigger than `limit` bytes (`size`).
    ZipTooLarge,
    /// The zip cannot be read (`reason`).
    ZipUnreadable,
    /// The zip has `count` entries, more than `limit`.
    ZipTooManyEntries,
    /// `count` entries have this name.
    ZipDuplicateEntry,
    /// The zip holds duplicate entry names.
    ZipDuplicateNames,
    /// The entry cannot be read (`reason`).
    EntryUnreadable,
    /// The entry cannot be decompressed (`reason`).
    EntryCorrupt,
    /// The entry name is not UTF-8.
    EntryNameNotUtf8,
    /// The entry name is empty.
    EntryNameEmpty,
    /// The entry name contains control characters.
    EntryNameControl,
    /// The entry name contains a backslash.
    EntryNameBackslash,
    /// The entry name is an absolute path.
    EntryNameAbsolute,
    /// The entry name contains `..`.
    EntryNameTraversal,
    /// The entry is a symbolic link.
    EntrySymlink,
    /// The entry is encrypted.
    EntryEncrypted,
    /// The entry expands beyond `limit` bytes.
    EntryTooLarge,
    /// The entry expands more than `ratio`:1 (`size` bytes from `compressed`).
    EntryRatio,
    /// The archive expands beyond `limit` bytes.
    ZipExpandsTooLarge,
    /// The archive expands more than `ratio`:1 (`size` bytes from a `zipSize`-byte zip).
    ZipRatio,
    /// A folder entry has content.
    FolderHasContent,
    /// The entry is not a console `.json` file and is skipped.
    EntryIgnored,
    /// The entry is in folder `folder` but holds a `kind` file.
    EntryWrongFolder,
    /// A worker checking entries failed.
    InternalError,
    // ── Against the library ──
    /// The MSP `msp` is in the library (`place`) with other roots.
    MspConflict,
    /// Another CA with `url` is in the library (`place`).
    CaUrlDuplicate,
    /// An identity named `name` is in the wallet (`place`) with another certificate.
    IdentityConflict,
    /// Secrets are locked (`reason`), so the identity cannot be stored.
    SecretsLocked,
    /// A console's component could not be exported (`reason`).
    ExportFailed,
}

/// What a finding says: its code, the values it names (identifiers, field names, numbers and
/// dates, untranslated) and the English sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Which sentence.
    pub code: FindingCode,
    /// The values it names.
    pub params: BTreeMap<String, String>,
    /// The sentence in English.
    pub message: String,
}

impl Problem {
    /// A code, the values it names and the English sentence.
    pub fn new(code: FindingCode, params: &[(&str, &str)], message: impl Into<String>) -> Self {
        Self {
            code,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            message: message.into(),
        }
    }

    /// The same with one more value.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in; a zip entry is named `archive.zip!/Folder/entry.json`.
    pub file: String,
    /// JSON path of the offending value (`$.msp.component.tls_cert`, `$[2].api_url`);
    /// `$` for the whole document, empty when the problem is not inside JSON (a zip entry name,
    /// the file size).
    pub path: String,
    /// Which sentence [`message`](Self::message) is.
    pub code: FindingCode,
    /// The values the sentence names, by name.
    pub params: BTreeMap<String, String>,
    /// What is wrong, in English words a user can act on.
    pub message: String,
}

impl Finding {
    /// A blocking finding.
    pub fn error(file: impl Into<String>, path: impl Into<String>, problem: Problem) -> Self {
        Self::new(Severity::Error, file.into(), path.into(), problem)
    }

    /// A non-blocking finding.
    pub fn warning(file: impl Into<String>, path: impl Into<String>, problem: Problem) -> Self {
        Self::new(Severity::Warning, file.into(), path.into(), problem)
    }

    fn new(severity: Severity, file: String, path: String, problem: Problem) -> Self {
        Self {
            severity,
            file,
            path,
            code: problem.code,
            params: problem.params,
            message: problem.message,
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.path.is_empty() {
            write!(f, "{sev}: {}: {}", self.file, self.message)
        } else {
            write!(f, "{sev}: {} {}: {}", self.file, self.path, self.message)
        }
    }
}

/// A short, secret-free description of an accepted artifact, for lists, the CLI and IPC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ArtifactSummary {
    /// What it is.
    pub kind: ArtifactKind,
    /// Where it came from (file name, or `archive.zip!/Peers/x_peer.json`, with `[i]` for an
    /// element of a JSON array).
    pub source: String,
    /// Tile title: `display_name` (CA, MSP, peer), the cluster name (orderer) or the wallet name
    /// (identity).
    pub display_name: String,
    /// The MSP id, when the artifact has one.
    pub msp_id: Option<String>,
    /// The node or CA URL, when the artifact has one (the first node's for an orderer cluster).
    pub api_url: Option<String>,
    /// Number of ordering nodes (1 for everything else).
    pub nodes: u32,
    /// Earliest `notAfter` of all certificates in the artifact, RFC 3339.
    pub earliest_expiry: Option<String>,
    /// Hex SHA-256 content hash (see [`crate::content_hash`]).
    pub content_hash: String,
}

/// The outcome of reading one file (a JSON file or a whole zip).
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileReport {
    /// The file name given to the reader.
    pub file: String,
    /// Every error and warning, in document order.
    pub findings: Vec<Finding>,
    /// Summaries of the accepted artifacts (empty when there is an error).
    pub artifacts: Vec<ArtifactSummary>,
    /// The accepted artifacts themselves (empty when there is an error). Not serialized: they
    /// may hold private keys.
    #[serde(skip)]
    #[ts(skip)]
    pub accepted: Vec<Artifact>,
}

impl FileReport {
    /// True when no finding is an error.
    pub fn is_ok(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }

    /// The error findings.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_error())
    }

    /// The warning findings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_error())
    }
}
