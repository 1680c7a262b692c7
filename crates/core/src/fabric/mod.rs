//! Peers and channels, one at a time, natively (reference `console-api.md` §6): the channels a
//! peer has joined and their heights, joining a channel with block 0 from a peer that has
//! joined it, the installed chaincode packages and installing the exact bytes another peer has,
//! and a channel's anchor peers (shown from the config block, added by one config update
//! signed by the organization's admin and broadcast to the orderer).
//!
//! - **Which node**: a peer of the library or of a registered console, by display name,
//!   `CONSOLE/ID` or library id (the same peer in several places is one peer, by its
//!   `api_url`); an ambiguous or unknown name is an error listing the candidates.
//! - **Which identity signs**: `--as` a wallet identity, else the wallet's admin of the peer's
//!   organization (certificate listed in the MSP definition's or the peer's admins, or an admin
//!   OU certificate under Node OUs). Every result and every error names it; its key stays
//!   inside the signer.
//! - **Which client TLS certificate**: none, unless the caller names a wallet identity
//!   (`--tls-as`, one enrolled at the organization's TLS CA) for nodes that require mutual TLS;
//!   its key must be its certificate's and stays [`crate::Sensitive`]; only its
//!   name appears in errors and logs.
//! - **Errors** keep the node's own message, typed ([`CoreError::Fabric`]) with a fix.
//!
//! Like the console calls, these block the calling thread on the core's runtime: do not call
//! them from inside an async task.

mod anchors;
mod directory;
mod hacheck;
mod peer;

use std::time::Duration;

use fabric_ha_fabric_net::{NetErrorCode, PeerClient, ServedCert};
use serde::Serialize;
use ts_rs::TS;

pub use anchors::{AddAnchorsInput, AnchorsAdded, ChannelAnchors, OrgAnchors};
pub use hacheck::{
    HaCell, HaCellPeer, HaChaincode, HaChannel, HaCheck, HaCheckScope, HaConsole, HaJoined, HaLoss,
    HaPackage, HaPeer, HaRegion,
};
pub use peer::{
    ChaincodeReference, ChannelHeight, InstallFrom, InstalledChaincode, JoinProgress,
    JoinProgressUpdate, OrgPeers, PackageInstall, PeerChaincodes, PeerChannels, PeerInstallInput,
    PeerInstalled, PeerJoinInput, PeerJoined,
};

use crate::error::{CoreError, ErrorCode};
use directory::{PeerNode, Signing};

/// How long one call to a node may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a node asked only to find out whether it can help (a source of block 0, a joined
/// peer of the organization) may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// A peer or ordering service as the commands report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NodeRef {
    /// Display name.
    pub name: String,
    /// `CONSOLE/ID` of each console record of it, and each library id.
    pub known_as: Vec<String>,
    /// MSP id.
    pub msp_id: String,
    /// `grpcs://host:port`.
    pub api_url: String,
}

/// The stable code of a node's answer.
pub(crate) fn error_code(code: NetErrorCode) -> ErrorCode {
    match code {
        NetErrorCode::Unreachable => ErrorCode::FabricUnreachable,
        NetErrorCode::TlsPinMismatch => ErrorCode::FabricTlsPinMismatch,
        NetErrorCode::ClientCertRequired => ErrorCode::FabricClientCertRequired,
        NetErrorCode::NotAnAdmin => ErrorCode::NotAnAdmin,
        NetErrorCode::ChannelNotFound => ErrorCode::ChannelNotFound,
        NetErrorCode::PackageRefused => ErrorCode::PackageRefused,
        NetErrorCode::AlreadyInstalled | NetErrorCode::AlreadyJoined | NetErrorCode::Refused => {
            ErrorCode::FabricRefused
        }
        NetErrorCode::Timeout => ErrorCode::FabricTimeout,
        NetErrorCode::InvalidInput => ErrorCode::InvalidInput,
        NetErrorCode::InvalidResponse => ErrorCode::FabricInvalidResponse,
    }
}

/// A channel name as the commands take it.
fn channel_name(channel: &str) -> Result<String, CoreError> {
    let channel = channel.trim();
    if channel.is_empty() {
        return Err(CoreError::InvalidInput {
            field: "CHANNEL".into(),
            reason: "must not be empty".into(),
        });
    }
    Ok(channel.to_owned())
}

/// Connects to `peer`, presenting the signing's client TLS certificate if it has one; a failure
/// names the signing identity too.
async fn connect(
    peer: &PeerNode,
    signing: &Signing,
    timeout: Duration,
) -> Result<PeerClient, CoreError> {
    connect_keeping(peer, signing, timeout, &ServedCert::default()).await
}

/// [`connect`], keeping the TLS certificate the peer presents in `served`.
async fn connect_keeping(
    peer: &PeerNode,
    signing: &Signing,
    timeout: Duration,
    served: &ServedCert,
) -> Result<PeerClient, CoreError> {
    PeerClient::connect_keeping(&peer.endpoint(signing.client_tls.clone()), timeout, served)
        .await
        .map_err(signing.fail(&peer.node.name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use fabric_ha_fabric_net::NetError;

    #[test]
    fn node_answers_keep_their_code_message_and_identity() {
        let error = NetError {
            code: NetErrorCode::NotAnAdmin,
            context: "127.0.0.1:7051 cscc.JoinChain".into(),
            message: "access denied: channel [] creator org unknown".into(),
        };
        let err = CoreError::Fabric {
            node: "Org1 Peer 2".into(),
            identity: "client1".into(),
            error,
        };
        let ipc: crate::IpcError = err.into();
        assert_eq!(ipc.code, ErrorCode::NotAnAdmin);
        assert!(ipc.message.contains("\"client1\""), "{}", ipc.message);
        assert!(ipc.message.contains("access denied"), "{}", ipc.message);
        assert!(ipc.message.contains("Org1 Peer 2"), "{}", ipc.message);
        let details = ipc.details.unwrap();
        assert_eq!(details["identity"], "client1");
        assert!(details["fix"].as_str().unwrap().contains("admin"));
        assert_eq!(
            serde_json::to_value(ErrorCode::NotAnAdmin).unwrap(),
            "not_an_admin"
        );
        assert_eq!(fabric_ha_fabric_net::ops::status_name(200), "SUCCESS (200)");
        assert_eq!(fabric_ha_fabric_net::ops::status_name(7), "7");
    }
}
