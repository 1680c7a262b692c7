//! The console client: one `reqwest` client per console, Basic auth with the API key, retries
//! for what is safe to repeat, and every answer mapped to a typed result.

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use fabric_ha_artifacts::ImportBody;
use fabric_ha_sensitive::Sensitive;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::create::{CreateCaBody, CreatePeerBody};
use crate::error::{
    error_from_status, is_import_only_answer, server_text, ConsoleError, RouteKind,
};
use crate::models::{
    ApiKeyInfo, ApiKeyList, ApiRole, Component, ComponentList, ComponentQuery, ComponentStatus,
    ComponentType, Deleted, FabricVersions, FabricVersionsAnswer, NewApiKey, PublicSettings,
};
use crate::retry::{self, Decision, Repeat};
use crate::tls;

/// Where a console is and how to log in to it.
#[derive(Clone, Debug)]
pub struct ConsoleEndpoint {
    /// The console URL as shown in the browser (`https://console.example.com`); `http://` is
    /// allowed for local development consoles.
    pub url: String,
    /// How to sign in.
    pub auth: ConsoleAuth,
    /// The console's own CA certificate (PEM, or base64 of PEM), trusted in addition to the
    /// public web roots (for IAM's token endpoint as well).
    pub extra_ca_pem: Option<String>,
}

/// How a client signs in to a console (console-api.md §1.2).
#[derive(Clone, Debug)]
pub enum ConsoleAuth {
    /// A console API key and secret, sent as `Basic` auth (software consoles).
    Key {
        /// API key (the Basic-auth user name).
        api_key: String,
        /// API secret (the Basic-auth password).
        api_secret: Sensitive<String>,
    },
    /// An IBM Cloud API key (consoles on IBM Cloud, `AUTH_SCHEME` `iam`): exchanged at IAM's
    /// token endpoint for an access token, sent as `Bearer`.
    Iam {
        /// The IBM Cloud API key.
        api_key: Sensitive<String>,
        /// IAM's token endpoint ([`crate::IBM_CLOUD_IAM_TOKEN_URL`] on IBM Cloud).
        token_url: String,
    },
}

impl ConsoleAuth {
    /// A console API key and its secret.
    pub fn key(api_key: impl Into<String>, api_secret: impl Into<Sensitive<String>>) -> Self {
        Self::Key {
            api_key: api_key.into(),
            api_secret: api_secret.into(),
        }
    }
}

/// Timeouts and retry behaviour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// Total time for one attempt (connect, send, whole answer).
    pub timeout: Duration,
    /// Total time for one create (deploy) attempt; the console itself waits up to about 105 s
    /// for its deployer (§3.5).
    pub deploy_timeout: Duration,
    /// Time to establish the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Retries after the first attempt (for 429, and for 502/503/504 and resets of requests
    /// that are safe to repeat).
    pub max_retries: u32,
    /// First backoff delay; doubles per retry, with jitter.
    pub backoff_base: Duration,
    /// Longest backoff delay.
    pub backoff_max: Duration,
    /// Longest `Retry-After` the client waits out by itself; a longer one is reported at once
    /// as [`ConsoleError::RateLimited`].
    pub max_retry_after: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            deploy_timeout: Duration::from_secs(150),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            // The console's limiter window is one minute (§1.5, §9: `Retry-After: 60`).
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// How a request authenticates.
#[derive(Clone, Copy)]
enum Auth<'a> {
    /// Public route.
    None,
    /// The endpoint's API key.
    Key,
    /// A console user (only to create the first API key, §1.2).
    User {
        name: &'a str,
        password: &'a Sensitive<String>,
    },
}

/// One logical request (possibly sent several times).
struct Call<'a> {
    method: Method,
    path: String,
    body: Option<Vec<u8>>,
    repeat: Repeat,
    route: RouteKind,
    auth: Auth<'a>,
    timeout: Option<Duration>,
}

impl Call<'_> {
    fn new(method: Method, path: impl Into<String>) -> Self {
        let path = path.into();
        let route = if path.starts_with("/ak/api/v3/kubernetes/") {
            RouteKind::Deploy
        } else {
            RouteKind::Other
        };
        // GET, PUT and DELETE are idempotent; POSTs opt in with `safe()`.
        let repeat = if method == Method::POST {
            Repeat::Never
        } else {
            Repeat::Safe
        };
        Self {
            method,
            path,
            body: None,
            repeat,
            route,
            auth: Auth::Key,
            timeout: None,
        }
    }

    fn json(mut self, body: &Value) -> Self {
        // Serializing a `Value` cannot fail.
        self.body = Some(body.to_string().into_bytes());
        self
    }

    fn safe(mut self) -> Self {
        self.repeat = Repeat::Safe;
        self
    }
}

/// A success answer.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// What went wrong below HTTP.
enum Transport {
    Timeout,
    Reset(String),
    Untrusted(String),
    Other(String),
}

/// The console REST client (`/ak/api/v3`).
pub struct ConsoleClient {
    http: reqwest::Client,
    base: String,
    encrypted: bool,
    auth: ConsoleAuth,
    options: ClientOptions,
    /// The console's name in the workspace, for what the client announces.
    name: Option<String>,
}

impl fmt::Debug for ConsoleClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleClient")
            .field("url", &self.base)
            .field("auth", &self.auth)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn invalid(message: impl Into<String>) -> ConsoleError {
    ConsoleError::InvalidInput {
        message: message.into(),
    }
}

/// Ids and keys go into paths; refusing anything outside the URL-safe set keeps a value from
/// changing the route (`../`, `?`, `#`).
fn path_segment(value: &str, what: &str) -> Result<String, ConsoleError> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        && value != "."
        && value != "..";
    if ok {
        Ok(value.to_owned())
    } else {
        Err(invalid(format!(
            "{what} {value:?} is not a valid console id"
        )))
    }
}

/// Validates the console URL and returns it without a trailing slash.
fn base_url(raw: &str) -> Result<(String, bool), ConsoleError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| invalid(format!("the console URL {raw:?} is not a URL: {e}")))?;
    let encrypted = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(invalid(format!(
                "the console URL must start with https:// (or http://), not {other}://"
            )))
        }
    };
    if url.host_str().is_none() {
        return Err(invalid("the console URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "the console URL must not contain credentials; use the API key fields",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the console URL must not have a query or fragment"));
    }
    Ok((url.as_str().trim_end_matches('/').to_owned(), encrypted))
}

/// Walks an error's causes, looking inside `io::Error` wrappers too (their `source()` skips
/// the wrapped error).
fn find_cause<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(found) = find_cause::<T>(inner) {
                    return Some(found);
                }
            }
        }
        current = e.source();
    }
    None
}

fn is_reset_kind(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        kind,
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof
    )
}

/// The causes below reqwest's own "error sending request for url (...)", joined.
fn cause_text(err: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut current = err.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        current = e.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}

/// A failed IAM token exchange's transport error: an untrusted certificate as such, anything
/// else as unreachable (the exchange is never repeated by itself).
pub(crate) fn transport_error(url: &str, err: &reqwest::Error) -> ConsoleError {
    match classify(err) {
        Transport::Untrusted(reason) => ConsoleError::TlsUntrusted {
            url: url.to_owned(),
            reason,
        },
        Transport::Timeout => ConsoleError::Unreachable {
            url: url.to_owned(),
            reason: "no answer in time".to_owned(),
        },
        Transport::Reset(reason) | Transport::Other(reason) => ConsoleError::Unreachable {
            url: url.to_owned(),
            reason,
        },
    }
}

fn classify(err: &reqwest::Error) -> Transport {
    if let Some(rustls::Error::InvalidCertificate(cert)) = find_cause::<rustls::Error>(err) {
        return Transport::Untrusted(tls::describe_certificate_error(cert));
    }
    if err.is_timeout() {
        if err.is_connect() {
            return Transport::Other("no answer to the connection attempt in time".to_owned());
        }
        return Transport::Timeout;
    }
    let io_reset = find_cause::<std::io::Error>(err).is_some_and(|e| is_reset_kind(e.kind()));
    let hyper_closed =
        find_cause::<hyper::Error>(err).is_some_and(|e| e.is_incomplete_message() || e.is_closed());
    if io_reset || hyper_closed {
        return Transport::Reset(cause_text(err));
    }
    Transport::Other(cause_text(err))
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// How long a 429 asks to wait: `Retry-After`, else `X-RateLimit-Reset`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let now = SystemTime::now();
    header_str(headers, RETRY_AFTER.as_str())
        .and_then(|v| retry::parse_retry_after(v, now))
        .or_else(|| {
            header_str(headers, "x-ratelimit-reset")
                .and_then(|v| retry::parse_rate_limit_reset(v, now))
        })
}

fn decode<T: DeserializeOwned>(path: &str, answer: &Answer) -> Result<T, ConsoleError> {
    serde_json::from_slice(&answer.body).map_err(|e| ConsoleError::InvalidResponse {
        path: path.to_owned(),
        reason: format!("HTTP {} with an unexpected body: {e}", answer.status),
    })
}

impl ConsoleClient {
    /// Builds a client. Fails on a malformed URL or an unusable extra CA certificate; nothing
    /// is sent yet.
    pub fn new(endpoint: ConsoleEndpoint, options: ClientOptions) -> Result<Self, ConsoleError> {
        let (base, encrypted) = base_url(&endpoint.url)?;
        let tls = tls::client_config(endpoint.extra_ca_pem.as_deref())?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            // A redirect would turn a POST into a GET and may drop the Authorization header;
            // the user should enter the final address instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("fabric-ha-console/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| invalid(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Self {
            http,
            base,
            encrypted,
            auth: endpoint.auth,
            options,
            name: None,
        })
    }

    /// Names the console in the rate-limit waits this client announces
    /// ([`crate::waits::subscribe`]); without a name they carry its URL.
    pub fn with_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// The console URL (without trailing slash).
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Signs in with an IBM Cloud API key (IAM access tokens).
    pub fn uses_iam(&self) -> bool {
        matches!(self.auth, ConsoleAuth::Iam { .. })
    }

    /// False for a plain `http://` console: the UI marks it "not encrypted".
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The options in force.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    fn backoff(&self, attempt: u32) -> Duration {
        retry::backoff_delay(self.options.backoff_base, self.options.backoff_max, attempt)
    }

    /// Sends `call`, retrying what may be retried, and returns a 2xx answer (200, 207, 222,
    /// ...) or the mapped error.
    async fn execute(&self, call: &Call<'_>) -> Result<Answer, ConsoleError> {
        let url = format!("{}{}", self.base, call.path);
        let mut attempt: u32 = 0;
        // An IAM access token and whether a refusal of it is answered with a new one (once).
        let mut bearer = match (&self.auth, call.auth) {
            (ConsoleAuth::Iam { api_key, token_url }, Auth::Key) => {
                Some(crate::iam::access_token(&self.http, token_url, api_key, false).await?)
            }
            _ => None,
        };
        loop {
            let started = Instant::now();
            let mut request = self
                .http
                .request(call.method.clone(), &url)
                .header(ACCEPT, "application/json");
            match call.auth {
                Auth::None => {}
                Auth::Key => match (&self.auth, &bearer) {
                    (
                        ConsoleAuth::Key {
                            api_key,
                            api_secret,
                        },
                        _,
                    ) => {
                        request = request.basic_auth(api_key, Some(api_secret.expose()));
                    }
                    (ConsoleAuth::Iam { .. }, Some((token, _))) => {
                        request = request.bearer_auth(token.expose());
                    }
                    (ConsoleAuth::Iam { .. }, None) => {}
                },
                Auth::User { name, password } => {
                    request = request.basic_auth(name, Some(password.expose()));
                }
            }
            if let Some(body) = &call.body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            if let Some(timeout) = call.timeout {
                request = request.timeout(timeout);
            }
            let outcome = async {
                let response = request.send().await?;
                let status = response.status();
                let headers = response.headers().clone();
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>((status, headers, body))
            }
            .await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let retries_left = attempt < self.options.max_retries;

            let (status, headers, body) = match outcome {
                Ok(ok) => ok,
                Err(err) => {
                    let failure = classify(&err);
                    // The caller reports the error it gets back; the log keeps the attempt.
                    tracing::info!(
                        method = %call.method, path = %call.path, attempt, elapsed_ms,
                        error = %cause_text(&err), "console request failed"
                    );
                    return Err(match failure {
                        Transport::Reset(reason) => {
                            if retries_left && retry::on_reset(call.repeat) == Decision::Backoff {
                                tokio::time::sleep(self.backoff(attempt)).await;
                                attempt += 1;
                                continue;
                            }
                            ConsoleError::Unreachable {
                                url: self.base.clone(),
                                reason: format!("the connection was reset: {reason}"),
                            }
                        }
                        Transport::Timeout => ConsoleError::Timeout {
                            url: self.base.clone(),
                            after: call.timeout.unwrap_or(self.options.timeout),
                        },
                        Transport::Untrusted(reason) => ConsoleError::TlsUntrusted {
                            url: self.base.clone(),
                            reason,
                        },
                        Transport::Other(reason) => ConsoleError::Unreachable {
                            url: self.base.clone(),
                            reason,
                        },
                    });
                }
            };
            let code = status.as_u16();
            tracing::debug!(
                method = %call.method, path = %call.path, status = code, attempt, elapsed_ms,
                "console request"
            );
            if status.is_success() {
                return Ok(Answer {
                    status: code,
                    body: body.to_vec(),
                });
            }
            // A kept IAM token the console refuses (revoked, or its policies changed): one
            // more try with a new one.
            if code == 401 {
                if let (ConsoleAuth::Iam { api_key, token_url }, Some((_, true))) =
                    (&self.auth, &bearer)
                {
                    tracing::info!(path = %call.path, "the console refused the IAM token, asking IAM for a new one");
                    bearer =
                        Some(crate::iam::access_token(&self.http, token_url, api_key, true).await?);
                    continue;
                }
            }
            if code == 429 {
                let wait = retry_after(&headers);
                let acceptable = !matches!(wait, Some(d) if d > self.options.max_retry_after);
                if retries_left && acceptable {
                    let delay = wait.unwrap_or_else(|| self.backoff(attempt));
                    tracing::info!(path = %call.path, delay_ms = delay.as_millis() as u64, "console rate limit, waiting");
                    crate::waits::announce(&crate::waits::RateLimitWait {
                        console: self.name.clone().unwrap_or_else(|| self.base.clone()),
                        url: self.base.clone(),
                        request: format!("{} {}", call.method, call.path),
                        wait: delay,
                        until: std::time::SystemTime::now() + delay,
                    });
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                return Err(ConsoleError::RateLimited { retry_after: wait });
            }
            if status.is_redirection() {
                let to = header_str(&headers, LOCATION.as_str()).unwrap_or("?");
                return Err(ConsoleError::Server {
                    status: code,
                    message: format!("redirected to {to}"),
                    details: None,
                });
            }
            let import_only = is_import_only_answer(code, call.route, &server_text(&body));
            if retries_left
                && !import_only
                && retry::on_status(code, call.repeat) == Decision::Backoff
            {
                tokio::time::sleep(self.backoff(attempt)).await;
                attempt += 1;
                continue;
            }
            return Err(error_from_status(code, call.route, &body));
        }
    }

    /// [`Self::execute`], plus one distinction the console does not make: it answers 401 both
    /// for a wrong key and for a valid key without the role (§9, reader key importing). When
    /// a write gets 401 and the same key can read, the answer is `Forbidden`.
    async fn send(&self, call: &Call<'_>) -> Result<Answer, ConsoleError> {
        match self.execute(call).await {
            Err(ConsoleError::Unauthorized { message })
                if call.method != Method::GET && matches!(call.auth, Auth::Key) =>
            {
                if self.key_can_read().await {
                    Err(ConsoleError::Forbidden { message })
                } else {
                    Err(ConsoleError::Unauthorized { message })
                }
            }
            other => other,
        }
    }

    /// True when the API key is accepted for reading.
    pub(crate) async fn key_can_read(&self) -> bool {
        self.execute(&Call::new(Method::GET, "/ak/api/v3/components"))
            .await
            .is_ok()
    }

    /// Sends a probe without the 401 interpretation of [`Self::send`] (for the connection test).
    pub(crate) async fn probe(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<u16, ConsoleError> {
        let mut call = Call::new(method, path);
        if let Some(body) = body {
            call = call.json(body);
        }
        self.execute(&call).await.map(|a| a.status)
    }

    /// `GET /ak/api/v3/settings` (no auth). Anything that is not the console's settings
    /// object is [`ConsoleError::NotAConsole`].
    pub async fn public_settings(&self) -> Result<PublicSettings, ConsoleError> {
        const PATH: &str = "/ak/api/v3/settings";
        let mut call = Call::new(Method::GET, PATH);
        call.auth = Auth::None;
        let not_a_console = |reason: String| ConsoleError::NotAConsole {
            url: self.base.clone(),
            reason,
        };
        let answer = match self.execute(&call).await {
            Ok(answer) => answer,
            Err(ConsoleError::Server {
                status, message, ..
            }) if (300..400).contains(&status) => {
                return Err(not_a_console(format!(
                    "{PATH} answered HTTP {status} ({message}); enter the final address"
                )))
            }
            Err(
                ConsoleError::Unauthorized { .. }
                | ConsoleError::Forbidden { .. }
                | ConsoleError::NotFound { .. }
                | ConsoleError::Conflict { .. },
            ) => return Err(not_a_console(format!("{PATH} is not served here"))),
            Err(ConsoleError::Server { status, .. }) if status < 500 => {
                return Err(not_a_console(format!("{PATH} answered HTTP {status}")))
            }
            Err(other) => return Err(other),
        };
        serde_json::from_slice::<PublicSettings>(&answer.body).map_err(|_| {
            not_a_console(format!(
                "{PATH} answered without the console's settings (no AUTH_SCHEME)"
            ))
        })
    }

    /// `GET /ak/api/v3/components` (HTTP 222 with an empty list is a success).
    pub async fn list_components(
        &self,
        query: ComponentQuery,
    ) -> Result<Vec<Component>, ConsoleError> {
        let path = format!("/ak/api/v3/components{}", query.to_query());
        let answer = self.send(&Call::new(Method::GET, &path)).await?;
        Ok(decode::<ComponentList>(&path, &answer)?.components)
    }

    /// `GET /ak/api/v3/components/{id}`; [`ComponentQuery::full`] adds `deployment_attrs`,
    /// `parsed_certs` and `cache=skip`.
    pub async fn get_component(
        &self,
        id: &str,
        query: ComponentQuery,
    ) -> Result<Component, ConsoleError> {
        let path = format!(
            "/ak/api/v3/components/{}{}",
            path_segment(id, "component id")?,
            query.to_query()
        );
        let answer = self.send(&Call::new(Method::GET, &path)).await?;
        decode(&path, &answer)
    }

    /// `POST /ak/api/v3/components/{type}` with a strict v3 import body (§2.5-§2.8). Never
    /// retried after a transport failure or 5xx: a second copy would be a duplicate record.
    /// Check [`crate::find_existing`] first.
    pub async fn import_component(
        &self,
        kind: ComponentType,
        body: &Value,
    ) -> Result<Component, ConsoleError> {
        let path = format!("/ak/api/v3/components/{}", kind.as_str());
        let answer = self
            .send(&Call::new(Method::POST, &path).json(body))
            .await?;
        decode(&path, &answer)
    }

    /// [`Self::import_component`] for a body made by `fabric_ha_artifacts::import_bodies`.
    pub async fn import(&self, body: &ImportBody) -> Result<Component, ConsoleError> {
        let kind = ComponentType::parse(body.component_type).ok_or_else(|| {
            invalid(format!(
                "unknown component type {:?} for import",
                body.component_type
            ))
        })?;
        self.import_component(kind, &body.body).await
    }

    /// Edits a record with only the changed fields (§2.4): `PUT /ak/api/v3/components/{id}`,
    /// or `/components/msp/{id}` for an MSP. Returns the edited record.
    pub async fn edit_component(
        &self,
        kind: ComponentType,
        id: &str,
        changes: &Value,
    ) -> Result<Component, ConsoleError> {
        let id = path_segment(id, "component id")?;
        let path = match kind {
            ComponentType::Msp => format!("/ak/api/v3/components/msp/{id}"),
            _ => format!("/ak/api/v3/components/{id}"),
        };
        let answer = self
            .send(&Call::new(Method::PUT, &path).json(changes))
            .await?;
        decode(&path, &answer)
    }

    /// `DELETE /ak/api/v3/components/{id}`: removes the record only (never a deployment).
    pub async fn delete_component(&self, id: &str) -> Result<Deleted, ConsoleError> {
        let path = format!(
            "/ak/api/v3/components/{}",
            path_segment(id, "component id")?
        );
        let answer = self.send(&Call::new(Method::DELETE, &path)).await?;
        decode(&path, &answer)
    }

    /// `POST /ak/api/v3/components/status` for `ids` (always HTTP 207). The request is
    /// `{"components": {"<id>": {...}}}`; the answer is keyed by id at the top level (§3.5).
    /// Read-only, so it is retried like a GET. `timeout_ms` is how long the console waits for
    /// each component. Returns one entry per id, in order; an id the console does not know is
    /// [`crate::Health::Unknown`].
    pub async fn component_status(
        &self,
        ids: &[&str],
        timeout_ms: u64,
    ) -> Result<Vec<(String, ComponentStatus)>, ConsoleError> {
        const PATH: &str = "/ak/api/v3/components/status";
        let mut components = Map::new();
        for id in ids {
            components.insert(
                path_segment(id, "component id")?,
                json!({"skip_cache": true, "include_status_resp": true, "timeout_ms": timeout_ms}),
            );
        }
        let body = json!({ "components": components });
        let answer = self
            .send(&Call::new(Method::POST, PATH).json(&body).safe())
            .await?;
        let value: Value = decode(PATH, &answer)?;
        ComponentStatus::from_answer(ids, &value).map_err(|reason| ConsoleError::InvalidResponse {
            path: PATH.to_owned(),
            reason,
        })
    }

    /// `POST /ak/api/v3/kubernetes/components/fabric-peer` (§3). Needs a manager key and a
    /// console with a deployer ([`ConsoleError::ImportOnly`] otherwise); the CA in
    /// `crypto.enrollment` must be imported first ([`ConsoleError::UnknownEnrollHost`]).
    /// Never retried: a second copy would deploy a second peer.
    pub async fn create_peer(&self, body: &CreatePeerBody) -> Result<Component, ConsoleError> {
        const PATH: &str = "/ak/api/v3/kubernetes/components/fabric-peer";
        let json = body
            .request_json()
            .map_err(|e| invalid(format!("cannot encode the create-peer body: {e}")))?;
        let mut call = Call::new(Method::POST, PATH).json(&json);
        call.timeout = Some(self.options.deploy_timeout);
        let answer = self.send(&call).await?;
        decode(PATH, &answer)
    }

    /// `POST /ak/api/v3/kubernetes/components/fabric-ca` (deployer API 1b). Needs a manager
    /// key and a console with a deployer ([`ConsoleError::ImportOnly`] otherwise). Never
    /// retried: a second copy would deploy a second CA.
    pub async fn create_ca(&self, body: &CreateCaBody) -> Result<Component, ConsoleError> {
        const PATH: &str = "/ak/api/v3/kubernetes/components/fabric-ca";
        let json = body
            .request_json()
            .map_err(|e| invalid(format!("cannot encode the create-CA body: {e}")))?;
        let mut call = Call::new(Method::POST, PATH).json(&json);
        call.timeout = Some(self.options.deploy_timeout);
        let answer = self.send(&call).await?;
        decode(PATH, &answer)
    }

    /// `GET /ak/api/v3/kubernetes/fabric/versions` (needs a deployer).
    pub async fn fabric_versions(&self) -> Result<FabricVersions, ConsoleError> {
        const PATH: &str = "/ak/api/v3/kubernetes/fabric/versions";
        let answer = self.send(&Call::new(Method::GET, PATH)).await?;
        Ok(decode::<FabricVersionsAnswer>(PATH, &answer)?.versions)
    }

    /// `GET /ak/api/v3/permissions/keys` (secrets are never listed).
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, ConsoleError> {
        const PATH: &str = "/ak/api/v3/permissions/keys";
        let answer = self.send(&Call::new(Method::GET, PATH)).await?;
        Ok(decode::<ApiKeyList>(PATH, &answer)?.keys)
    }

    fn key_request(roles: &[ApiRole], description: &str) -> Value {
        json!({ "roles": roles, "description": description })
    }

    /// `POST /ak/api/v3/permissions/keys` with this client's (manager) key. The secret in the
    /// answer is shown once.
    pub async fn create_api_key(
        &self,
        roles: &[ApiRole],
        description: &str,
    ) -> Result<NewApiKey, ConsoleError> {
        const PATH: &str = "/ak/api/v3/permissions/keys";
        let call = Call::new(Method::POST, PATH).json(&Self::key_request(roles, description));
        let answer = self.send(&call).await?;
        decode(PATH, &answer)
    }

    /// Creates the first API key of a fresh console with the bootstrap user (`initial_admin`
    /// and its changed password, §1.2); the only call a console accepts with a user name and
    /// password. The endpoint's own key is not used, so it may be empty.
    pub async fn create_api_key_with_password(
        &self,
        username: &str,
        password: &Sensitive<String>,
        roles: &[ApiRole],
        description: &str,
    ) -> Result<NewApiKey, ConsoleError> {
        const PATH: &str = "/ak/api/v3/permissions/keys";
        let mut call = Call::new(Method::POST, PATH).json(&Self::key_request(roles, description));
        call.auth = Auth::User {
            name: username,
            password,
        };
        let answer = self.execute(&call).await?;
        decode(PATH, &answer)
    }

    /// `DELETE /ak/api/v3/permissions/keys/{api_key}`.
    pub async fn delete_api_key(&self, api_key: &str) -> Result<(), ConsoleError> {
        let path = format!(
            "/ak/api/v3/permissions/keys/{}",
            path_segment(api_key, "API key")?
        );
        self.send(&Call::new(Method::DELETE, &path)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn endpoint(url: &str) -> ConsoleEndpoint {
        ConsoleEndpoint {
            url: url.to_owned(),
            auth: ConsoleAuth::key("key".to_owned(), Sensitive::from("canary-api-secret")),
            extra_ca_pem: None,
        }
    }

    #[test]
    fn urls_are_validated_and_normalised() {
        let c = ConsoleClient::new(
            endpoint("https://console.example.com/"),
            ClientOptions::default(),
        )
        .unwrap();
        assert_eq!(c.url(), "https://console.example.com");
        assert!(c.is_encrypted());
        let c = ConsoleClient::new(endpoint("http://localhost:3000"), ClientOptions::default())
            .unwrap();
        assert!(!c.is_encrypted());
        for bad in [
            "console.example.com",
            "ftp://console.example.com",
            "https://user:pw@console.example.com",
            "https://console.example.com/?x=1",
        ] {
            let err = ConsoleClient::new(endpoint(bad), ClientOptions::default()).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let e = endpoint("https://console.example.com");
        assert!(!format!("{e:?}").contains("canary-api-secret"));
        let c = ConsoleClient::new(e, ClientOptions::default()).unwrap();
        assert!(!format!("{c:?}").contains("canary-api-secret"));
    }

    #[test]
    fn path_segments_cannot_change_the_route() {
        assert!(path_segment("org1peer2", "id").is_ok());
        assert!(path_segment("org1msp_0", "id").is_ok());
        for bad in ["", "..", "a/b", "a?b", "a#b", "a b", "a%2f"] {
            assert!(path_segment(bad, "id").is_err(), "{bad}");
        }
    }

    #[test]
    fn only_posts_default_to_never_repeat() {
        assert_eq!(Call::new(Method::GET, "/x").repeat, Repeat::Safe);
        assert_eq!(Call::new(Method::PUT, "/x").repeat, Repeat::Safe);
        assert_eq!(Call::new(Method::DELETE, "/x").repeat, Repeat::Safe);
        assert_eq!(Call::new(Method::POST, "/x").repeat, Repeat::Never);
        assert_eq!(Call::new(Method::POST, "/x").safe().repeat, Repeat::Safe);
        assert_eq!(
            Call::new(Method::POST, "/ak/api/v3/kubernetes/components/fabric-peer").route,
            RouteKind::Deploy
        );
        assert_eq!(
            Call::new(Method::POST, "/ak/api/v3/components/fabric-peer").route,
            RouteKind::Other
        );
    }

    #[test]
    fn a_tls_error_wrapped_in_io_errors_is_found() {
        // How the TLS failure reaches reqwest: an `io::Error` whose payload is another
        // `io::Error` holding the rustls error; `io::Error::source` skips both payloads.
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let inner = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let outer = std::io::Error::other(inner);
        assert!(outer
            .source()
            .is_none_or(|s| s.downcast_ref::<rustls::Error>().is_none()));
        let found = find_cause::<rustls::Error>(&outer).unwrap();
        assert!(matches!(
            found,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
        ));
        assert!(find_cause::<hyper::Error>(&outer).is_none());
    }
}
