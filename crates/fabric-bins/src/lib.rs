//! Finds the Hyperledger Fabric and Fabric CA release binaries and reads their versions.
//!
//! The official release archives (`hyperledger-fabric-linux-amd64-2.5.x.tar.gz` and
//! `hyperledger-fabric-ca-linux-amd64-1.5.x.tar.gz`) unpack into `bin/` (the programs),
//! `config/` (`core.yaml`, `orderer.yaml`, `configtx.yaml`) and `builders/ccaas/bin/` (the
//! chaincode-as-a-service builder). Where they are is said, in this order, by an explicit folder
//! (`--fabric-bin` on the commands that start nodes), by `FABRIC_BIN` (and `FABRIC_CFG_PATH` for
//! the configuration), or by `PATH`. The configuration folder defaults to `config/` beside the
//! `bin/` folder, and the builder to `builders/ccaas` beside it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

/// One program of the two release archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binary {
    /// `peer`: the peer node and the peer CLI.
    Peer,
    /// `orderer`: an ordering node.
    Orderer,
    /// `osnadmin`: the orderer's channel participation API client.
    Osnadmin,
    /// `configtxgen`: channel genesis blocks from `configtx.yaml`.
    Configtxgen,
    /// `configtxlator`: protobuf ↔ JSON and config update computation.
    Configtxlator,
    /// `discover`: the discovery service's CLI.
    Discover,
    /// `fabric-ca-server`: the Fabric CA.
    FabricCaServer,
    /// `fabric-ca-client`: the Fabric CA's CLI.
    FabricCaClient,
}

impl Binary {
    /// Every program, in the order `doctor` lists them.
    pub const ALL: [Binary; 8] = [
        Binary::Peer,
        Binary::Orderer,
        Binary::Osnadmin,
        Binary::Configtxgen,
        Binary::Configtxlator,
        Binary::Discover,
        Binary::FabricCaServer,
        Binary::FabricCaClient,
    ];

    /// The program's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Binary::Peer => "peer",
            Binary::Orderer => "orderer",
            Binary::Osnadmin => "osnadmin",
            Binary::Configtxgen => "configtxgen",
            Binary::Configtxlator => "configtxlator",
            Binary::Discover => "discover",
            Binary::FabricCaServer => "fabric-ca-server",
            Binary::FabricCaClient => "fabric-ca-client",
        }
    }
}

/// How the binaries' folder was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Given explicitly (`--fabric-bin`).
    Flag,
    /// `FABRIC_BIN`.
    Env,
    /// Each program looked up on `PATH`.
    Path,
}

/// Where the Fabric binaries, their sample configuration and the ccaas builder are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FabricBins {
    origin: Origin,
    bin_dir: Option<PathBuf>,
    cfg_dir: Option<PathBuf>,
}

/// What to tell a user who has no binaries.
pub const HOW_TO_GET: &str = "get hyperledger-fabric-linux-amd64-2.5.x.tar.gz and \
hyperledger-fabric-ca-linux-amd64-1.5.x.tar.gz from the Fabric releases page, unpack both into \
one folder and set FABRIC_BIN=<folder>/bin (or pass --fabric-bin <folder>/bin)";

/// Some binaries are missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// File names of the missing programs or files.
    pub missing: Vec<String>,
    /// Where they were looked for.
    pub looked_in: String,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Fabric binaries not found: {} (looked in {}); {HOW_TO_GET}",
            self.missing.join(", "),
            self.looked_in
        )
    }
}

impl std::error::Error for Missing {}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

impl FabricBins {
    /// Locates the binaries: `explicit` (a `bin/` folder) first, then `FABRIC_BIN`, then
    /// `PATH`. `FABRIC_CFG_PATH` names the configuration folder; without it, `config/` beside
    /// the `bin/` folder. Nothing is checked yet: see [`FabricBins::require`].
    pub fn locate(explicit: Option<&Path>) -> FabricBins {
        FabricBins::locate_with(explicit, |name| std::env::var_os(name))
    }

    /// [`FabricBins::locate`] with the environment read through `env`.
    fn locate_with(
        explicit: Option<&Path>,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> FabricBins {
        let env_dir = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let (origin, bin_dir) = match (explicit, env_dir("FABRIC_BIN")) {
            (Some(dir), _) => (Origin::Flag, Some(dir.to_path_buf())),
            (None, Some(dir)) => (Origin::Env, Some(dir)),
            (None, None) => (
                Origin::Path,
                on_path(Binary::Peer.file_name()).and_then(|p| p.parent().map(Path::to_path_buf)),
            ),
        };
        let cfg_dir = env_dir("FABRIC_CFG_PATH").or_else(|| {
            bin_dir
                .as_ref()
                .and_then(|b| b.parent())
                .map(|root| root.join("config"))
        });
        FabricBins {
            origin,
            bin_dir,
            cfg_dir,
        }
    }

    /// How the binaries' folder was found.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The path of `binary`, if it exists.
    pub fn path(&self, binary: Binary) -> Option<PathBuf> {
        match (&self.bin_dir, self.origin) {
            (_, Origin::Path) => on_path(binary.file_name()),
            (Some(dir), _) => Some(dir.join(binary.file_name())).filter(|p| p.is_file()),
            (None, _) => None,
        }
    }

    /// The configuration folder (`core.yaml`, `orderer.yaml`, `configtx.yaml`), if it exists.
    pub fn config_dir(&self) -> Option<&Path> {
        self.cfg_dir.as_deref().filter(|d| d.is_dir())
    }

    /// The chaincode-as-a-service builder folder (`builders/ccaas`, holding `bin/detect`,
    /// `bin/build` and `bin/release`) beside the `bin/` folder, if it exists.
    pub fn ccaas_builder(&self) -> Option<PathBuf> {
        let root = self
            .path(Binary::Peer)?
            .parent()?
            .parent()?
            .join("builders")
            .join("ccaas");
        root.join("bin").join("detect").is_file().then_some(root)
    }

    fn looked_in(&self) -> String {
        match (&self.bin_dir, self.origin) {
            (_, Origin::Path) => "PATH (FABRIC_BIN is not set)".to_owned(),
            (Some(dir), Origin::Env) => format!("FABRIC_BIN={}", dir.display()),
            (Some(dir), _) => dir.display().to_string(),
            (None, _) => "nowhere".to_owned(),
        }
    }

    /// Checks that every program in `binaries` exists, and with `with_config` the sample
    /// configuration and the ccaas builder too; names everything missing at once.
    pub fn require(&self, binaries: &[Binary], with_config: bool) -> Result<(), Missing> {
        let mut missing: Vec<String> = binaries
            .iter()
            .filter(|b| self.path(**b).is_none())
            .map(|b| b.file_name().to_owned())
            .collect();
        if with_config {
            for file in ["core.yaml", "orderer.yaml"] {
                if !self.config_dir().is_some_and(|d| d.join(file).is_file()) {
                    missing.push(format!("config/{file} (or FABRIC_CFG_PATH)"));
                }
            }
            if self.ccaas_builder().is_none() {
                missing.push("builders/ccaas".to_owned());
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Missing {
                missing,
                looked_in: self.looked_in(),
            })
        }
    }
}

/// The release version `binary` at `program` reports (`2.5.16`, `1.5.21`): `<program> version`,
/// or `-version` for `configtxgen` (which reads `version` as a profile name). `osnadmin` and
/// `discover` have no version command in Fabric 2.5: `Ok(None)` once `--help` succeeds.
pub fn version(binary: Binary, program: &Path) -> Result<Option<String>, String> {
    let run = |arg: &str| {
        Command::new(program)
            .arg(arg)
            .env_remove("FABRIC_CFG_PATH")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))
    };
    let arg = match binary {
        Binary::Osnadmin | Binary::Discover => {
            let output = run("--help")?;
            return if output.status.success() {
                Ok(None)
            } else {
                Err(format!(
                    "{} --help failed ({}): {}",
                    program.display(),
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ))
            };
        }
        Binary::Configtxgen => "-version",
        _ => "version",
    };
    let output = run(arg)?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.trim().strip_prefix("Version:"))
        .map(|v| Some(v.trim().trim_start_matches('v').to_owned()))
        .ok_or_else(|| {
            format!(
                "{} {arg} printed no version (exit {})",
                program.display(),
                output.status
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_explicit_folder_wins_and_names_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("peer"), "").unwrap();
        // FABRIC_CFG_PATH (set when the suites run with real Fabric) must not count here.
        let bins = FabricBins::locate_with(Some(&bin), |_| None);
        assert_eq!(bins.origin(), Origin::Flag);
        assert_eq!(bins.path(Binary::Peer), Some(bin.join("peer")));
        let err = bins
            .require(&[Binary::Peer, Binary::Orderer], true)
            .unwrap_err();
        assert_eq!(
            err.missing,
            vec![
                "orderer".to_owned(),
                "config/core.yaml (or FABRIC_CFG_PATH)".to_owned(),
                "config/orderer.yaml (or FABRIC_CFG_PATH)".to_owned(),
                "builders/ccaas".to_owned()
            ]
        );
        assert!(err.to_string().contains(&bin.display().to_string()));
        assert!(err.to_string().contains("FABRIC_BIN"));
    }

    #[cfg(unix)]
    #[test]
    fn the_version_line_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("peer");
        std::fs::write(
            &script,
            "#!/bin/sh\necho 'peer:'\necho ' Version: v2.5.16'\necho ' Commit SHA: x'\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(
            version(Binary::Peer, &script).unwrap(),
            Some("2.5.16".to_owned())
        );
        assert!(version(Binary::Peer, &dir.path().join("nope")).is_err());
    }
}
