//! A Fabric CA REST client (reference `console-api.md` §5): `cainfo`, enroll, reenroll, register
//! and identities, for every CA name a server hosts (`?ca=ca`, `?ca=tlsca`), or for its default CA
//! with no name sent (`None`; a standalone `fabric-ca-server` names that CA after `ca.name`
//! and refuses any other name with 404 code 19 "CA '<name>' does not exist").
//!
//! - **Enroll** makes a P-256 key in this process and sends only a PKCS#10 request with
//!   `CN=<enroll id>` (the CA requires it) and the hosts as subject alternative names; the key
//!   comes back wrapped in [`Sensitive`](fabric_ha_sensitive::Sensitive).
//! - **Register, identities and reenroll** are authenticated by the Fabric CA token ([`token`]): an
//!   ECDSA-SHA256, low-S, DER signature over the method, the exact request URI, the exact body
//!   and the caller's certificate.
//! - **TLS** is pinned to the CA's own TLS certificate or a `cainfo` chain ([`TlsPin`]); there
//!   is no way to turn verification off.
//! - **Errors** carry the CA's code and message verbatim ([`CaError::Ca`], [`CaErrorKind`]).
//!
//! ```no_run
//! # async fn demo(tls_cert: &str) -> Result<(), fabric_ha_fabric_ca::CaError> {
//! use fabric_ha_fabric_ca::{
//!     ClientOptions, EnrollRequest, FabricCaClient, RegisterRoute, RegistrationRequest, TlsPin,
//! };
//! use fabric_ha_sensitive::Sensitive;
//!
//! let pin = TlsPin::from_pem(tls_cert)?; // msp.component.tls_cert of the CA artifact
//! let ca = FabricCaClient::new("https://ca.example.com:7054", &pin, ClientOptions::default())?;
//! let admin = ca
//!     .enroll(&EnrollRequest::new("ca", "admin", Sensitive::from("adminpw")))
//!     .await?;
//! let registrar = admin.identity()?;
//! let secret = ca
//!     .register(&registrar, &RegistrationRequest::new("ca", "peer2", "peer"), RegisterRoute::Identities)
//!     .await?;
//! let peer = ca.enroll(&EnrollRequest::new("ca", "peer2", secret)).await?;
//! # let _ = peer; Ok(()) }
//! ```

mod client;
mod error;
mod identity;
mod tls;
pub mod token;

pub use client::{
    Attribute, AttributeRequest, CaInfo, ClientOptions, EnrollRequest, Enrollment, FabricCaClient,
    IdentityInfo, ReenrollRequest, RegisterRoute, RegistrationRequest,
};
pub use error::{CaError, CaErrorKind};
pub use identity::CaIdentity;
pub use tls::{pinned_verifier, TlsPin};
