//! A chaincode package (`peer lifecycle chaincode package`): a gzipped tar with
//! `metadata.json` (`type`, `label`) and `code.tar.gz`; a `ccaas` package's code holds
//! `connection.json` with the one chaincode server address every peer that installs it calls.

use std::io::Read;

use sha2::{Digest as _, Sha256};

/// The largest `metadata.json` / `connection.json` read.
const MAX_SMALL_FILE: u64 = 1024 * 1024;
/// The largest `code.tar.gz` read from a package.
const MAX_CODE: u64 = 256 * 1024 * 1024;

/// What a package says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInfo {
    /// `metadata.json` `label`.
    pub label: String,
    /// `metadata.json` `type` (`ccaas`, `golang`, `node`, `external`, ...).
    pub kind: String,
    /// `<label>:<sha256 hex of the package>`: the id a peer gives it.
    pub package_id: String,
    /// A `ccaas` package's chaincode server address (`connection.json` `address`).
    pub server_address: Option<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The entry `name` of a gzipped tar, when present (at most `limit` bytes).
fn entry(gz_tar: &[u8], name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(gz_tar));
    let entries = archive
        .entries()
        .map_err(|e| format!("not a gzipped tar: {e}"))?;
    for item in entries {
        let item = item.map_err(|e| format!("not a gzipped tar: {e}"))?;
        let path = item
            .path()
            .map_err(|e| format!("unreadable entry name: {e}"))?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_owned();
        if path == name {
            if item.size() > limit {
                return Err(format!("{name} is larger than {limit} bytes"));
            }
            let mut bytes = Vec::new();
            item.take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read {name}: {e}"))?;
            return Ok(Some(bytes));
        }
    }
    Ok(None)
}

fn json_field(bytes: &[u8], file: &str, key: &str) -> Result<Option<String>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{file} is not JSON: {e}"))?;
    Ok(value.get(key).and_then(|v| v.as_str()).map(str::to_owned))
}

/// Reads a package's label, type and (for `ccaas`) server address, and computes its id.
pub fn inspect(bytes: &[u8]) -> Result<PackageInfo, String> {
    let metadata = entry(bytes, "metadata.json", MAX_SMALL_FILE)?
        .ok_or("no metadata.json: not a chaincode package")?;
    let label = json_field(&metadata, "metadata.json", "label")?
        .filter(|l| !l.is_empty())
        .ok_or("metadata.json has no label")?;
    let kind = json_field(&metadata, "metadata.json", "type")?.unwrap_or_default();
    let server_address = if kind.eq_ignore_ascii_case("ccaas") {
        match entry(bytes, "code.tar.gz", MAX_CODE)? {
            Some(code) => match entry(&code, "connection.json", MAX_SMALL_FILE)? {
                Some(connection) => json_field(&connection, "connection.json", "address")?,
                None => None,
            },
            None => None,
        }
    } else {
        None
    };
    Ok(PackageInfo {
        package_id: format!("{label}:{}", hex(&Sha256::digest(bytes))),
        label,
        kind,
        server_address,
    })
}

/// The warning a `ccaas` package installs with.
pub fn ccaas_warning(info: &PackageInfo) -> Option<String> {
    if !info.kind.eq_ignore_ascii_case("ccaas") {
        return None;
    }
    let address = info
        .server_address
        .as_deref()
        .map_or_else(|| "its connection.json address".to_owned(), str::to_owned);
    Some(format!(
        "{} is a chaincode-as-a-service package: every peer that installs it calls the one chaincode server at {address}, which runs in one region; a peer in another region needs a route to it, or a chaincode server and a package of its own",
        info.package_id
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn gz_tar(files: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut builder = tar::Builder::new(gz);
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, *bytes).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn a_ccaas_package_names_its_server_and_its_id() {
        let code = gz_tar(&[(
            "connection.json",
            br#"{"address":"10.0.0.7:9999","dial_timeout":"10s","tls_required":false}"#,
        )]);
        let package = gz_tar(&[
            ("metadata.json", br#"{"type":"ccaas","label":"asset_1.0"}"#),
            ("code.tar.gz", &code),
        ]);
        let info = inspect(&package).unwrap();
        assert_eq!(info.label, "asset_1.0");
        assert_eq!(info.kind, "ccaas");
        assert_eq!(info.server_address.as_deref(), Some("10.0.0.7:9999"));
        assert_eq!(
            info.package_id,
            format!("asset_1.0:{}", hex(&Sha256::digest(&package)))
        );
        assert!(ccaas_warning(&info).unwrap().contains("10.0.0.7:9999"));
    }

    #[test]
    fn other_packages_have_no_warning_and_junk_is_named() {
        let package = gz_tar(&[
            (
                "metadata.json",
                br#"{"type":"golang","path":"x","label":"cc_2"}"#,
            ),
            ("code.tar.gz", b""),
        ]);
        let info = inspect(&package).unwrap();
        assert_eq!(info.kind, "golang");
        assert!(ccaas_warning(&info).is_none());
        assert!(inspect(b"not a package")
            .unwrap_err()
            .contains("gzipped tar"));
        let no_label = gz_tar(&[("metadata.json", br#"{"type":"ccaas"}"#)]);
        assert!(inspect(&no_label).unwrap_err().contains("label"));
    }
}
