//! The plan's last steps, natively over gRPC (reference §6): join each new peer to the plan's
//! channels with block 0 from a region-1 peer and wait until it caught up, install the exact
//! bytes of the chaincode packages the region-1 peers use on those channels, and make the new
//! peers anchor peers with one config update per channel. Each looks for its effect first.
//!
//! Everything is signed by the organization's admin: the library identity the plan names
//! (`source.org_admin_identity`, handed in by the caller), or the one a plan that creates the
//! organization enrolled (kept in the vault).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_console::Component;
use fabric_ha_fabric_net::package::{self, PackageInfo};
use fabric_ha_fabric_net::{config, ops, NetError, NetErrorCode, PeerClient, PeerEndpoint, Signer};
use fabric_ha_sensitive::Sensitive;
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::clients::{CaApi, ConsoleApi};
use crate::error::EngineError;
use crate::journal::{org_admin_cert_id, org_admin_key_id, CcaasServer, StepResult};
use crate::reason::{blocked, Reason, ReasonCode};
use crate::run::{Check, Engine, Lane, PreviewStatus, ProgressEvent};
use crate::steps::StepText;
use crate::steps::{Action, Step};

/// How long one call to a node may take.
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an install may take (a peer may build the chaincode).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);
/// How long a peer the console reports running is given to answer over gRPC.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the orderer is given to cut the new config block after accepting the update.
const NEW_CONFIG_WAIT: Duration = Duration::from_secs(30);

/// The organization's admin as the caller hands it in (a library identity).
pub struct OrgAdminCredential {
    /// Its name in the library (named in every error).
    pub identity: String,
    /// Its certificate (PEM).
    pub cert_pem: String,
    /// Its private key (PEM).
    pub key_pem: Sensitive<String>,
    /// The TLS certificate and key (PEM) its connections present to peers and orderers that
    /// require client certificates (the plan's [`crate::Source::tls_identity`]).
    pub client_tls: Option<(String, Sensitive<String>)>,
}

/// A region-1 peer of the plan.
pub(crate) struct SourcePeer {
    /// Its display name.
    pub(crate) name: String,
    endpoint: PeerEndpoint,
    client: OnceCell<PeerClient>,
}

/// A package to install: its id, what it says about itself, its exact bytes.
pub(crate) struct SourcePackage {
    pub(crate) package_id: String,
    pub(crate) info: Option<PackageInfo>,
    bytes: Vec<u8>,
}

/// What the channel steps learn once per run and share between lanes.
#[derive(Default)]
pub(crate) struct FabricState {
    signer: OnceCell<(String, Signer)>,
    source_peers: OnceCell<Vec<SourcePeer>>,
    genesis: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    packages: OnceCell<Arc<Vec<SourcePackage>>>,
}

/// PEM text of a console record's certificate field (base64 of PEM, or PEM).
fn pem_text(value: &str) -> String {
    if value.contains("-----BEGIN") {
        return value.to_owned();
    }
    STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| value.to_owned())
}

/// Where to reach a peer from its console record: `api_url`, TLS pinned to `msp.tlsca`'s roots
/// and intermediates.
pub(crate) fn peer_endpoint(record: &Component) -> Result<PeerEndpoint, EngineError> {
    let name = record.display_name.as_deref().unwrap_or(&record.id);
    let api_url = record.api_url.clone().ok_or_else(|| {
        blocked(
            ReasonCode::PeerRecordNoApiUrl,
            &[("id", name)],
            format!("the peer record {name:?} has no api_url"),
        )
    })?;
    let tls_root_pems: Vec<String> = record
        .msp
        .iter()
        .flat_map(|m| [m.tlsca.as_ref(), m.intermediate_tlsca.as_ref()])
        .flatten()
        .flat_map(|r| r.root_certs.iter())
        .map(|c| pem_text(c))
        .collect();
    if tls_root_pems.is_empty() {
        return Err(blocked(
            ReasonCode::PeerRecordNoTlsRoot,
            &[("id", name)],
            format!(
                "the peer record {name:?} has no TLS CA root (msp.tlsca.root_certs): it cannot be reached with its TLS pinned"
            ),
        ));
    }
    Ok(PeerEndpoint {
        api_url,
        tls_root_pems,
        client_tls: None,
    })
}

/// `(host, port)` of a `grpcs://host:port` URL.
pub(crate) fn host_port(api_url: &str) -> Option<(String, u16)> {
    let url = url::Url::parse(api_url).ok()?;
    Some((url.host_str()?.to_owned(), url.port()?))
}

impl<C: ConsoleApi, A: CaApi> Engine<'_, C, A> {
    /// The organization's MSP id.
    pub(crate) async fn org_msp_id(&self) -> Result<String, EngineError> {
        if let Some(id) = self.plan().created_msp_id() {
            return Ok(id.to_owned());
        }
        self.source_msp().await?.msp_id.ok_or_else(|| {
            blocked(
                ReasonCode::OrgMspNoMspId,
                &[],
                "the organization's MSP record has no msp_id",
            )
        })
    }

    /// The org admin that signs, with its name.
    pub(crate) async fn signer(&self) -> Result<&(String, Signer), EngineError> {
        self.fabric
            .signer
            .get_or_try_init(|| async {
                let msp_id = self.org_msp_id().await?;
                let (identity, cert, key) = match &self.org_admin {
                    Some(admin) => (
                        admin.identity.clone(),
                        admin.cert_pem.clone(),
                        admin.key_pem.clone(),
                    ),
                    None => {
                        let (cert_id, key_id) = (
                            org_admin_cert_id(&self.record.id),
                            org_admin_key_id(&self.record.id),
                        );
                        let enrolled = self.plan().source.create.is_some()
                            && self.vault.contains(self.store, &cert_id)?
                            && self.vault.contains(self.store, &key_id)?;
                        if !enrolled {
                            return Err(blocked(
                                ReasonCode::NoOrgAdminIdentity,
                                &[],
                                "the plan names no org admin identity to sign the channel steps with: set source.org_admin_identity to the organization's admin in the library",
                            ));
                        }
                        (
                            format!("{msp_id} admin"),
                            self.vault.get_str(self.store, &cert_id)?.expose().clone(),
                            self.vault.get_str(self.store, &key_id)?,
                        )
                    }
                };
                // Library identities keep base64 of PEM, as the console's identity files do.
                let key = Sensitive::new(pem_text(key.expose()));
                let signer = Signer::new(&msp_id, &pem_text(&cert), &key).map_err(|error| {
                    EngineError::Fabric {
                        node: "the org admin identity".to_owned(),
                        identity: identity.clone(),
                        error,
                    }
                })?;
                Ok((identity, signer))
            })
            .await
    }

    /// A node's error, naming the node and the signer.
    pub(crate) fn fabric_err(&self, node: &str, error: NetError) -> EngineError {
        let identity = match self.fabric.signer.get() {
            Some((name, _)) => name.clone(),
            None => String::new(),
        };
        EngineError::Fabric {
            node: node.to_owned(),
            identity,
            error,
        }
    }

    /// `endpoint`, its connections presenting the org admin's client TLS certificate if the
    /// plan names one.
    fn presenting(&self, endpoint: PeerEndpoint) -> PeerEndpoint {
        PeerEndpoint {
            client_tls: self.org_admin.as_ref().and_then(|a| a.client_tls.clone()),
            ..endpoint
        }
    }

    /// The plan's region-1 peers: its source peers and the first peer it created.
    pub(crate) async fn source_peers(&self) -> Result<&[SourcePeer], EngineError> {
        let peers = self
            .fabric
            .source_peers
            .get_or_try_init(|| async {
                let console_name = &self.plan().source.console;
                let console = self.console(console_name)?;
                let mut ids = self.plan().source.peers.clone();
                if let Some(create) = &self.plan().source.create {
                    ids.push(self.new_peer_id(console_name, &create.first_peer.enroll_id)?);
                }
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    let record = console
                        .get(&id)
                        .await
                        .map_err(|e| EngineError::console(console_name, e))?;
                    out.push(SourcePeer {
                        name: record.display_name.clone().unwrap_or_else(|| id.clone()),
                        endpoint: self.presenting(peer_endpoint(&record)?),
                        client: OnceCell::new(),
                    });
                }
                Ok::<_, EngineError>(out)
            })
            .await?;
        Ok(peers)
    }

    async fn source_client<'p>(&self, peer: &'p SourcePeer) -> Result<&'p PeerClient, NetError> {
        peer.client
            .get_or_try_init(|| PeerClient::connect(&peer.endpoint, CALL_TIMEOUT))
            .await
    }

    /// The first region-1 peer that has joined `channel`, with its client; why none could
    /// help otherwise.
    pub(crate) async fn source_for(
        &self,
        channel: &str,
    ) -> Result<(&SourcePeer, &PeerClient), EngineError> {
        let (_, signer) = self.signer().await?;
        // What each peer answered, in order; and apart, the peers that have not joined and
        // the failed calls with the node's own words.
        let (mut asked, mut not_joined, mut failed) = (Vec::new(), Vec::new(), Vec::new());
        for peer in self.source_peers().await? {
            let listed = match self.source_client(peer).await {
                Ok(client) => client.channels(signer).await.map(|c| (client, c)),
                Err(e) => Err(e),
            };
            match listed {
                Ok((client, channels)) if channels.iter().any(|c| c == channel) => {
                    return Ok((peer, client))
                }
                Ok(_) => {
                    asked.push(format!("{:?} has not joined it", peer.name));
                    not_joined.push(peer.name.as_str());
                }
                Err(e) => {
                    let call = format!("{:?}: {e}", peer.name);
                    asked.push(call.clone());
                    failed.push(call);
                }
            }
        }
        let (code, answers) = if asked.is_empty() {
            (
                ReasonCode::ChannelNoSourcePeer,
                " (the plan has no region-1 peer)".to_owned(),
            )
        } else {
            (
                ReasonCode::ChannelNotJoined,
                format!(" ({})", asked.join("; ")),
            )
        };
        Err(blocked(
            code,
            &[
                ("channel", channel),
                ("answers", &asked.join("; ")),
                ("notJoined", &not_joined.join(", ")),
                ("failed", &failed.join("; ")),
            ],
            format!(
                "no region-1 peer of the plan has joined {channel}{answers}: join one first, or remove {channel} from the plan"
            ),
        ))
    }

    /// The new peer's display name and endpoint, from its console record.
    async fn new_peer(
        &self,
        console: &str,
        enroll_id: &str,
    ) -> Result<(String, PeerEndpoint), EngineError> {
        let id = self.new_peer_id(console, enroll_id)?;
        let record = self
            .console(console)?
            .get(&id)
            .await
            .map_err(|e| EngineError::console(console, e))?;
        let name = record.display_name.clone().unwrap_or(id);
        Ok((name, self.presenting(peer_endpoint(&record)?)))
    }

    /// Connects to a peer the console reports running and asks its channels; a peer whose
    /// gRPC port does not answer yet is asked again until [`READY_TIMEOUT`].
    async fn ready_peer(
        &self,
        node: &str,
        endpoint: &PeerEndpoint,
        timeout: Duration,
    ) -> Result<(PeerClient, Vec<String>), EngineError> {
        let (_, signer) = self.signer().await?;
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut pause = Duration::from_millis(50);
        loop {
            let attempt = async {
                let client = PeerClient::connect(endpoint, timeout).await?;
                let channels = client.channels(signer).await?;
                Ok::<_, NetError>((client, channels))
            };
            match attempt.await {
                Ok(found) => return Ok(found),
                Err(e) if e.code == NetErrorCode::Unreachable && Instant::now() < deadline => {
                    tracing::debug!(node, error = %e, "peer not answering yet");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(e) => return Err(self.fabric_err(node, e)),
            }
        }
    }

    /// Block 0 of `channel` from `source`, or from the channel's orderer when `source` joined
    /// from a snapshot (fetched once per run).
    async fn genesis(
        &self,
        source: &SourcePeer,
        client: &PeerClient,
        channel: &str,
    ) -> Result<Arc<Vec<u8>>, EngineError> {
        let cached = self
            .fabric
            .genesis
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(channel)
            .cloned();
        if let Some(block) = cached {
            return Ok(block);
        }
        let (_, signer) = self.signer().await?;
        // From the peer, or from an orderer when the peer has no block 0 (a snapshot join).
        let block = match ops::genesis_block(client, signer, channel, CALL_TIMEOUT).await {
            Ok(b) => Arc::new(b.bytes),
            Err(e) => return Err(self.fabric_err(&format!("peer {:?}", source.name), e)),
        };
        self.fabric
            .genesis
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(channel.to_owned(), block.clone());
        Ok(block)
    }

    /// Joins the new peer to `channel` (unless it lists it already), then waits until its
    /// height reaches the region-1 peer's, telling the lane each height.
    pub(crate) async fn join_channel(
        &self,
        lane: &Lane<'_>,
        step: &Step,
        enroll_id: &str,
        channel: &str,
    ) -> Result<StepResult, EngineError> {
        let console = step.console.as_str();
        let (name, endpoint) = self.new_peer(console, enroll_id).await?;
        let node = format!("peer {name:?}");
        let (client, channels) = self.ready_peer(&node, &endpoint, CALL_TIMEOUT).await?;
        let (source, source_client) = self.source_for(channel).await?;
        let (_, signer) = self.signer().await?;
        let already = channels.iter().any(|c| c == channel);
        if !already {
            let block = self.genesis(source, source_client, channel).await?;
            match client.join(signer, &block).await {
                Ok(()) => {
                    tracing::info!(peer = %node, channel, from = %source.name, "joined");
                }
                Err(e) if e.code == NetErrorCode::AlreadyJoined => {}
                Err(e) => return Err(self.fabric_err(&node, e)),
            }
        }
        let target = match source_client.chain_info(signer, channel).await {
            Ok(info) => info.height,
            Err(e) => return Err(self.fabric_err(&format!("peer {:?}", source.name), e)),
        };
        let deadline = Instant::now() + Duration::from_secs(self.plan().wait_timeout_secs);
        let height =
            ops::wait_for_height(&client, signer, channel, target, deadline, &mut |height| {
                lane.emit(step, ProgressEvent::CatchUp { height, target })
            })
            .await;
        let height = match height {
            Ok(h) => h,
            Err(e) => return Err(self.fabric_err(&node, e)),
        };
        if height < target {
            return Err(EngineError::NotCaughtUp {
                peer: node,
                channel: channel.to_owned(),
                height,
                target,
                secs: self.plan().wait_timeout_secs,
            });
        }
        Ok(StepResult {
            console: console.to_owned(),
            component_id: self.new_peer_id(console, enroll_id).ok(),
            api_url: Some(endpoint.api_url),
            already_present: already,
            height: Some(height),
            source_height: Some(target),
            ..StepResult::default()
        })
    }

    /// The packages to install: each package installed on a region-1 peer that a chaincode
    /// definition on a plan channel uses (and, when the plan lists chaincodes, whose package
    /// id or chaincode name it lists), with its exact bytes; read once per run.
    pub(crate) async fn plan_packages(&self) -> Result<Arc<Vec<SourcePackage>>, EngineError> {
        let packages = self
            .fabric
            .packages
            .get_or_try_init(|| async {
                let (_, signer) = self.signer().await?;
                let plan = self.plan();
                let wanted = |id: &str, refs: &[(String, String, String)]| {
                    let on_channel: Vec<&(String, String, String)> = refs
                        .iter()
                        .filter(|(channel, _, _)| plan.channels.contains(channel))
                        .collect();
                    !on_channel.is_empty()
                        && (plan.chaincodes.is_empty()
                            || plan.chaincodes.iter().any(|c| {
                                c == id || on_channel.iter().any(|(_, name, _)| name == c)
                            }))
                };
                let mut out: Vec<SourcePackage> = Vec::new();
                for peer in self.source_peers().await? {
                    let node = format!("peer {:?}", peer.name);
                    let client = match self.source_client(peer).await {
                        Ok(c) => c,
                        Err(e) => return Err(self.fabric_err(&node, e)),
                    };
                    let installed = match client.installed(signer).await {
                        Ok(i) => i,
                        Err(e) => return Err(self.fabric_err(&node, e)),
                    };
                    for p in installed {
                        if !wanted(&p.package_id, &p.references)
                            || out.iter().any(|o| o.package_id == p.package_id)
                        {
                            continue;
                        }
                        let bytes = match client.installed_package(signer, &p.package_id).await {
                            Ok(b) => b,
                            Err(e) => return Err(self.fabric_err(&node, e)),
                        };
                        let info = package::inspect(&bytes)
                            .map_err(|why| tracing::warn!(package_id = %p.package_id, why = %why, "package not readable"))
                            .ok();
                        out.push(SourcePackage {
                            package_id: p.package_id,
                            info,
                            bytes,
                        });
                    }
                }
                let missing: Vec<&String> = plan
                    .chaincodes
                    .iter()
                    .filter(|c| {
                        !out.iter().any(|p| {
                            &p.package_id == *c
                                || p.package_id.split(':').next() == Some(c.as_str())
                        })
                    })
                    .collect();
                if !missing.is_empty() && out.is_empty() {
                    let channels = plan.channels.join(", ");
                    return Err(blocked(
                        ReasonCode::NoPackageFor,
                        &[
                            (
                                "chaincodes",
                                &missing
                                    .iter()
                                    .map(|c| c.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                            ("channels", &channels),
                        ],
                        format!(
                            "no region-1 peer of the plan has a package for {} used on {channels}",
                            missing
                                .iter()
                                .map(|c| format!("{c:?}"))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ));
                }
                Ok(Arc::new(out))
            })
            .await?;
        Ok(packages.clone())
    }

    /// Installs on the new peer every plan package it does not have.
    pub(crate) async fn install_chaincodes(
        &self,
        console: &str,
        enroll_id: &str,
    ) -> Result<StepResult, EngineError> {
        let packages = self.plan_packages().await?;
        let (name, endpoint) = self.new_peer(console, enroll_id).await?;
        let node = format!("peer {name:?}");
        let (client, _) = self.ready_peer(&node, &endpoint, INSTALL_TIMEOUT).await?;
        let (_, signer) = self.signer().await?;
        let installed: BTreeSet<String> = match client.installed(signer).await {
            Ok(list) => list.into_iter().map(|p| p.package_id).collect(),
            Err(e) => return Err(self.fabric_err(&node, e)),
        };
        let mut result = StepResult {
            console: console.to_owned(),
            component_id: self.new_peer_id(console, enroll_id).ok(),
            api_url: Some(endpoint.api_url.clone()),
            already_present: true,
            ..StepResult::default()
        };
        for p in packages.iter() {
            result.package_ids.push(p.package_id.clone());
            if let Some(warning) = p.info.as_ref().and_then(package::ccaas_warning) {
                result.warnings.push(warning);
                result.ccaas.push(CcaasServer {
                    package_id: p.package_id.clone(),
                    address: p.info.as_ref().and_then(|i| i.server_address.clone()),
                });
            }
            if installed.contains(&p.package_id) {
                continue;
            }
            match client.install(signer, &p.bytes).await {
                Ok((id, _)) => {
                    tracing::info!(peer = %node, package_id = %id, "installed");
                    result.already_present = false;
                }
                Err(e) if e.code == NetErrorCode::AlreadyInstalled => {}
                Err(e) => return Err(self.fabric_err(&node, e)),
            }
        }
        Ok(result)
    }

    /// `host:port` of every new peer of the plan, from their create steps.
    pub(crate) fn new_peer_addresses(&self) -> Result<Vec<(String, u16)>, EngineError> {
        let mut out = Vec::new();
        for target in &self.plan().targets {
            for p in &target.peers {
                let key = format!("{}/create/{}", target.console, p.enroll_id);
                let url = self.result(&key).and_then(|r| r.api_url).ok_or_else(|| {
                    blocked(
                        ReasonCode::PeerNotCreated,
                        &[("peer", &p.display_name), ("console", &target.console)],
                        format!(
                            "peer {:?} has not been created in console {:?} yet",
                            p.display_name, target.console
                        ),
                    )
                })?;
                let hp = host_port(&url).ok_or_else(|| {
                    blocked(
                        ReasonCode::PeerUrlNoHostPort,
                        &[("peer", &p.display_name), ("url", &url)],
                        format!(
                            "peer {:?} has no host:port in its api_url {url}",
                            p.display_name
                        ),
                    )
                })?;
                if !out.contains(&hp) {
                    out.push(hp);
                }
            }
        }
        Ok(out)
    }

    /// The orderers `channel`'s configuration names, read from a region-1 peer.
    pub(crate) async fn channel_orderers(
        &self,
        channel: &str,
    ) -> Result<Vec<PeerEndpoint>, EngineError> {
        let (source, client) = self.source_for(channel).await?;
        let (_, signer) = self.signer().await?;
        let node = format!("peer {:?}", source.name);
        let read = async { ops::orderer_endpoints(&client.channel_config(signer, channel).await?) };
        let orderers: Vec<PeerEndpoint> = match read.await {
            Ok(o) => o.into_iter().map(|e| self.presenting(e)).collect(),
            Err(e) => return Err(self.fabric_err(&node, e)),
        };
        if orderers.is_empty() {
            return Err(blocked(
                ReasonCode::ChannelNoOrderer,
                &[("channel", channel)],
                format!("the configuration of {channel} names no orderer address"),
            ));
        }
        Ok(orderers)
    }

    /// Adds every new peer to the organization's anchor peers of `channel`: one config update,
    /// none when they are all there; returns once the orderer has cut the new config block.
    pub(crate) async fn anchor_peers(
        &self,
        console: &str,
        channel: &str,
    ) -> Result<StepResult, EngineError> {
        let add = self.new_peer_addresses()?;
        let msp_id = self.org_msp_id().await?;
        let orderers = self.channel_orderers(channel).await?;
        let (identity, signer) = self.signer().await?;
        let update = ops::add_anchor_peers(
            &orderers,
            signer,
            channel,
            &msp_id,
            &add,
            CALL_TIMEOUT,
            NEW_CONFIG_WAIT,
        )
        .await;
        let update = match update {
            Ok(u) => u,
            Err(e) => return Err(self.fabric_err(&format!("orderer of {channel}"), e)),
        };
        if update.refused() {
            return Err(EngineError::ConfigUpdateRefused {
                orderer: update.orderer,
                channel: channel.to_owned(),
                identity: identity.clone(),
                status: update.status.map(ops::status_name).unwrap_or_default(),
                info: update.info,
            });
        }
        Ok(StepResult {
            console: console.to_owned(),
            api_url: Some(format!("grpcs://{}", update.orderer)),
            already_present: update.added.is_empty(),
            anchor_peers: update
                .after
                .iter()
                .map(|(h, p)| format!("{h}:{p}"))
                .collect(),
            config_block: update.config_block.or(Some(update.from_block)),
            ..StepResult::default()
        })
    }
}

/// What the preview learnt about the channel steps: its checks, and per channel and for the
/// packages what blocks them.
#[derive(Default)]
pub(crate) struct ChannelPreview {
    pub(crate) checks: Vec<Check>,
    blocked: Option<Reason>,
    channels: HashMap<String, Result<(), Reason>>,
    packages: Option<Result<Vec<String>, Reason>>,
    anchors: HashMap<String, Result<Vec<(String, u16)>, Reason>>,
}

fn check(name: String, label: StepText, r: &Result<Reason, Reason>) -> Check {
    Check::new(
        name,
        label,
        r.is_ok(),
        match r {
            Ok(d) | Err(d) => d.clone(),
        },
    )
}

impl<C: ConsoleApi, A: CaApi> Engine<'_, C, A> {
    /// Checks what the channel steps need, read-only: the org admin can sign, a region-1 peer
    /// has joined each channel (over gRPC, as the org admin), the packages are readable from
    /// the region-1 peers (an admin-only call: the org admin is an admin of them), and the
    /// orderer each channel's configuration names answers with its config block.
    pub(crate) async fn channel_preview(&self) -> ChannelPreview {
        let mut out = ChannelPreview::default();
        let plan = self.plan();
        if plan.channels.is_empty() {
            return out;
        }
        let signer = self
            .signer()
            .await
            .map(|(name, _)| {
                Reason::new(
                    ReasonCode::SignsAs,
                    &[("identity", name)],
                    format!("signs as {name:?}"),
                )
            })
            .map_err(Reason::from);
        out.checks.push(check(
            "org admin identity for the channel steps".to_owned(),
            StepText::new("orgAdminForChannels", &[]),
            &signer,
        ));
        if let Err(e) = signer {
            out.blocked = Some(e);
            return out;
        }
        for channel in &plan.channels {
            let joined = match self.source_for(channel).await {
                Ok((peer, client)) => {
                    let (_, signer) = self
                        .signer()
                        .await
                        .ok()
                        .map_or((None, None), |(n, s)| (Some(n), Some(s)));
                    match signer {
                        Some(s) => client
                            .chain_info(s, channel)
                            .await
                            .map(|i| {
                                Reason::new(
                                    ReasonCode::PeerJoinedAt,
                                    &[("peer", &peer.name), ("height", &i.height.to_string())],
                                    format!("{:?} has joined it (height {})", peer.name, i.height),
                                )
                            })
                            .map_err(|e| {
                                Reason::from(self.fabric_err(&format!("peer {:?}", peer.name), e))
                            }),
                        None => Ok(Reason::new(
                            ReasonCode::PeerJoined,
                            &[("peer", &peer.name)],
                            format!("{:?} has joined it", peer.name),
                        )),
                    }
                }
                Err(e) => Err(Reason::from(e)),
            };
            out.checks.push(check(
                format!("a region-1 peer has joined {channel}"),
                StepText::new("region1PeerJoined", &[("channel", channel)]),
                &joined,
            ));
            out.channels.insert(
                channel.clone(),
                joined.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            if joined.is_err() {
                continue;
            }
            let orderer = async {
                let orderers = self.channel_orderers(channel).await?;
                let (_, signer) = self.signer().await?;
                let msp_id = self.org_msp_id().await?;
                let (client, number, config) =
                    ops::orderer_config(&orderers, signer, channel, CALL_TIMEOUT)
                        .await
                        .map_err(|e| self.fabric_err(&format!("orderer of {channel}"), e))?;
                let anchors = config::anchor_peers(&config, &msp_id)
                    .map_err(|e| self.fabric_err(&format!("orderer {}", client.address()), e))?;
                Ok::<_, EngineError>((client.address().to_owned(), number, anchors))
            };
            let orderer = orderer.await.map_err(Reason::from);
            out.checks.push(check(
                format!("the orderer of {channel} answers"),
                StepText::new("ordererAnswers", &[("channel", channel)]),
                &orderer
                    .as_ref()
                    .map(|(address, number, anchors)| {
                        let (code, listed) = if anchors.is_empty() {
                            (ReasonCode::OrdererAnsweredNoAnchors, "none".to_owned())
                        } else {
                            (
                                ReasonCode::OrdererAnswered,
                                anchors
                                    .iter()
                                    .map(|(h, p)| format!("{h}:{p}"))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            )
                        };
                        Reason::new(
                            code,
                            &[
                                ("address", address),
                                ("block", &number.to_string()),
                                ("anchors", &listed),
                            ],
                            format!(
                                "{address}: config block {number}; anchor peers of the organization: {listed}"
                            ),
                        )
                    })
                    .map_err(Clone::clone),
            ));
            out.anchors
                .insert(channel.clone(), orderer.map(|(_, _, anchors)| anchors));
        }
        let packages = self
            .plan_packages()
            .await
            .map(|p| {
                p.iter()
                    .map(|p| p.package_id.clone())
                    .collect::<Vec<String>>()
            })
            .map_err(Reason::from);
        out.checks.push(check(
            "chaincode packages readable from the region-1 peers".to_owned(),
            StepText::new("packagesReadable", &[]),
            &packages
                .as_ref()
                .map(|ids| {
                    if ids.is_empty() {
                        let channels = plan.channels.join(", ");
                        Reason::new(
                            ReasonCode::NoPackageUsed,
                            &[("channels", &channels)],
                            format!("no package is used on {channels}"),
                        )
                    } else {
                        let packages = ids.join(", ");
                        Reason::new(
                            ReasonCode::Packages,
                            &[("packages", &packages)],
                            packages.clone(),
                        )
                    }
                })
                .map_err(Clone::clone),
        ));
        out.packages = Some(packages);
        out
    }

    /// A channel step's verdict: blocked by a failed check, already done on a peer that exists
    /// (it lists the channel, has every package, or every new peer is an anchor peer), or will
    /// do.
    pub(crate) async fn channel_step_status(
        &self,
        preview: &ChannelPreview,
        step: &Step,
    ) -> PreviewStatus {
        if let Some(reason) = &preview.blocked {
            return PreviewStatus::blocked(reason.clone());
        }
        let channel_ok = |channel: &str| match preview.channels.get(channel) {
            Some(Err(e)) => Err(e.clone()),
            _ => Ok(()),
        };
        match &step.action {
            Action::JoinChannel { enroll_id, channel } => {
                if let Err(e) = channel_ok(channel) {
                    return PreviewStatus::blocked(e);
                }
                let Ok((name, endpoint)) = self.new_peer(&step.console, enroll_id).await else {
                    return PreviewStatus::WillDo;
                };
                let node = format!("peer {name:?}");
                match self.listed(&endpoint).await {
                    Ok(channels) if channels.iter().any(|c| c == channel) => {
                        PreviewStatus::already(Reason::new(
                            ReasonCode::PeerHasJoined,
                            &[("peer", &name), ("channel", channel)],
                            format!("{node} has joined {channel}"),
                        ))
                    }
                    Ok(_) => PreviewStatus::WillDo,
                    Err(e) => PreviewStatus::blocked(self.fabric_err(&node, e)),
                }
            }
            Action::InstallChaincodes { enroll_id } => {
                let ids = match &preview.packages {
                    Some(Ok(ids)) => ids,
                    Some(Err(e)) => return PreviewStatus::blocked(e.clone()),
                    None => return PreviewStatus::WillDo,
                };
                let Ok((name, endpoint)) = self.new_peer(&step.console, enroll_id).await else {
                    return PreviewStatus::WillDo;
                };
                let node = format!("peer {name:?}");
                let Ok((_, signer)) = self.signer().await else {
                    return PreviewStatus::WillDo;
                };
                let installed = async {
                    PeerClient::connect(&endpoint, CALL_TIMEOUT)
                        .await?
                        .installed(signer)
                        .await
                };
                match installed.await {
                    Ok(list)
                        if ids
                            .iter()
                            .all(|id| list.iter().any(|p| &p.package_id == id)) =>
                    {
                        let packages = ids.join(", ");
                        PreviewStatus::already(Reason::new(
                            ReasonCode::PeerHasPackages,
                            &[("peer", &name), ("packages", &packages)],
                            format!("{node} has {packages}"),
                        ))
                    }
                    Ok(_) => PreviewStatus::WillDo,
                    Err(e) => PreviewStatus::blocked(self.fabric_err(&node, e)),
                }
            }
            Action::AnchorPeers { channel } => {
                if let Err(e) = channel_ok(channel) {
                    return PreviewStatus::blocked(e);
                }
                match preview.anchors.get(channel) {
                    Some(Err(e)) => PreviewStatus::blocked(e.clone()),
                    Some(Ok(anchors)) => match self.new_peer_addresses() {
                        Ok(add) if add.iter().all(|a| anchors.contains(a)) => {
                            PreviewStatus::already(Reason::new(
                                ReasonCode::AllAnchorPeers,
                                &[("channel", channel)],
                                format!("every new peer is an anchor peer of {channel}"),
                            ))
                        }
                        _ => PreviewStatus::WillDo,
                    },
                    None => PreviewStatus::WillDo,
                }
            }
            _ => PreviewStatus::WillDo,
        }
    }

    /// The channels a peer lists.
    async fn listed(&self, endpoint: &PeerEndpoint) -> Result<Vec<String>, NetError> {
        let Ok((_, signer)) = self.signer().await else {
            return Ok(Vec::new());
        };
        PeerClient::connect(endpoint, CALL_TIMEOUT)
            .await?
            .channels(signer)
            .await
    }
}
