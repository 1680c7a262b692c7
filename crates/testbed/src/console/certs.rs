//! Certificate fields as the console reads them: base64 of a PEM text holding an X.509 v3
//! certificate. Anything else (raw DER, plain PEM, v1 certificates) is "not a Base64 encoded
//! PEM-string".

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use der::Decode as _;
use serde_json::{json, Map, Value};
use x509_cert::certificate::Version;
use x509_cert::Certificate;

/// What the console reports about a certificate in `*_parsed` fields.
pub(crate) struct ParsedCert {
    b64_pem: String,
    cert: Certificate,
}

/// Decodes a base64-encoded PEM certificate; `None` when the console would reject it.
pub(crate) fn parse_b64_pem(b64: &str) -> Option<ParsedCert> {
    let pem_bytes = STANDARD.decode(b64.trim()).ok()?;
    let pem = String::from_utf8(pem_bytes).ok()?;
    let start = pem.find("-----BEGIN CERTIFICATE-----")?;
    let rest = &pem[start + "-----BEGIN CERTIFICATE-----".len()..];
    let end = rest.find("-----END CERTIFICATE-----")?;
    let body: String = rest[..end].split_whitespace().collect();
    let der = STANDARD.decode(body).ok()?;
    let cert = Certificate::from_der(&der).ok()?;
    // The console's parser needs the v3 extension block; v1 certificates fail there.
    if cert.tbs_certificate().version() != Version::V3 {
        return None;
    }
    Some(ParsedCert {
        b64_pem: b64.trim().to_owned(),
        cert,
    })
}

/// RFC 4514 text (last RDN first, comma separated) turned into the console's `/C=../CN=..`.
fn slash_name(rfc4514: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in rfc4514.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ',' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts.reverse();
    parts.iter().map(|p| format!("/{p}")).collect()
}

fn millis(time: x509_cert::time::Time) -> u64 {
    u64::try_from(time.to_unix_duration().as_millis()).unwrap_or(u64::MAX)
}

/// `2 days` style remaining life, as the console shows it.
fn friendly_ms(ms: i128) -> String {
    const DAY: i128 = 86_400_000;
    const HOUR: i128 = 3_600_000;
    const MINUTE: i128 = 60_000;
    let (value, unit) = if ms.abs() >= DAY {
        (ms / DAY, "days")
    } else if ms.abs() >= HOUR {
        (ms / HOUR, "hrs")
    } else if ms.abs() >= MINUTE {
        (ms / MINUTE, "mins")
    } else {
        (ms / 1000, "secs")
    };
    format!("{value} {unit}")
}

impl ParsedCert {
    /// The `*_parsed` object (keys sorted, as the console sorts them).
    pub(crate) fn to_json(&self, now_ms: u64) -> Value {
        let tbs = self.cert.tbs_certificate();
        let subject = slash_name(&tbs.subject().to_string());
        let not_before = millis(tbs.validity().not_before);
        let not_after = millis(tbs.validity().not_after);
        let serial: String = tbs
            .serial_number()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut subject_parts = Map::new();
        for part in subject.split('/').filter(|p| !p.is_empty()) {
            if let Some((k, v)) = part.split_once('=') {
                subject_parts.insert(k.to_owned(), Value::String(v.to_owned()));
            }
        }
        let sans: Vec<String> = tbs
            .get_extension::<x509_cert::ext::pkix::SubjectAltName>()
            .ok()
            .flatten()
            .map(|(_, san)| {
                san.0
                    .iter()
                    .filter_map(|name| match name {
                        x509_cert::ext::pkix::name::GeneralName::DnsName(dns) => {
                            Some(dns.to_string())
                        }
                        x509_cert::ext::pkix::name::GeneralName::IpAddress(ip) => {
                            let bytes = ip.as_bytes();
                            <[u8; 4]>::try_from(bytes)
                                .ok()
                                .map(|v4| std::net::Ipv4Addr::from(v4).to_string())
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        json!({
            "X509_version": 3,
            "base_64_pem": self.b64_pem,
            "issuer": slash_name(&tbs.issuer().to_string()),
            "not_after_ts": not_after,
            "not_before_ts": not_before,
            "serial_number_hex": serial,
            "signature_algorithm": self.cert.signature_algorithm().oid.to_string(),
            "subject": subject,
            "subject_alt_names": if sans.is_empty() { Value::Null } else { json!(sans) },
            "subject_parts": subject_parts,
            "time_left": friendly_ms(i128::from(not_after) - i128::from(now_ms)),
        })
    }
}
