//! Routing, authentication, rate limiting and the route handlers.

use std::sync::Arc;
use std::time::Instant;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER, USER_AGENT, WWW_AUTHENTICATE};
use hyper::{Method, Response, StatusCode};
use serde_json::{json, Map, Value};

use super::certs;
use super::deploy;
use super::schema::{self, Context, Schema};
use super::store::{self, Component, Store};
use super::ui_import;
use crate::net::{json_reply, ready, Reply, ReplyFuture, Request};

const CA: &str = "fabric-ca";
const PEER: &str = "fabric-peer";
const ORDERER: &str = "fabric-orderer";
const MSP: &str = "msp";
const MSP_EXTERNAL: &str = "msp-external";
const IMPORT_TYPES: [&str; 5] = [CA, PEER, ORDERER, MSP, MSP_EXTERNAL];
const ROLES: [&str; 3] = ["reader", "writer", "manager"];
/// The one CA version the deployer offers.
const CA_VERSION: &str = "1.5.7-1";

/// Fields a deployer manages; `/ak/` answers show them only with `deployment_attrs=included`.
const DEPLOYMENT_FIELDS: [&str; 11] = [
    "resources",
    "storage",
    "version",
    "zone",
    "region",
    "state_db",
    "dep_component_id",
    "node_ou",
    "config_override",
    "hsm",
    "crypto",
];

/// The permission an `/ak/` route needs (the console's actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    View,
    Import,
    Remove,
    Create,
    Delete,
    ApiKeys,
    Logs,
}

fn role_allows(role: &str, action: Action) -> bool {
    match role {
        "reader" => action == Action::View,
        "writer" => matches!(action, Action::View | Action::Import | Action::Remove),
        "manager" => true,
        _ => false,
    }
}

/// Query flags of the component GETs.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    deployment_attrs: bool,
    parsed_certs: bool,
}

impl Flags {
    fn from_query(query: Option<&str>) -> Self {
        let mut flags = Flags::default();
        for pair in query.unwrap_or("").split('&') {
            match pair.split_once('=') {
                Some(("deployment_attrs", "included")) => flags.deployment_attrs = true,
                Some(("parsed_certs", "included")) => flags.parsed_certs = true,
                _ => {}
            }
        }
        flags
    }
}

fn reply(status: u16, body: &Value) -> Reply {
    json_reply(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
}

fn msgs(status: u16, messages: Vec<String>) -> Reply {
    reply(status, &json!({ "statusCode": status, "msgs": messages }))
}

fn not_found_component() -> Reply {
    reply(
        404,
        &json!({ "statusCode": 404, "msg": "no components by this id exist", "reason": "missing" }),
    )
}

fn route_not_found(method: &Method, path: &str) -> Reply {
    reply(
        404,
        &json!({ "statusCode": 404, "msg": format!("route not found: {method} {path}") }),
    )
}

fn unauthorized(store: &Store) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from_static(b"Unauthorized")));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(realm) = HeaderValue::from_str(&format!("Basic realm=IBP{}", store.url)) {
        headers.insert(WWW_AUTHENTICATE, realm);
    }
    response
}

fn deployer_missing() -> Reply {
    reply(
        503,
        &json!({
            "statusCode": 503,
            "error": "api is not available",
            "msg": "this api is not available to Console's without the \"deployer\" counterpart",
        }),
    )
}

/// Entry point for every request that passed fault injection.
pub(crate) fn handle(store: &Arc<Store>, req: Request) -> ReplyFuture {
    // The console parses JSON bodies before anything else; a broken body never reaches the
    // rate limiter or the auth check.
    let body = match parse_body(&req) {
        Ok(body) => body,
        Err(details) => {
            return ready(reply(
                400,
                &json!({ "statusCode": 400, "msg": "input error", "details": details }),
            ))
        }
    };
    let path = if req.path.len() > 1 {
        req.path.trim_end_matches('/').to_owned()
    } else {
        req.path.clone()
    };
    if !path.starts_with("/ak/") {
        return ready(public_route(store, &req.method, &path));
    }
    let user_agent = req
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("undefined");
    let high_volume = req.method == Method::GET;
    let count = store.count_request(format!("{}{user_agent}", req.peer), high_volume);
    let routed = if count.exceeded {
        Routed::Now(too_many_requests(store, high_volume))
    } else {
        ak_route(store, &req, &path, body)
    };
    let window = store.cfg.rate_limit_window.as_millis().div_ceil(1000);
    Box::pin(async move {
        let mut response = match routed {
            Routed::Now(response) => response,
            Routed::Later(future) => future.await,
        };
        let headers = response.headers_mut();
        headers.insert("X-RateLimit-Limit", HeaderValue::from(count.limit));
        headers.insert("X-RateLimit-Remaining", HeaderValue::from(count.remaining));
        if count.exceeded {
            headers.insert("X-RateLimit-Reset", HeaderValue::from(count.reset_unix));
            headers.insert(
                RETRY_AFTER,
                HeaderValue::from(u64::try_from(window).unwrap_or(u64::MAX)),
            );
        }
        response
    })
}

/// A route's answer: ready now, or once real Fabric nodes have answered.
pub(crate) enum Routed {
    /// Answered from memory.
    Now(Reply),
    /// Waits on a real node (the deployer starting one, or a health probe).
    Later(ReplyFuture),
}

impl From<Reply> for Routed {
    fn from(reply: Reply) -> Self {
        Routed::Now(reply)
    }
}

fn too_many_requests(store: &Store, high_volume: bool) -> Reply {
    let (label, limit) = if high_volume {
        ("high", store.cfg.rate_limit_per_min.saturating_mul(4))
    } else {
        ("low", store.cfg.rate_limit_per_min)
    };
    reply(
        429,
        &json!({
            "error": format!("[AK Requests] exceeded the {label} volume rate limit - too many requests, try again later"),
            "rate_limit": format!("{limit}/min"),
            "tips": [
                "monitor the header \"X-RateLimit-Remaining\" for your current rate",
                "check the header \"X-RateLimit-Reset\" for when to resume",
            ],
        }),
    )
}

/// Body-parser's behaviour: JSON only for a JSON content type; an empty body is `{}`; only
/// objects and arrays are accepted at the top level.
fn parse_body(req: &Request) -> Result<Value, String> {
    let is_json = req
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let essence = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        })
        .unwrap_or(false);
    if !is_json || req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(value @ (Value::Object(_) | Value::Array(_))) => Ok(value),
        Ok(_) => Err("SyntaxError: Unexpected token in JSON at position 0".to_owned()),
        Err(err) if err.is_eof() => Err("SyntaxError: Unexpected end of JSON input".to_owned()),
        Err(err) => Err(format!(
            "SyntaxError: Unexpected token in JSON at line {} column {}",
            err.line(),
            err.column()
        )),
    }
}

fn public_route(store: &Store, method: &Method, path: &str) -> Reply {
    match (method, path) {
        (&Method::GET, "/api/v3/healthcheck") => {
            reply(200, &json!({ "message": "ok", "id": store.instance_id }))
        }
        _ => route_not_found(method, path),
    }
}

fn ak_route(store: &Arc<Store>, req: &Request, path: &str, body: Value) -> Routed {
    let body = &body;
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(rest) = segments.strip_prefix(&["ak", "api", "v3"]) else {
        return route_not_found(&req.method, path).into();
    };
    let flags = Flags::from_query(req.query.as_deref());
    let method = &req.method;

    // Public routes under /ak/.
    match (method, rest) {
        (&Method::GET, ["settings"]) => return settings(store).into(),
        (&Method::GET, ["healthcheck"]) => {
            return reply(200, &json!({ "message": "ok", "id": store.instance_id })).into()
        }
        _ => {}
    }

    let (action, needs_deployer): (Action, bool) = match (method, rest) {
        (&Method::GET, ["health"]) => (Action::Logs, false),
        (&Method::GET, ["components", ..]) => (Action::View, false),
        (&Method::POST, ["components", "status"]) => (Action::View, false),
        (&Method::POST, ["components", ..]) | (&Method::PUT, ["components", ..]) => {
            (Action::Import, false)
        }
        (&Method::DELETE, ["components", ..]) => (Action::Remove, false),
        (&Method::POST, ["kubernetes", "components", ..]) => (Action::Create, true),
        (&Method::DELETE, ["kubernetes", "components", _]) => (Action::Delete, true),
        (&Method::GET, ["kubernetes", "fabric", "versions"]) => (Action::View, true),
        (_, ["permissions", "keys", ..]) => (Action::ApiKeys, false),
        (&Method::POST, ui_import::ROUTE) => (Action::Import, false),
        _ => return route_not_found(method, path).into(),
    };
    // The console checks for a deployer before it looks at credentials.
    if needs_deployer && store.cfg.import_only {
        return deployer_missing().into();
    }
    let bootstrap_allowed = *method == Method::POST && rest == ["permissions", "keys"];
    if !authorized(store, req, action, bootstrap_allowed) {
        return unauthorized(store).into();
    }

    if let Some(deployer) = store.cfg.deployer.clone() {
        match (method, rest) {
            (&Method::POST, ["kubernetes", "components", kind @ (PEER | CA)]) => {
                return deploy::create(store, deployer, kind, body.clone());
            }
            (&Method::POST, ["kubernetes", "components"]) => {
                if let Some(kind @ (PEER | CA)) = body.get("type").and_then(Value::as_str) {
                    return deploy::create(store, deployer, kind, body.clone());
                }
            }
            (&Method::DELETE, ["kubernetes", "components", id]) => {
                return deploy::delete(store, id);
            }
            _ => {}
        }
    }
    if let (&Method::POST, ["components", "status"]) = (method, rest) {
        return deploy::status(store, body);
    }
    Routed::Now(match (method, rest) {
        (&Method::GET, ["health"]) => health(store),
        (&Method::GET, ["components"]) => list(store, flags, |_| true),
        (&Method::GET, ["components", "types", kind]) => list(store, flags, |c| c.kind() == *kind),
        (&Method::GET, ["components", "tags", tag]) => {
            let tag = tag.to_ascii_lowercase();
            list(store, flags, |c| has_tag(c, &tag))
        }
        (&Method::GET, ["components", id]) => get_one(store, id, flags),
        (&Method::POST, ["components", "bulk"]) => bulk_import(store, body),
        (&Method::POST, ui_import::ROUTE) => ui_import::bulk_import(store, &req.body),
        (&Method::POST, ["components"]) => {
            let kind = body.get("type").and_then(Value::as_str).map(str::to_owned);
            import(store, kind.as_deref(), body)
        }
        (&Method::POST, ["components", kind]) if IMPORT_TYPES.contains(kind) => {
            import(store, Some(kind), body)
        }
        (&Method::PUT, ["components", id]) => edit(store, id, body),
        (&Method::PUT, ["components", kind, id]) if IMPORT_TYPES.contains(kind) => {
            edit(store, id, body)
        }
        (&Method::DELETE, ["components", "tags", tag]) => remove_by_tag(store, tag),
        (&Method::DELETE, ["components", id]) => remove(store, id),
        (&Method::POST, ["kubernetes", "components"]) => {
            match body.get("type").and_then(Value::as_str) {
                Some(PEER) => create_peer(store, body),
                Some(CA) => create_ca(store, body),
                _ => msgs(
                    400,
                    vec!["Expected the component 'type' to be in the body or route.".to_owned()],
                ),
            }
        }
        (&Method::POST, ["kubernetes", "components", PEER]) => create_peer(store, body),
        (&Method::POST, ["kubernetes", "components", CA]) => create_ca(store, body),
        (&Method::DELETE, ["kubernetes", "components", id]) => {
            // Deleting a created CA stops its server too.
            store.lock().ca_servers.remove(*id);
            remove(store, id)
        }
        (&Method::GET, ["kubernetes", "fabric", "versions"]) => versions(store),
        (&Method::POST, ["permissions", "keys"]) => create_key(store, body),
        (&Method::GET, ["permissions", "keys"]) => list_keys(store),
        (&Method::DELETE, ["permissions", "keys", key]) => delete_key(store, key),
        _ => route_not_found(method, path),
    })
}

/// The request's `Authorization` header, trimmed.
fn authorization(req: &Request) -> Option<&str> {
    req.headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// An IAM console's check: the roles of the `Bearer` token or `ApiKey` key.
fn iam_authorized(store: &Store, req: &Request, action: Action) -> bool {
    let (Some(iam), Some(header)) = (&store.cfg.iam, authorization(req)) else {
        return false;
    };
    let roles = if let Some(token) = header.strip_prefix("Bearer ") {
        iam.token_roles(token.trim())
    } else if let Some(key) = header.strip_prefix("ApiKey ") {
        iam.key_roles(key.trim())
    } else {
        None
    };
    roles.is_some_and(|roles| roles.iter().any(|r| role_allows(r, action)))
}

/// `Basic base64(key:secret)` with a key whose roles allow `action`, or the bootstrap user on
/// the one route it may use. Anything else is a 401, including a valid key without the role.
/// A console with `AUTH_SCHEME` `iam` (IBM Cloud) takes only IAM credentials: `Bearer` IAM
/// access tokens and `ApiKey` IAM keys of its IAM service, with a service role that allows
/// `action` (none without a service: everything is a 401).
fn authorized(store: &Store, req: &Request, action: Action, bootstrap_allowed: bool) -> bool {
    if store.cfg.auth_scheme == "iam" {
        return iam_authorized(store, req, action);
    }
    let Some(header) = authorization(req) else {
        return false;
    };
    let Some(encoded) = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))
    else {
        return false;
    };
    let Some(decoded) = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
    else {
        return false;
    };
    let Some((name, pass)) = decoded.split_once(':') else {
        return false;
    };
    if name.is_empty() || pass.is_empty() {
        return false;
    }
    if let Some((user, password)) = &store.cfg.bootstrap_user {
        if user.to_lowercase() == name.to_lowercase() {
            return bootstrap_allowed && password == pass;
        }
    }
    let data = store.lock();
    match data.keys.get(name) {
        Some(key) => key.secret == pass && key.roles.iter().any(|r| role_allows(r, action)),
        None => false,
    }
}

fn settings(store: &Store) -> Reply {
    let cfg = &store.cfg;
    reply(
        200,
        &json!({
            "ACTIVITY_TRACKER_PATH": null,
            "AUTH_SCHEME": cfg.auth_scheme,
            "CLUSTER_DATA": { "type": "paid", "zones": [] },
            "CONFIGTXLATOR_URL": format!("{}/configtxlator", store.url),
            "CONSOLE_TYPE": "software",
            "DEPLOYER_URL": if cfg.import_only { Value::Null } else { json!(format!("{}/deployer", store.url)) },
            "FEATURE_FLAGS": {
                "import_only_enabled": cfg.import_only,
                "read_only_enabled": false,
                "create_channel_enabled": true,
                "remote_peer_config_enabled": true,
                "saas_enabled": false,
                "mustgather_enabled": false,
                "infra_import_options": { "platform": "openshift", "supported_cas": [], "supported_orderers": [], "supported_peers": [] },
            },
            "HOST_URL": store.url,
            "INFRASTRUCTURE": "openshift",
            "MAX_REQ_PER_MIN": 25,
            "MAX_REQ_PER_MIN_AK": cfg.rate_limit_per_min,
            "TIMEOUTS": {
                "fabric_get_block_timeout_ms": 10000,
                "fabric_instantiate_timeout_ms": 300000,
                "fabric_join_channel_timeout_ms": 25000,
                "fabric_install_cc_timeout_ms": 300000,
                "fabric_lc_install_cc_timeout_ms": 300000,
                "fabric_lc_get_cc_timeout_ms": 180000,
                "fabric_general_timeout_ms": 10000,
            },
            "TIMESTAMPS": {
                "now": store::now_ms(),
                "born": store.started_ms(),
                "next_settings_update": "-",
                "up_time": format!("{} secs", store.uptime().as_secs()),
            },
            "TRUST_PROXY": "loopback, linklocal, uniquelocal",
            "VERSIONS": { "athena": "2.5.2", "apollo": "2.5.2", "stitch": "2.5.2", "tag": "v2.5.2" },
        }),
    )
}

fn health(store: &Store) -> Reply {
    let count = store.lock().components.len();
    reply(
        200,
        &json!({
            "OPTOOLS": {
                "instance_id": store.instance_id,
                "now": store::now_ms(),
                "born": store.started_ms(),
                "up_time": format!("{} secs", store.uptime().as_secs()),
                "memory_usage": {},
                "component_count": count,
                "cache_stats": {},
            },
            "OS": { "arch": std::env::consts::ARCH, "type": std::env::consts::OS },
        }),
    )
}

fn has_tag(component: &Component, tag: &str) -> bool {
    component
        .record
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)))
}

fn list(store: &Store, flags: Flags, keep: impl Fn(&Component) -> bool) -> Reply {
    let now = store::now_ms();
    let components: Vec<Value> = store
        .lock()
        .components
        .values()
        .filter(|c| keep(c))
        .map(|c| format_record(&c.record, flags, now))
        .collect();
    if components.is_empty() {
        return reply(
            222,
            &json!({ "components": [], "msg": "no components exist", "reason": "missing" }),
        );
    }
    reply(200, &json!({ "components": components }))
}

fn get_one(store: &Store, id: &str, flags: Flags) -> Reply {
    match store.lock().components.get(id) {
        Some(c) => reply(200, &format_record(&c.record, flags, store::now_ms())),
        None => not_found_component(),
    }
}

pub(super) fn remove(store: &Store, id: &str) -> Reply {
    match store.lock().components.remove(id) {
        Some(c) => reply(
            200,
            &json!({
                "message": "deleted",
                "id": c.id(),
                "display_name": c.record.get("display_name").cloned().unwrap_or(Value::Null),
                "type": c.kind(),
            }),
        ),
        None => not_found_component(),
    }
}

fn remove_by_tag(store: &Store, tag: &str) -> Reply {
    let tag = tag.to_ascii_lowercase();
    let mut data = store.lock();
    let ids: Vec<String> = data
        .components
        .values()
        .filter(|c| has_tag(c, &tag))
        .map(|c| c.id().to_owned())
        .collect();
    if ids.is_empty() {
        return reply(
            404,
            &json!({ "statusCode": 404, "msg": "no components by tag exist", "reason": "missing", "components": [] }),
        );
    }
    let removed: Vec<Value> = ids
        .iter()
        .filter_map(|id| data.components.remove(id))
        .map(|c| {
            json!({
                "message": "deleted",
                "id": c.id(),
                "display_name": c.record.get("display_name").cloned().unwrap_or(Value::Null),
                "type": c.kind(),
            })
        })
        .collect();
    reply(200, &json!({ "removed": removed }))
}

// ------------------------------------------------------------------ schemas

fn component_id() -> Schema {
    Schema::string()
        .min_len(3)
        .max_len(64)
        .pattern(schema::is_valid_id, "regex_fail_valid_id")
}

fn http_url() -> Schema {
    Schema::string().pattern(schema::is_http_url, "regex_fail_full_url")
}

fn grpc_url() -> Schema {
    Schema::string().pattern(schema::is_grpc_url, "regex_fail_full_url")
}

fn msp_id() -> Schema {
    Schema::string()
        .pattern(schema::is_valid_msp_id, "regex_invalid_msp_id")
        .max_len(250)
        .illegal_values(&[".", ".."])
}

fn display_name() -> Schema {
    Schema::string().max_len(64)
}

fn location() -> Schema {
    Schema::string().max_len(1024).illegal_values(&["ibm_saas"])
}

fn tags() -> Schema {
    Schema::array(Schema::string().max_len(32))
        .min_len(0)
        .max_len(32)
}

fn cert_array(min: usize) -> Schema {
    Schema::array(Schema::cert()).min_len(min).max_len(100)
}

fn short_string(max: usize) -> Schema {
    Schema::string().max_len(max)
}

fn msp_crypto_field() -> Schema {
    Schema::object()
        .strict()
        .required(&["component", "tlsca"])
        .prop(
            "ca",
            Schema::object()
                .strict()
                .prop("name", Schema::string())
                .prop("root_certs", cert_array(1)),
        )
        .prop(
            "tlsca",
            Schema::object()
                .strict()
                .required(&["root_certs"])
                .prop("name", Schema::string())
                .prop("root_certs", cert_array(1)),
        )
        .prop(
            "component",
            Schema::object()
                .strict()
                .required(&["tls_cert"])
                .prop("tls_cert", Schema::cert())
                .prop("ecert", Schema::cert())
                .prop("admin_certs", cert_array(0)),
        )
}

/// Import bodies, with properties in the order of the console's OpenAPI file so that several
/// problems are listed in the console's order.
fn import_schema(kind: &str) -> Schema {
    match kind {
        CA => Schema::object()
            .strict()
            .required(&["display_name", "api_url", "msp"])
            .prop("id", component_id())
            .prop("display_name", display_name())
            .prop("location", location())
            .prop("api_url", http_url())
            .prop("migrated_from", short_string(128))
            .prop("cluster_type", short_string(32))
            .prop("console_type", short_string(32))
            .prop("operations_url", http_url())
            .prop("tags", tags())
            .prop("tls_cert", Schema::cert())
            .prop(
                "msp",
                Schema::object()
                    .strict()
                    .required(&["component", "tlsca", "ca"])
                    .prop(
                        "ca",
                        Schema::object()
                            .strict()
                            .required(&["name"])
                            .prop("name", Schema::string())
                            .prop("root_certs", cert_array(1)),
                    )
                    .prop(
                        "tlsca",
                        Schema::object()
                            .strict()
                            .required(&["name"])
                            .prop("name", Schema::string())
                            .prop("root_certs", cert_array(1)),
                    )
                    .prop(
                        "component",
                        Schema::object()
                            .strict()
                            .required(&["tls_cert"])
                            .prop("tls_cert", Schema::cert()),
                    ),
            ),
        PEER => Schema::object()
            .strict()
            .required(&["msp_id", "display_name", "grpcwp_url", "msp"])
            .prop("id", component_id())
            .prop("api_url", grpc_url())
            .prop("display_name", display_name())
            .prop("grpcwp_url", http_url())
            .prop("location", location())
            .prop("migrated_from", short_string(128))
            .prop("cluster_type", short_string(32))
            .prop("console_type", short_string(32))
            .prop("msp", msp_crypto_field())
            .prop("msp_id", msp_id())
            .prop("operations_url", http_url())
            .prop("tags", tags())
            .prop(
                "node_ou",
                Schema::object().prop("enabled", Schema::boolean()),
            ),
        ORDERER => Schema::object()
            .strict()
            .required(&[
                "msp_id",
                "cluster_name",
                "display_name",
                "grpcwp_url",
                "msp",
            ])
            .prop("api_url", grpc_url())
            .prop("cluster_id", Schema::string())
            .prop("cluster_name", short_string(64))
            .prop("id", component_id())
            .prop("display_name", display_name())
            .prop("grpcwp_url", http_url())
            .prop("osnadmin_url", http_url())
            .prop("location", location())
            .prop("migrated_from", short_string(128))
            .prop("cluster_type", short_string(32))
            .prop("console_type", short_string(32))
            .prop("msp", msp_crypto_field())
            .prop("msp_id", msp_id())
            .prop("operations_url", http_url())
            .prop("systemless", Schema::boolean())
            .prop("system_channel_id", short_string(256))
            .prop("tags", tags()),
        // MSP bodies are not checked for unknown keys: extra fields are stored as sent.
        _ => Schema::object()
            .required(&["msp_id", "display_name", "root_certs"])
            .prop("msp_id", msp_id())
            .prop("display_name", display_name())
            .prop("root_certs", cert_array(1))
            .prop("intermediate_certs", cert_array(0))
            .prop("admins", cert_array(0))
            .prop("tls_root_certs", cert_array(1))
            .prop("id", component_id()),
    }
}

const NOT_EDITABLE: [&str; 13] = [
    "resources",
    "storage",
    "zone",
    "config_override",
    "replicas",
    "version",
    "_id",
    "id",
    "_rev",
    "type",
    "cluster_id",
    "timestamp",
    "edited_timestamp",
];

fn edit_schema(kind: &str) -> Schema {
    let base = Schema::object()
        .illegal_keys(&NOT_EDITABLE)
        .prop("display_name", display_name())
        .prop("location", location())
        .prop("tags", tags());
    match kind {
        CA => base
            .strict()
            .prop("api_url", http_url())
            .prop("operations_url", http_url())
            .prop("ca_name", Schema::string()),
        PEER => base
            .strict()
            .prop("api_url", grpc_url())
            .prop("operations_url", http_url())
            .prop("grpcwp_url", http_url())
            .prop("msp", msp_crypto_field())
            .prop("msp_id", msp_id()),
        ORDERER => base
            .strict()
            .prop("cluster_name", short_string(64))
            .prop("api_url", grpc_url())
            .prop("operations_url", http_url())
            .prop("grpcwp_url", http_url())
            .prop("osnadmin_url", http_url())
            .prop("msp", msp_crypto_field())
            .prop("msp_id", msp_id())
            .prop("systemless", Schema::boolean())
            .prop("system_channel_id", short_string(256)),
        _ => base
            .prop("msp_id", msp_id())
            .prop("root_certs", cert_array(1))
            .prop("intermediate_certs", cert_array(0))
            .prop("admins", cert_array(0))
            .prop("tls_root_certs", cert_array(1)),
    }
}

/// One container's `{requests, limits}` of `{cpu, memory}` (strict).
fn container_resources() -> Schema {
    let amounts = Schema::object()
        .strict()
        .prop("cpu", Schema::string())
        .prop("memory", Schema::string());
    Schema::object()
        .strict()
        .prop("requests", amounts.clone())
        .prop("limits", amounts)
}

fn resource_schema() -> Schema {
    let entry = container_resources();
    Schema::object()
        .strict()
        .prop("peer", entry.clone())
        .prop("proxy", entry.clone())
        .prop("statedb", entry.clone())
        .prop("couchdb", entry.clone())
        .prop("chaincodelauncher", entry.clone())
        .prop("dind", entry.clone())
        .prop("fluentd", entry)
}

/// `CreateCaBody` of the console's OpenAPI file: strict at every level it documents.
fn create_ca_schema() -> Schema {
    let resource = container_resources();
    let volume = Schema::object()
        .strict()
        .prop("size", Schema::string())
        .prop("class", Schema::string());
    let enrollments = || Schema::number().range(-1.0, f64::from(i32::MAX));
    let identity = Schema::object()
        .strict()
        .required(&["name", "pass", "type"])
        .prop("name", Schema::string().min_len(4).max_len(255))
        .prop("pass", Schema::string().min_len(4).max_len(255))
        .prop(
            "type",
            Schema::string()
                .max_len(256)
                .one_of(&["client", "peer", "orderer", "user", "admin"]),
        )
        .prop("maxenrollments", enrollments())
        .prop("affiliation", Schema::string().max_len(1024))
        .prop("attrs", Schema::object());
    let registry = Schema::object()
        .strict()
        .required(&["maxenrollments", "identities"])
        .prop("maxenrollments", enrollments())
        .prop(
            "identities",
            Schema::array(identity).min_len(1).max_len(1024),
        );
    let config_ca = Schema::object()
        .strict()
        .illegal_keys(&["version", "port", "caount", "cafiles", "operations", "ldap"])
        .required(&["registry"])
        .prop("cors", Schema::object())
        .prop("debug", Schema::boolean())
        .prop("crlsizelimit", Schema::number())
        .prop("tls", Schema::object())
        .prop("ca", Schema::object())
        .prop("crl", Schema::object())
        .prop("registry", registry)
        .prop("db", Schema::object())
        .prop("affiliations", Schema::object())
        .prop("csr", Schema::object())
        .prop("idemix", Schema::object())
        .prop("BCCSP", Schema::object())
        .prop("intermediate", Schema::object())
        .prop("cfg", Schema::object())
        .prop("metrics", Schema::object())
        .prop("signing", Schema::object());
    Schema::object()
        .strict()
        .required(&["display_name", "config_override"])
        .prop("id", component_id())
        .prop("display_name", display_name())
        .prop(
            "resources",
            Schema::object()
                .strict()
                .required(&["ca"])
                .prop("ca", resource),
        )
        .prop(
            "storage",
            Schema::object()
                .strict()
                .required(&["ca"])
                .prop("ca", volume),
        )
        .prop("zone", Schema::string())
        .prop(
            "config_override",
            Schema::object()
                .strict()
                .required(&["ca"])
                .prop("ca", config_ca.clone())
                .prop("tlsca", config_ca),
        )
        .prop("migrated_from", short_string(128))
        .prop("replicas", Schema::number().range(0.0, 32.0))
        .prop("tags", tags())
        .prop(
            "hsm",
            Schema::object()
                .strict()
                .required(&["pkcs11endpoint"])
                .prop("pkcs11endpoint", http_url()),
        )
        .prop("region", Schema::string())
        .prop("version", Schema::string())
}

fn create_peer_schema() -> Schema {
    let enroll_value = || {
        Schema::string()
            .pattern(schema::is_valid_enroll_value, "regex_invalid_enroll_chars")
            .max_len(255)
    };
    let ca_host = || Schema::string().max_len(1024).known_host();
    let port = || Schema::number().range(1.0, 65536.0);
    let storage_entry = Schema::object()
        .strict()
        .prop("size", Schema::string())
        .prop("class", Schema::string());
    Schema::object()
        .strict()
        .required(&["crypto", "msp_id", "display_name"])
        .prop("id", component_id())
        .prop("msp_id", msp_id())
        .prop("display_name", display_name())
        .prop(
            "crypto",
            Schema::object()
                .strict()
                .prop(
                    "enrollment",
                    Schema::object()
                        .required(&["component", "ca", "tlsca"])
                        .prop(
                            "component",
                            Schema::object()
                                .prop("admincerts", cert_array(0))
                                .prop("admin_certs", cert_array(0)),
                        )
                        .prop(
                            "ca",
                            Schema::object()
                                .required(&[
                                    "host",
                                    "port",
                                    "name",
                                    "tls_cert",
                                    "enroll_id",
                                    "enroll_secret",
                                ])
                                .prop("host", ca_host())
                                .prop("port", port())
                                .prop("name", Schema::string())
                                .prop("tls_cert", Schema::cert())
                                .prop("enroll_id", enroll_value())
                                .prop("enroll_secret", enroll_value()),
                        )
                        .prop(
                            "tlsca",
                            Schema::object()
                                .required(&[
                                    "host",
                                    "port",
                                    "name",
                                    "tls_cert",
                                    "enroll_id",
                                    "enroll_secret",
                                ])
                                .prop("host", ca_host())
                                .prop("port", port())
                                .prop("name", Schema::string())
                                .prop("tls_cert", Schema::cert())
                                .prop("enroll_id", enroll_value())
                                .prop("enroll_secret", enroll_value())
                                .prop("csr_hosts", Schema::array(Schema::string())),
                        ),
                )
                .prop(
                    "msp",
                    Schema::object()
                        .required(&["component", "ca", "tlsca"])
                        .prop(
                            "component",
                            Schema::object()
                                .required(&["ekey", "ecert", "tls_key", "tls_cert"])
                                .prop("ekey", Schema::string())
                                .prop("ecert", Schema::cert())
                                .prop("admin_certs", cert_array(0))
                                .prop("tls_key", Schema::string())
                                .prop("tls_cert", Schema::cert())
                                .prop("client_auth", Schema::object()),
                        )
                        .prop(
                            "ca",
                            Schema::object()
                                .required(&["root_certs"])
                                .prop("root_certs", cert_array(1))
                                .prop("ca_intermediate_certs", cert_array(0)),
                        )
                        .prop(
                            "tlsca",
                            Schema::object()
                                .required(&["root_certs"])
                                .prop("root_certs", cert_array(1))
                                .prop("ca_intermediate_certs", cert_array(0)),
                        ),
                ),
        )
        .prop("config_override", Schema::object())
        .prop("migrated_from", short_string(128))
        .prop("resources", resource_schema())
        .prop(
            "storage",
            Schema::object()
                .required(&["peer"])
                .prop("peer", storage_entry.clone())
                .prop("statedb", storage_entry),
        )
        .prop("zone", Schema::string())
        .prop("state_db", Schema::string().one_of(&["couchdb", "leveldb"]))
        .prop("tags", tags())
        .prop(
            "hsm",
            Schema::object()
                .strict()
                .required(&["pkcs11endpoint"])
                .prop(
                    "pkcs11endpoint",
                    Schema::string().pattern(schema::is_any_url, "regex_fail_full_url"),
                ),
        )
        .prop("region", Schema::string())
        .prop("version", Schema::string())
}

// ------------------------------------------------------------------ records

/// `host:port` of a URL, with the scheme's default port when none is written.
fn host_port(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?.to_ascii_lowercase();
    if authority.contains(':') {
        return Some(authority);
    }
    let port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        _ => 443,
    };
    Some(format!("{authority}:{port}"))
}

fn known_ca_hosts(data: &store::Data) -> Vec<String> {
    data.components
        .values()
        .filter(|c| c.kind() == CA)
        .filter_map(|c| c.record.get("api_url").and_then(Value::as_str))
        .filter_map(host_port)
        .collect()
}

/// The console's id rules: strip to `[a-zA-Z0-9_-]`, lower-case, `c` prefix unless it starts
/// with a letter, at most 32 characters, then bump a trailing number or append `_0` until free.
fn derive_id(display_name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut id: String = display_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if id.is_empty() {
        id = format!("id2{}", store::random_string(8));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 'c');
    }
    id.truncate(32);
    for _ in 0..1000 {
        if !taken(&id) {
            return id;
        }
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            id.push_str("_0");
        } else {
            let (stem, number) = id.split_at(id.len() - digits);
            let next = number.parse::<u128>().map_or(0, |n| n.saturating_add(1));
            id = format!("{stem}{next}");
        }
    }
    format!("id2{}", store::random_string(8))
}

/// Tags lower-cased, stripped of odd characters, cut to 32, de-duplicated and sorted.
fn fmt_tags(tags: impl IntoIterator<Item = String>) -> Value {
    let mut out: Vec<String> = tags
        .into_iter()
        .map(|t| {
            t.to_lowercase()
                .chars()
                .filter(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || "-_+!@#$*?:,'".contains(*c)
                })
                .take(32)
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    json!(out)
}

fn body_tags(body: &Value) -> Vec<String> {
    body.get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn build_import_record(kind: &str, body: &Value, id: &str) -> Map<String, Value> {
    let mut record = body.as_object().cloned().unwrap_or_default();
    if kind == CA {
        // The v3 record carries the TLS certificate only under `msp.component`.
        record.remove("tls_cert");
    }
    let mut tags = body_tags(body);
    tags.push(kind.to_owned());
    record.insert("type".into(), json!(kind));
    record.insert("id".into(), json!(id));
    record.insert("tags".into(), fmt_tags(tags));
    record.insert("imported".into(), json!(true));
    record.entry("location").or_insert_with(|| json!("-"));
    record
        .entry("scheme_version")
        .or_insert_with(|| json!("v1"));
    record.insert("timestamp".into(), json!(store::now_ms()));
    match kind {
        MSP | MSP_EXTERNAL => {
            record.entry("admins").or_insert_with(|| json!([]));
            record.entry("tls_root_certs").or_insert_with(|| json!([]));
        }
        ORDERER => {
            let cluster_id = record
                .get("cluster_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| store::random_string(9));
            record.insert("cluster_id".into(), json!(cluster_id));
            record
                .entry("system_channel_id")
                .or_insert_with(|| json!("testchainid"));
            record.insert("consenter_proposal_fin".into(), json!(true));
        }
        _ => {}
    }
    record
}

/// A stored record as an `/ak/` answer shows it.
fn format_record(record: &Map<String, Value>, flags: Flags, now_ms: u64) -> Value {
    let mut doc = record.clone();
    let kind = doc
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if kind == MSP || kind == MSP_EXTERNAL {
        return Value::Object(doc);
    }
    // Secrets of a deployment are never shown.
    doc.remove("crypto");
    if !flags.deployment_attrs {
        for field in DEPLOYMENT_FIELDS {
            doc.remove(field);
        }
    }
    if let Some(Value::Object(msp)) = doc.get_mut("msp") {
        if let Some(Value::Object(component)) = msp.get_mut("component") {
            if flags.deployment_attrs {
                if kind == PEER || kind == ORDERER {
                    component.entry("admin_certs").or_insert_with(|| json!([]));
                }
            } else {
                component.remove("admin_certs");
                component.remove("ecert");
            }
        }
        if flags.parsed_certs {
            add_parsed(msp, "ca", "root_certs", now_ms);
            add_parsed(msp, "tlsca", "root_certs", now_ms);
            add_parsed(msp, "component", "tls_cert", now_ms);
            add_parsed(msp, "component", "admin_certs", now_ms);
        }
    }
    Value::Object(doc)
}

fn parse_one(value: &Value, now_ms: u64) -> Value {
    value
        .as_str()
        .and_then(certs::parse_b64_pem)
        .map_or(Value::Null, |c| c.to_json(now_ms))
}

fn add_parsed(msp: &mut Map<String, Value>, section: &str, field: &str, now_ms: u64) {
    let Some(Value::Object(section)) = msp.get_mut(section) else {
        return;
    };
    let parsed = match section.get(field) {
        Some(Value::Array(items)) => json!(items
            .iter()
            .map(|item| parse_one(item, now_ms))
            .collect::<Vec<_>>()),
        Some(single @ Value::String(_)) => parse_one(single, now_ms),
        _ => return,
    };
    section.insert(format!("{field}_parsed"), parsed);
}

// ------------------------------------------------------------------ writes

fn validation(schema: &Schema, body: &Value, data: &store::Data, is_edit: bool) -> Vec<String> {
    let hosts = known_ca_hosts(data);
    let is_known = |host_port: &str| hosts.iter().any(|h| h == host_port);
    let ctx = Context {
        body,
        is_edit,
        is_known_host: &is_known,
    };
    schema::validate(schema, body, &ctx)
}

pub(super) fn id_conflict() -> Reply {
    reply(
        409,
        &json!({
            "statusCode": 409,
            "msg": "unable to onboard component b/c of id conflict. use a different component id.",
        }),
    )
}

fn component_limit() -> Reply {
    reply(
        400,
        &json!({
            "statusCode": 400,
            "msg": ["total component limit reached. delete a component to make space for this one."],
        }),
    )
}

/// Picks the record id: an explicit one must be free (`None` when it is taken); otherwise it
/// is derived from the display name.
fn pick_id(data: &store::Data, body: &Value) -> Option<String> {
    match body.get("id").and_then(Value::as_str) {
        Some(id) if data.components.contains_key(id) => None,
        Some(id) => Some(id.to_owned()),
        None => {
            let name = body
                .get("display_name")
                .and_then(Value::as_str)
                .unwrap_or("");
            Some(derive_id(name, &|id| data.components.contains_key(id)))
        }
    }
}

fn import(store: &Store, kind: Option<&str>, body: &Value) -> Reply {
    let Some(kind) = kind.filter(|k| IMPORT_TYPES.contains(k)) else {
        return msgs(
            400,
            vec!["Expected the component 'type' to be in the body or route.".to_owned()],
        );
    };
    match import_one(store, kind, body) {
        Ok(record) => reply(200, &record),
        Err(Refusal::Invalid(errors)) => msgs(400, errors),
        Err(Refusal::Limit) => component_limit(),
        Err(Refusal::IdConflict) => id_conflict(),
    }
}

/// Why a typed import was refused.
#[derive(Debug)]
pub(super) enum Refusal {
    /// 400 with the validation messages.
    Invalid(Vec<String>),
    /// 400: the console holds `max_components`.
    Limit,
    /// 409: the explicit id is taken.
    IdConflict,
}

impl Refusal {
    /// The status and message(s) the console answers with.
    pub(super) fn status_and_messages(&self) -> (u16, Vec<String>) {
        match self {
            Refusal::Invalid(errors) => (400, errors.clone()),
            Refusal::Limit => (
                400,
                vec![
                    "total component limit reached. delete a component to make space for this one."
                        .to_owned(),
                ],
            ),
            Refusal::IdConflict => (
                409,
                vec![
                    "unable to onboard component b/c of id conflict. use a different component id."
                        .to_owned(),
                ],
            ),
        }
    }
}

/// One typed import (`kind` is one of [`IMPORT_TYPES`]): the stored record as the console
/// answers it, or why it was refused.
pub(super) fn import_one(store: &Store, kind: &str, body: &Value) -> Result<Value, Refusal> {
    let mut data = store.lock();
    let errors = validation(&import_schema(kind), body, &data, false);
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    if data.components.len() >= store.cfg.max_components {
        return Err(Refusal::Limit);
    }
    let Some(id) = pick_id(&data, body) else {
        return Err(Refusal::IdConflict);
    };
    let record = build_import_record(kind, body, &id);
    let response = format_record(&record, Flags::default(), store::now_ms());
    data.components.insert(
        id,
        Component {
            record,
            ready_at: None,
            reachable: false,
        },
    );
    Ok(response)
}

fn bulk_import(store: &Store, body: &Value) -> Reply {
    let Value::Array(entries) = body else {
        return reply(
            207,
            &json!({
                "errors": [{
                    "statusCode": 500,
                    "msg": ["invalid component type or missing component data in body. type: undefined"],
                }],
                "successes": [],
            }),
        );
    };
    let mut errors = Vec::new();
    let mut successes = Vec::new();
    let mut data = store.lock();
    for entry in entries {
        let kind = entry.get("type").and_then(Value::as_str);
        let Some(kind) = kind.filter(|k| IMPORT_TYPES.contains(k)) else {
            errors.push(json!({
                "statusCode": 500,
                "msg": [format!(
                    "invalid component type or missing component data in body. type: {}",
                    kind.unwrap_or("undefined")
                )],
            }));
            continue;
        };
        if data.components.len() >= store.cfg.max_components {
            errors.push(json!({
                "statusCode": 400,
                "msg": ["total component limit reached. delete a component to make space for this one."],
            }));
            continue;
        }
        let id = match pick_id(&data, entry) {
            Some(id) => id,
            None => {
                errors.push(json!({
                    "statusCode": 409,
                    "msg": "unable to onboard component b/c of id conflict. use a different component id.",
                }));
                continue;
            }
        };
        let record = build_import_record(kind, entry, &id);
        successes.push(format_record(&record, Flags::default(), store::now_ms()));
        data.components.insert(
            id,
            Component {
                record,
                ready_at: None,
                reachable: false,
            },
        );
    }
    let status = if errors.is_empty() { 200 } else { 207 };
    reply(status, &json!({ "errors": errors, "successes": successes }))
}

fn merge(target: &mut Map<String, Value>, changes: &Map<String, Value>) {
    for (key, value) in changes {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(incoming)) => merge(existing, incoming),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// `PUT /ak/api/v3/components/{id}` (or `/components/<type>/{id}`), §2.4: the body is checked
/// against the edit schema of the record's own type, whatever the route says. Objects are
/// merged field by field (the console keeps what a new `msp` leaves out in its internal
/// fields), everything else is replaced.
fn edit(store: &Store, id: &str, body: &Value) -> Reply {
    let mut data = store.lock();
    let Some(kind) = data.components.get(id).map(|c| c.kind().to_owned()) else {
        return not_found_component();
    };
    let errors = validation(&edit_schema(&kind), body, &data, true);
    if !errors.is_empty() {
        return msgs(400, errors);
    }
    let Some(component) = data.components.get_mut(id) else {
        return not_found_component();
    };
    if let Value::Object(changes) = body {
        merge(&mut component.record, changes);
        if changes.contains_key("tags") {
            let mut tags = body_tags(body);
            tags.push(kind.clone());
            component.record.insert("tags".into(), fmt_tags(tags));
        }
    }
    component
        .record
        .insert("edited_timestamp".into(), json!(store::now_ms()));
    // The console answers an edit with the whole record, deployment attributes included (a
    // node's `ecert` and `admin_certs`), and `message: "ok"`.
    let flags = Flags {
        deployment_attrs: true,
        parsed_certs: false,
    };
    let mut answer = format_record(&component.record, flags, store::now_ms());
    if let Value::Object(fields) = &mut answer {
        fields.insert("message".into(), json!("ok"));
    }
    reply(200, &answer)
}

/// How a console finds out whether a component is healthy.
pub(super) enum Health {
    /// Known from memory (simulated deploys and imported records).
    Known(bool),
    /// A real node: GET this URL, trusting this root, expecting this text.
    Probe {
        url: String,
        root_pem: String,
        expect: Option<&'static str>,
    },
}

/// One id of a status request.
pub(super) struct StatusItem {
    id: String,
    /// `None` for an unknown id.
    known: Option<KnownStatus>,
}

pub(super) struct KnownStatus {
    is_ca: bool,
    status_url: Value,
    include_status_resp: bool,
    pub(super) health: Health,
}

impl StatusItem {
    /// The probe to run for this id, if it is a real node.
    pub(super) fn health_mut(&mut self) -> Option<&mut Health> {
        self.known.as_mut().map(|k| &mut k.health)
    }
}

/// `POST /ak/api/v3/components/status` (reference §3.5, §9), first half: what to check for
/// each requested id. `components` is read as an object keyed by id, so an array asks for the
/// ids "0", "1", ...
pub(super) fn status_items(store: &Store, body: &Value) -> Result<Vec<StatusItem>, Box<Reply>> {
    let requested: Vec<(String, &Value)> = match body.get("components") {
        Some(Value::Object(map)) => map.iter().map(|(id, o)| (id.clone(), o)).collect(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, o)| (i.to_string(), o))
            .collect(),
        _ => {
            return Err(Box::new(msgs(
                400,
                vec!["Expected parameter 'components' to exist.".to_owned()],
            )))
        }
    };
    let data = store.lock();
    let now = Instant::now();
    Ok(requested
        .into_iter()
        .map(|(id, options)| {
            let known = data.components.get(&id).map(|c| {
                let is_ca = c.kind() == CA;
                let (url_field, suffix) = if is_ca {
                    ("api_url", "/cainfo")
                } else {
                    ("operations_url", "/healthz")
                };
                let url = c
                    .record
                    .get(url_field)
                    .and_then(Value::as_str)
                    .map(|u| format!("{u}{suffix}"));
                let health = match (data.nodes.get(&id), &url) {
                    (Some(node), Some(url)) => Health::Probe {
                        url: url.clone(),
                        root_pem: node.probe_root_pem().to_owned(),
                        expect: (!is_ca).then_some("\"OK\""),
                    },
                    _ => Health::Known(match c.ready_at {
                        Some(ready_at) => now >= ready_at,
                        None => c.reachable,
                    }),
                };
                KnownStatus {
                    is_ca,
                    status_url: url.map_or(Value::Null, Value::String),
                    include_status_resp: options.get("include_status_resp")
                        == Some(&Value::Bool(true)),
                    health,
                }
            });
            StatusItem { id, known }
        })
        .collect())
}

/// Second half: the 207 answer keyed by component id at the top level. Known ids carry
/// `status`, `status_url` and `_cache_expires_in`; an unknown id answers `{"status": null,
/// "status_url": "?", "error": "unknown component id"}`. Every probe must have been replaced by
/// its outcome.
pub(super) fn status_reply(items: Vec<StatusItem>) -> Reply {
    // What a console reports for a fresh entry; this server keeps no status cache.
    const CACHE_EXPIRES_IN: &str = "1.4 mins";
    let mut out = Map::new();
    for item in items {
        let entry = match item.known {
            None => {
                json!({ "status": Value::Null, "status_url": "?", "error": "unknown component id" })
            }
            Some(known) => {
                let healthy = matches!(known.health, Health::Known(true));
                let mut entry = json!({
                    "status": if healthy { "ok" } else { "not ok" },
                    "status_url": known.status_url,
                    "_cache_expires_in": CACHE_EXPIRES_IN,
                });
                if known.include_status_resp {
                    entry["status_resp"] = if healthy {
                        if known.is_ca {
                            json!({ "result": { "CAName": "ca", "Version": "1.5.7" }, "success": true })
                        } else {
                            json!({ "status": "OK" })
                        }
                    } else {
                        json!({ "statusCode": 503, "error": "unreachable" })
                    };
                }
                entry
            }
        };
        out.insert(item.id, entry);
    }
    reply(207, &Value::Object(out))
}

fn versions(store: &Store) -> Reply {
    let table = |list: &[String]| {
        let mut map = Map::new();
        for (i, version) in list.iter().enumerate() {
            map.insert(
                version.clone(),
                json!({ "default": i == 0, "version": version, "image": {} }),
            );
        }
        Value::Object(map)
    };
    reply(
        200,
        &json!({
            "versions": {
                "peer": table(&store.cfg.peer_versions),
                "orderer": table(&store.cfg.peer_versions),
                "ca": table(&[CA_VERSION.to_owned()]),
            }
        }),
    )
}

/// Root certificates a deployer would enroll against: those of the imported CA at `host:port`.
fn ca_roots(data: &store::Data, host: &str, port: &Value, section: &str) -> Option<Value> {
    let port = match port {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let wanted = format!("{host}:{port}").to_ascii_lowercase();
    data.components
        .values()
        .filter(|c| c.kind() == CA)
        .find(|c| {
            c.record
                .get("api_url")
                .and_then(Value::as_str)
                .and_then(host_port)
                .as_deref()
                == Some(wanted.as_str())
        })
        .and_then(|c| {
            c.record
                .get("msp")?
                .get(section)?
                .get("root_certs")
                .cloned()
        })
}

fn node_host(id: &str, console: &str, role: &str) -> String {
    let console: String = console
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{id}-{role}.{console}.containers.invalid")
}

/// Validates a create-peer body and picks its id, or the console's refusal.
pub(super) fn check_create_peer(
    store: &Store,
    data: &store::Data,
    body: &Value,
) -> Result<String, Box<Reply>> {
    let mut errors = validation(&create_peer_schema(), body, data, false);
    let crypto = body.get("crypto");
    let enrollment = crypto.and_then(|c| c.get("enrollment"));
    let own_msp = crypto.and_then(|c| c.get("msp"));
    match (enrollment, own_msp) {
        (Some(_), Some(_)) => errors.push(
            "Parameter 'crypto.enrollment' is incompatible with parameter 'crypto.msp'. Only one of these fields can exist."
                .to_owned(),
        ),
        (None, None) if matches!(crypto, Some(Value::Object(_))) => {
            errors.push("Expected parameter 'crypto.enrollment' to exist.".to_owned());
        }
        _ => {}
    }
    if let Some(version) = body.get("version").and_then(Value::as_str) {
        if !store.cfg.peer_versions.iter().any(|v| v == version) {
            errors.push(format!(
                "Expected parameter 'version' to be one of these values: '{}'.",
                store.cfg.peer_versions.join("', '")
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Box::new(msgs(400, errors)));
    }
    if data.components.len() >= store.cfg.max_components {
        return Err(Box::new(component_limit()));
    }
    pick_id(data, body).ok_or_else(|| Box::new(id_conflict()))
}

/// Where a created node answers.
pub(super) struct NodeUrls {
    /// `grpcs://host:port` (peers) or `https://host:port` (CAs).
    pub(super) api_url: String,
    /// The operations endpoint.
    pub(super) operations_url: String,
    /// The grpc-web proxy (peers only).
    pub(super) grpcwp_url: Option<String>,
}

/// The admin certificates a create-peer body's `crypto.enrollment` carries (either spelling).
pub(super) fn enrollment_admin_certs(enrollment: &Value) -> Value {
    enrollment["component"]
        .get("admin_certs")
        .or_else(|| enrollment["component"].get("admincerts"))
        .cloned()
        .unwrap_or_else(|| json!([]))
}

/// The stored record of a created peer with its URLs and `msp` section.
pub(super) fn created_peer_record(
    store: &Store,
    id: &str,
    body: &Value,
    urls: NodeUrls,
    msp: Value,
) -> Map<String, Value> {
    let default_version = store.cfg.peer_versions.first().cloned().unwrap_or_default();
    let mut tags = body_tags(body);
    tags.extend([PEER.to_owned(), "ibm_saas".to_owned()]);
    let mut record = Map::new();
    record.insert("id".into(), json!(id));
    record.insert("dep_component_id".into(), json!(id));
    record.insert("type".into(), json!(PEER));
    record.insert("display_name".into(), body["display_name"].clone());
    record.insert("msp_id".into(), body["msp_id"].clone());
    record.insert("location".into(), json!("ibm_saas"));
    record.insert("api_url".into(), json!(urls.api_url));
    record.insert("operations_url".into(), json!(urls.operations_url));
    if let Some(grpcwp_url) = urls.grpcwp_url {
        record.insert("grpcwp_url".into(), json!(grpcwp_url));
    }
    record.insert("msp".into(), msp);
    record.insert("node_ou".into(), json!({ "enabled": true }));
    record.insert(
        "version".into(),
        body.get("version")
            .cloned()
            .unwrap_or(json!(default_version)),
    );
    record.insert(
        "state_db".into(),
        body.get("state_db").cloned().unwrap_or(json!("couchdb")),
    );
    record.insert(
        "resources".into(),
        body.get("resources").cloned().unwrap_or_else(|| {
            json!({
                "peer": { "requests": { "cpu": "200m", "memory": "400Mi" }, "limits": { "cpu": "200m", "memory": "400Mi" } },
                "proxy": { "requests": { "cpu": "100m", "memory": "200Mi" }, "limits": { "cpu": "100m", "memory": "200Mi" } },
                "statedb": { "requests": { "cpu": "200m", "memory": "400Mi" }, "limits": { "cpu": "200m", "memory": "400Mi" } },
                "chaincodelauncher": { "requests": { "cpu": "200m", "memory": "400Mi" }, "limits": { "cpu": "200m", "memory": "400Mi" } },
            })
        }),
    );
    record.insert(
        "storage".into(),
        body.get("storage").cloned().unwrap_or_else(|| {
            json!({ "peer": { "size": "100Gi", "class": "default" }, "statedb": { "size": "100Gi", "class": "default" } })
        }),
    );
    for field in ["zone", "region", "config_override", "hsm", "migrated_from"] {
        if let Some(value) = body.get(field) {
            record.insert(field.into(), value.clone());
        }
    }
    record.insert("tags".into(), fmt_tags(tags));
    record.insert("scheme_version".into(), json!("v1"));
    record.insert("timestamp".into(), json!(store::now_ms()));
    record
}

/// Stores a created component and answers with its record (as `deployment_attrs=included`).
pub(super) fn store_created(
    data: &mut store::Data,
    id: String,
    record: Map<String, Value>,
    ready_at: Option<Instant>,
) -> Reply {
    let flags = Flags {
        deployment_attrs: true,
        parsed_certs: false,
    };
    let response = format_record(&record, flags, store::now_ms());
    data.components.insert(
        id,
        Component {
            record,
            ready_at,
            reachable: false,
        },
    );
    reply(200, &response)
}

/// Creates a peer without a deployer behind it: a record whose URLs lead nowhere and whose
/// certificates are throwaway ones, "running" `deploy_delay` after the request.
fn create_peer(store: &Store, body: &Value) -> Reply {
    let mut data = store.lock();
    let id = match check_create_peer(store, &data, body) {
        Ok(id) => id,
        Err(refusal) => return *refusal,
    };
    let crypto = &body["crypto"];
    let msp = if let Some(enrollment) = crypto.get("enrollment") {
        let mut ca = json!({ "name": enrollment["ca"]["name"] });
        if let Some(roots) = ca_roots(
            &data,
            enrollment["ca"]["host"].as_str().unwrap_or(""),
            &enrollment["ca"]["port"],
            "ca",
        ) {
            ca["root_certs"] = roots;
        }
        let mut tlsca = json!({ "name": enrollment["tlsca"]["name"] });
        if let Some(roots) = ca_roots(
            &data,
            enrollment["tlsca"]["host"].as_str().unwrap_or(""),
            &enrollment["tlsca"]["port"],
            "tlsca",
        ) {
            tlsca["root_certs"] = roots;
        }
        let certs = (
            crate::tls::throwaway_cert_b64(&format!("{id} tls")),
            crate::tls::throwaway_cert_b64(&format!("{id} enrollment")),
        );
        let (Ok(tls_cert), Ok(ecert)) = certs else {
            return reply(
                500,
                &json!({ "statusCode": 500, "msg": "unable to create test certificates" }),
            );
        };
        json!({
            "ca": ca,
            "tlsca": tlsca,
            "component": { "tls_cert": tls_cert, "ecert": ecert, "admin_certs": enrollment_admin_certs(enrollment) },
        })
    } else {
        let own = crypto.get("msp").cloned().unwrap_or_else(|| json!({}));
        let mut component = json!({
            "tls_cert": own["component"]["tls_cert"],
            "ecert": own["component"]["ecert"],
            "admin_certs": own["component"].get("admin_certs").cloned().unwrap_or_else(|| json!([])),
        });
        if let Some(component) = component.as_object_mut() {
            component.retain(|_, v| !v.is_null());
        }
        json!({
            "ca": { "root_certs": own["ca"]["root_certs"] },
            "tlsca": { "root_certs": own["tlsca"]["root_certs"] },
            "component": component,
        })
    };
    let peer_host = node_host(&id, &store.cfg.name, "peer");
    let proxy_host = node_host(&id, &store.cfg.name, "proxy");
    let urls = NodeUrls {
        api_url: format!("grpcs://{peer_host}:7051"),
        operations_url: format!("https://{peer_host}:9443"),
        grpcwp_url: Some(format!("https://{proxy_host}:443")),
    };
    let record = created_peer_record(store, &id, body, urls, msp);
    let ready_at = Some(Instant::now() + store.cfg.deploy_delay);
    store_created(&mut data, id, record, ready_at)
}

/// What a create-CA body asks for, once valid.
pub(super) struct CaRequest {
    /// The component id.
    pub(super) id: String,
    /// Its display name.
    pub(super) display_name: String,
    /// An organization name for the CA's certificates.
    pub(super) org: String,
    /// The bootstrap registrar: the first registry identity.
    pub(super) bootstrap: crate::ca::RegistryIdentity,
    /// The other registry identities.
    pub(super) others: Vec<crate::ca::RegistryIdentity>,
}

/// Validates a create-CA body and picks its id, or the console's refusal.
pub(super) fn check_create_ca(
    store: &Store,
    data: &store::Data,
    body: &Value,
) -> Result<CaRequest, Box<Reply>> {
    let mut errors = validation(&create_ca_schema(), body, data, false);
    if let Some(version) = body.get("version").and_then(Value::as_str) {
        if version != CA_VERSION {
            errors.push(format!(
                "Expected parameter 'version' to be one of these values: '{CA_VERSION}'."
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Box::new(msgs(400, errors)));
    }
    if data.components.len() >= store.cfg.max_components {
        return Err(Box::new(component_limit()));
    }
    let id = pick_id(data, body).ok_or_else(|| Box::new(id_conflict()))?;
    let identities: Vec<crate::ca::RegistryIdentity> = body["config_override"]["ca"]["registry"]
        ["identities"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|i| crate::ca::RegistryIdentity {
                    name: i["name"].as_str().unwrap_or_default().to_owned(),
                    pass: i["pass"].as_str().unwrap_or_default().to_owned(),
                    kind: i["type"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let Some((bootstrap, others)) = identities.split_first() else {
        return Err(Box::new(msgs(
            400,
            vec![
                "Expected parameter 'config_override.ca.registry.identities' to exist.".to_owned(),
            ],
        )));
    };
    let display_name = body["display_name"].as_str().unwrap_or_default().to_owned();
    let org: String = display_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    Ok(CaRequest {
        org: if org.trim().is_empty() {
            id.clone()
        } else {
            org
        },
        id,
        display_name,
        bootstrap: bootstrap.clone(),
        others: others.to_vec(),
    })
}

/// The stored record of a created CA.
pub(super) fn created_ca_record(
    request: &CaRequest,
    body: &Value,
    urls: NodeUrls,
    msp: Value,
) -> Map<String, Value> {
    let id = &request.id;
    let mut tags = body_tags(body);
    tags.extend([CA.to_owned(), "ibm_saas".to_owned()]);
    let mut record = Map::new();
    record.insert("id".into(), json!(id));
    record.insert("dep_component_id".into(), json!(id.replace(['_', '-'], "")));
    record.insert("type".into(), json!(CA));
    record.insert("display_name".into(), json!(request.display_name));
    record.insert("location".into(), json!("ibm_saas"));
    record.insert("api_url".into(), json!(urls.api_url));
    record.insert("operations_url".into(), json!(urls.operations_url));
    record.insert("msp".into(), msp);
    record.insert(
        "version".into(),
        body.get("version").cloned().unwrap_or(json!(CA_VERSION)),
    );
    record.insert(
        "resources".into(),
        body.get("resources").cloned().unwrap_or_else(|| {
            json!({ "ca": { "requests": { "cpu": "100m", "memory": "200M" }, "limits": { "cpu": "100m", "memory": "200M" } } })
        }),
    );
    record.insert(
        "storage".into(),
        body.get("storage")
            .cloned()
            .unwrap_or_else(|| json!({ "ca": { "size": "20Gi", "class": "default" } })),
    );
    for field in ["zone", "region", "hsm", "migrated_from"] {
        if let Some(value) = body.get(field) {
            record.insert(field.into(), value.clone());
        }
    }
    record.insert("tags".into(), fmt_tags(tags));
    record.insert("scheme_version".into(), json!("v1"));
    record.insert("timestamp".into(), json!(store::now_ms()));
    record
}

/// Creates a CA without real Fabric behind the deployer: an in-memory [`crate::ca::TestCa`]
/// (enrollment CA `ca` and TLS CA `tlsca`) whose registry is the body's
/// `config_override.ca.registry.identities` (the first one is the bootstrap registrar), "ok"
/// `deploy_delay` after the request.
fn create_ca(store: &Store, body: &Value) -> Reply {
    let mut data = store.lock();
    let request = match check_create_ca(store, &data, body) {
        Ok(request) => request,
        Err(refusal) => return *refusal,
    };
    let config = crate::ca::TestCaConfig {
        org: request.org.clone(),
        bootstrap: (
            request.bootstrap.name.clone(),
            request.bootstrap.pass.clone(),
        ),
        identities: request.others.clone(),
        version: "1.5.7".to_owned(),
        ..crate::ca::TestCaConfig::default()
    };
    let server = match crate::ca::TestCa::start_in_current_runtime(config) {
        Ok(server) => server,
        Err(e) => {
            return reply(
                500,
                &json!({ "statusCode": 500, "msg": format!("the deployer could not start the CA: {e}") }),
            )
        }
    };
    let root = |name: &str| server.ca_root_pem(name).map(|pem| STANDARD.encode(pem));
    let msp = json!({
        "ca": { "name": "ca", "root_certs": [root("ca")] },
        "tlsca": { "name": "tlsca", "root_certs": [root("tlsca")] },
        "component": { "tls_cert": STANDARD.encode(server.tls_cert_pem()) },
    });
    let urls = NodeUrls {
        api_url: server.url(),
        operations_url: server.url(),
        grpcwp_url: None,
    };
    let record = created_ca_record(&request, body, urls, msp);
    data.ca_servers.insert(request.id.clone(), server);
    let ready_at = Some(Instant::now() + store.cfg.deploy_delay);
    store_created(&mut data, request.id, record, ready_at)
}

// ------------------------------------------------------------------ API keys

fn create_key(store: &Store, body: &Value) -> Reply {
    let roles: Option<Vec<String>> = match body.get("roles") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|r| {
                r.as_str()
                    .map(str::to_lowercase)
                    .filter(|r| ROLES.contains(&r.as_str()))
            })
            .collect(),
        Some(_) => None,
    };
    let message = match &roles {
        None => Some(format!(
            "invalid roles for api key. valid roles: {}",
            json!(ROLES)
        )),
        Some(roles) if roles.is_empty() => Some("must have at least 1 role for key.".to_owned()),
        Some(_) => None,
    };
    if let Some(message) = message {
        return reply(400, &json!({ "statusCode": 400, "msg": [message] }));
    }
    let roles = roles.unwrap_or_default();
    let role_refs: Vec<&str> = roles.iter().map(String::as_str).collect();
    let description = body
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .unwrap_or("-");
    let (api_key, api_secret) = store.add_key(&role_refs, description);
    reply(
        200,
        &json!({ "api_key": api_key, "api_secret": api_secret, "roles": roles, "message": "ok" }),
    )
}

fn list_keys(store: &Store) -> Reply {
    let keys: Vec<Value> = store
        .lock()
        .keys
        .iter()
        .map(|(key, k)| {
            json!({
                "api_key": key,
                "roles": k.roles,
                "ts_created": k.created_ms,
                "description": k.description,
            })
        })
        .collect();
    reply(200, &json!({ "message": "ok", "keys": keys }))
}

fn delete_key(store: &Store, key: &str) -> Reply {
    match store.lock().keys.remove(key) {
        Some(_) => reply(200, &json!({ "message": "ok", "deleted": key })),
        None => reply(
            404,
            &json!({ "statusCode": 404, "msg": "api key not found", "reason": "missing" }),
        ),
    }
}
