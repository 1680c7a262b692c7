//! Waiting for a node to answer, bounded, and failing early when its process exits.

use std::time::{Duration, Instant};

use crate::{Error, NodeProcess};

/// An HTTPS client that trusts only `root_pem` (the node's TLS CA).
pub(crate) fn https_client(root_pem: &str) -> Result<reqwest::Client, Error> {
    let root = reqwest::Certificate::from_pem(root_pem.as_bytes())
        .map_err(|e| Error::Invalid(format!("bad TLS root certificate: {e}")))?;
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| Error::Invalid(format!("cannot build an HTTPS client: {e}")))
}

/// An HTTPS client that trusts only `root_pem` and presents `identity` (a TLS client
/// certificate and its PKCS#8 key, PEM), for endpoints that require client authentication.
pub(crate) fn https_client_with_identity(
    root_pem: &str,
    cert_pem: &str,
    key_file: &std::path::Path,
) -> Result<reqwest::Client, Error> {
    let root = reqwest::Certificate::from_pem(root_pem.as_bytes())
        .map_err(|e| Error::Invalid(format!("bad TLS root certificate: {e}")))?;
    let mut pem = crate::read(key_file)?.into_bytes();
    pem.extend_from_slice(cert_pem.as_bytes());
    let identity = reqwest::Identity::from_pem(&pem)
        .map_err(|e| Error::Invalid(format!("bad TLS client identity: {e}")))?;
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .identity(identity)
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| Error::Invalid(format!("cannot build an HTTPS client: {e}")))
}

/// GET `url` once: true on a 2xx answer whose body contains `expect` (when given).
pub(crate) async fn answers(client: &reqwest::Client, url: &str, expect: Option<&str>) -> bool {
    check(client, url, expect).await.is_ok()
}

/// GET `url` once: `Ok` on a 2xx answer whose body contains `expect` (when given), else what
/// came back instead.
async fn check(client: &reqwest::Client, url: &str, expect: Option<&str>) -> Result<(), String> {
    let response = client.get(url).send().await.map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    })?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.is_success() && expect.is_none_or(|needle| body.contains(needle)) {
        Ok(())
    } else {
        Err(format!("HTTP {status}: {body}"))
    }
}

/// Polls `url` until it answers (see [`answers`]), the process exits (an error with its log),
/// or `timeout` passes.
pub(crate) async fn wait_until_answers(
    process: &mut NodeProcess,
    client: &reqwest::Client,
    url: &str,
    expect: Option<&str>,
    timeout: Duration,
) -> Result<(), Error> {
    wait_until(process, url, timeout, || check(client, url, expect)).await
}

/// Polls until `address` accepts TCP connections (a listener a node opens after its health
/// endpoint already answers: the orderer's channel participation API), the process exits, or
/// `timeout` passes.
pub(crate) async fn wait_until_listening(
    process: &mut NodeProcess,
    address: &str,
    timeout: Duration,
) -> Result<(), Error> {
    wait_until(process, address, timeout, || async {
        tokio::net::TcpStream::connect(address)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    })
    .await
}

/// Polls `probe` (on `what`) until it succeeds, the process exits (an error with its log), or
/// `timeout` passes.
async fn wait_until<F, Fut>(
    process: &mut NodeProcess,
    what: &str,
    timeout: Duration,
    probe: F,
) -> Result<(), Error>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(25);
    loop {
        let last = match probe().await {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        if !process.is_running() {
            return Err(Error::Exited {
                what: process.name().to_owned(),
                log: process.log_tail(20),
            });
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("{} ({what}: {last})", process.name()),
                after: timeout,
                log: process.log_tail(20),
            });
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

/// One health probe as a console makes it: GET `url` (trusting only `root_pem`), true on a 2xx
/// answer whose body contains `expect` (when given).
pub async fn probe(url: &str, root_pem: &str, expect: Option<&str>) -> bool {
    match https_client(root_pem) {
        Ok(client) => answers(&client, url, expect).await,
        Err(_) => false,
    }
}

/// One TLS handshake with the node's gRPC port at `address` (`127.0.0.1:PORT`), trusting only
/// `root_pem`, given `within` to answer: true once the node's gRPC server answers it. A Fabric peer binds that port long
/// before it serves it (its ledger opens in between, and a SIGTERM then kills it mid-write), so
/// a TCP connect alone says nothing; the handshake is answered only once the server runs. A
/// node that requires client certificates answers too: an alert from it counts.
pub async fn serves_grpc(address: &str, root_pem: &str, within: Duration) -> bool {
    use tokio_rustls::rustls::pki_types::ServerName;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_pemfile::certs(&mut root_pem.as_bytes()).flatten());
    let mut config = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols.push(b"h2".to_vec());
    let Some(host) = address.rsplit_once(':').map(|(host, _)| host.to_owned()) else {
        return false;
    };
    let Ok(server) = ServerName::try_from(host) else {
        return false;
    };
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect(address).await?;
        connector.connect(server, tcp).await.map(|_| ())
    };
    match tokio::time::timeout(within, handshake).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<tokio_rustls::rustls::Error>())
            .is_some_and(|e| matches!(e, tokio_rustls::rustls::Error::AlertReceived(_))),
        Err(_) => false,
    }
}
