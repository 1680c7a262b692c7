//! Import, list, get, edit, delete and status of component records.

mod common;

use common::{ca_body, call, cert_b64, msp_body, peer_body, start};
use fabric_ha_testbed::console::TestConsoleConfig;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn import_records_have_the_v3_shape_and_duplicates_get_suffixes() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");

    let (status, _, first) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["id"], "org1ca");
    assert_eq!(first["type"], "fabric-ca");
    assert_eq!(first["imported"], true);
    assert_eq!(first["location"], "-");
    assert_eq!(first["scheme_version"], "v1");
    assert_eq!(first["msp"]["ca"]["name"], "ca");
    assert_eq!(first["msp"]["tlsca"]["name"], "tlsca");
    assert_eq!(
        first["msp"]["component"]["tls_cert"],
        ca["msp"]["component"]["tls_cert"]
    );
    assert!(first["tags"]
        .as_array()
        .expect("tags")
        .contains(&json!("fabric-ca")));
    assert!(first["timestamp"].as_u64().is_some());

    let (_, _, second) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!(second["id"], "org1ca_0", "silent duplicate");
    let (_, _, third) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!(third["id"], "org1ca_1");

    // A trailing number is incremented instead.
    let peer = peer_body("Org1 Peer 2");
    let (_, _, p1) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-peer",
        &writer,
        Some(&peer),
    )
    .await;
    let (_, _, p2) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-peer",
        &writer,
        Some(&peer),
    )
    .await;
    assert_eq!(p1["id"], "org1peer2");
    assert_eq!(p2["id"], "org1peer3");

    // Display names starting with a digit get a `c` prefix.
    let msp = msp_body("1st MSP");
    let (_, _, m) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/msp",
        &writer,
        Some(&msp),
    )
    .await;
    assert_eq!(m["id"], "c1stmsp");
    assert_eq!(m["type"], "msp");
    assert_eq!(
        m["host_url"], "https://console-us-east.example.com:443",
        "extra MSP fields are stored"
    );

    assert_eq!(console.components().len(), 6);
    console.shutdown().await;
}

#[tokio::test]
async fn explicit_id_conflict_is_409() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let mut ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");
    ca["id"] = json!("myca");
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!((status, body["id"].clone()), (200, json!("myca")));
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        body,
        json!({"statusCode": 409, "msg": "unable to onboard component b/c of id conflict. use a different component id."})
    );

    ca["id"] = json!("Bad Id");
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["The field 'id' must start with a letter, be lowercase and only contain letters, numbers, dashes or underscores."])
    );
    console.shutdown().await;
}

#[tokio::test]
async fn unknown_keys_and_bad_fields_are_rejected_with_console_messages() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();

    let mut peer = peer_body("Org1 Peer");
    peer["bogus_field"] = json!(1);
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-peer",
        &writer,
        Some(&peer),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"statusCode": 400, "msgs": ["Parameter 'bogus_field' is an unknown key for object."]})
    );

    // Replaying an export: legacy fields inside and outside `msp` are all reported.
    let mut exported = peer_body("Org1 Peer");
    exported["pem"] = json!(cert_b64("x"));
    exported["msp"]["intermediate_ca"] = json!({ "root_certs": [] });
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-peer",
        &writer,
        Some(&exported),
    )
    .await;
    assert_eq!(status, 400);
    let messages = body["msgs"].as_array().expect("msgs");
    assert!(messages.contains(&json!("Parameter 'pem' is an unknown key for object.")));
    assert!(messages.contains(&json!(
        "Parameter 'msp.intermediate_ca' is an unknown key for object."
    )));

    // `type` is tolerated on strict bodies.
    let mut typed = ca_body("Typed CA", "https://ca.example.com:7054");
    typed["type"] = json!("fabric-ca");
    let (status, _, _) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&typed),
    )
    .await;
    assert_eq!(status, 200);

    let mut bad = ca_body("Org1 CA", "ca-us-east.example.com:443");
    bad["display_name"] = json!(5);
    bad["msp"]["component"]["tls_cert"] = json!("bm90IGEgY2VydA==");
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&bad),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!([
            "Expected parameter 'display_name' to be of type: 'string', but instead was: 'number'.",
            "The field 'api_url' must be a url including the protocol, hostname/ip and port.",
            "Expected parameter 'msp.component.tls_cert' to be a Base64 encoded PEM-string."
        ])
    );

    // A grpc URL needs its port; plain PEM (not base64) is not a certificate field value.
    let mut no_port = peer_body("Org1 Peer");
    no_port["api_url"] = json!("grpcs://peer.example.com");
    no_port["msp"]["component"]["tls_cert"] =
        json!("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    let (_, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-peer",
        &writer,
        Some(&no_port),
    )
    .await;
    assert_eq!(
        body["msgs"],
        json!([
            "The field 'api_url' must be a url including the protocol, hostname/ip and port.",
            "Expected parameter 'msp.component.tls_cert' to be a Base64 encoded PEM-string."
        ])
    );

    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/msp",
        &writer,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"statusCode": 400, "msgs": [
            "Expected parameter 'msp_id' to exist.",
            "Expected parameter 'display_name' to exist.",
            "Expected parameter 'root_certs' to exist."
        ]})
    );

    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components",
        &writer,
        Some(&json!({"display_name": "x"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["Expected the component 'type' to be in the body or route."])
    );

    let mut saas = ca_body("Org1 CA", "https://ca.example.com");
    saas["location"] = json!("ibm_saas");
    let (_, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&saas),
    )
    .await;
    assert_eq!(
        body["msgs"],
        json!(["Parameter 'location' cannot be any of these values: 'ibm_saas'."])
    );

    assert_eq!(
        console.components().len(),
        1,
        "only the valid typed CA was stored"
    );
    console.shutdown().await;
}

#[tokio::test]
async fn malformed_json_is_an_input_error() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let (key, secret) = console.writer_key();
    let response = client
        .post(format!("{}/ak/api/v3/components/msp", console.url()))
        .basic_auth(key, Some(secret))
        .header("content-type", "application/json")
        .body("{\"msp_id\": ")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({"statusCode": 400, "msg": "input error", "details": "SyntaxError: Unexpected end of JSON input"})
    );
    console.shutdown().await;
}

#[tokio::test]
async fn list_get_edit_delete_and_query_flags() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let (status, _, body) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 222);
    assert_eq!(
        body,
        json!({"components": [], "msg": "no components exist", "reason": "missing"})
    );

    let peer = peer_body("Org1 Peer 1");
    call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-peer",
        &writer,
        Some(&peer),
    )
    .await;

    let (status, _, body) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components?cache=skip",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let record = &body["components"][0];
    assert_eq!(record["id"], "org1peer1");
    assert!(
        record["msp"]["component"].get("admin_certs").is_none(),
        "hidden without deployment_attrs"
    );
    assert!(record["msp"]["component"].get("ecert").is_none());
    assert!(record.get("node_ou").is_none());

    let (status, _, record) = call(
        &client, &console, Method::GET,
        "/ak/api/v3/components/org1peer1?deployment_attrs=included&parsed_certs=included&cache=skip",
        &writer, None,
    ).await;
    assert_eq!(status, 200);
    assert_eq!(
        record["msp"]["component"]["admin_certs"],
        peer["msp"]["component"]["admin_certs"]
    );
    assert_eq!(record["node_ou"], json!({"enabled": true}));
    let parsed = &record["msp"]["component"]["tls_cert_parsed"];
    assert_eq!(parsed["subject"], "/CN=peer-tls");
    assert!(parsed["not_after_ts"].as_u64().is_some());
    assert_eq!(
        record["msp"]["tlsca"]["root_certs_parsed"][0]["subject"],
        "/CN=tls-root"
    );

    let (status, _, by_type) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components/types/fabric-peer",
        &writer,
        None,
    )
    .await;
    assert_eq!(
        (status, by_type["components"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let (status, _, _) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components/types/fabric-ca",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 222);

    let (status, _, body) = call(
        &client,
        &console,
        Method::PUT,
        "/ak/api/v3/components/org1peer1",
        &writer,
        Some(&json!({"type": "fabric-ca"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["Parameter 'type' is either never editable or not editable via this api."])
    );
    let (status, _, edited) = call(
        &client,
        &console,
        Method::PUT,
        "/ak/api/v3/components/org1peer1",
        &writer,
        Some(&json!({"display_name": "Renamed"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(edited["display_name"], "Renamed");
    assert!(edited["edited_timestamp"].as_u64().is_some());
    assert_eq!(edited["msp_id"], "org1msp", "unchanged fields kept");

    let (status, _, body) = call(
        &client,
        &console,
        Method::GET,
        "/ak/api/v3/components/nope",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"statusCode": 404, "msg": "no components by this id exist", "reason": "missing"})
    );

    let (status, _, body) = call(
        &client,
        &console,
        Method::DELETE,
        "/ak/api/v3/components/org1peer1",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"message": "deleted", "id": "org1peer1", "display_name": "Renamed", "type": "fabric-peer"})
    );
    let (status, _, _) = call(
        &client,
        &console,
        Method::DELETE,
        "/ak/api/v3/components/org1peer1",
        &writer,
        None,
    )
    .await;
    assert_eq!(status, 404);
    console.shutdown().await;
}

#[tokio::test]
async fn status_is_always_207() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");
    call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    let request = json!({"components": {
        "org1ca": {"skip_cache": true, "include_status_resp": true, "timeout_ms": 5000},
        "ghost": {}
    }});
    let reader = console.reader_key();
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/status",
        &reader,
        Some(&request),
    )
    .await;
    assert_eq!(status, 207);
    // Keyed by id at the top level (§3.5, §9): no "components" wrapper.
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
    assert!(body.get("components").is_none(), "{body}");
    assert_eq!(body["org1ca"]["status"], "not ok");
    assert_eq!(
        body["org1ca"]["status_url"],
        "https://ca-us-east.example.com:443/cainfo"
    );
    assert_eq!(body["org1ca"]["_cache_expires_in"], "1.4 mins");
    assert_eq!(body["org1ca"]["status_resp"]["statusCode"], 503);
    assert_eq!(
        body["ghost"],
        json!({"status": null, "status_url": "?", "error": "unknown component id"})
    );

    assert!(console.set_reachable("org1ca", true));
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/status",
        &reader,
        Some(&request),
    )
    .await;
    assert_eq!(status, 207);
    assert_eq!(body["org1ca"]["status"], "ok");
    assert_eq!(body["org1ca"]["_cache_expires_in"], "1.4 mins");
    assert_eq!(
        body["org1ca"]["status_resp"],
        json!({"result": {"CAName": "ca", "Version": "1.5.7"}, "success": true})
    );
    console.shutdown().await;
}

#[tokio::test]
async fn status_reads_an_array_as_ids_0_1_and_answers_each_unknown() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let ca = ca_body("Org1 CA", "https://ca-us-east.example.com:443");
    call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/fabric-ca",
        &writer,
        Some(&ca),
    )
    .await;
    let unknown = json!({"status": null, "status_url": "?", "error": "unknown component id"});
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/status",
        &console.reader_key(),
        Some(&json!({"components": ["org1ca", "org1ca"]})),
    )
    .await;
    assert_eq!(status, 207);
    assert_eq!(body, json!({"0": unknown, "1": unknown}));
    console.shutdown().await;
}

#[tokio::test]
async fn bulk_import_skips_validation_and_rejects_objects_with_207() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let mut entry = msp_body("Bulk MSP");
    entry["type"] = json!("msp");
    entry["not_in_schema"] = json!(true);
    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/bulk",
        &writer,
        Some(&json!([entry])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"], json!([]));
    assert_eq!(body["successes"][0]["id"], "bulkmsp");

    let (status, _, body) = call(
        &client,
        &console,
        Method::POST,
        "/ak/api/v3/components/bulk",
        &writer,
        Some(&json!({"a": 1})),
    )
    .await;
    assert_eq!(status, 207);
    assert_eq!(
        body,
        json!({"errors": [{"statusCode": 500, "msg": ["invalid component type or missing component data in body. type: undefined"]}], "successes": []})
    );
    console.shutdown().await;
}

#[tokio::test]
async fn edits_replace_certificates_under_each_type_s_edit_schema() {
    let (console, client) = start(TestConsoleConfig::default()).await;
    let writer = console.writer_key();
    let put = |path: &'static str, body: Value| {
        let (client, console, writer) = (&client, &console, &writer);
        async move { call(client, console, Method::PUT, path, writer, Some(&body)).await }
    };
    let peer = peer_body("Org1 Peer 1");
    for (route, body) in [
        ("fabric-peer", peer.clone()),
        (
            "fabric-ca",
            ca_body("Org1 CA", "https://ca.example.com:7054"),
        ),
        ("msp", msp_body("Org1 MSP")),
    ] {
        let path = format!("/ak/api/v3/components/{route}");
        let (status, _, _) =
            call(&client, &console, Method::POST, &path, &writer, Some(&body)).await;
        assert_eq!(status, 200);
    }

    // A peer's certificates: `msp` is checked as a whole (strict keys, tls_cert and the TLS
    // roots required), and what it leaves out is kept.
    let new_tls = cert_b64("peer-tls-renewed");
    let (status, _, body) = put(
        "/ak/api/v3/components/org1peer1",
        json!({"msp": {"component": {"tls_cert": new_tls}}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["Expected parameter 'msp.tlsca' to exist."])
    );
    let (status, _, body) = put(
        "/ak/api/v3/components/fabric-peer/org1peer1",
        json!({"msp": {"tlsca": {"root_certs": [cert_b64("tls-root-2")]},
                       "component": {"tls_cert": new_tls, "pem": new_tls}}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["Parameter 'msp.component.pem' is an unknown key for object."])
    );
    let new_root = cert_b64("tls-root-2");
    let (status, _, edited) = put(
        "/ak/api/v3/components/fabric-peer/org1peer1",
        json!({"msp": {"tlsca": {"root_certs": [new_root]}, "component": {"tls_cert": new_tls}}}),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["message"], "ok");
    assert_eq!(edited["msp"]["component"]["tls_cert"], new_tls.as_str());
    assert_eq!(edited["msp"]["tlsca"]["root_certs"], json!([new_root]));
    // The whole record comes back, deployment attributes included: the ecert was kept.
    assert_eq!(
        edited["msp"]["component"]["ecert"],
        peer["msp"]["component"]["ecert"]
    );
    assert_eq!(
        edited["msp"]["component"]["admin_certs"],
        peer["msp"]["component"]["admin_certs"]
    );
    assert_eq!(edited["display_name"], "Org1 Peer 1");
    assert!(edited["edited_timestamp"].as_u64().is_some());

    // A CA's edit schema has no `msp`: its certificates are not editable this way.
    let (status, _, body) = put(
        "/ak/api/v3/components/org1ca",
        json!({"msp": {"tlsca": {"root_certs": [new_root]}, "component": {"tls_cert": new_tls}}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["Parameter 'msp' is an unknown key for object."])
    );

    // An MSP's lists are replaced, on its own route or the generic one; ids stay illegal.
    let admin = cert_b64("org-admin-2");
    let (status, _, edited) = put(
        "/ak/api/v3/components/msp/org1msp",
        json!({"admins": [admin], "intermediate_certs": [cert_b64("ca-intermediate")]}),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["admins"], json!([admin]));
    assert_eq!(
        edited["intermediate_certs"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(edited["msp_id"], "org1msp");
    let (status, _, body) = put(
        "/ak/api/v3/components/org1msp",
        json!({"id": "other", "admins": []}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["msgs"],
        json!(["Parameter 'id' is either never editable or not editable via this api."])
    );
    let (status, _, body) = put("/ak/api/v3/components/msp/nosuch", json!({"admins": []})).await;
    assert_eq!(status, 404);
    assert_eq!(body["msg"], "no components by this id exist");
    console.shutdown().await;
}
