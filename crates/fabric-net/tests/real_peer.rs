//! The gRPC client against real peers (the sandbox network: `mychannel` with the committed
//! asset contract on the region-1 peer) and a second peer started for the test: channels,
//! heights and blocks agree with the `peer` CLI; block 0 from one peer joins the other, which
//! catches up; the exact package bytes installed on the second peer give the same package id;
//! refusals come back typed with the peer's message; a peer joined from a ledger snapshot has
//! no block 0, which then comes from the orderer.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use fabric_gateway::pb::common::Block;
use fabric_ha_fabric_net::{
    config, ops, NetErrorCode, OrdererClient, PeerClient, PeerEndpoint, ServedCert, Signer,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::TestConsoleConfig;
use fabric_ha_testbed::sandbox::{
    FabricSandbox, SandboxConfig, CA_ADMIN, CHAINCODE, CHANNEL, MSP_ID,
};
use fabric_ha_testnet::{
    channel, enroll, msp, Binary, CaEndpoint, Fabric, FabricBins, Peer, PeerSpec,
};
use prost::Message as _;

const TIMEOUT: Duration = Duration::from_secs(20);

fn endpoint(api_url: &str, root: &str) -> PeerEndpoint {
    PeerEndpoint {
        api_url: api_url.to_owned(),
        tls_root_pems: vec![root.to_owned()],
        client_tls: None,
    }
}

fn block_header(bytes: &[u8]) -> Option<fabric_gateway::pb::common::BlockHeader> {
    Block::decode(bytes).unwrap().header
}

fn host_port(api_url: &str) -> (String, u16) {
    let (host, port) = api_url
        .trim_start_matches("grpcs://")
        .rsplit_once(':')
        .unwrap();
    (host.to_owned(), port.parse().unwrap())
}

/// The organization's anchor peers in a config block, as the real `configtxlator` decodes it.
fn configtxlator_anchor_peers(file: &std::path::Path, block: &Block) -> Vec<(String, u16)> {
    std::fs::write(file, block.encode_to_vec()).unwrap();
    let tool = FabricBins::locate(None)
        .path(Binary::Configtxlator)
        .unwrap();
    let out = std::process::Command::new(tool)
        .args(["proto_decode", "--type", "common.Block", "--input"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]["groups"]["Application"]
        ["groups"][MSP_ID]["values"]["AnchorPeers"]["value"]["anchor_peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["host"].as_str().unwrap().to_owned(),
                u16::try_from(p["port"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn signer_from(msp_dir: &std::path::Path, cert_pem: &str) -> Signer {
    let key = std::fs::read_to_string(msp_dir.join("keystore").join("key.pem")).unwrap();
    Signer::new(MSP_ID, cert_pem, &Sensitive::new(key)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_install_and_refusals_against_real_peers() {
    let Some(fabric) = Fabric::for_tests("join_install_and_refusals_against_real_peers") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let sandbox = FabricSandbox::start(SandboxConfig {
        fabric: fabric.clone(),
        regions: vec!["r1".into(), "r2".into(), "r3".into()],
        dir: tmp.path().join("net"),
        console: TestConsoleConfig::default(),
    })
    .await
    .unwrap();
    let admin = signer_from(&sandbox.org_admin.msp_dir, &sandbox.org_admin.cert_pem);
    let org = &sandbox.org;
    let peer1 = PeerClient::connect(
        &endpoint(&org.peer_api_url, &org.peer_tls_root_pem),
        TIMEOUT,
    )
    .await
    .unwrap();

    // What the peer CLI sees, natively.
    assert_eq!(
        peer1.channels(&admin).await.unwrap(),
        vec![CHANNEL.to_owned()]
    );
    let info = peer1.chain_info(&admin, CHANNEL).await.unwrap();
    let cli_endpoint =
        channel::PeerEndpoint::from_api_url(&org.peer_api_url, &org.peer_tls_root_pem).unwrap();
    let cli_height = channel::height(
        &fabric,
        tmp.path(),
        &sandbox.org_admin,
        &cli_endpoint,
        CHANNEL,
    )
    .await
    .unwrap();
    assert_eq!(info.height, cli_height);
    assert!(
        info.height >= 4,
        "genesis, approve, commit, invoke: {}",
        info.height
    );
    let genesis = peer1.block(&admin, CHANNEL, 0).await.unwrap();
    let block = Block::decode(genesis.as_slice()).unwrap();
    assert_eq!(block.header.unwrap().number, 0);
    let config = Block::decode(
        peer1
            .config_block(&admin, CHANNEL)
            .await
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    assert_eq!(config.header.unwrap().number, 0, "no config update yet");

    // The committed definition, decoded from the peer's own answer.
    assert_eq!(
        peer1.chaincode_definitions(&admin, CHANNEL).await.unwrap(),
        vec![(CHAINCODE.to_owned(), "1.0".to_owned(), 1)]
    );
    let installed = peer1.installed(&admin).await.unwrap();
    let package = installed
        .iter()
        .find(|p| p.package_id == sandbox.package.package_id)
        .unwrap_or_else(|| panic!("{installed:#?}"));
    assert_eq!(
        package.references,
        vec![(CHANNEL.to_owned(), CHAINCODE.to_owned(), "1.0".to_owned())]
    );
    let bytes = peer1
        .installed_package(&admin, &package.package_id)
        .await
        .unwrap();
    assert_eq!(bytes, sandbox.package.bytes);

    // A second peer of the organization, as a deployer in another region starts it.
    let ca = CaEndpoint {
        url: org.ca_url.clone(),
        tls_cert_pem: org.ca_tls_cert_pem.clone(),
        ca_name: Some("ca".into()),
    };
    let registrar = enroll(
        &fabric,
        &ca,
        CA_ADMIN.0,
        CA_ADMIN.1,
        &[],
        &tmp.path().join("reg"),
    )
    .await
    .unwrap();
    msp::register(&fabric, &ca, &registrar, "org1peer2", "org1peer2pw", "peer")
        .await
        .unwrap();
    msp::register(
        &fabric,
        &ca,
        &registrar,
        "org1client",
        "org1clientpw",
        "client",
    )
    .await
    .unwrap();
    let mut tlsca = ca.clone();
    tlsca.ca_name = Some("tlsca".into());
    let mut peer2_node = Peer::start(
        &fabric,
        &tmp.path().join("extra"),
        PeerSpec {
            name: "org1peer2".into(),
            msp_id: MSP_ID.into(),
            ca: ca.clone(),
            enroll: ("org1peer2".into(), "org1peer2pw".into()),
            tlsca: tlsca.clone(),
            tls_enroll: ("org1peer2".into(), "org1peer2pw".into()),
            csr_hosts: vec![],
            admin_certs: vec![sandbox.org_admin.cert_pem.clone()],
            gossip_bootstrap: None,
        },
    )
    .await
    .unwrap();
    peer2_node.wait_healthy(TIMEOUT).await.unwrap();
    let peer2 = PeerClient::connect(
        &endpoint(&peer2_node.api_url(), peer2_node.tlsca_root_pem()),
        TIMEOUT,
    )
    .await
    .unwrap();

    // Not an admin of the peer: a client of the organization is refused, with the peer's words.
    let client_dir = tmp.path().join("client");
    let client_enrollment = enroll(&fabric, &ca, "org1client", "org1clientpw", &[], &client_dir)
        .await
        .unwrap();
    let client = Signer::new(
        MSP_ID,
        &client_enrollment.cert_pem,
        &Sensitive::new(std::fs::read_to_string(&client_enrollment.key_path).unwrap()),
    )
    .unwrap();
    let refused = peer2.join(&client, &genesis).await.unwrap_err();
    assert_eq!(refused.code, NetErrorCode::NotAnAdmin, "{refused}");
    let refused = peer2.install(&client, &bytes).await.unwrap_err();
    assert_eq!(refused.code, NetErrorCode::NotAnAdmin, "{refused}");

    // Join with block 0 from the region-1 peer; a second join is typed, not a failure.
    assert!(peer2.channels(&admin).await.unwrap().is_empty());
    peer2.join(&admin, &genesis).await.unwrap();
    assert_eq!(
        peer2.channels(&admin).await.unwrap(),
        vec![CHANNEL.to_owned()]
    );
    let again = peer2.join(&admin, &genesis).await.unwrap_err();
    assert_eq!(again.code, NetErrorCode::AlreadyJoined, "{again}");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let h = peer2
            .chain_info(&admin, CHANNEL)
            .await
            .map(|i| i.height)
            .unwrap_or(0);
        if h >= info.height {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "peer2 stuck at height {h} of {}",
            info.height
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The same bytes give the same package id; a second install is typed.
    let (package_id, label) = peer2.install(&admin, &bytes).await.unwrap();
    assert_eq!(package_id, sandbox.package.package_id);
    assert_eq!(label, "asset_1.0");
    let again = peer2.install(&admin, &bytes).await.unwrap_err();
    assert_eq!(again.code, NetErrorCode::AlreadyInstalled, "{again}");
    let refused = peer2.install(&admin, b"not a package").await.unwrap_err();
    assert_eq!(refused.code, NetErrorCode::PackageRefused, "{refused}");

    // Anchor peers through the orderer: the config block's anchor peers, one signed update that
    // adds the second peer, refused for a client, applied once for the admin.
    let orderer = OrdererClient::connect(
        &endpoint(
            &format!("grpcs://{}", sandbox.ordering.address()),
            sandbox.ordering.tls_root_pem(),
        ),
        TIMEOUT,
    )
    .await
    .unwrap();
    let first = orderer.block(&admin, CHANNEL, 0).await.unwrap();
    assert_eq!(first.header, block_header(&genesis));
    let config_block = orderer.config_block(&admin, CHANNEL).await.unwrap();
    let original = config::config_from_block(&config_block).unwrap();
    let peer1_anchor = host_port(&org.peer_api_url);
    let peer1_anchor_host_port = peer1_anchor.clone();
    assert_eq!(
        config::anchor_peers(&original, MSP_ID).unwrap(),
        vec![peer1_anchor.clone()]
    );
    let peer2_anchor = host_port(&peer2_node.api_url());
    let updated = config::with_anchor_peers(&original, MSP_ID, std::slice::from_ref(&peer2_anchor))
        .unwrap()
        .unwrap();
    let update = config::compute_update(&original, &updated, CHANNEL).unwrap();
    let refused = orderer
        .broadcast(config::signed_update_envelope(&client, &update))
        .await
        .unwrap();
    assert_ne!(
        refused.status, 200,
        "a client changed the config: {refused:?}"
    );
    assert!(!refused.info.is_empty());
    let height_before = orderer
        .newest_block(&admin, CHANNEL)
        .await
        .unwrap()
        .header
        .unwrap()
        .number;
    let accepted = orderer
        .broadcast(config::signed_update_envelope(&admin, &update))
        .await
        .unwrap();
    assert_eq!(accepted.status, 200, "{accepted:?}");
    let deadline = Instant::now() + TIMEOUT;
    let new_config = loop {
        let block = orderer.config_block(&admin, CHANNEL).await.unwrap();
        if block.header.as_ref().unwrap().number > height_before {
            break block;
        }
        assert!(Instant::now() < deadline, "no new config block");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Exactly one new block, the config block, and the real configtxlator reads both peers.
    let newest = orderer.newest_block(&admin, CHANNEL).await.unwrap();
    assert_eq!(newest.header.unwrap().number, height_before + 1);
    assert_eq!(
        new_config.header.as_ref().unwrap().number,
        height_before + 1
    );
    let decoded = configtxlator_anchor_peers(&tmp.path().join("config.block"), &new_config);
    assert_eq!(decoded, vec![peer1_anchor, peer2_anchor.clone()]);
    let current = config::config_from_block(&new_config).unwrap();
    assert!(config::with_anchor_peers(&current, MSP_ID, &[peer2_anchor])
        .unwrap()
        .is_none());

    // Discovery, asked from either peer, sees both (gossip through the anchor peers) with
    // their heights; a client of the organization may ask too (channel reader).
    let endpoints = {
        let mut e = vec![
            format!("{}:{}", peer1_anchor_host_port.0, peer1_anchor_host_port.1),
            peer2_node.address(),
        ];
        e.sort();
        e
    };
    for (name, peer) in [("peer1", &peer1), ("peer2", &peer2)] {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let found = peer.discover_peers(&client, CHANNEL).await.unwrap();
            let seen: Vec<String> = found
                .iter()
                .filter(|p| p.msp_id == MSP_ID)
                .map(|p| p.endpoint.clone())
                .collect();
            if seen == endpoints && found.iter().all(|p| p.ledger_height >= info.height) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "discovery from {name} sees {found:#?}, expected {endpoints:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    // A channel the peer has not joined, a wrong TLS pin, a closed port.
    let missing = peer1.chain_info(&admin, "nochannel").await.unwrap_err();
    assert_eq!(missing.code, NetErrorCode::ChannelNotFound, "{missing}");
    let pinned_wrong = PeerClient::connect(
        &endpoint(&org.peer_api_url, sandbox.ordering.tls_root_pem()),
        TIMEOUT,
    )
    .await
    .unwrap_err();
    assert_eq!(
        pinned_wrong.code,
        NetErrorCode::TlsPinMismatch,
        "{pinned_wrong}"
    );
    // The certificate the peer presents is kept from the connection's own handshake, also
    // when the pinned roots refuse it (what a stale console record looks like).
    let served = ServedCert::default();
    PeerClient::connect_keeping(
        &endpoint(&org.peer_api_url, &org.peer_tls_root_pem),
        TIMEOUT,
        &served,
    )
    .await
    .unwrap();
    let presented = served.get().expect("the peer's TLS certificate");
    let root_der = rustls_pemfile::certs(&mut org.peer_tls_root_pem.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    assert_ne!(presented, root_der.as_ref());
    let refused = ServedCert::default();
    let err = PeerClient::connect_keeping(
        &endpoint(&org.peer_api_url, sandbox.ordering.tls_root_pem()),
        TIMEOUT,
        &refused,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, NetErrorCode::TlsPinMismatch, "{err}");
    assert_eq!(refused.get(), Some(presented));
    let port = fabric_ha_testnet::free_port().unwrap();
    let closed = PeerClient::connect(
        &endpoint(&format!("grpcs://127.0.0.1:{port}"), &org.peer_tls_root_pem),
        TIMEOUT,
    )
    .await
    .unwrap_err();
    assert_eq!(closed.code, NetErrorCode::Unreachable, "{closed}");

    // A peer that joined from a ledger snapshot (of the second peer) holds no block 0: the
    // block that joins another peer then comes from the channel's orderer, as `peer channel
    // fetch 0` gets it; from a peer that has it, it still comes from the peer.
    msp::register(&fabric, &ca, &registrar, "org1peer3", "org1peer3pw", "peer")
        .await
        .unwrap();
    let mut peer3_node = Peer::start(
        &fabric,
        &tmp.path().join("extra"),
        PeerSpec {
            name: "org1peer3".into(),
            msp_id: MSP_ID.into(),
            ca: ca.clone(),
            enroll: ("org1peer3".into(), "org1peer3pw".into()),
            tlsca,
            tls_enroll: ("org1peer3".into(), "org1peer3pw".into()),
            csr_hosts: vec![],
            admin_certs: vec![sandbox.org_admin.cert_pem.clone()],
            gossip_bootstrap: None,
        },
    )
    .await
    .unwrap();
    peer3_node.wait_healthy(TIMEOUT).await.unwrap();
    let cli_peer = |node: &Peer| {
        channel::PeerEndpoint::from_api_url(&node.api_url(), node.tlsca_root_pem()).unwrap()
    };
    let snapshot = channel::snapshot(
        &fabric,
        tmp.path(),
        &sandbox.org_admin,
        &cli_peer(&peer2_node),
        CHANNEL,
        &peer2_node.completed_snapshots_dir(),
    )
    .await
    .unwrap();
    channel::join_by_snapshot(
        &fabric,
        tmp.path(),
        &sandbox.org_admin,
        &cli_peer(&peer3_node),
        &snapshot,
    )
    .await
    .unwrap();
    let peer3 = PeerClient::connect(
        &endpoint(&peer3_node.api_url(), peer3_node.tlsca_root_pem()),
        TIMEOUT,
    )
    .await
    .unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while peer3.chain_info(&admin, CHANNEL).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the snapshot join never finished"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let no_block_0 = peer3.block(&admin, CHANNEL, 0).await.unwrap_err();
    assert!(
        matches!(
            no_block_0.code,
            NetErrorCode::Refused | NetErrorCode::InvalidResponse
        ),
        "{no_block_0}"
    );
    // Its configuration is there (not its last config block, which is before the snapshot).
    assert_eq!(
        peer3.channel_config(&admin, CHANNEL).await.unwrap(),
        peer1.channel_config(&admin, CHANNEL).await.unwrap()
    );
    let from_orderer = ops::genesis_block(&peer3, &admin, CHANNEL, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(from_orderer.from, sandbox.ordering.address());
    assert_eq!(
        block_header(&from_orderer.bytes),
        block_header(&genesis),
        "the orderer's block 0 is the channel's genesis block"
    );
    let from_peer = ops::genesis_block(&peer1, &admin, CHANNEL, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(from_peer.from, peer1.address());
    assert_eq!(from_peer.bytes, genesis);

    let mut pids = sandbox.pids();
    pids.extend(peer2_node.pid());
    pids.extend(peer3_node.pid());
    peer3_node.stop();
    peer2_node.stop();
    sandbox.shutdown().await;
    let left: Vec<u32> = pids
        .into_iter()
        .filter(|p| std::path::Path::new(&format!("/proc/{p}")).exists())
        .collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
