//! The client side of the sandbox's control socket: another process (`fabric-ha sandbox region
//! stop|start|status`, or the window) stops and starts the regions of a running
//! `fabric-ha sandbox --fabric` through a Unix domain socket in the sandbox's folder, readable
//! and writable by its owner only.
//!
//! One request per connection, one JSON line each way:
//! `{"op":"stop"|"start","region":"r1"}` or `{"op":"status"}`; the answer is
//! `{"ok":true,"regions":[REGION…]}` (the region acted on, or every region for `status`) or
//! `{"ok":false,"error":{"code":"unknown_region"|"already_stopped"|"already_running"|"gone"|"failed"|"bad_request","message":"…"}}`,
//! where REGION is `{"region","console_url","running","nodes":[{"id","kind","pid"}]}`.
#![cfg(unix)]

use std::io::{self, BufRead as _, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

/// The socket's file name in the sandbox's folder.
pub const SOCKET_NAME: &str = "control.sock";
/// The prefix of the folders `fabric-ha sandbox` makes in the temporary folder.
pub const SANDBOX_DIR_PREFIX: &str = "fabric-ha-sandbox-";
/// How long a client waits for an answer: a start waits for every peer of the region.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a client waits to send its request.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request to a sandbox failed.
#[derive(Debug)]
pub enum ControlError {
    /// No sandbox answers at the socket (none runs, or it was killed).
    NotRunning {
        /// The socket asked.
        path: PathBuf,
        /// The connection error.
        source: io::Error,
    },
    /// The sandbox refused: the code and message of its answer (see the module's protocol).
    Refused {
        /// `unknown_region`, `already_stopped`, `already_running`, `gone`, `failed`,
        /// `bad_request`.
        code: String,
        /// What it said.
        message: String,
    },
    /// The exchange broke off or the answer was not the protocol's.
    Broken(String),
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::NotRunning { path, source } => {
                write!(f, "no sandbox answers at {}: {source}", path.display())
            }
            ControlError::Refused { message, .. } => f.write_str(message),
            ControlError::Broken(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ControlError {}

/// Sends `request` to the sandbox at `path` and waits (bounded) for its answer: the regions
/// acted on (or every region for `status`), as the protocol describes them.
pub fn request(path: &Path, request: &Value) -> Result<Vec<Value>, ControlError> {
    let mut stream = std::os::unix::net::UnixStream::connect(path).map_err(|source| {
        ControlError::NotRunning {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let broken = |e: io::Error| ControlError::Broken(format!("{}: {e}", path.display()));
    stream
        .set_write_timeout(Some(SEND_TIMEOUT))
        .map_err(broken)?;
    stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .map_err(broken)?;
    let mut text = request.to_string();
    text.push('\n');
    stream.write_all(text.as_bytes()).map_err(broken)?;
    let mut line = String::new();
    io::BufReader::new(&stream)
        .read_line(&mut line)
        .map_err(broken)?;
    let answer: Value = serde_json::from_str(&line).map_err(|e| {
        ControlError::Broken(format!(
            "{}: the sandbox's answer is not JSON ({e}): {line:?}",
            path.display()
        ))
    })?;
    if answer["ok"] == true {
        return Ok(answer["regions"].as_array().cloned().unwrap_or_default());
    }
    Err(ControlError::Refused {
        code: answer["error"]["code"]
            .as_str()
            .unwrap_or("failed")
            .to_owned(),
        message: answer["error"]["message"]
            .as_str()
            .unwrap_or("the sandbox refused without a reason")
            .to_owned(),
    })
}

/// The control sockets of the sandboxes that run now: `<tmp>/fabric-ha-sandbox-*/control.sock`
/// files that belong to this user (where that can be read: Linux) and accept a connection (a
/// socket left by a killed sandbox does not).
pub fn running(tmp: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return Vec::new();
    };
    // `/proc/self` belongs to the process's user.
    let me = std::fs::metadata("/proc/self").ok().map(|m| m.uid());
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(SANDBOX_DIR_PREFIX))
        })
        .map(|e| e.path().join(SOCKET_NAME))
        .filter(|socket| {
            std::fs::symlink_metadata(socket)
                .is_ok_and(|meta| me.is_none_or(|uid| meta.uid() == uid))
                && std::os::unix::net::UnixStream::connect(socket).is_ok()
        })
        .collect();
    found.sort();
    found
}
