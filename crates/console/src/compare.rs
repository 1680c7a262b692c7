//! Stale copies: a console's record of a component that no longer carries the component's
//! certificates (the peer was re-created, its TLS certificate renewed, the MSP got another
//! admin). [`crate::find_existing`] finds the record by address (or MSP id and roots); these
//! functions say whether its certificates are the same, which ones differ, and what to send to
//! the console's edit route (§2.4) to make them the same, changing nothing else.
//!
//! Certificates are compared as decoded certificates (DER), never as base64 text (§4.6a), and
//! lists as sets (order and repeats do not matter). Only fields the reference carries are
//! compared: a file without an enrollment certificate says nothing about the record's one. A
//! record read without `deployment_attrs=included` lacks a node's `ecert` and `admin_certs`
//! (§9), so read it with them before comparing.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::models::{Component, ComponentType};

/// A certificate field of a console record (the v3 record and import-body layout, §2.2, §2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertField {
    /// `msp.component.tls_cert` of a CA, peer or ordering node.
    TlsCert,
    /// `msp.component.ecert` of a peer or ordering node.
    Ecert,
    /// `msp.component.admin_certs` of a peer or ordering node.
    AdminCerts,
    /// `msp.ca.root_certs`.
    CaRootCerts,
    /// `msp.tlsca.root_certs`.
    TlsCaRootCerts,
    /// `msp.intermediate_ca.root_certs` of a node record.
    CaIntermediateCerts,
    /// `msp.intermediate_tlsca.root_certs` of a node record.
    TlsCaIntermediateCerts,
    /// `root_certs` of an MSP definition.
    MspRootCerts,
    /// `intermediate_certs` of an MSP definition.
    MspIntermediateCerts,
    /// `admins` of an MSP definition.
    MspAdmins,
    /// `tls_root_certs` of an MSP definition.
    MspTlsRootCerts,
    /// `tls_intermediate_certs` of an MSP definition.
    MspTlsIntermediateCerts,
}

const CA_FIELDS: &[CertField] = &[
    CertField::TlsCert,
    CertField::CaRootCerts,
    CertField::TlsCaRootCerts,
];

const NODE_FIELDS: &[CertField] = &[
    CertField::TlsCert,
    CertField::Ecert,
    CertField::AdminCerts,
    CertField::CaRootCerts,
    CertField::TlsCaRootCerts,
    CertField::CaIntermediateCerts,
    CertField::TlsCaIntermediateCerts,
];

const MSP_FIELDS: &[CertField] = &[
    CertField::MspRootCerts,
    CertField::MspIntermediateCerts,
    CertField::MspAdmins,
    CertField::MspTlsRootCerts,
    CertField::MspTlsIntermediateCerts,
];

impl CertField {
    /// The certificate fields a record of `kind` carries, in report order.
    pub fn of(kind: ComponentType) -> &'static [CertField] {
        match kind {
            ComponentType::Ca => CA_FIELDS,
            ComponentType::Peer | ComponentType::Orderer => NODE_FIELDS,
            ComponentType::Msp => MSP_FIELDS,
        }
    }

    /// The field's JSON path in the record, dotted (`msp.component.tls_cert`).
    pub fn path(self) -> &'static str {
        match self {
            Self::TlsCert => "msp.component.tls_cert",
            Self::Ecert => "msp.component.ecert",
            Self::AdminCerts => "msp.component.admin_certs",
            Self::CaRootCerts => "msp.ca.root_certs",
            Self::TlsCaRootCerts => "msp.tlsca.root_certs",
            Self::CaIntermediateCerts => "msp.intermediate_ca.root_certs",
            Self::TlsCaIntermediateCerts => "msp.intermediate_tlsca.root_certs",
            Self::MspRootCerts => "root_certs",
            Self::MspIntermediateCerts => "intermediate_certs",
            Self::MspAdmins => "admins",
            Self::MspTlsRootCerts => "tls_root_certs",
            Self::MspTlsIntermediateCerts => "tls_intermediate_certs",
        }
    }

    /// The field in words, as the console's UI names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::TlsCert => "TLS certificate",
            Self::Ecert => "enrollment certificate",
            Self::AdminCerts => "admin certificates",
            Self::CaRootCerts | Self::MspRootCerts => "root certificates",
            Self::TlsCaRootCerts | Self::MspTlsRootCerts => "TLS root certificates",
            Self::CaIntermediateCerts | Self::MspIntermediateCerts => "intermediate certificates",
            Self::TlsCaIntermediateCerts | Self::MspTlsIntermediateCerts => {
                "TLS intermediate certificates"
            }
            Self::MspAdmins => "admins",
        }
    }

    /// Parses [`Self::path`] back.
    pub fn from_path(path: &str) -> Option<CertField> {
        [CA_FIELDS, NODE_FIELDS, MSP_FIELDS]
            .into_iter()
            .flatten()
            .copied()
            .find(|f| f.path() == path)
    }

    fn lookup(self, value: &Value) -> Option<&Value> {
        let mut current = value;
        for key in self.path().split('.') {
            current = current.get(key)?;
        }
        Some(current).filter(|v| !v.is_null())
    }
}

impl fmt::Display for CertField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.label(), self.path())
    }
}

/// A certificate's identity for comparison: the DER of its PEM block (however the text is
/// wrapped or encoded), else its base64 text without whitespace (two unreadable but identical
/// values still match).
pub(crate) fn cert_key(b64pem: &str) -> Vec<u8> {
    match fabric_ha_artifacts::certificate_der(b64pem) {
        Some(der) => der,
        None => b64pem
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect(),
    }
}

/// The certificates of one field as a set. A value that is neither a string nor a list of
/// strings is kept as its JSON text, so it equals only the same value.
fn cert_set(value: Option<&Value>) -> BTreeSet<Vec<u8>> {
    match value {
        None | Some(Value::Null) => BTreeSet::new(),
        Some(Value::String(s)) => BTreeSet::from([cert_key(s)]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => cert_key(s),
                other => other.to_string().into_bytes(),
            })
            .collect(),
        Some(other) => BTreeSet::from([other.to_string().into_bytes()]),
    }
}

/// The certificate fields in which `record` (a console record) differs from `reference` (what
/// the component should carry: an import body, a console file, or another console's record of
/// the same component), for a component of type `kind`. Both are JSON in the v3 layout: `msp`
/// objects for CAs and nodes, flat lists for MSP definitions. Empty when they agree.
pub fn certificate_differences(
    kind: ComponentType,
    record: &Value,
    reference: &Value,
) -> Vec<CertField> {
    CertField::of(kind)
        .iter()
        .copied()
        .filter(|field| {
            let Some(wanted) = field.lookup(reference) else {
                return false;
            };
            cert_set(Some(wanted)) != cert_set(field.lookup(record))
        })
        .collect()
}

/// [`certificate_differences`] for a record as this client reads it.
pub fn component_differences(record: &Component, reference: &Value) -> Vec<CertField> {
    let Some(kind) = record.kind() else {
        return Vec::new();
    };
    match serde_json::to_value(record) {
        Ok(value) => certificate_differences(kind, &value, reference),
        Err(_) => Vec::new(),
    }
}

/// Why a record's certificates cannot be brought up to date through the edit route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotEditable {
    /// The fields the edit route does not take.
    pub fields: Vec<CertField>,
    /// A sentence naming them and what to do instead.
    pub reason: String,
}

impl fmt::Display for NotEditable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for NotEditable {}

/// What a node's `msp` may hold in an edit body (the console's strict `msp_crypto_field`).
const MSP_CRYPTO_KEYS: &[(&str, &[&str])] = &[
    ("ca", &["name", "root_certs"]),
    ("tlsca", &["name", "root_certs"]),
    ("component", &["tls_cert", "ecert", "admin_certs"]),
];

fn listed(fields: &[CertField]) -> String {
    fields
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The body for the console's edit route (§2.4: `PUT /ak/api/v3/components/{id}`, or
/// `/components/msp/{id}`) that gives `record` the `fields` of `reference` and changes nothing
/// else:
/// - an MSP definition: only the differing lists (`{"admins": [...]}`);
/// - a peer or ordering node: `{"msp": ...}`, the record's own `msp` (the parts the route
///   takes: `ca`, `tlsca` and `component` with their names and certificates) with the
///   differing certificates replaced, since the route checks `msp` as a whole (its
///   `component.tls_cert` and `tlsca.root_certs` are required).
///
/// A CA's certificates cannot be edited (the route takes its `display_name`, `api_url`,
/// `operations_url`, `ca_name`, `location` and `tags` only), nor a node's intermediate
/// certificates: those are [`NotEditable`].
pub fn certificate_update(
    kind: ComponentType,
    record: &Value,
    reference: &Value,
    fields: &[CertField],
) -> Result<Value, NotEditable> {
    match kind {
        ComponentType::Ca => Err(NotEditable {
            fields: fields.to_vec(),
            reason: format!(
                "the console's edit route does not change a CA's certificates (it takes the CA's \
                 display_name, api_url, operations_url, ca_name, location and tags); differing: {}",
                listed(fields)
            ),
        }),
        ComponentType::Msp => {
            let mut body = Map::new();
            for field in fields {
                if let Some(value) = field.lookup(reference) {
                    body.insert(field.path().to_owned(), value.clone());
                }
            }
            Ok(Value::Object(body))
        }
        ComponentType::Peer | ComponentType::Orderer => {
            let refused: Vec<CertField> = fields
                .iter()
                .copied()
                .filter(|f| {
                    matches!(
                        f,
                        CertField::CaIntermediateCerts | CertField::TlsCaIntermediateCerts
                    )
                })
                .collect();
            if !refused.is_empty() {
                return Err(NotEditable {
                    reason: format!(
                        "the console's edit route does not take a node's intermediate \
                         certificates; differing: {}",
                        listed(&refused)
                    ),
                    fields: refused,
                });
            }
            let mut msp = Map::new();
            for (section, keys) in MSP_CRYPTO_KEYS {
                let mut part = Map::new();
                if let Some(Value::Object(current)) = record.get("msp").and_then(|m| m.get(section))
                {
                    for key in *keys {
                        match current.get(*key) {
                            // The route wants at least one root; an empty list says nothing.
                            Some(Value::Array(items))
                                if items.is_empty() && *key == "root_certs" => {}
                            Some(value) if !value.is_null() => {
                                part.insert((*key).to_owned(), value.clone());
                            }
                            _ => {}
                        }
                    }
                }
                if !part.is_empty() {
                    msp.insert((*section).to_owned(), Value::Object(part));
                }
            }
            for field in fields {
                let Some(value) = field.lookup(reference) else {
                    continue;
                };
                let mut path = field.path().split('.').skip(1);
                let (Some(section), Some(key)) = (path.next(), path.next()) else {
                    continue;
                };
                let part = msp
                    .entry(section.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(part) = part {
                    part.insert(key.to_owned(), value.clone());
                }
            }
            let mut body = Map::new();
            body.insert("msp".to_owned(), Value::Object(msp));
            Ok(Value::Object(body))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use fabric_ha_artifacts::testdata::{issue, Key, Pki, Spec};
    use serde_json::json;

    fn peer_record(pki: &Pki, tls: &str, tls_root: &str) -> Value {
        json!({
            "id": "org1peer1", "type": "fabric-peer", "display_name": "Org1 Peer 1",
            "api_url": "grpcs://peer1.org1.example.com:7051",
            "msp": {
                "ca": {"name": "ca", "root_certs": [pki.ca_root.b64()], "root_certs_parsed": [{}]},
                "tlsca": {"name": "tlsca", "root_certs": [tls_root]},
                "component": {"tls_cert": tls, "ecert": pki.peer_ecert.b64(), "admin_certs": [pki.admin.b64()]},
                "intermediate_ca": {"root_certs": [pki.intermediate.b64()]}
            }
        })
    }

    fn peer_body(pki: &Pki) -> Value {
        fabric_ha_artifacts::import_bodies(
            &fabric_ha_artifacts::read_json("p.json", pki.peer_v3().to_string().as_bytes())
                .accepted[0],
        )[0]
        .body
        .clone()
    }

    #[test]
    fn the_same_certificates_in_other_text_are_equal() {
        let pki = Pki::new();
        // Without the trailing newline (as the UI trims it): other base64, same certificate.
        let trimmed = fabric_ha_artifacts::to_b64pem(pki.peer_tls.pem().trim_end());
        assert_ne!(trimmed, pki.peer_tls.b64());
        let record = peer_record(&pki, &trimmed, &pki.tls_root.b64());
        assert_eq!(
            certificate_differences(ComponentType::Peer, &record, &peer_body(&pki)),
            []
        );
    }

    #[test]
    fn an_old_tls_certificate_and_root_are_named() {
        let pki = Pki::new();
        let record = peer_record(&pki, &pki.foreign_tls.b64(), &pki.foreign_root.b64());
        let diffs = certificate_differences(ComponentType::Peer, &record, &peer_body(&pki));
        assert_eq!(diffs, [CertField::TlsCert, CertField::TlsCaRootCerts]);
        assert_eq!(
            diffs[0].to_string(),
            "TLS certificate (msp.component.tls_cert)"
        );
        assert_eq!(
            CertField::from_path("msp.tlsca.root_certs"),
            Some(CertField::TlsCaRootCerts)
        );
    }

    #[test]
    fn only_what_the_reference_carries_is_compared() {
        let pki = Pki::new();
        let record = peer_record(&pki, &pki.peer_tls.b64(), &pki.tls_root.b64());
        // A legacy file has no ecert, admin certs or CA roots: nothing to say about them.
        let reference = json!({"msp": {"tlsca": {"root_certs": [pki.tls_root.b64()]},
                                       "component": {"tls_cert": pki.peer_tls.b64()}}});
        assert_eq!(
            certificate_differences(ComponentType::Peer, &record, &reference),
            []
        );
        // A record without the field the reference has differs.
        let mut bare = record.clone();
        bare["msp"]["component"]
            .as_object_mut()
            .unwrap()
            .remove("ecert");
        assert_eq!(
            certificate_differences(ComponentType::Peer, &bare, &peer_body(&pki)),
            [CertField::Ecert]
        );
        // An empty list and no list are the same.
        let reference = json!({"msp": {"component": {"admin_certs": []}}});
        let mut none = record.clone();
        none["msp"]["component"]
            .as_object_mut()
            .unwrap()
            .remove("admin_certs");
        assert_eq!(
            certificate_differences(ComponentType::Peer, &none, &reference),
            []
        );
    }

    #[test]
    fn lists_compare_as_sets() {
        let pki = Pki::new();
        let record = json!({"type": "msp", "msp_id": "org1msp",
            "root_certs": [pki.ca_root.b64()], "admins": [pki.admin.b64(), pki.admin2.b64()]});
        let reordered = json!({"root_certs": [pki.ca_root.b64(), pki.ca_root.b64()],
            "admins": [pki.admin2.b64(), pki.admin.b64()]});
        assert_eq!(
            certificate_differences(ComponentType::Msp, &record, &reordered),
            []
        );
        let fewer = json!({"root_certs": [pki.ca_root.b64()], "admins": [pki.admin.b64()],
            "intermediate_certs": [pki.intermediate.b64()]});
        assert_eq!(
            certificate_differences(ComponentType::Msp, &record, &fewer),
            [CertField::MspIntermediateCerts, CertField::MspAdmins]
        );
    }

    #[test]
    fn a_node_update_keeps_the_record_and_replaces_only_the_differing_certificates() {
        let pki = Pki::new();
        let record = peer_record(&pki, &pki.foreign_tls.b64(), &pki.foreign_root.b64());
        let reference = peer_body(&pki);
        let fields = certificate_differences(ComponentType::Peer, &record, &reference);
        let body = certificate_update(ComponentType::Peer, &record, &reference, &fields).unwrap();
        assert_eq!(
            body,
            json!({"msp": {
                "ca": {"name": "ca", "root_certs": [pki.ca_root.b64()]},
                "tlsca": {"name": "tlsca", "root_certs": [pki.tls_root.b64()]},
                "component": {"tls_cert": pki.peer_tls.b64(), "ecert": pki.peer_ecert.b64(),
                              "admin_certs": [pki.admin.b64()]}
            }})
        );
        // Applied to the record, nothing differs any more.
        let mut after = record.clone();
        for (section, part) in body["msp"].as_object().unwrap() {
            for (key, value) in part.as_object().unwrap() {
                after["msp"][section][key] = value.clone();
            }
        }
        assert_eq!(
            certificate_differences(ComponentType::Peer, &after, &reference),
            []
        );
    }

    #[test]
    fn an_msp_update_sends_only_the_differing_lists() {
        let pki = Pki::new();
        let record = json!({"type": "msp", "msp_id": "org1msp", "display_name": "Mine",
            "root_certs": [pki.ca_root.b64()], "admins": [pki.admin.b64()]});
        let reference = json!({"display_name": "Theirs", "root_certs": [pki.ca_root.b64()],
            "admins": [pki.admin2.b64()], "intermediate_certs": [pki.intermediate.b64()]});
        let fields = certificate_differences(ComponentType::Msp, &record, &reference);
        let body = certificate_update(ComponentType::Msp, &record, &reference, &fields).unwrap();
        assert_eq!(
            body,
            json!({"admins": [pki.admin2.b64()], "intermediate_certs": [pki.intermediate.b64()]})
        );
    }

    #[test]
    fn a_ca_and_a_node_s_intermediates_are_not_editable() {
        let pki = Pki::new();
        let record =
            json!({"type": "fabric-ca", "msp": {"component": {"tls_cert": pki.ca_tls.b64()}}});
        let other_tls = issue(
            &Spec::tls("ca.org1.example.com", 90),
            Key::p256("ca-tls-renewed"),
            Some(&pki.ca_root),
        );
        let reference = json!({"msp": {"component": {"tls_cert": other_tls.b64()}}});
        let fields = certificate_differences(ComponentType::Ca, &record, &reference);
        assert_eq!(fields, [CertField::TlsCert]);
        let err = certificate_update(ComponentType::Ca, &record, &reference, &fields).unwrap_err();
        assert_eq!(err.fields, [CertField::TlsCert]);
        assert!(err.reason.contains("msp.component.tls_cert"), "{err}");

        let node = peer_record(&pki, &pki.peer_tls.b64(), &pki.tls_root.b64());
        let reference = json!({"msp": {"intermediate_ca": {"root_certs": [pki.ca_root.b64()]}}});
        let fields = certificate_differences(ComponentType::Peer, &node, &reference);
        assert_eq!(fields, [CertField::CaIntermediateCerts]);
        let err = certificate_update(ComponentType::Peer, &node, &reference, &fields).unwrap_err();
        assert!(err.reason.contains("intermediate"), "{err}");
    }
}
