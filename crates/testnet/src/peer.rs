//! A peer as the console's deployer creates it from a create-peer body's `crypto.enrollment`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::health::{answers, https_client, wait_until_answers};
use crate::msp::{enroll, write_msp, CaEndpoint, MspContent};
use crate::process::clean_command;
use crate::{free_port, mkdir, read, write, Binary, Error, Fabric, NodeProcess};

/// The ccaas builder's path in Fabric's sample `core.yaml`, replaced by the real one.
const SAMPLE_CCAAS_PATH: &str = "/opt/hyperledger/ccaas_builder";
/// The sample's Docker endpoint (`vm.endpoint`). An empty value in the environment does not
/// override it, and while it is set the peer's `/healthz` fails without Docker.
const SAMPLE_DOCKER_ENDPOINT: &str = "endpoint: unix:///var/run/docker.sock";

/// Fabric's sample `core.yaml` with the ccaas external builder pointing at the unpacked one and
/// Docker switched off (chaincode runs only as a service).
pub(crate) fn core_yaml(fabric: &Fabric) -> Result<String, Error> {
    let file = fabric.config_dir().join("core.yaml");
    let sample = read(&file)?;
    for needle in [SAMPLE_CCAAS_PATH, SAMPLE_DOCKER_ENDPOINT] {
        if !sample.contains(needle) {
            return Err(Error::Invalid(format!(
                "{} has no `{needle}`: use the core.yaml of the release archive",
                file.display()
            )));
        }
    }
    Ok(sample
        .replace(
            SAMPLE_CCAAS_PATH,
            &fabric.ccaas_builder().display().to_string(),
        )
        .replace(SAMPLE_DOCKER_ENDPOINT, "endpoint: \"\""))
}

/// Writes a `FABRIC_CFG_PATH` folder (`core.yaml`) for peers and the `peer` CLI into `dir`.
pub(crate) fn write_config_dir(fabric: &Fabric, dir: &Path) -> Result<(), Error> {
    mkdir(dir)?;
    write(&dir.join("core.yaml"), core_yaml(fabric)?)
}

/// Fabric's default log format without its colour codes.
pub(crate) const LOG_FORMAT: &str =
    "%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x} %{message}";

/// How to create one peer.
#[derive(Debug, Clone)]
pub struct PeerSpec {
    /// The node's name: its folder, its log and `peer.id`.
    pub name: String,
    /// The organization's MSP id.
    pub msp_id: String,
    /// Where to enroll the enrollment certificate (CA name `ca` of the organization's CA).
    pub ca: CaEndpoint,
    /// The peer's enroll id and secret at `ca`.
    pub enroll: (String, String),
    /// Where to enroll the TLS certificate (CA name `tlsca`).
    pub tlsca: CaEndpoint,
    /// The peer's enroll id and secret at `tlsca`.
    pub tls_enroll: (String, String),
    /// SANs of the TLS certificate besides `127.0.0.1` and `localhost`.
    pub csr_hosts: Vec<String>,
    /// Org admin certificates for the local MSP's `admincerts`.
    pub admin_certs: Vec<String>,
    /// `gossip.bootstrap`: another peer of the organization (`host:port`); itself when `None`.
    pub gossip_bootstrap: Option<String>,
}

/// A running peer. Dropping it stops the process; [`Peer::remove`] also deletes its data.
#[derive(Debug)]
pub struct Peer {
    process: NodeProcess,
    dir: PathBuf,
    msp_id: String,
    port: u16,
    operations_port: u16,
    ecert_pem: String,
    tls_cert_pem: String,
    ca_root_pem: String,
    tlsca_root_pem: String,
}

impl Peer {
    /// Enrolls the peer's certificates, writes its MSP and configuration in `dir/<name>` and
    /// starts `peer node start`. Returns once the process runs; see [`Peer::wait_healthy`].
    pub async fn start(fabric: &Fabric, dir: &Path, spec: PeerSpec) -> Result<Peer, Error> {
        Peer::start_with(fabric, dir, spec, false).await
    }

    /// [`Peer::start`] for a peer that requires mutual TLS (`peer.tls.clientAuthRequired`):
    /// a client must present a certificate issued by the organization's TLS CA (`spec.tlsca`,
    /// the peer's client root CA; Fabric adds the TLS CAs of its channels' organizations), and
    /// the peer presents its own TLS certificate to the orderers. The `peer` CLI helpers of
    /// [`crate::channel`] present none, so they cannot talk to it.
    pub async fn start_requiring_client_tls(
        fabric: &Fabric,
        dir: &Path,
        spec: PeerSpec,
    ) -> Result<Peer, Error> {
        Peer::start_with(fabric, dir, spec, true).await
    }

    async fn start_with(
        fabric: &Fabric,
        dir: &Path,
        spec: PeerSpec,
        client_tls_required: bool,
    ) -> Result<Peer, Error> {
        let home = dir.join(&spec.name);
        let started = Peer::start_in(fabric, dir, &home, spec, client_tls_required).await;
        if started.is_err() {
            // A refused enrollment leaves nothing behind for the next attempt to trip over.
            let _ = std::fs::remove_dir_all(&home);
        }
        started
    }

    async fn start_in(
        fabric: &Fabric,
        dir: &Path,
        home: &Path,
        spec: PeerSpec,
        client_tls_required: bool,
    ) -> Result<Peer, Error> {
        let home = home.to_path_buf();
        if home.exists() {
            std::fs::remove_dir_all(&home)
                .map_err(|e| Error::io(format!("cannot clear {}", home.display()), e))?;
        }
        mkdir(&home)?;
        let ecert = enroll(
            fabric,
            &spec.ca,
            &spec.enroll.0,
            &spec.enroll.1,
            &[],
            &home.join("enroll").join("ecert"),
        )
        .await?;
        let mut hosts = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
        hosts.extend(
            spec.csr_hosts
                .iter()
                .filter(|h| !hosts.contains(h))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let tls = enroll(
            fabric,
            &spec.tlsca,
            &spec.tls_enroll.0,
            &spec.tls_enroll.1,
            &hosts,
            &home.join("enroll").join("tls"),
        )
        .await?;
        write_msp(
            &home.join("msp"),
            MspContent {
                ca_root_pem: &ecert.root_pem,
                tlsca_root_pem: &tls.root_pem,
                signer: Some(&ecert),
                admin_certs: &spec.admin_certs,
            },
        )?;
        let tls_dir = home.join("tls");
        mkdir(&tls_dir)?;
        write(&tls_dir.join("server.crt"), &tls.cert_pem)?;
        std::fs::copy(&tls.key_path, tls_dir.join("server.key"))
            .map_err(|e| Error::io("cannot copy the peer's TLS key", e))?;
        write(&tls_dir.join("ca.crt"), &tls.root_pem)?;
        write_config_dir(fabric, &home.join("config"))?;

        let port = free_port()?;
        let chaincode_port = free_port()?;
        let operations_port = free_port()?;
        let profile_port = free_port()?;
        let address = format!("127.0.0.1:{port}");
        let path = |p: &Path| p.display().to_string();
        let mut cmd = clean_command(&fabric.bin(Binary::Peer), &home);
        cmd.current_dir(&home)
            .args(["node", "start"])
            .env("FABRIC_CFG_PATH", home.join("config"))
            .env("CORE_PEER_ID", &spec.name)
            .env("CORE_PEER_LISTENADDRESS", &address)
            .env("CORE_PEER_ADDRESS", &address)
            .env(
                "CORE_PEER_CHAINCODELISTENADDRESS",
                format!("127.0.0.1:{chaincode_port}"),
            )
            .env(
                "CORE_PEER_CHAINCODEADDRESS",
                format!("127.0.0.1:{chaincode_port}"),
            )
            .env("CORE_PEER_GOSSIP_EXTERNALENDPOINT", &address)
            .env(
                "CORE_PEER_GOSSIP_BOOTSTRAP",
                spec.gossip_bootstrap.as_deref().unwrap_or(&address),
            )
            .env("CORE_PEER_LOCALMSPID", &spec.msp_id)
            .env("CORE_PEER_MSPCONFIGPATH", path(&home.join("msp")))
            .env("CORE_PEER_FILESYSTEMPATH", path(&home.join("data")))
            .env(
                "CORE_LEDGER_SNAPSHOTS_ROOTDIR",
                path(&home.join("data").join("snapshots")),
            )
            .env("CORE_LEDGER_STATE_STATEDATABASE", "goleveldb")
            .env("CORE_PEER_TLS_ENABLED", "true")
            .env("CORE_PEER_TLS_CERT_FILE", path(&tls_dir.join("server.crt")))
            .env("CORE_PEER_TLS_KEY_FILE", path(&tls_dir.join("server.key")))
            .env("CORE_PEER_TLS_ROOTCERT_FILE", path(&tls_dir.join("ca.crt")))
            .env("CORE_PEER_PROFILE_ENABLED", "false")
            .env(
                "CORE_PEER_PROFILE_LISTENADDRESS",
                format!("127.0.0.1:{profile_port}"),
            )
            .env(
                "CORE_OPERATIONS_LISTENADDRESS",
                format!("127.0.0.1:{operations_port}"),
            )
            .env("CORE_OPERATIONS_TLS_ENABLED", "true")
            .env(
                "CORE_OPERATIONS_TLS_CERT_FILE",
                path(&tls_dir.join("server.crt")),
            )
            .env(
                "CORE_OPERATIONS_TLS_KEY_FILE",
                path(&tls_dir.join("server.key")),
            )
            .env("CORE_METRICS_PROVIDER", "disabled")
            .env("CORE_CHAINCODE_STARTUPTIMEOUT", "60s")
            .env("FABRIC_LOGGING_FORMAT", LOG_FORMAT)
            .env(
                "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG",
                format!("{{\"peername\":\"{}\"}}", spec.name),
            );
        if client_tls_required {
            cmd.env("CORE_PEER_TLS_CLIENTAUTHREQUIRED", "true").env(
                "CORE_PEER_TLS_CLIENTROOTCAS_FILES",
                path(&tls_dir.join("ca.crt")),
            );
        }
        let log = dir.join(format!("{}.log", spec.name));
        let process = NodeProcess::spawn(&spec.name, cmd, &log)?;
        Ok(Peer {
            process,
            dir: home,
            msp_id: spec.msp_id,
            port,
            operations_port,
            ecert_pem: ecert.cert_pem,
            tls_cert_pem: tls.cert_pem,
            ca_root_pem: ecert.root_pem,
            tlsca_root_pem: tls.root_pem,
        })
    }

    /// Waits (bounded) until `/healthz` says OK and the peer's gRPC server answers a TLS
    /// handshake (the operations endpoint comes up first, and the port is bound while the
    /// ledger still opens); an early exit is an error with the log tail.
    pub async fn wait_healthy(&mut self, timeout: Duration) -> Result<(), Error> {
        let started = std::time::Instant::now();
        let client = https_client(&self.tlsca_root_pem)?;
        let url = format!("{}/healthz", self.operations_url());
        wait_until_answers(&mut self.process, &client, &url, Some("\"OK\""), timeout).await?;
        let address = self.address();
        while !crate::health::serves_grpc(&address, &self.tlsca_root_pem, Duration::from_secs(1))
            .await
        {
            if !self.process.is_running() {
                return Err(Error::Exited {
                    what: self.process.name().to_owned(),
                    log: self.process.log_tail(20),
                });
            }
            if started.elapsed() >= timeout {
                return Err(Error::Timeout {
                    what: format!("{} ({address})", self.process.name()),
                    after: timeout,
                    log: self.process.log_tail(20),
                });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }

    /// True when `/healthz` says OK now.
    pub async fn healthy(&self) -> bool {
        match https_client(&self.tlsca_root_pem) {
            Ok(client) => {
                answers(
                    &client,
                    &format!("{}/healthz", self.operations_url()),
                    Some("\"OK\""),
                )
                .await
            }
            Err(_) => false,
        }
    }

    /// `127.0.0.1:PORT`, the peer's address (also its gossip endpoint).
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `grpcs://127.0.0.1:PORT`.
    pub fn api_url(&self) -> String {
        format!("grpcs://{}", self.address())
    }

    /// `https://127.0.0.1:PORT` of the operations endpoint.
    pub fn operations_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.operations_port)
    }

    /// The organization's MSP id.
    pub fn msp_id(&self) -> &str {
        &self.msp_id
    }

    /// PEM of the enrollment certificate.
    pub fn ecert_pem(&self) -> &str {
        &self.ecert_pem
    }

    /// PEM of the TLS certificate.
    pub fn tls_cert_pem(&self) -> &str {
        &self.tls_cert_pem
    }

    /// PEM of the enrollment CA's root.
    pub fn ca_root_pem(&self) -> &str {
        &self.ca_root_pem
    }

    /// PEM of the TLS CA's root.
    pub fn tlsca_root_pem(&self) -> &str {
        &self.tlsca_root_pem
    }

    /// The peer's TLS CA root file (for `--tlsRootCertFiles`).
    pub fn tls_root_file(&self) -> PathBuf {
        self.dir.join("tls").join("ca.crt")
    }

    /// Where the peer puts finished ledger snapshots (`<rootDir>/completed`).
    pub fn completed_snapshots_dir(&self) -> PathBuf {
        self.dir.join("data").join("snapshots").join("completed")
    }

    /// A `FABRIC_CFG_PATH` for the `peer` CLI (the patched `core.yaml`).
    pub fn config_dir(&self) -> PathBuf {
        self.dir.join("config")
    }

    /// The process id; `None` once stopped.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    /// Stops the peer (also done on drop); its data stays.
    pub fn stop(&mut self) {
        self.process.stop();
    }

    /// Starts the stopped peer again from its folder, on the same ports with the same
    /// certificates, MSP and ledger, and waits (bounded) until it is healthy and its port
    /// serves (see [`Peer::wait_healthy`]). An error while it runs. Call it from a thread
    /// that outlives the peer (see [`NodeProcess::start_again`]).
    pub async fn start_again(&mut self, timeout: Duration) -> Result<(), Error> {
        self.process.start_again()?;
        self.wait_healthy(timeout).await
    }

    /// Stops the peer and deletes its folder, as deleting a deployed component does.
    pub fn remove(mut self) -> Result<(), Error> {
        self.process.stop();
        std::fs::remove_dir_all(&self.dir)
            .map_err(|e| Error::io(format!("cannot remove {}", self.dir.display()), e))
    }
}
