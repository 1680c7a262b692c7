//! `fabric-ha ca ...` as a user runs it, against a real test Fabric CA.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use serde_json::Value;

const PASSPHRASE: &str = "cli ca tests";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fabric-ha"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", PASSPHRASE)
        .env_remove("FABRIC_HA_ENROLL_SECRET")
        .env_remove("FABRIC_HA_HOME");
    cmd
}

fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    command(data_dir, args).output().unwrap()
}

fn with_stdin(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = command(data_dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
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
