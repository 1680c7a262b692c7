//! Errors of the core, and the `{code, message, details}` shape they take across IPC.

use serde::Serialize;
use ts_rs::TS;

/// Stable codes the UI turns into a human sentence and a fix. Adding a variant without a
/// sentence in `ui/src/errors.ts` fails the UI type check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub enum ErrorCode {
    /// A bug or an unexpected condition; the message says what.
    Internal,
    /// The caller sent a value that is out of range; `details.field` names it.
    InvalidInput,
    /// The workspace database or its folder could not be read or written.
    Storage,
    /// The OS keyring (Secret Service, Keychain, Credential Manager) could not be used.
    KeyringUnavailable,
    /// Secrets are locked: a passphrase is needed first.
    Locked,
    /// The passphrase does not open this workspace's secrets.
    WrongPassphrase,
    /// The thing asked for does not exist.
    NotFound,
    /// No connection to the console (DNS, refused, reset, TLS handshake).
    #[serde(rename = "console_unreachable")]
    ConsoleUnreachable,
    /// The console's TLS certificate is not trusted.
    #[serde(rename = "console_tls_untrusted")]
    ConsoleTlsUntrusted,
    /// The console did not accept the API key (or user name and password).
    #[serde(rename = "console_unauthorized")]
    ConsoleUnauthorized,
    /// An IBM Cloud console (`AUTH_SCHEME` `iam`): it takes IAM credentials, not API keys.
    #[serde(rename = "console_iam_only")]
    ConsoleIamOnly,
    /// IBM Cloud IAM gave no access token for the IBM Cloud API key.
    #[serde(rename = "console_iam_refused")]
    ConsoleIamRefused,
    /// A console that does not sign in with IBM Cloud IAM was given an IBM Cloud API key.
    #[serde(rename = "console_not_iam")]
    ConsoleNotIam,
    /// The API key lacks the role for this action.
    #[serde(rename = "console_forbidden")]
    ConsoleForbidden,
    /// The URL does not answer as a console.
    #[serde(rename = "not_a_console")]
    NotAConsole,
    /// The console has no deployer: it can only import.
    #[serde(rename = "console_import_only")]
    ConsoleImportOnly,
    /// The enrollment CA is not known to the console.
    #[serde(rename = "unknown_enroll_host")]
    UnknownEnrollHost,
    /// The console has no component by that id.
    #[serde(rename = "console_not_found")]
    ConsoleNotFound,
    /// The console reports an id conflict.
    #[serde(rename = "console_conflict")]
    ConsoleConflict,
    /// The console is rate limiting requests.
    #[serde(rename = "console_rate_limited")]
    ConsoleRateLimited,
    /// The console refused the request or failed (its message is in `message`).
    #[serde(rename = "console_server_error")]
    ConsoleServerError,
    /// The console did not answer in time.
    #[serde(rename = "console_timeout")]
    ConsoleTimeout,
    /// The console answered something that does not have the documented shape.
    #[serde(rename = "console_invalid_response")]
    ConsoleInvalidResponse,
    /// A console by that name is already registered.
    #[serde(rename = "console_exists")]
    ConsoleExists,
    /// No console is registered by that name.
    #[serde(rename = "console_unknown")]
    ConsoleUnknown,
    /// No connection to the Fabric CA (DNS, refused, reset).
    #[serde(rename = "ca_unreachable")]
    CaUnreachable,
    /// The CA's TLS certificate is not the pinned one (nor issued by it).
    #[serde(rename = "ca_tls_untrusted")]
    CaTlsUntrusted,
    /// The CA did not answer in time.
    #[serde(rename = "ca_timeout")]
    CaTimeout,
    /// The CA refused the credentials or the token (code 20; wrong secret, unknown id,
    /// enrollments used up, certificate not from this CA, ...).
    #[serde(rename = "ca_authentication_failure")]
    CaAuthenticationFailure,
    /// The caller may not do this at the CA (code 71), e.g. register that identity type.
    #[serde(rename = "ca_authorization_failure")]
    CaAuthorizationFailure,
    /// The enroll id is already registered (code 74).
    #[serde(rename = "ca_already_registered")]
    CaAlreadyRegistered,
    /// The certificate request's common name is not the enroll id (code 77).
    #[serde(rename = "ca_cn_mismatch")]
    CaCnMismatch,
    /// The server hosts no CA by that name (code 19).
    #[serde(rename = "ca_not_found")]
    CaNotFound,
    /// The CA has no identity by that id (code 63).
    #[serde(rename = "ca_identity_not_found")]
    CaIdentityNotFound,
    /// Too many wrong secrets: the identity is locked at the CA (code 73).
    #[serde(rename = "ca_identity_locked")]
    CaIdentityLocked,
    /// The CA refused the request as malformed or out of its limits.
    #[serde(rename = "ca_bad_request")]
    CaBadRequest,
    /// The CA refused the request for another reason (its code and message are in the error).
    #[serde(rename = "ca_server_error")]
    CaServerError,
    /// The CA answered something that does not have a Fabric CA's shape.
    #[serde(rename = "ca_invalid_response")]
    CaInvalidResponse,
    /// The bundle is encrypted and no passphrase or identity file was given.
    #[serde(rename = "bundle_key_needed")]
    BundleKeyNeeded,
    /// The passphrase or identity file does not open the bundle.
    #[serde(rename = "bundle_wrong_key")]
    BundleWrongKey,
    /// A file of the bundle differs from its manifest (changed, missing or added);
    /// `details.entry` names it.
    #[serde(rename = "bundle_tampered")]
    BundleTampered,
    /// The manifest's signature is missing, malformed or does not hold.
    #[serde(rename = "bundle_signature_invalid")]
    BundleSignatureInvalid,
    /// The bundle was made for another console.
    #[serde(rename = "bundle_wrong_console")]
    BundleWrongConsole,
    /// The file is not a bundle of this app (or of a newer format).
    #[serde(rename = "not_a_bundle")]
    NotABundle,
    /// The bundle is truncated, damaged, oversized or holds an unsafe entry.
    #[serde(rename = "bundle_damaged")]
    BundleDamaged,
    /// Another process (the CLI or another window) is applying this plan now.
    #[serde(rename = "plan_busy")]
    PlanBusy,
    /// No connection to a peer or orderer (wrong address, node down, firewall).
    #[serde(rename = "fabric_unreachable")]
    FabricUnreachable,
    /// The node's TLS certificate does not chain to the TLS roots of its record.
    #[serde(rename = "fabric_tls_pin_mismatch")]
    FabricTlsPinMismatch,
    /// The node requires mutual TLS and refused the handshake without a client TLS
    /// certificate it trusts.
    #[serde(rename = "fabric_client_cert_required")]
    FabricClientCertRequired,
    /// The signing identity is not an admin of the peer (or of the organization).
    #[serde(rename = "not_an_admin")]
    NotAnAdmin,
    /// The peer has not joined the channel, or the channel does not exist.
    #[serde(rename = "channel_not_found")]
    ChannelNotFound,
    /// The peer refused a chaincode package.
    #[serde(rename = "package_refused")]
    PackageRefused,
    /// The node refused the call for another reason (its message is in `message`).
    #[serde(rename = "fabric_refused")]
    FabricRefused,
    /// The node did not answer in time.
    #[serde(rename = "fabric_timeout")]
    FabricTimeout,
    /// The node answered something this app cannot read.
    #[serde(rename = "fabric_invalid_response")]
    FabricInvalidResponse,
    /// The orderer refused a channel configuration update; `details` has its status and info.
    #[serde(rename = "config_update_refused")]
    ConfigUpdateRefused,
    /// No wallet identity is an admin of the organization whose node is asked.
    #[serde(rename = "no_admin_identity")]
    NoAdminIdentity,
}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A value given by the user or a caller is not acceptable.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// Which input (a CLI flag, a form field, a JSON path).
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The workspace store failed.
    #[error("{0}")]
    Storage(String),
    /// The OS keyring could not be used.
    #[error("the OS keyring is unavailable: {0}")]
    KeyringUnavailable(String),
    /// Secrets are needed but no key is unlocked.
    #[error("secrets are locked: {0}")]
    Locked(String),
    /// The passphrase did not open the workspace key.
    #[error("the passphrase does not open this workspace's secrets")]
    WrongPassphrase,
    /// Something asked for does not exist.
    #[error("{what} was not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// A console call failed; `Display` carries the console's own words.
    #[error("{0}")]
    Console(#[from] fabric_ha_console::ConsoleError),
    /// A console by this name is already registered.
    #[error("a console named {name:?} is already registered")]
    ConsoleExists {
        /// The name.
        name: String,
    },
    /// No console is registered by this name.
    #[error("no console named {name:?} is registered")]
    ConsoleUnknown {
        /// The name.
        name: String,
    },
    /// A Fabric CA call failed; `Display` carries the CA's own message.
    #[error("{0}")]
    Ca(#[from] fabric_ha_fabric_ca::CaError),
    /// An offline bundle could not be opened, verified or applied; `Display` names the file
    /// and the entry.
    #[error("{0}")]
    Bundle(fabric_ha_bundle::BundleError),
    /// Another process holds the plan's run lock.
    #[error("plan {name:?} is being applied by another process{}", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    PlanBusy {
        /// The plan.
        name: String,
        /// The process holding it, when it could be read.
        pid: Option<u32>,
    },
    /// A call to a peer or orderer failed; `Display` names the node, the call, the signing
    /// identity and the node's own message.
    #[error("{node} ({}), signed by wallet identity {identity:?}: {}; {}", error.context, error.message, error.fix())]
    Fabric {
        /// The node as the user named it (display name).
        node: String,
        /// The wallet identity that signed.
        identity: String,
        /// The node's answer, typed.
        error: fabric_ha_fabric_net::NetError,
    },
    /// The orderer refused a channel configuration update.
    #[error("the orderer {orderer} refused the update of {channel} signed by wallet identity {identity:?}: status {status}: {info}")]
    ConfigUpdateRefused {
        /// The orderer's `host:port`.
        orderer: String,
        /// The channel.
        channel: String,
        /// The wallet identity that signed.
        identity: String,
        /// The orderer's status, e.g. `BAD_REQUEST (400)`.
        status: String,
        /// The orderer's info text (why).
        info: String,
    },
    /// No wallet identity is an admin of the MSP.
    #[error("no wallet identity is an admin of {msp_id} (the organization of {node}): import or enroll the organization's admin into the wallet (its certificate listed in the MSP definition's admins, or an admin OU certificate under Node OUs), or choose the identity to sign with (--as)")]
    NoAdminIdentity {
        /// The MSP id.
        msp_id: String,
        /// The node that needs a signature.
        node: String,
    },
    /// An unexpected condition.
    #[error("{0}")]
    Internal(String),
}

fn console_code(err: &fabric_ha_console::ConsoleError) -> ErrorCode {
    use fabric_ha_console::ConsoleError as E;
    match err {
        E::Unreachable { .. } => ErrorCode::ConsoleUnreachable,
        E::TlsUntrusted { .. } => ErrorCode::ConsoleTlsUntrusted,
        E::Unauthorized { .. } => ErrorCode::ConsoleUnauthorized,
        E::IamOnly { .. } => ErrorCode::ConsoleIamOnly,
        E::IamRefused { .. } => ErrorCode::ConsoleIamRefused,
        E::NotIam { .. } => ErrorCode::ConsoleNotIam,
        E::Forbidden { .. } => ErrorCode::ConsoleForbidden,
        E::NotAConsole { .. } => ErrorCode::NotAConsole,
        E::ImportOnly { .. } => ErrorCode::ConsoleImportOnly,
        E::UnknownEnrollHost { .. } => ErrorCode::UnknownEnrollHost,
        E::NotFound { .. } => ErrorCode::ConsoleNotFound,
        E::Conflict { .. } => ErrorCode::ConsoleConflict,
        E::RateLimited { .. } => ErrorCode::ConsoleRateLimited,
        E::Server { .. } => ErrorCode::ConsoleServerError,
        E::Timeout { .. } => ErrorCode::ConsoleTimeout,
        E::InvalidResponse { .. } => ErrorCode::ConsoleInvalidResponse,
        E::InvalidInput { .. } => ErrorCode::InvalidInput,
    }
}

impl CoreError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::InvalidInput { .. } => ErrorCode::InvalidInput,
            CoreError::Storage(_) => ErrorCode::Storage,
            CoreError::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            CoreError::Locked(_) => ErrorCode::Locked,
            CoreError::WrongPassphrase => ErrorCode::WrongPassphrase,
            CoreError::NotFound { .. } => ErrorCode::NotFound,
            CoreError::Console(e) => console_code(e),
            CoreError::ConsoleExists { .. } => ErrorCode::ConsoleExists,
            CoreError::ConsoleUnknown { .. } => ErrorCode::ConsoleUnknown,
            CoreError::Ca(e) => crate::ca::error_code(e),
            CoreError::Bundle(e) => crate::bundles::error_code(e),
            CoreError::PlanBusy { .. } => ErrorCode::PlanBusy,
            CoreError::Fabric { error, .. } => crate::fabric::error_code(error.code),
            CoreError::ConfigUpdateRefused { .. } => ErrorCode::ConfigUpdateRefused,
            CoreError::NoAdminIdentity { .. } => ErrorCode::NoAdminIdentity,
            CoreError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Structured details for the UI (which field, what was missing).
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            CoreError::InvalidInput { field, reason } => {
                Some(serde_json::json!({ "field": field, "reason": reason }))
            }
            CoreError::NotFound { what } => Some(serde_json::json!({ "what": what })),
            CoreError::Console(e) => {
                let mut details = serde_json::json!({ "fix": e.fix() });
                if let fabric_ha_console::ConsoleError::Server {
                    status,
                    details: Some(more),
                    ..
                } = e
                {
                    details["status"] = (*status).into();
                    details["serverDetails"] = more.clone().into();
                } else if let fabric_ha_console::ConsoleError::Server { status, .. } = e {
                    details["status"] = (*status).into();
                }
                Some(details)
            }
            CoreError::ConsoleExists { name } | CoreError::ConsoleUnknown { name } => {
                Some(serde_json::json!({ "name": name }))
            }
            CoreError::Ca(e) => Some(crate::ca::error_details(e)),
            CoreError::Bundle(e) => Some(crate::bundles::error_details(e)),
            CoreError::PlanBusy { name, pid } => {
                Some(serde_json::json!({ "name": name, "pid": pid }))
            }
            CoreError::Fabric {
                node,
                identity,
                error,
            } => Some(serde_json::json!({
                "node": node, "call": error.context, "identity": identity,
                "nodeMessage": error.message, "fix": error.fix(),
            })),
            CoreError::ConfigUpdateRefused {
                orderer,
                channel,
                identity,
                status,
                info,
            } => Some(serde_json::json!({
                "orderer": orderer, "channel": channel, "identity": identity,
                "status": status, "info": info,
            })),
            CoreError::NoAdminIdentity { msp_id, node } => {
                Some(serde_json::json!({ "mspId": msp_id, "node": node }))
            }
            _ => None,
        }
    }
}

/// An error as it crosses the IPC boundary to the webview.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IpcError {
    /// Stable code, mapped to a sentence by the UI.
    pub code: ErrorCode,
    /// The precise message, shown verbatim under the sentence.
    pub message: String,
    /// Machine-readable context, e.g. `{"field": "pageSize"}`.
    pub details: Option<serde_json::Value>,
}

impl From<CoreError> for IpcError {
    fn from(err: CoreError) -> Self {
        IpcError {
            code: err.code(),
            message: err.to_string(),
            details: err.details(),
        }
    }
}

/// Maps a store failure to the core error whose code tells the UI what to do about it.
pub(crate) fn from_store(err: fabric_ha_store::StoreError) -> CoreError {
    use fabric_ha_store::{SecretError as S, StoreError as E};
    let message = err.to_string();
    match err {
        E::Secret(S::WrongPassphrase) => CoreError::WrongPassphrase,
        E::Secret(S::EmptyPassphrase) => CoreError::InvalidInput {
            field: "passphrase".into(),
            reason: "must not be empty".into(),
        },
        E::Secret(S::NotFound { id }) => CoreError::NotFound {
            what: format!("secret {id:?}"),
        },
        E::Secret(
            S::KeyringUnavailable(_)
            | S::KeyringEntryMissing { .. }
            | S::KeyringEntryInvalid { .. }
            | S::KeyringKeyMismatch { .. }
            | S::KeySourceMismatch { .. },
        ) => CoreError::KeyringUnavailable(message),
        _ => CoreError::Storage(message),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ipc_shape_is_code_message_details() {
        let err: IpcError = CoreError::InvalidInput {
            field: "pageSize".into(),
            reason: "bad".into(),
        }
        .into();
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "InvalidInput",
                "message": "pageSize: bad",
                "details": {"field": "pageSize", "reason": "bad"}
            })
        );
        let locked: IpcError = CoreError::WrongPassphrase.into();
        assert_eq!(
            serde_json::to_value(&locked).unwrap()["details"],
            serde_json::Value::Null
        );
    }
}
