//! The HA check: does an organization survive the loss of any one region? Read from live data:
//! every console's records (which peers it lists, which console created each peer: its region)
//! and every peer of the organization over gRPC (its channels and heights, its installed
//! packages); and, asked of one peer each as soon as it has answered, what holds for a whole
//! channel (its committed chaincode definitions and anchor peers, again from its highest peer
//! when the first was behind) and what discovery sees through gossip (from one peer of each
//! region, and from the region's other serving peers where that one does not serve or does
//! not see every serving peer of the other regions). Per channel a matrix of regions × peers and, for each region, whether
//! losing it leaves a running, joined, caught-up peer with every chaincode, an anchor peer, a
//! console that manages the rest, and gossip between what remains — or why not.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ts_rs::TS;

use super::directory::{Directory, PeerNode, Signing};
use super::{connect_keeping, CALL_TIMEOUT};
use crate::consoles::block_on;
use crate::error::CoreError;
use crate::workspace::Workspace;
use fabric_ha_artifacts::Cert;
use fabric_ha_fabric_net::{config, PeerClient, ServedCert};

/// What to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HaCheckScope {
    /// The organization of an HA plan, over the plan's consoles.
    Plan(String),
    /// The peers of `msp_id` over every registered console.
    Msp {
        /// A console that holds the organization (its MSP definition or a peer).
        console: String,
        /// The organization's MSP id.
        msp_id: String,
    },
}

impl HaCheckScope {
    /// The scope a caller names: a plan, or a console and an MSP id; anything else is refused
    /// as `field`'s input.
    pub fn named(
        plan: Option<String>,
        console: Option<String>,
        msp_id: Option<String>,
        field: &str,
    ) -> Result<HaCheckScope, CoreError> {
        match (plan, console, msp_id) {
            (Some(plan), None, None) => Ok(HaCheckScope::Plan(plan)),
            (None, Some(console), Some(msp_id)) => Ok(HaCheckScope::Msp { console, msp_id }),
            _ => Err(CoreError::InvalidInput {
                field: field.into(),
                reason: "name a plan, or a console and an MSP id".into(),
            }),
        }
    }
}

/// What a note of the check is about: the window words it in its language from the code and
/// the params; the CLI and the Markdown use the English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum HaNoteCode {
    /// The peer does not answer (`error`).
    StartPeer,
    /// The peer has not joined `channel`.
    JoinChannel,
    /// The peer is `blocks` behind.
    CatchUp,
    /// The peer lacks the package of `chaincode` the others use.
    InstallPackage,
    /// Losing `region` leaves no serving peer on `channel`.
    NoServingPeer,
    /// Losing `region` leaves no anchor peer.
    NoAnchorPeer,
    /// Losing `region` leaves no console that manages the rest.
    NoManagingConsole,
    /// The peers of `console` do not see `peers` through gossip.
    GossipBlind,
}

/// A thing to do, or a reason a region's loss breaks a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaNote {
    /// What it is about.
    pub code: HaNoteCode,
    /// The names and numbers it mentions, by name.
    pub params: BTreeMap<String, String>,
    /// The sentence in English.
    pub text: String,
}

impl HaNote {
    fn new(code: HaNoteCode, params: &[(&str, &str)], text: String) -> HaNote {
        HaNote {
            code,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            text,
        }
    }
}

impl std::fmt::Display for HaNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// One region: a console and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaRegion {
    /// The console's name in the workspace.
    pub console: String,
    /// Its region label.
    pub region: String,
}

/// A channel a peer has joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaJoined {
    /// The channel.
    pub channel: String,
    /// Its height on the peer.
    #[ts(type = "number")]
    pub height: u64,
}

/// A peer of the organization as the check found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaPeer {
    /// Display name.
    pub name: String,
    /// `grpcs://host:port`.
    pub api_url: String,
    /// The console that created it (its region); the first console listing it when none did.
    pub console: String,
    /// It answered over gRPC.
    pub running: bool,
    /// Why it did not, in its own words.
    pub error: Option<String>,
    /// Channels it has joined, with heights.
    pub channels: Vec<HaJoined>,
    /// Installed packages: (package id, channel, chaincode name) of each definition using one.
    pub packages: Vec<HaPackage>,
    /// The consoles that list it.
    pub listed_by: Vec<String>,
}

/// An installed package a chaincode definition on a channel uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaPackage {
    /// `<label>:<hash>`.
    pub package_id: String,
    /// The channel.
    pub channel: String,
    /// The chaincode's name there.
    pub chaincode: String,
}

/// One console: whether it could be read and which peers of the organization it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaConsole {
    /// The console.
    pub console: String,
    /// Its region label.
    pub region: String,
    /// Why it could not be read, if it could not.
    pub error: Option<String>,
    /// Peers of the organization it does not list (display names).
    pub missing: Vec<String>,
    /// Its records of the organization's peers whose certificates are not the peer's.
    pub stale: Vec<HaStale>,
}

/// A console's record of a peer that no longer matches the peer: other certificates than the
/// record in the peer's own console, or a TLS certificate the peer does not serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaStale {
    /// The peer (display name).
    pub peer: String,
    /// Its `api_url`.
    pub api_url: String,
    /// The record's id in this console.
    pub component_id: String,
    /// Certificate fields that differ from the record in the peer's own console (dotted
    /// paths, `msp.component.tls_cert`).
    pub fields: Vec<String>,
    /// Its TLS certificate is not the one the peer presents in its TLS handshake.
    pub not_served: bool,
    /// The up-to-date record to update it from (the peer's own console's), if there is one.
    pub update_from: Option<HaRecordRef>,
    /// What to do.
    pub todo: String,
}

/// A record in a console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaRecordRef {
    /// The console.
    pub console: String,
    /// The record's id there.
    pub component_id: String,
}

/// A committed chaincode definition on a channel and the package ids the peers use for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaChaincode {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its sequence.
    #[ts(type = "number")]
    pub sequence: i64,
    /// The package id most joined peers of the organization use for it.
    pub package_id: Option<String>,
}

/// One peer in one cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaCellPeer {
    /// Display name.
    pub name: String,
    /// It answered.
    pub running: bool,
    /// It has joined the channel.
    pub joined: bool,
    /// Its height.
    #[ts(type = "number | null")]
    pub height: Option<u64>,
    /// Blocks behind the highest peer of the organization.
    #[ts(type = "number | null")]
    pub behind: Option<u64>,
    /// It is an anchor peer of the organization on the channel.
    pub anchor: bool,
    /// Chaincodes of the channel it lacks, or has with another package id.
    pub missing_chaincodes: Vec<String>,
    /// What to do, when something is wrong.
    pub todo: Vec<HaNote>,
}

/// A region's peers on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaCell {
    /// The region's console.
    pub console: String,
    /// Its peers.
    pub peers: Vec<HaCellPeer>,
    /// What the region's peers see through discovery: the other regions' peers they miss.
    pub gossip_missing: Vec<String>,
}

/// Losing one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaLoss {
    /// The region lost.
    pub console: String,
    /// The channel is still served.
    pub survives: bool,
    /// Why not.
    pub reasons: Vec<HaNote>,
}

/// One channel of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaChannel {
    /// The channel.
    pub channel: String,
    /// The highest height of the organization's peers on it.
    #[ts(type = "number")]
    pub highest: u64,
    /// The organization's anchor peers (`host:port`).
    pub anchor_peers: Vec<String>,
    /// Its committed chaincode definitions.
    pub chaincodes: Vec<HaChaincode>,
    /// One cell per region.
    pub cells: Vec<HaCell>,
    /// Losing each region.
    pub losses: Vec<HaLoss>,
    /// It survives the loss of any one region.
    pub survives: bool,
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HaCheck {
    /// The organization.
    pub msp_id: String,
    /// The wallet identity that signed the queries.
    pub identity: String,
    /// The wallet identity whose TLS certificate every peer connection presented (peers that
    /// require mutual TLS); `None`: no client certificate.
    pub tls_identity: Option<String>,
    /// When it was checked (RFC 3339).
    pub checked_at: String,
    /// The regions, in order.
    pub regions: Vec<HaRegion>,
    /// Every peer of the organization.
    pub peers: Vec<HaPeer>,
    /// Every console.
    pub consoles: Vec<HaConsole>,
    /// Every channel an organization peer has joined (and every channel of the plan).
    pub channels: Vec<HaChannel>,
    /// Every channel survives the loss of any one region.
    pub survives: bool,
}

fn host_port(api_url: &str) -> String {
    api_url
        .trim_start_matches("grpcs://")
        .trim_end_matches('/')
        .to_owned()
}

/// What one peer answered.
struct Answer {
    running: Result<(), String>,
    channels: Vec<HaJoined>,
    packages: Vec<HaPackage>,
    /// Per channel: committed definitions, anchor peers, gossip endpoints seen.
    per_channel: BTreeMap<String, ChannelAnswer>,
    /// The TLS certificate the peer presents (DER), when its handshake showed one.
    served_tls: Option<Vec<u8>>,
}

#[derive(Default)]
struct ChannelAnswer {
    definitions: Vec<(String, String, i64)>,
    anchors: Vec<String>,
    seen: Option<Result<Vec<String>, String>>,
}

/// What discovery, asked on `channel`, lists of `msp_id`'s peers (their gossip endpoints).
async fn discover(
    client: &PeerClient,
    signing: &Signing,
    msp_id: &str,
    channel: &str,
) -> Result<Vec<String>, String> {
    client
        .discover_peers(&signing.signer, channel)
        .await
        .map(|found| {
            found
                .into_iter()
                .filter(|p| p.msp_id == msp_id)
                .map(|p| p.endpoint)
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// A channel's committed chaincode definitions and the organization's anchor peers, from one
/// peer (the channel configuration it holds in memory: no block read from its ledger, and a
/// peer that joined from a ledger snapshot has it too).
async fn channel_facts(
    client: &PeerClient,
    signing: &Signing,
    msp_id: &str,
    channel: &str,
) -> (Vec<(String, String, i64)>, Vec<String>) {
    let signer = &signing.signer;
    let (definitions, config) = futures_util::future::join(
        client.chaincode_definitions(signer, channel),
        client.channel_config(signer, channel),
    )
    .await;
    let anchors = config
        .and_then(|c| config::anchor_peers(&c, msp_id))
        .map(|anchors| anchors.iter().map(|(h, p)| format!("{h}:{p}")).collect())
        .unwrap_or_default();
    (definitions.unwrap_or_default(), anchors)
}

/// What every peer has to answer itself, over one connection (kept for the channel-wide
/// reads): the TLS certificate it presents in the handshake (also when the connection then
/// fails), its channels and installed packages at once, then every channel's height at once.
async fn ask(peer: &PeerNode, signing: &Signing) -> (Answer, Option<PeerClient>) {
    let served = ServedCert::default();
    let mut answer = Answer {
        running: Ok(()),
        channels: Vec::new(),
        packages: Vec::new(),
        per_channel: BTreeMap::new(),
        served_tls: None,
    };
    let client = ask_grpc(peer, signing, &served, &mut answer).await;
    answer.served_tls = served.get();
    (answer, client)
}

/// The gRPC reads of [`ask`].
async fn ask_grpc(
    peer: &PeerNode,
    signing: &Signing,
    served: &ServedCert,
    answer: &mut Answer,
) -> Option<PeerClient> {
    let signer = &signing.signer;
    let client: PeerClient = match connect_keeping(peer, signing, CALL_TIMEOUT, served).await {
        Ok(c) => c,
        Err(e) => {
            answer.running = Err(e.to_string());
            return None;
        }
    };
    let (channels, installed) =
        futures_util::future::join(client.channels(signer), client.installed(signer)).await;
    let channels = match channels {
        Ok(c) => c,
        Err(e) => {
            answer.running = Err(signing.fail(&peer.node.name)(e).to_string());
            return None;
        }
    };
    if let Ok(installed) = installed {
        for p in installed {
            for (channel, chaincode, _) in p.references {
                answer.packages.push(HaPackage {
                    package_id: p.package_id.clone(),
                    channel,
                    chaincode,
                });
            }
        }
    }
    let heights = futures_util::future::join_all(
        channels
            .iter()
            .map(|channel| client.chain_info(signer, channel)),
    )
    .await;
    for (channel, info) in channels.into_iter().zip(heights) {
        answer.channels.push(HaJoined {
            height: info.map(|i| i.height).unwrap_or(0),
            channel,
        });
    }
    Some(client)
}

/// Discovery on each (channel, peer index), at once.
async fn discover_all(
    list: &[(&String, usize)],
    clients: &[Option<PeerClient>],
    signing: &Signing,
    msp_id: &str,
) -> Vec<(String, usize, Result<Vec<String>, String>)> {
    futures_util::future::join_all(list.iter().filter_map(|&(ch, i)| {
        let client = clients[i].as_ref()?;
        Some(async move { (ch.clone(), i, discover(client, signing, msp_id, ch).await) })
    }))
    .await
}

/// Of the peers `candidates` (indices), the one to ask for what holds for all of them on
/// `channel`: connected and joined, the highest, then the one with the most packages for the
/// channel, then the first.
fn best_peer(
    candidates: impl Iterator<Item = usize>,
    channel: &str,
    answers: &[Answer],
    connected: &[bool],
) -> Option<usize> {
    candidates
        .filter(|&i| connected[i])
        .filter_map(|i| {
            let height = answers[i]
                .channels
                .iter()
                .find(|c| c.channel == channel)?
                .height;
            let packages = answers[i]
                .packages
                .iter()
                .filter(|k| k.channel == channel)
                .count();
            Some((height, packages, std::cmp::Reverse(i)))
        })
        .max()
        .map(|(_, _, std::cmp::Reverse(i))| i)
}

/// A task of [`ask_peers`], done.
enum Done {
    /// A peer's own reads.
    Peer(usize, Box<(Answer, Option<PeerClient>)>),
    /// A channel's definitions and anchor peers, from a peer.
    Facts(String, usize, (Vec<(String, String, i64)>, Vec<String>)),
    /// What discovery on a channel sees, from a peer.
    Seen(String, usize, Result<Vec<String>, String>),
}

/// Every peer's own reads ([`ask`]) at once, and, beside them, the reads that hold for a whole
/// channel, each asked of one peer only: as soon as a peer has answered, it is asked for the
/// definitions and anchor peers of each of its channels that no peer was asked about yet, and
/// for discovery on each of its channels where no peer of its region (`homes[i]`) was asked
/// yet. Returns the answers, the open connections, and the peer each channel's definitions
/// came from. [`ask_channels_again`] then asks again where that first peer was not the right
/// one.
async fn ask_peers(
    org: &[&PeerNode],
    homes: &[String],
    signing: &Signing,
    msp_id: &str,
) -> (
    Vec<Answer>,
    Vec<Option<PeerClient>>,
    BTreeMap<String, usize>,
) {
    use futures_util::stream::{FuturesUnordered, StreamExt as _};
    type Task<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Done> + Send + 'a>>;
    let mut tasks: FuturesUnordered<Task<'_>> = FuturesUnordered::new();
    for (i, peer) in org.iter().enumerate() {
        tasks.push(Box::pin(async move {
            Done::Peer(i, Box::new(ask(peer, signing).await))
        }));
    }
    let mut answers: Vec<Option<Answer>> = org.iter().map(|_| None).collect();
    let mut clients: Vec<Option<PeerClient>> = org.iter().map(|_| None).collect();
    let mut sources: BTreeMap<String, usize> = BTreeMap::new();
    let mut discovering: BTreeSet<(String, &str)> = BTreeSet::new();
    let mut facts = Vec::new();
    let mut seen = Vec::new();
    while let Some(done) = tasks.next().await {
        match done {
            Done::Peer(i, done) => {
                let (answer, client) = *done;
                if let Some(client) = &client {
                    for joined in &answer.channels {
                        let ch = joined.channel.clone();
                        if !sources.contains_key(&ch) {
                            sources.insert(ch.clone(), i);
                            let client = client.clone();
                            tasks.push(Box::pin(async move {
                                let got = channel_facts(&client, signing, msp_id, &ch).await;
                                Done::Facts(ch, i, got)
                            }));
                        }
                        if discovering.insert((joined.channel.clone(), homes[i].as_str())) {
                            let ch = joined.channel.clone();
                            let client = client.clone();
                            tasks.push(Box::pin(async move {
                                let got = discover(&client, signing, msp_id, &ch).await;
                                Done::Seen(ch, i, got)
                            }));
                        }
                    }
                }
                answers[i] = Some(answer);
                clients[i] = client;
            }
            Done::Facts(ch, i, got) => facts.push((ch, i, got)),
            Done::Seen(ch, i, got) => seen.push((ch, i, got)),
        }
    }
    let mut answers: Vec<Answer> = answers.into_iter().flatten().collect();
    for (ch, i, (definitions, anchors)) in facts {
        let entry = answers[i].per_channel.entry(ch).or_default();
        entry.definitions = definitions;
        entry.anchors = anchors;
    }
    for (ch, i, found) in seen {
        answers[i].per_channel.entry(ch).or_default().seen = Some(found);
    }
    (answers, clients, sources)
}

/// The channels whose definitions and anchor peers came from a peer behind the channel's best
/// peer, with that best peer.
fn behind_sources<'s>(
    sources: &'s BTreeMap<String, usize>,
    answers: &[Answer],
    peers: &[HaPeer],
    connected: &[bool],
) -> Vec<(&'s String, usize)> {
    let height = |i: usize, ch: &str| joined(&peers[i], ch).map_or(0, |c| c.height);
    sources
        .iter()
        .filter_map(|(ch, &first)| {
            let best = best_peer(0..answers.len(), ch, answers, connected)?;
            (height(best, ch) > height(first, ch)).then_some((ch, best))
        })
        .collect()
}

/// After [`ask_peers`]: a channel's definitions and anchor peers are asked again of its best
/// peer when the peer first asked is behind it (and the first answer is dropped); where a
/// region's discovery peer does not serve the channel, or does not see every serving peer of
/// the other regions (gossip views of one region's peers can differ for a while), every other
/// serving peer of that region is asked too: the check counts what any serving peer of a
/// region sees.
#[allow(clippy::too_many_arguments)]
fn ask_channels_again(
    answers: &mut [Answer],
    clients: &[Option<PeerClient>],
    sources: &mut BTreeMap<String, usize>,
    homes: &[String],
    peers: &[HaPeer],
    channels: &BTreeSet<String>,
    signing: &Signing,
    msp_id: &str,
) -> Result<(), CoreError> {
    let connected: Vec<bool> = clients.iter().map(Option::is_some).collect();
    let refresh = behind_sources(sources, answers, peers, &connected);
    if !refresh.is_empty() {
        let again = block_on(futures_util::future::join_all(refresh.iter().filter_map(
            |&(ch, i)| {
                let client = clients[i].as_ref()?;
                Some(async move {
                    (
                        ch.clone(),
                        i,
                        channel_facts(client, signing, msp_id, ch).await,
                    )
                })
            },
        )))?;
        for (ch, i, (definitions, anchors)) in again {
            if let Some(first) = sources.insert(ch.clone(), i) {
                if let Some(stale) = answers[first].per_channel.get_mut(&ch) {
                    stale.definitions.clear();
                    stale.anchors.clear();
                }
            }
            let entry = answers[i].per_channel.entry(ch).or_default();
            entry.definitions = definitions;
            entry.anchors = anchors;
        }
    }
    let mut again: Vec<(&String, usize)> = Vec::new();
    for ch in channels {
        let serving = serving_peers(ch, peers, answers);
        let asked: Vec<usize> = (0..answers.len())
            .filter(|&i| {
                answers[i]
                    .per_channel
                    .get(ch)
                    .is_some_and(|a| a.seen.is_some())
            })
            .collect();
        for &asked_i in &asked {
            let seen = answers[asked_i]
                .per_channel
                .get(ch)
                .and_then(|a| a.seen.as_ref())
                .and_then(|s| s.as_ref().ok());
            let sees_all = seen.is_some_and(|seen| {
                peers.iter().enumerate().all(|(j, p)| {
                    homes[j] == homes[asked_i]
                        || !serving[j]
                        || seen.contains(&host_port(&p.api_url))
                })
            });
            if serving[asked_i] && sees_all {
                continue;
            }
            again.extend(
                (0..answers.len())
                    .filter(|&i| homes[i] == homes[asked_i] && serving[i] && i != asked_i)
                    .filter(|&i| connected[i] && !asked.contains(&i))
                    .map(|i| (ch, i)),
            );
        }
    }
    again.sort();
    again.dedup();
    if !again.is_empty() {
        for (ch, i, found) in block_on(discover_all(&again, clients, signing, msp_id))? {
            answers[i].per_channel.entry(ch).or_default().seen = Some(found);
        }
    }
    Ok(())
}

/// The TLS certificate (DER) of a console record, if it carries one that parses.
fn record_tls_cert(record: &fabric_ha_console::Component) -> Option<Vec<u8>> {
    let b64 = record
        .msp
        .as_ref()?
        .component
        .as_ref()?
        .tls_cert
        .as_deref()?;
    Cert::from_b64pem(b64).ok().map(|c| c.der().to_vec())
}

/// Every console's record of each peer that does not match the peer, as (console, record):
/// compared with the record in the peer's own console (`peers[i].console`) and with the TLS
/// certificate the peer presented. Only the consoles of the check count.
fn stale_records(
    org: &[&PeerNode],
    answers: &[Answer],
    peers: &[HaPeer],
    consoles: &[String],
) -> Vec<(String, HaStale)> {
    let mut out = Vec::new();
    for ((node, answer), peer) in org.iter().zip(answers).zip(peers) {
        let served = answer.served_tls.as_deref();
        let not_served = |record: &fabric_ha_console::Component| {
            served.is_some_and(|der| record_tls_cert(record).is_some_and(|own| own != der))
        };
        let home = node
            .records()
            .iter()
            .find(|(c, _)| *c == peer.console)
            .map(|(_, r)| r);
        let reference = home.and_then(|r| serde_json::to_value(r).ok());
        for (console, record) in node.records() {
            if !consoles.contains(console) {
                continue;
            }
            let fields: Vec<String> = match (&reference, *console == peer.console) {
                (Some(reference), false) => {
                    fabric_ha_console::component_differences(record, reference)
                        .into_iter()
                        .map(|f| f.path().to_owned())
                        .collect()
                }
                _ => Vec::new(),
            };
            let off = not_served(record);
            if fields.is_empty() && !off {
                continue;
            }
            let update_from = home
                .filter(|h| !fields.is_empty() && !not_served(h))
                .map(|h| HaRecordRef {
                    console: peer.console.clone(),
                    component_id: h.id.clone(),
                });
            let todo = match &update_from {
                Some(from) => format!(
                    "update it from {}'s record: `fabric-ha console copy {} {console} {} --update`",
                    from.console, from.console, from.component_id
                ),
                None => format!(
                    "the peer's own console's record does not match what it serves either: export the peer where it runs and update this record with `fabric-ha console import {console} FILE --update`"
                ),
            };
            out.push((
                console.clone(),
                HaStale {
                    peer: peer.name.clone(),
                    api_url: peer.api_url.clone(),
                    component_id: record.id.clone(),
                    fields,
                    not_served: off,
                    update_from,
                    todo,
                },
            ));
        }
    }
    out
}

fn joined<'p>(p: &'p HaPeer, channel: &str) -> Option<&'p HaJoined> {
    p.channels.iter().find(|c| c.channel == channel)
}

/// A channel as the answers show it: the highest height, the organization's anchor peers, and
/// its chaincodes with the package id most joined peers use for each.
fn channel_state(
    channel: &str,
    peers: &[HaPeer],
    answers: &[Answer],
) -> (u64, BTreeSet<String>, Vec<HaChaincode>) {
    let highest = peers
        .iter()
        .filter_map(|p| joined(p, channel).map(|c| c.height))
        .max()
        .unwrap_or(0);
    let mut anchors: BTreeSet<String> = BTreeSet::new();
    let mut definitions: BTreeSet<(String, String, i64)> = BTreeSet::new();
    for a in answers {
        if let Some(ca) = a.per_channel.get(channel) {
            anchors.extend(ca.anchors.iter().cloned());
            definitions.extend(ca.definitions.iter().cloned());
        }
    }
    let chaincodes: Vec<HaChaincode> = definitions
        .into_iter()
        .map(|(name, version, sequence)| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for p in peers.iter().filter(|p| joined(p, channel).is_some()) {
                for pkg in p
                    .packages
                    .iter()
                    .filter(|k| k.channel == channel && k.chaincode == name)
                {
                    *counts.entry(pkg.package_id.as_str()).or_default() += 1;
                }
            }
            let package_id = counts
                .iter()
                .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
                .map(|(id, _)| (*id).to_owned());
            HaChaincode {
                name,
                version,
                sequence,
                package_id,
            }
        })
        .collect();
    (highest, anchors, chaincodes)
}

/// The chaincodes of `channel` whose package (the one the others use) `p` lacks.
fn missing_chaincodes(p: &HaPeer, channel: &str, chaincodes: &[HaChaincode]) -> Vec<String> {
    chaincodes
        .iter()
        .filter(|cc| {
            !p.packages.iter().any(|k| {
                k.channel == channel
                    && k.chaincode == cc.name
                    && Some(&k.package_id) == cc.package_id.as_ref()
            })
        })
        .map(|cc| cc.name.clone())
        .collect()
}

/// Whether `p` serves `channel`: running, joined, caught up, with every chaincode's package.
fn serves(p: &HaPeer, channel: &str, highest: u64, chaincodes: &[HaChaincode]) -> bool {
    p.running
        && joined(p, channel).is_some_and(|c| c.height >= highest)
        && missing_chaincodes(p, channel, chaincodes).is_empty()
}

/// [`serves`] for every peer.
fn serving_peers(channel: &str, peers: &[HaPeer], answers: &[Answer]) -> Vec<bool> {
    let (highest, _, chaincodes) = channel_state(channel, peers, answers);
    peers
        .iter()
        .map(|p| serves(p, channel, highest, &chaincodes))
        .collect()
}

/// The verdict of one channel from the peers' answers.
fn judge_channel(
    channel: &str,
    regions: &[HaRegion],
    peers: &[HaPeer],
    answers: &[Answer],
    consoles: &[HaConsole],
) -> HaChannel {
    let (highest, anchors, chaincodes) = channel_state(channel, peers, answers);
    let cell_peer = |p: &HaPeer| {
        let height = joined(p, channel).map(|c| c.height);
        let missing_chaincodes = missing_chaincodes(p, channel, &chaincodes);
        let anchor = anchors.contains(&host_port(&p.api_url));
        let mut todo = Vec::new();
        if !p.running {
            let error = p.error.as_deref().unwrap_or("no answer");
            todo.push(HaNote::new(
                HaNoteCode::StartPeer,
                &[("error", error)],
                format!("start the peer (it does not answer: {error})"),
            ));
        } else if height.is_none() {
            todo.push(HaNote::new(
                HaNoteCode::JoinChannel,
                &[("channel", channel)],
                format!("join it to {channel} (`fabric-ha peer join`)"),
            ));
        } else {
            if height < Some(highest) {
                let blocks = (highest - height.unwrap_or(0)).to_string();
                todo.push(HaNote::new(
                    HaNoteCode::CatchUp,
                    &[("blocks", &blocks)],
                    format!(
                        "it is {blocks} blocks behind: check its route to the ordering service"
                    ),
                ));
            }
            for cc in &missing_chaincodes {
                todo.push(HaNote::new(
                    HaNoteCode::InstallPackage,
                    &[("chaincode", cc)],
                    format!(
                        "install the package of {cc} that the other peers use (`fabric-ha peer install`)"
                    ),
                ));
            }
        }
        HaCellPeer {
            name: p.name.clone(),
            running: p.running,
            joined: height.is_some(),
            height,
            behind: height.map(|h| highest.saturating_sub(h)),
            anchor,
            missing_chaincodes,
            todo,
        }
    };
    let serving = |p: &HaPeer| serves(p, channel, highest, &chaincodes);
    // What each region's serving peers see through discovery.
    let seen_by_region: BTreeMap<&str, BTreeSet<String>> = regions
        .iter()
        .map(|r| {
            let seen: BTreeSet<String> = peers
                .iter()
                .zip(answers)
                .filter(|(p, _)| p.console == r.console && serving(p))
                .filter_map(|(_, a)| a.per_channel.get(channel)?.seen.clone()?.ok())
                .flatten()
                .collect();
            (r.console.as_str(), seen)
        })
        .collect();
    let cells: Vec<HaCell> = regions
        .iter()
        .map(|r| {
            let seen = &seen_by_region[r.console.as_str()];
            let has_serving = peers.iter().any(|p| p.console == r.console && serving(p));
            let gossip_missing = if has_serving {
                peers
                    .iter()
                    .filter(|p| p.console != r.console && serving(p))
                    .filter(|p| !seen.contains(&host_port(&p.api_url)))
                    .map(|p| p.name.clone())
                    .collect()
            } else {
                Vec::new()
            };
            HaCell {
                console: r.console.clone(),
                peers: peers
                    .iter()
                    .filter(|p| p.console == r.console)
                    .map(cell_peer)
                    .collect(),
                gossip_missing,
            }
        })
        .collect();
    let losses: Vec<HaLoss> = regions
        .iter()
        .map(|lost| {
            let rest: Vec<&HaPeer> = peers.iter().filter(|p| p.console != lost.console).collect();
            let mut reasons = Vec::new();
            let region = lost.region.as_str();
            if !rest.iter().any(|p| serving(p)) {
                reasons.push(HaNote::new(
                    HaNoteCode::NoServingPeer,
                    &[("region", region), ("channel", channel)],
                    format!(
                        "no peer outside {region} is running, joined to {channel}, caught up and has every chaincode"
                    ),
                ));
            }
            if !rest.iter().any(|p| anchors.contains(&host_port(&p.api_url))) {
                reasons.push(HaNote::new(
                    HaNoteCode::NoAnchorPeer,
                    &[("region", region)],
                    format!(
                        "no anchor peer of the organization outside {region}: make a peer of another region an anchor peer"
                    ),
                ));
            }
            let manages = consoles.iter().any(|c| {
                c.console != lost.console
                    && c.error.is_none()
                    && rest.iter().all(|p| {
                        p.listed_by.contains(&c.console)
                            && !c.stale.iter().any(|s| s.api_url == p.api_url)
                    })
            });
            if !manages {
                reasons.push(HaNote::new(
                    HaNoteCode::NoManagingConsole,
                    &[("region", region)],
                    format!(
                        "no console outside {region} lists every peer of the other regions with its current certificates: import them into it, or update its stale records"
                    ),
                ));
            }
            for cell in cells.iter().filter(|c| c.console != lost.console) {
                let blind: Vec<&String> = cell
                    .gossip_missing
                    .iter()
                    .filter(|name| rest.iter().any(|p| &p.name == *name))
                    .collect();
                if !blind.is_empty() {
                    let peers = blind
                        .iter()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    reasons.push(HaNote::new(
                        HaNoteCode::GossipBlind,
                        &[("console", &cell.console), ("peers", &peers)],
                        format!(
                            "gossip: the peers of {} do not see {peers} (anchor peers, gossip external endpoints, routes between regions; peers that started moments ago need a few seconds: check again)",
                            cell.console
                        ),
                    ));
                }
            }
            HaLoss {
                console: lost.console.clone(),
                survives: reasons.is_empty(),
                reasons,
            }
        })
        .collect();
    HaChannel {
        channel: channel.to_owned(),
        highest,
        anchor_peers: anchors.into_iter().collect(),
        chaincodes,
        survives: losses.iter().all(|l| l.survives),
        cells,
        losses,
    }
}

impl Workspace {
    /// Checks whether the organization survives the loss of any one region, from what the
    /// consoles and the peers say now.
    pub fn ha_check(&self, scope: &HaCheckScope) -> Result<HaCheck, CoreError> {
        self.ha_check_presenting(scope, None)
    }

    /// [`Self::ha_check`] of an organization whose peers require client certificates: every
    /// peer connection presents the TLS certificate of the wallet identity `tls_identity`
    /// (enrolled at the organization's TLS CA); without one, a plan's own `tls_identity`. An
    /// unknown or unusable identity is refused before any console or peer is asked.
    pub fn ha_check_presenting(
        &self,
        scope: &HaCheckScope,
        tls_identity: Option<&str>,
    ) -> Result<HaCheck, CoreError> {
        // A plan's own TLS identity, unless another is given.
        let plan_tls = match scope {
            HaCheckScope::Plan(name) => self.plan(name)?.plan.source.tls_identity,
            HaCheckScope::Msp { .. } => None,
        };
        let (tls_name, client_tls) = self
            .client_tls_named(tls_identity.or(plan_tls.as_deref()))?
            .unzip();
        let labels: BTreeMap<String, String> = self
            .consoles()?
            .into_iter()
            .map(|c| {
                let label = if c.region.is_empty() {
                    c.name.clone()
                } else {
                    c.region
                };
                (c.name, label)
            })
            .collect();
        // The plan's organization: the MSP it creates, else the MSP definition it names on
        // its source console, read with every other console below.
        // For a plan, its journal also says where each of its peers lives (the console of its
        // region, even when that console cannot be read now) and where the MSP definition was
        // imported (another place to read its MSP id from).
        let mut homes: Vec<(String, String)> = Vec::new();
        let mut msp_copies: Vec<(String, String)> = Vec::new();
        let (created, source_msp, consoles, plan_channels) = match scope {
            HaCheckScope::Plan(name) => {
                let record = self.plan(name)?;
                let plan = &record.plan;
                let journal = crate::plans::engine::journal::journal(self.store(), &record.id)?;
                let done = |key: &str| {
                    journal
                        .get(key)
                        .filter(|e| e.state == crate::plans::engine::journal::StepState::Done)
                        .and_then(|e| e.result.clone())
                };
                for t in &plan.targets {
                    for p in &t.peers {
                        if let Some(url) = done(&format!("{}/create/{}", t.console, p.enroll_id))
                            .and_then(|r| r.api_url)
                        {
                            homes.push((url, t.console.clone()));
                        }
                    }
                    for id in &plan.source.peers {
                        if let Some(url) =
                            done(&format!("{}/import-peer/{id}", t.console)).and_then(|r| r.api_url)
                        {
                            homes.push((url, plan.source.console.clone()));
                        }
                    }
                    if let Some(id) =
                        done(&format!("{}/import-msp", t.console)).and_then(|r| r.component_id)
                    {
                        msp_copies.push((t.console.clone(), id));
                    }
                }
                let created = plan.created_msp_id().map(str::to_owned);
                let source = (plan.source.console.clone(), plan.source.msp.clone());
                let consoles: Vec<String> =
                    plan.consoles().into_iter().map(str::to_owned).collect();
                (created, Some(source), consoles, plan.channels.clone())
            }
            HaCheckScope::Msp { console, msp_id } => {
                self.console_row(console)?;
                (
                    Some(msp_id.clone()),
                    None,
                    labels.keys().cloned().collect(),
                    Vec::new(),
                )
            }
        };
        let regions: Vec<HaRegion> = consoles
            .iter()
            .map(|c| HaRegion {
                console: c.clone(),
                region: labels.get(c).cloned().unwrap_or_else(|| c.clone()),
            })
            .collect();
        let dir = Directory::load(self)?;
        let msp_id = match (created, source_msp) {
            (Some(id), _) => id,
            (None, Some((console, msp))) => match std::iter::once((&console, &msp))
                .chain(msp_copies.iter().map(|(c, m)| (c, m)))
                .find_map(|(c, m)| dir.console_msp_id(c, m))
            {
                Some(id) => id.to_owned(),
                // Not in what the consoles answered: asked again, for the precise error.
                None => self
                    .console_components(&console)?
                    .msps
                    .iter()
                    .find(|m| m.id == msp)
                    .map(|m| m.msp_id.clone())
                    .ok_or_else(|| CoreError::InvalidInput {
                        field: "--plan".into(),
                        reason: format!("console {console:?} has no MSP definition {msp:?}"),
                    })?,
            },
            (None, None) => {
                return Err(CoreError::InvalidInput {
                    field: "--msp".into(),
                    reason: "no organization to check".into(),
                })
            }
        };
        let org: Vec<&PeerNode> = dir
            .peers
            .iter()
            .filter(|p| p.node.msp_id == msp_id)
            .filter(|p| p.consoles().iter().any(|c| consoles.contains(c)))
            .collect();
        let first = org.first().ok_or_else(|| CoreError::InvalidInput {
            field: "--msp".into(),
            reason: format!("no console of the check lists a peer of {msp_id}"),
        })?;
        let signing = self
            .signing_for(&dir, first, None)?
            .presenting(client_tls.as_ref());
        // Each peer's region: where the plan created it, else the console that created it,
        // else the first console of the check that lists it.
        let peer_homes: Vec<String> = org
            .iter()
            .map(|p| {
                homes
                    .iter()
                    .find(|(url, _)| url.trim_end_matches('/') == p.node.api_url)
                    .map(|(_, c)| c)
                    .or_else(|| p.home())
                    .filter(|h| consoles.contains(h))
                    .or_else(|| p.consoles().iter().find(|c| consoles.contains(c)))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let (mut answers, clients, mut sources) =
            block_on(ask_peers(&org, &peer_homes, &signing, &msp_id))?;
        let peers: Vec<HaPeer> = org
            .iter()
            .zip(&answers)
            .zip(&peer_homes)
            .map(|((p, a), home)| HaPeer {
                name: p.node.name.clone(),
                api_url: p.node.api_url.clone(),
                console: home.clone(),
                running: a.running.is_ok(),
                error: a.running.clone().err(),
                channels: a.channels.clone(),
                packages: a.packages.clone(),
                listed_by: p
                    .consoles()
                    .iter()
                    .filter(|c| consoles.contains(c))
                    .cloned()
                    .collect(),
            })
            .collect();
        let mut channel_names: BTreeSet<String> = plan_channels.into_iter().collect();
        for p in &peers {
            channel_names.extend(p.channels.iter().map(|c| c.channel.clone()));
        }
        ask_channels_again(
            &mut answers,
            &clients,
            &mut sources,
            &peer_homes,
            &peers,
            &channel_names,
            &signing,
            &msp_id,
        )?;
        drop(clients);
        let stale = stale_records(&org, &answers, &peers, &consoles);
        let console_rows: Vec<HaConsole> = regions
            .iter()
            .map(|r| HaConsole {
                stale: stale
                    .iter()
                    .filter(|(c, _)| *c == r.console)
                    .map(|(_, s)| s.clone())
                    .collect(),
                console: r.console.clone(),
                region: r.region.clone(),
                error: dir.unanswered_for(&r.console),
                // Unknown for a console that could not be read (its error says so).
                missing: if dir.unanswered_for(&r.console).is_some() {
                    Vec::new()
                } else {
                    peers
                        .iter()
                        .filter(|p| !p.listed_by.contains(&r.console))
                        .map(|p| p.name.clone())
                        .collect()
                },
            })
            .collect();
        let channels: Vec<HaChannel> = channel_names
            .iter()
            .map(|c| judge_channel(c, &regions, &peers, &answers, &console_rows))
            .collect();
        Ok(HaCheck {
            survives: !channels.is_empty() && channels.iter().all(|c| c.survives),
            msp_id,
            identity: signing.identity.clone(),
            tls_identity: tls_name,
            checked_at: crate::library::rfc3339(crate::library::unix_now()),
            regions,
            peers,
            consoles: console_rows,
            channels,
        })
    }
}

impl HaCheck {
    /// The check as Markdown: the operator's evidence.
    pub fn to_markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# HA check: {}\n\nChecked {} as `{}`{}. Verdict: **{}**.\n",
            self.msp_id,
            self.checked_at,
            self.identity,
            self.tls_identity
                .as_ref()
                .map(|t| format!(", presenting the TLS certificate of `{t}`"))
                .unwrap_or_default(),
            if self.survives {
                "every channel survives the loss of any one region"
            } else {
                "NOT every channel survives the loss of any one region"
            }
        );
        let region = |console: &str| {
            self.regions
                .iter()
                .find(|r| r.console == console)
                .map_or_else(|| console.to_owned(), |r| r.region.clone())
        };
        let _ = writeln!(
            md,
            "## Consoles\n\n| Region | Console | Lists every peer | Records up to date |\n|---|---|---|---|"
        );
        for c in &self.consoles {
            let state = match (&c.error, c.missing.is_empty()) {
                (Some(e), _) => format!("not read: {e}"),
                (None, true) => "yes".to_owned(),
                (None, false) => format!("missing {}", c.missing.join(", ")),
            };
            let records = if c.error.is_some() {
                "not read".to_owned()
            } else if c.stale.is_empty() {
                "yes".to_owned()
            } else {
                c.stale
                    .iter()
                    .map(|s| {
                        let mut what: Vec<String> =
                            s.fields.iter().map(|f| format!("`{f}`")).collect();
                        if s.not_served {
                            what.push("TLS certificate not the one the peer serves".into());
                        }
                        format!("stale {} ({}): {}", s.peer, what.join(", "), s.todo)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = writeln!(
                md,
                "| {} | `{}` | {state} | {records} |",
                c.region, c.console
            );
        }
        for ch in &self.channels {
            let _ = writeln!(
                md,
                "\n## Channel `{}`: {}\n",
                ch.channel,
                if ch.survives {
                    "survives the loss of any one region"
                } else {
                    "does NOT survive the loss of every region"
                }
            );
            let _ = writeln!(
                md,
                "Height {}; anchor peers {}; chaincodes {}.\n",
                ch.highest,
                if ch.anchor_peers.is_empty() {
                    "none".to_owned()
                } else {
                    ch.anchor_peers.join(", ")
                },
                if ch.chaincodes.is_empty() {
                    "none".to_owned()
                } else {
                    ch.chaincodes
                        .iter()
                        .map(|c| {
                            format!(
                                "{} {} (`{}`)",
                                c.name,
                                c.version,
                                c.package_id.as_deref().unwrap_or("no package")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
            let _ = writeln!(
                md,
                "| Region | Peer | Running | Joined | Height (behind) | Anchor | Missing chaincodes |\n|---|---|---|---|---|---|---|"
            );
            for cell in &ch.cells {
                for p in &cell.peers {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} | {} | {} |",
                        region(&cell.console),
                        p.name,
                        if p.running { "yes" } else { "no" },
                        if p.joined { "yes" } else { "no" },
                        p.height.map_or_else(
                            || "-".to_owned(),
                            |h| format!("{h} ({})", p.behind.unwrap_or(0))
                        ),
                        if p.anchor { "yes" } else { "no" },
                        if p.missing_chaincodes.is_empty() {
                            "-".to_owned()
                        } else {
                            p.missing_chaincodes.join(", ")
                        }
                    );
                }
            }
            let _ = writeln!(md);
            for loss in &ch.losses {
                if loss.survives {
                    let _ = writeln!(md, "- Loss of {}: still served.", region(&loss.console));
                } else {
                    let _ = writeln!(
                        md,
                        "- Loss of {}: **breaks it**: {}.",
                        region(&loss.console),
                        loss.reasons
                            .iter()
                            .map(|r| r.text.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const CH: &str = "mychannel";
    const PKG: &str = "asset_1.0:aaaa";

    fn region(console: &str) -> HaRegion {
        HaRegion {
            console: console.into(),
            region: console.into(),
        }
    }

    /// A running peer of `console` on port `port`, joined at `height` with the asset package.
    fn peer(console: &str, port: u16, height: u64) -> HaPeer {
        HaPeer {
            name: format!("{console} peer {port}"),
            api_url: format!("grpcs://127.0.0.1:{port}"),
            console: console.into(),
            running: true,
            error: None,
            channels: vec![HaJoined {
                channel: CH.into(),
                height,
            }],
            packages: vec![HaPackage {
                package_id: PKG.into(),
                channel: CH.into(),
                chaincode: "asset".into(),
            }],
            listed_by: vec!["r1".into(), "r2".into(), "r3".into()],
        }
    }

    /// What each peer answered: the definition, every peer an anchor, every peer seeing all.
    fn answers(peers: &[HaPeer], anchors: &[&str]) -> Vec<Answer> {
        let everyone: Vec<String> = peers.iter().map(|p| host_port(&p.api_url)).collect();
        peers
            .iter()
            .map(|_| Answer {
                running: Ok(()),
                channels: Vec::new(),
                packages: Vec::new(),
                per_channel: BTreeMap::from([(
                    CH.to_owned(),
                    ChannelAnswer {
                        definitions: vec![("asset".into(), "1.0".into(), 1)],
                        anchors: anchors.iter().map(|a| (*a).to_owned()).collect(),
                        seen: Some(Ok(everyone.clone())),
                    },
                )]),
                served_tls: None,
            })
            .collect()
    }

    fn consoles() -> Vec<HaConsole> {
        ["r1", "r2", "r3"]
            .iter()
            .map(|c| HaConsole {
                console: (*c).into(),
                region: (*c).into(),
                error: None,
                missing: Vec::new(),
                stale: Vec::new(),
            })
            .collect()
    }

    fn regions() -> Vec<HaRegion> {
        ["r1", "r2", "r3"].iter().map(|c| region(c)).collect()
    }

    fn healthy() -> Vec<HaPeer> {
        vec![
            peer("r1", 7001, 6),
            peer("r2", 7002, 6),
            peer("r3", 7003, 6),
        ]
    }

    const ALL_ANCHORS: [&str; 3] = ["127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"];

    fn reasons(ch: &HaChannel, lost: &str) -> Vec<String> {
        ch.losses
            .iter()
            .find(|l| l.console == lost)
            .unwrap()
            .reasons
            .iter()
            .map(|r| r.text.clone())
            .collect()
    }

    #[test]
    fn channel_wide_reads_go_to_the_highest_peer_with_the_most_packages() {
        let answer = |height: Option<u64>, packages: usize| Answer {
            running: Ok(()),
            channels: height
                .map(|height| HaJoined {
                    channel: CH.into(),
                    height,
                })
                .into_iter()
                .collect(),
            packages: (0..packages)
                .map(|n| HaPackage {
                    package_id: format!("cc{n}:1"),
                    channel: CH.into(),
                    chaincode: format!("cc{n}"),
                })
                .collect(),
            per_channel: BTreeMap::new(),
            served_tls: None,
        };
        let answers = [
            answer(Some(5), 2),
            answer(Some(6), 0),
            answer(Some(6), 1),
            answer(Some(6), 1),
            answer(None, 3),
            answer(Some(9), 3),
        ];
        let connected = [true, true, true, true, true, false];
        // The unconnected peer (5) and the one not joined (4) are never asked; among the
        // highest, the one with more packages, then the first.
        assert_eq!(best_peer(0..6, CH, &answers, &connected), Some(2));
        assert_eq!(
            best_peer([0, 1].into_iter(), CH, &answers, &connected),
            Some(1)
        );
        assert_eq!(
            best_peer([4, 5].into_iter(), CH, &answers, &connected),
            None
        );
        assert_eq!(best_peer(0..6, "other", &answers, &connected), None);
    }

    #[test]
    fn definitions_from_a_peer_behind_are_asked_again_of_the_highest() {
        let peers = vec![
            peer("r1", 7001, 5),
            peer("r2", 7002, 7),
            peer("r3", 7003, 7),
        ];
        let answers: Vec<Answer> = peers
            .iter()
            .map(|p| Answer {
                running: Ok(()),
                channels: p.channels.clone(),
                packages: p.packages.clone(),
                per_channel: BTreeMap::new(),
                served_tls: None,
            })
            .collect();
        let first_behind = BTreeMap::from([(CH.to_owned(), 0)]);
        let first_highest = BTreeMap::from([(CH.to_owned(), 2)]);
        let ch = CH.to_owned();
        assert_eq!(
            behind_sources(&first_behind, &answers, &peers, &[true, true, true]),
            vec![(&ch, 1)]
        );
        assert!(behind_sources(&first_highest, &answers, &peers, &[true, true, true]).is_empty());
        // Only a connected peer can be asked.
        assert_eq!(
            behind_sources(&first_behind, &answers, &peers, &[true, false, true]),
            vec![(&ch, 2)]
        );
    }

    #[test]
    fn a_scope_is_a_plan_or_a_console_and_an_msp_id() {
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            HaCheckScope::named(some("ha"), None, None, "scope").unwrap(),
            HaCheckScope::Plan("ha".into())
        );
        assert_eq!(
            HaCheckScope::named(None, some("eu-de"), some("org1msp"), "scope").unwrap(),
            HaCheckScope::Msp {
                console: "eu-de".into(),
                msp_id: "org1msp".into()
            }
        );
        for (plan, console, msp) in [
            (some("ha"), some("eu-de"), None),
            (None, some("eu-de"), None),
            (None, None, None),
        ] {
            match HaCheckScope::named(plan, console, msp, "--plan") {
                Err(CoreError::InvalidInput { field, .. }) => assert_eq!(field, "--plan"),
                other => panic!("expected InvalidInput, got {other:?}"),
            }
        }
    }

    #[test]
    fn three_healthy_regions_survive_the_loss_of_any_one() {
        let peers = healthy();
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &consoles(),
        );
        assert!(ch.survives, "{ch:#?}");
        assert_eq!(ch.highest, 6);
        assert_eq!(ch.chaincodes[0].package_id.as_deref(), Some(PKG));
        assert!(ch
            .cells
            .iter()
            .all(|c| c.peers[0].anchor && c.peers[0].todo.is_empty()));
    }

    #[test]
    fn a_regions_only_peer_not_joined_breaks_the_loss_of_the_others_and_says_join() {
        let mut peers = healthy();
        peers[1].channels.clear();
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &consoles(),
        );
        // Losing r1 or r3 still leaves a serving peer; nothing breaks, but r2's cell says join.
        let join = &ch.cells[1].peers[0].todo[0];
        assert!(join.text.starts_with("join it to mychannel"));
        assert_eq!(join.code, HaNoteCode::JoinChannel);
        assert_eq!(join.params["channel"], "mychannel");
        assert!(!ch.cells[1].peers[0].joined);
        // With r3 unjoined too, losing r1 leaves nobody.
        peers[2].channels.clear();
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &consoles(),
        );
        assert!(!ch.survives);
        assert!(reasons(&ch, "r1")[0].starts_with("no peer outside r1 is running, joined"));
    }

    #[test]
    fn a_different_package_id_is_a_missing_chaincode() {
        let mut peers = healthy();
        peers[2].packages[0].package_id = "asset_1.0:bbbb".into();
        peers[1].packages.clear();
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &consoles(),
        );
        assert_eq!(
            ch.cells[2].peers[0].missing_chaincodes,
            vec!["asset".to_owned()]
        );
        assert!(ch.cells[2].peers[0].todo[0]
            .text
            .contains("install the package of asset"));
        assert!(!ch.survives);
        assert!(
            reasons(&ch, "r1")[0].contains("has every chaincode"),
            "{ch:#?}"
        );
    }

    #[test]
    fn no_anchor_peer_outside_a_region_breaks_its_loss() {
        let peers = healthy();
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS[..1]),
            &consoles(),
        );
        assert!(!ch.survives);
        assert_eq!(
            reasons(&ch, "r1"),
            vec!["no anchor peer of the organization outside r1: make a peer of another region an anchor peer".to_owned()]
        );
        assert!(reasons(&ch, "r2").is_empty());
    }

    #[test]
    fn a_console_lacking_a_peer_leaves_no_console_to_manage_the_rest() {
        let mut peers = healthy();
        for p in &mut peers {
            p.listed_by.retain(|c| c == &p.console || c == "r1");
        }
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &consoles(),
        );
        assert!(!ch.survives);
        assert!(reasons(&ch, "r1")
            .iter()
            .any(|r| r.starts_with("no console outside r1 lists every peer")));
        assert!(reasons(&ch, "r2").is_empty(), "r1 lists everyone");
    }

    #[test]
    fn stale_records_leave_no_console_to_manage_the_rest() {
        let peers = healthy();
        let stale = |console: &str, of: &HaPeer| HaStale {
            peer: of.name.clone(),
            api_url: of.api_url.clone(),
            component_id: format!("{console}-copy"),
            fields: vec!["msp.component.tls_cert".into()],
            not_served: true,
            update_from: None,
            todo: String::new(),
        };
        let r2_peer = peers.iter().find(|p| p.console == "r2").unwrap();
        let r3_peer = peers.iter().find(|p| p.console == "r3").unwrap();
        let mut rows = consoles();
        // One stale copy: the other console still manages both regions.
        rows[2].stale.push(stale("r3", r2_peer));
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &rows,
        );
        assert!(ch.survives, "{ch:#?}");
        // Each console's copy of the other's peer is stale: losing r1 leaves none.
        rows[1].stale.push(stale("r2", r3_peer));
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &rows,
        );
        assert!(!ch.survives);
        assert!(reasons(&ch, "r1")
            .iter()
            .any(|r| r.contains("with its current certificates")));
        assert!(
            reasons(&ch, "r2").is_empty(),
            "r1 manages r1 and r3: {ch:#?}"
        );
    }

    #[test]
    fn a_stopped_peer_is_not_serving_and_says_start_it() {
        let mut peers = healthy();
        peers[0].running = false;
        peers[0].error = Some("connection refused".into());
        peers[0].channels.clear();
        peers[1].running = false;
        peers[1].channels.clear();
        let ch = judge_channel(
            CH,
            &regions(),
            &peers,
            &answers(&peers, &ALL_ANCHORS),
            &consoles(),
        );
        assert!(ch.cells[0].peers[0].todo[0]
            .text
            .contains("connection refused"));
        assert!(!ch.survives);
        assert!(reasons(&ch, "r3")[0].starts_with("no peer outside r3"));
    }

    #[test]
    fn peers_that_do_not_see_another_region_through_gossip_are_named() {
        let peers = healthy();
        let mut answered = answers(&peers, &ALL_ANCHORS);
        // r3's peer sees only itself.
        answered[2].per_channel.get_mut(CH).unwrap().seen = Some(Ok(vec!["127.0.0.1:7003".into()]));
        let ch = judge_channel(CH, &regions(), &peers, &answered, &consoles());
        assert_eq!(
            ch.cells[2].gossip_missing,
            vec!["r1 peer 7001", "r2 peer 7002"]
        );
        assert!(reasons(&ch, "r1")
            .iter()
            .any(|r| r.starts_with("gossip: the peers of r3 do not see \"r2 peer 7002\"")));
        assert!(!ch.survives);
    }
}
