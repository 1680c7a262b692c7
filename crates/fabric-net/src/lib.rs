//! Native gRPC to Hyperledger Fabric peers: what the HA procedure's last steps need (join
//! channels, install the same packages) without the `peer` CLI.
//!
//! - [`Signer`]: a wallet identity (MSP id, certificate, P-256 key kept [`Sensitive`]) that
//!   signs proposals with ECDSA/SHA-256, DER, low-S, as Fabric requires.
//! - [`PeerClient`]: one HTTP/2 connection per peer from its console record: `api_url`
//!   (`grpcs://host:port`), TLS pinned to the record's TLS CA roots, the server name from the URL,
//!   and for nodes that require mutual TLS a client TLS certificate, whose SHA-256 every
//!   message built for the connection carries (Fabric checks it on Deliver and discovery).
//! - Calls: `cscc` GetChannels / JoinChain / GetConfigBlock / GetChannelConfig, `qscc` GetChainInfo /
//!   GetBlockByNumber, `_lifecycle` QueryInstalledChaincodes / GetInstalledChaincodePackage /
//!   InstallChaincode / QueryChaincodeDefinitions; a block from the peer's `Deliver`.
//! - [`OrdererClient`]: `Deliver` (a block, the newest, the last config block) and `Broadcast`;
//!   [`config`] computes and signs an anchor-peer config update as `configtxlator` would.
//! - [`PeerClient::discover_peers`]: the discovery service's peer membership query.
//! - [`ops`]: the procedures the commands and the HA plan share (catch-up, the channel's
//!   orderers, one anchor-peer update); [`package`] reads a chaincode package's label, type and id.
//! - [`NetError`]: a typed code with a fix, carrying the peer's own message.
//!
//! The protocol messages come from the `fabric-gateway` crate's generated modules; the few
//! `_lifecycle` messages it does not export are in [`lifecycle`], checked against a real peer's
//! bytes in the tests.
//!
//! [`Sensitive`]: fabric_ha_sensitive::Sensitive

pub mod config;
pub mod discovery;
mod error;
pub mod lifecycle;
pub mod ops;
mod orderer;
pub mod package;
mod peer;
mod proposal;
mod signer;

pub use error::{NetError, NetErrorCode};
pub use orderer::{last_config_index, BroadcastOutcome, OrdererClient, OrdererEndpoint};
pub use peer::{ChainInfo, InstalledPackage, PeerClient, PeerEndpoint, ServedCert};
pub use signer::Signer;
