//! The report of a plan: per region what was created and imported (ids and URLs), what is
//! still open, and what remains manual with the exact values to use. JSON and Markdown.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;
use ts_rs::TS;

use crate::journal::{JournalEntry, PlanRecord, PlanState, StepState};
use crate::steps::plan_steps;

/// One effect in a console (an import or a creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanPlaced")]
pub struct Placed {
    /// The console.
    pub console: String,
    /// Component id there.
    pub component_id: Option<String>,
    /// It was already there; nothing was sent.
    pub already_present: bool,
}

/// A new peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanPeerReport")]
pub struct PeerReport {
    /// Tile title.
    pub display_name: String,
    /// Enroll id at the region-1 CA.
    pub enroll_id: String,
    /// Console id, once created.
    pub component_id: Option<String>,
    /// `grpcs://host:port`.
    pub api_url: Option<String>,
    /// Operations URL.
    pub operations_url: Option<String>,
    /// Reported running.
    pub running: bool,
    /// Where it was imported.
    pub imported_into: Vec<Placed>,
}

/// One region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanRegionReport")]
pub struct RegionReport {
    /// Console name.
    pub console: String,
    /// Region label.
    pub region: String,
    /// The CA import.
    pub ca: Option<Placed>,
    /// The MSP import.
    pub msp: Option<Placed>,
    /// Region-1 peers imported here.
    pub source_peers: Vec<Placed>,
    /// The new peers.
    pub peers: Vec<PeerReport>,
    /// Steps not done yet, with the last error when there was one.
    pub open_steps: Vec<OpenStep>,
}

/// A step that is not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanOpenStep")]
pub struct OpenStep {
    /// Step key.
    pub step: String,
    /// Its sentence.
    pub description: String,
    /// The last error, if the step failed.
    pub error: Option<String>,
}

/// Something the app does not do yet, with the values to use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanManualStep")]
pub struct ManualStep {
    /// `join_channel`, `install_chaincode` or `anchor_peers`.
    pub kind: String,
    /// Channel, when it concerns one.
    pub channel: Option<String>,
    /// Chaincode, when it concerns one.
    pub chaincode: Option<String>,
    /// Peers concerned (display name and `api_url`).
    pub peers: Vec<String>,
    /// Exact values (e.g. `host:port` anchor peers).
    pub values: Vec<String>,
    /// What to do.
    pub instruction: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanReport")]
pub struct Report {
    /// Plan name.
    pub plan: String,
    /// Where it stands.
    pub state: PlanState,
    /// Source console.
    pub source_console: String,
    /// The CA every new peer enrolled at (console id in the source console).
    pub ca: String,
    /// The MSP definition (console id in the source console).
    pub msp: String,
    /// Library id of the org admin identity, when the plan names one.
    pub org_admin_identity: Option<String>,
    /// Per region.
    pub regions: Vec<RegionReport>,
    /// What remains manual.
    pub manual: Vec<ManualStep>,
}

fn placed(journal: &HashMap<String, JournalEntry>, key: &str) -> Option<Placed> {
    let e = journal.get(key).filter(|e| e.state == StepState::Done)?;
    let r = e.result.as_ref()?;
    Some(Placed {
        console: r.console.clone(),
        component_id: r.component_id.clone(),
        already_present: r.already_present,
    })
}

fn host_port(api_url: &str) -> Option<String> {
    let url = url::Url::parse(api_url).ok()?;
    Some(format!(
        "{}:{}",
        url.host_str()?,
        url.port_or_known_default()?
    ))
}

/// Builds the report of `record` from its journal.
pub fn build(record: &PlanRecord, journal: &HashMap<String, JournalEntry>) -> Report {
    let plan = &record.plan;
    let steps = plan_steps(plan);
    let mut regions = Vec::new();
    // Every peer of the organization once the plan is done: display name and api_url.
    let mut all_peers: Vec<(String, String)> = Vec::new();
    for source_peer in &plan.source.peers {
        let url = plan.targets.iter().find_map(|t| {
            journal
                .get(&format!("{}/import-peer/{source_peer}", t.console))
                .and_then(|e| e.result.as_ref()?.api_url.clone())
        });
        if let Some(url) = url {
            all_peers.push((source_peer.clone(), url));
        }
    }
    // The first peer of an organization the plan created, for the anchor peers.
    if let Some(create) = &plan.source.create {
        let key = format!(
            "{}/create/{}",
            plan.source.console, create.first_peer.enroll_id
        );
        let url = journal
            .get(&key)
            .filter(|e| e.state == StepState::Done)
            .and_then(|e| e.result.as_ref()?.api_url.clone());
        if let Some(url) = url {
            all_peers.push((create.first_peer.display_name.clone(), url));
        }
    }
    for t in &plan.targets {
        let c = &t.console;
        let mut peers = Vec::new();
        for p in &t.peers {
            let created = journal
                .get(&format!("{c}/create/{}", p.enroll_id))
                .filter(|e| e.state == StepState::Done)
                .and_then(|e| e.result.clone());
            let running = journal
                .get(&format!("{c}/wait/{}", p.enroll_id))
                .is_some_and(|e| e.state == StepState::Done);
            let imported_into = plan
                .consoles()
                .into_iter()
                .filter(|o| *o != c.as_str())
                .filter_map(|o| placed(journal, &format!("{c}/copy/{}/{o}", p.enroll_id)))
                .collect();
            if let Some(url) = created.as_ref().and_then(|r| r.api_url.clone()) {
                all_peers.push((p.display_name.clone(), url));
            }
            peers.push(PeerReport {
                display_name: p.display_name.clone(),
                enroll_id: p.enroll_id.clone(),
                component_id: created.as_ref().and_then(|r| r.component_id.clone()),
                api_url: created.as_ref().and_then(|r| r.api_url.clone()),
                operations_url: created.and_then(|r| r.operations_url),
                running,
                imported_into,
            });
        }
        let open_steps = steps
            .iter()
            .filter(|s| &s.console == c)
            .filter_map(|s| {
                let e = journal.get(&s.key);
                if e.is_some_and(|e| e.state == StepState::Done) {
                    return None;
                }
                Some(OpenStep {
                    step: s.key.clone(),
                    description: s.description.clone(),
                    error: e.and_then(|e| e.error.clone()),
                })
            })
            .collect();
        regions.push(RegionReport {
            console: c.clone(),
            region: t.region.clone(),
            ca: placed(journal, &format!("{c}/import-ca")),
            msp: placed(journal, &format!("{c}/import-msp")),
            source_peers: plan
                .source
                .peers
                .iter()
                .filter_map(|p| placed(journal, &format!("{c}/import-peer/{p}")))
                .collect(),
            peers,
            open_steps,
        });
    }

    let new_peers: Vec<String> = regions
        .iter()
        .flat_map(|r| {
            r.peers.iter().map(move |p| {
                format!(
                    "{} ({}) in console {:?}",
                    p.display_name,
                    p.api_url.as_deref().unwrap_or("not created yet"),
                    r.console
                )
            })
        })
        .collect();
    let admin = plan
        .source
        .org_admin_identity
        .as_deref()
        .map(|id| format!("the org admin identity {id}"))
        .unwrap_or_else(|| "an org admin identity of the MSP (type admin)".to_owned());
    let mut manual = Vec::new();
    for ch in &plan.channels {
        manual.push(ManualStep {
            kind: "join_channel".to_owned(),
            channel: Some(ch.clone()),
            chaincode: None,
            peers: new_peers.clone(),
            values: vec![ch.clone()],
            instruction: format!(
                "Join each new peer to channel {ch:?} with {admin}: fetch block 0 of {ch:?} (from the ordering service, or qscc GetBlockByNumber on a region-1 peer) and send cscc JoinChain to each peer's api_url."
            ),
        });
        let anchors: Vec<String> = all_peers.iter().filter_map(|(_, u)| host_port(u)).collect();
        manual.push(ManualStep {
            kind: "anchor_peers".to_owned(),
            channel: Some(ch.clone()),
            chaincode: None,
            peers: all_peers
                .iter()
                .map(|(n, u)| format!("{n} ({u})"))
                .collect(),
            values: anchors,
            instruction: format!(
                "Set the AnchorPeers of the organization in channel {ch:?} to exactly these host:port values (keep the existing ones, add every new peer), signed by {admin}."
            ),
        });
    }
    for cc in &plan.chaincodes {
        manual.push(ManualStep {
            kind: "install_chaincode".to_owned(),
            channel: None,
            chaincode: Some(cc.clone()),
            peers: new_peers.clone(),
            values: vec![cc.clone()],
            instruction: format!(
                "Install chaincode {cc:?} on each new peer with {admin}, using the package bytes installed on a region-1 peer (_lifecycle GetInstalledChaincodePackage) so the package id matches the approved definition."
            ),
        });
    }
    Report {
        plan: plan.name.clone(),
        state: record.state,
        source_console: plan.source.console.clone(),
        ca: created_id(record, journal, "create-ca").unwrap_or_else(|| plan.source.ca.clone()),
        msp: created_id(record, journal, "create-msp").unwrap_or_else(|| plan.source.msp.clone()),
        org_admin_identity: plan.source.org_admin_identity.clone(),
        regions,
        manual,
    }
}

/// The console id of what a plan that creates its organization made in `step`.
fn created_id(
    record: &PlanRecord,
    journal: &HashMap<String, JournalEntry>,
    step: &str,
) -> Option<String> {
    record.plan.source.create.as_ref()?;
    placed(journal, &format!("{}/{step}", record.plan.source.console))?.component_id
}

fn placed_md(p: &Option<Placed>) -> String {
    match p {
        Some(p) => format!(
            "`{}`{}",
            p.component_id.as_deref().unwrap_or("?"),
            if p.already_present {
                " (already present)"
            } else {
                ""
            }
        ),
        None => "not yet".to_owned(),
    }
}

impl Report {
    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let state = serde_json::to_value(self.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(md, "# HA replication report: {}\n", self.plan);
        let _ = writeln!(
            md,
            "State: **{state}**. Source console `{}`, CA `{}`, MSP `{}`.\n",
            self.source_console, self.ca, self.msp
        );
        for r in &self.regions {
            let _ = writeln!(md, "## {} (console `{}`)\n", r.region, r.console);
            let _ = writeln!(md, "- CA imported: {}", placed_md(&r.ca));
            let _ = writeln!(md, "- MSP imported: {}", placed_md(&r.msp));
            for p in &r.source_peers {
                let _ = writeln!(
                    md,
                    "- Region-1 peer imported: {}",
                    placed_md(&Some(p.clone()))
                );
            }
            let _ = writeln!(md);
            if !r.peers.is_empty() {
                let _ = writeln!(
                    md,
                    "| Peer | Enroll id | Id | api_url | Running | Imported into |\n|---|---|---|---|---|---|"
                );
                for p in &r.peers {
                    let into: Vec<String> = p
                        .imported_into
                        .iter()
                        .map(|i| {
                            format!(
                                "{}: `{}`",
                                i.console,
                                i.component_id.as_deref().unwrap_or("?")
                            )
                        })
                        .collect();
                    let _ = writeln!(
                        md,
                        "| {} | `{}` | `{}` | {} | {} | {} |",
                        p.display_name,
                        p.enroll_id,
                        p.component_id.as_deref().unwrap_or("-"),
                        p.api_url.as_deref().unwrap_or("-"),
                        if p.running { "yes" } else { "no" },
                        if into.is_empty() {
                            "-".to_owned()
                        } else {
                            into.join(", ")
                        }
                    );
                }
                let _ = writeln!(md);
            }
            if !r.open_steps.is_empty() {
                let _ = writeln!(md, "Open steps:\n");
                for s in &r.open_steps {
                    let _ = writeln!(
                        md,
                        "- {}{}",
                        s.description,
                        s.error
                            .as_deref()
                            .map(|e| format!(" — last error: {e}"))
                            .unwrap_or_default()
                    );
                }
                let _ = writeln!(md);
            }
        }
        if !self.manual.is_empty() {
            let _ = writeln!(md, "## Manual steps\n");
            for m in &self.manual {
                let _ = writeln!(
                    md,
                    "### {}\n\n{}\n",
                    m.kind.replace('_', " "),
                    m.instruction
                );
                for v in &m.values {
                    let _ = writeln!(md, "- `{v}`");
                }
                for p in &m.peers {
                    let _ = writeln!(md, "- peer: {p}");
                }
                let _ = writeln!(md);
            }
        }
        md
    }
}
