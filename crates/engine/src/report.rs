//! The report of a plan: per region what was created and imported (ids and URLs), each new
//! peer's channels with heights and its chaincode packages, each channel's anchor peers, and
//! what is still open. JSON and Markdown.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;
use ts_rs::TS;

use crate::journal::{CcaasServer, JournalEntry, PlanRecord, PlanState, StepState};
use crate::reason::ReasonCode;
use crate::steps::{plan_steps, StepText};

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
    /// The plan's channels it has joined.
    pub channels: Vec<PeerChannel>,
    /// Package ids of the chaincode packages it has, once the install step is done.
    pub package_ids: Vec<String>,
    /// What the operator should know (a chaincode-as-a-service package's one server).
    pub warnings: Vec<String>,
    /// The chaincode-as-a-service packages it has, with their one server (`warnings`, for
    /// the window to word).
    pub ccaas: Vec<CcaasServer>,
}

/// A channel a new peer has joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanPeerChannel")]
pub struct PeerChannel {
    /// The channel.
    pub channel: String,
    /// Its height on the peer when the join step finished.
    #[ts(type = "number | null")]
    pub height: Option<u64>,
    /// The region-1 peer's height it caught up with.
    #[ts(type = "number | null")]
    pub source_height: Option<u64>,
    /// It had joined already; nothing was sent.
    pub already_joined: bool,
}

/// A channel of the plan: the organization's anchor peers once the update is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanChannelReport")]
pub struct ChannelReport {
    /// The channel.
    pub channel: String,
    /// The organization's anchor peers (`host:port`) after the plan's update.
    pub anchor_peers: Vec<String>,
    /// The config block that carries them.
    #[ts(type = "number | null")]
    pub config_block: Option<u64>,
    /// Every new peer was an anchor peer already; nothing was sent.
    pub already_present: bool,
    /// The anchor update is not done yet (it runs once every region is done).
    pub open: Option<OpenStep>,
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
    /// The sentence as a code and values (the window's language).
    pub text: StepText,
    /// The last error, if the step failed.
    pub error: Option<String>,
    /// Which sentence `error` is (absent in a journal from before it was kept).
    pub reason: Option<ReasonCode>,
    /// The values it names, by name.
    pub params: BTreeMap<String, String>,
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
    /// Per channel of the plan.
    pub channels: Vec<ChannelReport>,
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

/// Builds the report of `record` from its journal.
pub fn build(record: &PlanRecord, journal: &HashMap<String, JournalEntry>) -> Report {
    let plan = &record.plan;
    let steps = plan_steps(plan);
    let done = |key: &str| {
        journal
            .get(key)
            .filter(|e| e.state == StepState::Done)
            .and_then(|e| e.result.clone())
    };
    let open = |key: &str| {
        let step = steps.iter().find(|s| s.key == key)?;
        let e = journal.get(key);
        if e.is_some_and(|e| e.state == StepState::Done) {
            return None;
        }
        let (reason, params) = match e.and_then(|e| e.error_reason.clone()) {
            Some((code, params)) => (Some(code), params),
            None => (None, BTreeMap::new()),
        };
        Some(OpenStep {
            step: step.key.clone(),
            description: step.description.clone(),
            text: step.text.clone(),
            error: e.and_then(|e| e.error.clone()),
            reason,
            params,
        })
    };
    let mut regions = Vec::new();
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
            let installed = done(&format!("{c}/install/{}", p.enroll_id));
            let imported_into = plan
                .consoles()
                .into_iter()
                .filter(|o| *o != c.as_str())
                .filter_map(|o| placed(journal, &format!("{c}/copy/{}/{o}", p.enroll_id)))
                .collect();
            peers.push(PeerReport {
                display_name: p.display_name.clone(),
                enroll_id: p.enroll_id.clone(),
                component_id: created.as_ref().and_then(|r| r.component_id.clone()),
                api_url: created.as_ref().and_then(|r| r.api_url.clone()),
                operations_url: created.and_then(|r| r.operations_url),
                running,
                imported_into,
                channels: plan
                    .channels
                    .iter()
                    .filter_map(|ch| {
                        let r = done(&format!("{c}/join/{}/{ch}", p.enroll_id))?;
                        Some(PeerChannel {
                            channel: ch.clone(),
                            height: r.height,
                            source_height: r.source_height,
                            already_joined: r.already_present,
                        })
                    })
                    .collect(),
                package_ids: installed
                    .as_ref()
                    .map(|r| r.package_ids.clone())
                    .unwrap_or_default(),
                ccaas: installed
                    .as_ref()
                    .map(|r| r.ccaas.clone())
                    .unwrap_or_default(),
                warnings: installed.map(|r| r.warnings).unwrap_or_default(),
            });
        }
        let open_steps = steps
            .iter()
            .filter(|s| &s.console == c)
            .filter_map(|s| open(&s.key))
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

    let channels = plan
        .channels
        .iter()
        .map(|ch| {
            let key = format!("{}/anchors/{ch}", plan.source.console);
            let r = done(&key);
            ChannelReport {
                channel: ch.clone(),
                anchor_peers: r
                    .as_ref()
                    .map(|r| r.anchor_peers.clone())
                    .unwrap_or_default(),
                config_block: r.as_ref().and_then(|r| r.config_block),
                already_present: r.as_ref().is_some_and(|r| r.already_present),
                open: open(&key),
            }
        })
        .collect();
    Report {
        plan: plan.name.clone(),
        state: record.state,
        source_console: plan.source.console.clone(),
        ca: created_id(record, journal, "create-ca").unwrap_or_else(|| plan.source.ca.clone()),
        msp: created_id(record, journal, "create-msp").unwrap_or_else(|| plan.source.msp.clone()),
        org_admin_identity: plan.source.org_admin_identity.clone(),
        regions,
        channels,
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
                    "| Peer | Enroll id | Id | api_url | Running | Imported into | Channels (height) | Chaincode packages |\n|---|---|---|---|---|---|---|---|"
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
                    let channels: Vec<String> = p
                        .channels
                        .iter()
                        .map(|c| match c.height {
                            Some(h) => format!("{} ({h})", c.channel),
                            None => c.channel.clone(),
                        })
                        .collect();
                    let packages: Vec<String> =
                        p.package_ids.iter().map(|id| format!("`{id}`")).collect();
                    let dash = |v: Vec<String>| {
                        if v.is_empty() {
                            "-".to_owned()
                        } else {
                            v.join(", ")
                        }
                    };
                    let _ = writeln!(
                        md,
                        "| {} | `{}` | `{}` | {} | {} | {} | {} | {} |",
                        p.display_name,
                        p.enroll_id,
                        p.component_id.as_deref().unwrap_or("-"),
                        p.api_url.as_deref().unwrap_or("-"),
                        if p.running { "yes" } else { "no" },
                        dash(into),
                        dash(channels),
                        dash(packages)
                    );
                }
                let _ = writeln!(md);
                let warnings: std::collections::BTreeSet<&String> =
                    r.peers.iter().flat_map(|p| &p.warnings).collect();
                for w in warnings {
                    let _ = writeln!(md, "> Warning: {w}\n");
                }
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
        if !self.channels.is_empty() {
            let _ = writeln!(md, "## Channels\n");
            for c in &self.channels {
                match &c.open {
                    Some(open) => {
                        let _ = writeln!(
                            md,
                            "- `{}`: anchor peers not updated yet ({}){}",
                            c.channel,
                            open.description,
                            open.error
                                .as_deref()
                                .map(|e| format!(" — last error: {e}"))
                                .unwrap_or_default()
                        );
                    }
                    None => {
                        let _ = writeln!(
                            md,
                            "- `{}`: anchor peers of the organization {}{}",
                            c.channel,
                            c.anchor_peers
                                .iter()
                                .map(|a| format!("`{a}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            match (c.already_present, c.config_block) {
                                (true, _) => " (already there)".to_owned(),
                                (false, Some(n)) => format!(" (config block {n})"),
                                (false, None) => String::new(),
                            }
                        );
                    }
                }
            }
            let _ = writeln!(md);
        }
        md
    }
}
