//! Rate limits, injected faults, request counting and the blocking start.

mod common;

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use common::{call, eventually, start};
use fabric_ha_testbed::console::{Faults, TestConsole, TestConsoleConfig};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn writes_are_limited_to_25_per_window_with_retry_after() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let reader = console.reader_key();
    let status_body = json!({"components": {}});
    for i in 0..25 {
        let (status, headers, _) = call(
            &client,
            &console,
            Method::POST,
            "/ak/api/v3/components/status",
            &reader,
            Some(&status_body),
        )
        .await;
        assert_eq!(status, 207, "request {i}");
        assert_eq!(
            headers["x-ratelimit-remaining"],
            (24 - i).to_string().as_str()
        );
    }
    let (status, headers, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/status",
        &reader,
        Some(&status_body),
    )
    .await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "60");
    assert_eq!(headers["x-ratelimit-limit"], "25");
    assert!(headers.contains_key("x-ratelimit-reset"));
    assert_eq!(body["rate_limit"], "25/min");
    assert_eq!(
        body["error"],
        "[AK Requests] exceeded the low volume rate limit - too many requests, try again later"
    );
    assert!(body["tips"].is_array());

    // Reads have their own, four times larger budget.
    let (status, headers, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &reader,
        None,
    )
    .await;
    assert_eq!(status, 222);
    assert_eq!(headers["x-ratelimit-limit"], "100");

    // Another client (User-Agent) is counted separately.
    let other = reqwest::Client::builder()
        .user_agent("another-tool/1.0")
        .add_root_certificate(
            reqwest::Certificate::from_pem(console.ca_cert_pem().expect("tls").as_bytes())
                .expect("pem"),
        )
        .build()
        .expect("client");
    let (status, _, _) = call(
        &other,
        &console,
        Method::POST,
        "/ak/api/v3/components/status",
        &reader,
        Some(&status_body),
    )
    .await;
    assert_eq!(status, 207);
    console.shutdown().await;
}

#[tokio::test]
async fn reads_are_limited_to_four_times_the_write_limit_and_recover_after_the_window() {
    let cfg = TestConsoleConfig {
        rate_limit_per_min: 2,
        rate_limit_window: Duration::from_millis(700),
        tls: false,
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    assert!(console.url().starts_with("http://"));
    assert!(console.ca_cert_pem().is_none());
    let reader = console.reader_key();
    // The window may roll over mid-loop; keep going until a 429 shows the limit of 8.
    let limited = eventually(Duration::from_secs(10), || {
        let client = client.clone();
        let reader = reader.clone();
        let console = &console;
        async move {
            for _ in 0..9 {
                let (status, headers, body) = call(
                    &client,
                    console,
                    Method::GET,
                    "/ak/api/v3/components",
                    &reader,
                    None,
                )
                .await;
                if status == 429 {
                    assert_eq!(body["rate_limit"], "8/min");
                    assert_eq!(headers["retry-after"], "1");
                    return true;
                }
            }
            false
        }
    })
    .await;
    assert!(limited, "the ninth read in a window is refused");
    let recovered = eventually(Duration::from_secs(10), || {
        let client = client.clone();
        let reader = reader.clone();
        let console = &console;
        async move {
            call(
                &client,
                console,
                Method::GET,
                "/ak/api/v3/components",
                &reader,
                None,
            )
            .await
            .0 == 222
        }
    })
    .await;
    assert!(recovered, "reads work again in the next window");
    console.shutdown().await;
}

#[tokio::test]
async fn injected_statuses_resets_hangs_and_latency() {
    let cfg = TestConsoleConfig {
        faults: Faults {
            fail_next_5xx: vec![503, 502],
            ..Faults::default()
        },
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let reader = console.reader_key();
    let path = "/ak/api/v3/components";
    assert_eq!(
        call(&client, &console, Method::GET, path, &reader, None)
            .await
            .0,
        503
    );
    assert_eq!(
        call(&client, &console, Method::GET, path, &reader, None)
            .await
            .0,
        502
    );
    assert_eq!(
        call(&client, &console, Method::GET, path, &reader, None)
            .await
            .0,
        222
    );
    assert_eq!(console.request_count(), 3);

    console.faults().reset_next(1);
    let reset = client
        .get(format!("{}{path}", console.url()))
        .basic_auth(&reader.0, Some(&reader.1))
        .send()
        .await;
    assert!(reset.is_err(), "connection closed without a response");
    assert_eq!(
        call(&client, &console, Method::GET, path, &reader, None)
            .await
            .0,
        222
    );

    console.faults().hang_next(1);
    let started = Instant::now();
    let hung = client
        .get(format!("{}{path}", console.url()))
        .basic_auth(&reader.0, Some(&reader.1))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    let err = hung.expect_err("never answered");
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(300));

    console
        .faults()
        .set_latency(Some(Duration::from_millis(200)));
    let started = Instant::now();
    assert_eq!(
        call(&client, &console, Method::GET, path, &reader, None)
            .await
            .0,
        222
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    console.faults().clear();
    assert_eq!(console.faults().get(), Faults::default());
    assert_eq!(console.request_count(), 7);
    console.shutdown().await;
}

#[test]
fn blocking_start_serves_without_an_async_runtime() {
    let cfg = TestConsoleConfig {
        tls: false,
        ..TestConsoleConfig::default()
    };
    let console = TestConsole::start_blocking(cfg).expect("starts");
    let address = console.url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout set");
    write!(
        stream,
        "GET /ak/api/v3/settings HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("request written");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"AUTH_SCHEME\":\"couchdb\""));
    assert_eq!(console.request_count(), 1);
    console.shutdown_blocking();
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "port closed after shutdown"
    );
}
