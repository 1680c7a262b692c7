//! Long-running Fabric processes and short tool runs, each with its own log and a clean
//! environment, on loopback.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::Error;

/// How long a stopped process gets to exit after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Variables kept from the caller's environment; everything else is left out, so that an
/// org-admin env sourced in the calling shell never leaks into a node.
const KEPT_ENV: [&str; 3] = ["PATH", "LANG", "TZ"];

/// util-linux's `setpriv`, which sets a parent-death signal and then runs the program.
const SETPRIV: &str = "/usr/bin/setpriv";

/// A command with a clean environment: only [`KEPT_ENV`] and `HOME` set to `home`. On Linux it
/// runs under `setpriv --pdeathsig KILL`, so that the kernel kills it when the thread that
/// started it ends: a test process killed from outside (a timeout) leaves no node behind.
pub(crate) fn clean_command(program: &Path, home: &Path) -> Command {
    let setpriv = Path::new(SETPRIV);
    let mut cmd = if cfg!(target_os = "linux") && setpriv.is_file() {
        let mut cmd = Command::new(setpriv);
        cmd.args(["--pdeathsig", "KILL", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    };
    cmd.env_clear();
    for name in KEPT_ENV {
        if let Some(value) = std::env::var_os(name) {
            cmd.env(name, value);
        }
    }
    cmd.env("HOME", home);
    cmd
}

/// A running node (CA, orderer, peer, chaincode server) in a process group of its own. Dropping
/// it stops the group: SIGTERM, then SIGKILL after a grace period.
///
/// The command is kept: [`NodeProcess::start_again`] runs it once more after a stop, with the
/// same arguments, environment and folder (so the same ports, certificates and data).
#[derive(Debug)]
pub struct NodeProcess {
    name: String,
    cmd: Command,
    child: Option<Child>,
    log: PathBuf,
}

impl NodeProcess {
    /// Starts `cmd` in a new process group with stdin closed and stdout/stderr appended to
    /// `log`.
    pub(crate) fn spawn(name: &str, mut cmd: Command, log: &Path) -> Result<NodeProcess, Error> {
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
        let mut node = NodeProcess {
            name: name.to_owned(),
            cmd,
            child: None,
            log: log.to_path_buf(),
        };
        node.launch()?;
        Ok(node)
    }

    /// Runs the kept command, output appended to the log.
    fn launch(&mut self) -> Result<(), Error> {
        let out = File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| Error::io(format!("cannot open {}", self.log.display()), e))?;
        let err = out
            .try_clone()
            .map_err(|e| Error::io(format!("cannot open {}", self.log.display()), e))?;
        self.cmd.stdin(Stdio::null()).stdout(out).stderr(err);
        let child = self
            .cmd
            .spawn()
            .map_err(|e| Error::io(format!("cannot start {}", self.name), e))?;
        tracing::debug!(node = %self.name, pid = child.id(), "started");
        self.child = Some(child);
        Ok(())
    }

    /// Starts the stopped process again: the same program, arguments, environment and folder.
    /// An error while it still runs. On Linux the new process, too, is killed by the kernel when
    /// the calling thread ends: call this from a thread that outlives the node (an async task
    /// on a runtime worker or the main thread, never a `spawn_blocking` thread, which ends when
    /// idle).
    pub fn start_again(&mut self) -> Result<(), Error> {
        if self.is_running() {
            return Err(Error::Invalid(format!("{} is running already", self.name)));
        }
        // One that exited by itself: whatever is left of its group goes first.
        self.stop();
        self.launch()
    }

    /// The node's name (as given when started).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id (also the process group id); `None` once stopped.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The log file.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// The last `lines` lines of the log, for error messages.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log, lines)
    }

    /// Stops the process group and waits for the process (bounded: SIGKILL after
    /// [`STOP_GRACE`]). Idempotent.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let Ok(pid) = i32::try_from(child.id()) else {
            let _ = child.kill();
            let _ = child.wait();
            return;
        };
        let group = Pid::from_raw(pid);
        if matches!(child.try_wait(), Ok(None)) {
            let _ = killpg(group, Signal::SIGTERM);
            let deadline = Instant::now() + STOP_GRACE;
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        // Whatever is left of the group (the leader, or children it started) goes now.
        let _ = killpg(group, Signal::SIGKILL);
        let _ = child.wait();
        tracing::debug!(node = %self.name, pid, "stopped");
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last `lines` lines of a log file (empty when unreadable), after the last Go `panic:`
/// line when that is further up: a panic's message is above its stack, which fills the tail.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    let from = all.len().saturating_sub(lines);
    let tail = all[from..].join("\n");
    match all.iter().rposition(|l| l.starts_with("panic: ")) {
        Some(panic) if panic < from => format!("{}\n…\n{tail}", all[panic]),
        _ => tail,
    }
}

/// Runs a tool to completion (bounded by `timeout`) and returns its stdout. A failure carries
/// the tool's own output.
pub(crate) async fn run_tool(what: &str, cmd: Command, timeout: Duration) -> Result<String, Error> {
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd
        .spawn()
        .map_err(|e| Error::io(format!("cannot run {what}"), e))?;
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| Error::Timeout {
            what: what.to_owned(),
            after: timeout,
            log: String::new(),
        })?
        .map_err(|e| Error::io(format!("cannot run {what}"), e))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().collect();
        Err(Error::Tool {
            what: what.to_owned(),
            status: output.status.to_string(),
            output: format!(
                "{}{}",
                stdout.trim(),
                tail[tail.len().saturating_sub(15)..].join("\n")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_log_tail_keeps_a_go_panic_message_above_its_stack() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("peer.log");
        let mut text = String::from("starting\npanic: Error opening leveldb: resource busy\n\n");
        for i in 0..30 {
            text.push_str(&format!("frame {i}\n"));
        }
        std::fs::write(&log, &text).unwrap();
        let tail = log_tail(&log, 5);
        assert_eq!(
            tail,
            "panic: Error opening leveldb: resource busy\n…\nframe 25\nframe 26\nframe 27\nframe 28\nframe 29"
        );
        std::fs::write(&log, "a\nb\nc\n").unwrap();
        assert_eq!(log_tail(&log, 2), "b\nc");
        assert_eq!(log_tail(&dir.path().join("none.log"), 2), "");
    }

    /// The process state letter from `/proc/<pid>/stat` (`Z` once dead but not yet reaped).
    fn state(pid: u32) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?.1.trim_start().chars().next()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_node_whose_starting_thread_ends_is_killed_by_the_kernel() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sleep.log");
        let home = dir.path().to_path_buf();
        // Started on a thread that ends without stopping it (as when a test process is killed
        // before any destructor runs).
        let (pid, leaked) = std::thread::spawn(move || {
            let mut cmd = clean_command(Path::new("/bin/sleep"), &home);
            cmd.arg("60");
            let node = NodeProcess::spawn("sleep", cmd, &log).unwrap();
            let pid = node.pid().unwrap();
            // setpriv sets the parent-death signal, then runs the program: once the process is
            // `sleep`, the signal is armed (a thread that ends before that arms nothing).
            let deadline = Instant::now() + Duration::from_secs(10);
            while std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default()
                != "sleep\n"
            {
                assert!(Instant::now() < deadline, "setpriv never ran sleep");
                std::thread::sleep(Duration::from_millis(5));
            }
            (pid, node)
        })
        .join()
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !matches!(state(pid), Some('Z') | None) {
            assert!(
                Instant::now() < deadline,
                "{pid} still running: {:?}",
                state(pid)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(leaked);
        assert_eq!(state(pid), None, "reaped once its handle drops");
    }
}
