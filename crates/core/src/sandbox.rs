//! The running sandbox's regions, for the window's region-loss drill: the regions of the
//! `fabric-ha sandbox --fabric` this user runs (found by its control socket), and stopping or
//! starting one of them (its console, its CA and its peers).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CoreError;

/// A node of a sandbox region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SandboxNode {
    /// Its id in the region's console.
    pub id: String,
    /// `ca` or `peer`.
    pub kind: String,
    /// Its process, while it runs.
    pub pid: Option<u32>,
}

/// A region of the running sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SandboxRegion {
    /// Its name (`r1`).
    pub region: String,
    /// Its console's URL (the same after a restart).
    #[serde(alias = "console_url")]
    pub console_url: String,
    /// Its console answers and its nodes run.
    pub running: bool,
    /// Its nodes.
    pub nodes: Vec<SandboxNode>,
}

/// What to do with a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RegionOp {
    /// Stop its console, CA and peers.
    Stop,
    /// Start them again.
    Start,
}

/// The regions of the sandbox that runs now; empty when none runs.
pub fn sandbox_regions() -> Result<Vec<SandboxRegion>, CoreError> {
    match sandbox_socket()? {
        Some(path) => ask(&path, &serde_json::json!({ "op": "status" })),
        None => Ok(Vec::new()),
    }
}

/// Stops or starts `region` of the sandbox that runs now; returns the region as it is after.
pub fn sandbox_region(op: RegionOp, region: &str) -> Result<SandboxRegion, CoreError> {
    let path = sandbox_socket()?.ok_or_else(|| CoreError::NotFound {
        what: "a running `fabric-ha sandbox --fabric` of this user".into(),
    })?;
    let op = match op {
        RegionOp::Stop => "stop",
        RegionOp::Start => "start",
    };
    ask(&path, &serde_json::json!({ "op": op, "region": region }))?
        .into_iter()
        .next()
        .ok_or_else(|| {
            CoreError::Internal(format!("the sandbox answered {op} {region} with no region"))
        })
}

/// The control socket of the one sandbox this user runs now (in the temporary folder); `None`
/// when none runs, an error naming them when several do.
#[cfg(unix)]
pub fn sandbox_socket() -> Result<Option<std::path::PathBuf>, CoreError> {
    let mut running = fabric_ha_sandbox_control::running(&std::env::temp_dir());
    match running.len() {
        0 => Ok(None),
        1 => Ok(Some(running.remove(0))),
        _ => Err(CoreError::InvalidInput {
            field: "--sandbox".into(),
            reason: format!(
                "several sandboxes are running; choose one: {}",
                running
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

#[cfg(unix)]
fn ask(
    path: &std::path::Path,
    request: &serde_json::Value,
) -> Result<Vec<SandboxRegion>, CoreError> {
    use fabric_ha_sandbox_control::ControlError;
    let regions = fabric_ha_sandbox_control::request(path, request).map_err(|e| match e {
        ControlError::Refused { code, message }
            if matches!(
                code.as_str(),
                "unknown_region" | "already_stopped" | "already_running"
            ) =>
        {
            CoreError::InvalidInput {
                field: "region".into(),
                reason: message,
            }
        }
        ControlError::NotRunning { .. } => CoreError::NotFound {
            what: format!("a running `fabric-ha sandbox --fabric` ({e})"),
        },
        other => CoreError::Internal(format!("the sandbox: {other}")),
    })?;
    regions
        .into_iter()
        .map(|r| {
            serde_json::from_value(r).map_err(|e| {
                CoreError::Internal(format!("the sandbox's answer is not a region: {e}"))
            })
        })
        .collect()
}

/// The control socket of the one sandbox this user runs now: none off Unix.
#[cfg(not(unix))]
pub fn sandbox_socket() -> Result<Option<std::path::PathBuf>, CoreError> {
    Ok(None)
}

#[cfg(not(unix))]
fn ask(_: &std::path::Path, _: &serde_json::Value) -> Result<Vec<SandboxRegion>, CoreError> {
    Err(CoreError::InvalidInput {
        field: "sandbox".into(),
        reason: "the sandbox's regions are controlled through a Unix domain socket".into(),
    })
}
