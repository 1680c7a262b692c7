//! Offline bundles on the workspace: create → inspect → verify → apply into the library and a
//! test console; applying again changes nothing; a bundle for another console is refused.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_core::bundles::{
    ApplyTarget, BundleContents, BundleCreateInput, BundleKey, Limits, Protection,
    CONSOLE_IMPORT_MAX_BYTES,
};
use fabric_ha_core::consoles::{ConsoleAuthInput, ConsoleImportOutcome, ConsoleInput};
use fabric_ha_core::{OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::json;

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
    let written = desk
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
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let manifest = written.manifest;
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

/// Library ids of `n` generated peers, each with its own id, name and address, imported as
/// one console zip.
fn generated_peers(ws: &Workspace, n: usize) -> Vec<String> {
    let pki = Pki::new();
    let peers: Vec<_> = (0..n)
        .flat_map(|i| {
            let mut v = pki.peer_v3();
            v["id"] = json!(format!("peer{i}"));
            v["display_name"] = json!(format!("Peer {i}"));
            v["api_url"] = json!(format!("grpcs://peer{i}.org1.example.com:7051"));
            fabric_ha_artifacts::read_json("peer.json", v.to_string().as_bytes()).accepted
        })
        .collect();
    assert_eq!(peers.len(), n);
    let zip = fabric_ha_artifacts::export_bulk_zip(&peers, false).unwrap();
    let report = ws
        .import_files(vec![("peers.zip".into(), zip.expose().to_vec())])
        .unwrap();
    assert!(report.all_accepted());
    report
        .files
        .iter()
        .flat_map(|f| f.artifacts.iter().map(|a| a.id.clone()))
        .collect()
}

/// The console zip's size and the Markdown step list of an unencrypted bundle.
fn zip_size_and_steps(path: &Path) -> (u64, String) {
    let limits = Limits::default();
    let bytes = fabric_ha_bundle::read_file(path, &limits).unwrap();
    let opened = fabric_ha_bundle::open("b", &bytes, &BundleKey::None, &limits).unwrap();
    let size = opened
        .entry(fabric_ha_bundle::CONSOLE_ZIP)
        .unwrap()
        .expose()
        .len() as u64;
    let steps = opened
        .entry(fabric_ha_bundle::STEPS_MD)
        .unwrap()
        .expose()
        .to_vec();
    (size, String::from_utf8(steps).unwrap())
}

#[test]
fn a_console_zip_over_1_mib_is_a_warning_and_the_steps_avoid_the_import_dialog() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = workspace(&tmp.path().join("desk"));
    let ids = generated_peers(&desk, 400);
    assert_eq!(ids.len(), 400);
    let create = |ids: &[String], file: &str| {
        let out = tmp.path().join(file);
        let written = desk
            .bundle_create(&BundleCreateInput {
                target: "eu-de".into(),
                contents: BundleContents::Artifacts(ids.to_vec()),
                protection: Protection::Unencrypted {
                    allow_unencrypted: true,
                },
                include_identities: false,
                sign: false,
                out: out.clone(),
            })
            .unwrap();
        (written, zip_size_and_steps(&out))
    };

    // Under 1 MiB: no warning, and the bulk import is the fastest way.
    let (small, (size, steps)) = create(&ids[..20], "small.bundle.zip");
    assert!(size <= CONSOLE_IMPORT_MAX_BYTES, "{size}");
    assert_eq!(small.warnings, Vec::<String>::new());
    assert!(
        steps.contains("Fastest: Settings → Bulk data management → Import"),
        "{steps}"
    );
    assert!(!steps.contains("larger than 1 MiB"), "{steps}");

    // Over 1 MiB: the warning names the file and its size, the step list sends the operator
    // to the API bodies instead of the dialog that refuses the file.
    let (large, (size, steps)) = create(&ids, "large.bundle.zip");
    assert!(size > CONSOLE_IMPORT_MAX_BYTES, "{size}");
    let listed = large
        .manifest
        .files
        .iter()
        .find(|f| f.path == fabric_ha_bundle::CONSOLE_ZIP)
        .unwrap();
    assert_eq!(listed.size, size);
    assert_eq!(large.warnings.len(), 1, "{:?}", large.warnings);
    let warning = &large.warnings[0];
    assert!(
        warning.starts_with(&format!(
            "console/bulk-import.zip has {size} bytes, more than the 1048576 (1 MiB) the console's Settings → Bulk data management → Import takes"
        )),
        "{warning}"
    );
    assert!(warning.contains("api/*.json"), "{warning}");
    assert!(warning.contains("split the selection"), "{warning}");
    assert!(!steps.contains("Fastest"), "{steps}");
    assert!(
        steps.contains("`console/bulk-import.zip` is larger than 1 MiB"),
        "{steps}"
    );
    assert!(steps.contains("`api/*.json`"), "{steps}");
    assert_eq!(large.manifest.components.len(), 400);
    assert_eq!(
        large
            .manifest
            .files
            .iter()
            .filter(|f| f.path.starts_with("api/"))
            .count(),
        400,
        "one API body per component"
    );
}
