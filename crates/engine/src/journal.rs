//! Plans and their journal in the workspace database (tables `plans` and `plan_steps`, store
//! migration 5). Every step writes its intent before it acts and its outcome after; a run that
//! stops anywhere leaves exactly what is needed to continue.

use std::collections::{BTreeMap, HashMap};

use fabric_ha_store::rusqlite::{params, OptionalExtension, Row};
use fabric_ha_store::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::EngineError;
use crate::plan::Plan;
use crate::reason::{Reason, ReasonCode};

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PlanState {
    /// Saved, never applied.
    Draft,
    /// A run is in progress (or the process running it died: resume it).
    Running,
    /// The last run stopped on an error or a cancel; resume continues it.
    Stopped,
    /// Every step is done.
    Completed,
}

impl PlanState {
    fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Running => "running",
            PlanState::Stopped => "stopped",
            PlanState::Completed => "completed",
        }
    }

    fn parse(s: &str) -> PlanState {
        match s {
            "running" => PlanState::Running,
            "stopped" => PlanState::Stopped,
            "completed" => PlanState::Completed,
            _ => PlanState::Draft,
        }
    }
}

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanRecord {
    /// Workspace id of the plan (a UUID; it also names the plan's secrets).
    pub id: String,
    /// The plan.
    pub plan: Plan,
    /// Where it stands.
    pub state: PlanState,
    /// When it was saved (RFC 3339).
    pub created_at: String,
    /// When its state last changed (RFC 3339).
    pub updated_at: String,
}

/// The journal state of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// The intent is recorded; the outcome is not (it may or may not have happened).
    Started,
    /// Done (by this app, or found already in place).
    Done,
    /// The last attempt failed; the error says why.
    Failed,
}

/// What a done step produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResult {
    /// The console (or `ca`) where the effect lives.
    pub console: String,
    /// Id of the component created or imported (or found).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_id: Option<String>,
    /// Its `api_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Its `operations_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operations_url: Option<String>,
    /// The effect was already in place; nothing was sent.
    pub already_present: bool,
    /// A join: the peer's height on the channel when the step finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    /// A join: the region-1 peer's height it caught up with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_height: Option<u64>,
    /// An install: the package ids the peer has (installed now or before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub package_ids: Vec<String>,
    /// An anchor update: the organization's anchor peers (`host:port`) afterwards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchor_peers: Vec<String>,
    /// An anchor update: the number of the config block that carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_block: Option<u64>,
    /// What the operator should know (e.g. a chaincode-as-a-service package's one server).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// An install: the chaincode-as-a-service packages among them, with their one server
    /// (what `warnings` says in English, for the window to say in its language).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ccaas: Vec<CcaasServer>,
}

/// A chaincode-as-a-service package and the address of its one chaincode server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "PlanCcaasServer")]
pub struct CcaasServer {
    /// `<label>:<hash>`.
    pub package_id: String,
    /// Its `connection.json` `address`, when the package has one.
    pub address: Option<String>,
}

/// One journal row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    /// Step key.
    pub step: String,
    /// State.
    pub state: StepState,
    /// Attempts made so far (over every run).
    pub attempts: u32,
    /// The outcome of a done step.
    pub result: Option<StepResult>,
    /// Error code of a failed step.
    pub error_code: Option<String>,
    /// Error message of a failed step.
    pub error: Option<String>,
    /// Which sentence `error` is, with its values (none in rows written before they were kept).
    pub error_reason: Option<(ReasonCode, BTreeMap<String, String>)>,
    /// When the row last changed (RFC 3339).
    pub updated_at: String,
}

fn storage(msg: impl std::fmt::Display) -> EngineError {
    EngineError::Storage(msg.to_string())
}

fn plan_from_row(
    r: &Row<'_>,
) -> Result<(String, String, String, String, String), fabric_ha_store::rusqlite::Error> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_record(
    (id, body, state, created_at, updated_at): (String, String, String, String, String),
) -> Result<PlanRecord, EngineError> {
    let plan: Plan = serde_json::from_str(&body)
        .map_err(|e| storage(format!("the stored plan {id} is unreadable: {e}")))?;
    Ok(PlanRecord {
        id,
        plan,
        state: PlanState::parse(&state),
        created_at,
        updated_at,
    })
}

/// Saves a new plan; a plan with the same name is refused.
pub fn insert_plan(store: &Store, plan: &Plan) -> Result<PlanRecord, EngineError> {
    plan.validate()?;
    let id = uuid::Uuid::new_v4().to_string();
    let body = serde_json::to_string(plan).map_err(storage)?;
    let inserted = store.with_tx(|tx| {
        let exists: Option<String> = tx
            .query_row("SELECT id FROM plans WHERE name = ?1", [&plan.name], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_some() {
            return Ok(false);
        }
        tx.execute(
            &format!(
                "INSERT INTO plans (id, name, body, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'draft', {NOW}, {NOW})"
            ),
            params![id, plan.name, body],
        )?;
        Ok(true)
    })?;
    if !inserted {
        return Err(EngineError::InvalidPlan(format!(
            "a plan named {:?} already exists",
            plan.name
        )));
    }
    get_plan(store, &plan.name)?.ok_or_else(|| storage("the new plan was not stored"))
}

/// The plan named `name`, if any.
pub fn get_plan(store: &Store, name: &str) -> Result<Option<PlanRecord>, EngineError> {
    let row = store.with_conn(|c| {
        c.query_row(
            "SELECT id, body, state, created_at, updated_at FROM plans WHERE name = ?1",
            [name],
            plan_from_row,
        )
        .optional()
    })?;
    row.map(to_record).transpose()
}

/// Every stored plan, by name.
pub fn list_plans(store: &Store) -> Result<Vec<PlanRecord>, EngineError> {
    let rows = store.with_conn(|c| {
        c.prepare("SELECT id, body, state, created_at, updated_at FROM plans ORDER BY name")?
            .query_map([], plan_from_row)?
            .collect::<Result<Vec<_>, _>>()
    })?;
    rows.into_iter().map(to_record).collect()
}

/// Records where a plan stands.
pub fn set_plan_state(store: &Store, id: &str, state: PlanState) -> Result<(), EngineError> {
    store.with_conn(|c| {
        c.execute(
            &format!("UPDATE plans SET state = ?2, updated_at = {NOW} WHERE id = ?1"),
            params![id, state.as_str()],
        )
    })?;
    Ok(())
}

/// The journal of plan `id`, by step key.
pub fn journal(store: &Store, id: &str) -> Result<HashMap<String, JournalEntry>, EngineError> {
    let rows = store.with_conn(|c| {
        c.prepare(
            "SELECT step, state, attempts, result, error_code, error, updated_at,
                    error_reason, error_params
             FROM plan_steps WHERE plan_id = ?1",
        )?
        .query_map([id], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ),
                (
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ),
                (
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()
    })?;
    let mut out = HashMap::new();
    for ((step, state, attempts, result), (error_code, error, updated_at), reason) in rows {
        let state = match state.as_str() {
            "done" => StepState::Done,
            "failed" => StepState::Failed,
            _ => StepState::Started,
        };
        let result = result
            .map(|r| serde_json::from_str(&r))
            .transpose()
            .map_err(|e| storage(format!("journal row {step}: {e}")))?;
        let error_reason = match reason {
            (Some(code), params) => Some((
                serde_json::from_value(serde_json::Value::String(code))
                    .map_err(|e| storage(format!("journal row {step}: error_reason: {e}")))?,
                params
                    .map(|p| serde_json::from_str(&p))
                    .transpose()
                    .map_err(|e| storage(format!("journal row {step}: error_params: {e}")))?
                    .unwrap_or_default(),
            )),
            (None, _) => None,
        };
        out.insert(
            step.clone(),
            JournalEntry {
                step,
                state,
                attempts,
                result,
                error_code,
                error,
                error_reason,
                updated_at,
            },
        );
    }
    Ok(out)
}

/// Records the intent to run `step` (one more attempt).
pub(crate) fn record_intent(store: &Store, id: &str, step: &str) -> Result<(), EngineError> {
    store.with_conn(|c| {
        c.execute(
            &format!(
                "INSERT INTO plan_steps (plan_id, step, state, attempts, updated_at)
                 VALUES (?1, ?2, 'started', 1, {NOW})
                 ON CONFLICT (plan_id, step) DO UPDATE
                 SET state = 'started', attempts = attempts + 1, error_code = NULL,
                     error = NULL, updated_at = excluded.updated_at"
            ),
            params![id, step],
        )
    })?;
    Ok(())
}

/// Records that `step` is done.
pub(crate) fn record_done(
    store: &Store,
    id: &str,
    step: &str,
    result: &StepResult,
) -> Result<(), EngineError> {
    let json = serde_json::to_string(result).map_err(storage)?;
    store.with_conn(|c| {
        c.execute(
            &format!(
                "UPDATE plan_steps SET state = 'done', result = ?3, error_code = NULL,
                 error = NULL, updated_at = {NOW} WHERE plan_id = ?1 AND step = ?2"
            ),
            params![id, step, json],
        )
    })?;
    Ok(())
}

/// Records that the last attempt of `step` failed.
pub(crate) fn record_failed(
    store: &Store,
    id: &str,
    step: &str,
    err: &EngineError,
) -> Result<(), EngineError> {
    let Reason { code, params, .. } = Reason::from(err);
    store.with_conn(|c| {
        c.execute(
            &format!(
                "UPDATE plan_steps SET state = 'failed', error_code = ?3, error = ?4,
                 error_reason = ?5, error_params = ?6, updated_at = {NOW}
                 WHERE plan_id = ?1 AND step = ?2"
            ),
            params![
                id,
                step,
                err.code(),
                err.to_string(),
                serde_json::to_value(code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned)),
                serde_json::to_string(&params).ok()
            ],
        )
    })?;
    Ok(())
}

/// Vault id of the enroll secret generated for `enroll_id` in plan `plan_id`.
pub fn enroll_secret_id(plan_id: &str, enroll_id: &str) -> String {
    format!("plan/{plan_id}/enroll/{enroll_id}")
}

/// Vault id of the registrar's enroll secret of plan `plan_id` ([`crate::Registrar::EnrollId`]).
pub fn registrar_secret_id(plan_id: &str) -> String {
    format!("plan/{plan_id}/registrar")
}

/// Vault id of the certificate (PEM) of the org admin a plan with `source.create` enrolled.
pub fn org_admin_cert_id(plan_id: &str) -> String {
    format!("plan/{plan_id}/org-admin/cert")
}

/// Vault id of the private key (PEM) of the org admin a plan with `source.create` enrolled.
pub fn org_admin_key_id(plan_id: &str) -> String {
    format!("plan/{plan_id}/org-admin/private_key")
}

/// Records that `step` was carried out outside a run (an offline bundle applied by hand or on
/// another machine): done, one more attempt, with `result`. Additive hook for bundles.
pub fn record_external_done(
    store: &Store,
    id: &str,
    step: &str,
    result: &StepResult,
) -> Result<(), EngineError> {
    record_intent(store, id, step)?;
    record_done(store, id, step, result)
}
