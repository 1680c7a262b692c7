//! The HA end to end once more, against real Fabric: three test consoles whose deployer starts
//! real `fabric-ca-server` and `peer` processes. The plan starts from nothing (CA, org admin,
//! MSP and first peer in region 1), then creates 2 + 2 peers in regions 2 and 3 and imports
//! every peer everywhere. Every new peer is a running process whose `/healthz` answers, whose
//! enroll id the real CA lists as a peer, and whose certificates chain to the CA's roots.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;
use fabric_ha_engine::journal::registrar_secret_id;
use fabric_ha_engine::{apply, preview, ApplyOptions, Context, RegistrarCredential};
use fabric_ha_fabric_ca::FabricCaClient;
use fabric_ha_testbed::console::{Deployer, TestConsole};
use fabric_ha_testnet::{enroll, identity_list, probe, CaEndpoint, Fabric};
use serde_json::Value;
use x509_cert::der::DecodePem as _;

fn pem(b64: &Value) -> String {
    String::from_utf8(STANDARD.decode(b64.as_str().unwrap()).unwrap()).unwrap()
}

fn cert(pem: &str) -> x509_cert::Certificate {
    x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicates_onto_real_peers() {
    let Some(fabric) = Fabric::for_tests("replicates_onto_real_peers") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut pids = Vec::new();
    {
        let mut consoles = Vec::new();
        for r in REGIONS {
            let mut config = fast(r);
            config.deployer = Some(Deployer {
                fabric: fabric.clone(),
                dir: tmp.path().join("nodes"),
            });
            consoles.push(TestConsole::start(config).await.unwrap());
        }
        let clients: HashMap<_, _> = REGIONS
            .iter()
            .zip(&consoles)
            .map(|(r, tc)| ((*r).to_owned(), console_client(tc)))
            .collect();
        let (store, vault) = open_store(&tmp.path().join("ws"));
        let record = saved(&store, &plan_from_nothing("real", 7, 2, Some("leveldb")));
        let ctx = || Context::<_, FabricCaClient> {
            plan: &record,
            consoles: &clients,
            ca: None,
            registrar: RegistrarCredential::Generated,
            store: &store,
            vault: &vault,
            org_admin: None,
        };
        assert!(preview(ctx()).await.unwrap().ready);
        let options = ApplyOptions {
            poll_interval: Duration::from_millis(100),
            retry_backoff: Duration::from_millis(20),
            ..ApplyOptions::default()
        };
        let outcome = apply(ctx(), &options).await.unwrap();
        assert!(outcome.completed, "{outcome:#?}");

        // Real processes: the CA and the first peer in region 1, two peers in each of regions
        // 2 and 3.
        let counts: Vec<usize> = consoles.iter().map(|c| c.node_pids().len()).collect();
        assert_eq!(counts, vec![2, 2, 2]);
        for c in &consoles {
            pids.extend(c.node_pids());
        }
        assert!(pids.iter().all(|p| alive(*p)));

        // Every console holds each of the five peers once.
        let urls: Vec<Vec<String>> = consoles
            .iter()
            .map(|c| {
                let mut urls: Vec<String> = c
                    .components()
                    .iter()
                    .filter(|r| r["type"] == "fabric-peer")
                    .map(|r| r["api_url"].as_str().unwrap().to_owned())
                    .collect();
                urls.sort();
                urls
            })
            .collect();
        assert_eq!(urls[0].len(), 5, "{urls:?}");
        assert!(urls.iter().all(|u| u == &urls[0]), "{urls:?}");

        let c1 = consoles[0].components();
        let ca = c1.iter().find(|r| r["type"] == "fabric-ca").unwrap();
        let ca_root = cert(&pem(&ca["msp"]["ca"]["root_certs"][0]));
        let tls_root = cert(&pem(&ca["msp"]["tlsca"]["root_certs"][0]));

        // The real CA lists every new peer's enroll id as a peer.
        let secret = vault
            .get_str(&store, &registrar_secret_id(&record.id))
            .unwrap();
        let endpoint = CaEndpoint {
            url: ca["api_url"].as_str().unwrap().to_owned(),
            tls_cert_pem: pem(&ca["msp"]["component"]["tls_cert"]),
            ca_name: Some("ca".into()),
        };
        let admin = enroll(
            &fabric,
            &endpoint,
            "org7-ca-admin",
            secret.expose(),
            &[],
            &tmp.path().join("ca-admin"),
        )
        .await
        .unwrap();
        let listed = identity_list(&fabric, &endpoint, &admin).await.unwrap();

        for (console, region) in consoles[1..].iter().zip(&record.plan.targets) {
            let created: Vec<Value> = console
                .components()
                .into_iter()
                .filter(|r| r["type"] == "fabric-peer" && r["location"] == "ibm_saas")
                .collect();
            assert_eq!(created.len(), 2);
            for spec in &region.peers {
                assert!(
                    listed.contains(&format!("Name: {}, Type: peer", spec.enroll_id)),
                    "{} not listed as a peer:\n{listed}",
                    spec.enroll_id
                );
            }
            for peer in &created {
                let tls_root_pem = pem(&peer["msp"]["tlsca"]["root_certs"][0]);
                let healthz = format!("{}/healthz", peer["operations_url"].as_str().unwrap());
                assert!(
                    probe(&healthz, &tls_root_pem, Some("\"OK\"")).await,
                    "{healthz}"
                );
                let ecert = cert(&pem(&peer["msp"]["component"]["ecert"]));
                let tls = cert(&pem(&peer["msp"]["component"]["tls_cert"]));
                assert_eq!(
                    ecert.tbs_certificate().issuer(),
                    ca_root.tbs_certificate().subject()
                );
                assert_eq!(
                    tls.tbs_certificate().issuer(),
                    tls_root.tbs_certificate().subject()
                );
                assert!(peer["api_url"]
                    .as_str()
                    .unwrap()
                    .starts_with("grpcs://127.0.0.1:"));
            }
        }
        for console in consoles {
            console.shutdown().await;
        }
    }
    // The consoles are gone: so is every process their deployers started.
    let left: Vec<u32> = pids.into_iter().filter(|p| alive(*p)).collect();
    assert!(left.is_empty(), "still running: {left:?}");
}
