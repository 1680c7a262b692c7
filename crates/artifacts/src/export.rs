//! Writers: console files exactly as the console writes them (§4, §4.6a), the bulk zip, the
//! strict v3 import bodies (§4.7) and content hashes.

use std::io::Write;

use fabric_ha_sensitive::SecretBytes;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::json::{to_canonical_compact_map, to_console_json, write_console_object};
use crate::model::{Artifact, ArtifactKind, IdentityArtifact, NodeArtifact};
use crate::report::ArtifactSummary;
use crate::x509::rfc3339;

/// The JSON of an artifact as the console writes it. Identities are written WITHOUT their
/// private key (use [`export_identity`] for the wallet file).
pub fn export_value(artifact: &Artifact) -> Value {
    match artifact {
        Artifact::Ca(a) => Value::Object(a.json.clone()),
        Artifact::Msp(a) => Value::Object(a.json.clone()),
        Artifact::Identity(a) => Value::Object(a.json.clone()),
        Artifact::Peer(a) => Value::Object(a.json.clone()),
        Artifact::Orderer(o) => {
            if o.is_array {
                Value::Array(
                    o.nodes
                        .iter()
                        .map(|n| Value::Object(n.json.clone()))
                        .collect(),
                )
            } else {
                o.nodes
                    .first()
                    .map_or(Value::Null, |n| Value::Object(n.json.clone()))
            }
        }
    }
}

/// The file bytes as the console writes them: keys sorted, 4-space indent, no trailing
/// newline. Identities are written without their private key (see [`export_identity`]).
pub fn export_json(artifact: &Artifact) -> Vec<u8> {
    to_console_json(&export_value(artifact))
}

/// The complete wallet file of an identity, private key included. The bytes are wrapped in
/// [`Sensitive`]: expose them only to write the file the user asked for.
pub fn export_identity(identity: &IdentityArtifact) -> SecretBytes {
    let mut obj = identity.json.clone();
    obj.insert(
        "private_key".to_owned(),
        Value::String(identity.private_key.expose().clone()),
    );
    let mut value = Value::Object(obj);
    let bytes = to_console_json(&value);
    crate::check::zeroize_value(&mut value);
    SecretBytes::from(bytes)
}

/// Replaces characters that cannot be in a file name on common systems with `_`.
fn safe_file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The console's download name: `<display_name>_<type>.json` (`<cluster name>_orderer.json`
/// for a cluster, `<name>_identity.json` for an identity). Characters that no file system
/// accepts (`/ \ : * ? " < > |`, control characters) become `_`.
pub fn export_file_name(artifact: &Artifact) -> String {
    format!(
        "{}_{}.json",
        safe_file_part(artifact.display_name()),
        artifact.kind().file_suffix()
    )
}

/// Why a bulk zip cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Two artifacts would get the same entry name.
    #[error("two artifacts would be written as the same zip entry {0:?}")]
    DuplicateEntry(String),
    /// The zip writer failed.
    #[error("cannot write the zip: {0}")]
    Zip(String),
}

fn zerr(e: zip::result::ZipError) -> ExportError {
    ExportError::Zip(e.to_string())
}

/// The bulk zip being written: every entry name once, each component's entry written from its
/// own JSON into one buffer reused for all of them.
struct BulkZip {
    writer: zip::ZipWriter<Cursor<Vec<u8>>>,
    options: zip::write::SimpleFileOptions,
    names: std::collections::HashSet<String>,
    buf: Vec<u8>,
}

impl BulkZip {
    fn file(&mut self, name: String, bytes: &[u8]) -> Result<(), ExportError> {
        if !self.names.insert(name.clone()) {
            return Err(ExportError::DuplicateEntry(name));
        }
        self.writer.start_file(name, self.options).map_err(zerr)?;
        self.writer
            .write_all(bytes)
            .map_err(|e| ExportError::Zip(e.to_string()))
    }

    /// An entry object of the bulk zip: `id` left out, each of `missing` added when absent.
    fn json(
        &mut self,
        name: String,
        json: &Map<String, Value>,
        missing: &[(&str, &Value)],
    ) -> Result<(), ExportError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        write_console_object(&mut buf, json, &["id"], missing);
        let written = self.file(name, &buf);
        self.buf = buf;
        written
    }
}

/// A node's entry name: `<folder><id or display name>_<peer|orderer>.json`.
fn node_entry_name(n: &NodeArtifact, kind: ArtifactKind) -> String {
    let stem = n.id().unwrap_or(n.display_name());
    format!(
        "{}{}_{}.json",
        kind.bulk_folder(),
        safe_file_part(stem),
        kind.file_suffix()
    )
}

/// Writes the console's bulk export zip (§4.6, §4.6a): `Wallet/` first (only when identities
/// are included), then `Certificate Authorities/`, `Ordering Services/`, `Peers/`,
/// `Organizations/`, each folder entry followed by its files; entries stored (no compression)
/// with a fixed timestamp, so the output is reproducible. Entry names use the component id
/// (or the display name when there is none), identities their wallet name; one file per
/// ordering node. The bytes may hold private keys, hence [`Sensitive`].
pub fn export_bulk_zip(
    artifacts: &[Artifact],
    include_identities: bool,
) -> Result<SecretBytes, ExportError> {
    let order = [
        ArtifactKind::Identity,
        ArtifactKind::Ca,
        ArtifactKind::Orderer,
        ArtifactKind::Peer,
        ArtifactKind::Msp,
    ];
    let mut zip = BulkZip {
        writer: zip::ZipWriter::new(Cursor::new(Vec::new())),
        options: zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644),
        names: std::collections::HashSet::new(),
        buf: Vec::with_capacity(16 * 1024),
    };
    let empty = Value::String(String::new());
    let bulk_edits: &[(&str, &Value)] = &[("associatedIdentityName", &empty)];
    for kind in order {
        if kind == ArtifactKind::Identity && !include_identities {
            continue;
        }
        zip.writer
            .add_directory(kind.bulk_folder(), zip.options)
            .map_err(zerr)?;
        for a in artifacts.iter().filter(|a| a.kind() == kind) {
            match a {
                Artifact::Identity(i) => {
                    let bytes = export_identity(i);
                    zip.file(
                        format!("Wallet/{}_identity.json", safe_file_part(i.name())),
                        bytes.expose(),
                    )?;
                }
                Artifact::Ca(c) => {
                    let stem = c.id().unwrap_or(c.display_name());
                    zip.json(
                        format!("Certificate Authorities/{}_ca.json", safe_file_part(stem)),
                        &c.json,
                        bulk_edits,
                    )?;
                }
                Artifact::Msp(m) => {
                    let stem = m.id().unwrap_or(m.display_name());
                    zip.json(
                        format!("Organizations/{}_msp.json", safe_file_part(stem)),
                        &m.json,
                        &[],
                    )?;
                }
                Artifact::Peer(p) => {
                    zip.json(node_entry_name(p, ArtifactKind::Peer), &p.json, bulk_edits)?;
                }
                Artifact::Orderer(o) => {
                    for node in &o.nodes {
                        zip.json(
                            node_entry_name(node, ArtifactKind::Orderer),
                            &node.json,
                            bulk_edits,
                        )?;
                    }
                }
            }
        }
    }
    let cursor = zip.writer.finish().map_err(zerr)?;
    Ok(SecretBytes::from(cursor.into_inner()))
}

use std::io::Cursor;

/// A body for one `POST /ak/api/v3/components/<component_type>` call.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportBody {
    /// `fabric-ca`, `msp`, `fabric-peer` or `fabric-orderer` (the route suffix).
    pub component_type: &'static str,
    /// The JSON body.
    pub body: Value,
}

/// One allowed key of a v3 import body; a key with children is an object whose keys must be
/// among the children. From the console's OpenAPI (`ImportCaBody`, `ImportPeerBody`,
/// `ImportOrdererBody`, `msp_crypto_field`), all marked `x-validate_no_extra_keys`.
#[derive(Debug)]
pub struct KeyRule {
    /// The key.
    pub key: &'static str,
    /// Allowed keys inside it, when it is a strict object (empty: any value).
    pub children: &'static [KeyRule],
}

const fn leaf(key: &'static str) -> KeyRule {
    KeyRule { key, children: &[] }
}

const NAME_ROOTS: &[KeyRule] = &[leaf("name"), leaf("root_certs")];
const CA_MSP: &[KeyRule] = &[
    KeyRule {
        key: "ca",
        children: NAME_ROOTS,
    },
    KeyRule {
        key: "tlsca",
        children: NAME_ROOTS,
    },
    KeyRule {
        key: "component",
        children: &[leaf("tls_cert")],
    },
];
const NODE_MSP: &[KeyRule] = &[
    KeyRule {
        key: "ca",
        children: NAME_ROOTS,
    },
    KeyRule {
        key: "tlsca",
        children: NAME_ROOTS,
    },
    KeyRule {
        key: "component",
        children: &[leaf("tls_cert"), leaf("ecert"), leaf("admin_certs")],
    },
];

/// Allowed keys of a CA import body (`type` is tolerated by the console too).
pub const CA_IMPORT_KEYS: &[KeyRule] = &[
    leaf("id"),
    leaf("display_name"),
    leaf("location"),
    leaf("api_url"),
    leaf("migrated_from"),
    leaf("cluster_type"),
    leaf("console_type"),
    leaf("operations_url"),
    leaf("tags"),
    leaf("tls_cert"),
    KeyRule {
        key: "msp",
        children: CA_MSP,
    },
    leaf("type"),
];

/// Allowed keys of a peer import body.
pub const PEER_IMPORT_KEYS: &[KeyRule] = &[
    leaf("id"),
    leaf("api_url"),
    leaf("display_name"),
    leaf("grpcwp_url"),
    leaf("location"),
    leaf("migrated_from"),
    leaf("cluster_type"),
    leaf("console_type"),
    KeyRule {
        key: "msp",
        children: NODE_MSP,
    },
    leaf("msp_id"),
    leaf("operations_url"),
    leaf("tags"),
    KeyRule {
        key: "node_ou",
        children: &[leaf("enabled")],
    },
    leaf("type"),
];

/// Allowed keys of an orderer (one node) import body.
pub const ORDERER_IMPORT_KEYS: &[KeyRule] = &[
    leaf("api_url"),
    leaf("cluster_id"),
    leaf("cluster_name"),
    leaf("id"),
    leaf("display_name"),
    leaf("grpcwp_url"),
    leaf("osnadmin_url"),
    leaf("location"),
    leaf("migrated_from"),
    leaf("cluster_type"),
    leaf("console_type"),
    KeyRule {
        key: "msp",
        children: NODE_MSP,
    },
    leaf("msp_id"),
    leaf("operations_url"),
    leaf("systemless"),
    leaf("system_channel_id"),
    leaf("tags"),
    leaf("type"),
];

/// Keys of `body` that the console's strict v3 import schema for `component_type` rejects
/// (`"Parameter 'x' is an unknown key for object."`), as dotted paths. The MSP schema accepts
/// any key, so it never reports one.
pub fn strict_key_violations(component_type: &str, body: &Value) -> Vec<String> {
    let rules = match component_type {
        "fabric-ca" => CA_IMPORT_KEYS,
        "fabric-peer" => PEER_IMPORT_KEYS,
        "fabric-orderer" => ORDERER_IMPORT_KEYS,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    match body.as_object() {
        Some(obj) => walk_keys(obj, rules, "", &mut out),
        None => out.push("(body is not an object)".to_owned()),
    }
    out
}

fn walk_keys(obj: &Map<String, Value>, rules: &[KeyRule], prefix: &str, out: &mut Vec<String>) {
    for (k, v) in obj {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match rules.iter().find(|r| r.key == k) {
            None => out.push(path),
            Some(rule) if !rule.children.is_empty() => {
                if let Some(inner) = v.as_object() {
                    walk_keys(inner, rule.children, &path, out);
                }
            }
            Some(_) => {}
        }
    }
}

fn copy(src: &Map<String, Value>, dst: &mut Map<String, Value>, key: &str) {
    if let Some(v) = src.get(key) {
        dst.insert(key.to_owned(), v.clone());
    }
}

fn sub<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    m.get(key).and_then(Value::as_object)
}

/// `msp.{ca,tlsca,component}` for a node body, rebuilt from legacy fields where needed.
fn node_msp(json: &Map<String, Value>) -> Value {
    let msp = sub(json, "msp");
    let mut out = Map::new();
    for part in ["ca", "tlsca"] {
        if let Some(p) = msp.and_then(|m| sub(m, part)) {
            let mut o = Map::new();
            copy(p, &mut o, "name");
            copy(p, &mut o, "root_certs");
            if !o.is_empty() {
                out.insert(part.to_owned(), Value::Object(o));
            }
        }
    }
    let tlsca = out
        .entry("tlsca")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(t) = tlsca.as_object_mut() {
        if !t.contains_key("root_certs") {
            if let Some(r) = json.get("tls_ca_root_cert") {
                t.insert("root_certs".to_owned(), Value::Array(vec![r.clone()]));
            }
        }
        if !t.contains_key("name") {
            copy(json, t, "tlsca_name");
            if let Some(v) = t.remove("tlsca_name") {
                t.insert("name".to_owned(), v);
            }
        }
    }
    let mut comp = Map::new();
    if let Some(c) = msp.and_then(|m| sub(m, "component")) {
        for k in ["tls_cert", "ecert", "admin_certs"] {
            copy(c, &mut comp, k);
        }
    }
    if !comp.contains_key("tls_cert") {
        if let Some(v) = json.get("tls_cert").or_else(|| json.get("pem")) {
            comp.insert("tls_cert".to_owned(), v.clone());
        }
    }
    out.insert("component".to_owned(), Value::Object(comp));
    Value::Object(out)
}

fn node_body(n: &NodeArtifact, orderer: bool) -> Value {
    let j = &n.json;
    let mut b = Map::new();
    for k in [
        "display_name",
        "api_url",
        "operations_url",
        "grpcwp_url",
        "msp_id",
    ] {
        copy(j, &mut b, k);
    }
    if orderer {
        for k in ["cluster_name", "cluster_id", "osnadmin_url", "systemless"] {
            copy(j, &mut b, k);
        }
        if let Some(Value::String(s)) = j.get("system_channel_id") {
            if !s.is_empty() {
                b.insert("system_channel_id".to_owned(), Value::String(s.clone()));
            }
        }
    } else {
        copy(j, &mut b, "node_ou");
    }
    b.insert("msp".to_owned(), node_msp(j));
    Value::Object(b)
}

/// The strict v3 import bodies for an artifact (§4.7): one for a CA, MSP or peer, one per node
/// for an orderer, none for an identity (the wallet has no API, pitfall 1).
pub fn import_bodies(artifact: &Artifact) -> Vec<ImportBody> {
    match artifact {
        Artifact::Ca(a) => {
            let j = &a.json;
            let mut b = Map::new();
            for k in ["display_name", "api_url", "operations_url"] {
                copy(j, &mut b, k);
            }
            if !b.contains_key("api_url") {
                if let Some(v) = j.get("ca_url") {
                    b.insert("api_url".to_owned(), v.clone());
                }
            }
            if let Some(Value::String(l)) = j.get("location") {
                if l != "ibm_saas" {
                    b.insert("location".to_owned(), Value::String(l.clone()));
                }
            }
            let mut msp = Map::new();
            let mut ca = Map::new();
            ca.insert("name".to_owned(), Value::String(a.ca_name().to_owned()));
            if let Some(r) = crate::model::get(j, &["msp", "ca", "root_certs"]) {
                ca.insert("root_certs".to_owned(), r.clone());
            }
            let mut tlsca = Map::new();
            tlsca.insert("name".to_owned(), Value::String(a.tlsca_name().to_owned()));
            match crate::model::get(j, &["msp", "tlsca", "root_certs"]) {
                Some(r) => {
                    tlsca.insert("root_certs".to_owned(), r.clone());
                }
                None => {
                    if let Some(r) = j.get("tls_ca_root_cert") {
                        tlsca.insert("root_certs".to_owned(), Value::Array(vec![r.clone()]));
                    }
                }
            }
            let tls = crate::model::get(j, &["msp", "component", "tls_cert"])
                .or_else(|| j.get("tls_cert"))
                .or_else(|| j.get("pem"))
                .cloned()
                .unwrap_or(Value::Null);
            let mut comp = Map::new();
            comp.insert("tls_cert".to_owned(), tls);
            msp.insert("ca".to_owned(), Value::Object(ca));
            msp.insert("tlsca".to_owned(), Value::Object(tlsca));
            msp.insert("component".to_owned(), Value::Object(comp));
            b.insert("msp".to_owned(), Value::Object(msp));
            vec![ImportBody {
                component_type: "fabric-ca",
                body: Value::Object(b),
            }]
        }
        Artifact::Msp(m) => {
            let mut b = m.json.clone();
            for k in [
                "id",
                "type",
                "name",
                "scheme_version",
                "associatedIdentityName",
            ] {
                b.remove(k);
            }
            vec![ImportBody {
                component_type: "msp",
                body: Value::Object(b),
            }]
        }
        Artifact::Peer(p) => vec![ImportBody {
            component_type: "fabric-peer",
            body: node_body(p, false),
        }],
        Artifact::Orderer(o) => o
            .nodes
            .iter()
            .map(|n| ImportBody {
                component_type: "fabric-orderer",
                body: node_body(n, true),
            })
            .collect(),
        Artifact::Identity(_) => Vec::new(),
    }
}

/// SHA-256 over the canonical JSON (keys sorted, no whitespace) of the artifact, for
/// de-duplication. `id` and `associatedIdentityName` are left out, so the same component hashes
/// the same from a single download and from a bulk zip. An identity's private key is left out
/// too (the key must match the certificate, which is hashed).
pub fn content_hash(artifact: &Artifact) -> [u8; 32] {
    const SKIP: &[&str] = &["id", "associatedIdentityName"];
    let mut buf = Vec::with_capacity(8 * 1024);
    buf.extend_from_slice(artifact.kind().file_suffix().as_bytes());
    buf.push(b'\n');
    match artifact {
        Artifact::Ca(a) => to_canonical_compact_map(&a.json, SKIP, &mut buf),
        Artifact::Msp(a) => to_canonical_compact_map(&a.json, SKIP, &mut buf),
        Artifact::Identity(a) => to_canonical_compact_map(&a.json, SKIP, &mut buf),
        Artifact::Peer(a) => to_canonical_compact_map(&a.json, SKIP, &mut buf),
        Artifact::Orderer(o) => {
            if o.is_array {
                buf.push(b'[');
            }
            for (i, n) in o.nodes.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                to_canonical_compact_map(&n.json, SKIP, &mut buf);
            }
            if o.is_array {
                buf.push(b']');
            }
        }
    }
    Sha256::digest(&buf).into()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The secret-free summary of an artifact.
pub fn summarize(artifact: &Artifact) -> ArtifactSummary {
    let api_url = match artifact {
        Artifact::Ca(a) => Some(a.api_url().to_owned()),
        Artifact::Peer(n) => Some(n.api_url().to_owned()),
        Artifact::Orderer(o) => o.nodes.first().map(|n| n.api_url().to_owned()),
        Artifact::Msp(_) | Artifact::Identity(_) => None,
    };
    let nodes = match artifact {
        Artifact::Orderer(o) => u32::try_from(o.nodes.len()).unwrap_or(u32::MAX),
        _ => 1,
    };
    ArtifactSummary {
        kind: artifact.kind(),
        source: artifact.source().to_owned(),
        display_name: artifact.display_name().to_owned(),
        msp_id: artifact.msp_id().map(str::to_owned),
        api_url,
        nodes,
        earliest_expiry: artifact
            .certificates()
            .iter()
            .map(|c| c.not_after())
            .min()
            .map(rfc3339),
        content_hash: hex(&content_hash(artifact)),
    }
}
