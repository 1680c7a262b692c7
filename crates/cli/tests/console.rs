//! `fabric-ha console ...` and `fabric-ha sandbox` as a user runs them, against real test
//! consoles.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use fabric_ha_testbed::iam::TestIam;
use serde_json::Value;
use support::{command_with, files_under, run_with_stdin, text};

const PASSPHRASE: &str = "cli console tests";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    command_with(data_dir, args, PASSPHRASE)
}

fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    command(data_dir, args).output().unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

#[test]
fn add_list_test_components_import_export() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let tc = TestConsole::start_blocking(TestConsoleConfig::default()).unwrap();
    let ca = write(tmp.path(), "console-ca.pem", &Value::Null);
    std::fs::write(&ca, tc.ca_cert_pem().unwrap()).unwrap();
    let (key, secret) = tc.manager_key();
    let url = tc.url();

    // The secret from stdin ...
    let out = run_with_stdin(
        command(
            &ws,
            &[
                "console",
                "add",
                "r1",
                "--url",
                &url,
                "--region",
                "us-south",
                "--api-key",
                &key,
                "--api-secret-stdin",
                "--ca-cert",
                ca.to_str().unwrap(),
            ],
        ),
        &format!("{secret}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(&secret));
    // ... or from the environment; a reader key for the refusals below.
    let (reader, reader_secret) = tc.reader_key();
    let out = command(
        &ws,
        &[
            "console",
            "add",
            "reader",
            "--url",
            &url,
            "--api-key",
            &reader,
            "--ca-cert",
            ca.to_str().unwrap(),
        ],
    )
    .env("FABRIC_HA_API_SECRET", &reader_secret)
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // A name taken, and no secret at all, change nothing.
    let out = fabric_ha(
        &ws,
        &[
            "console",
            "add",
            "r1",
            "--url",
            &url,
            "--api-key",
            &key,
            "--api-secret",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("already registered"));
    let out = fabric_ha(
        &ws,
        &["console", "add", "r3", "--url", &url, "--api-key", &key],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    let list = ok_json(&fabric_ha(&ws, &["console", "list", "--json"]));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let r1 = list.iter().find(|c| c["name"] == "r1").unwrap();
    assert_eq!(r1["region"], "us-south");
    assert_eq!(r1["apiKey"], key.as_str());
    assert_eq!(r1["hasExtraCa"], true);
    assert!(!serde_json::to_string(list).unwrap().contains(&secret));

    let verdict = ok_json(&fabric_ha(&ws, &["console", "test", "r1", "--json"]));
    assert_eq!(verdict["code"], "ready");
    let out = fabric_ha(&ws, &["console", "test", "reader"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).starts_with("reader_only"), "{}", text(&out));

    // Import console files into the console; a re-run is a no-op.
    let pki = Pki::new();
    let files = [
        write(tmp.path(), "Org1 CA_ca.json", &pki.ca_v3()),
        write(tmp.path(), "Org1 MSP_msp.json", &pki.msp()),
        write(tmp.path(), "Org1 Peer 1_peer.json", &pki.peer_v3()),
    ];
    let file_args: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let mut args = vec!["console", "import", "r1"];
    args.extend(&file_args);
    let out = fabric_ha(&ws, &args);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out).matches("imported ").count(), 3, "{}", text(&out));
    let out = fabric_ha(&ws, &args);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        text(&out).matches("already present ").count(),
        3,
        "{}",
        text(&out)
    );
    assert_eq!(tc.components().len(), 3);

    // Library ids work too.
    let report = ok_json(&fabric_ha(
        &ws,
        &["artifact", "import", file_args[1], "--json"],
    ));
    let msp_id = report["files"][0]["artifacts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = ok_json(&fabric_ha(
        &ws,
        &["console", "import", "r1", &msp_id, "--json"],
    ));
    assert_eq!(report["items"][0]["outcome"], "alreadyPresent");
    assert_eq!(report["items"][0]["artifactId"], msp_id.as_str());

    // Rejected with the console's message: exit 1. (The reader key is on the same console,
    // so the MSP is already there; an ordering node is not.)
    let orderer = write(tmp.path(), "os_orderer.json", &pki.orderer_node(0));
    let out = fabric_ha(
        &ws,
        &[
            "console",
            "import",
            "reader",
            &msp_id,
            orderer.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("rejected") && text(&out).contains("Unauthorized"),
        "{}",
        text(&out)
    );

    let components = ok_json(&fabric_ha(&ws, &["console", "components", "r1", "--json"]));
    assert_eq!(components["console"], "r1");
    assert_eq!(components["peers"].as_array().unwrap().len(), 1);
    assert_eq!(components["cas"].as_array().unwrap().len(), 1);
    assert_eq!(components["msps"].as_array().unwrap().len(), 1);
    let peer_id = components["peers"][0]["id"].as_str().unwrap().to_owned();
    let out = fabric_ha(&ws, &["console", "components", "r1"]);
    assert!(text(&out).contains("Org1 Peer 1"), "{}", text(&out));

    let exported = tmp.path().join("peer.json");
    let out = fabric_ha(
        &ws,
        &[
            "console",
            "export",
            "r1",
            &peer_id,
            "--out",
            exported.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file: Value = serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    assert_eq!(file["id"], peer_id.as_str());
    let out = fabric_ha(&ws, &["console", "export", "r1", &peer_id, "--to-library"]);
    assert!(out.status.success(), "{}", text(&out));

    let out = fabric_ha(&ws, &["console", "remove", "reader"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = fabric_ha(&ws, &["console", "remove", "reader"]);
    assert_eq!(out.status.code(), Some(1));
    tc.shutdown_blocking();
}

/// Kills the sandbox if a test assertion fails before it is stopped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(unix)]
#[test]
fn a_console_on_ibm_cloud_is_added_with_an_ibm_cloud_api_key() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let iam = TestIam::start_blocking(Duration::from_secs(3600)).unwrap();
    let tc = TestConsole::start_blocking(TestConsoleConfig {
        auth_scheme: "iam".into(),
        iam: Some(iam.handle()),
        ..TestConsoleConfig::default()
    })
    .unwrap();
    // The console's and the token service's test CAs (IBM Cloud's are publicly trusted).
    let ca = tmp.path().join("cas.pem");
    std::fs::write(
        &ca,
        format!("{}\n{}", tc.ca_cert_pem().unwrap(), iam.ca_pem()),
    )
    .unwrap();
    let ca = ca.to_str().unwrap();
    let key = iam.add_key(&["Manager"]);
    let url = tc.url();
    let token_url = iam.token_url();

    // Refused before anything is stored: both kinds of key, a token URL without TLS.
    let refusals: [(&[&str], &[&str]); 2] = [
        (&["--api-key", "k", "--api-secret", "s"], &["--api-key"]),
        (
            &["--iam-token-url", "http://127.0.0.1:1/identity/token"],
            &["tokenUrl", "https://"],
        ),
    ];
    for (extra, said) in refusals {
        let mut args = vec!["console", "add", "cloud", "--url", &url];
        args.extend(extra);
        let out = command(&ws, &args)
            .env("FABRIC_HA_IAM_API_KEY", &key)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        for words in said {
            assert!(text(&out).contains(words), "{}", text(&out));
        }
        assert!(!text(&out).contains(&key));
    }
    let list = ok_json(&fabric_ha(&ws, &["console", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");

    // The key from stdin.
    let out = run_with_stdin(
        command(
            &ws,
            &[
                "console",
                "add",
                "cloud",
                "--url",
                &url,
                "--region",
                "us-east",
                "--iam-api-key-stdin",
                "--iam-token-url",
                &token_url,
                "--ca-cert",
                ca,
            ],
        ),
        &format!("{key}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(&key));

    let list = ok_json(&fabric_ha(&ws, &["console", "list", "--json"]));
    let cloud = &list[0];
    assert_eq!(cloud["auth"], "iam");
    assert_eq!(cloud["apiKey"], "");
    assert_eq!(cloud["iamTokenUrl"], token_url.as_str());
    let out = fabric_ha(&ws, &["console", "list"]);
    assert!(text(&out).contains("IBM Cloud IAM"), "{}", text(&out));

    let verdict = ok_json(&fabric_ha(&ws, &["console", "test", "cloud", "--json"]));
    assert_eq!(verdict["code"], "ready", "{verdict}");
    assert_eq!(verdict["authScheme"], "iam", "{verdict}");
    let components = ok_json(&fabric_ha(
        &ws,
        &["console", "components", "cloud", "--json"],
    ));
    assert!(components.is_object(), "{components}");
    // Each command is a new process: one exchange each (the test and the components read).
    assert_eq!(iam.exchanges(), 2);

    // Edits keep what they do not name: still an IBM Cloud API key.
    let out = fabric_ha(&ws, &["console", "edit", "cloud", "--region", "eu-de"]);
    assert!(out.status.success(), "{}", text(&out));
    let list = ok_json(&fabric_ha(&ws, &["console", "list", "--json"]));
    assert_eq!(list[0]["region"], "eu-de");
    assert_eq!(list[0]["auth"], "iam");
    assert_eq!(list[0]["iamTokenUrl"], token_url.as_str());
    let verdict = ok_json(&fabric_ha(&ws, &["console", "test", "cloud", "--json"]));
    assert_eq!(verdict["code"], "ready", "{verdict}");
    // Without the extra CA the console's certificate is untrusted, and said so; with it again,
    // ready.
    let out = fabric_ha(&ws, &["console", "edit", "cloud", "--remove-ca-cert"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = fabric_ha(&ws, &["console", "test", "cloud", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["code"], "console_tls_untrusted", "{verdict}");
    let out = fabric_ha(&ws, &["console", "edit", "cloud", "--ca-cert", ca]);
    assert!(out.status.success(), "{}", text(&out));
    let verdict = ok_json(&fabric_ha(&ws, &["console", "test", "cloud", "--json"]));
    assert_eq!(verdict["code"], "ready", "{verdict}");
    assert_eq!(iam.exchanges(), 4);

    // The key is nowhere on disk in plain text.
    for entry in files_under(&ws) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "{} holds the IBM Cloud API key",
            entry.display()
        );
    }
    iam.shutdown_blocking();
    tc.shutdown_blocking();
}

#[test]
fn sandbox_registers_three_consoles_until_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let mut child = Running(
        command(&ws, &["sandbox", "--register"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut printed = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no `sandbox ready` line: {printed:?}"));
        let ready = line.starts_with("sandbox ready");
        printed.push(line);
        if ready {
            break;
        }
    }
    let output = printed.join("\n");
    for region in ["us-south", "eu-de", "jp-tok"] {
        assert!(output.contains(&format!("sandbox-{region}")), "{output}");
    }
    assert_eq!(output.matches("api secret").count(), 3, "{output}");
    assert!(output.contains("sandbox-ca"), "{output}");
    assert!(output.contains("admin / adminpw"), "{output}");

    let list = ok_json(&fabric_ha(&ws, &["console", "list", "--json"]));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    assert!(list.iter().all(|c| c["sandbox"] == true));
    let verdict = ok_json(&fabric_ha(
        &ws,
        &["console", "test", "sandbox-eu-de", "--json"],
    ));
    assert_eq!(verdict["code"], "ready");

    let pid = child.0.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = child.0.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let list = ok_json(&fabric_ha(&ws, &["console", "list", "--json"]));
    assert_eq!(list, serde_json::json!([]));
}
