//! `fabric-ha ca ...`: a Fabric CA from the terminal, as the app's CA page: cainfo, enroll into
//! the wallet, reenroll a wallet identity, register, list identities, associate an identity
//! with a library CA.
//!
//! `CA` is a library CA (id or display name; URL, CA name and TLS pin come from its file) or
//! the CA's URL (then `--tls-cert`, unless a library CA has that URL; without `--ca-name` no CA
//! name is sent and the server's default CA answers, whose name `info` and `enroll` print).
//! Enroll secrets come from `--secret`, `--secret-stdin` or `FABRIC_HA_ENROLL_SECRET`; a
//! generated secret is printed once, alone on stdout, and no other secret is ever printed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use fabric_ha_core::ca::{
    CaAssociationInput, CaAttribute, CaEnrollInput, CaEnrolled, CaIdentityType, CaReenrollInput,
    CaRegisterInput, CaTarget,
};
use fabric_ha_core::library::LibraryItem;
use fabric_ha_core::{CoreError, Sensitive, Workspace};
use zeroize::Zeroize as _;

use crate::print_json;

/// Environment variable an enroll secret may come from (instead of `--secret`).
pub(crate) const ENROLL_SECRET_ENV: &str = "FABRIC_HA_ENROLL_SECRET";

/// Which CA, and how to reach it.
#[derive(Debug, Args)]
pub(crate) struct CaArgs {
    /// A library CA (id or display name, see `artifact list`) or the CA's https URL.
    #[arg(value_name = "CA")]
    ca: String,
    /// The CA inside the server (`ca`, `tlsca`, ...); default: the library CA's; for a URL no
    /// library CA has, none is sent and the server's default CA answers.
    #[arg(long, value_name = "NAME")]
    ca_name: Option<String>,
    /// PEM file of the CA's TLS certificate to pin (default: the library CA's
    /// msp.component.tls_cert). Needed for a URL no library CA has.
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,
}

/// An enroll secret from the command line, stdin or the environment.
#[derive(Debug, Args)]
pub(crate) struct SecretArgs {
    /// The enroll secret (or set FABRIC_HA_ENROLL_SECRET; --secret-stdin keeps it out of `ps`).
    #[arg(long, env = ENROLL_SECRET_ENV, hide_env_values = true)]
    secret: Option<String>,
    /// Read the enroll secret from standard input (first line).
    #[arg(long, conflicts_with = "secret")]
    secret_stdin: bool,
}

impl SecretArgs {
    fn take(self) -> Result<Option<Sensitive<String>>, CoreError> {
        if self.secret_stdin {
            return read_secret_stdin().map(Some);
        }
        Ok(self.secret.filter(|s| !s.is_empty()).map(Sensitive::new))
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum CaCommand {
    /// Ask the CA for its name, version and chain (`cainfo`; no credentials needed).
    Info {
        #[command(flatten)]
        ca: CaArgs,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Enroll an identity and keep it in the wallet (private key encrypted), with the CA
    /// chain beside it. Without a secret, the one this workspace kept when it registered the
    /// id is used.
    Enroll {
        #[command(flatten)]
        ca: CaArgs,
        /// The enroll id.
        #[arg(long)]
        id: String,
        #[command(flatten)]
        secret: SecretArgs,
        /// Wallet name of the new identity (unique in the wallet).
        #[arg(long = "as", value_name = "WALLET_NAME")]
        wallet_name: String,
        /// Host names or IP addresses for the certificate, separated by commas (TLS
        /// enrollments, with --ca-name tlsca).
        #[arg(long, value_delimiter = ',')]
        hosts: Vec<String>,
        /// Print the wallet identity as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Renew a wallet identity's certificate at the CA that issued it (Fabric CA `reenroll`,
    /// signed by the identity itself: no secret). The new certificate and key replace the old
    /// ones under the same wallet name once stored; a refusal leaves the old identity as it was.
    Reenroll {
        /// The wallet identity (name or id).
        #[arg(value_name = "WALLET_NAME")]
        identity: String,
        /// The CA that issued it (library CA or https URL); default: where this workspace
        /// enrolled it.
        #[arg(long, value_name = "CA")]
        ca: Option<String>,
        /// The CA inside the server; default: the one that issued the identity.
        #[arg(long, value_name = "NAME")]
        ca_name: Option<String>,
        /// PEM file of the CA's TLS certificate to pin (for a URL no library CA has).
        #[arg(long, value_name = "FILE")]
        tls_cert: Option<PathBuf>,
        /// Host names or IP addresses for the new certificate, separated by commas.
        #[arg(long, value_delimiter = ',')]
        hosts: Vec<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Register an identity. Without --secret a strong one is generated and printed once on
    /// stdout; either way it is kept encrypted for a later `ca enroll`.
    Register {
        #[command(flatten)]
        ca: CaArgs,
        /// The registrar: a wallet identity (name or id) enrolled at this CA; default: the
        /// identity associated with the library CA.
        #[arg(long, value_name = "WALLET_NAME")]
        registrar: Option<String>,
        /// The new enroll id.
        #[arg(long)]
        id: String,
        /// peer, client, admin or orderer (register an organization's admin as admin).
        #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
        identity_type: CaIdentityType,
        #[command(flatten)]
        secret: SecretArgs,
        /// How often the secret may enroll (-1 unlimited); default: the CA's.
        #[arg(long, allow_negative_numbers = true)]
        max_enrollments: Option<i32>,
        /// Affiliation; default: the registrar's.
        #[arg(long)]
        affiliation: Option<String>,
        /// An attribute, `name=value` (`name=value:ecert` to put it into certificates by
        /// default); repeatable.
        #[arg(long = "attr", value_name = "NAME=VALUE")]
        attrs: Vec<String>,
    },
    /// List the identities registered at the CA that the registrar may see.
    Identities {
        #[command(flatten)]
        ca: CaArgs,
        /// The registrar (a wallet identity); default: the identity associated with the
        /// library CA.
        #[arg(long, value_name = "WALLET_NAME")]
        registrar: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Associate an identity with a library CA, as the console's "Associate identity": enroll
    /// with an id and secret into a new wallet identity, or pick one from the wallet.
    #[command(group(ArgGroup::new("how").args(["id", "identity"]).required(true)))]
    Associate {
        /// The library CA (id or display name).
        #[arg(value_name = "CA")]
        ca: String,
        /// Enroll this id (with --secret and --as).
        #[arg(long, requires = "wallet_name")]
        id: Option<String>,
        #[command(flatten)]
        secret: SecretArgs,
        /// Wallet name of the identity enrolled with --id.
        #[arg(long = "as", value_name = "WALLET_NAME")]
        wallet_name: Option<String>,
        /// Use this wallet identity (name or id) instead.
        #[arg(long, value_name = "WALLET_NAME", conflicts_with_all = ["id", "wallet_name"])]
        identity: Option<String>,
    },
}

fn parse_type(text: &str) -> Result<CaIdentityType, String> {
    text.parse().map_err(|e: CoreError| e.to_string())
}

fn read_secret_stdin() -> Result<Sensitive<String>, CoreError> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| {
        CoreError::Internal(format!("cannot read the enroll secret from stdin: {e}"))
    })?;
    let secret = Sensitive::new(text.lines().next().unwrap_or("").trim_end().to_owned());
    text.zeroize();
    Ok(secret)
}

fn read_pem(path: &Path) -> Result<String, CoreError> {
    std::fs::read_to_string(path).map_err(|e| CoreError::InvalidInput {
        field: "--tls-cert".into(),
        reason: format!("cannot read {}: {e}", path.display()),
    })
}

impl CaArgs {
    fn target(self) -> Result<CaTarget, CoreError> {
        Ok(CaTarget {
            ca: self.ca,
            ca_name: self.ca_name,
            tls_cert: self.tls_cert.as_deref().map(read_pem).transpose()?,
        })
    }
}

fn parse_attr(text: &str) -> Result<CaAttribute, CoreError> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(CoreError::InvalidInput {
            field: "--attr".into(),
            reason: format!("{text:?} is not name=value"),
        });
    };
    let (value, ecert) = match value.strip_suffix(":ecert") {
        Some(v) => (v, true),
        None => (value, false),
    };
    Ok(CaAttribute {
        name: name.trim().to_owned(),
        value: value.to_owned(),
        ecert,
    })
}

fn print_identity(item: &LibraryItem, what: &str) {
    println!(
        "{what} {} into the wallet as {:?} (expires {}, CA {})",
        item.id,
        item.display_name,
        item.expires_at.as_deref().unwrap_or("?"),
        if item.issuing_cas.is_empty() {
            "-".to_owned()
        } else {
            item.issuing_cas.join(", ")
        }
    );
}

/// A new wallet identity and the name of the CA that issued it (with `--json`: the wallet
/// item's fields and `caName`).
fn print_enrolled(enrolled: &CaEnrolled, json: bool) -> Result<(), CoreError> {
    if json {
        return print_json(enrolled);
    }
    print_identity(&enrolled.identity, "enrolled");
    println!(
        "ca name      {}",
        if enrolled.ca_name.is_empty() {
            "-"
        } else {
            &enrolled.ca_name
        }
    );
    Ok(())
}

pub(crate) fn run(
    cmd: CaCommand,
    open: impl FnOnce() -> Result<Workspace, CoreError>,
) -> Result<ExitCode, CoreError> {
    match cmd {
        CaCommand::Info { ca, json } => {
            let info = open()?.ca_info(&ca.target()?)?;
            if json {
                print_json(&info)?;
            } else {
                println!("url          {}", info.url);
                println!("ca name      {}", info.ca_name);
                println!(
                    "version      {}",
                    if info.version.is_empty() {
                        "-"
                    } else {
                        &info.version
                    }
                );
                if let Some(id) = &info.library_ca {
                    println!("library ca   {id}");
                }
                for c in &info.chain {
                    println!("chain        {} (expires {})", c.subject, c.expires_at);
                }
            }
        }
        CaCommand::Enroll {
            ca,
            id,
            secret,
            wallet_name,
            hosts,
            json,
        } => {
            let enrolled = open()?.ca_enroll_answered(CaEnrollInput {
                target: ca.target()?,
                enroll_id: id,
                enroll_secret: secret.take()?,
                wallet_name,
                hosts,
            })?;
            print_enrolled(&enrolled, json)?;
        }
        CaCommand::Reenroll {
            identity,
            ca,
            ca_name,
            tls_cert,
            hosts,
            json,
        } => {
            let ws = open()?;
            let target = match ca {
                Some(ca) => Some(
                    CaArgs {
                        ca,
                        ca_name,
                        tls_cert,
                    }
                    .target()?,
                ),
                None if ca_name.is_some() || tls_cert.is_some() => {
                    let enrolled = ws.wallet_enrollment(&identity)?.ok_or_else(|| {
                        CoreError::InvalidInput {
                            field: "--ca".into(),
                            reason: "this workspace did not enroll that identity: give --ca".into(),
                        }
                    })?;
                    Some(
                        CaArgs {
                            ca: enrolled.0,
                            ca_name: ca_name.or(Some(enrolled.1)),
                            tls_cert,
                        }
                        .target()?,
                    )
                }
                None => None,
            };
            let done = ws.ca_reenroll(CaReenrollInput {
                identity,
                target,
                hosts,
            })?;
            if json {
                print_json(&done)?;
            } else {
                println!(
                    "reenrolled {:?}: {} replaces {} (which expires {})",
                    done.identity.display_name,
                    done.identity.id,
                    done.replaced,
                    done.previous_expires_at
                );
                print_identity(&done.identity, "stored");
                println!("ca name      {}", done.ca_name);
            }
        }
        CaCommand::Register {
            ca,
            registrar,
            id,
            identity_type,
            secret,
            max_enrollments,
            affiliation,
            attrs,
        } => {
            let attributes = attrs
                .iter()
                .map(|a| parse_attr(a))
                .collect::<Result<Vec<_>, _>>()?;
            let registered = open()?.ca_register(CaRegisterInput {
                target: ca.target()?,
                registrar,
                enroll_id: id,
                identity_type,
                enroll_secret: secret.take()?,
                max_enrollments,
                affiliation,
                attributes,
            })?;
            eprintln!(
                "registered {} as {}",
                registered.enroll_id,
                registered.identity_type.as_str()
            );
            if registered.secret_generated {
                // The one place a generated secret is shown: the user needs it to enroll
                // elsewhere. Alone on stdout, so `$(fabric-ha ca register ...)` captures it.
                println!("{}", registered.enroll_secret.expose());
                eprintln!(
                    "the line above is the generated enroll secret of {}; it is not shown again (`fabric-ha ca enroll` in this workspace uses it without --secret)",
                    registered.enroll_id
                );
            }
        }
        CaCommand::Identities {
            ca,
            registrar,
            json,
        } => {
            let users = open()?.ca_identities(&ca.target()?, registrar.as_deref())?;
            if json {
                print_json(&users)?;
            } else {
                println!(
                    "{:<28} {:<10} {:<20} MAX ENROLLMENTS",
                    "ID", "TYPE", "AFFILIATION"
                );
                for u in &users {
                    println!(
                        "{:<28} {:<10} {:<20} {}",
                        u.id,
                        u.identity_type,
                        if u.affiliation.is_empty() {
                            "-"
                        } else {
                            &u.affiliation
                        },
                        u.max_enrollments
                    );
                }
            }
        }
        CaCommand::Associate {
            ca,
            id,
            secret,
            wallet_name,
            identity,
        } => {
            let how = match (identity, id, wallet_name) {
                (Some(identity), _, _) => CaAssociationInput::Wallet { identity },
                (None, Some(enroll_id), Some(wallet_name)) => CaAssociationInput::Enroll {
                    enroll_id,
                    enroll_secret: secret.take()?.ok_or_else(|| CoreError::InvalidInput {
                        field: "--secret".into(),
                        reason: format!(
                            "give --secret, --secret-stdin or {ENROLL_SECRET_ENV} to enroll"
                        ),
                    })?,
                    wallet_name,
                },
                _ => {
                    return Err(CoreError::InvalidInput {
                        field: "--id".into(),
                        reason: "give --id with --as, or --identity".into(),
                    })
                }
            };
            let item = open()?.ca_associate(&ca, how)?;
            print_identity(&item, "associated");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn attributes_read_as_fabric_ca_client_writes_them() {
        assert_eq!(
            parse_attr("region=us-south").unwrap(),
            CaAttribute {
                name: "region".into(),
                value: "us-south".into(),
                ecert: false
            }
        );
        let a = parse_attr("hf.Registrar.Roles=peer,client:ecert").unwrap();
        assert_eq!(a.value, "peer,client");
        assert!(a.ecert);
        assert!(parse_attr("novalue").is_err());
    }
}
