//! The deployer with real Fabric behind it: create-CA starts a `fabric-ca-server` that answers
//! at its `api_url`; create-peer enrolls at it and starts a peer that the status route reports
//! "ok" once its `/healthz` does; a wrong enroll secret is refused with the CA's message and
//! starts nothing; a region outage (the console's switch) stops the console and both nodes and
//! brings them back with the same URLs, certificates and records; deleting the component stops
//! the process and removes its data.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{call, eventually, start};
use fabric_ha_testbed::console::{Deployer, SwitchError, TestConsoleConfig};
use fabric_ha_testnet::{enroll, msp::register, CaEndpoint, Fabric};
use reqwest::Method;
use serde_json::{json, Value};

fn pem(v: &Value) -> String {
    String::from_utf8(STANDARD.decode(v.as_str().unwrap()).unwrap()).unwrap()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_components_are_real_processes_until_deleted() {
    let Some(fabric) = Fabric::for_tests("created_components_are_real_processes_until_deleted")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (console, client) = start(TestConsoleConfig {
        name: "region one".into(),
        deployer: Some(Deployer {
            fabric: fabric.clone(),
            dir: tmp.path().join("nodes"),
        }),
        ..TestConsoleConfig::default()
    })
    .await;
    let key = console.manager_key();
    let status = |id: String| {
        let (client, console, key) = (&client, &console, &key);
        async move {
            let body = json!({ "components": { id.clone(): {} } });
            let (code, _, answer) = call(
                client,
                console,
                Method::POST,
                "/ak/api/v3/components/status",
                key,
                Some(&body),
            )
            .await;
            assert_eq!(code, 207);
            answer[&id].clone()
        }
    };

    let (code, _, ca) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/kubernetes/components/fabric-ca",
        &key,
        Some(&json!({
            "display_name": "Org1 CA",
            "config_override": { "ca": { "registry": { "maxenrollments": -1, "identities": [
                { "name": "admin", "pass": "adminpw", "type": "client",
                  "attrs": { "hf.Registrar.Roles": "*" } },
                { "name": "org1peer1", "pass": "org1peer1pw", "type": "peer" }
            ] } } }
        })),
    )
    .await;
    assert_eq!(code, 200, "{ca:#}");
    assert_eq!(ca["location"], "ibm_saas");
    assert_eq!(status("org1ca".into()).await["status"], "ok");
    // The registry came from the body: the second identity enrolls.
    let endpoint = CaEndpoint {
        url: ca["api_url"].as_str().unwrap().to_owned(),
        tls_cert_pem: pem(&ca["msp"]["component"]["tls_cert"]),
        ca_name: Some("ca".into()),
    };
    let admin = enroll(
        &fabric,
        &endpoint,
        "admin",
        "adminpw",
        &[],
        &tmp.path().join("admin"),
    )
    .await
    .unwrap();
    register(
        &fabric,
        &endpoint,
        &admin,
        "org1peer2",
        "org1peer2pw",
        "peer",
    )
    .await
    .unwrap();

    let port = ca["api_url"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<u16>()
        .unwrap();
    let peer_body = |id: &str, secret: &str| {
        let enrollment = |name: &str| {
            json!({ "host": "127.0.0.1", "port": port, "name": name,
                    "tls_cert": ca["msp"]["component"]["tls_cert"],
                    "enroll_id": id, "enroll_secret": secret })
        };
        json!({
            "display_name": format!("Peer {id}"),
            "msp_id": "org1msp",
            "crypto": { "enrollment": {
                "ca": enrollment("ca"),
                "tlsca": enrollment("tlsca"),
                "component": { "admin_certs": [STANDARD.encode(&admin.cert_pem)] }
            } }
        })
    };
    let create = "/ak/api/v3/kubernetes/components/fabric-peer";

    // A wrong secret: the CA's refusal, and nothing stored or started.
    let (code, _, refused) = call(
        &client,
        &console,
        Method::POST,
        create,
        &key,
        Some(&peer_body("org1peer2", "wrong")),
    )
    .await;
    assert_eq!(code, 400, "{refused:#}");
    assert!(
        refused["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("Authentication failure"),
        "{refused:#}"
    );
    assert_eq!(console.node_pids().len(), 1);

    let (code, _, peer) = call(
        &client,
        &console,
        Method::POST,
        create,
        &key,
        Some(&peer_body("org1peer2", "org1peer2pw")),
    )
    .await;
    assert_eq!(code, 200, "{peer:#}");
    let id = peer["id"].as_str().unwrap().to_owned();
    assert!(peer["api_url"]
        .as_str()
        .unwrap()
        .starts_with("grpcs://127.0.0.1:"));
    assert_eq!(
        pem(&peer["msp"]["ca"]["root_certs"][0]),
        pem(&ca["msp"]["ca"]["root_certs"][0])
    );
    assert!(
        eventually(Duration::from_secs(30), || async {
            status(id.clone()).await["status"] == "ok"
        })
        .await,
        "the peer never reported ok"
    );
    let mut pids = console.node_pids();
    assert_eq!(pids.len(), 2);
    let peer_dir = tmp.path().join("nodes").join("region-one").join(&id);
    assert!(peer_dir.is_dir());

    // A region outage: the console stops answering and its nodes stop; started again, the
    // nodes come back on the same URLs with the same certificates and the console on the same
    // port with the same records.
    let switch = console.switch();
    let records = console.components();
    let stopped = switch.stop().await.unwrap();
    assert_eq!(
        stopped.iter().map(|n| n.kind).collect::<Vec<_>>(),
        ["ca", "peer"]
    );
    assert!(pids.iter().all(|p| !alive(*p)), "{pids:?}");
    assert!(!switch.is_running());
    assert!(client
        .get(format!("{}/ak/api/v3/settings", console.url()))
        .send()
        .await
        .is_err());
    assert_eq!(switch.stop().await, Err(SwitchError::AlreadyStopped));
    let started = switch.start().await.unwrap();
    assert_eq!(switch.start().await, Err(SwitchError::AlreadyRunning));
    assert!(started.iter().all(|n| n.pid.is_some_and(alive)));
    assert_eq!(console.components(), records);
    assert_eq!(status("org1ca".into()).await["status"], "ok");
    assert_eq!(status(id.clone()).await["status"], "ok");
    enroll(
        &fabric,
        &endpoint,
        "admin",
        "adminpw",
        &[],
        &tmp.path().join("admin-again"),
    )
    .await
    .unwrap();
    let restarted = console.node_pids();
    assert!(restarted.iter().all(|p| !pids.contains(p)));
    pids.extend(restarted);

    // Deleting the created peer stops it and removes its data; the CA keeps running.
    let (code, _, deleted) = call(
        &client,
        &console,
        Method::DELETE,
        &format!("/ak/api/v3/kubernetes/components/{id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(code, 200, "{deleted:#}");
    assert_eq!(console.node_pids().len(), 1);
    assert!(!peer_dir.exists());
    assert_eq!(status(id.clone()).await["error"], "unknown component id");
    assert_eq!(pids.iter().filter(|p| alive(**p)).count(), 1);

    console.shutdown().await;
    let left: Vec<&u32> = pids.iter().filter(|p| alive(**p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
