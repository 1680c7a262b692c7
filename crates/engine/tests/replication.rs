//! End to end against three test consoles and the Fabric CA test server: an organization with
//! one peer in region 1 replicated to two peers in each of regions 2 and 3.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::*;
use fabric_ha_engine::journal::{self, PlanState};
use fabric_ha_engine::{
    apply, preview, report, ApplyOptions, Context, PreviewStatus, ProgressEvent,
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
        PreviewStatus::Blocked { reason } => assert!(reason.contains("import-only"), "{reason}"),
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
