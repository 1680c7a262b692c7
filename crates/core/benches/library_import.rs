//! Library import of a bulk zip of 2,000 components (real certificates): read, validate, check
//! against the library, store in SQLite with the identities' keys encrypted — against the floor
//! of a plain `serde_json` parse of the same JSON bytes, measured in the same run. Signature
//! checks are forgotten before every import, so each one is a first read of the zip.
//!
//! `cargo bench -p fabric-ha-core --bench library_import` (or `bench/import.sh`)

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use fabric_ha_artifacts::testdata::{big_bulk, NOW};
use fabric_ha_artifacts::Cert;
use fabric_ha_core::{OpenOptions, Sensitive, Workspace};
use fabric_ha_store::KdfParams;

const COMPONENTS: usize = 2_000;
const RUNS: usize = 11;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let (zip, jsons) = big_bulk(COMPONENTS);
    let json_bytes: usize = jsons.iter().map(Vec::len).sum();

    // Each run imports, then parses the floor, so that both see the same load on a shared
    // machine.
    let (mut import_times, mut floor_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        // A fresh workspace each run: every component is new and stored.
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::open(OpenOptions {
            data_dir: tmp.path().to_path_buf(),
            passphrase: Some(Sensitive::new("bench".into())),
            use_keyring: false,
            kdf: KdfParams::insecure_fast(),
        })
        .unwrap();
        Cert::forget_signature_checks();
        let start = Instant::now();
        let report = ws
            .import_files_at(vec![("bench.zip".into(), zip.clone())], NOW)
            .unwrap();
        import_times.push(start.elapsed());
        assert!(
            report.all_accepted(),
            "{:?}",
            report.files[0].findings.first()
        );
        assert_eq!(report.files[0].artifacts.len(), COMPONENTS);
        let start = Instant::now();
        for j in &jsons {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(j)).unwrap());
        }
        floor_times.push(start.elapsed());
    }
    let (ours, floor) = (median(import_times), median(floor_times));
    println!(
        "bulk zip: {COMPONENTS} components, {} bytes zip, {json_bytes} bytes of JSON",
        zip.len()
    );
    println!(
        "library import median {:.1} ms; floor (serde_json Value) median {:.1} ms; ratio {:.2}x",
        ours.as_secs_f64() * 1e3,
        floor.as_secs_f64() * 1e3,
        ours.as_secs_f64() / floor.as_secs_f64()
    );
}
