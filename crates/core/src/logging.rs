//! `tracing` set-up: a rotating file in the workspace for the app, stderr for the CLI.
//!
//! Secrets never reach a log: they travel as [`crate::Sensitive`], whose `Debug` and `Display`
//! print `<redacted>` and which refuses to serialize.

use std::path::Path;

use tracing::Subscriber;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::error::CoreError;

/// Environment variable holding a `tracing` filter, e.g. `debug` or `fabric_ha_core=trace`.
pub const LOG_ENV: &str = "FABRIC_HA_LOG";

/// Base name of the log files (`fabric-ha.log.2026-11-27`).
pub const LOG_FILE_PREFIX: &str = "fabric-ha.log";

/// How many daily files are kept.
pub const LOG_FILES_KEPT: usize = 7;

/// Keeps the background log writer alive; dropping it flushes the file.
#[must_use = "dropping the guard stops file logging"]
pub struct LogGuard {
    _file: WorkerGuard,
}

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

/// The desktop app's subscriber: daily-rotated files in `log_dir` (seven kept) plus warnings on
/// stderr. Returned rather than installed so tests can scope it.
pub fn app_subscriber(
    log_dir: &Path,
) -> Result<(impl Subscriber + Send + Sync + 'static, LogGuard), CoreError> {
    std::fs::create_dir_all(log_dir).map_err(|e| {
        CoreError::Storage(format!(
            "cannot create the log folder {}: {e}",
            log_dir.display()
        ))
    })?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .max_log_files(LOG_FILES_KEPT)
        .build(log_dir)
        .map_err(|e| {
            CoreError::Storage(format!(
                "cannot open a log file in {}: {e}",
                log_dir.display()
            ))
        })?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let subscriber = tracing_subscriber::registry()
        .with(filter("info"))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(LevelFilter::WARN),
        );
    Ok((subscriber, LogGuard { _file: guard }))
}

/// Installs [`app_subscriber`] for the whole process.
pub fn init_app_logging(log_dir: &Path) -> Result<LogGuard, CoreError> {
    let (subscriber, guard) = app_subscriber(log_dir)?;
    tracing::subscriber::set_global_default(subscriber)
        .map_err(|e| CoreError::Internal(format!("logging was already initialised: {e}")))?;
    Ok(guard)
}

/// Installs the CLI's subscriber: stderr only, warnings by default, more with `verbose`.
pub fn init_cli_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let subscriber = tracing_subscriber::registry().with(filter(default)).with(
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            // Colours only for a person at a terminal: never into a pipe or a log file,
            // and never when NO_COLOR is set (no-color.org).
            .with_ansi(
                std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            ),
    );
    // A second initialisation (tests calling main twice) keeps the first subscriber.
    let _ = tracing::subscriber::set_global_default(subscriber);
}
