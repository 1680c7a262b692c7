//! Moving components: export from a console (the file its UI downloads), import into a
//! console (strict v3 bodies, never a duplicate), and copy between consoles.

use fabric_ha_artifacts::{self as artifacts, Artifact, ArtifactKind, Finding, ReadOptions};
use fabric_ha_console::{
    find_existing, Component, ComponentQuery, ComponentType, ConsoleClient, ConsoleError,
};
use fabric_ha_sensitive::Sensitive;

use super::components::cluster_of;
use super::record::{cluster_file, file_of};
use super::{block_on, ConsoleImportItem, ConsoleImportOutcome, ConsoleImportReport};
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
    display_name: String,
    kind: String,
    artifact: Result<Artifact, String>,
}

impl Source {
    fn of(artifact_id: Option<String>, artifact: Artifact) -> Source {
        Source {
            artifact_id,
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
            display_name,
            kind: kind.to_owned(),
            artifact: Err(why),
        }
    }
}

/// Imports every source into the console behind `client`, looking first for the same
/// component among the console's records (and those imported earlier in this call).
async fn import_sources(
    client: &ConsoleClient,
    sources: Vec<Source>,
) -> Result<Vec<ConsoleImportItem>, ConsoleError> {
    let query = ComponentQuery {
        skip_cache: true,
        ..ComponentQuery::default()
    };
    let mut existing = client.list_components(query).await?;
    let mut items = Vec::new();
    for source in sources {
        let item =
            |display_name: &str, outcome, component_id: Option<String>, message: Option<String>| {
                ConsoleImportItem {
                    artifact_id: source.artifact_id.clone(),
                    display_name: display_name.to_owned(),
                    kind: source.kind.clone(),
                    outcome,
                    component_id,
                    message,
                }
            };
        let artifact = match &source.artifact {
            Ok(a) => a,
            Err(why) => {
                items.push(item(
                    &source.display_name,
                    ConsoleImportOutcome::Rejected,
                    None,
                    Some(why.clone()),
                ));
                continue;
            }
        };
        let bodies = artifacts::import_bodies(artifact);
        if bodies.is_empty() {
            items.push(item(
                &source.display_name,
                ConsoleImportOutcome::Rejected,
                None,
                Some("identities stay in this app's wallet: a console keeps its wallet in each browser and has no API for it".into()),
            ));
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
                items.push(item(
                    &title,
                    ConsoleImportOutcome::Rejected,
                    None,
                    Some(format!("unknown component type {}", body.component_type)),
                ));
                continue;
            };
            if let Some(found) = find_existing(&existing, kind, &body.body) {
                items.push(item(
                    &title,
                    ConsoleImportOutcome::AlreadyPresent,
                    Some(found.id.clone()),
                    Some(format!("already present as {}", found.id)),
                ));
                continue;
            }
            match client.import(&body).await {
                Ok(record) => {
                    items.push(item(
                        &title,
                        ConsoleImportOutcome::Imported,
                        Some(record.id.clone()),
                        None,
                    ));
                    existing.push(record);
                }
                Err(e) => {
                    tracing::info!(error = %e, component = %title, "console refused an import");
                    items.push(item(
                        &title,
                        ConsoleImportOutcome::Rejected,
                        None,
                        Some(console_message(&e)),
                    ));
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
            bytes: Sensitive::new(artifacts::export_json(&artifact)),
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
                    findings: vec![Finding::error(id.clone(), "", e.to_string())],
                    artifacts: vec![],
                }),
            }
        }
        Ok(ImportReport { files })
    }

    /// Imports library artifacts into a console. Whatever the console already holds (CA,
    /// peer and ordering node by `api_url`, MSP by `msp_id` and a common root certificate) is
    /// reported as already present and not sent again, so a re-run changes nothing.
    pub fn console_import(
        &self,
        name: &str,
        artifact_ids: &[String],
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
                    "identities stay in this app's wallet: a console keeps its wallet in each browser and has no API for it".into(),
                )
            } else {
                Source::of(Some(id.clone()), rehydrate(&row, None)?)
            });
        }
        self.import_into(name, sources)
    }

    /// Imports console files (name and bytes, JSON or bulk zip) straight into a console; a
    /// file with errors is a rejected entry, nothing of it is sent.
    pub fn console_import_files(
        &self,
        name: &str,
        files: Vec<(String, Vec<u8>)>,
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
        self.import_into(name, sources)
    }

    /// Copies components from one console to another: each is exported from `from` as the
    /// console's file and imported into `to`, never as a duplicate.
    pub fn console_copy(
        &self,
        from: &str,
        to: &str,
        component_ids: &[String],
    ) -> Result<ConsoleImportReport, CoreError> {
        let source_row = self.console_row(from)?;
        self.console_row(to)?;
        let source = self.console_client(&source_row)?;
        let records = block_on(source.list_components(ComponentQuery::full()))??;
        let sources = component_ids
            .iter()
            .map(
                |id| match export_record(&source_row.name, source.url(), &records, id) {
                    Ok(artifact) => Source::of(None, artifact),
                    Err(e) => Source::refused(None, id.clone(), "component", e.to_string()),
                },
            )
            .collect();
        self.import_into(to, sources)
    }

    fn import_into(
        &self,
        name: &str,
        sources: Vec<Source>,
    ) -> Result<ConsoleImportReport, CoreError> {
        let row = self.console_row(name)?;
        let client = self.console_client(&row)?;
        let items = block_on(import_sources(&client, sources));
        self.console_cache().forget(&row.name);
        let items = items??;
        tracing::info!(
            console = %row.name,
            imported = items.iter().filter(|i| i.outcome == ConsoleImportOutcome::Imported).count(),
            present = items.iter().filter(|i| i.outcome == ConsoleImportOutcome::AlreadyPresent).count(),
            rejected = items.iter().filter(|i| i.outcome == ConsoleImportOutcome::Rejected).count(),
            "console import"
        );
        Ok(ConsoleImportReport {
            console: row.name,
            items,
        })
    }
}
