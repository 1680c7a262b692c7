//! Free loopback ports, never handed out twice by one process.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Mutex, PoisonError};

use crate::Error;

static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// A port on `127.0.0.1` that was free a moment ago and that this process has not handed out
/// before (the node that gets it binds it shortly after).
pub fn free_port() -> Result<u16, Error> {
    let mut seen = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    let seen = seen.get_or_insert_with(HashSet::new);
    for _ in 0..64 {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .map_err(|e| Error::io("cannot find a free port on 127.0.0.1", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::io("cannot find a free port on 127.0.0.1", e))?
            .port();
        if seen.insert(port) {
            return Ok(port);
        }
    }
    Err(Error::Invalid("no new free port on 127.0.0.1".to_owned()))
}
