//! Typed errors with a fix, each carrying the node's own message.

use std::fmt;

/// What went wrong, as a code the window and the CLI can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetErrorCode {
    /// No connection: wrong address, node down, or a firewall.
    Unreachable,
    /// The node's TLS certificate does not chain to the pinned roots (or names another host).
    TlsPinMismatch,
    /// The node requires mutual TLS and refused the handshake: no client TLS certificate was
    /// presented, or one from a TLS CA it does not trust.
    ClientCertRequired,
    /// The signing identity is not an admin of the peer (its local MSP).
    NotAnAdmin,
    /// The peer has not joined the channel (or it does not exist).
    ChannelNotFound,
    /// The peer refused a chaincode package.
    PackageRefused,
    /// The package is installed already (what a second install answers).
    AlreadyInstalled,
    /// The peer has joined the channel already.
    AlreadyJoined,
    /// The node answered with an error status not covered above.
    Refused,
    /// The call took longer than allowed.
    Timeout,
    /// The input cannot be used (bad URL, PEM or key).
    InvalidInput,
    /// The node's answer could not be decoded.
    InvalidResponse,
}

impl NetErrorCode {
    /// A stable snake_case name for IPC, JSON and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            NetErrorCode::Unreachable => "unreachable",
            NetErrorCode::TlsPinMismatch => "tls_pin_mismatch",
            NetErrorCode::ClientCertRequired => "client_cert_required",
            NetErrorCode::NotAnAdmin => "not_an_admin",
            NetErrorCode::ChannelNotFound => "channel_not_found",
            NetErrorCode::PackageRefused => "package_refused",
            NetErrorCode::AlreadyInstalled => "already_installed",
            NetErrorCode::AlreadyJoined => "already_joined",
            NetErrorCode::Refused => "refused",
            NetErrorCode::Timeout => "timeout",
            NetErrorCode::InvalidInput => "invalid_input",
            NetErrorCode::InvalidResponse => "invalid_response",
        }
    }

    /// What to do about it.
    pub fn fix(self) -> &'static str {
        match self {
            NetErrorCode::Unreachable => "check that the node runs and that its api_url is reachable from this computer",
            NetErrorCode::TlsPinMismatch => "the node's TLS certificate is not issued by the TLS CA roots of its console record: refresh the record from the node's own console",
            NetErrorCode::ClientCertRequired => "the node requires mutual TLS: connect with a client TLS certificate and key issued by the organization's TLS CA (a wallet identity enrolled at the TLS CA)",
            NetErrorCode::NotAnAdmin => "sign with the organization's admin: an identity of type admin (Node OUs) or one listed in the peer's admin certificates",
            NetErrorCode::ChannelNotFound => "join the peer to the channel first, or check the channel name",
            NetErrorCode::PackageRefused => "use the exact package file the organization approved (or copy it from another peer of the organization)",
            NetErrorCode::AlreadyInstalled => "nothing to do: the package is installed",
            NetErrorCode::AlreadyJoined => "nothing to do: the peer has joined the channel",
            NetErrorCode::Refused => "read the node's message; it says what it refused and why",
            NetErrorCode::Timeout => "try again; if it persists the node is overloaded or unreachable",
            NetErrorCode::InvalidInput => "correct the input named in the message",
            NetErrorCode::InvalidResponse => "the node answered something this app cannot read: check its Fabric version",
        }
    }
}

/// An error of a call to a Fabric node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetError {
    /// What kind of failure.
    pub code: NetErrorCode,
    /// Which node (`host:port`) and call.
    pub context: String,
    /// The node's own message (or the transport's).
    pub message: String,
}

impl NetError {
    pub(crate) fn new(
        code: NetErrorCode,
        context: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        NetError {
            code,
            context: context.into(),
            message: message.into(),
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> &'static str {
        self.code.fix()
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.context,
            self.message,
            self.code.fix()
        )
    }
}

impl std::error::Error for NetError {}

/// The code for a peer's error message on a proposal (status ≥ 400).
pub(crate) fn classify(message: &str) -> NetErrorCode {
    let m = message.to_ascii_lowercase();
    if m.contains("not an admin")
        || m.contains("the supplied identity is not valid")
        || m.contains("access denied")
        || m.contains("failed evaluating policy")
    {
        NetErrorCode::NotAnAdmin
    } else if m.contains("already successfully installed") {
        NetErrorCode::AlreadyInstalled
    } else if m.contains("ledger [") && m.contains("already exists")
        || m.contains("ledgerid already exists")
    {
        NetErrorCode::AlreadyJoined
    } else if m.contains("channel") && (m.contains("not found") || m.contains("does not exist")) {
        NetErrorCode::ChannelNotFound
    } else if m.contains("chaincode install package")
        || m.contains("failed to install")
        || m.contains("could not build chaincode")
    {
        NetErrorCode::PackageRefused
    } else {
        NetErrorCode::Refused
    }
}
