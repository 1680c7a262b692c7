//! The console's in-memory database: components, API keys and rate-limit counters.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::TestConsoleConfig;

/// One stored component: the full v3 record plus what only the test server tracks.
#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub(crate) record: Map<String, Value>,
    /// For created peers: when the deployment turns running.
    pub(crate) ready_at: Option<Instant>,
    /// For imported components: what the status route reports.
    pub(crate) reachable: bool,
}

impl Component {
    pub(crate) fn id(&self) -> &str {
        self.record.get("id").and_then(Value::as_str).unwrap_or("")
    }

    pub(crate) fn kind(&self) -> &str {
        self.record
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ApiKey {
    pub(crate) secret: String,
    pub(crate) roles: Vec<String>,
    pub(crate) description: String,
    pub(crate) created_ms: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Data {
    pub(crate) components: BTreeMap<String, Component>,
    pub(crate) keys: BTreeMap<String, ApiKey>,
    /// The CA servers of created CAs, by component id (dropping one stops it).
    pub(crate) ca_servers: BTreeMap<String, crate::ca::TestCa>,
    /// The real Fabric processes of created components, by component id (dropping one stops
    /// it).
    pub(crate) nodes: BTreeMap<String, super::deploy::RealNode>,
    /// (client, high-volume limiter) -> (window number, requests in it).
    rate: HashMap<(String, bool), (u128, u32)>,
}

/// The outcome of counting one request against a limiter.
pub(crate) struct RateCount {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) exceeded: bool,
    /// Unix seconds when the current window ends.
    pub(crate) reset_unix: u64,
}

pub(crate) struct Store {
    pub(crate) cfg: TestConsoleConfig,
    pub(crate) url: String,
    pub(crate) instance_id: String,
    started: Instant,
    started_ms: u64,
    data: Mutex<Data>,
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A random lowercase alphanumeric string.
pub(crate) fn random_string(len: usize) -> String {
    let mut out = String::new();
    while out.len() < len {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(len);
    out
}

impl Store {
    pub(crate) fn new(cfg: TestConsoleConfig, url: String) -> io::Result<Self> {
        if cfg.rate_limit_window.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "rate_limit_window must not be zero",
            ));
        }
        Ok(Self {
            cfg,
            url,
            instance_id: random_string(8),
            started: Instant::now(),
            started_ms: now_ms(),
            data: Mutex::new(Data::default()),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Data> {
        // Plain data: a panicking handler cannot leave it half-updated in a way that matters to
        // a test server.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn started_ms(&self) -> u64 {
        self.started_ms
    }

    pub(crate) fn uptime(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    /// Stores a new API key; the key starts with a letter and holds no colon, as the console's.
    pub(crate) fn add_key(&self, roles: &[&str], description: &str) -> (String, String) {
        let key = format!("k{}", random_string(15));
        let secret = random_string(32);
        self.lock().keys.insert(
            key.clone(),
            ApiKey {
                secret: secret.clone(),
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                description: description.to_owned(),
                created_ms: now_ms(),
            },
        );
        (key, secret)
    }

    pub(crate) fn snapshot(&self) -> Vec<Value> {
        self.lock()
            .components
            .values()
            .map(|c| Value::Object(c.record.clone()))
            .collect()
    }

    pub(crate) fn set_reachable(&self, id: &str, reachable: bool) -> bool {
        match self.lock().components.get_mut(id) {
            Some(component) => {
                component.reachable = reachable;
                true
            }
            None => false,
        }
    }

    /// Counts a request in a fixed window shared by all clients, as the console's in-memory
    /// limiter resets every key at once.
    pub(crate) fn count_request(&self, client: String, high_volume: bool) -> RateCount {
        let base = self.cfg.rate_limit_per_min;
        let limit = if high_volume {
            base.saturating_mul(4)
        } else {
            base
        };
        let window = self.cfg.rate_limit_window.as_millis().max(1);
        let elapsed = self.started.elapsed().as_millis();
        let number = elapsed / window;
        let window_end_ms = (number + 1) * window - elapsed;
        let reset_unix = (u128::from(now_ms()) + window_end_ms).div_ceil(1000);
        let mut data = self.lock();
        let entry = data
            .rate
            .entry((client, high_volume))
            .or_insert((number, 0));
        if entry.0 != number {
            *entry = (number, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        RateCount {
            limit,
            remaining: limit.saturating_sub(entry.1),
            exceeded: entry.1 > limit,
            reset_unix: u64::try_from(reset_unix).unwrap_or(u64::MAX),
        }
    }
}
