//! `fabric-ha certs` as a user runs it: a peer whose enrollment certificate ends in ten days,
//! in the library and in a test console, is flagged by `--expiring 30d`, with what to do.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::path::Path;
use std::process::Output;

use fabric_ha_artifacts::testdata::{issue, Key, Pki, Spec};
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::Value;
use support::{command, text};

fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    let out = command(data_dir, args).output().unwrap();
    eprintln!("$ fabric-ha {}\n{}", args.join(" "), text(&out));
    out
}

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_peer_enrollment_certificate_ending_in_ten_days_is_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let pki = Pki::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = i64::try_from(now).unwrap();
    let ecert = issue(
        &Spec::leaf("peer1", Some("peer"), 90).valid(now - 86_400, now + 10 * 86_400 + 3_600),
        Key::p256("peer1-ecert-10-days"),
        Some(&pki.ca_root),
    );
    let mut peer = pki.peer_v3();
    peer["msp"]["component"]["ecert"] = Value::String(ecert.b64());
    // Nothing listens there: the handshake is a problem reported, not a failure.
    peer["api_url"] = Value::String("grpcs://127.0.0.1:1".to_owned());
    let file = tmp.path().join("Org1 Peer 1_peer.json");
    std::fs::write(&file, peer.to_string()).unwrap();

    let out = fabric_ha(
        &ws,
        &["artifact", "import", file.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", text(&out));

    let tc = TestConsole::start_blocking(TestConsoleConfig::default()).unwrap();
    support::add_console(&ws, tmp.path(), "r1", &tc, tc.manager_key());
    let out = fabric_ha(
        &ws,
        &["console", "import", "r1", file.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", text(&out));

    let report = ok_json(&fabric_ha(&ws, &["certs", "--expiring", "30d", "--json"]));
    let certs = report["certs"].as_array().unwrap();
    assert_eq!(certs.len(), 1, "only the ten-day certificate: {report:#}");
    let flagged = &certs[0];
    assert_eq!(flagged["kind"], "peerEnrollment");
    assert_eq!(flagged["owner"], "Org1 Peer 1");
    assert_eq!(flagged["daysLeft"], 10);
    assert_eq!(flagged["expiring"], true);
    let places: Vec<(String, Value)> = flagged["seenIn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["source"].as_str().unwrap().to_owned(),
                p["console"].clone(),
            )
        })
        .collect();
    assert!(
        places.contains(&("library".to_owned(), Value::Null)),
        "{places:?}"
    );
    assert!(
        places.contains(&("console".to_owned(), Value::String("r1".to_owned()))),
        "{places:?}"
    );
    assert!(flagged["action"]
        .as_str()
        .unwrap()
        .contains("enrollment certificate"));
    // The peer could not be reached: said, not hidden.
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["source"].as_str().unwrap().contains("127.0.0.1:1")),
        "{problems:?}"
    );

    // Without the filter everything is there, soonest first.
    let all = ok_json(&fabric_ha(&ws, &["certs", "--json"]));
    let all = all["certs"].as_array().unwrap();
    assert!(all.len() > 4);
    assert_eq!(all[0]["fingerprint"], flagged["fingerprint"]);
    let kinds: Vec<&str> = all.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    for kind in ["peerTls", "caRoot", "tlsCaRoot", "mspAdmin"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let days: Vec<i64> = all
        .iter()
        .map(|c| c["daysLeft"].as_i64().unwrap())
        .collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");

    // The table, for a person.
    let out = fabric_ha(&ws, &["certs", "--expiring", "30d"]);
    assert!(out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(shown.contains("peer enrollment"), "{shown}");
    assert!(shown.contains("Org1 Peer 1"), "{shown}");
    assert!(shown.contains("What to do:"), "{shown}");
    assert!(!shown.contains("CA root"), "{shown}");
    tc.shutdown_blocking();
}

/// A wallet identity enrolled at a real `fabric-ca-server` whose certificates last ten days:
/// flagged by `certs --expiring 30d`; `ca reenroll` replaces it under the same name with a
/// new certificate and key from the CA; with the CA gone, a reenroll fails and leaves it.
#[test]
fn reenroll_renews_a_ten_day_identity_at_a_real_ca_and_a_failure_keeps_it() {
    let Some(fabric) = fabric_ha_testnet::Fabric::for_tests(
        "certs::reenroll_renews_a_ten_day_identity_at_a_real_ca_and_a_failure_keeps_it",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut server = runtime
        .block_on(fabric_ha_testnet::CaServer::start_with_signing_expiry(
            &fabric,
            tmp.path(),
            fabric_ha_testnet::CaSpec {
                name: "org1ca".to_owned(),
                common_name: "org1ca".to_owned(),
                bootstrap: ("admin".to_owned(), "adminpw".to_owned()),
                identities: Vec::new(),
            },
            "240h",
        ))
        .unwrap();
    let pid = server.pid().unwrap();
    let tls = tmp.path().join("ca-tls.pem");
    std::fs::write(&tls, server.tls_cert_pem()).unwrap();
    let tls = tls.to_str().unwrap();
    let url = server.url();

    let out = command(
        &ws,
        &[
            "ca",
            "enroll",
            &url,
            "--tls-cert",
            tls,
            "--id",
            "admin",
            "--as",
            "Org1 Admin",
            "--json",
        ],
    )
    .env("FABRIC_HA_ENROLL_SECRET", "adminpw")
    .output()
    .unwrap();
    let old = ok_json(&out);
    let old_id = old["id"].as_str().unwrap().to_owned();

    let report = ok_json(&fabric_ha(&ws, &["certs", "--expiring", "30d", "--json"]));
    let flagged = report["certs"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "{report:#}");
    assert_eq!(flagged[0]["kind"], "walletIdentity");
    assert_eq!(flagged[0]["owner"], "Org1 Admin");
    let days = flagged[0]["daysLeft"].as_i64().unwrap();
    assert!((9..=10).contains(&days), "{days}");
    assert!(flagged[0]["action"]
        .as_str()
        .unwrap()
        .contains("ca reenroll"));
    let old_expiry = flagged[0]["expiresAt"].as_str().unwrap().to_owned();

    let done = ok_json(&fabric_ha(
        &ws,
        &["ca", "reenroll", "Org1 Admin", "--tls-cert", tls, "--json"],
    ));
    assert_eq!(done["replaced"], old_id.as_str());
    assert_eq!(done["caName"], "ca");
    assert_eq!(done["identity"]["displayName"], "Org1 Admin");
    let new_id = done["identity"]["id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, old_id);
    let new_expiry = done["identity"]["expiresAt"].as_str().unwrap().to_owned();
    assert!(new_expiry >= old_expiry, "{new_expiry} < {old_expiry}");

    let wallet = |ws: &Path| -> Vec<String> {
        ok_json(&fabric_ha(ws, &["artifact", "list", "--json"]))
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["displayName"] == "Org1 Admin")
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(wallet(&ws), std::slice::from_ref(&new_id));
    // The new certificate works at once: it lists the CA's identities as a registrar.
    let out = fabric_ha(
        &ws,
        &[
            "ca",
            "identities",
            &url,
            "--tls-cert",
            tls,
            "--registrar",
            "Org1 Admin",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    // The CA gone: the reenroll fails, naming it, and the identity stays as it was.
    server.stop();
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    let out = fabric_ha(&ws, &["ca", "reenroll", "Org1 Admin", "--tls-cert", tls]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains(url.trim_start_matches("https://")),
        "{}",
        text(&out)
    );
    assert_eq!(wallet(&ws), [new_id]);
    drop(server);
}

/// On the real sandbox network, whose organization CA issues ten-day enrollment certificates:
/// the region-1 peer's TLS handshake serves the certificate its console record holds, trusted
/// under the record's TLS root; its enrollment certificate is flagged by
/// `certs --expiring 30d` (the roots, years, are not); every console and peer was read.
#[test]
fn the_sandbox_peer_serves_the_tls_certificate_of_its_records_and_its_ten_day_enrollment_is_flagged(
) {
    let Some(fabric) = fabric_ha_testnet::Fabric::for_tests(
        "certs::the_sandbox_peer_serves_the_tls_certificate_of_its_records_and_its_ten_day_enrollment_is_flagged",
    ) else {
        return;
    };
    let rt = support::runtime();
    let tmp = tempfile::tempdir().unwrap();
    // The organization's CA issues enrollment certificates that end in ten days.
    let sandbox = support::start_sandbox_with(
        &rt,
        fabric,
        &tmp.path().join("net"),
        TestConsoleConfig {
            ca_signing_expiry: Some("240h".into()),
            ..TestConsoleConfig::default()
        },
    );
    let ws = tmp.path().join("ws");
    support::set_up_workspace(&ws, tmp.path(), &sandbox);

    let report = ok_json(&fabric_ha(&ws, &["certs", "--json"]));
    assert_eq!(report["problems"], serde_json::json!([]), "{report:#}");
    let certs = report["certs"].as_array().unwrap();
    let served: Vec<&Value> = certs
        .iter()
        .filter(|c| c["kind"] == "peerServedTls")
        .collect();
    assert_eq!(served.len(), 1, "{report:#}");
    let served = served[0];
    assert_eq!(
        served["note"],
        Value::Null,
        "trusted and as recorded: {served:#}"
    );
    assert!(served["seenIn"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["source"] == "peer" && p["console"] == "r1"));
    let recorded = certs
        .iter()
        .find(|c| c["kind"] == "peerTls" && c["owner"] == served["owner"])
        .unwrap();
    assert_eq!(recorded["fingerprint"], served["fingerprint"]);
    assert!(certs
        .iter()
        .any(|c| c["kind"] == "peerEnrollment" && c["owner"] == served["owner"]));
    assert!(certs
        .iter()
        .any(|c| c["kind"] == "walletIdentity" && c["owner"] == "org1admin"));
    // Its enrollment certificate, from the real CA, is flagged with its days left (the server
    // applies the expiry to its TLS CA too, so the TLS certificates are flagged as well); the
    // roots, self-signed for years, are not.
    let expiring = ok_json(&fabric_ha(&ws, &["certs", "--expiring", "30d", "--json"]));
    let flagged = expiring["certs"].as_array().unwrap();
    let enrollment = flagged
        .iter()
        .find(|c| c["kind"] == "peerEnrollment" && c["owner"] == served["owner"])
        .unwrap_or_else(|| panic!("the peer's enrollment is not flagged: {expiring:#}"));
    assert!(
        (9..=10).contains(&enrollment["daysLeft"].as_i64().unwrap()),
        "{enrollment:#}"
    );
    assert_eq!(enrollment["expiring"], true);
    assert!(enrollment["seenIn"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["source"] == "console" && p["console"] == "r1"));
    for c in flagged {
        assert!(
            !["caRoot", "tlsCaRoot"].contains(&c["kind"].as_str().unwrap()),
            "{c:#}"
        );
    }
    let table = String::from_utf8_lossy(&fabric_ha(&ws, &["certs", "--expiring", "30d"]).stdout)
        .to_string();
    assert!(table.contains("peer enrollment"), "{table}");
    let pids = sandbox.pids();
    assert!(!pids.is_empty());
    rt.block_on(sandbox.shutdown());
    let left: Vec<u32> = pids.into_iter().filter(|p| support::alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
