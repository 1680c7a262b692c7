//! `fabric-ha`: everything the desktop app does, from a terminal — for automation, air-gapped
//! hosts and headless tests. Thin: parsing and printing here, the work in `fabric-ha-core`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod artifact;
mod bundle;
mod ca;
mod certs;
mod channel;
mod console;
mod ha;
mod peer;
mod plan;
mod sandbox;
mod waits;
use fabric_ha_core::{doctor, paths, CheckStatus, CoreError, OpenOptions, Sensitive, Workspace};

/// Multi-region high availability for Hyperledger Fabric peers, from one desktop.
#[derive(Debug, Parser)]
#[command(name = "fabric-ha", version, about, long_about = None)]
struct Cli {
    /// Workspace folder (default: FABRIC_HA_HOME, else the OS app-data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Never use the OS keyring; protect secrets with a passphrase (FABRIC_HA_PASSPHRASE or prompt).
    #[arg(long, global = true, env = "FABRIC_HA_NO_KEYRING", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false)]
    no_keyring: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check this host: data folder, database, OS keyring, versions, WebKit, Fabric binaries.
    Doctor {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The Fabric release's bin/ folder (default: FABRIC_BIN, else PATH).
        #[arg(long, value_name = "DIR")]
        fabric_bin: Option<PathBuf>,
    },
    /// Open the workspace as the app does and show what it holds.
    Info {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read or change preferences (the app's Settings page).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Console files: check, import into the local library, list, export, remove.
    #[command(subcommand)]
    Artifact(artifact::ArtifactCommand),
    /// Consoles: add, list, test, remove; their components; export, import and copy
    /// components without duplicates.
    #[command(subcommand)]
    Console(console::ConsoleCommand),
    /// Fabric CAs: cainfo, enroll into the wallet, reenroll, register, list identities,
    /// associate an identity with a library CA.
    #[command(subcommand)]
    Ca(ca::CaCommand),
    /// Every certificate the organization depends on, with days left, soonest first, across
    /// the library, the wallet, every console and the peers' own TLS handshakes.
    Certs(certs::CertsArgs),
    /// One peer at a time, natively: its channels and heights, join a channel, its installed
    /// chaincode packages, install a package (from a file or another peer).
    #[command(subcommand)]
    Peer(peer::PeerCommand),
    /// A channel's anchor peers: show them, add an organization's peers (one config update
    /// signed by its admin).
    #[command(subcommand)]
    Channel(channel::ChannelCommand),
    /// The HA check: does the organization survive the loss of any one region?
    #[command(subcommand)]
    Ha(ha::HaCommand),
    /// HA replication plans: new, list, show, preview, apply, resume, status, report.
    #[command(subcommand)]
    Plan(Box<plan::PlanCommand>),
    /// Offline bundles for consoles this desk cannot reach: create, inspect, verify, apply.
    #[command(subcommand)]
    Bundle(bundle::BundleCommand),
    /// Start three test consoles on this computer (one per region) and a Fabric CA test
    /// server, to try the app without a cluster. Runs until Ctrl-C. Prints each console's URL,
    /// API key and API secret, and the CA's URL, TLS certificate file and bootstrap admin:
    /// throwaway credentials of local test servers. With --fabric, real Fabric instead: the
    /// consoles deploy real CAs and peers, and region 1 holds an organization (CA, MSP, peer)
    /// with an ordering service, the channel mychannel and a committed chaincode; its regions
    /// stop and start with `sandbox region stop|start REGION`, for a region-loss drill.
    #[command(args_conflicts_with_subcommands = true)]
    Sandbox {
        /// Stop or start a region of a running `sandbox --fabric` (another process).
        #[command(subcommand)]
        action: Option<sandbox::SandboxCommand>,
        /// Also register the consoles in the workspace (labelled sandbox); they are removed
        /// again when the sandbox stops.
        #[arg(long)]
        register: bool,
        /// Three region names, separated by commas.
        #[arg(long, default_value = sandbox::DEFAULT_REGIONS)]
        regions: String,
        /// Real Fabric nodes from the release binaries (FABRIC_BIN / FABRIC_CFG_PATH, or PATH).
        #[arg(long)]
        fabric: bool,
        /// The Fabric release's bin/ folder (with --fabric).
        #[arg(long, value_name = "DIR", requires = "fabric")]
        fabric_bin: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Show all preferences.
    Get {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change one preference: language (en, zh-CN), page-size (6, 10, 15, 25, 50, 100), onboarded.
    Set {
        /// Preference name.
        name: String,
        /// New value.
        value: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    fabric_ha_core::logging::init_cli_logging(cli.verbose);
    waits::start();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(match err {
                CoreError::InvalidInput { .. } => 2,
                _ => 1,
            })
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, CoreError> {
    let data_dir = paths::resolve_data_dir(cli.data_dir)?;
    match cli.command {
        Command::Doctor { json, fabric_bin } => {
            let report = doctor::run_with_fabric_bin(&data_dir, fabric_bin.as_deref());
            if json {
                print_json(&report)?;
            } else {
                for c in &report.checks {
                    let mark = match c.status {
                        CheckStatus::Ok => "ok  ",
                        CheckStatus::Warn => "warn",
                        CheckStatus::Fail => "FAIL",
                    };
                    println!("[{mark}] {:<15} {}", c.name, c.detail);
                }
            }
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Info { json } => {
            let ws = open(data_dir, cli.no_keyring)?;
            let info = ws.info()?;
            if json {
                print_json(&info)?;
            } else {
                println!("version          {}", info.version);
                println!("data dir         {}", info.data_dir);
                println!(
                    "database         {} (schema {})",
                    info.database_path, info.schema_version
                );
                println!("logs             {}", info.log_dir);
                println!("secrets          {}", serde_plain(&info.secrets)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Artifact(cmd) => artifact::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Console(cmd) => console::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Ca(cmd) => ca::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Certs(args) => certs::run(args, || open(data_dir.clone(), cli.no_keyring)),
        Command::Peer(cmd) => peer::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Channel(cmd) => channel::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Ha(cmd) => ha::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Plan(cmd) => plan::run(*cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Bundle(cmd) => bundle::run(cmd, || open(data_dir.clone(), cli.no_keyring)),
        Command::Sandbox {
            action: Some(action),
            ..
        } => sandbox::control(action),
        Command::Sandbox {
            action: None,
            register,
            regions,
            fabric,
            fabric_bin,
        } => {
            let real = fabric.then_some(sandbox::RealFabric { bin: fabric_bin });
            sandbox::run(register, &regions, real, || {
                open(data_dir.clone(), cli.no_keyring)
            })
        }
        Command::Settings(cmd) => {
            let ws = open(data_dir, cli.no_keyring)?;
            match cmd {
                SettingsCommand::Get { json } => {
                    let s = ws.settings()?;
                    if json {
                        print_json(&s)?;
                    } else {
                        println!("language   {}", s.language.tag());
                        println!("page-size  {}", s.page_size);
                        println!("onboarded  {}", s.onboarded);
                    }
                }
                SettingsCommand::Set { name, value } => {
                    let mut s = ws.settings()?;
                    s.set_field(&name, &value)?;
                    ws.update_settings(s)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the workspace; on a terminal, asks for the passphrase when secrets would stay locked.
fn open(data_dir: PathBuf, no_keyring: bool) -> Result<Workspace, CoreError> {
    let mut options = OpenOptions::new(data_dir);
    options.use_keyring = !no_keyring;
    let ws = Workspace::open(options)?;
    if ws.secrets_state() == fabric_ha_core::SecretsState::Locked && std::io::stdin().is_terminal()
    {
        let typed = rpassword::prompt_password("Workspace passphrase: ")
            .map_err(|e| CoreError::Internal(format!("cannot read the passphrase: {e}")))?;
        ws.unlock(Sensitive::new(typed))?;
    }
    Ok(ws)
}

fn serde_plain<T: serde::Serialize>(value: &T) -> Result<String, CoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Ok(other.to_string()),
        Err(e) => Err(CoreError::Internal(e.to_string())),
    }
}

/// With `--json`, a failed command's error is printed on stdout too, as the window receives it
/// (`{"error": {"code", "message", "details"}}`), so a script reads its stable code; the error
/// still goes to stderr and sets the exit status.
pub(crate) fn with_json_error(
    json: bool,
    result: Result<ExitCode, CoreError>,
) -> Result<ExitCode, CoreError> {
    if let (true, Err(err)) = (json, &result) {
        let error = fabric_ha_core::IpcError {
            code: err.code(),
            message: err.to_string(),
            details: err.details(),
        };
        if let Err(e) = print_json(&serde_json::json!({ "error": error })) {
            eprintln!("error: {e}");
        }
    }
    result
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CoreError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| CoreError::Internal(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| CoreError::Internal(format!("cannot write to stdout: {e}")))
}
