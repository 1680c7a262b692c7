//! The critical path of a plan: the longest chain of dependent steps, priced with the injected
//! latencies.
//!
//! The chain comes from the engine's own structure ([`plan_steps`]): a region's steps run in
//! order, each after the one before it (import CA → import MSP → import the region-1 peers →
//! register and create each new peer → wait until each runs → import each into every other
//! console), and regions are independent of each other. A region costs:
//!
//! - before its first step, when it creates peers: the console's connection test, 4 requests
//!   (settings, components, an import probe, health);
//! - import CA / import MSP: 2 requests (list the target's components, import), plus 1 the
//!   first time (read the CA / MSP record in the source console, shared by all regions);
//! - import a region-1 peer: 3 (read it in the source console, list, import);
//! - register: 2 requests to the CA (look the enroll id up, register), plus 1 the first time
//!   (enroll the registrar, shared by all regions);
//! - create: 2 (list, create); the deploy clock of the peer starts when the create returns;
//! - wait until running: ends at `max(now + latency, created + deploy)`: a status request
//!   takes at least one latency, and no request sees the peer running before its deploy time
//!   (a perfect poller: anything above this is polling overhead);
//! - import a new peer into another console: 3 (read it in its console, list the other
//!   console, import).
//!
//! Every request costs exactly the injected latency; the servers' own work, TLS, the journal
//! in SQLite and the engine's CPU time are not in the model (they are what the measured time
//! adds on top). Shared once-only reads are paid by every region in the concurrent model (all
//! regions start together and wait on the same read), and once in all in the sequential one.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use fabric_ha_engine::{plan_steps, Action, Plan, Step};

/// Requests of the console's connection test, run before a region creates peers.
const CONNECTION_TEST_REQUESTS: u32 = 4;

/// The latencies the model prices the steps with.
#[derive(Debug, Clone, Copy)]
pub struct Latencies {
    /// Added to every request, on every server.
    pub request: Duration,
    /// Time from a peer's create until its console reports it running.
    pub deploy: Duration,
}

/// The model's figures for one plan.
#[derive(Debug, Clone, Copy)]
pub struct PathModel {
    /// The longest region, every region running at once.
    pub critical: Duration,
    /// Every region one after another.
    pub sequential: Duration,
}

/// Once-only work shared by every region (the engine caches it for the run).
#[derive(Default)]
struct Shared(BTreeSet<&'static str>);

impl Shared {
    /// 1 request the first time `what` is needed, 0 after.
    fn first(&mut self, what: &'static str) -> u32 {
        u32::from(self.0.insert(what))
    }
}

/// Time one region's lane takes in the model, starting from zero.
fn lane(steps: &[&Step], l: Latencies, shared: &mut Shared) -> Duration {
    let mut t = Duration::ZERO;
    let mut created: HashMap<&str, Duration> = HashMap::new();
    let creates = steps
        .iter()
        .any(|s| matches!(s.action, Action::CreatePeer { .. }));
    if creates {
        t += l.request * CONNECTION_TEST_REQUESTS;
    }
    for step in steps {
        match &step.action {
            Action::ImportCa => t += l.request * (2 + shared.first("source ca")),
            Action::ImportMsp => t += l.request * (2 + shared.first("source msp")),
            Action::ImportSourcePeer { .. } | Action::ImportFirstPeer | Action::CopyPeer { .. } => {
                t += l.request * 3
            }
            // The steps that create the organization (a plan with `source.create`); the
            // benchmark's plans replicate an existing one.
            Action::CreateCa
            | Action::EnrollCaAdmin
            | Action::RegisterAdmin { .. }
            | Action::EnrollAdmin { .. } => t += l.request * 2,
            Action::CreateMsp => t += l.request * 4,
            Action::WaitCa => t += l.deploy + l.request * 2,
            Action::Register { .. } => t += l.request * (2 + shared.first("registrar")),
            Action::CreatePeer { enroll_id } => {
                t += l.request * 2;
                created.insert(enroll_id, t);
            }
            Action::WaitRunning { enroll_id } => {
                let running = created.get(enroll_id.as_str()).map_or(t, |c| *c + l.deploy);
                t = (t + l.request).max(running);
            }
            // The channel steps read the new peer's record from its console; the rest of
            // their work is on the peers and the orderer, which this model does not cover.
            Action::JoinChannel { .. } | Action::InstallChaincodes { .. } => t += l.request,
            // Runs once after every region, against the orderer only.
            Action::AnchorPeers { .. } => {}
        }
    }
    t
}

/// The plan's critical path (regions concurrently) and its sequential sum.
pub fn model(plan: &Plan, l: Latencies) -> PathModel {
    let steps = plan_steps(plan);
    let lanes: Vec<Vec<&Step>> = plan
        .targets
        .iter()
        .map(|t| steps.iter().filter(|s| s.console == t.console).collect())
        .collect();
    let critical = lanes
        .iter()
        .map(|s| lane(s, l, &mut Shared::default()))
        .max()
        .unwrap_or_default();
    let mut shared = Shared::default();
    let sequential = lanes.iter().map(|s| lane(s, l, &mut shared)).sum();
    PathModel {
        critical,
        sequential,
    }
}
