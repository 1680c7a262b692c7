//! The console's deployer with real Fabric behind it ([`super::Deployer`]): create-CA starts a
//! `fabric-ca-server`, create-peer enrolls and starts a `peer`, the status route asks each node
//! itself (`/cainfo`, `/healthz`), and deleting a created component stops it and removes its
//! data. Without a deployer these routes keep the in-memory behaviour of [`super::api`].

use std::path::PathBuf;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_testnet::{CaEndpoint, CaServer, CaSpec, Peer, PeerSpec};
use serde_json::{json, Value};

use super::api::{
    check_create_ca, check_create_peer, created_ca_record, created_peer_record,
    enrollment_admin_certs, status_items, status_reply, store_created, Health, NodeUrls, Routed,
};
use super::store::Store;
use super::Deployer;
use crate::net::Reply;

/// A Fabric process the deployer started for a created component.
#[derive(Debug)]
pub(crate) enum RealNode {
    /// A created CA.
    Ca(CaServer),
    /// A created peer.
    Peer(Peer),
}

impl RealNode {
    /// The root a health probe trusts: the CA's own root (its TLS certificate is issued by
    /// it), or the peer's TLS CA root.
    pub(crate) fn probe_root_pem(&self) -> &str {
        match self {
            RealNode::Ca(ca) => ca.ca_root_pem(),
            RealNode::Peer(peer) => peer.tlsca_root_pem(),
        }
    }

    /// The process id while it runs.
    pub(crate) fn pid(&self) -> Option<u32> {
        match self {
            RealNode::Ca(ca) => ca.pid(),
            RealNode::Peer(peer) => peer.pid(),
        }
    }
}

fn refusal(status: u16, message: String) -> Reply {
    crate::net::json_reply(
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST),
        &json!({ "statusCode": status, "msg": message }),
    )
}

fn b64(pem: &str) -> String {
    STANDARD.encode(pem)
}

fn pem_of(value: &Value) -> Option<String> {
    let decoded = STANDARD.decode(value.as_str()?).ok()?;
    String::from_utf8(decoded).ok()
}

/// The folder of this console's nodes.
fn nodes_dir(store: &Store, deployer: &Deployer) -> PathBuf {
    let name: String = store
        .cfg
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    deployer.dir.join(name)
}

/// `crypto.enrollment.<section>` as a CA endpoint (checked by the schema already).
fn endpoint(section: &Value) -> Result<CaEndpoint, String> {
    let host = section["host"].as_str().unwrap_or_default();
    let port = match &section["port"] {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let tls_cert_pem = pem_of(&section["tls_cert"])
        .ok_or_else(|| "the CA's tls_cert is not a base64 PEM".to_owned())?;
    Ok(CaEndpoint {
        url: format!("https://{host}:{port}"),
        tls_cert_pem,
        ca_name: section["name"].as_str().map(str::to_owned),
    })
}

fn peer_spec(id: &str, body: &Value) -> Result<PeerSpec, String> {
    let Some(enrollment) = body["crypto"].get("enrollment") else {
        return Err(
            "this deployer creates peers from crypto.enrollment; crypto.msp is not supported here"
                .to_owned(),
        );
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let admin_certs = enrollment_admin_certs(enrollment)
        .as_array()
        .map(|list| list.iter().filter_map(pem_of).collect())
        .unwrap_or_default();
    Ok(PeerSpec {
        name: id.to_owned(),
        msp_id: text(&body["msp_id"]),
        ca: endpoint(&enrollment["ca"])?,
        enroll: (
            text(&enrollment["ca"]["enroll_id"]),
            text(&enrollment["ca"]["enroll_secret"]),
        ),
        tlsca: endpoint(&enrollment["tlsca"])?,
        tls_enroll: (
            text(&enrollment["tlsca"]["enroll_id"]),
            text(&enrollment["tlsca"]["enroll_secret"]),
        ),
        csr_hosts: enrollment["tlsca"]["csr_hosts"]
            .as_array()
            .map(|hosts| {
                hosts
                    .iter()
                    .filter_map(|h| h.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        admin_certs,
        gossip_bootstrap: None,
    })
}

/// `POST /ak/api/v3/kubernetes/components[/fabric-peer|/fabric-ca]` with a deployer: the body is
/// checked as without one, then the node is started; the answer carries its real URLs and
/// certificates. The peer is not running yet when the answer comes (as on a cluster): the
/// status route says when it is.
pub(super) fn create(store: &Arc<Store>, deployer: Deployer, kind: &str, body: Value) -> Routed {
    let store = Arc::clone(store);
    if kind == "fabric-peer" {
        let id = {
            let data = store.lock();
            match check_create_peer(&store, &data, &body) {
                Ok(id) => id,
                Err(refusal) => return Routed::Now(*refusal),
            }
        };
        let spec = match peer_spec(&id, &body) {
            Ok(spec) => spec,
            Err(message) => return Routed::Now(refusal(400, message)),
        };
        return Routed::Later(Box::pin(async move {
            let dir = nodes_dir(&store, &deployer);
            let peer = match Peer::start(&deployer.fabric, &dir, spec).await {
                Ok(peer) => peer,
                Err(e) => {
                    return refusal(400, format!("the deployer could not create the peer: {e}"))
                }
            };
            let grpcwp_port = match fabric_ha_testnet::free_port() {
                Ok(port) => port,
                Err(e) => return refusal(500, e.to_string()),
            };
            let enrollment = &body["crypto"]["enrollment"];
            let msp = json!({
                "ca": { "name": enrollment["ca"]["name"], "root_certs": [b64(peer.ca_root_pem())] },
                "tlsca": { "name": enrollment["tlsca"]["name"], "root_certs": [b64(peer.tlsca_root_pem())] },
                "component": {
                    "tls_cert": b64(peer.tls_cert_pem()),
                    "ecert": b64(peer.ecert_pem()),
                    "admin_certs": enrollment_admin_certs(enrollment),
                },
            });
            let urls = NodeUrls {
                api_url: peer.api_url(),
                operations_url: peer.operations_url(),
                // No grpc-web proxy runs here; the field is required on every peer record.
                grpcwp_url: Some(format!("https://127.0.0.1:{grpcwp_port}")),
            };
            let record = created_peer_record(&store, &id, &body, urls, msp);
            let refused = {
                let mut data = store.lock();
                if data.components.contains_key(&id) {
                    Some(peer)
                } else {
                    data.nodes.insert(id.clone(), RealNode::Peer(peer));
                    return store_created(&mut data, id, record, None);
                }
            };
            // Another create took the id meanwhile.
            if let Some(peer) = refused {
                let _ = tokio::task::spawn_blocking(move || peer.remove()).await;
            }
            super::api::id_conflict()
        }));
    }
    let request = {
        let data = store.lock();
        match check_create_ca(&store, &data, &body) {
            Ok(request) => request,
            Err(refusal) => return Routed::Now(*refusal),
        }
    };
    Routed::Later(Box::pin(async move {
        let spec = CaSpec {
            name: request.id.clone(),
            common_name: request.org.clone(),
            bootstrap: (
                request.bootstrap.name.clone(),
                request.bootstrap.pass.clone(),
            ),
            identities: request
                .others
                .iter()
                .map(|i| fabric_ha_testnet::RegistryIdentity {
                    name: i.name.clone(),
                    pass: i.pass.clone(),
                    kind: i.kind.clone(),
                })
                .collect(),
        };
        let dir = nodes_dir(&store, &deployer);
        let started = match &store.cfg.ca_signing_expiry {
            Some(expiry) => {
                CaServer::start_with_signing_expiry(&deployer.fabric, &dir, spec, expiry).await
            }
            None => CaServer::start(&deployer.fabric, &dir, spec).await,
        };
        let ca = match started {
            Ok(ca) => ca,
            Err(e) => return refusal(400, format!("the deployer could not create the CA: {e}")),
        };
        let msp = json!({
            "ca": { "name": "ca", "root_certs": [b64(ca.ca_root_pem())] },
            "tlsca": { "name": "tlsca", "root_certs": [b64(ca.tlsca_root_pem())] },
            "component": { "tls_cert": b64(ca.tls_cert_pem()) },
        });
        let urls = NodeUrls {
            api_url: ca.url(),
            operations_url: ca.operations_url(),
            grpcwp_url: None,
        };
        let mut data = store.lock();
        if data.components.contains_key(&request.id) {
            return super::api::id_conflict();
        }
        let record = created_ca_record(&request, &body, urls, msp);
        data.nodes.insert(request.id.clone(), RealNode::Ca(ca));
        store_created(&mut data, request.id, record, None)
    }))
}

/// `DELETE /ak/api/v3/kubernetes/components/{id}` with a deployer: the record goes, and the
/// node's process stops and its data is removed.
pub(super) fn delete(store: &Arc<Store>, id: &str) -> Routed {
    let node = store.lock().nodes.remove(id);
    let answer = super::api::remove(store, id);
    match node {
        None => Routed::Now(answer),
        Some(node) => Routed::Later(Box::pin(async move {
            let _ = tokio::task::spawn_blocking(move || match node {
                RealNode::Peer(peer) => peer.remove().map_err(|e| e.to_string()),
                RealNode::Ca(mut ca) => {
                    ca.stop();
                    std::fs::remove_dir_all(ca.dir()).map_err(|e| e.to_string())
                }
            })
            .await;
            answer
        })),
    }
}

/// `POST /ak/api/v3/components/status`: real nodes are asked (concurrently, as the console
/// does), everything else answers from memory.
pub(super) fn status(store: &Arc<Store>, body: &Value) -> Routed {
    let mut items = match status_items(store, body) {
        Ok(items) => items,
        Err(refusal) => return Routed::Now(*refusal),
    };
    let probes = items
        .iter_mut()
        .filter_map(|i| i.health_mut())
        .any(|h| matches!(h, Health::Probe { .. }));
    if !probes {
        return Routed::Now(status_reply(items));
    }
    Routed::Later(Box::pin(async move {
        let mut tasks = tokio::task::JoinSet::new();
        for (index, item) in items.iter_mut().enumerate() {
            if let Some(Health::Probe {
                url,
                root_pem,
                expect,
            }) = item.health_mut()
            {
                let (url, root_pem, expect) = (url.clone(), root_pem.clone(), *expect);
                tasks.spawn(async move {
                    (
                        index,
                        fabric_ha_testnet::probe(&url, &root_pem, expect).await,
                    )
                });
            }
        }
        while let Some(Ok((index, healthy))) = tasks.join_next().await {
            if let Some(health) = items.get_mut(index).and_then(|i| i.health_mut()) {
                *health = Health::Known(healthy);
            }
        }
        status_reply(items)
    }))
}
