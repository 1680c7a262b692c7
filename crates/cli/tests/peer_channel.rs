//! `fabric-ha peer ...` and `fabric-ha channel anchors ...` as a user runs them, against the
//! real sandbox network (consoles with real deployers, `mychannel` with the asset contract on
//! the region-1 peer) and a second peer the region-2 console creates: channels and heights,
//! join (block 0 from the region-1 peer; a second run says already joined), the exact package
//! bytes installed (the real `peer lifecycle chaincode queryinstalled` agrees), anchor peers
//! added once and shown, and a client that is not an admin refused with the peer's words.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_console::{
    CaEnrollment, ClientOptions, ComponentAdmins, ConsoleAuth, ConsoleClient, ConsoleEndpoint,
    CreatePeerBody, EnrollmentCrypto, Health, PeerCrypto, StateDb, TlsCaEnrollment,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::TestConsole;
use fabric_ha_testbed::sandbox::{FabricSandbox, CA_ADMIN, CHAINCODE, CHANNEL, MSP_ID};
use fabric_ha_testnet::{Binary, Fabric, FabricBins};
use serde_json::{json, Value};
use support::*;

const PEER1: &str = "Org1 Peer 1";
const PEER2: &str = "Org1 Peer 2";

/// A Go chaincode package, as `peer lifecycle chaincode package --lang golang` lays it out.
fn golang_package(dir: &Path) -> PathBuf {
    let work = dir.join("golang-package");
    std::fs::create_dir_all(work.join("src")).unwrap();
    std::fs::write(
        work.join("src").join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    std::fs::write(
        work.join("metadata.json"),
        r#"{"path":"example.com/refused","type":"golang","label":"refused_1.0"}"#,
    )
    .unwrap();
    let tar = |args: &[&str]| {
        let status = Command::new("tar")
            .current_dir(&work)
            .args(args)
            .status()
            .unwrap();
        assert!(status.success());
    };
    tar(&["-czf", "code.tar.gz", "src"]);
    tar(&["-czf", "refused.tar.gz", "metadata.json", "code.tar.gz"]);
    work.join("refused.tar.gz")
}

/// Creates the second peer through the region-2 console's deployer (its CA imported there
/// first) and waits until the console says it runs; its record.
/// A peer record's TLS CA root (PEM).
fn tls_root(record: &fabric_ha_console::Component) -> String {
    let b64 = &record
        .msp
        .as_ref()
        .unwrap()
        .tlsca
        .as_ref()
        .unwrap()
        .root_certs[0];
    String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap()
}

fn create_peer2(
    rt: &tokio::runtime::Runtime,
    console: &TestConsole,
    sandbox: &FabricSandbox,
) -> fabric_ha_console::Component {
    let (api_key, secret) = console.manager_key();
    let client = ConsoleClient::new(
        ConsoleEndpoint {
            url: console.url(),
            auth: ConsoleAuth::key(api_key, Sensitive::new(secret)),
            extra_ca_pem: console.ca_cert_pem(),
        },
        ClientOptions::default(),
    )
    .unwrap();
    let port: u16 = sandbox
        .org
        .ca_url
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let tls_cert = b64(&sandbox.org.ca_tls_cert_pem);
    let body = CreatePeerBody {
        display_name: PEER2.into(),
        msp_id: MSP_ID.into(),
        crypto: PeerCrypto::Enrollment(EnrollmentCrypto {
            ca: CaEnrollment {
                host: "127.0.0.1".into(),
                port,
                name: "ca".into(),
                tls_cert: tls_cert.clone(),
                enroll_id: "org1peer2".into(),
                enroll_secret: Sensitive::new("org1peer2pw".into()),
            },
            tlsca: TlsCaEnrollment {
                host: "127.0.0.1".into(),
                port,
                name: "tlsca".into(),
                tls_cert,
                enroll_id: "org1peer2".into(),
                enroll_secret: Sensitive::new("org1peer2pw".into()),
                csr_hosts: None,
            },
            component: ComponentAdmins {
                admin_certs: vec![b64(&sandbox.org_admin.cert_pem)],
            },
        }),
        id: None,
        version: None,
        state_db: Some(StateDb::Leveldb),
        zone: None,
        region: None,
        resources: None,
        storage: None,
        config_override: None,
        hsm: None,
        tags: None,
    };
    rt.block_on(async {
        let record = client.create_peer(&body).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = client
                .component_status(&[record.id.as_str()], 5_000)
                .await
                .unwrap();
            // The console's status is the peer's /healthz, which answers before the peer
            // serves gRPC (it opens its ledger in between): wait for that too, as the
            // engine's retries of an unreachable peer do.
            if status.first().map(|(_, s)| s.health) == Some(Health::Ok)
                && fabric_ha_testnet::serves_grpc(
                    record
                        .api_url
                        .as_deref()
                        .unwrap()
                        .trim_start_matches("grpcs://"),
                    &tls_root(&record),
                    Duration::from_secs(1),
                )
                .await
            {
                break record;
            }
            assert!(Instant::now() < deadline, "peer2 never ran: {status:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

#[test]
fn one_peer_at_a_time_against_the_real_network() {
    let Some(fabric) = Fabric::for_tests("one_peer_at_a_time_against_the_real_network") else {
        return;
    };
    let peer_bin = FabricBins::locate(None).path(Binary::Peer).unwrap();
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(&rt, fabric, &tmp.path().join("net"));
    let ws = tmp.path().join("ws");

    // The three region consoles, registered as a user registers them, and the org admin in
    // the wallet as its identity file.
    set_up_workspace(&ws, tmp.path(), &sandbox);
    let ca_url = sandbox.org.ca_url.clone();
    let ca_tls = write(tmp.path(), "ca-tls.pem", &sandbox.org.ca_tls_cert_pem);
    let ca = |args: &[&str]| {
        let mut all = vec![
            "ca",
            args[0],
            &ca_url,
            "--tls-cert",
            ca_tls.to_str().unwrap(),
        ];
        all.extend_from_slice(&["--ca-name", "ca"]);
        all.extend_from_slice(&args[1..]);
        fabric_ha(&ws, &all)
    };
    ok(&ca(&[
        "enroll", "--id", CA_ADMIN.0, "--secret", CA_ADMIN.1, "--as", "ca-admin",
    ]));
    for (id, kind) in [("org1peer2", "peer"), ("org1client", "client")] {
        ok(&ca(&[
            "register",
            "--registrar",
            "ca-admin",
            "--id",
            id,
            "--type",
            kind,
            "--secret",
            &format!("{id}pw"),
        ]));
    }
    ok(&ca(&[
        "enroll",
        "--id",
        "org1client",
        "--secret",
        "org1clientpw",
        "--as",
        "client",
    ]));

    // Channels with heights; the org admin is found in the wallet by itself.
    let channels = ok_json(&fabric_ha(&ws, &["peer", "channels", PEER1, "--json"]));
    assert_eq!(channels["identity"], "org1admin", "{channels:#}");
    assert_eq!(
        channels["peer"]["apiUrl"],
        sandbox.org.peer_api_url.as_str()
    );
    assert_eq!(channels["channels"][0]["channel"], CHANNEL, "{channels:#}");
    let height1 = channels["channels"][0]["height"].as_u64().unwrap();
    assert!(height1 >= 4, "genesis, approve, commit, invoke: {height1}");
    let table = ok(&fabric_ha(
        &ws,
        &["peer", "channels", &format!("r1/{}", sandbox.org.peer_id)],
    ));
    assert!(
        table.contains(CHANNEL) && table.contains("org1admin"),
        "{table}"
    );
    // An unknown name lists the candidates.
    let unknown = fabric_ha(&ws, &["peer", "channels", "Org1 Peer 9"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(text(&unknown).contains(&format!("\"{PEER1}\" (r1/{}", sandbox.org.peer_id)));

    // A second peer of the organization, created by the region-2 console's deployer.
    ok(&fabric_ha(
        &ws,
        &["console", "copy", "r1", "r2", &sandbox.org.ca_id],
    ));
    let peer2 = create_peer2(&rt, &sandbox.consoles[1].1, &sandbox);
    let peer2_url = peer2.api_url.clone().unwrap();
    let peer2_root = tls_root(&peer2);
    let empty = ok_json(&fabric_ha(
        &ws,
        &["peer", "channels", &format!("r2/{}", peer2.id), "--json"],
    ));
    assert_eq!(empty["channels"], json!([]), "{empty:#}");
    assert_eq!(empty["peer"]["name"], PEER2);

    // Not an admin: a client of the organization is refused by the peer, named in the error.
    let refused = fabric_ha(&ws, &["peer", "join", PEER2, CHANNEL, "--as", "client"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(said.contains("wallet identity \"client\""), "{said}");
    assert!(said.contains("cscc.JoinChain"), "{said}");
    assert!(
        said.contains("sign with the organization's admin"),
        "{said}"
    );

    // Join: block 0 from the region-1 peer, caught up with it; a second run has nothing to do.
    let joined = ok_json(&fabric_ha(&ws, &["peer", "join", PEER2, CHANNEL, "--json"]));
    assert_eq!(joined["alreadyJoined"], false, "{joined:#}");
    assert_eq!(joined["source"]["name"], PEER1, "{joined:#}");
    assert_eq!(joined["identity"], "org1admin");
    assert_eq!(joined["caughtUp"], true, "{joined:#}");
    assert!(joined["height"].as_u64().unwrap() >= height1, "{joined:#}");
    assert_eq!(joined["height"], joined["sourceHeight"]);
    let again = ok(&fabric_ha(&ws, &["peer", "join", PEER2, CHANNEL]));
    assert!(again.contains("already joined"), "{again}");
    let again = ok_json(&fabric_ha(&ws, &["peer", "join", PEER2, CHANNEL, "--json"]));
    assert_eq!(again["alreadyJoined"], true);

    // Install the exact bytes the region-1 peer has: the sandbox's package id, with the ccaas
    // warning; the real peer CLI lists it on peer 2; a second run and the file skip it.
    let chaincodes = ok_json(&fabric_ha(&ws, &["peer", "chaincodes", PEER1, "--json"]));
    let package_id = sandbox.package.package_id.as_str();
    assert_eq!(
        chaincodes["packages"][0]["packageId"], package_id,
        "{chaincodes:#}"
    );
    assert_eq!(
        chaincodes["packages"][0]["references"],
        json!([{ "channel": CHANNEL, "name": CHAINCODE, "version": "1.0" }])
    );
    let out = fabric_ha(&ws, &["peer", "install", PEER2, "--from", PEER1, "--json"]);
    let installed: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        installed["packages"][0]["packageId"], package_id,
        "{installed:#}"
    );
    assert_eq!(installed["packages"][0]["alreadyInstalled"], false);
    assert_eq!(installed["packages"][0]["packageType"], "ccaas");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: "));
    assert!(installed["packages"][0]["warning"]
        .as_str()
        .unwrap()
        .contains("chaincode-as-a-service"));
    let env = env_file(&sandbox.env_file);
    let peer2_root_file = write(tmp.path(), "peer2-tls-root.pem", &peer2_root);
    let query = Command::new(&peer_bin)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", tmp.path())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("CORE_PEER_ADDRESS", host_port(&peer2_url))
        .env("CORE_PEER_TLS_ROOTCERT_FILE", &peer2_root_file)
        .args(["lifecycle", "chaincode", "queryinstalled", "-O", "json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_str(&ok(&query)).unwrap();
    assert_eq!(
        listed["installed_chaincodes"][0]["package_id"], package_id,
        "{listed:#}"
    );
    let again = fabric_ha(&ws, &["peer", "install", PEER2, "--from", PEER1]);
    assert!(ok(&again).contains("already installed"), "{}", text(&again));
    assert!(again.stderr.is_empty(), "{}", text(&again));
    let file = tmp.path().join("asset.tar.gz");
    std::fs::write(&file, &sandbox.package.bytes).unwrap();
    let from_file = ok_json(&fabric_ha(
        &ws,
        &[
            "peer",
            "install",
            PEER2,
            "--package",
            file.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(from_file["packages"][0]["packageId"], package_id);
    assert_eq!(from_file["packages"][0]["alreadyInstalled"], true);

    // A package the peer refuses (Go source, and this peer has no Go builder): the peer's
    // reason, typed, naming the identity.
    let golang = golang_package(tmp.path());
    let refused = fabric_ha(
        &ws,
        &[
            "peer",
            "install",
            PEER2,
            "--package",
            golang.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(said.contains("_lifecycle.InstallChaincode"), "{said}");
    assert!(said.contains("wallet identity \"org1admin\""), "{said}");
    assert!(said.contains("could not build chaincode"), "{said}");

    // Anchor peers: peer 2 added once (signed by the org admin, sent to the channel's
    // orderer), a second run has nothing to do, and the config block lists both.
    let peer1_anchor = host_port(&sandbox.org.peer_api_url);
    let peer2_anchor = host_port(&peer2_url);
    // Signed by a client, the orderer refuses the update: its status and info, the identity.
    let refused = fabric_ha(
        &ws,
        &[
            "channel", "anchors", "add", CHANNEL, PEER2, "--as", "client",
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(
        said.contains(&format!(
            "the orderer {} refused",
            sandbox.ordering.address()
        )),
        "{said}"
    );
    assert!(said.contains("wallet identity \"client\""), "{said}");
    assert!(said.contains("status "), "{said}");
    let added = ok_json(&fabric_ha(
        &ws,
        &["channel", "anchors", "add", CHANNEL, PEER2, "--json"],
    ));
    assert_eq!(added["updated"], true, "{added:#}");
    assert_eq!(added["added"], json!([peer2_anchor]));
    assert_eq!(added["anchorPeers"], json!([peer1_anchor, peer2_anchor]));
    assert_eq!(added["status"], "SUCCESS (200)");
    assert_eq!(added["orderer"], sandbox.ordering.address().as_str());
    assert!(added["configBlock"].as_u64().is_some(), "{added:#}");
    let again = fabric_ha(&ws, &["channel", "anchors", "add", CHANNEL, PEER2]);
    assert!(ok(&again).contains("nothing to do"), "{}", text(&again));
    let again = ok_json(&fabric_ha(
        &ws,
        &["channel", "anchors", "add", CHANNEL, PEER2, PEER1, "--json"],
    ));
    assert_eq!(again["updated"], false);
    assert_eq!(again["added"], json!([]));
    // The peer reads the new config block once it has committed it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let shown = loop {
        let shown = ok_json(&fabric_ha(
            &ws,
            &[
                "channel", "anchors", "show", CHANNEL, "--peer", PEER1, "--json",
            ],
        ));
        if shown["configBlock"] == added["configBlock"] || Instant::now() > deadline {
            break shown;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(
        shown["orgs"],
        json!([{ "mspId": MSP_ID, "anchorPeers": [peer1_anchor, peer2_anchor] }]),
        "{shown:#}"
    );
    let table = ok(&fabric_ha(&ws, &["channel", "anchors", "show", CHANNEL]));
    assert!(
        table.contains(&format!("{peer1_anchor}, {peer2_anchor}")),
        "{table}"
    );

    // Everything started here stops.
    let pids = sandbox.pids();
    assert!(
        pids.len() >= 6,
        "CAs, orderer, two peers, chaincode: {pids:?}"
    );
    rt.block_on(sandbox.shutdown());
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
