//! The channel steps when Fabric says no, on the real sandbox network: an org identity that
//! is not an admin of the peers is *blocked* in the preview and stops the run with the peer's
//! own words (not resumable as is); signed by the org admin the same plan joins and installs,
//! and when the orderer is down at the anchor update the run stops there, resumable, with no
//! config update sent.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{console_client, open_store, saved};
use fabric_ha_engine::journal::{self, PlanState, StepState};
use fabric_ha_engine::{
    apply, preview, ApplyOptions, Context, Hook, HookPoint, OrgAdminCredential, PeerDefaults,
    PeerSpec, Plan, PreviewStatus, ReasonCode, Registrar, RegistrarCredential, Source, Target,
    PLAN_FORMAT,
};
use fabric_ha_fabric_ca::{ClientOptions, FabricCaClient, TlsPin};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::console::TestConsoleConfig;
use fabric_ha_testbed::sandbox::{FabricSandbox, SandboxConfig, CA_ADMIN, CHANNEL, MSP_ID};
use fabric_ha_testnet::{enroll, msp, CaEndpoint, Fabric};

fn plan(sandbox: &FabricSandbox) -> Plan {
    let d = PeerDefaults {
        zone: None,
        version: None,
        state_db: Some("leveldb".into()),
    };
    Plan {
        format: PLAN_FORMAT,
        name: "refusals".into(),
        source: Source {
            console: "r1".into(),
            ca: sandbox.org.ca_id.clone(),
            msp: sandbox.org.msp_component_id.clone(),
            peers: vec![sandbox.org.peer_id.clone()],
            registrar: Registrar::EnrollId(CA_ADMIN.0.into()),
            org_admin_identity: Some("signer".into()),
            tls_identity: None,
            create: None,
        },
        targets: vec![Target {
            console: "r2".into(),
            region: "r2".into(),
            peers: PeerSpec::numbered(MSP_ID, "r2", 1, 1, &d),
        }],
        channels: vec![CHANNEL.into()],
        chaincodes: vec![],
        wait_timeout_secs: 60,
    }
}

fn kill(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn not_an_admin_is_blocked_and_a_down_orderer_stops_resumably() {
    let Some(fabric) =
        Fabric::for_tests("not_an_admin_is_blocked_and_a_down_orderer_stops_resumably")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let sandbox = FabricSandbox::start(SandboxConfig {
        fabric: fabric.clone(),
        regions: vec!["r1".into(), "r2".into()],
        dir: tmp.path().join("net"),
        console: TestConsoleConfig::default(),
    })
    .await
    .unwrap();
    let clients: HashMap<String, _> = sandbox
        .consoles
        .iter()
        .map(|(name, tc)| (name.clone(), console_client(tc)))
        .collect();
    let ca = FabricCaClient::new(
        &sandbox.org.ca_url,
        &TlsPin::from_pem(&sandbox.org.ca_tls_cert_pem).unwrap(),
        ClientOptions::default(),
    )
    .unwrap();

    // A client of the organization (type client): a member, not an admin.
    let endpoint = CaEndpoint {
        url: sandbox.org.ca_url.clone(),
        tls_cert_pem: sandbox.org.ca_tls_cert_pem.clone(),
        ca_name: Some("ca".into()),
    };
    let ca_admin = enroll(
        &fabric,
        &endpoint,
        CA_ADMIN.0,
        CA_ADMIN.1,
        &[],
        &tmp.path().join("ca-admin"),
    )
    .await
    .unwrap();
    msp::register(
        &fabric,
        &endpoint,
        &ca_admin,
        "org1client",
        "org1clientpw",
        "client",
    )
    .await
    .unwrap();
    let client = enroll(
        &fabric,
        &endpoint,
        "org1client",
        "org1clientpw",
        &[],
        &tmp.path().join("client"),
    )
    .await
    .unwrap();
    let credential = |cert_pem: &str, key_path: &std::path::Path| OrgAdminCredential {
        identity: "signer".into(),
        cert_pem: cert_pem.to_owned(),
        key_pem: Sensitive::new(std::fs::read_to_string(key_path).unwrap()),
        client_tls: None,
    };

    let (store, vault) = open_store(&tmp.path().join("ws"));
    let record = saved(&store, &plan(&sandbox));
    let ctx = |org_admin| Context::<_, FabricCaClient> {
        plan: &record,
        consoles: &clients,
        ca: Some(&ca),
        registrar: RegistrarCredential::Enroll {
            enroll_id: CA_ADMIN.0.into(),
            secret: Sensitive::from(CA_ADMIN.1),
        },
        store: &store,
        vault: &vault,
        org_admin: Some(org_admin),
    };

    // Not an admin: the preview blocks the install with the peer's words, and a run stops at
    // the join with them.
    let seen = preview(ctx(credential(&client.cert_pem, &client.key_path)))
        .await
        .unwrap();
    assert!(!seen.ready);
    let packages = seen
        .checks
        .iter()
        .find(|c| c.name == "chaincode packages readable from the region-1 peers")
        .unwrap();
    assert!(!packages.ok, "{packages:?}");
    assert!(
        packages.detail.contains("signed by \"signer\""),
        "{packages:?}"
    );
    assert!(packages.detail.contains("_lifecycle"), "{packages:?}");
    let install = seen
        .steps
        .iter()
        .find(|s| s.step.key.starts_with("r2/install/"))
        .unwrap();
    assert!(
        matches!(&install.preview, PreviewStatus::Blocked { reason, .. } if reason.contains(&packages.detail)),
        "{install:?}"
    );
    let options = ApplyOptions {
        poll_interval: Duration::from_millis(100),
        retry_backoff: Duration::from_millis(20),
        max_attempts: 3,
        ..ApplyOptions::default()
    };
    let outcome = apply(
        ctx(credential(&client.cert_pem, &client.key_path)),
        &options,
    )
    .await
    .unwrap();
    let failure = outcome.regions[0].failure.as_ref().unwrap();
    assert!(failure.step.starts_with("r2/join/"), "{failure:?}");
    assert_eq!(failure.code, "not_an_admin", "{failure:?}");
    assert!(failure.message.contains("cscc.JoinChain"), "{failure:?}");
    // Not a blocked step: the node's own words, with the error's code.
    assert_eq!(failure.reason, ReasonCode::Error, "{failure:?}");
    assert_eq!(failure.params["message"], failure.message);
    assert_eq!(failure.params["errorCode"], "not_an_admin");
    assert!(
        failure.message.contains("signed by \"signer\""),
        "{failure:?}"
    );
    assert!(!failure.resumable);
    // The journal keeps the reason's code and values, and the report's open step has them.
    let entries = journal::journal(&store, &record.id).unwrap();
    assert_eq!(
        entries[&failure.step].error_reason,
        Some((ReasonCode::Error, failure.params.clone()))
    );
    let stored = journal::get_plan(&store, "refusals").unwrap().unwrap();
    let open = fabric_ha_engine::report::build(&stored, &entries)
        .regions
        .into_iter()
        .flat_map(|r| r.open_steps)
        .find(|s| s.step == failure.step)
        .unwrap();
    assert_eq!(open.reason, Some(ReasonCode::Error), "{open:?}");
    assert_eq!(open.params, failure.params);
    assert_eq!(open.error.as_deref(), Some(failure.message.as_str()));

    // The org admin: the joins and installs go through; the orderer is killed once the last
    // install is journaled, so the anchor update finds it down and the run stops there.
    let orderers = Arc::new(Mutex::new(sandbox.ordering.pids()));
    let hook: Hook = {
        let orderers = orderers.clone();
        Arc::new(move |point: HookPoint<'_>| {
            if let HookPoint::OutcomeRecorded { step, .. } = point {
                if step.contains("/install/") {
                    for pid in orderers.lock().unwrap().drain(..) {
                        kill(pid);
                    }
                }
            }
        })
    };
    let admin_key = sandbox.org_admin.msp_dir.join("keystore").join("key.pem");
    let outcome = apply(
        ctx(credential(&sandbox.org_admin.cert_pem, &admin_key)),
        &ApplyOptions {
            hook: Some(hook),
            ..options
        },
    )
    .await
    .unwrap();
    assert!(!outcome.completed, "{outcome:#?}");
    let failure = outcome
        .regions
        .iter()
        .find_map(|r| r.failure.as_ref())
        .unwrap();
    assert!(
        failure.step.ends_with(&format!("/anchors/{CHANNEL}")),
        "{failure:?}"
    );
    assert_eq!(failure.code, "fabric_unreachable", "{failure:?}");
    assert!(failure.resumable, "{failure:?}");
    let stored = journal::get_plan(&store, "refusals").unwrap().unwrap();
    assert_eq!(stored.state, PlanState::Stopped);
    let entries = journal::journal(&store, &record.id).unwrap();
    let done = |prefix: &str| {
        entries
            .values()
            .filter(|e| e.step.starts_with(prefix) && e.state == StepState::Done)
            .count()
    };
    assert_eq!(done("r2/join/"), 1);
    assert_eq!(done("r2/install/"), 1);
    assert_eq!(
        entries[&format!("r1/anchors/{CHANNEL}")].state,
        StepState::Failed
    );
    let pids = sandbox.pids();
    sandbox.shutdown().await;
    assert!(pids
        .iter()
        .all(|p| !std::path::Path::new(&format!("/proc/{p}")).exists()));
}
