//! The typed error of every CA call, and the mapping from the CA's error envelope to it.

use std::time::Duration;

/// What a Fabric CA reported, by its `errors[].code` (Fabric CA `lib/caerrors/servererror.go`).
///
/// The CA masks most authentication and authorization problems on purpose: a wrong secret, an
/// unknown enroll id, a revoked identity, an identity that used up its `max_enrollments`, a
/// token with a bad signature (including a high-S one) or an unknown or expired certificate
/// all reach the client as code 20 "Authentication failure"; the real reason is only in the
/// CA's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaErrorKind {
    /// Code 20: the credentials or the token were refused (see the type documentation for
    /// everything this can mean).
    AuthenticationFailure,
    /// Code 71: the caller is authenticated but not allowed, e.g. a registrar that may not
    /// register this identity type, or a caller that is not a registrar listing identities.
    AuthorizationFailure,
    /// Code 74: the enroll id is already registered.
    AlreadyRegistered,
    /// Code 77: the CSR's subject common name is not the enroll id.
    CnMismatch,
    /// Code 73: too many wrong passwords; the identity is locked until an administrator resets
    /// it.
    PasswordAttemptsExceeded,
    /// Code 82: the requested `max_enrollments` exceeds what the CA allows.
    InvalidMaxEnrollments,
    /// Code 63 (HTTP 404): no identity (or other record) by that name.
    NotFound,
    /// Code 19: the CA name chosen by `?ca=` does not exist on this server.
    CaNotFound,
    /// Code 2: the request carried no `Authorization` header.
    NoAuthorizationHeader,
    /// Codes 4, 5, 31, 80: the request body or CSR was refused as malformed.
    BadRequest,
    /// Any other code; see [`CaError::Ca::code`].
    Other,
}

impl CaErrorKind {
    /// The kind for a CA error code.
    pub fn from_code(code: i64) -> CaErrorKind {
        match code {
            20 => CaErrorKind::AuthenticationFailure,
            71 => CaErrorKind::AuthorizationFailure,
            74 => CaErrorKind::AlreadyRegistered,
            77 => CaErrorKind::CnMismatch,
            73 => CaErrorKind::PasswordAttemptsExceeded,
            82 => CaErrorKind::InvalidMaxEnrollments,
            63 => CaErrorKind::NotFound,
            19 => CaErrorKind::CaNotFound,
            2 => CaErrorKind::NoAuthorizationHeader,
            4 | 5 | 31 | 80 => CaErrorKind::BadRequest,
            _ => CaErrorKind::Other,
        }
    }
}

/// Everything that can go wrong talking to a Fabric CA.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaError {
    /// The caller's input cannot be used (bad URL, unusable TLS certificate, malformed identity
    /// PEM, ...); nothing was sent.
    #[error("{message}")]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// No connection could be made, or it broke before an answer arrived.
    #[error("cannot reach the CA at {url}: {reason}")]
    Unreachable {
        /// The CA URL.
        url: String,
        /// What failed, in transport terms.
        reason: String,
    },
    /// The CA presented a TLS certificate that is neither the pinned one nor issued by a pinned
    /// certificate.
    #[error(
        "the CA at {url} presented a TLS certificate that does not match the pinned one: {reason}"
    )]
    TlsUntrusted {
        /// The CA URL.
        url: String,
        /// Why the certificate was refused.
        reason: String,
    },
    /// No complete answer within the configured timeout.
    #[error("the CA at {url} did not answer within {after:?}")]
    Timeout {
        /// The CA URL.
        url: String,
        /// The timeout in force.
        after: Duration,
    },
    /// The CA answered with an error in its envelope.
    #[error("the CA refused the request (HTTP {status}, code {code}): {message}")]
    Ca {
        /// HTTP status.
        status: u16,
        /// The CA's `errors[0].code`.
        code: i64,
        /// [`CaErrorKind::from_code`] of `code`.
        kind: CaErrorKind,
        /// The CA's `errors[0].message`, verbatim.
        message: String,
    },
    /// The answer is not what a Fabric CA sends (not its envelope, missing fields, a
    /// certificate that does not parse, ...).
    #[error("unexpected answer from the CA for {path}: {reason}")]
    InvalidResponse {
        /// The request path.
        path: String,
        /// What was wrong with it.
        reason: String,
    },
}

impl CaError {
    /// The CA error kind, for [`CaError::Ca`]; `None` for transport and input errors.
    pub fn kind(&self) -> Option<CaErrorKind> {
        match self {
            CaError::Ca { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> CaError {
        CaError::InvalidInput {
            message: message.into(),
        }
    }
}
