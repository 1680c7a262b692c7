//! `fabric-ha sandbox`: three loopback test consoles, one per region, and a Fabric CA test
//! server (CA names `ca` and `tlsca`), to try every feature without a cluster. With `--fabric`
//! the regions of the running sandbox stop and start from another process through its control
//! socket (`fabric-ha sandbox region stop|start|status`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use fabric_ha_core::consoles::{ConsoleAuthInput, ConsoleInput};
use fabric_ha_core::{CoreError, Sensitive, Workspace};
use fabric_ha_testbed::ca::{TestCa, TestCaConfig};
use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};
use fabric_ha_testbed::sandbox::{
    FabricSandbox, SandboxConfig, CA_ADMIN, CHAINCODE, CHANNEL, MSP_ID, ORG_ADMIN,
};
use fabric_ha_testnet::Fabric;

/// Regions of the sandbox when none are given.
pub(crate) const DEFAULT_REGIONS: &str = "us-south,eu-de,jp-tok";
/// Time a created peer takes to start on a sandbox console.
const DEPLOY_DELAY: Duration = Duration::from_secs(5);

/// The console name of a sandbox region.
fn console_name(region: &str) -> String {
    format!("sandbox-{region}")
}

fn parse_regions(regions: &str) -> Result<Vec<String>, CoreError> {
    let list: Vec<String> = regions
        .split(',')
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    let invalid = |reason: &str| CoreError::InvalidInput {
        field: "--regions".into(),
        reason: reason.into(),
    };
    if list.len() != 3 {
        return Err(invalid("give three region names, separated by commas"));
    }
    if list.iter().any(|r| {
        !r.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }) {
        return Err(invalid(
            "region names may hold letters, digits, '-' and '_' only",
        ));
    }
    for (i, r) in list.iter().enumerate() {
        if list[..i].contains(r) {
            return Err(invalid("region names must differ"));
        }
    }
    Ok(list)
}

/// Waits for Ctrl-C (or SIGTERM on Unix).
fn wait_for_stop() -> Result<(), CoreError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CoreError::Internal(format!("cannot wait for signals: {e}")))?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate())
                .map_err(|e| CoreError::Internal(format!("cannot watch SIGTERM: {e}")))?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r.map_err(|e| CoreError::Internal(e.to_string())),
                _ = term.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c()
                .await
                .map_err(|e| CoreError::Internal(e.to_string()))
        }
    })
}

/// `fabric-ha sandbox <command>`: acting on a sandbox another process runs.
#[derive(Debug, Subcommand)]
pub(crate) enum SandboxCommand {
    /// Stop or start a region of a running `fabric-ha sandbox --fabric`, as a region outage
    /// would, or show its regions.
    #[command(subcommand)]
    Region(RegionCommand),
}

/// `fabric-ha sandbox region …`.
#[derive(Debug, Subcommand)]
pub(crate) enum RegionCommand {
    /// Stop a region: its console stops answering (connections refused), then the CA and peers
    /// its console created stop (their folders, certificates and ledgers stay).
    Stop {
        /// The region's name (as `--regions` gave it).
        region: String,
        #[command(flatten)]
        target: Target,
    },
    /// Start a stopped region again: the nodes its console created, from their folders (same
    /// ports, certificates and ledgers; each waited for until it answers), then its console on
    /// the same port with the same records and API keys.
    Start {
        /// The region's name.
        region: String,
        #[command(flatten)]
        target: Target,
    },
    /// Every region: running or stopped, its console's URL, its nodes and their process ids.
    Status {
        #[command(flatten)]
        target: Target,
    },
}

/// Which sandbox, and how to print.
#[derive(Debug, Args)]
pub(crate) struct Target {
    /// The sandbox's control socket (printed by `sandbox --fabric`) or its folder; default: the
    /// one `sandbox --fabric` this user runs.
    #[arg(long, value_name = "PATH")]
    sandbox: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs a `sandbox region` command against the running sandbox.
pub(crate) fn control(command: SandboxCommand) -> Result<ExitCode, CoreError> {
    let SandboxCommand::Region(command) = command;
    let (op, region, target) = match &command {
        RegionCommand::Stop { region, target } => ("stop", Some(region.as_str()), target),
        RegionCommand::Start { region, target } => ("start", Some(region.as_str()), target),
        RegionCommand::Status { target } => ("status", None, target),
    };
    region_control(op, region, target)
}

#[cfg(not(unix))]
fn region_control(_: &str, _: Option<&str>, _: &Target) -> Result<ExitCode, CoreError> {
    Err(CoreError::InvalidInput {
        field: "sandbox region".into(),
        reason: "the sandbox's regions are controlled through a Unix domain socket".into(),
    })
}

#[cfg(unix)]
fn region_control(op: &str, region: Option<&str>, target: &Target) -> Result<ExitCode, CoreError> {
    use fabric_ha_testbed::control::{self, ControlError};

    let socket = match &target.sandbox {
        Some(path) if path.is_dir() => path.join(control::SOCKET_NAME),
        Some(path) => path.clone(),
        None => match fabric_ha_core::sandbox::sandbox_socket()? {
            Some(path) => path,
            None => {
                eprintln!(
                    "error: no `fabric-ha sandbox --fabric` is running for this user (no control socket answers at {})",
                    std::env::temp_dir()
                        .join(format!("{}*", control::SANDBOX_DIR_PREFIX))
                        .join(control::SOCKET_NAME)
                        .display()
                );
                return Ok(ExitCode::FAILURE);
            }
        },
    };
    let request = match region {
        Some(region) => serde_json::json!({ "op": op, "region": region }),
        None => serde_json::json!({ "op": op }),
    };
    let regions = match control::request(&socket, &request) {
        Ok(regions) => regions,
        Err(ControlError::Refused { code, message }) if code == "unknown_region" => {
            return Err(CoreError::InvalidInput {
                field: "REGION".into(),
                reason: message,
            })
        }
        Err(e @ ControlError::NotRunning { .. }) => {
            eprintln!("error: {e} (is `fabric-ha sandbox --fabric` still running?)");
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if target.json {
        match (op, regions.first()) {
            ("status", _) | (_, None) => crate::print_json(&regions)?,
            (_, Some(one)) => crate::print_json(one)?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    for r in &regions {
        let name = r["region"].as_str().unwrap_or_default();
        let url = r["console_url"].as_str().unwrap_or_default();
        let running = r["running"] == true;
        match op {
            "stop" => println!("region {name} stopped: console {url} no longer answers"),
            "start" => println!("region {name} started: console {url} answers again"),
            _ => println!(
                "{name}  {}  console {url}",
                if running { "running" } else { "stopped" }
            ),
        }
        for node in r["nodes"].as_array().into_iter().flatten() {
            let pid = node["pid"]
                .as_u64()
                .map_or_else(|| "-".to_owned(), |p| p.to_string());
            let state = match (op, node["kind"].as_str()) {
                ("stop", _) => "stopped",
                ("start", Some("ca")) => "running (cainfo answers)",
                ("start", _) => "running (healthy, serving gRPC)",
                (_, _) if node["pid"].is_u64() => "running",
                _ => "stopped",
            };
            println!(
                "  {:<5} {:<24} pid {pid:<8} {state}",
                node["kind"].as_str().unwrap_or_default(),
                node["id"].as_str().unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--fabric`: real Fabric nodes from the release binaries.
pub(crate) struct RealFabric {
    /// `--fabric-bin`: the release's `bin/` folder.
    pub(crate) bin: Option<PathBuf>,
}

/// Runs the sandbox in the foreground until Ctrl-C / SIGTERM.
pub(crate) fn run(
    register: bool,
    regions: &str,
    real: Option<RealFabric>,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    let regions = parse_regions(regions)?;
    if let Some(real) = real {
        return run_fabric(register, regions, real, open);
    }
    let ws = if register { Some(open()?) } else { None };
    let ca_dir = std::env::temp_dir().join(format!("fabric-ha-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&ca_dir)
        .map_err(|e| CoreError::Storage(format!("cannot create {}: {e}", ca_dir.display())))?;

    let mut consoles: Vec<(String, TestConsole)> = Vec::new();
    let mut registered: Vec<String> = Vec::new();
    let mut fabric_ca: Option<TestCa> = None;
    let outcome = (|| -> Result<(), CoreError> {
        for region in &regions {
            let console = TestConsole::start_blocking(TestConsoleConfig {
                name: region.clone(),
                deploy_delay: DEPLOY_DELAY,
                ..TestConsoleConfig::default()
            })
            .map_err(|e| CoreError::Internal(format!("cannot start the {region} console: {e}")))?;
            let ca_path: PathBuf = ca_dir.join(format!("{region}-ca.pem"));
            if announce_console(ws.as_ref(), region, &console, &ca_path)? {
                registered.push(console_name(region));
            }
            consoles.push((region.clone(), console));
        }
        let config = TestCaConfig::default();
        let ca = TestCa::start_blocking(config.clone())
            .map_err(|e| CoreError::Internal(format!("cannot start the Fabric CA: {e}")))?;
        let tls_path = ca_dir.join("fabric-ca-tls.pem");
        std::fs::write(&tls_path, ca.tls_cert_pem())
            .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", tls_path.display())))?;
        println!("sandbox-ca");
        println!("  url         {}", ca.url());
        println!("  ca names    {}, {}", config.ca_name, config.tlsca_name);
        println!("  tls cert    {}", tls_path.display());
        println!(
            "  admin       {} / {}",
            config.bootstrap.0, config.bootstrap.1
        );
        fabric_ca = Some(ca);
        ready_until_stopped(register)
    })();
    let cleanup_error = unregister(ws.as_ref(), &registered);
    for (_, console) in consoles {
        console.shutdown_blocking();
    }
    if let Some(ca) = fabric_ca {
        ca.shutdown_blocking();
    }
    let _ = std::fs::remove_dir_all(&ca_dir);
    outcome?;
    if let Some(e) = cleanup_error {
        return Err(e);
    }
    eprintln!("sandbox stopped");
    Ok(ExitCode::SUCCESS)
}

/// Says `sandbox ready` and waits for Ctrl-C / SIGTERM.
fn ready_until_stopped(register: bool) -> Result<(), CoreError> {
    println!(
        "sandbox ready (Ctrl-C to stop{})",
        if register { " and unregister" } else { "" }
    );
    wait_for_stop()
}

/// Removes the consoles the sandbox registered; the first error, if any.
fn unregister(ws: Option<&Workspace>, registered: &[String]) -> Option<CoreError> {
    let ws = ws?;
    let mut first = None;
    for name in registered {
        if let Err(e) = ws.remove_console(name) {
            first.get_or_insert(e);
        }
    }
    first
}

/// Prints one console of the sandbox and registers it when asked.
fn announce_console(
    ws: Option<&Workspace>,
    region: &str,
    console: &TestConsole,
    ca_path: &std::path::Path,
) -> Result<bool, CoreError> {
    let (key, secret) = console.manager_key();
    let ca = console.ca_cert_pem().unwrap_or_default();
    std::fs::write(ca_path, &ca)
        .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", ca_path.display())))?;
    println!("{}", console_name(region));
    println!("  region      {region}");
    println!("  url         {}", console.url());
    println!("  api key     {key}");
    println!("  api secret  {secret}");
    println!("  ca cert     {}", ca_path.display());
    let Some(ws) = ws else {
        return Ok(false);
    };
    ws.add_sandbox_console(ConsoleInput {
        name: console_name(region),
        region: region.to_owned(),
        url: console.url(),
        auth: Some(ConsoleAuthInput::ApiKey {
            api_key: key,
            api_secret: Sensitive::new(secret),
        }),
        ca_cert_pem: Some(ca),
    })?;
    println!("  registered  as console {}", console_name(region));
    Ok(true)
}

/// `sandbox --fabric`: the consoles with a real deployer and region 1's organization,
/// ordering service, channel and chaincode ([`FabricSandbox`]), until Ctrl-C / SIGTERM.
fn run_fabric(
    register: bool,
    regions: Vec<String>,
    real: RealFabric,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    let fabric = Fabric::locate(real.bin.as_deref()).map_err(|e| CoreError::InvalidInput {
        field: "--fabric".into(),
        reason: e.to_string(),
    })?;
    let ws = if register { Some(open()?) } else { None };
    let dir = std::env::temp_dir().join(format!("fabric-ha-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CoreError::Storage(format!("cannot create {}: {e}", dir.display())))?;
    owner_only(&dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CoreError::Internal(format!("cannot start the sandbox runtime: {e}")))?;
    eprintln!("starting real Fabric in {} (about 10 s)", dir.display());
    let started = runtime.block_on(FabricSandbox::start(SandboxConfig {
        fabric,
        regions: regions.clone(),
        dir: dir.clone(),
        console: TestConsoleConfig {
            deploy_delay: DEPLOY_DELAY,
            ..TestConsoleConfig::default()
        },
    }));
    let sandbox = match started {
        Ok(sandbox) => sandbox,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(CoreError::Internal(format!(
                "the Fabric sandbox did not start: {e}"
            )));
        }
    };
    let mut registered = Vec::new();
    let mut control = None;
    let outcome = (|| -> Result<(), CoreError> {
        control = serve_control(&runtime, &dir, &sandbox)?;
        for (region, console) in &sandbox.consoles {
            if announce_console(
                ws.as_ref(),
                region,
                console,
                &dir.join(format!("{region}-console-ca.pem")),
            )? {
                registered.push(console_name(region));
            }
        }
        let org = &sandbox.org;
        let ca_tls = dir.join("org1-ca-tls.pem");
        std::fs::write(&ca_tls, &org.ca_tls_cert_pem)
            .map_err(|e| CoreError::Storage(format!("cannot write {}: {e}", ca_tls.display())))?;
        println!("sandbox-ca (created in {})", console_name(&regions[0]));
        println!("  component   {}", org.ca_id);
        println!("  url         {}", org.ca_url);
        println!("  ca names    ca, tlsca");
        println!("  tls cert    {}", ca_tls.display());
        println!("  admin       {} / {}", CA_ADMIN.0, CA_ADMIN.1);
        println!("organization");
        println!(
            "  msp id      {MSP_ID} (component {})",
            org.msp_component_id
        );
        println!(
            "  org admin   {} / {} (type admin)",
            ORG_ADMIN.0, ORG_ADMIN.1
        );
        println!("  peer        {} {}", org.peer_id, org.peer_api_url);
        println!("orderer");
        println!("  address     {}", sandbox.ordering.address());
        println!("  msp id      {}", sandbox.ordering.msp_id());
        println!(
            "  tls root    {}",
            sandbox.ordering.tls_root_file().display()
        );
        println!("channel");
        println!("  name        {CHANNEL}");
        println!("  chaincode   {CHAINCODE} ({})", sandbox.package.package_id);
        println!("org-admin env {}", sandbox.env_file.display());
        println!(
            "  try         . {} && peer channel list",
            sandbox.env_file.display()
        );
        println!("regions       {}", regions.join(", "));
        #[cfg(unix)]
        if let Some(control) = &control {
            println!("  control     {}", control.path().display());
        }
        println!(
            "  try         fabric-ha sandbox region stop {} (then start)",
            regions[0]
        );
        ready_until_stopped(register)
    })();
    let cleanup_error = unregister(ws.as_ref(), &registered);
    drop(control);
    runtime.block_on(sandbox.shutdown());
    drop(runtime);
    let _ = std::fs::remove_dir_all(&dir);
    outcome?;
    if let Some(e) = cleanup_error {
        return Err(e);
    }
    eprintln!("sandbox stopped");
    Ok(ExitCode::SUCCESS)
}

/// Makes the sandbox's folder readable by its owner only: it holds the org admin's key and the
/// control socket.
fn owner_only(dir: &Path) -> Result<(), CoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| CoreError::Storage(format!("cannot restrict {}: {e}", dir.display())))?;
    }
    let _ = dir;
    Ok(())
}

/// The running sandbox's control socket, in its folder: `sandbox region stop|start` from
/// another process. Region starts run on the sandbox's runtime, whose threads live as long as
/// the sandbox (a node's parent-death signal is tied to the thread that started it).
#[cfg(unix)]
fn serve_control(
    runtime: &tokio::runtime::Runtime,
    dir: &Path,
    sandbox: &FabricSandbox,
) -> Result<Option<fabric_ha_testbed::control::ControlServer>, CoreError> {
    let path = dir.join(fabric_ha_testbed::control::SOCKET_NAME);
    runtime
        .block_on(fabric_ha_testbed::control::serve(&path, sandbox.regions()))
        .map(Some)
        .map_err(|e| {
            CoreError::Internal(format!(
                "cannot open the control socket {}: {e}",
                path.display()
            ))
        })
}

#[cfg(not(unix))]
fn serve_control(
    _: &tokio::runtime::Runtime,
    _: &Path,
    _: &FabricSandbox,
) -> Result<Option<()>, CoreError> {
    Ok(None)
}
