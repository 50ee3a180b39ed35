//! The `check_payload` example of `graph-vpptoken`, run as a program: on every documented
//! response body (`shared/docs-examples/examples.json`), on the beta vppToken resource template
//! made valid, and on bodies with unknown enum members, unknown `@odata.type`s and values that
//! do not decode. Each test checks the exit status and the lines that matter.
//!
//! The example is built once for the whole file (one cargo invocation, in the workspace's
//! target directory, with the environment of this test run); the tests then run the built
//! program. Bodies are written to files under the system's temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Running the checker

/// The built `check_payload` program, built on first use.
fn checker() -> &'static Path {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(build_checker)
}

/// Builds the example and returns the path of the executable, as cargo reports it (so that
/// `CARGO_TARGET_DIR`, `--target` defaults and the like are honoured).
fn build_checker() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO"))
        .current_dir(&workspace)
        .args([
            "build",
            "--quiet",
            "-p",
            "graph-vpptoken",
            "--example",
            "check_payload",
        ])
        .arg("--message-format=json-render-diagnostics")
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "building the check_payload example failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "check_payload")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the check_payload executable")
}

/// What one run of the checker gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// The last line of standard output, the summary.
    fn summary(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }

    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit status\n--- stdout\n{}--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn assert_line(&self, line: &str) -> &Self {
        assert!(
            self.lines().contains(&line),
            "no line {line:?} in\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    fn assert_line_starting(&self, prefix: &str) -> &Self {
        assert!(
            self.lines().iter().any(|l| l.starts_with(prefix)),
            "no line starting with {prefix:?} in\n{}",
            self.stdout
        );
        self
    }
}

/// Runs the checker with these arguments.
fn run_args(args: &[&str]) -> Run {
    let output = Command::new(checker())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("check_payload runs");
    Run {
        code: output.status.code().expect("an exit status"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 output"),
    }
}

/// Writes `body` to a temporary file named after `name` and checks it as `ty` of `version`.
fn check(name: &str, version: &str, ty: &str, body: &Value) -> Run {
    let file = temp_file(name, &serde_json::to_string_pretty(body).unwrap());
    let run = run_args(&[version, ty, file.to_str().expect("a UTF-8 temporary path")]);
    std::fs::remove_file(&file).ok();
    run
}

/// A file under the temporary directory with this text, named after the test and process.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let file = std::env::temp_dir().join(format!(
        "vpptoken-check-payload-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&file, text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    file
}

// ---------------------------------------------------------------------------------------------
// The documented examples

/// The documented examples, as published.
fn examples() -> &'static [Value] {
    static EXAMPLES: OnceLock<Vec<Value>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs-examples/examples.json");
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        serde_json::from_str(&text).expect("examples.json is JSON")
    })
}

fn example(id: &str) -> &'static Value {
    examples()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no documented example {id}"))
}

/// The documented response body of an example.
fn response_body(id: &str) -> Value {
    let body = example(id)["response"]["body"].clone();
    assert!(body.is_object(), "{id} has no JSON response body");
    body
}

/// The type of the documented response body of an operation of the vppToken pages.
fn response_type(operation: &str) -> &'static str {
    match operation {
        "create" | "get" | "list" | "update" | "syncLicenses" => "vppToken",
        "getLicensesForApp" => "vppTokenLicenseSummary",
        other => panic!("{other} has a response body: add the type it holds here"),
    }
}

/// The types whose documented response bodies are checked.
const CHECKED_TYPES: &[&str] = &["vppToken", "vppTokenActionResult", "vppTokenLicenseSummary"];

#[test]
fn documented_response_bodies_check_clean() {
    let mut checked = Vec::new();
    for e in examples() {
        let id = e["id"].as_str().expect("an id");
        let body = &e["response"]["body"];
        if e["kind"] != "http" || !(body.is_object() || body.is_array()) {
            continue;
        }
        let ty = response_type(e["operation"].as_str().expect("an operation"));
        if !CHECKED_TYPES.contains(&ty) {
            continue;
        }
        let version = e["api_version"].as_str().expect("an API version");
        let items = match &body["value"] {
            Value::Array(items) => items.len(),
            _ => 1,
        };
        let plural = if items == 1 { "" } else { "s" };
        let run = check(id, version, ty, body);
        run.assert_code(0);
        assert_eq!(
            run.lines(),
            [format!("ok: {items} item{plural}, lossless round trip")],
            "{id}"
        );
        checked.push(id);
    }
    // create, get, list, update and syncLicenses in both versions, and beta getLicensesForApp.
    assert!(checked.len() >= 11, "only {checked:?}");
    assert!(checked.contains(&"beta-vppToken-getLicensesForApp-01"));
    assert!(
        checked.contains(&"v1.0-vppToken-get-01"),
        "a {{\"value\": {{...}}}} body"
    );
}

/// Replaces the type placeholders of a resource page's template that are not valid values of
/// their property's type: enum members and date-times. Plain strings, numbers and booleans
/// are valid as they are.
fn fill_template(value: &mut Value) {
    const ENUM_MEMBERS: &[(&str, &str)] = &[
        ("vppTokenAccountType", "business"),
        ("state", "valid"),
        ("lastSyncStatus", "completed"),
        ("actionState", "done"),
        ("actionFailureReason", "none"),
    ];
    match value {
        Value::Object(object) => {
            for (key, v) in object.iter_mut() {
                if let Some((_, member)) = ENUM_MEMBERS.iter().find(|(k, _)| k == key) {
                    assert_eq!(v, "String", "{key} holds a placeholder");
                    *v = json!(member);
                } else if v == "String (timestamp)" {
                    *v = json!("2026-05-04T03:02:01.1234567+02:00");
                } else {
                    fill_template(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fill_template),
        _ => {}
    }
}

#[test]
fn beta_resource_template_reports_last_app_count() {
    let mut body = response_body("beta-vppToken-resource-01");
    fill_template(&mut body);
    let run = check("beta-resource", "beta", "vppToken", &body);
    run.assert_code(1);
    assert_eq!(
        run.lines(),
        [
            "unknown property: lastAppCount",
            "unknown: 1 item, lossless round trip, 1 unknown (kept)",
        ]
    );
}

#[test]
fn v1_0_resource_template_checks_clean() {
    let mut body = response_body("v1.0-vppToken-resource-01");
    fill_template(&mut body);
    let run = check("v1-resource", "v1.0", "vppToken", &body);
    run.assert_code(0);
    assert_eq!(run.lines(), ["ok: 1 item, lossless round trip"]);
}

#[test]
fn resource_template_with_placeholders_does_not_decode() {
    let body = response_body("beta-vppToken-resource-01");
    let run = check("beta-resource-raw", "beta", "vppToken", &body);
    run.assert_code(2)
        .assert_line_starting("decode failure: expirationDateTime: ")
        .assert_line("unknown enum member: state = \"String\" (vppTokenState)")
        .assert_line("unknown property: lastAppCount");
    assert!(
        run.summary()
            .starts_with("failed: 1 item, 1 decode failure"),
        "{}",
        run.stdout
    );
}

#[test]
fn derived_action_result_resource_checks_as_its_base_type() {
    // The page of vppTokenRevokeLicensesActionResult, checked as the base type: its
    // `@odata.type` picks the derived type, whose properties apply.
    let mut body = response_body("beta-vppTokenRevokeLicensesActionResult-resource-01");
    fill_template(&mut body);
    let run = check("derived-resource", "beta", "vppTokenActionResult", &body);
    run.assert_code(0);
    assert_eq!(run.lines(), ["ok: 1 item, lossless round trip"]);
}

// ---------------------------------------------------------------------------------------------
// What the metadata does not know

#[test]
fn unknown_enum_members_are_listed() {
    let mut body = response_body("v1.0-vppToken-get-01");
    body["value"]["state"] = json!("somethingNew");
    let run = check("unknown-enum", "v1.0", "vppToken", &body);
    run.assert_code(1)
        .assert_line("unknown enum member: value.state = \"somethingNew\" (vppTokenState)")
        .assert_line("unknown: 1 item, lossless round trip, 1 unknown (kept)");

    let mut body = response_body("beta-vppToken-list-01");
    body["value"][0]["tokenActionResults"][0]["actionState"] = json!("paused");
    body["value"][0]["lastSyncStatus"] = json!("throttled");
    let run = check("unknown-enum-nested", "beta", "vppToken", &body);
    run.assert_code(1)
        .assert_line(
            "unknown enum member: value[0].tokenActionResults[0].actionState = \"paused\" (actionState)",
        )
        .assert_line(
            "unknown enum member: value[0].lastSyncStatus = \"throttled\" (vppTokenSyncStatus)",
        )
        .assert_line("unknown: 1 item, lossless round trip, 2 unknowns (kept)");
}

#[test]
fn unknown_odata_types_are_listed() {
    let mut body = response_body("beta-vppToken-list-01");
    body["value"][0]["tokenActionResults"][0]["@odata.type"] =
        json!("#microsoft.graph.vppTokenRenewActionResult");
    body["value"][0]["tokenActionResults"][0]["renewedUntil"] = json!("2027-01-01T00:00:00Z");
    let run = check("unknown-odata-type", "beta", "vppToken", &body);
    run.assert_code(1)
        .assert_line_starting(
            "unknown @odata.type: value[0].tokenActionResults[0].@odata.type = \"#microsoft.graph.vppTokenRenewActionResult\" ",
        )
        .assert_line("unknown property: value[0].tokenActionResults[0].renewedUntil")
        .assert_line("unknown: 1 item, lossless round trip, 2 unknowns (kept)");

    // A type the metadata knows, but not derived from the declared one.
    let mut body = response_body("v1.0-vppToken-create-01");
    body["@odata.type"] = json!("#microsoft.graph.entity");
    let run = check("unexpected-odata-type", "v1.0", "vppToken", &body);
    run.assert_code(1)
        .assert_line_starting("unexpected @odata.type: @odata.type = \"#microsoft.graph.entity\" ");
}

#[test]
fn derived_types_and_annotations_are_known() {
    let mut body = response_body("beta-vppToken-list-01");
    body["@odata.context"] =
        json!("https://graph.microsoft.com/beta/$metadata#deviceAppManagement/vppTokens");
    body["@odata.nextLink"] =
        json!("https://graph.microsoft.com/beta/deviceAppManagement/vppTokens?$skiptoken=x");
    body["value"][0]["displayName@odata.type"] = json!("#String");
    let results = body["value"][0]["tokenActionResults"]
        .as_array_mut()
        .unwrap();
    results.push(json!({
        "@odata.type": "#microsoft.graph.vppTokenRevokeLicensesActionResult",
        "actionName": "revokeLicenses",
        "actionState": "failed",
        "actionFailureReason": "appleFailure",
        "totalLicensesCount": 10,
        "failedLicensesCount": 2,
    }));
    let run = check("derived-and-annotations", "beta", "vppToken", &body);
    run.assert_code(0);
    assert_eq!(run.lines(), ["ok: 1 item, lossless round trip"]);
}

// ---------------------------------------------------------------------------------------------
// Values that do not decode

#[test]
fn bad_date_time_fails_with_its_path() {
    let mut body = response_body("v1.0-vppToken-list-01");
    let mut second = body["value"][0].clone();
    second["expirationDateTime"] = json!("2016-12-31T25:61:00-08:00");
    body["value"].as_array_mut().unwrap().push(second);
    let run = check("bad-date-time", "v1.0", "vppToken", &body);
    run.assert_code(2)
        .assert_line_starting("decode failure: value[1].expirationDateTime: ")
        .assert_line("failed: 2 items, 1 decode failure");
    assert!(
        !run.stdout.contains("value[0]"),
        "the first item is fine:\n{}",
        run.stdout
    );
}

#[test]
fn bad_date_time_inside_a_derived_value_fails_with_its_path() {
    let mut body = response_body("beta-vppToken-get-01");
    body["value"]["tokenActionResults"][0] = json!({
        "@odata.type": "#microsoft.graph.vppTokenRevokeLicensesActionResult",
        "startDateTime": "not a date",
        "actionState": "halfway",
    });
    let run = check("bad-date-time-derived", "beta", "vppToken", &body);
    run.assert_code(2)
        .assert_line_starting("decode failure: value.tokenActionResults[0].startDateTime: ")
        .assert_line(
            "unknown enum member: value.tokenActionResults[0].actionState = \"halfway\" (actionState)",
        )
        .assert_line("failed: 1 item, 1 decode failure, 1 unknown (kept)");
}

#[test]
fn wrong_json_types_fail_with_their_path() {
    let body = json!([{ "id": "1", "availableLicenseCount": "five" }]);
    let run = check("wrong-type", "beta", "vppTokenLicenseSummary", &body);
    run.assert_code(2)
        .assert_line_starting("decode failure: [0].availableLicenseCount: ");
}

// ---------------------------------------------------------------------------------------------
// Input and usage

#[test]
fn reads_standard_input() {
    let body = serde_json::to_string(&response_body("beta-vppToken-getLicensesForApp-01")).unwrap();
    let mut child = Command::new(checker())
        .args(["beta", "vppTokenLicenseSummary", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("check_payload runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), body.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "ok: 1 item, lossless round trip\n"
    );
}

#[test]
fn bad_usage_and_bad_input_exit_2() {
    let file = temp_file("not-json", "{\"value\": [");
    let path = file.to_str().unwrap();
    for (args, message) in [
        (
            vec!["v1.0", "vppToken"],
            "error: expected 3 arguments, got 2",
        ),
        (
            vec!["v2.0", "vppToken", path],
            "error: unknown API version \"v2.0\"",
        ),
        (
            vec!["v1.0", "vppTokenLicenseSummary", path],
            "error: v1.0 has no entity or complex type",
        ),
        (
            vec!["beta", "vppToken", "/nonexistent/body.json"],
            "error: cannot read /nonexistent/body.json",
        ),
        (
            vec!["beta", "vppToken", path],
            "not-json.json:1:11: not valid JSON: EOF",
        ),
    ] {
        let run = run_args(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    std::fs::remove_file(&file).ok();
    let help = run_args(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.starts_with("usage: check_payload"));
}

// ---------------------------------------------------------------------------------------------
// Hostile input: exact numbers and JSON edge cases, checked as parse_response reads them

/// Writes `text` as it is and checks it as `ty` of `version`.
fn check_text(name: &str, version: &str, ty: &str, text: &str) -> Run {
    let file = temp_file(name, text);
    let run = run_args(&[version, ty, file.to_str().expect("a UTF-8 temporary path")]);
    std::fs::remove_file(&file).ok();
    run
}

#[test]
fn numbers_beyond_f64_round_trip_losslessly() {
    for (name, x) in [
        ("big-integer", "123456789012345678901234567890"),
        ("unstable-double", "1.826817409522712e299"),
        ("out-of-range", "1e400"),
        ("spelling", "1.0"),
    ] {
        let run = check_text(
            name,
            "v1.0",
            "vppToken",
            &format!(r#"{{"id":"a","x":{x}}}"#),
        );
        run.assert_code(1)
            .assert_line("unknown property: x")
            .assert_line("unknown: 1 item, lossless round trip, 1 unknown (kept)");
    }
}

#[test]
fn a_lossy_number_is_reported_as_lossy() {
    // `totalLicensesCount` is an Int32: `7.0` reads as 7 and is written back as `7`.
    let run = check_text(
        "lossy-number",
        "beta",
        "vppTokenActionResult",
        r##"{"@odata.type":"#microsoft.graph.vppTokenRevokeLicensesActionResult","totalLicensesCount":7.0}"##,
    );
    // serde refuses a float for an integer, so this is a decode failure, not silent loss.
    run.assert_code(2)
        .assert_line_starting("decode failure: totalLicensesCount:");
}

#[test]
fn an_unclosed_object_is_reported_at_line_and_column() {
    let run = check_text("open-brace", "v1.0", "vppToken", "{");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("open-brace.json:1:1: not valid JSON: EOF while parsing an object"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_byte_order_mark_is_accepted_as_parse_response_does() {
    check_text("bom", "v1.0", "vppToken", "\u{feff}{\"id\":\"a\"}")
        .assert_code(0)
        .assert_line("ok: 1 item, lossless round trip");
}

#[test]
fn duplicate_members_are_refused_with_their_path() {
    let run = check_text(
        "duplicate",
        "v1.0",
        "vppToken",
        r#"{"value":[{"id":"a","appleId":"x","appleId":"y"}]}"#,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "duplicate.json: value[0].appleId: duplicate member: an object has two members of this name"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_base_typed_action_result_keeps_a_derived_property_of_another_shape() {
    for odata_type in [
        "#microsoft.graph.vppTokenActionResult",
        "#microsoft.graph.futureResult",
    ] {
        let body = format!(
            r#"{{"id":"a","tokenActionResults":[{{"@odata.type":"{odata_type}","failedLicensesCount":"many"}}]}}"#
        );
        let run = check_text("base-typed", "beta", "vppToken", &body);
        assert!(run.code == 1, "{}\n{}", run.stdout, run.stderr);
        run.assert_line_starting("unknown property: tokenActionResults[0].failedLicensesCount")
            .assert_line_starting("unknown: 1 item, lossless round trip");
    }
}

/// The checker splits bodies as `parse_response` of a single-entity request reads them (the
/// same bodies are parsed in `documented_examples.rs`): a `{"value": {...}}` wrapper, with or
/// without annotations, is the token inside; `value` beside the token's own properties is an
/// unknown property of the token; `{"value": [...]}` is a collection of items.
#[test]
fn value_wrappers_are_read_as_parse_response_reads_them() {
    use vpptoken_tests::{VALUE_WRAPPER_CASES, WrapperReading};
    for (name, body, reading) in VALUE_WRAPPER_CASES {
        let run = check_text(&format!("wrapper-{name}"), "v1.0", "vppToken", body);
        match reading {
            WrapperReading::Token {
                value_kept: false, ..
            } => {
                run.assert_code(0)
                    .assert_line("ok: 1 item, lossless round trip");
            }
            WrapperReading::Token {
                value_kept: true, ..
            } => {
                run.assert_code(1)
                    .assert_line("unknown property: value")
                    .assert_line("unknown: 1 item, lossless round trip, 1 unknown (kept)");
            }
            WrapperReading::Collection { items } => {
                run.assert_code(0).assert_line(&format!(
                    "ok: {items} item{}, lossless round trip",
                    if *items == 1 { "" } else { "s" }
                ));
            }
        }
    }
}
