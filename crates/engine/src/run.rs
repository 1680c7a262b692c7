//! Preview and apply: one lane per target region, running concurrently; inside a lane the steps
//! run in order. Every step journals its intent, looks whether its effect is already in place,
//! acts only if not, and journals the outcome.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use fabric_ha_console::{
    certificate_update, component_differences, find_existing, Component, ComponentType, Health,
    Verdict,
};
use fabric_ha_fabric_ca::{CaErrorKind, CaIdentity, EnrollRequest, RegistrationRequest};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_store::{Store, Vault};
use rand::RngCore as _;
use serde::Serialize;
use tokio::sync::{mpsc, OnceCell};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::bodies::{
    ca_import_body, ca_no_api_url, ca_no_tls_cert, create_ca_body, create_msp_body,
    create_peer_body, msp_import_body, peer_import_body,
};
use crate::channels::{FabricState, OrgAdminCredential};
use crate::clients::{CaApi, ConsoleApi};
use crate::error::EngineError;
use crate::journal::{
    self, enroll_secret_id, org_admin_cert_id, org_admin_key_id, registrar_secret_id, PlanRecord,
    PlanState, StepResult, StepState,
};
use crate::plan::Registrar;
use crate::reason::{blocked, Reason, ReasonCode};
use crate::steps::{find_peer, plan_steps, Action, Step, StepText, ALL_REGIONS, BOOTSTRAP_REGION};

/// Who registers the new enroll ids, ready to use.
pub enum RegistrarCredential {
    /// An enrolled identity (certificate and key) allowed to register peers.
    Identity(CaIdentity),
    /// The CA admin's enroll id and secret; the engine enrolls it when first needed.
    Enroll {
        /// Enroll id.
        enroll_id: String,
        /// Its secret.
        secret: Sensitive<String>,
    },
    /// The admin of the CA the plan creates (`source.create`): its enroll id is the plan's
    /// registrar, its secret the one the engine generated and kept in the vault.
    Generated,
}

/// Everything a preview or a run works with. The clients come in through traits, so tests use
/// the test servers and the app the real clients.
pub struct Context<'a, C: ConsoleApi, A: CaApi> {
    /// The stored plan.
    pub plan: &'a PlanRecord,
    /// A client for every console of the plan, by workspace name.
    pub consoles: &'a HashMap<String, C>,
    /// A client for the region-1 CA; `None` when the plan creates the CA (the engine connects
    /// to it with [`CaApi::connect`] once it exists).
    pub ca: Option<&'a A>,
    /// The registrar.
    pub registrar: RegistrarCredential,
    /// The workspace database (journal).
    pub store: &'a Store,
    /// The workspace vault (enroll secrets).
    pub vault: &'a Vault,
    /// The organization's admin that signs the channel steps (join, install, anchor peers):
    /// the library identity the plan names. `None` for a plan that creates the organization
    /// (it signs with the admin it enrolled) or has no channels.
    pub org_admin: Option<OrgAdminCredential>,
}

/// Where a hook is called during a run (see [`ApplyOptions::hook`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookPoint<'s> {
    /// A step's effect is in place but its outcome is not journaled yet; `count` steps have
    /// reached this point in this run.
    EffectDone {
        /// Steps that reached this point in this run, this one included.
        count: usize,
        /// The step key.
        step: &'s str,
    },
    /// A step's outcome was journaled; `count` outcomes were journaled in this run.
    OutcomeRecorded {
        /// Outcomes journaled in this run, this one included.
        count: usize,
        /// The step key.
        step: &'s str,
    },
}

/// A callback at journal boundaries (crash tests stop the process here).
pub type Hook = Arc<dyn Fn(HookPoint<'_>) + Send + Sync>;

/// How a run behaves.
pub struct ApplyOptions {
    /// Longest time between status polls while waiting for a peer. Polling starts at
    /// [`MIN_POLL_INTERVAL`] (or this, when shorter) and the gap grows with the time waited (a
    /// tenth of it), so a peer that runs early is noticed early and a long deploy is polled
    /// every `poll_interval`.
    pub poll_interval: Duration,
    /// First wait before retrying a step that failed transiently (doubles, at most 30 s).
    pub retry_backoff: Duration,
    /// Attempts per step and run before the region stops (transient errors only).
    pub max_attempts: u32,
    /// Cancels the run; in-flight steps stop and stay resumable.
    pub cancel: CancellationToken,
    /// Step updates for a UI or a terminal.
    pub progress: Option<mpsc::UnboundedSender<Progress>>,
    /// Called at journal boundaries.
    pub hook: Option<Hook>,
    /// Regions run at the same time at most; `None` (the default) runs every region at once,
    /// `Some(1)` runs them strictly one after another, in plan order.
    pub max_concurrent_regions: Option<NonZeroUsize>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            poll_interval: Duration::from_secs(5),
            retry_backoff: Duration::from_secs(2),
            max_attempts: 6,
            cancel: CancellationToken::new(),
            progress: None,
            hook: None,
            max_concurrent_regions: None,
        }
    }
}

/// One update of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanProgress")]
pub struct Progress {
    /// Step key.
    pub step: String,
    /// Position in the plan's step list.
    pub number: usize,
    /// Steps in the plan.
    pub total: usize,
    /// The region's console.
    pub console: String,
    /// The region label.
    pub region: String,
    /// The step's sentence.
    pub description: String,
    /// The sentence as a code and values (the window's language).
    pub text: crate::steps::StepText,
    /// What happened.
    pub event: ProgressEvent,
}

/// What happened to a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "PlanProgressEvent")]
pub enum ProgressEvent {
    /// The step started (its intent is journaled).
    Started,
    /// Done; `already_present` when nothing had to be sent.
    Done {
        /// The effect was already in place.
        already_present: bool,
        /// Component id, when the step made or found one.
        component_id: Option<String>,
    },
    /// Done in an earlier run (from the journal).
    Skipped,
    /// A joined peer's height while it catches up with the region-1 peer.
    CatchUp {
        /// Its height now.
        #[ts(type = "number")]
        height: u64,
        /// The region-1 peer's height at join time.
        #[ts(type = "number")]
        target: u64,
    },
    /// Failed transiently; it will be tried again.
    Retrying {
        /// Attempt that failed.
        attempt: u32,
        /// Which sentence `message` is.
        reason: ReasonCode,
        /// The values it names, by name.
        params: BTreeMap<String, String>,
        /// Why.
        message: String,
    },
    /// Failed; the region stops here.
    Failed {
        /// Stable code.
        code: String,
        /// Which sentence `message` is.
        reason: ReasonCode,
        /// The values it names, by name.
        params: BTreeMap<String, String>,
        /// Why.
        message: String,
    },
}

/// How a region's lane ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanRegionOutcome")]
pub struct RegionOutcome {
    /// The region's console.
    pub console: String,
    /// The region label.
    pub region: String,
    /// Every step of the region is done.
    pub completed: bool,
    /// The first failure, when not completed.
    pub failure: Option<Failure>,
}

/// A step failure, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanFailure")]
pub struct Failure {
    /// Step key.
    pub step: String,
    /// Stable code.
    pub code: String,
    /// Which sentence `message` is.
    pub reason: ReasonCode,
    /// The values it names, by name.
    pub params: BTreeMap<String, String>,
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub fix: String,
    /// Resuming as is may succeed (the cause was transient).
    pub resumable: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanRunOutcome")]
pub struct RunOutcome {
    /// Plan name.
    pub plan: String,
    /// Every step is done.
    pub completed: bool,
    /// The run was cancelled.
    pub cancelled: bool,
    /// Per region.
    pub regions: Vec<RegionOutcome>,
}

/// The preview's verdict on one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(export, rename = "PlanPreviewStatus")]
pub enum PreviewStatus {
    /// The step will act.
    WillDo,
    /// The effect is already in place.
    AlreadyDone {
        /// Which sentence `detail` is.
        code: ReasonCode,
        /// The values it names, by name.
        params: BTreeMap<String, String>,
        /// Where (component id) or how it was found.
        detail: String,
    },
    /// The step cannot run as things stand.
    Blocked {
        /// Which sentence `reason` is.
        code: ReasonCode,
        /// The values it names, by name.
        params: BTreeMap<String, String>,
        /// Why, and what to do.
        reason: String,
    },
}

impl PreviewStatus {
    /// Blocked, for `reason`.
    pub fn blocked(reason: impl Into<Reason>) -> Self {
        let Reason { code, params, text } = reason.into();
        PreviewStatus::Blocked {
            code,
            params,
            reason: text,
        }
    }

    /// Already done, as `detail` says.
    pub fn already(detail: Reason) -> Self {
        let Reason { code, params, text } = detail;
        PreviewStatus::AlreadyDone {
            code,
            params,
            detail: text,
        }
    }

    /// The reason of a blocked step.
    pub fn blocked_reason(&self) -> Option<Reason> {
        match self {
            PreviewStatus::Blocked {
                code,
                params,
                reason,
            } => Some(Reason {
                code: *code,
                params: params.clone(),
                text: reason.clone(),
            }),
            _ => None,
        }
    }
}

/// One step in the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanStepPreview")]
pub struct StepPreview {
    /// The step.
    #[serde(flatten)]
    pub step: Step,
    /// Its verdict.
    pub preview: PreviewStatus,
}

/// A check made before anything runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanCheck")]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// The name as a code and values (the window's language).
    pub label: StepText,
    /// Passed.
    pub ok: bool,
    /// Which sentence [`detail`](Self::detail) is.
    pub code: ReasonCode,
    /// The values it names, by name.
    pub params: BTreeMap<String, String>,
    /// What was found.
    pub detail: String,
}

impl Check {
    /// A check named `name` (`label` in the window's language) that passed or not, and what
    /// it found.
    pub fn new(name: String, label: StepText, ok: bool, found: impl Into<Reason>) -> Self {
        let Reason { code, params, text } = found.into();
        Check {
            name,
            label,
            ok,
            code,
            params,
            detail: text,
        }
    }
}

/// The dry run: checks and every step's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanPreview")]
pub struct Preview {
    /// Plan name.
    pub plan: String,
    /// The checks.
    pub checks: Vec<Check>,
    /// Every step, in order.
    pub steps: Vec<StepPreview>,
    /// No check failed and no step is blocked.
    pub ready: bool,
}

/// Components a console holds by default at most (reference §1.5, §8.20).
pub const DEFAULT_MAX_COMPONENTS: usize = 75;
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Shortest time between status polls while waiting for a peer (see
/// [`ApplyOptions::poll_interval`]).
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The gap before the next status poll after waiting `waited` for a peer: a tenth of the time
/// waited, at least `floor` (the console's write budget allows no more, see [`poll_floor`]), at
/// most `max` (the option, which wins when shorter). Where the console's limit allows it, a
/// poll notices a running peer at most 10 % (or 100 ms) after it started running; a deploy of
/// minutes is polled every `max`.
fn next_poll(waited: Duration, max: Duration, floor: Duration) -> Duration {
    (waited / 10).max(floor).min(max)
}

/// Status polls are writes (`POST /components/status`, reference §1.5), so they share the
/// console's `MAX_REQ_PER_MIN_AK` budget with the plan's imports: polling for one peer may use
/// at most half of it. A console that does not say its limit gets the documented default of 25
/// per minute, which makes the floor 4.8 s; a console that allows many more writes (such as the
/// benchmark's) is polled down to [`MIN_POLL_INTERVAL`].
fn poll_floor(writes_per_min: Option<u64>) -> Duration {
    const DEFAULT_WRITES_PER_MIN: u64 = 25;
    let limit = writes_per_min.unwrap_or(DEFAULT_WRITES_PER_MIN).max(1);
    (Duration::from_secs(120) / u32::try_from(limit).unwrap_or(u32::MAX)).max(MIN_POLL_INTERVAL)
}

/// A new enroll secret: 32 random bytes, base64url without padding.
pub fn generate_secret() -> Sensitive<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = Sensitive::new(URL_SAFE_NO_PAD.encode(bytes));
    bytes.fill(0);
    secret
}

pub(crate) struct Engine<'a, C: ConsoleApi, A: CaApi> {
    pub(crate) record: &'a PlanRecord,
    pub(crate) consoles: &'a HashMap<String, C>,
    /// The region-1 CA client given by the caller, if any.
    ca_given: Option<&'a A>,
    /// The client the engine made for a CA the plan created.
    ca_made: OnceCell<A>,
    pub(crate) store: &'a Store,
    pub(crate) vault: &'a Vault,
    /// The CA admin to enroll as registrar, when no identity was given.
    pub(crate) enroll: Option<(String, Sensitive<String>)>,
    pub(crate) poll_interval: Duration,
    pub(crate) registrar: OnceCell<CaIdentity>,
    pub(crate) source_ca: OnceCell<Component>,
    pub(crate) source_msp: OnceCell<Component>,
    pub(crate) results: Mutex<HashMap<String, StepResult>>,
    /// Each console's advertised write limit per minute, from its connection test.
    pub(crate) write_limits: Mutex<HashMap<String, u64>>,
    pub(crate) effects: AtomicUsize,
    pub(crate) outcomes: AtomicUsize,
    /// The org admin handed in by the caller.
    pub(crate) org_admin: Option<OrgAdminCredential>,
    /// What the channel steps learnt in this run.
    pub(crate) fabric: FabricState,
}

fn console_err(name: &str) -> impl Fn(fabric_ha_console::ConsoleError) -> EngineError + '_ {
    move |e| EngineError::console(name, e)
}

impl<'a, C: ConsoleApi, A: CaApi> Engine<'a, C, A> {
    pub(crate) fn new(
        ctx: Context<'a, C, A>,
        poll_interval: Duration,
    ) -> Result<Self, EngineError> {
        let journal = journal::journal(ctx.store, &ctx.plan.id)?;
        let results = journal
            .into_values()
            .filter(|e| e.state == StepState::Done)
            .filter_map(|e| e.result.map(|r| (e.step, r)))
            .collect();
        let (registrar, enroll) = match ctx.registrar {
            RegistrarCredential::Identity(identity) => (OnceCell::new_with(Some(identity)), None),
            RegistrarCredential::Enroll { enroll_id, secret } => {
                (OnceCell::new(), Some((enroll_id, secret)))
            }
            RegistrarCredential::Generated => (OnceCell::new(), None),
        };
        Ok(Engine {
            record: ctx.plan,
            consoles: ctx.consoles,
            ca_given: ctx.ca,
            ca_made: OnceCell::new(),
            store: ctx.store,
            vault: ctx.vault,
            enroll,
            poll_interval,
            registrar,
            source_ca: OnceCell::new(),
            source_msp: OnceCell::new(),
            results: Mutex::new(results),
            write_limits: Mutex::new(HashMap::new()),
            effects: AtomicUsize::new(0),
            outcomes: AtomicUsize::new(0),
            org_admin: ctx.org_admin,
            fabric: FabricState::default(),
        })
    }

    pub(crate) fn plan(&self) -> &crate::plan::Plan {
        &self.record.plan
    }

    pub(crate) fn console(&self, name: &str) -> Result<&C, EngineError> {
        self.consoles
            .get(name)
            .ok_or_else(|| EngineError::InvalidPlan(format!("no client for console {name:?}")))
    }

    pub(crate) fn result(&self, key: &str) -> Option<StepResult> {
        self.results
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    async fn source_record(
        &self,
        cell: &OnceCell<Component>,
        id: &str,
    ) -> Result<Component, EngineError> {
        let name = &self.plan().source.console;
        let record = cell
            .get_or_try_init(|| async {
                self.console(name)?.get(id).await.map_err(console_err(name))
            })
            .await?;
        Ok(record.clone())
    }

    /// Console id of a region-1 component: the plan's, or the one its bootstrap step `step`
    /// created (from the journal).
    fn source_id(
        &self,
        planned: &str,
        step: &str,
        (code, what): (ReasonCode, &str),
    ) -> Result<String, EngineError> {
        if self.plan().source.create.is_none() {
            return Ok(planned.to_owned());
        }
        self.result(&format!("{}/{step}", self.plan().source.console))
            .and_then(|r| r.component_id)
            .ok_or_else(|| {
                blocked(
                    code,
                    &[],
                    format!("the organization's {what} has not been created yet"),
                )
            })
    }

    pub(crate) fn source_ca_id(&self) -> Result<String, EngineError> {
        self.source_id(
            &self.plan().source.ca,
            "create-ca",
            (ReasonCode::OrgCaNotCreated, "CA"),
        )
    }

    pub(crate) fn source_msp_id(&self) -> Result<String, EngineError> {
        self.source_id(
            &self.plan().source.msp,
            "create-msp",
            (ReasonCode::OrgMspNotCreated, "MSP definition"),
        )
    }

    pub(crate) async fn source_ca(&self) -> Result<Component, EngineError> {
        let id = self.source_ca_id()?;
        self.source_record(&self.source_ca, &id).await
    }

    pub(crate) async fn source_msp(&self) -> Result<Component, EngineError> {
        let id = self.source_msp_id()?;
        self.source_record(&self.source_msp, &id).await
    }

    /// The region-1 CA client: the caller's, or one made from the CA record of the CA the
    /// plan created.
    pub(crate) async fn ca(&self) -> Result<&A, EngineError> {
        if let Some(ca) = self.ca_given {
            return Ok(ca);
        }
        self.ca_made
            .get_or_try_init(|| async {
                let record = self.source_ca().await?;
                let url = record
                    .api_url
                    .as_deref()
                    .ok_or_else(|| ca_no_api_url(&record.id))?;
                let tls = record
                    .msp
                    .as_ref()
                    .and_then(|m| m.component.as_ref())
                    .and_then(|c| c.tls_cert.as_deref())
                    .ok_or_else(|| ca_no_tls_cert(&record.id))?;
                Ok(A::connect(url, tls)?)
            })
            .await
    }

    /// The CA admin's enroll id and secret of a plan that creates its CA; `None` until the
    /// secret was generated.
    fn generated_registrar(&self) -> Result<Option<(String, Sensitive<String>)>, EngineError> {
        let Registrar::EnrollId(id) = &self.plan().source.registrar else {
            return Ok(None);
        };
        let key = registrar_secret_id(&self.record.id);
        if self.plan().source.create.is_none() || !self.vault.contains(self.store, &key)? {
            return Ok(None);
        }
        Ok(Some((id.clone(), self.vault.get_str(self.store, &key)?)))
    }

    pub(crate) async fn ca_name(&self) -> Result<String, EngineError> {
        let ca = self.source_ca().await?;
        Ok(ca
            .msp
            .as_ref()
            .and_then(|m| m.ca.as_ref())
            .and_then(|c| c.name.clone())
            .unwrap_or_else(|| "ca".to_owned()))
    }

    pub(crate) async fn registrar(&self) -> Result<&CaIdentity, EngineError> {
        self.registrar
            .get_or_try_init(|| async {
                let generated = match &self.enroll {
                    Some(_) => None,
                    None => self.generated_registrar()?,
                };
                let (enroll_id, secret) =
                    self.enroll.as_ref().or(generated.as_ref()).ok_or_else(|| {
                        blocked(
                            ReasonCode::NoRegistrar,
                            &[],
                            "no registrar identity is available",
                        )
                    })?;
                let ca_name = self.ca_name().await?;
                let enrollment = self
                    .ca()
                    .await?
                    .enroll(&EnrollRequest::new(
                        ca_name,
                        enroll_id.clone(),
                        secret.clone(),
                    ))
                    .await?;
                Ok(enrollment.identity()?)
            })
            .await
    }

    pub(crate) fn stored_secret(
        &self,
        enroll_id: &str,
    ) -> Result<Option<Sensitive<String>>, EngineError> {
        let id = enroll_secret_id(&self.record.id, enroll_id);
        if !self.vault.contains(self.store, &id)? {
            return Ok(None);
        }
        Ok(Some(self.vault.get_str(self.store, &id)?))
    }

    pub(crate) fn find_peer_by_name<'c>(
        records: &'c [Component],
        display_name: &str,
        msp_id: Option<&str>,
    ) -> Vec<&'c Component> {
        records
            .iter()
            .filter(|c| c.kind() == Some(ComponentType::Peer))
            .filter(|c| c.display_name.as_deref() == Some(display_name))
            .filter(|c| msp_id.is_none() || c.msp_id.as_deref() == msp_id)
            .collect()
    }

    /// The console id of a new peer, from its create step's outcome.
    pub(crate) fn new_peer_id(
        &self,
        console: &str,
        enroll_id: &str,
    ) -> Result<String, EngineError> {
        self.result(&format!("{console}/create/{enroll_id}"))
            .and_then(|r| r.component_id)
            .ok_or_else(|| {
                blocked(
                    ReasonCode::PeerNotCreated,
                    &[("peer", enroll_id), ("console", console)],
                    format!("peer {enroll_id:?} has not been created in console {console:?} yet"),
                )
            })
    }

    async fn import_once(
        &self,
        into: &str,
        kind: ComponentType,
        body: serde_json::Value,
    ) -> Result<StepResult, EngineError> {
        let console = self.console(into)?;
        let existing = console.list().await.map_err(console_err(into))?;
        if let Some(found) = find_existing(&existing, kind, &body) {
            // The same component, but maybe a stale record of it (other certificates): made
            // current through the edit route, where the console takes them.
            let record = console.get(&found.id).await.map_err(console_err(into))?;
            let differing = component_differences(&record, &body);
            let mut warnings = Vec::new();
            if !differing.is_empty() {
                let listed = differing
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let value = serde_json::to_value(&record).unwrap_or_default();
                match certificate_update(kind, &value, &body, &differing) {
                    Ok(changes) => {
                        console
                            .edit(kind, &record.id, &changes)
                            .await
                            .map_err(console_err(into))?;
                        warnings.push(format!(
                            "{into}'s record {} had other certificates ({listed}): updated",
                            record.id
                        ));
                    }
                    Err(refused) => warnings.push(format!(
                        "{into}'s record {} has other certificates ({listed}), left as it is: {}",
                        record.id, refused.reason
                    )),
                }
            }
            return Ok(StepResult {
                console: into.to_owned(),
                component_id: Some(found.id.clone()),
                api_url: found.api_url.clone(),
                operations_url: found.operations_url.clone(),
                already_present: true,
                warnings,
                ..StepResult::default()
            });
        }
        let made = console
            .import(kind, &body)
            .await
            .map_err(console_err(into))?;
        Ok(StepResult {
            console: into.to_owned(),
            component_id: Some(made.id),
            api_url: made.api_url,
            operations_url: made.operations_url,
            already_present: false,
            ..StepResult::default()
        })
    }

    async fn perform(
        &self,
        lane: &Lane<'_>,
        step: &Step,
        wait_deadline: &Mutex<Option<Instant>>,
    ) -> Result<StepResult, EngineError> {
        let target = step.console.as_str();
        match &step.action {
            Action::CreateCa => self.create_ca().await,
            Action::WaitCa => {
                let deadline = {
                    let mut d = wait_deadline.lock().unwrap_or_else(PoisonError::into_inner);
                    *d.get_or_insert_with(|| {
                        Instant::now() + Duration::from_secs(self.plan().wait_timeout_secs)
                    })
                };
                self.wait_ca(deadline).await
            }
            Action::EnrollCaAdmin => {
                self.registrar().await?;
                Ok(StepResult {
                    console: "ca".to_owned(),
                    component_id: match &self.plan().source.registrar {
                        Registrar::EnrollId(id) | Registrar::LibraryIdentity(id) => {
                            Some(id.clone())
                        }
                    },
                    ..StepResult::default()
                })
            }
            Action::RegisterAdmin { enroll_id } => self.register(enroll_id, "admin").await,
            Action::EnrollAdmin { enroll_id } => self.enroll_admin(enroll_id).await,
            Action::CreateMsp => self.create_msp().await,
            Action::ImportFirstPeer => {
                let source = &self.plan().source.console;
                let first = self
                    .plan()
                    .source
                    .create
                    .as_ref()
                    .map(|c| c.first_peer.enroll_id.clone())
                    .ok_or_else(|| {
                        EngineError::InvalidPlan("the plan creates no first peer".to_owned())
                    })?;
                let id = self.new_peer_id(source, &first)?;
                let record = self
                    .console(source)?
                    .get(&id)
                    .await
                    .map_err(console_err(source))?;
                self.import_once(target, ComponentType::Peer, peer_import_body(&record)?)
                    .await
            }
            Action::ImportCa => {
                let body = ca_import_body(&self.source_ca().await?)?;
                self.import_once(target, ComponentType::Ca, body).await
            }
            Action::ImportMsp => {
                let body = msp_import_body(&self.source_msp().await?)?;
                self.import_once(target, ComponentType::Msp, body).await
            }
            Action::ImportSourcePeer { peer } => {
                let source = &self.plan().source.console;
                let record = self
                    .console(source)?
                    .get(peer)
                    .await
                    .map_err(console_err(source))?;
                self.import_once(target, ComponentType::Peer, peer_import_body(&record)?)
                    .await
            }
            Action::Register { enroll_id } => self.register(enroll_id, "peer").await,
            Action::CreatePeer { enroll_id } => self.create(target, enroll_id).await,
            Action::WaitRunning { enroll_id } => {
                let deadline = {
                    let mut d = wait_deadline.lock().unwrap_or_else(PoisonError::into_inner);
                    *d.get_or_insert_with(|| {
                        Instant::now() + Duration::from_secs(self.plan().wait_timeout_secs)
                    })
                };
                self.wait_running(target, enroll_id, deadline).await
            }
            Action::CopyPeer { enroll_id, into } => {
                let id = self.new_peer_id(target, enroll_id)?;
                let record = self
                    .console(target)?
                    .get(&id)
                    .await
                    .map_err(console_err(target))?;
                self.import_once(into, ComponentType::Peer, peer_import_body(&record)?)
                    .await
            }
            Action::JoinChannel { enroll_id, channel } => {
                self.join_channel(lane, step, enroll_id, channel).await
            }
            Action::InstallChaincodes { enroll_id } => {
                self.install_chaincodes(target, enroll_id).await
            }
            Action::AnchorPeers { channel } => self.anchor_peers(target, channel).await,
        }
    }

    /// Creates the organization's CA, unless a CA of that name is already there. The admin's
    /// secret is generated and stored before the request, so a crash after the console
    /// accepted it still leaves the secret the CA was created with.
    async fn create_ca(&self) -> Result<StepResult, EngineError> {
        let plan = self.plan();
        let (Some(create), Registrar::EnrollId(admin)) =
            (&plan.source.create, &plan.source.registrar)
        else {
            return Err(EngineError::InvalidPlan(
                "the plan does not create a CA".to_owned(),
            ));
        };
        let name = &plan.source.console;
        let console = self.console(name)?;
        let existing = console.list().await.map_err(console_err(name))?;
        let found: Vec<&Component> = existing
            .iter()
            .filter(|c| c.kind() == Some(ComponentType::Ca))
            .filter(|c| c.display_name.as_deref() == Some(create.ca_display_name.as_str()))
            .collect();
        let key = registrar_secret_id(&self.record.id);
        let stored = self.vault.contains(self.store, &key)?;
        match (found.as_slice(), stored) {
            ([one], true) if !one.is_imported() => {
                return Ok(StepResult {
                    console: name.clone(),
                    component_id: Some(one.id.clone()),
                    api_url: one.api_url.clone(),
                    operations_url: one.operations_url.clone(),
                    already_present: true,
                    ..StepResult::default()
                })
            }
            ([], _) => {}
            (some, _) => {
                return Err(blocked(
                    ReasonCode::CaNameTaken,
                    &[
                        ("console", name),
                        ("count", &some.len().to_string()),
                        ("ca", &create.ca_display_name),
                    ],
                    format!(
                        "console {name:?} already holds {} CA(s) named {:?} that this plan did not create; choose another CA display name or remove them",
                        some.len(),
                        create.ca_display_name
                    ),
                ))
            }
        }
        let secret = if stored {
            self.vault.get_str(self.store, &key)?
        } else {
            let s = generate_secret();
            self.vault.put_str(self.store, &key, s.expose())?;
            s
        };
        let made = console
            .create_ca(&create_ca_body(&create.ca_display_name, admin, &secret))
            .await
            .map_err(console_err(name))?;
        Ok(StepResult {
            console: name.clone(),
            component_id: Some(made.id),
            api_url: made.api_url,
            operations_url: made.operations_url,
            already_present: false,
            ..StepResult::default()
        })
    }

    /// Waits until the console reports the new CA running, then until both its CA names
    /// answer `cainfo`.
    async fn wait_ca(&self, deadline: Instant) -> Result<StepResult, EngineError> {
        let name = self.plan().source.console.clone();
        let id = self.source_ca_id()?;
        self.wait_status(&name, &id, deadline, &id).await?;
        let ca = self.source_ca().await?;
        let tlsca_name = ca
            .msp
            .as_ref()
            .and_then(|m| m.tlsca.as_ref())
            .and_then(|t| t.name.clone())
            .unwrap_or_else(|| "tlsca".to_owned());
        let started = Instant::now();
        for ca_name in [self.ca_name().await?, tlsca_name] {
            loop {
                match self.ca().await?.cainfo(&ca_name).await {
                    Ok(_) => break,
                    Err(e) => {
                        let e = EngineError::from(e);
                        if !e.is_transient() || Instant::now() >= deadline {
                            return Err(e);
                        }
                        tracing::debug!(ca = %ca_name, error = %e, "cainfo not answering yet");
                    }
                }
                let poll = next_poll(started.elapsed(), self.poll_interval, MIN_POLL_INTERVAL);
                tokio::time::sleep(poll.min(deadline.saturating_duration_since(Instant::now())))
                    .await;
            }
        }
        Ok(StepResult {
            console: name,
            component_id: Some(id),
            api_url: ca.api_url,
            operations_url: ca.operations_url,
            already_present: false,
            ..StepResult::default()
        })
    }

    /// Enrolls the org admin with its stored secret; the certificate and the private key go
    /// to the vault (the core adds them to the library as an identity).
    async fn enroll_admin(&self, enroll_id: &str) -> Result<StepResult, EngineError> {
        let (cert_id, key_id) = (
            org_admin_cert_id(&self.record.id),
            org_admin_key_id(&self.record.id),
        );
        let done = |already_present| StepResult {
            console: "ca".to_owned(),
            component_id: Some(enroll_id.to_owned()),
            already_present,
            ..StepResult::default()
        };
        if self.vault.contains(self.store, &cert_id)? && self.vault.contains(self.store, &key_id)? {
            return Ok(done(true));
        }
        let secret = self.stored_secret(enroll_id)?.ok_or_else(|| {
            blocked(
                ReasonCode::NoStoredSecret,
                &[("enrollId", enroll_id)],
                format!(
                    "enroll id {enroll_id:?} has no stored secret: its registration did not complete"
                ),
            )
        })?;
        let ca_name = self.ca_name().await?;
        let enrollment = self
            .ca()
            .await?
            .enroll(&EnrollRequest::new(ca_name, enroll_id, secret))
            .await?;
        // The key first: a certificate without its key would look complete.
        self.vault
            .put_str(self.store, &key_id, enrollment.private_key_pem.expose())?;
        self.vault
            .put_str(self.store, &cert_id, &enrollment.cert_pem)?;
        Ok(done(false))
    }

    /// The org admin's certificate (PEM) enrolled by this plan.
    pub(crate) fn org_admin_cert(&self) -> Result<Option<String>, EngineError> {
        let id = org_admin_cert_id(&self.record.id);
        if !self.vault.contains(self.store, &id)? {
            return Ok(None);
        }
        Ok(Some(self.vault.get_str(self.store, &id)?.expose().clone()))
    }

    /// Creates the MSP definition from the new CA's roots (read from the CA itself), unless an
    /// MSP with that id and those roots is already there.
    async fn create_msp(&self) -> Result<StepResult, EngineError> {
        let plan = self.plan();
        let Some(create) = &plan.source.create else {
            return Err(EngineError::InvalidPlan(
                "the plan does not create an MSP".to_owned(),
            ));
        };
        let admin = self.org_admin_cert()?.ok_or_else(|| {
            blocked(
                ReasonCode::OrgAdminNotEnrolled,
                &[],
                "the org admin has not been enrolled yet",
            )
        })?;
        let ca = self.source_ca().await?;
        let tlsca_name = ca
            .msp
            .as_ref()
            .and_then(|m| m.tlsca.as_ref())
            .and_then(|t| t.name.clone())
            .unwrap_or_else(|| "tlsca".to_owned());
        let client = self.ca().await?;
        let root = client.cainfo(&self.ca_name().await?).await?.ca_chain_pem;
        let tls_root = client.cainfo(&tlsca_name).await?.ca_chain_pem;
        let name = &plan.source.console;
        let console = self.console(name)?;
        let host_url = console
            .test_connection()
            .await
            .settings
            .and_then(|s| s.host_url);
        let b64 = |pem: &str| base64::engine::general_purpose::STANDARD.encode(pem);
        let body = create_msp_body(
            &create.msp_id,
            &create.msp_display_name,
            &b64(&root),
            &b64(&tls_root),
            &b64(&admin),
            host_url.as_deref(),
        );
        self.import_once(name, ComponentType::Msp, body).await
    }

    async fn register(&self, enroll_id: &str, kind: &str) -> Result<StepResult, EngineError> {
        let registrar = self.registrar().await?;
        let ca = self.ca().await?;
        let ca_name = self.ca_name().await?;
        let done = |already_present| StepResult {
            console: "ca".to_owned(),
            component_id: Some(enroll_id.to_owned()),
            api_url: None,
            operations_url: None,
            already_present,
            ..StepResult::default()
        };
        let stored = self.stored_secret(enroll_id)?;
        match ca.identity(registrar, &ca_name, enroll_id).await {
            Ok(_) if stored.is_some() => return Ok(done(true)),
            Ok(_) => {
                return Err(blocked(
                    ReasonCode::EnrollIdTaken,
                    &[("enrollId", enroll_id)],
                    format!(
                        "enroll id {enroll_id:?} is already registered at the CA, but not by this plan: its secret is unknown here. Choose another enroll id in the plan, or remove the identity from the CA."
                    ),
                ))
            }
            Err(e) if e.kind() == Some(CaErrorKind::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        // The secret is stored before it is sent, so a crash after the CA accepted it still
        // leaves the secret that the identity was registered with.
        let secret = match stored {
            Some(s) => s,
            None => {
                let s = generate_secret();
                self.vault.put_str(
                    self.store,
                    &enroll_secret_id(&self.record.id, enroll_id),
                    s.expose(),
                )?;
                s
            }
        };
        let mut request = RegistrationRequest::new(ca_name, enroll_id, kind);
        request.secret = Some(secret);
        request.max_enrollments = -1;
        match ca.register(registrar, &request).await {
            Ok(_) => Ok(done(false)),
            Err(e) if e.kind() == Some(CaErrorKind::AlreadyRegistered) => Ok(done(true)),
            Err(e) => Err(e.into()),
        }
    }

    async fn create(&self, target: &str, enroll_id: &str) -> Result<StepResult, EngineError> {
        let spec = find_peer(self.plan(), enroll_id).ok_or_else(|| {
            EngineError::InvalidPlan(format!("no peer with enroll id {enroll_id:?}"))
        })?;
        let msp = self.source_msp().await?;
        let msp_id = msp.msp_id.clone().unwrap_or_default();
        let console = self.console(target)?;
        let existing = console.list().await.map_err(console_err(target))?;
        let found = Self::find_peer_by_name(&existing, &spec.display_name, Some(&msp_id));
        match found.as_slice() {
            [one] => {
                return Ok(StepResult {
                    console: target.to_owned(),
                    component_id: Some(one.id.clone()),
                    api_url: one.api_url.clone(),
                    operations_url: one.operations_url.clone(),
                    already_present: true,
                    ..StepResult::default()
                })
            }
            [] => {}
            many => {
                return Err(blocked(
                    ReasonCode::DuplicatePeers,
                    &[
                        ("console", target),
                        ("count", &many.len().to_string()),
                        ("peer", &spec.display_name),
                    ],
                    format!(
                        "console {target:?} holds {} peers named {:?}; remove the extra ones first",
                        many.len(),
                        spec.display_name
                    ),
                ))
            }
        }
        let secret = self.stored_secret(enroll_id)?.ok_or_else(|| {
            blocked(
                ReasonCode::NoStoredSecret,
                &[("enrollId", enroll_id)],
                format!(
                    "enroll id {enroll_id:?} has no stored secret: its registration did not complete"
                ),
            )
        })?;
        let ca = self.source_ca().await?;
        let admins = msp.admins.clone().unwrap_or_default();
        let body = create_peer_body(spec, &msp_id, &ca, admins, &secret)?;
        let made = console
            .create_peer(&body)
            .await
            .map_err(console_err(target))?;
        Ok(StepResult {
            console: target.to_owned(),
            component_id: Some(made.id),
            api_url: made.api_url,
            operations_url: made.operations_url,
            already_present: false,
            ..StepResult::default()
        })
    }

    async fn wait_running(
        &self,
        target: &str,
        enroll_id: &str,
        deadline: Instant,
    ) -> Result<StepResult, EngineError> {
        let id = self.new_peer_id(target, enroll_id)?;
        self.wait_status(target, &id, deadline, enroll_id).await?;
        let created = self.result(&format!("{target}/create/{enroll_id}"));
        Ok(StepResult {
            console: target.to_owned(),
            component_id: Some(id),
            api_url: created.as_ref().and_then(|c| c.api_url.clone()),
            operations_url: created.and_then(|c| c.operations_url),
            already_present: false,
            ..StepResult::default()
        })
    }

    /// Polls the console's status of component `id` until it is "ok" or `deadline` passes.
    async fn wait_status(
        &self,
        target: &str,
        id: &str,
        deadline: Instant,
        label: &str,
    ) -> Result<(), EngineError> {
        let console = self.console(target)?;
        let started = Instant::now();
        loop {
            match console.status(&[id]).await {
                Ok(list) if list.iter().any(|(_, s)| s.health == Health::Ok) => return Ok(()),
                Ok(_) => {}
                Err(e) => {
                    let e = EngineError::console(target, e);
                    if !e.is_transient() {
                        return Err(e);
                    }
                    tracing::debug!(step = %label, error = %e, "status poll failed; polling on");
                }
            }
            let limit = self
                .write_limits
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(target)
                .copied();
            let poll = next_poll(started.elapsed(), self.poll_interval, poll_floor(limit));
            if Instant::now() + poll > deadline {
                return Err(EngineError::NotRunning {
                    console: target.to_owned(),
                    peer: id.to_owned(),
                    secs: self.plan().wait_timeout_secs,
                });
            }
            tokio::time::sleep(poll).await;
        }
    }
}

/// The options a lane needs while it runs.
pub(crate) struct Lane<'o> {
    options: &'o ApplyOptions,
    total: usize,
    done_before: HashMap<String, StepResult>,
}

impl Lane<'_> {
    pub(crate) fn emit(&self, step: &Step, event: ProgressEvent) {
        if let Some(tx) = &self.options.progress {
            // A closed receiver only means nobody is watching.
            let _ = tx.send(Progress {
                step: step.key.clone(),
                number: step.number,
                total: self.total,
                console: step.console.clone(),
                region: step.region.clone(),
                description: step.description.clone(),
                text: step.text.clone(),
                event,
            });
        }
    }

    fn hook(&self, point: HookPoint<'_>) {
        if let Some(hook) = &self.options.hook {
            hook(point);
        }
    }
}

/// The peer a channel step of a region belongs to (its enroll id).
fn per_peer(action: &Action) -> Option<&str> {
    match action {
        Action::JoinChannel { enroll_id, .. } | Action::InstallChaincodes { enroll_id } => {
            Some(enroll_id)
        }
        _ => None,
    }
}

impl ProgressEvent {
    /// A step's failure that stops its region.
    fn failed(e: &EngineError) -> Self {
        let Reason { code, params, text } = Reason::from(e);
        ProgressEvent::Failed {
            code: e.code(),
            reason: code,
            params,
            message: text,
        }
    }
}

fn failure(step: &Step, e: &EngineError) -> Failure {
    let Reason { code, params, text } = Reason::from(e);
    Failure {
        step: step.key.clone(),
        code: e.code(),
        reason: code,
        params,
        message: text,
        fix: e.fix(),
        resumable: e.is_transient() || matches!(e, EngineError::Cancelled),
    }
}

impl<C: ConsoleApi, A: CaApi> Engine<'_, C, A> {
    /// Runs one step to its outcome: skipped when the journal has it done, otherwise intent,
    /// effect (only if not already in place), outcome; transient failures are retried.
    async fn run_step(
        &self,
        lane: &Lane<'_>,
        step: &Step,
        wait_deadline: &Mutex<Option<Instant>>,
    ) -> Result<StepResult, EngineError> {
        if let Some(result) = lane.done_before.get(&step.key) {
            lane.emit(step, ProgressEvent::Skipped);
            return Ok(result.clone());
        }
        let cancel = &lane.options.cancel;
        let mut backoff = lane.options.retry_backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if cancel.is_cancelled() {
                return Err(EngineError::Cancelled);
            }
            journal::record_intent(self.store, &self.record.id, &step.key)?;
            lane.emit(step, ProgressEvent::Started);
            tracing::info!(plan = %self.record.plan.name, step = %step.key, attempt, "step started");
            let outcome = tokio::select! {
                biased;
                () = cancel.cancelled() => Err(EngineError::Cancelled),
                r = self.perform(lane, step, wait_deadline) => r,
            };
            match outcome {
                Ok(result) => {
                    let count = self.effects.fetch_add(1, Ordering::SeqCst) + 1;
                    lane.hook(HookPoint::EffectDone {
                        count,
                        step: &step.key,
                    });
                    journal::record_done(self.store, &self.record.id, &step.key, &result)?;
                    self.results
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(step.key.clone(), result.clone());
                    let count = self.outcomes.fetch_add(1, Ordering::SeqCst) + 1;
                    tracing::info!(plan = %self.record.plan.name, step = %step.key, already = result.already_present, component = ?result.component_id, "step done");
                    lane.emit(
                        step,
                        ProgressEvent::Done {
                            already_present: result.already_present,
                            component_id: result.component_id.clone(),
                        },
                    );
                    lane.hook(HookPoint::OutcomeRecorded {
                        count,
                        step: &step.key,
                    });
                    return Ok(result);
                }
                Err(e) => {
                    journal::record_failed(self.store, &self.record.id, &step.key, &e)?;
                    let retry = e.is_transient()
                        && !matches!(
                            e,
                            EngineError::NotRunning { .. } | EngineError::NotCaughtUp { .. }
                        )
                        && attempt < lane.options.max_attempts;
                    tracing::warn!(plan = %self.record.plan.name, step = %step.key, attempt, code = %e.code(), error = %e, retry, "step failed");
                    if !retry {
                        lane.emit(step, ProgressEvent::failed(&e));
                        return Err(e);
                    }
                    let Reason { code, params, text } = Reason::from(&e);
                    lane.emit(
                        step,
                        ProgressEvent::Retrying {
                            attempt,
                            reason: code,
                            params,
                            message: text,
                        },
                    );
                    tokio::select! {
                        () = cancel.cancelled() => return Err(EngineError::Cancelled),
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// One region: its steps in order. A failed import of a finished peer into another
    /// console does not stop the other imports; any other failure stops the region.
    async fn run_lane(
        &self,
        lane: &Lane<'_>,
        (console, region): (&str, &str),
        steps: &[Step],
    ) -> RegionOutcome {
        let mut first_failure = None;
        let wait_deadline = Mutex::new(None);
        let pending = steps.iter().any(|s| !lane.done_before.contains_key(&s.key));
        let creates = steps.iter().any(|s| {
            matches!(s.action, Action::CreatePeer { .. } | Action::CreateCa)
                && !lane.done_before.contains_key(&s.key)
        });
        if pending && creates {
            // The region can only create peers with a manager key on a console that deploys.
            if let Err(e) = self.check_can_create(console).await {
                if let Some(step) = steps
                    .iter()
                    .find(|s| !lane.done_before.contains_key(&s.key))
                {
                    lane.emit(step, ProgressEvent::failed(&e));
                    first_failure = Some(failure(step, &e));
                }
            }
        }
        if first_failure.is_none() {
            let mut rest = steps;
            while let Some(step) = rest.first() {
                // A region's peers join and install at the same time: each peer's channel
                // steps in order, the peers concurrently (their catch-ups overlap).
                let channel_steps = rest
                    .iter()
                    .take_while(|s| per_peer(&s.action).is_some())
                    .count();
                if channel_steps > 0 {
                    let (batch, after) = rest.split_at(channel_steps);
                    rest = after;
                    if let Some(f) = self.run_per_peer(lane, batch, &wait_deadline).await {
                        first_failure = Some(f);
                        break;
                    }
                    continue;
                }
                rest = &rest[1..];
                match self.run_step(lane, step, &wait_deadline).await {
                    Ok(_) => {}
                    Err(e) => {
                        let stop = !matches!(step.action, Action::CopyPeer { .. })
                            || matches!(e, EngineError::Cancelled | EngineError::Storage(_));
                        if first_failure.is_none() {
                            first_failure = Some(failure(step, &e));
                        }
                        if stop {
                            break;
                        }
                    }
                }
            }
        }
        RegionOutcome {
            console: console.to_owned(),
            region: region.to_owned(),
            completed: first_failure.is_none(),
            failure: first_failure,
        }
    }

    /// Runs `batch` (channel steps of several peers) with each peer's steps in order and the
    /// peers concurrently; the first failure in plan order, if any.
    async fn run_per_peer(
        &self,
        lane: &Lane<'_>,
        batch: &[Step],
        wait_deadline: &Mutex<Option<Instant>>,
    ) -> Option<Failure> {
        let mut peers: Vec<(&str, Vec<&Step>)> = Vec::new();
        for step in batch {
            let Some(peer) = per_peer(&step.action) else {
                continue;
            };
            match peers.iter_mut().find(|(p, _)| *p == peer) {
                Some((_, steps)) => steps.push(step),
                None => peers.push((peer, vec![step])),
            }
        }
        let runs = peers.into_iter().map(|(_, steps)| async move {
            for step in steps {
                if let Err(e) = self.run_step(lane, step, wait_deadline).await {
                    return Some((step.number, failure(step, &e)));
                }
            }
            None
        });
        futures_util::future::join_all(runs)
            .await
            .into_iter()
            .flatten()
            .min_by_key(|(number, _)| *number)
            .map(|(_, f)| f)
    }

    async fn check_can_create(&self, console: &str) -> Result<(), EngineError> {
        let report = self.console(console)?.test_connection().await;
        if let Some(limit) = report
            .settings
            .as_ref()
            .and_then(|s| s.max_req_per_min_ak())
        {
            self.write_limits
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(console.to_owned(), limit);
        }
        match report.verdict {
            Verdict::Ready => Ok(()),
            Verdict::Failed(e) => Err(EngineError::console(console, e)),
            other => Err(EngineError::Blocked(Reason::verdict(console, &other))),
        }
    }
}

/// Applies (or resumes) the plan: every region concurrently, each step journaled. Returns
/// when every region finished or stopped; the plan's state says which.
pub async fn apply<C: ConsoleApi, A: CaApi>(
    ctx: Context<'_, C, A>,
    options: &ApplyOptions,
) -> Result<RunOutcome, EngineError> {
    let store = ctx.store;
    let plan_id = ctx.plan.id.clone();
    let engine = Engine::new(ctx, options.poll_interval)?;
    let plan = engine.plan().clone();
    let steps = plan_steps(&plan);
    let lane = Lane {
        options,
        total: steps.len(),
        done_before: engine
            .results
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone(),
    };
    journal::set_plan_state(store, &plan_id, PlanState::Running)?;
    tracing::info!(plan = %plan.name, steps = steps.len(), "plan run started");
    // The organization is created first, when the plan creates it: every region needs it.
    let bootstrap: Vec<Step> = steps
        .iter()
        .filter(|s| s.region == BOOTSTRAP_REGION && s.console == plan.source.console)
        .cloned()
        .collect();
    let mut regions = Vec::new();
    if !bootstrap.is_empty() {
        let outcome = engine
            .run_lane(&lane, (&plan.source.console, BOOTSTRAP_REGION), &bootstrap)
            .await;
        let created = outcome.completed;
        regions.push(outcome);
        if !created {
            return finish(store, &plan_id, &plan.name, options, regions);
        }
    }
    let lanes = plan.targets.iter().map(|target| {
        let mine: Vec<Step> = steps
            .iter()
            .filter(|s| s.console == target.console)
            .cloned()
            .collect();
        let engine = &engine;
        let lane = &lane;
        async move {
            engine
                .run_lane(lane, (&target.console, &target.region), &mine)
                .await
        }
    });
    let outcomes: Vec<RegionOutcome> = match options.max_concurrent_regions {
        None => futures_util::future::join_all(lanes).await,
        Some(n) => {
            futures_util::stream::StreamExt::collect(futures_util::stream::StreamExt::buffered(
                futures_util::stream::iter(lanes),
                n.get(),
            ))
            .await
        }
    };
    // The anchor peers of each channel: one update with every region's new peers, so only
    // once every region is done.
    let every_region = outcomes.iter().all(|o| o.completed);
    regions.extend(outcomes);
    let anchors: Vec<Step> = steps
        .iter()
        .filter(|s| s.region == ALL_REGIONS)
        .cloned()
        .collect();
    if every_region && !anchors.is_empty() {
        regions.push(
            engine
                .run_lane(&lane, (&plan.source.console, ALL_REGIONS), &anchors)
                .await,
        );
    }
    finish(store, &plan_id, &plan.name, options, regions)
}

/// Records how the run ended and says so.
fn finish(
    store: &Store,
    plan_id: &str,
    name: &str,
    options: &ApplyOptions,
    regions: Vec<RegionOutcome>,
) -> Result<RunOutcome, EngineError> {
    let completed = regions.iter().all(|r| r.completed);
    let cancelled = options.cancel.is_cancelled();
    journal::set_plan_state(
        store,
        plan_id,
        if completed {
            PlanState::Completed
        } else {
            PlanState::Stopped
        },
    )?;
    tracing::info!(plan = %name, completed, cancelled, "plan run ended");
    Ok(RunOutcome {
        plan: name.to_owned(),
        completed,
        cancelled,
        regions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_start_fast_and_grow_with_the_wait_up_to_the_option() {
        let max = Duration::from_secs(5);
        let floor = MIN_POLL_INTERVAL;
        assert_eq!(next_poll(Duration::ZERO, max, floor), MIN_POLL_INTERVAL);
        assert_eq!(
            next_poll(Duration::from_secs(2), max, floor),
            Duration::from_millis(200)
        );
        assert_eq!(next_poll(Duration::from_secs(600), max, floor), max);
        // A shorter option wins over the floor.
        let short = Duration::from_millis(50);
        assert_eq!(next_poll(Duration::ZERO, short, floor), short);
    }

    #[test]
    fn the_poll_floor_keeps_polling_within_half_the_consoles_write_limit() {
        // The reference console default (25 writes per minute): at most 12.5 polls a minute.
        assert_eq!(poll_floor(Some(25)), Duration::from_millis(4800));
        assert_eq!(poll_floor(None), Duration::from_millis(4800));
        assert_eq!(poll_floor(Some(100)), Duration::from_millis(1200));
        // A console that allows many writes is polled down to the global floor.
        assert_eq!(poll_floor(Some(10_000)), MIN_POLL_INTERVAL);
        assert_eq!(poll_floor(Some(0)), Duration::from_secs(120));
        // Polls while waiting one minute never exceed half the budget.
        for limit in [25_u64, 60, 100, 600] {
            let floor = poll_floor(Some(limit));
            let (mut waited, mut polls) = (Duration::ZERO, 0_u64);
            while waited < Duration::from_secs(60) {
                waited += next_poll(waited, Duration::from_secs(5), floor);
                polls += 1;
            }
            assert!(
                polls <= limit / 2 + 1,
                "{limit}/min: {polls} polls in a minute"
            );
        }
    }
}
