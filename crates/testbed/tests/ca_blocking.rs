//! The test CA without an async runtime of the caller's own.

#![allow(clippy::unwrap_used, missing_docs)]

use fabric_ha_testbed::ca::{TestCa, TestCaConfig};

#[test]
fn blocking_start_serves_both_cas_and_stops() {
    let ca = TestCa::start_blocking(TestCaConfig::default()).unwrap();
    assert!(ca.url().starts_with("https://127.0.0.1:"));
    assert!(ca.tls_cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(ca.ca_root_pem("ca").is_some());
    assert!(ca.ca_root_pem("tlsca").is_some());
    assert!(ca.ca_root_pem("other").is_none());
    assert_eq!(ca.enrollment_count("admin"), Some(0));
    assert!(ca.rejections().is_empty());
    ca.shutdown_blocking();
}
