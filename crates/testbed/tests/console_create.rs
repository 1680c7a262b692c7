//! Creating (deploying) peers: deployer availability, roles, the known-host check and the
//! pending -> running life cycle.

mod common;

use std::time::Duration;

use common::{ca_body, call, create_peer_body, eventually, start};
use fabric_ha_testbed::console::TestConsoleConfig;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn import_only_console_answers_503_before_checking_credentials() {
    let cfg = TestConsoleConfig {
        import_only: true,
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let body = create_peer_body("Org1 Peer 2", "ca-us-east.example.com", 443);
    let expected = json!({
        "statusCode": 503,
        "error": "api is not available",
        "msg": "this api is not available to Console's without the \"deployer\" counterpart"
    });
    for key in [console.manager_key(), console.reader_key()] {
        let (status, _, answer) = call(
            &client,
            &console,
            Method::POST,
            "/ak/api/v3/kubernetes/components/fabric-peer",
            &key,
            Some(&body),
        )
        .await;
        assert_eq!(status, 503);
        assert_eq!(answer, expected);
    }
    let (status, _, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/kubernetes/fabric/versions",
        &console.reader_key(),
        None,
    )
    .await;
    assert_eq!(status, 503);
    assert!(console.components().is_empty());
    console.shutdown().await;
}

#[tokio::test]
async fn create_needs_manager_and_a_known_enroll_host() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let body = create_peer_body("Org1 Peer 2", "ca-us-east.example.com", 443);
    let path = "/ak/api/v3/kubernetes/components/fabric-peer";

    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        path,
        &console.writer_key(),
        Some(&body),
    )
    .await;
    assert_eq!(status, 401, "writers cannot deploy");

    let manager = console.manager_key();
    let (status, _, answer) =
        call(&client, &console, Method::POST, path, &manager, Some(&body)).await;
    assert_eq!(status, 400);
    let unknown = |field: &str| {
        format!("The parameter '{field}' was not found in the list of known URLs. Import a CA using this host & port or change the host and port in this request to a known one")
    };
    assert_eq!(
        answer,
        json!({"statusCode": 400, "msgs": [
            unknown("crypto.enrollment.ca.host"),
            unknown("crypto.enrollment.tlsca.host")
        ]})
    );

    // Same host on another port is still unknown.
    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:7054");
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &manager,
        Some(&ca),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = call(&client, &console, Method::POST, path, &manager, Some(&body)).await;
    assert_eq!(status, 400);

    let body = create_peer_body("Org1 Peer 2", "ca-us-east.example.com", 7054);
    let mut extra = body.clone();
    extra["crypto"]["bogus"] = json!(true);
    let (status, _, answer) = call(
        &client,
        &console,
        Method::POST,
        path,
        &manager,
        Some(&extra),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["msgs"],
        json!(["Parameter 'crypto.bogus' is an unknown key for object."])
    );

    let (status, _, peer) =
        call(&client, &console, Method::POST, path, &manager, Some(&body)).await;
    assert_eq!(status, 200, "{peer}");
    assert_eq!(peer["id"], "org1peer2");
    assert_eq!(peer["location"], "ibm_saas");
    assert_eq!(peer["version"], "2.5.4-1");
    assert_eq!(peer["state_db"], "couchdb");
    assert_eq!(peer["zone"], "us-west-1a");
    assert!(peer["resources"]["peer"].is_object());
    assert!(
        peer.get("crypto").is_none(),
        "enroll secrets are never returned"
    );
    assert_eq!(
        peer["msp"]["ca"]["root_certs"],
        ca["msp"]["ca"]["root_certs"]
    );
    assert_eq!(
        peer["msp"]["tlsca"]["root_certs"],
        ca["msp"]["tlsca"]["root_certs"]
    );
    assert!(peer["api_url"]
        .as_str()
        .expect("api_url")
        .starts_with("grpcs://"));
    console.shutdown().await;
}

#[tokio::test]
async fn created_peer_turns_running_after_the_deploy_delay() {
    let cfg = TestConsoleConfig {
        deploy_delay: Duration::from_millis(300),
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let manager = console.manager_key();
    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");
    call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &manager,
        Some(&ca),
    )
    .await;
    let body = create_peer_body("Org1 Peer 2", "ca-us-east.example.com", 443);
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/kubernetes/components/fabric-peer",
        &manager,
        Some(&body),
    )
    .await;
    assert_eq!(status, 200);

    let request = json!({"components": {"org1peer2": {"skip_cache": true}}});
    let (status, _, first) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/status",
        &manager,
        Some(&request),
    )
    .await;
    assert_eq!(status, 207);
    assert_eq!(
        first["org1peer2"]["status"], "not ok",
        "pending right after create"
    );

    let running = eventually(Duration::from_secs(10), || {
        let client = client.clone();
        let console = &console;
        let request = request.clone();
        let manager = manager.clone();
        async move {
            let (_, _, body) = call(
                &client,
                console,
                Method::POST,
                "/ak/api/v3/components/status",
                &manager,
                Some(&request),
            )
            .await;
            body["org1peer2"]["status"] == "ok"
        }
    })
    .await;
    assert!(running, "peer never reported ok");
    console.shutdown().await;
}

#[tokio::test]
async fn versions_and_kubernetes_delete() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let manager = console.manager_key();
    let (status, _, versions) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/kubernetes/fabric/versions",
        &console.reader_key(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(versions["versions"]["peer"]["2.5.4-1"]["default"], true);

    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");
    call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &manager,
        Some(&ca),
    )
    .await;
    let mut body = create_peer_body("Org1 Peer 2", "ca-us-east.example.com", 443);
    body["version"] = json!("9.9.9");
    let (status, _, answer) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/kubernetes/components/fabric-peer",
        &manager,
        Some(&body),
    )
    .await;
    assert_eq!(status, 400);
    assert!(answer["msgs"][0]
        .as_str()
        .expect("msg")
        .starts_with("Expected parameter 'version'"));

    body["version"] = json!("2.4.9-1");
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/kubernetes/components/fabric-peer",
        &manager,
        Some(&body),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = call(
        &client,
        &console,
        Method::DELETE,
        "/ak/api/v3/kubernetes/components/org1peer2",
        &console.writer_key(),
        None,
    )
    .await;
    assert_eq!(status, 401, "deleting a deployment needs the manager role");
    let (status, _, deleted) = call(
        &client,
        &console,
        Method::DELETE,
        "/ak/api/v3/kubernetes/components/org1peer2",
        &manager,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(deleted["id"], "org1peer2");
    console.shutdown().await;
}
