//! `fabric-ha sandbox --fabric` as a user runs it: ready within 60 s; with the printed env file
//! the real `peer` CLI lists `mychannel` and an invoke through the region-1 peer commits; the
//! console's export of that peer passes the file checks (its certificates chain to the CA);
//! Ctrl-C (SIGTERM) stops every process the sandbox started.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fabric_ha_testnet::{Binary, Fabric, FabricBins};
use support::{command_with, env_file, text};

const PASSPHRASE: &str = "cli sandbox tests";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    command_with(data_dir, args, PASSPHRASE)
}

/// Kills the sandbox if an assertion fails before it is stopped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(30);
            while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Processes whose parent is `parent` (from `/proc/*/stat`).
fn children(parent: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                == Some(parent)
        })
        .collect()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

fn value_after<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {label:?} line in {lines:#?}"))
}

#[test]
fn the_fabric_sandbox_serves_the_channel_and_stops_everything() {
    let Some(_fabric) =
        Fabric::for_tests("the_fabric_sandbox_serves_the_channel_and_stops_everything")
    else {
        return;
    };
    let peer_bin: PathBuf = FabricBins::locate(None).path(Binary::Peer).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let started = Instant::now();
    let mut child = Running(
        command(&ws, &["sandbox", "--fabric", "--register"])
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
    let deadline = started + Duration::from_secs(60);
    let mut printed: Vec<String> = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no `sandbox ready` line within 60 s: {printed:#?}"));
        let ready = line.starts_with("sandbox ready");
        printed.push(line);
        if ready {
            break;
        }
    }
    eprintln!("sandbox ready after {:?}", started.elapsed());

    // The peer CLI as the org admin, from the printed env file alone.
    let env = env_file(Path::new(value_after(&printed, "org-admin env")));
    let peer = |args: &[&str]| {
        let mut cmd = Command::new(&peer_bin);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", tmp.path())
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(args);
        cmd.output().unwrap()
    };
    let var = |name: &str| env.iter().find(|(k, _)| k == name).unwrap().1.clone();
    let list = peer(&["channel", "list"]);
    assert!(list.status.success(), "{}", text(&list));
    assert!(
        String::from_utf8_lossy(&list.stdout).contains("mychannel"),
        "{}",
        text(&list)
    );
    let invoke = peer(&[
        "chaincode",
        "invoke",
        "-o",
        &var("ORDERER_ADDRESS"),
        "--tls",
        "--cafile",
        &var("ORDERER_CA"),
        "-C",
        "mychannel",
        "-n",
        "asset",
        "-c",
        r#"{"function":"CreateAsset","Args":["asset9","green","7","ana","900"]}"#,
        "--waitForEvent",
    ]);
    assert!(invoke.status.success(), "{}", text(&invoke));
    assert!(
        text(&invoke).contains("committed with status (VALID)"),
        "{}",
        text(&invoke)
    );

    // The console's own file for the region-1 peer passes the file checks: its TLS and
    // enrollment certificates chain to the organization's CA.
    let peer_id = value_after(&printed, "peer ")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let file = tmp.path().join("peer.json");
    let export = command(
        &ws,
        &[
            "console",
            "export",
            "sandbox-us-south",
            &peer_id,
            "--out",
            file.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert!(export.status.success(), "{}", text(&export));
    let check = command(&ws, &["artifact", "check", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));

    // Ctrl-C: every process the sandbox started is gone, the consoles unregistered.
    let pids = children(child.0.id());
    assert!(
        pids.len() >= 5,
        "expected CAs, orderer, peer and chaincode: {pids:?}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let stop_deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.0.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < stop_deadline,
            "the sandbox did not stop within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
    let list = command(&ws, &["console", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).trim(),
        "[]",
        "{}",
        text(&list)
    );
}
