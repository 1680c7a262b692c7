//! `fabric-ha channel anchors ...`: a channel's anchor peers, shown from its config block and
//! added by one config update signed by the organization's admin.

use std::process::ExitCode;

use clap::Subcommand;
use fabric_ha_core::fabric::AddAnchorsInput;
use fabric_ha_core::{CoreError, Workspace};

use crate::peer::node_line;
use crate::{print_json, with_json_error};

#[derive(Debug, Subcommand)]
pub(crate) enum ChannelCommand {
    /// A channel's anchor peers: show them, add an organization's peers.
    #[command(subcommand)]
    Anchors(AnchorsCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum AnchorsCommand {
    /// Every application organization's anchor peers, from the channel's config block.
    Show {
        /// The channel.
        channel: String,
        /// The peer to read the config block from (default: the first peer known here that
        /// has joined the channel).
        #[arg(long, value_name = "PEER")]
        peer: Option<String>,
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
    /// Add peers of one organization to its anchor peers (appended to those there, none
    /// twice): one config update signed by the organization's admin, sent to the orderer.
    Add {
        /// The channel.
        channel: String,
        /// The peers (display name, CONSOLE/ID or library id); host:port from each api_url.
        #[arg(required = true, value_name = "PEER")]
        peers: Vec<String>,
        /// The ordering service to send the update to (a library or console orderer; default:
        /// the orderer addresses in the channel's configuration).
        #[arg(long, value_name = "ORDERER")]
        orderer: Option<String>,
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

/// Runs `cmd`; with `--json` an error is printed as JSON too.
pub(crate) fn run(
    cmd: ChannelCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    let ChannelCommand::Anchors(cmd) = cmd;
    let json = match &cmd {
        AnchorsCommand::Show { json, .. } | AnchorsCommand::Add { json, .. } => *json,
    };
    with_json_error(json, run_anchors(cmd, open))
}

fn run_anchors(
    cmd: AnchorsCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        AnchorsCommand::Show {
            channel,
            peer,
            identity,
            tls_identity,
            json,
        } => {
            let answer = open()?.channel_anchors(
                &channel,
                peer.as_deref(),
                identity.as_deref(),
                tls_identity.as_deref(),
            )?;
            if json {
                return print_json(&answer).map(|()| ExitCode::SUCCESS);
            }
            println!(
                "channel   {} (config block {})",
                answer.channel, answer.config_block
            );
            println!("read from {}", node_line(&answer.peer));
            println!("identity  {}", answer.identity);
            println!("{:<24} ANCHOR PEERS", "ORGANIZATION");
            for org in &answer.orgs {
                println!(
                    "{:<24} {}",
                    org.msp_id,
                    if org.anchor_peers.is_empty() {
                        "-".to_owned()
                    } else {
                        org.anchor_peers.join(", ")
                    }
                );
            }
        }
        AnchorsCommand::Add {
            channel,
            peers,
            orderer,
            identity,
            tls_identity,
            json,
        } => {
            let added = open()?.channel_add_anchors(AddAnchorsInput {
                channel,
                peers,
                orderer,
                identity,
                tls_identity,
            })?;
            if json {
                return print_json(&added).map(|()| ExitCode::SUCCESS);
            }
            if added.updated {
                println!(
                    "added {} to the anchor peers of {} on {}, signed by {}",
                    added.added.join(", "),
                    added.msp_id,
                    added.channel,
                    added.identity
                );
                println!(
                    "orderer   {} answered {}",
                    added.orderer,
                    added.status.as_deref().unwrap_or("-")
                );
                if let Some(n) = added.config_block {
                    println!("config block {n}");
                }
            } else {
                println!(
                    "nothing to do: {} already has these anchor peers on {}",
                    added.msp_id, added.channel
                );
            }
            println!(
                "anchor peers of {}: {}",
                added.msp_id,
                added.anchor_peers.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
