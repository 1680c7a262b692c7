//! The request log: method, path, status and elapsed time, never a secret or an auth header.
//!
//! A test binary of its own, because it installs the process-wide `tracing` subscriber.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_artifacts::{import_bodies, read_json};
use fabric_ha_console::{
    CaEnrollment, ClientOptions, ComponentAdmins, ComponentQuery, ConsoleAuth, ConsoleClient,
    ConsoleEndpoint, CreatePeerBody, EnrollmentCrypto, PeerCrypto, TlsCaEnrollment,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const ENROLL_SECRET: &str = "canary-peer2-enroll-secret";

#[tokio::test]
async fn request_log_has_method_path_status_and_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let tc = TestConsole::start(TestConsoleConfig::default())
        .await
        .unwrap();
    let (key, secret) = tc.manager_key();
    let c = ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(key, Sensitive::new(secret.clone())),
            extra_ca_pem: tc.ca_cert_pem(),
        },
        ClientOptions {
            backoff_base: Duration::from_millis(10),
            ..Default::default()
        },
    )
    .unwrap();

    let pki = Pki::new();
    let report = read_json("Org1 CA_ca.json", pki.ca_v3().to_string().as_bytes());
    let ca = import_bodies(&report.accepted[0]).remove(0);
    c.import(&ca).await.unwrap();
    tc.faults().reset_next(1);
    c.list_components(ComponentQuery::default()).await.unwrap();

    // The CA imported above.
    let (host, port, tls_cert) = ("ca.org1.example.com".to_owned(), 7054, pki.ca_tls.b64());
    let body = CreatePeerBody {
        display_name: "Org1 Peer 2".into(),
        msp_id: "org1msp".into(),
        crypto: PeerCrypto::Enrollment(EnrollmentCrypto {
            ca: CaEnrollment {
                host: host.clone(),
                port,
                name: "ca".into(),
                tls_cert: tls_cert.clone(),
                enroll_id: "org1peer2".into(),
                enroll_secret: Sensitive::from(ENROLL_SECRET),
            },
            tlsca: TlsCaEnrollment {
                host,
                port,
                name: "tlsca".into(),
                tls_cert,
                enroll_id: "org1peer2".into(),
                enroll_secret: Sensitive::from(ENROLL_SECRET),
                csr_hosts: None,
            },
            component: ComponentAdmins::default(),
        }),
        id: None,
        version: None,
        state_db: None,
        zone: None,
        region: None,
        resources: None,
        storage: None,
        config_override: None,
        hsm: None,
        tags: None,
    };
    let peer = c.create_peer(&body).await.unwrap();
    assert_eq!(peer.location.as_deref(), Some("ibm_saas"));
    tc.shutdown().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "method=POST path=/ak/api/v3/components/fabric-ca status=200",
        "method=GET path=/ak/api/v3/components status=200 attempt=1",
        "path=/ak/api/v3/kubernetes/components/fabric-peer status=200",
        "console request failed method=GET path=/ak/api/v3/components attempt=0",
        "elapsed_ms=",
    ] {
        assert!(log.contains(expected), "{expected:?} missing in {log}");
    }
    for forbidden in [
        secret.as_str(),
        ENROLL_SECRET,
        "authorization",
        "Authorization",
        "Basic ",
    ] {
        assert!(!log.contains(forbidden), "{forbidden:?} in {log}");
    }
}
