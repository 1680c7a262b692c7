//! Request bodies built from console records: v3 import bodies (§4.7) and the create-peer body
//! with `crypto.enrollment` (§3.2).

use fabric_ha_console::{
    CaEnrollment, Component, ComponentAdmins, ComponentMsp, CreateCaBody, CreatePeerBody,
    EnrollmentCrypto, MspCaRef, PeerCrypto, PeerResources, PeerStorage, Resource, StateDb,
    TlsCaEnrollment, Volume,
};
use fabric_ha_sensitive::Sensitive;
use serde_json::{json, Map, Value};

use crate::error::EngineError;
use crate::plan::PeerSpec;
use crate::reason::{blocked, ReasonCode};

fn ca_ref(r: Option<&MspCaRef>) -> Value {
    let mut out = Map::new();
    if let Some(r) = r {
        if let Some(name) = &r.name {
            out.insert("name".into(), json!(name));
        }
        if !r.root_certs.is_empty() {
            out.insert("root_certs".into(), json!(r.root_certs));
        }
    }
    Value::Object(out)
}

fn msp_of<'a>(
    record: &'a Component,
    (code, what): (ReasonCode, &str),
) -> Result<&'a ComponentMsp, EngineError> {
    record.msp.as_ref().ok_or_else(|| {
        blocked(
            code,
            &[("id", &record.id)],
            format!(
                "the {what} record {:?} carries no certificates (no `msp` object)",
                record.id
            ),
        )
    })
}

/// The CA record `id` has no TLS certificate.
pub(crate) fn ca_no_tls_cert(id: &str) -> EngineError {
    blocked(
        ReasonCode::CaRecordNoTlsCert,
        &[("id", id)],
        format!("the CA record {id:?} has no TLS certificate"),
    )
}

/// The CA record `id` has no api_url.
pub(crate) fn ca_no_api_url(id: &str) -> EngineError {
    blocked(
        ReasonCode::CaRecordNoApiUrl,
        &[("id", id)],
        format!("the CA record {id:?} has no api_url"),
    )
}

fn tls_cert_of(msp: &ComponentMsp) -> Option<&str> {
    msp.component.as_ref()?.tls_cert.as_deref()
}

/// The v3 CA import body of a CA record.
pub fn ca_import_body(record: &Component) -> Result<Value, EngineError> {
    let msp = msp_of(record, (ReasonCode::CaRecordNoCertificates, "CA"))?;
    let tls_cert = tls_cert_of(msp).ok_or_else(|| ca_no_tls_cert(&record.id))?;
    let api_url = record
        .api_url
        .as_deref()
        .ok_or_else(|| ca_no_api_url(&record.id))?;
    let mut body = json!({
        "display_name": record.display_name.as_deref().unwrap_or(&record.id),
        "api_url": api_url,
        "msp": {
            "ca": ca_ref(msp.ca.as_ref()),
            "tlsca": ca_ref(msp.tlsca.as_ref()),
            "component": { "tls_cert": tls_cert },
        },
    });
    if let Some(ops) = &record.operations_url {
        body["operations_url"] = json!(ops);
    }
    Ok(body)
}

/// The MSP import body of an MSP record: everything but the console's own bookkeeping.
pub fn msp_import_body(record: &Component) -> Result<Value, EngineError> {
    let mut value = serde_json::to_value(record).map_err(|e| {
        blocked(
            ReasonCode::MspRecordUnreadable,
            &[("id", &record.id), ("error", &e.to_string())],
            format!("cannot read the MSP record {:?}: {e}", record.id),
        )
    })?;
    let Value::Object(map) = &mut value else {
        return Err(blocked(
            ReasonCode::MspRecordNotObject,
            &[("id", &record.id)],
            format!("the MSP record {:?} is not an object", record.id),
        ));
    };
    map.retain(|k, _| {
        !matches!(
            k.as_str(),
            "id" | "type"
                | "name"
                | "scheme_version"
                | "timestamp"
                | "edited_timestamp"
                | "tags"
                | "location"
                | "imported"
                | "migrated_from"
        ) && !k.ends_with("_parsed")
    });
    if !map.contains_key("root_certs") || !map.contains_key("msp_id") {
        return Err(blocked(
            ReasonCode::MspRecordIncomplete,
            &[("id", &record.id)],
            format!(
                "the MSP record {:?} has no msp_id or root certificates",
                record.id
            ),
        ));
    }
    Ok(value)
}

/// The v3 peer import body of a peer record (another console's created or imported peer).
pub fn peer_import_body(record: &Component) -> Result<Value, EngineError> {
    let msp = msp_of(record, (ReasonCode::PeerRecordNoCertificates, "peer"))?;
    let tls_cert = tls_cert_of(msp).ok_or_else(|| {
        blocked(
            ReasonCode::PeerRecordNoTlsCert,
            &[("id", &record.id)],
            format!("the peer record {:?} has no TLS certificate", record.id),
        )
    })?;
    let (Some(msp_id), Some(grpcwp)) = (&record.msp_id, &record.grpcwp_url) else {
        return Err(blocked(
            ReasonCode::PeerRecordIncomplete,
            &[("id", &record.id)],
            format!(
                "the peer record {:?} has no msp_id or grpcwp_url",
                record.id
            ),
        ));
    };
    let mut component = json!({ "tls_cert": tls_cert });
    if let Some(c) = &msp.component {
        if let Some(ecert) = &c.ecert {
            component["ecert"] = json!(ecert);
        }
        if let Some(admins) = c.admin_certs.as_ref().filter(|a| !a.is_empty()) {
            component["admin_certs"] = json!(admins);
        }
    }
    let mut body = json!({
        "display_name": record.display_name.as_deref().unwrap_or(&record.id),
        "msp_id": msp_id,
        "grpcwp_url": grpcwp,
        "msp": {
            "ca": ca_ref(msp.ca.as_ref()),
            "tlsca": ca_ref(msp.tlsca.as_ref()),
            "component": component,
        },
    });
    if let Some(url) = &record.api_url {
        body["api_url"] = json!(url);
    }
    if let Some(url) = &record.operations_url {
        body["operations_url"] = json!(url);
    }
    if let Some(ou) = &record.node_ou {
        body["node_ou"] = json!({ "enabled": ou.enabled });
    }
    Ok(body)
}

/// The create-CA body of the plan's bootstrap: the CA admin is the registrar, with `secret`.
pub fn create_ca_body(
    display_name: &str,
    admin_enroll_id: &str,
    secret: &Sensitive<String>,
) -> CreateCaBody {
    CreateCaBody {
        display_name: display_name.to_owned(),
        admin_enroll_id: admin_enroll_id.to_owned(),
        admin_enroll_secret: secret.clone(),
        zone: None,
        version: None,
        tags: None,
    }
}

/// The MSP definition of an organization created from nothing (§2.6, as the console UI builds
/// it with "Node OU" ticked): the enrollment CA's root as root and as the certificate of every
/// OU identifier, the TLS CA's root as TLS root, the org admin's certificate as admin. All
/// certificates are base64 of PEM.
pub fn create_msp_body(
    msp_id: &str,
    display_name: &str,
    ca_root: &str,
    tls_root: &str,
    admin_cert: &str,
    host_url: Option<&str>,
) -> Value {
    let ou = |name: &str| json!({ "certificate": ca_root, "organizational_unit_identifier": name });
    let mut body = json!({
        "msp_id": msp_id,
        "display_name": display_name,
        "root_certs": [ca_root],
        "tls_root_certs": [tls_root],
        "admins": [admin_cert],
        "fabric_node_ous": {
            "enable": true,
            "admin_ou_identifier": ou("admin"),
            "client_ou_identifier": ou("client"),
            "peer_ou_identifier": ou("peer"),
            "orderer_ou_identifier": ou("orderer"),
        },
    });
    if let Some(url) = host_url {
        body["host_url"] = json!(url);
    }
    body
}

/// Host and port of a CA's `api_url` (the port defaults to the scheme's).
pub fn ca_host_port(api_url: &str) -> Result<(String, u16), EngineError> {
    let url = url::Url::parse(api_url).map_err(|e| {
        blocked(
            ReasonCode::CaUrlInvalid,
            &[("url", api_url), ("error", &e.to_string())],
            format!("the CA api_url {api_url:?} is not a URL: {e}"),
        )
    })?;
    let host = url.host_str().ok_or_else(|| {
        blocked(
            ReasonCode::CaUrlNoHost,
            &[("url", api_url)],
            format!("the CA api_url {api_url:?} has no host"),
        )
    })?;
    let port = url.port_or_known_default().ok_or_else(|| {
        blocked(
            ReasonCode::CaUrlNoPort,
            &[("url", api_url)],
            format!("the CA api_url {api_url:?} has no port"),
        )
    })?;
    Ok((host.to_owned(), port))
}

/// The create-peer body: enroll `spec.enroll_id` with `secret` at the region-1 CA (`ca`, its
/// record in the source console), admin certificates from the organization's MSP.
pub fn create_peer_body(
    spec: &PeerSpec,
    msp_id: &str,
    ca: &Component,
    admin_certs: Vec<String>,
    secret: &Sensitive<String>,
) -> Result<CreatePeerBody, EngineError> {
    let msp = msp_of(ca, (ReasonCode::CaRecordNoCertificates, "CA"))?;
    let tls_cert = tls_cert_of(msp)
        .ok_or_else(|| ca_no_tls_cert(&ca.id))?
        .to_owned();
    let api_url = ca.api_url.as_deref().ok_or_else(|| ca_no_api_url(&ca.id))?;
    let (host, port) = ca_host_port(api_url)?;
    let ca_name = msp
        .ca
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| "ca".to_owned());
    let tlsca_name = msp
        .tlsca
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| "tlsca".to_owned());
    let resources = (spec.cpu.is_some() || spec.memory.is_some()).then(|| PeerResources {
        peer: Some(Resource {
            requests: Some(fabric_ha_console::Amounts {
                cpu: spec.cpu.clone(),
                memory: spec.memory.clone(),
            }),
            limits: None,
        }),
        ..PeerResources::default()
    });
    let storage = spec.storage_size.as_ref().map(|size| PeerStorage {
        peer: Volume {
            size: size.clone(),
            class: spec.storage_class.clone(),
        },
        statedb: None,
    });
    Ok(CreatePeerBody {
        display_name: spec.display_name.clone(),
        msp_id: msp_id.to_owned(),
        crypto: PeerCrypto::Enrollment(EnrollmentCrypto {
            ca: CaEnrollment {
                host: host.clone(),
                port,
                name: ca_name,
                tls_cert: tls_cert.clone(),
                enroll_id: spec.enroll_id.clone(),
                enroll_secret: secret.clone(),
            },
            tlsca: TlsCaEnrollment {
                host,
                port,
                name: tlsca_name,
                tls_cert,
                enroll_id: spec.enroll_id.clone(),
                enroll_secret: secret.clone(),
                csr_hosts: (!spec.csr_hosts.is_empty()).then(|| spec.csr_hosts.clone()),
            },
            component: ComponentAdmins { admin_certs },
        }),
        id: None,
        version: spec.version.clone(),
        state_db: match spec.state_db.as_deref() {
            Some("leveldb") => Some(StateDb::Leveldb),
            Some("couchdb") => Some(StateDb::Couchdb),
            _ => None,
        },
        zone: spec.zone.clone(),
        region: None,
        resources,
        storage,
        config_override: None,
        hsm: None,
        tags: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn record(v: Value) -> Component {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn ca_body_keeps_only_import_fields() {
        let ca = record(json!({
            "id": "org1ca", "type": "fabric-ca", "display_name": "Org1 CA",
            "api_url": "https://ca.example.com:7054", "operations_url": "https://ops:9443",
            "location": "ibm_saas", "scheme_version": "v1",
            "msp": {"ca": {"name": "ca", "root_certs": ["QQ=="]}, "tlsca": {"name": "tlsca"},
                    "component": {"tls_cert": "VExT", "tls_cert_parsed": {}}}
        }));
        let body = ca_import_body(&ca).unwrap();
        assert_eq!(
            body,
            json!({"display_name": "Org1 CA", "api_url": "https://ca.example.com:7054",
                   "operations_url": "https://ops:9443",
                   "msp": {"ca": {"name": "ca", "root_certs": ["QQ=="]}, "tlsca": {"name": "tlsca"},
                           "component": {"tls_cert": "VExT"}}})
        );
        assert_eq!(
            ca_host_port("https://ca.example.com").unwrap(),
            ("ca.example.com".into(), 443)
        );
    }

    #[test]
    fn create_body_enrolls_at_the_region_one_ca_and_hides_the_secret() {
        let ca = record(json!({
            "id": "org1ca", "type": "fabric-ca", "api_url": "https://127.0.0.1:7054",
            "msp": {"ca": {"name": "ca"}, "tlsca": {"name": "tlsca"}, "component": {"tls_cert": "VExT"}}
        }));
        let spec = PeerSpec::numbered(
            "org1msp",
            "eu",
            1,
            1,
            &crate::plan::PeerDefaults {
                zone: Some("z1".into()),
                version: None,
                state_db: Some("leveldb".into()),
            },
        )
        .remove(0);
        let secret = Sensitive::new("canary-77".to_owned());
        let body = create_peer_body(&spec, "org1msp", &ca, vec!["QQ==".into()], &secret).unwrap();
        let public = serde_json::to_value(&body).unwrap();
        assert_eq!(public["crypto"]["enrollment"]["ca"]["host"], "127.0.0.1");
        assert_eq!(public["crypto"]["enrollment"]["tlsca"]["port"], 7054);
        assert_eq!(public["crypto"]["enrollment"]["tlsca"]["name"], "tlsca");
        assert_eq!(public["state_db"], "leveldb");
        assert!(!public.to_string().contains("canary-77"));
    }

    /// The reason of a blocked step, as a code, its params and the English sentence.
    fn reason(e: EngineError) -> (ReasonCode, Vec<(String, String)>, String) {
        let text = e.to_string();
        let EngineError::Blocked(r) = e else {
            panic!("not blocked: {e:?}");
        };
        assert_eq!(r.text, text);
        (r.code, r.params.into_iter().collect(), text)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn incomplete_records_block_with_a_code_and_the_record_id() {
        let no_msp = record(json!({"id": "org1ca", "type": "fabric-ca"}));
        assert_eq!(
            reason(ca_import_body(&no_msp).unwrap_err()),
            (
                ReasonCode::CaRecordNoCertificates,
                pairs(&[("id", "org1ca")]),
                "the CA record \"org1ca\" carries no certificates (no `msp` object)".to_owned()
            )
        );
        let no_url = record(json!({
            "id": "org1ca", "type": "fabric-ca", "msp": {"component": {"tls_cert": "VExT"}}
        }));
        assert_eq!(
            reason(ca_import_body(&no_url).unwrap_err()),
            (
                ReasonCode::CaRecordNoApiUrl,
                pairs(&[("id", "org1ca")]),
                "the CA record \"org1ca\" has no api_url".to_owned()
            )
        );
        let peer = record(json!({
            "id": "peer1", "type": "fabric-peer", "msp": {"component": {"tls_cert": "VExT"}}
        }));
        assert_eq!(
            reason(peer_import_body(&peer).unwrap_err()),
            (
                ReasonCode::PeerRecordIncomplete,
                pairs(&[("id", "peer1")]),
                "the peer record \"peer1\" has no msp_id or grpcwp_url".to_owned()
            )
        );
    }

    #[test]
    fn a_bad_ca_url_keeps_the_url_and_the_parser_words_as_params() {
        let (code, params, text) = reason(ca_host_port("org1-ca").unwrap_err());
        assert_eq!(code, ReasonCode::CaUrlInvalid);
        let error = url::Url::parse("org1-ca").unwrap_err().to_string();
        assert_eq!(params, pairs(&[("error", &error), ("url", "org1-ca")]));
        assert_eq!(
            text,
            format!("the CA api_url \"org1-ca\" is not a URL: {error}")
        );
    }
}
