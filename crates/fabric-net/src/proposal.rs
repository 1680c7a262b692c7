//! Signed proposals for a chaincode call (system or user) as the `peer` CLI builds them, and
//! signed envelopes for the orderer.

use std::time::{SystemTime, UNIX_EPOCH};

use fabric_gateway::pb::common::{
    ChannelHeader, Envelope, Header, HeaderType, Payload, SignatureHeader,
};
use fabric_gateway::pb::protos::{
    chaincode_spec, ChaincodeHeaderExtension, ChaincodeId, ChaincodeInput, ChaincodeInvocationSpec,
    ChaincodeProposalPayload, ChaincodeSpec, Proposal, SignedProposal,
};
use prost::Message as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::Signer;

/// A signature header (creator, fresh nonce) and the transaction id derived from it.
pub(crate) struct Signing {
    /// `common.SignatureHeader{creator, nonce}`, encoded.
    pub(crate) signature_header: Vec<u8>,
    /// hex(SHA-256(nonce ‖ creator)).
    pub(crate) tx_id: String,
}

impl Signing {
    pub(crate) fn new(signer: &Signer) -> Signing {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let creator = signer.creator();
        let tx_id = hex::encode(
            Sha256::new()
                .chain_update(nonce)
                .chain_update(&creator)
                .finalize(),
        );
        Signing {
            signature_header: SignatureHeader {
                creator,
                nonce: nonce.to_vec(),
            }
            .encode_to_vec(),
            tx_id,
        }
    }
}

/// `common.ChannelHeader` of `kind` for `channel`, stamped now, encoded.
pub(crate) fn channel_header(
    kind: HeaderType,
    channel: &str,
    tx_id: &str,
    extension: Vec<u8>,
) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    ChannelHeader {
        r#type: kind as i32,
        version: 0,
        timestamp: Some(prost_types::Timestamp {
            seconds: i64::try_from(now.as_secs()).unwrap_or(i64::MAX),
            nanos: i32::try_from(now.subsec_nanos()).unwrap_or(0),
        }),
        channel_id: channel.to_owned(),
        tx_id: tx_id.to_owned(),
        epoch: 0,
        extension,
        tls_cert_hash: Vec::new(),
    }
    .encode_to_vec()
}

/// A signed envelope of `kind` on `channel` carrying `data` (a seek request, a config update).
pub(crate) fn envelope(
    signer: &Signer,
    kind: HeaderType,
    channel: &str,
    data: Vec<u8>,
) -> Envelope {
    let signing = Signing::new(signer);
    let payload = Payload {
        header: Some(Header {
            channel_header: channel_header(kind, channel, &signing.tx_id, Vec::new()),
            signature_header: signing.signature_header,
        }),
        data,
    }
    .encode_to_vec();
    let signature = signer.sign(&payload);
    Envelope { payload, signature }
}

/// A proposal ready to send, and its transaction id.
pub(crate) struct Signed {
    pub(crate) proposal: SignedProposal,
    pub(crate) tx_id: String,
}

/// Builds and signs a proposal that invokes `chaincode` on `channel` (empty for calls outside
/// a channel, such as JoinChain and InstallChaincode) with `args`.
pub(crate) fn chaincode_call(
    signer: &Signer,
    channel: &str,
    chaincode: &str,
    args: Vec<Vec<u8>>,
) -> Signed {
    let signing = Signing::new(signer);
    let chaincode_id = ChaincodeId {
        name: chaincode.to_owned(),
        ..ChaincodeId::default()
    };
    let extension = ChaincodeHeaderExtension {
        chaincode_id: Some(chaincode_id.clone()),
    }
    .encode_to_vec();
    let header = Header {
        channel_header: channel_header(
            HeaderType::EndorserTransaction,
            channel,
            &signing.tx_id,
            extension,
        ),
        signature_header: signing.signature_header,
    };
    let payload = ChaincodeProposalPayload {
        input: ChaincodeInvocationSpec {
            chaincode_spec: Some(ChaincodeSpec {
                r#type: chaincode_spec::Type::Golang as i32,
                chaincode_id: Some(chaincode_id),
                input: Some(ChaincodeInput {
                    args,
                    ..ChaincodeInput::default()
                }),
                timeout: 0,
            }),
        }
        .encode_to_vec(),
        transient_map: Default::default(),
    };
    let proposal_bytes = Proposal {
        header: header.encode_to_vec(),
        payload: payload.encode_to_vec(),
        extension: Vec::new(),
    }
    .encode_to_vec();
    let signature = signer.sign(&proposal_bytes);
    Signed {
        proposal: SignedProposal {
            proposal_bytes,
            signature,
        },
        tx_id: signing.tx_id,
    }
}
