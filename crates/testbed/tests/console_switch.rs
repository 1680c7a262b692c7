//! A console stopped and started as a region outage does, without Fabric: connections refused
//! while stopped, the same URL, records and API keys afterwards, precise refusals; and the
//! sandbox's control socket that lets another process do it: owner-only, one JSON line each
//! way, found in the temporary folder while its sandbox runs and gone with it.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt as _;

use common::{call, msp_body, start};
use fabric_ha_testbed::console::{SwitchError, TestConsoleConfig};
use fabric_ha_testbed::control::{self, ControlError};
use fabric_ha_testbed::sandbox::Regions;
use reqwest::Method;
use serde_json::json;

fn port(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_console_refuses_connections_and_serves_the_same_state_again() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let key = console.manager_key();
    let (code, _, msp) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/msp",
        &key,
        Some(&msp_body("Org1 MSP")),
    )
    .await;
    assert_eq!(code, 200, "{msp:#}");

    let switch = console.switch();
    assert_eq!(switch.url(), console.url());
    assert!(switch.is_running());
    assert_eq!(switch.stop().await, Ok(Vec::new()), "no deployer: no nodes");
    assert!(!switch.is_running());
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port(&console.url())))
            .await
            .is_err()
    );
    assert_eq!(switch.stop().await, Err(SwitchError::AlreadyStopped));

    assert_eq!(switch.start().await, Ok(Vec::new()));
    assert_eq!(switch.start().await, Err(SwitchError::AlreadyRunning));
    let (code, _, listed) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &key,
        None,
    )
    .await;
    assert_eq!(code, 200, "{listed:#}");
    assert_eq!(listed["components"][0]["id"], msp["id"], "{listed:#}");

    console.shutdown().await;
    assert_eq!(switch.start().await, Err(SwitchError::Gone));
    assert!(!switch.is_running());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_socket_stops_and_starts_regions_for_its_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let (east, _) = start(TestConsoleConfig::default()).await;
    let (west, _) = start(TestConsoleConfig::default()).await;
    let regions = Regions::new(vec![
        ("east".into(), east.switch()),
        ("west".into(), west.switch()),
    ]);
    let dir = tmp
        .path()
        .join(format!("{}test", control::SANDBOX_DIR_PREFIX));
    std::fs::create_dir(&dir).unwrap();
    let socket = dir.join(control::SOCKET_NAME);
    assert!(control::running(tmp.path()).is_empty());
    let server = control::serve(&socket, regions.clone()).await.unwrap();
    assert_eq!(server.path(), socket);
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(control::running(tmp.path()), vec![socket.clone()]);
    // A second sandbox on the same socket is refused.
    assert!(control::serve(&socket, regions.clone()).await.is_err());

    // The client blocks: it runs beside the runtime, as the CLI does.
    let ask = |request: serde_json::Value| {
        let socket = socket.clone();
        tokio::task::spawn_blocking(move || control::request(&socket, &request))
    };
    let status = ask(json!({ "op": "status" })).await.unwrap().unwrap();
    assert_eq!(status.len(), 2);
    assert_eq!(status[0]["region"], "east");
    assert_eq!(status[0]["console_url"], east.url().as_str());
    assert_eq!(status[0]["running"], true);

    let stopped = ask(json!({ "op": "stop", "region": "east" }))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stopped[0]["running"], false);
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port(&east.url())))
            .await
            .is_err()
    );
    assert!(west.switch().is_running(), "only east stopped");

    let refusal = |answer: Result<Vec<serde_json::Value>, ControlError>| match answer {
        Err(ControlError::Refused { code, message }) => (code, message),
        other => panic!("not a refusal: {other:?}"),
    };
    assert_eq!(
        refusal(
            ask(json!({ "op": "stop", "region": "east" }))
                .await
                .unwrap()
        ),
        (
            "already_stopped".to_owned(),
            "region east is stopped already".to_owned()
        )
    );
    assert_eq!(
        refusal(
            ask(json!({ "op": "start", "region": "north" }))
                .await
                .unwrap()
        ),
        (
            "unknown_region".to_owned(),
            "the sandbox has no region \"north\" (its regions: east, west)".to_owned()
        )
    );
    assert_eq!(
        refusal(ask(json!({ "op": "stop" })).await.unwrap()).0,
        "failed"
    );
    let started = ask(json!({ "op": "start", "region": "east" }))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(started[0]["running"], true);
    assert!(east.switch().is_running());
    assert_eq!(
        refusal(
            ask(json!({ "op": "start", "region": "east" }))
                .await
                .unwrap()
        )
        .0,
        "already_running"
    );

    // Gone with its sandbox: the socket file too, and a client says nobody answers.
    drop(server);
    assert!(!socket.exists());
    assert!(control::running(tmp.path()).is_empty());
    assert!(matches!(
        ask(json!({ "op": "status" })).await.unwrap(),
        Err(ControlError::NotRunning { .. })
    ));
    east.shutdown().await;
    west.shutdown().await;
}
