//! Waits on a console's rate limit, announced as they start: when a console answers 429 and
//! the client waits out its `Retry-After` before trying again, every subscriber hears which
//! console, which request and until when, so that the CLI and the window can say so at once
//! and count down instead of going quiet for up to a minute.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// One wait on a console's rate limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitWait {
    /// The console's name in the workspace, or its URL for a client without one.
    pub console: String,
    /// The console's URL.
    pub url: String,
    /// The request that was refused, `METHOD /path`.
    pub request: String,
    /// How long the client waits before trying again.
    pub wait: Duration,
    /// When it tries again.
    pub until: SystemTime,
}

static SUBSCRIBERS: Mutex<Vec<Sender<RateLimitWait>>> = Mutex::new(Vec::new());

/// Hears every rate-limit wait of every console client of this process from now on.
pub fn subscribe() -> Receiver<RateLimitWait> {
    let (tx, rx) = channel();
    if let Ok(mut subscribers) = SUBSCRIBERS.lock() {
        subscribers.push(tx);
    }
    rx
}

/// Tells every subscriber; drops those that stopped listening.
pub(crate) fn announce(wait: &RateLimitWait) {
    if let Ok(mut subscribers) = SUBSCRIBERS.lock() {
        subscribers.retain(|s| s.send(wait.clone()).is_ok());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_subscriber_hears_a_wait_and_a_dropped_one_is_forgotten() {
        let a = subscribe();
        let b = subscribe();
        let wait = RateLimitWait {
            console: "r2".into(),
            url: "https://console.example.com".into(),
            request: "POST /ak/api/v3/components/fabric-peer/import".into(),
            wait: Duration::from_secs(40),
            until: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_040),
        };
        drop(b);
        announce(&wait);
        assert_eq!(a.try_recv().unwrap(), wait);
        assert!(SUBSCRIBERS
            .lock()
            .unwrap()
            .iter()
            .all(|s| s.send(wait.clone()).is_ok()));
    }
}
