//! A whole network from the release binaries: an organization's CA with `ca` and `tlsca`, an
//! ordering service, one peer created as a console's deployer would, a channel, the asset
//! contract as a service; an invoke commits; every process is gone once the handles drop.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::time::Duration;

use fabric_ha_testnet::chaincode::{self, Lifecycle};
use fabric_ha_testnet::channel::{self, ChannelOrg, PeerEndpoint};
use fabric_ha_testnet::{CaServer, CaSpec, Fabric, OrderingService, OrgAdmin, Peer, PeerSpec};

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_joins_a_channel_and_an_invoke_commits() {
    let Some(fabric) = Fabric::for_tests("a_peer_joins_a_channel_and_an_invoke_commits") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut pids = Vec::new();
    {
        let mut ca = CaServer::start(
            &fabric,
            dir,
            CaSpec::org1(&[("org1admin", "admin"), ("org1peer1", "peer")]),
        )
        .await
        .unwrap();
        pids.extend(ca.pid());
        let admin = OrgAdmin::enroll_registered(&fabric, &ca, "org1msp", "org1admin", dir)
            .await
            .unwrap();
        let ordering = OrderingService::start(&fabric, dir, "OrdererMSP", 1)
            .await
            .unwrap();
        pids.extend(ordering.pids());

        let mut peer = Peer::start(
            &fabric,
            dir,
            PeerSpec {
                name: "org1peer1".into(),
                msp_id: "org1msp".into(),
                ca: ca.endpoint("ca"),
                enroll: ("org1peer1".into(), "org1peer1pw".into()),
                tlsca: ca.endpoint("tlsca"),
                tls_enroll: ("org1peer1".into(), "org1peer1pw".into()),
                csr_hosts: vec!["peer1.org1.example.com".into()],
                admin_certs: vec![admin.cert_pem.clone()],
                gossip_bootstrap: None,
            },
        )
        .await
        .unwrap();
        pids.extend(peer.pid());
        peer.wait_healthy(Duration::from_secs(30)).await.unwrap();
        assert!(peer.healthy().await);
        // Issued by the organization's CA, and the TLS certificate by its TLS CA.
        assert_eq!(peer.ca_root_pem(), ca.ca_root_pem());
        assert_eq!(peer.tlsca_root_pem(), ca.tlsca_root_pem());

        let block = channel::create(
            &fabric,
            dir,
            &ordering,
            "mychannel",
            &[ChannelOrg {
                msp_id: "org1msp".into(),
                ca_root_pem: ca.ca_root_pem().into(),
                tlsca_root_pem: ca.tlsca_root_pem().into(),
                anchor_peers: vec![(
                    "127.0.0.1".into(),
                    peer.address().rsplit(':').next().unwrap().parse().unwrap(),
                )],
            }],
        )
        .await
        .unwrap();
        let endpoint = PeerEndpoint::from_api_url(&peer.api_url(), peer.tlsca_root_pem()).unwrap();
        channel::join(&fabric, dir, &admin, &endpoint, &block)
            .await
            .unwrap();
        assert_eq!(
            channel::list(&fabric, dir, &admin, &endpoint)
                .await
                .unwrap(),
            vec!["mychannel".to_owned()]
        );
        channel::wait_for_height(
            &fabric,
            dir,
            &admin,
            &endpoint,
            "mychannel",
            1,
            Duration::from_secs(30),
        )
        .await
        .unwrap();

        let lifecycle = Lifecycle {
            fabric: &fabric,
            dir,
            admin: &admin,
            ordering: &ordering,
        };
        let (server, package) = chaincode::deploy(
            lifecycle,
            "mychannel",
            "asset",
            "asset_1.0",
            std::slice::from_ref(&endpoint),
        )
        .await
        .unwrap();
        pids.extend(server.pid());
        assert!(package.package_id.starts_with("asset_1.0:"));
        lifecycle
            .invoke(
                "mychannel",
                "asset",
                std::slice::from_ref(&endpoint),
                "CreateAsset",
                &["asset1", "blue", "5", "tom", "300"],
            )
            .await
            .unwrap();
        let read = lifecycle
            .query("mychannel", "asset", &endpoint, "ReadAsset", &["asset1"])
            .await
            .unwrap();
        assert!(read.contains("\"Owner\":\"tom\""), "{read}");
        assert!(pids.iter().all(|p| alive(*p)));

        // Stopped and started again: the same addresses and certificates, the ledger kept.
        let height = channel::height(&fabric, dir, &admin, &endpoint, "mychannel")
            .await
            .unwrap();
        let (old_peer, old_ca) = (peer.pid().unwrap(), ca.pid().unwrap());
        peer.stop();
        ca.stop();
        assert!(!alive(old_peer) && !alive(old_ca));
        assert!(!peer.is_running() && !peer.healthy().await && !ca.healthy().await);
        ca.start_again().await.unwrap();
        peer.start_again(Duration::from_secs(30)).await.unwrap();
        assert!(ca.start_again().await.is_err(), "running already");
        pids.extend(peer.pid().into_iter().chain(ca.pid()));
        assert!(ca.healthy().await && peer.healthy().await);
        assert_eq!(
            channel::height(&fabric, dir, &admin, &endpoint, "mychannel")
                .await
                .unwrap(),
            height
        );
        let read = lifecycle
            .query("mychannel", "asset", &endpoint, "ReadAsset", &["asset1"])
            .await
            .unwrap();
        assert!(read.contains("\"Owner\":\"tom\""), "{read}");
        // The CA still knows its registry: the peer's enroll id enrolls again.
        fabric_ha_testnet::enroll(
            &fabric,
            &ca.endpoint("ca"),
            "org1peer1",
            "org1peer1pw",
            &[],
            &dir.join("again"),
        )
        .await
        .unwrap();
    }
    // Every handle dropped: every process it started is gone.
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_raft_orderers_elect_a_leader_for_a_new_channel() {
    let Some(fabric) = Fabric::for_tests("three_raft_orderers_elect_a_leader_for_a_new_channel")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pids;
    {
        let ca = CaServer::start(&fabric, dir, CaSpec::org1(&[]))
            .await
            .unwrap();
        let ordering = OrderingService::start(&fabric, dir, "OrdererMSP", 3)
            .await
            .unwrap();
        assert_eq!(ordering.addresses().len(), 3);
        let mut all = ordering.pids();
        all.extend(ca.pid());
        pids = all;
        // Returns once one of the three reports itself the channel's leader.
        channel::create(
            &fabric,
            dir,
            &ordering,
            "threenodes",
            &[ChannelOrg {
                msp_id: "org1msp".into(),
                ca_root_pem: ca.ca_root_pem().into(),
                tlsca_root_pem: ca.tlsca_root_pem().into(),
                anchor_peers: Vec::new(),
            }],
        )
        .await
        .unwrap();
        assert!(OrderingService::start(&fabric, dir, "OrdererMSP", 2)
            .await
            .is_err());
    }
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
