//! The gRPC client against a peer and an orderer that require mutual TLS
//! (`peer.tls.clientAuthRequired`, `General.TLS.ClientAuthRequired`), started for the test:
//! without a client certificate the handshake is refused and the error says so; with the org
//! admin's TLS certificate (enrolled at the organization's TLS CA) every call works, Deliver
//! from both nodes and discovery included, each message carrying the hash of that certificate.
//! The same Deliver requests without the hash (or with another) are refused by Fabric, which is
//! what the hash is for. (Fabric 2.5's discovery service does not check its
//! `client_tls_cert_hash`: its configuration never reaches the check. The client sends it all
//! the same, as the protocol asks.)
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fabric_gateway::pb::common::{
    ChannelHeader, Envelope, Header, HeaderType, Payload, SignatureHeader, Status,
};
use fabric_gateway::pb::msp::SerializedIdentity;
use fabric_gateway::pb::orderer::atomic_broadcast_client::AtomicBroadcastClient;
use fabric_gateway::pb::orderer::{
    deliver_response, seek_info, seek_position, SeekInfo, SeekPosition, SeekSpecified,
};
use fabric_gateway::pb::protos::deliver_client::DeliverClient;
use fabric_ha_fabric_net::{
    ops, NetErrorCode, OrdererClient, OrdererEndpoint, PeerClient, PeerEndpoint, Signer,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testnet::channel::{self, ChannelOrg};
use fabric_ha_testnet::{
    enroll, CaServer, CaSpec, Fabric, OrderingService, OrgAdmin, Peer, PeerSpec,
};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;
use prost::Message as _;
use sha2::{Digest as _, Sha256};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

const TIMEOUT: Duration = Duration::from_secs(20);
const MSP_ID: &str = "org1msp";
const CHANNEL: &str = "mtlschannel";
const SECOND: &str = "secondchannel";

fn endpoint(api_url: &str, root: &str, client_tls: Option<(&str, &str)>) -> PeerEndpoint {
    PeerEndpoint {
        api_url: api_url.to_owned(),
        tls_root_pems: vec![root.to_owned()],
        client_tls: client_tls.map(|(cert, key)| (cert.to_owned(), Sensitive::new(key.to_owned()))),
    }
}

/// A raw connection presenting `client` (cert, key), for requests the client library would
/// never send.
async fn raw_channel(api_url: &str, root: &str, client: (&str, &str)) -> Channel {
    let address = api_url.trim_start_matches("grpcs://");
    let tls = ClientTlsConfig::new()
        .domain_name("127.0.0.1")
        .ca_certificate(Certificate::from_pem(root))
        .identity(Identity::from_pem(client.0, client.1));
    Endpoint::from_shared(format!("https://{address}"))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// The admin's key, for signing requests by hand.
struct RawSigner {
    creator: Vec<u8>,
    key: SigningKey,
}

impl RawSigner {
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.key.sign(message);
        signature.normalize_s().to_der().as_bytes().to_vec()
    }
}

/// A signed seek for block 0 of `channel` whose channel header claims `tls_cert_hash`.
fn seek_block_0(signer: &RawSigner, channel: &str, tls_cert_hash: Vec<u8>) -> Envelope {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let position = SeekPosition {
        r#type: Some(seek_position::Type::Specified(SeekSpecified { number: 0 })),
    };
    let nonce = vec![7u8; 24];
    let tx_id = hex::encode(
        Sha256::new()
            .chain_update(&nonce)
            .chain_update(&signer.creator)
            .finalize(),
    );
    let payload = Payload {
        header: Some(Header {
            channel_header: ChannelHeader {
                r#type: HeaderType::DeliverSeekInfo as i32,
                timestamp: Some(prost_types::Timestamp {
                    seconds: i64::try_from(now.as_secs()).unwrap(),
                    nanos: 0,
                }),
                channel_id: channel.to_owned(),
                tx_id,
                tls_cert_hash,
                ..ChannelHeader::default()
            }
            .encode_to_vec(),
            signature_header: SignatureHeader {
                creator: signer.creator.clone(),
                nonce,
            }
            .encode_to_vec(),
        }),
        data: SeekInfo {
            start: Some(position),
            stop: Some(position),
            behavior: seek_info::SeekBehavior::FailIfNotReady as i32,
            ..SeekInfo::default()
        }
        .encode_to_vec(),
    }
    .encode_to_vec();
    Envelope {
        signature: signer.sign(&payload),
        payload,
    }
}

/// What a peer's or an orderer's Deliver answers a raw seek: the block's number, or the status.
async fn raw_deliver(channel: Channel, peer: bool, request: Envelope) -> Result<u64, i32> {
    let once = tokio_stream::once(request);
    if peer {
        let mut stream = DeliverClient::new(channel)
            .deliver(once)
            .await
            .unwrap()
            .into_inner();
        while let Some(answer) = stream.message().await.unwrap() {
            match answer.r#type {
                Some(fabric_gateway::pb::protos::deliver_response::Type::Block(b)) => {
                    return Ok(b.header.unwrap().number)
                }
                Some(fabric_gateway::pb::protos::deliver_response::Type::Status(s)) => {
                    return Err(s)
                }
                _ => {}
            }
        }
    } else {
        let mut stream = AtomicBroadcastClient::new(channel)
            .deliver(once)
            .await
            .unwrap()
            .into_inner();
        while let Some(answer) = stream.message().await.unwrap() {
            match answer.r#type {
                Some(deliver_response::Type::Block(b)) => return Ok(b.header.unwrap().number),
                Some(deliver_response::Type::Status(s)) => return Err(s),
                None => {}
            }
        }
    }
    panic!("the Deliver stream ended without a block or a status")
}

fn der_hash(cert_pem: &str) -> Vec<u8> {
    let (_, der) = p256::pkcs8::der::pem::decode_vec(cert_pem.trim().as_bytes()).unwrap();
    Sha256::digest(der).to_vec()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_against_a_real_peer_and_orderer() {
    let Some(fabric) = Fabric::for_tests("mutual_tls_against_a_real_peer_and_orderer") else {
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
        let admin = OrgAdmin::enroll_registered(&fabric, &ca, MSP_ID, "org1admin", dir)
            .await
            .unwrap();
        let admin_key =
            std::fs::read_to_string(admin.msp_dir.join("keystore").join("key.pem")).unwrap();
        let signer =
            Signer::new(MSP_ID, &admin.cert_pem, &Sensitive::new(admin_key.clone())).unwrap();
        // The admin's client TLS certificate: the same enroll id at the TLS CA.
        let admin_tls = enroll(
            &fabric,
            &ca.endpoint("tlsca"),
            "org1admin",
            "org1adminpw",
            &[],
            &dir.join("org1admin-tls"),
        )
        .await
        .unwrap();
        let tls_key = std::fs::read_to_string(&admin_tls.key_path).unwrap();
        let client = (admin_tls.cert_pem.as_str(), tls_key.as_str());

        let mut ordering = OrderingService::start_requiring_client_tls(
            &fabric,
            dir,
            "OrdererMSP",
            1,
            &[ca.tlsca_root_pem().to_owned()],
        )
        .await
        .unwrap();
        pids.extend(ordering.pids());
        let mut peer = Peer::start_requiring_client_tls(
            &fabric,
            dir,
            PeerSpec {
                name: "org1peer1".into(),
                msp_id: MSP_ID.into(),
                ca: ca.endpoint("ca"),
                enroll: ("org1peer1".into(), "org1peer1pw".into()),
                tlsca: ca.endpoint("tlsca"),
                tls_enroll: ("org1peer1".into(), "org1peer1pw".into()),
                csr_hosts: vec![],
                admin_certs: vec![admin.cert_pem.clone()],
                gossip_bootstrap: None,
            },
        )
        .await
        .unwrap();
        pids.extend(peer.pid());
        peer.wait_healthy(Duration::from_secs(30)).await.unwrap();
        let orgs = [ChannelOrg {
            msp_id: MSP_ID.into(),
            ca_root_pem: ca.ca_root_pem().into(),
            tlsca_root_pem: ca.tlsca_root_pem().into(),
            anchor_peers: vec![],
        }];
        let genesis_file = channel::create(&fabric, dir, &ordering, CHANNEL, &orgs)
            .await
            .unwrap();
        let genesis = std::fs::read(&genesis_file).unwrap();

        let peer_url = peer.api_url();
        let orderer_url = format!("grpcs://{}", ordering.address());
        let peer_root = peer.tlsca_root_pem().to_owned();
        let orderer_root = ordering.tls_root_pem().to_owned();

        // Without a client certificate the handshake is refused, typed with its fix: at connect,
        // or at the first call (with TLS 1.3 the client's side of the handshake ends first).
        let without = endpoint(&peer_url, &peer_root, None);
        let refused = async {
            let client = PeerClient::connect(&without, TIMEOUT).await?;
            client.channels(&signer).await.map(drop)
        }
        .await
        .unwrap_err();
        assert_eq!(refused.code, NetErrorCode::ClientCertRequired, "{refused}");
        assert!(refused.message.contains("CertificateRequired"), "{refused}");
        assert!(refused.fix().contains("TLS CA"), "{}", refused.fix());
        let without: OrdererEndpoint = endpoint(&orderer_url, &orderer_root, None);
        let refused = async {
            let client = OrdererClient::connect(&without, TIMEOUT).await?;
            client.block(&signer, CHANNEL, 0).await.map(drop)
        }
        .await
        .unwrap_err();
        assert_eq!(refused.code, NetErrorCode::ClientCertRequired, "{refused}");
        assert!(refused.message.contains("CertificateRequired"), "{refused}");

        // With the admin's TLS certificate: join, list, heights, blocks, discovery.
        let peer_client =
            PeerClient::connect(&endpoint(&peer_url, &peer_root, Some(client)), TIMEOUT)
                .await
                .unwrap();
        let orderers = [endpoint(&orderer_url, &orderer_root, Some(client))];
        let orderer = OrdererClient::connect(&orderers[0], TIMEOUT).await.unwrap();
        assert!(peer_client.channels(&signer).await.unwrap().is_empty());
        peer_client.join(&signer, &genesis).await.unwrap();
        assert_eq!(
            peer_client.channels(&signer).await.unwrap(),
            vec![CHANNEL.to_owned()]
        );

        // A config update through the orderer (the peer as anchor peer): block 1, which the
        // peer pulls from the orderer over its own mutual TLS connection.
        let (host, port) = peer
            .address()
            .rsplit_once(':')
            .map(|(h, p)| (h.to_owned(), p.parse::<u16>().unwrap()))
            .unwrap();
        let update = ops::add_anchor_peers(
            &orderers,
            &signer,
            CHANNEL,
            MSP_ID,
            &[(host, port)],
            TIMEOUT,
            TIMEOUT,
        )
        .await
        .unwrap();
        assert!(update.accepted(), "{update:?}");
        assert_eq!(update.config_block, Some(1), "{update:?}");
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        let height = ops::wait_for_height(&peer_client, &signer, CHANNEL, 2, deadline, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(height, 2);
        let info = peer_client.chain_info(&signer, CHANNEL).await.unwrap();
        assert_eq!(info.height, 2);

        // Deliver from the peer and from the orderer: the same blocks.
        let from_orderer = orderer.block(&signer, CHANNEL, 0).await.unwrap();
        let from_peer = peer_client
            .deliver_block(&signer, CHANNEL, 0)
            .await
            .unwrap();
        assert_eq!(from_peer.header, from_orderer.header);
        assert_eq!(from_peer.header.as_ref().unwrap().number, 0);
        assert_eq!(
            from_orderer.encode_to_vec(),
            genesis,
            "the genesis block as configtxgen wrote it"
        );
        let newest = orderer.newest_block(&signer, CHANNEL).await.unwrap();
        let second_from_peer = peer_client
            .deliver_block(&signer, CHANNEL, 1)
            .await
            .unwrap();
        assert_eq!(second_from_peer.header, newest.header);
        assert_eq!(newest.header.as_ref().unwrap().number, 1);

        // Discovery answers with the peer itself, its gossip endpoint and the channel's
        // chaincodes (the height it reports is the one it last gossiped, not always the
        // newest on a channel with no other peer).
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let found = loop {
            let found = peer_client.discover_peers(&signer, CHANNEL).await.unwrap();
            if !found.is_empty() {
                break found;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "discovery sees no peer"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].msp_id, MSP_ID);
        assert_eq!(found[0].endpoint, peer.address());
        assert!((1..=2).contains(&found[0].ledger_height), "{found:#?}");
        assert!(
            found[0]
                .chaincodes
                .iter()
                .any(|(name, _)| name == "_lifecycle"),
            "{found:#?}"
        );

        // A second channel joined the same way.
        let second = channel::create(&fabric, dir, &ordering, SECOND, &orgs)
            .await
            .unwrap();
        peer_client
            .join(&signer, &std::fs::read(second).unwrap())
            .await
            .unwrap();
        let mut joined = peer_client.channels(&signer).await.unwrap();
        joined.sort();
        assert_eq!(joined, vec![CHANNEL.to_owned(), SECOND.to_owned()]);

        // What the hash is for: the same Deliver request on a connection presenting the
        // certificate, without its hash or with another one, is refused (BAD_REQUEST, the
        // node logs the binding error); with it, it is answered.
        let raw = RawSigner {
            creator: SerializedIdentity {
                mspid: MSP_ID.into(),
                id_bytes: admin.cert_pem.as_bytes().to_vec(),
            }
            .encode_to_vec(),
            key: SigningKey::from_pkcs8_pem(admin_key.trim()).unwrap(),
        };
        let hash = der_hash(&admin_tls.cert_pem);
        for (name, url, root, is_peer) in [
            ("peer", &peer_url, &peer_root, true),
            ("orderer", &orderer_url, &orderer_root, false),
        ] {
            let bad_request = Err(Status::BadRequest as i32);
            for claimed in [Vec::new(), vec![0u8; 32]] {
                let answer = raw_deliver(
                    raw_channel(url, root, client).await,
                    is_peer,
                    seek_block_0(&raw, CHANNEL, claimed.clone()),
                )
                .await;
                assert_eq!(answer, bad_request, "{name} Deliver claiming {claimed:?}");
            }
            let answer = raw_deliver(
                raw_channel(url, root, client).await,
                is_peer,
                seek_block_0(&raw, CHANNEL, hash.clone()),
            )
            .await;
            assert_eq!(answer, Ok(0), "{name} Deliver with the hash");
        }
        for log in [
            dir.join("org1peer1.log"),
            dir.join("ordering").join("orderer1.log"),
        ] {
            let text = std::fs::read_to_string(&log).unwrap();
            for why in [
                "client didn't include its TLS cert hash",
                "claimed TLS cert hash is",
            ] {
                assert!(text.contains(why), "{} does not say {why:?}", log.display());
            }
        }
        peer.stop();
        ordering.stop();
        ca.stop();
    }
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
