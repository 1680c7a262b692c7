//! A plan's steps: for every target console, in order, what has to happen there.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::plan::{PeerSpec, Plan, Target};

/// What one step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export, rename = "PlanAction")]
pub enum Action {
    /// Create (deploy) the organization's CA in the region-1 console, its admin being the
    /// plan's registrar with a generated secret.
    CreateCa,
    /// Wait until the console reports the new CA running and it answers `cainfo`.
    WaitCa,
    /// Enroll the new CA's admin (the registrar).
    EnrollCaAdmin,
    /// Register the org admin's enroll id at the new CA (type `admin`).
    RegisterAdmin {
        /// The enroll id.
        enroll_id: String,
    },
    /// Enroll the org admin; its certificate and key are kept encrypted.
    EnrollAdmin {
        /// The enroll id.
        enroll_id: String,
    },
    /// Create the MSP definition in the region-1 console from the CA's roots, with Node OUs
    /// and the org admin's certificate as admin.
    CreateMsp,
    /// Import the peer the plan created in region 1 into the target console.
    ImportFirstPeer,
    /// Import the region-1 CA into the target console.
    ImportCa,
    /// Import the organization's MSP definition into the target console.
    ImportMsp,
    /// Import an existing region-1 peer into the target console.
    ImportSourcePeer {
        /// Console id of the peer in the source console.
        peer: String,
    },
    /// Register the peer's enroll id at the region-1 CA (type `peer`).
    Register {
        /// The enroll id.
        enroll_id: String,
    },
    /// Create the peer in the target console, enrolling at the region-1 CA.
    CreatePeer {
        /// The peer's enroll id (its key in the plan).
        enroll_id: String,
    },
    /// Wait until the console reports the peer running.
    WaitRunning {
        /// The peer's enroll id.
        enroll_id: String,
    },
    /// Import the new peer into another console of the plan.
    CopyPeer {
        /// The peer's enroll id.
        enroll_id: String,
        /// The console it is imported into.
        into: String,
    },
    /// Join the new peer to a channel of the plan with block 0 from a region-1 peer, then wait
    /// until its height reaches that peer's height at join time.
    JoinChannel {
        /// The peer's enroll id.
        enroll_id: String,
        /// The channel.
        channel: String,
    },
    /// Install on the new peer, byte for byte, every chaincode package the region-1 peers
    /// have installed that a definition on a plan channel uses.
    InstallChaincodes {
        /// The peer's enroll id.
        enroll_id: String,
    },
    /// Add every new peer of every region to the organization's anchor peers of a channel:
    /// one config update, once every region's peers have joined.
    AnchorPeers {
        /// The channel.
        channel: String,
    },
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanStep")]
pub struct Step {
    /// Stable key in the journal, e.g. `r2/create/org1msp-eu-de-peer1`.
    pub key: String,
    /// Position in the plan's step list (1-based; for display).
    pub number: usize,
    /// The console this step belongs to (its region's lane; the region-1 console for the
    /// steps that create the organization).
    pub console: String,
    /// The region label.
    pub region: String,
    /// What it does.
    #[serde(flatten)]
    pub action: Action,
    /// A human sentence.
    pub description: String,
    /// The sentence as a code and the values it names, for a window that words it in its
    /// own language.
    pub text: StepText,
}

/// A step's sentence as a code (`createPeer`, `joinChannel`, ...) and the values it names
/// (`peer`, `console`, `ca`, `channel`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "PlanStepText")]
pub struct StepText {
    /// Which sentence.
    pub code: &'static str,
    /// The values it names.
    pub params: BTreeMap<String, String>,
}

impl StepText {
    /// A code and the values it names.
    pub fn new(code: &'static str, params: &[(&str, &str)]) -> StepText {
        StepText {
            code,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}

/// Every step of `plan`, region by region, each region in the order its steps run.
pub fn plan_steps(plan: &Plan) -> Vec<Step> {
    let mut steps = Vec::new();
    bootstrap_steps(plan, &mut steps);
    for target in &plan.targets {
        region_steps(plan, target, &mut steps);
    }
    anchor_steps(plan, &mut steps);
    for (i, step) in steps.iter_mut().enumerate() {
        step.number = i + 1;
    }
    steps
}

/// Region label of the steps that create the organization in the region-1 console.
pub const BOOTSTRAP_REGION: &str = "region 1";
/// Region label of the steps that run once every region is done (the anchor peers).
pub const ALL_REGIONS: &str = "all regions";

/// One anchor-peer update per channel of the plan, after every region.
fn anchor_steps(plan: &Plan, out: &mut Vec<Step>) {
    let c = &plan.source.console;
    for channel in &plan.channels {
        out.push(Step {
            key: format!("{c}/anchors/{channel}"),
            number: 0,
            console: c.clone(),
            region: ALL_REGIONS.to_owned(),
            action: Action::AnchorPeers {
                channel: channel.clone(),
            },
            description: format!(
                "Make the new peers of every region anchor peers of {channel} (one config update)"
            ),
            text: StepText::new("anchorPeers", &[("channel", channel)]),
        });
    }
}

/// The steps that create the organization in the region-1 console (none unless the plan has
/// `source.create`); every target region runs after them.
fn bootstrap_steps(plan: &Plan, out: &mut Vec<Step>) {
    let Some(create) = &plan.source.create else {
        return;
    };
    let c = &plan.source.console;
    let step = |key: String, action: Action, (description, text): (String, StepText)| Step {
        key: format!("{c}/{key}"),
        number: 0,
        console: c.clone(),
        region: BOOTSTRAP_REGION.to_owned(),
        action,
        description,
        text,
    };
    let ca = &create.ca_display_name;
    let admin = &create.org_admin_enroll_id;
    let peer = &create.first_peer;
    out.push(step(
        "create-ca".into(),
        Action::CreateCa,
        (
            format!("Create CA {ca:?} in console {c:?}"),
            StepText::new("createCa", &[("ca", ca), ("console", c)]),
        ),
    ));
    out.push(step(
        "wait-ca".into(),
        Action::WaitCa,
        (
            format!("Wait until CA {ca:?} is running and answers"),
            StepText::new("waitCa", &[("ca", ca)]),
        ),
    ));
    out.push(step(
        "enroll-ca-admin".into(),
        Action::EnrollCaAdmin,
        (
            format!("Enroll the admin of CA {ca:?}"),
            StepText::new("enrollCaAdmin", &[("ca", ca)]),
        ),
    ));
    out.push(step(
        format!("register-admin/{admin}"),
        Action::RegisterAdmin {
            enroll_id: admin.clone(),
        },
        (
            format!("Register enroll id {admin:?} (type admin) at CA {ca:?}"),
            StepText::new("registerAdmin", &[("enrollId", admin), ("ca", ca)]),
        ),
    ));
    out.push(step(
        format!("register/{}", peer.enroll_id),
        Action::Register {
            enroll_id: peer.enroll_id.clone(),
        },
        (
            format!(
                "Register enroll id {:?} (type peer) at CA {ca:?}",
                peer.enroll_id
            ),
            StepText::new("register", &[("enrollId", &peer.enroll_id), ("ca", ca)]),
        ),
    ));
    out.push(step(
        format!("enroll-admin/{admin}"),
        Action::EnrollAdmin {
            enroll_id: admin.clone(),
        },
        (
            format!("Enroll the org admin {admin:?} into the library"),
            StepText::new("enrollAdmin", &[("enrollId", admin)]),
        ),
    ));
    out.push(step(
        "create-msp".into(),
        Action::CreateMsp,
        (
            format!(
                "Create MSP definition {:?} ({}) in console {c:?} with Node OUs",
                create.msp_display_name, create.msp_id
            ),
            StepText::new(
                "createMsp",
                &[
                    ("msp", &create.msp_display_name),
                    ("mspId", &create.msp_id),
                    ("console", c),
                ],
            ),
        ),
    ));
    out.push(step(
        format!("create/{}", peer.enroll_id),
        Action::CreatePeer {
            enroll_id: peer.enroll_id.clone(),
        },
        (
            format!(
                "Create peer {:?} in console {c:?}, enrolling {:?} at CA {ca:?}",
                peer.display_name, peer.enroll_id
            ),
            StepText::new(
                "createPeer",
                &[
                    ("peer", &peer.display_name),
                    ("console", c),
                    ("enrollId", &peer.enroll_id),
                    ("ca", ca),
                ],
            ),
        ),
    ));
    out.push(step(
        format!("wait/{}", peer.enroll_id),
        Action::WaitRunning {
            enroll_id: peer.enroll_id.clone(),
        },
        (
            format!("Wait until peer {:?} is running", peer.display_name),
            StepText::new("waitRunning", &[("peer", &peer.display_name)]),
        ),
    ));
}

fn region_steps(plan: &Plan, target: &Target, out: &mut Vec<Step>) {
    let c = &target.console;
    // An organization created by the plan has no console ids yet: name its CA and MSP by the
    // display names they are created with.
    let (ca, msp) = match &plan.source.create {
        Some(create) => (&create.ca_display_name, &create.msp_display_name),
        None => (&plan.source.ca, &plan.source.msp),
    };
    let step = |key: String, action: Action, (description, text): (String, StepText)| Step {
        key,
        number: 0,
        console: c.clone(),
        region: target.region.clone(),
        action,
        description,
        text,
    };
    out.push(step(
        format!("{c}/import-ca"),
        Action::ImportCa,
        (
            format!("Import CA {ca:?} into console {c:?}"),
            StepText::new("importCa", &[("ca", ca), ("console", c)]),
        ),
    ));
    out.push(step(
        format!("{c}/import-msp"),
        Action::ImportMsp,
        (
            format!("Import MSP definition {msp:?} into console {c:?}"),
            StepText::new("importMsp", &[("msp", msp), ("console", c)]),
        ),
    ));
    if let Some(create) = &plan.source.create {
        out.push(step(
            format!("{c}/import-first-peer"),
            Action::ImportFirstPeer,
            (
                format!(
                    "Import peer {:?} of console {:?} into console {c:?}",
                    create.first_peer.display_name, plan.source.console
                ),
                StepText::new(
                    "importPeer",
                    &[
                        ("peer", &create.first_peer.display_name),
                        ("from", &plan.source.console),
                        ("console", c),
                    ],
                ),
            ),
        ));
    }
    for peer in &plan.source.peers {
        out.push(step(
            format!("{c}/import-peer/{peer}"),
            Action::ImportSourcePeer { peer: peer.clone() },
            (
                format!(
                    "Import peer {peer:?} of console {:?} into console {c:?}",
                    plan.source.console
                ),
                StepText::new(
                    "importPeer",
                    &[
                        ("peer", peer),
                        ("from", &plan.source.console),
                        ("console", c),
                    ],
                ),
            ),
        ));
    }
    for p in &target.peers {
        out.push(step(
            format!("{c}/register/{}", p.enroll_id),
            Action::Register {
                enroll_id: p.enroll_id.clone(),
            },
            (
                format!(
                    "Register enroll id {:?} (type peer) at CA {ca:?}",
                    p.enroll_id
                ),
                StepText::new("register", &[("enrollId", &p.enroll_id), ("ca", ca)]),
            ),
        ));
        out.push(step(
            format!("{c}/create/{}", p.enroll_id),
            Action::CreatePeer {
                enroll_id: p.enroll_id.clone(),
            },
            (
                format!(
                    "Create peer {:?} in console {c:?}, enrolling {:?} at CA {ca:?}",
                    p.display_name, p.enroll_id
                ),
                StepText::new(
                    "createPeer",
                    &[
                        ("peer", &p.display_name),
                        ("console", c),
                        ("enrollId", &p.enroll_id),
                        ("ca", ca),
                    ],
                ),
            ),
        ));
    }
    for p in &target.peers {
        out.push(step(
            format!("{c}/wait/{}", p.enroll_id),
            Action::WaitRunning {
                enroll_id: p.enroll_id.clone(),
            },
            (
                format!("Wait until peer {:?} is running", p.display_name),
                StepText::new("waitRunning", &[("peer", &p.display_name)]),
            ),
        ));
    }
    for p in &target.peers {
        for other in plan.consoles() {
            if other == c.as_str() {
                continue;
            }
            out.push(step(
                format!("{c}/copy/{}/{other}", p.enroll_id),
                Action::CopyPeer {
                    enroll_id: p.enroll_id.clone(),
                    into: other.to_owned(),
                },
                (
                    format!("Import peer {:?} into console {other:?}", p.display_name),
                    StepText::new("copyPeer", &[("peer", &p.display_name), ("console", other)]),
                ),
            ));
        }
    }
    for p in &target.peers {
        for channel in &plan.channels {
            out.push(step(
                format!("{c}/join/{}/{channel}", p.enroll_id),
                Action::JoinChannel {
                    enroll_id: p.enroll_id.clone(),
                    channel: channel.clone(),
                },
                (
                    format!(
                        "Join peer {:?} to {channel} and wait until it caught up",
                        p.display_name
                    ),
                    StepText::new(
                        "joinChannel",
                        &[("peer", &p.display_name), ("channel", channel)],
                    ),
                ),
            ));
        }
        if !plan.channels.is_empty() {
            out.push(step(
                format!("{c}/install/{}", p.enroll_id),
                Action::InstallChaincodes {
                    enroll_id: p.enroll_id.clone(),
                },
                (
                    format!(
                        "Install the chaincode packages of {} on peer {:?}",
                        plan.channels.join(", "),
                        p.display_name
                    ),
                    StepText::new(
                        "installChaincodes",
                        &[
                            ("channels", &plan.channels.join(", ")),
                            ("peer", &p.display_name),
                        ],
                    ),
                ),
            ));
        }
    }
}

/// The spec of the peer with `enroll_id`: a target's new peer or the first peer the plan
/// creates in region 1.
pub(crate) fn find_peer<'a>(plan: &'a Plan, enroll_id: &str) -> Option<&'a PeerSpec> {
    plan.source
        .create
        .as_ref()
        .map(|c| &c.first_peer)
        .filter(|p| p.enroll_id == enroll_id)
        .or_else(|| {
            plan.targets
                .iter()
                .find_map(|t| t.peers.iter().find(|p| p.enroll_id == enroll_id))
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_region_imports_before_it_creates_and_copies_after_waiting() {
        let plan = crate::plan::tests::sample();
        let steps = plan_steps(&plan);
        // Per region: CA, MSP, 1 source peer, 2 × (register, create), 2 waits, 2 × 2 copies.
        assert_eq!(steps.len(), 2 * (3 + 4 + 2 + 4));
        let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
        let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
        assert!(pos("r2/import-ca") < pos("r2/create/org1msp-eu-de-peer1"));
        assert!(pos("r2/register/org1msp-eu-de-peer2") < pos("r2/create/org1msp-eu-de-peer2"));
        assert!(pos("r2/wait/org1msp-eu-de-peer2") < pos("r2/copy/org1msp-eu-de-peer1/r1"));
        assert!(keys.contains(&"r3/copy/org1msp-jp-tok-peer2/r2"));
        let unique: std::collections::BTreeSet<&str> = keys.iter().copied().collect();
        assert_eq!(unique.len(), keys.len());
        assert_eq!(steps.last().unwrap().number, steps.len());
    }

    #[test]
    fn channels_add_joins_and_installs_per_new_peer_and_one_anchor_update_per_channel() {
        let mut plan = crate::plan::tests::sample();
        let before = plan_steps(&plan).len();
        plan.channels = vec!["mychannel".into(), "other".into()];
        let steps = plan_steps(&plan);
        // 4 new peers × (2 joins + 1 install) + 2 anchor updates.
        assert_eq!(steps.len(), before + 4 * 3 + 2);
        let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
        let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
        let peer = "org1msp-eu-de-peer1";
        assert!(pos(&format!("r2/wait/{peer}")) < pos(&format!("r2/join/{peer}/mychannel")));
        assert!(pos(&format!("r2/join/{peer}/other")) < pos(&format!("r2/install/{peer}")));
        let anchors: Vec<&Step> = steps
            .iter()
            .filter(|s| matches!(s.action, Action::AnchorPeers { .. }))
            .collect();
        assert_eq!(anchors.len(), 2);
        assert!(anchors.iter().all(|s| s.region == ALL_REGIONS));
        // The anchor updates come after every region's steps.
        let last_region_step = steps.iter().rposition(|s| s.region != ALL_REGIONS).unwrap();
        assert!(steps.iter().position(|s| s.region == ALL_REGIONS).unwrap() > last_region_step);
    }
}
