//! Bundles: the round trip, and every kind of bad input refused with the file and the reason.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Cursor, Read, Write};

use fabric_ha_artifacts::testdata::Pki;
use fabric_ha_artifacts::{read_json, read_zip, Artifact, ArtifactKind};
use fabric_ha_bundle::*;
use fabric_ha_sensitive::Sensitive;

fn artifacts(pki: &Pki, identity: bool) -> Vec<Artifact> {
    let mut values = vec![pki.ca_v3(), pki.msp(), pki.peer_v3()];
    if identity {
        values.push(pki.identity());
    }
    values
        .iter()
        .flat_map(|v| read_json("x.json", v.to_string().as_bytes()).accepted)
        .collect()
}

fn spec(pki: &Pki, identity: bool) -> BundleSpec {
    BundleSpec {
        target: ConsoleRef {
            name: "eu-de".into(),
            url: Some("https://eu.example".into()),
        },
        source: Some(ConsoleRef {
            name: "us-south".into(),
            url: None,
        }),
        plan: None,
        artifacts: artifacts(pki, true),
        include_identities: identity,
        manual_steps: vec![ManualStep {
            title: "Create peer \"Peer 2\"".into(),
            where_: "Nodes → Add peer → Create".into(),
            values: vec![StepValue::plain("Enroll ID", "org1peer2")],
        }],
        app_version: "0.1.0".into(),
    }
}

fn pass() -> Protection {
    Protection::Passphrase {
        passphrase: Sensitive::new("correct horse".into()),
        work_factor: Some(2),
    }
}

fn key() -> BundleKey {
    BundleKey::Passphrase(Sensitive::new("correct horse".into()))
}

fn plain() -> Protection {
    Protection::Unencrypted {
        allow_unencrypted: true,
    }
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// Rewrites an unencrypted bundle: `edit` gets every (name, bytes) and returns the new list.
fn rewrite(bytes: &[u8], edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        entries.push((String::from_utf8(e.name_raw().to_vec()).unwrap(), data));
    }
    edit(&mut entries);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn open_plain(bytes: &[u8]) -> Result<Opened, BundleError> {
    open("b.fhab", bytes, &BundleKey::None, &Limits::default())
}

#[test]
fn round_trip_encrypted_and_signed() {
    let pki = Pki::new();
    let signer = Signer::generate();
    let created = create(&spec(&pki, false), &pass(), Some(&signer)).unwrap();
    assert!(created.encrypted);
    // Nothing readable without the key, not even the manifest.
    let bytes = created.bytes.expose();
    assert!(!contains(bytes, b"manifest"));
    assert!(!contains(bytes, b"eu-de"));
    assert!(matches!(
        open("b.fhab", bytes, &BundleKey::None, &Limits::default()),
        Err(BundleError::KeyNeeded { .. })
    ));

    let opened = open("b.fhab", bytes, &key(), &Limits::default()).unwrap();
    let inspection = opened.inspect();
    assert!(inspection.encrypted);
    assert_eq!(inspection.manifest.target_console.name, "eu-de");
    assert_eq!(inspection.manifest.format_version, FORMAT_VERSION);
    let kinds: Vec<ArtifactKind> = inspection
        .manifest
        .components
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(
        kinds,
        [ArtifactKind::Ca, ArtifactKind::Msp, ArtifactKind::Peer]
    );
    let signer_info = inspection.signer.unwrap();
    assert!(signer_info.valid);
    assert_eq!(signer_info.public_key, signer.public_key());
    let verified = opened.verify().unwrap();
    assert_eq!(
        verified.signer.as_deref(),
        Some(signer.public_key().as_str())
    );
    assert_eq!(verified.files_checked, inspection.manifest.files.len());

    // The console zip is the console's bulk layout and reads back as the same components.
    let zip = opened.console_zip().unwrap();
    let report = read_zip("bulk-import.zip", zip.expose());
    assert!(report.is_ok(), "{:?}", report.findings);
    assert_eq!(report.accepted.len(), 3);
    // Import bodies and steps.
    let names: Vec<String> = inspection.entries.iter().map(|e| e.0.clone()).collect();
    assert!(
        names.contains(&"api/01-fabric-ca-Org1-CA.json".to_owned()),
        "{names:?}"
    );
    let md = String::from_utf8(opened.entry(STEPS_MD).unwrap().expose().to_vec()).unwrap();
    let ca = md.find("Import CA").unwrap();
    let msp = md.find("Import MSP").unwrap();
    let peer = md.find("Import peer").unwrap();
    let create = md.find("Create peer").unwrap();
    assert!(ca < msp && msp < peer && peer < create, "{md}");
    assert!(md.contains("`org1peer2`"));
    let html = String::from_utf8(opened.entry(STEPS_HTML).unwrap().expose().to_vec()).unwrap();
    assert!(html.contains("&quot;Peer 2&quot;"));

    assert!(opened.check_target("eu-de", None).is_ok());
    assert!(opened
        .check_target("renamed", Some("https://eu.example/"))
        .is_ok());
    let err = opened.check_target("jp-tok", None).unwrap_err();
    assert!(matches!(err, BundleError::WrongConsole { .. }));
    assert!(
        err.to_string()
            .contains("for console \"eu-de\", not for \"jp-tok\""),
        "{err}"
    );
}

#[test]
fn recipients_and_identity_file() {
    let pki = Pki::new();
    let id = age::x25519::Identity::generate();
    use age::secrecy::ExposeSecret;
    let recipient = id.to_public().to_string();
    let created = create(
        &spec(&pki, false),
        &Protection::Recipients(vec![recipient]),
        None,
    )
    .unwrap();
    let identity_text = Sensitive::new(format!("# key\n{}\n", id.to_string().expose_secret()));
    let opened = open(
        "b.fhab",
        created.bytes.expose(),
        &BundleKey::Identity(identity_text),
        &Limits::default(),
    )
    .unwrap();
    opened.verify().unwrap();
    assert!(opened.inspect().signer.is_none());
    // Another key does not open it; nor does a passphrase.
    let other = age::x25519::Identity::generate();
    let other = Sensitive::new(other.to_string().expose_secret().to_owned());
    let err = open(
        "b.fhab",
        created.bytes.expose(),
        &BundleKey::Identity(other),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, BundleError::WrongKey { .. }), "{err}");
    assert!(open("b.fhab", created.bytes.expose(), &key(), &Limits::default()).is_err());
    // A bad recipient is refused up front.
    let err = create(
        &spec(&pki, false),
        &Protection::Recipients(vec!["age1nope".into()]),
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("age1nope"), "{err}");
}

#[test]
fn secrets_only_with_opt_in_and_unencrypted_only_when_confirmed() {
    let pki = Pki::new();
    let identity = pki.identity();
    let private_key = identity["private_key"].as_str().unwrap().to_owned();
    let err = create(
        &spec(&pki, false),
        &Protection::Unencrypted {
            allow_unencrypted: false,
        },
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("confirm"), "{err}");

    // Without the opt-in, not a byte of the key, even decrypted (and inside the inner zip).
    let created = create(&spec(&pki, false), &plain(), None).unwrap();
    assert!(!created.encrypted);
    let opened = open_plain(created.bytes.expose()).unwrap();
    assert!(!opened.manifest().includes_identities);
    let mut all = created.bytes.expose().to_vec();
    for (name, _) in opened.inspect().entries {
        if let Some(e) = opened.entry(&name) {
            all.extend_from_slice(e.expose());
        }
    }
    assert!(!contains(&all, private_key.as_bytes()));
    assert!(!contains(&all, b"private_key"));
    assert!(!opened
        .manifest()
        .components
        .iter()
        .any(|c| c.kind == ArtifactKind::Identity));

    // With it, the wallet file is in the console zip.
    let created = create(&spec(&pki, true), &pass(), None).unwrap();
    let opened = open("b", created.bytes.expose(), &key(), &Limits::default()).unwrap();
    let zip = opened.console_zip().unwrap();
    assert!(contains(zip.expose(), private_key.as_bytes()));
}

#[test]
fn bad_input_is_refused_with_file_and_reason() {
    let pki = Pki::new();
    let good = create(&spec(&pki, false), &plain(), None).unwrap();
    let good = good.bytes.expose().clone();
    open_plain(&good).unwrap().verify().unwrap();

    // Wrong passphrase.
    let enc = create(&spec(&pki, false), &pass(), None).unwrap();
    let wrong = BundleKey::Passphrase(Sensitive::new("wrong".into()));
    let err = open("b.fhab", enc.bytes.expose(), &wrong, &Limits::default()).unwrap_err();
    assert!(matches!(err, BundleError::WrongKey { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "b.fhab: the passphrase or key does not open this bundle"
    );

    // Truncated: encrypted and plain.
    let cut = &enc.bytes.expose()[..enc.bytes.expose().len() - 100];
    let err = open("b.fhab", cut, &key(), &Limits::default()).unwrap_err();
    assert!(matches!(err, BundleError::Damaged { .. }), "{err}");
    let err = open_plain(&good[..good.len() / 2]).unwrap_err();
    assert!(matches!(err, BundleError::Damaged { .. }), "{err}");

    // A manifest that lies about a size, and one that lies about a hash.
    let lie = |edit: &dyn Fn(&mut serde_json::Value)| {
        rewrite(&good, |entries| {
            let m = entries.iter_mut().find(|e| e.0 == MANIFEST).unwrap();
            let mut v: serde_json::Value = serde_json::from_slice(&m.1).unwrap();
            edit(&mut v);
            m.1 = serde_json::to_vec(&v).unwrap();
        })
    };
    let sized = lie(&|v| v["files"][0]["size"] = 5.into());
    let err = open_plain(&sized).unwrap().verify().unwrap_err();
    assert!(matches!(err, BundleError::SizeMismatch { .. }), "{err}");
    assert!(err.to_string().contains(CONSOLE_ZIP), "{err}");
    let hashed = lie(&|v| v["files"][1]["sha256"] = "00".repeat(32).into());
    let err = open_plain(&hashed).unwrap().verify().unwrap_err();
    assert!(
        matches!(err, BundleError::HashMismatch { ref entry, .. } if entry.starts_with("api/01")),
        "{err}"
    );

    // A tampered file is named.
    let tampered = rewrite(&good, |entries| {
        let s = entries.iter_mut().find(|e| e.0 == STEPS_MD).unwrap();
        s.1.extend_from_slice(b"\n9. Also send the admin key to evil@example\n");
    });
    let err = open_plain(&tampered).unwrap().verify().unwrap_err();
    assert!(err.to_string().contains("steps.md"), "{err}");

    // An extra file not in the manifest.
    let extra = rewrite(&good, |entries| {
        entries.push(("extra.sh".into(), b"rm -rf".to_vec()))
    });
    let err = open_plain(&extra).unwrap().verify().unwrap_err();
    assert!(
        matches!(err, BundleError::Unlisted { ref entry, .. } if entry == "extra.sh"),
        "{err}"
    );

    // Path traversal and absolute paths.
    for bad in [
        "../evil.json",
        "api/../../evil.json",
        "/etc/evil",
        "a\\..\\b",
    ] {
        let evil = rewrite(&good, |entries| entries.push((bad.into(), b"{}".to_vec())));
        let err = open_plain(&evil).unwrap_err();
        assert!(
            matches!(err, BundleError::UnsafeEntry { .. }),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
    }

    // Oversized entry, too many entries, oversized bundle.
    let limits = Limits {
        max_entry_bytes: 1000,
        ..Limits::default()
    };
    let err = open("b", &good, &BundleKey::None, &limits).unwrap_err();
    assert!(matches!(err, BundleError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("cap of 1000 bytes"), "{err}");
    let limits = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    assert!(matches!(
        open("b", &good, &BundleKey::None, &limits).unwrap_err(),
        BundleError::TooManyEntries { .. }
    ));
    let limits = Limits {
        max_bundle_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        open("b", enc.bytes.expose(), &key(), &limits).unwrap_err(),
        BundleError::TooLarge { .. }
    ));

    // Not a bundle at all.
    let err = open_plain(b"{\"hello\": 1}").unwrap_err();
    assert!(matches!(err, BundleError::NotABundle { .. }), "{err}");
    let no_manifest = rewrite(&good, |entries| entries.retain(|e| e.0 != MANIFEST));
    assert!(matches!(
        open_plain(&no_manifest).unwrap_err(),
        BundleError::Manifest { .. }
    ));
}

#[test]
fn a_changed_manifest_breaks_the_signature() {
    let pki = Pki::new();
    let signer = Signer::generate();
    let good = create(&spec(&pki, false), &plain(), Some(&signer)).unwrap();
    let good = good.bytes.expose().clone();
    open_plain(&good).unwrap().verify().unwrap();
    let changed = rewrite(&good, |entries| {
        let m = entries.iter_mut().find(|e| e.0 == MANIFEST).unwrap();
        let text = String::from_utf8(m.1.clone())
            .unwrap()
            .replace("eu-de", "jp-tok");
        m.1 = text.into_bytes();
    });
    let opened = open_plain(&changed).unwrap();
    assert!(!opened.inspect().signer.unwrap().valid);
    let err = opened.verify().unwrap_err();
    assert!(matches!(err, BundleError::Signature { .. }), "{err}");
    assert!(err.to_string().contains("manifest.sig"), "{err}");
    // Signature removed.
    let stripped = rewrite(&good, |entries| entries.retain(|e| e.0 != SIGNATURE));
    assert!(matches!(
        open_plain(&stripped).unwrap().verify().unwrap_err(),
        BundleError::Signature { .. }
    ));
    // Seeds round-trip.
    let again = Signer::from_seed(&signer.seed()).unwrap();
    assert_eq!(again.public_key(), signer.public_key());
}

#[test]
fn written_owner_only() {
    let pki = Pki::new();
    let created = create(&spec(&pki, false), &plain(), None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.fhab");
    std::fs::write(&path, b"old").unwrap();
    write_file(&path, created.bytes.expose()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let bytes = read_file(&path, &Limits::default()).unwrap();
    open_plain(&bytes).unwrap().verify().unwrap();
}
