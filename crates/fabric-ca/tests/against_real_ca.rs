//! The client against a real `fabric-ca-server` started from the Fabric release binaries
//! (`FABRIC_BIN`, `FABRIC_CFG_PATH`; without them each test prints one skip line and passes,
//! with `FABRIC_HA_REQUIRE_FABRIC=1` it fails instead): the same scenarios `against_test_ca.rs`
//! runs against the CA test server, each on a server of its own that is stopped at the end,
//! its process gone.

#![allow(clippy::unwrap_used, missing_docs)]

#[macro_use]
mod common;

use common::Server;

/// One `#[tokio::test]` per scenario, each on a fresh `fabric-ca-server`.
macro_rules! against_real_ca {
    ($($scenario:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $scenario() {
            let test = concat!("against_real_ca::", stringify!($scenario));
            let Some(server) = Server::real(test).await else {
                return;
            };
            common::$scenario(&server).await;
            server.stop().await;
        }
    )*};
}

every_scenario!(against_real_ca);
