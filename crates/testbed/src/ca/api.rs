//! The Fabric CA routes, with the checks, codes and messages of Fabric CA's `lib/server*.go`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use der::{Decode as _, DecodePem as _, Encode as _};
use http_body_util::Full;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use hyper::{Method, Response, StatusCode};
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::Signature;
use rand::Rng as _;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::request::CertReq;
use x509_cert::Certificate;

use super::pki::{self, Authority, LeafSpec};
use super::{CaSelection, Rejection, TestCaConfig};
use crate::net::{Reply, Request};

/// One registered identity. The user table is shared by every CA name of the server, as on a
/// console-deployed CA where the same id and secret enroll at `ca` and `tlsca`.
#[derive(Clone)]
pub(crate) struct User {
    pub(crate) secret: String,
    pub(crate) kind: String,
    pub(crate) affiliation: String,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) max_enrollments: i64,
    /// Successful enrollments so far (Fabric CA's `state`).
    pub(crate) enrollments: i64,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) ecert: bool,
}

impl Attr {
    fn new(name: &str, value: &str, ecert: bool) -> Attr {
        Attr {
            name: name.to_owned(),
            value: value.to_owned(),
            ecert,
        }
    }

    fn json(&self) -> Value {
        json!({ "name": self.name, "value": self.value, "ecert": self.ecert })
    }
}

impl User {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// The types in `hf.Registrar.Roles`; empty when the identity is not a registrar.
    fn registrar_roles(&self) -> Vec<String> {
        self.attr("hf.Registrar.Roles")
            .map(|roles| {
                roles
                    .split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn can_act_on_type(&self, kind: &str) -> bool {
        self.registrar_roles()
            .iter()
            .any(|role| role == "*" || role == kind)
    }

    /// Affiliation check of `CanManageUser`/registration: at or below the caller's own.
    fn covers_affiliation(&self, affiliation: &str) -> bool {
        self.affiliation.is_empty()
            || affiliation == self.affiliation
            || affiliation.starts_with(&format!("{}.", self.affiliation))
    }

    fn info(&self, id: &str) -> Value {
        json!({
            "id": id,
            "type": self.kind,
            "affiliation": self.affiliation,
            "attrs": self.attrs.iter().map(Attr::json).collect::<Vec<_>>(),
            "max_enrollments": self.max_enrollments,
        })
    }
}

/// One CA name of the server.
pub(crate) struct Ca {
    pub(crate) authority: Authority,
    /// Opaque stand-ins for the Idemix keys `cainfo` reports (base64, as sent).
    issuer_public_key: String,
    issuer_revocation_public_key: String,
}

impl Ca {
    pub(crate) fn new(name: &str, org: &str) -> std::io::Result<Ca> {
        let authority = Authority::new(name, org)?;
        let mut ipk = [0u8; 64];
        rand::thread_rng().fill(&mut ipk[..]);
        // The revocation key is an ECDSA public key in PEM on a real CA.
        let revocation = pki::generate_key();
        let revocation_pem = p256::pkcs8::EncodePublicKey::to_public_key_pem(
            revocation.verifying_key(),
            der::pem::LineEnding::LF,
        )
        .map_err(pki::pki_error)?;
        Ok(Ca {
            authority,
            issuer_public_key: STANDARD.encode(ipk),
            issuer_revocation_public_key: STANDARD.encode(revocation_pem),
        })
    }

    fn info(&self, name: &str, version: Option<&str>) -> Value {
        let mut info = json!({
            "CAName": name,
            "CAChain": STANDARD.encode(&self.authority.pem),
            "IssuerPublicKey": self.issuer_public_key,
            "IssuerRevocationPublicKey": self.issuer_revocation_public_key,
            "Version": "",
        });
        if let Some(version) = version {
            info["Version"] = json!(version);
        }
        info
    }
}

pub(crate) struct Mutable {
    pub(crate) users: BTreeMap<String, User>,
    /// Serial numbers (hex) of the certificates each CA issued: its certificate table.
    pub(crate) issued: BTreeMap<String, BTreeSet<String>>,
    pub(crate) rejections: Vec<Rejection>,
    pub(crate) selections: Vec<CaSelection>,
}

pub(crate) struct State {
    pub(crate) cfg: TestCaConfig,
    pub(crate) cas: BTreeMap<String, Ca>,
    pub(crate) mutable: Mutex<Mutable>,
}

impl State {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Mutable> {
        // A panic while holding this lock leaves plain data behind, still usable.
        self.mutable.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Issues a certificate from `ca_name` and records it in that CA's table.
    pub(crate) fn issue(
        &self,
        ca_name: &str,
        spki: x509_cert::spki::SubjectPublicKeyInfoOwned,
        spec: &LeafSpec<'_>,
    ) -> std::io::Result<Certificate> {
        let ca = self
            .cas
            .get(ca_name)
            .ok_or_else(|| std::io::Error::other(format!("no CA named '{ca_name}'")))?;
        let cert = ca.authority.issue(spki, spec)?;
        self.lock()
            .issued
            .entry(ca_name.to_owned())
            .or_default()
            .insert(pki::serial_hex(&cert));
        Ok(cert)
    }
}

/// An error as Fabric CA's `HTTPErr`: what the client sees (`code`, `message`) and what the
/// server logs (`local_code`, `local_message`), which differ for authentication and
/// authorization failures.
struct CaErr {
    status: u16,
    code: i64,
    message: String,
    local_code: i64,
    local_message: String,
}

impl CaErr {
    fn http(status: u16, code: i64, message: impl Into<String>) -> CaErr {
        let message = message.into();
        CaErr {
            status,
            code,
            local_code: code,
            local_message: message.clone(),
            message,
        }
    }

    /// `NewAuthenticationErr`: 401, masked as code 20.
    fn authn(local_code: i64, local_message: impl Into<String>) -> CaErr {
        CaErr {
            status: 401,
            code: 20,
            message: "Authentication failure".to_owned(),
            local_code,
            local_message: local_message.into(),
        }
    }

    /// `NewAuthorizationErr`: 403, masked as code 71.
    fn authz(local_code: i64, local_message: impl Into<String>) -> CaErr {
        CaErr {
            status: 403,
            code: 71,
            message: "Authorization failure".to_owned(),
            local_code,
            local_message: local_message.into(),
        }
    }
}

struct Ok201 {
    status: u16,
    result: Value,
    location: Option<String>,
}

fn ok(status: u16, result: Value) -> Result<Ok201, CaErr> {
    Ok(Ok201 {
        status,
        result,
        location: None,
    })
}

/// The envelope as `serverEndpoint.ServeHTTP` writes it, in its field order; `result` is `""`
/// on errors.
fn envelope(status: u16, result: &Value, error: Option<(i64, &str)>) -> Reply {
    let errors = match error {
        Some((code, message)) => json!([{ "code": code, "message": message }]).to_string(),
        None => "[]".to_owned(),
    };
    let body = format!(
        r#"{{"result":{result},"errors":{errors},"messages":[],"success":{}}}"#,
        error.is_none()
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

enum Route {
    CaInfo,
    Enroll,
    Reenroll,
    Register,
    Identities,
    Identity(String),
}

fn route(path: &str) -> Option<Route> {
    // Fabric CA serves every endpoint both under `/api/v1/` and at the root.
    let rest = path
        .strip_prefix("/api/v1/")
        .or_else(|| path.strip_prefix('/'))?;
    match rest {
        "cainfo" => Some(Route::CaInfo),
        "enroll" => Some(Route::Enroll),
        "reenroll" => Some(Route::Reenroll),
        "register" => Some(Route::Register),
        "identities" => Some(Route::Identities),
        _ => {
            let id = rest.strip_prefix("identities/")?;
            if id.is_empty() || id.contains('/') {
                return None;
            }
            let decoded = percent_decode(id)?;
            Some(Route::Identity(decoded))
        }
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes: Vec<u8> =
        url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned().into_bytes())?;
    String::from_utf8(bytes).ok()
}

pub(crate) fn handle(state: &State, req: Request) -> Reply {
    let Some(route) = route(&req.path) else {
        // gorilla/mux's answer for an unknown route.
        let mut response = Response::new(Full::new(Bytes::from_static(b"404 page not found\n")));
        *response.status_mut() = StatusCode::NOT_FOUND;
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        return response;
    };
    let outcome = match route {
        Route::CaInfo => cainfo(state, &req),
        Route::Enroll => enroll(state, &req),
        Route::Reenroll => reenroll(state, &req),
        Route::Register => register(state, &req),
        Route::Identities => identities(state, &req),
        Route::Identity(id) => identity(state, &req, &id),
    };
    match outcome {
        Ok(done) => {
            let mut reply = envelope(done.status, &done.result, None);
            if let Some(location) = done.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                reply.headers_mut().insert(LOCATION, location);
            }
            reply
        }
        Err(err) => {
            state.lock().rejections.push(Rejection {
                method: req.method.to_string(),
                path: req.path.clone(),
                status: err.status,
                code: err.code,
                local_code: err.local_code,
                local_message: err.local_message.clone(),
            });
            envelope(err.status, &json!(""), Some((err.code, &err.message)))
        }
    }
}

fn allow(req: &Request, methods: &[Method]) -> Result<(), CaErr> {
    if methods.contains(&req.method) {
        Ok(())
    } else {
        Err(CaErr::http(
            405,
            1,
            format!("Method {} is not allowed", req.method),
        ))
    }
}

/// `?ca=` first, then the body's `caname`, then the default CA, [`TestCaConfig::ca_name`]
/// (`getCAName`; an empty value counts as none), and the CA must exist (`GetCA`). What the
/// request named is recorded for [`super::TestCa::ca_selections`].
fn ca_name<'s>(state: &'s State, req: &Request) -> Result<(&'s str, &'s Ca), CaErr> {
    let query = req.query.as_deref().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "ca")
            .map(|(_, v)| v.into_owned())
    });
    let caname = serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|v| v.get("caname").and_then(Value::as_str).map(str::to_owned));
    let name = query
        .clone()
        .filter(|v| !v.is_empty())
        .or_else(|| caname.clone().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| state.cfg.ca_name.clone());
    let found = state.cas.get_key_value(&name);
    state.lock().selections.push(CaSelection {
        method: req.method.to_string(),
        path: req.path.clone(),
        query,
        caname,
        answered: found.map(|(k, _)| k.clone()),
    });
    found
        .map(|(k, v)| (k.as_str(), v))
        .ok_or_else(|| CaErr::http(404, 19, format!("CA '{name}' does not exist")))
}

/// Fabric CA refuses a request without an `Authorization` header before it looks for the CA
/// on `identities` (observed on 1.5: no header and an unknown CA name is 401 code 2; any
/// header, even one that is no token, and an unknown CA name is 404 code 19). `enroll` checks
/// more before the CA: [`basic_credentials`].
fn require_auth_header(req: &Request) -> Result<(), CaErr> {
    let present = req
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.is_empty());
    if present {
        Ok(())
    } else {
        Err(CaErr::http(401, 2, "No authorization header"))
    }
}

fn read_body(req: &Request) -> Result<Value, CaErr> {
    if req.body.is_empty() {
        return Err(CaErr::http(400, 4, "Empty request body"));
    }
    serde_json::from_slice(&req.body).map_err(|e| {
        CaErr::http(
            400,
            5,
            format!(
                "Invalid request body: {e}; body={}",
                String::from_utf8_lossy(&req.body)
            ),
        )
    })
}

fn cainfo(state: &State, req: &Request) -> Result<Ok201, CaErr> {
    allow(req, &[Method::GET, Method::POST, Method::HEAD])?;
    let (name, ca) = ca_name(state, req)?;
    ok(200, ca.info(name, Some(&state.cfg.version)))
}

/// The first half of `BasicAuthentication`, before it looks for the CA: the header must be
/// there (401 code 2) and carry a user and password (else masked as 401 code 20).
fn basic_credentials(req: &Request) -> Result<(String, String), CaErr> {
    let header = req
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if header.is_empty() {
        return Err(CaErr::http(401, 2, "No authorization header"));
    }
    let decoded = header
        .strip_prefix("Basic ")
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok());
    let Some((user, password)) = decoded.as_deref().and_then(|t| t.split_once(':')) else {
        return Err(CaErr::authn(21, "No user/pass in authorization header"));
    };
    Ok((user.to_owned(), password.to_owned()))
}

/// The second half of `BasicAuthentication`, once the CA is known: the user, its secret and
/// its enrollments left; the enroll id on success.
fn basic_login(state: &State, user: &str, password: &str) -> Result<String, CaErr> {
    let mutable = state.lock();
    let Some(record) = mutable.users.get(user) else {
        return Err(CaErr::authn(
            23,
            format!("Failed to get user: {user}: sql: no rows in result set"),
        ));
    };
    if record.secret != password {
        return Err(CaErr::authn(24, "Login failure: Password mismatch"));
    }
    let ca_max = state.cfg.max_enrollments;
    let mut max = record.max_enrollments;
    if ca_max != -1 && (max > ca_max || max == -1) {
        max = ca_max;
    }
    if max != -1 && record.enrollments >= max {
        return Err(CaErr::authn(
            24,
            format!(
                "Login failure: The identity {user} has already enrolled {max} times, it has reached its maximum enrollment allowance"
            ),
        ));
    }
    Ok(user.to_owned())
}

fn parse_csr(pem: &str) -> Result<CertReq, CaErr> {
    let csr = CertReq::from_pem(pem.trim().as_bytes())
        .map_err(|_| CaErr::http(400, 31, "CSR Decode failed"))?;
    // Go's x509.ParseCertificateRequest plus cfssl's signature check.
    let key = pki::verifying_key(&csr.info.public_key)
        .ok_or_else(|| CaErr::http(400, 31, "CSR Decode failed: not a P-256 key"))?;
    let signature = csr
        .signature
        .as_bytes()
        .and_then(|b| Signature::from_der(b).ok())
        .ok_or_else(|| CaErr::http(400, 31, "CSR Decode failed: malformed signature"))?;
    let info = csr
        .info
        .to_der()
        .map_err(|e| CaErr::http(400, 31, format!("CSR Decode failed: {e}")))?;
    key.verify(&info, &signature).map_err(|_| {
        CaErr::http(
            400,
            31,
            "CSR Decode failed: x509: ECDSA verification failure",
        )
    })?;
    Ok(csr)
}

fn common_name(csr: &CertReq) -> String {
    csr.info
        .subject
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().into_owned())
        .unwrap_or_default()
}

/// The CSR's own subject alternative names, as text.
fn csr_sans(csr: &CertReq) -> Vec<String> {
    let mut sans = Vec::new();
    for attr in csr.info.attributes.iter() {
        if attr.oid != der::oid::db::rfc2985::PKCS_9_AT_EXTENSION_REQUEST {
            continue;
        }
        for value in attr.values.iter() {
            let Ok(extensions) = value.decode_as::<Vec<x509_cert::ext::Extension>>() else {
                continue;
            };
            for ext in extensions
                .iter()
                .filter(|e| e.extn_id == der::oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME)
            {
                let Ok(names) = SubjectAltName::from_der(ext.extn_value.as_bytes()) else {
                    continue;
                };
                for name in names.0 {
                    match name {
                        GeneralName::DnsName(dns) => sans.push(dns.to_string()),
                        GeneralName::IpAddress(ip) => {
                            let bytes = ip.as_bytes();
                            if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
                                sans.push(std::net::Ipv4Addr::from(v4).to_string());
                            } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
                                sans.push(std::net::Ipv6Addr::from(v6).to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    sans
}

fn enroll(state: &State, req: &Request) -> Result<Ok201, CaErr> {
    allow(req, &[Method::POST])?;
    // Fabric CA 1.5 reads the header's user and password before it looks for the CA, and
    // checks them after: a header that is not basic auth is 401 code 20 whatever the CA name,
    // a wrong password at an unknown CA is 404 code 19.
    let (user, password) = basic_credentials(req)?;
    let (ca_name, ca) = ca_name(state, req)?;
    let id = basic_login(state, &user, &password)?;
    let body = read_body(req)?;
    let answer = sign_enrollment(state, ca_name, ca, &id, &body)?;
    // LoginComplete: the enrollment counts only once the certificate is issued.
    if let Some(record) = state.lock().users.get_mut(&id) {
        record.enrollments += 1;
    }
    Ok(answer)
}

/// `reenrollHandler`: `TokenAuthentication` (the header, then the CA, then the token: the
/// caller's certificate must verify, be unexpired, issued by this CA and known to it), then
/// `handleEnroll` for the enroll id the token names. A reenrollment does not count against
/// the identity's enrollments and revokes nothing.
fn reenroll(state: &State, req: &Request) -> Result<Ok201, CaErr> {
    allow(req, &[Method::POST])?;
    require_auth_header(req)?;
    let (ca_name, ca) = ca_name(state, req)?;
    let id = token_auth(state, req, ca_name, ca)?;
    let body = read_body(req)?;
    sign_enrollment(state, ca_name, ca, &id, &body)
}

/// `handleEnroll`: the CSR (its CN must be the caller's enroll id), hosts, attributes and
/// profile, signed by `ca_name`; the answer's `Cert` and `ServerInfo`.
fn sign_enrollment(
    state: &State,
    ca_name: &str,
    ca: &Ca,
    id: &str,
    body: &Value,
) -> Result<Ok201, CaErr> {
    let id = id.to_owned();
    let csr_text = body
        .get("certificate_request")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let csr = parse_csr(csr_text)?;
    if common_name(&csr) != id {
        return Err(CaErr::http(
            403,
            77,
            "The CSR subject common name must equal the enrollment ID",
        ));
    }
    let user = state
        .lock()
        .users
        .get(&id)
        .cloned()
        .ok_or_else(|| CaErr::authn(23, format!("Failed to get user: {id}")))?;
    // cfssl: the request's `hosts` replace the CSR's SANs.
    let hosts: Vec<String> = body
        .get("hosts")
        .and_then(Value::as_array)
        .map(|hosts| {
            hosts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let sans = if hosts.is_empty() {
        csr_sans(&csr)
    } else {
        hosts
    };
    let attrs = cert_attributes(&id, &user, body.get("attr_reqs"))?;
    let mut ous = vec![user.kind.as_str()];
    ous.extend(user.affiliation.split('.').filter(|p| !p.is_empty()));
    let now = SystemTime::now();
    // cfssl back-dates by five minutes against clock skew.
    let not_before = now - Duration::from_secs(300);
    let not_after = (now + state.cfg.enrollment_validity).min(ca.authority.not_after());
    let spec = LeafSpec {
        enroll_id: &id,
        ous,
        sans: &sans,
        attrs,
        // Fabric CA's `tls` signing profile, at either CA; the default profile gives only
        // digital signature, also at the TLS CA.
        tls: body.get("profile").and_then(Value::as_str) == Some("tls"),
        not_before,
        not_after,
    };
    let cert = state
        .issue(ca_name, csr.info.public_key.clone(), &spec)
        .map_err(|e| CaErr::http(500, 0, format!("Certificate signing failure: {e}")))?;
    let pem = pki::cert_pem(&cert).map_err(|e| CaErr::http(500, 0, e.to_string()))?;
    ok(
        201,
        json!({
            "Cert": STANDARD.encode(pem),
            "ServerInfo": ca.info(ca_name, None),
        }),
    )
}

/// The attribute extension's content (`GetAttrExtension`): the requested attributes, or
/// those registered with `ecert: true`; `None` when there are none.
fn cert_attributes(
    id: &str,
    user: &User,
    requests: Option<&Value>,
) -> Result<Option<BTreeMap<String, String>>, CaErr> {
    let mut attrs = BTreeMap::new();
    match requests.and_then(Value::as_array) {
        Some(requests) => {
            for request in requests {
                let name = request
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let optional = request
                    .get("optional")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                match user.attr(name) {
                    Some(value) => {
                        attrs.insert(name.to_owned(), value.to_owned());
                    }
                    None if optional => {}
                    None => {
                        return Err(CaErr::http(
                            500,
                            0,
                            format!(
                                "Failed to find requested attributes: Attribute '{name}' was requested but the identity '{id}' does not have it"
                            ),
                        ))
                    }
                }
            }
        }
        None => {
            for attr in user.attrs.iter().filter(|a| a.ecert) {
                attrs.insert(attr.name.clone(), attr.value.clone());
            }
        }
    }
    Ok((!attrs.is_empty()).then_some(attrs))
}

/// `TokenAuthentication` / `verifyX509Token`: the caller's enroll id.
fn token_auth(state: &State, req: &Request, ca_name: &str, ca: &Ca) -> Result<String, CaErr> {
    let header = req
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if header.is_empty() {
        return Err(CaErr::http(401, 2, "No authorization header"));
    }
    let invalid = |reason: &str| {
        CaErr::authn(
            25,
            format!("Invalid token in authorization header: {reason}"),
        )
    };
    let parts: Vec<&str> = header.split('.').collect();
    let [b64_cert, b64_sig] = parts[..] else {
        return Err(invalid(
            "Invalid token format; expecting 2 parts separated by '.'",
        ));
    };
    let cert_pem = STANDARD
        .decode(b64_cert)
        .map_err(|_| invalid("Failed to decode base64 encoded x509 cert"))?;
    let cert = Certificate::from_pem(&cert_pem)
        .map_err(|_| invalid("Error in parsing x509 certificate given block bytes"))?;
    let sig_der = STANDARD
        .decode(b64_sig)
        .map_err(|_| invalid("Invalid base64 encoded signature in token"))?;
    let signature = Signature::from_der(&sig_der).map_err(|_| {
        invalid("Token signature validation failure: Failed unmashalling signature")
    })?;
    let key = pki::verifying_key(cert.tbs_certificate().subject_public_key_info())
        .ok_or_else(|| invalid("Public Key import into BCCSP failed with error"))?;
    // The URI exactly as received (Go's `URL.RequestURI()`).
    let uri = match &req.query {
        Some(query) => format!("{}?{query}", req.path),
        None => req.path.clone(),
    };
    let payload = format!(
        "{}.{}.{}.{}",
        req.method.as_str(),
        STANDARD.encode(uri.as_bytes()),
        STANDARD.encode(&req.body),
        b64_cert
    );
    // Fabric's BCCSP refuses a high S before it checks the signature at all.
    if signature.normalize_s() != signature {
        return Err(invalid(
            "Token signature validation failure: Invalid S. Must be smaller than half the order",
        ));
    }
    let digest = Sha256::digest(payload.as_bytes());
    if key.verify_prehash(&digest, &signature).is_err() {
        return Err(invalid("Token signature validation failed"));
    }
    ca.authority
        .verify_issued(&cert)
        .map_err(|reason| CaErr::authn(26, format!("Untrusted certificate: {reason}")))?;
    let serial = pki::serial_hex(&cert);
    let known = state
        .lock()
        .issued
        .get(ca_name)
        .is_some_and(|serials| serials.contains(&serial));
    if !known {
        return Err(CaErr::authn(
            30,
            format!("Certificate not found with serial '{serial}'"),
        ));
    }
    let id = common_name_of(&cert);
    if !state.lock().users.contains_key(&id) {
        return Err(CaErr::authn(
            23,
            format!("Failed to get user: {id}: sql: no rows in result set"),
        ));
    }
    Ok(id)
}

fn common_name_of(cert: &Certificate) -> String {
    cert.tbs_certificate()
        .subject()
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().into_owned())
        .unwrap_or_default()
}

fn random_secret() -> String {
    // Fabric CA's `util.RandomString(12)`.
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(CHARS[rng.gen_range(0..CHARS.len())]))
        .collect()
}

/// `registerUser`: checks the registrar's rights and stores the identity; the secret.
fn register_user(state: &State, registrar_id: &str, body: &Value) -> Result<(String, User), CaErr> {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let id = text("id");
    let registrar = state
        .lock()
        .users
        .get(registrar_id)
        .cloned()
        .ok_or_else(|| CaErr::authn(23, format!("Failed to get user: {registrar_id}")))?;
    let mut affiliation = text("affiliation");
    if affiliation.is_empty() {
        affiliation = registrar.affiliation.clone();
    } else if affiliation == "." {
        affiliation.clear();
    }
    let mut kind = text("type");
    if kind.is_empty() {
        kind = registrar.kind.clone();
    }
    if !registrar.can_act_on_type(&kind) {
        return Err(CaErr::authz(
            76,
            format!("Registration of '{id}' failed: '{registrar_id}' may not act on type '{kind}'"),
        ));
    }
    if !registrar.covers_affiliation(&affiliation) {
        return Err(CaErr::authz(
            76,
            format!("Registration of '{id}' failed in affiliation validation"),
        ));
    }
    let mut attrs: Vec<Attr> = Vec::new();
    for attr in body
        .get("attrs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = attr.get("name").and_then(Value::as_str).unwrap_or_default();
        let value = attr
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ecert = attr.get("ecert").and_then(Value::as_bool).unwrap_or(false);
        // Reserved `hf.` attributes need the registrar's `hf.Registrar.Attributes`.
        if name.starts_with("hf.") {
            let allowed = registrar
                .attr("hf.Registrar.Attributes")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .any(|a| a == "*" || a == name);
            if !allowed {
                return Err(CaErr::authz(
                    42,
                    format!("Failed to register attribute: registrar may not register '{name}'"),
                ));
            }
        }
        attrs.push(Attr::new(name, value, ecert));
    }
    let requested_max = body
        .get("max_enrollments")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let ca_max = state.cfg.max_enrollments;
    let max_enrollments = match (requested_max, ca_max) {
        (0, ca_max) => ca_max,
        (requested, -1) => requested,
        (requested, ca_max) if requested == -1 || requested > ca_max => {
            return Err(CaErr::http(
                400,
                82,
                format!(
                    "Registration of '{id}' failed: Requested enrollments ({requested}) exceeds maximum allowable enrollments ({ca_max})"
                ),
            ))
        }
        (requested, _) => requested,
    };
    let mut secret = text("secret");
    if secret.is_empty() {
        secret = random_secret();
    }
    for (name, value) in [
        ("hf.EnrollmentID", id.as_str()),
        ("hf.Type", kind.as_str()),
        ("hf.Affiliation", affiliation.as_str()),
    ] {
        if !attrs.iter().any(|a| a.name == name) {
            attrs.push(Attr::new(name, value, true));
        }
    }
    let user = User {
        secret: secret.clone(),
        kind,
        affiliation,
        attrs,
        max_enrollments,
        enrollments: 0,
    };
    let mut mutable = state.lock();
    if mutable.users.contains_key(&id) {
        return Err(CaErr::http(
            409,
            74,
            format!("Identity '{id}' is already registered"),
        ));
    }
    mutable.users.insert(id.clone(), user.clone());
    Ok((secret, user))
}

fn location(id: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("/api/v1/identities/{}", encoded.replace('+', "%20"))
}

fn register(state: &State, req: &Request) -> Result<Ok201, CaErr> {
    allow(req, &[Method::POST])?;
    // Register looks for the CA first: an unknown CA name is 404 code 19 whatever the body
    // and the header.
    let (ca_name, ca) = ca_name(state, req)?;
    let body = read_body(req)?;
    let caller = token_auth(state, req, ca_name, ca)?;
    let (secret, _) = register_user(state, &caller, &body)?;
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    Ok(Ok201 {
        status: 201,
        result: json!({ "secret": secret }),
        location: Some(location(id)),
    })
}

fn identities(state: &State, req: &Request) -> Result<Ok201, CaErr> {
    allow(req, &[Method::GET, Method::POST])?;
    require_auth_header(req)?;
    let (ca_name, ca) = ca_name(state, req)?;
    let caller_id = token_auth(state, req, ca_name, ca)?;
    let caller = state
        .lock()
        .users
        .get(&caller_id)
        .cloned()
        .ok_or_else(|| CaErr::authn(23, format!("Failed to get user: {caller_id}")))?;
    if req.method == Method::GET {
        let roles = caller.registrar_roles();
        if roles.is_empty() {
            return Err(CaErr::authz(49, "Caller is not a registrar"));
        }
        let listed: Vec<Value> = state
            .lock()
            .users
            .iter()
            .filter(|(_, u)| {
                caller.can_act_on_type(&u.kind) && caller.covers_affiliation(&u.affiliation)
            })
            .map(|(id, u)| u.info(id))
            .collect();
        return ok(200, json!({ "identities": listed, "caname": ca_name }));
    }
    let body = read_body(req)?;
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    if id.is_empty() {
        return Err(CaErr::http(
            400,
            52,
            "Missing 'ID' in request to add a new identity",
        ));
    }
    let (secret, user) = register_user(state, &caller_id, &body)?;
    let mut result = user.info(id);
    result["secret"] = json!(secret);
    result["caname"] = json!(ca_name);
    Ok(Ok201 {
        status: 201,
        result,
        location: Some(location(id)),
    })
}

fn identity(state: &State, req: &Request, id: &str) -> Result<Ok201, CaErr> {
    allow(req, &[Method::GET, Method::DELETE])?;
    require_auth_header(req)?;
    let (ca_name, ca) = ca_name(state, req)?;
    let caller_id = token_auth(state, req, ca_name, ca)?;
    if req.method == Method::DELETE {
        // `cfg.identities.allowremove` is off by default on a Fabric CA.
        return Err(CaErr::http(403, 56, "Identity removal is disabled"));
    }
    let (caller, user) = {
        let mutable = state.lock();
        let caller = mutable.users.get(&caller_id).cloned();
        (caller, mutable.users.get(id).cloned())
    };
    let user =
        user.ok_or_else(|| CaErr::http(404, 63, "Failed to get User: sql: no rows in result set"))?;
    let allowed = caller
        .is_some_and(|c| c.can_act_on_type(&user.kind) && c.covers_affiliation(&user.affiliation));
    if !allowed {
        return Err(CaErr::authz(
            49,
            format!("'{caller_id}' may not manage identity '{id}'"),
        ));
    }
    let mut result = user.info(id);
    result["caname"] = json!(ca_name);
    ok(200, result)
}
