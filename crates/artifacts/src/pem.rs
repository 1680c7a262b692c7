//! `b64pem` values: base64 (standard alphabet, padded) of PEM text, the way the console stores
//! every certificate and key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Why a value is refused, in the words that follow "the value": a code (`rawPem`,
/// `notBase64`, `notX509`, ...), the values it names and the English text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reason {
    /// Which reason.
    pub code: &'static str,
    /// The values it names (`label`, `count`, and `detail`, a library's own English words).
    pub params: Vec<(&'static str, String)>,
    /// The reason in English.
    pub text: String,
}

impl Reason {
    /// A code, the values it names and the English text.
    pub(crate) fn new(
        code: &'static str,
        params: &[(&'static str, &str)],
        text: impl Into<String>,
    ) -> Reason {
        Reason {
            code,
            params: params.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            text: text.into(),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// One decoded PEM block.
pub(crate) struct PemBlock {
    /// The label between `BEGIN ` and the dashes, e.g. `CERTIFICATE`.
    pub label: String,
    /// The decoded body.
    pub der: Vec<u8>,
}

/// Decodes a `b64pem` value down to its PEM text.
pub(crate) fn b64_to_pem_text(value: &str) -> Result<String, Reason> {
    if value.is_empty() {
        return Err(Reason::new(
            "empty",
            &[],
            "is empty; expected a base64 encoded PEM string",
        ));
    }
    if value.trim_start().starts_with("-----BEGIN") {
        return Err(Reason::new(
            "rawPem",
            &[],
            "is raw PEM text; the console expects the PEM text base64 encoded (b64pem)",
        ));
    }
    let bytes = STANDARD.decode(value).map_err(|e| {
        let detail = e.to_string();
        Reason::new(
            "notBase64",
            &[("detail", &detail)],
            format!("is not valid base64 ({detail})"),
        )
    })?;
    match String::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN ") => Ok(text),
        Ok(_) => Err(Reason::new(
            "notPem",
            &[],
            "decodes to text that is not PEM (no '-----BEGIN' line)",
        )),
        Err(e) if e.as_bytes().first() == Some(&0x30) => Err(Reason::new(
            "der",
            &[],
            "decodes to binary DER, not PEM text; the console expects base64 of the PEM text",
        )),
        Err(_) => Err(Reason::new(
            "binary",
            &[],
            "decodes to binary data, not PEM text",
        )),
    }
}

/// Parses every PEM block in `text`. Text outside blocks is ignored (OpenSSL writes
/// explanations there); headers inside a block (encrypted keys) are refused.
pub(crate) fn parse_pem_blocks(text: &str) -> Result<Vec<PemBlock>, Reason> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + "-----BEGIN ".len()..];
        let label_end = after
            .find("-----")
            .ok_or_else(|| Reason::new("truncatedBegin", &[], "has a truncated PEM BEGIN line"))?;
        let label = &after[..label_end];
        if label.contains('\n') || label.contains('\r') {
            return Err(Reason::new(
                "malformedBegin",
                &[],
                "has a malformed PEM BEGIN line",
            ));
        }
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_and_rest.find(&end_marker) else {
            if let Some(other) = body_and_rest.find("-----END ") {
                let tail = &body_and_rest[other + 9..];
                let other_label = tail.split("-----").next().unwrap_or("");
                return Err(Reason::new(
                    "endMismatch",
                    &[("label", label), ("otherLabel", other_label)],
                    format!("has a PEM block that begins as '{label}' but ends as '{other_label}'"),
                ));
            }
            return Err(Reason::new(
                "noEnd",
                &[("label", label)],
                format!("has a PEM block '{label}' without its END line (truncated?)"),
            ));
        };
        let body = &body_and_rest[..end];
        if body.contains(':') {
            return Err(Reason::new(
                "headers",
                &[("label", label)],
                format!(
                    "has PEM headers in the '{label}' block (an encrypted key?); only plain PEM is supported"
                ),
            ));
        }
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = STANDARD.decode(compact.as_bytes()).map_err(|e| {
            let detail = e.to_string();
            Reason::new(
                "bodyNotBase64",
                &[("label", label), ("detail", &detail)],
                format!("has a '{label}' PEM block whose body is not valid base64 ({detail})"),
            )
        })?;
        if der.is_empty() {
            return Err(Reason::new(
                "emptyBlock",
                &[("label", label)],
                format!("has an empty '{label}' PEM block"),
            ));
        }
        blocks.push(PemBlock {
            label: label.to_owned(),
            der,
        });
        rest = &body_and_rest[end + end_marker.len()..];
    }
    if blocks.is_empty() {
        return Err(Reason::new("noBlock", &[], "contains no PEM block"));
    }
    Ok(blocks)
}

/// Decodes a b64pem value that must hold exactly one PEM block with one of `labels`.
pub(crate) fn decode_single(value: &str, labels: &[&str]) -> Result<(String, Vec<u8>), Reason> {
    let text = b64_to_pem_text(value)?;
    let mut blocks = parse_pem_blocks(&text)?;
    if blocks.len() > 1 {
        let count = blocks.len().to_string();
        let seen: Vec<_> = blocks.iter().map(|b| b.label.as_str()).collect();
        let seen = seen.join(", ");
        return Err(Reason::new(
            "manyBlocks",
            &[("count", &count), ("labels", &seen)],
            format!("holds {count} PEM blocks ({seen}); expected exactly one"),
        ));
    }
    let block = blocks.remove(0);
    if !labels.contains(&block.label.as_str()) {
        let want: Vec<_> = labels.iter().map(|l| format!("'{l}'")).collect();
        return Err(Reason::new(
            "wrongLabel",
            &[
                ("label", &block.label),
                ("expectedLabels", &labels.join(", ")),
            ],
            format!(
                "is a PEM '{}' block; expected {}",
                block.label,
                want.join(" or ")
            ),
        ));
    }
    Ok((block.label, block.der))
}

/// The DER inside a b64pem (or PEM) value holding exactly one `CERTIFICATE` block, without
/// parsing it as X.509: what tells two spellings of one certificate apart from two
/// certificates.
pub fn certificate_der(value: &str) -> Option<Vec<u8>> {
    decode_single(value, &["CERTIFICATE"])
        .ok()
        .map(|(_, der)| der)
}

/// Base64 (standard, padded) of `text`: how the console stores PEM.
pub fn to_b64pem(pem_text: &str) -> String {
    STANDARD.encode(pem_text.as_bytes())
}

/// PEM text for DER bytes under `label`, 64-column lines, trailing newline.
pub fn der_to_pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn messages() {
        assert!(decode_single("", &["CERTIFICATE"])
            .unwrap_err()
            .text
            .contains("empty"));
        assert!(
            decode_single("-----BEGIN CERTIFICATE-----", &["CERTIFICATE"])
                .unwrap_err()
                .text
                .contains("raw PEM")
        );
        assert!(decode_single("not base64!", &["CERTIFICATE"])
            .unwrap_err()
            .text
            .contains("not valid base64"));
        let der = STANDARD.encode([0x30u8, 0x82, 0x01, 0xff]);
        assert!(decode_single(&der, &["CERTIFICATE"])
            .unwrap_err()
            .text
            .contains("DER"));
        let pem = to_b64pem(&der_to_pem("PUBLIC KEY", &[1, 2, 3]));
        assert!(decode_single(&pem, &["CERTIFICATE"])
            .unwrap_err()
            .text
            .contains("'PUBLIC KEY'"));
        let (label, der) = decode_single(&pem, &["PUBLIC KEY"]).unwrap();
        assert_eq!((label.as_str(), der), ("PUBLIC KEY", vec![1, 2, 3]));
        let two = to_b64pem(&format!(
            "{}{}",
            der_to_pem("A", &[1]),
            der_to_pem("A", &[2])
        ));
        assert!(decode_single(&two, &["A"])
            .unwrap_err()
            .text
            .contains("2 PEM blocks"));
        assert_eq!(decode_single(&two, &["A"]).unwrap_err().code, "manyBlocks");
        let mismatched = to_b64pem("-----BEGIN A-----\nAQ==\n-----END B-----\n");
        let reason = decode_single(&mismatched, &["A"]).unwrap_err();
        assert_eq!(reason.code, "endMismatch");
        assert_eq!(
            reason.params,
            [("label", "A".to_owned()), ("otherLabel", "B".to_owned())]
        );
        assert!(decode_single(&mismatched, &["A"])
            .unwrap_err()
            .text
            .contains("ends as 'B'"));
    }
}
