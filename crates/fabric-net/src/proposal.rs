//! Signed proposals for a chaincode call (system or user), as the `peer` CLI builds them.

use std::time::{SystemTime, UNIX_EPOCH};

use fabric_gateway::pb::common::{ChannelHeader, Header, HeaderType, SignatureHeader};
use fabric_gateway::pb::protos::{
    chaincode_spec, ChaincodeHeaderExtension, ChaincodeId, ChaincodeInput, ChaincodeInvocationSpec,
    ChaincodeProposalPayload, ChaincodeSpec, Proposal, SignedProposal,
};
use prost::Message as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::Signer;

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
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut nonce);
    let creator = signer.creator();
    let tx_id = hex::encode(
        Sha256::new()
            .chain_update(nonce)
            .chain_update(&creator)
            .finalize(),
    );
    let chaincode_id = ChaincodeId {
        name: chaincode.to_owned(),
        ..ChaincodeId::default()
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let channel_header = ChannelHeader {
        r#type: HeaderType::EndorserTransaction as i32,
        version: 0,
        timestamp: Some(prost_types::Timestamp {
            seconds: i64::try_from(now.as_secs()).unwrap_or(i64::MAX),
            nanos: i32::try_from(now.subsec_nanos()).unwrap_or(0),
        }),
        channel_id: channel.to_owned(),
        tx_id: tx_id.clone(),
        epoch: 0,
        extension: ChaincodeHeaderExtension {
            chaincode_id: Some(chaincode_id.clone()),
        }
        .encode_to_vec(),
        tls_cert_hash: Vec::new(),
    };
    let header = Header {
        channel_header: channel_header.encode_to_vec(),
        signature_header: SignatureHeader {
            creator,
            nonce: nonce.to_vec(),
        }
        .encode_to_vec(),
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
        tx_id,
    }
}
