//! The HA plan to its end on the real sandbox network: region 1 has the organization (CA, MSP,
//! one peer on `mychannel` with the asset contract committed), and a plan creates 2 + 2 peers
//! in regions 2 and 3 that join `mychannel`, get the same package and become anchor peers.
//! The CLI is killed at every journal boundary of those steps and resumed each time; the end
//! state is checked with the real tools: `peer lifecycle chaincode queryinstalled` on every new
//! peer, the channel config decoded by `configtxlator`, exactly one new config block, and a
//! transaction endorsed by a region-2 peer and a region-3 peer that commits as VALID.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use fabric_ha_fabric_net::{config, last_config_index, PeerClient, PeerEndpoint, Signer};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::sandbox::{FabricSandbox, CA_ADMIN, CHAINCODE, CHANNEL, MSP_ID};
use fabric_ha_testnet::chaincode::Lifecycle;
use fabric_ha_testnet::channel::PeerEndpoint as CliPeer;
use fabric_ha_testnet::{Binary, Fabric, FabricBins};
use serde_json::Value;
use support::*;

/// The steps this suite kills the CLI in.
const CHANNEL_STEPS: &str = "/join/,/install/,/anchors/";

fn report(ws: &Path) -> Value {
    ok_json(&fabric_ha(ws, &["plan", "report", "ha", "--json"]))
}

/// `peer lifecycle chaincode queryinstalled` on a peer, as the org admin: its package ids.
fn query_installed(sandbox: &FabricSandbox, tmp: &Path, api_url: &str, root: &str) -> Vec<String> {
    let root_file = write(
        tmp,
        &format!("root-{}.pem", host_port(api_url).replace([':', '.'], "-")),
        root,
    );
    let out = Command::new(FabricBins::locate(None).path(Binary::Peer).unwrap())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", tmp)
        .envs(env_file(&sandbox.env_file))
        .env("CORE_PEER_ADDRESS", host_port(api_url))
        .env("CORE_PEER_TLS_ROOTCERT_FILE", &root_file)
        .args(["lifecycle", "chaincode", "queryinstalled", "-O", "json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_str(&ok(&out)).unwrap();
    listed["installed_chaincodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package_id"].as_str().unwrap().to_owned())
        .collect()
}

/// The organization's anchor peers in a config block, as the real `configtxlator` decodes it.
fn configtxlator_anchors(tmp: &Path, block: &[u8]) -> BTreeSet<String> {
    let file = tmp.join("config.block");
    std::fs::write(&file, block).unwrap();
    let out = Command::new(
        FabricBins::locate(None)
            .path(Binary::Configtxlator)
            .unwrap(),
    )
    .args(["proto_decode", "--type", "common.Block", "--input"])
    .arg(&file)
    .output()
    .unwrap();
    let json: Value = serde_json::from_str(&ok(&out)).unwrap();
    json["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]["groups"]["Application"]
        ["groups"][MSP_ID]["values"]["AnchorPeers"]["value"]["anchor_peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}:{}", p["host"].as_str().unwrap(), p["port"]))
        .collect()
}

/// Applies the plan, then resumes it, each run killed at the first boundary of a channel step
/// (alternately after its effect and after its outcome is journaled) until a run completes.
/// Returns the kills.
fn killed_until_done(ws: &Path) -> usize {
    let mut kills = 0;
    loop {
        assert!(kills <= 2 * 9 + 2, "no convergence after {kills} kills");
        let var = if kills % 2 == 0 {
            "FABRIC_HA_TEST_KILL_AFTER_EFFECT"
        } else {
            "FABRIC_HA_TEST_KILL_AFTER_STEP"
        };
        let verb = if kills == 0 { "apply" } else { "resume" };
        let out = command(ws, &["plan", verb, "ha", "--poll-interval", "0.1"])
            .env("FABRIC_HA_TEST_KILL_STEPS", CHANNEL_STEPS)
            .env(var, "1")
            .output()
            .unwrap();
        if out.status.success() {
            assert!(text(&out).contains("completed"), "{}", text(&out));
            return kills;
        }
        assert!(
            out.status.code().is_none(),
            "the run failed instead of being killed: {}",
            text(&out)
        );
        kills += 1;
    }
}

#[test]
fn a_plan_joins_installs_and_anchors_every_new_peer_even_killed_at_every_boundary() {
    let Some(fabric) = Fabric::for_tests(
        "a_plan_joins_installs_and_anchors_every_new_peer_even_killed_at_every_boundary",
    ) else {
        return;
    };
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(&rt, fabric.clone(), &tmp.path().join("net"));
    let ws = tmp.path().join("ws");
    let admin = set_up_workspace(&ws, tmp.path(), &sandbox);
    let key = org_admin_key(&sandbox);
    let signer = Signer::new(
        MSP_ID,
        &sandbox.org_admin.cert_pem,
        &Sensitive::new(key.clone()),
    )
    .unwrap();
    let peer1 = PeerEndpoint {
        api_url: sandbox.org.peer_api_url.clone(),
        tls_root_pems: vec![sandbox.org.peer_tls_root_pem.clone()],
        client_tls: None,
    };
    let peer1_client = rt
        .block_on(PeerClient::connect(&peer1, Duration::from_secs(30)))
        .unwrap();
    let height_before = rt
        .block_on(peer1_client.chain_info(&signer, CHANNEL))
        .unwrap()
        .height;

    ok(&fabric_ha_with(
        &ws,
        &[
            "plan",
            "new",
            "ha",
            "--source",
            "r1",
            "--ca",
            &sandbox.org.ca_id,
            "--msp",
            &sandbox.org.msp_component_id,
            "--target",
            "r2=2",
            "--target",
            "r3=2",
            "--registrar-id",
            CA_ADMIN.0,
            "--channel",
            CHANNEL,
            "--wait-timeout",
            "120",
        ],
        &[("FABRIC_HA_REGISTRAR_SECRET", CA_ADMIN.1)],
    ));

    // No --org-admin: the wallet's admin of the MSP signs.
    let shown = ok_json(&fabric_ha(&ws, &["plan", "show", "ha", "--json"]));
    assert_eq!(
        shown["plan"]["source"]["org_admin_identity"],
        admin.as_str(),
        "{shown:#}"
    );

    // The preview checks the region-1 peer, the orderer and the package, and will do every
    // channel step.
    let preview = ok_json(&fabric_ha(&ws, &["plan", "preview", "ha", "--json"]));
    assert_eq!(preview["ready"], true, "{preview:#}");
    let checks = preview["checks"].as_array().unwrap();
    for name in [
        "org admin identity for the channel steps",
        "a region-1 peer has joined mychannel",
        "the orderer of mychannel answers",
        "chaincode packages readable from the region-1 peers",
    ] {
        let check = checks.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(check["ok"], true, "{check:#}");
    }
    let package_check = checks
        .iter()
        .find(|c| c["name"] == "chaincode packages readable from the region-1 peers")
        .unwrap();
    assert_eq!(package_check["detail"], sandbox.package.package_id.as_str());
    let channel_steps: Vec<&Value> = preview["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            ["join_channel", "install_chaincodes", "anchor_peers"]
                .contains(&s["action"].as_str().unwrap())
        })
        .collect();
    assert_eq!(channel_steps.len(), 4 + 4 + 1, "{preview:#}");
    assert!(
        channel_steps
            .iter()
            .all(|s| s["preview"]["status"] == "will_do"),
        "{channel_steps:#?}"
    );

    // Before the plan, region 1 is a single point of failure, and the check says so.
    let before = fabric_ha(&ws, &["ha", "check", "--plan", "ha", "--json"]);
    assert_eq!(before.status.code(), Some(3), "{}", text(&before));
    let before: Value = serde_json::from_slice(&before.stdout).unwrap();
    assert_eq!(before["survives"], false);
    let lost_r1 = &before["channels"][0]["losses"][0];
    assert_eq!(lost_r1["console"], "r1", "{before:#}");
    assert!(
        lost_r1["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("no peer outside r1 is running, joined to mychannel"),
        "{before:#}"
    );

    // Killed at every boundary of the channel steps, resumed each time.
    let kills = killed_until_done(&ws);
    assert!(kills >= 9, "only {kills} kills for 9 channel steps");

    // The report: every new peer joined with the region-1 peer's height, the same package,
    // and one anchor update with every new peer.
    let rep = report(&ws);
    assert_eq!(rep["state"], "completed", "{rep:#}");
    let mut new_peers = Vec::new();
    for region in rep["regions"].as_array().unwrap() {
        for p in region["peers"].as_array().unwrap() {
            let joined = &p["channels"][0];
            assert_eq!(joined["channel"], CHANNEL, "{p:#}");
            assert!(
                joined["height"].as_u64().unwrap() >= joined["source_height"].as_u64().unwrap(),
                "{p:#}"
            );
            assert!(joined["source_height"].as_u64().unwrap() >= height_before);
            assert_eq!(
                p["package_ids"],
                serde_json::json!([sandbox.package.package_id]),
                "{p:#}"
            );
            assert!(
                p["warnings"][0]
                    .as_str()
                    .unwrap()
                    .contains("chaincode-as-a-service"),
                "{p:#}"
            );
            new_peers.push(p["api_url"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(new_peers.len(), 4);
    let anchors: BTreeSet<String> = rep["channels"][0]["anchor_peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    let mut expected: BTreeSet<String> = new_peers.iter().map(|u| host_port(u)).collect();
    expected.insert(host_port(&sandbox.org.peer_api_url));
    assert_eq!(anchors, expected, "{rep:#}");

    // The real tools agree: the package on every new peer, the anchor peers in the config.
    let root = &sandbox.org.peer_tls_root_pem;
    for url in &new_peers {
        assert_eq!(
            query_installed(&sandbox, tmp.path(), url, root),
            vec![sandbox.package.package_id.clone()]
        );
    }
    let config_block = rt
        .block_on(peer1_client.config_block(&signer, CHANNEL))
        .unwrap();
    assert_eq!(configtxlator_anchors(tmp.path(), &config_block), expected);

    // Exactly one config block since the plan started, however often it was killed.
    let height_after = rt
        .block_on(peer1_client.chain_info(&signer, CHANNEL))
        .unwrap()
        .height;
    let config_blocks = (height_before..height_after)
        .filter(|n| {
            let bytes = rt
                .block_on(peer1_client.block(&signer, CHANNEL, *n))
                .unwrap();
            last_config_index(&config::decode_block(&bytes).unwrap()) == Some(*n)
        })
        .count();
    assert_eq!(config_blocks, 1, "blocks {height_before}..{height_after}");

    // A transaction endorsed by a region-2 peer and a region-3 peer commits as VALID.
    let endorsers: Vec<CliPeer> = [&new_peers[0], &new_peers[2]]
        .iter()
        .map(|u| CliPeer::from_api_url(u, root).unwrap())
        .collect();
    let lifecycle = Lifecycle {
        fabric: &fabric,
        dir: &tmp.path().join("cli"),
        admin: &sandbox.org_admin,
        ordering: &sandbox.ordering,
    };
    let said = rt
        .block_on(lifecycle.invoke(
            CHANNEL,
            CHAINCODE,
            &endorsers,
            "CreateAsset",
            &["asset-ha", "green", "7", "ha", "700"],
        ))
        .unwrap();
    assert!(said.contains("status:200") || said.is_empty(), "{said}");
    let queried = rt
        .block_on(lifecycle.query(
            CHANNEL,
            CHAINCODE,
            &endorsers[1],
            "ReadAsset",
            &["asset-ha"],
        ))
        .unwrap();
    assert!(queried.contains("green"), "{queried}");

    // After it, the organization survives the loss of any one region: gossip between the
    // regions converges within a minute (the check is asked again until then).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let check = loop {
        let out = fabric_ha(&ws, &["ha", "check", "--plan", "ha", "--json"]);
        if out.status.success() {
            break serde_json::from_slice::<Value>(&out.stdout).unwrap();
        }
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(std::time::Instant::now() < deadline, "{}", text(&out));
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(check["channels"][0]["channel"], CHANNEL);
    assert_eq!(check["peers"].as_array().unwrap().len(), 5, "{check:#}");
    for cell in check["channels"][0]["cells"].as_array().unwrap() {
        for p in cell["peers"].as_array().unwrap() {
            assert_eq!(p["behind"], 0, "{check:#}");
            assert_eq!(p["anchor"], true, "{check:#}");
        }
    }
    let md = ok(&fabric_ha(
        &ws,
        &["ha", "check", "--plan", "ha", "--markdown"],
    ));
    assert!(md.contains("survives the loss of any one region"), "{md}");

    // Done means done: a resume does nothing, the preview says everything is there.
    let again = ok(&fabric_ha(&ws, &["plan", "resume", "ha"]));
    assert!(again.contains("completed"), "{again}");
    let preview = ok_json(&fabric_ha(&ws, &["plan", "preview", "ha", "--json"]));
    for s in preview["steps"].as_array().unwrap() {
        assert_eq!(s["preview"]["status"], "already_done", "{s:#}");
    }

    // Secret canary: the org admin's key is in no workspace file and no report.
    let pem_line = key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .max_by_key(|l| l.len())
        .unwrap()
        .to_owned();
    let encoded = b64(&key);
    let needles = [pem_line.as_str(), &encoded[20..60]];
    let md = ok(&fabric_ha(&ws, &["plan", "report", "ha"]));
    for needle in needles {
        assert!(!md.contains(needle) && !rep.to_string().contains(needle));
        for entry in walk(&ws) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(needle),
                "the org admin's key is readable in {}",
                entry.display()
            );
        }
    }

    let pids = sandbox.pids();
    rt.block_on(sandbox.shutdown());
    assert!(pids.iter().all(|p| !alive(*p)), "{pids:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
