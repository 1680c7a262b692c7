//! `fabric-ha plan ...`: HA replication plans — new, list, show, preview, apply, resume, status,
//! report.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::{ArgGroup, Subcommand};
use fabric_ha_core::plans::engine::{
    ApplyOptions, Bootstrap, CancellationToken, HookPoint, PeerDefaults, PeerSpec, Plan,
    PreviewStatus, Progress, ProgressEvent, Registrar, RunOutcome, Source, Target,
    DEFAULT_WAIT_SECS, PLAN_FORMAT,
};
use fabric_ha_core::{CoreError, Sensitive, Workspace};

use crate::print_json;

/// Environment variable the registrar's enroll secret may come from.
const REGISTRAR_SECRET_ENV: &str = "FABRIC_HA_REGISTRAR_SECRET";
/// Test hook: abort the process right after the N-th step outcome of this run is journaled.
const KILL_AFTER_STEP_ENV: &str = "FABRIC_HA_TEST_KILL_AFTER_STEP";
/// Test hook: abort the process right after the N-th step's effect, before its outcome is
/// journaled.
const KILL_AFTER_EFFECT_ENV: &str = "FABRIC_HA_TEST_KILL_AFTER_EFFECT";
/// Crash tests: count only the boundaries of steps whose key contains one of these
/// (comma-separated), e.g. `/join/,/install/,/anchors/`.
const KILL_STEPS_ENV: &str = "FABRIC_HA_TEST_KILL_STEPS";

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Save a new plan, from flags or from a plan file (--from).
    #[command(group(ArgGroup::new("spec").args(["from", "source"]).required(true)))]
    New {
        /// Plan name (unique).
        name: String,
        /// Read the plan from this JSON file (its name is replaced by NAME).
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// Region-1 console (where the organization exists, or is created with --new-org).
        #[arg(long)]
        source: Option<String>,
        /// Create the organization with this MSP id first: its CA (admin: --registrar-id,
        /// secret generated), org admin, MSP definition with Node OUs and first peer, all in
        /// the source console.
        #[arg(long, value_name = "MSP_ID", conflicts_with_all = ["ca", "msp", "source_peers", "registrar_identity", "registrar_secret_stdin"])]
        new_org: Option<String>,
        /// With --new-org: display name of the new CA (default "<MSP_ID> CA").
        #[arg(long, requires = "new_org")]
        ca_name: Option<String>,
        /// With --new-org: display name of the new MSP definition (default "<MSP_ID> MSP").
        #[arg(long, requires = "new_org")]
        msp_name: Option<String>,
        /// With --new-org: enroll id of the org admin (default "<MSP_ID>-admin").
        #[arg(long, requires = "new_org")]
        org_admin_id: Option<String>,
        /// Console id of the organization's CA in the source console.
        #[arg(long)]
        ca: Option<String>,
        /// Console id of the organization's MSP definition in the source console.
        #[arg(long)]
        msp: Option<String>,
        /// Console ids of existing peers to import everywhere (default: every peer of the
        /// source console with the MSP's id).
        #[arg(long = "source-peer", value_name = "ID")]
        source_peers: Vec<String>,
        /// Target console and number of peers to create there, e.g. eu-de=2 (repeat).
        #[arg(long = "target", value_name = "CONSOLE=COUNT")]
        targets: Vec<String>,
        /// The CA registrar's enroll id (secret from --registrar-secret-stdin or
        /// FABRIC_HA_REGISTRAR_SECRET).
        #[arg(long, conflicts_with = "registrar_identity")]
        registrar_id: Option<String>,
        /// Read the registrar's enroll secret from standard input (first line).
        #[arg(long)]
        registrar_secret_stdin: bool,
        /// Library id of an identity allowed to register peers at the CA.
        #[arg(long)]
        registrar_identity: Option<String>,
        /// Library id of the org admin identity: it signs the channel steps (join, install,
        /// anchor peers).
        #[arg(long)]
        org_admin: Option<String>,
        /// Wallet identity enrolled at the organization's TLS CA: the channel steps present
        /// its TLS certificate to peers and orderers that require client certificates.
        #[arg(long = "tls-as", value_name = "IDENTITY", conflicts_with = "new_org")]
        tls_as: Option<String>,
        /// Kubernetes zone of the new peers.
        #[arg(long)]
        zone: Option<String>,
        /// Fabric version of the new peers.
        #[arg(long)]
        version: Option<String>,
        /// State database of the new peers (couchdb or leveldb).
        #[arg(long)]
        state_db: Option<String>,
        /// A channel every new peer joins and where the new peers become anchor peers
        /// (repeat); signed by --org-admin, else the wallet's admin of the MSP.
        #[arg(long = "channel")]
        channels: Vec<String>,
        /// A chaincode package id (label:hash) or chaincode name to install on the new peers
        /// (repeat; default: every package the region-1 peers use on the channels).
        #[arg(long = "chaincode")]
        chaincodes: Vec<String>,
        /// Seconds a region's new peers get to report running.
        #[arg(long, default_value_t = DEFAULT_WAIT_SECS)]
        wait_timeout: u64,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the plans and their state.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the plan file (or write it with --out).
    Show {
        /// Plan name.
        name: String,
        /// Write the plan file here instead.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Print the stored record (id, state, plan) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Dry run: every step will do / already done / blocked, after the checks.
    Preview {
        /// Plan name.
        name: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply the plan (Ctrl-C cancels; resume continues).
    Apply {
        /// Plan name.
        name: String,
        /// Print the outcome as JSON (progress lines go to stderr).
        #[arg(long)]
        json: bool,
        /// Seconds between status polls while waiting for new peers.
        #[arg(long, default_value_t = 5.0)]
        poll_interval: f64,
    },
    /// Continue a stopped or interrupted plan from its journal.
    Resume {
        /// Plan name.
        name: String,
        /// Print the outcome as JSON (progress lines go to stderr).
        #[arg(long)]
        json: bool,
        /// Seconds between status polls while waiting for new peers.
        #[arg(long, default_value_t = 5.0)]
        poll_interval: f64,
    },
    /// The plan's state and every step's journal state.
    Status {
        /// Plan name.
        name: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What was created and imported per region, and what remains manual.
    Report {
        /// Plan name.
        name: String,
        /// Print as JSON (default: Markdown).
        #[arg(long)]
        json: bool,
        /// Write the report here (.json or .md) instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn internal(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(e.to_string())
}

fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

pub(crate) fn run(
    cmd: PlanCommand,
    open: impl Fn() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        PlanCommand::New {
            name,
            from,
            source,
            new_org,
            ca_name,
            msp_name,
            org_admin_id,
            ca,
            msp,
            source_peers,
            targets,
            registrar_id,
            registrar_secret_stdin,
            registrar_identity,
            org_admin,
            tls_as,
            zone,
            version,
            state_db,
            channels,
            chaincodes,
            wait_timeout,
            json,
        } => {
            let ws = open()?;
            let mut plan = match from {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| invalid("--from", format!("{}: {e}", path.display())))?;
                    Plan::from_json(&text)?
                }
                None if new_org.is_some() => {
                    let (Some(source), Some(msp_id)) = (source, new_org) else {
                        return Err(invalid("--new-org", "needs --source"));
                    };
                    let defaults = PeerDefaults {
                        zone,
                        version,
                        state_db,
                    };
                    let create = Bootstrap {
                        ca_display_name: ca_name.unwrap_or_else(|| format!("{msp_id} CA")),
                        msp_display_name: msp_name.unwrap_or_else(|| format!("{msp_id} MSP")),
                        org_admin_enroll_id: org_admin_id
                            .unwrap_or_else(|| format!("{msp_id}-admin")),
                        first_peer: PeerSpec::numbered(&msp_id, &source, 1, 1, &defaults).remove(0),
                        msp_id,
                    };
                    let registrar = Registrar::EnrollId(
                        registrar_id.unwrap_or_else(|| format!("{}-ca-admin", create.msp_id)),
                    );
                    let targets = parse_targets(&ws, &create.msp_id, &targets, &defaults)?;
                    Plan {
                        format: PLAN_FORMAT,
                        name: name.clone(),
                        source: Source {
                            console: source,
                            ca: String::new(),
                            msp: String::new(),
                            peers: Vec::new(),
                            registrar,
                            org_admin_identity: org_admin,
                            tls_identity: None,
                            create: Some(create),
                        },
                        targets,
                        channels,
                        chaincodes,
                        wait_timeout_secs: wait_timeout,
                    }
                }
                None => {
                    let (source, ca, msp) =
                        match (source, ca, msp) {
                            (Some(s), Some(c), Some(m)) => (s, c, m),
                            _ => return Err(invalid(
                                "--source",
                                "needs --ca and --msp (or --new-org to create the organization)",
                            )),
                        };
                    let registrar = match (registrar_id, registrar_identity) {
                        (Some(id), None) => Registrar::EnrollId(id),
                        (None, Some(id)) => Registrar::LibraryIdentity(id),
                        _ => {
                            return Err(invalid(
                                "--registrar-id",
                                "give --registrar-id or --registrar-identity",
                            ))
                        }
                    };
                    let defaults = PeerDefaults {
                        zone,
                        version,
                        state_db,
                    };
                    build_plan(
                        &ws,
                        &name,
                        Source {
                            console: source,
                            ca,
                            msp,
                            peers: source_peers,
                            registrar,
                            org_admin_identity: org_admin,
                            tls_identity: tls_as,
                            create: None,
                        },
                        &targets,
                        &defaults,
                        channels,
                        chaincodes,
                        wait_timeout,
                    )?
                }
            };
            plan.name = name;
            let secret = match &plan.source.registrar {
                // A plan that creates its CA generates the CA admin's secret itself.
                Registrar::EnrollId(_) if plan.source.create.is_some() => None,
                Registrar::EnrollId(_) => Some(registrar_secret(registrar_secret_stdin)?),
                Registrar::LibraryIdentity(_) => None,
            };
            let record = ws.plan_new(plan, secret)?;
            if json {
                print_json(&record)?;
            } else {
                println!(
                    "plan {:?} saved: {} steps",
                    record.plan.name,
                    fabric_ha_core::plans::engine::plan_steps(&record.plan).len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::List { json } => {
            let ws = open()?;
            let plans = ws.plans()?;
            if json {
                print_json(&plans)?;
            } else {
                let interrupted: Vec<String> =
                    ws.plans_interrupted()?.into_iter().map(|p| p.id).collect();
                for p in &plans {
                    // A `running` plan no process is applying was interrupted: resume it.
                    let state = if interrupted.contains(&p.id) {
                        "interrupted".to_owned()
                    } else {
                        serde_plain(&p.state)
                    };
                    println!(
                        "{:<24} {:<11} {} → {}",
                        p.plan.name,
                        state,
                        p.plan.source.console,
                        p.plan
                            .targets
                            .iter()
                            .map(|t| t.console.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::Show { name, out, json } => {
            let record = open()?.plan(&name)?;
            if let Some(path) = out {
                std::fs::write(&path, record.plan.to_json())
                    .map_err(|e| internal(format!("cannot write {}: {e}", path.display())))?;
            } else if json {
                print_json(&record)?;
            } else {
                print!("{}", record.plan.to_json());
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::Preview { name, json } => {
            let preview = open()?.plan_preview(&name)?;
            if json {
                print_json(&preview)?;
            } else {
                for c in &preview.checks {
                    println!(
                        "[{}] {}: {}",
                        if c.ok { "ok  " } else { "FAIL" },
                        c.name,
                        c.detail
                    );
                }
                for s in &preview.steps {
                    let (mark, detail) = match &s.preview {
                        PreviewStatus::WillDo => ("will do", String::new()),
                        PreviewStatus::AlreadyDone { detail, .. } => {
                            ("already done", format!(" — {detail}"))
                        }
                        PreviewStatus::Blocked { reason, .. } => {
                            ("BLOCKED", format!(" — {reason}"))
                        }
                    };
                    println!(
                        "{:>3}. {:<12} {}{detail}",
                        s.step.number, mark, s.step.description
                    );
                }
                println!(
                    "{}",
                    if preview.ready {
                        "ready to apply"
                    } else {
                        "not ready"
                    }
                );
            }
            Ok(if preview.ready {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        PlanCommand::Apply {
            name,
            json,
            poll_interval,
        }
        | PlanCommand::Resume {
            name,
            json,
            poll_interval,
        } => {
            let poll = std::time::Duration::try_from_secs_f64(poll_interval)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    invalid("--poll-interval", "must be a positive number of seconds")
                })?;
            let ws = open()?;
            apply(&ws, &name, json, poll)
        }
        PlanCommand::Status { name, json } => {
            let status = open()?.plan_status(&name)?;
            if json {
                print_json(&status)?;
            } else {
                println!(
                    "plan {:?}: {} ({}/{} steps done)",
                    status.record.plan.name,
                    serde_plain(&status.record.state),
                    status.done,
                    status.steps.len()
                );
                for s in &status.steps {
                    println!(
                        "{:>3}. {:<8} {}{}",
                        s.number,
                        s.state,
                        s.description,
                        s.error
                            .as_deref()
                            .map(|e| format!(" — {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanCommand::Report { name, json, out } => {
            let report = open()?.plan_report(&name)?;
            let as_json = json
                || out
                    .as_ref()
                    .and_then(|p| p.extension())
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            let text = if as_json {
                let mut t = serde_json::to_string_pretty(&report).map_err(internal)?;
                t.push('\n');
                t
            } else {
                report.to_markdown()
            };
            match out {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| internal(format!("cannot write {}: {e}", path.display())))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--target CONSOLE=COUNT` flags as targets with numbered peers of `msp_id`.
fn parse_targets(
    ws: &Workspace,
    msp_id: &str,
    targets: &[String],
    defaults: &PeerDefaults,
) -> Result<Vec<Target>, CoreError> {
    let consoles = ws.consoles()?;
    let mut plan_targets = Vec::new();
    for t in targets {
        let (console, count) = t
            .split_once('=')
            .ok_or_else(|| invalid("--target", format!("{t:?} is not CONSOLE=COUNT")))?;
        let count: usize = count
            .parse()
            .map_err(|_| invalid("--target", format!("{count:?} is not a number")))?;
        let region = consoles
            .iter()
            .find(|c| c.name == console)
            .map(|c| c.region.clone())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| console.to_owned());
        plan_targets.push(Target {
            console: console.to_owned(),
            peers: PeerSpec::numbered(msp_id, &region, 1, count, defaults),
            region,
        });
    }
    Ok(plan_targets)
}

#[allow(clippy::too_many_arguments)]
fn build_plan(
    ws: &Workspace,
    name: &str,
    mut source: Source,
    targets: &[String],
    defaults: &PeerDefaults,
    channels: Vec<String>,
    chaincodes: Vec<String>,
    wait_timeout: u64,
) -> Result<Plan, CoreError> {
    let components = ws.console_components(&source.console)?;
    let msp_id = components
        .msps
        .iter()
        .find(|m| m.id == source.msp)
        .map(|m| m.msp_id.clone())
        .ok_or_else(|| {
            invalid(
                "--msp",
                format!(
                    "console {:?} has no MSP definition {:?}",
                    source.console, source.msp
                ),
            )
        })?;
    if source.peers.is_empty() {
        source.peers = components
            .peers
            .iter()
            .filter(|p| p.msp_id.as_deref() == Some(msp_id.as_str()))
            .map(|p| p.id.clone())
            .collect();
    }
    let plan_targets = parse_targets(ws, &msp_id, targets, defaults)?;
    let plan = Plan {
        format: PLAN_FORMAT,
        name: name.to_owned(),
        source,
        targets: plan_targets,
        channels,
        chaincodes,
        wait_timeout_secs: wait_timeout,
    };
    plan.validate()?;
    Ok(plan)
}

fn registrar_secret(stdin: bool) -> Result<Sensitive<String>, CoreError> {
    if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| internal(format!("cannot read standard input: {e}")))?;
        let line = Sensitive::new(text.lines().next().unwrap_or("").to_owned());
        return Ok(line);
    }
    match std::env::var(REGISTRAR_SECRET_ENV) {
        Ok(s) if !s.is_empty() => Ok(Sensitive::new(s)),
        _ if std::io::stdin().is_terminal() => rpassword::prompt_password("Registrar enroll secret: ")
            .map(Sensitive::new)
            .map_err(|e| internal(format!("cannot read the secret: {e}"))),
        _ => Err(invalid(
            "--registrar-secret-stdin",
            format!("the registrar's enroll secret is needed (--registrar-secret-stdin or {REGISTRAR_SECRET_ENV})"),
        )),
    }
}

fn env_count(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

/// The crash-test hooks, when their variables are set.
/// With [`KILL_STEPS_ENV`] (comma-separated parts of step keys), only the boundaries of the
/// steps whose key contains one of them are counted.
fn test_hook() -> Option<fabric_ha_core::plans::engine::Hook> {
    let after_step = env_count(KILL_AFTER_STEP_ENV);
    let after_effect = env_count(KILL_AFTER_EFFECT_ENV);
    if after_step.is_none() && after_effect.is_none() {
        return None;
    }
    let only: Vec<String> = std::env::var(KILL_STEPS_ENV)
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let (steps, effects) = (AtomicUsize::new(0), AtomicUsize::new(0));
    Some(Arc::new(move |point: HookPoint<'_>| {
        let (HookPoint::OutcomeRecorded { count, step } | HookPoint::EffectDone { count, step }) =
            point;
        let count = if only.is_empty() {
            count
        } else if only.iter().any(|o| step.contains(o.as_str())) {
            let counter = match point {
                HookPoint::OutcomeRecorded { .. } => &steps,
                HookPoint::EffectDone { .. } => &effects,
            };
            counter.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            return;
        };
        let hit = match point {
            HookPoint::OutcomeRecorded { .. } => Some(count) == after_step,
            HookPoint::EffectDone { .. } => Some(count) == after_effect,
        };
        if hit {
            std::process::abort();
        }
    }))
}

fn progress_line(p: &Progress) -> String {
    let what = match &p.event {
        ProgressEvent::Started => "started".to_owned(),
        ProgressEvent::Done {
            already_present: true,
            component_id,
        } => format!("already done{}", id_suffix(component_id)),
        ProgressEvent::Done { component_id, .. } => format!("done{}", id_suffix(component_id)),
        ProgressEvent::Skipped => "done earlier".to_owned(),
        ProgressEvent::CatchUp { height, target } => format!("height {height} of {target}"),
        ProgressEvent::Retrying {
            attempt, message, ..
        } => {
            format!("retrying after attempt {attempt}: {message}")
        }
        ProgressEvent::Failed { code, message, .. } => format!("FAILED ({code}): {message}"),
    };
    format!(
        "[{}/{}] {} {} — {what}",
        p.number, p.total, p.region, p.description
    )
}

/// One progress bar per region on a terminal: done steps of the region's steps, the step in
/// hand as the message, failures and retries printed above the bars as plain lines.
struct RegionBars {
    multi: indicatif::MultiProgress,
    bars: std::collections::HashMap<String, indicatif::ProgressBar>,
}

impl RegionBars {
    fn new(status: &fabric_ha_core::plans::PlanStatus, to_stderr: bool) -> RegionBars {
        let target = if to_stderr {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::stdout()
        };
        let multi = indicatif::MultiProgress::with_draw_target(target);
        let style = indicatif::ProgressStyle::with_template(
            "{prefix:>14} [{bar:24}] {pos:>3}/{len:3} {wide_msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        let mut bars = std::collections::HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for s in &status.steps {
            if !order.contains(&s.console.as_str()) {
                order.push(&s.console);
            }
        }
        for console in order {
            // Steps done by an earlier run count when the engine reports them (`Skipped`).
            let total = status.steps.iter().filter(|s| s.console == console).count();
            let bar = multi.add(indicatif::ProgressBar::new(total as u64));
            bar.set_style(style.clone());
            bar.set_prefix(console.to_owned());
            bars.insert(console.to_owned(), bar);
        }
        RegionBars { multi, bars }
    }

    fn update(&mut self, p: &Progress) {
        let Some(bar) = self.bars.get(&p.console) else {
            let _ = self.multi.println(progress_line(p));
            return;
        };
        match &p.event {
            ProgressEvent::Started => bar.set_message(p.description.clone()),
            ProgressEvent::CatchUp { height, target } => {
                bar.set_message(format!("{} (height {height} of {target})", p.description));
            }
            ProgressEvent::Done { .. } | ProgressEvent::Skipped => bar.inc(1),
            ProgressEvent::Retrying { .. } | ProgressEvent::Failed { .. } => {
                let _ = self.multi.println(progress_line(p));
                if matches!(p.event, ProgressEvent::Failed { .. }) {
                    bar.abandon_with_message("stopped");
                }
            }
        }
    }

    fn finish(self) {
        for bar in self.bars.values() {
            if !bar.is_finished() {
                bar.finish_with_message(if bar.position() == bar.length().unwrap_or(0) {
                    "done"
                } else {
                    "stopped"
                });
            }
        }
    }
}

fn id_suffix(id: &Option<String>) -> String {
    id.as_deref().map(|i| format!(" ({i})")).unwrap_or_default()
}

fn apply(
    ws: &Workspace,
    name: &str,
    json: bool,
    poll_interval: std::time::Duration,
) -> Result<ExitCode, CoreError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Progress>();
    // Progress goes to stdout unless stdout carries the JSON outcome. On a terminal it is one
    // bar per region with its current step; otherwise one plain line per event.
    let to_terminal = if json {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let mut bars = if to_terminal {
        Some(RegionBars::new(&ws.plan_status(name)?, json))
    } else {
        None
    };
    let printer = std::thread::spawn(move || {
        while let Some(p) = rx.blocking_recv() {
            if let Some(bars) = bars.as_mut() {
                bars.update(&p);
                continue;
            }
            let line = progress_line(&p);
            if json {
                eprintln!("{line}");
            } else {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
        }
        if let Some(bars) = bars {
            bars.finish();
        }
    });
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    // Ctrl-C cancels the run; the steps in flight stay resumable.
    std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(async {
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!("cancelling: the plan can be resumed with `fabric-ha plan resume`");
                    on_signal.cancel();
                }
            });
        }
    });
    let options = ApplyOptions {
        cancel,
        progress: Some(tx),
        hook: test_hook(),
        poll_interval,
        ..ApplyOptions::default()
    };
    let outcome = ws.plan_apply(name, &options);
    drop(options);
    let _ = printer.join();
    let outcome = outcome?;
    if json {
        print_json(&outcome)?;
    } else {
        print_outcome(&outcome);
    }
    Ok(if outcome.completed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_outcome(outcome: &RunOutcome) {
    for r in &outcome.regions {
        match &r.failure {
            None => println!("{}: completed", r.region),
            Some(f) => {
                println!(
                    "{}: stopped at {} — {} ({})",
                    r.region, f.step, f.message, f.code
                );
                if !f.fix.is_empty() {
                    println!("  fix: {}", f.fix);
                }
                if f.resumable {
                    println!(
                        "  resumable: run `fabric-ha plan resume {:?}`",
                        outcome.plan
                    );
                }
            }
        }
    }
    println!(
        "plan {:?} {}",
        outcome.plan,
        if outcome.completed {
            "completed"
        } else if outcome.cancelled {
            "cancelled (resume to continue)"
        } else {
            "stopped"
        }
    );
}

fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
