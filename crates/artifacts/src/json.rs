//! Strict JSON: a parser that refuses duplicate keys (serde_json keeps the last one silently),
//! the console's writer (sorted keys, 4-space indent, no trailing newline) and JSON paths.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::report::{FindingCode, Problem};

/// Largest JSON file accepted (10 MiB); bigger files are refused before parsing.
pub const MAX_JSON_BYTES: usize = 10 * 1024 * 1024;

/// One step of a JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a JSON path: `$`, `$.msp.ca.root_certs[0]`, `$["odd key"]`.
pub(crate) fn render_path(segs: &[Seg]) -> String {
    let mut out = String::from("$");
    for s in segs {
        push_seg(&mut out, s);
    }
    out
}

/// Appends one step to a rendered path.
pub(crate) fn push_seg(out: &mut String, seg: &Seg) {
    use std::fmt::Write;
    match seg {
        Seg::Index(i) => {
            let _ = write!(out, "[{i}]");
        }
        Seg::Key(k) => {
            let plain = !k.is_empty()
                && !k.starts_with(|c: char| c.is_ascii_digit())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if plain {
                out.push('.');
                out.push_str(k);
            } else {
                out.push('[');
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(']');
            }
        }
    }
}

/// `base` + `.key`.
pub(crate) fn key_path(base: &str, key: &str) -> String {
    let mut s = base.to_owned();
    push_seg(&mut s, &Seg::Key(key.to_owned()));
    s
}

/// `base` + `[i]`.
pub(crate) fn index_path(base: &str, i: usize) -> String {
    let mut s = base.to_owned();
    push_seg(&mut s, &Seg::Index(i));
    s
}

/// Why a document was refused by [`parse_strict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonProblem {
    /// Bigger than the cap.
    TooLarge { size: usize, limit: usize },
    /// Syntax (or encoding) error at a position.
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// The same key twice in one object.
    DuplicateKey {
        path: String,
        key: String,
        line: usize,
        column: usize,
    },
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonProblem::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes; the limit for a JSON file is {limit} bytes ({} MiB), refused before parsing",
                limit / (1024 * 1024)
            ),
            JsonProblem::Syntax {
                message,
                line,
                column,
            } => write!(f, "invalid JSON at line {line}, column {column}: {message}"),
            JsonProblem::DuplicateKey {
                key, line, column, ..
            } => write!(
                f,
                "duplicate key {} at line {line}, column {column} (a JSON object may name a key only once)",
                Value::String(key.clone())
            ),
        }
    }
}

impl JsonProblem {
    /// The problem as a finding's sentence.
    pub(crate) fn problem(&self) -> Problem {
        let (code, params) = match self {
            JsonProblem::TooLarge { size, limit } => (
                FindingCode::JsonTooLarge,
                vec![
                    ("size", size.to_string()),
                    ("limit", limit.to_string()),
                    ("mib", (limit / (1024 * 1024)).to_string()),
                ],
            ),
            JsonProblem::Syntax {
                message,
                line,
                column,
            } => (
                FindingCode::JsonSyntax,
                vec![
                    ("line", line.to_string()),
                    ("column", column.to_string()),
                    ("reason", message.clone()),
                ],
            ),
            JsonProblem::DuplicateKey {
                key, line, column, ..
            } => (
                FindingCode::JsonDuplicateKey,
                vec![
                    ("key", key.clone()),
                    ("line", line.to_string()),
                    ("column", column.to_string()),
                ],
            ),
        };
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Problem::new(code, &params, self.to_string())
    }

    /// The JSON path the problem is at (`$` when not known).
    pub(crate) fn path(&self) -> String {
        match self {
            JsonProblem::DuplicateKey { path, .. } => path.clone(),
            JsonProblem::TooLarge { .. } => String::new(),
            JsonProblem::Syntax { .. } => "$".to_owned(),
        }
    }
}

/// Side channel for the duplicate-key error: the key and the path, built on the way back up.
#[derive(Default)]
struct DupState {
    found: Option<(String, Vec<Seg>)>,
}

struct ValueSeed<'a> {
    dup: &'a RefCell<DupState>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            match seq.next_element_seed(ValueSeed { dup: self.dup }) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => break,
                Err(e) => {
                    if let Some((_, path)) = self.dup.borrow_mut().found.as_mut() {
                        path.push(Seg::Index(out.len()));
                    }
                    return Err(e);
                }
            }
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One search per key: the slot is found before the value is parsed.
            let slot = match out.entry(key) {
                serde_json::map::Entry::Vacant(slot) => slot,
                serde_json::map::Entry::Occupied(taken) => {
                    let key = taken.key().clone();
                    self.dup.borrow_mut().found = Some((key.clone(), vec![Seg::Key(key)]));
                    return Err(de::Error::custom("duplicate key"));
                }
            };
            match map.next_value_seed(ValueSeed { dup: self.dup }) {
                Ok(v) => {
                    slot.insert(v);
                }
                Err(e) => {
                    if let Some((_, path)) = self.dup.borrow_mut().found.as_mut() {
                        path.push(Seg::Key(slot.key().clone()));
                    }
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Parses `bytes` as one JSON document, refusing duplicate keys, files over `limit` bytes and
/// trailing garbage. The caller decodes the text to UTF-8 first (`text::to_utf8`).
pub(crate) fn parse_strict(bytes: &[u8], limit: usize) -> Result<Value, JsonProblem> {
    if bytes.len() > limit {
        return Err(JsonProblem::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let dup = RefCell::new(DupState::default());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = ValueSeed { dup: &dup }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match result {
        Ok(v) => Ok(v),
        Err(e) => {
            let (line, column) = (e.line(), e.column());
            if let Some((key, mut segs)) = dup.into_inner().found {
                segs.reverse();
                return Err(JsonProblem::DuplicateKey {
                    path: render_path(&segs),
                    key,
                    line,
                    column,
                });
            }
            let full = e.to_string();
            let suffix = format!(" at line {line} column {column}");
            let mut message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            if message == "invalid unicode code point" {
                message.push_str(" (the file is not valid UTF-8 here)");
            }
            Err(JsonProblem::Syntax {
                message,
                line,
                column,
            })
        }
    }
}

/// Writes `value` the way the console's export does: keys sorted (by UTF-16 code units, as
/// JavaScript's `sort()` does) at every level, 4-space indentation, `JSON.stringify` escaping,
/// no trailing newline.
pub fn to_console_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    write_pretty(&mut out, value, 0);
    out
}

/// Appends [`to_console_json`] of the object `m` with its top-level keys in `skip` left out
/// and each `(key, value)` of `missing` added when `m` lacks the key, without copying `m`.
pub(crate) fn write_console_object(
    out: &mut Vec<u8>,
    m: &Map<String, Value>,
    skip: &[&str],
    missing: &[(&str, &Value)],
) {
    let mut entries: Vec<(&str, &Value)> = m
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    entries.extend(
        missing
            .iter()
            .filter(|(k, _)| !m.contains_key(*k) && !skip.contains(k)),
    );
    entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    if entries.is_empty() {
        out.extend_from_slice(b"{}");
        return;
    }
    out.push(b'{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        indent(out, 1);
        write_str(out, k);
        out.extend_from_slice(b": ");
        write_pretty(out, v, 1);
    }
    indent(out, 0);
    out.push(b'}');
}

/// Compact canonical form (sorted keys, no whitespace) used for hashing.
pub(crate) fn to_canonical_compact(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(m) => {
            out.push(b'{');
            for (i, (k, v)) in sorted_entries(m).into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                to_canonical_compact(v, out);
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                to_canonical_compact(v, out);
            }
            out.push(b']');
        }
        other => write_scalar(out, other),
    }
}

/// [`to_canonical_compact`] of an object, leaving out the top-level keys in `skip`.
pub(crate) fn to_canonical_compact_map(m: &Map<String, Value>, skip: &[&str], out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    for (k, v) in sorted_entries(m) {
        if skip.contains(&k.as_str()) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        write_str(out, k);
        out.push(b':');
        to_canonical_compact(v, out);
    }
    out.push(b'}');
}

fn sorted_entries(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = m.iter().collect();
    // Maps usually iterate in byte order already, and byte order is UTF-16 order unless a key
    // holds a character beyond U+FFFF (UTF-16 sorts its surrogates below U+E000..U+FFFF).
    let in_utf16_order = entries
        .windows(2)
        .all(|w| w[0].0.as_bytes() < w[1].0.as_bytes())
        && entries.iter().all(|(k, _)| k.bytes().all(|b| b < 0xF0));
    if !in_utf16_order {
        entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    }
    entries
}

fn indent(out: &mut Vec<u8>, level: usize) {
    out.push(b'\n');
    for _ in 0..level {
        out.extend_from_slice(b"    ");
    }
}

fn write_pretty(out: &mut Vec<u8>, value: &Value, level: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push(b'{');
            for (i, (k, v)) in sorted_entries(m).into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                indent(out, level + 1);
                write_str(out, k);
                out.extend_from_slice(b": ");
                write_pretty(out, v, level + 1);
            }
            indent(out, level);
            out.push(b'}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push(b'[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                indent(out, level + 1);
                write_pretty(out, v, level + 1);
            }
            indent(out, level);
            out.push(b']');
        }
        Value::Object(_) => out.extend_from_slice(b"{}"),
        Value::Array(_) => out.extend_from_slice(b"[]"),
        other => write_scalar(out, other),
    }
}

fn write_scalar(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => write_str(out, s),
        Value::Array(_) | Value::Object(_) => to_canonical_compact(value, out),
    }
}

/// `JSON.stringify` string escaping: `"`, `\` and control characters only.
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0x08 => Some(b"\\b"),
            0x0c => Some(b"\\f"),
            _ => None,
        };
        if esc.is_none() && b >= 0x20 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match esc {
            Some(e) => out.extend_from_slice(e),
            None => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_with_path() {
        let doc = br#"{"a": {"b": [1, {"c": 1, "c": 2}]}}"#;
        match parse_strict(doc, MAX_JSON_BYTES).unwrap_err() {
            JsonProblem::DuplicateKey {
                path, key, line, ..
            } => {
                assert_eq!(path, "$.a.b[1].c");
                assert_eq!(key, "c");
                assert_eq!(line, 1);
            }
            other => panic!("{other:?}"),
        }
        let top = br#"{"x": 1, "x": 1}"#;
        assert_eq!(parse_strict(top, 100).unwrap_err().path(), "$.x");
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let doc = b"{\n  \"a\": 1,\n  \"b\": \n";
        match parse_strict(doc, MAX_JSON_BYTES).unwrap_err() {
            JsonProblem::Syntax {
                line,
                column,
                message,
            } => {
                assert_eq!(line, 4);
                assert_eq!(column, 0);
                assert!(message.contains("EOF"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_strict(b"{} x", 100).unwrap_err(),
            JsonProblem::Syntax { .. }
        ));
    }

    #[test]
    fn size_cap() {
        let err = parse_strict(b"[1,2,3]", 3).unwrap_err();
        assert!(err.to_string().contains("7 bytes"), "{err}");
    }

    #[test]
    fn writer_matches_json_stringify() {
        let v: Value = serde_json::from_str(
            r#"{"b": [1, "x\u0001\"\\/é"], "a": {}, "c": [], "A": {"z": null, "y": true}}"#,
        )
        .unwrap();
        let out = String::from_utf8(to_console_json(&v)).unwrap();
        let expected = "{\n    \"A\": {\n        \"y\": true,\n        \"z\": null\n    },\n    \"a\": {},\n    \"b\": [\n        1,\n        \"x\\u0001\\\"\\\\/é\"\n    ],\n    \"c\": []\n}";
        assert_eq!(out, expected);
        let mut compact = Vec::new();
        to_canonical_compact(&v, &mut compact);
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            r#"{"A":{"y":true,"z":null},"a":{},"b":[1,"x\u0001\"\\/é"],"c":[]}"#
        );
    }

    #[test]
    fn an_edited_object_is_written_as_its_edited_copy() {
        let v: Value = serde_json::from_str(
            r#"{"id": "x", "b": [1, {"z": null}], "\ud83d\ude00": 2, "\uff21": {}, "a": "q"}"#,
        )
        .unwrap();
        let m = v.as_object().unwrap();
        let empty = Value::String(String::new());
        let mut copy = m.clone();
        copy.remove("id");
        copy.insert("assoc".to_owned(), empty.clone());
        let mut out = Vec::new();
        write_console_object(&mut out, m, &["id"], &[("assoc", &empty), ("a", &empty)]);
        assert_eq!(out, to_console_json(&Value::Object(copy)));
        let mut none = Vec::new();
        write_console_object(
            &mut none,
            m,
            &["id", "b", "\u{1F600}", "\u{FF21}", "a"],
            &[],
        );
        assert_eq!(none, b"{}");
    }

    #[test]
    fn keys_sort_by_utf16_units_beyond_the_bmp() {
        // U+1F600 is D83D DE00 in UTF-16: before U+FF21, although after it in UTF-8.
        let v: Value = serde_json::from_str(r#"{"\uff21": 1, "\ud83d\ude00": 2, "a": 3}"#).unwrap();
        let mut compact = Vec::new();
        to_canonical_compact(&v, &mut compact);
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            "{\"a\":3,\"\u{1F600}\":2,\"\u{FF21}\":1}"
        );
    }

    #[test]
    fn paths_render() {
        assert_eq!(key_path("$", "msp"), "$.msp");
        assert_eq!(key_path("$", "a b"), "$[\"a b\"]");
        assert_eq!(index_path("$.x", 2), "$.x[2]");
    }
}
