//! The human step list: what to do in the target console, in the procedure's order, with the
//! values to type. Written as Markdown and as a standalone HTML page.

use fabric_ha_artifacts::{self as artifacts, Artifact, ArtifactKind};
use fabric_ha_sensitive::Sensitive;

use crate::{BundleSpec, CONSOLE_ZIP};

/// The largest file the console's Settings → Bulk data management → Import takes (1 MiB).
const CONSOLE_IMPORT_MAX_BYTES: usize = 1024 * 1024;

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

/// The size of the console zip of `spec` when it is at most `limit` bytes, `None` when it is
/// larger. The zip stores its entries, so its size is that of an empty export plus what each
/// component adds on its own: the sum stops as soon as it passes `limit`, without writing the
/// whole zip again.
fn console_zip_size_within(spec: &BundleSpec, limit: usize) -> Option<usize> {
    let size = |list: &[Artifact]| {
        artifacts::export_bulk_zip(list, spec.include_identities).map_or(0, |z| z.expose().len())
    };
    let empty = size(&[]);
    let mut total = empty;
    for a in &spec.artifacts {
        total += size(std::slice::from_ref(a)).saturating_sub(empty);
        if total > limit {
            return None;
        }
    }
    Some(total)
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
    if console_zip_size_within(spec, CONSOLE_IMPORT_MAX_BYTES).is_none() {
        lines.push(format!(
            "`{CONSOLE_ZIP}` is larger than 1 MiB, the most the console's Settings → Bulk data management → Import takes: that dialog refuses it, so do not use it. Import the components with the API bodies instead: each `api/*.json` file names its call (`POST /ak/api/v3/components/<type>`) and the body to send with an API key allowed to import, in the order of their numbers. Or do the steps below one by one, in this order, or split the selection into smaller bundles."
        ));
    } else {
        lines.push(format!(
            "Fastest: Settings → Bulk data management → Import, and choose `{CONSOLE_ZIP}` from this bundle. It holds every component below; then continue with the steps that are not imports. Otherwise do the steps one by one, in this order."
        ));
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use fabric_ha_artifacts::testdata::Pki;
    use fabric_ha_artifacts::{read_json, Artifact};
    use serde_json::{json, Value};

    use super::*;
    use crate::ConsoleRef;

    /// `peers` peers (each its own id, name and address) beside a CA, an MSP, an ordering
    /// service of 3 nodes and an identity.
    fn spec(pki: &Pki, peers: usize, include_identities: bool) -> BundleSpec {
        let mut values = vec![
            pki.ca_v3(),
            pki.msp(),
            pki.orderer_cluster(),
            pki.identity(),
        ];
        values.extend((0..peers).map(|i| {
            let mut v = pki.peer_v3();
            v["id"] = json!(format!("peer{i}"));
            v["display_name"] = json!(format!("Peer {i}"));
            v["api_url"] = json!(format!("grpcs://peer{i}.org1.example.com:7051"));
            v
        }));
        let artifacts: Vec<Artifact> = values
            .iter()
            .flat_map(|v: &Value| read_json("x.json", v.to_string().as_bytes()).accepted)
            .collect();
        assert_eq!(artifacts.len(), 4 + peers);
        BundleSpec {
            target: ConsoleRef {
                name: "eu-de".into(),
                url: None,
            },
            source: None,
            plan: None,
            artifacts,
            include_identities,
            manual_steps: Vec::new(),
            app_version: "0.1.0".into(),
        }
    }

    fn zip_len(spec: &BundleSpec) -> usize {
        artifacts::export_bulk_zip(&spec.artifacts, spec.include_identities)
            .unwrap()
            .expose()
            .len()
    }

    #[test]
    fn the_console_zip_size_is_counted_exactly_up_to_the_limit() {
        let pki = Pki::new();
        for identities in [false, true] {
            let spec = spec(&pki, 5, identities);
            let len = zip_len(&spec);
            assert_eq!(console_zip_size_within(&spec, usize::MAX), Some(len));
            assert_eq!(console_zip_size_within(&spec, len), Some(len));
            assert_eq!(console_zip_size_within(&spec, len - 1), None);
        }
    }

    #[test]
    fn a_console_zip_over_1_mib_is_not_proposed_for_the_import_dialog() {
        let pki = Pki::new();
        let small = spec(&pki, 3, false);
        assert!(zip_len(&small) < CONSOLE_IMPORT_MAX_BYTES);
        let md = markdown(&small);
        assert!(
            md.contains("Fastest: Settings → Bulk data management → Import"),
            "{md}"
        );
        assert!(!md.contains("larger than 1 MiB"), "{md}");

        let peer_bytes = zip_len(&spec(&pki, 1, false)) - zip_len(&spec(&pki, 0, false));
        let large = spec(&pki, CONSOLE_IMPORT_MAX_BYTES / peer_bytes + 1, false);
        assert!(zip_len(&large) > CONSOLE_IMPORT_MAX_BYTES);
        let md = markdown(&large);
        assert!(!md.contains("Fastest"), "{md}");
        assert!(md.contains(
            "`console/bulk-import.zip` is larger than 1 MiB, the most the console's Settings → Bulk data management → Import takes: that dialog refuses it"
        ));
        assert!(md.contains("each `api/*.json` file names its call"));
        assert!(md.contains("split the selection into smaller bundles"));
        let html = html(&large);
        assert!(html.contains("<code>console/bulk-import.zip</code> is larger than 1 MiB"));
        assert!(html.contains("each <code>api/*.json</code> file names its call (<code>POST /ak/api/v3/components/&lt;type&gt;</code>)"));
        assert!(!html.contains("Fastest"));
        // The component steps stay: each import can still be done in the console's forms.
        assert!(md.contains(&format!(
            "**Import peer \"Peer {}\"**",
            large.artifacts.len() - 5
        )));
    }
}
