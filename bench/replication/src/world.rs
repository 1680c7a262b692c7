//! Fresh servers for one measurement: 1 source console + N target consoles and the region-1
//! Fabric CA, with an organization in region 1 built the way the engine's tests build it (CA
//! imported, admin registered, MSP from the CA's roots, one created peer); then the injected
//! latency is switched on, so the seeding itself is not slowed down.

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_console::{
    CaEnrollment, ClientOptions, ComponentAdmins, ComponentType, ConsoleAuth, ConsoleClient,
    ConsoleEndpoint, CreatePeerBody, EnrollmentCrypto, PeerCrypto, TlsCaEnrollment,
};
use fabric_ha_engine::{PeerDefaults, PeerSpec, Plan, Registrar, Source, Target, PLAN_FORMAT};
use fabric_ha_fabric_ca::{
    ClientOptions as CaOptions, EnrollRequest, FabricCaClient, RegisterRoute, RegistrationRequest,
    TlsPin,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::json;

/// Any error of the set-up.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The organization's MSP id.
pub const MSP_ID: &str = "org1msp";
/// The CA's bootstrap admin, the plan's registrar.
pub const CA_ADMIN: (&str, &str) = ("admin", "adminpw");

/// How the servers behave.
#[derive(Debug, Clone, Copy)]
pub struct ServerSettings {
    /// Added to every request on every console and on the CA.
    pub latency: Duration,
    /// Time from a peer's create until its console reports it running.
    pub deploy: Duration,
    /// The consoles' write limit per client and minute (reads get four times as many).
    pub rate_limit_per_min: u32,
}

/// Running servers with region 1 seeded.
pub struct World {
    /// The region-1 CA.
    pub ca: TestCa,
    /// Console names, the source first.
    pub names: Vec<String>,
    /// The consoles, in the order of `names`.
    pub consoles: Vec<TestConsole>,
    /// Console id of the region-1 peer.
    pub peer1: String,
}

fn b64(pem: &str) -> String {
    STANDARD.encode(pem)
}

/// The CA's client, pinned to its TLS certificate.
pub fn ca_client(ca: &TestCa) -> Result<FabricCaClient, BoxError> {
    Ok(FabricCaClient::new(
        &ca.url(),
        &TlsPin::from_pem(&ca.tls_cert_pem())?,
        CaOptions::default(),
    )?)
}

/// A console client with the manager key and the production client options.
pub fn console_client(tc: &TestConsole) -> Result<ConsoleClient, BoxError> {
    let (key, secret) = tc.manager_key();
    Ok(ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(key, Sensitive::new(secret)),
            extra_ca_pem: tc.ca_cert_pem(),
        },
        ClientOptions::default(),
    )?)
}

fn root(ca: &TestCa, name: &str) -> Result<String, BoxError> {
    ca.ca_root_pem(name)
        .map(|pem| b64(&pem))
        .ok_or_else(|| format!("the test CA has no CA named {name:?}").into())
}

impl World {
    /// Starts `1 + targets` consoles and the CA, seeds region 1, then turns latency on.
    pub async fn start(targets: usize, s: ServerSettings) -> Result<World, BoxError> {
        let ca = TestCa::start(TestCaConfig::default()).await?;
        let names: Vec<String> = (1..=targets + 1).map(|i| format!("region-{i}")).collect();
        let mut consoles = Vec::new();
        for name in &names {
            consoles.push(
                TestConsole::start(TestConsoleConfig {
                    name: name.clone(),
                    deploy_delay: s.deploy,
                    rate_limit_per_min: s.rate_limit_per_min,
                    ..TestConsoleConfig::default()
                })
                .await?,
            );
        }
        let peer1 = seed(&ca, &consoles[0]).await?;
        for tc in &consoles {
            tc.faults().set_latency(Some(s.latency));
        }
        ca.faults().set_latency(Some(s.latency));
        Ok(World {
            ca,
            names,
            consoles,
            peer1,
        })
    }

    /// A client for every console, by name.
    pub fn clients(&self) -> Result<HashMap<String, ConsoleClient>, BoxError> {
        self.names
            .iter()
            .zip(&self.consoles)
            .map(|(n, tc)| Ok((n.clone(), console_client(tc)?)))
            .collect()
    }

    /// The plan: `peers` new peers in every target region.
    pub fn plan(&self, name: &str, peers: usize) -> Result<Plan, BoxError> {
        let components = self.consoles[0].components();
        let id_of = |kind: &str| -> Result<String, BoxError> {
            components
                .iter()
                .find(|c| c["type"] == kind)
                .and_then(|c| c["id"].as_str())
                .map(str::to_owned)
                .ok_or_else(|| format!("the source console holds no {kind}").into())
        };
        let defaults = PeerDefaults {
            zone: None,
            version: None,
            state_db: None,
        };
        let plan = Plan {
            format: PLAN_FORMAT,
            name: name.to_owned(),
            source: Source {
                console: self.names[0].clone(),
                ca: id_of("fabric-ca")?,
                msp: id_of("msp")?,
                peers: vec![self.peer1.clone()],
                registrar: Registrar::EnrollId(CA_ADMIN.0.into()),
                org_admin_identity: None,
                tls_identity: None,
                create: None,
            },
            targets: self.names[1..]
                .iter()
                .map(|r| Target {
                    console: r.clone(),
                    region: r.clone(),
                    peers: PeerSpec::numbered(MSP_ID, r, 1, peers, &defaults),
                })
                .collect(),
            channels: vec![],
            chaincodes: vec![],
            wait_timeout_secs: 300,
        };
        plan.validate()?;
        Ok(plan)
    }

    /// Stops every server.
    pub async fn shutdown(self) {
        for tc in self.consoles {
            tc.shutdown().await;
        }
        self.ca.shutdown().await;
    }
}

/// Region 1 as the console UI would build it; returns the created peer's id.
async fn seed(ca: &TestCa, source: &TestConsole) -> Result<String, BoxError> {
    let c1 = console_client(source)?;
    c1.import_component(
        ComponentType::Ca,
        &json!({
            "display_name": "Org1 CA",
            "api_url": ca.url(),
            "operations_url": ca.url(),
            "msp": {
                "ca": {"name": "ca", "root_certs": [root(ca, "ca")?]},
                "tlsca": {"name": "tlsca", "root_certs": [root(ca, "tlsca")?]},
                "component": {"tls_cert": b64(&ca.tls_cert_pem())}
            }
        }),
    )
    .await?;

    let cac = ca_client(ca)?;
    let registrar = cac
        .enroll(&EnrollRequest::new(
            "ca",
            CA_ADMIN.0,
            Sensitive::from(CA_ADMIN.1),
        ))
        .await?
        .identity()?;
    let mut admin = RegistrationRequest::new("ca", "org1admin", "admin");
    admin.secret = Some(Sensitive::from("org1adminpw"));
    cac.register(&registrar, &admin, RegisterRoute::Identities)
        .await?;
    let admin_cert = cac
        .enroll(&EnrollRequest::new(
            "ca",
            "org1admin",
            Sensitive::from("org1adminpw"),
        ))
        .await?
        .cert_pem;
    c1.import_component(
        ComponentType::Msp,
        &json!({
            "msp_id": MSP_ID,
            "display_name": "Org1 MSP",
            "root_certs": [root(ca, "ca")?],
            "tls_root_certs": [root(ca, "tlsca")?],
            "admins": [b64(&admin_cert)],
            "host_url": source.url(),
        }),
    )
    .await?;

    let mut peer = RegistrationRequest::new("ca", "org1peer1", "peer");
    peer.secret = Some(Sensitive::from("org1peer1pw"));
    cac.register(&registrar, &peer, RegisterRoute::Identities)
        .await?;
    let port = url::Url::parse(&ca.url())?
        .port()
        .ok_or("the test CA's URL has no port")?;
    let enrollment = |name: &str| CaEnrollment {
        host: "127.0.0.1".into(),
        port,
        name: name.into(),
        tls_cert: b64(&ca.tls_cert_pem()),
        enroll_id: "org1peer1".into(),
        enroll_secret: Sensitive::from("org1peer1pw"),
    };
    let tls = enrollment("tlsca");
    let created = c1
        .create_peer(&CreatePeerBody {
            display_name: "Org1 Peer 1".into(),
            msp_id: MSP_ID.into(),
            crypto: PeerCrypto::Enrollment(EnrollmentCrypto {
                ca: enrollment("ca"),
                tlsca: TlsCaEnrollment {
                    host: tls.host,
                    port,
                    name: tls.name,
                    tls_cert: tls.tls_cert,
                    enroll_id: tls.enroll_id,
                    enroll_secret: tls.enroll_secret,
                    csr_hosts: None,
                },
                component: ComponentAdmins {
                    admin_certs: vec![b64(&admin_cert)],
                },
            }),
            id: None,
            version: None,
            state_db: None,
            zone: None,
            region: None,
            resources: None,
            storage: None,
            config_override: None,
            hsm: None,
            tags: None,
        })
        .await?;
    Ok(created.id)
}
