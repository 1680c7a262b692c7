//! "Never a duplicate": the console stores a second record for the same component without a
//! word (§2.3, pitfall 6), so before importing, look for the component among the console's
//! records.
//!
//! Same component means: a CA, peer or ordering node with the same `api_url` (compared as
//! URLs: scheme and host case-insensitive, default ports filled in, trailing slash ignored);
//! an MSP with the same `msp_id` and at least one root certificate in common (compared as
//! decoded certificates, never as base64 text, §4.6a), which is also what the console UI warns
//! about.

use serde_json::Value;

use crate::compare::cert_key;
use crate::models::{Component, ComponentType};

fn normalized_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let url = url::Url::parse(raw).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let port = url
        .port_or_known_default()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    Some(format!("{}://{host}{port}{path}", url.scheme()))
}

fn same_url(a: &str, b: &str) -> bool {
    match (normalized_url(a), normalized_url(b)) {
        (Some(a), Some(b)) => a == b,
        // Not a URL on one side: fall back to exact text, which is what the console stored.
        _ => a.trim() == b.trim(),
    }
}

fn string_list(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    }
}

/// Finds the record on the console that is the same component as the import body `body` of
/// type `kind`, if any (the first, when the console holds several).
///
/// A CA, peer or orderer body without `api_url` never matches (nothing to compare), and
/// neither does an MSP body without root certificates. The same component may still carry
/// other certificates: see [`crate::certificate_differences`].
pub fn find_existing<'a>(
    existing: &'a [Component],
    kind: ComponentType,
    body: &Value,
) -> Option<&'a Component> {
    find_all_existing(existing, kind, body).into_iter().next()
}

/// Every record on the console that is the same component as `body` (the console never
/// refuses a second copy, §9: a stale record and a fresh one can sit side by side), in the
/// console's order.
pub fn find_all_existing<'a>(
    existing: &'a [Component],
    kind: ComponentType,
    body: &Value,
) -> Vec<&'a Component> {
    let same_type = |c: &&Component| c.kind() == Some(kind);
    match kind {
        ComponentType::Ca | ComponentType::Peer | ComponentType::Orderer => {
            let Some(url) = body.get("api_url").and_then(Value::as_str) else {
                return Vec::new();
            };
            existing
                .iter()
                .filter(same_type)
                .filter(|c| c.api_url.as_deref().is_some_and(|u| same_url(u, url)))
                .collect()
        }
        ComponentType::Msp => {
            let Some(msp_id) = body.get("msp_id").and_then(Value::as_str) else {
                return Vec::new();
            };
            let wanted: Vec<Vec<u8>> = string_list(body.get("root_certs"))
                .into_iter()
                .map(cert_key)
                .collect();
            if wanted.is_empty() {
                return Vec::new();
            }
            existing
                .iter()
                .filter(same_type)
                .filter(|c| {
                    c.msp_id.as_deref() == Some(msp_id)
                        && c.root_certs
                            .iter()
                            .flatten()
                            .any(|r| wanted.contains(&cert_key(r)))
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn record(v: Value) -> Component {
        serde_json::from_value(v).unwrap()
    }

    fn console() -> Vec<Component> {
        vec![
            record(
                json!({"id": "org1ca", "type": "fabric-ca", "api_url": "https://CA.example.com:443/"}),
            ),
            record(
                json!({"id": "org1peer1", "type": "fabric-peer", "api_url": "grpcs://peer1.example.com:7051"}),
            ),
            record(
                json!({"id": "os1node1", "type": "fabric-orderer", "api_url": "grpcs://orderer1.example.com:7050"}),
            ),
            record(
                json!({"id": "org1msp", "type": "msp", "msp_id": "org1msp", "root_certs": ["QUJD", "REVG"]}),
            ),
        ]
    }

    #[test]
    fn ca_matches_by_url_not_by_text() {
        let all = console();
        let hit = find_existing(
            &all,
            ComponentType::Ca,
            &json!({"display_name": "Other name", "api_url": "https://ca.example.com"}),
        );
        assert_eq!(hit.map(|c| c.id.as_str()), Some("org1ca"));
        assert!(find_existing(
            &all,
            ComponentType::Ca,
            &json!({"api_url": "https://ca.example.com:8443"})
        )
        .is_none());
        assert!(find_existing(&all, ComponentType::Ca, &json!({"display_name": "x"})).is_none());
    }

    #[test]
    fn nodes_match_by_api_url_within_their_type() {
        let all = console();
        let peer = json!({"api_url": "grpcs://PEER1.example.com:7051"});
        assert_eq!(
            find_existing(&all, ComponentType::Peer, &peer).map(|c| c.id.as_str()),
            Some("org1peer1")
        );
        // The same address as an orderer is a different component type.
        assert!(find_existing(&all, ComponentType::Orderer, &peer).is_none());
        let node = json!({"api_url": "grpcs://orderer1.example.com:7050"});
        assert_eq!(
            find_existing(&all, ComponentType::Orderer, &node).map(|c| c.id.as_str()),
            Some("os1node1")
        );
        assert!(find_existing(
            &all,
            ComponentType::Peer,
            &json!({"api_url": "grpcs://peer2.example.com:7051"})
        )
        .is_none());
    }

    #[test]
    fn every_copy_of_the_same_component_is_found() {
        let mut all = console();
        all.push(record(
            json!({"id": "org1peer1_0", "type": "fabric-peer", "api_url": "grpcs://peer1.example.com:7051/"}),
        ));
        let peer = json!({"api_url": "grpcs://peer1.example.com:7051"});
        let ids: Vec<&str> = find_all_existing(&all, ComponentType::Peer, &peer)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["org1peer1", "org1peer1_0"]);
        assert_eq!(
            find_existing(&all, ComponentType::Peer, &peer).map(|c| c.id.as_str()),
            Some("org1peer1")
        );
        assert!(
            find_all_existing(&all, ComponentType::Msp, &json!({"msp_id": "org1msp"})).is_empty()
        );
    }

    #[test]
    fn msp_needs_same_id_and_a_shared_root() {
        let all = console();
        let hit = find_existing(
            &all,
            ComponentType::Msp,
            &json!({"msp_id": "org1msp", "root_certs": ["REVG"]}),
        );
        assert_eq!(hit.map(|c| c.id.as_str()), Some("org1msp"));
        // Same MSP id, other roots: an earlier network, not the same organization (§8.13).
        assert!(find_existing(
            &all,
            ComponentType::Msp,
            &json!({"msp_id": "org1msp", "root_certs": ["WFla"]})
        )
        .is_none());
        // Same roots, other id.
        assert!(find_existing(
            &all,
            ComponentType::Msp,
            &json!({"msp_id": "org2msp", "root_certs": ["QUJD"]})
        )
        .is_none());
        assert!(find_existing(&all, ComponentType::Msp, &json!({"msp_id": "org1msp"})).is_none());
    }

    #[test]
    fn msp_roots_compare_as_certificates() {
        let pki = fabric_ha_artifacts::testdata::Pki::new();
        let with_newline = pki.ca_root.b64();
        // The same certificate without the trailing newline (as the UI trims it): other base64.
        let trimmed = fabric_ha_artifacts::to_b64pem(pki.ca_root.pem().trim_end());
        assert_ne!(with_newline, trimmed);
        let all = vec![record(json!({
            "id": "org1msp", "type": "msp", "msp_id": "org1msp",
            "root_certs": [pki.foreign_root.b64(), with_newline]
        }))];
        let body = json!({"msp_id": "org1msp", "root_certs": [trimmed]});
        assert_eq!(
            find_existing(&all, ComponentType::Msp, &body).map(|c| c.id.as_str()),
            Some("org1msp")
        );
        let other = json!({"msp_id": "org1msp", "root_certs": [pki.tls_root.b64()]});
        assert!(find_existing(&all, ComponentType::Msp, &other).is_none());
    }
}
