//! The typed error of every console call, and the mapping from an HTTP answer to it.

use std::time::Duration;

use serde_json::Value;

/// Everything that can go wrong talking to a console.
///
/// `Display` is a human sentence that carries the console's own words where it gave any;
/// [`ConsoleError::code`] is a stable identifier for the UI and [`ConsoleError::fix`] says what
/// the user can do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConsoleError {
    /// No connection could be made (DNS, refused, connect timeout, reset, TLS handshake failure
    /// other than an untrusted certificate).
    #[error("cannot reach the console at {url}: {reason}")]
    Unreachable {
        /// The console URL.
        url: String,
        /// What failed, in transport terms.
        reason: String,
    },
    /// The console's TLS certificate is not trusted (unknown issuer, wrong host name, expired).
    #[error("the console at {url} presented a certificate this computer does not trust: {reason}")]
    TlsUntrusted {
        /// The console URL.
        url: String,
        /// Why the certificate was refused.
        reason: String,
    },
    /// 401: the API key (or user name and password) was not accepted.
    #[error("the console did not accept the credentials: {message}")]
    Unauthorized {
        /// The console's answer, verbatim (usually `Unauthorized`).
        message: String,
    },
    /// 401 from a console whose settings say `AUTH_SCHEME` `iam` (IBM Cloud): it takes IBM
    /// Cloud IAM tokens (`Bearer`) or IAM API keys (`ApiKey`), never a console API key.
    #[error("the console signs in with IBM Cloud IAM (AUTH_SCHEME \"iam\"), which takes IAM tokens, not console API keys: {message}")]
    IamOnly {
        /// The console's answer, verbatim.
        message: String,
    },
    /// IBM Cloud IAM (its token endpoint) gave no access token for the IBM Cloud API key.
    #[error("IBM Cloud IAM ({url}) gave no access token for the API key: {message}")]
    IamRefused {
        /// IAM's token endpoint.
        url: String,
        /// IAM's answer (HTTP status, its error message and code).
        message: String,
    },
    /// 401 for an IAM access token from a console whose settings say another `AUTH_SCHEME`:
    /// it takes console API keys, not IBM Cloud API keys.
    #[error("the console does not sign in with IBM Cloud IAM (AUTH_SCHEME {scheme:?}), it takes console API keys: {message}")]
    NotIam {
        /// The console's `AUTH_SCHEME`.
        scheme: String,
        /// The console's answer, verbatim.
        message: String,
    },
    /// 403, or a 401 for a write while the same key can read: the key lacks the role.
    #[error("the console refused this action for this API key: {message}")]
    Forbidden {
        /// The console's answer, verbatim.
        message: String,
    },
    /// The settings route answered something that is not a console.
    #[error("{url} does not look like a Fabric Operations Console: {reason}")]
    NotAConsole {
        /// The URL that was probed.
        url: String,
        /// What was answered instead.
        reason: String,
    },
    /// 503 on a deploy route: the console has no deployer and can only import.
    #[error("the console can only import components, it cannot create them: {message}")]
    ImportOnly {
        /// The console's answer, verbatim.
        message: String,
    },
    /// 400 `unknown_enroll_host`: the CA named in `crypto.enrollment` is not known to this
    /// console.
    #[error("the console does not know the enrollment CA: {message}")]
    UnknownEnrollHost {
        /// The console's answer, verbatim.
        message: String,
    },
    /// 404: no component (or key) by this id.
    #[error("not found on the console: {message}")]
    NotFound {
        /// The console's answer, verbatim.
        message: String,
    },
    /// 409: the explicit id is taken.
    #[error("the console reports a conflict: {message}")]
    Conflict {
        /// The console's answer, verbatim.
        message: String,
    },
    /// 429 after the retries allowed by [`crate::ClientOptions`] were used up, or when the
    /// console asked to wait longer than allowed.
    #[error("the console is rate limiting requests{}", retry_after_text(.retry_after))]
    RateLimited {
        /// How long the console asked to wait, when it said so.
        retry_after: Option<Duration>,
    },
    /// Any other non-success answer (400 validation errors, 5xx after retries, ...).
    #[error("the console answered HTTP {status}: {message}")]
    Server {
        /// HTTP status code.
        status: u16,
        /// The console's message(s), verbatim; several validation messages are joined by
        /// newlines.
        message: String,
        /// The console's `details` field, when present.
        details: Option<String>,
    },
    /// The console accepted the connection but did not answer in time.
    #[error("the console at {url} did not answer within {} s", .after.as_secs_f32())]
    Timeout {
        /// The console URL.
        url: String,
        /// The total timeout that expired.
        after: Duration,
    },
    /// A success status with a body that does not have the documented shape.
    #[error("unexpected answer from {path}: {reason}")]
    InvalidResponse {
        /// The route that answered.
        path: String,
        /// What was wrong with it.
        reason: String,
    },
    /// The caller's input cannot be sent (bad URL, bad CA certificate, unknown component type).
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(" (it asked to wait {} s)", d.as_secs()),
        None => String::new(),
    }
}

impl ConsoleError {
    /// A stable identifier for this kind of error, for the UI and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "console_unreachable",
            Self::TlsUntrusted { .. } => "console_tls_untrusted",
            Self::Unauthorized { .. } => "console_unauthorized",
            Self::IamOnly { .. } => "console_iam_only",
            Self::IamRefused { .. } => "console_iam_refused",
            Self::NotIam { .. } => "console_not_iam",
            Self::Forbidden { .. } => "console_forbidden",
            Self::NotAConsole { .. } => "not_a_console",
            Self::ImportOnly { .. } => "console_import_only",
            Self::UnknownEnrollHost { .. } => "unknown_enroll_host",
            Self::NotFound { .. } => "console_not_found",
            Self::Conflict { .. } => "console_conflict",
            Self::RateLimited { .. } => "console_rate_limited",
            Self::Server { .. } => "console_server_error",
            Self::Timeout { .. } => "console_timeout",
            Self::InvalidResponse { .. } => "console_invalid_response",
            Self::InvalidInput { .. } => "invalid_input",
        }
    }

    /// What the user can do about it, in one sentence.
    pub fn fix(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => {
                "Check the console URL (scheme, host and port), the network and any VPN or proxy."
            }
            Self::TlsUntrusted { .. } => {
                "Add the console's CA certificate, or its own self-signed certificate (PEM), to this console's settings, or check that the URL's host name matches the certificate."
            }
            Self::Unauthorized { .. } => {
                "Check the API key and secret (or user name and password); create a new API key in the console if the secret was lost."
            }
            Self::IamOnly { .. } => {
                "Sign in to this console with an IBM Cloud API key instead (of a user or service ID with the Manager, Writer or Reader service role on the console's instance)."
            }
            Self::IamRefused { .. } => {
                "Check the IBM Cloud API key (IBM Cloud > Manage > Access (IAM) > API keys), create a new one if it was deleted, and check IAM's token URL."
            }
            Self::NotIam { .. } => {
                "Sign in to this console with a console API key and secret (or its user name and password to create one)."
            }
            Self::Forbidden { .. } => {
                "Use an API key with the writer role to import and the manager role to create peers."
            }
            Self::NotAConsole { .. } => {
                "Enter the address of the console itself, as shown in the browser (for example https://console.example.com)."
            }
            Self::ImportOnly { .. } => {
                "Create the peer in a console that has a deployer, or import an existing peer here instead."
            }
            Self::UnknownEnrollHost { .. } => {
                "Import the CA into this console first, then create the peer."
            }
            Self::NotFound { .. } => "Refresh the list of components; it may have been removed.",
            Self::Conflict { .. } => "Choose another component id, or leave the id empty.",
            Self::RateLimited { .. } => {
                "Wait a minute and try again; the console allows about 25 changes per minute."
            }
            Self::Server { .. } => {
                "Read the console's message above; correct the input, or try again later if the console is failing."
            }
            Self::Timeout { .. } => {
                "Try again; if it keeps happening, check the console's health or raise the timeout."
            }
            Self::InvalidResponse { .. } => {
                "Check that the URL points at a supported console version (v3 API)."
            }
            Self::InvalidInput { .. } => "Correct the input and try again.",
        }
    }
}

/// Which family of route answered, for the few statuses whose meaning depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RouteKind {
    /// `/ak/api/v3/kubernetes/...`: needs a deployer.
    Deploy,
    /// Every other route.
    Other,
}

/// The text fields of a console error body.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ServerText {
    /// `msg` / `msgs` / `error` / `message`, or the plain-text body.
    pub message: String,
    /// The `details` field.
    pub details: Option<String>,
    /// The `error` field (403, 429 and "no deployer" 503 shapes).
    pub error: Option<String>,
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(value_text).collect();
            (!parts.is_empty()).then(|| parts.join("\n"))
        }
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads the console's message out of an error body: `msgs` (validation, all of them), `msg`,
/// `error` (403 and 429 shapes), `message`; a non-JSON body is taken verbatim.
pub(crate) fn server_text(body: &[u8]) -> ServerText {
    if let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) {
        let message = ["msgs", "msg", "error", "message"]
            .iter()
            .find_map(|k| obj.get(*k).and_then(value_text))
            .unwrap_or_else(|| Value::Object(obj.clone()).to_string());
        let details = obj.get("details").and_then(value_text);
        let error = obj.get("error").and_then(value_text);
        return ServerText {
            message,
            details,
            error,
        };
    }
    ServerText {
        message: String::from_utf8_lossy(body).trim().to_owned(),
        details: None,
        error: None,
    }
}

/// True for the console's "no deployer" answer (§3.1): a JSON 503 on a deploy route whose
/// `error` is "api is not available", as opposed to a 503 from a proxy or an overloaded server,
/// which is worth retrying.
pub(crate) fn is_import_only_answer(status: u16, route: RouteKind, text: &ServerText) -> bool {
    status == 503
        && route == RouteKind::Deploy
        && text
            .error
            .as_deref()
            .is_some_and(|e| e.to_ascii_lowercase().contains("not available"))
}

fn is_unknown_enroll_host(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("unknown_enroll_host") || m.contains("list of known url")
}

/// Maps a non-success answer to an error (429 is handled by the retry loop, which knows the
/// `Retry-After` value; here it maps to a `RateLimited` without one).
pub(crate) fn error_from_status(status: u16, route: RouteKind, body: &[u8]) -> ConsoleError {
    let text = server_text(body);
    match status {
        401 => ConsoleError::Unauthorized {
            message: text.message,
        },
        403 => ConsoleError::Forbidden {
            message: text.message,
        },
        404 => ConsoleError::NotFound {
            message: text.message,
        },
        409 => ConsoleError::Conflict {
            message: text.message,
        },
        429 => ConsoleError::RateLimited { retry_after: None },
        400 if is_unknown_enroll_host(&text.message) => ConsoleError::UnknownEnrollHost {
            message: text.message,
        },
        _ if is_import_only_answer(status, route, &text) => ConsoleError::ImportOnly {
            message: text.message,
        },
        _ => ConsoleError::Server {
            status,
            message: text.message,
            details: text.details,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_401_is_kept_verbatim() {
        let e = error_from_status(401, RouteKind::Other, b"Unauthorized");
        assert_eq!(
            e,
            ConsoleError::Unauthorized {
                message: "Unauthorized".into()
            }
        );
        assert_eq!(e.code(), "console_unauthorized");
    }

    #[test]
    fn forbidden_takes_the_error_field() {
        let body = br#"{"authorized": false, "error": "missing action", "attempted_actions": ["blockchain.components.create"]}"#;
        let e = error_from_status(403, RouteKind::Other, body);
        assert_eq!(
            e,
            ConsoleError::Forbidden {
                message: "missing action".into()
            }
        );
    }

    #[test]
    fn validation_messages_are_all_kept() {
        let body = br#"{"statusCode":400,"msgs":["Expected parameter 'msp_id' to exist.","Expected parameter 'display_name' to exist."]}"#;
        match error_from_status(400, RouteKind::Other, body) {
            ConsoleError::Server {
                status,
                message,
                details,
            } => {
                assert_eq!(status, 400);
                assert_eq!(
                    message,
                    "Expected parameter 'msp_id' to exist.\nExpected parameter 'display_name' to exist."
                );
                assert_eq!(details, None);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn malformed_json_answer_keeps_details() {
        let body = br#"{"statusCode":400,"msg":"input error","details":"SyntaxError: Unexpected end of JSON input"}"#;
        assert_eq!(
            error_from_status(400, RouteKind::Other, body),
            ConsoleError::Server {
                status: 400,
                message: "input error".into(),
                details: Some("SyntaxError: Unexpected end of JSON input".into()),
            }
        );
    }

    #[test]
    fn conflict_and_not_found() {
        let body = br#"{"statusCode":409,"msg":"unable to onboard component b/c of id conflict. use a different component id."}"#;
        assert_eq!(
            error_from_status(409, RouteKind::Other, body).code(),
            "console_conflict"
        );
        let body =
            br#"{"msg":"no components by this id exist","reason":"missing","statusCode":404}"#;
        assert_eq!(
            error_from_status(404, RouteKind::Other, body),
            ConsoleError::NotFound {
                message: "no components by this id exist".into()
            }
        );
    }

    #[test]
    fn unknown_enroll_host_is_recognised() {
        let body = br#"{"statusCode":400,"msgs":["The parameter 'crypto.enrollment.ca.host' was not found in the list of known URLs. Import the CA first."]}"#;
        assert_eq!(
            error_from_status(400, RouteKind::Deploy, body).code(),
            "unknown_enroll_host"
        );
    }

    #[test]
    fn import_only_only_for_console_json_on_deploy_routes() {
        let body = br#"{"statusCode":503,"error":"api is not available","msg":"import only"}"#;
        assert_eq!(
            error_from_status(503, RouteKind::Deploy, body),
            ConsoleError::ImportOnly {
                message: "import only".into()
            }
        );
        // A proxy's HTML 503, or a JSON 503 of another kind, is an ordinary server error.
        assert_eq!(
            error_from_status(
                503,
                RouteKind::Deploy,
                br#"{"statusCode":503,"msg":"busy"}"#
            )
            .code(),
            "console_server_error"
        );
        assert_eq!(
            error_from_status(503, RouteKind::Deploy, b"<html>Service Unavailable</html>").code(),
            "console_server_error"
        );
        assert_eq!(
            error_from_status(503, RouteKind::Other, body).code(),
            "console_server_error"
        );
    }

    #[test]
    fn every_error_has_a_code_and_a_fix() {
        let all = [
            ConsoleError::Unreachable {
                url: "u".into(),
                reason: "r".into(),
            },
            ConsoleError::TlsUntrusted {
                url: "u".into(),
                reason: "r".into(),
            },
            ConsoleError::Unauthorized {
                message: "m".into(),
            },
            ConsoleError::Forbidden {
                message: "m".into(),
            },
            ConsoleError::NotAConsole {
                url: "u".into(),
                reason: "r".into(),
            },
            ConsoleError::ImportOnly {
                message: "m".into(),
            },
            ConsoleError::UnknownEnrollHost {
                message: "m".into(),
            },
            ConsoleError::NotFound {
                message: "m".into(),
            },
            ConsoleError::Conflict {
                message: "m".into(),
            },
            ConsoleError::RateLimited {
                retry_after: Some(Duration::from_secs(60)),
            },
            ConsoleError::Server {
                status: 500,
                message: "m".into(),
                details: None,
            },
            ConsoleError::Timeout {
                url: "u".into(),
                after: Duration::from_secs(1),
            },
            ConsoleError::InvalidResponse {
                path: "p".into(),
                reason: "r".into(),
            },
            ConsoleError::InvalidInput {
                message: "m".into(),
            },
        ];
        let mut codes: Vec<&str> = all.iter().map(ConsoleError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "codes are unique");
        for e in &all {
            assert!(!e.fix().is_empty());
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            all[9].to_string(),
            "the console is rate limiting requests (it asked to wait 60 s)"
        );
    }
}
