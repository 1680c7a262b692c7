//! Offline bundles on the workspace: create → inspect → verify → apply into the library and a
//! test console; applying again changes nothing; a bundle for another console is refused.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_core::bundles::{
    ApplyTarget, BundleContents, BundleCreateInput, BundleKey, Protection,
};
use fabric_ha_core::consoles::{ConsoleAuthInput, ConsoleImportOutcome, ConsoleInput};
use fabric_ha_core::{OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};

fn workspace(dir: &Path) -> Workspace {
    Workspace::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Sensitive::new("bundle tests".to_owned())),
        use_keyring: false,
        kdf: KdfParams::insecure_fast(),
    })
    .unwrap()
}

fn key() -> BundleKey {
    BundleKey::Passphrase(Sensitive::new("carry me".into()))
}

#[test]
fn bundle_round_trip_into_library_and_console() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = workspace(&tmp.path().join("desk"));
    let pki = Pki::new();
    let files: Vec<(String, Vec<u8>)> = [
        ("ca.json", pki.ca_v3()),
        ("msp.json", pki.msp()),
        ("peer.json", pki.peer_v3()),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), v.to_string().into_bytes()))
    .collect();
    let report = desk.import_files(files).unwrap();
    let ids: Vec<String> = report
        .files
        .iter()
        .flat_map(|f| f.artifacts.iter().map(|a| a.id.clone()))
        .collect();
    let out = tmp.path().join("eu.fhab");
    let manifest = desk
        .bundle_create(&BundleCreateInput {
            target: "eu-de".into(),
            contents: BundleContents::Artifacts(ids),
            protection: Protection::Passphrase {
                passphrase: Sensitive::new("carry me".into()),
                work_factor: Some(4),
            },
            include_identities: false,
            sign: true,
            out: out.clone(),
        })
        .unwrap();
    assert_eq!(manifest.components.len(), 3);
    let public = desk.bundle_signing_public_key().unwrap();
    assert_eq!(manifest.signer_public_key.as_deref(), Some(public.as_str()));

    // The receiver: another workspace, the console reachable from there.
    let far = workspace(&tmp.path().join("far"));
    let inspection = far.bundle_inspect(&out, &key()).unwrap();
    assert_eq!(inspection.manifest.target_console.name, "eu-de");
    assert!(inspection.signer.unwrap().valid);
    assert!(far.library().unwrap().is_empty(), "inspect applies nothing");
    let verified = far.bundle_verify(&out, &key()).unwrap();
    assert_eq!(verified.signer.as_deref(), Some(public.as_str()));
    let wrong = BundleKey::Passphrase(Sensitive::new("nope".into()));
    let err = far.bundle_verify(&out, &wrong).unwrap_err();
    assert!(
        err.to_string()
            .contains("eu.fhab: the passphrase or key does not open this bundle"),
        "{err}"
    );

    // Into the library, twice.
    let first = far
        .bundle_apply(&out, &key(), &ApplyTarget::Library)
        .unwrap();
    let lib = first.library.unwrap();
    assert!(lib.all_accepted());
    assert!(lib.files[0].artifacts.iter().all(|a| a.new));
    let again = far
        .bundle_apply(&out, &key(), &ApplyTarget::Library)
        .unwrap();
    assert!(again.library.unwrap().files[0]
        .artifacts
        .iter()
        .all(|a| !a.new));
    assert_eq!(far.library().unwrap().len(), 3);

    // Into a test console named as the bundle says, twice; another console is refused.
    let tc = TestConsole::start_blocking(TestConsoleConfig {
        name: "eu-de".into(),
        ..TestConsoleConfig::default()
    })
    .unwrap();
    let other = TestConsole::start_blocking(TestConsoleConfig {
        name: "jp-tok".into(),
        ..TestConsoleConfig::default()
    })
    .unwrap();
    for (name, c) in [("eu-de", &tc), ("jp-tok", &other)] {
        let (api_key, api_secret) = c.manager_key();
        far.add_console(ConsoleInput {
            name: name.into(),
            region: name.into(),
            url: c.url(),
            auth: Some(ConsoleAuthInput::ApiKey {
                api_key,
                api_secret: Sensitive::new(api_secret),
            }),
            ca_cert_pem: c.ca_cert_pem(),
        })
        .unwrap();
    }
    let err = far
        .bundle_apply(&out, &key(), &ApplyTarget::Console("jp-tok".into()))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("for console \"eu-de\", not for \"jp-tok\""),
        "{err}"
    );
    assert!(other.components().is_empty());
    let to = ApplyTarget::Console("eu-de".into());
    let first = far
        .bundle_apply(&out, &key(), &to)
        .unwrap()
        .console
        .unwrap();
    let outcomes: Vec<_> = first.items.iter().map(|i| i.outcome).collect();
    assert_eq!(outcomes, [ConsoleImportOutcome::Imported; 3], "{first:?}");
    let again = far
        .bundle_apply(&out, &key(), &to)
        .unwrap()
        .console
        .unwrap();
    let outcomes: Vec<_> = again.items.iter().map(|i| i.outcome).collect();
    assert_eq!(outcomes, [ConsoleImportOutcome::AlreadyPresent; 3]);
    assert_eq!(tc.components().len(), 3);
}
