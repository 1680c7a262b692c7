//! `bench-fabric-ops`: what a new peer needs to serve a channel — fetch block 0, join, catch
//! up, install the organization's package, become an anchor peer — done twice on the same real
//! network in the same run: natively through `fabric-ha-fabric-net` (one peer), and the way the
//! ansible collection does it, through the `peer` and `configtxlator` CLIs (another peer).
//! A fresh sandbox network per run (`fabric_ha_testbed::sandbox`); medians of `--runs`.
//!
//! The anchor update is timed until the new config block is served by the orderer. The routes
//! take turns going first (the first peer to join a channel waits longer for its first blocks
//! from the orderer, whichever route joined it).

use std::path::PathBuf;
use std::time::Duration;

use bench_fabric_ops::{cli, fail, median, ms, native, new_peer, Timings, OPS};
use clap::Parser;
use fabric_ha_testbed::console::TestConsoleConfig;
use fabric_ha_testbed::sandbox::{FabricSandbox, SandboxConfig};
use fabric_ha_testnet::Fabric;
use serde_json::{json, Value};

/// One new peer's channel work, natively and through the CLIs.
#[derive(Debug, Parser)]
#[command(name = "bench-fabric-ops")]
struct Args {
    /// Runs, each on a fresh network (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let fabric = Fabric::from_env().map_err(|e| e.to_string())?;
    let mut native_runs: Vec<Timings> = Vec::new();
    let mut cli_runs: Vec<Timings> = Vec::new();
    for run_no in 1..=args.runs.max(1) {
        let tmp = tempfile::tempdir().map_err(|e| fail("temp dir", e))?;
        let dir: PathBuf = tmp.path().to_path_buf();
        let sandbox = FabricSandbox::start(SandboxConfig {
            fabric: fabric.clone(),
            regions: vec!["r1".into(), "r2".into(), "r3".into()],
            dir: dir.join("net"),
            console: TestConsoleConfig::default(),
        })
        .await?;
        let native_peer = new_peer(&fabric, &sandbox, &dir, "nativepeer").await?;
        let cli_peer = new_peer(&fabric, &sandbox, &dir, "clipeer").await?;
        let work = dir.join("cli");
        // The first peer to join waits longer for its first blocks from the orderer than the
        // second: the routes take turns going first.
        let (n, c) = if run_no % 2 == 1 {
            let n = native(&sandbox, &native_peer).await?;
            (
                n,
                tokio::task::block_in_place(|| cli(&sandbox, &cli_peer, &work))?,
            )
        } else {
            let c = tokio::task::block_in_place(|| cli(&sandbox, &cli_peer, &work))?;
            (native(&sandbox, &native_peer).await?, c)
        };
        eprintln!(
            "run {run_no}: native {:?} / cli {:?}",
            n.values().sum::<Duration>(),
            c.values().sum::<Duration>()
        );
        native_runs.push(n);
        cli_runs.push(c);
        drop((native_peer, cli_peer));
        sandbox.shutdown().await;
    }
    let med = |runs: &[Timings], op: &str| median(runs.iter().map(|t| t[op]).collect());
    let total = |runs: &[Timings]| median(runs.iter().map(|t| t.values().sum()).collect());
    if args.json {
        let ops: Vec<Value> = OPS
            .iter()
            .map(|op| json!({ "op": op, "native_ms": ms(med(&native_runs, op)), "cli_ms": ms(med(&cli_runs, op)) }))
            .collect();
        println!(
            "{}",
            json!({ "runs": args.runs, "ops": ops, "native_total_ms": ms(total(&native_runs)), "cli_total_ms": ms(total(&cli_runs)) })
        );
        return Ok(());
    }
    println!("| operation | native | peer + configtxlator CLIs | CLI / native |");
    println!("|---|---|---|---|");
    for op in OPS {
        let (n, c) = (med(&native_runs, op), med(&cli_runs, op));
        println!(
            "| {op} | {:.0} ms | {:.0} ms | {:.1}× |",
            ms(n),
            ms(c),
            ms(c) / ms(n).max(0.001)
        );
    }
    let (n, c) = (total(&native_runs), total(&cli_runs));
    println!(
        "| **total** | {:.0} ms | {:.0} ms | **{:.1}×** |",
        ms(n),
        ms(c),
        ms(c) / ms(n).max(0.001)
    );
    Ok(())
}
