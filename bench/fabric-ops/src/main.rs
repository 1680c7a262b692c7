//! `bench-fabric-ops`: what a new peer needs to serve a channel — fetch block 0, join, catch
//! up, install the organization's package, become an anchor peer — done twice on the same real
//! network in the same run: natively through `fabric-ha-fabric-net` (one peer), and the way the
//! ansible collection does it, through the `peer` and `configtxlator` CLIs (another peer).
//! A fresh sandbox network per run (`fabric_ha_testbed::sandbox`); medians of `--runs`.
//!
//! The anchor update is timed until the new config block is served by the orderer. The routes
//! take turns going first (the first peer to join a channel waits longer for its first blocks
//! from the orderer, whichever route joined it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use fabric_ha_fabric_net::{config, OrdererClient, PeerClient, PeerEndpoint, Signer};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::TestConsoleConfig;
use fabric_ha_testbed::sandbox::{FabricSandbox, SandboxConfig, CA_ADMIN, CHANNEL, MSP_ID};
use fabric_ha_testnet::{enroll, msp, Binary, CaEndpoint, Fabric, FabricBins, Peer, PeerSpec};
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

/// The operations, in order.
const OPS: [&str; 5] = [
    "fetch block 0",
    "join",
    "catch up",
    "install",
    "anchor update",
];
const TIMEOUT: Duration = Duration::from_secs(60);

type Timings = BTreeMap<&'static str, Duration>;

fn fail(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

/// A second peer of the organization, started as a deployer would.
async fn new_peer(
    fabric: &Fabric,
    sandbox: &FabricSandbox,
    dir: &Path,
    name: &str,
) -> Result<Peer, String> {
    let org = &sandbox.org;
    let ca = CaEndpoint {
        url: org.ca_url.clone(),
        tls_cert_pem: org.ca_tls_cert_pem.clone(),
        ca_name: Some("ca".into()),
    };
    let registrar = enroll(
        fabric,
        &ca,
        CA_ADMIN.0,
        CA_ADMIN.1,
        &[],
        &dir.join(format!("{name}-registrar")),
    )
    .await
    .map_err(|e| fail("enroll the CA admin", e))?;
    let secret = format!("{name}pw");
    msp::register(fabric, &ca, &registrar, name, &secret, "peer")
        .await
        .map_err(|e| fail("register", e))?;
    let mut tlsca = ca.clone();
    tlsca.ca_name = Some("tlsca".into());
    let mut peer = Peer::start(
        fabric,
        &dir.join("peers"),
        PeerSpec {
            name: name.to_owned(),
            msp_id: MSP_ID.into(),
            ca,
            enroll: (name.to_owned(), secret.clone()),
            tlsca,
            tls_enroll: (name.to_owned(), secret),
            csr_hosts: vec![],
            admin_certs: vec![sandbox.org_admin.cert_pem.clone()],
            gossip_bootstrap: None,
        },
    )
    .await
    .map_err(|e| fail("start a peer", e))?;
    peer.wait_healthy(TIMEOUT)
        .await
        .map_err(|e| fail("peer health", e))?;
    Ok(peer)
}

fn endpoint(api_url: &str, root: &str) -> PeerEndpoint {
    PeerEndpoint {
        api_url: api_url.to_owned(),
        tls_root_pems: vec![root.to_owned()],
        client_tls: None,
    }
}

fn host_port(address: &str) -> Result<(String, u16), String> {
    let (host, port) = address
        .rsplit_once(':')
        .ok_or_else(|| format!("no port in {address}"))?;
    Ok((host.to_owned(), port.parse().map_err(|e| fail(address, e))?))
}

async fn timed<T, F: std::future::Future<Output = Result<T, String>>>(
    timings: &mut Timings,
    op: &'static str,
    f: F,
) -> Result<T, String> {
    let start = Instant::now();
    let out = f.await?;
    timings.insert(op, start.elapsed());
    Ok(out)
}

/// The native route on `peer`.
async fn native(sandbox: &FabricSandbox, peer: &Peer) -> Result<Timings, String> {
    let org = &sandbox.org;
    let key = std::fs::read_to_string(sandbox.org_admin.msp_dir.join("keystore").join("key.pem"))
        .map_err(|e| fail("admin key", e))?;
    let admin = Signer::new(MSP_ID, &sandbox.org_admin.cert_pem, &Sensitive::new(key))
        .map_err(|e| fail("signer", e))?;
    let net = |e: fabric_ha_fabric_net::NetError| e.to_string();
    let source = PeerClient::connect(
        &endpoint(&org.peer_api_url, &org.peer_tls_root_pem),
        TIMEOUT,
    )
    .await
    .map_err(net)?;
    let target = PeerClient::connect(&endpoint(&peer.api_url(), peer.tlsca_root_pem()), TIMEOUT)
        .await
        .map_err(net)?;
    let mut t = Timings::new();
    let genesis = timed(&mut t, OPS[0], async {
        source.block(&admin, CHANNEL, 0).await.map_err(net)
    })
    .await?;
    timed(&mut t, OPS[1], async {
        target.join(&admin, &genesis).await.map_err(net)
    })
    .await?;
    let height = source
        .chain_info(&admin, CHANNEL)
        .await
        .map_err(net)?
        .height;
    timed(&mut t, OPS[2], async {
        loop {
            if target
                .chain_info(&admin, CHANNEL)
                .await
                .is_ok_and(|i| i.height >= height)
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await?;
    timed(&mut t, OPS[3], async {
        let bytes = source
            .installed_package(&admin, &sandbox.package.package_id)
            .await
            .map_err(net)?;
        target.install(&admin, &bytes).await.map(drop).map_err(net)
    })
    .await?;
    let orderer = OrdererClient::connect(
        &endpoint(
            &format!("grpcs://{}", sandbox.ordering.address()),
            sandbox.ordering.tls_root_pem(),
        ),
        TIMEOUT,
    )
    .await
    .map_err(net)?;
    let anchor = host_port(&peer.address())?;
    timed(&mut t, OPS[4], async {
        let block = orderer.config_block(&admin, CHANNEL).await.map_err(net)?;
        let before = block.header.as_ref().map_or(0, |h| h.number);
        let original = config::config_from_block(&block).map_err(net)?;
        let updated = config::with_anchor_peers(&original, MSP_ID, &[anchor])
            .map_err(net)?
            .ok_or("already an anchor peer")?;
        let update = config::compute_update(&original, &updated, CHANNEL).ok_or("no update")?;
        let outcome = orderer
            .broadcast(config::signed_update_envelope(&admin, &update))
            .await
            .map_err(net)?;
        if outcome.status != 200 {
            return Err(format!("the orderer refused: {outcome:?}"));
        }
        loop {
            let newest = orderer.config_block(&admin, CHANNEL).await.map_err(net)?;
            if newest.header.as_ref().map_or(0, |h| h.number) > before {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await?;
    Ok(t)
}

/// The org admin's `peer` CLI environment from the sandbox's env file, pointed at `peer`.
fn cli_env(sandbox: &FabricSandbox, peer: &Peer) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(&sandbox.env_file).map_err(|e| fail("env file", e))?;
    let mut vars: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let (k, v) = l.strip_prefix("export ")?.split_once('=')?;
            Some((k.to_owned(), v.trim_matches('\'').to_owned()))
        })
        .collect();
    for (k, v) in &mut vars {
        if k == "CORE_PEER_ADDRESS" {
            *v = peer.address();
        }
        if k == "CORE_PEER_TLS_ROOTCERT_FILE" {
            *v = peer.tls_root_file().display().to_string();
        }
    }
    Ok(vars)
}

fn run(
    program: &Path,
    env: &[(String, String)],
    args: &[&str],
    cwd: &Path,
) -> Result<Vec<u8>, String> {
    let out = Command::new(program)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", cwd)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(cwd)
        .args(args)
        .output()
        .map_err(|e| fail(&program.display().to_string(), e))?;
    if !out.status.success() {
        return Err(format!(
            "{} {}: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// The CLI route on `peer` (the ansible collection's way): `peer channel fetch`/`join`,
/// `peer lifecycle chaincode install`, and the anchor update through `configtxlator`
/// (decode, edit, encode, compute_update, wrap) and `peer channel update`.
fn cli(sandbox: &FabricSandbox, peer: &Peer, work: &Path) -> Result<Timings, String> {
    let bins = FabricBins::locate(None);
    let peer_bin = bins.path(Binary::Peer).ok_or("no peer binary")?;
    let txl = bins.path(Binary::Configtxlator).ok_or("no configtxlator")?;
    let env = cli_env(sandbox, peer)?;
    let var = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or(format!("{name} missing"))
    };
    let (orderer, orderer_ca) = (var("ORDERER_ADDRESS")?, var("ORDERER_CA")?);
    let with_orderer = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        all.extend([
            "-o".into(),
            orderer.clone(),
            "--tls".into(),
            "--cafile".into(),
            orderer_ca.clone(),
        ]);
        all
    };
    let peer_cmd = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&peer_bin, &env, &refs, work)
    };
    let mut t = Timings::new();
    let time = |t: &mut Timings, op: &'static str, f: &mut dyn FnMut() -> Result<(), String>| {
        let start = Instant::now();
        f()?;
        t.insert(op, start.elapsed());
        Ok::<(), String>(())
    };
    time(&mut t, OPS[0], &mut || {
        peer_cmd(with_orderer(&[
            "channel",
            "fetch",
            "0",
            "genesis.block",
            "-c",
            CHANNEL,
        ]))
        .map(drop)
    })?;
    time(&mut t, OPS[1], &mut || {
        peer_cmd(vec![
            "channel".into(),
            "join".into(),
            "-b".into(),
            "genesis.block".into(),
        ])
        .map(drop)
    })?;
    let height = |out: Vec<u8>| -> u64 {
        let text = String::from_utf8_lossy(&out).into_owned();
        text.split_once("Blockchain info:")
            .and_then(|(_, j)| serde_json::from_str::<Value>(j.trim()).ok())
            .and_then(|v| v["height"].as_u64())
            .unwrap_or(0)
    };
    let target_height = height(run(
        &peer_bin,
        &cli_env_source(&env, sandbox)?,
        &["channel", "getinfo", "-c", CHANNEL],
        work,
    )?);
    time(&mut t, OPS[2], &mut || loop {
        if height(peer_cmd(vec![
            "channel".into(),
            "getinfo".into(),
            "-c".into(),
            CHANNEL.into(),
        ])?) >= target_height
        {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    })?;
    std::fs::write(work.join("package.tar.gz"), &sandbox.package.bytes)
        .map_err(|e| fail("package", e))?;
    time(&mut t, OPS[3], &mut || {
        peer_cmd(vec![
            "lifecycle".into(),
            "chaincode".into(),
            "install".into(),
            "package.tar.gz".into(),
        ])
        .map(drop)
    })?;
    let anchor = host_port(&peer.address())?;
    let txl_run = |args: &[&str]| run(&txl, &[], args, work);
    time(&mut t, OPS[4], &mut || {
        peer_cmd(with_orderer(&[
            "channel",
            "fetch",
            "config",
            "config.block",
            "-c",
            CHANNEL,
        ]))?;
        let block: Value = serde_json::from_slice(&txl_run(&[
            "proto_decode",
            "--type",
            "common.Block",
            "--input",
            "config.block",
        ])?)
        .map_err(|e| fail("decode", e))?;
        let before = block["header"]["number"]
            .as_str()
            .unwrap_or("0")
            .parse::<u64>()
            .unwrap_or(0);
        let config = block["data"]["data"][0]["payload"]["data"]["config"].clone();
        let mut modified = config.clone();
        let anchors = &mut modified["channel_group"]["groups"]["Application"]["groups"][MSP_ID]
            ["values"]["AnchorPeers"];
        if anchors.is_null() {
            *anchors =
                json!({ "mod_policy": "Admins", "value": { "anchor_peers": [] }, "version": "0" });
        }
        if let Some(list) = anchors["value"]["anchor_peers"].as_array_mut() {
            list.push(json!({ "host": anchor.0, "port": anchor.1 }));
        }
        write_json(work, "config.json", &config)?;
        write_json(work, "modified.json", &modified)?;
        txl_run(&[
            "proto_encode",
            "--type",
            "common.Config",
            "--input",
            "config.json",
            "--output",
            "config.pb",
        ])?;
        txl_run(&[
            "proto_encode",
            "--type",
            "common.Config",
            "--input",
            "modified.json",
            "--output",
            "modified.pb",
        ])?;
        txl_run(&[
            "compute_update",
            "--channel_id",
            CHANNEL,
            "--original",
            "config.pb",
            "--updated",
            "modified.pb",
            "--output",
            "update.pb",
        ])?;
        let update: Value = serde_json::from_slice(&txl_run(&[
            "proto_decode",
            "--type",
            "common.ConfigUpdate",
            "--input",
            "update.pb",
        ])?)
        .map_err(|e| fail("decode update", e))?;
        let envelope = json!({ "payload": { "header": { "channel_header": { "channel_id": CHANNEL, "type": 2 } },
                                             "data": { "config_update": update } } });
        write_json(work, "envelope.json", &envelope)?;
        txl_run(&[
            "proto_encode",
            "--type",
            "common.Envelope",
            "--input",
            "envelope.json",
            "--output",
            "envelope.pb",
        ])?;
        peer_cmd(with_orderer(&[
            "channel",
            "update",
            "-f",
            "envelope.pb",
            "-c",
            CHANNEL,
        ]))?;
        loop {
            peer_cmd(with_orderer(&[
                "channel",
                "fetch",
                "config",
                "latest.block",
                "-c",
                CHANNEL,
            ]))?;
            let latest: Value = serde_json::from_slice(&txl_run(&[
                "proto_decode",
                "--type",
                "common.Block",
                "--input",
                "latest.block",
            ])?)
            .map_err(|e| fail("decode", e))?;
            if latest["header"]["number"]
                .as_str()
                .unwrap_or("0")
                .parse::<u64>()
                .unwrap_or(0)
                > before
            {
                return Ok(());
            }
        }
    })?;
    Ok(t)
}

/// `env` pointed at the region-1 peer (the source of the height to reach).
fn cli_env_source(
    env: &[(String, String)],
    sandbox: &FabricSandbox,
) -> Result<Vec<(String, String)>, String> {
    let mut out = env.to_vec();
    let root =
        std::env::temp_dir().join(format!("bench-fabric-ops-root-{}.pem", std::process::id()));
    std::fs::write(&root, &sandbox.org.peer_tls_root_pem).map_err(|e| fail("root", e))?;
    for (k, v) in &mut out {
        if k == "CORE_PEER_ADDRESS" {
            *v = sandbox
                .org
                .peer_api_url
                .trim_start_matches("grpcs://")
                .to_owned();
        }
        if k == "CORE_PEER_TLS_ROOTCERT_FILE" {
            *v = root.display().to_string();
        }
    }
    Ok(out)
}

fn write_json(dir: &Path, name: &str, value: &Value) -> Result<(), String> {
    std::fs::write(dir.join(name), value.to_string()).map_err(|e| fail(name, e))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
        std::fs::create_dir_all(&work).map_err(|e| fail("work dir", e))?;
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
