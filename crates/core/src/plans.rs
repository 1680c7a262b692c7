//! HA replication plans on the workspace: save, show, preview, apply (and resume), status and
//! report, over `fabric-ha-engine` with the workspace's consoles, its vault and its library.
//!
//! Like the console calls, these block the calling thread on the core's runtime; progress
//! arrives on the channel given in [`fabric_ha_engine::ApplyOptions::progress`].

use std::collections::{BTreeMap, HashMap};

use fabric_ha_console::{ConsoleClient, ConsoleError};
use fabric_ha_engine::journal::{self, JournalEntry, PlanRecord, StepState};
use fabric_ha_engine::report::{self, Report};
use fabric_ha_engine::{
    plan_steps, ApplyOptions, Context, EngineError, Plan, Preview, Progress, ReasonCode, Registrar,
    RegistrarCredential, RunOutcome, StepText,
};
use fabric_ha_fabric_ca::{CaIdentity, ClientOptions as CaOptions, FabricCaClient, TlsPin};
use fabric_ha_sensitive::Sensitive;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::consoles::block_on;
use crate::error::{from_store, CoreError, ErrorCode};
use crate::library::private_key_secret_id;
use crate::runlock;
use crate::workspace::Workspace;

pub use fabric_ha_engine as engine;

/// The check that the org admin identity `id` is an admin of the MSP, failed: the identity or
/// the MSP could not be read (`message`, an error of code `code`).
fn not_admin_check(id: &str, message: String, code: ErrorCode) -> fabric_ha_engine::Check {
    let code = serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    fabric_ha_engine::Check::new(
        format!("org admin identity {id:?} is an admin of the MSP"),
        fabric_ha_engine::StepText::new("orgAdminIdentityIsAdmin", &[("identity", id)]),
        false,
        fabric_ha_engine::Reason::error(message, &code),
    )
}

impl From<EngineError> for CoreError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Console { source, .. } => CoreError::Console(source),
            EngineError::Ca(e) => CoreError::Ca(e),
            EngineError::InvalidPlan(reason) => CoreError::InvalidInput {
                field: "plan".to_owned(),
                reason,
            },
            EngineError::Storage(msg) => CoreError::Storage(msg),
            other => CoreError::Internal(other.to_string()),
        }
    }
}

/// One step with its journal state, for `plan status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanStepStatus")]
pub struct StepStatus {
    /// Step key.
    pub step: String,
    /// Position in the plan.
    pub number: usize,
    /// Region console.
    pub console: String,
    /// The step's sentence.
    pub description: String,
    /// The sentence as a code and values (the window's language).
    pub text: StepText,
    /// `pending`, `started`, `done` or `failed`.
    pub state: String,
    /// Attempts over every run.
    pub attempts: u32,
    /// Component id it produced or found.
    pub component_id: Option<String>,
    /// Last error of a failed step.
    pub error: Option<String>,
    /// Which sentence `error` is (absent in a journal from before it was kept).
    pub reason: Option<ReasonCode>,
    /// The values it names, by name.
    pub params: BTreeMap<String, String>,
}

/// A plan with the state of each of its steps.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanStatus {
    /// The stored plan.
    #[serde(flatten)]
    pub record: PlanRecord,
    /// Every step.
    pub steps: Vec<StepStatus>,
    /// Steps done.
    pub done: usize,
}

/// A new plan as the app's wizard sends it: the plan file, and the registrar's enroll secret
/// when the registrar is an enroll id (sent once, stored encrypted, never returned).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanCreateInput {
    /// The plan.
    pub plan: Plan,
    /// The registrar's enroll secret, for [`Registrar::EnrollId`].
    #[ts(type = "string | null")]
    pub registrar_secret: Option<Sensitive<String>>,
}

/// The report of a plan, as data and as Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanReportView {
    /// The report.
    pub report: Report,
    /// The same as Markdown.
    pub markdown: String,
}

/// One progress update of a run, as the app emits it (event `plan://progress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanProgressUpdate {
    /// Plan name.
    pub plan: String,
    /// The step update.
    pub progress: Progress,
}

/// The end of a run, as the app emits it (event `plan://finished`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanFinished {
    /// Plan name.
    pub plan: String,
    /// How the run ended, when it ran.
    pub outcome: Option<RunOutcome>,
    /// Why it could not run or stopped early.
    pub error: Option<crate::IpcError>,
}

/// What to export of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PlanExportKind {
    /// The plan file (JSON, the format `fabric-ha plan new --from` reads).
    Plan,
    /// The report as JSON.
    ReportJson,
    /// The report as Markdown.
    ReportMarkdown,
}

/// A file to write: the proposed name and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanExport {
    /// Proposed file name.
    pub file_name: String,
    /// The contents.
    pub text: String,
}

/// A file name from a plan name: letters, digits, `-`, `_` and `.` kept, the rest `-`.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches(|c| c == '-' || c == '.').to_owned();
    if stem.is_empty() {
        "plan".to_owned()
    } else {
        stem
    }
}

fn status_of(record: PlanRecord, journal: &HashMap<String, JournalEntry>) -> PlanStatus {
    let steps: Vec<StepStatus> = plan_steps(&record.plan)
        .into_iter()
        .map(|s| {
            let e = journal.get(&s.key);
            let (reason, params) = match e.and_then(|e| e.error_reason.clone()) {
                Some((code, params)) => (Some(code), params),
                None => (None, BTreeMap::new()),
            };
            StepStatus {
                state: match e.map(|e| e.state) {
                    None => "pending",
                    Some(StepState::Started) => "started",
                    Some(StepState::Done) => "done",
                    Some(StepState::Failed) => "failed",
                }
                .to_owned(),
                attempts: e.map_or(0, |e| e.attempts),
                component_id: e.and_then(|e| e.result.as_ref()?.component_id.clone()),
                error: e.and_then(|e| e.error.clone()),
                reason,
                params,
                step: s.key,
                number: s.number,
                console: s.console,
                description: s.description,
                text: s.text,
            }
        })
        .collect();
    let done = steps.iter().filter(|s| s.state == "done").count();
    PlanStatus {
        record,
        steps,
        done,
    }
}

impl Workspace {
    /// Saves a new plan. With [`Registrar::EnrollId`], `registrar_secret` is that id's enroll
    /// secret, stored encrypted with the plan in one transaction.
    ///
    /// A plan with channels signs its channel steps with `source.org_admin_identity`; when it
    /// names none, the wallet's admin of the MSP definition is chosen (by name among several).
    pub fn plan_new(
        &self,
        mut plan: Plan,
        registrar_secret: Option<Sensitive<String>>,
    ) -> Result<PlanRecord, CoreError> {
        plan.validate()?;
        for name in plan.consoles() {
            self.console_row(name)?;
        }
        if let Some(id) = &plan.source.org_admin_identity {
            self.library_identity(id)?;
        } else if !plan.channels.is_empty() && plan.source.create.is_none() {
            plan.source.org_admin_identity = Some(self.wallet_admin_of(&plan)?);
        }
        if plan.source.tls_identity.is_some() {
            if plan.source.create.is_some() {
                return Err(CoreError::InvalidInput {
                    field: "--tls-as".into(),
                    reason: "a plan that creates the organization reaches peers the console creates, which do not require client certificates: leave it out".into(),
                });
            }
            // Refused now, not when the channel steps run: a name the wallet lacks, or an
            // identity without its key.
            self.client_tls_for(plan.source.tls_identity.as_deref())?;
        }
        match (&plan.source.registrar, &registrar_secret) {
            (Registrar::EnrollId(_), Some(_)) if plan.source.create.is_some() => {
                return Err(CoreError::InvalidInput {
                    field: "registrarSecret".into(),
                    reason: "the plan creates its CA and generates the CA admin's secret; do not give one".into(),
                })
            }
            (Registrar::EnrollId(_), None) if plan.source.create.is_some() => {}
            (Registrar::EnrollId(_), None) => {
                return Err(CoreError::InvalidInput {
                    field: "registrarSecret".into(),
                    reason: "the registrar's enroll secret is needed".into(),
                })
            }
            (Registrar::LibraryIdentity(id), _) => {
                self.library_identity(id)?;
            }
            _ => {}
        }
        let record = journal::insert_plan(self.store(), &plan)?;
        if let Some(secret) = registrar_secret {
            let stored = self.with_vault(|vault, store| {
                vault
                    .put_str(
                        store,
                        &journal::registrar_secret_id(&record.id),
                        secret.expose(),
                    )
                    .map_err(from_store)
            });
            if let Err(e) = stored {
                // Without its secret the plan cannot run: do not leave it behind.
                self.store()
                    .with_conn(|c| c.execute("DELETE FROM plans WHERE id = ?1", [&record.id]))
                    .map_err(from_store)?;
                return Err(e);
            }
        }
        tracing::info!(plan = %record.plan.name, "plan saved");
        Ok(record)
    }

    /// Every plan, by name.
    pub fn plans(&self) -> Result<Vec<PlanRecord>, CoreError> {
        Ok(journal::list_plans(self.store())?)
    }

    /// Plans whose journal says a run is in progress but no process is applying them: the
    /// process died (crash, kill, power loss). Resuming them continues from the journal.
    pub fn plans_interrupted(&self) -> Result<Vec<PlanRecord>, CoreError> {
        let mut out = Vec::new();
        for record in self.plans()? {
            if record.state == journal::PlanState::Running
                && !runlock::is_held(self.data_dir(), &record.id)?
            {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// The plan named `name`.
    pub fn plan(&self, name: &str) -> Result<PlanRecord, CoreError> {
        journal::get_plan(self.store(), name)?.ok_or_else(|| CoreError::NotFound {
            what: format!("plan {name:?}"),
        })
    }

    /// The plan and the journal state of every step.
    pub fn plan_status(&self, name: &str) -> Result<PlanStatus, CoreError> {
        let record = self.plan(name)?;
        let journal = journal::journal(self.store(), &record.id)?;
        Ok(status_of(record, &journal))
    }

    /// The report (JSON-serializable; [`Report::to_markdown`] for Markdown).
    pub fn plan_report(&self, name: &str) -> Result<Report, CoreError> {
        let record = self.plan(name)?;
        let journal = journal::journal(self.store(), &record.id)?;
        Ok(report::build(&record, &journal))
    }

    /// The dry run against the consoles and the CA as they are now.
    pub fn plan_preview(&self, name: &str) -> Result<Preview, CoreError> {
        let record = self.plan(name)?;
        let (consoles, ca) = self.plan_clients(&record)?;
        let registrar = self.plan_registrar(&record)?;
        let org_admin = self.plan_org_admin(&record)?;
        let mut preview = self.with_vault(|vault, store| {
            let ctx = Context {
                plan: &record,
                consoles: &consoles,
                ca: ca.as_ref(),
                registrar,
                store,
                vault,
                org_admin,
            };
            Ok(block_on(fabric_ha_engine::preview(ctx))??)
        })?;
        // The org admin identity the plan names must really be an admin of the MSP.
        if let (Some(id), None) = (
            &record.plan.source.org_admin_identity,
            &record.plan.source.create,
        ) {
            let source = &record.plan.source;
            let check = match (self.library_identity(id), consoles.get(&source.console)) {
                (Ok((cert, _)), Some(client)) => {
                    match block_on(fabric_ha_engine::ConsoleApi::get(client, &source.msp))? {
                        Ok(msp) => fabric_ha_engine::org_admin_check(&msp, &cert),
                        Err(e) => {
                            let code = CoreError::Console(e.clone()).code();
                            not_admin_check(id, e.to_string(), code)
                        }
                    }
                }
                (Err(e), _) => not_admin_check(id, e.to_string(), e.code()),
                (_, None) => {
                    return Err(CoreError::Internal(
                        "no client for the source console".into(),
                    ))
                }
            };
            preview.ready &= check.ok;
            preview.checks.push(check);
        }
        Ok(preview)
    }

    /// Applies the plan, or resumes it from its journal: the same call either way.
    /// Only one process applies a plan at a time: a second one gets
    /// [`CoreError::PlanBusy`] before anything is read or changed.
    pub fn plan_apply(&self, name: &str, options: &ApplyOptions) -> Result<RunOutcome, CoreError> {
        let record = self.plan(name)?;
        let _run = runlock::acquire(self.data_dir(), &record.id, &record.plan.name)?;
        let (consoles, ca) = self.plan_clients(&record)?;
        let registrar = self.plan_registrar(&record)?;
        let org_admin = self.plan_org_admin(&record)?;
        let outcome = self.with_vault(|vault, store| {
            let ctx = Context {
                plan: &record,
                consoles: &consoles,
                ca: ca.as_ref(),
                registrar,
                store,
                vault,
                org_admin,
            };
            Ok(block_on(fabric_ha_engine::apply(ctx, options))??)
        })?;
        self.plan_store_org_admin(&record)?;
        Ok(outcome)
    }

    /// Adds the org admin a plan with `source.create` enrolled to the library, as an identity
    /// (its key encrypted). Idempotent: the same certificate and key are stored once.
    fn plan_store_org_admin(&self, record: &PlanRecord) -> Result<(), CoreError> {
        let Some(create) = &record.plan.source.create else {
            return Ok(());
        };
        let (cert_id, key_id) = (
            journal::org_admin_cert_id(&record.id),
            journal::org_admin_key_id(&record.id),
        );
        let identity = self.with_vault(|vault, store| {
            let has = |id: &str| vault.contains(store, id).map_err(from_store);
            if !(has(&cert_id)? && has(&key_id)?) {
                return Ok(None);
            }
            let cert = vault.get_str(store, &cert_id).map_err(from_store)?;
            let key = vault.get_str(store, &key_id).map_err(from_store)?;
            use base64::Engine as _;
            let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
            Ok(Some(Sensitive::new(
                serde_json::json!({
                    "name": format!("{} admin", create.msp_id),
                    "type": "identity",
                    "cert": b64(cert.expose()),
                    "private_key": b64(key.expose()),
                })
                .to_string(),
            )))
        })?;
        let Some(file) = identity else {
            return Ok(());
        };
        let report = self.import_files(vec![(
            format!("{}_identity.json", create.org_admin_enroll_id),
            file.expose().as_bytes().to_vec(),
        )])?;
        if let Some(f) = report.files.first() {
            tracing::info!(plan = %record.plan.name, status = ?f.status, "org admin identity stored in the library");
        }
        Ok(())
    }

    /// The report with its Markdown.
    pub fn plan_report_view(&self, name: &str) -> Result<PlanReportView, CoreError> {
        let report = self.plan_report(name)?;
        let markdown = report.to_markdown();
        Ok(PlanReportView { report, markdown })
    }

    /// The plan file or its report, ready to write.
    pub fn plan_export(&self, name: &str, kind: PlanExportKind) -> Result<PlanExport, CoreError> {
        let stem = file_stem(name);
        Ok(match kind {
            PlanExportKind::Plan => PlanExport {
                file_name: format!("{stem}.plan.json"),
                text: self.plan(name)?.plan.to_json(),
            },
            PlanExportKind::ReportJson => {
                let report = self.plan_report(name)?;
                let mut text = serde_json::to_string_pretty(&report)
                    .map_err(|e| CoreError::Internal(e.to_string()))?;
                text.push('\n');
                PlanExport {
                    file_name: format!("{stem}.report.json"),
                    text,
                }
            }
            PlanExportKind::ReportMarkdown => PlanExport {
                file_name: format!("{stem}.report.md"),
                text: self.plan_report(name)?.to_markdown(),
            },
        })
    }

    /// Applies (or resumes) the plan with `options` (its cancel token, poll interval, ...),
    /// handing every progress update to `on_progress` as it happens (on a thread of its own;
    /// `options.progress` is replaced). Returns once the run has ended and every update was
    /// handed over.
    pub fn plan_apply_observed(
        &self,
        name: &str,
        options: ApplyOptions,
        on_progress: impl FnMut(Progress) + Send,
    ) -> Result<RunOutcome, CoreError> {
        let mut on_progress = on_progress;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                while let Some(update) = rx.blocking_recv() {
                    on_progress(update);
                }
            });
            let options = ApplyOptions {
                progress: Some(tx),
                ..options
            };
            // Dropping the options closes the channel: the forwarding thread ends.
            self.plan_apply(name, &options)
        })
    }

    /// A client for every console of the plan, and one for the region-1 CA (its URL and TLS
    /// certificate read from the CA's record in the source console).
    fn plan_clients(
        &self,
        record: &PlanRecord,
    ) -> Result<(HashMap<String, ConsoleClient>, Option<FabricCaClient>), CoreError> {
        let mut consoles = HashMap::new();
        for name in record.plan.consoles() {
            let row = self.console_row(name)?;
            consoles.insert(name.to_owned(), self.console_client(&row)?);
        }
        let source = &record.plan.source;
        if source.create.is_some() {
            // The engine connects to the CA the plan creates once it exists.
            return Ok((consoles, None));
        }
        let client = consoles
            .get(&source.console)
            .ok_or_else(|| CoreError::Internal("no client for the source console".into()))?;
        let ca = block_on(fabric_ha_engine::ConsoleApi::get(client, &source.ca))?
            .map_err(CoreError::Console)?;
        let tls = ca
            .msp
            .as_ref()
            .and_then(|m| m.component.as_ref())
            .and_then(|c| c.tls_cert.clone())
            .ok_or_else(|| {
                CoreError::Console(ConsoleError::InvalidResponse {
                    path: format!("/ak/api/v3/components/{}", source.ca),
                    reason: "the CA record has no msp.component.tls_cert".into(),
                })
            })?;
        let url = ca.api_url.clone().unwrap_or_default();
        let ca_client = FabricCaClient::new(&url, &TlsPin::from_pem(&tls)?, CaOptions::default())?;
        Ok((consoles, Some(ca_client)))
    }

    fn plan_registrar(&self, record: &PlanRecord) -> Result<RegistrarCredential, CoreError> {
        if record.plan.source.create.is_some() {
            return Ok(RegistrarCredential::Generated);
        }
        match &record.plan.source.registrar {
            Registrar::EnrollId(id) => {
                let secret = self.with_vault(|vault, store| {
                    vault
                        .get_str(store, &journal::registrar_secret_id(&record.id))
                        .map_err(from_store)
                })?;
                Ok(RegistrarCredential::Enroll {
                    enroll_id: id.clone(),
                    secret,
                })
            }
            Registrar::LibraryIdentity(id) => {
                let (cert, key) = self.library_identity(id)?;
                Ok(RegistrarCredential::Identity(CaIdentity::from_pem(
                    &cert, &key,
                )?))
            }
        }
    }

    /// The org admin that signs the channel steps: the library identity the plan names.
    /// (A plan that creates the organization signs with the admin it enrolled.)
    fn plan_org_admin(
        &self,
        record: &PlanRecord,
    ) -> Result<Option<fabric_ha_engine::OrgAdminCredential>, CoreError> {
        let source = &record.plan.source;
        let (Some(id), None) = (&source.org_admin_identity, &source.create) else {
            return Ok(None);
        };
        let (cert_pem, key_pem) = self.library_identity(id)?;
        let identity = self
            .store()
            .get_artifact(id)
            .map_err(from_store)?
            .map_or_else(|| id.clone(), |row| row.display_name);
        Ok(Some(fabric_ha_engine::OrgAdminCredential {
            identity,
            cert_pem,
            key_pem,
            client_tls: self.client_tls_for(source.tls_identity.as_deref())?,
        }))
    }

    /// The wallet identity that is an admin of the plan's MSP definition (its certificate
    /// listed, or an admin OU under Node OUs), by name among several.
    fn wallet_admin_of(&self, plan: &Plan) -> Result<String, CoreError> {
        let source = &plan.source;
        let row = self.console_row(&source.console)?;
        let client = self.console_client(&row)?;
        let msp = block_on(fabric_ha_engine::ConsoleApi::get(&client, &source.msp))?
            .map_err(CoreError::Console)?;
        let mut rows = self
            .store()
            .list_artifacts(Some("identity"))
            .map_err(from_store)?;
        rows.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        for row in rows {
            let cert = serde_json::from_str::<serde_json::Value>(&row.body)
                .ok()
                .and_then(|b| b.get("cert")?.as_str().map(str::to_owned));
            if let Some(cert) = cert {
                if fabric_ha_engine::org_admin_check(&msp, &cert).ok {
                    return Ok(row.id);
                }
            }
        }
        Err(CoreError::InvalidInput {
            field: "orgAdminIdentity".into(),
            reason: format!(
                "the plan joins channels, signed by an admin of {}: no wallet identity is one; import the org admin's identity file, or name one",
                msp.msp_id.as_deref().unwrap_or(&source.msp)
            ),
        })
    }

    /// Certificate and private key of a library identity.
    fn library_identity(&self, id: &str) -> Result<(String, Sensitive<String>), CoreError> {
        let row = self
            .store()
            .get_artifact(id)
            .map_err(from_store)?
            .filter(|r| r.kind == "identity")
            .ok_or_else(|| CoreError::NotFound {
                what: format!("identity {id:?} in the library"),
            })?;
        let body: serde_json::Value =
            serde_json::from_str(&row.body).map_err(|e| CoreError::Storage(e.to_string()))?;
        let cert = body
            .get("cert")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| CoreError::Storage(format!("identity {id:?} has no certificate")))?
            .to_owned();
        let key = self.with_vault(|vault, store| {
            vault
                .get_str(store, &private_key_secret_id(id))
                .map_err(from_store)
        })?;
        Ok((cert, key))
    }
}
