//! The HA plan to its end on the real sandbox network: region 1 has the organization (CA, MSP,
//! one peer on `mychannel` with the asset contract committed), and a plan creates 2 + 2 peers
//! in regions 2 and 3 that join `mychannel`, get the same package and become anchor peers.
//! The CLI is killed at every journal boundary of those steps and resumed each time; the end
//! state is checked with the real tools: `peer lifecycle chaincode queryinstalled` on every new
//! peer, the channel config decoded by `configtxlator`, exactly one new config block, and a
//! transaction endorsed by a region-2 peer and a region-3 peer that commits as VALID.
//!
//! Then, on the same network (one sandbox and one plan run for both), the region-loss drill:
//! region 1 (its console, the organization's CA and the region-1 peer) is stopped with
//! `fabric-ha sandbox region stop r1` through the sandbox's control socket; the HA check,
//! asked through r2's console while r1's is unreachable, still finds the channel served by
//! regions 2 and 3; a transaction endorsed in regions 2 and 3 commits as VALID; discovery asked
//! from a region-3 peer lists region 2's peers. `sandbox region start r1` brings it back: the
//! region-1 peer catches up to the others' height and the check is all green again.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use fabric_ha_fabric_net::{config, last_config_index, PeerClient, PeerEndpoint, Signer};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::control;
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
fn a_plan_joins_installs_anchors_even_killed_and_survives_losing_region_1() {
    let Some(fabric) =
        Fabric::for_tests("a_plan_joins_installs_anchors_even_killed_and_survives_losing_region_1")
    else {
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
    // `--json` gives what a check found as a code and params beside the English words.
    assert_eq!(package_check["code"], "packages", "{package_check:#}");
    assert_eq!(
        package_check["params"]["packages"],
        sandbox.package.package_id.as_str()
    );
    let joined = checks
        .iter()
        .find(|c| c["name"] == "a region-1 peer has joined mychannel")
        .unwrap();
    assert_eq!(joined["code"], "peerJoinedAt", "{joined:#}");
    assert_eq!(
        joined["detail"],
        format!(
            "{:?} has joined it (height {})",
            joined["params"]["peer"].as_str().unwrap(),
            joined["params"]["height"].as_str().unwrap()
        )
    );
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
    assert_eq!(lost_r1["reasons"][0]["code"], "noServingPeer", "{before:#}");
    assert_eq!(
        lost_r1["reasons"][0]["params"]["region"], "r1",
        "{before:#}"
    );
    assert!(
        lost_r1["reasons"][0]["text"]
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
            // The same for the window to word: the package and its one server.
            assert_eq!(p["ccaas"].as_array().map(Vec::len), Some(1), "{p:#}");
            assert_eq!(
                p["ccaas"][0]["package_id"], sandbox.package.package_id,
                "{p:#}"
            );
            let address = p["ccaas"][0]["address"].as_str().unwrap();
            assert!(
                address.starts_with("127.0.0.1:")
                    && p["warnings"][0].as_str().unwrap().contains(address),
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
        for entry in files_under(&ws) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(needle),
                "the org admin's key is readable in {}",
                entry.display()
            );
        }
    }

    let mut pids = sandbox.pids();
    let drill = Drill {
        rt: &rt,
        fabric: &fabric,
        sandbox: &sandbox,
        ws: &ws,
        tmp: tmp.path(),
        signer: &signer,
        new_peers: &new_peers,
    };
    pids.extend(drill.run());
    drill.stale_record();

    rt.block_on(sandbox.shutdown());
    assert!(pids.iter().all(|p| !alive(*p)), "{pids:?}");
}

/// The region-loss drill on the network the plan left: every peer of regions 1–3 joined,
/// anchor peers everywhere, the check green.
struct Drill<'a> {
    rt: &'a tokio::runtime::Runtime,
    fabric: &'a Fabric,
    sandbox: &'a FabricSandbox,
    ws: &'a Path,
    tmp: &'a Path,
    signer: &'a Signer,
    /// The plan's peers: two in r2, then two in r3.
    new_peers: &'a [String],
}

impl Drill<'_> {
    fn client(&self, api_url: &str) -> PeerClient {
        let endpoint = PeerEndpoint {
            api_url: api_url.to_owned(),
            tls_root_pems: vec![self.sandbox.org.peer_tls_root_pem.clone()],
            client_tls: None,
        };
        self.rt
            .block_on(PeerClient::connect(&endpoint, Duration::from_secs(30)))
            .unwrap()
    }

    fn height(&self, api_url: &str) -> u64 {
        self.rt
            .block_on(self.client(api_url).chain_info(self.signer, CHANNEL))
            .unwrap()
            .height
    }

    /// `fabric-ha sandbox region …` against the test's sandbox.
    fn region(&self, socket: &Path, args: &[&str]) -> std::process::Output {
        let mut all = vec!["sandbox", "region"];
        all.extend_from_slice(args);
        all.extend(["--sandbox", socket.to_str().unwrap()]);
        fabric_ha(self.ws, &all)
    }

    /// `ha check --plan ha --json` with its exit code.
    fn check(&self) -> (Option<i32>, Value) {
        let out = fabric_ha(self.ws, &["ha", "check", "--plan", "ha", "--json"]);
        let json =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
        (out.status.code(), json)
    }

    /// A stale record: region 3's copy of a region-2 peer gets another TLS certificate (as
    /// when the peer was re-created after it was imported). The check flags that record, with
    /// what to do; doing it (`console copy r2 r3 ID --update`) makes it current, and the check
    /// no longer flags anything.
    fn stale_record(&self) {
        use fabric_ha_console::{
            certificate_update, CertField, ClientOptions, ComponentType, ConsoleAuth,
            ConsoleClient, ConsoleEndpoint,
        };
        let r2_peer = self.new_peers[0].as_str();
        let (_, r3) = &self.sandbox.consoles[2];
        let copy = r3
            .components()
            .into_iter()
            .find(|c| c["type"] == "fabric-peer" && c["api_url"] == r2_peer)
            .unwrap();
        let copy_id = copy["id"].as_str().unwrap().to_owned();
        let (key, secret) = r3.manager_key();
        let client = ConsoleClient::new(
            ConsoleEndpoint {
                url: r3.url(),
                auth: ConsoleAuth::key(key, Sensitive::from(secret.as_str())),
                extra_ca_pem: r3.ca_cert_pem(),
            },
            ClientOptions::default(),
        )
        .unwrap();
        let other = serde_json::json!({ "msp": { "component": {
            "tls_cert": b64(&self.sandbox.org.peer_tls_root_pem)
        } } });
        let changes =
            certificate_update(ComponentType::Peer, &copy, &other, &[CertField::TlsCert]).unwrap();
        self.rt
            .block_on(client.edit_component(ComponentType::Peer, &copy_id, &changes))
            .unwrap();

        let (_, check) = self.check();
        let rows = check["consoles"].as_array().unwrap();
        for row in rows {
            let stale = row["stale"].as_array().unwrap();
            if row["console"] != "r3" {
                assert!(stale.is_empty(), "{check:#}");
                continue;
            }
            assert_eq!(stale.len(), 1, "{check:#}");
            let record = &stale[0];
            assert_eq!(record["apiUrl"], r2_peer);
            assert_eq!(record["componentId"], copy_id.as_str());
            assert_eq!(
                record["fields"],
                serde_json::json!(["msp.component.tls_cert"])
            );
            assert_eq!(record["notServed"], true, "{record:#}");
            assert_eq!(record["updateFrom"]["console"], "r2", "{record:#}");
            let from = record["updateFrom"]["componentId"].as_str().unwrap();
            let todo = format!("fabric-ha console copy r2 r3 {from} --update");
            assert!(
                record["todo"].as_str().unwrap().contains(&todo),
                "{record:#}"
            );
        }
        let md = ok(&fabric_ha(
            self.ws,
            &["ha", "check", "--plan", "ha", "--markdown"],
        ));
        assert!(md.contains("stale"), "{md}");

        // What the check says to do.
        let from = rows
            .iter()
            .find(|r| r["console"] == "r3")
            .and_then(|r| r["stale"][0]["updateFrom"]["componentId"].as_str())
            .unwrap()
            .to_owned();
        let updated = ok(&fabric_ha(
            self.ws,
            &["console", "copy", "r2", "r3", &from, "--update"],
        ));
        assert!(updated.contains("updated"), "{updated}");
        let (code, check) = self.check();
        assert_eq!(code, Some(0), "{check:#}");
        for row in check["consoles"].as_array().unwrap() {
            assert_eq!(row["stale"], serde_json::json!([]), "{check:#}");
        }
        let now = r3
            .components()
            .into_iter()
            .find(|c| c["id"] == copy_id.as_str())
            .unwrap();
        assert_ne!(
            now["msp"]["component"]["tls_cert"],
            other["msp"]["component"]["tls_cert"]
        );
    }

    /// Runs the drill; returns the process ids it started (the restarted region-1 nodes).
    fn run(&self) -> Vec<u32> {
        let sandbox = self.sandbox;
        let r1_peer = sandbox.org.peer_api_url.as_str();
        let (r2_peers, r3_peers) = self.new_peers.split_at(2);
        // The control socket `fabric-ha sandbox --fabric` serves, here for the test's sandbox.
        let socket = sandbox.dir().join(control::SOCKET_NAME);
        let _control = self
            .rt
            .block_on(control::serve(&socket, sandbox.regions()))
            .unwrap();
        let r1_console = sandbox.consoles[0].1.url();
        let r1_port = r1_console.rsplit(':').next().unwrap().to_owned();

        // Region 1 stopped: its console, then the CA and the peer its deployer created.
        let stopped = ok_json(&self.region(&socket, &["stop", "r1", "--json"]));
        assert_eq!(stopped["region"], "r1");
        assert_eq!(stopped["running"], false);
        assert_eq!(stopped["console_url"], r1_console.as_str());
        let kinds: Vec<&str> = stopped["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["ca", "peer"], "{stopped:#}");
        let old_pids: Vec<u32> = stopped["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| u32::try_from(n["pid"].as_u64().unwrap()).unwrap())
            .collect();
        assert!(old_pids.iter().all(|p| !alive(*p)), "{old_pids:?}");
        assert!(
            std::net::TcpStream::connect(format!("127.0.0.1:{r1_port}")).is_err(),
            "r1's console still accepts connections"
        );
        // Stopped twice, or a region the sandbox does not have: precise refusals.
        let again = self.region(&socket, &["stop", "r1"]);
        assert_eq!(again.status.code(), Some(1), "{}", text(&again));
        assert!(text(&again).contains("region r1 is stopped already"));
        let unknown = self.region(&socket, &["stop", "r9"]);
        assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
        assert!(
            text(&unknown).contains("the sandbox has no region \"r9\" (its regions: r1, r2, r3)"),
            "{}",
            text(&unknown)
        );

        // The check with r1 gone, for the plan (its MSP id read from the copy imported into
        // r2, its peers' regions from its journal). What it shows:
        // r1's console not read, the region-1 peer not running and saying to start it, every
        // plan peer running at the highest height, and the channel surviving the loss of r1
        // (and of any one more region: r2 and r3 each keep two serving anchor peers and a
        // console listing every peer), so exit 0.
        let out = fabric_ha(self.ws, &["ha", "check", "--plan", "ha", "--json"]);
        let check: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
        assert_eq!(out.status.code(), Some(0), "{check:#}");
        assert_eq!(check["survives"], true, "{check:#}");
        let console = |name: &str| {
            check["consoles"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["console"] == name)
                .unwrap()
                .clone()
        };
        let unread = console("r1")["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            unread.starts_with("r1: cannot reach the console at") && unread.contains(&r1_port),
            "{check:#}"
        );
        for name in ["r2", "r3"] {
            assert!(console(name)["error"].is_null(), "{check:#}");
            assert_eq!(console(name)["missing"], serde_json::json!([]), "{check:#}");
        }
        let peer = |url: &str| {
            check["peers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["apiUrl"] == url)
                .unwrap_or_else(|| panic!("{url} not in {check:#}"))
                .clone()
        };
        let r1 = peer(r1_peer);
        // Still region 1's peer (the plan's journal says so), and r1's console row says it
        // could not be read rather than that it lacks every peer.
        assert_eq!(r1["console"], "r1", "{check:#}");
        assert_eq!(console("r1")["missing"], serde_json::json!([]), "{check:#}");
        assert_eq!(r1["running"], false, "{check:#}");
        assert_eq!(r1["channels"], serde_json::json!([]), "{check:#}");
        assert!(
            r1["error"].as_str().unwrap().contains("Connection refused"),
            "{check:#}"
        );
        for url in self.new_peers {
            assert_eq!(peer(url)["running"], true, "{check:#}");
        }
        let channel = &check["channels"][0];
        assert_eq!(channel["channel"], CHANNEL);
        let cell_peers: Vec<&Value> = channel["cells"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["peers"].as_array().unwrap())
            .collect();
        for p in &cell_peers {
            if p["name"] == r1["name"] {
                assert!(
                    p["todo"][0]["text"]
                        .as_str()
                        .unwrap()
                        .starts_with("start the peer (it does not answer"),
                    "{check:#}"
                );
            } else {
                assert_eq!(p["behind"], 0, "{check:#}");
                assert_eq!(p["todo"], serde_json::json!([]), "{check:#}");
            }
        }
        assert_eq!(cell_peers.len(), 5, "{check:#}");
        let lost_r1 = channel["losses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["console"] == "r1")
            .unwrap();
        assert_eq!(lost_r1["survives"], true, "{check:#}");
        assert_eq!(lost_r1["reasons"], serde_json::json!([]), "{check:#}");

        // A transaction endorsed in regions 2 and 3 commits as VALID (the orderer is in no
        // region); the region-2 peers' height grows without region 1.
        let height_before = self.height(&r2_peers[0]);
        let root = &sandbox.org.peer_tls_root_pem;
        let endorsers: Vec<CliPeer> = [&r2_peers[0], &r3_peers[0]]
            .iter()
            .map(|u| CliPeer::from_api_url(u, root).unwrap())
            .collect();
        let lifecycle = Lifecycle {
            fabric: self.fabric,
            dir: &self.tmp.join("cli"),
            admin: &sandbox.org_admin,
            ordering: &sandbox.ordering,
        };
        self.rt
            .block_on(lifecycle.invoke(
                CHANNEL,
                CHAINCODE,
                &endorsers,
                "CreateAsset",
                &["asset-drill", "black", "9", "r1-down", "900"],
            ))
            .unwrap();
        let height_without_r1 = self.height(&r2_peers[0]);
        assert!(height_without_r1 > height_before);

        // Discovery from a region-3 peer: gossip still lists region 2's peers.
        let seen: BTreeSet<String> = self
            .rt
            .block_on(
                self.client(&r3_peers[0])
                    .discover_peers(self.signer, CHANNEL),
            )
            .unwrap()
            .into_iter()
            .filter(|p| p.msp_id == MSP_ID)
            .map(|p| p.endpoint)
            .collect();
        for url in r2_peers {
            assert!(seen.contains(&host_port(url)), "{url} not in {seen:?}");
        }

        // Region 1 started again: same console URL, new processes, the peer catches up.
        let started = ok_json(&self.region(&socket, &["start", "r1", "--json"]));
        assert_eq!(started["running"], true, "{started:#}");
        assert_eq!(started["console_url"], r1_console.as_str());
        let new_pids: Vec<u32> = started["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| u32::try_from(n["pid"].as_u64().unwrap()).unwrap())
            .collect();
        assert_eq!(new_pids.len(), 2, "{started:#}");
        assert!(new_pids.iter().all(|p| alive(*p) && !old_pids.contains(p)));
        let twice = self.region(&socket, &["start", "r1"]);
        assert_eq!(twice.status.code(), Some(1), "{}", text(&twice));
        assert!(text(&twice).contains("region r1 is running already"));
        let status = ok_json(&self.region(&socket, &["status", "--json"]));
        assert!(
            status
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["running"] == true),
            "{status:#}"
        );

        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let target = self.height(&r2_peers[0]);
            let caught_up = self
                .rt
                .block_on(async {
                    let endpoint = PeerEndpoint {
                        api_url: r1_peer.to_owned(),
                        tls_root_pems: vec![root.clone()],
                        client_tls: None,
                    };
                    let client = PeerClient::connect(&endpoint, Duration::from_secs(5)).await?;
                    client.chain_info(self.signer, CHANNEL).await
                })
                .map(|info| info.height);
            if caught_up.as_ref().is_ok_and(|h| *h == target) {
                assert!(target >= height_without_r1);
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the r1 peer never caught up to {target}: {caught_up:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }

        // All green again (gossip between the regions converges: asked again until then).
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let check = loop {
            let (code, check) = self.check();
            if code == Some(0) {
                break check;
            }
            assert_eq!(code, Some(3), "{check:#}");
            assert!(std::time::Instant::now() < deadline, "{check:#}");
            std::thread::sleep(Duration::from_millis(500));
        };
        assert_eq!(check["survives"], true);
        for c in check["consoles"].as_array().unwrap() {
            assert!(c["error"].is_null(), "{check:#}");
            assert_eq!(c["missing"], serde_json::json!([]), "{check:#}");
        }
        for p in check["peers"].as_array().unwrap() {
            assert_eq!(p["running"], true, "{check:#}");
        }
        for cell in check["channels"][0]["cells"].as_array().unwrap() {
            for p in cell["peers"].as_array().unwrap() {
                assert_eq!(p["behind"], 0, "{check:#}");
                assert_eq!(p["todo"], serde_json::json!([]), "{check:#}");
            }
            assert_eq!(cell["gossipMissing"], serde_json::json!([]), "{check:#}");
        }
        for l in check["channels"][0]["losses"].as_array().unwrap() {
            assert_eq!(l["survives"], true, "{check:#}");
        }
        new_pids
    }
}
