//! A console record (`GET /ak/api/v3/components?deployment_attrs=included&parsed_certs=included`)
//! mapped to the file the console's UI downloads for it (reference §4.1-§4.5): the UI builds
//! its exports from the same record, client side.

use serde_json::{Map, Value};

use fabric_ha_console::{Component, ComponentType};

/// Fields carried over as they are when the record has them (§4.1-§4.5 "optional migration
/// fields").
const OPTIONAL: &[&str] = &[
    "id",
    "scheme_version",
    "migrated_from",
    "imported",
    "cluster_type",
    "console_type",
];

/// MSP definition fields of §4.2.
const MSP_FIELDS: &[&str] = &[
    "display_name",
    "msp_id",
    "admins",
    "root_certs",
    "intermediate_certs",
    "tls_root_certs",
    "tls_intermediate_certs",
    "revocation_list",
    "organizational_unit_identifiers",
    "fabric_node_ous",
];

/// Removes the `*_parsed` objects `parsed_certs=included` adds, at any depth.
fn strip_parsed(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !k.ends_with("_parsed"));
            map.values_mut().for_each(strip_parsed);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_parsed),
        _ => {}
    }
}

fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, key: &str) {
    if let Some(v) = from.get(key).filter(|v| !v.is_null()) {
        to.insert(key.to_owned(), v.clone());
    }
}

fn get<'a>(v: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut cur = v.get(*first)?;
    for key in rest {
        cur = cur.get(*key)?;
    }
    Some(cur)
}

fn set_if(to: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    if let Some(v) = value.filter(|v| !v.is_null()) {
        to.insert(key.to_owned(), v.clone());
    }
}

/// `ibm_saas` (created by this console) is written as the console platform (§4.1).
fn location(record: &Map<String, Value>, to: &mut Map<String, Value>) {
    match record.get("location").and_then(Value::as_str) {
        Some("ibm_saas") => {
            to.insert("location".into(), Value::String("ibmcloud".into()));
        }
        Some(other) => {
            to.insert("location".into(), Value::String(other.into()));
        }
        None => {}
    }
}

/// The `msp` object of a node or CA record without the parsed copies.
fn msp_object(record: &Map<String, Value>) -> Option<Value> {
    let mut msp = record.get("msp")?.clone();
    strip_parsed(&mut msp);
    Some(msp)
}

fn ca_file(r: &Map<String, Value>) -> Map<String, Value> {
    let mut f = Map::new();
    for k in ["display_name", "api_url", "operations_url"] {
        copy(r, &mut f, k);
    }
    f.insert("type".into(), Value::String("fabric-ca".into()));
    if let Some(msp) = msp_object(r) {
        f.insert("msp".into(), msp);
    }
    location(r, &mut f);
    for k in OPTIONAL {
        copy(r, &mut f, k);
    }
    // Legacy copies for old consoles.
    set_if(&mut f, "name", r.get("display_name"));
    let tls = get(r, &["msp", "component", "tls_cert"]);
    set_if(&mut f, "pem", tls);
    set_if(&mut f, "tls_cert", tls);
    set_if(&mut f, "ca_url", r.get("api_url"));
    set_if(&mut f, "ca_name", get(r, &["msp", "ca", "name"]));
    set_if(&mut f, "tlsca_name", get(r, &["msp", "tlsca", "name"]));
    set_if(
        &mut f,
        "tls_ca_root_cert",
        get(r, &["msp", "tlsca", "root_certs"]).and_then(|v| v.get(0)),
    );
    f
}

fn node_file(r: &Map<String, Value>, kind: ComponentType) -> Map<String, Value> {
    let mut f = Map::new();
    for k in [
        "display_name",
        "grpcwp_url",
        "api_url",
        "operations_url",
        "msp_id",
        "node_ou",
    ] {
        copy(r, &mut f, k);
    }
    f.insert("type".into(), Value::String(kind.as_str().into()));
    if let Some(msp) = msp_object(r) {
        f.insert("msp".into(), msp);
    }
    location(r, &mut f);
    for k in OPTIONAL {
        copy(r, &mut f, k);
    }
    set_if(&mut f, "name", r.get("display_name"));
    let tls = get(r, &["msp", "component", "tls_cert"]);
    set_if(&mut f, "pem", tls);
    set_if(&mut f, "tls_cert", tls);
    set_if(
        &mut f,
        "tls_ca_root_cert",
        get(r, &["msp", "tlsca", "root_certs"]).and_then(|v| v.get(0)),
    );
    set_if(&mut f, "ca_name", get(r, &["msp", "ca", "name"]));
    set_if(&mut f, "tlsca_name", get(r, &["msp", "tlsca", "name"]));
    if kind == ComponentType::Orderer {
        for k in [
            "cluster_name",
            "osnadmin_url",
            "systemless",
            "client_tls_cert",
            "server_tls_cert",
        ] {
            copy(r, &mut f, k);
        }
        // The console writes the cluster id without a `_<n>` suffix (§4.5).
        if let Some(id) = r.get("cluster_id").and_then(Value::as_str) {
            let base = id.split('_').next().unwrap_or(id);
            f.insert("cluster_id".into(), Value::String(base.to_owned()));
        }
        // Without a system channel the console writes "" (§4.6a).
        let systemless = r.get("systemless").and_then(Value::as_bool) == Some(true);
        let channel = if systemless {
            Value::String(String::new())
        } else {
            r.get("system_channel_id")
                .cloned()
                .unwrap_or_else(|| Value::String(String::new()))
        };
        f.insert("system_channel_id".into(), channel);
    }
    f
}

fn msp_file(r: &Map<String, Value>, console_url: &str) -> Map<String, Value> {
    let mut f = Map::new();
    for k in MSP_FIELDS {
        copy(r, &mut f, k);
    }
    for k in OPTIONAL {
        copy(r, &mut f, k);
    }
    f.insert("type".into(), Value::String("msp".into()));
    // The console that owns the MSP (§2.6): kept from the record of a copy, so a copy of a copy
    // still names the first console; a record without one was made here (§4.6a).
    let owner = r
        .get("host_url")
        .and_then(Value::as_str)
        .filter(|u| !u.trim().is_empty())
        .unwrap_or(console_url);
    f.insert("host_url".into(), Value::String(owner.to_owned()));
    set_if(&mut f, "name", r.get("display_name"));
    f
}

/// The console file of one record, as JSON; `None` for a record type the console does not
/// export this way.
pub(crate) fn file_of(record: &Component, console_url: &str) -> Option<Value> {
    let kind = record.kind()?;
    let Value::Object(r) = serde_json::to_value(record).ok()? else {
        return None;
    };
    Some(Value::Object(match kind {
        ComponentType::Ca => ca_file(&r),
        ComponentType::Msp => msp_file(&r, console_url),
        ComponentType::Peer | ComponentType::Orderer => node_file(&r, kind),
    }))
}

/// The file of an ordering service: one object per node, as an array (§4.5).
pub(crate) fn cluster_file(nodes: &[&Component]) -> Option<Value> {
    let files: Option<Vec<Value>> = nodes.iter().map(|n| file_of(n, "")).collect();
    Some(Value::Array(files?))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn peer_record_becomes_the_console_download() {
        let record: Component = serde_json::from_value(json!({
            "id": "org1peer1", "type": "fabric-peer", "display_name": "Org1 Peer 1",
            "msp_id": "org1msp", "api_url": "grpcs://p:7051", "operations_url": "https://p:9443",
            "grpcwp_url": "https://p:7443", "location": "ibm_saas", "scheme_version": "v1",
            "timestamp": 1, "tags": ["fabric-peer"], "node_ou": {"enabled": true},
            "msp": {"ca": {"name": "ca", "root_certs": ["R"], "root_certs_parsed": [{}]},
                    "tlsca": {"name": "tlsca", "root_certs": ["T"]},
                    "component": {"tls_cert": "C", "tls_cert_parsed": {}, "ecert": "E", "admin_certs": ["A"]}}
        }))
        .unwrap();
        let file = file_of(&record, "https://console").unwrap();
        assert_eq!(
            file,
            json!({
                "id": "org1peer1", "type": "fabric-peer", "display_name": "Org1 Peer 1",
                "name": "Org1 Peer 1", "msp_id": "org1msp", "api_url": "grpcs://p:7051",
                "operations_url": "https://p:9443", "grpcwp_url": "https://p:7443",
                "location": "ibmcloud", "scheme_version": "v1", "node_ou": {"enabled": true},
                "msp": {"ca": {"name": "ca", "root_certs": ["R"]},
                        "tlsca": {"name": "tlsca", "root_certs": ["T"]},
                        "component": {"tls_cert": "C", "ecert": "E", "admin_certs": ["A"]}},
                "pem": "C", "tls_cert": "C", "tls_ca_root_cert": "T", "ca_name": "ca", "tlsca_name": "tlsca"
            })
        );
    }

    #[test]
    fn msp_record_carries_the_console_address() {
        let record: Component = serde_json::from_value(json!({
            "id": "org1msp", "type": "msp", "display_name": "Org1 MSP", "msp_id": "org1msp",
            "root_certs": ["R"], "admins": ["A"], "tls_root_certs": [], "timestamp": 2, "location": "-"
        }))
        .unwrap();
        let file = file_of(&record, "https://c.example.com").unwrap();
        assert_eq!(file["host_url"], "https://c.example.com");
        assert_eq!(file["type"], "msp");
        assert_eq!(file["name"], "Org1 MSP");
        assert!(file.get("timestamp").is_none());
    }

    #[test]
    fn a_copied_msp_record_keeps_the_console_that_owns_it() {
        let record: Component = serde_json::from_value(json!({
            "id": "org1msp", "type": "msp", "display_name": "Org1 MSP", "msp_id": "org1msp",
            "root_certs": ["R"], "admins": ["A"], "host_url": "https://region1.example.com",
            "timestamp": 2, "location": "-"
        }))
        .unwrap();
        let file = file_of(&record, "https://region2.example.com").unwrap();
        assert_eq!(file["host_url"], "https://region1.example.com");
    }
}
