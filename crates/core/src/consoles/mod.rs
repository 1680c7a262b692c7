//! Consoles: the registry of Fabric Operations Consoles this workspace talks to, their live
//! components, and moving components between them and the local library without duplicates.
//!
//! The console client is async; the core is not. Every call here runs on one multi-thread
//! tokio runtime owned by the core (built on first use) and blocks the calling thread until
//! it is done, so the CLI and the window (which calls the core from `spawn_blocking`) stay
//! synchronous. Do not call these methods from inside an async task.
//!
//! API secrets are stored only in the encrypted vault, written in the same transaction as the
//! console row, and never leave the core: [`ConsoleSummary`] carries the key id only.

pub(crate) mod components;
pub(crate) mod record;
mod registry;
mod transfer;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;

pub use fabric_ha_console::waits::{subscribe as rate_limit_waits, RateLimitWait};

/// A console's rate limit makes a request wait, as the window is told at once
/// ([`rate_limit_waits`]): which console, which request, and when it is sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RateLimitNotice {
    /// The console's name.
    pub console: String,
    /// Its URL.
    pub url: String,
    /// `METHOD /path` of the request that waits.
    pub request: String,
    /// How long it waits, in milliseconds.
    #[ts(type = "number")]
    pub wait_ms: u64,
    /// When it is sent again, in milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub until_ms: u64,
}

impl From<RateLimitWait> for RateLimitNotice {
    fn from(wait: RateLimitWait) -> Self {
        let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        RateLimitNotice {
            until_ms: ms(wait
                .until
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()),
            wait_ms: ms(wait.wait),
            console: wait.console,
            url: wait.url,
            request: wait.request,
        }
    }
}
pub use fabric_ha_console::{certificate_differences, CertField};
pub use fabric_ha_sensitive::Sensitive;

/// How a console is logged in to.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum ConsoleAuthInput {
    /// An API key and its secret.
    ApiKey {
        /// The API key (the Basic-auth user name).
        #[serde(rename = "apiKey")]
        api_key: String,
        /// The API secret.
        #[serde(rename = "apiSecret")]
        #[ts(type = "string")]
        api_secret: Sensitive<String>,
    },
    /// The console's bootstrap user, used once to create an API key, which is stored instead.
    Password {
        /// Console user name.
        username: String,
        /// Its password (never stored).
        #[ts(type = "string")]
        password: Sensitive<String>,
    },
    /// An IBM Cloud API key, for a console on IBM Cloud (`AUTH_SCHEME` `iam`): exchanged at
    /// IBM Cloud IAM for access tokens, which the console takes as `Bearer` tokens.
    Iam {
        /// The IBM Cloud API key (of a user or a service ID with a service role on the
        /// console's instance).
        #[serde(rename = "iamApiKey")]
        #[ts(type = "string")]
        iam_api_key: Sensitive<String>,
        /// IAM's token endpoint (`https://…`); `None`: IBM Cloud's,
        /// `https://iam.cloud.ibm.com/identity/token`.
        #[serde(rename = "tokenUrl")]
        token_url: Option<String>,
    },
}

/// How a registered console is signed in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ConsoleAuthKind {
    /// A console API key and secret.
    ApiKey,
    /// An IBM Cloud API key exchanged at IBM Cloud IAM.
    Iam,
}

/// A console as the user enters it (add and edit).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleInput {
    /// Unique display name, 1 to 64 characters.
    pub name: String,
    /// Region label, e.g. `us-south` (may be empty).
    pub region: String,
    /// `https://host[:port]`, or `http://` for local development consoles.
    pub url: String,
    /// Credentials; `None` on edit keeps the stored ones.
    pub auth: Option<ConsoleAuthInput>,
    /// Extra trusted CA for the console's TLS (PEM or base64 of PEM). On edit, `None` keeps the
    /// stored one and an empty string removes it.
    pub ca_cert_pem: Option<String>,
}

/// A registered console, as lists show it. The API secret never appears here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleSummary {
    /// Display name.
    pub name: String,
    /// Region label.
    pub region: String,
    /// Console URL.
    pub url: String,
    /// False for `http://` (the UI shows "not encrypted").
    pub encrypted: bool,
    /// How it is signed in to.
    pub auth: ConsoleAuthKind,
    /// The API key (not secret); empty for a console signed in to with IBM Cloud IAM.
    pub api_key: String,
    /// IAM's token endpoint, for a console signed in to with IBM Cloud IAM.
    pub iam_token_url: Option<String>,
    /// An extra CA certificate is trusted for this console.
    pub has_extra_ca: bool,
    /// Started by `fabric-ha sandbox`.
    pub sandbox: bool,
    /// The last connection test, if any.
    pub last_verdict: Option<ConnectionVerdict>,
    /// When it was added (RFC 3339).
    pub added_at: String,
}

/// The outcome of a connection test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionVerdict {
    /// `ready`, `import_only`, `cannot_create`, `reader_only`, or an error code such as
    /// `console_unauthorized`.
    pub code: String,
    /// True for `ready`, `import_only` and `cannot_create`.
    pub ok: bool,
    /// A human sentence.
    pub sentence: String,
    /// What to do, when something needs doing.
    pub fix: Option<String>,
    /// The console's version, from its public settings.
    pub version: Option<String>,
    /// The console has no deployer.
    pub import_only: Option<bool>,
    /// `AUTH_SCHEME` of the console.
    pub auth_scheme: Option<String>,
    /// When the test ran (RFC 3339).
    pub tested_at: String,
}

/// A tile's status square (reference §7.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ComponentStatus {
    /// The console's health check said ok.
    Running,
    /// The deployer reports the node down (not told by the API this app uses).
    Stopped,
    /// Not checked yet, or still deploying.
    Pending,
    /// The health check failed, or the status could not be read.
    Unknown,
    /// A peer or orderer without `operations_url`.
    Undetectable,
}

/// One tile of a console's Nodes page: a CA, a peer, or an ordering service (one per cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleNode {
    /// Component id (for a cluster: `cluster_id`).
    pub id: String,
    /// `ca`, `peer` or `orderer`.
    pub kind: String,
    /// Tile title (for a cluster: `cluster_name`).
    pub display_name: String,
    /// MSP id of a node.
    pub msp_id: Option<String>,
    /// `api_url` (a cluster: its first node's).
    pub api_url: Option<String>,
    /// `location` of the record.
    pub location: Option<String>,
    /// Imported rather than created by this console.
    pub imported: bool,
    /// Fabric version, when the console records one.
    pub version: Option<String>,
    /// Status square.
    pub status: ComponentStatus,
    /// Ordering nodes in the cluster; 1 otherwise.
    pub nodes: u32,
    /// Node OUs enabled.
    pub node_ou_enabled: bool,
    /// Earliest expiry of the certificates the record carries (RFC 3339).
    pub cert_expires_at: Option<String>,
}

/// One tile of a console's Organizations page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleMsp {
    /// Component id.
    pub id: String,
    /// Tile title.
    pub display_name: String,
    /// MSP id.
    pub msp_id: String,
    /// Number of root certificates.
    pub root_certs: u32,
    /// Number of admin certificates.
    pub admin_certs: u32,
    /// Node OUs enabled.
    pub node_ou_enabled: bool,
}

/// What a console holds, as its Nodes and Organizations pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleComponents {
    /// Console name.
    pub console: String,
    /// When the console answered (RFC 3339).
    pub fetched_at: String,
    /// Peers.
    pub peers: Vec<ConsoleNode>,
    /// Certificate authorities.
    pub cas: Vec<ConsoleNode>,
    /// Ordering services, one per cluster.
    pub orderers: Vec<ConsoleNode>,
    /// MSP definitions.
    pub msps: Vec<ConsoleMsp>,
}

/// What happened to one component of an import into a console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ConsoleImportOutcome {
    /// The console stored it.
    Imported,
    /// The console already holds the same component with the same certificates; nothing was
    /// sent.
    AlreadyPresent,
    /// The console holds the same CA, peer or ordering node (same `api_url`) with other
    /// certificates, named in `differences`; nothing was changed.
    PresentWithOtherCertificates,
    /// The console holds the same MSP definition (same `msp_id`, a root certificate in
    /// common) with other certificates (admins, intermediates, roots, TLS roots), named in
    /// `differences`; nothing was changed.
    PresentWithOtherContent,
    /// The console's record carried other certificates; they were replaced through the
    /// console's edit route (§2.4), the fields in `differences` and nothing else.
    Updated,
    /// Refused (by the console, or before sending); the message says why.
    Rejected,
}

impl ConsoleImportOutcome {
    /// The console's record is there but carries other certificates.
    pub fn is_stale(self) -> bool {
        matches!(
            self,
            Self::PresentWithOtherCertificates | Self::PresentWithOtherContent
        )
    }
}

/// One component of an import into a console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleImportItem {
    /// Library id (`None` for a file imported directly, or a copy between consoles).
    pub artifact_id: Option<String>,
    /// For a copy between consoles: the console it came from.
    pub source_console: Option<String>,
    /// For a copy between consoles: the component id there (an ordering service's cluster id
    /// for each of its nodes).
    pub source_id: Option<String>,
    /// Tile title.
    pub display_name: String,
    /// `ca`, `msp`, `peer`, `orderer` or `identity`.
    pub kind: String,
    /// Imported, already present (with the same or other certificates), updated, or rejected.
    pub outcome: ConsoleImportOutcome,
    /// Id in the target console (new or existing).
    pub component_id: Option<String>,
    /// The certificate fields of the console's record that differ (or differed, when
    /// updated), as JSON paths of the record: `msp.component.tls_cert`, `msp.tlsca.root_certs`,
    /// `admins`, ...
    pub differences: Vec<String>,
    /// True when the console's edit route can replace the differing certificates (not for a
    /// CA's, nor a node's intermediates).
    pub updatable: bool,
    /// The console's message when rejected; otherwise what was found (`already present as
    /// <id>`, `present as <id> with other certificates: ...`, `updated <id>: ...`).
    pub message: Option<String>,
}

/// How an import into a console treats a record that carries other certificates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsoleImportOptions {
    /// Replace the record's differing certificates through the console's edit route; without
    /// it such a record is only reported.
    pub update: bool,
}

/// Where the window's "Update" takes the component's certificates from: the same sources an
/// import or a copy had.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum RecordUpdateSource {
    /// Library artifacts.
    Library {
        /// Library ids.
        #[serde(rename = "artifactIds")]
        artifact_ids: Vec<String>,
    },
    /// Components of another console.
    Console {
        /// The source console.
        from: String,
        /// Component ids there.
        #[serde(rename = "componentIds")]
        component_ids: Vec<String>,
    },
}

/// Update a console's records of components from their source (the window's offer on a
/// *present with other certificates* report line).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordUpdateInput {
    /// The console whose records are updated.
    pub console: String,
    /// Where the certificates come from.
    pub source: RecordUpdateSource,
}

/// The report of an import into a console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConsoleImportReport {
    /// Target console name.
    pub console: String,
    /// One entry per component, in order.
    pub items: Vec<ConsoleImportItem>,
}

impl ConsoleImportReport {
    /// True when nothing was rejected.
    pub fn all_ok(&self) -> bool {
        self.items
            .iter()
            .all(|i| i.outcome != ConsoleImportOutcome::Rejected)
    }

    /// True when nothing was rejected and the console's records carry the certificates of
    /// every component (none is left present with other certificates or content).
    pub fn all_current(&self) -> bool {
        self.all_ok() && !self.items.iter().any(|i| i.outcome.is_stale())
    }
}

/// Per-workspace console state: the short-lived cache of components answers.
#[derive(Default)]
pub(crate) struct ConsoleCache {
    components: Mutex<HashMap<String, (Instant, ConsoleComponents)>>,
}

impl ConsoleCache {
    fn get(&self, name: &str, max_age: std::time::Duration) -> Option<ConsoleComponents> {
        let map = self.components.lock().ok()?;
        map.get(name)
            .filter(|(at, _)| at.elapsed() < max_age)
            .map(|(_, c)| c.clone())
    }

    fn put(&self, name: &str, value: ConsoleComponents) {
        if let Ok(mut map) = self.components.lock() {
            map.insert(name.to_owned(), (Instant::now(), value));
        }
    }

    /// Forgets a console's cached answer (after a change made through this app).
    pub(crate) fn forget(&self, name: &str) {
        if let Ok(mut map) = self.components.lock() {
            map.remove(name);
        }
    }
}

/// The runtime every console call runs on.
fn runtime() -> Result<&'static tokio::runtime::Runtime, CoreError> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let built = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("fabric-ha-console")
        .enable_all()
        .build()
        .map_err(|e| CoreError::Internal(format!("cannot start the console runtime: {e}")))?;
    // Another thread may have won the race; its runtime is used and this one dropped.
    Ok(RUNTIME.get_or_init(|| built))
}

/// Runs `fut` to completion on the console runtime (also used by the CA calls).
pub(crate) fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, CoreError> {
    Ok(runtime()?.block_on(fut))
}

/// Now as RFC 3339 (UTC).
fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc().unix_timestamp())
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn inputs_read_as_the_contract_writes_them() {
        let input: ConsoleInput = serde_json::from_value(serde_json::json!({
            "name": "n", "region": "", "url": "https://c",
            "auth": {"kind": "apiKey", "apiKey": "k", "apiSecret": "canary-secret"},
            "caCertPem": null
        }))
        .unwrap();
        assert!(!format!("{input:?}").contains("canary-secret"));
        match input.auth {
            Some(ConsoleAuthInput::ApiKey {
                api_key,
                api_secret,
            }) => {
                assert_eq!(api_key, "k");
                assert_eq!(api_secret.expose(), "canary-secret");
            }
            other => panic!("{other:?}"),
        }
        let input: ConsoleInput = serde_json::from_value(serde_json::json!({
            "name": "n", "region": "", "url": "https://c", "auth": null,
        }))
        .unwrap();
        assert!(input.auth.is_none() && input.ca_cert_pem.is_none());
        let pw: ConsoleAuthInput = serde_json::from_value(
            serde_json::json!({"kind": "password", "username": "u", "password": "p"}),
        )
        .unwrap();
        assert!(matches!(pw, ConsoleAuthInput::Password { .. }));
    }
}
