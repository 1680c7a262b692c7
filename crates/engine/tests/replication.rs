//! End to end against three test consoles and the Fabric CA test server: an organization with
//! one peer in region 1 replicated to two peers in each of regions 2 and 3.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::*;
use fabric_ha_engine::journal::{self, PlanState};
use fabric_ha_engine::{
    apply, preview, report, ApplyOptions, Context, PreviewStatus, ProgressEvent, ReasonCode,
};
use fabric_ha_fabric_ca::EnrollRequest;
use fabric_ha_sensitive::Sensitive;

fn options() -> ApplyOptions {
    ApplyOptions {
        poll_interval: Duration::from_millis(50),
        retry_backoff: Duration::from_millis(20),
        ..ApplyOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicates_one_org_to_two_regions_once() {
    let world = world(fast).await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let record = saved(&store, &plan(&world, "org1 ha"));
    let consoles = clients(&world);
    let ca = ca_client(&world.ca);
    let ctx = || Context {
        plan: &record,
        consoles: &consoles,
        ca: Some(&ca),
        registrar: registrar(),
        store: &store,
        vault: &vault,
        org_admin: None,
    };

    // Preview: everything to do, nothing blocked.
    let before = preview(ctx()).await.unwrap();
    assert!(before.ready, "{before:#?}");
    assert!(before
        .steps
        .iter()
        .all(|s| s.preview == PreviewStatus::WillDo));
    assert!(world.consoles[1].components().is_empty(), "preview wrote");

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut opts = options();
    opts.progress = Some(tx);
    let outcome = apply(ctx(), &opts).await.unwrap();
    assert!(outcome.completed, "{outcome:#?}");
    drop(opts);
    let mut done = 0;
    while let Ok(p) = rx.try_recv() {
        if matches!(p.event, ProgressEvent::Done { .. }) {
            done += 1;
        }
    }
    assert_eq!(done, before.steps.len());
    assert_replicated(&world);

    // The new enroll ids are registered once, as peers, at the region-1 CA.
    let cac = ca_client(&world.ca);
    let admin = fabric_ha_engine::CaApi::enroll(
        &cac,
        &EnrollRequest::new("ca", CA_ADMIN.0, Sensitive::from(CA_ADMIN.1)),
    )
    .await
    .unwrap()
    .identity()
    .unwrap();
    for t in &record.plan.targets {
        for p in &t.peers {
            let info = cac.identity(&admin, "ca", &p.enroll_id).await.unwrap();
            assert_eq!(info.identity_type, "peer");
        }
    }

    // Again: nothing left to do, nothing sent.
    let snapshot = peers_by_console(&world);
    let after = preview(ctx()).await.unwrap();
    assert!(after
        .steps
        .iter()
        .all(|s| matches!(s.preview, PreviewStatus::AlreadyDone { .. })));
    let again = apply(ctx(), &options()).await.unwrap();
    assert!(again.completed);
    assert_eq!(peers_by_console(&world), snapshot);
    let stored = journal::get_plan(&store, "org1 ha").unwrap().unwrap();
    assert_eq!(stored.state, PlanState::Completed);

    // The report names every peer with its id and URL; a plan without channels has no channel
    // section and nothing left to do by hand.
    let rep = report::build(&stored, &journal::journal(&store, &stored.id).unwrap());
    assert_eq!(rep.regions.len(), 2);
    for r in &rep.regions {
        assert!(r.open_steps.is_empty(), "{r:#?}");
        for p in &r.peers {
            assert!(p.running && p.component_id.is_some() && p.api_url.is_some());
            assert_eq!(p.imported_into.len(), 2);
        }
    }
    assert!(rep.channels.is_empty());
    let md = rep.to_markdown();
    assert!(
        !md.contains("## Channels") && md.contains("| Peer | Enroll id"),
        "{md}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_import_only_target_is_blocked_and_the_other_region_completes() {
    let world = world(|r| {
        let mut c = fast(r);
        c.import_only = r == REGIONS[2];
        c
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let record = saved(&store, &plan(&world, "blocked"));
    let consoles = clients(&world);
    let ca = ca_client(&world.ca);
    let ctx = || Context {
        plan: &record,
        consoles: &consoles,
        ca: Some(&ca),
        registrar: registrar(),
        store: &store,
        vault: &vault,
        org_admin: None,
    };
    let p = preview(ctx()).await.unwrap();
    assert!(!p.ready);
    let create = p
        .steps
        .iter()
        .find(|s| s.step.key.starts_with("jp-tok/create/"))
        .unwrap();
    match &create.preview {
        PreviewStatus::Blocked {
            code,
            params,
            reason,
        } => {
            assert!(reason.contains("import-only"), "{reason}");
            assert_eq!(*code, ReasonCode::ConsoleVerdict);
            assert_eq!(params["console"], REGIONS[2]);
            assert_eq!(params["verdict"], "import_only");
            assert_eq!(
                *reason,
                format!(
                    "console {:?}: {} {}",
                    REGIONS[2], params["sentence"], params["fix"]
                )
            );
        }
        other => panic!("{other:?}"),
    }
    let outcome = apply(ctx(), &options()).await.unwrap();
    assert!(!outcome.completed);
    let eu = outcome
        .regions
        .iter()
        .find(|r| r.console == REGIONS[1])
        .unwrap();
    let jp = outcome
        .regions
        .iter()
        .find(|r| r.console == REGIONS[2])
        .unwrap();
    assert!(eu.completed, "{eu:#?}");
    assert!(!jp.completed && jp.failure.is_some());
    // The run stops on the same verdict the preview named, with its code and params.
    let failure = jp.failure.as_ref().unwrap();
    assert_eq!(
        (failure.code.as_str(), failure.reason),
        ("blocked", ReasonCode::ConsoleVerdict),
        "{failure:?}"
    );
    assert_eq!(failure.params["console"], REGIONS[2]);
    assert_eq!(failure.params["verdict"], "import_only");
    assert!(failure.message.contains("import-only"), "{failure:?}");
    // Region 3 created nothing (its console still received region 2's peers, imports work
    // there); region 2's peers are in region 1 exactly once.
    assert!(!world.consoles[2]
        .components()
        .iter()
        .any(|c| c["location"] == "ibm_saas"));
    let peers = peers_by_console(&world);
    assert_eq!(peers[0].len(), 3);
    assert_eq!(peers[2].len(), 2);
    assert_eq!(
        journal::get_plan(&store, "blocked").unwrap().unwrap().state,
        PlanState::Stopped
    );
}

/// A target console whose copy of the region-1 peer went stale (another TLS certificate, as
/// after the peer was re-created): the next plan's import step finds it, updates its
/// certificates through the edit route instead of calling it present, and adds no copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stale_copy_in_a_target_is_updated_by_the_next_plan() {
    use fabric_ha_console::{ComponentQuery, ComponentType};
    let world = world(fast).await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let consoles = clients(&world);
    let ca = ca_client(&world.ca);
    let first = saved(&store, &plan(&world, "first"));
    let ctx = |record| Context {
        plan: record,
        consoles: &consoles,
        ca: Some(&ca),
        registrar: registrar(),
        store: &store,
        vault: &vault,
        org_admin: None,
    };
    assert!(apply(ctx(&first), &options()).await.unwrap().completed);

    let source = console_client(&world.consoles[0])
        .get_component(&world.peer1, ComponentQuery::full())
        .await
        .unwrap();
    let url = source.api_url.clone().unwrap();
    let copy_of = |tc: &fabric_ha_testbed::console::TestConsole| {
        tc.components()
            .into_iter()
            .filter(|c| c["type"] == "fabric-peer" && c["api_url"] == url.as_str())
            .collect::<Vec<_>>()
    };
    let copies = copy_of(&world.consoles[1]);
    assert_eq!(copies.len(), 1);
    let copy_id = copies[0]["id"].as_str().unwrap().to_owned();
    let other = serde_json::json!({ "msp": { "component": {
        "tls_cert": b64(&world.ca.tls_cert_pem())
    } } });
    let changes = fabric_ha_console::certificate_update(
        ComponentType::Peer,
        &copies[0],
        &other,
        &[fabric_ha_console::CertField::TlsCert],
    )
    .unwrap();
    consoles[REGIONS[1]]
        .edit_component(ComponentType::Peer, &copy_id, &changes)
        .await
        .unwrap();

    // The next plan: one more peer per region, and the region-1 peer imported again.
    let mut next = plan(&world, "next");
    for t in &mut next.targets {
        t.peers.truncate(1);
        t.peers[0].enroll_id.push_str("-next");
        t.peers[0].display_name.push_str(" next");
    }
    let next = saved(&store, &next);
    let p = preview(ctx(&next)).await.unwrap();
    let import_key = format!("{}/import-peer/{}", REGIONS[1], world.peer1);
    let step = p.steps.iter().find(|s| s.step.key == import_key).unwrap();
    assert_eq!(step.preview, PreviewStatus::WillDo, "{step:#?}");
    let other_region = format!("{}/import-peer/{}", REGIONS[2], world.peer1);
    let step = p.steps.iter().find(|s| s.step.key == other_region).unwrap();
    assert!(
        matches!(step.preview, PreviewStatus::AlreadyDone { .. }),
        "{step:#?}"
    );

    assert!(apply(ctx(&next), &options()).await.unwrap().completed);
    let copies = copy_of(&world.consoles[1]);
    assert_eq!(copies.len(), 1, "no second copy: {copies:#?}");
    assert_eq!(copies[0]["id"], copy_id.as_str());
    assert_eq!(
        copies[0]["msp"]["component"]["tls_cert"],
        serde_json::to_value(&source).unwrap()["msp"]["component"]["tls_cert"]
    );
    let entries = journal::journal(&store, &next.id).unwrap();
    let result = entries[&import_key].result.clone().unwrap();
    assert!(result.already_present);
    assert!(
        result
            .warnings
            .iter()
            .any(|w| w.contains("had other certificates")
                && w.contains("msp.component.tls_cert")
                && w.ends_with("updated")),
        "{result:#?}"
    );
}
