//! The test CA as a standalone `fabric-ca-server` whose `ca.name` is `org1-ca`: a request that
//! names no CA gets the default CA, any other name is 404 code 19, in the order Fabric CA 1.5
//! checks (each answer below was seen from `fabric-ca-server` 1.5.21 started with
//! `--ca.name org1-ca`).

#![allow(clippy::unwrap_used, missing_docs)]

use fabric_ha_testbed::ca::{CaSelection, TestCa, TestCaConfig};
use serde_json::{json, Value};

fn standalone() -> TestCaConfig {
    TestCaConfig {
        ca_name: "org1-ca".to_owned(),
        ..TestCaConfig::default()
    }
}

fn http(ca: &TestCa) -> reqwest::Client {
    let root = reqwest::Certificate::from_pem(ca.ca_root_pem("tlsca").unwrap().as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .build()
        .unwrap()
}

/// Sends one request; `auth` is a basic-auth pair, `body` raw bytes.
async fn send(
    http: &reqwest::Client,
    ca: &TestCa,
    method: reqwest::Method,
    uri: &str,
    body: &str,
    auth: Option<(&str, &str)>,
) -> (u16, Value) {
    let mut request = http
        .request(method, format!("{}{uri}", ca.url()))
        .body(body.to_owned());
    if let Some((user, password)) = auth {
        request = request.basic_auth(user, Some(password));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn error(code: i64, message: &str) -> Value {
    json!({
        "result": "",
        "errors": [{ "code": code, "message": message }],
        "messages": [],
        "success": false
    })
}

#[tokio::test]
async fn no_name_is_the_default_ca_and_any_other_name_does_not_exist() {
    let ca = TestCa::start(standalone()).await.unwrap();
    let http = http(&ca);
    assert!(ca.ca_root_pem("org1-ca").is_some());
    assert!(ca.ca_root_pem("ca").is_none());

    // No name, an empty `?ca=`, an empty `caname`, or the default's own name: the default CA.
    for (method, uri, body) in [
        (reqwest::Method::GET, "/api/v1/cainfo", ""),
        (reqwest::Method::GET, "/cainfo", ""),
        (reqwest::Method::GET, "/api/v1/cainfo?ca=", ""),
        (reqwest::Method::POST, "/api/v1/cainfo", r#"{"caname":""}"#),
        (reqwest::Method::GET, "/api/v1/cainfo?ca=org1-ca", ""),
    ] {
        let (status, answer) = send(&http, &ca, method, uri, body, None).await;
        assert_eq!(status, 200, "{uri} {body}: {answer}");
        assert_eq!(answer["result"]["CAName"], "org1-ca", "{uri} {body}");
    }

    // `ca` (what a console-deployed CA answers to) and any other unknown name: 404 code 19,
    // by query or by body.
    let (status, answer) = send(
        &http,
        &ca,
        reqwest::Method::GET,
        "/api/v1/cainfo?ca=ca",
        "",
        None,
    )
    .await;
    assert_eq!((status, answer), (404, error(19, "CA 'ca' does not exist")));
    let (status, answer) = send(
        &http,
        &ca,
        reqwest::Method::POST,
        "/api/v1/cainfo",
        r#"{"caname":"ca"}"#,
        None,
    )
    .await;
    assert_eq!((status, answer), (404, error(19, "CA 'ca' does not exist")));
    let (status, answer) = send(
        &http,
        &ca,
        reqwest::Method::POST,
        "/api/v1/enroll",
        r#"{"certificate_request":"x","caname":"ca"}"#,
        Some(("admin", "adminpw")),
    )
    .await;
    assert_eq!((status, answer), (404, error(19, "CA 'ca' does not exist")));

    // What each request named, as received.
    let selections = ca.ca_selections();
    assert_eq!(
        selections[0],
        CaSelection {
            method: "GET".into(),
            path: "/api/v1/cainfo".into(),
            query: None,
            caname: None,
            answered: Some("org1-ca".into()),
        }
    );
    assert_eq!(selections[2].query.as_deref(), Some(""));
    assert_eq!(selections[3].caname.as_deref(), Some(""));
    assert_eq!(selections[5].query.as_deref(), Some("ca"));
    assert_eq!(selections[5].answered, None);
    assert_eq!(selections.len(), 8);
    ca.shutdown().await;
}

#[tokio::test]
async fn an_unknown_ca_name_is_checked_in_fabric_cas_order() {
    let ca = TestCa::start(standalone()).await.unwrap();
    let http = http(&ca);
    let no_header = error(2, "No authorization header");
    let no_ca = error(19, "CA 'nope' does not exist");

    // enroll and identities: a missing Authorization header first, then the CA name, then
    // the credentials.
    for (method, uri) in [
        (reqwest::Method::POST, "/api/v1/enroll?ca=nope"),
        (reqwest::Method::GET, "/api/v1/identities?ca=nope"),
        (reqwest::Method::POST, "/api/v1/identities?ca=nope"),
        (reqwest::Method::GET, "/api/v1/identities/admin?ca=nope"),
    ] {
        let answer = send(&http, &ca, method.clone(), uri, r#"{"id":"x"}"#, None).await;
        assert_eq!(answer, (401, no_header.clone()), "{method} {uri}");
        let answer = send(
            &http,
            &ca,
            method.clone(),
            uri,
            r#"{"id":"x"}"#,
            Some(("admin", "wrong")),
        )
        .await;
        assert_eq!(answer, (404, no_ca.clone()), "{method} {uri}");
    }

    // register: the CA name before the body and the header.
    let answer = send(
        &http,
        &ca,
        reqwest::Method::POST,
        "/api/v1/register?ca=nope",
        "",
        None,
    )
    .await;
    assert_eq!(answer, (404, no_ca.clone()));
    let answer = send(
        &http,
        &ca,
        reqwest::Method::POST,
        "/api/v1/register",
        r#"{"id":"x","caname":"nope"}"#,
        None,
    )
    .await;
    assert_eq!(answer, (404, no_ca));
    let answer = send(
        &http,
        &ca,
        reqwest::Method::POST,
        "/api/v1/register",
        "",
        None,
    )
    .await;
    assert_eq!(answer, (400, error(4, "Empty request body")));
    let answer = send(
        &http,
        &ca,
        reqwest::Method::POST,
        "/api/v1/register",
        r#"{"id":"x"}"#,
        None,
    )
    .await;
    assert_eq!(answer, (401, no_header));
    ca.shutdown().await;
}
