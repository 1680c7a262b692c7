//! A channel's anchor peers: shown from the config block of a joined peer; added by one config
//! update signed by the organization's admin and broadcast to an orderer (appended to what is
//! there, none twice — the console's way, reference §8 item 16).

use std::time::Duration;

use fabric_ha_fabric_net::config::{self, Config};
use fabric_ha_fabric_net::{ops, NetErrorCode, PeerEndpoint};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::directory::{Directory, PeerNode, Signing};
use super::{channel_name, connect, NodeRef, CALL_TIMEOUT, PROBE_TIMEOUT};
use crate::consoles::block_on;
use crate::error::CoreError;
use crate::workspace::Workspace;

/// How long the orderer is given to cut the new config block.
const NEW_CONFIG_WAIT: Duration = Duration::from_secs(30);

/// One application organization's anchor peers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgAnchors {
    /// Its MSP id.
    pub msp_id: String,
    /// `host:port` of each anchor peer, in the configuration's order.
    pub anchor_peers: Vec<String>,
}

/// `fabric-ha channel anchors show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChannelAnchors {
    /// The channel.
    pub channel: String,
    /// The peer whose config block was read.
    pub peer: NodeRef,
    /// The wallet identity that signed.
    pub identity: String,
    /// The config block's number.
    #[ts(type = "number")]
    pub config_block: u64,
    /// Every application organization, by MSP id.
    pub orgs: Vec<OrgAnchors>,
}

/// What to add.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AddAnchorsInput {
    /// The channel.
    pub channel: String,
    /// The peers to add (one organization).
    pub peers: Vec<String>,
    /// The orderer to send the update to (a library or console ordering service); default:
    /// the channel configuration's orderer endpoints.
    #[serde(default)]
    pub orderer: Option<String>,
    /// The wallet identity that signs; default: the organization's admin.
    #[serde(default)]
    pub identity: Option<String>,
    /// The wallet identity whose TLS certificate the connections (peers and orderer) present,
    /// for nodes that require mutual TLS; default: none.
    #[serde(default)]
    pub tls_identity: Option<String>,
}

/// `fabric-ha channel anchors add`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnchorsAdded {
    /// The channel.
    pub channel: String,
    /// The organization.
    pub msp_id: String,
    /// The wallet identity that signed.
    pub identity: String,
    /// `host:port` added (empty: nothing to do).
    pub added: Vec<String>,
    /// The organization's anchor peers afterwards.
    pub anchor_peers: Vec<String>,
    /// A config update was sent and accepted.
    pub updated: bool,
    /// The orderer asked (`host:port`).
    pub orderer: String,
    /// Its answer to the update, e.g. `SUCCESS (200)`.
    pub status: Option<String>,
    /// The number of the new config block, once the orderer has cut it (within the wait).
    #[ts(type = "number | null")]
    pub config_block: Option<u64>,
}

fn host_port(peer: &PeerNode) -> Result<(String, u16), CoreError> {
    let url = url::Url::parse(&peer.node.api_url).ok();
    url.as_ref()
        .and_then(|u| Some((u.host_str()?.to_owned(), u.port()?)))
        .ok_or_else(|| CoreError::InvalidInput {
            field: "PEER".into(),
            reason: format!(
                "{:?} has no host:port in its api_url {}",
                peer.node.name, peer.node.api_url
            ),
        })
}

fn joined_list(items: &[(String, u16)]) -> Vec<String> {
    items.iter().map(|(h, p)| format!("{h}:{p}")).collect()
}

fn bad_config(channel: &str, e: &fabric_ha_fabric_net::NetError) -> CoreError {
    CoreError::InvalidInput {
        field: "CHANNEL".into(),
        reason: format!("the configuration of {channel}: {}", e.message),
    }
}

/// Why a peer could not give a channel's config block.
enum NotRead {
    /// Its answer (or no connection), typed.
    Failed(CoreError),
    /// Anything else, said.
    Said(String),
}

impl std::fmt::Display for NotRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRead::Failed(e) => e.fmt(f),
            NotRead::Said(why) => f.write_str(why),
        }
    }
}

/// The config block (number and configuration) of `channel` from the first of `candidates`
/// that has joined it; the reasons of the others when none has.
async fn config_from_peers(
    candidates: &[(&PeerNode, &Signing)],
    channel: &str,
) -> Result<(NodeRef, String, u64, Config), Vec<NotRead>> {
    let mut asked = Vec::new();
    for (node, signing) in candidates {
        let client = match connect(node, signing, PROBE_TIMEOUT).await {
            Ok(c) => c,
            Err(e) => {
                asked.push(NotRead::Failed(e));
                continue;
            }
        };
        let listed = match client.channels(&signing.signer).await {
            Ok(listed) => listed,
            Err(e) => {
                asked.push(NotRead::Failed(signing.fail(&node.node.name)(e)));
                continue;
            }
        };
        if !listed.iter().any(|c| c == channel) {
            asked.push(NotRead::Said(format!(
                "{:?} has not joined {channel}",
                node.node.name
            )));
            continue;
        }
        let read = async {
            let bytes = client.config_block(&signing.signer, channel).await?;
            let block = config::decode_block(&bytes)?;
            let number = block.header.as_ref().map_or(0, |h| h.number);
            Ok::<_, fabric_ha_fabric_net::NetError>((number, config::config_from_block(&block)?))
        };
        match read.await {
            Ok((number, config)) => {
                return Ok((node.node.clone(), signing.identity.clone(), number, config))
            }
            Err(e) => asked.push(NotRead::Failed(signing.fail(&node.node.name)(e))),
        }
    }
    Err(asked)
}

fn asked_text(asked: &[NotRead]) -> String {
    if asked.is_empty() {
        String::new()
    } else {
        let said: Vec<String> = asked.iter().map(ToString::to_string).collect();
        format!(" ({})", said.join("; "))
    }
}

impl Workspace {
    /// Every application organization's anchor peers in `channel`'s config block, read from
    /// `peer` (default: the first peer known here that has joined the channel and that a
    /// wallet identity can sign for); the connections present `tls_identity`'s TLS
    /// certificate if named. A named `peer` that answers with an error gives that error, typed.
    pub fn channel_anchors(
        &self,
        channel: &str,
        peer: Option<&str>,
        identity: Option<&str>,
        tls_identity: Option<&str>,
    ) -> Result<ChannelAnchors, CoreError> {
        let channel = channel_name(channel)?;
        let client_tls = self.client_tls_for(tls_identity)?;
        let dir = Directory::load(self)?;
        let nodes: Vec<&PeerNode> = match peer {
            Some(p) => vec![dir.peer("--peer", p)?],
            None => dir.peers.iter().collect(),
        };
        let mut signings = Vec::new();
        let mut unsigned = Vec::new();
        for node in nodes {
            match self.signing_for(&dir, node, identity) {
                Ok(s) => signings.push((node, s.presenting(client_tls.as_ref()))),
                // With --peer the peer's own signer must work; otherwise try the next peer.
                Err(e) if peer.is_some() => return Err(e),
                Err(e @ CoreError::NoAdminIdentity { .. }) => {
                    unsigned.push(NotRead::Said(e.to_string()));
                }
                Err(e) => return Err(e),
            }
        }
        let candidates: Vec<(&PeerNode, &Signing)> =
            signings.iter().map(|(n, s)| (*n, s)).collect();
        let found = block_on(config_from_peers(&candidates, &channel))?;
        let (node, identity, number, config) = match found {
            Ok(found) => found,
            Err(mut asked) => {
                match (peer, asked.pop()) {
                    // The peer named with --peer: its own answer, typed.
                    (Some(_), Some(NotRead::Failed(e))) if asked.is_empty() => return Err(e),
                    (_, Some(last)) => asked.push(last),
                    (_, None) => {}
                }
                asked.extend(unsigned);
                return Err(CoreError::InvalidInput {
                    field: "--peer".into(),
                    reason: format!(
                        "no peer known to the library or the registered consoles could give the config block of {channel}{}: pass --peer PEER, a peer that has joined it",
                        asked_text(&asked)
                    ),
                });
            }
        };
        let mut orgs = Vec::new();
        for msp_id in config::application_orgs(&config) {
            let anchors =
                config::anchor_peers(&config, &msp_id).map_err(|e| bad_config(&channel, &e))?;
            orgs.push(OrgAnchors {
                msp_id,
                anchor_peers: joined_list(&anchors),
            });
        }
        Ok(ChannelAnchors {
            channel,
            peer: node,
            identity,
            config_block: number,
            orgs,
        })
    }

    /// Adds peers (one organization) to the channel's anchor peers: one config update signed
    /// by the organization's admin, broadcast to the orderer (`input.orderer`, else the
    /// channel configuration's, read from a joined peer of the organization). Nothing is sent
    /// when every one of them is an anchor peer already. The connections to the peers and the
    /// orderer present `input.tls_identity`'s TLS certificate if named. The orderer's refusal is
    /// [`CoreError::ConfigUpdateRefused`].
    pub fn channel_add_anchors(&self, input: AddAnchorsInput) -> Result<AnchorsAdded, CoreError> {
        let channel = channel_name(&input.channel)?;
        let client_tls = self.client_tls_for(input.tls_identity.as_deref())?;
        if input.peers.is_empty() {
            return Err(CoreError::InvalidInput {
                field: "PEER".into(),
                reason: "name at least one peer".into(),
            });
        }
        let dir = Directory::load(self)?;
        let peers = input
            .peers
            .iter()
            .map(|p| dir.peer("PEER", p))
            .collect::<Result<Vec<_>, _>>()?;
        let first = peers[0];
        let msp_id = first.node.msp_id.clone();
        if let Some(other) = peers.iter().find(|p| p.node.msp_id != msp_id) {
            return Err(CoreError::InvalidInput {
                field: "PEER".into(),
                reason: format!(
                    "the peers belong to different organizations ({:?} is {msp_id}, {:?} is {}): add one organization's anchor peers at a time, signed by its admin",
                    first.node.name, other.node.name, other.node.msp_id
                ),
            });
        }
        let mut add = Vec::new();
        for peer in &peers {
            let hp = host_port(peer)?;
            if !add.contains(&hp) {
                add.push(hp);
            }
        }
        let signing = self
            .signing_for(&dir, first, input.identity.as_deref())?
            .presenting(client_tls.as_ref());
        let mut orderers: Vec<PeerEndpoint> = match input.orderer.as_deref() {
            Some(name) => dir.orderer("--orderer", name)?.nodes.clone(),
            None => {
                let mut candidates: Vec<(&PeerNode, &Signing)> =
                    peers.iter().map(|p| (*p, &signing)).collect();
                for p in dir.peers.iter().filter(|p| p.node.msp_id == msp_id) {
                    if !candidates
                        .iter()
                        .any(|(c, _)| c.node.api_url == p.node.api_url)
                    {
                        candidates.push((p, &signing));
                    }
                }
                let found = block_on(config_from_peers(&candidates, &channel))?;
                let (_, _, _, config) = found.map_err(|asked| CoreError::InvalidInput {
                    field: "--orderer".into(),
                    reason: format!(
                        "no peer of {msp_id} known to the library or the registered consoles could give the config block of {channel}{}: pass --orderer ORDERER (an ordering service of the library or a console)",
                        asked_text(&asked)
                    ),
                })?;
                ops::orderer_endpoints(&config).map_err(|e| bad_config(&channel, &e))?
            }
        };
        for orderer in &mut orderers {
            orderer.client_tls.clone_from(&client_tls);
        }
        if orderers.is_empty() {
            return Err(CoreError::InvalidInput {
                field: "--orderer".into(),
                reason: format!(
                    "the configuration of {channel} names no orderer address: pass --orderer ORDERER"
                ),
            });
        }
        let added =
            block_on(self.broadcast_anchors(&orderers, &signing, &channel, &msp_id, &add))??;
        Ok(added)
    }

    async fn broadcast_anchors(
        &self,
        orderers: &[PeerEndpoint],
        signing: &Signing,
        channel: &str,
        msp_id: &str,
        add: &[(String, u16)],
    ) -> Result<AnchorsAdded, CoreError> {
        let update = ops::add_anchor_peers(
            orderers,
            &signing.signer,
            channel,
            msp_id,
            add,
            CALL_TIMEOUT,
            NEW_CONFIG_WAIT,
        )
        .await
        .map_err(|e| match e.code {
            NetErrorCode::InvalidInput if e.context == "channel config" => {
                CoreError::InvalidInput {
                    field: "PEER".into(),
                    reason: format!("{msp_id} is not an application organization of {channel}"),
                }
            }
            _ => signing.fail(&format!("orderer of {channel}"))(e),
        })?;
        if update.refused() {
            return Err(CoreError::ConfigUpdateRefused {
                orderer: update.orderer,
                channel: channel.to_owned(),
                identity: signing.identity.clone(),
                status: update.status.map(ops::status_name).unwrap_or_default(),
                info: update.info,
            });
        }
        Ok(AnchorsAdded {
            channel: channel.to_owned(),
            msp_id: msp_id.to_owned(),
            identity: signing.identity.clone(),
            added: joined_list(&update.added),
            anchor_peers: joined_list(&update.after),
            updated: update.accepted(),
            status: update.status.map(ops::status_name),
            orderer: update.orderer,
            config_block: update.config_block,
        })
    }
}
