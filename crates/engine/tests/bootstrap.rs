//! From nothing: an empty region-1 console and two target consoles. The plan creates the
//! organization's CA, org admin, MSP definition and first peer in region 1, then replicates.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;
use fabric_ha_engine::journal::{self, org_admin_cert_id, registrar_secret_id};
use fabric_ha_engine::{
    apply, org_admin_check, preview, ApplyOptions, CaApi, Context, Plan, PreviewStatus, Registrar,
    RegistrarCredential,
};
use fabric_ha_fabric_ca::{EnrollRequest, FabricCaClient};
use fabric_ha_testbed::console::TestConsole;
use serde_json::Value;

const NEW_MSP: &str = "org9msp";

fn options() -> ApplyOptions {
    ApplyOptions {
        poll_interval: Duration::from_millis(50),
        retry_backoff: Duration::from_millis(20),
        ..ApplyOptions::default()
    }
}

fn bootstrap_plan(name: &str) -> Plan {
    plan_from_nothing(name, 9, 1, None)
}

async fn empty_consoles(
    config: impl Fn(&str) -> fabric_ha_testbed::console::TestConsoleConfig,
) -> (
    Vec<TestConsole>,
    HashMap<String, fabric_ha_console::ConsoleClient>,
) {
    let mut consoles = Vec::new();
    for r in REGIONS {
        consoles.push(TestConsole::start(config(r)).await.unwrap());
    }
    let clients = REGIONS
        .iter()
        .zip(&consoles)
        .map(|(r, tc)| ((*r).to_owned(), console_client(tc)))
        .collect();
    (consoles, clients)
}

fn of_type<'a>(comps: &'a [Value], kind: &str) -> Vec<&'a Value> {
    comps.iter().filter(|c| c["type"] == kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn creates_the_organization_from_nothing_then_replicates_it() {
    let (consoles, clients) = empty_consoles(fast).await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let record = saved(&store, &bootstrap_plan("from nothing"));
    let ctx = || Context::<_, FabricCaClient> {
        plan: &record,
        consoles: &clients,
        ca: None,
        registrar: RegistrarCredential::Generated,
        store: &store,
        vault: &vault,
        org_admin: None,
    };

    let before = preview(ctx()).await.unwrap();
    assert!(before.ready, "{before:#?}");
    assert!(before
        .steps
        .iter()
        .all(|s| s.preview == PreviewStatus::WillDo));
    assert_eq!(before.steps[0].step.key, "us-south/create-ca");
    assert!(
        consoles.iter().all(|c| c.components().is_empty()),
        "preview wrote"
    );

    let outcome = apply(ctx(), &options()).await.unwrap();
    assert!(outcome.completed, "{outcome:#?}");
    assert_eq!(outcome.regions[0].region, "region 1");

    // Region 1: one created CA, one MSP with Node OUs whose admin is the enrolled org admin,
    // one created peer enrolled at that CA.
    let c1 = consoles[0].components();
    let cas = of_type(&c1, "fabric-ca");
    assert_eq!(cas.len(), 1);
    assert_eq!(cas[0]["location"], "ibm_saas");
    let ca_root = cas[0]["msp"]["ca"]["root_certs"][0].clone();
    let msps = of_type(&c1, "msp");
    assert_eq!(msps.len(), 1);
    let msp = msps[0];
    assert_eq!(msp["msp_id"], NEW_MSP);
    assert_eq!(msp["root_certs"][0], ca_root);
    assert_eq!(
        msp["tls_root_certs"][0],
        cas[0]["msp"]["tlsca"]["root_certs"][0]
    );
    assert_eq!(msp["fabric_node_ous"]["enable"], true);
    assert_eq!(
        msp["fabric_node_ous"]["admin_ou_identifier"]["organizational_unit_identifier"],
        "admin"
    );
    assert_eq!(
        msp["fabric_node_ous"]["admin_ou_identifier"]["certificate"],
        ca_root
    );
    assert_eq!(msp["host_url"], consoles[0].url());
    let admin_pem = vault
        .get_str(&store, &org_admin_cert_id(&record.id))
        .unwrap()
        .expose()
        .clone();
    assert_eq!(
        msp["admins"],
        serde_json::json!([STANDARD.encode(&admin_pem)])
    );
    let msp_record: fabric_ha_console::Component = serde_json::from_value(msp.clone()).unwrap();
    let check = org_admin_check(&msp_record, &admin_pem);
    assert!(check.ok, "{check:#?}");
    // Not listed and no Node OUs: not an admin. Listed but issued by another root: not one
    // either. Node OUs alone (admin OU, right root) suffice.
    let mut v = msp.clone();
    v["admins"] = serde_json::json!([]);
    v["fabric_node_ous"]["enable"] = serde_json::json!(false);
    assert!(!org_admin_check(&serde_json::from_value(v.clone()).unwrap(), &admin_pem).ok);
    v["fabric_node_ous"]["enable"] = serde_json::json!(true);
    assert!(org_admin_check(&serde_json::from_value(v.clone()).unwrap(), &admin_pem).ok);
    v["fabric_node_ous"]["admin_ou_identifier"]["organizational_unit_identifier"] =
        serde_json::json!("boss");
    assert!(!org_admin_check(&serde_json::from_value(v).unwrap(), &admin_pem).ok);
    let mut v = msp.clone();
    v["root_certs"] = v["tls_root_certs"].clone();
    let wrong_root = org_admin_check(&serde_json::from_value(v).unwrap(), &admin_pem);
    assert!(
        !wrong_root.ok && wrong_root.detail.contains("not issued"),
        "{wrong_root:#?}"
    );
    let peers1 = of_type(&c1, "fabric-peer");
    let created1: Vec<_> = peers1
        .iter()
        .filter(|p| p["location"] == "ibm_saas")
        .collect();
    assert_eq!(created1.len(), 1);
    assert_eq!(created1[0]["msp"]["ca"]["root_certs"][0], ca_root);
    assert_eq!(
        created1[0]["msp"]["component"]["admin_certs"],
        serde_json::json!([STANDARD.encode(&admin_pem)])
    );

    // The identities at the new CA: the org admin is an admin, the peers are peers.
    let secret = vault
        .get_str(&store, &registrar_secret_id(&record.id))
        .unwrap();
    assert!(secret.expose().len() >= 43, "weak CA admin secret");
    let ca = <FabricCaClient as CaApi>::connect(
        cas[0]["api_url"].as_str().unwrap(),
        cas[0]["msp"]["component"]["tls_cert"].as_str().unwrap(),
    )
    .unwrap();
    let registrar = ca
        .enroll(&EnrollRequest::new("ca", "org9-ca-admin", secret))
        .await
        .unwrap()
        .identity()
        .unwrap();
    assert_eq!(
        ca.identity(&registrar, "ca", "org9-admin")
            .await
            .unwrap()
            .identity_type,
        "admin"
    );
    for id in [
        "org9msp-us-south-peer1",
        "org9msp-eu-de-peer1",
        "org9msp-jp-tok-peer1",
    ] {
        assert_eq!(
            ca.identity(&registrar, "ca", id)
                .await
                .unwrap()
                .identity_type,
            "peer"
        );
    }

    // Every console: the CA and the MSP once, each of the 3 peers exactly once; regions 2
    // and 3 created theirs with the region-1 CA.
    let mut all: Option<Vec<String>> = None;
    for (i, tc) in consoles.iter().enumerate() {
        let comps = tc.components();
        assert_eq!(of_type(&comps, "fabric-ca").len(), 1, "console {i}");
        assert_eq!(of_type(&comps, "msp").len(), 1, "console {i}");
        let mut urls: Vec<String> = of_type(&comps, "fabric-peer")
            .iter()
            .map(|p| p["api_url"].as_str().unwrap().to_owned())
            .collect();
        urls.sort();
        let mut unique = urls.clone();
        unique.dedup();
        assert_eq!(urls.len(), 3, "console {i}: {urls:?}");
        assert_eq!(unique, urls, "console {i} holds a duplicate");
        if let Some(all) = &all {
            assert_eq!(&urls, all);
        }
        all = Some(urls);
        if i > 0 {
            let created: Vec<_> = of_type(&comps, "fabric-peer")
                .into_iter()
                .filter(|p| p["location"] == "ibm_saas")
                .collect();
            assert_eq!(created.len(), 1, "console {i}");
            assert_eq!(created[0]["msp"]["ca"]["root_certs"][0], ca_root);
        }
    }

    // Again: nothing to do, nothing sent.
    let after = preview(ctx()).await.unwrap();
    assert!(after.ready, "{after:#?}");
    assert!(after
        .steps
        .iter()
        .all(|s| matches!(s.preview, PreviewStatus::AlreadyDone { .. })));
    assert!(after
        .checks
        .iter()
        .any(|c| c.name.contains("org admin") && c.ok));
    let snapshot: Vec<usize> = consoles.iter().map(|c| c.components().len()).collect();
    assert!(apply(ctx(), &options()).await.unwrap().completed);
    assert_eq!(
        consoles
            .iter()
            .map(|c| c.components().len())
            .collect::<Vec<_>>(),
        snapshot
    );
    let stored = journal::get_plan(&store, "from nothing").unwrap().unwrap();
    assert_eq!(stored.state, journal::PlanState::Completed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_import_only_region_one_console_blocks_every_step() {
    let (consoles, clients) = empty_consoles(|r| {
        let mut c = fast(r);
        c.import_only = r == REGIONS[0];
        c
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let record = saved(&store, &bootstrap_plan("blocked"));
    let ctx = || Context::<_, FabricCaClient> {
        plan: &record,
        consoles: &clients,
        ca: None,
        registrar: RegistrarCredential::Generated,
        store: &store,
        vault: &vault,
        org_admin: None,
    };
    let p = preview(ctx()).await.unwrap();
    assert!(!p.ready);
    assert!(p
        .steps
        .iter()
        .all(|s| matches!(&s.preview, PreviewStatus::Blocked { reason, .. } if reason.contains("cannot be created"))), "{p:#?}");
    let outcome = apply(ctx(), &options()).await.unwrap();
    assert!(!outcome.completed);
    assert_eq!(
        outcome.regions.len(),
        1,
        "the targets wait for the organization"
    );
    assert!(consoles.iter().all(|c| c.components().is_empty()));
    // Nothing was generated for a CA that was never asked for.
    assert!(!vault
        .contains(&store, &registrar_secret_id(&record.id))
        .unwrap());
}

#[test]
fn bootstrap_plans_are_validated_field_by_field() {
    let plan = bootstrap_plan("v");
    // Until the organization exists, the target steps name its CA and MSP by display name.
    let descriptions: Vec<String> = fabric_ha_engine::plan_steps(&plan)
        .into_iter()
        .filter(|s| s.console == REGIONS[1])
        .map(|s| s.description)
        .collect();
    assert!(
        descriptions.iter().all(|d| !d.contains("\"\"")),
        "{descriptions:#?}"
    );
    assert!(descriptions.contains(&format!(
        "Import CA \"Org9 CA\" into console {:?}",
        REGIONS[1]
    )));
    assert!(descriptions.contains(&format!(
        "Import MSP definition \"Org9 MSP\" into console {:?}",
        REGIONS[1]
    )));
    assert_eq!(Plan::from_json(&plan.to_json()).unwrap(), plan);
    let bare = plan
        .to_json()
        .replace("  \"ca\": \"\",\n", "")
        .replace("  \"msp\": \"\",\n", "");
    assert_ne!(bare, plan.to_json());
    assert_eq!(
        Plan::from_json(&bare).unwrap(),
        plan,
        "the ids may be left out"
    );
    let err = |f: &dyn Fn(&mut Plan)| {
        let mut p = bootstrap_plan("v");
        f(&mut p);
        p.validate().unwrap_err().to_string()
    };
    assert!(err(&|p| p.source.ca = "org1ca".into()).contains("source.ca"));
    assert!(err(&|p| p.source.peers = vec!["x".into()]).contains("source.peers"));
    assert!(
        err(&|p| p.source.registrar = Registrar::LibraryIdentity("id".into()))
            .contains("source.registrar")
    );
    assert!(
        err(&|p| p.source.registrar = Registrar::EnrollId("abc".into())).contains("4 characters")
    );
    assert!(
        err(&|p| p.source.create.as_mut().unwrap().msp_id = "org 9".into())
            .contains("source.create.msp_id")
    );
    assert!(
        err(&|p| p.source.create.as_mut().unwrap().ca_display_name = String::new())
            .contains("source.create.ca_display_name")
    );
    assert!(err(
        &|p| p.source.create.as_mut().unwrap().org_admin_enroll_id = "org9-ca-admin".into()
    )
    .contains("source.create.org_admin_enroll_id"));
    assert!(
        err(&|p| p.targets[0].peers[0].enroll_id = "org9msp-us-south-peer1".into())
            .contains("used twice")
    );
    let text = bootstrap_plan("v")
        .to_json()
        .replace("\"msp_display_name\"", "\"msp_name\"");
    assert!(
        Plan::from_json(&text).is_err(),
        "unknown fields are refused"
    );
}
