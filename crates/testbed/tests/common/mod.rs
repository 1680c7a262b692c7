//! Shared helpers for the console test-server tests.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use rcgen::{CertificateParams, DnType, KeyPair};
use serde_json::{json, Value};

/// A reqwest client that trusts the console's generated CA (and nothing else).
pub fn client(console: &TestConsole) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(10));
    if let Some(pem) = console.ca_cert_pem() {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes()).expect("CA PEM parses");
        builder = builder
            .tls_built_in_root_certs(false)
            .add_root_certificate(cert);
    }
    builder.build().expect("client builds")
}

pub async fn start(cfg: TestConsoleConfig) -> (TestConsole, reqwest::Client) {
    let console = TestConsole::start(cfg).await.expect("console starts");
    let client = client(&console);
    (console, client)
}

/// Base64 of the PEM of a fresh self-signed X.509 v3 certificate.
pub fn cert_b64(cn: &str) -> String {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec![format!("{cn}.example.com")]).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    let cert = params.self_signed(&key).expect("cert");
    STANDARD.encode(cert.pem())
}

pub fn ca_body(display_name: &str, api_url: &str) -> Value {
    json!({
        "display_name": display_name,
        "api_url": api_url,
        "operations_url": "https://ca-ops-us-east.example.com:443",
        "msp": {
            "ca": { "name": "ca", "root_certs": [cert_b64("ca-root")] },
            "tlsca": { "name": "tlsca", "root_certs": [cert_b64("tls-root")] },
            "component": { "tls_cert": cert_b64("ca-tls") }
        }
    })
}

pub fn msp_body(display_name: &str) -> Value {
    json!({
        "msp_id": "org1msp",
        "display_name": display_name,
        "root_certs": [cert_b64("ca-root")],
        "admins": [cert_b64("org-admin")],
        "tls_root_certs": [cert_b64("tls-root")],
        "host_url": "https://console-us-east.example.com:443"
    })
}

pub fn peer_body(display_name: &str) -> Value {
    json!({
        "display_name": display_name,
        "msp_id": "org1msp",
        "api_url": "grpcs://peer2-us-west.example.com:443",
        "operations_url": "https://peer2-ops-us-west.example.com:443",
        "grpcwp_url": "https://peer2-proxy-us-west.example.com:443",
        "msp": {
            "tlsca": { "root_certs": [cert_b64("tls-root")] },
            "component": {
                "tls_cert": cert_b64("peer-tls"),
                "ecert": cert_b64("peer-ecert"),
                "admin_certs": [cert_b64("org-admin")]
            }
        },
        "node_ou": { "enabled": true }
    })
}

pub fn create_peer_body(display_name: &str, ca_host: &str, ca_port: u16) -> Value {
    let enroll = |name: &str| {
        json!({
            "host": ca_host, "port": ca_port, "name": name,
            "tls_cert": cert_b64("ca-tls"),
            "enroll_id": "org1peer2", "enroll_secret": "s3cret-p2"
        })
    };
    let mut tlsca = enroll("tlsca");
    tlsca["csr_hosts"] = json!(["peer2.org1.example.com"]);
    json!({
        "display_name": display_name,
        "msp_id": "org1msp",
        "version": "2.5.4-1",
        "state_db": "couchdb",
        "zone": "us-west-1a",
        "crypto": {
            "enrollment": {
                "ca": enroll("ca"),
                "tlsca": tlsca,
                "component": { "admin_certs": [cert_b64("org-admin")] }
            }
        }
    })
}

/// Sends a request with an API key and returns status, headers and JSON body (`Null` when
/// the body is not JSON).
pub async fn call(
    client: &reqwest::Client,
    console: &TestConsole,
    method: reqwest::Method,
    path: &str,
    key: &(String, String),
    body: Option<&Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = client
        .request(method, format!("{}{path}", console.url()))
        .basic_auth(&key.0, Some(&key.1));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("request is answered");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body reads");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, json)
}

/// Polls `check` until it returns true or `timeout` passes.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
