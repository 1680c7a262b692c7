//! The sandbox's control socket, served: another process (`fabric-ha sandbox region stop|start`, or
//! the window) stops and starts the regions of a running sandbox through a Unix domain socket
//! in the sandbox's folder, readable and writable by its owner only; a connection from another
//! user is closed unanswered.
//!
//! One request per connection, one JSON line each way:
//! `{"op":"stop"|"start","region":"r1"}` or `{"op":"status"}`; the answer is
//! `{"ok":true,"regions":[REGION…]}` (the region acted on, or every region for `status`) or
//! `{"ok":false,"error":{"code":"unknown_region"|"already_stopped"|"already_running"|"gone"|"failed"|"bad_request","message":"…"}}`,
//! where REGION is `{"region","console_url","running","nodes":[{"id","kind","pid"}]}`.

use std::io;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;

use crate::sandbox::{RegionError, RegionState, Regions};

pub use fabric_ha_sandbox_control::{
    request, running, ControlError, SANDBOX_DIR_PREFIX, SOCKET_NAME,
};

/// The longest request line accepted.
const MAX_REQUEST: u64 = 4096;

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
