//! What a read produces: findings (errors and warnings) and summaries of the accepted artifacts.

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
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl Finding {
    /// A blocking finding.
    pub fn error(
        file: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            path: path.into(),
            message: message.into(),
        }
    }

    /// A non-blocking finding.
    pub fn warning(
        file: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            file: file.into(),
            path: path.into(),
            message: message.into(),
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
