//! `max_concurrent_regions`: one region at a time runs the regions strictly one after another
//! and ends in the same state as the concurrent run.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::num::NonZeroUsize;
use std::time::Duration;

use common::*;
use fabric_ha_engine::{apply, ApplyOptions, Context, ProgressEvent};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_region_at_a_time_finishes_each_region_before_the_next() {
    let world = world(fast).await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let record = saved(&store, &plan(&world, "one at a time"));
    let consoles = clients(&world);
    let ca = ca_client(&world.ca);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let options = ApplyOptions {
        poll_interval: Duration::from_millis(50),
        retry_backoff: Duration::from_millis(20),
        progress: Some(tx),
        max_concurrent_regions: NonZeroUsize::new(1),
        ..ApplyOptions::default()
    };
    let ctx = Context {
        plan: &record,
        consoles: &consoles,
        ca: Some(&ca),
        registrar: registrar(),
        store: &store,
        vault: &vault,
        org_admin: None,
    };
    let outcome = apply(ctx, &options).await.unwrap();
    drop(options);
    assert!(outcome.completed, "{outcome:#?}");
    assert_replicated(&world);

    // Every update of region 2 comes before the first of region 3.
    let mut regions = Vec::new();
    while let Ok(p) = rx.try_recv() {
        if matches!(p.event, ProgressEvent::Started) {
            regions.push(p.region);
        }
    }
    let first_jp = regions.iter().position(|r| r == REGIONS[2]).unwrap();
    let last_eu = regions.iter().rposition(|r| r == REGIONS[1]).unwrap();
    assert!(last_eu < first_jp, "{regions:?}");
}
