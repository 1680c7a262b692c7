//! `fabric-ha artifact ...`: the library of console files, as the app's import and export panels.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use fabric_ha_core::library::{self, ExportFormat, ImportStatus};
use fabric_ha_core::{CoreError, Workspace};

use crate::print_json;

#[derive(Debug, Subcommand)]
pub(crate) enum ArtifactCommand {
    /// Check console files (JSON or bulk zip) without storing them; exit 0 only if all are valid.
    Check {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the per-file report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import console files into the local library; exit 0 only if none was rejected.
    Import {
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the per-file report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the library.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export components as the console writes them: a `.json` file for one, a bulk `.zip`.
    Export {
        /// Library ids (see `list`); none exports everything.
        ids: Vec<String>,
        /// Where to write (`.json` or `.zip`).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Let identities' private keys leave the app (written owner-only).
        #[arg(long)]
        include_private_keys: bool,
    },
    /// Remove components from the library.
    Remove {
        /// Library ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

pub(crate) fn run(
    cmd: ArtifactCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        ArtifactCommand::Check { files, json } => {
            let mut reports = Vec::new();
            let mut unreadable = Vec::new();
            let mut readable = Vec::new();
            for read in library::read_paths(&files) {
                match read {
                    Ok(file) => readable.push(file),
                    Err(rejected) => unreadable.push(rejected),
                }
            }
            reports.extend(library::check_files(&readable, library::unix_now()));
            let ok = unreadable.is_empty() && reports.iter().all(|r| r.is_ok());
            if json {
                print_json(
                    &serde_json::json!({ "ok": ok, "files": reports, "unreadable": unreadable }),
                )?;
            } else {
                for r in &unreadable {
                    println!("{}: rejected", r.file);
                    r.findings.iter().for_each(|f| println!("  {f}"));
                }
                for r in &reports {
                    let verdict = if !r.is_ok() {
                        "rejected"
                    } else if r.warnings().next().is_some() {
                        "valid, with warnings"
                    } else {
                        "valid"
                    };
                    println!("{}: {verdict}", r.file);
                    r.findings.iter().for_each(|f| println!("  {f}"));
                    for a in &r.artifacts {
                        println!("  {:?} {}", a.kind, a.display_name);
                    }
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ArtifactCommand::Import { files, json } => {
            let report = open()?.import_paths(&files)?;
            if json {
                print_json(&report)?;
            } else {
                for f in &report.files {
                    let status = match f.status {
                        ImportStatus::Accepted => "accepted",
                        ImportStatus::AcceptedWithWarnings => "accepted with warnings",
                        ImportStatus::Rejected => "rejected",
                    };
                    println!("{}: {status}", f.file);
                    f.findings.iter().for_each(|x| println!("  {x}"));
                    for a in &f.artifacts {
                        let note = if a.new {
                            "new"
                        } else {
                            "already in the library"
                        };
                        println!("  {} {} ({note})", a.id, a.display_name);
                    }
                }
            }
            Ok(if report.all_accepted() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ArtifactCommand::List { json } => {
            let items = open()?.library()?;
            if json {
                print_json(&items)?;
            } else {
                for i in &items {
                    println!(
                        "{:<22} {:<9} {:<32} {}",
                        i.id,
                        serde_json::to_value(i.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        i.display_name,
                        i.msp_id.as_deref().or(i.api_url.as_deref()).unwrap_or("")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ArtifactCommand::Export {
            ids,
            out,
            include_private_keys,
        } => {
            let export =
                open()?.export(&ids, include_private_keys, ExportFormat::from_path(&out))?;
            library::write_export(&out, &export)?;
            eprintln!("wrote {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        ArtifactCommand::Remove { ids } => {
            let removed = open()?.remove_artifacts(&ids)?;
            if removed < ids.len() {
                return Err(CoreError::NotFound {
                    what: format!("{} of the {} artifacts", ids.len() - removed, ids.len()),
                });
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
