//! Offline bundles on the workspace (`fabric-ha-bundle`): build one for a console from library
//! artifacts or from an HA plan, inspect and verify one, and apply one into a reachable
//! console or the library through the same no-duplicate paths as every other import,
//! recording the plan's offline steps in its journal.

use std::io::Read;
use std::path::{Path, PathBuf};

use fabric_ha_artifacts::{self as artifacts, Artifact, ReadOptions};
use fabric_ha_bundle as bundle;
use fabric_ha_engine::journal::{self, StepResult};
use fabric_ha_sensitive::{SecretBytes, Sensitive};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use fabric_ha_bundle::{
    BundleError, BundleKey, Inspection, Limits, Manifest, Protection, Verification,
};

use crate::consoles::ConsoleImportReport;
use crate::error::{from_store, CoreError, ErrorCode};
use crate::library::{rehydrate, unix_now, ImportReport};
use crate::workspace::Workspace;

/// Vault id of the workspace's ed25519 bundle signing key.
pub const SIGNING_KEY_SECRET_ID: &str = "bundle/signing-key";

/// The extension of the bundle files the app proposes (an unencrypted one is also a `.zip`).
pub const BUNDLE_EXTENSION: &str = "bundle";

/// The largest file the console's Settings → Bulk data management → Import takes (1 MiB); a
/// bundle whose console zip is larger says so.
pub const CONSOLE_IMPORT_MAX_BYTES: u64 = 1024 * 1024;

/// What goes into a bundle: `{"artifacts": [ids]}` or `{"plan": name}` over IPC.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
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

/// Where to apply a bundle: `{"console": name}` or `"library"` over IPC.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BundleApplyTarget")]
pub enum ApplyTarget {
    /// A registered, reachable console (it must be the bundle's target).
    Console(String),
    /// The local library.
    Library,
}

/// The outcome of applying a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
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

/// How a bundle is to be protected, as the app's form sends it. The passphrase is wrapped as
/// a secret while it is read.
#[derive(Debug, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum BundleProtectionInput {
    /// age with a passphrase.
    Passphrase {
        /// The passphrase.
        #[ts(type = "string")]
        passphrase: Sensitive<String>,
    },
    /// age to X25519 recipients (`age1…`).
    Recipients {
        /// Their public keys.
        recipients: Vec<String>,
    },
    /// No encryption; refused unless `confirmed`.
    Unencrypted {
        /// The explicit confirmation that the file may be written readable.
        confirmed: bool,
    },
}

impl From<BundleProtectionInput> for Protection {
    fn from(input: BundleProtectionInput) -> Self {
        match input {
            BundleProtectionInput::Passphrase { passphrase } => Protection::Passphrase {
                passphrase,
                work_factor: None,
            },
            BundleProtectionInput::Recipients { recipients } => Protection::Recipients(recipients),
            BundleProtectionInput::Unencrypted { confirmed } => Protection::Unencrypted {
                allow_unencrypted: confirmed,
            },
        }
    }
}

/// A bundle to build, as the app's form sends it (where to write it is asked afterwards).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BundleBuildInput {
    /// A registered console's name, or just the name of the console it is for.
    pub target: String,
    /// What goes in.
    pub contents: BundleContents,
    /// Encryption (or the explicit confirmation that there is none).
    pub protection: BundleProtectionInput,
    /// Carry identities with their private keys and the plan's enroll secrets.
    pub include_identities: bool,
    /// Sign the manifest with the workspace's signing key.
    pub sign: bool,
}

/// The key that opens a bundle, as the app sends it: none, the passphrase (wrapped as a secret
/// while it is read), or the path of an age identity file, read here so the private key never
/// passes through the window.
#[derive(Debug, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum BundleKeyInput {
    /// An unencrypted bundle.
    None,
    /// The bundle's passphrase.
    Passphrase {
        /// The passphrase.
        #[ts(type = "string")]
        passphrase: Sensitive<String>,
    },
    /// An age identity file (`AGE-SECRET-KEY-1…` lines) for a bundle made for recipients.
    IdentityFile {
        /// Its path.
        path: PathBuf,
    },
}

impl BundleKeyInput {
    /// The key, reading the identity file when one is named.
    pub fn into_key(self) -> Result<BundleKey, CoreError> {
        match self {
            BundleKeyInput::None => Ok(BundleKey::None),
            BundleKeyInput::Passphrase { passphrase } => Ok(BundleKey::Passphrase(passphrase)),
            BundleKeyInput::IdentityFile { path } => std::fs::read_to_string(&path)
                .map(|text| BundleKey::Identity(Sensitive::new(text)))
                .map_err(|e| CoreError::InvalidInput {
                    field: "identity".into(),
                    reason: format!("cannot read {}: {e}", path.display()),
                }),
        }
    }
}

/// A bundle built in memory, to be written where the user chooses.
#[derive(Debug)]
pub struct BuiltBundle {
    /// Its manifest.
    pub manifest: Manifest,
    /// Whether it is encrypted.
    pub encrypted: bool,
    /// The file name to propose: `<target>.bundle`, or `<target>.bundle.zip` unencrypted.
    pub file_name: String,
    /// What its creator should know before handing it over.
    pub warnings: Vec<String>,
    bytes: SecretBytes,
}

impl BuiltBundle {
    /// Writes the bundle (owner-only).
    pub fn write(&self, path: &Path) -> Result<(), CoreError> {
        bundle::write_file(path, self.bytes.expose()).map_err(bundle_err)?;
        tracing::info!(
            target_console = %self.manifest.target_console.name,
            components = self.manifest.components.len(),
            encrypted = self.encrypted,
            "bundle written"
        );
        Ok(())
    }
}

/// A bundle written: where, its manifest, and what its creator should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BundleWritten {
    /// The file written.
    pub path: String,
    /// Whether it is encrypted.
    pub encrypted: bool,
    /// Its manifest.
    pub manifest: Manifest,
    /// What to know before handing it over (e.g. a console zip the console's import dialog
    /// refuses); empty when there is nothing.
    pub warnings: Vec<String>,
}

/// What the creator of a bundle should know before handing it over: a console zip larger
/// than the console's import dialog takes.
fn bundle_warnings(manifest: &Manifest) -> Vec<String> {
    manifest
        .files
        .iter()
        .filter(|f| f.role == bundle::FileRole::ConsoleZip && f.size > CONSOLE_IMPORT_MAX_BYTES)
        .map(|f| {
            format!(
                "{} has {} bytes, more than the {CONSOLE_IMPORT_MAX_BYTES} (1 MiB) the console's Settings → Bulk data management → Import takes, which refuses it: import the components with the API bodies (api/*.json) or one by one as steps.md says, or split the selection into smaller bundles",
                f.path, f.size
            )
        })
        .collect()
}

fn bundle_err(e: BundleError) -> CoreError {
    match e {
        BundleError::Io { path, reason } => CoreError::Storage(format!("{path}: {reason}")),
        BundleError::Invalid { field, reason } => CoreError::InvalidInput { field, reason },
        other => CoreError::Bundle(other),
    }
}

/// The stable code of a bundle failure.
pub(crate) fn error_code(err: &BundleError) -> ErrorCode {
    match err {
        BundleError::KeyNeeded { .. } => ErrorCode::BundleKeyNeeded,
        BundleError::WrongKey { .. } => ErrorCode::BundleWrongKey,
        BundleError::Unlisted { .. }
        | BundleError::Missing { .. }
        | BundleError::SizeMismatch { .. }
        | BundleError::HashMismatch { .. } => ErrorCode::BundleTampered,
        BundleError::Signature { .. } => ErrorCode::BundleSignatureInvalid,
        BundleError::WrongConsole { .. } => ErrorCode::BundleWrongConsole,
        BundleError::NotABundle { .. } | BundleError::Manifest { .. } => ErrorCode::NotABundle,
        BundleError::Damaged { .. }
        | BundleError::UnsafeEntry { .. }
        | BundleError::TooLarge { .. }
        | BundleError::TooManyEntries { .. } => ErrorCode::BundleDamaged,
        BundleError::Invalid { .. } => ErrorCode::InvalidInput,
        BundleError::Io { .. } => ErrorCode::Storage,
    }
}

/// The bundle file and, where there is one, the entry a failure is about.
pub(crate) fn error_details(err: &BundleError) -> serde_json::Value {
    match err {
        BundleError::KeyNeeded { file }
        | BundleError::WrongKey { file }
        | BundleError::Damaged { file, .. }
        | BundleError::NotABundle { file, .. }
        | BundleError::TooManyEntries { file, .. }
        | BundleError::Signature { file, .. } => serde_json::json!({ "file": file }),
        BundleError::Manifest { file, .. } => {
            serde_json::json!({ "file": file, "entry": bundle::MANIFEST })
        }
        BundleError::UnsafeEntry { file, entry, .. }
        | BundleError::TooLarge { file, entry, .. }
        | BundleError::Unlisted { file, entry }
        | BundleError::Missing { file, entry }
        | BundleError::SizeMismatch { file, entry, .. }
        | BundleError::HashMismatch { file, entry } => {
            serde_json::json!({ "file": file, "entry": entry })
        }
        BundleError::WrongConsole {
            file,
            bundle_for,
            target,
        } => serde_json::json!({ "file": file, "bundleFor": bundle_for, "target": target }),
        BundleError::Invalid { field, reason } => {
            serde_json::json!({ "field": field, "reason": reason })
        }
        BundleError::Io { path, .. } => serde_json::json!({ "file": path }),
    }
}

/// Whether a file is an offline bundle, by its content: age-encrypted, or a zip whose
/// `manifest.json` is a bundle manifest. Unreadable files are not.
pub fn is_bundle_file(path: &Path) -> bool {
    const AGE_MAGIC: &[u8] = b"age-encryption.org/";
    const MAX_MANIFEST: u64 = 1024 * 1024;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; AGE_MAGIC.len()];
    let Ok(n) = file.read(&mut head) else {
        return false;
    };
    if head[..n] == *AGE_MAGIC {
        return true;
    }
    if !artifacts::is_zip(&head[..n]) {
        return false;
    }
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Ok(manifest) = zip.by_name(bundle::MANIFEST) else {
        return false;
    };
    let mut text = Vec::new();
    if manifest.take(MAX_MANIFEST).read_to_end(&mut text).is_err() {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|m| m["format"] == bundle::FORMAT)
}

/// The proposed file name: the target's name with anything but letters, digits, `-`, `_` and
/// `.` as `-`.
fn proposed_file_name(target: &str, encrypted: bool) -> String {
    let stem: String = target
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches(|c| c == '-' || c == '.');
    let stem = if stem.is_empty() { "console" } else { stem };
    if encrypted {
        format!("{stem}.{BUNDLE_EXTENSION}")
    } else {
        format!("{stem}.{BUNDLE_EXTENSION}.zip")
    }
}

/// `word` as one shell word: as it is when it needs no quoting, single-quoted otherwise.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
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
        let journal = journal::journal(self.store(), &record.id)?;
        // Console id of what the step `key` created, once it is done.
        let created = |key: &str| {
            journal
                .get(key)
                .filter(|e| e.state == journal::StepState::Done)
                .and_then(|e| e.result.as_ref()?.component_id.clone())
        };
        // A plan that creates its organization names its region-1 components by the ids its
        // region-1 steps recorded.
        let (ca, msp, first_peer) = match &plan.source.create {
            None => (plan.source.ca.clone(), plan.source.msp.clone(), None),
            Some(create) => {
                let made = |step: &str, what: &str| {
                    created(&format!("{source}/{step}")).ok_or_else(|| {
                        CoreError::InvalidInput {
                            field: "plan".into(),
                            reason: format!(
                                "plan {plan_name:?} creates its organization, whose {what} is not in console {source:?} yet; create the organization first: run `fabric-ha plan apply {}` until the region-1 steps are done",
                                shell_word(plan_name)
                            ),
                        }
                    })
                };
                (
                    made("create-ca", "CA")?,
                    made("create-msp", "MSP definition")?,
                    Some(made(
                        &format!("create/{}", create.first_peer.enroll_id),
                        "first peer",
                    )?),
                )
            }
        };
        let mut list = vec![export(source, &ca)?, export(source, &msp)?];
        let mut steps = vec![
            format!("{target}/import-ca"),
            format!("{target}/import-msp"),
        ];
        if let Some(peer) = &first_peer {
            list.push(export(source, peer)?);
            steps.push(format!("{target}/import-first-peer"));
        }
        for peer in &plan.source.peers {
            list.push(export(source, peer)?);
            steps.push(format!("{target}/import-peer/{peer}"));
        }
        // Peers the plan already created in other regions, to be imported here too.
        for other in plan.targets.iter().filter(|t| t.console != target) {
            for p in &other.peers {
                if let Some(id) = created(&format!("{}/create/{}", other.console, p.enroll_id)) {
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

    /// Builds a bundle for a console and writes it (owner-only). Returns its manifest and
    /// warnings.
    pub fn bundle_create(&self, input: &BundleCreateInput) -> Result<BundleWritten, CoreError> {
        let built = self.build_bundle(
            &input.target,
            &input.contents,
            &input.protection,
            input.include_identities,
            input.sign,
        )?;
        built.write(&input.out)?;
        Ok(BundleWritten {
            path: input.out.display().to_string(),
            encrypted: built.encrypted,
            manifest: built.manifest,
            warnings: built.warnings,
        })
    }

    /// Builds a bundle in memory, for the app to write where the user chooses.
    pub fn bundle_build(&self, input: BundleBuildInput) -> Result<BuiltBundle, CoreError> {
        let protection = Protection::from(input.protection);
        self.build_bundle(
            &input.target,
            &input.contents,
            &protection,
            input.include_identities,
            input.sign,
        )
    }

    fn build_bundle(
        &self,
        target: &str,
        contents: &BundleContents,
        protection: &Protection,
        include_identities: bool,
        sign: bool,
    ) -> Result<BuiltBundle, CoreError> {
        let spec = match contents {
            BundleContents::Plan(name) => self.plan_spec(name, target, include_identities)?,
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
                        if !include_identities {
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
                    target: self.console_ref(target)?,
                    source: None,
                    plan: None,
                    artifacts: list,
                    include_identities,
                    manual_steps: Vec::new(),
                    app_version: crate::VERSION.to_owned(),
                }
            }
        };
        let signer = if sign {
            Some(self.bundle_signing_key()?)
        } else {
            None
        };
        let created = bundle::create(&spec, protection, signer.as_ref()).map_err(bundle_err)?;
        let warnings = bundle_warnings(&created.manifest);
        for warning in &warnings {
            tracing::warn!(target_console = %spec.target.name, "{warning}");
        }
        Ok(BuiltBundle {
            file_name: proposed_file_name(&spec.target.name, created.encrypted),
            warnings,
            manifest: created.manifest,
            encrypted: created.encrypted,
            bytes: created.bytes,
        })
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
    /// to a plan of this workspace and the console took all of it, records its steps as done.
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
        let (library, console, console_name) = match target {
            ApplyTarget::Library => {
                let report = self.import_files(vec![(zip_name, zip.expose().to_vec())])?;
                (Some(report), None, None)
            }
            ApplyTarget::Console(name) => {
                let console = self.console_ref(name)?;
                self.console_row(name)?;
                opened
                    .check_target(name, console.url.as_deref())
                    .map_err(bundle_err)?;
                let report =
                    self.console_import_files(name, vec![(zip_name, zip.expose().to_vec())])?;
                let done = report.all_ok().then(|| name.clone());
                (None, Some(report), done)
            }
        };
        let mut recorded = Vec::new();
        // The plan's steps import into the target console: only an apply there that nothing
        // was refused carries them out (one into the library does not).
        if let (Some(console), Some(plan)) = (console_name, &opened.manifest().plan) {
            let known = journal::list_plans(self.store())?
                .into_iter()
                .any(|p| p.id == plan.id);
            if known {
                let result = StepResult {
                    console,
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

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn plan_names_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_word("ha-2.eu_de"), "ha-2.eu_de");
        assert_eq!(shell_word("my plan"), "'my plan'");
        assert_eq!(shell_word("it's $HOME"), "'it'\\''s $HOME'");
        assert_eq!(shell_word(""), "''");
    }
}
