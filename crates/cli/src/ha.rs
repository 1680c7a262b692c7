//! `fabric-ha ha check`: whether an organization survives the loss of any one region, from
//! the consoles and the peers as they are now. Exit code 0 only when every channel does.

use std::process::ExitCode;

use clap::{ArgGroup, Subcommand};
use fabric_ha_core::fabric::{HaCheck, HaCheckScope};
use fabric_ha_core::{CoreError, Workspace};

use crate::{print_json, with_json_error};

/// Exit code of a check that found a channel that does not survive a region's loss.
const NOT_SURVIVING: u8 = 3;

#[derive(Debug, Subcommand)]
pub(crate) enum HaCommand {
    /// Read every console and every peer of the organization and say, per channel, whether it
    /// survives the loss of any one region, or which region's loss breaks it and why. Exit
    /// code 0 only if every channel survives, 3 if one does not.
    #[command(group(ArgGroup::new("scope").required(true).args(["plan", "console"])))]
    Check {
        /// The organization of this HA plan, over the plan's consoles.
        #[arg(long)]
        plan: Option<String>,
        /// A console that holds the organization (with --msp), over every registered console.
        #[arg(long, requires = "msp")]
        console: Option<String>,
        /// The organization's MSP id (with --console).
        #[arg(long, requires = "console")]
        msp: Option<String>,
        /// Present this wallet identity's TLS certificate to every peer (peers that require
        /// client certificates; enroll it at the organization's TLS CA).
        #[arg(long = "tls-as", value_name = "IDENTITY")]
        tls_as: Option<String>,
        /// Print as JSON.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print as Markdown (the evidence for an audit).
        #[arg(long)]
        markdown: bool,
    },
}

fn table(check: &HaCheck) -> String {
    let mut out = format!(
        "{} as {:?}: {}\n",
        check.msp_id,
        check.identity,
        if check.survives {
            "every channel survives the loss of any one region"
        } else {
            "NOT every channel survives the loss of any one region"
        }
    );
    for c in &check.consoles {
        if let Some(e) = &c.error {
            out.push_str(&format!(
                "console {} ({}): not read: {e}\n",
                c.console, c.region
            ));
        } else if !c.missing.is_empty() {
            out.push_str(&format!(
                "console {} ({}): does not list {}\n",
                c.console,
                c.region,
                c.missing.join(", ")
            ));
        }
        for st in &c.stale {
            let mut what = st.fields.clone();
            if st.not_served {
                what.push("TLS certificate not the one the peer serves".into());
            }
            out.push_str(&format!(
                "console {} ({}): stale record {} of {} ({}): {}\n",
                c.console,
                c.region,
                st.component_id,
                st.peer,
                what.join(", "),
                st.todo
            ));
        }
    }
    for ch in &check.channels {
        out.push_str(&format!(
            "\n{}: {} (height {}, anchor peers {})\n",
            ch.channel,
            if ch.survives { "survives" } else { "AT RISK" },
            ch.highest,
            if ch.anchor_peers.is_empty() {
                "none".to_owned()
            } else {
                ch.anchor_peers.join(", ")
            }
        ));
        // Columns as wide as their longest value (console names and peer names vary).
        let console_width = ch.cells.iter().map(|c| c.console.chars().count()).max();
        let name_width = ch
            .cells
            .iter()
            .flat_map(|c| &c.peers)
            .map(|p| p.name.chars().count())
            .max();
        for cell in &ch.cells {
            for p in &cell.peers {
                out.push_str(&format!(
                    "  {:<cw$}  {:<nw$}  {}{}\n",
                    cell.console,
                    p.name,
                    match (p.running, p.height) {
                        (false, _) => "not running".to_owned(),
                        (true, None) => "not joined".to_owned(),
                        (true, Some(h)) => format!(
                            "height {h}{}{}",
                            match p.behind {
                                Some(0) | None => String::new(),
                                Some(b) => format!(" ({b} behind)"),
                            },
                            if p.anchor { ", anchor" } else { "" }
                        ),
                    },
                    p.todo.iter().map(|t| format!("; {t}")).collect::<String>(),
                    cw = console_width.unwrap_or(0),
                    nw = name_width.unwrap_or(0),
                ));
            }
        }
        for loss in ch.losses.iter().filter(|l| !l.survives) {
            out.push_str(&format!(
                "  losing {}: {}\n",
                loss.console,
                loss.reasons
                    .iter()
                    .map(|r| r.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    out
}

pub(crate) fn run(
    cmd: HaCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        HaCommand::Check {
            plan,
            console,
            msp,
            tls_as,
            json,
            markdown,
        } => {
            let checked = (|| {
                let scope = HaCheckScope::named(plan, console, msp, "--plan")?;
                let check = open()?.ha_check_presenting(&scope, tls_as.as_deref())?;
                if json {
                    print_json(&check)?;
                } else if markdown {
                    print!("{}", check.to_markdown());
                } else {
                    print!("{}", table(&check));
                }
                Ok(if check.survives {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(NOT_SURVIVING)
                })
            })();
            with_json_error(json, checked)
        }
    }
}
