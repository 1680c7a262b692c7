//! The v3 create-peer body (§3.2).
//!
//! The console rejects unknown keys at the top level and inside `crypto`, so these types
//! serialize exactly the documented keys and leave out every unset optional one. Secrets
//! (`enroll_secret`, `ekey`, `tls_key`) are [`Sensitive`] and are skipped by `Serialize`: the
//! public serialization is safe to log or hand to the UI, and only the client itself puts the
//! secrets into the request it sends ([`CreatePeerBody::request_json`]).

use fabric_ha_sensitive::Sensitive;
use serde::Serialize;
use serde_json::{Map, Value};

/// `POST /ak/api/v3/kubernetes/components/fabric-peer` body.
#[derive(Clone, Debug, Serialize)]
pub struct CreatePeerBody {
    /// Tile title (≤ 64 characters).
    pub display_name: String,
    /// The organization's MSP id.
    pub msp_id: String,
    /// How the peer gets its certificates.
    pub crypto: PeerCrypto,
    /// Console id; derived from `display_name` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A version from `/kubernetes/fabric/versions`; the deployer default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// State database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_db: Option<StateDb>,
    /// Kubernetes zone (from settings `CLUSTER_DATA.zones`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Kubernetes region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// CPU and memory per container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<PeerResources>,
    /// Persistent volumes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<PeerStorage>,
    /// A subset of core.yaml.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_override: Option<Value>,
    /// HSM proxy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hsm: Option<Hsm>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// `crypto`: exactly one of `enrollment` or `msp`.
#[derive(Clone, Debug, Serialize)]
pub enum PeerCrypto {
    /// The console enrolls the peer's certificates from a Fabric CA at deploy time.
    #[serde(rename = "enrollment")]
    Enrollment(EnrollmentCrypto),
    /// Bring your own certificates and keys.
    #[serde(rename = "msp")]
    Msp(MspCrypto),
}

/// `crypto.enrollment`.
#[derive(Clone, Debug, Serialize)]
pub struct EnrollmentCrypto {
    /// The enrollment CA.
    pub ca: CaEnrollment,
    /// The TLS CA (usually the same server, CAName `tlsca`).
    pub tlsca: TlsCaEnrollment,
    /// Admin certificates for the peer's local MSP. Always sent, even with an empty list:
    /// the console's schema (`CryptoEnrollmentComponent`, a required argument of the SDKs'
    /// `CryptoObjectEnrollment`) expects the object.
    pub component: ComponentAdmins,
}

/// `crypto.enrollment.ca`.
#[derive(Clone, Debug, Serialize)]
pub struct CaEnrollment {
    /// Host name only (no scheme, no port) of a CA known to this console (§3.4).
    pub host: String,
    /// Port.
    pub port: u16,
    /// CAName, e.g. `ca`.
    pub name: String,
    /// b64pem TLS certificate of the CA server (`msp.component.tls_cert` of the CA record).
    pub tls_cert: String,
    /// The peer identity registered on the CA (type `peer`).
    pub enroll_id: String,
    /// Its secret.
    #[serde(skip_serializing)]
    pub enroll_secret: Sensitive<String>,
}

/// `crypto.enrollment.tlsca`.
#[derive(Clone, Debug, Serialize)]
pub struct TlsCaEnrollment {
    /// Host name only.
    pub host: String,
    /// Port.
    pub port: u16,
    /// CAName, usually `tlsca`.
    pub name: String,
    /// b64pem TLS certificate of the CA server.
    pub tls_cert: String,
    /// Enroll id (console-deployed CAs share one user database, so usually the same id).
    pub enroll_id: String,
    /// Its secret.
    #[serde(skip_serializing)]
    pub enroll_secret: Sensitive<String>,
    /// Extra SAN host names for the TLS certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csr_hosts: Option<Vec<String>>,
}

/// `crypto.enrollment.component`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ComponentAdmins {
    /// b64pem admin certificates (the UI's spelling `admin_certs`, accepted by the server).
    pub admin_certs: Vec<String>,
}

/// `crypto.msp`.
#[derive(Clone, Debug, Serialize)]
pub struct MspCrypto {
    /// The peer's own certificates and keys.
    pub component: MspComponent,
    /// Enrollment CA chain.
    pub ca: CaChain,
    /// TLS CA chain.
    pub tlsca: CaChain,
}

/// `crypto.msp.component`.
#[derive(Clone, Debug, Serialize)]
pub struct MspComponent {
    /// b64pem enrollment private key.
    #[serde(skip_serializing)]
    pub ekey: Sensitive<String>,
    /// b64pem enrollment certificate.
    pub ecert: String,
    /// b64pem TLS private key.
    #[serde(skip_serializing)]
    pub tls_key: Sensitive<String>,
    /// b64pem TLS certificate.
    pub tls_cert: String,
    /// b64pem admin certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_certs: Option<Vec<String>>,
    /// Client authentication settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<Value>,
}

/// `crypto.msp.ca` / `crypto.msp.tlsca`.
#[derive(Clone, Debug, Serialize)]
pub struct CaChain {
    /// b64pem root certificates.
    pub root_certs: Vec<String>,
    /// b64pem intermediate certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intermediate_certs: Option<Vec<String>>,
}

/// `state_db`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StateDb {
    /// CouchDB (the console's default).
    Couchdb,
    /// LevelDB.
    Leveldb,
}

/// `resources`: per container.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PeerResources {
    /// The peer container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<Resource>,
    /// The gRPC-web proxy container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Resource>,
    /// The state database container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statedb: Option<Resource>,
    /// The chaincode launcher (Fabric 2.x).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chaincodelauncher: Option<Resource>,
}

/// Requests and limits of one container (limits ≥ requests).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Resource {
    /// Guaranteed amounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Amounts>,
    /// Caps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Amounts>,
}

/// Kubernetes quantities.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Amounts {
    /// CPU, e.g. `200m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory, e.g. `400Mi`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// `storage` (`peer` is required when storage is given).
#[derive(Clone, Debug, Serialize)]
pub struct PeerStorage {
    /// The peer's ledger volume.
    pub peer: Volume,
    /// The state database volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statedb: Option<Volume>,
}

/// One persistent volume.
#[derive(Clone, Debug, Serialize)]
pub struct Volume {
    /// Size, e.g. `100Gi`.
    pub size: String,
    /// Storage class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// `hsm`.
#[derive(Clone, Debug, Serialize)]
pub struct Hsm {
    /// `tcp://...` of the PKCS#11 proxy.
    pub pkcs11endpoint: String,
}

fn set_secret(root: &mut Value, path: &[&str], secret: &Sensitive<String>) {
    let mut node = root;
    for key in path {
        node = match node {
            Value::Object(m) => m
                .entry((*key).to_owned())
                .or_insert_with(|| Value::Object(Map::new())),
            // The paths below only go through objects this module serializes itself.
            _ => return,
        };
    }
    *node = Value::String(secret.expose().clone());
}

impl CreatePeerBody {
    /// The JSON actually sent: the public serialization plus the secrets. Crate-private so a
    /// secret-bearing value never leaves the client.
    pub(crate) fn request_json(&self) -> Result<Value, serde_json::Error> {
        let mut v = serde_json::to_value(self)?;
        match &self.crypto {
            PeerCrypto::Enrollment(e) => {
                set_secret(
                    &mut v,
                    &["crypto", "enrollment", "ca", "enroll_secret"],
                    &e.ca.enroll_secret,
                );
                set_secret(
                    &mut v,
                    &["crypto", "enrollment", "tlsca", "enroll_secret"],
                    &e.tlsca.enroll_secret,
                );
            }
            PeerCrypto::Msp(m) => {
                set_secret(
                    &mut v,
                    &["crypto", "msp", "component", "ekey"],
                    &m.component.ekey,
                );
                set_secret(
                    &mut v,
                    &["crypto", "msp", "component", "tls_key"],
                    &m.component.tls_key,
                );
            }
        }
        Ok(v)
    }
}

/// `POST /ak/api/v3/kubernetes/components/fabric-ca` body (deployer API "1b. Provision a
/// component", openapi `CreateCaBody`): a CA whose registry holds one bootstrap identity, the
/// CA admin, with the registrar attributes the console UI gives it. The console copies
/// `config_override.ca` to `config_override.tlsca`, so the same id and secret enroll at both
/// CA names.
#[derive(Clone, Debug, Serialize)]
pub struct CreateCaBody {
    /// Tile title (≤ 64 characters); the console derives the id from it.
    pub display_name: String,
    /// The CA admin's enroll id (`config_override.ca.registry.identities[0].name`, 4 to 255
    /// characters).
    #[serde(skip_serializing)]
    pub admin_enroll_id: String,
    /// Its secret (`...identities[0].pass`, 4 to 255 characters).
    #[serde(skip_serializing)]
    pub admin_enroll_secret: Sensitive<String>,
    /// Kubernetes zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// A version from `/kubernetes/fabric/versions` (`ca`); the deployer default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl CreateCaBody {
    /// The registry identity of the CA admin; `pass` only when `secret` is given.
    fn registry(&self, secret: Option<&Sensitive<String>>) -> Value {
        let mut identity = serde_json::json!({
            "name": self.admin_enroll_id,
            "type": "client",
            "affiliation": "",
            "attrs": {
                "hf.Registrar.Roles": "*",
                "hf.Registrar.DelegateRoles": "*",
                "hf.Revoker": true,
                "hf.IntermediateCA": true,
                "hf.GenCRL": true,
                "hf.Registrar.Attributes": "*",
                "hf.AffiliationMgr": true,
            },
        });
        if let Some(secret) = secret {
            identity["pass"] = Value::String(secret.expose().clone());
        }
        serde_json::json!({ "ca": { "registry": { "maxenrollments": -1, "identities": [identity] } } })
    }

    /// The body without the admin's secret, safe to log or show.
    pub fn public_json(&self) -> Result<Value, serde_json::Error> {
        let mut v = serde_json::to_value(self)?;
        v["config_override"] = self.registry(None);
        Ok(v)
    }

    /// The JSON actually sent, secret included. Crate-private, as for the peer body.
    pub(crate) fn request_json(&self) -> Result<Value, serde_json::Error> {
        let mut v = serde_json::to_value(self)?;
        v["config_override"] = self.registry(Some(&self.admin_enroll_secret));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;
    use std::collections::BTreeSet;

    const SECRET: &str = "canary-enroll-secret-91f";

    #[test]
    fn create_ca_body_has_the_documented_registry_and_hides_the_secret() {
        let body = CreateCaBody {
            display_name: "Org1 CA".into(),
            admin_enroll_id: "org1-ca-admin".into(),
            admin_enroll_secret: SECRET.into(),
            zone: None,
            version: None,
            tags: None,
        };
        let public = body.public_json().unwrap();
        assert!(!public.to_string().contains(SECRET));
        let sent = body.request_json().unwrap();
        let identity = &sent["config_override"]["ca"]["registry"]["identities"][0];
        assert_eq!(identity["name"], "org1-ca-admin");
        assert_eq!(identity["pass"], SECRET);
        assert_eq!(identity["type"], "client");
        assert_eq!(identity["attrs"]["hf.Registrar.Roles"], "*");
        assert_eq!(
            sent["config_override"]["ca"]["registry"]["maxenrollments"],
            -1
        );
        let keys: BTreeSet<&str> = sent
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(["config_override", "display_name"]));
    }

    fn enrollment_body() -> CreatePeerBody {
        CreatePeerBody {
            display_name: "Org1 Peer 2 (us-west)".into(),
            msp_id: "org1msp".into(),
            crypto: PeerCrypto::Enrollment(EnrollmentCrypto {
                ca: CaEnrollment {
                    host: "ca-us-east.example.com".into(),
                    port: 443,
                    name: "ca".into(),
                    tls_cert: "LS0tCA==".into(),
                    enroll_id: "org1peer2".into(),
                    enroll_secret: SECRET.into(),
                },
                tlsca: TlsCaEnrollment {
                    host: "ca-us-east.example.com".into(),
                    port: 443,
                    name: "tlsca".into(),
                    tls_cert: "LS0tCA==".into(),
                    enroll_id: "org1peer2".into(),
                    enroll_secret: SECRET.into(),
                    csr_hosts: Some(vec!["peer2.org1.example.com".into()]),
                },
                component: ComponentAdmins {
                    admin_certs: vec!["LS0tQUQ=".into()],
                },
            }),
            id: None,
            version: Some("2.5.4-1".into()),
            state_db: Some(StateDb::Couchdb),
            zone: Some("us-west-1a".into()),
            region: None,
            resources: Some(PeerResources {
                peer: Some(Resource {
                    requests: Some(Amounts {
                        cpu: Some("200m".into()),
                        memory: Some("400Mi".into()),
                    }),
                    limits: None,
                }),
                ..Default::default()
            }),
            storage: Some(PeerStorage {
                peer: Volume {
                    size: "100Gi".into(),
                    class: None,
                },
                statedb: None,
            }),
            config_override: None,
            hsm: None,
            tags: None,
        }
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn request_matches_the_reference_example() {
        let v = enrollment_body().request_json().unwrap();
        assert_eq!(
            v,
            json!({
                "display_name": "Org1 Peer 2 (us-west)",
                "msp_id": "org1msp",
                "version": "2.5.4-1",
                "state_db": "couchdb",
                "zone": "us-west-1a",
                "crypto": {
                    "enrollment": {
                        "ca": { "host": "ca-us-east.example.com", "port": 443, "name": "ca",
                                "tls_cert": "LS0tCA==", "enroll_id": "org1peer2", "enroll_secret": SECRET },
                        "tlsca": { "host": "ca-us-east.example.com", "port": 443, "name": "tlsca",
                                   "tls_cert": "LS0tCA==", "enroll_id": "org1peer2", "enroll_secret": SECRET,
                                   "csr_hosts": ["peer2.org1.example.com"] },
                        "component": { "admin_certs": ["LS0tQUQ="] }
                    }
                },
                "resources": { "peer": { "requests": { "cpu": "200m", "memory": "400Mi" } } },
                "storage": { "peer": { "size": "100Gi" } }
            })
        );
    }

    #[test]
    fn every_key_is_a_documented_key() {
        let mut body = enrollment_body();
        body.id = Some("org1peer2".into());
        body.region = Some("us-west".into());
        body.config_override = Some(json!({"peer": {"gossip": {}}}));
        body.hsm = Some(Hsm {
            pkcs11endpoint: "tcp://hsm:2345".into(),
        });
        body.tags = Some(vec!["ha".into()]);
        let v = body.request_json().unwrap();
        assert_eq!(
            keys(&v),
            set(&[
                "display_name",
                "msp_id",
                "crypto",
                "id",
                "version",
                "state_db",
                "zone",
                "region",
                "resources",
                "storage",
                "config_override",
                "hsm",
                "tags"
            ])
        );
        assert_eq!(keys(&v["crypto"]), set(&["enrollment"]));
        let e = &v["crypto"]["enrollment"];
        assert_eq!(keys(e), set(&["ca", "tlsca", "component"]));
        assert_eq!(
            keys(&e["ca"]),
            set(&[
                "host",
                "port",
                "name",
                "tls_cert",
                "enroll_id",
                "enroll_secret"
            ])
        );
        assert_eq!(
            keys(&e["tlsca"]),
            set(&[
                "host",
                "port",
                "name",
                "tls_cert",
                "enroll_id",
                "enroll_secret",
                "csr_hosts"
            ])
        );
        assert_eq!(keys(&e["component"]), set(&["admin_certs"]));
    }

    #[test]
    fn msp_crypto_keys() {
        let mut body = enrollment_body();
        body.crypto = PeerCrypto::Msp(MspCrypto {
            component: MspComponent {
                ekey: SECRET.into(),
                ecert: "E".into(),
                tls_key: SECRET.into(),
                tls_cert: "T".into(),
                admin_certs: None,
                client_auth: None,
            },
            ca: CaChain {
                root_certs: vec!["R".into()],
                intermediate_certs: None,
            },
            tlsca: CaChain {
                root_certs: vec!["R".into()],
                intermediate_certs: Some(vec!["I".into()]),
            },
        });
        let v = body.request_json().unwrap();
        assert_eq!(keys(&v["crypto"]), set(&["msp"]));
        assert_eq!(
            keys(&v["crypto"]["msp"]["component"]),
            set(&["ekey", "ecert", "tls_key", "tls_cert"])
        );
        assert_eq!(v["crypto"]["msp"]["component"]["ekey"], json!(SECRET));
        assert_eq!(
            keys(&v["crypto"]["msp"]["tlsca"]),
            set(&["root_certs", "intermediate_certs"])
        );
    }

    #[test]
    fn secrets_never_leak_through_debug_or_serialize() {
        let body = enrollment_body();
        assert!(!format!("{body:?}").contains(SECRET));
        let public = serde_json::to_string(&body).unwrap();
        assert!(!public.contains(SECRET));
        assert!(!public.contains("enroll_secret"));
    }
}
