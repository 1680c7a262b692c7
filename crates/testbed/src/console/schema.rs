//! A small port of the console's OpenAPI body validator: the same checks, in the same order,
//! with the same message templates, so every 400 lists what the real console would list.

use serde_json::Value;

use super::certs;

/// The JSON types the validator distinguishes (JavaScript's constructor names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Object,
    Array,
    String,
    Number,
    Boolean,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Object => "object",
            Ty::Array => "array",
            Ty::String => "string",
            Ty::Number => "number",
            Ty::Boolean => "boolean",
        }
    }
}

/// A string rule: `ok` returns whether the value passes; `message` is the error template key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pattern {
    ok: fn(&str) -> bool,
    message: &'static str,
}

/// One node of a request body schema.
#[derive(Debug, Clone)]
pub(crate) struct Schema {
    ty: Ty,
    required: Vec<&'static str>,
    props: Vec<(&'static str, Schema)>,
    no_extra_keys: bool,
    illegal_keys: Vec<&'static str>,
    items: Option<Box<Schema>>,
    min_len: Option<usize>,
    max_len: Option<usize>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    enum_values: Vec<&'static str>,
    pattern: Option<Pattern>,
    illegal_values: Vec<&'static str>,
    certificate: bool,
    known_host: bool,
}

impl Schema {
    fn of(ty: Ty) -> Self {
        Self {
            ty,
            required: Vec::new(),
            props: Vec::new(),
            no_extra_keys: false,
            illegal_keys: Vec::new(),
            items: None,
            min_len: None,
            max_len: None,
            minimum: None,
            maximum: None,
            enum_values: Vec::new(),
            pattern: None,
            illegal_values: Vec::new(),
            certificate: false,
            known_host: false,
        }
    }

    pub(crate) fn object() -> Self {
        Self::of(Ty::Object)
    }

    pub(crate) fn string() -> Self {
        Self::of(Ty::String)
    }

    pub(crate) fn number() -> Self {
        Self::of(Ty::Number)
    }

    pub(crate) fn boolean() -> Self {
        Self::of(Ty::Boolean)
    }

    pub(crate) fn array(items: Schema) -> Self {
        let mut schema = Self::of(Ty::Array);
        schema.items = Some(Box::new(items));
        schema
    }

    /// A base64-encoded PEM certificate string.
    pub(crate) fn cert() -> Self {
        let mut schema = Self::string();
        schema.certificate = true;
        schema
    }

    pub(crate) fn required(mut self, keys: &[&'static str]) -> Self {
        self.required.extend_from_slice(keys);
        self
    }

    pub(crate) fn prop(mut self, key: &'static str, schema: Schema) -> Self {
        self.props.push((key, schema));
        self
    }

    pub(crate) fn strict(mut self) -> Self {
        self.no_extra_keys = true;
        self
    }

    pub(crate) fn illegal_keys(mut self, keys: &[&'static str]) -> Self {
        self.illegal_keys.extend_from_slice(keys);
        self
    }

    pub(crate) fn min_len(mut self, n: usize) -> Self {
        self.min_len = Some(n);
        self
    }

    pub(crate) fn max_len(mut self, n: usize) -> Self {
        self.max_len = Some(n);
        self
    }

    pub(crate) fn range(mut self, minimum: f64, maximum: f64) -> Self {
        self.minimum = Some(minimum);
        self.maximum = Some(maximum);
        self
    }

    pub(crate) fn one_of(mut self, values: &[&'static str]) -> Self {
        self.enum_values.extend_from_slice(values);
        self
    }

    pub(crate) fn pattern(mut self, ok: fn(&str) -> bool, message: &'static str) -> Self {
        self.pattern = Some(Pattern { ok, message });
        self
    }

    pub(crate) fn illegal_values(mut self, values: &[&'static str]) -> Self {
        self.illegal_values.extend_from_slice(values);
        self
    }

    pub(crate) fn known_host(mut self) -> Self {
        self.known_host = true;
        self
    }
}

/// What the validator needs besides the schema.
pub(crate) struct Context<'a> {
    /// The whole request body (the known-host rule reads a sibling `port`).
    pub(crate) body: &'a Value,
    /// Edits report illegal keys as "not editable" instead of "automatically populated".
    pub(crate) is_edit: bool,
    /// Whether `host:port` belongs to a CA known to this console.
    pub(crate) is_known_host: &'a dyn Fn(&str) -> bool,
}

/// Validates `input` and returns every message, in the console's order.
pub(crate) fn validate(schema: &Schema, input: &Value, ctx: &Context<'_>) -> Vec<String> {
    let mut errors = Vec::new();
    check(&[], input, schema, ctx, &mut errors);
    errors
}

/// The console's type name for a JSON value (`null` counts as an object, as in JavaScript).
pub(crate) fn js_type(value: &Value) -> &'static str {
    match value {
        Value::Null | Value::Object(_) => "object",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
    }
}

/// JavaScript's `String(value)`, which the console's regex checks see for non-strings.
fn js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

fn name(path: &[String]) -> String {
    path.join(".")
}

fn child(path: &[String], key: &str) -> Vec<String> {
    let mut out = path.to_vec();
    out.push(key.to_owned());
    out
}

fn choices(values: &[&str]) -> String {
    format!("'{}'", values.join("', '"))
}

/// Whether the value passes a `number` type check: numbers, and strings holding one (the
/// console accepts `"443"` for a port).
fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if !s.trim().is_empty() => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

fn regex_message(key: &str, field: &str) -> String {
    match key {
        "regex_fail_full_url" => format!(
            "The field '{field}' must be a url including the protocol, hostname/ip and port."
        ),
        "regex_invalid_msp_id" => format!(
            "The field '{field}' can only contain alphanumerics characters, dashes, and dots."
        ),
        "regex_invalid_enroll_chars" => format!(
            "The field '{field}' cannot contain white space or these characters :\\<>#{{}}%`[]\\^~|\""
        ),
        "regex_fail_valid_id" => format!(
            "The field '{field}' must start with a letter, be lowercase and only contain letters, numbers, dashes or underscores."
        ),
        _ => format!("Parameter '{field}' is malformed."),
    }
}

fn check(path: &[String], input: &Value, spec: &Schema, ctx: &Context<'_>, out: &mut Vec<String>) {
    let field = name(path);

    for key in &spec.required {
        let present = matches!(input, Value::Object(map) if map.contains_key(*key));
        if !present {
            out.push(format!(
                "Expected parameter '{}' to exist.",
                name(&child(path, key))
            ));
        }
    }

    let actual = js_type(input);
    let type_ok = match spec.ty {
        Ty::Number => numeric(input).is_some(),
        ty => ty.name() == actual,
    };
    if !type_ok {
        out.push(format!(
            "Expected parameter '{field}' to be of type: '{}', but instead was: '{actual}'.",
            spec.ty.name()
        ));
    }

    if let (Ty::Object, Value::Object(map)) = (spec.ty, input) {
        for (key, prop) in &spec.props {
            if let Some(value) = map.get(*key) {
                check(&child(path, key), value, prop, ctx, out);
            }
        }
    }

    if let (Ty::Array, Value::Array(items), Some(item_spec)) = (spec.ty, input, &spec.items) {
        for (i, item) in items.iter().enumerate() {
            let mut item_path = path.to_vec();
            match item_path.last_mut() {
                Some(last) => last.push_str(&format!("[{i}]")),
                None => item_path.push(format!("[{i}]")),
            }
            check(&item_path, item, item_spec, ctx, out);
        }
    }

    if spec.ty == Ty::Number {
        if let Some(n) = numeric(input) {
            if let Some(min) = spec.minimum.filter(|min| n < *min) {
                out.push(format!(
                    "Parameter '{field}' is out of range. Must be >= {min}."
                ));
            }
            if let Some(max) = spec.maximum.filter(|max| n > *max) {
                out.push(format!(
                    "Parameter '{field}' is out of range. Must be <= {max}."
                ));
            }
        }
    }

    if !spec.enum_values.is_empty() {
        let listed = matches!(input, Value::String(s) if spec.enum_values.contains(&s.as_str()));
        if !listed {
            out.push(format!(
                "Expected parameter '{field}' to be one of these values: {}.",
                choices(&spec.enum_values)
            ));
        }
    }

    if spec.ty == Ty::String {
        if let Some(pattern) = spec.pattern {
            if !(pattern.ok)(&js_string(input)) {
                out.push(regex_message(pattern.message, &field));
            }
        }
    }

    if let (Ty::Object, Value::Object(map)) = (spec.ty, input) {
        let mut reported: Vec<String> = Vec::new();
        for key in &spec.illegal_keys {
            if map.contains_key(*key) {
                let full = name(&child(path, key));
                let message = if ctx.is_edit {
                    format!(
                        "Parameter '{full}' is either never editable or not editable via this api."
                    )
                } else {
                    format!("Parameter '{full}' is automatically populated. It can not be set.")
                };
                out.push(message);
                reported.push(full);
            }
        }
        if spec.no_extra_keys {
            for key in map.keys() {
                let known = key == "type" || spec.props.iter().any(|(k, _)| k == key);
                let full = name(&child(path, key));
                if !known && !reported.contains(&full) {
                    out.push(format!("Parameter '{full}' is an unknown key for object."));
                    reported.push(full);
                }
            }
        }
    }

    if let (Ty::String, Value::String(s)) = (spec.ty, input) {
        let len = s.encode_utf16().count();
        if let Some(min) = spec.min_len.filter(|min| len < *min) {
            out.push(format!(
                "Expected parameter '{field}' is too short. Must be >= {min} characters."
            ));
        }
        if let Some(max) = spec.max_len.filter(|max| len > *max) {
            out.push(format!(
                "Expected parameter '{field}' is too long. Must be <= {max} characters."
            ));
        }
        if spec.illegal_values.contains(&s.as_str()) {
            out.push(format!(
                "Parameter '{field}' cannot be any of these values: {}.",
                choices(&spec.illegal_values)
            ));
        }
    }

    if spec.ty == Ty::String
        && spec.certificate
        && certs::parse_b64_pem(&js_string(input)).is_none()
    {
        out.push(format!(
            "Expected parameter '{field}' to be a Base64 encoded PEM-string."
        ));
    }

    if let (Ty::Array, Value::Array(items)) = (spec.ty, input) {
        if let Some(min) = spec.min_len.filter(|min| items.len() < *min) {
            out.push(format!(
                "Expected parameter '{field}' is too small. Array must have >= {min} element(s)."
            ));
        }
        if let Some(max) = spec.max_len.filter(|max| items.len() > *max) {
            out.push(format!(
                "Expected parameter '{field}' is too large. Array must have <= {max} element(s)."
            ));
        }
    }

    if spec.known_host && truthy(input) && !host_is_known(path, input, ctx) {
        out.push(format!(
            "The parameter '{field}' was not found in the list of known URLs. Import a CA using this host & port or change the host and port in this request to a known one"
        ));
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `host` fields may carry their port (`host:7054`); otherwise the sibling `port` (or v2
/// `caport`) completes them, as the console does.
fn host_is_known(path: &[String], input: &Value, ctx: &Context<'_>) -> bool {
    let host = js_string(input);
    let has_port = host.rsplit_once(':').is_some_and(|(_, port)| {
        (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit())
    });
    let url = if has_port {
        host
    } else {
        let parent = path.get(..path.len().saturating_sub(1)).unwrap_or(&[]);
        let mut node = ctx.body;
        for segment in parent {
            node = node.get(segment).unwrap_or(&Value::Null);
        }
        let port = node
            .get("port")
            .or_else(|| node.get("caport"))
            .map_or_else(|| "null".to_owned(), js_string);
        format!("{host}:{port}")
    };
    (ctx.is_known_host)(&url.to_ascii_lowercase())
}

/// `^https?://[\w.~-]+(:\d{1,5})?$` (case-insensitive): protocol, host, optional port, nothing
/// more.
pub(crate) fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    host_port(rest, false)
}

/// `^grpcs?://[\w.~-]+:\d{1,5}$` (case-insensitive): the port is mandatory.
pub(crate) fn is_grpc_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("grpcs://")
        .or_else(|| lower.strip_prefix("grpc://"))
    else {
        return false;
    };
    host_port(rest, true)
}

/// `^\w+://[\w.~-]+:\d{1,5}$`: any protocol, host and port.
pub(crate) fn is_any_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    !scheme.is_empty() && scheme.chars().all(is_word) && host_port(rest, true)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn host_port(rest: &str, port_required: bool) -> bool {
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| is_word(c) || c == '.' || c == '~' || c == '-');
    let port_ok = match port {
        Some(port) => (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit()),
        None => !port_required,
    };
    host_ok && port_ok
}

/// `^[a-z][a-z0-9_-]+$`
pub(crate) fn is_valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() >= 2
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// MSP ids may only hold `[a-zA-Z0-9.-]`.
pub(crate) fn is_valid_msp_id(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Enroll ids and secrets may not hold white space or ``:/<>#{}%`[]\^~|"``.
pub(crate) fn is_valid_enroll_value(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_whitespace() || ":/<>#{}%`[]\\^~|\"".contains(c))
}
