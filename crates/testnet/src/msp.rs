//! Enrollment with `fabric-ca-client` and the MSP folders Fabric nodes and the `peer` CLI read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::process::{clean_command, run_tool};
use crate::{mkdir, only_file, read, write, Binary, Error, Fabric};

/// How long one `fabric-ca-client` call may take.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);

/// A Fabric CA to enroll or register at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaEndpoint {
    /// `https://host:port`.
    pub url: String,
    /// PEM of the CA server's TLS certificate (the TLS pin).
    pub tls_cert_pem: String,
    /// The CA name inside the server (`ca`, `tlsca`); `None` for the server's default CA.
    pub ca_name: Option<String>,
}

/// The outcome of one enrollment: an MSP folder as `fabric-ca-client` writes it.
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// The MSP folder (`signcerts/`, `keystore/`, `cacerts/`, maybe `intermediatecerts/`).
    pub dir: PathBuf,
    /// PEM of the enrolled certificate.
    pub cert_pem: String,
    /// The private key's file (never read into memory here).
    pub key_path: PathBuf,
    /// PEM of the issuing CA's root.
    pub root_pem: String,
}

/// Percent-encodes everything but unreserved characters, for the user part of a URL.
fn userinfo(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `fabric-ca-client` command for `endpoint`, its home in `home`, the TLS pin written there.
fn ca_client(
    fabric: &Fabric,
    subcommand: &[&str],
    endpoint: &CaEndpoint,
    home: &Path,
) -> Result<std::process::Command, Error> {
    mkdir(home)?;
    let pin = home.join("ca-tls-pin.pem");
    write(&pin, &endpoint.tls_cert_pem)?;
    let mut cmd = clean_command(&fabric.bin(Binary::FabricCaClient), home);
    cmd.env("FABRIC_CA_CLIENT_HOME", home)
        .args(subcommand)
        .arg("--tls.certfiles")
        .arg(&pin);
    if let Some(name) = &endpoint.ca_name {
        cmd.arg("--caname").arg(name);
    }
    Ok(cmd)
}

/// Enrolls `enroll_id` at `endpoint` into the MSP folder `out` (created), with `csr_hosts` as
/// the certificate's SANs. The secret travels in the environment, never on the command line.
pub async fn enroll(
    fabric: &Fabric,
    endpoint: &CaEndpoint,
    enroll_id: &str,
    secret: &str,
    csr_hosts: &[String],
    out: &Path,
) -> Result<Enrollment, Error> {
    let home = out.with_extension("client");
    let mut cmd = ca_client(fabric, &["enroll"], endpoint, &home)?;
    let rest = endpoint
        .url
        .strip_prefix("https://")
        .ok_or_else(|| Error::Invalid(format!("not an https:// CA URL: {}", endpoint.url)))?;
    cmd.env(
        "FABRIC_CA_CLIENT_URL",
        format!(
            "https://{}:{}@{}",
            userinfo(enroll_id),
            userinfo(secret),
            rest.trim_end_matches('/')
        ),
    )
    .arg("-M")
    .arg(out);
    if !csr_hosts.is_empty() {
        cmd.arg("--csr.hosts").arg(csr_hosts.join(","));
    }
    let what = format!(
        "enroll {enroll_id} at {} ({})",
        endpoint.url,
        endpoint.ca_name.as_deref().unwrap_or("default CA")
    );
    run_tool(&what, cmd, CLIENT_TIMEOUT).await?;
    let cert_pem = read(&out.join("signcerts").join("cert.pem"))?;
    let key_path = only_file(&out.join("keystore"))?;
    let root_pem = read(&only_file(&out.join("cacerts"))?)?;
    Ok(Enrollment {
        dir: out.to_path_buf(),
        cert_pem,
        key_path,
        root_pem,
    })
}

/// Registers `id` (type `kind`: `peer`, `admin`, `client`, `orderer`) with `secret` at
/// `endpoint`, as the registrar whose MSP folder is `registrar`.
pub async fn register(
    fabric: &Fabric,
    endpoint: &CaEndpoint,
    registrar: &Enrollment,
    id: &str,
    secret: &str,
    kind: &str,
) -> Result<(), Error> {
    let home = registrar.dir.with_extension("registrar");
    let mut cmd = ca_client(fabric, &["register"], endpoint, &home)?;
    cmd.env("FABRIC_CA_CLIENT_ID_SECRET", secret)
        .arg("-u")
        .arg(&endpoint.url)
        .arg("-M")
        .arg(&registrar.dir)
        .arg("--id.name")
        .arg(id)
        .arg("--id.type")
        .arg(kind)
        .arg("--id.maxenrollments")
        .arg("-1");
    run_tool(
        &format!("register {id} at {}", endpoint.url),
        cmd,
        CLIENT_TIMEOUT,
    )
    .await
    .map(drop)
}

/// `fabric-ca-client identity list` at `endpoint` as the registrar whose MSP folder is
/// `registrar`: the CA's own listing (`Name: …, Type: …, …` lines).
pub async fn identity_list(
    fabric: &Fabric,
    endpoint: &CaEndpoint,
    registrar: &Enrollment,
) -> Result<String, Error> {
    let home = registrar.dir.with_extension("registrar");
    let mut cmd = ca_client(fabric, &["identity", "list"], endpoint, &home)?;
    cmd.arg("-u")
        .arg(&endpoint.url)
        .arg("-M")
        .arg(&registrar.dir);
    run_tool(
        &format!("identity list at {}", endpoint.url),
        cmd,
        CLIENT_TIMEOUT,
    )
    .await
}

/// The Node OU configuration of an MSP whose CA root is `cacerts/ca.pem`.
const NODE_OUS: &str = "NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
";

/// What goes into an MSP folder.
#[derive(Debug, Clone, Copy)]
pub struct MspContent<'a> {
    /// PEM of the CA root (`cacerts/ca.pem`).
    pub ca_root_pem: &'a str,
    /// PEM of the TLS CA root (`tlscacerts/tlsca.pem`).
    pub tlsca_root_pem: &'a str,
    /// The signing identity (`signcerts/cert.pem`, `keystore/key.pem`), for a local MSP.
    pub signer: Option<&'a Enrollment>,
    /// Admin certificates (`admincerts/`), as a console's deployer writes `admin_certs`.
    pub admin_certs: &'a [String],
}

/// Writes an MSP folder with Node OUs enabled: a node's local MSP (with a signer) or an
/// organization's verifying MSP (without one, for `configtxgen`).
pub fn write_msp(dir: &Path, content: MspContent<'_>) -> Result<(), Error> {
    for sub in ["cacerts", "tlscacerts"] {
        mkdir(&dir.join(sub))?;
    }
    write(&dir.join("cacerts").join("ca.pem"), content.ca_root_pem)?;
    write(
        &dir.join("tlscacerts").join("tlsca.pem"),
        content.tlsca_root_pem,
    )?;
    write(&dir.join("config.yaml"), NODE_OUS)?;
    if let Some(signer) = content.signer {
        mkdir(&dir.join("signcerts"))?;
        mkdir(&dir.join("keystore"))?;
        write(&dir.join("signcerts").join("cert.pem"), &signer.cert_pem)?;
        std::fs::copy(&signer.key_path, dir.join("keystore").join("key.pem"))
            .map_err(|e| Error::io(format!("cannot copy {}", signer.key_path.display()), e))?;
    }
    if !content.admin_certs.is_empty() {
        mkdir(&dir.join("admincerts"))?;
        for (i, pem) in content.admin_certs.iter().enumerate() {
            write(&dir.join("admincerts").join(format!("admin{i}.pem")), pem)?;
        }
    }
    Ok(())
}

/// An organization's admin as the `peer` CLI uses it: an MSP id and a local MSP folder.
#[derive(Debug, Clone)]
pub struct OrgAdmin {
    /// The organization's MSP id.
    pub msp_id: String,
    /// The admin's local MSP folder (signcerts, keystore, cacerts, tlscacerts, Node OUs).
    pub msp_dir: PathBuf,
    /// PEM of the admin's certificate.
    pub cert_pem: String,
}

impl OrgAdmin {
    /// [`OrgAdmin::enroll`] at `ca`'s enrollment CA (`ca`) of `enroll_id`, registered with the
    /// secret `<enroll id>pw` (as [`crate::CaSpec::org1`] does), into `dir/<enroll id>`.
    pub async fn enroll_registered(
        fabric: &Fabric,
        ca: &crate::CaServer,
        msp_id: &str,
        enroll_id: &str,
        dir: &Path,
    ) -> Result<OrgAdmin, Error> {
        let secret = format!("{enroll_id}pw");
        OrgAdmin::enroll(
            fabric,
            &ca.endpoint("ca"),
            ca.tlsca_root_pem(),
            msp_id,
            enroll_id,
            &secret,
            &dir.join(enroll_id),
        )
        .await
    }

    /// Enrolls a registered `admin`-type identity at the organization's CA (`ca`, with the
    /// TLS CA's root from `tlsca_root_pem`) into `dir`.
    pub async fn enroll(
        fabric: &Fabric,
        ca: &CaEndpoint,
        tlsca_root_pem: &str,
        msp_id: &str,
        enroll_id: &str,
        secret: &str,
        dir: &Path,
    ) -> Result<OrgAdmin, Error> {
        let enrolled = enroll(fabric, ca, enroll_id, secret, &[], &dir.join("enroll")).await?;
        let msp_dir = dir.join("msp");
        write_msp(
            &msp_dir,
            MspContent {
                ca_root_pem: &enrolled.root_pem,
                tlsca_root_pem,
                signer: Some(&enrolled),
                admin_certs: &[],
            },
        )?;
        Ok(OrgAdmin {
            msp_id: msp_id.to_owned(),
            msp_dir,
            cert_pem: enrolled.cert_pem,
        })
    }
}
