//! REST client for the Fabric Operations Console / IBM Blockchain Platform console, the
//! automation routes under `/ak/api/v3` (reference `console-api.md` §1-§3, §8, §9).
//!
//! - [`ConsoleClient`] built from a [`ConsoleEndpoint`] (URL, API key and secret, optional
//!   console CA certificate) and [`ClientOptions`] (timeouts, retries).
//! - Components: list, get, import (CA, MSP, peer, ordering node), edit, delete, status;
//!   create a peer ([`CreatePeerBody`]); Fabric versions; API keys; public settings;
//!   [`ConsoleClient::test_connection`].
//! - Every failure is a [`ConsoleError`] with a stable [`ConsoleError::code`] and a
//!   [`ConsoleError::fix`]; the console's own messages are kept verbatim.
//! - [`find_existing`]: the console never refuses a duplicate import, so look first.
//! - [`certificate_differences`]: whether a console's record of a component still carries the
//!   component's certificates, and [`certificate_update`]: the edit that makes it so.
//!
//! TLS is always verified (public web roots plus the console's CA when given), with the
//! `ring` provider. HTTP 207 and 222 are successes. 429 waits for `Retry-After`; 502, 503,
//! 504 and connection resets are retried with backoff only for requests that are safe to
//! repeat, never for a POST that creates. Secrets are [`fabric_ha_sensitive::Sensitive`] and
//! never reach `Debug` output or the request log.

mod check;
mod client;
mod compare;
mod create;
mod dedupe;
mod error;
mod iam;
mod models;
mod retry;
mod tls;
pub mod waits;

pub use check::{ConnectionReport, Verdict};
pub use client::{ClientOptions, ConsoleAuth, ConsoleClient, ConsoleEndpoint};
pub use compare::{
    certificate_differences, certificate_update, component_differences, CertField, NotEditable,
};
pub use create::{
    Amounts, CaChain, CaEnrollment, ComponentAdmins, CreateCaBody, CreatePeerBody,
    EnrollmentCrypto, Hsm, MspComponent, MspCrypto, PeerCrypto, PeerResources, PeerStorage,
    Resource, StateDb, TlsCaEnrollment, Volume,
};
pub use dedupe::{find_all_existing, find_existing};
pub use error::ConsoleError;
pub use iam::IBM_CLOUD_IAM_TOKEN_URL;
pub use models::{
    ApiKeyInfo, ApiRole, Component, ComponentMsp, ComponentQuery, ComponentStatus, ComponentType,
    Deleted, FabricVersion, FabricVersions, FeatureFlags, Health, MspCaRef, MspComponentCerts,
    NewApiKey, NodeOu, PublicSettings,
};
