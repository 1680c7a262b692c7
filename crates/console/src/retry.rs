//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Whether a request may be sent twice without changing the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// GET, DELETE, PUT (edit) and the read-only status POST: a second copy does no harm.
    Safe,
    /// A POST that creates something: a second copy would create a duplicate, so transport
    /// failures and 5xx answers are never retried.
    Never,
}

/// What the retry loop does with one attempt's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Try again after a backoff delay.
    Backoff,
    /// Stop and report.
    Stop,
}

/// 502/503/504 are retried for safe requests (an import-only console's JSON 503 is excluded by
/// the caller, since waiting does not give it a deployer).
pub(crate) fn on_status(status: u16, repeat: Repeat) -> Decision {
    match (status, repeat) {
        (502..=504, Repeat::Safe) => Decision::Backoff,
        _ => Decision::Stop,
    }
}

/// A connection reset (or a connection closed before the answer) is retried only for safe
/// requests: the console may already have acted on a create.
pub(crate) fn on_reset(repeat: Repeat) -> Decision {
    match repeat {
        Repeat::Safe => Decision::Backoff,
        Repeat::Never => Decision::Stop,
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A date in
/// the past means "now".
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses `X-RateLimit-Reset`, which rate limiters send either as seconds left or as a Unix
/// time in seconds; used only when `Retry-After` is missing.
pub(crate) fn parse_rate_limit_reset(value: &str, now: SystemTime) -> Option<Duration> {
    let n = value.trim().parse::<u64>().ok()?;
    // Anything after 2001-09-09 is a timestamp, anything smaller a delay.
    if n >= 1_000_000_000 {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(n);
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    } else {
        Some(Duration::from_secs(n))
    }
}

/// Exponential backoff with "equal jitter": the delay for retry `attempt` (0-based) is
/// uniformly drawn from `[d/2, d]` with `d = min(max, base * 2^attempt)`, so that many clients
/// hitting the same failing console spread out instead of retrying in lockstep.
pub(crate) fn backoff_delay(base: Duration, max: Duration, attempt: u32) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
    let full = base.saturating_mul(factor).min(max);
    let half = full / 2;
    let spread = full.saturating_sub(half);
    if spread.is_zero() {
        return full;
    }
    let extra = rand::thread_rng().gen_range(0..=spread.as_nanos().min(u64::MAX as u128) as u64);
    half + Duration::from_nanos(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_gateway_errors_of_safe_requests_back_off() {
        for s in [502, 503, 504] {
            assert_eq!(on_status(s, Repeat::Safe), Decision::Backoff);
            assert_eq!(on_status(s, Repeat::Never), Decision::Stop);
        }
        for s in [400, 401, 403, 404, 409, 500, 501, 505] {
            assert_eq!(on_status(s, Repeat::Safe), Decision::Stop);
        }
        assert_eq!(on_reset(Repeat::Safe), Decision::Backoff);
        assert_eq!(on_reset(Repeat::Never), Decision::Stop);
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("60", now), Some(Duration::from_secs(60)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        // The example from RFC 9110.
        let rfc = "Fri, 31 Dec 1999 23:59:59 GMT";
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(946_684_799);
        assert_eq!(
            parse_retry_after(rfc, at - Duration::from_secs(5)),
            Some(Duration::from_secs(5))
        );
    }

    #[test]
    fn rate_limit_reset_delay_or_timestamp() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_rate_limit_reset("42", now),
            Some(Duration::from_secs(42))
        );
        assert_eq!(
            parse_rate_limit_reset("1700000030", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_rate_limit_reset("x", now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for attempt in 0..20 {
            let full = base
                .saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX))
                .min(max);
            for _ in 0..20 {
                let d = backoff_delay(base, max, attempt);
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
            }
        }
        assert_eq!(backoff_delay(Duration::ZERO, max, 3), Duration::ZERO);
    }
}
