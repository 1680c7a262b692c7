//! The client against a real `fabric-ca-server` started from the Fabric release binaries
//! (`FABRIC_BIN`, `FABRIC_CFG_PATH`; without them each test prints one skip line and passes,
//! with `FABRIC_HA_REQUIRE_FABRIC=1` it fails instead): the same scenarios `against_test_ca.rs`
//! runs against the CA test server, each on a server of its own that is stopped at the end,
//! its process gone.

#![allow(clippy::unwrap_used, missing_docs)]

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

against_real_ca!(
    cainfo_reports_both_cas_and_their_roots,
    the_bootstrap_admin_enrolls_at_both_cas,
    without_a_ca_name_the_default_ca_answers,
    registers_and_enrolls_every_node_ou_type_through_both_routes,
    the_tls_ca_issues_tls_certificates_under_its_own_root,
    a_wrong_secret_is_an_authentication_failure,
    a_duplicate_registration_is_already_registered,
    enrolling_past_max_enrollments_is_refused,
    a_registrar_without_the_role_gets_an_authorization_failure,
    an_unknown_ca_name_is_404_code_19,
    tls_is_pinned,
    the_token_is_checked_as_fabric_ca_checks_it,
    requests_are_checked_in_fabric_cas_order,
);
