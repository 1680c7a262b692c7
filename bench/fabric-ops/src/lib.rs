//! What a new peer needs to serve a channel — fetch block 0, join, catch up, install the
//! organization's package, become an anchor peer — on a sandbox network
//! (`fabric_ha_testbed::sandbox`), by two routes the benchmarks compare:
//!
//! - [`native`]: through `fabric-ha-fabric-net`, one peer (the floor of the plan's benchmark);
//! - [`Cli`]: the ansible collection's way, through the `peer` and `configtxlator` CLIs, for
//!   one peer at a time ([`Cli::join_and_install`]) and one anchor update ([`Cli::anchor_update`]).
//!
//! Plus what the benchmarks need around them: a sandbox network started with retries
//! ([`sandbox`]), the HA plan over its regions ([`plan`]), a new peer started as a deployer would
//! ([`new_peer`]), the org admin's signer, and the channel's config blocks as the orderer serves
//! them ([`channel_height`], [`config_blocks`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fabric_ha_console::{ClientOptions, ConsoleAuth, ConsoleClient, ConsoleEndpoint};
use fabric_ha_engine::{PeerDefaults, Plan, Registrar, Source, Target, PLAN_FORMAT};
use fabric_ha_fabric_net::{
    config, last_config_index, NetError, OrdererClient, PeerClient, PeerEndpoint, Signer,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use fabric_ha_testbed::sandbox::{
    FabricSandbox, SandboxConfig, CA_ADMIN, CHANNEL, MSP_ID, ORG_ADMIN,
};
use fabric_ha_testnet::{enroll, msp, Binary, CaEndpoint, Fabric, FabricBins, Peer, PeerSpec};
use serde_json::{json, Value};

/// The operations, in order.
pub const OPS: [&str; 5] = [
    "fetch block 0",
    "join",
    "catch up",
    "install",
    "anchor update",
];
/// How long a call or a peer's start may take.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Time per operation of [`OPS`].
pub type Timings = BTreeMap<&'static str, Duration>;

/// `what: e`.
pub fn fail(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

fn net(e: NetError) -> String {
    e.to_string()
}

/// A fresh sandbox network with `regions` consoles (`r1`, `r2`, …) set up as `console`, under
/// `dir`. Its start is tried up to three times, each in a new folder: on a busy machine a
/// node's port is now and then taken by another process between being picked and being bound.
pub async fn sandbox(
    fabric: &Fabric,
    dir: &Path,
    regions: usize,
    console: &TestConsoleConfig,
) -> Result<FabricSandbox, String> {
    let mut attempt = 1;
    loop {
        let started = FabricSandbox::start(SandboxConfig {
            fabric: fabric.clone(),
            regions: (1..=regions).map(|r| format!("r{r}")).collect(),
            dir: dir.join(format!("net{attempt}")),
            console: console.clone(),
        })
        .await;
        match started {
            Err(e) if attempt < 3 => {
                eprintln!("the sandbox did not start ({e}); starting another");
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// A client of a test console with its manager key.
pub fn console_client(tc: &TestConsole) -> Result<ConsoleClient, String> {
    let (key, secret) = tc.manager_key();
    ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(key, Sensitive::new(secret)),
            extra_ca_pem: tc.ca_cert_pem(),
        },
        ClientOptions::default(),
    )
    .map_err(|e| fail("console client", e))
}

/// The HA plan `name` on `sandbox`: region 1 as the sandbox built it (CA, MSP, its peer, the
/// org admin as signer), `peers` new peers in each other region, joining `channels`.
pub fn plan(sandbox: &FabricSandbox, name: &str, peers: usize, channels: &[&str]) -> Plan {
    let defaults = PeerDefaults {
        zone: None,
        version: None,
        state_db: None,
    };
    Plan {
        format: PLAN_FORMAT,
        name: name.to_owned(),
        source: Source {
            console: sandbox.consoles[0].0.clone(),
            ca: sandbox.org.ca_id.clone(),
            msp: sandbox.org.msp_component_id.clone(),
            peers: vec![sandbox.org.peer_id.clone()],
            registrar: Registrar::EnrollId(CA_ADMIN.0.to_owned()),
            org_admin_identity: Some(ORG_ADMIN.0.to_owned()),
            tls_identity: None,
            create: None,
        },
        targets: sandbox.consoles[1..]
            .iter()
            .map(|(region, _)| Target {
                console: region.clone(),
                region: region.clone(),
                peers: fabric_ha_engine::PeerSpec::numbered(MSP_ID, region, 1, peers, &defaults),
            })
            .collect(),
        channels: channels.iter().map(|c| (*c).to_owned()).collect(),
        chaincodes: vec![],
        wait_timeout_secs: 120,
    }
}

/// A new peer of the organization, started as a deployer would (enroll id registered at the
/// region-1 CA, the org admin as its admin).
pub async fn new_peer(
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

/// A node reached at `api_url` with its TLS pinned to `root`.
pub fn endpoint(api_url: &str, root: &str) -> PeerEndpoint {
    PeerEndpoint {
        api_url: api_url.to_owned(),
        tls_root_pems: vec![root.to_owned()],
        client_tls: None,
    }
}

/// `(host, port)` of `host:port`.
pub fn host_port(address: &str) -> Result<(String, u16), String> {
    let (host, port) = address
        .rsplit_once(':')
        .ok_or_else(|| format!("no port in {address}"))?;
    Ok((host.to_owned(), port.parse().map_err(|e| fail(address, e))?))
}

/// The org admin's private key (PEM) from its MSP folder.
pub fn org_admin_key(sandbox: &FabricSandbox) -> Result<Sensitive<String>, String> {
    std::fs::read_to_string(sandbox.org_admin.msp_dir.join("keystore").join("key.pem"))
        .map(Sensitive::new)
        .map_err(|e| fail("admin key", e))
}

/// The org admin as a signer.
pub fn org_admin_signer(sandbox: &FabricSandbox) -> Result<Signer, String> {
    Signer::new(
        MSP_ID,
        &sandbox.org_admin.cert_pem,
        &org_admin_key(sandbox)?,
    )
    .map_err(|e| fail("signer", e))
}

/// A client of the sandbox's orderer.
pub async fn orderer(sandbox: &FabricSandbox) -> Result<OrdererClient, String> {
    OrdererClient::connect(
        &endpoint(
            &format!("grpcs://{}", sandbox.ordering.address()),
            sandbox.ordering.tls_root_pem(),
        ),
        TIMEOUT,
    )
    .await
    .map_err(net)
}

/// The channel's height as the orderer serves it (its newest block's number + 1).
pub async fn channel_height(orderer: &OrdererClient, signer: &Signer) -> Result<u64, String> {
    let newest = orderer.newest_block(signer, CHANNEL).await.map_err(net)?;
    Ok(newest.header.as_ref().map_or(0, |h| h.number) + 1)
}

/// The numbers of the config blocks among blocks `from..to` of the channel: those whose
/// metadata names themselves as the last config block.
pub async fn config_blocks(
    orderer: &OrdererClient,
    signer: &Signer,
    from: u64,
    to: u64,
) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    for number in from..to {
        let block = orderer.block(signer, CHANNEL, number).await.map_err(net)?;
        if last_config_index(&block) == Some(number) {
            out.push(number);
        }
    }
    Ok(out)
}

/// The organization's anchor peers in the channel's last configuration.
pub async fn anchor_peers(
    orderer: &OrdererClient,
    signer: &Signer,
) -> Result<Vec<(String, u16)>, String> {
    let block = orderer.config_block(signer, CHANNEL).await.map_err(net)?;
    let config = config::config_from_block(&block).map_err(net)?;
    config::anchor_peers(&config, MSP_ID).map_err(net)
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

/// The native route on `peer`, each operation of [`OPS`] timed: block 0 from the region-1 peer,
/// join, catch up to the region-1 peer's height, install the package bytes read from the
/// region-1 peer, and one config update making `peer` an anchor peer (until the orderer serves
/// the new config block).
pub async fn native(sandbox: &FabricSandbox, peer: &Peer) -> Result<Timings, String> {
    let org = &sandbox.org;
    let admin = org_admin_signer(sandbox)?;
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
    let orderer = orderer(sandbox).await?;
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

/// The org admin's `peer` CLI environment from the sandbox's env file (pointed at the region-1
/// peer).
fn sandbox_env(sandbox: &FabricSandbox) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(&sandbox.env_file).map_err(|e| fail("env file", e))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let (k, v) = l.strip_prefix("export ")?.split_once('=')?;
            Some((k.to_owned(), v.trim_matches('\'').to_owned()))
        })
        .collect())
}

/// `env` pointed at the peer at `address` whose TLS root is in `root_file`.
fn pointed_at(env: &[(String, String)], address: &str, root_file: &Path) -> Vec<(String, String)> {
    let mut out = env.to_vec();
    for (k, v) in &mut out {
        if k == "CORE_PEER_ADDRESS" {
            address.clone_into(v);
        }
        if k == "CORE_PEER_TLS_ROOTCERT_FILE" {
            *v = root_file.display().to_string();
        }
    }
    out
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

fn write_json(dir: &Path, name: &str, value: &Value) -> Result<(), String> {
    std::fs::write(dir.join(name), value.to_string()).map_err(|e| fail(name, e))
}

/// The height `peer channel getinfo` prints.
fn cli_height(out: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(out).into_owned();
    text.split_once("Blockchain info:")
        .and_then(|(_, j)| serde_json::from_str::<Value>(j.trim()).ok())
        .and_then(|v| v["height"].as_u64())
        .unwrap_or(0)
}

/// A block's number as `configtxlator proto_decode` prints it.
fn decoded_number(block: &Value) -> u64 {
    block["header"]["number"]
        .as_str()
        .unwrap_or("0")
        .parse::<u64>()
        .unwrap_or(0)
}

/// The ansible collection's route: the org admin's `peer` and `configtxlator` CLIs on one
/// sandbox network, working in one folder. Blocking: run it off the async workers.
pub struct Cli {
    peer_bin: PathBuf,
    txl: PathBuf,
    /// The org admin's environment, pointed at the region-1 peer.
    source_env: Vec<(String, String)>,
    orderer: String,
    orderer_ca: String,
    work: PathBuf,
}

impl Cli {
    /// The CLIs for `sandbox`, working in `work` (created; the package file is written there).
    pub fn new(sandbox: &FabricSandbox, work: &Path) -> Result<Cli, String> {
        let bins = FabricBins::locate(None);
        std::fs::create_dir_all(work).map_err(|e| fail("work dir", e))?;
        let root = work.join("region1-peer-tls-root.pem");
        std::fs::write(&root, &sandbox.org.peer_tls_root_pem).map_err(|e| fail("root", e))?;
        let source_env = pointed_at(
            &sandbox_env(sandbox)?,
            sandbox.org.peer_api_url.trim_start_matches("grpcs://"),
            &root,
        );
        let var = |name: &str| {
            source_env
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .ok_or(format!("{name} missing"))
        };
        std::fs::write(work.join("package.tar.gz"), &sandbox.package.bytes)
            .map_err(|e| fail("package", e))?;
        Ok(Cli {
            peer_bin: bins.path(Binary::Peer).ok_or("no peer binary")?,
            txl: bins.path(Binary::Configtxlator).ok_or("no configtxlator")?,
            orderer: var("ORDERER_ADDRESS")?,
            orderer_ca: var("ORDERER_CA")?,
            source_env,
            work: work.to_owned(),
        })
    }

    fn peer(&self, env: &[(String, String)], args: &[&str]) -> Result<Vec<u8>, String> {
        run(&self.peer_bin, env, args, &self.work)
    }

    /// `peer` with the orderer's address and TLS root appended.
    fn peer_to_orderer(&self, env: &[(String, String)], args: &[&str]) -> Result<Vec<u8>, String> {
        let mut all = args.to_vec();
        all.extend([
            "-o",
            self.orderer.as_str(),
            "--tls",
            "--cafile",
            self.orderer_ca.as_str(),
        ]);
        self.peer(env, &all)
    }

    fn txl(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        run(&self.txl, &[], args, &self.work)
    }

    fn decode(&self, kind: &str, file: &str) -> Result<Value, String> {
        serde_json::from_slice(&self.txl(&["proto_decode", "--type", kind, "--input", file])?)
            .map_err(|e| fail(&format!("decode {file}"), e))
    }

    /// `peer channel fetch 0`, `peer channel join`, `peer channel getinfo` until the peer's
    /// height reaches the region-1 peer's (read with `getinfo` there after the join), and
    /// `peer lifecycle chaincode install`, on `peer`; the first four operations of [`OPS`] timed
    /// into `t` (the region-1 peer's height is read between them, untimed).
    pub fn join_and_install(&self, peer: &Peer, t: &mut Timings) -> Result<(), String> {
        let env = pointed_at(&self.source_env, &peer.address(), &peer.tls_root_file());
        let time =
            |t: &mut Timings, op: &'static str, f: &mut dyn FnMut() -> Result<(), String>| {
                let start = Instant::now();
                f()?;
                t.insert(op, start.elapsed());
                Ok::<(), String>(())
            };
        time(t, OPS[0], &mut || {
            self.peer_to_orderer(
                &env,
                &["channel", "fetch", "0", "genesis.block", "-c", CHANNEL],
            )
            .map(drop)
        })?;
        time(t, OPS[1], &mut || {
            self.peer(&env, &["channel", "join", "-b", "genesis.block"])
                .map(drop)
        })?;
        let target =
            cli_height(&self.peer(&self.source_env, &["channel", "getinfo", "-c", CHANNEL])?);
        time(t, OPS[2], &mut || loop {
            if cli_height(&self.peer(&env, &["channel", "getinfo", "-c", CHANNEL])?) >= target {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        })?;
        time(t, OPS[3], &mut || {
            self.peer(
                &env,
                &["lifecycle", "chaincode", "install", "package.tar.gz"],
            )
            .map(drop)
        })
    }

    /// One config update adding `anchors` to the organization's anchor peers: `peer channel
    /// fetch config` → `configtxlator proto_decode`, edit, `proto_encode` ×2, `compute_update`,
    /// wrap, `peer channel update`; returns once the orderer serves the new config block.
    pub fn anchor_update(&self, anchors: &[(String, u16)]) -> Result<(), String> {
        let env = &self.source_env;
        self.peer_to_orderer(
            env,
            &["channel", "fetch", "config", "config.block", "-c", CHANNEL],
        )?;
        let block = self.decode("common.Block", "config.block")?;
        let before = decoded_number(&block);
        let config = block["data"]["data"][0]["payload"]["data"]["config"].clone();
        let mut modified = config.clone();
        let value = &mut modified["channel_group"]["groups"]["Application"]["groups"][MSP_ID]
            ["values"]["AnchorPeers"];
        if value.is_null() {
            *value =
                json!({ "mod_policy": "Admins", "value": { "anchor_peers": [] }, "version": "0" });
        }
        if let Some(list) = value["value"]["anchor_peers"].as_array_mut() {
            for (host, port) in anchors {
                let entry = json!({ "host": host, "port": port });
                if !list.contains(&entry) {
                    list.push(entry);
                }
            }
        }
        write_json(&self.work, "config.json", &config)?;
        write_json(&self.work, "modified.json", &modified)?;
        for (input, output) in [
            ("config.json", "config.pb"),
            ("modified.json", "modified.pb"),
        ] {
            self.txl(&[
                "proto_encode",
                "--type",
                "common.Config",
                "--input",
                input,
                "--output",
                output,
            ])?;
        }
        self.txl(&[
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
        let update = self.decode("common.ConfigUpdate", "update.pb")?;
        let envelope = json!({ "payload": { "header": { "channel_header": { "channel_id": CHANNEL, "type": 2 } },
                                             "data": { "config_update": update } } });
        write_json(&self.work, "envelope.json", &envelope)?;
        self.txl(&[
            "proto_encode",
            "--type",
            "common.Envelope",
            "--input",
            "envelope.json",
            "--output",
            "envelope.pb",
        ])?;
        self.peer_to_orderer(
            env,
            &["channel", "update", "-f", "envelope.pb", "-c", CHANNEL],
        )?;
        loop {
            self.peer_to_orderer(
                env,
                &["channel", "fetch", "config", "latest.block", "-c", CHANNEL],
            )?;
            if decoded_number(&self.decode("common.Block", "latest.block")?) > before {
                return Ok(());
            }
        }
    }
}

/// The CLI route on one peer, each operation of [`OPS`] timed.
pub fn cli(sandbox: &FabricSandbox, peer: &Peer, work: &Path) -> Result<Timings, String> {
    let cli = Cli::new(sandbox, work)?;
    let mut t = Timings::new();
    cli.join_and_install(peer, &mut t)?;
    let start = Instant::now();
    cli.anchor_update(&[host_port(&peer.address())?])?;
    t.insert(OPS[4], start.elapsed());
    Ok(t)
}

/// The median (the upper one of an even count).
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
