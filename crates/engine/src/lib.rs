//! The HA replication engine: one plan, every region.
//!
//! - [`Plan`]: the organization in region 1 (console, CA, MSP, existing peers, registrar) and
//!   the target regions with the peers to create there; human-readable JSON, no secrets.
//! - A plan may start from nothing (`source.create`): a region-1 lane, run before every target,
//!   creates the CA (its admin's secret generated), waits until it answers, enrolls its admin,
//!   registers and enrolls the org admin (type `admin`), registers the first peer, creates the
//!   MSP definition with Node OUs from the CA's roots, creates the first peer and waits for it.
//! - [`plan_steps`]: per target console, in order: import the CA, import the MSP, import the
//!   region-1 peers, register each new peer's enroll id at the region-1 CA, create the peer
//!   with `crypto.enrollment` pointing at that CA, wait until it runs, import it into every
//!   other console.
//! - [`preview`]: a dry run against the consoles' current state: every step *will do*,
//!   *already done* or *blocked (why)*, after checks (manager key and deployer on every
//!   creating target, CA reachable, registrar usable, component quota).
//! - [`apply`]: runs the regions concurrently from a journal in the workspace database. Each
//!   step records its intent, checks whether its effect already exists (a registered enroll id
//!   with the stored secret, a peer with the same display name, a component with the same
//!   `api_url` or MSP roots) and acts only if not, then records its outcome; so a run stopped
//!   anywhere (crash, kill, cancel) resumes to the same end state without duplicates.
//!   Transient failures (network, 5xx, 429) are retried; progress is a channel of
//!   [`Progress`] updates.
//! - With channels in the plan, each new peer then joins them (block 0 from a region-1 peer,
//!   waiting until it caught up) and gets the exact chaincode packages the region-1 peers use
//!   on them; once every region is done, one config update per channel makes the new peers
//!   anchor peers. These steps talk to the peers and orderers over gRPC, signed by the org
//!   admin, and look for their effect first like every other step.
//! - [`report::build`]: per region what was created, imported, joined and installed, the
//!   channels' anchor peers, and what remains manual.
//!
//! Consoles and the CA come in through [`ConsoleApi`] and [`CaApi`]; enroll secrets are
//! generated here (32 random bytes, base64url), kept in the encrypted vault and only ever
//! handled as [`fabric_ha_sensitive::Sensitive`].

mod bodies;
mod channels;
mod clients;
mod error;
pub mod journal;
mod plan;
mod preview;
mod reason;
pub mod report;
mod run;
mod steps;

pub use channels::OrgAdminCredential;
pub use clients::{CaApi, ConsoleApi};
pub use error::EngineError;
pub use plan::{
    Bootstrap, PeerDefaults, PeerSpec, Plan, Registrar, Source, Target, DEFAULT_WAIT_SECS,
    PLAN_FORMAT,
};
pub use preview::{org_admin_check, preview};
pub use reason::{Reason, ReasonCode};
pub use run::{
    apply, generate_secret, ApplyOptions, Check, Context, Failure, Hook, HookPoint, Preview,
    PreviewStatus, Progress, ProgressEvent, RegionOutcome, RegistrarCredential, RunOutcome,
    StepPreview, DEFAULT_MAX_COMPONENTS, MIN_POLL_INTERVAL,
};
pub use steps::{plan_steps, Action, Step, StepText, ALL_REGIONS};
pub use tokio_util::sync::CancellationToken;
