//! The asset-transfer contract served as chaincode-as-a-service: its ccaas package, the Node.js
//! chaincode server (`chaincode/asset`, `fabric-shim` in server mode) and the lifecycle
//! through the `peer` CLI (install, approve, commit, invoke, query).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::channel::{cli_config_dir, peer_cli, PeerEndpoint};
use crate::msp::OrgAdmin;
use crate::process::{clean_command, run_tool};
use crate::{free_port, mkdir, write, Error, Fabric, NodeProcess, OrderingService};

/// How long one lifecycle call may take.
const TOOL_TIMEOUT: Duration = Duration::from_secs(90);
/// How long the chaincode server gets to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A chaincode install package (`.tar.gz`) and the id a peer gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChaincodePackage {
    /// The package's label.
    pub label: String,
    /// The package file's bytes.
    pub bytes: Vec<u8>,
    /// `<label>:<sha256 hex of the bytes>`, as `peer lifecycle chaincode install` reports it.
    pub package_id: String,
}

fn tar_gz(files: &[(&str, &[u8])]) -> Result<Vec<u8>, Error> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, name, *data)
            .map_err(|e| Error::io(format!("cannot pack {name}"), e))?;
    }
    let gz = tar
        .into_inner()
        .map_err(|e| Error::io("cannot pack the chaincode", e))?;
    gz.finish()
        .map_err(|e| Error::io("cannot pack the chaincode", e))
}

/// A ccaas package whose `connection.json` points the peer at `address` (no TLS).
pub fn ccaas_package(label: &str, address: &str) -> Result<ChaincodePackage, Error> {
    let connection = serde_json::json!({
        "address": address, "dial_timeout": "10s", "tls_required": false,
    })
    .to_string();
    let code = tar_gz(&[("connection.json", connection.as_bytes())])?;
    let metadata = serde_json::json!({ "type": "ccaas", "label": label }).to_string();
    let bytes = tar_gz(&[
        ("metadata.json", metadata.as_bytes()),
        ("code.tar.gz", &code),
    ])?;
    let package_id = format!("{label}:{}", hex::encode(Sha256::digest(&bytes)));
    Ok(ChaincodePackage {
        label: label.to_owned(),
        bytes,
        package_id,
    })
}

/// The folder of the Node.js contract (`FABRIC_HA_CHAINCODE_DIR`, else the one in this crate),
/// which must have its `node_modules` (`npm ci`).
pub fn contract_dir() -> PathBuf {
    std::env::var_os("FABRIC_HA_CHAINCODE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("chaincode")
                .join("asset")
        })
}

/// A running chaincode server. Dropping it stops it.
#[derive(Debug)]
pub struct ChaincodeServer {
    process: NodeProcess,
    address: String,
}

impl ChaincodeServer {
    /// Starts the asset contract's server on `127.0.0.1:port` for `package_id`, its log in
    /// `dir/<name>.log`, and waits (bounded) until it listens.
    pub async fn start(
        dir: &Path,
        name: &str,
        port: u16,
        package_id: &str,
    ) -> Result<ChaincodeServer, Error> {
        let contract = contract_dir();
        let server = contract
            .join("node_modules")
            .join(".bin")
            .join("fabric-chaincode-node");
        if !server.is_file() {
            return Err(Error::Invalid(format!(
                "{} is missing: run `npm ci` in {}",
                server.display(),
                contract.display()
            )));
        }
        let node = which_node()?;
        let address = format!("127.0.0.1:{port}");
        let mut cmd = clean_command(&node, dir);
        cmd.current_dir(&contract)
            .arg(&server)
            .arg("server")
            .arg("--chaincode-address")
            .arg(&address)
            .arg("--chaincode-id")
            .arg(package_id);
        let mut process = NodeProcess::spawn(name, cmd, &dir.join(format!("{name}.log")))?;
        let deadline = Instant::now() + START_TIMEOUT;
        while tokio::net::TcpStream::connect(&address).await.is_err() {
            if !process.is_running() {
                return Err(Error::Exited {
                    what: name.to_owned(),
                    log: process.log_tail(20),
                });
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    what: name.to_owned(),
                    after: START_TIMEOUT,
                    log: process.log_tail(20),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(ChaincodeServer { process, address })
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The process id; `None` once stopped.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// Stops the server (also done on drop).
    pub fn stop(&mut self) {
        self.process.stop();
    }
}

fn which_node() -> Result<PathBuf, Error> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
        .ok_or_else(|| Error::Invalid("node (Node.js) is not on PATH".to_owned()))
}

/// Where the lifecycle commands run: the binaries, a work folder, the org admin and the
/// ordering service.
#[derive(Debug, Clone, Copy)]
pub struct Lifecycle<'a> {
    /// The binaries.
    pub fabric: &'a Fabric,
    /// A work folder for the CLI's files.
    pub dir: &'a Path,
    /// The organization's admin, who signs.
    pub admin: &'a OrgAdmin,
    /// The ordering service.
    pub ordering: &'a OrderingService,
}

impl Lifecycle<'_> {
    fn cli(&self, peer: &PeerEndpoint) -> Result<std::process::Command, Error> {
        let config = cli_config_dir(self.fabric, self.dir)?;
        peer_cli(
            self.fabric,
            self.admin,
            &config,
            peer,
            &self.dir.join("cli"),
        )
    }

    fn with_orderer(&self, cmd: &mut std::process::Command) {
        cmd.arg("-o")
            .arg(self.ordering.address())
            .arg("--tls")
            .arg("--cafile")
            .arg(self.ordering.tls_root_file());
    }

    fn with_peers(
        &self,
        cmd: &mut std::process::Command,
        peers: &[PeerEndpoint],
    ) -> Result<(), Error> {
        let work = self.dir.join("cli");
        for peer in peers {
            let root = work.join(format!(
                "tls-root-{}.pem",
                peer.address.replace([':', '.'], "-")
            ));
            write(&root, &peer.tls_root_pem)?;
            cmd.arg("--peerAddresses")
                .arg(&peer.address)
                .arg("--tlsRootCertFiles")
                .arg(root);
        }
        Ok(())
    }

    /// `peer lifecycle chaincode install` of `package` on `peer`.
    pub async fn install(
        &self,
        peer: &PeerEndpoint,
        package: &ChaincodePackage,
    ) -> Result<(), Error> {
        let work = self.dir.join("packages");
        mkdir(&work)?;
        let file = work.join(format!("{}.tar.gz", package.label));
        write(&file, &package.bytes)?;
        let mut cmd = self.cli(peer)?;
        cmd.args(["lifecycle", "chaincode", "install"]).arg(&file);
        run_tool(
            &format!("install {} on {}", package.label, peer.address),
            cmd,
            TOOL_TIMEOUT,
        )
        .await
        .map(drop)
    }

    /// `approveformyorg` then `commit` of `name` version 1.0, sequence 1, with `package_id`, on
    /// `channel`, endorsed by `peers`.
    pub async fn approve_and_commit(
        &self,
        channel: &str,
        name: &str,
        package_id: &str,
        peers: &[PeerEndpoint],
    ) -> Result<(), Error> {
        let first = peers
            .first()
            .ok_or_else(|| Error::Invalid("no peer to approve on".to_owned()))?;
        let mut approve = self.cli(first)?;
        approve
            .args([
                "lifecycle",
                "chaincode",
                "approveformyorg",
                "--channelID",
                channel,
                "--name",
                name,
            ])
            .args([
                "--version",
                "1.0",
                "--sequence",
                "1",
                "--package-id",
                package_id,
            ]);
        self.with_orderer(&mut approve);
        run_tool(
            &format!("approve {name} on {channel}"),
            approve,
            TOOL_TIMEOUT,
        )
        .await?;
        let mut commit = self.cli(first)?;
        commit
            .args([
                "lifecycle",
                "chaincode",
                "commit",
                "--channelID",
                channel,
                "--name",
                name,
            ])
            .args(["--version", "1.0", "--sequence", "1"]);
        self.with_orderer(&mut commit);
        self.with_peers(&mut commit, peers)?;
        run_tool(&format!("commit {name} on {channel}"), commit, TOOL_TIMEOUT)
            .await
            .map(drop)
    }

    /// `peer chaincode invoke … --waitForEvent`: endorsed by `peers`, returns once the
    /// transaction committed as valid (an error otherwise, with the peer's reason).
    pub async fn invoke(
        &self,
        channel: &str,
        name: &str,
        peers: &[PeerEndpoint],
        function: &str,
        args: &[&str],
    ) -> Result<String, Error> {
        let first = peers
            .first()
            .ok_or_else(|| Error::Invalid("no peer to endorse".to_owned()))?;
        let call = serde_json::json!({ "function": function, "Args": args }).to_string();
        let mut cmd = self.cli(first)?;
        cmd.args([
            "chaincode",
            "invoke",
            "-C",
            channel,
            "-n",
            name,
            "-c",
            &call,
            "--waitForEvent",
        ]);
        self.with_orderer(&mut cmd);
        self.with_peers(&mut cmd, peers)?;
        let what = format!("invoke {name} {function} on {channel}");
        // The CLI prints its outcome on stderr; on success stdout is empty.
        run_tool(&what, cmd, TOOL_TIMEOUT).await
    }

    /// `peer chaincode query` on `peer`: the contract's answer.
    pub async fn query(
        &self,
        channel: &str,
        name: &str,
        peer: &PeerEndpoint,
        function: &str,
        args: &[&str],
    ) -> Result<String, Error> {
        let mut all = vec![function];
        all.extend_from_slice(args);
        let call = serde_json::json!({ "Args": all }).to_string();
        let mut cmd = self.cli(peer)?;
        cmd.args(["chaincode", "query", "-C", channel, "-n", name, "-c", &call]);
        run_tool(
            &format!("query {name} {function} on {}", peer.address),
            cmd,
            TOOL_TIMEOUT,
        )
        .await
        .map(|out| out.trim().to_owned())
    }
}

/// Packages the asset contract as ccaas (label `label`), starts its server, installs the package
/// on `peers`, approves and commits it on `channel` as `name`. Returns the running server and
/// the package.
pub async fn deploy(
    lifecycle: Lifecycle<'_>,
    channel: &str,
    name: &str,
    label: &str,
    peers: &[PeerEndpoint],
) -> Result<(ChaincodeServer, ChaincodePackage), Error> {
    let port = free_port()?;
    let package = ccaas_package(label, &format!("127.0.0.1:{port}"))?;
    let server = ChaincodeServer::start(
        lifecycle.dir,
        &format!("chaincode-{name}"),
        port,
        &package.package_id,
    )
    .await?;
    for peer in peers {
        lifecycle.install(peer, &package).await?;
    }
    lifecycle
        .approve_and_commit(channel, name, &package.package_id, peers)
        .await?;
    Ok((server, package))
}
