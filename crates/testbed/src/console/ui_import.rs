//! The console's Settings → Bulk data management → Import, as a route: the browser reads the
//! bulk export zip (§4.6, §4.6a), checks every file, adds the wallet identities, then imports
//! each component through the typed import (§2.3) with the body its import code builds (§4.7).
//!
//! A real console does all but the typed imports in the browser and has no such route; the
//! test console serves it at `POST /ak/api/v3/testbed/bulk-import` (the zip as the body, any
//! content type, a key allowed to import) so a test can hand a zip to a console as a user
//! does. It is stricter than the browser: it takes only the layout the console's own export
//! writes, and refuses anything else before importing anything.
//!
//! Answers: 200 `{"imported": [records], "wallet": [identity names], "skipped": [entries]}`;
//! 400 `{"statusCode": 400, "msgs": [...]}` for a zip or file it refuses (nothing imported);
//! when a typed import is refused, that import's status with its messages and the records
//! imported before it (the browser stops there too).

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use serde_json::{json, Map, Value};

use super::api::{import_one, Refusal};
use super::certs;
use super::store::Store;
use crate::net::{json_reply, Reply};

/// The route under `/ak/api/v3`.
pub(super) const ROUTE: &[&str] = &["testbed", "bulk-import"];

/// The import dialog refuses files larger than this.
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The export's folders in the order it writes them, with the kind of file each holds.
const FOLDERS: [(&str, Kind); 5] = [
    ("Wallet/", Kind::Identity),
    ("Certificate Authorities/", Kind::Ca),
    ("Ordering Services/", Kind::Orderer),
    ("Peers/", Kind::Peer),
    ("Organizations/", Kind::Msp),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identity,
    Ca,
    Orderer,
    Peer,
    Msp,
}

impl Kind {
    /// The `type` field of its files.
    fn type_field(self) -> &'static str {
        match self {
            Kind::Identity => "identity",
            Kind::Ca => "fabric-ca",
            Kind::Orderer => "fabric-orderer",
            Kind::Peer => "fabric-peer",
            Kind::Msp => "msp",
        }
    }

    /// The file name suffix (`<id>_<suffix>.json`).
    fn suffix(self) -> &'static str {
        match self {
            Kind::Identity => "identity",
            Kind::Ca => "ca",
            Kind::Orderer => "orderer",
            Kind::Peer => "peer",
            Kind::Msp => "msp",
        }
    }
}

/// One file of the zip, read and checked.
struct Item {
    entry: String,
    kind: Kind,
    object: Map<String, Value>,
}

fn refuse(messages: Vec<String>) -> Reply {
    json_reply(
        hyper::StatusCode::BAD_REQUEST,
        &json!({ "statusCode": 400, "msgs": messages }),
    )
}

/// Handles the route: `zip` is the request body.
pub(super) fn bulk_import(store: &Store, zip: &[u8]) -> Reply {
    if zip.len() > MAX_FILE_BYTES {
        return refuse(vec![format!(
            "input_error_file_too_big: the file has {} bytes; the import takes at most {MAX_FILE_BYTES}",
            zip.len()
        )]);
    }
    let mut items = match read_zip(zip) {
        Ok(items) => items,
        Err(message) => return refuse(vec![message]),
    };
    let mut wallet = BTreeSet::new();
    for item in &mut items {
        let checked = match item.kind {
            Kind::Identity => check_identity(&item.object, &mut wallet),
            Kind::Ca => check_ca(&mut item.object),
            Kind::Peer | Kind::Orderer => check_node(&mut item.object, item.kind),
            Kind::Msp => check_msp(&mut item.object),
        };
        if let Err(why) = checked {
            return refuse(vec![format!("{}: {why}", item.entry)]);
        }
    }
    let (identities, components): (Vec<Item>, Vec<Item>) =
        items.into_iter().partition(|i| i.kind == Kind::Identity);
    // Orderer nodes already in a cluster of this console, as the dialog read them on opening.
    let known_nodes = orderer_nodes(store);
    let mut imported = Vec::new();
    let mut skipped = Vec::new();
    // The dialog takes the components from the end of its list.
    for item in components.into_iter().rev() {
        let Some(body) = import_body(&item, &known_nodes) else {
            skipped.push(Value::String(item.entry));
            continue;
        };
        match import_one(store, item.kind.type_field(), &body) {
            Ok(record) => imported.push(record),
            Err(refusal) => return refused(&item.entry, &refusal, imported),
        }
    }
    let wallet: Vec<Value> = identities
        .iter()
        .filter_map(|i| i.object.get("name").cloned())
        .collect();
    json_reply(
        hyper::StatusCode::OK,
        &json!({ "imported": imported, "wallet": wallet, "skipped": skipped }),
    )
}

fn refused(entry: &str, refusal: &Refusal, imported: Vec<Value>) -> Reply {
    let (status, messages) = refusal.status_and_messages();
    let messages: Vec<String> = messages.iter().map(|m| format!("{entry}: {m}")).collect();
    json_reply(
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST),
        &json!({ "statusCode": status, "msgs": messages, "imported": imported }),
    )
}

/// Reads the zip as the console's export writes it (§4.6a): every entry stored, each folder
/// entry before its files, `Wallet/` first when present, files only in the five folders and
/// named `<name>_<type>.json`, each one JSON object of that folder's type; components without
/// `id`, nodes and CAs with `associatedIdentityName`.
fn read_zip(zip: &[u8]) -> Result<Vec<Item>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip))
        .map_err(|e| format!("error_import_zip: not a zip file ({e})"))?;
    let mut folders: Vec<&str> = Vec::new();
    let mut names = BTreeSet::new();
    let mut items = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("error_import_zip: entry {i}: {e}"))?;
        let name = String::from_utf8(entry.name_raw().to_vec())
            .map_err(|_| format!("entry {i}: the name is not UTF-8"))?;
        if entry.compression() != zip::CompressionMethod::Stored {
            return Err(format!(
                "{name}: compressed ({}); the console's export stores entries uncompressed",
                entry.compression()
            ));
        }
        if !names.insert(name.clone()) {
            return Err(format!("{name}: a second entry with this name"));
        }
        if entry.is_dir() {
            let Some((folder, _)) = FOLDERS.iter().find(|(f, _)| *f == name) else {
                return Err(format!(
                    "{name}: not a folder of the console's export (Wallet/, Certificate Authorities/, Ordering Services/, Peers/, Organizations/)"
                ));
            };
            if *folder == "Wallet/" && i != 0 {
                return Err(format!("{name}: the export lists Wallet/ first"));
            }
            folders.push(folder);
            continue;
        }
        let Some((folder, file)) = name.split_once('/') else {
            return Err(format!("{name}: outside the export's folders"));
        };
        let folder = format!("{folder}/");
        let Some((_, kind)) = FOLDERS.iter().find(|(f, _)| *f == folder) else {
            return Err(format!("{name}: outside the export's folders"));
        };
        if !folders.contains(&folder.as_str()) {
            return Err(format!(
                "{name}: its folder entry {folder:?} is missing or comes after it"
            ));
        }
        let named = file
            .strip_suffix(&format!("_{}.json", kind.suffix()))
            .is_some_and(|stem| !stem.is_empty() && !stem.contains('/'));
        if !named {
            return Err(format!(
                "{name}: a file in {folder} is named <name>_{}.json",
                kind.suffix()
            ));
        }
        let mut text = Vec::new();
        entry
            .read_to_end(&mut text)
            .map_err(|e| format!("{name}: unreadable ({e})"))?;
        let object = match serde_json::from_slice::<Value>(&text) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err(format!("{name}: one JSON object per file")),
            Err(e) => return Err(format!("{name}: error_parsing_json ({e})")),
        };
        let found = object.get("type").and_then(Value::as_str);
        if found != Some(kind.type_field()) {
            return Err(format!(
                "{name}: type {found:?} in a file of {folder} (expected {:?})",
                kind.type_field()
            ));
        }
        if *kind != Kind::Identity && object.contains_key("id") {
            return Err(format!(
                "{name}: the export drops `id` from the zip's components"
            ));
        }
        if matches!(kind, Kind::Ca | Kind::Peer | Kind::Orderer)
            && !object
                .get("associatedIdentityName")
                .is_some_and(Value::is_string)
        {
            return Err(format!(
                "{name}: the export writes `associatedIdentityName` (\"\" when none)"
            ));
        }
        items.push(Item {
            entry: name,
            kind: *kind,
            object,
        });
    }
    if items.is_empty() {
        return Err("error_import_json_array: the zip holds no component".to_owned());
    }
    Ok(items)
}

fn text<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn is_url(s: Option<&str>) -> bool {
    s.and_then(|s| url::Url::parse(s).ok())
        .is_some_and(|u| u.has_host())
}

fn is_cert(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| certs::parse_b64_pem(s).is_some())
}

/// The object under `key`, made empty when missing (as the dialog does).
fn obj<'a>(o: &'a mut Map<String, Value>, key: &str) -> Result<&'a mut Map<String, Value>, String> {
    o.entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| format!("error_required_fields ({key} is not an object)"))
}

/// `display_name` from the legacy `name` / `short_name` when missing.
fn display_name(o: &mut Map<String, Value>) -> Result<(), &'static str> {
    if text(o, "display_name").is_none() {
        if let Some(n) = text(o, "name").or_else(|| text(o, "short_name")) {
            let n = n.to_owned();
            o.insert("display_name".into(), Value::String(n));
        }
    }
    if text(o, "display_name").is_none() {
        return Err("error_import_invalid_name");
    }
    Ok(())
}

fn check_identity(o: &Map<String, Value>, wallet: &mut BTreeSet<String>) -> Result<(), String> {
    let name = text(o, "name").ok_or("error_import_invalid_name")?;
    if !wallet.insert(name.to_owned()) {
        return Err("error_identity_already_exists".into());
    }
    if !is_cert(o.get("cert")) {
        return Err("error_certificate".into());
    }
    let key = text(o, "private_key")
        .and_then(base64_text)
        .filter(|pem| pem.contains("-----BEGIN") && pem.contains("PRIVATE KEY-----"));
    if key.is_none() {
        return Err("error_private_key".into());
    }
    Ok(())
}

fn base64_text(b64: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// The dialog's CA check: legacy fields moved into `msp`, then CA names, TLS certificate,
/// API and operations URLs required.
fn check_ca(o: &mut Map<String, Value>) -> Result<(), String> {
    display_name(o)?;
    let legacy = |o: &Map<String, Value>, k: &str| o.get(k).cloned();
    let (ca_name, tlsca_name) = (legacy(o, "ca_name"), legacy(o, "tlsca_name"));
    let tls = legacy(o, "tls_cert").or_else(|| legacy(o, "pem"));
    let msp = obj(o, "msp")?;
    for (part, fallback) in [("ca", ca_name), ("tlsca", tlsca_name)] {
        let p = obj(msp, part)?;
        if text(p, "name").is_none() {
            if let Some(v) = fallback {
                p.insert("name".into(), v);
            }
        }
    }
    let component = obj(msp, "component")?;
    if !component.contains_key("tls_cert") {
        if let Some(v) = tls {
            component.insert("tls_cert".into(), v);
        }
    }
    for k in [
        "name",
        "short_name",
        "ca_name",
        "tlsca_name",
        "tls_cert",
        "pem",
    ] {
        o.remove(k);
    }
    let msp = obj(o, "msp")?;
    let has = |part: &str, key: &str| {
        msp.get(part)
            .and_then(Value::as_object)
            .and_then(|p| text(p, key))
            .is_some()
    };
    if !has("ca", "name") || !has("tlsca", "name") || !has("component", "tls_cert") {
        return Err(
            "error_required_fields (msp.ca.name, msp.tlsca.name, msp.component.tls_cert)".into(),
        );
    }
    if text(o, "api_url").is_none() {
        if let Some(v) = o.remove("ca_url").or_else(|| o.remove("url")) {
            o.insert("api_url".into(), v);
        }
    }
    if text(o, "operations_url").is_none() {
        if let Some(v) = o.remove("operations") {
            o.insert("operations_url".into(), v);
        }
    }
    if !is_url(text(o, "api_url")) || !is_url(text(o, "operations_url")) {
        return Err("error_url (api_url, operations_url)".into());
    }
    let tls = o
        .get("msp")
        .and_then(|m| m.get("component"))
        .and_then(|c| c.get("tls_cert"));
    if !is_cert(tls) {
        return Err("error_certificate (msp.component.tls_cert)".into());
    }
    Ok(())
}

/// The dialog's peer / ordering node check: TLS certificate and TLS roots (from the legacy
/// fields when missing), MSP id, and the API, operations and gRPC-web URLs required.
fn check_node(o: &mut Map<String, Value>, kind: Kind) -> Result<(), String> {
    display_name(o)?;
    let roots = o.get("tls_ca_root_cert").or_else(|| o.get("pem")).cloned();
    let mut tls = o.get("tls_cert").cloned();
    if tls.is_none() && kind == Kind::Orderer {
        tls = o.get("server_tls_cert").cloned();
    }
    let msp = obj(o, "msp")?;
    let tlsca = obj(msp, "tlsca")?;
    if !tlsca.contains_key("root_certs") {
        tlsca.insert(
            "root_certs".into(),
            Value::Array(roots.into_iter().collect()),
        );
    }
    let component = obj(msp, "component")?;
    if !component.contains_key("tls_cert") {
        if let Some(v) = tls {
            component.insert("tls_cert".into(), v);
        }
    }
    for k in ["name", "short_name", "tls_cert", "tls_ca_root_cert", "pem"] {
        o.remove(k);
    }
    let msp = &o["msp"];
    if !is_cert(msp.get("component").and_then(|c| c.get("tls_cert"))) {
        return Err("error_certificate (msp.component.tls_cert)".into());
    }
    let roots = msp
        .get("tlsca")
        .and_then(|t| t.get("root_certs"))
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or("error_required_fields (msp.tlsca.root_certs)")?;
    if !roots.iter().all(|r| is_cert(Some(r))) {
        return Err("error_certificate (msp.tlsca.root_certs)".into());
    }
    if text(o, "msp_id").is_none() {
        return Err("error_required_fields (msp_id)".into());
    }
    if kind == Kind::Orderer && text(o, "operations_url").is_none() {
        if let Some(v) = o.remove("operations") {
            o.insert("operations_url".into(), v);
        }
    }
    if text(o, "api_url").is_none() {
        if let Some(v) = o.remove("url") {
            o.insert("api_url".into(), v);
        }
    }
    for key in ["grpcwp_url", "api_url", "operations_url"] {
        if text(o, key).is_none() {
            return Err(format!("error_required_fields ({key})"));
        }
        if !is_url(text(o, key)) {
            return Err(format!("error_url ({key})"));
        }
    }
    Ok(())
}

/// The dialog's MSP check: the fields its MSP form requires.
fn check_msp(o: &mut Map<String, Value>) -> Result<(), String> {
    if text(o, "display_name").is_none() {
        if let Some(n) = text(o, "name").or_else(|| text(o, "short_name")) {
            let n = n.to_owned();
            o.insert("display_name".into(), Value::String(n));
        }
        o.remove("name");
        o.remove("short_name");
    }
    if text(o, "display_name").is_none() {
        return Err("error_import_invalid_name".into());
    }
    for key in ["msp_id", "root_certs", "admins", "host_url"] {
        if o.get(key).is_none_or(Value::is_null) {
            return Err(format!("error_required_fields ({key})"));
        }
    }
    Ok(())
}

/// (cluster id, API URL) of every ordering node the console holds.
fn orderer_nodes(store: &Store) -> BTreeSet<(String, String)> {
    store
        .lock()
        .components
        .values()
        .filter(|c| c.kind() == "fabric-orderer")
        .filter_map(|c| {
            let field = |k: &str| c.record.get(k).and_then(Value::as_str).map(str::to_owned);
            Some((field("cluster_id")?, field("api_url")?))
        })
        .collect()
}

/// The body the dialog's import code sends for an item; `None` for an ordering node it skips
/// (no cluster id, or a node of a known cluster with the same API URL).
fn import_body(item: &Item, known_nodes: &BTreeSet<(String, String)>) -> Option<Value> {
    let o = &item.object;
    let mut body = Map::new();
    let mut take = |keys: &[&str]| {
        for k in keys {
            if let Some(v) = o.get(*k) {
                body.insert((*k).to_owned(), v.clone());
            }
        }
    };
    match item.kind {
        Kind::Ca => take(&[
            "display_name",
            "api_url",
            "operations_url",
            "grpcwp_url",
            "location",
            "msp",
        ]),
        Kind::Peer => take(&[
            "display_name",
            "api_url",
            "operations_url",
            "location",
            "grpcwp_url",
            "msp_id",
            "msp",
        ]),
        Kind::Orderer => {
            let cluster = text(o, "cluster_id")?;
            let api_url = text(o, "api_url").unwrap_or_default();
            if known_nodes.contains(&(cluster.to_owned(), api_url.to_owned())) {
                return None;
            }
            take(&[
                "display_name",
                "api_url",
                "operations_url",
                "osnadmin_url",
                "location",
                "grpcwp_url",
                "msp_id",
                "cluster_id",
                "cluster_name",
                "msp",
            ]);
            let channel = text(o, "system_channel_id").unwrap_or_default().to_owned();
            body.insert("system_channel_id".into(), Value::String(channel));
            let systemless = o
                .get("systemless")
                .is_some_and(|v| v.as_bool() == Some(true));
            body.insert("systemless".into(), Value::Bool(systemless));
        }
        Kind::Msp => take(&[
            "display_name",
            "msp_id",
            "root_certs",
            "intermediate_certs",
            "admins",
            "tls_root_certs",
            "tls_intermediate_certs",
            "revocation_list",
            "organizational_unit_identifiers",
            "fabric_node_ous",
            "host_url",
        ]),
        Kind::Identity => return None,
    }
    body.insert(
        "type".into(),
        Value::String(item.kind.type_field().to_owned()),
    );
    Some(Value::Object(body))
}
