//! Console files of the Hyperledger Fabric Operations Console (and IBM Blockchain Platform):
//! read, check, write and map them. No Tauri, no I/O beyond bytes in and bytes out.
//!
//! * Reading: [`read_file`] takes a file's name and bytes, tells a zip from JSON by its magic
//!   bytes and the kind of each JSON object by its content (the `type` field, else its shape),
//!   and returns a [`FileReport`]: every [`Finding`] (errors block, warnings do not) with the
//!   file (`bulk.zip!/Peers/p_peer.json` inside a zip), the JSON path and the reason, plus the
//!   accepted [`Artifact`]s.
//! * Checks: strict JSON (no duplicate keys, line/column on syntax errors, size caps),
//!   required fields and types, URLs and MSP ids as the console enforces them, base64/PEM/X.509
//!   v3 decoding, validity windows against an injectable `now` (expired or not yet valid is an
//!   error, under 30 days left a warning), roots that are self-signed CAs, intermediates and
//!   admin certificates issued by the roots, node TLS certificates chained to the TLS roots,
//!   identity keys that match their certificates; zip entries refused for traversal, absolute
//!   paths, links, duplicates, non-UTF-8 names and bomb-like sizes or ratios.
//! * Writing: [`export_json`] / [`export_identity`] / [`export_bulk_zip`] write what the console
//!   writes (sorted keys, 4-space indent, no trailing newline, the zip layout of §4.6a);
//!   [`import_bodies`] maps any artifact to the strict v3 import bodies of §4.7.
//! * Private keys live only in [`fabric_ha_sensitive::Sensitive`].
//!
//! ```
//! use fabric_ha_artifacts::{read_json_with, ReadOptions};
//! let report = read_json_with("x.json", b"{\"a\": 1, \"a\": 2}", &ReadOptions::at(0));
//! assert!(!report.is_ok());
//! assert!(report.findings[0].message.contains("duplicate key"));
//! ```

mod check;
mod export;
mod json;
mod model;
mod pem;
mod read;
mod report;
mod text;
mod wallet;
mod x509;

#[cfg(feature = "testdata")]
pub mod testdata;

pub use check::{EXPIRY_WARNING_SECS, MAX_DISPLAY_NAME, MAX_MSP_ID};
pub use export::{
    content_hash, export_bulk_zip, export_file_name, export_identity, export_json, export_value,
    import_bodies, strict_key_violations, summarize, ExportError, ImportBody, KeyRule,
    CA_IMPORT_KEYS, ORDERER_IMPORT_KEYS, PEER_IMPORT_KEYS,
};
pub use json::{to_console_json, MAX_JSON_BYTES};
pub use model::{
    Artifact, ArtifactKind, CaArtifact, IdentityArtifact, MspArtifact, NodeArtifact,
    OrdererArtifact,
};
pub use pem::{certificate_der, der_to_pem, to_b64pem};
pub use read::{
    is_zip, read_file, read_file_with, read_json, read_json_with, read_zip, read_zip_with,
    ReadOptions, ZipLimits,
};
pub use report::{ArtifactSummary, FileReport, Finding, FindingCode, Problem, Severity};
pub use wallet::{can_administer, is_member, issuing_root, key_fits};
pub use x509::{Cert, Curve};
