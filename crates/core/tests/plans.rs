//! Plans through the workspace: a saved plan applied with progress handed to a callback, a
//! cancelled run that resumes to completion, and the exports of the plan and its report.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../engine/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fabric_ha_core::consoles::{ConsoleAuthInput, ConsoleInput};
use fabric_ha_core::plans::engine::journal::PlanState;
use fabric_ha_core::plans::engine::{ApplyOptions, CancellationToken, ProgressEvent};
use fabric_ha_core::plans::{PlanCreateInput, PlanExportKind};
use fabric_ha_core::{OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;

fn workspace(dir: &Path) -> Workspace {
    Workspace::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Sensitive::new("plan tests".to_owned())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap()
}

fn options(cancel: CancellationToken) -> ApplyOptions {
    ApplyOptions {
        poll_interval: Duration::from_millis(50),
        retry_backoff: Duration::from_millis(20),
        cancel,
        ..ApplyOptions::default()
    }
}

#[test]
fn apply_observed_reports_progress_cancels_resumes_and_exports() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let world = rt.block_on(common::world(common::fast));
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    for (region, tc) in common::REGIONS.iter().zip(&world.consoles) {
        let (key, secret) = tc.manager_key();
        ws.add_console(ConsoleInput {
            name: (*region).to_owned(),
            region: (*region).to_owned(),
            url: tc.url(),
            auth: Some(ConsoleAuthInput::ApiKey {
                api_key: key,
                api_secret: Sensitive::new(secret),
            }),
            ca_cert_pem: tc.ca_cert_pem(),
        })
        .unwrap();
    }
    // What the wizard sends.
    let input: PlanCreateInput = serde_json::from_value(serde_json::json!({
        "plan": serde_json::to_value(common::plan(&world, "org1 ha")).unwrap(),
        "registrarSecret": common::CA_ADMIN.1,
    }))
    .unwrap();
    ws.plan_new(input.plan, input.registrar_secret).unwrap();

    // Cancelled at the first update: the run stops, resumable.
    let cancel = CancellationToken::new();
    let first = cancel.clone();
    let outcome = ws
        .plan_apply_observed("org1 ha", options(cancel), move |_| first.cancel())
        .unwrap();
    assert!(outcome.cancelled && !outcome.completed);
    assert_eq!(ws.plan("org1 ha").unwrap().state, PlanState::Stopped);

    // Resumed: every update arrives before the call returns, and the run completes.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let outcome = ws
        .plan_apply_observed("org1 ha", options(CancellationToken::new()), move |p| {
            sink.lock().unwrap().push(p)
        })
        .unwrap();
    assert!(outcome.completed, "{outcome:?}");
    let seen = seen.lock().unwrap();
    let total = seen[0].total;
    let finished = seen
        .iter()
        .filter(|p| matches!(p.event, ProgressEvent::Done { .. } | ProgressEvent::Skipped))
        .count();
    assert_eq!(finished, total);
    common::assert_replicated(&world);

    let status = ws.plan_status("org1 ha").unwrap();
    assert_eq!(status.done, status.steps.len());
    let view = ws.plan_report_view("org1 ha").unwrap();
    assert_eq!(view.report.state, PlanState::Completed);
    // No channels in this plan: nothing to join, and nothing left to do by hand.
    assert!(view.report.channels.is_empty() && view.markdown.contains("| Peer | Enroll id"));

    let plan_file = ws.plan_export("org1 ha", PlanExportKind::Plan).unwrap();
    assert_eq!(plan_file.file_name, "org1-ha.plan.json");
    assert!(plan_file.text.contains("\"wait_timeout_secs\": 30"));
    assert!(!plan_file.text.contains(common::CA_ADMIN.1));
    let json = ws
        .plan_export("org1 ha", PlanExportKind::ReportJson)
        .unwrap();
    assert_eq!(json.file_name, "org1-ha.report.json");
    let parsed: serde_json::Value = serde_json::from_str(&json.text).unwrap();
    assert_eq!(parsed["state"], "completed");
    let md = ws
        .plan_export("org1 ha", PlanExportKind::ReportMarkdown)
        .unwrap();
    assert_eq!(md.file_name, "org1-ha.report.md");
    assert_eq!(md.text, view.markdown);
}
