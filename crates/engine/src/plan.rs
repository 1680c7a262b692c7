//! The plan: which organization to replicate, from which console, into which regions, with
//! which peers. Serialized as human-readable JSON (the file `fabric-ha plan show --out` writes
//! and `fabric-ha plan new --from` reads); no secret is ever part of it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::EngineError;

/// The file format version written into every plan.
pub const PLAN_FORMAT: u32 = 1;
/// Default time a region's new peers get to report running.
pub const DEFAULT_WAIT_SECS: u64 = 600;
/// Longest display name the console accepts (§8.20).
const MAX_DISPLAY_NAME: usize = 64;
/// Longest enroll id the console accepts (§3.2).
const MAX_ENROLL_ID: usize = 255;
/// Longest MSP id the console accepts (§2.3).
const MAX_MSP_ID: usize = 250;

/// One HA replication plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "PlanSpec")]
pub struct Plan {
    /// File format version ([`PLAN_FORMAT`]).
    pub format: u32,
    /// Unique, human-chosen name (also the key in the workspace).
    pub name: String,
    /// The organization as it exists in region 1.
    pub source: Source,
    /// The regions to replicate into, one console each.
    pub targets: Vec<Target>,
    /// Channels every new peer joins (block 0 from a region-1 peer that has joined them) and
    /// where the new peers become anchor peers.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Which chaincode packages to install on the new peers: package ids (`label:hash`) or
    /// chaincode names, among those the region-1 peers have installed and a definition on a
    /// plan channel uses. Empty: every such package.
    #[serde(default)]
    pub chaincodes: Vec<String>,
    /// Seconds a region's new peers get to report running before the region stops.
    #[serde(default = "default_wait")]
    #[ts(type = "number")]
    pub wait_timeout_secs: u64,
}

fn default_wait() -> u64 {
    DEFAULT_WAIT_SECS
}

/// The organization in the region-1 console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "PlanSource")]
pub struct Source {
    /// Name of the region-1 console in the workspace.
    pub console: String,
    /// Console id of the organization's CA there (empty with [`Source::create`]: the CA the
    /// plan creates).
    #[serde(default)]
    pub ca: String,
    /// Console id of the organization's MSP definition there (empty with [`Source::create`]).
    #[serde(default)]
    pub msp: String,
    /// Console ids of the organization's existing peers there (imported into every target).
    #[serde(default)]
    pub peers: Vec<String>,
    /// Who registers the new peers' enroll ids at the CA. With [`Source::create`] this is
    /// the new CA's admin, an [`Registrar::EnrollId`] whose secret the plan generates.
    pub registrar: Registrar,
    /// Library id of the org admin identity (the report names it for the manual steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_admin_identity: Option<String>,
    /// Wallet identity (library id or name), enrolled at the organization's TLS CA, whose TLS
    /// certificate the org admin's connections present to peers and orderers that require
    /// client certificates (mutual TLS). `None`: no client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_identity: Option<String>,
    /// The organization does not exist yet: create it in the region-1 console first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create: Option<Bootstrap>,
}

/// An organization to create from nothing in the region-1 console: its CA (whose admin is the
/// plan's registrar), the org admin identity, the MSP definition and the first peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "PlanBootstrap")]
pub struct Bootstrap {
    /// Tile title of the new CA (≤ 64 characters; the console derives its id from it).
    pub ca_display_name: String,
    /// The organization's MSP id (letters, digits, `.` and `-`).
    pub msp_id: String,
    /// Tile title of the MSP definition.
    pub msp_display_name: String,
    /// Enroll id of the org admin, registered as type `admin` and enrolled into the library.
    pub org_admin_enroll_id: String,
    /// The first peer, created in the region-1 console.
    pub first_peer: PeerSpec,
}

/// The CA registrar. Its secret or private key lives in the workspace vault, never in the
/// plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[ts(export, rename = "PlanRegistrar")]
pub enum Registrar {
    /// Enroll this id (the CA admin) at the CA with the secret stored for the plan.
    EnrollId(String),
    /// Use this library identity (certificate and private key) as it is.
    LibraryIdentity(String),
}

/// One target region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "PlanTarget")]
pub struct Target {
    /// Name of the region's console in the workspace.
    pub console: String,
    /// Region label (for the report and progress).
    #[serde(default)]
    pub region: String,
    /// The peers to create there.
    pub peers: Vec<PeerSpec>,
}

/// One peer to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export, rename = "PlanPeerSpec")]
pub struct PeerSpec {
    /// Tile title in the console (unique within the plan; ≤ 64 characters).
    pub display_name: String,
    /// Enroll id registered for it at the region-1 CA (unique within the plan).
    pub enroll_id: String,
    /// Kubernetes zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Fabric version (from the console's versions); the deployer default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `couchdb` or `leveldb`; the console default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_db: Option<String>,
    /// CPU request of the peer container, e.g. `200m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory request of the peer container, e.g. `400Mi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// Ledger volume size, e.g. `100Gi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_size: Option<String>,
    /// Storage class of the volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// Extra host names for the peer's TLS certificate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub csr_hosts: Vec<String>,
}

/// How to lay out `count` peers in a region when the user gives only a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerDefaults {
    /// Kubernetes zone for every peer.
    pub zone: Option<String>,
    /// Fabric version for every peer.
    pub version: Option<String>,
    /// State database for every peer.
    pub state_db: Option<String>,
}

impl PeerSpec {
    /// `count` peers for region `region` of the organization `msp_id`, numbered from `first`:
    /// display names `<msp_id> peer <n> (<region>)` and enroll ids `<msp_id>-<region>-peer<n>`
    /// (only the characters the console accepts).
    pub fn numbered(
        msp_id: &str,
        region: &str,
        first: usize,
        count: usize,
        defaults: &PeerDefaults,
    ) -> Vec<PeerSpec> {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        (first..first + count)
            .map(|n| PeerSpec {
                display_name: format!("{msp_id} peer {n} ({region})"),
                enroll_id: format!("{}-{}-peer{n}", clean(msp_id), clean(region)),
                zone: defaults.zone.clone(),
                version: defaults.version.clone(),
                state_db: defaults.state_db.clone(),
                cpu: None,
                memory: None,
                storage_size: None,
                storage_class: None,
                csr_hosts: Vec::new(),
            })
            .collect()
    }
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidPlan(msg.into())
}

impl Plan {
    /// Reads a plan file (JSON); unknown fields are refused so a typo is never ignored.
    pub fn from_json(text: &str) -> Result<Plan, EngineError> {
        let plan: Plan = serde_json::from_str(text)
            .map_err(|e| invalid(format!("cannot read the plan: {e}")))?;
        plan.validate()?;
        Ok(plan)
    }

    /// The plan as a human-readable JSON file (two-space indent, trailing newline).
    pub fn to_json(&self) -> String {
        // A plan holds only strings, numbers and lists: serializing cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Checks names, counts and uniqueness.
    pub fn validate(&self) -> Result<(), EngineError> {
        if self.format != PLAN_FORMAT {
            return Err(invalid(format!(
                "format {} is not supported (this build reads format {PLAN_FORMAT})",
                self.format
            )));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > MAX_DISPLAY_NAME {
            return Err(invalid("the name must have 1 to 64 characters"));
        }
        if self.name.chars().any(char::is_control) {
            return Err(invalid("the name must not contain control characters"));
        }
        if self.source.console.is_empty() {
            return Err(invalid("source.console: the source needs a console"));
        }
        match &self.source.create {
            None if self.source.ca.is_empty() || self.source.msp.is_empty() => {
                return Err(invalid(
                    "the source needs a CA id and an MSP id (or `create` to create the organization)",
                ));
            }
            None => {}
            Some(create) => self.check_bootstrap(create)?,
        }
        if self.targets.is_empty() {
            return Err(invalid("the plan needs at least one target console"));
        }
        if self.wait_timeout_secs == 0 {
            return Err(invalid("wait_timeout_secs must be at least 1"));
        }
        self.check_channels()?;
        let mut consoles = BTreeSet::from([self.source.console.as_str()]);
        let mut names = BTreeSet::new();
        let mut ids = BTreeSet::new();
        if let Some(create) = &self.source.create {
            names.insert(create.first_peer.display_name.as_str());
            ids.insert(create.first_peer.enroll_id.as_str());
            ids.insert(create.org_admin_enroll_id.as_str());
            if let Registrar::EnrollId(admin) = &self.source.registrar {
                ids.insert(admin.as_str());
            }
        }
        for t in &self.targets {
            if !consoles.insert(t.console.as_str()) {
                return Err(invalid(format!(
                    "console {:?} appears twice (as source or target)",
                    t.console
                )));
            }
            for p in &t.peers {
                check_peer(p)?;
                if !names.insert(p.display_name.as_str()) {
                    return Err(invalid(format!(
                        "display name {:?} is used twice",
                        p.display_name
                    )));
                }
                if !ids.insert(p.enroll_id.as_str()) {
                    return Err(invalid(format!(
                        "enroll id {:?} is used twice",
                        p.enroll_id
                    )));
                }
            }
        }
        Ok(())
    }

    fn check_channels(&self) -> Result<(), EngineError> {
        if !self.channels.is_empty() && self.source.create.is_some() {
            return Err(invalid(
                "channels: a plan that creates the organization has no peer on a channel yet; join its first peer to the channels, then plan the other regions from the existing organization",
            ));
        }
        if self.channels.is_empty() && !self.chaincodes.is_empty() {
            return Err(invalid(
                "chaincodes: packages are installed for the plan's channels; name the channels too",
            ));
        }
        let mut seen = BTreeSet::new();
        for channel in &self.channels {
            // Fabric's channel names: [a-z][a-z0-9.-]*, shorter than 250 characters.
            let valid = channel.len() < 250
                && channel.starts_with(|c: char| c.is_ascii_lowercase())
                && channel
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
            if !valid {
                return Err(invalid(format!(
                    "channels: {channel:?} is not a channel name (lowercase letters, digits, '.' and '-', starting with a letter)"
                )));
            }
            if !seen.insert(channel.as_str()) {
                return Err(invalid(format!("channels: {channel:?} is listed twice")));
            }
        }
        Ok(())
    }

    /// The organization's MSP id when the plan creates it.
    pub fn created_msp_id(&self) -> Option<&str> {
        self.source.create.as_ref().map(|c| c.msp_id.as_str())
    }

    fn check_bootstrap(&self, create: &Bootstrap) -> Result<(), EngineError> {
        let field = |name: &str, msg: String| invalid(format!("source.create.{name}: {msg}"));
        if !self.source.ca.is_empty() || !self.source.msp.is_empty() {
            return Err(invalid(
                "source.ca / source.msp: leave them out with `create` (the plan creates the CA and the MSP)",
            ));
        }
        if !self.source.peers.is_empty() {
            return Err(invalid(
                "source.peers: an organization that does not exist yet has no peers to import",
            ));
        }
        let Registrar::EnrollId(admin) = &self.source.registrar else {
            return Err(invalid(
                "source.registrar: with `create` the registrar is the new CA's admin: give an enroll_id",
            ));
        };
        // The console's CreateCaBody: 4 to 255 characters for the registry's name and pass.
        if admin.chars().count() < 4 {
            return Err(invalid(format!(
                "source.registrar: the CA admin's enroll id {admin:?} needs at least 4 characters"
            )));
        }
        check_enroll_id(admin).map_err(|m| invalid(format!("source.registrar: {m}")))?;
        for (name, value) in [
            ("ca_display_name", &create.ca_display_name),
            ("msp_display_name", &create.msp_display_name),
        ] {
            if value.trim().is_empty()
                || value.trim() != value
                || value.chars().count() > MAX_DISPLAY_NAME
            {
                return Err(field(
                    name,
                    format!("{value:?} must have 1 to 64 characters and no surrounding spaces"),
                ));
            }
        }
        let msp_ok = !create.msp_id.is_empty()
            && create.msp_id.len() <= MAX_MSP_ID
            && create.msp_id != "."
            && create.msp_id != ".."
            && create
                .msp_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !msp_ok {
            return Err(field(
                "msp_id",
                format!(
                    "{:?} must have 1 to 250 of the characters A-Z a-z 0-9 . - (and not be . or ..)",
                    create.msp_id
                ),
            ));
        }
        check_enroll_id(&create.org_admin_enroll_id)
            .map_err(|m| field("org_admin_enroll_id", m))?;
        if &create.org_admin_enroll_id == admin {
            return Err(field(
                "org_admin_enroll_id",
                "must differ from the CA admin's enroll id".to_owned(),
            ));
        }
        check_peer(&create.first_peer).map_err(|e| match e {
            EngineError::InvalidPlan(m) => invalid(format!("source.create.first_peer: {m}")),
            other => other,
        })?;
        if create.first_peer.enroll_id == create.org_admin_enroll_id
            || &create.first_peer.enroll_id == admin
        {
            return Err(field(
                "first_peer.enroll_id",
                "must differ from the CA admin's and the org admin's enroll ids".to_owned(),
            ));
        }
        Ok(())
    }

    /// Every console the plan touches: the source first, then the targets in order.
    pub fn consoles(&self) -> Vec<&str> {
        std::iter::once(self.source.console.as_str())
            .chain(self.targets.iter().map(|t| t.console.as_str()))
            .collect()
    }
}

fn check_peer(p: &PeerSpec) -> Result<(), EngineError> {
    let name = p.display_name.trim();
    if name.is_empty() || name.chars().count() > MAX_DISPLAY_NAME || name != p.display_name {
        return Err(invalid(format!(
            "peer display name {:?} must have 1 to 64 characters and no surrounding spaces",
            p.display_name
        )));
    }
    check_enroll_id(&p.enroll_id).map_err(invalid)?;
    if let Some(db) = &p.state_db {
        if db != "couchdb" && db != "leveldb" {
            return Err(invalid(format!(
                "state_db of {:?} must be couchdb or leveldb",
                p.display_name
            )));
        }
    }
    Ok(())
}

fn check_enroll_id(id: &str) -> Result<(), String> {
    let bad = |c: char| c.is_whitespace() || ":/<>#{}%`[]\\^~|\"".contains(c);
    if id.is_empty() || id.len() > MAX_ENROLL_ID || id.chars().any(bad) {
        return Err(format!(
            "enroll id {id:?} must have 1 to 255 characters and none of whitespace : / < > # {{ }} % ` [ ] \\ ^ ~ | \""
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    pub(crate) fn sample() -> Plan {
        let d = PeerDefaults {
            zone: None,
            version: None,
            state_db: None,
        };
        Plan {
            format: PLAN_FORMAT,
            name: "org1 ha".into(),
            source: Source {
                console: "r1".into(),
                ca: "org1ca".into(),
                msp: "org1msp".into(),
                peers: vec!["org1peer1".into()],
                registrar: Registrar::EnrollId("admin".into()),
                org_admin_identity: None,
                tls_identity: None,
                create: None,
            },
            targets: vec![
                Target {
                    console: "r2".into(),
                    region: "eu-de".into(),
                    peers: PeerSpec::numbered("org1msp", "eu-de", 1, 2, &d),
                },
                Target {
                    console: "r3".into(),
                    region: "jp-tok".into(),
                    peers: PeerSpec::numbered("org1msp", "jp-tok", 1, 2, &d),
                },
            ],
            channels: vec![],
            chaincodes: vec![],
            wait_timeout_secs: 60,
        }
    }

    #[test]
    fn channels_are_fabric_channel_names_once_each_and_need_an_existing_organization() {
        let mut plan = sample();
        plan.channels = vec!["mychannel".into(), "org1-org2.v2".into()];
        plan.chaincodes = vec!["asset".into()];
        plan.validate().unwrap();
        for (channels, chaincodes, says) in [
            (
                vec!["MyChannel"],
                vec![],
                "\"MyChannel\" is not a channel name",
            ),
            (vec!["1chan"], vec![], "is not a channel name"),
            (vec!["a", "a"], vec![], "\"a\" is listed twice"),
            (vec![], vec!["asset"], "name the channels too"),
        ] {
            let mut bad = sample();
            bad.channels = channels.into_iter().map(String::from).collect();
            bad.chaincodes = chaincodes.into_iter().map(String::from).collect();
            let err = bad.validate().unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        let mut create = sample();
        create.source.create = Some(Bootstrap {
            ca_display_name: "Org1 CA".into(),
            msp_id: "org1msp".into(),
            msp_display_name: "Org1 MSP".into(),
            org_admin_enroll_id: "org1admin".into(),
            first_peer: PeerSpec::numbered(
                "org1msp",
                "us",
                1,
                1,
                &PeerDefaults {
                    zone: None,
                    version: None,
                    state_db: None,
                },
            )
            .remove(0),
        });
        create.source.ca.clear();
        create.source.msp.clear();
        create.source.peers.clear();
        create.channels = vec!["mychannel".into()];
        let err = create.validate().unwrap_err().to_string();
        assert!(
            err.contains("creates the organization has no peer on a channel"),
            "{err}"
        );
    }

    #[test]
    fn round_trips_as_readable_json() {
        let plan = sample();
        let text = plan.to_json();
        assert!(text.contains("\"enroll_id\": \"org1msp-eu-de-peer1\""));
        assert_eq!(Plan::from_json(&text).unwrap(), plan);
    }

    #[test]
    fn refuses_typos_duplicates_and_bad_ids() {
        let text = sample().to_json().replace("\"channels\"", "\"chanels\"");
        assert!(Plan::from_json(&text).is_err());
        let mut plan = sample();
        plan.targets[1].peers[0].enroll_id = plan.targets[0].peers[0].enroll_id.clone();
        assert!(plan
            .validate()
            .unwrap_err()
            .to_string()
            .contains("used twice"));
        let mut plan = sample();
        plan.targets[0].peers[0].enroll_id = "a b".into();
        assert!(plan.validate().is_err());
        let mut plan = sample();
        plan.targets[0].console = "r1".into();
        assert!(plan.validate().is_err());
    }
}
