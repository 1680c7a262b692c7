//! Consoles against real test consoles (`fabric-ha-testbed`): the registry with encrypted
//! secrets, connection tests, live tiles, and moving components between consoles without
//! duplicates.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_core::consoles::{
    ComponentStatus, ConsoleAuthInput, ConsoleAuthKind, ConsoleImportOutcome, ConsoleImportReport,
    ConsoleInput,
};
use fabric_ha_core::{CoreError, ErrorCode, IpcError, OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::Value;

fn workspace(dir: &Path) -> Workspace {
    Workspace::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Sensitive::new("console tests".to_owned())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap()
}

fn start(name: &str) -> TestConsole {
    TestConsole::start_blocking(TestConsoleConfig {
        name: name.to_owned(),
        ..TestConsoleConfig::default()
    })
    .unwrap()
}

fn input(name: &str, tc: &TestConsole, key: (String, String)) -> ConsoleInput {
    ConsoleInput {
        name: name.to_owned(),
        region: name.to_owned(),
        url: tc.url(),
        auth: Some(ConsoleAuthInput::ApiKey {
            api_key: key.0,
            api_secret: Sensitive::new(key.1),
        }),
        ca_cert_pem: tc.ca_cert_pem(),
    }
}

/// Every file of the workspace folder (database, WAL, logs), concatenated.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.extend(std::fs::read(entry).unwrap_or_default());
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Records per type in a test console.
fn count_types(tc: &TestConsole) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for c in tc.components() {
        *counts
            .entry(c["type"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

fn outcomes(report: &ConsoleImportReport) -> Vec<ConsoleImportOutcome> {
    report.items.iter().map(|i| i.outcome).collect()
}

fn lib_ids(ws: &Workspace, files: Vec<(String, Vec<u8>)>) -> Vec<String> {
    let report = ws.import_files(files).unwrap();
    assert!(report.all_accepted(), "{report:?}");
    report
        .files
        .iter()
        .flat_map(|f| f.artifacts.iter().map(|a| a.id.clone()))
        .collect()
}

fn json_file(name: &str, v: &Value) -> (String, Vec<u8>) {
    (name.to_owned(), v.to_string().into_bytes())
}

#[test]
fn three_consoles_export_import_and_rerun_hold_one_copy_each() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let consoles = [start("us-south"), start("eu-de"), start("jp-tok")];
    let names = ["us-south", "eu-de", "jp-tok"];
    for (name, tc) in names.iter().zip(&consoles) {
        ws.add_console(input(name, tc, tc.manager_key())).unwrap();
    }

    // Region 1 holds the organisation's CA, MSP and peer.
    let pki = Pki::new();
    let seed = lib_ids(
        &ws,
        vec![
            json_file("Org1 CA_ca.json", &pki.ca_v3()),
            json_file("Org1 MSP_msp.json", &pki.msp()),
            json_file("Org1 Peer 1_peer.json", &pki.peer_v3()),
        ],
    );
    let report = ws.console_import("us-south", &seed).unwrap();
    assert_eq!(outcomes(&report), [ConsoleImportOutcome::Imported; 3]);

    // Its tiles.
    let tiles = ws.console_components("us-south").unwrap();
    assert_eq!(
        (tiles.cas.len(), tiles.peers.len(), tiles.msps.len()),
        (1, 1, 1)
    );
    assert!(tiles.orderers.is_empty());
    let (ca, peer, msp) = (&tiles.cas[0], &tiles.peers[0], &tiles.msps[0]);
    assert_eq!(peer.msp_id.as_deref(), Some("org1msp"));
    assert!(peer.imported);
    assert!(peer.cert_expires_at.is_some());
    assert_eq!(msp.msp_id, "org1msp");
    assert!(msp.root_certs >= 1);

    // Status: an imported peer the console cannot reach is "unknown", then "running".
    assert_eq!(peer.status, ComponentStatus::Unknown);
    consoles[0].set_reachable(&peer.id, true);
    let cached = ws.console_components("us-south").unwrap();
    assert_eq!(cached, tiles, "answers are reused for 20 s");

    // Export CA + MSP + peer from region 1: a file as the console writes it ...
    let file = ws.console_export("us-south", &peer.id).unwrap();
    assert_eq!(file.file_name, "Org1 Peer 1_peer.json");
    let exported: Value = serde_json::from_slice(file.bytes.expose()).unwrap();
    assert_eq!(exported["id"], peer.id.as_str());
    assert_eq!(exported["type"], "fabric-peer");
    assert!(exported["msp"]["component"]["ecert"].is_string());
    assert!(!String::from_utf8_lossy(file.bytes.expose()).contains("_parsed"));
    // ... and into the library.
    let ids = [ca.id.clone(), msp.id.clone(), peer.id.clone()];
    let exported = ws.console_export_to_library("us-south", &ids).unwrap();
    assert!(exported.all_accepted(), "{exported:?}");
    let library_ids: Vec<String> = exported
        .files
        .iter()
        .flat_map(|f| f.artifacts.iter().map(|a| a.id.clone()))
        .collect();
    assert_eq!(library_ids.len(), 3);

    // Import into regions 2 and 3, then run it again.
    for name in ["eu-de", "jp-tok"] {
        let first = ws.console_import(name, &library_ids).unwrap();
        assert_eq!(
            outcomes(&first),
            [ConsoleImportOutcome::Imported; 3],
            "{first:?}"
        );
        let again = ws.console_import(name, &library_ids).unwrap();
        assert_eq!(outcomes(&again), [ConsoleImportOutcome::AlreadyPresent; 3]);
        for (a, b) in first.items.iter().zip(&again.items) {
            assert_eq!(a.component_id, b.component_id);
            assert_eq!(
                b.message.as_deref(),
                Some(format!("already present as {}", b.component_id.as_deref().unwrap()).as_str())
            );
        }
    }
    // The seed files and a copy between consoles find the same components too.
    assert_eq!(
        outcomes(&ws.console_import("eu-de", &seed).unwrap()),
        [ConsoleImportOutcome::AlreadyPresent; 3]
    );
    let copy = ws.console_copy("us-south", "jp-tok", &ids).unwrap();
    assert_eq!(outcomes(&copy), [ConsoleImportOutcome::AlreadyPresent; 3]);

    let one_each = vec![
        ("fabric-ca".to_owned(), 1),
        ("fabric-peer".to_owned(), 1),
        ("msp".to_owned(), 1),
    ];
    for tc in &consoles {
        assert_eq!(count_types(tc), one_each);
    }
    // The imported peer keeps its certificates in the other regions.
    let peer_there = consoles[1]
        .components()
        .into_iter()
        .find(|c| c["type"] == "fabric-peer")
        .unwrap();
    assert_eq!(peer_there["api_url"], pki.peer_v3()["api_url"]);

    for tc in consoles {
        tc.shutdown_blocking();
    }
}

#[test]
fn an_explicit_refresh_reads_past_the_cache_and_replaces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = start("us-south");
    ws.add_console(input("us-south", &tc, tc.manager_key()))
        .unwrap();
    let pki = Pki::new();
    let seed = lib_ids(
        &ws,
        vec![json_file("Org1 Peer 1_peer.json", &pki.peer_v3())],
    );
    ws.console_import("us-south", &seed).unwrap();

    let first = ws.console_components("us-south").unwrap();
    assert_eq!(first.peers[0].status, ComponentStatus::Unknown);
    tc.set_reachable(&first.peers[0].id, true);

    // A poll within 20 s is answered from the cache, without a request.
    let requests = tc.request_count();
    assert_eq!(ws.console_components("us-south").unwrap(), first);
    assert_eq!(tc.request_count(), requests);

    // An explicit refresh asks the console (list + status) and sees the change.
    let fresh = ws.console_components_fresh("us-south").unwrap();
    assert_eq!(tc.request_count(), requests + 2);
    assert_eq!(fresh.peers[0].status, ComponentStatus::Running);
    assert!(fresh.fetched_at >= first.fetched_at);

    // The next poll gets the refreshed answer from the cache.
    assert_eq!(ws.console_components("us-south").unwrap(), fresh);
    assert_eq!(tc.request_count(), requests + 2);
}

#[test]
fn add_test_remove_keeps_the_secret_encrypted() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = start("secrets");
    let (key, secret) = tc.manager_key();

    let added = ws
        .add_console(input("Region 1", &tc, (key.clone(), secret.clone())))
        .unwrap();
    assert_eq!(added.api_key, key);
    assert!(added.encrypted);
    assert!(added.has_extra_ca);
    assert!(!added.sandbox);
    assert!(added.last_verdict.is_none());
    assert!(!format!("{added:?}").contains(&secret));

    let verdict = ws.test_console("Region 1").unwrap();
    assert_eq!(verdict.code, "ready", "{verdict:?}");
    assert!(verdict.ok);
    assert_eq!(verdict.import_only, Some(false));
    assert_eq!(verdict.auth_scheme.as_deref(), Some("couchdb"));
    let listed = ws.consoles().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_verdict.as_ref(), Some(&verdict));

    // A wrong secret: a verdict, not an error.
    ws.update_console(
        "Region 1",
        input("Region 1", &tc, (key.clone(), "wrong-secret".into())),
    )
    .unwrap();
    let bad = ws.test_console("Region 1").unwrap();
    assert_eq!(bad.code, "console_unauthorized");
    assert!(!bad.ok);
    assert!(bad.fix.is_some());
    // A components call with it is a typed error carrying the fix.
    let err: IpcError = ws.console_components("Region 1").unwrap_err().into();
    assert_eq!(err.code, ErrorCode::ConsoleUnauthorized);
    assert!(err.details.unwrap()["fix"]
        .as_str()
        .unwrap()
        .contains("API key"));

    // Edit without auth keeps the stored (restored) credentials.
    ws.update_console("Region 1", input("Region 1", &tc, (key, secret.clone())))
        .unwrap();
    let mut renamed = input("Region One", &tc, tc.manager_key());
    renamed.auth = None;
    renamed.region = "us-south".into();
    let summary = ws.update_console("Region 1", renamed).unwrap();
    assert_eq!(summary.region, "us-south");
    assert_eq!(ws.test_console("Region One").unwrap().code, "ready");

    // The extra CA: `None` on edit keeps it (the TLS console stays trusted), "" removes it.
    let mut keep_ca = input("Region One", &tc, tc.manager_key());
    keep_ca.auth = None;
    keep_ca.ca_cert_pem = None;
    assert!(
        ws.update_console("Region One", keep_ca)
            .unwrap()
            .has_extra_ca
    );
    assert_eq!(ws.test_console("Region One").unwrap().code, "ready");
    let mut drop_ca = input("Region One", &tc, tc.manager_key());
    drop_ca.auth = None;
    drop_ca.ca_cert_pem = Some(String::new());
    assert!(
        !ws.update_console("Region One", drop_ca)
            .unwrap()
            .has_extra_ca
    );
    assert_eq!(
        ws.test_console("Region One").unwrap().code,
        "console_tls_untrusted"
    );

    // The plaintext secret is nowhere in the workspace folder.
    let bytes = all_bytes(tmp.path());
    assert!(!contains(&bytes, secret.as_bytes()));
    assert!(!contains(&bytes, b"wrong-secret"));
    let secret_ids = ws.with_vault(|v, s| Ok(v.ids(s).unwrap())).unwrap();
    assert_eq!(
        secret_ids
            .iter()
            .filter(|i| i.starts_with("console/"))
            .count(),
        1
    );

    ws.remove_console("Region One").unwrap();
    assert!(ws.consoles().unwrap().is_empty());
    let secret_ids = ws.with_vault(|v, s| Ok(v.ids(s).unwrap())).unwrap();
    assert!(!secret_ids.iter().any(|i| i.starts_with("console/")));
    assert!(matches!(
        ws.remove_console("Region One"),
        Err(CoreError::ConsoleUnknown { .. })
    ));
    tc.shutdown_blocking();
}

#[test]
fn bad_input_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = start("bad-input");
    ws.add_console(input("one", &tc, tc.manager_key())).unwrap();
    let before = ws.consoles().unwrap();
    let secrets_before = ws.with_vault(|v, s| Ok(v.ids(s).unwrap())).unwrap();

    let base = || input("two", &tc, tc.manager_key());
    let field_of = |r: Result<_, CoreError>| match r {
        Err(CoreError::InvalidInput { field, .. }) => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let mut cases: Vec<(ConsoleInput, &str)> = Vec::new();
    let mut i = base();
    i.name = "  ".into();
    cases.push((i, "name"));
    let mut i = base();
    i.name = "x".repeat(65);
    cases.push((i, "name"));
    let mut i = base();
    i.region = "a\u{7}b".into();
    cases.push((i, "region"));
    let mut i = base();
    i.url = "ftp://127.0.0.1".into();
    cases.push((i, "url"));
    let mut i = base();
    i.url = "console.example.com".into();
    cases.push((i, "url"));
    let mut i = base();
    i.ca_cert_pem = Some("not a certificate".into());
    cases.push((i, "caCertPem"));
    let mut i = base();
    i.auth = None;
    cases.push((i, "auth"));
    let mut i = base();
    i.auth = Some(ConsoleAuthInput::ApiKey {
        api_key: "a:b".into(),
        api_secret: Sensitive::new("s".into()),
    });
    cases.push((i, "apiKey"));
    let mut i = base();
    i.auth = Some(ConsoleAuthInput::ApiKey {
        api_key: "key".into(),
        api_secret: Sensitive::new(String::new()),
    });
    cases.push((i, "apiSecret"));
    let iam = |key: &str, token_url: Option<&str>| {
        let mut i = base();
        i.auth = Some(ConsoleAuthInput::Iam {
            iam_api_key: Sensitive::from(key),
            token_url: token_url.map(str::to_owned),
        });
        i
    };
    cases.push((iam("  ", None), "iamApiKey"));
    cases.push((iam("a key", None), "iamApiKey"));
    cases.push((
        iam("key", Some("http://iam.example.com/identity/token")),
        "tokenUrl",
    ));
    cases.push((
        iam("key", Some("https://user@iam.example.com/identity/token")),
        "tokenUrl",
    ));
    cases.push((iam("key", Some("not a url")), "tokenUrl"));
    for (case, field) in cases {
        assert_eq!(field_of(ws.add_console(case.clone())), field, "{case:?}");
        // On edit, no auth means "keep the stored credentials".
        if field != "auth" {
            assert_eq!(field_of(ws.update_console("one", case)), field);
        }
    }
    assert!(matches!(
        ws.add_console(input("one", &tc, tc.manager_key())),
        Err(CoreError::ConsoleExists { .. })
    ));
    assert!(matches!(
        ws.update_console("nope", base()),
        Err(CoreError::ConsoleUnknown { .. })
    ));
    assert!(matches!(
        ws.console_components("nope"),
        Err(CoreError::ConsoleUnknown { .. })
    ));
    assert_eq!(ws.consoles().unwrap(), before);
    assert_eq!(
        ws.with_vault(|v, s| Ok(v.ids(s).unwrap())).unwrap(),
        secrets_before
    );
    tc.shutdown_blocking();
}

#[test]
fn an_ibm_cloud_api_key_is_kept_encrypted_and_edits_keep_or_replace_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let iam = fabric_ha_testbed::iam::TestIam::start_blocking(std::time::Duration::from_secs(3600))
        .unwrap();
    let tc = TestConsole::start_blocking(TestConsoleConfig {
        auth_scheme: "iam".into(),
        iam: Some(iam.handle()),
        ..TestConsoleConfig::default()
    })
    .unwrap();
    let key = iam.add_key(&["Writer"]);
    let cas = format!("{}\n{}", tc.ca_cert_pem().unwrap(), iam.ca_pem());
    let cloud = |auth: ConsoleAuthInput| ConsoleInput {
        name: "cloud".into(),
        region: "us-east".into(),
        url: tc.url(),
        auth: Some(auth),
        ca_cert_pem: Some(cas.clone()),
    };
    let added = ws
        .add_console(cloud(ConsoleAuthInput::Iam {
            iam_api_key: Sensitive::new(format!(" {key} ")),
            token_url: Some(iam.token_url()),
        }))
        .unwrap();
    assert_eq!(added.auth, ConsoleAuthKind::Iam);
    assert_eq!(added.api_key, "");
    assert_eq!(added.iam_token_url, Some(iam.token_url()));
    // A writer's key: it can import, not create.
    assert_eq!(ws.test_console("cloud").unwrap().code, "cannot_create");
    assert!(!contains(&all_bytes(tmp.path()), key.as_bytes()));

    // An edit without credentials keeps the key and the token URL.
    let mut rename = cloud(ConsoleAuthInput::Iam {
        iam_api_key: Sensitive::from("unused"),
        token_url: None,
    });
    rename.auth = None;
    rename.region = "us-south".into();
    let edited = ws.update_console("cloud", rename).unwrap();
    assert_eq!(edited.iam_token_url, Some(iam.token_url()));
    assert_eq!(ws.test_console("cloud").unwrap().code, "cannot_create");

    // Without a token URL, IBM Cloud's.
    let mut other = cloud(ConsoleAuthInput::Iam {
        iam_api_key: Sensitive::from("another-key"),
        token_url: None,
    });
    other.name = "cloud-2".into();
    assert_eq!(
        ws.add_console(other).unwrap().iam_token_url.as_deref(),
        Some("https://iam.cloud.ibm.com/identity/token")
    );

    // Replaced by a console key: the console says it signs in with IAM only.
    let edited = ws
        .update_console(
            "cloud",
            cloud(ConsoleAuthInput::ApiKey {
                api_key: "console-key".into(),
                api_secret: Sensitive::from("console-secret"),
            }),
        )
        .unwrap();
    assert_eq!(edited.auth, ConsoleAuthKind::ApiKey);
    assert_eq!(edited.iam_token_url, None);
    assert_eq!(ws.test_console("cloud").unwrap().code, "console_iam_only");
    // The first token, and the one that replaced it when the console refused the writer the
    // manager's health route (a 401, as for a revoked token); that one is not replaced again.
    assert_eq!(iam.exchanges(), 2);
    iam.shutdown_blocking();
    tc.shutdown_blocking();
}

#[test]
fn a_password_creates_an_api_key_that_is_stored_instead() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = TestConsole::start_blocking(TestConsoleConfig {
        bootstrap_user: Some((
            "admin@example.com".into(),
            "bootstrap-password-canary".into(),
        )),
        ..TestConsoleConfig::default()
    })
    .unwrap();
    let mut i = input("fresh", &tc, tc.manager_key());
    i.auth = Some(ConsoleAuthInput::Password {
        username: "admin@example.com".into(),
        password: Sensitive::new("bootstrap-password-canary".into()),
    });
    let added = ws.add_console(i).unwrap();
    assert_ne!(added.api_key, "admin@example.com");
    assert_ne!(added.api_key, tc.manager_key().0);
    assert_eq!(ws.test_console("fresh").unwrap().code, "ready");
    assert!(!contains(
        &all_bytes(tmp.path()),
        b"bootstrap-password-canary"
    ));

    // A wrong password adds nothing.
    let mut i = input("fresh2", &tc, tc.manager_key());
    i.auth = Some(ConsoleAuthInput::Password {
        username: "admin@example.com".into(),
        password: Sensitive::new("nope".into()),
    });
    let err = ws.add_console(i).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConsoleUnauthorized, "{err}");
    assert_eq!(ws.consoles().unwrap().len(), 1);
    tc.shutdown_blocking();
}

#[test]
fn refusals_carry_the_console_message_and_identities_stay_home() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = start("reader");
    ws.add_console(input("read-only", &tc, tc.reader_key()))
        .unwrap();
    let pki = Pki::new();
    let ids = lib_ids(
        &ws,
        vec![
            json_file("Org1 MSP_msp.json", &pki.msp()),
            json_file("Org1 Admin_identity.json", &pki.identity()),
        ],
    );
    let report = ws.console_import("read-only", &ids).unwrap();
    assert_eq!(
        outcomes(&report),
        [
            ConsoleImportOutcome::Rejected,
            ConsoleImportOutcome::Rejected
        ]
    );
    assert!(!report.all_ok());
    let msp = report.items.iter().find(|i| i.kind == "msp").unwrap();
    assert!(
        msp.message.as_deref().unwrap().contains("Unauthorized"),
        "{msp:?}"
    );
    let identity = report.items.iter().find(|i| i.kind == "identity").unwrap();
    assert!(identity.message.as_deref().unwrap().contains("wallet"));
    assert!(tc.components().is_empty());

    // Files straight from disk: an invalid one is refused before anything is sent.
    let report = ws
        .console_import_files("read-only", vec![("broken.json".into(), b"{".to_vec())])
        .unwrap();
    assert_eq!(outcomes(&report), [ConsoleImportOutcome::Rejected]);
    assert!(report.items[0]
        .message
        .as_deref()
        .unwrap()
        .contains("broken.json"));
    tc.shutdown_blocking();
}

#[test]
fn an_ordering_service_is_one_tile_and_exports_as_the_cluster_array() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let (a, b) = (start("os-a"), start("os-b"));
    ws.add_console(input("a", &a, a.manager_key())).unwrap();
    ws.add_console(input("b", &b, b.writer_key())).unwrap();
    let pki = Pki::new();
    let report = ws
        .console_import_files(
            "a",
            vec![json_file("OS_orderer.json", &pki.orderer_cluster())],
        )
        .unwrap();
    let nodes = report.items.len();
    assert!(nodes >= 2, "{report:?}");
    assert!(report.all_ok(), "{report:?}");

    let tiles = ws.console_components("a").unwrap();
    assert_eq!(tiles.orderers.len(), 1);
    let cluster = &tiles.orderers[0];
    assert_eq!(cluster.nodes as usize, nodes);

    let file = ws.console_export("a", &cluster.id).unwrap();
    assert!(file.file_name.ends_with("_orderer.json"));
    let value: Value = serde_json::from_slice(file.bytes.expose()).unwrap();
    assert_eq!(value.as_array().unwrap().len(), nodes);

    let copy = ws
        .console_copy("a", "b", std::slice::from_ref(&cluster.id))
        .unwrap();
    assert_eq!(outcomes(&copy), vec![ConsoleImportOutcome::Imported; nodes]);
    let again = ws
        .console_copy("a", "b", std::slice::from_ref(&cluster.id))
        .unwrap();
    assert_eq!(
        outcomes(&again),
        vec![ConsoleImportOutcome::AlreadyPresent; nodes]
    );
    assert_eq!(b.components().len(), nodes);
    assert!(matches!(
        ws.console_export("a", "nothing-here"),
        Err(CoreError::NotFound { .. })
    ));
    a.shutdown_blocking();
    b.shutdown_blocking();
}

/// A console that imported the organization's components before they were renewed: the same
/// addresses (and MSP id and roots), older certificates.
fn stale_files(pki: &Pki) -> Vec<(String, Vec<u8>)> {
    use fabric_ha_artifacts::testdata::{issue, Key, Spec};
    let mut peer = pki.peer_v3();
    let (old_tls, old_root) = (pki.foreign_tls.b64(), pki.foreign_root.b64());
    peer["msp"]["component"]["tls_cert"] = Value::from(old_tls.clone());
    peer["msp"]["tlsca"]["root_certs"] = serde_json::json!([old_root]);
    peer["pem"] = Value::from(old_tls.clone());
    peer["tls_cert"] = Value::from(old_tls);
    peer["tls_ca_root_cert"] = Value::from(old_root);
    let mut msp = pki.msp();
    msp["admins"] = serde_json::json!([pki.admin2.b64()]);
    let mut ca = pki.ca_v3();
    let old_ca_tls = issue(
        &Spec::tls("ca.org1.example.com", 91),
        Key::p256("ca-tls-before"),
        Some(&pki.ca_root),
    )
    .b64();
    ca["msp"]["component"]["tls_cert"] = Value::from(old_ca_tls.clone());
    ca["pem"] = Value::from(old_ca_tls.clone());
    ca["tls_cert"] = Value::from(old_ca_tls);
    let mut cluster = pki.orderer_cluster();
    let old_node_tls = issue(
        &Spec::tls("orderer0.org1.example.com", 92),
        Key::p256("orderer0-tls-before"),
        Some(&pki.tls_root),
    )
    .b64();
    let node = &mut cluster[0];
    for key in ["pem", "tls_cert", "client_tls_cert", "server_tls_cert"] {
        node[key] = Value::from(old_node_tls.clone());
    }
    node["msp"]["component"]["tls_cert"] = Value::from(old_node_tls);
    vec![
        json_file("Org1 CA_ca.json", &ca),
        json_file("Org1 MSP_msp.json", &msp),
        json_file("Org1 Peer 1_peer.json", &peer),
        json_file("OS_orderer.json", &cluster),
    ]
}

fn fresh_files(pki: &Pki) -> Vec<(String, Vec<u8>)> {
    vec![
        json_file("Org1 CA_ca.json", &pki.ca_v3()),
        json_file("Org1 MSP_msp.json", &pki.msp()),
        json_file("Org1 Peer 1_peer.json", &pki.peer_v3()),
        json_file("OS_orderer.json", &pki.orderer_cluster()),
    ]
}

/// The test console's record of `id`, as stored.
fn stored(tc: &TestConsole, id: &str) -> Value {
    tc.components()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no record {id}"))
}

#[test]
fn records_with_other_certificates_are_named_and_updated_only_when_asked() {
    use fabric_ha_core::consoles::ConsoleImportOptions;
    use ConsoleImportOutcome::{
        AlreadyPresent, PresentWithOtherCertificates, PresentWithOtherContent, Updated,
    };
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = start("stale");
    ws.add_console(input("stale", &tc, tc.writer_key()))
        .unwrap();
    let pki = Pki::new();
    let seeded = ws.console_import_files("stale", stale_files(&pki)).unwrap();
    assert!(seeded.all_current(), "{seeded:?}");
    let before: Vec<Value> = tc.components();
    let nodes = pki.orderer_cluster().as_array().unwrap().len();

    // The renewed components: found, compared, named, and nothing is sent.
    let library = lib_ids(&ws, fresh_files(&pki));
    let report = ws.console_import("stale", &library).unwrap();
    let mut expected = vec![
        PresentWithOtherCertificates,
        PresentWithOtherContent,
        PresentWithOtherCertificates,
        PresentWithOtherCertificates,
    ];
    expected.extend(vec![AlreadyPresent; nodes - 1]);
    assert_eq!(outcomes(&report), expected, "{report:#?}");
    assert!(report.all_ok() && !report.all_current());
    let by_name = |r: &ConsoleImportReport, name: &str| {
        r.items
            .iter()
            .find(|i| i.display_name == name)
            .cloned()
            .unwrap()
    };
    let peer = by_name(&report, "Org1 Peer 1");
    assert_eq!(
        peer.differences,
        ["msp.component.tls_cert", "msp.tlsca.root_certs"]
    );
    assert!(peer.updatable);
    assert_eq!(peer.component_id.as_deref(), Some("org1peer1"));
    assert_eq!(
        peer.message.as_deref(),
        Some(
            "present as org1peer1 with other certificates: TLS certificate \
             (msp.component.tls_cert), TLS root certificates (msp.tlsca.root_certs)"
        )
    );
    let msp = by_name(&report, "Org1 MSP");
    assert_eq!(msp.differences, ["admins"]);
    assert!(msp
        .message
        .as_deref()
        .unwrap()
        .starts_with("present as org1msp with other content: admins (admins)"));
    let ca = by_name(&report, "Org1 CA");
    assert_eq!(ca.differences, ["msp.component.tls_cert"]);
    assert!(!ca.updatable, "a CA's certificates are not editable");
    assert_eq!(
        by_name(&report, "Org1 Orderer 1").differences,
        ["msp.component.tls_cert"]
    );
    assert_eq!(tc.components(), before, "nothing changed");

    // With update: each record gets the certificates through the edit route; the CA cannot.
    let options = ConsoleImportOptions { update: true };
    let updated = ws.console_import_with("stale", &library, options).unwrap();
    let mut expected = vec![PresentWithOtherCertificates, Updated, Updated, Updated];
    expected.extend(vec![AlreadyPresent; nodes - 1]);
    assert_eq!(outcomes(&updated), expected, "{updated:#?}");
    let peer = by_name(&updated, "Org1 Peer 1");
    assert_eq!(
        peer.message.as_deref(),
        Some(
            "updated org1peer1: TLS certificate (msp.component.tls_cert), TLS root \
             certificates (msp.tlsca.root_certs)"
        )
    );
    let ca = by_name(&updated, "Org1 CA");
    assert!(
        ca.message
            .as_deref()
            .unwrap()
            .contains("Remove org1ca in the console and import the CA again"),
        "{ca:?}"
    );
    // The records now carry the renewed certificates, and nothing else of them changed.
    let record = stored(&tc, "org1peer1");
    assert_eq!(
        record["msp"]["component"]["tls_cert"],
        pki.peer_v3()["msp"]["component"]["tls_cert"]
    );
    assert_eq!(
        record["msp"]["tlsca"]["root_certs"],
        serde_json::json!([pki.tls_root.b64()])
    );
    for id in ["org1peer1", "org1msp", "org1ca"] {
        let (old, new) = (
            before.iter().find(|c| c["id"] == id).unwrap(),
            stored(&tc, id),
        );
        for key in [
            "display_name",
            "api_url",
            "msp_id",
            "timestamp",
            "tags",
            "location",
        ] {
            assert_eq!(old.get(key), new.get(key), "{id}: {key}");
        }
    }
    assert_eq!(
        stored(&tc, "org1msp")["admins"],
        serde_json::json!([pki.admin.b64()])
    );
    assert_eq!(tc.components().len(), before.len(), "no second record");

    // A second import finds them equal (the CA still differs).
    let again = ws.console_import("stale", &library).unwrap();
    let mut expected = vec![PresentWithOtherCertificates, AlreadyPresent, AlreadyPresent];
    expected.extend(vec![AlreadyPresent; nodes]);
    assert_eq!(outcomes(&again), expected, "{again:#?}");
    tc.shutdown_blocking();
}

#[test]
fn a_copy_updates_the_target_s_record_from_the_source_s() {
    use fabric_ha_core::consoles::{ConsoleImportOptions, RecordUpdateInput, RecordUpdateSource};
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let (a, b) = (start("fresh"), start("old"));
    ws.add_console(input("fresh", &a, a.writer_key())).unwrap();
    ws.add_console(input("old", &b, b.writer_key())).unwrap();
    let pki = Pki::new();
    let peer_file = |files: Vec<(String, Vec<u8>)>| {
        files
            .into_iter()
            .filter(|(name, _)| name.ends_with("_peer.json"))
            .collect::<Vec<_>>()
    };
    ws.console_import_files("fresh", peer_file(fresh_files(&pki)))
        .unwrap();
    ws.console_import_files("old", peer_file(stale_files(&pki)))
        .unwrap();
    let ids = vec!["org1peer1".to_owned()];

    let copy = ws.console_copy("fresh", "old", &ids).unwrap();
    assert_eq!(
        outcomes(&copy),
        [ConsoleImportOutcome::PresentWithOtherCertificates]
    );
    let item = &copy.items[0];
    assert_eq!(item.source_console.as_deref(), Some("fresh"));
    assert_eq!(item.source_id.as_deref(), Some("org1peer1"));

    // The window's "Update" re-runs the copy of that component with update.
    let updated = ws
        .console_update_records(&RecordUpdateInput {
            console: "old".into(),
            source: RecordUpdateSource::Console {
                from: "fresh".into(),
                component_ids: ids.clone(),
            },
        })
        .unwrap();
    assert_eq!(outcomes(&updated), [ConsoleImportOutcome::Updated]);
    let again = ws
        .console_copy_with("fresh", "old", &ids, ConsoleImportOptions::default())
        .unwrap();
    assert_eq!(outcomes(&again), [ConsoleImportOutcome::AlreadyPresent]);
    assert_eq!(
        stored(&b, "org1peer1")["msp"]["component"]["tls_cert"],
        stored(&a, "org1peer1")["msp"]["component"]["tls_cert"]
    );
    assert_eq!(b.components().len(), 1);
    a.shutdown_blocking();
    b.shutdown_blocking();
}

#[test]
fn one_record_compared_with_a_reference_and_a_refused_update_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = workspace(tmp.path());
    let tc = start("compare");
    ws.add_console(input("writer", &tc, tc.writer_key()))
        .unwrap();
    ws.add_console(input("reader", &tc, tc.reader_key()))
        .unwrap();
    let pki = Pki::new();
    let peer_file: Vec<(String, Vec<u8>)> = stale_files(&pki)
        .into_iter()
        .filter(|(name, _)| name.ends_with("_peer.json"))
        .collect();
    ws.console_import_files("writer", peer_file).unwrap();
    let before = tc.components();
    // The reference: what the peer carries now (here: its current console file).
    let reference = pki.peer_v3();

    let item = ws
        .console_compare_record("reader", "org1peer1", &reference, false)
        .unwrap();
    assert_eq!(
        item.outcome,
        ConsoleImportOutcome::PresentWithOtherCertificates
    );
    assert_eq!(
        item.differences,
        ["msp.component.tls_cert", "msp.tlsca.root_certs"]
    );
    // A reader key cannot edit: the console's refusal is kept and the record is unchanged.
    let refused = ws
        .console_compare_record("reader", "org1peer1", &reference, true)
        .unwrap();
    assert_eq!(
        refused.outcome,
        ConsoleImportOutcome::PresentWithOtherCertificates
    );
    assert!(
        refused
            .message
            .as_deref()
            .unwrap()
            .contains("the console refused the update"),
        "{refused:?}"
    );
    assert_eq!(tc.components(), before);

    let done = ws
        .console_compare_record("writer", "org1peer1", &reference, true)
        .unwrap();
    assert_eq!(done.outcome, ConsoleImportOutcome::Updated, "{done:?}");
    let equal = ws
        .console_compare_record("reader", "org1peer1", &reference, false)
        .unwrap();
    assert_eq!(equal.outcome, ConsoleImportOutcome::AlreadyPresent);
    assert!(equal.differences.is_empty());
    assert!(matches!(
        ws.console_compare_record("reader", "nosuch", &reference, false),
        Err(CoreError::NotFound { .. })
    ));
    tc.shutdown_blocking();
}
