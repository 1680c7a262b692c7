//! `fabric-ha console ...`: the consoles this workspace talks to, as the app's Consoles page.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Subcommand};
use fabric_ha_core::consoles::{
    CertField, ComponentStatus, ConsoleAuthInput, ConsoleAuthKind, ConsoleImportOptions,
    ConsoleImportOutcome, ConsoleImportReport, ConsoleInput, ConsoleNode,
};
use fabric_ha_core::library::{self, ImportStatus};
use fabric_ha_core::{CoreError, Sensitive, Workspace};

use crate::print_json;

/// Environment variable the API secret may come from (instead of `--api-secret`).
pub(crate) const API_SECRET_ENV: &str = "FABRIC_HA_API_SECRET";
/// Environment variable an IBM Cloud API key may come from (instead of `--iam-api-key`).
pub(crate) const IAM_API_KEY_ENV: &str = "FABRIC_HA_IAM_API_KEY";

/// How to sign in to a console, for `add` and `edit`.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("secret").args(["api_secret", "api_secret_stdin"])))]
#[command(group(ArgGroup::new("iam").args(["iam_api_key", "iam_api_key_stdin"])))]
pub(crate) struct CredentialArgs {
    /// Console API key (with --api-secret or --api-secret-stdin).
    #[arg(long)]
    api_key: Option<String>,
    /// API secret (or set FABRIC_HA_API_SECRET).
    #[arg(long, env = API_SECRET_ENV, hide_env_values = true)]
    api_secret: Option<String>,
    /// Read the API secret from standard input (first line).
    #[arg(long)]
    api_secret_stdin: bool,
    /// IBM Cloud API key, for a console on IBM Cloud (or set FABRIC_HA_IAM_API_KEY).
    #[arg(long, env = IAM_API_KEY_ENV, hide_env_values = true)]
    iam_api_key: Option<String>,
    /// Read the IBM Cloud API key from standard input (first line).
    #[arg(long)]
    iam_api_key_stdin: bool,
    /// IAM's token endpoint (default: IBM Cloud's, https://iam.cloud.ibm.com/identity/token).
    #[arg(long, value_name = "URL")]
    iam_token_url: Option<String>,
}

impl CredentialArgs {
    /// The credentials given, or `None` (no --api-key and no IBM Cloud API key).
    fn auth(self) -> Result<Option<ConsoleAuthInput>, CoreError> {
        let iam = self.iam_api_key_stdin || self.iam_api_key.is_some();
        match self.api_key {
            Some(_) if iam => Err(CoreError::InvalidInput {
                field: "--api-key".into(),
                reason: "give a console API key or an IBM Cloud API key (--iam-api-key, --iam-api-key-stdin or FABRIC_HA_IAM_API_KEY), not both".into(),
            }),
            Some(api_key) => {
                if self.iam_token_url.is_some() {
                    return Err(CoreError::InvalidInput {
                        field: "--iam-token-url".into(),
                        reason: "only with an IBM Cloud API key".into(),
                    });
                }
                let api_secret = match (self.api_secret_stdin, self.api_secret) {
                    (true, _) => read_secret_stdin("API secret")?,
                    (false, Some(s)) => Sensitive::new(s),
                    (false, None) => {
                        return Err(CoreError::InvalidInput {
                            field: "--api-secret".into(),
                            reason: "give --api-secret, --api-secret-stdin or FABRIC_HA_API_SECRET"
                                .into(),
                        })
                    }
                };
                Ok(Some(ConsoleAuthInput::ApiKey {
                    api_key,
                    api_secret,
                }))
            }
            None if iam => Ok(Some(ConsoleAuthInput::Iam {
                iam_api_key: match self.iam_api_key {
                    Some(key) if !self.iam_api_key_stdin => Sensitive::new(key),
                    _ => read_secret_stdin("IBM Cloud API key")?,
                },
                token_url: self.iam_token_url,
            })),
            None if self.iam_token_url.is_some() => Err(CoreError::InvalidInput {
                field: "--iam-token-url".into(),
                reason: "only with an IBM Cloud API key".into(),
            }),
            None if self.api_secret_stdin => Err(CoreError::InvalidInput {
                field: "--api-key".into(),
                reason: "give the API key of the secret".into(),
            }),
            None => Ok(None),
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConsoleCommand {
    /// Register a console: with a console API key and secret, or, for a console on IBM Cloud
    /// (AUTH_SCHEME iam), an IBM Cloud API key (exchanged at IBM Cloud IAM for access tokens).
    /// Secrets are stored encrypted and never printed; prefer --api-secret-stdin or
    /// FABRIC_HA_API_SECRET over --api-secret (visible in `ps`), and the same for the IAM key.
    Add {
        /// Display name (unique, up to 64 characters).
        name: String,
        /// Console URL as shown in the browser (https://…, or http:// for local consoles).
        #[arg(long)]
        url: String,
        /// Region label, e.g. us-south.
        #[arg(long, default_value = "")]
        region: String,
        #[command(flatten)]
        credentials: CredentialArgs,
        /// PEM file of the CA that issued the console's TLS certificate, or of the console's own
        /// self-signed certificate (pinned exactly), when it is not publicly trusted.
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
    },
    /// Change a registered console: its name, URL, region, credentials (a console API key or
    /// an IBM Cloud API key, as for `add`) or trusted CA certificate. What is not given is kept;
    /// nothing changes on the console itself.
    Edit {
        /// Console name.
        name: String,
        /// A new display name.
        #[arg(long, value_name = "NEW_NAME")]
        rename: Option<String>,
        /// A new console URL.
        #[arg(long)]
        url: Option<String>,
        /// A new region label ("" for none).
        #[arg(long)]
        region: Option<String>,
        #[command(flatten)]
        credentials: CredentialArgs,
        /// A new PEM file of the console's TLS CA (or its own self-signed certificate).
        #[arg(long, value_name = "FILE", conflicts_with = "remove_ca_cert")]
        ca_cert: Option<PathBuf>,
        /// Stop trusting the console's extra CA certificate.
        #[arg(long)]
        remove_ca_cert: bool,
    },
    /// List the registered consoles.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Test the connection and the key; the verdict says what to fix.
    Test {
        /// Console name.
        name: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a console and its stored secret (nothing changes on the console).
    Remove {
        /// Console name.
        name: String,
    },
    /// Show the console's nodes (peers, CAs, ordering services) and MSPs with their status.
    Components {
        /// Console name.
        name: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export components as the console's UI downloads them: to a file, or into the library.
    #[command(group(ArgGroup::new("target").args(["out", "to_library"]).required(true)))]
    Export {
        /// Console name.
        name: String,
        /// Component ids (an ordering service's cluster id exports the whole cluster).
        #[arg(required = true)]
        component_ids: Vec<String>,
        /// Write the console file here (one component).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Import into the local library instead.
        #[arg(long)]
        to_library: bool,
    },
    /// Import library artifacts (ids, see `artifact list`) or console files into a console.
    /// Components the console already holds with the same certificates are reported as
    /// already present and not sent; a record of the same component (same address, or same
    /// MSP id and roots) with other certificates is reported as present with other
    /// certificates (or content), naming them, and left alone unless --update. Exit 1 if the
    /// console rejected any, or a record still carries other certificates.
    Import {
        /// Console name.
        name: String,
        /// Library ids or console files (JSON or bulk zip).
        #[arg(required = true, value_name = "ARTIFACT_OR_FILE")]
        items: Vec<String>,
        /// Replace the differing certificates of such records through the console's edit
        /// route (nothing else of the record changes; a CA's certificates cannot be edited).
        #[arg(long)]
        update: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy components from one console to another, never as a duplicate; records with other
    /// certificates are reported as for `import`.
    Copy {
        /// Source console.
        from: String,
        /// Target console.
        to: String,
        /// Component ids in the source console.
        #[arg(required = true)]
        component_ids: Vec<String>,
        /// Replace the differing certificates of the target's records with the source's,
        /// through the console's edit route.
        #[arg(long)]
        update: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn read_secret_stdin(what: &str) -> Result<Sensitive<String>, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CoreError::Internal(format!("cannot read the {what} from stdin: {e}")))?;
    let secret = text.lines().next().unwrap_or("").trim_end().to_owned();
    text.clear();
    Ok(Sensitive::new(secret))
}

fn read_ca(path: &Path) -> Result<String, CoreError> {
    std::fs::read_to_string(path).map_err(|e| CoreError::InvalidInput {
        field: "--ca-cert".into(),
        reason: format!("cannot read {}: {e}", path.display()),
    })
}

fn status_word(s: ComponentStatus) -> &'static str {
    match s {
        ComponentStatus::Running => "running",
        ComponentStatus::Stopped => "stopped",
        ComponentStatus::Pending => "pending",
        ComponentStatus::Unknown => "unknown",
        ComponentStatus::Undetectable => "undetectable",
    }
}

fn print_nodes(title: &str, nodes: &[ConsoleNode]) {
    println!("{title}");
    if nodes.is_empty() {
        println!("  (none)");
    }
    for n in nodes {
        let extra = if n.nodes > 1 {
            format!(" ({} nodes)", n.nodes)
        } else {
            String::new()
        };
        println!(
            "  {:<24} {:<28} {:<12} {:<13} {}{extra}",
            n.id,
            n.display_name,
            n.msp_id.as_deref().unwrap_or("-"),
            status_word(n.status),
            n.api_url.as_deref().unwrap_or("")
        );
    }
}

/// Prints an import report; success when nothing was rejected and no record is left with
/// other certificates. `update_hint` names the flag that updates such records.
pub(crate) fn print_import(
    report: &ConsoleImportReport,
    json: bool,
    update_hint: Option<&str>,
) -> Result<ExitCode, CoreError> {
    if json {
        print_json(report)?;
    } else {
        for i in &report.items {
            let id = i.component_id.as_deref().unwrap_or("?");
            let message = i.message.as_deref().unwrap_or("");
            let fields = i
                .differences
                .iter()
                .map(|p| CertField::from_path(p).map_or_else(|| p.clone(), |f| f.to_string()))
                .collect::<Vec<_>>()
                .join(", ");
            // What the core adds after the fields: why it was not updated, what to do.
            let more = message.split_once("; ").map(|(_, rest)| rest);
            match i.outcome {
                ConsoleImportOutcome::Imported => {
                    println!("imported         {} ({}) as {id}", i.display_name, i.kind)
                }
                ConsoleImportOutcome::AlreadyPresent => {
                    println!("already present  {} ({}) as {id}", i.display_name, i.kind)
                }
                ConsoleImportOutcome::PresentWithOtherCertificates
                | ConsoleImportOutcome::PresentWithOtherContent => {
                    let what = if i.outcome == ConsoleImportOutcome::PresentWithOtherContent {
                        "content"
                    } else {
                        "certificates"
                    };
                    println!(
                        "present with other {what}  {} ({}) as {id}: {fields}",
                        i.display_name, i.kind
                    );
                    if let Some(more) = more {
                        println!("  {more}");
                    }
                    if let (true, Some(flag)) = (i.updatable, update_hint) {
                        println!("  run again with {flag} to update {id} through the console's edit route");
                    }
                }
                ConsoleImportOutcome::Updated => {
                    println!(
                        "updated          {} ({}) as {id}: {fields}",
                        i.display_name, i.kind
                    )
                }
                ConsoleImportOutcome::Rejected => {
                    println!(
                        "rejected         {} ({}): {message}",
                        i.display_name, i.kind
                    )
                }
            }
        }
    }
    Ok(if report.all_current() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub(crate) fn run(
    cmd: ConsoleCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        ConsoleCommand::Add {
            name,
            url,
            region,
            credentials,
            ca_cert,
        } => {
            let Some(auth) = credentials.auth()? else {
                return Err(CoreError::InvalidInput {
                    field: "--api-key".into(),
                    reason: "give --api-key with its secret, or an IBM Cloud API key (--iam-api-key, --iam-api-key-stdin or FABRIC_HA_IAM_API_KEY) for a console on IBM Cloud".into(),
                });
            };
            let ca_cert_pem = ca_cert.as_deref().map(read_ca).transpose()?;
            let summary = open()?.add_console(ConsoleInput {
                name,
                region,
                url,
                auth: Some(auth),
                ca_cert_pem,
            })?;
            println!(
                "added console {} ({}); run `fabric-ha console test {}` to check it",
                summary.name, summary.url, summary.name
            );
            Ok(ExitCode::SUCCESS)
        }
        ConsoleCommand::Edit {
            name,
            rename,
            url,
            region,
            credentials,
            ca_cert,
            remove_ca_cert,
        } => {
            let auth = credentials.auth()?;
            let ca_cert_pem = match (ca_cert, remove_ca_cert) {
                (Some(file), _) => Some(read_ca(&file)?),
                (None, true) => Some(String::new()),
                (None, false) => None,
            };
            let ws = open()?;
            let current = ws
                .consoles()?
                .into_iter()
                .find(|c| c.name == name)
                .ok_or_else(|| CoreError::ConsoleUnknown { name: name.clone() })?;
            let summary = ws.update_console(
                &name,
                ConsoleInput {
                    name: rename.unwrap_or(current.name),
                    region: region.unwrap_or(current.region),
                    url: url.unwrap_or(current.url),
                    auth,
                    ca_cert_pem,
                },
            )?;
            println!(
                "updated console {} ({}); run `fabric-ha console test {}` to check it",
                summary.name, summary.url, summary.name
            );
            Ok(ExitCode::SUCCESS)
        }
        ConsoleCommand::List { json } => {
            let list = open()?.consoles()?;
            if json {
                print_json(&list)?;
            } else {
                for c in &list {
                    let mut notes = Vec::new();
                    if c.sandbox {
                        notes.push("sandbox");
                    }
                    if !c.encrypted {
                        notes.push("not encrypted");
                    }
                    if c.auth == ConsoleAuthKind::Iam {
                        notes.push("IBM Cloud IAM");
                    }
                    let verdict = c
                        .last_verdict
                        .as_ref()
                        .map_or("untested", |v| v.code.as_str());
                    println!(
                        "{:<24} {:<12} {:<40} {:<14} {}",
                        c.name,
                        if c.region.is_empty() { "-" } else { &c.region },
                        c.url,
                        verdict,
                        notes.join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ConsoleCommand::Test { name, json } => {
            let verdict = open()?.test_console(&name)?;
            if json {
                print_json(&verdict)?;
            } else {
                println!("{}: {}", verdict.code, verdict.sentence);
                if let Some(fix) = &verdict.fix {
                    println!("fix: {fix}");
                }
                if let Some(v) = &verdict.version {
                    println!("console version: {v}");
                }
            }
            Ok(if verdict.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ConsoleCommand::Remove { name } => {
            open()?.remove_console(&name)?;
            println!("removed console {name}");
            Ok(ExitCode::SUCCESS)
        }
        ConsoleCommand::Components { name, json } => {
            let c = open()?.console_components(&name)?;
            if json {
                print_json(&c)?;
            } else {
                print_nodes("Peers", &c.peers);
                print_nodes("Certificate Authorities", &c.cas);
                print_nodes("Ordering services", &c.orderers);
                println!("Organizations");
                if c.msps.is_empty() {
                    println!("  (none)");
                }
                for m in &c.msps {
                    println!("  {:<24} {:<28} {}", m.id, m.display_name, m.msp_id);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ConsoleCommand::Export {
            name,
            component_ids,
            out,
            to_library,
        } => {
            let ws = open()?;
            if to_library {
                let report = ws.console_export_to_library(&name, &component_ids)?;
                for f in &report.files {
                    let status = match f.status {
                        ImportStatus::Accepted => "accepted",
                        ImportStatus::AcceptedWithWarnings => "accepted with warnings",
                        ImportStatus::Rejected => "rejected",
                    };
                    println!("{}: {status}", f.file);
                    f.findings.iter().for_each(|x| println!("  {x}"));
                    for a in &f.artifacts {
                        println!("  {} {}", a.id, a.display_name);
                    }
                }
                return Ok(if report.all_accepted() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                });
            }
            let (Some(out), [id]) = (out, component_ids.as_slice()) else {
                return Err(CoreError::InvalidInput {
                    field: "COMPONENT_ID".into(),
                    reason: "--out writes one component's file; give exactly one id".into(),
                });
            };
            let export = ws.console_export(&name, id)?;
            library::write_export(&out, &export)?;
            eprintln!("wrote {} ({})", out.display(), export.file_name);
            Ok(ExitCode::SUCCESS)
        }
        ConsoleCommand::Import {
            name,
            items,
            update,
            json,
        } => {
            let ws = open()?;
            let options = ConsoleImportOptions { update };
            let (files, ids): (Vec<String>, Vec<String>) =
                items.into_iter().partition(|i| Path::new(i).is_file());
            let mut report = if ids.is_empty() {
                ConsoleImportReport {
                    console: name.clone(),
                    items: Vec::new(),
                }
            } else {
                ws.console_import_with(&name, &ids, options)?
            };
            if !files.is_empty() {
                let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
                let mut readable = Vec::new();
                for read in library::read_paths(&paths) {
                    match read {
                        Ok(file) => readable.push(file),
                        Err(refused) => {
                            return Err(CoreError::InvalidInput {
                                field: refused.file,
                                reason: refused
                                    .findings
                                    .iter()
                                    .map(|f| f.message.clone())
                                    .collect::<Vec<_>>()
                                    .join("; "),
                            })
                        }
                    }
                }
                report.items.extend(
                    ws.console_import_files_with(&name, readable, options)?
                        .items,
                );
            }
            print_import(&report, json, (!update).then_some("--update"))
        }
        ConsoleCommand::Copy {
            from,
            to,
            component_ids,
            update,
            json,
        } => {
            let options = ConsoleImportOptions { update };
            let report = open()?.console_copy_with(&from, &to, &component_ids, options)?;
            print_import(&report, json, (!update).then_some("--update"))
        }
    }
}
