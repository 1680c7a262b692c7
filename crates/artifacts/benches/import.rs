//! Read + validate a bulk zip of 2,000 components (real certificates: CAs, MSPs, peers,
//! orderer nodes, identities) against a floor: plain `serde_json::from_slice::<Value>` of the
//! same JSON bytes. Signature checks are forgotten before every read, so each one is a first
//! read of the zip.
//!
//! `cargo bench -p fabric-ha-artifacts --bench import`
//!
//! Target: under 1 s, and at most 5x the floor.

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use fabric_ha_artifacts::testdata::{big_bulk, NOW};
use fabric_ha_artifacts::{read_zip_with, Cert, ReadOptions};

const COMPONENTS: usize = 2_000;

/// Medians of `runs` rounds, each round running every measured function once in turn, so that
/// all of them see the same load on a shared machine.
fn medians<const N: usize>(runs: usize, mut fs: [&mut dyn FnMut(); N]) -> [Duration; N] {
    let mut times = vec![Vec::with_capacity(runs); N];
    for _ in 0..runs {
        for (f, t) in fs.iter_mut().zip(&mut times) {
            let start = Instant::now();
            f();
            t.push(start.elapsed());
        }
    }
    times.iter_mut().for_each(|t| t.sort());
    std::array::from_fn(|i| times[i][runs / 2])
}

fn main() {
    let (zip, jsons) = big_bulk(COMPONENTS);
    let opts = ReadOptions::at(NOW);
    let report = read_zip_with("bench.zip", &zip, &opts);
    assert!(report.is_ok(), "{:?}", report.findings.first());
    assert_eq!(report.accepted.len(), COMPONENTS);
    let json_bytes: usize = jsons.iter().map(Vec::len).sum();

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    c.bench_function("read_zip_validate_2000", |b| {
        b.iter(|| {
            Cert::forget_signature_checks();
            black_box(read_zip_with("bench.zip", black_box(&zip), &opts))
        })
    });
    c.bench_function("floor_serde_json_2000", |b| {
        b.iter(|| {
            for j in &jsons {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(j)).unwrap());
            }
        })
    });
    c.final_summary();

    let [ours, warm, floor] = medians(
        11,
        [
            &mut || {
                Cert::forget_signature_checks();
                drop(black_box(read_zip_with("bench.zip", &zip, &opts)));
            },
            // The same read with every signature check remembered from the run before: the
            // difference is what the ECDSA verifications cost.
            &mut || drop(black_box(read_zip_with("bench.zip", &zip, &opts))),
            &mut || {
                for j in &jsons {
                    black_box(serde_json::from_slice::<serde_json::Value>(j).unwrap());
                }
            },
        ],
    );
    println!(
        "bulk zip: {COMPONENTS} components, {} bytes zip, {json_bytes} bytes of JSON",
        zip.len()
    );
    println!(
        "read+validate median {:.1} ms; floor (serde_json Value) median {:.1} ms; ratio {:.2}x (target <= 5x, < 1000 ms)",
        ours.as_secs_f64() * 1e3,
        floor.as_secs_f64() * 1e3,
        ours.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "read+validate with the signature checks remembered median {:.1} ms; ratio {:.2}x: the verifications cost {:.1} ms",
        warm.as_secs_f64() * 1e3,
        warm.as_secs_f64() / floor.as_secs_f64(),
        (ours.as_secs_f64() - warm.as_secs_f64()) * 1e3
    );
}
