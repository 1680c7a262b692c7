//! Real Hyperledger Fabric networks for tests and the sandbox, started from the release
//! binaries (see `fabric-ha-fabric-bins`) and stopped again.
//!
//! Everything binds to `127.0.0.1` on free ports with TLS, each process runs in a folder of its
//! own with its log (`<name>.log`) and in a process group of its own, and a handle that drops
//! stops its group: when a test ends, when it fails (unwinding), or when the sandbox gets Ctrl-C.
//!
//! - [`CaServer`]: a `fabric-ca-server` with the two CA names a console-deployed CA has (`ca` and
//!   `tlsca`, one user registry), its bootstrap admin and further registry identities.
//! - [`enroll`]: `fabric-ca-client` enrollment into an MSP folder, pinned to the CA's TLS cert.
//! - [`Peer`]: a peer as the console's deployer creates it from a create-peer body's
//!   `crypto.enrollment`: enrollment and TLS certs, a local MSP with Node OUs and the org admin
//!   certs, goleveldb, the ccaas builder, its own ports; healthy once `/healthz` says OK.
//! - [`OrderingService`]: its own CA, one or three Raft orderers with the channel
//!   participation API and no system channel.
//! - Mutual TLS: [`Peer::start_requiring_client_tls`] and
//!   [`OrderingService::start_requiring_client_tls`] start nodes that refuse clients without a
//!   certificate of a trusted TLS CA; a client's certificate and key come from [`enroll`] at
//!   the organization's `tlsca` (as for the nodes' own TLS certificates).
//! - [`channel`]: a channel from `configtxgen` joined with `osnadmin`, peers joined and the
//!   [`chaincode`] installed, approved, committed and invoked through the `peer` CLI as the org
//!   admin.
//!
//! [`Fabric::from_env`] finds the binaries; tests call [`Fabric::for_tests`], which skips with
//! one line saying what to set, or fails when `FABRIC_HA_REQUIRE_FABRIC=1` (CI).

pub mod ca;
pub mod chaincode;
pub mod channel;
mod health;
pub mod msp;
pub mod orderer;
pub mod peer;
mod ports;
mod process;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use ca::{CaServer, CaSpec, RegistryIdentity};
pub use fabric_ha_fabric_bins::{Binary, FabricBins, HOW_TO_GET};
pub use health::{probe, serves_grpc};
pub use msp::{enroll, identity_list, CaEndpoint, Enrollment, OrgAdmin};
pub use orderer::OrderingService;
pub use peer::{Peer, PeerSpec};
pub use ports::free_port;
pub use process::NodeProcess;

/// Why a network operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Binaries, configuration or the ccaas builder are missing.
    #[error(transparent)]
    Missing(#[from] fabric_ha_fabric_bins::Missing),
    /// A file or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A tool (`fabric-ca-client`, `configtxgen`, `osnadmin`, `peer`) exited with an error.
    #[error("{what} failed ({status}): {output}")]
    Tool {
        /// What was run.
        what: String,
        /// Its exit status.
        status: String,
        /// The tail of its output.
        output: String,
    },
    /// A node did not become ready in time (its log tail attached).
    #[error("{what} was not ready after {after:?}{}", if log.is_empty() { String::new() } else { format!("; last log lines:\n{log}") })]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        after: Duration,
        /// The node's last log lines.
        log: String,
    },
    /// A node exited while it was expected to run.
    #[error("{what} exited; last log lines:\n{log}")]
    Exited {
        /// Which node.
        what: String,
        /// Its last log lines.
        log: String,
    },
    /// The input cannot describe a node (bad PEM, URL, id).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}

/// The binaries every network needs.
const NEEDED: [Binary; 6] = [
    Binary::Peer,
    Binary::Orderer,
    Binary::Osnadmin,
    Binary::Configtxgen,
    Binary::FabricCaServer,
    Binary::FabricCaClient,
];

/// Found, checked binaries, the sample configuration and the ccaas builder: what every node of a
/// network is started from. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fabric {
    bins: FabricBins,
    cfg_dir: PathBuf,
    ccaas: PathBuf,
}

impl Fabric {
    /// Locates the binaries (`explicit`, else `FABRIC_BIN` / `FABRIC_CFG_PATH`, else `PATH`) and
    /// checks that everything a network needs is there.
    pub fn locate(explicit: Option<&Path>) -> Result<Fabric, Error> {
        let bins = FabricBins::locate(explicit);
        bins.require(&NEEDED, true)?;
        let cfg_dir = bins
            .config_dir()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::Invalid("no Fabric configuration folder".to_owned()))?;
        let ccaas = bins
            .ccaas_builder()
            .ok_or_else(|| Error::Invalid("no ccaas builder".to_owned()))?;
        Ok(Fabric {
            bins,
            cfg_dir,
            ccaas,
        })
    }

    /// [`Fabric::locate`] from the environment alone.
    pub fn from_env() -> Result<Fabric, Error> {
        Fabric::locate(None)
    }

    /// For tests: the binaries, or `None` after printing one line that says what to set. With
    /// `FABRIC_HA_REQUIRE_FABRIC=1` (CI) a missing binary is a panic instead of a skip.
    #[allow(clippy::panic)]
    pub fn for_tests(test: &str) -> Option<Fabric> {
        match Fabric::from_env() {
            Ok(fabric) => Some(fabric),
            Err(e) if std::env::var("FABRIC_HA_REQUIRE_FABRIC").as_deref() == Ok("1") => {
                panic!("{test}: FABRIC_HA_REQUIRE_FABRIC=1 but {e}")
            }
            Err(e) => {
                eprintln!("skipped {test}: real Fabric needed ({e}; `make test` sets it up from ../shared/fabric)");
                None
            }
        }
    }

    /// The path of a program (checked by [`Fabric::locate`]).
    pub(crate) fn bin(&self, binary: Binary) -> PathBuf {
        self.bins
            .path(binary)
            .unwrap_or_else(|| PathBuf::from(binary.file_name()))
    }

    /// The sample configuration folder (`core.yaml`, `orderer.yaml`).
    pub fn config_dir(&self) -> &Path {
        &self.cfg_dir
    }

    /// The ccaas builder folder.
    pub fn ccaas_builder(&self) -> &Path {
        &self.ccaas
    }
}

/// Creates `dir` (and its parents).
pub(crate) fn mkdir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))
}

/// Writes `contents` to `path`.
pub(crate) fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), Error> {
    std::fs::write(path, contents)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

/// Reads `path` as text.
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))
}

/// The one file in `dir` (an MSP's `signcerts`, `keystore`, `cacerts` …).
pub(crate) fn only_file(dir: &Path) -> Result<PathBuf, Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot read {}", dir.display()), e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    match files.len() {
        1 => Ok(files.remove(0)),
        n => Err(Error::Invalid(format!(
            "expected one file in {}, found {n}",
            dir.display()
        ))),
    }
}
