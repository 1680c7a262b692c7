//! Stopping and starting a console as a region outage does: its HTTPS server stops answering
//! (connections refused) and the Fabric nodes its deployer created stop; started again, the
//! nodes come back from their folders (same ports, certificates and ledgers) and the console
//! serves on the same port with the same state (records, API keys).

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::net::TcpListener;

use super::deploy::RealNode;
use super::store::Store;
use super::{Serving, TestConsole};

/// Why a console could not be switched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchError {
    /// Stop asked of a stopped console.
    AlreadyStopped,
    /// Start asked of a running console.
    AlreadyRunning,
    /// The console was shut down (or dropped): it never serves again.
    Gone,
    /// A node or the server did not come back; what happened.
    Failed(String),
}

impl std::fmt::Display for SwitchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SwitchError::AlreadyStopped => f.write_str("it is stopped already"),
            SwitchError::AlreadyRunning => f.write_str("it is running already"),
            SwitchError::Gone => f.write_str("the console was shut down"),
            SwitchError::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for SwitchError {}

/// A Fabric node the console's deployer created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeState {
    /// Its component id in the console.
    pub id: String,
    /// `ca` or `peer`.
    pub kind: &'static str,
    /// Its process id while it runs.
    pub pid: Option<u32>,
}

/// Stops and starts one [`TestConsole`] and the nodes its deployer runs. Cheap to clone; it
/// does not keep the console alive (once the console is shut down every call is
/// [`SwitchError::Gone`]). One stop or start runs at a time.
#[derive(Clone)]
pub struct ConsoleSwitch {
    url: String,
    serving: Weak<Serving>,
    store: Weak<Store>,
}

impl std::fmt::Debug for ConsoleSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleSwitch")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// How long a restarted peer may take to be healthy again.
const PEER_START_TIMEOUT: Duration = Duration::from_secs(60);

fn node_state(id: &str, node: &mut RealNode) -> NodeState {
    let (kind, pid) = match node {
        RealNode::Ca(ca) => ("ca", ca.is_running().then(|| ca.pid()).flatten()),
        RealNode::Peer(peer) => ("peer", peer.is_running().then(|| peer.pid()).flatten()),
    };
    NodeState {
        id: id.to_owned(),
        kind,
        pid,
    }
}

impl ConsoleSwitch {
    pub(super) fn new(console: &TestConsole) -> ConsoleSwitch {
        ConsoleSwitch {
            url: console.url(),
            serving: Arc::downgrade(&console.serving),
            store: Arc::downgrade(&console.store),
        }
    }

    /// The console's URL (the same after a restart).
    pub fn url(&self) -> &str {
        &self.url
    }

    fn parts(&self) -> Result<(Arc<Serving>, Arc<Store>), SwitchError> {
        match (self.serving.upgrade(), self.store.upgrade()) {
            (Some(serving), Some(store)) if !serving.lock().shut_down => Ok((serving, store)),
            _ => Err(SwitchError::Gone),
        }
    }

    /// True while the console serves.
    pub fn is_running(&self) -> bool {
        self.parts().is_ok_and(|(serving, _)| serving.is_serving())
    }

    /// The nodes the deployer created, CAs first, with their process ids while they run.
    pub fn nodes(&self) -> Vec<NodeState> {
        let Ok((_, store)) = self.parts() else {
            return Vec::new();
        };
        let mut data = store.lock();
        let mut nodes: Vec<NodeState> = data
            .nodes
            .iter_mut()
            .map(|(id, node)| node_state(id, node))
            .collect();
        nodes.sort_by_key(|n| n.kind != "ca");
        nodes
    }

    /// Stops the console — its port refuses connections once this returns — then every node
    /// its deployer runs (a peer still starting is let finish first, bounded; then SIGTERM,
    /// SIGKILL after a grace period). Their folders stay. Returns
    /// the nodes as they were before, with the process ids that are now gone.
    pub async fn stop(&self) -> Result<Vec<NodeState>, SwitchError> {
        let (serving, store) = self.parts()?;
        let _one = serving.switching.lock().await;
        if !serving.is_serving() {
            return Err(SwitchError::AlreadyStopped);
        }
        let before = self.nodes();
        if let Some(closed) = serving.stop_serving() {
            // Sent when the accept loop has returned and dropped its listener; an error means
            // the task is gone, which closed it as well.
            let _ = closed.await;
        }
        let mut nodes = std::mem::take(&mut store.lock().nodes);
        // A peer answers `/healthz` and binds its port before it has opened its ledger; killed
        // in between, it cannot open it again ("database entry point either missing or
        // corrupted"). A peer the console created a moment ago is let finish starting
        // (bounded), so that the outage is of a running region and the region can come back.
        for node in nodes.values_mut() {
            if let RealNode::Peer(peer) = node {
                if peer.is_running() {
                    // One that does not is stopped all the same; its start says why.
                    let _ = peer.wait_healthy(PEER_START_TIMEOUT).await;
                }
            }
        }
        nodes = tokio::task::spawn_blocking(move || {
            for node in nodes.values_mut() {
                match node {
                    RealNode::Ca(ca) => ca.stop(),
                    RealNode::Peer(peer) => peer.stop(),
                }
            }
            nodes
        })
        .await
        .map_err(|e| SwitchError::Failed(format!("stopping the nodes failed: {e}")))?;
        store.lock().nodes.extend(nodes);
        Ok(before)
    }

    /// Starts the nodes again from their folders (CAs first; each is waited for: `cainfo`
    /// answers, the peer is healthy and its gRPC server answers), then serves again on the
    /// same port. A node that fails leaves the console stopped; a second start retries what
    /// is not running. Call it from a task on a runtime that outlives the nodes (see
    /// `fabric_ha_testnet::NodeProcess::start_again`). Returns the nodes with their new
    /// process ids.
    pub async fn start(&self) -> Result<Vec<NodeState>, SwitchError> {
        let (serving, store) = self.parts()?;
        let _one = serving.switching.lock().await;
        if serving.is_serving() {
            return Err(SwitchError::AlreadyRunning);
        }
        let mut nodes: Vec<(String, RealNode)> = std::mem::take(&mut store.lock().nodes)
            .into_iter()
            .collect();
        nodes.sort_by_key(|(_, n)| matches!(n, RealNode::Peer(_)));
        let mut failed = None;
        for (id, node) in &mut nodes {
            let started = match node {
                RealNode::Ca(ca) => {
                    if ca.is_running() {
                        Ok(())
                    } else {
                        ca.start_again().await
                    }
                }
                RealNode::Peer(peer) => {
                    if peer.is_running() {
                        Ok(())
                    } else {
                        peer.start_again(PEER_START_TIMEOUT).await
                    }
                }
            };
            if let Err(e) = started {
                failed = Some(format!("{id} did not start again: {e}"));
                break;
            }
        }
        store.lock().nodes.extend(nodes);
        if let Some(why) = failed {
            return Err(SwitchError::Failed(why));
        }
        let listener = TcpListener::bind(serving.addr).await.map_err(|e| {
            SwitchError::Failed(format!("cannot listen on {} again: {e}", serving.addr))
        })?;
        serving.serve(listener);
        Ok(self.nodes())
    }
}
