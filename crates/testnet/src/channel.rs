//! Channels: a genesis block from `configtxgen`, joined by the orderers with `osnadmin` and by
//! peers with the `peer` CLI as the organization's admin.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::health::https_client_with_identity;
use crate::msp::{write_msp, MspContent, OrgAdmin};
use crate::process::{clean_command, run_tool};
use crate::{mkdir, write, Binary, Error, Fabric, OrderingService};

/// How long one CLI call may take.
const TOOL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a new channel may take to elect its Raft leader.
const LEADER_TIMEOUT: Duration = Duration::from_secs(20);

/// An application organization of a channel.
#[derive(Debug, Clone)]
pub struct ChannelOrg {
    /// MSP id.
    pub msp_id: String,
    /// PEM of the organization's CA root.
    pub ca_root_pem: String,
    /// PEM of its TLS CA root.
    pub tlsca_root_pem: String,
    /// Anchor peers (`host`, `port`).
    pub anchor_peers: Vec<(String, u16)>,
}

/// A peer to talk to: its address and the PEM of its TLS CA root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerEndpoint {
    /// `host:port`.
    pub address: String,
    /// PEM of the TLS CA root its certificate chains to.
    pub tls_root_pem: String,
}

impl PeerEndpoint {
    /// From a console record's `api_url` (`grpcs://host:port`) and its TLS root.
    pub fn from_api_url(api_url: &str, tls_root_pem: &str) -> Result<PeerEndpoint, Error> {
        let address = api_url
            .strip_prefix("grpcs://")
            .ok_or_else(|| Error::Invalid(format!("not a grpcs:// URL: {api_url}")))?;
        Ok(PeerEndpoint {
            address: address.trim_end_matches('/').to_owned(),
            tls_root_pem: tls_root_pem.to_owned(),
        })
    }
}

fn policy(rule: String) -> Value {
    json!({ "Type": "Signature", "Rule": rule })
}

fn implicit(rule: &str) -> Value {
    json!({ "Type": "ImplicitMeta", "Rule": rule })
}

/// `configtx.yaml` (as JSON, which YAML reads) for one channel with the ordering organization
/// and `orgs`.
fn configtx(ordering: &OrderingService, orgs: &[(ChannelOrg, PathBuf)]) -> Value {
    let oid = ordering.msp_id();
    let orderer_org = json!({
        "Name": oid, "ID": oid,
        "MSPDir": ordering.org_msp_dir(),
        "Policies": {
            "Readers": policy(format!("OR('{oid}.member')")),
            "Writers": policy(format!("OR('{oid}.member')")),
            "Admins": policy(format!("OR('{oid}.admin')")),
        },
        "OrdererEndpoints": ordering.addresses(),
    });
    let app_orgs: Vec<Value> = orgs
        .iter()
        .map(|(org, msp_dir)| {
            let id = &org.msp_id;
            json!({
                "Name": id, "ID": id,
                "MSPDir": msp_dir,
                "Policies": {
                    "Readers": policy(format!("OR('{id}.admin', '{id}.peer', '{id}.client')")),
                    "Writers": policy(format!("OR('{id}.admin', '{id}.client')")),
                    "Admins": policy(format!("OR('{id}.admin')")),
                    "Endorsement": policy(format!("OR('{id}.peer')")),
                },
                "AnchorPeers": org.anchor_peers.iter().map(|(h, p)| json!({"Host": h, "Port": p})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let consenters: Vec<Value> = ordering
        .nodes()
        .iter()
        .map(|n| {
            json!({
                "Host": "127.0.0.1", "Port": n.port,
                "ClientTLSCert": n.tls_cert_file, "ServerTLSCert": n.tls_cert_file,
            })
        })
        .collect();
    json!({
        "Profiles": {
            "Channel": {
                "Policies": {
                    "Readers": implicit("ANY Readers"),
                    "Writers": implicit("ANY Writers"),
                    "Admins": implicit("MAJORITY Admins"),
                },
                "Capabilities": { "V2_0": true },
                "Orderer": {
                    "OrdererType": "etcdraft",
                    "EtcdRaft": {
                        "Consenters": consenters,
                        "Options": {
                            "TickInterval": "100ms", "ElectionTick": 10, "HeartbeatTick": 1,
                            "MaxInflightBlocks": 5, "SnapshotIntervalSize": "16 MB",
                        },
                    },
                    "BatchTimeout": "500ms",
                    "BatchSize": {
                        "MaxMessageCount": 10, "AbsoluteMaxBytes": "99 MB", "PreferredMaxBytes": "512 KB",
                    },
                    "Organizations": [orderer_org],
                    "Policies": {
                        "Readers": implicit("ANY Readers"),
                        "Writers": implicit("ANY Writers"),
                        "Admins": implicit("MAJORITY Admins"),
                        "BlockValidation": implicit("ANY Writers"),
                    },
                    "Capabilities": { "V2_0": true },
                },
                "Application": {
                    "Organizations": app_orgs,
                    "Policies": {
                        "Readers": implicit("ANY Readers"),
                        "Writers": implicit("ANY Writers"),
                        "Admins": implicit("MAJORITY Admins"),
                        "LifecycleEndorsement": implicit("MAJORITY Endorsement"),
                        "Endorsement": implicit("MAJORITY Endorsement"),
                    },
                    "Capabilities": { "V2_5": true },
                },
            }
        }
    })
}

/// Creates `channel` with `orgs` on `ordering`: writes the organizations' MSP folders and
/// `configtx.yaml` under `dir/channels/<channel>`, makes the genesis block with `configtxgen`,
/// joins every orderer with `osnadmin` and waits (bounded) until the channel has a Raft
/// leader. Returns the genesis block's file.
pub async fn create(
    fabric: &Fabric,
    dir: &Path,
    ordering: &OrderingService,
    channel: &str,
    orgs: &[ChannelOrg],
) -> Result<PathBuf, Error> {
    let home = dir.join("channels").join(channel);
    mkdir(&home)?;
    let mut with_dirs = Vec::new();
    for org in orgs {
        let msp_dir = home.join("orgs").join(&org.msp_id);
        write_msp(
            &msp_dir,
            MspContent {
                ca_root_pem: &org.ca_root_pem,
                tlsca_root_pem: &org.tlsca_root_pem,
                signer: None,
                admin_certs: &[],
            },
        )?;
        with_dirs.push((org.clone(), msp_dir));
    }
    let doc = configtx(ordering, &with_dirs);
    write(
        &home.join("configtx.yaml"),
        serde_json::to_string_pretty(&doc).map_err(|e| Error::Invalid(e.to_string()))?,
    )?;
    let block = home.join("genesis.block");
    let mut cmd = clean_command(&fabric.bin(Binary::Configtxgen), &home);
    cmd.env("FABRIC_CFG_PATH", &home)
        .args(["-profile", "Channel", "-channelID", channel, "-outputBlock"])
        .arg(&block);
    run_tool(&format!("configtxgen for {channel}"), cmd, TOOL_TIMEOUT).await?;

    let admin_tls = ordering.admin_tls();
    for node in ordering.nodes() {
        let mut cmd = clean_command(&fabric.bin(Binary::Osnadmin), &home);
        cmd.args(["channel", "join", "--channelID", channel, "--config-block"])
            .arg(&block)
            .arg("-o")
            .arg(format!("127.0.0.1:{}", node.admin_port))
            .arg("--ca-file")
            .arg(ordering.tls_root_file())
            .arg("--client-cert")
            .arg(admin_tls.dir.join("signcerts").join("cert.pem"))
            .arg("--client-key")
            .arg(&admin_tls.key_path);
        run_tool(
            &format!(
                "osnadmin channel join {channel} on 127.0.0.1:{}",
                node.admin_port
            ),
            cmd,
            TOOL_TIMEOUT,
        )
        .await?;
    }
    wait_for_leader(ordering, channel).await?;
    Ok(block)
}

/// Waits until one orderer reports itself the channel's Raft leader (its Prometheus metric
/// `consensus_etcdraft_is_leader{channel="…"} 1`): before that, the orderer refuses
/// transactions with SERVICE_UNAVAILABLE.
async fn wait_for_leader(ordering: &OrderingService, channel: &str) -> Result<(), Error> {
    // The operations endpoint wants a client certificate for everything but /healthz.
    let admin = ordering.admin_tls();
    let client =
        https_client_with_identity(ordering.tls_root_pem(), &admin.cert_pem, &admin.key_path)?;
    let needle = format!("consensus_etcdraft_is_leader{{channel=\"{channel}\"}} 1");
    let deadline = Instant::now() + LEADER_TIMEOUT;
    let mut seen = String::new();
    loop {
        for node in ordering.nodes() {
            let url = format!("https://127.0.0.1:{}/metrics", node.operations_port);
            match client.get(&url).send().await {
                Ok(response) => {
                    let text = response.text().await.unwrap_or_default();
                    if text.contains(&needle) {
                        return Ok(());
                    }
                    seen = text
                        .lines()
                        .filter(|l| l.starts_with("consensus_etcdraft_is_leader"))
                        .collect::<Vec<_>>()
                        .join("\n");
                }
                Err(e) => seen = format!("{url}: {e}"),
            }
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("a Raft leader for {channel}"),
                after: LEADER_TIMEOUT,
                log: seen,
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `peer` CLI as `admin`, talking to `peer` (its TLS root written beside `work`).
pub(crate) fn peer_cli(
    fabric: &Fabric,
    admin: &OrgAdmin,
    config_dir: &Path,
    peer: &PeerEndpoint,
    work: &Path,
) -> Result<Command, Error> {
    mkdir(work)?;
    let root = tls_root_file(peer, work);
    write(&root, &peer.tls_root_pem)?;
    let mut cmd = clean_command(&fabric.bin(Binary::Peer), work);
    cmd.current_dir(work)
        .env("FABRIC_CFG_PATH", config_dir)
        .env("CORE_PEER_LOCALMSPID", &admin.msp_id)
        .env("CORE_PEER_MSPCONFIGPATH", &admin.msp_dir)
        .env("CORE_PEER_ADDRESS", &peer.address)
        .env("CORE_PEER_TLS_ENABLED", "true")
        .env("CORE_PEER_TLS_ROOTCERT_FILE", &root);
    Ok(cmd)
}

/// Where [`peer_cli`] writes `peer`'s TLS root.
fn tls_root_file(peer: &PeerEndpoint, work: &Path) -> PathBuf {
    work.join(format!(
        "tls-root-{}.pem",
        peer.address.replace([':', '.'], "-")
    ))
}

/// `peer snapshot submitrequest` on `peer` as `admin` for `channel` at its current height, then
/// waits (bounded) until the snapshot is complete under `completed_dir` (the peer's
/// `ledger.snapshots.rootDir`/completed); returns the snapshot's folder.
pub async fn snapshot(
    fabric: &Fabric,
    dir: &Path,
    admin: &OrgAdmin,
    peer: &PeerEndpoint,
    channel: &str,
    completed_dir: &Path,
) -> Result<PathBuf, Error> {
    let config = cli_config_dir(fabric, dir)?;
    let work = dir.join("cli");
    let mut cmd = peer_cli(fabric, admin, &config, peer, &work)?;
    cmd.args(["snapshot", "submitrequest", "-c", channel, "-b", "0"])
        .args(["--peerAddress", &peer.address, "--tlsRootCertFile"])
        .arg(tls_root_file(peer, &work));
    run_tool(
        &format!("peer snapshot submitrequest on {}", peer.address),
        cmd,
        TOOL_TIMEOUT,
    )
    .await?;
    // A snapshot is renamed into completed/<channel>/<block> once every file is written.
    let deadline = Instant::now() + TOOL_TIMEOUT;
    let channel_dir = completed_dir.join(channel);
    loop {
        if let Some(done) = std::fs::read_dir(&channel_dir)
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(Result::ok)
        {
            return Ok(done.path());
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("a snapshot of {channel} on {}", peer.address),
                after: TOOL_TIMEOUT,
                log: String::new(),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `peer channel joinbysnapshot` on `peer` as `admin`: the peer joins the snapshot's channel
/// from its state at the snapshot's height, without the blocks before it (the join goes on in
/// the background once the command returns).
pub async fn join_by_snapshot(
    fabric: &Fabric,
    dir: &Path,
    admin: &OrgAdmin,
    peer: &PeerEndpoint,
    snapshot: &Path,
) -> Result<(), Error> {
    let config = cli_config_dir(fabric, dir)?;
    let mut cmd = peer_cli(fabric, admin, &config, peer, &dir.join("cli"))?;
    cmd.args(["channel", "joinbysnapshot", "--snapshotpath"])
        .arg(snapshot);
    run_tool(
        &format!("peer channel joinbysnapshot on {}", peer.address),
        cmd,
        TOOL_TIMEOUT,
    )
    .await
    .map(drop)
}

/// A `FABRIC_CFG_PATH` for the `peer` CLI under `dir` (the sample `core.yaml`).
pub fn cli_config_dir(fabric: &Fabric, dir: &Path) -> Result<PathBuf, Error> {
    let config = dir.join("peer-cli-config");
    if !config.join("core.yaml").is_file() {
        crate::peer::write_config_dir(fabric, &config)?;
    }
    Ok(config)
}

/// `peer channel join -b <block>` on `peer` as `admin`.
pub async fn join(
    fabric: &Fabric,
    dir: &Path,
    admin: &OrgAdmin,
    peer: &PeerEndpoint,
    block: &Path,
) -> Result<(), Error> {
    let config = cli_config_dir(fabric, dir)?;
    let mut cmd = peer_cli(fabric, admin, &config, peer, &dir.join("cli"))?;
    cmd.args(["channel", "join", "-b"]).arg(block);
    run_tool(
        &format!("peer channel join on {}", peer.address),
        cmd,
        TOOL_TIMEOUT,
    )
    .await
    .map(drop)
}

/// `peer channel list` on `peer` as `admin`: the channels it has joined.
pub async fn list(
    fabric: &Fabric,
    dir: &Path,
    admin: &OrgAdmin,
    peer: &PeerEndpoint,
) -> Result<Vec<String>, Error> {
    let config = cli_config_dir(fabric, dir)?;
    let mut cmd = peer_cli(fabric, admin, &config, peer, &dir.join("cli"))?;
    cmd.args(["channel", "list"]);
    let out = run_tool(
        &format!("peer channel list on {}", peer.address),
        cmd,
        TOOL_TIMEOUT,
    )
    .await?;
    Ok(out
        .lines()
        .skip_while(|l| !l.starts_with("Channels peers has joined"))
        .skip(1)
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

/// The channel's height on `peer` (`peer channel getinfo`).
pub async fn height(
    fabric: &Fabric,
    dir: &Path,
    admin: &OrgAdmin,
    peer: &PeerEndpoint,
    channel: &str,
) -> Result<u64, Error> {
    let config = cli_config_dir(fabric, dir)?;
    let mut cmd = peer_cli(fabric, admin, &config, peer, &dir.join("cli"))?;
    cmd.args(["channel", "getinfo", "-c", channel]);
    let out = run_tool(
        &format!("peer channel getinfo on {}", peer.address),
        cmd,
        TOOL_TIMEOUT,
    )
    .await?;
    let json = out
        .split_once("Blockchain info:")
        .map(|(_, rest)| rest.trim())
        .ok_or_else(|| Error::Invalid(format!("unexpected getinfo output: {out}")))?;
    let info: Value =
        serde_json::from_str(json).map_err(|e| Error::Invalid(format!("getinfo: {e}")))?;
    info["height"]
        .as_u64()
        .ok_or_else(|| Error::Invalid(format!("getinfo has no height: {json}")))
}

/// Waits (bounded) until `peer` has joined `channel` and reached `height`.
pub async fn wait_for_height(
    fabric: &Fabric,
    dir: &Path,
    admin: &OrgAdmin,
    peer: &PeerEndpoint,
    channel: &str,
    at_least: u64,
    timeout: Duration,
) -> Result<u64, Error> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(h) = height(fabric, dir, admin, peer, channel).await {
            if h >= at_least {
                return Ok(h);
            }
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("{} at height {at_least} of {channel}", peer.address),
                after: timeout,
                log: String::new(),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
