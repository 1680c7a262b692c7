//! `bench-ha-check`: the HA check (`Workspace::ha_check`, what `fabric-ha ha check --plan NAME`
//! runs) on a real network against its floor, both measured in the same run on the same network.
//!
//! The network: the sandbox (region 1 holds the organization: CA, MSP, one peer on `mychannel`
//! with the `asset` package) with `--regions` more consoles, a second channel created with
//! `configtxgen` + `osnadmin` and joined by the region-1 peer, and an HA plan putting `--peers`
//! new peers in each other region, joined to both channels, with the package installed and
//! every new peer an anchor peer. The consoles keep a real console's rate limit (25 writes and
//! 100 reads a minute). Everything up to here is untimed, and so is one check asked until the
//! network has converged (every channel survives the loss of any one region).
//!
//! Then, `--runs` times, taking turns at going first:
//!
//! - **check**: `Workspace::ha_check(&HaCheckScope::Plan(…))` on a workspace in a temporary
//!   folder (passphrase, no keyring) that has the region consoles registered and the org
//!   admin's identity in its wallet, from the call to its return;
//! - **floor**: each console's component list read alone (a new client, then `GET
//!   /ak/api/v3/components` as the check asks it), one console after the other; then each
//!   peer of the organization those lists name, alone and one after the other, over a new
//!   connection: `GetChannels`, the height of each channel, the installed chaincodes, and one
//!   discovery query per channel, one call after the other. The floor is the slowest console
//!   read plus the slowest peer's reads: what the check cannot avoid when it reads the consoles
//!   at once, then the peers they name at once.
//!
//! The console requests each check sends are counted on the consoles themselves (the check
//! must ask each console once, well inside its read limit).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bench_fabric_ops::{
    console_client, endpoint, fail, median, ms, org_admin_key, org_admin_signer, plan, sandbox,
    TIMEOUT,
};
use clap::Parser;
use fabric_ha_console::{ComponentQuery, ComponentType};
use fabric_ha_core::consoles::{ConsoleAuthInput, ConsoleInput};
use fabric_ha_core::fabric::{HaCheck, HaCheckScope};
use fabric_ha_core::{OpenOptions, Sensitive, Workspace};
use fabric_ha_engine::ApplyOptions;
use fabric_ha_fabric_net::{PeerClient, Signer};
use fabric_ha_store::KdfParams;
use fabric_ha_testbed::console::TestConsoleConfig;
use fabric_ha_testbed::sandbox::{FabricSandbox, CA_ADMIN, CHANNEL, MSP_ID};
use fabric_ha_testnet::channel::{self, ChannelOrg, PeerEndpoint as CliPeer};
use fabric_ha_testnet::Fabric;
use serde_json::{json, Value};

/// The second channel.
const SECOND: &str = "secondchannel";
/// The plan's name in the workspace.
const PLAN: &str = "bench-ha-check";

/// The HA check against the slowest peer's own reads plus the console reads.
#[derive(Debug, Parser)]
#[command(name = "bench-ha-check")]
struct Args {
    /// Timed runs of the check and of the floor (medians are reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Regions of the plan besides region 1.
    #[arg(long, default_value_t = 3)]
    regions: usize,
    /// New peers per region.
    #[arg(long, default_value_t = 2)]
    peers: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Keep the network's folder (node logs) instead of removing it; its path goes to stderr.
    #[arg(long)]
    keep: bool,
}

/// One floor measurement.
struct Floor {
    /// Each console's list alone, by console.
    consoles: Vec<(String, Duration)>,
    /// Each peer's reads alone, by `api_url`.
    peers: Vec<(String, Duration)>,
    /// Not part of the floor: the same peer reads for every peer at once (every peer of the
    /// network runs on this one machine).
    peers_at_once: Duration,
}

impl Floor {
    fn slowest_console(&self) -> Duration {
        self.consoles.iter().map(|c| c.1).max().unwrap_or_default()
    }
    fn slowest_peer(&self) -> Duration {
        self.peers.iter().map(|p| p.1).max().unwrap_or_default()
    }
    fn total(&self) -> Duration {
        self.slowest_console() + self.slowest_peer()
    }
}

/// One timed check.
struct Check {
    wall: Duration,
    /// Requests each console received during it.
    requests: Vec<usize>,
    survives: bool,
    peers: usize,
    channels: usize,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| fail("runtime", e))
}

/// The second channel with the organization (the region-1 peer its anchor peer), joined by the
/// region-1 peer.
async fn second_channel(
    fabric: &Fabric,
    dir: &Path,
    sandbox: &FabricSandbox,
) -> Result<(), String> {
    let msp = &sandbox.org_admin.msp_dir;
    let read =
        |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| fail(&p.display().to_string(), e));
    let region1 = CliPeer::from_api_url(&sandbox.org.peer_api_url, &sandbox.org.peer_tls_root_pem)
        .map_err(|e| fail("region-1 peer", e))?;
    let anchor = bench_fabric_ops::host_port(&region1.address)?;
    let block = channel::create(
        fabric,
        dir,
        &sandbox.ordering,
        SECOND,
        &[ChannelOrg {
            msp_id: MSP_ID.to_owned(),
            ca_root_pem: read(msp.join("cacerts").join("ca.pem"))?,
            tlsca_root_pem: read(msp.join("tlscacerts").join("tlsca.pem"))?,
            anchor_peers: vec![anchor],
        }],
    )
    .await
    .map_err(|e| fail("create the second channel", e))?;
    channel::join(fabric, dir, &sandbox.org_admin, &region1, &block)
        .await
        .map_err(|e| fail("join the region-1 peer to the second channel", e))
}

/// A workspace in `dir` with the region consoles registered and the org admin's identity
/// imported into its wallet, and the plan saved.
fn workspace(dir: &Path, sandbox: &FabricSandbox, peers: usize) -> Result<Workspace, String> {
    let ws = Workspace::open(OpenOptions {
        data_dir: dir.to_owned(),
        passphrase: Some(Sensitive::new("bench-ha-check".to_owned())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .map_err(|e| fail("workspace", e))?;
    for (region, tc) in &sandbox.consoles {
        let (key, secret) = tc.manager_key();
        ws.add_console(ConsoleInput {
            name: region.clone(),
            region: region.clone(),
            url: tc.url(),
            auth: Some(ConsoleAuthInput::ApiKey {
                api_key: key,
                api_secret: Sensitive::new(secret),
            }),
            ca_cert_pem: tc.ca_cert_pem(),
        })
        .map_err(|e| fail("add a console", e))?;
    }
    let identity = json!({
        "name": "org1admin", "type": "identity",
        "cert": STANDARD.encode(&sandbox.org_admin.cert_pem),
        "private_key": STANDARD.encode(org_admin_key(sandbox)?.expose()),
    });
    let imported = ws
        .import_files(vec![(
            "org1admin_identity.json".to_owned(),
            identity.to_string().into_bytes(),
        )])
        .map_err(|e| fail("import the org admin", e))?;
    let admin = imported
        .files
        .iter()
        .flat_map(|f| &f.artifacts)
        .next()
        .filter(|_| imported.all_accepted())
        .ok_or("the org admin's identity file was not accepted")?;
    // The plan signs its channel steps as that wallet identity (its library id).
    let mut plan = plan(sandbox, PLAN, peers, &[CHANNEL, SECOND]);
    plan.source.org_admin_identity = Some(admin.id.clone());
    ws.plan_new(plan, Some(Sensitive::new(CA_ADMIN.1.to_owned())))
        .map_err(|e| fail("plan", e))?;
    Ok(ws)
}

/// The check once, timed, with the requests each console received meanwhile.
fn check(ws: &Workspace, sandbox: &FabricSandbox) -> Result<(Check, HaCheck), String> {
    let before: Vec<usize> = sandbox
        .consoles
        .iter()
        .map(|(_, c)| c.request_count())
        .collect();
    let start = Instant::now();
    let result = ws
        .ha_check(&HaCheckScope::Plan(PLAN.to_owned()))
        .map_err(|e| fail("HA check", e))?;
    let wall = start.elapsed();
    let requests = sandbox
        .consoles
        .iter()
        .zip(before)
        .map(|((_, c), b)| c.request_count() - b)
        .collect();
    Ok((
        Check {
            wall,
            requests,
            survives: result.survives,
            peers: result.peers.len(),
            channels: result.channels.len(),
        },
        result,
    ))
}

/// One peer's own reads, alone: a new connection, `GetChannels`, each channel's height, the
/// installed chaincodes, one discovery query per channel, one after the other.
async fn peer_reads(api_url: &str, root: &str, signer: &Signer) -> Result<Duration, String> {
    let net = |e: fabric_ha_fabric_net::NetError| e.to_string();
    let start = Instant::now();
    let client = PeerClient::connect(&endpoint(api_url, root), TIMEOUT)
        .await
        .map_err(net)?;
    let channels = client.channels(signer).await.map_err(net)?;
    for channel in &channels {
        client.chain_info(signer, channel).await.map_err(net)?;
    }
    client.installed(signer).await.map_err(net)?;
    for channel in &channels {
        client.discover_peers(signer, channel).await.map_err(net)?;
    }
    let took = start.elapsed();
    if channels.len() != 2 {
        return Err(format!("{api_url} has joined {channels:?}"));
    }
    Ok(took)
}

/// The floor once: every console's list alone, then every peer of the organization they name
/// alone.
async fn floor(sandbox: &FabricSandbox, signer: &Arc<Signer>) -> Result<Floor, String> {
    let query = ComponentQuery {
        deployment_attrs: true,
        parsed_certs: false,
        skip_cache: true,
    };
    let mut consoles = Vec::new();
    let mut urls = BTreeSet::new();
    for (name, tc) in &sandbox.consoles {
        let start = Instant::now();
        let client = console_client(tc)?;
        let records = client
            .list_components(query)
            .await
            .map_err(|e| fail(name, e))?;
        consoles.push((name.clone(), start.elapsed()));
        for r in records {
            if r.kind() == Some(ComponentType::Peer) && r.msp_id.as_deref() == Some(MSP_ID) {
                if let Some(url) = r.api_url {
                    urls.insert(url.trim_end_matches('/').to_owned());
                }
            }
        }
    }
    let mut peers = Vec::new();
    for url in &urls {
        let took = peer_reads(url, &sandbox.org.peer_tls_root_pem, signer).await?;
        peers.push((url.clone(), took));
    }
    let start = Instant::now();
    let mut all = tokio::task::JoinSet::new();
    for url in urls {
        let (root, signer) = (sandbox.org.peer_tls_root_pem.clone(), signer.clone());
        all.spawn(async move { peer_reads(&url, &root, &signer).await });
    }
    while let Some(done) = all.join_next().await {
        done.map_err(|e| fail("peer reads", e))??;
    }
    let peers_at_once = start.elapsed();
    Ok(Floor {
        consoles,
        peers,
        peers_at_once,
    })
}

fn ratio(a: Duration, b: Duration) -> f64 {
    ms(a) / ms(b).max(0.001)
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let fabric = Fabric::from_env().map_err(|e| e.to_string())?;
    let rt = runtime()?;
    let tmp = tempfile::Builder::new()
        .prefix("bench-ha-check-")
        .tempdir()
        .map_err(|e| fail("temp dir", e))?;
    let dir = if args.keep {
        let path = tmp.keep();
        eprintln!("network: {}", path.display());
        path
    } else {
        tmp.path().to_owned()
    };

    // The network, the second channel, the workspace and the plan applied (untimed).
    let set_up = Instant::now();
    let console = TestConsoleConfig {
        name: "r1".to_owned(),
        deploy_delay: Duration::from_millis(300),
        ..TestConsoleConfig::default()
    };
    let sandbox = rt.block_on(sandbox(&fabric, &dir, args.regions + 1, &console))?;
    rt.block_on(second_channel(&fabric, &dir.join("channel2"), &sandbox))?;
    let ws = workspace(&dir.join("ws"), &sandbox, args.peers)?;
    let options = ApplyOptions {
        poll_interval: Duration::from_millis(100),
        retry_backoff: Duration::from_millis(20),
        ..ApplyOptions::default()
    };
    let outcome = ws
        .plan_apply(PLAN, &options)
        .map_err(|e| fail("apply the plan", e))?;
    if !outcome.completed {
        return Err(format!("the plan stopped: {outcome:#?}"));
    }
    eprintln!(
        "network, second channel and plan ({} regions × {} new peers): {:?}",
        args.regions,
        args.peers,
        set_up.elapsed()
    );

    // Asked until every channel survives (gossip between regions takes a few seconds).
    let converge = Instant::now();
    loop {
        let (c, result) = check(&ws, &sandbox)?;
        if c.survives {
            break;
        }
        if converge.elapsed() > Duration::from_secs(120) {
            return Err(format!(
                "the check is still red after 2 minutes: {}",
                result.to_markdown()
            ));
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    eprintln!("converged after {:?}", converge.elapsed());

    let signer = Arc::new(org_admin_signer(&sandbox)?);
    let expected_peers = 1 + args.regions * args.peers;
    let mut checks: Vec<Check> = Vec::new();
    let mut floors: Vec<Floor> = Vec::new();
    for run in 1..=args.runs.max(1) {
        let mut order = [true, false];
        if run % 2 == 0 {
            order.reverse();
        }
        for is_check in order {
            if is_check {
                let (c, _) = check(&ws, &sandbox)?;
                if c.peers != expected_peers || c.channels != 2 || !c.survives {
                    return Err(format!(
                        "run {run}: the check saw {} peers, {} channels, survives {}",
                        c.peers, c.channels, c.survives
                    ));
                }
                eprintln!(
                    "run {run}: check {:?} (console requests {:?})",
                    c.wall, c.requests
                );
                checks.push(c);
            } else {
                let f = rt.block_on(floor(&sandbox, &signer))?;
                if f.peers.len() != expected_peers {
                    return Err(format!("run {run}: the floor read {} peers", f.peers.len()));
                }
                eprintln!(
                    "run {run}: floor {:?} (slowest console {:?}, slowest peer {:?}; every peer at once {:?})",
                    f.total(),
                    f.slowest_console(),
                    f.slowest_peer(),
                    f.peers_at_once
                );
                floors.push(f);
            }
        }
    }

    let check_ms = median(checks.iter().map(|c| c.wall).collect());
    let floor_ms = median(floors.iter().map(Floor::total).collect());
    let slowest_console = median(floors.iter().map(Floor::slowest_console).collect());
    let slowest_peer = median(floors.iter().map(Floor::slowest_peer).collect());
    let consoles_sum = median(
        floors
            .iter()
            .map(|f| f.consoles.iter().map(|c| c.1).sum())
            .collect(),
    );
    let max_requests = checks
        .iter()
        .flat_map(|c| c.requests.iter().copied())
        .max()
        .unwrap_or_default();
    let report = json!({
        "runs": checks.len(),
        "regions": args.regions,
        "new_peers_per_region": args.peers,
        "peers": expected_peers,
        "channels": [CHANNEL, SECOND],
        "consoles": sandbox.consoles.len(),
        "check_ms": ms(check_ms),
        "floor_ms": ms(floor_ms),
        "check_over_floor": ratio(check_ms, floor_ms),
        "floor_slowest_console_ms": ms(slowest_console),
        "floor_slowest_peer_ms": ms(slowest_peer),
        "floor_consoles_one_after_the_other_ms": ms(consoles_sum),
        "peers_at_once_ms": ms(median(floors.iter().map(|f| f.peers_at_once).collect())),
        "check_requests_per_console_max": max_requests,
        "check_runs_ms": checks.iter().map(|c| ms(c.wall)).collect::<Vec<_>>(),
        "floor_runs_ms": floors.iter().map(|f| ms(f.total())).collect::<Vec<_>>(),
        "floor_runs": floors.iter().map(|f| json!({
            "consoles_ms": f.consoles.iter().map(|(n, d)| (n.clone(), json!(ms(*d)))).collect::<serde_json::Map<_, _>>(),
            "peers_ms": f.peers.iter().map(|(n, d)| (n.clone(), json!(ms(*d)))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    });
    if args.json {
        println!("{report}");
        return Ok(());
    }
    let f = |v: &Value| format!("{:.0} ms", v.as_f64().unwrap_or_default());
    println!(
        "| network | HA check | floor: slowest console + slowest peer, each alone | check / floor | console requests per check |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| {} regions × {} new peers (+ region 1: {} peers, {} consoles), 2 channels | {} | {} ({} + {}) | **{:.2}×** | ≤ {} per console |",
        args.regions,
        args.peers,
        expected_peers,
        sandbox.consoles.len(),
        f(&report["check_ms"]),
        f(&report["floor_ms"]),
        f(&report["floor_slowest_console_ms"]),
        f(&report["floor_slowest_peer_ms"]),
        report["check_over_floor"].as_f64().unwrap_or_default(),
        max_requests,
    );
    eprintln!(
        "(medians of {} runs; the consoles read one after the other took {}; the floor's reads of every peer at once {})",
        checks.len(),
        f(&report["floor_consoles_one_after_the_other_ms"]),
        f(&report["peers_at_once_ms"])
    );
    drop(ws);
    rt.block_on(sandbox.shutdown());
    Ok(())
}
