//! One peer: its channels and heights, joining a channel, its installed packages, installing a
//! package.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use fabric_ha_fabric_net::package::{self, PackageInfo};
use fabric_ha_fabric_net::{ops, NetErrorCode, PeerClient};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::directory::{Directory, PeerNode, Signing};
use super::{channel_name, connect, NodeRef, CALL_TIMEOUT, PROBE_TIMEOUT};
use crate::consoles::block_on;
use crate::error::CoreError;
use crate::library::MAX_IMPORT_FILE_BYTES;
use crate::workspace::Workspace;

/// How long a joined peer is given to catch up with the peer its block 0 came from.
const CATCH_UP: Duration = Duration::from_secs(120);
/// How long an install may take (a peer may build the chaincode).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

/// A channel a peer has joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChannelHeight {
    /// The channel.
    pub channel: String,
    /// Its height on the peer (number of blocks).
    #[ts(type = "number")]
    pub height: u64,
    /// Hex of the newest block's header hash.
    pub current_block_hash: String,
}

/// `fabric-ha peer channels`: the channels a peer has joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerChannels {
    /// The peer.
    pub peer: NodeRef,
    /// The wallet identity that signed.
    pub identity: String,
    /// Its channels, by name.
    pub channels: Vec<ChannelHeight>,
}

/// What to join.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerJoinInput {
    /// The peer to join.
    pub peer: String,
    /// The channel.
    pub channel: String,
    /// A peer that has joined the channel, to take block 0 from; default: another peer of the
    /// same organization that lists the channel.
    #[serde(default)]
    pub from: Option<String>,
    /// The wallet identity that signs; default: the organization's admin.
    #[serde(default)]
    pub identity: Option<String>,
    /// The wallet identity whose TLS certificate the connections present, for peers that
    /// require mutual TLS; default: none.
    #[serde(default)]
    pub tls_identity: Option<String>,
}

/// The joined peer's height while it catches up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JoinProgress {
    /// The joined peer's height.
    #[ts(type = "number")]
    pub height: u64,
    /// The height of the peer block 0 came from.
    #[ts(type = "number")]
    pub target: u64,
}

/// A [`JoinProgress`] of one join, as the window receives it while `peer_join` waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JoinProgressUpdate {
    /// The peer being joined, as the join named it.
    pub peer: String,
    /// The channel.
    pub channel: String,
    /// Its height and the height it is catching up with.
    pub progress: JoinProgress,
}

/// `fabric-ha peer join`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerJoined {
    /// The peer.
    pub peer: NodeRef,
    /// The channel.
    pub channel: String,
    /// The wallet identity that signed.
    pub identity: String,
    /// The peer had joined the channel already: nothing was sent.
    pub already_joined: bool,
    /// The peer block 0 came from.
    pub source: Option<NodeRef>,
    /// The source peer's height when block 0 was taken.
    #[ts(type = "number | null")]
    pub source_height: Option<u64>,
    /// The joined peer's height at the end.
    #[ts(type = "number")]
    pub height: u64,
    /// It reached the source's height within the wait.
    pub caught_up: bool,
}

/// A chaincode definition using an installed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChaincodeReference {
    /// The channel.
    pub channel: String,
    /// The chaincode's name there.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A package installed on a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InstalledChaincode {
    /// `<label>:<sha256 hex>`.
    pub package_id: String,
    /// Its label.
    pub label: String,
    /// The chaincode definitions that use it.
    pub references: Vec<ChaincodeReference>,
}

/// `fabric-ha peer chaincodes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerChaincodes {
    /// The peer.
    pub peer: NodeRef,
    /// The wallet identity that signed.
    pub identity: String,
    /// Its installed packages, by package id.
    pub packages: Vec<InstalledChaincode>,
}

/// Where the package to install comes from.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum InstallFrom {
    /// A package file (`.tar.gz`).
    File(PathBuf),
    /// Another peer: the package with this id, or every package of it that a chaincode
    /// definition on a channel uses.
    Peer {
        /// The peer.
        peer: String,
        /// One package id.
        #[serde(default)]
        package_id: Option<String>,
    },
}

/// What to install.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerInstallInput {
    /// The peer to install on.
    pub peer: String,
    /// The package(s).
    pub from: InstallFrom,
    /// The wallet identity that signs; default: the organization's admin.
    #[serde(default)]
    pub identity: Option<String>,
    /// The wallet identity whose TLS certificate the connections present, for peers that
    /// require mutual TLS; default: none.
    #[serde(default)]
    pub tls_identity: Option<String>,
}

/// One package of an install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackageInstall {
    /// The package id the peer knows it by.
    pub package_id: String,
    /// Its label.
    pub label: String,
    /// `metadata.json` `type` (`ccaas`, `golang`, ...), when readable.
    pub package_type: String,
    /// It was installed already: nothing was sent.
    pub already_installed: bool,
    /// What to watch when it was installed (a `ccaas` package's one server address).
    pub warning: Option<String>,
}

/// `fabric-ha peer install`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeerInstalled {
    /// The peer.
    pub peer: NodeRef,
    /// The wallet identity that signed.
    pub identity: String,
    /// The peer the packages came from.
    pub source: Option<NodeRef>,
    /// One entry per package.
    pub packages: Vec<PackageInstall>,
}

/// The other peers of a peer's organization: where block 0 or a package can come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgPeers {
    /// The peer asked about.
    pub peer: NodeRef,
    /// Every other peer of its MSP known to the library or a registered console, by display
    /// name.
    pub others: Vec<NodeRef>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Block 0 of `channel` and the height of the peer it came from.
struct Genesis {
    block: Vec<u8>,
    source: NodeRef,
    height: u64,
}

async fn genesis_from(
    node: &PeerNode,
    signing: &Signing,
    channel: &str,
) -> Result<Genesis, CoreError> {
    let fail = signing.fail(&node.node.name);
    let client = connect(node, signing, CALL_TIMEOUT).await?;
    // From the peer, or from an orderer when the peer has no block 0 (a snapshot join).
    let block = ops::genesis_block(&client, &signing.signer, channel, CALL_TIMEOUT)
        .await
        .map_err(&fail)?
        .bytes;
    let height = client
        .chain_info(&signing.signer, channel)
        .await
        .map_err(&fail)?
        .height;
    Ok(Genesis {
        block,
        source: node.node.clone(),
        height,
    })
}

/// Block 0 from another peer of the target's organization that lists the channel.
async fn genesis_nearby(
    dir: &Directory,
    target: &PeerNode,
    signing: &Signing,
    channel: &str,
) -> Result<Genesis, CoreError> {
    let mut asked = Vec::new();
    for node in dir
        .peers
        .iter()
        .filter(|p| p.node.msp_id == target.node.msp_id && p.node.api_url != target.node.api_url)
    {
        let listed = match connect(node, signing, PROBE_TIMEOUT).await {
            Ok(client) => client
                .channels(&signing.signer)
                .await
                .map_err(|e| e.message),
            Err(e) => Err(e.to_string()),
        };
        match listed {
            Ok(channels) if channels.iter().any(|c| c == channel) => {
                return genesis_from(node, signing, channel).await;
            }
            Ok(_) => asked.push(format!("{:?} has not joined it", node.node.name)),
            Err(e) => asked.push(format!("{:?}: {e}", node.node.name)),
        }
    }
    Err(CoreError::InvalidInput {
        field: "--from".into(),
        reason: format!(
            "no other peer of {} known to the library or the registered consoles lists {channel}{}: pass --from PEER, a peer that has joined {channel} (its block 0 joins this one)",
            target.node.msp_id,
            if asked.is_empty() {
                String::new()
            } else {
                format!(" ({})", asked.join("; "))
            }
        ),
    })
}

/// Waits (bounded) until `client`'s height on `channel` reaches `target`; its last height.
async fn catch_up(
    client: &PeerClient,
    node: &PeerNode,
    signing: &Signing,
    channel: &str,
    target: u64,
    progress: &mut (dyn FnMut(JoinProgress) + Send),
) -> Result<u64, CoreError> {
    let deadline = tokio::time::Instant::now() + CATCH_UP;
    ops::wait_for_height(
        client,
        &signing.signer,
        channel,
        target,
        deadline,
        &mut |height| progress(JoinProgress { height, target }),
    )
    .await
    .map_err(signing.fail(&node.node.name))
}

fn read_package_file(path: &PathBuf) -> Result<Vec<u8>, CoreError> {
    let invalid = |reason: String| CoreError::InvalidInput {
        field: "--package".into(),
        reason,
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
    if meta.len() > MAX_IMPORT_FILE_BYTES {
        return Err(invalid(format!(
            "{} is {} bytes; packages over {MAX_IMPORT_FILE_BYTES} bytes are not read",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read(path).map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))
}

impl Workspace {
    /// The other peers of `peer`'s organization (same MSP id, another `api_url`) that the
    /// library and the registered consoles know; nothing is asked of the peers themselves.
    pub fn peer_org_peers(&self, peer: &str) -> Result<OrgPeers, CoreError> {
        let dir = Directory::load(self)?;
        let node = dir.peer("PEER", peer)?;
        let others = dir
            .peers
            .iter()
            .filter(|p| p.node.msp_id == node.node.msp_id && p.node.api_url != node.node.api_url)
            .map(|p| p.node.clone())
            .collect();
        Ok(OrgPeers {
            peer: node.node.clone(),
            others,
        })
    }

    /// The channels `peer` has joined, each with its height (`cscc GetChannels`, `qscc
    /// GetChainInfo`); the connection presents `tls_identity`'s TLS certificate if named.
    pub fn peer_channels(
        &self,
        peer: &str,
        identity: Option<&str>,
        tls_identity: Option<&str>,
    ) -> Result<PeerChannels, CoreError> {
        let client_tls = self.client_tls_for(tls_identity)?;
        let dir = Directory::load(self)?;
        let node = dir.peer("PEER", peer)?;
        let signing = self
            .signing_for(&dir, node, identity)?
            .presenting(client_tls.as_ref());
        let fail = signing.fail(&node.node.name);
        let channels = block_on(async {
            let client = connect(node, &signing, CALL_TIMEOUT).await?;
            let mut names = client.channels(&signing.signer).await.map_err(&fail)?;
            names.sort();
            let mut out = Vec::with_capacity(names.len());
            for channel in names {
                let info = client
                    .chain_info(&signing.signer, &channel)
                    .await
                    .map_err(&fail)?;
                out.push(ChannelHeight {
                    channel,
                    height: info.height,
                    current_block_hash: hex(&info.current_block_hash),
                });
            }
            Ok::<_, CoreError>(out)
        })??;
        Ok(PeerChannels {
            peer: node.node.clone(),
            identity: signing.identity.clone(),
            channels,
        })
    }

    /// Joins a peer to a channel with block 0 from a peer that has joined it (`--from`, else
    /// another peer of its organization that lists it), then waits (bounded) until its height
    /// reaches that peer's, telling `progress` each height. A peer that lists the channel
    /// already is left alone.
    pub fn peer_join(
        &self,
        input: PeerJoinInput,
        progress: &mut (dyn FnMut(JoinProgress) + Send),
    ) -> Result<PeerJoined, CoreError> {
        let channel = channel_name(&input.channel)?;
        let client_tls = self.client_tls_for(input.tls_identity.as_deref())?;
        let dir = Directory::load(self)?;
        let target = dir.peer("PEER", &input.peer)?;
        let signing = self
            .signing_for(&dir, target, input.identity.as_deref())?
            .presenting(client_tls.as_ref());
        let source = match input.from.as_deref() {
            Some(from) => {
                let node = dir.peer("--from", from)?;
                if node.node.api_url == target.node.api_url {
                    return Err(CoreError::InvalidInput {
                        field: "--from".into(),
                        reason: format!(
                            "{from:?} is the peer being joined; name a peer that has joined {channel}"
                        ),
                    });
                }
                let node_signing = if node.node.msp_id == target.node.msp_id {
                    None
                } else {
                    Some(
                        self.signing_for(&dir, node, input.identity.as_deref())?
                            .presenting(client_tls.as_ref()),
                    )
                };
                Some((node, node_signing))
            }
            None => None,
        };
        let fail = signing.fail(&target.node.name);
        let joined = |already_joined, source: Option<&Genesis>, height| PeerJoined {
            peer: target.node.clone(),
            channel: channel.clone(),
            identity: signing.identity.clone(),
            already_joined,
            source: source.map(|g| g.source.clone()),
            source_height: source.map(|g| g.height),
            height,
            caught_up: source.is_none_or(|g| height >= g.height),
        };
        block_on(async {
            let client = connect(target, &signing, CALL_TIMEOUT).await?;
            let channels = client.channels(&signing.signer).await.map_err(&fail)?;
            if channels.contains(&channel) {
                let info = client
                    .chain_info(&signing.signer, &channel)
                    .await
                    .map_err(&fail)?;
                return Ok(joined(true, None, info.height));
            }
            let genesis = match &source {
                Some((node, own)) => {
                    genesis_from(node, own.as_ref().unwrap_or(&signing), &channel).await?
                }
                None => genesis_nearby(&dir, target, &signing, &channel).await?,
            };
            match client.join(&signing.signer, &genesis.block).await {
                Ok(()) => {}
                Err(e) if e.code == NetErrorCode::AlreadyJoined => {}
                Err(e) => return Err(fail(e)),
            }
            tracing::info!(peer = %target.node.name, channel = %channel, from = %genesis.source.name, "joined");
            let height = catch_up(
                &client,
                target,
                &signing,
                &channel,
                genesis.height,
                progress,
            )
            .await?;
            Ok(joined(false, Some(&genesis), height))
        })?
    }

    /// The packages installed on a peer (`_lifecycle QueryInstalledChaincodes`); the
    /// connection presents `tls_identity`'s TLS certificate if named.
    pub fn peer_chaincodes(
        &self,
        peer: &str,
        identity: Option<&str>,
        tls_identity: Option<&str>,
    ) -> Result<PeerChaincodes, CoreError> {
        let client_tls = self.client_tls_for(tls_identity)?;
        let dir = Directory::load(self)?;
        let node = dir.peer("PEER", peer)?;
        let signing = self
            .signing_for(&dir, node, identity)?
            .presenting(client_tls.as_ref());
        let installed = block_on(async {
            let client = connect(node, &signing, CALL_TIMEOUT).await?;
            client
                .installed(&signing.signer)
                .await
                .map_err(signing.fail(&node.node.name))
        })??;
        let mut packages: Vec<InstalledChaincode> = installed
            .into_iter()
            .map(|p| InstalledChaincode {
                package_id: p.package_id,
                label: p.label,
                references: p
                    .references
                    .into_iter()
                    .map(|(channel, name, version)| ChaincodeReference {
                        channel,
                        name,
                        version,
                    })
                    .collect(),
            })
            .collect();
        packages.sort_by(|a, b| a.package_id.cmp(&b.package_id));
        Ok(PeerChaincodes {
            peer: node.node.clone(),
            identity: signing.identity.clone(),
            packages,
        })
    }

    /// Installs a package file, or the exact bytes of packages another peer has
    /// (`_lifecycle GetInstalledChaincodePackage`), on a peer; a package the peer lists
    /// already is skipped.
    pub fn peer_install(&self, input: PeerInstallInput) -> Result<PeerInstalled, CoreError> {
        let file = match &input.from {
            InstallFrom::File(path) => {
                let bytes = read_package_file(path)?;
                let info = package::inspect(&bytes).map_err(|why| CoreError::InvalidInput {
                    field: "--package".into(),
                    reason: format!("{} is not a chaincode package: {why}", path.display()),
                })?;
                Some((bytes, info))
            }
            InstallFrom::Peer { .. } => None,
        };
        let client_tls = self.client_tls_for(input.tls_identity.as_deref())?;
        let dir = Directory::load(self)?;
        let target = dir.peer("PEER", &input.peer)?;
        let signing = self
            .signing_for(&dir, target, input.identity.as_deref())?
            .presenting(client_tls.as_ref());
        let source = match &input.from {
            InstallFrom::Peer { peer, package_id } => {
                let node = dir.peer("--from", peer)?;
                let node_signing = if node.node.msp_id == target.node.msp_id {
                    None
                } else {
                    Some(
                        self.signing_for(&dir, node, input.identity.as_deref())?
                            .presenting(client_tls.as_ref()),
                    )
                };
                Some((node, node_signing, package_id.clone()))
            }
            InstallFrom::File(_) => None,
        };
        let fail = signing.fail(&target.node.name);
        let packages = block_on(async {
            let packages: Vec<(Vec<u8>, Option<PackageInfo>, String)> = match (file, &source) {
                (Some((bytes, info)), _) => {
                    let id = info.package_id.clone();
                    vec![(bytes, Some(info), id)]
                }
                (None, Some((node, own, package_id))) => {
                    let own = own.as_ref().unwrap_or(&signing);
                    packages_of(node, own, package_id.as_deref()).await?
                }
                (None, None) => Vec::new(),
            };
            let client = connect(target, &signing, CALL_TIMEOUT).await?;
            let installed: BTreeSet<String> = client
                .installed(&signing.signer)
                .await
                .map_err(&fail)?
                .into_iter()
                .map(|p| p.package_id)
                .collect();
            let installer =
                PeerClient::connect(&target.endpoint(client_tls.clone()), INSTALL_TIMEOUT)
                    .await
                    .map_err(&fail)?;
            let mut out = Vec::with_capacity(packages.len());
            for (bytes, info, known_id) in packages {
                let package_type = info.as_ref().map(|i| i.kind.clone()).unwrap_or_default();
                let label = info.as_ref().map_or_else(
                    || known_id.split(':').next().unwrap_or_default().to_owned(),
                    |i| i.label.clone(),
                );
                if installed.contains(&known_id) {
                    out.push(PackageInstall {
                        package_id: known_id,
                        label,
                        package_type,
                        already_installed: true,
                        warning: None,
                    });
                    continue;
                }
                let (package_id, label, already_installed) = match installer
                    .install(&signing.signer, &bytes)
                    .await
                {
                    Ok((id, label)) => (id, label, false),
                    Err(e) if e.code == NetErrorCode::AlreadyInstalled => (known_id, label, true),
                    Err(e) => return Err(fail(e)),
                };
                tracing::info!(peer = %target.node.name, package_id = %package_id, already_installed, "install");
                let warning = if already_installed {
                    None
                } else {
                    info.as_ref().and_then(package::ccaas_warning)
                };
                out.push(PackageInstall {
                    package_id,
                    label,
                    package_type,
                    already_installed,
                    warning,
                });
            }
            Ok::<_, CoreError>(out)
        })??;
        Ok(PeerInstalled {
            peer: target.node.clone(),
            identity: signing.identity.clone(),
            source: source.map(|(node, _, _)| node.node.clone()),
            packages,
        })
    }
}

/// The bytes of package `package_id` on `node`, or of every package of it that a chaincode
/// definition on a channel uses; with what they say about themselves and their ids.
async fn packages_of(
    node: &PeerNode,
    signing: &Signing,
    package_id: Option<&str>,
) -> Result<Vec<(Vec<u8>, Option<PackageInfo>, String)>, CoreError> {
    let fail = signing.fail(&node.node.name);
    let client = connect(node, signing, CALL_TIMEOUT).await?;
    let ids: Vec<String> = match package_id {
        Some(id) => vec![id.trim().to_owned()],
        None => {
            let referenced: Vec<String> = client
                .installed(&signing.signer)
                .await
                .map_err(&fail)?
                .into_iter()
                .filter(|p| !p.references.is_empty())
                .map(|p| p.package_id)
                .collect();
            if referenced.is_empty() {
                return Err(CoreError::InvalidInput {
                    field: "--package-id".into(),
                    reason: format!(
                        "no package installed on {:?} is used by a chaincode definition on a channel: name one with --package-id (see `fabric-ha peer chaincodes`)",
                        node.node.name
                    ),
                });
            }
            referenced
        }
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let bytes = client
            .installed_package(&signing.signer, &id)
            .await
            .map_err(&fail)?;
        let info = package::inspect(&bytes)
            .map_err(|why| tracing::warn!(package_id = %id, why = %why, "package not readable"))
            .ok();
        out.push((bytes, info, id));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn window_inputs_read_as_the_ui_sends_them() {
        let from_peer: PeerInstallInput = serde_json::from_value(serde_json::json!({
            "peer": "Dallas/org1peer2",
            "from": { "peer": { "peer": "Dallas/org1peer0", "packageId": "basic_1.0:ab12" } },
            "identity": null,
        }))
        .unwrap();
        assert!(matches!(
            from_peer.from,
            InstallFrom::Peer { ref peer, package_id: Some(ref id) }
                if peer == "Dallas/org1peer0" && id == "basic_1.0:ab12"
        ));
        let from_file: PeerInstallInput = serde_json::from_value(serde_json::json!({
            "peer": "Dallas/org1peer2",
            "from": { "file": "/home/op/basic.tar.gz" },
        }))
        .unwrap();
        assert!(
            matches!(from_file.from, InstallFrom::File(ref p) if p == &PathBuf::from("/home/op/basic.tar.gz"))
        );
        assert!(from_file.identity.is_none());
        let join: PeerJoinInput = serde_json::from_value(serde_json::json!({
            "peer": "Dallas/org1peer2", "channel": "mychannel", "from": null,
        }))
        .unwrap();
        assert_eq!(join.channel, "mychannel");
        assert!(join.from.is_none() && join.identity.is_none() && join.tls_identity.is_none());
        let update = JoinProgressUpdate {
            peer: "Dallas/org1peer2".into(),
            channel: "mychannel".into(),
            progress: JoinProgress {
                height: 3,
                target: 7,
            },
        };
        assert_eq!(
            serde_json::to_value(update).unwrap(),
            serde_json::json!({
                "peer": "Dallas/org1peer2",
                "channel": "mychannel",
                "progress": { "height": 3, "target": 7 },
            })
        );
    }
}
