//! A complete local copy of the HA procedure's starting point, on real Fabric: one test console
//! per region, each with a real deployer, and in region 1 an organization built the way an
//! operator builds it through a console — the CA created by the console, the org admin
//! registered (type `admin`) and enrolled, the MSP definition with Node OUs, one peer created
//! by the console — plus an ordering service, the channel `mychannel` with that peer joined and
//! the asset contract committed and invoked once. Used by `fabric-ha sandbox --fabric` and by
//! tests that need the real network.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_testnet::chaincode::{self, ChaincodePackage, ChaincodeServer, Lifecycle};
use fabric_ha_testnet::channel::{self, ChannelOrg, PeerEndpoint};
use fabric_ha_testnet::{CaEndpoint, Fabric, OrderingService, OrgAdmin};
use serde_json::{json, Value};

use crate::console::{
    ConsoleSwitch, Deployer, NodeState, SwitchError, TestConsole, TestConsoleConfig,
};

/// The sandbox channel.
pub const CHANNEL: &str = "mychannel";
/// The sandbox chaincode's name on the channel.
pub const CHAINCODE: &str = "asset";
/// The organization's MSP id.
pub const MSP_ID: &str = "org1msp";
/// The CA admin (bootstrap registrar) of the organization's CA: throwaway credentials.
pub const CA_ADMIN: (&str, &str) = ("admin", "adminpw");
/// The org admin's enroll id and secret at the organization's CA.
pub const ORG_ADMIN: (&str, &str) = ("org1admin", "org1adminpw");
/// The region-1 peer's enroll id and secret.
pub const PEER1: (&str, &str) = ("org1peer1", "org1peer1pw");

/// How long a created node may take to report "ok".
const RUNNING_TIMEOUT: Duration = Duration::from_secs(60);

/// What to build.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The Fabric binaries.
    pub fabric: Fabric,
    /// Region names, region 1 first.
    pub regions: Vec<String>,
    /// Where every node's folder, log and the admin's env file go.
    pub dir: PathBuf,
    /// Time a created peer takes to start on a console (simulated part only), and the other
    /// console settings; the deployer is set by the sandbox.
    pub console: TestConsoleConfig,
}

/// The organization in region 1, as the consoles and the Fabric nodes know it.
#[derive(Debug, Clone)]
pub struct Organization {
    /// Console id of the CA in region 1.
    pub ca_id: String,
    /// The CA's URL.
    pub ca_url: String,
    /// PEM of the CA's TLS certificate (the pin).
    pub ca_tls_cert_pem: String,
    /// Console id of the MSP definition.
    pub msp_component_id: String,
    /// Console id of the region-1 peer.
    pub peer_id: String,
    /// The region-1 peer's `grpcs://` URL.
    pub peer_api_url: String,
    /// PEM of the region-1 peer's TLS CA root.
    pub peer_tls_root_pem: String,
}

/// A running sandbox. [`FabricSandbox::shutdown`] stops everything; dropping it does too.
#[derive(Debug)]
pub struct FabricSandbox {
    /// (region, console), region 1 first.
    pub consoles: Vec<(String, TestConsole)>,
    /// The ordering service.
    pub ordering: OrderingService,
    /// The organization's admin, as the `peer` CLI uses it.
    pub org_admin: OrgAdmin,
    /// The organization in region 1.
    pub org: Organization,
    /// The committed package.
    pub package: ChaincodePackage,
    /// The `peer` CLI environment of the org admin (`export K=V` lines).
    pub env_file: PathBuf,
    chaincode: ChaincodeServer,
    dir: PathBuf,
}

/// A console's HTTP API, as an operator's script calls it.
struct Api {
    client: reqwest::Client,
    url: String,
    key: (String, String),
}

impl Api {
    fn new(console: &TestConsole) -> Result<Api, String> {
        let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(120));
        if let Some(pem) = console.ca_cert_pem() {
            let root = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
            builder = builder
                .tls_built_in_root_certs(false)
                .add_root_certificate(root);
        }
        Ok(Api {
            client: builder.build().map_err(|e| e.to_string())?,
            url: console.url(),
            key: console.manager_key(),
        })
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, String> {
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .basic_auth(&self.key.0, Some(&self.key.1))
            .json(body)
            .send()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("POST {path}: HTTP {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("POST {path}: {e}: {text}"))
    }

    /// Waits until the console reports `id` "ok" (bounded).
    async fn wait_running(&self, id: &str) -> Result<(), String> {
        let deadline = Instant::now() + RUNNING_TIMEOUT;
        loop {
            let answer = self
                .post(
                    "/ak/api/v3/components/status",
                    &json!({ "components": { id: {} } }),
                )
                .await?;
            if answer[id]["status"] == "ok" {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("{id} was not running after {RUNNING_TIMEOUT:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn b64(pem: &str) -> String {
    STANDARD.encode(pem)
}

fn pem(value: &Value) -> Result<String, String> {
    let bytes = STANDARD
        .decode(value.as_str().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn id_of(record: &Value) -> String {
    record["id"].as_str().unwrap_or_default().to_owned()
}

impl FabricSandbox {
    /// Starts the consoles, builds the organization in region 1 through console 1, starts the
    /// ordering service, creates the channel, joins the peer and commits the contract.
    pub async fn start(config: SandboxConfig) -> Result<FabricSandbox, String> {
        let fabric = &config.fabric;
        let dir = &config.dir;
        let err = |e: fabric_ha_testnet::Error| e.to_string();
        let mut consoles = Vec::new();
        for region in &config.regions {
            let console = TestConsole::start(TestConsoleConfig {
                name: region.clone(),
                deployer: Some(Deployer {
                    fabric: fabric.clone(),
                    dir: dir.join("nodes"),
                }),
                ..config.console.clone()
            })
            .await
            .map_err(|e| format!("cannot start the {region} console: {e}"))?;
            consoles.push((region.clone(), console));
        }
        let region1 = Api::new(&consoles.first().ok_or("no region")?.1)?;

        // The organization's CA, created by console 1's deployer.
        let ca = region1
            .post(
                "/ak/api/v3/kubernetes/components/fabric-ca",
                &json!({
                    "display_name": "Org1 CA",
                    "config_override": { "ca": { "registry": { "maxenrollments": -1, "identities": [{
                        "name": CA_ADMIN.0, "pass": CA_ADMIN.1, "type": "client",
                        "attrs": { "hf.Registrar.Roles": "*", "hf.Registrar.DelegateRoles": "*",
                            "hf.Revoker": true, "hf.IntermediateCA": true, "hf.GenCRL": true,
                            "hf.Registrar.Attributes": "*", "hf.AffiliationMgr": true },
                    }] } } },
                }),
            )
            .await?;
        region1.wait_running(&id_of(&ca)).await?;
        let ca_url = ca["api_url"].as_str().unwrap_or_default().to_owned();
        let ca_tls_cert_pem = pem(&ca["msp"]["component"]["tls_cert"])?;
        let ca_root_pem = pem(&ca["msp"]["ca"]["root_certs"][0])?;
        let tlsca_root_pem = pem(&ca["msp"]["tlsca"]["root_certs"][0])?;
        let endpoint = |name: &str| CaEndpoint {
            url: ca_url.clone(),
            tls_cert_pem: ca_tls_cert_pem.clone(),
            ca_name: Some(name.to_owned()),
        };

        // The org admin (type admin) and the first peer's enroll id, registered by the CA admin.
        let registrar = fabric_ha_testnet::enroll(
            fabric,
            &endpoint("ca"),
            CA_ADMIN.0,
            CA_ADMIN.1,
            &[],
            &dir.join("ca-admin"),
        )
        .await
        .map_err(err)?;
        for (id, secret, kind) in [
            (ORG_ADMIN.0, ORG_ADMIN.1, "admin"),
            (PEER1.0, PEER1.1, "peer"),
        ] {
            fabric_ha_testnet::msp::register(fabric, &endpoint("ca"), &registrar, id, secret, kind)
                .await
                .map_err(err)?;
        }
        let org_admin = OrgAdmin::enroll(
            fabric,
            &endpoint("ca"),
            &tlsca_root_pem,
            MSP_ID,
            ORG_ADMIN.0,
            ORG_ADMIN.1,
            &dir.join("org-admin"),
        )
        .await
        .map_err(err)?;

        // The MSP definition, as the console's "Create MSP definition" builds it.
        let node_ou = |ou: &str| json!({ "certificate": b64(&ca_root_pem), "organizational_unit_identifier": ou });
        let msp = region1
            .post(
                "/ak/api/v3/components/msp",
                &json!({
                    "msp_id": MSP_ID,
                    "display_name": "Org1 MSP",
                    "root_certs": [b64(&ca_root_pem)],
                    "tls_root_certs": [b64(&tlsca_root_pem)],
                    "admins": [b64(&org_admin.cert_pem)],
                    "fabric_node_ous": {
                        "enable": true,
                        "admin_ou_identifier": node_ou("admin"),
                        "client_ou_identifier": node_ou("client"),
                        "peer_ou_identifier": node_ou("peer"),
                        "orderer_ou_identifier": node_ou("orderer"),
                    },
                    "host_url": region1.url,
                }),
            )
            .await?;

        // The first peer, created by console 1's deployer.
        let port: u16 = ca_url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("no port in {ca_url}"))?;
        let enrollment = |name: &str| {
            json!({
                "host": "127.0.0.1", "port": port, "name": name, "tls_cert": b64(&ca_tls_cert_pem),
                "enroll_id": PEER1.0, "enroll_secret": PEER1.1,
            })
        };
        let peer = region1
            .post(
                "/ak/api/v3/kubernetes/components/fabric-peer",
                &json!({
                    "display_name": "Org1 Peer 1",
                    "msp_id": MSP_ID,
                    "state_db": "leveldb",
                    "crypto": { "enrollment": {
                        "ca": enrollment("ca"),
                        "tlsca": enrollment("tlsca"),
                        "component": { "admin_certs": [b64(&org_admin.cert_pem)] },
                    } },
                }),
            )
            .await?;
        region1.wait_running(&id_of(&peer)).await?;
        let peer_api_url = peer["api_url"].as_str().unwrap_or_default().to_owned();
        let peer_tls_root_pem = pem(&peer["msp"]["tlsca"]["root_certs"][0])?;
        let endpoint1 =
            PeerEndpoint::from_api_url(&peer_api_url, &peer_tls_root_pem).map_err(err)?;
        let (host, peer_port) = endpoint1
            .address
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.to_owned(), p.parse::<u16>().ok()?)))
            .ok_or_else(|| format!("no port in {peer_api_url}"))?;

        // The ordering service and the channel with the peer joined.
        let ordering = OrderingService::start(fabric, dir, "OrdererMSP", 1)
            .await
            .map_err(err)?;
        let block = channel::create(
            fabric,
            dir,
            &ordering,
            CHANNEL,
            &[ChannelOrg {
                msp_id: MSP_ID.to_owned(),
                ca_root_pem: ca_root_pem.clone(),
                tlsca_root_pem: tlsca_root_pem.clone(),
                anchor_peers: vec![(host, peer_port)],
            }],
        )
        .await
        .map_err(err)?;
        channel::join(fabric, dir, &org_admin, &endpoint1, &block)
            .await
            .map_err(err)?;

        // The contract, committed and used once.
        let lifecycle = Lifecycle {
            fabric,
            dir,
            admin: &org_admin,
            ordering: &ordering,
        };
        let peers = std::slice::from_ref(&endpoint1);
        let (chaincode, package) =
            chaincode::deploy(lifecycle, CHANNEL, CHAINCODE, "asset_1.0", peers)
                .await
                .map_err(err)?;
        lifecycle
            .invoke(
                CHANNEL,
                CHAINCODE,
                peers,
                "CreateAsset",
                &["asset1", "blue", "5", "tom", "300"],
            )
            .await
            .map_err(err)?;

        let env_file = dir.join("org-admin.env");
        write_env(
            &env_file,
            &[
                (
                    "FABRIC_CFG_PATH",
                    channel::cli_config_dir(fabric, dir)
                        .map_err(err)?
                        .display()
                        .to_string(),
                ),
                ("CORE_PEER_LOCALMSPID", MSP_ID.to_owned()),
                (
                    "CORE_PEER_MSPCONFIGPATH",
                    org_admin.msp_dir.display().to_string(),
                ),
                ("CORE_PEER_ADDRESS", endpoint1.address.clone()),
                ("CORE_PEER_TLS_ENABLED", "true".to_owned()),
                (
                    "CORE_PEER_TLS_ROOTCERT_FILE",
                    write_pem(dir, "peer1-tls-root.pem", &peer_tls_root_pem)?,
                ),
                ("ORDERER_ADDRESS", ordering.address()),
                ("ORDERER_CA", ordering.tls_root_file().display().to_string()),
            ],
        )?;
        Ok(FabricSandbox {
            org: Organization {
                ca_id: id_of(&ca),
                ca_url,
                ca_tls_cert_pem,
                msp_component_id: id_of(&msp),
                peer_id: id_of(&peer),
                peer_api_url,
                peer_tls_root_pem,
            },
            consoles,
            ordering,
            org_admin,
            package,
            env_file,
            chaincode,
            dir: dir.clone(),
        })
    }

    /// The folder everything lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The regions, to stop and start them (cheap to clone; it does not keep the sandbox
    /// alive).
    pub fn regions(&self) -> Regions {
        Regions::new(
            self.consoles
                .iter()
                .map(|(region, console)| (region.clone(), console.switch()))
                .collect(),
        )
    }

    /// Process ids of every Fabric node and the chaincode server.
    pub fn pids(&self) -> Vec<u32> {
        self.consoles
            .iter()
            .flat_map(|(_, c)| c.node_pids())
            .chain(self.ordering.pids())
            .chain(self.chaincode.pid())
            .collect()
    }

    /// Stops the consoles (and with them their nodes), the ordering service and the chaincode
    /// server, and waits until they have stopped.
    pub async fn shutdown(mut self) {
        for (_, console) in self.consoles.drain(..) {
            console.shutdown().await;
        }
        self.chaincode.stop();
        self.ordering.stop();
    }
}

fn write_pem(dir: &Path, name: &str, pem: &str) -> Result<String, String> {
    let path = dir.join(name);
    std::fs::write(&path, pem).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path.display().to_string())
}

/// Writes `export K='V'` lines (single-quoted for the shell).
fn write_env(path: &Path, vars: &[(&str, String)]) -> Result<(), String> {
    let text: String = vars
        .iter()
        .map(|(k, v)| format!("export {k}='{}'\n", v.replace('\'', "'\\''")))
        .collect();
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A region as the sandbox runs it: its console and the nodes that console's deployer created
/// (the organization's CA and peer in region 1, the peers created later in every region).
/// The ordering service and the chaincode server belong to no region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionState {
    /// The region's name.
    pub region: String,
    /// Its console's URL.
    pub console_url: String,
    /// The console serves.
    pub running: bool,
    /// The nodes its deployer created, CAs first; each `pid` is the running process (after a
    /// stop: the process that was stopped).
    pub nodes: Vec<NodeState>,
}

/// Why a region could not be stopped or started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionError {
    /// The sandbox has no region of that name.
    Unknown {
        /// The name asked for.
        region: String,
        /// The sandbox's regions.
        known: Vec<String>,
    },
    /// Stop asked of a stopped region.
    AlreadyStopped(String),
    /// Start asked of a running region.
    AlreadyRunning(String),
    /// The console was shut down with the sandbox.
    Gone(String),
    /// A node or the console did not come back.
    Failed {
        /// The region.
        region: String,
        /// What happened.
        message: String,
    },
}

impl RegionError {
    /// A stable name for the kind of error (`unknown_region`, `already_stopped`,
    /// `already_running`, `gone`, `failed`).
    pub fn code(&self) -> &'static str {
        match self {
            RegionError::Unknown { .. } => "unknown_region",
            RegionError::AlreadyStopped(_) => "already_stopped",
            RegionError::AlreadyRunning(_) => "already_running",
            RegionError::Gone(_) => "gone",
            RegionError::Failed { .. } => "failed",
        }
    }
}

impl std::fmt::Display for RegionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegionError::Unknown { region, known } => write!(
                f,
                "the sandbox has no region {region:?} (its regions: {})",
                known.join(", ")
            ),
            RegionError::AlreadyStopped(region) => write!(f, "region {region} is stopped already"),
            RegionError::AlreadyRunning(region) => write!(f, "region {region} is running already"),
            RegionError::Gone(region) => {
                write!(f, "region {region}: the sandbox is shutting down")
            }
            RegionError::Failed { region, message } => write!(f, "region {region}: {message}"),
        }
    }
}

impl std::error::Error for RegionError {}

/// Stops and starts the sandbox's regions, as a region outage does: see [`ConsoleSwitch`].
#[derive(Debug, Clone)]
pub struct Regions {
    regions: Vec<(String, ConsoleSwitch)>,
}

impl Regions {
    /// Regions from consoles' switches (what [`FabricSandbox::regions`] builds), region 1
    /// first.
    pub fn new(regions: Vec<(String, ConsoleSwitch)>) -> Regions {
        Regions { regions }
    }

    /// The region names, region 1 first.
    pub fn names(&self) -> Vec<String> {
        self.regions.iter().map(|(r, _)| r.clone()).collect()
    }

    fn find(&self, region: &str) -> Result<&ConsoleSwitch, RegionError> {
        self.regions
            .iter()
            .find(|(r, _)| r == region)
            .map(|(_, switch)| switch)
            .ok_or_else(|| RegionError::Unknown {
                region: region.to_owned(),
                known: self.names(),
            })
    }

    fn state(region: &str, switch: &ConsoleSwitch, nodes: Vec<NodeState>) -> RegionState {
        RegionState {
            region: region.to_owned(),
            console_url: switch.url().to_owned(),
            running: switch.is_running(),
            nodes,
        }
    }

    fn error(region: &str, e: SwitchError) -> RegionError {
        let region = region.to_owned();
        match e {
            SwitchError::AlreadyStopped => RegionError::AlreadyStopped(region),
            SwitchError::AlreadyRunning => RegionError::AlreadyRunning(region),
            SwitchError::Gone => RegionError::Gone(region),
            SwitchError::Failed(message) => RegionError::Failed { region, message },
        }
    }

    /// Every region as it is now.
    pub fn status(&self) -> Vec<RegionState> {
        self.regions
            .iter()
            .map(|(region, switch)| Self::state(region, switch, switch.nodes()))
            .collect()
    }

    /// Stops the region's console (its port refuses connections once this returns), then the
    /// nodes its deployer created. The state returned names the process ids stopped.
    pub async fn stop(&self, region: &str) -> Result<RegionState, RegionError> {
        let switch = self.find(region)?;
        let stopped = switch.stop().await.map_err(|e| Self::error(region, e))?;
        Ok(Self::state(region, switch, stopped))
    }

    /// Starts the region's nodes again (same folders, ports, certificates and ledgers; each
    /// waited for, bounded), then its console on the same port with the same state. Call it
    /// from a task on a runtime that outlives the nodes.
    pub async fn start(&self, region: &str) -> Result<RegionState, RegionError> {
        let switch = self.find(region)?;
        let started = switch.start().await.map_err(|e| Self::error(region, e))?;
        Ok(Self::state(region, switch, started))
    }
}
