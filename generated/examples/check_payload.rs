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
//! single entity wrapped as `{"value": {...}}` (as the documentation shows some responses), a
//! bare object or a bare array; each item is checked on its own.
//!
//! For each item the program
//!
//! 1. deserializes it into the generated type (the one its `@odata.type` names, when that is
//!    the given type or derived from it) and serializes it back, and compares the result with
//!    the input as JSON values: any difference is listed with its JSON path
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
use graph_vpptoken::runtime::schema::{DecodeError, PropertyInfo, Schema, TypeInfo};
use serde_json::{Map, Value};

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
fn read_json(file: &str) -> Result<Value, String> {
    let text = if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?
    };
    let name = if file == "-" { "standard input" } else { file };
    serde_json::from_str(&text).map_err(|e| format!("{name} is not valid JSON: {e}"))
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
fn check_body(schema: &Schema, ty: &TypeInfo, body: Value) -> Outcome {
    let mut outcome = Outcome::default();
    for (path, item) in items(body, ty) {
        outcome.items += 1;
        check_item(schema, ty, &path, item, &mut outcome);
    }
    outcome
}

/// Splits a body into its items, each with its JSON path: the items of `{"value": [...]}` or of
/// a bare array, the object of `{"value": {...}}`, or the body itself.
fn items(body: Value, ty: &TypeInfo) -> Vec<(String, Value)> {
    match body {
        Value::Object(mut object) if is_value_wrapper(&object, ty) => {
            match object.remove("value") {
                Some(Value::Array(items)) => indexed("value", items),
                single => vec![("value".into(), single.unwrap_or_default())],
            }
        }
        Value::Array(items) => indexed("", items),
        single => vec![(String::new(), single)],
    }
}

/// Whether an object is a `{"value": ...}` wrapper rather than a bare item: its `value` is an
/// array or an object, the type has no property of that name, and its other members are
/// annotations (`@odata.context`, `@odata.nextLink`, …).
fn is_value_wrapper(object: &Map<String, Value>, ty: &TypeInfo) -> bool {
    matches!(
        object.get("value"),
        Some(Value::Array(_) | Value::Object(_))
    ) && property(ty, "value").is_none()
        && object.keys().all(|k| k == "value" || is_annotation(k))
}

fn indexed(base: &str, items: Vec<Value>) -> Vec<(String, Value)> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (join_index(base, i), item))
        .collect()
}

/// Round-trips one item and walks it for what the metadata does not know.
fn check_item(
    schema: &Schema,
    declared: &TypeInfo,
    path: &str,
    item: Value,
    outcome: &mut Outcome,
) {
    let mut unknowns = Vec::new();
    let ty = match &item {
        Value::Object(object) => {
            let ty = effective_type(schema, declared, object, path, &mut unknowns);
            walk_object(schema, ty, object, path, &mut unknowns);
            ty
        }
        _ => declared,
    };
    match (ty.round_trip)(item.clone()) {
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
    object: &Map<String, Value>,
    path: &str,
    unknowns: &mut Vec<String>,
) -> &'s TypeInfo {
    let Some(Value::String(odata_type)) = object.get("@odata.type") else {
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
    object: &Map<String, Value>,
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
                if let Value::Array(items) = value {
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
    value: &Value,
    path: &str,
    unknowns: &mut Vec<String>,
) {
    if let Some(declared) = schema.type_named(prop.ty) {
        if let Value::Object(object) = value {
            let ty = effective_type(schema, declared, object, path, unknowns);
            walk_object(schema, ty, object, path, unknowns);
        }
    } else if let (Some(info), Value::String(text)) = (schema.enum_named(prop.ty), value) {
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

/// Whether an object member is an instance annotation (`@odata.type`, `@odata.context`,
/// `displayName@odata.type`, `@microsoft.graph.tips`), not a property.
fn is_annotation(key: &str) -> bool {
    key.contains('@')
}

/// Where the generated code reports a failure on a whole polymorphic value (it decodes those
/// through an intermediate JSON value, which loses the inner path), decodes that value again
/// on its own to find the failing member inside it.
fn locate(schema: &Schema, ty: &TypeInfo, item: &Value, error: DecodeError) -> DecodeError {
    let Some((value, ty)) = value_at(schema, ty, item, &error.path) else {
        return error;
    };
    if !value.is_object() {
        return error;
    }
    match (ty.round_trip)(value.clone()) {
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
    item: &'v Value,
    path: &str,
) -> Option<(&'v Value, &'s TypeInfo)> {
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
                value = value.get(i)?;
                ty = resolved(schema, ty, value);
            }
        }
    }
    Some((value, ty))
}

/// The type an object's `@odata.type` names, if derived from `declared`, else `declared`.
fn resolved<'s>(schema: &'s Schema, declared: &'s TypeInfo, value: &Value) -> &'s TypeInfo {
    value
        .get("@odata.type")
        .and_then(Value::as_str)
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
fn diff(path: &str, sent: &Value, back: &Value, out: &mut Vec<String>) {
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let at = join_key(path, key);
                match b.get(key) {
                    Some(other) => diff(&at, value, other, out),
                    None => out.push(format!("{at}: dropped (was {})", brief(value))),
                }
            }
            for (key, value) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                out.push(format!("{}: added ({})", join_key(path, key), brief(value)));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
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
fn brief(value: &Value) -> String {
    let text = value.to_string();
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
        let sent = serde_json::json!({"a": 1, "b": [1, 2], "c": {"d": "x"}, "e": true});
        let back = serde_json::json!({"a": 1.0, "b": [1], "c": {"d": "x", "f": null}});
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
