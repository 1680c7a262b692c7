//! The dry run: read every console's state, check what the plan needs, and say for each step
//! whether it will act, is already done, or is blocked (and why). Nothing is written anywhere.

use std::collections::HashMap;
use std::time::Duration;

use fabric_ha_console::{
    component_differences, find_existing, CertField, Component, ComponentType, ConnectionReport,
    Health, Verdict,
};
use fabric_ha_fabric_ca::CaErrorKind;

use crate::bodies::{ca_import_body, msp_import_body, peer_import_body};
use crate::channels::ChannelPreview;
use crate::clients::{CaApi, ConsoleApi};
use crate::error::EngineError;
use crate::reason::{Reason, ReasonCode};
use crate::run::{
    Check, Context, Engine, Preview, PreviewStatus, StepPreview, DEFAULT_MAX_COMPONENTS,
};
use crate::steps::StepText;
use crate::steps::{find_peer, plan_steps, Action, Step};

/// What the preview learnt about one console.
struct ConsoleState {
    report: ConnectionReport,
    records: Result<Vec<Component>, EngineError>,
}

fn blocked(reason: impl Into<Reason>) -> PreviewStatus {
    PreviewStatus::blocked(reason)
}

/// Blocked by a sentence without values.
fn blocked_by(code: ReasonCode, text: &str) -> PreviewStatus {
    PreviewStatus::blocked(Reason::new(code, &[], text))
}

fn already(code: ReasonCode, params: &[(&str, &str)], detail: impl Into<String>) -> PreviewStatus {
    PreviewStatus::already(Reason::new(code, params, detail))
}

fn verdict_reason(name: &str, report: &ConnectionReport) -> Reason {
    Reason::verdict(name, &report.verdict)
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
            .any(|t| t.console == *name && !t.peers.is_empty())
            || (plan.source.create.is_some() && *name == plan.source.console);
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
        checks.push(Check::new(
            format!("console {name:?}: {role}"),
            StepText::new(
                if creates_here {
                    "consoleCanCreate"
                } else {
                    "consoleCanImport"
                },
                &[("console", name)],
            ),
            ok,
            Reason::console_check(&state.report.verdict),
        ));
    }

    // Region 1: the CA and MSP records, the CA itself, the registrar. A plan that creates the
    // organization checks instead that it can create it, until its CA exists.
    let source = &plan.source;
    let done = |key: &str| {
        journal
            .get(&format!("{}/{key}", source.console))
            .is_some_and(|e| e.state == crate::journal::StepState::Done)
    };
    let pending = match &source.create {
        Some(create) if !done("create-ca") => {
            let reason = states
                .get(&source.console)
                .filter(|s| s.report.verdict != Verdict::Ready)
                .map(|s| verdict_reason(&source.console, &s.report));
            checks.push(Check::new(
                format!(
                    "organization {:?} can be created in console {:?}",
                    create.msp_id, source.console
                ),
                StepText::new(
                    "orgCanBeCreated",
                    &[("mspId", &create.msp_id), ("console", &source.console)],
                ),
                reason.is_none(),
                reason.clone().unwrap_or_else(|| {
                    Reason::new(
                        ReasonCode::CanCreateOrg,
                        &[],
                        "manager key on a console that can create CAs and peers",
                    )
                }),
            ));
            Some(reason)
        }
        _ => None,
    };
    let ca_record = engine.source_ca().await;
    let msp_record = engine.source_msp().await;
    let msp_pending = source.create.is_some() && !done("create-msp");
    let mut registrar = Err(EngineError::Blocked(Reason::new(
        ReasonCode::OrgCaMissing,
        &[],
        "the organization's CA does not exist yet",
    )));
    if pending.is_none() {
        for (what, code, id, r, later) in [
            (
                "CA",
                "caInConsole",
                engine.source_ca_id(),
                &ca_record,
                false,
            ),
            (
                "MSP definition",
                "mspInConsole",
                engine.source_msp_id(),
                &msp_record,
                msp_pending,
            ),
        ] {
            if later {
                continue;
            }
            checks.push(Check::new(
                format!(
                    "{what} {:?} in console {:?}",
                    id.clone().unwrap_or_default(),
                    source.console
                ),
                StepText::new(
                    code,
                    &[
                        ("id", &id.unwrap_or_default()),
                        ("console", &source.console),
                    ],
                ),
                r.is_ok(),
                match r {
                    Ok(c) => {
                        let name = c.display_name.as_deref().unwrap_or(&c.id);
                        Reason::new(
                            ReasonCode::Found,
                            &[("name", name)],
                            format!("found ({name})"),
                        )
                    }
                    Err(e) => Reason::from(e),
                },
            ));
        }
        let ca_name = engine.ca_name().await.unwrap_or_else(|_| "ca".to_owned());
        let tlsca_name = ca_record
            .as_ref()
            .ok()
            .and_then(|c| c.msp.as_ref()?.tlsca.as_ref()?.name.clone())
            .unwrap_or_else(|| "tlsca".to_owned());
        let mut ca_ok = true;
        for name in [&ca_name, &tlsca_name] {
            let r = match engine.ca().await {
                Ok(ca) => ca.cainfo(name).await.map_err(EngineError::from),
                Err(e) => Err(e),
            };
            ca_ok &= r.is_ok();
            checks.push(Check::new(
                format!("CA {name:?} reachable"),
                StepText::new("caReachable", &[("ca", name)]),
                r.is_ok(),
                match r {
                    Ok(info) => Reason::new(
                        ReasonCode::CainfoAnswered,
                        &[("version", &info.version)],
                        format!("cainfo answered (version {})", info.version),
                    ),
                    Err(e) => Reason::from(e),
                },
            ));
        }
        registrar = if ca_ok {
            engine.registrar().await.map(|_| ())
        } else {
            Err(EngineError::Blocked(Reason::new(
                ReasonCode::CaNotReachable,
                &[],
                "the CA is not reachable",
            )))
        };
        checks.push(Check::new(
            "registrar can act at the CA".to_owned(),
            StepText::new("registrarCanAct", &[]),
            registrar.is_ok(),
            match &registrar {
                Ok(()) => Reason::new(ReasonCode::Enrolled, &[], "enrolled"),
                Err(e) => Reason::from(e),
            },
        ));
        // The org admin the plan enrolled must really be an admin of the MSP it created.
        if let (Ok(msp), Ok(Some(cert))) = (&msp_record, engine.org_admin_cert()) {
            checks.push(org_admin_check(msp, &cert));
        }
    }

    let channel_preview = engine.channel_preview().await;
    checks.extend(channel_preview.checks.iter().cloned());

    let records = |name: &str| records_of(&states, name);
    let msp_id = msp_record
        .as_ref()
        .ok()
        .and_then(|m| m.msp_id.clone())
        .or_else(|| plan.created_msp_id().map(str::to_owned))
        .unwrap_or_default();

    let mut out: Vec<StepPreview> = Vec::new();
    let mut added: HashMap<String, usize> = HashMap::new();
    for step in plan_steps(&plan) {
        let status = if let Some(done) = journal
            .get(&step.key)
            .filter(|e| e.state == crate::journal::StepState::Done)
        {
            match done.result.as_ref().and_then(|r| r.component_id.as_ref()) {
                Some(id) => already(
                    ReasonCode::DoneEarlierAs,
                    &[("id", id)],
                    format!("done by an earlier run ({id})"),
                ),
                None => already(ReasonCode::DoneEarlier, &[], "done by an earlier run"),
            }
        } else if let Some(reason) = &pending {
            pending_status(&engine, &step, &states, &msp_id, reason.as_ref())
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
                &channel_preview,
            )
            .await
        };
        if status == PreviewStatus::WillDo {
            let lands_in = match &step.action {
                Action::CopyPeer { into, .. } => Some(into.clone()),
                Action::ImportCa
                | Action::ImportMsp
                | Action::ImportSourcePeer { .. }
                | Action::ImportFirstPeer
                | Action::CreateCa
                | Action::CreateMsp
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
            checks.push(Check::new(
                format!("component quota of console {name:?}"),
                StepText::new("consoleQuota", &[("console", name)]),
                total <= DEFAULT_MAX_COMPONENTS,
                Reason::new(
                    ReasonCode::ComponentQuota,
                    &[
                        ("now", &list.len().to_string()),
                        ("total", &total.to_string()),
                        ("limit", &DEFAULT_MAX_COMPONENTS.to_string()),
                    ],
                    format!(
                        "{} components now, {total} after the plan (the console's default limit is {DEFAULT_MAX_COMPONENTS})",
                        list.len()
                    ),
                ),
            ));
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

/// A step's verdict while the organization is still to be created (its CA does not exist):
/// everything waits on the region-1 console being able to create it.
fn pending_status<C: ConsoleApi, A: CaApi>(
    engine: &Engine<'_, C, A>,
    step: &Step,
    states: &HashMap<String, ConsoleState>,
    msp_id: &str,
    cannot_create: Option<&Reason>,
) -> PreviewStatus {
    if let Some(reason) = cannot_create {
        return blocked(
            Reason::new(
                ReasonCode::OrgCannotBeCreated,
                &[],
                format!("the organization cannot be created: {reason}"),
            )
            .with_cause(reason),
        );
    }
    let target = step.console.as_str();
    let list = match records_of(states, target) {
        Ok(l) => l,
        Err(reason) => return blocked(reason),
    };
    match &step.action {
        Action::CreateCa => {
            let Some(create) = &engine.plan().source.create else {
                return blocked_by(ReasonCode::PlanCreatesNoCa, "the plan creates no CA");
            };
            let same = list
                .iter()
                .filter(|c| c.kind() == Some(ComponentType::Ca))
                .filter(|c| c.display_name.as_deref() == Some(create.ca_display_name.as_str()))
                .count();
            if same > 0 {
                return blocked(Reason::new(
                    ReasonCode::ConsoleHoldsCa,
                    &[("console", target), ("ca", &create.ca_display_name)],
                    format!(
                        "console {target:?} already holds a CA named {:?} that this plan did not create",
                        create.ca_display_name
                    ),
                ));
            }
            PreviewStatus::WillDo
        }
        Action::CreatePeer { enroll_id } => {
            let Some(spec) = find_peer(engine.plan(), enroll_id) else {
                return blocked_by(ReasonCode::NoSuchPeer, "no such peer in the plan");
            };
            let found = Engine::<C, A>::find_peer_by_name(list, &spec.display_name, Some(msp_id));
            if !found.is_empty() {
                return blocked(Reason::new(
                    ReasonCode::ConsoleHoldsPeer,
                    &[("console", target), ("peer", &spec.display_name)],
                    format!(
                        "console {target:?} already holds a peer named {:?}",
                        spec.display_name
                    ),
                ));
            }
            match states.get(target) {
                Some(state) if state.report.verdict != Verdict::Ready => {
                    blocked(verdict_reason(target, &state.report))
                }
                _ => PreviewStatus::WillDo,
            }
        }
        _ => PreviewStatus::WillDo,
    }
}

/// Whether `admin_cert_pem` (PEM or base64 of PEM) can act as an admin of the MSP definition
/// `msp`: its certificate must be issued by one of the MSP's roots (directly or through one of
/// its intermediates) and either be listed in `admins`, or — with Node OUs enabled — carry the
/// admin OU (`admin` unless the MSP names another).
pub fn org_admin_check(msp: &Component, admin_cert_pem: &str) -> Check {
    let msp_id = msp.msp_id.as_deref().unwrap_or(&msp.id);
    let result = admin_verdict(msp, admin_cert_pem);
    Check::new(
        format!("org admin identity is an admin of MSP {msp_id:?}"),
        StepText::new("orgAdminIsAdmin", &[("mspId", msp_id)]),
        result.is_ok(),
        result.unwrap_or_else(|e| e),
    )
}

fn admin_verdict(msp: &Component, admin_cert_pem: &str) -> Result<Reason, Reason> {
    use fabric_ha_artifacts::Cert;
    let cert = Cert::from_pem(admin_cert_pem)
        .or_else(|_| Cert::from_b64pem(admin_cert_pem))
        .map_err(|e| {
            Reason::new(
                ReasonCode::AdminCertUnreadable,
                &[("error", &e.to_string())],
                format!("the identity's certificate cannot be read: {e}"),
            )
        })?;
    let parse = |list: Vec<String>| -> Result<Vec<Cert>, Reason> {
        list.iter()
            .map(|c| {
                Cert::from_b64pem(c).map_err(|e| {
                    Reason::new(
                        ReasonCode::MspCertUnreadable,
                        &[("error", &e.to_string())],
                        format!("the MSP holds an unreadable certificate: {e}"),
                    )
                })
            })
            .collect()
    };
    let strings = |key: &str| -> Vec<String> {
        msp.extra
            .get(key)
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let roots = parse(msp.root_certs.clone().unwrap_or_default())?;
    let intermediates = parse(strings("intermediate_certs"))?;
    let member = roots.iter().any(|r| cert.is_issued_by(r))
        || intermediates
            .iter()
            .any(|i| cert.is_issued_by(i) && roots.iter().any(|r| i.is_issued_by(r)));
    let subject = cert.subject();
    if !member {
        return Err(Reason::new(
            ReasonCode::CertNotIssuedByMsp,
            &[("subject", subject)],
            format!("the certificate {subject:?} is not issued by the MSP's root certificates"),
        ));
    }
    let admins = parse(msp.admins.clone().unwrap_or_default())?;
    if admins.iter().any(|a| a.der() == cert.der()) {
        return Ok(Reason::new(
            ReasonCode::ListedAdmin,
            &[("subject", subject)],
            format!("{subject:?} is listed in the MSP's admins"),
        ));
    }
    let ous = msp.extra.get("fabric_node_ous");
    let enabled = ous
        .and_then(|o| o.get("enable"))
        .is_some_and(|e| e == &serde_json::json!(true) || e == &serde_json::json!("enabled"));
    if !enabled {
        return Err(Reason::new(
            ReasonCode::NotAdminNoNodeOus,
            &[("subject", subject)],
            format!("{subject:?} is not in the MSP's admins, and the MSP does not enable Node OUs"),
        ));
    }
    let admin_ou = ous
        .and_then(|o| o.get("admin_ou_identifier"))
        .and_then(|a| a.get("organizational_unit_identifier"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("admin");
    let ous = cert.organizational_units();
    if ous.iter().any(|o| o == admin_ou) {
        Ok(Reason::new(
            ReasonCode::HasAdminOu,
            &[("subject", subject), ("ou", admin_ou)],
            format!("{subject:?} carries the admin OU {admin_ou:?} (Node OUs enabled)"),
        ))
    } else {
        Err(Reason::new(
            ReasonCode::LacksAdminOu,
            &[
                ("subject", subject),
                ("ou", admin_ou),
                ("ous", &ous.join(", ")),
            ],
            format!(
                "{subject:?} is not in the MSP's admins and lacks the admin OU {admin_ou:?} (its OUs: {ous:?})"
            ),
        ))
    }
}

fn records_of<'s>(
    states: &'s HashMap<String, ConsoleState>,
    name: &str,
) -> Result<&'s Vec<Component>, Reason> {
    match states.get(name) {
        Some(s) => s.records.as_ref().map_err(Reason::from),
        None => Err(Reason::new(
            ReasonCode::ConsoleNotInPlan,
            &[("console", name)],
            format!("console {name:?} is not in the plan"),
        )),
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
    channel_preview: &ChannelPreview,
) -> PreviewStatus {
    let target = step.console.as_str();
    let records = |name: &str| records_of(states, name);
    let present = |into: &str,
                   kind: ComponentType,
                   body: Result<serde_json::Value, EngineError>| {
        let list = match records(into) {
            Ok(l) => l,
            Err(reason) => return blocked(reason),
        };
        match body {
            Ok(body) => match find_existing(list, kind, &body) {
                // A stale record (other certificates than the component's): the step
                // updates it. A listed node record carries no ecert or admin certs, so
                // only the certificates a list shows are compared here.
                Some(found) => {
                    let differing: Vec<CertField> = component_differences(found, &body)
                        .into_iter()
                        .filter(|f| {
                            kind == ComponentType::Msp
                                || matches!(
                                    f,
                                    CertField::TlsCert
                                        | CertField::CaRootCerts
                                        | CertField::TlsCaRootCerts
                                )
                        })
                        .collect();
                    match (differing.is_empty(), kind) {
                        (true, _) => already(
                            ReasonCode::PresentAs,
                            &[("console", into), ("id", &found.id)],
                            format!("present in {into:?} as {}", found.id),
                        ),
                        (false, ComponentType::Ca) => {
                            let list = |words: fn(&CertField) -> String| {
                                differing.iter().map(words).collect::<Vec<_>>().join(", ")
                            };
                            let fields = list(|f| f.to_string());
                            already(
                                ReasonCode::PresentWithOtherCerts,
                                &[
                                    ("console", into),
                                    ("id", &found.id),
                                    ("fields", &fields),
                                    ("paths", &list(|f| f.path().to_owned())),
                                ],
                                format!(
                                    "present in {into:?} as {} with other certificates ({fields}); the console's edit route does not change a CA's",
                                    found.id
                                ),
                            )
                        }
                        (false, _) => PreviewStatus::WillDo,
                    }
                }
                None => PreviewStatus::WillDo,
            },
            Err(e) => blocked(e),
        }
    };
    match &step.action {
        Action::ImportCa => present(
            target,
            ComponentType::Ca,
            ca_record.clone().and_then(|r| ca_import_body(&r)),
        ),
        Action::ImportMsp if msp_record.is_err() && engine.plan().source.create.is_some() => {
            PreviewStatus::WillDo
        }
        Action::ImportMsp => present(
            target,
            ComponentType::Msp,
            msp_record.clone().and_then(|r| msp_import_body(&r)),
        ),
        Action::CreateCa
        | Action::WaitCa
        | Action::EnrollCaAdmin
        | Action::RegisterAdmin { .. }
        | Action::EnrollAdmin { .. }
        | Action::CreateMsp => PreviewStatus::WillDo,
        Action::ImportFirstPeer => {
            let source = &engine.plan().source.console;
            let Some(first) = engine.plan().source.create.as_ref().map(|c| &c.first_peer) else {
                return blocked_by(
                    ReasonCode::PlanCreatesNoFirstPeer,
                    "the plan creates no first peer",
                );
            };
            match engine
                .result(&format!("{source}/create/{}", first.enroll_id))
                .and_then(|r| r.api_url)
            {
                Some(url) => present(
                    target,
                    ComponentType::Peer,
                    Ok(serde_json::json!({ "api_url": url })),
                ),
                None => PreviewStatus::WillDo,
            }
        }
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
                    None => Err(EngineError::Blocked(Reason::new(
                        ReasonCode::ConsoleHasNoPeer,
                        &[("console", source), ("peer", peer)],
                        format!("console {source:?} has no peer {peer:?}"),
                    ))),
                },
                Err(reason) => Err(EngineError::Blocked(reason)),
            };
            present(target, ComponentType::Peer, body)
        }
        Action::Register { enroll_id } => {
            if let Err(e) = registrar {
                return blocked(
                    Reason::new(
                        ReasonCode::RegistrarCannotActBecause,
                        &[],
                        format!("the registrar cannot act at the CA: {e}"),
                    )
                    .with_cause(&Reason::from(e)),
                );
            }
            let Ok(reg) = engine.registrar().await else {
                return blocked_by(
                    ReasonCode::RegistrarCannotAct,
                    "the registrar cannot act at the CA",
                );
            };
            let ca_name = engine.ca_name().await.unwrap_or_else(|_| "ca".to_owned());
            let stored = engine.stored_secret(enroll_id);
            let looked_up = match engine.ca().await {
                Ok(ca) => ca.identity(reg, &ca_name, enroll_id).await,
                Err(e) => return blocked(e),
            };
            match (looked_up, stored) {
                (_, Err(e)) => blocked(e),
                (Ok(_), Ok(Some(_))) => already(
                    ReasonCode::RegisteredByPlan,
                    &[],
                    "registered by this plan",
                ),
                (Ok(_), Ok(None)) => blocked(Reason::new(
                    ReasonCode::EnrollIdRegisteredElsewhere,
                    &[("enrollId", enroll_id)],
                    format!(
                        "enroll id {enroll_id:?} is already registered at the CA, not by this plan: its secret is unknown here"
                    ),
                )),
                (Err(e), _) if e.kind() == Some(CaErrorKind::NotFound) => PreviewStatus::WillDo,
                (Err(e), _) => {
                    let code = EngineError::Ca(e.clone()).code();
                    blocked(Reason::error(e.to_string(), &code))
                }
            }
        }
        Action::CreatePeer { enroll_id } => {
            let Some(spec) = find_peer(engine.plan(), enroll_id) else {
                return blocked_by(ReasonCode::NoSuchPeer, "no such peer in the plan");
            };
            let list = match records(target) {
                Ok(l) => l,
                Err(reason) => return blocked(reason),
            };
            let found = Engine::<C, A>::find_peer_by_name(list, &spec.display_name, Some(msp_id));
            if let [one] = found.as_slice() {
                return already(
                    ReasonCode::PresentAs,
                    &[("console", target), ("id", &one.id)],
                    format!("present in {target:?} as {}", one.id),
                );
            }
            if found.len() > 1 {
                return blocked(Reason::new(
                    ReasonCode::ConsoleHoldsPeers,
                    &[
                        ("console", target),
                        ("count", &found.len().to_string()),
                        ("peer", &spec.display_name),
                    ],
                    format!(
                        "console {target:?} holds {} peers named {:?}",
                        found.len(),
                        spec.display_name
                    ),
                ));
            }
            if let Some(state) = states.get(target) {
                if state.report.verdict != Verdict::Ready {
                    return blocked(verdict_reason(target, &state.report));
                }
            }
            if let Some(reason) =
                earlier(out, &format!("{target}/import-ca")).and_then(PreviewStatus::blocked_reason)
            {
                return blocked(
                    Reason::new(
                        ReasonCode::CaImportBlocked,
                        &[("console", target)],
                        format!(
                            "unknown_enroll_host: the CA must be imported into {target:?} before the peer is created, and that step is blocked ({reason})"
                        ),
                    )
                    .with_cause(&reason),
                );
            }
            if let Some(reason) = earlier(out, &format!("{target}/register/{enroll_id}"))
                .and_then(PreviewStatus::blocked_reason)
            {
                return blocked(
                    Reason::new(
                        ReasonCode::RegisterBlocked,
                        &[],
                        format!("its enroll id cannot be registered ({reason})"),
                    )
                    .with_cause(&reason),
                );
            }
            PreviewStatus::WillDo
        }
        Action::WaitRunning { enroll_id } => {
            match earlier(out, &format!("{target}/create/{enroll_id}")) {
                Some(PreviewStatus::Blocked { .. }) => blocked_by(
                    ReasonCode::PeerCannotBeCreated,
                    "the peer cannot be created",
                ),
                Some(PreviewStatus::AlreadyDone { .. }) => {
                    let Some(spec) = find_peer(engine.plan(), enroll_id) else {
                        return blocked_by(ReasonCode::NoSuchPeer, "no such peer in the plan");
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
                            Ok(s) if s.iter().any(|(_, s)| s.health == Health::Ok) => already(
                                ReasonCode::Running,
                                &[("id", &peer.id)],
                                format!("{} is running", peer.id),
                            ),
                            _ => PreviewStatus::WillDo,
                        },
                        Err(e) => blocked(e),
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
                Some(PreviewStatus::Blocked { .. }) => blocked_by(
                    ReasonCode::PeerCannotBeCreated,
                    "the peer cannot be created",
                ),
                Some(PreviewStatus::AlreadyDone { .. }) => {
                    let Some(spec) = find_peer(engine.plan(), enroll_id) else {
                        return blocked_by(ReasonCode::NoSuchPeer, "no such peer in the plan");
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
        Action::JoinChannel { .. }
        | Action::InstallChaincodes { .. }
        | Action::AnchorPeers { .. } => engine.channel_step_status(channel_preview, step).await,
    }
}
