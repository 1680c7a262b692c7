//! The committed corpus under `tests/corpus/artifacts/`: every bad file is refused with a
//! precise message, every good file is accepted, and the generator reproduces the files.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;

use fabric_ha_artifacts::testdata::{self, NOW};
use fabric_ha_artifacts::{read_file, read_file_with, FileReport, ReadOptions, ZipLimits};

/// Bad file → a fragment the error message must contain.
const EXPECTED: &[(&str, &str)] = &[
    (
        "ca-missing-api-url.json",
        "Expected parameter 'api_url' to exist.",
    ),
    (
        "ca-missing-tlsca-name.json",
        "Expected parameter 'tlsca_name' to exist.",
    ),
    ("ca-url-grpcs.json", "must start with https:// or http://"),
    ("cert-bad-base64.json", "is not valid base64"),
    (
        "cert-base64-of-der.json",
        "decodes to binary DER, not PEM text",
    ),
    (
        "cert-expired.json",
        "certificate expired on 2021-01-01T00:00:00Z",
    ),
    (
        "cert-not-yet-valid.json",
        "certificate is not valid yet: valid from 2035-01-01",
    ),
    ("cert-raw-pem-not-base64.json", "is raw PEM text"),
    (
        "identity-key-encrypted.json",
        "has PEM headers in the 'PRIVATE KEY' block",
    ),
    (
        "identity-key-labelled-certificate.json",
        "is a PEM 'CERTIFICATE' block; expected 'PRIVATE KEY' or 'EC PRIVATE KEY'",
    ),
    (
        "identity-key-mismatch.json",
        "private key does not belong to the certificate",
    ),
    (
        "identity-missing-private-key.json",
        "Expected parameter 'private_key' to exist.",
    ),
    (
        "json-array-of-numbers.json",
        "expected an object (one component) in the array",
    ),
    (
        "json-duplicate-key-nested.json",
        "duplicate key \"ecert\" at line 19",
    ),
    (
        "json-duplicate-key.json",
        "duplicate key \"display_name\" at line 4",
    ),
    ("json-empty-array.json", "the array is empty"),
    (
        "json-empty-file.json",
        "invalid JSON at line 1, column 0: EOF while parsing a value",
    ),
    ("json-not-utf8.json", "not valid UTF-8"),
    ("json-scalar.json", "expected a JSON object or array"),
    ("json-trailing-garbage.json", "trailing characters"),
    (
        "json-truncated.json",
        "invalid JSON at line 22, column 23: EOF while parsing",
    ),
    (
        "kind-unknown-type.json",
        "unknown component type \"fabric-gateway\"",
    ),
    (
        "kind-unknown.json",
        "cannot tell what kind of console file this is",
    ),
    (
        "msp-admin-foreign-root.json",
        "admin certificate is not issued by any of the MSP's root or intermediate certificates",
    ),
    (
        "msp-admins-empty-without-node-ous.json",
        "may be empty only when Node OUs are enabled",
    ),
    (
        "msp-id-dotdot.json",
        "Parameter 'msp_id' cannot be any of these values: ., ..",
    ),
    (
        "msp-id-illegal-chars.json",
        "The field 'msp_id' can only contain alphanumerics characters, dashes, and dots",
    ),
    (
        "msp-id-too-long.json",
        "Expected parameter 'msp_id' is too long. Must be <= 250 characters.",
    ),
    (
        "msp-intermediate-as-root.json",
        "root certificate is not self-signed",
    ),
    (
        "msp-intermediate-foreign.json",
        "intermediate certificate is not issued by any of the root certificates",
    ),
    (
        "msp-leaf-as-root.json",
        "a leaf certificate cannot be used as a root",
    ),
    (
        "msp-missing-host-url.json",
        "Expected parameter 'host_url' to exist.",
    ),
    (
        "msp-missing-root-certs.json",
        "Expected parameter 'root_certs' to exist.",
    ),
    (
        "msp-node-ou-cert-not-a-root.json",
        "certificate is not one of the MSP's root or intermediate certificates",
    ),
    (
        "msp-root-certs-not-array.json",
        "Expected parameter 'root_certs' to be of type: 'array', but instead was: 'string'.",
    ),
    (
        "orderer-missing-cluster-name.json",
        "Expected parameter 'cluster_name' to exist.",
    ),
    (
        "peer-display-name-number.json",
        "Expected parameter 'display_name' to be of type: 'string', but instead was: 'number'.",
    ),
    (
        "peer-display-name-too-long.json",
        "Expected parameter 'display_name' is too long. Must be <= 64 characters.",
    ),
    (
        "peer-legacy-pem-disagrees.json",
        "legacy field 'pem' holds a different certificate than 'msp.component.tls_cert'",
    ),
    (
        "peer-missing-grpcwp-url.json",
        "Expected parameter 'grpcwp_url' to exist.",
    ),
    (
        "peer-missing-msp-id.json",
        "Expected parameter 'msp_id' to exist.",
    ),
    (
        "peer-missing-tls-cert.json",
        "Expected parameter 'msp.component.tls_cert' to exist.",
    ),
    (
        "peer-node-ou-enabled-string.json",
        "Expected parameter 'node_ou.enabled' to be of type: 'boolean'",
    ),
    (
        "peer-operations-url-no-scheme.json",
        "The field 'operations_url' must be a url including the protocol, hostname/ip and port",
    ),
    (
        "peer-tls-not-chained.json",
        "TLS certificate does not chain to the TLS root certificates",
    ),
    ("peer-url-bad-port.json", "'70510' is not a port number"),
    (
        "peer-url-https-scheme.json",
        "must start with grpcs:// or grpc://",
    ),
    ("peer-url-with-path.json", "must not have a path"),
    ("peer-url-without-port.json", "the port is missing"),
    (
        "pem-mislabelled-key-as-certificate.json",
        "is not a valid X.509 certificate",
    ),
    ("pem-truncated.json", "without its END line"),
    ("pem-two-certificates.json", "holds 2 PEM blocks"),
    (
        "pem-wrong-type-private-key.json",
        "is a PEM 'PRIVATE KEY' block; expected 'CERTIFICATE'",
    ),
    ("x509-garbage-der.json", "is not a valid X.509 certificate"),
    ("x509-v1-cert.json", "is an X.509 v1 certificate"),
    (
        "zip-absolute-path.zip",
        "the entry name is an absolute path",
    ),
    ("zip-backslash-name.zip", "contains a backslash"),
    ("zip-bomb-ratio.zip", "refused as a zip bomb"),
    ("zip-dotdot-entry.zip", "contains a '..' component"),
    ("zip-duplicate-names.zip", "duplicate entry name"),
    (
        "zip-duplicate-wallet-names.zip",
        "duplicate wallet identity name \"Org1 Admin\"",
    ),
    ("zip-entry-bad-json.zip", "invalid JSON at line 38"),
    ("zip-non-utf8-name.zip", "the entry name is not valid UTF-8"),
    ("zip-not-a-zip.zip", "not a readable zip archive"),
    ("zip-symlink.zip", "entry is a symbolic link"),
    (
        "zip-windows-drive-path.zip",
        "the entry name is an absolute path",
    ),
];

/// Findings that must carry a precise JSON path (file → path of the first error).
const EXPECTED_PATHS: &[(&str, &str)] = &[
    ("json-duplicate-key-nested.json", "$.msp.component.ecert"),
    ("peer-url-without-port.json", "$.api_url"),
    ("x509-v1-cert.json", "$.msp.component.tls_cert"),
    ("msp-admin-foreign-root.json", "$.admins[0]"),
    ("identity-key-mismatch.json", "$.private_key"),
    ("peer-node-ou-enabled-string.json", "$.node_ou.enabled"),
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/artifacts")
}

fn files(sub: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus_dir().join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "zip"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn read(name: &str, bytes: &[u8]) -> FileReport {
    read_file_with(name, bytes, &ReadOptions::at(NOW))
}

#[test]
fn every_bad_file_is_refused_with_its_message() {
    let bad = files("bad");
    assert!(bad.len() >= 40, "only {} bad files", bad.len());
    let names: Vec<&str> = bad.iter().map(|(n, _)| n.as_str()).collect();
    for (name, _) in EXPECTED {
        assert!(
            names.contains(name),
            "{name} is in the table but not in the corpus"
        );
    }
    for (name, bytes) in &bad {
        let fragment = EXPECTED
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} has no expected message in the table"))
            .1;
        let report = read(name, bytes);
        assert!(!report.is_ok(), "{name} was accepted");
        assert!(
            report.accepted.is_empty() && report.artifacts.is_empty(),
            "{name}"
        );
        assert!(
            report.errors().any(|f| f.message.contains(fragment)),
            "{name}: no error contains {fragment:?}; got {:#?}",
            report.findings
        );
        assert!(
            report.errors().all(|f| f.file.starts_with(name.as_str())),
            "{name}"
        );
    }
    for (name, path) in EXPECTED_PATHS {
        let bytes = &bad.iter().find(|(n, _)| n == name).unwrap().1;
        let report = read(name, bytes);
        assert_eq!(report.errors().next().unwrap().path, *path, "{name}");
    }
}

#[test]
fn bad_files_fail_in_exactly_one_way() {
    for (name, bytes) in files("bad") {
        let report = read(&name, &bytes);
        let errors: Vec<_> = report.errors().collect();
        let expected = if name == "json-array-of-numbers.json" {
            3
        } else {
            1
        };
        assert_eq!(errors.len(), expected, "{name}: {errors:#?}");
    }
}

#[test]
fn every_good_file_is_accepted() {
    let good = files("good");
    assert!(good.len() >= 12);
    for (name, bytes) in &good {
        let report = read(name, bytes);
        assert!(report.is_ok(), "{name}: {:#?}", report.findings);
        assert_eq!(
            report.warnings().count(),
            0,
            "{name}: {:#?}",
            report.findings
        );
        assert!(!report.accepted.is_empty(), "{name}");
        // The committed certificates are valid for ten years: the wall clock agrees.
        let now = read_file(name, bytes);
        assert!(
            now.is_ok(),
            "{name} against the wall clock: {:#?}",
            now.findings
        );
    }
}

#[test]
fn the_generator_reproduces_the_committed_corpus() {
    let (good, bad) = testdata::corpus();
    for (sub, generated) in [("good", good), ("bad", bad)] {
        let mut generated = generated;
        generated.sort();
        let committed = files(sub);
        let gnames: Vec<_> = generated.iter().map(|(n, _)| n.clone()).collect();
        let cnames: Vec<_> = committed.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(gnames, cnames, "{sub}: run `cargo run -p fabric-ha-artifacts --example make-corpus --features testdata`");
        for ((n, g), (_, c)) in generated.iter().zip(&committed) {
            assert!(g == c, "{sub}/{n} differs from the generator's output");
        }
    }
}

#[test]
fn a_50_mb_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge_peer.json");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"{\"display_name\": \"").unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..50 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\"}").unwrap();
    drop(f);
    let bytes = std::fs::read(&path).unwrap();
    let started = std::time::Instant::now();
    let report = read("huge_peer.json", &bytes);
    assert!(
        started.elapsed().as_millis() < 500,
        "took {:?}",
        started.elapsed()
    );
    let err = report.errors().next().unwrap();
    assert!(
        err.message
            .contains(&format!("file is {} bytes", bytes.len())),
        "{err}"
    );
    assert!(err.message.contains("refused before parsing"), "{err}");
}

#[test]
fn a_large_zip_bomb_is_stopped_early() {
    // 1 GiB of zeros would compress to about 1 MiB; 64 MiB keeps the test fast and still
    // expands about 1000:1.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let zip = testdata::raw_zip(&[("Peers/bomb_peer.json", &zeros, true)]);
    drop(zeros);
    assert!(zip.len() < 1024 * 1024);
    let report = read("bomb.zip", &zip);
    let err = report.errors().next().unwrap();
    assert!(err.message.contains("zip bomb"), "{err}");
    assert_eq!(err.file, "bomb.zip!/Peers/bomb_peer.json");
}

#[test]
fn zip_size_caps_count_real_bytes() {
    let mut opts = ReadOptions::at(NOW);
    opts.zip = ZipLimits {
        max_ratio: u64::MAX,
        max_entry_bytes: 100_000,
        ..ZipLimits::default()
    };
    let big = vec![b' '; 150_000];
    let zip = testdata::raw_zip(&[("Peers/big_peer.json", &big, true)]);
    let report = read_file_with("big.zip", &zip, &opts);
    assert!(
        report.errors().any(|f| f
            .message
            .contains("more than 100000 bytes (the limit per entry)")),
        "{:#?}",
        report.findings
    );

    opts.zip = ZipLimits {
        max_ratio: u64::MAX,
        max_total_bytes: 250_000,
        ..ZipLimits::default()
    };
    let entries: Vec<(String, Vec<u8>)> = (0..4)
        .map(|i| (format!("Peers/p{i}_peer.json"), vec![b' '; 90_000]))
        .collect();
    let refs: Vec<(&str, &[u8], bool)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice(), true))
        .collect();
    let report = read_file_with("total.zip", &testdata::raw_zip(&refs), &opts);
    assert!(
        report.errors().any(|f| f.message.contains("in total")),
        "{:#?}",
        report.findings
    );

    opts.zip = ZipLimits {
        max_entries: 2,
        ..ZipLimits::default()
    };
    let report = read_file_with("many.zip", &testdata::raw_zip(&refs[..3]), &opts);
    assert!(
        report
            .errors()
            .any(|f| f.message.contains("3 entries; the limit is 2")),
        "{:#?}",
        report.findings
    );
}
