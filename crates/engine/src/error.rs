//! The engine's error type, with stable codes and a flag that says whether running the plan
//! again can get past it.

use fabric_ha_console::ConsoleError;
use fabric_ha_fabric_ca::CaError;
use fabric_ha_fabric_net::{NetError, NetErrorCode};

use crate::reason::Reason;

/// Everything that can stop a plan step.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// A console call failed.
    #[error("console {console:?}: {source}")]
    Console {
        /// The console's name in the workspace.
        console: String,
        /// What the console client reported.
        source: ConsoleError,
    },
    /// A call to the organization's Fabric CA failed.
    #[error("Fabric CA: {0}")]
    Ca(#[from] CaError),
    /// The plan is not valid (names, counts, missing consoles).
    #[error("invalid plan: {0}")]
    InvalidPlan(String),
    /// The consoles' state does not allow the step (e.g. an enroll id registered by someone
    /// else, a duplicate peer name, a record without the needed certificates).
    #[error("{0}")]
    Blocked(Reason),
    /// A peer (or a CA the plan created) did not report running within the timeout.
    #[error("{peer:?} on console {console:?} was not running after {secs} s")]
    NotRunning {
        /// Console name.
        console: String,
        /// Console id of the peer or CA.
        peer: String,
        /// The timeout that expired.
        secs: u64,
    },
    /// A call to a peer or an orderer failed; the node's own message is kept.
    #[error("{node} (signed by {identity:?}): {error}")]
    Fabric {
        /// The node, e.g. `peer "Org1 Peer 2 (eu)"` or `orderer 127.0.0.1:7050`.
        node: String,
        /// The wallet identity that signed.
        identity: String,
        /// What the node (or the transport) said.
        error: NetError,
    },
    /// The orderer refused the channel config update.
    #[error("orderer {orderer} refused the config update of {channel} (signed by {identity:?}): {status}: {info}")]
    ConfigUpdateRefused {
        /// `host:port`.
        orderer: String,
        /// The channel.
        channel: String,
        /// The wallet identity that signed.
        identity: String,
        /// Its status, e.g. `BAD_REQUEST (400)`.
        status: String,
        /// Its info text.
        info: String,
    },
    /// A joined peer did not catch up with the region-1 peer within the timeout.
    #[error("{peer} reached height {height} of {target} on {channel} within {secs} s")]
    NotCaughtUp {
        /// The peer.
        peer: String,
        /// The channel.
        channel: String,
        /// Its height.
        height: u64,
        /// The region-1 peer's height at join time.
        target: u64,
        /// The timeout that expired.
        secs: u64,
    },
    /// The run was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The workspace database or the secret vault failed.
    #[error("workspace storage: {0}")]
    Storage(String),
}

impl EngineError {
    /// A stable identifier for the UI and the CLI (the console or CA code where there is one).
    pub fn code(&self) -> String {
        match self {
            EngineError::Console { source, .. } => source.code().to_owned(),
            EngineError::Ca(e) => match e {
                CaError::InvalidInput { .. } => "ca_invalid_input".to_owned(),
                CaError::Unreachable { .. } => "ca_unreachable".to_owned(),
                CaError::TlsUntrusted { .. } => "ca_tls_untrusted".to_owned(),
                CaError::Timeout { .. } => "ca_timeout".to_owned(),
                CaError::Ca { code, .. } => format!("ca_error_{code}"),
                CaError::InvalidResponse { .. } => "ca_invalid_response".to_owned(),
            },
            EngineError::Fabric { error, .. } => match error.code {
                NetErrorCode::Unreachable => "fabric_unreachable",
                NetErrorCode::TlsPinMismatch => "fabric_tls_pin_mismatch",
                NetErrorCode::ClientCertRequired => "fabric_client_cert_required",
                NetErrorCode::NotAnAdmin => "not_an_admin",
                NetErrorCode::ChannelNotFound => "channel_not_found",
                NetErrorCode::PackageRefused => "package_refused",
                NetErrorCode::AlreadyInstalled
                | NetErrorCode::AlreadyJoined
                | NetErrorCode::Refused => "fabric_refused",
                NetErrorCode::Timeout => "fabric_timeout",
                NetErrorCode::InvalidInput => "invalid_input",
                NetErrorCode::InvalidResponse => "fabric_invalid_response",
            }
            .to_owned(),
            EngineError::ConfigUpdateRefused { .. } => "config_update_refused".to_owned(),
            EngineError::InvalidPlan(_) => "invalid_plan".to_owned(),
            EngineError::Blocked(_) => "blocked".to_owned(),
            EngineError::NotRunning { .. } => "peer_not_running".to_owned(),
            EngineError::NotCaughtUp { .. } => "peer_not_caught_up".to_owned(),
            EngineError::Cancelled => "cancelled".to_owned(),
            EngineError::Storage(_) => "storage".to_owned(),
        }
    }

    /// True when the same step may succeed if tried again (network, timeouts, 5xx, 429): the
    /// engine retries these itself, and a stopped run that ended on one can be resumed as is.
    pub fn is_transient(&self) -> bool {
        match self {
            EngineError::Console { source, .. } => {
                matches!(
                    source,
                    ConsoleError::Unreachable { .. }
                        | ConsoleError::Timeout { .. }
                        | ConsoleError::RateLimited { .. }
                        | ConsoleError::InvalidResponse { .. }
                ) || matches!(source, ConsoleError::Server { status, .. } if *status >= 500)
            }
            EngineError::Ca(e) => {
                matches!(
                    e,
                    CaError::Unreachable { .. }
                        | CaError::Timeout { .. }
                        | CaError::InvalidResponse { .. }
                ) || matches!(e, CaError::Ca { status, .. } if *status >= 500)
            }
            EngineError::Fabric { error, .. } => {
                matches!(
                    error.code,
                    NetErrorCode::Unreachable | NetErrorCode::Timeout
                )
            }
            EngineError::NotRunning { .. } | EngineError::NotCaughtUp { .. } => true,
            _ => false,
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            EngineError::Console { source, .. } => source.fix().to_owned(),
            EngineError::Ca(_) => {
                "Check that the organization's CA is reachable from this computer and that the registrar identity is valid, then resume the plan.".to_owned()
            }
            EngineError::Fabric { error, .. } => format!(
                "{}{}, then resume the plan.",
                error.fix()[..1].to_uppercase(),
                &error.fix()[1..]
            ),
            EngineError::ConfigUpdateRefused { .. } => {
                "Read the orderer's info: the signing identity must be an admin of the organization (the channel's Admins policy of its group), and the update must be computed from the channel's latest config; then resume the plan.".to_owned()
            }
            EngineError::InvalidPlan(_) => "Correct the plan and save it again.".to_owned(),
            EngineError::Blocked(_) => {
                "Resolve the conflict on the console or CA named in the message, then resume the plan.".to_owned()
            }
            EngineError::NotRunning { .. } => {
                "Check the peer's deployment in its console (resources, zone, enrollment), then resume the plan.".to_owned()
            }
            EngineError::NotCaughtUp { .. } => {
                "The peer is still pulling blocks (a long chain) or cannot reach the ordering service: check its logs and its route to the orderers, then resume the plan.".to_owned()
            }
            EngineError::Cancelled => "Resume the plan to continue where it stopped.".to_owned(),
            EngineError::Storage(_) => {
                "Check the workspace folder (disk space, permissions), then resume the plan.".to_owned()
            }
        }
    }

    pub(crate) fn console(console: &str, source: ConsoleError) -> EngineError {
        EngineError::Console {
            console: console.to_owned(),
            source,
        }
    }
}

impl From<fabric_ha_store::StoreError> for EngineError {
    fn from(e: fabric_ha_store::StoreError) -> Self {
        EngineError::Storage(e.to_string())
    }
}

impl From<fabric_ha_store::rusqlite::Error> for EngineError {
    fn from(e: fabric_ha_store::rusqlite::Error) -> Self {
        EngineError::Storage(e.to_string())
    }
}
