//! The HTTP(S) plumbing shared by the test servers: accept loop, optional TLS, request counting
//! and fault injection in front of a synchronous handler.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// Faults injected in front of every request, before authentication and rate limiting, the way
/// a load balancer or a flaky network in front of the real server would produce them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Extra delay before each request is answered (or faulted).
    pub latency: Option<Duration>,
    /// Statuses answered, one each and in order, to the next requests instead of handling them.
    pub fail_next_5xx: Vec<u16>,
    /// Number of next requests whose connection is closed without any response.
    pub reset_next: u32,
    /// Number of next requests that are never answered (until the server shuts down), to
    /// exercise client timeouts.
    pub hang_next: u32,
}

/// A handle to change a running server's [`Faults`]; clones share the same settings.
#[derive(Debug, Clone, Default)]
pub struct FaultHandle {
    inner: Arc<Mutex<Faults>>,
}

impl FaultHandle {
    pub(crate) fn new(faults: Faults) -> Self {
        Self {
            inner: Arc::new(Mutex::new(faults)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Faults> {
        // A panic while holding this lock leaves plain data behind, still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces all fault settings.
    pub fn set(&self, faults: Faults) {
        *self.lock() = faults;
    }

    /// The current fault settings (counters already consumed are not included).
    pub fn get(&self) -> Faults {
        self.lock().clone()
    }

    /// Clears every fault.
    pub fn clear(&self) {
        self.set(Faults::default());
    }

    /// Sets or clears the delay added to every request.
    pub fn set_latency(&self, latency: Option<Duration>) {
        self.lock().latency = latency;
    }

    /// Answers the next requests with these statuses, one each, after any already queued.
    pub fn fail_next(&self, statuses: impl IntoIterator<Item = u16>) {
        self.lock().fail_next_5xx.extend(statuses);
    }

    /// Closes the connection of the next `n` requests without a response.
    pub fn reset_next(&self, n: u32) {
        self.lock().reset_next += n;
    }

    /// Leaves the next `n` requests unanswered.
    pub fn hang_next(&self, n: u32) {
        self.lock().hang_next += n;
    }

    fn take(&self) -> (Option<Duration>, Option<Fault>) {
        let mut faults = self.lock();
        let latency = faults.latency;
        let fault = if faults.hang_next > 0 {
            faults.hang_next -= 1;
            Some(Fault::Hang)
        } else if faults.reset_next > 0 {
            faults.reset_next -= 1;
            Some(Fault::Reset)
        } else if faults.fail_next_5xx.is_empty() {
            None
        } else {
            Some(Fault::Status(faults.fail_next_5xx.remove(0)))
        };
        (latency, fault)
    }
}

enum Fault {
    Hang,
    Reset,
    Status(u16),
}

/// A request as the handlers see it: fully read, with the peer's address.
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) peer: IpAddr,
}

pub(crate) type Reply = Response<Full<Bytes>>;

/// A reply that may have to wait (on a real Fabric node the console's deployer starts).
pub(crate) type ReplyFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Reply> + Send>>;

/// Handles one request. The servers keep their state in memory; only routes that drive real
/// Fabric processes wait.
pub(crate) type Handler = Arc<dyn Fn(Request) -> ReplyFuture + Send + Sync>;

/// A reply that is ready now.
pub(crate) fn ready(reply: Reply) -> ReplyFuture {
    Box::pin(std::future::ready(reply))
}

/// Everything the accept loop needs; dropped (and every connection with it) on shutdown.
pub(crate) struct Server {
    pub(crate) listener: TcpListener,
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) faults: FaultHandle,
    pub(crate) requests: Arc<AtomicUsize>,
    pub(crate) handler: Handler,
    pub(crate) shutdown: watch::Receiver<bool>,
}

/// Marks a connection to be dropped without answering; hyper closes it when a service fails.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

impl Server {
    /// Accepts connections until shutdown is signalled, then aborts every open connection.
    pub(crate) async fn run(mut self) {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                changed = self.shutdown.changed() => {
                    if changed.is_err() || *self.shutdown.borrow() {
                        break;
                    }
                }
                accepted = self.listener.accept() => {
                    let Ok((stream, addr)) = accepted else { continue };
                    let conn = Connection {
                        tls: self.tls.clone(),
                        faults: self.faults.clone(),
                        requests: Arc::clone(&self.requests),
                        handler: Arc::clone(&self.handler),
                        shutdown: self.shutdown.clone(),
                        peer: addr,
                    };
                    connections.spawn(conn.serve(stream));
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

struct Connection {
    tls: Option<TlsAcceptor>,
    faults: FaultHandle,
    requests: Arc<AtomicUsize>,
    handler: Handler,
    shutdown: watch::Receiver<bool>,
    peer: SocketAddr,
}

impl Connection {
    async fn serve(self, stream: tokio::net::TcpStream) {
        let Connection {
            tls,
            faults,
            requests,
            handler,
            shutdown,
            peer,
        } = self;
        let service = service_fn(move |req: hyper::Request<Incoming>| {
            let faults = faults.clone();
            let requests = Arc::clone(&requests);
            let handler = Arc::clone(&handler);
            let mut shutdown = shutdown.clone();
            async move {
                requests.fetch_add(1, Ordering::SeqCst);
                let (parts, body) = req.into_parts();
                let body = match body.collect().await {
                    Ok(collected) => collected.to_bytes(),
                    Err(_) => return Err(DropConnection),
                };
                let (latency, fault) = faults.take();
                if let Some(latency) = latency {
                    tokio::time::sleep(latency).await;
                }
                match fault {
                    Some(Fault::Hang) => {
                        // Held open until shutdown so the client, not the server, gives up.
                        while !*shutdown.borrow() {
                            if shutdown.changed().await.is_err() {
                                break;
                            }
                        }
                        Err(DropConnection)
                    }
                    Some(Fault::Reset) => Err(DropConnection),
                    Some(Fault::Status(code)) => Ok(injected_status(code)),
                    None => Ok(handler(Request {
                        method: parts.method,
                        path: parts.uri.path().to_owned(),
                        query: parts.uri.query().map(str::to_owned),
                        headers: parts.headers,
                        body,
                        peer: peer.ip(),
                    })
                    .await),
                }
            }
        });
        let builder = http1::Builder::new();
        match tls {
            Some(acceptor) => {
                let Ok(stream) = acceptor.accept(stream).await else {
                    return;
                };
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            }
            None => {
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            }
        }
    }
}

fn injected_status(code: u16) -> Reply {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({
        "statusCode": status.as_u16(),
        "msg": format!("injected fault: {status}"),
    });
    json_reply(status, &body)
}

/// A JSON response with the content type Express sends.
pub(crate) fn json_reply(status: StatusCode, body: &serde_json::Value) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A server started on a runtime of its own: `start` runs on a new thread's two-worker runtime,
/// the started value comes back once it is serving, and the thread keeps driving the server task
/// that `take_server` takes out of it, until that task ends (on shutdown). For tests and tools
/// without an async runtime.
pub(crate) fn start_on_own_runtime<T, F>(
    name: &str,
    start: impl FnOnce() -> F + Send + 'static,
    take_server: fn(&mut T) -> Option<tokio::task::JoinHandle<()>>,
) -> std::io::Result<(T, std::thread::JoinHandle<()>)>
where
    T: Send + 'static,
    F: std::future::Future<Output = std::io::Result<T>>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    let _ = tx.send(Err(err));
                    return;
                }
            };
            match runtime.block_on(start()) {
                Ok(mut started) => {
                    let server = take_server(&mut started);
                    let _ = tx.send(Ok(started));
                    if let Some(server) = server {
                        let _ = runtime.block_on(server);
                    }
                }
                Err(err) => {
                    let _ = tx.send(Err(err));
                }
            }
        })?;
    let started = rx
        .recv()
        .map_err(|_| std::io::Error::other(format!("{name} thread exited before starting")))??;
    Ok((started, thread))
}
