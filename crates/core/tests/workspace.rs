//! The workspace as the app and the CLI open it: settings, secrets state, unlock.
#![allow(clippy::unwrap_used, missing_docs)]

use fabric_ha_core::{
    CoreError, ErrorCode, Language, OpenOptions, SecretsState, Sensitive, Settings, Workspace,
};
use fabric_ha_store::KdfParams;

fn options(dir: &std::path::Path, passphrase: Option<&str>) -> OpenOptions {
    OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: passphrase.map(|p| Sensitive::new(p.to_string())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    }
}

#[test]
fn a_new_workspace_without_keyring_or_passphrase_opens_locked_and_first_run() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = Workspace::open(options(tmp.path(), None)).unwrap();
    let info = ws.info().unwrap();
    assert_eq!(info.secrets, SecretsState::Locked);
    assert!(info.first_run);
    assert_eq!(
        info.schema_version,
        fabric_ha_store::migrations::latest_version()
    );
    assert!(info.database_path.ends_with("workspace.sqlite3"));
    assert_eq!(info.data_dir, tmp.path().display().to_string());
    let err = ws.with_vault(|_, _| Ok(())).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);
}

#[test]
fn settings_round_trip_and_a_refused_value_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = Workspace::open(options(tmp.path(), None)).unwrap();
    assert_eq!(ws.settings().unwrap(), Settings::default());
    let wanted = Settings {
        language: Language::ZhCn,
        page_size: 25,
        onboarded: true,
    };
    assert_eq!(ws.update_settings(wanted.clone()).unwrap(), wanted);
    drop(ws);

    let ws = Workspace::open(options(tmp.path(), None)).unwrap();
    assert_eq!(ws.settings().unwrap(), wanted, "settings survive a restart");
    assert!(!ws.info().unwrap().first_run);
    let err = ws
        .update_settings(Settings {
            page_size: 7,
            language: Language::En,
            onboarded: false,
        })
        .unwrap_err();
    assert!(matches!(err, CoreError::InvalidInput { ref field, .. } if field == "pageSize"));
    assert_eq!(
        ws.settings().unwrap(),
        wanted,
        "the refused update changed nothing"
    );
}

#[test]
fn passphrase_sets_up_then_unlocks_and_a_wrong_one_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = Workspace::open(options(tmp.path(), None)).unwrap();
    assert_eq!(
        ws.unlock(Sensitive::new("correct horse".into()))
            .unwrap()
            .secrets,
        SecretsState::Passphrase
    );
    ws.with_vault(|v, s| {
        v.put_str(s, "probe", "value").unwrap();
        Ok(())
    })
    .unwrap();
    drop(ws);

    // Reopen without a passphrase: locked, and the wrong one does not open it.
    let ws = Workspace::open(options(tmp.path(), None)).unwrap();
    assert_eq!(ws.secrets_state(), SecretsState::Locked);
    let err = ws
        .unlock(Sensitive::new("battery staple".into()))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPassphrase);
    assert_eq!(ws.secrets_state(), SecretsState::Locked);
    let err = ws.unlock(Sensitive::new(String::new())).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);

    // The environment's passphrase (OpenOptions) opens it without a prompt.
    drop(ws);
    let ws = Workspace::open(options(tmp.path(), Some("correct horse"))).unwrap();
    assert_eq!(ws.secrets_state(), SecretsState::Passphrase);
    let got = ws
        .with_vault(|v, s| Ok(v.get_str(s, "probe").unwrap()))
        .unwrap();
    assert_eq!(got.expose(), "value");
}
