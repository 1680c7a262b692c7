//! Creating (deploying) a CA: the deployer API's body, strict keys, roles, the import-only
//! 503, the pending -> running life cycle, and a CA server that really answers at `api_url`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{call, create_peer_body, eventually, start};
use fabric_ha_testbed::console::TestConsoleConfig;
use reqwest::Method;
use serde_json::{json, Value};

const PATH: &str = "/ak/api/v3/kubernetes/components/fabric-ca";

fn create_ca_body(display_name: &str) -> Value {
    json!({
        "display_name": display_name,
        "config_override": {
            "ca": {
                "registry": {
                    "maxenrollments": -1,
                    "identities": [{
                        "name": "org1-ca-admin",
                        "pass": "ca-admin-secret",
                        "type": "client",
                        "attrs": { "hf.Registrar.Roles": "*" }
                    }]
                }
            }
        }
    })
}

#[tokio::test]
async fn import_only_consoles_and_writers_cannot_create_a_ca() {
    let cfg = TestConsoleConfig {
        import_only: true,
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let body = create_ca_body("Org1 CA");
    let (status, _, answer) = call(
        &client,
        &console,
        Method::POST,
        PATH,
        &console.manager_key(),
        Some(&body),
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(answer["error"], "api is not available");
    console.shutdown().await;

    let (console, client) = start(TestConsoleConfig::default()).await;
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        PATH,
        &console.writer_key(),
        Some(&body),
    )
    .await;
    assert_eq!(status, 401, "writers cannot deploy");
    assert!(console.components().is_empty());
    console.shutdown().await;
}

#[tokio::test]
async fn the_body_is_checked_like_the_consoles_create_ca_schema() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let manager = console.manager_key();
    let (status, _, answer) = call(
        &client,
        &console,
        Method::POST,
        PATH,
        &manager,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["msgs"],
        json!([
            "Expected parameter 'display_name' to exist.",
            "Expected parameter 'config_override' to exist."
        ])
    );

    let mut body = create_ca_body("Org1 CA");
    body["enroll_id"] = json!("admin");
    body["config_override"]["ca"]["registry"]["identities"][0]["type"] = json!("superuser");
    body["config_override"]["ca"]["registry"]["identities"][0]["pass"] = json!("abc");
    body["config_override"]["ca"]["port"] = json!(7054);
    let (status, _, answer) =
        call(&client, &console, Method::POST, PATH, &manager, Some(&body)).await;
    assert_eq!(status, 400);
    let messages: Vec<&str> = answer["msgs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        messages.contains(&"Parameter 'enroll_id' is an unknown key for object."),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("config_override.ca.port")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(
            |m| m.contains("config_override.ca.registry.identities.0.type")
                || m.contains("config_override.ca.registry.identities[0].type")
        ),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains(".pass")), "{messages:?}");
    let mut empty = create_ca_body("Org1 CA");
    empty["config_override"]["ca"]["registry"]["identities"] = json!([]);
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        PATH,
        &manager,
        Some(&empty),
    )
    .await;
    assert_eq!(status, 400, "a CA needs at least one identity");
    assert!(console.components().is_empty());
    console.shutdown().await;
}

#[tokio::test]
async fn a_created_ca_runs_a_real_ca_server_and_becomes_a_known_enroll_host() {
    let cfg = TestConsoleConfig {
        deploy_delay: Duration::from_millis(300),
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let manager = console.manager_key();
    let (status, _, record) = call(
        &client,
        &console,
        Method::POST,
        PATH,
        &manager,
        Some(&create_ca_body("Org1 CA")),
    )
    .await;
    assert_eq!(status, 200, "{record:#}");
    assert_eq!(record["id"], "org1ca");
    assert_eq!(record["type"], "fabric-ca");
    assert_eq!(record["location"], "ibm_saas");
    assert_eq!(record["msp"]["ca"]["name"], "ca");
    assert_eq!(record["msp"]["tlsca"]["name"], "tlsca");
    assert!(record["dep_component_id"].is_string());
    assert!(
        !record.to_string().contains("ca-admin-secret"),
        "the answer must not echo the admin secret"
    );

    // Pending, then running.
    let status_of = || {
        let client = client.clone();
        let console = &console;
        let manager = manager.clone();
        async move {
            let (_, _, answer) = call(
                &client,
                console,
                Method::POST,
                "/ak/api/v3/components/status",
                &manager,
                Some(&json!({"components": {"org1ca": {}}})),
            )
            .await;
            answer["org1ca"]["status"].clone()
        }
    };
    assert_eq!(status_of().await, "not ok");
    assert!(
        eventually(Duration::from_secs(10), || async {
            status_of().await == "ok"
        })
        .await
    );

    // The CA answers cainfo at its api_url over TLS with a certificate issued by its TLS CA,
    // and each chain is the record's root.
    let pem = |v: &Value| String::from_utf8(STANDARD.decode(v.as_str().unwrap()).unwrap()).unwrap();
    let tls_pem = pem(&record["msp"]["tlsca"]["root_certs"][0]);
    assert!(pem(&record["msp"]["component"]["tls_cert"]).contains("BEGIN CERTIFICATE"));
    let ca_client = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(tls_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let api_url = record["api_url"].as_str().unwrap();
    for (name, section) in [("ca", "ca"), ("tlsca", "tlsca")] {
        let info: Value = ca_client
            .get(format!("{api_url}/cainfo?ca={name}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(info["success"], true);
        assert_eq!(info["result"]["CAName"], name);
        assert_eq!(
            info["result"]["CAChain"],
            record["msp"][section]["root_certs"][0]
        );
    }

    // A peer enrolling at the new CA's host and port passes the known-host check.
    let port = api_url.rsplit(':').next().unwrap().parse::<u16>().unwrap();
    let (status, _, peer) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/kubernetes/components/fabric-peer",
        &manager,
        Some(&create_peer_body("Org1 Peer 1", "127.0.0.1", port)),
    )
    .await;
    assert_eq!(status, 200, "{peer:#}");
    assert_eq!(
        peer["msp"]["ca"]["root_certs"],
        record["msp"]["ca"]["root_certs"]
    );

    // Deleting the deployment stops the CA server.
    let (status, _, _) = call(
        &client,
        &console,
        Method::DELETE,
        "/ak/api/v3/kubernetes/components/org1ca",
        &manager,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        eventually(Duration::from_secs(10), || async {
            ca_client
                .get(format!("{api_url}/cainfo"))
                .send()
                .await
                .is_err()
        })
        .await
    );
    console.shutdown().await;
}
