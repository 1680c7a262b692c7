//! `fabric-ha ca ...` as a user runs it, against a real test Fabric CA.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use serde_json::Value;
use support::{command_with, text};

const PASSPHRASE: &str = "cli ca tests";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    command_with(data_dir, args, PASSPHRASE)
}

fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    command(data_dir, args).output().unwrap()
}

fn with_stdin(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    support::run_with_stdin(command(data_dir, args), stdin)
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn ok_json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// A console CA file for the test CA (§4.1).
fn ca_file(tca: &TestCa) -> Value {
    let b64 = |pem: &str| fabric_ha_artifacts::to_b64pem(pem);
    let tls = b64(&tca.tls_cert_pem());
    serde_json::json!({
        "api_url": tca.url(),
        "ca_name": "ca",
        "display_name": "Org1 CA",
        "id": "org1ca",
        "msp": {
            "ca": {"name": "ca", "root_certs": [b64(&tca.ca_root_pem("ca").unwrap())]},
            "component": {"tls_cert": tls},
            "tlsca": {"name": "tlsca", "root_certs": [b64(&tca.ca_root_pem("tlsca").unwrap())]},
        },
        "name": "Org1 CA",
        "operations_url": "https://127.0.0.1:9443",
        "tls_cert": tls,
        "tlsca_name": "tlsca",
        "type": "fabric-ca",
    })
}

#[test]
fn info_enroll_register_identities_and_associate() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let tca = TestCa::start_blocking(TestCaConfig::default()).unwrap();
    let url = tca.url();
    let tls_path = tmp.path().join("ca-tls.pem");
    std::fs::write(&tls_path, tca.tls_cert_pem()).unwrap();
    let tls = tls_path.to_str().unwrap();
    let mut printed = String::new();
    let mut run = |args: &[&str]| {
        let out = fabric_ha(&ws, args);
        printed.push_str(&text(&out));
        out
    };

    let info = ok_json(&run(&["ca", "info", &url, "--tls-cert", tls, "--json"]));
    assert_eq!(info["caName"], "ca");
    assert_eq!(info["version"], "1.5.15");
    let tlsca = ok(&run(&[
        "ca",
        "info",
        &url,
        "--tls-cert",
        tls,
        "--ca-name",
        "tlsca",
    ]));
    assert!(tlsca.contains("tlsca"), "{tlsca}");

    // The secret from stdin, then from the environment.
    let out = with_stdin(
        &ws,
        &[
            "ca",
            "enroll",
            &url,
            "--tls-cert",
            tls,
            "--id",
            "admin",
            "--secret-stdin",
            "--as",
            "CA Admin",
        ],
        "adminpw\n",
    );
    assert!(ok(&out).contains("CA Admin"), "{}", text(&out));
    let out = command(
        &ws,
        &[
            "ca",
            "enroll",
            &url,
            "--tls-cert",
            tls,
            "--id",
            "admin",
            "--as",
            "CA Admin 2",
            "--json",
        ],
    )
    .env("FABRIC_HA_ENROLL_SECRET", "adminpw")
    .output()
    .unwrap();
    let item = ok_json(&out);
    assert_eq!(item["kind"], "identity");
    assert_eq!(item["displayName"], "CA Admin 2");

    // Register with a generated secret: printed once, alone on stdout.
    let out = run(&[
        "ca",
        "register",
        &url,
        "--tls-cert",
        tls,
        "--registrar",
        "CA Admin",
        "--id",
        "org1admin",
        "--type",
        "admin",
    ]);
    let stdout = ok(&out);
    let generated = stdout.trim_end().to_owned();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(generated.len(), 43, "{stdout}");
    // A given secret is never printed.
    let out = run(&[
        "ca",
        "register",
        &url,
        "--tls-cert",
        tls,
        "--registrar",
        "CA Admin",
        "--id",
        "peer1",
        "--type",
        "peer",
        "--secret",
        "peer1pw",
        "--max-enrollments",
        "-1",
        "--attr",
        "region=us-south:ecert",
    ]);
    assert_eq!(ok(&out), "");

    // Enroll with the kept secret, and with the printed one.
    ok(&run(&[
        "ca",
        "enroll",
        &url,
        "--tls-cert",
        tls,
        "--id",
        "org1admin",
        "--as",
        "Org1 Admin",
    ]));
    ok(&with_stdin(
        &ws,
        &[
            "ca",
            "enroll",
            &url,
            "--tls-cert",
            tls,
            "--id",
            "org1admin",
            "--secret-stdin",
            "--as",
            "Org1 Admin again",
        ],
        &format!("{generated}\n"),
    ));

    let users = ok_json(&run(&[
        "ca",
        "identities",
        &url,
        "--tls-cert",
        tls,
        "--registrar",
        "CA Admin",
        "--json",
    ]));
    let kind = |id: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .map(|u| u["type"].clone())
    };
    assert_eq!(kind("org1admin"), Some(Value::from("admin")));
    assert_eq!(kind("peer1"), Some(Value::from("peer")));
    let table = ok(&run(&[
        "ca",
        "identities",
        &url,
        "--tls-cert",
        tls,
        "--registrar",
        "CA Admin",
    ]));
    assert!(
        table.contains("org1admin") && table.contains("peer1"),
        "{table}"
    );

    let list = ok_json(&run(&["artifact", "list", "--json"]));
    let wallet: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "identity")
        .map(|i| i["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(wallet.len(), 4, "{wallet:?}");

    // Failures: the CA's words on stderr, exit 1; bad usage exit 2.
    let out = run(&[
        "ca",
        "enroll",
        &url,
        "--tls-cert",
        tls,
        "--id",
        "admin",
        "--secret",
        "wrong",
        "--as",
        "Nope",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("Authentication failure"),
        "{}",
        text(&out)
    );
    let out = run(&[
        "ca",
        "register",
        &url,
        "--tls-cert",
        tls,
        "--registrar",
        "CA Admin",
        "--id",
        "peer1",
        "--type",
        "peer",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("already registered"), "{}", text(&out));
    let out = run(&[
        "ca",
        "register",
        &url,
        "--tls-cert",
        tls,
        "--registrar",
        "CA Admin",
        "--id",
        "x",
        "--type",
        "superuser",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = run(&["ca", "info", &url]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("tlsCert"), "{}", text(&out));

    // A library CA: URL, CA name and pin from its file; associate; default registrar.
    let file = tmp.path().join("Org1 CA_ca.json");
    std::fs::write(&file, ca_file(&tca).to_string()).unwrap();
    ok(&run(&["artifact", "import", file.to_str().unwrap()]));
    let info = ok_json(&run(&["ca", "info", "Org1 CA", "--json"]));
    assert!(info["libraryCa"].as_str().unwrap().starts_with("ca-"));
    let out = run(&["ca", "associate", "Org1 CA", "--identity", "CA Admin"]);
    assert!(ok(&out).contains("associated"), "{}", text(&out));
    let users = ok_json(&run(&["ca", "identities", "Org1 CA", "--json"]));
    assert!(users.as_array().unwrap().len() >= 3, "{users}");
    let out = with_stdin(
        &ws,
        &[
            "ca",
            "associate",
            "Org1 CA",
            "--id",
            "admin",
            "--secret-stdin",
            "--as",
            "Org1 CA Admin",
        ],
        "adminpw\n",
    );
    assert!(ok(&out).contains("Org1 CA Admin"), "{}", text(&out));

    // No secret given on the command line was ever printed.
    for secret in ["adminpw", "peer1pw"] {
        assert!(!printed.contains(secret), "{secret} was printed: {printed}");
    }
    assert_eq!(printed.matches(generated.as_str()).count(), 1);
    tca.shutdown_blocking();
}

/// A bare URL with no `--ca-name` talks to the server's default CA, as `fabric-ca-client`
/// does without `--caname`: here a standalone server whose default CA is `org1-ca` (it has no
/// CA named `ca`).
#[test]
fn a_bare_url_uses_the_servers_default_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let tca = TestCa::start_blocking(TestCaConfig {
        ca_name: "org1-ca".to_owned(),
        ..TestCaConfig::default()
    })
    .unwrap();
    let url = tca.url();
    let tls_path = tmp.path().join("ca-tls.pem");
    std::fs::write(&tls_path, tca.tls_cert_pem()).unwrap();
    let tls = tls_path.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["ca"];
        all.extend_from_slice(&args[..1]);
        all.extend_from_slice(&[url.as_str(), "--tls-cert", tls]);
        all.extend_from_slice(&args[1..]);
        fabric_ha(&ws, &all)
    };

    // info: the answering CA's name, as text and as JSON.
    let info = ok(&run(&["info"]));
    assert!(info.lines().any(|l| l == "ca name      org1-ca"), "{info}");
    let info = ok_json(&run(&["info", "--json"]));
    assert_eq!(info["caName"], "org1-ca");
    assert_eq!(
        info["caChainPem"],
        tca.ca_root_pem("org1-ca").unwrap().as_str()
    );

    // enroll: the name from the answer's server info.
    let out = command(
        &ws,
        &[
            "ca",
            "enroll",
            &url,
            "--tls-cert",
            tls,
            "--id",
            "admin",
            "--as",
            "Admin",
        ],
    )
    .env("FABRIC_HA_ENROLL_SECRET", "adminpw")
    .output()
    .unwrap();
    let printed = ok(&out);
    assert!(
        printed.lines().any(|l| l == "ca name      org1-ca"),
        "{printed}"
    );
    assert!(
        printed.contains("enrolled ") && printed.contains("\"Admin\""),
        "{printed}"
    );
    let out = command(
        &ws,
        &[
            "ca",
            "enroll",
            &url,
            "--tls-cert",
            tls,
            "--id",
            "admin",
            "--as",
            "Admin 2",
            "--json",
        ],
    )
    .env("FABRIC_HA_ENROLL_SECRET", "adminpw")
    .output()
    .unwrap();
    let enrolled = ok_json(&out);
    assert_eq!(enrolled["caName"], "org1-ca");
    assert_eq!(enrolled["kind"], "identity");
    assert_eq!(enrolled["displayName"], "Admin 2");
    assert_eq!(
        enrolled["issuingCas"][0],
        format!("org1-ca at {}", url.trim_start_matches("https://"))
    );

    // register and identities, signed by the enrolled admin.
    let out = run(&[
        "register",
        "--registrar",
        "Admin",
        "--id",
        "peer1",
        "--type",
        "peer",
        "--secret",
        "peer1pw",
    ]);
    assert_eq!(ok(&out), "");
    assert!(
        text(&out).contains("registered peer1 as peer"),
        "{}",
        text(&out)
    );
    let users = ok_json(&run(&["identities", "--registrar", "Admin", "--json"]));
    let ids: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"admin") && ids.contains(&"peer1"), "{users}");
    let table = ok(&run(&["identities", "--registrar", "Admin"]));
    assert!(table.contains("peer1"), "{table}");
    // The secret this workspace registered enrolls at the default CA too.
    let printed = ok(&run(&["enroll", "--id", "peer1", "--as", "Peer 1"]));
    assert!(
        printed.lines().any(|l| l == "ca name      org1-ca"),
        "{printed}"
    );

    // No call named a CA.
    let selections = tca.ca_selections();
    assert!(
        selections
            .iter()
            .all(|s| s.query.is_none() && s.caname.is_none()),
        "{selections:?}"
    );
    assert_eq!(selections.len(), 8, "{selections:?}");

    // A name the server lacks: the CA's own message, exit 1, for every command.
    for args in [
        &["info", "--ca-name", "nope"][..],
        &[
            "enroll",
            "--ca-name",
            "nope",
            "--id",
            "admin",
            "--secret",
            "adminpw",
            "--as",
            "Nope",
        ],
        &[
            "register",
            "--ca-name",
            "nope",
            "--registrar",
            "Admin",
            "--id",
            "x",
            "--type",
            "client",
        ],
        &["identities", "--ca-name", "nope", "--registrar", "Admin"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("CA 'nope' does not exist"),
            "{args:?}: {}",
            text(&out)
        );
    }
    // `ca`, what console-deployed CAs answer to, is just another unknown name here.
    let out = run(&["info", "--ca-name", "ca"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("CA 'ca' does not exist"),
        "{}",
        text(&out)
    );
    tca.shutdown_blocking();
}

/// A library CA keeps the CA names of its file, also when it is named by its URL.
#[test]
fn a_library_ca_keeps_the_names_from_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let tca = TestCa::start_blocking(TestCaConfig::default()).unwrap();
    let url = tca.url();
    let file = tmp.path().join("Org1 CA_ca.json");
    let mut body = ca_file(&tca);
    body["msp"]["ca"]["name"] = "tlsca".into();
    body["ca_name"] = "tlsca".into();
    std::fs::write(&file, body.to_string()).unwrap();
    ok(&fabric_ha(
        &ws,
        &["artifact", "import", file.to_str().unwrap()],
    ));

    for ca in ["Org1 CA", url.as_str()] {
        let info = ok_json(&fabric_ha(&ws, &["ca", "info", ca, "--json"]));
        assert_eq!(info["caName"], "tlsca", "{ca}");
        let info = ok_json(&fabric_ha(
            &ws,
            &["ca", "info", ca, "--ca-name", "ca", "--json"],
        ));
        assert_eq!(info["caName"], "ca", "{ca}");
    }
    let selections = tca.ca_selections();
    assert_eq!(selections.len(), 4, "{selections:?}");
    assert!(
        selections.iter().all(|s| s.query.is_some()),
        "{selections:?}"
    );
    tca.shutdown_blocking();
}
