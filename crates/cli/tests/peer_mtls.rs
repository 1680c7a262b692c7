//! `fabric-ha peer ...` and `fabric-ha channel anchors ...` against two peers and an orderer
//! that require client certificates (mutual TLS), on real Fabric: without `--tls-as` every
//! command fails with `fabric_client_cert_required`; with a wallet identity enrolled at the
//! organization's TLS CA (`fabric-ha ca enroll --ca-name tlsca`) the channels are listed, the
//! second peer joins (a second run says already joined), a package is installed and copied,
//! the anchor peer update reaches the orderer and the anchor peers are shown; the HA check of
//! the organization reads both peers only with `--tls-as`; an HA plan made with `plan new
//! --tls-as` previews ready (its region-1 peers and the channel's orderer answer) where the
//! same plan without it is blocked, and its HA check reads the peers. An unknown `--tls-as` is
//! refused before any node is asked.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use fabric_ha_fabric_net::{PeerClient, PeerEndpoint, Signer};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use fabric_ha_testnet::chaincode::ccaas_package;
use fabric_ha_testnet::channel::{self, ChannelOrg};
use fabric_ha_testnet::{
    enroll, CaServer, CaSpec, Fabric, OrderingService, OrgAdmin, Peer, PeerSpec,
};
use serde_json::{json, Value};
use support::*;

const MSP_ID: &str = "org1msp";
const CHANNEL: &str = "mtlschannel";
const PEER1: &str = "Org1 Peer 1";
const PEER2: &str = "Org1 Peer 2";
const TIMEOUT: Duration = Duration::from_secs(30);

/// The peer's file as the console exports it (no web proxy: `grpcwp_url` is its gRPC port), its
/// admin certificate listed.
fn peer_file(dir: &Path, name: &str, peer: &Peer, admin_cert: &str) -> String {
    let file = write(
        dir,
        &format!("{}.json", name.replace(' ', "_")),
        &json!({
            "type": "fabric-peer",
            "display_name": name,
            "msp_id": MSP_ID,
            "api_url": peer.api_url(),
            "operations_url": peer.operations_url(),
            "grpcwp_url": peer.api_url().replace("grpcs://", "https://"),
            "msp": {
                "ca": { "root_certs": [b64(peer.ca_root_pem())] },
                "tlsca": { "root_certs": [b64(peer.tlsca_root_pem())] },
                "component": {
                    "tls_cert": b64(peer.tls_cert_pem()),
                    "admin_certs": [b64(admin_cert)],
                },
            },
        })
        .to_string(),
    );
    file.to_str().unwrap().to_owned()
}

/// The error a failed `--json` command printed on stdout.
fn json_error(out: &std::process::Output) -> Value {
    assert!(!out.status.success(), "{}", text(out));
    let printed: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)));
    printed["error"].clone()
}

#[test]
fn tls_as_presents_a_wallet_identity_to_nodes_requiring_client_certificates() {
    let Some(fabric) = Fabric::for_tests(
        "tls_as_presents_a_wallet_identity_to_nodes_requiring_client_certificates",
    ) else {
        return;
    };
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    let ws = tmp.path().join("ws");
    let mut pids = Vec::new();
    {
        // The organization's CA, an orderer and two peers, all requiring client certificates;
        // the channel, with peer 1 joined by the org admin presenting its TLS certificate.
        let (mut ca, admin, mut ordering, mut peer1, mut peer2) = rt.block_on(async {
            let ca = CaServer::start(
                &fabric,
                &net,
                CaSpec::org1(&[
                    ("org1admin", "admin"),
                    ("org1peer1", "peer"),
                    ("org1peer2", "peer"),
                ]),
            )
            .await
            .unwrap();
            let admin = OrgAdmin::enroll_registered(&fabric, &ca, MSP_ID, "org1admin", &net)
                .await
                .unwrap();
            let ordering = OrderingService::start_requiring_client_tls(
                &fabric,
                &net,
                "OrdererMSP",
                1,
                &[ca.tlsca_root_pem().to_owned()],
            )
            .await
            .unwrap();
            let mut peers = Vec::new();
            for name in ["org1peer1", "org1peer2"] {
                let mut peer = Peer::start_requiring_client_tls(
                    &fabric,
                    &net,
                    PeerSpec {
                        name: name.into(),
                        msp_id: MSP_ID.into(),
                        ca: ca.endpoint("ca"),
                        enroll: (name.into(), format!("{name}pw")),
                        tlsca: ca.endpoint("tlsca"),
                        tls_enroll: (name.into(), format!("{name}pw")),
                        csr_hosts: vec![],
                        admin_certs: vec![admin.cert_pem.clone()],
                        gossip_bootstrap: None,
                    },
                )
                .await
                .unwrap();
                peer.wait_healthy(TIMEOUT).await.unwrap();
                peers.push(peer);
            }
            let peer2 = peers.pop().unwrap();
            let peer1 = peers.pop().unwrap();
            let genesis = channel::create(
                &fabric,
                &net,
                &ordering,
                CHANNEL,
                &[ChannelOrg {
                    msp_id: MSP_ID.into(),
                    ca_root_pem: ca.ca_root_pem().into(),
                    tlsca_root_pem: ca.tlsca_root_pem().into(),
                    anchor_peers: vec![],
                }],
            )
            .await
            .unwrap();
            let admin_tls = enroll(
                &fabric,
                &ca.endpoint("tlsca"),
                "org1admin",
                "org1adminpw",
                &[],
                &net.join("org1admin-tls"),
            )
            .await
            .unwrap();
            let key =
                std::fs::read_to_string(admin.msp_dir.join("keystore").join("key.pem")).unwrap();
            let signer = Signer::new(MSP_ID, &admin.cert_pem, &Sensitive::new(key)).unwrap();
            let endpoint = PeerEndpoint {
                api_url: peer1.api_url(),
                tls_root_pems: vec![peer1.tlsca_root_pem().to_owned()],
                client_tls: Some((
                    admin_tls.cert_pem.clone(),
                    Sensitive::new(std::fs::read_to_string(&admin_tls.key_path).unwrap()),
                )),
            };
            let client = PeerClient::connect(&endpoint, TIMEOUT).await.unwrap();
            client
                .join(&signer, &std::fs::read(genesis).unwrap())
                .await
                .unwrap();
            (ca, admin, ordering, peer1, peer2)
        });
        pids.extend(ca.pid());
        pids.extend(ordering.pids());
        pids.extend(peer1.pid());
        pids.extend(peer2.pid());

        // The workspace: both peers imported as their files; the org admin imported as its
        // identity file (it signs) and enrolled at the TLS CA as `org1admin-tls` (its
        // certificate is presented).
        for (name, peer) in [(PEER1, &peer1), (PEER2, &peer2)] {
            let file = peer_file(tmp.path(), name, peer, &admin.cert_pem);
            ok(&fabric_ha(&ws, &["artifact", "import", &file]));
        }
        let key = std::fs::read_to_string(admin.msp_dir.join("keystore").join("key.pem")).unwrap();
        let identity = write(
            tmp.path(),
            "org1admin_identity.json",
            &json!({
                "name": "org1admin", "type": "identity",
                "cert": b64(&admin.cert_pem), "private_key": b64(&key),
            })
            .to_string(),
        );
        ok(&fabric_ha(
            &ws,
            &["artifact", "import", identity.to_str().unwrap()],
        ));
        let ca_tls = write(tmp.path(), "ca-tls.pem", ca.tls_cert_pem());
        ok(&fabric_ha(
            &ws,
            &[
                "ca",
                "enroll",
                &ca.url(),
                "--tls-cert",
                ca_tls.to_str().unwrap(),
                "--ca-name",
                "tlsca",
                "--id",
                "org1admin",
                "--secret",
                "org1adminpw",
                "--as",
                "org1admin-tls",
            ],
        ));
        let tls = ["--tls-as", "org1admin-tls"];
        let with_tls = |args: &[&str]| {
            let mut all = args.to_vec();
            all.extend_from_slice(&tls);
            fabric_ha(&ws, &all)
        };

        // Without a client certificate every node refuses the handshake: the stable code, the
        // fix naming the TLS CA, the signing identity named.
        for args in [
            &["peer", "channels", PEER1, "--json"][..],
            &["peer", "chaincodes", PEER1, "--json"],
            &["peer", "join", PEER2, CHANNEL, "--json"],
            &[
                "channel", "anchors", "show", CHANNEL, "--peer", PEER1, "--json",
            ],
        ] {
            let out = fabric_ha(&ws, args);
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            let error = json_error(&out);
            assert_eq!(error["code"], "fabric_client_cert_required", "{error:#}");
            assert_eq!(error["details"]["identity"], "org1admin", "{error:#}");
            assert!(
                error["details"]["fix"].as_str().unwrap().contains("TLS CA"),
                "{error:#}"
            );
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("mutual TLS"),
                "{}",
                text(&out)
            );
        }

        // An unknown --tls-as is refused before any node is asked, naming the flag and the name.
        let out = fabric_ha(
            &ws,
            &["peer", "channels", PEER1, "--tls-as", "nobody", "--json"],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let error = json_error(&out);
        assert_eq!(error["code"], "InvalidInput", "{error:#}");
        assert_eq!(error["details"]["field"], "--tls-as", "{error:#}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("no wallet identity is named \"nobody\""),
            "{error:#}"
        );

        // Adding anchor peers reads the config block from the organization's peers first: each
        // refusal is listed.
        let out = fabric_ha(
            &ws,
            &["channel", "anchors", "add", CHANNEL, PEER2, "--json"],
        );
        let error = json_error(&out);
        let reason = error["details"]["reason"].as_str().unwrap();
        for peer in [PEER1, PEER2] {
            assert!(reason.contains(&format!("{peer} (")), "{error:#}");
        }
        assert_eq!(
            reason.matches("the node requires mutual TLS").count(),
            2,
            "{error:#}"
        );
        // A certificate the peer does not trust (the admin's enrollment certificate, not one of
        // the TLS CA): refused the same way.
        let out = fabric_ha(
            &ws,
            &["peer", "channels", PEER1, "--tls-as", "org1admin", "--json"],
        );
        let error = json_error(&out);
        assert_eq!(error["code"], "fabric_client_cert_required", "{error:#}");

        // With the TLS identity: channels and heights, the join from peer 1, already joined.
        let channels = ok_json(&with_tls(&["peer", "channels", PEER1, "--json"]));
        assert_eq!(channels["identity"], "org1admin", "{channels:#}");
        assert_eq!(channels["channels"][0]["channel"], CHANNEL, "{channels:#}");
        let height = channels["channels"][0]["height"].as_u64().unwrap();
        let empty = ok_json(&with_tls(&["peer", "channels", PEER2, "--json"]));
        assert_eq!(empty["channels"], json!([]), "{empty:#}");
        let joined = ok_json(&with_tls(&["peer", "join", PEER2, CHANNEL, "--json"]));
        assert_eq!(joined["alreadyJoined"], false, "{joined:#}");
        assert_eq!(joined["source"]["name"], PEER1, "{joined:#}");
        assert_eq!(joined["caughtUp"], true, "{joined:#}");
        assert_eq!(joined["height"].as_u64(), Some(height), "{joined:#}");
        let again = ok(&with_tls(&["peer", "join", PEER2, CHANNEL]));
        assert!(again.contains("already joined"), "{again}");

        // A package installed on peer 1 from its file, then copied to peer 2 (its own
        // connection for the install).
        let package = ccaas_package("mtls_1.0", "127.0.0.1:9999").unwrap();
        let file = tmp.path().join("mtls.tar.gz");
        std::fs::write(&file, &package.bytes).unwrap();
        let installed = ok_json(&with_tls(&[
            "peer",
            "install",
            PEER1,
            "--package",
            file.to_str().unwrap(),
            "--json",
        ]));
        assert_eq!(
            installed["packages"][0]["packageId"], package.package_id,
            "{installed:#}"
        );
        assert_eq!(installed["packages"][0]["alreadyInstalled"], false);
        let copied = ok_json(&with_tls(&[
            "peer",
            "install",
            PEER2,
            "--from",
            PEER1,
            "--package-id",
            &package.package_id,
            "--json",
        ]));
        assert_eq!(copied["packages"][0]["packageId"], package.package_id);
        assert_eq!(
            copied["packages"][0]["alreadyInstalled"], false,
            "{copied:#}"
        );
        let listed = ok_json(&with_tls(&["peer", "chaincodes", PEER2, "--json"]));
        assert_eq!(listed["packages"][0]["packageId"], package.package_id);

        // Anchor peers: the update goes to the channel's orderer, which requires a client
        // certificate too; the config block then lists peer 2.
        let added = ok_json(&with_tls(&[
            "channel", "anchors", "add", CHANNEL, PEER2, "--json",
        ]));
        assert_eq!(added["updated"], true, "{added:#}");
        assert_eq!(added["status"], "SUCCESS (200)", "{added:#}");
        assert_eq!(added["orderer"], ordering.address().as_str(), "{added:#}");
        let peer2_anchor = host_port(&peer2.api_url());
        assert_eq!(added["anchorPeers"], json!([peer2_anchor]), "{added:#}");
        // Peer 1 answers with the new config block once it has committed it (bounded).
        let deadline = Instant::now() + TIMEOUT;
        let shown = loop {
            let shown = ok_json(&with_tls(&[
                "channel", "anchors", "show", CHANNEL, "--peer", PEER1, "--json",
            ]));
            if shown["configBlock"] == added["configBlock"] || Instant::now() > deadline {
                break shown;
            }
            std::thread::sleep(Duration::from_millis(300));
        };
        assert_eq!(
            shown["orgs"],
            json!([{ "mspId": MSP_ID, "anchorPeers": [peer2_anchor] }]),
            "{shown:#}"
        );

        // The HA check of the organization, both peers listed by a console: without `--tls-as`
        // no peer answers (each says why), with it both are read, joined to the channel at
        // the same height; an unknown `--tls-as` is refused before any node is asked.
        let console = TestConsole::start_blocking(TestConsoleConfig {
            name: "mtls-console".into(),
            ..TestConsoleConfig::default()
        })
        .unwrap();
        add_console(&ws, tmp.path(), "Region1", &console, console.manager_key());
        let files: Vec<String> = [(PEER1, &peer1), (PEER2, &peer2)]
            .into_iter()
            .map(|(name, peer)| peer_file(tmp.path(), name, peer, &admin.cert_pem))
            .collect();
        let mut import = vec!["console", "import", "Region1"];
        import.extend(files.iter().map(String::as_str));
        ok(&fabric_ha(&ws, &import));
        let check = [
            "ha",
            "check",
            "--console",
            "Region1",
            "--msp",
            MSP_ID,
            "--json",
        ];
        let refused = fabric_ha(&ws, &check);
        assert_eq!(refused.status.code(), Some(3), "{}", text(&refused));
        let refused: Value = serde_json::from_slice(&refused.stdout).unwrap();
        let peers = refused["peers"].as_array().unwrap();
        assert_eq!(peers.len(), 2, "{refused:#}");
        for p in peers {
            assert_eq!(p["running"], false, "{p:#}");
            assert!(
                p["error"].as_str().unwrap().contains("requires mutual TLS"),
                "{p:#}"
            );
        }
        let read = with_tls(&check);
        let read: Value =
            serde_json::from_slice(&read.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&read)));
        let peers = read["peers"].as_array().unwrap();
        assert_eq!(peers.len(), 2, "{read:#}");
        let heights: Vec<&Value> = peers
            .iter()
            .map(|p| {
                assert_eq!(p["running"], true, "{p:#}");
                assert_eq!(p["channels"][0]["channel"], CHANNEL, "{p:#}");
                &p["channels"][0]["height"]
            })
            .collect();
        assert!(heights[0].as_u64().unwrap() > 1, "{read:#}");
        // The evidence names the client certificate presented, and none when there was none.
        assert_eq!(read["tlsIdentity"], "org1admin-tls", "{read:#}");
        assert_eq!(refused["tlsIdentity"], Value::Null, "{refused:#}");
        let markdown: Vec<&str> = check
            .iter()
            .map(|a| if *a == "--json" { "--markdown" } else { a })
            .collect();
        let markdown = with_tls(&markdown);
        assert!(
            String::from_utf8_lossy(&markdown.stdout)
                .contains("presenting the TLS certificate of `org1admin-tls`"),
            "{}",
            text(&markdown)
        );
        let mut unknown = check.to_vec();
        unknown.extend(["--tls-as", "nobody"]);
        let error = json_error(&fabric_ha(&ws, &unknown));
        assert_eq!(error["details"]["field"], "--tls-as", "{error:#}");

        // An HA plan of the organization with the channel: its preview reaches the region-1
        // peers and the channel's orderer only when the plan names the TLS identity, and its
        // HA check reads the peers with it.
        let target = TestConsole::start_blocking(TestConsoleConfig {
            name: "mtls-target".into(),
            ..TestConsoleConfig::default()
        })
        .unwrap();
        add_console(&ws, tmp.path(), "Region2", &target, target.manager_key());
        let org_files = [
            write(
                tmp.path(),
                "Org1 CA_ca.json",
                &json!({
                    "type": "fabric-ca", "display_name": "Org1 CA", "api_url": ca.url(),
                    "operations_url": ca.operations_url(),
                    "msp": {
                        "ca": { "name": "ca", "root_certs": [b64(ca.ca_root_pem())] },
                        "tlsca": { "name": "tlsca", "root_certs": [b64(ca.tlsca_root_pem())] },
                        "component": { "tls_cert": b64(ca.tls_cert_pem()) },
                    },
                })
                .to_string(),
            ),
            write(
                tmp.path(),
                "Org1 MSP_msp.json",
                &json!({
                    "type": "msp", "display_name": "Org1 MSP", "msp_id": MSP_ID,
                    "root_certs": [b64(ca.ca_root_pem())],
                    "tls_root_certs": [b64(ca.tlsca_root_pem())],
                    "admins": [b64(&admin.cert_pem)],
                    "host_url": console.url(),
                })
                .to_string(),
            ),
        ];
        let imported = ok_json(&fabric_ha(
            &ws,
            &[
                "console",
                "import",
                "Region1",
                org_files[0].to_str().unwrap(),
                org_files[1].to_str().unwrap(),
                "--json",
            ],
        ));
        let id_of = |kind: &str| {
            imported["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["kind"] == kind)
                .and_then(|i| i["componentId"].as_str())
                .unwrap_or_else(|| panic!("no {kind} in {imported:#}"))
                .to_owned()
        };
        let (ca_id, msp_id) = (id_of("ca"), id_of("msp"));
        let plan_new = |name: &str, tls_as: Option<&str>| {
            let mut args = vec![
                "plan",
                "new",
                name,
                "--source",
                "Region1",
                "--ca",
                &ca_id,
                "--msp",
                &msp_id,
                "--target",
                "Region2=1",
                "--registrar-id",
                "admin",
                "--channel",
                CHANNEL,
                "--json",
            ];
            if let Some(identity) = tls_as {
                args.extend(["--tls-as", identity]);
            }
            fabric_ha_with(&ws, &args, &[("FABRIC_HA_REGISTRAR_SECRET", "adminpw")])
        };
        let check_of = |preview: &Value, name: &str| {
            preview["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("no check {name:?} in {preview:#}"))
                .clone()
        };
        let joined = format!("a region-1 peer has joined {CHANNEL}");
        let orderer = format!("the orderer of {CHANNEL} answers");
        ok(&plan_new("mtls", Some("org1admin-tls")));
        let preview = ok_json(&fabric_ha(&ws, &["plan", "preview", "mtls", "--json"]));
        assert_eq!(preview["ready"], true, "{preview:#}");
        for name in [&joined, &orderer] {
            let check = check_of(&preview, name);
            assert_eq!(check["ok"], true, "{check:#}");
        }
        ok(&plan_new("plain", None));
        let preview = fabric_ha(&ws, &["plan", "preview", "plain", "--json"]);
        assert!(!preview.status.success(), "{}", text(&preview));
        let preview: Value = serde_json::from_slice(&preview.stdout).unwrap();
        assert_eq!(preview["ready"], false, "{preview:#}");
        let check = check_of(&preview, &joined);
        assert_eq!(check["ok"], false, "{check:#}");
        assert!(
            check["detail"]
                .as_str()
                .unwrap()
                .contains("requires mutual TLS"),
            "{check:#}"
        );
        let refused = plan_new("nobody", Some("nobody"));
        assert!(!refused.status.success(), "{}", text(&refused));
        assert!(text(&refused).contains("--tls-as"), "{}", text(&refused));
        let checked = fabric_ha(&ws, &["ha", "check", "--plan", "mtls", "--json"]);
        let checked: Value = serde_json::from_slice(&checked.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&checked)));
        // The plan's own TLS identity, named in the evidence.
        assert_eq!(checked["tlsIdentity"], "org1admin-tls", "{checked:#}");
        assert!(
            checked["peers"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["running"] == true),
            "{checked:#}"
        );
        target.shutdown_blocking();
        console.shutdown_blocking();

        peer2.stop();
        peer1.stop();
        ordering.stop();
        ca.stop();
    }
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
