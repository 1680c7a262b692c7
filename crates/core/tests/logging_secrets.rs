//! Secrets never reach the log file, whatever the code logs around them.
#![allow(clippy::unwrap_used, missing_docs)]

use fabric_ha_core::{logging, OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;

const PASSPHRASE: &str = "canary-passphrase-7f3a9c";
const SECRET: &str = "canary-enroll-secret-51be02";

#[test]
fn the_app_log_holds_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let log_dir = tmp.path().join("logs");
    let (subscriber, guard) = logging::app_subscriber(&log_dir).unwrap();
    tracing::subscriber::with_default(subscriber, || {
        let ws = Workspace::open(OpenOptions {
            data_dir: tmp.path().join("ws"),
            passphrase: Some(Sensitive::new(PASSPHRASE.into())),
            use_keyring: false,
            kdf: KdfParams::insecure_fast(),
        })
        .unwrap();
        let secret = Sensitive::new(SECRET.to_string());
        ws.with_vault(|v, s| {
            v.put_str(s, "org1/peer1/enroll-secret", secret.expose())
                .unwrap();
            Ok(())
        })
        .unwrap();
        // The careless ways a secret could be logged: Debug, Display, inside a struct.
        tracing::info!(?secret, "debug-formatted secret");
        tracing::info!(%secret, "display-formatted secret");
        tracing::warn!(options = ?ws, "workspace");
        tracing::error!(secret = ?Some(&secret), "nested secret");
    });
    drop(guard); // flushes the background writer

    let mut text = String::new();
    for entry in std::fs::read_dir(&log_dir).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        text.contains("workspace opened"),
        "the log file was written: {text}"
    );
    assert!(
        text.contains("<redacted>"),
        "secrets show as <redacted>: {text}"
    );
    assert!(!text.contains(SECRET), "enroll secret leaked into the log");
    assert!(!text.contains(PASSPHRASE), "passphrase leaked into the log");
}
