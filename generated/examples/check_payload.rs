//! Checks a captured Graph response body against the generated models and the metadata they
//! were generated from.
//!
//! ```text
//! cargo run -p graph-vpptoken --example check_payload -- <v1.0|beta> <type> <file.json|->
//! ```
//!
//! `<type>` is the CSDL name of an entity or complex type (`vppToken`,
//! `vppTokenLicenseSummary`, …) or its qualified name (`microsoft.graph.vppToken`); `-` reads
//! the body from standard input. The body may be a collection response `{"value": [...]}`, a
//! single entity wrapped as `{"value": {...}}` (as the documentation shows some responses; the
//! response parsers unwrap it by the same rule), a bare object or a bare array; each item is
//! checked on its own.
//!
//! For each item the program
//!
//! 1. deserializes it into the generated type (the one its `@odata.type` names, when that is
//!    the given type or derived from it) and serializes it back, and compares the result with
//!    the input as JSON values whose numbers are compared by their exact text (`1.0` is not
//!    `1`, `1e400` is kept): any difference is listed with its JSON path
//!    (`lossy round trip: …`);
//! 2. walks the JSON with the metadata and lists what the metadata does not know but the models
//!    keep: properties (`unknown property: …`), `@odata.type` values that name no type of the
//!    metadata (`unknown @odata.type: …`) or a type that is not the declared type or derived
//!    from it (`unexpected @odata.type: …`), and enum members (`unknown enum member: …`; for a
//!    flags enum, each unknown member of the comma-separated set). Instance annotations
//!    (`@odata.context`, `displayName@odata.type`, …) are not properties;
//! 3. lists any value that did not decode, with its JSON path (`decode failure: …`).
//!
//! A last line sums up, such as `ok: 3 items, lossless round trip`.
//!
//! JSON paths name object members with `.` and array items with `[n]`, starting from the body
//! (`value[0].tokenActionResults[1].actionState`); `.` is the body itself.
//!
//! The body is read as the response parsers read it: a UTF-8 byte order mark is skipped, and a
//! body they refuse (invalid JSON, reported as `file:line:column`, or an object with two
//! members of one name, reported with its path) is refused here.
//!
//! # Exit status
//!
//! - `0`: every item decoded, the round trip is lossless and nothing is unknown to the metadata;
//! - `1`: every item decoded and the round trip is lossless, but something is unknown to the
//!   metadata (and kept by the models);
//! - `2`: something is wrong: a value did not decode or the round trip is lossy, or the program
//!   could not check at all (bad arguments, an unknown version or type, a version whose cargo
//!   feature is off, an unreadable file, invalid JSON). The latter print `error: …` on standard
//!   error; findings go to standard output.

use std::io::Read;
use std::process::ExitCode;

use graph_vpptoken::runtime::json::odata_type_is;
use graph_vpptoken::runtime::request::is_annotation;
use graph_vpptoken::runtime::schema::{DecodeError, PropertyInfo, Schema, TypeInfo};
use serde_json::value::RawValue;

const USAGE: &str = "usage: check_payload <v1.0|beta> <type> <file.json|->";

/// The exit status when something is unknown to the metadata but kept.
const EXIT_UNKNOWN: u8 = 1;
/// The exit status of a decode failure, a lossy round trip, or a check that could not run.
const EXIT_FAILED: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(outcome) => {
            for line in &outcome.lines {
                println!("{line}");
            }
            println!("{}", outcome.summary());
            ExitCode::from(outcome.exit_status())
        }
        Err(message) => {
            eprintln!("error: {message}");
            if args.len() != 3 {
                eprintln!("{USAGE}");
            }
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Checks the body named by the arguments `<version> <type> <file>`.
fn run(args: &[String]) -> Result<Outcome, String> {
    let [version, type_name, file] = args else {
        return Err(format!("expected 3 arguments, got {}", args.len()));
    };
    let schema = schema_for(version)?;
    let ty = schema.type_named(type_name).ok_or_else(|| {
        let names: Vec<&str> = schema.types.iter().map(|t| t.name).collect();
        format!(
            "{version} has no entity or complex type {type_name:?}; it has {}",
            names.join(", ")
        )
    })?;
    let body = read_json(file)?;
    Ok(check_body(schema, ty, body))
}

/// The schema of an API version, if its cargo feature is on.
fn schema_for(version: &str) -> Result<&'static Schema, String> {
    let (schema, feature) = match version {
        "v1.0" | "v1_0" => (v1_0_schema(), "v1_0"),
        "beta" => (beta_schema(), "beta"),
        other => {
            return Err(format!(
                "unknown API version {other:?}: expected v1.0 or beta"
            ));
        }
    };
    schema.ok_or_else(|| {
        format!("{version} is not compiled in: build with the cargo feature `{feature}`")
    })
}

#[cfg(feature = "v1_0")]
fn v1_0_schema() -> Option<&'static Schema> {
    Some(&graph_vpptoken::v1_0::schema::SCHEMA)
}

#[cfg(not(feature = "v1_0"))]
fn v1_0_schema() -> Option<&'static Schema> {
    None
}

#[cfg(feature = "beta")]
fn beta_schema() -> Option<&'static Schema> {
    Some(&graph_vpptoken::beta::schema::SCHEMA)
}

#[cfg(not(feature = "beta"))]
fn beta_schema() -> Option<&'static Schema> {
    None
}

/// Reads and parses a JSON file, or standard input for `-`.
fn read_json(file: &str) -> Result<Json, String> {
    let bytes = if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        bytes
    } else {
        std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?
    };
    let name = if file == "-" { "<stdin>" } else { file };
    parse_json(&bytes).map_err(|e| format!("{name}:{e}"))
}

/// Parses a body as the response parsers do (a UTF-8 byte order mark is skipped); an error is
/// `line:column: message`, or `path: message` for a duplicate member.
fn parse_json(bytes: &[u8]) -> Result<Json, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let raw: &RawValue = serde_json::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        format!("{}:{}: not valid JSON: {message}", e.line(), e.column())
    })?;
    Json::parse(raw, "").map_err(|(path, message)| format!(" {}: {message}", display(&path)))
}

/// A JSON value that keeps the exact text of its numbers, and its members in order.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    /// The number's text, as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// The members of a JSON object, in order, each as its raw text.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Members<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members<'a>, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

impl Json {
    /// Parses valid JSON text; the error is the path of a duplicate member.
    fn parse(raw: &RawValue, path: &str) -> Result<Self, (String, String)> {
        let text = raw.get().trim();
        let invalid = |e: serde_json::Error| (display(path).to_owned(), e.to_string());
        Ok(match text.as_bytes().first() {
            Some(b'{') => {
                let Members(members) = serde_json::from_str(text).map_err(invalid)?;
                let mut out: Vec<(String, Json)> = Vec::with_capacity(members.len());
                for (key, value) in members {
                    let at = join_key(path, &key);
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err((
                            at,
                            "duplicate member: an object has two members of this name".into(),
                        ));
                    }
                    let value = Json::parse(value, &at)?;
                    out.push((key, value));
                }
                Json::Object(out)
            }
            Some(b'[') => {
                let items: Vec<&RawValue> = serde_json::from_str(text).map_err(invalid)?;
                let items = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| Json::parse(item, &join_index(path, i)))
                    .collect::<Result<_, _>>()?;
                Json::Array(items)
            }
            Some(b'"') => Json::String(serde_json::from_str(text).map_err(invalid)?),
            Some(b't' | b'f') => Json::Bool(serde_json::from_str(text).map_err(invalid)?),
            Some(b'n') => Json::Null,
            _ => Json::Number(text.to_owned()),
        })
    }

    /// Compact JSON text, numbers as they were written.
    fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => out.push_str(&quote(s)),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(key));
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The member named `key` of an object.
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => member(members, key),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

/// The member named `key` of an object's members.
fn member<'j>(members: &'j [(String, Json)], key: &str) -> Option<&'j Json> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A string as a JSON string literal.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// What the check found, over all items.
#[derive(Default)]
struct Outcome {
    /// The findings, one line each, in the order they were found.
    lines: Vec<String>,
    items: usize,
    decode_failures: usize,
    lossy_items: usize,
    unknowns: usize,
}

impl Outcome {
    fn exit_status(&self) -> u8 {
        if self.decode_failures > 0 || self.lossy_items > 0 {
            EXIT_FAILED
        } else if self.unknowns > 0 {
            EXIT_UNKNOWN
        } else {
            0
        }
    }

    /// The last line, such as `ok: 3 items, lossless round trip`.
    fn summary(&self) -> String {
        let status = match self.exit_status() {
            0 => "ok",
            EXIT_UNKNOWN => "unknown",
            _ => "failed",
        };
        let mut parts = vec![count(self.items, "item")];
        if self.decode_failures > 0 {
            parts.push(count(self.decode_failures, "decode failure"));
        }
        if self.lossy_items > 0 {
            parts.push(count(self.lossy_items, "lossy round trip"));
        }
        if self.decode_failures == 0 && self.lossy_items == 0 {
            parts.push("lossless round trip".into());
        }
        if self.unknowns > 0 {
            parts.push(format!("{} (kept)", count(self.unknowns, "unknown")));
        }
        format!("{status}: {}", parts.join(", "))
    }
}

/// `1 item`, `3 items`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Checks every item of a body as `ty`.
fn check_body(schema: &Schema, ty: &TypeInfo, body: Json) -> Outcome {
    let mut outcome = Outcome::default();
    for (path, item) in items(body, ty) {
        outcome.items += 1;
        check_item(schema, ty, &path, item, &mut outcome);
    }
    outcome
}

/// Splits a body into its items, each with its JSON path: the items of `{"value": [...]}` or of
/// a bare array, the object of `{"value": {...}}`, or the body itself.
fn items(body: Json, ty: &TypeInfo) -> Vec<(String, Json)> {
    match body {
        Json::Object(object) if is_value_wrapper(&object, ty) => {
            match object
                .into_iter()
                .find(|(k, _)| k == "value")
                .map(|(_, v)| v)
            {
                Some(Json::Array(items)) => indexed("value", items),
                single => vec![("value".into(), single.unwrap_or(Json::Null))],
            }
        }
        Json::Array(items) => indexed("", items),
        single => vec![(String::new(), single)],
    }
}

/// Whether an object is a `{"value": ...}` wrapper rather than a bare item: its `value` is an
/// array or an object, the type has no property of that name, and its other members are
/// annotations (`@odata.context`, `@odata.nextLink`, …). This is the rule by which the
/// response parsers unwrap a single entity (`runtime::request::parse_single`), so that the
/// checker and `parse_response` read a body alike.
fn is_value_wrapper(object: &[(String, Json)], ty: &TypeInfo) -> bool {
    matches!(
        member(object, "value"),
        Some(Json::Array(_) | Json::Object(_))
    ) && property(ty, "value").is_none()
        && object.iter().all(|(k, _)| k == "value" || is_annotation(k))
}

fn indexed(base: &str, items: Vec<Json>) -> Vec<(String, Json)> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (join_index(base, i), item))
        .collect()
}

/// Round-trips one item and walks it for what the metadata does not know.
fn check_item(schema: &Schema, declared: &TypeInfo, path: &str, item: Json, outcome: &mut Outcome) {
    let mut unknowns = Vec::new();
    let ty = match &item {
        Json::Object(object) => {
            let ty = effective_type(schema, declared, object, path, &mut unknowns);
            walk_object(schema, ty, object, path, &mut unknowns);
            ty
        }
        _ => declared,
    };
    let back = (ty.round_trip)(&item.text()).and_then(|text| {
        parse_json(text.as_bytes()).map_err(|message| DecodeError {
            path: ".".into(),
            message: format!("written back as invalid JSON: {message}"),
        })
    });
    match back {
        Ok(back) => {
            let mut differences = Vec::new();
            diff(path, &item, &back, &mut differences);
            if !differences.is_empty() {
                outcome.lossy_items += 1;
                outcome.lines.extend(
                    differences
                        .into_iter()
                        .map(|d| format!("lossy round trip: {d}")),
                );
            }
        }
        Err(error) => {
            let error = locate(schema, ty, &item, error);
            outcome.decode_failures += 1;
            outcome.lines.push(format!(
                "decode failure: {}: {}",
                display(&join_path(path, &error.path)),
                error.message
            ));
        }
    }
    outcome.unknowns += unknowns.len();
    outcome.lines.extend(unknowns);
}

/// The type whose properties apply to an object declared as `declared`: the one its
/// `@odata.type` names if that is `declared` or derived from it, else `declared` (and the
/// annotation is reported).
fn effective_type<'s>(
    schema: &'s Schema,
    declared: &'s TypeInfo,
    object: &[(String, Json)],
    path: &str,
    unknowns: &mut Vec<String>,
) -> &'s TypeInfo {
    let Some(Json::String(odata_type)) = member(object, "@odata.type") else {
        return declared;
    };
    if let Some(ty) = schema.resolve_odata_type(odata_type, declared) {
        return ty;
    }
    let at = join_key(path, "@odata.type");
    let known = schema
        .types
        .iter()
        .any(|t| odata_type_is(odata_type, t.qualified));
    unknowns.push(if known {
        format!(
            "unexpected @odata.type: {at} = {odata_type:?} (not {} or derived from it; read as {})",
            declared.qualified, declared.name
        )
    } else {
        format!(
            "unknown @odata.type: {at} = {odata_type:?} (not in the {} metadata; read as {})",
            schema.api_version, declared.name
        )
    });
    declared
}

/// Reports the members of an object of type `ty` that the metadata does not know, and walks
/// the values of the ones it does.
fn walk_object(
    schema: &Schema,
    ty: &TypeInfo,
    object: &[(String, Json)],
    path: &str,
    unknowns: &mut Vec<String>,
) {
    for (key, value) in object {
        if is_annotation(key) {
            continue;
        }
        let at = join_key(path, key);
        match property(ty, key) {
            Some(prop) if prop.collection => {
                if let Json::Array(items) = value {
                    for (i, item) in items.iter().enumerate() {
                        walk_value(schema, prop, item, &join_index(&at, i), unknowns);
                    }
                }
            }
            Some(prop) => walk_value(schema, prop, value, &at, unknowns),
            None => unknowns.push(format!("unknown property: {at}")),
        }
    }
}

/// Walks one value (one item, for a collection) of a property: enum members are checked,
/// objects of entity or complex types are walked.
fn walk_value(
    schema: &Schema,
    prop: &PropertyInfo,
    value: &Json,
    path: &str,
    unknowns: &mut Vec<String>,
) {
    if let Some(declared) = schema.type_named(prop.ty) {
        if let Json::Object(object) = value {
            let ty = effective_type(schema, declared, object, path, unknowns);
            walk_object(schema, ty, object, path, unknowns);
        }
    } else if let (Some(info), Json::String(text)) = (schema.enum_named(prop.ty), value) {
        for member in unknown_members(info.members, info.flags, text) {
            let set = if info.flags {
                format!(" in {text:?}")
            } else {
                String::new()
            };
            unknowns.push(format!(
                "unknown enum member: {path} = {member:?}{set} ({})",
                info.name
            ));
        }
    }
}

/// The members of an enum value that the enum does not have; a flags value is a
/// comma-separated set of members.
fn unknown_members<'t>(members: &[&str], flags: bool, text: &'t str) -> Vec<&'t str> {
    let values: Vec<&str> = if flags {
        text.split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect()
    } else {
        vec![text]
    };
    values
        .into_iter()
        .filter(|v| !members.contains(v))
        .collect()
}

fn property<'t>(ty: &'t TypeInfo, name: &str) -> Option<&'t PropertyInfo> {
    ty.properties.iter().find(|p| p.name == name)
}

/// Where the generated code reports a failure on a whole polymorphic value (it decodes those
/// through an intermediate JSON value, which loses the inner path), decodes that value again
/// on its own to find the failing member inside it.
fn locate(schema: &Schema, ty: &TypeInfo, item: &Json, error: DecodeError) -> DecodeError {
    let Some((value, ty)) = value_at(schema, ty, item, &error.path) else {
        return error;
    };
    if !matches!(value, Json::Object(_)) {
        return error;
    }
    match (ty.round_trip)(&value.text()) {
        Err(inner) if inner.path != "." => {
            let inner = locate(schema, ty, value, inner);
            DecodeError {
                path: join_path(&error.path, &inner.path),
                message: inner.message,
            }
        }
        _ => error,
    }
}

/// The value at a decode error's path inside an item of type `ty`, and the entity or complex
/// type that applies to it.
fn value_at<'v, 's>(
    schema: &'s Schema,
    ty: &'s TypeInfo,
    item: &'v Json,
    path: &str,
) -> Option<(&'v Json, &'s TypeInfo)> {
    let mut value = item;
    let mut ty = resolved(schema, ty, value);
    for segment in parse_path(path)? {
        match segment {
            Segment::Key(key) => {
                let prop = property(ty, &key)?;
                value = value.get(&key)?;
                ty = resolved(schema, schema.type_named(prop.ty)?, value);
            }
            Segment::Index(i) => {
                value = match value {
                    Json::Array(items) => items.get(i)?,
                    _ => return None,
                };
                ty = resolved(schema, ty, value);
            }
        }
    }
    Some((value, ty))
}

/// The type an object's `@odata.type` names, if derived from `declared`, else `declared`.
fn resolved<'s>(schema: &'s Schema, declared: &'s TypeInfo, value: &Json) -> &'s TypeInfo {
    value
        .get("@odata.type")
        .and_then(Json::as_str)
        .and_then(|t| schema.resolve_odata_type(t, declared))
        .unwrap_or(declared)
}

/// A step of a JSON path.
enum Segment {
    Key(String),
    Index(usize),
}

/// Parses a path such as `tokenActionResults[0].startDateTime` (`.` is the root).
fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    if path == "." {
        return Some(segments);
    }
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            segments.push(Segment::Key(key.to_owned()));
        }
        while let Some(after) = rest.strip_prefix('[') {
            let (index, tail) = after.split_once(']')?;
            segments.push(Segment::Index(index.parse().ok()?));
            rest = tail;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(segments)
}

/// Lists where `back` (the round trip's result) differs from `sent`, one line each.
fn diff(path: &str, sent: &Json, back: &Json, out: &mut Vec<String>) {
    match (sent, back) {
        (Json::Object(a), Json::Object(b)) => {
            for (key, value) in a {
                let at = join_key(path, key);
                match member(b, key) {
                    Some(other) => diff(&at, value, other, out),
                    None => out.push(format!("{at}: dropped (was {})", brief(value))),
                }
            }
            for (key, value) in b.iter().filter(|(k, _)| member(a, k).is_none()) {
                out.push(format!("{}: added ({})", join_key(path, key), brief(value)));
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{}: {} items sent, {} written back",
                    display(path),
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&join_index(path, i), x, y, out);
            }
        }
        _ if sent != back => out.push(format!(
            "{}: sent {}, written back as {}",
            display(path),
            brief(sent),
            brief(back)
        )),
        _ => {}
    }
}

/// A JSON value as compact text, shortened past 80 characters.
fn brief(value: &Json) -> String {
    let text = value.text();
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

fn join_key(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn join_index(base: &str, index: usize) -> String {
    format!("{base}[{index}]")
}

/// Appends a relative path (as a [`DecodeError`] gives it, `.` for the value itself) to a base.
fn join_path(base: &str, relative: &str) -> String {
    if relative == "." || relative.is_empty() {
        base.to_owned()
    } else if base.is_empty() || relative.starts_with('[') {
        format!("{base}{relative}")
    } else {
        format!("{base}.{relative}")
    }
}

/// A path for display: `.` for the body itself.
fn display(path: &str) -> &str {
    if path.is_empty() { "." } else { path }
}

#[cfg(test)]
mod tests {
    //! `cargo test -p graph-vpptoken --example check_payload`
    use super::*;

    #[test]
    fn paths_parse_and_join() {
        let segments = parse_path("value[0].tokenActionResults[12].startDateTime").unwrap();
        let text: Vec<String> = segments
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.clone(),
                Segment::Index(i) => i.to_string(),
            })
            .collect();
        assert_eq!(
            text,
            ["value", "0", "tokenActionResults", "12", "startDateTime"]
        );
        assert!(parse_path(".").unwrap().is_empty());
        assert!(parse_path("a[x]").is_none());
        assert_eq!(join_path("value[1]", "."), "value[1]");
        assert_eq!(join_path("value[1]", "id"), "value[1].id");
        assert_eq!(join_path("", "id"), "id");
        assert_eq!(join_path("", "."), "");
        assert_eq!(join_path("value", "[0]"), "value[0]");
        assert_eq!(display(""), ".");
    }

    #[test]
    fn flags_values_are_sets() {
        let members = ["none", "read", "write"];
        assert_eq!(
            unknown_members(&members, true, "read, write,delete"),
            ["delete"]
        );
        assert!(unknown_members(&members, true, "read,write").is_empty());
        assert_eq!(
            unknown_members(&members, false, "read,write"),
            ["read,write"]
        );
        assert!(unknown_members(&members, false, "none").is_empty());
    }

    #[test]
    fn diff_lists_every_difference() {
        let sent = parse_json(br#"{"a": 1, "b": [1, 2], "c": {"d": "x"}, "e": true}"#).unwrap();
        let back = parse_json(br#"{"a": 1.0, "b": [1], "c": {"d": "x", "f": null}}"#).unwrap();
        let mut out = Vec::new();
        diff("value[0]", &sent, &back, &mut out);
        assert_eq!(
            out,
            [
                "value[0].a: sent 1, written back as 1.0",
                "value[0].b: 2 items sent, 1 written back",
                "value[0].c.f: added (null)",
                "value[0].e: dropped (was true)",
            ]
        );
        out.clear();
        diff("", &sent, &sent, &mut out);
        assert!(out.is_empty());
    }
}

#[cfg(test)]
mod lossy_verdicts {
    //! The verdicts of the check on a model that is *not* exact, which the generated models
    //! cannot show (they keep every value's text): a type whose round trip goes through
    //! `serde_json::Value`, and so rounds every number to an `f64`, as models did before
    //! unknown values were kept as text.

    use super::*;

    fn through_f64(json: &str) -> Result<String, DecodeError> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| DecodeError {
            path: ".".into(),
            message: e.to_string(),
        })?;
        Ok(value.to_string())
    }

    static ROUNDING: Schema = Schema {
        api_version: "test",
        types: &[TypeInfo {
            name: "rounding",
            qualified: "test.rounding",
            base: None,
            properties: &[PropertyInfo {
                name: "x",
                ty: "Edm.Double",
                collection: false,
            }],
            round_trip: through_f64,
        }],
        enums: &[],
    };

    fn check(text: &str) -> Outcome {
        let body = parse_json(text.as_bytes()).expect("valid JSON");
        check_body(&ROUNDING, &ROUNDING.types[0], body)
    }

    #[test]
    fn a_number_written_back_differently_is_a_lossy_round_trip() {
        let outcome = check(r#"{"x":123456789012345678901234567890}"#);
        assert_eq!(
            outcome.lines,
            [
                "lossy round trip: x: sent 123456789012345678901234567890, written back as 1.2345678901234568e+29"
            ]
        );
        assert_eq!(outcome.summary(), "failed: 1 item, 1 lossy round trip");
        assert_eq!(outcome.exit_status(), EXIT_FAILED);
    }

    #[test]
    fn a_number_that_changes_spelling_only_is_lossy_too() {
        // Equal as an f64, but not the text that was sent.
        let outcome = check(r#"{"value":[{"x":2.5},{"x":1e2}]}"#);
        assert_eq!(
            outcome.lines,
            ["lossy round trip: value[1].x: sent 1e2, written back as 100.0"]
        );
        assert_eq!(outcome.summary(), "failed: 2 items, 1 lossy round trip");
    }

    #[test]
    fn an_exact_round_trip_is_lossless() {
        let outcome = check(r#"{"x":2.5}"#);
        assert!(outcome.lines.is_empty(), "{:?}", outcome.lines);
        assert_eq!(outcome.summary(), "ok: 1 item, lossless round trip");
        assert_eq!(outcome.exit_status(), 0);
    }
}
