//! The plan under injected faults: about one request in five answered 503 or reset, and a 429
//! burst from a tight rate limit. The run completes, or stops with a resumable, explained
//! error; the journal never says done for something that is not there.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::*;
use fabric_ha_engine::journal::{self, StepState};
use fabric_ha_engine::{apply, ApplyOptions, CancellationToken, Context};
use fabric_ha_testbed::console::FaultHandle;

/// Injects one fault (alternately a 503 and a reset) per five requests the server receives.
async fn chaos(
    faults: FaultHandle,
    count: Box<dyn Fn() -> usize + Send + Sync + '_>,
    stop: CancellationToken,
) {
    let mut seen = count();
    let mut n = 0u32;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_millis(1)) => {}
        }
        let now = count();
        for _ in 0..(now / 5).saturating_sub(seen / 5) {
            n += 1;
            if n.is_multiple_of(2) {
                faults.fail_next([503]);
            } else {
                faults.reset_next(1);
            }
        }
        seen = now;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn faults_and_rate_limits_end_in_a_complete_or_resumable_run() {
    let world = world(|r| {
        let mut c = fast(r);
        if r == REGIONS[1] {
            // A 429 burst: a handful of writes per second, then Retry-After.
            c.rate_limit_per_min = 6;
            c.rate_limit_window = Duration::from_secs(1);
        }
        c
    })
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let (store, vault) = open_store(tmp.path());
    let record = saved(&store, &plan(&world, "faults"));
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
    let options = || ApplyOptions {
        poll_interval: Duration::from_millis(50),
        retry_backoff: Duration::from_millis(50),
        max_attempts: 8,
        ..ApplyOptions::default()
    };

    let stop = CancellationToken::new();
    let tasks: Vec<_> = world
        .consoles
        .iter()
        .map(|tc| chaos(tc.faults(), Box::new(|| tc.request_count()), stop.clone()))
        .chain([chaos(
            world.ca.faults(),
            Box::new(|| world.ca.request_count()),
            stop.clone(),
        )])
        .collect();
    let run = async {
        let outcome = apply(ctx(), &options()).await.unwrap();
        stop.cancel();
        outcome
    };
    let (outcome, _) = tokio::join!(run, futures_util::future::join_all(tasks));

    if !outcome.completed {
        for r in outcome.regions.iter().filter(|r| !r.completed) {
            let f = r.failure.as_ref().unwrap();
            assert!(f.resumable, "not resumable: {f:#?}");
            assert!(!f.message.is_empty() && !f.fix.is_empty());
        }
    }

    // Nothing recorded as done that is not there.
    let journal = journal::journal(&store, &record.id).unwrap();
    assert!(
        journal.values().any(|e| e.attempts > 1),
        "no step ever failed: the faults did not reach the engine"
    );
    for (key, e) in journal.iter().filter(|(_, e)| e.state == StepState::Done) {
        let r = e.result.as_ref().unwrap();
        let Some(id) = &r.component_id else { continue };
        if r.console == "ca" {
            continue;
        }
        let i = REGIONS.iter().position(|x| *x == r.console).unwrap();
        assert!(
            world.consoles[i]
                .components()
                .iter()
                .any(|c| c["id"] == id.as_str()),
            "{key} says {id} in {} but it is not there",
            r.console
        );
    }

    // Without faults, resuming converges to the same end state as a clean run.
    for tc in &world.consoles {
        tc.faults().clear();
    }
    world.ca.faults().clear();
    let outcome = apply(ctx(), &options()).await.unwrap();
    assert!(outcome.completed, "{outcome:#?}");
    assert_replicated(&world);
}
