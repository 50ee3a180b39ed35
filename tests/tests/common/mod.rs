//! Shared support of the documented-example and seed tests: loading a fixture, applying its
//! named normalizations, comparing a rendered request with the documented one, and feeding the
//! documented response to an operation.
//!
//! A fixture is a JSON file under `fixtures/<kind>/` holding one documented HTTP exchange (or a
//! resource page's JSON representation) exactly as published, plus a `normalizations` array.
//! Each normalization is named, carries its reason, is applied here and nowhere else, and must
//! apply to something (a stale one fails).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use graph_vpptoken::runtime::schema::Schema;
use graph_vpptoken::runtime::{DateTimeOffset, Operation, ResponseError};
use graph_vpptoken::v1_0;
use sample::{APPLE_ID, COUNTRY, EXPIRATION, ID, LAST_MODIFIED, LAST_SYNC, ORGANIZATION, TOKEN};
use serde::Serialize;
use serde_json::Value;

/// The normalization kinds that fixtures may name.
const KINDS: &[&str] = &[
    "url_placeholder",
    "unwrap_value",
    "drop_header",
    "resource_template",
];

/// The folder of the fixtures of one kind (`docs`, `seeds`).
pub fn fixtures_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(kind)
}

/// The stems of the `.json` files in a fixture folder, sorted; fails on any other file but
/// `README.md`.
pub fn fixture_ids(kind: &str) -> Vec<String> {
    let dir = fixtures_dir(kind);
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a readable directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name");
        if name == "README.md" {
            continue;
        }
        let stem = name.strip_suffix(".json").unwrap_or_else(|| {
            panic!(
                "{}: only .json fixtures and README.md belong here",
                path.display()
            )
        });
        ids.push(stem.to_owned());
    }
    ids.sort();
    ids
}

/// Fails unless the fixtures of `kind` are exactly the ones `covered` by tests here plus the
/// ones tested `elsewhere`, given as `(fixture id, test file under tests/tests/)`; the named file
/// must exist and name the fixture.
pub fn assert_all_fixtures_covered(kind: &str, covered: &[&str], elsewhere: &[(&str, &str)]) {
    let on_disk: BTreeSet<String> = fixture_ids(kind).into_iter().collect();
    let mut tested: BTreeSet<String> = covered.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(covered.len(), tested.len(), "a fixture is listed twice");
    for (id, file) in elsewhere {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            text.contains(id),
            "{} is said to test {id} but does not name it",
            path.display()
        );
        assert!(
            tested.insert((*id).to_owned()),
            "{id} is tested here and elsewhere"
        );
    }
    let untested: Vec<_> = on_disk.difference(&tested).collect();
    let missing: Vec<_> = tested.difference(&on_disk).collect();
    assert!(
        untested.is_empty(),
        "fixtures in fixtures/{kind}/ without a test: {untested:?}"
    );
    assert!(
        missing.is_empty(),
        "tests naming fixtures that do not exist in fixtures/{kind}/: {missing:?}"
    );
}

/// Runs `check` for the case `id`. A case listed in `known` (as `(id, reason)`) must fail:
/// when it starts passing, this fails and asks for the entry to be removed.
pub fn run_case(id: &str, known: &[(&str, &str)], check: impl FnOnce()) {
    match known.iter().find(|(known_id, _)| *known_id == id) {
        None => check(),
        Some((_, reason)) => {
            let outcome = catch_unwind(AssertUnwindSafe(check));
            assert!(
                outcome.is_err(),
                "{id} is listed as a known deviation ({reason}) but now passes: remove it from \
                 KNOWN_DEVIATIONS"
            );
        }
    }
}

/// One fixture: a documented request and response, or a resource page's JSON.
#[derive(Debug)]
pub struct Example {
    /// The fixture's id (its file stem).
    pub id: String,
    /// The fixture as stored.
    pub json: Value,
}

impl Example {
    /// Loads `fixtures/<kind>/<id>.json` and checks its normalizations.
    pub fn load(kind: &str, id: &str) -> Self {
        let path = fixtures_dir(kind).join(format!("{id}.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            json["id"],
            id,
            "{}: the id must equal the file stem",
            path.display()
        );
        let example = Self {
            id: id.to_owned(),
            json,
        };
        example.check_normalizations();
        example
    }

    /// `v1.0` or `beta`.
    pub fn api_version(&self) -> &str {
        self.json["api_version"].as_str().expect("api_version")
    }

    /// The documented request, `None` for a resource page.
    pub fn request(&self) -> Option<&Value> {
        Some(&self.json["request"]).filter(|r| !r.is_null())
    }

    /// The documented response.
    pub fn response(&self) -> &Value {
        &self.json["response"]
    }

    /// The normalizations of one kind.
    pub fn normalizations(&self, kind: &str) -> Vec<&Value> {
        self.json["normalizations"]
            .as_array()
            .expect("normalizations is an array")
            .iter()
            .filter(|n| n["kind"] == kind)
            .collect()
    }

    /// Whether the fixture lists a normalization of this kind.
    pub fn has_normalization(&self, kind: &str) -> bool {
        !self.normalizations(kind).is_empty()
    }

    /// Every normalization has a known kind and a reason, and applies to something.
    fn check_normalizations(&self) {
        let id = &self.id;
        for n in self.json["normalizations"]
            .as_array()
            .expect("normalizations is an array")
        {
            let kind = n["kind"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: a normalization without a kind"));
            assert!(
                KINDS.contains(&kind),
                "{id}: unknown normalization kind {kind:?}"
            );
            let reason = n["reason"].as_str().unwrap_or_default();
            assert!(
                !reason.trim().is_empty(),
                "{id}: the {kind} normalization gives no reason"
            );
            match kind {
                "url_placeholder" => {
                    let placeholder = n["placeholder"].as_str().expect("placeholder");
                    let url = self.request().expect("a url_placeholder needs a request")["url"]
                        .as_str()
                        .expect("url");
                    assert!(
                        url.contains(placeholder),
                        "{id}: {placeholder} is not in {url}"
                    );
                    assert!(
                        n["value"].as_str().is_some_and(|v| !v.is_empty()),
                        "{id}: no value for {placeholder}"
                    );
                }
                "unwrap_value" => {
                    let body = &self.response()["body"];
                    let wrapped = body
                        .as_object()
                        .is_some_and(|o| o.len() == 1 && o["value"].is_object());
                    assert!(
                        wrapped,
                        "{id}: unwrap_value, but the body is not {{\"value\": {{…}}}}"
                    );
                }
                "drop_header" => {
                    let name = n["name"].as_str().expect("name");
                    let side = match n["side"].as_str() {
                        Some("request") => self.request().expect("a request"),
                        Some("response") => self.response(),
                        other => panic!("{id}: drop_header side {other:?}"),
                    };
                    assert!(
                        headers(side)
                            .iter()
                            .any(|(k, _)| k.eq_ignore_ascii_case(name)),
                        "{id}: drop_header {name}, but there is no such header"
                    );
                }
                "resource_template" => {
                    assert!(
                        self.request().is_none(),
                        "{id}: a resource page has no request"
                    );
                    let body = &self.response()["body"];
                    for r in n["replacements"].as_array().expect("replacements") {
                        let pointer = r["pointer"].as_str().expect("pointer");
                        assert_eq!(
                            body.pointer(pointer),
                            Some(&r["placeholder"]),
                            "{id}: {pointer} does not hold the placeholder"
                        );
                        assert_ne!(
                            r["placeholder"], r["value"],
                            "{id}: {pointer} is not replaced"
                        );
                    }
                    if let Some(unknown) = n.get("unknown_properties") {
                        for (name, why) in unknown
                            .as_object()
                            .expect("unknown_properties is an object")
                        {
                            assert!(body.get(name).is_some(), "{id}: {name} is not in the body");
                            assert!(
                                why.as_str().is_some_and(|s| !s.is_empty()),
                                "{id}: no reason for {name}"
                            );
                        }
                    }
                }
                _ => unreachable!(),
            }
        }
    }

    /// The value a `url_placeholder` normalization substitutes (the key used in the request).
    pub fn key(&self) -> &str {
        let placeholders = self.normalizations("url_placeholder");
        assert_eq!(
            placeholders.len(),
            1,
            "{}: expected one url_placeholder",
            self.id
        );
        placeholders[0]["value"].as_str().expect("value")
    }

    /// The documented URL with its placeholders substituted.
    pub fn request_url(&self) -> String {
        let mut url = self.request().expect("a request")["url"]
            .as_str()
            .expect("url")
            .to_owned();
        for n in self.normalizations("url_placeholder") {
            url = url.replace(
                n["placeholder"].as_str().unwrap(),
                n["value"].as_str().unwrap(),
            );
        }
        url
    }

    /// The documented headers of the request or the response, less the dropped ones.
    fn kept_headers(&self, side: &str) -> Vec<(String, String)> {
        let dropped: Vec<&str> = self
            .normalizations("drop_header")
            .into_iter()
            .filter(|n| n["side"] == side)
            .map(|n| n["name"].as_str().unwrap())
            .collect();
        let source = if side == "request" {
            self.request().expect("a request")
        } else {
            self.response()
        };
        headers(source)
            .into_iter()
            .filter(|(k, _)| !dropped.iter().any(|d| d.eq_ignore_ascii_case(k)))
            .collect()
    }

    /// Renders `operation` and compares it with the documented request: method, scheme and
    /// host, path, query, the documented headers and the body (as JSON values).
    pub fn assert_request<O: Operation>(&self, operation: &O) {
        let id = &self.id;
        let documented = self.request().expect("a request");
        let request = operation
            .to_request()
            .unwrap_or_else(|e| panic!("{id}: the request does not render: {e:?}"));
        assert_eq!(
            request.method().as_str(),
            documented["method"].as_str().unwrap(),
            "{id}: method"
        );

        let url = self.request_url();
        let expected: http::Uri = url.parse().unwrap_or_else(|e| panic!("{id}: {url}: {e}"));
        let uri = request.uri();
        assert_eq!(uri.scheme_str(), expected.scheme_str(), "{id}: scheme");
        assert_eq!(uri.authority(), expected.authority(), "{id}: host");
        assert_eq!(uri.path(), expected.path(), "{id}: path");
        assert_eq!(uri.query(), expected.query(), "{id}: query");
        assert_eq!(uri.to_string(), url, "{id}: URL");

        for (name, value) in self.kept_headers("request") {
            let sent = request
                .headers()
                .get(name.as_str())
                .map(|v| v.to_str().expect("an ASCII header"));
            assert_eq!(sent, Some(value.as_str()), "{id}: request header {name}");
        }

        match &documented["body"] {
            Value::Null => {
                assert!(
                    request.body().is_empty(),
                    "{id}: the documented request has no body"
                );
                assert!(
                    request.headers().get(http::header::CONTENT_TYPE).is_none(),
                    "{id}: a Content-Type without a body"
                );
            }
            body => {
                let sent: Value = serde_json::from_slice(request.body())
                    .unwrap_or_else(|e| panic!("{id}: the request body is not JSON: {e}"));
                assert_eq!(&sent, body, "{id}: request body");
                assert_eq!(
                    request
                        .headers()
                        .get(http::header::CONTENT_TYPE)
                        .map(|v| v.to_str().unwrap()),
                    Some("application/json"),
                    "{id}: Content-Type"
                );
            }
        }
    }

    /// The documented response body after the `unwrap_value` and `resource_template`
    /// normalizations; `None` when there is none (204).
    pub fn response_body(&self) -> Option<Value> {
        let mut body = self.response()["body"].clone();
        if body.is_null() {
            return None;
        }
        if self.has_normalization("unwrap_value") {
            body = body["value"].take();
        }
        for n in self.normalizations("resource_template") {
            for r in n["replacements"].as_array().unwrap() {
                *body.pointer_mut(r["pointer"].as_str().unwrap()).unwrap() = r["value"].clone();
            }
        }
        Some(body)
    }

    /// The documented response as an [`http::Response`]: status, kept headers, normalized body.
    pub fn http_response(&self) -> http::Response<Vec<u8>> {
        let status = self.response()["status"]
            .as_u64()
            .expect("an HTTP example has a status");
        let mut builder = http::Response::builder().status(u16::try_from(status).unwrap());
        for (name, value) in self.kept_headers("response") {
            builder = builder.header(name, value);
        }
        let body = self
            .response_body()
            .map(|b| serde_json::to_vec(&b).unwrap())
            .unwrap_or_default();
        builder.body(body).unwrap()
    }

    /// Feeds the documented response to `operation`.
    pub fn parse_with<O: Operation>(&self, operation: &O) -> Result<O::Output, ResponseError> {
        operation.parse_response(&self.http_response())
    }

    /// Feeds the documented response to `operation`, failing on an error.
    pub fn parse<O: Operation>(&self, operation: &O) -> O::Output {
        self.parse_with(operation).unwrap_or_else(|e| {
            panic!("{}: the documented response does not parse: {e:?}", self.id)
        })
    }

    /// Serializes `typed` and compares it with the (normalized) documented body.
    pub fn assert_round_trip<T: Serialize>(&self, typed: &T) {
        let written = serde_json::to_value(typed).expect("serializes");
        let documented = self.response_body().expect("a response body");
        assert_eq!(
            written, documented,
            "{}: the typed value written back differs from the documented body",
            self.id
        );
    }

    /// The documented response has no body (a 204).
    pub fn assert_no_content(&self) {
        assert_eq!(self.response()["status"], 204, "{}: status", self.id);
        assert!(
            self.response_body().is_none(),
            "{}: a body on a 204",
            self.id
        );
    }

    /// A description for snapshot headers: where the example comes from.
    pub fn source(&self) -> String {
        match self.json.get("source_seed") {
            Some(seed) => format!("seed {}", seed.as_str().unwrap()),
            None => format!(
                "{} {} @ {}",
                self.json["source_repo"].as_str().unwrap(),
                self.json["source_path"].as_str().unwrap(),
                self.json["source_commit"].as_str().unwrap()
            ),
        }
    }

    /// Checks the normalized resource body against the metadata: every enum value is a
    /// declared member, every date-time parses, and the properties the metadata does not know
    /// are exactly the fixture's `unknown_properties`.
    pub fn assert_template_valid(&self, schema: &Schema) {
        let body = self.response_body().expect("a body");
        let odata_type = body["@odata.type"]
            .as_str()
            .expect("a resource has an @odata.type");
        let ty = schema
            .types
            .iter()
            .find(|t| graph_vpptoken::runtime::json::odata_type_is(odata_type, t.qualified))
            .unwrap_or_else(|| {
                panic!(
                    "{}: {odata_type} is not in the {} schema",
                    self.id, schema.api_version
                )
            });
        let mut problems = Vec::new();
        let mut unknown = BTreeSet::new();
        check_value(schema, ty.qualified, &body, "", &mut problems, &mut unknown);
        assert!(
            problems.is_empty(),
            "{}: after normalization: {problems:#?}",
            self.id
        );
        let listed: BTreeSet<String> = self
            .normalizations("resource_template")
            .iter()
            .filter_map(|n| n.get("unknown_properties"))
            .flat_map(|u| u.as_object().unwrap().keys().map(|k| format!("/{k}")))
            .collect();
        assert_eq!(
            unknown, listed,
            "{}: properties the metadata does not describe",
            self.id
        );
    }
}

/// Walks `value` as an instance of the structured type `qualified`.
fn check_value(
    schema: &Schema,
    qualified: &str,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
    unknown: &mut BTreeSet<String>,
) {
    let declared = schema.type_named(qualified).expect("a declared type");
    let ty = value
        .get("@odata.type")
        .and_then(Value::as_str)
        .and_then(|t| schema.resolve_odata_type(t, declared))
        .unwrap_or(declared);
    let object = value.as_object().expect("an object");
    for (name, item) in object {
        let here = format!("{at}/{name}");
        if name.starts_with('@') {
            continue;
        }
        let Some(property) = ty.properties.iter().find(|p| p.name == name) else {
            unknown.insert(here);
            continue;
        };
        let items: Vec<(String, &Value)> = if property.collection {
            item.as_array()
                .expect("a collection is an array")
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{here}/{i}"), v))
                .collect()
        } else {
            vec![(here, item)]
        };
        for (here, item) in items {
            if item.is_null() {
                continue;
            }
            if let Some(e) = schema.enum_named(property.ty) {
                if !item.as_str().is_some_and(|s| e.members.contains(&s)) {
                    problems.push(format!("{here}: {item} is not a member of {}", e.qualified));
                }
                continue;
            }
            let valid = match property.ty {
                "Edm.DateTimeOffset" => {
                    matches!(item.as_str().map(DateTimeOffset::parse), Some(Ok(_)))
                }
                "Edm.Int32" => matches!(item.as_i64().map(i32::try_from), Some(Ok(_))),
                "Edm.Boolean" => item.is_boolean(),
                "Edm.String" => item.is_string(),
                other if schema.type_named(other).is_some() => {
                    check_value(schema, other, item, &here, problems, unknown);
                    true
                }
                other => panic!("{here}: no check for the type {other}"),
            };
            if !valid {
                problems.push(format!("{here}: {item} is not an {}", property.ty));
            }
        }
    }
}

/// The `[name, value]` pairs of a documented `headers` array.
fn headers(side: &Value) -> Vec<(String, String)> {
    side["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    (
                        h[0].as_str().unwrap().to_owned(),
                        h[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Fails unless `debug` shows the token redacted and never its text.
pub fn assert_token_redacted(debug: &str, secret: &str) {
    assert!(
        !debug.contains(secret),
        "the token leaks into Debug output:\n{debug}"
    );
    assert!(
        debug.contains("token: <redacted>"),
        "no redacted token in Debug output:\n{debug}"
    );
}

/// Asserts that a date-time is present and reads back exactly as `text`.
pub fn assert_date_time(value: Option<&DateTimeOffset>, text: &str) {
    let value = value.unwrap_or_else(|| panic!("no date-time where {text} was documented"));
    assert_eq!(value.to_string(), text);
}

/// The sample values the documentation pages (and the seeds) use.
#[allow(dead_code)]
pub mod logs;

pub mod sample {
    use graph_vpptoken::runtime::DateTimeOffset;

    pub const ID: &str = "9ceb2f92-2f92-9ceb-922f-eb9c922feb9c";
    pub const ORGANIZATION: &str = "Organization Name value";
    pub const APPLE_ID: &str = "Apple Id value";
    pub const TOKEN: &str = "Token value";
    pub const COUNTRY: &str = "Country Or Region value";
    pub const EXPIRATION: &str = "2016-12-31T23:57:57.2481234-08:00";
    pub const LAST_SYNC: &str = "2017-01-01T00:02:49.3205976-08:00";
    pub const LAST_MODIFIED: &str = "2017-01-01T00:00:35.1329464-08:00";
    pub const ACTION_NAME: &str = "Action Name value";
    pub const ACTION_START: &str = "2016-12-31T23:58:46.7156189-08:00";
    pub const ACTION_UPDATED: &str = "2017-01-01T00:00:56.8321556-08:00";
    pub const DISPLAY_NAME: &str = "Display Name value";
    pub const LOCATION: &str = "Location Name value";
    pub const ROLE_SCOPE_TAG: &str = "Role Scope Tag Ids value";

    pub fn dt(text: &str) -> DateTimeOffset {
        text.parse().expect("a valid date-time")
    }
}

/// The typed values of the token every documented v1.0 response (and seed) shows.
pub fn assert_v1_documented_token(token: &v1_0::VppToken) {
    assert_eq!(
        token.odata_type.as_deref(),
        Some("#microsoft.graph.vppToken")
    );
    assert_eq!(token.id.as_deref(), Some(ID));
    assert_eq!(token.organization_name.as_deref(), Some(ORGANIZATION));
    assert_eq!(
        token.vpp_token_account_type,
        Some(v1_0::VppTokenAccountType::Education)
    );
    assert_eq!(token.apple_id.as_deref(), Some(APPLE_ID));
    assert_date_time(token.expiration_date_time.as_ref(), EXPIRATION);
    assert_date_time(token.last_sync_date_time.as_ref(), LAST_SYNC);
    assert_date_time(token.last_modified_date_time.as_ref(), LAST_MODIFIED);
    assert_eq!(token.token.as_deref(), Some(TOKEN));
    assert_eq!(token.state, Some(v1_0::VppTokenState::Valid));
    assert_eq!(
        token.last_sync_status,
        Some(v1_0::VppTokenSyncStatus::InProgress)
    );
    assert_eq!(token.automatically_update_apps, Some(true));
    assert_eq!(token.country_or_region.as_deref(), Some(COUNTRY));
    assert!(
        token.additional.is_empty(),
        "unexpected unknown properties: {:?}",
        token.additional
    );
    assert_expiration_converts(token.expiration_date_time.as_ref());
    assert_token_redacted(&format!("{token:?}"), TOKEN);
}

/// The documented expiration `2016-12-31T23:57:57.2481234-08:00` as a standard date-time: the
/// same instant, the offset -08:00 and all 7 fractional digits.
pub fn assert_expiration_converts(value: Option<&DateTimeOffset>) {
    let standard = value.expect("an expiration").to_offset_date_time();
    assert_eq!(standard.unix_timestamp(), 1_483_257_477);
    assert_eq!(standard.nanosecond(), 248_123_400);
    assert_eq!(standard.offset().whole_seconds(), -8 * 3600);
    assert_eq!(
        (standard.year(), u8::from(standard.month()), standard.day()),
        (2016, 12, 31)
    );
}

/// A client for the loopback server at `endpoint` whose only timers are the retry waits: no
/// request timeout, no jitter, and no connection pool (whose idle timers would let tokio's
/// paused clock jump while a request is on the wire). For tests on paused time.
pub fn paused_time_client(endpoint: &str, token: &str) -> graph_vpptoken::client::Client {
    let http = graph_vpptoken::client::http_client_builder()
        .expect("the crate's TLS configuration")
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client");
    graph_vpptoken::client::Client::builder()
        .endpoint(endpoint)
        .bearer_token(token)
        .http_client(http)
        .timeout(None)
        .jitter(graph_vpptoken::client::Jitter::None)
        .build()
        .expect("a client")
}
