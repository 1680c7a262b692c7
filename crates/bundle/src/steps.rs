//! The human step list: what to do in the target console, in the procedure's order, with the
//! values to type. Written as Markdown and as a standalone HTML page.

use fabric_ha_artifacts::{Artifact, ArtifactKind};
use fabric_ha_sensitive::Sensitive;

use crate::{BundleSpec, CONSOLE_ZIP};

/// A value of a manual step: plain, or a secret the user opted in to carry.
#[derive(Debug, Clone)]
pub enum StepValueText {
    /// Shown as it is.
    Plain(String),
    /// A secret (an enroll secret); only put in a bundle after an explicit opt-in.
    Secret(Sensitive<String>),
}

/// One labelled value to type.
#[derive(Debug, Clone)]
pub struct StepValue {
    /// What the console's form calls it.
    pub label: String,
    /// The value.
    pub value: StepValueText,
}

impl StepValue {
    /// A plain value.
    pub fn plain(label: &str, value: impl Into<String>) -> StepValue {
        StepValue {
            label: label.to_owned(),
            value: StepValueText::Plain(value.into()),
        }
    }
}

/// A step the console's import cannot do (e.g. create a peer, enrolling at a CA).
#[derive(Debug, Clone)]
pub struct ManualStep {
    /// The sentence.
    pub title: String,
    /// Where in the console.
    pub where_: String,
    /// The values to type.
    pub values: Vec<StepValue>,
}

struct Step {
    title: String,
    where_: String,
    values: Vec<(String, String)>,
}

fn v(label: &str, value: &str) -> (String, String) {
    (label.to_owned(), value.to_owned())
}

fn component_steps(artifacts: &[Artifact], include_identities: bool) -> Vec<Step> {
    let order = [
        ArtifactKind::Ca,
        ArtifactKind::Msp,
        ArtifactKind::Identity,
        ArtifactKind::Peer,
        ArtifactKind::Orderer,
    ];
    let mut out = Vec::new();
    for kind in order {
        for a in artifacts.iter().filter(|a| a.kind() == kind) {
            match a {
                Artifact::Ca(c) => out.push(Step {
                    title: format!("Import CA {:?}", c.display_name()),
                    where_: "Nodes → Add Certificate Authority → Import an existing Certificate Authority".into(),
                    values: vec![
                        v("CA display name", c.display_name()),
                        v("CA name", c.ca_name()),
                        v("TLS CA name", c.tlsca_name()),
                        v("API URL", c.api_url()),
                    ],
                }),
                Artifact::Msp(m) => out.push(Step {
                    title: format!("Import MSP definition {:?}", m.display_name()),
                    where_: "Organizations → Import MSP definition".into(),
                    values: vec![
                        v("MSP display name", m.display_name()),
                        v("MSP ID", m.msp_id()),
                    ],
                }),
                Artifact::Identity(i) if include_identities => out.push(Step {
                    title: format!("Add identity {:?} to the wallet", i.name()),
                    where_: "Wallet → Add identity → Upload JSON (file under Wallet/ in the console zip)".into(),
                    values: vec![v("Name", i.name())],
                }),
                Artifact::Identity(_) => {}
                Artifact::Peer(p) => out.push(Step {
                    title: format!("Import peer {:?}", p.display_name()),
                    where_: "Nodes → Add peer → Import an existing peer".into(),
                    values: vec![
                        v("Peer display name", p.display_name()),
                        v("MSP ID", p.msp_id()),
                        v("API URL", p.api_url()),
                    ],
                }),
                Artifact::Orderer(o) => out.push(Step {
                    title: format!("Import ordering service {:?}", o.cluster_name()),
                    where_: "Nodes → Add ordering service → Import an existing ordering service".into(),
                    values: vec![
                        v("Ordering service name", o.cluster_name()),
                        v("MSP ID", o.msp_id()),
                        v("Nodes", &o.nodes().len().to_string()),
                    ],
                }),
            }
        }
    }
    out
}

fn all_steps(spec: &BundleSpec) -> Vec<Step> {
    let mut steps = component_steps(&spec.artifacts, spec.include_identities);
    for m in &spec.manual_steps {
        steps.push(Step {
            title: m.title.clone(),
            where_: m.where_.clone(),
            values: m
                .values
                .iter()
                .map(|sv| {
                    let text = match &sv.value {
                        StepValueText::Plain(s) => s.clone(),
                        StepValueText::Secret(s) => s.expose().clone(),
                    };
                    (sv.label.clone(), text)
                })
                .collect(),
        });
    }
    steps
}

fn intro(spec: &BundleSpec) -> Vec<String> {
    let mut lines = vec![format!(
        "Bundle for console \"{}\"{}.",
        spec.target.name,
        spec.target
            .url
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default()
    )];
    if let Some(plan) = &spec.plan {
        lines.push(format!("HA plan \"{}\" (id {}).", plan.name, plan.id));
    }
    lines.push(format!(
        "Fastest: Settings → Bulk data management → Import, and choose `{CONSOLE_ZIP}` from this bundle. It holds every component below; then continue with the steps that are not imports. Otherwise do the steps one by one, in this order."
    ));
    if !spec.include_identities {
        lines.push("No identity or secret is in this bundle: add the org admin to the console's wallet yourself.".into());
    }
    lines
}

/// The step list as Markdown (the zip and the import bodies hold the files named in it).
pub(crate) fn markdown(spec: &BundleSpec) -> String {
    let mut out = format!("# Steps in console \"{}\"\n\n", spec.target.name);
    for line in intro(spec) {
        out.push_str(&line);
        out.push_str("\n\n");
    }
    for (i, s) in all_steps(spec).iter().enumerate() {
        out.push_str(&format!("{}. **{}** — {}\n", i + 1, s.title, s.where_));
        for (label, value) in &s.values {
            out.push_str(&format!("   - {label}: `{value}`\n"));
        }
    }
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The step list as a standalone HTML page (no scripts, no external resources).
pub(crate) fn html(spec: &BundleSpec) -> String {
    let title = esc(&format!("Steps in console \"{}\"", spec.target.name));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>body{{font-family:'IBM Plex Sans',sans-serif;max-width:56rem;margin:2rem auto;line-height:1.5}}code{{background:#f4f4f4;padding:0 .25rem}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    for line in intro(spec) {
        let escaped = esc(&line);
        // `name` in backticks becomes code, as in the Markdown.
        let mut html_line = String::new();
        for (i, part) in escaped.split('`').enumerate() {
            if i % 2 == 1 {
                html_line.push_str(&format!("<code>{part}</code>"));
            } else {
                html_line.push_str(part);
            }
        }
        out.push_str(&format!("<p>{html_line}</p>\n"));
    }
    out.push_str("<ol>\n");
    for s in all_steps(spec) {
        out.push_str(&format!(
            "<li><strong>{}</strong> — {}\n<ul>\n",
            esc(&s.title),
            esc(&s.where_)
        ));
        for (label, value) in &s.values {
            out.push_str(&format!(
                "<li>{}: <code>{}</code></li>\n",
                esc(label),
                esc(value)
            ));
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ol>\n</body>\n</html>\n");
    out
}
