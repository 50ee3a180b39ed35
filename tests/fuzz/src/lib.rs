//! The bodies of the fuzz targets, and their seed corpora.
//!
//! Each `fuzz_targets/<name>.rs` calls the function of the same name here. The functions
//! panic when the property they check does not hold and return normally otherwise; an input
//! that is refused with an error is fine. `tests/tests/fuzz_corpora.rs` compiles this file on
//! stable and runs every function over the seeds of [`seeds`] and the saved inputs under
//! `tests/fuzz/regressions/<target>/`; it also writes the seed corpora for `cargo fuzz` (see
//! README.md, "Fuzzing").
//!
//! | target | input | property |
//! |---|---|---|
//! | [`csdl_pipeline`] | CSDL bytes | parse → resolve → select → lower → emit never panics |
//! | [`models_v1_0`], [`models_beta`] | a type selector byte, then JSON | what decodes writes back to JSON that decodes to the same value |
//! | [`responses`] | an operation byte, a status, a header byte, then the body | `parse_response` never panics and no error shows a secret the request sent |
//! | [`xml_differential`] | XML bytes | what roxmltree refuses as not well-formed, `parse_bytes` refuses too |

use std::path::Path;

use graph_vpptoken::runtime::Operation;
use graph_vpptoken::runtime::schema::Schema;
use graph_vpptoken::{beta, v1_0};
use graph_vpptoken_codegen::config::VersionConfig;
use graph_vpptoken_codegen::{codegen, parse, scratch};

/// The names of the targets, as `cargo fuzz` knows them.
pub const TARGETS: [&str; 5] = [
    "csdl_pipeline",
    "models_v1_0",
    "models_beta",
    "responses",
    "xml_differential",
];

/// Runs the target named `target` (one of [`TARGETS`]) on `data`.
///
/// # Panics
/// When the target's property does not hold, or the name is not a target.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "csdl_pipeline" => csdl_pipeline(data),
        "models_v1_0" => models_v1_0(data),
        "models_beta" => models_beta(data),
        "responses" => responses(data),
        "xml_differential" => xml_differential(data),
        _ => panic!("no fuzz target named {target}"),
    }
}

// ---------------------------------------------------------------------------------------
// The CSDL pipeline
// ---------------------------------------------------------------------------------------

/// Generates the whole of the document in `data`: every entity and complex type a root,
/// every entity set and singleton a path (as the whole-schema check does). Any stage may
/// refuse the input with an error; none may panic.
pub fn csdl_pipeline(data: &[u8]) {
    let Ok(document) = parse::parse_bytes("fuzz.xml", data) else {
        return;
    };
    let version = VersionConfig {
        name: "v1.0".to_owned(),
        module: "v1_0".to_owned(),
        input: "fuzz.xml".into(),
        service_root: "https://example.test/v1.0".to_owned(),
        roots: scratch::all_roots(&document),
        paths: scratch::all_paths(&document),
        secrets: Vec::new(),
        fixups: Vec::new(),
        renames: Vec::new(),
    };
    let _ = codegen::generate_document(&document, &version, scratch::RUNTIME);
}

// ---------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------

/// The models of v1.0: see [`models`].
pub fn models_v1_0(data: &[u8]) {
    models(&v1_0::schema::SCHEMA, data);
}

/// The models of beta: see [`models`].
pub fn models_beta(data: &[u8]) {
    models(&beta::schema::SCHEMA, data);
}

/// The first byte picks a type of `schema` (modulo their number), the rest is JSON. When the
/// JSON decodes into the type, the JSON it writes back must decode again and write back the
/// same JSON: reading and writing lose nothing the model holds.
pub fn models(schema: &Schema, data: &[u8]) {
    let Some((&selector, json)) = data.split_first() else {
        return;
    };
    let Some(ty) = schema
        .types
        .get(usize::from(selector) % schema.types.len().max(1))
    else {
        return;
    };
    let Ok(json) = std::str::from_utf8(json) else {
        return;
    };
    let Ok(written) = (ty.round_trip)(json) else {
        return;
    };
    match (ty.round_trip)(&written) {
        Ok(again) => assert_eq!(
            again, written,
            "{}: the written JSON reads back differently",
            ty.qualified
        ),
        Err(error) => panic!(
            "{}: the written JSON {written} does not read back: {error}",
            ty.qualified
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Response parsers
// ---------------------------------------------------------------------------------------

/// A secret value that the requests of [`responses`] send (as the `token` of a vppToken);
/// no error may show it.
pub const SECRET: &str = "fz-Secret-Token-0451";

/// The number of operations [`responses`] picks from.
pub const OPERATIONS: u8 = 17;

/// The `Content-Type` header a response gets, picked by a byte of the input.
const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/json; odata.metadata=minimal; charset=utf-8"),
    Some("text/plain"),
    Some("text/html"),
    Some("application/xml"),
];

/// The input is an operation byte (modulo [`OPERATIONS`]), two bytes of status (big endian,
/// brought into 100..=999), a header byte (its low bits pick a `Content-Type`, bit 3 adds a
/// `Retry-After`, bit 4 a `request-id`), then the body. `parse_response` of the operation
/// must not panic, and no error it returns may show [`SECRET`].
pub fn responses(data: &[u8]) {
    let [op, hi, lo, headers, body @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_be_bytes([*hi, *lo]) % 900;
    let mut builder = http::Response::builder().status(status);
    if let Some(content_type) = CONTENT_TYPES[usize::from(*headers & 7) % CONTENT_TYPES.len()] {
        builder = builder.header("content-type", content_type);
    }
    if headers & 8 != 0 {
        builder = builder.header("retry-after", "7");
    }
    if headers & 16 != 0 {
        builder = builder.header("request-id", "5a1e6b0c-0000-4000-8000-000000000000");
    }
    let Ok(response) = builder.body(body.to_vec()) else {
        return;
    };
    parse_with(*op % OPERATIONS, &response);
}

/// The update body of v1.0, which sends [`SECRET`].
fn v1_0_patch() -> v1_0::VppTokenPatch {
    v1_0::VppTokenPatch::new()
        .token(SECRET)
        .organization_name("Contoso")
}

/// The update body of beta, which sends [`SECRET`].
fn beta_patch() -> beta::VppTokenPatch {
    beta::VppTokenPatch::new()
        .token(SECRET)
        .display_name("Contoso")
}

/// Runs the parser of operation `op` on `response` and checks its error. The create and
/// update operations send [`SECRET`]; the others send no secret (the error may show what the
/// service says).
fn parse_with(op: u8, response: &http::Response<Vec<u8>>) {
    let v1 = v1_0::device_app_management().vpp_tokens();
    let b = beta::device_app_management().vpp_tokens();
    let id = "9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
    let v1_entity = v1_0::VppToken {
        token: Some(SECRET.to_owned()),
        ..Default::default()
    };
    let beta_entity = beta::VppToken {
        token: Some(SECRET.to_owned()),
        ..Default::default()
    };
    match op {
        0 => check(&v1.list(), response),
        1 => check(&v1.count(), response),
        2 => check(&v1.create(&v1_entity), response),
        3 => check(&v1.by_id(id).get(), response),
        4 => check(&v1.by_id(id).update(&v1_0_patch()), response),
        5 => check(&v1.by_id(id).delete(), response),
        6 => check(&v1.by_id(id).sync_licenses(), response),
        7 => check(&b.list(), response),
        8 => check(&b.count(), response),
        9 => check(&b.create(&beta_entity), response),
        10 => check(&b.by_id(id).get(), response),
        11 => check(&b.by_id(id).update(&beta_patch()), response),
        12 => check(&b.by_id(id).delete(), response),
        13 => check(&b.by_id(id).sync_licenses(), response),
        14 => {
            let parameters = beta::RevokeLicensesParameters {
                notify_managed_devices: true,
                revoke_untracked_licenses: None,
            };
            check(&b.by_id(id).revoke_licenses(&parameters), response);
        }
        15 => check(&b.get_licenses_for_app("com.contoso.app"), response),
        _ => check(&b.sync_license_counts(), response),
    }
}

/// Parses `response` as the answer to `operation`; when the request sends [`SECRET`], an
/// error must not show it.
fn check<O: Operation>(operation: &O, response: &http::Response<Vec<u8>>) {
    let sends_secret = operation.to_request().is_ok_and(|request| {
        let body: &[u8] = request.body();
        body.windows(SECRET.len()).any(|w| w == SECRET.as_bytes())
    });
    if let Err(error) = operation.parse_response(response) {
        let shown = format!("{error} {error:?}");
        assert!(
            !(sends_secret && shown.contains(SECRET)),
            "an error shows the secret the request sent: {shown}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Differential XML
// ---------------------------------------------------------------------------------------

/// What roxmltree refuses as not well-formed, [`parse::parse_bytes`] must refuse too (with
/// any error: an XML error, or a CSDL error for a document that is not CSDL). Only the
/// verdict is compared, and only in that direction: the parser refuses much that is well
/// formed (any document that is not CSDL, any `<!DOCTYPE`).
///
/// The input is read as UTF-8 (after an optional byte order mark) or as UTF-16 after its
/// byte order mark; bytes that are neither are not compared (roxmltree reads text only).
///
/// Known, deliberate differences, where roxmltree's refusal is not compared:
///
/// - namespace well-formedness (*Namespaces in XML*, not XML 1.0): the parser matches
///   elements on their local names and resolves no prefix, so an unknown prefix, a
///   duplicated or reserved namespace declaration, an `xmlns` element prefix, and two
///   attributes whose prefixed names differ but expand to the same name (`a:x` and `b:x`
///   bound to one URI) are not refused, nor is a name with more than one colon;
/// - roxmltree's resource limits (nodes, attributes, namespaces, entity expansion depth)
///   and its refusal of a document type declaration, which are not well-formedness.
pub fn xml_differential(data: &[u8]) {
    let Some(text) = decode(data) else {
        return;
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let Err(error) = roxmltree::Document::parse_with_options(&text, options) else {
        return;
    };
    if !is_well_formedness_error(&error, &text) {
        return;
    }
    if let Ok(document) = parse::parse_bytes("fuzz.xml", data) {
        panic!(
            "roxmltree refuses the input ({error}) but parse_bytes reads {} schema(s) from it",
            document.schemas.len()
        );
    }
}

/// The text of `data` as the parser reads it, byte order mark removed; `None` when it is
/// neither UTF-8 nor UTF-16 with a byte order mark.
fn decode(data: &[u8]) -> Option<String> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| -> Option<String> {
        if !rest.len().is_multiple_of(2) {
            return None;
        }
        let units = rest.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
    };
    match data {
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => None,
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => {
            let text = std::str::from_utf8(data).ok()?;
            Some(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned())
        }
    }
}

/// Whether roxmltree's `error` on `text` is one the parser must agree with (see
/// [`xml_differential`] for those it need not).
fn is_well_formedness_error(error: &roxmltree::Error, text: &str) -> bool {
    use roxmltree::Error as E;
    match error {
        E::InvalidXmlPrefixUri(_)
        | E::UnexpectedXmlUri(_)
        | E::UnexpectedXmlnsUri(_)
        | E::InvalidElementNamePrefix(_)
        | E::DuplicatedNamespace(..)
        | E::UnknownNamespace(..)
        | E::NodesLimitReached
        | E::AttributesLimitReached
        | E::NamespacesLimitReached
        | E::EntityReferenceLoop(_)
        | E::DtdDetected => false,
        // roxmltree compares expanded names; the parser compares the names as written. An
        // unprefixed attribute has no namespace, so its duplicate is a duplicate as written.
        E::DuplicatedAttribute(_, pos) => !written_name_at(text, *pos).contains(':'),
        // A name with more than one colon (`xm:ns:edmx`), or with a colon first or last, is
        // an XML 1.0 name but not a namespace-qualified one: roxmltree refuses it, the
        // parser (which resolves no prefix) does not.
        E::InvalidName(pos) => !written_name_at(text, *pos).contains(':'),
        _ => true,
    }
}

/// The attribute name written at `pos` (1-based row and column in characters).
fn written_name_at(text: &str, pos: roxmltree::TextPos) -> &str {
    let Some(line) = text.split('\n').nth(pos.row.saturating_sub(1) as usize) else {
        return "";
    };
    let start = line
        .char_indices()
        .nth(pos.col.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let end = rest
        .find(|c: char| c == '=' || c.is_whitespace())
        .unwrap_or(rest.len());
    &rest[..end]
}

// ---------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------

/// The seed inputs of `target`, made from the project's fixtures at run time (`root` is the
/// repository's root folder), as `(name, bytes)`.
///
/// - `csdl_pipeline`, `xml_differential`: the synthetic CSDL of `tests/fixtures/csdl/` and
///   the pinned CSDL of `metadata/`;
/// - `models_*`: every JSON body of `tests/fixtures/docs/` and `tests/fixtures/seeds/` of
///   that version (each item of a `value` array too), once per type;
/// - `responses`: the documented responses of each operation's version, for every operation,
///   and a Graph error that quotes the secret.
///
/// # Panics
/// When a fixture cannot be read, or `target` is not a target.
pub fn seeds(target: &str, root: &Path) -> Vec<(String, Vec<u8>)> {
    match target {
        "csdl_pipeline" | "xml_differential" => {
            let mut files = files_in(&root.join("tests/fixtures/csdl"), "xml");
            files.extend(files_in(&root.join("metadata"), "xml"));
            files
        }
        "models_v1_0" => model_seeds(&v1_0::schema::SCHEMA, "v1.0", root),
        "models_beta" => model_seeds(&beta::schema::SCHEMA, "beta", root),
        "responses" => response_seeds(root),
        _ => panic!("no fuzz target named {target}"),
    }
}

/// The files of `dir` whose names end in `.extension`, sorted, as `(file name, bytes)`.
fn files_in(dir: &Path, extension: &str) -> Vec<(String, Vec<u8>)> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// The documented examples and seeds of `api_version`, parsed: `(file stem, example)`.
fn examples(api_version: &str, root: &Path) -> Vec<(String, serde_json::Value)> {
    let mut examples = Vec::new();
    for dir in ["tests/fixtures/docs", "tests/fixtures/seeds"] {
        for (name, bytes) in files_in(&root.join(dir), "json") {
            let example: serde_json::Value =
                serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
            if example["api_version"] == api_version {
                examples.push((name.trim_end_matches(".json").to_owned(), example));
            }
        }
    }
    examples
}

fn model_seeds(schema: &Schema, api_version: &str, root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut bodies = Vec::new();
    for (name, example) in examples(api_version, root) {
        for (part, body) in [
            ("request", &example["request"]["body"]),
            ("response", &example["response"]["body"]),
        ] {
            if body.is_object() {
                bodies.push((format!("{name}-{part}"), body.clone()));
            }
            match &body["value"] {
                serde_json::Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        bodies.push((format!("{name}-{part}-value{i}"), item.clone()));
                    }
                }
                item @ serde_json::Value::Object(_) => {
                    bodies.push((format!("{name}-{part}-value"), item.clone()))
                }
                _ => {}
            }
        }
    }
    let mut seeds = Vec::new();
    for (index, ty) in schema.types.iter().enumerate() {
        let selector = u8::try_from(index).expect("fewer than 256 types");
        for (name, body) in &bodies {
            let mut bytes = vec![selector];
            bytes.extend(serde_json::to_vec(body).expect("JSON values serialize"));
            seeds.push((format!("{}-{name}", ty.name), bytes));
        }
    }
    seeds
}

fn response_seeds(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut responses = Vec::new();
    for api_version in ["v1.0", "beta"] {
        for (name, example) in examples(api_version, root) {
            let status = example["response"]["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok());
            let Some(status) = status else {
                continue;
            };
            let body = match &example["response"]["body"] {
                serde_json::Value::Null => Vec::new(),
                body => serde_json::to_vec(body).expect("JSON values serialize"),
            };
            responses.push((api_version, name, status, 1, body));
        }
    }
    let error = format!(
        r#"{{"error":{{"code":"BadRequest","message":"token {SECRET} is invalid","innerError":{{"request-id":"x"}}}}}}"#
    );
    for api_version in ["v1.0", "beta"] {
        responses.push((
            api_version,
            "error".to_owned(),
            400,
            1,
            error.clone().into_bytes(),
        ));
        responses.push((
            api_version,
            "throttled".to_owned(),
            429,
            1 | 8,
            error.clone().into_bytes(),
        ));
        responses.push((api_version, "count".to_owned(), 200, 3, b"42".to_vec()));
    }
    let mut seeds = Vec::new();
    for op in 0..OPERATIONS {
        let version = if op < 7 { "v1.0" } else { "beta" };
        for (api_version, name, status, headers, body) in &responses {
            if *api_version == version {
                let [hi, lo] = (status - 100).to_be_bytes();
                let mut bytes = vec![op, hi, lo, *headers];
                bytes.extend(body);
                seeds.push((format!("op{op:02}-{name}"), bytes));
            }
        }
    }
    seeds
}
