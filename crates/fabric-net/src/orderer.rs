//! One orderer: `Deliver` (a block by number, the newest, the last config block) and
//! `Broadcast` (a signed config update).

use std::time::Duration;

use fabric_gateway::pb::common::{
    Block, BlockMetadataIndex, Envelope, HeaderType, LastConfig, Metadata, OrdererBlockMetadata,
    Status,
};
use fabric_gateway::pb::orderer::atomic_broadcast_client::AtomicBroadcastClient;
use fabric_gateway::pb::orderer::{
    deliver_response, seek_info, seek_position, SeekInfo, SeekNewest, SeekPosition, SeekSpecified,
};
use prost::Message as _;
use tonic::transport::Channel;

use crate::error::{NetError, NetErrorCode};
use crate::ops::status_name;
use crate::peer::{connect_channel, status_error, Connection, PeerEndpoint};
use crate::proposal::{envelope, TlsBinding};
use crate::Signer;

/// Where an orderer is: its `api_url` (`grpcs://host:port`) and TLS roots, as in its console
/// record (the same shape as a peer's).
pub type OrdererEndpoint = PeerEndpoint;

/// A connection to one orderer's atomic broadcast service.
#[derive(Debug, Clone)]
pub struct OrdererClient {
    service: AtomicBroadcastClient<Channel>,
    connection: Connection,
}

/// What the orderer said to a broadcast: its status and info text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastOutcome {
    /// `common.Status` (200 = SUCCESS).
    pub status: i32,
    /// The orderer's info text (why it refused).
    pub info: String,
}

impl OrdererClient {
    /// Connects (TLS pinned to the endpoint's roots), failing within `timeout`.
    pub async fn connect(
        endpoint: &OrdererEndpoint,
        timeout: Duration,
    ) -> Result<OrdererClient, NetError> {
        let connection = connect_channel(endpoint, timeout, &Default::default()).await?;
        Ok(OrdererClient {
            service: AtomicBroadcastClient::new(connection.channel.clone()),
            connection,
        })
    }

    /// `host:port`.
    pub fn address(&self) -> &str {
        &self.connection.address
    }

    async fn deliver(
        &self,
        signer: &Signer,
        channel: &str,
        position: seek_position::Type,
    ) -> Result<Block, NetError> {
        let context = format!("{} Deliver {channel}", self.connection.address);
        let request = seek_request(signer, channel, position, &self.connection.binding);
        let response = self
            .service
            .clone()
            .deliver(tokio_stream::once(request))
            .await;
        one_block(
            &self.connection,
            &context,
            response,
            |answer| match answer.r#type {
                Some(deliver_response::Type::Block(b)) => Delivered::Block(b),
                Some(deliver_response::Type::Status(status)) => Delivered::Status(status),
                None => Delivered::Other,
            },
        )
        .await
    }

    /// Block `number` of `channel`.
    pub async fn block(
        &self,
        signer: &Signer,
        channel: &str,
        number: u64,
    ) -> Result<Block, NetError> {
        self.deliver(
            signer,
            channel,
            seek_position::Type::Specified(SeekSpecified { number }),
        )
        .await
    }

    /// The newest block of `channel`.
    pub async fn newest_block(&self, signer: &Signer, channel: &str) -> Result<Block, NetError> {
        self.deliver(signer, channel, seek_position::Type::Newest(SeekNewest {}))
            .await
    }

    /// The channel's last config block: the newest block's last-config index (in the
    /// `SIGNATURES` metadata's `OrdererBlockMetadata`, else the deprecated `LAST_CONFIG` entry),
    /// then that block.
    pub async fn config_block(&self, signer: &Signer, channel: &str) -> Result<Block, NetError> {
        let newest = self.newest_block(signer, channel).await?;
        let index = last_config_index(&newest).ok_or_else(|| {
            NetError::new(
                NetErrorCode::InvalidResponse,
                format!("{} {channel}", self.connection.address),
                "the newest block names no last config block",
            )
        })?;
        if newest.header.as_ref().map(|h| h.number) == Some(index) {
            return Ok(newest);
        }
        self.block(signer, channel, index).await
    }

    /// `Broadcast` of one envelope; the orderer's status and info come back as they are (a
    /// refusal is not an error here: the caller decides).
    pub async fn broadcast(&self, envelope: Envelope) -> Result<BroadcastOutcome, NetError> {
        let context = format!("{} Broadcast", self.connection.address);
        let mut stream = match self
            .service
            .clone()
            .broadcast(tokio_stream::once(envelope))
            .await
        {
            Ok(response) => response.into_inner(),
            Err(status) => return Err(self.connection.failure(&context, &status).await),
        };
        let answer = stream
            .message()
            .await
            .map_err(|s| status_error(&context, &s))?
            .ok_or_else(|| {
                NetError::new(
                    NetErrorCode::InvalidResponse,
                    &context,
                    "no broadcast response",
                )
            })?;
        Ok(BroadcastOutcome {
            status: answer.status,
            info: answer.info,
        })
    }
}

/// A signed `DELIVER_SEEK_INFO` envelope asking for the one block at `position` of `channel`,
/// failing rather than waiting when it does not exist yet, bound by `binding`.
pub(crate) fn seek_request(
    signer: &Signer,
    channel: &str,
    position: seek_position::Type,
    binding: &TlsBinding,
) -> Envelope {
    let seek = SeekPosition {
        r#type: Some(position),
    };
    let info = SeekInfo {
        start: Some(seek),
        stop: Some(seek),
        behavior: seek_info::SeekBehavior::FailIfNotReady as i32,
        error_response: 0,
        content_type: 0,
    };
    envelope(
        signer,
        HeaderType::DeliverSeekInfo,
        channel,
        info.encode_to_vec(),
        binding,
    )
}

/// One message of a Deliver stream (the orderer's and the peer's have their own types).
pub(crate) enum Delivered {
    /// A block.
    Block(Block),
    /// The closing `common.Status`.
    Status(i32),
    /// Anything else (filtered blocks, private data), not asked for here.
    Other,
}

/// Reads the answer to a Deliver call (a peer's or an orderer's, made on `connection`) to its
/// closing status: the block it delivered, or the call's failure or the status as a typed error
/// (a refused binding to the TLS connection is `BAD_REQUEST`).
pub(crate) async fn one_block<T>(
    connection: &Connection,
    context: &str,
    response: Result<tonic::Response<tonic::Streaming<T>>, tonic::Status>,
    read: impl Fn(T) -> Delivered,
) -> Result<Block, NetError> {
    let mut stream = match response {
        Ok(response) => response.into_inner(),
        Err(status) => return Err(connection.failure(context, &status).await),
    };
    let mut block = None;
    while let Some(answer) = stream
        .message()
        .await
        .map_err(|s| status_error(context, &s))?
    {
        match read(answer) {
            Delivered::Block(b) => block = Some(b),
            Delivered::Status(status) => {
                if status == Status::Success as i32 {
                    break;
                }
                let code = if status == Status::NotFound as i32 {
                    NetErrorCode::ChannelNotFound
                } else if status == Status::Forbidden as i32 {
                    NetErrorCode::NotAnAdmin
                } else {
                    NetErrorCode::Refused
                };
                return Err(NetError::new(
                    code,
                    context,
                    format!("status {}", status_name(status)),
                ));
            }
            Delivered::Other => {}
        }
    }
    block.ok_or_else(|| {
        NetError::new(
            NetErrorCode::InvalidResponse,
            context,
            "no block before SUCCESS",
        )
    })
}

/// The last config block's number a block's metadata names.
pub fn last_config_index(block: &Block) -> Option<u64> {
    let metadata = &block.metadata.as_ref()?.metadata;
    let signatures = metadata.get(BlockMetadataIndex::Signatures as usize)?;
    if let Ok(meta) = Metadata::decode(signatures.as_slice()) {
        if let Ok(orderer) = OrdererBlockMetadata::decode(meta.value.as_slice()) {
            if let Some(last) = orderer.last_config {
                return Some(last.index);
            }
        }
    }
    let legacy = metadata.get(BlockMetadataIndex::LastConfig as usize)?;
    let meta = Metadata::decode(legacy.as_slice()).ok()?;
    LastConfig::decode(meta.value.as_slice())
        .ok()
        .map(|l| l.index)
}
