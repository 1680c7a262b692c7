//! The workspace opens on its own thread while the window starts; commands wait for it.
//!
//! Opening touches SQLite and the OS keyring (a D-Bus round trip on Linux), which would
//! otherwise delay the window. A failure is kept and answered to every command, so the UI can
//! show it instead of the app vanishing.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use fabric_ha_core::{CoreError, IpcError, OpenOptions, Workspace};

type Outcome = Result<Arc<Workspace>, IpcError>;

/// A workspace being opened, shared by every command.
#[derive(Default)]
pub struct Opening {
    slot: Mutex<Option<Outcome>>,
    ready: Condvar,
}

impl Opening {
    /// Starts opening the workspace on a new thread.
    pub fn start(options: OpenOptions) -> Arc<Opening> {
        let opening = Arc::new(Opening::default());
        let target = Arc::clone(&opening);
        let spawned = std::thread::Builder::new()
            .name("open-workspace".into())
            .spawn(move || {
                let outcome = Workspace::open(options).map(Arc::new).map_err(|e| {
                    tracing::error!(error = %e, "the workspace could not be opened");
                    IpcError::from(e)
                });
                target.finish(outcome);
            });
        if let Err(e) = spawned {
            opening.finish(Err(CoreError::Internal(format!(
                "cannot start a thread: {e}"
            ))
            .into()));
        }
        opening
    }

    fn finish(&self, outcome: Outcome) {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        self.ready.notify_all();
    }

    /// The outcome if the workspace opens within `limit`, else `None` (it goes on opening).
    pub fn within(&self, limit: Duration) -> Option<Outcome> {
        let slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        let (slot, _) = self
            .ready
            .wait_timeout_while(slot, limit, |s| s.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        slot.clone()
    }

    /// The open workspace, waiting for it if it is still opening.
    pub fn workspace(&self) -> Outcome {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(outcome) = slot.as_ref() {
                return outcome.clone();
            }
            slot = self
                .ready
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn within_gives_up_while_opening_and_answers_once_open() {
        let opening = Opening::default();
        assert!(opening.within(Duration::from_millis(20)).is_none());
        opening.finish(Err(CoreError::Internal("no disk".into()).into()));
        let outcome = opening.within(Duration::ZERO).expect("finished");
        assert_eq!(outcome.unwrap_err().message, "no disk");
    }
}
