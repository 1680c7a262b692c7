//! Readers: one JSON file, or the console's bulk export zip. Kinds are detected from content.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use serde_json::Value;

use crate::check::{detect, CertCache, Checker};
use crate::export::summarize;
use crate::json::{index_path, parse_strict, MAX_JSON_BYTES};
use crate::model::{Artifact, ArtifactKind, OrdererArtifact};
use crate::report::{ArtifactSummary, FileReport, Finding, FindingCode, Problem};
use crate::text::to_utf8;

/// Caps applied while reading a zip. Sizes are counted on the bytes actually produced by
/// decompression, never taken from the headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipLimits {
    /// Most entries (files and folders) in one archive.
    pub max_entries: usize,
    /// Largest uncompressed entry.
    pub max_entry_bytes: u64,
    /// Largest sum of uncompressed entries (also the largest archive accepted).
    pub max_total_bytes: u64,
    /// Largest compression ratio (uncompressed / compressed) of an entry, and of the archive.
    pub max_ratio: u64,
    /// Ratios are enforced once an entry (or the archive) has produced this many bytes, so that
    /// tiny, very compressible files are not refused.
    pub ratio_floor_bytes: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_entry_bytes: 10 * 1024 * 1024,
            max_total_bytes: 256 * 1024 * 1024,
            max_ratio: 100,
            ratio_floor_bytes: 64 * 1024,
        }
    }
}

/// Options of a read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// "Now" for certificate validity, as Unix seconds. Tests pass a fixed value.
    pub now: i64,
    /// Largest JSON file (or zip entry) parsed.
    pub max_json_bytes: usize,
    /// Zip caps.
    pub zip: ZipLimits,
}

impl ReadOptions {
    /// Default caps, with `now` given as Unix seconds.
    pub fn at(now: i64) -> Self {
        Self {
            now,
            max_json_bytes: MAX_JSON_BYTES,
            zip: ZipLimits::default(),
        }
    }
}

impl Default for ReadOptions {
    /// Default caps and the wall clock.
    fn default() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self::at(now)
    }
}

/// Reads any console file: a zip (by its magic bytes) or JSON. Uses the wall clock.
pub fn read_file(name: &str, bytes: &[u8]) -> FileReport {
    read_file_with(name, bytes, &ReadOptions::default())
}

/// [`read_file`] with explicit options.
pub fn read_file_with(name: &str, bytes: &[u8], opts: &ReadOptions) -> FileReport {
    if is_zip(bytes) {
        read_zip_with(name, bytes, opts)
    } else {
        read_json_with(name, bytes, opts)
    }
}

/// True when `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Reads one JSON console file (object, orderer cluster array, or bulk array). Uses the wall
/// clock.
pub fn read_json(name: &str, bytes: &[u8]) -> FileReport {
    read_json_with(name, bytes, &ReadOptions::default())
}

/// [`read_json`] with explicit options.
pub fn read_json_with(name: &str, bytes: &[u8], opts: &ReadOptions) -> FileReport {
    let mut cache = CertCache::default();
    let mut ck = Checker {
        file: name.to_owned(),
        now: opts.now,
        findings: Vec::new(),
        cache: &mut cache,
    };
    let artifacts = read_document(&mut ck, bytes, opts, name, None);
    let mut findings = ck.findings;
    cross_checks(&artifacts, name, &mut findings);
    finish(name, findings, with_summaries(artifacts))
}

/// The report: the artifacts (each with its summary) are accepted only when no finding is an
/// error.
fn finish(
    name: &str,
    findings: Vec<Finding>,
    artifacts: Vec<(Artifact, ArtifactSummary)>,
) -> FileReport {
    let ok = !findings.iter().any(Finding::is_error);
    let (accepted, summaries) = if ok {
        artifacts.into_iter().unzip()
    } else {
        (Vec::new(), Vec::new())
    };
    FileReport {
        file: name.to_owned(),
        findings,
        artifacts: summaries,
        accepted,
    }
}

fn with_summaries(artifacts: Vec<Artifact>) -> Vec<(Artifact, ArtifactSummary)> {
    artifacts
        .into_iter()
        .map(|a| {
            let summary = summarize(&a);
            (a, summary)
        })
        .collect()
}

/// Parses and checks one JSON document. `entry_stem` is the zip entry's file name without
/// `.json`, used to recover the component id.
fn read_document(
    ck: &mut Checker<'_>,
    bytes: &[u8],
    opts: &ReadOptions,
    source: &str,
    entry_stem: Option<&str>,
) -> Vec<Artifact> {
    let bytes = match to_utf8(bytes, opts.max_json_bytes) {
        Ok((text, warning)) => {
            if let Some(w) = warning {
                ck.findings.push(Finding::warning(ck.file.clone(), "", w));
            }
            text
        }
        Err(e) => {
            ck.findings.push(Finding::error(ck.file.clone(), "", e));
            return Vec::new();
        }
    };
    let value = match parse_strict(&bytes, opts.max_json_bytes) {
        Ok(v) => v,
        Err(p) => {
            ck.findings
                .push(Finding::error(ck.file.clone(), p.path(), p.problem()));
            return Vec::new();
        }
    };
    let bulk_id = |kind: ArtifactKind| -> Option<String> {
        let stem = entry_stem?;
        if kind == ArtifactKind::Identity {
            return None;
        }
        stem.strip_suffix(&format!("_{}", kind.file_suffix()))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match value {
        Value::Object(obj) => match detect(&obj) {
            Ok(kind) => ck
                .check_object(kind, obj, "$", source, bulk_id(kind))
                .into_iter()
                .collect(),
            Err(msg) => {
                ck.findings.push(Finding::error(ck.file.clone(), "$", msg));
                Vec::new()
            }
        },
        Value::Array(items) => read_array(ck, items, source),
        other => {
            let (found, t) = match other {
                Value::Null => ("null", "null"),
                Value::Bool(_) => ("boolean", "a boolean"),
                Value::Number(_) => ("number", "a number"),
                _ => ("string", "a string"),
            };
            ck.findings.push(Finding::error(
                ck.file.clone(),
                "$",
                Problem::new(
                    FindingCode::NotContainer,
                    &[("found", found)],
                    format!("expected a JSON object or array (a console file), found {t}"),
                ),
            ));
            Vec::new()
        }
    }
}

/// A JSON array: the ordering-service export (all nodes of one cluster) or a bulk import
/// array of mixed objects (§4.6).
fn read_array(ck: &mut Checker<'_>, items: Vec<Value>, source: &str) -> Vec<Artifact> {
    if items.is_empty() {
        ck.findings.push(Finding::error(
            ck.file.clone(),
            "$",
            Problem::new(
                FindingCode::EmptyArray,
                &[],
                "the array is empty: expected the nodes of an ordering service or a bulk list of components",
            ),
        ));
        return Vec::new();
    }
    let mut kinds = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index_path("$", i);
        match item {
            Value::Object(obj) => match detect(obj) {
                Ok(k) => kinds.push(Some(k)),
                Err(msg) => {
                    ck.findings.push(Finding::error(ck.file.clone(), path, msg));
                    kinds.push(None);
                }
            },
            _ => {
                ck.findings.push(Finding::error(
                    ck.file.clone(),
                    path,
                    Problem::new(
                        FindingCode::ArrayItemNotObject,
                        &[],
                        "expected an object (one component) in the array",
                    ),
                ));
                kinds.push(None);
            }
        }
    }
    let cluster_of = |v: &Value| {
        (
            v.get("cluster_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            v.get("cluster_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
        )
    };
    let one_cluster = kinds.iter().all(|k| *k == Some(ArtifactKind::Orderer))
        && items
            .windows(2)
            .all(|w| cluster_of(&w[0]) == cluster_of(&w[1]));
    let mut out = Vec::new();
    let mut nodes = Vec::new();
    for (i, (item, kind)) in items.into_iter().zip(kinds).enumerate() {
        let (Value::Object(obj), Some(kind)) = (item, kind) else {
            continue;
        };
        let base = index_path("$", i);
        let src = format!("{source}[{i}]");
        if let Some(a) = ck.check_object(kind, obj, &base, &src, None) {
            match a {
                Artifact::Orderer(o) if one_cluster => nodes.extend(o.nodes),
                other => out.push(other),
            }
        }
    }
    if one_cluster && !nodes.is_empty() {
        out.push(Artifact::Orderer(OrdererArtifact {
            source: source.to_owned(),
            nodes,
            is_array: true,
        }));
    }
    out
}

/// Checks across the artifacts of one file: duplicate wallet names (the console's bulk import
/// fails on them) and duplicate components (pitfall 6).
fn cross_checks<'a>(
    artifacts: impl IntoIterator<Item = &'a Artifact>,
    file: &str,
    findings: &mut Vec<Finding>,
) {
    // An element of a JSON array has the source `file[i]`: report it as `file` + `$[i].key`.
    let locate = |a: &Artifact, key: &str| -> (String, String) {
        let src = a.source();
        if let Some(index) = src
            .strip_prefix(file)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|r| r.parse::<usize>().ok())
        {
            (file.to_owned(), format!("$[{index}].{key}"))
        } else {
            (src.to_owned(), format!("$.{key}"))
        }
    };
    let mut seen: HashMap<(ArtifactKind, String), &str> = HashMap::new();
    for a in artifacts {
        let key = (a.kind(), a.display_name().to_owned());
        if let Some(first) = seen.get(&key) {
            if a.kind() == ArtifactKind::Identity {
                let (f, p) = locate(a, "name");
                findings.push(Finding::error(
                    f,
                    p,
                    Problem::new(
                        FindingCode::DuplicateIdentity,
                        &[("name", a.display_name()), ("other", first)],
                        format!(
                            "duplicate wallet identity name {:?} (also in {first}); wallet names must be unique",
                            a.display_name()
                        ),
                    ),
                ));
            } else {
                let (f, p) = locate(a, "display_name");
                findings.push(Finding::warning(
                    f,
                    p,
                    Problem::new(
                        FindingCode::DuplicateComponent,
                        &[
                            ("kind", a.kind().file_suffix()),
                            ("name", a.display_name()),
                            ("other", first),
                        ],
                        format!(
                            "{} {:?} appears twice (also in {first}); importing both would create two records",
                            a.kind().file_suffix(),
                            a.display_name()
                        ),
                    ),
                ));
            }
        } else {
            seen.insert(key, a.source());
        }
    }
}

/// Reads the console's bulk export zip (§4.6). Uses the wall clock.
pub fn read_zip(name: &str, bytes: &[u8]) -> FileReport {
    read_zip_with(name, bytes, &ReadOptions::default())
}

/// Raw entry names in central-directory order, or `None` when the directory cannot be walked
/// (the zip crate then reports the problem).
fn central_directory_names(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let min_eocd = 22;
    if bytes.len() < min_eocd {
        return None;
    }
    let search_from = bytes.len().saturating_sub(min_eocd + 65_535);
    let eocd = (search_from..=bytes.len() - min_eocd)
        .rev()
        .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let u16_at = |i: usize| -> Option<usize> {
        Some(u16::from_le_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]) as usize)
    };
    let u32_at = |i: usize| -> Option<usize> {
        let b = bytes.get(i..i + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let count = u16_at(eocd + 10)?;
    let cd_offset = u32_at(eocd + 16)?;
    if count == 0xffff || cd_offset == 0xffff_ffff {
        return None; // zip64
    }
    let mut names = Vec::with_capacity(count);
    let mut at = cd_offset;
    for _ in 0..count {
        if bytes.get(at..at + 4)? != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let name_len = u16_at(at + 28)?;
        let extra_len = u16_at(at + 30)?;
        let comment_len = u16_at(at + 32)?;
        names.push(bytes.get(at + 46..at + 46 + name_len)?.to_vec());
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// Why an entry name is refused.
fn entry_name_problem(raw: &[u8]) -> Option<Problem> {
    let refused = |code, message| Some(Problem::new(code, &[], message));
    let Ok(name) = std::str::from_utf8(raw) else {
        return refused(
            FindingCode::EntryNameNotUtf8,
            "the entry name is not valid UTF-8",
        );
    };
    if name.is_empty() {
        return refused(FindingCode::EntryNameEmpty, "the entry name is empty");
    }
    if name.chars().any(char::is_control) {
        return refused(
            FindingCode::EntryNameControl,
            "the entry name contains control characters",
        );
    }
    if name.contains('\\') {
        return refused(
            FindingCode::EntryNameBackslash,
            "the entry name contains a backslash (only '/' separates folders in a zip)",
        );
    }
    let b = name.as_bytes();
    if name.starts_with('/') || (b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic()) {
        return refused(
            FindingCode::EntryNameAbsolute,
            "the entry name is an absolute path",
        );
    }
    if name.split('/').any(|c| c == "..") {
        return refused(
            FindingCode::EntryNameTraversal,
            "the entry name contains a '..' component (path traversal)",
        );
    }
    None
}

fn display_entry_name(raw: &[u8]) -> String {
    String::from_utf8(raw.to_vec()).unwrap_or_else(|_| {
        raw.iter()
            .map(|&b| {
                if b.is_ascii() && !b.is_ascii_control() {
                    (b as char).to_string()
                } else {
                    format!("\\x{b:02x}")
                }
            })
            .collect()
    })
}

fn folder_kind(name: &str) -> Option<ArtifactKind> {
    [
        ArtifactKind::Ca,
        ArtifactKind::Msp,
        ArtifactKind::Identity,
        ArtifactKind::Peer,
        ArtifactKind::Orderer,
    ]
    .into_iter()
    .find(|k| name.starts_with(k.bulk_folder()))
}

struct Entry {
    label: String,
    name: String,
    bytes: Vec<u8>,
}

/// [`read_zip`] with explicit options. The archive is accepted only when every entry is; every
/// bad entry is reported.
pub fn read_zip_with(name: &str, bytes: &[u8], opts: &ReadOptions) -> FileReport {
    let lim = &opts.zip;
    let mut findings = Vec::new();
    let entry_label = |entry: &str| format!("{name}!/{entry}");
    if bytes.len() as u64 > lim.max_total_bytes {
        findings.push(Finding::error(
            name,
            "",
            Problem::new(
                FindingCode::ZipTooLarge,
                &[
                    ("size", &bytes.len().to_string()),
                    ("limit", &lim.max_total_bytes.to_string()),
                ],
                format!(
                    "zip is {} bytes; the limit is {} bytes",
                    bytes.len(),
                    lim.max_total_bytes
                ),
            ),
        ));
        return finish(name, findings, Vec::new());
    }
    let raw_names = central_directory_names(bytes);
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            findings.push(Finding::error(
                name,
                "",
                Problem::new(
                    FindingCode::ZipUnreadable,
                    &[("reason", &e.to_string())],
                    format!("not a readable zip archive ({e})"),
                ),
            ));
            return finish(name, findings, Vec::new());
        }
    };
    let count = raw_names
        .as_ref()
        .map_or(archive.len(), Vec::len)
        .max(archive.len());
    if count > lim.max_entries {
        findings.push(Finding::error(
            name,
            "",
            Problem::new(
                FindingCode::ZipTooManyEntries,
                &[
                    ("count", &count.to_string()),
                    ("limit", &lim.max_entries.to_string()),
                ],
                format!("zip has {count} entries; the limit is {}", lim.max_entries),
            ),
        ));
        return finish(name, findings, Vec::new());
    }
    // Duplicate names: the zip crate keeps only one of them, so look at the raw directory.
    let mut counts: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
    for n in raw_names.iter().flatten() {
        *counts.entry(n.clone()).or_default() += 1;
    }
    for (n, c) in &counts {
        if *c > 1 {
            findings.push(Finding::error(
                entry_label(&display_entry_name(n)),
                "",
                Problem::new(
                    FindingCode::ZipDuplicateEntry,
                    &[("count", &c.to_string())],
                    format!("duplicate entry name: the archive holds {c} entries with this name"),
                ),
            ));
        }
    }
    if archive.has_duplicate_names() && !counts.values().any(|c| *c > 1) {
        findings.push(Finding::error(
            name,
            "",
            Problem::new(
                FindingCode::ZipDuplicateNames,
                &[],
                "the archive holds duplicate entry names",
            ),
        ));
    }
    let mut total: u64 = 0;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let fallback_label = match archive.name_for_index(i) {
            Some(Ok(n)) => entry_label(&n),
            _ => format!("{name}!/#{i}"),
        };
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                let label = fallback_label;
                findings.push(Finding::error(
                    label,
                    "",
                    Problem::new(
                        FindingCode::EntryUnreadable,
                        &[("reason", &e.to_string())],
                        format!("entry cannot be read ({e})"),
                    ),
                ));
                continue;
            }
        };
        let raw = file.name_raw().to_vec();
        let shown = display_entry_name(&raw);
        let label = entry_label(&shown);
        if let Some(p) = entry_name_problem(&raw) {
            findings.push(Finding::error(label, "", p));
            continue;
        }
        if file.unix_mode().is_some_and(|m| m & 0o170_000 == 0o120_000) {
            findings.push(Finding::error(
                label,
                "",
                Problem::new(
                    FindingCode::EntrySymlink,
                    &[],
                    "entry is a symbolic link; links are refused",
                ),
            ));
            continue;
        }
        if file.encrypted() {
            findings.push(Finding::error(
                label,
                "",
                Problem::new(
                    FindingCode::EntryEncrypted,
                    &[],
                    "entry is encrypted; encrypted entries are refused",
                ),
            ));
            continue;
        }
        let is_dir = shown.ends_with('/');
        let compressed = file.compressed_size().max(1);
        let mut buf = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        let mut failed = None;
        loop {
            let n = match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    failed = Some(Problem::new(
                        FindingCode::EntryCorrupt,
                        &[("reason", &e.to_string())],
                        format!("entry cannot be decompressed ({e})"),
                    ));
                    break;
                }
            };
            buf.extend_from_slice(&chunk[..n]);
            total += n as u64;
            let out = buf.len() as u64;
            if out > lim.max_entry_bytes {
                failed = Some(Problem::new(
                    FindingCode::EntryTooLarge,
                    &[("limit", &lim.max_entry_bytes.to_string())],
                    format!(
                        "entry expands to more than {} bytes (the limit per entry); reading stopped",
                        lim.max_entry_bytes
                    ),
                ));
                break;
            }
            if out > lim.ratio_floor_bytes && out > compressed.saturating_mul(lim.max_ratio) {
                failed = Some(Problem::new(
                    FindingCode::EntryRatio,
                    &[
                        ("ratio", &lim.max_ratio.to_string()),
                        ("size", &out.to_string()),
                        ("compressed", &compressed.to_string()),
                    ],
                    format!(
                        "entry expands more than {}:1 ({out} bytes from {compressed} compressed so far): refused as a zip bomb",
                        lim.max_ratio
                    ),
                ));
                break;
            }
            if total > lim.max_total_bytes {
                failed = Some(Problem::new(
                    FindingCode::ZipExpandsTooLarge,
                    &[("limit", &lim.max_total_bytes.to_string())],
                    format!(
                        "the archive expands to more than {} bytes in total (the limit); reading stopped",
                        lim.max_total_bytes
                    ),
                ));
                break;
            }
            if total > lim.ratio_floor_bytes
                && total > (bytes.len() as u64).saturating_mul(lim.max_ratio)
            {
                failed = Some(Problem::new(
                    FindingCode::ZipRatio,
                    &[
                        ("ratio", &lim.max_ratio.to_string()),
                        ("size", &total.to_string()),
                        ("zipSize", &bytes.len().to_string()),
                    ],
                    format!(
                        "the archive expands more than {}:1 ({total} bytes from a {}-byte zip): refused as a zip bomb",
                        lim.max_ratio,
                        bytes.len()
                    ),
                ));
                break;
            }
        }
        if let Some(f) = failed {
            findings.push(Finding::error(label, "", f));
            if total > lim.max_total_bytes {
                break;
            }
            continue;
        }
        if is_dir {
            if !buf.is_empty() {
                findings.push(Finding::error(
                    label,
                    "",
                    Problem::new(
                        FindingCode::FolderHasContent,
                        &[],
                        "folder entry has content",
                    ),
                ));
            }
            continue;
        }
        let base = shown.rsplit('/').next().unwrap_or(&shown);
        if shown.starts_with("__MACOSX/")
            || base.starts_with('.')
            || !base.to_ascii_lowercase().ends_with(".json")
        {
            findings.push(Finding::warning(
                label,
                "",
                Problem::new(
                    FindingCode::EntryIgnored,
                    &[],
                    "ignored: not a console .json file",
                ),
            ));
            continue;
        }
        entries.push(Entry {
            label,
            name: shown,
            bytes: buf,
        });
    }
    let artifacts = check_entries(entries, opts, &mut findings);
    cross_checks(artifacts.iter().map(|(a, _)| a), name, &mut findings);
    finish(name, findings, artifacts)
}

/// What one zip entry gave: its findings and its artifacts with their summaries.
type Checked = (Vec<Finding>, Vec<(Artifact, ArtifactSummary)>);

fn check_entries(
    entries: Vec<Entry>,
    opts: &ReadOptions,
    findings: &mut Vec<Finding>,
) -> Vec<(Artifact, ArtifactSummary)> {
    // Entries are independent: check them on all cores, each worker taking the next entry as
    // it becomes free (entries differ a lot in cost) with its own cert cache, then put the
    // results back in archive order.
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(entries.len().max(1));
    let check_one = |cache: &mut CertCache, e: &Entry| -> Checked {
        let mut ck = Checker {
            file: e.label.clone(),
            now: opts.now,
            findings: Vec::new(),
            cache,
        };
        let base = e.name.rsplit('/').next().unwrap_or(&e.name);
        let stem = &base[..base.len() - 5];
        let arts = read_document(&mut ck, &e.bytes, opts, &e.label, Some(stem));
        let mut f = ck.findings;
        if let (Some(folder), Some(a)) = (folder_kind(&e.name), arts.first()) {
            if a.kind() != folder {
                f.push(Finding::warning(
                    e.label.clone(),
                    "",
                    Problem::new(
                        FindingCode::EntryWrongFolder,
                        &[
                            ("folder", folder.bulk_folder()),
                            ("kind", a.kind().file_suffix()),
                        ],
                        format!(
                            "entry is in '{}' but holds a {} file",
                            folder.bulk_folder(),
                            a.kind().file_suffix()
                        ),
                    ),
                ));
            }
        }
        (f, with_summaries(arts))
    };
    let results: Vec<Checked> = if workers <= 1 || entries.len() < 64 {
        let mut cache = CertCache::default();
        entries.iter().map(|e| check_one(&mut cache, e)).collect()
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            let mut cache = CertCache::default();
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(e) = entries.get(i) else { break };
                done.push((i, check_one(&mut cache, e)));
            }
            done
        };
        let mut slots: Vec<Option<Checked>> = Vec::new();
        slots.resize_with(entries.len(), || None);
        let mut lost = false;
        std::thread::scope(|s| {
            // This thread is one of the workers: what it builds is also freed here, by the
            // caller, which is cheaper than freeing another thread's allocations.
            let helpers: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
            let own = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let done = std::iter::once(own).chain(helpers.into_iter().map(|h| h.join()));
            for result in done {
                match result {
                    Ok(done) => {
                        for (i, checked) in done {
                            slots[i] = Some(checked);
                        }
                    }
                    Err(_) => lost = true,
                }
            }
        });
        if lost {
            findings.push(Finding::error(
                "",
                "",
                Problem::new(
                    FindingCode::InternalError,
                    &[],
                    "internal error while checking the entries",
                ),
            ));
        }
        slots.into_iter().flatten().collect()
    };
    let mut artifacts = Vec::new();
    for (f, a) in results {
        findings.extend(f);
        artifacts.extend(a);
    }
    artifacts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        let code = |raw: &[u8]| entry_name_problem(raw).map(|p| p.code);
        assert!(entry_name_problem(b"Peers/a.json").is_none());
        assert!(entry_name_problem(b"Wallet/Org1 Admin_identity.json").is_none());
        assert!(entry_name_problem(b"../x.json").is_some_and(|p| p.message.contains("..")));
        assert_eq!(
            code(b"Peers/../../x.json"),
            Some(FindingCode::EntryNameTraversal)
        );
        assert!(entry_name_problem(b"/etc/x.json").is_some_and(|p| p.message.contains("absolute")));
        assert_eq!(code(b"C:/x.json"), Some(FindingCode::EntryNameAbsolute));
        assert_eq!(code(b"C:\\x.json"), Some(FindingCode::EntryNameBackslash));
        assert_eq!(
            code(b"Peers/\xff.json"),
            Some(FindingCode::EntryNameNotUtf8)
        );
    }
}
