//! `bench-plan-channels`: the HA plan's channel steps on a real network — every new peer of N
//! target regions × `--peers` joins `mychannel` (block 0 from the region-1 peer, then catch-up
//! to its height), gets the region-1 peer's chaincode package, and one config update makes all
//! of them anchor peers — against, in the same run and each on a fresh sandbox network:
//!
//! - the floor: the same work for one peer alone plus one anchor update alone, natively
//!   (`bench_fabric_ops::native`, the sum of its operations);
//! - the CLI route: the same work for every new peer through the `peer` and `configtxlator`
//!   CLIs, one peer at a time, then one anchor update adding all of them.
//!
//! What is timed for the plan: the sandbox's consoles (region 1 holds the organization: CA,
//! MSP, one peer on `mychannel` with the `asset` package) get a plan without channels, applied
//! untimed (it creates the new peers, every region at once). The same plan record, now with
//! `channels = ["mychannel"]`, is applied again with the engine's default options: its journal
//! has every earlier step done, so this apply runs only the join, install and anchor-peer
//! steps. Its wall time — from the call to its return, engine start-up and journal reads
//! included — is the plan's figure.
//!
//! For each network the config blocks the work added are counted on the orderer: the blocks
//! between the channel's height before and after whose last-config index is their own number.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bench_fabric_ops::{
    anchor_peers, channel_height, config_blocks, console_client, fail, host_port, median, ms,
    native, new_peer, orderer, org_admin_key, org_admin_signer, plan, Cli, Timings, OPS,
};
use clap::Parser;
use fabric_ha_console::ConsoleClient;
use fabric_ha_engine::journal::{self, StepState};
use fabric_ha_engine::{
    apply, ApplyOptions, Context, OrgAdminCredential, Progress, ProgressEvent, RegistrarCredential,
};
use fabric_ha_fabric_ca::FabricCaClient;
use fabric_ha_sensitive::Sensitive;
use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
use fabric_ha_testbed::console::TestConsoleConfig;
use fabric_ha_testbed::sandbox::{CA_ADMIN, CHANNEL, ORG_ADMIN};
use fabric_ha_testnet::Fabric;
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// The plan's channel steps for N regions × new peers, against one peer alone and the CLIs.
#[derive(Debug, Parser)]
#[command(name = "bench-plan-channels")]
struct Args {
    /// Runs, each on fresh networks (medians are reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Target regions of the plan (besides region 1), one row each.
    #[arg(long, value_delimiter = ',', default_values_t = [2, 3])]
    regions: Vec<usize>,
    /// New peers per target region.
    #[arg(long, default_value_t = 2)]
    peers: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Print every progress event of the plan's channel steps (to stderr, with its time).
    #[arg(long)]
    events: bool,
    /// Keep each network's folder (node logs) instead of removing it; their paths go to stderr.
    #[arg(long)]
    keep: bool,
}

/// One apply of the plan's channel steps.
struct PlanRun {
    wall: Duration,
    /// From the first join step's start to the anchor step's end.
    span: Duration,
    /// Start to end of each join step (join + catch-up), install step, and the anchor step.
    joins: Vec<Duration>,
    installs: Vec<Duration>,
    anchors: Duration,
    config_blocks: Vec<u64>,
    retries: usize,
}

/// The CLI route for every new peer.
struct CliRun {
    wall: Duration,
    per_peer: Vec<Timings>,
    anchors: Duration,
    config_blocks: Vec<u64>,
}

/// The floor: one peer alone, natively.
struct FloorRun {
    ops: Timings,
    config_blocks: Vec<u64>,
}

impl FloorRun {
    fn total(&self) -> Duration {
        self.ops.values().sum()
    }
}

fn console_config(name: &str) -> TestConsoleConfig {
    // The plan's first apply (untimed) imports and creates through the consoles: no write
    // limit in its way.
    TestConsoleConfig {
        name: name.to_owned(),
        deploy_delay: Duration::from_millis(300),
        rate_limit_per_min: 10_000,
        ..TestConsoleConfig::default()
    }
}

/// The plan on a fresh network with `regions` target regions: peers created untimed, then the
/// channel steps timed.
async fn plan_case(
    fabric: &Fabric,
    dir: &Path,
    regions: usize,
    peers: usize,
    print_events: bool,
) -> Result<PlanRun, String> {
    let sandbox =
        bench_fabric_ops::sandbox(fabric, dir, regions + 1, &console_config("r1")).await?;
    let consoles: HashMap<String, ConsoleClient> = sandbox
        .consoles
        .iter()
        .map(|(name, tc)| Ok((name.clone(), console_client(tc)?)))
        .collect::<Result<_, String>>()?;
    let store = Store::open(&dir.join("ws")).map_err(|e| fail("store", e))?;
    let vault = Vault::unlock(
        &store,
        KeySource::Passphrase(Sensitive::new("bench-plan-channels".to_owned())),
        KdfParams::insecure_fast(),
    )
    .map_err(|e| fail("vault", e))?;
    let record = journal::insert_plan(&store, &plan(&sandbox, "bench-plan-channels", peers, &[]))
        .map_err(|e| fail("plan", e))?;
    let key = org_admin_key(&sandbox)?;
    let ctx = |record| Context::<_, FabricCaClient> {
        plan: record,
        consoles: &consoles,
        ca: None,
        registrar: RegistrarCredential::Enroll {
            enroll_id: CA_ADMIN.0.to_owned(),
            secret: Sensitive::from(CA_ADMIN.1),
        },
        store: &store,
        vault: &vault,
        org_admin: Some(OrgAdminCredential {
            identity: ORG_ADMIN.0.to_owned(),
            cert_pem: sandbox.org_admin.cert_pem.clone(),
            key_pem: key.clone(),
            client_tls: None,
        }),
    };

    // The new peers, created and imported everywhere (untimed).
    let create = ApplyOptions {
        poll_interval: Duration::from_millis(100),
        retry_backoff: Duration::from_millis(20),
        ..ApplyOptions::default()
    };
    let outcome = apply(ctx(&record), &create)
        .await
        .map_err(|e| fail("apply without channels", e))?;
    if !outcome.completed {
        return Err(format!("the plan without channels stopped: {outcome:#?}"));
    }

    // The same plan with the channel: only its steps are left.
    let mut with_channels = record.clone();
    with_channels.plan.channels = vec![CHANNEL.to_owned()];
    let signer = org_admin_signer(&sandbox)?;
    let orderer = orderer(&sandbox).await?;
    let before = channel_height(&orderer, &signer).await?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Progress>();
    let events = tokio::spawn(async move {
        let mut out = Vec::new();
        while let Some(p) = rx.recv().await {
            out.push((Instant::now(), p));
        }
        out
    });
    let options = ApplyOptions {
        progress: Some(tx),
        ..ApplyOptions::default()
    };
    let start = Instant::now();
    let outcome = apply(ctx(&with_channels), &options).await;
    let wall = start.elapsed();
    drop(options);
    let events = events.await.map_err(|e| fail("progress", e))?;
    if print_events {
        for (at, p) in &events {
            eprintln!(
                "{:>8.1} ms  {}  {:?}",
                ms(at.duration_since(start)),
                p.step,
                p.event
            );
        }
    }
    let outcome = outcome.map_err(|e| fail("apply with channels", e))?;
    if !outcome.completed {
        return Err(format!("the channel steps stopped: {outcome:#?}"));
    }
    // Anything the orderer cuts late is counted too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = channel_height(&orderer, &signer).await?;
    let config_blocks = config_blocks(&orderer, &signer, before, after).await?;

    // The end state: every new peer caught up, has the package and is an anchor peer.
    let journal = journal::journal(&store, &record.id).map_err(|e| fail("journal", e))?;
    let mut new_peers = Vec::new();
    for (key, entry) in &journal {
        if entry.state != StepState::Done {
            return Err(format!("step {key} is {:?}", entry.state));
        }
        let Some(result) = &entry.result else {
            continue;
        };
        if key.contains("/create/") {
            let url = result.api_url.as_deref().unwrap_or_default();
            new_peers.push(host_port(url.trim_start_matches("grpcs://"))?);
        }
        if key.contains("/join/") && result.height < result.source_height {
            return Err(format!("{key}: {result:?}"));
        }
        if key.contains("/install/") && !result.package_ids.contains(&sandbox.package.package_id) {
            return Err(format!("{key}: {result:?}"));
        }
    }
    let anchors = anchor_peers(&orderer, &signer).await?;
    if new_peers.len() != regions * peers || !new_peers.iter().all(|p| anchors.contains(p)) {
        return Err(format!("anchor peers {anchors:?}, new peers {new_peers:?}"));
    }

    let span_of = |pattern: &str| -> Vec<Duration> {
        let mut started: HashMap<&str, Instant> = HashMap::new();
        let mut out = Vec::new();
        for (at, p) in &events {
            if !p.step.contains(pattern) {
                continue;
            }
            match p.event {
                ProgressEvent::Started => {
                    started.entry(&p.step).or_insert(*at);
                }
                ProgressEvent::Done { .. } => {
                    if let Some(s) = started.get(p.step.as_str()) {
                        out.push(at.duration_since(*s));
                    }
                }
                _ => {}
            }
        }
        out
    };
    let first_join = events
        .iter()
        .find(|(_, p)| p.step.contains("/join/") && p.event == ProgressEvent::Started)
        .map(|(at, _)| *at);
    let anchors_done = events
        .iter()
        .rfind(|(_, p)| {
            p.step.contains("/anchors/") && matches!(p.event, ProgressEvent::Done { .. })
        })
        .map(|(at, _)| *at);
    let run = PlanRun {
        wall,
        span: match (first_join, anchors_done) {
            (Some(a), Some(b)) => b.duration_since(a),
            _ => Duration::ZERO,
        },
        joins: span_of("/join/"),
        installs: span_of("/install/"),
        anchors: span_of("/anchors/").into_iter().sum(),
        config_blocks,
        retries: events
            .iter()
            .filter(|(_, p)| matches!(p.event, ProgressEvent::Retrying { .. }))
            .count(),
    };
    sandbox.shutdown().await;
    Ok(run)
}

/// The CLI route on a fresh network for `count` new peers.
async fn cli_case(fabric: &Fabric, dir: &Path, count: usize) -> Result<CliRun, String> {
    let sandbox = bench_fabric_ops::sandbox(fabric, dir, 1, &console_config("r1")).await?;
    let mut peers = Vec::new();
    for i in 1..=count {
        peers.push(new_peer(fabric, &sandbox, dir, &format!("clipeer{i}")).await?);
    }
    let anchors: Vec<(String, u16)> = peers
        .iter()
        .map(|p| host_port(&p.address()))
        .collect::<Result<_, _>>()?;
    let signer = org_admin_signer(&sandbox)?;
    let orderer = orderer(&sandbox).await?;
    let before = channel_height(&orderer, &signer).await?;
    let cli = Cli::new(&sandbox, &dir.join("cli"))?;
    let (wall, per_peer, anchors_time) = tokio::task::block_in_place(|| {
        let start = Instant::now();
        let mut per_peer = Vec::new();
        for peer in &peers {
            let mut t = Timings::new();
            cli.join_and_install(peer, &mut t)?;
            per_peer.push(t);
        }
        let anchors_start = Instant::now();
        cli.anchor_update(&anchors)?;
        Ok::<_, String>((start.elapsed(), per_peer, anchors_start.elapsed()))
    })?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = channel_height(&orderer, &signer).await?;
    let run = CliRun {
        wall,
        per_peer,
        anchors: anchors_time,
        config_blocks: config_blocks(&orderer, &signer, before, after).await?,
    };
    drop(peers);
    sandbox.shutdown().await;
    Ok(run)
}

/// One peer alone, natively, on a fresh network.
async fn floor_case(fabric: &Fabric, dir: &Path) -> Result<FloorRun, String> {
    let sandbox = bench_fabric_ops::sandbox(fabric, dir, 1, &console_config("r1")).await?;
    let peer = new_peer(fabric, &sandbox, dir, "floorpeer").await?;
    let signer = org_admin_signer(&sandbox)?;
    let orderer = orderer(&sandbox).await?;
    let before = channel_height(&orderer, &signer).await?;
    let ops = native(&sandbox, &peer).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = channel_height(&orderer, &signer).await?;
    let run = FloorRun {
        ops,
        config_blocks: config_blocks(&orderer, &signer, before, after).await?,
    };
    drop(peer);
    sandbox.shutdown().await;
    Ok(run)
}

/// A fresh folder for one network: removed when the guard drops, unless `keep`.
fn workdir(keep: bool, what: &str) -> Result<(PathBuf, Option<tempfile::TempDir>), String> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("bench-plan-channels-{what}-"))
        .tempdir()
        .map_err(|e| fail("temp dir", e))?;
    if keep {
        let path = dir.keep();
        eprintln!("{what}: {}", path.display());
        return Ok((path, None));
    }
    Ok((dir.path().to_owned(), Some(dir)))
}

fn mean(v: &[Duration]) -> Duration {
    match u32::try_from(v.len()) {
        Ok(n) if n > 0 => v.iter().sum::<Duration>() / n,
        _ => Duration::ZERO,
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    ms(a) / ms(b).max(0.001)
}

fn blocks(runs: &[Vec<u64>]) -> String {
    runs.iter()
        .map(|b| b.len().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let fabric = Fabric::from_env().map_err(|e| e.to_string())?;
    let runs = args.runs.max(1);
    let mut floors: Vec<FloorRun> = Vec::new();
    let mut plans: HashMap<usize, Vec<PlanRun>> = HashMap::new();
    let mut clis: HashMap<usize, Vec<CliRun>> = HashMap::new();
    for run_no in 1..=runs {
        let (dir, _guard) = workdir(args.keep, "floor")?;
        let floor = floor_case(&fabric, &dir).await?;
        eprintln!(
            "run {run_no}: floor {:?} ({} config block(s))",
            floor.total(),
            floor.config_blocks.len()
        );
        floors.push(floor);
        for &regions in &args.regions {
            let count = regions * args.peers;
            // The two routes take turns going first.
            let mut order = [true, false];
            if run_no % 2 == 0 {
                order.reverse();
            }
            for is_plan in order {
                if is_plan {
                    let p = {
                        let (dir, _guard) = workdir(args.keep, "plan")?;
                        plan_case(&fabric, &dir, regions, args.peers, args.events).await?
                    };
                    eprintln!(
                        "run {run_no}: {regions} × {}: plan {:?} (first join → anchors {:?}; {} config block(s), {} retries)",
                        args.peers,
                        p.wall,
                        p.span,
                        p.config_blocks.len(),
                        p.retries
                    );
                    plans.entry(regions).or_default().push(p);
                } else {
                    let c = {
                        let (dir, _guard) = workdir(args.keep, "cli")?;
                        cli_case(&fabric, &dir, count).await?
                    };
                    eprintln!(
                        "run {run_no}: {regions} × {}: CLI route {:?} ({} config block(s))",
                        args.peers,
                        c.wall,
                        c.config_blocks.len()
                    );
                    clis.entry(regions).or_default().push(c);
                }
            }
        }
    }

    let floor = median(floors.iter().map(FloorRun::total).collect());
    let floor_op = |op: &str| median(floors.iter().map(|f| f.ops[op]).collect());
    let floor_join = floor_op(OPS[0]) + floor_op(OPS[1]) + floor_op(OPS[2]);
    let mut rows = Vec::new();
    for &regions in &args.regions {
        let (p, c) = (&plans[&regions], &clis[&regions]);
        let plan = median(p.iter().map(|r| r.wall).collect());
        let cli = median(c.iter().map(|r| r.wall).collect());
        let cli_peer = |op: &str| {
            median(
                c.iter()
                    .map(|r| mean(&r.per_peer.iter().map(|t| t[op]).collect::<Vec<_>>()))
                    .collect(),
            )
        };
        rows.push(json!({
            "regions": regions,
            "peers_per_region": args.peers,
            "new_peers": regions * args.peers,
            "plan_ms": ms(plan),
            "floor_ms": ms(floor),
            "plan_over_floor": ratio(plan, floor),
            "cli_ms": ms(cli),
            "cli_over_plan": ratio(cli, plan),
            "plan_config_blocks": p.iter().map(|r| r.config_blocks.len()).collect::<Vec<_>>(),
            "cli_config_blocks": c.iter().map(|r| r.config_blocks.len()).collect::<Vec<_>>(),
            "plan_retries": p.iter().map(|r| r.retries).sum::<usize>(),
            "plan_first_join_to_anchors_ms": ms(median(p.iter().map(|r| r.span).collect())),
            "plan_join_catch_up_per_peer_ms": ms(median(p.iter().map(|r| mean(&r.joins)).collect())),
            "plan_install_per_peer_ms": ms(median(p.iter().map(|r| mean(&r.installs)).collect())),
            "plan_anchor_update_ms": ms(median(p.iter().map(|r| r.anchors).collect())),
            "cli_join_catch_up_per_peer_ms": ms(cli_peer(OPS[0]) + cli_peer(OPS[1]) + cli_peer(OPS[2])),
            "cli_install_per_peer_ms": ms(cli_peer(OPS[3])),
            "cli_anchor_update_ms": ms(median(c.iter().map(|r| r.anchors).collect())),
        }));
    }
    if args.json {
        let ops: Value = OPS
            .iter()
            .map(|op| (op.to_string(), json!(ms(floor_op(op)))))
            .collect::<serde_json::Map<_, _>>()
            .into();
        println!(
            "{}",
            json!({
                "runs": runs,
                "floor": { "total_ms": ms(floor), "ops_ms": ops,
                           "config_blocks": floors.iter().map(|f| f.config_blocks.len()).collect::<Vec<_>>() },
                "cases": rows,
            })
        );
        return Ok(());
    }
    let f = |v: &Value| format!("{:.0} ms", v.as_f64().unwrap_or_default());
    let x = |v: &Value| format!("{:.2}×", v.as_f64().unwrap_or_default());
    let list = |v: &Value| {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    println!("| N (regions × new peers) | plan: channel steps | floor: 1 peer + 1 anchor update | plan / floor | peer + configtxlator CLIs | CLI / plan | config blocks (plan; CLI) |");
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} × {} | {} | {} | **{}** | {} | **{}** | {}; {} |",
            r["regions"],
            r["peers_per_region"],
            f(&r["plan_ms"]),
            f(&r["floor_ms"]),
            x(&r["plan_over_floor"]),
            f(&r["cli_ms"]),
            x(&r["cli_over_plan"]),
            list(&r["plan_config_blocks"]),
            list(&r["cli_config_blocks"]),
        );
    }
    println!();
    println!("| N | route | block 0 + join + catch-up per peer | install per peer | anchor update | first join → anchors done |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| 1 | floor (native, alone) | {:.0} ms | {:.0} ms | {:.0} ms | |",
        ms(floor_join),
        ms(floor_op(OPS[3])),
        ms(floor_op(OPS[4]))
    );
    for r in &rows {
        let n = format!("{} × {}", r["regions"], r["peers_per_region"]);
        println!(
            "| {n} | plan | {} | {} | {} | {} |",
            f(&r["plan_join_catch_up_per_peer_ms"]),
            f(&r["plan_install_per_peer_ms"]),
            f(&r["plan_anchor_update_ms"]),
            f(&r["plan_first_join_to_anchors_ms"]),
        );
        println!(
            "| {n} | CLIs | {} | {} | {} | |",
            f(&r["cli_join_catch_up_per_peer_ms"]),
            f(&r["cli_install_per_peer_ms"]),
            f(&r["cli_anchor_update_ms"]),
        );
    }
    eprintln!(
        "floor config blocks per run: {}",
        blocks(
            &floors
                .iter()
                .map(|f| f.config_blocks.clone())
                .collect::<Vec<_>>()
        )
    );
    Ok(())
}
