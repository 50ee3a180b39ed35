//! Bad input: malformed or hostile CSDL gives an error naming the file, line and column, and
//! nothing is written; malformed JSON gives a typed error, never a panic.

use std::path::{Path, PathBuf};

use graph_vpptoken::runtime::{Operation, ResponseError};
use graph_vpptoken_codegen::codegen;
use graph_vpptoken_codegen::config::Config;

const CONFIG: &str = r#"
runtime = "crate::runtime"
output = "out"
[[version]]
name = "v1.0"
module = "v1_0"
input = "input.xml"
service_root = "https://example.test/v1.0"
roots = ["sample.ns.thing"]
"#;

/// Runs the whole generation (as `cargo xtask codegen` does) on `csdl` in a fresh folder and
/// returns the error, checking that the output folder was not created.
fn generate_error(name: &str, csdl: &str) -> String {
    generate_bytes_error(name, csdl.as_bytes())
}

/// [`generate_error`] for an input file of any bytes.
fn generate_bytes_error(name: &str, csdl: &[u8]) -> String {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("vpptoken-bad-input-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("codegen.toml"), CONFIG).unwrap();
    std::fs::write(dir.join("input.xml"), csdl).unwrap();
    let config = Config::load(&dir.join("codegen.toml")).unwrap();
    let result = codegen::generate(&config, &dir).and_then(|files| {
        graph_vpptoken_codegen::write::sync(&dir.join(&config.output), &files, false)
    });
    let error = match result {
        Ok(_) => panic!("{name}: bad input was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(!dir.join("out").exists(), "{name}: something was written");
    let _ = std::fs::remove_dir_all(&dir);
    error
}

fn schema(body: &str) -> String {
    format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n\
         <edmx:DataServices>\n\
         <Schema Namespace=\"sample.ns\" Alias=\"s\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n\
         {body}\n\
         </Schema>\n\
         </edmx:DataServices>\n\
         </edmx:Edmx>\n"
    )
}

#[test]
fn unclosed_tag() {
    let csdl = schema(
        "<ComplexType Name=\"thing\">\n  <Property Name=\"a\" Type=\"Edm.String\">\n</ComplexType>",
    );
    let error = generate_error("unclosed", &csdl);
    eprintln!("{error}");
    assert!(error.contains("input.xml:"), "{error}");
    assert!(error.contains("malformed XML"), "{error}");
    let location = error.split(": ").next().unwrap();
    let parts: Vec<&str> = location.rsplitn(3, ':').collect();
    assert_eq!(parts.len(), 3, "file:line:column in {error}");
    assert!(parts[1].parse::<u32>().unwrap() >= 5, "{error}");
}

#[test]
fn unknown_type_reference() {
    let csdl = schema(
        "<ComplexType Name=\"thing\">\n  <Property Name=\"a\" Type=\"s.missing\" />\n</ComplexType>",
    );
    let error = generate_error("unknown-type", &csdl);
    assert!(
        error.ends_with("input.xml:5:3: Property thing/a: unknown type `s.missing`"),
        "{error}"
    );
}

#[test]
fn cyclic_base_type() {
    let csdl = schema(
        "<ComplexType Name=\"thing\" BaseType=\"s.other\" />\n<ComplexType Name=\"other\" BaseType=\"s.thing\" />",
    );
    let error = generate_error("cycle", &csdl);
    assert!(
        error.contains("input.xml:4:1: type sample.ns.thing: cyclic base type"),
        "{error}"
    );
}

#[test]
fn unknown_root_and_missing_attribute() {
    let error = generate_error("no-root", &schema("<ComplexType Name=\"other\" />"));
    assert!(
        error.contains("root `sample.ns.thing`") && error.contains("no such type"),
        "{error}"
    );
    let error = generate_error(
        "no-name",
        &schema("<ComplexType Name=\"thing\">\n  <Property Type=\"Edm.String\" />\n</ComplexType>"),
    );
    assert!(error.contains("input.xml:5:3"), "{error}");
    assert!(error.contains("Property"), "{error}");
}

#[test]
fn name_that_is_not_a_csdl_identifier() {
    // `²` is a digit to `char::is_alphanumeric` but of category No, which CSDL does not
    // allow in a name (and Rust not in an identifier).
    let csdl = schema(
        "<ComplexType Name=\"thing\">\n  <Property Name=\"x\u{b2}\" Type=\"Edm.Int32\" />\n</ComplexType>",
    );
    let error = generate_error("bad-name", &csdl);
    assert!(
        error.ends_with(
            "input.xml:5:3: <Property>: attribute `Name`: `x\u{b2}` is not a valid CSDL property name: \
             `\u{b2}` (U+00B2, category No) may not appear in it"
        ),
        "{error}"
    );
    let csdl = schema(
        "<ComplexType Name=\"thing\" />\n<EnumType Name=\"e\"><Member Name=\"1st\" /></EnumType>",
    );
    let error = generate_error("bad-member", &csdl);
    assert!(
        error.ends_with(
            "input.xml:5:20: <Member>: attribute `Name`: `1st` is not a valid CSDL simple identifier: \
             it must start with a letter or `_`, not `1` (U+0031, category Nd)"
        ),
        "{error}"
    );
}

/// `csdl` in UTF-16, little-endian, with a byte order mark.
fn utf16le(csdl: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(csdl.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn malformed_xml_is_refused_where_it_stands() {
    for (name, body, expected) in [
        (
            "unclosed",
            "<ComplexType Name=\"thing\">\n  <Property Name=\"a\" Type=\"Edm.String\">\n</ComplexType>",
            "input.xml:6:1: malformed XML: ill-formed document: expected `</Property>`, but `</ComplexType>` was found",
        ),
        (
            "mismatched",
            "<ComplexType Name=\"thing\">\n</EnumType>",
            "input.xml:5:1: malformed XML: ill-formed document: expected `</ComplexType>`, but `</EnumType>` was found",
        ),
        (
            "unquoted",
            "<ComplexType Name=thing />",
            "input.xml:4:19: malformed XML: attribute value must be quoted",
        ),
        (
            "no-space",
            "<ComplexType Name=\"thing\"Abstract=\"true\" />",
            "input.xml:4:26: malformed XML: white space must follow attribute `Name`",
        ),
        (
            "lt-in-value",
            "<ComplexType Name=\"thing\" BaseType=\"s.<x>\" />",
            "input.xml:4:39: malformed XML: `<` is not allowed in attribute `BaseType` (write `&lt;`)",
        ),
        (
            "duplicate",
            "<ComplexType Name=\"thing\" Name=\"other\" />",
            "input.xml:4:27: malformed XML: duplicated attribute `Name`",
        ),
        (
            "control-in-value",
            "<ComplexType Name=\"thing\">\n  <Property Name=\"a\" Type=\"Edm.String\"><Annotation Term=\"Core.Description\" String=\"bell\u{7}\" /></Property>\n</ComplexType>",
            "input.xml:5:88: malformed XML: character U+0007 is not allowed in XML",
        ),
        (
            "control-in-text",
            "<ComplexType Name=\"thing\" />\n<Annotations Target=\"s.thing\"><Annotation Term=\"Core.Description\"><String>\u{0}</String></Annotation></Annotations>",
            "input.xml:5:75: malformed XML: character U+0000 is not allowed in XML",
        ),
        (
            "char-ref",
            "<ComplexType Name=\"thing\" />\n<Annotations Target=\"s.thing\"><Annotation Term=\"Core.Description\"><String>&#xFFFF;</String></Annotation></Annotations>",
            "input.xml:5:75: malformed XML: invalid character reference `&#xFFFF;`",
        ),
        (
            "text-cdata-end",
            "<ComplexType Name=\"thing\" />\n<Annotations Target=\"s.thing\"><Annotation Term=\"Core.Description\"><String>]]></String></Annotation></Annotations>",
            "input.xml:5:75: malformed XML: `]]>` is not allowed in text (write `]]&gt;`)",
        ),
    ] {
        let error = generate_error(name, &schema(body));
        assert!(error.ends_with(expected), "{name}: {error}");
    }

    let error = generate_error(
        "doctype",
        &format!(
            "<!DOCTYPE edmx:Edmx>\n{}",
            schema("<ComplexType Name=\"thing\" />")
        ),
    );
    assert!(
        error.ends_with("input.xml:1:1: malformed XML: a document type declaration (`<!DOCTYPE`) is not allowed in CSDL"),
        "{error}"
    );
}

#[test]
fn encodings_other_than_utf8_and_utf16_are_refused_where_they_stand() {
    // Latin-1 bytes: `caf\xE9` on line 5.
    let csdl = schema(
        "<ComplexType Name=\"thing\">\n  <Property Name=\"caf\u{e9}\" Type=\"Edm.String\" />\n</ComplexType>",
    );
    let latin1: Vec<u8> = csdl
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let error = generate_bytes_error("latin1", &latin1);
    assert!(
        error.ends_with(
            "input.xml:5:22: malformed XML: the input is not valid UTF-8 (bytes E9); only UTF-8 and UTF-16 are read"
        ),
        "{error}"
    );
    // Declared as Latin-1, though all ASCII.
    let csdl = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n{}",
        schema("<ComplexType Name=\"thing\" />")
    );
    let error = generate_bytes_error("declared-latin1", csdl.as_bytes());
    assert!(
        error.ends_with("input.xml:1:1: malformed XML: encoding `ISO-8859-1` is not supported: only UTF-8 and UTF-16 are read"),
        "{error}"
    );
    // UTF-16 that breaks off in a surrogate pair: at the character, counted in characters.
    let mut broken = utf16le(&schema(
        "<ComplexType Name=\"thing\">\n  <Property Name=\"\u{1d49c}\" Type=\"Edm.String\" />\n</ComplexType>",
    ));
    let high = broken.windows(2).position(|w| w == [0x35, 0xD8]).unwrap();
    broken.drain(high + 2..high + 4);
    let error = generate_bytes_error("utf16-surrogate", &broken);
    assert!(
        error.ends_with(
            "input.xml:5:19: malformed XML: the input is not valid UTF-16 (unpaired surrogate D835)"
        ),
        "{error}"
    );
    // UTF-16 without a byte order mark.
    let error = generate_bytes_error(
        "utf16-no-bom",
        &utf16le(&schema("<ComplexType Name=\"thing\" />"))[2..],
    );
    assert!(
        error.contains(
            "input.xml:1:1: malformed XML: the input looks like UTF-16 without a byte order mark"
        ),
        "{error}"
    );
}

#[test]
fn utf16_with_a_byte_order_mark_generates_what_utf8_does() {
    let csdl = format!(
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n{}",
        schema(
            "<ComplexType Name=\"thing\">\n  <Property Name=\"\u{e9}t\u{e9}\" Type=\"Edm.String\" />\n</ComplexType>"
        )
    );
    let generated = |name: &str, bytes: &[u8]| {
        let dir: PathBuf =
            std::env::temp_dir().join(format!("vpptoken-bad-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("codegen.toml"), CONFIG).unwrap();
        std::fs::write(dir.join("input.xml"), bytes).unwrap();
        let config = Config::load(&dir.join("codegen.toml")).unwrap();
        let files = codegen::generate(&config, &dir).unwrap_or_else(|e| panic!("{name}: {e}"));
        let _ = std::fs::remove_dir_all(&dir);
        files
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect::<Vec<_>>()
    };
    // The same folder for both: its name is part of the generated headers.
    let from_utf16 = generated("encodings", &utf16le(&csdl));
    let from_utf8 = generated("encodings", csdl.replace("utf-16", "utf-8").as_bytes());
    assert_eq!(from_utf16, from_utf8);
}

#[test]
fn declaring_a_type_twice_or_a_built_in_type() {
    let error = generate_error(
        "twice",
        &schema("<ComplexType Name=\"thing\" />\n<EnumType Name=\"thing\" />"),
    );
    assert!(
        error.ends_with(
            "input.xml:4:1: ComplexType sample.ns.thing: declared twice (first at line 5:1)"
        ),
        "{error}"
    );

    let csdl = schema("<ComplexType Name=\"thing\" />").replace(
        "</edmx:DataServices>",
        "<Schema Namespace=\"Edm\">\n  <ComplexType Name=\"String\" />\n</Schema>\n</edmx:DataServices>",
    );
    let error = generate_error("built-in", &csdl);
    assert!(
        error.ends_with(
            "input.xml:7:3: ComplexType Edm.String: `Edm.String` is a built-in type and cannot be declared \
             (the `Edm` namespace is reserved)"
        ),
        "{error}"
    );
}

#[test]
fn hostile_input_does_not_panic() {
    for (i, csdl) in [
        String::new(),
        "\u{feff}".to_owned(),
        "<".to_owned(),
        "<edmx:Edmx>".to_owned(),
        schema("<EnumType Name=\"e\"><Member Name=\"a\" Value=\"not a number\" /></EnumType>"),
        schema("<ComplexType Name=\"thing\"><Property Name=\"a\" Type=\"Collection(\" /></ComplexType>"),
        schema("<ComplexType Name=\"thing\" /><ComplexType Name=\"thing\" />"),
        schema("<Action Name=\"a\" IsBound=\"true\" />"),
        "<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]><x>&a;</x>".to_owned(),
    ]
    .iter()
    .enumerate()
    {
        let error = generate_error(&format!("hostile-{i}"), csdl);
        eprintln!("case {i}: {error}");
        assert!(error.contains("input.xml"), "case {i}: {error}");
    }
}

#[test]
fn malformed_json_is_a_typed_error() {
    let get = graph_vpptoken::v1_0::device_app_management()
        .vpp_tokens()
        .by_id("1")
        .get();
    for body in [
        "{",
        "[]",
        r#"{"state": 3}"#,
        r#"{"expirationDateTime": "yesterday"}"#,
    ] {
        let response = http::Response::builder().status(200).body(body).unwrap();
        match get.parse_response(&response) {
            Err(ResponseError::Decode { path, .. }) => assert!(!path.is_empty(), "{body}"),
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
    let response = http::Response::builder()
        .status(200)
        .body(r#"{"expirationDateTime": "yesterday"}"#)
        .unwrap();
    match get.parse_response(&response) {
        Err(ResponseError::Decode { path, .. }) => assert_eq!(path, "expirationDateTime"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn the_official_path_of_the_config_is_shown_relative() {
    // Errors name the input as `<config folder>/<input>`, as the preamble does.
    let error = generate_error(
        "shown",
        &schema(
            "<ComplexType Name=\"thing\"><Property Name=\"a\" Type=\"s.nope\" /></ComplexType>",
        ),
    );
    let shown = error.split(':').next().unwrap();
    assert!(Path::new(shown).ends_with("input.xml"), "{error}");
}
