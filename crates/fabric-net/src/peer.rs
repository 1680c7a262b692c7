//! One peer: its TLS-pinned connection and the system chaincode calls the HA steps need.

use std::time::Duration;

use fabric_gateway::pb::common::{Block, BlockchainInfo};
use fabric_gateway::pb::orderer::{seek_position, SeekSpecified};
use fabric_gateway::pb::protos::deliver_client::DeliverClient;
use fabric_gateway::pb::protos::endorser_client::EndorserClient;
use fabric_gateway::pb::protos::{deliver_response, ChannelQueryResponse};
use fabric_ha_sensitive::Sensitive;
use prost::Message;
use std::sync::{Arc, Mutex, PoisonError};

use tokio_rustls::rustls::{
    self,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    client::WebPkiServerVerifier,
    pki_types::{CertificateDer, ServerName, UnixTime},
    ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tonic::transport::{Channel, Endpoint};

use crate::discovery::{self, DiscoveredPeer};
use crate::error::{classify, NetError, NetErrorCode};
use crate::lifecycle::{
    GetInstalledChaincodePackageArgs, GetInstalledChaincodePackageResult, InstallChaincodeArgs,
    InstallChaincodeResult, QueryChaincodeDefinitionsArgs, QueryChaincodeDefinitionsResult,
    QueryInstalledChaincodesArgs, QueryInstalledChaincodesResult,
};
use crate::orderer::{one_block, seek_request, Delivered};
use crate::proposal::{chaincode_call, TlsBinding};
use crate::Signer;

/// Where a peer is, from its console record.
#[derive(Debug, Clone)]
pub struct PeerEndpoint {
    /// `grpcs://host:port` (the record's `api_url`).
    pub api_url: String,
    /// PEMs of the TLS CA roots its certificate chains to (`msp.tlsca.root_certs`).
    pub tls_root_pems: Vec<String>,
    /// A client TLS certificate and key (PEM), for nodes that require mutual TLS: presented
    /// in the handshake, and its hash binds every Deliver request and discovery query sent on
    /// the connection (Fabric checks both).
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
    connection: Connection,
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

/// `text` followed by each cause in `source`'s chain not already in it, as one line.
fn with_causes(mut text: String, mut source: Option<&(dyn std::error::Error + 'static)>) -> String {
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

/// The error chain of a transport failure as one line.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    with_causes(error.to_string(), error.source())
}

fn transport_code(message: &str) -> NetErrorCode {
    let m = message.to_ascii_lowercase();
    // The alert a TLS server sends when the client presented no certificate (TLS 1.3's
    // `certificate_required`) or one it does not trust; with TLS 1.3 it arrives after the
    // client's side of the handshake, on the first call.
    if ["certificaterequired", "badcertificate", "unknownca"]
        .iter()
        .any(|alert| m.contains(&format!("received fatal alert: {alert}")))
    {
        NetErrorCode::ClientCertRequired
    } else if m.contains("certificate")
        || m.contains("unknownissuer")
        || m.contains("notvalidforname")
    {
        NetErrorCode::TlsPinMismatch
    } else if m.contains("timed out") || m.contains("deadline") {
        NetErrorCode::Timeout
    } else {
        NetErrorCode::Unreachable
    }
}

/// A failed call's status as a typed error: a transport failure (a connection refused or
/// broken, a handshake the node refused) by its chain of causes, the node's refusal by its
/// own message.
pub(crate) fn status_error(context: &str, status: &tonic::Status) -> NetError {
    let transport = std::error::Error::source(status).is_some();
    let message = with_causes(
        status.message().to_owned(),
        std::error::Error::source(status),
    );
    let code = match status.code() {
        tonic::Code::DeadlineExceeded => NetErrorCode::Timeout,
        tonic::Code::Unavailable => transport_code(&message),
        _ if transport => transport_code(&message),
        _ => classify(&message),
    };
    NetError::new(code, context, message)
}

/// An open connection to a node: its HTTP/2 channel, `host:port`, what binds the messages
/// sent on it to its client certificate, and how it was opened (to tell why it was closed).
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub(crate) channel: Channel,
    pub(crate) address: String,
    pub(crate) binding: TlsBinding,
    endpoint: PeerEndpoint,
    timeout: Duration,
}

impl Connection {
    /// A failed call's status as a typed error (see [`status_error`]). A connection the node
    /// closed is looked into with [`handshake_alert`]: with TLS 1.3 the client's side of the
    /// handshake ends before the server has checked the client's certificate, so a node that
    /// refuses it only closes the connection the first call is on.
    pub(crate) async fn failure(&self, context: &str, status: &tonic::Status) -> NetError {
        let mut error = status_error(context, status);
        if error.code == NetErrorCode::Unreachable {
            if let Some(alert) = handshake_alert(&self.endpoint, self.timeout).await {
                if transport_code(&alert) == NetErrorCode::ClientCertRequired {
                    error.code = NetErrorCode::ClientCertRequired;
                    error.message = format!("{}: {alert}", error.message);
                }
            }
        }
        error
    }
}

/// The connection preface of an HTTP/2 client and an empty SETTINGS frame: what makes the
/// server answer once the handshake is over.
const HTTP2_START: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0";

/// The TLS error of opening the endpoint's connection again by hand (the same roots, server
/// name and client certificate) and reading the server's first answer, which carries its
/// alert when it refused the client's certificate; `None` when it answered.
async fn handshake_alert(endpoint: &PeerEndpoint, timeout: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio_rustls::rustls::pki_types::ServerName;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    let (host, address) = host_port(&endpoint.api_url).ok()?;
    let mut roots = RootCertStore::empty();
    for pem in &endpoint.tls_root_pems {
        roots.add_parsable_certificates(rustls_pemfile::certs(&mut pem.as_bytes()).flatten());
    }
    let builder = ClientConfig::builder().with_root_certificates(roots);
    let mut config = match &endpoint.client_tls {
        Some((cert, key)) => {
            let chain = rustls_pemfile::certs(&mut cert.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            let key = rustls_pemfile::private_key(&mut key.expose().as_bytes()).ok()??;
            builder.with_client_auth_cert(chain, key).ok()?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols.push(b"h2".to_vec());
    let server = ServerName::try_from(host).ok()?;
    let attempt = async {
        let tcp = tokio::net::TcpStream::connect(&address).await.ok()?;
        let mut tls = match tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
            .connect(server, tcp)
            .await
        {
            Ok(tls) => tls,
            Err(e) => return Some(e.to_string()),
        };
        if let Err(e) = tls.write_all(HTTP2_START).await {
            return Some(e.to_string());
        }
        let mut first = [0u8; 64];
        tls.read(&mut first).await.err().map(|e| e.to_string())
    };
    tokio::time::timeout(timeout, attempt).await.ok().flatten()
}

/// The end-entity TLS certificate (DER) a node presented in its last handshake on a
/// connection, kept whether or not it verified (a certificate the node's recorded roots no
/// longer verify is what a stale record looks like).
#[derive(Debug, Clone, Default)]
pub struct ServedCert(Arc<Mutex<Option<Vec<u8>>>>);

impl ServedCert {
    /// The certificate, once a handshake has shown one.
    pub fn get(&self) -> Option<Vec<u8>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, der: &[u8]) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(der.to_vec());
    }
}

/// Verifies a node's certificate against its roots, as any client does, keeping the
/// certificate it presented in a [`ServedCert`].
#[derive(Debug)]
struct Keeping {
    inner: Arc<WebPkiServerVerifier>,
    served: ServedCert,
}

impl ServerCertVerifier for Keeping {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.served.set(end_entity.as_ref());
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The TLS client of a node connection: its roots, the client certificate when there is one,
/// HTTP/2 by ALPN (gRPC servers require it), the presented certificate kept in `served`.
fn client_config(
    endpoint: &PeerEndpoint,
    address: &str,
    served: &ServedCert,
) -> Result<ClientConfig, NetError> {
    let invalid = |reason: String| NetError::new(NetErrorCode::InvalidInput, address, reason);
    let mut roots = RootCertStore::empty();
    for pem in &endpoint.tls_root_pems {
        for cert in rustls_pemfile::certs(&mut pem.as_bytes()) {
            let cert = cert.map_err(|e| invalid(format!("a TLS CA root is not PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| invalid(format!("a TLS CA root is not usable: {e}")))?;
        }
    }
    if roots.is_empty() {
        return Err(invalid(
            "no TLS CA root to pin the connection to".to_owned(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
        .build()
        .map_err(|e| invalid(format!("TLS set-up failed: {e}")))?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS set-up failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Keeping {
            inner,
            served: served.clone(),
        }));
    let mut config = match &endpoint.client_tls {
        Some((cert, key)) => {
            let chain = rustls_pemfile::certs(&mut cert.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| invalid(format!("the client TLS certificate is not PEM: {e}")))?;
            let key = rustls_pemfile::private_key(&mut key.expose().as_bytes())
                .ok()
                .flatten()
                .ok_or_else(|| invalid("the client TLS key is not a PEM private key".to_owned()))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| invalid(format!("the client TLS certificate is not usable: {e}")))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// An HTTP/2 channel to a node's `api_url`, TLS pinned to its roots, server name from the URL,
/// presenting the endpoint's client TLS certificate when it has one; the certificate the node
/// presents is kept in `served`.
pub(crate) async fn connect_channel(
    endpoint: &PeerEndpoint,
    timeout: Duration,
    served: &ServedCert,
) -> Result<Connection, NetError> {
    let (host, address) = host_port(&endpoint.api_url)?;
    let config = Arc::new(client_config(endpoint, &address, served)?);
    let server_name = ServerName::try_from(host)
        .map_err(|e| NetError::new(NetErrorCode::InvalidInput, &address, e.to_string()))?;
    let binding = match &endpoint.client_tls {
        Some((cert, _)) => TlsBinding::of_client_cert(cert).map_err(|e| NetError {
            context: address.clone(),
            ..e
        })?,
        None => TlsBinding::UNBOUND,
    };
    let target = address.clone();
    let connector = tower::service_fn(move |_: tonic::transport::Uri| {
        let config = Arc::clone(&config);
        let server_name = server_name.clone();
        let target = target.clone();
        async move {
            let open = async {
                let tcp = tokio::net::TcpStream::connect(&target).await?;
                tcp.set_nodelay(true)?;
                tokio_rustls::TlsConnector::from(config)
                    .connect(server_name, tcp)
                    .await
            };
            let tls = tokio::time::timeout(timeout, open).await.map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::TimedOut, "connection timed out")
            })??;
            Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(tls))
        }
    });
    // TLS is the connector's: the URI only names the authority.
    let channel = Endpoint::from_shared(format!("http://{address}"))
        .map_err(|e| NetError::new(NetErrorCode::InvalidInput, &address, e.to_string()))?
        .connect_timeout(timeout)
        .timeout(timeout)
        .connect_with_connector(connector)
        .await
        .map_err(|e| {
            let message = chain(&e);
            NetError::new(transport_code(&message), &address, message)
        })?;
    Ok(Connection {
        channel,
        address,
        binding,
        endpoint: endpoint.clone(),
        timeout,
    })
}

impl PeerClient {
    /// Connects (TLS pinned to `endpoint.tls_root_pems`, server name from the URL), failing
    /// within `timeout`.
    pub async fn connect(
        endpoint: &PeerEndpoint,
        timeout: Duration,
    ) -> Result<PeerClient, NetError> {
        Self::connect_keeping(endpoint, timeout, &ServedCert::default()).await
    }

    /// [`Self::connect`], keeping the certificate the peer presents in `served` (also when
    /// the connection fails).
    pub async fn connect_keeping(
        endpoint: &PeerEndpoint,
        timeout: Duration,
        served: &ServedCert,
    ) -> Result<PeerClient, NetError> {
        let connection = connect_channel(endpoint, timeout, served).await?;
        Ok(PeerClient {
            endorser: EndorserClient::new(connection.channel.clone()),
            connection,
        })
    }

    /// `host:port`.
    pub fn address(&self) -> &str {
        &self.connection.address
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
        let context = format!("{} {chaincode}.{what}", self.connection.address);
        let signed = chaincode_call(signer, channel, chaincode, args, &self.connection.binding);
        tracing::debug!(peer = %self.connection.address, chaincode, function = %what, tx_id = %signed.tx_id, "proposal");
        let response = match self
            .endorser
            .clone()
            .process_proposal(signed.proposal)
            .await
        {
            Ok(response) => response.into_inner(),
            Err(status) => return Err(self.connection.failure(&context, &status).await),
        };
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
                format!("{} {what}", self.connection.address),
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

    /// `cscc GetChannelConfig`: the channel's current configuration. Unlike the config block,
    /// a peer that joined from a ledger snapshot has it too.
    pub async fn channel_config(
        &self,
        signer: &Signer,
        channel: &str,
    ) -> Result<crate::config::Config, NetError> {
        let bytes = self
            .call(
                signer,
                "",
                "cscc",
                vec![b"GetChannelConfig".to_vec(), channel.as_bytes().to_vec()],
            )
            .await?;
        crate::config::Config::decode(bytes.as_slice()).map_err(|e| {
            NetError::new(
                NetErrorCode::InvalidResponse,
                format!("{} cscc.GetChannelConfig", self.address()),
                format!("not a channel configuration: {e}"),
            )
        })
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

    /// Block `number` of `channel` from the peer's Deliver service (`protos.Deliver`), as an
    /// application reads blocks: allowed to the channel's readers.
    pub async fn deliver_block(
        &self,
        signer: &Signer,
        channel: &str,
        number: u64,
    ) -> Result<Block, NetError> {
        let context = format!("{} Deliver {channel}", self.connection.address);
        let request = seek_request(
            signer,
            channel,
            seek_position::Type::Specified(SeekSpecified { number }),
            &self.connection.binding,
        );
        let response = DeliverClient::new(self.connection.channel.clone())
            .deliver(tokio_stream::once(request))
            .await;
        one_block(
            &self.connection,
            &context,
            response,
            |answer| match answer.r#type {
                Some(deliver_response::Type::Block(b)) => Delivered::Block(b),
                Some(deliver_response::Type::Status(status)) => Delivered::Status(status),
                _ => Delivered::Other,
            },
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
        let context = format!("{} discovery {channel}", self.connection.address);
        let mut grpc = tonic::client::Grpc::new(self.connection.channel.clone());
        grpc.ready().await.map_err(|e| {
            let message = chain(&e);
            NetError::new(transport_code(&message), &context, message)
        })?;
        let codec =
            tonic::codec::ProstCodec::<discovery::SignedRequest, discovery::Response>::default();
        let answer = grpc
            .unary(
                tonic::Request::new(discovery::membership_request(
                    signer,
                    channel,
                    &self.connection.binding,
                )),
                discovery::discover_path(),
                codec,
            )
            .await;
        match answer {
            Ok(response) => discovery::members(&context, response.into_inner()),
            Err(status) => Err(self.connection.failure(&context, &status).await),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_client_certificate_is_told_apart_from_a_wrong_pin() {
        for (message, code) in [
            (
                "transport error: received fatal alert: CertificateRequired",
                NetErrorCode::ClientCertRequired,
            ),
            (
                "error trying to connect: received fatal alert: BadCertificate",
                NetErrorCode::ClientCertRequired,
            ),
            (
                "invalid peer certificate: UnknownIssuer",
                NetErrorCode::TlsPinMismatch,
            ),
            (
                "invalid peer certificate: NotValidForName",
                NetErrorCode::TlsPinMismatch,
            ),
            (
                "tcp connect error: Connection refused",
                NetErrorCode::Unreachable,
            ),
            ("operation timed out", NetErrorCode::Timeout),
        ] {
            assert_eq!(transport_code(message), code, "{message}");
        }
    }
}
