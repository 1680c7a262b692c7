//! Authentication and roles: plain-text 401s, role checks, the bootstrap user and API keys.

mod common;

use common::{ca_body, call, start};
use fabric_ha_testbed::console::TestConsoleConfig;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn missing_or_wrong_credentials_get_plain_text_401() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let url = format!("{}/ak/api/v3/components", console.url());

    let response = client.get(&url).send().await.expect("answered");
    assert_eq!(response.status().as_u16(), 401);
    let www = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .expect("WWW-Authenticate present")
        .to_owned();
    assert!(www.starts_with("Basic realm="), "{www}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert_eq!(response.text().await.expect("body"), "Unauthorized");

    let (key, _) = console.manager_key();
    let wrong = client
        .get(&url)
        .basic_auth(&key, Some("not-the-secret"))
        .send()
        .await
        .expect("answered");
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(wrong.text().await.expect("body"), "Unauthorized");

    let bearer = client
        .get(&url)
        .bearer_auth("some-token")
        .send()
        .await
        .expect("answered");
    assert_eq!(bearer.status().as_u16(), 401);
    console.shutdown().await;
}

#[tokio::test]
async fn reader_can_read_but_importing_is_401_not_403() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let reader = console.reader_key();
    let (status, _, body) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &reader,
        None,
    )
    .await;
    assert_eq!(status, 222);
    assert_eq!(body["components"], json!([]));

    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &reader,
        Some(&ca),
    )
    .await;
    assert_eq!(status, 401);
    assert!(console.components().is_empty(), "nothing stored");

    let writer = console.writer_key();
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!(status, 200);

    // Health and key management need the manager role.
    let (status, _, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/health",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, body) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/health",
        &console.manager_key(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["OPTOOLS"].is_object());
    console.shutdown().await;
}

#[tokio::test]
async fn settings_and_healthcheck_need_no_auth() {
    let cfg = TestConsoleConfig {
        import_only: true,
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let settings: serde_json::Value = client
        .get(format!("{}/ak/api/v3/settings", console.url()))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(settings["AUTH_SCHEME"], "couchdb");
    assert_eq!(settings["FEATURE_FLAGS"]["import_only_enabled"], true);
    assert_eq!(settings["MAX_REQ_PER_MIN_AK"], 25);
    assert_eq!(settings["HOST_URL"], console.url());

    let health = client
        .get(format!("{}/api/v3/healthcheck", console.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(health.status().as_u16(), 200);
    let health: serde_json::Value = health.json().await.expect("json");
    assert_eq!(health["message"], "ok");
    console.shutdown().await;
}

#[tokio::test]
async fn bootstrap_user_only_creates_keys_and_keys_can_be_managed() {
    let cfg = TestConsoleConfig {
        bootstrap_user: Some(("admin@example.com".to_owned(), "initial-pass".to_owned())),
        ..TestConsoleConfig::default()
    };
    let (console, client) = start(cfg).await;
    let user = ("admin@example.com".to_owned(), "initial-pass".to_owned());

    let (status, _, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &user,
        None,
    )
    .await;
    assert_eq!(status, 401, "bootstrap user cannot use other routes");

    let wrong = ("admin@example.com".to_owned(), "nope".to_owned());
    let request = json!({ "roles": ["reader", "writer", "manager"], "description": "ha-tool" });
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/permissions/keys",
        &wrong,
        Some(&request),
    )
    .await;
    assert_eq!(status, 401);

    let (status, _, created) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/permissions/keys",
        &user,
        Some(&request),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(created["message"], "ok");
    assert_eq!(created["roles"], json!(["reader", "writer", "manager"]));
    let new_key = (
        created["api_key"].as_str().expect("api_key").to_owned(),
        created["api_secret"]
            .as_str()
            .expect("api_secret")
            .to_owned(),
    );
    assert!(!new_key.0.contains(':'));

    let (status, _, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &new_key,
        None,
    )
    .await;
    assert_eq!(status, 222, "the new key works");

    let (status, _, listed) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/permissions/keys",
        &new_key,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let listed_keys: Vec<&str> = listed["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["api_key"].as_str())
        .collect();
    assert!(listed_keys.contains(&new_key.0.as_str()));
    assert!(
        listed["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .all(|k| k.get("api_secret").is_none()),
        "secrets are never listed"
    );

    let bad_roles = json!({ "roles": ["admin"] });
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/permissions/keys",
        &new_key,
        Some(&bad_roles),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["msg"][0]
        .as_str()
        .expect("msg")
        .starts_with("invalid roles for api key"));

    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/permissions/keys",
        &console.writer_key(),
        Some(&request),
    )
    .await;
    assert_eq!(status, 401, "writers cannot manage keys");

    let path = format!("/ak/api/v3/permissions/keys/{}", new_key.0);
    let (status, _, deleted) = call(
        &client,
        &console,
        Method::DELETE,
        &path,
        &console.manager_key(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(deleted["deleted"], new_key.0);
    let (status, _, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &new_key,
        None,
    )
    .await;
    assert_eq!(status, 401, "a deleted key stops working");
    console.shutdown().await;
}
