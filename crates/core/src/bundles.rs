//! Offline bundles on the workspace (`fabric-ha-bundle`): build one for a console from library
//! artifacts or from an HA plan, inspect and verify one, and apply one into a reachable
//! console or the library through the same no-duplicate paths as every other import,
//! recording the plan's offline steps in its journal.

use std::path::{Path, PathBuf};

use fabric_ha_artifacts::{self as artifacts, Artifact, ReadOptions};
use fabric_ha_bundle as bundle;
use fabric_ha_engine::journal::{self, StepResult};

pub use fabric_ha_bundle::{
    BundleError, BundleKey, Inspection, Limits, Manifest, Protection, Verification,
};

use crate::consoles::ConsoleImportReport;
use crate::error::{from_store, CoreError};
use crate::library::{rehydrate, unix_now, ImportReport};
use crate::workspace::Workspace;

/// Vault id of the workspace's ed25519 bundle signing key.
pub const SIGNING_KEY_SECRET_ID: &str = "bundle/signing-key";

/// What goes into a bundle.
#[derive(Debug, Clone)]
pub enum BundleContents {
    /// These library artifacts.
    Artifacts(Vec<String>),
    /// Everything the named plan wants in the target console (exported from its consoles).
    Plan(String),
}

/// A bundle to build.
#[derive(Debug, Clone)]
pub struct BundleCreateInput {
    /// A registered console's name, or just the name of the console it is for.
    pub target: String,
    /// What goes in.
    pub contents: BundleContents,
    /// Encryption (or the explicit confirmation that there is none).
    pub protection: Protection,
    /// Carry identities with their private keys and the plan's enroll secrets.
    pub include_identities: bool,
    /// Sign the manifest with the workspace's signing key.
    pub sign: bool,
    /// Where to write it (owner-only).
    pub out: PathBuf,
}

/// Where to apply a bundle.
#[derive(Debug, Clone)]
pub enum ApplyTarget {
    /// A registered, reachable console (it must be the bundle's target).
    Console(String),
    /// The local library.
    Library,
}

/// The outcome of applying a bundle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleApplyReport {
    /// The checks that passed first.
    pub verification: Verification,
    /// The library import, for [`ApplyTarget::Library`].
    pub library: Option<ImportReport>,
    /// The console import, for [`ApplyTarget::Console`].
    pub console: Option<ConsoleImportReport>,
    /// Journal steps of the bundle's plan recorded as done.
    pub plan_steps_recorded: Vec<String>,
}

fn bundle_err(e: BundleError) -> CoreError {
    match e {
        BundleError::Io { path, reason } => CoreError::Storage(format!("{path}: {reason}")),
        other => CoreError::InvalidInput {
            field: "bundle".into(),
            reason: other.to_string(),
        },
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn read_artifact(name: &str, bytes: &[u8]) -> Result<Artifact, CoreError> {
    let report = artifacts::read_json_with(name, bytes, &ReadOptions::at(unix_now()));
    if !report.is_ok() {
        let why = report
            .errors()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        return Err(CoreError::InvalidInput {
            field: name.to_owned(),
            reason: why,
        });
    }
    report
        .accepted
        .into_iter()
        .next()
        .ok_or_else(|| CoreError::Internal(format!("{name}: no component read")))
}

impl Workspace {
    fn console_ref(&self, name: &str) -> Result<bundle::ConsoleRef, CoreError> {
        let url = self
            .consoles()?
            .into_iter()
            .find(|c| c.name == name)
            .map(|c| c.url);
        Ok(bundle::ConsoleRef {
            name: name.to_owned(),
            url,
        })
    }

    /// The workspace's bundle signing key, made and stored encrypted on first use.
    pub fn bundle_signing_key(&self) -> Result<bundle::Signer, CoreError> {
        self.with_vault(|vault, store| {
            if vault
                .contains(store, SIGNING_KEY_SECRET_ID)
                .map_err(from_store)?
            {
                let seed = vault
                    .get(store, SIGNING_KEY_SECRET_ID)
                    .map_err(from_store)?;
                return bundle::Signer::from_seed(&seed).map_err(bundle_err);
            }
            let signer = bundle::Signer::generate();
            vault
                .put(store, SIGNING_KEY_SECRET_ID, signer.seed().expose())
                .map_err(from_store)?;
            tracing::info!(public_key = %signer.public_key(), "bundle signing key created");
            Ok(signer)
        })
    }

    /// The public half of the signing key (base64), to give to receivers.
    pub fn bundle_signing_public_key(&self) -> Result<String, CoreError> {
        Ok(self.bundle_signing_key()?.public_key())
    }

    fn plan_spec(
        &self,
        plan_name: &str,
        target: &str,
        include_identities: bool,
    ) -> Result<bundle::BundleSpec, CoreError> {
        let record = self.plan(plan_name)?;
        let plan = &record.plan;
        let Some(region) = plan.targets.iter().find(|t| t.console == target) else {
            return Err(CoreError::InvalidInput {
                field: "for".into(),
                reason: format!("plan {plan_name:?} has no target console {target:?}"),
            });
        };
        let source = &plan.source.console;
        let export = |console: &str, id: &str| -> Result<Artifact, CoreError> {
            let file = self.console_export(console, id)?;
            read_artifact(&file.file_name, file.bytes.expose())
        };
        let mut list = vec![
            export(source, &plan.source.ca)?,
            export(source, &plan.source.msp)?,
        ];
        let mut steps = vec![
            format!("{target}/import-ca"),
            format!("{target}/import-msp"),
        ];
        for peer in &plan.source.peers {
            list.push(export(source, peer)?);
            steps.push(format!("{target}/import-peer/{peer}"));
        }
        // Peers the plan already created in other regions, to be imported here too.
        let journal = journal::journal(self.store(), &record.id)?;
        for other in plan.targets.iter().filter(|t| t.console != target) {
            for p in &other.peers {
                let created = journal
                    .get(&format!("{}/create/{}", other.console, p.enroll_id))
                    .filter(|e| e.state == journal::StepState::Done)
                    .and_then(|e| e.result.as_ref()?.component_id.clone());
                if let Some(id) = created {
                    list.push(export(&other.console, &id)?);
                    steps.push(format!("{}/copy/{}/{target}", other.console, p.enroll_id));
                }
            }
        }
        let mut manual = Vec::new();
        for p in &region.peers {
            let mut values = vec![
                bundle::StepValue::plain("Peer display name", p.display_name.clone()),
                bundle::StepValue::plain("Certificate Authority", list[0].display_name()),
                bundle::StepValue::plain("Enroll ID", p.enroll_id.clone()),
            ];
            if let Some(msp) = list[1].msp_id() {
                values.push(bundle::StepValue::plain("Organization MSP", msp));
            }
            if include_identities {
                let secret = self.with_vault(|vault, store| {
                    let id = journal::enroll_secret_id(&record.id, &p.enroll_id);
                    if vault.contains(store, &id).map_err(from_store)? {
                        Ok(Some(vault.get_str(store, &id).map_err(from_store)?))
                    } else {
                        Ok(None)
                    }
                })?;
                if let Some(secret) = secret {
                    values.push(bundle::StepValue {
                        label: "Enroll secret".into(),
                        value: bundle::StepValueText::Secret(secret),
                    });
                }
            }
            manual.push(bundle::ManualStep {
                title: format!("Create peer {:?}", p.display_name),
                where_: "Nodes → Add peer → Create a peer".into(),
                values,
            });
        }
        Ok(bundle::BundleSpec {
            target: self.console_ref(target)?,
            source: Some(self.console_ref(source)?),
            plan: Some(bundle::PlanRef {
                id: record.id.clone(),
                name: plan.name.clone(),
                steps,
            }),
            artifacts: list,
            include_identities,
            manual_steps: manual,
            app_version: crate::VERSION.to_owned(),
        })
    }

    /// Builds a bundle for a console and writes it (owner-only). Returns its manifest.
    pub fn bundle_create(&self, input: &BundleCreateInput) -> Result<Manifest, CoreError> {
        let spec = match &input.contents {
            BundleContents::Plan(name) => {
                self.plan_spec(name, &input.target, input.include_identities)?
            }
            BundleContents::Artifacts(ids) => {
                if ids.is_empty() {
                    return Err(CoreError::InvalidInput {
                        field: "artifacts".into(),
                        reason: "choose the artifacts (or a plan) to bundle".into(),
                    });
                }
                let mut list = Vec::new();
                for id in ids {
                    let row = self
                        .store()
                        .get_artifact(id)
                        .map_err(from_store)?
                        .ok_or_else(|| CoreError::NotFound {
                            what: format!("artifact {id}"),
                        })?;
                    if row.kind == "identity" {
                        if !input.include_identities {
                            return Err(CoreError::InvalidInput {
                                field: "includeIdentities".into(),
                                reason: format!("{:?} is an identity: bundling it carries its private key; opt in explicitly", row.display_name),
                            });
                        }
                        let key = self.with_vault(|vault, store| {
                            vault
                                .get_str(store, &crate::library::private_key_secret_id(&row.id))
                                .map_err(from_store)
                        })?;
                        list.push(rehydrate(&row, Some(&key))?);
                    } else {
                        list.push(rehydrate(&row, None)?);
                    }
                }
                bundle::BundleSpec {
                    target: self.console_ref(&input.target)?,
                    source: None,
                    plan: None,
                    artifacts: list,
                    include_identities: input.include_identities,
                    manual_steps: Vec::new(),
                    app_version: crate::VERSION.to_owned(),
                }
            }
        };
        let signer = if input.sign {
            Some(self.bundle_signing_key()?)
        } else {
            None
        };
        let created =
            bundle::create(&spec, &input.protection, signer.as_ref()).map_err(bundle_err)?;
        bundle::write_file(&input.out, created.bytes.expose()).map_err(bundle_err)?;
        tracing::info!(
            target_console = %spec.target.name,
            components = created.manifest.components.len(),
            encrypted = created.encrypted,
            "bundle written"
        );
        Ok(created.manifest)
    }

    fn bundle_open(&self, path: &Path, key: &BundleKey) -> Result<bundle::Opened, CoreError> {
        let limits = Limits::default();
        let bytes = bundle::read_file(path, &limits).map_err(bundle_err)?;
        bundle::open(&file_name(path), &bytes, key, &limits).map_err(bundle_err)
    }

    /// The manifest, entries and signer of a bundle; nothing is applied.
    pub fn bundle_inspect(&self, path: &Path, key: &BundleKey) -> Result<Inspection, CoreError> {
        Ok(self.bundle_open(path, key)?.inspect())
    }

    /// Checks every file of a bundle against its manifest, and the signature.
    pub fn bundle_verify(&self, path: &Path, key: &BundleKey) -> Result<Verification, CoreError> {
        self.bundle_open(path, key)?.verify().map_err(bundle_err)
    }

    /// Verifies a bundle, then imports its console zip into a reachable console (which must be
    /// the bundle's target) or into the library, never as a duplicate; when the bundle belongs
    /// to a plan of this workspace and nothing was rejected, records its steps as done.
    pub fn bundle_apply(
        &self,
        path: &Path,
        key: &BundleKey,
        target: &ApplyTarget,
    ) -> Result<BundleApplyReport, CoreError> {
        let opened = self.bundle_open(path, key)?;
        let verification = opened.verify().map_err(bundle_err)?;
        let zip_name = bundle::CONSOLE_ZIP.to_owned();
        let zip = opened.console_zip().map_err(bundle_err)?;
        let (library, console, ok, console_name) = match target {
            ApplyTarget::Library => {
                let report = self.import_files(vec![(zip_name, zip.expose().clone())])?;
                let ok = report.all_accepted();
                (Some(report), None, ok, None)
            }
            ApplyTarget::Console(name) => {
                let console = self.console_ref(name)?;
                self.console_row(name)?;
                opened
                    .check_target(name, console.url.as_deref())
                    .map_err(bundle_err)?;
                let report =
                    self.console_import_files(name, vec![(zip_name, zip.expose().clone())])?;
                let ok = report.all_ok();
                (None, Some(report), ok, Some(name.clone()))
            }
        };
        let mut recorded = Vec::new();
        if let (true, Some(plan)) = (ok, &opened.manifest().plan) {
            let known = journal::list_plans(self.store())?
                .into_iter()
                .any(|p| p.id == plan.id);
            if known {
                let result = StepResult {
                    console: console_name
                        .unwrap_or_else(|| opened.manifest().target_console.name.clone()),
                    ..StepResult::default()
                };
                for step in &plan.steps {
                    journal::record_external_done(self.store(), &plan.id, step, &result)?;
                    recorded.push(step.clone());
                }
                tracing::info!(plan = %plan.name, steps = recorded.len(), "offline bundle recorded in the plan's journal");
            }
        }
        Ok(BundleApplyReport {
            verification,
            library,
            console,
            plan_steps_recorded: recorded,
        })
    }
}
