//! Says at once when a console's rate limit makes a command wait (which console, how long),
//! and counts down until the request is sent again: on a terminal one line rewritten every
//! second, otherwise a line every ten seconds.

use std::io::{IsTerminal as _, Write as _};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, SystemTime};

use fabric_ha_core::consoles::{rate_limit_waits, RateLimitWait};

/// A wait being counted down, and when its last line was printed.
struct Counting {
    wait: RateLimitWait,
    printed: SystemTime,
}

fn seconds_left(until: SystemTime, now: SystemTime) -> u64 {
    until
        .duration_since(now)
        .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
}

/// The first line of a wait.
pub(crate) fn announcement(wait: &RateLimitWait) -> String {
    format!(
        "console {} ({}) is rate limiting this client: waiting {} s before sending {} again",
        wait.console,
        wait.url,
        seconds_left(wait.until, SystemTime::now()),
        wait.request
    )
}

/// Starts the thread that prints the waits of this process's console clients to stderr.
pub(crate) fn start() {
    let waits = rate_limit_waits();
    let spawned = std::thread::Builder::new()
        .name("rate-limit-waits".into())
        .spawn(move || {
            let tty = std::io::stderr().is_terminal();
            let every = if tty {
                Duration::from_secs(1)
            } else {
                Duration::from_secs(10)
            };
            let mut counting: Vec<Counting> = Vec::new();
            loop {
                let now = SystemTime::now();
                let mut err = std::io::stderr().lock();
                counting.retain(|c| {
                    let left = seconds_left(c.wait.until, now);
                    if left == 0 {
                        let _ = writeln!(
                            err,
                            "{}console {}: sending {} again",
                            if tty { "\r\x1b[K" } else { "" },
                            c.wait.console,
                            c.wait.request
                        );
                    }
                    left > 0
                });
                for c in &mut counting {
                    if now.duration_since(c.printed).unwrap_or_default() >= every {
                        let left = seconds_left(c.wait.until, now);
                        let _ = if tty {
                            write!(
                                err,
                                "\r\x1b[Kconsole {}: rate limit, {left} s left",
                                c.wait.console
                            )
                        } else {
                            writeln!(err, "console {}: rate limit, {left} s left", c.wait.console)
                        };
                        c.printed = now;
                    }
                }
                let _ = err.flush();
                drop(err);
                let next = counting
                    .iter()
                    .map(|c| c.wait.until.duration_since(now).unwrap_or_default())
                    .min()
                    .map(|left| left.min(Duration::from_secs(1)));
                let received = match next {
                    None => waits.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    Some(step) => waits.recv_timeout(step),
                };
                match received {
                    Ok(wait) => {
                        let mut err = std::io::stderr().lock();
                        let _ = writeln!(
                            err,
                            "{}{}",
                            if tty && !counting.is_empty() {
                                "\r\x1b[K"
                            } else {
                                ""
                            },
                            announcement(&wait)
                        );
                        let _ = err.flush();
                        counting.retain(|c| c.wait.console != wait.console);
                        counting.push(Counting {
                            wait,
                            printed: SystemTime::now(),
                        });
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "rate-limit waits will not be shown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_left_rounds_up_and_stops_at_zero() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(seconds_left(now + Duration::from_millis(39_200), now), 40);
        assert_eq!(seconds_left(now + Duration::from_secs(40), now), 40);
        assert_eq!(seconds_left(now, now), 0);
        assert_eq!(seconds_left(now - Duration::from_secs(3), now), 0);
    }

    #[test]
    fn the_announcement_names_the_console_the_wait_and_the_request() {
        let wait = RateLimitWait {
            console: "r2".into(),
            url: "https://r2.example.com".into(),
            request: "POST /ak/api/v3/components/fabric-peer/import".into(),
            wait: Duration::from_secs(40),
            until: SystemTime::now() + Duration::from_secs(40),
        };
        let line = announcement(&wait);
        assert!(line.starts_with("console r2 (https://r2.example.com) is rate limiting"));
        assert!(line.contains(
            "waiting 40 s before sending POST /ak/api/v3/components/fabric-peer/import again"
        ));
    }
}
