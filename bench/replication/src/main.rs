//! `bench-replication`: the HA engine's apply against test consoles with injected latency, for
//! N target regions (default 1, 3 and 10). For each N, on fresh servers each time:
//!
//! - **wall**: the engine's normal apply (every region at once);
//! - **critical path**: the longest chain of dependent steps of the same plan, priced with the
//!   injected latencies (see [`model`]);
//! - **sequential**: the same apply with one region at a time
//!   (`ApplyOptions::max_concurrent_regions = 1`).
//!
//! The engine runs with its default options (the app's); the servers get `--latency-ms` on
//! every request and `--deploy-ms` from a peer's create until it runs.

mod model;
mod world;

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use clap::Parser;
use fabric_ha_engine::{apply, journal, ApplyOptions, Context, RegistrarCredential};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
use serde::Serialize;

use crate::model::{model, Latencies};
use crate::world::{ca_client, BoxError, ServerSettings, World, CA_ADMIN};

/// The HA engine against test consoles with injected latency: wall time, critical path and a
/// strictly sequential run.
#[derive(Debug, Parser)]
#[command(name = "bench-replication")]
struct Args {
    /// Target region counts to measure (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,3,10")]
    regions: Vec<usize>,
    /// New peers per target region.
    #[arg(long, default_value_t = 2)]
    peers: usize,
    /// Latency added to every request, on every console and on the CA (ms).
    #[arg(long, default_value_t = 30)]
    latency_ms: u64,
    /// Time from a peer's create until its console reports it running (ms).
    #[arg(long, default_value_t = 2000)]
    deploy_ms: u64,
    /// The consoles' write limit per client and minute (a real console's is 25; reads get
    /// four times as many). High by default so the bench measures the engine, not the limit.
    #[arg(long, default_value_t = 10_000)]
    rate_limit_per_min: u32,
    /// The engine's longest gap between status polls (ms); the engine's default when absent.
    #[arg(long)]
    poll_interval_ms: Option<u64>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// One row of the result.
#[derive(Debug, Serialize)]
struct Row {
    /// Target regions.
    regions: usize,
    /// Steps in the plan.
    steps: usize,
    /// The concurrent apply (ms).
    wall_ms: f64,
    /// The model's longest chain of dependent steps (ms).
    critical_path_ms: f64,
    /// The apply with one region at a time (ms).
    sequential_ms: f64,
    /// The model's sum of all regions one after another (ms).
    sequential_model_ms: f64,
    /// wall / critical path.
    wall_over_critical: f64,
    /// sequential / wall.
    sequential_over_wall: f64,
}

/// The whole result, for `--json`.
#[derive(Debug, Serialize)]
struct Report {
    peers_per_region: usize,
    latency_ms: u64,
    deploy_ms: u64,
    rate_limit_per_min: u32,
    poll_interval_ms: u128,
    rows: Vec<Row>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One apply of the plan on fresh servers; returns its wall time.
async fn measure(
    args: &Args,
    regions: usize,
    options: ApplyOptions,
) -> Result<(Duration, fabric_ha_engine::Plan), BoxError> {
    let world = World::start(
        regions,
        ServerSettings {
            latency: Duration::from_millis(args.latency_ms),
            deploy: Duration::from_millis(args.deploy_ms),
            rate_limit_per_min: args.rate_limit_per_min,
        },
    )
    .await?;
    let plan = world.plan(&format!("bench {regions}"), args.peers)?;
    let tmp = tempfile::tempdir()?;
    let store = Store::open(tmp.path())?;
    // A throwaway workspace: the fast KDF keeps its unlock out of the way.
    let vault = Vault::unlock(
        &store,
        KeySource::Passphrase(Sensitive::new("bench-replication".to_owned())),
        KdfParams::insecure_fast(),
    )?;
    let record = journal::insert_plan(&store, &plan)?;
    let consoles = world.clients()?;
    let ca = ca_client(&world.ca)?;
    let ctx = Context {
        plan: &record,
        consoles: &consoles,
        ca: Some(&ca),
        registrar: RegistrarCredential::Enroll {
            enroll_id: CA_ADMIN.0.into(),
            secret: Sensitive::from(CA_ADMIN.1),
        },
        store: &store,
        vault: &vault,
        org_admin: None,
    };
    let start = Instant::now();
    let outcome = apply(ctx, &options).await?;
    let wall = start.elapsed();
    drop(consoles);
    world.shutdown().await;
    if !outcome.completed {
        return Err(
            format!("the run with {regions} regions did not complete: {outcome:#?}").into(),
        );
    }
    Ok((wall, plan))
}

fn options(args: &Args, max_concurrent_regions: Option<NonZeroUsize>) -> ApplyOptions {
    let mut options = ApplyOptions {
        max_concurrent_regions,
        ..ApplyOptions::default()
    };
    if let Some(p) = args.poll_interval_ms {
        options.poll_interval = Duration::from_millis(p);
    }
    options
}

async fn run(args: &Args) -> Result<Report, BoxError> {
    let latencies = Latencies {
        request: Duration::from_millis(args.latency_ms),
        deploy: Duration::from_millis(args.deploy_ms),
    };
    let mut rows = Vec::new();
    for &n in &args.regions {
        if n == 0 {
            return Err("--regions: every count must be at least 1".into());
        }
        if !args.json {
            eprintln!("N = {n}: concurrent run");
        }
        let (wall, plan) = measure(args, n, options(args, None)).await?;
        if !args.json {
            eprintln!("N = {n}: sequential run");
        }
        let (sequential, _) = measure(args, n, options(args, NonZeroUsize::new(1))).await?;
        let m = model(&plan, latencies);
        rows.push(Row {
            regions: n,
            steps: fabric_ha_engine::plan_steps(&plan).len(),
            wall_ms: ms(wall),
            critical_path_ms: ms(m.critical),
            sequential_ms: ms(sequential),
            sequential_model_ms: ms(m.sequential),
            wall_over_critical: wall.as_secs_f64() / m.critical.as_secs_f64(),
            sequential_over_wall: sequential.as_secs_f64() / wall.as_secs_f64(),
        });
    }
    Ok(Report {
        peers_per_region: args.peers,
        latency_ms: args.latency_ms,
        deploy_ms: args.deploy_ms,
        rate_limit_per_min: args.rate_limit_per_min,
        poll_interval_ms: options(args, None).poll_interval.as_millis(),
        rows,
    })
}

fn print_table(r: &Report) {
    println!(
        "{} new peers per region, {} ms per request, {} ms deploy, {} writes/min per console, poll gap at most {} ms",
        r.peers_per_region, r.latency_ms, r.deploy_ms, r.rate_limit_per_min, r.poll_interval_ms
    );
    println!();
    println!(
        "| N | steps | wall | critical path | sequential | wall / critical | sequential / wall |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in &r.rows {
        println!(
            "| {} | {} | {:.0} ms | {:.0} ms | {:.0} ms | **{:.2}×** | {:.2}× |",
            row.regions,
            row.steps,
            row.wall_ms,
            row.critical_path_ms,
            row.sequential_ms,
            row.wall_over_critical,
            row.sequential_over_wall
        );
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(report) => {
            if args.json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("bench-replication: {e}");
                        return std::process::ExitCode::FAILURE;
                    }
                }
            } else {
                print_table(&report);
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench-replication: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
