//! A console's Nodes and Organizations pages: its records mapped to tiles, with the status
//! squares of reference §7.4, ordering nodes grouped one tile per cluster.

use std::collections::BTreeMap;
use std::time::Duration;

use fabric_ha_artifacts::Cert;
use fabric_ha_console::{Component, ComponentQuery, ComponentType, Health};
use serde_json::Value;

use super::{
    block_on, now_rfc3339, rfc3339, ComponentStatus, ConsoleComponents, ConsoleMsp, ConsoleNode,
};
use crate::error::CoreError;
use crate::workspace::Workspace;

/// How long a console's answer is reused, so several views never exceed its rate limit.
pub const COMPONENTS_CACHE: Duration = Duration::from_secs(20);
/// How long the console waits for each component's health check.
const STATUS_TIMEOUT_MS: u64 = 5_000;

fn str_field<'a>(c: &'a Component, key: &str) -> Option<&'a str> {
    c.extra.get(key).and_then(Value::as_str)
}

/// The certificates a record carries (roots, TLS, enrollment, admins).
fn record_certs(c: &Component) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    if let Some(msp) = &c.msp {
        for ca in [&msp.ca, &msp.tlsca].into_iter().flatten() {
            out.extend(ca.root_certs.iter().map(String::as_str));
        }
        if let Some(comp) = &msp.component {
            out.extend(comp.tls_cert.as_deref());
            out.extend(comp.ecert.as_deref());
            out.extend(comp.admin_certs.iter().flatten().map(String::as_str));
        }
    }
    for list in [&c.root_certs, &c.admins, &c.tls_root_certs] {
        out.extend(list.iter().flatten().map(String::as_str));
    }
    out
}

fn earliest_expiry<'a>(certs: impl IntoIterator<Item = &'a str>) -> Option<i64> {
    certs
        .into_iter()
        .filter_map(|b64| Cert::from_b64pem(b64).ok())
        .map(|c| c.not_after())
        .min()
}

/// A single record's status (§7.4).
fn status_of(c: &Component, health: Option<Health>) -> ComponentStatus {
    let needs_ops = c.kind() != Some(ComponentType::Ca);
    if needs_ops && c.operations_url.as_deref().is_none_or(str::is_empty) {
        return ComponentStatus::Undetectable;
    }
    match health {
        Some(Health::Ok) => ComponentStatus::Running,
        // A node this console created and that does not answer yet is still deploying.
        Some(Health::NotOk) if !c.is_imported() => ComponentStatus::Pending,
        Some(Health::NotOk) => ComponentStatus::Unknown,
        Some(Health::Unknown) => ComponentStatus::Pending,
        // The status call itself failed.
        None => ComponentStatus::Unknown,
    }
}

/// A cluster's status: the nodes' common status; mixed answers are "unknown" (the console's
/// "Your ordering service may be down"), unless some are still pending and none failed.
fn aggregate(statuses: &[ComponentStatus]) -> ComponentStatus {
    match statuses.first() {
        None => ComponentStatus::Unknown,
        Some(first) if statuses.iter().all(|s| s == first) => *first,
        Some(_) => {
            let settled = |s: &&ComponentStatus| {
                !matches!(s, ComponentStatus::Running | ComponentStatus::Pending)
            };
            if statuses.contains(&ComponentStatus::Pending) && !statuses.iter().any(|s| settled(&s))
            {
                ComponentStatus::Pending
            } else {
                ComponentStatus::Unknown
            }
        }
    }
}

fn node_tile(c: &Component, kind: &str, status: ComponentStatus) -> ConsoleNode {
    ConsoleNode {
        id: c.id.clone(),
        kind: kind.to_owned(),
        display_name: c.display_name.clone().unwrap_or_else(|| c.id.clone()),
        msp_id: c.msp_id.clone(),
        api_url: c.api_url.clone(),
        location: c.location.clone(),
        imported: c.is_imported(),
        version: str_field(c, "version").map(str::to_owned),
        status,
        nodes: 1,
        node_ou_enabled: c.node_ou.as_ref().is_some_and(|n| n.enabled),
        cert_expires_at: earliest_expiry(record_certs(c)).map(rfc3339),
    }
}

fn msp_tile(c: &Component) -> ConsoleMsp {
    let count =
        |v: &Option<Vec<String>>| u32::try_from(v.as_ref().map_or(0, Vec::len)).unwrap_or(u32::MAX);
    let node_ous = c.extra.get("fabric_node_ous").and_then(|v| v.get("enable"));
    ConsoleMsp {
        id: c.id.clone(),
        display_name: c.display_name.clone().unwrap_or_else(|| c.id.clone()),
        msp_id: c.msp_id.clone().unwrap_or_default(),
        root_certs: count(&c.root_certs),
        admin_certs: count(&c.admins),
        node_ou_enabled: matches!(node_ous, Some(Value::Bool(true)))
            || node_ous.and_then(Value::as_str) == Some("enabled"),
    }
}

/// The cluster an ordering node belongs to (its own id when it names none).
pub(crate) fn cluster_of(c: &Component) -> String {
    str_field(c, "cluster_id")
        .filter(|s| !s.is_empty())
        .map_or_else(|| c.id.clone(), str::to_owned)
}

/// Maps a console's records and their health to tiles.
fn tiles(
    console: &str,
    records: &[Component],
    health: Option<&BTreeMap<String, Health>>,
) -> ConsoleComponents {
    let health_of =
        |c: &Component| health.map(|map| map.get(&c.id).copied().unwrap_or(Health::Unknown));
    let mut out = ConsoleComponents {
        console: console.to_owned(),
        fetched_at: now_rfc3339(),
        peers: Vec::new(),
        cas: Vec::new(),
        orderers: Vec::new(),
        msps: Vec::new(),
    };
    let mut clusters: BTreeMap<String, Vec<&Component>> = BTreeMap::new();
    for c in records {
        match c.kind() {
            Some(ComponentType::Ca) => out.cas.push(node_tile(c, "ca", status_of(c, health_of(c)))),
            Some(ComponentType::Peer) => {
                out.peers
                    .push(node_tile(c, "peer", status_of(c, health_of(c))));
            }
            Some(ComponentType::Msp) => out.msps.push(msp_tile(c)),
            Some(ComponentType::Orderer) => clusters.entry(cluster_of(c)).or_default().push(c),
            None => {}
        }
    }
    for (cluster_id, nodes) in clusters {
        let Some(first) = nodes.first() else { continue };
        let statuses: Vec<ComponentStatus> =
            nodes.iter().map(|n| status_of(n, health_of(n))).collect();
        let mut tile = node_tile(first, "orderer", aggregate(&statuses));
        tile.id = cluster_id;
        if let Some(name) = str_field(first, "cluster_name").filter(|s| !s.is_empty()) {
            tile.display_name = name.to_owned();
        }
        tile.nodes = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        tile.imported = nodes.iter().all(|n| n.is_imported());
        tile.node_ou_enabled = nodes
            .iter()
            .any(|n| n.node_ou.as_ref().is_some_and(|o| o.enabled));
        tile.cert_expires_at =
            earliest_expiry(nodes.iter().flat_map(|n| record_certs(n))).map(rfc3339);
        out.orderers.push(tile);
    }
    let by_name = |a: &ConsoleNode, b: &ConsoleNode| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    };
    out.peers.sort_by(by_name);
    out.cas.sort_by(by_name);
    out.orderers.sort_by(by_name);
    out.msps.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

impl Workspace {
    /// A console's tiles: peers, CAs, ordering services (one per cluster) and MSPs, with their
    /// status. The answer is reused for [`COMPONENTS_CACHE`] so that several views polling
    /// the same console stay under its rate limit.
    pub fn console_components(&self, name: &str) -> Result<ConsoleComponents, CoreError> {
        if let Some(cached) = self.console_cache().get(name, COMPONENTS_CACHE) {
            return Ok(cached);
        }
        self.read_console_components(name)
    }

    /// [`Self::console_components`] for an explicit refresh: never an answer from this
    /// workspace's cache, and the console is asked to skip its own cache too (`cache=skip` on
    /// the GET, `skip_cache` for each status). The answer replaces the cached one.
    pub fn console_components_fresh(&self, name: &str) -> Result<ConsoleComponents, CoreError> {
        self.read_console_components(name)
    }

    fn read_console_components(&self, name: &str) -> Result<ConsoleComponents, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let fetched = block_on(async {
            // `full()` includes `cache=skip`: the console's in-memory cache never answers.
            let records = client.list_components(ComponentQuery::full()).await?;
            let ids: Vec<&str> = records
                .iter()
                .filter(|c| {
                    matches!(
                        c.kind(),
                        Some(ComponentType::Ca | ComponentType::Peer | ComponentType::Orderer)
                    )
                })
                .map(|c| c.id.as_str())
                .collect();
            let health = if ids.is_empty() {
                Ok(Vec::new())
            } else {
                client.component_status(&ids, STATUS_TIMEOUT_MS).await
            };
            Ok::<_, fabric_ha_console::ConsoleError>((records, health))
        })??;
        let (records, health) = fetched;
        let health = match health {
            Ok(list) => Some(list.into_iter().map(|(id, s)| (id, s.health)).collect()),
            Err(e) => {
                tracing::warn!(console = %name, error = %e, "component status unavailable");
                None
            }
        };
        let components = tiles(&row.name, &records, health.as_ref());
        self.console_cache().put(&row.name, components.clone());
        Ok(components)
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

    #[test]
    fn status_follows_the_console_rules() {
        let imported = record(
            json!({"id": "p", "type": "fabric-peer", "operations_url": "https://o:9443", "location": "-"}),
        );
        let created = record(
            json!({"id": "q", "type": "fabric-peer", "operations_url": "https://o:9443", "location": "ibm_saas"}),
        );
        let blind = record(json!({"id": "r", "type": "fabric-peer"}));
        let ca = record(json!({"id": "c", "type": "fabric-ca"}));
        assert_eq!(
            status_of(&imported, Some(Health::Ok)),
            ComponentStatus::Running
        );
        assert_eq!(
            status_of(&imported, Some(Health::NotOk)),
            ComponentStatus::Unknown
        );
        assert_eq!(
            status_of(&created, Some(Health::NotOk)),
            ComponentStatus::Pending
        );
        assert_eq!(
            status_of(&imported, Some(Health::Unknown)),
            ComponentStatus::Pending
        );
        assert_eq!(status_of(&imported, None), ComponentStatus::Unknown);
        assert_eq!(
            status_of(&blind, Some(Health::Ok)),
            ComponentStatus::Undetectable
        );
        assert_eq!(status_of(&ca, Some(Health::Ok)), ComponentStatus::Running);
    }

    #[test]
    fn clusters_are_one_tile_with_an_aggregate_status() {
        let node = |id: &str| {
            record(
                json!({"id": id, "type": "fabric-orderer", "cluster_id": "abc", "cluster_name": "OS1",
                "msp_id": "osmsp", "operations_url": "https://o:9443", "api_url": format!("grpcs://{id}:7050")}),
            )
        };
        let records = vec![node("os1"), node("os2"), node("os3")];
        let mut health = BTreeMap::new();
        health.insert("os1".to_owned(), Health::Ok);
        health.insert("os2".to_owned(), Health::Ok);
        health.insert("os3".to_owned(), Health::Ok);
        let t = tiles("c", &records, Some(&health));
        assert_eq!(t.orderers.len(), 1);
        assert_eq!(t.orderers[0].id, "abc");
        assert_eq!(t.orderers[0].display_name, "OS1");
        assert_eq!(t.orderers[0].nodes, 3);
        assert_eq!(t.orderers[0].status, ComponentStatus::Running);
        health.insert("os2".to_owned(), Health::NotOk);
        let t = tiles("c", &records, Some(&health));
        assert_eq!(t.orderers[0].status, ComponentStatus::Unknown);
        assert_eq!(
            aggregate(&[ComponentStatus::Running, ComponentStatus::Pending]),
            ComponentStatus::Pending
        );
    }
}
