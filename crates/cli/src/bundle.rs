//! `fabric-ha bundle ...`: offline bundles for consoles this desk cannot reach — create,
//! inspect, verify, apply, and the signing key's public half.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use fabric_ha_core::bundles::{
    ApplyTarget, BundleContents, BundleCreateInput, BundleKey, Manifest, Protection,
};
use fabric_ha_core::{CoreError, Sensitive, Workspace};
use zeroize::Zeroize;

use crate::print_json;

/// Environment variable a bundle passphrase may come from.
const PASSPHRASE_ENV: &str = "FABRIC_HA_BUNDLE_PASSPHRASE";

/// `bundle create --json`: the manifest's fields, and the warnings.
#[derive(serde::Serialize)]
struct Created<'a> {
    #[serde(flatten)]
    manifest: &'a Manifest,
    warnings: &'a [String],
}

/// How to open a bundle.
#[derive(Debug, Args)]
pub(crate) struct KeyArgs {
    /// Read the bundle's passphrase from standard input (first line); or set
    /// FABRIC_HA_BUNDLE_PASSPHRASE.
    #[arg(long, conflicts_with = "identity")]
    passphrase_stdin: bool,
    /// An age identity file (AGE-SECRET-KEY-1… lines) for a bundle made for recipients.
    #[arg(long, value_name = "KEYFILE")]
    identity: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BundleCommand {
    /// Build a bundle for a console: its bulk-import zip, v3 import bodies, a step list and a
    /// manifest; encrypted unless --unencrypted --yes.
    #[command(group(ArgGroup::new("contents").args(["plan", "artifacts"]).required(true)))]
    Create {
        /// The console it is for (a registered console's name, or just its name).
        #[arg(long = "for", value_name = "CONSOLE_OR_NAME")]
        target: String,
        /// Everything this HA plan wants in that console.
        #[arg(long)]
        plan: Option<String>,
        /// Library artifact ids.
        #[arg(value_name = "ARTIFACT")]
        artifacts: Vec<String>,
        /// Encrypt to these age X25519 public keys (age1…; repeat).
        #[arg(long = "recipient", value_name = "KEY", conflicts_with_all = ["passphrase_stdin", "unencrypted"])]
        recipients: Vec<String>,
        /// Read the passphrase from standard input (first line); or set
        /// FABRIC_HA_BUNDLE_PASSPHRASE.
        #[arg(long, conflicts_with = "unencrypted")]
        passphrase_stdin: bool,
        /// Carry identities with their private keys and the plan's enroll secrets.
        #[arg(long)]
        include_identities: bool,
        /// Sign the manifest with this workspace's ed25519 key.
        #[arg(long)]
        sign: bool,
        /// Write the bundle unencrypted (needs --yes).
        #[arg(long)]
        unencrypted: bool,
        /// Confirm --unencrypted.
        #[arg(long)]
        yes: bool,
        /// The bundle file to write (owner-only).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Print the manifest as JSON, with a `warnings` list.
        #[arg(long)]
        json: bool,
    },
    /// Show a bundle's manifest, contents and signer; applies nothing.
    Inspect {
        /// The bundle.
        file: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Check every file against the manifest and the signature; exit 0 only if all hold.
    Verify {
        /// The bundle.
        file: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Verify, then import into a reachable console (its target) or the library, never as a
    /// duplicate; records the plan's offline steps.
    #[command(group(ArgGroup::new("dest").args(["to", "library"]).required(true)))]
    Apply {
        /// The bundle.
        file: PathBuf,
        /// A registered console.
        #[arg(long, value_name = "CONSOLE")]
        to: Option<String>,
        /// The local library.
        #[arg(long)]
        library: bool,
        #[command(flatten)]
        key: KeyArgs,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Print this workspace's bundle signing public key (made on first use).
    SigningKey,
}

fn read_passphrase_stdin() -> Result<Sensitive<String>, CoreError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CoreError::Internal(format!("cannot read the passphrase from stdin: {e}")))?;
    let secret = Sensitive::new(text.lines().next().unwrap_or("").trim_end().to_owned());
    text.zeroize();
    Ok(secret)
}

fn env_passphrase() -> Option<Sensitive<String>> {
    std::env::var(PASSPHRASE_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Sensitive::new)
}

fn bundle_key(args: &KeyArgs) -> Result<BundleKey, CoreError> {
    if let Some(path) = &args.identity {
        let mut text = std::fs::read_to_string(path).map_err(|e| CoreError::InvalidInput {
            field: "--identity".into(),
            reason: format!("cannot read {}: {e}", path.display()),
        })?;
        let key = BundleKey::Identity(Sensitive::new(text.clone()));
        text.zeroize();
        return Ok(key);
    }
    if args.passphrase_stdin {
        return Ok(BundleKey::Passphrase(read_passphrase_stdin()?));
    }
    Ok(env_passphrase().map_or(BundleKey::None, BundleKey::Passphrase))
}

fn show_path(p: &Path) -> String {
    p.display().to_string()
}

pub(crate) fn run(
    cmd: BundleCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        BundleCommand::Create {
            target,
            plan,
            artifacts,
            recipients,
            passphrase_stdin,
            include_identities,
            sign,
            unencrypted,
            yes,
            out,
            json,
        } => {
            let protection = if unencrypted {
                if !yes {
                    return Err(CoreError::InvalidInput {
                        field: "--unencrypted".into(),
                        reason: "an unencrypted bundle shows every component to whoever holds the file; add --yes to confirm".into(),
                    });
                }
                Protection::Unencrypted {
                    allow_unencrypted: true,
                }
            } else if !recipients.is_empty() {
                Protection::Recipients(recipients)
            } else {
                let passphrase = if passphrase_stdin {
                    Some(read_passphrase_stdin()?)
                } else {
                    env_passphrase()
                };
                let Some(passphrase) = passphrase else {
                    return Err(CoreError::InvalidInput {
                        field: "--passphrase-stdin".into(),
                        reason: format!("bundles are encrypted: give --recipient, --passphrase-stdin or {PASSPHRASE_ENV} (or --unencrypted --yes)"),
                    });
                };
                Protection::Passphrase {
                    passphrase,
                    work_factor: None,
                }
            };
            let contents = match plan {
                Some(p) => BundleContents::Plan(p),
                None => BundleContents::Artifacts(artifacts),
            };
            let ws = open()?;
            let written = ws.bundle_create(&BundleCreateInput {
                target,
                contents,
                protection,
                include_identities,
                sign,
                out: out.clone(),
            })?;
            for warning in &written.warnings {
                eprintln!("warning: {warning}");
            }
            let manifest = &written.manifest;
            if json {
                print_json(&Created {
                    manifest,
                    warnings: &written.warnings,
                })?;
            } else {
                println!(
                    "wrote {} for console {:?}: {} components, {} files{}",
                    show_path(&out),
                    manifest.target_console.name,
                    manifest.components.len(),
                    manifest.files.len(),
                    manifest
                        .signer_public_key
                        .as_deref()
                        .map(|k| format!(", signed by {k}"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BundleCommand::Inspect { file, key, json } => {
            let key = bundle_key(&key)?;
            let ws = open()?;
            let i = ws.bundle_inspect(&file, &key)?;
            if json {
                print_json(&i)?;
            } else {
                let m = &i.manifest;
                println!("bundle       {}", show_path(&file));
                println!("encrypted    {}", if i.encrypted { "yes" } else { "no" });
                println!("for console  {}", m.target_console.name);
                if let Some(s) = &m.source_console {
                    println!("from console {}", s.name);
                }
                if let Some(p) = &m.plan {
                    println!("plan         {} ({})", p.name, p.id);
                }
                println!("created at   {} by app {}", m.created_at, m.app_version);
                println!(
                    "identities   {}",
                    if m.includes_identities {
                        "included"
                    } else {
                        "none"
                    }
                );
                match &i.signer {
                    Some(s) => println!(
                        "signer       {} ({})",
                        s.public_key,
                        if s.valid {
                            "signature holds"
                        } else {
                            "SIGNATURE DOES NOT HOLD"
                        }
                    ),
                    None => println!("signer       unsigned"),
                }
                for c in &m.components {
                    println!("component    {:?} {}", c.kind, c.display_name);
                }
                for (name, size) in &i.entries {
                    println!("file         {name} ({size} bytes)");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        BundleCommand::Verify { file, key, json } => {
            let key = bundle_key(&key)?;
            let ws = open()?;
            let v = ws.bundle_verify(&file, &key)?;
            if json {
                print_json(&v)?;
            } else {
                println!(
                    "ok: {} files match the manifest; {}",
                    v.files_checked,
                    v.signer
                        .as_deref()
                        .map(|k| format!("signed by {k}"))
                        .unwrap_or_else(|| "unsigned".into())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BundleCommand::Apply {
            file,
            to,
            library: _,
            key,
            json,
        } => {
            let key = bundle_key(&key)?;
            let target = match to {
                Some(name) => ApplyTarget::Console(name),
                None => ApplyTarget::Library,
            };
            let ws = open()?;
            let report = ws.bundle_apply(&file, &key, &target)?;
            let ok = report.library.as_ref().is_none_or(|r| r.all_accepted())
                && report.console.as_ref().is_none_or(|r| r.all_ok());
            if json {
                print_json(&report)?;
            } else {
                if let Some(lib) = &report.library {
                    for f in &lib.files {
                        for a in &f.artifacts {
                            println!(
                                "{:<16} {} ({})",
                                if a.new { "imported" } else { "already present" },
                                a.display_name,
                                a.id
                            );
                        }
                        for finding in &f.findings {
                            println!("{finding}");
                        }
                    }
                }
                if let Some(c) = &report.console {
                    for item in &c.items {
                        println!(
                            "{:<16} {} {}{}",
                            match item.outcome {
                                fabric_ha_core::consoles::ConsoleImportOutcome::Imported =>
                                    "imported",
                                fabric_ha_core::consoles::ConsoleImportOutcome::AlreadyPresent =>
                                    "already present",
                                fabric_ha_core::consoles::ConsoleImportOutcome::PresentWithOtherCertificates =>
                                    "present, other certificates",
                                fabric_ha_core::consoles::ConsoleImportOutcome::PresentWithOtherContent =>
                                    "present, other content",
                                fabric_ha_core::consoles::ConsoleImportOutcome::Updated =>
                                    "updated",
                                fabric_ha_core::consoles::ConsoleImportOutcome::Rejected =>
                                    "rejected",
                            },
                            item.kind,
                            item.display_name,
                            item.message
                                .as_deref()
                                .map(|m| format!(": {m}"))
                                .unwrap_or_default()
                        );
                    }
                }
                for step in &report.plan_steps_recorded {
                    println!("plan step done  {step}");
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        BundleCommand::SigningKey => {
            let ws = open()?;
            println!("{}", ws.bundle_signing_public_key()?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
