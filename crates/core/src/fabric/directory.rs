//! Which node a name means, and which wallet identity signs for it.
//!
//! The directory is every peer, ordering service and MSP definition of the library and of each
//! registered console (one request per console, in parallel). The same peer imported into
//! several consoles and the library is one peer: records are merged by `api_url`. A name is a
//! display name, `CONSOLE/ID` (or `CONSOLE/display name`), or a library id.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_artifacts::{
    self as artifacts, Artifact, Cert, MspArtifact, NodeArtifact, ReadOptions,
};
use fabric_ha_console::{Component, ComponentQuery, ComponentType};
use fabric_ha_fabric_net::{NetError, PeerEndpoint, Signer};
use fabric_ha_sensitive::Sensitive;
use zeroize::Zeroize as _;

use super::NodeRef;
use crate::consoles::block_on;
use crate::consoles::components::cluster_of;
use crate::consoles::record::{cluster_file, file_of};
use crate::error::{from_store, CoreError};
use crate::library::{private_key_secret_id, rehydrate, unix_now};
use crate::workspace::Workspace;

/// What a node is known as in the library and the consoles.
#[derive(Debug, Clone, Default)]
struct Names {
    /// `CONSOLE/ID` of each console record, and each library id.
    known_as: Vec<String>,
    /// The consoles it is on.
    consoles: Vec<String>,
    /// Its display names (records of one node in several consoles may differ).
    display_names: Vec<String>,
}

impl Names {
    fn add(&mut self, console: Option<&str>, known_as: String, display_name: &str) {
        if !self.known_as.contains(&known_as) {
            self.known_as.push(known_as);
        }
        if !self.display_names.iter().any(|d| d == display_name) {
            self.display_names.push(display_name.to_owned());
        }
        if let Some(console) = console {
            if !self.consoles.iter().any(|c| c == console) {
                self.consoles.push(console.to_owned());
            }
        }
    }

    /// True when `wanted` is one of the names, or `CONSOLE/display name` of a console it is on.
    fn answers_to(&self, wanted: &str) -> bool {
        let named = |name: &str| self.display_names.iter().any(|d| d == name);
        named(wanted)
            || self.known_as.iter().any(|k| k == wanted)
            || self.consoles.iter().any(|c| {
                wanted
                    .strip_prefix(c.as_str())
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(named)
            })
    }
}

/// A peer, merged over every record of it (the same `api_url`).
#[derive(Debug, Clone)]
pub(crate) struct PeerNode {
    /// How the commands report it.
    pub(crate) node: NodeRef,
    names: Names,
    /// PEMs of the TLS roots (and intermediates) of every record of it.
    tls_root_pems: Vec<String>,
    /// Its local MSP's admin certificates, where a record carries them.
    admin_certs: Vec<Cert>,
    /// Its enrollment CA roots.
    ca_roots: Vec<Cert>,
    /// Node OUs on (any record).
    node_ou: bool,
    /// The console that created it.
    home: Option<String>,
    /// Each console's record of it, as the console answered (console, record).
    records: Vec<(String, Component)>,
}

impl PeerNode {
    /// The consoles that list it.
    pub(crate) fn consoles(&self) -> &[String] {
        &self.names.consoles
    }

    /// The console that created it (its record there has `location: ibm_saas`), if one did.
    pub(crate) fn home(&self) -> Option<&String> {
        self.home.as_ref()
    }

    /// Each console's record of it (console, record), in the order the consoles were read.
    pub(crate) fn records(&self) -> &[(String, Component)] {
        &self.records
    }

    /// Where to connect, TLS pinned to the roots of its records, presenting `client_tls` (a
    /// wallet identity's TLS certificate and key, for a peer that requires one).
    pub(crate) fn endpoint(&self, client_tls: Option<ClientTls>) -> PeerEndpoint {
        PeerEndpoint {
            api_url: self.node.api_url.clone(),
            tls_root_pems: self.tls_root_pems.clone(),
            client_tls,
        }
    }
}

/// An ordering service: its nodes' endpoints.
#[derive(Debug, Clone)]
pub(crate) struct OrdererService {
    /// Cluster name (or the node's display name).
    pub(crate) name: String,
    names: Names,
    /// Each node's endpoint.
    pub(crate) nodes: Vec<PeerEndpoint>,
}

/// The nodes and MSP definitions of the library and the registered consoles.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    /// Every peer, by display name.
    pub(crate) peers: Vec<PeerNode>,
    /// Every ordering service.
    pub(crate) orderers: Vec<OrdererService>,
    /// MSP definitions, each with where it was read (`CONSOLE/ID` or a library id).
    msps: Vec<(String, MspArtifact)>,
    /// Consoles that could not be read, with why.
    unanswered: Vec<String>,
}

fn pem_of(cert: &Cert) -> String {
    artifacts::der_to_pem("CERTIFICATE", cert.der())
}

fn tls_roots(node: &NodeArtifact) -> Vec<String> {
    node.tls_root_certs()
        .iter()
        .chain(node.tls_intermediate_certs())
        .map(pem_of)
        .collect()
}

fn extend_unique<T: PartialEq + Clone>(to: &mut Vec<T>, from: &[T]) {
    for item in from {
        if !to.contains(item) {
            to.push(item.clone());
        }
    }
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// A console record read as the file the console would download for it, with the same checks
/// as any imported file; `None` (logged) when it does not make one.
fn read_record(source: &str, value: &serde_json::Value, now: i64) -> Option<Artifact> {
    let bytes = artifacts::to_console_json(value);
    let mut report = artifacts::read_json_with(source, &bytes, &ReadOptions::at(now));
    match (report.is_ok(), report.accepted.pop()) {
        (true, Some(artifact)) if report.accepted.is_empty() => Some(artifact),
        _ => {
            let why: Vec<String> = report.errors().map(ToString::to_string).collect();
            tracing::warn!(record = %source, errors = %why.join("; "), "console record skipped");
            None
        }
    }
}

/// `"Org1 Peer 1" (r1/org1peer1, grpcs://host:7051)`.
fn describe(name: &str, names: &Names, url: &str) -> String {
    format!("{name:?} ({}, {url})", names.known_as.join(", "))
}

impl Directory {
    /// Reads the library and every registered console.
    pub(crate) fn load(ws: &Workspace) -> Result<Directory, CoreError> {
        let now = unix_now();
        let mut dir = Directory::default();
        for row in ws.store().list_artifacts(None).map_err(from_store)? {
            if matches!(row.kind.as_str(), "peer" | "orderer" | "msp") {
                let artifact = rehydrate(&row, None)?;
                dir.add(artifact, None, row.id.clone());
            }
        }
        let mut clients = Vec::new();
        for summary in ws.consoles()? {
            let row = ws.console_row(&summary.name)?;
            clients.push((summary.name, summary.url, ws.console_client(&row)?));
        }
        let query = ComponentQuery {
            deployment_attrs: true,
            parsed_certs: false,
            skip_cache: true,
        };
        let answers = block_on(async move {
            let mut set = tokio::task::JoinSet::new();
            for (index, (name, url, client)) in clients.into_iter().enumerate() {
                // Each console's records are read as its files as soon as they arrive, beside
                // the other consoles' reads.
                set.spawn(async move {
                    let read = client
                        .list_components(query)
                        .await
                        .map(|records| read_console(&name, &url, records, now));
                    (index, name, read)
                });
            }
            let mut out = Vec::new();
            while let Some(done) = set.join_next().await {
                match done {
                    Ok(answer) => out.push(answer),
                    Err(e) => tracing::warn!(error = %e, "a console read stopped"),
                }
            }
            out.sort_by_key(|a| a.0);
            out
        })?;
        for (_, name, answer) in answers {
            match answer {
                Ok(read) => dir.add_console(&name, read),
                Err(e) => {
                    // Reported with the result (`unanswered`); the log keeps it below the warnings.
                    tracing::info!(console = %name, error = %e, "console not read");
                    dir.unanswered.push(format!("{name}: {e}"));
                }
            }
        }
        dir.peers.sort_by(|a, b| {
            a.node
                .name
                .cmp(&b.node.name)
                .then(a.node.api_url.cmp(&b.node.api_url))
        });
        Ok(dir)
    }

    fn add_console(&mut self, console: &str, read: ReadConsole) {
        let ReadConsole {
            records,
            artifacts,
            clusters,
        } = read;
        for (record, artifact) in records.into_iter().zip(artifacts) {
            let source = format!("{console}/{}", record.id);
            if let Some(artifact) = artifact {
                self.add(artifact, Some(console), source);
            }
            if record.kind() != Some(ComponentType::Peer) {
                continue;
            }
            let Some(url) = record.api_url.clone() else {
                continue;
            };
            if !record.is_imported() {
                for p in self
                    .peers
                    .iter_mut()
                    .filter(|p| same_url(&p.node.api_url, &url))
                {
                    p.home = Some(console.to_owned());
                }
            }
            if let Some(p) = self
                .peers
                .iter_mut()
                .find(|p| same_url(&p.node.api_url, &url))
            {
                p.records.push((console.to_owned(), record));
            }
        }
        for (cluster, artifact) in clusters {
            if let Some(artifact) = artifact {
                self.add(artifact, Some(console), format!("{console}/{cluster}"));
            }
        }
    }

    fn add(&mut self, artifact: Artifact, console: Option<&str>, known_as: String) {
        match artifact {
            Artifact::Peer(peer) => {
                let existing = self
                    .peers
                    .iter_mut()
                    .find(|p| same_url(&p.node.api_url, peer.api_url()));
                let node = match existing {
                    Some(node) => node,
                    None => {
                        self.peers.push(PeerNode {
                            node: NodeRef {
                                name: peer.display_name().to_owned(),
                                known_as: Vec::new(),
                                msp_id: peer.msp_id().to_owned(),
                                api_url: peer.api_url().trim_end_matches('/').to_owned(),
                            },
                            names: Names::default(),
                            tls_root_pems: Vec::new(),
                            admin_certs: Vec::new(),
                            ca_roots: Vec::new(),
                            node_ou: false,
                            home: None,
                            records: Vec::new(),
                        });
                        let Some(last) = self.peers.last_mut() else {
                            return;
                        };
                        last
                    }
                };
                node.names.add(console, known_as, peer.display_name());
                node.node.known_as.clone_from(&node.names.known_as);
                extend_unique(&mut node.tls_root_pems, &tls_roots(&peer));
                extend_unique(&mut node.admin_certs, peer.admin_certs());
                extend_unique(&mut node.ca_roots, peer.ca_root_certs());
                node.node_ou |= peer.node_ou_enabled();
            }
            Artifact::Orderer(orderer) => {
                let endpoints: Vec<PeerEndpoint> = orderer
                    .nodes()
                    .iter()
                    .map(|n| PeerEndpoint {
                        api_url: n.api_url().trim_end_matches('/').to_owned(),
                        tls_root_pems: tls_roots(n),
                        client_tls: None,
                    })
                    .collect();
                let name = Artifact::Orderer(orderer).display_name().to_owned();
                let existing = self.orderers.iter_mut().find(|o| {
                    o.nodes
                        .iter()
                        .any(|n| endpoints.iter().any(|e| same_url(&e.api_url, &n.api_url)))
                });
                match existing {
                    Some(service) => {
                        service.names.add(console, known_as, &name);
                        for e in endpoints {
                            if !service
                                .nodes
                                .iter()
                                .any(|n| same_url(&n.api_url, &e.api_url))
                            {
                                service.nodes.push(e);
                            }
                        }
                    }
                    None => {
                        let mut names = Names::default();
                        names.add(console, known_as, &name);
                        self.orderers.push(OrdererService {
                            name,
                            names,
                            nodes: endpoints,
                        });
                    }
                }
            }
            Artifact::Msp(msp) => self.msps.push((known_as, msp)),
            Artifact::Ca(_) | Artifact::Identity(_) => {}
        }
    }

    /// The MSP id of the MSP definition `id` of `console`, if that console listed it.
    pub(crate) fn console_msp_id(&self, console: &str, id: &str) -> Option<&str> {
        let known_as = format!("{console}/{id}");
        self.msps
            .iter()
            .find(|(k, _)| *k == known_as)
            .map(|(_, m)| m.msp_id())
    }

    /// Why `console` could not be read, if it could not.
    pub(crate) fn unanswered_for(&self, console: &str) -> Option<String> {
        self.unanswered
            .iter()
            .find(|u| u.strip_prefix(console).is_some_and(|r| r.starts_with(": ")))
            .cloned()
    }

    fn not_asked(&self) -> String {
        if self.unanswered.is_empty() {
            String::new()
        } else {
            format!(" (not read: {})", self.unanswered.join("; "))
        }
    }

    /// The peer `wanted` names; `field` is the argument it came from (for errors).
    pub(crate) fn peer(&self, field: &str, wanted: &str) -> Result<&PeerNode, CoreError> {
        let wanted = wanted.trim();
        let found: Vec<&PeerNode> = self
            .peers
            .iter()
            .filter(|p| p.names.answers_to(wanted))
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => {
                let known: Vec<String> = self
                    .peers
                    .iter()
                    .map(|p| describe(&p.node.name, &p.names, &p.node.api_url))
                    .collect();
                Err(CoreError::InvalidInput {
                    field: field.to_owned(),
                    reason: format!(
                        "no peer of the library or of a registered console is named {wanted:?}; peers: {}{}",
                        if known.is_empty() { "none".to_owned() } else { known.join("; ") },
                        self.not_asked()
                    ),
                })
            }
            many => Err(CoreError::InvalidInput {
                field: field.to_owned(),
                reason: format!(
                    "{wanted:?} names {} peers: {}; name one as CONSOLE/ID",
                    many.len(),
                    many.iter()
                        .map(|p| describe(&p.node.name, &p.names, &p.node.api_url))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            }),
        }
    }

    /// The ordering service `wanted` names.
    pub(crate) fn orderer(&self, field: &str, wanted: &str) -> Result<&OrdererService, CoreError> {
        let wanted = wanted.trim();
        let found: Vec<&OrdererService> = self
            .orderers
            .iter()
            .filter(|o| o.names.answers_to(wanted))
            .collect();
        let first_url = |o: &OrdererService| {
            o.nodes
                .first()
                .map(|n| n.api_url.clone())
                .unwrap_or_default()
        };
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(CoreError::InvalidInput {
                field: field.to_owned(),
                reason: format!(
                    "no ordering service of the library or of a registered console is named {wanted:?}; ordering services: {}{}",
                    if self.orderers.is_empty() {
                        "none".to_owned()
                    } else {
                        self.orderers
                            .iter()
                            .map(|o| describe(&o.name, &o.names, &first_url(o)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                    self.not_asked()
                ),
            }),
            many => Err(CoreError::InvalidInput {
                field: field.to_owned(),
                reason: format!(
                    "{wanted:?} names {} ordering services: {}; name one as CONSOLE/ID",
                    many.len(),
                    many.iter()
                        .map(|o| describe(&o.name, &o.names, &first_url(o)))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            }),
        }
    }

    /// How strongly `cert` is an admin of `peer`: `Some(0)` when its certificate is listed
    /// (the peer's admin certs, or the admins of an MSP definition of its MSP id it belongs
    /// to), `Some(1)` when only its admin OU makes it one (Node OUs), `None` otherwise.
    fn admin_rank(&self, cert: &Cert, peer: &PeerNode) -> Option<u8> {
        let msps = || {
            self.msps
                .iter()
                .map(|(_, m)| m)
                .filter(|m| m.msp_id() == peer.node.msp_id)
        };
        if peer.admin_certs.contains(cert)
            || msps().any(|m| m.admins().contains(cert) && artifacts::is_member(cert, m))
        {
            return Some(0);
        }
        let admin_ou = peer.node_ou
            && artifacts::issuing_root(cert, &peer.ca_roots).is_some()
            && cert.organizational_units().iter().any(|ou| ou == "admin");
        (admin_ou || msps().any(|m| artifacts::can_administer(cert, m))).then_some(1)
    }
}

/// A client TLS certificate (PEM) and its private key (PEM): what a connection presents to a
/// node that requires mutual TLS.
pub(crate) type ClientTls = (String, Sensitive<String>);

/// A wallet identity ready to sign for one organization, and the client TLS certificate its
/// connections present. The key lives only inside the signer.
#[derive(Debug)]
pub(crate) struct Signing {
    /// The wallet name, reported with every result and error.
    pub(crate) identity: String,
    /// The signer (MSP id of the node it signs for).
    pub(crate) signer: Signer,
    /// The client TLS certificate and key of `--tls-as`, if one was named.
    pub(crate) client_tls: Option<ClientTls>,
}

impl Signing {
    /// The same, its connections presenting `client_tls`.
    pub(crate) fn presenting(self, client_tls: Option<&ClientTls>) -> Signing {
        Signing {
            client_tls: client_tls.cloned(),
            ..self
        }
    }

    /// An error of a call to `node`, naming this identity.
    pub(crate) fn fail<'a>(&'a self, node: &'a str) -> impl Fn(NetError) -> CoreError + 'a {
        move |error| CoreError::Fabric {
            node: node.to_owned(),
            identity: self.identity.clone(),
            error,
        }
    }
}

/// A wallet identity's id, name and certificate.
struct WalletEntry {
    id: String,
    name: String,
    cert: Cert,
}

/// The PEM text of a stored private key (base64 of its PEM); why not when it is not one.
fn key_pem(key_b64: &Sensitive<String>) -> Result<Sensitive<String>, &'static str> {
    let bytes = STANDARD
        .decode(key_b64.expose().trim())
        .map_err(|_| "its private key is not base64")?;
    let text = String::from_utf8(bytes).map_err(|e| {
        e.into_bytes().zeroize();
        "its private key is not PEM text"
    })?;
    Ok(Sensitive::new(text))
}

impl Workspace {
    fn wallet_entries(&self) -> Result<Vec<WalletEntry>, CoreError> {
        let rows = self
            .store()
            .list_artifacts(Some("identity"))
            .map_err(from_store)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let body: serde_json::Value = serde_json::from_str(&row.body).map_err(|e| {
                CoreError::Storage(format!("stored identity {} is unreadable: {e}", row.id))
            })?;
            match body
                .get("cert")
                .and_then(|v| v.as_str())
                .map(Cert::from_b64pem)
            {
                Some(Ok(cert)) => out.push(WalletEntry {
                    id: row.id,
                    name: row.display_name,
                    cert,
                }),
                _ => {
                    tracing::warn!(identity = %row.id, "wallet identity without a readable certificate")
                }
            }
        }
        Ok(out)
    }

    /// The identity that signs for `peer`: the wallet identity `named` (name or id), else the
    /// wallet's admin of the peer's organization (a listed admin certificate first, then an
    /// admin OU; by name among equals).
    pub(crate) fn signing_for(
        &self,
        dir: &Directory,
        peer: &PeerNode,
        named: Option<&str>,
    ) -> Result<Signing, CoreError> {
        let wallet = self.wallet_entries()?;
        let chosen = match named.map(str::trim).filter(|n| !n.is_empty()) {
            Some(named) => wallet
                .iter()
                .find(|w| w.id == named)
                .or_else(|| wallet.iter().find(|w| w.name == named))
                .ok_or_else(|| CoreError::NotFound {
                    what: format!("wallet identity {named:?}"),
                })?,
            None => {
                let mut admins: Vec<(u8, &WalletEntry)> = wallet
                    .iter()
                    .filter_map(|w| dir.admin_rank(&w.cert, peer).map(|r| (r, w)))
                    .collect();
                admins.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
                admins
                    .first()
                    .map(|(_, w)| *w)
                    .ok_or_else(|| CoreError::NoAdminIdentity {
                        msp_id: peer.node.msp_id.clone(),
                        node: peer.node.name.clone(),
                    })?
            }
        };
        let unusable = |why: &str| CoreError::InvalidInput {
            field: "--as".into(),
            reason: format!("wallet identity {:?} cannot sign: {why}", chosen.name),
        };
        let key_b64 = self.private_key_of(chosen)?;
        let key_pem = key_pem(&key_b64).map_err(unusable)?;
        let signer = Signer::new(&peer.node.msp_id, &pem_of(&chosen.cert), &key_pem)
            .map_err(|e| unusable(&e.message))?;
        tracing::info!(identity = %chosen.name, msp_id = %peer.node.msp_id, node = %peer.node.name, "signing identity");
        Ok(Signing {
            identity: chosen.name.clone(),
            signer,
            client_tls: None,
        })
    }

    /// The client TLS certificate and key of wallet identity `named` (name or id), for nodes
    /// that require mutual TLS (`--tls-as`); `None` without a name. The key must be the
    /// certificate's. Only the identity's name appears in errors and logs.
    pub(crate) fn client_tls_for(
        &self,
        named: Option<&str>,
    ) -> Result<Option<ClientTls>, CoreError> {
        Ok(self.client_tls_named(named)?.map(|(_, tls)| tls))
    }

    /// [`Self::client_tls_for`] with the wallet identity's name, for results that say which
    /// client certificate was presented.
    pub(crate) fn client_tls_named(
        &self,
        named: Option<&str>,
    ) -> Result<Option<(String, ClientTls)>, CoreError> {
        let Some(named) = named.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        let invalid = |reason: String| CoreError::InvalidInput {
            field: "--tls-as".into(),
            reason,
        };
        let wallet = self.wallet_entries()?;
        let chosen = wallet
            .iter()
            .find(|w| w.id == named)
            .or_else(|| wallet.iter().find(|w| w.name == named))
            .ok_or_else(|| {
                invalid(format!(
                    "no wallet identity is named {named:?}: enroll the TLS identity at the organization's TLS CA into the wallet (`fabric-ha ca enroll CA --ca-name tlsca ... --as NAME`) or import its identity file"
                ))
            })?;
        let unusable = |why: &str| {
            invalid(format!(
                "wallet identity {:?} cannot be the client TLS identity: {why}",
                chosen.name
            ))
        };
        let key_b64 = self.private_key_of(chosen)?;
        artifacts::key_fits(&chosen.cert, key_b64.expose()).map_err(|why| unusable(&why))?;
        let key_pem = key_pem(&key_b64).map_err(unusable)?;
        tracing::info!(identity = %chosen.name, "client TLS identity");
        Ok(Some((chosen.name.clone(), (pem_of(&chosen.cert), key_pem))))
    }

    /// The stored private key of a wallet identity: base64 of its PEM.
    fn private_key_of(&self, entry: &WalletEntry) -> Result<Sensitive<String>, CoreError> {
        self.with_vault(|vault, store| {
            vault
                .get_str(store, &private_key_secret_id(&entry.id))
                .map_err(from_store)
        })
    }
}

/// A console's peer and MSP records with what each reads as (the console's own file, checked),
/// and its ordering clusters read the same way.
struct ReadConsole {
    records: Vec<Component>,
    artifacts: Vec<Option<Artifact>>,
    clusters: Vec<(String, Option<Artifact>)>,
}

/// Reads the records console `console` (at `url`) answered as its files.
fn read_console(console: &str, url: &str, records: Vec<Component>, now: i64) -> ReadConsole {
    let mut clusters: Vec<(String, Vec<&Component>)> = Vec::new();
    let mut kept = Vec::new();
    let mut artifacts = Vec::new();
    for record in &records {
        match record.kind() {
            Some(ComponentType::Peer | ComponentType::Msp) => {
                let source = format!("{console}/{}", record.id);
                artifacts.push(file_of(record, url).and_then(|v| read_record(&source, &v, now)));
                kept.push(record);
            }
            Some(ComponentType::Orderer) => {
                let cluster = cluster_of(record);
                match clusters.iter_mut().find(|(id, _)| *id == cluster) {
                    Some((_, nodes)) => nodes.push(record),
                    None => clusters.push((cluster, vec![record])),
                }
            }
            Some(ComponentType::Ca) | None => {}
        }
    }
    let clusters = clusters
        .into_iter()
        .map(|(cluster, nodes)| {
            let source = format!("{console}/{cluster}");
            let artifact = cluster_file(&nodes).and_then(|v| read_record(&source, &v, now));
            (cluster, artifact)
        })
        .collect();
    let records = kept.into_iter().cloned().collect();
    ReadConsole {
        records,
        artifacts,
        clusters,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn peer(name: &str, url: &str, places: &[(Option<&str>, &str)]) -> PeerNode {
        let mut names = Names::default();
        for (console, known_as) in places {
            names.add(*console, (*known_as).to_owned(), name);
        }
        PeerNode {
            node: NodeRef {
                name: name.to_owned(),
                known_as: names.known_as.clone(),
                msp_id: "org1msp".into(),
                api_url: url.to_owned(),
            },
            names,
            tls_root_pems: Vec::new(),
            admin_certs: Vec::new(),
            ca_roots: Vec::new(),
            node_ou: false,
            home: None,
            records: Vec::new(),
        }
    }

    #[test]
    fn the_client_tls_identity_is_read_from_the_wallet_and_its_key_must_fit() {
        use crate::workspace::OpenOptions;
        use fabric_ha_artifacts::testdata::Pki;
        let tmp = tempfile::tempdir().unwrap();
        let ws = Workspace::open(OpenOptions {
            data_dir: tmp.path().to_path_buf(),
            passphrase: Some(Sensitive::new("client tls".into())),
            use_keyring: false,
            kdf: fabric_ha_store::KdfParams::insecure_fast(),
        })
        .unwrap();
        let pki = Pki::new();
        let report = ws
            .import_files(vec![(
                "admin_identity.json".into(),
                pki.identity().to_string().into_bytes(),
            )])
            .unwrap();
        assert!(report.all_accepted(), "{report:?}");
        let id = report.files[0].artifacts[0].id.clone();

        assert!(ws.client_tls_for(None).unwrap().is_none());
        assert!(ws.client_tls_for(Some("  ")).unwrap().is_none());
        let (cert, key) = ws.client_tls_for(Some("Org1 Admin")).unwrap().unwrap();
        assert_eq!(cert, pki.admin.pem());
        assert_eq!(key.expose().trim(), pki.admin.key.pkcs8_pem().trim());
        assert!(ws.client_tls_for(Some(&id)).unwrap().is_some());

        let unknown = ws.client_tls_for(Some("nobody")).unwrap_err();
        assert!(
            matches!(&unknown, CoreError::InvalidInput { field, reason }
                if field == "--tls-as" && reason.contains("no wallet identity is named \"nobody\"")),
            "{unknown}"
        );
        // A stored key that is not the certificate's: refused, naming the identity, not the key.
        let other = pki.admin2.key_b64();
        ws.with_vault(|vault, store| {
            vault
                .put_str(store, &private_key_secret_id(&id), &other)
                .map_err(from_store)
        })
        .unwrap();
        let mismatch = ws
            .client_tls_for(Some("Org1 Admin"))
            .unwrap_err()
            .to_string();
        assert!(
            mismatch.starts_with("--tls-as: wallet identity \"Org1 Admin\""),
            "{mismatch}"
        );
        assert!(
            mismatch.contains("does not belong to its certificate"),
            "{mismatch}"
        );
        assert!(!mismatch.contains(&other), "{mismatch}");
    }

    #[test]
    fn names_resolve_by_display_name_console_id_and_library_id() {
        let dir = Directory {
            peers: vec![
                peer(
                    "Org1 Peer 1",
                    "grpcs://a:7051",
                    &[(Some("r1"), "r1/org1peer1"), (None, "peer-0123456789ab")],
                ),
                peer("Peer", "grpcs://b:7051", &[(Some("r2"), "r2/p")]),
                peer("Peer", "grpcs://c:7051", &[(Some("r3"), "r3/p")]),
            ],
            unanswered: vec!["r4: unreachable".into()],
            ..Directory::default()
        };
        for name in [
            "Org1 Peer 1",
            "r1/org1peer1",
            "peer-0123456789ab",
            "r1/Org1 Peer 1",
        ] {
            assert_eq!(
                dir.peer("PEER", name).unwrap().node.api_url,
                "grpcs://a:7051"
            );
        }
        assert_eq!(
            dir.peer("PEER", "r3/Peer").unwrap().node.api_url,
            "grpcs://c:7051"
        );
        let ambiguous = dir.peer("PEER", "Peer").unwrap_err().to_string();
        assert!(ambiguous.contains("names 2 peers"), "{ambiguous}");
        assert!(
            ambiguous.contains("r2/p") && ambiguous.contains("r3/p"),
            "{ambiguous}"
        );
        let unknown = dir
            .peer("--from", "r2/Org1 Peer 1")
            .unwrap_err()
            .to_string();
        assert!(unknown.starts_with("--from: no peer"), "{unknown}");
        assert!(
            unknown.contains("\"Org1 Peer 1\" (r1/org1peer1, peer-0123456789ab, grpcs://a:7051)"),
            "{unknown}"
        );
        assert!(unknown.contains("not read: r4: unreachable"), "{unknown}");
    }
}
