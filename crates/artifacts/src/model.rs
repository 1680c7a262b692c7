//! The artifacts: one type per kind of console file. Each keeps the original JSON object (all
//! keys, legacy and unknown ones included) so that export reproduces the input, plus parsed
//! certificates and normalised accessors that read the v3 nested shape first and fall back to
//! the legacy flat fields.

use fabric_ha_sensitive::Sensitive;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::x509::Cert;

/// The kinds of console files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ArtifactKind {
    /// A CA (`fabric-ca`).
    Ca,
    /// An MSP definition (`msp`), shown on the Organizations tab.
    Msp,
    /// A wallet identity (`identity`): name, cert and private key.
    Identity,
    /// A peer (`fabric-peer`).
    Peer,
    /// One or more ordering nodes of one ordering service (`fabric-orderer`).
    Orderer,
}

impl ArtifactKind {
    /// The suffix of export file names: `ca`, `msp`, `identity`, `peer`, `orderer`.
    pub fn file_suffix(self) -> &'static str {
        match self {
            ArtifactKind::Ca => "ca",
            ArtifactKind::Msp => "msp",
            ArtifactKind::Identity => "identity",
            ArtifactKind::Peer => "peer",
            ArtifactKind::Orderer => "orderer",
        }
    }

    /// The console's component type (`fabric-ca`, ...); `None` for identities, which are not
    /// components.
    pub fn component_type(self) -> Option<&'static str> {
        match self {
            ArtifactKind::Ca => Some("fabric-ca"),
            ArtifactKind::Msp => Some("msp"),
            ArtifactKind::Identity => None,
            ArtifactKind::Peer => Some("fabric-peer"),
            ArtifactKind::Orderer => Some("fabric-orderer"),
        }
    }

    /// The folder of the bulk export zip that holds this kind (with trailing slash).
    pub fn bulk_folder(self) -> &'static str {
        match self {
            ArtifactKind::Ca => "Certificate Authorities/",
            ArtifactKind::Msp => "Organizations/",
            ArtifactKind::Identity => "Wallet/",
            ArtifactKind::Peer => "Peers/",
            ArtifactKind::Orderer => "Ordering Services/",
        }
    }
}

pub(crate) fn get<'a>(json: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut cur = json;
    for p in parents {
        cur = cur.get(*p)?.as_object()?;
    }
    cur.get(*last)
}

pub(crate) fn get_str<'a>(json: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    get(json, path)?.as_str()
}

/// `json`, `source`, `id` and `display_name` of the component artifacts.
macro_rules! common_accessors {
    ($t:ty) => {
        impl $t {
            /// The original JSON object.
            pub fn json(&self) -> &Map<String, Value> {
                &self.json
            }
            /// Where it was read from.
            pub fn source(&self) -> &str {
                &self.source
            }
            /// Component id: `id`, or the id recovered from a bulk zip entry name.
            pub fn id(&self) -> Option<&str> {
                get_str(&self.json, &["id"]).or(self.bulk_id.as_deref())
            }
            /// Tile title.
            pub fn display_name(&self) -> &str {
                get_str(&self.json, &["display_name"]).unwrap_or_default()
            }
        }
    };
}

/// A CA file (§4.1), v3 nested or legacy flat.
#[derive(Clone, Debug)]
pub struct CaArtifact {
    pub(crate) source: String,
    pub(crate) json: Map<String, Value>,
    pub(crate) bulk_id: Option<String>,
    pub(crate) root_certs: Vec<Cert>,
    pub(crate) tlsca_root_certs: Vec<Cert>,
    pub(crate) tls_cert: Cert,
}

common_accessors!(CaArtifact);

impl CaArtifact {
    /// The CA's https URL (`api_url`, legacy `ca_url`).
    pub fn api_url(&self) -> &str {
        get_str(&self.json, &["api_url"])
            .or_else(|| get_str(&self.json, &["ca_url"]))
            .unwrap_or_default()
    }
    /// Operations (metrics/health) URL.
    pub fn operations_url(&self) -> Option<&str> {
        get_str(&self.json, &["operations_url"])
    }
    /// CAName of the enrollment CA (`msp.ca.name`, legacy `ca_name`).
    pub fn ca_name(&self) -> &str {
        get_str(&self.json, &["msp", "ca", "name"])
            .or_else(|| get_str(&self.json, &["ca_name"]))
            .unwrap_or_default()
    }
    /// CAName of the TLS CA (`msp.tlsca.name`, legacy `tlsca_name`).
    pub fn tlsca_name(&self) -> &str {
        get_str(&self.json, &["msp", "tlsca", "name"])
            .or_else(|| get_str(&self.json, &["tlsca_name"]))
            .unwrap_or_default()
    }
    /// Root certificates of the enrollment CA (`msp.ca.root_certs`; may be empty).
    pub fn root_certs(&self) -> &[Cert] {
        &self.root_certs
    }
    /// Root certificates of the TLS CA (`msp.tlsca.root_certs`, legacy `tls_ca_root_cert`).
    pub fn tlsca_root_certs(&self) -> &[Cert] {
        &self.tlsca_root_certs
    }
    /// The CA server's TLS certificate (`msp.component.tls_cert`, legacy `tls_cert`/`pem`): the
    /// trust anchor for talking to this CA.
    pub fn tls_cert(&self) -> &Cert {
        &self.tls_cert
    }
    /// Wallet name of the identity associated in the exporting browser (bulk zip only).
    pub fn associated_identity_name(&self) -> Option<&str> {
        get_str(&self.json, &["associatedIdentityName"]).filter(|s| !s.is_empty())
    }
}

/// An MSP definition file (§2.6, §4.2).
#[derive(Clone, Debug)]
pub struct MspArtifact {
    pub(crate) source: String,
    pub(crate) json: Map<String, Value>,
    pub(crate) bulk_id: Option<String>,
    pub(crate) root_certs: Vec<Cert>,
    pub(crate) intermediate_certs: Vec<Cert>,
    pub(crate) admins: Vec<Cert>,
    pub(crate) tls_root_certs: Vec<Cert>,
    pub(crate) tls_intermediate_certs: Vec<Cert>,
}

common_accessors!(MspArtifact);

impl MspArtifact {
    /// The MSP id.
    pub fn msp_id(&self) -> &str {
        get_str(&self.json, &["msp_id"]).unwrap_or_default()
    }
    /// URL of the console that owns the MSP.
    pub fn host_url(&self) -> Option<&str> {
        get_str(&self.json, &["host_url"])
    }
    /// Root CA certificates.
    pub fn root_certs(&self) -> &[Cert] {
        &self.root_certs
    }
    /// Intermediate CA certificates.
    pub fn intermediate_certs(&self) -> &[Cert] {
        &self.intermediate_certs
    }
    /// Org admin signing certificates.
    pub fn admins(&self) -> &[Cert] {
        &self.admins
    }
    /// TLS root CA certificates.
    pub fn tls_root_certs(&self) -> &[Cert] {
        &self.tls_root_certs
    }
    /// TLS intermediate CA certificates.
    pub fn tls_intermediate_certs(&self) -> &[Cert] {
        &self.tls_intermediate_certs
    }
    /// `fabric_node_ous.enable` is `true` (or `"enabled"`), as the console's tile reads it.
    pub fn node_ous_enabled(&self) -> bool {
        matches!(
            get(&self.json, &["fabric_node_ous", "enable"]),
            Some(Value::Bool(true))
        ) || get_str(&self.json, &["fabric_node_ous", "enable"]) == Some("enabled")
    }
    /// The admin OU identifier (`admin` unless the MSP says otherwise), when Node OUs are on.
    pub fn admin_ou(&self) -> Option<&str> {
        if !self.node_ous_enabled() {
            return None;
        }
        Some(
            get_str(
                &self.json,
                &[
                    "fabric_node_ous",
                    "admin_ou_identifier",
                    "organizational_unit_identifier",
                ],
            )
            .unwrap_or("admin"),
        )
    }
}

/// A peer or one ordering node (§4.4, §4.5), v3 nested or legacy flat.
#[derive(Clone, Debug)]
pub struct NodeArtifact {
    pub(crate) source: String,
    pub(crate) json: Map<String, Value>,
    pub(crate) bulk_id: Option<String>,
    pub(crate) tls_root_certs: Vec<Cert>,
    pub(crate) tls_intermediate_certs: Vec<Cert>,
    pub(crate) tls_cert: Cert,
    pub(crate) ca_root_certs: Vec<Cert>,
    pub(crate) ecert: Option<Cert>,
    pub(crate) admin_certs: Vec<Cert>,
}

common_accessors!(NodeArtifact);

impl NodeArtifact {
    /// The MSP id.
    pub fn msp_id(&self) -> &str {
        get_str(&self.json, &["msp_id"]).unwrap_or_default()
    }
    /// `grpcs://host:port`.
    pub fn api_url(&self) -> &str {
        get_str(&self.json, &["api_url"]).unwrap_or_default()
    }
    /// Operations (health) URL.
    pub fn operations_url(&self) -> &str {
        get_str(&self.json, &["operations_url"]).unwrap_or_default()
    }
    /// gRPC-web proxy URL.
    pub fn grpcwp_url(&self) -> &str {
        get_str(&self.json, &["grpcwp_url"]).unwrap_or_default()
    }
    /// Channel participation URL (orderers, Fabric ≥ 2.4).
    pub fn osnadmin_url(&self) -> Option<&str> {
        get_str(&self.json, &["osnadmin_url"])
    }
    /// Ordering service name (orderers).
    pub fn cluster_name(&self) -> Option<&str> {
        get_str(&self.json, &["cluster_name"])
    }
    /// Ordering service id (orderers).
    pub fn cluster_id(&self) -> Option<&str> {
        get_str(&self.json, &["cluster_id"])
    }
    /// TLS root certificates (`msp.tlsca.root_certs`, legacy `tls_ca_root_cert`).
    pub fn tls_root_certs(&self) -> &[Cert] {
        &self.tls_root_certs
    }
    /// TLS intermediate certificates (`msp.intermediate_tlsca.root_certs`).
    pub fn tls_intermediate_certs(&self) -> &[Cert] {
        &self.tls_intermediate_certs
    }
    /// The node's TLS certificate (`msp.component.tls_cert`, legacy `tls_cert`/`pem`).
    pub fn tls_cert(&self) -> &Cert {
        &self.tls_cert
    }
    /// Enrollment CA roots (`msp.ca.root_certs`; may be empty).
    pub fn ca_root_certs(&self) -> &[Cert] {
        &self.ca_root_certs
    }
    /// The node's enrollment certificate, when exported.
    pub fn ecert(&self) -> Option<&Cert> {
        self.ecert.as_ref()
    }
    /// Admin certificates, when exported.
    pub fn admin_certs(&self) -> &[Cert] {
        &self.admin_certs
    }
    /// `node_ou.enabled`.
    pub fn node_ou_enabled(&self) -> bool {
        matches!(
            get(&self.json, &["node_ou", "enabled"]),
            Some(Value::Bool(true))
        )
    }
    /// Wallet name of the identity associated in the exporting browser (bulk zip only).
    pub fn associated_identity_name(&self) -> Option<&str> {
        get_str(&self.json, &["associatedIdentityName"]).filter(|s| !s.is_empty())
    }
}

/// One ordering service export: a single node object, or the cluster array (§4.5).
#[derive(Clone, Debug)]
pub struct OrdererArtifact {
    pub(crate) source: String,
    pub(crate) nodes: Vec<NodeArtifact>,
    pub(crate) is_array: bool,
}

impl OrdererArtifact {
    /// Where it was read from.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// The nodes (at least one).
    pub fn nodes(&self) -> &[NodeArtifact] {
        &self.nodes
    }
    /// The file was a JSON array (cluster export) rather than a single node object.
    pub fn is_array(&self) -> bool {
        self.is_array
    }
    /// The ordering service's name (`cluster_name` of the first node).
    pub fn cluster_name(&self) -> &str {
        self.nodes
            .first()
            .and_then(NodeArtifact::cluster_name)
            .unwrap_or_default()
    }
    /// The ordering service's id, when present.
    pub fn cluster_id(&self) -> Option<&str> {
        self.nodes.first().and_then(NodeArtifact::cluster_id)
    }
    /// The MSP id of the first node.
    pub fn msp_id(&self) -> &str {
        self.nodes
            .first()
            .map(NodeArtifact::msp_id)
            .unwrap_or_default()
    }
}

/// A wallet identity (§4.3). The private key is kept only in [`Sensitive`]; the retained JSON
/// has no `private_key`.
#[derive(Clone, Debug)]
pub struct IdentityArtifact {
    pub(crate) source: String,
    pub(crate) json: Map<String, Value>,
    pub(crate) cert: Cert,
    pub(crate) private_key: Sensitive<String>,
}

impl IdentityArtifact {
    /// The JSON object without `private_key`.
    pub fn json(&self) -> &Map<String, Value> {
        &self.json
    }
    /// Where it was read from.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// Wallet name.
    pub fn name(&self) -> &str {
        get_str(&self.json, &["name"]).unwrap_or_default()
    }
    /// Signing certificate.
    pub fn cert(&self) -> &Cert {
        &self.cert
    }
    /// The private key exactly as in the file (b64pem).
    pub fn private_key(&self) -> &Sensitive<String> {
        &self.private_key
    }
}

/// Any console file's content.
#[derive(Clone, Debug)]
pub enum Artifact {
    /// A CA.
    Ca(CaArtifact),
    /// An MSP definition.
    Msp(MspArtifact),
    /// A wallet identity.
    Identity(IdentityArtifact),
    /// A peer.
    Peer(NodeArtifact),
    /// One or more ordering nodes of one ordering service.
    Orderer(OrdererArtifact),
}

impl Artifact {
    /// Its kind.
    pub fn kind(&self) -> ArtifactKind {
        match self {
            Artifact::Ca(_) => ArtifactKind::Ca,
            Artifact::Msp(_) => ArtifactKind::Msp,
            Artifact::Identity(_) => ArtifactKind::Identity,
            Artifact::Peer(_) => ArtifactKind::Peer,
            Artifact::Orderer(_) => ArtifactKind::Orderer,
        }
    }

    /// Where it was read from.
    pub fn source(&self) -> &str {
        match self {
            Artifact::Ca(a) => a.source(),
            Artifact::Msp(a) => a.source(),
            Artifact::Identity(a) => a.source(),
            Artifact::Peer(a) => a.source(),
            Artifact::Orderer(a) => a.source(),
        }
    }

    /// Tile title: display name, cluster name (orderer) or wallet name (identity).
    pub fn display_name(&self) -> &str {
        match self {
            Artifact::Ca(a) => a.display_name(),
            Artifact::Msp(a) => a.display_name(),
            Artifact::Identity(a) => a.name(),
            Artifact::Peer(a) => a.display_name(),
            Artifact::Orderer(a) => {
                if a.is_array {
                    a.cluster_name()
                } else {
                    a.nodes
                        .first()
                        .map(NodeArtifact::display_name)
                        .unwrap_or_default()
                }
            }
        }
    }

    /// The MSP id, when the artifact has one.
    pub fn msp_id(&self) -> Option<&str> {
        match self {
            Artifact::Msp(a) => Some(a.msp_id()),
            Artifact::Peer(a) => Some(a.msp_id()),
            Artifact::Orderer(a) => Some(a.msp_id()),
            Artifact::Ca(_) | Artifact::Identity(_) => None,
        }
    }

    /// Every certificate the artifact holds.
    pub fn certificates(&self) -> Vec<&Cert> {
        let mut out: Vec<&Cert> = Vec::new();
        match self {
            Artifact::Ca(a) => {
                out.extend(&a.root_certs);
                out.extend(&a.tlsca_root_certs);
                out.push(&a.tls_cert);
            }
            Artifact::Msp(a) => {
                out.extend(&a.root_certs);
                out.extend(&a.intermediate_certs);
                out.extend(&a.admins);
                out.extend(&a.tls_root_certs);
                out.extend(&a.tls_intermediate_certs);
            }
            Artifact::Identity(a) => out.push(&a.cert),
            Artifact::Peer(n) => node_certs(n, &mut out),
            Artifact::Orderer(o) => {
                for n in &o.nodes {
                    node_certs(n, &mut out);
                }
            }
        }
        out
    }
}

fn node_certs<'a>(n: &'a NodeArtifact, out: &mut Vec<&'a Cert>) {
    out.extend(&n.tls_root_certs);
    out.extend(&n.tls_intermediate_certs);
    out.push(&n.tls_cert);
    out.extend(&n.ca_root_certs);
    out.extend(n.ecert.iter());
    out.extend(&n.admin_certs);
}
