//! The discovery service's peer membership query: which peers of which organizations a peer
//! knows on a channel (through gossip), with their ledger heights.
//!
//! Fabric's `discovery/protocol.proto` (package `discovery`) is not among the generated
//! modules this crate uses; the messages it needs are below with Fabric's field numbers, and
//! the tests decode what a real peer answers. The gossip envelopes inside come from the
//! generated `gossip` module.

use std::collections::HashMap;

use fabric_gateway::pb::gossip::{gossip_message, GossipMessage};
use prost::Message as _;
use tonic::codegen::http::uri::PathAndQuery;

use crate::error::{NetError, NetErrorCode};
use crate::proposal::TlsBinding;
use crate::Signer;

/// `discovery.SignedRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignedRequest {
    /// An encoded [`Request`].
    #[prost(bytes = "vec", tag = "1")]
    pub payload: Vec<u8>,
    /// The client's signature over `payload`.
    #[prost(bytes = "vec", tag = "2")]
    pub signature: Vec<u8>,
}

/// `discovery.Request`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Request {
    /// Who asks.
    #[prost(message, optional, tag = "1")]
    pub authentication: Option<AuthInfo>,
    /// The queries.
    #[prost(message, repeated, tag = "2")]
    pub queries: Vec<Query>,
}

/// `discovery.AuthInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AuthInfo {
    /// The client's serialized identity.
    #[prost(bytes = "vec", tag = "1")]
    pub client_identity: Vec<u8>,
    /// SHA-256 of the client's TLS certificate, when it presented one.
    #[prost(bytes = "vec", tag = "2")]
    pub client_tls_cert_hash: Vec<u8>,
}

/// `discovery.Query` with the one kind used here, a peer membership query (field 3).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Query {
    /// The channel.
    #[prost(string, tag = "1")]
    pub channel: String,
    /// `peer_query` (no chaincode filter).
    #[prost(message, optional, tag = "3")]
    pub peer_query: Option<PeerMembershipQuery>,
}

/// `discovery.PeerMembershipQuery` (its chaincode filter left out).
#[derive(Clone, PartialEq, prost::Message)]
pub struct PeerMembershipQuery {}

/// `discovery.Response`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Response {
    /// One result per query.
    #[prost(message, repeated, tag = "1")]
    pub results: Vec<QueryResult>,
}

/// `discovery.QueryResult`: an error (field 1) or peer members (field 4).
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryResult {
    /// The peer's refusal.
    #[prost(message, optional, tag = "1")]
    pub error: Option<DiscoveryError>,
    /// The members.
    #[prost(message, optional, tag = "4")]
    pub members: Option<PeerMembershipResult>,
}

/// `discovery.Error`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DiscoveryError {
    /// The message.
    #[prost(string, tag = "1")]
    pub content: String,
}

/// `discovery.PeerMembershipResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PeerMembershipResult {
    /// MSP id → its peers.
    #[prost(map = "string, message", tag = "1")]
    pub peers_by_org: HashMap<String, Peers>,
}

/// `discovery.Peers`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Peers {
    /// The peers.
    #[prost(message, repeated, tag = "1")]
    pub peers: Vec<Peer>,
}

/// `discovery.Peer`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Peer {
    /// The peer's signed channel state (ledger height, chaincodes).
    #[prost(message, optional, tag = "1")]
    pub state_info: Option<fabric_gateway::pb::gossip::Envelope>,
    /// The peer's signed alive message (its endpoint).
    #[prost(message, optional, tag = "2")]
    pub membership_info: Option<fabric_gateway::pb::gossip::Envelope>,
    /// The peer's serialized identity.
    #[prost(bytes = "vec", tag = "3")]
    pub identity: Vec<u8>,
}

/// A peer as another peer's discovery service reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredPeer {
    /// Its organization.
    pub msp_id: String,
    /// Its gossip endpoint (`host:port`).
    pub endpoint: String,
    /// Its ledger height on the channel, as gossiped.
    pub ledger_height: u64,
    /// Chaincodes it has on the channel (name, version).
    pub chaincodes: Vec<(String, String)>,
}

fn gossip(
    envelope: Option<&fabric_gateway::pb::gossip::Envelope>,
) -> Option<gossip_message::Content> {
    GossipMessage::decode(envelope?.payload.as_slice())
        .ok()?
        .content
}

/// Builds the signed membership query for `channel`, bound to the connection by `binding`.
pub(crate) fn membership_request(
    signer: &Signer,
    channel: &str,
    binding: &TlsBinding,
) -> SignedRequest {
    let payload = Request {
        authentication: Some(AuthInfo {
            client_identity: signer.creator(),
            client_tls_cert_hash: binding.hash().to_vec(),
        }),
        queries: vec![Query {
            channel: channel.to_owned(),
            peer_query: Some(PeerMembershipQuery {}),
        }],
    }
    .encode_to_vec();
    let signature = signer.sign(&payload);
    SignedRequest { payload, signature }
}

/// The gRPC method.
pub(crate) fn discover_path() -> PathAndQuery {
    PathAndQuery::from_static("/discovery.Discovery/Discover")
}

/// The peers of a membership answer, sorted by organization and endpoint.
pub(crate) fn members(context: &str, response: Response) -> Result<Vec<DiscoveredPeer>, NetError> {
    let result =
        response.results.into_iter().next().ok_or_else(|| {
            NetError::new(NetErrorCode::InvalidResponse, context, "no query result")
        })?;
    if let Some(error) = result.error {
        let code = if error.content.contains("access denied") {
            NetErrorCode::NotAnAdmin
        } else {
            NetErrorCode::Refused
        };
        return Err(NetError::new(code, context, error.content));
    }
    let members = result.members.ok_or_else(|| {
        NetError::new(
            NetErrorCode::InvalidResponse,
            context,
            "no members in the result",
        )
    })?;
    let mut found = Vec::new();
    for (msp_id, peers) in members.peers_by_org {
        for peer in peers.peers {
            let endpoint = match gossip(peer.membership_info.as_ref()) {
                Some(gossip_message::Content::AliveMsg(alive)) => {
                    alive.membership.map(|m| m.endpoint).unwrap_or_default()
                }
                _ => String::new(),
            };
            let (ledger_height, chaincodes) = match gossip(peer.state_info.as_ref()) {
                Some(gossip_message::Content::StateInfo(state)) => state
                    .properties
                    .map(|p| {
                        (
                            p.ledger_height,
                            p.chaincodes
                                .into_iter()
                                .map(|c| (c.name, c.version))
                                .collect(),
                        )
                    })
                    .unwrap_or_default(),
                _ => (0, Vec::new()),
            };
            found.push(DiscoveredPeer {
                msp_id: msp_id.clone(),
                endpoint,
                ledger_height,
                chaincodes,
            });
        }
    }
    found.sort_by(|a, b| (&a.msp_id, &a.endpoint).cmp(&(&b.msp_id, &b.endpoint)));
    Ok(found)
}
