//! A `fabric-ca-server` as a console deploys one: CA names `ca` and `tlsca` on one TLS endpoint,
//! sharing one user registry, so one enroll id works at both (what the console's create-peer
//! relies on).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::health::{answers, https_client, wait_until_answers};
use crate::msp::{enroll, register, CaEndpoint, Enrollment};
use crate::process::clean_command;
use crate::{free_port, mkdir, read, write, Binary, Error, Fabric, NodeProcess};

/// How long a CA gets to answer `/cainfo` after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// An identity of the CA's registry besides the bootstrap admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryIdentity {
    /// Enroll id.
    pub name: String,
    /// Enroll secret.
    pub pass: String,
    /// Identity type (`client`, `peer`, `admin`, `orderer`).
    pub kind: String,
}

/// What to start.
#[derive(Debug, Clone)]
pub struct CaSpec {
    /// The node's name: its folder and log (`<name>.log`).
    pub name: String,
    /// Common name of the enrollment CA's root (the TLS CA's is `<cn>-tls`).
    pub common_name: String,
    /// The bootstrap admin (enroll id, secret), a registrar for every type.
    pub bootstrap: (String, String),
    /// Further identities, registered by the bootstrap admin once the CA runs.
    pub identities: Vec<RegistryIdentity>,
}

impl CaSpec {
    /// The real-network tests' organization CA: `org1ca`, bootstrap admin `admin` / `adminpw`,
    /// with `identities` (enroll id, type) registered once it runs, each with the secret
    /// `<enroll id>pw`.
    pub fn org1(identities: &[(&str, &str)]) -> CaSpec {
        CaSpec {
            name: "org1ca".into(),
            common_name: "org1ca".into(),
            bootstrap: ("admin".into(), "adminpw".into()),
            identities: identities
                .iter()
                .map(|(name, kind)| RegistryIdentity {
                    name: (*name).into(),
                    pass: format!("{name}pw"),
                    kind: (*kind).into(),
                })
                .collect(),
        }
    }
}

/// A running Fabric CA. Dropping it stops the server; its folder stays with the parent's.
#[derive(Debug)]
pub struct CaServer {
    process: NodeProcess,
    dir: PathBuf,
    port: u16,
    operations_port: u16,
    tls_cert_pem: String,
    ca_root_pem: String,
    tlsca_root_pem: String,
    admin: Enrollment,
}

impl CaServer {
    /// Starts a CA in `dir/<spec.name>` and waits until both CA names answer `cainfo`, then
    /// enrolls the bootstrap admin and registers `spec.identities`.
    pub async fn start(fabric: &Fabric, dir: &Path, spec: CaSpec) -> Result<CaServer, Error> {
        Self::start_inner(fabric, dir, spec, None).await
    }

    /// [`CaServer::start`] with the server's `signing.default.expiry` set (a Go duration, e.g.
    /// `240h`): both its CAs (enrollment and TLS) issue certificates that end that soon (for
    /// expiry tests).
    pub async fn start_with_signing_expiry(
        fabric: &Fabric,
        dir: &Path,
        spec: CaSpec,
        expiry: &str,
    ) -> Result<CaServer, Error> {
        Self::start_inner(fabric, dir, spec, Some(expiry)).await
    }

    async fn start_inner(
        fabric: &Fabric,
        dir: &Path,
        spec: CaSpec,
        signing_expiry: Option<&str>,
    ) -> Result<CaServer, Error> {
        let home = dir.join(&spec.name);
        if home.exists() {
            // What a failed earlier attempt left behind.
            std::fs::remove_dir_all(&home)
                .map_err(|e| Error::io(format!("cannot clear {}", home.display()), e))?;
        }
        mkdir(&home.join("tlsca"))?;
        let port = free_port()?;
        let operations_port = free_port()?;
        let cn = |s: &str| s.replace(['\'', '"', '\n'], "");
        write(
            &home.join("tlsca").join("fabric-ca-config.yaml"),
            format!(
                "ca:\n  name: tlsca\ndb:\n  type: sqlite3\n  datasource: ../fabric-ca-server.db\ncsr:\n  cn: '{}-tls'\n  hosts: [127.0.0.1, localhost]\n",
                cn(&spec.common_name)
            ),
        )?;
        let mut cmd = clean_command(&fabric.bin(Binary::FabricCaServer), &home);
        cmd.current_dir(&home)
            .env(
                "FABRIC_CA_SERVER_BOOT",
                format!("{}:{}", spec.bootstrap.0, spec.bootstrap.1),
            )
            .args(["start", "-H"])
            .arg(&home)
            .args(["--address", "127.0.0.1", "--port", &port.to_string()])
            .args(["--tls.enabled", "--ca.name", "ca"])
            .args(["--csr.cn", &cn(&spec.common_name)])
            .args(["--csr.hosts", "127.0.0.1,localhost"])
            .args(["--cafiles", "tlsca/fabric-ca-config.yaml"])
            .args(["--registry.maxenrollments", "-1"])
            .arg("--operations.listenaddress")
            .arg(format!("127.0.0.1:{operations_port}"))
            .args(["--metrics.provider", "disabled"]);
        if let Some(expiry) = signing_expiry {
            // The server reads its configuration's keys from FABRIC_CA_SERVER_* too.
            cmd.env("FABRIC_CA_SERVER_SIGNING_DEFAULT_EXPIRY", expiry);
        }
        let log = dir.join(format!("{}.log", spec.name));
        let mut process = NodeProcess::spawn(&spec.name, cmd, &log)?;

        // The CA's root is written first; its TLS certificate, issued by that root, before it
        // listens. Read files only once complete, and the TLS certificate once it answers.
        let root_path = home.join("ca-cert.pem");
        let url = format!("https://127.0.0.1:{port}");
        let started = std::time::Instant::now();
        let ca_root_pem = loop {
            let text = std::fs::read_to_string(&root_path).unwrap_or_default();
            if text.contains("-----END CERTIFICATE-----") {
                break text;
            }
            if !process.is_running() {
                return Err(Error::Exited {
                    what: spec.name.clone(),
                    log: process.log_tail(20),
                });
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(Error::Timeout {
                    what: spec.name.clone(),
                    after: START_TIMEOUT,
                    log: process.log_tail(20),
                });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let client = https_client(&ca_root_pem)?;
        for name in ["ca", "tlsca"] {
            wait_until_answers(
                &mut process,
                &client,
                &format!("{url}/cainfo?ca={name}"),
                Some("\"success\":true"),
                START_TIMEOUT,
            )
            .await?;
        }
        let tls_cert_pem = read(&home.join("tls-cert.pem"))?;
        let tlsca_root_pem = read(&home.join("tlsca").join("ca-cert.pem"))?;
        let endpoint = CaEndpoint {
            url: url.clone(),
            tls_cert_pem: tls_cert_pem.clone(),
            ca_name: Some("ca".to_owned()),
        };
        let admin = enroll(
            fabric,
            &endpoint,
            &spec.bootstrap.0,
            &spec.bootstrap.1,
            &[],
            &home.join("clients").join("bootstrap-admin"),
        )
        .await?;
        let server = CaServer {
            process,
            dir: home,
            port,
            operations_port,
            tls_cert_pem,
            ca_root_pem,
            tlsca_root_pem,
            admin,
        };
        for identity in &spec.identities {
            server
                .register(fabric, &identity.name, &identity.pass, &identity.kind)
                .await?;
        }
        Ok(server)
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// The API port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The operations endpoint (`http://127.0.0.1:PORT`, `/healthz`).
    pub fn operations_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.operations_port)
    }

    /// PEM of the server's TLS certificate (issued by the `ca` CA itself).
    pub fn tls_cert_pem(&self) -> &str {
        &self.tls_cert_pem
    }

    /// PEM of the enrollment CA's root (`ca`).
    pub fn ca_root_pem(&self) -> &str {
        &self.ca_root_pem
    }

    /// PEM of the TLS CA's root (`tlsca`).
    pub fn tlsca_root_pem(&self) -> &str {
        &self.tlsca_root_pem
    }

    /// The server's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This server, with CA name `ca_name` (`ca` or `tlsca`).
    pub fn endpoint(&self, ca_name: &str) -> CaEndpoint {
        CaEndpoint {
            url: self.url(),
            tls_cert_pem: self.tls_cert_pem.clone(),
            ca_name: Some(ca_name.to_owned()),
        }
    }

    /// Registers `id` (type `kind`) with `secret` at `ca`, as the bootstrap admin; both CA
    /// names see it.
    pub async fn register(
        &self,
        fabric: &Fabric,
        id: &str,
        secret: &str,
        kind: &str,
    ) -> Result<(), Error> {
        register(fabric, &self.endpoint("ca"), &self.admin, id, secret, kind).await
    }

    /// True when `cainfo` answers.
    pub async fn healthy(&self) -> bool {
        match https_client(&self.ca_root_pem) {
            Ok(client) => answers(&client, &format!("{}/cainfo", self.url()), None).await,
            Err(_) => false,
        }
    }

    /// The process id; `None` once stopped.
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        self.process.is_running()
    }

    /// Stops the server (also done on drop); its folder (keys, certificates, registry) stays.
    pub fn stop(&mut self) {
        self.process.stop();
    }

    /// Starts the stopped server again from its folder: the same port, CA keys and
    /// certificates, TLS certificate and registry. Returns once both CA names answer `cainfo`
    /// (bounded); an error while it runs, or when it came back with another TLS certificate.
    /// Call it from a thread that outlives the server (see [`NodeProcess::start_again`]).
    pub async fn start_again(&mut self) -> Result<(), Error> {
        self.process.start_again()?;
        let client = https_client(&self.ca_root_pem)?;
        let url = self.url();
        for name in ["ca", "tlsca"] {
            wait_until_answers(
                &mut self.process,
                &client,
                &format!("{url}/cainfo?ca={name}"),
                Some("\"success\":true"),
                START_TIMEOUT,
            )
            .await?;
        }
        let tls_cert_pem = read(&self.dir.join("tls-cert.pem"))?;
        if tls_cert_pem != self.tls_cert_pem {
            return Err(Error::Invalid(format!(
                "{} came back with another TLS certificate",
                self.process.name()
            )));
        }
        Ok(())
    }
}
