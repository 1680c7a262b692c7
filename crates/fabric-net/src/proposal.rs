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

use crate::error::{NetError, NetErrorCode};
use crate::Signer;

/// What ties a signed message to the TLS connection it is sent on: SHA-256 of the DER of the
/// client certificate the connection presents (a channel header's `tls_cert_hash`, discovery's
/// `client_tls_cert_hash`), empty without one. Fabric refuses Deliver requests and discovery
/// queries whose hash is not that of the connection's certificate, so every message built for
/// a connection takes the connection's binding; only [`connect_channel`] makes one from a
/// certificate.
///
/// [`connect_channel`]: crate::peer::connect_channel
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlsBinding(Vec<u8>);

impl TlsBinding {
    /// For a message not sent on one connection (a config update is signed once and may be
    /// broadcast to any orderer; Broadcast does not check the binding), or a connection
    /// without a client certificate.
    pub(crate) const UNBOUND: TlsBinding = TlsBinding(Vec::new());

    /// The binding of a connection presenting `cert_pem` (its first certificate, the leaf).
    pub(crate) fn of_client_cert(cert_pem: &str) -> Result<TlsBinding, NetError> {
        const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
        const END: &str = "-----END CERTIFICATE-----";
        let invalid = || {
            NetError::new(
                NetErrorCode::InvalidInput,
                "client TLS certificate",
                "not a PEM certificate",
            )
        };
        let start = cert_pem.find(BEGIN).ok_or_else(invalid)?;
        let end = cert_pem[start..]
            .find(END)
            .map(|i| start + i + END.len())
            .ok_or_else(invalid)?;
        let (_, der) = p256::pkcs8::der::pem::decode_vec(&cert_pem.as_bytes()[start..end])
            .map_err(|_| invalid())?;
        Ok(TlsBinding(Sha256::digest(der).to_vec()))
    }

    /// The hash (empty when unbound).
    pub(crate) fn hash(&self) -> &[u8] {
        &self.0
    }
}

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

/// `common.ChannelHeader` of `kind` for `channel`, stamped now, bound to the connection by
/// `binding`, encoded.
pub(crate) fn channel_header(
    kind: HeaderType,
    channel: &str,
    tx_id: &str,
    extension: Vec<u8>,
    binding: &TlsBinding,
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
        tls_cert_hash: binding.hash().to_vec(),
    }
    .encode_to_vec()
}

/// A signed envelope of `kind` on `channel` carrying `data` (a seek request, a config update),
/// bound by `binding`.
pub(crate) fn envelope(
    signer: &Signer,
    kind: HeaderType,
    channel: &str,
    data: Vec<u8>,
    binding: &TlsBinding,
) -> Envelope {
    let signing = Signing::new(signer);
    let payload = Payload {
        header: Some(Header {
            channel_header: channel_header(kind, channel, &signing.tx_id, Vec::new(), binding),
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
/// a channel, such as JoinChain and InstallChaincode) with `args`, bound by `binding`.
pub(crate) fn chaincode_call(
    signer: &Signer,
    channel: &str,
    chaincode: &str,
    args: Vec<Vec<u8>>,
    binding: &TlsBinding,
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
            binding,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::pkcs8::der::pem::{encode_string, LineEnding};
    use p256::pkcs8::{EncodePrivateKey as _, LineEnding as KeyLineEnding};

    fn signer() -> Signer {
        let key = p256::ecdsa::SigningKey::from_slice(&[0x42; 32]).unwrap();
        let pem = key.to_pkcs8_pem(KeyLineEnding::LF).unwrap();
        Signer::new(
            "org1msp",
            "-----BEGIN CERTIFICATE-----\nx\n",
            &fabric_ha_sensitive::Sensitive::new(pem.as_str().to_owned()),
        )
        .unwrap()
    }

    fn tls_cert_hash(header: &Header) -> Vec<u8> {
        ChannelHeader::decode(header.channel_header.as_slice())
            .unwrap()
            .tls_cert_hash
    }

    fn envelope_hash(sealed: &Envelope) -> Vec<u8> {
        let payload = Payload::decode(sealed.payload.as_slice()).unwrap();
        tls_cert_hash(&payload.header.unwrap())
    }

    #[test]
    fn the_binding_is_the_sha256_of_the_leaf_certificate_der() {
        let leaf = encode_string("CERTIFICATE", LineEnding::LF, b"leaf der").unwrap();
        let issuer = encode_string("CERTIFICATE", LineEnding::LF, b"issuer der").unwrap();
        let binding = TlsBinding::of_client_cert(&format!("subject=x\n{leaf}{issuer}")).unwrap();
        assert_eq!(binding.hash(), Sha256::digest(b"leaf der").as_slice());
        assert!(TlsBinding::UNBOUND.hash().is_empty());
        for bad in [
            "no pem here".to_owned(),
            "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n".to_owned(),
            "-----BEGIN CERTIFICATE-----\nAAAA\n".to_owned(),
        ] {
            let err = TlsBinding::of_client_cert(&bad).unwrap_err();
            assert_eq!(err.code, NetErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn proposals_and_envelopes_carry_the_binding() {
        let pem = encode_string("CERTIFICATE", LineEnding::LF, b"client der").unwrap();
        let binding = TlsBinding::of_client_cert(&pem).unwrap();
        let signer = signer();
        let signed = chaincode_call(
            &signer,
            "ch",
            "qscc",
            vec![b"GetChainInfo".to_vec()],
            &binding,
        );
        let proposal = Proposal::decode(signed.proposal.proposal_bytes.as_slice()).unwrap();
        let header = Header::decode(proposal.header.as_slice()).unwrap();
        assert_eq!(
            tls_cert_hash(&header),
            Sha256::digest(b"client der").as_slice()
        );
        let sealed = envelope(
            &signer,
            HeaderType::DeliverSeekInfo,
            "ch",
            Vec::new(),
            &binding,
        );
        assert_eq!(envelope_hash(&sealed), binding.hash());
        let unbound = envelope(
            &signer,
            HeaderType::ConfigUpdate,
            "ch",
            Vec::new(),
            &TlsBinding::UNBOUND,
        );
        assert!(envelope_hash(&unbound).is_empty());
    }
}
