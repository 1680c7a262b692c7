//! IBM Cloud IAM access tokens for consoles on IBM Cloud (`AUTH_SCHEME` `iam`, console-api.md
//! §1.2): an IBM Cloud API key is exchanged at IAM's token endpoint
//! (`POST https://iam.cloud.ibm.com/identity/token`, form body
//! `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=…`) for an access token, which the
//! console takes as `Authorization: Bearer …`.
//!
//! Tokens are kept in this process's memory only (never on disk), per token endpoint and API
//! key, and asked for again once 80 % of their lifetime has passed (as IBM's SDKs do), or at
//! once when a console refuses a kept one (a revoked token). A console also answers 401 when
//! the key's role does not allow an action (console-api.md §9), so a token that replaced a
//! refused one is not replaced again on a refusal. One exchange runs at a time, so clients
//! started together share one token.

use std::time::{Duration, Instant};

use fabric_ha_sensitive::Sensitive;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::Deserialize;

use crate::error::ConsoleError;

/// IBM Cloud's IAM token endpoint.
pub const IBM_CLOUD_IAM_TOKEN_URL: &str = "https://iam.cloud.ibm.com/identity/token";

/// The grant type of an API key exchange.
const GRANT_TYPE: &str = "urn:ibm:params:oauth:grant-type:apikey";

/// A token in the cache.
struct Kept {
    token_url: String,
    api_key: Sensitive<String>,
    token: Sensitive<String>,
    /// When it is asked for again.
    renew_at: Instant,
    /// A console's refusal may replace it (it does not replace a refused token itself).
    renewable: bool,
}

/// Every token this process holds. An async lock: the exchange runs under it.
static KEPT: tokio::sync::Mutex<Vec<Kept>> = tokio::sync::Mutex::const_new(Vec::new());

/// IAM's answer to an exchange.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Sensitive<String>,
    /// Seconds the token is valid for.
    expires_in: u64,
}

/// IAM's error bodies: `{"errorCode": "BXNIM0415E", "errorMessage": "…"}` from the token
/// service, `{"errors": [{"code": …, "message": …}]}` from other IAM services.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct IamError {
    error_code: Option<String>,
    error_message: Option<String>,
    #[serde(default)]
    errors: Vec<IamErrorItem>,
}

#[derive(Deserialize)]
struct IamErrorItem {
    code: Option<String>,
    message: Option<String>,
}

/// The words of an error answer: its message and code, else its text.
fn error_text(status: u16, body: &[u8]) -> String {
    let parsed: IamError = serde_json::from_slice(body).unwrap_or_default();
    let (message, code) = match (parsed.error_message, parsed.errors.into_iter().next()) {
        (Some(m), _) => (Some(m), parsed.error_code),
        (None, Some(item)) => (item.message, item.code),
        (None, None) => (None, None),
    };
    match (message, code) {
        (Some(m), Some(c)) => format!("HTTP {status}: {m} ({c})"),
        (Some(m), None) => format!("HTTP {status}: {m}"),
        _ => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.trim().chars().take(200).collect();
            if text.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {text}")
            }
        }
    }
}

/// An access token for `api_key` at `token_url`, and whether a console's refusal of it should
/// be answered with a new one (only for a kept token that did not itself replace a refused
/// one): the kept one unless `renew` (the console refused it) or it is due, else a new
/// exchange.
pub(crate) async fn access_token(
    http: &reqwest::Client,
    token_url: &str,
    api_key: &Sensitive<String>,
    renew: bool,
) -> Result<(Sensitive<String>, bool), ConsoleError> {
    let mut kept = KEPT.lock().await;
    let now = Instant::now();
    kept.retain(|k| k.renew_at > now);
    let position = kept
        .iter()
        .position(|k| k.token_url == token_url && &k.api_key == api_key);
    match position {
        Some(i) if !renew => return Ok((kept[i].token.clone(), kept[i].renewable)),
        Some(i) => {
            kept.swap_remove(i);
        }
        None => {}
    }
    let (token, lifetime) = exchange(http, token_url, api_key).await?;
    kept.push(Kept {
        token_url: token_url.to_owned(),
        api_key: api_key.clone(),
        token: token.clone(),
        // 80 % of the lifetime, as IBM's SDKs renew.
        renew_at: Instant::now() + lifetime.mul_f64(0.8),
        renewable: !renew,
    });
    Ok((token, false))
}

/// One exchange of `api_key` for an access token and its lifetime.
async fn exchange(
    http: &reqwest::Client,
    token_url: &str,
    api_key: &Sensitive<String>,
) -> Result<(Sensitive<String>, Duration), ConsoleError> {
    let refused = |message: String| ConsoleError::IamRefused {
        url: token_url.to_owned(),
        message,
    };
    let started = Instant::now();
    let response = http
        .post(token_url)
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(api_key))
        .send()
        .await
        .map_err(|e| crate::client::transport_error(token_url, &e))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| crate::client::transport_error(token_url, &e))?;
    tracing::debug!(
        url = token_url,
        status,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "IAM token exchange"
    );
    if !(200..300).contains(&status) {
        return Err(refused(error_text(status, &body)));
    }
    let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
        refused(format!(
            "HTTP {status} without an access token and its lifetime: {e}"
        ))
    })?;
    if answer.access_token.expose().is_empty() || answer.expires_in == 0 {
        return Err(refused(format!(
            "HTTP {status} with an empty access token or lifetime"
        )));
    }
    Ok((answer.access_token, Duration::from_secs(answer.expires_in)))
}

/// `grant_type=…&apikey=…`, form-encoded.
fn form_body(api_key: &Sensitive<String>) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", GRANT_TYPE)
        .append_pair("apikey", api_key.expose())
        .finish()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_worded_with_their_message_and_code() {
        assert_eq!(
            error_text(
                400,
                br#"{"context":{"requestId":"x"},"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found."}"#
            ),
            "HTTP 400: Provided API key could not be found. (BXNIM0415E)"
        );
        assert_eq!(
            error_text(
                401,
                br#"{"trace":"t","errors":[{"code":"invalid_access_token","message":"The provided access token provided is invalid."}],"status_code":401}"#
            ),
            "HTTP 401: The provided access token provided is invalid. (invalid_access_token)"
        );
        assert_eq!(error_text(502, b"Bad Gateway"), "HTTP 502: Bad Gateway");
        assert_eq!(error_text(503, b""), "HTTP 503");
    }

    #[test]
    fn the_form_body_encodes_the_grant_and_the_key() {
        let body = form_body(&Sensitive::from("a+b/c=d e"));
        assert_eq!(
            String::from_utf8(body).unwrap_or_default(),
            "grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=a%2Bb%2Fc%3Dd+e"
        );
    }
}
