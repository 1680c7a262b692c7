//! `fabric-ha plan ...` as a user runs it, against three test consoles and the Fabric CA test
//! server: the plan applied by a real process that is killed at every step boundary in turn
//! and resumed each time, ending exactly where an uninterrupted run ends.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../engine/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

const PASSPHRASE: &str = "cli plan tests";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fabric-ha"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", PASSPHRASE)
        .env_remove("FABRIC_HA_HOME")
        .env_remove("FABRIC_HA_TEST_KILL_AFTER_STEP")
        .env_remove("FABRIC_HA_TEST_KILL_AFTER_EFFECT");
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", text(&out));
    out
}

/// Registers the world's consoles and saves the plan through the CLI.
fn setup(world: &World, ws: &Path, tmp: &Path) {
    for (region, tc) in REGIONS.iter().zip(&world.consoles) {
        let ca = tmp.join(format!("{region}.pem"));
        std::fs::write(&ca, tc.ca_cert_pem().unwrap()).unwrap();
        let (key, secret) = tc.manager_key();
        ok(command(
            ws,
            &[
                "console",
                "add",
                region,
                "--url",
                &tc.url(),
                "--region",
                region,
                "--api-key",
                &key,
                "--ca-cert",
                ca.to_str().unwrap(),
            ],
        )
        .env("FABRIC_HA_API_SECRET", secret)
        .output()
        .unwrap());
    }
    let c1 = world.consoles[0].components();
    let id = |kind: &str| {
        c1.iter()
            .find(|c| c["type"] == kind)
            .and_then(|c| c["id"].as_str())
            .unwrap()
            .to_owned()
    };
    let (ca_id, msp_id) = (id("fabric-ca"), id("msp"));
    ok(command(
        ws,
        &[
            "plan",
            "new",
            "ha",
            "--source",
            REGIONS[0],
            "--ca",
            &ca_id,
            "--msp",
            &msp_id,
            "--target",
            "eu-de=2",
            "--target",
            "jp-tok=2",
            "--registrar-id",
            CA_ADMIN.0,
            "--channel",
            "mychannel",
            "--chaincode",
            "basic",
            "--wait-timeout",
            "30",
        ],
    )
    .env("FABRIC_HA_REGISTRAR_SECRET", CA_ADMIN.1)
    .output()
    .unwrap());
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn apply(ws: &Path, verb: &str) -> Command {
    command(ws, &["plan", verb, "ha", "--poll-interval", "0.05"])
}

#[test]
fn killed_at_every_step_boundary_and_resumed_converges_without_duplicates() {
    let rt = runtime();
    let world = rt.block_on(world(fast));
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    setup(&world, &ws, tmp.path());

    let preview: Value = serde_json::from_slice(
        &ok(command(&ws, &["plan", "preview", "ha", "--json"])
            .output()
            .unwrap())
        .stdout,
    )
    .unwrap();
    assert_eq!(preview["ready"], true, "{preview:#}");
    let total = preview["steps"].as_array().unwrap().len();

    // Each run dies right after its first journal boundary: alternately after a step's
    // outcome is recorded, and after its effect but before the outcome is recorded.
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= 2 * total + 2, "no convergence after {runs} runs");
        let var = if runs % 2 == 0 {
            "FABRIC_HA_TEST_KILL_AFTER_STEP"
        } else {
            "FABRIC_HA_TEST_KILL_AFTER_EFFECT"
        };
        let out = apply(&ws, if runs == 1 { "apply" } else { "resume" })
            .env(var, "1")
            .output()
            .unwrap();
        if out.status.success() {
            break;
        }
        assert!(
            out.status.code().is_none(),
            "the run failed instead of being killed: {}",
            text(&out)
        );
    }
    assert!(runs > total / 2, "only {runs} runs for {total} steps");
    assert_replicated(&world);

    // Done means done: a further resume changes nothing.
    let before = peers_by_console(&world);
    let out = ok(apply(&ws, "resume").output().unwrap());
    assert!(text(&out).contains("completed"));
    assert_eq!(peers_by_console(&world), before);

    let status: Value = serde_json::from_slice(
        &ok(command(&ws, &["plan", "status", "ha", "--json"])
            .output()
            .unwrap())
        .stdout,
    )
    .unwrap();
    assert_eq!(status["state"], "completed");
    assert_eq!(status["done"], total);

    // Secret canary: the generated enroll secrets and the registrar secret appear nowhere in
    // the workspace folder (database, WAL, logs) nor in the reports.
    let report = tmp.path().join("report.md");
    ok(command(
        &ws,
        &["plan", "report", "ha", "--out", report.to_str().unwrap()],
    )
    .output()
    .unwrap());
    let report_json = ok(command(&ws, &["plan", "report", "ha", "--json"])
        .output()
        .unwrap());
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("## Manual steps") && md.contains(":7051"));
    let secrets = rt.block_on(enroll_secrets_of(&ws));
    assert_eq!(secrets.len(), 4);
    let mut haystacks = vec![md.into_bytes(), report_json.stdout];
    for entry in walk(&ws) {
        haystacks.push(std::fs::read(entry).unwrap());
    }
    for secret in secrets.iter().map(String::as_str).chain([CA_ADMIN.1]) {
        for h in &haystacks {
            assert!(
                !h.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret leaked"
            );
        }
    }
}

/// The enroll secrets the plan generated, read back through the vault.
async fn enroll_secrets_of(ws: &Path) -> Vec<String> {
    use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
    let store = Store::open(ws).unwrap();
    let vault = Vault::unlock(
        &store,
        KeySource::Passphrase(fabric_ha_sensitive::Sensitive::new(PASSPHRASE.to_owned())),
        KdfParams::default(),
    )
    .unwrap();
    let ids: Vec<String> = vault
        .ids(&store)
        .unwrap()
        .into_iter()
        .filter(|id| id.contains("/enroll/"))
        .collect();
    ids.iter()
        .map(|id| {
            let s = vault.get_str(&store, id).unwrap();
            assert!(s.expose().len() >= 43, "weak secret");
            s.expose().clone()
        })
        .collect()
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
