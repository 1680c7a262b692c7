//! One peer: its TLS-pinned connection and the system chaincode calls the HA steps need.

use std::time::Duration;

use fabric_gateway::pb::common::BlockchainInfo;
use fabric_gateway::pb::protos::endorser_client::EndorserClient;
use fabric_gateway::pb::protos::ChannelQueryResponse;
use fabric_ha_sensitive::Sensitive;
use prost::Message;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

use crate::discovery::{self, DiscoveredPeer};
use crate::error::{classify, NetError, NetErrorCode};
use crate::lifecycle::{
    GetInstalledChaincodePackageArgs, GetInstalledChaincodePackageResult, InstallChaincodeArgs,
    InstallChaincodeResult, QueryChaincodeDefinitionsArgs, QueryChaincodeDefinitionsResult,
    QueryInstalledChaincodesArgs, QueryInstalledChaincodesResult,
};
use crate::proposal::chaincode_call;
use crate::Signer;

/// Where a peer is, from its console record.
#[derive(Debug, Clone)]
pub struct PeerEndpoint {
    /// `grpcs://host:port` (the record's `api_url`).
    pub api_url: String,
    /// PEMs of the TLS CA roots its certificate chains to (`msp.tlsca.root_certs`).
    pub tls_root_pems: Vec<String>,
    /// A client TLS certificate and key (PEM), for peers that require mutual TLS.
    pub client_tls: Option<(String, Sensitive<String>)>,
}

/// A channel's height and newest block hash on one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainInfo {
    /// Number of blocks (the next block's number).
    pub height: u64,
    /// Hash of the newest block's header.
    pub current_block_hash: Vec<u8>,
}

/// A package installed on a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPackage {
    /// `<label>:<sha256 hex of the package>`.
    pub package_id: String,
    /// The package's label.
    pub label: String,
    /// (channel, chaincode name, version) of each definition using it.
    pub references: Vec<(String, String, String)>,
}

/// A connection to one peer's endorser service.
#[derive(Debug, Clone)]
pub struct PeerClient {
    endorser: EndorserClient<Channel>,
    channel: Channel,
    address: String,
}

/// `host` and `host:port` of a `grpcs://host:port` URL.
fn host_port(api_url: &str) -> Result<(String, String), NetError> {
    let bad = |why: &str| {
        NetError::new(
            NetErrorCode::InvalidInput,
            api_url,
            format!("not a peer address: {why}"),
        )
    };
    let url = url::Url::parse(api_url).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "grpcs" {
        return Err(bad("the scheme must be grpcs:// (TLS)"));
    }
    let host = url.host_str().ok_or_else(|| bad("no host"))?.to_owned();
    let port = url.port().ok_or_else(|| bad("no port"))?;
    Ok((host.clone(), format!("{host}:{port}")))
}

/// The error chain of a transport failure as one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn transport_code(message: &str) -> NetErrorCode {
    let m = message.to_ascii_lowercase();
    if m.contains("certificate") || m.contains("unknownissuer") || m.contains("notvalidforname") {
        NetErrorCode::TlsPinMismatch
    } else if m.contains("timed out") || m.contains("deadline") {
        NetErrorCode::Timeout
    } else {
        NetErrorCode::Unreachable
    }
}

/// An HTTP/2 channel to a node's `api_url`, TLS pinned to its roots, server name from the URL;
/// with its `host:port`.
pub(crate) async fn connect_channel(
    endpoint: &PeerEndpoint,
    timeout: Duration,
) -> Result<(Channel, String), NetError> {
    let (host, address) = host_port(&endpoint.api_url)?;
    if endpoint.tls_root_pems.is_empty() {
        return Err(NetError::new(
            NetErrorCode::InvalidInput,
            &address,
            "no TLS CA root to pin the connection to",
        ));
    }
    let mut tls = ClientTlsConfig::new().domain_name(host);
    for pem in &endpoint.tls_root_pems {
        tls = tls.ca_certificate(Certificate::from_pem(pem));
    }
    if let Some((cert, key)) = &endpoint.client_tls {
        tls = tls.identity(Identity::from_pem(cert, key.expose()));
    }
    let channel = Endpoint::from_shared(format!("https://{address}"))
        .map_err(|e| NetError::new(NetErrorCode::InvalidInput, &address, e.to_string()))?
        .tls_config(tls)
        .map_err(|e| NetError::new(NetErrorCode::InvalidInput, &address, chain(&e)))?
        .connect_timeout(timeout)
        .timeout(timeout)
        .connect()
        .await
        .map_err(|e| {
            let message = chain(&e);
            NetError::new(transport_code(&message), &address, message)
        })?;
    Ok((channel, address))
}

impl PeerClient {
    /// Connects (TLS pinned to `endpoint.tls_root_pems`, server name from the URL), failing
    /// within `timeout`.
    pub async fn connect(
        endpoint: &PeerEndpoint,
        timeout: Duration,
    ) -> Result<PeerClient, NetError> {
        let (channel, address) = connect_channel(endpoint, timeout).await?;
        Ok(PeerClient {
            endorser: EndorserClient::new(channel.clone()),
            channel,
            address,
        })
    }

    /// `host:port`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Sends a signed proposal and returns the response payload (status 200), or the peer's
    /// refusal as a typed error.
    async fn call(
        &self,
        signer: &Signer,
        channel: &str,
        chaincode: &str,
        args: Vec<Vec<u8>>,
    ) -> Result<Vec<u8>, NetError> {
        let what =
            String::from_utf8_lossy(args.first().map_or(&[][..], Vec::as_slice)).into_owned();
        let context = format!("{} {chaincode}.{what}", self.address);
        let signed = chaincode_call(signer, channel, chaincode, args);
        tracing::debug!(peer = %self.address, chaincode, function = %what, tx_id = %signed.tx_id, "proposal");
        let response = self
            .endorser
            .clone()
            .process_proposal(signed.proposal)
            .await
            .map_err(|status| {
                let message = status.message().to_owned();
                let code = match status.code() {
                    tonic::Code::DeadlineExceeded => NetErrorCode::Timeout,
                    tonic::Code::Unavailable => transport_code(&message),
                    _ => classify(&message),
                };
                NetError::new(code, &context, message)
            })?
            .into_inner();
        let answer = response.response.ok_or_else(|| {
            NetError::new(
                NetErrorCode::InvalidResponse,
                &context,
                "no response in the proposal response",
            )
        })?;
        if answer.status != 200 {
            return Err(NetError::new(
                classify(&answer.message),
                &context,
                format!("status {}: {}", answer.status, answer.message),
            ));
        }
        Ok(answer.payload)
    }

    fn decode<M: Message + Default>(&self, what: &str, bytes: &[u8]) -> Result<M, NetError> {
        M::decode(bytes).map_err(|e| {
            NetError::new(
                NetErrorCode::InvalidResponse,
                format!("{} {what}", self.address),
                e.to_string(),
            )
        })
    }

    /// `cscc GetChannels`: the channels the peer has joined.
    pub async fn channels(&self, signer: &Signer) -> Result<Vec<String>, NetError> {
        let payload = self
            .call(signer, "", "cscc", vec![b"GetChannels".to_vec()])
            .await?;
        let answer: ChannelQueryResponse = self.decode("GetChannels", &payload)?;
        Ok(answer.channels.into_iter().map(|c| c.channel_id).collect())
    }

    /// `cscc JoinChain` with a channel's genesis block (the serialized `common.Block`).
    pub async fn join(&self, signer: &Signer, genesis_block: &[u8]) -> Result<(), NetError> {
        self.call(
            signer,
            "",
            "cscc",
            vec![b"JoinChain".to_vec(), genesis_block.to_vec()],
        )
        .await
        .map(drop)
    }

    /// `cscc GetConfigBlock`: the channel's newest config block (serialized `common.Block`).
    pub async fn config_block(&self, signer: &Signer, channel: &str) -> Result<Vec<u8>, NetError> {
        self.call(
            signer,
            "",
            "cscc",
            vec![b"GetConfigBlock".to_vec(), channel.as_bytes().to_vec()],
        )
        .await
    }

    /// `qscc GetChainInfo`: the channel's height on this peer.
    pub async fn chain_info(&self, signer: &Signer, channel: &str) -> Result<ChainInfo, NetError> {
        let payload = self
            .call(
                signer,
                channel,
                "qscc",
                vec![b"GetChainInfo".to_vec(), channel.as_bytes().to_vec()],
            )
            .await?;
        let info: BlockchainInfo = self.decode("GetChainInfo", &payload)?;
        Ok(ChainInfo {
            height: info.height,
            current_block_hash: info.current_block_hash,
        })
    }

    /// `qscc GetBlockByNumber`: block `number` of the channel (serialized `common.Block`);
    /// block 0 joins another peer.
    pub async fn block(
        &self,
        signer: &Signer,
        channel: &str,
        number: u64,
    ) -> Result<Vec<u8>, NetError> {
        self.call(
            signer,
            channel,
            "qscc",
            vec![
                b"GetBlockByNumber".to_vec(),
                channel.as_bytes().to_vec(),
                number.to_string().into_bytes(),
            ],
        )
        .await
    }

    /// The discovery service's peer membership query on `channel`: every peer of every
    /// organization this peer knows through gossip, with its ledger height.
    pub async fn discover_peers(
        &self,
        signer: &Signer,
        channel: &str,
    ) -> Result<Vec<DiscoveredPeer>, NetError> {
        let context = format!("{} discovery {channel}", self.address);
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        grpc.ready().await.map_err(|e| {
            let message = chain(&e);
            NetError::new(transport_code(&message), &context, message)
        })?;
        let codec =
            tonic::codec::ProstCodec::<discovery::SignedRequest, discovery::Response>::default();
        let response = grpc
            .unary(
                tonic::Request::new(discovery::membership_request(signer, channel)),
                discovery::discover_path(),
                codec,
            )
            .await
            .map_err(|status| {
                NetError::new(
                    classify(status.message()),
                    &context,
                    status.message().to_owned(),
                )
            })?
            .into_inner();
        discovery::members(&context, response)
    }

    /// `_lifecycle QueryInstalledChaincodes`.
    pub async fn installed(&self, signer: &Signer) -> Result<Vec<InstalledPackage>, NetError> {
        let payload = self
            .call(
                signer,
                "",
                "_lifecycle",
                vec![
                    b"QueryInstalledChaincodes".to_vec(),
                    QueryInstalledChaincodesArgs {}.encode_to_vec(),
                ],
            )
            .await?;
        let answer: QueryInstalledChaincodesResult =
            self.decode("QueryInstalledChaincodes", &payload)?;
        Ok(answer
            .installed_chaincodes
            .into_iter()
            .map(|c| {
                let mut references: Vec<(String, String, String)> = c
                    .references
                    .into_iter()
                    .flat_map(|(channel, refs)| {
                        refs.chaincodes
                            .into_iter()
                            .map(move |cc| (channel.clone(), cc.name, cc.version))
                    })
                    .collect();
                references.sort();
                InstalledPackage {
                    package_id: c.package_id,
                    label: c.label,
                    references,
                }
            })
            .collect())
    }

    /// `_lifecycle QueryChaincodeDefinitions` on `channel`: the committed definitions, as
    /// (name, version, sequence), by name.
    pub async fn chaincode_definitions(
        &self,
        signer: &Signer,
        channel: &str,
    ) -> Result<Vec<(String, String, i64)>, NetError> {
        let payload = self
            .call(
                signer,
                channel,
                "_lifecycle",
                vec![
                    b"QueryChaincodeDefinitions".to_vec(),
                    QueryChaincodeDefinitionsArgs {}.encode_to_vec(),
                ],
            )
            .await?;
        let answer: QueryChaincodeDefinitionsResult =
            self.decode("QueryChaincodeDefinitions", &payload)?;
        let mut out: Vec<(String, String, i64)> = answer
            .chaincode_definitions
            .into_iter()
            .map(|d| (d.name, d.version, d.sequence))
            .collect();
        out.sort();
        Ok(out)
    }

    /// `_lifecycle GetInstalledChaincodePackage`: the package's bytes exactly as installed.
    pub async fn installed_package(
        &self,
        signer: &Signer,
        package_id: &str,
    ) -> Result<Vec<u8>, NetError> {
        let payload = self
            .call(
                signer,
                "",
                "_lifecycle",
                vec![
                    b"GetInstalledChaincodePackage".to_vec(),
                    GetInstalledChaincodePackageArgs {
                        package_id: package_id.to_owned(),
                    }
                    .encode_to_vec(),
                ],
            )
            .await?;
        let answer: GetInstalledChaincodePackageResult =
            self.decode("GetInstalledChaincodePackage", &payload)?;
        Ok(answer.chaincode_install_package)
    }

    /// `_lifecycle InstallChaincode`: installs `package` and returns its package id and label.
    /// A package that is installed already is [`NetErrorCode::AlreadyInstalled`].
    pub async fn install(
        &self,
        signer: &Signer,
        package: &[u8],
    ) -> Result<(String, String), NetError> {
        let payload = self
            .call(
                signer,
                "",
                "_lifecycle",
                vec![
                    b"InstallChaincode".to_vec(),
                    InstallChaincodeArgs {
                        chaincode_install_package: package.to_vec(),
                    }
                    .encode_to_vec(),
                ],
            )
            .await?;
        let answer: InstallChaincodeResult = self.decode("InstallChaincode", &payload)?;
        Ok((answer.package_id, answer.label))
    }
}
