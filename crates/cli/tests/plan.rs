//! `fabric-ha plan ...` as a user runs it, against three test consoles and the Fabric CA test
//! server: the plan applied by a real process that is killed at every step boundary in turn
//! and resumed each time, ending exactly where an uninterrupted run ends.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../engine/tests/common/mod.rs"]
mod common;
mod support;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;
use support::{command_with, files_under, text};

const PASSPHRASE: &str = "cli plan tests";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    command_with(data_dir, args, PASSPHRASE)
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", text(&out));
    out
}

/// Registers the consoles in the workspace through the CLI, one per region.
fn add_consoles(consoles: &[fabric_ha_testbed::console::TestConsole], ws: &Path, tmp: &Path) {
    for (region, tc) in REGIONS.iter().zip(consoles) {
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
}

/// Registers the world's consoles and saves the plan through the CLI.
fn setup(world: &World, ws: &Path, tmp: &Path) {
    add_consoles(&world.consoles, ws, tmp);
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
            "--wait-timeout",
            "30",
        ],
    )
    .env("FABRIC_HA_REGISTRAR_SECRET", CA_ADMIN.1)
    .output()
    .unwrap());
}

/// `plan preview ha --json`, parsed.
fn preview_json(ws: &Path) -> Value {
    serde_json::from_slice(
        &ok(command(ws, &["plan", "preview", "ha", "--json"])
            .output()
            .unwrap())
        .stdout,
    )
    .unwrap()
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

/// Applies the plan `ha`, then resumes it, each run dying right after its first journal
/// boundary: alternately after a step's effect (before its outcome is recorded) and after the
/// outcome is recorded, until a run completes. `after_first_kill` runs once, after the first
/// kill. The number of runs it took.
fn killed_until_done(ws: &Path, total: usize, after_first_kill: impl FnOnce()) -> usize {
    let mut after_first_kill = Some(after_first_kill);
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= 2 * total + 2, "no convergence after {runs} runs");
        let var = if runs.is_multiple_of(2) {
            "FABRIC_HA_TEST_KILL_AFTER_STEP"
        } else {
            "FABRIC_HA_TEST_KILL_AFTER_EFFECT"
        };
        let out = apply(ws, if runs == 1 { "apply" } else { "resume" })
            .env(var, "1")
            .output()
            .unwrap();
        if out.status.success() {
            return runs;
        }
        assert!(
            out.status.code().is_none(),
            "the run failed instead of being killed: {}",
            text(&out)
        );
        if let Some(hook) = after_first_kill.take() {
            hook();
        }
    }
}

#[test]
fn killed_at_every_step_boundary_and_resumed_converges_without_duplicates() {
    let rt = runtime();
    let world = rt.block_on(world(fast));
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    setup(&world, &ws, tmp.path());

    let preview = preview_json(&ws);
    assert_eq!(preview["ready"], true, "{preview:#}");
    let total = preview["steps"].as_array().unwrap().len();

    let runs = killed_until_done(&ws, total, || interrupted_then_busy(&world, &ws));
    assert!(runs > total / 2, "only {runs} runs for {total} steps");
    assert_replicated(&world);

    // Done means done: a further resume changes nothing.
    let before = peers_by_console(&world);
    let out = ok(apply(&ws, "resume").output().unwrap());
    assert!(text(&out).contains("completed"));
    assert!(
        text(&out).contains("done earlier"),
        "plain lines off a terminal"
    );
    assert_eq!(peers_by_console(&world), before);

    // On a terminal (a pseudo-terminal from `script`) the progress is one bar per region,
    // each full, instead of one line per step.
    let lanes: Vec<(String, usize)> = {
        let status: Value = serde_json::from_slice(
            &ok(command(&ws, &["plan", "status", "ha", "--json"])
                .output()
                .unwrap())
            .stdout,
        )
        .unwrap();
        let mut lanes: Vec<(String, usize)> = Vec::new();
        for s in status["steps"].as_array().unwrap() {
            let console = s["console"].as_str().unwrap().to_owned();
            match lanes.iter_mut().find(|(c, _)| *c == console) {
                Some((_, n)) => *n += 1,
                None => lanes.push((console, 1)),
            }
        }
        lanes
    };
    let cmd = format!(
        "{} --data-dir {} plan resume ha --poll-interval 0.05",
        env!("CARGO_BIN_EXE_fabric-ha"),
        ws.display()
    );
    let out = ok(Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", PASSPHRASE)
        .env_remove("FABRIC_HA_HOME")
        .output()
        .unwrap());
    let tty = text(&out);
    assert!(!tty.contains("done earlier"), "{tty}");
    for (console, n) in &lanes {
        assert!(
            tty.lines().any(|l| l.contains(console.as_str())
                && l.contains(&format!("{n:>3}/{n:<3}"))
                && l.contains("done")),
            "no full bar for {console} ({n} steps): {tty}"
        );
    }
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
    assert!(
        md.contains("| Peer | Enroll id") && md.contains(":7051"),
        "{md}"
    );
    let secrets = rt.block_on(enroll_secrets_of(&ws));
    assert_eq!(secrets.len(), 4);
    let mut haystacks = vec![md.into_bytes(), report_json.stdout];
    for entry in files_under(&ws) {
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

/// After a kill the plan lists as interrupted. While another process holds its run lock (the
/// test process here, as a second window or CLI would), it lists as running and a second apply
/// is refused, naming that process, before anything changes.
fn interrupted_then_busy(world: &World, ws: &Path) {
    use std::io::Write;
    let list = text(&ok(command(ws, &["plan", "list"]).output().unwrap()));
    assert!(list.contains("interrupted"), "{list}");
    let record: Value = serde_json::from_slice(
        &ok(command(ws, &["plan", "show", "ha", "--json"])
            .output()
            .unwrap())
        .stdout,
    )
    .unwrap();
    let id = record["id"].as_str().unwrap();
    let mut lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(ws.join("runs").join(format!("{id}.lock")))
        .unwrap();
    lock.try_lock().unwrap();
    lock.set_len(0).unwrap();
    write!(lock, "{}", std::process::id()).unwrap();

    let before = peers_by_console(world);
    let status_before = ok(command(ws, &["plan", "status", "ha", "--json"])
        .output()
        .unwrap())
    .stdout;
    let out = apply(ws, "resume").output().unwrap();
    assert!(out.status.code().is_some_and(|c| c != 0), "{}", text(&out));
    assert!(
        text(&out).contains(&format!(
            "being applied by another process (pid {})",
            std::process::id()
        )),
        "{}",
        text(&out)
    );
    let list = text(&ok(command(ws, &["plan", "list"]).output().unwrap()));
    assert!(
        list.contains("running") && !list.contains("interrupted"),
        "{list}"
    );
    assert_eq!(peers_by_console(world), before);
    let status_after = ok(command(ws, &["plan", "status", "ha", "--json"])
        .output()
        .unwrap())
    .stdout;
    assert_eq!(status_after, status_before);
    lock.unlock().unwrap();
}

#[test]
fn from_nothing_killed_at_every_step_boundary_and_resumed_creates_everything_once() {
    let rt = runtime();
    let consoles: Vec<_> = REGIONS
        .iter()
        .map(|r| {
            rt.block_on(fabric_ha_testbed::console::TestConsole::start(fast(r)))
                .unwrap()
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    add_consoles(&consoles, &ws, tmp.path());
    ok(command(
        &ws,
        &[
            "plan",
            "new",
            "ha",
            "--source",
            REGIONS[0],
            "--new-org",
            "org9msp",
            "--target",
            "eu-de=1",
            "--target",
            "jp-tok=1",
            "--wait-timeout",
            "30",
        ],
    )
    .output()
    .unwrap());
    let preview = preview_json(&ws);
    assert_eq!(preview["ready"], true, "{preview:#}");
    let steps = preview["steps"].as_array().unwrap();
    let total = steps.len();
    assert_eq!(steps[0]["action"], "create_ca");
    assert_eq!(
        steps.iter().filter(|s| s["region"] == "region 1").count(),
        9,
        "create CA, wait, enroll CA admin, register admin and peer, enroll admin, MSP, peer, wait"
    );

    // Every bootstrap step is interrupted both ways.
    let runs = killed_until_done(&ws, total, || {});
    assert!(runs > total, "only {runs} runs for {total} steps");

    // One CA, one MSP in every console; each of the 3 peers exactly once everywhere; one
    // created peer per region, all enrolled at the region-1 CA.
    let c1 = consoles[0].components();
    let ca_root =
        c1.iter().find(|c| c["type"] == "fabric-ca").unwrap()["msp"]["ca"]["root_certs"][0].clone();
    let mut reference: Option<Vec<String>> = None;
    for (i, tc) in consoles.iter().enumerate() {
        let comps = tc.components();
        let count = |kind: &str| comps.iter().filter(|c| c["type"] == kind).count();
        assert_eq!(count("fabric-ca"), 1, "console {i}");
        assert_eq!(count("msp"), 1, "console {i}");
        let mut urls: Vec<String> = comps
            .iter()
            .filter(|c| c["type"] == "fabric-peer")
            .map(|c| c["api_url"].as_str().unwrap().to_owned())
            .collect();
        urls.sort();
        let mut unique = urls.clone();
        unique.dedup();
        assert_eq!(urls.len(), 3, "console {i}: {urls:?}");
        assert_eq!(unique, urls, "console {i} holds a duplicate");
        let created: Vec<&Value> = comps
            .iter()
            .filter(|c| c["type"] == "fabric-peer" && c["location"] == "ibm_saas")
            .collect();
        assert_eq!(created.len(), 1, "console {i}");
        assert_eq!(created[0]["msp"]["ca"]["root_certs"][0], ca_root);
        if let Some(r) = &reference {
            assert_eq!(&urls, r);
        }
        reference = Some(urls);
    }
    let msp = c1.iter().find(|c| c["type"] == "msp").unwrap();
    assert_eq!(msp["fabric_node_ous"]["enable"], true);
    assert_eq!(msp["admins"].as_array().unwrap().len(), 1);

    // The org admin is in the library, once, as an identity whose certificate is the MSP's
    // admin.
    let library: Value = serde_json::from_slice(
        &ok(command(&ws, &["artifact", "list", "--json"])
            .output()
            .unwrap())
        .stdout,
    )
    .unwrap();
    let identities: Vec<&Value> = library
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "identity")
        .collect();
    assert_eq!(identities.len(), 1, "{library:#}");

    // The preview after the run checks that admin against the MSP and finds nothing to do.
    let after = preview_json(&ws);
    assert!(after["checks"].as_array().unwrap().iter().any(|c| c["name"]
        .as_str()
        .unwrap()
        .contains("org admin")
        && c["ok"] == true));
    assert!(after["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["preview"]["status"] == "already_done"));

    // Secret canary: the generated CA admin and enroll secrets appear nowhere in the
    // workspace folder (database, WAL, logs).
    let secrets = rt.block_on(enroll_secrets_of(&ws));
    assert_eq!(secrets.len(), 4, "org admin and three peers");
    let admin_secret = rt.block_on(vault_secrets(&ws, "/registrar"));
    assert_eq!(admin_secret.len(), 1);
    let haystacks: Vec<Vec<u8>> = files_under(&ws)
        .into_iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    for secret in secrets.iter().chain(&admin_secret) {
        for h in &haystacks {
            assert!(
                !h.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret leaked"
            );
        }
    }
}

/// The secrets in the workspace vault whose id ends with `suffix`.
async fn vault_secrets(ws: &Path, suffix: &str) -> Vec<String> {
    use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
    let store = Store::open(ws).unwrap();
    let vault = Vault::unlock(
        &store,
        KeySource::Passphrase(fabric_ha_sensitive::Sensitive::new(PASSPHRASE.to_owned())),
        KdfParams::default(),
    )
    .unwrap();
    vault
        .ids(&store)
        .unwrap()
        .into_iter()
        .filter(|id| id.ends_with(suffix))
        .map(|id| vault.get_str(&store, &id).unwrap().expose().clone())
        .collect()
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
