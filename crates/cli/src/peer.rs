//! `fabric-ha peer ...`: one peer at a time — its channels and heights, joining a channel, its
//! installed chaincode packages, installing a package.
//!
//! `PEER` is a peer of the library or of a registered console: its display name, `CONSOLE/ID`
//! or library id. The signing identity is `--as` (a wallet identity), else the wallet's admin
//! of the peer's organization; every result and error names it. A peer that requires client
//! certificates (mutual TLS) is given the TLS certificate of `--tls-as` (a wallet identity
//! enrolled at the organization's TLS CA).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Subcommand};
use fabric_ha_core::fabric::{InstallFrom, JoinProgress, NodeRef, PeerInstallInput, PeerJoinInput};
use fabric_ha_core::{CoreError, Workspace};

use crate::{print_json, with_json_error};

#[derive(Debug, Subcommand)]
pub(crate) enum PeerCommand {
    /// The channels the peer has joined, each with its height.
    Channels {
        /// The peer (display name, CONSOLE/ID or library id).
        peer: String,
        /// The wallet identity that signs (default: the organization's admin in the wallet).
        #[arg(long = "as", value_name = "IDENTITY")]
        identity: Option<String>,
        /// The wallet identity whose TLS certificate the connections present, for nodes that
        /// require client certificates (mutual TLS); enrolled at the organization's TLS CA.
        #[arg(long = "tls-as", value_name = "IDENTITY")]
        tls_identity: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Join the peer to a channel with block 0 from a peer that has joined it, then wait
    /// (bounded) until it has caught up. A peer that has joined already is left alone.
    Join {
        /// The peer to join.
        peer: String,
        /// The channel.
        channel: String,
        /// The peer to take block 0 from (default: another peer of the organization that has
        /// joined the channel).
        #[arg(long, value_name = "PEER")]
        from: Option<String>,
        /// The wallet identity that signs (default: the organization's admin in the wallet).
        #[arg(long = "as", value_name = "IDENTITY")]
        identity: Option<String>,
        /// The wallet identity whose TLS certificate the connections present, for nodes that
        /// require client certificates (mutual TLS); enrolled at the organization's TLS CA.
        #[arg(long = "tls-as", value_name = "IDENTITY")]
        tls_identity: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The chaincode packages installed on the peer: package id, label, and the chaincode
    /// definitions (channel, name, version) that use each.
    Chaincodes {
        /// The peer.
        peer: String,
        /// The wallet identity that signs (default: the organization's admin in the wallet).
        #[arg(long = "as", value_name = "IDENTITY")]
        identity: Option<String>,
        /// The wallet identity whose TLS certificate the connections present, for nodes that
        /// require client certificates (mutual TLS); enrolled at the organization's TLS CA.
        #[arg(long = "tls-as", value_name = "IDENTITY")]
        tls_identity: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Install a package file, or the exact package bytes another peer has (so the package id
    /// is the one the organization approved). A package the peer has already is skipped.
    #[command(group(ArgGroup::new("source").args(["from", "package"]).required(true)))]
    Install {
        /// The peer to install on.
        peer: String,
        /// Copy from this peer: the package --package-id, else every package of it that a
        /// chaincode definition on a channel uses.
        #[arg(long, value_name = "PEER")]
        from: Option<String>,
        /// With --from: the package to copy.
        #[arg(long, value_name = "ID", requires = "from")]
        package_id: Option<String>,
        /// A package file (.tar.gz, as `peer lifecycle chaincode package` writes it).
        #[arg(long, value_name = "FILE")]
        package: Option<PathBuf>,
        /// The wallet identity that signs (default: the organization's admin in the wallet).
        #[arg(long = "as", value_name = "IDENTITY")]
        identity: Option<String>,
        /// The wallet identity whose TLS certificate the connections present, for nodes that
        /// require client certificates (mutual TLS); enrolled at the organization's TLS CA.
        #[arg(long = "tls-as", value_name = "IDENTITY")]
        tls_identity: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `Org1 Peer 1 (grpcs://host:7051, org1msp)`.
pub(crate) fn node_line(node: &NodeRef) -> String {
    format!("{} ({}, {})", node.name, node.api_url, node.msp_id)
}

/// The peer asked and the identity that signed.
fn print_header(peer: &NodeRef, identity: &str) {
    println!("peer      {}", node_line(peer));
    println!("identity  {identity}");
}

/// A progress bar of the joined peer's height on a terminal; nothing otherwise.
struct CatchUp {
    bar: Option<indicatif::ProgressBar>,
}

impl CatchUp {
    fn new() -> CatchUp {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "catching up [{bar:24}] {pos}/{len} blocks",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        CatchUp { bar }
    }

    fn update(&self, p: JoinProgress) {
        if let Some(bar) = &self.bar {
            bar.set_length(p.target);
            bar.set_position(p.height.min(p.target));
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs `cmd`; with `--json` an error is printed as JSON too.
pub(crate) fn run(
    cmd: PeerCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    let json = match &cmd {
        PeerCommand::Channels { json, .. }
        | PeerCommand::Join { json, .. }
        | PeerCommand::Chaincodes { json, .. }
        | PeerCommand::Install { json, .. } => *json,
    };
    with_json_error(json, run_command(cmd, open))
}

fn run_command(
    cmd: PeerCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        PeerCommand::Channels {
            peer,
            identity,
            tls_identity,
            json,
        } => {
            let answer =
                open()?.peer_channels(&peer, identity.as_deref(), tls_identity.as_deref())?;
            if json {
                return print_json(&answer).map(|()| ExitCode::SUCCESS);
            }
            print_header(&answer.peer, &answer.identity);
            println!("{:<32} HEIGHT", "CHANNEL");
            for c in &answer.channels {
                println!("{:<32} {}", c.channel, c.height);
            }
            if answer.channels.is_empty() {
                println!("(no channels)");
            }
        }
        PeerCommand::Join {
            peer,
            channel,
            from,
            identity,
            tls_identity,
            json,
        } => {
            let bar = CatchUp::new();
            let result = open()?.peer_join(
                PeerJoinInput {
                    peer,
                    channel,
                    from,
                    identity,
                    tls_identity,
                },
                &mut |p| bar.update(p),
            );
            bar.finish();
            let joined = result?;
            if json {
                return print_json(&joined).map(|()| ExitCode::SUCCESS);
            }
            if joined.already_joined {
                println!(
                    "{} has already joined {} (height {}); nothing to do",
                    joined.peer.name, joined.channel, joined.height
                );
            } else {
                println!(
                    "joined {} to {} with block 0 from {}, signed by {}",
                    joined.peer.name,
                    joined.channel,
                    joined.source.as_ref().map_or("-", |s| s.name.as_str()),
                    joined.identity
                );
                let target = joined.source_height.unwrap_or(joined.height);
                if joined.caught_up {
                    println!("height {} (caught up with {target})", joined.height);
                } else {
                    println!(
                        "height {} of {target}: still catching up (see `fabric-ha peer channels`)",
                        joined.height
                    );
                }
            }
        }
        PeerCommand::Chaincodes {
            peer,
            identity,
            tls_identity,
            json,
        } => {
            let answer =
                open()?.peer_chaincodes(&peer, identity.as_deref(), tls_identity.as_deref())?;
            if json {
                return print_json(&answer).map(|()| ExitCode::SUCCESS);
            }
            print_header(&answer.peer, &answer.identity);
            for p in &answer.packages {
                println!("{}", p.package_id);
                println!("  label       {}", p.label);
                for r in &p.references {
                    println!("  used by     {} {} {}", r.channel, r.name, r.version);
                }
            }
            if answer.packages.is_empty() {
                println!("(no packages installed)");
            }
        }
        PeerCommand::Install {
            peer,
            from,
            package_id,
            package,
            identity,
            tls_identity,
            json,
        } => {
            let from = match (package, from) {
                (Some(file), _) => InstallFrom::File(file),
                (None, Some(peer)) => InstallFrom::Peer { peer, package_id },
                (None, None) => {
                    return Err(CoreError::InvalidInput {
                        field: "--from".into(),
                        reason: "give --from PEER or --package FILE".into(),
                    })
                }
            };
            let installed = open()?.peer_install(PeerInstallInput {
                peer,
                from,
                identity,
                tls_identity,
            })?;
            for p in &installed.packages {
                if let Some(w) = &p.warning {
                    eprintln!("warning: {w}");
                }
            }
            if json {
                return print_json(&installed).map(|()| ExitCode::SUCCESS);
            }
            for p in &installed.packages {
                if p.already_installed {
                    println!(
                        "{} is already installed on {}; nothing to do",
                        p.package_id, installed.peer.name
                    );
                } else {
                    println!(
                        "installed {} on {}, signed by {}",
                        p.package_id, installed.peer.name, installed.identity
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
