//! What the console sends back: component records, settings, keys, versions, status.
//!
//! Reading is lenient on purpose: real consoles add fields between versions, so every record
//! keeps the fields it does not name in `extra`, and only `id` and `type` are required.

use std::collections::BTreeMap;

use fabric_ha_sensitive::Sensitive;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The component types this client imports (the last segment of
/// `POST /ak/api/v3/components/<type>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComponentType {
    /// `fabric-ca`
    #[serde(rename = "fabric-ca")]
    Ca,
    /// `msp`
    #[serde(rename = "msp")]
    Msp,
    /// `fabric-peer`
    #[serde(rename = "fabric-peer")]
    Peer,
    /// `fabric-orderer` (one ordering node)
    #[serde(rename = "fabric-orderer")]
    Orderer,
}

impl ComponentType {
    /// The console's spelling, as used in routes and in the record's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ca => "fabric-ca",
            Self::Msp => "msp",
            Self::Peer => "fabric-peer",
            Self::Orderer => "fabric-orderer",
        }
    }

    /// Parses the console's spelling; `msp-external` counts as an MSP.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fabric-ca" => Some(Self::Ca),
            "msp" | "msp-external" => Some(Self::Msp),
            "fabric-peer" => Some(Self::Peer),
            "fabric-orderer" => Some(Self::Orderer),
            _ => None,
        }
    }
}

/// Query options of the component GET routes (§2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ComponentQuery {
    /// `deployment_attrs=included`: k8s fields, and a node's `admin_certs`/`ecert` (§9).
    pub deployment_attrs: bool,
    /// `parsed_certs=included`: `*_parsed` objects.
    pub parsed_certs: bool,
    /// `cache=skip`: bypass the console's in-memory cache (use right after writes).
    pub skip_cache: bool,
}

impl ComponentQuery {
    /// Everything the console can add, fresh from its database.
    pub fn full() -> Self {
        Self {
            deployment_attrs: true,
            parsed_certs: true,
            skip_cache: true,
        }
    }

    /// The query string, with a leading `?`, or empty.
    pub(crate) fn to_query(self) -> String {
        let mut parts = Vec::new();
        if self.deployment_attrs {
            parts.push("deployment_attrs=included");
        }
        if self.parsed_certs {
            parts.push("parsed_certs=included");
        }
        if self.skip_cache {
            parts.push("cache=skip");
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A CA reference inside a record's `msp` object (`msp.ca`, `msp.tlsca`, intermediates).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MspCaRef {
    /// CAName (`ca`, `tlsca`), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// b64pem root certificates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub root_certs: Vec<String>,
    /// Fields this client does not name.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `msp.component` of a record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MspComponentCerts {
    /// b64pem TLS certificate of the node or CA server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<String>,
    /// b64pem enrollment certificate (nodes; only with `deployment_attrs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecert: Option<String>,
    /// b64pem admin certificates (nodes; only with `deployment_attrs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_certs: Option<Vec<String>>,
    /// Fields this client does not name (`*_parsed`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `msp` object of a v3 CA, peer or orderer record (§2.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComponentMsp {
    /// Enrollment CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<MspCaRef>,
    /// TLS CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlsca: Option<MspCaRef>,
    /// The component's own certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<MspComponentCerts>,
    /// Intermediate enrollment CA, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_ca: Option<MspCaRef>,
    /// Intermediate TLS CA, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_tlsca: Option<MspCaRef>,
    /// Fields this client does not name.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `node_ou` of a peer or orderer record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeOu {
    /// Node OUs enabled.
    #[serde(default)]
    pub enabled: bool,
    /// Fields this client does not name.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One component record as the console returns it (§2.2, §2.6): CA, peer and orderer records
/// carry `msp`, MSP records are flat (`msp_id`, `root_certs`, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Console id (`org1peer2`).
    pub id: String,
    /// `fabric-ca`, `fabric-peer`, `fabric-orderer`, `msp`, `msp-external`.
    #[serde(rename = "type")]
    pub component_type: String,
    /// Tile title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// MSP id (nodes and MSPs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msp_id: Option<String>,
    /// `grpcs://host:port` for nodes, `https://host:port` for CAs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Operations (health/metrics) URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operations_url: Option<String>,
    /// gRPC-web proxy URL of a node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpcwp_url: Option<String>,
    /// `ibm_saas` when this console created the component; anything else means imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Certificates of a CA, peer or orderer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msp: Option<ComponentMsp>,
    /// Node OU setting of a peer or orderer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_ou: Option<NodeOu>,
    /// MSP record: b64pem root certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_certs: Option<Vec<String>>,
    /// MSP record: b64pem TLS root certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_root_certs: Option<Vec<String>>,
    /// MSP record: b64pem admin certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admins: Option<Vec<String>>,
    /// Tags (lower case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Every other field the console sent (`timestamp`, `scheme_version`, `imported`,
    /// `cluster_id`, `version`, `resources`, `*_parsed`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Component {
    /// The record's type, when it is one this client knows.
    pub fn kind(&self) -> Option<ComponentType> {
        ComponentType::parse(&self.component_type)
    }

    /// True unless this console created (deployed) the component (`location == "ibm_saas"`).
    pub fn is_imported(&self) -> bool {
        self.location.as_deref() != Some("ibm_saas")
    }
}

/// `{"components": [...]}` of the list routes (HTTP 200, or 222 when empty).
#[derive(Debug, Deserialize)]
pub(crate) struct ComponentList {
    #[serde(default)]
    pub components: Vec<Component>,
}

/// The answer to `DELETE /ak/api/v3/components/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    /// `deleted`.
    #[serde(default)]
    pub message: String,
    /// The removed record's id.
    #[serde(default)]
    pub id: String,
    /// The removed record's tile title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The removed record's type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub component_type: Option<String>,
}

/// `FEATURE_FLAGS` of the public settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureFlags {
    /// No deployer: create calls answer 503.
    #[serde(default)]
    pub import_only_enabled: bool,
    /// The other flags.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /ak/api/v3/settings` (no auth; §1.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicSettings {
    /// `couchdb`, `oauth`, `iam`, ...
    #[serde(rename = "AUTH_SCHEME")]
    pub auth_scheme: String,
    /// The console's own URL.
    #[serde(rename = "HOST_URL", default, skip_serializing_if = "Option::is_none")]
    pub host_url: Option<String>,
    /// The console's configtxlator.
    #[serde(
        rename = "CONFIGTXLATOR_URL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub configtxlator_url: Option<String>,
    /// Feature flags (`import_only_enabled`, ...).
    #[serde(rename = "FEATURE_FLAGS", default)]
    pub feature_flags: FeatureFlags,
    /// Every other setting (`CLUSTER_DATA`, `INFRASTRUCTURE`, `MAX_REQ_PER_MIN_AK`,
    /// `VERSIONS`, `TIMEOUTS`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PublicSettings {
    /// True when the console has no deployer and can only import.
    pub fn is_import_only(&self) -> bool {
        self.feature_flags.import_only_enabled
    }

    /// The console's release, from `VERSIONS.tag` (or `VERSIONS.athena`, or a plain
    /// `VERSION`), when it says.
    pub fn version(&self) -> Option<String> {
        let text = |v: &Value| match v {
            Value::String(s) if !s.is_empty() && s != "?" => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        if let Some(Value::Object(versions)) = self.extra.get("VERSIONS") {
            for key in ["tag", "athena"] {
                if let Some(v) = versions.get(key).and_then(text) {
                    return Some(v);
                }
            }
        }
        self.extra.get("VERSION").and_then(text)
    }

    /// `MAX_REQ_PER_MIN_AK`: write requests per minute allowed on `/ak/` routes, when a
    /// number.
    pub fn max_req_per_min_ak(&self) -> Option<u64> {
        match self.extra.get("MAX_REQ_PER_MIN_AK")? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

/// A role of a console API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiRole {
    /// View everything.
    Reader,
    /// Import, edit and remove imported components.
    Writer,
    /// Create and delete deployed components, manage keys.
    Manager,
}

/// One entry of `GET /ak/api/v3/permissions/keys` (the secret is never returned).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    /// The key (the basic-auth user name).
    pub api_key: String,
    /// Its roles.
    #[serde(default)]
    pub roles: Vec<ApiRole>,
    /// Free text given at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Creation time (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_created: Option<i64>,
    /// Fields this client does not name.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"keys": [...]}` of the key list route.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiKeyList {
    #[serde(default)]
    pub keys: Vec<ApiKeyInfo>,
}

/// A freshly created API key. The secret is shown once by the console; store it at once.
#[derive(Debug, Deserialize)]
pub struct NewApiKey {
    /// The key.
    pub api_key: String,
    /// The secret (never printed, never serialized).
    pub api_secret: Sensitive<String>,
    /// The roles granted.
    #[serde(default)]
    pub roles: Vec<ApiRole>,
}

/// One version offered by `GET /ak/api/v3/kubernetes/fabric/versions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FabricVersion {
    /// The value to send as `version` when creating.
    pub version: String,
    /// The deployer's default for this component type.
    #[serde(default)]
    pub default: bool,
    /// Fields this client does not name (`image`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The Fabric versions a console's deployer can run, per component type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FabricVersions {
    /// Peer versions, keyed by version string.
    #[serde(default)]
    pub peer: BTreeMap<String, FabricVersion>,
    /// CA versions.
    #[serde(default)]
    pub ca: BTreeMap<String, FabricVersion>,
    /// Orderer versions.
    #[serde(default)]
    pub orderer: BTreeMap<String, FabricVersion>,
}

impl FabricVersions {
    /// The peer version marked default, else the highest one listed.
    pub fn default_peer_version(&self) -> Option<&str> {
        self.peer
            .values()
            .find(|v| v.default)
            .or_else(|| self.peer.values().last())
            .map(|v| v.version.as_str())
    }
}

/// `{"versions": {...}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct FabricVersionsAnswer {
    pub versions: FabricVersions,
}

/// The console's health verdict for one component (`POST /ak/api/v3/components/status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// The console got 2xx/3xx from the node's `/healthz` (or the CA's `/cainfo`).
    Ok,
    /// It did not.
    NotOk,
    /// The console does not know the id.
    Unknown,
}

/// One entry of the status answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentStatus {
    /// The verdict.
    pub health: Health,
    /// The whole entry as sent (`status_url`, `_cache_expires_in`, `status_resp`, `error`, ...);
    /// `null` when the answer had no entry for the id.
    pub raw: Value,
}

impl ComponentStatus {
    /// One entry: `"status": "ok"` is [`Health::Ok`], any other string [`Health::NotOk`], and a
    /// `null` or missing status (an unknown id: `{"status": null, "status_url": "?", "error":
    /// "unknown component id"}`) or an entry that is not an object [`Health::Unknown`].
    pub(crate) fn from_entry(raw: Value) -> Self {
        let health = match raw.get("status").and_then(Value::as_str) {
            Some(s) if s.trim().eq_ignore_ascii_case("ok") => Health::Ok,
            Some(_) => Health::NotOk,
            None => Health::Unknown,
        };
        Self { health, raw }
    }

    /// The whole answer of `POST /ak/api/v3/components/status` (reference §3.5, §9): an object
    /// keyed by component id at the top level, with no `components` wrapper. Returns one entry
    /// per requested id, in the order asked; keys that were not asked for are ignored and an id
    /// the answer leaves out is [`Health::Unknown`]. `Err` when the answer is not an object.
    pub(crate) fn from_answer(ids: &[&str], answer: &Value) -> Result<Vec<(String, Self)>, String> {
        let entries = answer
            .as_object()
            .ok_or_else(|| "the status answer is not an object keyed by component id".to_owned())?;
        Ok(ids
            .iter()
            .map(|id| {
                let raw = entries.get(*id).cloned().unwrap_or(Value::Null);
                ((*id).to_owned(), Self::from_entry(raw))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn peer_record_keeps_unknown_fields() {
        let v = json!({
            "id": "org1peer2", "type": "fabric-peer", "display_name": "Org1 Peer 2",
            "msp_id": "org1msp", "api_url": "grpcs://peer2.example.com:443",
            "location": "ibm_saas", "node_ou": {"enabled": true},
            "msp": {"ca": {"name": "ca", "root_certs": ["A"]}, "tlsca": {"root_certs": ["B"]},
                    "component": {"tls_cert": "C", "tls_cert_parsed": {"x": 1}}},
            "scheme_version": "v1", "timestamp": 1700000000000u64, "brand_new": [1, 2]
        });
        let c: Component = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(c.kind(), Some(ComponentType::Peer));
        assert!(!c.is_imported());
        assert_eq!(c.extra["brand_new"], json!([1, 2]));
        let msp = c.msp.as_ref().unwrap();
        assert_eq!(
            msp.component.as_ref().unwrap().extra["tls_cert_parsed"],
            json!({"x": 1})
        );
        // Nothing is lost on the way back.
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
    }

    #[test]
    fn msp_record_is_flat() {
        let c: Component = serde_json::from_value(json!({
            "id": "org1msp", "type": "msp", "msp_id": "org1msp", "display_name": "Org1 MSP",
            "root_certs": ["A"], "admins": [], "location": "-", "imported": true
        }))
        .unwrap();
        assert_eq!(c.kind(), Some(ComponentType::Msp));
        assert!(c.is_imported());
        assert_eq!(c.root_certs.as_deref(), Some(&["A".to_owned()][..]));
    }

    #[test]
    fn settings_read_leniently() {
        let s: PublicSettings = serde_json::from_value(json!({
            "AUTH_SCHEME": "couchdb",
            "FEATURE_FLAGS": {"import_only_enabled": true, "other": 1},
            "MAX_REQ_PER_MIN_AK": 25,
            "VERSIONS": {"athena": "1.0.9", "tag": "v1.0.9-7"},
            "CLUSTER_DATA": {"type": "paid", "zones": []}
        }))
        .unwrap();
        assert!(s.is_import_only());
        assert_eq!(s.version().as_deref(), Some("v1.0.9-7"));
        assert_eq!(s.max_req_per_min_ak(), Some(25));
        let s: PublicSettings = serde_json::from_value(json!({"AUTH_SCHEME": "iam"})).unwrap();
        assert!(!s.is_import_only());
        assert_eq!(s.version(), None);
        assert!(serde_json::from_value::<PublicSettings>(json!({"hello": 1})).is_err());
    }

    #[test]
    fn query_strings() {
        assert_eq!(ComponentQuery::default().to_query(), "");
        assert_eq!(
            ComponentQuery::full().to_query(),
            "?deployment_attrs=included&parsed_certs=included&cache=skip"
        );
    }

    #[test]
    fn new_key_secret_is_redacted() {
        let k: NewApiKey = serde_json::from_value(json!({
            "api_key": "k", "api_secret": "canary-secret", "roles": ["reader", "writer", "manager"], "message": "ok"
        }))
        .unwrap();
        assert!(!format!("{k:?}").contains("canary-secret"));
        assert_eq!(k.api_secret.expose(), "canary-secret");
        assert_eq!(k.roles.len(), 3);
    }

    #[test]
    fn versions_default() {
        let a: FabricVersionsAnswer = serde_json::from_value(json!({"versions": {"peer": {
            "2.5.4-1": {"default": true, "version": "2.5.4-1", "image": {}},
            "2.5.9-0": {"version": "2.5.9-0"}
        }, "ca": {}, "orderer": {}}}))
        .unwrap();
        assert_eq!(a.versions.default_peer_version(), Some("2.5.4-1"));
    }

    #[test]
    fn status_entries() {
        assert_eq!(
            ComponentStatus::from_entry(json!({"status": "ok"})).health,
            Health::Ok
        );
        assert_eq!(
            ComponentStatus::from_entry(json!({"status": "not ok"})).health,
            Health::NotOk
        );
        assert_eq!(
            ComponentStatus::from_entry(json!({"status": null})).health,
            Health::Unknown
        );
        assert_eq!(
            ComponentStatus::from_entry(
                json!({"status": null, "status_url": "?", "error": "unknown component id"})
            )
            .health,
            Health::Unknown
        );
        assert_eq!(
            ComponentStatus::from_entry(Value::Null).health,
            Health::Unknown
        );
    }

    /// The answer a live console gave (reference §3.5, §9), verbatim: keyed by id at the top
    /// level, `_cache_expires_in` on known ids, the unknown-id entry with its `error`.
    #[test]
    fn a_real_console_status_answer_parses() {
        let answer: Value = serde_json::from_str(
            r#"{"org1peer0":{"status":"ok","status_url":"https://peer0.org1.example.com:9443/healthz","_cache_expires_in":"1.4 mins"},"org1ca":{"status":"not ok","status_url":"https://127.0.0.1:7054/cainfo","_cache_expires_in":"1.4 mins"},"ghost":{"status":null,"status_url":"?","error":"unknown component id"}}"#,
        )
        .unwrap();
        let parsed =
            ComponentStatus::from_answer(&["org1peer0", "org1ca", "ghost"], &answer).unwrap();
        let health: Vec<(&str, Health)> = parsed
            .iter()
            .map(|(id, s)| (id.as_str(), s.health))
            .collect();
        assert_eq!(
            health,
            [
                ("org1peer0", Health::Ok),
                ("org1ca", Health::NotOk),
                ("ghost", Health::Unknown)
            ]
        );
        assert_eq!(parsed[0].1.raw["_cache_expires_in"], "1.4 mins");
        assert_eq!(parsed[2].1.raw["error"], "unknown component id");
    }

    #[test]
    fn status_answers_tolerate_extra_keys_and_missing_ids() {
        let answer = json!({
            "org1peer0": {"status": "ok", "status_url": "https://p:9443/healthz",
                          "_cache_expires_in": "1.4 mins", "status_resp": {"status": "OK"},
                          "something_new": [1, 2]},
            "not_asked": {"status": "ok"},
            "msg": "a key no id has"
        });
        let parsed = ComponentStatus::from_answer(&["org1peer0", "org1peer9"], &answer).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].1.health, Health::Ok);
        assert_eq!(parsed[0].1.raw["status_resp"]["status"], "OK");
        assert_eq!(
            parsed[1],
            (
                "org1peer9".to_owned(),
                ComponentStatus {
                    health: Health::Unknown,
                    raw: Value::Null
                }
            )
        );
        // The old, wrong shape says nothing about the requested ids.
        let wrapped = json!({"components": {"org1peer0": {"status": "ok"}}});
        let parsed = ComponentStatus::from_answer(&["org1peer0"], &wrapped).unwrap();
        assert_eq!(parsed[0].1.health, Health::Unknown);
        assert!(ComponentStatus::from_answer(&["org1peer0"], &json!([])).is_err());
    }
}
