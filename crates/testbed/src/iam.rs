//! A test IBM Cloud IAM token service: `POST /identity/token` exchanges an IBM Cloud API key
//! (form body `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=…`, as
//! `https://iam.cloud.ibm.com/identity/token` takes it) for a JWT-shaped access token, with the
//! token service's error bodies (`errorCode`, `errorMessage`, `context`).
//!
//! A test console whose `AUTH_SCHEME` is `iam` and that is given this service
//! ([`crate::console::TestConsoleConfig::iam`]) takes its tokens as `Bearer` and its API keys
//! as `ApiKey`, with the service roles the key was given on the console's instance (`Reader`,
//! `Writer`, `Manager`).

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hyper::{Method, StatusCode};
use rand::RngCore;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::net::{json_reply, FaultHandle, Faults, Reply, Request};

/// The grant type of an API key exchange.
const GRANT_TYPE: &str = "urn:ibm:params:oauth:grant-type:apikey";

/// Keys, tokens and counts.
#[derive(Default)]
struct Registry {
    /// API key → (IAM id, console roles).
    keys: BTreeMap<String, (String, Vec<String>)>,
    /// Access token → (console roles, expiry).
    tokens: BTreeMap<String, (Vec<String>, SystemTime)>,
}

/// What a test console asks of the token service: the roles of a token or an API key.
#[derive(Clone)]
pub struct IamHandle {
    registry: Arc<Mutex<Registry>>,
}

impl std::fmt::Debug for IamHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IamHandle").finish_non_exhaustive()
    }
}

impl IamHandle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The console roles of an unexpired access token.
    pub(crate) fn token_roles(&self, token: &str) -> Option<Vec<String>> {
        let registry = self.lock();
        let (roles, expires) = registry.tokens.get(token)?;
        (*expires > SystemTime::now()).then(|| roles.clone())
    }

    /// The console roles of an API key.
    pub(crate) fn key_roles(&self, key: &str) -> Option<Vec<String>> {
        self.lock().keys.get(key).map(|(_, roles)| roles.clone())
    }
}

/// A running test token service on `127.0.0.1`.
pub struct TestIam {
    url: String,
    ca_pem: String,
    handle: IamHandle,
    exchanges: Arc<AtomicUsize>,
    lifetime: Duration,
    shutdown_tx: watch::Sender<bool>,
    server: Option<tokio::task::JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for TestIam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestIam")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl TestIam {
    /// Starts the service with tokens valid for `lifetime` (IBM Cloud's: one hour).
    pub async fn start(lifetime: Duration) -> io::Result<TestIam> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let port = listener.local_addr()?.port();
        let tls = crate::tls::generate("iam")?;
        let handle = IamHandle {
            registry: Arc::new(Mutex::new(Registry::default())),
        };
        let exchanges = Arc::new(AtomicUsize::new(0));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let served = handle.clone();
        let counted = Arc::clone(&exchanges);
        let server = crate::net::Server {
            listener,
            tls: Some(tls.acceptor),
            faults: FaultHandle::new(Faults::default()),
            requests: Arc::new(AtomicUsize::new(0)),
            handler: Arc::new(move |req| {
                crate::net::ready(handle_request(&served, &counted, lifetime, &req))
            }),
            shutdown: shutdown_rx,
        };
        let server = tokio::spawn(server.run());
        Ok(TestIam {
            url: format!("https://127.0.0.1:{port}/identity/token"),
            ca_pem: tls.ca_pem,
            handle,
            exchanges,
            lifetime,
            shutdown_tx,
            server: Some(server),
            thread: None,
        })
    }

    /// [`Self::start`] on a runtime of its own, for synchronous tests.
    pub fn start_blocking(lifetime: Duration) -> io::Result<TestIam> {
        let (mut iam, thread) = crate::net::start_on_own_runtime(
            "test-iam",
            move || TestIam::start(lifetime),
            |started: &mut TestIam| started.server.take(),
        )?;
        iam.thread = Some(thread);
        Ok(iam)
    }

    /// The token endpoint, `https://127.0.0.1:PORT/identity/token`.
    pub fn token_url(&self) -> String {
        self.url.clone()
    }

    /// PEM of the CA that issued the service's HTTPS certificate.
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }

    /// What a test console needs to check this service's tokens.
    pub fn handle(&self) -> IamHandle {
        self.handle.clone()
    }

    /// The lifetime of the tokens it issues.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A new API key with these service roles on the consoles that trust this service
    /// (`Reader`, `Writer`, `Manager`).
    pub fn add_key(&self, service_roles: &[&str]) -> String {
        let key = random_text(33);
        let roles = service_roles.iter().map(|r| r.to_lowercase()).collect();
        let iam_id = format!("iam-ServiceId-{}", uuid::Uuid::new_v4());
        self.handle.lock().keys.insert(key.clone(), (iam_id, roles));
        key
    }

    /// Revokes every token issued so far (as a policy change or a key rotation does).
    pub fn revoke_tokens(&self) {
        self.handle.lock().tokens.clear();
    }

    /// Successful exchanges so far.
    pub fn exchanges(&self) -> usize {
        self.exchanges.load(Ordering::SeqCst)
    }

    /// Stops the service and waits for its thread.
    pub fn shutdown_blocking(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TestIam {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}

fn random_text(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The token service's error body.
fn error(status: StatusCode, code: &str, message: &str, details: Option<&str>) -> Reply {
    let mut body = json!({
        "context": {
            "requestId": uuid::Uuid::new_v4().to_string(),
            "requestType": "incoming.Identity_Token",
            "url": "https://iam.cloud.ibm.com",
            "locale": "en_US",
        },
        "errorCode": code,
        "errorMessage": message,
    });
    if let Some(details) = details {
        body["errorDetails"] = json!(details);
    }
    json_reply(status, &body)
}

fn handle_request(
    iam: &IamHandle,
    exchanges: &AtomicUsize,
    lifetime: Duration,
    req: &Request,
) -> Reply {
    if req.path.trim_end_matches('/') != "/identity/token" {
        return error(StatusCode::NOT_FOUND, "BXNIM0102E", "Not Found", None);
    }
    if req.method != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BXNIM0101E",
            "Method Not Allowed",
            None,
        );
    }
    let form = req
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim() == "application/x-www-form-urlencoded")
        });
    let fields: BTreeMap<String, String> = if form {
        url::form_urlencoded::parse(&req.body)
            .into_owned()
            .collect()
    } else {
        BTreeMap::new()
    };
    let field = |name: &str| fields.get(name).filter(|v| !v.is_empty());
    let Some(grant) = field("grant_type") else {
        return error(
            StatusCode::BAD_REQUEST,
            "BXNIM0109E",
            "Property missing or empty.",
            Some("Property: grant_type"),
        );
    };
    if grant != GRANT_TYPE {
        return error(
            StatusCode::BAD_REQUEST,
            "BXNIM0106E",
            "Unsupported grant type.",
            Some(grant),
        );
    }
    let Some(key) = field("apikey") else {
        return error(
            StatusCode::BAD_REQUEST,
            "BXNIM0109E",
            "Property missing or empty.",
            Some("Property: apikey"),
        );
    };
    let Some((iam_id, roles)) = iam.lock().keys.get(key).cloned() else {
        return error(
            StatusCode::BAD_REQUEST,
            "BXNIM0415E",
            "Provided API key could not be found.",
            None,
        );
    };
    let now = SystemTime::now();
    let expires = now + lifetime;
    let header = URL_SAFE_NO_PAD.encode(json!({"kid": "test", "alg": "RS256"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(
        json!({
            "iam_id": iam_id,
            "id": iam_id,
            "sub": iam_id,
            "sub_type": "ServiceId",
            "iss": "https://iam.cloud.ibm.com/identity",
            "grant_type": GRANT_TYPE,
            "scope": "ibm openid",
            "iat": unix(now),
            "exp": unix(expires),
        })
        .to_string(),
    );
    let token = format!("{header}.{payload}.{}", random_text(64));
    iam.lock().tokens.insert(token.clone(), (roles, expires));
    exchanges.fetch_add(1, Ordering::SeqCst);
    json_reply(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "refresh_token": "not_supported",
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "expiration": unix(expires),
            "scope": "ibm openid",
        }),
    )
}
