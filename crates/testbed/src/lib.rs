//! Test servers that stand in for the remote services Fabric HA Desktop talks to.
//!
//! [`console`] is an in-memory Fabric Operations Console REST API (the `/ak/api/v3` automation
//! routes): API keys and roles, the console's validation messages, derived ids, rate limits, a
//! peer deploy life cycle, TLS with a generated CA, and injected faults.

pub mod console;
mod net;
mod tls;
