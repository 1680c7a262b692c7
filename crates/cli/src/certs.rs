//! `fabric-ha certs`: every certificate the organization depends on — peers' enrollment and
//! TLS certificates (the consoles' records and what each peer serves), CA and TLS CA roots,
//! MSP admins, wallet identities — with days left, soonest first, and what to do for each kind.

use std::process::ExitCode;

use clap::Args;
use fabric_ha_core::certs::{CertKind, CertsReport};
use fabric_ha_core::{CoreError, Workspace};

use crate::print_json;

#[derive(Debug, Args)]
pub(crate) struct CertsArgs {
    /// Only certificates that end within this long: `30d`, `2w` or a number of days.
    #[arg(long, value_name = "DAYS", value_parser = parse_days)]
    expiring: Option<i64>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// `30d`, `30`, `2w` → days.
fn parse_days(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (number, factor) = match t.strip_suffix(['d', 'D']) {
        Some(n) => (n, 1),
        None => match t.strip_suffix(['w', 'W']) {
            Some(n) => (n, 7),
            None => (t, 1),
        },
    };
    number
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .map(|n| n * factor)
        .ok_or_else(|| format!("{text:?} is not a number of days (e.g. 30d, 2w, 30)"))
}

fn places(entry: &fabric_ha_core::certs::CertEntry) -> String {
    let mut out: Vec<String> = entry
        .seen_in
        .iter()
        .map(|p| match (p.source.as_str(), &p.console, &p.id) {
            ("console", Some(console), Some(id)) => format!("{console}/{id}"),
            ("peer", Some(console), Some(id)) => format!("served ({console}/{id})"),
            ("peer", _, _) => "served".to_owned(),
            (source, _, Some(id)) => format!("{source} {id}"),
            (source, _, None) => source.to_owned(),
        })
        .collect();
    out.dedup();
    out.join(", ")
}

fn print_report(report: &CertsReport, expiring: Option<i64>) {
    if report.certs.is_empty() {
        match expiring {
            Some(days) => println!("no certificate ends within {days} days"),
            None => println!("no certificates"),
        }
    } else {
        println!(
            "{:>5}  {:<20}  {:<18}  {:<24}  WHERE",
            "DAYS", "EXPIRES", "KIND", "OWNER"
        );
        for c in &report.certs {
            println!(
                "{:>5}  {:<20}  {:<18}  {:<24}  {}{}",
                c.days_left,
                c.expires_at,
                c.kind.label(),
                c.owner,
                places(c),
                c.note
                    .as_deref()
                    .map(|n| format!("  [{n}]"))
                    .unwrap_or_default()
            );
        }
        let mut kinds: Vec<CertKind> = report.certs.iter().map(|c| c.kind).collect();
        kinds.sort();
        kinds.dedup();
        println!();
        println!("What to do:");
        for kind in kinds {
            println!("  {}: {}", kind.label(), kind.action());
        }
    }
    for p in &report.problems {
        eprintln!("warning: {} could not be read: {}", p.source, p.message);
    }
}

pub(crate) fn run(
    args: CertsArgs,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    let mut report = open()?.certs()?;
    if let Some(days) = args.expiring {
        report = report.expiring_within(days);
    }
    if args.json {
        print_json(&report)?;
    } else {
        print_report(&report, args.expiring);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::parse_days;

    #[test]
    fn durations_in_days() {
        assert_eq!(parse_days("30d"), Ok(30));
        assert_eq!(parse_days("30"), Ok(30));
        assert_eq!(parse_days("2w"), Ok(14));
        assert!(parse_days("soon").is_err());
        assert!(parse_days("-1d").is_err());
    }
}
