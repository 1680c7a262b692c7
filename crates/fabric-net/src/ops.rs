//! The procedures built from the calls, shared by the one-at-a-time commands and the HA plan:
//! waiting for a peer to catch up on a channel, the orderers a channel's configuration names,
//! and one anchor-peer config update (read, compute, sign, broadcast, wait for the new block).

use std::time::Duration;

use fabric_gateway::pb::common::Status;
use tokio::time::Instant;

use crate::config::{self, Config};
use crate::error::{NetError, NetErrorCode};
use crate::orderer::OrdererClient;
use crate::peer::{PeerClient, PeerEndpoint};
use crate::Signer;

/// How often a catch-up or a new config block is looked for: soon at first, then less often.
const POLL_FIRST: Duration = Duration::from_millis(10);
const POLL_MAX: Duration = Duration::from_millis(50);

fn next_poll(poll: Duration) -> Duration {
    (poll * 2).min(POLL_MAX)
}

/// `common.Status` as people read it: `SUCCESS (200)`.
pub fn status_name(status: i32) -> String {
    Status::try_from(status).map_or_else(
        |_| status.to_string(),
        |s| format!("{} ({status})", s.as_str_name()),
    )
}

/// Polls `client`'s height on `channel` until it reaches `target` or `deadline` passes,
/// telling `progress` each height read (`0` while the ledger does not exist yet, which is the
/// case for a moment right after a join); returns the last height.
pub async fn wait_for_height(
    client: &PeerClient,
    signer: &Signer,
    channel: &str,
    target: u64,
    deadline: Instant,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, NetError> {
    let mut last = None;
    let mut poll = POLL_FIRST;
    loop {
        let height = match client.chain_info(signer, channel).await {
            Ok(info) => info.height,
            Err(e) if e.code == NetErrorCode::ChannelNotFound => 0,
            Err(e) => return Err(e),
        };
        if last != Some(height) {
            progress(height);
            last = Some(height);
        }
        if height >= target || Instant::now() >= deadline {
            return Ok(height);
        }
        tokio::time::sleep(poll).await;
        poll = next_poll(poll);
    }
}

/// The orderer endpoints a channel configuration names (each orderer organization's
/// addresses, TLS pinned to its TLS roots).
pub fn orderer_endpoints(config: &Config) -> Result<Vec<PeerEndpoint>, NetError> {
    Ok(config::orderer_orgs(config)?
        .into_iter()
        .flat_map(|org| {
            org.addresses.into_iter().map(move |address| PeerEndpoint {
                api_url: format!("grpcs://{address}"),
                tls_root_pems: org.tls_root_pems.clone(),
                client_tls: None,
            })
        })
        .collect())
}

/// What one anchor-peer update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorUpdate {
    /// The orderer read and (if needed) sent to, `host:port`.
    pub orderer: String,
    /// The config block the update was computed from.
    pub from_block: u64,
    /// The organization's anchor peers before.
    pub before: Vec<(String, u16)>,
    /// The ones added (empty: all were there, nothing was sent).
    pub added: Vec<(String, u16)>,
    /// The organization's anchor peers afterwards (as sent).
    pub after: Vec<(String, u16)>,
    /// The orderer's answer to the broadcast, when one was sent.
    pub status: Option<i32>,
    /// The orderer's info text (why it refused).
    pub info: String,
    /// The new config block's number, once the orderer has cut it (within the wait).
    pub config_block: Option<u64>,
}

impl AnchorUpdate {
    /// A config update was sent and the orderer accepted it.
    pub fn accepted(&self) -> bool {
        self.status == Some(Status::Success as i32)
    }

    /// A config update was sent and the orderer refused it.
    pub fn refused(&self) -> bool {
        self.status.is_some() && !self.accepted()
    }
}

/// The first of `orderers` that gives the channel's last config block, with its number and
/// configuration; the first error when none does.
pub async fn orderer_config(
    orderers: &[PeerEndpoint],
    signer: &Signer,
    channel: &str,
    timeout: Duration,
) -> Result<(OrdererClient, u64, Config), NetError> {
    let mut first_error = None;
    for endpoint in orderers {
        let read = async {
            let client = OrdererClient::connect(endpoint, timeout).await?;
            let block = client.config_block(signer, channel).await?;
            let number = block.header.as_ref().map_or(0, |h| h.number);
            let config = config::config_from_block(&block)?;
            Ok::<_, NetError>((client, number, config))
        };
        match read.await {
            Ok(found) => return Ok(found),
            Err(e) => {
                tracing::warn!(orderer = %endpoint.api_url, error = %e, "orderer not used");
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        NetError::new(
            NetErrorCode::InvalidInput,
            format!("Deliver {channel}"),
            "no orderer address to ask",
        )
    }))
}

/// Adds `add` to `msp_id`'s anchor peers on `channel`, keeping those there: the config is read
/// from the first orderer that answers, the update computed as `configtxlator compute_update`
/// does, signed by `signer` (the organization's admin) and broadcast; then the new config block
/// is waited for (at most `wait`), so that a caller that records the outcome afterwards never
/// sees the old configuration again. Nothing is sent when every peer of `add` is there.
pub async fn add_anchor_peers(
    orderers: &[PeerEndpoint],
    signer: &Signer,
    channel: &str,
    msp_id: &str,
    add: &[(String, u16)],
    timeout: Duration,
    wait: Duration,
) -> Result<AnchorUpdate, NetError> {
    let (client, from_block, current) = orderer_config(orderers, signer, channel, timeout).await?;
    let before = config::anchor_peers(&current, msp_id)?;
    let mut update = AnchorUpdate {
        orderer: client.address().to_owned(),
        from_block,
        added: add
            .iter()
            .filter(|a| !before.contains(a))
            .cloned()
            .collect(),
        after: before.clone(),
        before,
        status: None,
        info: String::new(),
        config_block: None,
    };
    let Some(updated) = config::with_anchor_peers(&current, msp_id, add)? else {
        return Ok(update);
    };
    let Some(config_update) = config::compute_update(&current, &updated, channel) else {
        return Ok(update);
    };
    let outcome = client
        .broadcast(config::signed_update_envelope(signer, &config_update))
        .await?;
    update.status = Some(outcome.status);
    update.info = outcome.info;
    if !update.accepted() {
        return Ok(update);
    }
    tracing::info!(channel, msp_id, orderer = %client.address(), added = ?update.added, "anchor peers updated");
    update.after = config::anchor_peers(&updated, msp_id)?;
    let deadline = Instant::now() + wait;
    let mut poll = POLL_FIRST;
    while Instant::now() < deadline {
        if let Ok(block) = client.config_block(signer, channel).await {
            let number = block.header.as_ref().map_or(0, |h| h.number);
            if number > from_block {
                update.config_block = Some(number);
                break;
            }
        }
        tokio::time::sleep(poll).await;
        poll = next_poll(poll);
    }
    Ok(update)
}

/// Block 0 of a channel, to join a peer with, and where it came from (`host:port`).
#[derive(Debug, Clone)]
pub struct GenesisBlock {
    /// The serialized `common.Block`.
    pub bytes: Vec<u8>,
    /// The peer or orderer that gave it.
    pub from: String,
}

/// Block 0 of `channel` from `peer` (`qscc GetBlockByNumber`), or, when the peer cannot give it
/// (a peer that joined from a ledger snapshot holds no block before the snapshot), from the
/// first orderer of the channel's configuration (read from the same peer) that delivers it —
/// what `peer channel fetch 0` does. The peer's own error is returned when no orderer gives it
/// either; a peer that is unreachable or has not joined the channel is not worked around.
pub async fn genesis_block(
    peer: &PeerClient,
    signer: &Signer,
    channel: &str,
    timeout: Duration,
) -> Result<GenesisBlock, NetError> {
    let refused = match peer.block(signer, channel, 0).await {
        Ok(bytes) => {
            return Ok(GenesisBlock {
                bytes,
                from: peer.address().to_owned(),
            })
        }
        Err(e)
            if matches!(
                e.code,
                NetErrorCode::Refused | NetErrorCode::InvalidResponse
            ) =>
        {
            e
        }
        Err(e) => return Err(e),
    };
    let from_orderers = async {
        let config = peer.channel_config(signer, channel).await?;
        let mut first_error = None;
        for endpoint in orderer_endpoints(&config)? {
            let read = async {
                let client = OrdererClient::connect(&endpoint, timeout).await?;
                let block = client.block(signer, channel, 0).await?;
                Ok::<_, NetError>(GenesisBlock {
                    bytes: prost::Message::encode_to_vec(&block),
                    from: client.address().to_owned(),
                })
            };
            match read.await {
                Ok(found) => return Ok(found),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| {
            NetError::new(
                NetErrorCode::InvalidInput,
                format!("Deliver {channel}"),
                "the channel configuration names no orderer",
            )
        }))
    };
    match from_orderers.await {
        Ok(found) => {
            tracing::info!(peer = %peer.address(), orderer = %found.from, channel, reason = %refused, "block 0 from an orderer");
            Ok(found)
        }
        Err(e) => {
            tracing::warn!(peer = %peer.address(), channel, error = %e, "no orderer gave block 0 either");
            Err(refused)
        }
    }
}
