//! The world the engine tests run in: three test consoles (one per region), the region-1 Fabric
//! CA test server, and an organization that exists in region 1 (CA, MSP, one created peer).
#![allow(clippy::unwrap_used, dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_console::{
    CaEnrollment, ClientOptions, ComponentAdmins, ComponentType, ConsoleAuth, ConsoleClient,
    ConsoleEndpoint, CreatePeerBody, EnrollmentCrypto, PeerCrypto, TlsCaEnrollment,
};
use fabric_ha_engine::journal::{self, PlanRecord};
use fabric_ha_engine::{
    Bootstrap, PeerDefaults, PeerSpec, Plan, Registrar, Source, Target, PLAN_FORMAT,
};
use fabric_ha_fabric_ca::{
    ClientOptions as CaOptions, EnrollRequest, FabricCaClient, RegisterRoute, RegistrationRequest,
    TlsPin,
};
use fabric_ha_sensitive::Sensitive;
use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use serde_json::{json, Value};

pub const MSP_ID: &str = "org1msp";
pub const REGIONS: [&str; 3] = ["us-south", "eu-de", "jp-tok"];
pub const CA_ADMIN: (&str, &str) = ("admin", "adminpw");

pub struct World {
    pub ca: TestCa,
    pub consoles: Vec<TestConsole>,
    /// Console id of the region-1 peer.
    pub peer1: String,
}

pub fn b64(pem: &str) -> String {
    STANDARD.encode(pem)
}

pub fn ca_client(ca: &TestCa) -> FabricCaClient {
    FabricCaClient::new(
        &ca.url(),
        &TlsPin::from_pem(&ca.tls_cert_pem()).unwrap(),
        CaOptions::default(),
    )
    .unwrap()
}

pub fn console_client(tc: &TestConsole) -> ConsoleClient {
    let (key, secret) = tc.manager_key();
    ConsoleClient::new(
        ConsoleEndpoint {
            url: tc.url(),
            auth: ConsoleAuth::key(key, Sensitive::new(secret)),
            extra_ca_pem: tc.ca_cert_pem(),
        },
        ClientOptions {
            backoff_base: Duration::from_millis(20),
            backoff_max: Duration::from_millis(200),
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

/// Starts the servers and builds region 1 the way the console UI would: import the CA,
/// create the MSP definition from the CA's roots with an admin registered as `admin`, create
/// one peer enrolling at the CA.
pub async fn world(config: impl Fn(&str) -> TestConsoleConfig) -> World {
    let ca = TestCa::start(TestCaConfig::default()).await.unwrap();
    let mut consoles = Vec::new();
    for r in REGIONS {
        consoles.push(TestConsole::start(config(r)).await.unwrap());
    }
    let c1 = console_client(&consoles[0]);
    c1.import_component(
        ComponentType::Ca,
        &json!({
            "display_name": "Org1 CA",
            "api_url": ca.url(),
            "operations_url": ca.url(),
            "msp": {
                "ca": {"name": "ca", "root_certs": [b64(&ca.ca_root_pem("ca").unwrap())]},
                "tlsca": {"name": "tlsca", "root_certs": [b64(&ca.ca_root_pem("tlsca").unwrap())]},
                "component": {"tls_cert": b64(&ca.tls_cert_pem())}
            }
        }),
    )
    .await
    .unwrap();

    let cac = ca_client(&ca);
    let registrar = cac
        .enroll(&EnrollRequest::new(
            "ca",
            CA_ADMIN.0,
            Sensitive::from(CA_ADMIN.1),
        ))
        .await
        .unwrap()
        .identity()
        .unwrap();
    let mut admin = RegistrationRequest::new("ca", "org1admin", "admin");
    admin.secret = Some(Sensitive::from("org1adminpw"));
    cac.register(&registrar, &admin, RegisterRoute::Identities)
        .await
        .unwrap();
    let admin_cert = cac
        .enroll(&EnrollRequest::new(
            "ca",
            "org1admin",
            Sensitive::from("org1adminpw"),
        ))
        .await
        .unwrap()
        .cert_pem;
    c1.import_component(
        ComponentType::Msp,
        &json!({
            "msp_id": MSP_ID,
            "display_name": "Org1 MSP",
            "root_certs": [b64(&ca.ca_root_pem("ca").unwrap())],
            "tls_root_certs": [b64(&ca.ca_root_pem("tlsca").unwrap())],
            "admins": [b64(&admin_cert)],
            "host_url": consoles[0].url(),
        }),
    )
    .await
    .unwrap();

    let mut peer = RegistrationRequest::new("ca", "org1peer1", "peer");
    peer.secret = Some(Sensitive::from("org1peer1pw"));
    cac.register(&registrar, &peer, RegisterRoute::Identities)
        .await
        .unwrap();
    let port = url::Url::parse(&ca.url()).unwrap().port().unwrap();
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
        .await
        .unwrap();
    World {
        ca,
        consoles,
        peer1: created.id,
    }
}

/// A console configuration for tests: fast deploys, no rate limit in the way.
pub fn fast(name: &str) -> TestConsoleConfig {
    TestConsoleConfig {
        name: name.to_owned(),
        deploy_delay: Duration::from_millis(300),
        rate_limit_per_min: 10_000,
        ..TestConsoleConfig::default()
    }
}

/// The plan of the issue: 2 peers in each of regions 2 and 3.
pub fn plan(world: &World, name: &str) -> Plan {
    let components = world.consoles[0].components();
    let id_of = |kind: &str| {
        components
            .iter()
            .find(|c| c["type"] == kind)
            .and_then(|c| c["id"].as_str())
            .unwrap()
            .to_owned()
    };
    let d = PeerDefaults {
        zone: None,
        version: None,
        state_db: None,
    };
    Plan {
        format: PLAN_FORMAT,
        name: name.to_owned(),
        source: Source {
            console: REGIONS[0].into(),
            ca: id_of("fabric-ca"),
            msp: id_of("msp"),
            peers: vec![world.peer1.clone()],
            registrar: Registrar::EnrollId(CA_ADMIN.0.into()),
            org_admin_identity: None,
            tls_identity: None,
            create: None,
        },
        targets: REGIONS[1..]
            .iter()
            .map(|r| Target {
                console: (*r).into(),
                region: (*r).into(),
                peers: PeerSpec::numbered(MSP_ID, r, 1, 2, &d),
            })
            .collect(),
        channels: vec![],
        chaincodes: vec![],
        wait_timeout_secs: 30,
    }
}

/// A plan that starts from nothing: organization `org{n}msp` (CA `Org{n} CA`, admin
/// `org{n}-admin`, registrar `org{n}-ca-admin`) with its first peer in region 1, then
/// `per_target` peers in each of regions 2 and 3.
pub fn plan_from_nothing(name: &str, n: u8, per_target: usize, state_db: Option<&str>) -> Plan {
    let msp = format!("org{n}msp");
    let d = PeerDefaults {
        zone: None,
        version: None,
        state_db: state_db.map(str::to_owned),
    };
    Plan {
        format: PLAN_FORMAT,
        name: name.to_owned(),
        source: Source {
            console: REGIONS[0].into(),
            ca: String::new(),
            msp: String::new(),
            peers: vec![],
            registrar: Registrar::EnrollId(format!("org{n}-ca-admin")),
            org_admin_identity: None,
            tls_identity: None,
            create: Some(Bootstrap {
                ca_display_name: format!("Org{n} CA"),
                msp_id: msp.clone(),
                msp_display_name: format!("Org{n} MSP"),
                org_admin_enroll_id: format!("org{n}-admin"),
                first_peer: PeerSpec::numbered(&msp, REGIONS[0], 1, 1, &d).remove(0),
            }),
        },
        targets: REGIONS[1..]
            .iter()
            .map(|r| Target {
                console: (*r).into(),
                region: (*r).into(),
                peers: PeerSpec::numbered(&msp, r, 1, per_target, &d),
            })
            .collect(),
        channels: vec![],
        chaincodes: vec![],
        wait_timeout_secs: 60,
    }
}

pub fn clients(world: &World) -> HashMap<String, ConsoleClient> {
    REGIONS
        .iter()
        .zip(&world.consoles)
        .map(|(r, tc)| ((*r).to_owned(), console_client(tc)))
        .collect()
}

/// The CA admin as registrar, enrolled by the engine when first needed.
pub fn registrar() -> fabric_ha_engine::RegistrarCredential {
    fabric_ha_engine::RegistrarCredential::Enroll {
        enroll_id: CA_ADMIN.0.into(),
        secret: Sensitive::from(CA_ADMIN.1),
    }
}

pub fn open_store(dir: &Path) -> (Store, Vault) {
    let store = Store::open(dir).unwrap();
    let vault = Vault::unlock(
        &store,
        KeySource::Passphrase(Sensitive::new("engine tests".to_owned())),
        KdfParams::insecure_fast(),
    )
    .unwrap();
    (store, vault)
}

pub fn saved(store: &Store, plan: &Plan) -> PlanRecord {
    journal::insert_plan(store, plan).unwrap()
}

/// Every peer of the organization each console holds, as `api_url`s (sorted, with repeats).
pub fn peers_by_console(world: &World) -> Vec<Vec<String>> {
    world
        .consoles
        .iter()
        .map(|tc| {
            let mut urls: Vec<String> = tc
                .components()
                .iter()
                .filter(|c| c["type"] == "fabric-peer" && c["msp_id"] == MSP_ID)
                .map(|c| c["api_url"].as_str().unwrap().to_owned())
                .collect();
            urls.sort();
            urls
        })
        .collect()
}

/// Asserts the end state of the scenario: every console holds each of the 5 peers
/// exactly once, the CA and MSP once, and every new peer enrolled at the region-1 CA.
pub fn assert_replicated(world: &World) {
    let peers = peers_by_console(world);
    for (i, urls) in peers.iter().enumerate() {
        let mut unique = urls.clone();
        unique.dedup();
        assert_eq!(urls.len(), 5, "console {i} peers: {urls:?}");
        assert_eq!(unique.len(), 5, "console {i} holds a duplicate: {urls:?}");
        assert_eq!(urls, &peers[0], "console {i} differs from console 0");
    }
    let ca_root = b64(&world.ca.ca_root_pem("ca").unwrap());
    for tc in &world.consoles {
        let comps = tc.components();
        let count = |kind: &str| comps.iter().filter(|c| c["type"] == kind).count();
        assert_eq!(count("fabric-ca"), 1, "{comps:#?}");
        assert_eq!(count("msp"), 1);
        for c in comps
            .iter()
            .filter(|c| c["type"] == "fabric-peer" && c["location"] == "ibm_saas")
        {
            // The console fills the enrollment roots from the CA it knows at host:port.
            assert_eq!(c["msp"]["ca"]["root_certs"], json!([ca_root]), "{c:#}");
        }
    }
    let created: usize = world.consoles[1..]
        .iter()
        .map(|tc| {
            tc.components()
                .iter()
                .filter(|c| c["type"] == "fabric-peer" && c["location"] == "ibm_saas")
                .count()
        })
        .sum();
    assert_eq!(created, 4);
}

/// Every string value of a JSON value, recursively (to look for secrets).
pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}
