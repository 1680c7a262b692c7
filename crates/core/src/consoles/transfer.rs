//! Moving components: export from a console (the file its UI downloads), import into a
//! console (strict v3 bodies, never a duplicate), and copy between consoles.

use std::collections::HashMap;

use fabric_ha_artifacts::{
    self as artifacts, Artifact, ArtifactKind, Finding, FindingCode, Problem, ReadOptions,
};
use fabric_ha_console::{
    certificate_differences, certificate_update, find_all_existing, CertField, Component,
    ComponentQuery, ComponentType, ConsoleClient, ConsoleError,
};
use fabric_ha_sensitive::SecretBytes;
use serde_json::Value;

use super::components::cluster_of;
use super::record::{cluster_file, file_of};
use super::{
    block_on, ConsoleImportItem, ConsoleImportOptions, ConsoleImportOutcome, ConsoleImportReport,
    RecordUpdateInput, RecordUpdateSource,
};
use crate::error::{from_store, CoreError};
use crate::library::{rehydrate, unix_now, ExportFile, ImportReport, ImportStatus, ImportedFile};
use crate::workspace::Workspace;

/// The console's own words for a refusal: the message of an HTTP answer verbatim, else the
/// error's sentence.
fn console_message(err: &ConsoleError) -> String {
    match err {
        ConsoleError::Server { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The report's word for a console record type.
fn kind_name_of(kind: ComponentType) -> &'static str {
    match kind {
        ComponentType::Ca => "ca",
        ComponentType::Msp => "msp",
        ComponentType::Peer => "peer",
        ComponentType::Orderer => "orderer",
    }
}

fn kind_name(kind: ArtifactKind) -> &'static str {
    match kind {
        ArtifactKind::Ca => "ca",
        ArtifactKind::Msp => "msp",
        ArtifactKind::Identity => "identity",
        ArtifactKind::Peer => "peer",
        ArtifactKind::Orderer => "orderer",
    }
}

/// The console file of component `id` (a record id, or the `cluster_id` of an ordering
/// service), checked by the same reader as any imported file.
fn export_record(
    console: &str,
    console_url: &str,
    records: &[Component],
    id: &str,
) -> Result<Artifact, CoreError> {
    let value = match records.iter().find(|r| r.id == id) {
        Some(record) => file_of(record, console_url),
        None => {
            let nodes: Vec<&Component> = records
                .iter()
                .filter(|r| r.kind() == Some(ComponentType::Orderer) && cluster_of(r) == id)
                .collect();
            if nodes.is_empty() {
                return Err(CoreError::NotFound {
                    what: format!("component {id:?} on console {console:?}"),
                });
            }
            cluster_file(&nodes)
        }
    }
    .ok_or_else(|| CoreError::InvalidInput {
        field: "componentId".into(),
        reason: format!("{id:?} on console {console:?} is not a CA, MSP, peer or ordering service"),
    })?;
    let name = format!("{console}: {id}");
    let bytes = artifacts::to_console_json(&value);
    let mut report = artifacts::read_json_with(&name, &bytes, &ReadOptions::at(unix_now()));
    match (report.is_ok(), report.accepted.pop()) {
        (true, Some(artifact)) if report.accepted.is_empty() => Ok(artifact),
        _ => Err(CoreError::InvalidInput {
            field: "componentId".into(),
            reason: format!(
                "the console's record of {id:?} does not make a valid console file: {}",
                report
                    .errors()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }),
    }
}

/// One thing to import: where it came from and what it is (or why it cannot be).
struct Source {
    artifact_id: Option<String>,
    /// A copy's source console and component id.
    copied_from: Option<(String, String)>,
    display_name: String,
    kind: String,
    artifact: Result<Artifact, String>,
}

impl Source {
    fn of(artifact_id: Option<String>, artifact: Artifact) -> Source {
        Source {
            artifact_id,
            copied_from: None,
            display_name: artifact.display_name().to_owned(),
            kind: kind_name(artifact.kind()).to_owned(),
            artifact: Ok(artifact),
        }
    }

    fn refused(
        artifact_id: Option<String>,
        display_name: String,
        kind: &str,
        why: String,
    ) -> Source {
        Source {
            artifact_id,
            copied_from: None,
            display_name,
            kind: kind.to_owned(),
            artifact: Err(why),
        }
    }

    fn copied_from(mut self, console: &str, id: &str) -> Source {
        self.copied_from = Some((console.to_owned(), id.to_owned()));
        self
    }

    fn item(&self, display_name: &str, outcome: ConsoleImportOutcome) -> ConsoleImportItem {
        ConsoleImportItem {
            artifact_id: self.artifact_id.clone(),
            source_console: self.copied_from.as_ref().map(|(c, _)| c.clone()),
            source_id: self.copied_from.as_ref().map(|(_, id)| id.clone()),
            display_name: display_name.to_owned(),
            kind: self.kind.clone(),
            outcome,
            component_id: None,
            differences: Vec::new(),
            updatable: false,
            message: None,
        }
    }
}

const IDENTITY_STAYS: &str = "identities stay in this app's wallet: a console keeps its wallet in each browser and has no API for it";

/// The fields in words: `TLS certificate (msp.component.tls_cert), ...`.
fn described(fields: &[CertField]) -> String {
    fields
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn paths(fields: &[CertField]) -> Vec<String> {
    fields.iter().map(|f| f.path().to_owned()).collect()
}

/// "present as X with other certificates" (CAs and nodes) or "... other content" (MSPs).
fn stale_outcome(kind: ComponentType) -> (ConsoleImportOutcome, &'static str) {
    match kind {
        ComponentType::Msp => (ConsoleImportOutcome::PresentWithOtherContent, "content"),
        _ => (
            ConsoleImportOutcome::PresentWithOtherCertificates,
            "certificates",
        ),
    }
}

/// Reads records with a node's `ecert` and `admin_certs` (only shown with deployment
/// attributes, §9), fresh from the console's database.
fn compare_query() -> ComponentQuery {
    ComponentQuery {
        deployment_attrs: true,
        skip_cache: true,
        parsed_certs: false,
    }
}

/// A console record of a component whose certificates differ from `reference` (an import
/// body, a console file or another console's record).
struct Stale<'a> {
    kind: ComponentType,
    /// The record's id.
    id: &'a str,
    /// The record as the console holds it (JSON, with deployment attributes).
    record: &'a Value,
    reference: &'a Value,
    /// What differs.
    fields: Vec<CertField>,
}

/// What became of a [`Stale`] record.
struct Settled {
    outcome: ConsoleImportOutcome,
    /// The edit route can replace the differing fields.
    updatable: bool,
    message: String,
    /// The record read back after an update.
    now: Option<Value>,
}

impl Stale<'_> {
    /// Reports the record, or with `update` replaces its differing certificates through the
    /// edit route and reads it back to confirm. Every failure leaves the record stale, with the
    /// reason in the message.
    async fn settle(&self, client: &ConsoleClient, update: bool) -> Settled {
        let (stale, word) = stale_outcome(self.kind);
        let found = format!(
            "present as {} with other {word}: {}",
            self.id,
            described(&self.fields)
        );
        let edit = certificate_update(self.kind, self.record, self.reference, &self.fields);
        let body = match edit {
            Err(refused) => {
                let fix = if self.kind == ComponentType::Ca {
                    format!(
                        "; not updated: {refused}. Remove {} in the console and import the CA again",
                        self.id
                    )
                } else {
                    format!("; not updated: {refused}")
                };
                return Settled {
                    outcome: stale,
                    updatable: false,
                    message: if update {
                        format!("{found}{fix}")
                    } else {
                        format!("{found}; the console's edit route cannot replace them")
                    },
                    now: None,
                };
            }
            Ok(body) => body,
        };
        if !update {
            return Settled {
                outcome: stale,
                updatable: true,
                message: found,
                now: None,
            };
        }
        if let Err(e) = client.edit_component(self.kind, self.id, &body).await {
            tracing::info!(error = %e, component = %self.id, "console refused an edit");
            return Settled {
                outcome: stale,
                updatable: true,
                message: format!(
                    "{found}; the console refused the update: {}",
                    console_message(&e)
                ),
                now: None,
            };
        }
        // Read it back: the update counts once the console holds the certificates.
        let now = match client.get_component(self.id, compare_query()).await {
            Ok(record) => serde_json::to_value(&record).unwrap_or(Value::Null),
            Err(e) => {
                return Settled {
                    outcome: stale,
                    updatable: true,
                    message: format!(
                        "{found}; the update was sent but the record could not be read back: {}",
                        console_message(&e)
                    ),
                    now: None,
                }
            }
        };
        let left = certificate_differences(self.kind, &now, self.reference);
        if !left.is_empty() {
            return Settled {
                outcome: stale,
                updatable: true,
                message: format!(
                    "{found}; the console accepted the update but still holds other {word}: {}",
                    described(&left)
                ),
                now: Some(now),
            };
        }
        Settled {
            outcome: ConsoleImportOutcome::Updated,
            updatable: true,
            message: format!("updated {}: {}", self.id, described(&self.fields)),
            now: Some(now),
        }
    }
}

/// Imports every source into the console behind `client`, looking first for the same
/// component among the console's records (and those imported earlier in this call) and
/// comparing its certificates; with `options.update` a record with other certificates is
/// updated through the edit route.
async fn import_sources(
    client: &ConsoleClient,
    sources: Vec<Source>,
    options: ConsoleImportOptions,
) -> Result<Vec<ConsoleImportItem>, ConsoleError> {
    let mut existing = client.list_components(compare_query()).await?;
    // What this call sent or read back, by record id: an import's answer lacks a node's
    // ecert and admin certs, so later comparisons use the body that was sent.
    let mut known: HashMap<String, Value> = HashMap::new();
    let mut items = Vec::new();
    for source in sources {
        let artifact = match &source.artifact {
            Ok(a) => a,
            Err(why) => {
                let mut item = source.item(&source.display_name, ConsoleImportOutcome::Rejected);
                item.message = Some(why.clone());
                items.push(item);
                continue;
            }
        };
        let bodies = artifacts::import_bodies(artifact);
        if bodies.is_empty() {
            let mut item = source.item(&source.display_name, ConsoleImportOutcome::Rejected);
            item.message = Some(IDENTITY_STAYS.into());
            items.push(item);
            continue;
        }
        for body in bodies {
            let title = body
                .body
                .get("display_name")
                .and_then(|v| v.as_str())
                .unwrap_or(&source.display_name)
                .to_owned();
            let Some(kind) = ComponentType::parse(body.component_type) else {
                let mut item = source.item(&title, ConsoleImportOutcome::Rejected);
                item.message = Some(format!("unknown component type {}", body.component_type));
                items.push(item);
                continue;
            };
            // Every record of the same component, with what differs in each.
            let candidates: Vec<(String, Value, Vec<CertField>)> =
                find_all_existing(&existing, kind, &body.body)
                    .into_iter()
                    .map(|c| {
                        let record = known
                            .get(&c.id)
                            .cloned()
                            .unwrap_or_else(|| serde_json::to_value(c).unwrap_or(Value::Null));
                        let fields = certificate_differences(kind, &record, &body.body);
                        (c.id.clone(), record, fields)
                    })
                    .collect();
            if let Some((id, _, _)) = candidates.iter().find(|(_, _, f)| f.is_empty()) {
                let mut item = source.item(&title, ConsoleImportOutcome::AlreadyPresent);
                item.component_id = Some(id.clone());
                let others: Vec<&str> = candidates
                    .iter()
                    .filter(|(_, _, f)| !f.is_empty())
                    .map(|(other, _, _)| other.as_str())
                    .collect();
                item.message = Some(if others.is_empty() {
                    format!("already present as {id}")
                } else {
                    format!(
                        "already present as {id} (the console also holds {} with other certificates)",
                        others.join(", ")
                    )
                });
                items.push(item);
                continue;
            }
            if let Some((id, record, fields)) = candidates.into_iter().next() {
                let stale = Stale {
                    kind,
                    id: &id,
                    record: &record,
                    reference: &body.body,
                    fields,
                };
                let settled = stale.settle(client, options.update).await;
                let mut item = source.item(&title, settled.outcome);
                item.component_id = Some(id.clone());
                item.differences = paths(&stale.fields);
                item.updatable = settled.updatable;
                item.message = Some(settled.message);
                if let Some(now) = settled.now {
                    known.insert(id.clone(), now);
                }
                items.push(item);
                continue;
            }
            match client.import(&body).await {
                Ok(record) => {
                    let mut item = source.item(&title, ConsoleImportOutcome::Imported);
                    item.component_id = Some(record.id.clone());
                    items.push(item);
                    known.insert(record.id.clone(), body.body.clone());
                    existing.push(record);
                }
                Err(e) => {
                    tracing::info!(error = %e, component = %title, "console refused an import");
                    let mut item = source.item(&title, ConsoleImportOutcome::Rejected);
                    item.message = Some(console_message(&e));
                    items.push(item);
                }
            }
        }
    }
    Ok(items)
}

impl Workspace {
    /// The file the console's UI downloads for component `component_id` (a CA, MSP, peer or
    /// ordering node id, or an ordering service's `cluster_id` for the whole cluster).
    pub fn console_export(&self, name: &str, component_id: &str) -> Result<ExportFile, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let records = block_on(client.list_components(ComponentQuery::full()))??;
        let artifact = export_record(&row.name, client.url(), &records, component_id)?;
        Ok(ExportFile {
            file_name: artifacts::export_file_name(&artifact),
            bytes: SecretBytes::from(artifacts::export_json(&artifact)),
            contains_private_keys: false,
        })
    }

    /// Exports components of a console into the local library, one report entry per
    /// component (a component that cannot be exported is a rejected entry).
    pub fn console_export_to_library(
        &self,
        name: &str,
        component_ids: &[String],
    ) -> Result<ImportReport, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let records = block_on(client.list_components(ComponentQuery::full()))??;
        let mut files = Vec::new();
        for id in component_ids {
            match export_record(&row.name, client.url(), &records, id) {
                Ok(artifact) => {
                    let file = (
                        artifacts::export_file_name(&artifact),
                        artifacts::export_json(&artifact),
                    );
                    files.extend(self.import_files(vec![file])?.files);
                }
                Err(e) => files.push(ImportedFile {
                    file: id.clone(),
                    status: ImportStatus::Rejected,
                    findings: vec![Finding::error(
                        id.clone(),
                        "",
                        Problem::new(
                            FindingCode::ExportFailed,
                            &[("reason", &e.to_string())],
                            e.to_string(),
                        ),
                    )],
                    artifacts: vec![],
                }),
            }
        }
        Ok(ImportReport { files })
    }

    /// Imports library artifacts into a console. Whatever the console already holds (CA,
    /// peer and ordering node by `api_url`, MSP by `msp_id` and a common root certificate) is
    /// not sent again: with the same certificates it is already present, so a re-run changes
    /// nothing; with other certificates it is reported as such (see
    /// [`Self::console_import_with`] to update it).
    pub fn console_import(
        &self,
        name: &str,
        artifact_ids: &[String],
    ) -> Result<ConsoleImportReport, CoreError> {
        self.console_import_with(name, artifact_ids, ConsoleImportOptions::default())
    }

    /// [`Self::console_import`]; with `options.update`, a record of the same component with
    /// other certificates gets the artifact's certificates through the console's edit route
    /// (nothing else of the record changes).
    pub fn console_import_with(
        &self,
        name: &str,
        artifact_ids: &[String],
        options: ConsoleImportOptions,
    ) -> Result<ConsoleImportReport, CoreError> {
        let mut sources = Vec::new();
        for id in artifact_ids {
            let row = self
                .store()
                .get_artifact(id)
                .map_err(from_store)?
                .ok_or_else(|| CoreError::NotFound {
                    what: format!("artifact {id}"),
                })?;
            sources.push(if row.kind == "identity" {
                Source::refused(
                    Some(id.clone()),
                    row.display_name.clone(),
                    "identity",
                    IDENTITY_STAYS.into(),
                )
            } else {
                Source::of(Some(id.clone()), rehydrate(&row, None)?)
            });
        }
        self.import_into(name, sources, options)
    }

    /// Imports console files (name and bytes, JSON or bulk zip) straight into a console; a
    /// file with errors is a rejected entry, nothing of it is sent.
    pub fn console_import_files(
        &self,
        name: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<ConsoleImportReport, CoreError> {
        self.console_import_files_with(name, files, ConsoleImportOptions::default())
    }

    /// [`Self::console_import_files`], updating records with other certificates when
    /// `options.update` is set.
    pub fn console_import_files_with(
        &self,
        name: &str,
        files: Vec<(String, Vec<u8>)>,
        options: ConsoleImportOptions,
    ) -> Result<ConsoleImportReport, CoreError> {
        let mut sources = Vec::new();
        for (file, bytes) in files {
            let report = artifacts::read_file_with(&file, &bytes, &ReadOptions::at(unix_now()));
            if report.is_ok() {
                sources.extend(report.accepted.into_iter().map(|a| Source::of(None, a)));
            } else {
                let why = report
                    .errors()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                sources.push(Source::refused(None, file.clone(), "file", why));
            }
        }
        self.import_into(name, sources, options)
    }

    /// Copies components from one console to another: each is exported from `from` as the
    /// console's file and imported into `to`, never as a duplicate.
    pub fn console_copy(
        &self,
        from: &str,
        to: &str,
        component_ids: &[String],
    ) -> Result<ConsoleImportReport, CoreError> {
        self.console_copy_with(from, to, component_ids, ConsoleImportOptions::default())
    }

    /// [`Self::console_copy`]; with `options.update`, `to`'s record of a component with other
    /// certificates than `from`'s gets `from`'s through the edit route.
    pub fn console_copy_with(
        &self,
        from: &str,
        to: &str,
        component_ids: &[String],
        options: ConsoleImportOptions,
    ) -> Result<ConsoleImportReport, CoreError> {
        let source_row = self.console_row(from)?;
        self.console_row(to)?;
        let source = self.console_client(&source_row)?;
        let records = block_on(source.list_components(ComponentQuery::full()))??;
        let sources = component_ids
            .iter()
            .map(|id| {
                match export_record(&source_row.name, source.url(), &records, id) {
                    Ok(artifact) => Source::of(None, artifact),
                    Err(e) => Source::refused(None, id.clone(), "component", e.to_string()),
                }
                .copied_from(&source_row.name, id)
            })
            .collect();
        self.import_into(to, sources, options)
    }

    /// The window's "Update": imports the sources again into `input.console`, updating the
    /// records that carry other certificates (what is missing is imported, what is equal is
    /// left alone).
    pub fn console_update_records(
        &self,
        input: &RecordUpdateInput,
    ) -> Result<ConsoleImportReport, CoreError> {
        let options = ConsoleImportOptions { update: true };
        match &input.source {
            RecordUpdateSource::Library { artifact_ids } => {
                self.console_import_with(&input.console, artifact_ids, options)
            }
            RecordUpdateSource::Console {
                from,
                component_ids,
            } => self.console_copy_with(from, &input.console, component_ids, options),
        }
    }

    /// Compares console `name`'s record `component_id` with `reference` (what the component
    /// carries: an import body, a console file, or another console's record of it, as JSON)
    /// and, when `update` is set and the certificates differ, replaces them through the
    /// console's edit route, changing nothing else. The item says what was found or done:
    /// already present (equal), present with other certificates or content (with the
    /// differing fields), or updated.
    pub fn console_compare_record(
        &self,
        name: &str,
        component_id: &str,
        reference: &Value,
        update: bool,
    ) -> Result<ConsoleImportItem, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let record = match block_on(client.get_component(component_id, compare_query()))? {
            Ok(record) => record,
            Err(ConsoleError::NotFound { .. }) => {
                return Err(CoreError::NotFound {
                    what: format!("component {component_id:?} on console {:?}", row.name),
                })
            }
            Err(other) => return Err(other.into()),
        };
        let kind = record.kind().ok_or_else(|| CoreError::InvalidInput {
            field: "componentId".into(),
            reason: format!(
                "{component_id:?} on console {:?} is a {:?} record, not a CA, MSP, peer or ordering node",
                row.name, record.component_type
            ),
        })?;
        let value = serde_json::to_value(&record)
            .map_err(|e| CoreError::Internal(format!("cannot read the console record: {e}")))?;
        let fields = certificate_differences(kind, &value, reference);
        let mut item = ConsoleImportItem {
            artifact_id: None,
            source_console: None,
            source_id: None,
            display_name: record
                .display_name
                .clone()
                .unwrap_or_else(|| record.id.clone()),
            kind: kind_name_of(kind).to_owned(),
            outcome: ConsoleImportOutcome::AlreadyPresent,
            component_id: Some(record.id.clone()),
            differences: Vec::new(),
            updatable: false,
            message: None,
        };
        if fields.is_empty() {
            item.message = Some(format!("already present as {}", record.id));
            return Ok(item);
        }
        let stale = Stale {
            kind,
            id: &record.id,
            record: &value,
            reference,
            fields,
        };
        let settled = block_on(stale.settle(&client, update))?;
        if update {
            self.console_cache().forget(&row.name);
        }
        item.outcome = settled.outcome;
        item.differences = paths(&stale.fields);
        item.updatable = settled.updatable;
        item.message = Some(settled.message);
        Ok(item)
    }

    fn import_into(
        &self,
        name: &str,
        sources: Vec<Source>,
        options: ConsoleImportOptions,
    ) -> Result<ConsoleImportReport, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let items = block_on(import_sources(&client, sources, options));
        self.console_cache().forget(&row.name);
        let items = items??;
        let count = |o: ConsoleImportOutcome| items.iter().filter(|i| i.outcome == o).count();
        tracing::info!(
            console = %row.name,
            imported = count(ConsoleImportOutcome::Imported),
            present = count(ConsoleImportOutcome::AlreadyPresent),
            stale = items.iter().filter(|i| i.outcome.is_stale()).count(),
            updated = count(ConsoleImportOutcome::Updated),
            rejected = count(ConsoleImportOutcome::Rejected),
            "console import"
        );
        Ok(ConsoleImportReport {
            console: row.name,
            items,
        })
    }
}
