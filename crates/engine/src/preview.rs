//! The dry run: read every console's state, check what the plan needs, and say for each step
//! whether it will act, is already done, or is blocked (and why). Nothing is written anywhere.

use std::collections::HashMap;
use std::time::Duration;

use fabric_ha_console::{
    find_existing, Component, ComponentType, ConnectionReport, Health, Verdict,
};
use fabric_ha_fabric_ca::CaErrorKind;

use crate::bodies::{ca_import_body, msp_import_body, peer_import_body};
use crate::clients::{CaApi, ConsoleApi};
use crate::error::EngineError;
use crate::run::{
    Check, Context, Engine, Preview, PreviewStatus, StepPreview, DEFAULT_MAX_COMPONENTS,
};
use crate::steps::{find_peer, plan_steps, Action, Step};

/// What the preview learnt about one console.
struct ConsoleState {
    report: ConnectionReport,
    records: Result<Vec<Component>, EngineError>,
}

fn blocked(reason: impl Into<String>) -> PreviewStatus {
    PreviewStatus::Blocked {
        reason: reason.into(),
    }
}

fn already(detail: impl Into<String>) -> PreviewStatus {
    PreviewStatus::AlreadyDone {
        detail: detail.into(),
    }
}

fn verdict_reason(name: &str, report: &ConnectionReport) -> String {
    let fix = report.verdict.fix();
    format!("console {name:?}: {} {fix}", report.verdict.sentence())
        .trim_end()
        .to_owned()
}

/// Previews the plan against the consoles and the CA as they are now.
pub async fn preview<C: ConsoleApi, A: CaApi>(
    ctx: Context<'_, C, A>,
) -> Result<Preview, EngineError> {
    let engine = Engine::new(ctx, Duration::from_secs(1))?;
    let plan = engine.plan().clone();
    let journal = crate::journal::journal(engine.store, &engine.record.id)?;
    let mut checks = Vec::new();

    // Every console: connection verdict and records, concurrently.
    let names = plan.consoles();
    let states = futures_util::future::join_all(names.iter().map(|name| {
        let engine = &engine;
        async move {
            let console = engine.console(name)?;
            let report = console.test_connection().await;
            let records = if matches!(report.verdict, Verdict::Failed(_)) {
                Err(EngineError::Blocked(verdict_reason(name, &report)))
            } else {
                console
                    .list()
                    .await
                    .map_err(|e| EngineError::console(name, e))
            };
            Ok::<_, EngineError>((name.to_string(), ConsoleState { report, records }))
        }
    }))
    .await
    .into_iter()
    .collect::<Result<HashMap<_, _>, _>>()?;

    for name in &names {
        let state = &states[*name];
        let creates_here = plan
            .targets
            .iter()
            .any(|t| t.console == *name && !t.peers.is_empty());
        let ok = match &state.report.verdict {
            Verdict::Ready => true,
            Verdict::ImportOnly | Verdict::CannotCreate => !creates_here,
            _ => false,
        };
        let role = if creates_here {
            "manager key on a console that can create peers"
        } else {
            "key that can import"
        };
        checks.push(Check {
            name: format!("console {name:?}: {role}"),
            ok,
            detail: verdict_reason(name, &state.report),
        });
    }

    // Region 1: the CA and MSP records, the CA itself, the registrar.
    let source = &plan.source;
    let ca_record = engine.source_ca().await;
    let msp_record = engine.source_msp().await;
    for (what, id, r) in [
        ("CA", &source.ca, &ca_record),
        ("MSP definition", &source.msp, &msp_record),
    ] {
        checks.push(Check {
            name: format!("{what} {id:?} in console {:?}", source.console),
            ok: r.is_ok(),
            detail: match r {
                Ok(c) => format!("found ({})", c.display_name.as_deref().unwrap_or(&c.id)),
                Err(e) => e.to_string(),
            },
        });
    }
    let ca_name = engine.ca_name().await.unwrap_or_else(|_| "ca".to_owned());
    let tlsca_name = ca_record
        .as_ref()
        .ok()
        .and_then(|c| c.msp.as_ref()?.tlsca.as_ref()?.name.clone())
        .unwrap_or_else(|| "tlsca".to_owned());
    let mut ca_ok = true;
    for name in [&ca_name, &tlsca_name] {
        let r = engine.ca.cainfo(name).await;
        ca_ok &= r.is_ok();
        checks.push(Check {
            name: format!("CA {name:?} reachable"),
            ok: r.is_ok(),
            detail: match r {
                Ok(info) => format!("cainfo answered (version {})", info.version),
                Err(e) => e.to_string(),
            },
        });
    }
    let registrar = if ca_ok {
        engine.registrar().await.map(|_| ())
    } else {
        Err(EngineError::Blocked("the CA is not reachable".to_owned()))
    };
    checks.push(Check {
        name: "registrar can act at the CA".to_owned(),
        ok: registrar.is_ok(),
        detail: match &registrar {
            Ok(()) => "enrolled".to_owned(),
            Err(e) => e.to_string(),
        },
    });

    let records = |name: &str| records_of(&states, name);
    let msp_id = msp_record
        .as_ref()
        .ok()
        .and_then(|m| m.msp_id.clone())
        .unwrap_or_default();

    let mut out: Vec<StepPreview> = Vec::new();
    let mut added: HashMap<String, usize> = HashMap::new();
    for step in plan_steps(&plan) {
        let status = if let Some(done) = journal
            .get(&step.key)
            .filter(|e| e.state == crate::journal::StepState::Done)
        {
            already(format!(
                "done by an earlier run{}",
                done.result
                    .as_ref()
                    .and_then(|r| r.component_id.as_ref())
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default()
            ))
        } else {
            step_status(
                &engine,
                &step,
                &out,
                &states,
                &ca_record,
                &msp_record,
                &msp_id,
                &registrar,
            )
            .await
        };
        if status == PreviewStatus::WillDo {
            let lands_in = match &step.action {
                Action::CopyPeer { into, .. } => Some(into.clone()),
                Action::ImportCa
                | Action::ImportMsp
                | Action::ImportSourcePeer { .. }
                | Action::CreatePeer { .. } => Some(step.console.clone()),
                _ => None,
            };
            if let Some(c) = lands_in {
                *added.entry(c).or_default() += 1;
            }
        }
        out.push(StepPreview {
            step,
            preview: status,
        });
    }

    for name in &names {
        if let Ok(list) = records(name) {
            let total = list.len() + added.get(*name).copied().unwrap_or(0);
            checks.push(Check {
                name: format!("component quota of console {name:?}"),
                ok: total <= DEFAULT_MAX_COMPONENTS,
                detail: format!(
                    "{} components now, {total} after the plan (the console's default limit is {DEFAULT_MAX_COMPONENTS})",
                    list.len()
                ),
            });
        }
    }

    let ready = checks.iter().all(|c| c.ok)
        && out
            .iter()
            .all(|s| !matches!(s.preview, PreviewStatus::Blocked { .. }));
    Ok(Preview {
        plan: plan.name.clone(),
        checks,
        steps: out,
        ready,
    })
}

fn records_of<'s>(
    states: &'s HashMap<String, ConsoleState>,
    name: &str,
) -> Result<&'s Vec<Component>, String> {
    match states.get(name) {
        Some(s) => s.records.as_ref().map_err(ToString::to_string),
        None => Err(format!("console {name:?} is not in the plan")),
    }
}

fn earlier<'p>(out: &'p [StepPreview], key: &str) -> Option<&'p PreviewStatus> {
    out.iter().find(|s| s.step.key == key).map(|s| &s.preview)
}

#[allow(clippy::too_many_arguments)]
async fn step_status<C: ConsoleApi, A: CaApi>(
    engine: &Engine<'_, C, A>,
    step: &Step,
    out: &[StepPreview],
    states: &HashMap<String, ConsoleState>,
    ca_record: &Result<Component, EngineError>,
    msp_record: &Result<Component, EngineError>,
    msp_id: &str,
    registrar: &Result<(), EngineError>,
) -> PreviewStatus {
    let target = step.console.as_str();
    let records = |name: &str| records_of(states, name);
    let present =
        |into: &str, kind: ComponentType, body: Result<serde_json::Value, EngineError>| {
            let list = match records(into) {
                Ok(l) => l,
                Err(reason) => return blocked(reason),
            };
            match body {
                Ok(body) => match find_existing(list, kind, &body) {
                    Some(found) => already(format!("present in {into:?} as {}", found.id)),
                    None => PreviewStatus::WillDo,
                },
                Err(e) => blocked(e.to_string()),
            }
        };
    match &step.action {
        Action::ImportCa => present(
            target,
            ComponentType::Ca,
            ca_record.clone().and_then(|r| ca_import_body(&r)),
        ),
        Action::ImportMsp => present(
            target,
            ComponentType::Msp,
            msp_record.clone().and_then(|r| msp_import_body(&r)),
        ),
        Action::ImportSourcePeer { peer } => {
            let source = &engine.plan().source.console;
            let body = match records(source) {
                Ok(list) => match list.iter().find(|c| &c.id == peer) {
                    Some(_) => match engine.console(source) {
                        Ok(c) => c
                            .get(peer)
                            .await
                            .map_err(|e| EngineError::console(source, e))
                            .and_then(|r| peer_import_body(&r)),
                        Err(e) => Err(e),
                    },
                    None => Err(EngineError::Blocked(format!(
                        "console {source:?} has no peer {peer:?}"
                    ))),
                },
                Err(reason) => Err(EngineError::Blocked(reason)),
            };
            present(target, ComponentType::Peer, body)
        }
        Action::Register { enroll_id } => {
            if let Err(e) = registrar {
                return blocked(format!("the registrar cannot act at the CA: {e}"));
            }
            let Ok(reg) = engine.registrar().await else {
                return blocked("the registrar cannot act at the CA");
            };
            let ca_name = engine.ca_name().await.unwrap_or_else(|_| "ca".to_owned());
            let stored = engine.stored_secret(enroll_id);
            match (engine.ca.identity(reg, &ca_name, enroll_id).await, stored) {
                (_, Err(e)) => blocked(e.to_string()),
                (Ok(_), Ok(Some(_))) => already("registered by this plan"),
                (Ok(_), Ok(None)) => blocked(format!(
                    "enroll id {enroll_id:?} is already registered at the CA, not by this plan: its secret is unknown here"
                )),
                (Err(e), _) if e.kind() == Some(CaErrorKind::NotFound) => PreviewStatus::WillDo,
                (Err(e), _) => blocked(e.to_string()),
            }
        }
        Action::CreatePeer { enroll_id } => {
            let Some((_, spec)) = find_peer(engine.plan(), enroll_id) else {
                return blocked("no such peer in the plan");
            };
            let list = match records(target) {
                Ok(l) => l,
                Err(reason) => return blocked(reason),
            };
            let found = Engine::<C, A>::find_peer_by_name(list, &spec.display_name, Some(msp_id));
            if let [one] = found.as_slice() {
                return already(format!("present in {target:?} as {}", one.id));
            }
            if found.len() > 1 {
                return blocked(format!(
                    "console {target:?} holds {} peers named {:?}",
                    found.len(),
                    spec.display_name
                ));
            }
            if let Some(state) = states.get(target) {
                if state.report.verdict != Verdict::Ready {
                    return blocked(verdict_reason(target, &state.report));
                }
            }
            if let Some(PreviewStatus::Blocked { reason }) =
                earlier(out, &format!("{target}/import-ca"))
            {
                return blocked(format!(
                    "unknown_enroll_host: the CA must be imported into {target:?} before the peer is created, and that step is blocked ({reason})"
                ));
            }
            if let Some(PreviewStatus::Blocked { reason }) =
                earlier(out, &format!("{target}/register/{enroll_id}"))
            {
                return blocked(format!("its enroll id cannot be registered ({reason})"));
            }
            PreviewStatus::WillDo
        }
        Action::WaitRunning { enroll_id } => {
            match earlier(out, &format!("{target}/create/{enroll_id}")) {
                Some(PreviewStatus::Blocked { .. }) => blocked("the peer cannot be created"),
                Some(PreviewStatus::AlreadyDone { .. }) => {
                    let Some((_, spec)) = find_peer(engine.plan(), enroll_id) else {
                        return blocked("no such peer in the plan");
                    };
                    let Ok(list) = records(target) else {
                        return PreviewStatus::WillDo;
                    };
                    let found =
                        Engine::<C, A>::find_peer_by_name(list, &spec.display_name, Some(msp_id));
                    let Some(peer) = found.first() else {
                        return PreviewStatus::WillDo;
                    };
                    match engine.console(target) {
                        Ok(c) => match c.status(&[peer.id.as_str()]).await {
                            Ok(s) if s.iter().any(|(_, s)| s.health == Health::Ok) => {
                                already(format!("{} is running", peer.id))
                            }
                            _ => PreviewStatus::WillDo,
                        },
                        Err(e) => blocked(e.to_string()),
                    }
                }
                _ => PreviewStatus::WillDo,
            }
        }
        Action::CopyPeer { enroll_id, into } => {
            if let Err(reason) = records(into) {
                return blocked(reason);
            }
            match earlier(out, &format!("{target}/create/{enroll_id}")) {
                Some(PreviewStatus::Blocked { .. }) => blocked("the peer cannot be created"),
                Some(PreviewStatus::AlreadyDone { .. }) => {
                    let Some((_, spec)) = find_peer(engine.plan(), enroll_id) else {
                        return blocked("no such peer in the plan");
                    };
                    let Ok(list) = records(target) else {
                        return PreviewStatus::WillDo;
                    };
                    let found =
                        Engine::<C, A>::find_peer_by_name(list, &spec.display_name, Some(msp_id));
                    // Records in a list may lack certificates; the same peer is the same
                    // api_url (what `find_existing` compares).
                    match found.first().and_then(|p| p.api_url.clone()) {
                        Some(url) => present(
                            into,
                            ComponentType::Peer,
                            Ok(serde_json::json!({ "api_url": url })),
                        ),
                        None => PreviewStatus::WillDo,
                    }
                }
                _ => PreviewStatus::WillDo,
            }
        }
    }
}
