//! `fabric-ha bundle ...` for an HA plan whose target console the desk cannot reach: the plan
//! runs where it can, the bundle is made for the unreachable console, verified, applied to
//! that console once it is reachable (twice: the second apply changes nothing), the plan's
//! journal holds the offline steps as done, and resuming the plan finishes the region without
//! a duplicate anywhere.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../engine/tests/common/mod.rs"]
mod common;
mod support;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use fabric_ha_testbed::console::TestConsole;
use serde_json::{json, Value};
use support::{command_with, text};

const PASSPHRASE: &str = "cli bundle plan tests";
const BUNDLE_PASSPHRASE: &str = "carried to eu-de";
/// The target console the desk cannot reach.
const OFFLINE: &str = REGIONS[1];

fn command(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = command_with(data_dir, args, PASSPHRASE);
    cmd.env("FABRIC_HA_BUNDLE_PASSPHRASE", BUNDLE_PASSPHRASE);
    cmd
}

fn run(data_dir: &Path, args: &[&str]) -> Output {
    command(data_dir, args).output().unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Registers the consoles of the regions.
fn add_consoles(consoles: &[TestConsole], ws: &Path, tmp: &Path) {
    for (region, tc) in REGIONS.iter().zip(consoles) {
        let ca = tmp.join(format!("{region}.pem"));
        std::fs::write(&ca, tc.ca_cert_pem().unwrap()).unwrap();
        let (key, secret) = tc.manager_key();
        let out = command(
            ws,
            &[
                "console",
                "add",
                region,
                "--url",
                &tc.url(),
                "--region",
                region,
                "--api-key",
                &key,
                "--ca-cert",
                ca.to_str().unwrap(),
            ],
        )
        .env("FABRIC_HA_API_SECRET", secret)
        .output()
        .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
}

/// Registers the world's consoles and saves a plan with 2 new peers in each target region,
/// `source_peer` being the region-1 peer to import everywhere.
fn setup(world: &World, ws: &Path, tmp: &Path, source_peer: &str) {
    add_consoles(&world.consoles, ws, tmp);
    let c1 = world.consoles[0].components();
    let id = |kind: &str| {
        c1.iter()
            .find(|c| c["type"] == kind)
            .and_then(|c| c["id"].as_str())
            .unwrap()
            .to_owned()
    };
    let out = command(
        ws,
        &[
            "plan",
            "new",
            "ha",
            "--source",
            REGIONS[0],
            "--ca",
            &id("fabric-ca"),
            "--msp",
            &id("msp"),
            "--source-peer",
            source_peer,
            "--target",
            &format!("{}=2", REGIONS[1]),
            "--target",
            &format!("{}=2", REGIONS[2]),
            "--registrar-id",
            CA_ADMIN.0,
            "--wait-timeout",
            "30",
        ],
    )
    .env("FABRIC_HA_REGISTRAR_SECRET", CA_ADMIN.1)
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// The journal state and attempts of every step, by key.
fn step_states(ws: &Path) -> Vec<(String, String, u64)> {
    let status = ok_json(&run(ws, &["plan", "status", "ha", "--json"]));
    status["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["state"].as_str().unwrap().to_owned(),
                s["attempts"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn step<'a>(states: &'a [(String, String, u64)], key: &str) -> (&'a str, u64) {
    states
        .iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, s, a)| (s.as_str(), *a))
        .unwrap_or_else(|| panic!("no step {key:?} in {states:?}"))
}

/// What identifies a component across consoles: type, display name, API URL, MSP id and the
/// certificates it carries (ids and timestamps are each console's own).
fn identity_of(record: &Value) -> Value {
    let mut key = serde_json::Map::new();
    for field in [
        "type",
        "display_name",
        "api_url",
        "operations_url",
        "grpcwp_url",
        "msp_id",
        "root_certs",
        "admins",
        "tls_root_certs",
        "host_url",
    ] {
        if let Some(v) = record.get(field) {
            key.insert(field.to_owned(), v.clone());
        }
    }
    for part in ["ca", "tlsca"] {
        if let Some(v) = record["msp"][part].get("root_certs") {
            key.insert(format!("msp.{part}.root_certs"), v.clone());
        }
    }
    if let Some(v) = record["msp"]["component"].get("tls_cert") {
        key.insert("msp.component.tls_cert".to_owned(), v.clone());
    }
    Value::Object(key)
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|x| x.to_string());
    v
}

/// A region-1 peer as a real console holds one: its TLS certificate and enrollment certificate
/// issued by the organization's CA (the test console's own created peers carry self-signed
/// ones, which no console file check accepts). Returns its console id.
async fn chained_source_peer(world: &World) -> String {
    use fabric_ha_fabric_ca::{EnrollRequest, RegisterRoute, RegistrationRequest};
    use fabric_ha_sensitive::Sensitive;
    let cac = ca_client(&world.ca);
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
    let mut peer = RegistrationRequest::new("ca", "org1peer0", "peer");
    peer.secret = Some(Sensitive::from("org1peer0pw"));
    cac.register(&registrar, &peer, RegisterRoute::Identities)
        .await
        .unwrap();
    let enroll = |ca: &str| EnrollRequest::new(ca, "org1peer0", Sensitive::from("org1peer0pw"));
    let ecert = cac.enroll(&enroll("ca")).await.unwrap().cert_pem;
    let tls = cac.enroll(&enroll("tlsca")).await.unwrap().cert_pem;
    let msp = world.consoles[0]
        .components()
        .into_iter()
        .find(|c| c["type"] == "msp")
        .unwrap();
    let record = console_client(&world.consoles[0])
        .import_component(
            fabric_ha_console::ComponentType::Peer,
            &json!({
                "display_name": "Org1 Peer 0",
                "msp_id": MSP_ID,
                "api_url": "grpcs://peer0.org1.example.com:7051",
                "operations_url": "https://peer0-ops.org1.example.com:9443",
                "grpcwp_url": "https://peer0-proxy.org1.example.com:443",
                "msp": {
                    "ca": {"name": "ca", "root_certs": [b64(&world.ca.ca_root_pem("ca").unwrap())]},
                    "tlsca": {"name": "tlsca", "root_certs": [b64(&world.ca.ca_root_pem("tlsca").unwrap())]},
                    "component": {"tls_cert": b64(&tls), "ecert": b64(&ecert), "admin_certs": msp["admins"]}
                }
            }),
        )
        .await
        .unwrap();
    record.id
}

/// Every peer of the organization a console holds, as API URLs (sorted, with repeats).
fn peer_urls(records: &[Value]) -> Vec<String> {
    let mut urls: Vec<String> = records
        .iter()
        .filter(|c| c["type"] == "fabric-peer" && c["msp_id"] == MSP_ID)
        .map(|c| c["api_url"].as_str().unwrap().to_owned())
        .collect();
    urls.sort();
    urls
}

/// The plan steps a bundle's manifest says it carries.
fn steps_of(manifest: &Value) -> Vec<String> {
    manifest["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn plan_bundle_for_an_offline_console_applies_once_and_the_plan_converges() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let world = rt.block_on(world(fast));
    let source_peer = rt.block_on(chained_source_peer(&world));
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    setup(&world, &ws, tmp.path(), &source_peer);
    let offline = &world.consoles[1];

    // The bundle for eu-de is made while the desk cannot reach eu-de (every request to it is
    // dropped): everything in it comes from the region-1 console.
    offline.faults().reset_next(u32::MAX);
    let requests_before = offline.request_count();
    let bundle = tmp.path().join("eu-de.bundle");
    let bundle_arg = bundle.to_str().unwrap();
    let manifest = ok_json(&run(
        &ws,
        &[
            "bundle", "create", "--for", OFFLINE, "--plan", "ha", "--sign", "--out", bundle_arg,
            "--json",
        ],
    ));
    assert_eq!(
        offline.request_count(),
        requests_before,
        "bundle create contacted eu-de"
    );
    assert_eq!(manifest["target_console"]["name"], OFFLINE);
    let bundled_steps = steps_of(&manifest);
    assert_eq!(
        bundled_steps,
        [
            format!("{OFFLINE}/import-ca"),
            format!("{OFFLINE}/import-msp"),
            format!("{OFFLINE}/import-peer/{source_peer}"),
        ]
    );
    let kinds: Vec<&str> = manifest["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ca", "msp", "peer"], "{manifest:#}");

    let out = run(&ws, &["bundle", "verify", bundle_arg]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("signed by"), "{}", text(&out));

    // What eu-de must hold afterwards: the region-1 CA, MSP and source peer, as region 1
    // holds them.
    let wanted: Vec<Value> = world.consoles[0]
        .components()
        .iter()
        .filter(|c| {
            c["type"] == "fabric-ca" || c["type"] == "msp" || c["id"] == source_peer.as_str()
        })
        .map(identity_of)
        .collect();
    assert_eq!(wanted.len(), 3);
    // Into the desk's library: that imports nothing into eu-de, so no plan step is done.
    let report = ok_json(&run(
        &ws,
        &["bundle", "apply", bundle_arg, "--library", "--json"],
    ));
    assert!(
        report["library"]["files"][0]["artifacts"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    assert_eq!(report["planStepsRecorded"], json!([]));
    let states = step_states(&ws);
    for key in &bundled_steps {
        assert_ne!(step(&states, key).0, "done", "{key}");
    }
    let attempts_before: Vec<u64> = bundled_steps.iter().map(|k| step(&states, k).1).collect();

    // eu-de reachable (from where the bundle was carried to): apply.
    offline.faults().clear();
    let report = ok_json(&run(
        &ws,
        &["bundle", "apply", bundle_arg, "--to", OFFLINE, "--json"],
    ));
    let outcomes: Vec<&str> = report["console"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["imported"; 3], "{report:#}");
    assert_eq!(
        report["planStepsRecorded"],
        Value::from(bundled_steps.clone())
    );
    let held = offline.components();
    assert_eq!(
        sorted(held.iter().map(identity_of).collect()),
        sorted(wanted),
        "eu-de holds exactly what the plan wanted there"
    );
    let states = step_states(&ws);
    for key in &bundled_steps {
        assert_eq!(step(&states, key).0, "done", "{key}");
    }

    // Applying the same bundle again changes nothing.
    let out = run(&ws, &["bundle", "apply", bundle_arg, "--to", OFFLINE]);
    assert!(out.status.success(), "{}", text(&out));
    let present = text(&out)
        .lines()
        .filter(|l| l.starts_with("already present"))
        .count();
    assert_eq!(present, 3, "{}", text(&out));
    assert!(!text(&out).contains("imported"), "{}", text(&out));
    assert_eq!(offline.components(), held);

    // The plan runs from its journal: the bundled steps are not done again, and every console
    // ends with the source peer and the 4 new peers, the CA and the MSP, each exactly once.
    let out = run(&ws, &["plan", "apply", "ha", "--poll-interval", "0.05"]);
    assert!(out.status.success(), "{}", text(&out));
    let status = ok_json(&run(&ws, &["plan", "status", "ha", "--json"]));
    assert_eq!(status["state"], "completed");
    let states = step_states(&ws);
    for (key, before) in bundled_steps.iter().zip(attempts_before) {
        // One attempt per apply of the bundle, none by the engine.
        assert_eq!(step(&states, key), ("done", before + 2), "{key}");
    }
    let eu_de = peer_urls(&offline.components());
    let mut unique = eu_de.clone();
    unique.dedup();
    assert_eq!(eu_de.len(), 5, "{eu_de:?}");
    assert_eq!(unique, eu_de, "a duplicate in eu-de");
    for tc in &world.consoles {
        let comps = tc.components();
        let count = |kind: &str| comps.iter().filter(|c| c["type"] == kind).count();
        assert_eq!((count("fabric-ca"), count("msp")), (1, 1));
        let urls = peer_urls(&comps);
        for url in &eu_de {
            assert_eq!(urls.iter().filter(|u| *u == url).count(), 1, "{url}");
        }
    }
}

/// The journal's component id of step `key`.
fn component_id(ws: &Path, key: &str) -> String {
    let status = ok_json(&run(ws, &["plan", "status", "ha", "--json"]));
    status["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == key)
        .and_then(|s| s["component_id"].as_str())
        .unwrap_or_else(|| panic!("no component id for {key:?}: {status:#}"))
        .to_owned()
}

/// Gives the peer `peer_id` that the plan created in region 1 the certificates a deployer
/// gets by enrolling its enroll id at the plan's CA (the test console's created peers carry
/// throwaway self-signed ones, which no console file check accepts).
async fn enroll_created_peer(tc: &TestConsole, ws: &Path, ca_id: &str, peer_id: &str) {
    use base64::Engine as _;
    use fabric_ha_fabric_ca::{ClientOptions, EnrollRequest, FabricCaClient, TlsPin};
    use fabric_ha_sensitive::Sensitive;
    use fabric_ha_store::{KdfParams, KeySource, Store, Vault};
    let records = tc.components();
    let record = |id: &str| records.iter().find(|c| c["id"] == id).unwrap().clone();
    let ca = record(ca_id);
    let mut peer = record(peer_id);
    let tls_pem = base64::engine::general_purpose::STANDARD
        .decode(ca["msp"]["component"]["tls_cert"].as_str().unwrap())
        .unwrap();
    let client = FabricCaClient::new(
        ca["api_url"].as_str().unwrap(),
        &TlsPin::from_pem(std::str::from_utf8(&tls_pem).unwrap()).unwrap(),
        ClientOptions::default(),
    )
    .unwrap();
    let plan_id = ok_json(&run(ws, &["plan", "status", "ha", "--json"]))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let enroll_id = BOOTSTRAP_FIRST_PEER;
    let secret = {
        let store = Store::open(ws).unwrap();
        let vault = Vault::unlock(
            &store,
            KeySource::Passphrase(Sensitive::new(PASSPHRASE.to_owned())),
            KdfParams::default(),
        )
        .unwrap();
        vault
            .get_str(
                &store,
                &fabric_ha_engine::journal::enroll_secret_id(&plan_id, enroll_id),
            )
            .unwrap()
    };
    let enroll = |ca_name: &Value| {
        EnrollRequest::new(
            ca_name.as_str().unwrap(),
            enroll_id,
            Sensitive::new(secret.expose().clone()),
        )
    };
    let ecert = client
        .enroll(&enroll(&ca["msp"]["ca"]["name"]))
        .await
        .unwrap();
    let tls = client
        .enroll(&enroll(&ca["msp"]["tlsca"]["name"]))
        .await
        .unwrap();
    peer["msp"]["component"]["ecert"] = json!(b64(&ecert.cert_pem));
    peer["msp"]["component"]["tls_cert"] = json!(b64(&tls.cert_pem));
    console_client(tc)
        .edit_component(
            fabric_ha_console::ComponentType::Peer,
            peer_id,
            &json!({ "msp": peer["msp"] }),
        )
        .await
        .unwrap();
}

/// The first peer a plan made with `--new-org org9msp` creates in region 1.
const BOOTSTRAP_FIRST_PEER: &str = "org9msp-us-south-peer1";

#[test]
fn plan_that_creates_its_organization_bundles_what_region_1_created_once_it_exists() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let consoles: Vec<TestConsole> = REGIONS
        .iter()
        .map(|r| rt.block_on(TestConsole::start(fast(r))).unwrap())
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    add_consoles(&consoles, &ws, tmp.path());
    let out = run(
        &ws,
        &[
            "plan",
            "new",
            "ha",
            "--source",
            REGIONS[0],
            "--new-org",
            "org9msp",
            "--target",
            &format!("{}=1", REGIONS[1]),
            "--target",
            &format!("{}=1", REGIONS[2]),
            "--wait-timeout",
            "30",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let bundle = tmp.path().join("eu-de.bundle");
    let bundle_arg = bundle.to_str().unwrap();
    let create = [
        "bundle", "create", "--for", OFFLINE, "--plan", "ha", "--out", bundle_arg,
    ];
    let refused = |what: &str| {
        let out = run(&ws, &create);
        assert!(!out.status.success(), "{}", text(&out));
        let said = text(&out);
        assert!(
            said.contains(&format!("creates its organization, whose {what} is not in console \"{}\" yet; create the organization first: run `fabric-ha plan apply ha` until the region-1 steps are done", REGIONS[0])),
            "{said}"
        );
        assert!(!bundle.exists(), "a refused bundle was written");
    };
    // Before the region-1 steps ran, and after they created only the CA.
    refused("CA");
    let killed_after = |verb: &str, steps: usize| {
        let out = command(&ws, &["plan", verb, "ha", "--poll-interval", "0.05"])
            .env("FABRIC_HA_TEST_KILL_AFTER_STEP", steps.to_string())
            .output()
            .unwrap();
        assert!(out.status.code().is_none(), "not killed: {}", text(&out));
    };
    killed_after("apply", 1);
    refused("MSP definition");
    // The rest of region 1 (8 more steps), nothing in the target regions.
    killed_after("resume", 8);
    let states = step_states(&ws);
    let region_1 = format!("{}/", REGIONS[0]);
    for (key, state, _) in &states {
        let expected = if key.starts_with(&region_1) {
            "done"
        } else {
            "pending"
        };
        assert_eq!(state, expected, "{key}");
    }
    assert_eq!(states.iter().filter(|(_, s, _)| s == "done").count(), 9);

    let ca_id = component_id(&ws, &format!("{}/create-ca", REGIONS[0]));
    let msp_id = component_id(&ws, &format!("{}/create-msp", REGIONS[0]));
    let peer_id = component_id(
        &ws,
        &format!("{}/create/{BOOTSTRAP_FIRST_PEER}", REGIONS[0]),
    );
    rt.block_on(enroll_created_peer(&consoles[0], &ws, &ca_id, &peer_id));

    // The bundle carries the CA, the MSP and the first peer the journal names.
    let mut json_create = create.to_vec();
    json_create.extend(["--sign", "--json"]);
    let manifest = ok_json(&run(&ws, &json_create));
    let bundled_steps = steps_of(&manifest);
    assert_eq!(
        bundled_steps,
        [
            format!("{OFFLINE}/import-ca"),
            format!("{OFFLINE}/import-msp"),
            format!("{OFFLINE}/import-first-peer"),
        ]
    );
    let c1 = consoles[0].components();
    let created: Vec<&Value> = [&ca_id, &msp_id, &peer_id]
        .iter()
        .map(|id| c1.iter().find(|c| c["id"] == id.as_str()).unwrap())
        .collect();
    let components: Vec<(&str, &str)> = manifest["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap(),
                c["display_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        components,
        [
            ("ca", created[0]["display_name"].as_str().unwrap()),
            ("msp", created[1]["display_name"].as_str().unwrap()),
            ("peer", created[2]["display_name"].as_str().unwrap()),
        ],
        "{manifest:#}"
    );
    assert_eq!(manifest["warnings"], json!([]));

    // Applied into eu-de: exactly those three, and their steps are done.
    let report = ok_json(&run(
        &ws,
        &["bundle", "apply", bundle_arg, "--to", OFFLINE, "--json"],
    ));
    let outcomes: Vec<&str> = report["console"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["imported"; 3], "{report:#}");
    assert_eq!(report["planStepsRecorded"], json!(bundled_steps));
    assert_eq!(
        sorted(consoles[1].components().iter().map(identity_of).collect()),
        sorted(created.iter().copied().map(identity_of).collect()),
        "eu-de holds the components the journal names"
    );
    let states = step_states(&ws);
    for key in &bundled_steps {
        assert_eq!(step(&states, key), ("done", 1), "{key}");
    }
    assert_eq!(
        step(&states, &format!("{}/import-first-peer", REGIONS[2])).0,
        "pending"
    );

    // The plan finishes from its journal: the bundled imports are not done again, every
    // console holds the CA, the MSP and the 3 peers once.
    let out = run(&ws, &["plan", "resume", "ha", "--poll-interval", "0.05"]);
    assert!(out.status.success(), "{}", text(&out));
    let status = ok_json(&run(&ws, &["plan", "status", "ha", "--json"]));
    assert_eq!(status["state"], "completed");
    let states = step_states(&ws);
    for key in &bundled_steps {
        assert_eq!(step(&states, key), ("done", 1), "{key} done again");
    }
    let first_peer_url = created[2]["api_url"].as_str().unwrap();
    for tc in &consoles {
        let comps = tc.components();
        let count = |kind: &str| comps.iter().filter(|c| c["type"] == kind).count();
        assert_eq!((count("fabric-ca"), count("msp")), (1, 1));
        let urls: Vec<&str> = comps
            .iter()
            .filter(|c| c["type"] == "fabric-peer")
            .map(|c| c["api_url"].as_str().unwrap())
            .collect();
        let mut unique = urls.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!((urls.len(), unique.len()), (3, 3), "{urls:?}");
        assert!(urls.contains(&first_peer_url), "{urls:?}");
    }
}
