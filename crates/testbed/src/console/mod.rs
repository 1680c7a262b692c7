//! An in-memory Fabric Operations Console REST API (`/ak/api/v3`), strict enough that a client
//! passing its tests also works against a real console.
//!
//! What it enforces, as the console does: basic auth with API keys and roles (a key without the
//! needed role gets the same plain-text 401 as a wrong secret), the bootstrap user only for
//! creating a key, body validation with the console's messages (unknown keys on CA / peer /
//! orderer imports, URL formats, base64 PEM X.509 v3 certificates), ids derived from display
//! names with `_0` suffixes, 409 on an explicit id that is taken, 222 for an empty list, 207 for
//! status, 25 writes and 100 reads per minute per client (IP + User-Agent) with 429 and
//! `Retry-After`, 503 for deployer routes on an import-only console, `unknown_enroll_host` for
//! peers enrolling at a CA this console does not know, and a peer that reports "not ok" until
//! `deploy_delay` after its creation. Creating a CA (deployer API `CreateCaBody`, strict) starts
//! an in-memory [`crate::ca::TestCa`] whose bootstrap registrar is the body's first registry
//! identity; its record points at that server and turns "ok" after `deploy_delay` too.
//!
//! With a [`Deployer`] (`TestConsoleConfig::deployer`, real Fabric binaries) the deployer routes
//! drive real processes instead: create-CA starts a `fabric-ca-server` (CA names `ca` and
//! `tlsca`, registry from the body), create-peer enrolls the peer's certificates at the CA named
//! in `crypto.enrollment` and starts `peer node start`; the records carry their real URLs and
//! certificates, the status route asks each node (`/cainfo`, `/healthz`), and deleting the
//! component stops it and removes its data. What the console
//! UI's Settings → Bulk data management → Import does with an export zip is served at
//! `POST /ak/api/v3/testbed/bulk-import` (no real console has that route: the browser does it),
//! taking only the export's own layout.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
//! let console = TestConsole::start(TestConsoleConfig::default()).await?;
//! let (key, secret) = console.manager_key();
//! let trust_anchor = console.ca_cert_pem(); // PEM of the CA that signed the server certificate
//! // ... point a client at console.url() ...
//! console.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod certs;
mod deploy;
mod schema;
mod store;
mod switch;
mod ui_import;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::net::{FaultHandle, Faults};
pub use switch::{ConsoleSwitch, NodeState, SwitchError};

/// How a [`TestConsole`] behaves. `Default` is a console with a deployer, TLS, and the real
/// console's limits.
#[derive(Debug, Clone)]
pub struct TestConsoleConfig {
    /// Display name of the console (used in generated node URLs and certificate names).
    pub name: String,
    /// Serve HTTPS with a generated certificate (see [`TestConsole::ca_cert_pem`]); plain HTTP
    /// when false.
    pub tls: bool,
    /// With `tls`: serve one self-signed certificate instead, as `openssl req -x509` makes one
    /// (`CA:TRUE`, named `<name>.console.invalid`, not the loopback address the console is
    /// reached at); [`TestConsole::ca_cert_pem`] is that certificate.
    pub tls_self_signed: bool,
    /// No deployer: create, kubernetes-delete and versions routes answer 503, and the settings'
    /// `FEATURE_FLAGS.import_only_enabled` is true.
    pub import_only: bool,
    /// `AUTH_SCHEME` published in the settings (`couchdb` on a software console).
    pub auth_scheme: String,
    /// With `auth_scheme` `iam`: the IBM Cloud IAM token service whose tokens (`Bearer`) and
    /// API keys (`ApiKey`) the console takes ([`crate::iam::TestIam::handle`]). `None`: it
    /// takes nothing.
    pub iam: Option<crate::iam::IamHandle>,
    /// Time between creating a peer and its status turning "ok".
    pub deploy_delay: Duration,
    /// `MAX_REQ_PER_MIN_AK`: non-GET `/ak/` requests allowed per client and window; GETs get
    /// four times as many.
    pub rate_limit_per_min: u32,
    /// Length of the rate-limit window (a minute on a real console; shorten it to test
    /// `Retry-After` handling quickly). `Retry-After` is this length in whole seconds.
    pub rate_limit_window: Duration,
    /// Most components the console holds (`max_components`).
    pub max_components: usize,
    /// Faults injected in front of every request.
    pub faults: Faults,
    /// A console user (username, default password) allowed only to create API keys, as the
    /// console's initial admin is. `None`: no such user.
    pub bootstrap_user: Option<(String, String)>,
    /// Fabric versions the deployer offers, per node type; the first of each is the default.
    pub peer_versions: Vec<String>,
    /// Real Fabric behind the deployer routes: create-CA starts a `fabric-ca-server`,
    /// create-peer a `peer`, status asks them, deleting stops them. `None`: simulated deploys
    /// (in-memory CA, peers whose URLs lead nowhere, "ok" after `deploy_delay`).
    pub deployer: Option<Deployer>,
    /// `signing.default.expiry` of the CA servers the deployer creates (a Go duration, `240h`):
    /// the enrollment and TLS certificates they issue end that soon (expiry drills); their
    /// roots do not. `None`: the server's default.
    pub ca_signing_expiry: Option<String>,
}

/// Real Fabric for a console's deployer: the binaries and the folder its nodes live in (one
/// subfolder per console).
#[derive(Debug, Clone)]
pub struct Deployer {
    /// The Fabric binaries.
    pub fabric: fabric_ha_testnet::Fabric,
    /// Where node folders and logs go.
    pub dir: std::path::PathBuf,
}

impl Default for TestConsoleConfig {
    fn default() -> Self {
        Self {
            name: "test-console".to_owned(),
            tls: true,
            tls_self_signed: false,
            import_only: false,
            auth_scheme: "couchdb".to_owned(),
            iam: None,
            deploy_delay: Duration::from_secs(1),
            rate_limit_per_min: 25,
            rate_limit_window: Duration::from_secs(60),
            max_components: 75,
            faults: Faults::default(),
            bootstrap_user: None,
            peer_versions: vec!["2.5.4-1".to_owned(), "2.4.9-1".to_owned()],
            deployer: None,
            ca_signing_expiry: None,
        }
    }
}

/// API key and secret.
type KeyPair = (String, String);

/// A running test console. Dropping it stops the server; prefer [`TestConsole::shutdown`] (or
/// [`TestConsole::shutdown_blocking`]) to wait until it has stopped. [`TestConsole::switch`]
/// stops and starts it (and the nodes its deployer runs) as a region outage would.
pub struct TestConsole {
    url: String,
    ca_pem: Option<String>,
    manager: KeyPair,
    writer: KeyPair,
    reader: KeyPair,
    faults: FaultHandle,
    requests: Arc<AtomicUsize>,
    store: Arc<store::Store>,
    serving: Arc<Serving>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the HTTPS server is made of, kept so that a stopped console serves again on the same
/// address with the same certificate, handler and state.
struct Serving {
    addr: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    faults: FaultHandle,
    requests: Arc<AtomicUsize>,
    handler: crate::net::Handler,
    state: Mutex<ServeState>,
    /// One stop or start at a time.
    switching: tokio::sync::Mutex<()>,
}

/// The server of the moment: `shutdown` is `Some` while it serves.
#[derive(Default)]
struct ServeState {
    shutdown: Option<watch::Sender<bool>>,
    /// The accept loop's task, unless a runtime thread of its own drives it.
    task: Option<JoinHandle<()>>,
    /// Fires once the accept loop has ended and its listener is closed.
    closed: Option<tokio::sync::oneshot::Receiver<()>>,
    /// [`TestConsole::shutdown`] ran: it never serves again.
    shut_down: bool,
}

impl Serving {
    fn lock(&self) -> std::sync::MutexGuard<'_, ServeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Serves on `listener` (bound to `addr`) from a task on the current runtime.
    fn serve(&self, listener: TcpListener) {
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
        let server = crate::net::Server {
            listener,
            tls: self.tls.clone(),
            faults: self.faults.clone(),
            requests: Arc::clone(&self.requests),
            handler: Arc::clone(&self.handler),
            shutdown: shutdown_rx,
        };
        let task = tokio::spawn(async move {
            server.run().await;
            let _ = closed_tx.send(());
        });
        let mut state = self.lock();
        state.shutdown = Some(shutdown_tx);
        state.task = Some(task);
        state.closed = Some(closed_rx);
    }

    /// Asks the accept loop to end; returns the receiver that fires once it has.
    fn stop_serving(&self) -> Option<tokio::sync::oneshot::Receiver<()>> {
        let mut state = self.lock();
        if let Some(shutdown) = state.shutdown.take() {
            let _ = shutdown.send(true);
        }
        state.task = None;
        state.closed.take()
    }

    fn is_serving(&self) -> bool {
        self.lock().shutdown.is_some()
    }
}

impl std::fmt::Debug for TestConsole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestConsole")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl TestConsole {
    /// Starts a console on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start(cfg: TestConsoleConfig) -> io::Result<TestConsole> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let port = listener.local_addr()?.port();
        let tls = if cfg.tls && cfg.tls_self_signed {
            Some(crate::tls::generate_self_signed(&cfg.name)?)
        } else if cfg.tls {
            Some(crate::tls::generate(&cfg.name)?)
        } else {
            None
        };
        let scheme = if cfg.tls { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{port}");
        let faults = FaultHandle::new(cfg.faults.clone());
        let requests = Arc::new(AtomicUsize::new(0));
        let store = Arc::new(store::Store::new(cfg, url.clone())?);
        let manager = store.add_key(&["reader", "writer", "manager"], "test manager");
        let writer = store.add_key(&["reader", "writer"], "test writer");
        let reader = store.add_key(&["reader"], "test reader");

        let handler_store = Arc::clone(&store);
        let serving = Arc::new(Serving {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            tls: tls.as_ref().map(|t| t.acceptor.clone()),
            faults: faults.clone(),
            requests: Arc::clone(&requests),
            handler: Arc::new(move |req| api::handle(&handler_store, req)),
            state: Mutex::new(ServeState::default()),
            switching: tokio::sync::Mutex::new(()),
        });
        serving.serve(listener);
        Ok(TestConsole {
            url,
            ca_pem: tls.map(|t| t.ca_pem),
            manager,
            writer,
            reader,
            faults,
            requests,
            store,
            serving,
            thread: None,
        })
    }

    /// Starts a console on a runtime of its own (a background thread), for tests and tools
    /// without an async runtime. Stop it with [`TestConsole::shutdown_blocking`].
    pub fn start_blocking(cfg: TestConsoleConfig) -> io::Result<TestConsole> {
        let (mut console, thread) = crate::net::start_on_own_runtime(
            "test-console",
            move || TestConsole::start(cfg),
            |started: &mut TestConsole| started.serving.lock().task.take(),
        )?;
        console.thread = Some(thread);
        Ok(console)
    }

    /// A handle that stops this console and the nodes its deployer runs, and starts them again
    /// (see [`ConsoleSwitch`]). It does not keep the console alive.
    pub fn switch(&self) -> ConsoleSwitch {
        ConsoleSwitch::new(self)
    }

    /// Base URL, `https://127.0.0.1:PORT` (or `http://` without TLS), no trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// PEM of the CA that issued the server certificate (valid for `127.0.0.1` and
    /// `localhost`); `None` when serving plain HTTP.
    pub fn ca_cert_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// API key and secret with the reader, writer and manager roles.
    pub fn manager_key(&self) -> (String, String) {
        self.manager.clone()
    }

    /// API key and secret with the reader and writer roles (can import, cannot create).
    pub fn writer_key(&self) -> (String, String) {
        self.writer.clone()
    }

    /// API key and secret with the reader role only.
    pub fn reader_key(&self) -> (String, String) {
        self.reader.clone()
    }

    /// Handle to change injected faults while the console runs.
    pub fn faults(&self) -> FaultHandle {
        self.faults.clone()
    }

    /// Every stored record in full (as `deployment_attrs=included` shows it), sorted by id.
    pub fn components(&self) -> Vec<Value> {
        self.store.snapshot()
    }

    /// Makes the status route report an imported component as reachable ("ok") or not. Created
    /// peers follow their deploy life cycle instead. Returns false for an unknown id.
    pub fn set_reachable(&self, id: &str, reachable: bool) -> bool {
        self.store.set_reachable(id, reachable)
    }

    /// Process ids of the Fabric nodes the deployer runs (created CAs and peers).
    pub fn node_pids(&self) -> Vec<u32> {
        self.store
            .lock()
            .nodes
            .values()
            .filter_map(deploy::RealNode::pid)
            .collect()
    }

    /// Requests received so far, including faulted, rejected and rate-limited ones.
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Stops accepting requests, drops open connections and waits until the server stopped.
    /// The nodes the deployer runs stop as well.
    pub async fn shutdown(mut self) {
        let _switching = self.serving.switching.lock().await;
        let (task, closed) = {
            let mut state = self.serving.lock();
            state.shut_down = true;
            if let Some(shutdown) = state.shutdown.take() {
                let _ = shutdown.send(true);
            }
            (state.task.take(), state.closed.take())
        };
        if let Some(task) = task {
            let _ = task.await;
        }
        if let Some(closed) = closed {
            let _ = closed.await;
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let nodes = std::mem::take(&mut self.store.lock().nodes);
        let _ = tokio::task::spawn_blocking(move || drop(nodes)).await;
    }

    /// [`TestConsole::shutdown`] for callers without an async runtime.
    pub fn shutdown_blocking(mut self) {
        let task = {
            let mut state = self.serving.lock();
            state.shut_down = true;
            if let Some(shutdown) = state.shutdown.take() {
                let _ = shutdown.send(true);
            }
            state.task.take()
        };
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(task) = task {
            task.abort();
        }
        drop(std::mem::take(&mut self.store.lock().nodes));
    }
}

impl Drop for TestConsole {
    fn drop(&mut self) {
        let mut state = self.serving.lock();
        state.shut_down = true;
        if let Some(shutdown) = state.shutdown.take() {
            let _ = shutdown.send(true);
        }
    }
}
