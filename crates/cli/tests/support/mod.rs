//! What the CLI suites share: running `fabric-ha` as a user does (a workspace of its own, a
//! passphrase instead of a keyring, no secret inherited from the environment), reading its
//! output, and for the suites on the real sandbox network setting a workspace up as a user
//! would (the region consoles registered, the org admin's identity file in the wallet).
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use fabric_ha_testbed::sandbox::{FabricSandbox, SandboxConfig};
use fabric_ha_testnet::Fabric;
use serde_json::{json, Value};

pub const PASSPHRASE: &str = "cli fabric tests";

pub fn fabric_ha(data_dir: &Path, args: &[&str]) -> Output {
    fabric_ha_with(data_dir, args, &[])
}

/// With extra environment variables (secrets stay out of the echoed command line).
pub fn fabric_ha_with(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = command(data_dir, args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    eprintln!("$ fabric-ha {}\n{}", args.join(" "), text(&out));
    out
}

/// The command, not started, with [`PASSPHRASE`].
pub fn command(data_dir: &Path, args: &[&str]) -> Command {
    command_with(data_dir, args, PASSPHRASE)
}

/// The command, not started: the workspace `data_dir`, `passphrase` instead of a keyring, and
/// none of the secrets or crash-test switches a caller's environment may hold.
pub fn command_with(data_dir: &Path, args: &[&str], passphrase: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fabric-ha"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("FABRIC_HA_NO_KEYRING", "1")
        .env("FABRIC_HA_PASSPHRASE", passphrase);
    for name in [
        "FABRIC_HA_HOME",
        "FABRIC_HA_API_SECRET",
        "FABRIC_HA_IAM_API_KEY",
        "FABRIC_HA_ENROLL_SECRET",
        "FABRIC_HA_REGISTRAR_SECRET",
        "FABRIC_HA_TEST_KILL_AFTER_STEP",
        "FABRIC_HA_TEST_KILL_AFTER_EFFECT",
        "FABRIC_HA_TEST_KILL_STEPS",
    ] {
        cmd.env_remove(name);
    }
    cmd
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn ok_json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

pub fn b64(pem: &str) -> String {
    STANDARD.encode(pem)
}

/// The `export K='V'` lines of the sandbox's env file.
pub fn env_file(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (k, v) = l.strip_prefix("export ")?.split_once('=')?;
            Some((k.to_owned(), v.trim_matches('\'').to_owned()))
        })
        .collect()
}

pub fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

pub fn host_port(api_url: &str) -> String {
    api_url.trim_start_matches("grpcs://").to_owned()
}

/// A two-thread runtime for the async parts of a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The real sandbox network with consoles `r1`, `r2`, `r3`, under `dir`.
pub fn start_sandbox(rt: &tokio::runtime::Runtime, fabric: Fabric, dir: &Path) -> FabricSandbox {
    start_sandbox_with(rt, fabric, dir, TestConsoleConfig::default())
}

/// [`start_sandbox`] with these console settings (the deployer is the sandbox's).
pub fn start_sandbox_with(
    rt: &tokio::runtime::Runtime,
    fabric: Fabric,
    dir: &Path,
    console: TestConsoleConfig,
) -> FabricSandbox {
    rt.block_on(FabricSandbox::start(SandboxConfig {
        fabric,
        regions: vec!["r1".into(), "r2".into(), "r3".into()],
        dir: dir.to_owned(),
        console,
    }))
    .unwrap()
}

/// The org admin's private key (PEM) from its MSP folder.
pub fn org_admin_key(sandbox: &FabricSandbox) -> String {
    std::fs::read_to_string(sandbox.org_admin.msp_dir.join("keystore").join("key.pem")).unwrap()
}

/// Registers test console `console` as `name` (its region label too) with the API key `key`,
/// its CA certificate written under `tmp`.
pub fn add_console(
    ws: &Path,
    tmp: &Path,
    name: &str,
    console: &TestConsole,
    key: (String, String),
) {
    let ca = write(
        tmp,
        &format!("{name}-ca.pem"),
        &console.ca_cert_pem().unwrap(),
    );
    let (key, secret) = key;
    ok(&fabric_ha_with(
        ws,
        &[
            "console",
            "add",
            name,
            "--url",
            &console.url(),
            "--region",
            name,
            "--api-key",
            &key,
            "--ca-cert",
            ca.to_str().unwrap(),
        ],
        &[("FABRIC_HA_API_SECRET", &secret)],
    ));
}

/// Registers the sandbox's region consoles (manager keys) and imports the org admin into the
/// wallet as its identity file, named `org1admin`. Returns the identity's library id.
pub fn set_up_workspace(ws: &Path, tmp: &Path, sandbox: &FabricSandbox) -> String {
    for (region, console) in &sandbox.consoles {
        add_console(ws, tmp, region, console, console.manager_key());
    }
    let identity = write(
        tmp,
        "org1admin_identity.json",
        &json!({
            "name": "org1admin", "type": "identity",
            "cert": b64(&sandbox.org_admin.cert_pem), "private_key": b64(&org_admin_key(sandbox)),
        })
        .to_string(),
    );
    let imported = ok_json(&fabric_ha(
        ws,
        &["artifact", "import", identity.to_str().unwrap(), "--json"],
    ));
    // Accepted, with a warning when its certificate ends within 30 days.
    assert!(
        ["accepted", "acceptedWithWarnings"]
            .contains(&imported["files"][0]["status"].as_str().unwrap()),
        "{imported:#}"
    );
    std::fs::remove_file(identity).unwrap();
    imported["files"][0]["artifacts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Runs `cmd` with `stdin` as its standard input, and waits for it.
pub fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
