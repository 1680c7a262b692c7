//! Which process is applying a plan: an exclusive OS file lock per plan, held for the whole
//! run. The OS drops it when the process ends in any way (exit, crash, SIGKILL, power loss),
//! so a plan whose journal says `running` but whose lock is free was interrupted and can be
//! resumed; a plan whose lock is held is being applied elsewhere and must not be started
//! twice (two runs racing on the same steps could create a component twice).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::CoreError;

/// Folder (in the data dir) that holds one lock file per plan.
const RUNS_DIR: &str = "runs";

/// Holds the plan's run lock until dropped.
#[derive(Debug)]
pub struct RunLock {
    file: File,
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Best effort: the OS releases the lock with the file handle anyway.
        let _ = self.file.unlock();
    }
}

fn lock_path(data_dir: &Path, plan_id: &str) -> PathBuf {
    // Plan ids are generated (`[a-z0-9-]`); anything else is mapped so it stays one file name.
    let safe: String = plan_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join(RUNS_DIR).join(format!("{safe}.lock"))
}

fn open(data_dir: &Path, plan_id: &str) -> Result<(PathBuf, File), CoreError> {
    let path = lock_path(data_dir, plan_id);
    let io = |e: std::io::Error| CoreError::Storage(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    Ok((path, file))
}

/// Takes the run lock of plan `plan_id` (named `name` in messages), or says which process
/// holds it.
pub fn acquire(data_dir: &Path, plan_id: &str, name: &str) -> Result<RunLock, CoreError> {
    let (path, mut file) = open(data_dir, plan_id)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            // The holder wrote its pid; reading a shared-locked file is allowed.
            let _ = file.read_to_string(&mut holder);
            return Err(CoreError::PlanBusy {
                name: name.to_owned(),
                pid: holder.trim().parse().ok(),
            });
        }
        Err(TryLockError::Error(e)) => {
            return Err(CoreError::Storage(format!("{}: {e}", path.display())))
        }
    }
    let io = |e: std::io::Error| CoreError::Storage(format!("{}: {e}", path.display()));
    file.set_len(0).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    write!(file, "{}", std::process::id()).map_err(io)?;
    file.flush().map_err(io)?;
    Ok(RunLock { file })
}

/// Whether some process (this one included) holds the run lock of plan `plan_id` now.
pub fn is_held(data_dir: &Path, plan_id: &str) -> Result<bool, CoreError> {
    let path = lock_path(data_dir, plan_id);
    if !path.exists() {
        return Ok(false);
    }
    let (path, file) = open(data_dir, plan_id)?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            Ok(false)
        }
        Err(TryLockError::WouldBlock) => Ok(true),
        Err(TryLockError::Error(e)) => Err(CoreError::Storage(format!("{}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_free_after_drop() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_held(dir.path(), "p1").unwrap());
        let lock = acquire(dir.path(), "p1", "ha-east").unwrap();
        assert!(is_held(dir.path(), "p1").unwrap());
        // A second holder (another open file description, as another process has) is refused
        // and told who holds it.
        match acquire(dir.path(), "p1", "ha-east") {
            Err(CoreError::PlanBusy { name, pid }) => {
                assert_eq!(name, "ha-east");
                assert_eq!(pid, Some(std::process::id()));
            }
            other => panic!("expected PlanBusy, got {other:?}"),
        }
        // Another plan is independent.
        let other = acquire(dir.path(), "p2", "ha-west").unwrap();
        drop(lock);
        assert!(!is_held(dir.path(), "p1").unwrap());
        assert!(is_held(dir.path(), "p2").unwrap());
        drop(other);
        assert!(acquire(dir.path(), "p1", "ha-east").is_ok());
    }

    #[test]
    fn odd_plan_ids_stay_one_file_in_the_runs_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = lock_path(dir.path(), "../x/y");
        assert_eq!(path.parent().unwrap(), dir.path().join(RUNS_DIR));
        let _lock = acquire(dir.path(), "../x/y", "odd").unwrap();
        assert!(path.exists());
    }
}
