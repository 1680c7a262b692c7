//! A throw-away PKI for the test servers: one self-signed CA and a server leaf for the loopback
//! names, so clients can verify TLS against `ca_pem` instead of disabling verification.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// The generated trust anchor and an acceptor that presents the leaf signed by it.
pub(crate) struct ServerTls {
    pub(crate) ca_pem: String,
    pub(crate) acceptor: TlsAcceptor,
}

fn pki_error(err: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("test PKI: {err}"))
}

/// The parameters of a `CA:TRUE` certificate for `names`, with `common_name` and `key_usages`.
fn ca_params(
    names: Vec<String>,
    common_name: String,
    key_usages: Vec<KeyUsagePurpose>,
) -> io::Result<CertificateParams> {
    let mut params = CertificateParams::new(names).map_err(pki_error)?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.key_usages = key_usages;
    Ok(params)
}

/// Builds a fresh CA and a leaf for `localhost` and `127.0.0.1`; `label` names both in their
/// subjects so a failing handshake in a log says which test server it came from.
pub(crate) fn generate(label: &str) -> io::Result<ServerTls> {
    let ca_key = KeyPair::generate().map_err(pki_error)?;
    let ca_params = ca_params(
        Vec::new(),
        format!("{label} test CA"),
        vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ],
    )?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(pki_error)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(pki_error)?;
    let mut leaf_params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .map_err(pki_error)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, format!("{label} test server"));
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(pki_error)?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    Ok(ServerTls {
        ca_pem: ca_cert.pem(),
        acceptor: acceptor(chain, key)?,
    })
}

/// One self-signed certificate that is both the server's and its own issuer, with `CA:TRUE`
/// (what `openssl req -x509` makes by default), for `<label>.console.invalid` only: a client
/// reaching the server at its loopback address can trust it only by pinning it exactly.
pub(crate) fn generate_self_signed(label: &str) -> io::Result<ServerTls> {
    let key = KeyPair::generate().map_err(pki_error)?;
    let host: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut params = ca_params(
        vec![format!("{host}.console.invalid")],
        format!("{label} self-signed console"),
        vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ],
    )?;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.self_signed(&key).map_err(pki_error)?;
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok(ServerTls {
        ca_pem: cert.pem(),
        acceptor: acceptor(vec![cert.der().clone()], der)?,
    })
}

/// An acceptor presenting `chain` (leaf first) with `key`, over the `ring` provider.
pub(crate) fn acceptor(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> io::Result<TlsAcceptor> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(pki_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(pki_error)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A self-signed X.509 v3 certificate for `common_name`, as base64 of its PEM: stands in for
/// the certificates a deployer would enroll for a new node.
pub(crate) fn throwaway_cert_b64(common_name: &str) -> io::Result<String> {
    use base64::Engine as _;
    let key = KeyPair::generate().map_err(pki_error)?;
    let mut params = CertificateParams::new(vec![common_name.to_owned()]).map_err(pki_error)?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    let cert = params.self_signed(&key).map_err(pki_error)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(cert.pem()))
}
