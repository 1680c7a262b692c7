//! One ECDSA P-256 / SHA-256 certificate signature check, three ways, on the same 64
//! certificates issued by one root, in the same run:
//!
//! - `ring` (what [`Cert::is_issued_by`] verifies with: assembly field arithmetic);
//! - the pure-Rust `p256` crate (RustCrypto, with its precomputed tables), which [`Cert`] keeps
//!   for ECDSA with SHA-512 only;
//! - [`Cert::is_issued_by`] once the pair has been checked (the remembered outcome).
//!
//! `cargo bench -p fabric-ha-artifacts --bench verify`

#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use der::{Decode, Encode};
use fabric_ha_artifacts::testdata::{issue, Key, Spec};
use fabric_ha_artifacts::Cert;
use p256::ecdsa::signature::Verifier;

const CERTS: u64 = 64;
const ROUNDS: usize = 31;

struct Signed {
    tbs: Vec<u8>,
    signature: Vec<u8>,
}

/// Median time per certificate of `f` over all certificates, rounds interleaved by the caller.
fn per_cert(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2] / CERTS as u32
}

fn main() {
    let root = issue(&Spec::ca("Bench Root", 1), Key::p256("verify-root"), None);
    let root_cert = root.cert();
    let root_key = root_cert.public_key().to_vec();
    let leaves: Vec<Cert> = (0..CERTS)
        .map(|i| {
            issue(
                &Spec::leaf(&format!("leaf{i}"), None, 100 + i),
                Key::p256(&format!("verify-leaf-{i}")),
                Some(&root),
            )
            .cert()
        })
        .collect();
    let signed: Vec<Signed> = leaves
        .iter()
        .map(|c| {
            let x = x509_cert::Certificate::from_der(c.der()).unwrap();
            Signed {
                tbs: x.tbs_certificate().to_der().unwrap(),
                signature: x.signature().raw_bytes().to_vec(),
            }
        })
        .collect();

    let ring_verify = || {
        for s in &signed {
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_ASN1,
                &root_key,
            )
            .verify(&s.tbs, &s.signature)
            .unwrap();
        }
    };
    let p256_verify = || {
        for s in &signed {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&root_key).unwrap();
            let sig = p256::ecdsa::Signature::from_der(&s.signature).unwrap();
            key.verify(&s.tbs, &sig).unwrap();
        }
    };
    for leaf in &leaves {
        assert!(leaf.is_issued_by(&root_cert));
    }
    let remembered = || {
        for leaf in &leaves {
            assert!(black_box(leaf).is_issued_by(&root_cert));
        }
    };

    let (mut ring_t, mut p256_t, mut memo_t) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (f, t) in [
            (&ring_verify as &dyn Fn(), &mut ring_t),
            (&p256_verify, &mut p256_t),
            (&remembered, &mut memo_t),
        ] {
            let start = Instant::now();
            f();
            t.push(start.elapsed());
        }
    }
    let (ring_t, p256_t, memo_t) = (
        per_cert(&mut ring_t),
        per_cert(&mut p256_t),
        per_cert(&mut memo_t),
    );
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "ECDSA P-256 certificate signature, medians of {ROUNDS} rounds over {CERTS} certificates:"
    );
    println!("ring {:.1} µs per check (the verifier in use)", us(ring_t));
    println!(
        "p256 (RustCrypto) {:.1} µs per check; {:.2}x ring",
        us(p256_t),
        p256_t.as_secs_f64() / ring_t.as_secs_f64()
    );
    println!(
        "remembered pair (Cert::is_issued_by, second time) {:.2} µs; {:.4}x ring",
        us(memo_t),
        memo_t.as_secs_f64() / ring_t.as_secs_f64()
    );
}
