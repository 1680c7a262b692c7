//! The sandbox's control socket: another process (`fabric-ha sandbox region stop|start`, or
//! the window) stops and starts the regions of a running sandbox through a Unix domain socket
//! in the sandbox's folder, readable and writable by its owner only; a connection from another
//! user is closed unanswered.
//!
//! One request per connection, one JSON line each way:
//! `{"op":"stop"|"start","region":"r1"}` or `{"op":"status"}`; the answer is
//! `{"ok":true,"regions":[REGION…]}` (the region acted on, or every region for `status`) or
//! `{"ok":false,"error":{"code":"unknown_region"|"already_stopped"|"already_running"|"gone"|"failed"|"bad_request","message":"…"}}`,
//! where REGION is `{"region","console_url","running","nodes":[{"id","kind","pid"}]}`.

use std::io::{self, BufRead as _, Write as _};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;

use crate::sandbox::{RegionError, RegionState, Regions};

/// The socket's file name in the sandbox's folder.
pub const SOCKET_NAME: &str = "control.sock";
/// The prefix of the folders `fabric-ha sandbox` makes in the temporary folder.
pub const SANDBOX_DIR_PREFIX: &str = "fabric-ha-sandbox-";
/// The longest request line accepted.
const MAX_REQUEST: u64 = 4096;
/// How long a client waits for an answer: a start waits for every peer of the region.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a client waits to send its request.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// A running control socket. Dropping it stops answering and removes the socket file.
#[derive(Debug)]
pub struct ControlServer {
    path: PathBuf,
    task: JoinHandle<()>,
}

impl ControlServer {
    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

fn region_json(state: &RegionState) -> Value {
    json!({
        "region": state.region,
        "console_url": state.console_url,
        "running": state.running,
        "nodes": state.nodes.iter().map(|n| json!({
            "id": n.id, "kind": n.kind, "pid": n.pid,
        })).collect::<Vec<_>>(),
    })
}

fn error_json(code: &str, message: &str) -> Value {
    json!({ "ok": false, "error": { "code": code, "message": message } })
}

/// Starts answering at `path` (the sandbox's folder, [`SOCKET_NAME`]) on the current runtime.
/// A socket file left by a sandbox that is gone is replaced; one that answers is an error.
pub async fn serve(path: &Path, regions: Regions) -> io::Result<ControlServer> {
    if path.exists() {
        if UnixStream::connect(path).await.is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("a sandbox already answers at {}", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    let owner = std::fs::metadata(path)?.uid();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let regions = regions.clone();
            tokio::spawn(async move {
                if stream.peer_cred().is_ok_and(|c| c.uid() == owner) {
                    let _ = answer(stream, &regions).await;
                }
            });
        }
    });
    Ok(ControlServer {
        path: path.to_path_buf(),
        task,
    })
}

/// Reads one request, acts, writes one answer.
async fn answer(stream: UnixStream, regions: &Regions) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(read.take(MAX_REQUEST))
        .read_line(&mut line)
        .await?;
    let reply = match serde_json::from_str::<Value>(&line) {
        Err(e) => error_json("bad_request", &format!("not a JSON request: {e}")),
        Ok(request) => {
            let region = request["region"].as_str();
            let acted = match (request["op"].as_str(), region) {
                (Some("status"), _) => Ok(regions.status()),
                (Some("stop"), Some(region)) => regions.stop(region).await.map(|s| vec![s]),
                (Some("start"), Some(region)) => regions.start(region).await.map(|s| vec![s]),
                _ => Err(RegionError::Failed {
                    region: region.unwrap_or_default().to_owned(),
                    message: "the request needs op status, or op stop|start and a region"
                        .to_owned(),
                }),
            };
            match acted {
                Ok(states) => json!({
                    "ok": true,
                    "regions": states.iter().map(region_json).collect::<Vec<_>>(),
                }),
                Err(e) => error_json(e.code(), &e.to_string()),
            }
        }
    };
    let mut text = reply.to_string();
    text.push('\n');
    write.write_all(text.as_bytes()).await?;
    write.shutdown().await
}

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
