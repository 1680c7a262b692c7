//! The REST calls (reference §5; Fabric CA `lib/server*.go`, `api/client.go`, `api/net.go`).

use std::error::Error as _;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_sensitive::Sensitive;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use url::Url;

use crate::error::{CaError, CaErrorKind};
use crate::identity::{csr_pem, generate_key, key_pem, CaIdentity};
use crate::tls::{self, TlsPin};

/// Timeouts for CA calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Longest a whole call (connect, send, answer) may take.
    pub timeout: Duration,
    /// Longest the TCP and TLS connection set-up may take.
    pub connect_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// What `cainfo` reports about one CA of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaInfo {
    /// `CAName`: the name that `?ca=` selects. Asked without a name, this is the name of the
    /// server's default CA (a standalone `fabric-ca-server` names it after `ca.name`).
    pub ca_name: String,
    /// `CAChain` decoded: the PEM text of the CA's chain (root first, as the CA sends it). Use
    /// it for an MSP's `root_certs` / `tls_root_certs` and to pin TLS ([`TlsPin::from_pem`]).
    pub ca_chain_pem: String,
    /// `IssuerPublicKey` (Idemix), base64 as sent.
    pub issuer_public_key: String,
    /// `IssuerRevocationPublicKey` (Idemix), base64 as sent.
    pub issuer_revocation_public_key: String,
    /// `Version` of the server; empty in an enroll answer's server info.
    pub version: String,
}

/// One attribute of an identity, as the CA stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Attribute name, e.g. `hf.Registrar.Roles` or an application attribute.
    pub name: String,
    /// Attribute value.
    pub value: String,
    /// Whether the attribute goes into enrollment certificates by default.
    #[serde(default)]
    pub ecert: bool,
}

/// An attribute asked for in an enrollment certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeRequest {
    /// Attribute name.
    pub name: String,
    /// When false, enrollment fails if the identity lacks the attribute.
    pub optional: bool,
}

/// An enroll call.
#[derive(Debug, Clone)]
pub struct EnrollRequest {
    /// The CA inside the server (`ca`, `tlsca`, ...), sent as `?ca=` and `caname`; `None` (or
    /// an empty name) sends neither, so the server's default CA answers, as with
    /// `fabric-ca-client` without `--caname`.
    pub ca_name: Option<String>,
    /// The enroll id; it becomes the CSR's common name, which the CA requires.
    pub enroll_id: String,
    /// The enroll secret (basic auth password).
    pub enroll_secret: Sensitive<String>,
    /// DNS names or IP addresses for the certificate's subject alternative names (put in the
    /// CSR and in the request's `hosts`, which the CA prefers).
    pub hosts: Vec<String>,
    /// Signing profile on the CA; empty for the default (neither the console nor ANS set one).
    pub profile: String,
    /// Attributes to put into the certificate; empty for the CA's default (those registered
    /// with `ecert: true`).
    pub attr_reqs: Vec<AttributeRequest>,
}

impl EnrollRequest {
    /// An enrollment at `ca_name` with no hosts, the default profile and default attributes.
    pub fn new(
        ca_name: impl Into<String>,
        enroll_id: impl Into<String>,
        enroll_secret: Sensitive<String>,
    ) -> Self {
        Self {
            ca_name: Some(ca_name.into()),
            ..Self::at_default_ca(enroll_id, enroll_secret)
        }
    }

    /// An enrollment at the server's default CA (no CA name sent), with no hosts, the default
    /// profile and default attributes.
    pub fn at_default_ca(enroll_id: impl Into<String>, enroll_secret: Sensitive<String>) -> Self {
        Self {
            ca_name: None,
            enroll_id: enroll_id.into(),
            enroll_secret,
            hosts: Vec::new(),
            profile: String::new(),
            attr_reqs: Vec::new(),
        }
    }
}

/// The result of an enrollment: the key never left this process.
#[derive(Debug)]
pub struct Enrollment {
    /// The CA that issued the certificate: the answer's `ServerInfo.CAName` (the default CA's
    /// name when none was asked for), else the name asked for.
    pub ca_name: String,
    /// The signed certificate, PEM.
    pub cert_pem: String,
    /// The CA chain from the answer's server info, PEM; keep it beside the identity (console
    /// identity files lack it, reference §8 item 15).
    pub ca_chain_pem: String,
    /// The private key, PKCS#8 PEM.
    pub private_key_pem: Sensitive<String>,
}

impl Enrollment {
    /// This enrollment as an identity that can sign tokens (e.g. as a registrar).
    pub fn identity(&self) -> Result<CaIdentity, CaError> {
        CaIdentity::from_pem(&self.cert_pem, &self.private_key_pem)
    }
}

/// A reenroll call: a new certificate (and key) for the identity that signs the request.
#[derive(Debug, Clone, Default)]
pub struct ReenrollRequest {
    /// The CA inside the server, sent as `?ca=` and `caname`; `None` (or an empty name) sends
    /// neither: the server's default CA. It must be the CA that issued the caller's
    /// certificate (the token is checked against it).
    pub ca_name: Option<String>,
    /// DNS names or IP addresses for the new certificate (CSR and `hosts`); empty for none.
    pub hosts: Vec<String>,
    /// Signing profile; empty for the default.
    pub profile: String,
    /// Attributes to put into the certificate; empty for the CA's default.
    pub attr_reqs: Vec<AttributeRequest>,
}

/// Which route registers an identity; both take the same body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterRoute {
    /// `POST /api/v1/register` (the Fabric CA client, ANS).
    Register,
    /// `POST /api/v1/identities` (the console UI).
    Identities,
}

/// A registration.
#[derive(Debug, Clone)]
pub struct RegistrationRequest {
    /// The CA inside the server, sent as `?ca=` and `caname`; `None` (or an empty name) sends
    /// neither: the server's default CA.
    pub ca_name: Option<String>,
    /// The new enroll id.
    pub id: String,
    /// `peer`, `client`, `admin`, `orderer` (the Node OU types) or `user`; empty for the
    /// registrar's own type. Register an org admin as `admin` (reference §5.3).
    pub identity_type: String,
    /// The enroll secret; `None` lets the CA generate one.
    pub secret: Option<Sensitive<String>>,
    /// How often the secret may be used to enroll; 0 for the CA's default, -1 for unlimited.
    pub max_enrollments: i32,
    /// Affiliation; empty for the registrar's.
    pub affiliation: String,
    /// Extra attributes.
    pub attrs: Vec<Attribute>,
}

impl RegistrationRequest {
    /// A registration of `id` with `identity_type` at `ca_name`, a CA-generated secret and the
    /// CA's defaults for everything else.
    pub fn new(
        ca_name: impl Into<String>,
        id: impl Into<String>,
        identity_type: impl Into<String>,
    ) -> Self {
        Self {
            ca_name: Some(ca_name.into()),
            ..Self::at_default_ca(id, identity_type)
        }
    }

    /// A registration of `id` with `identity_type` at the server's default CA (no CA name
    /// sent), a CA-generated secret and the CA's defaults for everything else.
    pub fn at_default_ca(id: impl Into<String>, identity_type: impl Into<String>) -> Self {
        Self {
            ca_name: None,
            id: id.into(),
            identity_type: identity_type.into(),
            secret: None,
            max_enrollments: 0,
            affiliation: String::new(),
            attrs: Vec::new(),
        }
    }
}

/// An identity as the CA lists it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IdentityInfo {
    /// Enroll id.
    pub id: String,
    /// Identity type.
    #[serde(rename = "type", default)]
    pub identity_type: String,
    /// Affiliation.
    #[serde(default)]
    pub affiliation: String,
    /// Attributes, including the `hf.*` ones.
    #[serde(default)]
    pub attrs: Vec<Attribute>,
    /// Maximum enrollments (-1 unlimited).
    #[serde(default)]
    pub max_enrollments: i32,
}

#[derive(Deserialize)]
struct ErrorMessage {
    code: i64,
    #[serde(default)]
    message: String,
}

/// The CA's envelope. The result is `""` or `null` on errors depending on the code path, so it
/// is read as any JSON value.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    result: Value,
    #[serde(default)]
    errors: Vec<ErrorMessage>,
    #[serde(default)]
    success: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CaInfoNet {
    #[serde(rename = "CAName")]
    ca_name: String,
    #[serde(rename = "CAChain")]
    ca_chain: String,
    #[serde(default)]
    issuer_public_key: String,
    #[serde(default)]
    issuer_revocation_public_key: String,
    #[serde(default)]
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EnrollmentNet {
    cert: String,
    server_info: CaInfoNet,
}

#[derive(Deserialize)]
struct IdentityList {
    #[serde(default)]
    identities: Vec<IdentityInfo>,
}

/// `api.RegistrationRequest` / `api.AddIdentityRequest` on the wire; borrowed so the secret is
/// copied only into the body bytes.
#[derive(Serialize)]
struct RegistrationBody<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    identity_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    max_enrollments: i32,
    affiliation: &'a str,
    attrs: &'a [Attribute],
    /// Left out for the default CA, as the Go client's `omitempty` does.
    #[serde(skip_serializing_if = "Option::is_none")]
    caname: Option<&'a str>,
}

enum Auth<'a> {
    None,
    Basic(&'a str, &'a Sensitive<String>),
    Token(&'a CaIdentity),
}

/// A client for one Fabric CA server (all its CA names), with TLS pinned.
#[derive(Debug, Clone)]
pub struct FabricCaClient {
    http: reqwest::Client,
    base: Url,
    options: ClientOptions,
}

fn invalid_response(path: &str, reason: impl Into<String>) -> CaError {
    CaError::InvalidResponse {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn find_cause<E: std::error::Error + 'static>(err: &reqwest::Error) -> Option<&E> {
    let mut current = err.source();
    while let Some(e) = current {
        // `io::Error::source` skips the error it wraps (it returns that error's own source),
        // and the TLS error reaches reqwest wrapped in `io::Error`s, so look inside them too.
        let mut inner: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(candidate) = inner {
            if let Some(found) = candidate.downcast_ref::<E>() {
                return Some(found);
            }
            inner = candidate
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .map(|wrapped| wrapped as &(dyn std::error::Error + 'static));
        }
        current = e.source();
    }
    None
}

fn cause_text(err: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
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

fn decode_b64_text(path: &str, field: &str, value: &str) -> Result<String, CaError> {
    let bytes = STANDARD
        .decode(value.trim())
        .map_err(|e| invalid_response(path, format!("{field} is not base64: {e}")))?;
    String::from_utf8(bytes).map_err(|_| invalid_response(path, format!("{field} is not text")))
}

fn ca_info(path: &str, net: CaInfoNet) -> Result<CaInfo, CaError> {
    Ok(CaInfo {
        ca_chain_pem: decode_b64_text(path, "CAChain", &net.ca_chain)?,
        ca_name: net.ca_name,
        issuer_public_key: net.issuer_public_key,
        issuer_revocation_public_key: net.issuer_revocation_public_key,
        version: net.version,
    })
}

/// The CA name to send: `None` for the server's default CA (an empty name included).
fn named(ca_name: Option<&str>) -> Option<&str> {
    ca_name.filter(|name| !name.is_empty())
}

fn from_result<T: serde::de::DeserializeOwned>(path: &str, result: Value) -> Result<T, CaError> {
    serde_json::from_value(result).map_err(|e| invalid_response(path, e.to_string()))
}

/// The body of an enroll or reenroll: the CSR, the signing profile, and the CA name, hosts and
/// attribute requests when there are any.
fn csr_body(
    csr: &str,
    profile: &str,
    ca_name: Option<&str>,
    hosts: &[String],
    attr_reqs: &[AttributeRequest],
) -> serde_json::Value {
    let mut body = json!({
        "certificate_request": csr,
        "profile": profile,
    });
    if let Some(name) = ca_name {
        body["caname"] = json!(name);
    }
    if !hosts.is_empty() {
        body["hosts"] = json!(hosts);
    }
    if !attr_reqs.is_empty() {
        body["attr_reqs"] = json!(attr_reqs);
    }
    body
}

impl FabricCaClient {
    /// A client for the CA server at `url` (`https://host:port`, optionally with a path prefix
    /// in front of `/api/v1`), trusting only `pin`. Nothing is sent yet.
    pub fn new(url: &str, pin: &TlsPin, options: ClientOptions) -> Result<Self, CaError> {
        let mut base = Url::parse(url.trim())
            .map_err(|e| CaError::invalid(format!("'{url}' is not a CA URL: {e}")))?;
        if base.scheme() != "https" {
            return Err(CaError::invalid(format!(
                "'{url}' is not an https URL; CA calls carry secrets and keys and are only made over TLS"
            )));
        }
        base.set_query(None);
        base.set_fragment(None);
        let config = tls::client_config(pin)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(config)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            // A redirect would drop or replay the Authorization header on another URI; the
            // token covers the URI, so it would not verify there anyway.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("fabric-ha-fabric-ca/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CaError::invalid(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Self {
            http,
            base,
            options,
        })
    }

    /// The CA server URL as given.
    pub fn url(&self) -> &str {
        self.base.as_str()
    }

    /// `base/api/v1/<segments...>?ca=<ca_name>`, without a query for the default CA; segments
    /// are percent-encoded.
    fn endpoint(&self, segments: &[&str], ca_name: Option<&str>) -> Result<Url, CaError> {
        let mut url = self.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|_| CaError::invalid("the CA URL cannot take a path"))?;
            path.pop_if_empty().push("api").push("v1");
            for segment in segments {
                path.push(segment);
            }
        }
        if let Some(name) = named(ca_name) {
            url.query_pairs_mut().append_pair("ca", name);
        }
        Ok(url)
    }

    /// Sends one request and returns the envelope's `result` on success.
    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        auth: Auth<'_>,
    ) -> Result<Value, CaError> {
        let path = url.path().to_owned();
        // The token covers the request URI exactly as it goes on the wire: the path and query
        // of this parsed URL are what hyper writes into the request line.
        let request_uri = match url.query() {
            Some(query) => format!("{path}?{query}"),
            None => path.clone(),
        };
        let mut request = self.http.request(method.clone(), url);
        match auth {
            Auth::None => {}
            Auth::Basic(user, secret) => request = request.basic_auth(user, Some(secret.expose())),
            Auth::Token(identity) => {
                let body_bytes = body.as_deref().unwrap_or_default();
                let token = identity.token(method.as_str(), &request_uri, body_bytes)?;
                request = request.header(AUTHORIZATION, token);
            }
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let outcome = async {
            let response = request.send().await?;
            let status = response.status();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, bytes))
        }
        .await;
        let (status, bytes) = match outcome {
            Ok(answer) => answer,
            Err(err) => {
                tracing::warn!(%method, %path, error = %cause_text(&err), "CA request failed");
                return Err(self.transport_error(&err));
            }
        };
        tracing::debug!(%method, %path, status = status.as_u16(), "CA answered");
        let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|e| {
            let text = String::from_utf8_lossy(&bytes);
            let shown: String = text.chars().take(200).collect();
            invalid_response(
                &path,
                format!("HTTP {status} without the CA's JSON envelope ({e}): {shown}"),
            )
        })?;
        if let Some(first) = envelope.errors.into_iter().next() {
            return Err(CaError::Ca {
                status: status.as_u16(),
                code: first.code,
                kind: CaErrorKind::from_code(first.code),
                message: first.message,
            });
        }
        if !status.is_success() || !envelope.success {
            return Err(invalid_response(
                &path,
                format!(
                    "HTTP {status}, success={}, and no error given",
                    envelope.success
                ),
            ));
        }
        Ok(envelope.result)
    }

    fn transport_error(&self, err: &reqwest::Error) -> CaError {
        let url = self.base.as_str().trim_end_matches('/').to_owned();
        if let Some(rustls::Error::InvalidCertificate(cert)) = find_cause::<rustls::Error>(err) {
            return CaError::TlsUntrusted {
                url,
                reason: tls::describe_certificate_error(cert),
            };
        }
        if err.is_timeout() {
            return CaError::Timeout {
                url,
                after: self.options.timeout,
            };
        }
        CaError::Unreachable {
            url,
            reason: cause_text(err),
        }
    }

    /// `GET /api/v1/cainfo?ca=<ca_name>` (no authentication); `None` asks the server's default
    /// CA (`GET /api/v1/cainfo`), whose name comes back in [`CaInfo::ca_name`].
    pub async fn cainfo<'a>(&self, ca_name: impl Into<Option<&'a str>>) -> Result<CaInfo, CaError> {
        let url = self.endpoint(&["cainfo"], ca_name.into())?;
        let path = url.path().to_owned();
        let result = self.call(Method::GET, url, None, Auth::None).await?;
        ca_info(&path, from_result(&path, result)?)
    }

    /// `POST /api/v1/enroll?ca=<ca_name>`: makes a P-256 key here, sends a CSR with
    /// `CN=<enroll id>` and the hosts, authenticated with the enroll id and secret. Without a
    /// CA name neither `?ca=` nor `caname` is sent and the server's default CA enrolls.
    pub async fn enroll(&self, request: &EnrollRequest) -> Result<Enrollment, CaError> {
        let ca_name = named(request.ca_name.as_deref());
        let key = generate_key()?;
        let csr = csr_pem(&key, &request.enroll_id, &request.hosts)?;
        let body = csr_body(
            &csr,
            &request.profile,
            ca_name,
            &request.hosts,
            &request.attr_reqs,
        );
        let url = self.endpoint(&["enroll"], ca_name)?;
        let path = url.path().to_owned();
        let result = self
            .call(
                Method::POST,
                url,
                Some(body.to_string().into_bytes()),
                Auth::Basic(&request.enroll_id, &request.enroll_secret),
            )
            .await?;
        self.enrollment(&path, ca_name, result, &key)
    }

    /// `POST /api/v1/reenroll?ca=<ca_name>` (reference §5.4: token auth): a new P-256 key made
    /// here and a CSR with `CN=<the caller's enroll id>` (the CA requires the CN to equal the
    /// id its token names), authenticated by `identity`'s own token, so no secret is needed.
    /// The caller's certificate must still be valid and issued by that CA; the old
    /// certificate stays valid (reenroll revokes nothing).
    pub async fn reenroll(
        &self,
        identity: &CaIdentity,
        request: &ReenrollRequest,
    ) -> Result<Enrollment, CaError> {
        let ca_name = named(request.ca_name.as_deref());
        let enroll_id = identity.enroll_id()?;
        let key = generate_key()?;
        let csr = csr_pem(&key, &enroll_id, &request.hosts)?;
        let body = csr_body(
            &csr,
            &request.profile,
            ca_name,
            &request.hosts,
            &request.attr_reqs,
        );
        let url = self.endpoint(&["reenroll"], ca_name)?;
        let path = url.path().to_owned();
        let result = self
            .call(
                Method::POST,
                url,
                Some(body.to_string().into_bytes()),
                Auth::Token(identity),
            )
            .await?;
        self.enrollment(&path, ca_name, result, &key)
    }

    fn enrollment(
        &self,
        path: &str,
        ca_name: Option<&str>,
        result: Value,
        key: &p256::ecdsa::SigningKey,
    ) -> Result<Enrollment, CaError> {
        let answer: EnrollmentNet = from_result(path, result)?;
        let cert_pem = decode_b64_text(path, "Cert", &answer.cert)?;
        if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(invalid_response(path, "Cert is not a PEM certificate"));
        }
        let info = ca_info(path, answer.server_info)?;
        Ok(Enrollment {
            ca_name: if info.ca_name.is_empty() {
                ca_name.unwrap_or_default().to_owned()
            } else {
                info.ca_name
            },
            cert_pem,
            ca_chain_pem: info.ca_chain_pem,
            private_key_pem: key_pem(key)?,
        })
    }

    /// Registers an identity through `route`, authenticated by `registrar`'s token, and
    /// returns the enroll secret (the one given, or the one the CA generated).
    pub async fn register(
        &self,
        registrar: &CaIdentity,
        request: &RegistrationRequest,
        route: RegisterRoute,
    ) -> Result<Sensitive<String>, CaError> {
        let ca_name = named(request.ca_name.as_deref());
        let body = RegistrationBody {
            id: &request.id,
            identity_type: &request.identity_type,
            secret: request.secret.as_ref().map(|s| s.expose().as_str()),
            max_enrollments: request.max_enrollments,
            affiliation: &request.affiliation,
            attrs: &request.attrs,
            caname: ca_name,
        };
        // The serialised body holds the secret; this copy is wiped once sent.
        let bytes = zeroize::Zeroizing::new(
            serde_json::to_vec(&body).map_err(|e| CaError::invalid(e.to_string()))?,
        );
        let segment = match route {
            RegisterRoute::Register => "register",
            RegisterRoute::Identities => "identities",
        };
        let url = self.endpoint(&[segment], ca_name)?;
        let path = url.path().to_owned();
        let result = self
            .call(
                Method::POST,
                url,
                Some(bytes.to_vec()),
                Auth::Token(registrar),
            )
            .await?;
        match result.get("secret").and_then(Value::as_str) {
            Some(secret) => Ok(Sensitive::new(secret.to_owned())),
            None => Err(invalid_response(&path, "the answer carries no secret")),
        }
    }

    /// `GET /api/v1/identities/<id>?ca=<ca_name>` (`None`: the default CA, no query);
    /// [`CaErrorKind::NotFound`] when no such identity is registered.
    pub async fn identity<'a>(
        &self,
        caller: &CaIdentity,
        ca_name: impl Into<Option<&'a str>>,
        id: &str,
    ) -> Result<IdentityInfo, CaError> {
        let url = self.endpoint(&["identities", id], ca_name.into())?;
        let path = url.path().to_owned();
        let result = self
            .call(Method::GET, url, None, Auth::Token(caller))
            .await?;
        from_result(&path, result)
    }

    /// `GET /api/v1/identities?ca=<ca_name>` (`None`: the default CA, no query): every
    /// identity the caller may see (the caller must be a registrar).
    pub async fn identities<'a>(
        &self,
        caller: &CaIdentity,
        ca_name: impl Into<Option<&'a str>>,
    ) -> Result<Vec<IdentityInfo>, CaError> {
        let url = self.endpoint(&["identities"], ca_name.into())?;
        let path = url.path().to_owned();
        let result = self
            .call(Method::GET, url, None, Auth::Token(caller))
            .await?;
        Ok(from_result::<IdentityList>(&path, result)?.identities)
    }
}
