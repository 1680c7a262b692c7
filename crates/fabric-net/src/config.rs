//! Channel configuration: read it from a config block, change an organization's anchor peers,
//! and compute the config update the way `configtxlator compute_update` does (Fabric's
//! `internal/configtxlator/update`): for every group, values and policies that changed are
//! written at version + 1, unchanged siblings of a changed member set are kept at their
//! versions, and a group whose member set changed (an element added or removed, or its
//! mod policy changed) is rewritten whole at version + 1.

use std::collections::HashMap;

use fabric_gateway::pb::common::{
    ConfigEnvelope, ConfigGroup, ConfigPolicy, ConfigSignature, ConfigUpdate, ConfigUpdateEnvelope,
    ConfigValue, Envelope, HeaderType, OrdererAddresses, Payload,
};
use fabric_gateway::pb::msp::{FabricMspConfig, MspConfig};
use fabric_gateway::pb::protos::{AnchorPeer, AnchorPeers};
use prost::Message as _;

/// A block and a channel configuration, as the functions here take and return them.
pub use fabric_gateway::pb::common::{Block, Config};

use crate::error::{NetError, NetErrorCode};
use crate::proposal::{envelope, Signing, TlsBinding};
use crate::Signer;

/// The `AnchorPeers` value's key in an application organization's group.
const ANCHOR_PEERS: &str = "AnchorPeers";
/// The mod policy a new `AnchorPeers` value gets (the console and the CLI use it).
const ADMINS: &str = "Admins";

fn invalid(message: impl Into<String>) -> NetError {
    NetError::new(NetErrorCode::InvalidResponse, "channel config", message)
}

/// The channel configuration a config block carries (`data[0]` → envelope → payload →
/// `ConfigEnvelope.config`).
pub fn config_from_block(block: &Block) -> Result<Config, NetError> {
    let data = block
        .data
        .as_ref()
        .and_then(|d| d.data.first())
        .ok_or_else(|| invalid("the block has no transaction"))?;
    let envelope = Envelope::decode(data.as_slice()).map_err(|e| invalid(e.to_string()))?;
    let payload =
        Payload::decode(envelope.payload.as_slice()).map_err(|e| invalid(e.to_string()))?;
    let config_envelope =
        ConfigEnvelope::decode(payload.data.as_slice()).map_err(|e| invalid(e.to_string()))?;
    config_envelope
        .config
        .ok_or_else(|| invalid("the block is not a config block"))
}

/// A block from its bytes, as the peer's `qscc GetBlockByNumber` and `cscc GetConfigBlock`
/// return it.
pub fn decode_block(bytes: &[u8]) -> Result<Block, NetError> {
    Block::decode(bytes).map_err(|e| invalid(format!("not a block: {e}")))
}

/// The MSP ids of the channel's application organizations, sorted.
pub fn application_orgs(config: &Config) -> Vec<String> {
    let mut orgs: Vec<String> = config
        .channel_group
        .as_ref()
        .and_then(|g| g.groups.get("Application"))
        .map(|a| a.groups.keys().cloned().collect())
        .unwrap_or_default();
    orgs.sort();
    orgs
}

/// An ordering organization as the channel configuration names it: where its orderers listen
/// and the TLS roots their certificates chain to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrdererOrg {
    /// The organization's MSP id (its group name under `Orderer`).
    pub msp_id: String,
    /// `host:port` of its orderers (`Endpoints`; the channel's global `OrdererAddresses` when
    /// the organization names none).
    pub addresses: Vec<String>,
    /// PEMs of its MSP's `tls_root_certs` and `tls_intermediate_certs`.
    pub tls_root_pems: Vec<String>,
}

/// The channel's ordering organizations, sorted by MSP id.
pub fn orderer_orgs(config: &Config) -> Result<Vec<OrdererOrg>, NetError> {
    let Some(channel) = config.channel_group.as_ref() else {
        return Ok(Vec::new());
    };
    let addresses = |value: Option<&ConfigValue>| -> Result<Vec<String>, NetError> {
        value.map_or(Ok(Vec::new()), |v| {
            OrdererAddresses::decode(v.value.as_slice())
                .map(|a| a.addresses)
                .map_err(|e| invalid(format!("OrdererAddresses: {e}")))
        })
    };
    let global = addresses(channel.values.get("OrdererAddresses"))?;
    let mut orgs = Vec::new();
    for (msp_id, group) in channel
        .groups
        .get("Orderer")
        .map(|o| &o.groups)
        .into_iter()
        .flatten()
    {
        let mut own = addresses(group.values.get("Endpoints"))?;
        if own.is_empty() {
            own.clone_from(&global);
        }
        let mut tls_root_pems = Vec::new();
        if let Some(value) = group.values.get("MSP") {
            let msp = MspConfig::decode(value.value.as_slice())
                .map_err(|e| invalid(format!("{msp_id} MSP: {e}")))?;
            let fabric = FabricMspConfig::decode(msp.config.as_slice())
                .map_err(|e| invalid(format!("{msp_id} MSP: {e}")))?;
            for pem in fabric
                .tls_root_certs
                .iter()
                .chain(&fabric.tls_intermediate_certs)
            {
                tls_root_pems.push(String::from_utf8_lossy(pem).into_owned());
            }
        }
        orgs.push(OrdererOrg {
            msp_id: msp_id.clone(),
            addresses: own,
            tls_root_pems,
        });
    }
    orgs.sort_by(|a, b| a.msp_id.cmp(&b.msp_id));
    Ok(orgs)
}

fn org_group<'a>(config: &'a Config, msp_id: &str) -> Result<&'a ConfigGroup, NetError> {
    config
        .channel_group
        .as_ref()
        .and_then(|g| g.groups.get("Application"))
        .and_then(|a| a.groups.get(msp_id))
        .ok_or_else(|| {
            NetError::new(
                NetErrorCode::InvalidInput,
                "channel config",
                format!("{msp_id} is not an application organization of the channel"),
            )
        })
}

/// The organization's anchor peers (`host`, `port`), in the order of the configuration.
pub fn anchor_peers(config: &Config, msp_id: &str) -> Result<Vec<(String, u16)>, NetError> {
    let group = org_group(config, msp_id)?;
    let Some(value) = group.values.get(ANCHOR_PEERS) else {
        return Ok(Vec::new());
    };
    let peers = AnchorPeers::decode(value.value.as_slice()).map_err(|e| invalid(e.to_string()))?;
    Ok(peers
        .anchor_peers
        .into_iter()
        .map(|p| (p.host, u16::try_from(p.port).unwrap_or(0)))
        .collect())
}

/// `config` with `add` appended to the organization's anchor peers (those already there are
/// kept, none twice); `None` when every one of them is there already.
pub fn with_anchor_peers(
    config: &Config,
    msp_id: &str,
    add: &[(String, u16)],
) -> Result<Option<Config>, NetError> {
    let mut peers = anchor_peers(config, msp_id)?;
    let before = peers.len();
    for peer in add {
        if !peers.contains(peer) {
            peers.push(peer.clone());
        }
    }
    if peers.len() == before {
        return Ok(None);
    }
    let mut updated = config.clone();
    let group = updated
        .channel_group
        .as_mut()
        .and_then(|g| g.groups.get_mut("Application"))
        .and_then(|a| a.groups.get_mut(msp_id))
        .ok_or_else(|| invalid("the organization vanished"))?;
    let value = AnchorPeers {
        anchor_peers: peers
            .into_iter()
            .map(|(host, port)| AnchorPeer {
                host,
                port: i32::from(port),
            })
            .collect(),
    }
    .encode_to_vec();
    let entry = group
        .values
        .entry(ANCHOR_PEERS.to_owned())
        .or_insert_with(|| ConfigValue {
            version: 0,
            value: Vec::new(),
            mod_policy: ADMINS.to_owned(),
        });
    entry.value = value;
    Ok(Some(updated))
}

/// The elements of one map (values or policies) as compute_update sees them.
trait Versioned: Clone {
    fn version(&self) -> u64;
    fn same(&self, other: &Self) -> bool;
    fn at(&self, version: u64) -> Self;
    fn only_version(&self) -> Self;
}

impl Versioned for ConfigValue {
    fn version(&self) -> u64 {
        self.version
    }
    fn same(&self, other: &Self) -> bool {
        self.mod_policy == other.mod_policy && self.value == other.value
    }
    fn at(&self, version: u64) -> Self {
        ConfigValue {
            version,
            ..self.clone()
        }
    }
    fn only_version(&self) -> Self {
        ConfigValue {
            version: self.version,
            ..ConfigValue::default()
        }
    }
}

impl Versioned for ConfigPolicy {
    fn version(&self) -> u64 {
        self.version
    }
    fn same(&self, other: &Self) -> bool {
        self.mod_policy == other.mod_policy && self.policy == other.policy
    }
    fn at(&self, version: u64) -> Self {
        ConfigPolicy {
            version,
            ..self.clone()
        }
    }
    fn only_version(&self) -> Self {
        ConfigPolicy {
            version: self.version,
            ..ConfigPolicy::default()
        }
    }
}

/// (read set, write set, same set, members changed) of a values or policies map.
type MapUpdate<T> = (
    HashMap<String, T>,
    HashMap<String, T>,
    HashMap<String, T>,
    bool,
);

fn map_update<T: Versioned>(
    original: &HashMap<String, T>,
    updated: &HashMap<String, T>,
) -> MapUpdate<T> {
    let read = HashMap::new();
    let mut write = HashMap::new();
    let mut same = HashMap::new();
    let mut members_changed = false;
    for (name, old) in original {
        match updated.get(name) {
            None => members_changed = true,
            Some(new) if old.same(new) => {
                same.insert(name.clone(), old.only_version());
            }
            Some(new) => {
                write.insert(name.clone(), new.at(old.version() + 1));
            }
        }
    }
    for (name, new) in updated {
        if !original.contains_key(name) {
            members_changed = true;
            write.insert(name.clone(), new.at(0));
        }
    }
    (read, write, same, members_changed)
}

/// (read set, write set, same set, members changed) of a groups map.
type GroupsUpdate = MapUpdate<ConfigGroup>;

fn groups_update(
    original: &HashMap<String, ConfigGroup>,
    updated: &HashMap<String, ConfigGroup>,
) -> GroupsUpdate {
    let mut read = HashMap::new();
    let mut write = HashMap::new();
    let mut same = HashMap::new();
    let mut members_changed = false;
    for (name, old) in original {
        match updated.get(name) {
            None => members_changed = true,
            Some(new) => {
                let (r, w, changed) = group_update(old, new);
                if changed {
                    read.insert(name.clone(), r);
                    write.insert(name.clone(), w);
                } else {
                    same.insert(name.clone(), r);
                }
            }
        }
    }
    for (name, new) in updated {
        if !original.contains_key(name) {
            members_changed = true;
            let (_, w, _) = group_update(&ConfigGroup::default(), new);
            write.insert(
                name.clone(),
                ConfigGroup {
                    version: 0,
                    mod_policy: new.mod_policy.clone(),
                    ..w
                },
            );
        }
    }
    (read, write, same, members_changed)
}

/// (read set, write set, changed) of one group.
fn group_update(original: &ConfigGroup, updated: &ConfigGroup) -> (ConfigGroup, ConfigGroup, bool) {
    let (mut read_policies, mut write_policies, same_policies, policies_changed) =
        map_update(&original.policies, &updated.policies);
    let (mut read_values, mut write_values, same_values, values_changed) =
        map_update(&original.values, &updated.values);
    let (mut read_groups, mut write_groups, same_groups, groups_changed) =
        groups_update(&original.groups, &updated.groups);

    if !(policies_changed
        || values_changed
        || groups_changed
        || original.mod_policy != updated.mod_policy)
    {
        let untouched = read_policies.is_empty()
            && write_policies.is_empty()
            && read_values.is_empty()
            && write_values.is_empty()
            && read_groups.is_empty()
            && write_groups.is_empty();
        let only = |version| ConfigGroup {
            version,
            ..ConfigGroup::default()
        };
        if untouched {
            return (only(original.version), only(original.version), false);
        }
        return (
            ConfigGroup {
                version: original.version,
                policies: read_policies,
                values: read_values,
                groups: read_groups,
                mod_policy: String::new(),
            },
            ConfigGroup {
                version: original.version,
                policies: write_policies,
                values: write_values,
                groups: write_groups,
                mod_policy: String::new(),
            },
            true,
        );
    }
    for (k, v) in same_policies {
        read_policies.insert(k.clone(), v.clone());
        write_policies.insert(k, v);
    }
    for (k, v) in same_values {
        read_values.insert(k.clone(), v.clone());
        write_values.insert(k, v);
    }
    for (k, v) in same_groups {
        read_groups.insert(k.clone(), v.clone());
        write_groups.insert(k, v);
    }
    (
        ConfigGroup {
            version: original.version,
            policies: read_policies,
            values: read_values,
            groups: read_groups,
            mod_policy: String::new(),
        },
        ConfigGroup {
            version: original.version + 1,
            policies: write_policies,
            values: write_values,
            groups: write_groups,
            mod_policy: updated.mod_policy.clone(),
        },
        true,
    )
}

/// The config update from `original` to `updated` for `channel`, as `configtxlator
/// compute_update` computes it; `None` when they do not differ.
pub fn compute_update(original: &Config, updated: &Config, channel: &str) -> Option<ConfigUpdate> {
    let empty = ConfigGroup::default();
    let (read_set, write_set, changed) = group_update(
        original.channel_group.as_ref().unwrap_or(&empty),
        updated.channel_group.as_ref().unwrap_or(&empty),
    );
    changed.then(|| ConfigUpdate {
        channel_id: channel.to_owned(),
        read_set: Some(read_set),
        write_set: Some(write_set),
        isolated_data: HashMap::new(),
    })
}

/// A config update signed by `signer` (one `ConfigSignature` over signature header ‖ update)
/// inside a `CONFIG_UPDATE` envelope signed by the same identity, ready to broadcast (to any
/// orderer: it is bound to no TLS connection).
pub fn signed_update_envelope(signer: &Signer, update: &ConfigUpdate) -> Envelope {
    let config_update = update.encode_to_vec();
    let signing = Signing::new(signer);
    let mut signed_bytes = signing.signature_header.clone();
    signed_bytes.extend_from_slice(&config_update);
    let signature = ConfigSignature {
        signature: signer.sign(&signed_bytes),
        signature_header: signing.signature_header,
    };
    let data = ConfigUpdateEnvelope {
        config_update,
        signatures: vec![signature],
    }
    .encode_to_vec();
    envelope(
        signer,
        HeaderType::ConfigUpdate,
        &update.channel_id,
        data,
        &TlsBinding::UNBOUND,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn value(v: u64, bytes: &[u8]) -> ConfigValue {
        ConfigValue {
            version: v,
            value: bytes.to_vec(),
            mod_policy: ADMINS.to_owned(),
        }
    }

    /// Channel → Application → org1msp (with `MSP` at version 0, a policy) and org2msp.
    fn config(anchor: Option<ConfigValue>) -> Config {
        let mut org1 = ConfigGroup {
            version: 1,
            mod_policy: ADMINS.to_owned(),
            ..ConfigGroup::default()
        };
        org1.values.insert("MSP".into(), value(0, b"msp"));
        org1.policies.insert(
            "Admins".into(),
            ConfigPolicy {
                version: 0,
                policy: None,
                mod_policy: ADMINS.to_owned(),
            },
        );
        if let Some(anchor) = anchor {
            org1.values.insert(ANCHOR_PEERS.into(), anchor);
        }
        let mut app = ConfigGroup {
            version: 2,
            mod_policy: ADMINS.to_owned(),
            ..ConfigGroup::default()
        };
        app.groups.insert("org1msp".into(), org1);
        app.groups.insert(
            "org2msp".into(),
            ConfigGroup {
                version: 0,
                ..ConfigGroup::default()
            },
        );
        let mut channel = ConfigGroup {
            version: 0,
            ..ConfigGroup::default()
        };
        channel.groups.insert("Application".into(), app);
        channel.values.insert("Consortium".into(), value(0, b"c"));
        Config {
            sequence: 3,
            channel_group: Some(channel),
        }
    }

    fn path<'a>(g: &'a ConfigGroup, names: &[&str]) -> &'a ConfigGroup {
        names.iter().fold(g, |g, n| &g.groups[*n])
    }

    #[test]
    fn changing_existing_anchor_peers_bumps_only_the_value() {
        let anchors = AnchorPeers {
            anchor_peers: vec![AnchorPeer {
                host: "a".into(),
                port: 1,
            }],
        };
        let original = config(Some(value(0, &anchors.encode_to_vec())));
        let updated = with_anchor_peers(&original, "org1msp", &[("b".into(), 2)])
            .unwrap()
            .unwrap();
        assert_eq!(
            anchor_peers(&updated, "org1msp").unwrap(),
            vec![("a".into(), 1), ("b".into(), 2)]
        );
        let update = compute_update(&original, &updated, "ch").unwrap();
        let read = update.read_set.unwrap();
        let write = update.write_set.unwrap();
        // Groups on the path at their versions, nothing else read.
        assert_eq!(path(&read, &["Application"]).version, 2);
        let org_read = path(&read, &["Application", "org1msp"]);
        assert_eq!(org_read.version, 1);
        assert!(org_read.values.is_empty() && org_read.policies.is_empty());
        assert!(!path(&read, &["Application"]).groups.contains_key("org2msp"));
        // The value at version + 1, its group at the same version, no sibling written.
        let org_write = path(&write, &["Application", "org1msp"]);
        assert_eq!(org_write.version, 1);
        assert_eq!(org_write.values.len(), 1);
        assert_eq!(org_write.values[ANCHOR_PEERS].version, 1);
        assert_eq!(org_write.values[ANCHOR_PEERS].mod_policy, ADMINS);
        assert!(write.values.is_empty());
    }

    #[test]
    fn new_anchor_peers_rewrite_the_organization_at_the_next_version() {
        let original = config(None);
        let updated = with_anchor_peers(&original, "org1msp", &[("b".into(), 2)])
            .unwrap()
            .unwrap();
        let update = compute_update(&original, &updated, "ch").unwrap();
        let write = update.write_set.unwrap();
        let org_write = path(&write, &["Application", "org1msp"]);
        assert_eq!(org_write.version, 2);
        assert_eq!(org_write.mod_policy, ADMINS);
        // Every existing member repeated at its version, the new value at 0.
        assert_eq!(org_write.values["MSP"].version, 0);
        assert!(org_write.values["MSP"].value.is_empty());
        assert_eq!(org_write.policies["Admins"].version, 0);
        assert_eq!(org_write.values[ANCHOR_PEERS].version, 0);
        assert_eq!(path(&write, &["Application"]).version, 2);
        let read = update.read_set.unwrap();
        let org_read = path(&read, &["Application", "org1msp"]);
        assert_eq!(org_read.values["MSP"].version, 0);
    }

    #[test]
    fn orderer_organizations_name_their_endpoints_and_tls_roots() {
        let mut config = config(None);
        let channel = config.channel_group.as_mut().unwrap();
        let msp = MspConfig {
            r#type: 0,
            config: FabricMspConfig {
                name: "OrdererMSP".into(),
                tls_root_certs: vec![b"-----BEGIN CERTIFICATE-----\nR\n".to_vec()],
                ..FabricMspConfig::default()
            }
            .encode_to_vec(),
        };
        let mut own = ConfigGroup::default();
        own.values
            .insert("MSP".into(), value(0, &msp.encode_to_vec()));
        own.values.insert(
            "Endpoints".into(),
            value(
                0,
                &OrdererAddresses {
                    addresses: vec!["o1:7050".into()],
                }
                .encode_to_vec(),
            ),
        );
        let mut orderer = ConfigGroup::default();
        orderer.groups.insert("OrdererMSP".into(), own);
        orderer
            .groups
            .insert("LegacyMSP".into(), ConfigGroup::default());
        channel.groups.insert("Orderer".into(), orderer);
        channel.values.insert(
            "OrdererAddresses".into(),
            value(
                0,
                &OrdererAddresses {
                    addresses: vec!["g:7050".into()],
                }
                .encode_to_vec(),
            ),
        );
        let orgs = orderer_orgs(&config).unwrap();
        assert_eq!(orgs.len(), 2);
        assert_eq!(orgs[0].msp_id, "LegacyMSP");
        assert_eq!(orgs[0].addresses, vec!["g:7050".to_owned()]);
        assert!(orgs[0].tls_root_pems.is_empty());
        assert_eq!(orgs[1].addresses, vec!["o1:7050".to_owned()]);
        assert_eq!(
            orgs[1].tls_root_pems,
            vec!["-----BEGIN CERTIFICATE-----\nR\n".to_owned()]
        );
        assert_eq!(application_orgs(&config), vec!["org1msp", "org2msp"]);
        assert!(decode_block(b"\xff\xff").is_err());
    }

    #[test]
    fn nothing_to_add_changes_nothing() {
        let anchors = AnchorPeers {
            anchor_peers: vec![AnchorPeer {
                host: "a".into(),
                port: 1,
            }],
        };
        let original = config(Some(value(0, &anchors.encode_to_vec())));
        assert!(with_anchor_peers(&original, "org1msp", &[("a".into(), 1)])
            .unwrap()
            .is_none());
        assert!(compute_update(&original, &original, "ch").is_none());
        let err = anchor_peers(&original, "org9msp").unwrap_err();
        assert_eq!(err.code, NetErrorCode::InvalidInput);
    }
}
