//! Consoles on IBM Cloud (`AUTH_SCHEME` `iam`): the client exchanges an IBM Cloud API key at
//! the IAM token service for access tokens, keeps them, and asks again when a console refuses
//! one — against the test token service and a test console that takes only its tokens.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use fabric_ha_console::{
    ApiRole, ClientOptions, ComponentQuery, ConsoleAuth, ConsoleClient, ConsoleEndpoint,
    ConsoleError, Verdict,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use fabric_ha_testbed::iam::TestIam;

const HOUR: Duration = Duration::from_secs(3600);

fn fast() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(40),
        ..ClientOptions::default()
    }
}

async fn iam_console(iam: &TestIam) -> TestConsole {
    TestConsole::start(TestConsoleConfig {
        name: "ibm-cloud".into(),
        auth_scheme: "iam".into(),
        iam: Some(iam.handle()),
        ..TestConsoleConfig::default()
    })
    .await
    .unwrap()
}

/// A client of `tc` signed in with the IBM Cloud API key `key`; it trusts the console's and
/// the token service's test CAs.
fn iam_client(tc: &TestConsole, iam: &TestIam, key: &str) -> ConsoleClient {
    ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::Iam {
                api_key: Sensitive::from(key),
                token_url: iam.token_url(),
            },
            extra_ca_pem: Some(format!("{}\n{}", tc.ca_cert_pem().unwrap(), iam.ca_pem())),
        },
        fast(),
    )
    .unwrap()
}

#[tokio::test]
async fn an_ibm_cloud_api_key_signs_in_and_its_token_is_kept_for_every_client() {
    let iam = TestIam::start(HOUR).await.unwrap();
    let tc = iam_console(&iam).await;
    let key = iam.add_key(&["Manager"]);

    let report = iam_client(&tc, &iam, &key).test_connection().await;
    assert!(matches!(report.verdict, Verdict::Ready), "{report:?}");
    assert_eq!(report.role, Some(ApiRole::Manager));
    // A second client of the same key (a new command in the window) reuses the token.
    let listed = iam_client(&tc, &iam, &key)
        .list_components(ComponentQuery::default())
        .await
        .unwrap();
    assert!(listed.is_empty());
    assert_eq!(iam.exchanges(), 1);
}

#[tokio::test]
async fn a_revoked_token_is_asked_for_again_once() {
    let iam = TestIam::start(HOUR).await.unwrap();
    let tc = iam_console(&iam).await;
    let key = iam.add_key(&["Writer"]);
    let client = iam_client(&tc, &iam, &key);
    client
        .list_components(ComponentQuery::default())
        .await
        .unwrap();
    assert_eq!(iam.exchanges(), 1);

    iam.revoke_tokens();
    client
        .list_components(ComponentQuery::default())
        .await
        .unwrap();
    assert_eq!(iam.exchanges(), 2);
    client
        .list_components(ComponentQuery::default())
        .await
        .unwrap();
    assert_eq!(iam.exchanges(), 2);
}

#[tokio::test]
async fn an_unknown_key_is_refused_by_iam_with_its_message() {
    let iam = TestIam::start(HOUR).await.unwrap();
    let tc = iam_console(&iam).await;
    let client = iam_client(&tc, &iam, "no-such-key");
    let err = client
        .list_components(ComponentQuery::default())
        .await
        .unwrap_err();
    match &err {
        ConsoleError::IamRefused { url, message } => {
            assert_eq!(url, &iam.token_url());
            assert_eq!(
                message,
                "HTTP 400: Provided API key could not be found. (BXNIM0415E)"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), "console_iam_refused");
    // The key never reaches the error or the client's debug output.
    assert!(!format!("{err} {client:?}").contains("no-such-key"));
    assert_eq!(tc.request_count(), 0);

    let report = client.test_connection().await;
    assert!(
        matches!(
            report.verdict,
            Verdict::Failed(ConsoleError::IamRefused { .. })
        ),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_reader_key_can_read_but_not_import() {
    let iam = TestIam::start(HOUR).await.unwrap();
    let tc = iam_console(&iam).await;
    let key = iam.add_key(&["Reader"]);
    let report = iam_client(&tc, &iam, &key).test_connection().await;
    assert_eq!(report.role, Some(ApiRole::Reader), "{report:?}");
    assert!(matches!(report.verdict, Verdict::ReaderOnly), "{report:?}");
}

#[tokio::test]
async fn a_software_console_given_an_ibm_cloud_key_says_it_takes_console_keys() {
    let iam = TestIam::start(HOUR).await.unwrap();
    let tc = TestConsole::start(TestConsoleConfig::default())
        .await
        .unwrap();
    let key = iam.add_key(&["Manager"]);
    let report = iam_client(&tc, &iam, &key).test_connection().await;
    match &report.verdict {
        Verdict::Failed(e @ ConsoleError::NotIam { scheme, .. }) => {
            assert_eq!(scheme, "couchdb");
            assert_eq!(e.code(), "console_not_iam");
        }
        other => panic!("{other:?}"),
    }
    // One exchange: a new token the console refuses is not asked for again.
    assert_eq!(iam.exchanges(), 1);
}
