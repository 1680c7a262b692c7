//! Validation of console JSON: detection of the kind, required fields and types, URLs and ids,
//! certificates, chains and keys. Builds the artifacts; every problem becomes a [`Finding`].

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use fabric_ha_sensitive::Sensitive;
use serde_json::{Map, Value};
use zeroize::Zeroize;

use crate::json::{index_path, key_path};
use crate::model::{
    Artifact, ArtifactKind, CaArtifact, IdentityArtifact, MspArtifact, NodeArtifact,
    OrdererArtifact,
};
use crate::pem::{self, Reason};
use crate::report::{Finding, FindingCode, Problem};
use crate::x509::{key_matches_cert, rfc3339, Cert, KeyProblem};

/// A certificate closer than this to its `notAfter` gets a warning (the console's 30 days).
pub const EXPIRY_WARNING_SECS: i64 = 30 * 24 * 3600;

/// Longest `display_name` / `cluster_name` (the console's limit, in UTF-16 units).
pub const MAX_DISPLAY_NAME: usize = 64;

/// Longest `msp_id`.
pub const MAX_MSP_ID: usize = 250;

/// Parsed certificates keyed by their b64pem text, for one worker of a read: a component
/// repeats its TLS certificate (`pem`, `tls_cert`, `msp.component.tls_cert`) and the files of a
/// bulk zip share their roots, admins and enrollment certificates.
#[derive(Default)]
pub(crate) struct CertCache {
    parsed: HashMap<Arc<str>, Result<Cert, Reason>>,
    /// The values asked for last, most recent first: comparing a ~1.5 KB value with a few of
    /// them costs less than hashing it once.
    recent: VecDeque<(Arc<str>, Result<Cert, Reason>)>,
}

impl CertCache {
    const RECENT: usize = 8;

    /// The certificate (or the reason it is unreadable) of a b64pem value, parsed once.
    fn get_or_parse(&mut self, value: &str) -> Result<Cert, Reason> {
        if let Some(i) = self.recent.iter().position(|(k, _)| **k == *value) {
            if let Some(hit) = self.recent.remove(i) {
                let parsed = hit.1.clone();
                self.recent.push_front(hit);
                return parsed;
            }
        }
        let (key, parsed) = match self.parsed.get_key_value(value) {
            Some((k, r)) => (Arc::clone(k), r.clone()),
            None => {
                let key: Arc<str> = Arc::from(value);
                let parsed = Cert::parse_b64pem(value);
                self.parsed.insert(Arc::clone(&key), parsed.clone());
                (key, parsed)
            }
        };
        self.recent.push_front((key, parsed.clone()));
        self.recent.truncate(Self::RECENT);
        parsed
    }
}

pub(crate) struct Checker<'c> {
    pub file: String,
    pub now: i64,
    pub findings: Vec<Finding>,
    pub cache: &'c mut CertCache,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The console names parameters by dotted path without the `$.`.
fn prop(path: &str) -> &str {
    path.strip_prefix("$.").unwrap_or(path)
}

/// Problems with a `grpc(s)://host:port` URL: the reason in words after "must be a url
/// including the protocol, hostname/ip and port:".
pub(crate) fn grpc_url_problem(url: &str) -> Option<Problem> {
    let lower = url.to_ascii_lowercase();
    let rest = if lower.starts_with("grpcs://") {
        &url[8..]
    } else if lower.starts_with("grpc://") {
        &url[7..]
    } else {
        return Some(Problem::new(
            FindingCode::UrlSchemeGrpc,
            &[],
            "it must start with grpcs:// or grpc://",
        ));
    };
    host_port_problem(rest, true)
}

/// Problems with an `http(s)://host[:port]` URL, as [`grpc_url_problem`].
pub(crate) fn http_url_problem(url: &str) -> Option<Problem> {
    let lower = url.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Some(Problem::new(
            FindingCode::UrlSchemeHttp,
            &[],
            "it must start with https:// or http://",
        ));
    };
    host_port_problem(rest.strip_suffix('/').unwrap_or(rest), false)
}

fn host_port_problem(rest: &str, port_required: bool) -> Option<Problem> {
    if rest.contains('@') {
        return Some(Problem::new(
            FindingCode::UrlCredentials,
            &[],
            "it must not contain credentials",
        ));
    }
    if rest.contains(['/', '?', '#']) {
        return Some(Problem::new(
            FindingCode::UrlPath,
            &[],
            "it must not have a path, query or fragment",
        ));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    if host.is_empty() {
        return Some(Problem::new(
            FindingCode::UrlHostMissing,
            &[],
            "the hostname is missing",
        ));
    }
    if let Some(c) = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
    {
        return Some(Problem::new(
            FindingCode::UrlHostCharacter,
            &[("character", &c.to_string())],
            format!("the hostname contains '{c}'"),
        ));
    }
    match port {
        None if port_required => Some(Problem::new(
            FindingCode::UrlPortMissing,
            &[],
            "the port is missing (expected host:port)",
        )),
        None => None,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) && p.len() <= 5 => None,
            _ => Some(Problem::new(
                FindingCode::UrlPort,
                &[("port", p)],
                format!("'{p}' is not a port number (1-65535)"),
            )),
        },
    }
}

/// Problems with an MSP id, in the console's words.
pub(crate) fn msp_id_problem(id: &str, name: &str) -> Option<Problem> {
    if id.is_empty() {
        return Some(too_short(name));
    }
    if id.chars().count() > MAX_MSP_ID {
        return Some(too_long(name, MAX_MSP_ID));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Some(Problem::new(
            FindingCode::MspIdCharacter,
            &[("field", name), ("character", &c.to_string())],
            format!(
                "The field '{name}' can only contain alphanumerics characters, dashes, and dots (found {c:?})."
            ),
        ));
    }
    if id == "." || id == ".." {
        return Some(Problem::new(
            FindingCode::MspIdReserved,
            &[("field", name)],
            format!("Parameter '{name}' cannot be any of these values: ., .."),
        ));
    }
    None
}

/// "Expected parameter 'name' is too short. Must be >= 1 characters."
fn too_short(name: &str) -> Problem {
    Problem::new(
        FindingCode::TooShort,
        &[("field", name), ("min", "1")],
        format!("Expected parameter '{name}' is too short. Must be >= 1 characters."),
    )
}

/// "Expected parameter 'name' is too long. Must be <= max characters."
fn too_long(name: &str, max: usize) -> Problem {
    Problem::new(
        FindingCode::TooLong,
        &[("field", name), ("max", &max.to_string())],
        format!("Expected parameter '{name}' is too long. Must be <= {max} characters."),
    )
}

/// `problem` about the certificate `cert`: its subject and issuer join the params.
fn about(problem: Problem, cert: &Cert) -> Problem {
    problem
        .with("subject", cert.subject())
        .with("issuer", cert.issuer())
}

/// What a root or intermediate certificate is, as a param (`role`) and in English.
#[derive(Clone, Copy)]
enum Role {
    Root,
    CaRoot,
    TlsRoot,
    TlsCaRoot,
    Intermediate,
    CaIntermediate,
    TlsIntermediate,
}

impl Role {
    fn code(self) -> &'static str {
        match self {
            Role::Root => "root",
            Role::CaRoot => "caRoot",
            Role::TlsRoot => "tlsRoot",
            Role::TlsCaRoot => "tlsCaRoot",
            Role::Intermediate => "intermediate",
            Role::CaIntermediate => "caIntermediate",
            Role::TlsIntermediate => "tlsIntermediate",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Role::Root => "root certificate",
            Role::CaRoot => "CA root certificate",
            Role::TlsRoot => "TLS root certificate",
            Role::TlsCaRoot => "TLS CA root certificate",
            Role::Intermediate => "intermediate certificate",
            Role::CaIntermediate => "CA intermediate certificate",
            Role::TlsIntermediate => "TLS intermediate certificate",
        }
    }
}

/// Detects the kind of one JSON object from its content.
pub(crate) fn detect(obj: &Map<String, Value>) -> Result<ArtifactKind, Problem> {
    if let Some(t) = obj.get("type") {
        return match t.as_str() {
            Some("fabric-ca") => Ok(ArtifactKind::Ca),
            Some("fabric-peer") => Ok(ArtifactKind::Peer),
            Some("fabric-orderer") => Ok(ArtifactKind::Orderer),
            Some("msp") | Some("msp-external") => Ok(ArtifactKind::Msp),
            Some("identity") => Ok(ArtifactKind::Identity),
            Some(other) => Err(Problem::new(
                FindingCode::UnknownType,
                &[("type", other)],
                format!(
                    "unknown component type {other:?} (expected fabric-ca, fabric-peer, fabric-orderer, msp or identity)"
                ),
            )),
            None => Err(wrong_type("type", "string", t)),
        };
    }
    let has = |k: &str| obj.contains_key(k);
    let msp_has = |k: &str| {
        obj.get("msp")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(k))
    };
    if has("private_key") || (has("cert") && has("name") && !has("msp_id")) {
        return Ok(ArtifactKind::Identity);
    }
    if has("msp_id") && has("root_certs") {
        return Ok(ArtifactKind::Msp);
    }
    let api = obj
        .get("api_url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let grpc = api.starts_with("grpc://") || api.starts_with("grpcs://");
    let node_shape = grpc
        || has("tls_ca_root_cert") && has("msp_id")
        || (has("msp_id") && (msp_has("component") || msp_has("tlsca")));
    if node_shape {
        if has("cluster_name") || has("cluster_id") || has("osnadmin_url") || has("systemless") {
            return Ok(ArtifactKind::Orderer);
        }
        return Ok(ArtifactKind::Peer);
    }
    let http = api.starts_with("http://") || api.starts_with("https://") || has("ca_url");
    let ca_named = has("ca_name")
        || has("tlsca_name")
        || obj
            .get("msp")
            .and_then(Value::as_object)
            .and_then(|m| m.get("ca"))
            .and_then(Value::as_object)
            .is_some_and(|c| c.contains_key("name"));
    if http && ca_named {
        return Ok(ArtifactKind::Ca);
    }
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let start = "cannot tell what kind of console file this is (no 'type' field and the shape fits no CA, MSP, identity, peer or orderer; keys seen:";
    Err(if keys.is_empty() {
        Problem::new(
            FindingCode::UnknownShapeNoKeys,
            &[],
            format!("{start} none)"),
        )
    } else {
        let shown = keys.join(", ");
        Problem::new(
            FindingCode::UnknownShape,
            &[("keys", &shown)],
            format!("{start} {shown})"),
        )
    })
}

/// "Expected parameter 'name' to be of type: 'want', but instead was: '…'."
fn wrong_type(name: &str, want: &str, v: &Value) -> Problem {
    let actual = type_name(v);
    Problem::new(
        FindingCode::WrongType,
        &[("field", name), ("expected", want), ("actual", actual)],
        format!(
            "Expected parameter '{name}' to be of type: '{want}', but instead was: '{actual}'."
        ),
    )
}

/// "Expected parameter 'name' to be a Base64 encoded PEM-string: the value …."
fn not_b64pem(name: &str, reason: &Reason) -> Problem {
    let message = format!(
        "Expected parameter '{name}' to be a Base64 encoded PEM-string: the value {reason}."
    );
    with_reason(
        Problem::new(FindingCode::NotB64Pem, &[("field", name)], message),
        reason,
    )
}

/// `problem` naming `reason`: its text as `reason`, its code as `reasonCode`, and its values.
fn with_reason(problem: Problem, reason: &Reason) -> Problem {
    let problem = problem
        .with("reason", reason.text.as_str())
        .with("reasonCode", reason.code);
    reason
        .params
        .iter()
        .fold(problem, |p, (k, v)| p.with(k, v.as_str()))
}

impl Checker<'_> {
    /// One error per certificate (at its JSON path) that does not chain to `roots` through
    /// `intermediates`: `code`, its sentence `what` then the certificate's description.
    fn require_issued(
        &mut self,
        certs: &[(Cert, String)],
        intermediates: &[Cert],
        roots: &[Cert],
        (code, what): (FindingCode, &str),
    ) {
        for (cert, path) in certs {
            if !chains_to(cert, intermediates, roots) {
                let message = format!("{what}: {}", cert.describe());
                self.err(path, about(Problem::new(code, &[], message), cert));
            }
        }
    }

    fn err(&mut self, path: &str, problem: Problem) {
        self.findings
            .push(Finding::error(self.file.clone(), path, problem));
    }

    fn warn(&mut self, path: &str, problem: Problem) {
        self.findings
            .push(Finding::warning(self.file.clone(), path, problem));
    }

    fn missing(&mut self, path: &str) {
        let name = prop(path);
        let problem = Problem::new(
            FindingCode::Missing,
            &[("field", name)],
            format!("Expected parameter '{name}' to exist."),
        );
        self.err(path, problem);
    }

    fn wrong_type(&mut self, path: &str, want: &str, v: &Value) {
        self.err(path, wrong_type(prop(path), want, v));
    }

    /// A string field; `required` adds a "missing" error when absent.
    fn string(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        key: &str,
        required: bool,
    ) -> Option<String> {
        let path = key_path(base, key);
        match obj.get(key) {
            None => {
                if required {
                    self.missing(&path);
                }
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.wrong_type(&path, "string", other);
                None
            }
        }
    }

    fn boolean(&mut self, obj: &Map<String, Value>, base: &str, key: &str) {
        let path = key_path(base, key);
        if let Some(v) = obj.get(key) {
            if !v.is_boolean() {
                self.wrong_type(&path, "boolean", v);
            }
        }
    }

    fn object<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        base: &str,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        let path = key_path(base, key);
        match obj.get(key) {
            None => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                self.wrong_type(&path, "object", other);
                None
            }
        }
    }

    fn string_array(&mut self, obj: &Map<String, Value>, base: &str, key: &str) {
        let path = key_path(base, key);
        match obj.get(key) {
            None => {}
            Some(Value::Array(a)) => {
                for (i, v) in a.iter().enumerate() {
                    if !v.is_string() {
                        self.wrong_type(&index_path(&path, i), "string", v);
                    }
                }
            }
            Some(other) => self.wrong_type(&path, "array", other),
        }
    }

    fn display_name(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        key: &str,
        required: bool,
    ) -> Option<String> {
        let name = self.string(obj, base, key, required)?;
        let path = key_path(base, key);
        if name.trim().is_empty() {
            self.err(&path, too_short(prop(&path)));
        } else if name.encode_utf16().count() > MAX_DISPLAY_NAME {
            self.err(&path, too_long(prop(&path), MAX_DISPLAY_NAME));
        }
        Some(name)
    }

    fn msp_id(&mut self, obj: &Map<String, Value>, base: &str) -> Option<String> {
        let id = self.string(obj, base, "msp_id", true)?;
        let path = key_path(base, "msp_id");
        if let Some(p) = msp_id_problem(&id, prop(&path)) {
            self.err(&path, p);
        }
        Some(id)
    }

    fn url(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        key: &str,
        grpc: bool,
        required: bool,
    ) -> Option<String> {
        let url = self.string(obj, base, key, required)?;
        let path = key_path(base, key);
        let problem = if grpc {
            grpc_url_problem(&url)
        } else {
            http_url_problem(&url)
        };
        if let Some(p) = problem {
            let message = format!(
                "The field '{}' must be a url including the protocol, hostname/ip and port: {p} (got {url:?}).",
                prop(&path)
            );
            let problem = Problem { message, ..p }
                .with("field", prop(&path))
                .with("url", url.as_str());
            self.err(&path, problem);
        }
        Some(url)
    }

    /// Parses a certificate value without the validity check (for legacy copies).
    fn cert_quiet(&mut self, v: &Value, path: &str) -> Option<Cert> {
        let Some(s) = v.as_str() else {
            self.wrong_type(path, "string", v);
            return None;
        };
        match self.cache.get_or_parse(s) {
            Ok(c) => Some(c),
            Err(reason) => {
                self.err(path, not_b64pem(prop(path), &reason));
                None
            }
        }
    }

    /// Parses a certificate value and checks its validity window against `now`.
    fn cert(&mut self, v: &Value, path: &str) -> Option<Cert> {
        let c = self.cert_quiet(v, path)?;
        self.validity(&c, path);
        Some(c)
    }

    fn validity(&mut self, c: &Cert, path: &str) {
        if self.now < c.not_before() {
            let date = rfc3339(c.not_before());
            let message = format!(
                "certificate is not valid yet: valid from {date} ({})",
                c.describe()
            );
            let problem = Problem::new(FindingCode::CertNotYetValid, &[("date", &date)], message);
            self.err(path, about(problem, c));
        } else if self.now >= c.not_after() {
            let date = rfc3339(c.not_after());
            let message = format!("certificate expired on {date} ({})", c.describe());
            let problem = Problem::new(FindingCode::CertExpired, &[("date", &date)], message);
            self.err(path, about(problem, c));
        } else if c.not_after() - self.now < EXPIRY_WARNING_SECS {
            let days = ((c.not_after() - self.now) / 86400).to_string();
            let date = rfc3339(c.not_after());
            let message = format!(
                "certificate expires in {days} days, on {date} ({})",
                c.describe()
            );
            let problem = Problem::new(
                FindingCode::CertExpiresSoon,
                &[("days", &days), ("date", &date)],
                message,
            );
            self.warn(path, about(problem, c));
        }
    }

    fn cert_field(&mut self, obj: &Map<String, Value>, base: &str, key: &str) -> Option<Cert> {
        let v = obj.get(key)?;
        self.cert(v, &key_path(base, key))
    }

    /// An array of certificates; returns the parsed ones with their paths.
    fn cert_array(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        key: &str,
        required: bool,
        non_empty: bool,
    ) -> Vec<(Cert, String)> {
        let path = key_path(base, key);
        let mut out = Vec::new();
        match obj.get(key) {
            None => {
                if required {
                    self.missing(&path);
                }
            }
            Some(Value::Array(a)) => {
                if a.is_empty() && non_empty {
                    let name = prop(&path);
                    let problem = Problem::new(
                        FindingCode::NoCertificates,
                        &[("field", name)],
                        format!("Expected parameter '{name}' to have at least one certificate."),
                    );
                    self.err(&path, problem);
                }
                for (i, v) in a.iter().enumerate() {
                    let p = index_path(&path, i);
                    if let Some(c) = self.cert(v, &p) {
                        out.push((c, p));
                    }
                }
            }
            Some(other) => self.wrong_type(&path, "array", other),
        }
        out
    }

    /// Checks root certificates; false when any is unfit (chain checks against them are then
    /// skipped, so that one bad root gives one error).
    fn roots(&mut self, certs: &[(Cert, String)], role: Role) -> bool {
        let before = self.error_count();
        let what = role.words();
        for (c, p) in certs {
            let (code, reason, message) = if !c.is_ca() {
                (FindingCode::RootNotCa, None, format!(
                    "{what} is not a CA certificate (basicConstraints cA is not true): a leaf certificate cannot be used as a root ({})",
                    c.describe()
                ))
            } else if !c.is_self_issued() {
                (FindingCode::RootNotSelfIssued, None, format!(
                    "{what} is not self-signed: it is issued by '{}'; put it with the intermediate certificates ({})",
                    c.issuer(),
                    c.describe()
                ))
            } else if !c.is_issued_by(c) {
                let e = c.verify_signed_by(c).err().unwrap_or_default();
                let message = format!("{what} is not self-signed: {e} ({})", c.describe());
                (FindingCode::RootBadSignature, Some(e), message)
            } else {
                continue;
            };
            let mut problem = Problem::new(code, &[("role", role.code())], message);
            if let Some(e) = reason {
                problem = problem.with("reason", e);
            }
            self.err(p, about(problem, c));
        }
        self.error_count() == before
    }

    fn intermediates(&mut self, certs: &[(Cert, String)], roots: &[Cert], role: Role) {
        let all: Vec<Cert> = certs.iter().map(|(c, _)| c.clone()).collect();
        let what = role.words();
        for (c, p) in certs {
            let (code, message) = if !c.is_ca() {
                (
                    FindingCode::IntermediateNotCa,
                    format!(
                        "{what} is not a CA certificate (basicConstraints cA is not true) ({})",
                        c.describe()
                    ),
                )
            } else if !roots.is_empty() && !chains_to(c, &all, roots) {
                (
                    FindingCode::IntermediateNotFromRoots,
                    format!(
                        "{what} is not issued by any of the root certificates ({})",
                        c.describe()
                    ),
                )
            } else {
                continue;
            };
            let problem = Problem::new(code, &[("role", role.code())], message);
            self.err(p, about(problem, c));
        }
    }

    fn same_cert(&mut self, legacy: &Cert, legacy_path: &str, nested: &Cert, nested_path: &str) {
        if legacy != nested {
            let (field, other) = (prop(legacy_path), prop(nested_path));
            let message = format!(
                "legacy field '{field}' holds a different certificate than '{other}' ({} vs {})",
                legacy.describe(),
                nested.describe()
            );
            let problem = Problem::new(
                FindingCode::LegacyCertDiffers,
                &[
                    ("field", field),
                    ("other", other),
                    ("otherSubject", nested.subject()),
                    ("otherIssuer", nested.issuer()),
                ],
                message,
            );
            self.err(legacy_path, about(problem, legacy));
        }
    }

    fn same_str(
        &mut self,
        legacy: Option<String>,
        legacy_path: &str,
        nested: Option<&str>,
        nested_path: &str,
    ) {
        if let (Some(l), Some(n)) = (legacy, nested) {
            if l != n {
                let (field, other) = (prop(legacy_path), prop(nested_path));
                let problem = Problem::new(
                    FindingCode::LegacyValueDiffers,
                    &[
                        ("field", field),
                        ("value", &l),
                        ("other", other),
                        ("otherValue", n),
                    ],
                    format!("legacy field '{field}' ({l:?}) disagrees with '{other}' ({n:?})"),
                );
                self.err(legacy_path, problem);
            }
        }
    }

    fn expect_type(&mut self, obj: &Map<String, Value>, base: &str, want: &[&str]) {
        if let Some(v) = obj.get("type") {
            let path = key_path(base, "type");
            match v.as_str() {
                Some(t) if want.contains(&t) => {}
                Some(t) => self.err(
                    &path,
                    Problem::new(
                        FindingCode::TypeMismatch,
                        &[("type", t), ("expected", &want.join(", "))],
                        format!(
                            "type {t:?} does not fit the content (expected {})",
                            want.join(" or ")
                        ),
                    ),
                ),
                None => self.wrong_type(&path, "string", v),
            }
        }
    }

    fn legacy_name(&mut self, obj: &Map<String, Value>, base: &str, display: Option<&str>) {
        if let (Some(n), Some(d)) = (self.string(obj, base, "name", false), display) {
            if n != d {
                let problem = Problem::new(
                    FindingCode::LegacyNameDiffers,
                    &[("name", &n), ("displayName", d)],
                    format!(
                        "legacy field 'name' ({n:?}) differs from 'display_name' ({d:?}); the display name is used"
                    ),
                );
                self.warn(&key_path(base, "name"), problem);
            }
        }
    }

    /// Checks one JSON object of a known kind and builds its artifact.
    pub(crate) fn check_object(
        &mut self,
        kind: ArtifactKind,
        obj: Map<String, Value>,
        base: &str,
        source: &str,
        bulk_id: Option<String>,
    ) -> Option<Artifact> {
        match kind {
            ArtifactKind::Ca => self.ca(obj, base, source, bulk_id).map(Artifact::Ca),
            ArtifactKind::Msp => self.msp(obj, base, source, bulk_id).map(Artifact::Msp),
            ArtifactKind::Identity => self.identity(obj, base, source).map(Artifact::Identity),
            ArtifactKind::Peer => self
                .node(obj, base, source, bulk_id, false)
                .map(Artifact::Peer),
            ArtifactKind::Orderer => self.node(obj, base, source, bulk_id, true).map(|n| {
                Artifact::Orderer(OrdererArtifact {
                    source: source.to_owned(),
                    nodes: vec![n],
                    is_array: false,
                })
            }),
        }
    }

    fn ca(
        &mut self,
        obj: Map<String, Value>,
        base: &str,
        source: &str,
        bulk_id: Option<String>,
    ) -> Option<CaArtifact> {
        let before = self.error_count();
        self.expect_type(&obj, base, &["fabric-ca"]);
        let display = self.display_name(&obj, base, "display_name", true);
        self.legacy_name(&obj, base, display.as_deref());
        if obj.contains_key("api_url") || !obj.contains_key("ca_url") {
            self.url(&obj, base, "api_url", false, true);
        }
        self.url(&obj, base, "ca_url", false, false);
        self.url(&obj, base, "operations_url", false, true);
        self.string(&obj, base, "location", false);
        self.string_array(&obj, base, "tags");
        let msp_path = key_path(base, "msp");
        let msp = self.object(&obj, base, "msp");
        let legacy_ca_name = self.string(&obj, base, "ca_name", false);
        let legacy_tlsca_name = self.string(&obj, base, "tlsca_name", false);
        let (mut roots, mut tls_roots, mut tls_cert) = (Vec::new(), Vec::new(), None);
        let (mut nested_ca_name, mut nested_tlsca_name) = (None, None);
        let mut nested_tls_path = String::new();
        if let Some(msp) = msp {
            let ca_path = key_path(&msp_path, "ca");
            match self.object(msp, &msp_path, "ca") {
                Some(ca) => {
                    nested_ca_name = self.string(ca, &ca_path, "name", legacy_ca_name.is_none());
                    roots = self.cert_array(ca, &ca_path, "root_certs", false, true);
                }
                None if legacy_ca_name.is_none() => self.missing(&ca_path),
                None => {}
            }
            let tlsca_path = key_path(&msp_path, "tlsca");
            match self.object(msp, &msp_path, "tlsca") {
                Some(tlsca) => {
                    nested_tlsca_name =
                        self.string(tlsca, &tlsca_path, "name", legacy_tlsca_name.is_none());
                    tls_roots = self.cert_array(tlsca, &tlsca_path, "root_certs", false, true);
                }
                None if legacy_tlsca_name.is_none() => self.missing(&tlsca_path),
                None => {}
            }
            let comp_path = key_path(&msp_path, "component");
            if let Some(comp) = self.object(msp, &msp_path, "component") {
                nested_tls_path = key_path(&comp_path, "tls_cert");
                match comp.get("tls_cert") {
                    Some(v) => tls_cert = self.cert(v, &nested_tls_path),
                    None if !obj.contains_key("tls_cert") && !obj.contains_key("pem") => {
                        self.missing(&nested_tls_path)
                    }
                    None => {}
                }
            } else if !obj.contains_key("tls_cert") && !obj.contains_key("pem") {
                self.missing(&key_path(&comp_path, "tls_cert"));
            }
        } else {
            if legacy_ca_name.is_none() {
                self.missing(&key_path(base, "ca_name"));
            }
            if legacy_tlsca_name.is_none() {
                self.missing(&key_path(base, "tlsca_name"));
            }
            if !obj.contains_key("tls_cert") && !obj.contains_key("pem") {
                self.missing(&key_path(base, "tls_cert"));
            }
        }
        self.same_str(
            legacy_ca_name,
            &key_path(base, "ca_name"),
            nested_ca_name.as_deref(),
            &key_path(&msp_path, "ca.name"),
        );
        self.same_str(
            legacy_tlsca_name,
            &key_path(base, "tlsca_name"),
            nested_tlsca_name.as_deref(),
            &key_path(&msp_path, "tlsca.name"),
        );
        let tls_cert = self.legacy_tls_cert(&obj, base, tls_cert, &nested_tls_path);
        let tls_roots = self.legacy_tls_root(&obj, base, tls_roots, &msp_path);
        self.roots(&roots, Role::CaRoot);
        self.roots(&tls_roots, Role::TlsCaRoot);
        // A CA's own TLS certificate may be issued by the CA itself (§4.6a): no chain check.
        if self.error_count() > before {
            return None;
        }
        Some(CaArtifact {
            source: source.to_owned(),
            json: obj,
            bulk_id,
            root_certs: roots.into_iter().map(|(c, _)| c).collect(),
            tlsca_root_certs: tls_roots.into_iter().map(|(c, _)| c).collect(),
            tls_cert: tls_cert?,
        })
    }

    /// Resolves the component TLS cert from `msp.component.tls_cert` and the legacy `tls_cert`
    /// and `pem` copies, checking they agree.
    fn legacy_tls_cert(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        nested: Option<Cert>,
        nested_path: &str,
    ) -> Option<Cert> {
        let mut chosen = nested;
        let mut chosen_path = nested_path.to_owned();
        for key in ["tls_cert", "pem"] {
            let Some(v) = obj.get(key) else { continue };
            let path = key_path(base, key);
            let parsed = if chosen.is_some() {
                self.cert_quiet(v, &path)
            } else {
                self.cert(v, &path)
            };
            if let Some(c) = parsed {
                match &chosen {
                    Some(n) => {
                        let n = n.clone();
                        self.same_cert(&c, &path, &n, &chosen_path);
                    }
                    None => {
                        chosen = Some(c);
                        chosen_path = path;
                    }
                }
            }
        }
        chosen
    }

    /// Resolves TLS roots from `msp.tlsca.root_certs` and the legacy `tls_ca_root_cert`.
    fn legacy_tls_root(
        &mut self,
        obj: &Map<String, Value>,
        base: &str,
        nested: Vec<(Cert, String)>,
        msp_path: &str,
    ) -> Vec<(Cert, String)> {
        let Some(v) = obj.get("tls_ca_root_cert") else {
            return nested;
        };
        let path = key_path(base, "tls_ca_root_cert");
        if nested.is_empty() {
            return self
                .cert(v, &path)
                .map(|c| vec![(c, path)])
                .unwrap_or_default();
        }
        if let Some(c) = self.cert_quiet(v, &path) {
            let first = nested[0].0.clone();
            self.same_cert(
                &c,
                &path,
                &first,
                &key_path(msp_path, "tlsca.root_certs[0]"),
            );
        }
        nested
    }

    fn error_count(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }

    fn node(
        &mut self,
        obj: Map<String, Value>,
        base: &str,
        source: &str,
        bulk_id: Option<String>,
        orderer: bool,
    ) -> Option<NodeArtifact> {
        let before = self.error_count();
        self.expect_type(
            &obj,
            base,
            if orderer {
                &["fabric-orderer"]
            } else {
                &["fabric-peer"]
            },
        );
        let display = self.display_name(&obj, base, "display_name", true);
        self.legacy_name(&obj, base, display.as_deref());
        self.msp_id(&obj, base);
        self.url(&obj, base, "api_url", true, true);
        self.url(&obj, base, "operations_url", false, true);
        self.url(&obj, base, "grpcwp_url", false, true);
        self.url(&obj, base, "osnadmin_url", false, false);
        self.string(&obj, base, "location", false);
        self.string_array(&obj, base, "tags");
        self.string(&obj, base, "associatedIdentityName", false);
        if let Some(ou) = self.object(&obj, base, "node_ou") {
            self.boolean(ou, &key_path(base, "node_ou"), "enabled");
        }
        if orderer {
            self.display_name(&obj, base, "cluster_name", true);
            self.string(&obj, base, "cluster_id", false);
            self.boolean(&obj, base, "systemless");
            self.string(&obj, base, "system_channel_id", false);
            self.cert_field(&obj, base, "client_tls_cert");
            self.cert_field(&obj, base, "server_tls_cert");
        }
        self.string(&obj, base, "tlsca_name", false);
        self.string(&obj, base, "ca_name", false);
        let msp_path = key_path(base, "msp");
        let has_legacy_tls = obj.contains_key("tls_cert") || obj.contains_key("pem");
        let has_legacy_root = obj.contains_key("tls_ca_root_cert");
        let (mut tls_roots, mut tls_inter, mut ca_roots, mut ca_inter) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut tls_cert, mut ecert, mut admin_certs) = (None, None, Vec::new());
        let mut nested_tls_path = String::new();
        match self.object(&obj, base, "msp") {
            Some(msp) => {
                let tlsca_path = key_path(&msp_path, "tlsca");
                match self.object(msp, &msp_path, "tlsca") {
                    Some(t) => {
                        self.string(t, &tlsca_path, "name", false);
                        tls_roots =
                            self.cert_array(t, &tlsca_path, "root_certs", !has_legacy_root, true);
                    }
                    None if !has_legacy_root => self.missing(&key_path(&tlsca_path, "root_certs")),
                    None => {}
                }
                let ca_path = key_path(&msp_path, "ca");
                if let Some(ca) = self.object(msp, &msp_path, "ca") {
                    self.string(ca, &ca_path, "name", false);
                    ca_roots = self.cert_array(ca, &ca_path, "root_certs", false, false);
                }
                for (key, target) in [
                    ("intermediate_tlsca", &mut tls_inter),
                    ("intermediate_ca", &mut ca_inter),
                ] {
                    let p = key_path(&msp_path, key);
                    if let Some(m) = self.object(msp, &msp_path, key) {
                        *target = self.cert_array(m, &p, "root_certs", false, false);
                    }
                }
                let comp_path = key_path(&msp_path, "component");
                nested_tls_path = key_path(&comp_path, "tls_cert");
                match self.object(msp, &msp_path, "component") {
                    Some(comp) => {
                        match comp.get("tls_cert") {
                            Some(v) => tls_cert = self.cert(v, &nested_tls_path),
                            None if !has_legacy_tls => self.missing(&nested_tls_path),
                            None => {}
                        }
                        ecert = self
                            .cert_field(comp, &comp_path, "ecert")
                            .map(|c| (c, key_path(&comp_path, "ecert")));
                        admin_certs =
                            self.cert_array(comp, &comp_path, "admin_certs", false, false);
                    }
                    None if !has_legacy_tls => self.missing(&nested_tls_path),
                    None => {}
                }
            }
            None => {
                if !has_legacy_root {
                    self.missing(&key_path(&msp_path, "tlsca.root_certs"));
                }
                if !has_legacy_tls {
                    self.missing(&key_path(&msp_path, "component.tls_cert"));
                }
            }
        }
        let tls_cert = self.legacy_tls_cert(&obj, base, tls_cert, &nested_tls_path);
        let tls_roots = self.legacy_tls_root(&obj, base, tls_roots, &msp_path);
        let tls_roots_ok = self.roots(&tls_roots, Role::TlsRoot);
        let ca_roots_ok = self.roots(&ca_roots, Role::CaRoot);
        let tls_root_list: Vec<Cert> = tls_roots.iter().map(|(c, _)| c.clone()).collect();
        let ca_root_list: Vec<Cert> = ca_roots.iter().map(|(c, _)| c.clone()).collect();
        if tls_roots_ok {
            self.intermediates(&tls_inter, &tls_root_list, Role::TlsIntermediate);
        }
        if ca_roots_ok {
            self.intermediates(&ca_inter, &ca_root_list, Role::CaIntermediate);
        }
        let tls_inter_list: Vec<Cert> = tls_inter.iter().map(|(c, _)| c.clone()).collect();
        let ca_inter_list: Vec<Cert> = ca_inter.iter().map(|(c, _)| c.clone()).collect();
        if let Some(tc) = &tls_cert {
            if tls_roots_ok
                && !tls_root_list.is_empty()
                && !chains_to(tc, &tls_inter_list, &tls_root_list)
            {
                let path = if nested_tls_path.is_empty()
                    || !obj.get("msp").is_some_and(|m| {
                        m.get("component").and_then(|c| c.get("tls_cert")).is_some()
                    }) {
                    if obj.contains_key("tls_cert") {
                        key_path(base, "tls_cert")
                    } else {
                        key_path(base, "pem")
                    }
                } else {
                    nested_tls_path.clone()
                };
                let message = format!(
                    "TLS certificate does not chain to the TLS root certificates (msp.tlsca.root_certs): {}",
                    tc.describe()
                );
                let problem = Problem::new(FindingCode::TlsCertNotChained, &[], message);
                self.err(&path, about(problem, tc));
            }
        }
        if ca_roots_ok && !ca_root_list.is_empty() {
            let mut to_check: Vec<(Cert, String)> = admin_certs.clone();
            to_check.extend(ecert.clone());
            self.require_issued(
                &to_check,
                &ca_inter_list,
                &ca_root_list,
                (
                    FindingCode::CertNotFromCaRoots,
                    "certificate is not issued by the CA root certificates (msp.ca.root_certs)",
                ),
            );
        }
        if self.error_count() > before {
            return None;
        }
        Some(NodeArtifact {
            source: source.to_owned(),
            json: obj,
            bulk_id,
            tls_root_certs: tls_root_list,
            tls_intermediate_certs: tls_inter_list,
            tls_cert: tls_cert?,
            ca_root_certs: ca_root_list,
            ecert: ecert.map(|(c, _)| c),
            admin_certs: admin_certs.into_iter().map(|(c, _)| c).collect(),
        })
    }

    fn msp(
        &mut self,
        obj: Map<String, Value>,
        base: &str,
        source: &str,
        bulk_id: Option<String>,
    ) -> Option<MspArtifact> {
        let before = self.error_count();
        self.expect_type(&obj, base, &["msp", "msp-external"]);
        self.msp_id(&obj, base);
        let display = self.display_name(&obj, base, "display_name", true);
        self.legacy_name(&obj, base, display.as_deref());
        self.url(&obj, base, "host_url", false, true);
        let roots = self.cert_array(&obj, base, "root_certs", true, true);
        let inter = self.cert_array(&obj, base, "intermediate_certs", false, false);
        let admins = self.cert_array(&obj, base, "admins", true, false);
        let tls_roots = self.cert_array(&obj, base, "tls_root_certs", false, false);
        let tls_inter = self.cert_array(&obj, base, "tls_intermediate_certs", false, false);
        let roots_ok = self.roots(&roots, Role::Root) && !roots.is_empty();
        let tls_roots_ok = self.roots(&tls_roots, Role::TlsRoot);
        let root_list: Vec<Cert> = roots.iter().map(|(c, _)| c.clone()).collect();
        let tls_root_list: Vec<Cert> = tls_roots.iter().map(|(c, _)| c.clone()).collect();
        if roots_ok {
            self.intermediates(&inter, &root_list, Role::Intermediate);
        }
        if tls_roots_ok {
            self.intermediates(&tls_inter, &tls_root_list, Role::TlsIntermediate);
        }
        let inter_list: Vec<Cert> = inter.iter().map(|(c, _)| c.clone()).collect();
        // Revocation lists: PEM "X509 CRL" blocks.
        if let Some(v) = obj.get("revocation_list") {
            let path = key_path(base, "revocation_list");
            match v {
                Value::Array(a) => {
                    for (i, item) in a.iter().enumerate() {
                        let p = index_path(&path, i);
                        match item.as_str() {
                            Some(s) => {
                                if let Err(e) = pem::decode_single(s, &["X509 CRL"]) {
                                    let problem = Problem::new(
                                        FindingCode::RevocationEntry,
                                        &[],
                                        format!("revocation list entry {e}"),
                                    );
                                    self.err(&p, with_reason(problem, &e));
                                }
                            }
                            None => self.wrong_type(&p, "string", item),
                        }
                    }
                }
                other => self.wrong_type(&path, "array", other),
            }
        }
        if let Some(v) = obj.get("organizational_unit_identifiers") {
            let path = key_path(base, "organizational_unit_identifiers");
            match v {
                Value::Array(a) => {
                    for (i, item) in a.iter().enumerate() {
                        let p = index_path(&path, i);
                        match item.as_object() {
                            Some(o) if roots_ok => {
                                self.ou_identifier(o, &p, &root_list, &inter_list);
                            }
                            Some(_) => {}
                            None => self.wrong_type(&p, "object", item),
                        }
                    }
                }
                other => self.wrong_type(&path, "array", other),
            }
        }
        let mut node_ous = false;
        let nou_path = key_path(base, "fabric_node_ous");
        if let Some(nou) = self.object(&obj, base, "fabric_node_ous") {
            match nou.get("enable") {
                None | Some(Value::Bool(_)) => {}
                Some(Value::String(s)) if s == "enabled" || s == "disabled" => {}
                Some(other) => self.wrong_type(&key_path(&nou_path, "enable"), "boolean", other),
            }
            node_ous = matches!(nou.get("enable"), Some(Value::Bool(true)))
                || nou.get("enable").and_then(Value::as_str) == Some("enabled");
            for key in [
                "admin_ou_identifier",
                "client_ou_identifier",
                "peer_ou_identifier",
                "orderer_ou_identifier",
            ] {
                let p = key_path(&nou_path, key);
                if let Some(o) = self.object(nou, &nou_path, key) {
                    if roots_ok {
                        self.ou_identifier(o, &p, &root_list, &inter_list);
                    }
                }
            }
        }
        if obj
            .get("admins")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
            && !node_ous
        {
            let problem = Problem::new(
                FindingCode::AdminsEmpty,
                &[],
                "Expected parameter 'admins' to have at least one certificate: the list may be empty only when Node OUs are enabled (fabric_node_ous.enable), as the console's import requires.",
            );
            self.err(&key_path(base, "admins"), problem);
        }
        if roots_ok {
            self.require_issued(
                &admins,
                &inter_list,
                &root_list,
                (
                    FindingCode::AdminNotFromMspRoots,
                    "admin certificate is not issued by any of the MSP's root or intermediate certificates",
                ),
            );
        }
        if self.error_count() > before {
            return None;
        }
        Some(MspArtifact {
            source: source.to_owned(),
            json: obj,
            bulk_id,
            root_certs: root_list,
            intermediate_certs: inter_list,
            admins: admins.into_iter().map(|(c, _)| c).collect(),
            tls_root_certs: tls_root_list,
            tls_intermediate_certs: tls_inter.into_iter().map(|(c, _)| c).collect(),
        })
    }

    fn ou_identifier(
        &mut self,
        o: &Map<String, Value>,
        path: &str,
        roots: &[Cert],
        inter: &[Cert],
    ) {
        self.string(o, path, "organizational_unit_identifier", true);
        let cp = key_path(path, "certificate");
        match o.get("certificate") {
            None => self.missing(&cp),
            Some(v) => {
                if let Some(c) = self.cert_quiet(v, &cp) {
                    if !roots.contains(&c) && !inter.contains(&c) {
                        let message = format!(
                            "certificate is not one of the MSP's root or intermediate certificates: {}",
                            c.describe()
                        );
                        let problem = Problem::new(FindingCode::OuCertNotInMsp, &[], message);
                        self.err(&cp, about(problem, &c));
                    }
                }
            }
        }
    }

    fn identity(
        &mut self,
        mut obj: Map<String, Value>,
        base: &str,
        source: &str,
    ) -> Option<IdentityArtifact> {
        let before = self.error_count();
        // Take the key out first so that it never stays in a plain Value.
        let key_value = obj.remove("private_key");
        let private_key = match key_value {
            Some(Value::String(s)) => Some(Sensitive::new(s)),
            Some(mut other) => {
                self.wrong_type(&key_path(base, "private_key"), "string", &other);
                zeroize_value(&mut other);
                None
            }
            None => {
                self.missing(&key_path(base, "private_key"));
                None
            }
        };
        self.expect_type(&obj, base, &["identity"]);
        if let Some(name) = self.string(&obj, base, "name", true) {
            if name.trim().is_empty() {
                self.err(&key_path(base, "name"), too_short("name"));
            }
        }
        let cert_path = key_path(base, "cert");
        let cert = match obj.get("cert") {
            Some(v) => self.cert(v, &cert_path),
            None => {
                self.missing(&cert_path);
                None
            }
        };
        self.cert_field(&obj, base, "ca");
        self.boolean(&obj, base, "hsm");
        if let (Some(key), Some(cert)) = (&private_key, &cert) {
            let key_path_s = key_path(base, "private_key");
            match pem::decode_single(key.expose(), &["PRIVATE KEY", "EC PRIVATE KEY"]) {
                Err(e) => self.err(&key_path_s, not_b64pem("private_key", &e)),
                Ok((label, mut der)) => {
                    let res = key_matches_cert(&label, &der, cert);
                    der.zeroize();
                    match res {
                        Ok(()) => {}
                        Err(KeyProblem::Mismatch) => {
                            let message = format!(
                                "private key does not belong to the certificate in 'cert' (their public keys differ; cert {})",
                                cert.describe()
                            );
                            let problem = Problem::new(FindingCode::KeyMismatch, &[], message);
                            self.err(&key_path_s, about(problem, cert));
                        }
                        Err(KeyProblem::Unreadable(e)) => {
                            let problem = Problem::new(
                                FindingCode::KeyUnreadable,
                                &[("reason", &e)],
                                format!("private key {e}"),
                            );
                            self.err(&key_path_s, problem);
                        }
                    }
                }
            }
        }
        if self.error_count() > before {
            return None;
        }
        Some(IdentityArtifact {
            source: source.to_owned(),
            json: obj,
            cert: cert?,
            private_key: private_key?,
        })
    }
}

/// Overwrites every string inside `v` (used on values that may carry key material).
pub(crate) fn zeroize_value(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(zeroize_value),
        Value::Object(m) => m.values_mut().for_each(zeroize_value),
        _ => {}
    }
}

/// True when `cert` is issued by one of `roots`, directly or through `intermediates`.
pub(crate) fn chains_to(cert: &Cert, intermediates: &[Cert], roots: &[Cert]) -> bool {
    fn walk(cert: &Cert, inter: &[Cert], roots: &[Cert], depth: usize) -> bool {
        if roots.iter().any(|r| r == cert || cert.is_issued_by(r)) {
            return true;
        }
        depth < 8
            && inter
                .iter()
                .any(|i| i != cert && cert.is_issued_by(i) && walk(i, inter, roots, depth + 1))
    }
    walk(cert, intermediates, roots, 0)
}

#[cfg(all(test, feature = "testdata"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testdata::{issue, Key, Spec};

    #[test]
    fn the_cert_cache_parses_each_value_once_and_keeps_errors() {
        let root = issue(&Spec::ca("Cache Root", 1), Key::p256("cache-root"), None);
        let values: Vec<String> = (0..CertCache::RECENT as u64 + 2)
            .map(|i| {
                issue(
                    &Spec::leaf(&format!("leaf{i}"), None, 10 + i),
                    Key::p256(&format!("cache-leaf-{i}")),
                    Some(&root),
                )
                .b64()
            })
            .collect();
        let mut cache = CertCache::default();
        let first = cache.get_or_parse(&values[0]).unwrap();
        for v in &values {
            assert_eq!(
                cache.get_or_parse(v).unwrap(),
                Cert::from_b64pem(v).unwrap()
            );
        }
        // Out of the recent list by now, still the very same parse.
        assert!(!cache.recent.iter().any(|(k, _)| **k == *values[0]));
        let again = cache.get_or_parse(&values[0]).unwrap();
        assert_eq!(first.der().as_ptr(), again.der().as_ptr());
        assert_eq!(cache.parsed.len(), values.len());
        assert_eq!(cache.recent.len(), CertCache::RECENT);
        let bad = cache.get_or_parse("bm90IGEgY2VydA==").unwrap_err();
        assert_eq!(cache.get_or_parse("bm90IGEgY2VydA==").unwrap_err(), bad);
    }
}
