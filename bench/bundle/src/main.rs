//! `bench-bundle`: an offline bundle of 2,000 components (CAs, MSP definitions and peers in
//! turn, each with its own real certificates) made and verified, against the floor measured in
//! the same run:
//!
//! - **create** is `fabric_ha_bundle::create` (console zip, v3 import bodies, step lists,
//!   manifest with every SHA-256, the outer zip, age); its floor zips the very entries of that
//!   bundle (stored, as the bundle does) and age-encrypts the zip with the same protection;
//! - **verify** is `open` + `Opened::verify` (decrypt, read every entry within the caps, parse
//!   the manifest, check every size and SHA-256); its floor decrypts and unzips the same file.
//!
//! Both protections are measured: a passphrase (scrypt, with a fixed work factor on both sides,
//! `--work-factor`) and an X25519 recipient (no key derivation, so the bundle's own work shows).
//! Medians of `--runs` runs, each run of the bundle followed by one of its floor.

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use clap::Parser;
use fabric_ha_artifacts::testdata::{issue, Key, Pki, Spec, NOW};
use fabric_ha_artifacts::{read_json_with, Artifact, ReadOptions};
use fabric_ha_bundle::{
    create, open, BundleKey, BundleSpec, ConsoleRef, Limits, Protection, FORMAT,
};
use fabric_ha_sensitive::Sensitive;
use serde_json::{json, Value};

/// Offline bundle create / verify against zip + age of the same bytes.
#[derive(Debug, Parser)]
#[command(name = "bench-bundle")]
struct Args {
    /// Components in the bundle (CAs, MSP definitions and peers in turn).
    #[arg(long, default_value_t = 2000)]
    components: usize,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// scrypt work factor (log2 N) of the passphrase runs, the same for the bundle and the
    /// floor (the app lets age pick about one second of work on the machine).
    #[arg(long, default_value_t = 18)]
    work_factor: u8,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

const PASSPHRASE: &str = "bench bundle passphrase";

/// The components: realistic console files with distinct certificates.
fn components(n: usize) -> Vec<Artifact> {
    let pki = Pki::new();
    let opts = ReadOptions::at(NOW);
    (0..n)
        .map(|i| {
            let serial = 10_000 + i as u64;
            let mut v = match i % 3 {
                0 => {
                    let tls = issue(
                        &Spec::tls(&format!("ca{i}.example.com"), serial),
                        Key::p256(&format!("bench-ca-{i}")),
                        Some(&pki.ca_root),
                    );
                    let mut v = pki.ca_v3();
                    v["msp"]["component"]["tls_cert"] = json!(tls.b64());
                    for k in ["pem", "tls_cert"] {
                        v[k] = json!(tls.b64());
                    }
                    for k in ["api_url", "ca_url"] {
                        v[k] = json!(format!("https://ca{i}.example.com:7054"));
                    }
                    v["display_name"] = json!(format!("CA {i}"));
                    v["id"] = json!(format!("ca{i}"));
                    v
                }
                1 => {
                    let admin = issue(
                        &Spec::leaf(&format!("admin{i}"), Some("admin"), serial),
                        Key::p256(&format!("bench-admin-{i}")),
                        Some(&pki.ca_root),
                    );
                    let mut v = pki.msp();
                    v["admins"] = json!([admin.b64()]);
                    v["display_name"] = json!(format!("MSP {i}"));
                    v["msp_id"] = json!(format!("org{i}msp"));
                    v["id"] = json!(format!("msp{i}"));
                    v
                }
                _ => {
                    let host = format!("peer{i}.example.com");
                    let tls = issue(
                        &Spec::tls(&host, serial),
                        Key::p256(&format!("bench-peer-tls-{i}")),
                        Some(&pki.tls_root),
                    );
                    let ecert = issue(
                        &Spec::leaf(&format!("peer{i}"), Some("peer"), serial),
                        Key::p256(&format!("bench-peer-{i}")),
                        Some(&pki.ca_root),
                    );
                    let mut v = pki.peer_v3();
                    v["msp"]["component"]["tls_cert"] = json!(tls.b64());
                    v["msp"]["component"]["ecert"] = json!(ecert.b64());
                    for k in ["pem", "tls_cert"] {
                        v[k] = json!(tls.b64());
                    }
                    v["api_url"] = json!(format!("grpcs://{host}:7051"));
                    v["display_name"] = json!(format!("Peer {i}"));
                    v["id"] = json!(format!("peer{i}"));
                    v
                }
            };
            v["name"] = v["display_name"].clone();
            let report = read_json_with("bench.json", v.to_string().as_bytes(), &opts);
            assert!(report.is_ok(), "component {i}: {:?}", report.findings);
            report.accepted.into_iter().next().expect("one component")
        })
        .collect()
}

fn spec(artifacts: Vec<Artifact>) -> BundleSpec {
    BundleSpec {
        target: ConsoleRef {
            name: "eu-de".into(),
            url: Some("https://console.eu-de.example.com:443".into()),
        },
        source: Some(ConsoleRef {
            name: "us-south".into(),
            url: Some("https://console.us-south.example.com:443".into()),
        }),
        plan: None,
        artifacts,
        include_identities: false,
        manual_steps: Vec::new(),
        app_version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Medians of `runs` rounds of `ours` then `floor`: taken in turn, both see the same load on a
/// shared machine.
fn medians(runs: usize, mut ours: impl FnMut(), mut floor: impl FnMut()) -> (Duration, Duration) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut a, mut b): (Vec<Duration>, Vec<Duration>) = (0..runs)
        .map(|_| (time(&mut ours), time(&mut floor)))
        .unzip();
    a.sort();
    b.sort();
    (a[runs / 2], b[runs / 2])
}

/// The entries of an unencrypted bundle, in order.
fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).expect("an entry");
            let mut data = Vec::with_capacity(e.size() as usize);
            e.read_to_end(&mut data).expect("readable");
            (String::from_utf8_lossy(e.name_raw()).into_owned(), data)
        })
        .collect()
}

/// The floor of create: the same entries zipped as the bundle zips them, then encrypted.
fn floor_create(entries: &[(String, Vec<u8>)], recipient: &dyn age::Recipient) -> Vec<u8> {
    let total: usize = entries.iter().map(|(_, d)| d.len()).sum();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total + 64 * 1024)));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o600);
    for (name, data) in entries {
        zip.start_file(name.as_str(), options).expect("zip entry");
        zip.write_all(data).expect("zip write");
    }
    let inner = zip.finish().expect("zip").into_inner();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(recipient)).expect("an encryptor");
    let mut out = Vec::with_capacity(inner.len() + 1024);
    let mut writer = encryptor.wrap_output(&mut out).expect("age");
    writer.write_all(&inner).expect("age write");
    writer.finish().expect("age finish");
    out
}

/// The floor of verify: decrypt and unzip every entry.
fn floor_verify(bytes: &[u8], identity: &dyn age::Identity) -> usize {
    let decryptor = age::Decryptor::new_buffered(bytes).expect("age file");
    let mut stream = decryptor
        .decrypt(std::iter::once(identity))
        .expect("the key opens it");
    let mut inner = Vec::new();
    stream.read_to_end(&mut inner).expect("decrypt");
    entries(&inner).len()
}

struct Row {
    protection: String,
    create: Duration,
    create_floor: Duration,
    verify: Duration,
    verify_floor: Duration,
}

impl Row {
    fn create_ratio(&self) -> f64 {
        self.create.as_secs_f64() / self.create_floor.as_secs_f64()
    }
    fn verify_ratio(&self) -> f64 {
        self.verify.as_secs_f64() / self.verify_floor.as_secs_f64()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One protection: the bundle's settings, and the same key for the floor.
struct Mode<'a> {
    label: String,
    protection: Protection,
    key: BundleKey,
    recipient: &'a dyn age::Recipient,
    identity: &'a dyn age::Identity,
}

fn measure(spec: &BundleSpec, entries: &[(String, Vec<u8>)], mode: &Mode, runs: usize) -> Row {
    let limits = Limits::default();
    let made = create(spec, &mode.protection, None).expect("create");
    let bytes = made.bytes.expose().clone();
    let floor_bytes = floor_create(entries, mode.recipient);
    let (create_t, create_floor) = medians(
        runs,
        || {
            std::hint::black_box(create(spec, &mode.protection, None).expect("create"));
        },
        || {
            std::hint::black_box(floor_create(entries, mode.recipient));
        },
    );
    let (verify_t, verify_floor) = medians(
        runs,
        || {
            let opened = open("bench.bundle", &bytes, &mode.key, &limits).expect("open");
            std::hint::black_box(opened.verify().expect("verify"));
        },
        || {
            std::hint::black_box(floor_verify(&floor_bytes, mode.identity));
        },
    );
    Row {
        protection: mode.label.clone(),
        create: create_t,
        create_floor,
        verify: verify_t,
        verify_floor,
    }
}

fn main() {
    let args = Args::parse();
    assert!(args.runs > 0, "--runs must be at least 1");
    let started = Instant::now();
    let spec = spec(components(args.components));
    let generated = started.elapsed();

    // The bytes every run works on: the bundle's own entries, unencrypted.
    let plain = create(
        &spec,
        &Protection::Unencrypted {
            allow_unencrypted: true,
        },
        None,
    )
    .expect("create");
    let entries = entries(plain.bytes.expose());
    let manifest: Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .expect("manifest")
            .1,
    )
    .expect("manifest JSON");
    assert_eq!(manifest["format"], FORMAT);
    let payload: usize = entries.iter().map(|(_, d)| d.len()).sum();

    let x25519 = age::x25519::Identity::generate();
    let x25519_public = x25519.to_public();
    let recipients = Protection::Recipients(vec![x25519_public.to_string()]);
    let recipient_key = BundleKey::Identity(Sensitive::new(
        age::secrecy::ExposeSecret::expose_secret(&x25519.to_string()).to_owned(),
    ));

    let mut scrypt_recipient =
        age::scrypt::Recipient::new(age::secrecy::SecretString::from(PASSPHRASE.to_owned()));
    scrypt_recipient.set_work_factor(args.work_factor);
    let mut scrypt_identity =
        age::scrypt::Identity::new(age::secrecy::SecretString::from(PASSPHRASE.to_owned()));
    scrypt_identity.set_max_work_factor(args.work_factor);
    let modes = [
        Mode {
            label: format!("passphrase (scrypt 2^{})", args.work_factor),
            protection: Protection::Passphrase {
                passphrase: Sensitive::new(PASSPHRASE.to_owned()),
                work_factor: Some(args.work_factor),
            },
            key: BundleKey::Passphrase(Sensitive::new(PASSPHRASE.to_owned())),
            recipient: &scrypt_recipient,
            identity: &scrypt_identity,
        },
        Mode {
            label: "X25519 recipient".to_owned(),
            protection: recipients,
            key: recipient_key,
            recipient: &x25519_public,
            identity: &x25519,
        },
    ];
    let rows: Vec<Row> = modes
        .iter()
        .map(|mode| measure(&spec, &entries, mode, args.runs))
        .collect();

    if args.json {
        let rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "protection": r.protection,
                    "create_ms": ms(r.create),
                    "create_floor_ms": ms(r.create_floor),
                    "create_over_floor": r.create_ratio(),
                    "verify_ms": ms(r.verify),
                    "verify_floor_ms": ms(r.verify_floor),
                    "verify_over_floor": r.verify_ratio(),
                })
            })
            .collect();
        let report = json!({
            "components": args.components,
            "entries": entries.len(),
            "payload_bytes": payload,
            "runs": args.runs,
            "rows": rows,
        });
        println!("{report:#}");
        return;
    }
    println!(
        "bundle: {} components, {} entries, {:.1} MB of entries ({} generated in {:.1} s); medians of {} runs",
        args.components,
        entries.len(),
        payload as f64 / 1e6,
        args.components,
        generated.as_secs_f64(),
        args.runs
    );
    println!(
        "| protection | create | floor (zip + age) | create / floor | verify | floor (age + unzip) | verify / floor |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {:.0} ms | {:.0} ms | **{:.2}×** | {:.0} ms | {:.0} ms | **{:.2}×** |",
            r.protection,
            ms(r.create),
            ms(r.create_floor),
            r.create_ratio(),
            ms(r.verify),
            ms(r.verify_floor),
            r.verify_ratio()
        );
    }
}
