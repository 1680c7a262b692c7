//! An ordering service: its own CA, one or three Raft orderers with the channel participation
//! API and no system channel, and an admin for `osnadmin`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::ca::{CaServer, CaSpec};
use crate::health::{https_client, wait_until_answers, wait_until_listening};
use crate::msp::{enroll, write_msp, Enrollment, MspContent, OrgAdmin};
use crate::process::clean_command;
use crate::{free_port, mkdir, write, Binary, Error, Fabric, NodeProcess};

/// How long an orderer gets to answer `/healthz`.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// One ordering node.
#[derive(Debug)]
pub(crate) struct OrdererNode {
    pub(crate) process: NodeProcess,
    pub(crate) port: u16,
    pub(crate) admin_port: u16,
    pub(crate) operations_port: u16,
    /// The node's TLS certificate file (the Raft consenter's client and server cert).
    pub(crate) tls_cert_file: PathBuf,
}

/// A running ordering service. Dropping it stops every node and its CA.
#[derive(Debug)]
pub struct OrderingService {
    ca: CaServer,
    nodes: Vec<OrdererNode>,
    msp_id: String,
    org_msp_dir: PathBuf,
    tls_root_file: PathBuf,
    admin: OrgAdmin,
    admin_tls: Enrollment,
}

impl OrderingService {
    /// Starts the ordering organization's CA, then `nodes` orderers (1 or 3), in `dir/ordering`.
    pub async fn start(
        fabric: &Fabric,
        dir: &Path,
        msp_id: &str,
        nodes: usize,
    ) -> Result<OrderingService, Error> {
        OrderingService::start_with(fabric, dir, msp_id, nodes, None).await
    }

    /// [`OrderingService::start`] with orderers that require mutual TLS on their cluster and
    /// client port (`General.TLS.ClientAuthRequired`): a client must present a certificate
    /// issued by the ordering organization's TLS CA or by one of `client_root_pems` (the TLS
    /// CAs of the application organizations whose peers and admins connect; Fabric adds those
    /// of its channels' organizations once they exist).
    pub async fn start_requiring_client_tls(
        fabric: &Fabric,
        dir: &Path,
        msp_id: &str,
        nodes: usize,
        client_root_pems: &[String],
    ) -> Result<OrderingService, Error> {
        OrderingService::start_with(fabric, dir, msp_id, nodes, Some(client_root_pems)).await
    }

    async fn start_with(
        fabric: &Fabric,
        dir: &Path,
        msp_id: &str,
        nodes: usize,
        client_root_pems: Option<&[String]>,
    ) -> Result<OrderingService, Error> {
        if nodes != 1 && nodes != 3 {
            return Err(Error::Invalid(format!(
                "an ordering service here has 1 or 3 nodes, not {nodes}"
            )));
        }
        let home = dir.join("ordering");
        mkdir(&home)?;
        let ca = CaServer::start(
            fabric,
            &home,
            CaSpec {
                name: "ordererca".to_owned(),
                common_name: "ordererca".to_owned(),
                bootstrap: ("admin".to_owned(), "adminpw".to_owned()),
                identities: Vec::new(),
            },
        )
        .await?;
        let org_msp_dir = home.join("org-msp");
        write_msp(
            &org_msp_dir,
            MspContent {
                ca_root_pem: ca.ca_root_pem(),
                tlsca_root_pem: ca.tlsca_root_pem(),
                signer: None,
                admin_certs: &[],
            },
        )?;
        let tls_root_file = home.join("tls-root.pem");
        write(&tls_root_file, ca.tlsca_root_pem())?;

        ca.register(fabric, "ordereradmin", "ordereradminpw", "admin")
            .await?;
        let admin = OrgAdmin::enroll(
            fabric,
            &ca.endpoint("ca"),
            ca.tlsca_root_pem(),
            msp_id,
            "ordereradmin",
            "ordereradminpw",
            &home.join("admin"),
        )
        .await?;
        let admin_tls = enroll(
            fabric,
            &ca.endpoint("tlsca"),
            "ordereradmin",
            "ordereradminpw",
            &[],
            &home.join("admin").join("tls"),
        )
        .await?;

        let client_roots = match client_root_pems {
            Some(pems) => {
                let mut files = vec![tls_root_file.clone()];
                for (i, pem) in pems.iter().enumerate() {
                    let file = home.join(format!("client-root-{i}.pem"));
                    write(&file, pem)?;
                    files.push(file);
                }
                Some(files)
            }
            None => None,
        };
        let mut started = Vec::new();
        for i in 1..=nodes {
            let node = NodeSpec {
                msp_id,
                index: i,
                tls_root_file: &tls_root_file,
                client_roots: client_roots.as_deref(),
            };
            started.push(start_node(fabric, &ca, &home, node).await?);
        }
        let client = https_client(ca.tlsca_root_pem())?;
        for node in &mut started {
            let url = format!("https://127.0.0.1:{}/healthz", node.operations_port);
            wait_until_answers(
                &mut node.process,
                &client,
                &url,
                Some("\"OK\""),
                START_TIMEOUT,
            )
            .await?;
            // The channel participation API opens after the health endpoint answers.
            let admin = format!("127.0.0.1:{}", node.admin_port);
            wait_until_listening(&mut node.process, &admin, START_TIMEOUT).await?;
        }
        Ok(OrderingService {
            ca,
            nodes: started,
            msp_id: msp_id.to_owned(),
            org_msp_dir,
            tls_root_file,
            admin,
            admin_tls,
        })
    }

    /// The first node's address, `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        self.addresses().remove(0)
    }

    /// Every node's address.
    pub fn addresses(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect()
    }

    /// The ordering organization's MSP id.
    pub fn msp_id(&self) -> &str {
        &self.msp_id
    }

    /// The organization's verifying MSP folder (for `configtxgen`).
    pub fn org_msp_dir(&self) -> &Path {
        &self.org_msp_dir
    }

    /// The TLS CA root file that every node's TLS certificate chains to.
    pub fn tls_root_file(&self) -> &Path {
        &self.tls_root_file
    }

    /// PEM of the TLS CA root.
    pub fn tls_root_pem(&self) -> &str {
        self.ca.tlsca_root_pem()
    }

    /// The ordering organization's admin.
    pub fn admin(&self) -> &OrgAdmin {
        &self.admin
    }

    /// The admin's TLS client certificate enrollment (for `osnadmin`).
    pub(crate) fn admin_tls(&self) -> &Enrollment {
        &self.admin_tls
    }

    pub(crate) fn nodes(&self) -> &[OrdererNode] {
        &self.nodes
    }

    /// Process ids of the nodes and the CA (none once stopped).
    pub fn pids(&self) -> Vec<u32> {
        self.nodes
            .iter()
            .filter_map(|n| n.process.pid())
            .chain(self.ca.pid())
            .collect()
    }

    /// Stops every node and the CA (also done on drop).
    pub fn stop(&mut self) {
        for node in &mut self.nodes {
            node.process.stop();
        }
        self.ca.stop();
    }
}

/// One node to start.
struct NodeSpec<'a> {
    msp_id: &'a str,
    index: usize,
    /// The ordering organization's TLS CA root file.
    tls_root_file: &'a Path,
    /// The client root CA files, when clients must present a certificate.
    client_roots: Option<&'a [PathBuf]>,
}

async fn start_node(
    fabric: &Fabric,
    ca: &CaServer,
    home: &Path,
    spec: NodeSpec<'_>,
) -> Result<OrdererNode, Error> {
    let NodeSpec {
        msp_id,
        index,
        tls_root_file,
        client_roots,
    } = spec;
    let name = format!("orderer{index}");
    let dir = home.join(&name);
    let secret = format!("{name}pw");
    ca.register(fabric, &name, &secret, "orderer").await?;
    let ecert = enroll(
        fabric,
        &ca.endpoint("ca"),
        &name,
        &secret,
        &[],
        &dir.join("enroll").join("ecert"),
    )
    .await?;
    let tls = enroll(
        fabric,
        &ca.endpoint("tlsca"),
        &name,
        &secret,
        &["127.0.0.1".to_owned(), "localhost".to_owned()],
        &dir.join("enroll").join("tls"),
    )
    .await?;
    write_msp(
        &dir.join("msp"),
        MspContent {
            ca_root_pem: &ecert.root_pem,
            tlsca_root_pem: &tls.root_pem,
            signer: Some(&ecert),
            admin_certs: &[],
        },
    )?;
    let tls_dir = dir.join("tls");
    mkdir(&tls_dir)?;
    let cert = tls_dir.join("server.crt");
    let key = tls_dir.join("server.key");
    write(&cert, &tls.cert_pem)?;
    std::fs::copy(&tls.key_path, &key)
        .map_err(|e| Error::io("cannot copy the orderer's TLS key", e))?;

    let port = free_port()?;
    let admin_port = free_port()?;
    let operations_port = free_port()?;
    let p = |p: &Path| p.display().to_string();
    let list = |p: &Path| format!("[{}]", p.display());
    let mut cmd = clean_command(&fabric.bin(Binary::Orderer), &dir);
    cmd.current_dir(&dir)
        .env("FABRIC_CFG_PATH", fabric.config_dir())
        .env("ORDERER_GENERAL_LISTENADDRESS", "127.0.0.1")
        .env("ORDERER_GENERAL_LISTENPORT", port.to_string())
        .env("ORDERER_GENERAL_LOCALMSPID", msp_id)
        .env("ORDERER_GENERAL_LOCALMSPDIR", p(&dir.join("msp")))
        .env("ORDERER_GENERAL_BOOTSTRAPMETHOD", "none")
        .env("ORDERER_GENERAL_TLS_ENABLED", "true")
        .env("ORDERER_GENERAL_TLS_CERTIFICATE", p(&cert))
        .env("ORDERER_GENERAL_TLS_PRIVATEKEY", p(&key))
        .env("ORDERER_GENERAL_TLS_ROOTCAS", list(tls_root_file))
        .env("ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE", p(&cert))
        .env("ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY", p(&key))
        .env("ORDERER_GENERAL_CLUSTER_ROOTCAS", list(tls_root_file))
        .env("ORDERER_CHANNELPARTICIPATION_ENABLED", "true")
        .env(
            "ORDERER_ADMIN_LISTENADDRESS",
            format!("127.0.0.1:{admin_port}"),
        )
        .env("ORDERER_ADMIN_TLS_ENABLED", "true")
        .env("ORDERER_ADMIN_TLS_CERTIFICATE", p(&cert))
        .env("ORDERER_ADMIN_TLS_PRIVATEKEY", p(&key))
        .env("ORDERER_ADMIN_TLS_ROOTCAS", list(tls_root_file))
        .env("ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED", "true")
        .env("ORDERER_ADMIN_TLS_CLIENTROOTCAS", list(tls_root_file))
        .env(
            "ORDERER_OPERATIONS_LISTENADDRESS",
            format!("127.0.0.1:{operations_port}"),
        )
        .env("ORDERER_OPERATIONS_TLS_ENABLED", "true")
        .env("ORDERER_OPERATIONS_TLS_CERTIFICATE", p(&cert))
        .env("ORDERER_OPERATIONS_TLS_PRIVATEKEY", p(&key))
        .env("ORDERER_OPERATIONS_TLS_CLIENTROOTCAS", list(tls_root_file))
        .env("ORDERER_METRICS_PROVIDER", "prometheus")
        .env("FABRIC_LOGGING_FORMAT", crate::peer::LOG_FORMAT)
        .env("ORDERER_FILELEDGER_LOCATION", p(&dir.join("ledger")))
        .env(
            "ORDERER_CONSENSUS_WALDIR",
            p(&dir.join("etcdraft").join("wal")),
        )
        .env(
            "ORDERER_CONSENSUS_SNAPDIR",
            p(&dir.join("etcdraft").join("snapshot")),
        );
    if let Some(roots) = client_roots {
        let files: Vec<String> = roots.iter().map(|f| p(f)).collect();
        cmd.env("ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED", "true")
            .env(
                "ORDERER_GENERAL_TLS_CLIENTROOTCAS",
                format!("[{}]", files.join(",")),
            );
    }
    let log = home.join(format!("{name}.log"));
    let process = NodeProcess::spawn(&name, cmd, &log)?;
    Ok(OrdererNode {
        process,
        port,
        admin_port,
        operations_port,
        tls_cert_file: cert,
    })
}
