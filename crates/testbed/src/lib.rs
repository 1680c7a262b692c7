//! Test servers that stand in for the remote services Fabric HA Desktop talks to.
//!
//! [`console`] is an in-memory Fabric Operations Console REST API (the `/ak/api/v3` automation
//! routes): API keys and roles, the console's validation messages, derived ids, rate limits, a
//! peer deploy life cycle, TLS with a generated CA, and injected faults.
//!
//! [`ca`] is an in-memory Fabric CA server with two CA names (`ca` and `tlsca`) on one TLS
//! endpoint: `cainfo`, enroll, register and identities, real P-256 X.509 v3 certificates with
//! Fabric's Node OU and attribute extension, and token checks as strict as Fabric CA's.
//!
//! [`iam`] is an IBM Cloud IAM token service: API keys exchanged for access tokens, which a
//! test console with `AUTH_SCHEME` `iam` takes.
//!
//! [`sandbox`] builds a whole HA starting point on real Fabric (consoles with a real deployer,
//! the organization in region 1, an ordering service, a channel and a chaincode), whose
//! regions stop and start as a region outage would; [`control`] lets another process do that
//! through a Unix domain socket.

pub mod ca;
pub mod console;
#[cfg(unix)]
pub mod control;
pub mod iam;
mod net;
pub mod sandbox;
mod tls;
